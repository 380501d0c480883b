// Tests the float64 reference modules of the examples (examples/ref/*.mjs) on tiny inputs whose answers are known by hand.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";

const repoRoot = join(__dirname, "..", "..");
const examplesDir = join(repoRoot, "examples");

interface ReferenceInputs {
  buffers: Record<string, Float32Array | Int32Array | Uint32Array>;
  uniforms: Record<string, Record<string, number>>;
  lets: Record<string, number>;
  overrides: Record<string, number>;
}
type Reference = (inputs: ReferenceInputs) => Record<string, Float64Array>;

async function loadReference(file: string): Promise<Reference> {
  // A computed specifier keeps TypeScript from looking for declarations of the plain-JavaScript module.
  const mod = (await import(pathToFileURL(join(examplesDir, "ref", file)).href)) as { reference?: unknown };
  assert.equal(typeof mod.reference, "function", `${file} exports reference()`);
  return mod.reference as Reference;
}

function inputs(partial: Partial<ReferenceInputs>): ReferenceInputs {
  return { buffers: {}, uniforms: {}, lets: {}, overrides: {}, ...partial };
}

function assertClose(actual: Float64Array, expected: readonly number[], tol = 1e-12): void {
  assert.ok(actual instanceof Float64Array, "a reference returns Float64Array outputs");
  assert.equal(actual.length, expected.length, `length ${actual.length}, want ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `element ${i}: ${actual[i]}, want ${expected[i]}`);
  }
}

const f32 = (values: readonly number[]): Float32Array => new Float32Array(values);

describe("example references", () => {
  it("saxpy: alpha x + y, with alpha rounded to float32 as the kernel sees it", async () => {
    const ref = await loadReference("saxpy.mjs");
    const out = ref(inputs({ buffers: { x: f32([1, 2, 3]), y: f32([10, 20, 30]) }, uniforms: { params: { n: 3, alpha: 2 } } })).out;
    assertClose(out, [12, 24, 36]);
    // 0.1 is not a float32; the kernel multiplies by fround(0.1) = 0.100000001490116...
    const tenth = ref(inputs({ buffers: { x: f32([1]), y: f32([0]) }, uniforms: { params: { n: 1, alpha: 0.1 } } })).out;
    assert.equal(tenth[0], Math.fround(0.1));
    // Only the first n elements are outputs.
    assert.equal(ref(inputs({ buffers: { x: f32([1, 2, 3]), y: f32([1, 2, 3]) }, uniforms: { params: { n: 2, alpha: 1 } } })).out.length, 2);
  });

  it("reduction: one sum per block of 2 WG elements, the last block partial", async () => {
    const ref = await loadReference("reduction.mjs");
    const x = f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // WG = 2: blocks of 4 elements: 1+2+3+4, 5+6+7+8, 9+10.
    assertClose(ref(inputs({ buffers: { x }, uniforms: { params: { n: 10 } }, overrides: { WG: 2 } })).sums, [10, 26, 19]);
    // n below the buffer length: elements at or past n are not summed.
    assertClose(ref(inputs({ buffers: { x }, uniforms: { params: { n: 5 } }, overrides: { WG: 2 } })).sums, [10, 5]);
    // The default WG is the kernel's (256): 10 elements fit one block.
    assertClose(ref(inputs({ buffers: { x }, uniforms: { params: { n: 10 } } })).sums, [55]);
  });

  it("transpose: a 2 x 3 matrix becomes 3 x 2", async () => {
    const ref = await loadReference("transpose.mjs");
    const dst = ref(inputs({ buffers: { src: f32([1, 2, 3, 4, 5, 6]) }, uniforms: { dims: { rows: 2, cols: 3 } } })).dst;
    assertClose(dst, [1, 4, 2, 5, 3, 6]);
  });

  it("matmul: 2 x 2 and a non-square product", async () => {
    const ref = await loadReference("matmul.mjs");
    const square = ref(inputs({ buffers: { a: f32([1, 2, 3, 4]), b: f32([5, 6, 7, 8]) }, uniforms: { dims: { m: 2, n: 2, k: 2 } } })).c;
    assertClose(square, [19, 22, 43, 50]);
    // (1 x 3) * (3 x 2): [1 2 3] * [[1 2] [3 4] [5 6]] = [22 28].
    const wide = ref(inputs({ buffers: { a: f32([1, 2, 3]), b: f32([1, 2, 3, 4, 5, 6]) }, uniforms: { dims: { m: 1, n: 2, k: 3 } } })).c;
    assertClose(wide, [22, 28]);
    // Sizes may come from @let values when the uniform is absent.
    assertClose(ref(inputs({ buffers: { a: f32([2]), b: f32([3]) }, lets: { M: 1, N: 1, K: 1 } })).c, [6]);
  });

  it("softmax: a 3-element row with known exponentials, and shift invariance without overflow", async () => {
    const ref = await loadReference("softmax.mjs");
    // exp(0), exp(ln 2), exp(ln 3) = 1, 2, 3: the softmax is 1/6, 2/6, 3/6.
    const row = [0, Math.LN2, Math.log(3)];
    assertClose(ref(inputs({ buffers: { x: f32(row) }, uniforms: { params: { rows: 1, len: 3 } } })).y, [1 / 6, 1 / 3, 1 / 2], 1e-7);
    // Two rows, the second shifted by 1000 (exp(1000) would overflow without the max subtraction); float32 inputs.
    const shifted = row.map((v) => v + 1000);
    const two = ref(inputs({ buffers: { x: f32([...row, ...shifted]) }, uniforms: { params: { rows: 2, len: 3 } } })).y;
    for (const v of two) assert.ok(Number.isFinite(v));
    assert.ok(Math.abs(two[0] + two[1] + two[2] - 1) < 1e-12 && Math.abs(two[3] + two[4] + two[5] - 1) < 1e-12);
    assertClose(ref(inputs({ buffers: { x: f32([5, 5]) }, uniforms: { params: { rows: 1, len: 2 } } })).y, [0.5, 0.5]);
  });

  it("conv2d: 3 x 3 taps with zero padding on a 2 x 2 image", async () => {
    const ref = await loadReference("conv2d.mjs");
    const params = { c_in: 1, c_out: 1, height: 2, width: 2 };
    const src = f32([1, 2, 3, 4]);
    // All-ones 3 x 3 kernel: on a 2 x 2 image every window covers the whole image: 1 + 2 + 3 + 4 + bias 0.5.
    const ones = ref(inputs({ buffers: { src, weights: f32(Array(9).fill(1)), bias: f32([0.5]) }, uniforms: { params } })).dst;
    assertClose(ones, [10.5, 10.5, 10.5, 10.5]);
    // Only the top-left tap (ky = kx = 0) reads (y - 1, x - 1): out(1, 1) = in(0, 0), the rest are padding.
    const topLeft = ref(inputs({ buffers: { src, weights: f32([1, 0, 0, 0, 0, 0, 0, 0, 0]), bias: f32([0]) }, uniforms: { params } })).dst;
    assertClose(topLeft, [0, 0, 0, 1]);
    // Two input channels, two output channels: out channel o = sum over channels i of w[o][i] x (centre tap) + bias[o].
    const centre = (a: number, b: number): number[] => [0, 0, 0, 0, a, 0, 0, 0, 0, 0, 0, 0, 0, b, 0, 0, 0, 0];
    const twoCh = ref(
      inputs({ buffers: { src: f32([1, 2, 3, 4, 10, 20, 30, 40]), weights: f32([...centre(1, 0), ...centre(1, -1)]), bias: f32([0, 1]) }, uniforms: { params: { ...params, c_in: 2, c_out: 2 } } }),
    ).dst;
    assertClose(twoCh, [1, 2, 3, 4, 1 - 9, 1 - 18, 1 - 27, 1 - 36]);
  });

  it("every example with a js() check names a module that exists and exports reference()", async () => {
    const files = readdirSync(examplesDir).filter((f) => f.endsWith(".wgsl"));
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(join(examplesDir, file), "utf8");
      for (const m of text.matchAll(/^\/\/ @check (\w+) ~ js\("([^"]+)"\)/gm)) {
        const path = resolve(dirname(join(examplesDir, file)), m[2]);
        assert.ok(existsSync(path), `${file}: ${m[2]} exists`);
        const mod = (await import(pathToFileURL(path).href)) as { reference?: unknown };
        assert.equal(typeof mod.reference, "function", `${m[2]} exports reference()`);
        assert.match(text, new RegExp(`var<storage, read_write> ${m[1]}:`), `${file}: the checked output ${m[1]} is a writable binding`);
        checked++;
      }
    }
    assert.ok(checked >= 10, `found ${checked} js() checks`);
  });
});
