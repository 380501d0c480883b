// The JSON shape of `kernellens analyze --json`: the public CLI contract of the design note, built from an analysis.
import { TextDocument } from "vscode-languageserver-textdocument";
import type { FileAnalysis } from "../analysisService";
import { toOriginalSpan } from "../core/preprocess/originalSpan";
import type { WireRange } from "../protocol";
import { type KernelJson, toKernelJson } from "./kernelJson";

export interface AnalyzeDiagnosticJson {
  range: WireRange;
  severity: "error" | "warning" | "info" | "hint";
  code: string;
  message: string;
  source: "tint" | "kernellens";
}

export interface AnalyzeFileJson {
  file: string;
  language: FileAnalysis["language"];
  device: { id: string; name: string; source: string };
  diagnostics: AnalyzeDiagnosticJson[];
  /** The cost model of each kernel: WGSL's compute entry points, CUDA's analysed kernels (one per instantiation or launch). */
  kernels: KernelJson[];
}

export function toAnalyzeJson(file: string, text: string, analysis: FileAnalysis, device: { id: string; name: string; source: string }): AnalyzeFileJson {
  const doc = TextDocument.create("file:///x", analysis.language, 0, text);
  const rangeOf = (span: { start: number; end: number }): WireRange => ({ start: doc.positionAt(span.start), end: doc.positionAt(span.end) });
  return {
    file,
    language: analysis.language,
    device,
    diagnostics: analysis.diagnostics.map((d) => ({
      range: rangeOf(d.span),
      severity: d.severity,
      code: d.code,
      message: d.message,
      source: d.source,
    })),
    kernels: kernelsJson(analysis, rangeOf),
  };
}

function kernelsJson(analysis: FileAnalysis, rangeOf: (span: { start: number; end: number }) => WireRange): KernelJson[] {
  if (analysis.language === "cuda") {
    // The CUDA front-end's models are already in the original text.
    return analysis.source.kernels.map((k) => toKernelJson(k, analysis.source.models.get(k.name), rangeOf, (span) => span, k.launch.dynamicSharedBytes));
  }
  return analysis.source.kernels
    .filter((k) => k.stage === "compute")
    .map((k) => toKernelJson(k, analysis.source.models.get(k.name), rangeOf, (span) => toOriginalSpan(analysis.source.pre, span).span));
}
