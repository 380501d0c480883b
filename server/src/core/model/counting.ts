// Counts the (invocation, loop iteration) tuples that satisfy a kernel's path conditions, exactly where it can.
//
// Conditions such as `i < params.n`, `lid.x < s` in a reduction loop, or `k < row` in a triangular loop decide how
// often code runs. Variables that no condition links are independent and multiply. Within a linked group, all but
// the largest variable are enumerated and the largest is solved in closed form when the conditions are linear in
// it; otherwise the group is enumerated when small, and sampled (and marked as an estimate) when not.
import { bin, compile, type VExpr, varsOf } from "../kernel/vexpr";
import { WorkBudget } from "./budget";

/** Values a variable takes: an integer range [lo, hi) with a step, or an explicit list (a simulated loop counter). */
export type Domain = { readonly kind: "range"; readonly lo: number; readonly hi: number } | { readonly kind: "list"; readonly values: readonly number[] };

export function domainSize(d: Domain): number {
  return d.kind === "range" ? Math.max(0, d.hi - d.lo) : d.values.length;
}
function domainValue(d: Domain, i: number): number {
  return d.kind === "range" ? d.lo + i : d.values[i];
}

export interface CountResult {
  readonly value: number;
  readonly min: number;
  readonly max: number;
  /** False when sampled, or when a condition depends on data. */
  readonly exact: boolean;
  readonly note?: string;
}

const ENUMERATE_LIMIT = 1 << 20;
const SAMPLES = 20000;
/** Samples once the work budget has run out: a coarser estimate, still bounded. */
const SAMPLES_OVER_BUDGET = 500;

/** Splits `a && b && c` into its conjuncts. */
export function conjuncts(e: VExpr, into: VExpr[] = []): VExpr[] {
  if (e.k === "bin" && e.op === "&&") {
    conjuncts(e.a, into);
    conjuncts(e.b, into);
  } else into.push(e);
  return into;
}

/** `e = coef * v + rest` with coef and rest free of v, when e is linear in v. */
function linear(e: VExpr, v: string): { coef: VExpr; rest: VExpr } | undefined {
  switch (e.k) {
    case "var":
      return e.name === v ? { coef: { k: "const", v: 1 }, rest: { k: "const", v: 0 } } : { coef: { k: "const", v: 0 }, rest: e };
    case "const":
    case "unknown":
      return { coef: { k: "const", v: 0 }, rest: e };
    case "un": {
      if (!varsOf(e.a).has(v)) return { coef: { k: "const", v: 0 }, rest: e };
      if (e.op !== "-") return undefined;
      const a = linear(e.a, v);
      return a && { coef: bin("-", { k: "const", v: 0 }, a.coef), rest: bin("-", { k: "const", v: 0 }, a.rest) };
    }
    case "call":
      return varsOf(e).has(v) ? undefined : { coef: { k: "const", v: 0 }, rest: e };
    case "bin": {
      const inA = varsOf(e.a).has(v);
      const inB = varsOf(e.b).has(v);
      if (!inA && !inB) return { coef: { k: "const", v: 0 }, rest: e };
      if (e.op === "+" || e.op === "-") {
        const a = linear(e.a, v);
        const b = linear(e.b, v);
        if (!a || !b) return undefined;
        return { coef: bin(e.op, a.coef, b.coef), rest: bin(e.op, a.rest, b.rest) };
      }
      if (e.op === "*" && !(inA && inB)) {
        const [lin, k] = inA ? [linear(e.a, v), e.b] : [linear(e.b, v), e.a];
        return lin && { coef: bin("*", lin.coef, k), rest: bin("*", lin.rest, k) };
      }
      if (e.op === "<<" && inA && !inB) {
        const lin = linear(e.a, v);
        const k = bin("<<", { k: "const", v: 1 }, e.b);
        return lin && { coef: bin("*", lin.coef, k), rest: bin("*", lin.rest, k) };
      }
      return undefined;
    }
  }
}

interface Solved {
  readonly op: string;
  readonly coef: (vals: Float64Array) => number;
  readonly rest: (vals: Float64Array) => number;
}

/**
 * The values of a range domain with coef*v + rest OP 0 for every solved constraint: [lo, hi] less `excluded` (from
 * `!=`); null when none; undefined when a coefficient is not a finite number or the domain is a list.
 */
