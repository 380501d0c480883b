// Numbers with no directive at all: the dispatch inferred from bounds guards, every other size assumed from one
// problem size and listed. Kernels in the idioms of ggml's WebGPU shaders, llm.c/gpu.cpp, webgpu-samples and
// onnxruntime; every number in the comments is derived by hand and compared exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { assumedSize } from "../../server/src/core/kernel/inferLaunch";
import { assumedLensText, assumptionsMarkdown, directiveBlock } from "../../server/src/core/model/assumptionsText";
import { totalFlops } from "../../server/src/core/model/flops";
import { lensTitle, lensTooltip } from "../../server/src/core/model/lensLine";
import { toKernelJson } from "../../server/src/cli/kernelJson";
import { codeActions } from "../../server/src/lsp/codeActions";

const device = findDevice(DEFAULT_DEVICE_ID)!;

function analyse(text: string, problemSize?: number) {
  return analyzeSource(text, { model: { device, problemSize } });
}
function model(text: string, entry = "main", problemSize?: number) {
  const a = analyse(text, problemSize).models.get(entry);
  assert.ok(a, `'${entry}' is modelled`);
  return a.model;
}
const assumed = (m: ReturnType<typeof model>) => Object.fromEntries(m.assumptions.map((a) => [a.name, [a.value, a.source]]));

// ggml-webgpu style: a params struct with the element count and offsets into the bound buffers.
const ggmlScale = `struct Params { ne: u32, offset_src: u32, offset_dst: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.ne) { return; }
  dst[params.offset_dst + gid.x] = src[params.offset_src + gid.x] * params.scale;
}
`;

test("ggml element-wise: the guard gives the dispatch, ne is the assumed problem, offsets are 0, scale needs nothing", () => {
  // One size decides control flow (ne): it is the whole problem, 1,048,576. offset_src and offset_dst are only added
  // to addresses: 0. scale is only multiplied with: no assumption. The guard turns away workgroup 4,096 first
  // (4,096 x 256 = 1,048,576): dispatch 4,096. By hand: 1,048,576 multiplies; 4 MiB read and 4 MiB written.
  const m = model(ggmlScale);
  assert.deepEqual(assumed(m), {
    "params.ne": [1048576, "assumed"],
    "params.offset_src": [0, "assumed"],
    "params.offset_dst": [0, "assumed"],
    dispatch: [[4096, 1, 1], "assumed"],
  });
  assert.deepEqual(m.dispatch, [4096, 1, 1]);
  assert.equal(m.invocations, 1048576);
  assert.equal(totalFlops(m.ops).value, 1048576);
  assert.equal(m.traffic.dramRead, 4 * 1048576);
  assert.equal(m.traffic.dramWritten, 4 * 1048576);
  assert.ok(m.occupancy && m.roofline.bound === "memory" && m.roofline.predictedMs! > 0);
  // The lens says what it assumed before anything else; the hover lists each value with its directive.
  assert.match(lensTitle(m), /^\$\(warning\) 3 assumed · memory-bound · ≈ /);
  assert.match(lensTooltip(m, device), /^Assumed params\.ne = 1,048,576; params\.offset_src, params\.offset_dst = 0: no directive states them/m);
  const hover = assumptionsMarkdown(m.assumptions);
  // Every field's line is the whole binding's, so pasting any one of them states them all.
  assert.match(hover, /`params\.ne` = 1,048,576: nothing in the file gives it a value.*Write it as `\/\/ @uniform params = \{ ne: 1048576, offset_src: 0, offset_dst: 0 \}`/);
  assert.match(hover, /`params\.offset_src` = 0: an offset only added to addresses/);
  // The problem size is a setting.
  const small = model(ggmlScale, "main", 4096);
  assert.deepEqual(small.dispatch, [16, 1, 1]);
  assert.equal(totalFlops(small.ops).value, 4096);
});

