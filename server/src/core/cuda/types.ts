// CUDA C++ types as the cost model needs them: scalars by arithmetic class, vector types (float4, half2), pointers,
// arrays, structs with their C layout, and the few library types kernels use (dim3, wmma fragments).
import type { OpClass } from "../kernel/ir";
import type { VExpr } from "../kernel/vexpr";

/** Scalar kinds: floats by format, integers by width and signedness. */
export type Scalar = "f64" | "f32" | "f16" | "bf16" | "fp8" | "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "i64" | "u64" | "bool";

export type CType =
  | { readonly k: "scalar"; readonly s: Scalar; readonly name: string }
  | { readonly k: "vector"; readonly s: Scalar; readonly n: number; readonly name: string; readonly align: number }
  | { readonly k: "ptr"; readonly to: CType; readonly readonly: boolean }
  | { readonly k: "ref"; readonly to: CType }
  | { readonly k: "array"; readonly of: CType; readonly count: VExpr | null }
  | { readonly k: "struct"; readonly name: string; readonly fields: readonly StructField[]; readonly size: number; readonly align: number }
  /** A wmma fragment: `use` is matrix_a, matrix_b or accumulator; m x n x k; its element type. */
  | { readonly k: "fragment"; readonly use: string; readonly m: number; readonly n: number; readonly kk: number; readonly s: Scalar; readonly name: string }
  /** A cooperative-groups handle (thread_block, a tiled partition of `size` threads, the grid). */
  | { readonly k: "group"; readonly scope: "block" | "tile" | "grid" | "warp"; readonly size?: number }
  | { readonly k: "void" }
  | { readonly k: "unknown"; readonly name: string };

export interface StructField {
  readonly name: string;
  readonly type: CType;
  readonly offset: number;
}

export const VOID: CType = { k: "void" };
export const unknownType = (name: string): CType => ({ k: "unknown", name });
export const scalar = (s: Scalar, name: string = SCALAR_NAME[s]): CType => ({ k: "scalar", s, name });

const SCALAR_NAME: Record<Scalar, string> = {
  f64: "double", f32: "float", f16: "half", bf16: "__nv_bfloat16", fp8: "__nv_fp8_e4m3", i8: "signed char", u8: "unsigned char",
  i16: "short", u16: "unsigned short", i32: "int", u32: "unsigned int", i64: "long long", u64: "unsigned long long", bool: "bool",
};

export const F32 = scalar("f32");
export const I32 = scalar("i32");
export const U32 = scalar("u32");
export const BOOL = scalar("bool");
export const I64 = scalar("i64");
export const U64 = scalar("u64");
export const F16 = scalar("f16");
export const BF16 = scalar("bf16");
export const DIM3: CType = { k: "vector", s: "u32", n: 3, name: "dim3", align: 4 };
export const UINT3: CType = { k: "vector", s: "u32", n: 3, name: "uint3", align: 4 };

const SCALAR_BYTES: Record<Scalar, number> = { f64: 8, f32: 4, f16: 2, bf16: 2, fp8: 1, i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4, i64: 8, u64: 8, bool: 1 };

/** Scalar type names: C's, the fixed-width ones, CUDA's half, bfloat16 and fp8 types. */
const SCALARS: Readonly<Record<string, Scalar>> = {
  float: "f32", double: "f64", half: "f16", __half: "f16", __nv_half: "f16", nv_half: "f16", __half_raw: "f16",
  __nv_bfloat16: "bf16", nv_bfloat16: "bf16", __bfloat16: "bf16", bfloat16: "bf16", bf16: "bf16", __nv_bfloat16_raw: "bf16",
  __nv_fp8_e4m3: "fp8", __nv_fp8_e5m2: "fp8", __nv_fp8_storage_t: "fp8", fp8e4m3: "fp8", __nv_fp8_e8m0: "fp8",
  char: "i8", "signed char": "i8", "unsigned char": "u8", int8_t: "i8", uint8_t: "u8", uchar: "u8",
  short: "i16", "short int": "i16", "unsigned short": "u16", "unsigned short int": "u16", int16_t: "i16", uint16_t: "u16", ushort: "u16",
  int: "i32", signed: "i32", "signed int": "i32", unsigned: "u32", "unsigned int": "u32", int32_t: "i32", uint32_t: "u32", uint: "u32",
  long: "i64", "long int": "i64", "unsigned long": "u64", "unsigned long int": "u64", "long long": "i64", "long long int": "i64",
  "unsigned long long": "u64", "unsigned long long int": "u64", int64_t: "i64", uint64_t: "u64", size_t: "u64", ptrdiff_t: "i64",
  ssize_t: "i64", intptr_t: "i64", uintptr_t: "u64", ulong: "u64", longlong: "i64", ulonglong: "u64", bool: "bool",
  index_t: "i64", cudaError_t: "i32",
};

