// Runs the whole per-file analysis the server and the CLI publish: for WGSL the pure core plus Tint, for CUDA and
// Triton the tree-sitter front-ends (no compiler, no Python), each mapped to the original text.
//
// Tint is the authority for WGSL errors: when it is available, the KernelLens parser's syntax errors are not
// published (they would duplicate Tint's and could disagree with the real compiler). Without Tint, they are.
// CUDA has no such authority without nvcc: the CUDA front-end's own syntax errors are published.
import { analyzePrepared, type AnalyzeOptions, prepareSource, type PreparedSource, type SourceAnalysis } from "./core/analysis/sourceAnalysis";
import { analyzeCudaSource, type CudaAnalyzeOptions, type CudaParser, type CudaSession, type CudaSourceAnalysis } from "./core/cuda/analyze";
import type { CoreDiagnostic } from "./core/diagnostic";
import { analyzeTritonSource, importsTriton, type PythonParser, type TritonAnalyzeOptions } from "./core/triton/analyze";
import type { TritonSourceAnalysis } from "./core/triton/types";
import type { DeviceSpec } from "./core/devices/device";
import { toOriginalSpan } from "./core/preprocess/originalSpan";
import type { TintCompiler, TintMessage } from "./tint/tintCompiler";

/** One file's analysis, tagged with the language whose front-end read it. */
export type FileAnalysis = WgslFileAnalysis | CudaFileAnalysis | TritonFileAnalysis;

export interface WgslFileAnalysis {
  readonly language: "wgsl";
  readonly source: SourceAnalysis;
  /** Every diagnostic to publish, spans in the original text, sorted by position. */
  readonly diagnostics: readonly CoreDiagnostic[];
  /** Milliseconds spent in Tint and in the whole analysis. */
  readonly timing: { readonly tintMs: number; readonly totalMs: number };
  readonly tintAvailable: boolean;
}

export interface CudaFileAnalysis {
  readonly language: "cuda";
  /** Every span in it (kernels, models, diagnostics) is in the original text. */
  readonly source: CudaSourceAnalysis;
  /** Every diagnostic to publish, spans in the original text, sorted by position. */
  readonly diagnostics: readonly CoreDiagnostic[];
  readonly timing: { readonly totalMs: number };
  /** The defines the file was analysed with (a setting or `--define`). */
  readonly defines: readonly string[];
  /** The device the kernels were modelled on; undefined when no model ran. */
  readonly device: DeviceSpec | undefined;
  /**
   * The same text analysed again for another device, with the same parser, defines, includes and model options: what
   * the analysis would have been with that device configured (the device's compute capability picks `#if
   * __CUDA_ARCH__` branches and its warp width sizes launches inferred from `warpSize`).
   */
  readonly reanalyzeOn: (device: DeviceSpec) => CudaSourceAnalysis;
}

export interface TritonFileAnalysis {
  readonly language: "triton";
  /** Every span in it is in the document's text (Python has no preprocessor). */
  readonly source: TritonSourceAnalysis;
  /** Every diagnostic to publish, sorted by position; none for a file that does not import triton. */
  readonly diagnostics: readonly CoreDiagnostic[];
  readonly timing: { readonly totalMs: number };
  /** The device the kernels were modelled on; undefined when no model ran. */
  readonly device: DeviceSpec | undefined;
  /** The same text analysed for another device (Triton's configurations do not depend on it; the model does). */
  readonly reanalyzeOn: (device: DeviceSpec) => TritonSourceAnalysis;
}

/** The CUDA grammar, or why it could not be loaded (the caller loads it once: server/src/treeSitter/grammars.ts). */
export type CudaGrammar = CudaParser | { readonly error: string };

export type CudaFileOptions = Omit<CudaAnalyzeOptions, "parser" | "keepTree">;

/** The diagnostic code of a CUDA file that could not be analysed because the grammar did not load. */
export const CUDA_GRAMMAR_UNAVAILABLE = "cuda-grammar-unavailable";

/** A parser that reads nothing: the analysis of a file the front-end is not run on (no grammar, a refused size). */
const READS_NOTHING: CudaParser = { parse: () => null };

/**
 * Analyses a CUDA file. Without a grammar the file gets one diagnostic saying why, and nothing else (no kernels, no
 * preprocessor problems): nothing KernelLens could say about it would be right.
 */
export function analyzeCudaFile(text: string, options: CudaFileOptions, grammar: CudaGrammar): CudaFileAnalysis {
  const started = performance.now();
  const parser = "error" in grammar ? READS_NOTHING : grammar;
  const analyzeOn = (body: string, model: CudaFileOptions["model"], session?: CudaSession): CudaSourceAnalysis => analyzeCudaSource(body, { ...options, model, parser, session });
  // The document's session serves its own keystrokes; another device's what-if reads the file without it.
  const source = analyzeOn(text, options.model, options.session);
  const diagnostics =
    "error" in grammar
      ? [{ severity: "error" as const, code: CUDA_GRAMMAR_UNAVAILABLE, message: `KernelLens cannot analyse CUDA here: ${grammar.error}`, span: { start: 0, end: 0 }, source: "kernellens" as const }]
      : sortDiagnostics([...source.diagnostics]);
  return {
    language: "cuda",
    source,
    diagnostics,
    timing: { totalMs: performance.now() - started },
    defines: [...(options.defines ?? [])],
    device: options.model?.device,
    // ptxas's numbers were compiled for the analysed device's architecture: another compute capability gets estimates.
    reanalyzeOn: (device) => analyzeOn(text, { ...(options.model ?? {}), device, compiled: device.computeCapability === options.model?.device.computeCapability ? options.model?.compiled : undefined }),
  };
}

