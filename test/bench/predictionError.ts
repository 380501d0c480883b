// How far the cost model's predicted times are from measured ones on this machine's adapter, example by example (MAPE).
//
// Uses the adapter's calibration profile (made with `kernellens calibrate`; calibrated and saved here when there is
// none, or when `recalibrate` is asked), runs every runnable example through the real helper, and compares the
// measured median with the model's prediction on the measured device. Run directly:
//   node build.mjs && node --import tsx test/bench/predictionError.ts [--recalibrate] [--repeat N]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { GpuHelperProcess } from "../../server/src/gpu/helperClient";
import type { AdapterSummary, CalibrationProfile } from "../../server/src/gpu/types";
import { loadProfile, profileToDevice, saveProfile } from "../../server/src/run/profiles";
import { runKernel } from "../../server/src/run/runKernel";
import { findRepoRoot } from "../support/repoRoot";
import { spearman } from "./accuracy";

export interface PredictionRow {
  readonly example: string;
  readonly entry: string;
  readonly status: string;
  readonly measuredMs: number | null;
  readonly minMs: number | null;
  readonly maxMs: number | null;
  readonly predictedMs: number | null;
  readonly errorPct: number | null;
  /** What the model says limits the kernel (memory, compute, workgroup-memory, latency). */
  readonly bound: string;
}

export interface PredictionResult {
  readonly adapter: AdapterSummary;
  readonly profile: CalibrationProfile;
  readonly deviceId: string;
  readonly calibrated: boolean;
  readonly rows: readonly PredictionRow[];
  /** Mean absolute percentage error over the rows with both numbers. */
  readonly mape: number | null;
}

export interface PredictionOptions {
  readonly recalibrate?: boolean;
  readonly repeat?: number;
  readonly warmup?: number;
  readonly log?: (line: string) => void;
}

/** Examples that cannot run (the syntax tour is a highlighting fixture with textures and a vertex stage). */
const SKIP = new Set(["syntax-tour.wgsl"]);

export async function benchPrediction(options: PredictionOptions = {}): Promise<PredictionResult> {
  const log = options.log ?? (() => undefined);
  const helper = new GpuHelperProcess();
  try {
    const adapter = await helper.adapter();
    if (!("key" in adapter)) throw new Error(`no adapter: ${adapter.message}`);
    let profile = options.recalibrate ? undefined : loadProfile(adapter.key);
    let calibrated = false;
    if (!profile) {
      log("calibrating (no saved profile for this adapter)...");
      const p = await helper.calibrate((s) => log(`  calibrate [${s.done + 1}/${s.total}] ${s.step}`));
      if (!("adapter" in p)) throw new Error(`calibration failed (${p.kind}): ${p.message}`);
      profile = p;
      calibrated = true;
      log(`  saved to ${saveProfile(p)}`);
    }
    const device = profileToDevice(profile);
    const dir = join(findRepoRoot(), "examples");
    const rows: PredictionRow[] = [];
    for (const example of readdirSync(dir).filter((f) => f.endsWith(".wgsl") && !SKIP.has(f)).sort()) {
      const file = join(dir, example);
      const text = readFileSync(file, "utf8");
      const outcomes = await runKernel(helper, { file, text, warmup: options.warmup ?? 2, repeat: options.repeat ?? 10, timeoutMs: 120_000, device, allowWorkspaceCode: true });
      const models = analyzeSource(text, { model: { device } }).models;
      for (const o of outcomes) {
        const row: PredictionRow = {
          example,
          entry: o.entry,
          status: o.status,
          measuredMs: o.timing?.medianMs ?? null,
          minMs: o.timing?.minMs ?? null,
          maxMs: o.timing?.maxMs ?? null,
          predictedMs: o.predicted?.ms ?? null,
          errorPct: o.predicted?.errorPct ?? null,
          bound: models.get(o.entry)?.model.roofline.bound ?? "?",
        };
        rows.push(row);
        log(`  ${example}: ${row.status} ${row.measuredMs?.toFixed(3) ?? "-"} ms measured, ${row.predictedMs?.toFixed(3) ?? "-"} ms predicted`);
      }
    }
    const errors = rows.filter((r) => r.errorPct !== null).map((r) => Math.abs(r.errorPct!));
    const mape = errors.length > 0 ? errors.reduce((a, b) => a + b, 0) / errors.length : null;
    return { adapter, profile, deviceId: device.id, calibrated, rows, mape };
  } finally {
    helper.dispose();
  }
}

export function formatPrediction(r: PredictionResult): string {
  const p = r.profile;
  const lines: string[] = [];
  lines.push(`Prediction error on ${r.adapter.description || r.adapter.key} (${r.adapter.backend}${r.adapter.software ? ", software" : ""})`);
  lines.push(
    `profile ${r.calibrated ? "measured now" : `from ${p.measuredAt}`}: copy f32 ${(p.copyBandwidthScalar / 1e9).toFixed(2)} GB/s, vec4 ${(p.copyBandwidthVec4 / 1e9).toFixed(2)} GB/s, FMA f32 ${(p.fmaF32 / 1e9).toFixed(1)} GFLOP/s, workgroup ${(p.workgroupBandwidth / 1e9).toFixed(2)} GB/s, dispatch ${(p.dispatchOverheadMs * 1e3).toFixed(0)} us`,
  );
  lines.push("");
  const header = ["example", "entry", "status", "measured median (min-max)", "predicted", "error", "model bound"];
  const table = r.rows.map((x) => [
    x.example,
    x.entry,
    x.status,
    x.measuredMs !== null ? `${x.measuredMs.toFixed(3)} ms (${x.minMs!.toFixed(2)}-${x.maxMs!.toFixed(2)})` : "-",
    x.predictedMs !== null ? `${x.predictedMs.toFixed(3)} ms` : "-",
    x.errorPct !== null ? `${x.errorPct >= 0 ? "+" : ""}${x.errorPct.toFixed(1)} %` : "-",
    x.bound,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const fmt = (row: string[]): string => row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  lines.push(fmt(header), ...table.map(fmt));
  lines.push("");
  lines.push(`MAPE (mean absolute percentage error) over ${r.rows.filter((x) => x.errorPct !== null).length} kernels: ${r.mape !== null ? `${r.mape.toFixed(1)} %` : "-"} (target: at most 25 % after calibration: ${r.mape !== null && r.mape <= 25 ? "met" : "NOT met"})`);
  // Whether the model orders the kernels as the adapter does: what a sweep guided by it needs.
  const timed = r.rows.filter((x) => x.measuredMs !== null && x.predictedMs !== null);
  const rho = spearman(timed.map((x) => x.predictedMs!), timed.map((x) => x.measuredMs!));
  lines.push(`Spearman rank correlation of predicted and measured times: ${rho === null ? "-" : rho.toFixed(2)}`);
  return lines.join("\n");
}

if (typeof module !== "undefined" && require.main === module) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--repeat");
  const repeat = at >= 0 ? Number(argv[at + 1]) : undefined;
  benchPrediction({ recalibrate: argv.includes("--recalibrate"), repeat, log: (l) => console.error(l) }).then(
    (r) => {
      console.log(formatPrediction(r));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
