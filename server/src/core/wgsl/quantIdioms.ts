// The WGSL front-end's half of quantization: which storage bindings hold packed low-bit values (their format and
// scales), and the source patterns the quantization findings judge (../quant/findings.ts), as neutral facts
// (../quant/facts.ts) that travel on the kernel IR.
//
// Pure and syntactic: the entry point and the functions it calls are walked for unpacking idioms (extractBits, shifts
// and masks, unpack4x8*, dot4*Packed, unpack2x16float) applied to values loaded from u32/i32 storage bindings, for
// scale loads indexed by a weight index divided by a constant (the group size), for ggml block structs, and for
// byte (or half-word) offsets into a u32 binding that step by a ggml block size (`(row * nb + b) * 18`: q4_0). A
// mask or bit field counts only when its value is used as a number (converted to a float, unpacked, dotted): a radix
// sort's digit `(key >> shift) & 0x3` indexes a histogram and is not a quantized weight. A
// `// @quant NAME: FORMAT` directive states the format and wins over inference. No evidence, no entry.
//
// The patterns (quantFacts), each located in the analysed text with the loops around it in its function:
// - a product in a loop that multiplies a dequantized weight by a scale constant over the loop (a separate scale
//   binding indexed independently of the loop's counter, or a block's inline fp16 scale loaded before the loop),
//   whose result is summed into an accumulator that outlives the loop; also when the product sits in a helper
//   function called from the loop (the findings require the loop to be innermost in the IR);
// - i32 accumulators of dot4I8Packed (or of int8 x int8 products);
// - f16 (or vecN<f16>) accumulators.
import { ggmlBlockOfBytes, quantStorage, type GgmlBlock, type QuantStorage } from "../quant/formats";
import type { Directive } from "../directives/directives";
import type { QuantBinding, QuantEvidence } from "../quant/binding";
import type { HalfAccumulation, IntAccumulation, QuantFacts, ScaleInInnerLoop } from "../quant/facts";
import type { CallExpr, Expr, FunctionDecl, Ident, Span, Stmt } from "./ast";
import type { Resolution, WgslSymbol } from "./resolve";
import { derefType, type WgslType } from "./types";
import { walk, type AstNode } from "./walk";

export type { QuantBinding, QuantEvidence };

/** What recognition reads of an analysis: the resolved module and the directives (`// @quant`, `// @quantize`). */
export interface QuantSource {
  readonly resolution: Resolution;
  readonly directives: readonly Directive[];
}


// Masks of one field, and byte-wise masks of four (`packed & 0x0F0F0F0Fu` keeps the low nibble of each byte).
const MASK_BITS: ReadonlyMap<number, number> = new Map([
  [0x3, 2],
  [0xf, 4],
  [0xff, 8],
  [0x03030303, 2],
  [0x0f0f0f0f, 4],
]);

/** Builtins whose argument is a packed number by definition: whatever reaches them is used as a value. */
const PACKED_VALUE_BUILTINS = new Set(["dot4I8Packed", "dot4U8Packed", "unpack4xI8", "unpack4xU8", "unpack4x8snorm", "unpack4x8unorm"]);

/** A verdict on one step of a value's way forward: it reached what is looked for, a dead end, or goes on. */
type Verdict = "yes" | "no" | "continue";

const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">=", "&&", "||"]);

const isFloatType = (t: WgslType): boolean => {
  const s = t.kind === "scalar" ? t : t.kind === "vector" ? t.component : null;
  return !!s && (s.name === "f32" || s.name === "f16" || s.name === "abstract-float");
};

/** A helper over one analysis: symbol lookup and data-flow origins (which storage bindings a value was loaded from). */
export class QuantContext {
  readonly resolution: Resolution;
  readonly functions: FunctionDecl[];
  private readonly originMemo = new Map<Expr, Set<WgslSymbol>>();
  private readonly returnMemo = new Map<FunctionDecl, Set<WgslSymbol>>();

  constructor(readonly source: QuantSource, kernelName: string) {
    this.resolution = source.resolution;
    const entry = this.resolution.entryPoints.find((e) => e.name === kernelName);
    this.functions = entry ? [entry.fn, ...entry.functionsCalled.map((s) => s.decl).filter((d): d is FunctionDecl => d.kind === "function")] : [];
  }

  symbolOf(ident: Ident): WgslSymbol | null {
    return this.resolution.referenceForIdent(ident)?.symbol ?? null;
  }

  /** A module-scope storage binding. */
  isStorageBinding(sym: WgslSymbol | null): boolean {
    return !!sym && sym.kind === "var" && sym.scope === "module" && sym.varAttributes?.addressSpace === "storage";
  }

  /** The element type of a binding (array element, or the type itself). */
  elementType(sym: WgslSymbol): WgslType {
    const t = derefType(this.resolution.types.typeOfSymbol(sym));
    return t.kind === "array" ? t.element : t;
  }

  /** Whether the binding's elements are (vectors of) u32 or i32: where packed values live. */
  isPackedIntBinding(sym: WgslSymbol): boolean {
    const t = this.elementType(sym);
    const s = t.kind === "scalar" ? t : t.kind === "vector" ? t.component : null;
    return !!s && (s.name === "u32" || s.name === "i32");
  }

  /** f16 or f32 elements: where scales live. */
  floatBits(sym: WgslSymbol): number | null {
    const t = this.elementType(sym);
    if (t.kind !== "scalar") return null;
    return t.name === "f32" ? 32 : t.name === "f16" ? 16 : null;
  }

