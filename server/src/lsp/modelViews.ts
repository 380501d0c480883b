// The cost model where the author looks: code lenses above kernels, inlay hints on loops, kernel and access hovers.
//
// Written once for every language: each reads a ModelledSource (modelledSource.ts), never a front-end's own analysis.
import type { CodeLens, InlayHint, Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { accessMarkdown, breakdownMarkdown } from "../core/model/format";
import { summaryLine } from "../core/model/lensLine";
import { loopHint } from "../core/model/loopHint";
import { quantWhatIf, quantWhatIfMarkdown } from "../core/quant/whatIf";
import { spanToRange } from "./convert";
import type { ModelledSource } from "./modelledSource";

/** A lens above each modelled kernel with the model's one-line summary (it opens the Kernels panel), and a Roofline lens. */
export function codeLenses(doc: TextDocument, source: ModelledSource): CodeLens[] {
  const device = source.device;
  if (!device) return [];
  const lenses: CodeLens[] = [];
  for (const k of source.kernels) {
    const model = source.models.get(k.name);
    if (!model) continue;
    const range = spanToRange(doc, k.nameSpan);
    lenses.push({ range, command: { title: summaryLine(model.model, device, source.words), command: "kernellens.showKernels", arguments: [doc.uri, k.name] } });
    lenses.push({ range, command: { title: "📈 Roofline", command: "kernellens.showRoofline", arguments: [doc.uri, k.name] } });
  }
  return lenses;
}

/** Hints after each loop header: trip count, FLOPs and bytes per iteration (averaged over the dispatch). */
export function inlayHints(doc: TextDocument, source: ModelledSource, range: Range): InlayHint[] {
  const hints: InlayHint[] = [];
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const seen = new Set<number>();
  for (const model of source.models.values()) {
    for (const l of model.model.loops) {
      const at = source.documentSpan({ start: l.headerEnd, end: l.headerEnd });
      if (!at || at.start < from || at.start > to || seen.has(at.start)) continue;
      seen.add(at.start);
      hints.push({ position: doc.positionAt(at.start), label: loopHint(l, source.words), paddingLeft: true, tooltip: `trip count: ${l.tripCountText}; per-iteration averages over the whole dispatch (cost model, ${source.device?.name ?? ""})` });
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
