// Infers what no directive gives: the dispatch from the kernel's bounds guards and the shape of the ids it uses,
// and an assumed value for every launch parameter nothing sets (a uniform field, a buffer length, an override
// without a default, a texture size), so every entry point gets numbers with no directive at all.
//
// Each inferred or assumed value is an `Assumption` saying where it came from and the directive line that would fix
// it; the model's results that rest on one are marked by the adapters. Nothing here overrides a value a directive
// or the command line gives.
import { ID_VARS, type IrNode, type KernelIR, type LaunchParam, type LoopCounter } from "./ir";
import { evaluate, un, type VExpr, varsOf } from "./vexpr";

/** The element count a problem size is assumed to have where nothing states it: a 1,048,576-element tensor. */
export const DEFAULT_ASSUMED_PROBLEM_SIZE = 1 << 20;
/** A workgroup size named by an override without a value: a common size on every vendor. */
const ASSUMED_WORKGROUP_DIM = 64;
/** WebGPU's per-dimension dispatch limit: a grid-stride kernel is launched within it. */
const MAX_WORKGROUPS = 65535;
/** A guard is searched this far: an assumed size may need more workgroups than one dimension allows (said, not hidden). */
const SEARCH_LIMIT = 2 ** 31 - 1;

/** One value of a launch that the code shows (`code`) or that is assumed (`assumed`), and where to write it. */
export interface Assumption {
  /** The name as the source writes it: `params.n`, `arrayLength(&x)`, `N`, `dispatch`. */
  readonly name: string;
  readonly value: number | readonly number[];
  /** `code`: worked out from the kernel (a bounds guard); `assumed`: a default nothing in the file states. */
  readonly source: "code" | "assumed";
  readonly reason: string;
  /** The directive line that states the value, ready to paste above the entry point. */
  readonly directive: string;
  /** The value sizes the workgroup: occupancy and workgroup memory rest on it too. */
  readonly sizesWorkgroup?: boolean;
  /** Where the directive writes it, so that several values merge into one line per binding. */
  readonly target?: DirectiveTarget;
}

export interface InferredLaunch {
  /** Values for launch parameters without one, by the IR variable (`uniform.params.n`, `length.x`). */
  readonly params: ReadonlyMap<string, number>;
  /** Values for overrides without one (also used by the workgroup size). */
  readonly overrides: ReadonlyMap<string, number>;
  readonly dispatch: readonly [number, number, number] | null;
  readonly assumptions: readonly Assumption[];
}

export interface InferInput {
  /** A parameter's value from a directive, the command line or the code; undefined where nothing gives one. */
  readonly valueOf: (p: LaunchParam) => number | undefined;
  /** The workgroup size when known (the dispatch needs it). */
  readonly workgroupSize: readonly [number, number, number] | null;
  /** Set when the dispatch is given: only parameters are inferred then. */
  readonly dispatchGiven: boolean;
  readonly problemSize?: number;
  readonly subgroupSize?: number;
}

const DIMS = ["x", "y", "z"] as const;

/** Visits every node of a body, with the loops around it, into branches, calls and loops. */
function visit(nodes: readonly IrNode[], f: (n: IrNode, loops: readonly Extract<IrNode, { k: "loop" }>[]) => void, loops: readonly Extract<IrNode, { k: "loop" }>[] = []): void {
  for (const n of nodes) {
    f(n, loops);
    switch (n.k) {
      case "if": visit(n.then, f, loops); visit(n.else, f, loops); break;
      case "switch": for (const a of n.arms) visit(a.body, f, loops); break;
      case "call": case "block": visit(n.body, f, loops); break;
      case "loop": {
        const inner = [...loops, n];
        visit(n.header, f, inner); visit(n.body, f, inner); visit(n.latch, f, inner);
        break;
      }
      default: break;
    }
  }
}

/** Every expression of the body that decides control flow (branch and loop conditions), and every access address. */
function expressions(nodes: readonly IrNode[], conds: VExpr[], addrs: VExpr[]): void {
  visit(nodes, (n) => {
    if (n.k === "access") addrs.push(n.address);
    else if (n.k === "if") conds.push(n.cond);
    else if (n.k === "switch") for (const a of n.arms) conds.push(a.cond);
    else if (n.k === "loop" && n.counter) conds.push(n.counter.start, n.counter.bound);
  });
}

