// Float64 reference for examples/saxpy.wgsl: out[i] = alpha * x[i] + y[i] for i < n.
//
// `inputs` is { buffers, uniforms, lets, overrides } as the runner passes it: buffers are the typed arrays the kernel
// saw (flat, one number per scalar), uniforms the values of each uniform struct's fields by binding name.
// alpha is an f32 uniform, so the kernel sees it rounded to float32: the reference rounds it the same way and then
// computes in float64.

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>>,
 *   lets: Record<string, number>, overrides: Record<string, number> }} inputs
 * @returns {{ out: Float64Array }}
 */
export function reference(inputs) {
  const { x, y } = inputs.buffers;
  const params = inputs.uniforms.params ?? {};
  const n = params.n ?? inputs.lets.N ?? x.length;
  const alpha = Math.fround(params.alpha ?? 0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = alpha * x[i] + y[i];
  return { out };
}
