// The WGSL front-end's last step: lowers one compute entry point to the language-neutral kernel IR.
//
// The lowering executes the entry point symbolically, once, without a launch: values are tracked as symbolic
// expressions (../kernel/vexpr.ts) so index arithmetic, bounds checks and loop bounds stay exact; anything loaded
// from memory is `unknown`; sizes the launch decides (workgroup size, dispatch, overrides, uniform fields, buffer
// lengths, the subgroup width) stay variables that the model replaces with the resolved launch. User functions are
// inlined at each call. What the cost model needs (arithmetic by class, memory operations with byte addresses,
// branches, loops with their counters, barriers) is written to the IR in program order.
import type {
  AssignStmt, BlockStmt, CallExpr, Expr, ForStmt, FunctionDecl, IfStmt, LoopStmt, Span, Stmt, SwitchStmt, WhileStmt,
} from "./ast";
import { estimateBuiltinCost } from "./builtinCosts";
import { walk } from "./walk";
import type { Resolution, WgslSymbol } from "./resolve";
import { componentCount, derefType, roundUp, scalarOf, sizeOf, strideOf, type StructType, type WgslType } from "./types";
import type { BindingIR, IrNode, KernelIR, LaunchParam, LoopCounter, OpClass, PrivateValue } from "../kernel/ir";
import { SUBGROUP_SIZE_VAR, WORKGROUP_COUNT_VARS, WORKGROUP_SIZE_VARS } from "../kernel/ir";
import { bin, call, cst, isConst, un, unknown, unknownReason, vr, type VExpr, varsOf } from "../kernel/vexpr";

/** A value during lowering: a scalar expression, a vector or struct of them, or a reference to memory. */
type Val =
  | { readonly t: "s"; readonly e: VExpr }
  | { readonly t: "v"; readonly c: readonly VExpr[] }
  | { readonly t: "st"; readonly f: ReadonlyMap<string, Val> }
  | { readonly t: "ref"; readonly ref: Ref }
  | { readonly t: "opaque"; readonly reason: string };

/** Where a pointer or an access chain points: module memory at a byte address, or a local variable. */
type Ref =
  | { readonly kind: "mem"; readonly binding: WgslSymbol; readonly space: "storage" | "uniform" | "workgroup" | "private"; readonly addr: VExpr; readonly type: WgslType }
  | {
      readonly kind: "local";
      readonly symbol: WgslSymbol;
      readonly path: readonly (string | number)[];
      readonly type: WgslType;
      /** Set when the path indexes an array: whether some index stays a run-time value after unrolling. */
      readonly arrayIndex?: { readonly runtime: boolean };
    };

/**
 * Loops a driver compiler unrolls fully, so that a function-scope array indexed by their counter stays in registers:
 * innermost loops (no loop nested in the body) with a constant trip count up to this. Tint emits every loop as a
 * generic `loop { if (!cond) { break; } ... }`, and the drivers unroll the innermost ones; gpu.cpp's 2D-tiled matmul
 * runs 2.7x faster on M2 Pro when its nested register-tile loops are written out by hand.
 */
const UNROLLED_TRIP = 64;

const S = (e: VExpr): Val => ({ t: "s", e });

const BOOLEAN_OPS = new Set(["<", "<=", ">", ">=", "==", "!=", "&&", "||"]);
const MAX_CALL_DEPTH = 24;
/** Statements lowered per entry point before the rest is left out (a note says so). */
const STATEMENT_BUDGET = 200000;

/** Variables that only the launch decides: a step or bound made of these is a constant of the launch. */
/** Builtins through which an entry point reads which workgroup it is. */
const WORKGROUP_ID_BUILTINS = new Set(["workgroup_id", "global_invocation_id", "global_invocation_index", "workgroup_index"]);
const LAUNCH_VAR = /^(override|uniform|stored|length)\.|^(wgsize|nwg)\.|^subgroup_size$/;

class Frame {
  returnValue: Val | undefined;
  returns = 0;
  constructor(readonly env: Map<WgslSymbol, Val>) {}
}

type MutableOps = { k: "ops" } & Record<OpClass, number>;

/** The resources and the entry function of one compute entry point, as the WGSL front-end found them. */
export interface WgslKernelInput {
  readonly name: string;
  readonly fn: FunctionDecl;
  /** Module-scope variables the entry point reaches (storage, uniform, workgroup, textures). */
  readonly bindings: readonly WgslSymbol[];
  /** The `@workgroup_size` arguments as written; null when absent. */
  readonly workgroupSize: readonly Expr[] | null;
  /** Texel formats that `// @texture NAME[...] FORMAT` states, by binding. */
  readonly textureFormats?: ReadonlyMap<string, string>;
  readonly overrideDefaults: ReadonlyMap<string, number | undefined>;
}

export function lowerWgslKernel(resolution: Resolution, input: WgslKernelInput): KernelIR {
  return new Lowering(resolution).run(input);
}

/** Function-scope values (vars, lets, parameters) by the function they belong to, built once per resolution. */
const byFunction = new WeakMap<Resolution, Map<string, WgslSymbol[]>>();

function valuesByFunction(resolution: Resolution): Map<string, WgslSymbol[]> {
  let index = byFunction.get(resolution);
  if (!index) {
    index = new Map();
    for (const s of resolution.symbols) {
      if (!s.container || (s.kind !== "local-var" && s.kind !== "let" && s.kind !== "param")) continue;
      const list = index.get(s.container) ?? [];
      list.push(s);
      index.set(s.container, list);
    }
    byFunction.set(resolution, index);
  }
  return index;
}

/** Bytes per texel of WebGPU's texel formats (the ones a storage texture or a `@texture` directive can name). */
const TEXEL_BYTES: Readonly<Record<string, number>> = {
  r8unorm: 1, r8snorm: 1, r8uint: 1, r8sint: 1,
  rg8unorm: 2, rg8snorm: 2, rg8uint: 2, rg8sint: 2, r16uint: 2, r16sint: 2, r16float: 2, depth16unorm: 2,
  rgba8unorm: 4, "rgba8unorm-srgb": 4, rgba8snorm: 4, rgba8uint: 4, rgba8sint: 4, bgra8unorm: 4, "bgra8unorm-srgb": 4,
  rg16uint: 4, rg16sint: 4, rg16float: 4, r32uint: 4, r32sint: 4, r32float: 4, rgb10a2unorm: 4, rgb10a2uint: 4,
  rg11b10ufloat: 4, rgb9e5ufloat: 4, depth32float: 4, depth24plus: 4,
  rgba16uint: 8, rgba16sint: 8, rgba16float: 8, rg32uint: 8, rg32sint: 8, rg32float: 8,
  rgba32uint: 16, rgba32sint: 16, rgba32float: 16,
};
/** A sampled texture whose format nobody states: rgba8unorm, the commonest image format. */
const ASSUMED_TEXEL_BYTES = 4;

function typeText(t: WgslType): string {
  if (t.kind === "scalar") return t.name;
  if (t.kind === "vector") return `vec${t.n}<${t.component.name}>`;
  return t.kind;
}

