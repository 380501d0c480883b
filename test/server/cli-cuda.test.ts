// The `kernellens` command line on CUDA files, run as users and CI run it: `analyze` reads .cu files with the CUDA
// front-end (language `cuda`, the same kernel entries as WGSL's, with their resources), and the commands that run
// kernels refuse them with exit 2.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Log } from "sarif";
import type { AnalyzeFileJson } from "../../server/src/cli/analyzeJson";
import { cudaExpectations } from "../fixtures/cuda/expectations";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
const fixture = (name: string): string => join("test", "fixtures", "cuda", name);

function kernellens(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", timeout: 60000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("kernellens analyze on CUDA files", { timeout: 120000 }, () => {
  const files = ["sgemm-3-smem-tiling.cu", "softmax-dynamic-smem.cu"];
  const run = kernellens("analyze", ...files.map(fixture), "--json", "--device", "nvidia-rtx-4090");
  const results = run.stdout.trim().split("\n").map((line) => JSON.parse(line) as AnalyzeFileJson);

  it("prints one contract object per file, language cuda, and exits 0 without errors", () => {
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(results.map((r) => [r.file, r.language, r.device.id]), files.map((f) => [fixture(f), "cuda", "nvidia-rtx-4090"]));
    for (const r of results) assert.deepEqual(Object.keys(r).sort(), ["device", "diagnostics", "file", "kernels", "language"]);
    assert.deepEqual(results[1]!.diagnostics.map((d) => d.code), ["low-arithmetic-intensity"]);
  });

  it("gives each launched kernel the FLOPs, bytes and launch derived by hand, with WGSL's fields and its resources", () => {
    const wgsl = JSON.parse(kernellens("analyze", "examples/saxpy.wgsl", "--json", "--no-tint").stdout) as AnalyzeFileJson;
    const fields = Object.keys(wgsl.kernels[0]!).sort();
    assert.ok(fields.includes("resources"));
    for (const r of results) {
      const expected = cudaExpectations.filter((e) => fixture(e.file) === r.file);
      assert.deepEqual(r.kernels.map((k) => k.name), expected.map((e) => (e.templateArgs ? `${e.kernel}<${e.templateArgs.join(", ")}>` : e.kernel)));
      r.kernels.forEach((k, i) => {
        const e = expected[i]!;
        assert.deepEqual(Object.keys(k).sort(), fields, k.name);
        assert.equal(k.flops, e.flops.f32 + e.flops.f16 + e.flops.bf16, k.name);
        assert.equal(k.specialOps, e.specialOps, k.name);
        assert.equal(k.bytes.compulsory, e.compulsoryBytes.read + e.compulsoryBytes.written, k.name);
        assert.deepEqual(k.workgroupSize, e.block, k.name);
        assert.deepEqual(k.dispatch, e.grid, k.name);
        // The model's estimates until nvcc's numbers come: shared memory from the declarations and the launch.
        assert.equal(k.resources.exact, false);
        assert.equal(k.resources.sharedMemoryBytes, e.staticSharedBytes, k.name);
        assert.equal(k.resources.dynamicSharedMemoryBytes, e.dynamicSharedBytes, k.name);
        assert.equal(k.resources.barriers, e.syncthreadsPerThread > 0 ? 1 : 0, k.name);
        assert.ok(typeof k.resources.registers === "number" && k.resources.registers > 0, k.name);
        for (const unknown of ["stackBytes", "spillStoreBytes", "spillLoadBytes"] as const) assert.equal(k.resources[unknown], null);
      });
    }
  });

  it("models another device with --device and writes SARIF with the CUDA artifact", () => {
    const h100 = JSON.parse(kernellens("analyze", fixture("sgemm-3-smem-tiling.cu"), "--json", "--device", "nvidia-h100-sxm").stdout) as AnalyzeFileJson;
    assert.equal(h100.device.id, "nvidia-h100-sxm");
    assert.equal(h100.kernels[0]!.flops, results[0]!.kernels[0]!.flops);
    assert.notEqual(h100.kernels[0]!.roofline.predictedMs, results[0]!.kernels[0]!.roofline.predictedMs);
    const sarif = kernellens("analyze", fixture("softmax-dynamic-smem.cu"), "--sarif");
    assert.equal(sarif.code, 0, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as Log;
    assert.deepEqual(log.runs[0]!.artifacts!.map((a) => a.sourceLanguage), ["cuda"]);
    assert.deepEqual(log.runs[0]!.results!.map((r) => r.ruleId), ["low-arithmetic-intensity"]);
  });
});

describe("kernellens run and sweep on CUDA files", { timeout: 60000 }, () => {
  for (const command of ["run", "sweep"]) {
    it(`${command} refuses a .cu file with exit 2 and says why`, () => {
      const r = kernellens(command, fixture("sgemm-3-smem-tiling.cu"));
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /CUDA kernels cannot be run by KernelLens/);
      assert.match(r.stderr, /kernellens analyze .*sgemm-3-smem-tiling\.cu/);
    });
  }
});
