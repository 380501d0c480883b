// A small, bounded evaluator of Python host code, for what a Triton launch is given: it executes statements in order
// on concrete values (numbers, strings, tuples, torch tensors as shape/strides/dtype) and leaves anything else
// `unknown` with a reason. Device code (`@triton.jit` bodies) is never executed; launches `kernel[grid](...)` are
// handed to the caller (host.ts), which also decides what a decorated definition is.
//
// Every statement and expression costs a step; past the budget evaluation stops (PyBudgetExceeded, caught by the
// caller). Loops that launch nothing are run while short, else what they assign becomes unknown; loops that launch
// are run once, their first iteration. Unknown `if` conditions take the first branch that does not raise.
import type { Span } from "../span";
import { field, kids, namedKids, type CNode } from "../cuda/syntax";
import {
  NONE, PyScope, describe, dictKey, equals, int, intOf, isNum, itemsOf, num, rangeLength, truthy, unknown, type PyConfig, type PyValue,
} from "./pyEvalValues";
import { tensorAttr, tensorMethod, torchCall, torchDtype } from "./pyEvalTorch";

export class PyBudgetExceeded extends Error {}

type Flow = undefined | "break" | "continue" | { readonly ret: PyValue } | { readonly raise: Span };
type Kernel = PyValue & { k: "kernel" };

export interface PyEvalHost {
  /**
   * A decorated `def` about to be bound in `scope`: the value to bind (a kernel, a benchmark), or undefined for a
   * plain host function.
   */
  defineDecorated(decorators: readonly CNode[], def: CNode, whole: CNode, scope: PyScope): PyValue | undefined;
  /** `kernel[grid](pos..., kw=...)` was reached. */
  launch(kernel: Kernel, grid: PyValue, gridNode: CNode, call: CNode, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>): void;
  note(message: string, span: Span): void;
}

const MAX_LOOP = 1024;
const MAX_DEPTH = 24;
const MAX_ITEMS = 4096;
const BUILTINS = new Set([
  "len", "min", "max", "abs", "int", "float", "bool", "str", "range", "list", "tuple", "dict", "print", "sum", "round", "filter", "map",
  "enumerate", "zip", "isinstance", "getattr", "hasattr", "sorted", "any", "all", "divmod", "pow", "type", "set", "reversed", "super",
]);

/** What host code calls on an autograd Function's ctx. */
const CTX_METHODS = new Set(["save_for_backward", "mark_non_differentiable", "set_materialize_grads", "mark_dirty"]);

const TRITON_TARGET_NOTE = "the compilation target is assumed to be CUDA (triton.runtime.driver.active.get_current_target().backend == \"cuda\")";

export class PyEval {
  steps = 0;
  maxSteps: number;
  private depth = 0;
  /** The statement being executed (where a budget note points). */
  lastStatement: CNode | undefined;
  /** Function definitions (nodes) executed at least once, by a call or by the caller's pass over uncalled ones. */
  readonly evaluated = new Set<CNode>();
  private readonly launchMemo = new Map<CNode, boolean>();
  private readonly contexts = new Map<CNode, PyValue>();

  constructor(
    readonly text: string,
    readonly host: PyEvalHost,
    maxSteps: number,
    /** Names of top-level functions and classes that may launch a kernel (directly or through calls). */
    readonly launchingNames: ReadonlySet<string>,
  ) {
    this.maxSteps = maxSteps;
  }

  src(n: CNode): string {
    return this.text.slice(n.start, n.end);
  }

  private step(): void {
    if (++this.steps > this.maxSteps) throw new PyBudgetExceeded("the host code evaluation budget ran out");
  }

  /** Runs `fn` with a budget of its own (a grid lambda or heuristic called after the file was read); never throws. */
  isolated(budget: number, fn: () => PyValue): PyValue {
    const saved = [this.steps, this.maxSteps, this.depth] as const;
    this.steps = 0;
    this.maxSteps = budget;
    this.depth = 0;
    try {
      return fn();
    } catch (err) {
      return unknown(err instanceof PyBudgetExceeded ? "evaluation budget ran out" : `evaluation failed: ${(err as Error).message}`);
    } finally {
      [this.steps, this.maxSteps, this.depth] = saved;
    }
  }

  /** The `ctx` an autograd Function's forward and backward share (what forward sets, backward reads). */
  ctxFor(cls: CNode): PyValue {
    let ctx = this.contexts.get(cls);
    if (!ctx) {
      ctx = { k: "object", attrs: new Map() };
      this.contexts.set(cls, ctx);
    }
    return ctx;
  }

  /** Whether a subtree contains a launch, or a call of a function or class that may launch one. */
  launchesIn(n: CNode): boolean {
    const memo = this.launchMemo.get(n);
    if (memo !== undefined) return memo;
    let found = false;
    const stack: CNode[] = [n];
    while (stack.length && !found) {
      const c = stack.pop()!;
      if (c.type === "call") {
        const f = field(c, "function");
        if (f && (f.type === "subscript" || (f.type === "identifier" && this.launchingNames.has(this.src(f))) ||
          (f.type === "attribute" && field(f, "object")?.type === "identifier" && this.launchingNames.has(this.src(field(f, "object")!))))) found = true;
      }
      for (const k of kids(c)) stack.push(k);
    }
    this.launchMemo.set(n, found);
    return found;
  }

  // ---- Statements ------------------------------------------------------------------------------------------------

  execBlock(stmts: readonly CNode[], scope: PyScope): Flow {
    for (const s of stmts) {
      if (!s.named) continue;
      const f = this.exec(s, scope);
      if (f !== undefined) return f;
    }
    return undefined;
  }

  private body(n: CNode | undefined): readonly CNode[] {
    if (!n) return [];
    return n.type === "block" ? kids(n) : [n];
  }

