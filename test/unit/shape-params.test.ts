// Sizes a kernel reads from its own buffers (a uniform struct's shape and stride members, a non-struct vec2u board
// size, an `info: array<u32>` storage buffer) are launch parameters: with the directive that gives them, trip counts
// and guards count exactly; without it, the model says which directive line to write. Each kernel is written in the
// idiom of the library that uses it; the numbers in the comments are derived by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { kernelIROf, launchOf } from "../../server/src/core/analysis/kernelAnalysis";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import type { LaunchParam } from "../../server/src/core/kernel/ir";
import { modelKernel } from "../../server/src/core/model/analyzeKernel";

const device = findDevice(DEFAULT_DEVICE_ID)!;

function model(text: string, entry: string) {
  const a = analyzeSource(text, { model: { device } }).models.get(entry);
  assert.ok(a, `'${entry}' is modelled`);
  return a.model;
}

/** The model with only what the directives state (no inferred or assumed values), and the kernel's IR. */
function stated(text: string, entry: string) {
  const source = analyzeSource(text);
  const kernel = source.kernels.find((k) => k.name === entry)!;
  const ir = kernelIROf(source, kernel);
  return { ir, model: modelKernel(ir, launchOf(source, kernel), device).model };
}

function count(m: ReturnType<typeof model>, binding: string, kind: "load" | "store" = "load") {
  const a = m.accesses.filter((x) => x.binding === binding && x.kind === kind);
  assert.ok(a.length > 0, `an access of '${binding}'`);
  return a.map((x) => x.count.value).reduce((s, v) => s + v, 0);
}

function paramsOf(ir: { params: ReadonlyMap<string, LaunchParam> }): LaunchParam[] {
  return [...ir.params.values()].filter((p) => p.kind === "uniform" || p.kind === "stored");
}

// ggml-webgpu style: one uniform `params` struct with the tensor's ne (elements per dimension) and nb (strides, of
// src then dst) as vector and array members.
const GGML_SUM_ROWS = `// @dispatch 8
// @buffer src[6000] = random(-1, 1)
// @buffer dst[6]
// @uniform params = { ne: [1000, 6, 1, 1], nb: [1, 1000, 6000, 6000, 1, 1, 6, 6], offset_dst: 0 }
struct Params {
  ne: vec4<u32>,
  nb: array<vec4<u32>, 2>,
  offset_dst: u32,
}
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(256)
fn sum_rows(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.x;
  if (row >= params.ne.y) { return; }
  var s = 0.0;
  for (var i = lid.x; i < params.ne[0]; i += 256u) {
    s += src[row * params.nb[0].y + i * params.nb[0].x];
  }
  if (lid.x == 0u) { dst[params.offset_dst + row * params.nb[1].y] = s; }
}
`;

test("ggml's params struct: ne and nb vector/array members drive the row guard and the column loop", () => {
  // By hand: 8 workgroups, ne.y = 6 rows pass the guard (2 return). Per row, lane l strides l, l + 256, ... below
  // ne[0] = 1,000: lanes 0..231 take 4 steps, 232..255 take 3, so 232 x 4 + 24 x 3 = 1,000 loads; 6 rows: 6,000
  // loads of src, 6,000 adds, and 6 stores (lane 0 of each row).
  const m = model(GGML_SUM_ROWS, "sum_rows");
  assert.equal(count(m, "src"), 6000);
  assert.equal(m.ops.flopsF32.value, 6000);
  assert.equal(count(m, "dst", "store"), 6);
  assert.equal(m.loops[0].tripCountText, "lid.x..1000 step 256");
  assert.ok(m.accesses.some((a) => a.binding === "params" && a.kind === "load"), "the uniform reads are still accesses");

  // Each component is its own parameter, named as the directive addresses it: nb[0].y is the 2nd scalar of nb,
  // nb[1].y the 6th.
  const { ir } = stated(GGML_SUM_ROWS, "sum_rows");
  assert.deepEqual(paramsOf(ir).map((p) => (p.kind === "uniform" ? p.field : "")).sort(), ["nb[0]", "nb[1]", "nb[5]", "ne[0]", "ne[1]", "offset_dst"]);
  const nb5 = paramsOf(ir).find((p) => p.kind === "uniform" && p.field === "nb[5]");
  assert.deepEqual(nb5, { v: "uniform.params.nb[5]", kind: "uniform", binding: "params", field: "nb[5]", list: { member: "nb", count: 8 } });
});

