// Measures a keystroke's static answer for a Python document with Triton kernels in the language server: the wall
// time from sending `didChange` over stdio to receiving `publishDiagnostics` for that version (the analysis every
// diagnostic, lens and hover reads is complete then; debounce 0, so the number is the work, not the wait; no
// background compile), on the 2,000-line module of test/support/tritonLargeFile.ts (an autotuned matmul with four
// configurations, an autotuned SwiGLU with three, a row softmax, a layer norm, a row sum; host code around them).
//
// Someone types two lines into the softmax kernel in the middle of the file, one character per edit (Enter
// included), each after the previous answer arrived. The baseline, measured in the same run and the same server, is
// a cold analysis of the same text opened as a new document. Also measured: a keystroke in the kernel of the
// 5,000-line script with one kernel, and a keystroke in the 5,000-line script without Triton (no diagnostics are
// published for it, so its answer is a hover sent right after the edit: the server has handled the edit when it
// answers). The same typing is analysed in this process too, with the median of each phase the analysis reports.
import { loadavg } from "node:os";
import { findDevice } from "../../server/src/core/devices/database";
import { TritonSession } from "../../server/src/core/triton/session";
import { analyzeTritonSource, type PythonParser } from "../../server/src/core/triton/analyze";
import type { TritonSourceAnalysis } from "../../server/src/core/triton/types";
import { KERNEL_MODEL_BUDGET_MS } from "../../server/src/lsp/documentLimits";
import { createParser } from "../../server/src/treeSitter/grammars";
import { startServer, type ServerHandle } from "../support/lspClient";
import { keystrokeTritonFile, largePlainPythonFile, largeTritonFile } from "../support/tritonLargeFile";
import { type Summary, summarize } from "./stats";

const DEVICE = "nvidia-h100-sxm";

export interface TritonKeystrokeResult {
  readonly lines: number;
  /** Analysed (kernel, configuration) pairs of the 2,000-line module, and how many the server's analysis reached. */
  readonly kernels: number;
  readonly kernelsAnalysedByServer: number;
  readonly keystroke: Summary;
  readonly cold: Summary;
  /** A keystroke in the one kernel of the 5,000-line script. */
  readonly large: { readonly lines: number; readonly keystroke: Summary };
  /** A keystroke in the 5,000-line script without Triton: edit -> hover answered. */
  readonly plain: { readonly lines: number; readonly keystroke: Summary };
  /**
   * The 2,000-line module's keystrokes analysed in this process (no LSP): wall time, CPU time (less sensitive to the
   * machine's load), the median of each phase, and the CPU time of one analysis of the module with only one kernel
   * function left a kernel (the other functions' @triton.jit removed; `none`: parse and host reading alone).
   */
  readonly inProcess: { readonly keystroke: Summary; readonly keystrokeCpu: Summary; readonly cold: Summary; readonly phases: Readonly<Record<string, number>>; readonly perKernelCpu: Readonly<Record<string, number>> };
  /** The 1-minute load average before and after (2 cores here: above 2, the numbers include waiting for a core). */
  readonly load: { readonly before: number; readonly after: number };
}

const TYPED = "\n    typed = z * 0.5\n    typed = typed + tl.exp(typed)";

