// Quantization findings (fp16 accumulation, scale re-reads, uncoalesced scales, narrow packed reads) and the what-if.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { listDevices } from "../../server/src/core/devices/database";
import { quantAccessFindingsOf, quantFindingsOf } from "../../server/src/core/analysis/kernelAnalysis";
import { recognizeQuantization } from "../../server/src/core/wgsl/quantIdioms";
import { quantWhatIf, quantWhatIfMarkdown } from "../../server/src/core/quant/whatIf";

const root = join(__dirname, "..", "..");
const read = (p: string): string => readFileSync(join(root, p), "utf8");
const device = listDevices()[0];

function analyse(text: string, kernel: string) {
  const source = analyzeSource(text, { model: { device } });
  const analysis = source.models.get(kernel);
  assert.ok(analysis, `a model for ${kernel}`);
  return { source, model: analysis.model, findings: [...quantFindingsOf(source, kernel, analysis.model), ...quantAccessFindingsOf(source, kernel, analysis.model)] };
}
const codes = (text: string, kernel: string): string[] => analyse(text, kernel).findings.map((f) => f.code);

function f16Kernel(k: number, accType: "f16" | "f32" | "vec4<f16>"): string {
  const zero = accType === "vec4<f16>" ? "vec4<f16>(0.0h)" : `${accType}(0.0)`;
  const term = accType === "f32" ? "f32(a[i] * b[i])" : accType === "vec4<f16>" ? "vec4<f16>(a[i] * b[i])" : "a[i] * b[i]";
  const out = accType === "vec4<f16>" ? "f32(acc.x)" : "f32(acc)";
  return `// @let K = ${k}
// @dispatch 1
// @buffer a[K] = random(-1, 1)
// @buffer b[K] = random(-1, 1)
// @buffer out[1]
enable f16;

@group(0) @binding(0) var<storage, read> a: array<f16>;
@group(0) @binding(1) var<storage, read> b: array<f16>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(1)
fn dot_f16() {
  var acc: ${accType} = ${zero};
  for (var i = 0u; i < ${k}u; i++) {
    acc += ${term};
  }
  out[0] = ${out};
}
`;
}

/**
 * An int4 group-128 GEMV. `scaleInInner`: load the scale per weight inside the inner loop; `layout`:
 * "row-major" (neighbouring rows' words and scales far apart) or "interleaved" (word-major and group-major:
 * neighbouring invocations read neighbouring words and scales).
 */
function int4Gemv(scaleInInner: boolean, layout: "row-major" | "interleaved"): string {
  const word = layout === "row-major" ? "w[row * (K / 8u) + k / 8u]" : "w[(k / 8u) * ROWS + row]";
  const scale = (kk: string): string => (layout === "row-major" ? `scales[(row * K + ${kk}) / GROUP]` : `scales[(${kk} / GROUP) * ROWS + row]`);
  const hoisted = scaleInInner ? "" : `    let s = ${scale("k0")};\n`;
  const use = scaleInInner ? scale("k") : "s";
  return `// @let ROWS = 4096
// @let K = 4096
// @dispatch ceil(ROWS / 64)
// @quant w: int4 group=128
// @buffer w[ROWS * K / 8] = randint(0, 4294967295)
// @buffer scales[ROWS * K / 128] = random(0.001, 0.01)
// @buffer x[K] = random(-1, 1)
// @buffer y[ROWS]
const ROWS: u32 = 4096u;
const K: u32 = 4096u;
const GROUP: u32 = 128u;

@group(0) @binding(0) var<storage, read> w: array<u32>;
@group(0) @binding(1) var<storage, read> scales: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(64)
fn gemv(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= ROWS) {
    return;
  }
  var acc = 0.0;
  for (var g = 0u; g < K / GROUP; g++) {
    let k0 = g * GROUP;
${hoisted}    for (var k = k0; k < k0 + GROUP; k++) {
      let word = ${word};
      let q = i32((word >> ((k % 8u) * 4u)) & 0xFu) - 8;
      acc += f32(q) * ${use} * x[k];
    }
  }
  y[row] = acc;
}
`;
}

describe("fp16-accumulation", () => {
  it("fires on an f16 accumulator over 4096 products, with the count and the fix", () => {
    const f = analyse(f16Kernel(4096, "f16"), "dot_f16").findings.filter((d) => d.code === "fp16-accumulation");
    assert.equal(f.length, 1);
    assert.match(f[0].message, /4,096 products in f16/);
    assert.match(f[0].message, /11 significant bits/);
    assert.match(f[0].message, /accumulate in f32/);
  });
  it("fires on a vec4<f16> accumulator too", () => {
    assert.ok(codes(f16Kernel(4096, "vec4<f16>"), "dot_f16").includes("fp16-accumulation"));
  });
  it("stays quiet for an f32 accumulator and for short reductions", () => {
    assert.ok(!codes(f16Kernel(4096, "f32"), "dot_f16").includes("fp16-accumulation"));
    assert.ok(!codes(f16Kernel(512, "f16"), "dot_f16").includes("fp16-accumulation"));
  });
});

