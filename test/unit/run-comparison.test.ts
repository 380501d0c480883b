// Tests which prediction a measurement may be compared with (only its own adapter's calibration) and the deadline
// accounting of a run (each dispatch has its own deadline; only one that passes it is a kernel that did not end).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { comparePrediction, isComparable, isMeasuringAdaptersDevice, measuredDeviceId } from "../../server/src/core/run/comparison";
import { deadlineError, deadlinePhase, isDispatchTimeout, restartsDeadline, RUN_STEP_READ_BACK, RUN_STEP_TIMED, RUN_STEP_WARMUP } from "../../server/src/gpu/deadline";
import { measuredDeviceId as profilesMeasuredId } from "../../server/src/run/profiles";
import { readHistory } from "../../server/src/run/history";

const lavapipeKey = "vulkan:mesa:llvmpipe";
const rtx4090 = { id: "nvidia-rtx-4090", name: "NVIDIA GeForce RTX 4090", vendor: "nvidia" };
const lavapipeDevice = { id: measuredDeviceId(lavapipeKey), name: "llvmpipe (measured)", vendor: "measured" };

describe("which prediction a measurement is compared with", () => {
  it("the measured device id is the adapter key's, the same in the core and the profile store", () => {
    assert.match(measuredDeviceId(lavapipeKey), /^measured-vulkan-mesa-llvmpipe-[0-9a-f]{6}$/);
    assert.equal(profilesMeasuredId(lavapipeKey), measuredDeviceId(lavapipeKey));
  });

  it("compares only with the measuring adapter's own calibration", () => {
    assert.equal(isMeasuringAdaptersDevice(lavapipeDevice.id, lavapipeKey), true);
    assert.equal(isMeasuringAdaptersDevice(rtx4090.id, lavapipeKey), false);
    assert.equal(isMeasuringAdaptersDevice(lavapipeDevice.id, "vulkan:nvidia:4090"), false, "another adapter's calibration");
    assert.equal(isMeasuringAdaptersDevice(lavapipeDevice.id, undefined), false, "no adapter reported");
    // A record written before ids were shortened names the calibration by the whole key: still this adapter's.
    assert.equal(isMeasuringAdaptersDevice("measured-vulkan-mesa-llvmpipe", lavapipeKey), true);
    assert.equal(isComparable({ deviceId: "measured-vulkan-mesa-llvmpipe" }, lavapipeKey), true);
    const own = comparePrediction(1.5, 2, lavapipeDevice, lavapipeKey);
    assert.deepEqual(own, { ms: 1.5, deviceId: lavapipeDevice.id, errorPct: -25, comparable: true });
  });

  it("a datasheet device's prediction gets a note instead of an error, however close it happens to be", () => {
    // The editor's old line: lavapipe measured 236 ms, the RTX 4090 predicted 0.018 ms: 'measured 13,113x longer'.
    const far = comparePrediction(0.018, 236, rtx4090, lavapipeKey);
    assert.equal(far.errorPct, null);
    assert.equal(far.comparable, false);
    assert.equal(far.ms, 0.018);
    assert.equal(far.note, "no calibration for this adapter: predicted for NVIDIA GeForce RTX 4090 is not comparable");
    // A coincidental +23 % is no validation either.
    assert.equal(comparePrediction(2.46, 2, rtx4090, lavapipeKey).errorPct, null);
    const other = comparePrediction(1, 2, { id: measuredDeviceId("vulkan:nvidia:4090"), name: "RTX 4090 (measured)", vendor: "measured" }, lavapipeKey);
    assert.equal(other.comparable, false);
    assert.match(other.note ?? "", /a calibration of another adapter/);
  });

  it("no error without both times", () => {
    assert.equal(comparePrediction(null, 2, lavapipeDevice, lavapipeKey).errorPct, null);
    assert.equal(comparePrediction(1, 0, lavapipeDevice, lavapipeKey).errorPct, null);
    assert.equal(comparePrediction(1, null, lavapipeDevice, lavapipeKey).comparable, true);
  });

  it("outcomes recorded before the rule are decided from the ids", () => {
    assert.equal(isComparable({ deviceId: rtx4090.id }, lavapipeKey), false);
    assert.equal(isComparable({ deviceId: lavapipeDevice.id }, lavapipeKey), true);
    assert.equal(isComparable({ deviceId: lavapipeDevice.id, comparable: false }, lavapipeKey), false);
  });

  it("the run history drops the error of an old record compared with another device", () => {
    const folder = mkdtempSync(join(tmpdir(), "kl-compare-"));
    const adapter = { vendor: "mesa", architecture: "", device: "", description: "llvmpipe", backend: "vulkan", software: true, features: [], limits: {}, timestampQuery: true, key: lavapipeKey };
    const base = { status: "passed", checks: [], adapter, variant: { defines: [], lets: {} }, startedAt: "2025-01-01T00:00:00Z", durationMs: 1 };
    const rows = [
      { entry: "far", predicted: { ms: 0.018, deviceId: rtx4090.id, errorPct: -99.99 } },
      { entry: "own", predicted: { ms: 1.5, deviceId: lavapipeDevice.id, errorPct: -25 } },
    ].map((o) => JSON.stringify({ version: 1, timestamp: "2025-01-01T00:00:00Z", file: "k.wgsl", outcome: { ...base, ...o } }));
    writeFileSync(join(folder, "h.jsonl"), `${rows.join("\n")}\n`);
    const [far, own] = readHistory(folder, { file: "h.jsonl" });
    assert.equal(far!.outcome.predicted?.errorPct, null);
    assert.equal(far!.outcome.predicted?.comparable, false);
    assert.equal(far!.outcome.predicted?.ms, 0.018);
    assert.match(far!.outcome.predicted?.note ?? "", /not comparable/);
    assert.equal(own!.outcome.predicted?.errorPct, -25);
    assert.equal(own!.outcome.predicted?.comparable, true);
  });
});

