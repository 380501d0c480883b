// The Triton front-end's lowering: executes a `@triton.jit` kernel once, symbolically, for one configuration (its
// constexprs, num_warps, num_stages), and writes the kernel IR.
//
// Triton code is block-level: one program runs on num_warps x 32 threads and every value is a block (blocks.ts).
// The IR is per thread, so each block operation is spread over the program's threads as Triton's blocked layout
// spreads it: an elementwise op on E elements costs E / threads per thread (masked-off lanes compute too), and a
// load or store becomes an access per thread and per vector slot, its address the element offset at the position
// the layout gives that thread (the contiguous axis fastest, up to 16 bytes per thread), under the mask. So the
// model sees the bytes of unmasked lanes only and the coalescing of the real layout. `tl.dot` is tensor FLOPs
// (2·M·N·K); its operand tiles are staged through shared memory as Triton's pipeliner does.
import type { BindingIR, IrNode, KernelIR, LaunchParam, LoopCounter, OpClass, PrivateValue, Span } from "../kernel/ir";
import { bin, call, cst, isConst, un, unknown, varsOf, vr, type VExpr } from "../kernel/vexpr";
import { type CNode, field, fields, kids, namedKids } from "../cuda/syntax";
import { axisStrides, axisVar, broadcastExpr, broadcastShapes, evaluateWith, MAX_RANK, numel, readsAxes, renameAxes, reshapeExpr, type Shape, substitute } from "./blocks";
import { bytesOf, dtypeName, isFloat, isFp8, opClassOf, promote } from "./dtypes";
import type { HostValue, TritonFunction } from "./program";
import { dotLayout } from "./mmaLayout";

/** A value of the program being lowered. */
export type TV =
  /** A block (shape []: a scalar). Integer and boolean blocks carry each element's value; data is `unknown`. */
  | { readonly k: "t"; readonly dtype: string; readonly shape: Shape; readonly e: VExpr; readonly origin?: Origin; readonly assumedFrom?: string }
  /** A block of pointers into a buffer: the element offset of each. */
  | { readonly k: "ptr"; readonly binding: string; readonly elt: string; readonly shape: Shape; readonly off: VExpr }
  /** `tl.make_block_ptr`: a tile of a strided tensor. */
  | { readonly k: "bptr"; readonly binding: string; readonly elt: string; readonly base: VExpr; readonly dims: readonly VExpr[]; readonly strides: readonly VExpr[]; readonly offsets: readonly VExpr[]; readonly block: Shape }
  /** `tl.make_tensor_descriptor`: loads and stores whole tiles at given offsets. */
  | { readonly k: "desc"; readonly binding: string; readonly elt: string; readonly dims: readonly VExpr[]; readonly strides: readonly VExpr[]; readonly block: Shape }
  | { readonly k: "dtype"; readonly v: string }
  | { readonly k: "tuple"; readonly items: readonly TV[] }
  | { readonly k: "fn"; readonly name: string }
  | { readonly k: "mod"; readonly path: string }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "none" }
  | { readonly k: "unknown"; readonly why: string };

/**
 * Where a data block came from: a masked load whose mask leaves lanes idle (for the padding finding). (`assumedFrom`
 * on a block: it was loaded through a pointer whose element type was assumed, and its values may turn out indices.)
 */
export interface Origin {
  readonly access: number;
}

export interface TritonLowerInput {
  readonly fn: TritonFunction;
  readonly functions: ReadonlyMap<string, TritonFunction>;
  readonly text: string;
  readonly constexprs: ReadonlyMap<string, number | boolean | string>;
  readonly numWarps: number;
  readonly numStages: number;
  /** Element types of pointer parameters (from the tensors host code passes, or `# @arg p: *fp16`). */
  readonly pointerTypes: ReadonlyMap<string, string>;
  /** Values of integer parameters known from host code or directives: only used to choose layouts. */
  readonly knownInts: ReadonlyMap<string, number>;
  /** Module-level constants kernels may read. */
  readonly globals: ReadonlyMap<string, HostValue>;
  /** The display name of the analysed kernel. */
  readonly name: string;
  readonly statementBudget?: number;
  /** The target's compute capability ("9.0"): which MMA instructions Triton uses for tl.dot (mmaLayout.ts). */
  readonly computeCapability?: string;
  /** Untyped pointer parameters known to hold indices (set by lowerTritonKernel's later passes). */
  readonly indexPointers?: ReadonlySet<string>;
  /** Constexprs without a value known to shape blocks (set by lowerTritonKernel's later passes). */
  readonly shapeConstexprs?: ReadonlySet<string>;
}

/** A memory operation as Triton lays it out, for findings. */
export interface AccessFact {
  readonly span: Span;
  readonly binding: string;
  readonly kind: "load" | "store" | "atomic";
  readonly shape: Shape;
  /** Elements per thread per vector access. */
  readonly vec: number;
  /** Element strides along each axis (null: unknown); the layout's fastest axis. */
  readonly strides: readonly (number | null)[];
  readonly fastAxis: number;
  /** The fastest axis is contiguous in memory (stride 1), or the block has one element along it. */
  readonly contiguous: boolean;
  /** The mask over element positions (`blk0`...), ids and parameters; undefined without a mask. */
  readonly mask?: VExpr;
  /** Inside a loop of the kernel (its mask may change per iteration). */
  readonly inLoop: boolean;
}

export interface DotFact {
  readonly span: Span;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly input: string;
  readonly acc: string;
  readonly inLoop: boolean;
}

export interface ReductionFact {
  readonly span: Span;
  readonly op: string;
  readonly extent: number;
  /** The reduced block came from a masked load: its access index in `accesses`. */
  readonly origin?: number;
  readonly axis: number | null;
}

export interface TritonFacts {
  readonly accesses: readonly AccessFact[];
  readonly dots: readonly DotFact[];
  readonly reductions: readonly ReductionFact[];
  readonly sharedBytes: number;
  readonly sharedDetail: string;
  readonly registers: number;
  readonly registerDetail: string;
  /** IR loop variables of the per-thread vector slots (not loops of the source: no hint or loop row). */
  readonly slotLoops: ReadonlySet<string>;
}

export interface TritonLowered {
  readonly ir: KernelIR;
  readonly facts: TritonFacts;
}

const WARP = 32;
const STATEMENT_BUDGET = 20_000;
/** The shared-memory binding the estimate of Triton's staging buffers lives in. */
export const SHARED_BINDING = "shared memory (estimated)";

class Budget extends Error {}

/** Whether a function's untyped parameters are used as pointers, by function node (see usedAsPointer). */
const pointerUses = new WeakMap<CNode, Map<string, boolean>>();

function ints(e: VExpr): VExpr {
  return e;
}

const isData = (v: TV): v is Extract<TV, { k: "t" }> => v.k === "t";

export function lowerTritonKernel(input: TritonLowerInput): TritonLowered {
  // Lowered again (at most twice) with what one lowering learns: an untyped pointer (assumed fp32) whose loaded values
  // turned out to be offsets holds indices (int32, so the arithmetic on them is integer work, not FLOPs), and a
  // constexpr without a value that a block shape needed as a number gets an assumed block size.
  let current = input;
  let lowering = new Lowering(current);
  let lowered = lowering.run();
  for (let pass = 0; pass < 2; pass++) {
    const index = new Set([...(current.indexPointers ?? []), ...lowering.indexPointers]);
    const shapes = new Set([...(current.shapeConstexprs ?? []), ...lowering.shapeNeeds]);
    if (index.size === (current.indexPointers?.size ?? 0) && shapes.size === (current.shapeConstexprs?.size ?? 0)) break;
    current = { ...current, indexPointers: index, shapeConstexprs: shapes };
    lowering = new Lowering(current);
    lowered = lowering.run();
  }
  return lowered;
}

class Lowering {
  private readonly threads: number;
  private out: IrNode[] = [];
  private emitting = true;
  private env = new Map<string, TV>();
  private readonly bindings = new Map<string, BindingIR>();
  private readonly params = new Map<string, LaunchParam>();
  private readonly notes: { what: string; reason: string; span?: Span }[] = [];
  private readonly noted = new Set<string>();
  private readonly privateValues: PrivateValue[] = [];
  private readonly accesses: AccessFact[] = [];
  private readonly dots: DotFact[] = [];
  private readonly reductions: ReductionFact[] = [];
  private readonly slotLoops = new Set<string>();
  /** Pointer parameters whose element type was assumed, and those of them whose loaded values index memory. */
  private readonly assumedPointers = new Set<string>();
  readonly indexPointers = new Set<string>();
  /** Constexprs without a value that are run-time values here, and those of them a block shape needed as numbers. */
  private readonly sizeless = new Set<string>();
  readonly shapeNeeds = new Set<string>();
  private loopIds = 0;
  private loopDepth = 0;
  private budget: number;
  private returned: TV | undefined;
  private callDepth = 0;
  /** Shared memory: pipelined dot operand stages, and the largest reduction scratch. */
  private dotStageBytes = 0;
  private dotStageText: string[] = [];
  private scratchBytes = 0;
  private accWords = 0;
  private operandWords = 0;
  private liveWords = 0;
  private smemAddr = 0;
  /** Shapes of dot operands: their loads go to shared memory (cp.async, TMA), not registers. */
  private readonly dotOperandShapes: string[] = [];
  /** Registers per thread of each loaded tile, by shape and type. */
  private readonly loadedWords: { key: string; words: number; inLoop: boolean }[] = [];

  constructor(private readonly input: TritonLowerInput) {
    this.threads = Math.max(1, input.numWarps) * WARP;
    this.budget = input.statementBudget ?? STATEMENT_BUDGET;
  }

  run(): TritonLowered {
    const { fn, text } = this.input;
    const shapeSizes = assumedBlockSizes(this.src(fn.node), fn.params.filter((p) => p.constexpr && !this.input.constexprs.has(p.name)).map((p) => p.name), this.input.shapeConstexprs);
    // Host-made descriptors last: their block shapes may name constexprs whose values are assumed below.
    const descriptors: TritonFunction["params"][number][] = [];
    for (const p of fn.params) {
      if (this.input.constexprs.has(p.name)) {
        this.env.set(p.name, this.constant(this.input.constexprs.get(p.name)!));
        continue;
      }
      if (this.usedAsDescriptor(p.name)) {
        descriptors.push(p);
        continue;
      }
      const elt = this.input.pointerTypes.get(p.name);
      if (elt) {
        this.env.set(p.name, this.pointerParam(p.name, elt, p.span));
        continue;
      }
      if (p.constexpr) {
        // Library code computes its constexprs on the host from sizes the file does not know. A block size must be
        // a number to shape the blocks: one is assumed and said. Any other constexpr (a size, a flag, eps) is a
        // run-time value, resolved like the integer parameters (a directive, else inferred or assumed).
        const assumed = shapeSizes.get(p.name);
        if (assumed !== undefined) {
          this.env.set(p.name, this.constant(assumed));
          this.note("constexpr", `'${p.name}' shapes blocks but has no value here: ${assumed} is assumed (state it with # @config ${p.name}=...)`, p.span);
        } else {
          this.env.set(p.name, { k: "t", dtype: "int32", shape: [], e: this.param({ v: `override.${p.name}`, kind: "override", name: p.name, span: p.span }) });
          this.sizeless.add(`override.${p.name}`);
          this.note("constexpr", `'${p.name}' is a tl.constexpr with no value here: treated as a run-time value (state it with # @config ${p.name}=...)`, p.span);
        }
        continue;
      }
      // A parameter nobody gives a type: a pointer where the kernel loads or stores through it, an integer otherwise.
      if (/_ptr$|^ptr|Ptr$|_desc$|_pointer$|_ptrs?_[A-Za-z0-9]$/.test(p.name) || this.usedAsPointer(p.name)) {
        this.assumedPointers.add(p.name);
        if (this.input.indexPointers?.has(p.name)) {
          this.note("pointer type", `the element type of '${p.name}' is not known: its values index memory, so int32 is assumed (state it with # @arg ${p.name}: *int64 if it holds 64-bit indices)`, p.span);
          this.env.set(p.name, this.pointerParam(p.name, "int32", p.span, true));
          continue;
        }
        this.note("pointer type", `the element type of '${p.name}' is not known: assumed fp32 (state it with # @arg ${p.name}: *fp16, or pass a torch tensor at the launch)`, p.span);
        this.env.set(p.name, this.pointerParam(p.name, "fp32", p.span, true));
      } else {
        this.env.set(p.name, { k: "t", dtype: "int32", shape: [], e: this.param({ v: `override.${p.name}`, kind: "override", name: p.name, span: p.span }) });
      }
    }
    for (const p of descriptors) this.env.set(p.name, this.hostDescriptor(p));
    const body = field(fn.node, "body");
    let nodes: IrNode[] = [];
    try {
      nodes = this.collect(() => {
        if (body) this.block(body);
      });
    } catch (err) {
      if (!(err instanceof Budget)) throw err;
      this.note("budget", `the kernel has more than ${this.input.statementBudget ?? STATEMENT_BUDGET} statements to lower: the rest is not counted`, fn.nameSpan);
    }
    const shared = this.sharedBytes();
    if (shared.bytes > 0) {
      this.bindings.set(SHARED_BINDING, { name: SHARED_BINDING, space: "workgroup", access: "read_write", elementType: "u8", bytes: cst(shared.bytes), span: fn.nameSpan });
    }
    const registers = this.registerEstimate();
    const ir: KernelIR = {
      name: this.input.name,
      language: "triton",
      nameSpan: fn.nameSpan,
      bindings: [...this.bindings.values()],
      launch: {
        workgroupSize: [cst(this.threads), cst(1), cst(1)],
        overrideDefaults: new Map(),
        readsWorkgroupId: true,
      },
      params: this.params,
      body: nodes,
      privateValues: this.privateValues,
      notes: this.notes,
      estimatedRegisters: registers.value,
      ...(this.tensorRate() !== 1 ? { tensorRate: this.tensorRate() } : {}),
    };
    void text;
    return {
      ir,
      facts: { accesses: this.accesses, dots: this.dots, reductions: this.reductions, sharedBytes: shared.bytes, sharedDetail: shared.detail, registers: registers.value, registerDetail: registers.detail, slotLoops: this.slotLoops },
    };
  }

