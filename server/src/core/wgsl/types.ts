// WGSL's type model, memory layout, integer constant folding and type inference over a resolved syntax tree.
//
// Everything here works on the tree plus a `Resolution` (built by ./resolve, declared in ./resolveTypes), never
// throws, and answers `unknown` with a reason where WGSL's rules cannot be followed (undeclared names, syntax errors,
// invalid operand combinations), so that hover and the static cost model can tell "we know" from "we guessed". Types
// describe values: a `var` has its store type (WGSL's load rule applies wherever a reference is used as a value);
// `memoryViewOf` recovers the memory side (address space, access mode, root variable) for the expressions that
// denote memory. The shapes of types are declared in ./typesModel and re-exported here.
import type {
  AliasDecl,
  Attribute,
  BinaryExpr,
  BinaryOp,
  CallExpr,
  Decl,
  Expr,
  FunctionDecl,
  Ident,
  IdentExpr,
  IndexExpr,
  LiteralExpr,
  MemberExpr,
  Module,
  Param,
  Stmt,
  StructDecl,
  StructMember,
  TemplateArg,
  TypeRef,
  UnaryExpr,
  ValueDecl,
  VarDecl,
} from "./ast";
import type { Resolution } from "./resolveTypes";
import type { WgslSymbol } from "./symbols";
import type { ArrayCount, ArrayType, MatrixType, MemoryView, ScalarName, ScalarType, StructMemberType, StructType, TextureType, TypeInfo, UnknownType, VectorType, WgslType } from "./typesModel";

// ---------------------------------------------------------------------------------------------------------------
// The type model

// The shapes of types are declared in ./typesModel, so that ./resolveTypes can name `TypeInfo` without importing this file.
export type {
  ArrayCount,
  ArrayType,
  AtomicType,
  MatrixType,
  PtrType,
  SamplerType,
  ScalarName,
  ScalarType,
  StructMemberType,
  StructType,
  TextureType,
  UnknownType,
  VectorType,
  WgslType,
} from "./typesModel";

/** Shared scalar instances, so that the common types are not allocated per expression. */
export const SCALAR: { readonly [K in ScalarName]: ScalarType } = {
  bool: { kind: "scalar", name: "bool" },
  i32: { kind: "scalar", name: "i32" },
  u32: { kind: "scalar", name: "u32" },
  f32: { kind: "scalar", name: "f32" },
  f16: { kind: "scalar", name: "f16" },
  "abstract-int": { kind: "scalar", name: "abstract-int" },
  "abstract-float": { kind: "scalar", name: "abstract-float" },
};

const BOOL = SCALAR.bool;
const I32 = SCALAR.i32;
const U32 = SCALAR.u32;
const F32 = SCALAR.f32;
const F16 = SCALAR.f16;
const AINT = SCALAR["abstract-int"];
const AFLOAT = SCALAR["abstract-float"];

export function vectorOf(n: 2 | 3 | 4, component: ScalarType): VectorType {
  return { kind: "vector", n, component };
}

export function matrixOf(cols: 2 | 3 | 4, rows: 2 | 3 | 4, component: ScalarType): MatrixType {
  return { kind: "matrix", cols, rows, component };
}

export function unknownType(reason: string): UnknownType {
  return { kind: "unknown", reason };
}

export function isAbstract(s: ScalarType): boolean {
  return s.name === "abstract-int" || s.name === "abstract-float";
}

export function isFloatScalar(s: ScalarType): boolean {
  return s.name === "f32" || s.name === "f16" || s.name === "abstract-float";
}

export function isIntScalar(s: ScalarType): boolean {
  return s.name === "i32" || s.name === "u32" || s.name === "abstract-int";
}

/** The scalar a numeric type is built from: itself, a vector's or matrix's component, an atomic's inner type. */
export function scalarOf(t: WgslType): ScalarType | null {
  switch (t.kind) {
    case "scalar":
      return t;
    case "vector":
    case "matrix":
      return t.component;
    case "atomic":
      return t.inner;
    default:
      return null;
  }
}

/** How many scalar components a value of this type has (1 for scalars; cols*rows for matrices; 0 otherwise). */
export function componentCount(t: WgslType): number {
  switch (t.kind) {
    case "scalar":
    case "atomic":
      return 1;
    case "vector":
      return t.n;
    case "matrix":
      return t.cols * t.rows;
    default:
      return 0;
  }
}

/** The type a pointer points to, or the type itself: WGSL dereferences pointers implicitly in `p.m` and `p[i]`. */
export function derefType(t: WgslType): WgslType {
  return t.kind === "ptr" ? t.store : t;
}

/** WGSL's concretisation of abstract types, as `let`, `var` and `override` declarations apply it. */
export function concretize(t: WgslType): WgslType {
  switch (t.kind) {
    case "scalar":
      return t.name === "abstract-int" ? I32 : t.name === "abstract-float" ? F32 : t;
    case "vector":
      return isAbstract(t.component) ? vectorOf(t.n, concretizeScalar(t.component)) : t;
    case "matrix":
      return isAbstract(t.component) ? matrixOf(t.cols, t.rows, concretizeScalar(t.component)) : t;
    case "array": {
      const element = concretize(t.element);
      return element === t.element ? t : { kind: "array", element, count: t.count };
    }
    default:
      return t;
  }
}

function concretizeScalar(s: ScalarType): ScalarType {
  return s.name === "abstract-int" ? I32 : s.name === "abstract-float" ? F32 : s;
}

export function sameType(a: WgslType, b: WgslType): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case "scalar":
      return b.kind === "scalar" && a.name === b.name;
    case "vector":
      return b.kind === "vector" && a.n === b.n && a.component.name === b.component.name;
    case "matrix":
      return b.kind === "matrix" && a.cols === b.cols && a.rows === b.rows && a.component.name === b.component.name;
    case "array":
      return (
        b.kind === "array" &&
        sameType(a.element, b.element) &&
        (typeof a.count === "object" ? typeof b.count === "object" && a.count.expr === b.count.expr : a.count === b.count)
      );
    case "struct":
      return b.kind === "struct" && a.name === b.name && (a.symbol === b.symbol);
    case "atomic":
      return b.kind === "atomic" && a.inner.name === b.inner.name;
    case "ptr":
      return b.kind === "ptr" && a.addressSpace === b.addressSpace && a.access === b.access && sameType(a.store, b.store);
    case "texture":
      return (
        b.kind === "texture" &&
        a.name === b.name &&
        a.sampled?.name === b.sampled?.name &&
        a.format === b.format &&
        a.access === b.access
      );
    case "sampler":
      return b.kind === "sampler" && a.name === b.name;
    case "unknown":
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

const SCALAR_TEXT: { readonly [K in ScalarName]: string } = {
  bool: "bool",
  i32: "i32",
  u32: "u32",
  f32: "f32",
  f16: "f16",
  "abstract-int": "AbstractInt",
  "abstract-float": "AbstractFloat",
};

/** The type in WGSL syntax: `array<vec4<f32>, 16>`, `ptr<storage, f32, read_write>`; abstract types as the spec names them. */
export function typeToString(t: WgslType): string {
  switch (t.kind) {
    case "scalar":
      return SCALAR_TEXT[t.name];
    case "vector":
      return `vec${t.n}<${SCALAR_TEXT[t.component.name]}>`;
    case "matrix":
      return `mat${t.cols}x${t.rows}<${SCALAR_TEXT[t.component.name]}>`;
    case "array":
      if (t.count === "runtime") return `array<${typeToString(t.element)}>`;
      return `array<${typeToString(t.element)}, ${typeof t.count === "number" ? t.count : exprToString(t.count.expr)}>`;
    case "struct":
      return t.name;
    case "atomic":
      return `atomic<${SCALAR_TEXT[t.inner.name]}>`;
    case "ptr":
      // Like WGSL source, the access mode is spelled out only where it is not the address space's only choice.
      return t.addressSpace === "storage"
        ? `ptr<${t.addressSpace}, ${typeToString(t.store)}, ${t.access}>`
        : `ptr<${t.addressSpace}, ${typeToString(t.store)}>`;
    case "texture":
      if (t.sampled) return `${t.name}<${SCALAR_TEXT[t.sampled.name]}>`;
      if (t.format !== undefined) return `${t.name}<${t.format}, ${t.access ?? "write"}>`;
      return t.name;
    case "sampler":
      return t.name;
    case "unknown":
      return "unknown";
  }
}

