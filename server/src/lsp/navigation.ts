// Go to definition and find references for WGSL declarations, and go to an included file from its #include line.
import type { Location, Position } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import type { SourceAnalysis } from "../core/analysis/sourceAnalysis";
import { resolutionOf } from "./hover";
import { analysedOffset, locationOf } from "./positions";

function includeAt(source: SourceAnalysis, offset: number): Location | undefined {
  for (const [file, site] of source.pre.includeSites) {
    if (offset >= site.start && offset <= site.end) return { uri: URI.file(file).toString(), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  }
  return undefined;
}

export function definition(doc: TextDocument, source: SourceAnalysis, position: Position): Location | null {
  const include = includeAt(source, doc.offsetAt(position));
  if (include) return include;
  const offset = analysedOffset(doc, source, position);
  if (offset === undefined) return null;
  const symbol = resolutionOf(source).symbolAt(offset);
  return symbol ? locationOf(doc, source, symbol.nameSpan) : null;
}

export function references(doc: TextDocument, source: SourceAnalysis, position: Position, includeDeclaration: boolean): Location[] {
  const offset = analysedOffset(doc, source, position);
  if (offset === undefined) return [];
  const resolution = resolutionOf(source);
  const symbol = resolution.symbolAt(offset);
  if (!symbol) return [];
  const seen = new Set<string>();
  const out: Location[] = [];
  for (const span of resolution.referencesOf(symbol, includeDeclaration)) {
    const loc = locationOf(doc, source, span);
    // Several macro uses can map to one place; list each place once.
    const key = `${loc.uri}:${loc.range.start.line}:${loc.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(loc);
  }
  return out;
}
