// Float64 reference for examples/transpose-naive.wgsl and examples/transpose-tiled.wgsl: dst (cols x rows) is the
// transpose of src (rows x cols), both row-major.

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>>,
 *   lets: Record<string, number>, overrides: Record<string, number> }} inputs
 * @returns {{ dst: Float64Array }}
 */
export function reference(inputs) {
  const { src } = inputs.buffers;
  const rows = inputs.uniforms.dims?.rows ?? inputs.lets.R;
  const cols = inputs.uniforms.dims?.cols ?? inputs.lets.C;
  const dst = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
  }
  return { dst };
}