/** A compact rendering of an expression, for array counts that are not constant (`array<f32, N * 2>`). */
export function exprToString(e: Expr): string {
  switch (e.kind) {
    case "literal":
      return e.text;
    case "ident":
      return e.templateArgs ? `${e.name.name}<${e.templateArgs.map(templateArgToString).join(", ")}>` : e.name.name;
    case "call": {
      const template = e.templateArgs ? `<${e.templateArgs.map(templateArgToString).join(", ")}>` : "";
      return `${e.callee.name}${template}(${e.args.map(exprToString).join(", ")})`;
    }
    case "binary":
      return `${exprToString(e.left)} ${e.op} ${exprToString(e.right)}`;
    case "unary":
      return `${e.op}${exprToString(e.operand)}`;
    case "index":
      return `${exprToString(e.base)}[${exprToString(e.index)}]`;
    case "member":
      return `${exprToString(e.base)}.${e.member.name}`;
    case "paren":
      return `(${exprToString(e.expr)})`;
    case "error":
      return "?";
  }
}

function templateArgToString(a: TemplateArg): string {
  if (a.kind === "typeRef") return a.args.length ? `${a.name.name}<${a.args.map(templateArgToString).join(", ")}>` : a.name.name;
  return exprToString(a);
}

// ---------------------------------------------------------------------------------------------------------------
// Memory layout (WGSL § "Memory Layout": alignment and size)

export function roundUp(k: number, n: number): number {
  return k <= 0 ? n : Math.ceil(n / k) * k;
}

function scalarBytes(s: ScalarType): number {
  // Abstract types never reach memory; they are laid out as the concrete type they become.
  return s.name === "f16" ? 2 : 4;
}

/** AlignOf(T) in bytes, or null where it is not known (unknown types, override-sized arrays of such). */
export function alignOf(t: WgslType): number | null {
  switch (t.kind) {
    case "scalar":
      return scalarBytes(t);
    case "atomic":
      return 4;
    case "vector":
      return (t.n === 2 ? 2 : 4) * scalarBytes(t.component);
    case "matrix":
      return alignOf(vectorOf(t.rows, t.component));
    case "array":
      return alignOf(t.element);
    case "struct":
      return t.layoutComplete ? t.align : null;
    default:
      return null;
  }
}

/**
 * SizeOf(T) in bytes, or null where it is not known. A runtime-sized array counts one element, as WebGPU's minimum
 * binding size does; an array whose count is an override expression has no size until pipeline creation (null).
 */
export function sizeOf(t: WgslType): number | null {
  switch (t.kind) {
    case "scalar":
      return scalarBytes(t);
    case "atomic":
      return 4;
    case "vector":
      return t.n * scalarBytes(t.component);
    case "matrix": {
      const column = vectorOf(t.rows, t.component);
      return t.cols * roundUp(alignOf(column) ?? 0, sizeOf(column) ?? 0);
    }
    case "array": {
      const stride = strideOf(t);
      if (stride === null) return null;
      if (t.count === "runtime") return stride;
      return typeof t.count === "number" ? t.count * stride : null;
    }
    case "struct":
      return t.layoutComplete ? t.size : null;
    default:
      return null;
  }
}

/** The element stride of an array: roundUp(AlignOf(E), SizeOf(E)). */
export function strideOf(t: ArrayType): number | null {
  const align = alignOf(t.element);
  const size = sizeOf(t.element);
  return align === null || size === null ? null : roundUp(align, size);
}

// ---------------------------------------------------------------------------------------------------------------
// Builtin names: the predeclared types, enumerants and functions (used by ./resolve to classify references)

const CONCRETE_SCALARS = new Map<string, ScalarType>([
  ["bool", BOOL],
  ["i32", I32],
  ["u32", U32],
  ["f32", F32],
  ["f16", F16],
]);

const PREDECLARED_ALIASES = new Map<string, WgslType>();
for (const n of [2, 3, 4] as const) {
  PREDECLARED_ALIASES.set(`vec${n}i`, vectorOf(n, I32));
  PREDECLARED_ALIASES.set(`vec${n}u`, vectorOf(n, U32));
  PREDECLARED_ALIASES.set(`vec${n}f`, vectorOf(n, F32));
  PREDECLARED_ALIASES.set(`vec${n}h`, vectorOf(n, F16));
  for (const r of [2, 3, 4] as const) {
    PREDECLARED_ALIASES.set(`mat${n}x${r}f`, matrixOf(n, r, F32));
    PREDECLARED_ALIASES.set(`mat${n}x${r}h`, matrixOf(n, r, F16));
  }
}

const SAMPLED_TEXTURES = new Set([
  "texture_1d",
  "texture_2d",
  "texture_2d_array",
  "texture_3d",
  "texture_cube",
  "texture_cube_array",
  "texture_multisampled_2d",
]);
const DEPTH_TEXTURES = new Set([
  "texture_depth_2d",
  "texture_depth_2d_array",
  "texture_depth_cube",
  "texture_depth_cube_array",
  "texture_depth_multisampled_2d",
]);
const STORAGE_TEXTURES = new Set(["texture_storage_1d", "texture_storage_2d", "texture_storage_2d_array", "texture_storage_3d"]);

const GENERIC_TYPE_NAMES = new Set(["vec2", "vec3", "vec4", "array", "atomic", "ptr", "sampler", "sampler_comparison", "texture_external"]);
for (const c of [2, 3, 4]) for (const r of [2, 3, 4]) GENERIC_TYPE_NAMES.add(`mat${c}x${r}`);

/** True for the predeclared type names: scalars, `vec3`, `mat4x4`, `vec4f`, `array`, `ptr`, textures, samplers. */
export function isBuiltinTypeName(name: string): boolean {
  return (
    CONCRETE_SCALARS.has(name) ||
    PREDECLARED_ALIASES.has(name) ||
    GENERIC_TYPE_NAMES.has(name) ||
    SAMPLED_TEXTURES.has(name) ||
    DEPTH_TEXTURES.has(name) ||
    STORAGE_TEXTURES.has(name)
  );
}

const ENUMERANTS = new Set(
  [
    // address spaces and access modes
    "function private workgroup uniform storage handle immediate read write read_write",
    // texel formats
    "rgba8unorm rgba8snorm rgba8uint rgba8sint rgba16uint rgba16sint rgba16float r32uint r32sint r32float",
    "rg32uint rg32sint rg32float rgba32uint rgba32sint rgba32float bgra8unorm r8unorm r8snorm r8uint r8sint",
    "rg8unorm rg8snorm rg8uint rg8sint r16uint r16sint r16float rg16uint rg16sint rg16float rgb10a2uint",
    "rgb10a2unorm rg11b10ufloat r16unorm r16snorm rg16unorm rg16snorm rgba16unorm rgba16snorm",
    // builtin values
    "vertex_index instance_index position front_facing frag_depth sample_index sample_mask local_invocation_id",
    "local_invocation_index global_invocation_id workgroup_id num_workgroups subgroup_invocation_id subgroup_size",
    "clip_distances primitive_index subgroup_id num_subgroups global_invocation_index workgroup_index",
    // interpolation types and sampling, diagnostic severities and rules
    "perspective linear flat center centroid sample first either error warning info off",
    "derivative_uniformity subgroup_uniformity",
  ]
    .join(" ")
    .split(" "),
);

/** True for context-dependent names: address spaces, access modes, texel formats, builtin values, interpolation. */
export function isEnumerantName(name: string): boolean {
  return ENUMERANTS.has(name);
}

