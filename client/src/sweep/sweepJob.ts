// One sweep from the editor, between the click and the notification: calls the sweep engine with progress and
// cancellation, and turns its outcome into what the editor shows and writes. Pure (no vscode), so unit tests can
// drive it with a fake engine; sweepCommands.ts does the showing and writing.
//
// A cancelled sweep still has a result (the engine stops after the measurement in flight and keeps what it
// measured): it is written and shown like a finished one, and says it was cancelled.
import { createHash } from "node:crypto";
import { basename, extname, isAbsolute, relative, sep } from "node:path";
import { formatMs, type SweepResult, type Cancellation, type GpuHelper, type RunSweep, type SweepOptions, type SweepProgressEvent, type SweepStats } from "../../../server/src/engine";
import { formatCount } from "../run/format";
import { bestParamsLabel } from "./bestConfig";

/**
 * The result file's name in `.kernellens/sweeps/`: the kernel's path below the workspace folder with `--` between
 * folders, then the entry point (`kernels/saxpy.wgsl` gives `kernels--saxpy.saxpy.sweep.json`), so two kernels with
 * one base name in different folders keep their own results. Without a folder (or outside it), the base name and a
 * short hash of the kernel's folder.
 */
export function resultFileName(kernelFile: string, entry: string, folder?: string): string {
  const path = kernelFile.replace(/\\/g, "/");
  const name = basename(path);
  const stem = name.slice(0, name.length - extname(name).length) || name;
  const root = folder?.replace(/\\/g, "/").replace(/\/+$/, "");
  if (root !== undefined && path.startsWith(`${root}/`)) {
    const dirs = path.slice(root.length + 1).split("/").slice(0, -1);
    return `${[...dirs, stem].join("--")}.${entry}.sweep.json`;
  }
  if (!path.includes("/")) return `${stem}.${entry}.sweep.json`;
  const dir = path.slice(0, path.lastIndexOf("/"));
  return `${stem}.${entry}.${createHash("sha256").update(dir).digest("hex").slice(0, 8)}.sweep.json`;
}

/**
 * How the result names its kernel: relative to the result file's folder (with `/`, so a result kept in the
 * repository opens on any machine) when `relativeOk`, else the absolute path.
 */
export function kernelReference(resultDir: string, kernelPath: string, relativeOk: boolean): string {
  if (!relativeOk || !isAbsolute(resultDir) || !isAbsolute(kernelPath)) return kernelPath;
  const rel = relative(resultDir, kernelPath);
  if (rel === "" || isAbsolute(rel)) return kernelPath;
  return rel.split(sep).join("/");
}

/** Turns the engine's progress events into a progress bar's messages and increments (which only ever move forward). */
export class ProgressTracker {
  private reported = 0;

  constructor(private readonly report: (message: string, increment: number) => void) {}

  /** The bar's share of a step: done of total, as a percentage (the plan grows and shrinks as the search goes). */
  onEvent(event: SweepProgressEvent): void {
    const percent = event.total > 0 ? Math.max(0, Math.min(100, (event.done / event.total) * 100)) : 0;
    const increment = Math.max(0, percent - this.reported);
    this.reported = Math.max(this.reported, percent);
    this.report(progressMessage(event), increment);
  }

  /** How far the bar has gone, in percent. */
  get percent(): number {
    return this.reported;
  }
}

/**
 * `timing 3/12: TILE=16, WG_X=8`: the engine says what it does to which point (`timing TILE=16`, `cached ...`,
 * `timed ...`); the count of measurements is added here. Other messages pass as they are.
 */
export function progressMessage(event: SweepProgressEvent): string {
  const message = event.message.trim();
  const total = Math.max(0, Math.round(event.total));
  const m = /^(timing|timed|cached)\s+(.+)$/.exec(message);
  if (m && total > 0 && !/\d+\s*\/\s*\d+/.test(m[2]!)) {
    // `timing` is about the measurement starting now; `timed` and `cached` about the one just counted.
    const n = Math.min(total, Math.max(1, Math.round(event.done) + (m[1] === "timing" ? 1 : 0)));
    return `${m[1]} ${n}/${total}: ${m[2]}`;
  }
  if (message !== "") return message;
  return total > 0 ? `timing ${Math.min(Math.round(event.done) + 1, total)}/${total}` : "checking the design space";
}

/** A directive problem, as offsets into the text that was swept. */
export interface SweepProblem {
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly code: string;
}

