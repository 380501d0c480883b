// Barriers and warp intrinsics that not the right threads reach, found on the syntax tree with the uniformity
// analysis (uniformity.ts): the CUDA counterpart of Tint's uniformity errors for WGSL.
//
// - `barrier-divergence`: `__syncthreads()` (any block barrier: `__syncthreads_count/and/or`, `__barrier_sync`,
//   a cooperative-groups block or grid `sync`) under a condition that depends on the thread (threadIdx, a lane or warp
//   id, data loaded per thread), inside a loop whose trip count or exit does, or after an early `return` that does:
//   some threads of the block never arrive, which the CUDA Programming Guide leaves undefined (a hang or wrong data).
// - `warp-mask-partial`: a `*_sync` warp intrinsic with a constant mask that leaves lanes out while every thread of
//   the block reaches the call (no varying condition above it): the lanes outside the mask call it too, undefined.
// - `warp-activemask-reduction`: a shuffle or warp reduction whose mask is `__activemask()`: the lanes converged at
//   that instant, not the lanes that take part, so a reduction can silently drop lanes.
// - `warp-legacy-intrinsic`: the maskless `__shfl_down`, `__ballot`, `__any`... that CUDA 9 deprecated and nvcc no longer
//   provides for compute capability 7.0 and newer.
// A check says nothing where it cannot be sure: false alarms cost more than misses. Spans are in the analysed text.
import type { CoreDiagnostic } from "../diagnostic";
import type { Span } from "../span";
import { BARRIERS } from "./builtins";
import type { CudaProgram, FunctionInfo } from "./program";
import { declaredName } from "./program";
import { type CNode, field, kids, namedKids } from "./syntax";
import { calleeName, parameterNodes, Uniformity, type UniformityCache, userFunction } from "./uniformity";

export interface SyncFinding {
  readonly code: "barrier-divergence" | "warp-mask-partial" | "warp-activemask-reduction" | "warp-legacy-intrinsic";
  readonly severity: "warning";
  readonly message: string;
  readonly span: Span;
  /** Where the threads divide (the condition), for the editor's related location. */
  readonly related?: { readonly message: string; readonly span: Span };
}

export interface SyncCheckOptions {
  /** Threads per block where the launch states them: a block narrower than a warp may use a partial mask. */
  readonly blockThreads?: number;
  /** The 1-based line of an offset of the analysed text in the user's file. */
  readonly lineOf: (offset: number) => number;
}

/** Why the threads at a point are not all the block's: the condition (its text and where), and how it divides them. */
interface Cause {
  readonly kind: "if" | "loop" | "loop-exit" | "switch" | "ternary" | "short-circuit" | "return" | "break" | "continue";
  readonly cond: CNode;
  /** The call of a device function this point is reached through, for the message. */
  readonly via?: string;
}

interface Exit {
  readonly kind: "return" | "break" | "continue";
  readonly cause: Cause;
}

const LEGACY = new Set(["__shfl", "__shfl_up", "__shfl_down", "__shfl_xor", "__ballot", "__any", "__all"]);
const MASKED = /^(__shfl(_up|_down|_xor)?_sync|__ballot_sync|__any_sync|__all_sync|__uni_sync|__match_(any|all)_sync|__reduce_(add|min|max|and|or|xor)_sync)$/;
/** Masked intrinsics that combine values across lanes (a reduction or scan step). */
const REDUCING = /^(__shfl_(up|down|xor)_sync|__reduce_\w+_sync)$/;
const MAX_DEPTH = 8;
const NODE_BUDGET = 300_000;
const FULL = 0xffffffff;

/** The findings of one kernel (and the device functions it calls), in the analysed text. */
export function syncFindings(prog: CudaProgram, kernel: FunctionInfo, options: SyncCheckOptions): SyncFinding[] {
  if (!kernel.body || kernel.body.children === null) return [];
  const checker = new SyncChecker(prog, options);
  try {
    checker.walkFunction(kernel, new Set(), null, 0, undefined);
  } catch {
    // Never throws on bad input: an internal error leaves the checks silent.
    return [];
  }
  return checker.findings;
}

