// Row-wise softmax fused into a single pass over global memory: the row stays in workgroup memory.
//
// One workgroup of WG = 256 invocations per row. The one global read loads the row into workgroup memory while
// taking each invocation's maximum; after the max reduction every invocation turns its own elements into
// exp(x - max) in place and sums them; after the sum reduction it writes exp(x - max) / sum. Invocation t only ever
// touches its own elements t, t + WG, ... of the on-chip row, so the row needs no barrier of its own. Global memory
// is read once and written once: the compulsory traffic is the whole global-memory traffic.
//
// By hand, with R = 256 rows of L = 1024 (dispatch 256 workgroups of 256 = 65,536 invocations):
//   FLOPs per element: one max + one subtract + one add + one divide = 4. Per row: 4 L + (WG - 1) maxes + (WG - 1)
//          adds in the two trees = 4,096 + 510 = 4,606. Total: 256 x 4,606 = 1,179,136.
//   Special ops: exp once per element: R L = 262,144.
//   Compulsory bytes: 8 R L = 2,097,152 (and the global traffic issued is the same: one pass).
//   Workgroup memory: the row (ROW_CAPACITY = 1,024 floats = 4,096 bytes) + the reduction slots (WG floats = 1,024
//          bytes) = 5,120 bytes. Barriers: 10 per reduction x 2 = 20.
// @let R = 256
// @let L = 1024
// @require L <= 1024
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
const ROW_CAPACITY: u32 = 1024u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> row_data: array<f32, ROW_CAPACITY>;
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
fn softmax_online(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.x;
  if (row >= params.rows) {
    return;
  }
  let base = row * params.len;

  // The only global read: the row into workgroup memory, and this invocation's maximum on the way.
  var m = -3.402823e38;
  for (var j = lid; j < params.len; j += WG) {
    let v = x[base + j];
    row_data[j] = v;
    m = max(m, v);
  }
  let row_max = workgroup_max(m, lid);

  // exp(x - max) in place, and its sum, from workgroup memory.
  var s = 0.0;
  for (var j = lid; j < params.len; j += WG) {
    let e = exp(row_data[j] - row_max);
    row_data[j] = e;
    s += e;
  }
  let row_sum = workgroup_sum(s, lid);

  // The only global write.
  for (var j = lid; j < params.len; j += WG) {
    y[base + j] = row_data[j] / row_sum;
  }
}