/** How a builtin function's result type follows from its arguments. */
type ReturnRule =
  | "common" // component-wise: the arguments' common type (vector wins over scalar, concrete over abstract)
  | "common2" // like common, over the first two arguments only (select, insertBits)
  | "first" // the first argument's type
  | "component" // the scalar component of the arguments' common type (dot, length, distance, determinant)
  | "bool"
  | "u32"
  | "i32"
  | "f32"
  | "vec4f"
  | "vec2f"
  | "vec4i"
  | "vec4u"
  | "void"
  | "transpose"
  | "atomic" // the atomic's inner type, through the pointer argument
  | "cmpxchg"
  | "modf"
  | "frexp"
  | "pointee"
  | "texSample"
  | "texGather"
  | "texLoad"
  | "texDims"
  | "bitcast";

const RETURN_RULES = new Map<string, ReturnRule>();
for (const [rule, names] of [
  [
    "common",
    "abs acos acosh asin asinh atan atanh atan2 ceil clamp cos cosh countLeadingZeros countOneBits countTrailingZeros " +
      "cross degrees dpdx dpdxCoarse dpdxFine dpdy dpdyCoarse dpdyFine exp exp2 faceForward firstLeadingBit " +
      "firstTrailingBit floor fma fract fwidth fwidthCoarse fwidthFine inverseSqrt log log2 max min mix normalize pow " +
      "quantizeToF16 radians reflect refract reverseBits round saturate sign sin sinh smoothstep sqrt step tan tanh trunc",
  ],
  ["common2", "insertBits select"],
  [
    "first",
    "extractBits ldexp subgroupAdd subgroupExclusiveAdd subgroupInclusiveAdd subgroupMul subgroupExclusiveMul " +
      "subgroupInclusiveMul subgroupMax subgroupMin subgroupAnd subgroupOr subgroupXor subgroupBroadcast " +
      "subgroupBroadcastFirst subgroupShuffle subgroupShuffleXor subgroupShuffleUp subgroupShuffleDown quadBroadcast " +
      "quadSwapX quadSwapY quadSwapDiagonal",
  ],
  ["component", "dot length distance determinant"],
  ["bool", "all any subgroupElect subgroupAll subgroupAny"],
  [
    "u32",
    "arrayLength pack4x8snorm pack4x8unorm pack2x16snorm pack2x16unorm pack2x16float pack4xI8 pack4xU8 pack4xI8Clamp " +
      "pack4xU8Clamp dot4U8Packed textureNumLayers textureNumLevels textureNumSamples",
  ],
  ["i32", "dot4I8Packed"],
  ["f32", "textureSampleCompare textureSampleCompareLevel"],
  ["vec4f", "unpack4x8snorm unpack4x8unorm textureGatherCompare"],
  ["vec2f", "unpack2x16snorm unpack2x16unorm unpack2x16float"],
  ["vec4i", "unpack4xI8"],
  ["vec4u", "unpack4xU8 subgroupBallot"],
  ["void", "workgroupBarrier storageBarrier textureBarrier atomicStore atomicStoreMin atomicStoreMax textureStore"],
  ["transpose", "transpose"],
  ["atomic", "atomicLoad atomicAdd atomicSub atomicMax atomicMin atomicAnd atomicOr atomicXor atomicExchange"],
  ["cmpxchg", "atomicCompareExchangeWeak"],
  ["modf", "modf"],
  ["frexp", "frexp"],
  ["pointee", "workgroupUniformLoad"],
  ["texSample", "textureSample textureSampleBias textureSampleGrad textureSampleLevel textureSampleBaseClampToEdge"],
  ["texGather", "textureGather"],
  ["texLoad", "textureLoad"],
  ["texDims", "textureDimensions"],
  ["bitcast", "bitcast"],
] as const) {
  for (const name of names.split(" ")) RETURN_RULES.set(name, rule);
}

/** True for the builtin functions whose result type this module knows (every WGSL builtin function it lists). */
export function isBuiltinFunctionName(name: string): boolean {
  return RETURN_RULES.has(name);
}

/** Every builtin function name this module has a return-type rule for, e.g. for cross-checking a catalogue. */
export function builtinFunctionNames(): string[] {
  return [...RETURN_RULES.keys()];
}

// ---------------------------------------------------------------------------------------------------------------
// Inference

export type { MemoryView, TypeInfo } from "./typesModel";

/** Options for constant evaluation. */
export interface ConstEvalOptions {
  /** Use an override's default value (its initializer) as its value, as a pipeline that sets no constants would. */
  readonly overrideDefaults?: boolean;
}

const engines = new WeakMap<Resolution, Engine>();

function engineFor(resolution: Resolution): Engine {
  let engine = engines.get(resolution);
  if (!engine) {
    engine = new Engine(resolution);
    engines.set(resolution, engine);
  }
  return engine;
}

/** Types every expression and declaration of the module, in source order; memoised per resolution. */
export function inferTypes(module: Module, resolution: Resolution): TypeInfo {
  const engine = engineFor(resolution);
  engine.typeModule(module);
  return engine;
}

/** The structured type of a type as written, resolving user aliases and structs and constant array counts. */
export function resolveTypeRef(typeRef: TypeRef, resolution: Resolution): WgslType {
  return engineFor(resolution).resolveTypeRef(typeRef);
}

/**
 * Folds an integer constant expression (literals, `const` declarations, `+ - * / % << >> & | ^`, unary `-`/`~`,
 * `i32()`/`u32()`/`min`/`max`/`abs`); null when the value is not a compile-time integer (overrides, unless
 * `overrideDefaults`, runtime values, division by zero, floats).
 */
export function evaluateConstInt(expr: Expr, resolution: Resolution, options: ConstEvalOptions = {}): number | null {
  return engineFor(resolution).evalInt(expr, options.overrideDefaults === true, 0);
}

const SWIZZLE = /^(?:[xyzw]{1,4}|[rgba]{1,4})$/;

function defaultAccess(addressSpace: string): string {
  return addressSpace === "storage" || addressSpace === "uniform" || addressSpace === "handle" ? "read" : "read_write";
}

function attributeNamed(attributes: readonly Attribute[], name: string): Attribute | undefined {
  for (const a of attributes) if (a.name.name === name) return a;
  return undefined;
}

/** Plain-data struct with WGSL layout, for the result types of builtins (`modf`, `frexp`, `atomicCompareExchangeWeak`). */
function builtinStruct(name: string, fields: readonly [string, WgslType][]): StructType {
  let offset = 0;
  let align = 1;
  const members: StructMemberType[] = [];
  for (const [field, type] of fields) {
    const a = alignOf(concretize(type)) ?? 4;
    const s = sizeOf(concretize(type)) ?? 4;
    offset = roundUp(a, offset);
    members.push({ name: field, type, offset, size: s, align: a });
    offset += s;
    align = Math.max(align, a);
  }
  return { kind: "struct", name, members, size: roundUp(align, offset), align, layoutComplete: true, runtimeSized: false };
}

/** The spec's naming of builtin result structs: `__modf_result_vec3_f32`, `__frexp_result_abstract`. */
function resultStructSuffix(t: ScalarType | VectorType): string {
  const scalar = t.kind === "scalar" ? t : t.component;
  const base = isAbstract(scalar) ? "abstract" : scalar.name;
  return t.kind === "vector" ? `vec${t.n}_${base}` : base;
}

/** The common type of two operands after WGSL's automatic conversions: concrete wins over abstract, float over int. */
function commonScalar(a: ScalarType, b: ScalarType): ScalarType {
  if (a.name === b.name) return a;
  const aAbstract = isAbstract(a);
  const bAbstract = isAbstract(b);
  if (aAbstract && !bAbstract) return b;
  if (bAbstract && !aAbstract) return a;
  if (aAbstract && bAbstract) return AFLOAT;
  return a; // two different concrete types: invalid WGSL, Tint reports it; keep the left one
}