const memo = new WeakMap<CudaProgram, Map<string, SyncFinding[]>>();
const programCaches = new WeakMap<CudaProgram, { summaries: Map<string, boolean>; uniformities: UniformityCache }>();

/**
 * The findings of a kernel as diagnostics in the original text (`original` maps a span of the analysed text), computed
 * once per kernel and block size of a program.
 */
export function syncDiagnostics(prog: CudaProgram, kernel: FunctionInfo, blockThreads: number | undefined, lineOf: (offset: number) => number, original: (s: Span) => Span): CoreDiagnostic[] {
  let byKernel = memo.get(prog);
  if (!byKernel) memo.set(prog, (byKernel = new Map()));
  const key = `${kernel.node.start}:${blockThreads ?? "?"}`;
  let found = byKernel.get(key);
  if (!found) byKernel.set(key, (found = syncFindings(prog, kernel, { blockThreads, lineOf })));
  return found.map((f) => ({
    severity: f.severity,
    code: f.code,
    message: f.message,
    span: original(f.span),
    source: "kernellens" as const,
    // `file: ""`: the same document.
    ...(f.related ? { related: [{ message: f.related.message, file: "", span: original(f.related.span) }] } : {}),
  }));
}

class SyncChecker {
  readonly findings: SyncFinding[] = [];
  private readonly seen = new Set<string>();
  private readonly walked = new Set<string>();
  private readonly summaries: Map<string, boolean>;
  private readonly uniformities: UniformityCache;
  private budget = NODE_BUDGET;
  private dry = 0;

  constructor(private readonly prog: CudaProgram, private readonly options: SyncCheckOptions) {
    // The kernels of one program share what is known of its functions.
    let shared = programCaches.get(prog);
    if (!shared) programCaches.set(prog, (shared = { summaries: new Map(), uniformities: new Map() }));
    this.summaries = shared.summaries;
    this.uniformities = shared.uniformities;
  }

  private get text(): string {
    return this.prog.text;
  }

  walkFunction(fn: FunctionInfo, varyingParams: ReadonlySet<string>, cause: Cause | null, depth: number, via: string | undefined): void {
    if (!fn.body || fn.body.children === null || depth > MAX_DEPTH) return;
    const key = `${fn.node.start}:${[...varyingParams].sort().join(",")}:${cause ? cause.cond.start : -1}`;
    if (this.walked.has(key)) return;
    this.walked.add(key);
    const u = Uniformity.of(this.prog, fn, varyingParams, 0, this.summaries, this.uniformities);
    const inherited = cause && via && !cause.via ? { ...cause, via } : cause;
    new FunctionWalk(this, u, depth).statement(fn.body, inherited);
  }

  spend(): boolean {
    return --this.budget > 0;
  }

  get isDry(): boolean {
    return this.dry > 0;
  }

  dryRun<T>(f: () => T): T {
    this.dry++;
    try {
      return f();
    } finally {
      this.dry--;
    }
  }

