// Float64 reference for examples/quant/int8-dot.wgsl over the dequantized int8 values: 256-element partial dots.
//
// `@quantize a: int8` gives references `a` (the packed words: f32 scale, then codes), `a_float` (the values before
// quantization) and `a_dequant` (code * scale, exact in float32); the same for `b`.

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>> }} inputs
 * @returns {{ partial: Float64Array }}
 */
export function reference(inputs) {
  return { partial: partialDots(inputs.buffers.a_dequant, inputs.buffers.b_dequant, inputs.uniforms.params.n) };
}

/** partial[g] = sum of a[j] b[j] over j in [256 g, 256 g + 256), in float64. */
export function partialDots(a, b, n) {
  const groups = Math.ceil(n / 256);
  const partial = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let s = 0;
    for (let j = g * 256; j < Math.min(n, g * 256 + 256); j++) s += a[j] * b[j];
    partial[g] = s;
  }
  return partial;
}
