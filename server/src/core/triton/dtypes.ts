// Triton's element types as the lowering needs them: their size, whether they are floating point, the model's
// arithmetic class, and the names code spells them with (`tl.float16`, `tl.float8e4nv`, `torch.bfloat16`).
import type { OpClass } from "../kernel/ir";

const BYTES: Record<string, number> = {
  int1: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8,
  fp8e4nv: 1, fp8e5: 1, fp8e4b15: 1, fp8e4b8: 1, fp8e5b16: 1, fp16: 2, bf16: 2, fp32: 4, fp64: 8,
};

/** `tl.float16` -> fp16: the attribute names of `triton.language` and their type names. */
const NAMES: Record<string, string> = {
  float16: "fp16", half: "fp16", fp16: "fp16", bfloat16: "bf16", bf16: "bf16", float32: "fp32", float: "fp32", fp32: "fp32",
  float64: "fp64", double: "fp64", fp64: "fp64", int1: "int1", bool: "int1", int8: "int8", uint8: "uint8", int16: "int16",
  uint16: "uint16", int32: "int32", uint32: "uint32", int64: "int64", uint64: "uint64", float8e4nv: "fp8e4nv", float8e5: "fp8e5",
  float8_e4m3fn: "fp8e4nv", float8_e5m2: "fp8e5", float8e4b15: "fp8e4b15", fp8e4nv: "fp8e4nv", fp8e5: "fp8e5",
  float8e4b8: "fp8e4b8", float8e5b16: "fp8e5b16", tf32: "fp32",
};

/** The Triton type name of a dtype attribute or string (`float16`, `fp16`, `*fp16` for a pointer's element). */
export function dtypeName(name: string): string | undefined {
  const n = name.replace(/^\*/, "").replace(/^(tl|triton\.language|torch)\./, "");
  return NAMES[n];
}

export function bytesOf(dtype: string): number {
  return BYTES[dtype] ?? 4;
}

export function isFloat(dtype: string): boolean {
  return dtype.startsWith("fp") || dtype === "bf16";
}

export function isFp8(dtype: string): boolean {
  return dtype.startsWith("fp8");
}

/** The model's class for arithmetic on this type. */
export function opClassOf(dtype: string): OpClass {
  if (dtype === "fp16" || isFp8(dtype)) return "f16";
  if (dtype === "bf16") return "bf16";
  if (isFloat(dtype)) return "f32";
  return "int";
}

/** The result type of arithmetic on two types (Triton promotes to the wider float, ints to the wider int). */
export function promote(a: string, b: string): string {
  if (a === b) return a;
  const fa = isFloat(a), fb = isFloat(b);
  if (fa && !fb) return a;
  if (fb && !fa) return b;
  if (fa && fb) {
    if (a === "fp64" || b === "fp64") return "fp64";
    if (a === "fp32" || b === "fp32") return "fp32";
    if (a === "bf16" || b === "bf16") return a === "fp16" || b === "fp16" ? "fp32" : "bf16";
    return "fp16";
  }
  return bytesOf(a) >= bytesOf(b) ? a : b;
}