/** The common type of arguments to a component-wise builtin or of array constructor elements; unknown propagates. */
function commonType(types: readonly WgslType[]): WgslType {
  if (types.length === 0) return unknownType("no arguments");
  let result = types[0]!;
  for (let i = 1; i < types.length; i++) {
    const t = types[i]!;
    if (result.kind === "unknown") return result;
    if (t.kind === "unknown") return t;
    result = commonPair(result, t);
  }
  return result;
}

function commonPair(a: WgslType, b: WgslType): WgslType {
  if (a.kind === "scalar" && b.kind === "scalar") return commonScalar(a, b);
  if (a.kind === "vector" && b.kind === "vector") return vectorOf(a.n, commonScalar(a.component, b.component));
  if (a.kind === "vector" && b.kind === "scalar") return vectorOf(a.n, commonScalar(a.component, b));
  if (a.kind === "scalar" && b.kind === "vector") return vectorOf(b.n, commonScalar(a, b.component));
  if (a.kind === "matrix" && b.kind === "matrix") return matrixOf(a.cols, a.rows, commonScalar(a.component, b.component));
  if (a.kind === "array" && b.kind === "array") {
    const element = commonPair(a.element, b.element);
    return element === a.element ? a : { kind: "array", element, count: a.count };
  }
  return a;
}

class Engine implements TypeInfo {
  private readonly exprTypes = new Map<Expr, WgslType>();
  private readonly symbolTypes = new Map<WgslSymbol, WgslType>();
  private readonly typeRefTypes = new Map<TypeRef, WgslType>();
  private readonly structTypes = new Map<WgslSymbol, WgslType>();
  private readonly constValues = new Map<WgslSymbol, number | null>();
  private readonly overrideValues = new Map<WgslSymbol, number | null>();
  /** Symbols whose type, struct layout, alias target or constant value is being computed: breaks cycles. */
  private readonly symbolsInProgress = new Set<WgslSymbol>();
  private readonly typesInProgress = new Set<WgslSymbol>();
  private readonly valuesInProgress = new Set<WgslSymbol>();
  private readonly typedModules = new WeakSet<Module>();

  constructor(private readonly res: Resolution) {}

  // ----- whole-module pass --------------------------------------------------------------------------------------

  /**
   * Types every declaration and root expression in source order. Doing it eagerly, in order, means a chain of
   * `let`s is typed one link at a time instead of by one deep recursion from the last link.
   */
  typeModule(module: Module): void {
    if (this.typedModules.has(module)) return;
    this.typedModules.add(module);
    for (const decl of module.decls) {
      try {
        this.typeDecl(decl);
      } catch {
        // A malformed node must not stop the rest of the module from being typed.
      }
    }
  }

  private typeDecl(decl: Decl): void {
    switch (decl.kind) {
      case "var":
      case "let":
      case "const":
      case "override":
        this.typeAttributes(decl.attributes);
        this.typeValueDecl(decl);
        return;
      case "struct": {
        const symbol = this.res.symbolForDecl(decl);
        if (symbol) this.typeOfSymbol(symbol);
        for (const m of decl.members) this.typeAttributes(m.attributes);
        return;
      }
      case "alias": {
        const symbol = this.res.symbolForDecl(decl);
        if (symbol) this.typeOfSymbol(symbol);
        return;
      }
      case "function":
        this.typeAttributes(decl.attributes);
        for (const p of decl.params) {
          this.typeAttributes(p.attributes);
          const symbol = this.res.symbolForDecl(p);
          if (symbol) this.typeOfSymbol(symbol);
        }
        if (decl.returnType) this.resolveTypeRef(decl.returnType);
        this.typeStmt(decl.body);
        return;
      case "const_assert":
        this.typeTree(decl.expr);
        return;
      case "enable":
      case "requires":
      case "diagnostic":
        return;
    }
  }

  private typeValueDecl(decl: VarDecl | ValueDecl): void {
    if (decl.init) this.typeTree(decl.init);
    const symbol = this.res.symbolForDecl(decl);
    if (symbol) this.typeOfSymbol(symbol);
    if (decl.type) this.resolveTypeRef(decl.type);
  }

  /**
   * Types an expression tree children-first without recursion: in reverse pre-order every node comes after all of
   * its descendants, so each `typeOfExpr` call finds its operands memoised. A long `a + b + c + …` chain is a tree
   * as deep as it is long, which plain recursion would overflow.
   */
  private typeTree(root: Expr): WgslType {
    if (root.kind === "literal" || root.kind === "ident") return this.typeOfExpr(root);
    const order: Expr[] = [];
    const stack: Expr[] = [root];
    while (stack.length > 0) {
      const e = stack.pop()!;
      order.push(e);
      switch (e.kind) {
        case "call":
          for (const a of e.args) stack.push(a);
          break;
        case "binary":
          stack.push(e.left, e.right);
          break;
        case "unary":
          stack.push(e.operand);
          break;
        case "index":
          stack.push(e.base, e.index);
          break;
        case "member":
          stack.push(e.base);
          break;
        case "paren":
          stack.push(e.expr);
          break;
        default:
          break;
      }
    }
    for (let i = order.length - 1; i > 0; i--) this.typeOfExpr(order[i]!);
    return this.typeOfExpr(root);
  }

  private typeAttributes(attributes: readonly Attribute[]): void {
    for (const a of attributes) {
      // Arguments of these are enumerants (`global_invocation_id`, `flat`), not expressions with types.
      if (a.name.name === "builtin" || a.name.name === "interpolate" || a.name.name === "diagnostic") continue;
      for (const arg of a.args) this.typeTree(arg);
    }
  }

  private typeStmt(s: Stmt): void {
    switch (s.kind) {
      case "block":
        for (const inner of s.statements) this.typeStmt(inner);
        return;
      case "declStmt":
        this.typeValueDecl(s.decl);
        return;
      case "assign":
        if (!(s.lhs.kind === "ident" && s.lhs.name.name === "_")) this.typeTree(s.lhs);
        this.typeTree(s.rhs);
        return;
      case "increment":
        this.typeTree(s.target);
        return;
      case "if":
        this.typeTree(s.condition);
        this.typeStmt(s.then);
        if (s.else) this.typeStmt(s.else);
        return;
      case "switch":
        this.typeTree(s.selector);
        for (const clause of s.clauses) {
          for (const selector of clause.selectors) if (selector !== "default") this.typeTree(selector);
          this.typeStmt(clause.body);
        }
        return;
      case "loop":
        this.typeStmt(s.body);
        if (s.continuing) this.typeStmt(s.continuing);
        return;
      case "for":
        if (s.init) this.typeStmt(s.init);
        if (s.condition) this.typeTree(s.condition);
        if (s.update) this.typeStmt(s.update);
        this.typeStmt(s.body);
        return;
      case "while":
        this.typeTree(s.condition);
        this.typeStmt(s.body);
        return;
      case "breakIf":
        this.typeTree(s.condition);
        return;
      case "return":
        if (s.value) this.typeTree(s.value);
        return;
      case "callStmt":
        this.typeTree(s.call);
        return;
      case "constAssertStmt":
        this.typeTree(s.expr);
        return;
      case "break":
      case "continue":
      case "discard":
      case "empty":
      case "errorStmt":
        return;
    }
  }

  // ----- names --------------------------------------------------------------------------------------------------

  /**
   * The user symbol a name denotes. A name inside the resolved tree was resolved with its scopes; a name from
   * elsewhere (a synthesised node) falls back to module scope, where only module declarations can shadow builtins.
   */
  private lookup(ident: Ident): WgslSymbol | null {
    const ref = this.res.referenceForIdent(ident);
    return ref ? ref.symbol : this.res.moduleScope.get(ident.name) ?? null;
  }

  // ----- symbols ------------------------------------------------------------------------------------------------

