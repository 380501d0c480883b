// A thread that reads several neighbouring elements (register blocking: b[k * N + col + j] for j = 0..7, or the
// same loads unrolled) touches the sectors its own and its neighbours' loads bring in: below L1 the warp is charged
// the union of those sectors once. Each instruction still asks L1 for its own strided sectors (Nsight Compute's
// sectors per request), so its pattern stays strided. Numbers derived by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";

const device = findDevice("nvidia-rtx-4090")!; // 32-lane warps, 32-byte sectors

const kernel = (inner: string): string => `// @dispatch 2, 1024
// @buffer a[1024 * 1024]
// @buffer b[1024 * 1024]
// @buffer c[1024 * 1024]
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row = gid.y;
  let col = gid.x * 8u;
  var acc: array<f32, 8>;
  for (var k = 0u; k < 1024u; k++) {
    let av = a[row * 1024u + k];
${inner}
  }
  for (var j = 0u; j < 8u; j++) {
    c[row * 1024u + col + j] = acc[j];
  }
}
`;

test("eight neighbouring loads per thread in an inner loop are charged the warp's 32 sectors once, not eight times", () => {
  // 128 invocations per row (2 workgroups of 64), 1,024 rows: 4,096 warps. Per k, a warp's lanes read 8 floats
  // each, 32 bytes apart: 32 sectors whichever j, the same 32 for all eight. B at the L2 level: 4,096 warps x
  // 1,024 k x 32 sectors x 32 B = 4,294,967,296 bytes (charging every j separately gave 8 times that). A is a
  // broadcast the two warps of a workgroup share, one 32-byte sector serving 8 steps of k in L1 (l1Reuse.ts):
  // 2,048 workgroups x 1,024 k / 8 x 32 B = 8,388,608 (it was 4,096 warps x 1,024 x 32 B = 134,217,728 without L1).
  const source = analyzeSource(kernel(`    for (var j = 0u; j < 8u; j++) {
      acc[j] += av * b[k * 1024u + col + j];
    }`), { model: { device } });
  const m = source.models.get("main")!.model;
  assert.equal(m.traffic.l2Read, 4294967296 + 8388608);
  const b = m.accesses.find((x) => x.binding === "b")!;
  assert.equal(b.pattern, "strided");
  assert.equal(b.transactionsPerWarp, 32);
});

test("the same loads unrolled by hand are one group too", () => {
  const unrolled = Array.from({ length: 8 }, (_, j) => `    acc[${j}] += av * b[k * 1024u + col + ${j}u];`).join("\n");
  const m = analyzeSource(kernel(unrolled), { model: { device } }).models.get("main")!.model;
  assert.equal(m.traffic.l2Read, 4294967296 + 8388608);
});

test("loads a row apart are not a group: another row is other sectors", () => {
  // b[(k + j) * 1024 + col]: eight rows, 4 KiB apart: each its own sectors, all charged.
  const rows = analyzeSource(kernel(`    for (var j = 0u; j < 8u; j++) {
      acc[j] += av * b[(k + j) * 1024u + col];
    }`), { model: { device } }).models.get("main")!.model;
  const b = rows.accesses.find((x) => x.binding === "b")!;
  assert.equal(b.transactionsPerWarp, 32);
});
