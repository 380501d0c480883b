// Idioms of real kernels the model counts exactly: running offsets, loops bounded by a break on a known value,
// subgroup ids, and bool() of an integer. Each kernel is written in the style of the libraries that use it; the
// numbers in the comments are derived by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";

const device = findDevice(DEFAULT_DEVICE_ID)!; // RTX 4090: 32-wide subgroups

function model(text: string, entry: string) {
  const a = analyzeSource(text, { model: { device } }).models.get(entry);
  assert.ok(a, `'${entry}' is modelled`);
  return a;
}

const header = `// @dispatch 1
// @buffer a[4096] = random(-1, 1)
// @buffer out[256]
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
`;

test("a running offset (p += 256u) is an induction variable: distinct, coalesced reads, as with t * 256u", () => {
  // gpu.cpp / llm.c style: the offset advances by the workgroup size each iteration. By hand: 256 invocations x 16
  // iterations = 4,096 loads of 4 bytes, each warp reading 128 contiguous bytes (4 sectors); compulsory traffic is
  // all of a (16,384 bytes) read once and out (1,024 bytes) written once; FLOPs: one add per load = 4,096.
  const running = model(`${header}
@compute @workgroup_size(256)
fn k(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  var p = 0u;
  for (var t = 0u; t < 16u; t++) {
    s += a[p + lid.x];
    p += 256u;
  }
  out[lid.x] = s;
}
`, "k");
  const indexed = model(`${header}
@compute @workgroup_size(256)
fn k(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  for (var t = 0u; t < 16u; t++) {
    s += a[t * 256u + lid.x];
  }
  out[lid.x] = s;
}
`, "k");
  const load = running.model.accesses.find((x) => x.binding === "a")!;
  assert.equal(load.count.value, 4096);
  assert.equal(load.pattern, "coalesced");
  assert.equal(load.loopInvariant, false);
  assert.equal(running.model.traffic.compulsoryRead, 16384);
  assert.equal(running.model.traffic.compulsoryWritten, 1024);
  assert.equal(running.model.ops.flopsF32.value, 4096);
  assert.deepEqual(running.model.traffic, indexed.model.traffic);
  assert.deepEqual(running.diagnostics.map((d) => d.code), indexed.diagnostics.map((d) => d.code));
  assert.ok(!running.diagnostics.some((d) => d.code === "global-reread"));
});

test("a running offset advanced under a branch is not an induction variable (it stays unknown)", () => {
  const m = model(`${header}
@compute @workgroup_size(256)
fn k(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  var p = 0u;
  for (var t = 0u; t < 16u; t++) {
    s += a[p + lid.x];
    if (t % 2u == 0u) { p += 256u; }
  }
  out[lid.x] = s;
}
`, "k");
  assert.notEqual(m.model.accesses.find((x) => x.binding === "a")!.pattern, "coalesced");
});

test("a loop bounded by a break on a known value is counted exactly, without an early-exit note", () => {
  // ggml's softmax / RMS-norm style: each invocation strides over a row of n = 1,000 columns by the workgroup size,
  // E = 4 steps, breaking once its column passes n. By hand, per row: the (lid, j) with lid + 256 j < 1,000 are
  // 1,000 loads (lanes 0..231 take 4 steps, 232..255 take 3); 8 rows: 8,000 loads, 8,000 FLOPs (one add each).
  const m = model(`// @dispatch 8
// @buffer x[8000] = random(-1, 1)
// @buffer out[8]
// @uniform params = { n: 1000 }
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
const WG: u32 = 256u;
const E: u32 = 4u;
@compute @workgroup_size(256)
fn rowsum(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.x;
  var col = lid.x;
  var s = 0.0;
  for (var j = 0u; j < E; j++) {
    if (col >= params.n) { break; }
    s += x[row * params.n + col];
    col += WG;
  }
  if (lid.x == 0u) { out[row] = s; }
}
`, "rowsum");
  const load = m.model.accesses.find((a) => a.binding === "x")!;
  assert.deepEqual(load.count, { value: 8000, min: 8000, max: 8000 });
  assert.equal(m.model.ops.flopsF32.value, 8000);
  assert.equal(m.model.traffic.compulsoryRead, 32000);
  assert.ok(!m.model.unknowns.some((u) => /exit early on data/.test(u.reason)), JSON.stringify(m.model.unknowns));
});