/** The Python grammar, or why it could not be loaded (loaded once, on the first Python file that imports triton). */
export type PythonGrammar = PythonParser | { readonly error: string };

export type TritonFileOptions = Omit<TritonAnalyzeOptions, "parser">;

/** The code of the Triton front-end's syntax errors (tree-sitter-python's ERROR nodes). */
export const TRITON_SYNTAX = "triton-syntax";

/** The diagnostic code of a Triton file that could not be analysed because the Python grammar did not load. */
export const PYTHON_GRAMMAR_UNAVAILABLE = "python-grammar-unavailable";

/** The analysis of a Python file that does not import triton, or of one not read at all: nothing. */
export function emptyTritonSource(text: string): TritonSourceAnalysis {
  return { language: "triton", text, importsTriton: false, diagnostics: [], kernels: [], models: new Map(), irs: new Map(), launches: new Map(), directives: [], timings: { parseMs: 0, readMs: 0, lowerMs: 0, modelMs: 0 } };
}

/**
 * Analyses a Python file's Triton kernels. A file that does not import triton is not parsed: it gets an empty
 * analysis and no diagnostics. Without a grammar a Triton file gets one diagnostic saying why, and nothing else.
 */
export function analyzeTritonFile(text: string, options: TritonFileOptions, grammar: PythonGrammar | undefined): TritonFileAnalysis {
  const started = performance.now();
  if (!importsTriton(text) || !grammar) {
    const source = emptyTritonSource(text);
    return { language: "triton", source, diagnostics: [], timing: { totalMs: performance.now() - started }, device: undefined, reanalyzeOn: () => source };
  }
  const parser = "error" in grammar ? READS_NOTHING : grammar;
  // The document's session serves its own keystrokes; another device's what-if reads the file without it.
  const analyzeOn = (model: TritonFileOptions["model"], session?: TritonFileOptions["session"]): TritonSourceAnalysis => analyzeTritonSource(text, { ...options, model, parser, session });
  const source = "error" in grammar ? emptyTritonSource(text) : analyzeOn(options.model, options.session);
  const diagnostics =
    "error" in grammar
      ? [{ severity: "error" as const, code: PYTHON_GRAMMAR_UNAVAILABLE, message: `KernelLens cannot analyse Triton here: ${grammar.error}`, span: { start: 0, end: 0 }, source: "kernellens" as const }]
      : sortDiagnostics([...source.diagnostics]);
  return {
    language: "triton",
    source,
    diagnostics,
    timing: { totalMs: performance.now() - started },
    device: options.model?.device,
    // The compiler's numbers are for the analysed device's architecture: another compute capability gets estimates.
    reanalyzeOn: (device) => analyzeOn({ ...(options.model ?? {}), device, compiled: device.computeCapability === options.model?.device.computeCapability ? options.model?.compiled : undefined }),
  };
}

/** The analysis of a file too large to analyse: only the diagnostic that says so, in the file's language. */
export function refusedAnalysis(language: FileAnalysis["language"], diagnostic: CoreDiagnostic, totalMs: number): FileAnalysis {
  if (language === "wgsl") return { language, source: analyzePrepared(prepareSource("")), diagnostics: [diagnostic], timing: { tintMs: 0, totalMs }, tintAvailable: false };
  if (language === "triton") {
    const empty = emptyTritonSource("");
    return { language, source: empty, diagnostics: [diagnostic], timing: { totalMs }, device: undefined, reanalyzeOn: () => empty };
  }
  const source = analyzeCudaSource("", { parser: READS_NOTHING });
  return { language, source, diagnostics: [diagnostic], timing: { totalMs }, defines: [], device: undefined, reanalyzeOn: () => source };
}

/** The parse had no syntax errors: features that need whole kernels can trust it while the author keeps typing. */
export function parsedCleanly(analysis: FileAnalysis): boolean {
  if (analysis.language === "wgsl") return analysis.source.module.errors.length === 0;
  if (analysis.language === "triton") return !analysis.source.diagnostics.some((d) => d.code === TRITON_SYNTAX);
  return !analysis.source.diagnostics.some((d) => d.code === "cuda-syntax");
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

export async function analyzeFile(text: string, options: AnalyzeOptions, tint: TintCompiler | undefined): Promise<WgslFileAnalysis> {
  const started = performance.now();
  const prepared = prepareSource(text, options);
  const compiled = tint ? await compilePrepared(prepared, tint) : undefined;
  const source = analyzePrepared(prepared);
  return { language: "wgsl", source, diagnostics: combine(source, compiled), timing: { tintMs: compiled?.ms ?? 0, totalMs: performance.now() - started }, tintAvailable: !!tint };
}
