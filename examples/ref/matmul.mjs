// Float64 reference for the matmul examples (naive, tiled, register-blocked): c (m x n) = a (m x k) * b (k x n),
// row-major. Buffers bound as arrays of vec4<f32> arrive as flat float arrays, so one layout serves all three.

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>>,
 *   lets: Record<string, number>, overrides: Record<string, number> }} inputs
 * @returns {{ c: Float64Array }}
 */
export function reference(inputs) {
  const { a, b } = inputs.buffers;
  const dims = inputs.uniforms.dims ?? {};
  const m = dims.m ?? inputs.lets.M;
  const n = dims.n ?? inputs.lets.N;
  const k = dims.k ?? inputs.lets.K;
  const c = new Float64Array(m * n);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    // i-k-j order: the inner loop walks rows of b and c contiguously.
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      const bRow = p * n;
      for (let j = 0; j < n; j++) row[j] += av * b[bRow + j];
    }
    c.set(row, i * n);
  }
  return { c };
}
