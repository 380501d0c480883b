// Int4 per-group GEMV (y = W x), dequantizing every weight inside the inner loop: the slow placement of the scale.
// W is ROWS x K signed 4-bit weights (stored as q + 8), 8 per u32 word, row-major; one f32 scale per group of 128
// consecutive weights of a row. The scale is constant over a group, yet `f32(q) * scale * x[k]` multiplies by it
// once per weight; int4-gemv-good.wgsl scales the group's partial sum once instead.
// @let ROWS = 4096
// @let K = 4096
// @let GROUP = 128
// @require K % GROUP == 0
// @dispatch ceil(ROWS / 64)
// @quant w: int4 group=128
// @buffer w[ROWS * K / 8] = randint(0, 4294967295)
// @buffer scales[ROWS * K / GROUP] = random(0.001, 0.01)
// @buffer x[K] = random(-1, 1)
// @buffer y[ROWS]
// @uniform params = { rows: ROWS, k: K }

struct GemvParams {
  rows: u32,
  k: u32,
}

const GROUP: u32 = 128u;

@group(0) @binding(0) var<storage, read> w: array<u32>;
@group(0) @binding(1) var<storage, read> scales: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: GemvParams;

@compute @workgroup_size(64)
fn gemv_int4_bad(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= params.rows) {
    return;
  }
  let words_per_row = params.k / 8u;
  let groups = params.k / GROUP;
  var acc = 0.0;
  for (var g = 0u; g < groups; g++) {
    // The first weight index of the group; the scale index is the weight index divided by the group size.
    let k0 = g * GROUP;
    let scale = scales[(row * params.k + k0) / GROUP];
    for (var k = k0; k < k0 + GROUP; k++) {
      let word = w[row * words_per_row + k / 8u];
      let q = i32((word >> ((k % 8u) * 4u)) & 0xFu) - 8;
      acc += f32(q) * scale * x[k];
    }
  }
  y[row] = acc;
}
