// Measures the language server's time from a document change to published diagnostics, next to Tint alone.
//
// Both are measured in the same run on the same 1,000-line text: Tint alone is `createShaderModule` +
// `getCompilationInfo` on Dawn's null backend in this process; the server number is the wall time from sending
// `didChange` over stdio to receiving `publishDiagnostics` for that version (debounce set to 0, so the number is
// the work, not the wait; the editor's default debounce of 30 ms comes on top while typing). Each edit follows a
// pause in which the previous analysis finished, as when a person stops typing.
import { TintCompiler } from "../../server/src/tint/tintCompiler";
import { startServer } from "../support/lspClient";
import { generateKernelFile } from "./frontend";
import { type Summary, summarize } from "./stats";

export interface ServerLatencyResult {
  readonly lines: number;
  /** Change to the first published diagnostics of that version (the compiler's verdict). */
  readonly server: Summary;
  /** Change to a document-symbols answer, which waits for the whole analysis (parse, names, types, checks). */
  readonly fullAnalysis: Summary;
  readonly tintAlone: Summary;
  readonly ratioP50: number;
  readonly ratioP95: number;
}

/** A ~1,000-line file of kernels, varied per edit so no layer can serve a cached answer. */
function variant(base: string, i: number): string {
  // A new constant changes the code itself (Dawn caches shader modules by their text).
  return `const bench_edit_${i}: u32 = ${i}u;\n${base}`;
}

export async function benchServerLatency(runs = 60): Promise<ServerLatencyResult> {
  const base = generateKernelFile(1000);
  const lines = base.split("\n").length;

  const tint = await TintCompiler.create();
  if ("error" in tint) throw new Error(`Tint unavailable: ${tint.error}`);
  const tintSamples: number[] = [];
  for (let i = 0; i < runs + 10; i++) {
    const t0 = performance.now();
    await tint.compile(variant(base, i));
    if (i >= 10) tintSamples.push(performance.now() - t0);
  }

  const server = await startServer({ diagnostics: { debounceMs: 0 } });
  const uri = "file:///tmp/kernellens-bench.wgsl";
  try {
    const first = server.diagnostics(uri, (p) => p.version === 1, 30000);
    server.open(uri, variant(base, 100000), 1);
    // Each edit rewrites the first line, as a keystroke would: an incremental change, not the whole text.
    const firstLine = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
    await first;
    const samples: number[] = [];
    for (let i = 0; i < runs + 10; i++) {
      const version = i + 2;
      const got = server.diagnostics(uri, (p) => p.version === version, 30000);
      const t0 = performance.now();
      server.edit(uri, firstLine, variant("", i), version);
      await got;
      if (i >= 10) samples.push(performance.now() - t0);
      // A keystroke pause: let the whole analysis of this version finish before the next edit.
      await server.connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri } });
    }
    const full: number[] = [];
    for (let i = 0; i < runs + 10; i++) {
      const version = runs + 20 + i;
      const t0 = performance.now();
      server.edit(uri, firstLine, variant("", i + 5000), version);
      await server.connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri } });
      if (i >= 10) full.push(performance.now() - t0);
    }
    const s = summarize(samples);
    const t = summarize(tintSamples);
    return { lines, server: s, fullAnalysis: summarize(full), tintAlone: t, ratioP50: s.p50 / t.p50, ratioP95: s.p95 / t.p95 };
  } finally {
    await server.stop();
  }
}