test("a constant bound is the code's, not an assumption: nothing rests on an assumed value", () => {
  // const N = 10,000 and 64-wide workgroups: ceil(10,000 / 64) = 157 workgroups, 10,048 invocations, 10,000 of
  // which pass the guard: 10,000 adds, 80,000 bytes read, 40,000 written.
  const m = model(`const N: u32 = 10000u;
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= N) { return; }
  out[i] = a[i] + b[i];
}
`);
  assert.deepEqual(assumed(m), { dispatch: [[157, 1, 1], "code"] });
  assert.equal(m.invocations, 10048);
  assert.equal(totalFlops(m.ops).value, 10000);
  assert.equal(m.traffic.compulsoryRead, 80000);
  assert.equal(m.traffic.compulsoryWritten, 40000);
  assert.equal(assumedLensText(m.assumptions), "");
  assert.doesNotMatch(lensTitle(m), /assumed/);
  assert.match(lensTitle(m), /^\$\(graph\) /);
  assert.doesNotMatch(lensTooltip(m, device), /assumed/i);
});

test("a body wrapped in if (gid.x < arrayLength(&y)): the buffer length is the problem", () => {
  // webgpu-samples style saxpy: y = 2 x + y, one FMA (2 FLOPs) per element; arrayLength(&y) assumed 1,048,576,
  // dispatch 4,096 x 256. By hand: 2,097,152 FLOPs; x and y read (8 MiB), y written (4 MiB).
  const m = model(`@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < arrayLength(&y)) {
    y[gid.x] = fma(2.0, x[gid.x], y[gid.x]);
  }
}
`);
  assert.deepEqual(assumed(m), { "arrayLength(&y)": [1048576, "assumed"], dispatch: [[4096, 1, 1], "assumed"] });
  assert.equal(totalFlops(m.ops).value, 2097152);
  assert.equal(m.traffic.dramRead, 8 * 1048576);
  assert.equal(m.traffic.dramWritten, 4 * 1048576);
  assert.deepEqual(directiveBlock(m.assumptions), ["// @buffer y[1048576]", "// @dispatch 4096"]);
});

const naiveMatmul = `struct Dims { M: u32, N: u32, K: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.y;
  let col = gid.x;
  if (row >= dims.M || col >= dims.N) { return; }
  var sum = 0.0;
  for (var k = 0u; k < dims.K; k++) {
    sum += a[row * dims.K + k] * b[k * dims.N + col];
  }
  c[row * dims.N + col] = sum;
}
`;

test("a 2-D matmul: M, N and K are the square root of the problem each, the 2-D guard gives a 2-D dispatch", () => {
  // Three sizes share the 1,048,576-element problem: 1,024 each (each matrix 1,048,576 elements). The guard on
  // row (gid.y) and col (gid.x) turns away workgroup 64 in each dimension: 64 x 64 workgroups of 16 x 16.
  // By hand: 2 M N K = 2,147,483,648 FLOPs; C written once, 4 MiB.
  const m = model(naiveMatmul);
  assert.deepEqual(assumed(m), { "dims.M": [1024, "assumed"], "dims.N": [1024, "assumed"], "dims.K": [1024, "assumed"], dispatch: [[64, 64, 1], "assumed"] });
  assert.equal(totalFlops(m.ops).value, 2 * 1024 ** 3);
  assert.equal(m.traffic.compulsoryWritten, 4 * 1024 * 1024);
  assert.equal(assumedLensText(m.assumptions), "assumed dims.M, dims.N, dims.K = 1,024");
  // Each of A, B and C is shaped by two of the three sizes: two sizes of 1,024 make 1,048,576 elements.
  assert.equal(assumedSize(1 << 20, 2), 1024);
  assert.equal(assumedSize(1 << 20, 4), 32);
  assert.equal(assumedSize(1 << 20, 1), 1 << 20);
});

