// Findings about quantized kernels: where dequantization happens, and accumulators that overflow or lose precision.
//
// Neutral: they read only the kernel IR (the quantization facts a front-end put on it, ./facts.ts, and the loop
// structure of its body) and the kernel's model (trip counts by loop span, accesses). Findings are located in the
// analysed text; the front-end maps them to what the user wrote. Deliberately conservative (no evidence, no finding):
// - `dequant-in-inner-loop`: a product inside an innermost loop (or in a helper called from one) multiplies a
//   dequantized weight by a scale constant over that loop (a separate scale binding, or a block's inline fp16 scale)
//   and is summed into an accumulator, so the scale could multiply the group's partial sum once instead.
// - `int-accumulator-overflow`: an i32 accumulator of dot4I8Packed (or of int8 x int8 products) over a reduction of
//   K elements, with K from the model's loop trip counts, where K x 127 x 127 > 2^31 - 1 (K > 133,144).
// - `fp16-accumulation`: an f16 (or vecN<f16>) accumulator summed over more than 1024 terms (model trip counts).
// - (quantAccessFindings) `scale-reread`: a group-scale binding loaded once per weight in an innermost loop though its address changes
//   only once per group; `scale-uncoalesced`: scale loads whose neighbouring invocations are strided (< 50 % used).
// - (quantAccessFindings) `packed-narrow-read`: packed weights read one scalar u32 per invocation per iteration, neighbouring invocations
//   16 bytes or more apart.
//
// A loop is innermost when no loop node is inside its header, body or latch, looking through calls (already inlined),
// blocks, branches and switches.
import type { IrNode, KernelIR } from "../kernel/ir";
import type { Finding } from "../model/findings";
import type { KernelModel } from "../model/types";
import type { Span } from "../span";
import type { QuantBinding, QuantFacts } from "./facts";

export type { Finding };

/** The largest K for which K x 127 x 127 fits in an i32: floor((2^31 - 1) / 16129). */
export const INT8_DOT_MAX_K = Math.floor((2 ** 31 - 1) / (127 * 127));

/** Terms in an f16 sum beyond which the finding fires: past ~2^10 terms the rounding error of 11-bit f16 dominates. */
export const FP16_ACCUMULATION_MAX_TERMS = 1024;

const contains = (outer: Span, inner: Span): boolean => outer.start <= inner.start && inner.end <= outer.end;
const spanKey = (s: Span): string => `${s.start}:${s.end}`;
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

type Push = (code: string, severity: Finding["severity"], message: string, span: Span) => void;

/** Every loop of the IR body by span, and whether it is innermost (each copy of an inlined loop must be). */
function loopsOf(body: readonly IrNode[]): { span: Span; innermost: boolean }[] {
  const bySpan = new Map<string, { span: Span; innermost: boolean }>();
  /** Visits the nodes; true when a loop is among them (at any depth). */
  const visit = (nodes: readonly IrNode[]): boolean => {
    let any = false;
    for (const n of nodes) {
      switch (n.k) {
        case "loop": {
          const inner = [visit(n.header), visit(n.body), visit(n.latch)].some(Boolean);
          const key = spanKey(n.span);
          const seen = bySpan.get(key);
          if (seen) seen.innermost &&= !inner;
          else bySpan.set(key, { span: n.span, innermost: !inner });
          any = true;
          break;
        }
        case "call":
        case "block":
          if (visit(n.body)) any = true;
          break;
        case "if":
          if ([visit(n.then), visit(n.else)].some(Boolean)) any = true;
          break;
        case "switch":
          if (n.arms.map((a) => visit(a.body)).some(Boolean)) any = true;
          break;
        default:
          break;
      }
    }
    return any;
  };
  visit(body);
  return [...bySpan.values()];
}

function tripOf(model: KernelModel | null, span: Span): number | null {
  const rec = model?.loops.find((l) => l.span.start === span.start && l.span.end === span.end);
  return rec?.tripCount ? rec.tripCount.value : null;
}

/** The product of the trip counts of some loops; null when one is not known (no launch evidence: no finding). */
function tripProduct(model: KernelModel | null, spans: readonly Span[]): number | null {
  let product = 1;
  for (const s of spans) {
    const trip = tripOf(model, s);
    if (trip === null) return null;
    product *= trip;
  }
  return product;
}

/**
 * `dequant-in-inner-loop`, `int-accumulator-overflow` and `fp16-accumulation`, function by function of the kernel (as
 * the front-end found the patterns), located in the analysed text.
 */
