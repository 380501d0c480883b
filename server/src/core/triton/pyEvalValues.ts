// The values of the small Python evaluator that reads Triton host code (pyEval.ts): numbers, strings, tuples, lists,
// dicts, torch tensors as shape/strides/dtype, functions, modules as dotted paths, kernels, configs. What it cannot
// know is `unknown` with a reason, never a guess; every operation on an unknown is unknown.
import type { Span } from "../span";
import type { CNode } from "../cuda/syntax";
import type { HostValue, TritonDtype } from "./program";

/** Where a function's names are looked up: its own, then the enclosing function's, then the module's. */
export class PyScope {
  readonly vars = new Map<string, PyValue>();
  constructor(readonly parent: PyScope | undefined) {}

  lookup(name: string): PyValue | undefined {
    const v = this.vars.get(name);
    if (v !== undefined) return v;
    return this.parent?.lookup(name);
  }
}

export interface PyConfig {
  readonly constexprs: Map<string, PyValue>;
  readonly numWarps?: PyValue;
  readonly numStages?: PyValue;
  readonly span: Span;
}

export type PyValue =
  | { readonly k: "int"; readonly v: number }
  | { readonly k: "float"; readonly v: number }
  | { readonly k: "bool"; readonly v: boolean }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "none" }
  | { readonly k: "dtype"; readonly v: TritonDtype }
  | { readonly k: "tensor"; readonly dtype: TritonDtype | undefined; readonly shape: readonly (number | undefined)[] | undefined; readonly strides?: readonly (number | undefined)[] }
  | { readonly k: "tuple"; readonly items: readonly PyValue[] }
  /** Mutable, as Python's (`configs.append(...)`). */
  | { readonly k: "list"; readonly items: PyValue[] }
  | { readonly k: "dict"; readonly entries: Map<string, { key: PyValue; value: PyValue }> }
  | { readonly k: "range"; readonly start: number; readonly stop: number; readonly step: number }
  | { readonly k: "unknown"; readonly reason: string }
  /** A `def` or a `lambda`, with the scope it closes over. */
  | { readonly k: "func"; readonly name: string; readonly node: CNode; readonly scope: PyScope; readonly lambda: boolean; readonly benchmark?: boolean }
  /** A module or something read from one, as its dotted path (`triton.language.cdiv`, `torch.float16`). */
  | { readonly k: "path"; readonly path: string }
  /** A method of a value, bound to it (`x.stride`, `configs.append`). */
  | { readonly k: "method"; readonly name: string; readonly self: PyValue }
  /** A `@triton.jit` function; `warmup` holds the launch options of a kernel `.warmup(...)` returned. */
  | { readonly k: "kernel"; readonly name: string; readonly warmup?: { readonly numWarps?: number; readonly numStages?: number } }
  /** `kernel[grid]`, waiting for its arguments. */
  | { readonly k: "launcher"; readonly kernel: PyValue & { k: "kernel" }; readonly grid: PyValue; readonly gridNode: CNode }
  | { readonly k: "config"; readonly config: PyConfig }
  | { readonly k: "class"; readonly name: string; readonly methods: Map<string, PyValue>; readonly node: CNode }
  /** An object whose attributes host code sets and reads (`ctx.BLOCK = ...`), or the compilation target. */
  | { readonly k: "object"; readonly attrs: Map<string, PyValue> };

export const NONE: PyValue = { k: "none" };
export const int = (v: number): PyValue => ({ k: "int", v });
export const unknown = (reason: string): PyValue => ({ k: "unknown", reason });

/** Bytes per element of a Triton dtype. */
export function dtypeBytes(d: TritonDtype | undefined): number | undefined {
  if (d === undefined) return undefined;
  if (d === "fp64" || d === "int64" || d === "uint64") return 8;
  if (d === "fp32" || d === "int32" || d === "uint32") return 4;
  if (d === "fp16" || d === "bf16" || d === "int16" || d === "uint16") return 2;
  if (d === "int8" || d === "uint8" || d === "int1" || d.startsWith("fp8")) return 1;
  return undefined;
}

/** torch dtype attribute names in Triton's spelling. */
export const TORCH_DTYPES: ReadonlyMap<string, TritonDtype> = new Map([
  ["float16", "fp16"], ["half", "fp16"], ["bfloat16", "bf16"], ["float32", "fp32"], ["float", "fp32"],
  ["float64", "fp64"], ["double", "fp64"], ["int8", "int8"], ["uint8", "uint8"], ["int16", "int16"], ["short", "int16"],
  ["int32", "int32"], ["int", "int32"], ["int64", "int64"], ["long", "int64"], ["bool", "int1"],
  ["uint16", "uint16"], ["uint32", "uint32"], ["uint64", "uint64"],
  ["float8_e4m3fn", "fp8e4nv"], ["float8_e5m2", "fp8e5"], ["float8_e4m3fnuz", "fp8e4b8"], ["float8_e5m2fnuz", "fp8e5b16"],
]);

/** Row-major strides of a shape. */
export function contiguousStrides(shape: readonly (number | undefined)[]): (number | undefined)[] {
  const out: (number | undefined)[] = new Array(shape.length);
  let acc: number | undefined = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = acc;
    const d = shape[i];
    acc = acc !== undefined && d !== undefined ? acc * d : undefined;
  }
  return out;
}

export function isNum(v: PyValue): boolean {
  return v.k === "int" || v.k === "float" || v.k === "bool";
}

/** A number's value (bools as 0/1), or undefined. */
export function num(v: PyValue): number | undefined {
  if (v.k === "int" || v.k === "float") return v.v;
  if (v.k === "bool") return v.v ? 1 : 0;
  return undefined;
}

