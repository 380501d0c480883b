// Infers what no directive gives: the dispatch from the kernel's bounds guards and the shape of the ids it uses,
// and an assumed value for every launch parameter nothing sets (a uniform field, a buffer length, an override
// without a default, a texture size), so every entry point gets numbers with no directive at all.
//
// Each inferred or assumed value is an `Assumption` saying where it came from and the directive line that would fix
// it; the model's results that rest on one are marked by the adapters. Nothing here overrides a value a directive
// or the command line gives.
import { ID_VARS, type IrNode, type KernelIR, type LaunchParam } from "./ir";
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

/** Every expression of the body that decides control flow (branch and loop conditions), and every access address. */
function expressions(nodes: readonly IrNode[], conds: VExpr[], addrs: VExpr[]): void {
  for (const n of nodes) {
    switch (n.k) {
      case "access": addrs.push(n.address); break;
      case "if": conds.push(n.cond); expressions(n.then, conds, addrs); expressions(n.else, conds, addrs); break;
      case "switch": for (const a of n.arms) { conds.push(a.cond); expressions(a.body, conds, addrs); } break;
      case "call": case "block": expressions(n.body, conds, addrs); break;
      case "loop":
        if (n.counter) conds.push(n.counter.start, n.counter.bound);
        expressions(n.header, conds, addrs); expressions(n.body, conds, addrs); expressions(n.latch, conds, addrs);
        break;
      default: break;
    }
  }
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
  for (const n of nodes) {
    switch (n.k) {
      case "if": into.push(n.cond); branchConds(n.then, into); branchConds(n.else, into); break;
      case "call": case "block": branchConds(n.body, into); break;
      case "loop": branchConds(n.header, into); branchConds(n.body, into); branchConds(n.latch, into); break;
      default: break;
    }
  }
}

