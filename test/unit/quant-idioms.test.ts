// Quantized kernels as real libraries write them (issue 12): ggml's q4_0 read as bytes or u32 words through helpers,
// ggml's q4_0 block struct, q4_0 x q8_1 with dot4I8Packed, onnxruntime's MatMulNBits, and a radix sort whose digit
// masks are no quantization. The kernels are our own, written in those libraries' idioms
// (test/fixtures/quant-idioms/); each file's header derives its expected numbers by hand.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { quantFindingsOf } from "../../server/src/core/analysis/kernelAnalysis";
import { listDevices } from "../../server/src/core/devices/database";
import type { QuantBinding } from "../../server/src/core/quant/binding";
import { recognizeQuantization } from "../../server/src/core/wgsl/quantIdioms";

const root = join(__dirname, "..", "..");
const fixture = (name: string): string => readFileSync(join(root, "test", "fixtures", "quant-idioms", name), "utf8");
const device = listDevices()[0];

/** [binding, format, bits per weight, group size, scale binding] of each recognised binding. */
const summary = (qs: readonly QuantBinding[]): unknown[] => qs.map((q) => [q.binding, q.format, q.bitsPerElement, q.groupSize, q.scaleBinding ?? null]);
const recognised = (text: string, kernel: string): unknown[] => summary(recognizeQuantization(analyzeSource(text), kernel));

/** The dequant-in-inner-loop findings of a kernel: the text each points at, and its message. */
function dequantFindings(text: string, kernel: string): { text: string; message: string }[] {
  const source = analyzeSource(text, { model: { device } });
  const analysis = source.models.get(kernel);
  assert.ok(analysis, `a model for ${kernel}`);
  return quantFindingsOf(source, kernel, analysis.model)
    .filter((f) => f.code === "dequant-in-inner-loop")
    .map((f) => ({ text: text.slice(f.span.start, f.span.end), message: f.message }));
}

// q4_0: 18 bytes (fp16 d + 16 bytes of nibbles) per 32 weights = 18 * 8 / 32 = 4.5 bits; q8_1: 36 bytes (fp16 d,
// fp16 s, 32 int8) per 32 = 9 bits; int4 with one fp16 scale per 32: 4 + 16 / 32 = 4.5 bits.
const Q4_0 = (binding: string): unknown[] => [binding, "q4_0", 4.5, 32, null];