test("Add launch directives writes what was assumed above the entry point; with it the numbers are the same and nothing is assumed", () => {
  const doc = TextDocument.create("file:///m.wgsl", "wgsl", 1, naiveMatmul);
  const source = analyse(naiveMatmul);
  const at = naiveMatmul.indexOf("fn main");
  const actions = codeActions(doc, source, { start: doc.positionAt(at + 3), end: doc.positionAt(at + 3) });
  assert.equal(actions.length, 1);
  assert.match(actions[0].title, /^Add launch directives for 'main'/);
  const edit = actions[0].edit!.changes!["file:///m.wgsl"]![0];
  assert.equal(edit.newText, "// @uniform dims = { M: 1024, N: 1024, K: 1024 }\n// @dispatch 64, 64\n");
  assert.equal(edit.range.start.line, doc.positionAt(naiveMatmul.indexOf("@compute")).line);
  const edited = TextDocument.applyEdits(doc, [edit]);
  const before = model(naiveMatmul);
  const after = model(edited);
  assert.deepEqual(after.assumptions, []);
  assert.deepEqual(after.dispatch, before.dispatch);
  assert.equal(totalFlops(after.ops).value, totalFlops(before.ops).value);
  assert.equal(after.traffic.dramRead, before.traffic.dramRead);
  assert.equal(after.roofline.predictedMs, before.roofline.predictedMs);
  // Inside the body, or on a kernel with nothing to add, there is no action.
  const body = naiveMatmul.indexOf("sum +=");
  assert.deepEqual(codeActions(doc, source, { start: doc.positionAt(body), end: doc.positionAt(body) }), []);
  const editedDoc = TextDocument.create("file:///e.wgsl", "wgsl", 1, edited);
  const e = edited.indexOf("fn main");
  assert.deepEqual(codeActions(editedDoc, analyse(edited), { start: editedDoc.positionAt(e), end: editedDoc.positionAt(e) }), []);
});

test("a row per workgroup (ggml soft_max style): the guard on the workgroup id is the row count", () => {
  // rows and cols are two sizes: 1,024 each. The guard turns away workgroup 1,024: one workgroup per row. Each
  // row's 1,024 columns are read by 256 lanes striding by 256: 4 loads each, 1,048,576 loads in all (4 MiB).
  const m = model(`struct P { nrows: u32, ncols: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> row_max: array<f32>;
@group(0) @binding(2) var<uniform> params: P;
var<workgroup> part: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = wid.x;
  if (row >= params.nrows) { return; }
  var m = -3.4e38;
  for (var i = lid.x; i < params.ncols; i += 256u) {
    m = max(m, x[row * params.ncols + i]);
  }
  part[lid.x] = m;
  workgroupBarrier();
  if (lid.x == 0u) { row_max[row] = part[0]; }
}
`);
  assert.deepEqual(assumed(m), { "params.nrows": [1024, "assumed"], "params.ncols": [1024, "assumed"], dispatch: [[1024, 1, 1], "assumed"] });
  assert.equal(m.traffic.dramRead, 4 * 1048576);
  assert.equal(m.traffic.compulsoryWritten, 4 * 1024);
});

test("no guard: one invocation per element of the assumed problem; a kernel that never reads its workgroup id is one workgroup", () => {
  // 2-D with no guard: two dimensions share the problem, 1,024 invocations each: 64 x 64 workgroups of 16 x 16.
  const twoD = model(`@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.y * 1024u + gid.x] = 1.0;
}
`);
  assert.deepEqual(assumed(twoD), { dispatch: [[64, 64, 1], "assumed"] });
  assert.equal(twoD.traffic.compulsoryWritten, 4 * 1048576);
  // Only the local id: the dispatch is the code's, one workgroup.
  const one = model(`@group(0) @binding(0) var<storage, read_write> out: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  out[lid.x] = f32(lid.x);
}
`);
  assert.deepEqual(assumed(one), { dispatch: [[1, 1, 1], "code"] });
  assert.equal(one.traffic.compulsoryWritten, 256);
});