function solveRange(d: Domain, solved: readonly Solved[], vals: Float64Array): { lo: number; hi: number; excluded: readonly number[] } | null | undefined {
  if (d.kind === "list") {
    // Lists are short (simulated loop counters): check each value.
    return undefined;
  }
  let lo = d.lo;
  let hi = d.hi - 1;
  const excluded: number[] = [];
  for (const s of solved) {
    const c = s.coef(vals);
    const r = s.rest(vals);
    if (!Number.isFinite(c) || !Number.isFinite(r)) return undefined;
    if (c === 0) {
      const ok = s.op === "<" ? r < 0 : s.op === "<=" ? r <= 0 : s.op === ">" ? r > 0 : s.op === ">=" ? r >= 0 : s.op === "==" ? r === 0 : r !== 0;
      if (!ok) return null;
      continue;
    }
    // c*v + r OP 0  <=>  v OP' -r/c (the comparison flips when c < 0); values are integers.
    const x = -r / c;
    let op = s.op;
    if (c < 0) op = op === "<" ? ">" : op === "<=" ? ">=" : op === ">" ? "<" : op === ">=" ? "<=" : op;
    switch (op) {
      case "<": hi = Math.min(hi, Math.ceil(x) - 1); break;
      case "<=": hi = Math.min(hi, Math.floor(x)); break;
      case ">": lo = Math.max(lo, Math.floor(x) + 1); break;
      case ">=": lo = Math.max(lo, Math.ceil(x)); break;
      case "==":
        if (!Number.isInteger(x)) return null;
        lo = Math.max(lo, x);
        hi = Math.min(hi, x);
        break;
      case "!=":
        if (Number.isInteger(x)) excluded.push(x);
        break;
      default:
        return undefined;
    }
  }
  return hi < lo ? null : { lo, hi, excluded };
}

/** Count of values in the domain with coef*v + rest OP 0 for every solved constraint; -1 when it cannot say. */
function countLinear(d: Domain, solved: readonly Solved[], vals: Float64Array): number {
  const r = solveRange(d, solved, vals);
  if (r === undefined) return -1;
  if (r === null) return 0;
  let n = r.hi - r.lo + 1;
  for (const x of new Set(r.excluded)) if (x >= r.lo && x <= r.hi) n--;
  return n;
}

const COMPARISONS = new Set(["<", "<=", ">", ">=", "==", "!="]);

function countGroup(constraints: readonly VExpr[], vars: readonly string[], domains: ReadonlyMap<string, Domain>, budget: WorkBudget): { count: number; exact: boolean } {
  const slots = new Map(vars.map((v, i) => [v, i]));
  const slot = (n: string): number => slots.get(n) ?? 0;
  const sizes = vars.map((v) => domainSize(domains.get(v)!));
  const total = sizes.reduce((a, b) => a * b, 1);
  if (total === 0) return { count: 0, exact: true };
  const vals = new Float64Array(vars.length);
  const tests = constraints.map((c) => compile(c, slot));
  const allPass = (): boolean => tests.every((t) => t(vals) !== 0);

  // Solve the largest variable in closed form when every constraint is a comparison linear in it.
  const order = vars.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a]);
  const big = order[0];
  const bigVar = vars[big];
  const bigDomain = domains.get(bigVar)!;
  const restSize = total / sizes[big];
  const solved: Solved[] = [];
  let linearOk = bigDomain.kind === "range";
  for (const c of constraints) {
    if (!linearOk) break;
    if (c.k !== "bin" || !COMPARISONS.has(c.op)) {
      linearOk = false;
      break;
    }
    const lin = linear(bin("-", c.a, c.b), bigVar);
    if (!lin) {
      linearOk = false;
      break;
    }
    solved.push({ op: c.op, coef: compile(lin.coef, slot), rest: compile(lin.rest, slot) });
  }
  const others = order.slice(1);
  const enumerate = (indices: readonly number[], visit: () => void): void => {
    const counters = new Array(indices.length).fill(0);
    const limits = indices.map((i) => sizes[i]);
    for (;;) {
      for (let j = 0; j < indices.length; j++) vals[indices[j]] = domainValue(domains.get(vars[indices[j]])!, counters[j]);
      visit();
      let j = 0;
      while (j < indices.length) {
        counters[j]++;
        if (counters[j] < limits[j]) break;
        counters[j] = 0;
        j++;
      }
      if (j === indices.length) return;
    }
  };
  if (linearOk && restSize <= ENUMERATE_LIMIT && budget.spend(restSize * constraints.length)) {
    let count = 0;
    let failed = false;
    enumerate(others, () => {
      if (failed) return;
      const n = countLinear(bigDomain, solved, vals);
      if (n < 0) failed = true;
      else count += n;
    });
    if (!failed) return { count, exact: true };
  }
  if (total <= ENUMERATE_LIMIT && budget.spend(total * constraints.length)) {
    let count = 0;
    enumerate(order, () => {
      if (allPass()) count++;
    });
    return { count, exact: true };
  }
  // Too many combinations and not linear: sample deterministically.
  const samples = budget.spend(SAMPLES * constraints.length) ? SAMPLES : SAMPLES_OVER_BUDGET;
  let seed = 0x9e3779b9;
  let hits = 0;
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < vars.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      vals[i] = domainValue(domains.get(vars[i])!, Math.floor((seed / 2 ** 32) * sizes[i]));
    }
    if (allPass()) hits++;
  }
  return { count: Math.round((hits / samples) * total), exact: false };
}

