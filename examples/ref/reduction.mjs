// Float64 reference for examples/reduction.wgsl: one partial sum per workgroup, each over a block of 2 * WG
// consecutive elements of x (elements at or past n count as zero).

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>>,
 *   lets: Record<string, number>, overrides: Record<string, number> }} inputs
 * @returns {{ sums: Float64Array }}
 */
export function reference(inputs) {
  const { x } = inputs.buffers;
  const n = inputs.uniforms.params?.n ?? inputs.lets.N ?? x.length;
  const wg = inputs.overrides.WG ?? 256;
  const block = 2 * wg;
  const groups = Math.ceil(n / block);
  const sums = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let s = 0;
    const end = Math.min(n, (g + 1) * block);
    for (let i = g * block; i < end; i++) s += x[i];
    sums[g] = s;
  }
  return { sums };
}
