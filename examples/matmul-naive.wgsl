// Naive matrix multiply: C (M x N) = A (M x K) * B (K x N), f32, row-major, one invocation per element of C.
//
// Each invocation walks the full K dimension, reading a row of A and a column of B straight from global memory.
// Neighbouring invocations in x share the A element (a broadcast) and read neighbouring B elements (coalesced), so
// the accesses are coalesced, but nothing is reused on chip: every A and B element is fetched N (resp. M) times.
//
// By hand, with M = N = K = 512 (dispatch 32 x 32 workgroups of 16 x 16 = 262,144 invocations, all in bounds):
//   FLOPs: K iterations x (1 multiply + 1 add) per invocation = 2 M N K = 268,435,456.
//   Special ops: 0.
//   Compulsory bytes: 4 (M K + K N + M N) = 4 x 3 x 262,144 = 3,145,728.
//   Global-memory traffic issued (before any L2 hits): 2 K loads per invocation = 8 M N K bytes = 1 GiB read (the
//   tiled variants cut this). The 3 MiB working set fits in a large L2, where most of it hits: DRAM then sees
//   little more than the compulsory bytes, but L2 bandwidth becomes the limit.
//   Workgroup memory: none. Barriers: none.
// @let M = 512
// @let N = 512
// @let K = 512
// @dispatch ceil(N / 16), ceil(M / 16)
// @buffer a[M * K] = random(-1, 1)
// @buffer b[K * N] = random(-1, 1)
// @buffer c[M * N]
// @uniform dims = { m: M, n: N, k: K }
// @check c ~ js("./ref/matmul.mjs") rtol=1e-4 atol=1e-4

struct Dims {
  m: u32,
  n: u32,
  k: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

@compute @workgroup_size(16, 16)
fn matmul_naive(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.y;
  let col = gid.x;
  if (row >= dims.m || col >= dims.n) {
    return;
  }
  var acc = 0.0;
  for (var i = 0u; i < dims.k; i++) {
    acc += a[row * dims.k + i] * b[i * dims.n + col];
  }
  c[row * dims.n + col] = acc;
}