const exits = (nodes: readonly IrNode[]): boolean => nodes.length > 0 && nodes[nodes.length - 1].k === "exit";

/**
 * Conditions under which an invocation leaves the kernel before its work: `if (c) { return; }` gives `c`, a body
 * wrapped in `if (c) { ... }` gives `!c` (and the guards inside it). Only the entry's own top level counts: a return
 * inside a loop or a helper leaves less than the kernel.
 */
function guards(nodes: readonly IrNode[], into: VExpr[]): void {
  const significant = nodes.filter((n) => n.k !== "ops");
  for (const n of nodes) {
    if (n.k === "block") guards(n.body, into);
    if (n.k !== "if") continue;
    if (exits(n.then)) into.push(n.cond);
    else if (exits(n.else)) into.push(un("!", n.cond));
    else if (n.else.length === 0 && significant[significant.length - 1] === n) {
      into.push(un("!", n.cond));
      guards(n.then, into);
    }
  }
}

/** Every branch condition of the body, at any depth: `if (row < M && t * 16u + c < K) { tile = a[...]; }`. */
function branchConds(nodes: readonly IrNode[], into: VExpr[]): void {
  visit(nodes, (n) => {
    if (n.k === "if") into.push(n.cond);
  });
}

/** Loops whose counter starts at a workgroup id and steps by the number of workgroups: grid-stride loops, by dimension. */
function gridStrides(nodes: readonly IrNode[], into: { dim: number; bound: VExpr }[]): void {
  visit(nodes, (n) => {
    const c = n.k === "loop" ? n.counter : null;
    if (!c || c.kind !== "add" || (c.op !== "<" && c.op !== "<=")) return;
    const start = varsOf(c.start), step = varsOf(c.step);
    DIMS.forEach((d, dim) => { if (start.has(`wid.${d}`) && step.has(`nwg.${d}`)) into.push({ dim, bound: c.bound }); });
  });
}

/** Variables in the divisor or modulus of a division (`i / ne0`, `(i / ne0) % ne1`, `i / (ne1 * ne0)`). */
function divisorsOf(e: VExpr, into: Set<string>): void {
  if (e.k === "bin") {
    if (e.op === "/" || e.op === "%") varsOf(e.b, into);
    divisorsOf(e.a, into);
    divisorsOf(e.b, into);
  } else if (e.k === "un") divisorsOf(e.a, into);
  else if (e.k === "call") for (const a of e.args) divisorsOf(a, into);
}

/**
 * Variables compared, alone, with a flat id (`i >= ne`, not `row >= ne1 * ne2` nor `tile / tiles < n`), with the
 * workgroup ids of that id.
 */
function soleBoundsOf(e: VExpr, into: Map<string, Set<string>>): void {
  if (e.k === "bin") {
    if (ORDERING.has(e.op)) {
      const ids = (x: VExpr): string[] => (hasDivision(x) ? [] : [...varsOf(x)].filter((v) => v.startsWith("wid.")));
      const add = (v: string, on: string[]): void => { if (on.length > 0) into.set(v, new Set([...(into.get(v) ?? []), ...on])); };
      if (e.a.k === "var") add(e.a.name, ids(e.b));
      if (e.b.k === "var") add(e.b.name, ids(e.a));
    }
    soleBoundsOf(e.a, into);
    soleBoundsOf(e.b, into);
  } else if (e.k === "un") soleBoundsOf(e.a, into);
}

/** Workgroup ids some division splits into dimensions (the dividend of `i / ne0`, `(i / ne0) % ne1`). */
function dividedIds(e: VExpr, into: Set<string>): void {
  if (e.k === "bin") {
    if (e.op === "/" || e.op === "%") for (const v of varsOf(e.a)) if (v.startsWith("wid.")) into.add(v);
    dividedIds(e.a, into);
    dividedIds(e.b, into);
  } else if (e.k === "un") dividedIds(e.a, into);
  else if (e.k === "call") for (const a of e.args) dividedIds(a, into);
}

