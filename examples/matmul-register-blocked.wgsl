// Register-blocked matrix multiply: C (M x N) = A (M x K) * B (K x N), f32, row-major; each invocation computes a
// 4 x 4 block of C in registers.
//
// Per step of K an invocation loads 4 elements of A (one per row of its block) and one vec4 of B (4 neighbouring
// columns), and does 16 multiply-adds with them: each loaded value is used 4 times from registers. B and C are
// bound as arrays of vec4<f32> (16-byte loads and stores); A as scalars. No workgroup memory and no barriers, which
// also suits CPU drivers, where barriers are expensive.
//
// Why the global-memory traffic is lower than matmul-naive.wgsl: loads per invocation are 4 K scalars of A + K vec4
// of B = 32 K bytes for 16 outputs, against 8 K bytes per output in the naive kernel: 2 M N K bytes = 256 MiB issued
// instead of 1 GiB (compulsory traffic is unchanged).
//
// By hand, with M = N = K = 512 (dispatch 8 x 8 workgroups of 16 x 16 = 16,384 invocations, each a 4 x 4 block, all
// in bounds):
//   FLOPs: per invocation K steps x 4 rows x (vec4 multiply 4 + vec4 add 4) = 32 K = 16,384; total 16,384 x 16,384 =
//          268,435,456 = 2 M N K.
//   Special ops: 0.
//   Compulsory bytes: 4 (M K + K N + M N) = 3,145,728.
//   Workgroup memory: none. Barriers: none.
// @let M = 512
// @let N = 512
// @let K = 512
// @dispatch ceil(N / 64), ceil(M / 64)
// @buffer a[M * K] = random(-1, 1)
// @buffer b[K * N / 4] = random(-1, 1)
// @buffer c[M * N / 4]
// @uniform dims = { m: M, n: N, k: K }
// @require M % 4 == 0 && N % 4 == 0
// @check c ~ js("./ref/matmul.mjs") rtol=1e-4 atol=1e-4

struct Dims {
  m: u32,
  n: u32,
  k: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> dims: Dims;

@compute @workgroup_size(16, 16)
fn matmul_register_blocked(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * 4u;
  // The block's 4 columns are one vec4 of B and C: column index col4 counts vec4s.
  let col4 = gid.x;
  let n4 = dims.n / 4u;
  if (row0 >= dims.m || col4 >= n4) {
    return;
  }
  var acc: array<vec4<f32>, 4>;
  for (var i = 0u; i < dims.k; i++) {
    let bv = b[i * n4 + col4];
    for (var r = 0u; r < 4u; r++) {
      acc[r] += a[(row0 + r) * dims.k + i] * bv;
    }
  }
  for (var r = 0u; r < 4u; r++) {
    c[(row0 + r) * n4 + col4] = acc[r];
  }
}
