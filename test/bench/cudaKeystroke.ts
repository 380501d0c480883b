// Measures a keystroke's static answer for a CUDA document in the language server: the wall time from sending
// `didChange` over stdio to receiving `publishDiagnostics` for that version (the analysis every diagnostic, lens and
// hover reads is complete then; debounce 0, so the number is the work, not the wait), on the 2,000-line file of the
// CUDA robustness test (test/support/cudaLargeFile.ts).
//
// Someone types a line into a kernel in the middle of the file, one character per edit (Enter included), each after
// the previous answer arrived. The baseline, measured in the same run and the same server, is a cold full analysis
// of the same text: opening it as a new document (no previous tree, no kept kernels).
import { startServer } from "../support/lspClient";
import { largeCudaFile } from "../support/cudaLargeFile";
import { type Summary, summarize } from "./stats";

export interface CudaKeystrokeResult {
  readonly lines: number;
  readonly kernels: number;
  readonly keystroke: Summary;
  readonly cold: Summary;
}

/** The LSP position of an offset. */
function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

export async function benchCudaKeystroke(keystrokes = 90, colds = 8): Promise<CudaKeystrokeResult> {
  const base = largeCudaFile();
  const lines = base.split("\n").length;
  const kernels = (base.match(/__global__/g) ?? []).length;
  // No background compile: the static answer alone is measured.
  const server = await startServer({ diagnostics: { debounceMs: 0 }, cuda: { compile: false } });
  try {
    // Cold: each a new document, analysed from nothing.
    const cold: number[] = [];
    for (let i = 0; i < colds + 1; i++) {
      const uri = `file:///tmp/kernellens-bench-cold-${i}.cu`;
      const got = server.diagnostics(uri, (p) => p.version === 1, 60000);
      const t0 = performance.now();
      server.open(uri, `// cold ${i}\n${base}`, 1, "cuda-cpp");
      await got;
      // The first one also starts the grammar: left out.
      if (i > 0) cold.push(performance.now() - t0);
      await server.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
    }

    const uri = "file:///tmp/kernellens-bench-typing.cu";
    const first = server.diagnostics(uri, (p) => p.version === 1, 60000);
    server.open(uri, base, 1, "cuda-cpp");
    await first;
    // Inside the body of a kernel in the middle of the file.
    let text = base;
    let cursor = base.indexOf("{", base.indexOf("__global__", Math.floor(base.length / 2))) + 1;
    const typed = "\n    float typed_sum = 0.0f;\n    typed_sum += 2.0f * typed_sum;".repeat(4);
    const samples: number[] = [];
    for (let i = 0; i < keystrokes + 10; i++) {
      const ch = typed[i % typed.length];
      const version = i + 2;
      const at = positionOf(text, cursor);
      const got = server.diagnostics(uri, (p) => p.version === version, 60000);
      const t0 = performance.now();
      server.edit(uri, { start: at, end: at }, ch, version);
      await got;
      if (i >= 10) samples.push(performance.now() - t0);
      text = text.slice(0, cursor) + ch + text.slice(cursor);
      cursor++;
    }
    return { lines, kernels, keystroke: summarize(samples), cold: summarize(cold) };
  } finally {
    await server.stop();
  }
}
