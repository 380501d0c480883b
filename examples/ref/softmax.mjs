// Float64 reference for the softmax examples (3-pass, 2-pass, online): for each of `rows` rows of `len` elements,
// y = exp(x - max) / sum(exp(x - max)).

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>>,
 *   lets: Record<string, number>, overrides: Record<string, number> }} inputs
 * @returns {{ y: Float64Array }}
 */
export function reference(inputs) {
  const { x } = inputs.buffers;
  const rows = inputs.uniforms.params?.rows ?? inputs.lets.R;
  const len = inputs.uniforms.params?.len ?? inputs.lets.L;
  const y = new Float64Array(rows * len);
  for (let r = 0; r < rows; r++) {
    const base = r * len;
    let max = -Infinity;
    for (let j = 0; j < len; j++) max = Math.max(max, x[base + j]);
    let sum = 0;
    for (let j = 0; j < len; j++) {
      const e = Math.exp(x[base + j] - max);
      y[base + j] = e;
      sum += e;
    }
    for (let j = 0; j < len; j++) y[base + j] /= sum;
  }
  return { y };
}
