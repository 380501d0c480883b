// Compares the static cost model with the hand derivations of the example kernels (test/fixtures/model-expectations.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource, type SourceAnalysis } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice, DEFAULT_DEVICE_ID } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { expectations } from "../fixtures/model-expectations";

const root = join(__dirname, "..", "..");
const device = findDevice(DEFAULT_DEVICE_ID)!;

function analyze(file: string, dev: DeviceSpec = device, given: ReadonlyMap<string, number> = new Map()): SourceAnalysis {
  const path = join(root, file);
  return analyzeSource(readFileSync(path, "utf8"), {
    model: { device: dev, given },
    resolveInclude: (p, from) => {
      const full = resolve(dirname(from || path), p);
      return { key: full, text: readFileSync(full, "utf8") };
    },
  });
}

function modelOf(file: string, entry: string, dev?: DeviceSpec, given?: ReadonlyMap<string, number>) {
  const source = analyze(file, dev, given);
  const m = source.models.get(entry);
  assert.ok(m, `${entry} in ${file} has a model`);
  return { source, analysis: m };
}

const l2Traffic = (file: string, entry: string, dev?: DeviceSpec, given?: ReadonlyMap<string, number>): number => {
  const t = modelOf(file, entry, dev, given).analysis.model.traffic;
  assert.ok(t.l2Read !== null && t.l2Written !== null, "a launch gives L2 traffic");
  return t.l2Read + t.l2Written;
};
const dramTraffic = (file: string, entry: string, dev?: DeviceSpec, given?: ReadonlyMap<string, number>): number => {
  const t = modelOf(file, entry, dev, given).analysis.model.traffic;
  return (t.dramRead ?? NaN) + (t.dramWritten ?? NaN);
};

