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

// Every kernel of the examples and the test fixtures, with every directive line removed, as a new user opens
// a kernel taken from a library: FLOPs, bytes, occupancy, a bound and a predicted time, and what they rest on.
describe("the model with no directive at all", () => {
  const device = listDevices().find((d) => d.id === "nvidia-rtx-4090")!;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".wgsl") ? [join(dir, e.name)] : []));
  const all = [...walk(join(__dirname, "..", "fixtures")), ...walk(examples)].filter((f) => !/common\.wgsl$/.test(f));
  const directive = /^\s*\/\/\s*@(let|dispatch|buffer|uniform|override|texture|sweep|check|require|define|quant|quantize)\b.*$/gm;
  for (const path of all) {
    it(`gives numbers for every compute entry point of ${path.split("/").slice(-2).join("/")}`, () => {
      const text = readFileSync(path, "utf8").replace(directive, "");
      assert.doesNotMatch(text, /\/\/\s*@(dispatch|buffer|uniform|let)\b/);
      const source = analyzeSource(text, {
        model: { device },
        resolveInclude: (p, from) => {
          const full = resolve(dirname(from || path), p);
          return { key: full, text: readFileSync(full, "utf8") };
        },
      });
      for (const k of source.kernels.filter((x) => x.stage === "compute")) {
        const m = source.models.get(k.name)?.model;
        assert.ok(m, `${k.name} has a model`);
        const why = m.unknowns.map((u) => `${u.what}: ${u.reason}`).join("; ");
        assert.ok(m.invocations !== null && m.invocations > 0, `${k.name}: a launch (${why})`);
        assert.ok(Number.isFinite(m.ops.flopsF32.value + m.ops.flopsF16.value), `${k.name}: FLOPs`);
        assert.ok(m.traffic.dramRead !== null && m.traffic.dramWritten !== null, `${k.name}: DRAM bytes (${why})`);
        assert.ok(m.occupancy && m.occupancy.value > 0, `${k.name}: occupancy`);
        assert.notEqual(m.roofline.bound, "unknown", `${k.name}: a bound`);
        assert.ok(m.roofline.predictedMs !== null && m.roofline.predictedMs > 0, `${k.name}: a predicted time`);
        // Nothing silently: the dispatch is always listed (inferred or assumed), with the directive that states it.
        const dispatch = m.assumptions.find((a) => a.name === "dispatch");
        assert.ok(dispatch && dispatch.directive.startsWith("// @dispatch "), `${k.name}: the dispatch says where it came from`);
        for (const a of m.assumptions) assert.ok(a.reason.length > 0 && a.directive.startsWith("// @"), `${k.name}: ${a.name} says why and where`);
      }
    });
  }
});
