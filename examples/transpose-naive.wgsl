// Naive matrix transpose: out (C x R) = transpose(in (R x C)), f32, row-major, one invocation per element.
//
// Invocation (x, y) = (column c, row r) reads in[r * C + c] and writes out[c * R + r]. Neighbouring invocations in x
// read neighbouring addresses (coalesced), but write addresses R * 4 = 4 KiB apart (uncoalesced): every 4-byte store
// lands in a different memory segment, so a warp's 32 stores touch 32 segments instead of 1 (a 32-byte sector moved
// per 4-byte element: 8x the useful write traffic).
//
// By hand, with R = 1024 rows and C = 768 columns (dispatch 48 x 64 workgroups of 16 x 16 = 786,432 invocations, all
// in bounds):
//   FLOPs: 0 (a transpose only moves data; the index arithmetic is integer work).
//   Special ops: 0.
//   Compulsory bytes: R C elements read + R C written, 4 bytes each = 8 R C = 6,291,456.
//   Workgroup memory: none. Barriers: none.
// @let R = 1024
// @let C = 768
// @dispatch ceil(C / 16), ceil(R / 16)
// @buffer src[R * C] = random(-1, 1)
// @buffer dst[R * C]
// @uniform dims = { rows: R, cols: C }
// @check dst ~ js("./ref/transpose.mjs") rtol=0

struct Dims {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> dims: Dims;

@compute @workgroup_size(16, 16)
fn transpose_naive(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let r = gid.y;
  if (r < dims.rows && c < dims.cols) {
    dst[c * dims.rows + r] = src[r * dims.cols + c];
  }
}
