// The CUDA front-end's lowering: executes a kernel body (or host code) symbolically, once, and writes the kernel IR.
//
// It follows the WGSL lowering (../wgsl/lower.ts): values are symbolic expressions over ids, loop counters and
// launch parameters, anything loaded is unknown, device functions and function-like macros are inlined at each use,
// and what the cost model needs (arithmetic by class, memory operations with byte addresses, branches, loops with
// their counters, barriers, function-scope arrays) is written in program order. CUDA's ids become the IR's
// (threadIdx -> lid, blockIdx -> wid, blockDim -> wgsize, gridDim -> nwg, warpSize -> subgroup_size); pointer
// parameters become global bindings, `__shared__` arrays workgroup bindings, integer parameters and template
// parameters without a value launch parameters (overrides by name). The same interpreter runs host code silently
// (no IR) to read the values a launch site passes (launch.ts): `mode: "host"`.
import type { BindingIR, IrNode, KernelIR, LaunchParam, LoopCounter, OpClass, PrivateValue, Span } from "../kernel/ir";
import { SUBGROUP_SIZE_VAR } from "../kernel/ir";
import { bin, call, cst, isConst, un, unknown, unknownReason, vr, type VExpr, varsOf } from "../kernel/vexpr";
import {
  BARRIERS, CONVERSIONS, FLOPS, FREE, INT_OPS, isAtomic, LOAD_HINTS, makeVectorType, NO_COST, SHUFFLES, SPECIAL, STORE_HINTS, VOTES,
  WARP_REDUCTIONS,
} from "./builtins";
import { type Expansion, expandMacro, MACRO_ARG, macroTemplate, mapExpansionOffset } from "./macros";
import { pragmaBefore } from "./prepare";
import { type CudaProgram, declaredName, type FunctionInfo, type FunctionMacro } from "./program";
import { childOfType, type CNode, field, kids, namedKids } from "./syntax";
import {
  BOOL, builtinType, commonType, components, type CType, DIM3, elementOf, F32, fragmentScalar, I32, I64, isFloatScalar, isFloatType,
  layoutStruct, opClassOf, scalar, scalarOf, sizeOf, typeText, U32, U64, UINT3, unknownType, vectorOf, VOID,
} from "./types";
import type { MemSpace, Place, Slot, Val } from "./values";

/** A template argument: a value (known, or a launch parameter) or a type. */
export type TemplateArg =
  | { readonly k: "value"; readonly v: VExpr }
  | { readonly k: "type"; readonly t: CType }
  /** A function passed as a template argument (`blockReduce<warpReduceMax>`). */
  | { readonly k: "fn"; readonly name: string };

/** What the lowering needs from the analysis around it. */
export interface LowerContext {
  readonly prog: CudaProgram;
  readonly pragmas: readonly { readonly at: number; readonly factor: number | undefined }[];
  readonly aligns: readonly { readonly at: number; readonly align: number }[];
  /** Object-like macros in force (the preprocessor's defines), for macro bodies. */
  readonly objectMacros: ReadonlyMap<string, string>;
  /** Parses a snippet (a macro's expansion inside a function) and copies its tree whole; null when unavailable. */
  readonly parseSnippet: (text: string) => CNode | null;
  /** The 1-based line in the user's file of an offset of the analysed text, for notes. */
  readonly lineOf: (offset: number) => number;
}

/** A kernel launch found in host code, with the values the interpreter could follow. */
export interface LaunchRecord {
  readonly kernel: string;
  readonly templateArgs: readonly (TemplateArg | undefined)[];
  readonly grid: Val | undefined;
  readonly block: Val | undefined;
  readonly smem: Val | undefined;
  readonly args: readonly Val[];
  /** The launch expression in the analysed text. */
  readonly span: Span;
}

/** Prefix of the symbols that stand for a host function's unknown integer parameters. */
export const HOST_VAR = "host.";

/** The parameter whose value is the launch's dynamic shared memory in bytes (`extern __shared__` arrays). */
export const DYNAMIC_SMEM = "@smem";

const S = (e: VExpr, ty: CType): Val => ({ t: "s", e, ty });
const O = (reason: string, ty: CType = unknownType("?")): Val => ({ t: "o", reason, ty });

const MAX_CALL_DEPTH = 24;
const MAX_EXPR_DEPTH = 400;
const STATEMENT_BUDGET = 200000;
/** Host code is read for its launches only: a smaller budget. */
const HOST_STATEMENT_BUDGET = 20000;
/** nvcc fully unrolls a nest of loops with constant trip counts up to about this many iterations (more with #pragma unroll). */
const UNROLL_LIMIT = 512;
const PRAGMA_UNROLL_LIMIT = 4096;
const LAUNCH_VAR = /^(override|uniform|stored|length)\.|^(wgsize|nwg)\.|^subgroup_size$/;
/** Names of the usual ceil-division helper (CEIL_DIV, ceil_div, cdiv, DIV_UP, iDivUp, ...). */
const CEIL_DIV_NAMES = /^(ceil_?div|cdiv|div_?up|divUp|iDivUp|ceilDiv|DIVUP|CEILDIV|ceil_div_int|divide_round_up|div_round_up)$/i;
const COMPARISONS = new Set(["<", "<=", ">", ">=", "==", "!="]);
const ID_BUILTINS: Readonly<Record<string, readonly string[]>> = {
  threadIdx: ["lid.x", "lid.y", "lid.z"],
  blockIdx: ["wid.x", "wid.y", "wid.z"],
  blockDim: ["wgsize.x", "wgsize.y", "wgsize.z"],
  gridDim: ["nwg.x", "nwg.y", "nwg.z"],
};

class Scope {
  readonly names = new Map<string, Slot>();
  readonly types = new Map<string, CType>();
  /** The file scope declares its names when first looked up. */
  resolve?: (name: string) => Slot | undefined;
  private readonly missing = new Set<string>();
  constructor(readonly parent: Scope | null) {}
  slot(name: string): Slot | undefined {
    const x = this.names.get(name);
    if (x) return x;
    if (this.parent) return this.parent.slot(name);
    if (!this.resolve || this.missing.has(name)) return undefined;
    const r = this.resolve(name);
    if (r) this.names.set(name, r);
    else this.missing.add(name);
    return r;
  }
  type(name: string): CType | undefined {
    const x = this.types.get(name);
    return x ?? this.parent?.type(name);
  }
}

/** The call being inlined: its return values (and places, for a function that returns a reference). */
interface CallFrame {
  returns: Val[];
  places: Place[];
  wantsPlace: boolean;
}

/** A struct's definition and the template arguments it was instantiated with. */
interface StructInfo {
  readonly node: CNode;
  readonly args: ReadonlyMap<string, TemplateArg>;
}

/** A source the nodes being lowered belong to: the analysed text, or a macro's expansion mapped back to it. */
interface Source {
  readonly text: string;
  readonly map?: (offset: number, bias: "start" | "end") => number;
}

type MutableOps = { k: "ops" } & Record<OpClass, number>;
type MutableLocal = { k: "local"; array: string; kind: "load" | "store"; bytes: number; runtimeIndex: boolean; span: Span };

/** A loop being lowered: its iteration variable and what decides whether nvcc unrolls it fully. */
interface LoopState {
  readonly v: string;
  readonly trip: number | undefined;
  readonly pragma: number | undefined | "none";
  /** The largest unrolled size of the loops nested in it, or Infinity when one of them is not unrolled. */
  inner: number;
}

export interface LoweredKernel {
  readonly ir: KernelIR;
  /** Whether the kernel reads y and z thread indices or block sizes (for an assumed block shape). */
  readonly dims: 1 | 2 | 3;
  /** `__launch_bounds__`'s maximum threads per block, where it is a constant. */
  readonly launchBounds?: number;
}

export class Interp {
  private out: IrNode[] = [];
  private silent = false;
  private readonly params = new Map<string, LaunchParam>();
  private readonly bindings = new Map<string, BindingIR>();
  private readonly bindingByDecl = new Map<string, string>();
  private readonly notes: { what: string; reason: string; span?: Span }[] = [];
  private readonly noted = new Set<string>();
  private readonly privateValues: PrivateValue[] = [];
  /** Each local array's register estimate entry, told after lowering whether every index became a constant. */
  private readonly arrayValues = new Map<string, { words: number; mutable: boolean; array: boolean; inRegisters?: boolean }>();
  private readonly guards: VExpr[] = [];
  private loopExits: { guardDepth: number; onData: boolean; breakable: "loop" | "switch" }[] = [];
  private readonly loops: LoopState[] = [];
  private readonly unrolled = new Set<string>();
  /** Counters of the loops being lowered that nvcc will likely unroll fully (constant trip count, no #pragma unroll 1). */
  private readonly unrolling = new Set<string>();
  private readonly pendingLocals: { node: MutableLocal; indices: readonly VExpr[] }[] = [];
  private readonly callStack: CallFrame[] = [];
  /** The functions being inlined (their definitions), innermost last: a recursive call is not followed. */
  private readonly inlining: CNode[] = [];
  private sources: Source[] = [];
  /** Macro uses being lowered: their arguments and where they were written. */
  private macroFrames: { readonly args: readonly CNode[]; readonly sources: Source[] }[] = [];
  private readonly templates = new Map<string, string | null>();
  private readonly launches: LaunchRecord[] = [];
  private readonly globalScope = new Scope(null);
  private scope: Scope;
  private env = new Map<Slot, Val>();
  private slotIds = 0;
  private loopCounter = 0;
  private arrayCounter = 0;
  private hostIds = 0;
  private depth = 0;
  private exprDepth = 0;
  private scopeDepth = 0;
  private budget = STATEMENT_BUDGET;
  private readsWorkgroupId = false;
  private dimsRead = 1;
  private structCache = new Map<string, CType>();
  private readonly structInfos = new Map<string, StructInfo>();
  /** The place the last inlined call returned a reference to, when it returned one. */
  private lastCallPlace: Place | undefined;
  private snippetCache = new Map<string, CNode | null>();
  private hostAllocs = new Map<string, { bytes: VExpr | undefined }>();

  constructor(private readonly ctx: LowerContext, private readonly mode: "device" | "host") {
    this.sources.push({ text: ctx.prog.text });
    this.globalScope.resolve = (name) => this.globalSlot(name);
    this.scope = new Scope(this.globalScope);
  }

  // ---- Entry points --------------------------------------------------------------------------------------------

  /** Lowers one kernel instantiation (template arguments already chosen). */
  lowerKernel(fn: FunctionInfo, templateArgs: ReadonlyMap<string, TemplateArg>, name: string): LoweredKernel {
    this.scope = new Scope(this.globalScope);
    this.bindTemplate(fn, templateArgs, true);
    this.kernelParams(fn);
    const launchBounds = fn.launchBounds ? namedKids(fn.launchBounds)[0] : undefined;
    let bounds: number | undefined;
    if (launchBounds) {
      const v = this.scalarOf(this.quiet(() => this.ev(launchBounds)));
      if (isConst(v)) bounds = v.v;
    }
    const body = this.collect(() => {
      if (fn.body) this.guarded(() => this.block(fn.body!), fn.body);
    });
    this.finishLocals();
    const dims = this.dimsRead as 1 | 2 | 3;
    const smem = [...this.bindings.values()].find((b) => b.space === "workgroup" && b.bytes && varsOf(b.bytes).has(`override.${DYNAMIC_SMEM}`));
    const ir: KernelIR = {
      name,
      language: "cuda",
      nameSpan: fn.nameSpan,
      bindings: [...this.bindings.values()],
      launch: {
        workgroupSize: null,
        workgroupSizeMissing: `the block size of '${name}' comes from its launch: none was found in this file; add // @block 256 above the kernel`,
        overrideDefaults: new Map(),
        readsWorkgroupId: this.readsWorkgroupId,
        ...(smem ? { dynamicSharedBytes: vr(`override.${DYNAMIC_SMEM}`) } : {}),
      },
      params: this.params,
      body,
      privateValues: this.privateValues,
      notes: this.notes,
      // ptxas vectorises neighbouring shared loads of unrolled code (seen in the SASS of the sgemm fixtures: 128
      // LDS.32 in the source's order become 32 LDS.128 in siboehm's 2D-blocktiling kernel).
      mergesUnrolledSharedLoads: true,
    };
    return { ir, dims, launchBounds: bounds };
  }

  /** Runs a host function silently and returns the kernel launches it makes (through the functions it calls too). */
  interpretHost(fn: FunctionInfo, budget = HOST_STATEMENT_BUDGET): LaunchRecord[] {
    this.budget = Math.min(budget, HOST_STATEMENT_BUDGET);
    this.scope = new Scope(this.globalScope);
    this.bindTemplate(fn, new Map(), false);
    for (const p of this.paramList(fn)) {
      const slot = this.newSlot(p.name, p.ty);
      this.scope.names.set(p.name, slot);
      // An integer parameter of a launching function nobody in the file calls (a wrapper, a library entry) is a
      // symbol: a launch's grid written over it (CEIL_DIV(N, 128)) follows the kernel argument it is passed as.
      const s = scalarOf(p.ty);
      const integer = p.ty.k === "scalar" && s !== undefined && !isFloatScalar(s) && s !== "bool";
      this.env.set(slot, p.ty.k === "ptr" ? this.hostPointer(p.ty, p.name, undefined) : integer ? S(vr(`${HOST_VAR}${p.name}`), p.ty) : this.unknownOf(p.ty, `parameter '${p.name}'`));
    }
    this.silent = true;
    if (fn.body) this.guarded(() => this.block(fn.body!), fn.body);
    return this.launches;
  }

  /** Statements of the budget the last run left (host code shares one budget per file). */
  get remainingBudget(): number {
    return Math.max(0, this.budget);
  }

  /** A template argument as written (`256`, `float`, `BM` naming a constant). */
  templateArgOf(a: CNode): TemplateArg | undefined {
    return this.templateArg(a, false);
  }

  /** Evaluates a file-scope constant expression (a directive-free template default, a launch-bounds value). */
  constantOf(n: CNode): VExpr {
    return this.scalarOf(this.quiet(() => this.ev(n)));
  }

  // ---- Bookkeeping -----------------------------------------------------------------------------------------------

  private note(what: string, reason: string, span?: Span): void {
    const key = `${what}:${reason}`;
    if (this.noted.has(key) || this.mode === "host") return;
    this.noted.add(key);
    this.notes.push({ what, reason, span });
  }

  private param(p: LaunchParam): VExpr {
    if (!this.params.has(p.v)) this.params.set(p.v, p);
    return vr(p.v);
  }

  private override(name: string, span?: Span): VExpr {
    return this.param({ v: `override.${name}`, kind: "override", name, ...(span ? { span } : {}) });
  }

  private newSlot(name: string, ty: CType, extra: Partial<Slot> = {}): Slot {
    return { name, id: ++this.slotIds, ty, ...extra };
  }

  /** Runs `f` and turns an internal failure into a note, so one odd construct never loses the whole kernel. */
  private guarded(f: () => void, at: CNode): void {
    try {
      f();
    } catch (err) {
      this.note("the kernel", `could not be analysed past this point (${(err as Error).message}): counts are partial`, this.sp(at));
      if (this.mode === "device") this.out.push({ k: "exit" });
    }
  }

  // ---- Source text and spans -------------------------------------------------------------------------------------

  private get src(): Source {
    return this.sources[this.sources.length - 1];
  }

  /** Leaves the innermost block scope: its locals are dead, so they leave the tracked values (branches copy them). */
  private popScope(): void {
    this.dropSlots(this.scope);
    this.scope = this.scope.parent!;
  }

  private dropSlots(scope: Scope): void {
    for (const slot of scope.names.values()) if (!slot.lazy) this.env.delete(slot);
  }

  /** Runs `f` on nodes of the analysed text itself (a global, a function body) while a macro's expansion is lowered. */
  private inMain<T>(f: () => T): T {
    if (this.sources.length === 1) return f();
    this.sources.push({ text: this.ctx.prog.text });
    try {
      return f();
    } finally {
      this.sources.pop();
    }
  }

  private tx(n: CNode): string {
    return this.src.text.slice(n.start, n.end);
  }

  /** A node's span in the analysed text (through a macro's expansion map where the node came from one). */
  private sp(n: { start: number; end: number }): Span {
    let start = n.start, end = n.end;
    for (let i = this.sources.length - 1; i >= 0; i--) {
      const m = this.sources[i].map;
      if (!m) break;
      start = m(start, "start");
      end = m(end, "end");
    }
    return { start, end: Math.max(start, end) };
  }

  // ---- Emitting --------------------------------------------------------------------------------------------------

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

  private get emitting(): boolean {
    return !this.silent && this.mode === "device";
  }

  private emitOps(cls: OpClass, n: number): void {
    if (!this.emitting || n <= 0) return;
    const last = this.out[this.out.length - 1];
    if (last && last.k === "ops") {
      (last as MutableOps)[cls] += n;
      return;
    }
    const node: MutableOps = { k: "ops", f32: 0, f16: 0, bf16: 0, int: 0, special: 0, subgroup: 0, tensor: 0 };
    node[cls] = n;
    this.out.push(node);
  }

  private emitBarrier(count = 1): void {
    if (this.emitting && count > 0) this.out.push({ k: "barrier", count });
  }

  /** Lowers without emitting (loop bounds, steps, constants: counted where they are written). */
  private quiet<T>(f: () => T): T {
    const saved = this.silent;
    this.silent = true;
    try {
      return f();
    } finally {
      this.silent = saved;
    }
  }

  /** Arithmetic of `n` components in type `t`: FLOPs by dtype or integer ops. */
  private countArith(t: CType, n = components(t)): void {
    const s = scalarOf(t);
    if (!s) return;
    if (s === "f64") this.note("double precision", "arithmetic in double is counted as f32 FLOPs (most GPUs run it far slower)");
    this.emitOps(opClassOf(s), n);
  }

  // ---- Globals ---------------------------------------------------------------------------------------------------

  /**
   * A file-scope name, declared when first looked up: constants (evaluated when first read), enumerators,
   * `__constant__` and `__device__` memory. Undefined for a name the file does not declare.
   */
  private globalSlot(name: string): Slot | undefined {
    const prog = this.ctx.prog;
    const e = prog.enums.get(name);
    if (e) {
      const slot = this.newSlot(name, I32);
      slot.lazy = (): Val => this.inMain(() => {
        if (e.value) return S(this.constantOf(e.value), I32);
        const prev = e.previous ? this.globalScope.slot(e.previous) : undefined;
        const pv = prev ? this.scalarOf(this.read(prev)) : cst(-1);
        return S(bin("+", pv, cst(1)), I32);
      });
      return slot;
    }
    const g = prog.globals.get(name);
    if (!g) return undefined;
    const { ty, init, quals } = this.inMain(() => {
      const base = this.baseType(g.decl);
      const q = this.qualifiers(g.decl);
      return { ...this.declarator(g.declarator, base, q.isConst), quals: q };
    });
    if (quals.constant || quals.device || quals.shared) {
      const space: MemSpace = quals.constant ? "uniform" : quals.shared ? "workgroup" : "global";
      const slot = this.newSlot(name, ty);
      slot.lazy = (): Val => this.inMain(() => {
        const place = this.globalMemory(name, ty, space, g.declarator);
        return { t: "p", base: { k: "mem", binding: place.binding, space }, addr: cst(0), ty: { k: "ptr", to: ty, readonly: space === "uniform" } };
      });
      return slot;
    }
    const slot = this.newSlot(name, ty);
    let busy = false;
    slot.lazy = (): Val => {
      if (busy || !init) return this.unknownOf(ty, `'${name}' is not a constant`);
      busy = true;
      try {
        const v = this.inMain(() => this.quiet(() => this.ev(init)));
        return quals.isConst || quals.constexpr ? this.convert(v, ty, false) : this.unknownOf(ty, `'${name}' is a mutable global`);
      } finally {
        busy = false;
      }
    };
    return slot;
  }

  /** A `__constant__` / `__device__` / file-scope `__shared__` variable as a binding, registered at its first use. */
  private globalMemory(name: string, ty: CType, space: MemSpace, decl: CNode): { binding: string } {
    if (!this.bindings.has(name)) {
      this.bindings.set(name, {
        name,
        space,
        access: space === "uniform" ? "read" : "read_write",
        elementType: typeText(ty.k === "array" ? ty.of : ty),
        bytes: this.bytesOf(ty),
        span: this.sp(declaredName(decl, this.src.text) ?? decl),
      });
    }
    return { binding: name };
  }

  /**
   * The bytes between consecutive elements of type `ty` (an array index's or a pointer step's scale). A row whose
   * length the launch decides (`tile[TILE][TILE + 1]` with TILE a template parameter no launch fixes, given by
   * `--let` or a sweep) is as long as the launch makes it, so the stride stays symbolic; `fallback` only where the
   * size cannot be known at all.
   */
  private strideOf(ty: CType, fallback: number): VExpr {
    const s = sizeOf(ty);
    if (s !== undefined) return cst(s);
    const e = this.bytesOf(ty);
    return e && unknownReason(e) === undefined ? e : cst(fallback);
  }

  private bytesOf(ty: CType): VExpr | null {
    if (ty.k === "array") {
      const e = this.bytesOf(ty.of);
      return e && ty.count ? bin("*", ty.count, e) : null;
    }
    const s = sizeOf(ty);
    return s === undefined ? null : cst(s);
  }

  // ---- Kernel parameters and templates ---------------------------------------------------------------------------

