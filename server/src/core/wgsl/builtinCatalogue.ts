// Catalogue of WGSL built-ins (functions, types, built-in values, attributes, enumerants) with their docs and cost classes.
//
// Follows the W3C WGSL specification (https://www.w3.org/TR/WGSL/, current editor's draft, including the
// subgroup, quad, linear_indexing and atomic_vec2u_min_max additions). All descriptions are written for this
// project. Pure data plus lookups: no editor or language-server imports and no I/O. What a cost class means is in
// builtinCostTypes.ts, how a call is counted in builtinCosts.ts; the hover text made from these entries is in
// builtinDocs.ts.
import type { BuiltinCost } from "./builtinCostTypes";

// ---------------------------------------------------------------------------------------------------------------
// Public types

export type BuiltinCategory =
  | "constructor"
  | "bit-reinterpretation"
  | "logical"
  | "array"
  | "numeric"
  | "derivative"
  | "texture"
  | "atomic"
  | "packing"
  | "synchronization"
  | "subgroup"
  | "quad";

export type ShaderStage = "compute" | "vertex" | "fragment";

export interface BuiltinFunction {
  name: string;
  category: BuiltinCategory;
  /** Overloads as WGSL-style signature strings for display, e.g. "fn clamp(e: T, low: T, high: T) -> T" with the T constraint in `typeParams`. */
  signatures: string[];
  /** What the type parameters in `signatures` may be. */
  typeParams?: string;
  /** 1-3 sentences: what it computes, edge cases, and what matters for kernels. */
  doc: string;
  params?: { name: string; doc: string }[];
  cost: BuiltinCost;
  /** Why the cost is what it is, in plain words (shown in hovers). */
  costNote?: string;
  /** Needs an `enable` directive (and the matching device feature), e.g. "f16", "subgroups". */
  requires?: string;
  /** Needs a WGSL language extension (automatically available where supported; listed by `requires`). */
  languageExtension?: string;
  /** The result must be used (`@must_use`); calling it as a bare statement is an error. */
  mustUse?: boolean;
  /** Can be evaluated in const-expressions (`@const`). */
  constEvaluable?: boolean;
  /** Shader stages it may be used in; absent means every stage. */
  stages?: ShaderStage[];
  /** Must be called in uniform control flow; the kind names the diagnostic/rule that checks it. */
  uniformity?: "workgroup" | "derivative" | "subgroup";
}

export interface BuiltinType {
  name: string;
  kind: "scalar" | "vector" | "matrix" | "array" | "atomic" | "pointer" | "texture" | "sampler" | "alias" | "struct";
  doc: string;
  /** For aliases like vec4f: the type it names, e.g. "vec4<f32>". */
  aliasOf?: string;
  /** Byte size in host-shareable memory (WGSL SizeOf), when fixed. */
  sizeBytes?: number;
  /** Required alignment in bytes (WGSL AlignOf), when fixed. */
  alignBytes?: number;
  /** Needs an `enable` directive, e.g. "f16". */
  requires?: string;
  /** Members of the built-in result structures (frexp, modf, atomicCompareExchangeWeak). */
  members?: { name: string; type: string }[];
}

export interface BuiltinValue {
  name: string;
  /** Every stage the value exists in. */
  stage: ShaderStage[];
  /** Direction in the first entry of `io` (the value's main use); see `io` for values that are both. */
  direction: "input" | "output";
  type: string;
  doc: string;
  /** Each (stage, direction) pair: `position` is a vertex output and a fragment input, `sample_mask` both ways. */
  io: { stage: ShaderStage; direction: "input" | "output" }[];
  /** Needs an `enable` directive. */
  requires?: string;
  /** Needs a language extension. */
  languageExtension?: string;
}

export interface NamedDoc {
  name: string;
  doc: string;
}

export interface AttributeInfo extends NamedDoc {
  /** A VS Code snippet for completion (text after the `@`). */
  snippet?: string;
  /** Needs an `enable` directive. */
  requires?: string;
}

export interface ExtensionInfo extends NamedDoc {
  /** "enable": turned on with `enable name;` and a device feature. "language": always on where supported, documented with `requires name;`. */
  kind: "enable" | "language";
  /** The WebGPU GPUFeatureName that must be requested on the device, for enable-extensions. */
  feature?: string;
}

export interface TexelFormatInfo extends NamedDoc {
  /** Channel type seen by the shader: textureLoad returns vec4 of it, textureStore takes vec4 of it. */
  channelType: "f32" | "i32" | "u32";
  /** Bytes per texel in memory (for traffic estimates). */
  bytesPerTexel: number;
  languageExtension?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for building the tables

function buildMap<T extends { name: string }>(what: string, items: readonly T[]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    if (map.has(item.name)) throw new Error(`duplicate ${what} '${item.name}' in the WGSL built-in catalogue`);
    map.set(item.name, item);
  }
  return map;
}

/** Formats one overload: sig("abs", "e: T", "T") -> "fn abs(e: T) -> T". */
function sig(name: string, params: string, result?: string): string {
  return `fn ${name}(${params})${result ? ` -> ${result}` : ""}`;
}

const fnList: BuiltinFunction[] = [];

/** Adds a function; `mustUse` defaults to "every overload returns a value". */
function def(f: BuiltinFunction): void {
  fnList.push({ ...f, mustUse: f.mustUse ?? f.signatures.every((s) => s.includes("->")) });
}

// Shared type-parameter descriptions.
const FLOAT_T = "S is AbstractFloat, f32 or f16; T is S or vecN<S> (applied per component for vectors)";
const NUMERIC_T = "S is AbstractInt, AbstractFloat, i32, u32, f32 or f16; T is S or vecN<S> (per component for vectors)";
const SIGNED_NUMERIC_T = "S is AbstractInt, AbstractFloat, i32, f32 or f16; T is S or vecN<S> (per component for vectors)";
const INTEGRAL_T = "T is i32, u32, vecN<i32> or vecN<u32> (per component for vectors)";
const FLOAT_VEC_T = "T is vecN<AbstractFloat>, vecN<f32> or vecN<f16>";
const DERIV_T = "T is f32 or vecN<f32>";
const SUBGROUP_T = "T is a concrete numeric scalar or vector: i32, u32, f32, f16 (with `enable f16;`) or vecN of them";
const SUBGROUP_INT_T = "T is i32, u32, vecN<i32> or vecN<u32>";

// Shared cost shapes.
const FREE: BuiltinCost = { kind: "none" };
const SPECIAL: BuiltinCost = { kind: "special", ops: 1 };

// Shared parameter docs for texture functions.
const P = {
  t: { name: "t", doc: "The texture to read from." },
  s: { name: "s", doc: "The sampler: filtering, addressing (wrap/clamp) and, for `sampler_comparison`, the compare function." },
  coords: { name: "coords", doc: "Texture coordinates: normalized [0, 1] for sampling functions, integer texel indices for textureLoad/textureStore." },
  arrayIndex: { name: "array_index", doc: "0-based layer of an arrayed texture (clamped to the valid range when sampling)." },
  level: { name: "level", doc: "Mip level; 0 is the full-size image." },
  offset: { name: "offset", doc: "Constant texel offset added before addressing; must be a const-expression with components in [-8, 7]." },
  depthRef: { name: "depth_ref", doc: "Reference value each depth texel is compared with, using the sampler's compare function." },
  component: { name: "component", doc: "Which channel to gather (0 = r ... 3 = a); must be a const-expression." },
  sampleIndex: { name: "sample_index", doc: "Which sample of a multisampled texel to read." },
};

// ---------------------------------------------------------------------------------------------------------------
// Bit reinterpretation, logical and array functions

def({
  name: "bitcast",
  category: "bit-reinterpretation",
  signatures: [
    "fn bitcast<T>(e: T) -> T",
    "fn bitcast<T>(e: S) -> T",
    "fn bitcast<vecN<T>>(e: vecN<S>) -> vecN<T>",
    "fn bitcast<u32>(e: AbstractInt) -> u32",
    "fn bitcast<vecN<u32>>(e: vecN<AbstractInt>) -> vecN<u32>",
    "fn bitcast<T>(e: vec2<f16>) -> T",
    "fn bitcast<vec2<T>>(e: vec4<f16>) -> vec2<T>",
    "fn bitcast<vec2<f16>>(e: T) -> vec2<f16>",
    "fn bitcast<vec4<f16>>(e: vec2<T>) -> vec4<f16>",
  ],
  typeParams: "S and T are i32, u32 or f32 (32-bit scalars); the f16 forms reinterpret pairs of halves as one 32-bit value and back",
  doc: "Reinterprets the bits of `e` as another type of the same total width, without any numeric conversion (e.g. the raw IEEE-754 bits of an f32 as a u32). Reinterpreting bits that form a NaN or infinity as a float may give an indeterminate value.",
  params: [{ name: "e", doc: "The value whose bits are reused." }],
  cost: FREE,
  costNote: "No instruction: the same register is read as another type.",
  constEvaluable: true,
});

def({
  name: "all",
  category: "logical",
  signatures: [sig("all", "e: vecN<bool>", "bool"), sig("all", "e: bool", "bool")],
  doc: "True when every component of the boolean vector `e` is true; for a scalar it returns `e` itself.",
  params: [{ name: "e", doc: "Boolean scalar or vector." }],
  cost: { kind: "int", ops: 1, per: "operand", offset: -1 },
  costNote: "N - 1 logical ANDs for an N-component vector; free for a scalar.",
  constEvaluable: true,
});

def({
  name: "any",
  category: "logical",
  signatures: [sig("any", "e: vecN<bool>", "bool"), sig("any", "e: bool", "bool")],
  doc: "True when at least one component of the boolean vector `e` is true; for a scalar it returns `e` itself.",
  params: [{ name: "e", doc: "Boolean scalar or vector." }],
  cost: { kind: "int", ops: 1, per: "operand", offset: -1 },
  costNote: "N - 1 logical ORs for an N-component vector; free for a scalar.",
  constEvaluable: true,
});

def({
  name: "select",
  category: "logical",
  signatures: [sig("select", "f: T, t: T, cond: bool", "T"), sig("select", "f: vecN<T>, t: vecN<T>, cond: vecN<bool>", "vecN<T>")],
  typeParams: "T is any scalar or vector type in the first form, any scalar in the second",
  doc: "Picks `t` when `cond` is true and `f` otherwise (note the order: false value first). With a vector condition the choice is made per component. Both operands are always evaluated, so this is a branch-free conditional move, not control flow.",
  params: [
    { name: "f", doc: "Value returned where the condition is false." },
    { name: "t", doc: "Value returned where the condition is true." },
    { name: "cond", doc: "The condition (scalar, or one per component)." },
  ],
  cost: FREE,
  costNote: "Counted as free: a conditional move that compilers usually fold into predication or the consuming instruction; it uses no FP throughput.",
  constEvaluable: true,
});

def({
  name: "arrayLength",
  category: "array",
  signatures: [sig("arrayLength", "p: ptr<storage, array<E>, AM>", "u32")],
  typeParams: "E is the element type of a runtime-sized array; AM is read or read_write",
  doc: "Number of elements in a runtime-sized storage array, derived from the size of the buffer binding: floor((binding size - array offset) / element stride).",
  params: [{ name: "p", doc: "Pointer to the runtime-sized array, e.g. `&buf.data`." }],
  cost: FREE,
  costNote: "Counted as free: the implementation passes the binding size alongside the buffer, so this is a uniform value plus a little integer math.",
});

// ---------------------------------------------------------------------------------------------------------------
// Numeric functions

def({
  name: "abs",
  category: "numeric",
  signatures: [sig("abs", "e: T", "T")],
  typeParams: NUMERIC_T,
  doc: "Absolute value. For floats it clears the sign bit (so abs(-0.0) is +0.0); unsigned integers are returned unchanged; for signed integers the most negative value has no positive counterpart and is returned as is.",
  cost: { kind: "flop", flops: 0 },
  costNote: "0 FLOPs: GPUs apply abs as a free source-operand modifier.",
  constEvaluable: true,
});