/** CUDA's vector types: element scalar and width; alignment as the headers declare it. */
const VECTOR_BASES: Readonly<Record<string, Scalar>> = {
  char: "i8", uchar: "u8", short: "i16", ushort: "u16", int: "i32", uint: "u32", long: "i64", ulong: "u64",
  longlong: "i64", ulonglong: "u64", float: "f32", double: "f64",
};

/** Packed 16-bit and 8-bit float pairs and quads. */
const PACKED: Readonly<Record<string, { s: Scalar; n: number }>> = {
  half2: { s: "f16", n: 2 }, __half2: { s: "f16", n: 2 }, __nv_half2: { s: "f16", n: 2 }, __half2_raw: { s: "f16", n: 2 },
  __nv_bfloat162: { s: "bf16", n: 2 }, nv_bfloat162: { s: "bf16", n: 2 }, __nv_bfloat162_raw: { s: "bf16", n: 2 }, bfloat162: { s: "bf16", n: 2 },
  __nv_fp8x2_e4m3: { s: "fp8", n: 2 }, __nv_fp8x2_e5m2: { s: "fp8", n: 2 }, __nv_fp8x4_e4m3: { s: "fp8", n: 4 }, __nv_fp8x4_e5m2: { s: "fp8", n: 4 },
  __nv_fp8x2_storage_t: { s: "fp8", n: 2 }, __nv_fp8x4_storage_t: { s: "fp8", n: 4 },
};

/** The alignment CUDA's headers give a vector type of `bytes` bytes (float3 is 4-aligned, 12 bytes). */
function vectorAlign(s: Scalar, n: number): number {
  const bytes = SCALAR_BYTES[s] * n;
  if (n === 3) return SCALAR_BYTES[s];
  return Math.min(16, bytes);
}

/** A builtin type by name (`float`, `unsigned int`, `float4`, `half2`, `dim3`), or undefined. */
const builtinCache = new Map<string, CType | undefined>();

export function builtinType(name: string): CType | undefined {
  if (builtinCache.has(name)) return builtinCache.get(name);
  const t = lookupBuiltin(name);
  if (builtinCache.size < 4096) builtinCache.set(name, t);
  return t;
}

function lookupBuiltin(name: string): CType | undefined {
  const clean = name.replace(/^(std::|::|cuda::std::)/, "").replace(/\s+/g, " ").trim();
  const s = SCALARS[clean];
  if (s) return scalar(s, clean);
  if (clean === "dim3" || clean === "uint3") return clean === "dim3" ? DIM3 : UINT3;
  const packed = PACKED[clean];
  if (packed) return { k: "vector", s: packed.s, n: packed.n, name: clean, align: SCALAR_BYTES[packed.s] * packed.n };
  const m = /^(char|uchar|short|ushort|int|uint|long|ulong|longlong|ulonglong|float|double)([1-4])(_16a|_32a)?$/.exec(clean);
  if (m) {
    const es = VECTOR_BASES[m[1]];
    const n = Number(m[2]);
    if (n === 1) return { k: "vector", s: es, n: 1, name: clean, align: SCALAR_BYTES[es] };
    return { k: "vector", s: es, n, name: clean, align: m[3] === "_32a" ? 32 : m[3] === "_16a" ? 16 : vectorAlign(es, n) };
  }
  if (clean === "void") return VOID;
  return undefined;
}

export function sizeOf(t: CType): number | undefined {
  switch (t.k) {
    case "scalar": return SCALAR_BYTES[t.s];
    case "vector": return Math.ceil((SCALAR_BYTES[t.s] * t.n) / t.align) * t.align;
    case "ptr": return 8;
    case "ref": return sizeOf(t.to);
    case "array": {
      const e = sizeOf(t.of);
      return e !== undefined && t.count && t.count.k === "const" ? e * t.count.v : undefined;
    }
    case "struct": return t.size;
    default: return undefined;
  }
}

export function alignOf(t: CType): number {
  switch (t.k) {
    case "scalar": return SCALAR_BYTES[t.s];
    case "vector": return t.align;
    case "ptr": return 8;
    case "array": return alignOf(t.of);
    case "struct": return t.align;
    default: return 4;
  }
}

/** Lays out a struct's fields as C does (each at its alignment; size rounded up to the largest). */
/**
 * C layout of members in order (a union: every member at offset 0). A member with `anonymous` set is an unnamed
 * struct or union inside (`union { struct { half d, s; } data; half2 ds; };`): its fields become fields of this one,
 * at their offsets inside it.
 */