test("a break on loaded data still says the trip count is an upper bound", () => {
  const m = model(`${header}
@compute @workgroup_size(256)
fn k(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  for (var t = 0u; t < 16u; t++) {
    let v = a[t * 256u + lid.x];
    if (v < 0.0) { break; }
    s += v;
  }
  out[lid.x] = s;
}
`, "k");
  assert.ok(m.model.unknowns.some((u) => /exit early on data/.test(u.reason)));
});

test("subgroup_id and num_subgroups are known for the device: a guard on them does not halve the kernel", () => {
  // A flash-attention-style guard: 128 invocations are 4 subgroups of 32, so the kernel never returns early. By
  // hand: 128 x 2 workgroups = 256 stores; subgroup_id * 32 + subgroup_invocation_id = local_invocation_index.
  const m = model(`enable subgroups;
// @dispatch 2
// @buffer out[256]
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(128)
fn k(@builtin(subgroup_id) sg: u32, @builtin(num_subgroups) nsg: u32, @builtin(subgroup_invocation_id) lane: u32,
     @builtin(workgroup_id) wid: vec3<u32>) {
  if (nsg < 4u) { return; }
  out[wid.x * 128u + sg * 32u + lane] = nsg;
}
`, "k");
  const store = m.model.accesses.find((a) => a.binding === "out")!;
  assert.deepEqual(store.count, { value: 256, min: 256, max: 256 });
  assert.equal(store.pattern, "coalesced");
  assert.equal(m.model.traffic.compulsoryWritten, 1024);
});

test("bool() of an integer is its truth: `if (bool(n) != true)` skips exactly the zero counts", () => {
  // tinygrad style: 64 invocations, n = lid.x % 4 is zero for 16 of them, so 16 return and 48 store.
  const m = model(`// @dispatch 1
// @buffer out[64]
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64)
fn k(@builtin(local_invocation_id) lid: vec3<u32>) {
  let n = lid.x % 4u;
  if (bool(n) != true) { return; }
  out[lid.x] = n;
}
`, "k");
  assert.equal(m.model.accesses.find((a) => a.binding === "out")!.count.value, 48);
});

test("a finding inside a helper that two entry points call appears once, naming both", () => {
  // Both entry points read a column of a 256 x 256 matrix through the same helper: each warp's 32 lanes are 1,024
  // bytes apart, one 32-byte sector per 4 useful bytes.
  const text = `// @dispatch 1
// @buffer m[65536] = random(-1, 1)
// @buffer out[256]
@group(0) @binding(0) var<storage, read> m: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
fn column(row: u32, col: u32) -> f32 {
  return m[col * 256u + row];
}
@compute @workgroup_size(256)
fn first(@builtin(local_invocation_id) lid: vec3<u32>) {
  out[lid.x] = column(0u, lid.x);
}
@compute @workgroup_size(256)
fn second(@builtin(local_invocation_id) lid: vec3<u32>) {
  out[lid.x] = column(1u, lid.x) * 2.0;
}
`;
  const source = analyzeSource(text, { model: { device } });
  const uncoalesced = source.diagnostics.filter((d) => d.code === "uncoalesced-access");
  assert.equal(uncoalesced.length, 1, JSON.stringify(source.diagnostics.map((d) => d.code)));
  assert.equal(text.slice(uncoalesced[0].span.start, uncoalesced[0].span.end), "m[col * 256u + row]");
  assert.match(uncoalesced[0].message, /\(reached from entry points 'first' and 'second'\)$/);
  // Each entry point's own model still carries its finding.
  assert.ok(source.models.get("first")!.diagnostics.some((d) => d.code === "uncoalesced-access"));
  assert.ok(source.models.get("second")!.diagnostics.some((d) => d.code === "uncoalesced-access"));
});

