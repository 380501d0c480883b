// Accuracy benchmark: the cost model's predictions for published optimisation ladders (test/bench/ladders.ts),
// each version analysed for the GPU it was measured on, printed against the published numbers.
//
// Per version: predicted time and GFLOP/s, published GFLOP/s, predicted / published throughput, the bound the model
// names. Per ladder: MAPE of the predicted time and Spearman's rank correlation between predicted and published
// throughput (does the model order the versions as the measurements do?). The targets are printed with whether each
// is met today; the benchmark reports, it does not fail (exit 0). Run alone: `npx tsx test/bench/accuracy.ts`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";
import type { KernelModel } from "../../server/src/core/model/types";
import { findRepoRoot } from "../support/repoRoot";
import { LADDERS, type Ladder, type LadderVersion } from "./ladders";

// ---- Pure helpers -----------------------------------------------------------------------------------------------------

/** Ranks from 1, ties sharing the mean of the ranks they span. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x);
  const out = new Array<number>(xs.length);
  for (let s = 0; s < order.length; ) {
    let e = s;
    while (e + 1 < order.length && order[e + 1].x === order[s].x) e++;
    const rank = (s + e) / 2 + 1;
    for (let j = s; j <= e; j++) out[order[j].i] = rank;
    s = e + 1;
  }
  return out;
}

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks (ties averaged). Null with fewer than two pairs
 * or when either side is constant (no order to compare).
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new Error("spearman: lengths differ");
  const n = xs.length;
  if (n < 2) return null;
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = rx[i] - mean;
    const dy = ry[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Mean absolute percentage error of `predicted` against `actual`, in percent; null when empty. */
export function mape(predicted: readonly number[], actual: readonly number[]): number | null {
  if (predicted.length !== actual.length) throw new Error("mape: lengths differ");
  if (predicted.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < predicted.length; i++) sum += Math.abs(predicted[i] - actual[i]) / Math.abs(actual[i]);
  return (100 * sum) / predicted.length;
}

// ---- Prediction ---------------------------------------------------------------------------------------------------------

export interface VersionResult {
  readonly version: LadderVersion;
  /** The model, or null when the file did not produce one for the entry point. */
  readonly model: KernelModel | null;
  /** Problems that make the comparison meaningless: a model failure, an inferred or assumed launch value. */
  readonly problems: readonly string[];
  readonly flops: number | null;
  readonly predictedMs: number | null;
  readonly predictedGflops: number | null;
  readonly measuredMs: number;
  /** Predicted / published throughput: above 1 the model is optimistic. */
  readonly ratio: number | null;
  readonly bound: string;
  /** The limiter in Nsight Compute's words ("DRAM bandwidth", "workgroup-memory bandwidth", ...). */
  readonly limiter: string;
}

export interface LadderResult {
  readonly ladder: Ladder;
  readonly deviceName: string;
  readonly versions: readonly VersionResult[];
  /** Of the predicted times, over the versions with a prediction, percent. */
  readonly mape: number | null;
  /** Predicted against published throughput, over the versions with a prediction. */
  readonly spearman: number | null;
}

/** Analyses one version of a ladder on the ladder's device; the file is read from the repository. */
export function predictVersion(ladder: Ladder, version: LadderVersion, root = findRepoRoot()): VersionResult {
  const device = findDevice(ladder.deviceId);
  if (!device || device.id !== ladder.deviceId) throw new Error(`no device '${ladder.deviceId}' in the device database`);
  const text = readFileSync(join(root, ladder.dir, version.file), "utf8");
  const analysis = analyzeSource(text, { model: { device } });
  const problems: string[] = [];
  for (const d of analysis.diagnostics) if (d.code === "model-failed") problems.push(d.message);
  const model = analysis.models.get(version.entry)?.model ?? null;
  if (!model) problems.push(`no model for entry point '${version.entry}'`);
  if (model) {
    if (!model.dispatch) problems.push("no dispatch");
    if (!model.workgroupSize) problems.push("no workgroup size");
    for (const a of model.assumptions) problems.push(`launch value not stated: ${JSON.stringify(a)}`);
  }
  const measuredMs = (ladder.flops / (version.publishedGflops * 1e9)) * 1e3;
  const flops = model ? model.ops.flopsF32.value + model.ops.flopsF16.value + model.ops.flopsBF16.value + model.ops.tensorFlops.value : null;
  const predictedMs = model?.roofline.predictedMs ?? null;
  const predictedGflops = predictedMs !== null && predictedMs > 0 ? ladder.flops / (predictedMs * 1e-3) / 1e9 : null;
  return {
    version,
    model,
    problems,
    flops,
    predictedMs,
    predictedGflops,
    measuredMs,
    ratio: predictedGflops !== null ? predictedGflops / version.publishedGflops : null,
    bound: model?.roofline.bound ?? "unknown",
    limiter: model?.roofline.limiter ?? "unknown",
  };
}

export function evaluateLadder(ladder: Ladder, root = findRepoRoot()): LadderResult {
  const versions = ladder.versions.map((v) => predictVersion(ladder, v, root));
  const withPrediction = versions.filter((v) => v.predictedMs !== null && v.predictedGflops !== null);
  return {
    ladder,
    deviceName: findDevice(ladder.deviceId)?.name ?? ladder.deviceId,
    versions,
    mape: mape(
      withPrediction.map((v) => v.predictedMs!),
      withPrediction.map((v) => v.measuredMs),
    ),
    spearman: spearman(
      withPrediction.map((v) => v.predictedGflops!),
      withPrediction.map((v) => v.version.publishedGflops),
    ),
  };
}