describe("recognition of library-style quantized kernels", () => {
  it("ggml mul_mat: q4_0 read at byte offsets through load_u32_at_src0 / load_f16_at_src0", () => {
    assert.deepEqual(recognised(fixture("ggml-mul-mat-q4_0.wgsl"), "mul_mat_q4_0"), [Q4_0("src0")]);
  });

  it("ggml get_rows: struct q4_0 { d: f16, qs: array<f16, 8> }", () => {
    const [q] = recognizeQuantization(analyzeSource(fixture("ggml-get-rows-q4_0.wgsl")), "get_rows_q4_0");
    assert.deepEqual(summary([q]), [Q4_0("src")]);
    assert.match(q.inferredFrom[0].reason, /'d', 'qs': 18 bytes/);
  });

  it("ggml mul_mat_vec q4_0 x q8_1 with dot4I8Packed: q4_0 (not int8) and q8_1 (not q8_0)", () => {
    const found = recognised(fixture("ggml-mul-mat-vec-q4_0-q8_1.wgsl"), "mul_mat_vec_q4_0_q8_1");
    assert.deepEqual(found, [Q4_0("src0"), ["src1q", "q8_1", 9, 32, null]]);
  });

  it("ggml GEMVs with the scale in three places: q4_0 in each", () => {
    const text = fixture("ggml-mul-mat-vec-q4_0-scale-placement.wgsl");
    for (const kernel of ["scale_per_weight", "scale_per_weight_in_helper", "scale_on_partial_sum"]) {
      const [q, ...rest] = recognizeQuantization(analyzeSource(text), kernel);
      assert.deepEqual(summary([q, ...rest]), [Q4_0("src0")], kernel);
      assert.ok(q.inferredFrom.some((e) => /read at offsets in bytes that step by 18 bytes, with an inline fp16 scale: ggml q4_0 blocks \(18 bytes per 32 weights\)/.test(e.reason)), kernel);
    }
  });

  it("the shipped q4_0 GEMV reads half-words: (row * nb + b) * 9 halves = 18 bytes, q4_0 without its @quantize", () => {
    const text = readFileSync(join(root, "examples", "quant", "q4_0-gemv.wgsl"), "utf8").replace(/\/\/ @quantize .*/, "//");
    const [q] = recognizeQuantization(analyzeSource(text), "q4_0_gemv");
    assert.deepEqual(summary([q]), [Q4_0("w")]);
    assert.ok(q.inferredFrom.some((e) => /half-words \(2 bytes\) that step by 18 bytes/.test(e.reason)));
  });

  it("onnxruntime MatMulNBits: int4 from the byte-wise 0x0F0F0F0F masks (not uint8), groups of 32 in scales_b", () => {
    const text = fixture("ort-matmulnbits-q4.wgsl");
    for (const kernel of ["matmul_nbits_scale_per_element", "matmul_nbits_scale_on_block_sum"]) {
      assert.deepEqual(recognised(text, kernel), [["b", "int4", 4.5, 32, "scales_b"]], kernel);
    }
  });

  it("onnxruntime MatMulNBits with the block size in a uniform: int4, the group size not guessed", () => {
    const text = fixture("ort-matmulnbits-q4.wgsl").replaceAll("k_elem / block_size", "k_elem / uniforms.block_size");
    const [q] = recognizeQuantization(analyzeSource(text), "matmul_nbits_scale_per_element");
    assert.deepEqual(summary([q]), [["b", "int4", 4, null, null]]);
  });

  it("a radix sort's digits are no quantized binding: 2-bit and 4-bit digits, masks and extractBits", () => {
    const text = fixture("webgpu-radix-sort.wgsl");
    const radix16 = text.replace("& 0x3u;", "& 0xFu;").replace("RADIX_BITS: u32 = 2u", "RADIX_BITS: u32 = 4u").replace("RADIX_MASK: u32 = 0x3u", "RADIX_MASK: u32 = 0xFu");
    for (const t of [text, radix16]) {
      assert.deepEqual(recognised(t, "radix_histogram"), []);
      assert.deepEqual(recognised(t, "radix_scatter"), []);
    }
  });
});

describe("dequant-in-inner-loop on library-style kernels", () => {
  const placement = fixture("ggml-mul-mat-vec-q4_0-scale-placement.wgsl");
  const ort = fixture("ort-matmulnbits-q4.wgsl");

  it("fires on the per-weight scale of a ggml GEMV whose scale is loaded through load_f16_at_src0", () => {
    const f = dequantFindings(placement, "scale_per_weight");
    assert.deepEqual(f.map((x) => x.text), ["(f32(q_byte & 0xFu) - 8.0) * d * x_lo", "(f32(q_byte >> 4u) - 8.0) * d * x_hi"]);
    for (const x of f) {
      assert.match(x.message, /the scale from 'src0' is constant over this loop \(its index does not depend on 'k'\)/);
      assert.match(x.message, /32 times per group/);
    }
  });

  it("fires when the scale multiply is inside a helper called from the innermost loop (once for the helper's product)", () => {
    const f = dequantFindings(placement, "scale_per_weight_in_helper");
    assert.deepEqual(f.map((x) => x.text), ["(f32(q) - 8.0) * d"]);
    assert.match(f[0].message, /'k'/);
  });

  it("fires on MatMulNBits scaling every dequantized vec4 in the inner loop", () => {
    const f = dequantFindings(ort, "matmul_nbits_scale_per_element");
    assert.deepEqual(f.map((x) => x.text), ["vec4<f32>(lower.x, upper.x, lower.y, upper.y) * scale_b", "vec4<f32>(lower.z, upper.z, lower.w, upper.w) * scale_b"]);
    for (const x of f) assert.match(x.message, /the scale from 'scales_b' .* 'i'.*32 times per group/);
  });

  it("stays quiet when the scale multiplies the group's partial sum, or values that are stored rather than summed", () => {
    assert.deepEqual(dequantFindings(placement, "scale_on_partial_sum"), []);
    assert.deepEqual(dequantFindings(ort, "matmul_nbits_scale_on_block_sum"), []);
    assert.deepEqual(dequantFindings(fixture("ggml-mul-mat-vec-q4_0-q8_1.wgsl"), "mul_mat_vec_q4_0_q8_1"), []);
    assert.deepEqual(dequantFindings(fixture("ggml-mul-mat-q4_0.wgsl"), "mul_mat_q4_0"), [], "dequantizing into workgroup memory");
    assert.deepEqual(dequantFindings(fixture("ggml-get-rows-q4_0.wgsl"), "get_rows_q4_0"), [], "a dequantizing copy");
  });
});

