// Converts core results (offset spans, core diagnostics) into LSP types at the server's boundary.
import { type Diagnostic, DiagnosticSeverity, type Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import type { CoreDiagnostic, Severity } from "../core/diagnostic";
import type { Span } from "../core/wgsl/ast";
import { LineIndex } from "../core/wgsl/lineIndex";

export function spanToRange(doc: Pick<TextDocument, "positionAt">, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * `includedText(key)` gives the text of an included file, so related locations inside it get real line numbers;
 * include keys are absolute file paths.
 */
export function toLspDiagnostic(doc: TextDocument, d: CoreDiagnostic, includedText: (key: string) => string | undefined): Diagnostic {
  const diagnostic: Diagnostic = {
    range: spanToRange(doc, d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: d.source,
    message: d.message,
  };
  if (d.related && d.related.length > 0) {
    diagnostic.relatedInformation = d.related.map((r) => {
      if (r.file === "") return { location: { uri: doc.uri, range: spanToRange(doc, r.span ?? d.span) }, message: r.message };
      const lines = new LineIndex(includedText(r.file) ?? "");
      const span = r.span ?? { start: 0, end: 0 };
      return { location: { uri: URI.file(r.file).toString(), range: { start: lines.positionAt(span.start), end: lines.positionAt(span.end) } }, message: r.message };
    });
  }
  return diagnostic;
}