const hasDivision = (e: VExpr): boolean =>
  e.k === "bin" ? e.op === "/" || e.op === "%" || hasDivision(e.a) || hasDivision(e.b) : e.k === "un" ? hasDivision(e.a) : e.k === "call" ? e.args.some(hasDivision) : false;

/** Every loop counter of the body. */
function collectLoops(nodes: readonly IrNode[], into: LoopCounter[] = []): LoopCounter[] {
  visit(nodes, (n) => {
    if (n.k === "loop" && n.counter) into.push(n.counter);
  });
  return into;
}

/** Whether `v` appears in `e` under a multiplication, division, shift or modulo: a stride, not an offset. */
function scales(e: VExpr, v: string, under = false): boolean {
  switch (e.k) {
    case "var": return under && e.name === v;
    case "bin": {
      if (e.op === "+" || e.op === "-") return scales(e.a, v, under) || scales(e.b, v, under);
      // A constant factor is an element size ((offset + i) * 16u), not a stride.
      if (e.b.k === "const") return scales(e.a, v, under);
      if (e.a.k === "const" && e.op === "*") return scales(e.b, v, under);
      return scales(e.a, v, true) || scales(e.b, v, true);
    }
    case "un": return scales(e.a, v, under);
    case "call": return e.args.some((a) => scales(a, v, true));
    default: return false;
  }
}

const ORDERING = new Set(["<", "<=", ">", ">="]);
/** Whether the expression orders a value that depends on `v` against another (a bound, not an equality test). */
function ordersBy(e: VExpr, v: string): boolean {
  switch (e.k) {
    case "bin": return (ORDERING.has(e.op) && (varsOf(e.a).has(v) || varsOf(e.b).has(v))) || ordersBy(e.a, v) || ordersBy(e.b, v);
    case "un": return ordersBy(e.a, v);
    case "call": return e.args.some((a) => ordersBy(a, v));
    default: return false;
  }
}

/**
 * Where an assumed value would be written, for merging several into one directive line: a uniform's member (by path,
 * `""` for the whole binding; `index` into a list member of `count` scalars), a stored buffer's k-th scalar, a
 * texture's dimension.
 */
export type DirectiveTarget =
  | { readonly kind: "uniform"; readonly binding: string; readonly member: string; readonly index?: number; readonly count?: number }
  | { readonly kind: "stored"; readonly binding: string; readonly index: number }
  | { readonly kind: "texture"; readonly binding: string; readonly dims: number; readonly dim: number };

/** The name a parameter has in the source, the directive that gives it a value, and where that directive writes it. */
function describe(ir: KernelIR, p: LaunchParam, value: number): { name: string; directive: string; target?: DirectiveTarget } {
  switch (p.kind) {
    case "override": return { name: p.name, directive: `// @override ${p.name} = ${value}` };
    case "uniform": {
      const index = p.list ? Number(/\[(\d+)\]$/.exec(p.field)?.[1] ?? 0) : undefined;
      const member = p.list ? p.list.member : p.field === "value" ? "" : p.field;
      const target: DirectiveTarget = { kind: "uniform", binding: p.binding, member, index, count: p.list?.count };
      const name = p.field === "value" ? p.binding : p.field.startsWith("[") ? `${p.binding}${p.field}` : `${p.binding}.${p.field}`;
      return { name, directive: directiveLines([{ target, value }])[0], target };
    }
    case "stored": {
      const target: DirectiveTarget = { kind: "stored", binding: p.binding, index: p.index };
      return { name: `${p.binding}[${p.index}]`, directive: directiveLines([{ target, value }])[0], target };
    }
    case "bufferLength": return { name: `arrayLength(&${p.binding})`, directive: `// @buffer ${p.binding}[${value}]` };
    case "textureSize": {
      const dims = ir.bindings.find((b) => b.name === p.binding)?.texture?.dimensions ?? 2;
      const target: DirectiveTarget = { kind: "texture", binding: p.binding, dims, dim: p.dim };
      return { name: `textureDimensions(${p.binding}).${DIMS[p.dim]}`, directive: `// @texture ${p.binding}[${new Array(dims).fill(value).join(", ")}]`, target };
    }
  }
}

