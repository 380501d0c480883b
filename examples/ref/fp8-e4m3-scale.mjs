// Float64 reference for examples/quant/fp8-e4m3-scale.wgsl over the dequantized e4m3 values: y = x s.
//
// `@quantize x: e4m3` gives references `x` (the packed codes), `x_float` (the values before quantization) and
// `x_dequant` (what the codes decode to, exact in float32).

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>> }} inputs
 * @returns {{ y: Float64Array }}
 */
export function reference(inputs) {
  return { y: scaled(inputs.buffers.x_dequant, inputs.uniforms.params) };
}

/** y[i] = x[i] s for i < n, in float64. */
export function scaled(x, params) {
  const y = new Float64Array(params.n);
  for (let i = 0; i < params.n; i++) y[i] = x[i] * params.s;
  return y;
}
