// Design-space exploration of the tiled matrix multiply on the real GPU helper (lavapipe where there is no GPU): tile
// depth, workgroup shape and per-invocation blocking swept; infeasible points pruned with a reason; a variant with a
// planted bug rejected by its check; the model-guided search within its budget; a repeated sweep served from the cache.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { sameParams, validateSweepResult, type SweepResult } from "../../server/src/core/sweep/result";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
const example = join(root, "examples", "matmul-tiled-blocked.wgsl");
const planted = join(root, "test", "fixtures", "sweep", "matmul-planted-bug.wgsl");

type Search = { method: string; feasible: number; measuredPoints: number; cacheHits: number; gpuRuns: number; rankCorrelation: number | null; stopReason: string };
type Output = SweepResult & { search: Search };

function sweep(cacheDir: string, ...args: string[]): Output {
  const r = spawnSync(process.execPath, [bin, "sweep", ...args, "--json"], { cwd: root, encoding: "utf8", timeout: 280000, env: { ...process.env, KERNELLENS_SWEEP_CACHE_DIR: cacheDir } });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Output;
  assert.deepEqual(validateSweepResult(out), []);
  return out;
}

describe("sweeping the tiled matrix multiply", { timeout: 600000 }, () => {
  it("covers tile depth, workgroup shape and blocking, and prunes what cannot run with a reason", () => {
    const out = sweep(mkdtempSync(join(tmpdir(), "kl-mm-")), example, "--budget", "0");
    assert.deepEqual(out.space.map((p) => p.name), ["BK", "WG_X", "WG_Y", "TM", "TN"]);
    assert.equal(out.points.length, 243);
    const infeasible = out.points.filter((p) => !p.feasible);
    assert.ok(infeasible.length > 0 && infeasible.length < 243);
    for (const p of infeasible) {
      assert.match(p.reason ?? "", /invocations per workgroup exceed|bytes of workgroup memory exceed/, JSON.stringify(p.params));
      assert.equal(p.measuredMs, null);
    }
    // Exactly the points over WebGPU's limits: 512 invocations, or tiles over 16 KiB.
    for (const p of out.points) {
      const { BK, WG_X, WG_Y, TM, TN } = p.params as Record<string, number>;
      const tooMany = WG_X! * WG_Y! > 256;
      const tooBig = 4 * BK! * (WG_Y! * TM! + WG_X! * TN!) > 16384;
      assert.equal(p.feasible, !tooMany && !tooBig, JSON.stringify(p.params));
    }
    assert.equal(out.search.method, "predict-only");
    assert.equal(out.measured, 0);
  });

  it("rejects exactly the variants with the planted bug, and serves the repeated sweep from the cache", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "kl-mm-"));
    const first = sweep(cacheDir, planted, "--exhaustive", "--repeat", "2", "--warmup", "0");
    const isPlanted = (params: Record<string, unknown>): boolean => params.BK === 8 && params.WG_X === 16 && params.TM === 1;
    for (const p of first.points) {
      if (isPlanted(p.params)) {
        assert.equal(p.feasible, false, JSON.stringify(p.params));
        assert.match(p.reason ?? "", /^a check failed on the GPU: c: /);
        assert.equal(p.measuredMs, null);
      } else {
        assert.equal(p.feasible, true, `${JSON.stringify(p.params)}: ${p.reason}`);
        assert.ok((p.measuredMs ?? 0) > 0);
        assert.ok(p.predictedMs !== null && p.predictedMs > 0, "every point keeps its prediction");
      }
    }
    assert.equal(first.measured, 14);
    assert.ok(first.best && !isPlanted(first.best.params));
    // The best is chosen on the re-measured finalists; it is among the fastest by first measurement.
    const times = first.points.filter((p) => p.measuredMs !== null).map((p) => p.measuredMs!).sort((a, b) => a - b);
    assert.ok(first.best!.medianMs <= times[3]!, `best ${first.best!.medianMs} against ${times.join(", ")}`);
    assert.ok(first.search.gpuRuns >= 16);
    assert.equal(typeof first.search.rankCorrelation, "number");

    const again = sweep(cacheDir, planted, "--exhaustive", "--repeat", "2", "--warmup", "0");
    assert.equal(again.search.gpuRuns, 0);
    assert.ok(again.points.every((p) => p.feasible === !isPlanted(p.params)));
    assert.ok(again.points.filter((p) => p.measuredMs !== null).every((p) => p.cached === true));
    assert.ok(sameParams(again.best!.params, first.best!.params));
  });

  it("guided: measures within its budget, and its best is a correct measured point", () => {
    const out = sweep(mkdtempSync(join(tmpdir(), "kl-mm-")), example, "--let", "M=64", "--let", "N=64", "--let", "K=64", "--budget", "6", "--repeat", "1", "--warmup", "0");
    assert.equal(out.search.method, "guided");
    assert.ok(out.search.measuredPoints <= 6 && out.search.measuredPoints >= 2, String(out.search.measuredPoints));
    assert.ok(out.measured <= 6);
    assert.ok(out.best);
    const best = out.points.find((p) => sameParams(p.params, out.best!.params))!;
    assert.equal(best.feasible, true);
    assert.ok(best.measuredMs !== null);
    assert.ok(out.pareto.length > 0, "a Pareto front over the measured points");
    for (const i of out.pareto) assert.ok(out.points[i]!.measuredMs !== null);
    assert.equal(out.objectives?.[0].label, "Measured time");
  });

  it("stops at Ctrl-C and prints what was measured", async () => {
    const child = spawn(process.execPath, [bin, "sweep", example, "--let", "M=128", "--let", "N=128", "--let", "K=128", "--no-cache", "--repeat", "1", "--json"], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const firstTimed = new Promise<void>((done) =>
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (/timed /.test(stderr)) done();
      }),
    );
    const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    await firstTimed;
    child.kill("SIGINT");
    assert.equal(await exited, 0, stderr);
    const out = JSON.parse(stdout) as Output;
    assert.deepEqual(validateSweepResult(out), []);
    assert.equal(out.search.stopReason, "cancelled");
    assert.ok(out.measured >= 1 && out.measured < out.search.feasible, String(out.measured));
    assert.ok(out.best);
    assert.match(stderr, /the sweep was stopped \(cancelled\)/);
  });
});