  /** The storage bindings whose loaded values flow into `expr` (through lets, parameters and function returns). */
  origins(expr: Expr, depth = 0): Set<WgslSymbol> {
    const memo = this.originMemo.get(expr);
    if (memo) return memo;
    const out = new Set<WgslSymbol>();
    this.originMemo.set(expr, out);
    if (depth > 24) return out;
    const add = (s: Set<WgslSymbol>): void => {
      for (const x of s) out.add(x);
    };
    switch (expr.kind) {
      case "ident": {
        const sym = this.symbolOf(expr.name);
        if (!sym) break;
        if (this.isStorageBinding(sym)) out.add(sym);
        else if ((sym.kind === "let" || sym.kind === "local-var" || sym.kind === "const") && "init" in sym.decl && sym.decl.init) add(this.origins(sym.decl.init, depth + 1));
        else if (sym.kind === "param" && sym.parent) {
          const fnSym = sym.parent;
          const fn = fnSym.decl;
          if (fn.kind !== "function") break;
          const index = fn.params.findIndex((p) => p === sym.decl);
          for (const use of this.resolution.usesOf(fnSym)) {
            if (use.role === "call" && use.node.kind === "call" && use.node.args[index]) add(this.origins(use.node.args[index], depth + 1));
          }
        }
        break;
      }
      // The value of `a[i]` comes from `a`, not from `i`.
      case "index":
        add(this.origins(expr.base, depth + 1));
        break;
      case "member":
        add(this.origins(expr.base, depth + 1));
        break;
      case "paren":
        add(this.origins(expr.expr, depth + 1));
        break;
      case "unary":
        add(this.origins(expr.operand, depth + 1));
        break;
      case "binary":
        add(this.origins(expr.left, depth + 1));
        add(this.origins(expr.right, depth + 1));
        break;
      case "call": {
        const sym = this.symbolOf(expr.callee);
        if (sym && sym.kind === "function" && sym.decl.kind === "function") add(this.returnOrigins(sym.decl, depth + 1));
        else for (const a of expr.args) add(this.origins(a, depth + 1));
        break;
      }
      default:
        break;
    }
    return out;
  }

  private returnOrigins(fn: FunctionDecl, depth: number): Set<WgslSymbol> {
    const memo = this.returnMemo.get(fn);
    if (memo) return memo;
    const out = new Set<WgslSymbol>();
    this.returnMemo.set(fn, out);
    walk(fn.body, (n) => {
      if (n.kind === "return" && n.value) for (const s of this.origins(n.value, depth)) out.add(s);
    });
    return out;
  }

  /** A constant integer: a literal, or a module `const` whose initializer is one (through parentheses). */
  constValue(expr: Expr, depth = 0): number | null {
    if (depth > 8) return null;
    if (expr.kind === "literal") return typeof expr.value === "number" ? expr.value : null;
    if (expr.kind === "paren") return this.constValue(expr.expr, depth + 1);
    if (expr.kind === "ident") {
      const sym = this.symbolOf(expr.name);
      if (sym && sym.kind === "const" && "init" in sym.decl && sym.decl.init) return this.constValue(sym.decl.init, depth + 1);
    }
    return null;
  }

  /** Every node of the entry point and the functions it calls. */
  forEachNode(fn: (node: AstNode) => void): void {
    for (const f of this.functions) walk(f.body, (n) => void fn(n));
  }

  /** strides() by expression. */
  readonly strideMemo = new Map<Expr, Set<number>>();
  private parents: Map<AstNode, AstNode> | null = null;
  private owners: Map<AstNode, FunctionDecl> | null = null;

  /** The parent of a node of the kernel's functions (the function itself for a body), built once. */
  parentOf(node: AstNode): AstNode | undefined {
    if (!this.parents) {
      const parents = new Map<AstNode, AstNode>();
      for (const f of this.functions) walk(f, (n, parent) => void (parent && parents.set(n, parent)));
      this.parents = parents;
    }
    return this.parents.get(node);
  }

  /** The kernel function a node belongs to. */
  functionOf(node: AstNode): FunctionDecl | undefined {
    if (!this.owners) {
      const owners = new Map<AstNode, FunctionDecl>();
      for (const f of this.functions) walk(f, (n) => void owners.set(n, f));
      this.owners = owners;
    }
    return this.owners.get(node);
  }

  /** The calls of a user function from the kernel's functions. */
  callSites(fn: FunctionDecl): CallExpr[] {
    const sym = this.resolution.symbolForDecl(fn);
    if (!sym) return [];
    return this.resolution.usesOf(sym).flatMap((u) => (u.role === "call" && u.node.kind === "call" && this.functionOf(u.node) ? [u.node] : []));
  }

  /** The argument a call passes for a parameter symbol; null when the call is not to the parameter's function. */
  argumentFor(param: WgslSymbol, call: CallExpr): Expr | null {
    const fn = param.parent?.decl;
    if (!fn || fn.kind !== "function" || this.symbolOf(call.callee) !== param.parent) return null;
    return call.args[fn.params.findIndex((p) => p === param.decl)] ?? null;
  }

  /** The value uses (identifier nodes) of a symbol inside the kernel's functions. */
  valueUses(sym: WgslSymbol): AstNode[] {
    return this.resolution.usesOf(sym).flatMap((u) => (u.node.kind === "ident" && this.functionOf(u.node) ? [u.node] : []));
  }

  /**
   * Follows the value of `start` forward (through operators, lets, local variables, helper parameters and returns)
   * and asks `judge` at each step; true when some way reaches a "yes". Returns go to every call site, except for the
   * functions in `onlySite`, whose value returns to that one call. Bounded: at most 400 steps.
   */
  flows(start: AstNode, judge: (node: AstNode, parent: AstNode) => Verdict | undefined, onlySite?: ReadonlyMap<FunctionDecl, CallExpr>): boolean {
    const seen = new Set<AstNode>();
    const queue: AstNode[] = [start];
    let steps = 0;
    while (queue.length > 0 && steps++ < 400) {
      const n = queue.shift() as AstNode;
      if (seen.has(n)) continue;
      seen.add(n);
      const p = this.parentOf(n);
      if (!p) continue;
      const verdict = judge(n, p);
      if (verdict === "yes") return true;
      if (verdict === "no") continue;
      if (verdict === "continue") {
        queue.push(p);
        continue;
      }
      switch (p.kind) {
        case "paren":
        case "unary":
        case "member":
          queue.push(p);
          break;
        case "index":
          // The element of a value flows on; a value used as an index does not.
          if (p.base === n) queue.push(p);
          break;
        case "binary":
          if (!COMPARISONS.has(p.op)) queue.push(p);
          break;
        case "call": {
          const sym = this.symbolOf(p.callee);
          if (sym && sym.kind === "function" && sym.decl.kind === "function") {
            const param = sym.decl.params[p.args.indexOf(n as Expr)];
            const psym = param ? this.resolution.symbolForDecl(param) : undefined;
            if (psym) queue.push(...this.valueUses(psym));
          } else queue.push(p);
          break;
        }
        case "let":
        case "const":
        case "var": {
          const sym = p.init === n ? this.resolution.symbolForDecl(p) : undefined;
          if (sym) queue.push(...this.valueUses(sym));
          break;
        }
        case "assign": {
          // `v = value` for a local variable: its later reads carry the value.
          if (p.rhs !== n || p.lhs.kind !== "ident") break;
          const sym = this.symbolOf(p.lhs.name);
          if (sym && sym.kind === "local-var") queue.push(...this.valueUses(sym).filter((u) => u !== p.lhs));
          break;
        }
        case "return": {
          const fn = this.functionOf(p);
          if (!fn) break;
          const only = onlySite?.get(fn);
          queue.push(...(only ? [only] : this.callSites(fn)));
          break;
        }
        default:
          break;
      }
    }
    return false;
  }