test("what a directive gives is never assumed: a given dispatch, a given uniform, an override without a value in the workgroup size", () => {
  const body = `struct P { n: u32 }
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<uniform> params: P;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.n) { return; }
  x[gid.x] = x[gid.x] * 2.0;
}
`;
  // @dispatch given: only n is assumed, and the dispatch is the directive's.
  const given = model(`// @dispatch 8\n${body}`);
  assert.deepEqual(assumed(given), { "params.n": [1048576, "assumed"] });
  assert.deepEqual(given.dispatch, [8, 1, 1]);
  assert.equal(given.invocations, 2048);
  // n given by @uniform: the dispatch follows from it and is the code's: ceil(5,000 / 256) = 20.
  const fromUniform = model(`// @uniform params = { n: 5000 }\n${body}`);
  assert.deepEqual(assumed(fromUniform), { dispatch: [[20, 1, 1], "code"] });
  assert.equal(totalFlops(fromUniform.ops).value, 5000);
  // An override without a value sizing the workgroup: 64 assumed, and occupancy rests on it too.
  const wg = model(`override WG: u32;\n${body.replace("@workgroup_size(256)", "@workgroup_size(WG)")}`);
  assert.deepEqual(wg.workgroupSize, [64, 1, 1]);
  assert.deepEqual(assumed(wg), { WG: [64, "assumed"], "params.n": [1048576, "assumed"], dispatch: [[16384, 1, 1], "assumed"] });
  const json = toKernelJson(analyse(`override WG: u32;\n${body.replace("@workgroup_size(256)", "@workgroup_size(WG)")}`).kernels[0], { model: wg, diagnostics: [] }, () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }));
  assert.ok(json.assumedFields.includes("occupancy") && json.assumedFields.includes("flops"));
  assert.deepEqual(json.assumptions.map((a) => a.directive), ["// @override WG = 64", "// @uniform params = { n: 1048576 }", "// @dispatch 16384"]);
  const givenJson = toKernelJson(analyse(`// @uniform params = { n: 5000 }\n${body}`).kernels[0], { model: fromUniform, diagnostics: [] }, () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }));
  assert.deepEqual(givenJson.assumedFields, []);
  assert.equal(givenJson.assumptions[0].source, "code");
});

test("a grid-stride loop (llm.c style) is launched one invocation per element; its bound is the assumed size", () => {
  // n = 1,048,576; 256-wide workgroups: 4,096 workgroups, each invocation one iteration. 1,048,576 loads and
  // stores of 4 bytes.
  const m = model(`struct P { n: u32 }
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<uniform> params: P;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let stride = nwg.x * 256u;
  for (var i = gid.x; i < params.n; i += stride) {
    x[i] = x[i] * 0.5;
  }
}
`);
  assert.deepEqual(assumed(m), { "params.n": [1048576, "assumed"], dispatch: [[4096, 1, 1], "assumed"] });
  assert.equal(m.traffic.dramRead, 4 * 1048576);
  assert.equal(m.traffic.dramWritten, 4 * 1048576);
});

test("an image pass guarded by all(gid.xy < textureDimensions(t)): the texture's size is assumed, the 2-D guard is exact", () => {
  // 1,024 x 1,024 texels (two sizes), 8 x 8 workgroups: 128 x 128. Each texel stored once as rgba8unorm: 4 MiB.
  const m = model(`@group(0) @binding(0) var out_tex: texture_storage_2d<rgba8unorm, write>;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (all(gid.xy < textureDimensions(out_tex))) {
    textureStore(out_tex, gid.xy, vec4f(0.0, 0.5, 1.0, 1.0));
  }
}
`);
  assert.deepEqual(m.dispatch, [128, 128, 1]);
  assert.equal(m.traffic.dramWritten, 4 * 1048576);
  assert.deepEqual(directiveBlock(m.assumptions), ["// @texture out_tex[1024, 1024]", "// @dispatch 128, 128"]);
});