  typeOfSymbol(symbol: WgslSymbol): WgslType {
    const cached = this.symbolTypes.get(symbol);
    if (cached) return cached;
    if (symbol.kind === "struct") return this.structType(symbol);
    if (symbol.kind === "alias") return this.aliasType(symbol);
    if (this.symbolsInProgress.has(symbol)) return unknownType(`'${symbol.name}' depends on itself`);
    this.symbolsInProgress.add(symbol);
    let t: WgslType;
    try {
      t = this.computeSymbolType(symbol);
    } catch (error) {
      t = unknownType(`internal error while typing '${symbol.name}': ${String(error)}`);
    } finally {
      this.symbolsInProgress.delete(symbol);
    }
    this.symbolTypes.set(symbol, t);
    return t;
  }

  typeOfDeclaration(symbol: WgslSymbol): WgslType {
    return this.typeOfSymbol(symbol);
  }

  private computeSymbolType(symbol: WgslSymbol): WgslType {
    switch (symbol.kind) {
      case "var":
      case "local-var":
      case "let":
      case "const":
      case "override": {
        const decl = symbol.decl as VarDecl | ValueDecl;
        if (decl.type) return this.resolveTypeRef(decl.type);
        if (decl.init) {
          const t = this.typeOfExpr(decl.init);
          // Only `const` keeps abstract types; everything that exists at run time gets a concrete type.
          return symbol.kind === "const" ? t : concretize(t);
        }
        return unknownType(`'${symbol.name}' has neither a type nor an initializer`);
      }
      case "param":
        return this.resolveTypeRef((symbol.decl as Param).type);
      case "member": {
        if (symbol.parent) {
          const owner = this.structType(symbol.parent);
          if (owner.kind === "struct") {
            for (const m of owner.members) if (m.symbol === symbol) return m.type;
          }
        }
        return this.resolveTypeRef((symbol.decl as StructMember).type);
      }
      case "function": {
        const decl = symbol.decl as FunctionDecl;
        return decl.returnType ? this.resolveTypeRef(decl.returnType) : unknownType(`'${symbol.name}' returns no value`);
      }
      case "struct":
        return this.structType(symbol);
      case "alias":
        return this.aliasType(symbol);
    }
  }

  private structType(symbol: WgslSymbol): WgslType {
    const cached = this.structTypes.get(symbol);
    if (cached) return cached;
    if (this.typesInProgress.has(symbol)) return unknownType(`struct '${symbol.name}' contains itself`);
    this.typesInProgress.add(symbol);
    let t: WgslType;
    try {
      t = this.layoutStruct(symbol);
    } catch (error) {
      t = unknownType(`internal error while laying out '${symbol.name}': ${String(error)}`);
    } finally {
      this.typesInProgress.delete(symbol);
    }
    this.structTypes.set(symbol, t);
    return t;
  }

  /** WGSL struct layout: each member at roundUp(align, previous end); size rounded up to the largest alignment. */
  private layoutStruct(symbol: WgslSymbol): StructType {
    const decl = symbol.decl as StructDecl;
    const members: StructMemberType[] = [];
    let offset = 0;
    let structAlign = 1;
    let complete = true;
    decl.members.forEach((m, i) => {
      const type = this.resolveTypeRef(m.type);
      let align = alignOf(type);
      let size = sizeOf(type);
      const alignAttr = attributeNamed(m.attributes, "align");
      const sizeAttr = attributeNamed(m.attributes, "size");
      const alignValue = alignAttr?.args[0] ? this.evalInt(alignAttr.args[0], false, 0) : null;
      const sizeValue = sizeAttr?.args[0] ? this.evalInt(sizeAttr.args[0], false, 0) : null;
      if (alignValue !== null && alignValue > 0) align = alignValue;
      if (sizeValue !== null && sizeValue >= 0) size = sizeValue;
      if (align === null || size === null) {
        complete = false;
        align ??= 1;
        size ??= 0;
      }
      offset = roundUp(align, offset);
      const memberSymbol = symbol.members[i];
      members.push(
        memberSymbol
          ? { name: m.name.name, type, offset, size, align, symbol: memberSymbol }
          : { name: m.name.name, type, offset, size, align },
      );
      offset += size;
      structAlign = Math.max(structAlign, align);
    });
    const last = members[members.length - 1];
    const runtimeSized = last !== undefined && last.type.kind === "array" && last.type.count === "runtime";
    return {
      kind: "struct",
      name: symbol.name,
      members,
      size: roundUp(structAlign, offset),
      align: structAlign,
      layoutComplete: complete,
      runtimeSized,
      symbol,
    };
  }

  private aliasType(symbol: WgslSymbol): WgslType {
    const cached = this.structTypes.get(symbol);
    if (cached) return cached;
    if (this.typesInProgress.has(symbol)) return unknownType(`alias '${symbol.name}' refers to itself`);
    this.typesInProgress.add(symbol);
    let t: WgslType;
    try {
      t = this.resolveTypeRef((symbol.decl as AliasDecl).type);
    } catch (error) {
      t = unknownType(`internal error while resolving '${symbol.name}': ${String(error)}`);
    } finally {
      this.typesInProgress.delete(symbol);
    }
    this.structTypes.set(symbol, t);
    return t;
  }

  // ----- types as written ---------------------------------------------------------------------------------------

  resolveTypeRef(typeRef: TypeRef): WgslType {
    const cached = this.typeRefTypes.get(typeRef);
    if (cached) return cached;
    let t: WgslType;
    try {
      t = this.typeFromName(typeRef.name, typeRef.args);
    } catch (error) {
      t = unknownType(`internal error while resolving a type: ${String(error)}`);
    }
    this.typeRefTypes.set(typeRef, t);
    return t;
  }

  typeOfTemplateArg(arg: TemplateArg): WgslType {
    if (arg.kind === "typeRef") return this.resolveTypeRef(arg);
    // The parser may hand a type in a template list over as an identifier expression (`vec3<f32>` in `array<…>`).
    if (arg.kind === "ident") return this.typeFromName(arg.name, arg.templateArgs ?? []);
    if (arg.kind === "paren") return this.typeOfTemplateArg(arg.expr);
    return unknownType(`'${exprToString(arg)}' is not a type`);
  }

  private typeFromName(ident: Ident, args: readonly TemplateArg[]): WgslType {
    const s = this.lookup(ident);
    if (s) {
      if (s.kind === "struct") return this.structType(s);
      if (s.kind === "alias") return this.aliasType(s);
      return unknownType(`'${s.name}' is a ${describeKind(s.kind)}, not a type`);
    }
    return this.builtinType(ident.name, args);
  }

  private builtinType(name: string, args: readonly TemplateArg[]): WgslType {
    const scalar = CONCRETE_SCALARS.get(name);
    if (scalar) return scalar;
    const alias = PREDECLARED_ALIASES.get(name);
    if (alias) return alias;
    const vec = /^vec([234])$/.exec(name);
    if (vec) {
      const component = this.scalarArg(args[0], name);
      return component.kind === "scalar" ? vectorOf(Number(vec[1]) as 2 | 3 | 4, component) : component;
    }
    const mat = /^mat([234])x([234])$/.exec(name);
    if (mat) {
      const component = this.scalarArg(args[0], name);
      return component.kind === "scalar"
        ? matrixOf(Number(mat[1]) as 2 | 3 | 4, Number(mat[2]) as 2 | 3 | 4, component)
        : component;
    }
    switch (name) {
      case "array": {
        if (!args[0]) return unknownType("'array' needs an element type");
        const element = this.typeOfTemplateArg(args[0]);
        return { kind: "array", element, count: args[1] ? this.arrayCount(args[1]) : "runtime" };
      }
      case "atomic": {
        const inner = this.scalarArg(args[0], name);
        return inner.kind === "scalar" ? { kind: "atomic", inner } : inner;
      }
      case "ptr": {
        const addressSpace = enumerantOf(args[0]);
        if (addressSpace === undefined) return unknownType("'ptr' needs an address space");
        if (!args[1]) return unknownType("'ptr' needs a store type");
        const store = this.typeOfTemplateArg(args[1]);
        return { kind: "ptr", addressSpace, store, access: enumerantOf(args[2]) ?? defaultAccess(addressSpace) };
      }
      case "sampler":
      case "sampler_comparison":
        return { kind: "sampler", name };
      case "texture_external":
        return { kind: "texture", name };
    }
    if (SAMPLED_TEXTURES.has(name)) {
      const sampled = this.scalarArg(args[0], name);
      return sampled.kind === "scalar" ? { kind: "texture", name, sampled } : sampled;
    }
    if (DEPTH_TEXTURES.has(name)) return { kind: "texture", name };
    if (STORAGE_TEXTURES.has(name)) {
      const format = enumerantOf(args[0]);
      if (format === undefined) return unknownType(`'${name}' needs a texel format`);
      return { kind: "texture", name, format, access: enumerantOf(args[1]) ?? "write" };
    }
    return unknownType(`unknown type '${name}'`);
  }

