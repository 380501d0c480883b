// Reads a Python file's Triton kernels and the configurations host code launches them with, from its syntax tree
// (tree-sitter-python, copied with cuda/syntax.ts's copyTree): the `@triton.jit` functions with their parameters,
// `@triton.autotune` configs and `@triton.heuristics`, and every launch `kernel[grid](...)` host code reaches, with the
// values of its arguments as a small evaluator (pyEval.ts) works them out.
//
// Which host code runs: module-level statements in order (the `__main__` block included); host functions when called,
// with their arguments; then, once each with unknown parameters, functions and autograd Functions that may launch a
// kernel but that nothing evaluated called. Benchmarks (`@triton.testing.perf_report`) never run. Everything shares one
// step budget, and the compilation target is CUDA. Never throws: what cannot be read becomes a note.
import type { Span } from "../span";
import { field, kids, namedKids, type CNode } from "../cuda/syntax";
import type { HostValue, TritonConfigSpec, TritonFunction, TritonLaunch, TritonParam, TritonProgram } from "./program";
import { PyBudgetExceeded, PyEval, type PyEvalHost } from "./pyEval";
import { PyScope, describe, fromHost, intOf, toHost, unknown, type PyValue } from "./pyEvalValues";

/** Steps (statements and expressions) host code may take in all; a tutorial takes a few thousand. */
const STEP_BUDGET = 200_000;
/** Steps a grid lambda or a heuristic may take each time the caller asks it. */
const CALL_BUDGET = 20_000;
const MAX_NOTES = 100;
const MAX_LAUNCHES = 500;
/** Launch keywords that are options, not kernel arguments. */
const LAUNCH_OPTIONS = new Set(["num_warps", "num_stages", "num_ctas", "maxnreg", "stream", "warmup", "device", "enable_fp_fusion", "launch_cooperative_grid", "launch_pdl"]);

type Kernel = PyValue & { k: "kernel" };
type Func = PyValue & { k: "func" };

export function readTritonProgram(root: CNode, text: string): TritonProgram {
  const reader = new HostReader(root, text);
  try {
    reader.run();
  } catch (err) {
    reader.addNote(`the host code could not be read: ${(err as Error).message}`, { start: 0, end: 0 });
  }
  return reader.result();
}

class HostReader implements PyEvalHost {
  private readonly functions = new Map<string, TritonFunction>();
  private readonly launches: TritonLaunch[] = [];
  private readonly launchKeys = new Set<string>();
  /** Launch sites reached, by offset. */
  private readonly reached = new Set<number>();
  /** Sites whose launches are not recorded again (the last pass over uncalled functions). */
  private skipSites: ReadonlySet<number> | undefined;
  private readonly notes: { message: string; span: Span }[] = [];
  private readonly noteKeys = new Set<string>();
  private readonly module = new PyScope(undefined);
  private readonly ev: PyEval;
  private importsTriton = false;
  /** Top-level `def`s and classes, and each class's methods. */
  private readonly topFunctions: { name: string; def: CNode; whole: CNode }[] = [];
  private readonly topClasses: { name: string; node: CNode }[] = [];

  constructor(private readonly root: CNode, private readonly text: string) {
    this.scanTopLevel();
    this.ev = new PyEval(text, this, STEP_BUDGET, this.launchingNames());
    this.module.vars.set("__name__", { k: "str", v: "__main__" });
  }

  private src(n: CNode): string {
    return this.text.slice(n.start, n.end);
  }

  addNote(message: string, span: Span): void {
    const key = `${span.start}:${span.end}:${message}`;
    if (this.noteKeys.has(key) || this.notes.length >= MAX_NOTES) return;
    this.noteKeys.add(key);
    this.notes.push({ message, span: { start: span.start, end: span.end } });
  }

  note(message: string, span: Span): void {
    this.addNote(message, span);
  }

