// Writes a Triton kernel's `launch_metadata` function for Proton (Triton's profiler), which reports FLOPs and bytes only
// from such a function: `def _k_metadata(grid, kernel, args)` returning `{"name", "flops16"/"flops32"/..., "bytes"}`.
//
// The expressions come from the kernel IR: each `ops` node's FLOPs and each global `access` node's bytes, times the
// trip counts of the loops around it (their counters' start, step and bound over the kernel's scalar arguments, read
// from `args`), times the threads of a program, times the programs of the grid Proton passes. A configuration's
// constexprs are constants in its IR, so each configuration gets its own branch, chosen by the constexprs `args` holds.
// Where an expression depends on what Python cannot see (a program id, a loaded value, a counter that is not a simple
// `+=` loop), the cost model's number for the analysed sizes stands in, said in a comment.
import { configKey, type TritonKernelSummary, type TritonSourceAnalysis } from "./types";
import type { IrNode, KernelIR, LoopCounter, OpClass } from "../kernel/ir";
import { applyBin, evaluate, type VExpr } from "../kernel/vexpr";
import type { KernelAnalysis } from "../model/analyzeKernel";
import type { ResolvedLaunch } from "../kernel/launch";

export interface TritonLaunchMetadata {
  /** The Python function, unindented, ending in a newline. */
  readonly functionText: string;
  readonly functionName: string;
}

/** Proton's FLOP keys by the width of the operands: flops8, flops16, flops32, flops64. */
type Width = 8 | 16 | 32;

/**
 * A count in Python: a sum of terms, each a coefficient times a product of factors (`args["K"]`, `programs`, a floor
 * division written out), like terms merged, so `256 * t * 64 + 256 * t * 128` prints as `49152 * t`.
 */
type Py = ReadonlyMap<string, { readonly k: number; readonly f: readonly string[] }>;

const num = (n: number): Py => new Map(n === 0 ? [] : [["", { k: n, f: [] }]]);
const atom = (text: string): Py => new Map([[text, { k: 1, f: [text] }]]);
/** The constant, when the count is one. */
function constOf(p: Py): number | undefined {
  if (p.size === 0) return 0;
  const only = p.size === 1 ? p.get("") : undefined;
  return only?.k;
}
const isNum = (p: Py): boolean => constOf(p) !== undefined;
function pyText(p: Py): string {
  if (p.size === 0) return "0";
  const terms = [...p.values()].sort((x, y) => (x.f.length === 0 ? 1 : 0) - (y.f.length === 0 ? 1 : 0) || x.f.join("*").localeCompare(y.f.join("*")));
  let out = "";
  for (const t of terms) {
    const k = Math.abs(t.k);
    const body = t.f.length === 0 ? String(k) : k === 1 ? t.f.join(" * ") : `${k} * ${t.f.join(" * ")}`;
    out += out === "" ? (t.k < 0 ? `-${body}` : body) : t.k < 0 ? ` - ${body}` : ` + ${body}`;
  }
  return out;
}
function add(a: Py, b: Py): Py {
  const out = new Map(a);
  for (const [key, t] of b) {
    const k = (out.get(key)?.k ?? 0) + t.k;
    if (k === 0) out.delete(key);
    else out.set(key, { k, f: t.f });
  }
  return out;
}
/** The count as one factor of a product: a sum is parenthesised. */
function factor(p: Py): string {
  return p.size <= 1 && ([...p.values()][0]?.k ?? 0) >= 0 ? pyText(p) : `(${pyText(p)})`;
}
function mul(a: Py, b: Py): Py {
  let out: Py = new Map();
  for (const x of a.values()) {
    for (const y of b.values()) {
      const f = [...x.f, ...y.f].sort();
      out = add(out, new Map([[f.join("*"), { k: x.k * y.k, f }]]));
    }
  }
  return out;
}
function neg(a: Py): Py {
  return mul(num(-1), a);
}

/** Why an expression cannot be written in Python over the arguments. */
class NotExpressible extends Error {}

interface Context {
  readonly ir: KernelIR;
  readonly launch: ResolvedLaunch | undefined;
  /** The kernel's constexpr names (their values are constants in the IR; a variable of one reads the config's value). */
  readonly constexprs: ReadonlyMap<string, number | boolean | string>;
}

