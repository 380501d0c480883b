// The shared model's findings in Triton's words: programs and threads instead of workgroups and invocations, shared
// memory instead of workgroup memory, warps instead of subgroups, and the `# @` directives where a message tells
// what line to add.

const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/Let local_invocation_id\.x index the contiguous dimension, or stage the tile through workgroup memory\./g, "Make the contiguous dimension the block's last axis (the pointer offsets' fastest-varying one)."],
  [/local_invocation_id\.x/g, "the thread index"],
  [/local_invocation_index/g, "the thread's index"],
  [/workgroup_id/g, "tl.program_id"],
  [/num_workgroups/g, "tl.num_programs"],
  [/\/\/ @override ([A-Za-z_]\w*)/g, "# @arg $1"],
  [/\/\/ @(let|arg|dispatch|grid|buffer)\b/g, "# @$1"],
  [/(?<!@)\bworkgroup-memory\b/g, "shared-memory"],
  [/\bworkgroup memory\b/g, "shared memory"],
  [/\bWorkgroup memory\b/g, "Shared memory"],
  [/\bworkgroups\b/g, "programs"],
  [/\bworkgroup\b/g, "program"],
  [/\binvocations\b/g, "threads"],
  [/\binvocation\b/g, "thread"],
  [/\bsubgroups\b/g, "warps"],
  [/\bsubgroup\b/g, "warp"],
  [/(?<!@)\bdispatch\b/g, "grid"],
];

/** A message of the shared model, in Triton's vocabulary. */
export function tritonWords(message: string): string {
  let out = message;
  for (const [re, to] of PHRASES) out = out.replace(re, to);
  return out;
}
