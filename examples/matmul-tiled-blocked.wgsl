// Tiled and register-blocked matrix multiply: C (M x N) = A (M x K) * B (K x N), f32, row-major; the kernel with the
// largest design space of the examples (`kernellens sweep examples/matmul-tiled-blocked.wgsl`).
//
// A WG_X x WG_Y workgroup computes a BM x BN block of C, BM = WG_Y * TM rows by BN = WG_X * TN columns: each
// invocation keeps TM x TN accumulators in registers, for rows lid.y + i * WG_Y and columns lid.x + j * WG_X of the
// block (strided, so neighbouring invocations store neighbouring elements of C and read neighbouring words of the B
// tile). The workgroup walks K in steps of BK: all WG_X * WG_Y invocations load the BM x BK tile of A and the
// BK x BN tile of B into workgroup memory with a strided loop (element e, e + WG_X * WG_Y, ...: no divisibility
// between tile and workgroup size is needed), wait at a barrier, each does BK x TM x TN multiply-adds from the tiles
// (per k: TN values of B into registers, then one value of A per row), and a second barrier protects the tiles before
// the next load. Every load and store is bounds-checked (out-of-range elements load as zero), so any M, N and K work
// and no `@require` is needed.
//
// Why each parameter matters:
// - BK (override): tile depth. Barriers per invocation are 2 K / BK, so doubling BK halves the synchronisation; the
//   tiles grow with it, 4 BK (BM + BN) bytes of workgroup memory, which lowers occupancy and, past 16 KiB, is not
//   allowed at all (BK = 32 with BM + BN > 128).
// - WG_X, WG_Y (overrides, the @workgroup_size): invocations per workgroup, at most 256 in WebGPU (32 x 16 is not
//   allowed); with TM and TN they set the block shape BM x BN, so they also set the global traffic (below) and the
//   tile sizes.
// - TM, TN (preprocessor defines: a function-scope array needs a constant size, which an override cannot give):
//   outputs per invocation. Each A value read from workgroup memory feeds TN multiply-adds and each B value TM, so
//   workgroup-memory loads per multiply-add drop from 2 to 1/TN + 1/TM; the accumulators cost TM x TN registers.
//   Global loads drop too: every A element is loaded once per block column of C, N / BN times, and every B element
//   once per block row, M / BM times: 4 M N K (1 / BN + 1 / BM) bytes issued, 4 MiB at the defaults against
//   8 M N K = 128 MiB for matmul-naive.wgsl at the same size (compulsory traffic is unchanged).
//
// The design space (the @sweep lines) has 3^5 = 243 points, 210 of them feasible: WG_X = 32 with WG_Y = 16 is 512
// invocations per workgroup (27 points), and BK = 32 with WG_X = 32 and TN = 4 (BN = 128) needs 128 (BM + 128) >
// 16,384 bytes of workgroup memory (9 points, 3 of them also too many invocations).
//
// By hand, with M = N = K = 256, BK = 16, WG_X = WG_Y = 16, TM = TN = 2 (BM = BN = 32; dispatch 8 x 8 workgroups of
// 16 x 16 = 16,384 invocations, each a 2 x 2 block, all in bounds; K / BK = 16 tile steps):
//   FLOPs: per invocation 16 steps x 16 k x 4 fused multiply-adds x 2 = 2,048 = 2 K x 4 outputs;
//          2 M N K = 33,554,432.
//   Special ops: 0.
//   Compulsory bytes: 4 (M K + K N + M N) = 786,432.
//   Workgroup memory: A tile 32 x 16 + B tile 16 x 32 floats x 4 bytes = 4,096 bytes.
//   Barriers: 2 per tile step = 32 per invocation.
// @let M = 256
// @let N = 256
// @let K = 256
// @override BK = 16
// @override WG_X = 16
// @override WG_Y = 16
// @define TM=2
// @define TN=2
// @dispatch ceil(N / (WG_X * TN)), ceil(M / (WG_Y * TM))
// @buffer a[M * K] = random(-1, 1)
// @buffer b[K * N] = random(-1, 1)
// @buffer c[M * N]
// @uniform dims = { m: M, n: N, k: K }
// @check c ~ js("./ref/matmul.mjs") rtol=1e-4 atol=1e-4
// @sweep BK in [8, 16, 32]
// @sweep WG_X in [8, 16, 32]
// @sweep WG_Y in [4, 8, 16]
// @sweep TM in [1, 2, 4]
// @sweep TN in [1, 2, 4]

// Fallbacks for a build without the @define lines (then --define or the kernellens.preprocessor.defines setting
// chooses).
#ifndef TM
#define TM 2
#endif
#ifndef TN
#define TN 2
#endif

struct Dims {
  m: u32,
  n: u32,
  k: u32,
}

override BK: u32 = 16;
override WG_X: u32 = 16;
override WG_Y: u32 = 16;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

// The A tile, BM x BK, and the B tile, BK x BN, both row-major.
var<workgroup> a_tile: array<f32, WG_Y * TM * BK>;
var<workgroup> b_tile: array<f32, BK * WG_X * TN>;

@compute @workgroup_size(WG_X, WG_Y)
fn matmul_tiled_blocked(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let bm = WG_Y * TM;
  let bn = WG_X * TN;
  let threads = WG_X * WG_Y;
  let flat = lid.y * WG_X + lid.x;
  let row0 = wid.y * bm;
  let col0 = wid.x * bn;
  // Elements of each tile an invocation loads (the last round may be partial).
  let a_loads = (bm * BK + threads - 1u) / threads;
  let b_loads = (BK * bn + threads - 1u) / threads;
  var acc: array<f32, TM * TN>;
  for (var t = 0u; t < dims.k; t += BK) {
    // Cooperative loads: consecutive invocations take consecutive elements of a tile row (coalesced), and
    // out-of-range elements load as zero, so a ragged edge needs no special case in the inner loop.
    for (var l = 0u; l < a_loads; l++) {
      let e = flat + l * threads;
      if (e < bm * BK) {
        let row = row0 + e / BK;
        let col = t + e % BK;
        var v = 0.0;
        if (row < dims.m && col < dims.k) {
          v = a[row * dims.k + col];
        }
        a_tile[e] = v;
      }
    }
    for (var l = 0u; l < b_loads; l++) {
      let e = flat + l * threads;
      if (e < BK * bn) {
        let row = t + e / bn;
        let col = col0 + e % bn;
        var v = 0.0;
        if (row < dims.k && col < dims.n) {
          v = b[row * dims.n + col];
        }
        b_tile[e] = v;
      }
    }
    workgroupBarrier();

    for (var k = 0u; k < BK; k++) {
      var b_reg: array<f32, TN>;
      for (var j = 0u; j < TN; j++) {
        b_reg[j] = b_tile[k * bn + lid.x + j * WG_X];
      }
      for (var i = 0u; i < TM; i++) {
        let a_value = a_tile[(lid.y + i * WG_Y) * BK + k];
        for (var j = 0u; j < TN; j++) {
          acc[i * TN + j] = fma(a_value, b_reg[j], acc[i * TN + j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < TM; i++) {
    let row = row0 + lid.y + i * WG_Y;
    for (var j = 0u; j < TN; j++) {
      let col = col0 + lid.x + j * WG_X;
      if (row < dims.m && col < dims.n) {
        c[row * dims.n + col] = acc[i * TN + j];
      }
    }
  }
}
