// The contract of running a kernel end to end (plan, helper run, check, timing, model comparison), shared by the
// CLI (`kernellens run`), the editor (Run / Profile code lenses) and the tests.
import type { DeviceSpec } from "../core/devices/device";
import type { AdapterSummary, Cancellation, GpuHelper, HelperError, TimingResult } from "../gpu/types";

export interface RunOptions {
  /** Absolute path of the kernel file: includes and `js("./ref.mjs")` references are resolved from its folder. */
  readonly file: string;
  readonly text: string;
  /** Entry point to run; default: every compute entry point that has a launch (`@dispatch`). */
  readonly entry?: string;
  readonly warmup?: number;
  readonly repeat?: number;
  readonly timeoutMs?: number;
  /** `--let` / `--override` values that win over the file's directives. */
  readonly lets?: ReadonlyMap<string, number>;
  readonly defines?: readonly string[];
  readonly includePaths?: readonly string[];
  /** Seed of the random inputs (default fixed, so runs are reproducible). */
  readonly seed?: number;
  /** Input copies to rotate through between timed runs (1 = off). */
  readonly rotateInputs?: number;
  /** The device the static model predicts for, shown next to the measurement (a measured profile when one exists). */
  readonly device?: DeviceSpec;
  /** Whether JavaScript reference modules from the workspace may be executed (Workspace Trust). */
  readonly allowWorkspaceCode: boolean;
}

export interface MismatchSample {
  readonly index: number;
  readonly got: number;
  readonly want: number;
}

export interface CheckOutcome {
  readonly output: string;
  /** `entry:NAME` or `js:./ref.mjs`, or `written` for the check that every output element was written. */
  readonly reference: string;
  readonly passed: boolean;
  readonly elements: number;
  readonly maxAbsError: number;
  readonly relL2Error: number;
  /**
   * Signal-to-quantization-noise ratio in decibels, 10·log10(Σref² / Σ(out−ref)²) over the elements where both are
   * finite (unwritten elements left out). `null` when it is undefined or infinite: the reference is all zeros, or the
   * output matches exactly (the message then says `SQNR exact`; Infinity would not survive JSON). Absent on checks
   * that compare no values (the `written` check) and on records from before it existed.
   */
  readonly sqnrDb?: number | null;
  readonly mismatches: number;
  readonly firstMismatches: readonly MismatchSample[];
  readonly nan: number;
  readonly inf: number;
  /** Elements still holding the poison pattern after the run (never written). */
  readonly unwritten: number;
  readonly rtol: number;
  readonly atol: number;
  readonly message: string;
  /** Set when the check could not run: `untrusted` (a JavaScript reference in an untrusted workspace). */
  readonly skipped?: "untrusted";
}

export interface RunOutcome {
  readonly entry: string;
  /** `passed`: ran and every check passed; `failed`: a check failed; `error`: bad input, compile or device failure; `timeout`. */
  readonly status: "passed" | "failed" | "error" | "timeout";
  readonly adapter?: AdapterSummary;
  readonly timing?: TimingResult;
  readonly checks: readonly CheckOutcome[];
  /** Achieved rates from the static model's counts (FLOPs, DRAM bytes) over the measured median. */
  readonly achieved?: { readonly gflops: number | null; readonly gbps: number | null };
  /** The model's prediction for `device` and the error of the prediction against the measured median. */
  readonly predicted?: { readonly ms: number | null; readonly deviceId: string; readonly errorPct: number | null };
  readonly error?: HelperError;
  readonly variant: { readonly defines: readonly string[]; readonly lets: Readonly<Record<string, number>> };
  readonly startedAt: string;
  readonly durationMs: number;
}

export type RunProgress = (message: string, fraction: number) => void;

/** Implemented in server/src/run/runKernel.ts. */
export type RunKernel = (helper: GpuHelper, options: RunOptions, cancel?: Cancellation, progress?: RunProgress) => Promise<RunOutcome[]>;