describe("scale-reread", () => {
  it("fires when the group scale is loaded per weight inside the innermost loop", () => {
    const f = analyse(int4Gemv(true, "row-major"), "gemv").findings.filter((d) => d.code === "scale-reread");
    assert.equal(f.length, 1);
    assert.match(f[0].message, /'scales'/);
    assert.match(f[0].message, /once per group/);
    assert.match(f[0].message, /16,777,216 loads/);
  });
  it("stays quiet when the scale is hoisted out of the inner loop (kernel and example)", () => {
    assert.ok(!codes(int4Gemv(false, "row-major"), "gemv").includes("scale-reread"));
    assert.ok(!codes(read("examples/quant/int4-gemv-bad.wgsl"), "gemv_int4_bad").includes("scale-reread"));
    assert.ok(!codes(read("examples/quant/int4-gemv-good.wgsl"), "gemv_int4_good").includes("scale-reread"));
  });
});

describe("scale-uncoalesced", () => {
  it("fires on row-major scales, neighbouring rows 32 scales apart", () => {
    const f = analyse(read("examples/quant/int4-gemv-bad.wgsl"), "gemv_int4_bad").findings.filter((d) => d.code === "scale-uncoalesced");
    assert.equal(f.length, 1);
    assert.match(f[0].message, /32 elements \(128 bytes\) apart/);
    assert.match(f[0].message, /13 %/);
  });
  it("stays quiet on group-major scales", () => {
    assert.ok(!codes(int4Gemv(false, "interleaved"), "gemv").includes("scale-uncoalesced"));
  });
});

describe("packed-narrow-read", () => {
  it("fires on the int4 GEMV examples: one u32 per invocation, rows 2,048 bytes apart", () => {
    for (const [file, kernel] of [["int4-gemv-bad", "gemv_int4_bad"], ["int4-gemv-good", "gemv_int4_good"]]) {
      const f = analyse(read(`examples/quant/${file}.wgsl`), kernel).findings.filter((d) => d.code === "packed-narrow-read");
      assert.equal(f.length, 1, file);
      assert.match(f[0].message, /2,048 bytes apart \(stride 512 words\)/);
      assert.match(f[0].message, /vec4<u32>/);
    }
  });
  it("stays quiet when neighbouring invocations read neighbouring words", () => {
    assert.ok(!codes(int4Gemv(false, "interleaved"), "gemv").includes("packed-narrow-read"));
  });
});

describe("quantWhatIf", () => {
  const text = read("examples/quant/int4-gemv-bad.wgsl");
  const { source, model } = analyse(text, "gemv_int4_bad");
  const quant = recognizeQuantization(source, "gemv_int4_bad");
  const w = quantWhatIf(model, quant, device);

  it("is memory-bound and puts the weights at most of the traffic", () => {
    assert.equal(model.roofline.bound, "memory");
    assert.ok(w);
    assert.equal(w.binding, "w");
    assert.ok(w.weightShare > 0.8, `share ${w.weightShare}`);
  });
  it("predicts a q4_0 speed-up over fp16 of about 16 / 4.5 (within 10 %)", () => {
    assert.ok(w);
    const q4 = w.rows.find((r) => r.format === "q4_0");
    assert.ok(q4);
    const expected = 16 / 4.5;
    assert.ok(Math.abs(q4.speedupVsFp16 - expected) / expected < 0.1, `speed-up ${q4.speedupVsFp16}`);
    const fp16 = w.rows.find((r) => r.format === "fp16");
    assert.ok(fp16 && fp16.speedupVsFp16 === 1 && fp16.dramBytes > q4.dramBytes);
  });
  it("orders the formats by bits and renders a markdown table", () => {
    assert.ok(w);
    const by = (id: string): number => w.rows.find((r) => r.format === id)?.predictedMs ?? NaN;
    assert.ok(by("fp16") > by("q8_0") && by("q8_0") > by("q4_0") && by("q4_0") > by("mxfp4"));
    // The current int4 row is the binding as it is (4 + 32 / 128 = 4.25 bits with its fp16 scales per 128), the same
    // bits as mxfp4, and its time is the model's predicted time.
    assert.equal(w.rows.find((r) => r.current)?.bits, 4.25);
    assert.equal(by("int4"), by("mxfp4"));
    assert.equal(by("int4"), model.roofline.predictedMs);
    const md = quantWhatIfMarkdown(w);
    // A list that fits a hover, not a five-column table; DRAM figures in one unit, times in one unit.
    assert.doesNotMatch(md, /\|/);
    const items = md.split("\n").filter((l) => l.startsWith("- "));
    assert.equal(items.length, w.rows.length);
    assert.match(md, /^- q4_0: 4\.5 bits\/weight, DRAM [\d.]+ MB, ≈ [\d.]+ µs, [\d.]+× fp16's speed$/m);
    assert.equal(new Set(items.map((l) => /DRAM [\d.]+ (\S+),/.exec(l)![1])).size, 1);
    assert.equal(new Set(items.map((l) => /≈ [\d.]+ (\S+),/.exec(l)![1])).size, 1);
    assert.equal(quantWhatIfMarkdown(null), "");
  });
  it("is null for a kernel that is not memory-bound or has no quantized weights", () => {
    assert.equal(quantWhatIf({ ...model, roofline: { ...model.roofline, bound: "compute" } }, quant, device), null);
    assert.equal(quantWhatIf(model, [], device), null);
  });
});