  exec(n: CNode, scope: PyScope): Flow {
    this.step();
    this.lastStatement = n;
    switch (n.type) {
      case "expression_statement":
        for (const k of namedKids(n)) {
          if (k.type === "assignment") this.execAssign(k, scope);
          else if (k.type === "augmented_assignment") this.execAugmented(k, scope);
          else this.eval(k, scope);
        }
        return undefined;
      case "import_statement": case "import_from_statement": case "future_import_statement":
        this.execImport(n, scope);
        return undefined;
      case "function_definition":
        scope.vars.set(this.src(field(n, "name") ?? n), this.funcOf(n, scope));
        return undefined;
      case "decorated_definition": {
        const def = field(n, "definition");
        if (!def) return undefined;
        const name = this.src(field(def, "name") ?? def);
        if (def.type === "class_definition") {
          this.exec(def, scope);
          return undefined;
        }
        const decorators = kids(n).filter((k) => k.type === "decorator");
        const v = this.host.defineDecorated(decorators, def, n, scope);
        scope.vars.set(name, v ?? this.funcOf(def, scope));
        return undefined;
      }
      case "class_definition": {
        const methods = new Map<string, PyValue>();
        const cls: PyValue = { k: "class", name: this.src(field(n, "name") ?? n), methods, node: n };
        for (const m of kids(field(n, "body") ?? n)) {
          const def = m.type === "decorated_definition" ? field(m, "definition") : m;
          if (def?.type === "function_definition") methods.set(this.src(field(def, "name") ?? def), this.funcOf(def, scope));
        }
        scope.vars.set(cls.name, cls);
        return undefined;
      }
      case "if_statement": return this.execIf(n, scope);
      case "for_statement": return this.execFor(n, scope);
      case "while_statement": return this.execWhile(n, scope);
      case "return_statement": {
        const e = namedKids(n)[0];
        return { ret: e ? this.eval(e, scope) : NONE };
      }
      case "pass_statement": return undefined;
      case "break_statement": return "break";
      case "continue_statement": return "continue";
      case "raise_statement": return { raise: n };
      case "try_statement": {
        let f = this.execBlock(this.body(field(n, "body")), scope);
        if (f !== undefined && typeof f === "object" && "raise" in f) {
          const handler = kids(n).find((k) => k.type === "except_clause" || k.type === "except_group_clause");
          const block = handler ? kids(handler).find((k) => k.type === "block") : undefined;
          f = block ? this.execBlock(kids(block), scope) : f;
        } else if (f === undefined) {
          const els = kids(n).find((k) => k.type === "else_clause");
          const block = els ? kids(els).find((k) => k.type === "block") : undefined;
          if (block) f = this.execBlock(kids(block), scope);
        }
        const fin = kids(n).find((k) => k.type === "finally_clause");
        const finBlock = fin ? kids(fin).find((k) => k.type === "block") : undefined;
        if (finBlock) {
          const g = this.execBlock(kids(finBlock), scope);
          if (g !== undefined) return g;
        }
        return f;
      }
      case "with_statement": {
        for (const item of kids(kids(n).find((k) => k.type === "with_clause") ?? n)) {
          const v = item.type === "with_item" ? field(item, "value") : undefined;
          if (v?.type === "as_pattern") {
            const e = namedKids(v)[0];
            if (e) this.eval(e, scope);
            const target = field(v, "alias");
            const t = target ? namedKids(target)[0] : undefined;
            if (t) this.assign(t, unknown("a context manager's value"), scope);
          } else if (v) this.eval(v, scope);
        }
        return this.execBlock(this.body(field(n, "body")), scope);
      }
      default:
        // assert, global, nonlocal, del, print statements of Python 2, type aliases: nothing the launches read.
        return undefined;
    }
  }

  private execImport(n: CNode, scope: PyScope): void {
    if (n.type === "import_statement") {
      for (const k of namedKids(n)) {
        if (k.type === "dotted_name") {
          // `import triton.language` binds `triton`.
          const first = namedKids(k)[0];
          if (first) scope.vars.set(this.src(first), { k: "path", path: this.src(first) });
        } else if (k.type === "aliased_import") {
          const name = field(k, "name"), alias = field(k, "alias");
          if (name && alias) scope.vars.set(this.src(alias), { k: "path", path: this.dotted(name) });
        }
      }
      return;
    }
    if (n.type !== "import_from_statement") return;
    const mod = field(n, "module_name");
    const base = mod ? (mod.type === "dotted_name" ? this.dotted(mod) : this.src(mod).replace(/\s+/g, "")) : "";
    for (const k of kids(n)) {
      if (k.field !== "name") continue;
      if (k.type === "dotted_name") scope.vars.set(this.dotted(k), { k: "path", path: `${base}.${this.dotted(k)}` });
      else if (k.type === "aliased_import") {
        const name = field(k, "name"), alias = field(k, "alias");
        if (name && alias) scope.vars.set(this.src(alias), { k: "path", path: `${base}.${this.dotted(name)}` });
      }
    }
  }

  private dotted(n: CNode): string {
    return this.src(n).replace(/\s+/g, "");
  }

  funcOf(def: CNode, scope: PyScope): PyValue {
    return { k: "func", name: this.src(field(def, "name") ?? def), node: def, scope, lambda: false };
  }

  private execAssign(n: CNode, scope: PyScope): PyValue {
    const right = field(n, "right");
    const left = field(n, "left");
    if (!right) return NONE; // `x: int`
    const v = right.type === "assignment" ? this.execAssign(right, scope) : this.eval(right, scope);
    if (left) this.assign(left, v, scope);
    return v;
  }

  private execAugmented(n: CNode, scope: PyScope): void {
    const left = field(n, "left"), right = field(n, "right"), op = field(n, "operator");
    if (!left || !right || !op) return;
    const cur = this.eval(left, scope);
    const r = this.eval(right, scope);
    const o = this.src(op).slice(0, -1);
    // `list += [...]` extends in place, as Python's.
    if (o === "+" && cur.k === "list" && (r.k === "list" || r.k === "tuple")) {
      cur.items.push(...r.items.slice(0, MAX_ITEMS));
      return;
    }
    this.assign(left, this.binop(o, cur, r), scope);
  }

  assign(target: CNode, v: PyValue, scope: PyScope): void {
    switch (target.type) {
      case "identifier":
        scope.vars.set(this.src(target), v);
        return;
      case "pattern_list": case "tuple_pattern": case "list_pattern": case "tuple": case "list": case "expression_list": {
        const targets = namedKids(target);
        const items = itemsOf(v, MAX_ITEMS);
        const splat = targets.findIndex((t) => t.type === "list_splat_pattern" || t.type === "list_splat");
        for (let i = 0; i < targets.length; i++) {
          const t = targets[i];
          let item: PyValue;
          if (!items) item = v.k === "unknown" ? v : unknown(`could not unpack ${describe(v)}`);
          else if (splat < 0) item = items[i] ?? unknown(`not enough values to unpack ${describe(v)}`);
          else if (i < splat) item = items[i] ?? unknown("not enough values to unpack");
          else if (i === splat) item = { k: "list", items: items.slice(splat, items.length - (targets.length - splat - 1)) };
          else item = items[items.length - (targets.length - i)] ?? unknown("not enough values to unpack");
          const inner = t.type === "list_splat_pattern" || t.type === "list_splat" ? namedKids(t)[0] : t;
          if (inner) this.assign(inner, item, scope);
        }
        return;
      }
      case "parenthesized_expression": {
        const inner = namedKids(target)[0];
        if (inner) this.assign(inner, v, scope);
        return;
      }
      case "attribute": {
        const obj = this.eval(field(target, "object") ?? target, scope);
        const name = field(target, "attribute");
        if (obj.k === "object" && name) obj.attrs.set(this.src(name), v);
        return;
      }
      case "subscript": {
        const obj = this.eval(field(target, "value") ?? target, scope);
        const idxNode = field(target, "subscript");
        if (!idxNode) return;
        const idx = this.eval(idxNode, scope);
        if (obj.k === "dict") {
          const key = dictKey(idx);
          if (key !== undefined) obj.entries.set(key, { key: idx, value: v });
        } else if (obj.k === "list") {
          const i = intOf(idx);
          if (i !== undefined) {
            const j = i < 0 ? i + obj.items.length : i;
            if (j >= 0 && j < obj.items.length) obj.items[j] = v;
          }
        }
        return;
      }
      default:
        return;
    }
  }

  /** Names a subtree assigns (for loops not evaluated: their values become unknown). */
  private forgetAssigned(n: CNode, scope: PyScope, reason: string): void {
    const stack: CNode[] = [n];
    while (stack.length) {
      const c = stack.pop()!;
      let t: CNode | undefined;
      if (c.type === "assignment" || c.type === "augmented_assignment" || c.type === "for_statement") t = field(c, "left");
      if (t) {
        const names: CNode[] = [t];
        while (names.length) {
          const x = names.pop()!;
          if (x.type === "identifier") scope.vars.set(this.src(x), unknown(reason));
          else if (x.type !== "attribute" && x.type !== "subscript") names.push(...namedKids(x));
        }
      }
      if (c.type !== "function_definition" && c.type !== "class_definition" && c.type !== "lambda") stack.push(...kids(c));
    }
  }

