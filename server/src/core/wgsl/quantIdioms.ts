// The WGSL front-end's half of quantization: which storage bindings hold packed low-bit values (their format and
// scales), and the source patterns the quantization findings judge (../quant/findings.ts), as neutral facts
// (../quant/facts.ts) that travel on the kernel IR.
//
// Pure and syntactic: the entry point and the functions it calls are walked for unpacking idioms (extractBits, shifts
// and masks, unpack4x8*, dot4*Packed, unpack2x16float) applied to values loaded from u32/i32 storage bindings, for
// scale loads indexed by a weight index divided by a constant (the group size), and for ggml block structs. A
// `// @quant NAME: FORMAT` directive states the format and wins over inference. No evidence, no entry.
//
// The patterns (quantFacts), each located in the analysed text with the loops around it in its function:
// - a product in a loop that multiplies a dequantized weight by a scale whose index does not depend on the loop's
//   counter (the findings require the loop to be innermost in the IR);
// - i32 accumulators of dot4I8Packed (or of int8 x int8 products);
// - f16 (or vecN<f16>) accumulators.
import { quantStorage, type QuantStorage } from "../quant/formats";
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


const MASK_BITS: ReadonlyMap<number, number> = new Map([
  [0x3, 2],
  [0xf, 4],
  [0xff, 8],
]);

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
}

const calleeName = (c: CallExpr): string => c.callee.name;

