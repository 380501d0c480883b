// Tests the input generators: the seeded PRNG, f16 encoding, integer and vector layouts, and .npy / raw files.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { decodeFp16, encodeFp16 } from "../../server/src/core/quant/minifloat";
import {
  bufferSeed,
  decodeScalars,
  fromFile,
  generate,
  materializeInputs,
  parseNpy,
  referenceArray,
  uniformAt,
} from "../../server/src/core/run/inputs";
import { buildRunPlan, type BufferLayout, type ScalarKind } from "../../server/src/core/run/plan";

function layout(scalar: ScalarKind, count: number, components = 1, stride?: number): BufferLayout {
  const b = scalar === "f16" ? 2 : 4;
  const leaves = Array.from({ length: components }, (_, i) => ({ offset: i * b, scalar }));
  const s = stride ?? components * b;
  return { header: [], arrayOffset: 0, stride: s, leaves, count, sizeBytes: Math.ceil((count * s) / 4) * 4 };
}

function data(r: { data: ArrayBuffer } | { error: string }): ArrayBuffer {
  if ("error" in r) throw new Error(r.error);
  return r.data;
}

/** A version 1.0 .npy file, built the way numpy writes one (header padded with spaces to a multiple of 64). */
function npy(descr: string, shape: number[], payload: ArrayBufferView, fortran = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const bytes = new Uint8Array(10 + header.length + payload.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  bytes.set(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength), 10 + header.length);
  return bytes;
}

describe("half precision (quant/minifloat's binary16, which runs write f16 buffers with)", () => {
  it("encodes with round-to-nearest-even, overflow to infinity, subnormals and signed zero", () => {
    assert.equal(encodeFp16(1), 0x3c00);
    assert.equal(encodeFp16(-2), 0xc000);
    assert.equal(encodeFp16(65504), 0x7bff);
    assert.equal(encodeFp16(65519.99), 0x7bff);
    assert.equal(encodeFp16(65520), 0x7c00, "halfway to 2^16 rounds up to infinity");
    assert.equal(encodeFp16(Infinity), 0x7c00);
    assert.equal(encodeFp16(-Infinity), 0xfc00);
    assert.equal(encodeFp16(NaN), 0x7e00);
    assert.equal(encodeFp16(-0), 0x8000);
    assert.equal(encodeFp16(2 ** -24), 0x0001, "the smallest subnormal");
    assert.equal(encodeFp16(2 ** -25), 0x0000, "a tie between 0 and the smallest subnormal goes to even (0)");
    assert.equal(encodeFp16(3 * 2 ** -25), 0x0002, "1.5 subnormal steps round to even (2)");
    assert.equal(encodeFp16(2 ** -14), 0x0400, "the smallest normal");
    assert.equal(encodeFp16(0.1), 0x2e66);
    assert.equal(encodeFp16(1 + 2 ** -11), 0x3c00, "a tie at 1 + half an ulp goes to even");
    assert.equal(encodeFp16(1 + 3 * 2 ** -11), 0x3c02);
  });

  it("round-trips every finite half value", () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = decodeFp16(bits);
      if (Number.isNaN(v)) continue;
      assert.equal(encodeFp16(v), bits, `bits 0x${bits.toString(16)} (${v})`);
    }
  });
});