  /** Imports (anywhere at top level or in a `try`/`if` there), top-level functions and classes. */
  private scanTopLevel(): void {
    const visit = (stmts: readonly CNode[], depth: number): void => {
      for (const s of stmts) {
        if (s.type === "import_statement" || s.type === "import_from_statement") {
          // `import triton`, `import torch, triton.language as tl`, `from triton import ...`
          const modules = s.type === "import_from_statement" ? [field(s, "module_name")] : namedKids(s).map((k) => (k.type === "aliased_import" ? field(k, "name") : k));
          if (modules.some((m) => m && /^triton(?:\.|$)/.test(this.src(m).replace(/\s+/g, "")))) this.importsTriton = true;
        } else if (s.type === "function_definition" || s.type === "decorated_definition") {
          const def = s.type === "decorated_definition" ? field(s, "definition") : s;
          if (def?.type === "function_definition") this.topFunctions.push({ name: this.src(field(def, "name") ?? def), def, whole: s });
          else if (def?.type === "class_definition") this.topClasses.push({ name: this.src(field(def, "name") ?? def), node: def });
        } else if (s.type === "class_definition") this.topClasses.push({ name: this.src(field(s, "name") ?? s), node: s });
        else if (depth < 3 && (s.type === "if_statement" || s.type === "try_statement" || s.type === "with_statement")) {
          for (const k of kids(s)) {
            if (k.type === "block") visit(kids(k), depth + 1);
            else for (const b of kids(k)) if (b.type === "block") visit(kids(b), depth + 1);
          }
        }
      }
    };
    visit(kids(this.root), 0);
  }

  /**
   * Top-level functions and classes that may launch a kernel: their bodies hold `X[grid](...)`, or call one that does.
   * Syntactic, so a false positive only costs an evaluation.
   */
  private launchingNames(): Set<string> {
    const calls = new Map<string, Set<string>>();
    const direct = new Set<string>();
    const scan = (name: string, body: CNode): void => {
      const called = calls.get(name) ?? new Set<string>();
      calls.set(name, called);
      const stack: CNode[] = [body];
      while (stack.length) {
        const c = stack.pop()!;
        if (c.type === "call") {
          const f = field(c, "function");
          if (f?.type === "subscript") direct.add(name);
          else if (f?.type === "identifier") called.add(this.src(f));
          else if (f?.type === "attribute") {
            const o = field(f, "object");
            if (o?.type === "identifier") called.add(this.src(o));
          }
        }
        for (const k of kids(c)) stack.push(k);
      }
    };
    for (const f of this.topFunctions) if (!this.isDeviceFunction(f.whole)) scan(f.name, field(f.def, "body") ?? f.def);
    for (const c of this.topClasses) scan(c.name, field(c.node, "body") ?? c.node);
    // Module-level aliases: `attention = _attention.apply`, `op = my_function`.
    for (const s of kids(this.root)) {
      const a = s.type === "expression_statement" ? namedKids(s)[0] : undefined;
      const left = a?.type === "assignment" ? field(a, "left") : undefined, right = a ? field(a, "right") : undefined;
      if (left?.type !== "identifier" || !right) continue;
      const target = right.type === "attribute" ? field(right, "object") : right;
      if (target?.type === "identifier") calls.set(this.src(left), new Set([this.src(target)]));
    }
    const launching = new Set(direct);
    for (let changed = true; changed;) {
      changed = false;
      for (const [name, called] of calls) {
        if (launching.has(name)) continue;
        for (const c of called) {
          if (launching.has(c)) {
            launching.add(name);
            changed = true;
            break;
          }
        }
      }
    }
    return launching;
  }

  /** A decorated definition whose decorators name `jit` (syntactically: used before evaluation). */
  private isDeviceFunction(whole: CNode): boolean {
    if (whole.type !== "decorated_definition") return false;
    return kids(whole).some((d) => d.type === "decorator" && /(?:^|\.)jit$/.test(this.decoratorName(d)));
  }

  private decoratorName(d: CNode): string {
    const e = namedKids(d)[0];
    if (!e) return "";
    const f = e.type === "call" ? field(e, "function") : e;
    return f ? this.src(f).replace(/\s+/g, "") : "";
  }

  run(): void {
    let stopped = false;
    for (const s of kids(this.root)) {
      if (!s.named) continue;
      try {
        this.ev.exec(s, this.module);
      } catch (err) {
        if (!(err instanceof PyBudgetExceeded)) {
          // A statement the evaluator fails on (nesting deeper than the stack allows) costs that statement only.
          this.addNote(`this statement could not be evaluated: ${(err as Error).message}`, s);
          continue;
        }
        stopped = true;
        this.addNote("host code was evaluated only up to here: the evaluation budget ran out", this.currentSpan());
        break;
      }
    }
    // Kernels the evaluation did not reach (the budget ran out, or a branch not taken) are still kernels.
    for (const f of this.topFunctions) {
      if (this.functions.has(f.name) || f.whole.type !== "decorated_definition" || !this.isDeviceFunction(f.whole)) continue;
      // Each gets a small budget of its own (for its decorators' configs), even where the host code used it all up.
      this.ev.steps = 0;
      this.ev.maxSteps = CALL_BUDGET;
      try {
        const v = this.defineDecorated(kids(f.whole).filter((k) => k.type === "decorator"), f.def, f.whole, this.module);
        if (v && !this.module.vars.has(f.name)) this.module.vars.set(f.name, v);
      } catch (err) {
        if (!(err instanceof PyBudgetExceeded)) throw err;
      }
    }
    if (!stopped) this.evaluateUncalled();
  }

