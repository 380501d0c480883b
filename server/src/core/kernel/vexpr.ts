// Symbolic values of a kernel's integer and index arithmetic, in terms of invocation ids and loop counters.
//
// The cost model evaluates index expressions, bounds checks and loop bounds symbolically: `gid.x` becomes
// `wid.x * 256 + lid.x`, a uniform field becomes its launch value, a loaded value becomes `unknown`. Values can then
// be evaluated for concrete ids (the lanes of a warp, for coalescing), bounded over all ids (interval arithmetic,
// for footprints and trip counts), or counted (how many invocations pass a condition).

export type VExpr =
  | { readonly k: "const"; readonly v: number }
  | { readonly k: "var"; readonly name: string }
  | { readonly k: "bin"; readonly op: string; readonly a: VExpr; readonly b: VExpr; readonly int: boolean }
  | { readonly k: "un"; readonly op: "-" | "!" | "~"; readonly a: VExpr }
  | { readonly k: "call"; readonly fn: "min" | "max" | "select" | "abs" | "clamp"; readonly args: readonly VExpr[] }
  | { readonly k: "unknown"; readonly reason: string };

const BOOLEAN_RESULT = new Set(["<", "<=", ">", ">=", "==", "!=", "&&", "||"]);

export const ZERO: VExpr = { k: "const", v: 0 };
export const ONE: VExpr = { k: "const", v: 1 };

export function cst(v: number): VExpr {
  return { k: "const", v };
}
export function vr(name: string): VExpr {
  return { k: "var", name };
}
export function unknown(reason: string): VExpr {
  return { k: "unknown", reason };
}
export function isConst(e: VExpr): e is { k: "const"; v: number } {
  return e.k === "const";
}

/** Applies a binary operator to numbers with WGSL's integer semantics where `int` (truncating division). */
export function applyBin(op: string, a: number, b: number, int: boolean): number | undefined {
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return b === 0 ? undefined : int ? Math.trunc(a / b) : a / b;
    case "%": return b === 0 ? undefined : int ? a % b : a - b * Math.trunc(a / b);
    case "<<": return a * 2 ** b;
    case ">>": return Math.floor(a / 2 ** b);
    case "&": return a & b;
    case "|": return a | b;
    case "^": return a ^ b;
    case "<": return a < b ? 1 : 0;
    case "<=": return a <= b ? 1 : 0;
    case ">": return a > b ? 1 : 0;
    case ">=": return a >= b ? 1 : 0;
    case "==": return a === b ? 1 : 0;
    case "!=": return a !== b ? 1 : 0;
    case "&&": return a !== 0 && b !== 0 ? 1 : 0;
    case "||": return a !== 0 || b !== 0 ? 1 : 0;
    default: return undefined;
  }
}

/** Builds a binary expression, folding constants and the identities that index arithmetic is full of. */
export function bin(op: string, a: VExpr, b: VExpr, int = true): VExpr {
  if (a.k === "unknown") return a;
  if (b.k === "unknown") return b;
  if (a.k === "const" && b.k === "const") {
    const v = applyBin(op, a.v, b.v, int);
    return v === undefined ? unknown(`${op} by zero`) : cst(v);
  }
  if (op === "+" && isConst(a) && a.v === 0) return b;
  if ((op === "+" || op === "-") && isConst(b) && b.v === 0) return a;
  if (op === "*" && ((isConst(a) && a.v === 1))) return b;
  if ((op === "*" || op === "/") && isConst(b) && b.v === 1) return a;
  if (op === "*" && ((isConst(a) && a.v === 0) || (isConst(b) && b.v === 0))) return ZERO;
  if ((op === "<<" || op === ">>") && isConst(b) && b.v === 0) return a;
  if (op === "&&" && isConst(a)) return a.v === 0 ? ZERO : b;
  if (op === "&&" && isConst(b)) return b.v === 0 ? ZERO : a;
  if (op === "||" && isConst(a)) return a.v !== 0 ? ONE : b;
  if (op === "||" && isConst(b)) return b.v !== 0 ? ONE : a;
  return { k: "bin", op, a, b, int };
}

const NEGATED: Record<string, string> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==" };

export function un(op: "-" | "!" | "~", a: VExpr): VExpr {
  if (a.k === "unknown") return a;
  if (a.k === "const") return cst(op === "-" ? -a.v : op === "!" ? (a.v === 0 ? 1 : 0) : ~a.v);
  if (op === "!" && a.k === "un" && a.op === "!") return a.a;
  // Keep negated conditions as plain comparisons and conjunctions (De Morgan), which counting solves exactly:
  // the `else` of `if (i >= n || j >= m) { return; }` becomes `i < n && j < m`.
  if (op === "!" && a.k === "bin") {
    if (NEGATED[a.op]) return { k: "bin", op: NEGATED[a.op], a: a.a, b: a.b, int: a.int };
    if (a.op === "||") return bin("&&", un("!", a.a), un("!", a.b));
    if (a.op === "&&") return bin("||", un("!", a.a), un("!", a.b));
  }
  return { k: "un", op, a };
}

