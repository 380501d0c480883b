// The kernel IR: one compute kernel as the cost model needs it, in no language's terms.
//
// A front-end (WGSL today; CUDA and Triton next) lowers an entry point to this form once, independently of any
// launch: sizes the launch decides (workgroup size, dispatch, overrides, uniform fields, buffer lengths, the
// subgroup width) stay symbolic variables of the index expressions (vexpr.ts). The model (../model) then evaluates
// the IR under a resolved launch (launch.ts) and never sees a syntax tree. Spans point into the text the front-end
// analysed; the front-end maps them back to what the user wrote.
import type { Span } from "../span";
import type { QuantFacts } from "../quant/facts";
import type { VExpr } from "./vexpr";

export type { Span, VExpr };

/** Where a binding lives. `global` is device memory (WGSL storage, CUDA global pointers, Triton pointers). */
export type MemorySpace = "global" | "workgroup" | "uniform" | "texture" | "private";

/**
 * Arithmetic classes the model prices differently: FLOPs by dtype (an FMA counts 2), integer and comparison ops,
 * special functions (transcendentals), subgroup (warp) cross-lane ops, and tensor-core FLOPs (matrix instructions
 * with 16-bit inputs: WMMA/MMA, `tl.dot`).
 */
export type OpClass = "f32" | "f16" | "bf16" | "int" | "special" | "subgroup" | "tensor";

/** Variables of the invocation space every front-end uses in index expressions. */
export const ID_VARS = ["lid.x", "lid.y", "lid.z", "wid.x", "wid.y", "wid.z"] as const;
/** Workgroup size and number of workgroups per dimension: launch variables, replaced by the resolved launch. */
export const WORKGROUP_SIZE_VARS = ["wgsize.x", "wgsize.y", "wgsize.z"] as const;
export const WORKGROUP_COUNT_VARS = ["nwg.x", "nwg.y", "nwg.z"] as const;
/** The device's subgroup (warp, wavefront) width. */
export const SUBGROUP_SIZE_VAR = "subgroup_size";

export interface BindingIR {
  readonly name: string;
  readonly space: MemorySpace;
  readonly access: "read" | "write" | "read_write";
  /** The element type as the source spells it (`f32`, `vec4<f32>`, `float4`), for messages. */
  readonly elementType: string;
  /**
   * Bytes of the binding when its type fixes them (a fixed array, a struct, a workgroup tile), possibly in terms of
   * launch parameters (an override-sized tile); null for a runtime-sized buffer.
   */
  readonly bytes: VExpr | null;
  /** For runtime-sized buffers: bytes before element 0 (a struct header) and bytes per element. */
  readonly runtimeArray?: { readonly headerBytes: number; readonly strideBytes: number };
  /** For textures: the texel format as written (`rgba8unorm`, `f32` for a sampled float texture) and dimensions. */
  readonly texture?: {
    readonly format: string;
    readonly dimensions: 1 | 2 | 3;
    readonly storage: boolean;
    /** Bytes of one texel, from the format; `assumed` when neither the type nor a directive states the format. */
    readonly texelBytes: number;
    readonly texelBytesAssumed: boolean;
  };
  readonly span: Span;
}

/**
 * A name whose value the launch decides; the body refers to it as the variable `v`.
 *
 * `uniform`: one scalar of a uniform buffer read at a constant address. `field` names it as `// @uniform` does: a
 * struct member by name (`n`, nested `inner.n`), the k-th scalar of a vector, matrix or array (padding skipped) as
 * `[k]` after its member (`shape[2]`, `dims[1]`) or alone for a uniform that is not a struct (`[1]` of `size:
 * vec2u`), and `value` for a scalar uniform. `list` is set for such a `[k]`: the member path (empty for the whole
 * binding) and how many scalars it holds, so a message can show the whole `[a, b, ...]` to write.
 *
 * `stored`: the `index`-th scalar (in layout order, padding skipped; the 32-bit word for an array<u32>) of a
 * read-only storage buffer, read as an integer at a constant index: shape information a `// @buffer NAME = [...]`
 * list gives.
 */
