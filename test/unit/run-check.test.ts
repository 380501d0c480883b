// Tests output checks: tolerance rule, error metrics, NaN/Inf handling, unwritten elements and the messages people read.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkWritten, compareOutput, formatNumber, poisonPattern, unwrittenMask } from "../../server/src/core/run/check";
import type { BufferLayout, ScalarKind } from "../../server/src/core/run/plan";

function layout(scalar: ScalarKind, count: number, components = 1, stride?: number): BufferLayout {
  const b = scalar === "f16" ? 2 : 4;
  const leaves = Array.from({ length: components }, (_, i) => ({ offset: i * b, scalar }));
  const s = stride ?? components * b;
  return { header: [], arrayOffset: 0, stride: s, leaves, count, sizeBytes: Math.ceil((count * s) / 4) * 4 };
}

const base = { output: "out", reference: "js:./ref.mjs", rtol: 1e-5, atol: 1e-6 };

describe("compareOutput", () => {
  it("passes within atol + rtol x |want| and reports max abs and relative L2 errors", () => {
    const want = [1, -2, 3, 0];
    const got = [1 + 5e-6, -2, 3 - 2e-5, 5e-7];
    const r = compareOutput({ ...base, got, want });
    assert.equal(r.passed, true);
    assert.equal(r.elements, 4);
    assert.equal(r.mismatches, 0);
    assert.ok(Math.abs(r.maxAbsError - 2e-5) < 1e-12);
    const l2 = Math.sqrt((5e-6) ** 2 + (2e-5) ** 2 + (5e-7) ** 2) / Math.sqrt(1 + 4 + 9);
    assert.ok(Math.abs(r.relL2Error - l2) < 1e-15);
    assert.match(r.message, /^out: all 4 elements match \(max abs error 2e-5, rel L2 error [\d.]+e-6, SQNR 1\d{2}\.\d\d dB; atol 1e-6, rtol 1e-5\)$/);
    assert.ok(r.sqnrDb !== null && r.sqnrDb !== undefined && Math.abs(r.sqnrDb - -20 * Math.log10(l2)) < 1e-9);
  });

  it("reports SQNR as 10 log10(sum ref^2 / sum err^2), null for an all-zero reference or an exact match", () => {
    const want = [3, -4];
    const got = [3.3, -4.4]; // error energy 0.09 + 0.16 = 0.25, signal 25: 20 dB
    const r = compareOutput({ ...base, rtol: 0.2, got, want });
    assert.ok(r.sqnrDb !== null && r.sqnrDb !== undefined && Math.abs(r.sqnrDb - 20) < 1e-9);
    assert.match(r.message, /, SQNR 20\.00 dB;/);
    const exact = compareOutput({ ...base, got: [1, 2], want: [1, 2] });
    assert.equal(exact.sqnrDb, null);
    assert.match(exact.message, /rel L2 error 0, SQNR exact;/);
    const zero = compareOutput({ ...base, got: [1e-7, 0], want: [0, 0] });
    assert.equal(zero.sqnrDb, null);
    assert.doesNotMatch(zero.message, /SQNR/);
    // Non-finite and unwritten elements stay out of the sums.
    const mixed = compareOutput({ ...base, got: [3.3, NaN, -4.4, 7], want: [3, 1, -4, 100], unwritten: new Uint8Array([0, 0, 0, 1]) });
    assert.ok(mixed.sqnrDb !== null && mixed.sqnrDb !== undefined && Math.abs(mixed.sqnrDb - 20) < 1e-9);
    assert.equal(JSON.parse(JSON.stringify(exact)).sqnrDb, null);
  });

  it("fails with the count and the first mismatch, in a message a person can act on", () => {
    const n = 1_048_576;
    const want = new Float64Array(n).fill(1.5);
    const got = new Float64Array(want);
    got[17] = 1.25;
    got[40] = 2;
    got[999_999] = 0;
    const r = compareOutput({ ...base, got, want });
    assert.equal(r.passed, false);
    assert.equal(r.mismatches, 3);
    assert.deepEqual(r.firstMismatches, [{ index: 17, got: 1.25, want: 1.5 }, { index: 40, got: 2, want: 1.5 }, { index: 999_999, got: 0, want: 1.5 }]);
    assert.match(r.message, /^out: 3 of 1,048,576 elements differ; first at \[17\]: got 1\.25, want 1\.5 \(atol 1e-6, rtol 1e-5\); max abs error 1\.5/);
  });

  it("keeps at most 8 samples and names element and component for vector outputs", () => {
    const want = new Float64Array(40).fill(1);
    const got = new Float64Array(40).fill(2);
    const r = compareOutput({ ...base, got, want, components: 4 });
    assert.equal(r.mismatches, 40);
    assert.equal(r.firstMismatches.length, 8);
    assert.match(r.message, /first at \[0\] \(element 0, component 0\)/);
    const one = compareOutput({ ...base, got: [1, 1, 1, 1, 1, 9], want: [1, 1, 1, 1, 1, 1], components: 4 });
    assert.match(one.message, /\[5\] \(element 1, component 1\)/);
  });

  it("never passes NaN or infinity where the reference is finite, even under maxMismatches", () => {
    const r = compareOutput({ ...base, got: [1, NaN, Infinity, 4], want: [1, 2, 3, 4], maxMismatches: 10 });
    assert.equal(r.passed, false);
    assert.equal(r.nan, 1);
    assert.equal(r.inf, 1);
    assert.equal(r.mismatches, 2);
    assert.match(r.message, /2 NaN or infinite value\(s\) where the reference is finite; first at \[1\]: got NaN, want 2/);
    // Where the reference itself is NaN or infinite, only the same value matches.
    assert.equal(compareOutput({ ...base, got: [NaN, Infinity, -Infinity], want: [NaN, Infinity, -Infinity] }).passed, true);
    assert.equal(compareOutput({ ...base, got: [1], want: [NaN] }).passed, false);
    assert.equal(compareOutput({ ...base, got: [Infinity], want: [-Infinity] }).passed, false);
  });

  it("tolerates up to maxMismatches finite mismatches, and says so", () => {
    const r = compareOutput({ ...base, got: [1, 2, 9], want: [1, 2, 3], maxMismatches: 1 });
    assert.equal(r.passed, true);
    assert.match(r.message, /1 of 3 elements differ, within maxMismatches=1; first at \[2\]: got 9, want 3/);
  });

  it("reports unwritten elements as such, not as wrong values", () => {
    const got = [1, NaN, NaN, 4];
    const mask = new Uint8Array([0, 1, 1, 0]);
    const r = compareOutput({ ...base, got, want: [1, 2, 3, 4], unwritten: mask });
    assert.equal(r.passed, false);
    assert.equal(r.unwritten, 2);
    assert.equal(r.nan, 0, "poison is not counted as a computed NaN");
    assert.match(r.message, /2 of 4 elements never written \(still the poison value\); first at \[1\]/);
  });

  it("compares the prefix a shorter reference covers and fails a longer one", () => {
    const short = compareOutput({ ...base, got: [1, 2, 3, 4], want: [1, 2] });
    assert.equal(short.passed, true);
    assert.equal(short.elements, 2);
    assert.match(short.message, /the reference covers the first 2 of 4 elements/);
    const long = compareOutput({ ...base, got: [1], want: [1, 2] });
    assert.equal(long.passed, false);
    assert.match(long.message, /the reference has 2 values but 'out' holds 1/);
  });

  it("compares integers exactly with zero tolerances", () => {
    assert.equal(compareOutput({ ...base, rtol: 0, atol: 0, got: [1, 2, 3], want: [1, 2, 3] }).passed, true);
    const r = compareOutput({ ...base, rtol: 0, atol: 0, got: [1, 2, 4], want: [1, 2, 3] });
    assert.equal(r.passed, false);
    assert.match(r.message, /atol 0, rtol 0/);
  });
});