describe("cost model against hand derivations", () => {
  for (const x of expectations) {
    it(`${x.entry} (${x.file}): counts, footprint and findings`, () => {
      const { source, analysis } = modelOf(x.file, x.entry);
      const m = analysis.model;
      assert.deepEqual(m.workgroupSize, x.workgroupSize, "workgroup size");
      assert.deepEqual(m.dispatch, x.dispatch, "dispatch");
      assert.equal(m.invocations, x.invocations, "invocations");
      const flops = m.ops.flopsF32.value + m.ops.flopsF16.value;
      assert.equal(flops, x.flops, `FLOPs (derivation: ${x.derivation})`);
      assert.equal(m.ops.flopsF32.min + m.ops.flopsF16.min, flops, "FLOPs are exact, not a range");
      assert.equal(m.ops.specialOps.value, x.specialOps, "special ops");
      assert.equal((m.traffic.compulsoryRead ?? NaN) + (m.traffic.compulsoryWritten ?? NaN), x.compulsoryBytes, "compulsory bytes");
      assert.equal(m.workgroupMemoryBytes, x.workgroupMemoryBytes, "workgroup memory");
      if (x.barriersPerInvocation !== undefined) assert.equal(m.ops.barriers.value / x.invocations, x.barriersPerInvocation, "barriers per invocation");
      assert.deepEqual(m.unknowns, [], "nothing unknown for a fully specified launch");
      if (x.expect?.uncoalescedGlobal !== undefined) {
        const uncoalesced = source.diagnostics.some((d) => d.code === "uncoalesced-access");
        assert.equal(uncoalesced, x.expect.uncoalescedGlobal, "uncoalesced-access finding");
      }
      if (x.expect?.lowerTrafficThan) {
        const [entry, file] = x.expect.lowerTrafficThan.split("@");
        // Tiling moves reuse into workgroup memory (or registers): fewer L1 clocks, and no more bytes below L1.
        const l1 = (f: string, e: string) => modelOf(f, e).analysis.model.roofline.components.l1Ms ?? 0;
        assert.ok(l1(x.file, x.entry) < l1(file, entry), `${x.entry} takes fewer L1 clocks than ${entry}: ${l1(x.file, x.entry)} vs ${l1(file, entry)} ms`);
        assert.ok(l2Traffic(x.file, x.entry) <= l2Traffic(file, entry), `${x.entry} requests no more L2 traffic than ${entry}`);
        assert.ok(dramTraffic(x.file, x.entry) <= dramTraffic(file, entry), `${x.entry} moves no more DRAM traffic than ${entry}`);
      }
    });
  }

  it("shows tiling lowering DRAM traffic once the working set overflows L2, by as much as the tile outgrows the block", () => {
    // 2048^3: A, B and C are 48 MB, larger than a 4 MB L2. The naive kernel's L1 serves what its 16 x 16 block shares
    // (l1Reuse.ts), so a 16 x 16 shared-memory tile moves the same DRAM bytes; the register-blocked kernel's 64 x 64
    // block reads each element of A and B for 4 times the outputs: a quarter of the bytes, and L2 keeps more of them.
    const small = findDevice("nvidia-t4");
    assert.ok(small, "the T4 is in the database");
    const big = new Map([["M", 2048], ["N", 2048], ["K", 2048]]);
    const naive = dramTraffic("examples/matmul-naive.wgsl", "matmul_naive", small, big);
    const tiled = dramTraffic("examples/matmul-tiled.wgsl", "matmul_tiled", small, big);
    const blocked = dramTraffic("examples/matmul-register-blocked.wgsl", "matmul_register_blocked", small, big);
    assert.ok(tiled <= naive, `tiled ${tiled} vs naive ${naive}`);
    assert.ok(blocked < naive / 4, `register-blocked ${blocked} vs naive ${naive}`);
    // What the 16 x 16 tile saves is the L1's clocks: its loads from A and B are coalesced rows, the naive kernel's
    // read a 16-row column of A (16 lines a warp).
    const l1 = (f: string, e: string) => modelOf(f, e, small, big).analysis.model.roofline.components.l1Ms ?? 0;
    assert.ok(l1("examples/matmul-tiled.wgsl", "matmul_tiled") < l1("examples/matmul-naive.wgsl", "matmul_naive") / 4);
    // And the compulsory footprint does not change with tiling.
    const comp = (f: string, e: string) => {
      const t = modelOf(f, e, small, big).analysis.model.traffic;
      return (t.compulsoryRead ?? 0) + (t.compulsoryWritten ?? 0);
    };
    assert.equal(comp("examples/matmul-naive.wgsl", "matmul_naive"), 3 * 2048 * 2048 * 4);
    assert.equal(comp("examples/matmul-tiled.wgsl", "matmul_tiled"), 3 * 2048 * 2048 * 4);
  });

  it("flags the naive transpose's store as uncoalesced with its stride, and not the tiled one", () => {
    const naive = analyze("examples/transpose-naive.wgsl").diagnostics.filter((d) => d.code === "uncoalesced-access");
    assert.equal(naive.length, 1);
    assert.match(naive[0].message, /1024 elements apart/);
    assert.match(naive[0].message, /25% efficiency/);
    assert.equal(analyze("examples/transpose-tiled.wgsl").diagnostics.filter((d) => d.code === "uncoalesced-access").length, 0);
  });

  it("suggests a 2-pass or online softmax for the 3-pass one only", () => {
    const has = (f: string): boolean => analyze(f).diagnostics.some((d) => d.code === "multi-pass");
    assert.equal(has("examples/softmax-3pass.wgsl"), true);
    assert.equal(has("examples/softmax-2pass.wgsl"), false);
    assert.equal(has("examples/softmax-online.wgsl"), false);
  });

  it("places kernels on the roofline sensibly", () => {
    const saxpy = modelOf("examples/saxpy.wgsl", "saxpy").analysis.model;
    assert.equal(saxpy.roofline.bound, "memory");
    assert.ok(saxpy.roofline.arithmeticIntensity! < 0.2);
    const mm = modelOf("examples/matmul-register-blocked.wgsl", "matmul_register_blocked").analysis.model;
    assert.ok(mm.roofline.arithmeticIntensity! > saxpy.roofline.arithmeticIntensity! * 100);
    assert.ok(saxpy.roofline.predictedMs! > 0 && mm.roofline.predictedMs! > 0);
  });
});