  // ---- Bookkeeping -----------------------------------------------------------------------------------------------

  private note(what: string, reason: string, span?: Span): void {
    if (!this.emitting) return;
    const key = `${what}:${reason}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.notes.push({ what, reason, span });
  }

  private param(p: LaunchParam): VExpr {
    if (!this.params.has(p.v)) this.params.set(p.v, p);
    return vr(p.v);
  }

  private emit(n: IrNode): void {
    if (!this.emitting) return;
    this.out.push(n);
  }

  private collect(f: () => void): IrNode[] {
    const saved = this.out;
    this.out = [];
    try {
      f();
      return this.out;
    } finally {
      this.out = saved;
    }
  }

  private sp(n: CNode): Span {
    return { start: n.start, end: n.end };
  }

  private src(n: CNode): string {
    return this.input.text.slice(n.start, n.end);
  }

  private tick(): void {
    if (--this.budget < 0) throw new Budget();
  }

  /** Arithmetic of one operation over a block: `perElement` ops of `cls` on each of `elements`, per program. */
  private ops(cls: OpClass, elements: number, perElement = 1): void {
    if (!this.emitting || elements <= 0 || perElement <= 0) return;
    const per = (elements * perElement) / this.threads;
    const last = this.out[this.out.length - 1];
    if (last && last.k === "ops") {
      this.out[this.out.length - 1] = { ...last, [cls]: last[cls] + per };
      return;
    }
    this.out.push({ k: "ops", f32: 0, f16: 0, bf16: 0, int: 0, special: 0, subgroup: 0, tensor: 0, [cls]: per });
  }

  private live(dtype: string, shape: Shape): void {
    const words = Math.ceil((numel(shape) * bytesOf(dtype)) / 4 / this.threads);
    if (words > this.liveWords) this.liveWords = words;
  }

  private pointerParam(name: string, elt: string, span: Span, assumed = false): TV {
    if (!this.bindings.has(name)) {
      this.bindings.set(name, {
        name, space: "global", access: "read_write", elementType: assumed ? `${elt} (assumed)` : elt, bytes: null,
        runtimeArray: { headerBytes: 0, strideBytes: bytesOf(elt) }, span,
      });
    }
    return { k: "ptr", binding: name, elt, shape: [], off: cst(0) };
  }

  /** A parameter the kernel calls `.load([...])` / `.store([...])` on: a tensor descriptor the host made. */
  private usedAsDescriptor(name: string): boolean {
    return new RegExp(`\\b${name}\\s*\\.\\s*(?:load|store|atomic_\\w+)\\s*\\(\\s*[\\[(]`).test(this.src(this.input.fn.node));
  }

  /**
   * A `TensorDescriptor` built on the host: its block shape is set there too, by the config's `pre_hook`
   * (`nargs["desc_x"].block_shape = [BLOCK_M, BLOCK_K]`), read from the file; its shape and strides are not known,
   * so whole tiles are counted (inside the tensor) and the last axis is taken as contiguous.
   */
  private hostDescriptor(p: TritonFunction["params"][number]): TV {
    const known = this.input.pointerTypes.get(p.name);
    const elt = known?.replace(/^\*/, "") ?? "fp32";
    const value = (name: string): number | undefined => {
      const v = this.env.get(name);
      return v?.k === "t" && isConst(v.e) ? v.e.v : undefined;
    };
    const block = hostDescriptorBlock(this.input.text, p.name, this.input.fn.span, value);
    if (!block) {
      this.note("descriptor", `the block shape of the tensor descriptor '${p.name}' is set on the host and cannot be read here: its loads and stores are not counted (state it in the config's pre_hook as nargs["${p.name}"].block_shape = [...])`, p.span);
      return { k: "unknown", why: `the block shape of '${p.name}' is not known` };
    }
    if (!known) this.note("pointer type", `the element type of the tensor descriptor '${p.name}' is not known: assumed fp32 (state it with # @arg ${p.name}: *bf16)`, p.span);
    this.note("descriptor", `'${p.name}' is a tensor descriptor made on the host: its block [${block.join(", ")}] is read from the host code (the pre_hook or TensorDescriptor(..., block_shape=...)); its tensor's shape is not known here, so every tile is counted whole`, p.span);
    this.pointerParam(p.name, elt, p.span, !known);
    return { k: "desc", binding: p.name, elt, dims: block.map(() => unknown("the shape of a host-made descriptor")), strides: block.map((_, i) => (i === block.length - 1 ? cst(1) : unknown("the strides of a host-made descriptor"))), block };
  }

  /**
   * Whether the kernel loads or stores through a parameter given without a type: it is the pointer argument of a
   * load, store or atomic (directly or plus offsets), it is advanced in place (`X += row * stride`), or a name
   * assigned from it (`row_ptr = X + row * stride`) is.
   */
  private usedAsPointer(name: string): boolean {
    // Asked once per parameter and configuration: the answer depends on the function's text only.
    let known = pointerUses.get(this.input.fn.node);
    if (!known) pointerUses.set(this.input.fn.node, (known = new Map()));
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    const answer = this.scanPointerUse(name);
    known.set(name, answer);
    return answer;
  }

  private scanPointerUse(name: string): boolean {
    const body = this.src(this.input.fn.node);
    const pointerUseIn = (n: string, text: string): boolean =>
      new RegExp(`\\b(?:load|store|atomic_\\w+|make_block_ptr|make_tensor_descriptor)\\s*\\(\\s*(?:[\\w.]+\\s*=\\s*)?\\(?\\s*${n}\\b`).test(text) || new RegExp(`(?:^|\\n)\\s*${n}\\s*\\+=`).test(text);
    // A name may be used in a helper it is passed to under the same name (FlagGems' `_attn_fwd_inner(...,
    // K_block_ptr, ...)`): the other jit functions' text counts for it.
    let helpers: string | undefined;
    const pointerUse = (n: string, passedOn = false): boolean => {
      if (pointerUseIn(n, body)) return true;
      if (!passedOn) return false;
      helpers ??= [...this.input.functions.values()].filter((f) => f.node !== this.input.fn.node).map((f) => this.src(f.node)).join("\n");
      if (!new RegExp(`\\b${n}\\b`).test(helpers)) return false;
      if (pointerUseIn(n, helpers)) return true;
      const inHelper = new RegExp(`(?:^|\\n)\\s*(\\w+)\\s*=\\s*\\(?\\s*${n}\\s*(?:\\+|\\n|$)`, "g");
      for (let m = inHelper.exec(helpers); m; m = inHelper.exec(helpers)) if (pointerUseIn(m[1], helpers)) return true;
      return false;
    };
    // The parameter itself may be passed on to a helper that loads through it (fla's `_parallel_rebased_bwd_dq(...,
    // q, k, v, do, ...)`), under the same name.
    if (pointerUse(name, new RegExp(`[(,]\\s*${name}\\s*[,)]`).test(body))) return true;
    // `row_ptr = X + row * stride` (also parenthesised over lines, FlagGems' attention `Q_block_ptr = (\n Q\n + ...`),
    // or a copy chosen per program (`in_ptr = in_ptr_a` in FlagGems' cat).
    const derived = new RegExp(`(?:^|\\n)\\s*(\\w+)\\s*=\\s*\\(?\\s*${name}\\s*(?:\\+|\\n|$)`, "g");
    for (let m = derived.exec(body); m; m = derived.exec(body)) if (pointerUse(m[1], true)) return true;
    return false;
  }

  private constant(v: number | boolean | string): TV {
    if (typeof v === "string") {
      const d = dtypeName(v);
      return d ? { k: "dtype", v: d } : { k: "str", v };
    }
    if (typeof v === "boolean") return { k: "t", dtype: "int1", shape: [], e: cst(v ? 1 : 0) };
    return { k: "t", dtype: Number.isInteger(v) ? "int32" : "fp32", shape: [], e: cst(v) };
  }

  private hostValue(v: HostValue): TV {
    switch (v.k) {
      case "int": return { k: "t", dtype: "int32", shape: [], e: cst(v.v) };
      case "float": return { k: "t", dtype: "fp32", shape: [], e: cst(v.v) };
      case "bool": return { k: "t", dtype: "int1", shape: [], e: cst(v.v ? 1 : 0) };
      case "str": return { k: "str", v: v.v };
      case "dtype": return { k: "dtype", v: v.v };
      case "none": return { k: "none" };
      default: return { k: "unknown", why: "a host value the kernel cannot use" };
    }
  }

  // ---- Statements ------------------------------------------------------------------------------------------------

  private block(n: CNode): void {
    for (const s of namedKids(n)) {
      if (this.returned) return;
      this.stmt(s);
    }
  }

  private stmt(n: CNode): void {
    this.tick();
    switch (n.type) {
      case "block": this.block(n); return;
      case "expression_statement":
        for (const c of namedKids(n)) {
          if (c.type === "assignment") this.assign(c);
          else if (c.type === "augmented_assignment") this.augAssign(c);
          else this.ev(c);
        }
        return;
      case "if_statement": this.ifStmt(n); return;
      case "for_statement": this.forStmt(n); return;
      case "while_statement": this.whileStmt(n); return;
      case "return_statement": {
        const value = namedKids(n)[0];
        const v = value ? this.ev(value) : { k: "none" as const };
        if (this.callDepth > 0) this.returned = v;
        else this.emit({ k: "exit" });
        if (this.callDepth === 0) this.returned = v;
        return;
      }
      case "break_statement":
      case "continue_statement":
        this.emit({ k: "exit" });
        return;
      case "with_statement": {
        const body = field(n, "body");
        if (body) this.block(body);
        return;
      }
      default:
        // pass, assert, imports, nested definitions: nothing the model counts.
        return;
    }
  }

  private assign(n: CNode): void {
    const left = field(n, "left");
    const right = field(n, "right");
    if (!left || !right) return;
    const v = this.ev(right);
    this.bind(left, v);
  }

  private bind(target: CNode, v: TV): void {
    if (target.type === "identifier") {
      this.env.set(this.src(target), v);
      return;
    }
    if (target.type === "pattern_list" || target.type === "tuple_pattern" || target.type === "list_pattern" || target.type === "tuple" || target.type === "expression_list") {
      const parts = namedKids(target);
      parts.forEach((p, i) => this.bind(p, v.k === "tuple" ? v.items[i] ?? { k: "unknown", why: "tuple too short" } : { k: "unknown", why: "unpacking a value that is not a tuple" }));
    }
  }

  private augAssign(n: CNode): void {
    const left = field(n, "left");
    const right = field(n, "right");
    const opNode = field(n, "operator");
    if (!left || !right || !opNode || left.type !== "identifier") return;
    const cur = this.ev(left);
    const r = this.ev(right);
    const op = this.src(opNode).replace(/=$/, "");
    this.env.set(this.src(left), this.binary(op, cur, r, n));
  }

  private ifStmt(n: CNode): void {
    const cond = field(n, "condition");
    const then = field(n, "consequence");
    const alternatives = fields(n, "alternative");
    if (!cond || !then) return;
    const c = this.truth(this.ev(cond));
    // Constexpr conditions are decided at compile time: only the taken arm exists.
    if (isConst(c)) {
      if (c.v !== 0) this.block(then);
      else this.elseChain(alternatives, 0);
      return;
    }
    if (readsAxes(c)) this.note("branch", "a branch on a block value is not valid Triton; the analysis takes both arms", this.sp(cond));
    const before = new Map(this.env);
    const returnedBefore = this.returned;
    const thenNodes = this.collect(() => this.block(then));
    const thenEnv = this.env;
    const thenReturned = this.returned;
    this.env = new Map(before);
    this.returned = returnedBefore;
    const elseNodes = this.collect(() => this.elseChain(alternatives, 0));
    const elseEnv = this.env;
    const elseReturned = this.returned;
    this.returned = this.callDepth > 0 ? (thenReturned ?? elseReturned) : thenReturned && elseReturned ? thenReturned : returnedBefore;
    if (this.callDepth > 0 && thenReturned !== elseReturned) this.returned = returnedBefore === undefined && thenReturned && elseReturned ? thenReturned : undefined;
    this.emit({ k: "if", cond: c, then: thenNodes, else: elseNodes, span: this.sp(n) });
    this.env = this.merge(c, thenEnv, elseEnv);
  }

  private elseChain(alternatives: readonly CNode[], i: number): void {
    const alt = alternatives[i];
    if (!alt) return;
    if (alt.type === "else_clause") {
      // tree-sitter-python 0.25 gives an else clause's block no field name.
      const body = field(alt, "body") ?? namedKids(alt).find((k) => k.type === "block");
      if (body) this.block(body);
      return;
    }
    // elif: an if whose else is the rest of the chain.
    const cond = field(alt, "condition");
    const then = field(alt, "consequence");
    if (!cond || !then) return;
    const c = this.truth(this.ev(cond));
    if (isConst(c)) {
      if (c.v !== 0) this.block(then);
      else this.elseChain(alternatives, i + 1);
      return;
    }
    const before = new Map(this.env);
    const thenNodes = this.collect(() => this.block(then));
    const thenEnv = this.env;
    this.env = new Map(before);
    const elseNodes = this.collect(() => this.elseChain(alternatives, i + 1));
    this.emit({ k: "if", cond: c, then: thenNodes, else: elseNodes, span: this.sp(alt) });
    this.env = this.merge(c, thenEnv, this.env);
  }

  /** Values after a branch: the same in both arms, a select for integers, else the then-arm's shape as data. */
  private merge(c: VExpr, a: Map<string, TV>, b: Map<string, TV>): Map<string, TV> {
    const out = new Map(a);
    for (const [name, vb] of b) {
      const va = a.get(name);
      if (va === vb) continue;
      if (!va) { out.set(name, vb); continue; }
      if (va.k === "t" && vb.k === "t") {
        const shape = broadcastShapes(va.shape, vb.shape);
        const s = typeof shape === "string" ? va.shape : shape;
        out.set(name, { k: "t", dtype: promote(va.dtype, vb.dtype), shape: s, e: call("select", [broadcastExpr(vb.e, vb.shape, s), broadcastExpr(va.e, va.shape, s), c]) });
      } else if (va.k === "ptr" && vb.k === "ptr" && va.binding === vb.binding) {
        const shape = broadcastShapes(va.shape, vb.shape);
        const s = typeof shape === "string" ? va.shape : shape;
        out.set(name, { ...va, shape: s, off: call("select", [broadcastExpr(vb.off, vb.shape, s), broadcastExpr(va.off, va.shape, s), c]) });
      }
    }
    return out;
  }

  // ---- Loops -----------------------------------------------------------------------------------------------------

  private forStmt(n: CNode): void {
    const left = field(n, "left");
    const right = field(n, "right");
    const body = field(n, "body");
    if (!left || !right || !body) return;
    let start: VExpr = cst(0), bound: VExpr | undefined, step: VExpr = cst(1), unrolled = false;
    const fnName = right.type === "call" ? this.callName(field(right, "function")) : "";
    if (right.type === "call" && /(^|\.)(range|static_range)$/.test(fnName)) {
      const { pos } = this.args(right);
      const vals = pos.map((a) => this.scalar(this.ev(a)));
      if (vals.length === 1) bound = vals[0];
      else if (vals.length >= 2) {
        start = vals[0];
        bound = vals[1];
        if (vals[2]) step = vals[2];
      }
      unrolled = /static_range$/.test(fnName);
    } else {
      this.note("loop", `a loop over '${this.src(right).slice(0, 40)}' is not a range: its trip count is unknown`, this.sp(right));
    }
    const counterName = left.type === "identifier" ? this.src(left) : undefined;
    const counter: LoopCounter | null = bound ? { kind: "add", start, step, op: isConst(step) && step.v < 0 ? ">" : "<", bound, int: true } : null;
    this.loop(n, body, counter, counterName, unrolled, this.sp(body).start);
  }

  private whileStmt(n: CNode): void {
    const body = field(n, "body");
    if (!body) return;
    this.note("loop", "a while loop's trip count is unknown", this.sp(n));
    this.loop(n, body, null, undefined, false, this.sp(body).start);
  }

  /** Names a loop body assigns (loop-carried values). */
  private assignedIn(n: CNode, into = new Set<string>()): Set<string> {
    for (const c of kids(n)) {
      if (c.type === "function_definition") continue;
      if ((c.type === "assignment" || c.type === "augmented_assignment") && field(c, "left")) {
        const l = field(c, "left")!;
        const names = l.type === "identifier" ? [l] : namedKids(l).filter((x) => x.type === "identifier");
        for (const x of names) into.add(this.src(x));
      }
      if (c.type === "for_statement" && field(c, "left")?.type === "identifier") into.add(this.src(field(c, "left")!));
      if (c.children) this.assignedIn(c, into);
    }
    return into;
  }

  private loop(n: CNode, body: CNode, counter: LoopCounter | null, counterName: string | undefined, unrolled: boolean, headerEnd: number): void {
    const v = `loop${++this.loopIds}`;
    const carried = [...this.assignedIn(body)].filter((x) => x !== counterName && this.env.has(x));
    const init = new Map(carried.map((x) => [x, this.env.get(x)!]));
    const counterValue: TV = { k: "t", dtype: "int32", shape: [], e: counter ? bin("+", counter.start, bin("*", vr(v), counter.step)) : unknown(`'${counterName ?? "the counter"}' changes every iteration`) };
    // Pass 1, silent: what one iteration does to each carried value. A value that grows by the same amount every
    // iteration (a running pointer, `a_ptrs += BLOCK_K * stride_ak`, `tl.advance(p, (0, BLOCK_K))`) is an induction.
    const deltas = new Map<string, TV | undefined>();
    const saved = this.env;
    const savedEmitting = this.emitting;
    const savedReturned = this.returned;
    {
      const probe = new Map(saved);
      for (const [x, val] of init) probe.set(x, this.placeholder(x, val));
      if (counterName) probe.set(counterName, counterValue);
      this.env = probe;
      this.emitting = false;
      this.loopDepth++;
      try {
        this.collect(() => this.block(body));
      } finally {
        this.loopDepth--;
        this.emitting = savedEmitting;
      }
      for (const [x, val] of init) deltas.set(x, this.inductionStep(x, val, this.env.get(x), v));
      this.env = saved;
      this.returned = savedReturned;
    }
    // Pass 2: the body once, with every induction value at iteration `v`.
    const loopEnv = new Map(saved);
    for (const [x, val] of init) loopEnv.set(x, this.atIteration(x, val, deltas.get(x), vr(v)));
    if (counterName) loopEnv.set(counterName, counterValue);
    this.env = loopEnv;
    this.loopDepth++;
    let bodyNodes: IrNode[] = [];
    try {
      bodyNodes = this.collect(() => this.block(body));
    } finally {
      this.loopDepth--;
    }
    const after = this.env;
    this.returned = savedReturned;
    this.env = new Map(saved);
    // After the loop: inductions at the trip count; other carried values keep the body's shape, as data.
    const trip = counter && isConst(counter.step) && counter.step.v > 0 ? bin("/", bin("+", bin("-", counter.bound, counter.start), cst(counter.step.v - 1)), counter.step) : undefined;
    for (const [x, val] of init) {
      const d = deltas.get(x);
      this.env.set(x, d && trip ? this.atIteration(x, val, d, trip) : this.forget(after.get(x) ?? val, `'${x}' after the loop`));
    }
    for (const [x, val] of after) if (!saved.has(x) && !this.env.has(x)) this.env.set(x, val);
    this.emit({ k: "loop", v, span: this.sp(n), headerEnd, counter, ...(counterName ? { counterName } : {}), earlyExit: false, header: [], body: bodyNodes, latch: [], ...(unrolled ? { unrolled: true } : {}) });
  }

  /** A carried value whose integer parts are replaced by a symbol, to see what one iteration adds. */
  private placeholder(x: string, val: TV): TV {
    const c = vr(`carry.${x}`);
    switch (val.k) {
      case "t": return isFloat(val.dtype) ? val : { ...val, e: bin("+", val.e, c) };
      case "ptr": return { ...val, off: bin("+", val.off, c) };
      case "bptr": return { ...val, offsets: val.offsets.map((o, i) => bin("+", o, vr(`carry.${x}.${i}`))) };
      default: return val;
    }
  }

  /** What one iteration adds to a carried value (undefined: not an induction; `t` data: keeps its shape). */
  private inductionStep(x: string, init: TV, final: TV | undefined, loopVar: string): TV | undefined {
    if (!final) return undefined;
    const strip = (e: VExpr, base: VExpr, carry: string): VExpr | undefined => {
      const zero = substitute(e, (n) => (n === carry ? cst(0) : undefined));
      const one = substitute(e, (n) => (n === carry ? cst(1) : undefined));
      // Additive in the carried symbol: e(1) - e(0) == 1 for sample values of everything else.
      const sample = (n: string): number => (n.length * 7919 + n.charCodeAt(n.length - 1) * 31) % 97 + 3;
      const a = evaluateWith(zero, sample), b = evaluateWith(one, sample);
      if (a === undefined || b === undefined || b - a !== 1) return undefined;
      const d = zero === base ? cst(0) : zero.k === "bin" && zero.op === "+" && zero.a === base ? zero.b : bin("-", zero, base);
      const vs = varsOf(d);
      if (vs.has(loopVar) || [...vs].some((n) => n.startsWith("carry."))) return undefined;
      return d;
    };
    if (init.k === "t" && final.k === "t") {
      if (isFloat(init.dtype) || isFloat(final.dtype)) return final;
      const d = strip(final.e, init.e, `carry.${x}`);
      return d ? { k: "t", dtype: final.dtype, shape: final.shape, e: d } : undefined;
    }
    if (init.k === "ptr" && final.k === "ptr" && init.binding === final.binding) {
      const d = strip(final.off, init.off, `carry.${x}`);
      return d ? { ...final, off: d } : undefined;
    }
    if (init.k === "bptr" && final.k === "bptr") {
      const ds = final.offsets.map((o, i) => strip(o, init.offsets[i], `carry.${x}.${i}`));
      return ds.every((d) => d !== undefined) ? { ...final, offsets: ds as VExpr[] } : undefined;
    }
    return final.k === init.k ? final : undefined;
  }

  private atIteration(x: string, init: TV, d: TV | undefined, i: VExpr): TV {
    if (!d) return this.forget(init, `'${x}' changes every iteration`);
    if (init.k === "t" && d.k === "t") {
      if (isFloat(init.dtype) || isFloat(d.dtype)) return { ...d, e: unknown("data") };
      const shape = broadcastShapes(init.shape, d.shape);
      const s = typeof shape === "string" ? init.shape : shape;
      return { k: "t", dtype: init.dtype, shape: s, e: bin("+", broadcastExpr(init.e, init.shape, s), bin("*", i, broadcastExpr(d.e, d.shape, s))) };
    }
    if (init.k === "ptr" && d.k === "ptr") {
      const shape = broadcastShapes(init.shape, d.shape);
      const s = typeof shape === "string" ? init.shape : shape;
      return { ...init, shape: s, off: bin("+", broadcastExpr(init.off, init.shape, s), bin("*", i, broadcastExpr(d.off, d.shape, s))) };
    }
    if (init.k === "bptr" && d.k === "bptr") return { ...init, offsets: init.offsets.map((o, j) => bin("+", o, bin("*", i, d.offsets[j]))) };
    return d;
  }

  private forget(v: TV, why: string): TV {
    switch (v.k) {
      case "t": return { ...v, e: unknown(why) };
      case "ptr": return { ...v, off: unknown(why) };
      case "bptr": return { ...v, offsets: v.offsets.map(() => unknown(why)) };
      default: return v;
    }
  }

  // ---- Expressions -----------------------------------------------------------------------------------------------

  private scalar(v: TV): VExpr {
    if (v.k === "t") return v.shape.length === 0 || numel(v.shape) === 1 ? v.e : unknown("a block where a scalar is expected");
    return unknown(v.k === "unknown" ? v.why : `a ${v.k} where a number is expected`);
  }

  private truth(v: TV): VExpr {
    if (v.k === "t") return v.e;
    if (v.k === "none") return cst(0);
    if (v.k === "str") return cst(v.v.length > 0 ? 1 : 0);
    return unknown("a condition KernelLens cannot evaluate");
  }

  private callName(n: CNode | undefined): string {
    if (!n) return "";
    if (n.type === "identifier") return this.src(n);
    if (n.type === "attribute") {
      const o = field(n, "object"), a = field(n, "attribute");
      return `${this.callName(o)}.${a ? this.src(a) : ""}`;
    }
    return "";
  }

  private args(n: CNode): { pos: CNode[]; kw: Map<string, CNode> } {
    const list = field(n, "arguments");
    const pos: CNode[] = [];
    const kw = new Map<string, CNode>();
    for (const a of list ? namedKids(list) : []) {
      if (a.type === "keyword_argument") {
        const name = field(a, "name"), value = field(a, "value");
        if (name && value) kw.set(this.src(name), value);
      } else if (a.type !== "comment") pos.push(a);
    }
    return { pos, kw };
  }

  ev(n: CNode): TV {
    this.tick();
    switch (n.type) {
      case "integer": {
        const t = this.src(n).replace(/_/g, "");
        const v = /^0[xX]/.test(t) ? parseInt(t, 16) : /^0[bB]/.test(t) ? parseInt(t.slice(2), 2) : /^0[oO]/.test(t) ? parseInt(t.slice(2), 8) : Number(t);
        return { k: "t", dtype: "int32", shape: [], e: Number.isFinite(v) ? cst(v) : unknown("a literal") };
      }
      case "float": return { k: "t", dtype: "fp32", shape: [], e: cst(Number(this.src(n).replace(/_/g, ""))) };
      case "true": return { k: "t", dtype: "int1", shape: [], e: cst(1) };
      case "false": return { k: "t", dtype: "int1", shape: [], e: cst(0) };
      case "none": return { k: "none" };
      case "string": return { k: "str", v: this.src(n).replace(/^[a-zA-Z]*["']+|["']+$/g, "") };
      case "identifier": return this.name(this.src(n), n);
      case "parenthesized_expression": {
        const inner = namedKids(n)[0];
        return inner ? this.ev(inner) : { k: "none" };
      }
      case "tuple":
      case "list":
      case "expression_list":
        return { k: "tuple", items: namedKids(n).map((c) => this.ev(c)) };
      case "attribute": return this.attribute(n);
      case "call": return this.call(n);
      case "subscript": return this.subscript(n);
      case "binary_operator": {
        const l = field(n, "left"), r = field(n, "right"), op = field(n, "operator");
        if (!l || !r || !op) return { k: "unknown", why: "an incomplete expression" };
        return this.binary(this.src(op), this.ev(l), this.ev(r), n);
      }
      case "comparison_operator": {
        const operands = namedKids(n);
        const ops = fields(n, "operators").map((o) => this.src(o));
        if (operands.length < 2 || ops.length < 1) return { k: "unknown", why: "an incomplete comparison" };
        let result = this.binary(ops[0], this.ev(operands[0]), this.ev(operands[1]), n);
        for (let i = 1; i < ops.length && operands[i + 1]; i++) result = this.binary("&", result, this.binary(ops[i], this.ev(operands[i]), this.ev(operands[i + 1]), n), n);
        return result;
      }
      case "boolean_operator": {
        const l = field(n, "left"), r = field(n, "right"), op = field(n, "operator");
        if (!l || !r || !op) return { k: "unknown", why: "an incomplete expression" };
        return this.binary(this.src(op) === "and" ? "&" : "|", this.ev(l), this.ev(r), n);
      }
      case "not_operator": {
        const a = field(n, "argument");
        const v = a ? this.ev(a) : { k: "none" as const };
        return v.k === "t" ? { k: "t", dtype: "int1", shape: v.shape, e: un("!", v.e) } : { k: "unknown", why: "not of a non-value" };
      }
      case "unary_operator": {
        const a = field(n, "argument"), op = field(n, "operator");
        const v = a ? this.ev(a) : { k: "none" as const };
        if (v.k !== "t" || !op) return v;
        const o = this.src(op);
        if (o === "+") return v;
        if (!readsAxes(v.e) || isFloat(v.dtype)) this.ops(opClassOf(v.dtype), numel(v.shape), isFloat(v.dtype) ? 0 : 1);
        return { ...v, e: o === "-" ? un("-", v.e) : un("~", v.e) };
      }
      case "conditional_expression": {
        const parts = namedKids(n);
        if (parts.length < 3) return { k: "unknown", why: "an incomplete conditional" };
        const c = this.truth(this.ev(parts[1]));
        if (isConst(c)) return this.ev(c.v !== 0 ? parts[0] : parts[2]);
        const a = this.ev(parts[0]), b = this.ev(parts[2]);
        if (a.k === "t" && b.k === "t") return { k: "t", dtype: promote(a.dtype, b.dtype), shape: a.shape, e: call("select", [b.e, a.e, c]) };
        return a;
      }
      default:
        return { k: "unknown", why: `'${this.src(n).slice(0, 30)}' is not modelled` };
    }
  }

  private name(name: string, n: CNode): TV {
    const v = this.env.get(name);
    if (v) return v;
    if (this.input.functions.has(name)) return { k: "fn", name };
    const g = this.input.globals.get(name);
    if (g) return this.hostValue(g);
    if (/^(tl|triton|math|libdevice|torch)$/.test(name)) return { k: "mod", path: name === "tl" ? "triton.language" : name };
    if (name === "range") return { k: "fn", name: "range" };
    // Names the file imports from triton (`from triton.language.extra.libdevice import rsqrt`, in try/except
    // fallbacks) or binds at module level (`triton_tanh = libdevice.tanh`).
    const path = tritonAliases(this.input.text).get(name);
    if (path) {
      const d = dtypeName(path.split(".").pop()!);
      return d && /language\.\w+$/.test(path) ? { k: "dtype", v: d } : { k: "mod", path };
    }
    void n;
    return { k: "unknown", why: `'${name}' is not known here` };
  }

  private attribute(n: CNode): TV {
    const o = field(n, "object"), a = field(n, "attribute");
    if (!o || !a) return { k: "unknown", why: "an incomplete attribute" };
    const attr = this.src(a);
    const base = this.ev(o);
    if (base.k === "mod") {
      const d = dtypeName(attr);
      if (d && /language$|^torch$/.test(base.path)) return { k: "dtype", v: d };
      return { k: "mod", path: `${base.path}.${attr}` };
    }
    if (base.k === "t") {
      if (attr === "dtype") return { k: "dtype", v: base.dtype };
      if (attr === "shape") return { k: "tuple", items: base.shape.map((d) => ({ k: "t" as const, dtype: "int32", shape: [], e: cst(d) })) };
      if (attr === "T") return this.permute(base, [...base.shape.keys()].reverse());
    }
    if (base.k === "ptr" && (attr === "dtype" || attr === "type")) return { k: "dtype", v: `*${base.elt}` };
    if (base.k === "desc" && attr === "dtype") return { k: "dtype", v: base.elt };
    if (base.k === "desc" && attr === "block_shape") return { k: "tuple", items: base.block.map((d) => ({ k: "t" as const, dtype: "int32", shape: [], e: cst(d) })) };
    if (base.k === "dtype" && attr === "element_ty") return { k: "dtype", v: base.v.replace(/^\*/, "") };
    if (base.k === "dtype" && attr === "primitive_bitwidth") return { k: "t", dtype: "int32", shape: [], e: cst(bytesOf(base.v.replace(/^\*/, "")) * 8) };
    return { k: "unknown", why: `'.${attr}' is not modelled` };
  }

  private subscript(n: CNode): TV {
    const valueNode = field(n, "value");
    if (!valueNode) return { k: "unknown", why: "an incomplete subscript" };
    const v = this.ev(valueNode);
    const subs = fields(n, "subscript");
    if (v.k === "tuple") {
      const i = subs[0] ? this.scalar(this.ev(subs[0])) : unknown("");
      return isConst(i) ? v.items[i.v < 0 ? v.items.length + i.v : i.v] ?? { k: "unknown", why: "index out of range" } : { k: "unknown", why: "a tuple indexed at run time" };
    }
    if (v.k !== "t" && v.k !== "ptr") return { k: "unknown", why: "a subscript of a non-block" };
    // `x[:, None]`, `x[None, :]`: slices keep an axis, None inserts one of size 1.
    const shape: number[] = [];
    const map: number[] = [];
    let axis = 0;
    for (const s of subs) {
      if (s.type === "none") shape.push(1);
      else if (s.type === "slice") {
        map[axis] = shape.length;
        shape.push(v.shape[axis] ?? 1);
        axis++;
      } else if (s.type === "ellipsis") {
        while (axis < v.shape.length - (subs.length - 1 - subs.indexOf(s))) {
          map[axis] = shape.length;
          shape.push(v.shape[axis]);
          axis++;
        }
      } else return { k: "unknown", why: "indexing a block by position is not Triton" };
    }
    while (axis < v.shape.length) {
      map[axis] = shape.length;
      shape.push(v.shape[axis]);
      axis++;
    }
    if (v.k === "t") return { ...v, shape, e: renameAxes(v.e, map) };
    return { ...v, shape, off: renameAxes(v.off, map) };
  }

  private permute(v: Extract<TV, { k: "t" }>, order: readonly number[]): TV {
    const map: number[] = [];
    order.forEach((from, to) => (map[from] = to));
    return { ...v, shape: order.map((i) => v.shape[i]), e: renameAxes(v.e, map) };
  }

  // ---- Arithmetic ------------------------------------------------------------------------------------------------

  private binary(op: string, a: TV, b: TV, n: CNode): TV {
    // Pointer arithmetic: a base plus element offsets.
    if (a.k === "ptr" && b.k === "t" && (op === "+" || op === "-")) return this.offsetPointer(a, b, op);
    if (b.k === "ptr" && a.k === "t" && op === "+") return this.offsetPointer(b, a, op);
    if (a.k === "tuple" && b.k === "tuple" && op === "+") return { k: "tuple", items: [...a.items, ...b.items] };
    // Compile-time comparisons of strings, dtypes and None (`if ACTIVATION == "leaky_relu"`, `if bias is not None`).
    if ((op === "==" || op === "!=" || op === "is" || op === "is not") && (a.k !== "t" || b.k !== "t")) {
      const key = (v: TV): string | undefined => (v.k === "str" ? `s:${v.v}` : v.k === "dtype" ? `d:${v.v}` : v.k === "none" ? "none" : v.k === "t" ? (isConst(v.e) ? `n:${v.e.v}` : undefined) : v.k === "ptr" || v.k === "bptr" || v.k === "desc" ? "pointer" : undefined);
      const ka = key(a), kb = key(b);
      if (ka !== undefined && kb !== undefined) {
        const same = ka === kb;
        return { k: "t", dtype: "int1", shape: [], e: cst((op === "==" || op === "is") === same ? 1 : 0) };
      }
    }
    if (a.k !== "t" || b.k !== "t") {
      // An operand KernelLens cannot follow (a float parameter's use, a call it does not know) is data of the other
      // operand's shape: the operation is still counted.
      const known = a.k === "t" ? a : b.k === "t" ? b : undefined;
      if (known && (a.k === "unknown" || b.k === "unknown" || a.k === "none" || b.k === "none")) {
        this.ops(opClassOf(known.dtype), numel(known.shape));
        return { k: "t", dtype: /^(<|<=|>|>=|==|!=)$/.test(op) ? "int1" : known.dtype, shape: known.shape, e: unknown((a.k === "unknown" ? a : b.k === "unknown" ? b : { why: "None" }).why) };
      }
      if (a.k === "unknown") return a;
      if (b.k === "unknown") return b;
      return { k: "unknown", why: `'${op}' on values KernelLens does not model` };
    }
    const shape = broadcastShapes(a.shape, b.shape);
    if (typeof shape === "string") {
      this.note("shapes", shape, this.sp(n));
      return { k: "unknown", why: shape };
    }
    const compare = /^(<|<=|>|>=|==|!=)$/.test(op);
    const logical = op === "&" || op === "|" || op === "^";
    let dtype = compare ? "int1" : logical && a.dtype === "int1" && b.dtype === "int1" ? "int1" : promote(a.dtype, b.dtype);
    // Python's true division of integers gives a float; `//` keeps integers.
    if (op === "/" && !isFloat(dtype)) dtype = "fp32";
    // A literal operand takes the other's type (a weakly typed scalar): `x * 2.0` on fp16 stays fp16.
    if (isFloat(a.dtype) && b.shape.length === 0 && isConst(b.e) && a.shape.length > 0) dtype = compare ? "int1" : a.dtype;
    if (isFloat(b.dtype) && a.shape.length === 0 && isConst(a.e) && b.shape.length > 0) dtype = compare ? "int1" : b.dtype;
    const ea = broadcastExpr(a.e, a.shape, shape), eb = broadcastExpr(b.e, b.shape, shape);
    const float = isFloat(promote(a.dtype, b.dtype));
    const pyOp = op === "//" ? "/" : op === "and" ? "&&" : op === "or" ? "||" : op === "&" && (a.dtype === "int1" || b.dtype === "int1") ? "&&" : op === "|" && (a.dtype === "int1" || b.dtype === "int1") ? "||" : op === "**" ? "**" : op;
    let e: VExpr;
    if (pyOp === "**") {
      e = isConst(ea) && isConst(eb) ? cst(ea.v ** eb.v) : unknown("a power");
    } else e = float && !compare ? (isConst(ea) && isConst(eb) ? bin(pyOp, ea, eb, false) : unknown("data")) : bin(pyOp, ea, eb, !float);
    // What it costs: one op per element, unless everything is known at compile time (constexpr arithmetic).
    const compileTime = isConst(e) && a.shape.length === 0 && b.shape.length === 0;
    if (!compileTime) {
      // In the result's type: a literal takes the block's (`x_fp16 * 2.0` is fp16 arithmetic).
      const cls: OpClass = compare || !float ? "int" : opClassOf(isFloat(dtype) ? dtype : promote(a.dtype, b.dtype));
      const elements = numel(shape);
      if (cls !== "int" || !this.isIndexMath(a, b)) this.ops(cls, elements);
      else this.ops("int", elements);
    }
    const origin = a.k === "t" && a.origin ? a.origin : b.origin;
    const assumedFrom = a.assumedFrom ?? b.assumedFrom;
    return { k: "t", dtype, shape, e, ...(origin ? { origin } : {}), ...(assumedFrom ? { assumedFrom } : {}) };
  }

  private isIndexMath(a: TV, b: TV): boolean {
    return a.k === "t" && b.k === "t" && !isFloat(a.dtype) && !isFloat(b.dtype);
  }

  private offsetPointer(p: Extract<TV, { k: "ptr" }>, o: Extract<TV, { k: "t" }>, op: string): TV {
    // Triton adds only integers to pointers: float offsets are indices loaded through a pointer whose element type
    // was assumed (an untyped `idx_ptr`, fp32 by default). They are loaded data: a gather.
    if (isFloat(o.dtype)) {
      if (o.assumedFrom) this.indexPointers.add(o.assumedFrom);
      o = { k: "t", dtype: "int32", shape: o.shape, e: unknown("indices loaded from memory") };
    }
    const shape = broadcastShapes(p.shape, o.shape);
    if (typeof shape === "string") return { k: "unknown", why: shape };
    const off = bin(op, broadcastExpr(p.off, p.shape, shape), broadcastExpr(o.e, o.shape, shape));
    this.ops("int", numel(shape));
    return { ...p, shape, off };
  }

  // ---- Calls -----------------------------------------------------------------------------------------------------

  private call(n: CNode): TV {
    const fnNode = field(n, "function");
    if (!fnNode) return { k: "unknown", why: "a call" };
    // Methods of values: x.to(...), x.sum(...), desc.load(...).
    if (fnNode.type === "attribute") {
      const objNode = field(fnNode, "object");
      const attr = field(fnNode, "attribute");
      const obj = objNode ? this.ev(objNode) : ({ k: "unknown", why: "" } as TV);
      const name = attr ? this.src(attr) : "";
      if (obj.k === "mod") return this.builtin(`${obj.path}.${name}`, name, n);
      if (obj.k === "t" || obj.k === "ptr" || obj.k === "desc" || obj.k === "bptr") return this.method(obj, name, n);
      // A project's own wrapper of triton.language (FlagGems' `tle.program_id(0)`, `tl_extra_shim.pow(x, y)`): a
      // module the file imports from elsewhere whose function has a Triton name is read as Triton's.
      if (obj.k === "unknown" && objNode?.type === "identifier" && !this.env.has(this.src(objNode)) && TRITON_NAMES.has(name)) {
        this.note("wrapper", `'${this.src(objNode)}' is not triton.language: its '${name}' is read as Triton's`, this.sp(fnNode));
        return this.builtin(`${this.src(objNode)}.${name}`, name, n);
      }
      return { k: "unknown", why: `'${this.src(fnNode).slice(0, 30)}' is not modelled` };
    }
    const callee = this.ev(fnNode);
    if (callee.k === "fn") {
      if (this.input.functions.has(callee.name)) return this.inline(this.input.functions.get(callee.name)!, n);
      return this.builtin(callee.name, callee.name, n);
    }
    if (callee.k === "mod") return this.builtin(callee.path, callee.path.split(".").pop()!, n);
    const name = fnNode.type === "identifier" ? this.src(fnNode) : "";
    if (/^(min|max|abs|int|float|len|bool|range)$/.test(name)) return this.builtin(name, name, n);
    // A math function imported from a project's own module (`from ..utils.libdevice_shim import rsqrt`): a call in a
    // jit function can only be a jit or extern function, and one named like libdevice's is read as it.
    // Also under a project's prefix (unsloth's `from .utils import triton_tanh`, FlagGems' `_log2`).
    const math = name.replace(/^(?:_+|triton_|tl_|libdevice_)+/, "");
    if (SPECIAL.has(math) || FLOP_FNS[math] !== undefined || math === "sigmoid") {
      this.note("function", `'${name}' is not imported from triton here: read as libdevice's ${math}`, this.sp(fnNode));
      return this.builtin(math, math, n);
    }
    this.note("function", `'${this.src(fnNode).slice(0, 40)}' is not known to KernelLens: its call is not counted`, this.sp(n));
    return { k: "unknown", why: `'${this.src(fnNode).slice(0, 30)}' is not known` };
  }

  /** A `@triton.jit` helper, inlined: its parameters bound to the arguments, its return value the call's. */
  private inline(f: TritonFunction, n: CNode): TV {
    if (this.callDepth >= 16) return { k: "unknown", why: "helpers nested too deep" };
    const { pos, kw } = this.args(n);
    const scope = new Map<string, TV>();
    f.params.forEach((p, i) => {
      const a = kw.get(p.name) ?? pos[i];
      if (a) scope.set(p.name, this.ev(a));
      else if (p.defaultValue) scope.set(p.name, this.ev(p.defaultValue));
    });
    const saved = this.env;
    const savedReturned = this.returned;
    this.env = scope;
    this.returned = undefined;
    this.callDepth++;
    let result: TV = { k: "none" };
    try {
      const body = field(f.node, "body");
      const nodes = this.collect(() => {
        if (body) this.block(body);
      });
      result = this.returned ?? { k: "none" };
      this.emit({ k: "call", name: f.name, body: nodes });
    } finally {
      this.callDepth--;
      this.env = saved;
      this.returned = savedReturned;
    }
    return result;
  }

  private method(obj: TV, name: string, n: CNode): TV {
    const { pos, kw } = this.args(n);
    const arg = (i: number, key: string): TV | undefined => {
      const node = kw.get(key) ?? pos[i];
      return node ? this.ev(node) : undefined;
    };
    if (obj.k === "bptr" && name === "advance") return this.builtin("advance", "advance", n, obj);
    if (obj.k === "desc") {
      if (name === "load") return this.descAccess(obj, arg(0, "offsets"), "load", n, undefined);
      if (name === "store") return this.descAccess(obj, arg(0, "offsets"), "store", n, arg(1, "value"));
      if (name.startsWith("atomic_")) return this.descAccess(obj, arg(0, "offsets"), "atomic", n, arg(1, "value"));
    }
    if (obj.k === "t") {
      switch (name) {
        case "to": case "cast": case "astype": {
          const d = arg(0, "dtype");
          return this.cast(obj, d);
        }
        case "sum": case "max": case "min": case "argmax": case "argmin": case "reduce":
          return this.reduce(name, obj, arg(0, "axis"), n, kw.has("keep_dims") || kw.has("keepdims") ? this.truth(this.ev(kw.get("keep_dims") ?? kw.get("keepdims")!)) : cst(0));
        case "reshape": case "view": return this.reshape(obj, pos.length === 1 ? this.ev(pos[0]) : { k: "tuple", items: pos.map((p) => this.ev(p)) });
        case "trans": case "permute": case "T": return pos.length > 0 ? this.permute(obj, this.intList({ k: "tuple", items: pos.map((p) => this.ev(p)) }) ?? [...obj.shape.keys()].reverse()) : this.permute(obj, [...obj.shape.keys()].reverse());
        case "expand_dims": return this.builtin("expand_dims", "expand_dims", n, obj);
        case "broadcast_to": return this.builtin("broadcast_to", "broadcast_to", n, obj);
        case "__getitem__": return obj;
        default: return this.elementwise(name, [obj], n) ?? { k: "unknown", why: `method '${name}' is not modelled` };
      }
    }
    return { k: "unknown", why: `method '${name}' is not modelled` };
  }

  private cast(v: Extract<TV, { k: "t" }>, d: TV | undefined): TV {
    const to = d?.k === "dtype" ? d.v.replace(/^\*/, "") : d?.k === "str" ? dtypeName(d.v) ?? v.dtype : v.dtype;
    return { ...v, dtype: to, e: isFloat(to) && !isFloat(v.dtype) ? unknown("data") : v.e };
  }

  private intList(v: TV | undefined): number[] | undefined {
    if (!v) return undefined;
    if (v.k === "t") return isConst(v.e) ? [v.e.v] : this.needConstant(v.e);
    if (v.k !== "tuple") return undefined;
    const out: number[] = [];
    for (const x of v.items) {
      const e = this.scalar(x);
      if (!isConst(e)) return this.needConstant(e);
      out.push(e.v);
    }
    return out;
  }

  /** A shape (or another compile-time list) read a constexpr that has no value: remember it, for a block size. */
  private needConstant(e: VExpr): undefined {
    for (const v of varsOf(e)) if (this.sizeless.has(v)) this.shapeNeeds.add(v.slice("override.".length));
    return undefined;
  }

  private exprList(v: TV | undefined): VExpr[] | undefined {
    if (!v) return undefined;
    if (v.k === "t") return [this.scalar(v)];
    if (v.k !== "tuple") return undefined;
    return v.items.map((x) => this.scalar(x));
  }

  private reshape(v: Extract<TV, { k: "t" }>, to: TV): TV {
    const shape = this.intList(to);
    if (!shape || numel(shape) !== numel(v.shape)) return { k: "unknown", why: "a reshape to an unknown shape" };
    return { ...v, shape, e: reshapeExpr(v.e, v.shape, shape) };
  }

  private builtin(path: string, name: string, n: CNode, self?: TV): TV {
    const { pos, kw } = this.args(n);
    const arg = (i: number, key: string): TV | undefined => {
      if (self) {
        if (i === 0) return self;
        i -= 1;
      }
      const node = kw.get(key) ?? pos[i];
      return node ? this.ev(node) : undefined;
    };
    const has = (key: string): boolean => kw.has(key);
    const scalarArg = (i: number, key: string): VExpr => {
      const v = arg(i, key);
      return v ? this.scalar(v) : unknown(`no ${key}`);
    };
    switch (name) {
      case "program_id": {
        const axis = this.intList(arg(0, "axis"))?.[0] ?? 0;
        return { k: "t", dtype: "int32", shape: [], e: vr(`wid.${"xyz"[axis] ?? "x"}`) };
      }
      case "num_programs": {
        const axis = this.intList(arg(0, "axis"))?.[0] ?? 0;
        return { k: "t", dtype: "int32", shape: [], e: vr(`nwg.${"xyz"[axis] ?? "x"}`) };
      }
      case "arange": {
        const a = scalarArg(0, "start"), b = scalarArg(1, "end");
        if (!isConst(a) || !isConst(b) || b.v <= a.v) {
          this.needConstant(a);
          this.needConstant(b);
          return { k: "unknown", why: "tl.arange needs constexpr bounds" };
        }
        return { k: "t", dtype: "int32", shape: [b.v - a.v], e: bin("+", cst(a.v), vr(axisVar(0))) };
      }
      case "zeros": case "full": case "zeros_like": case "full_like": {
        const like = name.endsWith("_like") ? arg(0, "input") : undefined;
        const shape = like?.k === "t" ? like.shape : this.intList(arg(0, "shape"));
        const valueArg = name.startsWith("full") ? arg(1, "value") : undefined;
        const d = arg(name.startsWith("full") ? 2 : 1, "dtype");
        const dtype = d?.k === "dtype" ? d.v : like?.k === "t" ? like.dtype : "fp32";
        if (!shape) return { k: "unknown", why: "a block of unknown shape" };
        const e = valueArg?.k === "t" && !isFloat(dtype) ? valueArg.e : isFloat(dtype) ? unknown("data") : cst(0);
        return { k: "t", dtype, shape, e };
      }
      case "load": return this.load(arg(0, "pointer"), n, { mask: arg(1, "mask"), boundary: has("boundary_check") ? this.intList(arg(99, "boundary_check")) ?? [] : undefined });
      case "store": return this.store(arg(0, "pointer"), arg(1, "value"), n, { mask: arg(2, "mask"), boundary: has("boundary_check") ? this.intList(arg(99, "boundary_check")) ?? [] : undefined });
      case "atomic_add": case "atomic_max": case "atomic_min": case "atomic_xchg": case "atomic_cas": case "atomic_and": case "atomic_or": case "atomic_xor":
        return this.atomic(arg(0, "pointer"), arg(name === "atomic_cas" ? 2 : 1, "val"), n, name === "atomic_cas" ? undefined : arg(2, "mask"));
      case "make_block_ptr": {
        const base = arg(0, "base");
        const dims = this.exprList(arg(1, "shape")), strides = this.exprList(arg(2, "strides")), offsets = this.exprList(arg(3, "offsets"));
        const block = this.intList(arg(4, "block_shape"));
        if (!base || base.k !== "ptr" || !dims || !strides || !offsets || !block) return { k: "unknown", why: "a block pointer KernelLens cannot follow" };
        return { k: "bptr", binding: base.binding, elt: base.elt, base: base.shape.length === 0 ? base.off : unknown("a block of base pointers"), dims, strides, offsets, block };
      }
      case "advance": {
        const p = arg(0, "base");
        const by = this.exprList(arg(1, "offsets"));
        if (!p || p.k !== "bptr" || !by) return p ?? { k: "unknown", why: "tl.advance of an unknown block pointer" };
        return { ...p, offsets: p.offsets.map((o, i) => bin("+", o, by[i] ?? cst(0))) };
      }
      case "make_tensor_descriptor": case "_experimental_make_tensor_descriptor": {
        const base = arg(0, "base");
        const dims = this.exprList(arg(1, "shape")), strides = this.exprList(arg(2, "strides"));
        const block = this.intList(arg(3, "block_shape"));
        if (!base || base.k !== "ptr" || !dims || !strides || !block) return { k: "unknown", why: "a tensor descriptor KernelLens cannot follow" };
        return { k: "desc", binding: base.binding, elt: base.elt, dims, strides, block };
      }
      case "dot": return this.dot(arg(0, "input"), arg(1, "other"), arg(2, "acc"), n, kw);
      case "dot_scaled": return this.dot(arg(0, "lhs"), arg(2, "rhs"), arg(99, "acc"), n, kw);
      case "sum": case "max": case "min": case "argmax": case "argmin": case "xor_sum": case "reduce": {
        const x = arg(0, "input");
        if (!x || x.k !== "t") return { k: "unknown", why: `tl.${name} of an unknown block` };
        if ((name === "max" || name === "min") && path === name && pos.length >= 2 && !self) {
          // Python's builtin max(a, b) of scalars.
          const b = this.ev(pos[1]);
          if (b.k === "t") return { k: "t", dtype: promote(x.dtype, b.dtype), shape: x.shape, e: call(name as "max" | "min", [x.e, b.e]) };
        }
        const keep = has("keep_dims") ? this.truth(this.ev(kw.get("keep_dims")!)) : cst(0);
        return this.reduce(name, x, arg(1, "axis"), n, keep);
      }
      case "cumsum": case "cumprod": case "associative_scan": {
        const x = arg(0, "input");
        if (!x || x.k !== "t") return { k: "unknown", why: `tl.${name} of an unknown block` };
        this.ops(opClassOf(x.dtype), numel(x.shape));
        const axisLen = x.shape[this.intList(arg(1, "axis"))?.[0] ?? 0] ?? 1;
        this.ops("subgroup", numel(x.shape) / Math.max(1, axisLen), Math.log2(Math.min(WARP, Math.max(2, axisLen))));
        return { ...x, e: isFloat(x.dtype) ? x.e : unknown("a scan") };
      }
      case "where": {
        const c = arg(0, "condition"), a = arg(1, "x"), b = arg(2, "y");
        if (!c || !a || !b || c.k !== "t") return a ?? { k: "unknown", why: "tl.where" };
        if (a.k === "ptr" && b.k === "ptr") return a;
        if (a.k !== "t" || b.k !== "t") return a.k === "t" ? a : b;
        const s1 = broadcastShapes(c.shape, a.shape);
        const s2 = typeof s1 === "string" ? s1 : broadcastShapes(s1, b.shape);
        if (typeof s2 === "string") return { k: "unknown", why: s2 };
        this.ops("int", numel(s2));
        const dtype = promote(a.dtype, b.dtype);
        const e = isFloat(dtype) ? unknown("data") : call("select", [broadcastExpr(b.e, b.shape, s2), broadcastExpr(a.e, a.shape, s2), broadcastExpr(c.e, c.shape, s2)]);
        return { k: "t", dtype, shape: s2, e, ...(a.origin ? { origin: a.origin } : b.origin ? { origin: b.origin } : {}) };
      }
      case "maximum": case "minimum": {
        const a = arg(0, "x"), b = arg(1, "y");
        if (!a || !b || a.k !== "t" || b.k !== "t") return a ?? { k: "unknown", why: name };
        const s = broadcastShapes(a.shape, b.shape);
        if (typeof s === "string") return { k: "unknown", why: s };
        const dtype = promote(a.dtype, b.dtype);
        this.ops(opClassOf(dtype), numel(s));
        return { k: "t", dtype, shape: s, e: isFloat(dtype) ? unknown("data") : call(name === "maximum" ? "max" : "min", [broadcastExpr(a.e, a.shape, s), broadcastExpr(b.e, b.shape, s)]) };
      }
      case "fma": {
        const xs = [arg(0, "x"), arg(1, "y"), arg(2, "z")];
        const t = xs.find((x) => x?.k === "t" && x.shape.length > 0) ?? xs[0];
        if (!t || t.k !== "t") return { k: "unknown", why: "tl.fma" };
        this.ops(opClassOf(t.dtype), numel(t.shape), 2);
        return { ...t, e: unknown("data") };
      }
      case "cdiv": {
        const a = scalarArg(0, "x"), b = scalarArg(1, "div");
        return { k: "t", dtype: "int32", shape: [], e: bin("/", bin("+", a, bin("-", b, cst(1))), b) };
      }
      case "multiple_of": case "max_contiguous": case "max_constancy": case "assume": case "static_assert": case "device_assert": case "static_print": case "device_print": case "debug_barrier":
        if (name === "debug_barrier") this.emit({ k: "barrier", count: 1 });
        return arg(0, "input") ?? { k: "none" };
      case "expand_dims": {
        const x = arg(0, "input");
        const axis = this.intList(arg(1, "axis"))?.[0] ?? 0;
        if (!x || x.k !== "t") return x ?? { k: "unknown", why: "expand_dims" };
        const at = axis < 0 ? x.shape.length + 1 + axis : axis;
        const shape = [...x.shape.slice(0, at), 1, ...x.shape.slice(at)];
        const map = x.shape.map((_, i) => (i < at ? i : i + 1));
        return { ...x, shape, e: renameAxes(x.e, map) };
      }
      case "broadcast_to": {
        const x = arg(0, "input");
        const shape = this.intList(arg(1, "shape")) ?? (pos.length > 1 ? this.intList({ k: "tuple", items: pos.slice(self ? 0 : 1).map((p) => this.ev(p)) }) : undefined);
        if (!x || x.k !== "t" || !shape) return x ?? { k: "unknown", why: "broadcast_to" };
        return { ...x, shape, e: broadcastExpr(x.e, x.shape, shape) };
      }
      case "reshape": case "view": {
        const x = arg(0, "input");
        if (!x || x.k !== "t") return x ?? { k: "unknown", why: name };
        return this.reshape(x, pos.length > 2 ? { k: "tuple", items: pos.slice(1).map((p) => this.ev(p)) } : arg(1, "shape") ?? { k: "none" });
      }
      case "trans": case "permute": {
        const x = arg(0, "input");
        if (!x || x.k !== "t") return x ?? { k: "unknown", why: name };
        const dims = this.intList(pos.length > 2 ? { k: "tuple", items: pos.slice(1).map((p) => this.ev(p)) } : arg(1, "dims"));
        return this.permute(x, dims ?? [...x.shape.keys()].reverse());
      }
      case "join": {
        const a = arg(0, "a");
        if (!a || a.k !== "t") return a ?? { k: "unknown", why: "join" };
        return { ...a, shape: [...a.shape, 2], e: unknown("joined data") };
      }
      case "split": {
        const a = arg(0, "a");
        if (!a || a.k !== "t") return { k: "unknown", why: "split" };
        const half: TV = { ...a, shape: a.shape.slice(0, -1), e: unknown("split data") };
        return { k: "tuple", items: [half, half] };
      }
      case "interleave": case "cat": {
        const a = arg(0, "a");
        if (!a || a.k !== "t") return { k: "unknown", why: name };
        return { ...a, shape: [...a.shape.slice(0, -1), (a.shape[a.shape.length - 1] ?? 1) * 2], e: unknown("data") };
      }
      case "next_power_of_2": {
        const v = scalarArg(0, "n");
        return { k: "t", dtype: "int32", shape: [], e: isConst(v) ? cst(2 ** Math.ceil(Math.log2(Math.max(1, v.v)))) : unknown("next_power_of_2") };
      }
      case "abs": {
        const v = arg(0, "x");
        if (v?.k === "t") {
          if (isFloat(v.dtype) || v.shape.length > 0) this.ops(opClassOf(v.dtype), numel(v.shape), isFloat(v.dtype) ? 0 : 1);
          return { ...v, e: isFloat(v.dtype) ? v.e : call("abs", [v.e]) };
        }
        return v ?? { k: "unknown", why: "abs" };
      }
      case "int": case "float": case "bool": {
        const v = arg(0, "x");
        if (v?.k === "str") return { k: "t", dtype: name === "int" ? "int32" : "fp32", shape: [], e: Number.isFinite(Number(v.v)) ? cst(Number(v.v)) : unknown(`${name}('${v.v}')`) };
        return v?.k === "t" ? { ...v, dtype: name === "int" ? "int32" : name === "float" ? "fp32" : "int1" } : v ?? { k: "unknown", why: name };
      }
      case "len": {
        const v = arg(0, "x");
        return v?.k === "tuple" ? { k: "t", dtype: "int32", shape: [], e: cst(v.items.length) } : { k: "unknown", why: "len" };
      }
      case "constexpr": return arg(0, "value") ?? { k: "none" };
      case "range": case "static_range": return { k: "unknown", why: "a range outside a for loop" };
      case "cast": {
        // tl.cast(x, tl.int64), tl.cast(stride, dtype=tl.int64) (Liger dyt.py): a conversion, not an element function.
        const x = arg(0, "input");
        return x?.k === "t" ? this.cast(x, arg(1, "dtype")) : x ?? { k: "unknown", why: "tl.cast" };
      }
      case "broadcast": {
        const a = arg(0, "input"), b = arg(1, "other");
        if (!a || !b || a.k !== "t" || b.k !== "t") return { k: "tuple", items: [a ?? { k: "unknown", why: "broadcast" }, b ?? { k: "unknown", why: "broadcast" }] };
        const shape = broadcastShapes(a.shape, b.shape);
        if (typeof shape === "string") return { k: "unknown", why: shape };
        return { k: "tuple", items: [{ ...a, shape, e: broadcastExpr(a.e, a.shape, shape) }, { ...b, shape, e: broadcastExpr(b.e, b.shape, shape) }] };
      }
      case "rand": case "randn": case "randint": case "randint4x": case "philox": case "rand4x": case "randn4x": {
        // Triton's counter-based RNG: Philox-4x32 with 10 rounds, about 16 integer operations per 32-bit value; a
        // uniform float adds a multiply, a normal one the Box-Muller log, sqrt and cos/sin (estimates of library code).
        const offsets = arg(1, "offset");
        const shape = offsets?.k === "t" ? offsets.shape : [];
        const elements = numel(shape);
        this.ops("int", elements, 16);
        if (name.startsWith("rand") && !name.startsWith("randint")) this.ops("f32", elements, name.startsWith("randn") ? 4 : 1);
        if (name.startsWith("randn")) this.ops("special", elements, 3);
        const one: TV = { k: "t", dtype: name.startsWith("randint") || name === "philox" ? "uint32" : "fp32", shape, e: unknown("random numbers") };
        return /4x$|^philox$/.test(name) ? { k: "tuple", items: [one, one, one, one] } : one;
      }
      case "sort": case "flip": case "histogram": case "gather": {
        const x = arg(0, "x");
        if (!x || x.k !== "t") return x ?? { k: "unknown", why: name };
        const len = Math.max(1, x.shape[x.shape.length - 1] ?? 1);
        // A bitonic sort: log2(n) (log2(n) + 1) / 2 compare-exchange stages over every element.
        if (name === "sort") this.ops(isFloat(x.dtype) ? opClassOf(x.dtype) : "int", numel(x.shape), (Math.log2(len) * (Math.log2(len) + 1)) / 2);
        if (name === "histogram") this.ops("int", numel(x.shape));
        const bins = name === "histogram" ? this.intList(arg(1, "num_bins"))?.[0] : undefined;
        return { ...x, ...(bins ? { shape: [bins], dtype: "int32" } : {}), e: unknown(`tl.${name} of data`) };
      }
      default: {
        // `tl.float32(x)`: a dtype called as a constructor is a cast.
        const asType = /language/.test(path) ? dtypeName(name) : undefined;
        const first = pos[0] ? this.ev(pos[0]) : undefined;
        if (asType && first?.k === "t") return this.cast(first, { k: "dtype", v: asType });
        const x = first ? [first, ...pos.slice(1).map((p) => this.ev(p))] : [];
        return this.elementwise(name, x, n) ?? { k: "unknown", why: `'${path}' is not modelled` };
      }
    }
  }

  /** Elementwise math (`tl.exp`, `libdevice.tanh`, `tl.sigmoid`): special ops or FLOPs per element. */
  private elementwise(name: string, args: readonly TV[], n: CNode): TV | undefined {
    const blocks = args.filter((a): a is Extract<TV, { k: "t" }> => a.k === "t");
    if (blocks.length === 0) return undefined;
    let shape: Shape = blocks[0].shape;
    for (const b of blocks.slice(1)) {
      const s = broadcastShapes(shape, b.shape);
      if (typeof s !== "string") shape = s;
    }
    const dtype = blocks.map((b) => b.dtype).reduce(promote);
    const out = isFloat(dtype) ? dtype : "fp32";
    // libdevice spellings: `fast_expf`, `div_rn`; a name that is known as it is keeps its last letter (erf, not er).
    const bare = name.replace(/_rn$|^fast_/, "");
    const base = SPECIAL.has(bare) || FLOP_FNS[bare] !== undefined || FREE_FNS.has(bare) || bare === "sigmoid" || bare === "softmax" ? bare : bare.replace(/f$/, "");
    const elements = numel(shape);
    if (SPECIAL.has(base)) this.ops("special", elements);
    else if (base === "sigmoid") this.ops("special", elements);
    else if (base === "softmax") {
      this.ops("special", elements);
      this.ops(opClassOf(out), elements, 3);
    } else if (FLOP_FNS[base] !== undefined) this.ops(opClassOf(out), elements, FLOP_FNS[base]);
    else if (FREE_FNS.has(base)) { /* free */ } else {
      this.note("function", `'${name}' is not known to KernelLens: counted as one special op per element`, this.sp(n));
      this.ops("special", elements);
    }
    return { k: "t", dtype: out, shape, e: unknown("data") };
  }

  // ---- Memory ----------------------------------------------------------------------------------------------------

  private maskExpr(mask: TV | undefined, shape: Shape): VExpr | undefined {
    if (!mask || mask.k === "none") return undefined;
    if (mask.k !== "t") return unknown("a mask KernelLens cannot follow");
    const s = broadcastShapes(mask.shape, shape);
    if (typeof s === "string") return unknown(s);
    return broadcastExpr(mask.e, mask.shape, shape);
  }

  /** Why a value is not a pointer, for notes. */
  private whyNot(v: TV): string {
    return v.k === "unknown" ? v.why : v.k === "t" ? `a ${v.dtype} value, not a pointer` : `a ${v.k}, not a pointer`;
  }

  private load(p: TV | undefined, n: CNode, opts: { mask?: TV; boundary?: number[] }): TV {
    if (!p) return { k: "unknown", why: "tl.load of nothing" };
    if (p.k === "bptr") return this.blockPtrAccess(p, "load", n, opts.boundary ?? []);
    if (p.k !== "ptr") {
      this.note("load", `a load through a pointer KernelLens cannot follow is not counted (${this.whyNot(p)})`, this.sp(n));
      return { k: "unknown", why: "tl.load through a pointer KernelLens cannot follow" };
    }
    const mask = this.maskExpr(opts.mask, p.shape);
    const index = this.access(p.binding, p.elt, p.shape, p.off, mask, "load", n);
    return { k: "t", dtype: p.elt, shape: p.shape, e: unknown(`data loaded from '${p.binding}'`), ...(mask && index >= 0 ? { origin: { access: index } } : {}), ...(this.assumedPointers.has(p.binding) ? { assumedFrom: p.binding } : {}) };
  }

  private store(p: TV | undefined, value: TV | undefined, n: CNode, opts: { mask?: TV; boundary?: number[] }): TV {
    if (!p) return { k: "none" };
    if (p.k === "bptr") {
      this.blockPtrAccess(p, "store", n, opts.boundary ?? []);
      return { k: "none" };
    }
    if (p.k !== "ptr") {
      this.note("store", `a store through a pointer KernelLens cannot follow is not counted (${this.whyNot(p)})`, this.sp(n));
      return { k: "none" };
    }
    // A scalar value stored to a block of pointers stores the whole block.
    let shape = p.shape;
    let off = p.off;
    if (value?.k === "t" && value.shape.length > shape.length) {
      const s = broadcastShapes(shape, value.shape);
      if (typeof s !== "string") {
        off = broadcastExpr(off, shape, s);
        shape = s;
      }
    }
    this.access(p.binding, p.elt, shape, off, this.maskExpr(opts.mask, shape), "store", n);
    return { k: "none" };
  }

  private atomic(p: TV | undefined, value: TV | undefined, n: CNode, mask: TV | undefined): TV {
    if (!p || p.k !== "ptr") return { k: "unknown", why: "an atomic through a pointer KernelLens cannot follow" };
    let shape = p.shape, off = p.off;
    if (value?.k === "t" && value.shape.length > shape.length) {
      const s = broadcastShapes(shape, value.shape);
      if (typeof s !== "string") { off = broadcastExpr(off, shape, s); shape = s; }
    }
    this.access(p.binding, p.elt, shape, off, this.maskExpr(mask, shape), "atomic", n);
    this.ops(opClassOf(p.elt), 0);
    return { k: "t", dtype: p.elt, shape, e: unknown("the old value") };
  }

  private blockPtrAccess(p: Extract<TV, { k: "bptr" }>, kind: "load" | "store", n: CNode, boundary: readonly number[]): TV {
    let off: VExpr = p.base;
    let mask: VExpr | undefined;
    p.block.forEach((_, i) => {
      const idx = bin("+", p.offsets[i] ?? cst(0), vr(axisVar(i)));
      off = bin("+", off, bin("*", idx, p.strides[i] ?? cst(0)));
      if (boundary.includes(i)) {
        const inside = bin("&&", bin(">=", idx, cst(0)), bin("<", idx, p.dims[i] ?? unknown("dimension")));
        mask = mask ? bin("&&", mask, inside) : inside;
      }
    });
    const index = this.access(p.binding, p.elt, p.block, off, mask, kind, n);
    return kind === "load" ? { k: "t", dtype: p.elt, shape: p.block, e: unknown(`data loaded from '${p.binding}'`), ...(mask && index >= 0 ? { origin: { access: index } } : {}) } : { k: "none" };
  }

  private descAccess(d: Extract<TV, { k: "desc" }>, offsets: TV | undefined, kind: "load" | "store" | "atomic", n: CNode, value: TV | undefined): TV {
    const offs = this.exprList(offsets) ?? d.block.map(() => unknown("descriptor offsets"));
    let off: VExpr = cst(0);
    let mask: VExpr | undefined;
    d.block.forEach((_, i) => {
      const idx = bin("+", offs[i] ?? cst(0), vr(axisVar(i)));
      off = bin("+", off, bin("*", idx, d.strides[i] ?? cst(0)));
      // A TMA copy reads and writes only inside the tensor (it fills the rest with zeros).
      const dim = d.dims[i];
      if (dim && dim.k === "unknown") return;
      const inside = bin("<", idx, dim ?? unknown("dimension"));
      mask = mask ? bin("&&", mask, inside) : inside;
    });
    void value;
    this.access(d.binding, d.elt, d.block, off, mask, kind, n);
    return kind === "load" ? { k: "t", dtype: d.elt, shape: d.block, e: unknown(`data loaded from '${d.binding}'`) } : { k: "none" };
  }

  /** A known value of a name for choosing the layout (strides passed as arguments); ids and counters at 0. */
  private layoutValue = (name: string): number | undefined => {
    if (/^(wid|lid|nwg)\.|^loop\d|^carry\./.test(name)) return 0;
    const m = /^override\.(.+)$/.exec(name);
    if (m) return this.input.knownInts.get(m[1]);
    return undefined;
  };

  /**
   * One block load, store or atomic, spread over the program's threads: the layout puts the contiguous axis
   * fastest with up to 16 bytes per thread, and each thread takes vector slots `lid + slot x threads`. Returns the
   * index of its fact.
   */
  private access(binding: string, elt: string, shape: Shape, off: VExpr, mask: VExpr | undefined, kind: "load" | "store" | "atomic", n: CNode): number {
    if (!this.emitting) return -1;
    const eltBytes = bytesOf(elt);
    const rank = shape.length;
    const E = numel(shape);
    const strides = rank > 0 ? axisStrides(off, rank, this.layoutValue) : [];
    // Triton's coalescing pass orders the layout by the pointer's contiguity: the axis of stride 1 goes fastest.
    let fast = -1;
    for (let i = rank - 1; i >= 0; i--) if (shape[i] > 1 && strides[i] === 1) { fast = i; break; }
    const contiguous = fast >= 0 || rank === 0 || shape.every((d) => d === 1);
    if (fast < 0) for (let i = rank - 1; i >= 0; i--) if (shape[i] > 1) { fast = i; break; }
    if (fast < 0) fast = Math.max(0, rank - 1);
    let vec = 1;
    if (contiguous && rank > 0) {
      vec = Math.max(1, Math.min(16 / eltBytes, shape[fast], Math.floor(E / this.threads) || 1));
      vec = 2 ** Math.floor(Math.log2(vec));
    }
    // A mask that can change inside a vector (a run-time bound not known to be a multiple of it) keeps the access
    // scalar, as Triton's alignment analysis does.
    if (vec > 1 && mask && !this.maskUniformOverVectors(mask, shape, fast, vec)) vec = 1;
    const units = Math.max(1, Math.ceil(E / vec));
    const slots = Math.ceil(units / this.threads);
    const slotVar = slots > 1 ? `slot${++this.loopIds}` : undefined;
    const unit = slotVar ? bin("+", bin("*", vr(slotVar), cst(this.threads)), vr("lid.x")) : vr("lid.x");
    const first = bin("*", unit, cst(vec));
    // The position of the thread's first element along each axis: the fastest axis first, then the rest from the last.
    const order = [fast, ...[...Array(rank).keys()].reverse().filter((i) => i !== fast)];
    const pos: VExpr[] = new Array(rank).fill(cst(0));
    let rest: VExpr = first;
    order.forEach((axis, j) => {
      const size = shape[axis];
      pos[axis] = j === order.length - 1 ? rest : bin("%", rest, cst(size));
      rest = bin("/", rest, cst(size));
    });
    const at = (e: VExpr): VExpr => substitute(e, (name) => {
      const m = /^blk(\d)$/.exec(name);
      return m ? pos[Number(m[1])] ?? cst(0) : undefined;
    });
    const address = bin("*", at(off), cst(eltBytes));
    let cond: VExpr | undefined = mask ? at(mask) : undefined;
    if (units < slots * this.threads) {
      const inRange = bin("<", unit, cst(units));
      cond = cond ? bin("&&", inRange, cond) : inRange;
    }
    const space = "global" as const;
    const node: IrNode = { k: "access", binding, space, kind, elementType: elt, bytes: vec * eltBytes, address, span: this.sp(n) };
    const guarded: IrNode = cond ? { k: "if", cond, then: [node], else: [] } : node;
    if (slotVar) {
      this.slotLoops.add(slotVar);
      this.out.push({ k: "loop", v: slotVar, span: this.sp(n), headerEnd: n.start, counter: { kind: "add", start: cst(0), step: cst(1), op: "<", bound: cst(slots), int: true }, earlyExit: false, header: [], body: [guarded], latch: [], unrolled: true });
    } else this.out.push(guarded);
    if (kind === "load") this.loadedWords.push({ key: `${shape.join("x")}:${elt}`, words: Math.ceil((E * eltBytes) / 4 / this.threads), inLoop: this.loopDepth > 0 });
    else this.live(elt, shape);
    this.accesses.push({ span: this.sp(n), binding, kind, shape, vec, strides, fastAxis: fast, contiguous, ...(mask ? { mask } : {}), inLoop: this.loopDepth > 0 });
    return this.accesses.length - 1;
  }

  /** Whether a mask has one value over each aligned group of `vec` elements along the fastest axis (known values only). */
  private maskUniformOverVectors(mask: VExpr, shape: Shape, fast: number, vec: number): boolean {
    const rank = shape.length;
    const groups = Math.min(4096, Math.ceil(numel(shape) / vec));
    const stride = Math.max(1, Math.floor(numel(shape) / vec / groups));
    for (let g = 0; g < groups; g++) {
      const flat = g * stride * vec;
      const pos = new Array<number>(rank).fill(0);
      let rest = flat;
      for (let i = rank - 1; i >= 0; i--) {
        pos[i] = rest % shape[i];
        rest = Math.floor(rest / shape[i]);
      }
      const at = (k: number): number | undefined => evaluateWith(mask, (name) => {
        const m = /^blk(\d)$/.exec(name);
        if (m) return Number(m[1]) === fast ? pos[fast] - (pos[fast] % vec) + k : pos[Number(m[1])];
        return this.layoutValue(name);
      });
      const first = at(0);
      if (first === undefined) return false;
      for (let k = 1; k < vec; k++) if (at(k) !== first) return false;
    }
    return true;
  }

  /** Shared-memory traffic of a staged tile: written once, read `reads` times, conflict-free (Triton swizzles). */
  private sharedTraffic(bytes: number, reads: number, n: CNode): void {
    if (!this.emitting || bytes <= 0) return;
    const per = 16;
    const emit = (kind: "load" | "store", total: number): void => {
      const units = Math.ceil(total / per);
      const slots = Math.ceil(units / this.threads);
      const slotVar = `slot${++this.loopIds}`;
      const unit = bin("+", bin("*", vr(slotVar), cst(this.threads)), vr("lid.x"));
      const node: IrNode = { k: "access", binding: SHARED_BINDING, space: "workgroup", kind, elementType: "u8", bytes: per, address: bin("%", bin("*", unit, cst(per)), cst(Math.max(per, bytes))), span: { start: n.start, end: n.end - (kind === "load" ? 1 : 0) } };
      this.slotLoops.add(slotVar);
      this.out.push({ k: "loop", v: slotVar, span: this.sp(n), headerEnd: n.start, counter: { kind: "add", start: cst(0), step: cst(1), op: "<", bound: cst(slots), int: true }, earlyExit: false, header: [], body: [units < slots * this.threads ? { k: "if", cond: bin("<", unit, cst(units)), then: [node], else: [] } : node], latch: [], unrolled: true });
    };
    emit("store", bytes);
    emit("load", bytes * reads);
    this.smemAddr += bytes;
  }

  // ---- Dot and reductions ----------------------------------------------------------------------------------------

  private dot(a: TV | undefined, b: TV | undefined, acc: TV | undefined, n: CNode, kw: Map<string, CNode>): TV {
    if (!a || !b || a.k !== "t" || b.k !== "t" || a.shape.length < 2 || b.shape.length < 2) return { k: "unknown", why: "tl.dot of blocks KernelLens cannot follow" };
    const m = a.shape[a.shape.length - 2], k = a.shape[a.shape.length - 1], nn = b.shape[b.shape.length - 1];
    const batch = numel(a.shape.slice(0, -2));
    const outDtypeNode = kw.get("out_dtype");
    const outDtype = outDtypeNode ? this.ev(outDtypeNode) : undefined;
    const input = promote(a.dtype, b.dtype);
    const accDtype = outDtype?.k === "dtype" ? outDtype.v : acc?.k === "t" ? acc.dtype : isFloat(input) ? "fp32" : "int32";
    const precision = kw.get("input_precision") ?? kw.get("allow_tf32");
    const ieee = precision ? /ieee|False/.test(this.src(precision)) : false;
    const flops = 2 * m * nn * k * batch;
    if (input === "fp32" && ieee) this.ops("f32", flops, 1);
    else this.ops("tensor", flops, 1);
    if (this.emitting) {
      this.dots.push({ span: this.sp(n), m, n: nn, k, input, acc: accDtype, inLoop: this.loopDepth > 0 });
      // Operand tiles go through shared memory: written once, read as often as Triton's warp layout for this target
      // reads them (mma.sync: by the warps along the other dimension; wgmma: once per warpgroup). A dot whose result
      // feeds a later dot (attention's q @ k before p @ v) has every warp along M.
      const fnNode = this.input.fn.node;
      const chained = n.end <= fnNode.end && n.start >= fnNode.start && this.input.text.slice(n.end, fnNode.end).includes("tl.dot(");
      const layout = dotLayout(this.input.computeCapability, input, m, nn, this.input.numWarps, chained);
      const eb = bytesOf(input);
      this.sharedTraffic(m * k * eb * batch, layout.readsA, n);
      this.sharedTraffic(k * nn * eb * batch, layout.readsB, { ...n, end: n.end - 2 });
      const stages = this.loopDepth > 0 ? Math.max(1, this.input.numStages) : 1;
      const bytes = (m + nn) * k * eb * stages * batch;
      if (bytes > this.dotStageBytes) {
        this.dotStageBytes = bytes;
        this.dotStageText = [`(${m} + ${nn}) x ${k} x ${stages} stage${stages === 1 ? "" : "s"} x ${eb} B (tl.dot operands)`];
      }
      // The accumulator is registers, except with Blackwell's tcgen05 (tensor memory).
      if (layout.accumulatorInRegisters) this.accWords = Math.max(this.accWords, Math.ceil((m * nn * batch * Math.max(4, bytesOf(accDtype))) / 4 / this.threads));
      // mma.sync's operand fragments: one k-step of 16 of each tile, double-buffered (the tiles wait in shared memory);
      // wgmma and tcgen05 read their operands from shared memory directly.
      if (layout.version === 2) this.operandWords = Math.max(this.operandWords, Math.ceil(((m * 16 + 16 * nn) * batch * eb * 2) / 4 / this.threads));
      this.dotOperandShapes.push(`${a.shape.join("x")}:${a.dtype}`, `${b.shape.join("x")}:${b.dtype}`);
    }
    const shape = [...a.shape.slice(0, -2), m, nn];
    if (acc?.k === "t" && isFloat(accDtype)) this.ops(opClassOf(accDtype), 0);
    return { k: "t", dtype: accDtype, shape, e: unknown("a dot product") };
  }

  private reduce(name: string, x: Extract<TV, { k: "t" }>, axisArg: TV | undefined, n: CNode, keep: VExpr): TV {
    const axis = axisArg && axisArg.k !== "none" ? this.intList(axisArg)?.[0] : undefined;
    const rank = x.shape.length;
    const a = axis === undefined ? null : axis < 0 ? rank + axis : axis;
    const inElements = numel(x.shape);
    const outShape = a === null ? [] : x.shape.filter((_, i) => i !== a);
    const outElements = numel(outShape);
    const extent = a === null ? inElements : x.shape[a] ?? 1;
    const cls = name === "argmax" || name === "argmin" ? opClassOf(x.dtype) : opClassOf(x.dtype);
    this.ops(cls, inElements - outElements);
    if (name === "argmax" || name === "argmin") this.ops("int", inElements - outElements);
    // Across threads: shuffles within a warp, then shared memory between warps.
    const perThread = Math.max(1, Math.floor(inElements / this.threads));
    const threadsPerRow = Math.max(1, Math.min(this.threads, Math.ceil(extent / Math.min(extent, perThread))));
    const steps = Math.log2(Math.min(WARP, threadsPerRow));
    if (steps > 0) this.ops("subgroup", this.threads * Math.max(1, Math.ceil(outElements / (this.threads / threadsPerRow))), steps);
    if (threadsPerRow > WARP && this.emitting) {
      const warpsPerRow = Math.ceil(threadsPerRow / WARP);
      const bytes = Math.max(1, outElements) * warpsPerRow * 4;
      this.scratchBytes = Math.max(this.scratchBytes, bytes);
      this.emit({ k: "barrier", count: 1 });
    }
    if (this.emitting) this.reductions.push({ span: this.sp(n), op: name, extent, axis: a, ...(x.origin ? { origin: x.origin.access } : {}) });
    const keepDims = isConst(keep) && keep.v !== 0;
    const shape = keepDims ? x.shape.map((d, i) => (a === null || i === a ? 1 : d)) : outShape;
    return { k: "t", dtype: name.startsWith("arg") ? "int32" : x.dtype, shape, e: unknown(`a tl.${name}`) };
  }

  // ---- Resources -------------------------------------------------------------------------------------------------

  private sharedBytes(): { bytes: number; detail: string } {
    const parts = [...this.dotStageText];
    if (this.scratchBytes > 0) parts.push(`${this.scratchBytes} B reduction scratch`);
    const bytes = this.dotStageBytes + this.scratchBytes;
    return { bytes, detail: parts.length > 0 ? parts.join(" + ") : "no tl.dot operands or cross-warp reductions" };
  }

  private registerEstimate(): { value: number; detail: string } {
    const base = 24;
    for (const l of this.loadedWords) if (!(l.inLoop && this.dotOperandShapes.includes(l.key))) this.liveWords = Math.max(this.liveWords, l.words);
    // The accumulator and the operand fragments live through the main loop; the largest other block (a loaded tile,
    // the converted result at the store) lives beside a copy of itself, and not at the same time as the loop's.
    const total = base + Math.max(this.accWords + this.operandWords, 2 * this.liveWords);
    const value = Math.min(255, Math.max(16, Math.ceil(total / 8) * 8));
    const parts = [`${base} for indices and pointers`];
    if (this.accWords) parts.push(`${this.accWords} accumulator`);
    if (this.operandWords) parts.push(`${this.operandWords} dot operands`);
    if (this.liveWords) parts.push(`2 x ${this.liveWords} for the largest live block`);
    return { value, detail: `${parts.join(" + ")} words per thread` };
  }

  private tensorRate(): number {
    const inputs = new Set(this.dots.map((d) => d.input));
    if (inputs.size !== 1) return 1;
    const d = [...inputs][0];
    if (isFp8(d) || d === "int8" || d === "uint8") return 2;
    if (d === "fp32") return 0.5;
    return 1;
  }
}

/**
 * The block shape a config's `pre_hook` gives a host-made descriptor: `nargs["desc_x"].block_shape = [1, BM, BK]` in
 * the hook the kernel's autotune names (else anywhere in the file), each item a number, a constexpr, `nargs["NAME"]`
 * or a local read from one (`BM = nargs["BLOCK_M"]`).
 */
export function hostDescriptorBlock(text: string, name: string, kernelSpan: Span, valueOf: (constexpr: string) => number | undefined): number[] | undefined {
  const decorators = text.slice(kernelSpan.start, kernelSpan.end).split(/\bdef\b/)[0];
  const hookName = /\bpre_hook\s*=\s*(\w+)/.exec(decorators)?.[1];
  let scope = text;
  if (hookName) {
    const at = new RegExp(`^def\\s+${hookName}\\s*\\(`, "m").exec(text);
    if (at) {
      const rest = text.slice(at.index + 1);
      const end = /^\S/m.exec(rest.slice(rest.indexOf("\n") + 1));
      scope = text.slice(at.index, end ? at.index + 1 + rest.indexOf("\n") + 1 + end.index : text.length);
    }
  }
  // The pre_hook's `nargs["desc_x"].block_shape = [...]`, else the host's `desc_x = TensorDescriptor.from_tensor(x,
  // block_shape=[1, BLOCK_M, BLOCK_K])` (Liger mlp.py's backward), its names read as the kernel's constexprs.
  const m = new RegExp(`\\[\\s*["']${name}["']\\s*\\]\\s*\\.\\s*block_shape\\s*=\\s*[\\[(](.*)[\\])][ \\t]*(?:#.*)?$`, "m").exec(scope) ??
    new RegExp(`^[ \\t]*${name}\\s*=\\s*TensorDescriptor[\\w.]*\\s*\\([^\\n]*?block_shape\\s*=\\s*[\\[(]([^\\])\\n]*)[\\])]`, "m").exec(text);
  if (!m) return undefined;
  const out: number[] = [];
  for (const raw of m[1].split(",").map((x) => x.trim()).filter((x) => x.length > 0)) {
    let key = raw;
    const fromArgs = /^\w+\s*\[\s*["'](\w+)["']\s*\]$/.exec(raw);
    if (fromArgs) key = fromArgs[1];
    else if (/^[A-Za-z_]\w*$/.test(raw)) key = new RegExp(`^[ \\t]*${raw}\\s*=\\s*\\w+\\s*\\[\\s*["'](\\w+)["']\\s*\\]`, "m").exec(scope)?.[1] ?? raw;
    const v = /^\d+$/.test(key) ? Number(key) : valueOf(key);
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) return undefined;
    out.push(v);
  }
  return out.length > 0 ? out : undefined;
}

/** Local names a file binds to triton modules or functions, by text (computed once per text). */
let aliasCache: { text: string; aliases: Map<string, string> } | undefined;

/**
 * `from triton.language.extra.libdevice import rsqrt as r` (r -> triton.language.extra.libdevice.rsqrt),
 * `import triton.language.extra.libdevice as ld`, and module-level `triton_tanh = libdevice.tanh` / `tl.math.tanh`.
 * Fallback imports in try/except bind the same name to the same function under another module: the first wins.
 */
export function tritonAliases(text: string): Map<string, string> {
  if (aliasCache?.text === text) return aliasCache.aliases;
  const aliases = new Map<string, string>();
  const set = (local: string, path: string): void => {
    if (!aliases.has(local)) aliases.set(local, path.replace(/^tl\./, "triton.language."));
  };
  for (const m of text.matchAll(/^[ \t]*from[ \t]+(triton[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)/gm)) {
    for (const item of m[2].replace(/[()\\]/g, " ").split(",")) {
      const parts = item.trim().split(/\s+as\s+/);
      if (parts[0] && /^\w+$/.test(parts[0])) set((parts[1] ?? parts[0]).trim(), `${m[1]}.${parts[0]}`);
    }
  }
  for (const m of text.matchAll(/^[ \t]*import[ \t]+(triton[\w.]*)[ \t]+as[ \t]+(\w+)/gm)) set(m[2], m[1]);
  for (const m of text.matchAll(/^[ \t]*(\w+)[ \t]*=[ \t]*(\w+(?:\.\w+)+)[ \t]*(?:#.*)?$/gm)) {
    const head = m[2].split(".")[0];
    const last = m[2].split(".").pop()!;
    // `triton_tanh = libdevice.tanh`; from a project's shim module only what is named like a math function
    // (`erf = tl_extra_shim.erf`).
    if (!/^(tl|triton|libdevice)$/.test(head) && !(SPECIAL.has(last) || FLOP_FNS[last] !== undefined)) continue;
    const root = head === "libdevice" ? aliases.get("libdevice") ?? "triton.language.extra.libdevice" : head;
    set(m[1], `${root}${m[2].slice(head.length)}`);
  }
  aliasCache = { text, aliases };
  return aliases;
}

/** Assumed block sizes for constexprs without a value: one block axis (a row), or each axis of a tile. */
const ASSUMED_ROW_BLOCK = 1024;
const ASSUMED_TILE_BLOCK = 64;

/**
 * The constexprs among `names` that shape blocks in a kernel's text (an `arange` bound, a `zeros`/`full`/`reshape`
 * shape, a `block_shape`, directly or through a local `X: tl.constexpr = A * B`) or that a lowering found shaping
 * one (`known`: a positional make_block_ptr block shape), each with the block size assumed for it:
 * ASSUMED_ROW_BLOCK when only one does, else ASSUMED_TILE_BLOCK.
 */
export function assumedBlockSizes(body: string, names: readonly string[], known: ReadonlySet<string> = new Set()): Map<string, number> {
  if (names.length === 0) return new Map();
  const shapes = new Set<string>();
  const usedAsShape = (name: string): boolean =>
    new RegExp(`\\barange\\s*\\([^)]*\\b${name}\\b`).test(body) ||
    new RegExp(`\\b(?:zeros|full)\\s*\\(\\s*[\\[(][^\\])]*\\b${name}\\b`).test(body) ||
    new RegExp(`\\b(?:reshape|broadcast_to|view)\\s*\\([^,)]*,[^)]*\\b${name}\\b`).test(body) ||
    new RegExp(`block_shape\\s*=\\s*[\\[(][^\\])]*\\b${name}\\b`).test(body);
  // Locals computed from names and numbers only (`BLOCK: tl.constexpr = ROWS * K_POW2`).
  const locals = [...body.matchAll(/^[ \t]*(\w+)[ \t]*(?::[ \t]*tl\.constexpr)?[ \t]*=[ \t]*([\w \t*+\-/()]+?)[ \t]*(?:#.*)?$/gm)].map((m) => ({ name: m[1], rhs: m[2] }));
  const wanted = new Set<string>();
  for (const n of [...names, ...locals.map((l) => l.name)]) if (usedAsShape(n)) wanted.add(n);
  // A local that shapes blocks passes the need on to the names it is computed from.
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const l of locals) {
      if (!wanted.has(l.name)) continue;
      for (const w of l.rhs.match(/\b[A-Za-z_]\w*\b/g) ?? []) if (!wanted.has(w)) { wanted.add(w); changed = true; }
    }
  }
  for (const n of names) if (wanted.has(n) || known.has(n)) shapes.add(n);
  const size = shapes.size === 1 ? ASSUMED_ROW_BLOCK : ASSUMED_TILE_BLOCK;
  return new Map([...shapes].map((n) => [n, size]));
}

/** Functions of triton.language a project's wrapper module may re-export under the same names. */
const TRITON_NAMES = new Set(["program_id", "num_programs", "arange", "zeros", "full", "zeros_like", "full_like", "load", "store", "atomic_add", "atomic_max", "atomic_min", "atomic_xchg", "atomic_cas", "atomic_and", "atomic_or", "atomic_xor", "make_block_ptr", "advance", "make_tensor_descriptor", "dot", "sum", "max", "min", "argmax", "argmin", "xor_sum", "reduce", "cumsum", "cumprod", "associative_scan", "where", "maximum", "minimum", "fma", "cdiv", "multiple_of", "max_contiguous", "max_constancy", "expand_dims", "broadcast_to", "reshape", "view", "trans", "permute", "join", "split", "sort", "sigmoid", "softmax", "exp", "exp2", "log", "log2", "sqrt", "rsqrt", "sin", "cos", "erf", "tanh", "pow", "abs", "floor", "ceil", "clamp"]);

/** Special-function unit operations (transcendentals), one per element. */
const SPECIAL = new Set(["exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "tanh", "erf", "erfc", "asin", "acos", "atan", "atan2", "sinh", "cosh", "pow", "div", "fdiv", "cbrt", "rcp", "exp10", "asinh", "acosh", "atanh", "lgamma", "tgamma", "gelu"]);
/** FLOPs per element of simple float functions. */
const FLOP_FNS: Record<string, number> = { maximum: 1, minimum: 1, clamp: 2, floor: 1, ceil: 1, round: 1, rint: 1, llrint: 1, lrint: 1, nearbyint: 1, trunc: 1, fmod: 2, copysign: 0, abs: 0, neg: 1, relu: 1, square: 1, erfinv: 4, fabs: 0, fmin: 1, fmax: 1, uint_to_uniform_float: 1 };
/** Free (or integer-only) element functions: classification, bit tricks, casts. libdevice's fp64 spellings end in d. */
const FREE_FNS = new Set(["isnan", "isinf", "isfinite", "isnand", "isinfd", "isfinited", "finitef", "signbit", "signbitd", "umulhi", "to", "cast", "abs", "copysign", "inline_asm_elementwise", "float_as_int", "int_as_float"]);

void ints;
void isData;
void MAX_RANK;