/** Follows `let` names back to their initializer, so `let g = k / 128u; s[g]` is seen as `s[k / 128u]`. */
function findDivisor(ctx: QuantContext, expr: Expr, depth = 0): { value: number; span: Span } | null {
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
      if (sym && sym.kind === "let" && "init" in sym.decl && sym.decl.init) {
        const inner = findDivisor(ctx, sym.decl.init, depth + 1);
        if (inner) found = inner;
      }
    }
    return undefined;
  });
  return found;
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

  ctx.forEachNode((n) => {
    if (n.kind === "call") {
      const name = calleeName(n);
      if (name === "extractBits" && n.args.length === 3) {
        const width = ctx.constValue(n.args[2]);
        if (width === 2 || width === 4 || width === 8) {
          for (const s of packedOrigins(n.args[0])) note(s, width, `extractBits(…, ${width}) on a word loaded from '${s.name}'`, n.span);
        }
      } else if (name === "unpack4x8snorm" || name === "unpack4x8unorm" || name === "unpack4xI8" || name === "unpack4xU8") {
        for (const s of packedOrigins(n.args[0] ?? n)) note(s, 8, `${name} on a word loaded from '${s.name}'`, n.span, name.includes("norm") ? name.slice(8) + "8" : name.endsWith("I8") ? "int8" : "uint8");
      } else if (name === "dot4I8Packed" || name === "dot4U8Packed") {
        for (const a of n.args) for (const s of packedOrigins(a)) note(s, 8, `${name} reads '${s.name}' as 4 packed 8-bit integers`, n.span, name === "dot4I8Packed" ? "int8" : "uint8");
      } else if (name === "unpack2x16float") {
        for (const s of packedOrigins(n.args[0] ?? n)) note(s, 16, `unpack2x16float on a word loaded from '${s.name}' (fp16 pairs)`, n.span);
      }
    } else if (n.kind === "binary" && n.op === "&") {
      for (const [valueSide, maskSide] of [[n.left, n.right], [n.right, n.left]] as const) {
        const mask = ctx.constValue(maskSide);
        const bits = mask === null ? undefined : MASK_BITS.get(mask);
        if (bits === undefined) continue;
        for (const s of packedOrigins(valueSide)) note(s, bits, `mask 0x${mask!.toString(16).toUpperCase()} on a word loaded from '${s.name}' (${bits}-bit fields)`, n.span);
      }
    } else if (n.kind === "index" && n.base.kind === "ident") {
      const sym = ctx.symbolOf(n.base.name);
      if (!sym || !ctx.isStorageBinding(sym) || ctx.floatBits(sym) === null || sym.varAttributes?.accessMode === "read_write") return;
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
      evidence.push({ reason: `fp16 values (a scale) are stored inline in '${sym.name}'; the group size is not known`, span: g.evidence.find((e) => e.reason.startsWith("unpack2x16float"))!.span });
    }
    results.push({ binding: sym.name, format, bitsPerElement: bits, groupSize, inferredFrom: evidence, ...(scaleBinding ? { scaleBinding } : {}) });
  }

  // ggml block structs: an f16 (or u32-packed) scale next to an array<u32, 4> of nibbles is q4_0.
  const entry = source.resolution.entryPoints.find((e) => e.name === kernelName);
  for (const sym of entry?.resourcesUsed ?? []) {
    if (!ctx.isStorageBinding(sym) || results.some((r) => r.binding === sym.name)) continue;
    const t = ctx.elementType(sym);
    if (t.kind !== "struct") continue;
    const scale = t.members.find((m) => (m.type.kind === "scalar" && (m.type.name === "f16" || m.type.name === "u32")) || (m.type.kind === "vector" && m.type.component.name === "f16"));
    const quants = t.members.find((m) => m.type.kind === "array" && m.type.element.kind === "scalar" && m.type.element.name === "u32" && (m.type.count === 4 || m.type.count === 8));
    if (!scale || !quants || quants.type.kind !== "array") continue;
    const q8 = quants.type.count === 8;
    results.push({
      binding: sym.name,
      format: q8 ? "q8_0" : "q4_0",
      bitsPerElement: q8 ? 8.5 : 4.5,
      groupSize: 32,
      inferredFrom: [{ reason: `ggml block struct '${t.name}': scale '${scale.name}' and ${q8 ? "32 bytes of int8" : "16 bytes of nibbles"} in '${quants.name}' (${q8 ? 34 : 18} bytes per 32 weights)`, span: sym.declSpan }],
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
      inferredFrom: [{ reason: `stated by // @quant ${d.name.name}: ${d.format.name}`, span: d.span }, ...(inferred?.inferredFrom ?? [])],
      ...(inferred?.scaleBinding ? { scaleBinding: inferred.scaleBinding } : {}),
    };
    if (Number.isNaN(stated.bitsPerElement)) continue; // an unknown format with no evidence: no guess
    if (previous >= 0) results[previous] = stated;
    else results.push(stated);
  }
  return results.sort((a, b) => a.binding.localeCompare(b.binding));
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

/** Whether `expr` names `target`, following `let`/`var` initializers. */
function dependsOn(ctx: QuantContext, expr: Expr, target: WgslSymbol, depth = 0): boolean {
  if (depth > 12) return true; // cannot tell: assume it does (no finding)
  let hit = false;
  walk(expr, (n) => {
    if (hit) return false;
    if (n.kind !== "ident") return undefined;
    const sym = ctx.symbolOf(n.name);
    if (!sym) return undefined;
    if (sym === target) hit = true;
    else if ((sym.kind === "let" || sym.kind === "local-var") && "init" in sym.decl && sym.decl.init && dependsOn(ctx, sym.decl.init, target, depth + 1)) hit = true;
    return undefined;
  });
  return hit;
}

/** The factors of a product chain `a * b * (c * d)`. */
function factors(e: Expr): Expr[] {
  if (e.kind === "binary" && e.op === "*") return [...factors(e.left), ...factors(e.right)];
  if (e.kind === "paren") return factors(e.expr);
  return [e];
}

/** The load `s[i]` a factor stands for: the factor itself, or the initializer of the `let` it names. */
function scaleLoad(ctx: QuantContext, f: Expr): { binding: WgslSymbol; index: Expr } | null {
  let e: Expr = f;
  for (let i = 0; i < 4; i++) {
    if (e.kind === "paren") e = e.expr;
    else if (e.kind === "call" && e.args.length === 1 && (e.callee.name === "f32" || e.callee.name === "f16")) e = e.args[0];
    else if (e.kind === "ident") {
      const sym = ctx.symbolOf(e.name);
      if (!sym || sym.kind !== "let" || !("init" in sym.decl) || !sym.decl.init) return null;
      e = sym.decl.init;
    } else break;
  }
  if (e.kind !== "index" || e.base.kind !== "ident") return null;
  const sym = ctx.symbolOf(e.base.name);
  if (!sym || !ctx.isStorageBinding(sym) || ctx.floatBits(sym) === null || sym.varAttributes?.accessMode === "read_write") return null;
  return { binding: sym, index: e.index };
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

  ctx.functions.forEach((fn, index) => {
    const enclosing = enclosingLoops(fn);
    // The loops an accumulation repeats in: around the statement, inside the accumulator's declaration scope.
    const repeatLoops = (n: AstNode, acc: WgslSymbol): Span[] => (enclosing.get(n) ?? []).filter((l) => !contains(l.span, acc.declSpan)).map((l) => l.span);

    walk(fn.body, (n, parent) => {
      // A product (the whole chain) in a loop: a dequantized weight times a scale constant over the loop.
      if (n.kind === "binary" && n.op === "*" && !(parent && parent.kind === "binary" && parent.op === "*")) {
        const loops = enclosing.get(n) ?? [];
        const loop = loops[loops.length - 1];
        const counter = loop ? counterOf(ctx, loop) : null;
        if (!loop || !counter) return undefined;
        const fs = factors(n);
        const weight = fs.find((f) => [...ctx.origins(f)].some((s) => quantNames.has(s.name)));
        if (!weight) return undefined;
        for (const f of fs) {
          if (f === weight) continue;
          const scale = scaleLoad(ctx, f);
          if (!scale || quantNames.has(scale.binding.name) || dependsOn(ctx, scale.index, counter)) continue;
          scaleInInnerLoop.push({ span: n.span, function: index, scaleBinding: scale.binding.name, counter: counter.name, loopSpan: loop.span });
          break;
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
