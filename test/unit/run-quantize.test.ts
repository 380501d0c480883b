// Tests `@quantize` in runs: the plan re-sizes the binding to the packed words and the upload holds the encoder's bytes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { quantizeElementwise, quantizeIntGroups, quantizeQ4_0, quantizeQ8_0 } from "../../server/src/core/quant/blocks";
import { decodeFp16, decodeMinifloat, E4M3, encodeMinifloat } from "../../server/src/core/quant/minifloat";
import { DEFAULT_SEED, generate, materializeInputs, quantizedInput } from "../../server/src/core/run/inputs";
import { buildRunPlan, type PlannedBinding } from "../../server/src/core/run/plan";

function kernel(format: string, count: string, type = "array<u32>"): string {
  return `// @let K = 256
// @dispatch 1
// @buffer w[${count}] = random(-1, 1)
// @quantize w: ${format}
// @buffer y[1]
@group(0) @binding(0) var<storage, read> w: ${type};
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(1)
fn main() { y[0] = f32(w[0]); }
`;
}

function plan(text: string): ReturnType<typeof buildRunPlan> {
  const source = analyzeSource(text);
  return buildRunPlan(source, source.kernels.find((k) => k.stage === "compute")!);
}

/** The floats an `array<f32>` buffer named `name` with `random(-1, 1)` would get. */
function floats(name: string, n: number, seed = DEFAULT_SEED): Float32Array {
  const made = generate({ header: [], arrayOffset: 0, stride: 4, leaves: [{ offset: 0, scalar: "f32" }], count: n, sizeBytes: n * 4 }, { kind: "random", lo: -1, hi: 1 }, name, seed);
  assert.ok("data" in made);
  return new Float32Array(made.data);
}

