// The cost model where the author looks: code lenses above kernels, inlay hints on loops, kernel and access hovers.
//
// Written once for every language: each reads a ModelledSource (modelledSource.ts), never a front-end's own analysis.
import type { CodeLens, InlayHint, Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { accessMarkdown, breakdownMarkdown } from "../core/model/format";
import { lensTitle, lensTooltip } from "../core/model/lensLine";
import { INLAY_HINT_MAX_LENGTH, loopHint, loopHintOffset, loopHintTooltip } from "../core/model/loopHint";
import { quantWhatIf, quantWhatIfMarkdown } from "../core/quant/whatIf";
import { spanToRange } from "./convert";
import type { ModelledSource } from "./modelledSource";

/**
 * Above each modelled kernel, the cost model's lens (`$(graph) memory-bound · ≈ 17 µs`, the whole summary in its
 * tooltip; it opens the Kernels panel) and a Roofline lens. Both are short: the client's Run, Profile and Sweep lenses
 * share the line.
 */
export function codeLenses(doc: TextDocument, source: ModelledSource): CodeLens[] {
  const device = source.device;
  if (!device) return [];
  const lenses: CodeLens[] = [];
  for (const k of source.kernels) {
    const model = source.models.get(k.name);
    if (!model) continue;
    const range = spanToRange(doc, k.nameSpan);
    const m = model.model;
    lenses.push({ range, command: { title: lensTitle(m, source.words), tooltip: lensTooltip(m, device, source.words), command: "kernellens.showKernels", arguments: [doc.uri, k.name] } });
    lenses.push({ range, command: { title: "$(graph-line) Roofline", tooltip: `Open ${k.name} on the roofline of ${device.name}`, command: "kernellens.showRoofline", arguments: [doc.uri, k.name] } });
  }
  return lenses;
}

/**
 * A hint at the end of each loop header's line: the trip count and one active lane's work per iteration, within VS
 * Code's inlay-hint length (`maxLength`: less where other hints share the line's end); the tooltip has the detail
 * (the trip count's origin, the active lanes, the averages).
 */
export function inlayHints(doc: TextDocument, source: ModelledSource, range: Range, maxLength = INLAY_HINT_MAX_LENGTH): InlayHint[] {
  const hints: InlayHint[] = [];
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const text = doc.getText();
  const seen = new Set<number>();
  for (const model of source.models.values()) {
    for (const l of model.model.loops) {
      const header = source.documentSpan({ start: l.span.start, end: l.headerEnd });
      if (!header) continue;
      const at = loopHintOffset(text, header.start, header.end);
      // One hint a line: two loops on one line (or one kernel's loop in two instantiations) share the first's.
      if (at < from || at > to || seen.has(at)) continue;
      seen.add(at);
      hints.push({ position: doc.positionAt(at), label: loopHint(l, source.words, maxLength), paddingLeft: true, tooltip: loopHintTooltip(l, source.words, source.device?.name) });
    }
  }
  return hints;
}

/** The breakdown of one kernel's model (with the quantization what-if where its weights are quantized). */
export function kernelBreakdown(source: ModelledSource, kernelName: string): string | undefined {
  const device = source.device;
  const m = source.models.get(kernelName);
  if (!device || !m) return undefined;
  // With quantized weights, the same kernel with the weights in other formats (memory-bound: about 16 / bits).
  const whatIf = quantWhatIfMarkdown(quantWhatIf(m.model, m.quantization ?? [], device));
  return breakdownMarkdown(m.model, device, source.words) + (whatIf ? `\n\n${whatIf}` : "");
}

/** The innermost modelled access whose expression covers a document offset, described. */
export function accessHover(source: ModelledSource, offset: number): string | undefined {
  const device = source.device;
  if (!device) return undefined;
  let best: { md: string; size: number } | undefined;
  for (const m of source.models.values()) {
    for (const a of m.model.accesses) {
      const span = source.documentSpan(a.span);
      if (!span || offset < span.start || offset > span.end) continue;
      const size = span.end - span.start;
      if (!best || size < best.size) best = { md: accessMarkdown(a, device, source.words), size };
    }
  }
  return best?.md;
}
