// A kernel written for a C-like preprocessor, as WebGPU kernel libraries (llama.cpp's among them) do.
// KernelLens analyses the variant chosen by the @define lines below (or the kernellens.preprocessor.defines setting).
// @define VEC_WIDTH=4
// @let N = 1 << 16
// @dispatch ceil(N / (VEC_WIDTH * 64))
// @buffer src[N / VEC_WIDTH] = random(-1, 1)
// @buffer dst[N / VEC_WIDTH]
// @uniform params = { n: N, scale: 0.5 }
#include "common.wgsl"

#if VEC_WIDTH == 4
#define VEC vec4<FLOAT>
#else
#define VEC FLOAT
#endif

@group(0) @binding(0) var<storage, read> src: array<VEC>;
@group(0) @binding(1) var<storage, read_write> dst: array<VEC>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < params.n / VEC_WIDTH) {
    dst[i] = src[i] * VEC(FLOAT(params.scale));
  }
}
