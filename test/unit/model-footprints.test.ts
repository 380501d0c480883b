// Footprints and compulsory traffic: invocations that return early neither read nor write, a gather on loaded
// indices (ggml's get_rows, onnxruntime's Gather) is a range with its reason and never exact, and an in-place buffer
// counts both ways. Each kernel is written in the style of the library that uses it; the numbers in the comments are
// derived by hand and compared exactly.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { toKernelJson } from "../../server/src/cli/kernelJson";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { breakdownMarkdown } from "../../server/src/core/model/format";
import { COMPULSORY_DEFINITION } from "../../server/src/core/model/types";

const device = findDevice(DEFAULT_DEVICE_ID)!; // RTX 4090: 32-wide warps, 32-byte sectors, 72 MB L2
const root = join(__dirname, "..", "..");

function analysis(text: string, entry: string) {
  const source = analyzeSource(text, { model: { device } });
  const a = source.models.get(entry);
  assert.ok(a, `'${entry}' is modelled`);
  const kernel = source.kernels.find((k) => k.name === entry)!;
  const at = { line: 0, character: 0 };
  return { ...a, json: toKernelJson(kernel, a, () => ({ start: at, end: at })) };
}

// ggml-webgpu's get_rows for f32 rows: one workgroup per token, its invocations striding over the row's columns.
const getRows = `// @let T = 8
// @let D = 512
// @let VOCAB = 2048
// @dispatch T
// @buffer ids[T] = 3
// @buffer table[VOCAB * D] = random(-1, 1)
// @buffer dst[T * D]
@group(0) @binding(0) var<storage, read> ids: array<i32>;
@group(0) @binding(1) var<storage, read> table: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
const D: u32 = 512u;
@compute @workgroup_size(256)
fn get_rows_f32(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let t = wid.x;
  let row = u32(ids[t]);
  for (var c = lid.x; c < D; c += 256u) {
    dst[t * D + c] = table[row * D + c];
  }
}
`;

test("ggml get_rows: the table's footprint is a range on loaded indices, from one lookup to every lookup's row", () => {
  // By hand: 8 tokens x 512 columns = 4,096 lookups of 4 bytes (each of 256 invocations takes columns lid and
  // lid + 256). The table is 2,048 x 512 x 4 = 4,194,304 bytes; the lookups touch at most 4,096 x 4 = 16,384 (8
  // distinct rows) and at least 4 (every index the same: the address reaches the model as one unknown, so "one
  // lookup" is the least it can prove). ids: 8 x 4 = 32 bytes, read exactly; dst: 4,096 x 4 = 16,384 written.
  // Compulsory read: 32 + [4, 16,384] = [36, 16,416], estimate 16,416 (before: the whole table, 4,194,336, exact).
  // L2: the gather is assumed scattered, one 32-byte sector per lookup: 131,072, plus ids broadcast to 2,048 / 32 =
  // 64 warps of one sector, 2,048: 133,120 read; dst 128 warps x 4 sectors x 32 = 16,384 written. The 32,800-byte
  // working set fits in L2, so DRAM is the footprint: read [36, 16,416], written 16,384.
  const { model: m, json, diagnostics } = analysis(getRows, "get_rows_f32");
  void diagnostics;
  const t = m.traffic;
  assert.equal(t.compulsoryRead, 16_416);
  assert.equal(t.compulsoryWritten, 16_384);
  assert.equal(t.l2Read, 133_120);
  assert.equal(t.l2Written, 16_384);
  assert.equal(t.dramRead, 16_416);
  assert.equal(t.dramWritten, 16_384);
  assert.deepEqual(t.ranges, {
    compulsoryRead: { value: 16_416, min: 36, max: 16_416 },
    compulsoryWritten: { value: 16_384, min: 16_384, max: 16_384 },
    dramRead: { value: 16_416, min: 36, max: 16_416 },
    dramWritten: { value: 16_384, min: 16_384, max: 16_384 },
    reasons: ["'table': indices are loaded data (read from 'ids')"],
  });
  const why = m.unknowns.find((u) => u.what === "footprint of 'table'");
  assert.ok(why, JSON.stringify(m.unknowns));
  assert.equal(why.reason, "a range, not exact: indices are loaded data (read from 'ids'); 4 B to 16,384 B read (the estimate takes the upper bound: every lookup a different place, at most the whole buffer)");
  // JSON: the estimate in `bytes`, its bounds in `ranges` like any ranged count, the reason in `unknowns`.
  assert.deepEqual(json.bytes, { read: 16_416, written: 16_384, compulsory: 32_800, l2Read: 133_120, l2Written: 16_384 });
  assert.deepEqual(json.ranges["bytes.compulsory"], { min: 16_420, max: 32_800 });
  assert.deepEqual(json.ranges["bytes.read"], { min: 36, max: 16_416 });
  assert.equal(json.ranges["bytes.written"], undefined, "the writes are exact");
  assert.ok(json.unknowns.some((u) => u.what === "footprint of 'table'" && /indices are loaded data/.test(u.reason)));
  // The hover says it is a range, with the reason, and never shows the read as a bare figure.
  // The row's figures share one unit; what compulsory means, and why it is a range, is the row's note.
  const md = breakdownMarkdown(m, device);
  const row = md.split("\n").find((l) => l.startsWith("| Compulsory traffic |"))!;
  assert.equal(row, "| Compulsory traffic | ≈ 16 kB (0.036 kB to 16 kB) read, 16 kB written |");
  assert.ok(md.includes(`- Compulsory traffic: ${COMPULSORY_DEFINITION}; a range, not exact: 'table': indices are loaded data (read from 'ids').`), md);
});

