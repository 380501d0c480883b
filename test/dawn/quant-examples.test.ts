// Runs the quantized examples (int8 dot, fp8 e4m3 scale, q4_0 GEMV) on a real adapter: exact checks pass, SQNR as the encoders predict.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { quantizeElementwise, quantizeIntGroups, quantizeQ4_0 } from "../../server/src/core/quant/blocks";
import { E4M3 } from "../../server/src/core/quant/minifloat";
import { sqnrDb } from "../../server/src/core/run/check";
import { DEFAULT_SEED, generate } from "../../server/src/core/run/inputs";
import { GpuHelperProcess } from "../../server/src/gpu/helperClient";
import type { RunOptions, RunOutcome } from "../../server/src/run/api";
import { runKernel } from "../../server/src/run/runKernel";

const root = join(__dirname, "..", "..");
const examples = join(root, "examples");
// The examples' references live in examples/ref, next to examples/quant; run copies so nothing is written there.
const work = mkdtempSync(join(tmpdir(), "kl-quant-"));
mkdirSync(join(work, "ref"));
mkdirSync(join(work, "quant"));
for (const f of readdirSync(join(examples, "ref"))) copyFileSync(join(examples, "ref", f), join(work, "ref", f));
for (const f of ["int8-dot.wgsl", "fp8-e4m3-scale.wgsl", "q4_0-gemv.wgsl"]) copyFileSync(join(examples, "quant", f), join(work, "quant", f));

function options(name: string): RunOptions {
  const file = join(work, "quant", name);
  return { file, text: readFileSync(file, "utf8"), warmup: 1, repeat: 3, timeoutMs: 60000, allowWorkspaceCode: true };
}

/** The floats a buffer `name` with `random(lo, hi)` gets under the default seed (what `@quantize` encodes). */
function floats(name: string, n: number, lo: number, hi: number): Float32Array {
  const made = generate({ header: [], arrayOffset: 0, stride: 4, leaves: [{ offset: 0, scalar: "f32" }], count: n, sizeBytes: n * 4 }, { kind: "random", lo, hi }, name, DEFAULT_SEED);
  assert.ok("data" in made);
  return new Float32Array(made.data);
}

/** SQNR in dB of `approx` against `exact`. */
function sqnr(exact: ArrayLike<number>, approx: ArrayLike<number>): number {
  let ref = 0;
  let diff = 0;
  for (let i = 0; i < exact.length; i++) {
    ref += exact[i]! ** 2;
    diff += (approx[i]! - exact[i]!) ** 2;
  }
  const db = sqnrDb(ref, diff);
  assert.ok(db !== null);
  return db;
}

/** The one outcome of a run, passed, with its exact (dequantized) and float checks. */
function checksOf(outcomes: readonly RunOutcome[], ref: string): { exact: RunOutcome["checks"][number]; float: RunOutcome["checks"][number] } {
  assert.equal(outcomes.length, 1);
  const o = outcomes[0]!;
  assert.equal(o.status, "passed", JSON.stringify({ error: o.error, checks: o.checks.map((c) => c.message) }));
  assert.ok(o.checks.some((c) => c.reference === "written" && c.unwritten === 0));
  const exact = o.checks.find((c) => c.reference === `js:../ref/${ref}.mjs`);
  const float = o.checks.find((c) => c.reference === `js:../ref/${ref}-float.mjs`);
  assert.ok(exact && float);
  assert.equal(exact.mismatches, 0, exact.message);
  assert.equal(float.mismatches, 0, float.message);
  assert.match(float.message, /SQNR \d+\.\d\d dB/);
  return { exact, float };
}

/** The measured SQNR is within 3 dB of what the encoders predict, and in the format's expected range. */
function assertSqnr(measured: number | null | undefined, predicted: number, lo: number, hi: number, what: string): void {
  assert.ok(typeof measured === "number", `${what}: an SQNR`);
  assert.ok(Math.abs(measured - predicted) <= 3, `${what}: measured ${measured.toFixed(2)} dB, the encoders predict ${predicted.toFixed(2)} dB`);
  assert.ok(measured >= lo && measured <= hi, `${what}: ${measured.toFixed(2)} dB outside [${lo}, ${hi}]`);
  console.log(`${what}: SQNR ${measured.toFixed(2)} dB (predicted ${predicted.toFixed(2)} dB)`);
}

/** Per-tensor symmetric int8 as `@quantize NAME: int8` encodes it: the dequantized values. */
function int8Dequant(x: Float32Array): Float32Array {
  return quantizeIntGroups(x, { bits: 8, groupSize: x.length, asymmetric: false }).decoded;
}

describe("quantized examples on a real adapter", { timeout: 600000 }, () => {
  let helper: GpuHelperProcess;

  before(async () => {
    helper = new GpuHelperProcess();
    const a = await helper.adapter();
    assert.ok("key" in a, `a WebGPU adapter: ${"message" in a ? a.message : ""}`);
  });

  after(() => helper?.dispose());

  it("quant/int8-dot.wgsl: dot4I8Packed partial sums match the dequantized product; int8 per-tensor SQNR >= 35 dB", async () => {
    const { exact, float } = checksOf(await runKernel(helper, options("int8-dot.wgsl")), "int8-dot");
    const n = 65536;
    assert.equal(exact.elements, n / 256);
    assert.ok(exact.sqnrDb === null || (exact.sqnrDb !== undefined && exact.sqnrDb > 100), exact.message);
    const a = floats("a", n, -1, 1);
    const b = floats("b", n, -1, 1);
    const aq = int8Dequant(a);
    const bq = int8Dequant(b);
    const dots = (x: Float32Array, y: Float32Array): Float64Array => {
      const out = new Float64Array(n / 256);
      for (let j = 0; j < n; j++) out[j >> 8] += x[j]! * y[j]!;
      return out;
    };
    assertSqnr(float.sqnrDb, sqnr(dots(a, b), dots(aq, bq)), 35, Infinity, "int8-dot");
  });

  it("quant/fp8-e4m3-scale.wgsl: the WGSL bit-level decode is exact; e4m3 SQNR between 25 and 40 dB", async () => {
    const { exact, float } = checksOf(await runKernel(helper, options("fp8-e4m3-scale.wgsl")), "fp8-e4m3-scale");
    const n = 65536;
    assert.equal(exact.elements, n);
    assert.ok(exact.sqnrDb === null, `exact: ${exact.message}`);
    const x = floats("x", n, -2, 2);
    assertSqnr(float.sqnrDb, sqnr(x, quantizeElementwise(x, E4M3).decoded), 25, 40, "fp8-e4m3-scale");
  });

  it("quant/q4_0-gemv.wgsl: matches the dequantized weights; q4_0 SQNR between 18 and 30 dB", async () => {
    const { exact, float } = checksOf(await runKernel(helper, options("q4_0-gemv.wgsl")), "q4_0-gemv");
    const m = 512;
    const k = 1024;
    assert.equal(exact.elements, m);
    assert.ok(exact.sqnrDb === null || (exact.sqnrDb !== undefined && exact.sqnrDb > 80), exact.message);
    const w = floats("w", m * k, -1, 1);
    const wq = quantizeQ4_0(w).decoded;
    const x = floats("x", k, -1, 1);
    const gemv = (weights: Float32Array): Float64Array => {
      const y = new Float64Array(m);
      for (let r = 0; r < m; r++) for (let c = 0; c < k; c++) y[r] += weights[r * k + c]! * x[c]!;
      return y;
    };
    assertSqnr(float.sqnrDb, sqnr(gemv(w), gemv(wq)), 18, 30, "q4_0-gemv");
  });
});
