// The model-guided search (search.ts), the per-adapter correction it refits (refit.ts) and the rank correlation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyCorrection, fitCorrection, rankCorrelation, type PredictionFeatures } from "../../server/src/core/sweep/refit";
import { ModelGuidedSearch, type SearchCandidate } from "../../server/src/core/sweep/search";
import { mulberry32 } from "../support/random";

function features(predictedMs: number, extra: Partial<PredictionFeatures> = {}): PredictionFeatures {
  return { predictedMs, computeMs: predictedMs / 2, barrierMs: 0, memoryMs: predictedMs / 2, workgroupMs: 0, kiloWorkgroups: 0, ...extra };
}


/**
 * A synthetic space where the model is wrong the way it is on a CPU driver: the true time is 40 x the prediction
 * plus a barrier cost the model underrates 30-fold, with 5 % noise per point. The model alone ranks badly.
 */
function syntheticSpace(n: number, seed: number): { candidates: SearchCandidate[]; truth: Map<number, number> } {
  const r = mulberry32(seed);
  const candidates: SearchCandidate[] = [];
  const truth = new Map<number, number>();
  for (let id = 0; id < n; id++) {
    const predictedMs = 0.5 + r() * 2;
    const barrierMs = r() < 0.5 ? r() * 0.2 : 0;
    const f = features(predictedMs, { barrierMs, computeMs: predictedMs * 0.6, memoryMs: predictedMs * 0.4 });
    candidates.push({ id, features: f });
    truth.set(id, (40 * predictedMs + 30 * 40 * barrierMs) * (1 + (r() - 0.5) * 0.1));
  }
  return { candidates, truth };
}

function runSearch(search: ModelGuidedSearch, truth: ReadonlyMap<number, number>, wrong: ReadonlySet<number> = new Set()): { measured: Set<number>; runs: number } {
  const measured = new Set<number>();
  let runs = 0;
  for (let step = search.next(); step.kind === "measure"; step = search.next()) {
    for (const id of step.ids) {
      runs++;
      measured.add(id);
      search.record(id, wrong.has(id) ? null : [truth.get(id)!, truth.get(id)! * 1.01, truth.get(id)! * 0.99]);
    }
  }
  return { measured, runs };
}

describe("rankCorrelation", () => {
  it("is 1 for the same order, -1 for the reverse, and handles ties with average ranks", () => {
    assert.equal(rankCorrelation([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(rankCorrelation([1, 2, 3, 4], [40, 30, 20, 10]), -1);
    const tied = rankCorrelation([1, 1, 2, 3], [5, 6, 7, 8])!;
    assert.ok(tied > 0.9 && tied < 1, String(tied));
  });
  it("is null below three pairs or without spread", () => {
    assert.equal(rankCorrelation([1, 2], [1, 2]), null);
    assert.equal(rankCorrelation([1, 1, 1], [1, 2, 3]), null);
  });
});

describe("fitCorrection", () => {
  it("recovers a scale and a barrier cost the model underrates, with non-negative weights", () => {
    const { candidates, truth } = syntheticSpace(40, 7);
    const fit = fitCorrection(candidates.map((c) => ({ features: c.features, measuredMs: truth.get(c.id)! })));
    assert.ok(fit.weights.every((w) => w >= 0), fit.weights.join(", "));
    // Within the 5 % noise of the synthetic truth, give or take the pull of the prior.
    assert.ok(fit.logSpread < 0.12, `log spread ${fit.logSpread}`);
    for (const c of candidates.slice(0, 10)) {
      const ratio = applyCorrection(fit, c.features) / truth.get(c.id)!;
      assert.ok(ratio > 0.8 && ratio < 1.25, `point ${c.id}: corrected / true = ${ratio}`);
    }
    // The uncorrected model is far off.
    assert.ok(candidates[0]!.features.predictedMs / truth.get(0)! < 0.1);
  });
  it("with one point, only rescales the model", () => {
    const fit = fitCorrection([{ features: features(2), measuredMs: 20 }]);
    assert.ok(Math.abs(applyCorrection(fit, features(2)) - 20) / 20 < 0.35);
    assert.ok(applyCorrection(fit, features(4)) > applyCorrection(fit, features(2)));
  });
  it("ignores points without a time", () => {
    const fit = fitCorrection([{ features: features(2), measuredMs: NaN }]);
    assert.equal(fit.points, 0);
  });
});

describe("ModelGuidedSearch", () => {
  it("finds a point within 5 % of the true best while measuring at most a quarter of the space", () => {
    let modelAloneMisses = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const { candidates, truth } = syntheticSpace(120, seed);
      const trueBest = Math.min(...truth.values());
      const search = new ModelGuidedSearch(candidates, { budget: 30 });
      const { measured } = runSearch(search, truth);
      assert.ok(measured.size <= 30, `seed ${seed}: measured ${measured.size}`);
      const best = search.best()!;
      assert.ok(truth.get(best.id)! <= trueBest * 1.05, `seed ${seed}: found ${truth.get(best.id)} against ${trueBest}`);
      // The model's own favourite is often not good enough: the correction is what finds the best.
      const byModel = [...candidates].sort((a, b) => a.features.predictedMs - b.features.predictedMs)[0]!;
      if (truth.get(byModel.id)! > trueBest * 1.05) modelAloneMisses++;
    }
    assert.ok(modelAloneMisses >= 3, `the model alone finds the best in ${5 - modelAloneMisses} of 5 spaces: too easy to test anything`);
  });

  it("stops before the budget when the best measured point is unlikely to be beaten", () => {
    // The model is right up to a scale: after a few points nothing unmeasured can win.
    const candidates = Array.from({ length: 60 }, (_v, id) => ({ id, features: features(1 + id * 0.1) }));
    const truth = new Map(candidates.map((c) => [c.id, c.features.predictedMs * 10]));
    const search = new ModelGuidedSearch(candidates, { budget: 40 });
    const { measured } = runSearch(search, truth);
    assert.ok(measured.size < 15, `measured ${measured.size}`);
    assert.match(search.reason, /beats the best measured/);
    assert.equal(search.best()!.id, 0);
  });

  it("measures every point when exhaustive, and re-measures the finalists by successive halving", () => {
    const { candidates, truth } = syntheticSpace(20, 9);
    const search = new ModelGuidedSearch(candidates, { budget: 0, exhaustive: true });
    const { measured, runs } = runSearch(search, truth);
    assert.equal(measured.size, 20);
    // 20 first measurements, then 4 finalists, then 2.
    assert.equal(runs, 26);
    const best = search.best()!;
    assert.equal(best.id, [...truth].sort((a, b) => a[1] - b[1])[0]![0]);
    assert.equal(search.samplesOf(best.id).length, 9);
    assert.match(search.reason, /every feasible point was measured/);
  });

  it("never crowns a wrong point and counts it against the budget", () => {
    const candidates = Array.from({ length: 12 }, (_v, id) => ({ id, features: features(1 + id) }));
    const truth = new Map(candidates.map((c) => [c.id, c.features.predictedMs]));
    const search = new ModelGuidedSearch(candidates, { budget: 4 });
    const { measured } = runSearch(search, truth, new Set([0]));
    assert.ok(measured.has(0));
    assert.ok(search.spent <= 4);
    assert.notEqual(search.best()!.id, 0);
    assert.equal(search.medianOf(0), null);
  });

  it("with no budget measures nothing", () => {
    const search = new ModelGuidedSearch([{ id: 0, features: features(1) }], { budget: 0 });
    assert.equal(search.next().kind, "done");
    assert.equal(search.best(), null);
  });
});
