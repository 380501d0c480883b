// Which compute entry points of a kernel have `// @sweep` lines in force, found by reading the text: pure, no vscode.
//
// A `@sweep` line is in force for an entry point when it stands at the top of the file (before the first
// declaration: it applies to every entry point) or in the comment block directly above that entry point, the same
// placement rule the sweep engine applies (launch.ts's scopeDirectives, which this calls). The directives are
// parsed by the engine's own parser, so a lens is offered exactly where a sweep would find parameters; a malformed
// `@sweep` line is the language server's error to show, not a lens.
import { parseDirectives, directivesFor, nextCodeOffset, scopeDirectives, maskComments, type Directive } from "../../../server/src/engine";

/** Offsets into the text, start inclusive, end exclusive. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export interface ComputeEntry {
  readonly name: string;
  /** The whole declaration head: from its first attribute to the `{` that opens its body (or the name's end). */
  readonly head: TextSpan;
  readonly nameSpan: TextSpan;
}

export interface SweepLine extends TextSpan {
  /** The parameter the line sweeps. */
  readonly parameter: string;
  /** Whether it is a file-level line (in force for every entry point) rather than the entry point's own. */
  readonly fileLevel: boolean;
}

export interface SweepEntry extends ComputeEntry {
  /** The `@sweep` lines in force for the entry point, in text order (file-level lines first). */
  readonly sweepLines: readonly SweepLine[];
}

/** Skips whitespace, comments and preprocessor lines other than `#include` (which stands for the declarations it brings). */
function nextDeclarationOffset(text: string, from: number): number {
  let i = nextCodeOffset(text, from);
  while (i < text.length && text[i] === "#" && !text.startsWith("#include", i)) {
    const nl = text.indexOf("\n", i);
    i = nextCodeOffset(text, nl < 0 ? text.length : nl + 1);
  }
  return i;
}

/**
 * Offset of the file's first declaration (what ends the file-level directives), skipping `enable`, `requires` and
 * `diagnostic` statements as the engine does; undefined when the file declares nothing.
 */
export function firstDeclarationOffset(text: string, masked: string = maskComments(text)): number | undefined {
  let i = nextDeclarationOffset(text, 0);
  while (i < text.length) {
    const rest = masked.slice(i, i + 16);
    if (!/^(enable|requires|diagnostic)\b/.test(rest)) return i;
    const semicolon = masked.indexOf(";", i);
    if (semicolon < 0) return undefined;
    i = nextDeclarationOffset(text, semicolon + 1);
  }
  return undefined;
}

/** Every compute entry point declared in code (not in comments), in text order. */
export function computeEntries(text: string, masked: string = maskComments(text)): ComputeEntry[] {
  const found: ComputeEntry[] = [];
  const pattern = /@\s*compute\b[^;{}]*?\bfn\s+([A-Za-z_]\w*)/g;
  for (let m = pattern.exec(masked); m; m = pattern.exec(masked)) {
    const name = m[1]!;
    const nameStart = m.index + m[0].length - name.length;
    // The declaration starts after whatever ended the previous one (`;` or `}`), at its first attribute.
    const before = Math.max(masked.lastIndexOf(";", m.index), masked.lastIndexOf("}", m.index));
    let start = nextDeclarationOffset(text, before + 1);
    if (start > m.index) start = m.index;
    const brace = masked.indexOf("{", nameStart);
    found.push({ name, head: { start, end: brace < 0 ? nameStart + name.length : brace + 1 }, nameSpan: { start: nameStart, end: nameStart + name.length } });
  }
  return found;
}

/** The compute entry points with at least one `@sweep` line in force, each with those lines. */
export function findSweepEntries(text: string): SweepEntry[] {
  // Most kernels have no sweep at all: nothing to parse or scope then.
  if (!/@sweep\b/.test(text)) return [];
  const sweeps = parseDirectives(text).directives.filter((d): d is Extract<Directive, { kind: "sweep" }> => d.kind === "sweep");
  if (sweeps.length === 0) return [];
  const masked = maskComments(text);
  const entries = computeEntries(text, masked);
  const scoped = scopeDirectives(
    text,
    sweeps,
    entries.map((e) => ({ name: e.name, span: e.head, nameSpan: e.nameSpan })),
    firstDeclarationOffset(text, masked),
  );
  const fileLevel = new Set<Directive>(scoped.file);
  const result: SweepEntry[] = [];
  for (const entry of entries) {
    const lines = directivesFor(scoped, entry.name)
      .filter((d): d is Extract<Directive, { kind: "sweep" }> => d.kind === "sweep")
      .map((d) => ({ start: d.span.start, end: d.span.end, parameter: d.name.name, fileLevel: fileLevel.has(d) }));
    if (lines.length > 0) result.push({ ...entry, sweepLines: lines });
  }
  return result;
}

/**
 * The entry points a cursor at `offset` is about: the one whose declaration head holds it, or those whose `@sweep`
 * lines hold it (a file-level line belongs to every entry point it is in force for).
 */
export function sweepEntriesAt(entries: readonly SweepEntry[], offset: number): SweepEntry[] {
  const inside = (s: TextSpan): boolean => offset >= s.start && offset <= s.end;
  return entries.filter((e) => inside(e.head) || e.sweepLines.some(inside));
}