test("a gather never counts more than the table: lookups past its size are capped at the whole table", () => {
  // The same kernel with a vocabulary of 4 rows: 4,096 lookups could touch 16,384 bytes, the table has 4 x 512 x 4 =
  // 8,192. Read: 32 + [4, 8,192] = [36, 8,224].
  const { model: m } = analysis(getRows.replace("// @let VOCAB = 2048", "// @let VOCAB = 4"), "get_rows_f32");
  assert.deepEqual(m.traffic.ranges?.compulsoryRead, { value: 8_224, min: 36, max: 8_224 });
});

test("onnxruntime-style Gather behind a bounds check: returned invocations do not read or write", () => {
  // onnxruntime's WebGPU Gather on axis 0: data [1,000, 64], 15 indices, output [15, 64] = 960 elements, one
  // invocation each, in workgroups of 128: 8 workgroups = 1,024 invocations, 64 of which return. By hand: output
  // 960 x 4 = 3,840 written (before: 4,096, the whole padded buffer); indices[global_idx / 64] for global_idx < 960
  // is indices 0..14, 60 bytes; the gather makes 960 lookups of 4 bytes: [4, 3,840] of the 256,000-byte table.
  // Compulsory read: [64, 3,900], estimate 3,900. L2: 960 lookups x 32 = 30,720, indices broadcast to each warp
  // (32 lanes share global_idx / 64): 30 warps x 32 = 960; 31,680 read. DRAM read [64, 3,900], written 3,840.
  const { model: m, json } = analysis(`// @dispatch 8
// @buffer data[64000] = random(-1, 1)
// @buffer indices[15] = 7
// @buffer output[1024]
// @uniform uniforms = { output_size: 960, inner: 64 }
struct Uniforms { output_size: u32, inner: u32 }
@group(0) @binding(0) var<storage, read> data: array<f32>;
@group(0) @binding(1) var<storage, read> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> uniforms: Uniforms;
@compute @workgroup_size(128)
fn main(@builtin(global_invocation_id) global_id: vec3<u32>) {
  let global_idx = global_id.x;
  if (global_idx >= uniforms.output_size) { return; }
  let outer = global_idx / uniforms.inner;
  let inner = global_idx % uniforms.inner;
  let idx = u32(indices[outer]);
  output[global_idx] = data[idx * uniforms.inner + inner];
}
`, "main");
  const t = m.traffic;
  assert.equal(m.accesses.find((a) => a.binding === "data")!.count.value, 960);
  assert.equal(t.compulsoryWritten, 3_840);
  assert.equal(t.compulsoryRead, 3_900);
  assert.deepEqual(t.ranges?.compulsoryRead, { value: 3_900, min: 64, max: 3_900 });
  assert.equal(t.l2Read, 31_680);
  assert.deepEqual(t.ranges?.dramRead, { value: 3_900, min: 64, max: 3_900 });
  assert.equal(t.dramWritten, 3_840);
  assert.deepEqual(t.ranges?.reasons, ["'data': indices are loaded data (read from 'indices')"]);
  assert.equal(json.bytes.compulsory, 7_740);
  assert.deepEqual(json.ranges["bytes.compulsory"], { min: 3_904, max: 7_740 });
});