  /**
   * Whether a bit field (a mask, extractBits) is used as a number: converted to a float, or handed to a packed-integer
   * builtin (dot4I8Packed, unpack4xU8). A radix sort's digit, used as an index or compared, is not.
   */
  usedAsNumber(field: AstNode): boolean {
    return this.flows(field, (n, p) => {
      if (p.kind !== "call" || this.symbolOf(p.callee)) return undefined;
      if (PACKED_VALUE_BUILTINS.has(p.callee.name)) return "yes";
      if (p.callee.name === "select" && p.args[2] === n) return "no";
      return isFloatType(this.resolution.types.typeOfExpr(p)) ? "yes" : undefined;
    });
  }
}

const calleeName = (c: CallExpr): string => c.callee.name;

/** Follows `let` names back to their initializer, so `let g = k / 128u; s[g]` is seen as `s[k / 128u]`. */
function findDivisor(ctx: QuantContext, expr: Expr, depth = 0, seen = new Set<WgslSymbol>()): { value: number; span: Span } | null {
  if (depth > 8) return null;
  let found: { value: number; span: Span } | null = null;
  walk(expr, (n) => {
    if (found) return false;
    if (n.kind === "binary" && (n.op === "/" || n.op === ">>")) {
      const c = ctx.constValue(n.right);
      if (c !== null && c > 1) {
        const value = n.op === "/" ? c : 2 ** c;
        if (value >= 4) found = { value, span: n.span };
      }
    } else if (n.kind === "ident") {
      const sym = ctx.symbolOf(n.name);
      // Each `let` is looked into once (a chain of lets naming each other twice stays linear).
      if (sym && sym.kind === "let" && "init" in sym.decl && sym.decl.init && !seen.has(sym)) {
        seen.add(sym);
        const inner = findDivisor(ctx, sym.decl.init, depth + 1, seen);
        if (inner) found = inner;
      }
    }
    return undefined;
  });
  return found;
}

/** Bytes of one element of a packed binding (u32: 4, vec4<u32>: 16). */
function elementBytes(ctx: QuantContext, sym: WgslSymbol): number {
  const t = ctx.elementType(sym);
  return t.kind === "vector" ? 4 * t.n : 4;
}

/**
 * What a packed binding's index counts, and the offset it is computed from: `w[o / 4u]` and `w[(o & ~3u) / 4u]` index
 * by a byte offset o (unit 1), `w[h >> 1u]` by half-words (unit 2), anything else by elements (unit: their bytes).
 * Constant terms (`+ 1u`) and `let` names are looked through.
 */
function offsetOfIndex(ctx: QuantContext, index: Expr, bytes: number): { offset: Expr; unit: number } {
  let e = index;
  for (let i = 0; i < 8; i++) {
    if (e.kind === "paren") e = e.expr;
    else if (e.kind === "binary" && (e.op === "+" || e.op === "-") && ctx.constValue(e.right) !== null) e = e.left;
    else if (e.kind === "ident") {
      const sym = ctx.symbolOf(e.name);
      if (!sym || sym.kind !== "let" || !("init" in sym.decl) || !sym.decl.init) break;
      e = sym.decl.init;
    } else break;
  }
  if (e.kind === "binary" && (e.op === "/" || e.op === ">>")) {
    const c = ctx.constValue(e.right);
    const div = c === null ? null : e.op === "/" ? c : 2 ** c;
    if (div !== null && div > 1 && bytes % div === 0) {
      let offset = e.left;
      while (offset.kind === "paren") offset = offset.expr;
      // `(o & ~3u) / 4u`: the aligned word holding byte o.
      if (offset.kind === "binary" && offset.op === "&" && offset.right.kind === "unary" && offset.right.op === "~") offset = offset.left;
      return { offset, unit: bytes / div };
    }
  }
  return { offset: index, unit: bytes };
}

/**
 * The constant coefficients of the terms of an offset: `(row * nb + b) * 18u + 2u + 4u * j` gives 18, 18, 4 (a term
 * without a constant factor counts 1; constants alone count nothing). Follows `let` names, and parameters to the
 * arguments of every call.
 */
function strides(ctx: QuantContext, e: Expr, depth = 0): Set<number> {
  // Memoised per expression (parameters take every call's arguments, so the answer has no context): helpers called
  // from many places, calling helpers, stay linear.
  const memo = ctx.strideMemo.get(e);
  if (memo) return memo;
  const result = depth > 12 ? new Set([1]) : stridesOf(ctx, e, depth);
  ctx.strideMemo.set(e, result);
  return result;
}

