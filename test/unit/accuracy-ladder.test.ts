// The accuracy benchmark's ladders (test/bench/ladders.ts) and its pure helpers (test/bench/accuracy.ts): every
// ladder kernel is valid WGSL, analyses on the GPU it was measured on with no model failure and nothing about its
// launch inferred or assumed, and does exactly 2 M N K FLOPs; Spearman and MAPE on hand-worked examples.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { findDevice } from "../../server/src/core/devices/database";
import { TintCompiler } from "../../server/src/tint/tintCompiler";
import { accuracyReport, mape, predictVersion, ranks, spearman, TARGETS } from "../bench/accuracy";
import { cudaLadderRows } from "../bench/cudaLadder";
import { GPUCPP_MATMUL, LADDERS } from "../bench/ladders";

const root = join(__dirname, "..", "..");

describe("accuracy ladders", () => {
  it("name devices of the database and kernel files that exist, with a source for every published figure", () => {
    assert.ok(LADDERS.length >= 3);
    for (const l of LADDERS) {
      assert.equal(findDevice(l.deviceId)?.id, l.deviceId, `${l.id}: device ${l.deviceId}`);
      for (const v of l.versions) {
        assert.ok(existsSync(join(root, l.dir, v.file)), `${l.id}: ${v.file}`);
        assert.ok(v.publishedGflops > 0, `${l.id}: ${v.file}`);
        assert.match(v.source, /https:\/\/github\.com\/AnswerDotAI\/gpu\.cpp\/pull\/\d+/, `${l.id}: ${v.file}`);
      }
    }
    // The three GPUs the gpu.cpp ladder ran on, and the GA102 workstation card, are in the database.
    for (const id of ["apple-m2-pro", "nvidia-rtx-3080-laptop", "nvidia-rtx-a6000", "apple-m1-max"]) assert.equal(findDevice(id)?.id, id);
  });

  it("does 2 M N K = 274,877,906,944 FLOPs in every version (4,096 x 8,192 outputs of 4,096 multiply-adds each)", () => {
    // By hand: M N outputs, each K multiply-adds of 2 FLOPs.
    assert.equal(2 * GPUCPP_MATMUL.M * GPUCPP_MATMUL.N * GPUCPP_MATMUL.K, 274_877_906_944);
    for (const l of LADDERS) assert.equal(l.flops, 274_877_906_944, l.id);
  });

  for (const l of LADDERS) {
    for (const v of l.versions) {
      it(`${l.id}: ${v.file} analyses on ${l.deviceId} with its whole launch stated and exact FLOPs`, () => {
        const r = predictVersion(l, v, root);
        assert.deepEqual(r.problems, []);
        const m = r.model!;
        assert.deepEqual(m.dispatch, [GPUCPP_MATMUL.M / 64, GPUCPP_MATMUL.N / 64, 1]);
        assert.deepEqual(m.assumptions, []);
        assert.equal(r.flops, 274_877_906_944);
        const f16 = v.file.includes("f16");
        assert.equal(m.ops.flopsF32.value, f16 ? 0 : 274_877_906_944);
        assert.equal(m.ops.flopsF16.value, f16 ? 274_877_906_944 : 0);
        assert.equal(m.ops.flopsF32.min, m.ops.flopsF32.max, "no data-dependent range");
        assert.ok(r.predictedMs !== null && r.predictedMs > 0, "a predicted time");
        assert.ok(r.ratio !== null && Number.isFinite(r.ratio));
      });
    }
  }

  it("meets the same targets on siboehm's published CUDA SGEMM ladder, analysed from CUDA for the RTX A6000 it was measured on", async () => {
    const all = await cudaLadderRows(root);
    assert.equal(all.length, 10, "kernels 1-10 have fixtures");
    assert.ok(all.every((r) => r.predictedMs !== null), all.map((r) => `${r.label}: ${r.limiter}`).join("; "));
    // All ten: kernels 7-10 were added after the model was fitted to 1-6, as a held-out check; they found two faults
    // since fixed (a loop that runs once around a rolled loop made kernel 9's register tile local memory, 38 ms
    // against 7.0 measured; kernel 10's 128-float accumulator was estimated as spilled, 87 registers against ptxas's 168).
    const rows = all;
    const timed = rows.filter((r) => r.predictedMs !== null);
    assert.equal(timed.length, rows.length, rows.map((r) => `${r.label}: ${r.limiter}`).join("; "));
    const outside = timed.filter((r) => r.predictedMs! > TARGETS.withinFactor * r.measuredMs || r.predictedMs! < r.measuredMs / TARGETS.withinFactor);
    assert.deepEqual(outside.map((r) => `${r.label}: ${(r.measuredMs / r.predictedMs!).toFixed(2)}x`), [], "every version within 2x");
    const m = mape(timed.map((r) => r.predictedMs!), timed.map((r) => r.measuredMs))!;
    assert.ok(m <= TARGETS.mapePct, `MAPE ${m.toFixed(1)} %`);
    const rho = spearman(timed.map((r) => 1 / r.predictedMs!), timed.map((r) => 1 / r.measuredMs))!;
    assert.ok(rho >= TARGETS.spearman, `Spearman ${rho}`);
    // The limiters a kernel author would name: the naive kernel's column reads (L1 lines), then shared memory.
    assert.match(rows[0].limiter, /^L1 throughput/);
    for (const r of rows.slice(2, 9)) assert.match(r.limiter, /^workgroup-memory bandwidth/, r.label);
  });

  it("builds a report over every ladder without throwing", () => {
    const report = accuracyReport(LADDERS, root);
    assert.equal(report.ladders.length, LADDERS.length);
    assert.ok(report.overallMape !== null && report.overallMape >= 0);
    assert.deepEqual(report.problems, []);
  });

  it("meets the issue's targets against the published measurements (what npm run bench prints as met)", () => {
    const report = accuracyReport(LADDERS, root);
    const show = (vs: readonly { version: { label: string }; ratio: number | null; limiter: string }[]) => vs.map((v) => `${v.version.label}: ${v.ratio?.toFixed(2)}x, ${v.limiter}`).join("; ");
    assert.deepEqual(show(report.outsideFactor), "", "every version within 2x of its published throughput");
    assert.ok(report.overallMape! <= TARGETS.mapePct, `MAPE ${report.overallMape!.toFixed(1)} %`);
    assert.deepEqual(report.lowSpearman.map((l) => `${l.ladder.id}: ${l.spearman}`), [], "Spearman >= 0.8 within each ladder of 3+ versions");
    assert.deepEqual(show(report.dramBound), "", "no tiled matmul called DRAM-bound");
    // The rolled and unrolled 2D versions measure 2.7x apart on M2 Pro: the model must tell them apart the same way.
    const m2 = report.ladders.find((l) => l.ladder.id === "gpucpp-matmul-m2-pro")!;
    const t = (label: string) => m2.versions.find((v) => v.version.label === label)!.predictedMs!;
    assert.ok(t("2D tiling BK=16 TM=TN=4") > 2 * t("2D tiling, unrolled"), `rolled ${t("2D tiling BK=16 TM=TN=4")} ms, unrolled ${t("2D tiling, unrolled")} ms`);
    // ... because its register tile is indexed by outer loops' counters: it lives in local memory, and says so.
    assert.match(m2.versions.find((v) => v.version.label === "2D tiling BK=16 TM=TN=4")!.limiter, /^local-memory bandwidth/);
    assert.match(m2.versions.find((v) => v.version.label === "2D tiling, unrolled")!.limiter, /^workgroup-memory bandwidth/);
  });
});

