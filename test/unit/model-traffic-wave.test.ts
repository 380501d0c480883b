// DRAM traffic of a tiled matmul whose matrices overflow L2: the workgroups resident at one time (a wave) share the
// panels they read through L2 as they step through K together, so DRAM carries each wave's distinct data once,
// not every workgroup's. The numbers in the comments are derived by hand and compared exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";

const device = findDevice("nvidia-rtx-4090")!; // 128 SMs, 72 MB L2 (75 % usable)

const tiled = (m: number, n: number, k: number): string => `// @dispatch ${n / 16}, ${m / 16}
// @buffer a[${m * k}]
// @buffer b[${k * n}]
// @buffer c[${m * n}]
// @uniform dims = { m: ${m}, n: ${n}, k: ${k} }
struct Dims { m: u32, n: u32, k: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;
var<workgroup> ta: array<f32, 256>;
var<workgroup> tb: array<f32, 256>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wid.y * 16u + lid.y;
  let col = wid.x * 16u + lid.x;
  var acc = 0.0;
  for (var t = 0u; t < dims.k; t += 16u) {
    ta[lid.y * 16u + lid.x] = a[row * dims.k + t + lid.x];
    tb[lid.y * 16u + lid.x] = b[(t + lid.y) * dims.n + col];
    workgroupBarrier();
    for (var j = 0u; j < 16u; j++) { acc += ta[lid.y * 16u + j] * tb[j * 16u + lid.x]; }
    workgroupBarrier();
  }
  c[row * dims.n + col] = acc;
}
`;

test("a 16 x 16 tiled matmul at M = K = 4,096, N = 8,192: DRAM carries each wave's panels once", () => {
  // 512 x 256 workgroups of 256 invocations (2 KiB of workgroup memory): 6 per SM, 768 resident, 171 waves (the last
  // partial). A wave spans all 512 column blocks and 2 row blocks. Per workgroup, A's 16 rows x 4,096 and B's 4,096
  // rows x 16 columns are 262,144 bytes each. A: 171 x 2 x 262,144 = 89,653,248; B: 171 x 512 x 262,144 =
  // 22,951,231,488; C is written once, 128 MiB. The L2-level reads are every workgroup's tiles: 2 x 131,072 x
  // 262,144 = 68,719,476,736; before the wave model, 83 % of those re-reads were charged to DRAM (57 GB).
  const m = analyzeSource(tiled(4096, 8192, 4096), { model: { device } }).models.get("main")!.model;
  assert.equal(m.occupancy?.activeWorkgroupsPerSm, 6);
  assert.equal(m.traffic.l2Read, 68719476736);
  assert.equal(m.traffic.dramRead, 89653248 + 22951231488);
  assert.equal(m.traffic.dramWritten, 134217728);
  assert.match(m.traffic.cacheNote, /share what they read through L2.*171 wave/);
  // Between the footprint and the L2 level, for the right reason.
  assert.ok(m.traffic.dramRead! > m.traffic.compulsoryRead! && m.traffic.dramRead! < m.traffic.l2Read!);
});

test("when the whole working set fits in L2, DRAM is the footprint (the wave model changes nothing)", () => {
  // 1,024^3: A, B and C are 4 MiB each, 12 MiB in all, within 75 % of 72 MB: every re-read hits L2.
  const m = analyzeSource(tiled(1024, 1024, 1024), { model: { device } }).models.get("main")!.model;
  assert.equal(m.traffic.dramRead, 2 * 4194304);
  assert.equal(m.traffic.dramWritten, 4194304);
});