/** Loops whose counter starts at a workgroup id and steps by the number of workgroups: grid-stride loops, by dimension. */
function gridStrides(nodes: readonly IrNode[], into: { dim: number; bound: VExpr }[]): void {
  for (const n of nodes) {
    switch (n.k) {
      case "if": gridStrides(n.then, into); gridStrides(n.else, into); break;
      case "switch": for (const a of n.arms) gridStrides(a.body, into); break;
      case "call": case "block": gridStrides(n.body, into); break;
      case "loop": {
        const c = n.counter;
        if (c && c.kind === "add" && (c.op === "<" || c.op === "<=")) {
          const start = varsOf(c.start), step = varsOf(c.step);
          DIMS.forEach((d, dim) => { if (start.has(`wid.${d}`) && step.has(`nwg.${d}`)) into.push({ dim, bound: c.bound }); });
        }
        gridStrides(n.body, into);
        break;
      }
      default: break;
    }
  }
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

/**
 * The value each of `k` unknown sizes is assumed to have so that the largest tensor they shape has about `total`
 * elements: one size is the whole problem; two or three (rows and columns; a matmul's M, N and K) are its square
 * root, since each tensor is shaped by two of them; more are shared the same way, rounded to a power of two.
 */
export function assumedSize(total: number, k: number): number {
  const share = k <= 1 ? 1 : k <= 3 ? 2 : k - 1;
  return 2 ** Math.max(0, Math.round(Math.log2(total) / share));
}

export function inferLaunch(ir: KernelIR, input: InferInput): InferredLaunch {
  const total = input.problemSize ?? DEFAULT_ASSUMED_PROBLEM_SIZE;
  const assumptions: Assumption[] = [];
  const overrides = new Map<string, number>();
  const params = new Map<string, number>();

  // Overrides in the workgroup size get a workgroup-sized value, not a problem size.
  const inWorkgroupSize = new Set((ir.launch.workgroupSize ?? []).flatMap((e) => [...varsOf(e)]));
  let missing = [...ir.params.values()].filter((p) => input.valueOf(p) === undefined);
  // A 2-D texture has depth 1 (and a 1-D one height 1): known, not assumed.
  for (const p of missing) {
    const dims = p.kind === "textureSize" ? ir.bindings.find((b) => b.name === p.binding)?.texture?.dimensions : undefined;
    if (p.kind === "textureSize" && dims !== undefined && p.dim >= dims) params.set(p.v, 1);
  }
  missing = missing.filter((p) => !params.has(p.v));
  for (const p of missing) {
    if (p.kind !== "override" || !inWorkgroupSize.has(p.v)) continue;
    overrides.set(p.name, ASSUMED_WORKGROUP_DIM);
    params.set(p.v, ASSUMED_WORKGROUP_DIM);
    assumptions.push({ name: p.name, value: ASSUMED_WORKGROUP_DIM, source: "assumed", reason: "it sizes the workgroup and has no value", directive: `// @override ${p.name} = ${ASSUMED_WORKGROUP_DIM}`, sizesWorkgroup: true });
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
  if (!input.dispatchGiven && ws) {
    DIMS.forEach((d, i) => {
      if (!allVars.has(`wid.${d}`)) return;
      usedDims.push(i);
      if (exitConds.some((c) => varsOf(c).has(`wid.${d}`)) || inner.some((c) => ordersBy(c, `wid.${d}`))) guardedDims.add(i);
    });
  }
  const sizeParams = missing.filter((p) => !params.has(p.v) && (condVars.has(p.v) || p.kind === "textureSize"));
  // A grid-stride loop (`for (i = gid.x; i < n; i += num_workgroups.x * 256u)`) covers its range with any dispatch:
  // its dimension is no size of its own.
  const strides: { dim: number; bound: VExpr }[] = [];
  gridStrides(ir.body, strides);
  const unguarded = usedDims.filter((i) => !guardedDims.has(i) && !strides.some((g) => g.dim === i));
  const share = assumedSize(total, sizeParams.length + unguarded.length);
  const shareText = sizeParams.length + unguarded.length > 1 ? `${share.toLocaleString("en-US")} per size, so the largest tensor has about ${total.toLocaleString("en-US")} elements` : `${total.toLocaleString("en-US")} elements`;
  for (const p of missing) {
    if (params.has(p.v)) continue;
    // A value the kernel only computes with (saxpy's alpha) changes no count: it needs a value, not an assumption.
    // A texture's size is its footprint even where no guard reads it.
    if (!allVars.has(p.v) && p.kind !== "textureSize") {
      params.set(p.v, 1);
      continue;
    }
    // An offset into a buffer (ggml's `offset_src`, only ever added to an address) starts at 0; any other size,
    // a stride included, is assumed like the problem's sizes.
    const offset = !condVars.has(p.v) && addrs.every((a) => !scales(a, p.v));
    const value = offset ? 0 : share;
    params.set(p.v, value);
    if (p.kind === "override") overrides.set(p.name, value);
    const { name, directive, target } = describe(ir, p, value);
    const reason = offset ? "an offset only added to addresses, and nothing in the file gives it: assumed 0" : `nothing in the file gives it a value: an assumed problem size (${shareText})`;
    assumptions.push({ name, value, source: "assumed", reason, directive, target });
  }

  let dispatch: [number, number, number] | null = null;
  if (!input.dispatchGiven && ws) {
    dispatch = [1, 1, 1];
    const env = (wid: number[], lid: number[]) => (name: string): number | undefined => {
      const id = ID_VARS.indexOf(name as (typeof ID_VARS)[number]);
      if (id >= 0) return id < 3 ? lid[id] : wid[id - 3];
      const m = /^wgsize\.([xyz])$/.exec(name);
      if (m) return ws[DIMS.indexOf(m[1] as "x")];
      if (name === "subgroup_size") return input.subgroupSize ?? 32;
      const p = ir.params.get(name);
      if (p) return params.get(name) ?? input.valueOf(p);
      // A loop's iteration index at its first iteration: a tile loop's bounds check is taken for the first tile.
      return /^(wgsize|nwg)\./.test(name) ? undefined : 0;
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
          const env1 = env(wid, lid);
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
      // No guard bounds this dimension: an assumed extent, in invocations where the ids combine with the lane id.
      const perInvocation = addrs.some((a) => { const v = varsOf(a); return v.has(`wid.${d}`) && v.has(`lid.${d}`); });
      dispatch[i] = perInvocation ? Math.max(1, Math.ceil(share / ws[i])) : share;
      assumed = true;
      reasons.push(`${d}: ${dispatch[i].toLocaleString("en-US")} workgroups for an assumed ${share.toLocaleString("en-US")} ${perInvocation ? "invocations" : "workgroups"}`);
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
  return { params, overrides, dispatch, assumptions };
}