  private execIf(n: CNode, scope: PyScope): Flow {
    const clauses: { cond: CNode | undefined; block: CNode | undefined }[] = [{ cond: field(n, "condition"), block: field(n, "consequence") }];
    for (const k of kids(n)) {
      if (k.type === "elif_clause") clauses.push({ cond: field(k, "condition"), block: field(k, "consequence") });
      else if (k.type === "else_clause") clauses.push({ cond: undefined, block: field(k, "body") ?? kids(k).find((b) => b.type === "block") });
    }
    for (let i = 0; i < clauses.length; i++) {
      const c = clauses[i];
      let take: boolean | undefined = true;
      if (c.cond) {
        const v = this.eval(c.cond, scope);
        take = truthy(v);
        if (take === undefined) {
          // A branch that raises, or returns early without launching, is the error or trivial path: assume the code
          // does not take it.
          const raises = c.block ? this.raisesOnly(c.block) || (this.endsInReturn(c.block) && !this.launchesIn(c.block)) : false;
          take = !raises;
          const launching = clauses.filter((x, j) => j >= i && x.block && this.launchesIn(x.block));
          const why = v.k === "unknown" ? v.reason : describe(v);
          if (take && c.block && this.endsInReturn(c.block) && this.launchesIn(c.block)) {
            // `if fast_path: launch...; return`: follow the branch for its launches, and the code after it too.
            this.host.note(`this condition could not be evaluated (${why}); both ways were followed`, c.cond);
            this.execBlock(this.body(c.block), new PyScope(scope));
            continue;
          }
          if (launching.length > 0) this.host.note(`this condition could not be evaluated (${why}); assumed ${take ? "true" : "false"}`, c.cond);
          if (take) {
            // The launches of the branches not taken are still launches: each runs once on a scope of its own, which
            // the code after the `if` does not see.
            for (const other of launching) if (other !== c) this.execBlock(this.body(other.block), new PyScope(scope));
          }
        }
      }
      if (take) return this.execBlock(this.body(c.block), scope);
    }
    return undefined;
  }

  private endsInReturn(block: CNode): boolean {
    const stmts = namedKids(block);
    return stmts.length > 0 && stmts[stmts.length - 1].type === "return_statement";
  }

  private raisesOnly(block: CNode): boolean {
    const stmts = namedKids(block);
    return stmts.length > 0 && stmts[stmts.length - 1].type === "raise_statement";
  }

  private execFor(n: CNode, scope: PyScope): Flow {
    const left = field(n, "left"), right = field(n, "right"), body = field(n, "body");
    if (!left || !right) return undefined;
    const iter = this.eval(right, scope);
    const alternative = field(n, "alternative");
    const elseBlock = alternative ? (field(alternative, "body") ?? kids(alternative).find((b) => b.type === "block")) : undefined;
    if (body && this.launchesIn(body)) {
      // A loop that launches: its first iteration (each launch site once, with the first values).
      const items = itemsOf(iter, 1);
      if (items && items.length === 0) return elseBlock ? this.execBlock(this.body(elseBlock), scope) : undefined;
      this.assign(left, items?.[0] ?? unknown(`the first item of ${this.src(right).slice(0, 60)} is not known`), scope);
      const f = this.execBlock(this.body(body), scope);
      return f === "break" || f === "continue" ? undefined : f;
    }
    const count = iter.k === "range" ? rangeLength(iter) : iter.k === "list" || iter.k === "tuple" ? iter.items.length : undefined;
    const items = count !== undefined && count <= MAX_LOOP ? itemsOf(iter, MAX_LOOP) : undefined;
    if (!items) {
      this.forgetAssigned(n, scope, `set in a loop that was not evaluated (${this.src(right).slice(0, 60)})`);
      return undefined;
    }
    for (const item of items) {
      this.assign(left, item, scope);
      const f = this.execBlock(this.body(body), scope);
      if (f === "break") return undefined;
      if (f !== undefined && f !== "continue") return f;
    }
    return elseBlock ? this.execBlock(this.body(elseBlock), scope) : undefined;
  }

  private execWhile(n: CNode, scope: PyScope): Flow {
    const cond = field(n, "condition"), body = field(n, "body");
    if (!cond || !body) return undefined;
    if (this.launchesIn(body)) {
      if (truthy(this.eval(cond, scope)) === false) return undefined;
      const f = this.execBlock(this.body(body), scope);
      return f === "break" || f === "continue" ? undefined : f;
    }
    for (let i = 0; i < MAX_LOOP; i++) {
      const t = truthy(this.eval(cond, scope));
      if (t === false) return undefined;
      if (t === undefined) break;
      const f = this.execBlock(this.body(body), scope);
      if (f === "break") return undefined;
      if (f !== undefined && f !== "continue") return f;
    }
    this.forgetAssigned(n, scope, `set in a loop that was not evaluated (while ${this.src(cond).slice(0, 60)})`);
    return undefined;
  }

  // ---- Expressions -----------------------------------------------------------------------------------------------

