// The cost model of one analysed file as the editor's views read it, whatever its language: the device, the kernels
// by name, each kernel's model, where the models' spans lie in the document, and the same kernels on another device.
//
// The front-ends place their models differently: WGSL's spans are in the preprocessed text (mapped back through
// the preprocessor's source map here), CUDA's are already in the original text (code from an included header lands
// on its `#include` line), Triton's are in the Python text as written (one model per kernel and configuration).
// Lenses, hints, hovers and the Roofline panel read only this interface.
import type { CudaFileAnalysis, FileAnalysis, TritonFileAnalysis } from "../analysisService";
import { analyzeKernel } from "../core/analysis/kernelAnalysis";
import type { SourceAnalysis } from "../core/analysis/sourceAnalysis";
import type { DeviceSpec } from "../core/devices/device";
import { type KernelAnalysis, modelKernel } from "../core/model/analyzeKernel";
import type { PreprocessResult } from "../core/preprocess/preprocess";
import { toOriginalSpan } from "../core/preprocess/originalSpan";
import type { Span } from "../core/span";
import { CUDA_WORDS, type LaunchWords, TRITON_WORDS, WGSL_WORDS } from "../core/model/format";
import type { KernelIR } from "../core/kernel/ir";
import type { ResolvedLaunch } from "../core/kernel/launch";

export interface ModelledSource {
  readonly language: "wgsl" | "cuda" | "triton";
  /** The words the numbers are told in (WGSL's invocations and workgroups, CUDA's threads and blocks, Triton's programs). */
  readonly words: LaunchWords;
  /** The document's text as written (not preprocessed). */
  readonly text: string;
  /** The device the models were made for; undefined where no model ran. */
  readonly device: DeviceSpec | undefined;
  /**
   * The modelled kernels (WGSL: compute entry points; Triton: one per function and configuration, several sharing a
   * name span), by the names `models` uses, name spans in the document.
   */
  readonly kernels: readonly { readonly name: string; readonly nameSpan: Span }[];
  readonly models: ReadonlyMap<string, KernelAnalysis>;
  /** Where a span of the models (a loop, an access) lies in the document; undefined where it is in an included file. */
  documentSpan(span: Span): Span | undefined;
  /** The kernels modelled on another device, for their numbers (the Roofline panel): their spans are not mapped. */
  remodel(device: DeviceSpec): ReadonlyMap<string, KernelAnalysis>;
}

/** The view of either language's analysis. */
export function modelledSource(analysis: FileAnalysis): ModelledSource {
  if (analysis.language === "wgsl") return modelledWgsl(analysis.source);
  return analysis.language === "cuda" ? modelledCuda(analysis) : modelledTriton(analysis);
}

export function modelledWgsl(source: SourceAnalysis): ModelledSource {
  return {
    language: "wgsl",
    words: WGSL_WORDS,
    text: source.text,
    device: source.device,
    kernels: source.kernels.filter((k) => k.stage === "compute"),
    models: source.models,
    documentSpan: (span) => {
      const mapped = toOriginalSpan(source.pre, span);
      return mapped.file === "" ? mapped.span : undefined;
    },
    remodel: (device) => wgslModelsOn(source, device),
  };
}

export function modelledCuda(analysis: CudaFileAnalysis): ModelledSource {
  const { source } = analysis;
  return {
    language: "cuda",
    words: CUDA_WORDS,
    text: source.text,
    device: analysis.device,
    kernels: source.kernels,
    models: source.models,
    documentSpan: (span) => (fromIncludedFile(source.pre, span) ? undefined : span),
    remodel: (device) => cudaModelsOn(analysis, device),
  };
}

export function modelledTriton(analysis: TritonFileAnalysis): ModelledSource {
  const { source } = analysis;
  return {
    language: "triton",
    words: TRITON_WORDS,
    text: source.text,
    device: analysis.device,
    kernels: source.kernels,
    models: source.models,
    // Python has no includes: every span of the models is in the document.
    documentSpan: (span) => span,
    remodel: (device) => {
      const analysed = analysis.device;
      // The warp width sizes each program's threads (num_warps x warp), the compute capability the compiled numbers.
      if (!analysed || analysed.warpSize !== device.warpSize || analysed.computeCapability !== device.computeCapability) return analysis.reanalyzeOn(device).models;
      return modelsOn(source.kernels, source.irs, source.launches, device);
    },
  };
}

/** A span of the original text that lies on a top-level `#include` line: code from the included file maps there. */
export function fromIncludedFile(pre: PreprocessResult, span: Span): boolean {
  if (!pre.expanded) return false;
  for (const site of pre.includeSites.values()) if (span.start >= site.start && span.end <= site.end) return true;
  return false;
}

/** WGSL: the core's model run again over the same parse (no re-parse: only the device differs). */
function wgslModelsOn(source: SourceAnalysis, device: DeviceSpec): ReadonlyMap<string, KernelAnalysis> {
  const models = new Map<string, KernelAnalysis>();
  const withDevice: SourceAnalysis = { ...source, models, device };
  for (const k of source.kernels) {
    if (k.stage !== "compute") continue;
    try {
      // The quantized bindings do not depend on the device: keep the ones the document's analysis found.
      models.set(k.name, { ...analyzeKernel(withDevice, k, device, new Map(), {}, source.problemSize), quantization: source.models.get(k.name)?.quantization });
    } catch {
      // The analysis that published diagnostics already reported a model failure where the kernel is; here the
      // kernel just has no point.
    }
  }
  return models;
}

/**
 * CUDA: where the device has the analysed device's warp width and compute capability, the kernel IR and the resolved
 * launches are what an analysis for it would build (the warp width sizes launches inferred from `warpSize`; the
 * compute capability picks `#if __CUDA_ARCH__` branches), so only the model runs again. Otherwise the file is
 * analysed again for that device.
 */
function cudaModelsOn(analysis: CudaFileAnalysis, device: DeviceSpec): ReadonlyMap<string, KernelAnalysis> {
  const analysed = analysis.device;
  if (!analysed || analysed.warpSize !== device.warpSize || analysed.computeCapability !== device.computeCapability) return analysis.reanalyzeOn(device).models;
  return modelsOn(analysis.source.kernels, analysis.source.irs, analysis.source.launches, device);
}

/** Only the model run again, on the same IRs and launches (CUDA's and Triton's kernels on a like device). */
function modelsOn(kernels: readonly { readonly name: string }[], irs: ReadonlyMap<string, KernelIR>, launches: ReadonlyMap<string, ResolvedLaunch>, device: DeviceSpec): ReadonlyMap<string, KernelAnalysis> {
  const models = new Map<string, KernelAnalysis>();
  for (const k of kernels) {
    const ir = irs.get(k.name);
    const launch = launches.get(k.name);
    if (!ir || !launch) continue;
    try {
      models.set(k.name, { model: modelKernel(ir, launch, device).model, diagnostics: [] });
    } catch {
      // As for WGSL: the document's analysis reported the failure; the kernel has no point on this device.
    }
  }
  return models;
}