describe("ladder kernels compile with Tint", () => {
  let tint: TintCompiler;
  before(async () => {
    const t = await TintCompiler.create();
    assert.ok(!("error" in t), "error" in t ? t.error : "");
    tint = t;
  });

  it("every file under test/fixtures/ladders/gpucpp-matmul", async () => {
    const dir = join(root, "test", "fixtures", "ladders", "gpucpp-matmul");
    const files = readdirSync(dir).filter((f) => f.endsWith(".wgsl"));
    assert.equal(files.length, 8);
    for (const f of files) {
      const { messages } = await tint.compile(readFileSync(join(dir, f), "utf8"));
      assert.deepEqual(messages.filter((m) => m.type === "error").map((m) => `${m.lineNum}:${m.linePos}: ${m.message}`), [], f);
    }
  });
});

describe("Spearman and MAPE", () => {
  it("ranks from 1 with ties averaged", () => {
    assert.deepEqual(ranks([30, 10, 20]), [3, 1, 2]);
    assert.deepEqual(ranks([5, 7, 5, 9]), [1.5, 3, 1.5, 4]);
  });

  it("gives +1 for the same order, -1 for the reverse, and the textbook value in between", () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [40, 30, 20, 10]), -1);
    // Ranks [1, 2, 3, 4] against [1, 3, 2, 4]: d^2 sums to 2, rho = 1 - 6 x 2 / (4 x 15) = 0.8.
    assert.ok(Math.abs(spearman([1, 2, 3, 4], [1, 3, 2, 4])! - 0.8) < 1e-12);
    // Ranks [1, 2, 3, 4, 5] against [2, 1, 4, 3, 5]: d^2 sums to 4, rho = 1 - 6 x 4 / (5 x 24) = 0.8.
    assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [20, 10, 40, 30, 50])! - 0.8) < 1e-12);
    // With a tie: x ranks [1, 2, 3], y ranks [1.5, 1.5, 3]; Pearson of the ranks = 1.5 / sqrt(2 x 1.5) = 0.866...
    assert.ok(Math.abs(spearman([1, 2, 3], [5, 5, 9])! - Math.sqrt(3) / 2) < 1e-12);
  });

  it("has no value for one pair or a constant side", () => {
    assert.equal(spearman([1], [2]), null);
    assert.equal(spearman([1, 2, 3], [4, 4, 4]), null);
    assert.throws(() => spearman([1, 2], [1]));
  });

  it("MAPE is the mean of |predicted - actual| / actual, in percent", () => {
    // |110 - 100| / 100 = 10 %, |150 - 200| / 200 = 25 %, |50 - 100| / 100 = 50 %: mean 28.33... %.
    assert.ok(Math.abs(mape([110, 150, 50], [100, 200, 100])! - 85 / 3) < 1e-12);
    assert.equal(mape([2], [1]), 100);
    assert.equal(mape([], []), null);
  });
});
