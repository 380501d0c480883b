// Walks an entry point symbolically under a launch configuration, counting operations and recording memory accesses.
//
// Every statement runs in a context: the path conditions that lead to it (bounds checks, branches, loop conditions)
// and the loop counters around it. How often the statement executes over the whole dispatch is the number of
// (invocation, iteration) tuples that satisfy the context (counting.ts). Values are tracked symbolically (vexpr.ts)
// so index expressions, bounds and trip counts stay exact; anything that depends on loaded data is `unknown`.
import type {
  AssignStmt, BlockStmt, CallExpr, Expr, ForStmt, FunctionDecl, IfStmt, LoopStmt, Span, Stmt, SwitchStmt, WhileStmt,
} from "../wgsl/ast";
import { estimateBuiltinCost } from "../wgsl/builtins";
import { walk } from "../wgsl/walk";
import type { Resolution, WgslSymbol } from "../wgsl/resolve";
import { componentCount, derefType, scalarOf, sizeOf, strideOf, type StructType, type WgslType } from "../wgsl/types";
import { type CountResult, countSatisfying, type Domain, domainSize } from "./counting";
import { bin, bounds, call, cst, type Interval, isConst, un, unknown, unknownReason, vr, type VExpr, varsOf, show } from "./vexpr";

/** A value during the walk: a scalar expression, a vector or struct of them, or a reference to memory. */
export type Val =
  | { readonly t: "s"; readonly e: VExpr }
  | { readonly t: "v"; readonly c: readonly VExpr[] }
  | { readonly t: "st"; readonly f: ReadonlyMap<string, Val> }
  | { readonly t: "ref"; readonly ref: Ref }
  | { readonly t: "opaque"; readonly reason: string };

/** Where a pointer or an access chain points: global/workgroup memory at a byte address, or a local variable. */
export type Ref =
  | { readonly kind: "mem"; readonly binding: WgslSymbol; readonly space: "storage" | "uniform" | "workgroup" | "private"; readonly addr: VExpr; readonly type: WgslType }
  | { readonly kind: "local"; readonly symbol: WgslSymbol; readonly path: readonly (string | number)[]; readonly type: WgslType };

const S = (e: VExpr): Val => ({ t: "s", e });

export interface LoopVar {
  readonly name: string;
  readonly domain: Domain;
}

/** Where a statement executes: the path conditions and enclosing loop counters. */
export interface Ctx {
  readonly conds: readonly VExpr[];
  readonly loops: readonly LoopVar[];
  /** Set when an enclosing loop's trip count could not be determined. */
  readonly tripUnknown?: string;
}

export interface RecordedAccess {
  readonly node: Expr;
  readonly binding: WgslSymbol;
  readonly space: "storage" | "uniform" | "workgroup";
  readonly kind: "load" | "store" | "atomic";
  readonly type: WgslType;
  readonly bytes: number;
  readonly addr: VExpr;
  readonly ctx: Ctx;
  count: { value: number; min: number; max: number };
  /** Loop counters of enclosing loops that the address does not depend on (a re-read each iteration). */
  readonly invariantIn: readonly string[];
}

export interface RecordedLoop {
  readonly node: Stmt;
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
}

type Acc = { value: number; min: number; max: number };
const acc = (): Acc => ({ value: 0, min: 0, max: 0 });

export interface WalkTotals {
  flopsF32: Acc;
  flopsF16: Acc;
  intOps: Acc;
  specialOps: Acc;
  barriers: Acc;
  globalLoadBytes: Acc;
  globalStoreBytes: Acc;
  workgroupLoadBytes: Acc;
  workgroupStoreBytes: Acc;
  uniformLoadBytes: Acc;
}

export interface WalkResult {
  readonly totals: WalkTotals;
  readonly accesses: readonly RecordedAccess[];
  readonly loops: readonly RecordedLoop[];
  readonly notes: readonly { what: string; reason: string; span?: Span }[];
  /** Variables of the invocation space and their domains (lid.x, wid.x, ...). */
  readonly idDomains: ReadonlyMap<string, Domain>;
  weight(ctx: Ctx): CountResult;
}

export interface LaunchInput {
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: readonly [number, number, number];
  /** Values of names a kernel can read at launch: overrides, uniform fields (as `binding.field`), buffer lengths. */
  readonly overrides: ReadonlyMap<string, number>;
  readonly uniforms: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly bufferCounts: ReadonlyMap<string, number>;
  /** The target device's subgroup (warp, wavefront) width: `subgroup_size` for this model. */
  readonly subgroupSize?: number;
}

const MAX_LIST_ITERATIONS = 4096;
const BOOLEAN_OPS = new Set(["<", "<=", ">", ">=", "==", "!=", "&&", "||"]);
const MAX_TRIP = 1e8;
const MAX_CALL_DEPTH = 24;

class Frame {
  returnValue: Val | undefined;
  returns = 0;
  constructor(readonly env: Map<WgslSymbol, Val>) {}
}

export function walkEntry(resolution: Resolution, fn: FunctionDecl, launch: LaunchInput): WalkResult {
  return new Walker(resolution, launch).run(fn);
}

class Walker {
  private readonly types;
  private readonly totals: WalkTotals = {
    flopsF32: acc(), flopsF16: acc(), intOps: acc(), specialOps: acc(), barriers: acc(),
    globalLoadBytes: acc(), globalStoreBytes: acc(), workgroupLoadBytes: acc(), workgroupStoreBytes: acc(), uniformLoadBytes: acc(),
  };
  private readonly accesses = new Map<string, RecordedAccess>();
  private readonly loops: RecordedLoop[] = [];
  private readonly loopStack: RecordedLoop[] = [];
  private readonly notes: { what: string; reason: string; span?: Span }[] = [];
  private readonly noted = new Set<string>();
  private readonly idDomains = new Map<string, Domain>();
  private readonly weights = new WeakMap<Ctx, CountResult>();
  private loopCounter = 0;
  private depth = 0;
  private budget = 200000;

  constructor(
    private readonly resolution: Resolution,
    private readonly launch: LaunchInput,
  ) {
    this.types = resolution.types;
    const [lx, ly, lz] = launch.workgroupSize;
    const [wx, wy, wz] = launch.dispatch;
    for (const [n, hi] of [["lid.x", lx], ["lid.y", ly], ["lid.z", lz], ["wid.x", wx], ["wid.y", wy], ["wid.z", wz]] as const) {
      this.idDomains.set(n, { kind: "range", lo: 0, hi });
    }
  }