test("ggml's params struct without @uniform: the model names the list members to give", () => {
  const { model: m } = stated(GGML_SUM_ROWS.replace(/^\/\/ @uniform.*\n/m, ""), "sum_rows");
  const reasons = m.unknowns.map((u) => `${u.what}: ${u.reason}`);
  assert.ok(reasons.includes("uniform 'params.ne': has no value: add // @uniform params = { ne: [v0, v1, v2, v3] }"), reasons.join("\n"));
  assert.ok(reasons.includes("uniform 'params.nb': has no value: add // @uniform params = { nb: [v0, v1, v2, v3, v4, v5, v6, v7] }"), reasons.join("\n"));
  assert.ok(reasons.includes("uniform 'params.offset_dst': has no value: add // @uniform params = { offset_dst: ... }"), reasons.join("\n"));
  assert.equal(reasons.filter((r) => r.startsWith("uniform 'params.ne'")).length, 1, "one note per member, not per component");
});

// onnxruntime-web style: a `uniforms` struct with vec4<u32> shape and stride fields, indexed as shape[3].
const ORT_REDUCE_MEAN = `// @dispatch 9
// @buffer input[32768] = random(-1, 1)
// @buffer output[512]
// @uniform uniforms = { output_size: 512, input_shape: [1, 2, 256, 64], input_strides: [32768, 16384, 64, 1] }
struct Uniforms {
  output_size: u32,
  input_shape: vec4<u32>,
  input_strides: vec4<u32>,
};
@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> uniforms: Uniforms;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) global_id: vec3<u32>) {
  let global_idx = global_id.x;
  if (global_idx >= uniforms.output_size) { return; }
  var sum = 0.0;
  let reduce_size = uniforms.input_shape[3];
  for (var k = 0u; k < reduce_size; k++) {
    sum += input[global_idx * uniforms.input_strides[2] + k * uniforms.input_strides[3]];
  }
  output[global_idx] = sum / f32(reduce_size);
}
`;

test("onnxruntime's uniforms struct: vec4<u32> shape and stride fields give the reduction's trip count", () => {
  // By hand: 9 x 64 = 576 invocations, 512 pass the output_size guard; each reduces input_shape[3] = 64 values:
  // 32,768 loads, 32,768 adds plus 512 divides = 33,280 FLOPs, 512 stores.
  const m = model(ORT_REDUCE_MEAN, "main");
  assert.equal(m.invocations, 576);
  assert.equal(count(m, "input"), 32768);
  assert.equal(count(m, "output", "store"), 512);
  assert.equal(m.ops.flopsF32.value, 33280);
  assert.equal(m.loops[0].tripCountText, "0..64");

  const without = stated(ORT_REDUCE_MEAN.replace(/^\/\/ @uniform.*\n/m, ""), "main").model;
  const reasons = without.unknowns.map((u) => u.reason);
  assert.ok(reasons.includes("has no value: add // @uniform uniforms = { input_shape: [v0, v1, v2, v3] }"), reasons.join("\n"));
  assert.ok(reasons.includes("has no value: add // @uniform uniforms = { output_size: ... }"), reasons.join("\n"));
});

test("one value for a vector member fills every component, as a run writes it", () => {
  const m = model(ORT_REDUCE_MEAN.replace("input_shape: [1, 2, 256, 64]", "input_shape: 64"), "main");
  assert.equal(count(m, "input"), 32768);
});