/**
 * Directive lines for values at their targets, one line per binding: a uniform's members together (nested members
 * nest braces, list members are lists), a stored buffer's scalars as its list, a texture's dimensions together.
 * Scalars of a list nothing reads are 1 (an unused dimension of a ggml shape).
 */
export function directiveLines(values: readonly { readonly target: DirectiveTarget; readonly value: number }[]): string[] {
  type Tree = Map<string, number | (number | undefined)[] | Tree>;
  const uniforms = new Map<string, Tree | number | (number | undefined)[]>();
  const stored = new Map<string, (number | undefined)[]>();
  const textures = new Map<string, (number | undefined)[]>();
  const list = (n: number): (number | undefined)[] => new Array<number | undefined>(n).fill(undefined);
  for (const { target: t, value } of values) {
    if (t.kind === "stored") {
      const l = stored.get(t.binding) ?? [];
      l[t.index] = value;
      stored.set(t.binding, l);
    } else if (t.kind === "texture") {
      const l = textures.get(t.binding) ?? list(t.dims);
      l[t.dim] = value;
      textures.set(t.binding, l);
    } else if (t.member === "") {
      if (t.index === undefined) uniforms.set(t.binding, value);
      else {
        const existing = uniforms.get(t.binding);
        const l = Array.isArray(existing) ? existing : list(t.count ?? t.index + 1);
        l[t.index] = value;
        uniforms.set(t.binding, l);
      }
    } else {
      const top = uniforms.get(t.binding);
      let tree: Tree = top instanceof Map ? top : new Map();
      uniforms.set(t.binding, tree);
      const parts = t.member.split(".");
      for (const part of parts.slice(0, -1)) {
        const next = tree.get(part);
        const sub: Tree = next instanceof Map ? next : new Map();
        tree.set(part, sub);
        tree = sub;
      }
      const leaf = parts[parts.length - 1];
      if (t.index === undefined) tree.set(leaf, value);
      else {
        const existing = tree.get(leaf);
        const l = Array.isArray(existing) ? existing : list(t.count ?? t.index + 1);
        l[t.index] = value;
        tree.set(leaf, l);
      }
    }
  }
  const listText = (l: readonly (number | undefined)[]): string => `[${Array.from(l, (v) => String(v ?? 1)).join(", ")}]`;
  const text = (v: number | (number | undefined)[] | Tree): string =>
    typeof v === "number" ? String(v) : Array.isArray(v) ? listText(v) : `{ ${[...v].map(([k, x]) => `${k}: ${text(x)}`).join(", ")} }`;
  return [
    ...[...uniforms].map(([b, v]) => `// @uniform ${b} = ${text(v)}`),
    ...[...stored].map(([b, l]) => `// @buffer ${b} = ${listText(l)}`),
    ...[...textures].map(([b, l]) => `// @texture ${b}[${Array.from(l, (v) => String(v ?? 1)).join(", ")}]`),
  ];
}

/** An access's address with the loops around it (their iteration variables and counters). */
interface AccessShape {
  readonly address: VExpr;
  readonly loops: readonly { readonly v: string; readonly bound: VExpr; readonly start: VExpr }[];
}

function accessShapes(nodes: readonly IrNode[], into: AccessShape[]): void {
  visit(nodes, (n, loops) => {
    if (n.k === "access") into.push({ address: n.address, loops: loops.flatMap((l) => (l.counter ? [{ v: l.v, bound: l.counter.bound, start: l.counter.start }] : [])) });
  });
}

/** The variables on the other side of every ordering comparison in `e` one of whose sides reads `v`. */
function comparedWith(e: VExpr, v: string, into: Set<string>): void {
  if (e.k === "bin") {
    if (ORDERING.has(e.op)) {
      const a = varsOf(e.a), b = varsOf(e.b);
      if (a.has(v)) for (const x of b) into.add(x);
      if (b.has(v)) for (const x of a) into.add(x);
    }
    comparedWith(e.a, v, into);
    comparedWith(e.b, v, into);
  } else if (e.k === "un") comparedWith(e.a, v, into);
  else if (e.k === "call") for (const a of e.args) comparedWith(a, v, into);
}

