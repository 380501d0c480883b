// torch as the Triton host evaluator sees it: a tensor is its element type, shape and strides (in elements), which is
// all a kernel launch reads of it. Creation functions, the `*_like` family, dtype conversions, views and transposes,
// and the queries host code asks (`shape`, `size(0)`, `stride(0)`, `numel()`, `element_size()`).
import { TORCH_DTYPES, contiguousStrides, dtypeBytes, int, intOf, itemsOf, unknown, type PyValue } from "./pyEvalValues";

type Tensor = PyValue & { k: "tensor" };
type Dims = (number | undefined)[];

function tensor(dtype: string | undefined, shape: Dims | undefined, strides?: Dims): Tensor {
  return { k: "tensor", dtype, shape, strides: strides ?? (shape ? contiguousStrides(shape) : undefined) };
}

/** A shape from `(M, N)`, `[M, N]`, `M, N` or `torch.Size`; undefined entries where a size is unknown. */
function dimsOf(args: readonly PyValue[]): Dims | undefined {
  if (args.length === 1 && (args[0].k === "tuple" || args[0].k === "list")) return args[0].items.map(dimOf);
  if (args.length === 1 && args[0].k === "unknown") return undefined;
  return args.map(dimOf);
}

function dimOf(v: PyValue): number | undefined {
  const n = intOf(v);
  return n !== undefined && n >= 0 ? n : undefined;
}

function dtypeArg(kw: ReadonlyMap<string, PyValue>, fallback: string | undefined): string | undefined {
  const d = kw.get("dtype");
  if (!d) return fallback;
  return d.k === "dtype" ? d.v : undefined;
}

const CREATE = new Set(["empty", "zeros", "ones", "randn", "rand"]);
const LIKE = new Set(["empty_like", "zeros_like", "ones_like", "randn_like", "rand_like", "full_like", "randint_like"]);

/** `torch.NAME(...)`, or undefined when the evaluator does not model it. */
export function torchCall(name: string, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>): PyValue | undefined {
  if (CREATE.has(name)) {
    const size = kw.get("size");
    return tensor(dtypeArg(kw, "fp32"), dimsOf(size ? [size] : pos));
  }
  if (name === "full") return tensor(dtypeArg(kw, pos[1]?.k === "int" ? "int64" : "fp32"), pos[0] ? dimsOf([pos[0]]) : undefined);
  if (name === "empty_strided") {
    const shape = pos[0] ? dimsOf([pos[0]]) : undefined;
    const strides = pos[1] ? dimsOf([pos[1]]) : undefined;
    return tensor(dtypeArg(kw, "fp32"), shape, strides && shape && strides.length === shape.length ? strides : undefined);
  }
  if (name === "randint") {
    // randint(high, size) or randint(low, high, size)
    const size = kw.get("size") ?? pos[pos.length - 1];
    return tensor(dtypeArg(kw, "int64"), size ? dimsOf([size]) : undefined);
  }
  if (name === "arange") {
    const nums = pos.map(intOf);
    const floats = pos.some((p) => p.k === "float");
    let len: number | undefined;
    if (nums.every((n) => n !== undefined)) {
      const [a, b, s] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
      len = s !== 0 ? Math.max(0, Math.ceil((b - a) / s)) : undefined;
    }
    return tensor(dtypeArg(kw, floats ? "fp32" : "int64"), [len]);
  }
  if (name === "tensor") {
    const d = pos[0];
    const items = d ? itemsOf(d, 1 << 20) : undefined;
    const fl = items?.some((x) => x.k === "float");
    return tensor(dtypeArg(kw, fl ? "fp32" : "int64"), items ? [items.length] : undefined);
  }
  if (LIKE.has(name)) {
    const src = pos[0];
    if (!src || src.k !== "tensor") return unknown(`torch.${name} of a tensor whose shape is not known`);
    return tensor(dtypeArg(kw, src.dtype), src.shape ? [...src.shape] : undefined);
  }
  return undefined;
}