  private scalarArg(arg: TemplateArg | undefined, owner: string): ScalarType | UnknownType {
    if (!arg) return unknownType(`'${owner}' needs a component type`);
    const t = this.typeOfTemplateArg(arg);
    if (t.kind === "scalar" || t.kind === "unknown") return t;
    return unknownType(`'${owner}' needs a scalar type, not ${typeToString(t)}`);
  }

  private arrayCount(arg: TemplateArg): ArrayCount {
    let expr: Expr;
    if (arg.kind === "typeRef") {
      // A bare name in a template list may come back as a type reference even when it names a constant.
      if (arg.args.length > 0) return { expr: { kind: "error", span: arg.span } };
      expr = { kind: "ident", name: arg.name, span: arg.span } satisfies IdentExpr;
    } else {
      expr = arg;
    }
    const value = this.evalInt(expr, false, 0);
    return value !== null && value >= 0 ? value : { expr };
  }

  // ----- constant folding ---------------------------------------------------------------------------------------

  evalInt(e: Expr, overrideDefaults: boolean, depth: number): number | null {
    if (depth > 200) return null; // deeper than any real constant expression; guards the recursion
    switch (e.kind) {
      case "literal":
        if (e.literalType !== "int" || typeof e.value !== "number" || e.suffix === "f" || e.suffix === "h") return null;
        return Number.isFinite(e.value) ? e.value : null;
      case "paren":
        return this.evalInt(e.expr, overrideDefaults, depth + 1);
      case "unary": {
        const v = this.evalInt(e.operand, overrideDefaults, depth + 1);
        if (v === null) return null;
        if (e.op === "-") return -v;
        if (e.op === "~") return ~v;
        return null;
      }
      case "binary": {
        const l = this.evalInt(e.left, overrideDefaults, depth + 1);
        if (l === null) return null;
        const r = this.evalInt(e.right, overrideDefaults, depth + 1);
        if (r === null) return null;
        return foldIntBinary(e.op, l, r);
      }
      case "ident": {
        const symbol = this.lookup(e.name);
        return symbol ? this.symbolValue(symbol, overrideDefaults, depth) : null;
      }
      case "call": {
        const values: number[] = [];
        for (const a of e.args) {
          const v = this.evalInt(a, overrideDefaults, depth + 1);
          if (v === null) return null;
          values.push(v);
        }
        if (this.lookup(e.callee)) return null;
        const [a, b] = values;
        switch (e.callee.name) {
          case "i32":
          case "u32":
            return values.length === 1 ? a! : null;
          case "abs":
            return values.length === 1 ? Math.abs(a!) : null;
          case "min":
            return values.length === 2 ? Math.min(a!, b!) : null;
          case "max":
            return values.length === 2 ? Math.max(a!, b!) : null;
          default:
            return null;
        }
      }
      default:
        return null;
    }
  }

  private symbolValue(symbol: WgslSymbol, overrideDefaults: boolean, depth: number): number | null {
    const isConst = symbol.kind === "const";
    const isOverride = symbol.kind === "override";
    if (!isConst && !(isOverride && overrideDefaults)) return null;
    const memo = isConst ? this.constValues : this.overrideValues;
    const cached = memo.get(symbol);
    if (cached !== undefined) return cached;
    if (this.valuesInProgress.has(symbol)) return null;
    const init = (symbol.decl as ValueDecl).init;
    if (!init) return null;
    this.valuesInProgress.add(symbol);
    let v: number | null;
    try {
      v = this.evalInt(init, overrideDefaults, depth + 1);
    } finally {
      this.valuesInProgress.delete(symbol);
    }
    // A const's value does not depend on overrides, so it is shared between both evaluation modes.
    memo.set(symbol, v);
    return v;
  }

  // ----- expressions --------------------------------------------------------------------------------------------

  typeOfExpr(expr: Expr): WgslType {
    const cached = this.exprTypes.get(expr);
    if (cached) return cached;
    let t: WgslType;
    try {
      t = this.computeExprType(expr);
    } catch (error) {
      t = unknownType(`internal error while typing an expression: ${String(error)}`);
    }
    this.exprTypes.set(expr, t);
    return t;
  }

  private computeExprType(e: Expr): WgslType {
    switch (e.kind) {
      case "literal":
        return literalType(e);
      case "ident":
        return this.identType(e);
      case "call":
        return this.callType(e);
      case "binary":
        return this.binaryType(e);
      case "unary":
        return this.unaryType(e);
      case "index":
        return this.indexType(e);
      case "member":
        return this.memberType(e);
      case "paren":
        return this.typeOfExpr(e.expr);
      case "error":
        return unknownType("the expression does not parse");
    }
  }

  private identType(e: IdentExpr): WgslType {
    const s = this.lookup(e.name);
    const name = e.name.name;
    if (!s) {
      if (isBuiltinTypeName(name)) return unknownType(`'${name}' is a type, not a value`);
      if (isBuiltinFunctionName(name)) return unknownType(`'${name}' is a function, not a value`);
      return unknownType(`'${name}' is not declared`);
    }
    switch (s.kind) {
      case "struct":
      case "alias":
        return unknownType(`'${name}' is a type, not a value`);
      case "function":
        return unknownType(`'${name}' is a function, not a value`);
      default:
        return this.typeOfSymbol(s);
    }
  }

  private callType(e: CallExpr): WgslType {
    // Every argument is typed even when the result does not depend on it, so that all expressions have a type.
    const argTypes: WgslType[] = [];
    for (const a of e.args) argTypes.push(this.typeOfExpr(a));
    const name = e.callee.name;
    const s = this.lookup(e.callee);
    if (s) {
      switch (s.kind) {
        case "function":
          return this.typeOfSymbol(s);
        case "struct":
          return this.structType(s);
        case "alias":
          return this.aliasType(s);
        default:
          return unknownType(`'${name}' is a ${describeKind(s.kind)}, not a function`);
      }
    }
    if (name === "bitcast") {
      const target = e.templateArgs?.[0];
      return target ? this.typeOfTemplateArg(target) : unknownType("'bitcast' needs a target type");
    }
    if (isBuiltinTypeName(name)) return this.constructorType(name, e.templateArgs ?? [], argTypes);
    const rule = RETURN_RULES.get(name);
    if (rule) return this.applyRule(name, rule, argTypes);
    return unknownType(`'${name}' is not declared`);
  }

  /** Value constructors: `f32(x)`, `vec4f(…)`, `vec4<f32>(…)`, `vec3(1.0, 2.0, 3.0)`, `array(…)`, `mat2x2(…)`. */
  private constructorType(name: string, templateArgs: readonly TemplateArg[], argTypes: readonly WgslType[]): WgslType {
    const inferable = /^(?:vec[234]|mat[234]x[234]|array)$/.test(name);
    if (!inferable || templateArgs.length > 0) return this.builtinType(name, templateArgs);
    // No template list: the component (or element) type comes from the arguments.
    for (const t of argTypes) if (t.kind === "unknown") return t;
    if (name === "array") {
      if (argTypes.length === 0) return unknownType("'array()' needs an element type");
      return { kind: "array", element: commonType(argTypes), count: argTypes.length };
    }
    let component: ScalarType | null = null;
    for (const t of argTypes) {
      const s = scalarOf(t);
      if (!s) return unknownType(`cannot build '${name}' from ${typeToString(t)}`);
      component = component ? commonScalar(component, s) : s;
    }
    if (!component) return unknownType(`'${name}()' needs a component type`);
    const vec = /^vec([234])$/.exec(name);
    if (vec) return vectorOf(Number(vec[1]) as 2 | 3 | 4, component);
    const mat = /^mat([234])x([234])$/.exec(name)!;
    // Matrices are floating point: integer literals among the arguments become AbstractFloat.
    if (component.name === "abstract-int") component = AFLOAT;
    return matrixOf(Number(mat[1]) as 2 | 3 | 4, Number(mat[2]) as 2 | 3 | 4, component);
  }