function stridesOf(ctx: QuantContext, e: Expr, depth: number): Set<number> {
  const out = new Set<number>();
  const scaled = (inner: Set<number>, c: number): Set<number> => new Set([...inner].map((x) => x * c));
  switch (e.kind) {
    case "literal":
      return out;
    case "paren":
      return strides(ctx, e.expr, depth + 1);
    case "call":
      return (e.callee.name === "u32" || e.callee.name === "i32") && e.args.length === 1 ? strides(ctx, e.args[0], depth + 1) : new Set([1]);
    case "binary": {
      if (e.op === "+" || e.op === "-") return new Set([...strides(ctx, e.left, depth + 1), ...strides(ctx, e.right, depth + 1)]);
      const cl = ctx.constValue(e.left);
      const cr = ctx.constValue(e.right);
      if (e.op === "*" && cr !== null) return scaled(strides(ctx, e.left, depth + 1), cr);
      if (e.op === "*" && cl !== null) return scaled(strides(ctx, e.right, depth + 1), cl);
      if (e.op === "<<" && cr !== null) return scaled(strides(ctx, e.left, depth + 1), 2 ** cr);
      return new Set([1]);
    }
    case "ident": {
      const sym = ctx.symbolOf(e.name);
      if (!sym) return new Set([1]);
      if (sym.kind === "const") return out;
      if (sym.kind === "let" && "init" in sym.decl && sym.decl.init) return strides(ctx, sym.decl.init, depth + 1);
      if (sym.kind === "param" && sym.parent?.decl.kind === "function") {
        for (const call of ctx.callSites(sym.parent.decl)) {
          const arg = ctx.argumentFor(sym, call);
          if (arg) for (const x of strides(ctx, arg, depth + 1)) out.add(x);
        }
        return out.size > 0 ? out : new Set([1]);
      }
      return new Set([1]);
    }
    default:
      return new Set([1]);
  }
}

/** What evidence says while the group size is not known; dropped once it is. */
const GROUP_UNKNOWN = "; the group size is not known";

/** A ggml block stride seen in a packed binding's offsets. */
interface BlockStride {
  bytes: number;
  unit: number;
  span: Span;
}

interface Gathered {
  bits: number | null;
  fp16: boolean;
  label: string | null;
  evidence: QuantEvidence[];
}

/** Bits per element for a stated format: the table's, plus a separate scale binding's share when the table has no group. */
function statedBits(known: QuantStorage | undefined, inferred: QuantBinding | undefined, group: number | null, scaleBits: number | null): number {
  if (!known) return inferred?.bitsPerElement ?? NaN;
  if (known.groupSize !== null || !inferred?.scaleBinding || !group || scaleBits === null) return known.bitsPerWeight;
  return known.bitsPerWeight + scaleBits / group;
}

