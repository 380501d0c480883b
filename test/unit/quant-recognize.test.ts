// Recognising quantized bindings (format, bits per weight, group size) and the first quantization findings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice, listDevices } from "../../server/src/core/devices/database";
import { quantFindingsOf } from "../../server/src/core/analysis/kernelAnalysis";
import { INT8_DOT_MAX_K } from "../../server/src/core/quant/findings";
import { recognizeQuantization } from "../../server/src/core/wgsl/quantIdioms";

const root = join(__dirname, "..", "..");
const read = (p: string): string => readFileSync(join(root, p), "utf8");
const withoutQuantDirectives = (text: string): string => text.replace(/\/\/ @quant .*/g, "//");
const device = listDevices()[0];

function modelled(text: string, kernel: string) {
  const source = analyzeSource(text, { model: { device } });
  const analysis = source.models.get(kernel);
  assert.ok(analysis, `a model for ${kernel}`);
  return { source, findings: quantFindingsOf(source, kernel, analysis.model) };
}

function dotKernel(k: number): string {
  return `// @let K = ${k}
// @dispatch 1
// @buffer a[K / 4] = randint(0, 4294967295)
// @buffer b[K / 4] = randint(0, 4294967295)
// @buffer out[1]
// @uniform params = { k_words: K / 4 }
requires packed_4x8_integer_dot_product;

struct P {
  k_words: u32,
}

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
@group(0) @binding(3) var<uniform> params: P;

@compute @workgroup_size(1)
fn dot_i8(@builtin(global_invocation_id) gid: vec3<u32>) {
  var acc: i32 = 0;
  for (var w = 0u; w < params.k_words; w++) {
    acc += dot4I8Packed(a[w], b[w]);
  }
  out[0] = acc;
}
`;
}

describe("recognizeQuantization", () => {
  it("reads the corpus q4_0 kernel: q4_0 at 4.5 bits per weight with the scale, groups of 32", () => {
    const [w, ...rest] = recognizeQuantization(analyzeSource(read("test/fixtures/corpus/mul-mat-vec-q4_0.wgsl")), "mul_mat_vec_q4_0");
    assert.equal(rest.length, 0);
    assert.equal(w.binding, "weights");
    assert.equal(w.format, "q4_0");
    assert.equal(w.bitsPerElement, 4.5);
    assert.equal(w.groupSize, 32);
    assert.ok(w.inferredFrom.some((e) => /0xF/.test(e.reason)), "the nibble mask is evidence too");
  });

  it("infers q4_0 from the q4_0 kernel's code alone: nibbles, an inline fp16 scale, byte offsets stepping by 18", () => {
    // The block's byte offset is (row * blocks_per_row + b) * BLOCK_BYTES with BLOCK_BYTES = 18, read through
    // weights[byte_offset / 4u]: 18 bytes per block of 32 nibbles, 18 * 8 / 32 = 4.5 bits per weight.
    const [w] = recognizeQuantization(analyzeSource(withoutQuantDirectives(read("test/fixtures/corpus/mul-mat-vec-q4_0.wgsl"))), "mul_mat_vec_q4_0");
    assert.deepEqual([w.binding, w.format, w.bitsPerElement, w.groupSize], ["weights", "q4_0", 4.5, 32]);
    assert.ok(w.inferredFrom.some((e) => /unpack2x16float/.test(e.reason)));
    assert.ok(w.inferredFrom.some((e) => /step by 18 bytes/.test(e.reason)));
    assert.ok(!w.inferredFrom.some((e) => /@quant|not known/.test(e.reason)));
  });

  it("infers int8 from dot4I8Packed in the corpus int8 matmul, through a helper function", () => {
    const text = withoutQuantDirectives(read("test/fixtures/corpus/matmul-int8.wgsl"));
    const found = recognizeQuantization(analyzeSource(text), "matmul_int8");
    assert.deepEqual(found.map((q) => [q.binding, q.format, q.bitsPerElement, q.groupSize]), [["a_q", "int8", 8, null], ["b_q", "int8", 8, null]]);
    for (const q of found) assert.ok(q.inferredFrom.every((e) => /dot4I8Packed/.test(e.reason)));
  });

  it("lets a @quant directive win over inference", () => {
    const text = withoutQuantDirectives(read("test/fixtures/corpus/matmul-int8.wgsl")).replace("// @let M = 256", "// @quant a_q: q8_0\n// @let M = 256");
    const found = recognizeQuantization(analyzeSource(text), "matmul_int8");
    const a = found.find((q) => q.binding === "a_q");
    assert.equal(a?.format, "q8_0");
    assert.equal(a?.bitsPerElement, 8.5);
    assert.match(a?.inferredFrom[0].reason ?? "", /@quant a_q: q8_0/);
    assert.equal(found.find((q) => q.binding === "b_q")?.format, "int8");
  });

  it("finds the group size from the scale index of the int4 GEMV (4 + 32/128 bits)", () => {
    for (const file of ["examples/quant/int4-gemv-bad.wgsl", "examples/quant/int4-gemv-good.wgsl"]) {
      for (const text of [read(file), withoutQuantDirectives(read(file))]) {
        const kernel = file.includes("bad") ? "gemv_int4_bad" : "gemv_int4_good";
        const [w, ...rest] = recognizeQuantization(analyzeSource(text), kernel);
        assert.equal(rest.length, 0, file);
        assert.deepEqual([w.binding, w.format, w.bitsPerElement, w.groupSize, w.scaleBinding], ["w", "int4", 4.25, 128, "scales"], file);
      }
    }
  });

  it("recognises a ggml block struct as q4_0", () => {
    const text = `enable f16;
struct BlockQ4_0 { d: f16, qs: array<u32, 4> }
@group(0) @binding(0) var<storage, read> blocks: array<BlockQ4_0>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.x] = f32(blocks[gid.x].d);
}
`;
    const [b] = recognizeQuantization(analyzeSource(text), "main");
    assert.deepEqual([b.binding, b.format, b.bitsPerElement, b.groupSize], ["blocks", "q4_0", 4.5, 32]);
  });

  it("takes a stated format's storage from the format catalogue, the one home of those facts", () => {
    // NF4 as QLoRA stores it: 64 weights per block with an fp32 absmax, so 4 + 32 / 64 = 4.5 bits per weight (the
    // recogniser's own table said 4 bits and no group before it read the catalogue); q5_K: 176 bytes per 256.
    const stated = (format: string) => {
      const text = `// @quant w: ${format}
@group(0) @binding(0) var<storage, read> w: array<u32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  y[gid.x] = f32(w[gid.x]);
}
`;
      const [b] = recognizeQuantization(analyzeSource(text), "main");
      return [b.format, b.bitsPerElement, b.groupSize];
    };
    assert.deepEqual(stated("nf4"), ["nf4", 4.5, 64]);
    assert.deepEqual(stated("q5_K"), ["q5_K", 5.5, 256]);
  });

  it("reports nothing without evidence, and no guess for an unknown stated format", () => {
    const text = `// @quant x: mystery9
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  y[gid.x] = x[gid.x / 4u] * 2.0;
}
`;
    assert.deepEqual(recognizeQuantization(analyzeSource(text), "main"), []);
  });
});

