// The Roofline chart's words for the charted file's language: WGSL's workgroup memory, CUDA's and Triton's shared memory.
//
// Every label of the chart that names the on-chip memory a workgroup (block) shares, or what the file's kernels are
// called, reads it here: the roof label, the tooltip, the bound labels, the summary and the chart's description.
import type { RooflineLanguage } from "../../../server/src/protocol";
import { CUDA_WORDS, TRITON_WORDS, WGSL_WORDS } from "../../../server/src/core/model/launchWords";

export interface RooflineWords {
  /** What the summary counts, singular: WGSL's compute entry points, CUDA's `__global__` functions. */
  readonly kernel: string;
  /** The same kernels where a sentence says the file has none. */
  readonly entryPoints: string;
  /** The on-chip memory a workgroup (CUDA: block) shares, lower case mid-sentence. */
  readonly workgroupMemory: string;
  /** The same, capitalised, to start a line. */
  readonly WorkgroupMemory: string;
}

const words: Readonly<Record<RooflineLanguage, RooflineWords>> = {
  // The model's own words (server/src/core/model/format.ts), so the chart and the hovers never disagree.
  wgsl: { kernel: "compute kernel", entryPoints: "compute entry points", workgroupMemory: WGSL_WORDS.workgroupMemory, WorkgroupMemory: WGSL_WORDS.WorkgroupMemory },
  cuda: { kernel: "__global__ kernel", entryPoints: "__global__ kernels", workgroupMemory: CUDA_WORDS.workgroupMemory, WorkgroupMemory: CUDA_WORDS.WorkgroupMemory },
  triton: { kernel: "@triton.jit kernel", entryPoints: "@triton.jit kernels", workgroupMemory: TRITON_WORDS.workgroupMemory, WorkgroupMemory: TRITON_WORDS.WorkgroupMemory },
};

/** The words of a data set's language; data without one (sent before it was added) is WGSL's. */
export function rooflineWords(language: RooflineLanguage | undefined): RooflineWords {
  return words[language === "cuda" || language === "triton" ? language : "wgsl"];
}