// webgpu-samples' Game of Life: the board size is a bare `vec2u` uniform, not a struct.
const GAME_OF_LIFE = `// @dispatch 13, 8
// @uniform size = [100, 60]
// @buffer current[6000] = randint(0, 1)
// @buffer next[6000]
@binding(0) @group(0) var<uniform> size: vec2u;
@binding(1) @group(0) var<storage, read> current: array<u32>;
@binding(2) @group(0) var<storage, read_write> next: array<u32>;
override blockSize = 8;
fn getIndex(x: u32, y: u32) -> u32 {
  let h = size.y;
  let w = size.x;
  return (y % h) * w + (x % w);
}
fn getCell(x: u32, y: u32) -> u32 {
  return current[getIndex(x, y)];
}
fn countNeighbors(x: u32, y: u32) -> u32 {
  return getCell(x - 1, y - 1) + getCell(x, y - 1) + getCell(x + 1, y - 1) +
         getCell(x - 1, y) +                         getCell(x + 1, y) +
         getCell(x - 1, y + 1) + getCell(x, y + 1) + getCell(x + 1, y + 1);
}
@compute @workgroup_size(blockSize, blockSize)
fn main(@builtin(global_invocation_id) grid: vec3u) {
  let x = grid.x;
  let y = grid.y;
  if (x >= size.x || y >= size.y) { return; }
  let n = countNeighbors(x, y);
  next[getIndex(x, y)] = select(u32(n == 3u), u32(n == 2u || n == 3u), getCell(x, y) == 1u);
}
`;

test("Game of Life's vec2u board size: the guard counts exactly the cells of the board", () => {
  // By hand: 13 x 8 workgroups of 8 x 8 = 104 x 64 = 6,656 invocations; the guard keeps x < 100 and y < 60: 6,000
  // cells. Each reads its 8 neighbours and itself (9 loads of current, at data-independent but non-constant
  // indices, so still loaded data) and writes one cell: 54,000 loads, 6,000 stores.
  const m = model(GAME_OF_LIFE, "main");
  assert.equal(m.invocations, 6656);
  assert.equal(count(m, "current"), 54000);
  assert.equal(count(m, "next", "store"), 6000);

  const { ir, model: without } = stated(GAME_OF_LIFE.replace(/^\/\/ @uniform.*\n/m, ""), "main");
  assert.deepEqual(paramsOf(ir).map((p) => p.v).sort(), ["uniform.size[0]", "uniform.size[1]"]);
  assert.ok(!paramsOf(ir).some((p) => "binding" in p && p.binding === "current"), "reads at a computed index stay data");
  const notes = without.unknowns.filter((u) => u.what === "uniform 'size'");
  assert.deepEqual(notes.map((u) => u.reason), ["has no value: add // @uniform size = [v0, v1]"]);
});

test("an array<vec4u, 2> uniform read as params[1].y is its 6th scalar", () => {
  // By hand: params[1].y = 37 iterations for each of the 64 invocations: 2,368 loads of x.
  const text = `// @dispatch 1
// @uniform params = [0, 0, 0, 0, 0, 37, 0, 0]
// @buffer x[37] = random(-1, 1)
// @buffer y[64]
@group(0) @binding(0) var<uniform> params: array<vec4u, 2>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = 0u; i < params[1].y; i++) { s += x[i]; }
  y[lid.x] = s;
}
`;
  const m = model(text, "main");
  assert.equal(m.loops[0].tripCountText, "0..37");
  assert.equal(count(m, "x"), 64 * 37);
  const { ir, model: without } = stated(text.replace(/^\/\/ @uniform.*\n/m, ""), "main");
  assert.deepEqual(paramsOf(ir), [{ v: "uniform.params[5]", kind: "uniform", binding: "params", field: "[5]", list: { member: "", count: 8 } }]);
  assert.ok(without.unknowns.some((u) => u.reason === "has no value: add // @uniform params = [v0, v1, v2, v3, v4, v5, v6, v7]"));
});

