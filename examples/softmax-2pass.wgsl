// Row-wise softmax in two passes over global memory, with the online (running max, rescaled sum) recurrence.
//
// One workgroup of WG = 256 invocations per row; invocation t handles elements t, t + WG, ... (coalesced).
// Pass 1 reads the row once and keeps a running maximum m and a sum s of exp(x - m) that is rescaled whenever m
// grows: m' = max(m, v); s = s * exp(m - m') + exp(v - m'). The workgroup then merges the (m, s) pairs in a tree
// with the same rule. Pass 2 reads the row again and writes exp(x - m) / s. One global pass fewer than the 3-pass
// kernel, paid for with one more exp per element.
//
// By hand, with R = 256 rows of L = 1024 (dispatch 256 workgroups of 256 = 65,536 invocations):
//   FLOPs per element: pass 1 one max + two subtracts + one multiply + one add = 5; pass 2 one subtract + one
//          divide = 2; so 7. Per tree merge: one max + two subtracts + two multiplies + one add = 6, and a tree does
//          WG - 1 = 255 merges. Per row: 7 L + 6 x 255 = 7,168 + 1,530 = 8,698. Total: 256 x 8,698 = 2,226,688.
//   Special ops: exp 3 times per element (2 in pass 1, 1 in pass 2) + 2 per merge: per row 3 L + 510 = 3,582;
//          total 256 x 3,582 = 916,992.
//   Compulsory bytes: 8 R L = 2,097,152. Global reads issued: 2 R L x 4 bytes (two passes).
//   Workgroup memory: 2 x WG floats = 2,048 bytes. Barriers: 1 after the store + 8 tree steps = 9.
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

var<workgroup> red_max: array<f32, WG>;
var<workgroup> red_sum: array<f32, WG>;

@compute @workgroup_size(WG)
fn softmax_2pass(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.x;
  if (row >= params.rows) {
    return;
  }
  let base = row * params.len;

  // Pass 1: running maximum and rescaled sum in one loop. The start value is finite so that exp(m - m') is 0, not
  // NaN, on the first element.
  var m = -3.402823e38;
  var s = 0.0;
  for (var j = lid; j < params.len; j += WG) {
    let v = x[base + j];
    let m_new = max(m, v);
    s = s * exp(m - m_new) + exp(v - m_new);
    m = m_new;
  }

  // Merge the invocations' (m, s) pairs.
  red_max[lid] = m;
  red_sum[lid] = s;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride >> 1u) {
    if (lid < stride) {
      let m_a = red_max[lid];
      let m_b = red_max[lid + stride];
      let m_ab = max(m_a, m_b);
      red_sum[lid] = red_sum[lid] * exp(m_a - m_ab) + red_sum[lid + stride] * exp(m_b - m_ab);
      red_max[lid] = m_ab;
    }
    workgroupBarrier();
  }
  let row_max = red_max[0];
  let row_sum = red_sum[0];

  // Pass 2: normalise.
  for (var j = lid; j < params.len; j += WG) {
    y[base + j] = exp(x[base + j] - row_max) / row_sum;
  }
}
