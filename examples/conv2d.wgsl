// Direct 2-D convolution, NCHW, batch 1: dst[oc, y, x] = bias[oc] + sum over ic, ky, kx of
// src[ic, y + ky - 1, x + kx - 1] * weights[oc, ic, ky, kx], with a 3 x 3 kernel, stride 1 and zero padding 1 (so
// the output is H x W). One invocation per output element: x, y from the 8 x 8 workgroup, the output channel in z.
//
// Padding taps are skipped, not multiplied by zero: a tap whose input row or column falls outside the image
// `continue`s before any arithmetic. So only the taps inside the image count.
//
// By hand, with C_in = 16, C_out = 32, H = W = 64 (dispatch 8 x 8 x 32 workgroups of 8 x 8 = 131,072 invocations, one
// per output element, all in bounds):
//   Taps inside the image, along one axis: 62 interior positions x 3 + 2 border positions x 2 = 190 (not 3 x 64 =
//   192); in 2-D: 190 x 190 = 36,100 per (output channel, input channel) pair, not 64 x 64 x 9 = 36,864.
//   FLOPs: one multiply + one add per tap inside the image: 2 x C_out x C_in x 36,100 = 36,966,400. (Counting the
//          padding taps too would give 2 x C_out x H x W x C_in x 9 = 37,748,736.) The bias starts the accumulator:
//          no FLOP.
//   Special ops: 0.
//   Compulsory bytes: src C_in H W = 65,536 + weights C_out C_in 9 = 4,608 + bias 32 + dst C_out H W = 131,072
//          floats = 201,248 floats = 804,992 bytes.
//   Workgroup memory: none. Barriers: none.
// @let CIN = 16
// @let COUT = 32
// @let H = 64
// @let W = 64
// @dispatch ceil(W / 8), ceil(H / 8), COUT
// @buffer src[CIN * H * W] = random(-1, 1)
// @buffer weights[COUT * CIN * 9] = random(-0.5, 0.5)
// @buffer bias[COUT] = random(-0.1, 0.1)
// @buffer dst[COUT * H * W]
// @uniform params = { c_in: CIN, c_out: COUT, height: H, width: W }
// @check dst ~ js("./ref/conv2d.mjs") rtol=1e-4 atol=1e-5

struct ConvParams {
  c_in: u32,
  c_out: u32,
  height: u32,
  width: u32,
}

const KSIZE: i32 = 3;
const PAD: i32 = 1;

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
@group(0) @binding(4) var<uniform> params: ConvParams;

@compute @workgroup_size(8, 8, 1)
fn conv2d(@builtin(global_invocation_id) gid: vec3<u32>) {
  let ox = gid.x;
  let oy = gid.y;
  let oc = gid.z;
  if (ox >= params.width || oy >= params.height || oc >= params.c_out) {
    return;
  }
  let h = i32(params.height);
  let w = i32(params.width);
  var acc = bias[oc];
  for (var ic = 0u; ic < params.c_in; ic++) {
    let src_base = ic * params.height * params.width;
    let w_base = (oc * params.c_in + ic) * u32(KSIZE * KSIZE);
    for (var ky = 0; ky < KSIZE; ky++) {
      let iy = i32(oy) + ky - PAD;
      if (iy < 0 || iy >= h) {
        continue;
      }
      for (var kx = 0; kx < KSIZE; kx++) {
        let ix = i32(ox) + kx - PAD;
        if (ix < 0 || ix >= w) {
          continue;
        }
        acc += src[src_base + u32(iy * w + ix)] * weights[w_base + u32(ky * KSIZE + kx)];
      }
    }
  }
  dst[(oc * params.height + oy) * params.width + ox] = acc;
}