// ---- Targets and report ---------------------------------------------------------------------------------------------------

export const TARGETS = {
  /** Every version's predicted throughput within this factor of the published one. */
  withinFactor: 2,
  /** Over every version of every ladder, percent. */
  mapePct: 35,
  /** For every ladder of three or more versions (two points always correlate +-1). */
  spearman: 0.8,
} as const;

export interface AccuracyReport {
  readonly ladders: readonly LadderResult[];
  readonly overallMape: number | null;
  readonly outsideFactor: readonly VersionResult[];
  readonly lowSpearman: readonly LadderResult[];
  /**
   * Every ladder version is a tiled, compute-heavy matmul: none of them should be limited by DRAM (its bandwidth or
   * its latency); L2, workgroup memory and the pipes are each a right answer for some version.
   */
  readonly dramBound: readonly VersionResult[];
  readonly problems: readonly VersionResult[];
}

export function accuracyReport(ladders: readonly Ladder[] = LADDERS, root = findRepoRoot()): AccuracyReport {
  const results = ladders.map((l) => evaluateLadder(l, root));
  const all = results.flatMap((r) => r.versions);
  const predicted = all.filter((v) => v.predictedMs !== null);
  const f = TARGETS.withinFactor;
  return {
    ladders: results,
    overallMape: mape(
      predicted.map((v) => v.predictedMs!),
      predicted.map((v) => v.measuredMs),
    ),
    outsideFactor: all.filter((v) => v.ratio === null || v.ratio > f || v.ratio < 1 / f),
    lowSpearman: results.filter((r) => r.versions.length >= 3 && (r.spearman === null || r.spearman < TARGETS.spearman)),
    dramBound: all.filter((v) => /^(DRAM|memory latency)/.test(v.limiter)),
    problems: all.filter((v) => v.problems.length > 0),
  };
}

function num(x: number | null, digits = 1): string {
  return x === null ? "-" : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

export function formatAccuracy(report: AccuracyReport): string {
  const lines: string[] = [];
  lines.push("Accuracy: the cost model against published measurements (predicted for the GPU each was measured on)");
  for (const r of report.ladders) {
    lines.push(`  ${r.ladder.title} (device ${r.ladder.deviceId}: ${r.deviceName})`);
    lines.push(`    ${pad("version", 26)} ${pad("pred ms", 9, true)} ${pad("pred GFLOP/s", 13, true)} ${pad("published", 10, true)} ${pad("pred/meas", 10, true)}  bound`);
    for (const v of r.versions) {
      const pub = `${v.version.approximate ? "~" : ""}${num(v.version.publishedGflops)}`;
      const ratio = v.ratio === null ? "-" : `${v.ratio.toFixed(2)}x`;
      lines.push(
        `    ${pad(v.version.label, 26)} ${pad(num(v.predictedMs), 9, true)} ${pad(num(v.predictedGflops), 13, true)} ${pad(pub, 10, true)} ${pad(ratio, 10, true)}  ${v.bound} (${v.limiter.replace(/ \(.*$/, "")})${v.problems.length ? `  PROBLEM: ${v.problems.join("; ")}` : ""}`,
      );
    }
    const sp = r.spearman === null ? "-" : r.spearman.toFixed(2);
    lines.push(`    MAPE (time) ${num(r.mape)} %   Spearman (throughput) ${sp}${r.versions.length < 3 ? " (two versions: only the order of the pair)" : ""}`);
  }
  const f = TARGETS.withinFactor;
  const verdict = (ok: boolean): string => (ok ? "met" : "NOT met");
  lines.push(`  Overall MAPE (time, ${report.ladders.reduce((n, r) => n + r.versions.length, 0)} versions): ${num(report.overallMape)} %`);
  lines.push("  Targets:");
  lines.push(
    `    every version within ${f}x of its published throughput: ${verdict(report.outsideFactor.length === 0)}${report.outsideFactor.length ? ` (${report.outsideFactor.length} outside)` : ""}`,
  );
  lines.push(`    MAPE <= ${TARGETS.mapePct} %: ${verdict(report.overallMape !== null && report.overallMape <= TARGETS.mapePct)}`);
  lines.push(
    `    Spearman >= ${TARGETS.spearman} on every ladder of 3+ versions: ${verdict(report.lowSpearman.length === 0)}${report.lowSpearman.length ? ` (${report.lowSpearman.map((r) => r.ladder.id).join(", ")})` : ""}`,
  );
  lines.push(
    `    no compute-heavy tiled version called DRAM-bound: ${verdict(report.dramBound.length === 0)}${report.dramBound.length ? ` (${report.dramBound.length} called DRAM-bound)` : ""}`,
  );
  if (report.problems.length) lines.push(`  ${report.problems.length} version(s) could not be compared cleanly (see PROBLEM above)`);
  return lines.join("\n") + "\n";
}

export function benchAccuracy(): string {
  return formatAccuracy(accuracyReport());
}

// Run alone under tsx; inside the bench bundle, run.ts calls benchAccuracy().
if (process.argv[1]?.endsWith("accuracy.ts")) console.log(benchAccuracy());
