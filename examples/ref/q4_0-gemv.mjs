// Float64 reference for examples/quant/q4_0-gemv.wgsl over the dequantized weights: y[r] = sum_k wq[r K + k] x[k].
//
// `@quantize w: q4_0` gives references `w` (the packed words the kernel read), `w_float` (the weights before
// quantization) and `w_dequant` (what the packed blocks decode to, (q - 8) d, exact in float32).

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>> }} inputs
 * @returns {{ y: Float64Array }}
 */
export function reference(inputs) {
  return { y: gemv(inputs, inputs.buffers.w_dequant) };
}

/** y = W x in float64 for the row-major M x K weights `w`. */
export function gemv(inputs, w) {
  const { x } = inputs.buffers;
  const { m, k } = inputs.uniforms.params;
  const y = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += w[r * k + c] * x[c];
    y[r] = s;
  }
  return y;
}