describe("unwritten elements", () => {
  it("finds elements still holding the poison pattern, for f32, f16, integers and padded vectors", () => {
    const f = layout("f32", 6);
    const bytes = new ArrayBuffer(24);
    const u = new Uint32Array(bytes);
    u.fill(poisonPattern("f32"));
    const view = new Float32Array(bytes);
    view[0] = 1;
    view[3] = NaN; // a NaN the kernel computed is written, not poison
    view[5] = 0;
    assert.deepEqual([...unwrittenMask(f, bytes, poisonPattern("f32")).mask], [0, 1, 1, 0, 1, 0]);
    const r = checkWritten("out", f, bytes, poisonPattern("f32"), Float64Array.from(view));
    assert.equal(r.passed, false);
    assert.equal(r.unwritten, 3);
    assert.equal(r.reference, "written");
    assert.equal(r.nan, 1);
    assert.deepEqual(r.firstMismatches.map((m) => m.index), [1, 2, 4]);
    assert.match(r.message, /^out: 3 of 6 elements were never written \(they still hold the poison pattern 0x7FC0DEAD\); first at \[1\], \[2\], \[4\]$/);

    const h = layout("f16", 3);
    const hb = new ArrayBuffer(8);
    new Uint32Array(hb).fill(poisonPattern("f16"));
    new Uint16Array(hb)[1] = 0x3c00;
    assert.deepEqual([...unwrittenMask(h, hb, poisonPattern("f16")).mask], [1, 0, 1]);

    const v3 = layout("i32", 2, 3, 16);
    const vb = new ArrayBuffer(32);
    new Uint32Array(vb).fill(poisonPattern("i32"));
    const iv = new Int32Array(vb);
    iv[0] = 1;
    iv[1] = 2;
    iv[2] = 3;
    iv[4] = 4;
    const m = unwrittenMask(v3, vb, poisonPattern("i32"));
    assert.deepEqual([...m.mask], [0, 0, 0, 0, 1, 1], "padding words are not elements");
    assert.match(checkWritten("o", v3, vb, poisonPattern("i32")).message, /first at \[4\] \(element 1, component 1\), \[5\]$/);
  });

  it("passes when everything was written", () => {
    const f = layout("f32", 3);
    const r = checkWritten("out", f, new Float32Array([1, 2, 3]).buffer, poisonPattern("f32"));
    assert.equal(r.passed, true);
    assert.equal(r.message, "out: every one of 3 elements was written");
  });
});

describe("number formatting", () => {
  it("is short and exact enough to compare by eye", () => {
    assert.equal(formatNumber(1.25), "1.25");
    assert.equal(formatNumber(Math.fround(0.1)), "0.1");
    assert.equal(formatNumber(1e-6), "1e-6");
    assert.equal(formatNumber(2.4e-7), "2.4e-7");
    assert.equal(formatNumber(-123456.789), "-123456.79");
    assert.equal(formatNumber(0), "0");
    assert.equal(formatNumber(NaN), "NaN");
    assert.equal(formatNumber(-Infinity), "-Infinity");
    assert.equal(formatNumber(3e12), "3e12");
  });
});