test("a template left with an undefined placeholder says so, with the directive that gives it a value", () => {
  const text = `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.x] = 1.0;
}
`;
  const m = analyzeSource(text, { model: { device } }).models.get("main")!.model;
  const why = m.unknowns.find((u) => u.what === "workgroup size")!;
  assert.match(why.reason, /uses 'WG_SIZE', which nothing defines .*\/\/ @define WG_SIZE=256/);
  assert.doesNotMatch(why.reason, /override/);
  // With the placeholder defined, the same kernel is modelled.
  const defined = analyzeSource(`// @define WG_SIZE=64\n// @dispatch 4\n// @buffer out[256]\n${text}`, { model: { device } }).models.get("main")!.model;
  assert.deepEqual(defined.workgroupSize, [64, 1, 1]);
  assert.equal(defined.accesses[0].count.value, 256);
});

test("without a dispatch, occupancy (which needs only the workgroup size) is there, and L2 traffic is unknown, not 0", () => {
  // A workgroup size left to a macro nothing defines: nothing launch-dependent can be counted, and nothing is
  // reported as 0 instead.
  const none = model(`@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.x] = 1.0;
}
`, "main").model;
  assert.equal(none.invocations, null);
  assert.equal(none.traffic.l2Read, null);
  assert.equal(none.traffic.l2Written, null);
  // 256 invocations, registers estimated from gid (3 words) and nothing else: occupancy limited by nothing
  // on the RTX 4090 beyond the 1,536 threads per SM (6 workgroups of 256 = 48 warps of 48): 100 %. Without a
  // dispatch and without a bounds guard, the dispatch is assumed: 1,048,576 invocations, 4,096 workgroups.
  const m = model(`@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.x] = 1.0;
}
`, "main").model;
  assert.ok(m.occupancy, "occupancy without a dispatch");
  assert.equal(m.occupancy.value, 1);
  assert.equal(m.occupancy.activeWorkgroupsPerSm, 6);
  assert.deepEqual(m.dispatch, [4096, 1, 1]);
  assert.deepEqual(m.assumptions.map((a) => [a.name, a.source, a.directive]), [["dispatch", "assumed", "// @dispatch 4096"]]);
  assert.equal(m.traffic.l2Written, 4 * 1048576);
});

test("textures move bytes: textureLoad and textureStore by texel format, sizes and guards from @texture", () => {
  // An image pass in the style of webgpu-samples: 1,024 x 1,024 texels, a dispatch of 70 x 70 workgroups of 16 x 16
  // (more than needed) guarded by textureDimensions. By hand: 1,048,576 invocations pass the guard; each loads one
  // rgba16float texel (8 bytes) and stores one rgba8unorm texel (4 bytes): 8 MiB read, 4 MiB written, both the
  // compulsory footprint; v * 0.5 on a vec4 is 4 FLOPs each, 4,194,304 in all.
  const m = model(`// @dispatch 70, 70
// @texture src[1024, 1024] rgba16float
// @texture dst[1024, 1024]
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var dst: texture_storage_2d<rgba8unorm, write>;
@compute @workgroup_size(16, 16)
fn halve(@builtin(global_invocation_id) g: vec3<u32>) {
  let dims = textureDimensions(src);
  if (g.x >= dims.x || g.y >= dims.y) { return; }
  let v = textureLoad(src, vec2<i32>(g.xy), 0);
  textureStore(dst, vec2<i32>(g.xy), v * 0.5);
}
`, "halve").model;
  assert.equal(m.ops.globalLoadBytes.value, 1024 * 1024 * 8);
  assert.equal(m.ops.globalStoreBytes.value, 1024 * 1024 * 4);
  assert.equal(m.traffic.compulsoryRead, 8 * 1024 * 1024);
  assert.equal(m.traffic.compulsoryWritten, 4 * 1024 * 1024);
  assert.equal(m.ops.flopsF32.value, 4 * 1024 * 1024);
  assert.equal(m.accesses.find((a) => a.binding === "src")!.pattern, "coalesced");
  assert.deepEqual(m.unknowns.filter((u) => /texel size/.test(u.what)), []);
});