describe("every kernel of examples/ and the test fixtures", () => {
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) visit(join(dir, e.name));
      else if (e.name.endsWith(".wgsl")) files.push(join(dir, e.name));
    }
  };
  visit(join(root, "examples"));
  visit(join(root, "test", "fixtures"));
  const kernels = files.flatMap((file) => {
    const text = readFileSync(file, "utf8");
    const source = analyzeSource(text, { model: { device } });
    return source.kernels.map((k) => ({ file: relative(root, file).replaceAll("\\", "/"), kernel: k.name, text, source }));
  });

  it("get dequant-in-inner-loop only where the scale multiplies each weight of a sum", () => {
    const flagged = kernels.flatMap(({ file, kernel, source }) => {
      const analysis = source.models.get(kernel);
      const n = analysis ? quantFindingsOf(source, kernel, analysis.model).filter((f) => f.code === "dequant-in-inner-loop").length : 0;
      return n > 0 ? [`${file} ${kernel} ${n}`] : [];
    });
    assert.deepEqual(flagged.sort(), [
      "examples/quant/int4-gemv-bad.wgsl gemv_int4_bad 1",
      "test/fixtures/quant-idioms/ggml-mul-mat-vec-q4_0-scale-placement.wgsl scale_per_weight 2",
      "test/fixtures/quant-idioms/ggml-mul-mat-vec-q4_0-scale-placement.wgsl scale_per_weight_in_helper 1",
      "test/fixtures/quant-idioms/ort-matmulnbits-q4.wgsl matmul_nbits_scale_per_element 2",
    ]);
  });

  it("never say both a group size and that the group size is not known (what the binding hover shows)", () => {
    for (const { file, kernel, source } of kernels) {
      for (const q of source.models.get(kernel)?.quantization ?? []) {
        const unknown = q.inferredFrom.some((e) => /group size is not known/.test(e.reason));
        assert.ok(!(q.groupSize !== null && unknown), `${file} ${kernel} ${q.binding}`);
      }
    }
  });

  it("a @quant directive's group replaces inference that could not find it", () => {
    // An override block size hides the 18-byte stride: inference finds nibbles and an inline fp16 scale only.
    const corpus = readFileSync(join(root, "test", "fixtures", "corpus", "mul-mat-vec-q4_0.wgsl"), "utf8").replace("const BLOCK_BYTES: u32 = 18u;", "override BLOCK_BYTES: u32 = 18u;");
    const [inferred] = recognizeQuantization(analyzeSource(corpus.replace(/\/\/ @quant .*/, "//")), "mul_mat_vec_q4_0");
    assert.deepEqual([inferred.format, inferred.groupSize], ["int4", null]);
    assert.ok(inferred.inferredFrom.some((e) => /the group size is not known/.test(e.reason)));
    const [stated] = recognizeQuantization(analyzeSource(corpus), "mul_mat_vec_q4_0");
    assert.deepEqual([stated.format, stated.bitsPerElement, stated.groupSize], ["q4_0", 4.5, 32]);
    assert.ok(stated.inferredFrom.some((e) => /fp16 values \(a scale\) are stored inline in 'weights'$/.test(e.reason)));
    assert.ok(!stated.inferredFrom.some((e) => /not known/.test(e.reason)));
  });
});
