// The shared model's findings in CUDA's words: blocks and threads instead of workgroups and invocations, shared
// memory instead of workgroup memory, warps instead of subgroups, threadIdx.x instead of local_invocation_id.x, and
// the CUDA directives (`// @arg`, `// @grid`) where a message tells what line to add.

const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/Let local_invocation_id\.x index the contiguous dimension, or stage the tile through workgroup memory\./g, "Let threadIdx.x index the contiguous dimension, or stage the tile through shared memory (loads by threadIdx.x, reads by row)."],
  [/make the workgroup 32 invocations wide/g, "make threadIdx.x span the 32 lanes of a warp"],
  [/Index it only with constants and the counter of an innermost loop with a constant trip count: write the outer loops out\./g, "Index it only with constants and counters of loops with constant trip counts (nvcc unrolls those), never with a thread index or a bound known only at run time."],
  [/or allow more registers per invocation: fewer resident workgroups in the launch bounds, a higher register limit\./g, "or allow more registers per thread: a smaller minBlocksPerMultiprocessor (or block size) in __launch_bounds__, a higher -maxrregcount (or __maxnreg__)."],
  [/local_invocation_id\.x/g, "threadIdx.x"],
  [/local_invocation_index/g, "the thread's linear index"],
  [/workgroup_id/g, "blockIdx"],
  [/num_workgroups/g, "gridDim"],
  [/\/\/ @override ([A-Za-z_]\w*)/g, "// @arg $1"],
  [/(?<!@)\bworkgroup-memory\b/g, "shared-memory"],
  [/\bworkgroup memory\b/g, "shared memory"],
  [/\bWorkgroup memory\b/g, "Shared memory"],
  [/\bworkgroups\b/g, "blocks"],
  [/\bworkgroup\b/g, "block"],
  [/\binvocations\b/g, "threads"],
  [/\binvocation\b/g, "thread"],
  [/\bsubgroups\b/g, "warps"],
  [/\bsubgroup\b/g, "warp"],
  [/(?<!@)\bdispatch\b/g, "grid"],
];

/** A message of the shared model, in CUDA's vocabulary. */
export function cudaWords(message: string): string {
  let out = message;
  for (const [re, to] of PHRASES) out = out.replace(re, to);
  return out;
}