  eval(n: CNode, scope: PyScope): PyValue {
    this.step();
    switch (n.type) {
      case "identifier": {
        const name = this.src(n);
        const v = scope.lookup(name);
        if (v !== undefined) return v;
        if (BUILTINS.has(name)) return { k: "path", path: `builtins.${name}` };
        return unknown(`${name} is not defined here`);
      }
      case "integer": {
        const t = this.src(n).replace(/_/g, "");
        if (/[jJ]$/.test(t)) return unknown("a complex number");
        const v = /^0[0-7]+$/.test(t) ? parseInt(t, 8) : Number(t.replace(/[lL]$/, ""));
        return Number.isFinite(v) ? int(v) : unknown(`the number ${t}`);
      }
      case "float": {
        const t = this.src(n).replace(/_/g, "");
        if (/[jJ]$/.test(t)) return unknown("a complex number");
        return { k: "float", v: parseFloat(t) };
      }
      case "true": return { k: "bool", v: true };
      case "false": return { k: "bool", v: false };
      case "none": return NONE;
      case "string": return this.evalString(n);
      case "concatenated_string": {
        let s = "";
        for (const k of namedKids(n)) {
          const v = this.evalString(k);
          if (v.k !== "str") return v;
          s += v.v;
        }
        return { k: "str", v: s };
      }
      case "parenthesized_expression": {
        const inner = namedKids(n)[0];
        return inner ? this.eval(inner, scope) : unknown("empty parentheses");
      }
      case "tuple": case "expression_list": return { k: "tuple", items: this.evalItems(namedKids(n), scope) };
      case "list": return { k: "list", items: this.evalItems(namedKids(n), scope) };
      case "set": return { k: "list", items: this.evalItems(namedKids(n), scope) };
      case "dictionary": {
        const entries = new Map<string, { key: PyValue; value: PyValue }>();
        for (const p of namedKids(n)) {
          if (p.type === "pair") {
            const kn = field(p, "key"), vn = field(p, "value");
            if (!kn || !vn) continue;
            const key = this.eval(kn, scope);
            const ks = dictKey(key);
            const value = this.eval(vn, scope);
            if (ks !== undefined) entries.set(ks, { key, value });
          } else if (p.type === "dictionary_splat") {
            const inner = namedKids(p)[0];
            const d = inner ? this.eval(inner, scope) : NONE;
            if (d.k === "dict") for (const [ks, e] of d.entries) entries.set(ks, e);
          }
        }
        return { k: "dict", entries };
      }
      case "list_comprehension": case "generator_expression": case "set_comprehension": return this.evalComprehension(n, scope, false);
      case "dictionary_comprehension": return this.evalComprehension(n, scope, true);
      case "lambda": return { k: "func", name: "lambda", node: n, scope, lambda: true };
      case "conditional_expression": {
        const [a, c, b] = namedKids(n);
        if (!a || !c || !b) return unknown("an incomplete conditional expression");
        const t = truthy(this.eval(c, scope));
        if (t === undefined) {
          const va = this.eval(a, scope), vb = this.eval(b, scope);
          return equals(va, vb) === true ? va : unknown(`the condition ${this.src(c).slice(0, 60)} is not known`);
        }
        return this.eval(t ? a : b, scope);
      }
      case "not_operator": {
        const a = field(n, "argument");
        const t = a ? truthy(this.eval(a, scope)) : undefined;
        return t === undefined ? unknown(`not ${a ? this.src(a).slice(0, 40) : ""}`) : { k: "bool", v: !t };
      }
      case "boolean_operator": {
        const l = field(n, "left"), r = field(n, "right"), op = field(n, "operator");
        if (!l || !r || !op) return unknown("an incomplete expression");
        const lv = this.eval(l, scope);
        const t = truthy(lv);
        const isAnd = this.src(op) === "and";
        if (t === undefined) {
          // `unknown and False` is False; `unknown or True` is True.
          const rv = this.eval(r, scope);
          const rt = truthy(rv);
          if (isAnd && rt === false) return { k: "bool", v: false };
          if (!isAnd && rt === true) return rv;
          return lv;
        }
        if (isAnd) return t ? this.eval(r, scope) : lv;
        return t ? lv : this.eval(r, scope);
      }
      case "unary_operator": {
        const a = field(n, "argument"), op = field(n, "operator");
        if (!a || !op) return unknown("an incomplete expression");
        const v = this.eval(a, scope);
        const x = num(v);
        if (x === undefined) return v.k === "unknown" ? v : unknown(`${this.src(op)}${describe(v)}`);
        const o = this.src(op);
        const isInt = v.k !== "float";
        if (o === "-") return isInt ? int(-x) : { k: "float", v: -x };
        if (o === "+") return isInt ? int(x) : { k: "float", v: x };
        if (o === "~" && isInt) return int(-x - 1);
        return unknown(`${o}${describe(v)}`);
      }
      case "binary_operator": {
        const l = field(n, "left"), r = field(n, "right"), op = field(n, "operator");
        if (!l || !r || !op) return unknown("an incomplete expression");
        return this.binop(this.src(op), this.eval(l, scope), this.eval(r, scope));
      }
      case "comparison_operator": return this.evalComparison(n, scope);
      case "attribute": {
        const o = field(n, "object"), a = field(n, "attribute");
        if (!o || !a) return unknown("an incomplete attribute");
        return this.getAttr(this.eval(o, scope), this.src(a));
      }
      case "subscript": return this.evalSubscript(n, scope);
      case "call": return this.evalCall(n, scope);
      case "ellipsis": return unknown("...");
      default:
        return unknown(`${n.type} is not evaluated`);
    }
  }

  private evalItems(nodes: readonly CNode[], scope: PyScope): PyValue[] {
    const out: PyValue[] = [];
    for (const k of nodes) {
      if (k.type === "list_splat") {
        const inner = namedKids(k)[0];
        const v = inner ? this.eval(inner, scope) : NONE;
        const items = itemsOf(v, MAX_ITEMS);
        if (items) out.push(...items);
        else out.push(unknown(`*${describe(v)}`));
      } else out.push(this.eval(k, scope));
      if (out.length > MAX_ITEMS) break;
    }
    return out;
  }

  private evalString(n: CNode): PyValue {
    if (n.type !== "string") return unknown("not a string");
    let s = "";
    const startTok = kids(n).find((k) => k.type === "string_start");
    const raw = startTok ? /r/i.test(this.src(startTok)) : false;
    for (const k of kids(n)) {
      if (k.type === "interpolation") return unknown("an f-string");
      if (k.type === "string_content") s += this.src(k);
      else if (k.type === "escape_sequence") s += raw ? this.src(k) : unescape(this.src(k));
    }
    return { k: "str", v: s };
  }

  private evalComprehension(n: CNode, scope: PyScope, isDict: boolean): PyValue {
    const body = field(n, "body");
    const clauses = kids(n).filter((k) => k.type === "for_in_clause" || k.type === "if_clause");
    if (!body) return unknown("an incomplete comprehension");
    const inner = new PyScope(scope);
    const out: PyValue[] = [];
    const entries = new Map<string, { key: PyValue; value: PyValue }>();
    let failed: PyValue | undefined;
    const run = (i: number): void => {
      if (failed || out.length + entries.size >= MAX_ITEMS) return;
      if (i === clauses.length) {
        if (isDict && body.type === "pair") {
          const key = this.eval(field(body, "key") ?? body, inner), value = this.eval(field(body, "value") ?? body, inner);
          const ks = dictKey(key);
          if (ks !== undefined) entries.set(ks, { key, value });
        } else out.push(this.eval(body, inner));
        return;
      }
      const c = clauses[i];
      if (c.type === "if_clause") {
        const cond = namedKids(c)[0];
        const t = cond ? truthy(this.eval(cond, inner)) : true;
        if (t === undefined) failed = unknown(`the filter ${cond ? this.src(cond).slice(0, 60) : ""} is not known`);
        else if (t) run(i + 1);
        return;
      }
      const left = field(c, "left"), right = field(c, "right");
      if (!left || !right) return;
      const iter = this.eval(right, inner);
      const items = itemsOf(iter, MAX_ITEMS);
      if (!items) {
        failed = iter.k === "unknown" ? iter : unknown(`cannot iterate over ${describe(iter)}`);
        return;
      }
      for (const item of items) {
        this.assign(left, item, inner);
        run(i + 1);
      }
    };
    run(0);
    if (failed) return failed;
    return isDict ? { k: "dict", entries } : { k: "list", items: out };
  }

  private evalComparison(n: CNode, scope: PyScope): PyValue {
    const parts = kids(n);
    const operands: CNode[] = [], ops: string[] = [];
    for (const p of parts) {
      if (p.field === "operators") ops.push(this.src(p).replace(/\s+/g, " "));
      else if (p.named) operands.push(p);
    }
    if (operands.length !== ops.length + 1) return unknown("an incomplete comparison");
    let left = this.eval(operands[0], scope);
    let result: boolean | undefined = true;
    for (let i = 0; i < ops.length; i++) {
      const right = this.eval(operands[i + 1], scope);
      const r = this.compare(ops[i], left, right);
      if (r === false) return { k: "bool", v: false };
      if (r === undefined) result = undefined;
      left = right;
    }
    return result === undefined ? unknown(`${this.src(n).slice(0, 60)} is not known`) : { k: "bool", v: true };
  }