  private currentSpan(): Span {
    const s = this.ev.lastStatement;
    return s ? { start: s.start, end: s.end } : { start: 0, end: 0 };
  }

  /** Functions and autograd Functions that may launch a kernel and that no evaluated code called: once each. */
  private evaluateUncalled(): void {
    const launching = this.ev.launchingNames;
    // Methods get their class's ctx (an autograd Function's forward and backward share it; a module's self).
    const candidates: { func: Func; ctx?: CNode; whole?: CNode }[] = [];
    for (const f of this.topFunctions) {
      if (!launching.has(f.name)) continue;
      const v = this.module.vars.get(f.name);
      const func: Func = v?.k === "func" && v.node === f.def ? v : { k: "func", name: f.name, node: f.def, scope: this.module, lambda: false, benchmark: this.isBenchmark(f.whole) };
      if (func.benchmark) continue;
      candidates.push({ func, whole: f.whole });
    }
    for (const c of this.topClasses) {
      if (!launching.has(c.name)) continue;
      for (const m of kids(field(c.node, "body") ?? c.node)) {
        const def = m.type === "decorated_definition" ? field(m, "definition") : m;
        if (def?.type !== "function_definition") continue;
        if (this.ev.launchesIn(field(def, "body") ?? def)) candidates.push({ func: { k: "func", name: `${c.name}.${this.src(field(def, "name") ?? def)}`, node: def, scope: this.module, lambda: false }, ctx: c.node });
      }
    }
    // Callers first: a function that calls another candidate gives it real arguments.
    const calledByCandidate = new Set<string>();
    for (const c of candidates) {
      const stack: CNode[] = [c.func.node];
      while (stack.length) {
        const n = stack.pop()!;
        if (n.type === "call") {
          const f = field(n, "function");
          if (f?.type === "identifier") calledByCandidate.add(this.src(f));
        }
        stack.push(...kids(n));
      }
    }
    const ordered = [...candidates.filter((c) => !calledByCandidate.has(c.func.name)), ...candidates.filter((c) => calledByCandidate.has(c.func.name))];
    const evaluate = (c: { func: Func; ctx?: CNode; whole?: CNode }, ignoreDefaults: boolean): boolean => {
      const pos: PyValue[] = c.ctx ? [this.ev.ctxFor(c.ctx)] : [];
      try {
        this.ev.callFunction(c.func, pos, c.whole && !ignoreDefaults ? this.parametrized(c.whole) : new Map(), ignoreDefaults);
        return true;
      } catch (err) {
        if (!(err instanceof PyBudgetExceeded)) throw err;
        this.addNote(`${c.func.name} was evaluated only in part: the evaluation budget ran out`, c.func.node);
        return false;
      }
    };
    for (const c of ordered) if (!this.ev.evaluated.has(c.func.node) && !evaluate(c, false)) return;
    // Launch sites no evaluation reached (behind a parameter's default, or a mode the callers never pass): their
    // function once more with every parameter unknown, so that both sides of such conditions are followed.
    // Only the sites not reached before count then: the others already have launches with better-known arguments.
    const before = new Set(this.reached);
    this.skipSites = before;
    for (const c of candidates) {
      if (this.launchSites(c.func.node).some((s) => !this.reached.has(s)) && !evaluate(c, true)) break;
    }
    this.skipSites = undefined;
  }