/** A launch variable as Python reads it: a scalar argument from `args`, the grid from `grid`, the program's size as a constant. */
function variable(name: string, ctx: Context): Py {
  const grid = /^nwg\.([xyz])$/.exec(name);
  if (grid) return atom(`grid[${"xyz".indexOf(grid[1]!)}]`);
  const param = ctx.ir.params.get(name);
  const argName = param?.kind === "override" ? param.name : param?.kind === "uniform" ? param.field : name.replace(/^(override|arg|param)\./, "");
  const constexpr = ctx.constexprs.get(argName);
  if (typeof constexpr === "number") return num(constexpr);
  if (typeof constexpr === "boolean") return num(constexpr ? 1 : 0);
  // Sizes the launch fixes (the program's threads, the warp width) are constants of the configuration.
  if (/^(wgsize\.[xyz]|subgroup_size)$/.test(name) || !/^[A-Za-z_]\w*$/.test(argName)) {
    const v = ctx.launch ? evaluate({ k: "var", name }, (n) => launchValue(ctx.launch!, n)) : undefined;
    if (v === undefined) throw new NotExpressible(name);
    return num(v);
  }
  if (/^(lid|wid)\.[xyz]$/.test(name) || /^loop\d+$/.test(name)) throw new NotExpressible(name);
  return atom(`args["${argName}"]`);
}

/** A size the resolved launch fixes: the program's threads (`wgsize.x`...), the warp width. */
function launchValue(launch: ResolvedLaunch, name: string): number | undefined {
  const axis = /^wgsize\.([xyz])$/.exec(name);
  if (axis) return launch.workgroupSize?.["xyz".indexOf(axis[1]!)];
  return name === "subgroup_size" ? 32 : undefined;
}

