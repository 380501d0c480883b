// The contract of running a kernel end to end (plan, helper run, check, timing, model comparison), shared by the
// CLI (`kernellens run`), the editor (Run / Profile code lenses) and the tests.
import type { DeviceSpec } from "../core/devices/device";
import type { BoundsReport } from "../core/run/boundsCheck";
import type { CheckOutcome } from "../core/run/check";
import type { PredictionComparison } from "../core/run/comparison";
import type { AchievedCounts } from "../core/run/achievedRates";
import type { AdapterSummary, Cancellation, GpuHelper, HelperError, TimingResult } from "../gpu/types";
import type { FileAccess } from "./fileAccess";

// A check's outcome is computed in the core (core/run/check.ts), which declares it; this contract re-exports it.
export type { CheckOutcome, MismatchSample } from "../core/run/check";
// So is what a checked run found (core/run/boundsCheck.ts).
export type { BoundsFinding, BoundsReport } from "../core/run/boundsCheck";
// And which prediction a measurement may be compared with (core/run/comparison.ts).
export type { PredictionComparison } from "../core/run/comparison";

export interface RunOptions {
  /** Absolute path of the kernel file: includes and `js("./ref.mjs")` references are resolved from its folder. */
  readonly file: string;
  readonly text: string;
  /** Entry point to run; default: every compute entry point that has a launch (`@dispatch`). */
  readonly entry?: string;
  readonly warmup?: number;
  readonly repeat?: number;
  /** Deadline of each dispatch (warm-up or timed), not of the whole run: a profile of many runs is not cut short. */
  readonly timeoutMs?: number;
  /** `--let` / `--override` values that win over the file's directives. */
  readonly lets?: ReadonlyMap<string, number>;
  readonly defines?: readonly string[];
  readonly includePaths?: readonly string[];
  /** Seed of the random inputs (default fixed, so runs are reproducible). */
  readonly seed?: number;
  /** Input copies to rotate through between timed runs (1 = off). */
  readonly rotateInputs?: number;
  /**
   * The device the static model predicts for, shown next to the measurement. Only the measuring adapter's own
   * calibration profile is compared with it (an error); any other device's prediction comes with a note instead.
   */
  readonly device?: DeviceSpec;
  /** Whether JavaScript reference modules from the workspace may be executed (Workspace Trust). */
  readonly allowWorkspaceCode: boolean;
  /**
   * Where `#include`d files and `file("...")` inputs may be read from (server/src/run/fileAccess.ts); absent:
   * anywhere, for a caller that has decided so (the editor runs only in a trusted workspace). Sizes are capped either way.
   */
  readonly access?: FileAccess;
  /**
   * Checked mode: after the timed run, run the kernel once more with every storage and workgroup array index
   * checked (core/run/boundsCheck.ts) and fail the run on an out-of-bounds access. Timing never includes it.
   * Default off here; `kernellens run` and the editor's Run turn it on, profiles and sweeps leave it off.
   */
  readonly boundsCheck?: boolean;
}

export interface RunOutcome {
  readonly entry: string;
  /** `passed`: ran and every check passed; `failed`: a check failed or an access went out of bounds; `error`: bad input, compile or device failure; `timeout`. */
  readonly status: "passed" | "failed" | "error" | "timeout";
  readonly adapter?: AdapterSummary;
  readonly timing?: TimingResult;
  readonly checks: readonly CheckOutcome[];
  /**
   * Achieved rates from the static model's counts (FLOPs, DRAM bytes) over the measured median, and which of them the
   * model's bound makes the one to judge the kernel by (`primary`; absent for a latency-bound kernel and in older records).
   */
  readonly achieved?: AchievedCounts;
  /**
   * The model's prediction for `device`; its error against the measured median only when `device` is the measuring
   * adapter's calibration profile (`comparable`), else a `note` saying why there is none.
   */
  readonly predicted?: PredictionComparison;
  readonly error?: HelperError;
  /** What the checked run found (checked mode only); an out-of-bounds access makes the status `failed`. */
  readonly bounds?: BoundsReport;
  readonly variant: { readonly defines: readonly string[]; readonly lets: Readonly<Record<string, number>> };
  readonly startedAt: string;
  readonly durationMs: number;
}

/**
 * A run's progress. `message` says what happens to which entry point, naming it once (`running matmul_tiled`,
 * `matmul_tiled: timed run 2 of 5`), for a log or a terminal line; `step` says the same without the entry's name or
 * the word "running" (`timed run 2 of 5`), for a caller whose title already says "running matmul_tiled" (the
 * editor's progress notification shows "title: message").
 */
export type RunProgress = (message: string, fraction: number, step?: string) => void;

/** Implemented in server/src/run/runKernel.ts. */
export type RunKernel = (helper: GpuHelper, options: RunOptions, cancel?: Cancellation, progress?: RunProgress) => Promise<RunOutcome[]>;
