// runSweep without the GPU (`budget: 0`, predictions only): the checking phase yields, reports progress and stops at
// a cancel, keeping the points it checked. The measuring phase is tested on the real helper in test/dawn/.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { validateSweepResult } from "../../server/src/core/sweep/result";
import type { GpuHelper } from "../../server/src/gpu/types";
import { runSweep } from "../../server/src/sweep/runSweep";

const file = join(__dirname, "..", "..", "examples", "matmul-tiled-blocked.wgsl");
const text = readFileSync(file, "utf8");
const device = findDevice(DEFAULT_DEVICE_ID)!;
// Predicting only never touches the helper: any call is a test failure.
const noHelper = new Proxy({}, { get: (_t, key) => assert.fail(`the helper was used (${String(key)}) by a prediction-only sweep`) }) as GpuHelper;

describe("runSweep, predicting only", () => {
  it("checks every point without the GPU and reports progress", async () => {
    const events: string[] = [];
    const outcome = await runSweep(noHelper, { file, text, device, budget: 0, allowWorkspaceCode: false }, { progress: (e) => events.push(e.message) });
    assert.ok(outcome.ok);
    assert.deepEqual(validateSweepResult(outcome.result), []);
    assert.equal(outcome.result.points.length, 243);
    assert.equal(outcome.stats.method, "predict-only");
    assert.equal(outcome.result.objectives?.[0].label, "Predicted time");
    assert.ok(events.some((m) => /^checking point \d+ of 243$/.test(m)));
  });

  it("stops checking at a cancel and keeps the points checked so far", async () => {
    const listeners: (() => void)[] = [];
    const cancel = { cancelled: false, onCancel: (l: () => void) => listeners.push(l) };
    let seen = 0;
    const outcome = await runSweep(noHelper, { file, text, device, budget: 0, allowWorkspaceCode: false }, {
      cancel,
      progress: (e) => {
        // The second progress report (point 17) cancels, as a click on Cancel would between two checks.
        if (/^checking/.test(e.message) && ++seen === 2) cancel.cancelled = true;
      },
    });
    assert.ok(outcome.ok);
    assert.equal(outcome.stats.cancelled, true);
    assert.ok(outcome.result.points.length >= 17 && outcome.result.points.length < 243, String(outcome.result.points.length));
    assert.match(outcome.stats.stopReason, /^cancelled while checking the space \(\d+ of 243 points checked\)$/);
    assert.deepEqual(validateSweepResult(outcome.result), []);
  });
});
