// The cost model where the author looks: code lenses above entry points, inlay hints on loops, access hovers.
import type { CodeLens, InlayHint, Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { SourceAnalysis } from "../core/analysis/sourceAnalysis";
import { accessMarkdown, breakdownMarkdown, loopHint, summaryLine } from "../core/model/format";
import { toOriginalSpan } from "../core/preprocess/originalSpan";
import { quantWhatIf, quantWhatIfMarkdown } from "../core/quant/whatIf";
import { spanToRange } from "./convert";

/** A lens above each compute entry point with the model's one-line summary; it opens the Kernels panel. */
export function codeLenses(doc: TextDocument, source: SourceAnalysis): CodeLens[] {
  const device = source.device;
  if (!device) return [];
  const lenses: CodeLens[] = [];
  for (const k of source.kernels) {
    const model = source.models.get(k.name);
    if (!model) continue;
    const range = spanToRange(doc, k.nameSpan);
    lenses.push({ range, command: { title: summaryLine(model.model, device), command: "kernellens.showKernels", arguments: [doc.uri, k.name] } });
    lenses.push({ range, command: { title: "📈 Roofline", command: "kernellens.showRoofline", arguments: [doc.uri, k.name] } });
  }
  return lenses;
}

/** Hints after each loop header: trip count, FLOPs and bytes per iteration (averaged over the dispatch). */
export function inlayHints(doc: TextDocument, source: SourceAnalysis, range: Range): InlayHint[] {
  const hints: InlayHint[] = [];
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const seen = new Set<number>();
  for (const model of source.models.values()) {
    for (const l of model.model.loops) {
      const at = toOriginalSpan(source.pre, { start: l.headerEnd, end: l.headerEnd });
      if (at.file !== "" || at.span.start < from || at.span.start > to || seen.has(at.span.start)) continue;
      seen.add(at.span.start);
      hints.push({ position: doc.positionAt(at.span.start), label: loopHint(l), paddingLeft: true, tooltip: `trip count: ${l.tripCountText}; per-iteration averages over the whole dispatch (cost model, ${source.device?.name ?? ""})` });
    }
  }
  return hints;
}

/** Markdown for the model at an analysed-text offset: the breakdown on an entry point's name, or an access. */
export function modelHover(source: SourceAnalysis, offset: number, entryName: string | undefined): string | undefined {
  const device = source.device;
  if (!device) return undefined;
  if (entryName) {
    const m = source.models.get(entryName);
    // With quantized weights, the same kernel with the weights in other formats (memory-bound: about 16 / bits).
    if (m) {
      const whatIf = quantWhatIfMarkdown(quantWhatIf(m.model, m.quantization ?? [], device));
      return breakdownMarkdown(m.model, device) + (whatIf ? `\n\n${whatIf}` : "");
    }
  }
  // The innermost access whose expression covers the offset.
  let best: { md: string; size: number } | undefined;
  for (const m of source.models.values()) {
    for (const a of m.model.accesses) {
      if (offset < a.span.start || offset > a.span.end) continue;
      const size = a.span.end - a.span.start;
      if (!best || size < best.size) best = { md: accessMarkdown(a, device), size };
    }
  }
  return best?.md;
}
