// `npm run bench`: every benchmark, each printed as a ratio against a baseline measured in the same run.
import { benchFrontend } from "./frontend";
import { benchServerLatency } from "./serverLatency";
import { fmt } from "./stats";
import { benchModelTime } from "./modelTime";
import { benchHelper, formatHelperBench } from "./helperOverhead";
import { benchHistoryTable, formatHistoryTable } from "./historyTableRender";
import { benchRooflineRender } from "./rooflineRender";
import { benchSweepSearch, formatSweepBench } from "./sweepSearch";
import { benchAccuracy } from "./accuracy";
import { benchCudaLadder } from "./cudaLadder";
import { benchCudaKeystroke } from "./cudaKeystroke";
import { benchTritonKeystroke, formatTritonKeystroke } from "./tritonKeystroke";
import { benchPrediction, formatPrediction } from "./predictionError";

function verdict(ok: boolean): string {
  return ok ? "meets goal" : "MISSES goal";
}

/** Each benchmark runs in a process of its own (test/bench/bundle.mjs), so one's garbage does not time another. */
async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === "frontend") await frontend();
  if (!only || only === "model") model();
  if (!only || only === "server") await server();
  if (!only || only === "cuda") await cudaKeystroke();
  if (!only || only === "triton") console.log(formatTritonKeystroke(await benchTritonKeystroke()));
  if (!only || only === "helper") console.log(formatHelperBench(await benchHelper()));
  if (!only || only === "panels") await panels();
  if (!only || only === "sweep") console.log(formatSweepBench(await benchSweepSearch()));
  if (!only || only === "accuracy") {
    console.log(benchAccuracy());
    console.log(await benchCudaLadder());
    // The local check: every runnable example on this machine's adapter against its calibrated prediction.
    console.log(`\n${formatPrediction(await benchPrediction())}`);
  }
}

async function panels(): Promise<void> {
  const history = await benchHistoryTable();
  console.log(formatHistoryTable(history));
  const roof = await benchRooflineRender();
  console.log(`Roofline panel, ${roof.kernels.toLocaleString("en-US")} kernels (${roof.points} points) in headless Chromium (goal: < 200 ms)`);
  console.log(`  data -> painted frame  p50 ${fmt(roof.frame.p50)} ms  p95 ${fmt(roof.frame.p95)} ms  ${verdict(roof.frame.p95 < 200)}`);
  console.log(`  with the accessible table filled  p50 ${fmt(roof.withTable.p50)} ms  p95 ${fmt(roof.withTable.p95)} ms; first render ${fmt(roof.firstMs)} ms`);
}

async function frontend(): Promise<void> {
  const fe = await benchFrontend();
  console.log(`WGSL front-end, ${fe.lines}-line file (goal: p95 < 20 ms)`);
  console.log(`  KernelLens parser  p50 ${fmt(fe.ours.p50Ms)} ms  p95 ${fmt(fe.ours.p95Ms)} ms  spans on ${(fe.ours.spanCoverage.fraction * 100).toFixed(1)} % of nodes  ${verdict(fe.ours.p95Ms < 20)}`);
  if (fe.wgslReflect.timing) {
    const w = fe.wgslReflect.timing;
    console.log(`  wgsl_reflect       p50 ${fmt(w.p50Ms)} ms  p95 ${fmt(w.p95Ms)} ms  spans on ${((fe.wgslReflect.spanCoverage?.fraction ?? 0) * 100).toFixed(1)} % of nodes`);
    console.log(`  ratio ours / wgsl_reflect (p50): ${(fe.ours.p50Ms / w.p50Ms).toFixed(2)}`);
  } else {
    console.log(`  wgsl_reflect threw on the file: ${fe.wgslReflect.threw}`);
  }
  const ef = fe.wgslReflect.errorFile;
  console.log(`  one broken function of ${ef.expectedFunctions}: wgsl_reflect ${ef.threw ? `threw (${ef.message})` : `kept ${ef.functions}`}; ours kept ${ef.oursFunctions} with ${ef.oursErrors.length} error(s)\n`);
}

function model(): void {
  const mt = benchModelTime();
  console.log(`Full static analysis with the cost model, ${mt.lines}-line file, ${mt.kernels} kernels modelled (goal: p95 < 30 ms)`);
  console.log(`  analysis    p50 ${fmt(mt.analysis.p50)} ms  p95 ${fmt(mt.analysis.p95)} ms  ${verdict(mt.analysis.p95 < 30)}`);
  console.log(`  parse only  p50 ${fmt(mt.parseOnly.p50)} ms  p95 ${fmt(mt.parseOnly.p95)} ms  (ratio ${(mt.analysis.p50 / mt.parseOnly.p50).toFixed(1)}x)\n`);

}

async function server(): Promise<void> {
  const sl = await benchServerLatency();
  console.log(`Language server, change -> published diagnostics, ${sl.lines}-line file (goal: <= 3x Tint alone, p95 < 50 ms)`);
  console.log(`  server      p50 ${fmt(sl.server.p50)} ms  p95 ${fmt(sl.server.p95)} ms  (min ${fmt(sl.server.min)}, max ${fmt(sl.server.max)})`);
  console.log(`  full analysis (parse, names, types, checks; change -> symbols answered)  p50 ${fmt(sl.fullAnalysis.p50)} ms  p95 ${fmt(sl.fullAnalysis.p95)} ms`);
  console.log(`  Tint alone  p50 ${fmt(sl.tintAlone.p50)} ms  p95 ${fmt(sl.tintAlone.p95)} ms`);
  console.log(`  ratio server / Tint: p50 ${sl.ratioP50.toFixed(2)}x  p95 ${sl.ratioP95.toFixed(2)}x  ${verdict(sl.ratioP95 <= 3 && sl.server.p95 < 50)}\n`);
}

async function cudaKeystroke(): Promise<void> {
  const r = await benchCudaKeystroke();
  console.log(`CUDA language server, keystroke -> published diagnostics, ${r.lines}-line file, ${r.kernels} kernels (goal: p95 < 50 ms)`);
  console.log(`  keystroke   p50 ${fmt(r.keystroke.p50)} ms  p95 ${fmt(r.keystroke.p95)} ms  (min ${fmt(r.keystroke.min)}, max ${fmt(r.keystroke.max)}, ${r.keystroke.runs} keystrokes)  ${verdict(r.keystroke.p95 < 50)}`);
  console.log(`  cold full analysis (the same text opened anew)  p50 ${fmt(r.cold.p50)} ms  p95 ${fmt(r.cold.p95)} ms`);
  console.log(`  ratio keystroke / cold: p50 ${(r.keystroke.p50 / r.cold.p50).toFixed(2)}x  p95 ${(r.keystroke.p95 / r.cold.p95).toFixed(2)}x`);
  const p = r.inProcess;
  console.log(`  in this process (no LSP): keystroke p50 ${fmt(p.keystroke.p50)} ms  p95 ${fmt(p.keystroke.p95)} ms; cold p50 ${fmt(p.cold.p50)} ms`);
  console.log(`    keystroke medians: ${Object.entries(p.phases).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")} ms\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
