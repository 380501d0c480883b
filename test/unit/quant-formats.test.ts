// Tests the quantization format catalogue and the reference encoders against published values and hand-worked blocks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeE8M0, dequantizeQ4_0, mxScaleCode } from "../../server/src/core/quant/blocks";
import {
  bitsWithScale, findQuantFormat, QUANT_FORMAT_ALIASES, QUANT_FORMAT_IDS, QUANT_FORMATS, QUANTIZABLE_IDS, quantFormatId, quantize, quantStorage,
} from "../../server/src/core/quant/formats";
import {
  BF16, decodeBf16, decodeFp16, decodeMinifloat, E2M1, E2M3, E3M2, E4M3, E5M2, encodeBf16, encodeFp16, encodeMinifloat,
  encodeNf4, FP16, minifloatMax, minifloatValues, NF4_VALUES,
} from "../../server/src/core/quant/minifloat";

/** Deterministic pseudo-random floats (LCG) in [-scale, scale). */
function noise(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
function probit(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number): number => k.reduce((acc, v) => acc * x + v, 0);
  if (p > 1 - 0.02425) return -probit(1 - p);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  return (poly(a, q * q) * q) / (poly(b, q * q) * q * q + 1);
}

describe("minifloats (OCP OFP8 / MX specs, IEEE 754)", () => {
  it("e4m3: max 448 = 0x7E, NaN 0x7F/0xFF, no infinities, saturation", () => {
    assert.equal(minifloatMax(E4M3), 448);
    assert.equal(encodeMinifloat(448, E4M3), 0x7e);
    assert.equal(decodeMinifloat(0x7e, E4M3), 448);
    assert.equal(decodeMinifloat(0xfe, E4M3), -448);
    assert.ok(Number.isNaN(decodeMinifloat(0x7f, E4M3)));
    assert.ok(Number.isNaN(decodeMinifloat(0xff, E4M3)));
    assert.equal(encodeMinifloat(NaN, E4M3), 0x7f);
    assert.equal(encodeMinifloat(1e6, E4M3), 0x7e);
    assert.equal(encodeMinifloat(-Infinity, E4M3), 0xfe);
    assert.equal(encodeMinifloat(500, { ...E4M3, satfinite: false }), 0x7f);
    assert.equal(encodeMinifloat(464, { ...E4M3, satfinite: false }), 0x7e, "tie 448/480 rounds to even 448");
    assert.equal(decodeMinifloat(0x01, E4M3), 2 ** -9, "smallest subnormal");
    assert.equal(decodeMinifloat(0x08, E4M3), 2 ** -6, "smallest normal");
  });

  it("e5m2: max 57344 = 0x7B, infinity 0x7C, NaN 0x7D..0x7F", () => {
    assert.equal(minifloatMax(E5M2), 57344);
    assert.equal(encodeMinifloat(57344, E5M2), 0x7b);
    assert.equal(decodeMinifloat(0x7c, E5M2), Infinity);
    assert.equal(decodeMinifloat(0xfc, E5M2), -Infinity);
    for (const c of [0x7d, 0x7e, 0x7f]) assert.ok(Number.isNaN(decodeMinifloat(c, E5M2)));
    assert.equal(encodeMinifloat(Infinity, E5M2), 0x7b, "satfinite");
    assert.equal(encodeMinifloat(Infinity, { ...E5M2, satfinite: false }), 0x7c);
    assert.equal(encodeMinifloat(70000, { ...E5M2, satfinite: false }), 0x7c);
    assert.equal(encodeMinifloat(60000, { ...E5M2, satfinite: false }), 0x7b, "below the 61440 midpoint");
    assert.ok(Number.isNaN(decodeMinifloat(encodeMinifloat(NaN, E5M2), E5M2)));
  });

  it("fp6 and fp4 maxima and the e2m1 value set", () => {
    assert.equal(minifloatMax(E3M2), 28);
    assert.equal(minifloatMax(E2M3), 7.5);
    assert.equal(minifloatMax(E2M1), 6);
    assert.deepEqual(minifloatValues(E2M1).filter((v) => v >= 0), [0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    assert.equal(minifloatValues(E2M1).length, 15);
    assert.equal(encodeMinifloat(100, E2M1), 0x7);
    assert.equal(encodeMinifloat(-100, E3M2), 0x3f);
    assert.throws(() => encodeMinifloat(NaN, E2M1), RangeError);
  });

  it("round to nearest, ties to even", () => {
    assert.equal(decodeMinifloat(encodeMinifloat(1 + 1 / 16, E4M3), E4M3), 1);
    assert.equal(decodeMinifloat(encodeMinifloat(1 + 3 / 16, E4M3), E4M3), 1.25);
    assert.equal(decodeMinifloat(encodeMinifloat(1 + 1 / 16 + 1e-9, E4M3), E4M3), 1.125);
    assert.equal(decodeMinifloat(encodeMinifloat(5, E2M1), E2M1), 4, "5 ties 4/6 -> 4");
    assert.equal(decodeMinifloat(encodeMinifloat(2.5, E2M1), E2M1), 2, "2.5 ties 2/3 -> 2");
    assert.equal(decodeMinifloat(encodeMinifloat(0.25, E2M1), E2M1), 0, "0.25 ties 0/0.5 -> 0");
    assert.equal(decodeMinifloat(encodeMinifloat(0.75, E2M1), E2M1), 1, "0.75 ties 0.5/1 -> 1");
    assert.equal(decodeFp16(encodeFp16(2049)), 2048);
    assert.equal(decodeFp16(encodeFp16(2051)), 2052);
    assert.ok(Object.is(decodeMinifloat(encodeMinifloat(-0, E4M3), E4M3), -0));
  });

  it("fp16: max 65504 = 0x7BFF, overflow to infinity, subnormals, exhaustive round trip", () => {
    assert.equal(minifloatMax(FP16), 65504);
    assert.equal(encodeFp16(65504), 0x7bff);
    assert.equal(encodeFp16(65519), 0x7bff);
    assert.equal(encodeFp16(65520), 0x7c00);
    assert.equal(encodeFp16(2 ** -24), 0x0001);
    assert.equal(encodeFp16(2 ** -25), 0x0000, "tie to even zero");
    assert.equal(encodeFp16(1), 0x3c00);
    assert.equal(encodeFp16(-2), 0xc000);
    for (let c = 0; c < 0x10000; c++) {
      const v = decodeFp16(c);
      if (!Number.isNaN(v)) assert.equal(encodeFp16(v), c);
    }
  });

  it("bf16: 1 + 2^-8 rounds to 1.0, matches float32 bit rounding", () => {
    assert.equal(encodeBf16(1 + 2 ** -8), 0x3f80);
    assert.equal(encodeBf16(1 + 3 * 2 ** -8), 0x3f82);
    assert.equal(decodeBf16(0x3f82), 1 + 2 ** -6);
    assert.equal(minifloatMax(BF16), 3.3895313892515355e38);
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const x = noise(20000, 7, 1000);
    for (let i = 0; i < x.length; i++) {
      f[0] = (x[i] as number) * 2 ** ((i % 60) - 30);
      const bits = u[0] as number;
      const expected = Math.floor((bits + 0x7fff + ((bits >>> 16) & 1)) / 0x10000) & 0xffff;
      assert.equal(encodeBf16(f[0] as number), expected, `bf16 of ${f[0]}`);
    }
  });
});

describe("NF4 (QLoRA)", () => {
  it("has 16 ascending levels from -1 to 1 with an exact zero", () => {
    assert.equal(NF4_VALUES.length, 16);
    assert.equal(NF4_VALUES[0], -1);
    assert.equal(NF4_VALUES[7], 0);
    assert.equal(NF4_VALUES[15], 1);
    for (let i = 1; i < 16; i++) assert.ok((NF4_VALUES[i] as number) > (NF4_VALUES[i - 1] as number));
    NF4_VALUES.forEach((v, i) => assert.equal(encodeNf4(v), i));
  });

  it("the listed levels match the QLoRA construction (normal quantiles, offset 0.9677083, normalised)", () => {
    const offset = 0.9677083;
    const lin = (from: number, to: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
    const pos = lin(offset, 0.5, 9).slice(0, 8).map(probit);
    const neg = lin(offset, 0.5, 8).slice(0, 7).map((p) => -probit(p));
    const levels = [...pos, 0, ...neg].sort((p, q) => p - q);
    const max = Math.max(...levels.map(Math.abs));
    levels.forEach((v, i) => assert.ok(Math.abs(v / max - (NF4_VALUES[i] as number)) < 1e-6, `level ${i}`));
  });

  it("quantizes with a per-block absmax to 4.5 bits", () => {
    const x = noise(128, 3, 2);
    const r = quantize("nf4", x);
    assert.equal(r.bytes.length, 2 * 36);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs((r.decoded[i] as number) - (x[i] as number)) <= 0.17 * 2);
    assert.equal(findQuantFormat("nf4")?.bitsWithScale, 4.5);
  });
});

describe("ggml blocks", () => {
  it("q4_0: 18 bytes per 32 weights and a hand-worked block", () => {
    // x = -16..15: the largest magnitude is -16, so d = -16 / -8 = 2 (fp16 0x4000), codes trunc(x/2 + 8.5).
    const x = Float32Array.from({ length: 32 }, (_, j) => j - 16);
    const { bytes, decoded } = quantize("q4_0", x);
    assert.equal(bytes.length, 18);
    assert.equal(bytes[0], 0x00);
    assert.equal(bytes[1], 0x40);
    assert.equal(bytes[2], 0x80, "x0 = -16 -> 0 (low), x16 = 0 -> 8 (high)");
    assert.equal(bytes[3], 0x91, "x1 = -15 -> 1, x17 = 1 -> 9");
    assert.equal(bytes[17], 0xf8, "x15 = -1 -> 8, x31 = 15 -> 16 clamped to 15");
    assert.equal(decoded[0], -16);
    assert.equal(decoded[1], -14);
    assert.equal(decoded[31], 14);
    for (let i = 0; i < 32; i++) assert.ok(Math.abs((decoded[i] as number) - (x[i] as number)) <= 1, `within d/2 at ${i}`);
    assert.deepEqual(dequantizeQ4_0(bytes), decoded);
  });

  it("q4_0 on random blocks decodes within d/2 (plus fp16 rounding of d; the clamped +8 side excepted)", () => {
    const x = noise(32 * 50, 11, 3);
    const { bytes, decoded } = quantize("q4_0", x);
    assert.equal(bytes.length, 18 * 50);
    for (let b = 0; b < 50; b++) {
      const d = Math.abs(decodeFp16((bytes[b * 18] as number) | ((bytes[b * 18 + 1] as number) << 8)));
      const dSigned = decodeFp16((bytes[b * 18] as number) | ((bytes[b * 18 + 1] as number) << 8));
      for (let j = 0; j < 32; j++) {
        const i = b * 32 + j;
        const v = x[i] as number;
        // Codes span -8d..7d with -8d = the signed max, so elements of the other sign beyond 7.5|d| clamp to 7d.
        const bound = v / dSigned > 7.5 ? Math.abs(v) - 7 * d : d / 2;
        assert.ok(Math.abs((decoded[i] as number) - v) <= bound + 8 * d * 2 ** -10, `block ${b} element ${j}`);
      }
    }
  });

  it("q4_1, q5_0, q5_1, q8_0: block sizes and error bounds", () => {
    const x = noise(64, 5, 1.5);
    const cases: [("q4_1" | "q5_0" | "q5_1" | "q8_0"), number, number][] = [["q4_1", 20, 15], ["q5_0", 22, 16], ["q5_1", 24, 31], ["q8_0", 34, 127]];
    for (const [id, size, steps] of cases) {
      const { bytes, decoded } = quantize(id, x);
      assert.equal(bytes.length, 2 * size, id);
      for (let b = 0; b < 2; b++) {
        let min = Infinity;
        let max = -Infinity;
        for (let j = 0; j < 32; j++) {
          min = Math.min(min, x[b * 32 + j] as number);
          max = Math.max(max, x[b * 32 + j] as number);
        }
        const span = id === "q4_1" || id === "q5_1" ? max - min : Math.max(max, -min) * (id === "q8_0" ? 1 : 2);
        const step = span / steps;
        for (let j = 0; j < 32; j++) {
          const i = b * 32 + j;
          assert.ok(Math.abs((decoded[i] as number) - (x[i] as number)) <= step * 0.5 + span * 2 ** -9, `${id} ${i}`);
        }
      }
    }
  });

  it("q8_0 stores int8 codes after an fp16 scale", () => {
    const x = Float32Array.from({ length: 32 }, (_, j) => (j === 0 ? -127 : j));
    const { bytes, decoded } = quantize("q8_0", x);
    assert.equal(decodeFp16((bytes[0] as number) | ((bytes[1] as number) << 8)), 1);
    assert.equal(bytes[2], 0x81);
    assert.equal(bytes[3], 1);
    assert.deepEqual([...decoded], [...x]);
  });
});

describe("MX (OCP Microscaling v1.0)", () => {
  it("mxfp4 is 4.25 bits: 17 bytes per 32 elements", () => {
    assert.equal(findQuantFormat("mxfp4")?.bitsWithScale, 4.25);
    assert.equal(quantize("mxfp4", noise(64, 1)).bytes.length, 34);
    assert.equal(quantize("mxfp8", noise(32, 1)).bytes.length, 33);
    assert.equal(quantize("mxfp6", noise(32, 1)).bytes.length, 25);
    assert.equal(quantize("mxint8", noise(32, 1)).bytes.length, 33);
  });

  it("shared scale = 2^(floor(log2 amax) - emax_elem)", () => {
    assert.equal(decodeE8M0(mxScaleCode(6, "e2m1")), 1);
    assert.equal(decodeE8M0(mxScaleCode(10, "e2m1")), 2);
    assert.equal(decodeE8M0(mxScaleCode(1, "e4m3")), 2 ** -8);
    assert.equal(decodeE8M0(mxScaleCode(448, "e4m3")), 1);
    assert.equal(decodeE8M0(mxScaleCode(1, "int8")), 1);
    assert.ok(Number.isNaN(decodeE8M0(mxScaleCode(NaN, "e2m1"))));
  });

  it("hand-worked mxfp4 block: amax 10 -> scale 2, 10/2 = 5 ties to 4 -> 8", () => {
    const x = new Float32Array(32);
    x[0] = 10;
    x[1] = -3;
    x[2] = 1;
    x[3] = 0.4;
    const { bytes, decoded } = quantize("mxfp4", x);
    assert.equal(bytes[0], 128, "E8M0 2^1");
    assert.equal(decoded[0], 8);
    assert.equal(decoded[1], -3);
    assert.equal(decoded[2], 1);
    assert.equal(decoded[3], 0, "0.2 rounds to 0 in e2m1");
    assert.equal(bytes[1], 0x06 | (0x0b << 4), "elements 0 (4.0 = 0110) and 1 (-1.5 = 1011) packed low first");
  });

  it("mxfp8 keeps e4m3 precision relative to the block max", () => {
    const x = noise(32, 9, 100);
    const r = quantize("mxfp8", x);
    let amax = 0;
    for (const v of x) amax = Math.max(amax, Math.abs(v));
    for (let i = 0; i < 32; i++) assert.ok(Math.abs((r.decoded[i] as number) - (x[i] as number)) <= Math.max(Math.abs(x[i] as number) / 16, amax * 2 ** -15));
  });
});

describe("per-group integers", () => {
  it("int4 symmetric per-group error is at most scale/2", () => {
    const x = noise(1000, 21, 4);
    const g = 128;
    const { bytes, decoded } = quantize("int4", x, { groupSize: g });
    assert.equal(bytes.length, Math.ceil(1000 / g) * (2 + 64));
    for (let s = 0; s < x.length; s += g) {
      let amax = 0;
      for (let i = s; i < Math.min(x.length, s + g); i++) amax = Math.max(amax, Math.abs(x[i] as number));
      const scale = amax / 7;
      for (let i = s; i < Math.min(x.length, s + g); i++) assert.ok(Math.abs((decoded[i] as number) - (x[i] as number)) <= scale / 2 + 7 * scale * 2 ** -10);
    }
  });

  it("int4 asymmetric and int8 per-tensor bounds", () => {
    const x = noise(256, 4, 1).map((v) => v + 0.7);
    const a = quantize("int4", x, { groupSize: 64, asymmetric: true });
    for (let s = 0; s < 256; s += 64) {
      const seg = x.slice(s, s + 64);
      const scale = (Math.max(0, ...seg) - Math.min(0, ...seg)) / 15;
      for (let i = s; i < s + 64; i++) assert.ok(Math.abs((a.decoded[i] as number) - (x[i] as number)) <= scale * 0.5 + 15 * scale * 2 ** -10 + 1e-7);
    }
    const b = quantize("int8", x);
    const scale8 = Math.max(...x.map(Math.abs)) / 127;
    for (let i = 0; i < 256; i++) assert.ok(Math.abs((b.decoded[i] as number) - (x[i] as number)) <= scale8 * 0.5 + 127 * scale8 * 2 ** -10);
  });

  it("ternary codes are in {-1, 0, 1} times the absmean", () => {
    const x = Float32Array.from([1, -1, 0.1, -0.1, 2]);
    const r = quantize("ternary", x);
    assert.equal(r.bytes.length, 3);
    const s = decodeFp16(encodeFp16(4.2 / 5));
    assert.deepEqual([...r.decoded], [s, -s, 0, 0, s].map(Math.fround));
    assert.equal(r.bytes[2], 2 + 0 * 3 + 1 * 9 + 1 * 27 + 2 * 81, "trits (code + 1) 2, 0, 1, 1, 2 in base 3");
  });
});

describe("catalogue", () => {
  it("lists every required id once", () => {
    const required = ["int8", "int4", "int2", "ternary", "fp16", "bf16", "e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "nf4", "mxfp8", "mxfp6", "mxfp4",
      "mxint8", "bfp8", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K"];
    assert.deepEqual(QUANT_FORMATS.map((f) => f.id).sort(), [...required].sort());
    assert.deepEqual([...QUANT_FORMAT_IDS].sort(), [...required].sort());
    for (const f of QUANT_FORMATS) {
      assert.ok(f.description.length > 20 && f.source.length > 5, f.id);
      assert.ok(f.bitsWithScale >= f.bitsPerElement - 1e-12, f.id);
      if (f.values) assert.ok(f.values.length <= 256, f.id);
    }
  });

  it("bits with scale follow from the block layouts", () => {
    const expected: Record<string, number> = {
      q4_0: 4.5, q4_1: 5.0, q5_0: 5.5, q5_1: 6.0, q8_0: 8.5, q2_K: 2.625, q3_K: 3.4375, q4_K: 4.5, q5_K: 5.5, q6_K: 6.5625,
      mxfp8: 8.25, mxfp6: 6.25, mxfp4: 4.25, mxint8: 8.25, bfp8: 8.5, nf4: 4.5, int4: 4.125, int8: 8.125, e2m1: 4, fp16: 16,
    };
    const blockBytes: Record<string, number> = { q4_0: 18, q4_1: 20, q5_0: 22, q5_1: 24, q8_0: 34, q2_K: 84, q3_K: 110, q4_K: 144, q5_K: 176, q6_K: 210, mxfp4: 17 };
    for (const [id, bits] of Object.entries(expected)) assert.equal(findQuantFormat(id)?.bitsWithScale, bits, id);
    for (const [id, bytes] of Object.entries(blockBytes)) {
      const f = findQuantFormat(id);
      assert.equal(f?.blockBytes, bytes, id);
      assert.equal(((f?.blockBytes ?? 0) * 8) / (f?.blockSize ?? 1), f?.bitsWithScale, id);
    }
    assert.equal(bitsWithScale(4, 32, 8), 4.25);
    assert.equal(bitsWithScale(4, 32, 16), 4.5);
  });

  it("value sets and ranges", () => {
    assert.deepEqual(findQuantFormat("e2m1")?.values?.filter((v) => v >= 0), [0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    assert.deepEqual(findQuantFormat("ternary")?.values, [-1, 0, 1]);
    assert.equal(findQuantFormat("int4")?.values?.length, 15);
    assert.equal(findQuantFormat("nf4")?.values?.length, 16);
    assert.equal(findQuantFormat("e4m3")?.range.max, 448);
    assert.equal(findQuantFormat("e4m3")?.range.minPositiveSubnormal, 2 ** -9);
    assert.equal(findQuantFormat("e5m2")?.range.max, 57344);
    assert.equal(findQuantFormat("fp16")?.range.minPositiveNormal, 2 ** -14);
    assert.equal(findQuantFormat("e4m3")?.values?.length, 253);
  });

  it("quantize covers every format, k-quants included and round-trips through JSON", () => {
    const x = noise(256, 2);
    for (const id of QUANTIZABLE_IDS) {
      const r = quantize(id, x);
      assert.equal(r.decoded.length, 256, id);
      for (const v of r.decoded) assert.ok(Number.isFinite(v), id);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(QUANT_FORMATS)), QUANT_FORMATS);
  });
});

describe("storage facts by format name (quantStorage)", () => {
  it("block layouts count their scale; other formats the code's bits, with no group", () => {
    assert.deepEqual(quantStorage("q4_0"), { id: "q4_0", bitsPerWeight: 4.5, groupSize: 32, blockBytes: 18 });
    assert.deepEqual(quantStorage("q8_0"), { id: "q8_0", bitsPerWeight: 8.5, groupSize: 32, blockBytes: 34 });
    assert.deepEqual(quantStorage("mxfp4"), { id: "mxfp4", bitsPerWeight: 4.25, groupSize: 32, blockBytes: 17 });
    assert.deepEqual(quantStorage("Q4_K"), { id: "q4_K", bitsPerWeight: 4.5, groupSize: 256, blockBytes: 144 });
    assert.deepEqual(quantStorage("int4"), { id: "int4", bitsPerWeight: 4, groupSize: null, blockBytes: null });
    assert.deepEqual(quantStorage("e4m3"), { id: "e4m3", bitsPerWeight: 8, groupSize: null, blockBytes: null });
    assert.equal(quantStorage("q7_0"), undefined);
  });

  it("knows every name recognize.ts's // @quant table knows, with the same bits and group", () => {
    // The names and values of the table in core/quant/recognize.ts, which is to read them from here instead.
    const table: [string, number, number | null][] = [
      ["q4_0", 4.5, 32], ["q4_1", 5, 32], ["q5_0", 5.5, 32], ["q5_1", 6, 32], ["q8_0", 8.5, 32],
      ["mxfp4", 4.25, 32], ["mxfp6", 6.25, 32], ["mxfp8", 8.25, 32], ["mxint8", 8.25, 32],
      ["int8", 8, null], ["uint8", 8, null], ["int4", 4, null], ["uint4", 4, null], ["int2", 2, null],
      ["fp4", 4, null], ["e2m1", 4, null], ["fp6", 6, null], ["fp8", 8, null], ["e4m3", 8, null], ["e5m2", 8, null],
      ["fp16", 16, null], ["f16", 16, null], ["bf16", 16, null],
    ];
    for (const [name, bits, group] of table) {
      const q = quantStorage(name);
      assert.ok(q, name);
      assert.deepEqual([q.bitsPerWeight, q.groupSize], [bits, group], name);
    }
    // Where the catalogue knows more than that table did: NF4's block of 64 carries an fp32 absmax, ternary is log2(3).
    assert.deepEqual([quantStorage("nf4")?.bitsPerWeight, quantStorage("nf4")?.groupSize], [4.5, 64]);
    assert.equal(quantStorage("ternary")?.bitsPerWeight, Math.log2(3));
  });

  it("aliases name catalogued formats", () => {
    for (const [alias, id] of Object.entries(QUANT_FORMAT_ALIASES)) {
      assert.ok(QUANT_FORMAT_IDS.includes(id), alias);
      assert.equal(quantFormatId(alias.toUpperCase()), id);
    }
  });
});