/** Where the typing starts: at the end of the softmax kernel's line `z = x - tl.max(x, axis=0)`. */
function typingStart(base: string): number {
  const kernel = base.indexOf("def softmax_kernel");
  return base.indexOf("\n", base.indexOf("z = x - tl.max", kernel));
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

/** Types `keystrokes` characters at `start`, each answered before the next; returns each one's time (warm-up left out). */
async function typeInto(server: ServerHandle, uri: string, base: string, start: number, keystrokes: number, answered: (version: number, at: { line: number; character: number }) => Promise<unknown>): Promise<number[]> {
  let text = base;
  let cursor = start;
  const samples: number[] = [];
  const warmup = 3;
  for (let i = 0; i < keystrokes + warmup; i++) {
    const ch = TYPED[i % TYPED.length]!;
    const version = i + 2;
    const at = positionOf(text, cursor);
    const t0 = performance.now();
    const got = answered(version, at);
    server.edit(uri, { start: at, end: at }, ch, version);
    await got;
    if (i >= warmup) samples.push(performance.now() - t0);
    text = text.slice(0, cursor) + ch + text.slice(cursor);
    cursor++;
  }
  return samples;
}

/** The server's options for a Triton document (documentAnalyses.ts): a time budget per kernel and per file. */
function serverOptions(parser: PythonParser): Parameters<typeof analyzeTritonSource>[1] {
  const device = findDevice(DEVICE)!;
  return { parser, model: { device, budget: { timeMs: KERNEL_MODEL_BUDGET_MS, clock: () => performance.now() } }, timeMs: KERNEL_MODEL_BUDGET_MS * 4 };
}

async function inProcess(base: string, keystrokes: number, colds: number): Promise<TritonKeystrokeResult["inProcess"]> {
  const parser = await createParser("python");
  if ("error" in parser) throw new Error(parser.error);
  const options = serverOptions(parser);
  const cold: number[] = [];
  for (let i = 0; i < colds + 1; i++) {
    const t0 = performance.now();
    analyzeTritonSource(`# cold ${i}\n${base}`, options);
    if (i >= 1) cold.push(performance.now() - t0);
  }
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  const phases: { total: number; t: TritonSourceAnalysis["timings"] }[] = [];
  let text = base;
  let cursor = typingStart(base);
  // A session per document, as the language server keeps one: a keystroke re-lowers only the kernel it changed.
  const session = new TritonSession();
  analyzeTritonSource(text, { ...options, session });
  for (let i = 0; i < keystrokes + 3; i++) {
    text = text.slice(0, cursor) + TYPED[i % TYPED.length] + text.slice(cursor);
    cursor++;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const a = analyzeTritonSource(text, { ...options, session });
    const total = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    if (i >= 3) {
      samples.push(total);
      cpuSamples.push((cpu.user + cpu.system) / 1000);
      phases.push({ total, t: a.timings });
    }
  }
  const median = (f: (p: (typeof phases)[number]) => number): number => summarize(phases.map(f)).p50;
  // Where the time goes by kernel: the module analysed with one kernel function at a time (median of 3, CPU time).
  const perKernelCpu: Record<string, number> = {};
  const names = [...base.matchAll(/@triton\.jit\ndef (\w+)/g)].map((m) => m[1]!);
  for (const keep of [...names, "none"]) {
    const only = base.replace(/@triton\.jit\ndef (\w+)/g, (m, name: string) => (name === keep ? m : `def ${name}`));
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c0 = process.cpuUsage();
      analyzeTritonSource(`${only}\n# ${i}`, { ...options, timeMs: undefined });
      const c = process.cpuUsage(c0);
      runs.push((c.user + c.system) / 1000);
    }
    perKernelCpu[keep] = summarize(runs).p50;
  }
  return {
    keystroke: summarize(samples),
    keystrokeCpu: summarize(cpuSamples),
    perKernelCpu,
    cold: summarize(cold),
    phases: {
      parse: median((p) => p.t.parseMs),
      read: median((p) => p.t.readMs),
      lower: median((p) => p.t.lowerMs),
      model: median((p) => p.t.modelMs),
      // Launch resolution, Triton's findings (the masks' lane utilisation), the rest of the loop.
      other: median((p) => p.total - p.t.parseMs - p.t.readMs - p.t.lowerMs - p.t.modelMs),
    },
  };
}