test("onnxruntime style: a size read from a uniform vec4 shape and from a storage info buffer is assumed and written as a list", () => {
  // output_shape.x is the element count (one size): 1,048,576; the other components are read by nothing and are 1
  // in the directive.
  const m = model(`struct Uniforms { output_shape: vec4<u32>, output_size: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> uniforms: Uniforms;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= uniforms.output_size) { return; }
  y[gid.x] = tanh(x[gid.x]);
}
`);
  assert.deepEqual(m.dispatch, [16384, 1, 1]);
  assert.deepEqual(directiveBlock(m.assumptions), ["// @uniform uniforms = { output_size: 1048576 }", "// @dispatch 16384"]);
  const info = model(`@group(0) @binding(0) var<storage, read> info: array<u32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= info[1]) { return; }
  y[gid.x] = 0.0;
}
`);
  assert.deepEqual(assumed(info), { "info[1]": [1048576, "assumed"], dispatch: [[16384, 1, 1], "assumed"] });
  assert.deepEqual(directiveBlock(info.assumptions), ["// @buffer info = [1, 1048576]", "// @dispatch 16384"]);
});

test("per invocation and per workgroup: the hover and the JSON give what one thread and one workgroup do", () => {
  // The ggml scale kernel: every invocation passes the guard (1,048,576 of them): 1 FLOP and 8 bytes (one 4-byte
  // load, one 4-byte store) each; a workgroup of 256: 256 FLOPs and 2,048 bytes.
  const source = analyse(ggmlScale);
  const a = source.models.get("main")!;
  const json = toKernelJson(source.kernels[0], a, () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }));
  assert.deepEqual(json.perInvocation, { flops: 1, globalBytes: 8, specialOps: 0 });
  assert.deepEqual(json.perWorkgroup, { flops: 256, globalBytes: 2048, specialOps: 0 });
});

test("an assumed launch is no finding: WebGPU's dispatch and buffer limits are checked against what the file states", () => {
  // 16-wide workgroups over the assumed 1,048,576 elements need 65,536 workgroups, one more than WebGPU's default
  // per-dimension limit: the model says so in the dispatch, but the author wrote no such launch.
  const text = `struct P { n: u32 }
@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@group(0) @binding(1) var<uniform> params: P;
@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.n) { return; }
  y[gid.x] = y[gid.x] + 1.0;
}
`;
  const source = analyse(text);
  assert.deepEqual(source.models.get("main")!.model.dispatch, [65536, 1, 1]);
  assert.deepEqual(source.diagnostics.filter((d) => d.code === "webgpu-limits"), []);
  // The same launch written by the author is one.
  const stated = analyse(`// @dispatch 65536\n// @uniform params = { n: 1048576 }\n${text}`);
  assert.equal(stated.diagnostics.filter((d) => d.code === "webgpu-limits").length, 1);
});