/** `tensor.NAME` read as an attribute (methods are looked up by `tensorMethod`). */
export function tensorAttr(t: Tensor, name: string): PyValue | undefined {
  switch (name) {
    case "shape": return t.shape ? { k: "tuple", items: t.shape.map((d) => (d !== undefined ? int(d) : unknown("a size not known"))) } : unknown("the tensor's shape is not known");
    case "dtype": return t.dtype ? { k: "dtype", v: t.dtype } : unknown("the tensor's dtype is not known");
    case "ndim": return t.shape ? int(t.shape.length) : unknown("the tensor's rank is not known");
    case "T": case "mT": return transpose(t, -2, -1);
    case "device": return { k: "str", v: "cuda" };
    case "is_cuda": return { k: "bool", v: true };
    default: return undefined;
  }
}

function axis(t: Tensor, d: PyValue | undefined): number | undefined {
  const n = d ? intOf(d) : undefined;
  if (n === undefined || !t.shape) return undefined;
  const a = n < 0 ? n + t.shape.length : n;
  return a >= 0 && a < t.shape.length ? a : undefined;
}

function transpose(t: Tensor, a: number, b: number): PyValue {
  if (!t.shape) return tensor(t.dtype, undefined);
  const r = t.shape.length;
  const i = a < 0 ? a + r : a, j = b < 0 ? b + r : b;
  if (i < 0 || j < 0 || i >= r || j >= r) return tensor(t.dtype, t.shape.length === 1 ? [...t.shape] : undefined);
  const shape = [...t.shape], strides = t.strides ? [...t.strides] : contiguousStrides(t.shape);
  [shape[i], shape[j]] = [shape[j], shape[i]];
  [strides[i], strides[j]] = [strides[j], strides[i]];
  return { k: "tensor", dtype: t.dtype, shape, strides };
}

const CASTS: ReadonlyMap<string, string> = new Map([
  ["half", "fp16"], ["float", "fp32"], ["bfloat16", "bf16"], ["double", "fp64"], ["int", "int32"], ["long", "int64"],
  ["short", "int16"], ["char", "int8"], ["byte", "uint8"], ["bool", "int1"],
]);
const SAME = new Set(["cuda", "cpu", "detach", "requires_grad_", "zero_", "fill_", "normal_", "uniform_", "pin_memory", "clamp", "clamp_", "abs", "neg", "exp", "sigmoid", "relu", "mul_", "add_", "div_"]);

