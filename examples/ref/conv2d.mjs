// Float64 reference for examples/conv2d.wgsl: direct NCHW convolution (batch 1), 3 x 3 kernel, stride 1, zero
// padding 1, plus a per-output-channel bias.

const KSIZE = 3;
const PAD = 1;

/**
 * @param {{ buffers: Record<string, ArrayLike<number>>, uniforms: Record<string, Record<string, number>>,
 *   lets: Record<string, number>, overrides: Record<string, number> }} inputs
 * @returns {{ dst: Float64Array }}
 */
export function reference(inputs) {
  const { src, weights, bias } = inputs.buffers;
  const p = inputs.uniforms.params ?? {};
  const cIn = p.c_in ?? inputs.lets.CIN;
  const cOut = p.c_out ?? inputs.lets.COUT;
  const h = p.height ?? inputs.lets.H;
  const w = p.width ?? inputs.lets.W;
  const dst = new Float64Array(cOut * h * w);
  for (let oc = 0; oc < cOut; oc++) {
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < w; ox++) {
        let acc = bias[oc];
        for (let ic = 0; ic < cIn; ic++) {
          for (let ky = 0; ky < KSIZE; ky++) {
            const iy = oy + ky - PAD;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < KSIZE; kx++) {
              const ix = ox + kx - PAD;
              if (ix < 0 || ix >= w) continue;
              acc += src[(ic * h + iy) * w + ix] * weights[((oc * cIn + ic) * KSIZE + ky) * KSIZE + kx];
            }
          }
        }
        dst[(oc * h + oy) * w + ox] = acc;
      }
    }
  }
  return { dst };
}