test("ggml rms_norm style: a row per thread over four dimensions; strides are the products of the sizes inside them", () => {
  // ne0..ne3 are four sizes (ne1, ne2 split the row id, ne3 bounds it, ne0 bounds the loop): 32 each, so the
  // tensor has 32^4 = 1,048,576 elements. The strides follow their names: stride_src1 = 32, stride_src2 = 1,024,
  // stride_src3 = 32,768, so no two rows overlap. Rows: 32^3 = 32,768, 512 workgroups of 64. By hand: every element
  // read once (4 MiB); one f32 written per row (128 KiB); 2 FLOPs per element plus 2 per row.
  const m = model(`struct Params { offset_src: u32, stride_src1: u32, stride_src2: u32, stride_src3: u32, ne0: u32, ne1: u32, ne2: u32, ne3: u32, eps: f32 }
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= params.ne1 * params.ne2 * params.ne3) { return; }
  let i3 = row / (params.ne2 * params.ne1);
  let i2 = (row % (params.ne2 * params.ne1)) / params.ne1;
  let i1 = row % params.ne1;
  let base = params.offset_src + i3 * params.stride_src3 + i2 * params.stride_src2 + i1 * params.stride_src1;
  var sum = 0.0;
  for (var j = 0u; j < params.ne0; j++) {
    sum += src[base + j] * src[base + j];
  }
  dst[row] = sum / f32(params.ne0) + params.eps;
}
`);
  const a = assumed(m);
  assert.deepEqual([a["params.ne0"], a["params.ne1"], a["params.ne2"], a["params.ne3"]].map((x) => x[0]), [32, 32, 32, 32]);
  assert.deepEqual([a["params.stride_src1"], a["params.stride_src2"], a["params.stride_src3"], a["params.offset_src"]].map((x) => x[0]), [32, 1024, 32768, 0]);
  assert.equal(a["params.eps"], undefined);
  assert.deepEqual(m.dispatch, [512, 1, 1]);
  assert.equal(m.traffic.compulsoryRead, 4 * 1048576);
  assert.equal(m.traffic.compulsoryWritten, 4 * 32768);
  assert.equal(totalFlops(m.ops).value, 2 * 1048576 + 2 * 32768);
});

test("ggml binary op style: a flat id split by divisors; the element count is the product of the dimensions, a dimension-0 stride is 1", () => {
  // The id i is split by ne0, ne1, ne2 (divisors) and src1 is broadcast by b_ne0..b_ne3 (moduli): four dimensions
  // of 32, so ne (only compared with the flat id) is their product, 1,048,576, and the dispatch 4,096 x 256.
  // stride_src1_0 is 1 (dimension 0), so neighbouring invocations read neighbouring src1 elements: no uncoalesced
  // finding (with every stride assumed as a size, the model once called this 1,048,576 elements apart).
  const text = `struct Params { ne: u32, ne0: u32, ne1: u32, ne2: u32, b_ne0: u32, b_ne1: u32, b_ne2: u32, b_ne3: u32,
  stride_src1_0: u32, stride_src1_1: u32, stride_src1_2: u32, stride_src1_3: u32 }
@group(0) @binding(0) var<storage, read> src0: array<f32>;
@group(0) @binding(1) var<storage, read> src1: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.ne) { return; }
  let i3 = i / (params.ne2 * params.ne1 * params.ne0);
  let i2 = (i / (params.ne1 * params.ne0)) % params.ne2;
  let i1 = (i / params.ne0) % params.ne1;
  let i0 = i % params.ne0;
  let j = (i0 % params.b_ne0) * params.stride_src1_0 + (i1 % params.b_ne1) * params.stride_src1_1
    + (i2 % params.b_ne2) * params.stride_src1_2 + (i3 % params.b_ne3) * params.stride_src1_3;
  dst[i] = src0[i] + src1[j];
}
`;
  const source = analyse(text);
  const m = source.models.get("main")!.model;
  const a = assumed(m);
  assert.deepEqual(a["params.ne"], [1048576, "assumed"]);
  assert.deepEqual([a["params.ne0"], a["params.b_ne3"]].map((x) => x[0]), [32, 32]);
  assert.deepEqual([a["params.stride_src1_0"], a["params.stride_src1_1"], a["params.stride_src1_3"]].map((x) => x[0]), [1, 32, 32768]);
  assert.deepEqual(m.dispatch, [4096, 1, 1]);
  assert.deepEqual(source.diagnostics.filter((d) => d.code === "uncoalesced-access"), []);
});

