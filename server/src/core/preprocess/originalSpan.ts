// Maps spans of preprocessed text back to the original file, landing on the #include line for included text.
import type { Span } from "../wgsl/ast";
import type { PreprocessResult } from "./preprocess";

/** Maps a span of the preprocessed text back to the original file; spans inside includes land on the #include. */
export function toOriginalSpan(pre: PreprocessResult, span: Span): { span: Span; file: string; fileSpan: Span } {
  if (!pre.expanded) return { span, file: "", fileSpan: span };
  const start = pre.map.toSource(span.start, "start");
  const end = pre.map.toSource(span.end, "end");
  if (start.file === "") {
    const endOffset = end.file === "" ? Math.max(end.offset, start.offset) : start.offset;
    return { span: { start: start.offset, end: endOffset }, file: "", fileSpan: { start: start.offset, end: endOffset } };
  }
  const site = pre.includeSites.get(start.file) ?? { start: 0, end: 0 };
  const fileEnd = end.file === start.file ? Math.max(end.offset, start.offset) : start.offset;
  return { span: site, file: start.file, fileSpan: { start: start.offset, end: fileEnd } };
}
