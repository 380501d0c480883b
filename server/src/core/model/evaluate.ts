// Evaluates a kernel's IR under a resolved launch: how often each operation, access and loop iteration executes.
//
// Every IR node runs in a context: the path conditions that lead to it (bounds checks, branches, loop conditions)
// and the loop counters around it. How often it executes over the whole dispatch is the number of (invocation,
// iteration) tuples that satisfy the context (counting.ts). The launch's values (workgroup size, dispatch, overrides,
// uniform fields, buffer lengths, subgroup width) replace the IR's launch variables first, so index expressions,
// bounds and trip counts become expressions over ids and loop counters alone.
import type { IrNode, KernelIR, LaunchParam, LoopCounter, Span } from "../kernel/ir";
import { paramDirective, SUBGROUP_SIZE_VAR, WORKGROUP_COUNT_VARS, WORKGROUP_SIZE_VARS } from "../kernel/ir";
import type { LaunchInput } from "../kernel/launch";
import { bin, bounds, call, cst, type Interval, isConst, show, un, unknown, unknownReason, vr, type VExpr, varsOf } from "../kernel/vexpr";
import { type BudgetOptions, WorkBudget } from "./budget";
import { type CountResult, countSatisfying, type Domain } from "./counting";

export interface LoopVar {
  readonly name: string;
  readonly domain: Domain;
  /** The compiler unrolls the loop fully (the IR loop's `unrolled`). */
  readonly unrolled?: boolean;
  /** The counter's name in the source, for messages. */
  readonly counterName?: string;
}

/** Where a node executes: the path conditions and enclosing loop counters. */
export interface Ctx {
  readonly conds: readonly VExpr[];
  readonly loops: readonly LoopVar[];
  /** Set when an enclosing loop's trip count could not be determined. */
  readonly tripUnknown?: string;
}

export interface RecordedAccess {
  readonly span: Span;
  readonly binding: string;
  readonly space: "storage" | "uniform" | "workgroup";
  readonly kind: "load" | "store" | "atomic";
  readonly elementType: string;
  readonly bytes: number;
  /** Byte address, over ids and loop counters. */
  readonly addr: VExpr;
  readonly ctx: Ctx;
  count: { value: number; min: number; max: number };
  /** Loop counters of enclosing loops that the address does not depend on (a re-read each iteration). */
  readonly invariantIn: readonly string[];
}

export interface RecordedLoop {
  readonly span: Span;
  readonly headerEnd: number;
  tripText: string;
  /** The counter variable of the loop in contexts (absent when the trip count is unknown), and its nesting depth. */
  varName?: string;
  readonly depth: number;
  /** Iterations over the whole dispatch and entries into the loop, for the average trip count. */
  iterations: number;
  entries: number;
  tripKnown: boolean;
  /** Totals accumulated inside the loop body (all iterations). */
  flops: number;
  globalBytes: number;
  workgroupBytes: number;
  /**
   * The (invocation, iteration) pairs that do the body's work: the most of any FLOP or memory operation directly in
   * the body (or of an inner loop with work, once per entry). Below `iterations` where lanes drop out (a tree
   * reduction's `if (lid < stride)`); the per-lane figures divide by it.
   */
  activeIterations: number;
  /** How many times `activeIterations` was offered a count: tells whether a branch of the body did any work. */
  workMarks: number;
}

type Acc = { value: number; min: number; max: number };
const acc = (): Acc => ({ value: 0, min: 0, max: 0 });

export interface WalkTotals {
  flopsF32: Acc;
  flopsF16: Acc;
  flopsBF16: Acc;
  /** Tensor-core FLOPs (matrix instructions on 16-bit inputs). */
  tensorFlops: Acc;
  /** Subgroup (warp) cross-lane operations. */
  subgroupOps: Acc;
  intOps: Acc;
  specialOps: Acc;
  barriers: Acc;
  globalLoadBytes: Acc;
  globalStoreBytes: Acc;
  workgroupLoadBytes: Acc;
  workgroupStoreBytes: Acc;
  uniformLoadBytes: Acc;
  /** Bytes read and written in function-scope arrays that live in local memory (see `localMemoryArrays`). */
  localBytes: Acc;
}