describe("quantFindings", () => {
  it("flags the per-element scale multiply in the bad int4 GEMV only", () => {
    const bad = read("examples/quant/int4-gemv-bad.wgsl");
    const { findings } = modelled(bad, "gemv_int4_bad");
    assert.deepEqual(findings.map((f) => f.code), ["dequant-in-inner-loop"]);
    assert.equal(bad.slice(findings[0].span.start, findings[0].span.end), "f32(q) * scale * x[k]");
    assert.match(findings[0].message, /128 times per group/);
    assert.deepEqual(modelled(read("examples/quant/int4-gemv-good.wgsl"), "gemv_int4_good").findings, []);
    assert.deepEqual(modelled(read("test/fixtures/corpus/mul-mat-vec-q4_0.wgsl"), "mul_mat_vec_q4_0").findings, []);
  });

  it("reports the i32 accumulator overflow of dot4I8Packed above K = 133,144 and not at it", () => {
    assert.equal(INT8_DOT_MAX_K, 133144);
    assert.deepEqual(modelled(dotKernel(133144), "dot_i8").findings, []);
    const { findings } = modelled(dotKernel(133148), "dot_i8");
    assert.deepEqual(findings.map((f) => f.code), ["int-accumulator-overflow"]);
    assert.match(findings[0].message, /K = 133,148/);
    assert.match(findings[0].message, /K > 133,144/);
    assert.deepEqual(modelled(read("test/fixtures/corpus/matmul-int8.wgsl"), "matmul_int8").findings, [], "K = 1024 is safe");
  });

  it("stays silent on the overflow when the trip count is unknown", () => {
    const source = analyzeSource(dotKernel(200000));
    assert.deepEqual(quantFindingsOf(source, "dot_i8", null), []);
  });
});

describe("packed-size traffic", () => {
  it("costs a q4_0 weight 4.5 bits: the GEMV's compulsory reads are the 18-byte blocks plus x", () => {
    const path = join(__dirname, "..", "..", "examples", "quant", "q4_0-gemv.wgsl");
    const device = findDevice(DEFAULT_DEVICE_ID)!;
    const source = analyzeSource(readFileSync(path, "utf8"), { model: { device } });
    const kernel = source.kernels.find((k) => k.stage === "compute")!;
    const analysis = source.models.get(kernel.name)!;
    const [q] = analysis.quantization ?? [];
    assert.equal(q.format, "q4_0");
    assert.equal(q.bitsPerElement, 4.5);
    // M = 512 rows of K = 1024 weights in blocks of 32, 18 bytes each; x is K floats.
    const weights = (512 * 1024 / 32) * 18;
    // The footprint comes from the index ranges the kernel reads (to a few bytes of the ends of the buffer).
    const read = analysis.model.traffic.compulsoryRead!;
    assert.ok(Math.abs(read - (weights + 1024 * 4)) <= 32, `${read} vs ${weights + 1024 * 4}`);
    const bitsPerWeight = ((read - 1024 * 4) * 8) / (512 * 1024);
    assert.ok(Math.abs(bitsPerWeight - 4.5) < 0.01, `${bitsPerWeight} bits per weight`);
  });
});
