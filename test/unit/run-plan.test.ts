// Tests the run plan: binding layouts, sizes, uniform bytes, overrides, dispatch, checks, and problems located where to fix them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource, type SourceAnalysis } from "../../server/src/core/analysis/sourceAnalysis";
import { decodeFp16 } from "../../server/src/core/quant/minifloat";
import { materializeInputs } from "../../server/src/core/run/inputs";
import { buildRunPlan, defaultRunEntries, DEFAULT_TOLERANCES, type PlanResult } from "../../server/src/core/run/plan";

const examples = join(__dirname, "..", "..", "examples");

function plan(text: string, entry?: string, given: ReadonlyMap<string, number> = new Map()): PlanResult & { source: SourceAnalysis } {
  const source = analyzeSource(text);
  const kernel = entry ? source.kernels.find((k) => k.name === entry)! : source.kernels.find((k) => k.stage === "compute")!;
  return { ...buildRunPlan(source, kernel, given), source };
}

/** The text a problem's span covers. */
function at(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}

describe("run plan", () => {
  it("plans saxpy: sizes, roles, uniform bytes by the struct layout, dispatch", () => {
    const text = readFileSync(join(examples, "saxpy.wgsl"), "utf8");
    const { plan: p, problems } = plan(text);
    assert.deepEqual(problems, []);
    assert.ok(p);
    assert.equal(p.entry, "saxpy");
    assert.deepEqual(p.dispatch, [4096, 1, 1]);
    assert.deepEqual(p.workgroupSize, [256, 1, 1]);
    const byName = Object.fromEntries(p.bindings.map((b) => [b.name, b]));
    assert.deepEqual(Object.keys(byName), ["x", "y", "out", "params"]);
    assert.equal(byName.x.role, "input");
    assert.equal(byName.x.kind, "storage-read");
    assert.equal(byName.x.count, 1 << 20);
    assert.equal(byName.x.sizeBytes, 4 << 20);
    assert.equal(byName.x.scalar, "f32");
    assert.deepEqual(byName.x.init, { kind: "random", lo: -1, hi: 1 });
    assert.equal(byName.out.role, "output");
    assert.equal(byName.out.kind, "storage-read-write");
    assert.equal(byName.out.init, undefined);
    assert.deepEqual([byName.x.group, byName.x.binding, byName.params.binding], [0, 0, 3]);
    const u = byName.params;
    assert.equal(u.kind, "uniform");
    assert.equal(u.sizeBytes, 16, "8 bytes of struct, bound in 16-byte units");
    const view = new DataView(u.uniformBytes!);
    assert.equal(view.getUint32(0, true), 1 << 20);
    assert.equal(view.getFloat32(4, true), 2.5);
    assert.deepEqual(u.uniformValues, { n: 1 << 20, alpha: 2.5 });
    assert.equal(p.lets.N, 1 << 20);
    // saxpy checks its output against the float64 reference module, with the f32 default tolerances.
    assert.equal(p.checks.length, 1);
    assert.equal(p.checks[0].output, "out");
    assert.deepEqual(p.checks[0].reference, { kind: "js", path: "./ref/saxpy.mjs" });
  });

  it("lays out vec4 and vec3 elements (stride 16, padding skipped) and structs ending in a runtime array", () => {
    const text = `
// @let N = 10
// @dispatch 1
// @buffer v4[N] = iota
// @buffer v3[N] = const(1)
// @buffer s[N] = random(0, 1)
// @buffer o[N]
struct Head { count: u32, scale: f32, items: array<vec2<f32>> }
@group(0) @binding(0) var<storage, read> v4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> v3: array<vec3<f32>>;
@group(0) @binding(2) var<storage, read> s: Head;
@group(0) @binding(3) var<storage, read_write> o: array<i32>;
@compute @workgroup_size(1) fn main() { o[0] = i32(v4[0].x + v3[0].y + s.items[0].x + s.scale); }
`;
    const { plan: p, problems } = plan(text);
    assert.deepEqual(problems, []);
    const b = Object.fromEntries(p!.bindings.map((x) => [x.name, x]));
    assert.equal(b.v4.components, 4);
    assert.equal(b.v4.layout.stride, 16);
    assert.equal(b.v4.sizeBytes, 160);
    assert.equal(b.v3.components, 3);
    assert.equal(b.v3.layout.stride, 16);
    assert.deepEqual(b.v3.layout.leaves.map((l) => l.offset), [0, 4, 8]);
    assert.equal(b.v3.sizeBytes, 160);
    // Head: count @0, scale @4, items (align 8) @8, 10 x vec2<f32> = 80 bytes.
    assert.deepEqual(b.s.layout.header, [{ offset: 0, scalar: "u32" }, { offset: 4, scalar: "f32" }]);
    assert.equal(b.s.layout.arrayOffset, 8);
    assert.equal(b.s.layout.stride, 8);
    assert.equal(b.s.sizeBytes, 88);
    assert.equal(b.o.scalar, "i32");
    assert.deepEqual(DEFAULT_TOLERANCES.i32, { rtol: 0, atol: 0 });
  });

  it("sizes fixed-size bindings from their type, without @buffer counts", () => {
    const text = `
// @dispatch 1
// @buffer lut = iota
@group(0) @binding(0) var<storage, read> lut: array<u32, 64>;
@group(0) @binding(1) var<storage, read_write> counter: atomic<u32>;
@compute @workgroup_size(1) fn main() { atomicAdd(&counter, lut[3]); }
`;
    const { plan: p, problems } = plan(text);
    assert.deepEqual(problems, []);
    const b = Object.fromEntries(p!.bindings.map((x) => [x.name, x]));
    assert.equal(b.lut.count, 64);
    assert.equal(b.lut.sizeBytes, 256);
    assert.equal(b.counter.count, 1);
    assert.equal(b.counter.sizeBytes, 4);
    assert.equal(b.counter.scalar, "u32");
  });

  it("encodes f16, i32 and vector uniform fields at their offsets", () => {
    const text = `
enable f16;
// @dispatch 1
// @buffer o[4]
// @uniform p = { h: 1.5, k: -3, v: 0.25 }
struct P { h: f16, k: i32, v: vec4<f32> }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(1) fn main() { o[0] = f32(p.h) + f32(p.k) + p.v.w; }
`;
    const { plan: p, problems } = plan(text);
    assert.deepEqual(problems, []);
    const u = p!.bindings.find((b) => b.name === "p")!;
    const view = new DataView(u.uniformBytes!);
    assert.equal(decodeFp16(view.getUint16(0, true)), 1.5);
    assert.equal(view.getInt32(4, true), -3);
    for (let i = 0; i < 4; i++) assert.equal(view.getFloat32(16 + 4 * i, true), 0.25, "a vector field gets the value in every component");
    assert.equal(u.sizeBytes, 32);
  });

  it("writes shape lists: uniform vector and array members, a vec2u uniform, and a storage info buffer with the listed values", () => {
    const text = `
// @dispatch 1
// @uniform params = { ne: [1000, 6, 1, 1], nb: [1, 1000, 6000, 6000, 1, 1, 6, 6], n: 7 }
// @uniform size = [100, 60]
// @buffer info = [100, 48, 4]
// @buffer o[1]
struct Params { ne: vec4<u32>, nb: array<vec4<u32>, 2>, n: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> size: vec2u;
@group(0) @binding(2) var<storage, read> info: array<u32>;
@group(0) @binding(3) var<storage, read_write> o: array<u32>;
@compute @workgroup_size(1) fn main() { o[0] = params.ne.x + params.nb[1].y + params.n + size.y + info[2]; }
`;
    const { plan: p, problems } = plan(text);
    assert.deepEqual(problems, []);
    const b = Object.fromEntries(p!.bindings.map((x) => [x.name, x]));
    // Params: ne at bytes 0..15, nb at 16..47, n at 48; 52 bytes bound as 64.
    const words = new Uint32Array(b.params.uniformBytes!);
    assert.deepEqual([...words], [1000, 6, 1, 1, 1, 1000, 6000, 6000, 1, 1, 6, 6, 7, 0, 0, 0]);
    assert.equal(b.params.uniformValues!["nb[5]"], 1);
    assert.equal(b.params.uniformValues!.n, 7);
    assert.deepEqual([...new Uint32Array(b.size.uniformBytes!)], [100, 60, 0, 0]);
    assert.deepEqual(b.size.uniformValues, { "[0]": 100, "[1]": 60 });
    // The list's length is the count; a run uploads exactly the listed values.
    assert.equal(b.info.count, 3);
    assert.equal(b.info.role, "input");
    assert.deepEqual(b.info.init, { kind: "list", values: [100, 48, 4] });
    const inputs = materializeInputs(p!.bindings);
    assert.deepEqual(inputs.problems, []);
    assert.deepEqual([...new Uint32Array(inputs.buffers.get("info")!)], [100, 48, 4]);
  });

  it("reports a shape list of the wrong length at the list", () => {
    const text = `
// @dispatch 1
// @uniform params = { ne: [1000, 6, 1], n: 7 }
// @buffer info[2] = [100, 48, 4]
// @buffer quads = [1, 2, 3, 4, 5, 6]
// @buffer o[1]
struct Params { ne: vec4<u32>, n: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> info: array<u32>;
@group(0) @binding(2) var<storage, read> quads: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> o: array<u32>;
@compute @workgroup_size(1) fn main() { o[0] = params.ne.x + info[0] + quads[0].x; }
`;
    const r = plan(text);
    assert.equal(r.plan, null);
    const found = r.problems.map((x) => [x.message, at(text, x.span)]);
    assert.deepEqual(found, [
      ["uniform 'params.ne' holds 4 value(s) (vec4<u32>); the list gives 3", "1000"],
      ["'info' holds 2 value(s) (2 x 1); the list gives 3", "[100, 48, 4]"],
      ["'quads': the list gives 6 value(s), not a whole number of vec4<u32> elements of 4 values each: write the count, // @buffer quads[COUNT] = [...]", "[1, 2, 3, 4, 5, 6]"],
    ]);
  });

  it("passes overrides as pipeline constants (keyed by @id when declared) and lets --let values win", () => {
    const text = readFileSync(join(examples, "matmul-tiled.wgsl"), "utf8");
    const first = plan(text);
    assert.deepEqual(first.plan!.constants, { TILE: 16 });
    assert.deepEqual(first.plan!.workgroupSize, [16, 16, 1]);
    assert.deepEqual(first.plan!.dispatch, [32, 32, 1]);
    const eight = plan(text, undefined, new Map([["TILE", 8], ["M", 64]]));
    assert.deepEqual(eight.plan!.constants, { TILE: 8 });
    assert.deepEqual(eight.plan!.workgroupSize, [8, 8, 1]);
    assert.deepEqual(eight.plan!.dispatch, [64, 8, 1]);
    assert.equal(eight.plan!.bindings.find((b) => b.name === "a")!.count, 64 * 512);
    assert.equal(eight.plan!.checks[0].output, "c");
    assert.deepEqual(eight.plan!.checks[0].reference, { kind: "js", path: "./ref/matmul.mjs" });
    assert.equal(eight.plan!.checks[0].rtol, 1e-4);

    const withId = `
// @dispatch 1
// @override W = 32
// @buffer o[32]
@id(7) override W: u32 = 64;
override UNUSED: u32 = 3;
@group(0) @binding(0) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(W) fn main(@builtin(local_invocation_index) i: u32) { o[i] = 1.0; }
`;
    const p = plan(withId).plan!;
    assert.deepEqual(p.constants, { "7": 32 }, "keyed by the @id; an override the entry does not use is not passed");
    assert.deepEqual(p.workgroupSize, [32, 1, 1]);
    assert.equal(p.overrides.W, 32);
  });

  it("plans checks with default tolerances (f32: rtol 1e-5, atol 1e-6) and skips a check whose reference is the entry itself", () => {
    const text = `
// @let N = 8
// @dispatch 1
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
// @check out ~ ref
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(8) fn ref(@builtin(global_invocation_id) g: vec3u) { out[g.x] = x[g.x]; }
@compute @workgroup_size(8) fn fast(@builtin(global_invocation_id) g: vec3u) { out[g.x] = x[g.x] * 1.0; }
`;
    const fast = plan(text, "fast");
    assert.deepEqual(fast.problems, []);
    assert.deepEqual(fast.plan!.checks.map((c) => ({ ...c, span: undefined })), [{ output: "out", reference: { kind: "entry", name: "ref" }, rtol: 1e-5, atol: 1e-6, maxMismatches: 0, span: undefined }]);
    assert.deepEqual(plan(text, "ref").plan!.checks, []);
    assert.deepEqual(defaultRunEntries(fast.source), ["fast"], "an entry only used as a reference is not run on its own");
  });

  it("reports a storage binding with no @buffer size at the binding", () => {
    const text = "// @dispatch 1\n@group(0) @binding(0) var<storage, read_write> data: array<f32>;\n@compute @workgroup_size(1) fn main() { data[0] = 1.0; }\n";
    const { plan: p, problems } = plan(text);
    assert.equal(p, null);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].code, "run-buffer-size");
    assert.equal(at(text, problems[0].span), "data");
    assert.match(problems[0].message, /add \/\/ @buffer data\[COUNT\]/);
  });

  it("reports a uniform field with no value at the @uniform line, and a uniform with no @uniform at the binding", () => {
    const text = `
// @dispatch 1
// @buffer o[1]
// @uniform p = { n: 4 }
struct P { n: u32, alpha: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(1) fn main() { o[0] = p.alpha * f32(p.n); }
`;
    const r = plan(text);
    assert.equal(r.plan, null);
    assert.equal(r.problems[0].code, "run-uniform-value");
    assert.match(r.problems[0].message, /no value for field 'alpha'/);
    assert.equal(at(text, r.problems[0].span), "p");
    assert.ok(r.problems[0].span.start < text.indexOf("struct"), "located on the directive line");
    const none = plan(text.replace("// @uniform p = { n: 4 }\n", ""));
    assert.match(none.problems[0].message, /add \/\/ @uniform p = \{ n: VALUE, alpha: VALUE \}/);
    assert.ok(none.problems[0].span.start > text.indexOf("struct") - 30);
  });

  it("reports a missing @dispatch at the entry point's name", () => {
    const text = "// @buffer o[4]\n@group(0) @binding(0) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(4) fn fill(@builtin(global_invocation_id) g: vec3u) { o[g.x] = 1.0; }\n";
    const { problems } = plan(text);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].code, "run-no-dispatch");
    assert.equal(at(text, problems[0].span), "fill");
  });

  it("reports a check of something that is not an output at the check's output name", () => {
    const text = `
// @dispatch 1
// @buffer x[4] = iota
// @buffer o[4]
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;
// @check x ~ js("./r.mjs")
// @check nope ~ js("./r.mjs")
@compute @workgroup_size(4) fn main(@builtin(global_invocation_id) g: vec3u) { o[g.x] = x[g.x]; }
`;
    const { plan: p, problems } = plan(text);
    assert.equal(p, null);
    const codes = problems.filter((q) => q.code === "run-check-output");
    assert.equal(codes.length, 2);
    assert.equal(at(text, codes[0].span), "x");
    assert.match(codes[0].message, /read-only.*outputs: o/);
    assert.equal(at(text, codes[1].span), "nope");
    assert.match(codes[1].message, /not a buffer of 'main'/);
  });

  it("refuses a read-only buffer without contents (never time on garbage)", () => {
    const text = "// @dispatch 1\n// @buffer x[4]\n// @buffer o[4]\n@group(0) @binding(0) var<storage, read> x: array<f32>;\n@group(0) @binding(1) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(4) fn main(@builtin(global_invocation_id) g: vec3u) { o[g.x] = x[g.x]; }\n";
    const { problems } = plan(text);
    assert.equal(problems[0].code, "run-input-contents");
    assert.match(at(text, problems[0].span), /^\/\/ @buffer x\[4\]/);
  });

  it("refuses textures and vertex entry points clearly", () => {
    const text = readFileSync(join(examples, "syntax-tour.wgsl"), "utf8");
    const tex = plan(text, "write_texture");
    assert.equal(tex.plan, null);
    assert.match(tex.problems[0].message, /texture or sampler/);
    assert.equal(plan(text, "vs_main").problems[0].code, "run-not-compute");
  });
});