const PY_BIN: Record<string, string> = { "+": "+", "-": "-", "*": "*", "%": "%", "<<": "<<", ">>": ">>", "&": "&", "|": "|", "^": "^", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!=", "&&": "and", "||": "or" };

/** An integer expression of the IR in Python (constants folded). */
function expr(e: VExpr, ctx: Context): Py {
  switch (e.k) {
    case "const": return num(e.v);
    case "var": return variable(e.name, ctx);
    case "unknown": throw new NotExpressible(e.reason);
    case "un": {
      const a = expr(e.a, ctx);
      const c = constOf(a);
      if (c !== undefined) return num(e.op === "-" ? -c : e.op === "!" ? (c === 0 ? 1 : 0) : ~c);
      return e.op === "-" ? neg(a) : atom(e.op === "!" ? `int(not ${factor(a)})` : `~${factor(a)}`);
    }
    case "bin": {
      const a = expr(e.a, ctx);
      const b = expr(e.b, ctx);
      const ca = constOf(a);
      const cb = constOf(b);
      if (ca !== undefined && cb !== undefined) {
        const v = applyBin(e.op, ca, cb, e.int);
        if (v !== undefined) return num(v);
      }
      if (e.op === "+") return add(a, b);
      if (e.op === "-") return add(a, neg(b));
      if (e.op === "*") return mul(a, b);
      if (e.op === "/") return cb === 1 ? a : atom(`(${factor(a)} ${e.int ? "//" : "/"} ${factor(b)})`);
      const op = PY_BIN[e.op];
      if (!op) throw new NotExpressible(`operator ${e.op}`);
      const text = `${factor(a)} ${op} ${factor(b)}`;
      return atom(/^[<>=!]=?$|^and$|^or$/.test(op) ? `int(${text})` : `(${text})`);
    }
    case "call": {
      const args = e.args.map((x) => expr(x, ctx));
      if (args.every(isNum)) {
        const v = evaluate({ ...e, args: args.map((x) => ({ k: "const", v: constOf(x)! })) }, () => undefined);
        if (v !== undefined) return num(v);
      }
      const t = args.map(pyText);
      if (e.fn === "min" || e.fn === "max") return atom(`${e.fn}(${t.join(", ")})`);
      if (e.fn === "abs") return atom(`abs(${t[0]})`);
      if (e.fn === "clamp") return atom(`min(max(${t[0]}, ${t[1]}), ${t[2]})`);
      return atom(`(${t[1]} if ${t[2]} else ${t[0]})`);
    }
  }
}

/** A `+=` counter's trip count in Python: `max(0, -(-(bound - start) // step))`, or `max(0, bound - start)` for a step of 1. */
function tripCount(counter: LoopCounter, ctx: Context): Py {
  if (counter.kind !== "add") throw new NotExpressible(`a loop counter that ${counter.kind === "mul" ? "multiplies" : counter.kind === "div" ? "divides" : "shifts"}`);
  const start = expr(counter.start, ctx);
  const step = expr(counter.step, ctx);
  const bound = expr(counter.bound, ctx);
  const inclusive = counter.op === "<=" || counter.op === ">=";
  const down = counter.op === ">" || counter.op === ">=";
  if (counter.op === "!=") throw new NotExpressible("a loop that runs until its counter equals a value");
  // Distance to cover and the step towards it, both positive for a loop that runs.
  const dist = down ? add(start, neg(bound)) : add(bound, neg(start));
  const stride = down ? neg(step) : step;
  const s = constOf(stride);
  const d = constOf(dist);
  if (s !== undefined && s <= 0) throw new NotExpressible("a loop that does not advance");
  if (d !== undefined && s !== undefined) return num(Math.max(0, inclusive ? Math.floor(d / s) + 1 : Math.ceil(d / s)));
  if (s === 1) return atom(`max(0, ${pyText(inclusive ? add(dist, num(1)) : dist)})`);
  return atom(inclusive ? `max(0, ${factor(dist)} // ${factor(stride)} + 1)` : `max(0, -(-${factor(dist)} // ${factor(stride)}))`);
}

interface Counts {
  flops: Map<Width, Py>;
  bytes: Py;
  /** Branches whose condition Python cannot see: counted at their larger arm. */
  approximations: Set<string>;
}

const FLOP_CLASSES: readonly OpClass[] = ["f32", "f16", "bf16", "tensor"];

/** FLOPs by operand width and global bytes of a body, per visit of one thread. */
function countBody(body: readonly IrNode[], ctx: Context, tensorWidth: Width, out: Counts, scale: Py): void {
  for (const n of body) {
    switch (n.k) {
      case "ops":
        for (const c of FLOP_CLASSES) {
          if (!n[c]) continue;
          const w: Width = c === "f32" ? 32 : c === "tensor" ? tensorWidth : 16;
          out.flops.set(w, add(out.flops.get(w) ?? num(0), mul(scale, num(n[c]))));
        }
        break;
      case "access":
        if (n.space === "global") out.bytes = add(out.bytes, mul(scale, num(n.bytes)));
        break;
      case "if": {
        const cond = tryExpr(n.cond, ctx);
        const c = cond ? constOf(cond) : undefined;
        if (c !== undefined) countBody(c !== 0 ? n.then : n.else, ctx, tensorWidth, out, scale);
        else {
          // A mask or a program-dependent branch: the arm that costs more.
          const a = emptyCounts();
          const b = emptyCounts();
          countBody(n.then, ctx, tensorWidth, a, scale);
          countBody(n.else, ctx, tensorWidth, b, scale);
          const pick = weight(a) >= weight(b) ? a : b;
          merge(out, pick);
          if (weight(a) > 0 && weight(b) > 0) out.approximations.add("a branch on a value Python cannot see counts its costlier arm");
          else if (weight(a) + weight(b) > 0) out.approximations.add("code under a condition (a mask or a program-dependent branch) counts as if every program ran it");
          for (const x of [...a.approximations, ...b.approximations]) out.approximations.add(x);
        }
        break;
      }
      case "switch": {
        const arms = n.arms.map((arm) => {
          const c = emptyCounts();
          countBody(arm.body, ctx, tensorWidth, c, scale);
          return c;
        });
        const best = arms.reduce<Counts | undefined>((m, c) => (!m || weight(c) > weight(m) ? c : m), undefined);
        if (best) {
          merge(out, best);
          out.approximations.add("a switch counts its costliest arm");
        }
        break;
      }
      case "call":
      case "block":
        countBody(n.body, ctx, tensorWidth, out, scale);
        break;
      case "loop": {
        if (!n.counter) throw new NotExpressible("a loop whose trip count is not known");
        const trips = tripCount(n.counter, ctx);
        const inner = mul(scale, trips);
        countBody(n.header, ctx, tensorWidth, out, inner);
        countBody(n.body, ctx, tensorWidth, out, inner);
        countBody(n.latch, ctx, tensorWidth, out, inner);
        if (n.earlyExit) out.approximations.add("a loop that may exit early counts every iteration");
        break;
      }
      default:
        break;
    }
  }
}

function tryExpr(e: VExpr, ctx: Context): Py | undefined {
  try {
    return expr(e, ctx);
  } catch (err) {
    if (err instanceof NotExpressible) return undefined;
    throw err;
  }
}

function emptyCounts(): Counts {
  return { flops: new Map(), bytes: num(0), approximations: new Set() };
}

/** A rough size of a count, to pick the costlier arm (symbolic parts weigh one unit per term). */
function weight(c: Counts): number {
  const w = (p: Py): number => constOf(p) ?? 1e6 * p.size;
  let t = w(c.bytes);
  for (const f of c.flops.values()) t += w(f);
  return t;
}

function merge(into: Counts, from: Counts): void {
  into.bytes = add(into.bytes, from.bytes);
  for (const [w, f] of from.flops) into.flops.set(w, add(into.flops.get(w) ?? num(0), f));
}

/** The width of a dot's operands, from the element types of the global buffers it loads (fp16/bf16 -> 16, fp8/int8 -> 8). */
function tensorWidthOf(ir: KernelIR): Width {
  const types = ir.bindings.filter((b) => b.space === "global").map((b) => b.elementType.toLowerCase());
  if (types.some((t) => /(^|[^0-9])(fp8|f8|int8|i8|uint8|u8|e4m3|e5m2)/.test(t))) return 8;
  if (types.some((t) => /16/.test(t))) return 16;
  return 32;
}

/** The configuration's counts as Python expressions, or the model's numbers for the analysed sizes where it cannot be. */
function configCounts(k: TritonKernelSummary, ir: KernelIR | undefined, launch: ResolvedLaunch | undefined, analysed: KernelAnalysis | undefined): { flops: Map<Width, string>; bytes: string; notes: string[] } | undefined {
  const constexprs = new Map(k.config.constexprs.map((c) => [c.name, c.value] as const));
  if (ir) {
    const ctx: Context = { ir, launch, constexprs };
    try {
      const out = emptyCounts();
      const threads = ir.launch.workgroupSize ? ir.launch.workgroupSize.reduce<Py>((t, d) => mul(t, expr(d, ctx)), num(1)) : undefined;
      if (!threads) throw new NotExpressible("the program's size");
      const perProgram = emptyCounts();
      countBody(ir.body, ctx, tensorWidthOf(ir), perProgram, threads);
      const programs: Py = atom("programs");
      for (const [w, f] of perProgram.flops) out.flops.set(w, mul(programs, f));
      out.bytes = mul(programs, perProgram.bytes);
      const flops = new Map<Width, string>();
      for (const [w, f] of out.flops) if ((constOf(f) ?? 1) > 0) flops.set(w, pyText(f));
      return { flops, bytes: pyText(out.bytes), notes: [...perProgram.approximations] };
    } catch (err) {
      if (!(err instanceof NotExpressible)) throw err;
      // Falls through to the model's numbers.
      const model = analysed?.model;
      if (!model) return undefined;
      return fromModel(model, `${err.message} cannot be computed from the arguments: the numbers are the cost model's for the analysed sizes`);
    }
  }
  return analysed ? fromModel(analysed.model, "the cost model's numbers for the analysed sizes") : undefined;
}

function fromModel(model: KernelAnalysis["model"], note: string): { flops: Map<Width, string>; bytes: string; notes: string[] } | undefined {
  if (model.invocations === null) return undefined;
  const flops = new Map<Width, string>();
  const f32 = model.ops.flopsF32.value;
  const f16 = model.ops.flopsF16.value + model.ops.flopsBF16.value + model.ops.tensorFlops.value;
  if (f32 > 0) flops.set(32, String(Math.round(f32)));
  if (f16 > 0) flops.set(16, String(Math.round(f16)));
  const l2 = model.traffic.l2Read !== null && model.traffic.l2Written !== null ? model.traffic.l2Read + model.traffic.l2Written : 0;
  return { flops, bytes: String(Math.round(l2)), notes: [note] };
}

function pyLiteral(v: number | boolean | string): string {
  return typeof v === "boolean" ? (v ? "True" : "False") : typeof v === "number" ? String(v) : JSON.stringify(v);
}

/** The `return {...}` of one configuration's counts. */
function returnLine(name: string, c: { flops: Map<Width, string>; bytes: string }): string {
  const parts = [`"name": ${name}`];
  for (const w of [8, 16, 32] as const) {
    const f = c.flops.get(w);
    if (f) parts.push(`"flops${w}": ${f}`);
  }
  parts.push(`"bytes": ${c.bytes}`);
  return `return {${parts.join(", ")}}`;
}

/**
 * The launch_metadata function of a kernel function, or undefined where the file has no analysed kernel of that name.
 * Each configuration with distinct counts gets a branch keyed by its constexprs; the first configuration's counts
 * answer for any other.
 */
export function tritonLaunchMetadata(analysis: TritonSourceAnalysis, fn: string): TritonLaunchMetadata | undefined {
  const kernels = analysis.kernels.filter((k) => k.function === fn);
  if (kernels.length === 0 || !/^[A-Za-z_]\w*$/.test(fn)) return undefined;
  const variants: { k: TritonKernelSummary; counts: NonNullable<ReturnType<typeof configCounts>> }[] = [];
  const seen = new Set<string>();
  for (const k of kernels) {
    if (seen.has(configKey(k.config))) continue;
    seen.add(configKey(k.config));
    const counts = configCounts(k, analysis.irs.get(k.name), analysis.launches.get(k.name), analysis.models.get(k.name));
    if (counts) variants.push({ k, counts });
  }
  if (variants.length === 0) return undefined;
  const functionName = `_${fn}_metadata`;
  const shown = argNames(variants);
  const name = shown.length === 0 ? `"${fn}"` : `f"${fn} [${shown.map((a) => `${a}={args['${a}']}`).join(", ")}]"`;
  const lines = [
    `def ${functionName}(grid, kernel, args):`,
    `    # Generated by KernelLens from its cost model of ${fn}.`,
    `    # FLOPs and global-memory bytes of every program (each operation times its loops' trip counts), times the`,
    `    # programs of the grid. Bytes are what the programs request, before caches; masked-off lanes count.`,
    `    programs = grid[0] * (grid[1] if len(grid) > 1 else 1) * (grid[2] if len(grid) > 2 else 1)`,
  ];
  const notes = new Set(variants.flatMap((v) => v.counts.notes));
  for (const n of notes) lines.splice(lines.length - 1, 0, `    # Approximation: ${n}.`);
  // Configurations with the same counts share a branch.
  const groups = new Map<string, typeof variants>();
  for (const v of variants) {
    const ret = returnLine(name, v.counts);
    groups.set(ret, [...(groups.get(ret) ?? []), v]);
  }
  const rets = [...groups];
  const constexprNames = [...new Set(variants.flatMap((v) => v.k.config.constexprs.map((c) => c.name)))];
  if (rets.length === 1 || constexprNames.length === 0) {
    lines.push(`    ${rets[0]![0]}`);
  } else {
    for (const [i, [ret, vs]] of rets.entries()) {
      if (i === rets.length - 1) {
        lines.push(`    # ${vs.map((v) => v.k.configText).join("; ")}${rets.length > 1 ? " (and any other configuration)" : ""}`);
        lines.push(`    ${ret}`);
        break;
      }
      const conds = vs.map((v) => `(${constexprNames.map((n) => `args.get("${n}")`).join(", ")},) == (${constexprNames.map((n) => pyLiteral(v.k.config.constexprs.find((c) => c.name === n)?.value ?? "")).join(", ")},)`);
      lines.push(`    if ${conds.join(" or ")}:`);
      lines.push(`        ${ret}`);
    }
  }
  return { functionText: `${lines.join("\n")}\n`, functionName };
}

/** The scalar arguments the expressions read, for the entry's name (`matmul [M=..., N=...]`). */
function argNames(variants: readonly { counts: { flops: Map<Width, string>; bytes: string } }[]): string[] {
  const names = new Set<string>();
  for (const v of variants) {
    for (const text of [...v.counts.flops.values(), v.counts.bytes]) for (const m of text.matchAll(/args\["(\w+)"\]/g)) names.add(m[1]!);
  }
  return [...names].slice(0, 4);
}
