// A run's achieved rates as people read them: the meaningful rate first, in a unit with digits (issue 17).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { achievedRates, formatByteRate, formatFlopRate, formatSiRate, primaryRateOf } from "../../server/src/core/run/achievedRates";

describe("formatSiRate", () => {
  it("picks the prefix that leaves digits before the unit: never 0.00 GB/s", () => {
    assert.equal(formatByteRate(4.4e6), "4.4 MB/s");
    assert.equal(formatByteRate(37.44e6), "37.4 MB/s");
    assert.equal(formatByteRate(1.1234e9), "1.12 GB/s");
    assert.equal(formatByteRate(1.0084e12), "1.01 TB/s");
    assert.equal(formatByteRate(512), "512 B/s");
    assert.equal(formatFlopRate(379.4e6), "379 MFLOP/s");
    assert.equal(formatFlopRate(82.58e12), "82.6 TFLOP/s");
    assert.equal(formatFlopRate(8.8e6, 2), "8.8 MFLOP/s");
    assert.equal(formatByteRate(6.56e9, 2), "6.6 GB/s");
  });

  it("carries a value that rounds to 1000 into the next prefix", () => {
    assert.equal(formatByteRate(999.7e6), "1 GB/s");
    assert.equal(formatByteRate(999.4e6), "999 MB/s");
  });

  it("says what it cannot say", () => {
    assert.equal(formatSiRate(Number.NaN, "B"), "? B/s");
    assert.equal(formatSiRate(0, "FLOP"), "0 FLOP/s");
  });
});

describe("achievedRates", () => {
  it("leads with the FLOP rate of a compute-bound kernel and keeps bandwidth second", () => {
    const rates = achievedRates({ gflops: 0.379, gbps: 0.00445, primary: "gflops" });
    assert.deepEqual(rates.map((r) => [r.text, r.primary]), [["379 MFLOP/s", true], ["4.45 MB/s", false]]);
  });

  it("leads with bandwidth for a memory-bound kernel and for an outcome recorded without a bound", () => {
    assert.deepEqual(achievedRates({ gflops: 0.19, gbps: 1.12, primary: "gbps" }).map((r) => r.kind), ["gbps", "gflops"]);
    assert.deepEqual(achievedRates({ gflops: 0.19, gbps: 1.12 }).map((r) => [r.kind, r.primary]), [["gbps", false], ["gflops", false]]);
  });

  it("leaves out a rate whose count is zero or unknown", () => {
    assert.deepEqual(achievedRates({ gflops: 0, gbps: 0.75, primary: "gbps" }).map((r) => r.text), ["750 MB/s"]);
    assert.deepEqual(achievedRates({ gflops: 2, gbps: null }).map((r) => r.text), ["2 GFLOP/s"]);
    assert.deepEqual(achievedRates({ gflops: null, gbps: null }), []);
    assert.deepEqual(achievedRates(undefined), []);
  });

  it("takes the rate that matters from the model's bound", () => {
    assert.equal(primaryRateOf("compute"), "gflops");
    assert.equal(primaryRateOf("workgroup-memory"), "gflops");
    assert.equal(primaryRateOf("memory"), "gbps");
    assert.equal(primaryRateOf("latency"), undefined);
    assert.equal(primaryRateOf("unknown"), undefined);
  });
});