test("an elementwise kernel with a bounds-check return: only the invocations that pass it touch memory", () => {
  // The WebGPU-samples / tfjs style: n = 1,000 elements, 4 workgroups of 256 = 1,024 invocations, buffers padded to
  // the dispatch. By hand: invocations 0..999 read x[i] and write out[i]: 4,000 bytes each way, exact (before: 4,096
  // each way, the padded buffers, as if the 24 returned invocations wrote too).
  const { model: m } = analysis(`// @dispatch 4
// @buffer x[1024] = random(-1, 1)
// @buffer out[1024]
// @uniform params = { n: 1000 }
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(256)
fn gelu(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.n) { return; }
  let v = x[i];
  out[i] = 0.5 * v * (1.0 + tanh(0.7978845608 * (v + 0.044715 * v * v * v)));
}
`, "gelu");
  assert.equal(m.traffic.compulsoryRead, 4_000);
  assert.equal(m.traffic.compulsoryWritten, 4_000);
  assert.equal(m.traffic.ranges, undefined, "exact: no range");
  assert.deepEqual(m.unknowns, []);
});

test("a 2-D image guard (x >= W || y >= H) narrows the footprint to the image, not the dispatch's rectangle", () => {
  // W = 100, H = 50 pixels, workgroups of 16 x 16, dispatch 7 x 4 (112 x 64 invocations), buffers padded to 112 x 64.
  // By hand: the pixels that pass are y in 0..49, x in 0..99, at y * 100 + x: elements 0..4,999, 20,000 bytes each
  // way (before: up to (63 x 100 + 111) x 4 + 4 = 25,648, from the rectangle's corner).
  const { model: m } = analysis(`// @dispatch 7, 4
// @buffer src[7168] = random(0, 1)
// @buffer dst[7168]
const W: u32 = 100u;
const H: u32 = 50u;
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(16, 16)
fn invert(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= W || g.y >= H) { return; }
  dst[g.y * W + g.x] = 1.0 - src[g.y * W + g.x];
}
`, "invert");
  assert.equal(m.accesses.find((a) => a.binding === "dst")!.count.value, 5_000);
  assert.equal(m.traffic.compulsoryRead, 20_000);
  assert.equal(m.traffic.compulsoryWritten, 20_000);
});

test("an in-place scale counts the buffer both ways, over the invocations that pass the bounds check", () => {
  // ggml's scale_f32 in place: x[i] = x[i] * scale for i < n = 1,000, 4 workgroups of 256. By hand: 4,000 bytes
  // read and the same 4,000 written: 8,000 compulsory (before: 8,192, the padded 1,024 elements both ways).
  const { model: m, json } = analysis(`// @dispatch 4
// @buffer x[1024] = random(-1, 1)
// @uniform params = { n: 1000, scale: 2.0 }
struct Params { n: u32, scale: f32 }
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;
@compute @workgroup_size(256)
fn scale_f32(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.n) { return; }
  x[i] = x[i] * params.scale;
}
`, "scale_f32");
  assert.equal(m.traffic.compulsoryRead, 4_000);
  assert.equal(m.traffic.compulsoryWritten, 4_000);
  assert.equal(json.bytes.compulsory, 8_000);
  assert.deepEqual(json.ranges, {});
});

test("compulsory is defined once, and the hover, the JSON's docs and the README say the same words", () => {
  assert.equal(COMPULSORY_DEFINITION, "bytes read once plus bytes written once; an in-place buffer counts both");
  const readme = readFileSync(join(root, "README.md"), "utf8").replace(/\s+/g, " ");
  assert.ok(readme.includes(COMPULSORY_DEFINITION), "README");
  const jsonDocs = readFileSync(join(root, "server/src/cli/kernelJson.ts"), "utf8").replace(/\s*\n\s*\*?\s*/g, " ");
  assert.ok(jsonDocs.includes(COMPULSORY_DEFINITION), "kernelJson.ts documents bytes.compulsory");
  const { model: m } = analysis(getRows, "get_rows_f32");
  assert.ok(breakdownMarkdown(m, device).includes(COMPULSORY_DEFINITION), "hover");
});