  private bindTemplate(fn: FunctionInfo, args: ReadonlyMap<string, TemplateArg>, asLaunch: boolean): void {
    if (!fn.template) return;
    for (const p of kids(fn.template)) {
      const isType = p.type === "type_parameter_declaration" || p.type === "optional_type_parameter_declaration" || p.type === "variadic_type_parameter_declaration";
      const isValue = p.type === "parameter_declaration" || p.type === "optional_parameter_declaration";
      if (!isType && !isValue) continue;
      const id = isType ? (field(p, "name") ?? childOfType(p, "type_identifier")) : declaredName(field(p, "declarator"), this.src.text);
      if (!id) continue;
      const name = this.tx(id);
      const given = args.get(name);
      if (isType) {
        let t = given?.k === "type" ? given.t : undefined;
        const def = field(p, "default_type");
        if (!t && def) t = this.typeOf(def);
        if (!t) {
          t = F32;
          this.note(`template parameter '${name}'`, `no launch or instantiation gives it a type: float is assumed (add // @template ${name} = float)`, this.sp(id));
        }
        this.scope.types.set(name, t);
        continue;
      }
      if (given?.k === "fn") {
        this.scope.names.set(name, this.newSlot(name, unknownType("a function"), { fnAlias: given.name }));
        continue;
      }
      // A function-pointer parameter (`float (*bin_op)(float, float)`) no launch names: a function, not a size.
      if (isValue && /function_declarator/.test(field(p, "declarator")?.type ?? "")) {
        this.scope.names.set(name, this.newSlot(name, unknownType("a function")));
        continue;
      }
      const ty = this.typeOf(field(p, "type") ?? p);
      let v: VExpr | undefined = given?.k === "value" ? given.v : undefined;
      const def = field(p, "default_value");
      if (v === undefined && def) v = this.scalarOf(this.quiet(() => this.ev(def)));
      if (v === undefined || unknownReason(v) !== undefined) v = asLaunch ? this.override(name, this.sp(id)) : unknown(`template parameter '${name}'`);
      const slot = this.newSlot(name, ty);
      this.scope.names.set(name, slot);
      this.env.set(slot, S(v, ty));
    }
  }

  /** Kernel parameters: pointers become global bindings, integers launch parameters, structs both by field. */
  private kernelParams(fn: FunctionInfo): void {
    for (const p of this.paramList(fn)) {
      const slot = this.newSlot(p.name, p.ty);
      this.scope.names.set(p.name, slot);
      this.env.set(slot, this.argumentValue(p.name, p.ty, p.span));
    }
  }

  private argumentValue(name: string, ty: CType, span: Span): Val {
    if (ty.k === "ptr") {
      const to = ty.to;
      const stride = sizeOf(to) ?? 1;
      if (!this.bindings.has(name)) {
        this.bindings.set(name, {
          name,
          space: "global",
          access: ty.readonly ? "read" : "read_write",
          elementType: typeText(to),
          bytes: null,
          runtimeArray: { headerBytes: 0, strideBytes: stride },
          span,
        });
      }
      return { t: "p", base: { k: "mem", binding: name, space: "global" }, addr: cst(0), ty };
    }
    const s = scalarOf(ty);
    if (ty.k === "scalar" && s && !isFloatScalar(s)) return S(this.override(name, span), ty);
    if (ty.k === "struct") {
      const f = new Map<string, Val>();
      for (const m of ty.fields) f.set(m.name, this.argumentValue(`${name}.${m.name}`, m.type, span));
      return { t: "st", f, ty };
    }
    return this.unknownOf(ty, `kernel argument '${name}'`);
  }

  private paramList(fn: FunctionInfo): { name: string; ty: CType; span: Span; node: CNode }[] {
    const out: { name: string; ty: CType; span: Span; node: CNode }[] = [];
    for (const p of kids(fn.params ?? { type: "", start: 0, end: 0, named: true, field: null, children: [] })) {
      if (p.type !== "parameter_declaration" && p.type !== "optional_parameter_declaration") continue;
      const base = this.baseType(p);
      const quals = this.qualifiers(p);
      const d = field(p, "declarator");
      const { ty, name } = this.declarator(d, base, quals.isConst);
      if (!name) continue;
      out.push({ name: this.tx(name), ty, span: this.sp(name), node: p });
    }
    return out;
  }

  // ---- Types -----------------------------------------------------------------------------------------------------

  private qualifiers(decl: CNode): { isConst: boolean; constexpr: boolean; shared: boolean; constant: boolean; device: boolean; extern: boolean; isStatic: boolean } {
    const q = { isConst: false, constexpr: false, shared: false, constant: false, device: false, extern: false, isStatic: false };
    for (const k of kids(decl)) {
      const t = k.type === "type_qualifier" || k.type === "storage_class_specifier" ? this.tx(k).trim() : !k.named ? k.type : "";
      if (t === "const") q.isConst = true;
      else if (t === "constexpr" || t === "consteval") { q.constexpr = true; q.isConst = true; }
      else if (t === "__shared__") q.shared = true;
      else if (t === "__constant__") q.constant = true;
      else if (t === "__device__" || t === "__managed__") q.device = true;
      else if (t === "extern") q.extern = true;
      else if (t === "static") q.isStatic = true;
    }
    return q;
  }

  /** The type a declaration's `type` field names. */
  private baseType(decl: CNode): CType {
    const t = field(decl, "type");
    return t ? this.typeOf(t) : unknownType("?");
  }

  /** A type node (primitive, sized, identifier, qualified, template, struct, type descriptor) as a CType. */
  typeOf(n: CNode): CType {
    switch (n.type) {
      case "primitive_type":
      case "sized_type_specifier":
        return builtinType(this.tx(n)) ?? (/unsigned/.test(this.tx(n)) ? U32 : I32);
      case "type_identifier":
      case "identifier":
        return this.namedType(this.tx(n));
      case "type_descriptor": {
        const base = field(n, "type");
        const bt = base ? this.typeOf(base) : unknownType("?");
        const d = field(n, "declarator");
        return d ? this.declarator(d, bt, kids(n).some((k) => k.type === "type_qualifier" && this.tx(k) === "const")).ty : bt;
      }
      case "qualified_identifier": {
        const name = field(n, "name");
        const scope = field(n, "scope");
        const s = scope ? this.tx(scope) : "";
        if (name && name.type === "template_type") return this.templateType(name, s);
        const last = name ? this.tx(name) : this.tx(n);
        if (/^(cg|cooperative_groups)$/.test(s)) return this.groupType(last);
        return builtinType(`${s}::${last}`) ?? (name ? this.typeOf(name) : unknownType(this.tx(n)));
      }
      case "template_type":
        return this.templateType(n, "");
      case "struct_specifier":
      case "class_specifier":
      case "union_specifier":
        return this.structType(n);
      case "placeholder_type_specifier":
        return unknownType("auto");
      case "enum_specifier":
        return I32;
      case "dependent_type":
        return namedKids(n)[0] ? this.typeOf(namedKids(n)[0]) : unknownType("?");
      default:
        return unknownType(this.tx(n));
    }
  }

  private namedType(name: string): CType {
    const local = this.scope.type(name);
    if (local) return local;
    const b = builtinType(name);
    if (b) return b;
    const cached = this.structCache.get(name);
    if (cached) return cached;
    const alias = this.ctx.prog.aliases.get(name);
    if (alias) {
      this.structCache.set(name, unknownType(name));
      const t = this.inMain(() => {
        const base = this.typeOf(alias.type);
        return alias.declarator ? this.declarator(alias.declarator, base, false).ty : base;
      });
      this.structCache.set(name, t);
      return t;
    }
    const s = this.ctx.prog.structs.get(name);
    if (s) return this.inMain(() => this.structType(s));
    if (/^(thread_block|grid_group|thread_group|coalesced_group)$/.test(name)) return this.groupType(name);
    return unknownType(name);
  }

  private groupType(name: string, size?: number): CType {
    if (name === "thread_block") return { k: "group", scope: "block" };
    if (name === "grid_group" || name === "multi_grid_group") return { k: "group", scope: "grid" };
    if (name === "thread_block_tile") return { k: "group", scope: "tile", size: size ?? 32 };
    if (name === "coalesced_group" || name === "thread_group") return { k: "group", scope: "tile", size: 32 };
    return unknownType(name);
  }

  private templateType(n: CNode, scope: string): CType {
    const nameNode = field(n, "name");
    const name = nameNode ? this.tx(nameNode) : "";
    const args = namedKids(field(n, "arguments") ?? n).filter((a) => a.field !== "name");
    if (name === "thread_block_tile") {
      const size = args[0] ? this.scalarOf(this.quiet(() => this.ev(args[0].type === "type_descriptor" ? (field(args[0], "type") ?? args[0]) : args[0]))) : cst(32);
      return this.groupType(name, isConst(size) ? size.v : 32);
    }
    if (name === "fragment" || /wmma/.test(scope)) {
      const text = args.map((a) => this.tx(a));
      const num = (i: number): number => {
        const v = args[i] ? this.scalarOf(this.quiet(() => this.ev(args[i].type === "type_descriptor" ? (field(args[i], "type") ?? args[i]) : args[i]))) : cst(16);
        return isConst(v) ? v.v : 16;
      };
      const use = (text[0] ?? "").replace(/.*::/, "");
      return { k: "fragment", use, m: num(1), n: num(2), kk: num(3), s: fragmentScalar(text[4] ?? "half"), name: `wmma::fragment<${text.join(", ")}>` };
    }
    if (/^(vector|device_vector|host_vector|unique_ptr|shared_ptr|array)$/.test(name)) {
      const elem = args[0] ? this.typeOf(args[0]) : unknownType("?");
      return { k: "ptr", to: elem, readonly: false };
    }
    return this.instantiateStruct(name, args) ?? unknownType(`${name}<...>`);
  }

  private structType(n: CNode, instance?: { name: string; args: ReadonlyMap<string, TemplateArg> }): CType {
    const nameNode = field(n, "name");
    const name = instance?.name ?? (nameNode ? this.tx(nameNode) : `struct@${n.start}`);
    const body = field(n, "body");
    if (!body) {
      const named = nameNode ? this.ctx.prog.structs.get(name) : undefined;
      return named && named !== n ? this.inMain(() => this.structType(named)) : unknownType(name);
    }
    const key = `${name}@${n.start}`;
    const cached = this.structCache.get(key);
    if (cached) return cached;
    this.structCache.set(key, unknownType(name));
    const info: StructInfo = { node: n, args: instance?.args ?? new Map() };
    this.structInfos.set(name, info);
    // Members are laid out in the struct's own scope: its template arguments and static constants.
    const saved = this.scope;
    this.scope = this.structScope(info, undefined);
    try {
      const t = this.layoutMembers(n, body, name);
      this.structCache.set(key, t);
      return t;
    } finally {
      this.scope = saved;
    }
  }

  private layoutMembers(n: CNode, body: CNode, name: string): CType {
    const members: { name: string; type: CType; anonymous?: boolean }[] = [];
    for (const f of kids(body)) {
      if (f.type !== "field_declaration") continue;
      if (kids(f).some((k) => k.type === "storage_class_specifier" && this.tx(k) === "static")) continue;
      const declarators = kids(f).filter((k) => k.field === "declarator");
      const inner = field(f, "type");
      if (declarators.length === 0 && inner && (inner.type === "union_specifier" || inner.type === "struct_specifier") && field(inner, "body")) {
        // An anonymous union or struct: its members are members of this struct.
        members.push({ name: "", type: this.structType(inner), anonymous: true });
        continue;
      }
      const base = this.baseType(f);
      for (const d of declarators) {
        if (d.type === "function_declarator") continue;
        const r = this.declarator(d, base, false);
        if (r.name) members.push({ name: this.tx(r.name), type: r.ty });
      }
    }
    let align = 1;
    const bodyStart = body.start;
    for (const a of this.ctx.aligns) if (a.at >= n.start && a.at < bodyStart) align = Math.max(align, a.align);
    const alignas = childOfType(n, "alignas_qualifier");
    if (alignas) {
      const v = this.scalarOf(this.quiet(() => this.ev(namedKids(alignas)[0] ?? alignas)));
      if (isConst(v)) align = Math.max(align, v.v);
    }
    return layoutStruct(name, members, align, n.type === "union_specifier");
  }

  /**
   * The scope a struct's members and methods see: its template arguments, its static constants (evaluated when
   * read) and, for a method called on an object, the object's fields as places (`payload` is `this->payload`).
   */
  private structScope(info: StructInfo, self: Place | undefined): Scope {
    const scope = new Scope(this.globalScope);
    for (const [k, a] of info.args) {
      if (a.k === "type") scope.types.set(k, a.t);
      else if (a.k === "fn") scope.names.set(k, this.newSlot(k, unknownType("a function"), { fnAlias: a.name }));
      else {
        const slot = this.newSlot(k, I32);
        scope.names.set(k, slot);
        this.env.set(slot, S(a.v, I32));
      }
    }
    const body = field(info.node, "body");
    for (const f of kids(body ?? info.node)) {
      if (f.type !== "field_declaration" || !kids(f).some((k) => k.type === "storage_class_specifier" && this.tx(k) === "static")) continue;
      const id = kids(f).find((k) => k.field === "declarator");
      const init = field(f, "default_value") ?? (id && id.type === "init_declarator" ? field(id, "value") : undefined);
      const nameNode = id ? declaredName(id, this.src.text) : undefined;
      if (!nameNode || !init) continue;
      const memberName = this.tx(nameNode);
      const slot = this.newSlot(memberName, I64);
      let busy = false;
      slot.lazy = (): Val => {
        if (busy) return O(`'${memberName}' refers to itself`);
        busy = true;
        const saved = this.scope;
        this.scope = scope;
        try {
          return this.inMain(() => this.quiet(() => this.ev(init)));
        } finally {
          this.scope = saved;
          busy = false;
        }
      };
      scope.names.set(memberName, slot);
    }
    if (self) {
      const t = self.ty.k === "ref" ? self.ty.to : self.ty;
      if (t.k === "struct") {
        for (const m of t.fields) {
          const pl = this.member(self, m.name);
          if (pl) scope.names.set(m.name, this.newSlot(m.name, m.type, { place: pl }));
        }
      }
    }
    return scope;
  }

  /** A class template instantiated (`Packed128<float>`): its layout with the arguments bound, cached by its name. */
  private instantiateStruct(name: string, args: readonly CNode[]): CType | undefined {
    const node = this.ctx.prog.structs.get(name);
    const params = this.ctx.prog.structTemplates.get(name);
    if (!node || !params) return undefined;
    const tparams = kids(params).filter((k) => /parameter_declaration/.test(k.type));
    const bound = new Map<string, TemplateArg>();
    const texts: string[] = [];
    tparams.forEach((p, i) => {
      const isType = /type_parameter/.test(p.type);
      const id = isType ? (field(p, "name") ?? childOfType(p, "type_identifier")) : declaredName(field(p, "declarator"), this.ctx.prog.text);
      if (!id) return;
      const pname = this.ctx.prog.text.slice(id.start, id.end);
      const a = args[i] ? this.templateArg(args[i], isType) : undefined;
      if (a) {
        bound.set(pname, a);
        texts.push(a.k === "type" ? typeText(a.t) : a.k === "fn" ? a.name : isConst(a.v) ? String(a.v.v) : "?");
      } else texts.push("?");
    });
    const full = `${name}<${texts.join(", ")}>`;
    return this.inMain(() => this.structType(node, { name: full, args: bound }));
  }

  /** A static constant of a struct named through its type (`f128::size`, `Packed128<float>::size`). */
  private staticMember(scopeNode: CNode, member: string): Val | undefined {
    const t = scopeNode.type === "template_type" ? this.typeOf(scopeNode) : this.namedType(this.tx(scopeNode));
    const info = t.k === "struct" ? this.structInfos.get(t.name) : undefined;
    const slot = info ? this.structScope(info, undefined).names.get(member) : undefined;
    if (slot) return this.read(slot);
    // A trait read from an explicit specialization (`type_traits<type>::qk` with `template <> struct
    // type_traits<Q4_0> { static constexpr int qk = 32; }`).
    const spec = scopeNode.type === "template_type" ? this.specialization(scopeNode) : undefined;
    const specSlot = spec ? this.structScope({ node: spec, args: new Map() }, undefined).names.get(member) : undefined;
    return specSlot ? this.read(specSlot) : undefined;
  }

  /**
   * The explicit specialization `template <> struct name<args>` whose arguments equal those of a use, compared
   * as constants or types. Reads the struct table whole (a kernel that needs this is not kept across keystrokes).
   */
  private specialization(use: CNode): CNode | undefined {
    const nameNode = field(use, "name");
    const argsNode = field(use, "arguments");
    if (!nameNode || !argsNode) return undefined;
    const name = this.tx(nameNode);
    const given = namedKids(argsNode).map((a) => this.templateArg(a, false));
    if (given.some((g) => g === undefined || g.k === "fn" || (g.k === "value" && !isConst(g.v)))) return undefined;
    for (const [key, node] of this.ctx.prog.structs) {
      if (!key.startsWith(`${name}<`)) continue;
      const specArgs = field(node, "name");
      const list = specArgs && specArgs.type === "template_type" ? field(specArgs, "arguments") : undefined;
      if (!list) continue;
      const saved = this.scope;
      this.scope = this.globalScope;
      try {
        const own = this.inMain(() => namedKids(list).map((a) => this.quiet(() => this.templateArg(a, false))));
        const same = own.length === given.length && own.every((o, i) => {
          const g = given[i]!;
          if (!o || o.k !== g.k) return false;
          if (o.k === "value" && g.k === "value") return isConst(o.v) && isConst(g.v) && o.v.v === g.v.v;
          return o.k === "type" && g.k === "type" && typeText(o.t) === typeText(g.t);
        });
        if (same) return node;
      } finally {
        this.scope = saved;
      }
    }
    return undefined;
  }

  /**
   * A declarator applied to a base type: pointers, references, arrays (their sizes evaluated now), function
   * pointers; returns the full type, the declared name and an initializer.
   */
  private declarator(d: CNode | undefined, base: CType, constBase: boolean): { ty: CType; name: CNode | undefined; init: CNode | undefined } {
    let ty = base;
    let init: CNode | undefined;
    let cur = d;
    let readonlyPointee = constBase;
    // C declarators read inside out: the outermost node is the type constructor nearest the base type. So each node
    // wraps the type built so far as the walk meets it: `float a[2][3]` is array_declarator(array_declarator(a, 2),
    // 3), an array of 2 rows of 3; `float *p[4]` an array of 4 pointers; `float (*p)[33]` a pointer to rows of 33.
    for (let i = 0; cur && i < 32; i++) {
      switch (cur.type) {
        case "init_declarator":
          init = field(cur, "value");
          cur = field(cur, "declarator");
          continue;
        case "pointer_declarator":
        case "abstract_pointer_declarator":
          ty = { k: "ptr", to: ty, readonly: readonlyPointee };
          readonlyPointee = false;
          cur = field(cur, "declarator");
          continue;
        case "reference_declarator":
        case "abstract_reference_declarator": {
          ty = { k: "ref", to: ty };
          cur = namedKids(cur)[0];
          continue;
        }
        case "array_declarator":
        case "abstract_array_declarator": {
          const size = field(cur, "size");
          ty = { k: "array", of: ty, count: size ? this.scalarOf(this.quiet(() => this.ev(size))) : null };
          cur = field(cur, "declarator");
          continue;
        }
        case "parenthesized_declarator":
        case "abstract_parenthesized_declarator":
          cur = namedKids(cur)[0];
          continue;
        case "function_declarator":
        case "abstract_function_declarator":
          ty = unknownType("a function");
          cur = field(cur, "declarator");
          continue;
        case "attributed_declarator":
          cur = namedKids(cur)[0];
          continue;
        default:
          break;
      }
      break;
    }
    const name = cur && (cur.type === "identifier" || cur.type === "field_identifier" || cur.type === "type_identifier") ? cur : cur ? declaredName(cur, this.src.text) : undefined;
    return { ty, name, init };
  }

  // ---- Values ----------------------------------------------------------------------------------------------------

  private scalarOf(v: Val): VExpr {
    if (v.t === "s") return v.e;
    if (v.t === "v" && v.c.length === 1) return v.c[0];
    return unknown(v.t === "o" ? v.reason : `a ${v.t === "p" ? "pointer" : "composite"} value`);
  }

  private unknownOf(ty: CType, reason: string): Val {
    if (ty.k === "vector") return { t: "v", c: new Array(ty.n).fill(unknown(reason)), ty };
    if (ty.k === "struct") return { t: "st", f: new Map(ty.fields.map((f) => [f.name, this.unknownOf(f.type, reason)])), ty };
    if (ty.k === "group" || ty.k === "fragment") return { t: "g", ty };
    if (ty.k === "ptr") return { t: "p", base: { k: "none", reason }, addr: unknown(reason), ty };
    return S(unknown(reason), ty);
  }

  private zeroOf(ty: CType): Val {
    if (ty.k === "vector") return { t: "v", c: new Array(ty.n).fill(cst(0)), ty };
    if (ty.k === "scalar") return S(cst(0), ty);
    return this.unknownOf(ty, "an uninitialized value");
  }

  /** Whether a value is truthy as a condition: `x` becomes `x != 0` unless it already is a truth value. */
  private truth(v: Val): VExpr {
    const e = this.scalarOf(v);
    if (e.k === "bin" && (COMPARISONS.has(e.op) || e.op === "&&" || e.op === "||")) return e;
    if (e.k === "un" && e.op === "!") return e;
    if (e.k === "const") return cst(e.v !== 0 ? 1 : 0);
    if (v.t === "p") return cst(1);
    return bin("!=", e, cst(0));
  }

  /** A value converted to a type; `count` books one integer op per component for a change of number format. */
  private convert(v: Val, to: CType, count: boolean): Val {
    if (to.k === "unknown" && to.name === "auto") return v;
    if (to.k === "ref") return this.convert(v, to.to, count);
    if (to.k === "ptr") {
      if (v.t === "p") return { ...v, ty: to };
      if (this.mode === "host" && v.t === "s" && isConst(v.e) && v.e.v === 0) return { t: "p", base: { k: "none", reason: "a null pointer" }, addr: cst(0), ty: to };
      return v.t === "s" ? { t: "p", base: { k: "none", reason: "an integer used as a pointer" }, addr: unknown("an integer used as a pointer"), ty: to } : { ...this.unknownOf(to, "a pointer") };
    }
    const from = v.t === "s" || v.t === "v" ? scalarOf(v.ty) : undefined;
    const toS = scalarOf(to);
    if (toS && from && from !== toS && count && (isFloatScalar(from) !== isFloatScalar(toS) || from === "f16" || toS === "f16" || from === "bf16" || toS === "bf16" || from === "fp8" || toS === "fp8")) {
      this.emitOps("int", components(to));
    }
    if (to.k === "scalar") {
      if (v.t === "s" || v.t === "v") {
        let e = v.t === "s" ? v.e : v.c[0] ?? unknown("a vector");
        if (from && isFloatScalar(from) && !isFloatScalar(to.s)) e = isConst(e) ? cst(Math.trunc(e.v)) : e.k === "unknown" ? e : unknown("a float converted to an integer");
        if (to.s === "bool" && from && from !== "bool") e = bin("!=", e, cst(0));
        return S(e, to);
      }
      if (v.t === "p") return S(unknown("a pointer as an integer"), to);
      return this.unknownOf(to, v.t === "o" ? v.reason : "a converted value");
    }
    if (to.k === "vector") {
      if (v.t === "v") return { t: "v", c: to.n === v.c.length ? v.c : Array.from({ length: to.n }, (_, i) => v.c[i] ?? unknown("a component")), ty: to };
      if (v.t === "s") return { t: "v", c: new Array(to.n).fill(v.e), ty: to };
      return this.unknownOf(to, "a converted value");
    }
    if (to.k === "struct" && v.t === "st") return { ...v, ty: to };
    if (to.k === "struct" || to.k === "group" || to.k === "fragment") return v.t === "g" ? v : this.unknownOf(to, "a converted value");
    return v;
  }