// onnxruntime / ggml style shape information in a read-only storage buffer of u32.
const INFO_ROW_MAX = `// @dispatch 2
// @buffer info = [100, 48, 4]
// @buffer x[4800] = random(-1, 1)
// @buffer y[100]
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> info: array<u32>;
@compute @workgroup_size(64)
fn row_max(@builtin(global_invocation_id) gid: vec3u) {
  let rows = info[0];
  let cols = info[1];
  if (gid.x >= rows) { return; }
  var m = -3.4e38;
  for (var c = 0u; c < cols; c++) {
    m = max(m, x[gid.x * cols + c]);
  }
  y[gid.x] = m;
}
`;

test("an info: array<u32> storage buffer given by // @buffer info = [...] sizes the guard and the loop", () => {
  // By hand: 2 x 64 = 128 invocations each read info[0] and info[1] (4 bytes each); rows = 100 pass the guard and
  // each reads cols = 48 values: 4,800 loads of x, 4,800 max operations, 100 stores. The list's length (3) is the
  // buffer's element count.
  const m = model(INFO_ROW_MAX, "row_max");
  assert.equal(m.invocations, 128);
  assert.equal(count(m, "info"), 256);
  assert.ok(m.accesses.filter((a) => a.binding === "info").every((a) => a.bytesPerAccess === 4));
  assert.equal(count(m, "x"), 4800);
  assert.equal(count(m, "y", "store"), 100);
  assert.equal(m.loops[0].tripCountText, "0..48");
  const source = analyzeSource(INFO_ROW_MAX);
  assert.equal(launchOf(source, source.kernels[0]).input?.bufferCounts.get("info"), 3);

  const { ir, model: without } = stated(INFO_ROW_MAX.replace(/^\/\/ @buffer info.*\n/m, ""), "row_max");
  assert.deepEqual(paramsOf(ir), [
    { v: "stored.info[0]", kind: "stored", binding: "info", index: 0 },
    { v: "stored.info[1]", kind: "stored", binding: "info", index: 1 },
  ]);
  const notes = without.unknowns.filter((u) => u.what === "buffer 'info'");
  assert.deepEqual(notes.map((u) => u.reason), ["the kernel reads info[0], info[1] as sizes, and nothing gives them: add // @buffer info = [v0, v1] (its values in order)"]);
});

test("only integer reads of read-only storage at a constant index are sizes: floats and writable buffers stay data", () => {
  const { ir } = stated(`// @dispatch 1
// @buffer scale[1] = random(0, 1)
// @buffer counts[4]
// @buffer idx[64] = iota
// @buffer out[64]
@group(0) @binding(0) var<storage, read> scale: array<f32>;
@group(0) @binding(1) var<storage, read_write> counts: array<u32>;
@group(0) @binding(2) var<storage, read> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  out[lid.x] = scale[0] * f32(counts[0] + idx[lid.x]);
}
`, "main");
  assert.deepEqual(paramsOf(ir), []);
});

test("a header struct member and a vec4 element of storage are indexed by scalar in layout order", () => {
  // struct { n: u32, pad: u32, dims: array<vec4u> }: n is scalar 0, dims[1].z is 2 + 4 + 2 = scalar 8.
  const { ir } = stated(`// @dispatch 1
// @buffer meta[2] = [16, 0, 1, 1, 1, 1, 4, 4, 7, 4]
// @buffer out[64]
struct Meta { n: u32, pad: u32, dims: array<vec4u> }
@group(0) @binding(0) var<storage, read> meta: Meta;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  out[lid.x] = meta.n + meta.dims[1].z;
}
`, "main");
  assert.deepEqual(paramsOf(ir).map((p) => (p.kind === "stored" ? p.index : -1)), [0, 8]);
});
