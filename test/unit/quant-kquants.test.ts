// Tests the q4_K and q6_K reference blocks: sizes, round-trip error bounds and hand-built blocks decoded to known values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { quantize } from "../../server/src/core/quant/formats";
import { dequantizeQ4_K, dequantizeQ6_K, Q4_K_BYTES, Q6_K_BYTES, quantizeQ4_K, quantizeQ6_K } from "../../server/src/core/quant/kquants";

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
    assert.throws(() => quantize("q5_K", x), RangeError);
  });

  it("round-trips within the step of each format", () => {
    const x = noise(1024, 7);
    const a = quantizeQ4_K(x);
    assert.deepEqual(dequantizeQ4_K(a.bytes), a.decoded);
    assert.ok(maxErr(x, a.decoded) < 0.1, `q4_K error ${maxErr(x, a.decoded)}`); // step ~ 2/15
    const b = quantizeQ6_K(x);
    assert.deepEqual(dequantizeQ6_K(b.bytes), b.decoded);
    assert.ok(maxErr(x, b.decoded) < 0.025, `q6_K error ${maxErr(x, b.decoded)}`); // step ~ 1/31
    const zeros = new Float32Array(256);
    assert.deepEqual(quantizeQ4_K(zeros).decoded, zeros);
    assert.deepEqual(quantizeQ6_K(zeros).decoded, zeros);
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
});
