// `kernellens sweep` on the real GPU helper (Dawn; lavapipe where there is no GPU): the promising points are run,
// checked against the reference and timed, a variant that computes a wrong answer is reported infeasible, and a
// repeated sweep is served from the cache.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { validateSweepResult } from "../../server/src/core/sweep/result";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
const work = mkdtempSync(join(tmpdir(), "kl-sweep-"));
mkdirSync(join(work, "ref"));
copyFileSync(join(root, "examples", "ref", "saxpy.mjs"), join(work, "ref", "saxpy.mjs"));

// The dispatch is sized for 64-wide workgroups whatever WG is: WG = 32 leaves half of `out` unwritten (a wrong
// answer the check must catch), WG = 128 launches twice the invocations and the bounds check keeps it right.
const kernel = `// @let N = 4096
// @override WG = 64
// @dispatch ceil(N / 64)
// @buffer x[N] = random(-1, 1)
// @buffer y[N] = random(-1, 1)
// @buffer out[N]
// @uniform params = { n: N, alpha: 2.5 }
// @check out ~ js("./ref/saxpy.mjs")
// @sweep WG in [32, 64, 128, 512]
struct Params { n: u32, alpha: f32, }
override WG: u32 = 64;
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
@compute @workgroup_size(WG)
fn saxpy(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < params.n) { out[i] = fma(params.alpha, x[i], y[i]); }
}
`;
const file = join(work, "saxpy-sweep.wgsl");
writeFileSync(file, kernel);