describe("a run's deadline is each dispatch's", () => {
  it("a run's progress restarts its deadline; a calibration's does not", () => {
    assert.equal(restartsDeadline("run"), true);
    assert.equal(restartsDeadline("calibrate"), false);
    assert.equal(restartsDeadline("adapter"), false);
  });

  it("where the request was when the deadline passed", () => {
    assert.deepEqual(deadlinePhase("run", 10_000, undefined), { deadlineMs: 10_000, phase: "setup" });
    assert.deepEqual(deadlinePhase("run", 10_000, { step: RUN_STEP_WARMUP, done: 1, total: 32 }), { deadlineMs: 10_000, phase: "dispatch", run: 2, runs: 32, warmup: true });
    assert.deepEqual(deadlinePhase("run", 10_000, { step: RUN_STEP_TIMED, done: 31, total: 32 }), { deadlineMs: 10_000, phase: "dispatch", run: 32, runs: 32, warmup: false });
    assert.deepEqual(deadlinePhase("run", 10_000, { step: RUN_STEP_READ_BACK, done: 32, total: 32 }), { deadlineMs: 10_000, phase: "read-back" });
    assert.deepEqual(deadlinePhase("calibrate", 120_000, { step: "copy", done: 1, total: 6 }), { deadlineMs: 120_000, phase: "request" });
  });

  it("only a dispatch past its deadline is a kernel that did not end", () => {
    assert.equal(isDispatchTimeout(deadlineError("run", 1500, { step: RUN_STEP_TIMED, done: 0, total: 1 })), true);
    assert.equal(isDispatchTimeout(deadlineError("run", 1500, undefined)), false);
    assert.equal(isDispatchTimeout(deadlineError("run", 1500, { step: RUN_STEP_READ_BACK, done: 1, total: 1 })), false);
    assert.equal(isDispatchTimeout({ kind: "timeout" }), false, "a timeout that does not say where (a JavaScript reference)");
    assert.equal(isDispatchTimeout({ kind: "compile", deadline: { deadlineMs: 1, phase: "dispatch" } }), false);
    assert.equal(deadlineError("calibrate", 120_000, undefined).message, "timed out after 120000 ms");
  });
});