export interface WalkResult {
  readonly totals: WalkTotals;
  readonly accesses: readonly RecordedAccess[];
  readonly loops: readonly RecordedLoop[];
  readonly notes: readonly { what: string; reason: string; span?: Span }[];
  /** Variables of the invocation space and their domains (lid.x, wid.x, ...). */
  readonly idDomains: ReadonlyMap<string, Domain>;
  /**
   * Function-scope arrays some access indexes with a value the compiler cannot make constant: they live in local
   * memory, each with the first such access.
   */
  readonly localMemoryArrays: readonly { readonly name: string; readonly span: Span }[];
  weight(ctx: Ctx): CountResult;
}

const MAX_LIST_ITERATIONS = 4096;
const MAX_TRIP = 1e8;
const MAX_PARAM_DEPTH = 16;

/** `[v0, v1, ...]`: the list a directive needs for `n` values (shortened past 8). */
function placeholders(n: number): string {
  if (n <= 8) return `[${Array.from({ length: n }, (_, i) => `v${i}`).join(", ")}]`;
  return `[v0, v1, ..., v${n - 1}]`;
}

export function evaluateKernel(ir: KernelIR, launch: LaunchInput, budget: BudgetOptions = {}): WalkResult {
  return new Evaluator(ir, launch, new WorkBudget(budget)).run();
}

class Evaluator {
  private readonly totals: WalkTotals = {
    flopsF32: acc(), flopsF16: acc(), flopsBF16: acc(), tensorFlops: acc(), subgroupOps: acc(), intOps: acc(), specialOps: acc(), barriers: acc(),
    globalLoadBytes: acc(), globalStoreBytes: acc(), workgroupLoadBytes: acc(), workgroupStoreBytes: acc(), uniformLoadBytes: acc(),
    localBytes: acc(),
  };
  /** Arrays in local memory, by their IR name, with the first access that puts them there. */
  private readonly localArrays = new Map<string, Span>();
  private readonly accesses = new Map<string, RecordedAccess>();
  private readonly loops: RecordedLoop[] = [];
  private readonly loopStack: RecordedLoop[] = [];
  private readonly notes: { what: string; reason: string; span?: Span }[];
  private readonly noted = new Set<string>();
  private readonly idDomains = new Map<string, Domain>();
  private readonly weights = new WeakMap<Ctx, CountResult>();
  /** Values of the launch variables, built once. */
  private readonly launchValues = new Map<string, VExpr>();
  /** Loop variables whose loop has no known trip count: their values are unknown in the body. */
  private readonly unresolved = new Map<string, VExpr>();
  private readonly memo = new Map<VExpr, VExpr>();
  /** The last place the evaluation reached, for saying where a budget ran out. */
  private where: Span | undefined;

  constructor(
    private readonly ir: KernelIR,
    private readonly launch: LaunchInput,
    private readonly budget: WorkBudget,
  ) {
    this.notes = ir.notes.map((n) => ({ ...n }));
    for (const n of ir.notes) this.noted.add(`${n.what}:${n.reason}`);
    const [lx, ly, lz] = launch.workgroupSize;
    const [wx, wy, wz] = launch.dispatch;
    for (const [n, hi] of [["lid.x", lx], ["lid.y", ly], ["lid.z", lz], ["wid.x", wx], ["wid.y", wy], ["wid.z", wz]] as const) {
      this.idDomains.set(n, { kind: "range", lo: 0, hi });
    }
    WORKGROUP_SIZE_VARS.forEach((v, d) => this.launchValues.set(v, cst(launch.workgroupSize[d])));
    WORKGROUP_COUNT_VARS.forEach((v, d) => this.launchValues.set(v, cst(launch.dispatch[d])));
    this.launchValues.set(SUBGROUP_SIZE_VAR, launch.subgroupSize ? cst(launch.subgroupSize) : unknown("the subgroup size is chosen by the device"));
    for (const p of ir.params.values()) this.launchValues.set(p.v, this.paramValue(p, 0));
  }

