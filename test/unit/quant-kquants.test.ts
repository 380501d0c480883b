// Tests the q2_K .. q6_K reference blocks: sizes, round-trip error bounds and hand-built blocks decoded to known values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { quantize } from "../../server/src/core/quant/formats";
import {
  dequantizeQ2_K,
  dequantizeQ3_K,
  dequantizeQ4_K,
  dequantizeQ5_K,
  dequantizeQ6_K,
  Q2_K_BYTES,
  Q3_K_BYTES,
  Q4_K_BYTES,
  Q5_K_BYTES,
  Q6_K_BYTES,
  quantizeQ2_K,
  quantizeQ3_K,
  quantizeQ4_K,
  quantizeQ5_K,
  quantizeQ6_K,
} from "../../server/src/core/quant/kquants";

function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function maxErr(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("k-quant blocks", () => {
  it("packs 256 weights into 144 (q4_K) and 210 (q6_K) bytes", () => {
    assert.equal(Q4_K_BYTES, 144);
    assert.equal(Q6_K_BYTES, 210);
    const x = noise(512, 1);
    assert.equal(quantizeQ4_K(x).bytes.length, 288);
    assert.equal(quantizeQ6_K(x).bytes.length, 420);
    assert.equal(quantize("q4_K", x).bytes.length, 288);
    assert.throws(() => quantizeQ4_K(noise(100, 1)), RangeError);
    assert.equal(Q5_K_BYTES, 176);
    assert.equal(Q3_K_BYTES, 110);
    assert.equal(Q2_K_BYTES, 84);
    assert.equal(quantizeQ5_K(x).bytes.length, 352);
    assert.equal(quantizeQ3_K(x).bytes.length, 220);
    assert.equal(quantizeQ2_K(x).bytes.length, 168);
    assert.equal(quantize("q5_K", x).bytes.length, 352);
    assert.equal(quantize("q3_K", x).bytes.length, 220);
    assert.equal(quantize("q2_K", x).bytes.length, 168);
    assert.throws(() => quantizeQ2_K(noise(100, 1)), RangeError);
    assert.throws(() => dequantizeQ3_K(new Uint8Array(111)), RangeError);
  });

  it("round-trips within the step of each format", () => {
    const x = noise(1024, 7);
    const a = quantizeQ4_K(x);
    assert.deepEqual(dequantizeQ4_K(a.bytes), a.decoded);
    assert.ok(maxErr(x, a.decoded) < 0.1, `q4_K error ${maxErr(x, a.decoded)}`); // step ~ 2/15
    const b = quantizeQ6_K(x);
    assert.deepEqual(dequantizeQ6_K(b.bytes), b.decoded);
    assert.ok(maxErr(x, b.decoded) < 0.025, `q6_K error ${maxErr(x, b.decoded)}`); // step ~ 1/31
    const c = quantizeQ5_K(x);
    assert.deepEqual(dequantizeQ5_K(c.bytes), c.decoded);
    assert.ok(maxErr(x, c.decoded) < 0.05, `q5_K error ${maxErr(x, c.decoded)}`); // step ~ 2/31
    const e = quantizeQ3_K(x);
    assert.deepEqual(dequantizeQ3_K(e.bytes), e.decoded);
    assert.ok(maxErr(x, e.decoded) < 0.3, `q3_K error ${maxErr(x, e.decoded)}`); // step ~ 1/4, -4..3 clamps one side
    const g = quantizeQ2_K(x);
    assert.deepEqual(dequantizeQ2_K(g.bytes), g.decoded);
    assert.ok(maxErr(x, g.decoded) < 0.42, `q2_K error ${maxErr(x, g.decoded)}`); // step ~ 2/3
    const zeros = new Float32Array(256);
    for (const q of [quantizeQ2_K, quantizeQ3_K, quantizeQ4_K, quantizeQ5_K, quantizeQ6_K]) assert.deepEqual(q(zeros).decoded, zeros);
  });

  it("decodes a hand-built q4_K block", () => {
    const b = new Uint8Array(144);
    b[0] = 0x00; b[1] = 0x3c; // d = 1.0
    b[2] = 0x00; b[3] = 0x38; // dmin = 0.5
    // Sub-block 0: scale 2, min 4. Sub-block 5: scale 0x23 = 35 (low 3 in byte 9, top 2 in byte 1), min 0x11 = 17.
    b[4] = 2; b[8] = 4;
    b[5] = 2 << 6; b[9] = 1 << 6; b[13] = 0x3 | (0x1 << 4);
    b[16] = 0x07; // weight 0: code 7 (low nibble); weight 32: code 0 (high nibble)
    b[16 + 64 + 5] = 0x90; // chunk 2 (weights 128..191): weight 128+5 code 0, weight 160+5 code 9
    const y = dequantizeQ4_K(b);
    assert.equal(y[0], 2 * 7 - 0.5 * 4);
    assert.equal(y[1], -2);
    assert.equal(y[165], 35 * 9 - 0.5 * 17);
    assert.equal(y[161], -8.5);
  });

  it("decodes a hand-built q6_K block", () => {
    const b = new Uint8Array(210);
    b[208] = 0x00; b[209] = 0x40; // d = 2.0
    b[192] = 3; // scale of weights 0..15
    b[192 + 4] = 0xff; // scale -1 for weights 64..79
    b[0] = 0x21; // weight 0 low nibble 1, weight 64 low nibble 2
    b[128] = (2 << 0) | (1 << 4); // weight 0 high bits 2, weight 64 high bits 1
    const y = dequantizeQ6_K(b);
    assert.equal(y[0], 2 * 3 * ((1 | (2 << 4)) - 32));
    assert.equal(y[64], 2 * -1 * ((2 | (1 << 4)) - 32));
    assert.equal(y[1], 2 * 3 * -32);
  });

  it("decodes a hand-built q5_K block", () => {
    const b = new Uint8Array(176);
    b[0] = 0x00; b[1] = 0x3c; // d = 1.0
    b[2] = 0x00; b[3] = 0x38; // dmin = 0.5
    b[4] = 2; b[8] = 4; // sub-block 0: scale 2, min 4
    b[5] = 3; b[9] = 1; // sub-block 1: scale 3, min 1
    b[48] = 0x57; // weight 0: low nibble 7; weight 32: low nibble 5
    b[16] = 0b11; // weight 0 and weight 32: 5th bit set
    b[16 + 1] = 0b10; // weight 33: 5th bit only
    const y = dequantizeQ5_K(b);
    assert.equal(y[0], 2 * (7 + 16) - 0.5 * 4);
    assert.equal(y[32], 3 * (5 + 16) - 0.5 * 1);
    assert.equal(y[33], 3 * 16 - 0.5);
    assert.equal(y[1], -2);
  });

  it("decodes a hand-built q3_K block", () => {
    const b = new Uint8Array(110);
    b[108] = 0x00; b[109] = 0x40; // d = 2.0
    // Sub-block 0: code 35 (scale 3): low nibble 3 in byte 96, top bits 2 in byte 104 bits 0..1.
    b[96] = 0x03; b[104] = 0x02;
    // Sub-block 13 (weights 208..223, h 1, j 2, s 1): code 30 (scale -2): low 0xe in byte 96 + 5 high nibble, top 1 at
    // byte 104 + 1 bits 6..7.
    b[101] = 0xe0; b[105] = 0x40;
    b[32] = 0x02; // weight 0: low bits 2
    b[0] = 0x01; // weight 0: hmask bit set, so no -4
    b[32 + 32 + 16 + 3] = 0x01 << 4; // weight 128 + 64 + 16 + 3 = 211: low bits 1, hmask bit 6 clear, so 1 - 4
    const y = dequantizeQ3_K(b);
    assert.equal(y[0], 2 * 3 * 2);
    assert.equal(y[1], 2 * 3 * -4);
    assert.equal(y[211], 2 * -2 * -3);
    assert.equal(y[16], 2 * -32 * -4);
  });

  it("decodes a hand-built q2_K block", () => {
    const b = new Uint8Array(84);
    b[80] = 0x00; b[81] = 0x3c; // d = 1.0
    b[82] = 0x00; b[83] = 0x38; // dmin = 0.5
    b[0] = 0x35; // sub-block 0: scale 5, min 3
    b[11] = 0x27; // sub-block 11 (weights 176..191, h 1, j 1, s 1): scale 7, min 2
    b[16] = 0x03; // weight 0: code 3
    b[16 + 32 + 16 + 4] = 0x02 << 2; // weight 128 + 32 + 16 + 4 = 180: code 2
    const y = dequantizeQ2_K(b);
    assert.equal(y[0], 5 * 3 - 0.5 * 3);
    assert.equal(y[1], -1.5);
    assert.equal(y[180], 7 * 2 - 0.5 * 2);
    assert.equal(y[16], 0);
  });
});
