// Tests the text a person reads after Run, Profile and Calibrate: notification lines, reports, adapter labels, history.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  adapterLabel,
  calibrationSummary,
  describeCheckFailure,
  describeError,
  formatCount,
  formatPredictionError,
  formatRate,
  formatSignedPercent,
  formatTiming,
  historyText,
  outcomeNotification,
  outcomeNotificationNamed,
  outcomeReport,
  sampleStats,
  timeoutMessage,
} from "../../client/src/run/format";
import { deadlineError } from "../../server/src/gpu/deadline";
import { missingDawnMessage } from "../../server/src/tint/dawnLoader";
import { formatMs } from "../../server/src/core/format";
import type { AdapterSummary, CalibrationProfile } from "../../server/src/gpu/types";
import type { CheckOutcome, RunOutcome } from "../../server/src/run/api";

const lavapipe: AdapterSummary = {
  vendor: "mesa",
  architecture: "software",
  device: "llvmpipe-llvm-15-0-6-256-bits-",
  description: "llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1",
  backend: "vulkan",
  software: true,
  features: ["timestamp-query"],
  limits: {},
  timestampQuery: true,
  key: "vulkan:mesa:llvmpipe",
};

const rtx: AdapterSummary = { ...lavapipe, vendor: "nvidia", architecture: "ada", device: "", description: "NVIDIA GeForce RTX 4090", software: false, key: "vulkan:nvidia:4090" };

function check(over: Partial<CheckOutcome>): CheckOutcome {
  return {
    output: "out",
    reference: "entry:saxpy_ref",
    passed: true,
    elements: 1_048_576,
    maxAbsError: 0,
    relL2Error: 0,
    mismatches: 0,
    firstMismatches: [],
    nan: 0,
    inf: 0,
    unwritten: 0,
    rtol: 1e-5,
    atol: 1e-6,
    message: "",
    ...over,
  };
}

function outcome(over: Partial<RunOutcome>): RunOutcome {
  return {
    entry: "saxpy",
    status: "passed",
    adapter: lavapipe,
    timing: { method: "timestamp", samplesMs: [1.85, 1.9, 1.92, 2.0, 2.1], medianMs: 1.92, minMs: 1.85, maxMs: 2.1 },
    checks: [check({})],
    achieved: { gflops: 1.09, gbps: 6.56 },
    predicted: { ms: 0.018, deviceId: "nvidia-rtx-4090", errorPct: ((0.018 - 1.92) / 1.92) * 100 },
    variant: { defines: [], lets: {} },
    startedAt: "2025-01-02T03:04:05.678Z",
    durationMs: 312,
    ...over,
  };
}

