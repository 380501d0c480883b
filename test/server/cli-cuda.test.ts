// The `kernellens` command line on CUDA files, run as users and CI run it: `analyze` reads .cu files with the CUDA
// front-end (language `cuda`, the same kernel entries as WGSL's, with their resources), and the commands that run
// kernels refuse them with exit 2.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Log } from "sarif";
import type { AnalyzeFileJson } from "../../server/src/cli/analyzeJson";
import { findNvcc } from "../../server/src/cuda/nvccResources";
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
  // The model's own estimates: nvcc is not run (--no-nvcc), wherever it is installed.
  const run = kernellens("analyze", ...files.map(fixture), "--json", "--device", "nvidia-rtx-4090", "--no-nvcc");
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
    const h100 = JSON.parse(kernellens("analyze", fixture("sgemm-3-smem-tiling.cu"), "--json", "--device", "nvidia-h100-sxm", "--no-nvcc").stdout) as AnalyzeFileJson;
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

describe("kernellens analyze on CUDA files with nvcc", { skip: "path" in findNvcc(undefined) ? false : "nvcc is not installed", timeout: 180000 }, () => {
  const files = ["sgemm-3-smem-tiling.cu", "softmax-dynamic-smem.cu"];
  const exact = kernellens("analyze", ...files.map(fixture), "--json", "--device", "nvidia-a100");
  const estimated = kernellens("analyze", ...files.map(fixture), "--json", "--device", "nvidia-a100", "--no-nvcc");
  const parse = (stdout: string): AnalyzeFileJson[] => stdout.trim().split("\n").map((line) => JSON.parse(line) as AnalyzeFileJson);

  it("compiles for the device's compute capability (sm_80) and gives ptxas's registers and static shared memory, exact", () => {
    assert.equal(exact.code, 0, exact.stderr);
    const results = parse(exact.stdout);
    for (const r of results) {
      assert.equal(r.device.id, "nvidia-a100-sxm-80gb");
      assert.deepEqual(r.diagnostics.filter((d) => d.source === "nvcc" || d.code.startsWith("nvcc")), [], r.file);
      const expected = cudaExpectations.filter((e) => fixture(e.file) === r.file);
      assert.equal(r.kernels.length, expected.length, r.file);
      r.kernels.forEach((k, i) => {
        const e = expected[i]!;
        assert.equal(k.resources.exact, true, k.name);
        assert.equal(k.resources.registers, e.ptxas.sm_80.registers, k.name);
        assert.equal(k.resources.sharedMemoryBytes, e.ptxas.sm_80.smem, k.name);
        assert.equal(k.resources.dynamicSharedMemoryBytes, e.dynamicSharedBytes, k.name);
        assert.equal(k.resources.stackBytes, e.ptxas.sm_80.stackFrame, k.name);
        assert.equal(k.resources.spillStoreBytes, e.ptxas.sm_80.spillStores, k.name);
        assert.equal(k.resources.spillLoadBytes, e.ptxas.sm_80.spillLoads, k.name);
        assert.equal(k.resources.barriers, e.ptxas.sm_80.barriers, k.name);
        // Occupancy from ptxas's numbers, marked exact; the workgroup memory is static plus the launch's dynamic.
        assert.equal(k.occupancy?.estimated, false, k.name);
        assert.equal(k.occupancy?.registersPerInvocation, e.ptxas.sm_80.registers, k.name);
        assert.equal(k.workgroupMemoryBytes, e.ptxas.sm_80.smem + e.dynamicSharedBytes, k.name);
      });
    }
  });

  it("keeps the estimates with --no-nvcc, and the counts do not depend on the compile", () => {
    assert.equal(estimated.code, 0, estimated.stderr);
    const a = parse(exact.stdout);
    const b = parse(estimated.stdout);
    for (const [i, r] of b.entries()) {
      r.kernels.forEach((k, j) => {
        assert.equal(k.resources.exact, false, k.name);
        assert.equal(k.occupancy?.estimated, true, k.name);
        assert.equal(k.flops, a[i]!.kernels[j]!.flops, k.name);
        assert.deepEqual(k.bytes, a[i]!.kernels[j]!.bytes, k.name);
      });
    }
  });

  it("a file nvcc cannot compile keeps the estimates and gets nvcc's errors at their lines", () => {
    const dir = mkdtempSync(join(tmpdir(), "kl-nvcc-"));
    try {
      const file = join(dir, "broken.cu");
      writeFileSync(file, "__global__ void k(float* x) {\n  x[threadIdx.x] = undeclared_name;\n}\nint main() { k<<<1, 32>>>(nullptr); }\n");
      const r = kernellens("analyze", file, "--json", "--device", "nvidia-a100", "--allow-outside");
      const [json] = parse(r.stdout);
      const nvcc = json!.diagnostics.filter((d) => d.source === "nvcc");
      assert.ok(nvcc.some((d) => d.range.start.line === 1 && /undeclared_name/.test(d.message)), JSON.stringify(json!.diagnostics));
      assert.ok(json!.diagnostics.some((d) => d.code === "nvcc-failed"), JSON.stringify(json!.diagnostics));
      assert.equal(json!.kernels[0]!.resources.exact, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
