// Workgroup tree reduction: sums N floats into one partial sum per workgroup (a second dispatch, or the host, adds
// the partial sums).
//
// Each workgroup of WG invocations owns a block of 2 WG consecutive elements. Invocation t loads x[base + t] and
// x[base + t + WG] and adds them (the "first add during load" trick: half the invocations would idle in the first
// tree step otherwise), stores the sum in workgroup memory, and the tree halves the active invocations each step:
// strides WG/2, WG/4, ..., 1.
//
// By hand, with N = 2^20 and WG = 256 (G = N / (2 WG) = 2048 workgroups, 524,288 invocations, every load in bounds):
//   FLOPs:  per workgroup, WG adds during the load + (128 + 64 + ... + 1) = WG - 1 adds in the tree = 2 WG - 1 = 511
//           (summing 2 WG numbers into one takes 2 WG - 1 adds); 2048 x 511 = 1,046,528 = N - G.
//   Special ops: none.
//   Compulsory bytes: every x element read once (4 N = 4,194,304) + one partial sum written per workgroup
//           (4 G = 8,192) = 4,202,496.
//   Workgroup memory: WG floats = 1,024 bytes. Barriers: 1 after the load + 1 per tree step (log2 WG = 8) = 9.
// @let N = 1 << 20
// @override WG = 256
// @dispatch ceil(N / (2 * WG))
// @buffer x[N] = random(-1, 1)
// @buffer sums[ceil(N / (2 * WG))]
// @uniform params = { n: N }
// @check sums ~ js("./ref/reduction.mjs") rtol=1e-4 atol=1e-4

struct Params {
  n: u32,
}

override WG: u32 = 256;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> sums: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn reduce_sum(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let base = wid.x * (2u * WG);
  let i = base + lid;
  var v = 0.0;
  if (i < params.n) {
    v = x[i];
  }
  if (i + WG < params.n) {
    v = v + x[i + WG];
  }
  partial[lid] = v;
  workgroupBarrier();

  for (var stride = WG / 2u; stride > 0u; stride = stride >> 1u) {
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
    workgroupBarrier();
  }

  if (lid == 0u) {
    sums[wid.x] = partial[0];
  }
}
