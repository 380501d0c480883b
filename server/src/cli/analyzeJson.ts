// The JSON shape of `kernellens analyze --json`: the public CLI contract of the design note, built from an analysis.
import { TextDocument } from "vscode-languageserver-textdocument";
import type { FileAnalysis } from "../analysisService";
import { toOriginalSpan } from "../core/preprocess/originalSpan";
import type { WireRange } from "../protocol";
import { compiledCodeOf } from "../core/cuda/compiledCode";
import { findCompiledKernel } from "../core/cuda/compiledResources";
import type { SassLinesResult } from "../core/cuda/cubinLines";
import type { PtxModule } from "../core/cuda/ptxOpcodes";
import type { CudaKernelResources } from "../cuda/nvccResources";
import { type KernelJson, toKernelJson } from "./kernelJson";

export interface AnalyzeDiagnosticJson {
  range: WireRange;
  severity: "error" | "warning" | "info" | "hint";
  code: string;
  message: string;
  source: "tint" | "kernellens" | "nvcc";
}

export interface AnalyzeFileJson {
  file: string;
  language: FileAnalysis["language"];
  device: { id: string; name: string; source: string };
  diagnostics: AnalyzeDiagnosticJson[];
  /**
   * The cost model of each kernel: WGSL's compute entry points, CUDA's analysed kernels (one per instantiation or
   * launch), Triton's kernel functions (one per configuration, with `config`).
   */
  kernels: KernelJson[];
}

/** What nvcc added to a CUDA file's analysis: ptxas's kernels (their resources become exact) and its diagnostics. */
export interface NvccExtras {
  readonly kernels: readonly CudaKernelResources[];
  readonly diagnostics: readonly AnalyzeDiagnosticJson[];
  /** The architecture compiled for, the cubin's SASS per line and the parsed PTX, when the compile gave them. */
  readonly arch?: string;
  readonly sass?: SassLinesResult | null;
  readonly ptx?: PtxModule | null;
}

export function toAnalyzeJson(file: string, text: string, analysis: FileAnalysis, device: { id: string; name: string; source: string }, nvcc?: NvccExtras): AnalyzeFileJson {
  const doc = TextDocument.create("file:///x", analysis.language, 0, text);
  const rangeOf = (span: { start: number; end: number }): WireRange => ({ start: doc.positionAt(span.start), end: doc.positionAt(span.end) });
  const kernels = kernelsJson(analysis, rangeOf, nvcc?.kernels);
  const compiledDiagnostics: AnalyzeDiagnosticJson[] = [];
  if (nvcc?.sass && "error" in nvcc.sass) {
    compiledDiagnostics.push({ range: rangeOf({ start: 0, end: 0 }), severity: "info", code: "sass-unavailable", message: `SASS instructions per line are not shown: ${nvcc.sass.error}`, source: "kernellens" });
  }
  if (analysis.language === "cuda" && nvcc && (nvcc.sass || nvcc.ptx)) {
    // The cubin's SASS per line and the PTX cross-check of the model's FLOPs, per analysed kernel.
    const src = analysis.source;
    const code = compiledCodeOf(text, src.kernels, src.models, nvcc.kernels, nvcc.sass ?? null, nvcc.ptx ?? null);
    const lineRange = (line: number): WireRange => {
      const start = doc.offsetAt({ line: line - 1, character: 0 });
      const end = doc.offsetAt({ line, character: 0 });
      return rangeOf({ start, end: Math.max(start, text.slice(start, end).replace(/\r?\n$/, "").length + start) });
    };
    src.kernels.forEach((k, i) => {
      const c = code.get(k.name);
      if (!c) return;
      if (c.sass && nvcc.arch) {
        kernels[i]!.sass = { arch: nvcc.arch, instructions: c.sass.instructions, lines: c.sass.lines.map((l) => ({ line: l.line, instructions: l.instructions })), unattributed: c.sass.unattributed, exact: true };
      }
      for (const m of c.mismatches) {
        compiledDiagnostics.push({ range: lineRange(m.line), severity: "info", code: m.code, message: `${k.name}: ${m.message}`, source: "kernellens" });
      }
    });
  }
  return {
    file,
    language: analysis.language,
    device,
    diagnostics: analysis.diagnostics.map((d) => ({
      range: rangeOf(d.span),
      severity: d.severity,
      code: d.code,
      message: d.message,
      source: d.source as AnalyzeDiagnosticJson["source"],
    })).concat(nvcc?.diagnostics ?? [], compiledDiagnostics),
    kernels,
  };
}

function kernelsJson(analysis: FileAnalysis, rangeOf: (span: { start: number; end: number }) => WireRange, compiled?: readonly CudaKernelResources[]): KernelJson[] {
  if (analysis.language === "cuda") {
    // The CUDA front-end's models are already in the original text.
    return analysis.source.kernels.map((k) => {
      const json = toKernelJson(k, analysis.source.models.get(k.name), rangeOf, (span) => span, k.launch.dynamicSharedBytes);
      const c = compiled && findCompiledKernel(k.function, k.templateArgs.map((a) => a.value), compiled);
      if (!c) return json;
      const ptxas = c;
      json.resources = {
        registers: ptxas.registers,
        sharedMemoryBytes: ptxas.sharedMemoryBytes ?? 0,
        dynamicSharedMemoryBytes: k.launch.dynamicSharedBytes,
        stackBytes: ptxas.stackBytes,
        spillStoreBytes: ptxas.spillStoreBytes,
        spillLoadBytes: ptxas.spillLoadBytes,
        barriers: ptxas.barriers,
        exact: true,
      };
      return json;
    });
  }
  if (analysis.language === "triton") {
    // One entry per kernel function and configuration; Python has no preprocessor, so spans are the text's.
    return analysis.source.kernels.map((k) => {
      const json = toKernelJson(k, analysis.source.models.get(k.name), rangeOf);
      const r = k.resources;
      json.function = k.function;
      // The contract's shape, `{...constexprs, num_warps, num_stages}`: flat (a constexpr cannot be called num_warps:
      // Triton reserves the launch options' names).
      json.config = { ...Object.fromEntries(k.config.constexprs.map((c) => [c.name, c.value])), num_warps: k.config.numWarps, num_stages: k.config.numStages };
      json.configSource = k.config.source;
      // Triton decides shared memory and registers when it compiles: the front-end's estimate, or the compiler's.
      json.resources = { ...json.resources, registers: r.registersPerThread, sharedMemoryBytes: r.sharedBytes, dynamicSharedMemoryBytes: 0, spillStoreBytes: r.spills ?? null, exact: r.source === "exact" };
      return json;
    });
  }
  const wgsl = analysis.source;
  return wgsl.kernels
    .filter((k) => k.stage === "compute")
    .map((k) => toKernelJson(k, wgsl.models.get(k.name), rangeOf, (span) => toOriginalSpan(wgsl.pre, span).span));
}