  /** A pytest test's arguments from its `@pytest.mark.parametrize(names, values)` decorators: the first values of each. */
  private parametrized(whole: CNode): Map<string, PyValue> {
    const kw = new Map<string, PyValue>();
    if (whole.type !== "decorated_definition") return kw;
    for (const d of kids(whole)) {
      if (d.type !== "decorator" || !/(?:^|\.)parametrize$/.test(this.decoratorName(d))) continue;
      const call = namedKids(d)[0];
      const { pos } = call?.type === "call" ? this.callArgs(call) : { pos: [] };
      if (pos.length < 2) continue;
      const names = this.evalSafely(pos[0], this.module), values = this.evalSafely(pos[1], this.module);
      const list = names.k === "str" ? names.v.split(",").map((x) => x.trim()).filter((x) => x) : names.k === "list" || names.k === "tuple" ? names.items.map((x) => (x.k === "str" ? x.v : "")) : [];
      const first = values.k === "list" || values.k === "tuple" ? values.items[0] : undefined;
      if (!first || list.length === 0) continue;
      if (list.length === 1) kw.set(list[0], first);
      else if (first.k === "tuple" || first.k === "list") {
        for (let i = 0; i < list.length && i < first.items.length; i++) if (list[i]) kw.set(list[i], first.items[i]);
      }
    }
    return kw;
  }

