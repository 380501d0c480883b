// Converts core results (offset spans, core diagnostics) into LSP types at the server's boundary.
import { type Diagnostic, DiagnosticSeverity, type Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import type { CoreDiagnostic, Severity } from "../core/diagnostic";
import type { Span } from "../core/wgsl/ast";

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
      const text = includedText(r.file) ?? "";
      const lines = lineStarts(text);
      const at = (o: number): { line: number; character: number } => {
        let line = 0;
        while (line + 1 < lines.length && lines[line + 1] <= o) line++;
        return { line, character: o - lines[line] };
      };
      const span = r.span ?? { start: 0, end: 0 };
      return { location: { uri: URI.file(r.file).toString(), range: { start: at(span.start), end: at(span.end) } }, message: r.message };
    });
  }
  return diagnostic;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