/**
 * How many combinations of the domains' variables satisfy every condition. A condition on data (unknown) cannot be
 * counted: the result is then a range from none to all, with half as the estimate, and says so.
 */
export function countSatisfying(conditions: readonly VExpr[], domains: ReadonlyMap<string, Domain>, budget: WorkBudget = new WorkBudget()): CountResult {
  const parts: VExpr[] = [];
  for (const c of conditions) conjuncts(c, parts);
  let dataDependent = 0;
  const known: VExpr[] = [];
  for (const c of parts) {
    if (c.k === "const") {
      if (c.v === 0) return { value: 0, min: 0, max: 0, exact: true };
      continue;
    }
    if (c.k === "unknown" || [...varsOf(c)].some((v) => !domains.has(v))) dataDependent++;
    else known.push(c);
  }
  // Union-find over variables linked by a condition.
  const parent = new Map<string, string>();
  const find = (v: string): string => {
    while (parent.get(v) !== v) v = parent.get(v)!;
    return v;
  };
  for (const v of domains.keys()) parent.set(v, v);
  const supports = known.map((c) => [...varsOf(c)]);
  for (const s of supports) for (let i = 1; i < s.length; i++) parent.set(find(s[i]), find(s[0]));
  const groups = new Map<string, { vars: Set<string>; constraints: VExpr[] }>();
  known.forEach((c, i) => {
    const root = find(supports[i][0]);
    const g = groups.get(root) ?? { vars: new Set<string>(), constraints: [] };
    for (const v of supports[i]) g.vars.add(v);
    g.constraints.push(c);
    groups.set(root, g);
  });
  let count = 1;
  let exact = true;
  const grouped = new Set<string>();
  for (const g of groups.values()) {
    for (const v of g.vars) grouped.add(v);
    const r = countGroup(g.constraints, [...g.vars], domains, budget);
    count *= r.count;
    exact &&= r.exact;
  }
  for (const [v, d] of domains) if (!grouped.has(v)) count *= domainSize(d);
  if (dataDependent > 0) {
    return { value: count / 2 ** Math.min(dataDependent, 1), min: 0, max: count, exact: false, note: "a branch depends on loaded data: the estimate assumes half of the invocations take it" };
  }
  return { value: count, min: count, max: count, exact, note: exact ? undefined : budget.reason ? `sampled: ${budget.reason}` : "sampled: the conditions are not linear in the invocation ids" };
}

/**
 * The least and greatest value of `e` over the combinations that satisfy every condition (a byte address over the
 * invocations that get past an early return), exactly: null when none does, undefined when it cannot say exactly
 * (a condition on data, too many combinations for the budget, a value that is not a number). One pass: the largest
 * variable is solved in closed form where `e` and the conditions are linear in it (`e` is then extreme at an end of
 * its feasible range), the rest enumerated. Only the variables `e` depends on, and those conditions link to them,
 * are visited; the caller knows the others' conditions can be met.
 */