export function quantFindings(ir: KernelIR, model: KernelModel | null): Finding[] {
  const facts = ir.quantization;
  if (!facts) return [];
  const out: Finding[] = [];
  const push: Push = (code, severity, message, span) => void out.push({ code, severity, message, span });
  const innermost = new Set(loopsOf(ir.body).filter((l) => l.innermost).map((l) => spanKey(l.span)));
  const functions = [...new Set([...facts.halfAccumulations, ...facts.scaleInInnerLoop, ...facts.intAccumulations].map((f) => f.function))].sort((a, b) => a - b);
  for (const fn of functions) {
    fp16Accumulation(facts, fn, model, push);
    if (facts.bindings.length === 0) continue;

    // (a) The scale multiply per element inside the innermost loop.
    for (const p of facts.scaleInInnerLoop) {
      if (p.function !== fn || !innermost.has(spanKey(p.loopSpan))) continue;
      // Per group the scale multiplies each of its weights: the group size when known (inline block scales: the
      // block's; a scale binding: the group it serves), else the loop's trip count.
      const group = facts.bindings.find((b) => b.binding === p.scaleBinding && b.groupSize)?.groupSize ?? facts.bindings.find((b) => b.scaleBinding === p.scaleBinding)?.groupSize ?? null;
      const trip = tripOf(model, p.loopSpan);
      const per = group ? `${fmt(group)} times per group` : trip !== null ? `${fmt(trip)} times per group` : "once per element";
      push(
        "dequant-in-inner-loop",
        "warning",
        `the scale from '${p.scaleBinding}' is constant over this loop (its index does not depend on '${p.counter}'), yet it multiplies every dequantized element: ${per}. Accumulate the group's partial dot product without the scale and multiply by it once per group.`,
        p.span,
      );
    }

    // (b) i32 accumulators of int8 dot products.
    for (const p of facts.intAccumulations) {
      if (p.function !== fn || p.loopSpans.length === 0) continue;
      const trips = tripProduct(model, p.loopSpans);
      if (trips === null) continue;
      const k = p.productsPerAdd * trips;
      const worst = k * 127 * 127;
      if (k > INT8_DOT_MAX_K) {
        push(
          "int-accumulator-overflow",
          "warning",
          `the i32 accumulator '${p.accumulator}' sums ${p.what} over K = ${fmt(k)} elements for this launch: the worst case K x 127 x 127 = ${fmt(worst)} exceeds 2^31 - 1 (it overflows once K > ${fmt(INT8_DOT_MAX_K)}). Split the reduction into chunks of at most ${fmt(INT8_DOT_MAX_K)} and convert each partial sum to f32 (or rescale), or accumulate in f32.`,
          p.span,
        );
      }
    }
  }
  return out;
}

/**
 * The findings read from the model's accesses: `scale-reread`, `scale-uncoalesced` and `packed-narrow-read`, located
 * in the analysed text. Kept apart from quantFindings so its first-slice results stay as they are; callers show both.
 */
export function quantAccessFindings(ir: KernelIR, model: KernelModel | null): Finding[] {
  const quant = ir.quantization?.bindings ?? [];
  if (!model || quant.length === 0) return [];
  const out: Finding[] = [];
  accessFindings(loopsOf(ir.body), quant, model, (code, severity, message, span) => void out.push({ code, severity, message, span }));
  return out;
}

/** Quantization findings that say, of a packed-weight or scale access, what `uncoalesced-access` says of it, with the fix that fits. */
const SAYS_UNCOALESCED = new Set(["packed-narrow-read", "scale-uncoalesced"]);

/**
 * A kernel's findings (the model's and the quantization ones) with each access's problem said once: the generic
 * `uncoalesced-access` is dropped where `packed-narrow-read` or `scale-uncoalesced` names the same access. Spans must
 * be in one text.
 */
export function oncePerAccess<T extends { readonly code: string; readonly span: Span }>(findings: readonly T[]): T[] {
  const specific = new Set(findings.filter((f) => SAYS_UNCOALESCED.has(f.code)).map((f) => spanKey(f.span)));
  return findings.filter((f) => f.code !== "uncoalesced-access" || !specific.has(spanKey(f.span)));
}

function fp16Accumulation(facts: QuantFacts, fn: number, model: KernelModel | null, push: Push): void {
  if (!model) return;
  for (const p of facts.halfAccumulations) {
    if (p.function !== fn || p.loopSpans.length === 0) continue;
    const terms = tripProduct(model, p.loopSpans);
    if (terms === null || terms <= FP16_ACCUMULATION_MAX_TERMS) continue;
    push(
      "fp16-accumulation",
      "warning",
      `accumulating ${fmt(terms)} products in f16 loses precision (f16 has 11 significant bits: once '${p.accumulator}' is 2048 times a term, adding it rounds away entirely; beyond ${fmt(FP16_ACCUMULATION_MAX_TERMS)} terms the rounding error dominates): accumulate in f32 (declare '${p.accumulator}' as f32 and convert each product), and convert to f16 once at the end.`,
      p.span,
    );
  }
}

/** Findings from the model's accesses: scale re-reads, uncoalesced scales, narrow packed reads. */
function accessFindings(loops: readonly { span: Span; innermost: boolean }[], quant: readonly QuantBinding[], model: KernelModel, push: Push): void {
  const deepestLoop = (span: Span): { span: Span; innermost: boolean } | null => {
    let best: { span: Span; innermost: boolean } | null = null;
    for (const l of loops) if (contains(l.span, span) && (!best || contains(best.span, l.span))) best = l;
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
          const trip = tripOf(model, where.span);
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