/** Scalars of a type with a fixed layout, padding skipped; undefined for a runtime-sized or unknown layout. */
function scalarCount(t: WgslType): number | undefined {
  switch (t.kind) {
    case "scalar":
    case "atomic":
    case "vector":
    case "matrix":
      return componentCount(t);
    case "array": {
      const per = scalarCount(t.element);
      return typeof t.count === "number" && per !== undefined ? t.count * per : undefined;
    }
    case "struct": {
      let n = 0;
      for (const m of t.members) {
        const k = scalarCount(derefType(m.type));
        if (k === undefined) return undefined;
        n += k;
      }
      return n;
    }
    default:
      return undefined;
  }
}

/**
 * The scalar at byte `offset` of a value of type `t`: its index among the scalars in layout order (padding skipped:
 * the order `// @buffer NAME = [...]` lists them in) and the path `// @uniform` names it by (see LaunchParam).
 * `path` is undefined inside an array of structs, which no directive addresses; `list` is the vector, matrix or
 * array of scalars the scalar belongs to, if any. Undefined for an offset in padding or outside the type.
 */
export function scalarSlot(t: WgslType, offset: number): { index: number; path: string | undefined; list?: { member: string; count: number | undefined } } | undefined {
  switch (t.kind) {
    case "scalar":
      return offset === 0 && t.name !== "bool" ? { index: 0, path: "" } : undefined;
    case "atomic":
      return scalarSlot(derefType(t.inner), offset);
    case "vector": {
      const bytes = sizeOf(t.component) ?? 4;
      const i = offset / bytes;
      return Number.isInteger(i) && i >= 0 && i < t.n ? { index: i, path: `[${i}]`, list: { member: "", count: t.n } } : undefined;
    }
    case "matrix": {
      const bytes = sizeOf(t.component) ?? 4;
      const column = roundUp(t.rows === 2 ? 2 * bytes : 4 * bytes, t.rows * bytes);
      const c = Math.floor(offset / column);
      const r = (offset - c * column) / bytes;
      if (c < 0 || c >= t.cols || !Number.isInteger(r) || r >= t.rows) return undefined;
      const i = c * t.rows + r;
      return { index: i, path: `[${i}]`, list: { member: "", count: t.cols * t.rows } };
    }
    case "array": {
      const stride = strideOf(t);
      const per = scalarCount(derefType(t.element));
      if (stride === null || stride <= 0 || per === undefined || offset < 0) return undefined;
      const e = Math.floor(offset / stride);
      if (typeof t.count === "number" && e >= t.count) return undefined;
      const inner = scalarSlot(derefType(t.element), offset - e * stride);
      if (!inner) return undefined;
      const index = e * per + inner.index;
      // An array of scalars, vectors or matrices flattens to one list; an array of structs has no directive path.
      const flat = inner.path === "" || inner.list?.member === "";
      return { index, path: flat ? `[${index}]` : undefined, list: flat ? { member: "", count: typeof t.count === "number" ? t.count * per : undefined } : undefined };
    }
    case "struct": {
      let before = 0;
      for (let k = 0; k < t.members.length; k++) {
        const m = t.members[k];
        const mt = derefType(m.type);
        const last = k === t.members.length - 1;
        if (offset >= m.offset && (offset < m.offset + m.size || (last && t.runtimeSized))) {
          const inner = scalarSlot(mt, offset - m.offset);
          if (!inner) return undefined;
          const join = (p: string): string => (p === "" ? m.name : p.startsWith("[") ? `${m.name}${p}` : `${m.name}.${p}`);
          return { index: before + inner.index, path: inner.path === undefined ? undefined : join(inner.path), list: inner.list ? { member: join(inner.list.member), count: inner.list.count } : undefined };
        }
        const n = scalarCount(mt);
        if (n === undefined) return undefined;
        before += n;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The trip count of a counted loop whose start, step and bound are constants; undefined otherwise. */
function constantTrip(c: LoopCounter): number | undefined {
  if (c.kind !== "add" || !isConst(c.start) || !isConst(c.step) || !isConst(c.bound) || c.step.v === 0) return undefined;
  const span = c.bound.v - c.start.v + (c.op === "<=" || c.op === ">=" ? Math.sign(c.step.v) : 0);
  const trip = Math.ceil(span / c.step.v);
  return Number.isFinite(trip) && trip > 0 ? trip : undefined;
}

class Lowering {
  private readonly types;
  private out: IrNode[] = [];
  private readonly params = new Map<string, LaunchParam>();
  private readonly notes: { what: string; reason: string; span?: Span }[] = [];
  private readonly noted = new Set<string>();
  private loopCounter = 0;
  private depth = 0;
  private budget = STATEMENT_BUDGET;
  private silent = false;
  /** Conditions of the branches around the statement being lowered (then: c, else: !c). */
  private readonly guards: VExpr[] = [];
  /** Loops being lowered, innermost last: where their guards start, and whether an exit depends on loaded data. */
  private loopExits: { guardDepth: number; onData: boolean }[] = [];
  /** Loops being lowered, innermost last: their iteration variable, and whether a compiler unrolls them fully. */
  private readonly unrolling: { v: string; unrolled: boolean }[] = [];
  /** Names of function-scope arrays in local-access nodes (one per symbol, unique across inlined functions). */
  private readonly localArrayNames = new Map<WgslSymbol, string>();

  private textureFormats: ReadonlyMap<string, string> = new Map();

  constructor(private readonly resolution: Resolution) {
    this.types = resolution.types;
  }

  run(input: WgslKernelInput): KernelIR {
    this.textureFormats = input.textureFormats ?? new Map();
    const frame = new Frame(new Map());
    let readsWorkgroupId = false;
    for (const p of input.fn.params) {
      const ps = this.resolution.symbolForDecl(p);
      const builtin = p.attributes.find((a) => a.name.name === "builtin")?.args[0];
      const builtinName = builtin?.kind === "ident" ? builtin.name.name : undefined;
      if (builtinName && WORKGROUP_ID_BUILTINS.has(builtinName) && ps && this.resolution.usesOf(ps).length > 0) readsWorkgroupId = true;
      if (ps) frame.env.set(ps, this.builtinParam(builtin, this.types.typeOfSymbol(ps)));
    }
    const body = this.collect(() => this.block(input.fn.body, frame));
    const workgroupSize = input.workgroupSize
      ? ([0, 1, 2].map((d) => (input.workgroupSize![d] ? this.launchValue(input.workgroupSize![d]) : cst(1))) as [VExpr, VExpr, VExpr])
      : null;
    return {
      name: input.name,
      language: "wgsl",
      nameSpan: input.fn.name.span,
      bindings: input.bindings.map((s) => this.binding(s)),
      launch: {
        workgroupSize,
        workgroupSizeMissing: workgroupSize ? undefined : "the entry point has no @workgroup_size",
        overrideDefaults: input.overrideDefaults,
        readsWorkgroupId,
      },
      params: this.params,
      body,
      privateValues: this.privateValues(input),
      notes: this.notes,
    };
  }

  /** A size expression of the launch (workgroup size, array length) in terms of launch parameters. */
  private launchValue(e: Expr): VExpr {
    return this.scalar(this.exprNoCount(e, new Frame(new Map())));
  }

  private binding(s: WgslSymbol): BindingIR {
    const va = s.varAttributes;
    const space = va?.addressSpace ?? "private";
    const t = derefType(this.types.typeOfSymbol(s));
    let bytes: VExpr | null = null;
    let runtimeArray: BindingIR["runtimeArray"];
    const size = sizeOf(t);
    const last = t.kind === "struct" ? t.members[t.members.length - 1] : undefined;
    const lastType = last ? derefType(last.type) : undefined;
    if (t.kind === "array" && t.count === "runtime") runtimeArray = { headerBytes: 0, strideBytes: strideOf(t) ?? 4 };
    else if (last && lastType && lastType.kind === "array" && lastType.count === "runtime") {
      // A struct ending in a runtime array: a count is of that array's elements.
      runtimeArray = { headerBytes: last.offset, strideBytes: strideOf(lastType) ?? 4 };
    } else if (size !== null) bytes = cst(size);
    else if (t.kind === "array" && typeof t.count === "object" && t.count !== null) {
      // An override-sized array (`array<f32, TILE * TILE>` in workgroup memory).
      const stride = strideOf({ ...t, count: 1 }) ?? sizeOf(t.element);
      if (stride !== null) bytes = bin("*", this.launchValue(t.count.expr), cst(stride));
    }
    const element = t.kind === "array" ? derefType(t.element) : t;
    const dims = t.kind === "texture" ? /_(1d|2d|3d|cube)/.exec(t.name)?.[1] : undefined;
    let texture: BindingIR["texture"];
    if (t.kind === "texture") {
      // The texel format: as a directive states it, else as a storage texture's type does; a sampled texture's type
      // gives only the sampled type, so its texel size is assumed (rgba8unorm, 4 bytes) and said to be.
      const stated = this.textureFormats.get(s.name) ?? t.format;
      const known = stated !== undefined ? TEXEL_BYTES[stated.toLowerCase()] : t.name.includes("depth") ? 4 : undefined;
      texture = {
        format: stated ?? t.sampled?.name ?? (t.name.includes("depth") ? "depth" : "?"),
        dimensions: dims === "1d" ? 1 : dims === "3d" ? 3 : 2,
        storage: t.name.startsWith("texture_storage"),
        texelBytes: known ?? ASSUMED_TEXEL_BYTES,
        texelBytesAssumed: known === undefined,
      };
    }
    return {
      name: s.name,
      space: space === "storage" ? "global" : space === "uniform" ? "uniform" : space === "workgroup" ? "workgroup" : space === "handle" ? "texture" : "private",
      access: space === "uniform" || (space === "storage" && (va?.accessMode ?? "read") === "read") ? "read" : va?.accessMode === "write" ? "write" : "read_write",
      elementType: typeText(element),
      bytes,
      runtimeArray,
      texture,
      span: s.nameSpan,
    };
  }

  /**
   * Values the entry point and its callees keep live: function-scope variables (mutable) and let-bound values and
   * parameters (immutable), each in 32-bit words (f16 packs two to a word).
   */
  private privateValues(input: WgslKernelInput): PrivateValue[] {
    const ep = this.resolution.entryPoints.find((e) => e.name === input.name);
    const functions = new Set<string>([input.name, ...(ep?.functionsCalled.map((f) => f.name) ?? [])]);
    const out: PrivateValue[] = [];
    for (const s of [...functions].flatMap((f) => valuesByFunction(this.resolution).get(f) ?? [])) {
      const t = derefType(this.types.typeOfDeclaration(s));
      const array = t.kind === "array" && typeof t.count === "number";
      let words = array ? (t.count as number) * Math.max(1, componentCount(t.element)) : Math.max(1, componentCount(t));
      if (scalarOf(t)?.name === "f16") words = Math.ceil(words / 2);
      out.push({ words, mutable: s.kind === "local-var", array });
    }
    return out;
  }

  private note(what: string, reason: string, span?: Span): void {
    const key = `${what}:${reason}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.notes.push({ what, reason, span });
  }

  private param(p: LaunchParam): VExpr {
    if (!this.params.has(p.v)) this.params.set(p.v, p);
    return vr(p.v);
  }

  // ---- Emitting ------------------------------------------------------------------------------------------------

  /** Lowers into a fresh node list and returns it. */
  private collect(f: () => void): IrNode[] {
    const saved = this.out;
    const list: IrNode[] = [];
    this.out = list;
    try {
      f();
    } finally {
      this.out = saved;
    }
    return list;
  }

  private emitOps(cls: OpClass, n: number): void {
    if (this.silent || n === 0) return;
    const last = this.out[this.out.length - 1];
    if (last && last.k === "ops") {
      (last as MutableOps)[cls] += n;
      return;
    }
    const node: MutableOps = { k: "ops", f32: 0, f16: 0, bf16: 0, int: 0, special: 0, subgroup: 0, tensor: 0 };
    node[cls] = n;
    this.out.push(node);
  }

  private emitBarrier(count: number): void {
    if (!this.silent && count > 0) this.out.push({ k: "barrier", count });
  }

  private countArith(type: WgslType, per: number): void {
    const s = scalarOf(type);
    if (!s || s.name === "abstract-int" || s.name === "abstract-float") return;
    const n = componentCount(type) * per;
    this.emitOps(s.name === "f32" ? "f32" : s.name === "f16" ? "f16" : "int", n);
  }

  // ---- Builtin values ------------------------------------------------------------------------------------------

  private builtinParam(arg: Expr | undefined, type: WgslType): Val {
    const name = arg && (arg.kind === "ident" ? arg.name.name : arg.kind === "call" ? arg.callee.name : "");
    const lid = ["lid.x", "lid.y", "lid.z"].map(vr);
    const wid = ["wid.x", "wid.y", "wid.z"].map(vr);
    const size = WORKGROUP_SIZE_VARS.map(vr);
    const index = (): VExpr => bin("+", lid[0], bin("+", bin("*", lid[1], size[0]), bin("*", lid[2], bin("*", size[0], size[1]))));
    switch (name) {
      case "local_invocation_id": return { t: "v", c: lid };
      case "workgroup_id": return { t: "v", c: wid };
      case "global_invocation_id": return { t: "v", c: [0, 1, 2].map((d) => bin("+", bin("*", wid[d], size[d]), lid[d])) };
      case "num_workgroups": return { t: "v", c: WORKGROUP_COUNT_VARS.map(vr) };
      case "local_invocation_index": return S(index());
      // The flattened ids of the whole dispatch: x fastest, as WGSL defines them.
      case "workgroup_index": {
        const n = WORKGROUP_COUNT_VARS.map(vr);
        return S(bin("+", wid[0], bin("+", bin("*", wid[1], n[0]), bin("*", wid[2], bin("*", n[0], n[1])))));
      }
      case "global_invocation_index": {
        const n = WORKGROUP_COUNT_VARS.map(vr);
        const gid = [0, 1, 2].map((d) => bin("+", bin("*", wid[d], size[d]), lid[d]));
        const rowX = bin("*", n[0], size[0]);
        return S(bin("+", gid[0], bin("+", bin("*", gid[1], rowX), bin("*", gid[2], bin("*", rowX, bin("*", n[1], size[1]))))));
      }
      case "subgroup_size": return S(vr(SUBGROUP_SIZE_VAR));
      // Lanes are consecutive local invocation indices, as on every current GPU.
      case "subgroup_invocation_id": return S(bin("%", index(), vr(SUBGROUP_SIZE_VAR)));
      case "subgroup_id": return S(bin("/", index(), vr(SUBGROUP_SIZE_VAR)));
      case "num_subgroups": {
        const invocations = bin("*", size[0], bin("*", size[1], size[2]));
        return S(bin("/", bin("+", invocations, bin("-", vr(SUBGROUP_SIZE_VAR), cst(1))), vr(SUBGROUP_SIZE_VAR)));
      }
      default:
        return type.kind === "vector" ? { t: "v", c: new Array(type.n).fill(unknown(`builtin ${name ?? "?"}`)) } : S(unknown(`builtin ${name ?? "?"}`));
    }
  }

  // ---- Statements ----------------------------------------------------------------------------------------------

  /** Lowers a block; `returned` is true when control always leaves it (return, break, continue, discard). */
  private block(b: BlockStmt, frame: Frame): boolean {
    for (const s of b.statements) {
      if (--this.budget < 0) {
        this.note("the kernel", `too large to model within the analysis budget of ${STATEMENT_BUDGET.toLocaleString("en-US")} statements: what follows here is left out, so counts are partial`, s.span);
        this.out.push({ k: "exit" });
        return true;
      }
      if (this.stmt(s, frame)) return true;
    }
    return false;
  }

  private stmt(s: Stmt, frame: Frame): boolean {
    switch (s.kind) {
      case "block": {
        let exits = false;
        const body = this.collect(() => void (exits = this.block(s, frame)));
        this.out.push({ k: "block", body });
        return exits;
      }
      case "declStmt": {
        const d = s.decl;
        const sym = this.resolution.symbolForDecl(d);
        const v = d.init ? this.expr(d.init, frame) : this.zeroOf(sym ? this.types.typeOfSymbol(sym) : undefined);
        if (sym) frame.env.set(sym, v);
        return false;
      }
      case "assign":
        this.assign(s, frame);
        return false;
      case "increment": {
        this.countArith(this.types.typeOfExpr(s.target), 1);
        this.store(s.target, frame, true, (old) => bin(s.op === "++" ? "+" : "-", old, cst(1)));
        return false;
      }
      case "if":
        return this.ifStmt(s, frame);
      case "switch":
        this.switchStmt(s, frame);
        return false;
      case "for":
      case "while":
      case "loop":
        this.loop(s, frame);
        return false;
      case "return":
        this.noteExit(true);
        if (s.value) {
          const v = this.expr(s.value, frame);
          frame.returns++;
          frame.returnValue = frame.returns === 1 ? v : { t: "opaque", reason: "several return values" };
        }
        this.out.push({ k: "exit" });
        return true;
      case "callStmt":
        this.expr(s.call, frame);
        return false;
      case "discard":
      case "break":
      case "continue":
        if (s.kind !== "continue") this.noteExit(s.kind === "discard");
        // Control leaves the block: what follows it runs only on the other paths (see ifStmt).
        this.out.push({ k: "exit" });
        return true;
      default:
        return false;
    }
  }

  private zeroOf(t: WgslType | undefined): Val {
    if (!t) return S(cst(0));
    if (t.kind === "vector") return { t: "v", c: new Array(t.n).fill(cst(0)) };
    if (t.kind === "scalar") return S(cst(0));
    return { t: "opaque", reason: "a composite local" };
  }

  private assign(s: AssignStmt, frame: Frame): void {
    const rhs = this.expr(s.rhs, frame);
    if (s.lhs.kind === "ident" && s.lhs.name.name === "_") return;
    const compound = s.op !== "=";
    if (compound) this.countArith(this.types.typeOfExpr(s.lhs), 1);
    const op = s.op.slice(0, -1);
    this.store(s.lhs, frame, compound, (old) => (compound ? (rhs.t === "s" ? bin(op, old, rhs.e, this.isIntType(s.lhs)) : unknown("composite update")) : rhs.t === "s" ? rhs.e : unknown("composite value")), compound ? undefined : rhs);
  }

  private isIntType(e: Expr): boolean {
    const s = scalarOf(this.types.typeOfExpr(e));
    return !s || !(s.name === "f32" || s.name === "f16" || s.name === "abstract-float");
  }

  /** Writes through an lvalue: a memory store (and a load first for compound assignment) or a local update. */
  private store(lhs: Expr, frame: Frame, alsoLoad: boolean, update: (old: VExpr) => VExpr, whole?: Val): void {
    const ref = this.lvalue(lhs, frame);
    if (!ref) return;
    if (ref.kind === "mem") {
      if (ref.space !== "private") {
        if (alsoLoad) this.recordAccess(lhs, ref, "load");
        this.recordAccess(lhs, ref, "store");
      }
      return;
    }
    if (alsoLoad) this.recordLocal(lhs, ref, "load");
    this.recordLocal(lhs, ref, "store");
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

  private ifStmt(s: IfStmt, frame: Frame): boolean {
    const c = this.scalar(this.expr(s.condition, frame));
    const thenFrame = new Frame(new Map(frame.env));
    let thenExits = false;
    this.guards.push(c);
    const thenNodes = this.collect(() => void (thenExits = this.block(s.then, thenFrame)));
    this.guards.pop();
    const elseFrame = new Frame(new Map(frame.env));
    let elseExits = false;
    this.guards.push(un("!", c));
    const elseNodes = s.else ? this.collect(() => void (elseExits = s.else!.kind === "if" ? this.ifStmt(s.else as IfStmt, elseFrame) : this.block(s.else as BlockStmt, elseFrame))) : [];
    this.guards.pop();
    this.out.push({ k: "if", cond: c, then: thenNodes, else: elseNodes, span: s.condition.span });
    this.merge(frame, [thenExits ? undefined : thenFrame, elseExits ? undefined : elseFrame]);
    return thenExits && elseExits;
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

  private switchStmt(s: SwitchStmt, frame: Frame): void {
    const sel = this.scalar(this.expr(s.selector, frame));
    const branches: Frame[] = [];
    const others: VExpr[] = [];
    const testsOf = (selectors: SwitchStmt["clauses"][number]["selectors"]): VExpr[] =>
      selectors.filter((x): x is Expr => x !== "default").map((x) => bin("==", sel, this.scalar(this.expr(x, frame))));
    for (const clause of s.clauses) others.push(...testsOf(clause.selectors));
    const arms: { cond: VExpr; body: IrNode[] }[] = [];
    for (const clause of s.clauses) {
      let c: VExpr = testsOf(clause.selectors).reduce<VExpr>((a, b) => bin("||", a, b), cst(0));
      if (clause.selectors.includes("default")) c = bin("||", c, others.reduce<VExpr>((a, b) => bin("&&", a, un("!", b)), cst(1)));
      const f = new Frame(new Map(frame.env));
      arms.push({ cond: c, body: this.collect(() => void this.block(clause.body, f)) });
      branches.push(f);
    }
    this.out.push({ k: "switch", arms });
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

  private loop(s: ForStmt | WhileStmt | LoopStmt, frame: Frame): void {
    if (s.kind === "for" && s.init) this.stmt(s.init, frame);
    const body = s.body;
    const continuing = s.kind === "loop" ? s.continuing : undefined;
    const update = s.kind === "for" ? s.update : undefined;
    const varying = this.assignedIn([body, continuing, update]);
    const found = this.findCounter(s, frame, varying);
    const loopFrame = new Frame(new Map(frame.env));
    for (const v of varying) loopFrame.env.set(v, S(unknown(`'${v.name}' changes every iteration`)));
    const v = `loop${++this.loopCounter}`;
    let nested = false;
    for (const root of [body, continuing]) if (root) walk(root, (n) => (n !== body && n !== continuing && (n.kind === "for" || n.kind === "while" || n.kind === "loop") ? ((nested = true), false) : undefined));
    const trip = found ? constantTrip(found.counter) : undefined;
    this.unrolling.push({ v, unrolled: !nested && trip !== undefined && trip <= UNROLLED_TRIP });
    if (found) {
      // The body sees the counter as a function of the iteration index `v` (or as `v` itself when simulated).
      const c = found.counter;
      loopFrame.env.set(found.symbol, S(c.kind === "add" ? bin("+", c.start, bin("*", vr(v), c.step)) : vr(v)));
      // Running offsets (`p += 256u` once per iteration) are induction variables too: p0 + v * 256 in iteration v.
      if (c.kind === "add") {
        for (const [sym, off] of this.runningOffsets(s, frame, varying, found.symbol)) loopFrame.env.set(sym, S(bin("+", off.start, bin("*", vr(v), off.step))));
      }
    }
    this.loopExits.push({ guardDepth: this.guards.length, onData: false });
    const headerEnd = s.kind === "for" || s.kind === "while" ? s.body.span.start : s.span.start + 4;
    // The loop condition itself is evaluated on every iteration.
    const header = this.collect(() => {
      if (s.kind === "for" && s.condition) this.expr(s.condition, loopFrame);
      if (s.kind === "while") this.expr(s.condition, loopFrame);
    });
    const bodyNodes = this.collect(() => void this.block(body, loopFrame));
    const latch = this.collect(() => {
      if (continuing) this.block(continuing, loopFrame);
      if (update) this.stmt(update, loopFrame);
      // `break if c` in continuing: an exit under c.
      const last = continuing?.statements[continuing.statements.length - 1];
      if (last?.kind === "breakIf") {
        const c = this.scalar(this.exprNoCount(last.condition, loopFrame));
        if (unknownReason(c) !== undefined) this.loopExits[this.loopExits.length - 1].onData = true;
      }
    });
    const exits = this.loopExits.pop()!;
    this.unrolling.pop();
    this.out.push({ k: "loop", v, span: s.span, headerEnd, counter: found?.counter ?? null, counterName: found?.symbol.name, earlyExit: exits.onData, header, body: bodyNodes, latch });
    // After the loop, anything it assigned is unknown.
    for (const x of varying) frame.env.set(x, S(unknown(`'${x.name}' was changed in a loop`)));
  }

  /**
   * A break (or, with `all`, a return or discard, which leave every loop) at this point: an exit under a branch on
   * loaded data makes the loop's trip count an upper bound. An exit on a known value (a bound the launch fixes, a
   * running offset) is counted exactly by the conditions it leaves behind.
   */
  private noteExit(all: boolean): void {
    if (this.silent) return;
    const loops = all ? this.loopExits : this.loopExits.slice(-1);
    for (const l of loops) if (this.guards.slice(l.guardDepth).some((g) => unknownReason(g) !== undefined)) l.onData = true;
  }

  /**
   * Variables a loop advances by the same step once per iteration, unconditionally, besides its counter: the one
   * assignment to each is a top-level statement of the body (and the body has no `continue` that could skip it) or
   * of the latch, and its step does not change in the loop.
   */
  private runningOffsets(s: ForStmt | WhileStmt | LoopStmt, frame: Frame, varying: Set<WgslSymbol>, counter: WgslSymbol): Map<WgslSymbol, { start: VExpr; step: VExpr }> {
    const out = new Map<WgslSymbol, { start: VExpr; step: VExpr }>();
    const symOf = (e: Expr): WgslSymbol | undefined => (e.kind === "ident" ? this.resolution.referenceForIdent(e.name)?.symbol ?? undefined : undefined);
    const latch = [...(s.kind === "loop" ? s.continuing?.statements ?? [] : []), ...(s.kind === "for" && s.update ? [s.update] : [])];
    const top = new Set<Stmt>([...s.body.statements, ...latch]);
    let continues = false;
    const writes = new Map<WgslSymbol, Stmt[]>();
    for (const root of [s.body, ...latch]) {
      walk(root, (n) => {
        if (n !== s.body && (n.kind === "for" || n.kind === "while" || n.kind === "loop")) {
          // Writes inside a nested loop happen several times per iteration: they disqualify, continues do not.
          walk(n, (m) => {
            const t = m.kind === "assign" ? m.lhs : m.kind === "increment" ? m.target : undefined;
            const sym = t && symOf(t);
            if (sym) writes.set(sym, [...(writes.get(sym) ?? []), m as Stmt, m as Stmt]);
          });
          return false;
        }
        if (n.kind === "continue") continues = true;
        const t = n.kind === "assign" ? n.lhs : n.kind === "increment" ? n.target : undefined;
        const sym = t && symOf(t);
        if (sym) writes.set(sym, [...(writes.get(sym) ?? []), n as Stmt]);
        return undefined;
      });
    }
    const invariant = new Frame(new Map(frame.env));
    for (const x of varying) invariant.env.set(x, S(unknown(`'${x.name}' changes every iteration`)));
    for (const [sym, list] of writes) {
      if (sym === counter || !varying.has(sym) || list.length !== 1) continue;
      const u = list[0];
      if (!top.has(u) || (continues && s.body.statements.includes(u))) continue;
      let step: VExpr | undefined;
      const k = (e: Expr): VExpr => this.scalar(this.exprNoCount(e, invariant));
      if (u.kind === "increment") step = cst(u.op === "++" ? 1 : -1);
      else if (u.kind === "assign" && (u.op === "+=" || u.op === "-=")) step = u.op === "+=" ? k(u.rhs) : un("-", k(u.rhs));
      else if (u.kind === "assign" && u.op === "=") {
        const r = u.rhs.kind === "paren" ? u.rhs.expr : u.rhs;
        if (r.kind === "binary" && (r.op === "+" || r.op === "-") && symOf(r.left) === sym) step = r.op === "+" ? k(r.right) : un("-", k(r.right));
        else if (r.kind === "binary" && r.op === "+" && symOf(r.right) === sym) step = k(r.left);
      }
      const start = frame.env.get(sym);
      if (!step || unknownReason(step) !== undefined || !start || start.t !== "s" || !this.isIntType(u.kind === "increment" ? u.target : (u as AssignStmt).lhs)) continue;
      out.set(sym, { start: start.e, step });
    }
    return out;
  }

  /**
   * Recognises the loop counter: a variable compared with a bound in the loop condition (or `break if`, or a
   * leading `if (...) { break; }`) and changed by a step once per iteration. Whether its trip count is known is
   * the model's question, under the launch; here the step and the bound need only be free of the loop's own values.
   */
  private findCounter(s: ForStmt | WhileStmt | LoopStmt, frame: Frame, varying: Set<WgslSymbol>): { symbol: WgslSymbol; counter: LoopCounter } | undefined {
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
    const launchOnly = (e: VExpr): boolean => e.k !== "unknown" && [...varsOf(e)].every((n) => LAUNCH_VAR.test(n));
    for (const [side, other] of [[cond.left, cond.right], [cond.right, cond.left]] as const) {
      const base = side.kind === "paren" ? side.expr : side;
      if (base.kind !== "ident") continue;
      const sym = this.resolution.referenceForIdent(base.name)?.symbol;
      if (!sym || !varying.has(sym)) continue;
      // The bound and the step are evaluated outside the loop: they must not change inside. A grid-stride step
      // (`let stride = num_groups.x * 256u; ... i += stride`) is a launch value named before the loop.
      const boundFrame = new Frame(new Map(frame.env));
      for (const v of varying) boundFrame.env.set(v, S(unknown(`'${v.name}' changes every iteration`)));
      const step = this.stepOf(sym, updates, boundFrame);
      if (!step) continue;
      const start = frame.env.get(sym);
      if (!start || start.t !== "s") continue;
      const bound = this.scalar(this.exprNoCount(other, boundFrame));
      let op = cond.op;
      if (side === cond.right) op = op === "<" ? ">" : op === "<=" ? ">=" : op === ">" ? "<" : op === ">=" ? "<=" : op;
      // With `break if c` the loop continues while !c.
      if (negate) op = op === "<" ? ">=" : op === "<=" ? ">" : op === ">" ? "<=" : op === ">=" ? "<" : "==";
      if (op === "==") continue;
      const counter: LoopCounter = { kind: step.kind, start: start.e, step: step.by, op: op as LoopCounter["op"], bound, int: this.isIntType(base) };
      if (step.kind === "add") {
        if (!launchOnly(step.by) || (isConst(step.by) && step.by.v === 0)) continue;
        return { symbol: sym, counter };
      }
      // Multiplicative updates (s >>= 1, s *= 2) are simulated: start, bound and step must not depend on ids.
      if (!launchOnly(start.e) || !launchOnly(bound) || !launchOnly(step.by)) continue;
      return { symbol: sym, counter };
    }
    return undefined;
  }

  /** How a counter changes per iteration, from `k++`, `k += c`, `k = k + c`, `k >>= 1`, `k *= 2`, ... */
  private stepOf(sym: WgslSymbol, updates: readonly Stmt[], outside: Frame): { kind: LoopCounter["kind"]; by: VExpr } | undefined {
    const isSym = (e: Expr): boolean => e.kind === "ident" && this.resolution.referenceForIdent(e.name)?.symbol === sym;
    const k = (e: Expr): VExpr => this.scalar(this.exprNoCount(e, outside));
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

  // ---- Expressions -----------------------------------------------------------------------------------------------

  private scalar(v: Val): VExpr {
    if (v.t === "s") return v.e;
    return unknown(v.t === "opaque" ? v.reason : "a composite value");
  }

  /** Lowers without emitting anything (loop bounds, steps, constants: already counted where they are written). */
  private exprNoCount(e: Expr, frame: Frame): Val {
    const saved = this.silent;
    this.silent = true;
    try {
      return this.expr(e, frame);
    } finally {
      this.silent = saved;
    }
  }

  private expr(e: Expr, frame: Frame): Val {
    switch (e.kind) {
      case "literal":
        return S(typeof e.value === "number" ? cst(e.value) : cst(e.value ? 1 : 0));
      case "paren":
        return this.expr(e.expr, frame);
      case "error":
        return S(unknown("a syntax error"));
      case "ident":
        return this.ident(e, frame);
      case "unary": {
        if (e.op === "&") {
          const ref = this.lvalue(e.operand, frame);
          return ref ? { t: "ref", ref } : { t: "opaque", reason: "address of an unknown place" };
        }
        if (e.op === "*") return this.load(e, frame);
        const v = this.expr(e.operand, frame);
        if (e.op === "!" || e.op === "~") this.countArith(this.types.typeOfExpr(e), 1);
        if (v.t === "v") return { t: "v", c: v.c.map((x) => un(e.op as "-" | "!" | "~", x)) };
        return S(un(e.op as "-" | "!" | "~", this.scalar(v)));
      }
      case "binary": {
        const a = this.expr(e.left, frame);
        const b = this.expr(e.right, frame);
        this.countBinary(e);
        const int = this.isIntType(e.left) && this.isIntType(e.right);
        if (a.t === "v" || b.t === "v") {
          const n = a.t === "v" ? a.c.length : b.t === "v" ? b.c.length : 1;
          const comp = (v: Val, i: number): VExpr => (v.t === "v" ? v.c[i] : this.scalar(v));
          return { t: "v", c: Array.from({ length: n }, (_, i) => bin(e.op, comp(a, i), comp(b, i), int)) };
        }
        return S(bin(e.op, this.scalar(a), this.scalar(b), int));
      }
      case "call":
        return this.call(e, frame);
      case "index":
      case "member":
        return this.load(e, frame);
    }
  }

  private countBinary(e: Extract<Expr, { kind: "binary" }>): void {
    if (this.silent) return;
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
    if (isFloat && !comparison) this.emitOps(s.name === "f16" ? "f16" : "f32", ops);
    else this.emitOps("int", ops);
  }

  private ident(e: Extract<Expr, { kind: "ident" }>, frame: Frame): Val {
    const ref = this.resolution.referenceForIdent(e.name);
    const sym = ref?.symbol;
    if (!sym) return S(unknown(`undefined name '${e.name.name}'`));
    const local = frame.env.get(sym);
    if (local) return local;
    switch (sym.kind) {
      case "const": {
        const init = (sym.decl as { init?: Expr }).init;
        return init ? this.exprNoCount(init, new Frame(new Map())) : S(unknown(`const '${sym.name}'`));
      }
      case "override": {
        const init = (sym.decl as { init?: Expr }).init;
        const v = `override.${sym.name}`;
        if (!this.params.has(v)) {
          // Registered before its default is lowered, so an override whose default names itself cannot recurse.
          this.params.set(v, { v, kind: "override", name: sym.name, span: sym.nameSpan });
          if (init) this.params.set(v, { v, kind: "override", name: sym.name, span: sym.nameSpan, default: this.scalar(this.exprNoCount(init, new Frame(new Map()))) });
        }
        return S(vr(v));
      }
      case "var":
        return this.load(e, frame);
      default:
        return S(unknown(`'${sym.name}'`));
    }
  }

  /** The memory or local an lvalue expression names. */
  private lvalue(e: Expr, frame: Frame): Ref | undefined {
    switch (e.kind) {
      case "paren":
        return this.lvalue(e.expr, frame);
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
          const v = this.expr(e.operand, frame);
          return v.t === "ref" ? v.ref : undefined;
        }
        return undefined;
      case "index": {
        const base = this.lvalue(e.base, frame);
        const idx = this.scalar(this.expr(e.index, frame));
        if (!base) return undefined;
        const bt = derefType(base.type);
        const elem: WgslType = bt.kind === "array" ? bt.element : bt.kind === "vector" ? { kind: "scalar", name: bt.component.name } as WgslType : bt.kind === "matrix" ? { kind: "vector", n: bt.rows, component: bt.component } as WgslType : { kind: "unknown", reason: "indexing" } as WgslType;
        const stride = bt.kind === "array" ? strideOf(bt) ?? sizeOf(elem) ?? 4 : sizeOf(elem) ?? 4;
        if (base.kind === "mem") return { ...base, addr: bin("+", base.addr, bin("*", idx, cst(stride))), type: elem };
        const arrayIndex = bt.kind === "array" ? { runtime: (base.arrayIndex?.runtime ?? false) || this.runtimeIndex(idx) } : base.arrayIndex;
        return { ...base, path: [...base.path, isConst(idx) ? idx.v : -1], type: elem, ...(arrayIndex ? { arrayIndex } : {}) };
      }
      case "member": {
        const base = this.lvalue(e.base, frame);
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
  private load(e: Expr, frame: Frame): Val {
    // Swizzles of a value (not a place) such as `f(x).xy` are not loads.
    const ref = this.lvalue(e, frame);
    if (!ref) {
      if (e.kind === "member") return this.member(this.expr(e.base, frame), e.member.name);
      if (e.kind === "index") {
        const base = this.expr(e.base, frame);
        const idx = this.scalar(this.expr(e.index, frame));
        if (base.t === "v" && isConst(idx)) return S(base.c[idx.v] ?? unknown("index out of range"));
        return S(unknown("an element of a composite"));
      }
      return S(unknown("an unknown place"));
    }
    if (ref.kind === "mem") {
      if (ref.space === "uniform") {
        this.recordAccess(e, ref, "load");
        return this.uniformValue(ref);
      }
      if (ref.space !== "private") this.recordAccess(e, ref, "load");
      const stored = ref.space === "storage" ? this.storedValue(ref) : undefined;
      if (stored) return stored;
      if (ref.space === "storage" && ref.type.kind === "array" && ref.type.count === "runtime") return S(unknown("an array"));
      const what = `loaded from '${ref.binding.name}'`;
      const t = derefType(ref.type);
      return t.kind === "vector" ? { t: "v", c: new Array(t.n).fill(unknown(what)) } : S(unknown(what));
    }
    // A local: follow the path into the tracked value.
    this.recordLocal(e, ref, "load");
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

  /**
   * A uniform read at a constant address is made of launch parameters, one per scalar (values from `// @uniform`);
   * a vector or struct read gives a vector or struct of them.
   */
  private uniformValue(ref: Extract<Ref, { kind: "mem" }>): Val {
    const root = derefType(this.types.typeOfSymbol(ref.binding));
    const addr = ref.addr;
    const name = ref.binding.name;
    if (!isConst(addr)) return S(unknown(`uniform '${name}' is read at a computed address`));
    return this.wordsAt(derefType(ref.type), addr.v, (offset) => {
      const slot = scalarSlot(root, offset);
      if (!slot) return unknown(`uniform '${name}' at byte ${offset}`);
      if (slot.path === undefined) return unknown(`uniform '${name}' at byte ${offset} (inside an array of structs, which // @uniform cannot give)`);
      const field = slot.path === "" ? "value" : slot.path;
      const list = slot.list && slot.list.count !== undefined ? { member: slot.list.member, count: slot.list.count } : undefined;
      return this.param({ v: `uniform.${name}${field.startsWith("[") ? "" : "."}${field}`, kind: "uniform", binding: name, field, ...(list ? { list } : {}) });
    });
  }

  /**
   * An integer read from a read-only storage buffer at a constant index is shape information (onnxruntime's and
   * ggml's `info` arrays): a launch parameter whose value a `// @buffer NAME = [...]` list gives. Floats and
   * writable buffers stay loaded data. Undefined when this is not such a read.
   */
  private storedValue(ref: Extract<Ref, { kind: "mem" }>): Val | undefined {
    const access = ref.binding.varAttributes?.accessMode ?? "read";
    const t = derefType(ref.type);
    const scalar = t.kind === "scalar" ? t.name : t.kind === "vector" ? t.component.name : undefined;
    if (access !== "read" || !isConst(ref.addr) || (scalar !== "u32" && scalar !== "i32")) return undefined;
    const root = derefType(this.types.typeOfSymbol(ref.binding));
    const name = ref.binding.name;
    return this.wordsAt(t, ref.addr.v, (offset) => {
      const slot = scalarSlot(root, offset);
      return slot ? this.param({ v: `stored.${name}[${slot.index}]`, kind: "stored", binding: name, index: slot.index }) : unknown(`loaded from '${name}'`);
    });
  }

  /** A value of type `t` at byte `offset`, each scalar from `word` (vectors and structs recursively). */
  private wordsAt(t: WgslType, offset: number, word: (offset: number) => VExpr): Val {
    if (t.kind === "scalar" || t.kind === "atomic") return S(word(offset));
    if (t.kind === "vector") {
      const bytes = sizeOf(t.component) ?? 4;
      return { t: "v", c: Array.from({ length: t.n }, (_, i) => word(offset + i * bytes)) };
    }
    if (t.kind === "struct") return { t: "st", f: new Map(t.members.map((m) => [m.name, this.wordsAt(derefType(m.type), offset + m.offset, word)])) };
    return S(unknown(`a ${t.kind} value read whole`));
  }

  private recordAccess(node: Expr, ref: Extract<Ref, { kind: "mem" }>, kind: "load" | "store" | "atomic"): void {
    if (this.silent || ref.space === "private") return;
    const type = derefType(ref.type);
    this.out.push({
      k: "access",
      binding: ref.binding.name,
      space: ref.space === "storage" ? "global" : ref.space,
      kind,
      elementType: typeText(type),
      bytes: sizeOf(type) ?? 4,
      address: ref.addr,
      span: node.span,
    });
  }

  /** An index a compiler cannot make constant: not one, and not only counters of loops it unrolls fully. */
  private runtimeIndex(idx: VExpr): boolean {
    if (isConst(idx)) return false;
    if (unknownReason(idx) !== undefined) return true;
    for (const name of varsOf(idx)) if (!this.unrolling.some((l) => l.v === name && l.unrolled)) return true;
    return false;
  }

  /** An element of a function-scope array read or written (the model decides whether the array is in registers). */
  private recordLocal(node: Expr, ref: Extract<Ref, { kind: "local" }>, kind: "load" | "store"): void {
    if (this.silent || !ref.arrayIndex) return;
    let array = this.localArrayNames.get(ref.symbol);
    if (array === undefined) this.localArrayNames.set(ref.symbol, (array = `${ref.symbol.name}#${this.localArrayNames.size}`));
    this.out.push({ k: "local", array, kind, bytes: sizeOf(derefType(ref.type)) ?? 4, runtimeIndex: ref.arrayIndex.runtime, span: node.span });
  }

  private pointerTarget(arg: Expr | undefined, frame: Frame): Ref | undefined {
    return arg ? this.lvalue(arg.kind === "unary" && arg.op === "&" ? arg.operand : arg, frame) : undefined;
  }

  private call(e: CallExpr, frame: Frame): Val {
    const name = e.callee.name;
    const sym = this.resolution.referenceForIdent(e.callee)?.symbol;
    if (sym && sym.kind === "function") return this.callUser(sym, e, frame);
    if (sym && (sym.kind === "struct" || sym.kind === "alias")) {
      for (const a of e.args) this.expr(a, frame);
      return { t: "opaque", reason: `a ${sym.name} value` };
    }
    const resultType = this.types.typeOfExpr(e);
    // Atomics and arrayLength take a pointer: resolve it without loading.
    if (name.startsWith("atomic")) {
      const target = this.pointerTarget(e.args[0], frame);
      for (const a of e.args.slice(1)) this.expr(a, frame);
      if (target && target.kind === "mem" && target.space !== "private") {
        this.recordAccess(e, target, name === "atomicLoad" ? "load" : name === "atomicStore" ? "store" : "atomic");
      }
      return S(unknown(`the result of ${name}`));
    }
    if (name === "arrayLength") {
      const target = this.pointerTarget(e.args[0], frame);
      if (target && target.kind === "mem") return S(this.param({ v: `length.${target.binding.name}`, kind: "bufferLength", binding: target.binding.name }));
      return S(unknown("arrayLength of a buffer without a size"));
    }
    if (name === "textureDimensions" || name === "textureLoad" || name === "textureStore" || name.startsWith("textureSample")) {
      return this.textureCall(name, e, frame, resultType);
    }
    if (name === "workgroupUniformLoad") {
      const target = this.pointerTarget(e.args[0], frame);
      if (target && target.kind === "mem") this.recordAccess(e, target, "load");
      this.emitBarrier(1);
      return S(unknown("a workgroup-uniform loaded value"));
    }
    const args = e.args.map((a) => this.expr(a, frame));
    // Value constructors and conversions.
    if (!sym && (resultType.kind === "vector" || resultType.kind === "scalar" || resultType.kind === "matrix") && /^(vec[234][ifuh]?|mat\dx\d[fh]?|f32|f16|i32|u32|bool)$/.test(name)) {
      if (resultType.kind === "scalar") {
        const from = e.args[0] ? scalarOf(derefType(this.types.typeOfExpr(e.args[0]))) : null;
        if (from && from.name !== resultType.name && !from.name.startsWith("abstract")) this.emitOps("int", 1);
        // bool(x) is x != 0: a count or a loaded integer becomes 0 or 1, so `bool(x) != true` compares truth values.
        if (resultType.name === "bool" && from && from.name !== "bool" && args[0]) return S(bin("!=", this.scalar(args[0]), cst(0)));
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
    if (cost) {
      // Transcendentals count as special ops only (the design note's rule), not their extra arithmetic.
      if (cost.specialOps > 0) this.emitOps("special", Math.max(1, componentCount(resultType)));
      else if (cost.flops > 0) this.emitOps(s?.name === "f16" ? "f16" : "f32", cost.flops);
      this.emitOps("int", cost.intOps);
      this.emitOps("subgroup", cost.crossLaneOps);
      this.emitBarrier(cost.barriers);
    }
    // all(gid.xy < size) and any(...) fold a vector of truth values: a 2-D bounds check stays exact.
    if ((name === "all" || name === "any") && args[0]?.t === "v") return S(args[0].c.reduce((x, y) => bin(name === "all" ? "&&" : "||", x, y)));
    // Integer helpers keep their values symbolic.
    const ints = args.map((a) => this.scalar(a));
    if ((name === "min" || name === "max" || name === "abs" || name === "clamp") && !isFloat) return S(call(name, ints));
    if (name === "select") return S(call("select", ints));
    if (resultType.kind === "vector") return { t: "v", c: new Array(resultType.n).fill(unknown(`${name}(...)`)) };
    return S(unknown(`${name}(...)`));
  }

  /**
   * Texture builtins: textureDimensions reads the size a `// @texture` directive gives; textureLoad and textureStore
   * touch one texel at (x + y W + z W H) texels; textureSample* reads at filtered float coordinates, a gather.
   */
  private textureCall(name: string, e: CallExpr, frame: Frame, resultType: WgslType): Val {
    const arg0 = e.args[0];
    const target = arg0 && arg0.kind === "ident" ? this.resolution.referenceForIdent(arg0.name)?.symbol : undefined;
    const binding = target && target.kind === "var" ? target : undefined;
    const size = (d: 0 | 1 | 2): VExpr =>
      binding ? this.param({ v: `texsize.${binding.name}.${d}`, kind: "textureSize", binding: binding.name, dim: d }) : unknown("the size of a texture");
    const vector = (c: VExpr[]): Val => (resultType.kind === "vector" ? { t: "v", c: c.slice(0, resultType.n) } : S(c[0]));
    if (name === "textureDimensions") {
      for (const a of e.args.slice(1)) this.expr(a, frame);
      return vector([size(0), size(1), size(2)]);
    }
    const args = e.args.slice(1).map((a) => this.expr(a, frame));
    const info = binding ? this.binding(binding).texture : undefined;
    if (binding && info && !this.silent) {
      let address: VExpr;
      if (name.startsWith("textureSample")) address = unknown("a texture sampled at filtered coordinates");
      else {
        const coords = args[0];
        const c = coords ? (coords.t === "v" ? coords.c : [this.scalar(coords)]) : [];
        const [x, y, z] = [c[0] ?? cst(0), c[1] ?? cst(0), c[2] ?? cst(0)];
        const index = bin("+", x, bin("*", size(0), bin("+", y, bin("*", size(1), info.dimensions === 3 ? z : cst(0)))));
        address = bin("*", index, cst(info.texelBytes));
      }
      this.out.push({ k: "access", binding: binding.name, space: "texture", kind: name === "textureStore" ? "store" : "load", elementType: info.format, bytes: info.texelBytes, address, span: e.span });
    }
    if (name === "textureStore") return S(unknown("the result of textureStore"));
    return resultType.kind === "vector" ? { t: "v", c: new Array(resultType.n).fill(unknown(`loaded from texture '${binding?.name ?? "?"}'`)) } : S(unknown("a texel"));
  }

  private callUser(sym: WgslSymbol, e: CallExpr, frame: Frame): Val {
    const fn = sym.decl as FunctionDecl;
    const args = e.args.map((a) => {
      // Pointer arguments (`&x`, `&buf[i]`) bind the parameter to the place.
      if (a.kind === "unary" && a.op === "&") {
        const ref = this.lvalue(a.operand, frame);
        return ref ? ({ t: "ref", ref } as Val) : ({ t: "opaque", reason: "a pointer" } as Val);
      }
      return this.expr(a, frame);
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
    const loops = this.loopExits;
    const guards = this.guards.splice(0);
    this.loopExits = [];
    try {
      // The callee's body is inlined; a return inside it ends the call, not the caller's block.
      const body = this.collect(() => void this.block(fn.body, callee));
      if (!this.silent) this.out.push({ k: "call", name: sym.name, body });
    } finally {
      this.depth--;
      this.loopExits = loops;
      this.guards.push(...guards);
    }
    return callee.returnValue ?? S(unknown(`the result of ${sym.name}`));
  }
}
