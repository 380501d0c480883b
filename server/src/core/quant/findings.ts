// Findings about quantized kernels: where dequantization happens, and int32 accumulators that can overflow.
//
// First slice, deliberately conservative (no evidence, no finding):
// - `dequant-in-inner-loop`: a product inside an innermost loop multiplies a dequantized weight by a scale whose
//   index does not depend on that loop's counter, so the scale is constant over the loop (a group) and could scale
//   the group's partial sum once.
// - `int-accumulator-overflow`: an i32 accumulator of dot4I8Packed (or of int8 x int8 products) over a reduction of
//   K elements, with K from the model's loop trip counts, where K x 127 x 127 > 2^31 - 1 (K > 133,144).
// - `fp16-accumulation`: an f16 (or vecN<f16>) accumulator summed over more than 1024 terms (model trip counts).
// - (quantAccessFindings) `scale-reread`: a group-scale binding loaded once per weight in an innermost loop though its address changes
//   only once per group; `scale-uncoalesced`: scale loads whose neighbouring invocations are strided (< 50 % used).
// - (quantAccessFindings) `packed-narrow-read`: packed weights read one scalar u32 per invocation per iteration, neighbouring invocations
//   16 bytes or more apart.
import type { SourceAnalysis } from "../analysis/sourceTypes";
import type { CoreDiagnostic } from "../diagnostic";
import type { KernelModel } from "../model/types";
import { toOriginalSpan } from "../preprocess/originalSpan";
import type { Expr, FunctionDecl, Span, Stmt } from "../wgsl/ast";
import type { WgslSymbol } from "../wgsl/resolve";
import { derefType } from "../wgsl/types";
import { walk, type AstNode } from "../wgsl/walk";
import { QuantContext, recognizeQuantization, type QuantBinding } from "../wgsl/quantIdioms";

/** The largest K for which K x 127 x 127 fits in an i32: floor((2^31 - 1) / 16129). */
export const INT8_DOT_MAX_K = Math.floor((2 ** 31 - 1) / (127 * 127));

type LoopNode = Extract<Stmt, { kind: "for" | "while" | "loop" }>;
const isLoop = (n: AstNode): n is LoopNode => n.kind === "for" || n.kind === "while" || n.kind === "loop";
const contains = (outer: Span, inner: Span): boolean => outer.start <= inner.start && inner.end <= outer.end;
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