  /** Where a body launches a kernel of this file (`kernel[grid](...)`), by offset. */
  private launchSites(def: CNode): number[] {
    const out: number[] = [];
    const stack: CNode[] = [def];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === "call") {
        const f = field(n, "function");
        const v = f?.type === "subscript" ? field(f, "value") : undefined;
        if (v?.type === "identifier" && this.functions.has(this.src(v))) out.push(n.start);
      }
      stack.push(...kids(n));
    }
    return out;
  }

  private isBenchmark(whole: CNode): boolean {
    return whole.type === "decorated_definition" && kids(whole).some((d) => d.type === "decorator" && /perf_report$/.test(this.decoratorName(d)));
  }

  // ---- Definitions -----------------------------------------------------------------------------------------------

  defineDecorated(decorators: readonly CNode[], def: CNode, whole: CNode, scope: PyScope): PyValue | undefined {
    const kinds = decorators.map((d) => {
      const e = namedKids(d)[0];
      const f = e ? (e.type === "call" ? field(e, "function") : e) : undefined;
      let path = "";
      if (f) {
        // The name as imported; as written only where it is not defined at all (a snippet without its imports). A
        // decorator of the file's own that happens to be called `jit` is not Triton's.
        const v = this.ev.eval(f, scope);
        path = v.k === "path" ? v.path : v.k === "unknown" ? this.src(f).replace(/\s+/g, "") : `(${v.k})`;
      }
      const last = path.slice(path.lastIndexOf(".") + 1);
      return { node: e, call: e?.type === "call" ? e : undefined, last, path };
    });
    const name = this.src(field(def, "name") ?? def);
    if (kinds.some((k) => k.last === "perf_report")) return { k: "func", name, node: def, scope, lambda: false, benchmark: true };
    // triton.jit, also through a module that re-exports triton (vLLM's `from vllm.triton_utils import tl, triton`).
    if (!kinds.some((k) => k.last === "jit" && (k.path.startsWith("triton") || /(?:^|\.)triton\.jit$/.test(k.path) || k.path === "jit"))) return undefined;
    const fn: { -readonly [K in keyof TritonFunction]: TritonFunction[K] } = {
      name,
      nameSpan: field(def, "name") ?? def,
      span: { start: whole.start, end: whole.end },
      node: def,
      params: this.paramsOf(def),
    };
    for (const k of kinds) {
      if (!k.call) continue;
      if (k.last === "autotune") fn.autotune = this.readAutotune(k.call, scope);
      else if (k.last === "heuristics") fn.heuristics = this.readHeuristics(k.call, scope);
    }
    this.functions.set(name, fn);
    return { k: "kernel", name };
  }

  private paramsOf(def: CNode): TritonParam[] {
    const out: TritonParam[] = [];
    const params = field(def, "parameters");
    for (const p of params ? namedKids(params) : []) {
      let name: CNode | undefined, type: CNode | undefined, dflt: CNode | undefined;
      if (p.type === "identifier") name = p;
      else if (p.type === "typed_parameter") {
        name = namedKids(p).find((k) => k.type === "identifier");
        type = field(p, "type");
      } else if (p.type === "default_parameter" || p.type === "typed_default_parameter") {
        name = field(p, "name");
        type = field(p, "type");
        dflt = field(p, "value");
      }
      if (!name) continue;
      const annotation = type ? this.src(type).replace(/\s+/g, "") : undefined;
      out.push({
        name: this.src(name),
        span: { start: p.start, end: p.end },
        constexpr: annotation !== undefined && /(?:^|\.)constexpr$/.test(annotation.replace(/^["']|["']$/g, "")),
        ...(annotation !== undefined ? { annotation } : {}),
        ...(dflt ? { defaultValue: dflt } : {}),
      });
    }
    return out;
  }

  /** The arguments of a decorator call: positional values and keyword nodes, evaluated. */
  private callArgs(call: CNode): { pos: CNode[]; kw: Map<string, CNode> } {
    const pos: CNode[] = [], kw = new Map<string, CNode>();
    const args = field(call, "arguments");
    for (const a of args ? namedKids(args) : []) {
      if (a.type === "keyword_argument") {
        const k = field(a, "name"), v = field(a, "value");
        if (k && v) kw.set(this.src(k), v);
      } else pos.push(a);
    }
    return { pos, kw };
  }

  private readAutotune(call: CNode, scope: PyScope): NonNullable<TritonFunction["autotune"]> {
    const { pos, kw } = this.callArgs(call);
    const configsNode = kw.get("configs") ?? pos[0];
    const keyNode = kw.get("key") ?? pos[1];
    const key: string[] = [];
    if (keyNode) {
      const kv = this.evalSafely(keyNode, scope);
      if (kv.k === "list" || kv.k === "tuple") for (const x of kv.items) if (x.k === "str") key.push(x.v);
    }
    const span: Span = configsNode ? { start: configsNode.start, end: configsNode.end } : { start: call.start, end: call.end };
    if (!configsNode) return this.unreadable([], key, span, "triton.autotune has no configs argument");
    const v = this.evalSafely(configsNode, scope);
    if (v.k !== "list" && v.k !== "tuple") return this.unreadable([], key, span, `the configs could not be evaluated: ${v.k === "unknown" ? v.reason : describe(v)}`);
    const configs: TritonConfigSpec[] = [];
    for (let i = 0; i < v.items.length; i++) {
      const item = v.items[i];
      if (item.k !== "config") return this.unreadable(configs, key, span, `config ${i + 1} is not a triton.Config: ${item.k === "unknown" ? item.reason : describe(item)}`);
      const constexprs = new Map<string, number | boolean | string>();
      for (const [name, x] of item.config.constexprs) {
        if (x.k === "int" || x.k === "float" || x.k === "bool" || x.k === "str") constexprs.set(name, x.v);
        else return this.unreadable(configs, key, span, `config ${i + 1}'s ${name} could not be evaluated: ${x.k === "unknown" ? x.reason : describe(x)}`);
      }
      const nw = item.config.numWarps ? intOf(item.config.numWarps) : undefined;
      const ns = item.config.numStages ? intOf(item.config.numStages) : undefined;
      configs.push({ constexprs, ...(nw !== undefined ? { numWarps: nw } : {}), ...(ns !== undefined ? { numStages: ns } : {}), span: { start: item.config.span.start, end: item.config.span.end } });
    }
    return { configs, key, span };
  }

  private unreadable(configs: TritonConfigSpec[], key: string[], span: Span, reason: string): NonNullable<TritonFunction["autotune"]> {
    this.addNote(`autotune configs: ${reason}`, span);
    return { configs, key, span, unreadable: reason };
  }

  private readHeuristics(call: CNode, scope: PyScope): NonNullable<TritonFunction["heuristics"]> {
    const { pos, kw } = this.callArgs(call);
    const valuesNode = kw.get("values") ?? pos[0];
    const out: { name: string; compute: (args: ReadonlyMap<string, HostValue>) => HostValue }[] = [];
    if (!valuesNode) return out;
    const v = this.evalSafely(valuesNode, scope);
    if (v.k !== "dict") {
      this.addNote(`triton.heuristics: the values could not be evaluated (${v.k === "unknown" ? v.reason : describe(v)})`, valuesNode);
      return out;
    }
    for (const e of v.entries.values()) {
      if (e.key.k !== "str") continue;
      const fn = e.value;
      const name = e.key.v;
      out.push({
        name,
        compute: (args) => {
          if (fn.k !== "func") return toHost(fn.k === "unknown" ? fn : unknown(`the heuristic for ${name} is not a function`));
          return toHost(this.ev.isolated(CALL_BUDGET, () => this.ev.callFunction(fn, [dictOf(args)], new Map())));
        },
      });
    }
    return out;
  }

  private evalSafely(n: CNode, scope: PyScope): PyValue {
    try {
      return this.ev.eval(n, scope);
    } catch (err) {
      if (err instanceof PyBudgetExceeded) throw err;
      return unknown(`evaluation failed: ${(err as Error).message}`);
    }
  }

  // ---- Launches --------------------------------------------------------------------------------------------------

  launch(kernel: Kernel, grid: PyValue, gridNode: CNode, call: CNode, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>): void {
    if (this.skipSites?.has(call.start)) return;
    this.reached.add(call.start);
    if (this.launches.length >= MAX_LAUNCHES) return;
    const fn = this.functions.get(kernel.name);
    const params = fn?.params ?? [];
    const args = new Map<string, PyValue>();
    pos.forEach((v, i) => args.set(params[i]?.name ?? `#${i}`, v));
    for (const [k, v] of kw) if (!LAUNCH_OPTIONS.has(k)) args.set(k, v);
    const nwv = kw.get("num_warps"), nsv = kw.get("num_stages");
    const numWarps = nwv ? intOf(nwv) : kernel.warmup?.numWarps;
    const numStages = nsv ? intOf(nsv) : kernel.warmup?.numStages;
    if (nwv && numWarps === undefined) this.addNote(`num_warps could not be evaluated (${nwv.k === "unknown" ? nwv.reason : describe(nwv)})`, call);
    const hostArgs = new Map<string, HostValue>();
    for (const [k, v] of args) hostArgs.set(k, toHost(v));
    const key = `${call.start}:${call.end}|${kernel.name}|${[...args].map(([k, v]) => `${k}=${describe(v)}`).join(",")}|${numWarps}|${numStages}`;
    if (this.launchKeys.has(key)) return;
    this.launchKeys.add(key);
    const gridOf = (meta: ReadonlyMap<string, HostValue>): PyValue => {
      if (grid.k !== "func") return grid;
      return this.ev.isolated(CALL_BUDGET, () => {
        const d = dictOf(hostArgs);
        for (const [k, v] of meta) d.entries.set(`s:${k}`, { key: { k: "str", v: k }, value: fromHost(v) });
        return this.ev.callFunction(grid, [d], new Map());
      });
    };
    // A grid that cannot be evaluated even where it does not read the launch's constexprs deserves a note.
    const probe = gridOf(new Map());
    const dims = gridDims(probe);
    const missing = dims.values.findIndex((d, i) => d === undefined && !dims.reasons[i]?.startsWith("no key"));
    if (!dims.known) this.addNote(`the grid ${this.src(gridNode).slice(0, 80)} could not be evaluated (${probe.k === "unknown" ? probe.reason : describe(probe)})`, gridNode);
    else if (missing >= 0) this.addNote(`grid dimension ${missing} of ${this.src(gridNode).slice(0, 80)} could not be evaluated (${dims.reasons[missing]})`, gridNode);
    this.launches.push({
      kernel: kernel.name,
      span: { start: call.start, end: call.end },
      args: hostArgs,
      ...(numWarps !== undefined ? { numWarps } : {}),
      ...(numStages !== undefined ? { numStages } : {}),
      grid: (meta) => {
        const r = gridDims(gridOf(meta));
        return r.known ? r.values : undefined;
      },
      gridText: this.src(gridNode),
    });
  }

  result(): TritonProgram {
    const globals = new Map<string, HostValue>();
    for (const [name, v] of this.module.vars) {
      if (v.k === "int" || v.k === "float" || v.k === "bool") globals.set(name, v);
    }
    return { importsTriton: this.importsTriton, functions: this.functions, launches: this.launches, globals, notes: this.notes };
  }
}

function dictOf(args: ReadonlyMap<string, HostValue>): PyValue & { k: "dict" } {
  const entries = new Map<string, { key: PyValue; value: PyValue }>();
  for (const [k, v] of args) entries.set(`s:${k}`, { key: { k: "str", v: k }, value: fromHost(v) });
  return { k: "dict", entries };
}

/** Up to three program counts from a grid value (a tuple, a list or one number). */
function gridDims(v: PyValue): { known: boolean; values: (number | undefined)[]; reasons: (string | undefined)[] } {
  const items = v.k === "tuple" || v.k === "list" ? v.items : v.k === "int" ? [v] : undefined;
  if (!items || items.length === 0 || items.length > 3) return { known: false, values: [], reasons: [] };
  const values = items.map((x) => {
    const n = intOf(x);
    return n !== undefined && n >= 0 ? n : undefined;
  });
  const reasons = items.map((x) => (x.k === "unknown" ? x.reason : intOf(x) === undefined ? `${describe(x)} is not a whole number` : undefined));
  return { known: true, values, reasons };
}