  // ---- Places ----------------------------------------------------------------------------------------------------

  /** The place a pointer value points at, as an element of type `ty`. */
  private deref(p: Extract<Val, { t: "p" }>, ty: CType): Place {
    const b = p.base;
    if (b.k === "mem") return { k: "mem", binding: b.binding, space: b.space, addr: p.addr, ty };
    if (b.k === "local") {
      const st = b.slot.ty;
      if (st.k === "array") {
        const eb = sizeOf(st.of) ?? 4;
        const idx = isConst(p.addr) ? cst(Math.floor(p.addr.v / eb)) : bin("/", p.addr, cst(eb));
        return this.localIndex({ k: "local", slot: b.slot, path: [], ty: st, indices: [] }, idx);
      }
      return { k: "local", slot: b.slot, path: [], ty: b.slot.ty, indices: [] };
    }
    return { k: "none", ty, reason: b.k === "host" ? "host memory" : b.reason };
  }

  private pointee(p: Val): CType {
    return p.ty.k === "ptr" ? p.ty.to : p.ty.k === "array" ? p.ty.of : unknownType("?");
  }

  /** Indexes an array place (one level). */
  private localIndex(place: Extract<Place, { k: "local" }>, idx: VExpr): Place {
    const t = place.ty;
    const elem = t.k === "array" ? t.of : t.k === "vector" ? elementOf(t) : unknownType("?");
    return { ...place, path: [...place.path, isConst(idx) ? idx.v : -1], ty: elem, indices: t.k === "array" ? [...place.indices, idx] : place.indices };
  }

  /** `base[idx]` for a place or a pointer. */
  private index(base: Val | Place, idx: VExpr, at: CNode): Place {
    const isPlace = "k" in base;
    if (isPlace) {
      const pl = base as Place;
      if (pl.k === "local") {
        if (pl.ty.k === "array" || pl.ty.k === "vector") return this.localIndex(pl, idx);
        // A pointer held in a local: index what it points at.
        return this.index(this.load(pl, at), idx, at);
      }
      if (pl.k === "mem") {
        if (pl.ty.k === "array") {
          return { ...pl, addr: bin("+", pl.addr, bin("*", idx, this.strideOf(pl.ty.of, 4))), ty: pl.ty.of };
        }
        if (pl.ty.k === "vector") return { ...pl, addr: bin("+", pl.addr, bin("*", idx, cst(sizeOf(elementOf(pl.ty)) ?? 4))), ty: elementOf(pl.ty) };
        return this.index(this.load(pl, at), idx, at);
      }
      return { k: "none", ty: unknownType("?"), reason: pl.reason };
    }
    const v = base as Val;
    if (v.t === "p") {
      const to = this.pointee(v);
      return this.deref({ ...v, addr: bin("+", v.addr, bin("*", idx, this.strideOf(to, 1))) }, to);
    }
    if (v.t === "v") return { k: "none", ty: elementOf(v.ty), reason: "a component of a vector value" };
    return { k: "none", ty: unknownType("?"), reason: v.t === "o" ? v.reason : "indexing a value" };
  }

