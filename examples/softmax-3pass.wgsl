// Row-wise softmax in three passes over global memory: y[r, j] = exp(x[r, j] - max_r) / sum_j exp(x[r, j] - max_r).
//
// One workgroup of WG = 256 invocations per row; invocation t handles elements t, t + WG, t + 2 WG, ... (coalesced).
// Pass 1 reads the row to find its maximum, pass 2 reads it again to sum exp(x - max), pass 3 reads it a third time
// to write the normalised values. Each pass ends in a workgroup tree reduction (max, then sum).
//
// By hand, with R = 256 rows of L = 1024 (dispatch 256 workgroups of 256 = 65,536 invocations; L / WG = 4 elements
// per invocation per pass):
//   FLOPs per element: pass 1 one max (max counts 1 FLOP); pass 2 one subtract + one add; pass 3 one subtract + one
//          divide: 5. Per row: 5 L + (WG - 1) maxes + (WG - 1) adds in the two trees = 5,120 + 510 = 5,630.
//          Total: 256 x 5,630 = 1,441,280.
//   Special ops: exp twice per element (pass 2 and pass 3): 2 R L = 524,288.
//   Compulsory bytes: x read once + y written once = 8 R L = 2,097,152. Global reads issued: 3 R L x 4 bytes
//          (three passes); a 4 KiB row usually stays in cache between passes, so DRAM sees less.
//   Workgroup memory: WG floats = 1,024 bytes. Barriers: 10 per reduction (1 after the store, 8 tree steps, 1 before
//          the shared slot is reused) x 2 = 20.
// @let R = 256
// @let L = 1024
// @dispatch R
// @buffer x[R * L] = random(-4, 4)
// @buffer y[R * L]
// @uniform params = { rows: R, len: L }
// @check y ~ js("./ref/softmax.mjs") rtol=1e-4 atol=1e-7

struct Params {
  rows: u32,
  len: u32,
}

const WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> red: array<f32, WG>;

fn workgroup_max(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride >> 1u) {
    if (lid < stride) {
      red[lid] = max(red[lid], red[lid + stride]);
    }
    workgroupBarrier();
  }
  let result = red[0];
  // Every invocation has read red[0] before the next reduction overwrites it.
  workgroupBarrier();
  return result;
}

fn workgroup_sum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride >> 1u) {
    if (lid < stride) {
      red[lid] = red[lid] + red[lid + stride];
    }
    workgroupBarrier();
  }
  let result = red[0];
  workgroupBarrier();
  return result;
}

@compute @workgroup_size(WG)
fn softmax_3pass(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.x;
  if (row >= params.rows) {
    return;
  }
  let base = row * params.len;

  // Pass 1: the row's maximum (subtracting it keeps exp from overflowing).
  var m = -3.402823e38;
  for (var j = lid; j < params.len; j += WG) {
    m = max(m, x[base + j]);
  }
  let row_max = workgroup_max(m, lid);

  // Pass 2: the sum of exp(x - max).
  var s = 0.0;
  for (var j = lid; j < params.len; j += WG) {
    s += exp(x[base + j] - row_max);
  }
  let row_sum = workgroup_sum(s, lid);

  // Pass 3: normalise.
  for (var j = lid; j < params.len; j += WG) {
    y[base + j] = exp(x[base + j] - row_max) / row_sum;
  }
}