test("sizes the ids reach only through a branch, a flattened index or global_invocation_index still spread the work", () => {
  // A value a branch chose hides the workgroup id from the index: the kernel still reads it, so the dispatch is
  // assumed (1,048,576 / 64), never "one workgroup".
  const phi = model(`struct P { flip: u32 }
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<uniform> p: P;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_id) l: vec3u) {
  var v = w.x * 64u + l.x;
  if (p.flip != 0u) { v = 1048575u - v; }
  x[v] = 1.0;
}
`);
  assert.deepEqual(phi.dispatch, [16384, 1, 1]);
  assert.equal(phi.assumptions.find((a) => a.name === "dispatch")!.source, "assumed");
  // A 1-D problem flattened over a 2-D dispatch (llama.cpp's im2col): x covers it, y is 1.
  const flat = model(`struct P { n: u32 }
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<uniform> params: P;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + nwg.x * 256u * gid.y;
  if (i >= params.n) { return; }
  x[i] = 2.0 * x[i];
}
`);
  assert.deepEqual(flat.dispatch, [4096, 1, 1]);
  // A row per workgroup with no guard: one workgroup per row (1,024 rows of 1,024 columns), not per 256 elements.
  const rows = model(`struct P { ncols: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: P;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wid.x;
  for (var i = lid.x; i < params.ncols; i += 256u) {
    y[row * params.ncols + i] = exp(x[row * params.ncols + i]);
  }
}
`);
  assert.deepEqual(rows.dispatch, [1024, 1, 1]);
  assert.equal(rows.ops.specialOps.value, 1048576);
});

test("texture sizes are sizes (never an offset of 0) and 2-D workgroup overrides share 64 invocations", () => {
  // dims.y is only added to the texel coordinate (a vertical flip): still the texture's height, 1,024, not 0.
  const flip = model(`@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var dst: texture_storage_2d<rgba8unorm, write>;
override SX: u32;
override SY: u32;
@compute @workgroup_size(SX, SY)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let dims = textureDimensions(src);
  textureStore(dst, gid.xy, textureLoad(src, vec2u(gid.x, dims.y - 1u - gid.y), 0));
}
`);
  assert.ok(flip.assumptions.every((a) => a.value !== 0), JSON.stringify(flip.assumptions));
  assert.ok(directiveBlock(flip.assumptions).includes("// @texture src[1024, 1024]"), directiveBlock(flip.assumptions).join("\n"));
  assert.deepEqual(flip.workgroupSize, [8, 8, 1]);
});

test("a host-code template's {{placeholders}} are named as such, and // @define fills them", () => {
  const template = `@group(0) @binding(0) var<storage, read_write> x: array<{{precision}}>;
@compute @workgroup_size({{workgroupSize}})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= {{N}}) { return; }
  x[gid.x] = x[gid.x] * 2.0;
}
`;
  const bare = analyse(template);
  const said = bare.diagnostics.filter((d) => d.code === "template-placeholder").map((d) => template.slice(d.span.start, d.span.end));
  assert.deepEqual(said, ["{{precision}}", "{{workgroupSize}}", "{{N}}"]);
  // Filled in: 4,096 elements in workgroups of 128: 32 workgroups, from the guard (the code's, nothing assumed).
  const filled = model(`// @define precision=f32\n// @define workgroupSize=128\n// @define N=4096\n${template}`);
  assert.deepEqual(filled.dispatch, [32, 1, 1]);
  assert.equal(totalFlops(filled.ops).value, 4096);
  assert.deepEqual(filled.assumptions.map((a) => a.source), ["code"]);
});

test("a second @uniform for one binding is a warning: it replaces the first whole", () => {
  const source = analyse(`// @uniform params = { n: 4 }
// @uniform params = { m: 8 }
struct P { n: u32, m: u32 }
@group(0) @binding(0) var<uniform> params: P;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) { if (gid.x < params.n * params.m) { x[gid.x] = 0.0; } }
`);
  const dup = source.diagnostics.filter((d) => d.code === "directive-duplicate");
  assert.equal(dup.length, 1);
  assert.match(dup[0].message, /a second @uniform for 'params' in the file replaces the first whole/);
});