  compare(op: string, a: PyValue, b: PyValue): boolean | undefined {
    switch (op) {
      case "==": return equals(a, b);
      case "!=": case "<>": {
        const e = equals(a, b);
        return e === undefined ? undefined : !e;
      }
      case "is": return a.k === "none" || b.k === "none" ? (a.k === "unknown" || b.k === "unknown" ? undefined : a.k === b.k) : equals(a, b);
      case "is not": {
        const e = this.compare("is", a, b);
        return e === undefined ? undefined : !e;
      }
      case "in": case "not in": {
        let found: boolean | undefined;
        if (b.k === "dict") {
          const key = dictKey(a);
          found = key === undefined ? undefined : b.entries.has(key);
        } else if (b.k === "str" && a.k === "str") found = b.v.includes(a.v);
        else {
          const items = itemsOf(b, MAX_ITEMS);
          if (!items) return undefined;
          found = false;
          for (const x of items) {
            const e = equals(a, x);
            if (e === true) {
              found = true;
              break;
            }
            if (e === undefined) found = undefined;
          }
        }
        if (found === undefined) return undefined;
        return op === "in" ? found : !found;
      }
      default: {
        const x = num(a), y = num(b);
        if (x !== undefined && y !== undefined) {
          if (op === "<") return x < y;
          if (op === "<=") return x <= y;
          if (op === ">") return x > y;
          if (op === ">=") return x >= y;
        }
        if (a.k === "str" && b.k === "str") {
          if (op === "<") return a.v < b.v;
          if (op === "<=") return a.v <= b.v;
          if (op === ">") return a.v > b.v;
          if (op === ">=") return a.v >= b.v;
        }
        return undefined;
      }
    }
  }

  binop(op: string, a: PyValue, b: PyValue): PyValue {
    if (a.k === "unknown") return a;
    if (b.k === "unknown") return b;
    const x = num(a), y = num(b);
    if (x !== undefined && y !== undefined) {
      const ints = a.k !== "float" && b.k !== "float";
      const mk = (v: number): PyValue => (Number.isFinite(v) ? (ints ? int(v) : { k: "float", v }) : unknown(`${op} overflowed`));
      switch (op) {
        case "+": return mk(x + y);
        case "-": return mk(x - y);
        case "*": return mk(x * y);
        case "/": return y === 0 ? unknown("division by zero") : { k: "float", v: x / y };
        case "//": return y === 0 ? unknown("division by zero") : mk(Math.floor(x / y));
        case "%": return y === 0 ? unknown("division by zero") : mk(((x % y) + y) % y);
        case "**": return ints && y < 0 ? { k: "float", v: x ** y } : mk(x ** y);
        case "<<": return ints ? mk(x * 2 ** y) : unknown("<< of a float");
        case ">>": return ints ? mk(Math.floor(x / 2 ** y)) : unknown(">> of a float");
        case "&": case "|": case "^": {
          if (!ints) return unknown(`${op} of a float`);
          const bx = BigInt(x), by = BigInt(y);
          const r = op === "&" ? bx & by : op === "|" ? bx | by : bx ^ by;
          return (a.k === "bool" && b.k === "bool") ? { k: "bool", v: r !== 0n } : int(Number(r));
        }
        default: return unknown(`the operator ${op}`);
      }
    }
    if (op === "+" && a.k === "str" && b.k === "str") return { k: "str", v: a.v + b.v };
    if (op === "+" && (a.k === "tuple" || a.k === "list") && a.k === b.k) return { k: a.k, items: [...a.items, ...b.items].slice(0, MAX_ITEMS) } as PyValue;
    if (op === "*" && (a.k === "tuple" || a.k === "list") && y !== undefined) {
      const items: PyValue[] = [];
      if (a.items.length === 0) return { k: a.k, items } as PyValue;
      for (let i = 0; i < y && items.length < MAX_ITEMS; i++) items.push(...a.items);
      return { k: a.k, items } as PyValue;
    }
    if (a.k === "tensor" || b.k === "tensor") {
      // Elementwise arithmetic on tensors: the shape of the larger operand, the dtype of the tensor one.
      const t = (a.k === "tensor" ? a : b) as PyValue & { k: "tensor" };
      return { k: "tensor", dtype: t.dtype, shape: t.shape ? [...t.shape] : undefined };
    }
    return unknown(`${describe(a)} ${op} ${describe(b)}`);
  }

  private evalSubscript(n: CNode, scope: PyScope): PyValue {
    const valueNode = field(n, "value");
    const idxNodes = kids(n).filter((k) => k.field === "subscript");
    if (!valueNode || idxNodes.length === 0) return unknown("an incomplete subscript");
    const v = this.eval(valueNode, scope);
    if (v.k === "kernel") {
      const gridNode = idxNodes.length === 1 ? idxNodes[0] : n;
      const grid = idxNodes.length === 1 ? this.eval(idxNodes[0], scope) : { k: "tuple", items: idxNodes.map((x) => this.eval(x, scope)) } as PyValue;
      return { k: "launcher", kernel: v, grid, gridNode };
    }
    if (idxNodes.length > 1 || idxNodes[0].type === "slice") {
      if (idxNodes.length === 1 && (v.k === "tuple" || v.k === "list" || v.k === "str")) return this.slice(v, idxNodes[0], scope);
      if (v.k === "tensor") return { k: "tensor", dtype: v.dtype, shape: undefined };
      return v.k === "unknown" ? v : unknown(`a slice of ${describe(v)}`);
    }
    return this.index(v, this.eval(idxNodes[0], scope));
  }

  index(v: PyValue, idx: PyValue): PyValue {
    if (v.k === "unknown") return v;
    if (v.k === "dict") {
      const key = dictKey(idx);
      if (key === undefined) return unknown(`the key ${describe(idx)} is not known`);
      return v.entries.get(key)?.value ?? unknown(`no key ${describe(idx)}`);
    }
    if (v.k === "tuple" || v.k === "list" || v.k === "str" || v.k === "range") {
      const i = intOf(idx);
      if (i === undefined) return unknown(`the index ${describe(idx)} is not known`);
      const items = v.k === "str" ? [...v.v].map((c) => ({ k: "str", v: c }) as PyValue) : v.k === "range" ? itemsOf(v, MAX_ITEMS)! : v.items;
      const j = i < 0 ? i + items.length : i;
      return items[j] ?? unknown(`index ${i} out of range`);
    }
    if (v.k === "tensor") return { k: "tensor", dtype: v.dtype, shape: v.shape && v.shape.length > 1 ? v.shape.slice(1) : undefined };
    return unknown(`${describe(v)}[${describe(idx)}]`);
  }

