// The words a language uses for the launch's parts, shared by the model's prose (format.ts) and the webview pages
// (the Roofline panel and the HTML report word their charts and tables with them): so it imports nothing.

/** The words a language uses for the launch's parts: WGSL's invocations and workgroups, CUDA's threads and blocks. */
export interface LaunchWords {
  readonly invocation: string;
  readonly invocations: string;
  readonly workgroup: string;
  readonly workgroups: string;
  readonly Workgroup: string;
  readonly workgroupMemory: string;
  readonly WorkgroupMemory: string;
  readonly dispatch: string;
  readonly Dispatch: string;
}

export const WGSL_WORDS: LaunchWords = {
  invocation: "invocation", invocations: "invocations", workgroup: "workgroup", workgroups: "workgroups", Workgroup: "Workgroup",
  workgroupMemory: "workgroup memory", WorkgroupMemory: "Workgroup memory", dispatch: "dispatch", Dispatch: "Dispatch",
};

export const CUDA_WORDS: LaunchWords = {
  invocation: "thread", invocations: "threads", workgroup: "block", workgroups: "blocks", Workgroup: "Block",
  workgroupMemory: "shared memory", WorkgroupMemory: "Shared memory", dispatch: "grid", Dispatch: "Grid",
};

/**
 * Triton's: a kernel runs as programs (one per grid point, num_warps x 32 threads each, which Triton's code never
 * names); shared memory and the grid as in CUDA.
 */
export const TRITON_WORDS: LaunchWords = {
  invocation: "thread", invocations: "threads", workgroup: "program", workgroups: "programs", Workgroup: "Program",
  workgroupMemory: "shared memory", WorkgroupMemory: "Shared memory", dispatch: "grid", Dispatch: "Grid",
};
