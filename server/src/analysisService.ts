// Runs the whole per-file analysis the server and the CLI publish: the pure core plus Tint, mapped to the original.
//
// Tint is the authority for WGSL errors: when it is available, the KernelLens parser's syntax errors are not
// published (they would duplicate Tint's and could disagree with the real compiler). Without Tint, they are.
import { analyzePrepared, type AnalyzeOptions, prepareSource, type PreparedSource, type SourceAnalysis } from "./core/analysis/sourceAnalysis";
import type { CoreDiagnostic } from "./core/diagnostic";
import { toOriginalSpan } from "./core/preprocess/originalSpan";
import type { TintCompiler, TintMessage } from "./tint/tintCompiler";

export interface FileAnalysis {
  readonly source: SourceAnalysis;
  /** Every diagnostic to publish, spans in the original text, sorted by position. */
  readonly diagnostics: readonly CoreDiagnostic[];
  /** Milliseconds spent in Tint and in the whole analysis. */
  readonly timing: { readonly tintMs: number; readonly totalMs: number };
  readonly tintAvailable: boolean;
}

/** Converts Tint's messages into diagnostics on the original text; `info` notes join the error before them. */
export function tintDiagnostics(messages: readonly TintMessage[], source: Pick<SourceAnalysis, "pre">): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  let last: { diag: CoreDiagnostic; related: { message: string; file: string; span?: { start: number; end: number } }[] } | undefined;
  for (const m of messages) {
    const mapped = toOriginalSpan(source.pre, { start: m.offset, end: m.offset + Math.max(m.length, 0) });
    const inInclude = mapped.file !== "";
    if (m.type === "info" && last) {
      last.related.push({ message: m.message, file: mapped.file, span: inInclude ? mapped.fileSpan : mapped.span });
      continue;
    }
    const related: { message: string; file: string; span?: { start: number; end: number } }[] = [];
    if (inInclude) related.push({ message: m.message, file: mapped.file, span: mapped.fileSpan });
    const diag: CoreDiagnostic = {
      severity: m.type === "error" ? "error" : m.type === "warning" ? "warning" : "info",
      code: m.type === "error" ? "tint-error" : m.type === "warning" ? "tint-warning" : "tint-info",
      message: inInclude ? `${m.message} (in included file '${mapped.file}')` : m.message,
      span: mapped.span,
      source: "tint",
      related,
    };
    out.push(diag);
    last = { diag, related };
  }
  return out;
}

/** What Tint says about a prepared file (empty when the preprocessor failed: the text is not the meant variant). */
export async function compilePrepared(prepared: PreparedSource, tint: TintCompiler): Promise<{ diagnostics: CoreDiagnostic[]; ms: number; failed?: CoreDiagnostic }> {
  if (prepared.pre.problems.some((p) => p.severity === "error")) return { diagnostics: [], ms: 0 };
  try {
    const result = await tint.compile(prepared.pre.text);
    return { diagnostics: tintDiagnostics(result.messages, prepared), ms: result.ms };
  } catch (err) {
    return {
      diagnostics: [],
      ms: 0,
      failed: { severity: "warning", code: "tint-failed", message: `Tint could not compile this file: ${(err as Error).message}`, span: { start: 0, end: 0 }, source: "kernellens" },
    };
  }
}

export function sortDiagnostics(list: CoreDiagnostic[]): CoreDiagnostic[] {
  return list.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.message.localeCompare(b.message));
}

/** Combines Tint's verdict with the full analysis; the parser's syntax errors stand in only when Tint cannot. */
export function combine(source: SourceAnalysis, tint: Awaited<ReturnType<typeof compilePrepared>> | undefined): CoreDiagnostic[] {
  const list = [...source.diagnostics];
  if (tint && !tint.failed) list.push(...tint.diagnostics);
  else {
    if (tint?.failed) list.push(tint.failed);
    list.push(...source.syntaxErrors);
  }
  return sortDiagnostics(list);
}

export async function analyzeFile(text: string, options: AnalyzeOptions, tint: TintCompiler | undefined): Promise<FileAnalysis> {
  const started = performance.now();
  const prepared = prepareSource(text, options);
  const compiled = tint ? await compilePrepared(prepared, tint) : undefined;
  const source = analyzePrepared(prepared);
  return { source, diagnostics: combine(source, compiled), timing: { tintMs: compiled?.ms ?? 0, totalMs: performance.now() - started }, tintAvailable: !!tint };
}
