// Answers `kernellens/documentKernels`: the kernels of a document with their bindings, in protocol types.
//
// WGSL: the entry points as written. CUDA: each analysed kernel (an instantiation, or one of several launches) as a
// compute kernel whose bindings are its pointer parameters and `__shared__` arrays (from the kernel IR), and whose
// workgroup size is the launch's block size. Triton: each kernel and configuration, its pointer parameters as bindings
// and num_warps x 32 threads as its workgroup size.
import type { CudaFileAnalysis, TritonFileAnalysis, WgslFileAnalysis } from "../analysisService";
import type { BindingIR } from "../core/kernel/ir";
import { DYNAMIC_SHARED_PARAM } from "../core/kernel/launch";
import type { DocumentKernelsResult, KernelBindingInfo, KernelInfo } from "../protocol";
import { spanToRange } from "./convert";
import { dimsText } from "./cudaLaunchText";
import type { DocumentState } from "./documentAnalyses";

export function kernelsResult(uri: string, state: DocumentState | undefined): DocumentKernelsResult {
  if (!state) return { uri, defines: [], kernels: [], diagnostics: { errors: 0, warnings: 0, infos: 0 } };
  const { analysis, document } = state;
  const count = (sev: string): number => analysis.diagnostics.filter((d) => d.severity === sev).length;
  const rangeOf = (span: { start: number; end: number }): KernelInfo["range"] => spanToRange(document, span);
  const listed = analysis.language === "wgsl" ? wgslKernels(analysis, rangeOf) : analysis.language === "cuda" ? cudaKernels(analysis, rangeOf) : tritonKernels(analysis, rangeOf);
  return { uri, ...listed, diagnostics: { errors: count("error"), warnings: count("warning"), infos: count("info") + count("hint") } };
}

type RangeOf = (span: { start: number; end: number }) => KernelInfo["range"];

function wgslKernels(analysis: WgslFileAnalysis, rangeOf: RangeOf): Pick<DocumentKernelsResult, "defines" | "kernels"> {
  return {
    defines: [...analysis.source.variant.defines],
    kernels: analysis.source.kernels.map((k) => ({
      name: k.name,
      stage: k.stage,
      workgroupSizeText: k.workgroupSize.text,
      workgroupSize: k.workgroupSize.value ? [k.workgroupSize.value[0], k.workgroupSize.value[1], k.workgroupSize.value[2]] : null,
      range: rangeOf(k.nameSpan),
      bindings: k.bindings.map((b) => ({
        name: b.name,
        group: b.group,
        binding: b.binding,
        addressSpace: b.addressSpace,
        accessMode: b.accessMode,
        type: b.typeText,
      })),
    })),
  };
}

function cudaKernels(analysis: CudaFileAnalysis, rangeOf: RangeOf): Pick<DocumentKernelsResult, "defines" | "kernels"> {
  const { source } = analysis;
  return {
    defines: [...analysis.defines],
    kernels: source.kernels.map((k) => ({
      name: k.name,
      stage: "compute",
      workgroupSizeText: dimsText(k.launch.block),
      workgroupSize: k.launch.block ? [k.launch.block[0], k.launch.block[1], k.launch.block[2]] : null,
      range: rangeOf(k.nameSpan),
      bindings: (source.irs.get(k.name)?.bindings ?? []).flatMap((b) => {
        const info = cudaBinding(b);
        return info ? [info] : [];
      }),
    })),
  };
}

function tritonKernels(analysis: TritonFileAnalysis, rangeOf: RangeOf): Pick<DocumentKernelsResult, "defines" | "kernels"> {
  const { source } = analysis;
  return {
    defines: [],
    kernels: source.kernels.map((k) => {
      const ir = source.irs.get(k.name);
      const threads = (analysis.device?.warpSize ?? 32) * k.config.numWarps;
      return {
        name: k.name,
        stage: "compute",
        workgroupSizeText: `num_warps=${k.config.numWarps} (${threads} threads)`,
        workgroupSize: [threads, 1, 1],
        range: rangeOf(k.nameSpan),
        bindings: (ir?.bindings ?? []).flatMap((b) => (b.space === "global" ? [{ name: b.name, group: null, binding: null, addressSpace: "global", accessMode: b.access, type: `*${b.elementType}` }] : [])),
      };
    }),
  };
}

/** A pointer parameter (global memory) or a `__shared__` array; other IR bindings are no CUDA binding. */
function cudaBinding(b: BindingIR): KernelBindingInfo | undefined {
  const accessMode = b.access;
  if (b.space === "global") return { name: b.name, group: null, binding: null, addressSpace: "global", accessMode, type: `${b.elementType}*` };
  if (b.space !== "workgroup") return undefined;
  const type =
    b.bytes?.k === "const" ? `__shared__ ${b.elementType} (${b.bytes.v.toLocaleString("en-US")} bytes)`
    : b.bytes?.k === "var" && b.bytes.name === `override.${DYNAMIC_SHARED_PARAM}` ? `extern __shared__ ${b.elementType}[]`
    : `__shared__ ${b.elementType}`;
  return { name: b.name, group: null, binding: null, addressSpace: "shared", accessMode, type };
}