export function recognizeQuantization(source: QuantSource, kernelName: string): QuantBinding[] {
  const ctx = new QuantContext(source, kernelName);
  if (ctx.functions.length === 0) return [];
  const found = new Map<WgslSymbol, Gathered>();
  const note = (sym: WgslSymbol, bits: number | null, reason: string, span: Span, label: string | null = null): void => {
    let g = found.get(sym);
    if (!g) found.set(sym, (g = { bits: null, fp16: false, label: null, evidence: [] }));
    if (bits === 16) g.fp16 = true;
    else if (bits !== null && (g.bits === null || bits < g.bits)) {
      g.bits = bits;
      g.label = label;
    } else if (bits !== null && bits === g.bits && label && !g.label) g.label = label;
    if (!g.evidence.some((e) => e.span.start === span.start && e.reason === reason)) g.evidence.push({ reason, span });
  };
  const packedOrigins = (e: Expr): WgslSymbol[] => [...ctx.origins(e)].filter((s) => ctx.isPackedIntBinding(s));
  const scales: { binding: WgslSymbol; group: number; reason: string; span: Span }[] = [];
  const blockStrides = new Map<WgslSymbol, BlockStride[]>();

  ctx.forEachNode((n) => {
    if (n.kind === "call") {
      const name = calleeName(n);
      if (name === "extractBits" && n.args.length === 3) {
        const width = ctx.constValue(n.args[2]);
        if ((width === 2 || width === 4 || width === 8) && packedOrigins(n.args[0]).length > 0 && ctx.usedAsNumber(n)) {
          for (const s of packedOrigins(n.args[0])) note(s, width, `extractBits(…, ${width}) on a word loaded from '${s.name}'`, n.span);
        }
      } else if (name === "unpack4x8snorm" || name === "unpack4x8unorm" || name === "unpack4xI8" || name === "unpack4xU8") {
        for (const s of packedOrigins(n.args[0] ?? n)) note(s, 8, `${name} on a word loaded from '${s.name}'`, n.span, name.includes("norm") ? name.slice(8) + "8" : name.endsWith("I8") ? "int8" : "uint8");
      } else if (name === "dot4I8Packed" || name === "dot4U8Packed") {
        for (const a of n.args) for (const s of packedOrigins(a)) note(s, 8, `${name} reads '${s.name}' as 4 packed 8-bit integers`, n.span, name === "dot4I8Packed" ? "int8" : "uint8");
      } else if (name === "unpack2x16float") {
        for (const s of packedOrigins(n.args[0] ?? n)) note(s, 16, `unpack2x16float on a word loaded from '${s.name}' (fp16 pairs)`, n.span);
      } else if (name === "bitcast" && n.args.length === 1) {
        // `bitcast<vec2<f16>>(word)`: the same fp16 pair, reinterpreted.
        const t = ctx.resolution.types.typeOfExpr(n);
        if (t.kind === "vector" && t.component.name === "f16") for (const s of packedOrigins(n.args[0])) note(s, 16, `bitcast to vec2<f16> of a word loaded from '${s.name}' (fp16 pairs)`, n.span);
      }
    } else if (n.kind === "binary" && n.op === "&") {
      for (const [valueSide, maskSide] of [[n.left, n.right], [n.right, n.left]] as const) {
        const mask = ctx.constValue(maskSide);
        const bits = mask === null ? undefined : MASK_BITS.get(mask);
        if (bits === undefined) continue;
        const from = packedOrigins(valueSide);
        // A field that is only compared or used as an index (a radix digit, a histogram bin) is no weight.
        if (from.length === 0 || !ctx.usedAsNumber(n)) continue;
        for (const s of from) note(s, bits, `mask 0x${mask!.toString(16).toUpperCase()} on a word loaded from '${s.name}' (${bits}-bit fields)`, n.span);
      }
    } else if (n.kind === "index" && n.base.kind === "ident") {
      const sym = ctx.symbolOf(n.base.name);
      if (!sym || !ctx.isStorageBinding(sym)) return;
      if (ctx.isPackedIntBinding(sym)) {
        // Offsets stepping by a ggml block size: candidates, judged with the bits found once all evidence is in.
        const { offset, unit } = offsetOfIndex(ctx, n.index, elementBytes(ctx, sym));
        const list = blockStrides.get(sym) ?? [];
        for (const c of strides(ctx, offset)) if (ggmlBlockOfBytes(c * unit)) list.push({ bytes: c * unit, unit, span: n.span });
        blockStrides.set(sym, list);
        return;
      }
      if (ctx.floatBits(sym) === null || sym.varAttributes?.accessMode === "read_write") return;
      const div = findDivisor(ctx, n.index);
      if (div) scales.push({ binding: sym, group: div.value, reason: `'${sym.name}' is indexed by an index divided by ${div.value}: one scale per group of ${div.value}`, span: n.span });
    }
  });

  const results: QuantBinding[] = [];
  const intBindings = [...found].filter(([, g]) => g.bits !== null).map(([s]) => s);
  for (const [sym, g] of found) {
    if (g.bits === null) {
      if (g.fp16) results.push({ binding: sym.name, format: "fp16", bitsPerElement: 16, groupSize: null, inferredFrom: g.evidence });
      continue;
    }
    const evidence = [...g.evidence];
    const block = g.fp16 ? ggmlBlockOf(blockStrides.get(sym) ?? [], g.bits) : null;
    if (block) {
      const { format: b, stride } = block;
      const unit = stride.unit === 1 ? "bytes" : stride.unit === 2 ? "half-words (2 bytes)" : `elements (${stride.unit} bytes)`;
      evidence.push({ reason: `'${sym.name}' is read at offsets in ${unit} that step by ${b.blockBytes} bytes, with an inline fp16 scale: ggml ${b.id} blocks (${b.blockBytes} bytes per ${b.groupSize} weights)`, span: stride.span });
      results.push({ binding: sym.name, format: b.id, bitsPerElement: b.bitsPerWeight, groupSize: b.groupSize, inferredFrom: evidence });
      continue;
    }
    const format = g.label ?? `int${g.bits}`;
    let bits = g.bits;
    let groupSize: number | null = null;
    let scaleBinding: string | undefined;
    // A separate scale binding read once per group; attached only when there is one packed binding to attach it to.
    const scale = intBindings.length === 1 ? scales.find((s) => s.binding !== sym) : undefined;
    if (scale) {
      groupSize = scale.group;
      scaleBinding = scale.binding.name;
      bits = g.bits + (ctx.floatBits(scale.binding) ?? 0) / scale.group;
      evidence.push({ reason: scale.reason, span: scale.span });
    } else if (g.fp16) {
      evidence.push({ reason: `fp16 values (a scale) are stored inline in '${sym.name}'${GROUP_UNKNOWN}`, span: (g.evidence.find((e) => e.reason.startsWith("unpack2x16float") || e.reason.startsWith("bitcast")) ?? g.evidence[0]).span });
    }
    results.push({ binding: sym.name, format, bitsPerElement: bits, groupSize, inferredFrom: evidence, ...(scaleBinding ? { scaleBinding } : {}) });
  }

  // ggml block structs: an fp16 scale and arrays of codes whose bytes add up to a ggml block (q4_0's
  // `{ d: f16, qs: array<f16, 8> }` or `{ d: f16, qs: array<u32, 4> }`: 18 bytes); a u32-packed scale next to an
  // array<u32, 4> (or 8) of codes is read as q4_0 (q8_0).
  const entry = source.resolution.entryPoints.find((e) => e.name === kernelName);
  for (const sym of entry?.resourcesUsed ?? []) {
    if (!ctx.isStorageBinding(sym) || results.some((r) => r.binding === sym.name)) continue;
    const t = ctx.elementType(sym);
    if (t.kind !== "struct") continue;
    const isHalf = (m: WgslType): boolean => (m.kind === "scalar" && m.name === "f16") || (m.kind === "vector" && m.component.name === "f16");
    const codes = t.members.filter((m) => m.type.kind === "array" && m.type.element.kind === "scalar" && ["u32", "i32", "f16"].includes(m.type.element.name));
    const half = t.members.find((m) => isHalf(m.type));
    const bytes = t.members.reduce((sum, m) => sum + m.size, 0);
    let block = half && codes.length > 0 && t.layoutComplete ? ggmlBlockOfBytes(bytes) : undefined;
    let why = block ? `${t.members.map((m) => `'${m.name}'`).join(", ")}: ${bytes} bytes` : "";
    if (!block) {
      const scale = t.members.find((m) => m.type.kind === "scalar" && m.type.name === "u32");
      const quants = t.members.find((m) => m.type.kind === "array" && m.type.element.kind === "scalar" && m.type.element.name === "u32" && (m.type.count === 4 || m.type.count === 8));
      if (!scale || !quants || quants.type.kind !== "array") continue;
      block = ggmlBlockOfBytes(quants.type.count === 8 ? 34 : 18);
      why = `scale '${scale.name}' and ${quants.type.count === 8 ? "32 bytes of int8" : "16 bytes of nibbles"} in '${quants.name}'`;
    }
    if (!block) continue;
    results.push({
      binding: sym.name,
      format: block.id,
      bitsPerElement: block.bitsPerWeight,
      groupSize: block.groupSize,
      inferredFrom: [{ reason: `ggml block struct '${t.name}' (${why}): ${block.id}, ${block.blockBytes} bytes per ${block.groupSize} weights`, span: sym.declSpan }],
    });
  }

  // `// @quant NAME: FORMAT` states the format and wins; `// @quantize NAME: FORMAT` (the run quantizes the input with
  // that encoder) states it just as surely.
  const scaleBitsOf = (name: string | undefined): number | null => {
    const sym = name === undefined ? undefined : entry?.resourcesUsed.find((s) => s.name === name);
    return sym ? ctx.floatBits(sym) : null;
  };
  for (const d of source.directives) {
    if (d.kind !== "quant" && d.kind !== "quantize") continue;
    const sym = entry?.resourcesUsed.find((s) => s.name === d.name.name);
    if (!sym) continue;
    const known = quantStorage(d.format.name);
    const previous = results.findIndex((r) => r.binding === d.name.name);
    const inferred = previous >= 0 ? results[previous] : undefined;
    const group = d.options.get("group") ?? known?.groupSize ?? inferred?.groupSize ?? null;
    const stated: QuantBinding = {
      binding: d.name.name,
      format: d.format.name,
      bitsPerElement: statedBits(known, inferred, group, scaleBitsOf(inferred?.scaleBinding)),
      groupSize: group,
      // Quoted as the user wrote it: `// @quantize w: q4_0` is not `// @quant`.
      inferredFrom: [{ reason: `stated by // @${d.kind} ${d.name.name}: ${d.format.name}${[...d.options].map(([k, v]) => ` ${k}=${v}`).join("")}`, span: d.span }, ...(inferred?.inferredFrom ?? [])],
      ...(inferred?.scaleBinding ? { scaleBinding: inferred.scaleBinding } : {}),
    };
    if (Number.isNaN(stated.bitsPerElement)) continue; // an unknown format with no evidence: no guess
    if (previous >= 0) results[previous] = stated;
    else results.push(stated);
  }
  // Evidence written before the group size was known must not contradict it (a hover would say both).
  return results
    .map((r) => (r.groupSize === null ? r : { ...r, inferredFrom: r.inferredFrom.map((e) => (e.reason.includes(GROUP_UNKNOWN) ? { ...e, reason: e.reason.replace(GROUP_UNKNOWN, "") } : e)) }))
    .sort((a, b) => a.binding.localeCompare(b.binding));
}

