// Measures a keystroke's static answer for a CUDA document in the language server: the wall time from sending
// `didChange` over stdio to receiving `publishDiagnostics` for that version (the analysis every diagnostic, lens and
// hover reads is complete then; debounce 0, so the number is the work, not the wait), on the 2,000-line file of the
// CUDA robustness test (test/support/cudaLargeFile.ts).
//
// Someone types a line into a kernel in the middle of the file, one character per edit (Enter included), each after
// the previous answer arrived. The baseline, measured in the same run and the same server, is a cold full analysis
// of the same text: opening it as a new document (no previous tree, no kept kernels).
import { analyzeCudaSource, type CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import { CudaSession } from "../../server/src/core/cuda/session";
import { findDevice } from "../../server/src/core/devices/database";
import { createParser } from "../../server/src/treeSitter/grammars";
import { startServer } from "../support/lspClient";
import { largeCudaFile } from "../support/cudaLargeFile";
import { type Summary, summarize } from "./stats";

export interface CudaKeystrokeResult {
  readonly lines: number;
  readonly kernels: number;
  readonly keystroke: Summary;
  readonly cold: Summary;
  /** The same keystrokes analysed in this process (no LSP), and the median of each phase, for where the time goes. */
  readonly inProcess: { readonly keystroke: Summary; readonly cold: Summary; readonly phases: Readonly<Record<string, number>> };
}

const TYPED = "\n    float typed_sum = 0.0f;\n    typed_sum += 2.0f * typed_sum;".repeat(4);

/** Where the typing starts: inside the body of a kernel in the middle of the file. */
function typingStart(base: string): number {
  return base.indexOf("{", base.indexOf("__global__", Math.floor(base.length / 2))) + 1;
}

/** The keystrokes of `benchCudaKeystroke` analysed in this process with a session, next to fresh analyses. */
async function inProcess(base: string, keystrokes: number, colds: number): Promise<CudaKeystrokeResult["inProcess"]> {
  const parser = await createParser("cuda");
  if ("error" in parser) throw new Error(parser.error);
  // As the server models: its device default and a clock on each kernel's counting.
  const model = { device: findDevice("nvidia-rtx-4090")!, budget: { timeMs: 500, clock: () => performance.now() } };
  const cold: number[] = [];
  for (let i = 0; i < colds + 2; i++) {
    const t0 = performance.now();
    analyzeCudaSource(`// cold ${i}\n${base}`, { parser, model });
    if (i >= 2) cold.push(performance.now() - t0);
  }
  const session = new CudaSession();
  const samples: number[] = [];
  const phases: CudaSourceAnalysis["timings"][] = [];
  try {
    analyzeCudaSource(base, { parser, model, session });
    let text = base;
    let cursor = typingStart(base);
    for (let i = 0; i < keystrokes + 10; i++) {
      text = text.slice(0, cursor) + TYPED[i % TYPED.length] + text.slice(cursor);
      cursor++;
      const t0 = performance.now();
      const a = analyzeCudaSource(text, { parser, model, session });
      if (i >= 10) {
        samples.push(performance.now() - t0);
        phases.push(a.timings);
      }
    }
  } finally {
    session.dispose();
  }
  const median = (f: (t: CudaSourceAnalysis["timings"]) => number): number => summarize(phases.map(f)).p50;
  return {
    keystroke: summarize(samples),
    cold: summarize(cold),
    phases: {
      prepare: median((t) => t.prepareMs),
      parse: median((t) => t.parseMs),
      copy: median((t) => t.copyMs),
      host: median((t) => t.hostMs),
      lower: median((t) => t.lowerMs),
      model: median((t) => t.modelMs),
      other: median((t) => t.analyzeMs - t.hostMs - t.lowerMs - t.modelMs),
    },
  };
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
  let measured: { keystroke: Summary; cold: Summary };
  try {
    // Tint starts in the server's background after initialisation: measured after it is up, so it times nothing here.
    for (let waited = 0; waited < 20000 && !server.logs().some((l) => l.startsWith("KernelLens server:")); waited += 100) await new Promise((r) => setTimeout(r, 100));
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
    let cursor = typingStart(base);
    const samples: number[] = [];
    for (let i = 0; i < keystrokes + 10; i++) {
      const ch = TYPED[i % TYPED.length];
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
    measured = { keystroke: summarize(samples), cold: summarize(cold) };
  } finally {
    await server.stop();
  }
  return { lines, kernels, ...measured, inProcess: await inProcess(base, keystrokes, colds) };
}
