// The contract of a design-space sweep run end to end (space, feasibility, model-guided search on the local GPU,
// result cache), shared by the CLI (`kernellens sweep`), the editor (the Sweep code lens) and the tests.
import type { CoreDiagnostic } from "../core/diagnostic";
import type { DeviceSpec } from "../core/devices/device";
import type { SweepResult } from "../core/sweep/result";
import type { AdapterSummary, Cancellation, GpuHelper } from "../gpu/types";
import type { FileAccess } from "../run/fileAccess";

export interface SweepOptions {
  /** Absolute path of the kernel file: includes and `js("./ref.mjs")` references resolve from its folder. */
  readonly file: string;
  readonly text: string;
  /** The entry point to sweep; default: the one compute entry point with `// @sweep` lines. */
  readonly entry?: string;
  /** The device the model predicts for when the local adapter has no calibrated profile (and with `deviceFixed`). */
  readonly device: DeviceSpec;
  /** Predict for `device` even when the adapter has a measured profile (the CLI's explicit `--device`). */
  readonly deviceFixed?: boolean;
  /** The local adapter's calibrated profile as a device, when one was saved (`kernellens calibrate`). */
  readonly deviceForAdapter?: (adapter: AdapterSummary) => DeviceSpec | undefined;
  /** `--let` values, which win over the file's and the points'. */
  readonly lets?: ReadonlyMap<string, number>;
  readonly defines?: readonly string[];
  /** Folders searched for `#include`d files after the including file's own (absolute, or relative to the kernel's). */
  readonly includePaths?: readonly string[];
  /**
   * Distinct points to measure on the GPU: 0 predicts only; absent: a quarter of the feasible points (at least 4),
   * chosen by the model-guided search. Ignored with `exhaustive`.
   */
  readonly budget?: number;
  /** Measure every feasible point. */
  readonly exhaustive?: boolean;
  readonly warmup?: number;
  /** Timed runs per measurement (the finalists are measured again; see search.ts). */
  readonly repeat?: number;
  readonly timeoutMs?: number;
  readonly seed?: number;
  /** The result cache; null or absent: measure everything afresh and store nothing (`--no-cache`). */
  readonly cache?: SweepCacheStore | null;
  /** Whether JavaScript reference modules from the workspace may be executed (Workspace Trust). */
  readonly allowWorkspaceCode: boolean;
  /** Where `#include`d files and `file("...")` inputs may be read from; absent: anywhere (see RunOptions.access). */
  readonly access?: FileAccess;
}

/** One measurement as the cache keeps it. */
export interface CachedMeasurement {
  /** `passed`: every check passed and `samplesMs` holds the timings; `failed`: a check failed (the point is wrong). */
  readonly status: "passed" | "failed";
  readonly samplesMs: readonly number[];
  /** Why a failed point is wrong (the failing check's message). */
  readonly reason: string | null;
  /** Largest relative L2 error of the point's checked outputs; null without a value check. */
  readonly error: number | null;
}

/** Where measurements are kept between runs, keyed by a hash of the variant, its launch and the adapter. */
export interface SweepCacheStore {
  get(key: string): CachedMeasurement | undefined;
  set(key: string, value: CachedMeasurement): void;
}

export interface SweepProgressEvent {
  readonly message: string;
  /** Measurements done and planned so far (the plan grows and shrinks as the search goes). */
  readonly done: number;
  readonly total: number;
}

export interface SweepHooks {
  readonly progress?: (event: SweepProgressEvent) => void;
  /** Cancelling stops after the measurement in flight; what was measured is kept in the result. */
  readonly cancel?: Cancellation;
}

export interface SweepStats {
  /** Points in the space (also those beyond the enumeration cap) and points checked. */
  readonly spaceSize: number;
  readonly checked: number;
  readonly feasible: number;
  /** Distinct points with a measured time or a failed check, and how many of those came from the cache. */
  readonly measuredPoints: number;
  readonly cacheHits: number;
  /** runKernel calls made on the GPU. */
  readonly gpuRuns: number;
  readonly cancelled: boolean;
  /** `exhaustive`, `guided` or `predict-only`. */
  readonly method: "exhaustive" | "guided" | "predict-only";
  /** Spearman rank correlation of predicted and measured times over the measured points; null below 3 points. */
  readonly rankCorrelation: number | null;
  /** Why the guided search stopped: budget spent, best unlikely to be beaten, or space exhausted. */
  readonly stopReason: string;
}

export type SweepOutcome =
  | { readonly ok: true; readonly result: SweepResult; readonly stats: SweepStats }
  | {
      readonly ok: false;
      /** `usage`: no such entry, no `@sweep`; `directives`: bad `@sweep` values (see `problems`); `no-adapter`. */
      readonly kind: "usage" | "directives" | "no-adapter";
      readonly message: string;
      readonly problems?: readonly CoreDiagnostic[];
    };

/** Implemented in server/src/sweep/runSweep.ts. */
export type RunSweep = (helper: GpuHelper, options: SweepOptions, hooks?: SweepHooks) => Promise<SweepOutcome>;