export function layoutStruct(name: string, members: readonly { name: string; type: CType; anonymous?: boolean }[], minAlign = 1, union = false): Extract<CType, { k: "struct" }> {
  let offset = 0;
  let end = 0;
  let align = minAlign;
  const fields: StructField[] = [];
  for (const m of members) {
    const a = alignOf(m.type);
    const size = sizeOf(m.type) ?? 4;
    const at = union ? 0 : Math.ceil(offset / a) * a;
    if (m.anonymous && m.type.k === "struct") for (const f of m.type.fields) fields.push({ ...f, offset: at + f.offset });
    else fields.push({ name: m.name, type: m.type, offset: at });
    offset = at + size;
    end = Math.max(end, offset);
    align = Math.max(align, a);
  }
  return { k: "struct", name, fields, size: Math.max(1, Math.ceil(end / align) * align), align };
}

export const isFloatScalar = (s: Scalar): boolean => s === "f64" || s === "f32" || s === "f16" || s === "bf16" || s === "fp8";
export const isIntScalar = (s: Scalar): boolean => !isFloatScalar(s);

/** The scalar of a scalar or vector type. */
export function scalarOf(t: CType): Scalar | undefined {
  if (t.k === "scalar" || t.k === "vector") return t.s;
  if (t.k === "ref") return scalarOf(t.to);
  return undefined;
}

export function components(t: CType): number {
  return t.k === "vector" ? t.n : 1;
}

export function isFloatType(t: CType): boolean {
  const s = scalarOf(t);
  return s !== undefined && isFloatScalar(s);
}

export function isPointer(t: CType): t is Extract<CType, { k: "ptr" }> {
  return t.k === "ptr";
}

/** The operation class an arithmetic operation in this scalar is counted as (f64 is counted as f32, with a note). */
export function opClassOf(s: Scalar): OpClass {
  switch (s) {
    case "f32": case "f64": return "f32";
    case "f16": case "fp8": return "f16";
    case "bf16": return "bf16";
    default: return "int";
  }
}

/** The rank of a scalar in C's usual arithmetic conversions (higher wins). */
function rank(s: Scalar): number {
  return { bool: 0, i8: 1, u8: 1, i16: 2, u16: 2, i32: 3, u32: 4, i64: 5, u64: 6, fp8: 7, bf16: 8, f16: 8, f32: 9, f64: 10 }[s];
}

/** The type a binary arithmetic operation computes in (half with half stays half; half with float is float). */
export function commonType(a: CType, b: CType): CType {
  const sa = scalarOf(a), sb = scalarOf(b);
  if (sa === undefined) return b;
  if (sb === undefined) return a;
  const wide = a.k === "vector" ? a : b.k === "vector" ? b : undefined;
  let s = rank(sa) >= rank(sb) ? sa : sb;
  if (rank(s) < 3) s = "i32";
  if (wide) return { ...wide, s };
  return a.k === "scalar" && a.s === s ? a : b.k === "scalar" && b.s === s ? b : scalar(s);
}

export function typeText(t: CType): string {
  switch (t.k) {
    case "scalar": return t.name;
    case "vector": return t.name;
    case "ptr": return `${typeText(t.to)}*`;
    case "ref": return `${typeText(t.to)}&`;
    case "array": return `${typeText(t.of)}[]`;
    case "struct": return t.name;
    case "fragment": return t.name;
    case "group": return `cooperative_groups::${t.scope}`;
    case "void": return "void";
    case "unknown": return t.name;
  }
}

/** The element type of a vector (or the scalar itself). */
export function elementOf(t: CType): CType {
  if (t.k === "vector") return scalar(t.s);
  return t;
}

/** A vector type of `n` components of `s` (float4 from f32 x 4), for constructors and swizzles. */
export function vectorOf(s: Scalar, n: number): CType {
  if (n === 1) return scalar(s);
  if (s === "f16") return { k: "vector", s, n, name: n === 2 ? "half2" : `half${n}`, align: 2 * n };
  if (s === "bf16") return { k: "vector", s, n, name: n === 2 ? "__nv_bfloat162" : `bfloat16x${n}`, align: 2 * n };
  const base = Object.entries(VECTOR_BASES).find(([, v]) => v === s)?.[0] ?? "float";
  return builtinType(`${base}${n}`) ?? { k: "vector", s, n, name: `${base}${n}`, align: vectorAlign(s, n) };
}

/** Scalar element bytes for a wmma fragment's element type name. */
export function fragmentScalar(name: string): Scalar {
  const t = builtinType(name.replace(/^(wmma::precision::|nvcuda::wmma::precision::|precision::)/, ""));
  if (t && (t.k === "scalar" || t.k === "vector")) return t.s;
  if (/tf32/.test(name)) return "f32";
  if (/bf16/.test(name)) return "bf16";
  if (/s8|u8/.test(name)) return "i8";
  if (/s4|u4|b1/.test(name)) return "i8";
  return "f16";
}
