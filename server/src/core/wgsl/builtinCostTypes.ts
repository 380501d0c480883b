// The cost class of a WGSL built-in function: the type a catalogue entry's `cost` has, and the conventions it counts by.
//
// Types only, apart from builtinCosts.ts (which evaluates them and looks entries up in the catalogue) so that
// builtinCatalogue.ts can declare its entries' costs without the two importing each other.

/*
 * How the static cost model counts a call. Conventions, applied uniformly by every catalogue entry:
 *
 *  - A FLOP is one floating-point add, subtract, multiply, comparison / min / max, or rounding step
 *    (floor, ceil, trunc, round). A fused multiply-add (`fma`, or `a * b + c`) counts as TWO FLOPs, the usual
 *    roofline convention, whether or not the hardware fuses it.
 *  - Sign-bit manipulation (abs, negation) is free: GPUs apply it as a source-operand modifier, so `abs` is
 *    0 FLOPs.
 *  - A floating-point division counts as 1 special op (reciprocal) plus 1 FLOP (multiply), which is how GPUs
 *    evaluate it at the accuracy WGSL asks for.
 *  - "special" ops run on the transcendental / special-function unit (NVIDIA MUFU, AMD transcendental VALU):
 *    sin, cos, exp2, log2, sqrt, reciprocal square root, reciprocal. These issue at roughly a quarter of the FMA
 *    rate, so the cost model keeps them apart from FLOPs. Functions built out of them (exp = exp2 of a scaled
 *    argument, pow = exp2(y * log2(x)), tan = sin / cos ...) add the surrounding arithmetic as `flops`.
 *  - "int" ops are integer / bit-manipulation ALU instructions, including float <-> integer conversions. They are
 *    not FLOPs in a roofline.
 *  - Functions that take both integer and float operands (abs, min, max, clamp, sign, dot, subgroupAdd, ...)
 *    carry their float cost; `estimateBuiltinCost(..., { integerOperands: true })` books the same count as
 *    integer ops instead.
 *  - "memory" is one request to the memory system (a buffer atomic, a texel load/store, a filtered sample); the
 *    number of bytes moved is derived from the types by the cost model, not from this table.
 *  - "barrier" is one workgroup-scope control barrier.
 *  - `crossLane` counts data exchanges between invocations (shuffles, votes, quad swizzles behind derivatives),
 *    per result component; they use the register-crossbar / LDS path, not DRAM.
 *  - Subgroup reductions and scans are modelled as log2(subgroup size) shuffle-and-combine steps (5 steps for the
 *    32-wide subgroups of most desktop GPUs); `subgroupSteps` marks them.
 *
 * Unless `per` says otherwise a count is per component of the result (a vec4 `fma` is 8 FLOPs). Reductions such
 * as `dot` scale with the operand instead: `per: "operand"` plus an `offset` gives 2N - 1 for dot(vecN, vecN).
 */
interface CostCommon {
  /** What the main count multiplies: components of the result (default) or of the first vector/matrix operand. */
  per?: "result" | "operand";
  /** Added once per call to the main count (e.g. -1 for dot, whose cost is 2N - 1). */
  offset?: number;
  /** Main count by operand size (vector width or square-matrix dimension), instead of a per-component rule. */
  bySize?: Readonly<Record<2 | 3 | 4, number>>;
  /** FLOPs added once per call on top of the main count. */
  extraFlops?: number;
  /** Special-function-unit ops added once per call (e.g. the square root inside `length`). */
  extraSpecial?: number;
  /** Integer ops added once per call (e.g. the conversions and byte inserts of the packing functions). */
  extraInt?: number;
  /** Cross-invocation exchanges per result component (multiplied by the steps of a subgroup reduction). */
  crossLane?: number;
  /** The main count and `crossLane` are per step of a log2(subgroup size)-step reduction or scan. */
  subgroupSteps?: boolean;
}

/** How the static cost model counts one call, per component of the result unless `per` says otherwise. */
export type BuiltinCost = (
  | { kind: "flop"; flops: number } // plain float arithmetic; fma = 2, abs = 0, clamp = 2, mix = 3 ... (see above)
  | { kind: "special"; ops?: number; flops?: number } // `ops` special-unit ops (default 1) + `flops` FLOPs, per component
  | { kind: "int"; ops: number } // integer / bit ops, conversions
  | { kind: "memory"; access?: "read" | "write" | "atomic" | "sample" } // one memory-system request per call
  | { kind: "barrier" } // one workgroup control barrier per call
  | { kind: "none" } // free: reinterpretation, register renaming, descriptor queries
) &
  CostCommon;