describe("numbers", () => {
  it("formats milliseconds to three significant digits, seconds from 1000 ms", () => {
    assert.equal(formatMs(1.92), "1.92 ms");
    assert.equal(formatMs(2.1), "2.10 ms");
    assert.equal(formatMs(0.0183), "0.0183 ms");
    assert.equal(formatMs(153.4), "153 ms");
    assert.equal(formatMs(1234), "1.23 s");
  });

  it("writes the other duration styles from the same thresholds: short (no padding zeros) and compact (µs below 1 ms)", () => {
    assert.equal(formatMs(0.4321, "short"), "0.43 ms");
    assert.equal(formatMs(2.1, "short"), "2.1 ms");
    assert.equal(formatMs(1234, "short"), "1.23 s");
    assert.equal(formatMs(0.392, "compact"), "392 µs");
    assert.equal(formatMs(1, "compact"), "1 ms");
    assert.equal(formatMs(3.456, "compact"), "3.46 ms");
    assert.equal(formatMs(1234, "compact"), "1.23 s");
    assert.equal(formatMs(Number.NaN), "NaN ms");
  });

  it("prints a median's range with the median's decimals", () => {
    assert.equal(formatTiming({ medianMs: 1.92, minMs: 1.85, maxMs: 2.1, method: "timestamp" }), "1.92 ms median (1.85–2.10, timestamp)");
    assert.equal(formatTiming({ medianMs: 12.34, minMs: 12, maxMs: 15.06, method: "wall" }), "12.3 ms median (12.0–15.1, wall)");
    assert.equal(formatTiming({ medianMs: 2500, minMs: 2400, maxMs: 2610, method: "wall" }), "2.50 s median (2.40–2.61 s, wall)");
  });

  it("formats counts, rates and signed percentages", () => {
    assert.equal(formatCount(1_048_576), "1,048,576");
    assert.equal(formatRate(6.56, "GB/s"), "6.6 GB/s");
    assert.equal(formatRate(6.5, "GB/s"), "6.5 GB/s");
    assert.equal(formatRate(1008.4, "GB/s"), "1,008 GB/s");
    assert.equal(formatSignedPercent(10566.7), "+10,567%");
    assert.equal(formatSignedPercent(-99.06), "−99%");
    assert.equal(formatSignedPercent(3.14), "+3.1%");
    assert.equal(formatSignedPercent(0), "±0%");
  });

  it("gives a prediction's error as a percentage when near, as a ratio when off by two or more", () => {
    // errorPct = (predicted - measured) / measured * 100.
    assert.equal(formatPredictionError(12.5), "+13%");
    assert.equal(formatPredictionError(-30), "−30%");
    // predicted 0.018, measured 9.23: -99.805%; measured / predicted = 512.8.
    assert.equal(formatPredictionError(((0.018 - 9.23) / 9.23) * 100), "measured 513× longer");
    // predicted 3 ms, measured 1 ms: +200%, the kernel ran in a third of the time.
    assert.equal(formatPredictionError(200), "measured 3× shorter");
    assert.equal(formatPredictionError(-50), "measured 2× longer");
  });

  it("summarises samples with nearest-rank percentiles", () => {
    // Samples 1..10: mean 5.5; sample variance = sum((i - 5.5)^2) / 9 = 82.5 / 9; p10 = 1st of 10, p90 = 9th.
    const s = sampleStats([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert.ok(s);
    assert.equal(s.mean, 5.5);
    assert.ok(Math.abs(s.stdev - Math.sqrt(82.5 / 9)) < 1e-12);
    assert.equal(s.p10, 1);
    assert.equal(s.p90, 9);
    assert.equal(sampleStats([]), undefined);
  });
});

describe("adapter labels", () => {
  it("names CPU rasterizers by their driver and marks them software", () => {
    assert.equal(adapterLabel(lavapipe), "lavapipe (software)");
    assert.equal(adapterLabel({ ...lavapipe, description: "SwiftShader Device (Subzero)", device: "" }), "SwiftShader (software)");
  });

  it("drops brand words from hardware names", () => {
    assert.equal(adapterLabel(rtx), "NVIDIA RTX 4090");
    assert.equal(adapterLabel({ ...rtx, description: "Intel(R) Arc(TM) A770 Graphics" }), "Intel Arc A770 Graphics");
    assert.equal(adapterLabel({ ...rtx, description: "", device: "", vendor: "apple" }), "apple");
  });
});

describe("notification lines", () => {
  it("a passed run on lavapipe is not compared with an RTX 4090's prediction: no ratio, no error, a note", () => {
    // The fixture is what older versions recorded: a run on lavapipe with an error against a datasheet device.
    const n = outcomeNotification(outcome({}));
    assert.equal(n.severity, "info");
    assert.equal(n.text, "saxpy ✓ passed · 1.92 ms median (1.85–2.10, timestamp) · 6.6 GB/s · no calibration for this adapter: predicted for nvidia-rtx-4090 is not comparable");
    assert.doesNotMatch(n.text, /longer|shorter|%/);
    // Even a coincidental near miss (+23 %) against another device is no validation.
    const near = outcomeNotification(outcome({ predicted: { ms: 2.36, deviceId: "nvidia-rtx-4090", errorPct: 23, comparable: false } }));
    assert.doesNotMatch(near.text, /23|%/);
    assert.match(near.text, /predicted for nvidia-rtx-4090 is not comparable$/);
  });

  it("a prediction for the measuring adapter's calibration is compared: its ratio or error", () => {
    const own = { ms: 0.018, deviceId: "measured-vulkan-mesa-llvmpipe", errorPct: ((0.018 - 1.92) / 1.92) * 100 };
    const n = outcomeNotification(outcome({ predicted: { ...own, comparable: true } }));
    assert.equal(n.text, "saxpy ✓ passed · 1.92 ms median (1.85–2.10, timestamp) · 6.6 GB/s · model predicted 0.018 ms on measured-vulkan-mesa-llvmpipe (measured 107× longer)");
    // A record without `comparable` (older history) is compared when its device is the adapter's calibration.
    assert.match(outcomeNotification(outcome({ predicted: own })).text, /measured 107× longer/);
    // Another adapter's calibration is not this one's.
    assert.match(outcomeNotification(outcome({ adapter: rtx, predicted: own })).text, /not comparable$/);
    assert.match(outcomeNotification(outcome({ predicted: { ms: 2.36, deviceId: own.deviceId, errorPct: 23, comparable: true } })).text, /on measured-vulkan-mesa-llvmpipe \(\+23%\)$/);
  });

  it("names the predicted device by its display name when one is known", () => {
    const n = outcomeNotificationNamed(outcome({}), (id) => (id === "nvidia-rtx-4090" ? "NVIDIA GeForce RTX 4090" : undefined));
    assert.match(n.text, / · no calibration for this adapter: predicted for RTX 4090 is not comparable$/);
    const own = outcomeNotificationNamed(outcome({ predicted: { ms: 0.018, deviceId: "measured-vulkan-mesa-llvmpipe", errorPct: -99, comparable: true } }), () => "measured lavapipe (software)");
    assert.match(own.text, / · model predicted 0\.018 ms on measured lavapipe \(software\) \(measured 100× longer\)$/);
  });

  it("a profile adds the number of runs and their spread", () => {
    // Samples 1.85, 1.9, 1.92, 2.0, 2.1: mean 1.954, deviations -.104 -.054 -.034 .046 .146, squares sum .03832, / 4 = .00958 -> σ ≈ 0.0979.
    const n = outcomeNotification(outcome({}), undefined, true);
    assert.match(n.text, /1\.92 ms median \(1\.85–2\.10, timestamp\) · 5 runs, σ 0\.098 ms · /);
  });

  it("a failed check: how many elements differ out of how many, and the first one", () => {
    const failed = check({ passed: false, mismatches: 3, firstMismatches: [{ index: 17, got: 1.5, want: 1.25 }], message: "3 mismatches" });
    const n = outcomeNotification(outcome({ status: "failed", checks: [failed] }));
    assert.equal(n.severity, "warning");
    assert.equal(n.text, "saxpy ✗ failed: out: 3 of 1,048,576 differ, first at [17] (got 1.5, want 1.25)");
  });

  it("a check failure lists unwritten, NaN and Inf elements too", () => {
    assert.equal(
      describeCheckFailure(check({ passed: false, mismatches: 2, firstMismatches: [{ index: 0, got: Number.NaN, want: 1 }], unwritten: 1, nan: 1, elements: 8 })),
      "out: 2 of 8 differ, first at [0] (got NaN, want 1), 1 never written, 1 NaN",
    );
  });

  it("an output the kernel never wrote is said so, not compared with a reference it does not have", () => {
    const unwritten = check({ reference: "written", passed: false, elements: 1024, mismatches: 2, unwritten: 2, firstMismatches: [{ index: 1000, got: 3735928559, want: Number.NaN }] });
    assert.equal(outcomeNotification(outcome({ status: "failed", checks: [unwritten] })).text, "saxpy ✗ failed: out: 2 of 1,024 never written, first at [1,000]");
  });

  it("an out-of-bounds access from a checked run comes first, with how many more there were", () => {
    const finding = {
      message: "out-of-bounds write to 'out' at index 1024 (length 1024) by invocation (1024, 0, 0), line 11",
      array: "out",
      binding: "out",
      access: "write" as const,
      space: "storage" as const,
      index: 1024,
      length: 1024,
      invocation: [1024, 0, 0] as const,
      lowest: true,
      count: 1,
      line: 11,
      column: 3,
      endLine: 11,
      endColumn: 9,
    };
    const bounds = { checked: true, sites: 2, skipped: 0, runs: 1, violations: [finding, { ...finding, access: "read" as const, array: "x", message: "out-of-bounds read of 'x' ..." }] };
    const n = outcomeNotification(outcome({ status: "failed", bounds }));
    assert.equal(n.severity, "warning");
    assert.equal(n.text, "saxpy ✗ failed: out-of-bounds write to 'out' at index 1024 (length 1024) by invocation (1024, 0, 0), line 11 (and 1 more out-of-bounds access)");
    const report = outcomeReport(outcome({ status: "failed", bounds }), { file: "k.wgsl", mode: "run", warmup: 2, repeat: 5, timeoutMs: 10000 });
    assert.match(report, /\n {2}bounds: {4}out-of-bounds write to 'out' at index 1024 \(length 1024\) by invocation \(1024, 0, 0\), line 11\n {2}bounds: {4}out-of-bounds read of 'x'/);
    const passed = outcomeReport(outcome({ bounds: { checked: true, sites: 3, skipped: 0, runs: 1, violations: [] } }), { file: "k.wgsl", mode: "run", warmup: 2, repeat: 5, timeoutMs: 10000 });
    assert.match(passed, /bounds: {4}3 array accesses checked in a separate untimed run, none out of bounds/);
    const skipped = outcomeReport(outcome({ bounds: { checked: false, reason: "the checked run failed (limits): too many", sites: 3, skipped: 0, runs: 0, violations: [] } }), { file: "k.wgsl", mode: "run", warmup: 2, repeat: 5, timeoutMs: 10000 });
    assert.match(skipped, /bounds: {4}not checked: the checked run failed \(limits\): too many/);
  });

  it("a timeout blames a loop only when one run passed its own deadline", () => {
    const dispatch = deadlineError("run", 10_000, { step: "timed run", done: 2, total: 32 });
    assert.equal(dispatch.message, "timed out after 10000 ms: run 3 of 32 did not finish within its deadline");
    const d = timeoutMessage("matmul", dispatch, 10_000);
    assert.match(d, /^matmul timed out: run 3 of 32 did not finish within the 10,000 ms deadline of each run \(kernellens\.run\.timeoutMs\).*Look for a loop that does not end\.$/);
    const single = timeoutMessage("spin", deadlineError("run", 1500, { step: "timed run", done: 0, total: 1 }), 1500);
    assert.match(single, /^spin timed out: its run did not finish within the 1,500 ms deadline.*loop that does not end/);
    const setup = timeoutMessage("matmul", deadlineError("run", 10_000, undefined), 10_000);
    assert.match(setup, /before its first run: compiling and preparing it took more than 10,000 ms/);
    assert.match(setup, /no sign of a loop that does not end/);
    const readBack = timeoutMessage("matmul", deadlineError("run", 10_000, { step: "reading back", done: 32, total: 32 }), 10_000);
    assert.match(readBack, /reading its outputs back, after every run had finished/);
    assert.doesNotMatch(readBack, /loop/);
    // A JavaScript reference past its own (longer) deadline: said as it is, no loop in the kernel blamed.
    const js = timeoutMessage("saxpy", { kind: "timeout", message: "out: ref.mjs did not return within 60 s" }, 10_000);
    assert.equal(js, "saxpy timed out: out: ref.mjs did not return within 60 s");
    // The notification says which run, not the total the profile took.
    const n = outcomeNotification(outcome({ status: "timeout", timing: undefined, checks: [], achieved: undefined, predicted: undefined, error: dispatch }), 10_000, true);
    assert.equal(n.text, "saxpy ✗ timed out after 10,000 ms: run 3 of 32 did not finish within its deadline");
  });

  it("a timeout says after how long", () => {
    const n = outcomeNotification(outcome({ status: "timeout", timing: undefined, checks: [], achieved: undefined, predicted: undefined, error: { kind: "timeout", message: "deadline passed" } }), 500);
    assert.equal(n.text, "saxpy ✗ timed out after 500 ms");
  });

  it("a compile error gives its line in the kernel file and the compiler's first line, without its own prefix", () => {
    const n = outcomeNotification(outcome({ status: "error", timing: undefined, checks: [], error: { kind: "compile", message: "4:9: error: unresolved value 'q'\n  at saxpy.wgsl:4:9", line: 4, column: 9 } }));
    assert.equal(n.severity, "error");
    assert.equal(n.text, "saxpy ✗ compile error at line 4:9: unresolved value 'q'");
  });
});

describe("reports", () => {
  it("the output report holds every number, one fact per line", () => {
    const text = outcomeReport(outcome({ variant: { defines: ["FAST"], lets: { N: 1024 } } }), {
      file: "examples/saxpy.wgsl",
      mode: "profile",
      warmup: 2,
      repeat: 5,
      rotateInputs: 4,
      timeoutMs: 10_000,
      deviceName: "NVIDIA GeForce RTX 4090",
    });
    assert.match(text, /^Profile saxpy in examples\/saxpy\.wgsl: passed$/m);
    assert.match(text, /adapter: +lavapipe \(software\) · vulkan · a CPU rasterizer/);
    assert.match(text, /variant: +#define FAST, N = 1024/);
    assert.match(text, /5 timed runs after 2 warm-up, inputs rotated over 4 copies, GPU timestamps/);
    assert.match(text, /median 1\.92 ms, min 1\.85 ms, max 2\.10 ms/);
    assert.match(text, /samples \(ms\): 1\.85 1\.90 1\.92 2\.00 2\.10/);
    assert.match(text, /achieved: +6\.6 GB\/s, 1\.1 GFLOP\/s/);
    assert.match(text, /model: +0\.018 ms predicted on NVIDIA GeForce RTX 4090 \(datasheet\): not compared with this measurement\n +no calibration for this adapter: predicted for NVIDIA GeForce RTX 4090 is not comparable/);
    assert.doesNotMatch(text, /longer|error −/);
    const own = outcomeReport(outcome({ predicted: { ms: 0.018, deviceId: "measured-vulkan-mesa-llvmpipe", errorPct: ((0.018 - 1.92) / 1.92) * 100, comparable: true } }), {
      file: "k.wgsl",
      mode: "run",
      warmup: 2,
      repeat: 5,
      timeoutMs: 10_000,
      deviceName: "llvmpipe (measured)",
      deviceMeasured: true,
    });
    assert.match(own, /model: +0\.018 ms predicted on llvmpipe \(measured\) \(calibrated profile of this adapter\): measured 107× longer \(error −99%\)/);
    assert.match(text, /check: +out against entry:saxpy_ref: passed \(1,048,576 elements/);
    assert.match(text, /took 312 ms/);
  });

  it("the calibration summary lists the ceilings", () => {
    const profile: CalibrationProfile = {
      adapter: lavapipe,
      measuredAt: "2025-01-02T03:04:05Z",
      copyBandwidthScalar: 8.2e9,
      copyBandwidthVec4: 11.5e9,
      copyBufferToBuffer: 14e9,
      fmaF32: 95e9,
      workgroupBandwidth: 40e9,
      dispatchOverheadMs: 0.045,
      timing: "timestamp",
    };
    assert.equal(calibrationSummary(profile), "lavapipe (software) calibrated · copy 8.2 GB/s (vec4 12 GB/s) · FMA 95 GFLOP/s f32 · dispatch 45 µs");
  });

  it("the history lists runs newest first, columns aligned", () => {
    const text = historyText("/ws", [
      { startedAt: "2025-01-02T03:04:05.000Z", file: "saxpy.wgsl", entry: "saxpy", status: "passed", medianMs: 1.92, method: "timestamp", adapter: "lavapipe (software)", predictedMs: 2.1, deviceId: "measured-vulkan-mesa-software-llvmpipe" },
      { startedAt: "2025-01-02T04:00:00.000Z", file: "loop.wgsl", entry: "spin", status: "timeout", detail: "timed out after 500 ms" },
    ]);
    const lines = text.split("\n");
    assert.equal(lines[0], "KernelLens run history of /ws");
    assert.equal(lines[1], "2 runs, newest first");
    assert.match(lines[4]!, /^2025-01-02 04:00:00 +✗ timeout +run +loop\.wgsl:spin +timed out after 500 ms$/);
    assert.match(lines[5]!, /^2025-01-02 03:04:05 +✓ passed +run +saxpy\.wgsl:saxpy +1\.92 ms \(timestamp\) +model 2\.1 ms on measured adapter +lavapipe \(software\)$/);
    assert.equal(lines[3]!.indexOf("kernel"), lines[5]!.indexOf("saxpy.wgsl"));
    assert.match(historyText("/ws", []), /No runs recorded yet/);
  });
});

describe("rates that fit the kernel (issue 17)", () => {
  const rateOf = (o: RunOutcome): string => outcomeNotification(o).text.split(" · ")[2]!;

  it("a compute-bound kernel's line shows its FLOP rate, not a bandwidth rounded to nothing", () => {
    // matmul_tiled on lavapipe: 268 MFLOP in 0.97 s, 3 MiB of DRAM traffic.
    const matmul = outcome({ entry: "matmul_tiled", achieved: { gflops: 0.276, gbps: 0.00324, primary: "gflops" } });
    assert.equal(rateOf(matmul), "276 MFLOP/s");
    assert.doesNotMatch(outcomeNotification(matmul).text, /GB\/s|0\.00|\b0 [A-Z]/);
    const report = outcomeReport(matmul, { file: "m.wgsl", mode: "run", warmup: 2, repeat: 5, timeoutMs: 10_000 });
    assert.match(report, /achieved: +276 MFLOP\/s \(compute-bound in the model\), 3\.2 MB\/s \(the model's counts/);
  });

  it("a memory-bound kernel with tiny traffic shows MB/s with digits; a kernel without FLOPs shows no FLOP rate", () => {
    const reduction = outcome({ entry: "reduce_sum", achieved: { gflops: 0.0088, gbps: 0.0483, primary: "gbps" } });
    assert.equal(rateOf(reduction), "48 MB/s");
    const transpose = outcome({ entry: "transpose", achieved: { gflops: 0, gbps: 0.42, primary: "gbps" } });
    assert.equal(rateOf(transpose), "420 MB/s");
    const report = outcomeReport(transpose, { file: "t.wgsl", mode: "run", warmup: 2, repeat: 5, timeoutMs: 10_000 });
    assert.match(report, /achieved: +420 MB\/s \(memory-bound in the model\) \(the model's counts/);
    assert.doesNotMatch(report, /FLOP\/s/);
    // No count at all: no rate, not "0 GB/s".
    assert.doesNotMatch(outcomeNotification(outcome({ achieved: { gflops: 0, gbps: null } })).text, /\/s/);
  });
});

describe("describeError", () => {
  it("passes a package without Dawn's reason on whole, without blaming the machine's adapter", () => {
    const message = missingDawnMessage("linux", "arm64");
    assert.equal(describeError({ kind: "no-adapter", message }, undefined), message);
    assert.match(describeError({ kind: "no-adapter", message: "no adapter found: install a Vulkan driver" }, undefined), /^no GPU adapter: no adapter found/);
  });
});