export type SweepReport =
  | {
      readonly kind: "result";
      /** The result as written: its `file` names the kernel as `kernelRef` says. */
      readonly result: SweepResult;
      readonly stats: SweepStats;
      readonly cancelled: boolean;
      /** The file's content. */
      readonly json: string;
      /** One line for a notification. */
      readonly summary: string;
      /** Several lines for the output channel. */
      readonly details: string;
    }
  | {
      readonly kind: "error";
      /** `usage` (no such entry, no `@sweep`), `directives` (bad values: see `problems`), `no-adapter`, `failed` (the engine threw). */
      readonly reason: "usage" | "directives" | "no-adapter" | "failed";
      readonly message: string;
      readonly problems: readonly SweepProblem[];
    };

export interface SweepJob {
  readonly runSweep: RunSweep;
  readonly helper: GpuHelper;
  readonly options: SweepOptions;
  readonly cancel: Cancellation;
  readonly progress: (event: SweepProgressEvent) => void;
  /** How the written result names its kernel (see `kernelReference`). */
  readonly kernelRef: string;
}

/** Runs one sweep and says what came of it; never throws (an engine failure is a report of kind `failed`). */
export async function runSweepJob(job: SweepJob): Promise<SweepReport> {
  let outcome;
  try {
    outcome = await job.runSweep(job.helper, job.options, { progress: job.progress, cancel: job.cancel });
  } catch (err) {
    return { kind: "error", reason: "failed", message: err instanceof Error ? err.message : String(err), problems: [] };
  }
  if (!outcome.ok) {
    const problems = (outcome.problems ?? []).map((p) => ({ start: p.span.start, end: p.span.end, message: p.message, code: p.code }));
    return { kind: "error", reason: outcome.kind, message: outcome.message, problems };
  }
  const result: SweepResult = { ...outcome.result, file: job.kernelRef };
  const cancelled = outcome.stats.cancelled || job.cancel.cancelled;
  return {
    kind: "result",
    result,
    stats: outcome.stats,
    cancelled,
    json: `${JSON.stringify(result, null, 1)}\n`,
    summary: sweepSummary(result, outcome.stats, cancelled),
    details: sweepDetails(result, outcome.stats, cancelled),
  };
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** `saxpy: best WG=64 at 0.43 ms · 2 of 3 feasible points measured (1 from the cache)`, or why there is no best. */
export function sweepSummary(result: SweepResult, stats: SweepStats, cancelled: boolean): string {
  const measured = `${formatCount(stats.measuredPoints)} of ${plural(stats.feasible, "feasible point")} measured${stats.cacheHits > 0 ? ` (${formatCount(stats.cacheHits)} from the cache)` : ""}`;
  const best = result.best ? `best ${bestParamsLabel(result)} at ${formatMs(result.best.medianMs, "short")}` : undefined;
  if (cancelled) {
    return `${result.entry}: sweep cancelled; kept ${plural(stats.measuredPoints, "measured point")}${best ? `, ${best} so far` : ""}`;
  }
  if (best) return `${result.entry}: ${best} · ${measured}`;
  if (stats.feasible === 0) return `${result.entry}: no feasible point among ${plural(stats.checked, "point")} checked (see the Design-space view for the reasons)`;
  if (stats.method === "predict-only") return `${result.entry}: ${plural(stats.feasible, "feasible point")} ranked by the cost model; none timed on the GPU`;
  return `${result.entry}: no point ran correctly on the GPU (${measured})`;
}

/** The output channel's account of a sweep: method, counts, why it stopped, and how well the model ranked the points. */
export function sweepDetails(result: SweepResult, stats: SweepStats, cancelled: boolean): string {
  const lines = [`Sweep of ${result.entry} (${result.file})${result.device ? `, modelled for ${result.device.name}` : ""}: ${sweepSummary(result, stats, cancelled)}`];
  lines.push(`  space: ${plural(stats.spaceSize, "point")}, ${formatCount(stats.checked)} checked, ${formatCount(stats.feasible)} feasible`);
  lines.push(`  search: ${stats.method}; ${plural(stats.measuredPoints, "point")} measured (${formatCount(stats.cacheHits)} from the cache, ${plural(stats.gpuRuns, "GPU run")})`);
  if (cancelled || stats.stopReason) lines.push(`  stopped: ${cancelled ? "cancelled" : stats.stopReason}`);
  if (stats.rankCorrelation !== null) lines.push(`  rank correlation of predicted and measured times: ${stats.rankCorrelation.toFixed(2)}`);
  return lines.join("\n");
}
