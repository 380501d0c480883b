// Translates editor positions to offsets in the analysed (preprocessed) text and spans back to LSP locations.
import type { Location, Position } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import type { SourceAnalysis } from "../core/analysis/sourceAnalysis";
import { toOriginalSpan } from "../core/preprocess/originalSpan";
import type { Span } from "../core/wgsl/ast";
import { spanToRange } from "./convert";

/** The offset in the analysed text for an editor position, or undefined where preprocessing removed that text. */
export function analysedOffset(doc: TextDocument, source: SourceAnalysis, position: Position): number | undefined {
  const offset = doc.offsetAt(position);
  return source.pre.expanded ? source.pre.map.toExpanded(offset) : offset;
}

function offsetToPosition(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** An LSP location for a span of the analysed text: in this document, or in the included file it came from. */
export function locationOf(doc: TextDocument, source: SourceAnalysis, span: Span): Location {
  const mapped = toOriginalSpan(source.pre, span);
  if (mapped.file === "") return { uri: doc.uri, range: spanToRange(doc, mapped.span) };
  const text = source.pre.includedTexts.get(mapped.file) ?? "";
  return {
    uri: URI.file(mapped.file).toString(),
    range: { start: offsetToPosition(text, mapped.fileSpan.start), end: offsetToPosition(text, mapped.fileSpan.end) },
  };
}

/** The identifier-like word around an offset of `text`, with its span. */
export function wordAt(text: string, offset: number): { word: string; span: Span } | undefined {
  const isWord = (c: string | undefined): boolean => !!c && /[A-Za-z0-9_]/.test(c);
  let start = offset;
  let end = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  while (end < text.length && isWord(text[end])) end++;
  if (start === end) return undefined;
  return { word: text.slice(start, end), span: { start, end } };
}
