// The quantization what-if scales the memory terms with the weights' bytes and keeps the rest of the model's
// prediction: the current format's row is exactly the time the lens shows, and fewer bits are never slower.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";
import { quantWhatIf } from "../../server/src/core/quant/whatIf";

const device = findDevice("nvidia-rtx-4090")!;

test("the current format's what-if time is the model's predicted time, and fewer bits never predict slower", () => {
  const text = readFileSync(join(__dirname, "..", "..", "examples", "quant", "int4-gemv-bad.wgsl"), "utf8");
  const a = analyzeSource(text, { model: { device } }).models.get("gemv_int4_bad")!;
  const w = quantWhatIf(a.model, a.quantization ?? [], device);
  assert.ok(w, "a what-if for the memory-bound int4 GEMV");
  const current = w.rows.find((r) => r.current)!;
  assert.equal(current.predictedMs, a.model.roofline.predictedMs);
  const byBits = [...w.rows].sort((x, y) => x.bits - y.bits);
  for (let i = 1; i < byBits.length; i++) assert.ok(byBits[i].predictedMs >= byBits[i - 1].predictedMs, `${byBits[i].format} is not faster than ${byBits[i - 1].format}`);
});