/**
 * The value each of `m` unknown sizes is assumed to have so that the largest tensor, shaped by `m` of them, has about
 * `total` elements: the m-th root, rounded to a power of two.
 */
export function assumedSize(total: number, m: number): number {
  return 2 ** Math.max(0, Math.round(Math.log2(total) / Math.max(1, m)));
}

/** The workgroup-size overrides without a value: 64 invocations in all (8 x 8, 4 x 4 x 4), a size every vendor runs well. */
function assumedWorkgroupDim(dims: number): number {
  return dims <= 1 ? ASSUMED_WORKGROUP_DIM : dims === 2 ? 8 : 4;
}

/** The dimension a stride's name says it is for (`stride_src0_2`, `nb1`): its trailing digit. */
function strideRank(name: string): number | undefined {
  const m = /(\d)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function inferLaunch(ir: KernelIR, input: InferInput): InferredLaunch {
  const total = input.problemSize ?? DEFAULT_ASSUMED_PROBLEM_SIZE;
  const assumptions: Assumption[] = [];
  const overrides = new Map<string, number>();
  const params = new Map<string, number>();

  let missing = [...ir.params.values()].filter((p) => input.valueOf(p) === undefined);
  // A 2-D texture has depth 1 (and a 1-D one height 1): known, not assumed.
  for (const p of missing) {
    const dims = p.kind === "textureSize" ? ir.bindings.find((b) => b.name === p.binding)?.texture?.dimensions : undefined;
    if (p.kind === "textureSize" && dims !== undefined && p.dim >= dims) params.set(p.v, 1);
  }
  missing = missing.filter((p) => !params.has(p.v));
  // Overrides in the workgroup size get a workgroup-sized value, not a problem size.
  const wsOverrides = (ir.launch.workgroupSize ?? []).flatMap((e) => [...varsOf(e)]).filter((v) => missing.some((p) => p.v === v && p.kind === "override"));
  for (const p of missing) {
    if (p.kind !== "override" || !wsOverrides.includes(p.v)) continue;
    const value = assumedWorkgroupDim(new Set(wsOverrides).size);
    overrides.set(p.name, value);
    params.set(p.v, value);
    assumptions.push({ name: p.name, value, source: "assumed", reason: "it sizes the workgroup and has no value", directive: `// @override ${p.name} = ${value}`, sizesWorkgroup: true });
  }

  const conds: VExpr[] = [];
  const addrs: VExpr[] = [];
  expressions(ir.body, conds, addrs);
  const condVars = new Set<string>();
  for (const c of conds) varsOf(c, condVars);
  const allVars = new Set(condVars);
  for (const a of addrs) varsOf(a, allVars);
  const exitConds: VExpr[] = [];
  guards(ir.body, exitConds);
  // Bounds checks inside the body (a tiled kernel guards each tile load) bound a dimension the top level leaves open.
  const inner: VExpr[] = [];
  branchConds(ir.body, inner);

  // Which dimensions spread work over workgroups, and whether a guard bounds them.
  const ws = input.workgroupSize;
  const guardedDims = new Set<number>();
  const usedDims: number[] = [];
  let hiddenX = false;
  if (!input.dispatchGiven && ws) {
    DIMS.forEach((d, i) => {
      if (!allVars.has(`wid.${d}`)) return;
      usedDims.push(i);
      if (exitConds.some((c) => varsOf(c).has(`wid.${d}`)) || inner.some((c) => ordersBy(c, `wid.${d}`))) guardedDims.add(i);
    });
    // The kernel reads its workgroup id, but no index the model follows shows it (a value a branch chose): x.
    if (usedDims.length === 0 && ir.launch.readsWorkgroupId) {
      usedDims.push(0);
      hiddenX = true;
    }
  }
  // A grid-stride loop (`for (i = gid.x; i < n; i += num_workgroups.x * 256u)`) covers its range with any dispatch:
  // its dimension is no size of its own.
  const strides: { dim: number; bound: VExpr }[] = [];
  gridStrides(ir.body, strides);
  const unguarded = usedDims.filter((i) => !guardedDims.has(i) && !strides.some((g) => g.dim === i));

  // What each parameter without a value is: a size (it bounds a branch or a loop, or is a texture's extent), a
  // stride (it scales an address), an offset (only ever added to one), or a value no count depends on.
  const kinds = new Map<string, "size" | "stride" | "offset" | "value">();
  const divisors = new Set<string>();
  for (const e of [...addrs, ...conds]) divisorsOf(e, divisors);
  for (const p of missing) {
    if (params.has(p.v)) continue;
    // A divisor or modulus (i / ne0, i % ne1) is a dimension's extent, a size; a factor of an index is a stride.
    const size = p.kind === "textureSize" || condVars.has(p.v) || divisors.has(p.v);
    kinds.set(p.v, size ? "size" : !allVars.has(p.v) ? "value" : addrs.some((a) => scales(a, p.v)) ? "stride" : "offset");
  }
  // Where a flat id is split into dimensions by divisors (ggml's i / (ne2 * ne1 * ne0)), a size only the guard reads
  // is the element count, the product of the dimensions: it counts once, as the whole problem.
  const inAddressOrLoop = new Set<string>([...addrs.flatMap((a) => [...varsOf(a)])]);
  for (const sh of collectLoops(ir.body)) for (const v of [...varsOf(sh.bound), ...varsOf(sh.start)]) inAddressOrLoop.add(v);
  const soleBounds = new Map<string, Set<string>>();
  for (const c of exitConds) soleBoundsOf(c, soleBounds);
  const splitIds = new Set<string>();
  for (const e of [...addrs, ...conds]) dividedIds(e, splitIds);
  const totals = new Set(
    [...kinds]
      .filter(([v, k]) => k === "size" && [...(soleBounds.get(v) ?? [])].some((id) => splitIds.has(id)) && !divisors.has(v) && !inAddressOrLoop.has(v) && ir.params.get(v)?.kind !== "textureSize")
      .map(([v]) => v),
  );
  const isSize = (v: string): boolean => kinds.get(v) === "size" && !totals.has(v);
  // Sizes named for one dimension (ne0, a_ne0, b_ne0) are that dimension's extent in several tensors: one size.
  // A texture's width and height are the image's, which a dispatch of one invocation per texel covers too.
  const sizeKey = (v: string): string => {
    const p = ir.params.get(v);
    if (p?.kind === "textureSize") return `dim.${DIMS[p.dim]}`;
    const rank = p ? strideRank(describe(ir, p, 0).name) : undefined;
    return rank !== undefined ? `dim ${rank}` : v;
  };
  // The largest tensor is shaped by the most sizes any one access depends on: the sizes in its address, the bounds of
  // the loops whose variable it reads, and the guards of the dimensions whose ids it reads (a matmul's A: M and K).
  const shapes: AccessShape[] = [];
  accessShapes(ir.body, shapes);
  const guardSizes = DIMS.map((d) => {
    const out = new Set<string>();
    for (const c of [...exitConds, ...inner]) comparedWith(c, `wid.${d}`, out);
    return new Set([...out].filter(isSize));
  });
  let m = 0;
  for (const a of shapes) {
    const vars = varsOf(a.address);
    const shape = new Set([...vars].filter(isSize).map(sizeKey));
    for (const l of a.loops) if (vars.has(l.v)) for (const x of [...varsOf(l.bound), ...varsOf(l.start)]) if (isSize(x)) shape.add(sizeKey(x));
    DIMS.forEach((d, i) => {
      if (!vars.has(`wid.${d}`)) return;
      for (const x of guardSizes[i]) if (isSize(x)) shape.add(sizeKey(x));
      if (unguarded.includes(i)) shape.add(`dim.${d}`);
    });
    m = Math.max(m, shape.size);
  }
  // Accesses the model cannot follow (sampled textures, loaded indices) show no shape: the sizes still share the
  // problem, at least two to a tensor.
  const sizeCount = new Set([...[...kinds.keys()].filter(isSize).map(sizeKey), ...unguarded.map((i) => `dim.${DIMS[i]}`)]).size;
  // An image with an assumed size is the problem: a 2-D texture has two of its sizes.
  const textureDims = Math.max(0, ...missing.flatMap((p) => (p.kind === "textureSize" ? [ir.bindings.find((b) => b.name === p.binding)?.texture?.dimensions ?? 2] : [])));
  m = Math.max(m, Math.ceil(sizeCount / 2), textureDims, sizeCount > 0 ? 1 : 0);
  if (m === 0) m = 1;
  const share = assumedSize(total, m);
  const shareText = m > 1 ? `${m} sizes of ${share.toLocaleString("en-US")} shape the largest tensor, about ${(share ** m).toLocaleString("en-US")} elements` : `${share.toLocaleString("en-US")} elements`;

  // Strides of one address, in the order their names give (stride1 < stride2, nb01 < nb02), are the products of the
  // sizes inside them: share, share², ...; a dimension-0 stride (`stride_src0_0`) is 1.
  const strideValue = new Map<string, number>();
  for (const a of addrs) {
    const here = [...varsOf(a)].filter((v) => kinds.get(v) === "stride").sort();
    here.forEach((v, i) => {
      if (strideValue.has(v)) return;
      const rank = strideRank(ir.params.get(v) ? describe(ir, ir.params.get(v)!, 0).name : v) ?? i + 1;
      strideValue.set(v, share ** Math.min(rank, 3));
    });
  }
  for (const p of missing) {
    if (params.has(p.v)) continue;
    const kind = kinds.get(p.v)!;
    if (kind === "value") {
      // A value the kernel only computes with (saxpy's alpha) changes no count: it needs a value, not an assumption.
      params.set(p.v, 1);
      continue;
    }
    const value = kind === "offset" ? 0 : kind === "stride" ? strideValue.get(p.v) ?? share : totals.has(p.v) ? share ** m : share;
    params.set(p.v, value);
    if (p.kind === "override") overrides.set(p.name, value);
    const { name, directive, target } = describe(ir, p, value);
    const reason =
      kind === "offset" ? "an offset only added to addresses, and nothing in the file gives it: assumed 0"
      : kind === "stride" ? `a stride nothing gives: assumed the product of the assumed sizes inside it (${shareText})`
      : totals.has(p.v) ? `an element count nothing gives: the product of the assumed dimensions (${shareText})`
      : `nothing in the file gives it a value: an assumed problem size (${shareText})`;
    assumptions.push({ name, value, source: "assumed", reason, directive, target });
  }

  let dispatch: [number, number, number] | null = null;
  if (!input.dispatchGiven && ws) {
    dispatch = [1, 1, 1];
    const found = dispatch;
    const env = (wid: number[], lid: number[], searching?: number) => (name: string): number | undefined => {
      const id = ID_VARS.indexOf(name as (typeof ID_VARS)[number]);
      if (id >= 0) return id < 3 ? lid[id] : wid[id - 3];
      const m = /^(wgsize|nwg)\.([xyz])$/.exec(name);
      if (m) {
        const i = DIMS.indexOf(m[2] as "x");
        // The number of workgroups in the dimension being searched is the candidate itself; in the others, what
        // the search found so far (a flattened index: gid.x + num_workgroups.x * 256 * gid.y).
        return m[1] === "wgsize" ? ws[i] : i === searching ? Math.max(1, wid[i]) : found[i];
      }
      if (name === "subgroup_size") return input.subgroupSize ?? 32;
      const p = ir.params.get(name);
      if (p) return params.get(name) ?? input.valueOf(p);
      // A loop's iteration index at its first iteration: a tile loop's bounds check is taken for the first tile.
      return 0;
    };
    const reasons: string[] = [];
    let assumed = false;
    for (const i of usedDims) {
      const d = DIMS[i];
      if (guardedDims.has(i)) {
        // The first workgroup whose first invocation every guard turns away ends the dispatch.
        const topLevel = exitConds.filter((c) => varsOf(c).has(`wid.${d}`));
        const bounds = topLevel.length > 0 ? topLevel : inner.filter((c) => ordersBy(c, `wid.${d}`)).map((c) => un("!", c));
        const leaves = (w: number): boolean | undefined => {
          const wid = [0, 0, 0], lid = [0, 0, 0];
          wid[i] = w;
          const env1 = env(wid, lid, i);
          let any: boolean | undefined = false;
          for (const c of bounds) {
            const v = evaluate(c, env1);
            if (v === undefined) { if (any === false) any = undefined; continue; }
            if (v !== 0) return true;
          }
          return any;
        };
        if (leaves(0) === false && leaves(SEARCH_LIMIT) === true) {
          let lo = 0, hi = SEARCH_LIMIT; // leaves(lo) false, leaves(hi) true
          while (hi - lo > 1) {
            const mid = Math.floor((lo + hi) / 2);
            if (leaves(mid) === true) hi = mid;
            else lo = mid;
          }
          dispatch[i] = hi;
          const onAssumed = bounds.some((c) => [...varsOf(c)].some((v) => params.has(v)));
          assumed ||= onAssumed;
          reasons.push(`${d}: ${hi.toLocaleString("en-US")} workgroups cover the bounds guard${onAssumed ? " (on an assumed size)" : ""}`);
          continue;
        }
      }
      const stride = strides.find((g) => g.dim === i);
      const extent = stride ? evaluate(stride.bound, env([0, 0, 0], [0, 0, 0])) : undefined;
      if (extent !== undefined && extent > 0) {
        // One invocation per element of the loop's range, as a grid-stride kernel is usually launched.
        dispatch[i] = Math.min(MAX_WORKGROUPS, Math.max(1, Math.ceil(extent / ws[i])));
        assumed ||= [...varsOf(stride!.bound)].some((v) => params.has(v));
        reasons.push(`${d}: ${dispatch[i].toLocaleString("en-US")} workgroups, one invocation per element of the grid-stride loop's ${extent.toLocaleString("en-US")}`);
        continue;
      }
      // No guard bounds this dimension: an assumed extent, in invocations where the id is a global one
      // (workgroup id times workgroup size plus the local id), in workgroups where a workgroup is one row.
      const perInvocation = (hiddenX && i === 0) || addrs.some((a) => { const v = varsOf(a); return v.has(`wid.${d}`) && v.has(`wgsize.${d}`); });
      dispatch[i] = perInvocation ? Math.max(1, Math.ceil(share / ws[i])) : share;
      assumed = true;
      reasons.push(`${d}: ${dispatch[i].toLocaleString("en-US")} workgroups for an assumed ${share.toLocaleString("en-US")} ${perInvocation ? "invocations" : "workgroups (one per row)"}`);
    }
    const text = dispatch.slice(0, Math.max(1, ...usedDims.map((i) => i + 1)));
    assumptions.push({
      name: "dispatch",
      value: dispatch,
      source: assumed ? "assumed" : "code",
      reason: usedDims.length === 0 ? "the kernel does not read its workgroup id: one workgroup does all its work" : reasons.join("; "),
      directive: `// @dispatch ${text.join(", ")}`,
    });
  }
  return { params, overrides, dispatch, assumptions: mergedDirectives(assumptions) };
}

/** Each value of a uniform, a stored buffer or a texture is written in one line for its whole binding: pasting any is enough. */
function mergedDirectives(assumptions: readonly Assumption[]): Assumption[] {
  const byBinding = new Map<string, string>();
  const targeted = assumptions.flatMap((a) => (a.target && typeof a.value === "number" ? [{ target: a.target, value: a.value }] : []));
  for (const t of targeted) {
    const key = `${t.target.kind} ${t.target.binding}`;
    if (byBinding.has(key)) continue;
    byBinding.set(key, directiveLines(targeted.filter((x) => x.target.kind === t.target.kind && x.target.binding === t.target.binding))[0]);
  }
  return assumptions.map((a) => (a.target ? { ...a, directive: byBinding.get(`${a.target.kind} ${a.target.binding}`) ?? a.directive } : a));
}
