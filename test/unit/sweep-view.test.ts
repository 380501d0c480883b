// The Design-space page's words for what the search adds to a result: where a time came from, the error against the
// reference, and how well the model ranked the measured points.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SweepResult } from "../../server/src/core/sweep/result";
import { modelSentence, pointFacts, summary } from "../../webview/src/designSpace/view";

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

  it("says whose model guided the sweep: the measuring adapter's calibration, or a what-if with no measured/predicted ratio", () => {
    const local = { id: "measured-vulkan-local", name: "Local GPU (measured)" };
    const own: SweepResult = { ...result, device: local, measuredOn: { adapter: "Local GPU (software)", deviceId: local.id } };
    assert.equal(modelSentence(own), "guided by the model of Local GPU (measured), the adapter that measured");
    assert.match(summary(own), / · guided by the model of Local GPU \(measured\), the adapter that measured$/);
    assert.ok(pointFacts(own, 0).some((f) => f.label === "Measured / predicted"));

    const whatIf: SweepResult = { ...own, device: { id: "nvidia-rtx-4090", name: "NVIDIA GeForce RTX 4090" } };
    assert.equal(modelSentence(whatIf), "guided by the model of NVIDIA GeForce RTX 4090, a what-if: measured on Local GPU (software)");
    const facts = pointFacts(whatIf, 0);
    assert.deepEqual(facts.find((f) => f.label.startsWith("Predicted")), { label: "Predicted on NVIDIA GeForce RTX 4090 (what-if)", text: "500 µs" });
    assert.ok(!facts.some((f) => f.label === "Measured / predicted"), "no ratio of two devices' times");

    // An exhaustive sweep is not guided: its predictions are only shown. A result that does not say who measured names the device.
    assert.match(modelSentence({ ...own, search: { ...result.search!, method: "exhaustive" } })!, /^predicted on Local GPU \(measured\), the adapter that measured$/);
    assert.equal(modelSentence({ ...whatIf, measuredOn: undefined }), "NVIDIA GeForce RTX 4090");
    assert.equal(modelSentence({ ...result, device: undefined }), null);
  });
});