/** `tensor.NAME(...)`, or undefined when the evaluator does not model it. */
export function tensorMethod(t: Tensor, name: string, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>): PyValue | undefined {
  const cast = CASTS.get(name);
  if (cast) return { ...t, dtype: cast };
  if (SAME.has(name)) return t;
  switch (name) {
    case "contiguous": case "clone": return tensor(t.dtype, t.shape ? [...t.shape] : undefined);
    case "to": case "type": {
      const d = kw.get("dtype") ?? pos.find((p) => p.k === "dtype" || p.k === "tensor");
      if (!d) return t;
      if (d.k === "dtype") return { ...t, dtype: d.v };
      if (d.k === "tensor") return { ...t, dtype: d.dtype };
      return { ...t, dtype: undefined };
    }
    case "size": {
      if (pos.length === 0) return tensorAttr(t, "shape");
      const a = axis(t, pos[0]);
      return a !== undefined && t.shape![a] !== undefined ? int(t.shape![a]!) : unknown("a size not known");
    }
    case "stride": {
      const strides = t.strides ?? (t.shape ? contiguousStrides(t.shape) : undefined);
      if (pos.length === 0) return strides ? { k: "tuple", items: strides.map((s) => (s !== undefined ? int(s) : unknown("a stride not known"))) } : unknown("the tensor's strides are not known");
      const a = axis(t, pos[0]);
      return a !== undefined && strides?.[a] !== undefined ? int(strides[a]!) : unknown("a stride not known");
    }
    case "numel": case "nelement": {
      if (!t.shape || t.shape.some((d) => d === undefined)) return unknown("the tensor's shape is not known");
      return int(t.shape.reduce<number>((a, b) => a * b!, 1));
    }
    case "dim": return t.shape ? int(t.shape.length) : unknown("the tensor's rank is not known");
    case "element_size": {
      const b = dtypeBytes(t.dtype);
      return b !== undefined ? int(b) : unknown("the tensor's dtype is not known");
    }
    case "is_contiguous": {
      if (!t.shape || !t.strides) return unknown("the tensor's layout is not known");
      const c = contiguousStrides(t.shape);
      return { k: "bool", v: c.every((s, i) => s === t.strides![i] || t.shape![i] === 1) };
    }
    case "t": return transpose(t, 0, 1);
    case "transpose": case "swapaxes": {
      const a = intOf(pos[0] ?? unknown("")), b = intOf(pos[1] ?? unknown(""));
      return a !== undefined && b !== undefined ? transpose(t, a, b) : tensor(t.dtype, undefined);
    }
    case "permute": {
      const order = (pos.length === 1 && (pos[0].k === "tuple" || pos[0].k === "list") ? pos[0].items : pos).map(intOf);
      if (!t.shape || order.length !== t.shape.length || order.some((o) => o === undefined)) return tensor(t.dtype, undefined);
      const strides = t.strides ?? contiguousStrides(t.shape);
      const r = t.shape.length;
      const idx = order.map((o) => (o! < 0 ? o! + r : o!));
      if (idx.some((i) => i < 0 || i >= r)) return tensor(t.dtype, undefined);
      return { k: "tensor", dtype: t.dtype, shape: idx.map((i) => t.shape![i]), strides: idx.map((i) => strides[i]) };
    }
    case "view": case "reshape": {
      if (pos.length === 1 && pos[0].k === "dtype") return tensor(pos[0].v, undefined);
      const dims = (pos.length === 1 && (pos[0].k === "tuple" || pos[0].k === "list") ? pos[0].items : pos).map(intOf);
      return tensor(t.dtype, inferMinusOne(t, dims));
    }
    case "flatten": {
      const n = tensorMethod(t, "numel", [], kw)!;
      return tensor(t.dtype, [n.k === "int" ? n.v : undefined]);
    }
    case "unsqueeze": {
      const d = intOf(pos[0] ?? unknown(""));
      if (!t.shape || d === undefined) return tensor(t.dtype, undefined);
      const at = d < 0 ? d + t.shape.length + 1 : d;
      const shape = [...t.shape];
      shape.splice(at, 0, 1);
      return tensor(t.dtype, shape);
    }
    case "squeeze": return tensor(t.dtype, pos.length === 0 && t.shape ? t.shape.filter((d) => d !== 1) : undefined);
    case "new_empty": case "new_zeros": case "new_ones": case "new_full": case "new_tensor": {
      const size = kw.get("size") ?? pos[0];
      return tensor(dtypeArg(kw, t.dtype), size ? dimsOf([size]) : undefined);
    }
    case "sum": case "mean": case "max": case "min": case "amax": return unknown(`tensor.${name}(...)`);
    default: return undefined;
  }
}

/** A view's shape, with one `-1` worked out from the element count. */
function inferMinusOne(t: Tensor, dims: (number | undefined)[]): Dims {
  const minus = dims.indexOf(-1);
  if (minus < 0) return dims.map((d) => (d !== undefined && d >= 0 ? d : undefined));
  const total = t.shape && t.shape.every((d) => d !== undefined) ? t.shape.reduce<number>((a, b) => a * b!, 1) : undefined;
  const rest = dims.reduce<number | undefined>((a, d, i) => (i === minus || a === undefined || d === undefined ? (i === minus ? a : undefined) : a * d), 1);
  const out = dims.map((d) => (d !== undefined && d >= 0 ? d : undefined));
  out[minus] = total !== undefined && rest !== undefined && rest > 0 ? total / rest : undefined;
  return out;
}

/** `torch.float16` and friends. */
export function torchDtype(name: string): PyValue | undefined {
  const d = TORCH_DTYPES.get(name);
  return d ? { k: "dtype", v: d } : undefined;
}