/** The loops around each node of a function, outermost first, and which loops have no loop inside them. */
function loopStructure(fn: FunctionDecl): { enclosing: Map<AstNode, LoopNode[]>; innermost: Set<LoopNode> } {
  const enclosing = new Map<AstNode, LoopNode[]>();
  const innermost = new Set<LoopNode>();
  const stack: LoopNode[] = [];
  walk(
    fn.body,
    (n) => {
      enclosing.set(n, [...stack]);
      if (isLoop(n)) {
        if (stack.length > 0) innermost.delete(stack[stack.length - 1]);
        innermost.add(n);
        stack.push(n);
      }
    },
    (n) => {
      if (isLoop(n)) stack.pop();
    },
  );
  // A loop stays innermost only if no loop was found inside it; the delete above ran when a child loop was entered.
  return { enclosing, innermost };
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

function tripOf(model: KernelModel | null, loop: LoopNode): number | null {
  const rec = model?.loops.find((l) => l.span.start === loop.span.start && l.span.end === loop.span.end);
  return rec?.tripCount ? rec.tripCount.value : null;
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

export function quantFindings(source: SourceAnalysis, kernelName: string, model: KernelModel | null): CoreDiagnostic[] {
  const ctx = new QuantContext(source, kernelName);
  const quant = recognizeQuantization(source, kernelName);
  if (ctx.functions.length === 0) return [];
  const quantNames = new Set(quant.map((q) => q.binding));
  const int8Names = new Set(quant.filter((q) => /int8|^q8/.test(q.format) || (q.bitsPerElement >= 8 && q.bitsPerElement < 9 && !/fp|e4m3|e5m2/.test(q.format))).map((q) => q.binding));
  const out: CoreDiagnostic[] = [];
  const push = (code: string, severity: CoreDiagnostic["severity"], message: string, span: Span): void => {
    out.push({ severity, code, message, span: toOriginalSpan(source.pre, span).span, source: "kernellens" });
  };

  for (const fn of ctx.functions) {
    const { enclosing, innermost } = loopStructure(fn);
    fp16Accumulation(ctx, fn, enclosing, model, push);
    if (quant.length === 0) continue;

    // (a) The scale multiply per element inside the innermost loop.
    walk(fn.body, (n, parent) => {
      if (n.kind !== "binary" || n.op !== "*" || (parent && parent.kind === "binary" && parent.op === "*")) return undefined;
      const loops = enclosing.get(n) ?? [];
      const loop = loops[loops.length - 1];
      if (!loop || !innermost.has(loop)) return undefined;
      const counter = counterOf(ctx, loop);
      if (!counter) return undefined;
      const fs = factors(n);
      const weight = fs.find((f) => [...ctx.origins(f)].some((s) => quantNames.has(s.name)));
      if (!weight) return undefined;
      for (const f of fs) {
        if (f === weight) continue;
        const scale = scaleLoad(ctx, f);
        if (!scale || quantNames.has(scale.binding.name) || dependsOn(ctx, scale.index, counter)) continue;
        const trip = tripOf(model, loop);
        const per = trip !== null ? `${fmt(trip)} times per group` : "once per element";
        push(
          "dequant-in-inner-loop",
          "warning",
          `the scale from '${scale.binding.name}' is constant over this loop (its index does not depend on '${counter.name}'), yet it multiplies every dequantized element: ${per}. Accumulate the group's partial dot product without the scale and multiply by it once per group.`,
          n.span,
        );
        break;
      }
      return undefined;
    });

    // (b) i32 accumulators of int8 dot products.
    walk(fn.body, (n) => {
      if (n.kind !== "assign" || (n.op !== "+=" && n.op !== "=") || n.lhs.kind !== "ident") return undefined;
      const acc = ctx.symbolOf(n.lhs.name);
      if (!acc || (acc.kind !== "local-var" && acc.kind !== "var")) return undefined;
      const t = derefType(ctx.resolution.types.typeOfSymbol(acc));
      if (t.kind !== "scalar" || t.name !== "i32") return undefined;
      let rhs: Expr = n.rhs;
      if (n.op === "=") {
        // acc = acc + term
        if (rhs.kind !== "binary" || rhs.op !== "+") return undefined;
        const l = rhs.left;
        if (l.kind !== "ident" || ctx.symbolOf(l.name) !== acc) return undefined;
        rhs = rhs.right;
      }
      let perAdd = 0;
      let what = "";
      if (returnsDot4(ctx, rhs)) {
        perAdd = 4;
        what = "dot4I8Packed (4 int8 x int8 products per call)";
      } else if (rhs.kind === "binary" && rhs.op === "*" && [rhs.left, rhs.right].every((f) => [...ctx.origins(f)].some((s) => int8Names.has(s.name)))) {
        perAdd = 1;
        what = "int8 x int8 products";
      }
      if (perAdd === 0) return undefined;
      // The loops the accumulation repeats in: around the statement, inside the accumulator's declaration scope.
      const loops = (enclosing.get(n) ?? []).filter((l) => !contains(l.span, acc.declSpan));
      if (loops.length === 0) return undefined;
      let k = perAdd;
      for (const l of loops) {
        const trip = tripOf(model, l);
        if (trip === null) return undefined; // no launch evidence: no finding
        k *= trip;
      }
      const worst = k * 127 * 127;
      if (k > INT8_DOT_MAX_K) {
        push(
          "int-accumulator-overflow",
          "warning",
          `the i32 accumulator '${acc.name}' sums ${what} over K = ${fmt(k)} elements for this launch: the worst case K x 127 x 127 = ${fmt(worst)} exceeds 2^31 - 1 (it overflows once K > ${fmt(INT8_DOT_MAX_K)}). Split the reduction into chunks of at most ${fmt(INT8_DOT_MAX_K)} and convert each partial sum to f32 (or rescale), or accumulate in f32.`,
          n.span,
        );
      }
      return undefined;
    });
  }
  return out;
}

/**
 * The findings read from the model's accesses: `scale-reread`, `scale-uncoalesced` and `packed-narrow-read`. Kept
 * apart from quantFindings so its first-slice results stay as they are; callers show both lists.
 */
export function quantAccessFindings(source: SourceAnalysis, kernelName: string, model: KernelModel | null): CoreDiagnostic[] {
  if (!model) return [];
  const ctx = new QuantContext(source, kernelName);
  const quant = recognizeQuantization(source, kernelName);
  if (ctx.functions.length === 0 || quant.length === 0) return [];
  const out: CoreDiagnostic[] = [];
  accessFindings(ctx, quant, model, (code, severity, message, span) => {
    out.push({ severity, code, message, span: toOriginalSpan(source.pre, span).span, source: "kernellens" });
  });
  return out;
}

type Push = (code: string, severity: CoreDiagnostic["severity"], message: string, span: Span) => void;

/** Terms in an f16 sum beyond which the finding fires: past ~2^10 terms the rounding error of 11-bit f16 dominates. */
export const FP16_ACCUMULATION_MAX_TERMS = 1024;

/** Whether a type is f16 or a vector of f16. */
function isF16(t: ReturnType<typeof derefType>): boolean {
  return (t.kind === "scalar" && t.name === "f16") || (t.kind === "vector" && t.component.name === "f16");
}

function fp16Accumulation(ctx: QuantContext, fn: FunctionDecl, enclosing: Map<AstNode, LoopNode[]>, model: KernelModel | null, push: Push): void {
  if (!model) return;
  walk(fn.body, (n) => {
    if (n.kind !== "assign" || (n.op !== "+=" && n.op !== "=") || n.lhs.kind !== "ident") return undefined;
    const acc = ctx.symbolOf(n.lhs.name);
    if (!acc || acc.kind !== "local-var") return undefined;
    if (!isF16(derefType(ctx.resolution.types.typeOfSymbol(acc)))) return undefined;
    if (n.op === "=") {
      const r = n.rhs;
      if (r.kind !== "binary" || r.op !== "+" || r.left.kind !== "ident" || ctx.symbolOf(r.left.name) !== acc) return undefined;
    }
    const loops = (enclosing.get(n) ?? []).filter((l) => !contains(l.span, acc.declSpan));
    if (loops.length === 0) return undefined;
    let terms = 1;
    for (const l of loops) {
      const trip = tripOf(model, l);
      if (trip === null) return undefined; // no launch evidence: no finding
      terms *= trip;
    }
    if (terms <= FP16_ACCUMULATION_MAX_TERMS) return undefined;
    push(
      "fp16-accumulation",
      "warning",
      `accumulating ${fmt(terms)} products in f16 loses precision (f16 has 11 significant bits: once '${acc.name}' is 2048 times a term, adding it rounds away entirely; beyond ${fmt(FP16_ACCUMULATION_MAX_TERMS)} terms the rounding error dominates): accumulate in f32 (declare '${acc.name}' as f32 and convert each product), and convert to f16 once at the end.`,
      n.span,
    );
    return undefined;
  });
}

/** Findings from the model's accesses: scale re-reads, uncoalesced scales, narrow packed reads. */
function accessFindings(ctx: QuantContext, quant: readonly QuantBinding[], model: KernelModel, push: Push): void {
  // Every loop of the analysed functions, and whether it is innermost.
  const loops: { loop: LoopNode; innermost: boolean }[] = [];
  for (const fn of ctx.functions) {
    const { innermost } = loopStructure(fn);
    walk(fn.body, (n) => {
      if (isLoop(n)) loops.push({ loop: n, innermost: innermost.has(n) });
      return undefined;
    });
  }
  const deepestLoop = (span: Span): { loop: LoopNode; innermost: boolean } | null => {
    let best: { loop: LoopNode; innermost: boolean } | null = null;
    for (const l of loops) if (contains(l.loop.span, span) && (!best || contains(best.loop.span, l.loop.span))) best = l;
    return best;
  };
  const loads = model.accesses.filter((a) => a.kind === "load" && a.addressSpace === "storage");
  const seen = new Set<string>();
  const once = (key: string): boolean => (seen.has(key) ? false : (seen.add(key), true));

  for (const q of quant) {
    const weightLoads = loads.filter((a) => a.binding === q.binding);
    const weightCount = Math.max(0, ...weightLoads.map((a) => a.count.value));

    // Scales.
    if (q.scaleBinding) {
      for (const a of loads.filter((x) => x.binding === q.scaleBinding)) {
        const where = deepestLoop(a.span);
        const perElement = q.groupSize !== null && q.groupSize > 1 && weightCount > 0 && a.count.value >= weightCount;
        if (where && where.innermost && (a.loopInvariant || perElement) && once(`reread:${a.span.start}`)) {
          const trip = tripOf(model, where.loop);
          const group = q.groupSize !== null && q.groupSize > 1 ? q.groupSize : trip;
          const saved = group && group > 1 ? ` (${fmt(a.count.value)} loads now; ${fmt(a.count.value / group)} once per group of ${fmt(group)})` : "";
          push(
            "scale-reread",
            "warning",
            `the scale '${q.scaleBinding}' is loaded on every iteration of the innermost loop, yet its address ${a.loopInvariant ? "does not change within the loop" : "changes only once per group"}${saved}: load it once per group, before the group's inner loop, and keep it in a register.`,
            a.span,
          );
        }
        if (a.pattern === "strided" && a.coalescingEfficiency !== null && a.coalescingEfficiency < 0.5 && once(`uncoal:${a.span.start}`)) {
          const stride = a.strideElements !== null ? ` ${fmt(Math.abs(a.strideElements))} elements (${fmt(Math.abs(a.strideElements) * a.bytesPerAccess)} bytes) apart` : " strided";
          push(
            "scale-uncoalesced",
            "info",
            `neighbouring invocations load '${q.scaleBinding}'${stride}: only ${Math.round(a.coalescingEfficiency * 100)} % of each fetched transaction is used. Store the scales so that neighbouring invocations read neighbouring scales (e.g. group-major: scales[group * rows + row]), or stage them through workgroup memory.`,
            a.span,
          );
        }
      }
    }

    // Narrow packed reads: only with neighbouring invocations to compare.
    const wg = model.workgroupSize;
    if (!wg || wg[0] * wg[1] * wg[2] < 2) continue;
    for (const a of weightLoads) {
      if (a.elementType !== "u32" && a.elementType !== "i32") continue;
      if (a.pattern !== "strided" || a.strideElements === null || Math.abs(a.strideElements) < 4) continue;
      if (!deepestLoop(a.span) || !once(`narrow:${a.span.start}`)) continue;
      const strideBytes = Math.abs(a.strideElements) * a.bytesPerAccess;
      const perWord = q.bitsPerElement > 0 ? Math.floor(32 / Math.floor(q.bitsPerElement)) : 0;
      const eff = a.coalescingEfficiency !== null ? `: a warp uses ${Math.round(a.coalescingEfficiency * 100)} % of the bytes it fetches` : "";
      push(
        "packed-narrow-read",
        "warning",
        `each invocation reads one ${a.elementType} of packed '${q.binding}'${perWord > 0 ? ` (${perWord} ${q.format} values)` : ""} per iteration while neighbouring invocations read ${fmt(strideBytes)} bytes apart (stride ${fmt(Math.abs(a.strideElements))} words)${eff}. Read vec4<${a.elementType}> (16 bytes) per invocation per iteration, or lay the weights out so neighbouring invocations read neighbouring words (interleave rows, or let a workgroup cooperate on one row).`,
        a.span,
      );
    }
  }
}
