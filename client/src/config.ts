// The extension's settings under `kernellens.*`, read through one typed accessor.
import * as vscode from "vscode";

export interface KernelLensConfig {
  readonly tintEnable: boolean;
  readonly debounceMs: number;
  readonly defines: readonly string[];
  readonly includePaths: readonly string[];
  readonly trace: "off" | "messages" | "verbose";
  /** Points a sweep times on the GPU; undefined: automatic (a quarter of the feasible points, the engine's choice). */
  readonly sweepBudget: number | undefined;
  /** Time every feasible point of a sweep. */
  readonly sweepExhaustive: boolean;
  /** Reuse (and keep) measurements of variants already timed on this adapter. */
  readonly sweepCache: boolean;
  /** Timed runs per measurement of a sweep point, and untimed runs before them. */
  readonly sweepRepeat: number;
  readonly sweepWarmup: number;
}

export function readConfig(scope?: vscode.ConfigurationScope): KernelLensConfig {
  const c = vscode.workspace.getConfiguration("kernellens", scope);
  return {
    tintEnable: c.get<boolean>("tint.enable", true),
    debounceMs: c.get<number>("diagnostics.debounceMs", 30),
    defines: c.get<string[]>("preprocessor.defines", []),
    includePaths: c.get<string[]>("preprocessor.includePaths", []),
    trace: c.get<"off" | "messages" | "verbose">("trace.server", "off"),
    sweepBudget: positiveWhole(c.get<number>("sweep.budget", 0)),
    sweepExhaustive: c.get<boolean>("sweep.exhaustive", false) === true,
    sweepCache: c.get<boolean>("sweep.cache", true) !== false,
    sweepRepeat: positiveWhole(c.get<number>("sweep.repeat", 5)) ?? 5,
    sweepWarmup: wholeAtLeastZero(c.get<number>("sweep.warmup", 1)) ?? 1,
  };
}

/** A count from a setting that may be zero: a whole number of at least 0, or undefined. */
function wholeAtLeastZero(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

/** A count from a setting: a whole number above zero, or undefined (0, negative or not a number: automatic). */
function positiveWhole(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 1 ? Math.round(value) : undefined;
}