test("a sampled texture without a stated format is read at an assumed 4 bytes a texel, and says so", () => {
  const m = model(`// @dispatch 64, 64
// @texture src[1024, 1024]
// @buffer out[1048576]
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var samp: sampler;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(16, 16)
fn sample(@builtin(global_invocation_id) g: vec3<u32>) {
  let uv = (vec2<f32>(g.xy) + 0.5) / 1024.0;
  out[g.y * 1024u + g.x] = textureSampleLevel(src, samp, uv, 0.0).x;
}
`, "sample").model;
  const read = m.accesses.find((a) => a.binding === "src")!;
  assert.equal(read.count.value, 1024 * 1024);
  assert.equal(read.bytesPerAccess, 4);
  assert.equal(read.pattern, "gather");
  assert.ok(m.unknowns.some((u) => u.what === "texel size of 'src'" && /\/\/ @texture src\[WIDTH, HEIGHT\] FORMAT/.test(u.reason)));
  // The footprint of the gather is the texture, from its size: 4 MiB.
  assert.equal(m.traffic.compulsoryRead, 4 * 1024 * 1024);
});

test("a grid-stride loop whose stride is a let of num_workgroups is counted exactly (llm.c, histogram kernels)", () => {
  // 4,096 words, 4 workgroups of 256 (1,024 invocations): each invocation visits i = gid.x + k * 1,024 for k = 0..3,
  // 4 loads each: 4,096 loads of 4 bytes, 16 KiB read once, plus the atomic's 4 bytes (read and written).
  const m = model(`// @dispatch 4
// @buffer data[4096]
// @buffer out[1]
// @uniform params = { n: 4096 }
struct P { n: u32 }
@group(0) @binding(0) var<storage, read> data: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<atomic<u32>>;
@group(0) @binding(2) var<uniform> params: P;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) num_groups: vec3<u32>) {
  let stride = num_groups.x * 256u;
  var count = 0u;
  for (var i = gid.x; i < params.n; i += stride) {
    count += countOneBits(data[i]);
  }
  atomicAdd(&out[0], count);
}
`, "main").model;
  const load = m.accesses.find((a) => a.binding === "data")!;
  assert.equal(load.count.value, 4096);
  assert.equal(m.traffic.compulsoryRead, 16384 + 4);
  assert.ok(!m.unknowns.some((u) => /trip count/.test(u.what)), JSON.stringify(m.unknowns));
});

test("a sampled texture read in a loop at float coordinates is not called a re-read (a blur's taps move)", () => {
  // The address of textureSampleLevel is not known (filtered float coordinates): it may change every iteration,
  // so the model must not claim the same address is read every time.
  const source = analyzeSource(`// @dispatch 8, 8
// @texture src[64, 64] rgba8unorm
// @texture dst[64, 64] rgba8unorm
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var samp: sampler;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let uv = (vec2<f32>(gid.xy) + 0.5) / 64.0;
  var c = vec4<f32>(0.0);
  for (var i = -4; i <= 4; i++) {
    c += textureSampleLevel(src, samp, uv + vec2<f32>(f32(i) / 64.0, 0.0), 0.0);
  }
  textureStore(dst, gid.xy, c / 9.0);
}
`, { model: { device } });
  assert.deepEqual(source.diagnostics.filter((d) => d.code === "global-reread"), []);
});