/**
 * The ggml block a packed binding's offsets step by, consistent with the narrowest field its code extracts (q4_0's
 * 4-bit codes, q5_0's 4-bit low parts, q3_K's 2-bit ones): the largest such stride.
 */
function ggmlBlockOf(strides: readonly BlockStride[], bits: number): { format: GgmlBlock; stride: BlockStride } | null {
  let best: { format: GgmlBlock; stride: BlockStride } | null = null;
  for (const stride of strides) {
    const format = ggmlBlockOfBytes(stride.bytes);
    if (!format || bits > format.codeBits || format.codeBits - bits > 2) continue;
    if (!best || stride.bytes > best.stride.bytes) best = { format, stride };
  }
  return best;
}

// ---- Patterns for the findings -------------------------------------------------------------------------------------

type LoopNode = Extract<Stmt, { kind: "for" | "while" | "loop" }>;
const isLoop = (n: AstNode): n is LoopNode => n.kind === "for" || n.kind === "while" || n.kind === "loop";
const contains = (outer: Span, inner: Span): boolean => outer.start <= inner.start && inner.end <= outer.end;

/** The loops around each node of a function, outermost first. */
function enclosingLoops(fn: FunctionDecl): Map<AstNode, LoopNode[]> {
  const enclosing = new Map<AstNode, LoopNode[]>();
  const stack: LoopNode[] = [];
  walk(
    fn.body,
    (n) => {
      enclosing.set(n, [...stack]);
      if (isLoop(n)) stack.push(n);
    },
    (n) => {
      if (isLoop(n)) stack.pop();
    },
  );
  return enclosing;
}

/** The counter of a `for` loop: the variable its initializer declares. */
function counterOf(ctx: QuantContext, loop: LoopNode): WgslSymbol | null {
  if (loop.kind !== "for" || !loop.init || loop.init.kind !== "declStmt") return null;
  return ctx.resolution.symbolForDecl(loop.init.decl) ?? null;
}

/** The factors of a product chain `a * b * (c * d)`. */
function factors(e: Expr): Expr[] {
  if (e.kind === "binary" && e.op === "*") return [...factors(e.left), ...factors(e.right)];
  if (e.kind === "paren") return factors(e.expr);
  return [e];
}

/**
 * Where a loop-level pattern is judged: the innermost loop around it (a `for` with its counter), and, for a pattern in
 * a helper function with no loop of its own, the call from the loop that binds the helper's parameters.
 */
interface LoopContext {
  readonly loop: LoopNode;
  readonly counter: WgslSymbol;
  /** The helper and its call inside the loop, when the pattern is in a helper. */
  readonly helper?: { readonly fn: FunctionDecl; readonly call: CallExpr };
}

/**
 * Whether `expr` can change from one iteration of the context's loop to the next: it names the counter, or a value
 * computed inside the loop from it (a `let` or `var` declared in the loop, or in the helper called from it, is followed
 * to its initializer; a variable declared before the loop and assigned in it changes). Helper parameters are
 * followed to the call's arguments. Unsure past the depth bound: it changes (no finding).
 */
function varies(ctx: QuantContext, expr: Expr, lc: LoopContext, depth = 0, memo = new Map<WgslSymbol, boolean>()): boolean {
  if (depth > 12) return true;
  const inside = (span: Span): boolean => contains(lc.loop.span, span) || (!!lc.helper && contains(lc.helper.fn.span, span));
  let hit = false;
  walk(expr, (n) => {
    if (hit) return false;
    if (n.kind !== "ident") return undefined;
    const sym = ctx.symbolOf(n.name);
    if (!sym) return undefined;
    // Each name is judged once per question (a chain of lets naming each other twice stays linear).
    const known = memo.get(sym);
    if (known !== undefined) {
      hit = known;
      return undefined;
    }
    memo.set(sym, true);
    if (sym === lc.counter) hit = true;
    else if (sym.kind === "param" && lc.helper && sym.parent?.decl === lc.helper.fn) {
      const arg = ctx.argumentFor(sym, lc.helper.call);
      hit = !arg || varies(ctx, arg, { loop: lc.loop, counter: lc.counter }, depth + 1);
    } else if (sym.kind === "let" || sym.kind === "local-var") {
      const init = "init" in sym.decl ? sym.decl.init : undefined;
      if (inside(sym.declSpan)) hit = !init || varies(ctx, init, lc, depth + 1, memo);
      else if (sym.kind === "local-var") hit = ctx.valueUses(sym).some((u) => assignedAt(ctx, u) && contains(lc.loop.span, u.span));
    }
    memo.set(sym, hit);
    return undefined;
  });
  return hit;
}