describe("seeded generators", () => {
  it("is deterministic, in range, and close to uniform", () => {
    const l = layout("f32", 100_000);
    const a = new Float32Array(data(generate(l, { kind: "random", lo: -1, hi: 1 }, "x", 7)));
    const b = new Float32Array(data(generate(l, { kind: "random", lo: -1, hi: 1 }, "x", 7)));
    assert.deepEqual(a, b);
    let sum = 0;
    let below = 0;
    for (const v of a) {
      assert.ok(v >= -1 && v <= 1);
      sum += v;
      if (v < 0) below++;
    }
    assert.ok(Math.abs(sum / a.length) < 0.01, `mean ${sum / a.length}`);
    assert.ok(Math.abs(below / a.length - 0.5) < 0.01);
    assert.ok(new Set(a).size > 99_000, "values are not repeated");
    const other = new Float32Array(data(generate(l, { kind: "random", lo: -1, hi: 1 }, "x", 8)));
    assert.notDeepEqual(a.subarray(0, 8), other.subarray(0, 8), "another seed, other values");
  });

  it("seeds each buffer by its name, so inputs do not change when buffers are added or sizes grow", () => {
    assert.notEqual(bufferSeed(1, "x"), bufferSeed(1, "y"));
    assert.equal(bufferSeed(1, "x"), bufferSeed(1, "x"));
    const small = new Float32Array(data(generate(layout("f32", 16), { kind: "random", lo: 0, hi: 1 }, "x", 3)));
    const big = new Float32Array(data(generate(layout("f32", 64), { kind: "random", lo: 0, hi: 1 }, "x", 3)));
    assert.deepEqual(big.subarray(0, 16), small, "the first N values stay when N grows");
    // The k-th value is a pure function of (seed, name, k): a reference could regenerate it.
    assert.equal(small[5], Math.fround(uniformAt(bufferSeed(3, "x"), 5)));

    const twoBuffers = "// @let N = 32\n// @dispatch 1\n// @buffer x[N] = random(-1, 1)\n// @buffer o[N]\n@group(0) @binding(0) var<storage, read> x: array<f32>;\n@group(0) @binding(1) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(32) fn main(@builtin(global_invocation_id) g: vec3u) { o[g.x] = x[g.x]; }\n";
    const threeBuffers = twoBuffers.replace("// @buffer o[N]", "// @buffer w[N] = random(5, 6)\n// @buffer o[N]").replace("@group(0) @binding(1) var<storage, read_write> o", "@group(0) @binding(2) var<storage, read> w: array<f32>;\n@group(0) @binding(1) var<storage, read_write> o").replace("= x[g.x]", "= x[g.x] + w[g.x]");
    const inputsOf = (text: string): Map<string, ArrayBuffer> => {
      const s = analyzeSource(text);
      const p = buildRunPlan(s, s.kernels[0]);
      assert.ok(p.plan, JSON.stringify(p.problems));
      return materializeInputs(p.plan.bindings, { seed: 11 }).buffers;
    };
    assert.deepEqual(new Float32Array(inputsOf(threeBuffers).get("x")!), new Float32Array(inputsOf(twoBuffers).get("x")!));
  });

  it("randint covers both ends, integers only; random on integer buffers does the same", () => {
    const l = layout("i32", 20_000);
    const v = new Int32Array(data(generate(l, { kind: "randint", lo: -3, hi: 3 }, "k")));
    const seen = new Set(v);
    assert.deepEqual([...seen].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3]);
    const u = new Uint32Array(data(generate(layout("u32", 1000), { kind: "random", lo: 0.5, hi: 10 }, "k")));
    for (const x of u) assert.ok(Number.isInteger(x) && x >= 1 && x <= 10);
    const f = new Float32Array(data(generate(layout("f32", 1000), { kind: "randint", lo: 0, hi: 10 }, "f")));
    for (const x of f) assert.ok(Number.isInteger(x) && x >= 0 && x <= 10);
    assert.match((generate(layout("i32", 4), { kind: "randint", lo: 0.2, hi: 0.8 }, "e") as { error: string }).error, /no whole number/);
  });

  it("iota counts flat scalars across vector components and skips vec3 padding; const fills every scalar", () => {
    const v3 = layout("f32", 3, 3, 16);
    const bytes = data(generate(v3, { kind: "iota" }, "v"));
    assert.equal(bytes.byteLength, 48);
    assert.deepEqual([...decodeScalars(v3, bytes)], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const raw = new Float32Array(bytes);
    assert.deepEqual([raw[0], raw[1], raw[2], raw[4]], [0, 1, 2, 3]);
    assert.deepEqual([...referenceArray(v3, bytes)], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const h = layout("f16", 5);
    assert.equal(h.sizeBytes, 12, "f16 buffers are padded to whole words");
    const hb = data(generate(h, { kind: "const", value: 0.1 }, "h"));
    assert.equal(new Uint16Array(hb)[4], 0x2e66);
    assert.ok(referenceArray(h, hb) instanceof Float32Array);
    const neg = new Int32Array(data(generate(layout("i32", 2), { kind: "const", value: -7 }, "n")));
    assert.deepEqual([...neg], [-7, -7]);
    const u = new Uint32Array(data(generate(layout("u32", 1), { kind: "const", value: 0xffffffff }, "n")));
    assert.equal(u[0], 0xffffffff);
  });
});

describe("file inputs", () => {
  it("reads .npy arrays whose dtype and size match, in C order", () => {
    const values = new Float32Array([1.5, -2, 3.25, 4, 5, 6]);
    const file = npy("<f4", [2, 3], values);
    const parsed = parseNpy(file);
    assert.ok(!("error" in parsed));
    assert.deepEqual(parsed.shape, [2, 3]);
    assert.equal(parsed.descr, "<f4");
    assert.deepEqual(new Float32Array(data(fromFile(layout("f32", 6), "x", "a.npy", file))), values);
    // Into vec3 elements: packed values spread over the padded layout.
    const v3 = layout("f32", 2, 3, 16);
    assert.deepEqual([...decodeScalars(v3, data(fromFile(v3, "v", "a.npy", file)))], [...values]);
    const halves = npy("<f2", [3], new Uint16Array([0x3c00, 0x4000, 0xc200]));
    assert.deepEqual([...decodeScalars(layout("f16", 3), data(fromFile(layout("f16", 3), "h", "h.npy", halves)))], [1, 2, -3]);
    assert.deepEqual(new Int32Array(data(fromFile(layout("i32", 2), "i", "i.npy", npy("<i4", [2], new Int32Array([-1, 7]))))), new Int32Array([-1, 7]));
  });

  it("says exactly what is wrong with a file that does not fit", () => {
    const six = npy("<f4", [6], new Float32Array(6));
    assert.match((fromFile(layout("f32", 8), "x", "a.npy", six) as { error: string }).error, /a\.npy: shape \(6\) holds 6 values; 'x' needs 8/);
    assert.match((fromFile(layout("i32", 6), "x", "a.npy", six) as { error: string }).error, /dtype '<f4' does not match 'x' \(i32, dtype '<i4'\)/);
    assert.match((fromFile(layout("f32", 6), "x", "a.npy", npy("<f4", [2, 3], new Float32Array(6), true)) as { error: string }).error, /Fortran order/);
    assert.match((fromFile(layout("f32", 6), "x", "a.npy", npy(">f4", [6], new Float32Array(6))) as { error: string }).error, /big-endian/);
    assert.match((fromFile(layout("f32", 4), "x", "raw.bin", new Uint8Array(15)) as { error: string }).error, /raw\.bin: 15 bytes; 'x' needs 16/);
    assert.match((parseNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 200, 0])) as { error: string }).error, /cut short/);
  });

  it("takes raw little-endian files of the exact byte size, or the scalars packed", () => {
    const exact = new Uint8Array(new Float32Array([1, 2, 3, 0, 4, 5, 6, 0]).buffer);
    const v3 = layout("f32", 2, 3, 16);
    assert.deepEqual([...decodeScalars(v3, data(fromFile(v3, "v", "v.bin", exact)))], [1, 2, 3, 4, 5, 6]);
    const packed = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    assert.deepEqual([...decodeScalars(v3, data(fromFile(v3, "v", "v.bin", packed)))], [1, 2, 3, 4, 5, 6]);
  });

  it("reads files through the injected reader and locates problems at the @buffer line", () => {
    const text = '// @dispatch 1\n// @buffer x[4] = file("x.npy")\n// @buffer o[4]\n@group(0) @binding(0) var<storage, read> x: array<f32>;\n@group(0) @binding(1) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(4) fn main(@builtin(global_invocation_id) g: vec3u) { o[g.x] = x[g.x]; }\n';
    const s = analyzeSource(text);
    const p = buildRunPlan(s, s.kernels[0]).plan!;
    const asked: string[] = [];
    const ok = materializeInputs(p.bindings, { readFile: (path) => (asked.push(path), npy("<f4", [4], new Float32Array([9, 8, 7, 6]))) });
    assert.deepEqual(asked, ["x.npy"]);
    assert.deepEqual(new Float32Array(ok.buffers.get("x")!), new Float32Array([9, 8, 7, 6]));
    assert.ok(ok.buffers.has("params") === false && !ok.buffers.has("o"), "outputs get no data: the helper poisons them");
    const missing = materializeInputs(p.bindings, { readFile: () => ({ error: "ENOENT" }) });
    assert.equal(missing.problems.length, 1);
    assert.match(missing.problems[0].message, /x\.npy: ENOENT/);
    assert.equal(text.slice(missing.problems[0].span.start, missing.problems[0].span.end), '// @buffer x[4] = file("x.npy")');
  });
});