export type LaunchParam =
  | { readonly v: string; readonly kind: "override"; readonly name: string; readonly default?: VExpr; readonly span?: Span }
  | { readonly v: string; readonly kind: "uniform"; readonly binding: string; readonly field: string; readonly list?: { readonly member: string; readonly count: number } }
  | { readonly v: string; readonly kind: "stored"; readonly binding: string; readonly index: number }
  | { readonly v: string; readonly kind: "bufferLength"; readonly binding: string }
  | { readonly v: string; readonly kind: "textureSize"; readonly binding: string; readonly dim: 0 | 1 | 2 };

/**
 * The directive line that gives a uniform or stored parameter its value, `value` being the text of what it sets: a
 * list (`[4, 8]`) for a list member (`list`) or a stored buffer, one value otherwise. Nested struct members nest
 * braces: `inner.n` gives `// @uniform params = { inner: { n: 4 } }`.
 */
export function paramDirective(p: Extract<LaunchParam, { kind: "uniform" | "stored" }>, value: string): string {
  if (p.kind === "stored") return `// @buffer ${p.binding} = ${value}`;
  const member = p.list ? p.list.member : p.field === "value" ? "" : p.field;
  let line = value;
  if (member !== "") for (const part of member.split(".").reverse()) line = `{ ${part}: ${line} }`;
  return `// @uniform ${p.binding} = ${line}`;
}

export interface LaunchIR {
  /** Workgroup (block) size as the code writes it, over launch parameters; null when the code gives none. */
  readonly workgroupSize: readonly [VExpr, VExpr, VExpr] | null;
  /** Why the workgroup size is missing, where it is. */
  readonly workgroupSizeMissing?: string;
  /** Default values of the overrides (compile-time parameters), where they are integer constants. */
  readonly overrideDefaults: ReadonlyMap<string, number | undefined>;
  /** Shared memory sized at launch (CUDA's `extern __shared__`), in bytes over launch parameters; WGSL has none. */
  readonly dynamicSharedBytes?: VExpr;
  /**
   * Whether the kernel reads which workgroup it is (WGSL's workgroup_id or global ids, CUDA's blockIdx): if so it
   * spreads work over workgroups even where no index expression shows it (a value chosen by a branch).
   */
  readonly readsWorkgroupId?: boolean;
}

/**
 * A loop's counter: it starts at `start`, advances by `step` each iteration (added for `add`, or `k *= step`,
 * `k /= step`, `k <<= step`, `k >>= step`), and the loop continues while `counter op bound`.
 */
export interface LoopCounter {
  readonly kind: "add" | "mul" | "div" | "shl" | "shr";
  readonly start: VExpr;
  readonly step: VExpr;
  readonly op: "<" | "<=" | ">" | ">=" | "!=";
  readonly bound: VExpr;
  /** Integer comparison (truncating arithmetic), or floating point. */
  readonly int: boolean;
}