export function call(fn: "min" | "max" | "select" | "abs" | "clamp", args: readonly VExpr[]): VExpr {
  const bad = args.find((x) => x.k === "unknown");
  if (bad) return bad;
  if (args.every(isConst)) {
    const v = args.map((x) => (x as { v: number }).v);
    switch (fn) {
      case "min": return cst(Math.min(...v));
      case "max": return cst(Math.max(...v));
      case "abs": return cst(Math.abs(v[0]));
      case "clamp": return cst(Math.min(Math.max(v[0], v[1]), v[2]));
      case "select": return cst(v[2] !== 0 ? v[1] : v[0]);
    }
  }
  return { k: "call", fn, args };
}

/** The variables an expression depends on. */
export function varsOf(e: VExpr, into: Set<string> = new Set()): Set<string> {
  switch (e.k) {
    case "var": into.add(e.name); break;
    case "bin": varsOf(e.a, into); varsOf(e.b, into); break;
    case "un": varsOf(e.a, into); break;
    case "call": for (const a of e.args) varsOf(a, into); break;
    default: break;
  }
  return into;
}

/** Evaluates for concrete variable values; undefined when the value depends on data or divides by zero. */
export function evaluate(e: VExpr, env: (name: string) => number | undefined): number | undefined {
  switch (e.k) {
    case "const": return e.v;
    case "var": return env(e.name);
    case "unknown": return undefined;
    case "un": {
      const a = evaluate(e.a, env);
      if (a === undefined) return undefined;
      return e.op === "-" ? -a : e.op === "!" ? (a === 0 ? 1 : 0) : ~a;
    }
    case "bin": {
      const a = evaluate(e.a, env);
      if (a === undefined) return undefined;
      // Short-circuit as WGSL does, so `i < n && x[i] > 0` counts with the first part alone where it decides.
      if (e.op === "&&" && a === 0) return 0;
      if (e.op === "||" && a !== 0) return 1;
      const b = evaluate(e.b, env);
      if (b === undefined) return undefined;
      return applyBin(e.op, a, b, e.int);
    }
    case "call": {
      const v: number[] = [];
      for (const x of e.args) {
        const y = evaluate(x, env);
        if (y === undefined) return undefined;
        v.push(y);
      }
      switch (e.fn) {
        case "min": return Math.min(...v);
        case "max": return Math.max(...v);
        case "abs": return Math.abs(v[0]);
        case "clamp": return Math.min(Math.max(v[0], v[1]), v[2]);
        case "select": return v[2] !== 0 ? v[1] : v[0];
      }
    }
  }
}