  /** The place an lvalue expression names; undefined when it names none. */
  private place(n: CNode): Place | undefined {
    switch (n.type) {
      case "parenthesized_expression":
        return namedKids(n)[0] ? this.place(namedKids(n)[0]) : undefined;
      case "identifier": {
        const arg = MACRO_ARG.exec(this.tx(n));
        if (arg) return this.macroArg(Number(arg[1]), (a) => this.place(a), () => undefined);
        const slot = this.scope.slot(this.tx(n));
        if (!slot) return undefined;
        if (slot.place) return slot.place;
        if (slot.lazy) {
          const v = this.read(slot);
          // Memory globals (`__constant__ float w[16]`): the array itself.
          if (v.t === "p" && v.base.k === "mem" && v.ty.k === "ptr") return this.deref(v, v.ty.to);
          return { k: "local", slot, path: [], ty: slot.ty, indices: [] };
        }
        return { k: "local", slot, path: [], ty: slot.ty, indices: [] };
      }
      case "subscript_expression": {
        const arg = field(n, "argument");
        const idxNode = namedKids(field(n, "indices") ?? n).find((k) => k !== arg);
        if (!arg || !idxNode) return undefined;
        const basePlace = this.arrayOrPointer(arg);
        if (basePlace && "k" in basePlace && basePlace.ty.k === "struct") {
          // `x128 v; v[k]`: the struct's operator[] (a reference to an element of its payload).
          const op = this.methodOf(basePlace.ty, "operator[]");
          if (op) {
            this.lastCallPlace = undefined;
            this.inline([op.fn], undefined, [idxNode], n, { info: op.info, self: basePlace });
            return this.lastCallPlace ?? { k: "none", ty: unknownType("?"), reason: "an element returned by operator[]" };
          }
        }
        const idx = this.scalarOf(this.ev(idxNode));
        return basePlace ? this.index(basePlace, idx, n) : undefined;
      }
      case "field_expression": {
        const arg = field(n, "argument");
        const f = field(n, "field");
        if (!arg || !f) return undefined;
        const op = kids(n).find((k) => k.field === "operator");
        const arrow = op ? this.tx(op) === "->" : false;
        let base: Place | undefined;
        if (arrow) {
          const pv = this.ev(arg);
          base = pv.t === "p" ? this.deref(pv, this.pointee(pv)) : undefined;
        } else base = this.place(arg);
        if (!base) return undefined;
        return this.member(base, this.tx(f));
      }
      case "pointer_expression": {
        const op = kids(n).find((k) => k.field === "operator");
        const arg = field(n, "argument");
        if (!arg || !op || this.tx(op) !== "*") return undefined;
        const pv = this.ev(arg);
        return pv.t === "p" ? this.deref(pv, this.pointee(pv)) : { k: "none", ty: unknownType("?"), reason: "a pointer the model cannot follow" };
      }
      case "call_expression": {
        // `reinterpret_cast<float4*>(p)[0]` is a subscript; a call that returns a reference is not followed.
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** The operand of a subscript: an array place, or a pointer value. */
  private arrayOrPointer(arg: CNode): Place | Val | undefined {
    const pl = arg.type === "identifier" || arg.type === "subscript_expression" || arg.type === "field_expression" || arg.type === "parenthesized_expression" ? this.place(arg) : undefined;
    if (pl && (pl.ty.k === "array" || pl.ty.k === "struct" || (pl.k === "local" && pl.ty.k === "vector"))) return pl;
    if (pl && pl.k === "mem" && pl.ty.k === "vector") return pl;
    if (pl) return this.load(pl, arg);
    return this.ev(arg);
  }

  private member(base: Place, name: string): Place | undefined {
    const t = base.ty.k === "ref" ? base.ty.to : base.ty;
    if (t.k === "struct") {
      const m = t.fields.find((f) => f.name === name);
      // Not a field: a static member (`v.size`), read as a value.
      if (!m) return undefined;
      if (base.k === "mem") return { ...base, addr: bin("+", base.addr, cst(m.offset)), ty: m.type };
      if (base.k === "local") return { ...base, path: [...base.path, name], ty: m.type };
      return { k: "none", ty: m.type, reason: base.reason };
    }
    if (t.k === "vector") {
      const i = "xyzw".indexOf(name);
      if (i < 0 || name.length !== 1) return { k: "none", ty: unknownType("?"), reason: `member '${name}'` };
      const e = elementOf(t);
      if (base.k === "mem") return { ...base, addr: bin("+", base.addr, cst(i * (sizeOf(e) ?? 4))), ty: e };
      if (base.k === "local") return { ...base, path: [...base.path, i], ty: e };
      return { k: "none", ty: e, reason: base.reason };
    }
    return { k: "none", ty: unknownType("?"), reason: `member '${name}'` };
  }

  /** Reads a slot's value (lazy constants computed on first read). */
  private read(slot: Slot): Val {
    const v = this.env.get(slot);
    if (v) return v;
    if (slot.lazy) {
      const computed = slot.lazy();
      this.env.set(slot, computed);
      return computed;
    }
    return this.unknownOf(slot.ty, `'${slot.name}'`);
  }

  /** Reads a place: a memory load (recorded), a local's tracked value, an array element (a `local` node). */
  private load(pl: Place, at: CNode): Val {
    if (pl.ty.k === "array") {
      // An array used as a value decays to a pointer to its first element.
      if (pl.k === "mem") return { t: "p", base: { k: "mem", binding: pl.binding, space: pl.space }, addr: pl.addr, ty: { k: "ptr", to: pl.ty.of, readonly: false } };
      if (pl.k === "local") return { t: "p", base: { k: "local", slot: pl.slot }, addr: cst(0), ty: { k: "ptr", to: pl.ty.of, readonly: false } };
      return O(pl.reason);
    }
    if (pl.k === "none") return this.unknownOf(pl.ty, pl.reason);
    if (pl.k === "mem") {
      this.access(pl, "load", at);
      if (pl.space === "uniform" && isConst(pl.addr) && pl.ty.k === "scalar" && !isFloatScalar(pl.ty.s)) {
        // An integer in constant memory at a fixed address is a size the launch (cudaMemcpyToSymbol) decides.
        const name = pl.addr.v === 0 ? pl.binding : `${pl.binding}[${pl.addr.v / (sizeOf(pl.ty) ?? 4)}]`;
        return S(this.override(name), pl.ty);
      }
      return this.unknownOf(pl.ty, `loaded from '${pl.binding}'`);
    }
    this.recordLocal(pl, "load", at);
    let v: Val | undefined = this.read(pl.slot);
    for (const p of pl.path) {
      if (!v) break;
      if (typeof p === "number" && v.t === "v") v = S(p >= 0 ? (v.c[p] ?? unknown("a component")) : unknown("a dynamic component"), elementOf(v.ty));
      else if (typeof p === "string" && v.t === "st") v = v.f.get(p);
      else v = undefined;
    }
    if (!v) return this.unknownOf(pl.ty, pl.indices.length > 0 ? `an element of '${pl.slot.name}'` : `part of '${pl.slot.name}'`);
    if (v.t === "s" && pl.ty.k === "scalar" && v.ty.k !== "scalar") return S(v.e, pl.ty);
    return v;
  }

  /** Writes a place: a memory store (recorded) or a local update. */
  private store(pl: Place, v: Val, at: CNode): void {
    if (pl.k === "none") return;
    if (pl.k === "mem") {
      this.access(pl, "store", at);
      return;
    }
    this.recordLocal(pl, "store", at);
    const slot = pl.slot;
    if (pl.path.length === 0) {
      this.env.set(slot, this.convert(v, slot.ty.k === "unknown" ? v.ty : slot.ty, false));
      return;
    }
    if (pl.indices.length > 0) return;
    const old = this.read(slot);
    this.env.set(slot, this.updated(old, pl.path, v));
  }

  private updated(old: Val, path: readonly (string | number)[], v: Val): Val {
    if (path.length === 0) return v;
    const [p, ...rest] = path;
    if (typeof p === "number" && old.t === "v") {
      const c = [...old.c];
      if (p < 0) return { ...old, c: c.map(() => unknown("a dynamically indexed component")) };
      const inner = this.updated(S(c[p] ?? unknown("?"), elementOf(old.ty)), rest, v);
      c[p] = this.scalarOf(inner);
      return { ...old, c };
    }
    if (typeof p === "string" && old.t === "st") {
      const f = new Map(old.f);
      f.set(p, this.updated(old.f.get(p) ?? O("a field"), rest, v));
      return { ...old, f };
    }
    return old;
  }

  private access(pl: Extract<Place, { k: "mem" }>, kind: "load" | "store" | "atomic", at: CNode): void {
    if (!this.emitting) return;
    const bytes = sizeOf(pl.ty) ?? 4;
    this.out.push({ k: "access", binding: pl.binding, space: pl.space, kind, elementType: typeText(pl.ty), bytes, address: pl.addr, span: this.sp(at) });
  }

  private recordLocal(pl: Extract<Place, { k: "local" }>, kind: "load" | "store", at: CNode): void {
    if (!this.emitting || pl.indices.length === 0 || !pl.slot.arrayName) return;
    const node: MutableLocal = { k: "local", array: pl.slot.arrayName, kind, bytes: sizeOf(pl.ty) ?? 4, runtimeIndex: true, span: this.sp(at) };
    this.pendingLocals.push({ node, indices: pl.indices });
    this.out.push(node);
  }

  /** Decides, after the whole kernel is lowered, which array indices stay run-time values after nvcc unrolls. */
  private finishLocals(): void {
    const inMemory = new Set<string>();
    const accessed = new Set<string>();
    for (const { node, indices } of this.pendingLocals) {
      accessed.add(node.array);
      node.runtimeIndex = indices.some((idx) => {
        if (isConst(idx)) return false;
        if (unknownReason(idx) !== undefined) return true;
        for (const v of varsOf(idx)) if (!this.unrolled.has(v)) return true;
        return false;
      });
      if (node.runtimeIndex) inMemory.add(node.array);
    }
    // An array whose every index is a constant after nvcc unrolls is registers, however large (an SGEMM's 8 x 8 or
    // 8 x 16 accumulator tile): ptxas allocates it up to its 255-register limit.
    for (const [name, value] of this.arrayValues) if (accessed.has(name) && !inMemory.has(name)) value.inRegisters = true;
  }

  private addressOf(pl: Place | undefined, what: string): Val {
    if (!pl) return O(`the address of ${what}`);
    const ptr: CType = { k: "ptr", to: pl.ty, readonly: false };
    if (pl.k === "mem") return { t: "p", base: { k: "mem", binding: pl.binding, space: pl.space }, addr: pl.addr, ty: ptr };
    if (pl.k === "local") {
      if (pl.path.length === 0) {
        // `&x` of a local (`&d_x` passed to cudaMalloc to be filled in, `&s` to sincosf).
        return { t: "p", base: { k: "local", slot: pl.slot }, addr: cst(0), ty: ptr };
      }
      if (pl.indices.length === 1 && pl.path.length === 1) {
        const eb = sizeOf(pl.ty) ?? 4;
        return { t: "p", base: { k: "local", slot: pl.slot }, addr: bin("*", pl.indices[0], cst(eb)), ty: ptr };
      }
      return { t: "p", base: { k: "local", slot: pl.slot }, addr: unknown("a part of a local"), ty: ptr };
    }
    return { t: "p", base: { k: "none", reason: pl.reason }, addr: unknown(pl.reason), ty: ptr };
  }

  // ---- Expressions -----------------------------------------------------------------------------------------------

  ev(n: CNode): Val {
    if (++this.exprDepth > MAX_EXPR_DEPTH) {
      this.exprDepth--;
      this.note("an expression", "nested too deeply to analyse", this.sp(n));
      return O("an expression nested too deeply");
    }
    try {
      return this.evInner(n);
    } finally {
      this.exprDepth--;
    }
  }

  private evInner(n: CNode): Val {
    switch (n.type) {
      case "number_literal":
        return this.literal(this.tx(n));
      case "char_literal": {
        const m = /^'(\\?.)/.exec(this.tx(n));
        return S(cst(m ? (m[1].length === 2 ? 0 : m[1].charCodeAt(0)) : 0), scalar("i8", "char"));
      }
      case "true":
        return S(cst(1), BOOL);
      case "false":
        return S(cst(0), BOOL);
      case "null":
      case "nullptr":
        return S(cst(0), I64);
      case "string_literal":
      case "concatenated_string":
      case "raw_string_literal":
        return O("a string");
      case "identifier":
        return this.identifier(n);
      case "qualified_identifier": {
        const name = field(n, "name");
        const scope = field(n, "scope");
        if (!name) return O(this.tx(n));
        if (scope && name.type === "identifier") {
          const m = this.staticMember(scope, this.tx(name));
          if (m) return m;
        }
        if (name.type === "identifier") return this.identifier(name);
        return this.ev(name);
      }
      case "parenthesized_expression": {
        const inner = namedKids(n);
        return inner.length > 0 ? this.ev(inner[inner.length - 1]) : O("()");
      }
      case "binary_expression":
        return this.binary(n);
      case "unary_expression":
        return this.unary(n);
      case "update_expression":
        return this.update(n);
      case "assignment_expression":
        return this.assign(n);
      case "conditional_expression":
        return this.conditional(n);
      case "comma_expression": {
        const l = field(n, "left");
        const r = field(n, "right");
        if (l) this.ev(l);
        return r ? this.ev(r) : O("a comma expression");
      }
      case "call_expression":
        return this.callExpr(n);
      case "subscript_expression":
      case "field_expression": {
        const pl = this.place(n);
        if (pl) return this.load(pl, n);
        if (n.type === "field_expression") {
          const arg = field(n, "argument");
          const f = field(n, "field");
          if (arg && f) return this.memberOfValue(this.ev(arg), this.tx(f));
        }
        return O("an element the model cannot follow");
      }
      case "pointer_expression": {
        const op = kids(n).find((k) => k.field === "operator");
        const arg = field(n, "argument");
        if (!arg) return O("a pointer expression");
        if (op && this.tx(op) === "&") return this.addressOf(this.place(arg), this.tx(arg));
        const pl = this.place(n);
        return pl ? this.load(pl, n) : O("a dereference the model cannot follow");
      }
      case "cast_expression": {
        const t = field(n, "type");
        const v = field(n, "value");
        const val = v ? this.ev(v) : O("a cast");
        return t ? this.convert(val, this.typeOf(t), true) : val;
      }
      case "sizeof_expression": {
        const t = field(n, "type");
        if (t) return S(cst(sizeOf(this.typeOf(t)) ?? 4), U64);
        const v = field(n, "value");
        if (!v) return S(unknown("sizeof"), U64);
        // `sizeof(floatX)` parses as a parenthesized name: a type when no variable has the name.
        let inner = v;
        while (inner.type === "parenthesized_expression" && namedKids(inner).length === 1) inner = namedKids(inner)[0];
        if (inner.type === "identifier" && !this.scope.slot(this.tx(inner))) {
          const t = this.namedType(this.tx(inner));
          if (t.k !== "unknown") return S(cst(sizeOf(t) ?? 4), U64);
        }
        const pl = this.quiet(() => this.place(v));
        const ty = pl ? pl.ty : this.quiet(() => this.ev(v)).ty;
        const size = ty.k === "array" ? this.bytesOf(ty) : sizeOf(ty) !== undefined ? cst(sizeOf(ty)!) : null;
        return S(size ?? unknown(`sizeof ${this.tx(v)}`), U64);
      }
      case "alignof_expression": {
        const t = field(n, "type");
        return S(cst(t ? (sizeOf(this.typeOf(t)) ?? 4) : 4), U64);
      }
      case "initializer_list":
        return this.initList(n, unknownType("an initializer list"));
      case "compound_literal_expression": {
        const t = field(n, "type");
        const v = field(n, "value");
        const ty = t ? this.typeOf(t) : unknownType("?");
        return v ? this.initList(v, ty) : this.zeroOf(ty);
      }
      case "lambda_expression":
        this.note("a lambda", "lambdas are not analysed: their work is not counted where they are called", this.sp(n));
        return O("a lambda");
      case "new_expression":
        return this.newExpr(n);
      case "delete_expression":
        return O("delete");
      case "gnu_asm_expression":
        this.asm(n);
        return O("the result of inline asm");
      case "this":
        return O("this");
      case "ERROR":
        this.note("syntax error", "code the CUDA grammar could not parse is not analysed", this.sp(n));
        return O("a syntax error");
      default:
        for (const k of namedKids(n)) if (/expression|identifier|literal/.test(k.type)) this.ev(k);
        return O(`a ${n.type.replace(/_/g, " ")}`);
    }
  }

  private literal(text: string): Val {
    const t = text.replace(/'/g, "");
    if (/^0[xX]/.test(t) && !/[pP]/.test(t)) {
      const v = parseInt(t.replace(/[uUlL]+$/, ""), 16);
      return S(cst(v), /[uU]/.test(t) || v > 0x7fffffff ? (v > 0xffffffff || /[lL]/.test(t) ? U64 : U32) : /[lL]/.test(t) ? I64 : I32);
    }
    if (/^0[bB]/.test(t)) return S(cst(parseInt(t.slice(2).replace(/[uUlL]+$/, ""), 2)), I32);
    if (/[.eEpP]/.test(t) || /[fF]$/.test(t)) {
      const v = parseFloat(t.replace(/[fFlLhH]+$/, ""));
      // An unsuffixed literal (`2.0`) is a double in C++; counted in the other operand's type, as nvcc's users mean it.
      return S(Number.isFinite(v) ? cst(v) : unknown("a float literal"), F32);
    }
    const digits = t.replace(/[uUlLzZ]+$/, "");
    const v = digits.length > 1 && digits.startsWith("0") ? parseInt(digits, 8) : Number(digits);
    const unsigned = /[uU]/.test(t);
    const long = /[lL]/.test(t) || v > 0xffffffff;
    return S(Number.isFinite(v) ? cst(v) : unknown("a number"), long ? (unsigned ? U64 : I64) : unsigned || v > 0x7fffffff ? U32 : I32);
  }

  private identifier(n: CNode): Val {
    const name = this.tx(n);
    const arg = MACRO_ARG.exec(name);
    if (arg) return this.macroArg(Number(arg[1]), (a) => this.ev(a), () => O("a missing macro argument"));
    const slot = this.scope.slot(name);
    if (slot) {
      const pl = this.place(n);
      return pl ? this.load(pl, n) : this.read(slot);
    }
    const ids = ID_BUILTINS[name];
    if (ids && this.mode === "device") {
      if (name === "blockIdx") this.readsWorkgroupId = true;
      return { t: "v", c: ids.map(vr), ty: name === "blockDim" || name === "gridDim" ? DIM3 : UINT3 };
    }
    if (name === "warpSize") return S(vr(SUBGROUP_SIZE_VAR), I32);
    if (name === "NULL") return S(cst(0), I64);
    if (name in MATH_CONSTANTS) return S(cst(MATH_CONSTANTS[name]), INT_CONSTANTS.has(name) ? I32 : F32);
    return S(unknown(`undefined name '${name}'`), unknownType(name));
  }

  /** `.x` of a vector value, a field of a struct value (`make_float4(...).x`, `f().y`). */
  private memberOfValue(v: Val, name: string): Val {
    if (v.t === "v") {
      const i = "xyzw".indexOf(name);
      if (name.length === 1 && i >= 0) {
        const c = S(v.c[i] ?? unknown("a component"), elementOf(v.ty));
        this.dimsOf(c);
        return c;
      }
    }
    if (v.t === "st") {
      const f = v.f.get(name);
      if (f) return f;
    }
    const st = v.ty.k === "ref" ? v.ty.to : v.ty;
    if (st.k === "struct") {
      const info = this.structInfos.get(st.name);
      const slot = info ? this.structScope(info, undefined).names.get(name) : undefined;
      if (slot) return this.read(slot);
    }
    return O(`member '${name}'`);
  }

  private binary(n: CNode): Val {
    const l = field(n, "left");
    const r = field(n, "right");
    const opNode = kids(n).find((k) => k.field === "operator");
    const op = opNode ? this.tx(opNode) : "?";
    if (!l || !r) return O("an incomplete expression");
    if (op === "&&" || op === "||") {
      const a = this.ev(l);
      const ca = this.truth(a);
      // The right side runs only when the left does not decide: its memory accesses are guarded by it.
      let b: Val = S(cst(0), BOOL);
      const guard = op === "&&" ? ca : un("!", ca);
      this.guards.push(guard);
      const nodes = this.collect(() => void (b = this.ev(r)));
      this.guards.pop();
      if (nodes.length > 0 && this.emitting) this.out.push({ k: "if", cond: guard, then: nodes, else: [], span: this.sp(l) });
      this.emitOps("int", 1);
      return S(bin(op, ca, this.truth(b)), BOOL);
    }
    const a = this.ev(l);
    const b = this.ev(r);
    this.dimsOf(a);
    this.dimsOf(b);
    if (a.t === "p" || b.t === "p") return this.pointerArith(op, a, b);
    // Constant expressions fold away at compile time (`sqrtf(2.0f / M_PI)`, `BM * BK`): nothing to count.
    const folded = (constVal(a) && constVal(b)) || (this.unrollConstant(a) && this.unrollConstant(b));
    if (COMPARISONS.has(op)) {
      const ty = commonType(a.ty, b.ty);
      if (!folded) this.emitOps("int", Math.max(components(a.ty), components(b.ty)));
      if (a.t === "v" || b.t === "v") return S(unknown("a vector comparison"), BOOL);
      return S(bin(op, this.scalarOf(a), this.scalarOf(b), !isFloatType(ty)), BOOL);
    }
    const ty = commonType(a.ty, b.ty);
    if (scalarOf(ty) && !folded) this.countArith(ty, Math.max(components(a.ty), components(b.ty)));
    const int = !isFloatType(ty);
    if (a.t === "v" || b.t === "v") {
      const len = a.t === "v" ? a.c.length : b.t === "v" ? b.c.length : 1;
      const comp = (v: Val, i: number): VExpr => (v.t === "v" ? v.c[i] ?? unknown("?") : this.scalarOf(v));
      return { t: "v", c: Array.from({ length: len }, (_, i) => bin(op, comp(a, i), comp(b, i), int)), ty: ty.k === "vector" ? ty : a.t === "v" ? a.ty : b.ty };
    }
    if (a.t !== "s" || b.t !== "s") return this.unknownOf(ty, "arithmetic on a composite value");
    return S(bin(op, a.e, b.e, int), ty);
  }

  /**
   * An integer that becomes a constant once nvcc unrolls the loops it depends on (`i * TN + j` over two counters of
   * constant-trip loops): arithmetic on such values is folded by the compiler and not counted.
   */
  private unrollConstant(v: Val): boolean {
    if (this.unrolling.size === 0 || (v.t !== "s" && v.t !== "v")) return false;
    const s = scalarOf(v.ty);
    if (s === undefined || isFloatScalar(s)) return false;
    const es = v.t === "s" ? [v.e] : v.c;
    for (const e of es) {
      if (unknownReason(e) !== undefined) return false;
      for (const name of varsOf(e)) if (!this.unrolling.has(name)) return false;
    }
    return true;
  }

  /** Which thread-index dimensions a value reads (for an assumed block shape). */
  private dimsOf(v: Val): void {
    if (this.mode !== "device" || (v.t !== "s" && v.t !== "v")) return;
    const es = v.t === "s" ? [v.e] : v.c;
    for (const e of es) {
      if (e.k === "const") continue;
      for (const name of varsOf(e)) {
        if (name === "lid.y" || name === "wgsize.y") this.dimsRead = Math.max(this.dimsRead, 2);
        if (name === "lid.z" || name === "wgsize.z") this.dimsRead = 3;
      }
    }
  }

  private pointerArith(op: string, a: Val, b: Val): Val {
    if (a.t === "p" && b.t !== "p" && (op === "+" || op === "-")) {
      this.emitOps("int", 1);
      return { ...a, addr: bin(op, a.addr, bin("*", this.scalarOf(b), this.strideOf(this.pointee(a), 1))) };
    }
    if (b.t === "p" && a.t !== "p" && op === "+") {
      this.emitOps("int", 1);
      return { ...b, addr: bin("+", b.addr, bin("*", this.scalarOf(a), this.strideOf(this.pointee(b), 1))) };
    }
    this.emitOps("int", 1);
    if (a.t === "p" && b.t === "p" && op === "-") {
      const same = a.base.k === "mem" && b.base.k === "mem" && a.base.binding === b.base.binding;
      const eb = sizeOf(this.pointee(a)) ?? 1;
      return S(same ? bin("/", bin("-", a.addr, b.addr), cst(eb)) : unknown("a pointer difference"), I64);
    }
    // A pointer into memory against null (`mask != nullptr`): not null, as a pointer's truth is (see `truth`).
    const isNull = (v: Val): boolean => v.t === "s" && isConst(v.e) && v.e.v === 0;
    const memPtr = (v: Val): boolean => v.t === "p" && v.base.k === "mem";
    if ((op === "==" || op === "!=") && ((memPtr(a) && isNull(b)) || (memPtr(b) && isNull(a)))) return S(cst(op === "!=" ? 1 : 0), BOOL);
    if (COMPARISONS.has(op)) return S(unknown("a pointer comparison"), BOOL);
    return O("pointer arithmetic");
  }

  private unary(n: CNode): Val {
    const opNode = kids(n).find((k) => k.field === "operator");
    const op = opNode ? this.tx(opNode) : "-";
    const arg = field(n, "argument");
    const v = arg ? this.ev(arg) : O("?");
    if (op === "+") return v;
    if (op === "!") {
      this.emitOps("int", 1);
      return S(un("!", this.truth(v)), BOOL);
    }
    if (op === "~") {
      this.emitOps("int", components(v.ty));
      return v.t === "s" ? S(un("~", v.e), v.ty) : this.unknownOf(v.ty, "~");
    }
    // Negation is folded into the operation that uses it (as WGSL counts it): free.
    if (v.t === "s") return S(un("-", v.e), v.ty);
    if (v.t === "v") return { ...v, c: v.c.map((x) => un("-", x)) };
    return v;
  }

  private update(n: CNode): Val {
    const arg = field(n, "argument");
    const opNode = kids(n).find((k) => k.field === "operator");
    const op = opNode ? this.tx(opNode) : "++";
    const prefix = opNode && arg ? opNode.start < arg.start : false;
    if (!arg) return O("++");
    const pl = this.place(arg);
    if (!pl) return this.ev(arg);
    const old = this.load(pl, arg);
    let next: Val;
    if (old.t === "p") {
      this.emitOps("int", 1);
      next = { ...old, addr: bin(op === "++" ? "+" : "-", old.addr, cst(sizeOf(this.pointee(old)) ?? 1)) };
    } else {
      if (!this.unrollConstant(old)) this.countArith(pl.ty, 1);
      next = old.t === "s" ? S(bin(op === "++" ? "+" : "-", old.e, cst(1), !isFloatType(pl.ty)), old.ty) : this.unknownOf(pl.ty, "an updated value");
    }
    this.store(pl, next, arg);
    return prefix ? next : old;
  }

  private assign(n: CNode): Val {
    const lhs = field(n, "left");
    const rhs = field(n, "right");
    const opNode = kids(n).find((k) => k.field === "operator");
    const op = opNode ? this.tx(opNode) : "=";
    if (!lhs || !rhs) return O("an incomplete assignment");
    const value = this.ev(rhs);
    const pl = this.place(lhs);
    if (!pl) {
      if (lhs.type !== "identifier") this.ev(lhs);
      return value;
    }
    if (op === "=") {
      this.store(pl, pl.ty.k === "unknown" ? value : this.convert(value, pl.ty, false), lhs);
      return value;
    }
    const bop = op.slice(0, -1);
    const old = this.load(pl, lhs);
    let next: Val;
    if (old.t === "p" && (bop === "+" || bop === "-")) next = this.pointerArith(bop, old, value);
    else {
      const ty = pl.ty.k === "unknown" ? value.ty : pl.ty;
      if (!(this.unrollConstant(old) && this.unrollConstant(value))) this.countArith(ty, Math.max(components(ty), components(value.ty)));
      const int = !isFloatType(ty) && !isFloatType(value.ty);
      if (old.t === "s" && value.t === "s") next = S(bin(bop, old.e, value.e, int), ty);
      else if (old.t === "v") next = { ...old, c: old.c.map((x, i) => bin(bop, x, value.t === "v" ? value.c[i] ?? unknown("?") : this.scalarOf(value), int)) };
      else next = this.unknownOf(ty, "a compound assignment");
    }
    this.store(pl, next, lhs);
    return next;
  }

  private conditional(n: CNode): Val {
    const c = field(n, "condition");
    const a = field(n, "consequence");
    const b = field(n, "alternative");
    if (!c || !a || !b) return O("an incomplete conditional");
    const cond = this.truth(this.ev(c));
    if (isConst(cond)) return this.ev(cond.v !== 0 ? a : b);
    let va: Val = O("?"), vb: Val = O("?");
    this.guards.push(cond);
    const tNodes = this.collect(() => void (va = this.ev(a)));
    this.guards.pop();
    this.guards.push(un("!", cond));
    const eNodes = this.collect(() => void (vb = this.ev(b)));
    this.guards.pop();
    if ((tNodes.length > 0 || eNodes.length > 0) && this.emitting) this.out.push({ k: "if", cond, then: tNodes, else: eNodes, span: this.sp(c) });
    return this.select(cond, va, vb);
  }

  private select(cond: VExpr, a: Val, b: Val): Val {
    if (a.t === "s" && b.t === "s") return S(call("select", [b.e, a.e, cond]), commonType(a.ty, b.ty));
    if (a.t === "v" && b.t === "v" && a.c.length === b.c.length) return { ...a, c: a.c.map((x, i) => call("select", [b.c[i], x, cond])) };
    if (a.t === "p" && b.t === "p" && a.base.k === "mem" && b.base.k === "mem" && a.base.binding === b.base.binding) return { ...a, addr: call("select", [b.addr, a.addr, cond]) };
    if (a.t === "p" && b.t === "s" && isConst(b.e) && b.e.v === 0) return a;
    if (b.t === "p" && a.t === "s" && isConst(a.e) && a.e.v === 0) return b;
    return this.unknownOf(a.ty, "a value chosen by a condition");
  }

  private initList(n: CNode, ty: CType): Val {
    const items = namedKids(n);
    if (ty.k === "vector" || ty.k === "scalar" || ty.k === "struct" || ty.k === "group" || ty.k === "fragment" || ty.k === "ptr") return this.construct(ty, items, n);
    for (const it of items) this.ev(it);
    return O("an initializer list", ty);
  }

  /** `T(args)`, `T{args}`, `dim3 g(x, y)`, `std::vector<float> v(n)`: a value of type `ty` from arguments. */
  private construct(ty: CType, args: readonly CNode[], at: CNode): Val {
    const vals = args.map((a) => (a.type === "initializer_list" ? this.initList(a, ty.k === "struct" ? unknownType("?") : ty) : this.ev(a)));
    return this.constructFrom(ty, vals, at);
  }

  private constructFrom(ty: CType, vals: readonly Val[], at: CNode): Val {
    if (ty.k === "vector") {
      const comps: VExpr[] = [];
      for (const v of vals) {
        if (v.t === "v") comps.push(...v.c);
        else comps.push(this.scalarOf(v));
      }
      if (comps.length === 1 && ty.name !== "dim3" && ty.name !== "uint3") return { t: "v", c: new Array(ty.n).fill(comps[0]), ty };
      // dim3's missing sizes are 1; other vectors' missing components 0.
      const fill = ty.name === "dim3" ? cst(1) : cst(0);
      return { t: "v", c: Array.from({ length: ty.n }, (_, i) => comps[i] ?? fill), ty };
    }
    if (ty.k === "scalar") return vals[0] ? this.convert(vals[0], ty, true) : S(cst(0), ty);
    if (ty.k === "ptr") {
      if (this.mode === "host" && vals[0] && vals[0].t === "s") {
        const count = vals[0].e;
        return this.hostPointer(ty, this.tx(at), bin("*", count, cst(sizeOf(ty.to) ?? 4)));
      }
      return vals[0] && vals[0].t === "p" ? { ...vals[0], ty } : this.unknownOf(ty, "a constructed pointer");
    }
    if (ty.k === "struct") {
      if (vals.length === 1 && vals[0].t === "st") return { ...vals[0], ty };
      const f = new Map<string, Val>();
      ty.fields.forEach((m, i) => f.set(m.name, vals[i] ? this.convert(vals[i], m.type, false) : this.zeroOf(m.type)));
      return { t: "st", f, ty };
    }
    if (ty.k === "group" || ty.k === "fragment") return { t: "g", ty };
    return vals[0] ?? O("a constructed value", ty);
  }

  private hostPointer(ty: CType, name: string, bytes: VExpr | undefined): Val {
    const id = `${name}#${++this.hostIds}`;
    this.hostAllocs.set(id, { bytes });
    return { t: "p", base: { k: "host", id, bytes }, addr: cst(0), ty: ty.k === "ptr" ? ty : { k: "ptr", to: ty, readonly: false } };
  }

  private newExpr(n: CNode): Val {
    const t = field(n, "type");
    const ty = t ? this.typeOf(t) : unknownType("?");
    const d = field(n, "declarator");
    if (d && d.type === "new_declarator") {
      const size = namedKids(d)[0];
      const count = size ? this.scalarOf(this.ev(size)) : unknown("new[]");
      return this.hostPointer({ k: "ptr", to: ty, readonly: false }, "new", bin("*", count, cst(sizeOf(ty) ?? 4)));
    }
    return this.hostPointer({ k: "ptr", to: ty, readonly: false }, "new", cst(sizeOf(ty) ?? 4));
  }

  // ---- Calls -----------------------------------------------------------------------------------------------------

  private callExpr(n: CNode): Val {
    const fn = field(n, "function");
    const argList = field(n, "arguments");
    const args = argList ? namedKids(argList) : [];
    if (!fn) return O("a call");
    const kcs = childOfType(n, "kernel_call_syntax");
    if (kcs) return this.launch(n, fn, kcs, args);
    switch (fn.type) {
      case "identifier":
        return this.callNamed(this.tx(fn), "", undefined, args, n);
      case "qualified_identifier": {
        const scope = field(fn, "scope");
        let name = field(fn, "name");
        let targs: CNode | undefined;
        // `ns::f<T>(...)`, `cg::tiled_partition<32>(...)`, and nested scopes (`nvcuda::wmma::mma_sync`).
        while (name && name.type === "qualified_identifier") name = field(name, "name");
        if (name && name.type === "template_function") {
          targs = field(name, "arguments");
          name = field(name, "name");
        }
        // `f128::zeros()`, `Packed128<T>::constant(v)`: a static method of a struct.
        if (scope && name && (scope.type === "template_type" || scope.type === "namespace_identifier" || scope.type === "type_identifier")) {
          const st = scope.type === "template_type" ? this.typeOf(scope) : this.namedType(this.tx(scope));
          const m = st.k === "struct" ? this.methodOf(st, this.tx(name)) : undefined;
          if (m) return this.inline([m.fn], targs, args, n, { info: m.info });
        }
        return this.callNamed(name ? this.tx(name) : this.tx(fn), this.tx(fn).slice(0, Math.max(0, (scope ? scope.end : fn.start) - fn.start)), targs, args, n);
      }
      case "template_function": {
        const name = field(fn, "name");
        return this.callNamed(name ? this.tx(name) : "?", "", field(fn, "arguments"), args, n);
      }
      case "field_expression":
        return this.method(fn, args, n);
      case "primitive_type":
      case "sized_type_specifier":
      case "type_identifier":
      case "template_type":
        return this.construct(this.typeOf(fn), args, n);
      default:
        for (const a of args) this.ev(a);
        return O("a call through an expression");
    }
  }

  private callNamed(name: string, qual: string, targs: CNode | undefined, args: readonly CNode[], n: CNode): Val {
    if (name === "static_cast" || name === "reinterpret_cast" || name === "const_cast" || name === "dynamic_cast" || name === "bit_cast" || name === "__builtin_bit_cast") {
      const t = targs ? namedKids(targs)[0] : undefined;
      const v = args[0] ? this.ev(args[0]) : O("a cast");
      return t ? this.convert(v, this.typeOf(t), name === "static_cast") : v;
    }
    const slot = this.scope.slot(name);
    if (slot?.fnAlias) return this.callNamed(slot.fnAlias, "", targs, args, n);
    if (slot) {
      // A functor (`Op op; op(a, b)`): its operator() inlined.
      const call = this.methodOf(slot.ty, "operator()");
      if (call) return this.inline([call.fn], undefined, args, n, { info: call.info, self: slot.place ?? { k: "local", slot, path: [], ty: slot.ty, indices: [] } });
      for (const a of args) this.ev(a);
      if (slot.ty.k === "unknown" && slot.ty.name === "a function")
        this.note(`call to '${name}'`, `'${name}' is a function no launch or instantiation names: its work is not counted (a launch such as kernel<function><<<...>>> gives it)`, this.sp(n));
      else this.note(`call to '${name}'`, "a call through a variable (a lambda or functor) is not analysed", this.sp(n));
      return O(`the result of '${name}'`);
    }
    const macro = this.ctx.prog.macros.get(name);
    if (macro && !qual) return this.macroCall(macro, args, n);
    const fns = this.ctx.prog.functions.get(name);
    if (fns && fns.length > 0 && !/^(std|cg|cooperative_groups|wmma|nvcuda)/.test(qual)) {
      const usable = fns.filter((f) => f.body && f.space !== "global");
      if (usable.length > 0) return this.inline(usable, targs, args, n);
      if (fns.some((f) => f.space === "global")) {
        for (const a of args) this.ev(a);
        if (this.mode === "device") this.note(`call to kernel '${name}'`, "a kernel called without a launch is not analysed", this.sp(n));
        return O("a kernel call");
      }
    }
    if (name === "memcpy_async" || name === "__pipeline_memcpy_async") return this.memcpyAsync(args, n);
    if (name === "aligned_size_t") return args[0] ? this.ev(args[0]) : O(name);
    if (/^(make_pipeline|__pipeline_commit|__pipeline_wait_prior|pipeline_consumer_wait_prior|pipeline_producer_commit)$/.test(name)) {
      for (const a of args) this.ev(a);
      return O(name);
    }
    if (/wmma/.test(qual) || (this.mode === "device" && /^(fill_fragment|load_matrix_sync|store_matrix_sync|mma_sync|bmma_sync)$/.test(name))) return this.wmma(name, args, n);
    if (/^(cg|cooperative_groups)/.test(qual) || /^(this_thread_block|this_grid|tiled_partition|coalesced_threads)$/.test(name)) return this.cg(name, targs, args, n);
    if (this.mode === "host") {
      const h = this.hostCall(name, args, n);
      if (h) return h;
    }
    const b = this.builtin(name, args, n);
    if (b) return b;
    const ty = this.namedType(name);
    if (ty.k !== "unknown") return this.construct(ty, args, n);
    // The rounding-up division every project writes (and defines in a header KernelLens may not read).
    if (CEIL_DIV_NAMES.test(name) && args.length === 2) {
      const [a, b] = args.map((x) => this.scalarOf(this.ev(x)));
      return S(bin("/", bin("+", a, bin("-", b, cst(1))), b), I32);
    }
    for (const a of args) this.ev(a);
    // The runtime API called from device code (dynamic parallelism's cudaMalloc, cudaGetLastError): no kernel work.
    if (/^cuda[A-Z]/.test(name)) return S(cst(0), I32);
    if (/^(std::)?(min|max)$/.test(`${qual}${name}`) || name === "min" || name === "max") return O("min/max");
    this.note(`call to '${qual}${name}'`, "not defined in this file nor a CUDA built-in KernelLens knows: its work is not counted", this.sp(n));
    return O(`the result of '${name}'`);
  }

  /** Inlines a user function at a call (device functions, host helpers): a return ends the call, not the caller. */
  private inline(fns: readonly FunctionInfo[], targs: CNode | undefined, args: readonly CNode[], n: CNode, method?: { readonly info: StructInfo; readonly self?: Place }): Val {
    const fits = fns.filter((f) => this.paramCount(f).min <= args.length && args.length <= this.paramCount(f).max && (this.mode === "host" ? f.space !== "device" || f.hostDevice : f.space === "device" || f.hostDevice || f.node.start >= 0));
    const fn = fits.length > 1 ? this.bestOverload(fits, args) : (fits[0] ?? fns[0]);
    const recursive = this.inlining.includes(fn.node);
    if (this.depth >= MAX_CALL_DEPTH || !fn.body || recursive) {
      for (const a of args) this.ev(a);
      this.note(`call to '${fn.name}'`, recursive ? "a recursive call is not followed: its work is not counted" : "calls nested too deeply to model", this.sp(n));
      return O(`the result of '${fn.name}'`);
    }
    const params = this.inMain(() => this.paramList(fn));
    // Arguments are evaluated in the caller; references bind to the caller's places.
    const vals: (Val | Place)[] = args.map((a, i) => {
      const p = params[i];
      if (p && p.ty.k === "ref") {
        const pl = this.place(a);
        if (pl) return pl;
      }
      return this.ev(a);
    });
    const template = new Map<string, TemplateArg>();
    if (fn.template) {
      const tparams = kids(fn.template).filter((k) => /parameter_declaration/.test(k.type));
      const given = targs ? namedKids(targs) : [];
      tparams.forEach((p, i) => {
        const isType = /type_parameter/.test(p.type);
        const id = isType ? (field(p, "name") ?? childOfType(p, "type_identifier")) : declaredName(field(p, "declarator"), this.src.text);
        if (!id) return;
        const name = this.tx(id);
        const g = given[i];
        if (g) {
          const a = this.templateArg(g, isType);
          if (a) template.set(name, a);
          return;
        }
        if (isType) {
          // Deduce T from a parameter declared T, T*, const T&.
          params.forEach((q, j) => {
            const v = vals[j];
            if (!v || template.has(name)) return;
            let t: CType = v.ty;
            let qt: CType = q.ty;
            if (qt.k === "ref") qt = qt.to;
            while (qt.k === "ptr" && t.k === "ptr") {
              qt = qt.to;
              t = t.to;
            }
            if (qt.k === "unknown" && qt.name === name && t.k !== "unknown") template.set(name, { k: "type", t });
          });
        }
      });
    }
    return this.inMain(() => this.callee(fn, vals, template, method));
  }

  /** The callee's side of an inlined call, on the function's own text. */
  private callee(fn: FunctionInfo, vals: readonly (Val | Place)[], template: ReadonlyMap<string, TemplateArg>, method?: { readonly info: StructInfo; readonly self?: Place }): Val {
    const savedScope = this.scope;
    const savedLoops = this.loopExits;
    const savedGuards = this.guards.splice(0);
    // A method sees its struct's template arguments, static constants and (called on an object) its fields.
    const outer = method ? this.structScope(method.info, method.self) : this.globalScope;
    this.scope = new Scope(outer);
    const retType = this.returnType(fn, template, outer);
    this.bindTemplate(fn, template, false);
    const calleeParams = this.paramList(fn);
    calleeParams.forEach((p, i) => {
      const v = vals[i];
      let slot: Slot;
      if (v && "k" in v) slot = this.newSlot(p.name, p.ty.k === "ref" ? p.ty.to : p.ty, { place: v });
      else {
        slot = this.newSlot(p.name, p.ty.k === "ref" ? p.ty.to : p.ty);
        const def = field(p.node, "default_value");
        const val = v ?? (def ? this.ev(def) : this.unknownOf(p.ty, `parameter '${p.name}'`));
        this.env.set(slot, p.ty.k === "unknown" ? val : this.convert(val, slot.ty, false));
        if (this.emitting) this.privateValues.push({ words: this.words(slot.ty), mutable: false });
      }
      this.scope.names.set(p.name, slot);
    });
    const frame: CallFrame = { returns: [], places: [], wantsPlace: retType.k === "ref" };
    this.callStack.push(frame);
    this.inlining.push(fn.node);
    this.loopExits = [];
    this.depth++;
    let body: IrNode[] = [];
    try {
      body = this.collect(() => this.guarded(() => void this.block(fn.body!), fn.body!));
    } finally {
      this.depth--;
      this.callStack.pop();
      this.inlining.pop();
      this.loopExits = savedLoops;
      this.guards.push(...savedGuards);
      this.dropSlots(this.scope);
      this.scope = savedScope;
    }
    if (this.emitting) this.out.push({ k: "call", name: fn.name, body });
    this.lastCallPlace = frame.places.length === 1 ? frame.places[0] : undefined;
    const r = frame.returns;
    if (r.length === 0) return O(`'${fn.name}' returns nothing`, retType);
    const first = r[0];
    const same = r.every((x) => x === first || (x.t === "s" && first.t === "s" && x.e === first.e));
    const v = same ? first : this.unknownOf(retType, `the result of '${fn.name}'`);
    return retType.k === "unknown" || retType.k === "void" ? v : this.convert(v, retType, false);
  }

  /** A method defined in a struct's body (`operator()` of a functor, `get_bits`), as a function to inline. */
  private methodOf(t: CType, method: string): { fn: FunctionInfo; info: StructInfo } | undefined {
    const st = t.k === "ref" ? t.to : t;
    if (st.k !== "struct") return undefined;
    const info = this.structInfos.get(st.name) ?? (this.ctx.prog.structs.get(st.name) ? { node: this.ctx.prog.structs.get(st.name)!, args: new Map() } : undefined);
    const node = info?.node;
    const body = node ? field(node, "body") : undefined;
    for (const f of kids(body ?? { type: "", start: 0, end: 0, named: true, field: null, children: [] })) {
      let fn = f;
      let template: CNode | null = null;
      if (f.type === "template_declaration") {
        template = field(f, "parameters") ?? null;
        fn = kids(f).find((k) => k.type === "function_definition") ?? f;
      }
      if (fn.type !== "function_definition") continue;
      let fd = field(fn, "declarator");
      for (let i = 0; fd && fd.type !== "function_declarator" && i < 8; i++) fd = field(fd, "declarator");
      const id = fd ? field(fd, "declarator") : undefined;
      if (!fd || !id || this.ctx.prog.text.slice(id.start, id.end).replace(/\s+/g, "") !== method) continue;
      if (!field(fn, "body")) continue;
      return { info: info!, fn: { name: `${st.name}::${method}`, node: fn, template, space: "device", hostDevice: true, declarator: fd, params: field(fd, "parameters"), body: field(fn, "body"), launchBounds: undefined, nameSpan: { start: id.start, end: id.end }, span: { start: f.start, end: f.end } } };
    }
    return undefined;
  }

  private returnType(fn: FunctionInfo, template: ReadonlyMap<string, TemplateArg>, outer: Scope = this.globalScope): CType {
    const t = field(fn.node, "type");
    if (!t) return unknownType("?");
    const saved = this.scope;
    this.scope = new Scope(outer);
    for (const [k, a] of template) if (a.k === "type") this.scope.types.set(k, a.t);
    try {
      const base = this.typeOf(t);
      // Pointers and references sit between the type and the function declarator.
      let ty = base;
      for (let d = field(fn.node, "declarator"); d && d.type !== "function_declarator"; d = field(d, "declarator")) {
        if (d.type === "pointer_declarator") ty = { k: "ptr", to: ty, readonly: false };
        else if (d.type === "reference_declarator") ty = { k: "ref", to: ty };
      }
      return ty;
    } finally {
      this.scope = saved;
    }
  }

  /**
   * The overload whose parameter types fit the arguments best (`warp_reduce_sum(float)` against
   * `warp_reduce_sum(float2)`), from the types the arguments are declared with; the first one on a tie.
   */
  private bestOverload(fns: readonly FunctionInfo[], args: readonly CNode[]): FunctionInfo {
    const argTypes = args.map((a) => this.declaredTypeOf(a));
    let best = fns[0];
    let bestScore = -Infinity;
    for (const f of fns) {
      const params = this.inMain(() => this.paramList(f));
      const score = argTypes.reduce((sum, t, i) => sum + (t && params[i] ? typeFit(t, params[i].ty) : 0), 0);
      if (score > bestScore) {
        best = f;
        bestScore = score;
      }
    }
    return best;
  }

  /** The type an argument is known to have without evaluating it: a variable's declared type, a literal's. */
  private declaredTypeOf(a: CNode): CType | undefined {
    if (a.type === "identifier") return this.scope.slot(this.tx(a))?.ty;
    if (a.type === "number_literal") return /[.eEfF]/.test(this.tx(a)) && !/^0[xX]/.test(this.tx(a)) ? F32 : I32;
    if (a.type === "parenthesized_expression") {
      const inner = namedKids(a)[0];
      return inner ? this.declaredTypeOf(inner) : undefined;
    }
    if (a.type === "subscript_expression") {
      const arr = field(a, "argument");
      const t = arr ? this.declaredTypeOf(arr) : undefined;
      return t?.k === "array" ? t.of : t?.k === "ptr" ? t.to : undefined;
    }
    if (a.type === "field_expression") {
      const obj = field(a, "argument");
      const member = field(a, "field");
      let t = obj ? this.declaredTypeOf(obj) : undefined;
      if (t?.k === "ref") t = t.to;
      if (t?.k === "ptr") t = t.to;
      if (!member) return undefined;
      if (t?.k === "struct") return t.fields.find((f) => f.name === this.tx(member))?.type;
      if (t?.k === "vector" && /^[xyzw]$/.test(this.tx(member))) return elementOf(t);
      return undefined;
    }
    if (a.type === "cast_expression") {
      const t = field(a, "type");
      return t ? this.typeOf(t) : undefined;
    }
    if (a.type === "binary_expression") {
      const op = this.tx(field(a, "operator") ?? a);
      if (/^(==|!=|<|>|<=|>=|&&|\|\|)$/.test(op)) return BOOL;
      const l = field(a, "left");
      const r = field(a, "right");
      const lt = l ? this.declaredTypeOf(l) : undefined;
      const rt = r ? this.declaredTypeOf(r) : undefined;
      return lt && rt ? commonType(lt, rt) : undefined;
    }
    return undefined;
  }

  private paramCount(fn: FunctionInfo): { min: number; max: number } {
    const ps = kids(fn.params ?? { type: "", start: 0, end: 0, named: true, field: null, children: [] }).filter((p) => p.type === "parameter_declaration" || p.type === "optional_parameter_declaration");
    const variadic = kids(fn.params ?? { type: "", start: 0, end: 0, named: true, field: null, children: [] }).some((p) => p.type === "variadic_parameter_declaration" || p.type === "...");
    return { min: ps.filter((p) => p.type === "parameter_declaration").length, max: variadic ? Infinity : ps.length };
  }

  /** A template argument as written at a launch or call: a type, or a value. */
  private templateArg(a: CNode, preferType: boolean): TemplateArg | undefined {
    let node = a;
    // A function named as an argument (a function-pointer template parameter).
    const bare = a.type === "type_descriptor" && !field(a, "declarator") ? field(a, "type") : a.type === "identifier" ? a : undefined;
    if (bare && (bare.type === "type_identifier" || bare.type === "identifier")) {
      const fname = this.tx(bare);
      const alias = this.scope.slot(fname);
      if (alias?.fnAlias) return { k: "fn", name: alias.fnAlias };
      if (!alias && this.ctx.prog.functions.has(fname)) return { k: "fn", name: fname };
    }
    if (a.type === "type_descriptor") {
      const t = field(a, "type");
      const simple = t && !field(a, "declarator") && (t.type === "type_identifier" || t.type === "qualified_identifier");
      // `k<BM>` parses BM as a type: a name the code holds as a value is a value.
      if (simple && !preferType) {
        const name = this.tx(t).replace(/.*::/, "");
        const slot = this.scope.slot(name);
        if (slot || !this.namedType(name) || this.namedType(name).k === "unknown") {
          const v = this.scalarOf(this.quiet(() => this.ev({ ...t, type: t.type === "type_identifier" ? "identifier" : t.type })));
          if (unknownReason(v) === undefined || slot) return { k: "value", v };
        }
      }
      const ty = this.typeOf(a);
      if (ty.k !== "unknown") return { k: "type", t: ty };
      if (!t) return undefined;
      node = { ...t, type: t.type === "type_identifier" ? "identifier" : t.type };
    }
    const v = this.scalarOf(this.quiet(() => this.ev(node)));
    return { k: "value", v };
  }

  /** A function-like macro's use: its expansion parsed and lowered in place, spans mapped back to the use. */
  private macroCall(m: FunctionMacro, args: readonly CNode[], n: CNode): Val {
    if (this.sources.length > 16) {
      for (const a of args) this.ev(a);
      return O(`macro '${m.name}' nested too deeply`);
    }
    let tpl = this.templates.get(m.name);
    if (tpl === undefined) this.templates.set(m.name, (tpl = macroTemplate(m, this.ctx.objectMacros) ?? null));
    if (tpl !== null) return this.macroFromTemplate(m, tpl, args, n);
    const expansion = expandMacro(m, args.map((a) => ({ text: this.tx(a), at: a.start })), this.ctx.objectMacros);
    const prefix = "void __kl_macro__(void) {\n";
    const snippet = `${prefix}${expansion.text}\n;}`;
    const body = this.snippetBody(snippet);
    if (!body) {
      for (const a of args) this.ev(a);
      this.note(`macro '${m.name}'`, "its expansion could not be parsed: its work is not counted", this.sp(n));
      return O(`macro '${m.name}'`);
    }
    const use = { start: n.start, end: n.end };
    const exp: Expansion = expansion;
    this.sources.push({ text: snippet, map: (o, bias) => mapExpansionOffset(exp, o - prefix.length, use, bias) });
    try {
      return this.macroBody(m, body);
    } finally {
      this.sources.pop();
    }
  }

  /** The body of the one function a snippet of text defines, parsed once per lowering (a macro is used many times). */
  private snippetBody(snippet: string): CNode | undefined {
    let root = this.snippetCache.get(snippet);
    if (root === undefined) {
      root = this.ctx.parseSnippet(snippet);
      this.snippetCache.set(snippet, root);
    }
    const fnDef = root ? kids(root).find((k) => k.type === "function_definition") : undefined;
    return fnDef ? field(fnDef, "body") : undefined;
  }

  /** A macro's parsed body at its use: one expression is its value; statements run in a scope of their own. */
  private macroBody(m: FunctionMacro, body: CNode): Val {
    const stmts = namedKids(body).filter((k) => !(k.type === "expression_statement" && namedKids(k).length === 0));
    if (stmts.length === 1 && stmts[0].type === "expression_statement") return this.ev(namedKids(stmts[0])[0]);
    this.scope = new Scope(this.scope);
    try {
      for (const s of stmts) if (this.stmt(s)) break;
    } finally {
      this.popScope();
    }
    return O(`macro '${m.name}'`);
  }

  /** A macro whose body was parsed once, its parameters bound to this use's arguments (evaluated where they stand). */
  private macroFromTemplate(m: FunctionMacro, tpl: string, args: readonly CNode[], n: CNode): Val {
    const prefix = "void __kl_macro__(void) {\n";
    const snippet = `${prefix}${tpl}\n;}`;
    const body = this.snippetBody(snippet);
    if (!body) {
      for (const a of args) this.ev(a);
      this.note(`macro '${m.name}'`, "its expansion could not be parsed: its work is not counted", this.sp(n));
      return O(`macro '${m.name}'`);
    }
    const use = { start: n.start, end: n.end };
    this.macroFrames.push({ args, sources: [...this.sources] });
    this.sources.push({ text: snippet, map: (_o, bias) => (bias === "start" ? use.start : use.end) });
    try {
      return this.macroBody(m, body);
    } finally {
      this.sources.pop();
      this.macroFrames.pop();
    }
  }

  /** Runs `f` on argument `i` of the innermost macro use, where the argument was written. */
  private macroArg<T>(i: number, f: (arg: CNode) => T, none: () => T): T {
    const frame = this.macroFrames[this.macroFrames.length - 1];
    const arg = frame?.args[i];
    if (!frame || !arg) return none();
    const savedSources = this.sources;
    const savedFrames = this.macroFrames;
    this.sources = frame.sources;
    this.macroFrames = savedFrames.slice(0, -1);
    try {
      return f(arg);
    } finally {
      this.sources = savedSources;
      this.macroFrames = savedFrames;
    }
  }

  private linearTid(): VExpr {
    const [x, y, z] = ["lid.x", "lid.y", "lid.z"].map(vr);
    const [bx, by] = ["wgsize.x", "wgsize.y"].map(vr);
    return bin("+", x, bin("+", bin("*", y, bx), bin("*", z, bin("*", bx, by))));
  }

  private builtin(name: string, args: readonly CNode[], n: CNode): Val | undefined {
    if (BARRIERS.has(name)) {
      for (const a of args) this.ev(a);
      this.emitBarrier(1);
      return S(unknown(`the result of ${name}`), I32);
    }
    if (NO_COST.has(name)) {
      for (const a of args) this.ev(a);
      return O(name, VOID);
    }
    if (name in SHUFFLES) {
      const vals = args.map((a) => this.ev(a));
      const v = vals[SHUFFLES[name]] ?? O("?");
      this.emitOps("subgroup", Math.max(1, Math.ceil((sizeOf(v.ty) ?? 4) / 4)));
      return this.unknownOf(v.ty, "a value from another lane");
    }
    if (VOTES.has(name)) {
      for (const a of args) this.ev(a);
      this.emitOps("subgroup", 1);
      return S(unknown(`the result of ${name}`), U32);
    }
    if (WARP_REDUCTIONS.has(name)) {
      for (const a of args) this.ev(a);
      this.emitOps("int", 1);
      this.emitOps("subgroup", 1);
      return S(unknown(`the result of ${name}`), U32);
    }
    if (isAtomic(name)) {
      const target = args[0] ? this.ev(args[0]) : O("?");
      for (const a of args.slice(1)) this.ev(a);
      if (target.t === "p") {
        const pl = this.deref(target, this.pointee(target));
        if (pl.k === "mem") this.access(pl, "atomic", n);
        // The read-modify-write's arithmetic (an atomicAdd on a float is a floating add, done in L2).
        if (/^(atomic|unsafeAtomic|safeAtomic)(Add|Sub|Min|Max)/.test(name)) this.countArith(pl.ty, components(pl.ty));
        else if (/^atomic(Inc|Dec|And|Or|Xor)/.test(name)) this.emitOps("int", 1);
        return this.unknownOf(pl.ty, `the result of ${name}`);
      }
      return S(unknown(`the result of ${name}`), I32);
    }
    if (LOAD_HINTS.has(name)) {
      const p = args[0] ? this.ev(args[0]) : O("?");
      return p.t === "p" ? this.load(this.deref(p, this.pointee(p)), n) : O(name);
    }
    if (STORE_HINTS.has(name)) {
      const p = args[0] ? this.ev(args[0]) : O("?");
      const v = args[1] ? this.ev(args[1]) : O("?");
      if (p.t === "p") this.store(this.deref(p, this.pointee(p)), v, n);
      return O(name, VOID);
    }
    if (SPECIAL.has(name)) {
      const vals = args.map((a) => this.ev(a));
      const first = vals.find((v) => isFloatType(v.ty));
      let ty: CType = first ? first.ty : F32;
      if (/^h2/.test(name) && ty.k !== "vector") ty = vectorOf(scalarOf(ty) ?? "f16", 2);
      const fold = vals.length > 0 && vals.every(constVal) ? foldOf(name) : undefined;
      if (fold && vals.every((v) => v.t === "s")) return S(cst(fold(...vals.map((v) => (this.scalarOf(v) as { v: number }).v))), ty);
      if (vals.length > 0 && vals.every(constVal)) return this.unknownOf(ty, `${name} of a constant`);
      this.emitOps("special", components(ty));
      return this.unknownOf(ty, `the result of ${name}`);
    }
    if (name === "sincosf" || name === "sincos" || name === "__sincosf" || name === "sincospif") {
      const vals = args.map((a) => this.ev(a));
      this.emitOps("special", 2);
      for (const p of vals.slice(1)) if (p.t === "p") this.store(this.deref(p, this.pointee(p)), this.unknownOf(F32, name), n);
      return O(name, VOID);
    }
    if (name in FLOPS) {
      const vals = args.map((a) => this.ev(a));
      let ty: CType = vals[0]?.ty ?? F32;
      for (const v of vals.slice(1)) ty = commonType(ty, v.ty);
      const per = FLOPS[name];
      const s = scalarOf(ty);
      const comps = components(ty);
      if (vals.length > 0 && vals.every(constVal)) {
        const fold = foldOf(name);
        return fold && vals.every((v) => v.t === "s") ? S(cst(fold(...vals.map((v) => (this.scalarOf(v) as { v: number }).v))), ty) : this.unknownOf(ty, `${name} of constants`);
      }
      if (s && isFloatScalar(s)) this.emitOps(opClassOf(s), per * comps);
      else this.emitOps("int", per * comps);
      if (s && !isFloatScalar(s) && vals.every((v) => v.t === "s")) {
        const es = vals.map((v) => this.scalarOf(v));
        const base = name.replace(/^(u|ll|ull)(min|max)$/, "$2").replace(/^l+abs$/, "abs");
        if ((base === "min" || base === "max") && es.length === 2) return S(call(base, es), ty);
        if (base === "abs" && es.length === 1) return S(call("abs", es), ty);
      }
      if (/^__h.*(lt|le|gt|ge|eq|ne)/.test(name)) return S(unknown(name), BOOL);
      return this.unknownOf(ty, `the result of ${name}`);
    }
    if (name in INT_OPS) {
      const vals = args.map((a) => this.ev(a));
      this.emitOps("int", INT_OPS[name]);
      return S(unknown(`the result of ${name}`), /^__h/.test(name) ? BOOL : vals[0]?.ty.k === "scalar" ? vals[0].ty : I32);
    }
    if (name in CONVERSIONS) {
      const vals = args.map((a) => this.ev(a));
      const c = CONVERSIONS[name];
      const ty = vectorOf(c.s, c.n);
      const src = vals[0];
      if (vals.length > 0 && vals.every(constVal)) {
        // A constant converted at compile time (`__float2bfloat162_rn(0.5f)`): no instruction.
        const consts = vals.flatMap((v) => (v.t === "v" ? v.c : [this.scalarOf(v)]));
        return c.n === 1 ? S(consts[0], ty) : { t: "v", c: Array.from({ length: c.n }, (_, i) => consts[i] ?? consts[0]), ty };
      }
      this.emitOps("int", c.n);
      if (src && src.t === "s" && c.n === 1 && !isFloatScalar(c.s) && src.ty.k === "scalar" && !isFloatScalar(src.ty.s)) return S(src.e, ty);
      if (src && src.t === "s" && c.n === 1 && isFloatScalar(c.s) && src.ty.k === "scalar" && !isFloatScalar(src.ty.s)) return S(src.e, ty);
      return this.unknownOf(ty, `the result of ${name}`);
    }
    if (name in FREE) {
      const vals = args.map((a) => this.ev(a));
      const r = FREE[name];
      if (name === "__builtin_expect" || name === "__builtin_assume_aligned") return vals[0] ?? O(name);
      const ty = r ? vectorOf(r.s, r.n) : (vals[0]?.ty ?? F32);
      if (name === "__half2half2" || name === "__bfloat162bfloat162") return this.unknownOf(ty, name);
      return this.unknownOf(ty, `the result of ${name}`);
    }
    if (name === "memcpy" || name === "memset" || name === "__builtin_memcpy" || name === "__builtin_memset") {
      // Device-side copies between registers (bit casts) are free; through memory they move their bytes.
      const vals = args.map((a) => this.ev(a));
      const bytes = vals[2] ? this.scalarOf(vals[2]) : unknown(name);
      const moved = (p: Val | undefined, kind: "load" | "store"): void => {
        if (!p || p.t !== "p") return;
        if (p.base.k === "local") {
          const pl = this.deref(p, this.pointee(p));
          if (kind === "store" && pl.k === "local") this.store(pl, this.unknownOf(pl.ty, `written by ${name}`), n);
          return;
        }
        if (p.base.k !== "mem" || !isConst(bytes)) return;
        for (let off = 0; off < bytes.v; off += 16) {
          const chunk = Math.min(16, bytes.v - off);
          this.access({ k: "mem", binding: p.base.binding, space: p.base.space, addr: bin("+", p.addr, cst(off)), ty: vectorOf("u8", chunk) }, kind, n);
        }
      };
      if (!name.endsWith("memset")) moved(vals[1], "load");
      moved(vals[0], "store");
      return O(name, VOID);
    }
    const vec = makeVectorType(name);
    if (vec) {
      const ty = builtinType(vec) ?? F32;
      return this.construct(ty, args, n);
    }
    if (name === "__cvta_generic_to_shared" || name === "__cvta_shared_to_generic" || name === "cvta_to_shared" || name === "__cvta_generic_to_global") {
      return args[0] ? this.ev(args[0]) : O(name);
    }
    return undefined;
  }

  /** Cooperative groups' free functions. */
  private cg(name: string, targs: CNode | undefined, args: readonly CNode[], n: CNode): Val {
    switch (name) {
      case "this_thread_block":
        return { t: "g", ty: { k: "group", scope: "block" } };
      case "this_grid":
        return { t: "g", ty: { k: "group", scope: "grid" } };
      case "coalesced_threads":
        return { t: "g", ty: { k: "group", scope: "tile", size: 32 } };
      case "tiled_partition": {
        for (const a of args) this.ev(a);
        const sizeNode = targs ? namedKids(targs)[0] : args[1];
        const size = sizeNode ? this.scalarOf(this.quiet(() => this.ev(sizeNode.type === "type_descriptor" ? (field(sizeNode, "type") ?? sizeNode) : sizeNode))) : cst(32);
        return { t: "g", ty: { k: "group", scope: "tile", size: isConst(size) ? size.v : 32 } };
      }
      case "sync":
      case "wait":
      case "wait_prior": {
        const g = args[0] ? this.ev(args[0]) : O("?");
        // cg::wait(g) waits for the group's async copies and synchronises the group.
        if (name === "sync" || name === "wait" || name === "wait_prior") this.groupSync(g, n);
        return O(name, VOID);
      }
      case "reduce":
      case "inclusive_scan":
      case "exclusive_scan": {
        const g = args[0] ? this.ev(args[0]) : O("?");
        const v = args[1] ? this.ev(args[1]) : O("?");
        for (const a of args.slice(2)) this.quiet(() => this.ev(a));
        const size = g.ty.k === "group" && g.ty.scope === "tile" ? g.ty.size ?? 32 : 32;
        const steps = Math.max(1, Math.ceil(Math.log2(size)));
        const s = scalarOf(v.ty);
        this.emitOps(s && isFloatScalar(s) ? opClassOf(s) : "int", steps * components(v.ty));
        this.emitOps("subgroup", steps * components(v.ty));
        return this.unknownOf(v.ty, `the result of cg::${name}`);
      }
      case "plus":
      case "less":
      case "greater":
      case "bit_and":
      case "bit_or":
      case "bit_xor":
        // The operation a cg::reduce applies: counted by the reduction.
        return O(`cg::${name}`);
      default:
        for (const a of args) this.ev(a);
        this.note(`cooperative_groups::${name}`, "not modelled: its work is not counted", this.sp(n));
        return O(`cg::${name}`);
    }
  }

  private groupSync(g: Val, n: CNode): void {
    if (g.ty.k !== "group") {
      this.emitBarrier(1);
      return;
    }
    if (g.ty.scope === "block") this.emitBarrier(1);
    else if (g.ty.scope === "grid") {
      this.emitBarrier(1);
      this.note("grid.sync()", "a grid-wide barrier is counted as one block barrier; it also waits for every block of the grid", this.sp(n));
    }
  }

  /** `obj.method(args)`: cooperative-groups handles, host containers, anything else is not followed. */
  private method(fn: CNode, args: readonly CNode[], n: CNode): Val {
    const obj = field(fn, "argument");
    const f = field(fn, "field");
    const name = f ? this.tx(f).replace(/^template\s+/, "") : "?";
    const arrow = kids(fn).some((k) => k.field === "operator" && this.tx(k) === "->");
    let objPlace = obj && !arrow ? this.place(obj) : undefined;
    let ov: Val;
    if (objPlace && objPlace.ty.k === "struct") ov = objPlace.k === "mem" ? this.load(objPlace, obj!) : this.read(objPlace.k === "local" ? objPlace.slot : this.newSlot("?", objPlace.ty));
    else ov = obj ? this.ev(obj) : O("?");
    if (arrow && ov.t === "p") {
      objPlace = this.deref(ov, this.pointee(ov));
      ov = { t: "g", ty: objPlace.ty };
    }
    const g = ov.ty.k === "group" ? ov.ty : undefined;
    if (g) {
      const size = g.scope === "tile" ? g.size ?? 32 : undefined;
      const blockThreads = bin("*", vr("wgsize.x"), bin("*", vr("wgsize.y"), vr("wgsize.z")));
      switch (name) {
        case "sync":
        case "barrier_wait":
          for (const a of args) this.ev(a);
          this.groupSync(ov, n);
          return O("sync", VOID);
        case "thread_rank":
          return S(size ? bin("%", this.linearTid(), cst(size)) : g.scope === "grid" ? bin("+", bin("*", vr("wid.x"), vr("wgsize.x")), vr("lid.x")) : this.linearTid(), U32);
        case "size":
        case "num_threads":
          return S(size ? cst(size) : g.scope === "grid" ? bin("*", blockThreads, bin("*", vr("nwg.x"), bin("*", vr("nwg.y"), vr("nwg.z")))) : blockThreads, U32);
        case "meta_group_rank":
          return S(size ? bin("/", this.linearTid(), cst(size)) : cst(0), U32);
        case "meta_group_size":
          return S(size ? bin("/", blockThreads, cst(size)) : cst(1), U32);
        case "group_index":
        case "block_index":
          this.readsWorkgroupId = true;
          return { t: "v", c: ["wid.x", "wid.y", "wid.z"].map(vr), ty: DIM3 };
        case "thread_index":
          return { t: "v", c: ["lid.x", "lid.y", "lid.z"].map(vr), ty: DIM3 };
        case "dim_threads":
        case "group_dim":
          return { t: "v", c: ["wgsize.x", "wgsize.y", "wgsize.z"].map(vr), ty: DIM3 };
        case "shfl":
        case "shfl_down":
        case "shfl_up":
        case "shfl_xor": {
          const vals = args.map((a) => this.ev(a));
          const v = vals[0] ?? O("?");
          this.emitOps("subgroup", Math.max(1, Math.ceil((sizeOf(v.ty) ?? 4) / 4)));
          return this.unknownOf(v.ty, "a value from another lane");
        }
        case "any":
        case "all":
        case "ballot":
        case "match_any":
        case "match_all":
          for (const a of args) this.ev(a);
          this.emitOps("subgroup", 1);
          return S(unknown(`the result of ${name}`), U32);
        default:
          for (const a of args) this.ev(a);
          return O(`${name}()`);
      }
    }
    if (this.mode === "host" && ov.t === "p" && (name === "data" || name === "get" || name === "begin")) return ov;
    // Pipeline and barrier synchronisation (cuda::pipeline, cuda::barrier): ordering, no work the model counts.
    if (/^(producer_acquire|producer_commit|consumer_wait|consumer_release|arrive|arrive_and_wait|arrive_and_drop|wait|wait_parity|quit|wait_prior)$/.test(name)) {
      for (const a of args) this.ev(a);
      return O(name, VOID);
    }
    const m = this.methodOf(objPlace?.ty ?? ov.ty, name);
    if (m) {
      let self = objPlace;
      if (!self || self.k === "none") {
        // A method of a temporary (`load128(p).get_bits()`): the value in a local of its own.
        const tmp = this.newSlot("this", ov.ty);
        this.env.set(tmp, ov);
        self = { k: "local", slot: tmp, path: [], ty: ov.ty, indices: [] };
      }
      return this.inline([m.fn], undefined, args, n, { info: m.info, self });
    }
    for (const a of args) this.ev(a);
    if (this.mode === "device") this.note(`method '${name}'`, "a method call is not analysed: its work is not counted", this.sp(n));
    return O(`the result of .${name}()`);
  }

  /**
   * An asynchronous copy from global to shared memory (`cuda::memcpy_async`, `cg::memcpy_async`,
   * `__pipeline_memcpy_async`): a load of the source and a store of the destination; a group's copy is shared out
   * over its threads, each its contiguous piece.
   */
  private memcpyAsync(args: readonly CNode[], n: CNode): Val {
    const vals = args.map((a) => this.ev(a));
    const group = vals[0]?.ty.k === "group" ? vals[0].ty : undefined;
    const ptrs = vals.filter((v): v is Extract<Val, { t: "p" }> => v.t === "p");
    const size = vals.slice(group ? 1 : 0).find((v) => v.t === "s");
    const bytes = size ? this.scalarOf(size) : unknown("a copy size");
    if (ptrs.length < 2 || !isConst(bytes)) {
      this.note("memcpy_async", "its pointers or size could not be followed: its traffic is not counted", this.sp(n));
      return O("memcpy_async", VOID);
    }
    // Lanes copy 16-byte chunks in turn (chunk k * T + t by thread t of T): coalesced, as the hardware does it.
    const chunk = Math.min(16, bytes.v);
    const threads: VExpr = group ? (group.scope === "tile" ? cst(group.size ?? 32) : bin("*", vr("wgsize.x"), bin("*", vr("wgsize.y"), vr("wgsize.z")))) : cst(1);
    const tid = group ? (group.scope === "tile" ? bin("%", this.linearTid(), cst(group.size ?? 32)) : this.linearTid()) : cst(0);
    const chunks = Math.ceil(bytes.v / chunk);
    const trips = bin("/", bin("+", cst(chunks), bin("-", threads, cst(1))), threads);
    const v = `loop${++this.loopCounter}`;
    const [dst, src] = ptrs;
    const ty = vectorOf("u8", chunk);
    const body = this.collect(() => {
      for (const [p, kind] of [[src, "load"], [dst, "store"]] as const) {
        const pl = this.deref({ ...p, addr: bin("+", p.addr, bin("*", bin("+", bin("*", vr(v), threads), tid), cst(chunk))) }, ty);
        if (pl.k === "mem") this.access(pl, kind, n);
      }
    });
    if (this.emitting && body.length > 0) {
      const span = this.sp(n);
      this.out.push({ k: "loop", v, span, headerEnd: span.start, counter: { kind: "add", start: cst(0), step: cst(1), op: "<", bound: trips, int: true }, earlyExit: false, header: [], body: [{ k: "if", cond: bin("<", bin("+", bin("*", vr(v), threads), tid), cst(chunks)), then: body, else: [] }], latch: [] });
    }
    return O("memcpy_async", VOID);
  }

  /** wmma: fragment loads and stores as the warp's collective accesses, mma_sync as tensor-core FLOPs. */
  private wmma(name: string, args: readonly CNode[], n: CNode): Val {
    const fragOf = (a: CNode | undefined): Extract<CType, { k: "fragment" }> | undefined => {
      if (!a) return undefined;
      const pl = this.quiet(() => this.place(a));
      const t = pl?.ty;
      return t && t.k === "fragment" ? t : undefined;
    };
    switch (name) {
      case "fill_fragment":
        for (const a of args.slice(1)) this.ev(a);
        return O(name, VOID);
      case "mma_sync":
      case "bmma_sync": {
        const a = fragOf(args[1]);
        const m = a?.m ?? 16, nn = a?.n ?? 16, k = a?.kk ?? 16;
        this.emitOps("tensor", (2 * m * nn * k) / 32);
        return O(name, VOID);
      }
      case "load_matrix_sync":
      case "store_matrix_sync": {
        const load = name === "load_matrix_sync";
        const frag = fragOf(load ? args[0] : args[1]);
        const p = args[load ? 1 : 0] ? this.ev(args[load ? 1 : 0]) : O("?");
        const ld = args[2] ? this.scalarOf(this.ev(args[2])) : cst(16);
        const layoutText = args[3] ? this.tx(args[3]) : frag?.name ?? "";
        if (frag && p.t === "p") this.tileAccess(frag, p, ld, /col_major/.test(layoutText), load ? "load" : "store", n);
        else this.note(`wmma::${name}`, "its fragment or pointer could not be followed: its memory traffic is not counted", this.sp(n));
        return O(name, VOID);
      }
      default:
        for (const a of args) this.ev(a);
        return O(`wmma::${name}`);
    }
  }

  /** The accesses one thread makes for its share of a warp-wide tile load or store (16-byte pieces, row by row). */
  private tileAccess(frag: Extract<CType, { k: "fragment" }>, p: Extract<Val, { t: "p" }>, ld: VExpr, colMajor: boolean, kind: "load" | "store", n: CNode): void {
    const eb = Math.max(1, sizeOf(scalar(frag.s)) ?? 2);
    const [r, c] = frag.use === "matrix_a" ? [frag.m, frag.kk] : frag.use === "matrix_b" ? [frag.kk, frag.n] : [frag.m, frag.n];
    const [rows, cols] = colMajor ? [c, r] : [r, c];
    const rowBytes = cols * eb;
    const tileBytes = rows * rowBytes;
    // Each lane's contiguous share of the tile, as one access (one span, one address pattern for the model).
    const piece = Math.max(eb, Math.min(rowBytes, tileBytes / 32));
    const perRow = Math.max(1, Math.floor(rowBytes / piece));
    const pieces = 1;
    const lane = bin("%", this.linearTid(), cst(32));
    const ty = vectorOf(frag.s, Math.max(1, piece / eb));
    for (let j = 0; j < pieces; j++) {
      const id = bin("+", lane, cst(32 * j));
      const row = bin("/", id, cst(perRow));
      const col = bin("*", bin("%", id, cst(perRow)), cst(piece / eb));
      const addr = bin("+", p.addr, bin("*", bin("+", bin("*", row, ld), col), cst(eb)));
      const pl = this.deref({ ...p, addr }, ty);
      if (pl.k === "mem") this.access(pl, kind, n);
    }
  }

  /** Host API calls that matter for launches: allocations (their sizes) and launches through the runtime API. */
  private hostCall(name: string, args: readonly CNode[], n: CNode): Val | undefined {
    const stripCasts = (a: CNode): CNode => {
      let cur = a;
      for (let i = 0; i < 8; i++) {
        if (cur.type === "cast_expression") cur = field(cur, "value") ?? cur;
        else if (cur.type === "parenthesized_expression") cur = namedKids(cur)[0] ?? cur;
        else if (cur.type === "call_expression" && /_cast$/.test(this.tx(field(cur, "function") ?? cur).replace(/<.*$/s, ""))) cur = namedKids(field(cur, "arguments") ?? cur)[0] ?? cur;
        else break;
      }
      return cur;
    };
    if (/^(cudaMalloc|cudaMallocManaged|cudaMallocAsync|cudaMallocHost|cudaHostAlloc|cudaMallocFromPoolAsync)$/.test(name)) {
      const target = args[0] ? stripCasts(args[0]) : undefined;
      const bytes = args[1] ? this.scalarOf(this.ev(args[1])) : unknown("cudaMalloc");
      for (const a of args.slice(2)) this.ev(a);
      if (target && target.type === "pointer_expression") {
        const inner = field(target, "argument");
        const pl = inner ? this.place(inner) : undefined;
        if (pl && pl.k === "local") this.env.set(pl.slot, this.hostPointer(pl.ty.k === "ptr" ? pl.ty : { k: "ptr", to: unknownType("void"), readonly: false }, pl.slot.name, bytes));
      }
      return S(cst(0), I32);
    }
    if (name === "malloc" || name === "aligned_alloc") {
      const bytes = args[args.length - 1] ? this.scalarOf(this.ev(args[args.length - 1])) : unknown("malloc");
      return this.hostPointer({ k: "ptr", to: unknownType("void"), readonly: false }, "malloc", bytes);
    }
    if (name === "calloc") {
      const vals = args.map((a) => this.scalarOf(this.ev(a)));
      return this.hostPointer({ k: "ptr", to: unknownType("void"), readonly: false }, "calloc", bin("*", vals[0] ?? unknown("calloc"), vals[1] ?? unknown("calloc")));
    }
    if (name === "raw_pointer_cast" || name === "thrust::raw_pointer_cast") return args[0] ? this.ev(args[0]) : O(name);
    if (/^(cudaLaunchKernel|cudaLaunchCooperativeKernel|cudaLaunchKernelExC)$/.test(name)) {
      const fnNode = args[0] ? stripCasts(args[0]) : undefined;
      const grid = args[1] ? this.ev(args[1]) : undefined;
      const block = args[2] ? this.ev(args[2]) : undefined;
      const smem = args[4] ? this.ev(args[4]) : undefined;
      let kernel = fnNode ? this.tx(fnNode) : "?";
      let targs: (TemplateArg | undefined)[] = [];
      if (fnNode && fnNode.type === "template_function") {
        kernel = this.tx(field(fnNode, "name") ?? fnNode);
        targs = namedKids(field(fnNode, "arguments") ?? fnNode).map((a) => this.templateArg(a, false));
      }
      this.launches.push({ kernel: kernel.replace(/^&/, "").replace(/.*::/, ""), templateArgs: targs, grid, block, smem, args: [], span: this.sp(n) });
      return S(cst(0), I32);
    }
    if (/^cuda[A-Z]|^cu[A-Z]|^cublas|^curand|^printf$|^fprintf$|^exit$|^free$|^memcpy$|^memset$|^assert$/.test(name)) {
      for (const a of args) this.quiet(() => this.ev(a));
      return S(cst(0), I32);
    }
    return undefined;
  }

  /** `kernel<<<grid, block, smem, stream>>>(args)`: recorded in host code; dynamic parallelism is not modelled. */
  private launch(n: CNode, fn: CNode, kcs: CNode, args: readonly CNode[]): Val {
    let kernel = this.tx(fn);
    let targs: (TemplateArg | undefined)[] = [];
    let f = fn;
    while (f.type === "qualified_identifier") f = field(f, "name") ?? f;
    if (f.type === "template_function") {
      kernel = this.tx(field(f, "name") ?? f);
      targs = namedKids(field(f, "arguments") ?? f).map((a) => this.templateArg(a, false));
    } else kernel = this.tx(f);
    const config = namedKids(kcs);
    const grid = config[0] ? this.ev(config[0]) : undefined;
    const block = config[1] ? this.ev(config[1]) : undefined;
    const smem = config[2] ? this.ev(config[2]) : undefined;
    if (config[3]) this.ev(config[3]);
    const vals = args.map((a) => this.ev(a));
    if (this.mode === "device") {
      this.note(`launch of '${kernel}'`, "a launch from device code (dynamic parallelism) is not analysed", this.sp(n));
      return O("a launch", VOID);
    }
    this.launches.push({ kernel, templateArgs: targs, grid, block, smem, args: vals, span: this.sp(n) });
    return O("a launch", VOID);
  }

  /** Inline PTX: `mma.sync` shapes are tensor-core FLOPs; anything else is unknown work, said with its line. */
  private asm(n: CNode): void {
    const code = field(n, "assembly_code");
    const text = code ? this.tx(code) : "";
    for (const list of kids(n)) {
      if (list.type !== "gnu_asm_input_operand_list" && list.type !== "gnu_asm_output_operand_list") continue;
      for (const op of namedKids(list)) {
        const v = field(op, "value");
        if (!v) continue;
        if (list.type === "gnu_asm_input_operand_list") this.ev(v);
        else {
          const pl = this.place(v);
          if (pl && pl.k === "local" && pl.indices.length === 0) this.store(pl, this.unknownOf(pl.ty, "an inline asm output"), v);
        }
      }
    }
    let counted = false;
    for (const m of text.matchAll(/\b(?:mma|wgmma\.mma_async)\.sync\.aligned\.m(\d+)n(\d+)k(\d+)/g)) {
      this.emitOps("tensor", (2 * Number(m[1]) * Number(m[2]) * Number(m[3])) / 32);
      counted = true;
    }
    const instr = /[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*/.exec(text.replace(/^"/, ""))?.[0] ?? "asm";
    const line = this.ctx.lineOf(this.sp(n).start);
    if (!counted || /ld\.|st\.|cp\.async|ldmatrix/.test(text)) {
      this.note(`inline asm at line ${line}`, `'${instr}': work in inline PTX is not counted${counted ? " beyond its mma instructions" : ""} (its memory traffic neither)`, this.sp(n));
    }
  }

  // ---- Statements ------------------------------------------------------------------------------------------------

  /** 32-bit words a value of this type keeps in registers. */
  private words(t: CType): number {
    const bytes = sizeOf(t) ?? 4;
    return Math.max(1, Math.ceil(bytes / 4));
  }

  /** Lowers a compound statement in a scope of its own; true when control always leaves it. */
  private block(n: CNode): boolean {
    if (this.scopeDepth > MAX_EXPR_DEPTH / 2) {
      this.note("a block", "nested too deeply to analyse", this.sp(n));
      return false;
    }
    this.scopeDepth++;
    this.scope = new Scope(this.scope);
    try {
      for (const s of kids(n)) {
        if (!s.named) continue;
        if (--this.budget < 0) {
          this.note("the kernel", `too large to model within the analysis budget of ${STATEMENT_BUDGET.toLocaleString("en-US")} statements: what follows here is left out, so counts are partial`, this.sp(s));
          if (this.emitting) this.out.push({ k: "exit" });
          return true;
        }
        if (this.stmt(s)) return true;
      }
      return false;
    } finally {
      this.popScope();
      this.scopeDepth--;
    }
  }

  /** A statement that may be a single statement or a block (an if's arm, a loop's body), in its own scope. */
  private stmtScoped(n: CNode): boolean {
    if (n.type === "compound_statement") return this.block(n);
    this.scope = new Scope(this.scope);
    try {
      return this.stmt(n);
    } finally {
      this.popScope();
    }
  }

  private stmt(n: CNode): boolean {
    // A statement the copy skipped (host code that launches nothing).
    if (n.children === null) return false;
    switch (n.type) {
      case "compound_statement": {
        let exits = false;
        const body = this.collect(() => void (exits = this.block(n)));
        if (this.emitting) this.out.push({ k: "block", body });
        return exits;
      }
      case "declaration":
        this.declaration(n);
        return false;
      case "expression_statement": {
        const e = namedKids(n)[0];
        if (e) this.ev(e);
        return false;
      }
      case "if_statement":
        return this.ifStmt(n);
      case "for_statement":
      case "while_statement":
      case "do_statement":
      case "for_range_loop":
        this.loop(n);
        return false;
      case "switch_statement":
        this.switchStmt(n);
        return false;
      case "return_statement": {
        const e = namedKids(n)[0];
        const v = e ? (e.type === "initializer_list" ? this.initList(e, unknownType("?")) : this.ev(e)) : undefined;
        this.noteExit(true);
        const frame = this.callStack[this.callStack.length - 1];
        if (frame && v) frame.returns.push(v);
        if (frame && e && frame.wantsPlace) {
          const pl = this.quiet(() => this.place(e));
          if (pl) frame.places.push(pl);
        }
        if (this.emitting) this.out.push({ k: "exit" });
        return true;
      }
      case "break_statement":
        this.noteExit(false);
        if (this.emitting) this.out.push({ k: "exit" });
        return true;
      case "continue_statement":
        if (this.emitting) this.out.push({ k: "exit" });
        return true;
      case "throw_statement":
        if (this.emitting) this.out.push({ k: "exit" });
        return true;
      case "goto_statement":
        this.note("goto", "control flow through goto is not followed", this.sp(n));
        return false;
      case "labeled_statement":
      case "attributed_statement": {
        const inner = namedKids(n).filter((k) => k.type !== "statement_identifier" && k.type !== "attribute_declaration");
        return inner.length > 0 ? this.stmt(inner[inner.length - 1]) : false;
      }
      case "try_statement": {
        const body = field(n, "body");
        return body ? this.stmt(body) : false;
      }
      case "type_definition": {
        const t = field(n, "type");
        if (!t) return false;
        const base = this.typeOf(t);
        for (const d of kids(n).filter((k) => k.field === "declarator")) {
          const r = this.declarator(d, base, false);
          if (r.name) this.scope.types.set(this.tx(r.name), r.ty);
        }
        return false;
      }
      case "alias_declaration": {
        const id = field(n, "name");
        const t = field(n, "type");
        if (id && t) this.scope.types.set(this.tx(id), this.typeOf(t));
        return false;
      }
      case "case_statement":
        for (const k of namedKids(n)) if (k.field !== "value" && this.stmt(k)) return true;
        return false;
      case "ERROR":
        this.note("syntax error", "code the CUDA grammar could not parse is not analysed", this.sp(n));
        return false;
      case "gnu_asm_expression":
        this.asm(n);
        return false;
      default:
        return false;
    }
  }

  private declaration(n: CNode): void {
    const quals = this.qualifiers(n);
    const base = this.baseType(n);
    for (const d of kids(n).filter((k) => k.field === "declarator")) {
      if (d.type === "function_declarator" && base.k !== "void") {
        // `dim3 grid(CEIL_DIV(n, B), m)` parses as a function declaration: it is a variable constructed from arguments.
        this.vexingDeclaration(d, base, quals.isConst);
        continue;
      }
      const { ty: declTy, name, init } = this.declarator(d, base, quals.isConst);
      if (!name) continue;
      const nm = this.tx(name);
      if (declTy.k === "unknown" && declTy.name === "a function") continue;
      if (quals.shared) {
        this.sharedArray(nm, declTy, quals.extern, name);
        continue;
      }
      if (quals.constant || (quals.device && !quals.isStatic)) {
        // A `__constant__`/`__device__` variable declared in a function body: memory, not a register.
        const slot = this.newSlot(nm, declTy);
        const g = this.globalMemory(nm, declTy, quals.constant ? "uniform" : "global", d);
        this.scope.names.set(nm, { ...slot, place: { k: "mem", binding: g.binding, space: quals.constant ? "uniform" : "global", addr: cst(0), ty: declTy } });
        continue;
      }
      if (declTy.k === "ref") {
        const pl = init ? this.place(init) : undefined;
        const slot = this.newSlot(nm, declTy.to, { place: pl ?? { k: "none", ty: declTy.to, reason: `'${nm}' refers to something the model cannot follow` } });
        if (!pl && init) this.ev(init);
        this.scope.names.set(nm, slot);
        continue;
      }
      if (declTy.k === "array") {
        const slot = this.newSlot(nm, declTy, { arrayName: `${nm}#${++this.arrayCounter}` });
        this.scope.names.set(nm, slot);
        if (init) for (const it of init.type === "initializer_list" ? namedKids(init) : [init]) if (it.type !== "initializer_list") this.ev(it);
        if (this.emitting) {
          const bytes = sizeOf(declTy);
          const value = { words: bytes !== undefined ? Math.max(1, Math.ceil(bytes / 4)) : 64, mutable: true, array: true };
          this.privateValues.push(value);
          this.arrayValues.set(slot.arrayName!, value);
        }
        continue;
      }
      // A function chosen at compile time (`constexpr vec_dot_t dot = get_vec_dot(type);`): calls through it inline it.
      const chosen = init && (declTy.k === "unknown" || declTy.k === "ptr") ? this.quiet(() => this.functionValue(init)) : undefined;
      if (chosen) {
        this.scope.names.set(nm, this.newSlot(nm, unknownType("a function"), { fnAlias: chosen }));
        continue;
      }
      let v: Val;
      if (!init) v = declTy.k === "ptr" && this.mode === "host" ? this.unknownOf(declTy, `'${nm}' is not set yet`) : declTy.k === "group" || declTy.k === "fragment" ? { t: "g", ty: declTy } : this.unknownOf(declTy, `'${nm}' is not initialized`);
      else if (init.type === "initializer_list") v = this.initList(init, declTy);
      else if (init.type === "argument_list") v = this.construct(declTy, namedKids(init), d);
      else v = this.ev(init);
      let ty: CType = declTy;
      if (ty.k === "unknown" && (ty.name === "auto" || ty.name === "?")) ty = v.ty;
      if (ty.k === "ptr" && v.t === "p" && v.base.k === "host") v = { ...v, ty };
      else if (ty.k !== "unknown") v = this.convert(v, ty, false);
      const slot = this.newSlot(nm, ty);
      this.scope.names.set(nm, slot);
      this.env.set(slot, v);
      if (this.emitting && ty.k !== "group") this.privateValues.push({ words: ty.k === "fragment" ? Math.ceil((ty.m * (ty.use === "matrix_b" ? ty.n : ty.kk) * (sizeOf(scalar(ty.s)) ?? 2)) / 128) : this.words(ty), mutable: !quals.isConst });
    }
  }

  /**
   * The function an expression names where it is known while compiling: a function's name (or `&name`), a
   * function-pointer template parameter, a conditional whose condition is a constant, or a call of a function whose
   * body returns one of those (`return type == Q4_0 ? vec_dot_q4_0 : type == Q8_0 ? vec_dot_q8_0 : nullptr;`).
   */
  private functionValue(e: CNode, depth = 0): string | undefined {
    if (depth > MAX_CALL_DEPTH) return undefined;
    switch (e.type) {
      case "identifier": {
        const nm = this.tx(e);
        const slot = this.scope.slot(nm);
        if (slot) return slot.fnAlias;
        return this.ctx.prog.functions.get(nm)?.some((f) => f.space !== "global" && f.body) ? nm : undefined;
      }
      case "parenthesized_expression":
      case "pointer_expression": {
        if (e.type === "pointer_expression" && !this.tx(e).trimStart().startsWith("&")) return undefined;
        const inner = e.type === "pointer_expression" ? field(e, "argument") : namedKids(e)[0];
        return inner ? this.functionValue(inner, depth + 1) : undefined;
      }
      case "conditional_expression": {
        const cond = field(e, "condition");
        const v = cond ? this.scalarOf(this.ev(cond)) : undefined;
        if (!v || !isConst(v)) return undefined;
        const pick = field(e, v.v !== 0 ? "consequence" : "alternative");
        return pick ? this.functionValue(pick, depth + 1) : undefined;
      }
      case "call_expression": {
        const callee = field(e, "function");
        const fns = callee?.type === "identifier" ? this.ctx.prog.functions.get(this.tx(callee)) : undefined;
        const fn = fns?.find((f) => f.body && f.space !== "global");
        if (!fn) return undefined;
        const stmts = namedKids(fn.body!).filter((k) => k.type !== "comment");
        const ret = stmts.length === 1 && stmts[0].type === "return_statement" ? namedKids(stmts[0])[0] : undefined;
        if (!ret) return undefined;
        const vals = namedKids(field(e, "arguments") ?? e).map((a) => this.ev(a));
        const saved = this.scope;
        this.scope = new Scope(this.globalScope);
        try {
          return this.inMain(() => {
            this.paramList(fn).forEach((p, i) => {
              const slot = this.newSlot(p.name, p.ty.k === "ref" ? p.ty.to : p.ty);
              this.env.set(slot, vals[i] ?? this.unknownOf(p.ty, `parameter '${p.name}'`));
              this.scope.names.set(p.name, slot);
            });
            return this.functionValue(ret, depth + 1);
          });
        } finally {
          this.scope = saved;
        }
      }
      default:
        return undefined;
    }
  }

  /** A declaration C++ reads as a function's (`dim3 block(BLOCK * BLOCK);`): the parameters re-read as arguments. */
  private vexingDeclaration(fd: CNode, base: CType, isConst: boolean): void {
    const inner = field(fd, "declarator");
    const params = field(fd, "parameters");
    const r = inner ? this.declarator(inner, base, isConst) : undefined;
    if (!r?.name || !params) return;
    const nm = this.tx(r.name);
    const argsText = this.src.text.slice(params.start + 1, Math.max(params.start + 1, params.end - 1));
    const prefix = "void __kl_ctor__(void) {\n__kl_args__(";
    const snippet = `${prefix}${argsText});\n}`;
    const body = this.snippetBody(snippet);
    const stmt = body ? namedKids(body)[0] : undefined;
    const callNode = stmt ? namedKids(stmt)[0] : undefined;
    const argList = callNode && callNode.type === "call_expression" ? field(callNode, "arguments") : undefined;
    let v: Val;
    if (argList) {
      const shift = params.start + 1 - prefix.length;
      this.sources.push({ text: snippet, map: (o) => o + shift });
      try {
        v = this.construct(r.ty, namedKids(argList), params);
      } finally {
        this.sources.pop();
      }
    } else v = this.unknownOf(r.ty, `'${nm}'`);
    const slot = this.newSlot(nm, r.ty.k === "unknown" ? v.ty : r.ty);
    this.scope.names.set(nm, slot);
    this.env.set(slot, v);
  }

  /** `__shared__` arrays are workgroup bindings (one per declaration); `extern __shared__` ones share the launch's dynamic memory. */
  private sharedArray(nm: string, ty: CType, ext: boolean, nameNode: CNode): void {
    const dynamic = ext || (ty.k === "array" && ty.count === null);
    const key = dynamic ? "@dynamic" : String(this.sp(nameNode).start);
    let binding = this.bindingByDecl.get(key);
    if (!binding) {
      binding = nm;
      for (let k = 2; this.bindings.has(binding); k++) binding = `${nm}#${k}`;
      const elem = ty.k === "array" ? ty.of : ty;
      this.bindings.set(binding, {
        name: binding,
        space: "workgroup",
        access: "read_write",
        elementType: typeText(elem),
        bytes: dynamic ? this.param({ v: `override.${DYNAMIC_SMEM}`, kind: "override", name: DYNAMIC_SMEM }) : this.bytesOf(ty),
        span: this.sp(nameNode),
      });
      this.bindingByDecl.set(key, binding);
    }
    const slot = this.newSlot(nm, ty, { place: { k: "mem", binding, space: "workgroup", addr: cst(0), ty } });
    this.scope.names.set(nm, slot);
  }

  private ifStmt(n: CNode): boolean {
    const clause = field(n, "condition");
    const consequence = field(n, "consequence");
    const altClause = field(n, "alternative");
    const alternative = altClause ? (altClause.type === "else_clause" ? namedKids(altClause)[0] : altClause) : undefined;
    this.scope = new Scope(this.scope);
    try {
      let condNode = clause;
      if (clause && clause.type === "condition_clause") {
        const initializer = field(clause, "initializer");
        if (initializer) {
          if (initializer.type === "declaration") this.declaration(initializer);
          else this.stmt(initializer);
        }
        condNode = field(clause, "value") ?? namedKids(clause).find((k) => k.field !== "initializer");
      }
      let c: VExpr = unknown("a condition");
      if (condNode && condNode.type === "declaration") {
        this.declaration(condNode);
        c = unknown("a declared condition");
      } else if (condNode) c = this.truth(this.ev(condNode));
      // Host code keeps both arms: its "constants" may be defaults the command line overrides (`kernel_num = 1`).
      if (isConst(c) && this.mode === "device") {
        // A constant condition (if constexpr, a template parameter): only the arm taken exists in this instantiation.
        const taken = c.v !== 0 ? consequence : alternative;
        if (!taken) return false;
        let exits = false;
        const body = this.collect(() => void (exits = this.stmtScoped(taken)));
        if (this.emitting) this.out.push({ k: "block", body });
        return exits;
      }
      const saved = this.env;
      this.env = new Map(saved);
      this.guards.push(c);
      let thenExits = false;
      const thenNodes = consequence ? this.collect(() => void (thenExits = this.stmtScoped(consequence))) : [];
      this.guards.pop();
      const thenEnv = this.env;
      this.env = new Map(saved);
      this.guards.push(un("!", c));
      let elseExits = false;
      const elseNodes = alternative ? this.collect(() => void (elseExits = this.stmtScoped(alternative))) : [];
      this.guards.pop();
      const elseEnv = this.env;
      this.env = saved;
      if (this.emitting) this.out.push({ k: "if", cond: c, then: thenNodes, else: elseNodes, span: this.sp(condNode ?? n) });
      this.merge(saved, [thenExits ? undefined : thenEnv, elseExits ? undefined : elseEnv]);
      return thenExits && elseExits;
    } finally {
      this.popScope();
    }
  }

  /** After a branch: values that differ between the surviving paths become unknown (pointers keep their memory). */
  private merge(target: Map<Slot, Val>, branches: readonly (Map<Slot, Val> | undefined)[]): void {
    const live = branches.filter((b): b is Map<Slot, Val> => !!b);
    if (live.length === 0) return;
    const changed = new Set<Slot>();
    for (const b of live) for (const [k, v] of b) if (target.get(k) !== v) changed.add(k);
    for (const k of changed) {
      const vals = live.map((b) => b.get(k));
      const first = vals[0];
      if (vals.every((v) => v === first || (v && first && v.t === "s" && first.t === "s" && v.e === first.e))) {
        if (first) target.set(k, first);
        continue;
      }
      if (this.mode === "host") {
        // Host code that overrides a default from the command line (`if (argc > 1) n = atoi(argv[1])`): the default.
        const known = vals.filter((v): v is Val => !!v && ((v.t === "s" && isConst(v.e)) || (v.t === "p" && v.base.k === "host") || (v.t === "v" && v.c.every(isConst))));
        if (known.length > 0 && known.every((v) => v === known[0])) {
          target.set(k, known[0]);
          continue;
        }
      }
      const ptrs = vals.filter((v): v is Extract<Val, { t: "p" }> => !!v && v.t === "p");
      if (ptrs.length === vals.length && ptrs.every((p) => p.base.k === "mem" && ptrs[0].base.k === "mem" && p.base.binding === ptrs[0].base.binding)) {
        target.set(k, { ...ptrs[0], addr: unknown(`'${k.name}' depends on a branch`) });
        continue;
      }
      // Into different buffers (ggml's concat: `x` into src0 on one side, src1 on the other): each access through it
      // still moves its bytes; they are counted against the first buffer, and the note says so.
      if (ptrs.length === vals.length && ptrs.every((p) => p.base.k === "mem") && ptrs[0].base.k === "mem") {
        const names = [...new Set(ptrs.map((p) => (p.base.k === "mem" ? p.base.binding : "")))];
        this.note(`'${k.name}'`, `points into ${names.map((b) => `'${b}'`).join(" or ")} depending on a branch: its accesses are counted against '${names[0]}'`);
        target.set(k, { ...ptrs[0], addr: unknown(`'${k.name}' depends on a branch`) });
        continue;
      }
      target.set(k, this.unknownOf(k.ty.k === "unknown" && first ? first.ty : k.ty, `'${k.name}' depends on a branch`));
    }
  }

  private switchStmt(n: CNode): void {
    const clause = field(n, "condition");
    const condNode = clause ? (field(clause, "value") ?? namedKids(clause)[0]) : undefined;
    const sel = condNode ? this.scalarOf(this.ev(condNode)) : unknown("a switch");
    const body = field(n, "body");
    const cases = body ? kids(body).filter((k) => k.type === "case_statement") : [];
    const caseInfo = cases.map((c) => {
      const value = field(c, "value");
      return { value: value ? this.scalarOf(this.quiet(() => this.ev(value))) : undefined, stmts: namedKids(c).filter((k) => k !== value) };
    });
    const ends = (stmts: readonly CNode[]): boolean => stmts.length > 0 && /^(break_statement|return_statement|continue_statement|throw_statement)$/.test(stmts[stmts.length - 1].type);
    // Each arm runs its own statements and falls through into the next case's until one ends with a break.
    const armStmts = caseInfo.map((_, i) => {
      const out: CNode[] = [];
      for (let j = i; j < caseInfo.length; j++) {
        out.push(...caseInfo[j].stmts);
        if (ends(caseInfo[j].stmts)) break;
      }
      return out;
    });
    const others = caseInfo.flatMap((c) => (c.value ? [bin("==", sel, c.value)] : []));
    const lowerArm = (stmts: readonly CNode[]): IrNode[] => this.collect(() => {
      this.loopExits.push({ guardDepth: this.guards.length, onData: false, breakable: "switch" });
      this.scope = new Scope(this.scope);
      try {
        for (const s of stmts) if (this.stmt(s)) break;
      } finally {
        this.popScope();
        this.loopExits.pop();
      }
    });
    if (isConst(sel) && this.mode === "device") {
      let i = caseInfo.findIndex((c) => c.value && isConst(c.value) && c.value.v === sel.v);
      if (i < 0) i = caseInfo.findIndex((c) => !c.value);
      if (i >= 0) {
        const nodes = lowerArm(armStmts[i]);
        if (this.emitting) this.out.push({ k: "switch", arms: [{ cond: cst(1), body: nodes }] });
      }
      return;
    }
    const saved = this.env;
    const envs: Map<Slot, Val>[] = [];
    const arms: { cond: VExpr; body: IrNode[] }[] = [];
    caseInfo.forEach((c, i) => {
      this.env = new Map(saved);
      const cond = c.value ? bin("==", sel, c.value) : others.reduce<VExpr>((a, b) => bin("&&", a, un("!", b)), cst(1));
      this.guards.push(cond);
      arms.push({ cond, body: lowerArm(armStmts[i]) });
      this.guards.pop();
      envs.push(this.env);
    });
    this.env = saved;
    if (this.emitting) this.out.push({ k: "switch", arms });
    if (!caseInfo.some((c) => !c.value)) envs.push(new Map(saved));
    this.merge(saved, envs);
  }

  /** A return (all loops of the current call) or a break under a branch on loaded data: a trip count becomes a bound. */
  private noteExit(all: boolean): void {
    if (!this.emitting) return;
    const loops = all ? this.loopExits : this.loopExits.slice(-1);
    for (const l of loops) if (this.guards.slice(l.guardDepth).some((g) => unknownReason(g) !== undefined)) l.onData = true;
  }

  // ---- Loops -----------------------------------------------------------------------------------------------------

  /** Every node of a subtree, without recursion (fuzzed input can nest deeply). */
  private *walk(root: CNode | undefined): Generator<CNode> {
    if (!root) return;
    const stack: CNode[] = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      yield n;
      const k = n.children;
      if (k) for (let i = k.length - 1; i >= 0; i--) stack.push(k[i]);
    }
  }

  /** The local a write targets: `x = ..`, `x.y = ..`, `x++`, `&x` passed to a call (not `p[i]`, `*p`: memory). */
  private writtenSlot(target: CNode): Slot | undefined {
    let cur = target;
    for (let i = 0; i < 16; i++) {
      if (cur.type === "parenthesized_expression") cur = namedKids(cur)[0] ?? cur;
      else if (cur.type === "field_expression") {
        const op = kids(cur).find((k) => k.field === "operator");
        if (op && this.tx(op) === "->") return undefined;
        cur = field(cur, "argument") ?? cur;
      } else break;
      if (i === 15) return undefined;
    }
    if (cur.type !== "identifier") return undefined;
    const arg = MACRO_ARG.exec(this.tx(cur));
    if (arg) return this.macroArg(Number(arg[1]), (a) => this.writtenSlot(a), () => undefined);
    const slot = this.scope.slot(this.tx(cur));
    return slot && !slot.place && !slot.lazy ? slot : undefined;
  }

  /** Locals assigned anywhere in some subtrees (they vary between iterations). */
  private assignedIn(roots: readonly (CNode | undefined)[]): Map<Slot, CNode[]> {
    const out = new Map<Slot, CNode[]>();
    const add = (slot: Slot | undefined, n: CNode): void => {
      if (!slot) return;
      const list = out.get(slot) ?? [];
      list.push(n);
      out.set(slot, list);
    };
    for (const root of roots) {
      for (const n of this.walk(root)) {
        if (n.type === "assignment_expression") { const l = field(n, "left"); if (l) add(this.writtenSlot(l), n); }
        else if (n.type === "update_expression") { const a = field(n, "argument"); if (a) add(this.writtenSlot(a), n); }
        else if (n.type === "pointer_expression" && kids(n).some((k) => k.field === "operator" && this.tx(k) === "&")) {
          const a = field(n, "argument");
          if (a && a.type === "identifier") add(this.writtenSlot(a), n);
        }
      }
    }
    return out;
  }

  private loop(n: CNode): void {
    this.scope = new Scope(this.scope);
    try {
      let cond: CNode | undefined, update: CNode | undefined;
      const body = field(n, "body");
      if (n.type === "for_statement") {
        const init = field(n, "initializer");
        if (init) {
          if (init.type === "declaration") this.declaration(init);
          else this.ev(init);
        }
        cond = field(n, "condition");
        update = field(n, "update");
      } else if (n.type === "while_statement") {
        const c = field(n, "condition");
        cond = c && c.type === "condition_clause" ? (field(c, "value") ?? namedKids(c)[0]) : c;
      } else if (n.type === "do_statement") {
        const c = field(n, "condition");
        cond = c && c.type === "parenthesized_expression" ? namedKids(c)[0] : c;
        // `do { ... } while (0)` (a statement macro's wrapper) runs its body once.
        const once = cond ? this.quiet(() => this.truth(this.ev(cond!))) : undefined;
        if (once && isConst(once) && once.v === 0 && body) {
          const nodes = this.collect(() => void this.stmtScoped(body));
          if (this.emitting) this.out.push({ k: "block", body: nodes });
          return;
        }
      } else {
        // for (auto x : range): the element is unknown and the trip count too.
        const right = field(n, "right");
        if (right) this.ev(right);
        const decl = field(n, "declarator");
        const r = decl ? this.declarator(decl, this.baseType(n), false) : undefined;
        if (r?.name) {
          const slot = this.newSlot(this.tx(r.name), r.ty);
          this.scope.names.set(this.tx(r.name), slot);
          this.env.set(slot, this.unknownOf(r.ty, "an element of a range"));
        }
      }
      const writes = this.assignedIn([cond, update, body]);
      const varying = new Set(writes.keys());
      // The counter may be one conjunct of the condition (`k < 8 && i < 512`; the others guard the body), or, in
      // `for (;;)` / `while (true)`, the condition of a leading `if (c) break;`.
      const conjuncts = this.conjuncts(cond);
      let found: { slot: Slot; counter: LoopCounter } | undefined;
      let counterConjunct: CNode | undefined;
      for (const c of conjuncts) {
        found = this.findCounter(n, c, update, body, varying, false);
        if (found) { counterConjunct = c; break; }
      }
      const guardsInBody = found ? conjuncts.filter((c) => c !== counterConjunct) : [];
      if (!found && (conjuncts.length === 0 || (conjuncts.length === 1 && /^(true|number_literal)$/.test(conjuncts[0].type)))) {
        const leading = this.leadingBreak(body);
        if (leading) found = this.findCounter(n, leading, update, body, varying, true);
      }
      const saved = this.env;
      const loopEnv = new Map(saved);
      for (const s of varying) loopEnv.set(s, this.varyingValue(s, saved.get(s), "changes every iteration"));
      const v = `loop${++this.loopCounter}`;
      let trip: number | undefined;
      if (found) {
        const c = found.counter;
        loopEnv.set(found.slot, S(c.kind === "add" ? bin("+", c.start, bin("*", vr(v), c.step)) : vr(v), found.slot.ty));
        trip = constantTrip(c);
        if (c.kind === "add") {
          for (const [slot, val] of this.runningOffsets(body, update, writes, found.slot, saved, loopEnv, v)) loopEnv.set(slot, val);
        }
      }
      const pragma = pragmaBefore({ pragmas: this.ctx.pragmas, text: this.ctx.prog.text }, this.sp(n).start);
      const state: LoopState = { v, trip, pragma: pragma ? pragma.factor : "none", inner: 1 };
      const likelyUnrolled = trip !== undefined && trip <= (state.pragma === "none" ? UNROLL_LIMIT : state.pragma === undefined ? PRAGMA_UNROLL_LIMIT : state.pragma >= trip ? PRAGMA_UNROLL_LIMIT : 0);
      if (likelyUnrolled) this.unrolling.add(v);
      this.env = loopEnv;
      this.loopExits.push({ guardDepth: this.guards.length, onData: false, breakable: "loop" });
      this.loops.push(state);
      let header: IrNode[] = [], bodyNodes: IrNode[] = [], latch: IrNode[] = [];
      try {
        header = this.collect(() => void (cond && this.ev(cond)));
        bodyNodes = this.collect(() => {
          if (guardsInBody.length > 0) {
            // The other conjuncts end the loop too: an exit under their negation at the top of the body.
            const rest = guardsInBody.map((c) => this.quiet(() => this.truth(this.ev(c)))).reduce((x, y) => bin("&&", x, y));
            if (this.emitting) this.out.push({ k: "if", cond: un("!", rest), then: [{ k: "exit" }], else: [] });
          }
          if (body) this.stmtScoped(body);
        });
        latch = this.collect(() => void (update && this.ev(update)));
      } finally {
        this.loops.pop();
        this.unrolling.delete(v);
      }
      const exits = this.loopExits.pop()!;
      // nvcc unrolls a nest of constant-trip loops fully when it is small (a #pragma unroll asks for more; 1 for none).
      const nest = trip !== undefined && state.inner !== Infinity ? trip * state.inner : Infinity;
      const limit = state.pragma === "none" ? UNROLL_LIMIT : state.pragma === undefined ? PRAGMA_UNROLL_LIMIT : trip !== undefined && state.pragma >= trip ? PRAGMA_UNROLL_LIMIT : 0;
      // A loop that runs once is no loop (its counter is a constant), whatever it contains.
      const unrolled = nest <= limit || trip === 1;
      if (unrolled) this.unrolled.add(v);
      const parent = this.loops[this.loops.length - 1];
      if (parent) parent.inner = Math.max(parent.inner, unrolled ? nest : Infinity);
      if (this.emitting) {
        const headerEnd = body ? this.sp(body).start : this.sp(n).end;
        this.out.push({ k: "loop", v, span: this.sp(n), headerEnd, counter: found?.counter ?? null, counterName: found?.slot.name, earlyExit: exits.onData, header, body: bodyNodes, latch, ...(unrolled ? { unrolled: true } : {}) });
      }
      this.env = saved;
      for (const s of varying) saved.set(s, this.varyingValue(s, saved.get(s), "was changed in a loop"));
    } finally {
      this.popScope();
    }
  }

  /** What a variable is worth where a loop changes it: unknown, though a pointer still points into its memory. */
  private varyingValue(slot: Slot, before: Val | undefined, why: string): Val {
    const reason = `'${slot.name}' ${why}`;
    if (before && before.t === "p") return { ...before, addr: unknown(reason) };
    return this.unknownOf(slot.ty.k === "unknown" && before ? before.ty : slot.ty, reason);
  }

  /** Expressions of the statements directly in a loop body (the updates of a while loop). */
  private topLevelExprs(body: CNode | undefined): CNode[] {
    if (!body) return [];
    const stmts = body.type === "compound_statement" ? namedKids(body) : [body];
    const out: CNode[] = [];
    for (const s of stmts) {
      if (s.type !== "expression_statement") continue;
      const e = namedKids(s)[0];
      if (e) out.push(...this.commaParts(e));
    }
    return out;
  }

  private commaParts(e: CNode): CNode[] {
    if (e.type !== "comma_expression") return [e];
    const l = field(e, "left"), r = field(e, "right");
    return [...(l ? this.commaParts(l) : []), ...(r ? this.commaParts(r) : [])];
  }

  /**
   * The loop counter: a local compared with a bound in the condition and changed by a step once per iteration
   * (`i++`, `i += s`, `i = i + s`, `s >>= 1`, `s *= 2`). The step and the bound must not change inside the loop.
   */
  /** The conjuncts of a loop condition (`a && (b && c)` gives a, b, c), parentheses stripped. */
  private conjuncts(cond: CNode | undefined): CNode[] {
    let c = cond;
    while (c && c.type === "parenthesized_expression" && namedKids(c).length === 1) c = namedKids(c)[0];
    if (!c) return [];
    if (c.type === "binary_expression" && kids(c).some((k) => k.field === "operator" && (this.tx(k) === "&&" || this.tx(k) === "and"))) {
      return [...this.conjuncts(field(c, "left")), ...this.conjuncts(field(c, "right"))];
    }
    return [c];
  }

  /** The condition of a loop body's leading `if (c) break;` (the exit test of `for (;;)`). */
  private leadingBreak(body: CNode | undefined): CNode | undefined {
    const first = body?.type === "compound_statement" ? namedKids(body)[0] : body;
    if (!first || first.type !== "if_statement" || field(first, "alternative")) return undefined;
    const then = field(first, "consequence");
    const only = then?.type === "compound_statement" ? namedKids(then) : then ? [then] : [];
    if (only.length !== 1 || only[0].type !== "break_statement") return undefined;
    const clause = field(first, "condition");
    return clause && clause.type === "condition_clause" ? (field(clause, "value") ?? namedKids(clause)[0]) : clause;
  }

  private findCounter(n: CNode, cond: CNode | undefined, update: CNode | undefined, body: CNode | undefined, varying: Set<Slot>, negate: boolean): { slot: Slot; counter: LoopCounter } | undefined {
    let c = cond;
    while (c && c.type === "parenthesized_expression") c = namedKids(c)[0];
    if (!c || c.type !== "binary_expression") return undefined;
    const opNode = kids(c).find((k) => k.field === "operator");
    const condOp = opNode ? this.tx(opNode) : "";
    if (!["<", "<=", ">", ">=", "!="].includes(condOp)) return undefined;
    const updates = n.type === "for_statement" ? (update ? this.commaParts(update) : []) : this.topLevelExprs(body);
    const outside = new Map(this.env);
    for (const s of varying) outside.set(s, this.varyingValue(s, this.env.get(s), "changes every iteration"));
    const inOutside = <T>(f: () => T): T => {
      const saved = this.env;
      this.env = outside;
      try {
        return this.quiet(f);
      } finally {
        this.env = saved;
      }
    };
    const launchOnly = (e: VExpr): boolean => e.k !== "unknown" && unknownReason(e) === undefined && [...varsOf(e)].every((x) => LAUNCH_VAR.test(x));
    const sides: [CNode | undefined, CNode | undefined][] = [[field(c, "left"), field(c, "right")], [field(c, "right"), field(c, "left")]];
    for (const [side, other] of sides) {
      let base = side;
      while (base && base.type === "parenthesized_expression") base = namedKids(base)[0];
      if (!base || !other || base.type !== "identifier") continue;
      const slot = this.scope.slot(this.tx(base));
      if (!slot || !varying.has(slot)) continue;
      const step = this.stepOf(slot, updates, inOutside);
      if (!step) continue;
      const start = this.env.get(slot);
      if (!start || start.t !== "s") continue;
      const bound = inOutside(() => this.scalarOf(this.ev(other)));
      let op = condOp;
      if (side === field(c, "right")) op = op === "<" ? ">" : op === "<=" ? ">=" : op === ">" ? "<" : op === ">=" ? "<=" : op;
      // A break condition: the loop continues while it is false.
      if (negate) op = op === "<" ? ">=" : op === "<=" ? ">" : op === ">" ? "<=" : op === ">=" ? "<" : "==";
      if (op === "==") continue;
      const counter: LoopCounter = { kind: step.kind, start: start.e, step: step.by, op: op as LoopCounter["op"], bound, int: !isFloatType(slot.ty) };
      if (step.kind === "add") {
        if (!launchOnly(step.by) || (isConst(step.by) && step.by.v === 0)) continue;
        return { slot, counter };
      }
      if (!launchOnly(start.e) || !launchOnly(bound) || !launchOnly(step.by)) continue;
      return { slot, counter };
    }
    return undefined;
  }

  private stepOf(slot: Slot, updates: readonly CNode[], inOutside: <T>(f: () => T) => T): { kind: LoopCounter["kind"]; by: VExpr } | undefined {
    const isSlot = (e: CNode | undefined): boolean => {
      let cur = e;
      while (cur && cur.type === "parenthesized_expression") cur = namedKids(cur)[0];
      return !!cur && cur.type === "identifier" && this.scope.slot(this.tx(cur)) === slot;
    };
    const k = (e: CNode): VExpr => inOutside(() => this.scalarOf(this.ev(e)));
    for (const u of updates) {
      if (u.type === "update_expression" && isSlot(field(u, "argument"))) {
        const op = kids(u).find((x) => x.field === "operator");
        return { kind: "add", by: cst(op && this.tx(op) === "--" ? -1 : 1) };
      }
      if (u.type !== "assignment_expression" || !isSlot(field(u, "left"))) continue;
      const opNode = kids(u).find((x) => x.field === "operator");
      const op = opNode ? this.tx(opNode) : "=";
      const rhs = field(u, "right");
      if (!rhs) continue;
      switch (op) {
        case "+=": return { kind: "add", by: k(rhs) };
        case "-=": return { kind: "add", by: un("-", k(rhs)) };
        case "*=": return { kind: "mul", by: k(rhs) };
        case "/=": return { kind: "div", by: k(rhs) };
        case "<<=": return { kind: "shl", by: k(rhs) };
        case ">>=": return { kind: "shr", by: k(rhs) };
        case "=": {
          let r: CNode | undefined = rhs;
          while (r && r.type === "parenthesized_expression") r = namedKids(r)[0];
          if (!r || r.type !== "binary_expression") return undefined;
          const bop = kids(r).find((x) => x.field === "operator");
          const o = bop ? this.tx(bop) : "";
          const left = field(r, "left"), right = field(r, "right");
          if (!left || !right) return undefined;
          if (isSlot(left)) {
            const by = k(right);
            switch (o) {
              case "+": return { kind: "add", by };
              case "-": return { kind: "add", by: un("-", by) };
              case "*": return { kind: "mul", by };
              case "/": return { kind: "div", by };
              case "<<": return { kind: "shl", by };
              case ">>": return { kind: "shr", by };
            }
          } else if (isSlot(right) && o === "+") return { kind: "add", by: k(left) };
          return undefined;
        }
      }
    }
    return undefined;
  }

  /**
   * Locals a loop advances by the same step once per iteration besides its counter (`A += BK`, `p += stride`,
   * `k = k + 4`): in iteration v they are start + v * step. Their one write must be a statement directly in the body
   * (with no `continue` that could skip it) or in the update, and the step must not change in the loop.
   */
  private runningOffsets(body: CNode | undefined, update: CNode | undefined, writes: Map<Slot, CNode[]>, counter: Slot, before: Map<Slot, Val>, loopEnv: Map<Slot, Val>, v: string): Map<Slot, Val> {
    const out = new Map<Slot, Val>();
    const bodyTop = this.topLevelExprs(body);
    const top = new Set<CNode>([...bodyTop, ...(update ? this.commaParts(update) : [])]);
    let continues = false;
    for (const x of this.walk(body)) {
      if (x.type === "continue_statement") continues = true;
    }
    // Writes inside a nested loop happen several times per iteration.
    const nested = new Set<CNode>();
    for (const x of this.walk(body)) {
      if (x !== body && /^(for_statement|while_statement|do_statement|for_range_loop)$/.test(x.type)) for (const y of this.walk(x)) nested.add(y);
    }
    for (const [slot, list] of writes) {
      if (slot === counter || list.length !== 1 || nested.has(list[0])) continue;
      const u = list[0];
      if (!top.has(u) || (continues && bodyTop.includes(u))) continue;
      const start = before.get(slot);
      if (!start) continue;
      const saved = this.env;
      this.env = loopEnv;
      let step: { kind: LoopCounter["kind"]; by: VExpr } | undefined;
      try {
        step = this.quiet(() => this.stepOf(slot, [u], (f) => f()));
      } finally {
        this.env = saved;
      }
      if (!step || step.kind !== "add" || unknownReason(step.by) !== undefined) continue;
      if (start.t === "p") {
        const eb = sizeOf(this.pointee(start)) ?? 1;
        out.set(slot, { ...start, addr: bin("+", start.addr, bin("*", vr(v), bin("*", step.by, cst(eb)))) });
      } else if (start.t === "s" && !isFloatType(slot.ty)) {
        out.set(slot, S(bin("+", start.e, bin("*", vr(v), step.by)), slot.ty));
      }
    }
    return out;
  }
}

/** Whether a value is a compile-time constant (a number, or a vector of numbers). */
function constVal(v: Val): boolean {
  return (v.t === "s" && isConst(v.e)) || (v.t === "v" && v.c.length > 0 && v.c.every(isConst));
}

/** Math constants of <cmath>, <cfloat>, <climits> and CUDA's math headers, which KernelLens does not read. */
const MATH_CONSTANTS: Readonly<Record<string, number>> = {
  M_PI: Math.PI, M_PI_2: Math.PI / 2, M_PI_4: Math.PI / 4, M_1_PI: 1 / Math.PI, M_2_PI: 2 / Math.PI, M_2_SQRTPI: 2 / Math.sqrt(Math.PI),
  M_SQRT2: Math.SQRT2, M_SQRT1_2: Math.SQRT1_2, M_E: Math.E, M_LOG2E: Math.LOG2E, M_LOG10E: Math.LOG10E, M_LN2: Math.LN2, M_LN10: Math.LN10,
  FLT_MAX: 3.4028234663852886e38, FLT_MIN: 1.1754943508222875e-38, FLT_EPSILON: 1.1920928955078125e-7, DBL_MAX: Number.MAX_VALUE,
  DBL_EPSILON: Number.EPSILON, HUGE_VALF: Infinity, HUGE_VAL: Infinity, INFINITY: Infinity, CUDART_INF_F: Infinity, CUDART_PI_F: Math.PI,
  INT_MAX: 2147483647, INT_MIN: -2147483648, UINT_MAX: 4294967295, SHRT_MAX: 32767, CHAR_BIT: 8, LLONG_MAX: Number.MAX_SAFE_INTEGER,
};
const INT_CONSTANTS = new Set(["INT_MAX", "INT_MIN", "UINT_MAX", "SHRT_MAX", "CHAR_BIT", "LLONG_MAX"]);

/** Values of special functions on constants, for folding (`sqrtf(2.0f / M_PI)`). */
const FOLD: Readonly<Record<string, (...x: number[]) => number>> = {
  sqrt: Math.sqrt, rsqrt: (x) => 1 / Math.sqrt(x), exp: Math.exp, exp2: (x) => 2 ** x, log: Math.log, log2: Math.log2, log10: Math.log10,
  sin: Math.sin, cos: Math.cos, tan: Math.tan, tanh: Math.tanh, pow: Math.pow, cbrt: Math.cbrt, atan: Math.atan, asin: Math.asin, acos: Math.acos,
  sinh: Math.sinh, cosh: Math.cosh, fabs: Math.abs, abs: Math.abs, floor: Math.floor, ceil: Math.ceil, round: Math.round, trunc: Math.trunc,
  fmin: Math.min, fmax: Math.max, min: Math.min, max: Math.max, fma: (a, b, c) => a * b + c,
};

/** The folding function of a built-in (`sqrtf`, `__expf`, `fmaxf` -> their math). */
function foldOf(name: string): ((...x: number[]) => number) | undefined {
  const base = name.replace(/^__/, "").replace(/_r[nzud]$/, "").replace(/^f(?=min|max|abs|ma)/, "f").replace(/f$/, "");
  return FOLD[base] ?? FOLD[base.replace(/^f/, "")];
}

/** The trip count of a counted loop whose start, step and bound are constants; undefined otherwise. */
function constantTrip(c: LoopCounter): number | undefined {
  if (!isConst(c.start) || !isConst(c.step) || !isConst(c.bound)) return undefined;
  const start = c.start.v, step = c.step.v, bound = c.bound.v;
  const test = (x: number): boolean => (c.op === "<" ? x < bound : c.op === "<=" ? x <= bound : c.op === ">" ? x > bound : c.op === ">=" ? x >= bound : x !== bound);
  if (c.kind === "add") {
    if (step === 0) return undefined;
    if (c.op === "!=") {
      const t = (bound - start) / step;
      return Number.isInteger(t) && t >= 0 ? t : undefined;
    }
    const span = bound - start + (c.op === "<=" || c.op === ">=" ? Math.sign(step) : 0);
    const trip = Math.ceil(span / step);
    return Number.isFinite(trip) ? Math.max(0, trip) : undefined;
  }
  let k = start, n = 0;
  while (test(k) && n <= 4096) {
    n++;
    const next = c.kind === "mul" ? k * step : c.kind === "div" ? Math.trunc(k / step) : c.kind === "shl" ? k * 2 ** step : Math.floor(k / 2 ** step);
    if (next === k) return undefined;
    k = next;
  }
  return n <= 4096 ? n : undefined;
}

/** How well an argument of type `arg` fits a parameter of type `param`: same type best, a vector for a scalar worst. */
function typeFit(arg: CType, param: CType): number {
  const a = arg.k === "ref" ? arg.to : arg;
  const p = param.k === "ref" ? param.to : param;
  if (p.k === "unknown" || a.k === "unknown") return 0;
  if (a.k !== p.k) return -10;
  if (a.k === "ptr" && p.k === "ptr") return typeFit(a.to, p.to);
  if ((a.k === "scalar" || a.k === "vector" || a.k === "struct") && "name" in p) return a.name === p.name ? 3 : a.k === "scalar" ? 1 : -10;
  return 1;
}