/** Whether an identifier node is the target of an assignment or increment. */
function assignedAt(ctx: QuantContext, use: AstNode): boolean {
  const p = ctx.parentOf(use);
  return !!p && ((p.kind === "assign" && p.lhs === use) || (p.kind === "increment" && p.target === use));
}

/**
 * The binding a scale factor is loaded from, looking through parentheses, f32/f16 conversions, swizzles, `let`
 * names, helper parameters (to the context's call) and helper returns: a separate float binding (`scales[i]`, not
 * read_write), or a quantized binding's inline fp16 scale (`unpack2x16float(word).x`, `bitcast<vec2<f16>>(word)`, a
 * block struct's `.d`). Null for anything else.
 */
function scaleSource(ctx: QuantContext, e: Expr, quant: ReadonlySet<string>, lc: LoopContext, depth = 0): string | null {
  if (depth > 10) return null;
  const quantOrigin = (x: Expr): string | null => [...ctx.origins(x)].find((s) => quant.has(s.name))?.name ?? null;
  switch (e.kind) {
    case "paren":
      return scaleSource(ctx, e.expr, quant, lc, depth + 1);
    case "call": {
      const name = e.callee.name;
      const sym = ctx.symbolOf(e.callee);
      if (sym && sym.kind === "function" && sym.decl.kind === "function") {
        let found: string | null = null;
        walk(sym.decl.body, (m) => {
          if (!found && m.kind === "return" && m.value) found = scaleSource(ctx, m.value, quant, { loop: lc.loop, counter: lc.counter }, depth + 1);
        });
        return found;
      }
      if ((name === "f32" || name === "f16") && e.args.length === 1) return scaleSource(ctx, e.args[0], quant, lc, depth + 1);
      if ((name === "unpack2x16float" || name === "bitcast") && e.args.length === 1) {
        const t = ctx.resolution.types.typeOfExpr(e);
        return isFloatType(t) ? quantOrigin(e.args[0]) : null;
      }
      return null;
    }
    case "member":
    case "index": {
      const baseType = derefType(ctx.resolution.types.typeOfExpr(e.base));
      // A component of a vector (`unpack2x16float(w).x`, `v[0]`).
      if (baseType.kind === "vector") return scaleSource(ctx, e.base, quant, lc, depth + 1);
      if (!isFloatType(derefType(ctx.resolution.types.typeOfExpr(e)))) return null;
      // A block struct's float member (`blocks[i].d`).
      if (e.kind === "member" && baseType.kind === "struct") return quantOrigin(e.base);
      if (e.kind === "index" && e.base.kind === "ident") {
        const sym = ctx.symbolOf(e.base.name);
        if (sym && ctx.isStorageBinding(sym) && !quant.has(sym.name) && ctx.floatBits(sym) !== null && sym.varAttributes?.accessMode !== "read_write") return sym.name;
      }
      return null;
    }
    case "ident": {
      const sym = ctx.symbolOf(e.name);
      if (!sym) return null;
      if (sym.kind === "let" && "init" in sym.decl && sym.decl.init) return scaleSource(ctx, sym.decl.init, quant, lc, depth + 1);
      if (sym.kind === "param" && lc.helper && sym.parent?.decl === lc.helper.fn) {
        const arg = ctx.argumentFor(sym, lc.helper.call);
        return arg ? scaleSource(ctx, arg, quant, { loop: lc.loop, counter: lc.counter }, depth + 1) : null;
      }
      return null;
    }
    default:
      return null;
  }
}

/** The variable an assignment writes, through indices and members (`acc[r] += …` writes `acc`). */
function assignedRoot(ctx: QuantContext, lhs: Expr): WgslSymbol | null {
  let e = lhs;
  while (e.kind === "index" || e.kind === "member" || e.kind === "paren") e = e.kind === "paren" ? e.expr : e.base;
  return e.kind === "ident" ? ctx.symbolOf(e.name) : null;
}

/**
 * Whether the value of `product` is summed into an accumulator that outlives the context's loop (declared in the
 * loop's function, before the loop): `acc += …`, `acc = acc + …`, `acc[r] += …`. A dequantized value stored to memory
 * (dequantizing into workgroup memory, get_rows) needs its scale per element and is no partial sum.
 */
function accumulatedAcross(ctx: QuantContext, product: Expr, lc: LoopContext): boolean {
  const loopFn = ctx.functionOf(lc.loop);
  const outlives = (sym: WgslSymbol | null): boolean => !!sym && sym.kind === "local-var" && !!loopFn && contains(loopFn.span, sym.declSpan) && !contains(lc.loop.span, sym.declSpan);
  return ctx.flows(
    product,
    (n, p) => {
      if (p.kind !== "assign") return undefined;
      if (p.rhs !== n) return "no";
      const acc = assignedRoot(ctx, p.lhs);
      if (p.op === "+=" || p.op === "-=") return outlives(acc) ? "yes" : "no";
      if (p.op !== "=") return "no";
      let readsAcc = false;
      walk(p.rhs, (m) => void (m.kind === "ident" && acc && ctx.symbolOf(m.name) === acc && (readsAcc = true)));
      if (readsAcc) return outlives(acc) ? "yes" : "no";
      return undefined;
    },
    lc.helper ? new Map([[lc.helper.fn, lc.helper.call]]) : undefined,
  );
}

/** Whether a user function's returned value comes from dot4I8Packed / dot4U8Packed. */
function returnsDot4(ctx: QuantContext, e: Expr, depth = 0): boolean {
  if (depth > 6) return false;
  let hit = false;
  walk(e, (n) => {
    if (hit || n.kind !== "call") return hit ? false : undefined;
    if (n.callee.name === "dot4I8Packed" || n.callee.name === "dot4U8Packed") hit = true;
    else {
      const sym = ctx.symbolOf(n.callee);
      if (sym && sym.kind === "function" && sym.decl.kind === "function") {
        walk(sym.decl.body, (m) => {
          if (!hit && m.kind === "return" && m.value && returnsDot4(ctx, m.value, depth + 1)) hit = true;
        });
      }
    }
    return undefined;
  });
  return hit;
}

