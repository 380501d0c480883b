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
  language: "wgsl";
  device: { id: string; name: string; source: string };
  diagnostics: AnalyzeDiagnosticJson[];
  /** The cost model of each compute entry point. */
  kernels: KernelJson[];
}

export function toAnalyzeJson(file: string, text: string, analysis: FileAnalysis, device: { id: string; name: string; source: string }): AnalyzeFileJson {
  const doc = TextDocument.create("file:///x", "wgsl", 0, text);
  return {
    file,
    language: "wgsl",
    device,
    diagnostics: analysis.diagnostics.map((d) => ({
      range: { start: doc.positionAt(d.span.start), end: doc.positionAt(d.span.end) },
      severity: d.severity,
      code: d.code,
      message: d.message,
      source: d.source,
    })),
    kernels: analysis.source.kernels
      .filter((k) => k.stage === "compute")
      .map((k) =>
        toKernelJson(
          k,
          analysis.source.models.get(k.name),
          (span) => ({ start: doc.positionAt(span.start), end: doc.positionAt(span.end) }),
          (span) => toOriginalSpan(analysis.source.pre, span).span,
        ),
      ),
  };
}
