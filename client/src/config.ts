// The extension's settings under `kernellens.*` (declared in package.json `contributes.configuration`), read only
// here: every other client file asks KernelLensConfig, and test/unit/client-architecture.test.ts fails when another
// file calls `getConfiguration` or a declared setting has no getter below.
import * as vscode from "vscode";
import { DEFAULT_ASSUMED_PROBLEM_SIZE, DEFAULT_DEVICE_ID } from "../../server/src/engine";

export type TraceLevel = "off" | "messages" | "verbose";

/** Typed getters for the `kernellens.*` settings as one scope sees them (a folder may set its own). */
export class KernelLensConfig {
  private readonly c: vscode.WorkspaceConfiguration;

  constructor(scope?: vscode.ConfigurationScope) {
    this.c = vscode.workspace.getConfiguration("kernellens", scope);
  }

  // --- Analysis (the language server reads its own copy; these are the client's view) ---
  get tintEnable(): boolean {
    return this.c.get<boolean>("tint.enable", true);
  }
  get debounceMs(): number {
    return this.c.get<number>("diagnostics.debounceMs", 30);
  }
  get defines(): readonly string[] {
    return this.c.get<string[]>("preprocessor.defines", []);
  }
  /** Folders searched for `#include`, as written (relative ones are the workspace folder's). */
  get includePaths(): readonly string[] {
    return this.c.get<string[]>("preprocessor.includePaths", []);
  }
  get trace(): TraceLevel {
    return this.c.get<TraceLevel>("trace.server", "off");
  }
  /** The device id the cost model targets; empty means the default device. */
  get device(): string {
    return this.c.get<string>("device", DEFAULT_DEVICE_ID) || DEFAULT_DEVICE_ID;
  }
  /** Elements of the problem the model assumes where a kernel states no size (the server reads its own copy). */
  get assumedProblemSize(): number {
    return this.whole("assumedProblemSize", DEFAULT_ASSUMED_PROBLEM_SIZE, 1);
  }
  get codeLensEnable(): boolean {
    return this.c.get<boolean>("codeLens.enable", true);
  }
  get inlayHintsEnable(): boolean {
    return this.c.get<boolean>("inlayHints.enable", true);
  }
  /** SASS instructions per line as inlay hints in CUDA files (the server reads its own copy). */
  get inlayHintsSass(): boolean {
    return this.c.get<boolean>("inlayHints.sass", false) === true;
  }
  // The background nvcc compile of CUDA files: the language server reads its own copy of these.
  get cudaCompile(): boolean {
    return this.c.get<boolean>("cuda.compile", true) !== false;
  }
  get cudaNvccPath(): string {
    return this.c.get<string>("cuda.nvccPath", "");
  }
  get cudaFlags(): readonly string[] {
    return this.c.get<string[]>("cuda.flags", []);
  }
  get cudaCompileDebounceMs(): number {
    return this.whole("cuda.compileDebounceMs", 1000, 0);
  }
  /** The background compile also compiles to PTX to cross-check the model's FLOPs (a second nvcc run). */
  get cudaPtxCheck(): boolean {
    return this.c.get<boolean>("cuda.ptxCheck", true) !== false;
  }
  // Triton's exact path (the user's Triton compiles, Triton's cache is read): the language server reads its own copy.
  get tritonCompile(): boolean {
    return this.c.get<boolean>("triton.compile", true) !== false;
  }
  /** The Python whose Triton compiles kernels; empty: the Python extension's selected interpreter. */
  get tritonPythonPath(): string {
    return this.c.get<string>("triton.pythonPath", "");
  }

  // --- Runs and profiles ---
  /** Deadline of one run (warm-up and timed repeats together), in milliseconds. */
  get runTimeoutMs(): number {
    return this.whole("run.timeoutMs", 10_000, 1);
  }
  get runWarmup(): number {
    return this.whole("run.warmup", 2, 0);
  }
  get runRepeat(): number {
    return this.whole("run.repeat", 5, 1);
  }
  /** Whether Run also runs the kernel once with every storage and workgroup array index checked (never Profile). */
  get runBoundsCheck(): boolean {
    return this.c.get<boolean>("run.boundsCheck", true) !== false;
  }
  get profileRepeat(): number {
    return this.whole("profile.repeat", 30, 1);
  }
  /** Input copies a profile rotates through, 1 (off) to 8. */
  get profileRotateInputs(): number {
    return Math.min(8, this.whole("profile.rotateInputs", 1, 1));
  }

  // --- Sweeps ---
  /** Points a sweep times on the GPU; undefined: automatic (a quarter of the feasible points, the engine's choice). */
  get sweepBudget(): number | undefined {
    return positiveWhole(this.c.get<number>("sweep.budget", 0));
  }
  /** Time every feasible point of a sweep. */
  get sweepExhaustive(): boolean {
    return this.c.get<boolean>("sweep.exhaustive", false) === true;
  }
  /** Reuse (and keep) measurements of variants already timed on this adapter. */
  get sweepCache(): boolean {
    return this.c.get<boolean>("sweep.cache", true) !== false;
  }
  /** Timed runs per measurement of a sweep point. */
  get sweepRepeat(): number {
    return positiveWhole(this.c.get<number>("sweep.repeat", 5)) ?? 5;
  }
  /** Untimed runs before each measurement of a sweep point. */
  get sweepWarmup(): number {
    return wholeAtLeastZero(this.c.get<number>("sweep.warmup", 1)) ?? 1;
  }

  /**
   * Sets `kernellens.device` where it takes effect: in the workspace settings when they already set it (a user
   * setting would stay hidden), else in the user settings. Resolves to where it was written.
   */
  async updateDevice(deviceId: string): Promise<"user" | "workspace"> {
    const inWorkspace = this.c.inspect<string>("device")?.workspaceValue !== undefined;
    await this.c.update("device", deviceId, inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
    return inWorkspace ? "workspace" : "user";
  }

  /** A count setting: a whole number of at least `min`, or `fallback` when it is not a number. */
  private whole(key: string, fallback: number, min: number): number {
    const v = this.c.get<number>(key, fallback);
    return typeof v === "number" && Number.isFinite(v) ? Math.max(min, Math.round(v)) : fallback;
  }
}

/** The settings for `scope` (a document's URI, so a folder's own settings count), read now. */
export function readConfig(scope?: vscode.ConfigurationScope): KernelLensConfig {
  return new KernelLensConfig(scope);
}

/** A count from a setting that may be zero: a whole number of at least 0, or undefined. */
function wholeAtLeastZero(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

/** A count from a setting: a whole number above zero, or undefined (0, negative or not a number: automatic). */
function positiveWhole(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 1 ? Math.round(value) : undefined;
}