describe("kernellens sweep on the GPU", { timeout: 300000 }, () => {
  it("times every feasible point with --exhaustive, rejects the wrong variant, and names the fastest correct one", () => {
    const r = spawnSync(process.execPath, [bin, "sweep", file, "--exhaustive", "--repeat", "2", "--warmup", "1", "--json"], { cwd: work, encoding: "utf8", timeout: 240000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.deepEqual(validateSweepResult(result), []);
    type P = { params: { WG: number }; feasible: boolean; reason: string | null; measuredMs: number | null };
    const byWg = new Map<number, P>(result.points.map((p: P) => [p.params.WG, p]));
    // 512 invocations per workgroup: above WebGPU's default limit, never run.
    assert.equal(byWg.get(512)?.feasible, false);
    assert.match(byWg.get(512)?.reason ?? "", /512 invocations/);
    assert.equal(byWg.get(512)?.measuredMs, null);
    // WG = 32 ran and computed a wrong answer.
    assert.equal(byWg.get(32)?.feasible, false);
    assert.match(byWg.get(32)?.reason ?? "", /check failed/);
    // WG = 64 and 128 are right and timed.
    for (const wg of [64, 128]) {
      const p = byWg.get(wg);
      assert.equal(p?.feasible, true, p?.reason ?? "");
      assert.ok(p?.measuredMs !== null && (p?.measuredMs ?? 0) > 0);
    }
    assert.equal(result.measured, 2);
    const fastest = Math.min(byWg.get(64)?.measuredMs ?? Infinity, byWg.get(128)?.measuredMs ?? Infinity);
    assert.equal(result.best.medianMs, fastest);
    assert.ok([64, 128].includes(result.best.params.WG));
  });

  it("times only the best-predicted points within --budget", () => {
    const r = spawnSync(process.execPath, [bin, "sweep", file, "--budget", "1", "--repeat", "2", "--warmup", "1", "--json"], { cwd: work, encoding: "utf8", timeout: 240000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    type P = { feasible: boolean; predictedMs: number | null; measuredMs: number | null; reason: string | null };
    const points: P[] = result.points;
    const timed = points.filter((p) => p.measuredMs !== null || /check failed/.test(p.reason ?? ""));
    assert.equal(timed.length, 1);
    // The timed one had the least predicted time of the points feasible before running.
    const candidates = points.filter((p) => p.predictedMs !== null && !/invocations/.test(p.reason ?? ""));
    assert.equal(timed[0].predictedMs, Math.min(...candidates.map((p) => p.predictedMs ?? Infinity)));
  });

  it("serves a repeated sweep from the cache, also after an unrelated edit, and measures again after a real one", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "kl-sweep-cache-"));
    const env = { ...process.env, KERNELLENS_SWEEP_CACHE_DIR: cacheDir };
    const sweep = (path: string, ...extra: string[]): { search: { gpuRuns: number; cacheHits: number }; points: { params: { WG: number }; measuredMs: number | null; cached?: boolean; reason: string | null }[]; best: { params: { WG: number }; medianMs: number } } => {
      const r = spawnSync(process.execPath, [bin, "sweep", path, "--exhaustive", "--repeat", "2", "--warmup", "1", "--json", ...extra], { cwd: work, encoding: "utf8", timeout: 240000, env });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const cachedFile = join(work, "saxpy-cached.wgsl");
    writeFileSync(cachedFile, kernel);
    const first = sweep(cachedFile);
    assert.ok(first.search.gpuRuns >= 3, `first sweep ran ${first.search.gpuRuns} time(s)`);
    assert.equal(first.search.cacheHits, 0);

    const again = sweep(cachedFile);
    assert.equal(again.search.gpuRuns, 0, "a repeated sweep runs nothing");
    assert.ok(again.search.cacheHits >= 3);
    assert.deepEqual(again.best, first.best, "the same best, at the same time");
    const timed = again.points.filter((p) => p.measuredMs !== null);
    assert.ok(timed.length === 2 && timed.every((p) => p.cached === true));
    // The wrong variant stays wrong without running again.
    assert.match(again.points.find((p) => p.params.WG === 32)?.reason ?? "", /check failed/);

    // A comment and a second entry point the swept one never calls: nothing to measure again.
    writeFileSync(cachedFile, kernel.replace("struct Params", "// a note\nstruct Params") + "\n@compute @workgroup_size(1) fn other() {}\n");
    // (The file-level @sweep lines now apply to both entry points, so the swept one is named.)
    assert.equal(sweep(cachedFile, "--entry", "saxpy").search.gpuRuns, 0);

    // The swept kernel's code changed: every point is measured again.
    writeFileSync(cachedFile, kernel.replace("out[i] = fma(params.alpha, x[i], y[i]);", "out[i] = params.alpha * x[i] + y[i];"));
    assert.ok(sweep(cachedFile).search.gpuRuns >= 3);

    // --no-cache measures afresh; --clear-cache empties the folder.
    assert.ok(sweep(cachedFile, "--no-cache").search.gpuRuns >= 3);
    assert.ok(readdirSync(cacheDir).length > 0);
    const cleared = spawnSync(process.execPath, [bin, "sweep", "--clear-cache"], { cwd: work, encoding: "utf8", env });
    assert.equal(cleared.status, 0, cleared.stderr);
    assert.equal(existsSync(cacheDir), false);
  });

  it("puts time against error on the Pareto front when precision varies across the space", () => {
    // Rounding to 2^(BITS-1) - 1 levels: 3 bits are fast to write but 40x less accurate than 8 bits; both pass the
    // loose check, so both are feasible and the error, not the workgroup memory, is the second objective.
    writeFileSync(join(work, "ref", "identity.mjs"), "export function reference(inputs) { return { out: Float64Array.from(inputs.buffers.x) }; }\n");
    const quantized = join(work, "quantize-sweep.wgsl");
    writeFileSync(
      quantized,
      `// @let N = 4096
// @define BITS=8
// @dispatch ceil(N / 64)
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
// @check out ~ js("./ref/identity.mjs") rtol=0 atol=0.2
// @sweep BITS in [3, 8]
#ifndef BITS
#define BITS 8
#endif
const LEVELS: f32 = f32((1 << (BITS - 1)) - 1);
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn quantize(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < arrayLength(&out)) { out[i] = round(x[i] * LEVELS) / LEVELS; }
}
`,
    );
    const r = spawnSync(process.execPath, [bin, "sweep", quantized, "--exhaustive", "--repeat", "2", "--warmup", "1", "--no-cache", "--json"], { cwd: work, encoding: "utf8", timeout: 240000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.deepEqual(validateSweepResult(result), []);
    assert.deepEqual(result.objectives.map((o: { key: string }) => o.key), ["timeMs", "error"]);
    type P = { params: { BITS: number }; feasible: boolean; error: number; measuredMs: number; objectives: { timeMs: number; error: number } };
    const [three, eight] = [3, 8].map((b) => (result.points as P[]).find((p) => p.params.BITS === b)!);
    assert.ok(three!.feasible && eight!.feasible);
    // Uniform rounding error of a step of 1/3 against 1/127: about 40x apart.
    assert.ok(three!.error / eight!.error > 10, `${three!.error} vs ${eight!.error}`);
    assert.equal(three!.objectives.error, three!.error);
    assert.equal(eight!.objectives.timeMs, eight!.measuredMs);
    // The more accurate point is always on the front; the other only if it is faster.
    const front = (result.pareto as number[]).map((i) => (result.points as P[])[i]!.params.BITS);
    assert.ok(front.includes(8));
    assert.equal(front.includes(3), three!.measuredMs < eight!.measuredMs);
  });

  it("after an edit that only some variants compile, measures only those again", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "kl-sweep-cache-"));
    const env = { ...process.env, KERNELLENS_SWEEP_CACHE_DIR: cacheDir };
    const variants = (scale: string): string => `// @let N = 4096
// @define WIDE=0
// @dispatch ceil(N / 64)
// @buffer x[N] = random(-1, 1)
// @buffer y[N] = random(-1, 1)
// @buffer out[N]
// @uniform params = { n: N, alpha: 2.5 }
// @check out ~ js("./ref/saxpy.mjs")
// @sweep WIDE in [0, 1]
struct Params { n: u32, alpha: f32, }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
@compute @workgroup_size(64)
fn saxpy(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.n) { return; }
#if WIDE
  out[i] = ${scale} * x[i] + y[i];
#else
  out[i] = fma(params.alpha, x[i], y[i]);
#endif
}
`;
    const path = join(work, "saxpy-variants.wgsl");
    const sweep = (): { search: { gpuRuns: number }; points: { params: { WIDE: number }; measuredMs: number | null; cached?: boolean }[] } => {
      const r = spawnSync(process.execPath, [bin, "sweep", path, "--exhaustive", "--repeat", "2", "--warmup", "1", "--json"], { cwd: work, encoding: "utf8", timeout: 240000, env });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    writeFileSync(path, variants("params.alpha"));
    assert.ok(sweep().search.gpuRuns >= 2);
    // The same computation written differently, in the branch only WIDE=1 compiles.
    writeFileSync(path, variants("(params.alpha)"));
    const after = sweep();
    const byWide = new Map(after.points.map((p) => [p.params.WIDE, p]));
    assert.equal(byWide.get(0)?.cached, true, "WIDE=0 compiles the same code: served from the cache");
    assert.ok(byWide.get(1)?.measuredMs !== null && byWide.get(1)?.cached !== true, "WIDE=1 changed: measured again");
    assert.ok(after.search.gpuRuns >= 1);
  });
});