  add(f: SyncFinding): void {
    if (this.dry > 0) return;
    const key = `${f.code}:${f.span.start}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(f);
  }

  line(n: CNode): number {
    return this.options.lineOf(n.start);
  }

  /** The condition as the user reads it, shortened. */
  condText(n: CNode): string {
    let t = this.text.slice(n.start, n.end).replace(/\s+/g, " ").trim();
    if (n.type === "condition_clause" || n.type === "parenthesized_expression") t = t.replace(/^\((.*)\)$/, "$1").trim();
    return t.length > 60 ? `${t.slice(0, 57)}...` : t;
  }

  get blockThreads(): number | undefined {
    return this.options.blockThreads;
  }

  get program(): CudaProgram {
    return this.prog;
  }
}

/** The statements of one function, walked in order with why the threads there may not be all the block's. */
class FunctionWalk {
  /** Counters of the enclosing `for` loops that are uniform there (Uniformity.loopUniformNames). */
  private assumed: ReadonlySet<string> = new Set();

  constructor(private readonly c: SyncChecker, private readonly u: Uniformity, private readonly depth: number) {}

  private get text(): string {
    return this.c.program.text;
  }

  /** Walks a statement; returns how it may leave early for only some threads (a varying exit). */
  statement(n: CNode, cause: Cause | null): Exit | null {
    if (!this.c.spend()) return null;
    switch (n.type) {
      case "compound_statement":
      case "translation_unit": {
        let cur = cause;
        let first: Exit | null = null;
        for (const k of kids(n)) {
          const e = this.statement(k, cur);
          if (!e) continue;
          first ??= e;
          cur ??= { kind: e.kind, cond: e.cause.cond, via: e.cause.via };
        }
        return first;
      }
      case "if_statement": {
        const cond = field(n, "condition");
        if (cond) this.expression(cond, cause);
        const inner = cond && this.u.varyingAssuming(cond, this.assumed) ? { kind: "if" as const, cond } : cause;
        let exit: Exit | null = null;
        for (const k of kids(n)) {
          if (k === cond || !k.named) continue;
          const body = k.type === "else_clause" ? namedKids(k)[0] : k;
          if (!body) continue;
          const e = this.statement(body, inner);
          exit ??= e;
        }
        return exit;
      }
      case "return_statement": {
        for (const k of namedKids(n)) this.expression(k, cause);
        return cause ? { kind: "return", cause } : null;
      }
      case "break_statement":
        return cause ? { kind: "break", cause } : null;
      case "continue_statement":
        return cause ? { kind: "continue", cause } : null;
      case "for_statement":
      case "while_statement":
      case "do_statement":
      case "for_range_loop":
        return this.loop(n, cause);
      case "switch_statement": {
        const cond = field(n, "condition");
        if (cond) this.expression(cond, cause);
        const inner = cond && this.u.varyingAssuming(cond, this.assumed) ? { kind: "switch" as const, cond } : cause;
        const body = field(n, "body");
        const e = body ? this.statement(body, inner) : null;
        // A break leaves the switch only.
        return e && e.kind !== "break" ? e : null;
      }
      case "case_statement": {
        let cur = cause;
        let first: Exit | null = null;
        for (const k of kids(n)) {
          if (k.field === "value" || !k.named) continue;
          const e = this.statement(k, cur);
          if (!e) continue;
          first ??= e;
          cur ??= { kind: e.kind, cond: e.cause.cond, via: e.cause.via };
        }
        return first;
      }
      case "labeled_statement": {
        const body = namedKids(n).find((k) => k.type !== "statement_identifier");
        return body ? this.statement(body, cause) : null;
      }
      case "function_definition":
      case "lambda_expression":
      case "comment":
        return null;
      default:
        this.expression(n, cause);
        return null;
    }
  }

  private loop(n: CNode, cause: Cause | null): Exit | null {
    const init = field(n, "initializer");
    if (init) this.expression(init, cause);
    const counters = this.u.loopUniformNames(n, this.assumed);
    const saved = this.assumed;
    if (counters.size > 0) this.assumed = new Set([...saved, ...counters]);
    try {
      return this.loopBody(n, cause);
    } finally {
      this.assumed = saved;
    }
  }

  private loopBody(n: CNode, cause: Cause | null): Exit | null {
    const cond = field(n, "condition");
    const init = field(n, "initializer");
    const body = field(n, "body");
    let inner: Cause | null = cause;
    if (cond && this.u.varyingAssuming(cond, this.assumed)) inner = { kind: "loop", cond };
    else if (!cause && body) {
      // A break or return only some threads take ends the loop for them: every later iteration, from its top, runs
      // without them. Found by a dry walk of the body (no findings recorded).
      const exit = this.c.dryRun(() => this.statement(body, null));
      if (exit && exit.kind !== "continue") inner = { kind: "loop-exit", cond: exit.cause.cond };
    }
    if (cond) this.expression(cond, inner);
    let exit: Exit | null = null;
    for (const k of kids(n)) {
      if (k === cond || k === init || !k.named) continue;
      if (k === body) {
        const e = this.statement(k, inner);
        if (e && e.kind === "return") exit = e;
      } else this.expression(k, inner);
    }
    return exit;
  }

  /** Walks an expression in evaluation order: calls, and conditions that split the threads (`?:`, `&&`, `||`). */
  private expression(n: CNode, cause: Cause | null): void {
    if (!this.c.spend()) return;
    switch (n.type) {
      case "lambda_expression":
      case "compound_statement":
        if (n.type === "compound_statement") this.statement(n, cause);
        return;
      case "conditional_expression": {
        const cond = field(n, "condition");
        if (cond) this.expression(cond, cause);
        const inner = cond && this.u.varyingAssuming(cond, this.assumed) ? { kind: "ternary" as const, cond } : cause;
        for (const k of namedKids(n)) if (k !== cond) this.expression(k, inner);
        return;
      }
      case "binary_expression": {
        const op = kids(n).find((k) => k.field === "operator");
        const opText = op ? this.text.slice(op.start, op.end) : "";
        const left = field(n, "left");
        const right = field(n, "right");
        if (left) this.expression(left, cause);
        const inner = (opText === "&&" || opText === "||") && left && this.u.varyingAssuming(left, this.assumed) ? { kind: "short-circuit" as const, cond: left } : cause;
        if (right) this.expression(right, inner);
        return;
      }
      case "call_expression": {
        for (const k of kids(n)) this.expression(k, cause);
        this.call(n, cause);
        return;
      }
      default:
        for (const k of kids(n)) if (k.named) this.expression(k, cause);
    }
  }

  private call(n: CNode, cause: Cause | null): void {
    const fnNode = field(n, "function");
    const name = calleeName(fnNode, this.text);
    if (!name) return;
    const args = namedKids(field(n, "arguments") ?? n).filter((a) => a.type !== "comment");
    if (this.isBarrier(fnNode!, name, args)) {
      if (cause) this.barrierFinding(n, cause);
      return;
    }
    if (fnNode!.type !== "field_expression") {
      if (LEGACY.has(name) && !this.userDefines(name)) return this.legacy(n, name);
      if (MASKED.test(name) && !this.userDefines(name)) return this.mask(name, args, cause);
    }
    if (this.c.isDry || fnNode!.type === "field_expression") return;
    const callee = userFunction(this.c.program, name, args.length);
    if (!callee) return;
    const params = parameterNodes(callee).map((p) => {
      const id = declaredName(field(p, "declarator"), this.text);
      return id ? this.text.slice(id.start, id.end) : "";
    });
    const varyingParams = new Set(params.filter((p, i) => p && args[i] && this.u.varyingAssuming(args[i], this.assumed)));
    this.c.walkFunction(callee, varyingParams, cause, this.depth + 1, `${name} (called at line ${this.c.line(n)})`);
  }

  private userDefines(name: string): boolean {
    return this.c.program.functions.has(name) || this.c.program.macros.has(name);
  }

  /** A block-wide barrier: `__syncthreads*`, `__barrier_sync`, or `sync` of a cooperative-groups block or grid. */
  private isBarrier(fnNode: CNode, name: string, args: readonly CNode[]): boolean {
    if (fnNode.type !== "field_expression") {
      if (BARRIERS.has(name)) return !this.userDefines(name);
      // A function-like macro that is a barrier (`#define SYNC() __syncthreads()`).
      const macro = this.c.program.macros.get(name);
      if (macro) return /^\s*(\(\s*)?(__syncthreads(_count|_and|_or)?|__barrier_sync)\s*\(/.test(macro.body);
      // cg::sync(block)
      return name === "sync" && args.length === 1 && this.isBlockGroup(args[0]!);
    }
    return name === "sync" && args.length === 0 && this.isBlockGroup(field(fnNode, "argument"));
  }

  private isBlockGroup(n: CNode | undefined): boolean {
    if (!n) return false;
    if (n.type === "identifier") return this.u.blockGroups.has(this.u.keyOf(n));
    if (n.type === "call_expression") {
      const name = calleeName(field(n, "function"), this.text);
      return name === "this_thread_block" || name === "this_grid";
    }
    return false;
  }

  private barrierFinding(n: CNode, cause: Cause): void {
    const call = this.text.slice(n.start, n.end).replace(/\s+/g, " ");
    const shown = call.length > 40 ? `${call.slice(0, 37)}...` : call;
    const cond = `\`${this.c.condText(cause.cond)}\` (line ${this.c.line(cause.cond)})`;
    const why =
      cause.kind === "return" ? `after the early return under ${cond}, which depends on the thread: the threads that returned never arrive here`
      : cause.kind === "break" || cause.kind === "continue" ? `after the ${cause.kind} under ${cond}, which depends on the thread: the threads that took it skip this barrier`
      : cause.kind === "loop" ? `inside a loop whose condition ${cond} depends on the thread: threads run different numbers of iterations, so they do not all arrive at each barrier`
      : cause.kind === "loop-exit" ? `inside a loop that some threads leave early (under ${cond}, which depends on the thread): the later iterations run without them`
      : `under the condition ${cond}, which depends on the thread: only some threads of the block arrive here`;
    const through = cause.via ? ` (reached through ${cause.via})` : "";
    this.c.add({
      code: "barrier-divergence",
      severity: "warning",
      span: { start: n.start, end: n.end },
      message:
        `\`${shown}\` is a barrier not every thread of the block reaches: it sits ${why}${through}. A block barrier that some threads skip is undefined behaviour (a hang or silently wrong shared memory). ` +
        (cause.kind === "return" ? "Instead of returning early, guard the work (`if (i < n) { ... }`) and keep every thread on the way to the barrier." : "Move the barrier out of the condition so every thread executes it (compute the condition into a flag and branch around the work only)."),
      related: { message: `the threads divide here: \`${this.c.condText(cause.cond)}\` depends on the thread`, span: { start: cause.cond.start, end: cause.cond.end } },
    });
  }

  private legacy(n: CNode, name: string): void {
    this.c.add({
      code: "warp-legacy-intrinsic",
      severity: "warning",
      span: { start: n.start, end: n.end },
      message: `\`${name}\` is the maskless warp intrinsic CUDA 9 deprecated: nvcc no longer provides it for compute capability 7.0 and newer (every architecture current nvcc targets), where lanes of a warp need not run in lockstep. Use \`${name}_sync\` with the mask of the lanes that take part (\`0xffffffff\` when the whole warp does).`,
    });
  }

  private mask(name: string, args: readonly CNode[], cause: Cause | null): void {
    const mask = args[0];
    if (!mask) return;
    // Counting the active lanes (`__reduce_add_sync(__activemask(), 1)`, warp-aggregated atomics) is consistent.
    const counts = name.startsWith("__reduce_") && args[1]?.type === "number_literal";
    if (REDUCING.test(name) && !counts && this.isActiveMask(mask)) {
      this.c.add({
        code: "warp-activemask-reduction",
        severity: "warning",
        span: { start: mask.start, end: mask.end },
        message: `the mask of this \`${name}\` comes from \`__activemask()\`, which gives the lanes that happen to be converged at that instant, not the lanes meant to take part: a lane that arrives later is left out and its value is lost from the reduction. Use \`0xffffffff\` where every lane of the warp gets here, or \`__ballot_sync(0xffffffff, predicate)\` computed before the branch.`,
      });
      return;
    }
    if (cause) return;
    const value = this.constant(mask, 0);
    if (value === undefined || value === FULL) return;
    const threads = this.c.blockThreads;
    // A block narrower than a warp: the mask need cover only its lanes.
    if (threads !== undefined && threads < 32 && (value & lanes(threads)) >>> 0 === lanes(threads)) return;
    const hex = `0x${value.toString(16).padStart(8, "0")}`;
    const outside = 32 - popcount(value);
    this.c.add({
      code: "warp-mask-partial",
      severity: "warning",
      span: { start: mask.start, end: mask.end },
      message: `\`${name}\` names ${popcount(value)} lane${popcount(value) === 1 ? "" : "s"} (mask ${hex}), but every thread of the block reaches this call: the ${outside} lane${outside === 1 ? "" : "s"} outside the mask call it too, which is undefined behaviour. Use the full mask \`0xffffffff\`, or call it only under a condition that leaves exactly the mask's lanes (\`if (lane < 16)\` for \`0xffff\`).`,
    });
  }

  private isActiveMask(n: CNode): boolean {
    if (n.type === "call_expression") return calleeName(field(n, "function"), this.text) === "__activemask";
    if (n.type === "identifier") {
      const def = this.u.singleDefinitions.get(this.u.keyOf(n));
      return !!def && def.type === "call_expression" && calleeName(field(def, "function"), this.text) === "__activemask";
    }
    return false;
  }

  /** The value of a constant integer expression, as 32 unsigned bits; undefined when it is not one. */
  private constant(n: CNode, depth: number): number | undefined {
    if (depth > 16) return undefined;
    const text = this.text;
    const u32 = (x: number | undefined): number | undefined => (x === undefined || !Number.isSafeInteger(x) ? undefined : Number(BigInt.asUintN(32, BigInt(x))));
    switch (n.type) {
      case "number_literal": {
        const t = text.slice(n.start, n.end).replace(/[uUlL]+$/, "").replace(/'/g, "");
        if (!/^(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)$/.test(t)) return undefined;
        const v = /^0[bB]/.test(t) ? parseInt(t.slice(2), 2) : /^0\d/.test(t) ? parseInt(t, 8) : Number(t);
        return Number.isSafeInteger(v) ? v : BigInt.asUintN(32, BigInt(t)) === BigInt(FULL) ? FULL : undefined;
      }
      case "parenthesized_expression": {
        const inner = namedKids(n)[0];
        return inner ? this.constant(inner, depth + 1) : undefined;
      }
      case "cast_expression": {
        const v = field(n, "value");
        return v ? this.constant(v, depth + 1) : undefined;
      }
      case "unary_expression": {
        const op = kids(n).find((k) => k.field === "operator");
        const a = field(n, "argument");
        const v = a ? this.constant(a, depth + 1) : undefined;
        if (v === undefined || !op) return undefined;
        const o = text.slice(op.start, op.end);
        return o === "~" ? u32(~v >>> 0) : o === "-" ? u32(-v) : o === "+" ? v : undefined;
      }
      case "binary_expression": {
        const op = kids(n).find((k) => k.field === "operator");
        const l = field(n, "left");
        const r = field(n, "right");
        const a = l ? this.constant(l, depth + 1) : undefined;
        const b = r ? this.constant(r, depth + 1) : undefined;
        if (a === undefined || b === undefined || !op) return undefined;
        switch (text.slice(op.start, op.end)) {
          case "|": return u32((a | b) >>> 0);
          case "&": return u32((a & b) >>> 0);
          case "^": return u32((a ^ b) >>> 0);
          case "<<": return b < 32 ? u32((a << b) >>> 0) : undefined;
          case ">>": return b < 32 ? a >>> b : undefined;
          case "+": return u32(a + b);
          case "-": return u32(a - b);
          case "*": return u32(a * b);
          default: return undefined;
        }
      }
      case "call_expression": {
        // static_cast<unsigned>(0xffff)
        const name = calleeName(field(n, "function"), text);
        const args = namedKids(field(n, "arguments") ?? n);
        return name === "static_cast" && args.length === 1 ? this.constant(args[0]!, depth + 1) : undefined;
      }
      case "identifier": {
        const name = text.slice(n.start, n.end);
        const key = this.u.keyOf(n);
        const local = this.u.singleDefinitions.get(key);
        if (local) return this.constant(local, depth + 1);
        // A local (or parameter) that is not one constant definition: unknown; never the global it may shadow.
        if (key !== name || this.u.varyingNames.has(key) || this.u.isParameter(name)) return undefined;
        const g = this.c.program.globals.get(name);
        const init = g && g.declarator.type === "init_declarator" ? field(g.declarator, "value") : undefined;
        return init ? this.constant(init, depth + 1) : undefined;
      }
      default:
        return u32(undefined);
    }
  }
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v >>>= 1) n += v & 1;
  return n;
}

/** The mask of lanes 0..threads-1. */
function lanes(threads: number): number {
  return threads >= 32 ? FULL : ((1 << threads) - 1) >>> 0;
}
