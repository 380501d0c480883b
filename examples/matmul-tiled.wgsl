// Tiled matrix multiply through workgroup memory: C (M x N) = A (M x K) * B (K x N), f32, row-major.
//
// A TILE x TILE workgroup computes a TILE x TILE block of C. It walks K in steps of TILE: each invocation loads one
// element of the A tile and one of the B tile into workgroup memory, the workgroup waits at a barrier, every
// invocation accumulates TILE products from the tiles, and a second barrier protects the tiles before the next
// load. TILE is a WGSL `override`, so a sweep can change it without editing the kernel.
//
// Why the global-memory traffic is lower than matmul-naive.wgsl: each A and B element loaded from global memory is
// used TILE times from workgroup memory, so global loads drop from 2 K per invocation to 2 K / TILE per invocation:
// 8 M N K / TILE bytes = 64 MiB issued instead of 1 GiB at TILE = 16 (compulsory traffic is unchanged; DRAM traffic
// drops as much once the working set no longer fits in L2).
//
// By hand, with M = N = K = 512 and TILE = 16 (dispatch 32 x 32 workgroups of 16 x 16 = 262,144 invocations, all in
// bounds, K / TILE = 32 tile steps):
//   FLOPs: 32 steps x 16 fused multiply-adds x 2 per invocation = 2 K per invocation; 2 M N K = 268,435,456.
//   Special ops: 0.
//   Compulsory bytes: 4 (M K + K N + M N) = 3,145,728.
//   Workgroup memory: 2 tiles x TILE^2 floats x 4 bytes = 2,048 bytes. Barriers: 2 per tile step = 64.
// @let M = 512
// @let N = 512
// @let K = 512
// @override TILE = 16
// @dispatch ceil(N / TILE), ceil(M / TILE)
// @buffer a[M * K] = random(-1, 1)
// @buffer b[K * N] = random(-1, 1)
// @buffer c[M * N]
// @uniform dims = { m: M, n: N, k: K }
// @check c ~ js("./ref/matmul.mjs") rtol=1e-4 atol=1e-4
// @sweep TILE in [16, 8]

struct Dims {
  m: u32,
  n: u32,
  k: u32,
}

override TILE: u32 = 16;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

var<workgroup> a_tile: array<f32, TILE * TILE>;
var<workgroup> b_tile: array<f32, TILE * TILE>;

@compute @workgroup_size(TILE, TILE)
fn matmul_tiled(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.y * TILE + lid.y;
  let col = wid.x * TILE + lid.x;
  var acc = 0.0;
  for (var t = 0u; t < dims.k; t += TILE) {
    // Out-of-range elements load as zero, so a ragged edge needs no special case in the inner loop.
    let a_col = t + lid.x;
    var a_value = 0.0;
    if (row < dims.m && a_col < dims.k) {
      a_value = a[row * dims.k + a_col];
    }
    a_tile[lid.y * TILE + lid.x] = a_value;
    let b_row = t + lid.y;
    var b_value = 0.0;
    if (b_row < dims.k && col < dims.n) {
      b_value = b[b_row * dims.n + col];
    }
    b_tile[lid.y * TILE + lid.x] = b_value;
    workgroupBarrier();

    for (var i = 0u; i < TILE; i++) {
      acc = fma(a_tile[lid.y * TILE + i], b_tile[i * TILE + lid.x], acc);
    }
    workgroupBarrier();
  }
  if (row < dims.m && col < dims.n) {
    c[row * dims.n + col] = acc;
  }
}