  private applyRule(name: string, rule: ReturnRule, args: readonly WgslType[]): WgslType {
    const first = args[0];
    const needFirst = (): WgslType | null => {
      if (!first) return unknownType(`'${name}' needs an argument`);
      return first.kind === "unknown" ? first : null;
    };
    switch (rule) {
      case "common":
        return args.length ? commonType(args) : unknownType(`'${name}' needs an argument`);
      case "common2":
        return args.length ? commonType(args.slice(0, 2)) : unknownType(`'${name}' needs an argument`);
      case "first":
        return needFirst() ?? first!;
      case "component": {
        if (!args.length) return unknownType(`'${name}' needs an argument`);
        const t = commonType(args);
        if (t.kind === "unknown") return t;
        return scalarOf(t) ?? unknownType(`'${name}' needs a numeric argument, not ${typeToString(t)}`);
      }
      case "bool":
        return BOOL;
      case "u32":
        return U32;
      case "i32":
        return I32;
      case "f32":
        return F32;
      case "vec4f":
        return vectorOf(4, F32);
      case "vec2f":
        return vectorOf(2, F32);
      case "vec4i":
        return vectorOf(4, I32);
      case "vec4u":
        return vectorOf(4, U32);
      case "void":
        return unknownType(`'${name}' returns no value`);
      case "transpose": {
        const bad = needFirst();
        if (bad) return bad;
        return first!.kind === "matrix"
          ? matrixOf(first!.rows, first!.cols, first!.component)
          : unknownType(`'transpose' needs a matrix, not ${typeToString(first!)}`);
      }
      case "atomic":
      case "cmpxchg": {
        const bad = needFirst();
        if (bad) return bad;
        const pointee = derefType(first!);
        if (pointee.kind !== "atomic") return unknownType(`'${name}' needs a pointer to an atomic, not ${typeToString(first!)}`);
        if (rule === "atomic") return pointee.inner;
        return builtinStruct(`__atomic_compare_exchange_result_${pointee.inner.name}`, [
          ["old_value", pointee.inner],
          ["exchanged", BOOL],
        ]);
      }
      case "modf":
      case "frexp": {
        const bad = needFirst();
        if (bad) return bad;
        const t = first!;
        if (t.kind !== "scalar" && t.kind !== "vector") return unknownType(`'${name}' needs a float scalar or vector`);
        // An integer literal argument is converted to AbstractFloat, as for every float-only builtin.
        const arg: ScalarType | VectorType =
          t.kind === "scalar"
            ? t.name === "abstract-int" ? AFLOAT : t
            : t.component.name === "abstract-int" ? vectorOf(t.n, AFLOAT) : t;
        const suffix = resultStructSuffix(arg);
        if (rule === "modf") return builtinStruct(`__modf_result_${suffix}`, [["fract", arg], ["whole", arg]]);
        const expScalar = arg.kind === "scalar" ? (isAbstract(arg) ? AINT : I32) : isAbstract(arg.component) ? AINT : I32;
        const exp: WgslType = arg.kind === "vector" ? vectorOf(arg.n, expScalar) : expScalar;
        return builtinStruct(`__frexp_result_${suffix}`, [["fract", arg], ["exp", exp]]);
      }
      case "pointee": {
        const bad = needFirst();
        if (bad) return bad;
        return first!.kind === "ptr" ? first!.store : unknownType(`'${name}' needs a pointer, not ${typeToString(first!)}`);
      }
      case "texSample":
      case "texGather":
      case "texLoad":
      case "texDims":
        return this.textureResult(name, rule, args);
      case "bitcast":
        return unknownType("'bitcast' needs a target type");
    }
  }

  private textureResult(name: string, rule: "texSample" | "texGather" | "texLoad" | "texDims", args: readonly WgslType[]): WgslType {
    // textureGather's first argument is the component index for colour textures, so look for the texture.
    const texture = args.find((a): a is TextureType => a.kind === "texture");
    if (!texture) {
      const unknownArg = args.find((a) => a.kind === "unknown");
      return unknownArg ?? unknownType(`'${name}' needs a texture argument`);
    }
    const depth = DEPTH_TEXTURES.has(texture.name);
    switch (rule) {
      case "texSample":
        return depth ? F32 : vectorOf(4, F32);
      case "texGather":
        return vectorOf(4, texture.sampled ?? F32);
      case "texLoad":
        if (depth) return F32;
        if (texture.format !== undefined) return vectorOf(4, formatChannelType(texture.format));
        return vectorOf(4, texture.sampled ?? F32);
      case "texDims":
        if (texture.name === "texture_1d" || texture.name === "texture_storage_1d") return U32;
        if (texture.name === "texture_3d" || texture.name === "texture_storage_3d") return vectorOf(3, U32);
        return vectorOf(2, U32);
    }
  }

