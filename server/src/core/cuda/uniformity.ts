// Which values of a CUDA function differ between the threads of a block: a uniformity analysis on the syntax tree,
// the CUDA counterpart of what Tint checks for WGSL. The kernel IR keeps no such fact (a loaded value is `unknown`
// whatever its address), so the checks that need it (barriers and warp intrinsics not every thread reaches,
// syncChecks.ts) read the tree.
//
// Varying: threadIdx, lane and warp ids, what a shuffle, vote, atomic or clock returns, memory read at a varying
// address, and a local assigned from any of these or assigned under a condition that is itself varying. Uniform:
// blockIdx, blockDim, gridDim, warpSize, kernel parameters, template parameters, constants, memory read at a uniform
// address (a `__shared__` scalar written by one thread and read after a barrier, `*n_ptr`), the block-wide votes
// (`__syncthreads_count/and/or`). Flow-insensitive and per name: a local is varying if any assignment makes it so.
// When in doubt a value is uniform: the checks built on this must not raise false alarms.
import { BARRIERS } from "./builtins";
import type { CudaProgram, FunctionInfo } from "./program";
import { declaredName } from "./program";
import { type CNode, field, kids, namedKids } from "./syntax";

/** Calls whose result differs between threads whatever their arguments (last name segment). */
const VARYING_CALLS = new Set([
  "__shfl", "__shfl_up", "__shfl_down", "__shfl_xor", "__shfl_sync", "__shfl_up_sync", "__shfl_down_sync", "__shfl_xor_sync",
  "__ballot", "__ballot_sync", "__any", "__any_sync", "__all", "__all_sync", "__uni_sync", "__activemask",
  "__match_any_sync", "__match_all_sync", "__reduce_add_sync", "__reduce_min_sync", "__reduce_max_sync", "__reduce_and_sync",
  "__reduce_or_sync", "__reduce_xor_sync", "__lane_id", "__laneid", "laneid", "LaneId", "WarpId", "clock", "clock64",
  "__globaltimer", "thread_rank", "thread_index", "meta_group_rank", "shfl", "shfl_up", "shfl_down", "shfl_xor", "ballot",
  "match_any", "match_all", "canonical_lane_idx", "canonical_warp_idx", "canonical_warp_idx_sync", "canonical_warp_group_idx",
]);
const VARYING_CALL_PATTERN = /^(atomic[A-Z]\w*|curand\w*)$/;
/** Calls whose result is the same for every thread of the block (block-wide votes, group sizes and handles). */
const UNIFORM_CALLS = new Set([
  "__syncthreads_count", "__syncthreads_and", "__syncthreads_or", "size", "num_threads", "group_index", "block_index",
  "dim_threads", "group_dim", "this_thread_block", "this_grid", "num_blocks", "block_rank", "sizeof", "alignof",
]);
const UNIFORM_BUILTINS = new Set(["blockIdx", "blockDim", "gridDim", "warpSize"]);
/** Lane exchanges and votes whose result is uniform when this argument is: the index of the value or predicate. */
const PASS_THROUGH: Readonly<Record<string, number>> = {
  __shfl_sync: 1, __shfl_up_sync: 1, __shfl_down_sync: 1, __shfl_xor_sync: 1, __shfl: 0, __shfl_up: 0, __shfl_down: 0, __shfl_xor: 0,
  shfl: 0, shfl_up: 0, shfl_down: 0, shfl_xor: 0, __any_sync: 1, __all_sync: 1, __uni_sync: 1, any: 0, all: 0,
};
/** A function body that reads which thread runs it (for reference arguments' taint). */
const READS_THREAD = /\bthreadIdx\b|__shfl|__ballot|__activemask|lane_?id|thread_rank|thread_index|meta_group_rank|\batomic[A-Z]|\bclock(64)?\s*\(/;

const MAX_ROUNDS = 12;
const NONE: ReadonlySet<string> = new Set();
const MAX_CALL_DEPTH = 6;

/** The last name of a call's function (`cg::sync` -> `sync`, `reduce<float>` -> `reduce`, `g.sync` -> `sync`). */
export function calleeName(fn: CNode | undefined, text: string): string | undefined {
  let cur = fn;
  for (let i = 0; cur && i < 8; i++) {
    switch (cur.type) {
      case "identifier":
      case "field_identifier":
        return text.slice(cur.start, cur.end);
      case "qualified_identifier":
        cur = field(cur, "name");
        break;
      case "template_function":
        cur = field(cur, "name");
        break;
      case "field_expression":
        cur = field(cur, "field");
        break;
      case "parenthesized_expression":
        cur = namedKids(cur)[0];
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The identifier an lvalue or pointer expression starts from (`a.b[i].c` -> `a`), with how it is reached. */
function rootOf(n: CNode): { id: CNode; direct: boolean } | undefined {
  let cur: CNode | undefined = n;
  let direct = true;
  for (let i = 0; cur && i < 32; i++) {
    if (cur.type === "identifier") return { id: cur, direct };
    if (cur.type === "subscript_expression" || cur.type === "field_expression") {
      direct = false;
      cur = field(cur, "argument");
    } else if (cur.type === "pointer_expression" || cur.type === "parenthesized_expression" || cur.type === "cast_expression") {
      direct = false;
      cur = field(cur, "argument") ?? field(cur, "value") ?? namedKids(cur)[namedKids(cur).length - 1];
    } else return undefined;
  }
  return undefined;
}

/** Analyses of functions by parameters, and facts about function bodies, shared within one walk. */
export type UniformityCache = Map<string, Uniformity | boolean>;

const userFunctions = new WeakMap<CudaProgram, Map<string, FunctionInfo | undefined>>();

/** Where the user's functions are (device functions the analysis follows into), by name and argument count. */
export function userFunction(prog: CudaProgram, name: string, args: number): FunctionInfo | undefined {
  let byName = userFunctions.get(prog);
  if (!byName) userFunctions.set(prog, (byName = new Map()));
  const key = `${name}/${args}`;
  if (byName.has(key)) return byName.get(key);
  const found = findUserFunction(prog, name, args);
  byName.set(key, found);
  return found;
}

function findUserFunction(prog: CudaProgram, name: string, args: number): FunctionInfo | undefined {
  const all = prog.functions.get(name);
  if (!all) return undefined;
  const withBody = all.filter((f) => f.body && f.body.children !== null && f.space !== "global");
  if (withBody.length <= 1) return withBody[0];
  return withBody.find((f) => parameterNodes(f).length === args) ?? withBody[0];
}

/** The parameter declarations of a function. */
export function parameterNodes(fn: FunctionInfo): CNode[] {
  return kids(fn.params ?? fn.declarator).filter((p) => p.type === "parameter_declaration" || p.type === "optional_parameter_declaration");
}

/**
 * A function's facts: which locals are varying, which are `__shared__`, which are cooperative-groups block handles.
 * Locals are told apart by declaration (`name#offset`, block scoping resolved once), parameters by name.
 */
export class Uniformity {
  readonly varyingNames = new Set<string>();
  /** `__shared__` variables: reading one at a uniform index gives every thread the same value. */
  readonly sharedNames = new Set<string>();
  /** Local arrays and structs (assigning an element changes the variable). */
  readonly localAggregates = new Set<string>();
  /** Cooperative-groups handles of the whole block or grid (`auto block = cg::this_thread_block()`). */
  readonly blockGroups = new Set<string>();
  /** Locals assigned exactly once, by their initializer (`const unsigned mask = ...`), for constant masks. */
  readonly singleDefinitions = new Map<string, CNode>();
  /** Whether some `return` gives a varying value (or returns under a varying condition). */
  returnsVarying = false;
  private readonly assignCounts = new Map<string, number>();
  private changed = false;
  /** `varying` of each node in the current round (cleared when a round starts). */
  private readonly cache = new Map<CNode, boolean>();
  private readonly params: string[] = [];
  /** The declaration each identifier of the body names (`name#offset`); absent: a parameter, global or builtin. */
  private readonly symbols = new Map<CNode, string>();

  constructor(
    readonly prog: CudaProgram,
    readonly fn: FunctionInfo,
    varyingParams: ReadonlySet<string>,
    private readonly depth = 0,
    private readonly summaries = new Map<string, boolean>(),
    private readonly shared: UniformityCache = new Map(),
  ) {
    const text = prog.text;
    const params = this.params;
    for (const p of parameterNodes(fn)) {
      const id = declaredName(field(p, "declarator"), text);
      if (!id) continue;
      const name = text.slice(id.start, id.end);
      params.push(name);
      if (varyingParams.has(name)) this.varyingNames.add(name);
      if (/\b(thread_block|grid_group)\b/.test(text.slice(p.start, p.end))) this.blockGroups.add(name);
    }
    if (!fn.body) return;
    this.resolveScopes(fn.body, params);
    this.declarations(fn.body);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // Values cached in a round may miss names it made varying: each round starts afresh, and the last round, which
      // makes none, sees every value as the fixpoint has it.
      this.cache.clear();
      this.changed = false;
      this.returnsVarying = false;
      this.flow(fn.body, false);
      if (!this.changed) break;
    }
  }

  /** Whether `name` is one of the function's parameters. */
  isParameter(name: string): boolean {
    return this.params.includes(name);
  }

  /** The symbol an identifier names: its declaration for a local, else its name. */
  keyOf(id: CNode): string {
    return this.symbols.get(id) ?? this.prog.text.slice(id.start, id.end);
  }

  /** Resolves every identifier of the body to the declaration in scope (C++ block scoping; lambdas skipped). */
  private resolveScopes(body: CNode, params: readonly string[]): void {
    const text = this.prog.text;
    const scopes: Map<string, string>[] = [new Map(params.map((p) => [p, p]))];
    const lookup = (name: string): string | undefined => {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const k = scopes[i]!.get(name);
        if (k !== undefined) return k;
      }
      return undefined;
    };
    let budget = 400_000;
    const visit = (n: CNode): void => {
      if (budget-- <= 0) return;
      switch (n.type) {
        case "lambda_expression":
          return;
        case "identifier": {
          const k = lookup(text.slice(n.start, n.end));
          if (k !== undefined) this.symbols.set(n, k);
          return;
        }
        case "compound_statement":
        case "for_statement":
        case "for_range_loop":
        case "if_statement":
        case "while_statement":
        case "switch_statement":
          scopes.push(new Map());
          for (const k of kids(n)) visit(k);
          scopes.pop();
          return;
        case "declaration":
          for (const k of kids(n)) {
            if (k.field !== "declarator") {
              visit(k);
              continue;
            }
            // The initializer reads the names around the declaration; then the new name is in scope.
            const value = k.type === "init_declarator" ? field(k, "value") : undefined;
            if (value) visit(value);
            const id = declaredName(k, text);
            if (!id) continue;
            const key = `${text.slice(id.start, id.end)}#${id.start}`;
            scopes[scopes.length - 1]!.set(text.slice(id.start, id.end), key);
            this.symbols.set(id, key);
          }
          return;
        default:
          for (const k of kids(n)) visit(k);
      }
    };
    visit(body);
  }

  /** Whether an expression's value can differ between the threads of a block. */
  varying(e: CNode | undefined): boolean {
    if (!e) return false;
    const known = this.cache.get(e);
    if (known !== undefined) return known;
    const v = this.compute(e);
    this.cache.set(e, v);
    return v;
  }

  /** `varying`, with some names taken as uniform (uncached then). */
  varyingAssuming(e: CNode | undefined, assume: ReadonlySet<string>): boolean {
    return this.v(assume, e);
  }

  private v(assume: ReadonlySet<string>, e: CNode | undefined): boolean {
    if (assume.size === 0 || !e) return this.varying(e);
    return this.compute(e, assume);
  }

  /**
   * The counters of a `for` loop that hold only uniform values there: set from uniform values in its initializer,
   * changed only by its update, by uniform amounts. They are uniform in the loop's condition and body whatever the
   * same name holds elsewhere (`int i;` reused by a block-stride loop and then by a uniform one).
   */
  loopUniformNames(loop: CNode, assume: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    if (loop.type !== "for_statement") return out;
    const text = this.prog.text;
    const init = field(loop, "initializer");
    const update = field(loop, "update");
    const body = field(loop, "body");
    const inits = init?.type === "comma_expression" ? namedKids(init) : init ? [init] : [];
    for (const i of inits) {
      if (i.type === "declaration") {
        for (const d of kids(i).filter((k) => k.field === "declarator" && k.type === "init_declarator")) {
          const id = field(d, "declarator");
          const value = field(d, "value");
          if (id?.type === "identifier" && value && !this.v(assume, value)) out.add(this.keyOf(id));
        }
      } else if (i.type === "assignment_expression") {
        const left = field(i, "left");
        const op = kids(i).find((k) => k.field === "operator");
        if (left?.type === "identifier" && op && text.slice(op.start, op.end) === "=" && !this.v(assume, field(i, "right"))) out.add(this.keyOf(left));
      }
    }
    if (out.size === 0) return out;
    const within = new Set([...assume, ...out]);
    const scan = (n: CNode | undefined, inBody: boolean, budget = { left: 20_000 }): void => {
      if (!n || budget.left-- <= 0) return;
      if (n.type === "assignment_expression" || n.type === "update_expression") {
        const target = field(n, n.type === "assignment_expression" ? "left" : "argument");
        const name = target?.type === "identifier" ? this.keyOf(target) : undefined;
        if (name && out.has(name) && (inBody || (n.type === "assignment_expression" && this.v(within, field(n, "right"))))) out.delete(name);
      }
      if (n.type === "pointer_expression" && text[n.start] === "&") {
        const a = field(n, "argument");
        if (a?.type === "identifier") out.delete(this.keyOf(a));
      }
      for (const k of kids(n)) scan(k, inBody, budget);
    };
    scan(update, false);
    scan(body, true);
    return out;
  }

  private compute(e: CNode, assume: ReadonlySet<string> = NONE): boolean {
    switch (e.type) {
      case "number_literal":
      case "char_literal":
      case "string_literal":
      case "true":
      case "false":
      case "null":
      case "nullptr":
      case "sizeof_expression":
      case "alignof_expression":
      case "lambda_expression":
        return false;
      case "identifier": {
        const key = this.keyOf(e);
        if (key === "threadIdx") return true;
        if (UNIFORM_BUILTINS.has(key) || this.sharedNames.has(key) || assume.has(key)) return false;
        return this.varyingNames.has(key);
      }
      case "field_expression":
        return this.v(assume, field(e, "argument"));
      case "subscript_expression":
        return this.v(assume, field(e, "argument")) || namedKids(field(e, "indices") ?? e).some((k) => k !== field(e, "argument") && this.v(assume, k));
      case "call_expression":
        return this.callVarying(e, assume);
      case "cast_expression":
        return this.v(assume, field(e, "value"));
      default:
        return namedKids(e).some((k) => k.type !== "type_descriptor" && this.v(assume, k));
    }
  }

  private callVarying(call: CNode, assume: ReadonlySet<string>): boolean {
    const text = this.prog.text;
    const fnNode = field(call, "function");
    const name = calleeName(fnNode, text);
    const args = namedKids(field(call, "arguments") ?? call).filter((a) => a.type !== "comment");
    if (name && UNIFORM_CALLS.has(name)) return false;
    // A shuffle moves a value between lanes, and a vote of one predicate agrees in every lane: each is as uniform as
    // that value or predicate (a broadcast of a block-uniform value is block-uniform).
    const method = fnNode?.type === "field_expression";
    const passed = name !== undefined && (method || name.startsWith("__")) ? PASS_THROUGH[name] : undefined;
    if (passed !== undefined) return this.v(assume, args[passed]);
    if (name && (VARYING_CALLS.has(name) || VARYING_CALL_PATTERN.test(name))) return true;
    // A method: varying with its object or its arguments.
    const object = fnNode?.type === "field_expression" ? field(fnNode, "argument") : undefined;
    const argVarying = args.map((a) => this.v(assume, a));
    if (object && this.v(assume, object)) return true;
    const callee = name && fnNode?.type !== "field_expression" ? userFunction(this.prog, name, args.length) : undefined;
    if (callee && this.depth < MAX_CALL_DEPTH) return this.summary(callee, argVarying);
    return argVarying.some((v) => v);
  }

  /** Whether a user function returns a varying value, given which arguments are varying. */
  private summary(callee: FunctionInfo, argVarying: readonly boolean[]): boolean {
    const key = `${callee.node.start}:${argVarying.map((v) => (v ? 1 : 0)).join("")}`;
    const known = this.summaries.get(key);
    if (known !== undefined) return known;
    // A recursive call while it is computed: its arguments decide.
    this.summaries.set(key, argVarying.some((v) => v));
    const names = parameterNodes(callee).map((p) => {
      const id = declaredName(field(p, "declarator"), this.prog.text);
      return id ? this.prog.text.slice(id.start, id.end) : "";
    });
    const varyingParams = new Set(names.filter((_, i) => argVarying[i]));
    const result = Uniformity.of(this.prog, callee, varyingParams, this.depth + 1, this.summaries, this.shared).returnsVarying;
    this.summaries.set(key, result);
    return result;
  }

  /** `__shared__` variables, local aggregates, block handles and single definitions. */
  private declarations(n: CNode): void {
    const text = this.prog.text;
    const stack: CNode[] = [n];
    let visited = 0;
    while (stack.length > 0 && visited++ < 200_000) {
      const cur = stack.pop()!;
      if (cur.type === "lambda_expression") continue;
      if (cur.type === "declaration") {
        const declText = text.slice(cur.start, cur.end);
        const shared = kids(cur).some((k) => k.type === "type_qualifier" && text.slice(k.start, k.end) === "__shared__") || /^\s*(extern\s+)?__shared__\b/.test(declText);
        const typeText = (() => {
          const t = field(cur, "type");
          return t ? text.slice(t.start, t.end) : "";
        })();
        for (const d of kids(cur).filter((k) => k.field === "declarator")) {
          const id = declaredName(d, text);
          if (!id) continue;
          const name = this.keyOf(id);
          if (shared) this.sharedNames.add(name);
          const target = d.type === "init_declarator" ? field(d, "declarator") : d;
          if (target?.type === "array_declarator" && !shared) this.localAggregates.add(name);
          else if (target?.type === "identifier" && !shared && !/^(float|double|int|unsigned|bool|char|short|long|half|size_t|u?int\d+_t|auto)\b/.test(typeText)) this.localAggregates.add(name);
          const value = d.type === "init_declarator" ? field(d, "value") : undefined;
          if (/\b(thread_block|grid_group)\b/.test(typeText) || (value && /\b(this_thread_block|this_grid)\s*\(/.test(text.slice(value.start, value.end)))) this.blockGroups.add(name);
          if (value && target?.type === "identifier") this.singleDefinitions.set(name, value);
          this.assignCounts.set(name, (this.assignCounts.get(name) ?? 0) + 1);
        }
      }
      if (cur.type === "assignment_expression" || cur.type === "update_expression") {
        const target = rootOf(field(cur, cur.type === "assignment_expression" ? "left" : "argument") ?? cur);
        if (target) {
          const key = this.keyOf(target.id);
          this.assignCounts.set(key, (this.assignCounts.get(key) ?? 0) + 2);
        }
      }
      for (const k of kids(cur)) stack.push(k);
    }
    for (const [name, count] of this.assignCounts) if (count !== 1) this.singleDefinitions.delete(name);
  }

  private taint(name: string): void {
    if (this.sharedNames.has(name) || this.varyingNames.has(name)) return;
    this.varyingNames.add(name);
    this.changed = true;
  }

  /** Assigning `value` to `target` (under a varying condition or not). */
  private assign(target: CNode | undefined, value: boolean, underVarying: boolean): void {
    if (!target || !(value || underVarying)) return;
    const root = rootOf(target);
    if (!root) return;
    const key = this.keyOf(root.id);
    // A store through a pointer changes memory, not the pointer; an element of a local array changes the array.
    if (root.direct || this.localAggregates.has(key)) this.taint(key);
  }

  /** One pass over the statements: data flow and control dependence. */
  private flow(n: CNode, underVarying: boolean, assume: ReadonlySet<string> = NONE): void {
    const text = this.prog.text;
    switch (n.type) {
      case "lambda_expression":
        return;
      case "declaration":
        for (const d of kids(n).filter((k) => k.field === "declarator")) {
          const id = declaredName(d, text);
          if (!id || d.type !== "init_declarator") continue;
          const value = field(d, "value");
          if (value) this.flow(value, underVarying, assume);
          if (value && this.v(assume, value)) this.taint(this.keyOf(id));
        }
        return;
      case "assignment_expression": {
        const right = field(n, "right");
        if (right) this.flow(right, underVarying, assume);
        const left = field(n, "left");
        const indexVarying = left?.type === "subscript_expression" && this.v(assume, field(left, "indices"));
        this.assign(left, this.v(assume, right) || indexVarying, underVarying);
        return;
      }
      case "update_expression":
        this.assign(field(n, "argument"), false, underVarying);
        return;
      case "return_statement": {
        const value = namedKids(n)[0];
        if (value) this.flow(value, underVarying, assume);
        if (underVarying || (value && this.v(assume, value))) this.returnsVarying = true;
        return;
      }
      case "if_statement": {
        const cond = field(n, "condition");
        if (cond) this.flow(cond, underVarying, assume);
        const inner = underVarying || this.v(assume, cond);
        for (const k of kids(n)) if (k !== cond) this.flow(k, inner, assume);
        return;
      }
      case "for_statement":
      case "while_statement":
      case "do_statement": {
        const cond = field(n, "condition");
        // A `for` loop's own uniform counters are uniform inside it, whatever the name holds elsewhere.
        const counters = n.type === "for_statement" ? this.loopUniformNames(n, assume) : NONE;
        const within = counters.size > 0 ? new Set([...assume, ...counters]) : assume;
        const inner = underVarying || this.v(within, cond);
        for (const k of kids(n)) this.flow(k, k.field === "initializer" ? underVarying : inner, k.field === "initializer" ? assume : within);
        return;
      }
      case "switch_statement": {
        const cond = field(n, "condition");
        const inner = underVarying || this.v(assume, cond);
        for (const k of kids(n)) this.flow(k, k === cond ? underVarying : inner, assume);
        return;
      }
      case "conditional_expression": {
        const cond = field(n, "condition");
        if (cond) this.flow(cond, underVarying, assume);
        const inner = underVarying || this.v(assume, cond);
        for (const k of kids(n)) if (k !== cond) this.flow(k, inner, assume);
        return;
      }
      case "call_expression": {
        for (const k of kids(n)) this.flow(k, underVarying, assume);
        this.referenceArguments(n, underVarying, assume);
        return;
      }
      default:
        for (const k of kids(n)) this.flow(k, underVarying, assume);
    }
  }

  private readsThread(fn: FunctionInfo): boolean {
    const key = `reads:${fn.node.start}`;
    let hit = this.shared.get(key);
    if (typeof hit !== "boolean") {
      hit = !!fn.body && READS_THREAD.test(this.prog.text.slice(fn.body.start, fn.body.end));
      this.shared.set(key, hit);
    }
    return hit;
  }

  /** The analysis of `fn` with these varying parameters, shared through `cache` (one per program and walk). */
  static of(prog: CudaProgram, fn: FunctionInfo, varyingParams: ReadonlySet<string>, depth = 0, summaries = new Map<string, boolean>(), cache: UniformityCache = new Map()): Uniformity {
    const key = `${fn.node.start}:${[...varyingParams].sort().join(",")}`;
    const hit = cache.get(key);
    if (hit instanceof Uniformity) return hit;
    const u = new Uniformity(prog, fn, varyingParams, depth, summaries, cache);
    cache.set(key, u);
    return u;
  }

  /** A user function writing through a reference or pointer parameter: the caller's local takes what it writes. */
  private referenceArguments(call: CNode, underVarying: boolean, assume: ReadonlySet<string>): void {
    const text = this.prog.text;
    const name = calleeName(field(call, "function"), text);
    if (!name || BARRIERS.has(name)) return;
    const args = namedKids(field(call, "arguments") ?? call);
    const callee = userFunction(this.prog, name, args.length);
    if (!callee?.body) return;
    const params = parameterNodes(callee);
    const writes = underVarying || args.some((a) => this.v(assume, a)) || this.readsThread(callee);
    if (!writes) return;
    params.forEach((p, i) => {
      const d = field(p, "declarator");
      const byRef = d && (d.type === "reference_declarator" || d.type === "pointer_declarator") && !/^\s*const\b/.test(text.slice(p.start, p.end));
      const a = args[i];
      if (!byRef || !a) return;
      const arg = a.type === "pointer_expression" ? field(a, "argument") : a;
      if (arg?.type === "identifier") this.taint(this.keyOf(arg));
    });
  }
}