describe("@quantize in runs", () => {
  it("plans q4_0: the count is float weights, the buffer the packed 18-byte blocks padded to words", () => {
    const r = plan(kernel("q4_0", "K"));
    assert.deepEqual(r.problems.filter((p) => p.severity === "error"), []);
    const w = r.plan!.bindings.find((b) => b.name === "w")!;
    assert.deepEqual(w.quantize, { format: "q4_0", elements: 256, packedBytes: 8 * 18 });
    assert.equal(w.sizeBytes, 144);
    assert.equal(w.count, 36);
    assert.equal(w.layout.sizeBytes, 144);
    const odd = plan(kernel("q4_0", "96")).plan!.bindings.find((b) => b.name === "w")!;
    assert.equal(odd.quantize!.packedBytes, 54);
    assert.equal(odd.sizeBytes, 56); // padded to whole words
  });

  it("uploads exactly the reference encoder's bytes (little-endian words) and zero padding", () => {
    for (const [format, enc, count] of [["q4_0", quantizeQ4_0, 96], ["q8_0", quantizeQ8_0, 64]] as const) {
      const w = plan(kernel(format, String(count))).plan!.bindings.find((b) => b.name === "w")!;
      const { buffers, problems } = materializeInputs([w]);
      assert.deepEqual(problems, []);
      const data = new Uint8Array(buffers.get("w")!);
      const want = enc(floats("w", count));
      assert.equal(data.length, w.sizeBytes);
      assert.deepEqual(data.subarray(0, want.bytes.length), want.bytes);
      assert.ok(data.subarray(want.bytes.length).every((x) => x === 0));
      // The first word a kernel reads: the fp16 scale in the low half, the first codes above it.
      const word0 = new DataView(data.buffer).getUint32(0, true);
      assert.equal(word0 & 0xffff, want.bytes[0]! | (want.bytes[1]! << 8));
      const q = quantizedInput(w);
      assert.ok(!("error" in q));
      assert.deepEqual(q.float, floats("w", count));
      assert.deepEqual(q.dequant, want.decoded);
    }
  });

  it("follows the seed, like any generated input", () => {
    const w = plan(kernel("q8_0", "32")).plan!.bindings.find((b) => b.name === "w")!;
    const a = new Uint8Array(materializeInputs([w], { seed: 1 }).buffers.get("w")!);
    const b = new Uint8Array(materializeInputs([w], { seed: 2 }).buffers.get("w")!);
    assert.notDeepEqual(a, b);
    assert.deepEqual(a.subarray(0, 34), quantizeQ8_0(floats("w", 32, 1)).bytes);
  });

  it("says what is wrong: unsupported format, non-u32 buffer, a count that is not whole blocks", () => {
    const msg = (text: string): string => plan(text).problems.filter((p) => p.code === "run-quantize").map((p) => p.message).join("\n");
    assert.match(msg(kernel("int2", "K")), /runs upload q4_0 and q8_0 .*int8 .*int4 .*e4m3; 'int2' is not supported yet/);
    assert.match(msg(kernel("int4 group=12", "K")), /group=12 must be a positive multiple of 8/);
    assert.match(msg(kernel("int4 group=64", "96")), /the count 96 is not a multiple of 64/);
    assert.match(msg(kernel("int8", "K", "array<i32>")), /must be an array<u32> \(it is array<i32>\)/);
    assert.match(msg(kernel("q4_0", "K", "array<f32>")), /must be an array<u32> \(it is array<f32>\)/);
    assert.match(msg(kernel("q8_0", "48")), /blocks of 32 weights; the count 48 is not a multiple of 32/);
    const notQuantized: PlannedBinding = plan(kernel("q4_0", "K")).plan!.bindings.find((b) => b.name === "y")!;
    assert.ok("error" in quantizedInput(notQuantized));
  });

  it("plans int8 (a 4-byte f32 scale word, then one byte per code) and e4m3 (one byte per code), any count", () => {
    const i8 = plan(kernel("int8", "10")).plan!.bindings.find((b) => b.name === "w")!;
    assert.deepEqual(i8.quantize, { format: "int8", elements: 10, packedBytes: 14 });
    assert.equal(i8.sizeBytes, 16);
    assert.equal(i8.count, 4);
    const e = plan(kernel("e4m3", "K")).plan!.bindings.find((b) => b.name === "w")!;
    assert.deepEqual(e.quantize, { format: "e4m3", elements: 256, packedBytes: 256 });
    assert.equal(e.sizeBytes, 256);
    assert.equal(e.count, 64);
  });

  it("uploads int8 as the per-tensor scale in word 0 (f32 bits) and the encoder's codes, 4 per word, from word 1", () => {
    const w = plan(kernel("int8", "K")).plan!.bindings.find((b) => b.name === "w")!;
    const data = new Uint8Array(materializeInputs([w]).buffers.get("w")!);
    const x = floats("w", 256);
    const want = quantizeIntGroups(x, { bits: 8, groupSize: 256, asymmetric: false });
    const view = new DataView(data.buffer);
    const scale = view.getFloat32(0, true);
    let amax = 0;
    for (const v of x) amax = Math.max(amax, Math.abs(v));
    assert.ok(Math.abs(scale - amax / 127) <= (amax / 127) * 1e-3, `scale ${scale} ~ amax / 127`);
    assert.deepEqual(data.subarray(4, 4 + 256), want.bytes.subarray(2, 2 + 256));
    const q = quantizedInput(w);
    assert.ok(!("error" in q));
    assert.deepEqual(q.dequant, want.decoded);
    for (let j = 0; j < 256; j++) {
      const code = view.getInt8(4 + j);
      assert.ok(code >= -127 && code <= 127);
      assert.equal(q.dequant[j], Math.fround(code * scale));
      assert.ok(Math.abs(q.dequant[j]! - x[j]!) <= scale / 2 + 1e-7);
    }
    // Element 4k + i is byte i of word 1 + k (little-endian), as dot4I8Packed reads it.
    const word2 = view.getUint32(8, true);
    assert.equal(((word2 >> 8) << 24) >> 24, view.getInt8(4 + 5));
  });

  it("uploads e4m3 as encodeMinifloat's codes (round-to-nearest-even, saturating), 4 per word little-endian", () => {
    const w = plan(kernel("e4m3", "K")).plan!.bindings.find((b) => b.name === "w")!;
    const data = new Uint8Array(materializeInputs([w]).buffers.get("w")!);
    const x = floats("w", 256);
    assert.deepEqual(data, quantizeElementwise(x, E4M3).bytes);
    const view = new DataView(data.buffer);
    for (let j = 0; j < 256; j++) assert.equal((view.getUint32(4 * (j >> 2), true) >>> (8 * (j & 3))) & 0xff, encodeMinifloat(x[j]!, E4M3));
    const q = quantizedInput(w);
    assert.ok(!("error" in q));
    assert.deepEqual(Array.from(q.dequant), Array.from(data, (c) => decodeMinifloat(c, E4M3)));
    // Saturation and ties: 1000 -> 448 (0x7E), 1.0625 (halfway between 1 and 1.125) -> 1 (even mantissa).
    assert.equal(encodeMinifloat(1000, E4M3), 0x7e);
    assert.equal(encodeMinifloat(1.0625, E4M3), 0x38);
  });

  it("uploads int4 group=N as offset-8 nibbles, 8 per word, then the fp16 scales, exactly from quantizeIntGroups", () => {
    const w = plan(kernel("int4 group=64", "K")).plan!.bindings.find((b) => b.name === "w")!;
    assert.deepEqual(w.quantize, { format: "int4", elements: 256, packedBytes: 128 + 8, group: 64 });
    assert.equal(w.sizeBytes, 136);
    assert.equal(plan(kernel("int4", "K")).plan!.bindings.find((b) => b.name === "w")!.quantize!.group, 128);
    const data = new Uint8Array(materializeInputs([w]).buffers.get("w")!);
    const x = floats("w", 256);
    const want = quantizeIntGroups(x, { bits: 4, groupSize: 64, asymmetric: false });
    const per = 2 + 32;
    const expected = new Uint8Array(136);
    for (let g = 0; g < 4; g++) {
      for (let k = 0; k < 32; k++) {
        const pair = want.bytes[g * per + 2 + k]!;
        const lo = ((((pair & 0xf) << 28) >> 28) + 8) & 0xf;
        const hi = (((((pair >> 4) & 0xf) << 28) >> 28) + 8) & 0xf;
        expected[g * 32 + k] = lo | (hi << 4);
      }
      expected[128 + 2 * g] = want.bytes[g * per]!;
      expected[128 + 2 * g + 1] = want.bytes[g * per + 1]!;
    }
    assert.deepEqual(data, expected);
    const view = new DataView(data.buffer);
    const q = quantizedInput(w);
    assert.ok(!("error" in q));
    assert.deepEqual(q.dequant, want.decoded);
    for (let j = 0; j < 256; j++) {
      const nibble = (view.getUint32(4 * (j >> 3), true) >>> (4 * (j & 7))) & 0xf;
      const scale = view.getUint16(128 + 2 * (j >> 6), true);
      assert.ok(nibble >= 1 && nibble <= 15);
      assert.equal(q.dequant[j], (nibble - 8) * decodeFp16(scale));
    }
  });
});