/** Compiles an expression to a closure over a variable array: the counting loops evaluate millions of times. */
export function compile(e: VExpr, slot: (name: string) => number): (vals: Float64Array) => number {
  switch (e.k) {
    case "const": {
      const v = e.v;
      return () => v;
    }
    case "var": {
      const i = slot(e.name);
      return (vals) => vals[i];
    }
    case "unknown":
      return () => NaN;
    case "un": {
      const a = compile(e.a, slot);
      if (e.op === "-") return (vals) => -a(vals);
      if (e.op === "!") return (vals) => (a(vals) === 0 ? 1 : 0);
      return (vals) => ~a(vals);
    }
    case "call": {
      const args = e.args.map((x) => compile(x, slot));
      switch (e.fn) {
        case "min":
          return (vals) => {
            let m = Infinity;
            for (const f of args) m = Math.min(m, f(vals));
            return m;
          };
        case "max":
          return (vals) => {
            let m = -Infinity;
            for (const f of args) m = Math.max(m, f(vals));
            return m;
          };
        case "abs": return (vals) => Math.abs(args[0](vals));
        case "clamp": return (vals) => Math.min(Math.max(args[0](vals), args[1](vals)), args[2](vals));
        case "select": return (vals) => (args[2](vals) !== 0 ? args[1](vals) : args[0](vals));
      }
      break;
    }
    case "bin": {
      const a = compile(e.a, slot);
      const b = compile(e.b, slot);
      const int = e.int;
      switch (e.op) {
        case "+": return (v) => a(v) + b(v);
        case "-": return (v) => a(v) - b(v);
        case "*": return (v) => a(v) * b(v);
        case "/": return int ? (v) => Math.trunc(a(v) / b(v)) : (v) => a(v) / b(v);
        case "%": return (v) => a(v) % b(v);
        case "<": return (v) => (a(v) < b(v) ? 1 : 0);
        case "<=": return (v) => (a(v) <= b(v) ? 1 : 0);
        case ">": return (v) => (a(v) > b(v) ? 1 : 0);
        case ">=": return (v) => (a(v) >= b(v) ? 1 : 0);
        case "==": return (v) => (a(v) === b(v) ? 1 : 0);
        case "!=": return (v) => (a(v) !== b(v) ? 1 : 0);
        case "&&": return (v) => (a(v) !== 0 && b(v) !== 0 ? 1 : 0);
        case "||": return (v) => (a(v) !== 0 || b(v) !== 0 ? 1 : 0);
        default: {
          const op = e.op;
          return (v) => applyBin(op, a(v), b(v), int) ?? NaN;
        }
      }
    }
  }
  return () => NaN;
}

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** Bounds of an expression when each variable ranges over an interval (inclusive); undefined for data. */
export function bounds(e: VExpr, dom: (name: string) => Interval | undefined): Interval | undefined {
  switch (e.k) {
    case "const": return { lo: e.v, hi: e.v };
    case "var": return dom(e.name);
    case "unknown": return undefined;
    case "un": {
      const a = bounds(e.a, dom);
      if (!a) return undefined;
      if (e.op === "-") return { lo: -a.hi, hi: -a.lo };
      return e.op === "!" ? { lo: 0, hi: 1 } : undefined;
    }
    case "call": {
      const args = e.args.map((x) => bounds(x, dom));
      if (args.some((x) => !x)) return undefined;
      const r = args as Interval[];
      switch (e.fn) {
        case "min": return { lo: Math.min(...r.map((x) => x.lo)), hi: Math.min(...r.map((x) => x.hi)) };
        case "max": return { lo: Math.max(...r.map((x) => x.lo)), hi: Math.max(...r.map((x) => x.hi)) };
        case "clamp": return { lo: Math.max(Math.min(r[0].lo, r[2].lo), r[1].lo), hi: Math.min(Math.max(r[0].hi, r[1].hi), r[2].hi) };
        case "abs": return r[0].lo >= 0 ? r[0] : { lo: 0, hi: Math.max(-r[0].lo, r[0].hi) };
        case "select": return { lo: Math.min(r[0].lo, r[1].lo), hi: Math.max(r[0].hi, r[1].hi) };
      }
      return undefined;
    }
    case "bin": {
      const a = bounds(e.a, dom);
      const b = bounds(e.b, dom);
      if (!a || !b) return undefined;
      switch (e.op) {
        case "+": return { lo: a.lo + b.lo, hi: a.hi + b.hi };
        case "-": return { lo: a.lo - b.hi, hi: a.hi - b.lo };
        case "*": {
          const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
          return { lo: Math.min(...p), hi: Math.max(...p) };
        }
        case "/":
          if (b.lo > 0) {
            const p = [a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi].map((x) => (e.int ? Math.trunc(x) : x));
            return { lo: Math.min(...p), hi: Math.max(...p) };
          }
          return undefined;
        case "%":
          if (b.lo > 0 && a.lo >= 0) return { lo: 0, hi: Math.min(a.hi, b.hi - 1) };
          return undefined;
        case "<<": return b.lo === b.hi ? { lo: a.lo * 2 ** b.lo, hi: a.hi * 2 ** b.lo } : undefined;
        case ">>": return b.lo === b.hi ? { lo: Math.floor(a.lo / 2 ** b.lo), hi: Math.floor(a.hi / 2 ** b.lo) } : undefined;
        case "&": return a.lo >= 0 && b.lo >= 0 ? { lo: 0, hi: Math.min(a.hi, b.hi) } : undefined;
        default:
          return BOOLEAN_RESULT.has(e.op) ? { lo: 0, hi: 1 } : undefined;
      }
    }
  }
}

/** A short readable form, for notes and hovers ("wid.x * 256 + lid.x"). */
export function show(e: VExpr): string {
  switch (e.k) {
    case "const": return Number.isInteger(e.v) ? String(e.v) : e.v.toPrecision(4);
    case "var": return e.name;
    case "unknown": return "?";
    case "un": return `${e.op}${show(e.a)}`;
    case "call": return `${e.fn}(${e.args.map(show).join(", ")})`;
    case "bin": return `${wrap(e.a)} ${e.op} ${wrap(e.b)}`;
  }
}

function wrap(e: VExpr): string {
  return e.k === "bin" ? `(${show(e)})` : show(e);
}

/** The first reason an expression is unknown, for notes. */
export function unknownReason(e: VExpr): string | undefined {
  switch (e.k) {
    case "unknown": return e.reason;
    case "bin": return unknownReason(e.a) ?? unknownReason(e.b);
    case "un": return unknownReason(e.a);
    case "call": for (const a of e.args) { const r = unknownReason(a); if (r) return r; } return undefined;
    default: return undefined;
  }
}