def({
  name: "acos",
  category: "numeric",
  signatures: [sig("acos", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Arc cosine in radians, in [0, π]. Defined for inputs in [-1, 1]; outside that range the result is indeterminate.",
  cost: { kind: "special", ops: 1, flops: 10 },
  costNote: "No hardware instruction: a ~10-FLOP polynomial plus one square root (estimate).",
  constEvaluable: true,
});

def({
  name: "acosh",
  category: "numeric",
  signatures: [sig("acosh", "x: T", "T")],
  typeParams: FLOAT_T,
  doc: "Inverse hyperbolic cosine, a non-negative hyperbolic angle. Defined for x >= 1; typically evaluated as log(x + sqrt(x*x - 1)).",
  cost: { kind: "special", ops: 2, flops: 4 },
  costNote: "Evaluated as log(x + sqrt(x*x - 1)): a square root and a log2 on the special unit plus ~4 FLOPs.",
  constEvaluable: true,
});

def({
  name: "asin",
  category: "numeric",
  signatures: [sig("asin", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Arc sine in radians, in [-π/2, π/2]. Defined for inputs in [-1, 1]; outside that range the result is indeterminate.",
  cost: { kind: "special", ops: 1, flops: 10 },
  costNote: "No hardware instruction: a ~10-FLOP polynomial plus one square root (estimate).",
  constEvaluable: true,
});

def({
  name: "asinh",
  category: "numeric",
  signatures: [sig("asinh", "y: T", "T")],
  typeParams: FLOAT_T,
  doc: "Inverse hyperbolic sine, defined for every input; typically evaluated as log(y + sqrt(y*y + 1)).",
  cost: { kind: "special", ops: 2, flops: 4 },
  costNote: "Evaluated as log(y + sqrt(y*y + 1)): a square root and a log2 plus ~4 FLOPs.",
  constEvaluable: true,
});

def({
  name: "atan",
  category: "numeric",
  signatures: [sig("atan", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Arc tangent in radians, in [-π/2, π/2]. Use atan2 to recover the full angle of a 2D direction.",
  cost: { kind: "special", ops: 1, flops: 10 },
  costNote: "No hardware instruction: range reduction with a reciprocal plus a ~10-FLOP polynomial (estimate).",
  constEvaluable: true,
});

def({
  name: "atanh",
  category: "numeric",
  signatures: [sig("atanh", "t: T", "T")],
  typeParams: FLOAT_T,
  doc: "Inverse hyperbolic tangent, defined for |t| < 1 (indeterminate at ±1 and beyond); typically 0.5 * log((1 + t) / (1 - t)).",
  cost: { kind: "special", ops: 2, flops: 4 },
  costNote: "Evaluated as 0.5 * log((1 + t) / (1 - t)): a reciprocal and a log2 plus ~4 FLOPs.",
  constEvaluable: true,
});

def({
  name: "atan2",
  category: "numeric",
  signatures: [sig("atan2", "y: T, x: T", "T")],
  typeParams: FLOAT_T,
  doc: "Angle in radians, in [-π, π], of the point (x, y): the signs of both arguments select the quadrant. Accuracy is unbounded at the origin and for subnormal x.",
  params: [
    { name: "y", doc: "Vertical component (numerator)." },
    { name: "x", doc: "Horizontal component (denominator)." },
  ],
  cost: { kind: "special", ops: 1, flops: 12 },
  costNote: "No hardware instruction: a reciprocal for y/x, a ~10-FLOP polynomial and quadrant fix-ups (estimate).",
  constEvaluable: true,
});

def({
  name: "ceil",
  category: "numeric",
  signatures: [sig("ceil", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Smallest whole number not less than `e` (rounds toward +∞), returned as a float.",
  cost: { kind: "flop", flops: 1 },
  constEvaluable: true,
});

def({
  name: "clamp",
  category: "numeric",
  signatures: [sig("clamp", "e: T, low: T, high: T", "T")],
  typeParams: NUMERIC_T,
  doc: "Limits `e` to the range [low, high]. Integers use min(max(e, low), high); floats may use that or a median of the three values, which differ only when low > high. low > high is an error when both are constant.",
  params: [
    { name: "e", doc: "The value to limit." },
    { name: "low", doc: "Lower bound." },
    { name: "high", doc: "Upper bound (should be >= low)." },
  ],
  cost: { kind: "flop", flops: 2 },
  costNote: "A max followed by a min: 2 operations per component.",
  constEvaluable: true,
});

def({
  name: "cos",
  category: "numeric",
  signatures: [sig("cos", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Cosine of an angle in radians. f32 accuracy is only guaranteed (absolute error 2^-11) for inputs in [-π, π]; reduce large angles yourself.",
  cost: { kind: "special", ops: 1, flops: 1 },
  costNote: "One special-unit cosine plus a multiply for range reduction.",
  constEvaluable: true,
});

def({
  name: "cosh",
  category: "numeric",
  signatures: [sig("cosh", "a: T", "T")],
  typeParams: FLOAT_T,
  doc: "Hyperbolic cosine, (e^a + e^-a) / 2. Overflows to infinity (or an indeterminate value) for large |a|.",
  cost: { kind: "special", ops: 2, flops: 3 },
  costNote: "One exp2 and one reciprocal (for e^-a) on the special unit, plus a scale, an add and a halving.",
  constEvaluable: true,
});

def({
  name: "countLeadingZeros",
  category: "numeric",
  signatures: [sig("countLeadingZeros", "e: T", "T")],
  typeParams: INTEGRAL_T,
  doc: "Number of consecutive 0 bits starting from the most significant bit (\"clz\"); 32 for zero.",
  cost: { kind: "int", ops: 1 },
  costNote: "One bit-scan instruction.",
  constEvaluable: true,
});

def({
  name: "countOneBits",
  category: "numeric",
  signatures: [sig("countOneBits", "e: T", "T")],
  typeParams: INTEGRAL_T,
  doc: "Number of 1 bits in `e` (population count).",
  cost: { kind: "int", ops: 1 },
  costNote: "One population-count instruction.",
  constEvaluable: true,
});

def({
  name: "countTrailingZeros",
  category: "numeric",
  signatures: [sig("countTrailingZeros", "e: T", "T")],
  typeParams: INTEGRAL_T,
  doc: "Number of consecutive 0 bits starting from the least significant bit (\"ctz\"); 32 for zero.",
  cost: { kind: "int", ops: 1 },
  costNote: "One bit-scan instruction (some GPUs need a bit reverse first).",
  constEvaluable: true,
});

def({
  name: "cross",
  category: "numeric",
  signatures: [sig("cross", "a: vec3<T>, b: vec3<T>", "vec3<T>")],
  typeParams: "T is AbstractFloat, f32 or f16",
  doc: "Cross product of two 3-component vectors: a vector perpendicular to both, with length |a||b|sin θ.",
  params: [
    { name: "a", doc: "First vector." },
    { name: "b", doc: "Second vector." },
  ],
  cost: { kind: "flop", flops: 3 },
  costNote: "Each component is a*b - c*d: one multiply and one fused multiply-subtract (3 FLOPs), 9 in total.",
  constEvaluable: true,
});

def({
  name: "degrees",
  category: "numeric",
  signatures: [sig("degrees", "e1: T", "T")],
  typeParams: FLOAT_T,
  doc: "Converts an angle from radians to degrees (multiplies by 180/π).",
  cost: { kind: "flop", flops: 1 },
  constEvaluable: true,
});

def({
  name: "determinant",
  category: "numeric",
  signatures: [sig("determinant", "e: matCxC<T>", "T")],
  typeParams: "T is AbstractFloat, f32 or f16; C is 2, 3 or 4 (square matrices only)",
  doc: "Determinant of a square matrix. WGSL sets no error bound: implementations use the direct formula, which can cancel catastrophically for nearly singular matrices.",
  cost: { kind: "flop", flops: 0, bySize: { 2: 3, 3: 14, 4: 45 } },
  costNote: "2x2: a*d - b*c (3 FLOPs); 3x3: three 2x2 minors plus a 3-term dot (14); 4x4: six shared 2x2 minors, four cofactors and a 4-term dot (45).",
  constEvaluable: true,
});

def({
  name: "distance",
  category: "numeric",
  signatures: [sig("distance", "e1: T, e2: T", "S")],
  typeParams: FLOAT_T,
  doc: "Euclidean distance between two points, i.e. length(e1 - e2).",
  params: [
    { name: "e1", doc: "First point." },
    { name: "e2", doc: "Second point." },
  ],
  cost: { kind: "flop", flops: 3, per: "operand", offset: -1, extraSpecial: 1 },
  costNote: "N subtractions, a dot product of the difference (2N - 1) and one square root.",
  constEvaluable: true,
});

def({
  name: "dot",
  category: "numeric",
  signatures: [sig("dot", "e1: vecN<T>, e2: vecN<T>", "T")],
  typeParams: "T is AbstractInt, AbstractFloat, i32, u32, f32 or f16",
  doc: "Dot product: the sum of the component-wise products of two vectors of the same size.",
  params: [
    { name: "e1", doc: "First vector." },
    { name: "e2", doc: "Second vector." },
  ],
  cost: { kind: "flop", flops: 2, per: "operand", offset: -1 },
  costNote: "One multiply then N - 1 multiply-adds: 2N - 1 FLOPs for vecN (7 for vec4).",
  constEvaluable: true,
});

def({
  name: "dot4U8Packed",
  category: "numeric",
  signatures: [sig("dot4U8Packed", "e1: u32, e2: u32", "u32")],
  doc: "Treats each u32 as four unsigned 8-bit lanes and returns their dot product. The workhorse of 8-bit quantized kernels; maps to a single DP4A-style instruction on hardware that has one.",
  params: [
    { name: "e1", doc: "Four packed u8 values (byte 0 is lane 0)." },
    { name: "e2", doc: "Four packed u8 values." },
  ],
  cost: { kind: "int", ops: 15 },
  costNote: "Counted as its portable lowering: 8 byte extracts, 4 multiplies and 3 adds (15 integer ops); hardware with a packed dot instruction does it in one.",
  languageExtension: "packed_4x8_integer_dot_product",
  constEvaluable: true,
});

def({
  name: "dot4I8Packed",
  category: "numeric",
  signatures: [sig("dot4I8Packed", "e1: u32, e2: u32", "i32")],
  doc: "Treats each u32 as four signed 8-bit lanes (sign-extended) and returns their dot product as an i32; the sum always fits, so it cannot overflow. Maps to a single DP4A-style instruction on hardware that has one.",
  params: [
    { name: "e1", doc: "Four packed i8 values (byte 0 is lane 0)." },
    { name: "e2", doc: "Four packed i8 values." },
  ],
  cost: { kind: "int", ops: 15 },
  costNote: "Counted as its portable lowering: 8 sign-extending byte extracts, 4 multiplies and 3 adds (15 integer ops); hardware with a packed dot instruction does it in one.",
  languageExtension: "packed_4x8_integer_dot_product",
  constEvaluable: true,
});

def({
  name: "exp",
  category: "numeric",
  signatures: [sig("exp", "e1: T", "T")],
  typeParams: FLOAT_T,
  doc: "Natural exponential e^x. Overflows to infinity (f32 above about 88.7); error grows with |x|.",
  cost: { kind: "special", ops: 1, flops: 1 },
  costNote: "exp2(x * log2(e)): one multiply plus one special-unit exp2.",
  constEvaluable: true,
});

def({
  name: "exp2",
  category: "numeric",
  signatures: [sig("exp2", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Two raised to the power `e`. The native exponential of GPUs: cheaper than exp.",
  cost: SPECIAL,
  costNote: "One special-unit exp2.",
  constEvaluable: true,
});

def({
  name: "extractBits",
  category: "numeric",
  signatures: [sig("extractBits", "e: T, offset: u32, count: u32", "T")],
  typeParams: "T is i32 or vecN<i32> (result sign-extended from the top extracted bit), or u32 or vecN<u32> (zero-extended)",
  doc: "Reads `count` bits of `e` starting at bit `offset` and returns them in the low bits; signed types copy the top extracted bit into the rest, unsigned types fill with zeros. Returns 0 when count is 0; offset + count > 32 is an error for constant arguments.",
  params: [
    { name: "e", doc: "The source integer." },
    { name: "offset", doc: "Index of the lowest bit to read." },
    { name: "count", doc: "Number of bits to read." },
  ],
  cost: { kind: "int", ops: 1 },
  costNote: "One bit-field-extract instruction.",
  constEvaluable: true,
});

def({
  name: "faceForward",
  category: "numeric",
  signatures: [sig("faceForward", "e1: T, e2: T, e3: T", "T")],
  typeParams: FLOAT_VEC_T,
  doc: "Returns `e1` when dot(e2, e3) is negative and -e1 otherwise: flips a normal so it faces against an incident direction.",
  params: [
    { name: "e1", doc: "The vector to orient (typically the normal)." },
    { name: "e2", doc: "Incident vector." },
    { name: "e3", doc: "Reference vector (typically the geometric normal)." },
  ],
  cost: { kind: "flop", flops: 2, per: "operand", offset: 0 },
  costNote: "A dot product (2N - 1) and a comparison; the negation and selection are free.",
  constEvaluable: true,
});

def({
  name: "firstLeadingBit",
  category: "numeric",
  signatures: [sig("firstLeadingBit", "e: T", "T")],
  typeParams: "T is i32 or vecN<i32> (finds the highest bit that differs from the sign bit), or u32 or vecN<u32> (finds the highest 1 bit)",
  doc: "Bit index of the most significant 1 bit (for signed values: the most significant bit that differs from the sign). Returns -1 (all ones) when there is none: for 0, and for signed -1.",
  cost: { kind: "int", ops: 1 },
  costNote: "One find-most-significant-bit instruction.",
  constEvaluable: true,
});

def({
  name: "firstTrailingBit",
  category: "numeric",
  signatures: [sig("firstTrailingBit", "e: T", "T")],
  typeParams: INTEGRAL_T,
  doc: "Bit index of the least significant 1 bit; -1 (all ones) when `e` is zero.",
  cost: { kind: "int", ops: 1 },
  costNote: "One find-least-significant-bit instruction.",
  constEvaluable: true,
});

def({
  name: "floor",
  category: "numeric",
  signatures: [sig("floor", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Largest whole number not greater than `e` (rounds toward -∞), returned as a float.",
  cost: { kind: "flop", flops: 1 },
  constEvaluable: true,
});

def({
  name: "fma",
  category: "numeric",
  signatures: [sig("fma", "e1: T, e2: T, e3: T", "T")],
  typeParams: FLOAT_T,
  doc: "Computes e1 * e2 + e3. WGSL allows, but does not require, a single rounding: an implementation may multiply and add separately, so do not rely on fused precision.",
  params: [
    { name: "e1", doc: "Multiplicand." },
    { name: "e2", doc: "Multiplier." },
    { name: "e3", doc: "Addend." },
  ],
  cost: { kind: "flop", flops: 2 },
  costNote: "A multiply and an add: 2 FLOPs per component (the roofline convention), issued as one instruction.",
  constEvaluable: true,
});

def({
  name: "fract",
  category: "numeric",
  signatures: [sig("fract", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Fractional part, e - floor(e), in [0, 1]. For tiny negative inputs rounding can make the result exactly 1.0.",
  cost: { kind: "flop", flops: 2 },
  costNote: "A floor and a subtraction.",
  constEvaluable: true,
});

def({
  name: "frexp",
  category: "numeric",
  signatures: [
    sig("frexp", "e: f32", "__frexp_result_f32"),
    sig("frexp", "e: f16", "__frexp_result_f16"),
    sig("frexp", "e: AbstractFloat", "__frexp_result_abstract"),
    sig("frexp", "e: vecN<f32>", "__frexp_result_vecN_f32"),
    sig("frexp", "e: vecN<f16>", "__frexp_result_vecN_f16"),
    sig("frexp", "e: vecN<AbstractFloat>", "__frexp_result_vecN_abstract"),
  ],
  doc: "Splits `e` into a fraction and a power of two, returning a struct { fract, exp } with e = fract * 2^exp and |fract| in [0.5, 1). Zero gives fraction 0; subnormals, infinities and NaN give indeterminate results.",
  cost: { kind: "int", ops: 3 },
  costNote: "Bit manipulation: extract the exponent field, rebias it and rebuild the mantissa (about 3 integer ops per component).",
  constEvaluable: true,
});

def({
  name: "insertBits",
  category: "numeric",
  signatures: [sig("insertBits", "e: T, newbits: T, offset: u32, count: u32", "T")],
  typeParams: INTEGRAL_T,
  doc: "Returns `e` with bits offset .. offset + count - 1 replaced by the low `count` bits of `newbits`. Returns `e` unchanged when count is 0; offset + count > 32 is an error for constant arguments.",
  params: [
    { name: "e", doc: "The value to modify." },
    { name: "newbits", doc: "Source of the bits to write (taken from its low bits)." },
    { name: "offset", doc: "Index of the lowest bit to replace." },
    { name: "count", doc: "Number of bits to replace." },
  ],
  cost: { kind: "int", ops: 1 },
  costNote: "One bit-field-insert instruction.",
  constEvaluable: true,
});

def({
  name: "inverseSqrt",
  category: "numeric",
  signatures: [sig("inverseSqrt", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "1 / sqrt(e), accurate to 2 ULP. Defined for positive inputs; zero or negative inputs give indeterminate results. Prefer it over 1.0 / sqrt(x): it is a single hardware instruction.",
  cost: SPECIAL,
  costNote: "One special-unit reciprocal square root.",
  constEvaluable: true,
});

def({
  name: "ldexp",
  category: "numeric",
  signatures: [sig("ldexp", "e1: T, e2: I", "T")],
  typeParams: `${FLOAT_T}; I is AbstractInt, i32, vecN<AbstractInt> or vecN<i32>, a vector exactly when T is; T is abstract only if I is`,
  doc: "Computes e1 * 2^e2 (scales by a power of two). The result may flush to zero for very negative e2; too large an e2 is an error for constant arguments and indeterminate otherwise.",
  params: [
    { name: "e1", doc: "The value to scale." },
    { name: "e2", doc: "The power of two." },
  ],
  cost: { kind: "flop", flops: 1 },
  costNote: "One exponent-adjust (or a multiply by a constructed power of two).",
  constEvaluable: true,
});

def({
  name: "length",
  category: "numeric",
  signatures: [sig("length", "e: T", "S")],
  typeParams: FLOAT_T,
  doc: "Euclidean length: sqrt of the sum of squared components; for a scalar, its absolute value. Large components can overflow the intermediate sum of squares.",
  cost: { kind: "flop", flops: 2, per: "operand", offset: -1, extraSpecial: 1 },
  costNote: "A dot product of `e` with itself (2N - 1 FLOPs) and one square root.",
  constEvaluable: true,
});

def({
  name: "log",
  category: "numeric",
  signatures: [sig("log", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Natural logarithm. Defined for positive inputs; zero and negative inputs give -∞ or indeterminate results.",
  cost: { kind: "special", ops: 1, flops: 1 },
  costNote: "log2(x) * ln(2): one special-unit log2 plus one multiply.",
  constEvaluable: true,
});

def({
  name: "log2",
  category: "numeric",
  signatures: [sig("log2", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Base-2 logarithm, the GPU's native logarithm. Defined for positive inputs.",
  cost: SPECIAL,
  costNote: "One special-unit log2.",
  constEvaluable: true,
});

def({
  name: "max",
  category: "numeric",
  signatures: [sig("max", "e1: T, e2: T", "T")],
  typeParams: NUMERIC_T,
  doc: "The larger of the two values (e2 if e1 < e2, else e1). With a NaN operand either operand may be returned; for two subnormals either may be returned.",
  params: [
    { name: "e1", doc: "First value." },
    { name: "e2", doc: "Second value." },
  ],
  cost: { kind: "flop", flops: 1 },
  constEvaluable: true,
});

def({
  name: "min",
  category: "numeric",
  signatures: [sig("min", "e1: T, e2: T", "T")],
  typeParams: NUMERIC_T,
  doc: "The smaller of the two values (e2 if e2 < e1, else e1). With a NaN operand either operand may be returned; for two subnormals either may be returned.",
  params: [
    { name: "e1", doc: "First value." },
    { name: "e2", doc: "Second value." },
  ],
  cost: { kind: "flop", flops: 1 },
  constEvaluable: true,
});

def({
  name: "mix",
  category: "numeric",
  signatures: [sig("mix", "e1: T, e2: T, e3: T", "T"), sig("mix", "e1: T2, e2: T2, e3: T", "T2")],
  typeParams: `${FLOAT_T}; in the second form T2 is vecN<T> and the scalar blend factor applies to every component`,
  doc: "Linear interpolation e1 * (1 - e3) + e2 * e3: returns e1 at e3 = 0 and e2 at e3 = 1 (often called lerp). e3 is not clamped.",
  params: [
    { name: "e1", doc: "Value at 0." },
    { name: "e2", doc: "Value at 1." },
    { name: "e3", doc: "Blend factor." },
  ],
  cost: { kind: "flop", flops: 3 },
  costNote: "Lowered as e1 + (e2 - e1) * e3: a subtraction and a multiply-add (3 FLOPs per component).",
  constEvaluable: true,
});

def({
  name: "modf",
  category: "numeric",
  signatures: [
    sig("modf", "e: f32", "__modf_result_f32"),
    sig("modf", "e: f16", "__modf_result_f16"),
    sig("modf", "e: AbstractFloat", "__modf_result_abstract"),
    sig("modf", "e: vecN<f32>", "__modf_result_vecN_f32"),
    sig("modf", "e: vecN<f16>", "__modf_result_vecN_f16"),
    sig("modf", "e: vecN<AbstractFloat>", "__modf_result_vecN_abstract"),
  ],
  doc: "Splits `e` into a struct { fract, whole }: whole = trunc(e) and fract = e - whole, both keeping the sign of `e` (unlike fract(), which floors).",
  cost: { kind: "flop", flops: 2 },
  costNote: "A truncation and a subtraction.",
  constEvaluable: true,
});

def({
  name: "normalize",
  category: "numeric",
  signatures: [sig("normalize", "e: vecN<T>", "vecN<T>")],
  typeParams: "T is AbstractFloat, f32 or f16",
  doc: "Unit vector in the direction of `e`, i.e. e / length(e). The zero vector has no direction: the result is indeterminate.",
  cost: { kind: "flop", flops: 3, per: "operand", offset: -1, extraSpecial: 1 },
  costNote: "A dot product (2N - 1), one reciprocal square root and N multiplies.",
  constEvaluable: true,
});

def({
  name: "pow",
  category: "numeric",
  signatures: [sig("pow", "e1: T, e2: T", "T")],
  typeParams: FLOAT_T,
  doc: "e1 raised to the power e2, typically computed as exp2(e2 * log2(e1)). Negative bases are outside the domain (indeterminate), as are 1^∞ and ∞^0; use x * x for small integer powers.",
  params: [
    { name: "e1", doc: "Base (should be >= 0)." },
    { name: "e2", doc: "Exponent." },
  ],
  cost: { kind: "special", ops: 2, flops: 1 },
  costNote: "exp2(e2 * log2(e1)): two special-unit ops and a multiply.",
  constEvaluable: true,
});

def({
  name: "quantizeToF16",
  category: "numeric",
  signatures: [sig("quantizeToF16", "e: T", "T")],
  typeParams: "T is f32 or vecN<f32>",
  doc: "Rounds an f32 to the nearest f16-representable value and returns it as f32, as if converting to half precision and back. Values outside the f16 range are an error when constant and indeterminate otherwise; f16 subnormals may flush to zero.",
  cost: { kind: "int", ops: 2 },
  costNote: "Two conversions (f32 to f16 and back), counted as integer/ALU ops rather than FLOPs.",
  constEvaluable: true,
});

def({
  name: "radians",
  category: "numeric",
  signatures: [sig("radians", "e1: T", "T")],
  typeParams: FLOAT_T,
  doc: "Converts an angle from degrees to radians (multiplies by π/180).",
  cost: { kind: "flop", flops: 1 },
  constEvaluable: true,
});

def({
  name: "reflect",
  category: "numeric",
  signatures: [sig("reflect", "e1: T, e2: T", "T")],
  typeParams: FLOAT_VEC_T,
  doc: "Reflects the incident vector e1 about the surface orientation e2: e1 - 2 * dot(e2, e1) * e2. e2 should be normalized.",
  params: [
    { name: "e1", doc: "Incident vector." },
    { name: "e2", doc: "Surface normal (unit length)." },
  ],
  cost: { kind: "flop", flops: 4, per: "operand", offset: 0 },
  costNote: "A dot product (2N - 1), a doubling, and N multiply-adds: 4N FLOPs.",
  constEvaluable: true,
});

def({
  name: "refract",
  category: "numeric",
  signatures: [sig("refract", "e1: T, e2: T, e3: I", "T")],
  typeParams: "T is vecN<I>; I is AbstractFloat, f32 or f16",
  doc: "Refraction direction for incident vector e1, normal e2 and ratio of indices of refraction e3 (Snell's law). Returns the zero vector on total internal reflection (when k = 1 - e3² (1 - dot(e2, e1)²) < 0). e1 and e2 should be normalized.",
  params: [
    { name: "e1", doc: "Incident vector (unit length)." },
    { name: "e2", doc: "Surface normal (unit length)." },
    { name: "e3", doc: "Ratio of the indices of refraction (incident over transmitted)." },
  ],
  cost: { kind: "flop", flops: 5, per: "operand", offset: 7, extraSpecial: 1 },
  costNote: "A dot product (2N - 1), about 8 scalar FLOPs for k and the blend factor, one square root, then 3 FLOPs per component: 5N + 7 FLOPs.",
  constEvaluable: true,
});

def({
  name: "reverseBits",
  category: "numeric",
  signatures: [sig("reverseBits", "e: T", "T")],
  typeParams: INTEGRAL_T,
  doc: "Reverses the bit order: bit k of the result is bit 31 - k of `e`.",
  cost: { kind: "int", ops: 1 },
  costNote: "One bit-reverse instruction.",
  constEvaluable: true,
});

def({
  name: "round",
  category: "numeric",
  signatures: [sig("round", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Nearest whole number, as a float; halfway cases go to the even neighbour (round(2.5) is 2.0, round(3.5) is 4.0).",
  cost: { kind: "flop", flops: 1 },
  constEvaluable: true,
});

def({
  name: "saturate",
  category: "numeric",
  signatures: [sig("saturate", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Clamps to the unit interval: clamp(e, 0.0, 1.0). Handy for colors and blend factors; on most GPUs it folds into the producing instruction as an output modifier.",
  cost: { kind: "flop", flops: 1 },
  costNote: "Counted as one operation: GPUs have a clamp-to-[0,1] output modifier or a single min/max pair.",
  constEvaluable: true,
});

def({
  name: "sign",
  category: "numeric",
  signatures: [sig("sign", "e: T", "T")],
  typeParams: SIGNED_NUMERIC_T,
  doc: "1 for positive values, -1 for negative values and 0 for zero (of the same type as `e`).",
  cost: { kind: "flop", flops: 2 },
  costNote: "Two comparisons feeding selects.",
  constEvaluable: true,
});

def({
  name: "sin",
  category: "numeric",
  signatures: [sig("sin", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Sine of an angle in radians. f32 accuracy is only guaranteed (absolute error 2^-11) for inputs in [-π, π]; reduce large angles yourself.",
  cost: { kind: "special", ops: 1, flops: 1 },
  costNote: "One special-unit sine plus a multiply for range reduction.",
  constEvaluable: true,
});

def({
  name: "sinh",
  category: "numeric",
  signatures: [sig("sinh", "a: T", "T")],
  typeParams: FLOAT_T,
  doc: "Hyperbolic sine, (e^a - e^-a) / 2. Overflows for large |a|.",
  cost: { kind: "special", ops: 2, flops: 3 },
  costNote: "One exp2 and one reciprocal (for e^-a) on the special unit, plus a scale, a subtraction and a halving.",
  constEvaluable: true,
});

def({
  name: "smoothstep",
  category: "numeric",
  signatures: [sig("smoothstep", "edge0: T, edge1: T, x: T", "T")],
  typeParams: FLOAT_T,
  doc: "Smooth Hermite step: with t = clamp((x - edge0) / (edge1 - edge0), 0, 1) it returns t * t * (3 - 2t), rising from 0 at edge0 to 1 at edge1 (or falling when edge0 > edge1). edge0 == edge1 divides by zero: an error when constant, indeterminate otherwise.",
  params: [
    { name: "edge0", doc: "Where the result is 0." },
    { name: "edge1", doc: "Where the result is 1." },
    { name: "x", doc: "The input." },
  ],
  cost: { kind: "special", ops: 1, flops: 7 },
  costNote: "Two subtractions, a division (a special-unit reciprocal plus a multiply), a saturate and three FLOPs of cubic: 7 FLOPs and 1 special op per component.",
  constEvaluable: true,
});

def({
  name: "sqrt",
  category: "numeric",
  signatures: [sig("sqrt", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Square root. Defined for non-negative inputs; negative inputs give indeterminate results. Its accuracy is that of 1.0 / inverseSqrt(e).",
  cost: SPECIAL,
  costNote: "One special-unit square root (or reciprocal square root and reciprocal).",
  constEvaluable: true,
});

def({
  name: "step",
  category: "numeric",
  signatures: [sig("step", "edge: T, x: T", "T")],
  typeParams: FLOAT_T,
  doc: "1.0 when edge <= x, otherwise 0.0.",
  params: [
    { name: "edge", doc: "Threshold." },
    { name: "x", doc: "Value compared with the threshold." },
  ],
  cost: { kind: "flop", flops: 1 },
  costNote: "One comparison; the select of 0 or 1 is free.",
  constEvaluable: true,
});

def({
  name: "tan",
  category: "numeric",
  signatures: [sig("tan", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Tangent of an angle in radians, with the accuracy of sin(e) / cos(e); it grows without bound near odd multiples of π/2.",
  cost: { kind: "special", ops: 3, flops: 2 },
  costNote: "sin(e) / cos(e): sine, cosine and reciprocal on the special unit, a range-reduction multiply and a final multiply.",
  constEvaluable: true,
});

def({
  name: "tanh",
  category: "numeric",
  signatures: [sig("tanh", "a: T", "T")],
  typeParams: FLOAT_T,
  doc: "Hyperbolic tangent, in (-1, 1); saturates to ±1 for large |a|. A common activation function in ML kernels.",
  cost: { kind: "special", ops: 2, flops: 3 },
  costNote: "An exp2 and a reciprocal plus about 3 FLOPs (newer NVIDIA GPUs have a one-instruction approximation).",
  constEvaluable: true,
});

def({
  name: "transpose",
  category: "numeric",
  signatures: [sig("transpose", "e: matRxC<T>", "matCxR<T>")],
  typeParams: "T is AbstractFloat, f32 or f16",
  doc: "Transpose of a matrix: rows become columns.",
  cost: FREE,
  costNote: "Free: only renames which register holds which element.",
  constEvaluable: true,
});

def({
  name: "trunc",
  category: "numeric",
  signatures: [sig("trunc", "e: T", "T")],
  typeParams: FLOAT_T,
  doc: "Rounds toward zero: the nearest whole number whose magnitude is not larger than that of `e`.",
  cost: { kind: "flop", flops: 1 },
  constEvaluable: true,
});

// ---------------------------------------------------------------------------------------------------------------
// Derivative functions (fragment stage, uniform control flow)

const derivatives: [string, string][] = [
  ["dpdx", "Partial derivative of `e` along window x, taken from neighbouring fragments of the 2x2 quad. May be the fine or the coarse variant, at the implementation's choice."],
  ["dpdxCoarse", "Partial derivative of `e` along window x, using one difference per quad (may be shared by all four fragments, so it varies less finely than dpdxFine)."],
  ["dpdxFine", "Partial derivative of `e` along window x, computed per row of the 2x2 quad."],
  ["dpdy", "Partial derivative of `e` along window y, taken from neighbouring fragments of the 2x2 quad. May be the fine or the coarse variant, at the implementation's choice."],
  ["dpdyCoarse", "Partial derivative of `e` along window y, using one difference per quad (may be shared by all four fragments, so it varies less finely than dpdyFine)."],
  ["dpdyFine", "Partial derivative of `e` along window y, computed per column of the 2x2 quad."],
];
for (const [name, doc] of derivatives) {
  def({
    name,
    category: "derivative",
    signatures: [sig(name, "e: T", "T")],
    typeParams: DERIV_T,
    doc: `${doc} Fragment shaders only; the result is indeterminate in non-uniform control flow.`,
    cost: { kind: "flop", flops: 1, crossLane: 1 },
    costNote: "A quad swizzle to fetch the neighbour's value and one subtraction per component.",
    stages: ["fragment"],
    uniformity: "derivative",
  });
}
const widths: [string, string][] = [
  ["fwidth", "abs(dpdx(e)) + abs(dpdy(e)): how fast `e` changes across one pixel, often used for anti-aliased edges."],
  ["fwidthCoarse", "abs(dpdxCoarse(e)) + abs(dpdyCoarse(e))."],
  ["fwidthFine", "abs(dpdxFine(e)) + abs(dpdyFine(e))."],
];
for (const [name, doc] of widths) {
  def({
    name,
    category: "derivative",
    signatures: [sig(name, "e: T", "T")],
    typeParams: DERIV_T,
    doc: `${doc} Fragment shaders only; the result is indeterminate in non-uniform control flow.`,
    cost: { kind: "flop", flops: 3, crossLane: 2 },
    costNote: "Two quad swizzles, two subtractions and an add (the abs is free).",
    stages: ["fragment"],
    uniformity: "derivative",
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Texture functions

const SAMPLE: BuiltinCost = { kind: "memory", access: "sample" };
const TEX_TYPE_PARAMS = "ST is f32, i32 or u32; A, C, L and S are i32 or u32; F is a texel format, AM an access mode, and CF the channel type of F";

def({
  name: "textureDimensions",
  category: "texture",
  signatures: [
    sig("textureDimensions", "t: T1", "u32"),
    sig("textureDimensions", "t: texture_1d<ST>, level: L", "u32"),
    sig("textureDimensions", "t: T2", "vec2<u32>"),
    sig("textureDimensions", "t: T2L, level: L", "vec2<u32>"),
    sig("textureDimensions", "t: T3", "vec3<u32>"),
    sig("textureDimensions", "t: texture_3d<ST>, level: L", "vec3<u32>"),
  ],
  typeParams:
    "T1 is texture_1d<ST> or texture_storage_1d<F, AM>; T2 is any 2D, 2D-array, cube, cube-array, multisampled, depth, 2D storage or external texture; T2L is the mipmapped subset of T2 (sampled and depth 2D/array/cube); T3 is texture_3d<ST> or texture_storage_3d<F, AM>; L is i32 or u32",
  doc: "Size in texels of a texture (of mip level `level`, default 0), excluding array layers and samples; for cubes, the size of one face. An out-of-range level gives an indeterminate value.",
  params: [P.t, { name: "level", doc: "Mip level whose size is wanted (default 0)." }],
  cost: FREE,
  costNote: "A descriptor query: no texel traffic (counted as free).",
});

def({
  name: "textureGather",
  category: "texture",
  signatures: [
    sig("textureGather", "component: C, t: texture_2d<ST>, s: sampler, coords: vec2<f32>", "vec4<ST>"),
    sig("textureGather", "component: C, t: texture_2d<ST>, s: sampler, coords: vec2<f32>, offset: vec2<i32>", "vec4<ST>"),
    sig("textureGather", "component: C, t: texture_2d_array<ST>, s: sampler, coords: vec2<f32>, array_index: A", "vec4<ST>"),
    sig("textureGather", "component: C, t: texture_2d_array<ST>, s: sampler, coords: vec2<f32>, array_index: A, offset: vec2<i32>", "vec4<ST>"),
    sig("textureGather", "component: C, t: texture_cube<ST>, s: sampler, coords: vec3<f32>", "vec4<ST>"),
    sig("textureGather", "component: C, t: texture_cube_array<ST>, s: sampler, coords: vec3<f32>, array_index: A", "vec4<ST>"),
    sig("textureGather", "t: texture_depth_2d, s: sampler, coords: vec2<f32>", "vec4<f32>"),
    sig("textureGather", "t: texture_depth_2d, s: sampler, coords: vec2<f32>, offset: vec2<i32>", "vec4<f32>"),
    sig("textureGather", "t: texture_depth_cube, s: sampler, coords: vec3<f32>", "vec4<f32>"),
    sig("textureGather", "t: texture_depth_2d_array, s: sampler, coords: vec2<f32>, array_index: A", "vec4<f32>"),
    sig("textureGather", "t: texture_depth_2d_array, s: sampler, coords: vec2<f32>, array_index: A, offset: vec2<i32>", "vec4<f32>"),
    sig("textureGather", "t: texture_depth_cube_array, s: sampler, coords: vec3<f32>, array_index: A", "vec4<f32>"),
  ],
  typeParams: TEX_TYPE_PARAMS,
  doc: "Reads one channel from each of the four texels a bilinear sample at `coords` would use (mip level 0) and returns them unfiltered as x = (u_min, v_max), y = (u_max, v_max), z = (u_max, v_min), w = (u_min, v_min). Missing channels read as 0 (g, b) or 1 (a); depth textures need no `component`.",
  params: [P.component, P.t, P.s, P.coords, P.arrayIndex, P.offset],
  cost: SAMPLE,
  costNote: "One texture-unit request returning four texels.",
});

def({
  name: "textureGatherCompare",
  category: "texture",
  signatures: [
    sig("textureGatherCompare", "t: texture_depth_2d, s: sampler_comparison, coords: vec2<f32>, depth_ref: f32", "vec4<f32>"),
    sig("textureGatherCompare", "t: texture_depth_2d, s: sampler_comparison, coords: vec2<f32>, depth_ref: f32, offset: vec2<i32>", "vec4<f32>"),
    sig("textureGatherCompare", "t: texture_depth_2d_array, s: sampler_comparison, coords: vec2<f32>, array_index: A, depth_ref: f32", "vec4<f32>"),
    sig("textureGatherCompare", "t: texture_depth_2d_array, s: sampler_comparison, coords: vec2<f32>, array_index: A, depth_ref: f32, offset: vec2<i32>", "vec4<f32>"),
    sig("textureGatherCompare", "t: texture_depth_cube, s: sampler_comparison, coords: vec3<f32>, depth_ref: f32", "vec4<f32>"),
    sig("textureGatherCompare", "t: texture_depth_cube_array, s: sampler_comparison, coords: vec3<f32>, array_index: A, depth_ref: f32", "vec4<f32>"),
  ],
  typeParams: "A is i32 or u32",
  doc: "Compares each of the four texels a bilinear depth sample would use (mip level 0) with `depth_ref` and returns the four 0.0/1.0 results, in the same component order as textureGather. Useful for custom shadow-map filtering.",
  params: [P.t, P.s, P.coords, P.arrayIndex, P.depthRef, P.offset],
  cost: SAMPLE,
  costNote: "One texture-unit request returning four comparison results.",
});

def({
  name: "textureLoad",
  category: "texture",
  signatures: [
    sig("textureLoad", "t: texture_1d<ST>, coords: C, level: L", "vec4<ST>"),
    sig("textureLoad", "t: texture_2d<ST>, coords: vec2<C>, level: L", "vec4<ST>"),
    sig("textureLoad", "t: texture_2d_array<ST>, coords: vec2<C>, array_index: A, level: L", "vec4<ST>"),
    sig("textureLoad", "t: texture_3d<ST>, coords: vec3<C>, level: L", "vec4<ST>"),
    sig("textureLoad", "t: texture_multisampled_2d<ST>, coords: vec2<C>, sample_index: S", "vec4<ST>"),
    sig("textureLoad", "t: texture_depth_2d, coords: vec2<C>, level: L", "f32"),
    sig("textureLoad", "t: texture_depth_2d_array, coords: vec2<C>, array_index: A, level: L", "f32"),
    sig("textureLoad", "t: texture_depth_multisampled_2d, coords: vec2<C>, sample_index: S", "f32"),
    sig("textureLoad", "t: texture_external, coords: vec2<C>", "vec4<f32>"),
    sig("textureLoad", "t: texture_storage_1d<F, AM>, coords: C", "vec4<CF>"),
    sig("textureLoad", "t: texture_storage_2d<F, AM>, coords: vec2<C>", "vec4<CF>"),
    sig("textureLoad", "t: texture_storage_2d_array<F, AM>, coords: vec2<C>, array_index: A", "vec4<CF>"),
    sig("textureLoad", "t: texture_storage_3d<F, AM>, coords: vec3<C>", "vec4<CF>"),
  ],
  typeParams: `${TEX_TYPE_PARAMS}; for storage textures AM is read or read_write`,
  doc: "Reads one texel at integer coordinates, with no sampler and no filtering. Out-of-bounds coordinates, layers, levels or samples return some in-bounds texel or zero (0 or (0,0,0,1)), never fault.",
  params: [P.t, P.coords, P.arrayIndex, P.level, P.sampleIndex],
  cost: { kind: "memory", access: "read" },
  costNote: "One texel read (bytes per texel come from the texture format).",
});

def({
  name: "textureNumLayers",
  category: "texture",
  signatures: [sig("textureNumLayers", "t: T", "u32")],
  typeParams: "T is texture_2d_array<ST>, texture_cube_array<ST>, texture_depth_2d_array, texture_depth_cube_array or texture_storage_2d_array<F, AM>",
  doc: "Number of layers of an arrayed texture (for cube arrays, the number of cubes).",
  params: [P.t],
  cost: FREE,
  costNote: "A descriptor query: no texel traffic (counted as free).",
});

def({
  name: "textureNumLevels",
  category: "texture",
  signatures: [sig("textureNumLevels", "t: T", "u32")],
  typeParams: "T is a sampled (texture_1d/2d/2d_array/3d/cube/cube_array<ST>) or depth (2d, 2d_array, cube, cube_array) texture",
  doc: "Number of mip levels in the texture view.",
  params: [P.t],
  cost: FREE,
  costNote: "A descriptor query: no texel traffic (counted as free).",
});

def({
  name: "textureNumSamples",
  category: "texture",
  signatures: [sig("textureNumSamples", "t: T", "u32")],
  typeParams: "T is texture_multisampled_2d<ST> or texture_depth_multisampled_2d",
  doc: "Number of samples per texel of a multisampled texture.",
  params: [P.t],
  cost: FREE,
  costNote: "A descriptor query: no texel traffic (counted as free).",
});

def({
  name: "textureSample",
  category: "texture",
  signatures: [
    sig("textureSample", "t: texture_1d<f32>, s: sampler, coords: f32", "vec4<f32>"),
    sig("textureSample", "t: texture_2d<f32>, s: sampler, coords: vec2<f32>", "vec4<f32>"),
    sig("textureSample", "t: texture_2d<f32>, s: sampler, coords: vec2<f32>, offset: vec2<i32>", "vec4<f32>"),
    sig("textureSample", "t: texture_2d_array<f32>, s: sampler, coords: vec2<f32>, array_index: A", "vec4<f32>"),
    sig("textureSample", "t: texture_2d_array<f32>, s: sampler, coords: vec2<f32>, array_index: A, offset: vec2<i32>", "vec4<f32>"),
    sig("textureSample", "t: T, s: sampler, coords: vec3<f32>", "vec4<f32>"),
    sig("textureSample", "t: texture_3d<f32>, s: sampler, coords: vec3<f32>, offset: vec3<i32>", "vec4<f32>"),
    sig("textureSample", "t: texture_cube_array<f32>, s: sampler, coords: vec3<f32>, array_index: A", "vec4<f32>"),
    sig("textureSample", "t: texture_depth_2d, s: sampler, coords: vec2<f32>", "f32"),
    sig("textureSample", "t: texture_depth_2d, s: sampler, coords: vec2<f32>, offset: vec2<i32>", "f32"),
    sig("textureSample", "t: texture_depth_2d_array, s: sampler, coords: vec2<f32>, array_index: A", "f32"),
    sig("textureSample", "t: texture_depth_2d_array, s: sampler, coords: vec2<f32>, array_index: A, offset: vec2<i32>", "f32"),
    sig("textureSample", "t: texture_depth_cube, s: sampler, coords: vec3<f32>", "f32"),
    sig("textureSample", "t: texture_depth_cube_array, s: sampler, coords: vec3<f32>, array_index: A", "f32"),
  ],
  typeParams: "T is texture_3d<f32> or texture_cube<f32>; A is i32 or u32",
  doc: "Filtered sample of a texture, with the mip level chosen from screen-space derivatives of `coords`. Fragment shaders only, and only in uniform control flow (otherwise the result is indeterminate); use textureSampleLevel in compute shaders.",
  params: [P.t, P.s, P.coords, P.arrayIndex, P.offset],
  cost: SAMPLE,
  costNote: "One texture-unit request (up to 8 texels with trilinear filtering).",
  stages: ["fragment"],
  uniformity: "derivative",
});

def({
  name: "textureSampleBias",
  category: "texture",
  signatures: [
    sig("textureSampleBias", "t: texture_2d<f32>, s: sampler, coords: vec2<f32>, bias: f32", "vec4<f32>"),
    sig("textureSampleBias", "t: texture_2d<f32>, s: sampler, coords: vec2<f32>, bias: f32, offset: vec2<i32>", "vec4<f32>"),
    sig("textureSampleBias", "t: texture_2d_array<f32>, s: sampler, coords: vec2<f32>, array_index: A, bias: f32", "vec4<f32>"),
    sig("textureSampleBias", "t: texture_2d_array<f32>, s: sampler, coords: vec2<f32>, array_index: A, bias: f32, offset: vec2<i32>", "vec4<f32>"),
    sig("textureSampleBias", "t: T, s: sampler, coords: vec3<f32>, bias: f32", "vec4<f32>"),
    sig("textureSampleBias", "t: texture_3d<f32>, s: sampler, coords: vec3<f32>, bias: f32, offset: vec3<i32>", "vec4<f32>"),
    sig("textureSampleBias", "t: texture_cube_array<f32>, s: sampler, coords: vec3<f32>, array_index: A, bias: f32", "vec4<f32>"),
  ],
  typeParams: "T is texture_3d<f32> or texture_cube<f32>; A is i32 or u32",
  doc: "Like textureSample, but adds `bias` (clamped to [-16, 15.99]) to the computed mip level before sampling. Fragment shaders only, in uniform control flow.",
  params: [P.t, P.s, P.coords, P.arrayIndex, { name: "bias", doc: "Added to the derivative-based mip level." }, P.offset],
  cost: SAMPLE,
  costNote: "One texture-unit request (up to 8 texels with trilinear filtering).",
  stages: ["fragment"],
  uniformity: "derivative",
});

def({
  name: "textureSampleCompare",
  category: "texture",
  signatures: [
    sig("textureSampleCompare", "t: texture_depth_2d, s: sampler_comparison, coords: vec2<f32>, depth_ref: f32", "f32"),
    sig("textureSampleCompare", "t: texture_depth_2d, s: sampler_comparison, coords: vec2<f32>, depth_ref: f32, offset: vec2<i32>", "f32"),
    sig("textureSampleCompare", "t: texture_depth_2d_array, s: sampler_comparison, coords: vec2<f32>, array_index: A, depth_ref: f32", "f32"),
    sig("textureSampleCompare", "t: texture_depth_2d_array, s: sampler_comparison, coords: vec2<f32>, array_index: A, depth_ref: f32, offset: vec2<i32>", "f32"),
    sig("textureSampleCompare", "t: texture_depth_cube, s: sampler_comparison, coords: vec3<f32>, depth_ref: f32", "f32"),
    sig("textureSampleCompare", "t: texture_depth_cube_array, s: sampler_comparison, coords: vec3<f32>, array_index: A, depth_ref: f32", "f32"),
  ],
  typeParams: "A is i32 or u32",
  doc: "Samples a depth texture and compares the texels with `depth_ref`, returning a value in [0, 1] (the filtered fraction that passed, with a linear comparison sampler). Fragment shaders only, in uniform control flow: the mip level comes from derivatives.",
  params: [P.t, P.s, P.coords, P.arrayIndex, P.depthRef, P.offset],
  cost: SAMPLE,
  costNote: "One texture-unit request with hardware depth comparison.",
  stages: ["fragment"],
  uniformity: "derivative",
});

def({
  name: "textureSampleCompareLevel",
  category: "texture",
  signatures: [
    sig("textureSampleCompareLevel", "t: texture_depth_2d, s: sampler_comparison, coords: vec2<f32>, depth_ref: f32", "f32"),
    sig("textureSampleCompareLevel", "t: texture_depth_2d, s: sampler_comparison, coords: vec2<f32>, depth_ref: f32, offset: vec2<i32>", "f32"),
    sig("textureSampleCompareLevel", "t: texture_depth_2d_array, s: sampler_comparison, coords: vec2<f32>, array_index: A, depth_ref: f32", "f32"),
    sig("textureSampleCompareLevel", "t: texture_depth_2d_array, s: sampler_comparison, coords: vec2<f32>, array_index: A, depth_ref: f32, offset: vec2<i32>", "f32"),
    sig("textureSampleCompareLevel", "t: texture_depth_cube, s: sampler_comparison, coords: vec3<f32>, depth_ref: f32", "f32"),
    sig("textureSampleCompareLevel", "t: texture_depth_cube_array, s: sampler_comparison, coords: vec3<f32>, array_index: A, depth_ref: f32", "f32"),
  ],
  typeParams: "A is i32 or u32",
  doc: "Like textureSampleCompare but always reads mip level 0, so it needs no derivatives: usable in any stage and in non-uniform control flow.",
  params: [P.t, P.s, P.coords, P.arrayIndex, P.depthRef, P.offset],
  cost: SAMPLE,
  costNote: "One texture-unit request with hardware depth comparison.",
});

def({
  name: "textureSampleGrad",
  category: "texture",
  signatures: [
    sig("textureSampleGrad", "t: texture_2d<f32>, s: sampler, coords: vec2<f32>, ddx: vec2<f32>, ddy: vec2<f32>", "vec4<f32>"),
    sig("textureSampleGrad", "t: texture_2d<f32>, s: sampler, coords: vec2<f32>, ddx: vec2<f32>, ddy: vec2<f32>, offset: vec2<i32>", "vec4<f32>"),
    sig("textureSampleGrad", "t: texture_2d_array<f32>, s: sampler, coords: vec2<f32>, array_index: A, ddx: vec2<f32>, ddy: vec2<f32>", "vec4<f32>"),
    sig("textureSampleGrad", "t: texture_2d_array<f32>, s: sampler, coords: vec2<f32>, array_index: A, ddx: vec2<f32>, ddy: vec2<f32>, offset: vec2<i32>", "vec4<f32>"),
    sig("textureSampleGrad", "t: T, s: sampler, coords: vec3<f32>, ddx: vec3<f32>, ddy: vec3<f32>", "vec4<f32>"),
    sig("textureSampleGrad", "t: texture_3d<f32>, s: sampler, coords: vec3<f32>, ddx: vec3<f32>, ddy: vec3<f32>, offset: vec3<i32>", "vec4<f32>"),
    sig("textureSampleGrad", "t: texture_cube_array<f32>, s: sampler, coords: vec3<f32>, array_index: A, ddx: vec3<f32>, ddy: vec3<f32>", "vec4<f32>"),
  ],
  typeParams: "T is texture_3d<f32> or texture_cube<f32>; A is i32 or u32",
  doc: "Filtered sample using explicitly supplied coordinate gradients to choose the mip level (and anisotropy), so it works in any stage and in non-uniform control flow.",
  params: [
    P.t,
    P.s,
    P.coords,
    P.arrayIndex,
    { name: "ddx", doc: "Derivative of `coords` along screen x." },
    { name: "ddy", doc: "Derivative of `coords` along screen y." },
    P.offset,
  ],
  cost: SAMPLE,
  costNote: "One texture-unit request (gradient sampling can run at a reduced rate on some GPUs).",
});

def({
  name: "textureSampleLevel",
  category: "texture",
  signatures: [
    sig("textureSampleLevel", "t: texture_1d<f32>, s: sampler, coords: f32, level: f32", "vec4<f32>"),
    sig("textureSampleLevel", "t: texture_2d<f32>, s: sampler, coords: vec2<f32>, level: f32", "vec4<f32>"),
    sig("textureSampleLevel", "t: texture_2d<f32>, s: sampler, coords: vec2<f32>, level: f32, offset: vec2<i32>", "vec4<f32>"),
    sig("textureSampleLevel", "t: texture_2d_array<f32>, s: sampler, coords: vec2<f32>, array_index: A, level: f32", "vec4<f32>"),
    sig("textureSampleLevel", "t: texture_2d_array<f32>, s: sampler, coords: vec2<f32>, array_index: A, level: f32, offset: vec2<i32>", "vec4<f32>"),
    sig("textureSampleLevel", "t: T, s: sampler, coords: vec3<f32>, level: f32", "vec4<f32>"),
    sig("textureSampleLevel", "t: texture_3d<f32>, s: sampler, coords: vec3<f32>, level: f32, offset: vec3<i32>", "vec4<f32>"),
    sig("textureSampleLevel", "t: texture_cube_array<f32>, s: sampler, coords: vec3<f32>, array_index: A, level: f32", "vec4<f32>"),
    sig("textureSampleLevel", "t: texture_depth_2d, s: sampler, coords: vec2<f32>, level: L", "f32"),
    sig("textureSampleLevel", "t: texture_depth_2d, s: sampler, coords: vec2<f32>, level: L, offset: vec2<i32>", "f32"),
    sig("textureSampleLevel", "t: texture_depth_2d_array, s: sampler, coords: vec2<f32>, array_index: A, level: L", "f32"),
    sig("textureSampleLevel", "t: texture_depth_2d_array, s: sampler, coords: vec2<f32>, array_index: A, level: L, offset: vec2<i32>", "f32"),
    sig("textureSampleLevel", "t: texture_depth_cube, s: sampler, coords: vec3<f32>, level: L", "f32"),
    sig("textureSampleLevel", "t: texture_depth_cube_array, s: sampler, coords: vec3<f32>, array_index: A, level: L", "f32"),
  ],
  typeParams: "T is texture_3d<f32> or texture_cube<f32>; A and L are i32 or u32 (depth textures take an integer level)",
  doc: "Filtered sample at an explicit mip level; a fractional level blends two levels when the format is filterable. Needs no derivatives, so it is the sampling function to use in compute and vertex shaders.",
  params: [P.t, P.s, P.coords, P.arrayIndex, P.level, P.offset],
  cost: SAMPLE,
  costNote: "One texture-unit request (4 texels bilinear, 8 when blending two levels).",
});

def({
  name: "textureSampleBaseClampToEdge",
  category: "texture",
  signatures: [sig("textureSampleBaseClampToEdge", "t: T, s: sampler, coords: vec2<f32>", "vec4<f32>")],
  typeParams: "T is texture_2d<f32> or texture_external",
  doc: "Samples mip level 0 with the coordinates first clamped half a texel inside the edges, so filtering never wraps to the opposite side. The way to sample a texture_external (video frames).",
  params: [P.t, P.s, P.coords],
  cost: SAMPLE,
  costNote: "One texture-unit request (external textures may need several planes plus a color conversion).",
});

def({
  name: "textureStore",
  category: "texture",
  signatures: [
    sig("textureStore", "t: texture_storage_1d<F, AM>, coords: C, value: vec4<CF>"),
    sig("textureStore", "t: texture_storage_2d<F, AM>, coords: vec2<C>, value: vec4<CF>"),
    sig("textureStore", "t: texture_storage_2d_array<F, AM>, coords: vec2<C>, array_index: A, value: vec4<CF>"),
    sig("textureStore", "t: texture_storage_3d<F, AM>, coords: vec3<C>, value: vec4<CF>"),
  ],
  typeParams: "F is a texel format; AM is write or read_write; CF is the channel type of F (f32, i32 or u32); A and C are i32 or u32",
  doc: "Writes one texel of a storage texture, converting `value` to the texel format (extra channels are dropped). Writes to out-of-bounds coordinates are discarded or land on some in-bounds texel.",
  params: [P.t, P.coords, P.arrayIndex, { name: "value", doc: "The texel to write; channels the format lacks are ignored." }],
  cost: { kind: "memory", access: "write" },
  costNote: "One texel write (bytes per texel come from the texture format).",
});

// ---------------------------------------------------------------------------------------------------------------
// Atomic functions

const ATOMIC_PTR = "atomic_ptr: ptr<AS, atomic<T>, read_write>";
const ATOMIC_T = "AS is storage or workgroup; T is i32 or u32";
const ATOMIC_PTR_DOC = { name: "atomic_ptr", doc: "Pointer to an atomic<i32> or atomic<u32> in storage or workgroup memory." };
const RMW: BuiltinCost = { kind: "memory", access: "atomic" };
const RMW_NOTE = "One atomic read-modify-write: a memory request executed at the L2 cache (storage) or in shared memory (workgroup); heavily contended addresses serialize.";

def({
  name: "atomicLoad",
  category: "atomic",
  signatures: [sig("atomicLoad", ATOMIC_PTR, "T")],
  typeParams: ATOMIC_T,
  doc: "Atomically reads the value an atomic holds, without modifying it. Atomics are relaxed: they order nothing but accesses to the same atomic.",
  params: [ATOMIC_PTR_DOC],
  cost: { kind: "memory", access: "read" },
  costNote: "One memory read.",
  mustUse: false,
  stages: ["compute", "fragment"],
});

def({
  name: "atomicStore",
  category: "atomic",
  signatures: [sig("atomicStore", `${ATOMIC_PTR}, v: T`)],
  typeParams: ATOMIC_T,
  doc: "Atomically replaces the value of an atomic with `v`.",
  params: [ATOMIC_PTR_DOC, { name: "v", doc: "The value to store." }],
  cost: { kind: "memory", access: "write" },
  costNote: "One memory write.",
  stages: ["compute", "fragment"],
});

const rmw: [string, string][] = [
  ["atomicAdd", "adds `v` to"],
  ["atomicSub", "subtracts `v` from"],
  ["atomicMax", "stores the maximum of `v` and"],
  ["atomicMin", "stores the minimum of `v` and"],
  ["atomicAnd", "bitwise-ANDs `v` into"],
  ["atomicOr", "bitwise-ORs `v` into"],
  ["atomicXor", "bitwise-XORs `v` into"],
  ["atomicExchange", "stores `v` in place of"],
];
for (const [name, what] of rmw) {
  def({
    name,
    category: "atomic",
    signatures: [sig(name, `${ATOMIC_PTR}, v: T`, "T")],
    typeParams: ATOMIC_T,
    doc: `Atomically ${what} the value at \`atomic_ptr\` and returns the value it held before. Integer arithmetic wraps on overflow.`,
    params: [ATOMIC_PTR_DOC, { name: "v", doc: "The operand." }],
    cost: RMW,
    costNote: RMW_NOTE,
    mustUse: false,
    stages: ["compute", "fragment"],
  });
}

def({
  name: "atomicCompareExchangeWeak",
  category: "atomic",
  signatures: [sig("atomicCompareExchangeWeak", `${ATOMIC_PTR}, cmp: T, v: T`, "__atomic_compare_exchange_result<T>")],
  typeParams: ATOMIC_T,
  doc: "Atomically stores `v` if the atomic currently equals `cmp`, returning { old_value, exchanged }. \"Weak\": the exchange may fail spuriously even when old_value == cmp, so call it in a retry loop.",
  params: [ATOMIC_PTR_DOC, { name: "cmp", doc: "The expected current value." }, { name: "v", doc: "The value to store when the comparison succeeds." }],
  cost: RMW,
  costNote: RMW_NOTE,
  mustUse: false,
  stages: ["compute", "fragment"],
});

for (const [name, op] of [
  ["atomicStoreMin", "minimum"],
  ["atomicStoreMax", "maximum"],
] as const) {
  def({
    name,
    category: "atomic",
    signatures: [sig(name, "atomic_ptr: ptr<storage, atomic<vec2<u32>>, read_write>, v: vec2<u32>")],
    doc: `Atomically replaces a 64-bit unsigned value, stored as vec2<u32> (x = low 32 bits, y = high 32 bits), with the ${op} of it and \`v\`. Returns nothing.`,
    params: [
      { name: "atomic_ptr", doc: "Pointer to an atomic<vec2<u32>> in a storage buffer." },
      { name: "v", doc: "The 64-bit operand as (low, high)." },
    ],
    cost: RMW,
    costNote: RMW_NOTE,
    requires: "atomic_vec2u_min_max",
    stages: ["compute", "fragment"],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Data packing functions

const PACK_E = { name: "e", doc: "The values to pack; component i goes to the i-th lowest bits." };
const UNPACK_E = { name: "e", doc: "The packed value; the lowest bits become component 0." };

def({
  name: "pack4x8snorm",
  category: "packing",
  signatures: [sig("pack4x8snorm", "e: vec4<f32>", "u32")],
  doc: "Packs four floats in [-1, 1] as 8-bit signed normalized integers: each component is clamped, scaled by 127 and rounded, then stored in byte i of the result.",
  params: [PACK_E],
  cost: { kind: "flop", flops: 4, per: "operand", extraInt: 8 },
  costNote: "Per component a clamp (2), a scale (1) and a round (1) = 16 FLOPs, plus 4 conversions and 4 byte inserts (8 integer ops).",
  constEvaluable: true,
});

def({
  name: "pack4x8unorm",
  category: "packing",
  signatures: [sig("pack4x8unorm", "e: vec4<f32>", "u32")],
  doc: "Packs four floats in [0, 1] as 8-bit unsigned normalized integers: each component is clamped, scaled by 255 and rounded, then stored in byte i (the usual RGBA8 encoding).",
  params: [PACK_E],
  cost: { kind: "flop", flops: 3, per: "operand", extraInt: 8 },
  costNote: "Per component a saturate, a scale and a round = 12 FLOPs, plus 4 conversions and 4 byte inserts (8 integer ops).",
  constEvaluable: true,
});

def({
  name: "pack4xI8",
  category: "packing",
  signatures: [sig("pack4xI8", "e: vec4<i32>", "u32")],
  doc: "Packs the low 8 bits of each of four i32 components into the bytes of a u32 (the high bits are dropped, no clamping).",
  params: [PACK_E],
  cost: { kind: "int", ops: 1, per: "operand" },
  costNote: "One bit-field insert per component.",
  languageExtension: "packed_4x8_integer_dot_product",
  constEvaluable: true,
});

def({
  name: "pack4xU8",
  category: "packing",
  signatures: [sig("pack4xU8", "e: vec4<u32>", "u32")],
  doc: "Packs the low 8 bits of each of four u32 components into the bytes of a u32 (the high bits are dropped, no clamping).",
  params: [PACK_E],
  cost: { kind: "int", ops: 1, per: "operand" },
  costNote: "One bit-field insert per component.",
  languageExtension: "packed_4x8_integer_dot_product",
  constEvaluable: true,
});

def({
  name: "pack4xI8Clamp",
  category: "packing",
  signatures: [sig("pack4xI8Clamp", "e: vec4<i32>", "u32")],
  doc: "Clamps each of four i32 components to [-128, 127] and packs them as bytes of a u32.",
  params: [PACK_E],
  cost: { kind: "int", ops: 3, per: "operand" },
  costNote: "Per component a clamp (2) and a bit-field insert (1).",
  languageExtension: "packed_4x8_integer_dot_product",
  constEvaluable: true,
});

def({
  name: "pack4xU8Clamp",
  category: "packing",
  signatures: [sig("pack4xU8Clamp", "e: vec4<u32>", "u32")],
  doc: "Clamps each of four u32 components to [0, 255] and packs them as bytes of a u32.",
  params: [PACK_E],
  cost: { kind: "int", ops: 3, per: "operand" },
  costNote: "Per component a clamp (counted as 2) and a bit-field insert (1).",
  languageExtension: "packed_4x8_integer_dot_product",
  constEvaluable: true,
});

def({
  name: "pack2x16snorm",
  category: "packing",
  signatures: [sig("pack2x16snorm", "e: vec2<f32>", "u32")],
  doc: "Packs two floats in [-1, 1] as 16-bit signed normalized integers (clamp, scale by 32767, round); component 0 goes to the low half.",
  params: [PACK_E],
  cost: { kind: "flop", flops: 4, per: "operand", extraInt: 4 },
  costNote: "Per component a clamp, a scale and a round = 8 FLOPs, plus 2 conversions and 2 inserts.",
  constEvaluable: true,
});

def({
  name: "pack2x16unorm",
  category: "packing",
  signatures: [sig("pack2x16unorm", "e: vec2<f32>", "u32")],
  doc: "Packs two floats in [0, 1] as 16-bit unsigned normalized integers (clamp, scale by 65535, round); component 0 goes to the low half.",
  params: [PACK_E],
  cost: { kind: "flop", flops: 3, per: "operand", extraInt: 4 },
  costNote: "Per component a saturate, a scale and a round = 6 FLOPs, plus 2 conversions and 2 inserts.",
  constEvaluable: true,
});

def({
  name: "pack2x16float",
  category: "packing",
  signatures: [sig("pack2x16float", "e: vec2<f32>", "u32")],
  doc: "Converts two f32 values to IEEE half precision and packs them into a u32 (component 0 in the low half). Values outside the f16 range are an error when constant and indeterminate otherwise.",
  params: [PACK_E],
  cost: { kind: "int", ops: 1, per: "operand", offset: 1 },
  costNote: "Two f32-to-f16 conversions and one merge (3 integer/ALU ops).",
  constEvaluable: true,
});

def({
  name: "unpack4x8snorm",
  category: "packing",
  signatures: [sig("unpack4x8snorm", "e: u32", "vec4<f32>")],
  doc: "Splits a u32 into four signed bytes and maps each to a float in [-1, 1] (v / 127, with -128 clamped to -1).",
  params: [UNPACK_E],
  cost: { kind: "flop", flops: 2, extraInt: 8 },
  costNote: "Per component a sign-extending byte extract and a conversion (8 integer ops in all), then a scale and a clamp (2 FLOPs).",
  constEvaluable: true,
});

def({
  name: "unpack4x8unorm",
  category: "packing",
  signatures: [sig("unpack4x8unorm", "e: u32", "vec4<f32>")],
  doc: "Splits a u32 into four unsigned bytes and maps each to a float in [0, 1] (v / 255): decodes an RGBA8 texel.",
  params: [UNPACK_E],
  cost: { kind: "flop", flops: 1, extraInt: 8 },
  costNote: "Per component a byte extract and a conversion (8 integer ops in all), then one scale.",
  constEvaluable: true,
});

def({
  name: "unpack4xI8",
  category: "packing",
  signatures: [sig("unpack4xI8", "e: u32", "vec4<i32>")],
  doc: "Splits a u32 into four bytes and sign-extends each to an i32.",
  params: [UNPACK_E],
  cost: { kind: "int", ops: 1 },
  costNote: "One sign-extending bit-field extract per component.",
  languageExtension: "packed_4x8_integer_dot_product",
  constEvaluable: true,
});

def({
  name: "unpack4xU8",
  category: "packing",
  signatures: [sig("unpack4xU8", "e: u32", "vec4<u32>")],
  doc: "Splits a u32 into four bytes and zero-extends each to a u32.",
  params: [UNPACK_E],
  cost: { kind: "int", ops: 1 },
  costNote: "One bit-field extract per component.",
  languageExtension: "packed_4x8_integer_dot_product",
  constEvaluable: true,
});

def({
  name: "unpack2x16snorm",
  category: "packing",
  signatures: [sig("unpack2x16snorm", "e: u32", "vec2<f32>")],
  doc: "Splits a u32 into two signed 16-bit halves and maps each to a float in [-1, 1] (v / 32767, clamped at -1).",
  params: [UNPACK_E],
  cost: { kind: "flop", flops: 2, extraInt: 4 },
  costNote: "Per component an extract and a conversion (4 integer ops in all), then a scale and a clamp.",
  constEvaluable: true,
});

def({
  name: "unpack2x16unorm",
  category: "packing",
  signatures: [sig("unpack2x16unorm", "e: u32", "vec2<f32>")],
  doc: "Splits a u32 into two unsigned 16-bit halves and maps each to a float in [0, 1] (v / 65535).",
  params: [UNPACK_E],
  cost: { kind: "flop", flops: 1, extraInt: 4 },
  costNote: "Per component an extract and a conversion (4 integer ops in all), then one scale.",
  constEvaluable: true,
});

def({
  name: "unpack2x16float",
  category: "packing",
  signatures: [sig("unpack2x16float", "e: u32", "vec2<f32>")],
  doc: "Splits a u32 into two IEEE half-precision values and widens each to f32 (exactly).",
  params: [UNPACK_E],
  cost: { kind: "int", ops: 2 },
  costNote: "Per component an extract and an f16-to-f32 conversion.",
  constEvaluable: true,
});

// ---------------------------------------------------------------------------------------------------------------
// Synchronization functions (compute stage, uniform control flow)

const BARRIER_NOTE = "One workgroup control barrier: every invocation of the workgroup waits here, so the cost grows with divergence in arrival time and workgroup size.";

def({
  name: "storageBarrier",
  category: "synchronization",
  signatures: [sig("storageBarrier", "")],
  doc: "Workgroup-wide control barrier that also orders storage-buffer memory and atomic accesses: writes before it are visible to the rest of the workgroup after it. It does not synchronize different workgroups.",
  cost: { kind: "barrier" },
  costNote: BARRIER_NOTE,
  stages: ["compute"],
  uniformity: "workgroup",
});

def({
  name: "textureBarrier",
  category: "synchronization",
  signatures: [sig("textureBarrier", "")],
  doc: "Workgroup-wide control barrier that orders accesses to read-write storage textures (handle address space) within the workgroup.",
  cost: { kind: "barrier" },
  costNote: BARRIER_NOTE,
  languageExtension: "readonly_and_readwrite_storage_textures",
  stages: ["compute"],
  uniformity: "workgroup",
});

def({
  name: "workgroupBarrier",
  category: "synchronization",
  signatures: [sig("workgroupBarrier", "")],
  doc: "Workgroup-wide control barrier that orders workgroup (shared) memory and atomic accesses: the classic __syncthreads() between writing a shared tile and reading it.",
  cost: { kind: "barrier" },
  costNote: BARRIER_NOTE,
  stages: ["compute"],
  uniformity: "workgroup",
});

def({
  name: "workgroupUniformLoad",
  category: "synchronization",
  signatures: [sig("workgroupUniformLoad", "p: ptr<workgroup, T>", "T"), sig("workgroupUniformLoad", "p: ptr<workgroup, atomic<T>, read_write>", "T")],
  typeParams: "T is a concrete constructible type (first form) or i32/u32 (atomic form)",
  doc: "Executes a workgroup barrier and then returns the value at `p` to every invocation; the result counts as uniform, so it may steer barriers and loops. `p` itself must be uniform.",
  params: [{ name: "p", doc: "Pointer into workgroup memory (the same address for all invocations)." }],
  cost: { kind: "barrier" },
  costNote: "A workgroup barrier plus one shared-memory read (the read is not counted separately).",
  stages: ["compute"],
  uniformity: "workgroup",
});

// ---------------------------------------------------------------------------------------------------------------
// Subgroup functions (enable subgroups; compute and fragment)

const SUBGROUP_STAGES: ShaderStage[] = ["compute", "fragment"];
const SUBGROUP_REDUCE_NOTE = "log2(subgroup size) shuffle-and-combine steps (5 for 32 lanes), each one cross-lane move and one operation per component.";

function subgroup(f: Omit<BuiltinFunction, "category" | "requires" | "stages" | "uniformity">): void {
  def({ ...f, category: "subgroup", requires: "subgroups", stages: SUBGROUP_STAGES, uniformity: "subgroup" });
}

const reductions: [string, string, "flop" | "int"][] = [
  ["subgroupAdd", "Sum of `e` over all active invocations of the subgroup (a reduction: every invocation gets the same result).", "flop"],
  ["subgroupExclusiveAdd", "Prefix sum: the sum of `e` over the active invocations with a lower subgroup_invocation_id; the first active invocation gets 0.", "flop"],
  ["subgroupInclusiveAdd", "Inclusive prefix sum: the sum of `e` over the active invocations with an equal or lower subgroup_invocation_id.", "flop"],
  ["subgroupMul", "Product of `e` over all active invocations of the subgroup.", "flop"],
  ["subgroupExclusiveMul", "Prefix product over the active invocations with a lower subgroup_invocation_id; the first active invocation gets 1.", "flop"],
  ["subgroupInclusiveMul", "Inclusive prefix product over the active invocations with an equal or lower subgroup_invocation_id.", "flop"],
  ["subgroupMax", "Maximum of `e` over all active invocations of the subgroup.", "flop"],
  ["subgroupMin", "Minimum of `e` over all active invocations of the subgroup.", "flop"],
  ["subgroupAnd", "Bitwise AND of `e` over all active invocations of the subgroup.", "int"],
  ["subgroupOr", "Bitwise OR of `e` over all active invocations of the subgroup.", "int"],
  ["subgroupXor", "Bitwise XOR of `e` over all active invocations of the subgroup.", "int"],
];
for (const [name, doc, kind] of reductions) {
  subgroup({
    name,
    signatures: [sig(name, "e: T", "T")],
    typeParams: kind === "int" ? SUBGROUP_INT_T : SUBGROUP_T,
    doc,
    params: [{ name: "e", doc: "This invocation's contribution." }],
    cost:
      kind === "int"
        ? { kind: "int", ops: 1, crossLane: 1, subgroupSteps: true }
        : { kind: "flop", flops: 1, crossLane: 1, subgroupSteps: true },
    costNote: SUBGROUP_REDUCE_NOTE,
  });
}

subgroup({
  name: "subgroupAll",
  signatures: [sig("subgroupAll", "e: bool", "bool")],
  doc: "True when `e` is true in every active invocation of the subgroup (a vote).",
  cost: { kind: "none", crossLane: 1 },
  costNote: "One subgroup vote; no arithmetic.",
});

subgroup({
  name: "subgroupAny",
  signatures: [sig("subgroupAny", "e: bool", "bool")],
  doc: "True when `e` is true in at least one active invocation of the subgroup (a vote).",
  cost: { kind: "none", crossLane: 1 },
  costNote: "One subgroup vote; no arithmetic.",
});

subgroup({
  name: "subgroupBallot",
  signatures: [sig("subgroupBallot", "pred: bool", "vec4<u32>")],
  doc: "Bit mask of the active invocations whose `pred` is true: bit k of x is invocation k, y holds invocations 32-63, z 64-95, w 96-127.",
  params: [{ name: "pred", doc: "This invocation's vote." }],
  cost: { kind: "none", crossLane: 1 },
  costNote: "One subgroup vote per 32-lane word of the result; no arithmetic.",
});

subgroup({
  name: "subgroupBroadcast",
  signatures: [sig("subgroupBroadcast", "e: T, id: I", "T")],
  typeParams: `${SUBGROUP_T}; I is i32 or u32`,
  doc: "Returns to every active invocation the value of `e` from the invocation whose subgroup_invocation_id is `id`. `id` must be a const-expression in [0, 128) naming an active invocation; use subgroupShuffle for a dynamic index.",
  params: [
    { name: "e", doc: "The value to share." },
    { name: "id", doc: "Constant subgroup_invocation_id of the source invocation." },
  ],
  cost: { kind: "none", crossLane: 1 },
  costNote: "One cross-lane move per component.",
});

subgroup({
  name: "subgroupBroadcastFirst",
  signatures: [sig("subgroupBroadcastFirst", "e: T", "T")],
  typeParams: SUBGROUP_T,
  doc: "Returns to every active invocation the value of `e` from the active invocation with the lowest subgroup_invocation_id; handy for making a value provably subgroup-uniform.",
  params: [{ name: "e", doc: "The value to share." }],
  cost: { kind: "none", crossLane: 1 },
  costNote: "One cross-lane move per component (a read of the first active lane).",
});

subgroup({
  name: "subgroupElect",
  signatures: [sig("subgroupElect", "", "bool")],
  doc: "True in exactly one active invocation of the subgroup, the one with the lowest subgroup_invocation_id; use it to let one lane do per-subgroup work such as a single atomic.",
  cost: { kind: "int", ops: 2, crossLane: 1 },
  costNote: "The active-lane mask (one vote), a find-lowest-bit and a comparison.",
});

const shuffles: [string, string, { name: string; doc: string }, string][] = [
  ["subgroupShuffle", "id: I", { name: "id", doc: "subgroup_invocation_id to read from (may vary per invocation)." }, "Returns `e` from the invocation whose subgroup_invocation_id is `id` (any per-invocation index). Reading from an inactive invocation gives an indeterminate value; a constant id outside [0, 128) is an error."],
  ["subgroupShuffleDown", "delta: u32", { name: "delta", doc: "How far to look up (subgroup-uniform)." }, "Returns `e` from the invocation subgroup_invocation_id + delta; `delta` must be uniform across the subgroup. Typical use: tree reductions. Reading past the last active invocation gives an indeterminate value."],
  ["subgroupShuffleUp", "delta: u32", { name: "delta", doc: "How far to look down (subgroup-uniform)." }, "Returns `e` from the invocation subgroup_invocation_id - delta; `delta` must be uniform across the subgroup. Typical use: scans. Reading before invocation 0 gives an indeterminate value."],
  ["subgroupShuffleXor", "mask: u32", { name: "mask", doc: "XOR mask applied to the invocation id (subgroup-uniform)." }, "Returns `e` from the invocation subgroup_invocation_id ^ mask (butterfly exchange); `mask` must be uniform across the subgroup."],
];
for (const [name, second, param, doc] of shuffles) {
  subgroup({
    name,
    signatures: [sig(name, `e: T, ${second}`, "T")],
    typeParams: name === "subgroupShuffle" ? `${SUBGROUP_T}; I is i32 or u32` : SUBGROUP_T,
    doc,
    params: [{ name: "e", doc: "The value to share." }, param],
    cost: { kind: "none", crossLane: 1 },
    costNote: "One cross-lane move per component.",
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Quad functions (enable subgroups; compute and fragment)

function quad(name: string, signature: string, doc: string, params: { name: string; doc: string }[], typeParams: string): void {
  def({
    name,
    category: "quad",
    signatures: [signature],
    typeParams,
    doc,
    params,
    cost: { kind: "none", crossLane: 1 },
    costNote: "One quad swizzle per component.",
    requires: "subgroups",
    stages: SUBGROUP_STAGES,
    uniformity: "subgroup",
  });
}
quad(
  "quadBroadcast",
  sig("quadBroadcast", "e: T, id: I", "T"),
  "Returns to all four invocations of the quad the value of `e` from quad member `id`, which must be a const-expression in [0, 4).",
  [
    { name: "e", doc: "The value to share." },
    { name: "id", doc: "Constant quad index (0-3) of the source invocation." },
  ],
  `${SUBGROUP_T}; I is i32 or u32`,
);
quad("quadSwapDiagonal", sig("quadSwapDiagonal", "e: T", "T"), "Returns `e` from the diagonally opposite member of the quad (0 <-> 3, 1 <-> 2).", [{ name: "e", doc: "The value to exchange." }], SUBGROUP_T);
quad("quadSwapX", sig("quadSwapX", "e: T", "T"), "Returns `e` from the horizontal neighbour in the quad (0 <-> 1, 2 <-> 3).", [{ name: "e", doc: "The value to exchange." }], SUBGROUP_T);
quad("quadSwapY", sig("quadSwapY", "e: T", "T"), "Returns `e` from the vertical neighbour in the quad (0 <-> 2, 1 <-> 3).", [{ name: "e", doc: "The value to exchange." }], SUBGROUP_T);

export const builtinFunctions: ReadonlyMap<string, BuiltinFunction> = buildMap("built-in function", fnList);

// ---------------------------------------------------------------------------------------------------------------
// Types

const typeList: BuiltinType[] = [
  { name: "bool", kind: "scalar", doc: "Boolean, true or false. Not host-shareable: it cannot live in uniform or storage buffers (use u32), though it occupies 4 bytes with 4-byte alignment elsewhere.", sizeBytes: 4, alignBytes: 4 },
  { name: "i32", kind: "scalar", doc: "32-bit signed two's-complement integer. Arithmetic wraps on overflow; division by zero yields the dividend rather than faulting.", sizeBytes: 4, alignBytes: 4 },
  { name: "u32", kind: "scalar", doc: "32-bit unsigned integer. Arithmetic wraps modulo 2^32; the usual type for indices and invocation ids.", sizeBytes: 4, alignBytes: 4 },
  { name: "f32", kind: "scalar", doc: "32-bit IEEE-754 binary32 float. Implementations may flush subnormals to zero and need not produce NaN or infinity reliably.", sizeBytes: 4, alignBytes: 4 },
  { name: "f16", kind: "scalar", doc: "16-bit IEEE-754 binary16 float (range ±65504). Needs `enable f16;` and the shader-f16 device feature; halves register and bandwidth use, and packed f16 math often runs at twice the f32 rate.", sizeBytes: 2, alignBytes: 2, requires: "f16" },
];

for (const n of [2, 3, 4] as const) {
  typeList.push({
    name: `vec${n}`,
    kind: "vector",
    doc: `${n}-component vector type generator: vec${n}<T> with T a scalar type (bool, i32, u32, f32, f16). Components are x, y${n > 2 ? ", z" : ""}${n > 3 ? ", w" : ""} (or r, g, b, a) and swizzles are allowed.${n === 3 ? " Note that vec3 of 4-byte scalars is 12 bytes but 16-byte aligned, so arrays of vec3 have a 16-byte stride." : ""}`,
  });
}

/** Size and alignment of vecN<T> for a 2- or 4-byte scalar. */
function vecLayout(n: number, scalarBytes: number): { size: number; align: number } {
  const size = n * scalarBytes;
  const align = (n === 3 ? 4 : n) * scalarBytes;
  return { size, align };
}

const aliasScalars: [string, string, number][] = [
  ["i", "i32", 4],
  ["u", "u32", 4],
  ["f", "f32", 4],
  ["h", "f16", 2],
];
for (const n of [2, 3, 4] as const) {
  for (const [suffix, scalar, bytes] of aliasScalars) {
    const { size, align } = vecLayout(n, bytes);
    typeList.push({
      name: `vec${n}${suffix}`,
      kind: "alias",
      aliasOf: `vec${n}<${scalar}>`,
      doc: `Predeclared alias for vec${n}<${scalar}>: ${size} bytes, ${align}-byte aligned.`,
      sizeBytes: size,
      alignBytes: align,
      ...(scalar === "f16" ? { requires: "f16" } : {}),
    });
  }
}

for (const c of [2, 3, 4] as const) {
  for (const r of [2, 3, 4] as const) {
    typeList.push({
      name: `mat${c}x${r}`,
      kind: "matrix",
      doc: `Matrix type generator with ${c} columns and ${r} rows: mat${c}x${r}<T>, T is f32 or f16. Stored column-major as ${c} vec${r} columns; m[i] is column i.${r === 3 ? " Each vec3 column is padded to 16 bytes (8 for f16)." : ""}`,
    });
  }
}
for (const c of [2, 3, 4] as const) {
  for (const r of [2, 3, 4] as const) {
    for (const [suffix, scalar, bytes] of [
      ["f", "f32", 4],
      ["h", "f16", 2],
    ] as const) {
      const col = vecLayout(r, bytes);
      const stride = Math.ceil(col.size / col.align) * col.align;
      typeList.push({
        name: `mat${c}x${r}${suffix}`,
        kind: "alias",
        aliasOf: `mat${c}x${r}<${scalar}>`,
        doc: `Predeclared alias for mat${c}x${r}<${scalar}> (${c} columns of vec${r}<${scalar}>): ${c * stride} bytes, ${col.align}-byte aligned.`,
        sizeBytes: c * stride,
        alignBytes: col.align,
        ...(scalar === "f16" ? { requires: "f16" } : {}),
      });
    }
  }
}

typeList.push(
  { name: "array", kind: "array", doc: "Array type generator. array<E, N> has a fixed element count N (a const- or, in workgroup memory, override-expression); array<E> is runtime-sized and may only be the last member of a storage buffer (query it with arrayLength). The element stride is the element size rounded up to its alignment." },
  { name: "atomic", kind: "atomic", doc: "Atomic type generator: atomic<i32> or atomic<u32> (atomic<vec2<u32>> with atomic_vec2u_min_max), only in storage or workgroup memory, accessed only through the atomic* built-ins.", sizeBytes: 4, alignBytes: 4 },
  { name: "ptr", kind: "pointer", doc: "Pointer type generator: ptr<AS, T, AM> points to a T in address space AS with access mode AM (defaults apply for function/private/workgroup). Pointers are compile-time views, not integers: no arithmetic." },
);

const textureTypes: [string, string][] = [
  ["texture_1d", "Sampled 1D texture, texture_1d<ST> with ST f32, i32 or u32. No mipmaps in WebGPU."],
  ["texture_2d", "Sampled 2D texture, texture_2d<ST> with ST f32, i32 or u32; read with textureSample* (f32) or textureLoad."],
  ["texture_2d_array", "Array of 2D layers of the same size, texture_2d_array<ST>; functions take an extra array_index."],
  ["texture_3d", "Sampled 3D (volume) texture, texture_3d<ST>."],
  ["texture_cube", "Cube map, texture_cube<ST>, sampled with a 3D direction vector."],
  ["texture_cube_array", "Array of cube maps, texture_cube_array<ST>."],
  ["texture_multisampled_2d", "Multisampled 2D texture, texture_multisampled_2d<ST>; only readable per sample with textureLoad."],
  ["texture_depth_multisampled_2d", "Multisampled depth texture; only readable per sample with textureLoad."],
  ["texture_external", "An external image such as a video frame, possibly multi-planar with an implicit color conversion; read with textureSampleBaseClampToEdge or textureLoad."],
  ["texture_storage_1d", "1D storage texture, texture_storage_1d<F, AM>: texel format F, access write, read or read_write; read with textureLoad, write with textureStore."],
  ["texture_storage_2d", "2D storage texture, texture_storage_2d<F, AM>: texel format F, access write, read or read_write; read with textureLoad, write with textureStore."],
  ["texture_storage_2d_array", "Layered 2D storage texture, texture_storage_2d_array<F, AM>."],
  ["texture_storage_3d", "3D storage texture, texture_storage_3d<F, AM>."],
  ["texture_depth_2d", "2D depth texture; sampling returns a single f32, and comparison samplers enable hardware shadow tests."],
  ["texture_depth_2d_array", "Array of 2D depth layers."],
  ["texture_depth_cube", "Depth cube map (e.g. omnidirectional shadows)."],
  ["texture_depth_cube_array", "Array of depth cube maps."],
];
for (const [name, doc] of textureTypes) typeList.push({ name, kind: "texture", doc });

typeList.push(
  { name: "sampler", kind: "sampler", doc: "A filtering/non-filtering sampler: addressing modes, min/mag/mipmap filters and anisotropy used by textureSample* and textureGather." },
  { name: "sampler_comparison", kind: "sampler", doc: "A comparison sampler for depth textures: each fetched depth is compared with a reference value (textureSampleCompare*, textureGatherCompare)." },
);

export const builtinTypes: ReadonlyMap<string, BuiltinType> = buildMap("built-in type", typeList);

// Result structures of frexp, modf and atomicCompareExchangeWeak: their names cannot be written in WGSL, but values
// of these types appear in hovers of inferred `let` types.
const resultStructList: BuiltinType[] = [];
for (const [fnName, first, second, secondIsInt] of [
  ["frexp", "fract", "exp", true],
  ["modf", "fract", "whole", false],
] as const) {
  for (const [suffix, scalar] of [
    ["f32", "f32"],
    ["f16", "f16"],
    ["abstract", "AbstractFloat"],
  ] as const) {
    for (const n of [1, 2, 3, 4]) {
      const wrap = (t: string): string => (n === 1 ? t : `vec${n}<${t}>`);
      const intType = suffix === "abstract" ? "AbstractInt" : "i32";
      resultStructList.push({
        name: `__${fnName}_result_${n === 1 ? "" : `vec${n}_`}${suffix}`,
        kind: "struct",
        doc: `Result of ${fnName}() on ${wrap(scalar)}: members \`${first}\` and \`${second}\`. The type cannot be named in source, but a let can hold it.`,
        members: [
          { name: first, type: wrap(scalar) },
          { name: second, type: wrap(secondIsInt ? intType : scalar) },
        ],
        ...(suffix === "f16" ? { requires: "f16" } : {}),
      });
    }
  }
}
resultStructList.push({
  name: "__atomic_compare_exchange_result",
  kind: "struct",
  doc: "Result of atomicCompareExchangeWeak: `old_value` (the value before the operation) and `exchanged` (whether `v` was stored).",
  members: [
    { name: "old_value", type: "T" },
    { name: "exchanged", type: "bool" },
  ],
});

/** Built-in result structures (frexp, modf, atomicCompareExchangeWeak); not spellable, so kept out of `builtinTypes`. */
export const builtinResultStructs: ReadonlyMap<string, BuiltinType> = buildMap("result structure", resultStructList);

// ---------------------------------------------------------------------------------------------------------------
// Built-in values

function value(v: Omit<BuiltinValue, "stage" | "direction">): BuiltinValue {
  const stages: ShaderStage[] = [];
  for (const { stage } of v.io) if (!stages.includes(stage)) stages.push(stage);
  const first = v.io[0];
  if (!first) throw new Error(`built-in value ${v.name} has no stage`);
  return { ...v, stage: stages, direction: first.direction };
}

const valueList: BuiltinValue[] = [
  value({ name: "vertex_index", type: "u32", io: [{ stage: "vertex", direction: "input" }], doc: "Index of the current vertex in the draw: for indexed draws the index-buffer entry plus baseVertex, otherwise firstVertex plus the vertex's position in the draw." }),
  value({ name: "instance_index", type: "u32", io: [{ stage: "vertex", direction: "input" }], doc: "Index of the current instance, starting at the draw's firstInstance." }),
  value({ name: "clip_distances", type: "array<f32, N>", io: [{ stage: "vertex", direction: "output" }], requires: "clip_distances", doc: "Distances to up to 8 user clip planes (N <= 8): a primitive is clipped where the interpolated distance is negative." }),
  value({
    name: "position",
    type: "vec4<f32>",
    io: [
      { stage: "vertex", direction: "output" },
      { stage: "fragment", direction: "input" },
    ],
    doc: "Vertex output: the clip-space position (x, y, z, w), divided by w to get normalized device coordinates. Fragment input: the framebuffer position of the fragment (pixel centres at .5), its depth in z and 1/w in w.",
  }),
  value({ name: "front_facing", type: "bool", io: [{ stage: "fragment", direction: "input" }], doc: "True when the fragment belongs to a front-facing primitive." }),
  value({ name: "frag_depth", type: "f32", io: [{ stage: "fragment", direction: "output" }], doc: "Overrides the fragment's depth (in the viewport depth range). Writing it disables early depth testing on most GPUs." }),
  value({ name: "primitive_index", type: "u32", io: [{ stage: "fragment", direction: "input" }], requires: "primitive_index", doc: "Index of the primitive (point, line or triangle) within the current instance of the draw, the same for all its fragments." }),
  value({ name: "sample_index", type: "u32", io: [{ stage: "fragment", direction: "input" }], doc: "Which sample of the pixel is being shaded. Using it makes the fragment shader run once per sample instead of once per pixel." }),
  value({
    name: "sample_mask",
    type: "u32",
    io: [
      { stage: "fragment", direction: "input" },
      { stage: "fragment", direction: "output" },
    ],
    doc: "Input: coverage bit mask of the samples this fragment covers (some GPUs give only the current sample's bit under per-sample shading). Output: clears the samples whose bits are 0.",
  }),
  value({ name: "local_invocation_id", type: "vec3<u32>", io: [{ stage: "compute", direction: "input" }], doc: "Position of this invocation inside its workgroup, each component in [0, workgroup_size)." }),
  value({ name: "local_invocation_index", type: "u32", io: [{ stage: "compute", direction: "input" }], doc: "Linear index of the invocation inside its workgroup: x + y * size.x + z * size.x * size.y." }),
  value({ name: "global_invocation_id", type: "vec3<u32>", io: [{ stage: "compute", direction: "input" }], doc: "Position of this invocation in the whole dispatch grid: workgroup_id * workgroup_size + local_invocation_id. The usual per-thread element index; guard it against the data size, since the grid is rounded up to whole workgroups." }),
  value({ name: "global_invocation_index", type: "u32", io: [{ stage: "compute", direction: "input" }], languageExtension: "linear_indexing", doc: "Linear index of this invocation in the whole dispatch grid (x fastest, then y, then z)." }),
  value({ name: "workgroup_id", type: "vec3<u32>", io: [{ stage: "compute", direction: "input" }], doc: "Position of this invocation's workgroup in the dispatch grid, from (0,0,0) to the dispatch size minus one; uniform across the workgroup." }),
  value({ name: "workgroup_index", type: "u32", io: [{ stage: "compute", direction: "input" }], languageExtension: "linear_indexing", doc: "Linear index of this invocation's workgroup in the dispatch grid; uniform across the workgroup." }),
  value({ name: "num_workgroups", type: "vec3<u32>", io: [{ stage: "compute", direction: "input" }], doc: "The dispatch size: how many workgroups were launched along x, y and z." }),
  value({
    name: "subgroup_invocation_id",
    type: "u32",
    io: [
      { stage: "compute", direction: "input" },
      { stage: "fragment", direction: "input" },
    ],
    requires: "subgroups",
    doc: "This invocation's lane within its subgroup, in [0, subgroup_size). Dense in compute shaders; fragment shaders may give low ids to helper invocations. No fixed relation to local_invocation_index.",
  }),
  value({
    name: "subgroup_size",
    type: "u32",
    io: [
      { stage: "compute", direction: "input" },
      { stage: "fragment", direction: "input" },
    ],
    requires: "subgroups",
    doc: "Number of lanes per subgroup: a power of two in [4, 128] chosen by the device compiler (e.g. 32 on NVIDIA, 32 or 64 on AMD, 8-32 on Intel); uniform within a dispatch.",
  }),
  value({ name: "subgroup_id", type: "u32", io: [{ stage: "compute", direction: "input" }], requires: "subgroups", languageExtension: "subgroup_id", doc: "Index of this invocation's subgroup within the workgroup, in [0, num_subgroups)." }),
  value({ name: "num_subgroups", type: "u32", io: [{ stage: "compute", direction: "input" }], requires: "subgroups", languageExtension: "subgroup_id", doc: "Number of subgroups in the current workgroup." }),
];

export const builtinValues: ReadonlyMap<string, BuiltinValue> = buildMap("built-in value", valueList);

// ---------------------------------------------------------------------------------------------------------------
// Attributes, address spaces, access modes, keywords, extensions, texel formats

const attributeList: AttributeInfo[] = [
  { name: "compute", doc: "Marks the function as a compute shader entry point; it also needs @workgroup_size.", snippet: "compute" },
  { name: "vertex", doc: "Marks the function as a vertex shader entry point; it must return @builtin(position).", snippet: "vertex" },
  { name: "fragment", doc: "Marks the function as a fragment shader entry point.", snippet: "fragment" },
  { name: "workgroup_size", doc: "Workgroup dimensions of a compute entry point: x, optional y and z (default 1), as const or override expressions of one integer type. The product is limited by the device (256 invocations by default); a multiple of the subgroup size (32 or 64) keeps every lane busy.", snippet: "workgroup_size(${1:64})" },
  { name: "subgroup_size", doc: "Requests a specific subgroup size (a power of two within the adapter's range) for a compute entry point; workgroup_size.x must be a multiple of it.", snippet: "subgroup_size(${1:32})", requires: "subgroup_size_control" },
  { name: "group", doc: "Bind group index of a resource variable (uniform/storage buffer, texture or sampler); used together with @binding.", snippet: "group(${1:0})" },
  { name: "binding", doc: "Binding number of a resource variable inside its bind group; used together with @group.", snippet: "binding(${1:0})" },
  { name: "builtin", doc: "Connects an entry-point parameter, return value or struct member to a built-in value such as global_invocation_id or position.", snippet: "builtin(${1:global_invocation_id})" },
  { name: "location", doc: "Inter-stage or vertex-attribute/render-target slot of a user-defined input or output (numeric scalar or vector); each location holds up to 16 bytes. Not allowed for compute shader inputs.", snippet: "location(${1:0})" },
  { name: "interpolate", doc: "How a user-defined vertex output / fragment input is interpolated: type perspective (default), linear or flat, and optionally sampling center (default), centroid or sample (flat takes first or either).", snippet: "interpolate(${1|perspective,linear,flat|})" },
  { name: "invariant", doc: "On the vertex position output: guarantees the same result for the same inputs and computation across different entry points (avoids depth fighting between passes).", snippet: "invariant" },
  { name: "id", doc: "Numeric name for a pipeline-overridable constant, so the API can set it by number instead of by identifier.", snippet: "id(${1:0})" },
  { name: "align", doc: "Forces the byte alignment (a power of two) of a structure member; must be a multiple of the type's required alignment in that address space.", snippet: "align(${1:16})" },
  { name: "size", doc: "Reserves a given number of bytes (at least the type's size) for a structure member, adding padding after it.", snippet: "size(${1:16})" },
  { name: "must_use", doc: "A call to this function must be used as a value: a bare call statement is an error (use `_ = f();` to discard deliberately). Only for functions that return a value.", snippet: "must_use" },
  { name: "diagnostic", doc: "Sets the severity (error, warning, info, off) of a diagnostic rule such as derivative_uniformity or subgroup_uniformity for the function or statement it is attached to.", snippet: "diagnostic(${1|off,info,warning,error|}, ${2|derivative_uniformity,subgroup_uniformity|})" },
  { name: "blend_src", doc: "Marks which of two fragment outputs at @location(0) feeds dual-source blending (0 or 1).", snippet: "blend_src(${1|0,1|})", requires: "dual_source_blending" },
  { name: "const", doc: "Marks a built-in function as usable in const-expressions. It is notation of the specification: user-defined functions may not carry it." },
];
export const attributes: ReadonlyMap<string, AttributeInfo> = buildMap("attribute", attributeList);

const addressSpaceList: NamedDoc[] = [
  { name: "function", doc: "Per-invocation memory of a function's `var`s; the default inside functions. Lives in registers when possible and spills to slow local memory when large or dynamically indexed." },
  { name: "private", doc: "Per-invocation memory shared by all functions of one invocation (module-scope `var<private>`); same hardware as function variables." },
  { name: "workgroup", doc: "Memory shared by all invocations of a workgroup (shared memory / LDS): fast, limited (16 KiB guaranteed by default), zero-initialized at workgroup start; synchronize with workgroupBarrier. Compute shaders only." },
  { name: "uniform", doc: "Read-only buffer binding with the same value for all invocations (constant buffer); limited size and stricter layout (16-byte array strides unless uniform_buffer_standard_layout)." },
  { name: "storage", doc: "Large buffer binding in device memory; access mode read (default) or read_write. Where most kernel traffic goes." },
  { name: "handle", doc: "Address space of textures and samplers; never written in source, implied by the variable's type." },
  { name: "immediate", doc: "Small block of data set directly on the command encoder (immediates / push constants), read-only in the shader.", },
];
export const addressSpaces: ReadonlyMap<string, NamedDoc> = buildMap("address space", addressSpaceList);

const accessModeList: NamedDoc[] = [
  { name: "read", doc: "The memory may only be read. Default for storage buffers; read-only storage lets drivers use faster cached load paths." },
  { name: "write", doc: "The memory may only be written; used for write-only storage textures." },
  { name: "read_write", doc: "The memory may be read and written (storage buffers and storage textures, and function/private/workgroup variables)." },
];
export const accessModes: ReadonlyMap<string, NamedDoc> = buildMap("access mode", accessModeList);

/** Every WGSL keyword (not the reserved words, and not the predeclared type and enumerant names, which can be shadowed). */
export const keywords: readonly string[] = [
  "alias",
  "break",
  "case",
  "const",
  "const_assert",
  "continue",
  "continuing",
  "default",
  "diagnostic",
  "discard",
  "else",
  "enable",
  "false",
  "fn",
  "for",
  "if",
  "let",
  "loop",
  "override",
  "requires",
  "return",
  "struct",
  "switch",
  "true",
  "var",
  "while",
];

const extensionList: ExtensionInfo[] = [
  { name: "f16", kind: "enable", feature: "shader-f16", doc: "Allows the f16 type, `h` literals and the vecNh/matCxRh aliases." },
  { name: "clip_distances", kind: "enable", feature: "clip-distances", doc: "Allows the clip_distances vertex output (up to 8 user clip planes)." },
  { name: "dual_source_blending", kind: "enable", feature: "dual-source-blending", doc: "Allows @blend_src on fragment outputs, for blending with two source colors." },
  { name: "subgroups", kind: "enable", feature: "subgroups", doc: "Allows the subgroup and quad built-in functions and the subgroup_invocation_id / subgroup_size built-in values." },
  { name: "primitive_index", kind: "enable", feature: "primitive-index", doc: "Allows the primitive_index fragment input." },
  { name: "subgroup_size_control", kind: "enable", feature: "subgroup-size-control", doc: "Allows the @subgroup_size attribute on compute entry points; must be enabled together with subgroups." },
  { name: "atomic_vec2u_min_max", kind: "enable", feature: "atomic-vec2u-min-max", doc: "Allows atomicStoreMin and atomicStoreMax on atomic<vec2<u32>> in storage buffers (64-bit unsigned min/max)." },
  { name: "readonly_and_readwrite_storage_textures", kind: "language", doc: "Storage textures with read and read_write access, and the textureBarrier built-in." },
  { name: "packed_4x8_integer_dot_product", kind: "language", doc: "dot4U8Packed, dot4I8Packed and the pack4xI8/pack4xU8(Clamp)/unpack4xI8/unpack4xU8 built-ins for 8-bit integer math." },
  { name: "unrestricted_pointer_parameters", kind: "language", doc: "User functions may take pointers to storage, uniform and workgroup memory, and pointers to parts of a variable (array elements, struct members)." },
  { name: "pointer_composite_access", kind: "language", doc: "Member and index access directly through a pointer: `p.m` and `p[i]` instead of `(*p).m` and `(*p)[i]`." },
  { name: "uniform_buffer_standard_layout", kind: "language", doc: "Uniform buffers use the same layout rules as storage buffers (no 16-byte array-stride rounding)." },
  { name: "subgroup_id", kind: "language", doc: "The subgroup_id and num_subgroups built-in values (with `enable subgroups;`)." },
  { name: "subgroup_uniformity", kind: "language", doc: "Uniformity analysis can treat subgroup-uniform values as uniform for subgroup and quad built-ins." },
  { name: "texture_and_sampler_let", kind: "language", doc: "let-declarations may hold textures and samplers." },
  { name: "texture_formats_tier1", kind: "language", doc: "Extra storage texel formats: r8/rg8/rgba16 unorm and snorm, r8/rg8/r16/rg16 uint and sint, r16float, rg16float, rgb10a2unorm, rgb10a2uint and rg11b10ufloat." },
  { name: "linear_indexing", kind: "language", doc: "The global_invocation_index and workgroup_index built-in values." },
  { name: "immediate_address_space", kind: "language", doc: "The immediate address space (`var<immediate>`) for small data set directly on the command encoder." },
];
/** Enable-extensions (`enable x;`) and language extensions (`requires x;`), told apart by `kind`. */
export const enableExtensions: ReadonlyMap<string, ExtensionInfo> = buildMap("extension", extensionList);

const texelFormatList: TexelFormatInfo[] = [
  { name: "rgba8unorm", channelType: "f32", bytesPerTexel: 4, doc: "Four 8-bit unsigned normalized channels, read as [0, 1]." },
  { name: "rgba8snorm", channelType: "f32", bytesPerTexel: 4, doc: "Four 8-bit signed normalized channels, read as [-1, 1]." },
  { name: "rgba8uint", channelType: "u32", bytesPerTexel: 4, doc: "Four 8-bit unsigned integer channels." },
  { name: "rgba8sint", channelType: "i32", bytesPerTexel: 4, doc: "Four 8-bit signed integer channels." },
  { name: "rgba16uint", channelType: "u32", bytesPerTexel: 8, doc: "Four 16-bit unsigned integer channels." },
  { name: "rgba16sint", channelType: "i32", bytesPerTexel: 8, doc: "Four 16-bit signed integer channels." },
  { name: "rgba16float", channelType: "f32", bytesPerTexel: 8, doc: "Four 16-bit float channels." },
  { name: "r32uint", channelType: "u32", bytesPerTexel: 4, doc: "One 32-bit unsigned integer channel." },
  { name: "r32sint", channelType: "i32", bytesPerTexel: 4, doc: "One 32-bit signed integer channel." },
  { name: "r32float", channelType: "f32", bytesPerTexel: 4, doc: "One 32-bit float channel." },
  { name: "rg32uint", channelType: "u32", bytesPerTexel: 8, doc: "Two 32-bit unsigned integer channels." },
  { name: "rg32sint", channelType: "i32", bytesPerTexel: 8, doc: "Two 32-bit signed integer channels." },
  { name: "rg32float", channelType: "f32", bytesPerTexel: 8, doc: "Two 32-bit float channels." },
  { name: "rgba32uint", channelType: "u32", bytesPerTexel: 16, doc: "Four 32-bit unsigned integer channels." },
  { name: "rgba32sint", channelType: "i32", bytesPerTexel: 16, doc: "Four 32-bit signed integer channels." },
  { name: "rgba32float", channelType: "f32", bytesPerTexel: 16, doc: "Four 32-bit float channels." },
  { name: "bgra8unorm", channelType: "f32", bytesPerTexel: 4, doc: "Four 8-bit unsigned normalized channels stored in BGRA order (the shader still sees RGBA); typical swap-chain format." },
];
const tier1: [string, "f32" | "i32" | "u32", number][] = [
  ["r8unorm", "f32", 1],
  ["r8snorm", "f32", 1],
  ["r8uint", "u32", 1],
  ["r8sint", "i32", 1],
  ["r16unorm", "f32", 2],
  ["r16snorm", "f32", 2],
  ["r16uint", "u32", 2],
  ["r16sint", "i32", 2],
  ["r16float", "f32", 2],
  ["rg8unorm", "f32", 2],
  ["rg8snorm", "f32", 2],
  ["rg8uint", "u32", 2],
  ["rg8sint", "i32", 2],
  ["rg16unorm", "f32", 4],
  ["rg16snorm", "f32", 4],
  ["rg16uint", "u32", 4],
  ["rg16sint", "i32", 4],
  ["rg16float", "f32", 4],
  ["rgba16unorm", "f32", 8],
  ["rgba16snorm", "f32", 8],
  ["rgb10a2unorm", "f32", 4],
  ["rgb10a2uint", "u32", 4],
  ["rg11b10ufloat", "f32", 4],
];
for (const [name, channelType, bytesPerTexel] of tier1) {
  texelFormatList.push({ name, channelType, bytesPerTexel, languageExtension: "texture_formats_tier1", doc: `Storage texel format ${name} (${bytesPerTexel} byte${bytesPerTexel === 1 ? "" : "s"} per texel, channels read as ${channelType}).` });
}
/** Texel formats usable in texture_storage_* types, with channel type and bytes per texel. */
export const texelFormats: ReadonlyMap<string, TexelFormatInfo> = buildMap("texel format", texelFormatList);

/** Triggering rules that `diagnostic(...)` can control. */
export const diagnosticRules: ReadonlyMap<string, NamedDoc> = buildMap("diagnostic rule", [
  { name: "derivative_uniformity", doc: "A derivative or implicit-derivative texture sample (textureSample, dpdx, fwidth ...) may run in non-uniform control flow." },
  { name: "subgroup_uniformity", doc: "A subgroup or quad built-in may run in non-uniform control flow, or a shuffle delta/mask may not be uniform." },
]);

// ---------------------------------------------------------------------------------------------------------------
// Lookups

export function lookupBuiltin(name: string): BuiltinFunction | BuiltinType | BuiltinValue | undefined {
  return builtinFunctions.get(name) ?? builtinTypes.get(name) ?? builtinResultStructs.get(name) ?? builtinValues.get(name);
}

export function isBuiltinFunction(entry: BuiltinFunction | BuiltinType | BuiltinValue | undefined): entry is BuiltinFunction {
  return entry !== undefined && "signatures" in entry;
}

export function isBuiltinValue(entry: BuiltinFunction | BuiltinType | BuiltinValue | undefined): entry is BuiltinValue {
  return entry !== undefined && "io" in entry;
}

export function isBuiltinType(entry: BuiltinFunction | BuiltinType | BuiltinValue | undefined): entry is BuiltinType {
  return entry !== undefined && !("signatures" in entry) && !("io" in entry);
}