export function extremesSatisfying(e: VExpr, conditions: readonly VExpr[], domains: ReadonlyMap<string, Domain>, budget: { left: number }): { lo: number; hi: number } | null | undefined {
  // A pass that would cost more than `budget.left` steps is not started (and costs nothing): a plain allowance, not
  // a WorkBudget, so one expensive access does not use up what cheaper ones after it need.
  const spend = (n: number): boolean => {
    if (n > budget.left) return false;
    budget.left -= n;
    return true;
  };
  const parts: VExpr[] = [];
  for (const c of conditions) conjuncts(c, parts);
  const known: VExpr[] = [];
  for (const c of parts) {
    if (c.k === "const") {
      if (c.v === 0) return null;
      continue;
    }
    if (c.k === "unknown" || [...varsOf(c)].some((v) => !domains.has(v))) return undefined;
    known.push(c);
  }
  const eVars = varsOf(e);
  if ([...eVars].some((v) => !domains.has(v))) return undefined;
  // The variables linked to e's through the conditions, and those conditions.
  const group = new Set(eVars);
  const constraints: VExpr[] = [];
  const pending = [...known];
  for (let grew = true; grew; ) {
    grew = false;
    for (let i = pending.length - 1; i >= 0; i--) {
      const vs = [...varsOf(pending[i])];
      if (!vs.some((v) => group.has(v))) continue;
      for (const v of vs) group.add(v);
      constraints.push(pending[i]);
      pending.splice(i, 1);
      grew = true;
    }
  }
  const vars = [...group];
  const slots = new Map(vars.map((v, i) => [v, i]));
  const slot = (n: string): number => slots.get(n) ?? 0;
  const vals = new Float64Array(Math.max(1, vars.length));
  const value = compile(e, slot);
  if (vars.length === 0) {
    const v = value(vals);
    return Number.isFinite(v) ? { lo: v, hi: v } : undefined;
  }
  const sizes = vars.map((v) => domainSize(domains.get(v)!));
  const total = sizes.reduce((a, b) => a * b, 1);
  if (total === 0) return null;
  let lo = Infinity;
  let hi = -Infinity;
  let bad = false;
  const see = (v: number): void => {
    if (!Number.isFinite(v)) bad = true;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  };
  const order = vars.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a]);
  const enumerate = (indices: readonly number[], visit: () => void): void => {
    const counters = new Array(indices.length).fill(0);
    for (;;) {
      for (let j = 0; j < indices.length; j++) vals[indices[j]] = domainValue(domains.get(vars[indices[j]])!, counters[j]);
      visit();
      let j = 0;
      while (j < indices.length) {
        counters[j]++;
        if (counters[j] < sizes[indices[j]]) break;
        counters[j] = 0;
        j++;
      }
      if (j === indices.length) return;
    }
  };
  const big = order[0];
  const bigDomain = domains.get(vars[big])!;
  const restSize = total / sizes[big];
  const eLin = bigDomain.kind === "range" ? linear(e, vars[big]) : undefined;
  const solved: Solved[] = [];
  let linearOk = eLin !== undefined;
  for (const c of constraints) {
    if (!linearOk) break;
    const lin = c.k === "bin" && COMPARISONS.has(c.op) ? linear(bin("-", c.a, c.b), vars[big]) : undefined;
    if (!lin || c.k !== "bin") linearOk = false;
    else solved.push({ op: c.op, coef: compile(lin.coef, slot), rest: compile(lin.rest, slot) });
  }
  if (linearOk && eLin && restSize <= ENUMERATE_LIMIT && spend(restSize * (constraints.length + 1))) {
    const coef = compile(eLin.coef, slot);
    const rest = compile(eLin.rest, slot);
    let failed = false;
    enumerate(order.slice(1), () => {
      if (failed) return;
      const r = solveRange(bigDomain, solved, vals);
      if (r === undefined) failed = true;
      if (!r) return;
      // e is linear in the solved variable: its extremes are at the feasible range's ends (past any `!=` value).
      let a = r.lo;
      let b = r.hi;
      if (r.excluded.length > 0) {
        while (a <= b && r.excluded.includes(a)) a++;
        while (b >= a && r.excluded.includes(b)) b--;
        if (a > b) return;
      }
      const c = coef(vals);
      const k = rest(vals);
      see(c * a + k);
      see(c * b + k);
    });
    if (!failed) return bad ? undefined : lo <= hi ? { lo, hi } : null;
    lo = Infinity;
    hi = -Infinity;
    bad = false;
  }
  if (total <= ENUMERATE_LIMIT && spend(total * (constraints.length + 1))) {
    const tests = constraints.map((c) => compile(c, slot));
    enumerate(order, () => {
      if (tests.every((t) => t(vals) !== 0)) see(value(vals));
    });
    return bad ? undefined : lo <= hi ? { lo, hi } : null;
  }
  return undefined;
}