/** A whole number's value, or undefined. */
export function intOf(v: PyValue): number | undefined {
  if (v.k === "int") return v.v;
  if (v.k === "bool") return v.v ? 1 : 0;
  if (v.k === "float" && Number.isInteger(v.v)) return v.v;
  return undefined;
}

/** Python truthiness: true, false, or undefined when it cannot be known. */
export function truthy(v: PyValue): boolean | undefined {
  switch (v.k) {
    case "int": case "float": return v.v !== 0;
    case "bool": return v.v;
    case "str": return v.v.length > 0;
    case "none": return false;
    case "tuple": case "list": return v.items.length > 0;
    case "dict": return v.entries.size > 0;
    case "range": return rangeLength(v) > 0;
    case "unknown": return undefined;
    case "tensor": return undefined;
    default: return true;
  }
}

export function rangeLength(r: { start: number; stop: number; step: number }): number {
  if (r.step === 0) return 0;
  const n = Math.ceil((r.stop - r.start) / r.step);
  return n > 0 ? n : 0;
}

/** The items of an iterable, at most `limit` of them; undefined when it is not a known iterable. */
export function itemsOf(v: PyValue, limit: number): PyValue[] | undefined {
  switch (v.k) {
    case "tuple": case "list": return v.items.slice(0, limit);
    case "range": {
      const n = Math.min(rangeLength(v), limit);
      const out: PyValue[] = [];
      for (let i = 0; i < n; i++) out.push(int(v.start + i * v.step));
      return out;
    }
    case "dict": return [...v.entries.values()].slice(0, limit).map((e) => e.key);
    case "str": return [...v.v].slice(0, limit).map((c) => ({ k: "str", v: c }) as PyValue);
    case "tensor": return undefined;
    default: return undefined;
  }
}

/** The key a dict stores a value under (Python's equality of hashable constants). */
export function dictKey(v: PyValue): string | undefined {
  switch (v.k) {
    case "int": case "float": return `n:${v.v}`;
    case "bool": return `n:${v.v ? 1 : 0}`;
    case "str": return `s:${v.v}`;
    case "none": return "none";
    case "tuple": {
      const parts = v.items.map(dictKey);
      return parts.every((p) => p !== undefined) ? `t:(${parts.join(",")})` : undefined;
    }
    case "dtype": return `d:${v.v}`;
    default: return undefined;
  }
}

/** Python equality where it can be known (numbers, strings, None, dtypes, sequences of those). */
export function equals(a: PyValue, b: PyValue, depth = 0): boolean | undefined {
  if (a.k === "unknown" || b.k === "unknown" || depth > 16) return undefined;
  const na = num(a), nb = num(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (a.k === "str" && b.k === "str") return a.v === b.v;
  if (a.k === "none" || b.k === "none") return a.k === b.k;
  if (a.k === "dtype" && b.k === "dtype") return a.v === b.v;
  if ((a.k === "tuple" || a.k === "list") && (b.k === "tuple" || b.k === "list")) {
    if (a.k !== b.k) return false;
    if (a.items.length !== b.items.length) return false;
    for (let i = 0; i < a.items.length; i++) {
      const e = equals(a.items[i], b.items[i], depth + 1);
      if (e !== true) return e;
    }
    return true;
  }
  if (a.k === "path" && b.k === "path") return a.path === b.path;
  if (a.k === "tensor" || b.k === "tensor") return undefined;
  if (a.k === "str" || b.k === "str" || na !== undefined || nb !== undefined) return false;
  return a === b ? true : undefined;
}

/** The value as the interface carries it: tuples become lists, what it has no word for becomes unknown. */
export function toHost(v: PyValue, depth = 0): HostValue {
  switch (v.k) {
    case "int": case "float": case "bool": case "str": case "none": case "dtype": case "unknown": return v;
    case "tensor": return v.strides ? { k: "tensor", dtype: v.dtype, shape: v.shape, strides: v.strides } : { k: "tensor", dtype: v.dtype, shape: v.shape };
    case "tuple": case "list": return depth > 8 ? { k: "unknown", reason: "nested too deeply" } : { k: "list", items: v.items.slice(0, 64).map((x) => toHost(x, depth + 1)) };
    case "range": return { k: "list", items: itemsOf(v, 64)!.map((x) => toHost(x, depth + 1)) };
    case "kernel": return { k: "unknown", reason: `the @triton.jit function ${v.name}` };
    case "func": return { k: "unknown", reason: `the function ${v.name}` };
    case "path": return { k: "unknown", reason: `${v.path}` };
    default: return { k: "unknown", reason: `a ${v.k} value` };
  }
}

/** A host value back into the evaluator (a grid lambda's or a heuristic's arguments). */
export function fromHost(v: HostValue): PyValue {
  if (v.k === "list") return { k: "tuple", items: v.items.map(fromHost) };
  return v;
}

/** A short description of a value for messages and keys. */
export function describe(v: PyValue, depth = 0): string {
  if (depth > 4) return "...";
  switch (v.k) {
    case "int": case "float": return String(v.v);
    case "bool": return v.v ? "True" : "False";
    case "str": return JSON.stringify(v.v);
    case "none": return "None";
    case "dtype": return v.v;
    case "tensor": return `tensor(${v.dtype ?? "?"}, [${v.shape ? v.shape.map((d) => d ?? "?").join(",") : "?"}], [${v.strides ? v.strides.map((d) => d ?? "?").join(",") : ""}])`;
    case "tuple": case "list": return `(${v.items.slice(0, 16).map((x) => describe(x, depth + 1)).join(",")})`;
    case "unknown": return "?";
    case "kernel": return v.name;
    case "func": return v.name;
    case "path": return v.path;
    default: return v.k;
  }
}