  private binaryType(e: BinaryExpr): WgslType {
    const l = this.typeOfExpr(e.left);
    const r = this.typeOfExpr(e.right);
    switch (e.op) {
      case "&&":
      case "||":
        return BOOL;
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=": {
        if (l.kind === "unknown") return l;
        if (r.kind === "unknown") return r;
        if (l.kind === "vector") return vectorOf(l.n, BOOL);
        if (r.kind === "vector") return vectorOf(r.n, BOOL);
        return BOOL;
      }
      case "<<":
      case ">>": {
        if (l.kind === "unknown") return l;
        if (r.kind === "unknown") return r;
        // The shifted value keeps its type; an abstract one meets a runtime shift amount as i32.
        const rs = scalarOf(r);
        const ls = scalarOf(l);
        if (ls && ls.name === "abstract-int" && rs && !isAbstract(rs)) return l.kind === "vector" ? vectorOf(l.n, I32) : I32;
        return l;
      }
      default:
        return arithmeticType(e.op, l, r);
    }
  }

  operandTypeOf(e: BinaryExpr): WgslType {
    const l = this.typeOfExpr(e.left);
    const r = this.typeOfExpr(e.right);
    if (l.kind === "unknown") return l;
    if (r.kind === "unknown") return r;
    if (e.op === "<<" || e.op === ">>") return this.typeOfExpr(e);
    if (l.kind === "matrix" && r.kind !== "matrix") return matrixOf(l.cols, l.rows, scalarOf(r) ? commonScalar(l.component, scalarOf(r)!) : l.component);
    if (r.kind === "matrix" && l.kind !== "matrix") return matrixOf(r.cols, r.rows, scalarOf(l) ? commonScalar(scalarOf(l)!, r.component) : r.component);
    return commonPair(l, r);
  }

  private unaryType(e: UnaryExpr): WgslType {
    const t = this.typeOfExpr(e.operand);
    switch (e.op) {
      case "-":
      case "~":
      case "!":
        return t;
      case "&": {
        const view = this.memoryViewOf(e.operand);
        if (!view) return t.kind === "unknown" ? t : unknownType("'&' needs a variable or a part of one");
        return { kind: "ptr", addressSpace: view.addressSpace, store: view.type, access: view.access };
      }
      case "*":
        if (t.kind === "ptr") return t.store;
        return t.kind === "unknown" ? t : unknownType(`'*' needs a pointer, not ${typeToString(t)}`);
    }
  }

  private indexType(e: IndexExpr): WgslType {
    this.typeOfExpr(e.index);
    const base = derefType(this.typeOfExpr(e.base));
    switch (base.kind) {
      case "array":
        return base.element;
      case "vector":
        return base.component;
      case "matrix":
        return vectorOf(base.rows, base.component);
      case "unknown":
        return base;
      default:
        return unknownType(`cannot index ${typeToString(base)}`);
    }
  }

  private memberType(e: MemberExpr): WgslType {
    const base = derefType(this.typeOfExpr(e.base));
    const name = e.member.name;
    switch (base.kind) {
      case "struct": {
        for (const m of base.members) if (m.name === name) return m.type;
        return unknownType(`struct '${base.name}' has no member '${name}'`);
      }
      case "vector": {
        if (!SWIZZLE.test(name)) return unknownType(`'${name}' is not a vector swizzle`);
        // Every letter must address a component the vector has (`v.z` on a vec2 is invalid).
        for (const ch of name) {
          if ("xyzwrgba".indexOf(ch) % 4 >= base.n) return unknownType(`'${name}' is out of range for ${typeToString(base)}`);
        }
        return name.length === 1 ? base.component : vectorOf(name.length as 2 | 3 | 4, base.component);
      }
      case "unknown":
        return base;
      default:
        return unknownType(`${typeToString(base)} has no member '${name}'`);
    }
  }

  // ----- memory -------------------------------------------------------------------------------------------------

  memoryViewOf(e: Expr): MemoryView | null {
    try {
      return this.computeMemoryView(e, 0);
    } catch {
      return null;
    }
  }

  private computeMemoryView(e: Expr, depth: number): MemoryView | null {
    if (depth > 200) return null;
    switch (e.kind) {
      case "paren":
        return this.computeMemoryView(e.expr, depth + 1);
      case "ident": {
        const s = this.lookup(e.name);
        if (!s) return null;
        if (s.kind !== "var" && s.kind !== "local-var") return null;
        const addressSpace = this.addressSpaceOf(s);
        const written = (s.decl as VarDecl).accessMode?.name;
        return { root: s, addressSpace, access: written ?? defaultAccess(addressSpace), type: this.typeOfSymbol(s) };
      }
      case "unary": {
        if (e.op !== "*") return null;
        const p = this.typeOfExpr(e.operand);
        if (p.kind !== "ptr") return null;
        return { root: this.pointerRoot(e.operand, depth + 1), addressSpace: p.addressSpace, access: p.access, type: p.store };
      }
      case "index":
      case "member": {
        // A multi-letter swizzle makes a new value; only single components of a vector stay in memory.
        if (e.kind === "member" && e.member.name.length > 1 && derefType(this.typeOfExpr(e.base)).kind === "vector") return null;
        let base = this.computeMemoryView(e.base, depth + 1);
        if (!base) {
          const bt = this.typeOfExpr(e.base);
          if (bt.kind !== "ptr") return null;
          base = { root: this.pointerRoot(e.base, depth + 1), addressSpace: bt.addressSpace, access: bt.access, type: bt.store };
        }
        return { root: base.root, addressSpace: base.addressSpace, access: base.access, type: this.typeOfExpr(e) };
      }
      default:
        return null;
    }
  }

  /** What a pointer expression points into: `&x` → x, a pointer parameter → itself, `let p = &x` → x. */
  private pointerRoot(e: Expr, depth: number): WgslSymbol | null {
    if (depth > 200) return null;
    switch (e.kind) {
      case "paren":
        return this.pointerRoot(e.expr, depth + 1);
      case "unary":
        return e.op === "&" ? this.computeMemoryView(e.operand, depth + 1)?.root ?? null : null;
      case "ident": {
        const s = this.lookup(e.name);
        if (!s) return null;
        if (s.kind === "param") return s;
        if (s.kind === "let" || s.kind === "const" || s.kind === "local-var") {
          const init = (s.decl as ValueDecl | VarDecl).init;
          return init ? this.pointerRoot(init, depth + 1) : null;
        }
        return null;
      }
      default:
        return null;
    }
  }

  private addressSpaceOf(s: WgslSymbol): string {
    const written = (s.decl as VarDecl).addressSpace?.name;
    if (written) return written;
    if (s.kind === "local-var") return "function";
    // A module-scope var without an address space is a texture or sampler, which live in the handle space.
    return "handle";
  }
}

function literalType(e: LiteralExpr): ScalarType {
  switch (e.suffix) {
    case "i":
      return I32;
    case "u":
      return U32;
    case "f":
      return F32;
    case "h":
      return F16;
    default:
      if (e.literalType === "bool") return BOOL;
      return e.literalType === "float" ? AFLOAT : AINT;
  }
}

/** Arithmetic and bitwise operators: WGSL's vector/scalar splatting and the matrix products. */
function arithmeticType(op: BinaryOp, l: WgslType, r: WgslType): WgslType {
  if (l.kind === "unknown") return l;
  if (r.kind === "unknown") return r;
  const mismatch = (): UnknownType => unknownType(`cannot apply '${op}' to ${typeToString(l)} and ${typeToString(r)}`);
  if (l.kind === "matrix" || r.kind === "matrix") {
    if (l.kind === "matrix" && r.kind === "matrix") {
      const c = commonScalar(l.component, r.component);
      if (op === "*") return l.cols === r.rows ? matrixOf(r.cols, l.rows, c) : mismatch();
      if (op === "+" || op === "-") return l.cols === r.cols && l.rows === r.rows ? matrixOf(l.cols, l.rows, c) : mismatch();
      return mismatch();
    }
    if (op !== "*") return mismatch();
    if (l.kind === "matrix" && r.kind === "vector") {
      return r.n === l.cols ? vectorOf(l.rows, commonScalar(l.component, r.component)) : mismatch();
    }
    if (l.kind === "vector" && r.kind === "matrix") {
      return l.n === r.rows ? vectorOf(r.cols, commonScalar(l.component, r.component)) : mismatch();
    }
    if (l.kind === "matrix" && r.kind === "scalar") return matrixOf(l.cols, l.rows, commonScalar(l.component, r));
    if (l.kind === "scalar" && r.kind === "matrix") return matrixOf(r.cols, r.rows, commonScalar(l, r.component));
    return mismatch();
  }
  if (l.kind === "vector" && r.kind === "vector") {
    return l.n === r.n ? vectorOf(l.n, commonScalar(l.component, r.component)) : mismatch();
  }
  if (l.kind === "vector" && r.kind === "scalar") return vectorOf(l.n, commonScalar(l.component, r));
  if (l.kind === "scalar" && r.kind === "vector") return vectorOf(r.n, commonScalar(l, r.component));
  if (l.kind === "scalar" && r.kind === "scalar") return commonScalar(l, r);
  return mismatch();
}

function foldIntBinary(op: BinaryOp, l: number, r: number): number | null {
  switch (op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return r === 0 ? null : Math.trunc(l / r);
    case "%":
      return r === 0 ? null : l % r;
    case "<<":
      return r < 0 || r > 63 ? null : l * 2 ** r;
    case ">>":
      return r < 0 || r > 63 ? null : Math.floor(l / 2 ** r);
    case "&":
      return l & r;
    case "|":
      return l | r;
    case "^":
      return l ^ r;
    default:
      return null;
  }
}

function formatChannelType(format: string): ScalarType {
  if (format.endsWith("uint")) return U32;
  if (format.endsWith("sint")) return I32;
  return F32;
}

function enumerantOf(arg: TemplateArg | undefined): string | undefined {
  if (!arg) return undefined;
  if (arg.kind === "typeRef") return arg.args.length === 0 ? arg.name.name : undefined;
  if (arg.kind === "ident") return arg.templateArgs ? undefined : arg.name.name;
  return undefined;
}

function describeKind(kind: WgslSymbol["kind"]): string {
  switch (kind) {
    case "local-var":
      return "variable";
    case "var":
      return "module-scope variable";
    case "param":
      return "parameter";
    case "member":
      return "struct member";
    default:
      return kind;
  }
}
