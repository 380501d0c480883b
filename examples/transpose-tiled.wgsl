// Tiled matrix transpose through workgroup memory: out (C x R) = transpose(in (R x C)), f32, row-major.
//
// A 32 x 8 workgroup moves a 32 x 32 tile: each invocation copies 4 elements (rows ly, ly + 8, ly + 16, ly + 24 of
// the tile) into workgroup memory with coalesced reads, the workgroup waits at a barrier, then each invocation
// writes 4 elements of the transposed tile with coalesced writes: a warp of 32 invocations writes 32 neighbouring
// addresses, where the naive kernel's writes are R elements apart.
// The tile row is padded to 33 floats so that reading a tile column (stride 33 words) hits 32 different banks; an
// unpadded 32-float row would put a whole column in one bank (a 32-way conflict). A 32-wide workgroup keeps each
// warp on one tile row: with a 16-wide one, a warp would span two rows and conflict 2-way even with the padding.
//
// Why the global-memory traffic is lower than transpose-naive.wgsl: the bytes that must move are the same (each element
// read once, written once), but here every warp's store covers whole segments; the naive kernel's strided stores
// move a 32-byte sector for each 4-byte element.
//
// By hand, with R = 1024 and C = 768 (dispatch C / 32 x R / 32 = 24 x 32 workgroups of 32 x 8 = 196,608 invocations,
// 4 elements each, all in bounds):
//   FLOPs: 0. Special ops: 0.
//   Compulsory bytes: 8 R C = 6,291,456 (as for the naive transpose).
//   Workgroup memory: 32 x 33 floats = 4,224 bytes. Barriers: 1 per invocation.
// @let R = 1024
// @let C = 768
// @dispatch ceil(C / 32), ceil(R / 32)
// @buffer src[R * C] = random(-1, 1)
// @buffer dst[R * C]
// @uniform dims = { rows: R, cols: C }
// @check dst ~ js("./ref/transpose.mjs") rtol=0

struct Dims {
  rows: u32,
  cols: u32,
}

const TILE: u32 = 32u;
const BLOCK_ROWS: u32 = 8u;

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> dims: Dims;

var<workgroup> tile: array<array<f32, 33>, 32>;

@compute @workgroup_size(32, 8)
fn transpose_tiled(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Load the tile at rows wid.y * TILE.., columns wid.x * TILE.. of the input.
  let c_in = wid.x * TILE + lid.x;
  for (var j = 0u; j < TILE; j += BLOCK_ROWS) {
    let r_in = wid.y * TILE + lid.y + j;
    if (r_in < dims.rows && c_in < dims.cols) {
      tile[lid.y + j][lid.x] = src[r_in * dims.cols + c_in];
    }
  }
  workgroupBarrier();

  // Store: output row = input column. Output (wid.x * TILE + ly + j, wid.y * TILE + lx) holds input element
  // (wid.y * TILE + lx, wid.x * TILE + ly + j) = tile[lx][ly + j].
  let c_out = wid.y * TILE + lid.x;
  for (var j = 0u; j < TILE; j += BLOCK_ROWS) {
    let r_out = wid.x * TILE + lid.y + j;
    if (r_out < dims.cols && c_out < dims.rows) {
      dst[r_out * dims.rows + c_out] = tile[lid.x][lid.y + j];
    }
  }
}
