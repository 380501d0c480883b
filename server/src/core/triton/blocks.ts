// Block values of a Triton program as the lowering tracks them: a shape, an element type, and for integer and boolean
// blocks the value of every element as one symbolic expression over the element's position (`blk0`, `blk1`, ...: its
// index along each axis). `tl.arange(0, 128)[:, None] * stride + tl.arange(0, 64)[None, :]` is the expression
// `blk0 * stride + blk1` over the shape [128, 64]. Pointer blocks are a binding plus such an element offset.
//
// Broadcasting follows NumPy's rules, as Triton's does: shapes are aligned at the right, and a size-1 axis stretches.
import { bin, call, cst, evaluate, type VExpr, unknown } from "../kernel/vexpr";

export type Shape = readonly number[];

/** The variable that stands for an element's index along axis `i` inside a block expression. */
export function axisVar(i: number): string {
  return `blk${i}`;
}

export const MAX_RANK = 4;

/** Elements of a shape (1 for a scalar). */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Rewrites every variable of an expression. */
export function substitute(e: VExpr, f: (name: string) => VExpr | undefined): VExpr {
  switch (e.k) {
    case "var": return f(e.name) ?? e;
    case "bin": {
      const a = substitute(e.a, f), b = substitute(e.b, f);
      return a === e.a && b === e.b ? e : bin(e.op, a, b, e.int);
    }
    case "un": {
      const a = substitute(e.a, f);
      if (a === e.a) return e;
      if (a.k === "const") return cst(e.op === "-" ? -a.v : e.op === "!" ? (a.v === 0 ? 1 : 0) : ~a.v);
      return a.k === "unknown" ? a : { k: "un", op: e.op, a };
    }
    case "call": {
      const args = e.args.map((x) => substitute(x, f));
      return args.every((x, i) => x === e.args[i]) ? e : call(e.fn, args);
    }
    default: return e;
  }
}

/** Renames axis variables: element index along old axis i becomes along new axis map[i]. */
export function renameAxes(e: VExpr, map: readonly number[]): VExpr {
  return substitute(e, (name) => {
    const m = /^blk(\d)$/.exec(name);
    if (!m) return undefined;
    const to = map[Number(m[1])];
    return to === undefined ? cst(0) : { k: "var", name: axisVar(to) };
  });
}

/** The broadcast shape of two shapes, or a message why they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): Shape | string {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return `shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`;
    out.push(Math.max(x, y));
  }
  return out;
}

/**
 * An element expression of a block of shape `from` read as a block of the broadcast shape `to`: axes shift right by
 * the difference in rank, and a size-1 axis that stretches reads its only element (index 0).
 */
export function broadcastExpr(e: VExpr, from: Shape, to: Shape): VExpr {
  const shift = to.length - from.length;
  if (shift === 0 && from.every((d, i) => d === to[i])) return e;
  return substitute(e, (name) => {
    const m = /^blk(\d)$/.exec(name);
    if (!m) return undefined;
    const i = Number(m[1]);
    if (from[i] === 1 && to[i + shift] !== 1) return cst(0);
    return { k: "var", name: axisVar(i + shift) };
  });
}

/**
 * The element expression of a block reshaped from `from` to `to` (same element count, row-major): an element's flat
 * index is kept, so old axis i's index is recomputed from the new axes.
 */
export function reshapeExpr(e: VExpr, from: Shape, to: Shape): VExpr {
  let flat: VExpr = cst(0);
  for (let i = 0; i < to.length; i++) flat = bin("+", bin("*", flat, cst(to[i])), { k: "var", name: axisVar(i) });
  const old: VExpr[] = [];
  let stride = 1;
  for (let i = from.length - 1; i >= 0; i--) {
    old[i] = bin("%", bin("/", flat, cst(stride)), cst(from[i]));
    stride *= from[i];
  }
  return substitute(e, (name) => {
    const m = /^blk(\d)$/.exec(name);
    return m ? old[Number(m[1])] ?? cst(0) : undefined;
  });
}

/** Whether an expression reads an element position (differs between a block's elements). */
export function readsAxes(e: VExpr): boolean {
  switch (e.k) {
    case "var": return /^blk\d$/.test(e.name);
    case "bin": return readsAxes(e.a) || readsAxes(e.b);
    case "un": return readsAxes(e.a);
    case "call": return e.args.some(readsAxes);
    default: return false;
  }
}

/**
 * How far apart in elements neighbouring positions along each axis are, for known variable values: the coefficient
 * of each axis variable in an offset that is affine in them; null where it is not (or depends on unknown values).
 */
export function axisStrides(e: VExpr, rank: number, value: (name: string) => number | undefined): (number | null)[] {
  const at = (pos: readonly number[]): number | undefined => {
    const v = evalWith(e, (name) => {
      const m = /^blk(\d)$/.exec(name);
      if (m) return pos[Number(m[1])] ?? 0;
      return value(name);
    });
    return v;
  };
  const zero = new Array(rank).fill(0);
  const base = at(zero);
  const out: (number | null)[] = [];
  for (let i = 0; i < rank; i++) {
    const one = [...zero];
    one[i] = 1;
    const two = [...zero];
    two[i] = 2;
    const a = at(one), b = at(two);
    out.push(base === undefined || a === undefined || b === undefined || b - a !== a - base ? null : a - base);
  }
  return out;
}

/** Evaluates for concrete values (the shared evaluator: no expression nodes are built on the way). */
function evalWith(e: VExpr, env: (name: string) => number | undefined): number | undefined {
  return evaluate(e, env);
}

export { evalWith as evaluateWith };

/** An unknown element value (loaded data, a float). */
export function dataValue(what: string): VExpr {
  return unknown(what);
}
