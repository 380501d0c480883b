// The result types of a WGSL source analysis, in a file of their own so that the modules which read an analysis
// (the kernel IR and launch adapter, quantization, run planning, sweeps) and the module that builds one never
// import each other.
import type { CoreDiagnostic } from "../diagnostic";
import type { Directive } from "../directives/directives";
import type { DeviceSpec } from "../devices/device";
import type { KernelAnalysis } from "../model/analyzeKernel";
import type { BudgetOptions } from "../model/budget";
import type { IncludeResolution, PreprocessResult } from "../preprocess/preprocess";
import type { Module } from "../wgsl/ast";
import type { Resolution } from "../wgsl/resolve";
import type { KernelSummary } from "./kernels";

export interface AnalyzeOptions {
  /** Defines from the editor setting or CLI; used only when the file has no `// @define` lines. */
  readonly defines?: readonly string[];
  readonly resolveInclude?: (path: string, fromKey: string) => IncludeResolution;
  /** Run the cost model for every compute entry point on this device (with `--let`-style values that win). */
  readonly model?: {
    readonly device: DeviceSpec;
    readonly given?: ReadonlyMap<string, number>;
    /** The work (and, with a clock, time) each kernel's evaluation may take before it estimates instead. */
    readonly budget?: BudgetOptions;
    /** Elements of the problem size assumed where the file states none (the `kernellens.assumedProblemSize` setting). */
    readonly problemSize?: number;
  };
}

export interface SourceAnalysis {
  readonly text: string;
  readonly pre: PreprocessResult;
  readonly module: Module;
  /** Names, scopes, entry points and types of `module`. */
  readonly resolution: Resolution;
  readonly directives: readonly Directive[];
  /** The defines the analysed variant was built with, and where they came from. */
  readonly variant: { readonly defines: readonly string[]; readonly from: "directives" | "settings" | "none" };
  /** KernelLens's own findings (preprocessor, directives), located in the original text. */
  readonly diagnostics: readonly CoreDiagnostic[];
  /** Syntax errors from the KernelLens parser; published only when Tint is unavailable (Tint is the authority). */
  readonly syntaxErrors: readonly CoreDiagnostic[];
  readonly kernels: readonly KernelSummary[];
  /** The cost model of each compute entry point, by name, when a device was given. */
  readonly models: ReadonlyMap<string, KernelAnalysis>;
  readonly device: DeviceSpec | undefined;
  /** The problem size the models assumed where the file states none (so a re-model on another device agrees). */
  readonly problemSize?: number;
}

/** The cheap first step: directives read and the variant preprocessed; enough to compile with Tint. */
export interface PreparedSource {
  readonly options: AnalyzeOptions;
  readonly text: string;
  readonly pre: PreprocessResult;
  readonly directives: readonly Directive[];
  readonly variant: SourceAnalysis["variant"];
  /** Directive syntax and preprocessor problems. */
  readonly diagnostics: readonly CoreDiagnostic[];
}


/** What the kernel IR and launch adapter reads of an analysis (a sweep passes a variant's analysis, or the file's). */
export type WgslSource = Pick<SourceAnalysis, "text" | "directives" | "module" | "kernels" | "pre" | "resolution">;
