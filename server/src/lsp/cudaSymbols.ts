// Document symbols of a CUDA file: its analysed kernels (one per template instantiation or distinct launch), with the
// launch as the detail. The C++ extension lists everything else the file declares.
import { type DocumentSymbol, SymbolKind } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { CudaSourceAnalysis } from "../core/cuda/analyze";
import { spanToRange } from "./convert";
import { launchText } from "./cudaLaunchText";
import { fromIncludedFile } from "./modelledSource";

export function cudaDocumentSymbols(doc: TextDocument, source: CudaSourceAnalysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const lineOf = (at: number): number => doc.positionAt(at).line;
  for (const k of source.kernels) {
    // Kernels of an included header belong to that header's outline.
    if (fromIncludedFile(source.pre, k.nameSpan)) continue;
    const range = spanToRange(doc, k.span);
    const inside = k.nameSpan.start >= k.span.start && k.nameSpan.end <= k.span.end;
    out.push({ name: k.name, detail: `__global__ · ${launchText(k, lineOf)}`, kind: SymbolKind.Event, range, selectionRange: inside ? spanToRange(doc, k.nameSpan) : range });
  }
  return out;
}