  run(fn: FunctionDecl): WalkResult {
    const frame = new Frame(new Map());
    const sym = this.resolution.symbolForDecl(fn);
    for (const p of fn.params) {
      const ps = this.resolution.symbolForDecl(p);
      if (ps) frame.env.set(ps, this.builtinParam(p.attributes.find((a) => a.name.name === "builtin")?.args[0], this.types.typeOfSymbol(ps)));
    }
    void sym;
    this.block(fn.body, { conds: [], loops: [] }, frame);
    return {
      totals: this.totals,
      accesses: [...this.accesses.values()],
      loops: this.loops,
      notes: this.notes,
      idDomains: this.idDomains,
      weight: (ctx) => this.weight(ctx),
    };
  }

  private note(what: string, reason: string, span?: Span): void {
    const key = `${what}:${reason}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.notes.push({ what, reason, span });
  }

  // ---- Builtin values ------------------------------------------------------------------------------------------

  private builtinParam(arg: Expr | undefined, type: WgslType): Val {
    const name = arg && (arg.kind === "ident" ? arg.name.name : arg.kind === "call" ? arg.callee.name : "");
    const [lx, ly] = this.launch.workgroupSize;
    const [wx, wy, wz] = this.launch.dispatch;
    const lid = ["lid.x", "lid.y", "lid.z"].map(vr);
    const wid = ["wid.x", "wid.y", "wid.z"].map(vr);
    switch (name) {
      case "local_invocation_id": return { t: "v", c: lid };
      case "workgroup_id": return { t: "v", c: wid };
      case "global_invocation_id":
        return { t: "v", c: [0, 1, 2].map((d) => bin("+", bin("*", wid[d], cst(this.launch.workgroupSize[d])), lid[d])) };
      case "num_workgroups": return { t: "v", c: [cst(wx), cst(wy), cst(wz)] };
      case "local_invocation_index": return S(bin("+", lid[0], bin("+", bin("*", lid[1], cst(lx)), bin("*", lid[2], cst(lx * ly)))));
      case "subgroup_size":
        return S(this.launch.subgroupSize ? cst(this.launch.subgroupSize) : unknown("the subgroup size is chosen by the device"));
      case "subgroup_invocation_id": {
        // Lanes are consecutive local invocation indices, as on every current GPU.
        if (!this.launch.subgroupSize) return S(unknown("subgroup lanes depend on the device"));
        const lii = bin("+", lid[0], bin("+", bin("*", lid[1], cst(lx)), bin("*", lid[2], cst(lx * ly))));
        return S(bin("%", lii, cst(this.launch.subgroupSize)));
      }
      default:
        return type.kind === "vector" ? { t: "v", c: new Array(type.n).fill(unknown(`builtin ${name ?? "?"}`)) } : S(unknown(`builtin ${name ?? "?"}`));
    }
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
      w = countSatisfying(ctx.conds, domains);
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
    for (const l of this.loopStack) {
      if (target === this.totals.flopsF32 || target === this.totals.flopsF16) l.flops += w.value * per;
      else if (target === this.totals.globalLoadBytes || target === this.totals.globalStoreBytes) l.globalBytes += w.value * per;
      else if (target === this.totals.workgroupLoadBytes || target === this.totals.workgroupStoreBytes) l.workgroupBytes += w.value * per;
    }
  }

  private countArith(type: WgslType, per: number, ctx: Ctx): void {
    const s = scalarOf(type);
    if (!s || s.name === "abstract-int" || s.name === "abstract-float") return;
    const n = componentCount(type) * per;
    if (s.name === "f32") this.add(this.totals.flopsF32, n, ctx);
    else if (s.name === "f16") this.add(this.totals.flopsF16, n, ctx);
    else this.add(this.totals.intOps, n, ctx);
  }

  // ---- Statements ----------------------------------------------------------------------------------------------

  /**
   * Walks a block; `returned` is true when control always leaves it (return, break, continue, discard), so nothing
   * after it in the enclosing block runs on this path.
   */
  private block(b: BlockStmt, ctx: Ctx, frame: Frame): { ctx: Ctx; returned: boolean } {
    let cur = ctx;
    for (const s of b.statements) {
      if (--this.budget < 0) {
        this.note("the kernel", "too large to model within the analysis budget; counts are partial");
        return { ctx: cur, returned: true };
      }
      const r = this.stmt(s, cur, frame);
      if (r.returned) return { ctx: cur, returned: true };
      cur = r.ctx;
    }
    return { ctx: cur, returned: false };
  }

  private stmt(s: Stmt, ctx: Ctx, frame: Frame): { ctx: Ctx; returned: boolean } {
    switch (s.kind) {
      case "block":
        return this.block(s, ctx, frame);
      case "declStmt": {
        const d = s.decl;
        const sym = this.resolution.symbolForDecl(d);
        const v = d.init ? this.expr(d.init, ctx, frame) : this.zeroOf(sym ? this.types.typeOfSymbol(sym) : undefined);
        if (sym) frame.env.set(sym, v);
        return { ctx, returned: false };
      }
      case "assign":
        this.assign(s, ctx, frame);
        return { ctx, returned: false };
      case "increment": {
        const t = this.types.typeOfExpr(s.target);
        this.countArith(t, 1, ctx);
        this.store(s.target, ctx, frame, true, (old) => bin(s.op === "++" ? "+" : "-", old, cst(1)));
        return { ctx, returned: false };
      }
      case "if":
        return this.ifStmt(s, ctx, frame);
      case "switch":
        this.switchStmt(s, ctx, frame);
        return { ctx, returned: false };
      case "for":
      case "while":
      case "loop":
        this.loop(s, ctx, frame);
        return { ctx, returned: false };
      case "return":
        if (s.value) {
          const v = this.expr(s.value, ctx, frame);
          frame.returns++;
          frame.returnValue = frame.returns === 1 ? v : { t: "opaque", reason: "several return values" };
        }
        return { ctx, returned: true };
      case "callStmt":
        this.expr(s.call, ctx, frame);
        return { ctx, returned: false };
      case "discard":
      case "break":
      case "continue":
        // Control leaves the block: what follows it runs only on the other paths (see ifStmt).
        return { ctx, returned: true };
      default:
        return { ctx, returned: false };
    }
  }

  private zeroOf(t: WgslType | undefined): Val {
    if (!t) return S(cst(0));
    if (t.kind === "vector") return { t: "v", c: new Array(t.n).fill(cst(0)) };
    if (t.kind === "scalar") return S(cst(0));
    return { t: "opaque", reason: "a composite local" };
  }

  private assign(s: AssignStmt, ctx: Ctx, frame: Frame): void {
    const rhs = this.expr(s.rhs, ctx, frame);
    if (s.lhs.kind === "ident" && s.lhs.name.name === "_") return;
    const compound = s.op !== "=";
    if (compound) this.countArith(this.types.typeOfExpr(s.lhs), 1, ctx);
    const op = s.op.slice(0, -1);
    this.store(s.lhs, ctx, frame, compound, (old) => (compound ? (rhs.t === "s" ? bin(op, old, rhs.e, this.isIntType(s.lhs)) : unknown("composite update")) : rhs.t === "s" ? rhs.e : unknown("composite value")), compound ? undefined : rhs);
  }

  private isIntType(e: Expr): boolean {
    const s = scalarOf(this.types.typeOfExpr(e));
    return !s || !(s.name === "f32" || s.name === "f16" || s.name === "abstract-float");
  }

  /** Writes through an lvalue: a memory store (and a load first for compound assignment) or a local update. */
  private store(lhs: Expr, ctx: Ctx, frame: Frame, alsoLoad: boolean, update: (old: VExpr) => VExpr, whole?: Val): void {
    const ref = this.lvalue(lhs, ctx, frame);
    if (!ref) return;
    if (ref.kind === "mem") {
      if (ref.space !== "private") {
        if (alsoLoad) this.recordAccess(lhs, ref, "load", ctx);
        this.recordAccess(lhs, ref, "store", ctx);
      }
      return;
    }
    // A local: update the tracked value where the path is simple, else forget it.
    if (ref.path.length === 0) {
      const old = frame.env.get(ref.symbol);
      if (whole) frame.env.set(ref.symbol, whole);
      else frame.env.set(ref.symbol, old && old.t === "s" ? S(update(old.e)) : S(update(unknown("composite local"))));
    } else if (ref.path.length === 1 && typeof ref.path[0] === "number") {
      const old = frame.env.get(ref.symbol);
      if (old && old.t === "v") {
        const c = [...old.c];
        c[ref.path[0]] = whole && whole.t === "s" ? whole.e : update(c[ref.path[0]]);
        frame.env.set(ref.symbol, { t: "v", c });
      }
    } else {
      frame.env.set(ref.symbol, { t: "opaque", reason: "partially updated composite" });
    }
  }

  private ifStmt(s: IfStmt, ctx: Ctx, frame: Frame): { ctx: Ctx; returned: boolean } {
    const c = this.cond(s.condition, ctx, frame);
    const thenCtx: Ctx = { ...ctx, conds: [...ctx.conds, c] };
    const elseCtx: Ctx = { ...ctx, conds: [...ctx.conds, un("!", c)] };
    const thenFrame = new Frame(new Map(frame.env));
    const t = this.block(s.then, thenCtx, thenFrame);
    const elseFrame = new Frame(new Map(frame.env));
    const e = s.else ? (s.else.kind === "if" ? this.ifStmt(s.else, elseCtx, elseFrame) : this.block(s.else, elseCtx, elseFrame)) : { ctx: elseCtx, returned: false };
    this.merge(frame, [t.returned ? undefined : thenFrame, e.returned ? undefined : elseFrame]);
    if (t.returned && e.returned) return { ctx, returned: true };
    // An early exit narrows everything after it to the paths that did not return.
    if (t.returned) return { ctx: elseCtx, returned: false };
    if (e.returned) return { ctx: thenCtx, returned: false };
    return { ctx, returned: false };
  }

  /** After a branch: values that differ between the surviving paths become unknown. */
  private merge(frame: Frame, branches: readonly (Frame | undefined)[]): void {
    const live = branches.filter((b): b is Frame => !!b);
    if (live.length === 0) return;
    const keys = new Set<WgslSymbol>();
    for (const b of live) for (const k of b.env.keys()) keys.add(k);
    for (const k of keys) {
      const vals = live.map((b) => b.env.get(k));
      const first = vals[0];
      if (vals.every((v) => v === first)) {
        if (first) frame.env.set(k, first);
      } else if (frame.env.has(k)) {
        frame.env.set(k, S(unknown(`'${k.name}' depends on a branch`)));
      }
    }
    for (const b of live) {
      frame.returns += b.returns;
      if (b.returnValue) frame.returnValue = frame.returnValue ? { t: "opaque", reason: "several return values" } : b.returnValue;
    }
  }

  private switchStmt(s: SwitchStmt, ctx: Ctx, frame: Frame): void {
    const sel = this.scalar(this.expr(s.selector, ctx, frame));
    const branches: Frame[] = [];
    const others: VExpr[] = [];
    for (const clause of s.clauses) {
      const tests = clause.selectors.filter((x): x is Expr => x !== "default").map((x) => bin("==", sel, this.scalar(this.expr(x, ctx, frame))));
      others.push(...tests);
    }
    for (const clause of s.clauses) {
      const tests = clause.selectors.filter((x): x is Expr => x !== "default").map((x) => bin("==", sel, this.scalar(this.expr(x, ctx, frame))));
      let c: VExpr = tests.reduce<VExpr>((a, b) => bin("||", a, b), cst(0));
      if (clause.selectors.includes("default")) c = bin("||", c, others.reduce<VExpr>((a, b) => bin("&&", a, un("!", b)), cst(1)));
      const f = new Frame(new Map(frame.env));
      this.block(clause.body, { ...ctx, conds: [...ctx.conds, c] }, f);
      branches.push(f);
    }
    this.merge(frame, branches);
  }

  // ---- Loops -----------------------------------------------------------------------------------------------------

  /** Symbols assigned anywhere in some statements (they vary between iterations). */
  private assignedIn(nodes: readonly (Stmt | undefined)[]): Set<WgslSymbol> {
    const out = new Set<WgslSymbol>();
    for (const root of nodes) {
      if (!root) continue;
      walk(root, (n) => {
        const target = n.kind === "assign" ? n.lhs : n.kind === "increment" ? n.target : undefined;
        if (!target) return;
        let base: Expr = target;
        while (base.kind === "index" || base.kind === "member" || base.kind === "paren" || (base.kind === "unary" && base.op === "*")) {
          base = base.kind === "index" || base.kind === "member" ? base.base : base.kind === "paren" ? base.expr : base.operand;
        }
        if (base.kind === "ident") {
          const sym = this.resolution.referenceForIdent(base.name)?.symbol;
          if (sym) out.add(sym);
        }
      });
    }
    return out;
  }

  private loop(s: ForStmt | WhileStmt | LoopStmt, ctx: Ctx, frame: Frame): void {
    if (s.kind === "for" && s.init) this.stmt(s.init, ctx, frame);
    const body = s.body;
    const continuing = s.kind === "loop" ? s.continuing : undefined;
    const update = s.kind === "for" ? s.update : undefined;
    const varying = this.assignedIn([body, continuing, update]);
    const counter = this.findCounter(s, frame, varying, ctx);
    const loopFrame = new Frame(new Map(frame.env));
    for (const v of varying) loopFrame.env.set(v, S(unknown(`'${v.name}' changes every iteration`)));

    const headerEnd = s.kind === "for" || s.kind === "while" ? (s.body.span.start) : s.span.start + 4;
    const rec: RecordedLoop = { node: s, headerEnd, tripText: "?", depth: ctx.loops.length, iterations: 0, entries: 0, tripKnown: false, flops: 0, globalBytes: 0, workgroupBytes: 0 };
    this.loops.push(rec);
    const entries = this.weight(ctx);
    rec.entries = entries.value;

    let bodyCtx: Ctx;
    if (counter) {
      const name = `loop${++this.loopCounter}`;
      loopFrame.env.set(counter.symbol, S(counter.value(vr(name))));
      bodyCtx = { ...ctx, loops: [...ctx.loops, { name, domain: counter.domain }], conds: counter.condition ? [...ctx.conds, counter.condition(vr(name))] : ctx.conds };
      rec.tripText = counter.text;
      rec.tripKnown = true;
      rec.varName = name;
    } else {
      const reason = `the trip count of the loop at offset ${s.span.start} cannot be determined (no counter compared with a known bound)`;
      this.note("loop trip count", reason, s.span);
      bodyCtx = { ...ctx, tripUnknown: reason };
      rec.tripText = "unknown";
    }
    this.loopStack.push(rec);
    // The loop condition itself is evaluated on every iteration.
    if (s.kind === "for" && s.condition) this.expr(s.condition, bodyCtx, loopFrame);
    if (s.kind === "while") this.expr(s.condition, bodyCtx, loopFrame);
    this.block(body, bodyCtx, loopFrame);
    if (continuing) this.block(continuing, bodyCtx, loopFrame);
    if (update) this.stmt(update, bodyCtx, loopFrame);
    this.loopStack.pop();
    rec.iterations = this.weight(bodyCtx).value;
    if (this.hasDataDependentExit(body)) this.note("loop trip count", `the loop at offset ${s.span.start} can exit early on data: its count is an upper bound`, s.span);
    // After the loop, anything it assigned is unknown.
    for (const v of varying) frame.env.set(v, S(unknown(`'${v.name}' was changed in a loop`)));
  }

  /** A `break` or `return` in the loop's own body (not in a nested loop): the trip count is then an upper bound. */
  private hasDataDependentExit(body: BlockStmt): boolean {
    let found = false;
    walk(body, (n) => {
      if (found) return false;
      if (n !== body && (n.kind === "for" || n.kind === "while" || n.kind === "loop")) return false;
      if (n.kind === "break" || n.kind === "breakIf" || n.kind === "return") found = true;
      return undefined;
    });
    return found;
  }

  /**
   * Recognises the loop counter: a variable compared with a bound in the loop condition (or `break if`, or a
   * leading `if (...) { break; }`) and changed by a constant step once per iteration.
   */
  private findCounter(s: ForStmt | WhileStmt | LoopStmt, frame: Frame, varying: Set<WgslSymbol>, ctx: Ctx): { symbol: WgslSymbol; domain: Domain; value: (j: VExpr) => VExpr; condition?: (j: VExpr) => VExpr; text: string } | undefined {
    // The condition under which the loop continues, and the statements that update the counter.
    let cond: Expr | undefined;
    let negate = false;
    const updates: Stmt[] = [];
    if (s.kind === "for") {
      cond = s.condition;
      if (s.update) updates.push(s.update);
    } else if (s.kind === "while") {
      cond = s.condition;
      updates.push(...s.body.statements);
    } else {
      const last = s.continuing?.statements[s.continuing.statements.length - 1];
      if (last?.kind === "breakIf") {
        cond = last.condition;
        negate = true;
      } else {
        const first = s.body.statements[0];
        if (first?.kind === "if" && !first.else && first.then.statements.length === 1 && first.then.statements[0].kind === "break") {
          cond = first.condition;
          negate = true;
        }
      }
      updates.push(...s.body.statements, ...(s.continuing?.statements ?? []));
    }
    // `while (i < n)` parses its parentheses as part of the condition.
    while (cond && cond.kind === "paren") cond = cond.expr;
    if (!cond || cond.kind !== "binary" || !["<", "<=", ">", ">=", "!="].includes(cond.op)) return undefined;
    for (const [side, other] of [[cond.left, cond.right], [cond.right, cond.left]] as const) {
      const base = side.kind === "paren" ? side.expr : side;
      if (base.kind !== "ident") continue;
      const sym = this.resolution.referenceForIdent(base.name)?.symbol;
      if (!sym || !varying.has(sym)) continue;
      const step = this.stepOf(sym, updates);
      if (!step) continue;
      const start = frame.env.get(sym);
      if (!start || start.t !== "s") continue;
      // The bound is evaluated outside the loop: it must not change inside.
      const boundFrame = new Frame(new Map(frame.env));
      for (const v of varying) boundFrame.env.set(v, S(unknown(`'${v.name}' changes every iteration`)));
      const bound = this.scalar(this.exprNoCount(other, boundFrame));
      let op = cond.op;
      if (side === cond.right) op = op === "<" ? ">" : op === "<=" ? ">=" : op === ">" ? "<" : op === ">=" ? "<=" : op;
      // With `break if c` the loop continues while !c.
      if (negate) op = op === "<" ? ">=" : op === "<=" ? ">" : op === ">" ? "<=" : op === ">=" ? "<" : "==";
      if (op === "==") continue;
      const isInt = this.isIntType(base);
      const continues = (k: VExpr): VExpr => bin(op, k, bound, isInt);
      const boundReason = unknownReason(bound);
      const startE = start.e;
      if (step.kind === "add") {
        if (!isConst(step.by) || step.by.v === 0) continue;
        const by = step.by.v;
        const sb = this.range(startE, ctx.loops);
        const bb = this.range(bound, ctx.loops);
        if (!sb || !bb) {
          this.note("loop trip count", `loop bound '${show(bound)}' ${boundReason ? `is unknown: ${boundReason}` : "cannot be bounded"}`, s.span);
          return undefined;
        }
        // The most iterations any invocation can make: from the smallest start to the largest bound (or vice versa).
        const span = by > 0 ? bb.hi - sb.lo + (op === "<=" ? 1 : 0) : sb.hi - bb.lo + (op === ">=" ? 1 : 0);
        const maxTrip = Math.max(0, Math.ceil(span / Math.abs(by)));
        if (maxTrip > MAX_TRIP) {
          this.note("loop trip count", `more than ${MAX_TRIP} iterations`, s.span);
          return undefined;
        }
        const value = (j: VExpr): VExpr => bin("+", startE, bin("*", j, cst(by)));
        const text = `${show(startE)}..${show(bound)}${Math.abs(by) === 1 ? "" : ` step ${by}`}`;
        return { symbol: sym, domain: { kind: "range", lo: 0, hi: maxTrip }, value, condition: (j) => continues(value(j)), text };
      }
      // Multiplicative updates (s >>= 1, s *= 2): simulate the values; start and bound must not depend on ids.
      if (!isConst(startE) || !isConst(bound) || !isConst(step.by)) continue;
      const values: number[] = [];
      let k = startE.v;
      const test = (x: number): boolean => (op === "<" ? x < bound.v : op === "<=" ? x <= bound.v : op === ">" ? x > bound.v : op === ">=" ? x >= bound.v : x !== bound.v);
      while (test(k) && values.length <= MAX_LIST_ITERATIONS) {
        values.push(k);
        const next = step.kind === "mul" ? k * step.by.v : step.kind === "div" ? Math.trunc(k / step.by.v) : step.kind === "shl" ? k * 2 ** step.by.v : Math.floor(k / 2 ** step.by.v);
        if (next === k) break;
        k = next;
      }
      if (values.length > MAX_LIST_ITERATIONS) continue;
      return { symbol: sym, domain: { kind: "list", values }, value: (j) => j, text: `${values.length} iterations: ${values.slice(0, 4).join(", ")}${values.length > 4 ? ", ..." : ""}` };
    }
    return undefined;
  }

  /** How a counter changes per iteration, from `k++`, `k += c`, `k = k + c`, `k >>= 1`, `k *= 2`, ... */
  private stepOf(sym: WgslSymbol, updates: readonly Stmt[]): { kind: "add" | "mul" | "div" | "shl" | "shr"; by: VExpr } | undefined {
    const isSym = (e: Expr): boolean => e.kind === "ident" && this.resolution.referenceForIdent(e.name)?.symbol === sym;
    const emptyFrame = new Frame(new Map());
    const k = (e: Expr): VExpr => this.scalar(this.exprNoCount(e, emptyFrame));
    for (const u of updates) {
      if (u.kind === "increment" && isSym(u.target)) return { kind: "add", by: cst(u.op === "++" ? 1 : -1) };
      if (u.kind !== "assign" || !isSym(u.lhs)) continue;
      switch (u.op) {
        case "+=": return { kind: "add", by: k(u.rhs) };
        case "-=": return { kind: "add", by: un("-", k(u.rhs)) };
        case "*=": return { kind: "mul", by: k(u.rhs) };
        case "/=": return { kind: "div", by: k(u.rhs) };
        case "<<=": return { kind: "shl", by: k(u.rhs) };
        case ">>=": return { kind: "shr", by: k(u.rhs) };
        case "=": {
          const r = u.rhs.kind === "paren" ? u.rhs.expr : u.rhs;
          if (r.kind === "binary" && isSym(r.left)) {
            const by = k(r.right);
            switch (r.op) {
              case "+": return { kind: "add", by };
              case "-": return { kind: "add", by: un("-", by) };
              case "*": return { kind: "mul", by };
              case "/": return { kind: "div", by };
              case "<<": return { kind: "shl", by };
              case ">>": return { kind: "shr", by };
            }
          }
          return undefined;
        }
      }
    }
    return undefined;
  }

  /** Bounds of a value over the invocation space and the enclosing loops' counters. */
  range(e: VExpr, loops: readonly LoopVar[] = []): Interval | undefined {
    return bounds(e, (n) => {
      const d = this.idDomains.get(n) ?? loops.find((l) => l.name === n)?.domain;
      if (!d) return undefined;
      return d.kind === "range" ? { lo: d.lo, hi: d.hi - 1 } : { lo: Math.min(...d.values), hi: Math.max(...d.values) };
    });
  }

  // ---- Expressions -----------------------------------------------------------------------------------------------

  private scalar(v: Val): VExpr {
    if (v.t === "s") return v.e;
    return unknown(v.t === "opaque" ? v.reason : "a composite value");
  }

  /** A condition's value (0/1); loaded data makes it unknown, which the counting treats as data-dependent. */
  private cond(e: Expr, ctx: Ctx, frame: Frame): VExpr {
    return this.scalar(this.expr(e, ctx, frame));
  }

  /** Evaluates without counting anything (loop bounds, steps: already counted where they are written). */
  private exprNoCount(e: Expr, frame: Frame): Val {
    const saved = this.silent;
    this.silent = true;
    try {
      return this.expr(e, { conds: [], loops: [] }, frame);
    } finally {
      this.silent = saved;
    }
  }
  private silent = false;

  private count(target: Acc, per: number, ctx: Ctx): void {
    if (!this.silent) this.add(target, per, ctx);
  }

  expr(e: Expr, ctx: Ctx, frame: Frame): Val {
    switch (e.kind) {
      case "literal":
        return S(typeof e.value === "number" ? cst(e.value) : cst(e.value ? 1 : 0));
      case "paren":
        return this.expr(e.expr, ctx, frame);
      case "error":
        return S(unknown("a syntax error"));
      case "ident":
        return this.ident(e, ctx, frame);
      case "unary": {
        if (e.op === "&") {
          const ref = this.lvalue(e.operand, ctx, frame);
          return ref ? { t: "ref", ref } : { t: "opaque", reason: "address of an unknown place" };
        }
        if (e.op === "*") return this.load(e, ctx, frame);
        const v = this.expr(e.operand, ctx, frame);
        if (e.op === "!" || e.op === "~") {
          if (!this.silent) this.countArith(this.types.typeOfExpr(e), 1, ctx);
        }
        if (v.t === "v") return { t: "v", c: v.c.map((x) => un(e.op as "-" | "!" | "~", x)) };
        return S(un(e.op as "-" | "!" | "~", this.scalar(v)));
      }
      case "binary": {
        const a = this.expr(e.left, ctx, frame);
        const b = this.expr(e.right, ctx, frame);
        if (!this.silent) this.countBinary(e, ctx);
        const int = this.isIntType(e.left) && this.isIntType(e.right);
        if (a.t === "v" || b.t === "v") {
          const n = a.t === "v" ? a.c.length : b.t === "v" ? b.c.length : 1;
          const comp = (v: Val, i: number): VExpr => (v.t === "v" ? v.c[i] : this.scalar(v));
          return { t: "v", c: Array.from({ length: n }, (_, i) => bin(e.op, comp(a, i), comp(b, i), int)) };
        }
        return S(bin(e.op, this.scalar(a), this.scalar(b), int));
      }
      case "call":
        return this.call(e, ctx, frame);
      case "index":
      case "member":
        return this.load(e, ctx, frame);
    }
  }

  private countBinary(e: Extract<Expr, { kind: "binary" }>, ctx: Ctx): void {
    const lt = derefType(this.types.typeOfExpr(e.left));
    const rt = derefType(this.types.typeOfExpr(e.right));
    // The type the operation computes in: a literal operand (`0.5 * x`) takes the other operand's concrete type.
    const s = scalarOf(derefType(this.types.operandTypeOf(e))) ?? scalarOf(lt) ?? scalarOf(rt);
    if (!s || s.name === "abstract-int" || s.name === "abstract-float") return;
    let ops: number;
    if (e.op === "*" && (lt.kind === "matrix" || rt.kind === "matrix")) {
      // mat(CxR) * vec(C): R dot products of length C; mat * mat: R x C2 of them; vec(R) * mat(CxR): C of length R.
      if (lt.kind === "matrix" && rt.kind === "matrix") ops = lt.rows * rt.cols * (2 * lt.cols - 1);
      else if (lt.kind === "matrix" && rt.kind === "vector") ops = lt.rows * (2 * lt.cols - 1);
      else if (rt.kind === "matrix" && lt.kind === "vector") ops = rt.cols * (2 * rt.rows - 1);
      else ops = componentCount(lt.kind === "matrix" ? lt : rt);
    } else {
      ops = Math.max(componentCount(lt), componentCount(rt));
    }
    const isFloat = s.name === "f32" || s.name === "f16";
    const comparison = BOOLEAN_OPS.has(e.op);
    if (isFloat && !comparison) this.add(s.name === "f16" ? this.totals.flopsF16 : this.totals.flopsF32, ops, ctx);
    else this.add(this.totals.intOps, ops, ctx);
  }

  private ident(e: Extract<Expr, { kind: "ident" }>, ctx: Ctx, frame: Frame): Val {
    const ref = this.resolution.referenceForIdent(e.name);
    const sym = ref?.symbol;
    if (!sym) return S(unknown(`'${e.name.name}'`));
    const local = frame.env.get(sym);
    if (local) return local;
    switch (sym.kind) {
      case "const": {
        const init = (sym.decl as { init?: Expr }).init;
        return init ? this.exprNoCount(init, new Frame(new Map())) : S(unknown(`const '${sym.name}'`));
      }
      case "override": {
        const v = this.launch.overrides.get(sym.name);
        if (v !== undefined) return S(cst(v));
        const init = (sym.decl as { init?: Expr }).init;
        if (init) return this.exprNoCount(init, new Frame(new Map()));
        this.note(`override '${sym.name}'`, "has no value: give it a default or a // @override line", sym.nameSpan);
        return S(unknown(`override '${sym.name}' has no value`));
      }
      case "var":
        return this.load(e, ctx, frame);
      default:
        return S(unknown(`'${sym.name}'`));
    }
  }

  /** The memory or local an lvalue expression names. */
  lvalue(e: Expr, ctx: Ctx, frame: Frame): Ref | undefined {
    switch (e.kind) {
      case "paren":
        return this.lvalue(e.expr, ctx, frame);
      case "ident": {
        const sym = this.resolution.referenceForIdent(e.name)?.symbol;
        if (!sym) return undefined;
        const bound = frame.env.get(sym);
        if (bound && bound.t === "ref") return bound.ref;
        const type = this.types.typeOfSymbol(sym);
        const space = sym.varAttributes?.addressSpace;
        if (sym.kind === "var" && (space === "storage" || space === "uniform" || space === "workgroup" || space === "private")) {
          return { kind: "mem", binding: sym, space, addr: cst(0), type: derefType(type) };
        }
        return { kind: "local", symbol: sym, path: [], type: derefType(type) };
      }
      case "unary":
        if (e.op === "*") {
          const v = this.expr(e.operand, ctx, frame);
          return v.t === "ref" ? v.ref : undefined;
        }
        return undefined;
      case "index": {
        const base = this.lvalue(e.base, ctx, frame);
        const idx = this.scalar(this.expr(e.index, ctx, frame));
        if (!base) return undefined;
        const bt = derefType(base.type);
        const elem: WgslType = bt.kind === "array" ? bt.element : bt.kind === "vector" ? { kind: "scalar", name: bt.component.name } as WgslType : bt.kind === "matrix" ? { kind: "vector", n: bt.rows, component: bt.component } as WgslType : { kind: "unknown", reason: "indexing" } as WgslType;
        const stride = bt.kind === "array" ? strideOf(bt) ?? sizeOf(elem) ?? 4 : sizeOf(elem) ?? 4;
        if (base.kind === "mem") return { ...base, addr: bin("+", base.addr, bin("*", idx, cst(stride))), type: elem };
        return { ...base, path: [...base.path, isConst(idx) ? idx.v : -1], type: elem };
      }
      case "member": {
        const base = this.lvalue(e.base, ctx, frame);
        if (!base) return undefined;
        const bt = derefType(base.type);
        if (bt.kind === "struct") {
          const m = (bt as StructType).members.find((x) => x.name === e.member.name);
          if (!m) return undefined;
          if (base.kind === "mem") return { ...base, addr: bin("+", base.addr, cst(m.offset)), type: m.type };
          return { ...base, path: [...base.path, m.name], type: m.type };
        }
        if (bt.kind === "vector" && e.member.name.length === 1) {
          const i = "xyzwrgba".indexOf(e.member.name) % 4;
          const elem = { kind: "scalar", name: bt.component.name } as WgslType;
          if (base.kind === "mem") return { ...base, addr: bin("+", base.addr, cst(i * (sizeOf(elem) ?? 4))), type: elem };
          return { ...base, path: [...base.path, i], type: elem };
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Reads a place: a memory load (recorded) or a local's tracked value. */
  private load(e: Expr, ctx: Ctx, frame: Frame): Val {
    // Swizzles of a value (not a place) such as `f(x).xy` are not loads.
    const ref = this.lvalue(e, ctx, frame);
    if (!ref) {
      if (e.kind === "member") {
        const base = this.expr(e.base, ctx, frame);
        return this.member(base, e.member.name);
      }
      if (e.kind === "index") {
        const base = this.expr(e.base, ctx, frame);
        const idx = this.scalar(this.expr(e.index, ctx, frame));
        if (base.t === "v" && isConst(idx)) return S(base.c[idx.v] ?? unknown("index out of range"));
        return S(unknown("an element of a composite"));
      }
      return S(unknown("an unknown place"));
    }
    if (ref.kind === "mem") {
      if (ref.space === "uniform") {
        this.recordAccess(e, ref, "load", ctx);
        return this.uniformValue(ref);
      }
      if (ref.space !== "private") this.recordAccess(e, ref, "load", ctx);
      if (ref.space === "storage" && ref.type.kind === "array" && ref.type.count === "runtime") return S(unknown("an array"));
      const what = `loaded from '${ref.binding.name}'`;
      const t = derefType(ref.type);
      return t.kind === "vector" ? { t: "v", c: new Array(t.n).fill(unknown(what)) } : S(unknown(what));
    }
    // A local: follow the path into the tracked value.
    let v: Val | undefined = frame.env.get(ref.symbol);
    for (const p of ref.path) {
      if (!v) break;
      if (typeof p === "number" && v.t === "v") v = p >= 0 ? S(v.c[p] ?? unknown("index")) : S(unknown("a dynamic index"));
      else if (typeof p === "string" && v.t === "st") v = v.f.get(p);
      else v = S(unknown(`part of '${ref.symbol.name}'`));
    }
    return v ?? S(unknown(`'${ref.symbol.name}'`));
  }

  private member(base: Val, name: string): Val {
    if (base.t === "st") return base.f.get(name) ?? S(unknown(`.${name}`));
    if (base.t === "v") {
      const idx = [...name].map((ch) => "xyzwrgba".indexOf(ch) % 4);
      if (idx.length === 1) return S(base.c[idx[0]] ?? unknown("swizzle"));
      return { t: "v", c: idx.map((i) => base.c[i] ?? unknown("swizzle")) };
    }
    return S(unknown(`.${name}`));
  }

  /** Values of uniform fields come from `// @uniform` (by field name); unset ones are unknown, with a note. */
  private uniformValue(ref: Extract<Ref, { kind: "mem" }>): Val {
    const fields = this.launch.uniforms.get(ref.binding.name);
    const t = derefType(this.types.typeOfSymbol(ref.binding));
    const addr = ref.addr;
    if (!isConst(addr) || t.kind !== "struct") {
      return S(unknown(`uniform '${ref.binding.name}' is read at a computed address`));
    }
    const m = (t as StructType).members.find((x) => x.offset <= addr.v && addr.v < x.offset + x.size);
    if (!m) return S(unknown(`uniform '${ref.binding.name}'`));
    const v = fields?.get(m.name);
    if (v === undefined) {
      this.note(`uniform '${ref.binding.name}.${m.name}'`, `has no value: add // @uniform ${ref.binding.name} = { ${m.name}: ... }`);
      return S(unknown(`uniform ${ref.binding.name}.${m.name} has no value`));
    }
    return S(cst(v));
  }

  private recordAccess(node: Expr, ref: Extract<Ref, { kind: "mem" }>, kind: "load" | "store" | "atomic", ctx: Ctx): void {
    if (this.silent || ref.space === "private") return;
    const type = derefType(ref.type);
    const bytes = sizeOf(type) ?? 4;
    const space = ref.space;
    const target =
      space === "uniform" ? this.totals.uniformLoadBytes
      : space === "workgroup" ? (kind === "store" ? this.totals.workgroupStoreBytes : this.totals.workgroupLoadBytes)
      : kind === "store" ? this.totals.globalStoreBytes : this.totals.globalLoadBytes;
    this.add(target, bytes, ctx);
    if (kind === "atomic" && space !== "uniform") this.add(space === "workgroup" ? this.totals.workgroupStoreBytes : this.totals.globalStoreBytes, bytes, ctx);
    const key = `${node.span.start}:${node.span.end}:${kind}`;
    const w = this.weight(ctx);
    const existing = this.accesses.get(key);
    if (existing) {
      existing.count.value += w.value;
      existing.count.min += w.min;
      existing.count.max += w.max;
      return;
    }
    const used = varsOf(ref.addr);
    const invariantIn = ctx.loops.map((l) => l.name).filter((n) => !used.has(n));
    this.accesses.set(key, { node, binding: ref.binding, space, kind, type, bytes, addr: ref.addr, ctx, count: { value: w.value, min: w.min, max: w.max }, invariantIn });
  }

  private call(e: CallExpr, ctx: Ctx, frame: Frame): Val {
    const name = e.callee.name;
    const ref = this.resolution.referenceForIdent(e.callee);
    const sym = ref?.symbol;
    if (sym && sym.kind === "function") return this.callUser(sym, e, ctx, frame);
    if (sym && (sym.kind === "struct" || sym.kind === "alias")) {
      for (const a of e.args) this.expr(a, ctx, frame);
      return { t: "opaque", reason: `a ${sym.name} value` };
    }
    const resultType = this.types.typeOfExpr(e);
    // Atomics and arrayLength take a pointer: resolve it without loading.
    if (name.startsWith("atomic")) {
      const target = e.args[0] ? this.lvalue(e.args[0].kind === "unary" && e.args[0].op === "&" ? e.args[0].operand : e.args[0], ctx, frame) : undefined;
      for (const a of e.args.slice(1)) this.expr(a, ctx, frame);
      if (target && target.kind === "mem" && target.space !== "private") {
        const kind = name === "atomicLoad" ? "load" : name === "atomicStore" ? "store" : "atomic";
        this.recordAccess(e, target, kind, ctx);
      }
      return S(unknown(`the result of ${name}`));
    }
    if (name === "arrayLength") {
      const target = e.args[0] ? this.lvalue(e.args[0].kind === "unary" && e.args[0].op === "&" ? e.args[0].operand : e.args[0], ctx, frame) : undefined;
      if (target && target.kind === "mem") {
        const n = this.launch.bufferCounts.get(target.binding.name);
        if (n !== undefined) {
          const t = derefType(this.types.typeOfSymbol(target.binding));
          // For a struct whose last member is the runtime array, the count is of that array's elements.
          void t;
          return S(cst(n));
        }
        this.note(`arrayLength(${target.binding.name})`, `the buffer has no size: add // @buffer ${target.binding.name}[N]`);
      }
      return S(unknown("arrayLength of a buffer without a size"));
    }
    if (name === "workgroupUniformLoad") {
      const target = e.args[0] ? this.lvalue(e.args[0].kind === "unary" && e.args[0].op === "&" ? e.args[0].operand : e.args[0], ctx, frame) : undefined;
      if (target && target.kind === "mem") this.recordAccess(e, target, "load", ctx);
      this.count(this.totals.barriers, 1, ctx);
      return S(unknown("a workgroup-uniform loaded value"));
    }
    const args = e.args.map((a) => this.expr(a, ctx, frame));
    // Value constructors and conversions.
    if (!sym && (resultType.kind === "vector" || resultType.kind === "scalar" || resultType.kind === "matrix") && /^(vec[234][ifuh]?|mat\dx\d[fh]?|f32|f16|i32|u32|bool)$/.test(name)) {
      if (resultType.kind === "scalar") {
        const from = e.args[0] ? scalarOf(derefType(this.types.typeOfExpr(e.args[0]))) : null;
        if (from && from.name !== resultType.name && !from.name.startsWith("abstract")) this.count(this.totals.intOps, 1, ctx);
        return args[0] ?? S(cst(0));
      }
      if (resultType.kind === "vector") {
        const comps: VExpr[] = [];
        for (const a of args) {
          if (a.t === "v") comps.push(...a.c);
          else comps.push(this.scalar(a));
        }
        if (comps.length === 1) return { t: "v", c: new Array(resultType.n).fill(comps[0]) };
        return { t: "v", c: comps.slice(0, resultType.n) };
      }
      return { t: "opaque", reason: "a matrix" };
    }
    const firstType = e.args[0] ? derefType(this.types.typeOfExpr(e.args[0])) : resultType;
    const s = scalarOf(resultType) ?? scalarOf(firstType);
    const isFloat = !!s && (s.name === "f32" || s.name === "f16" || s.name === "abstract-float");
    const cost = estimateBuiltinCost(name, {
      resultComponents: Math.max(1, componentCount(resultType)),
      operandComponents: Math.max(1, componentCount(firstType)),
      integerOperands: !isFloat,
    });
    if (cost && !this.silent) {
      const comps = Math.max(1, componentCount(resultType));
      const info = estimateBuiltinCost(name, { resultComponents: 1, operandComponents: 1, integerOperands: !isFloat });
      // Transcendentals count as special ops only (the design note's rule), not their extra arithmetic.
      if (cost.specialOps > 0) this.add(this.totals.specialOps, Math.max(1, componentCount(resultType)), ctx);
      else if (cost.flops > 0) this.add(s?.name === "f16" ? this.totals.flopsF16 : this.totals.flopsF32, cost.flops, ctx);
      this.add(this.totals.intOps, cost.intOps, ctx);
      this.add(this.totals.barriers, cost.barriers, ctx);
      void info;
      void comps;
    }
    // Integer helpers keep their values symbolic.
    const ints = args.map((a) => this.scalar(a));
    if ((name === "min" || name === "max" || name === "abs" || name === "clamp") && !isFloat) return S(call(name, ints));
    if (name === "select") return S(call("select", ints));
    if (resultType.kind === "vector") return { t: "v", c: new Array(resultType.n).fill(unknown(`${name}(...)`)) };
    return S(unknown(`${name}(...)`));
  }

  private callUser(sym: WgslSymbol, e: CallExpr, ctx: Ctx, frame: Frame): Val {
    const fn = sym.decl as FunctionDecl;
    const args = e.args.map((a) => {
      // Pointer arguments (`&x`, `&buf[i]`) bind the parameter to the place.
      if (a.kind === "unary" && a.op === "&") {
        const ref = this.lvalue(a.operand, ctx, frame);
        return ref ? ({ t: "ref", ref } as Val) : ({ t: "opaque", reason: "a pointer" } as Val);
      }
      return this.expr(a, ctx, frame);
    });
    if (this.depth >= MAX_CALL_DEPTH) {
      this.note(`call to '${sym.name}'`, "calls nested too deeply to model");
      return S(unknown(`the result of ${sym.name}`));
    }
    const callee = new Frame(new Map());
    fn.params.forEach((p, i) => {
      const ps = this.resolution.symbolForDecl(p);
      if (ps && args[i]) callee.env.set(ps, args[i]);
    });
    this.depth++;
    try {
      this.block(fn.body, ctx, callee);
    } finally {
      this.depth--;
    }
    return callee.returnValue ?? S(unknown(`the result of ${sym.name}`));
  }
}

export { domainSize };
