// The Design-space page's words for what the search adds to a result: where a time came from, the error against the
// reference, and how well the model ranked the measured points.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SweepResult } from "../../server/src/core/sweep/result";
import { pointFacts, summary } from "../../webview/src/designSpace/view";

const result: SweepResult = {
  file: "k.wgsl",
  entry: "k",
  space: [{ name: "T", kind: "override", values: [8, 16] }],
  measured: 2,
  best: { params: { T: 16 }, medianMs: 1 },
  points: [
    { params: { T: 8 }, predictedMs: 0.5, measuredMs: 2, feasible: true, reason: null, cached: true, error: 2.5e-7, objectives: { timeMs: 2, workgroupMemoryBytes: 512 } },
    { params: { T: 16 }, predictedMs: 0.25, measuredMs: 1, feasible: true, reason: null, error: 3e-7, objectives: { timeMs: 1, workgroupMemoryBytes: 2048 } },
  ],
  pareto: [1, 0],
  objectives: [
    { key: "timeMs", label: "Measured time", unit: "ms" },
    { key: "workgroupMemoryBytes", label: "Workgroup memory", unit: "bytes" },
  ],
  search: { method: "guided", feasible: 2, measuredPoints: 2, cacheHits: 1, gpuRuns: 1, rankCorrelation: 1, stopReason: "every feasible point was measured" },
};

describe("Design-space words for a searched result", () => {
  it("says which time came from the cache, and the error against the reference", () => {
    const facts = pointFacts(result, 0);
    assert.match(facts.find((f) => f.label === "Measured")!.text, /median \(from the sweep cache\)$/);
    assert.equal(facts.find((f) => f.label === "Relative L2 error")?.text, "2.50e-7");
    assert.doesNotMatch(pointFacts(result, 1).find((f) => f.label === "Measured")!.text, /cache/);
  });
  it("shows the model's rank correlation in the summary, and nothing for a result without a search", () => {
    assert.match(summary(result), / · model rank correlation 1\.00$/);
    assert.doesNotMatch(summary({ ...result, search: undefined }), /rank correlation/);
  });
});