/** Whether a type is f16 or a vector of f16. */
function isF16(t: WgslType): boolean {
  return (t.kind === "scalar" && t.name === "f16") || (t.kind === "vector" && t.component.name === "f16");
}

/**
 * The accumulator of `acc += term` or `acc = acc + term` (an identifier), with the term; null for any other statement.
 */
function accumulation(ctx: QuantContext, n: AstNode): { acc: WgslSymbol; term: Expr } | null {
  if (n.kind !== "assign" || (n.op !== "+=" && n.op !== "=") || n.lhs.kind !== "ident") return null;
  const acc = ctx.symbolOf(n.lhs.name);
  if (!acc) return null;
  if (n.op === "+=") return { acc, term: n.rhs };
  const r = n.rhs;
  if (r.kind !== "binary" || r.op !== "+" || r.left.kind !== "ident" || ctx.symbolOf(r.left.name) !== acc) return null;
  return { acc, term: r.right };
}

/**
 * The quantized bindings of an entry point and the patterns the quantization findings judge, found in the entry point
 * and the functions it calls. Launch-independent: trip counts, and whether a loop is innermost, are the findings'.
 */
export function quantFacts(source: QuantSource, kernelName: string): QuantFacts {
  const bindings = recognizeQuantization(source, kernelName);
  const ctx = new QuantContext(source, kernelName);
  const quantNames = new Set(bindings.map((q) => q.binding));
  const int8Names = new Set(bindings.filter((q) => /int8|^q8/.test(q.format) || (q.bitsPerElement >= 8 && q.bitsPerElement < 9 && !/fp|e4m3|e5m2/.test(q.format))).map((q) => q.binding));
  const scaleInInnerLoop: ScaleInInnerLoop[] = [];
  const intAccumulations: IntAccumulation[] = [];
  const halfAccumulations: HalfAccumulation[] = [];
  const typeOf = (sym: WgslSymbol): WgslType => derefType(ctx.resolution.types.typeOfSymbol(sym));

  const enclosingOf = new Map(ctx.functions.map((f) => [f, enclosingLoops(f)]));
  const seenProducts = new Set<string>();
  /** The innermost `for` around a node; for a node of a helper without loops, the innermost `for` around each call. */
  const loopContexts = (n: AstNode): LoopContext[] => {
    const fn = ctx.functionOf(n);
    const own = fn ? enclosingOf.get(fn)?.get(n) ?? [] : [];
    const innermost = (loops: readonly LoopNode[]): { loop: LoopNode; counter: WgslSymbol } | null => {
      const loop = loops[loops.length - 1];
      const counter = loop ? counterOf(ctx, loop) : null;
      return loop && counter ? { loop, counter } : null;
    };
    if (own.length > 0) {
      const lc = innermost(own);
      return lc ? [lc] : [];
    }
    if (!fn || fn === ctx.functions[0]) return [];
    const out: LoopContext[] = [];
    for (const call of ctx.callSites(fn)) {
      const caller = ctx.functionOf(call);
      const lc = caller ? innermost(enclosingOf.get(caller)?.get(call) ?? []) : null;
      if (lc) out.push({ ...lc, helper: { fn, call } });
    }
    return out;
  };

  ctx.functions.forEach((fn, index) => {
    const enclosing = enclosingOf.get(fn)!;
    // The loops an accumulation repeats in: around the statement, inside the accumulator's declaration scope.
    const repeatLoops = (n: AstNode, acc: WgslSymbol): Span[] => (enclosing.get(n) ?? []).filter((l) => !contains(l.span, acc.declSpan)).map((l) => l.span);

    walk(fn.body, (n, parent) => {
      // A product (the whole chain) in a loop, or in a helper called from one: a dequantized weight that changes
      // with the loop times a scale constant over it, summed into an accumulator.
      if (n.kind === "binary" && n.op === "*" && !(parent && parent.kind === "binary" && parent.op === "*")) {
        for (const lc of loopContexts(n)) {
          const fs = factors(n);
          let scale: { factor: Expr; binding: string } | null = null;
          for (const f of fs) {
            const binding = scaleSource(ctx, f, quantNames, lc);
            if (binding && !varies(ctx, f, lc)) {
              scale = { factor: f, binding };
              break;
            }
          }
          if (!scale) continue;
          const weight = fs.find((f) => f !== scale!.factor && [...ctx.origins(f)].some((s) => quantNames.has(s.name)) && varies(ctx, f, lc));
          if (!weight || !accumulatedAcross(ctx, n, lc)) continue;
          const key = `${n.span.start}:${lc.loop.span.start}`;
          if (seenProducts.has(key)) continue;
          seenProducts.add(key);
          scaleInInnerLoop.push({ span: n.span, function: index, scaleBinding: scale.binding, counter: lc.counter.name, loopSpan: lc.loop.span });
        }
        return undefined;
      }
      const found = accumulation(ctx, n);
      if (!found) return undefined;
      const { acc, term } = found;
      // f16 accumulators (function-scope variables).
      if (acc.kind === "local-var" && isF16(typeOf(acc))) {
        halfAccumulations.push({ span: n.span, function: index, accumulator: acc.name, loopSpans: repeatLoops(n, acc) });
      }
      // i32 accumulators of int8 dot products.
      const t = typeOf(acc);
      if ((acc.kind === "local-var" || acc.kind === "var") && t.kind === "scalar" && t.name === "i32") {
        let productsPerAdd = 0;
        let what = "";
        if (returnsDot4(ctx, term)) {
          productsPerAdd = 4;
          what = "dot4I8Packed (4 int8 x int8 products per call)";
        } else if (term.kind === "binary" && term.op === "*" && [term.left, term.right].every((f) => [...ctx.origins(f)].some((s) => int8Names.has(s.name)))) {
          productsPerAdd = 1;
          what = "int8 x int8 products";
        }
        if (productsPerAdd > 0) intAccumulations.push({ span: n.span, function: index, accumulator: acc.name, productsPerAdd, what, loopSpans: repeatLoops(n, acc) });
      }
      return undefined;
    });
  });
  return { bindings, scaleInInnerLoop, intAccumulations, halfAccumulations };
}