  private slice(v: PyValue & { k: "tuple" | "list" | "str" }, s: CNode, scope: PyScope): PyValue {
    const parts: (CNode | undefined)[] = [undefined, undefined, undefined];
    let at = 0;
    for (const k of kids(s)) {
      if (!k.named && k.type === ":") at++;
      else if (k.named && at < 3) parts[at] = k;
    }
    const vals = parts.map((p) => (p ? intOf(this.eval(p, scope)) : undefined));
    if (parts.some((p, i) => p && vals[i] === undefined)) return unknown("a slice with unknown bounds");
    const items: readonly PyValue[] = v.k === "str" ? [...v.v].map((c) => ({ k: "str", v: c }) as PyValue) : v.items;
    const len = items.length;
    const step = vals[2] ?? 1;
    if (step === 0) return unknown("a slice step of 0");
    const norm = (x: number | undefined, dflt: number): number => (x === undefined ? dflt : x < 0 ? Math.max(x + len, step < 0 ? -1 : 0) : Math.min(x, step < 0 ? len - 1 : len));
    const start = norm(vals[0], step > 0 ? 0 : len - 1), stop = norm(vals[1], step > 0 ? len : -1);
    const out: PyValue[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(items[i]);
    if (v.k === "str") return { k: "str", v: out.map((c) => (c.k === "str" ? c.v : "")).join("") };
    return { k: v.k, items: out } as PyValue;
  }

  getAttr(v: PyValue, name: string): PyValue {
    switch (v.k) {
      case "unknown": return v;
      case "path": {
        const path = `${v.path}.${name}`;
        if (v.path === "torch") {
          const d = torchDtype(name);
          if (d) return d;
        }
        if (path === "math.pi") return { k: "float", v: Math.PI };
        if (path === "math.e") return { k: "float", v: Math.E };
        if (path === "math.inf") return { k: "float", v: Infinity };
        if (path === "sys.maxsize") return int(2 ** 53 - 1);
        return { k: "path", path };
      }
      case "tensor": return tensorAttr(v, name) ?? { k: "method", name, self: v };
      case "dtype":
        if (name === "itemsize") {
          const b = ({ fp64: 8, int64: 8, fp32: 4, int32: 4, fp16: 2, bf16: 2, int16: 2 } as Record<string, number>)[v.v];
          return b !== undefined ? int(b) : v.v.startsWith("fp8") || v.v.endsWith("int8") ? int(1) : unknown("the dtype's size");
        }
        if (name === "is_floating_point") return { k: "method", name, self: v };
        return unknown(`${v.v}.${name}`);
      case "object": {
        const a = v.attrs.get(name);
        if (a !== undefined) return a;
        const cls = v.attrs.get("__class__");
        if (cls?.k === "class" && cls.methods.has(name)) return { k: "method", name, self: v };
        if (CTX_METHODS.has(name)) return { k: "method", name, self: v };
        return unknown(`${name} was not set on this object`);
      }
      case "class": {
        if (name === "apply") return { k: "method", name, self: v };
        return v.methods.get(name) ?? unknown(`${v.name}.${name}`);
      }
      case "kernel":
        if (name === "fn") return v;
        return { k: "method", name, self: v };
      case "config": {
        const c = v.config;
        if (name === "kwargs") {
          const entries = new Map<string, { key: PyValue; value: PyValue }>();
          for (const [k, x] of c.constexprs) entries.set(`s:${k}`, { key: { k: "str", v: k }, value: x });
          return { k: "dict", entries };
        }
        if (name === "num_warps") return c.numWarps ?? int(4);
        if (name === "num_stages") return c.numStages ?? int(3);
        return unknown(`Config.${name}`);
      }
      case "list": case "dict": case "tuple": case "str": return { k: "method", name, self: v };
      default:
        return unknown(`${describe(v)}.${name}`);
    }
  }

  // ---- Calls -----------------------------------------------------------------------------------------------------

  private evalCall(n: CNode, scope: PyScope): PyValue {
    const fnNode = field(n, "function");
    const argsNode = field(n, "arguments");
    if (!fnNode) return unknown("an incomplete call");
    const fn = this.eval(fnNode, scope);
    const pos: PyValue[] = [];
    const kw = new Map<string, PyValue>();
    if (argsNode?.type === "generator_expression") pos.push(this.eval(argsNode, scope));
    else if (argsNode) {
      for (const a of namedKids(argsNode)) {
        if (a.type === "keyword_argument") {
          const k = field(a, "name"), v = field(a, "value");
          if (k && v) kw.set(this.src(k), this.eval(v, scope));
        } else if (a.type === "dictionary_splat") {
          const inner = namedKids(a)[0];
          const d = inner ? this.eval(inner, scope) : NONE;
          if (d.k === "dict") for (const e of d.entries.values()) if (e.key.k === "str") kw.set(e.key.v, e.value);
        } else pos.push(...this.evalItems([a], scope));
      }
    }
    if (fn.k === "launcher") {
      this.host.launch(fn.kernel, fn.grid, fn.gridNode, n, pos, kw);
      return NONE;
    }
    return this.call(fn, pos, kw, n);
  }

  call(fn: PyValue, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>, at?: CNode): PyValue {
    switch (fn.k) {
      case "func": return fn.benchmark ? unknown(`the benchmark ${fn.name} is not evaluated`) : this.callFunction(fn, pos, kw);
      case "path": return this.callPath(fn.path, pos, kw, at);
      case "method": return this.callMethod(fn.self, fn.name, pos, kw);
      case "class": {
        const obj: PyValue = { k: "object", attrs: new Map([["__class__", fn]]) };
        const init = fn.methods.get("__init__");
        if (init?.k === "func") this.callFunction(init, [obj, ...pos], kw);
        return obj;
      }
      case "object": {
        // Calling a module instance runs its forward.
        const cls = fn.attrs.get("__class__");
        const forward = cls?.k === "class" ? cls.methods.get("forward") : undefined;
        return forward?.k === "func" ? this.callFunction(forward, [fn, ...pos], kw) : unknown("calling an object");
      }
      case "unknown": return fn;
      default: return unknown(`calling ${describe(fn)}`);
    }
  }

  /** Calls a `def` or a lambda with its parameters bound; parameters not given are their defaults or unknown. */
  callFunction(fn: PyValue & { k: "func" }, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>, ignoreDefaults = false): PyValue {
    if (this.depth >= MAX_DEPTH) return unknown(`calls nested deeper than ${MAX_DEPTH}`);
    this.depth++;
    try {
      const local = new PyScope(fn.scope);
      this.bindParams(fn.node, pos, kw, local, ignoreDefaults ? undefined : fn.scope);
      if (fn.lambda) {
        const body = field(fn.node, "body");
        return body ? this.eval(body, local) : NONE;
      }
      this.evaluated.add(fn.node);
      const f = this.execBlock(this.body(field(fn.node, "body")), local);
      if (f !== undefined && typeof f === "object") return "ret" in f ? f.ret : unknown(`${fn.name} raised an exception`);
      return NONE;
    } finally {
      this.depth--;
    }
  }

  /** Without `defScope`, parameters not given are unknown even where they have defaults. */
  private bindParams(def: CNode, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>, local: PyScope, defScope: PyScope | undefined): void {
    const params = field(def, "parameters");
    let i = 0;
    const used = new Set<string>();
    let keywordOnly = false;
    for (const p of params ? namedKids(params) : []) {
      let name: CNode | undefined, dflt: CNode | undefined;
      switch (p.type) {
        case "identifier": name = p; break;
        case "typed_parameter": name = namedKids(p).find((k) => k.type === "identifier"); break;
        case "default_parameter": case "typed_default_parameter": name = field(p, "name"); dflt = field(p, "value"); break;
        case "keyword_separator": keywordOnly = true; continue;
        case "positional_separator": continue;
        case "list_splat_pattern": {
          const id = namedKids(p)[0];
          if (id) local.vars.set(this.src(id), { k: "tuple", items: pos.slice(i) });
          i = pos.length;
          keywordOnly = true;
          continue;
        }
        case "dictionary_splat_pattern": {
          const id = namedKids(p)[0];
          const entries = new Map<string, { key: PyValue; value: PyValue }>();
          for (const [k, v] of kw) if (!used.has(k)) entries.set(`s:${k}`, { key: { k: "str", v: k }, value: v });
          if (id) local.vars.set(this.src(id), { k: "dict", entries });
          continue;
        }
        default: continue;
      }
      if (!name) continue;
      const pname = this.src(name);
      used.add(pname);
      let v: PyValue | undefined;
      if (!keywordOnly && i < pos.length) v = pos[i++];
      else if (kw.has(pname)) v = kw.get(pname);
      else if (dflt && defScope) v = this.eval(dflt, defScope);
      local.vars.set(pname, v ?? unknown(`the parameter ${pname} is not known here`));
    }
  }

  private callMethod(self: PyValue, name: string, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>): PyValue {
    switch (self.k) {
      case "tensor": return tensorMethod(self, name, pos, kw) ?? unknown(`tensor.${name}(...) is not evaluated`);
      case "list":
        if (name === "append" && pos[0]) {
          if (self.items.length < MAX_ITEMS) self.items.push(pos[0]);
          return NONE;
        }
        if (name === "extend" && pos[0]) {
          self.items.push(...(itemsOf(pos[0], MAX_ITEMS) ?? []));
          return NONE;
        }
        if (name === "pop") return self.items.pop() ?? unknown("pop of an empty list");
        if (name === "copy") return { k: "list", items: [...self.items] };
        return unknown(`list.${name}(...)`);
      case "dict": {
        if (name === "get" && pos[0]) {
          const key = dictKey(pos[0]);
          if (key === undefined) return unknown("the key is not known");
          return self.entries.get(key)?.value ?? pos[1] ?? NONE;
        }
        if (name === "keys") return { k: "list", items: [...self.entries.values()].map((e) => e.key) };
        if (name === "values") return { k: "list", items: [...self.entries.values()].map((e) => e.value) };
        if (name === "items") return { k: "list", items: [...self.entries.values()].map((e) => ({ k: "tuple", items: [e.key, e.value] }) as PyValue) };
        if (name === "copy") return { k: "dict", entries: new Map(self.entries) };
        if (name === "update" && pos[0]?.k === "dict") {
          for (const [k, e] of pos[0].entries) self.entries.set(k, e);
          return NONE;
        }
        return unknown(`dict.${name}(...)`);
      }
      case "tuple":
        if (name === "index" && pos[0]) {
          const i = self.items.findIndex((x) => equals(x, pos[0]) === true);
          return i >= 0 ? int(i) : unknown("not in the tuple");
        }
        return unknown(`tuple.${name}(...)`);
      case "dtype":
        if (name === "is_floating_point") return { k: "bool", v: self.v.startsWith("fp") || self.v === "bf16" };
        return unknown(`dtype.${name}`);
      case "class":
        if (name === "apply") {
          // torch.autograd.Function.apply(args) runs forward(ctx, args).
          const forward = self.methods.get("forward");
          if (forward?.k !== "func") return unknown(`${self.name} has no forward`);
          return this.callFunction(forward, [this.ctxFor(self.node), ...pos], kw);
        }
        return unknown(`${self.name}.${name}(...)`);
      case "object": {
        const cls = self.attrs.get("__class__");
        const m = cls?.k === "class" ? cls.methods.get(name) : undefined;
        if (m?.k === "func") return this.callFunction(m, [self, ...pos], kw);
        // backward reads what forward saved on the same ctx.
        if (name === "save_for_backward") self.attrs.set("saved_tensors", { k: "tuple", items: [...pos] });
        return CTX_METHODS.has(name) ? NONE : unknown(`.${name}(...) is not evaluated`);
      }
      case "kernel":
        if (name === "warmup") {
          // A compiled kernel: launching it later uses the options it was compiled with.
          const nw = kw.get("num_warps"), ns = kw.get("num_stages");
          return { k: "kernel", name: self.name, warmup: { numWarps: nw ? intOf(nw) : undefined, numStages: ns ? intOf(ns) : undefined } };
        }
        return unknown(`${self.name}.${name}(...) is not evaluated`);
      default:
        return unknown(`${describe(self)}.${name}(...)`);
    }
  }

  private callPath(path: string, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>, at?: CNode): PyValue {
    const last = path.slice(path.lastIndexOf(".") + 1);
    const a = pos[0], b = pos[1];
    if (path.startsWith("triton")) {
      if (last === "cdiv") {
        const x = a ? intOf(a) : undefined, y = b ? intOf(b) : undefined;
        if (x === undefined || y === undefined || y === 0) return unknown(`cdiv(${a ? describe(a) : ""}, ${b ? describe(b) : ""}) is not known`);
        return int(Math.ceil(x / y));
      }
      if (last === "next_power_of_2") {
        const x = a ? intOf(a) : undefined;
        if (x === undefined) return a?.k === "unknown" ? a : unknown("next_power_of_2 of an unknown value");
        let p = 1;
        while (p < x) p *= 2;
        return int(p);
      }
      if (last === "Config") return this.makeConfig(pos, kw, at);
      if (last === "constexpr") return a ?? NONE;
      if (last === "get_current_target") {
        if (at) this.host.note(TRITON_TARGET_NOTE, at);
        return { k: "object", attrs: new Map<string, PyValue>([["backend", { k: "str", v: "cuda" }], ["arch", unknown("the GPU's compute capability")], ["warp_size", int(32)]]) };
      }
      if (last === "get_active_torch_device") return { k: "str", v: "cuda" };
      return unknown(`${path}(...) is not evaluated`);
    }
    if (path.startsWith("torch.")) {
      const name = path.slice("torch.".length);
      const t = torchCall(name, pos, kw);
      if (t) return t;
      if (name === "cuda.is_available") return { k: "bool", v: true };
      if (name === "device") return { k: "str", v: a?.k === "str" ? a.v : "cuda" };
      if (name === "manual_seed" || name === "cuda.synchronize" || name === "set_default_device") return NONE;
      return unknown(`${path}(...) is not evaluated`);
    }
    if (path.startsWith("math.")) {
      const x = a ? num(a) : undefined;
      if (last === "prod") {
        const items = a ? itemsOf(a, MAX_ITEMS) : undefined;
        if (!items) return unknown("math.prod of an unknown sequence");
        return items.reduce<PyValue>((acc, v) => this.binop("*", acc, v), int(1));
      }
      if (last === "gcd") {
        let g = a ? intOf(a) : undefined, h = b ? intOf(b) : undefined;
        if (g === undefined || h === undefined) return unknown("math.gcd of unknown values");
        g = Math.abs(g); h = Math.abs(h);
        while (h) [g, h] = [h, g % h];
        return int(g);
      }
      if (x === undefined) return a?.k === "unknown" ? a : unknown(`${path}(...) of an unknown value`);
      switch (last) {
        case "ceil": return int(Math.ceil(x));
        case "floor": return int(Math.floor(x));
        case "trunc": return int(Math.trunc(x));
        case "log2": return x > 0 ? { k: "float", v: Math.log2(x) } : unknown("log2 of a non-positive number");
        case "log": return x > 0 ? { k: "float", v: b && num(b) !== undefined ? Math.log(x) / Math.log(num(b)!) : Math.log(x) } : unknown("log of a non-positive number");
        case "sqrt": return x >= 0 ? { k: "float", v: Math.sqrt(x) } : unknown("sqrt of a negative number");
        case "isqrt": return x >= 0 ? int(Math.floor(Math.sqrt(x))) : unknown("isqrt of a negative number");
        case "exp": return { k: "float", v: Math.exp(x) };
        case "pow": return b && num(b) !== undefined ? { k: "float", v: x ** num(b)! } : unknown("pow");
        default: return unknown(`${path}(...) is not evaluated`);
      }
    }
    if (path.startsWith("builtins.")) return this.callBuiltin(last, pos, kw);
    return unknown(`${path}(...) is not evaluated (defined outside this file or not modelled)`);
  }

  private makeConfig(pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>, at?: CNode): PyValue {
    const kwargs = kw.get("kwargs") ?? pos[0];
    const constexprs = new Map<string, PyValue>();
    if (kwargs?.k === "dict") {
      for (const e of kwargs.entries.values()) if (e.key.k === "str") constexprs.set(e.key.v, e.value);
    } else return unknown(`triton.Config's kwargs ${kwargs ? describe(kwargs) : "(missing)"} are not known`);
    const config: PyConfig = {
      constexprs,
      numWarps: kw.get("num_warps") ?? pos[1],
      numStages: kw.get("num_stages") ?? pos[2],
      span: at ?? { start: 0, end: 0 },
    };
    return { k: "config", config };
  }

  private callBuiltin(name: string, pos: readonly PyValue[], kw: ReadonlyMap<string, PyValue>): PyValue {
    const a = pos[0];
    switch (name) {
      case "print": return NONE;
      case "len": {
        if (!a) return unknown("len()");
        if (a.k === "str") return int(a.v.length);
        if (a.k === "tuple" || a.k === "list") return int(a.items.length);
        if (a.k === "dict") return int(a.entries.size);
        if (a.k === "range") return int(rangeLength(a));
        if (a.k === "tensor") return a.shape?.[0] !== undefined ? int(a.shape[0]) : unknown("len of a tensor whose shape is not known");
        return a.k === "unknown" ? a : unknown(`len(${describe(a)})`);
      }
      case "min": case "max": {
        const items = pos.length === 1 ? itemsOf(pos[0], MAX_ITEMS) : [...pos];
        if (!items || items.length === 0) return pos[0]?.k === "unknown" ? pos[0] : unknown(`${name}() of unknown values`);
        let best = items[0];
        for (const x of items.slice(1)) {
          const c = this.compare(name === "min" ? "<" : ">", x, best);
          if (c === undefined) return unknown(`${name}(${items.map(describe).join(", ")})`);
          if (c) best = x;
        }
        return best;
      }
      case "abs": {
        const x = a ? num(a) : undefined;
        return x === undefined ? (a?.k === "unknown" ? a : unknown("abs of an unknown value")) : a!.k === "float" ? { k: "float", v: Math.abs(x) } : int(Math.abs(x));
      }
      case "int": {
        if (a?.k === "str") {
          const v = parseInt(a.v, 10);
          return Number.isNaN(v) ? unknown(`int(${JSON.stringify(a.v)})`) : int(v);
        }
        const x = a ? num(a) : 0;
        return x === undefined ? (a?.k === "unknown" ? a : unknown("int of an unknown value")) : int(Math.trunc(x));
      }
      case "float": {
        const x = a ? (a.k === "str" ? parseFloat(a.v) : num(a)) : 0;
        return x === undefined || Number.isNaN(x) ? unknown("float of an unknown value") : { k: "float", v: x };
      }
      case "bool": {
        const t = a ? truthy(a) : false;
        return t === undefined ? unknown("bool of an unknown value") : { k: "bool", v: t };
      }
      case "round": {
        const x = a ? num(a) : undefined;
        if (x === undefined) return unknown("round of an unknown value");
        if (pos[1]) return { k: "float", v: Number(x.toFixed(intOf(pos[1]) ?? 0)) };
        const r = Math.round(x);
        // Python rounds halves to even.
        return int(Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r);
      }
      case "str": return a && a.k === "str" ? a : a && isNum(a) ? { k: "str", v: describe(a) } : unknown("str of a value");
      case "range": {
        const ns = pos.map(intOf);
        if (ns.length === 0 || ns.some((x) => x === undefined)) return unknown("range of unknown bounds");
        const [start, stop, step] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
        return { k: "range", start, stop, step };
      }
      case "list": case "tuple": case "set": case "sorted": case "reversed": {
        const items = a ? itemsOf(a, MAX_ITEMS) : [];
        if (!items) return unknown(`${name}(${a ? describe(a) : ""})`);
        let out = [...items];
        if (name === "sorted") {
          if (!out.every((x) => num(x) !== undefined)) return unknown("sorted of unknown values");
          out.sort((x, y) => num(x)! - num(y)!);
          if (kw.get("reverse")?.k === "bool" && (kw.get("reverse") as { v: boolean }).v) out.reverse();
        }
        if (name === "reversed") out = out.reverse();
        return name === "tuple" ? { k: "tuple", items: out } : { k: "list", items: out };
      }
      case "dict": {
        const entries = new Map<string, { key: PyValue; value: PyValue }>();
        if (a?.k === "dict") for (const [k, e] of a.entries) entries.set(k, e);
        for (const [k, v] of kw) entries.set(`s:${k}`, { key: { k: "str", v: k }, value: v });
        return { k: "dict", entries };
      }
      case "sum": {
        const items = a ? itemsOf(a, MAX_ITEMS) : undefined;
        if (!items) return unknown("sum of unknown values");
        return items.reduce<PyValue>((acc, v) => this.binop("+", acc, v), pos[1] ?? int(0));
      }
      case "any": case "all": {
        const items = a ? itemsOf(a, MAX_ITEMS) : undefined;
        if (!items) return unknown(`${name} of unknown values`);
        let sawUnknown = false;
        for (const x of items) {
          const t = truthy(x);
          if (t === undefined) sawUnknown = true;
          else if (t === (name === "any")) return { k: "bool", v: t };
        }
        return sawUnknown ? unknown(`${name} of unknown values`) : { k: "bool", v: name === "all" };
      }
      case "filter": case "map": {
        // filter(keep, configs): the autotune idiom that prunes a config list.
        const fn = a, items = pos[1] ? itemsOf(pos[1], MAX_ITEMS) : undefined;
        if (!fn || !items) return unknown(`${name} of unknown values`);
        const out: PyValue[] = [];
        for (const x of items) {
          const r = fn.k === "none" ? x : this.call(fn, [x], new Map());
          if (name === "map") out.push(r);
          else {
            const t = truthy(r);
            if (t === undefined) return unknown(`${name}: ${r.k === "unknown" ? r.reason : describe(r)}`);
            if (t) out.push(x);
          }
        }
        return { k: "list", items: out };
      }
      case "enumerate": {
        const items = a ? itemsOf(a, MAX_ITEMS) : undefined;
        const start = pos[1] ? intOf(pos[1]) ?? 0 : 0;
        return items ? { k: "list", items: items.map((x, i) => ({ k: "tuple", items: [int(i + start), x] }) as PyValue) } : unknown("enumerate of unknown values");
      }
      case "zip": {
        const lists = pos.map((p) => itemsOf(p, MAX_ITEMS));
        if (lists.some((l) => !l)) return unknown("zip of unknown values");
        const n = Math.min(...lists.map((l) => l!.length));
        const items: PyValue[] = [];
        for (let i = 0; i < n; i++) items.push({ k: "tuple", items: lists.map((l) => l![i]) });
        return { k: "list", items };
      }
      case "divmod": {
        const q = this.binop("//", a ?? NONE, pos[1] ?? NONE), r = this.binop("%", a ?? NONE, pos[1] ?? NONE);
        return { k: "tuple", items: [q, r] };
      }
      case "pow": return this.binop("**", a ?? NONE, pos[1] ?? NONE);
      case "hasattr": {
        const n = pos[1];
        if (a?.k === "object" && n?.k === "str") return { k: "bool", v: a.attrs.has(n.v) };
        if (a?.k === "path" && a.path === "torch" && n?.k === "str" && torchDtype(n.v)) return { k: "bool", v: true };
        return unknown("hasattr of a module or value the evaluator does not model");
      }
      case "getattr": {
        const n = pos[1];
        if (!a || n?.k !== "str") return unknown("getattr of an unknown name");
        const v = this.getAttr(a, n.v);
        return v.k === "unknown" && pos[2] ? pos[2] : v;
      }
      default: return unknown(`${name}(...) is not evaluated`);
    }
  }
}

function unescape(s: string): string {
  switch (s) {
    case "\\n": return "\n";
    case "\\t": return "\t";
    case "\\\\": return "\\";
    case "\\'": return "'";
    case "\\\"": return "\"";
    default: return s.length === 2 && s[0] === "\\" ? s[1] : s;
  }
}
