// WGSL's type model as data: the shapes of types, where memory an expression denotes lives, and what inference answers.
//
// Types only, shared by ./types (which computes them) and ./resolveTypes (a resolution carries its `TypeInfo`), so
// that ./types and ./resolve need not import each other for them. ./types re-exports every name here.
import type { BinaryExpr, Expr, TemplateArg } from "./ast";
import type { WgslSymbol } from "./symbols";

export type ScalarName = "bool" | "i32" | "u32" | "f32" | "f16" | "abstract-int" | "abstract-float";

export interface ScalarType {
  readonly kind: "scalar";
  readonly name: ScalarName;
}

export interface VectorType {
  readonly kind: "vector";
  readonly n: 2 | 3 | 4;
  readonly component: ScalarType;
}

export interface MatrixType {
  readonly kind: "matrix";
  readonly cols: 2 | 3 | 4;
  readonly rows: 2 | 3 | 4;
  readonly component: ScalarType;
}

/** A literal or constant element count, a runtime-sized array, or a count that is not constant (an override). */
export type ArrayCount = number | "runtime" | { readonly expr: Expr };

export interface ArrayType {
  readonly kind: "array";
  readonly element: WgslType;
  readonly count: ArrayCount;
}

export interface StructMemberType {
  readonly name: string;
  readonly type: WgslType;
  readonly offset: number;
  readonly size: number;
  readonly align: number;
  /** The member's symbol for user structs; absent for the result structs of builtins such as `modf`. */
  readonly symbol?: WgslSymbol;
}

export interface StructType {
  readonly kind: "struct";
  readonly name: string;
  readonly members: readonly StructMemberType[];
  readonly size: number;
  readonly align: number;
  /** False when some member's size or alignment is unknown: offsets after it are then a lower bound. */
  readonly layoutComplete: boolean;
  /** True when the last member is a runtime-sized array; `size` then counts one element of it. */
  readonly runtimeSized: boolean;
  readonly symbol?: WgslSymbol;
}

export interface AtomicType {
  readonly kind: "atomic";
  readonly inner: ScalarType;
}

export interface PtrType {
  readonly kind: "ptr";
  readonly addressSpace: string;
  readonly store: WgslType;
  readonly access: string;
}

export interface TextureType {
  readonly kind: "texture";
  /** Base name without template arguments, e.g. `texture_2d`, `texture_storage_2d`, `texture_depth_2d`. */
  readonly name: string;
  /** Sampled type of sampled and multisampled textures. */
  readonly sampled?: ScalarType;
  /** Texel format and access mode of storage textures. */
  readonly format?: string;
  readonly access?: string;
}

export interface SamplerType {
  readonly kind: "sampler";
  readonly name: "sampler" | "sampler_comparison";
}

export interface UnknownType {
  readonly kind: "unknown";
  readonly reason: string;
}

export type WgslType =
  | ScalarType
  | VectorType
  | MatrixType
  | ArrayType
  | StructType
  | AtomicType
  | PtrType
  | TextureType
  | SamplerType
  | UnknownType;

/** Where an expression that denotes memory lives: the root variable (or pointer parameter), address space, access. */
export interface MemoryView {
  /** The variable (or the pointer parameter it was reached through) the memory belongs to; null when unknown. */
  readonly root: WgslSymbol | null;
  readonly addressSpace: string;
  readonly access: string;
  /** The store type of the memory this expression denotes, e.g. `f32` for `buf.data[i]`. */
  readonly type: WgslType;
}

export interface TypeInfo {
  /** The value type of any expression (memoised; expressions outside the resolved module are typed on demand). */
  typeOfExpr(expr: Expr): WgslType;
  /** The type a symbol's uses have: a variable's store type, a parameter's type, a function's return type. */
  typeOfSymbol(symbol: WgslSymbol): WgslType;
  /** The type to show for a declaration: as declared, or the initializer's type concretised as WGSL does for let/var. */
  typeOfDeclaration(symbol: WgslSymbol): WgslType;
  /** The type written in a template argument or type position. */
  typeOfTemplateArg(arg: TemplateArg): WgslType;
  /**
   * The type a binary operation computes in: for component-wise operations (arithmetic, bitwise, comparisons) the
   * operands' common type after WGSL's conversions and vector splatting; for matrix products the matrix operand.
   */
  operandTypeOf(expr: BinaryExpr): WgslType;
  /** The memory an expression denotes (`buf.data[i]`, `*p`, `v.x`), or null for plain values. */
  memoryViewOf(expr: Expr): MemoryView | null;
}