/** One statement of the structured body. */
export type IrNode =
  /** Arithmetic executed once per visit, by class (components counted). */
  | ({ readonly k: "ops" } & { readonly [C in OpClass]: number })
  /** Workgroup barriers (each visit is one barrier per invocation). */
  | { readonly k: "barrier"; readonly count: number }
  /** One memory operation; `address` is a byte offset into the binding, over ids, loop variables and parameters. */
  | {
      readonly k: "access";
      readonly binding: string;
      /** Texture texels live in device memory and are read through the texture cache. */
      readonly space: "global" | "workgroup" | "uniform" | "texture";
      readonly kind: "load" | "store" | "atomic";
      readonly elementType: string;
      readonly bytes: number;
      readonly address: VExpr;
      readonly span: Span;
    }
  /**
   * An element of a function-scope (private) array read or written. `runtimeIndex`: its index stays a run-time value
   * after the compiler unrolls what it unrolls, so the array cannot be registers; the model then keeps the whole
   * array in local memory (per-thread memory cached in L1) and charges every access to it.
   */
  | { readonly k: "local"; readonly array: string; readonly kind: "load" | "store"; readonly bytes: number; readonly runtimeIndex: boolean; readonly span: Span }
  /** A branch; an arm that always exits narrows what follows the branch to the other arm's condition. */
  | { readonly k: "if"; readonly cond: VExpr; readonly then: readonly IrNode[]; readonly else: readonly IrNode[]; readonly span?: Span }
  /** Arms taken under their conditions; exits inside an arm leave only the arm (a `switch`). */
  | { readonly k: "switch"; readonly arms: readonly { readonly cond: VExpr; readonly body: readonly IrNode[] }[] }
  /** Control leaves the enclosing block: return, break, continue, discard. */
  | { readonly k: "exit" }
  /** A call, already inlined: a return inside it ends the call, not the caller's block. */
  | { readonly k: "call"; readonly name: string; readonly body: readonly IrNode[] }
  /** A nested block whose exits propagate to the enclosing one. */
  | { readonly k: "block"; readonly body: readonly IrNode[] }
  | {
      readonly k: "loop";
      /** The variable the counter's iteration index is called in the body's expressions (`loop3`). */
      readonly v: string;
      readonly span: Span;
      /** Where the header ends, for an inlay hint. */
      readonly headerEnd: number;
      /** Null when no counter compared with a bound was found: the trip count is unknown. */
      readonly counter: LoopCounter | null;
      /** The counter's name in the source, for messages. */
      readonly counterName?: string;
      /** A break or return under a branch on loaded data: the trip count is an upper bound. */
      readonly earlyExit: boolean;
      /** Evaluated every iteration before the body (the loop condition). */
      readonly header: readonly IrNode[];
      readonly body: readonly IrNode[];
      /** Evaluated every iteration after the body (`continuing`, a `for` update). */
      readonly latch: readonly IrNode[];
      /**
       * The front-end knows its compiler unrolls this loop fully (nvcc: a small constant-trip nest, or #pragma unroll):
       * its iterations become straight-line code, so their loads are all in flight together and ptxas may merge
       * neighbouring shared-memory loads. Absent where the compiler's choice is not known (WGSL drivers).
       */
      readonly unrolled?: boolean;
    };

/** A value the kernel keeps in registers: its size in 32-bit words, and whether it is reassigned. */
export interface PrivateValue {
  readonly words: number;
  readonly mutable: boolean;
  /** An array indexed at run time (may live in local memory). */
  readonly array?: boolean;
  /**
   * The front-end knows every index of this array becomes a constant after its compiler unrolls (nvcc): it is kept in
   * registers whatever its size. Absent: not known (arrays past 64 words are then assumed to spill).
   */
  readonly inRegisters?: boolean;
}

export interface KernelIR {
  readonly name: string;
  readonly language: "wgsl" | "cuda" | "triton" | "ir";
  /** The entry point's name in the analysed text, for kernel-wide findings. */
  readonly nameSpan: Span;
  readonly bindings: readonly BindingIR[];
  readonly launch: LaunchIR;
  /** Every launch parameter the body reads, by variable name. */
  readonly params: ReadonlyMap<string, LaunchParam>;
  readonly body: readonly IrNode[];
  /** Values of the kernel and everything it calls (already inlined), for the register estimate. */
  readonly privateValues: readonly PrivateValue[];
  /** What the front-end could not model, with where. */
  readonly notes: readonly { readonly what: string; readonly reason: string; readonly span?: Span }[];
  /** Quantized bindings and the quantization patterns the front-end recognised (../quant/facts.ts), for quant findings. */
  readonly quantization?: QuantFacts;
  /**
   * The kernel's compiler merges shared-memory loads of unrolled code at consecutive, provably aligned addresses into
   * 64- and 128-bit loads (ptxas does: an SGEMM's `As[row * 8 + k]` over an unrolled k becomes LDS.128). Absent: no.
   */
  readonly mergesUnrolledSharedLoads?: boolean;
  /**
   * Registers per thread as the front-end estimates them from what it knows of its compiler (Triton: accumulator and
   * operand tiles per thread); still an estimate. Absent: the model estimates from `privateValues`.
   */
  readonly estimatedRegisters?: number;
  /**
   * The tensor-core rate of the kernel's matrix instructions relative to the device's 16-bit tensor peak: 2 for fp8
   * and int8 inputs, 0.5 for tf32 (fp32 inputs). Absent: 1.
   */
  readonly tensorRate?: number;
}
