// What a Python file shows of its Triton kernels before any lowering: the `@triton.jit` functions with their
// parameters and decorators, and the configurations they may be launched with (launch sites, autotune configs,
// heuristics, constexpr defaults, `# @` directives), each with the argument values host code gives.
//
// host.ts reads these from the syntax tree; lower.ts and analyze.ts consume them. Nothing here imports Python.
import type { Span } from "../span";
import type { CNode } from "../cuda/syntax";

/** Element types of Triton pointers and tensors, in Triton's spelling (`fp16`, `bf16`, `fp32`, `int8`, `fp8e4nv`...). */
export type TritonDtype = string;

/** A value host code gives an argument (or a name the host evaluator knows). */
export type HostValue =
  | { readonly k: "int"; readonly v: number }
  | { readonly k: "float"; readonly v: number }
  | { readonly k: "bool"; readonly v: boolean }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "none" }
  /** A torch dtype (`torch.float16` -> "fp16"). */
  | { readonly k: "dtype"; readonly v: TritonDtype }
  /**
   * A tensor: element type, shape and strides in elements (row-major unless the code transposes), where known; a
   * tensor passed for a pointer parameter gives the pointer its element type and the buffer its size.
   */
  | { readonly k: "tensor"; readonly dtype: TritonDtype | undefined; readonly shape: readonly (number | undefined)[] | undefined; readonly strides?: readonly (number | undefined)[] }
  | { readonly k: "list"; readonly items: readonly HostValue[] }
  | { readonly k: "unknown"; readonly reason: string };

export interface TritonParam {
  readonly name: string;
  readonly span: Span;
  /** Annotated `tl.constexpr`. */
  readonly constexpr: boolean;
  /** The annotation as written (`tl.constexpr`, `tl.pointer_type(...)`), if any. */
  readonly annotation?: string;
  /** The default value's node, if any. */
  readonly defaultValue?: CNode;
}

/** One `triton.Config(...)` of an autotune list, evaluated. */
export interface TritonConfigSpec {
  /** Its `{...}` kwargs: constexpr values by name. */
  readonly constexprs: ReadonlyMap<string, number | boolean | string>;
  readonly numWarps?: number;
  readonly numStages?: number;
  readonly span: Span;
}

/** A `@triton.jit` function (a kernel, or a helper kernels call). */
export interface TritonFunction {
  readonly name: string;
  readonly nameSpan: Span;
  /** The whole definition, decorators included. */
  readonly span: Span;
  /** The `function_definition` node (its body is lowered). */
  readonly node: CNode;
  readonly params: readonly TritonParam[];
  /** `@triton.autotune(configs=..., key=...)`: the configs when they can be evaluated, with where the list is. */
  readonly autotune?: { readonly configs: readonly TritonConfigSpec[]; readonly key: readonly string[]; readonly span: Span; readonly unreadable?: string };
  /**
   * `@triton.heuristics({...})`: each constexpr the decorator computes, as a function of the launch's arguments and
   * constexprs (names to host values), returning undefined where it cannot be evaluated.
   */
  readonly heuristics?: readonly { readonly name: string; readonly compute: (args: ReadonlyMap<string, HostValue>) => HostValue }[];
}

/** A launch `kernel[grid](args..., NAME=value, num_warps=4, num_stages=3)` read from host code. */
export interface TritonLaunch {
  readonly kernel: string;
  /** The whole launch expression. */
  readonly span: Span;
  /** Every argument by the kernel parameter it binds (positional and keyword), constexprs included. */
  readonly args: ReadonlyMap<string, HostValue>;
  readonly numWarps?: number;
  readonly numStages?: number;
  /**
   * The grid for the launch's constexprs (a lambda's `meta['BLOCK']` reads them; a tuple ignores them): up to three
   * program counts, undefined where a dimension cannot be evaluated.
   */
  readonly grid: (meta: ReadonlyMap<string, HostValue>) => readonly (number | undefined)[] | undefined;
  /** The grid as written, for messages. */
  readonly gridText: string;
}

/** What host.ts reads of one Python file. */
export interface TritonProgram {
  /** Whether the file imports triton at all (`import triton`, `from triton import ...`, `import triton.language as tl`). */
  readonly importsTriton: boolean;
  readonly functions: ReadonlyMap<string, TritonFunction>;
  /** Launches in the order host code reaches them (module level, functions called from it). */
  readonly launches: readonly TritonLaunch[];
  /** Module-level integer/float/bool constants (`BLOCK = 128`), usable by kernels as globals. */
  readonly globals: ReadonlyMap<string, HostValue>;
  /** What host code could not read, where (shown as info diagnostics). */
  readonly notes: readonly { readonly message: string; readonly span: Span }[];
}
