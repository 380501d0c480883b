// The cost model answers for every entry point of a corpus of real-world-style WGSL, on every device, never throwing.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { listDevices } from "../../server/src/core/devices/database";

const corpus = join(__dirname, "..", "fixtures", "corpus");
const examples = join(__dirname, "..", "..", "examples");
const files = [
  ...readdirSync(corpus).filter((f) => f.endsWith(".wgsl") && f !== "common.wgsl").map((f) => join(corpus, f)),
  ...readdirSync(examples).filter((f) => f.endsWith(".wgsl")).map((f) => join(examples, f)),
];

function load(path: string) {
  return (device: ReturnType<typeof listDevices>[number]) =>
    analyzeSource(readFileSync(path, "utf8"), {
      model: { device },
      resolveInclude: (p, from) => {
        const full = resolve(dirname(from || path), p);
        return { key: full, text: readFileSync(full, "utf8") };
      },
    });
}

describe("the model on a corpus of real-world-style kernels", () => {
  const devices = listDevices();
  it("has a corpus worth the name", () => {
    assert.ok(files.length >= 20, `${files.length} files`);
  });
  for (const path of files) {
    it(`answers for every compute entry point of ${path.split("/").slice(-2).join("/")}`, () => {
      for (const device of devices) {
        const source = load(path)(device);
        assert.equal(source.diagnostics.filter((d) => d.code === "model-failed").length, 0, `no model failure on ${device.id}`);
        for (const k of source.kernels.filter((x) => x.stage === "compute")) {
          const m = source.models.get(k.name)?.model;
          assert.ok(m, `${k.name} has a model on ${device.id}`);
          if (m.invocations === null) {
            // No launch: the model must say why, never a silent zero.
            assert.ok(m.unknowns.length > 0, `${k.name}: an unknown launch comes with a reason`);
            assert.equal(m.traffic.l2Read, null, `${k.name}: no launch, no L2 traffic (not 0)`);
            // What needs only the workgroup size is there all the same.
            if (m.workgroupSize) assert.ok(m.occupancy && m.occupancy.value > 0, `${k.name}: occupancy without a dispatch`);
            continue;
          }
          const numbers = [m.ops.flopsF32.value, m.ops.intOps.value, m.traffic.l2Read, m.traffic.l2Written];
          for (const n of numbers) assert.ok(n !== null && Number.isFinite(n) && n >= 0, `${k.name}: finite counts on ${device.id}`);
          if (m.roofline.predictedMs !== null) assert.ok(m.roofline.predictedMs > 0 && Number.isFinite(m.roofline.predictedMs), `${k.name}: a positive prediction`);
          else assert.ok(m.unknowns.length > 0, `${k.name}: no prediction comes with a reason`);
          // Counts that are ranges must say why.
          const ranged = m.ops.flopsF32.min !== m.ops.flopsF32.max || m.ops.intOps.min !== m.ops.intOps.max;
          if (ranged) assert.ok(m.unknowns.length > 0 || m.ops.intOps.max !== Infinity, `${k.name}: a range has a reason`);
        }
      }
    });
  }
});
