// The analysis of one Python file's Triton kernels, as every adapter reads it (server, CLI, report, panels): one
// analysed kernel per (function, configuration), each with the same model as WGSL and CUDA kernels.
import type { CoreDiagnostic } from "../diagnostic";
import type { Directive } from "../directives/directives";
import type { KernelIR } from "../kernel/ir";
import type { ResolvedLaunch } from "../kernel/launch";
import type { KernelAnalysis } from "../model/analyzeKernel";
import type { Span } from "../span";

/** One configuration a kernel is analysed for. */
export interface TritonConfig {
  /** Constexpr parameters' values, by name, in the kernel's parameter order. */
  readonly constexprs: readonly { readonly name: string; readonly value: number | boolean | string }[];
  readonly numWarps: number;
  readonly numStages: number;
  /**
   * Where it came from: a launch in the file (`launch`), one `triton.Config` of `@triton.autotune` (`autotune`), a
   * `# @config` line (`directive`), or the parameters' defaults and Triton's (num_warps 4, num_stages 3) (`default`).
   */
  readonly source: "launch" | "autotune" | "directive" | "default";
  /** The `triton.Config(...)`, launch or directive it came from. */
  readonly span?: Span;
}

/** Shared memory and registers of a configuration: Triton decides both at compile time. */
export interface TritonResources {
  readonly sharedBytes: number;
  readonly registersPerThread: number;
  /** `estimated`: from the block shapes (pipelined dot operands, reduction scratch, live tiles); `exact`: from the compiler. */
  readonly source: "estimated" | "exact";
  /** How the estimate or the exact figure was obtained (`(128 + 256) x 64 x 3 stages x 2 B`, `triton.compile for sm_90`). */
  readonly detail: string;
  readonly spills?: number;
}

export interface TritonKernelSummary {
  /** The analysed kernel's name: the function and, where it has several configurations, the configuration. */
  readonly name: string;
  readonly function: string;
  readonly nameSpan: Span;
  /** The whole definition (decorators included). */
  readonly span: Span;
  readonly config: TritonConfig;
  /** The configuration in short (`BLOCK_M=128 BLOCK_N=256 BLOCK_K=64 w8 s3`), for lenses and pickers. */
  readonly configText: string;
  readonly launch: {
    readonly grid: readonly [number, number, number] | null;
    /** `code`: a launch in this file; `directive`; `inferred`: the model assumed it. */
    readonly source: "code" | "directive" | "inferred" | "none";
    readonly site?: Span;
  };
  readonly resources: TritonResources;
}

export interface TritonSourceAnalysis {
  readonly language: "triton";
  readonly text: string;
  /** Whether the file imports triton: a file that does not gets no kernels, no diagnostics, nothing. */
  readonly importsTriton: boolean;
  /** Syntax problems, directive problems, host-reading notes and the model's findings, in the text. */
  readonly diagnostics: readonly CoreDiagnostic[];
  readonly kernels: readonly TritonKernelSummary[];
  /** The cost model of each analysed kernel by name (with a device). */
  readonly models: ReadonlyMap<string, KernelAnalysis>;
  readonly irs: ReadonlyMap<string, KernelIR>;
  readonly launches: ReadonlyMap<string, ResolvedLaunch>;
  readonly directives: readonly Directive[];
  readonly timings: { readonly parseMs: number; readonly readMs: number; readonly lowerMs: number; readonly modelMs: number };
}

/**
 * What Triton's compiler gave for one kernel and configuration (the exact path: `triton.compile` with the user's
 * Python, or a kernel in `~/.triton/cache`): it replaces the estimates, and occupancy becomes exact.
 */
export interface TritonCompiledKernel {
  readonly function: string;
  /** `configKey(config)` of the configuration compiled. */
  readonly configKey: string;
  readonly sharedBytes: number;
  readonly registersPerThread: number;
  readonly spills: number;
  readonly numWarps: number;
  /** Where the numbers come from (`triton.compile for sm_90`, `~/.triton/cache/<hash>/kernel.json`). */
  readonly source: string;
}

/** A configuration's identity: its constexprs (sorted by name), num_warps and num_stages. */
export function configKey(config: Pick<TritonConfig, "constexprs" | "numWarps" | "numStages">): string {
  const parts = [...config.constexprs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((c) => `${c.name}=${String(c.value)}`);
  return [...parts, `num_warps=${config.numWarps}`, `num_stages=${config.numStages}`].join(",");
}