export async function benchTritonKeystroke(keystrokes = 40, colds = 5): Promise<TritonKeystrokeResult> {
  const loadBefore = loadavg()[0]!;
  const base = keystrokeTritonFile();
  const lines = base.split("\n").length;
  const server = await startServer({ diagnostics: { debounceMs: 0 }, triton: { compile: false }, device: DEVICE });
  let measured: Omit<TritonKeystrokeResult, "inProcess" | "load" | "kernels">;
  try {
    // Cold: each a new document, analysed from nothing; the first also loads the grammar and is left out.
    const cold: number[] = [];
    for (let i = 0; i < colds + 1; i++) {
      const uri = `file:///tmp/kernellens-bench-triton-cold-${i}.py`;
      const got = server.diagnostics(uri, (p) => p.version === 1, 120000);
      const t0 = performance.now();
      server.open(uri, `# cold ${i}\n${base}`, 1, "python");
      await got;
      if (i > 0) cold.push(performance.now() - t0);
      server.close(uri);
    }

    const uri = "file:///tmp/kernellens-bench-triton-typing.py";
    const first = server.diagnostics(uri, (p) => p.version === 1, 120000);
    server.open(uri, base, 1, "python");
    await first;
    const analysed = await server.connection.sendRequest<{ kernels: unknown[] }>("kernellens/documentKernels", { uri });
    const keystroke = await typeInto(server, uri, base, typingStart(base), keystrokes, (v) => server.diagnostics(uri, (p) => p.version === v, 120000));

    // The 5,000-line script with one kernel: typing in its kernel.
    const large = largeTritonFile();
    const largeUri = "file:///tmp/kernellens-bench-triton-large.py";
    const largeFirst = server.diagnostics(largeUri, (p) => p.version === 1, 120000);
    server.open(largeUri, large, 1, "python");
    await largeFirst;
    const largeKeystroke = await typeInto(server, largeUri, large, typingStart(large), Math.min(keystrokes, 20), (v) => server.diagnostics(largeUri, (p) => p.version === v, 120000));

    // The 5,000-line script without Triton: nothing is published, so a hover after each edit is its answer.
    const plain = largePlainPythonFile();
    const plainUri = "file:///tmp/kernellens-bench-plain.py";
    server.open(plainUri, plain, 1, "python");
    const plainStart = plain.indexOf("\n", plain.indexOf("def load_batch_20"));
    const plainKeystroke = await typeInto(server, plainUri, plain, plainStart, keystrokes, async (_v, at) => {
      // Sent after the edit (the edit goes out right after this is called): answered once the edit was handled.
      await new Promise((r) => setImmediate(r));
      return server.connection.sendRequest("textDocument/hover", { textDocument: { uri: plainUri }, position: at });
    });
    measured = {
      lines,
      kernelsAnalysedByServer: analysed.kernels.length,
      keystroke: summarize(keystroke),
      cold: summarize(cold),
      large: { lines: large.split("\n").length, keystroke: summarize(largeKeystroke) },
      plain: { lines: plain.split("\n").length, keystroke: summarize(plainKeystroke) },
    };
  } finally {
    await server.stop();
  }
  const parser = await createParser("python");
  if ("error" in parser) throw new Error(parser.error);
  const kernels = analyzeTritonSource(base, { ...serverOptions(parser), timeMs: undefined }).kernels.length;
  const inProc = await inProcess(base, keystrokes, colds);
  return { ...measured, kernels, inProcess: inProc, load: { before: loadBefore, after: loadavg()[0]! } };
}

function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

/** What `npm run bench` prints for the group `triton`. */
export function formatTritonKeystroke(r: TritonKeystrokeResult): string {
  const line = (s: Summary): string => `p50 ${fmtMs(s.p50)} ms  p95 ${fmtMs(s.p95)} ms  (min ${fmtMs(s.min)}, max ${fmtMs(s.max)}, ${s.runs} keystrokes)`;
  const p = r.inProcess;
  return [
    `Triton language server, keystroke -> published diagnostics, ${r.lines}-line module, ${r.kernels} (kernel, configuration) pairs, on ${DEVICE} (goal: p95 < 50 ms)`,
    `  keystroke   ${line(r.keystroke)}  ${r.keystroke.p95 < 50 ? "meets goal" : "MISSES goal"}`,
    `  cold full analysis (the same text opened anew)  p50 ${fmtMs(r.cold.p50)} ms  p95 ${fmtMs(r.cold.p95)} ms; the server's analysis reached ${r.kernelsAnalysedByServer} of the ${r.kernels} pairs within its ${KERNEL_MODEL_BUDGET_MS * 4} ms per file`,
    `  in this process (no LSP, with the document's session): keystroke p50 ${fmtMs(p.keystroke.p50)} ms  p95 ${fmtMs(p.keystroke.p95)} ms (CPU time p50 ${fmtMs(p.keystrokeCpu.p50)} ms  p95 ${fmtMs(p.keystrokeCpu.p95)} ms); cold p50 ${fmtMs(p.cold.p50)} ms`,
    `    keystroke medians: ${Object.entries(p.phases).map(([k, v]) => `${k} ${fmtMs(v)}`).join(", ")} ms`,
    `    CPU time of the module with one kernel function only: ${Object.entries(p.perKernelCpu).map(([k, v]) => `${k} ${fmtMs(v)}`).join(", ")} ms`,
    `  ${r.large.lines}-line script, one kernel: keystroke ${line(r.large.keystroke)}`,
    `  ${r.plain.lines}-line script without triton: edit -> hover answered ${line(r.plain.keystroke)}`,
    `  load average (1 min, 2 cores): ${r.load.before.toFixed(1)} before, ${r.load.after.toFixed(1)} after\n`,
  ].join("\n");
}