  run(): WalkResult {
    const scan = (nodes: readonly IrNode[]): void => {
      for (const n of nodes) {
        if (n.k === "local") {
          if (n.runtimeIndex && !this.localArrays.has(n.array)) this.localArrays.set(n.array, n.span);
        } else if (n.k === "if") [n.then, n.else].forEach(scan);
        else if (n.k === "switch") n.arms.forEach((a) => scan(a.body));
        else if (n.k === "loop") [n.header, n.body, n.latch].forEach(scan);
        else if (n.k === "call" || n.k === "block") scan(n.body);
      }
    };
    scan(this.ir.body);
    this.block(this.ir.body, { conds: [], loops: [] });
    return {
      totals: this.totals,
      accesses: [...this.accesses.values()],
      loops: this.loops,
      notes: this.notes,
      idDomains: this.idDomains,
      localMemoryArrays: [...this.localArrays].map(([name, span]) => ({ name: name.replace(/#\d+$/, ""), span })),
      weight: (ctx) => this.weight(ctx),
    };
  }

  private note(what: string, reason: string, span?: Span): void {
    const key = `${what}:${reason}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.notes.push({ what, reason, span });
  }

  // ---- Launch values ---------------------------------------------------------------------------------------------

  /** The value of a launch parameter under this launch; unknown (with a note saying how to give it) when unset. */
  private paramValue(p: LaunchParam, depth: number): VExpr {
    switch (p.kind) {
      case "override": {
        const v = this.launch.overrides.get(p.name);
        if (v !== undefined) return cst(v);
        if (p.default && depth < MAX_PARAM_DEPTH) {
          const d = this.substitute(p.default, (name) => {
            const q = this.ir.params.get(name);
            return q ? this.paramValue(q, depth + 1) : this.launchValues.get(name);
          });
          return d;
        }
        this.note(`override '${p.name}'`, "has no value: give it a default or a // @override line", p.span);
        return unknown(`override '${p.name}' has no value`);
      }
      case "uniform": {
        const fields = this.launch.uniforms.get(p.binding);
        // A list member given one value (`dims: 4`) has it in every component, as a run writes it.
        const v = fields?.get(p.field) ?? (p.list ? fields?.get(p.list.member || "value") : undefined);
        if (v !== undefined) return cst(v);
        // One note per member: every scalar of `shape` asks for the same `shape: [...]`.
        const member = p.list ? p.list.member : p.field === "value" ? "" : p.field;
        const what = member === "" ? `uniform '${p.binding}'` : `uniform '${p.binding}.${member}'`;
        this.note(what, `has no value: add ${paramDirective(p, p.list ? placeholders(p.list.count) : "...")}`);
        return unknown(`uniform ${p.binding}${p.field.startsWith("[") ? "" : "."}${p.field} has no value`);
      }
      case "stored": {
        const v = this.launch.uniforms.get(p.binding)?.get(`[${p.index}]`);
        if (v !== undefined) return cst(v);
        // One note per buffer, listing every value the kernel reads as a size.
        const read = [...this.ir.params.values()].flatMap((q) => (q.kind === "stored" && q.binding === p.binding ? [q.index] : [])).sort((a, b) => a - b);
        const words = read.map((i) => `${p.binding}[${i}]`).join(", ");
        this.note(`buffer '${p.binding}'`, `the kernel reads ${words} as sizes, and nothing gives them: add ${paramDirective(p, placeholders(read[read.length - 1] + 1))} (its values in order)`);
        return unknown(`${p.binding}[${p.index}] has no value`);
      }
      case "bufferLength": {
        const n = this.launch.bufferCounts.get(p.binding);
        if (n !== undefined) return cst(n);
        this.note(`arrayLength(${p.binding})`, `the buffer has no size: add // @buffer ${p.binding}[N]`);
        return unknown("arrayLength of a buffer without a size");
      }
      case "textureSize": {
        const size = this.launch.textureSizes?.get(p.binding);
        if (size) return cst(size[p.dim]);
        this.note(`texture '${p.binding}'`, `has no size: add // @texture ${p.binding}[WIDTH, HEIGHT]`);
        return unknown(`the size of texture '${p.binding}'`);
      }
    }
  }

  /** Rebuilds an expression with some variables replaced, folding constants as it goes. */
  private substitute(e: VExpr, lookup: (name: string) => VExpr | undefined): VExpr {
    switch (e.k) {
      case "const":
      case "unknown":
        return e;
      case "var":
        return lookup(e.name) ?? e;
      case "un":
        return un(e.op, this.substitute(e.a, lookup));
      case "call":
        return call(e.fn, e.args.map((a) => this.substitute(a, lookup)));
      case "bin":
        return bin(e.op, this.substitute(e.a, lookup), this.substitute(e.b, lookup), e.int);
    }
  }

  /** An IR expression with the launch's values in place, over ids and resolved loop counters only. */
  private value(e: VExpr): VExpr {
    const cacheable = this.unresolved.size === 0;
    if (cacheable) {
      const hit = this.memo.get(e);
      if (hit) return hit;
    }
    const out = this.substitute(e, (name) => this.launchValues.get(name) ?? this.unresolved.get(name));
    if (cacheable) this.memo.set(e, out);
    return out;
  }

  // ---- Counting ------------------------------------------------------------------------------------------------

  weight(ctx: Ctx): CountResult {
    let w = this.weights.get(ctx);
    if (!w) {
      let domains: ReadonlyMap<string, Domain> = this.idDomains;
      if (ctx.loops.length > 0) {
        const withLoops = new Map(this.idDomains);
        for (const l of ctx.loops) withLoops.set(l.name, l.domain);
        domains = withLoops;
      }
      const wasExhausted = this.budget.exhausted;
      w = countSatisfying(ctx.conds, domains, this.budget);
      if (!wasExhausted && this.budget.exhausted) {
        this.note("counts", `${this.budget.reason} here: counts from this point on are sampled estimates`, this.where);
      }
      if (ctx.tripUnknown) w = { ...w, exact: false, max: Infinity, note: ctx.tripUnknown };
      this.weights.set(ctx, w);
    }
    return w;
  }

  private add(target: Acc, per: number, ctx: Ctx): void {
    if (per === 0) return;
    const w = this.weight(ctx);
    target.value += w.value * per;
    target.min += w.min * per;
    target.max += w.max * per;
    const isWork = target === this.totals.flopsF32 || target === this.totals.flopsF16 || target === this.totals.flopsBF16 || target === this.totals.tensorFlops
      || target === this.totals.globalLoadBytes || target === this.totals.globalStoreBytes || target === this.totals.workgroupLoadBytes || target === this.totals.workgroupStoreBytes;
    const innermost = this.loopStack[this.loopStack.length - 1];
    if (isWork && innermost) this.markWork(innermost, w.value);
    for (const l of this.loopStack) {
      if (target === this.totals.flopsF32 || target === this.totals.flopsF16 || target === this.totals.flopsBF16 || target === this.totals.tensorFlops) l.flops += w.value * per;
      else if (target === this.totals.globalLoadBytes || target === this.totals.globalStoreBytes) l.globalBytes += w.value * per;
      else if (target === this.totals.workgroupLoadBytes || target === this.totals.workgroupStoreBytes) l.workgroupBytes += w.value * per;
    }
  }

  /** Work done by `pairs` (invocation, iteration) pairs of the loop's body. */
  private markWork(loop: RecordedLoop, pairs: number): void {
    loop.activeIterations = Math.max(loop.activeIterations, pairs);
    loop.workMarks++;
  }

  // ---- Nodes -----------------------------------------------------------------------------------------------------

  /** Runs a node list; `returned` is true when control always leaves it, and `ctx` is what follows it. */
  private block(nodes: readonly IrNode[], ctx: Ctx): { ctx: Ctx; returned: boolean } {
    let cur = ctx;
    for (const n of nodes) {
      const r = this.node(n, cur);
      if (r.returned) return { ctx: cur, returned: true };
      cur = r.ctx;
    }
    return { ctx: cur, returned: false };
  }

  private node(n: IrNode, ctx: Ctx): { ctx: Ctx; returned: boolean } {
    switch (n.k) {
      case "ops":
        this.add(this.totals.flopsF32, n.f32, ctx);
        this.add(this.totals.flopsF16, n.f16, ctx);
        this.add(this.totals.flopsBF16, n.bf16, ctx);
        this.add(this.totals.tensorFlops, n.tensor, ctx);
        this.add(this.totals.subgroupOps, n.subgroup, ctx);
        this.add(this.totals.intOps, n.int, ctx);
        this.add(this.totals.specialOps, n.special, ctx);
        return { ctx, returned: false };
      case "barrier":
        this.add(this.totals.barriers, n.count, ctx);
        return { ctx, returned: false };
      case "access":
        this.access(n, ctx);
        return { ctx, returned: false };
      case "local":
        // An array kept in registers costs nothing to index; one in local memory costs a memory access each time.
        if (this.localArrays.has(n.array)) this.add(this.totals.localBytes, n.bytes, ctx);
        return { ctx, returned: false };
      case "exit":
        return { ctx, returned: true };
      case "block":
        return this.block(n.body, ctx);
      case "call":
        this.block(n.body, ctx);
        return { ctx, returned: false };
      case "switch": {
        const loop = this.loopStack[this.loopStack.length - 1];
        let busyArms = 0;
        for (const arm of n.arms) {
          const before = loop?.workMarks ?? 0;
          this.block(arm.body, { ...ctx, conds: [...ctx.conds, this.value(arm.cond)] });
          if (loop && loop.workMarks > before) busyArms++;
        }
        // As for an if with work in both arms: the lanes of several busy arms together (at most all that reach it).
        if (loop && busyArms > 1) this.markWork(loop, this.weight(ctx).value);
        return { ctx, returned: false };
      }
      case "if": {
        if (n.span) this.where = n.span;
        const c = this.value(n.cond);
        const thenCtx: Ctx = { ...ctx, conds: [...ctx.conds, c] };
        const elseCtx: Ctx = { ...ctx, conds: [...ctx.conds, un("!", c)] };
        const loop = this.loopStack[this.loopStack.length - 1];
        const before = loop?.workMarks ?? 0;
        const t = this.block(n.then, thenCtx);
        const between = loop?.workMarks ?? 0;
        const e = this.block(n.else, elseCtx);
        // Work in both arms: every lane that reaches the branch works (in one arm or the other), not just the busier.
        if (loop && between > before && loop.workMarks > between) this.markWork(loop, this.weight(ctx).value);
        if (t.returned && e.returned) return { ctx, returned: true };
        // An early exit narrows everything after it to the paths that did not return.
        if (t.returned) return { ctx: elseCtx, returned: false };
        if (e.returned) return { ctx: thenCtx, returned: false };
        return { ctx, returned: false };
      }
      case "loop":
        this.loop(n, ctx);
        return { ctx, returned: false };
    }
  }

  private access(n: Extract<IrNode, { k: "access" }>, ctx: Ctx): void {
    this.where = n.span;
    // Texels are device memory too (read through the texture cache): traffic, footprint and coalescing as storage.
    const space = n.space === "global" || n.space === "texture" ? "storage" : n.space;
    const target =
      space === "uniform" ? this.totals.uniformLoadBytes
      : space === "workgroup" ? (n.kind === "store" ? this.totals.workgroupStoreBytes : this.totals.workgroupLoadBytes)
      : n.kind === "store" ? this.totals.globalStoreBytes : this.totals.globalLoadBytes;
    this.add(target, n.bytes, ctx);
    if (n.kind === "atomic" && space !== "uniform") this.add(space === "workgroup" ? this.totals.workgroupStoreBytes : this.totals.globalStoreBytes, n.bytes, ctx);
    const key = `${n.span.start}:${n.span.end}:${n.kind}`;
    const w = this.weight(ctx);
    const existing = this.accesses.get(key);
    if (existing) {
      existing.count.value += w.value;
      existing.count.min += w.min;
      existing.count.max += w.max;
      return;
    }
    const addr = this.value(n.address);
    const used = varsOf(addr);
    // An address the model cannot follow (float texture coordinates, an index chosen by data) may change every
    // iteration: it is never called invariant, so no re-read is claimed on what cannot be seen.
    const invariantIn = unknownReason(addr) !== undefined ? [] : ctx.loops.map((l) => l.name).filter((x) => !used.has(x));
    this.accesses.set(key, { span: n.span, binding: n.binding, space, kind: n.kind, elementType: n.elementType, bytes: n.bytes, addr, ctx, count: { value: w.value, min: w.min, max: w.max }, invariantIn });
  }

  private loop(n: Extract<IrNode, { k: "loop" }>, ctx: Ctx): void {
    this.where = n.span;
    const rec: RecordedLoop = { span: n.span, headerEnd: n.headerEnd, tripText: "?", depth: ctx.loops.length, iterations: 0, entries: 0, tripKnown: false, flops: 0, globalBytes: 0, workgroupBytes: 0, activeIterations: 0, workMarks: 0 };
    this.loops.push(rec);
    rec.entries = this.weight(ctx).value;
    const counter = n.counter ? this.counterOf(n, n.counter, ctx) : undefined;
    let bodyCtx: Ctx;
    if (counter) {
      bodyCtx = { ...ctx, loops: [...ctx.loops, { name: n.v, domain: counter.domain, ...(n.unrolled ? { unrolled: true } : {}), ...(n.counterName ? { counterName: n.counterName } : {}) }], conds: counter.condition ? [...ctx.conds, counter.condition] : ctx.conds };
      rec.tripText = counter.text;
      rec.tripKnown = true;
      rec.varName = n.v;
    } else {
      const reason = `the trip count of the loop at offset ${n.span.start} cannot be determined (no counter compared with a known bound)`;
      this.note("loop trip count", reason, n.span);
      bodyCtx = { ...ctx, tripUnknown: reason };
      rec.tripText = "unknown";
      this.unresolved.set(n.v, unknown(`'${n.counterName ?? "the counter"}' changes every iteration`));
    }
    this.loopStack.push(rec);
    this.block(n.header, bodyCtx);
    this.block(n.body, bodyCtx);
    this.block(n.latch, bodyCtx);
    this.loopStack.pop();
    this.unresolved.delete(n.v);
    rec.iterations = this.weight(bodyCtx).value;
    // An inner loop with work keeps the lanes that enter it busy in the outer loop's iteration.
    const outer = this.loopStack[this.loopStack.length - 1];
    if (outer && rec.flops + rec.globalBytes + rec.workgroupBytes > 0) this.markWork(outer, rec.entries);
    if (n.earlyExit) this.note("loop trip count", `the loop at offset ${n.span.start} can exit early on data: its count is an upper bound`, n.span);
  }

  /** The counter's domain under this launch, the condition it adds, and a readable trip description. */
  private counterOf(n: Extract<IrNode, { k: "loop" }>, c: LoopCounter, ctx: Ctx): { domain: Domain; condition?: VExpr; text: string } | undefined {
    const start = this.value(c.start);
    const bound = this.value(c.bound);
    const step = this.value(c.step);
    const op = c.op;
    if (c.kind === "add") {
      if (!isConst(step) || step.v === 0) return undefined;
      const by = step.v;
      const sb = this.range(start, ctx.loops);
      const bb = this.range(bound, ctx.loops);
      if (!sb || !bb) {
        const boundReason = unknownReason(bound);
        this.note("loop trip count", `loop bound '${show(bound)}' ${boundReason ? `is unknown: ${boundReason}` : "cannot be bounded"}`, n.span);
        return undefined;
      }
      // The most iterations any invocation can make: from the smallest start to the largest bound (or vice versa).
      const span = by > 0 ? bb.hi - sb.lo + (op === "<=" ? 1 : 0) : sb.hi - bb.lo + (op === ">=" ? 1 : 0);
      const maxTrip = Math.max(0, Math.ceil(span / Math.abs(by)));
      if (maxTrip > MAX_TRIP) {
        this.note("loop trip count", `more than ${MAX_TRIP} iterations`, n.span);
        return undefined;
      }
      const value = bin("+", start, bin("*", vr(n.v), cst(by)));
      const text = `${show(start)}..${show(bound)}${Math.abs(by) === 1 ? "" : ` step ${by}`}`;
      return { domain: { kind: "range", lo: 0, hi: maxTrip }, condition: bin(op, value, bound, c.int), text };
    }
    // Multiplicative updates (s >>= 1, s *= 2): simulate the values; start and bound must be constants here.
    if (!isConst(start) || !isConst(bound) || !isConst(step)) return undefined;
    const values: number[] = [];
    let k = start.v;
    const test = (x: number): boolean => (op === "<" ? x < bound.v : op === "<=" ? x <= bound.v : op === ">" ? x > bound.v : op === ">=" ? x >= bound.v : x !== bound.v);
    while (test(k) && values.length <= MAX_LIST_ITERATIONS) {
      values.push(k);
      const next = c.kind === "mul" ? k * step.v : c.kind === "div" ? Math.trunc(k / step.v) : c.kind === "shl" ? k * 2 ** step.v : Math.floor(k / 2 ** step.v);
      if (next === k) break;
      k = next;
    }
    if (values.length > MAX_LIST_ITERATIONS) return undefined;
    return { domain: { kind: "list", values }, text: `${values.length} iterations: ${values.slice(0, 4).join(", ")}${values.length > 4 ? ", ..." : ""}` };
  }

  /** Bounds of a value over the invocation space and the enclosing loops' counters. */
  private range(e: VExpr, loops: readonly LoopVar[]): Interval | undefined {
    return bounds(e, (name) => {
      const d = this.idDomains.get(name) ?? loops.find((l) => l.name === name)?.domain;
      if (!d) return undefined;
      return d.kind === "range" ? { lo: d.lo, hi: d.hi - 1 } : { lo: Math.min(...d.values), hi: Math.max(...d.values) };
    });
  }
}
