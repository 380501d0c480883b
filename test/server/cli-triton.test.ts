// The `kernellens` command line on Triton (.py) files, run as users and CI run it: `analyze` reads them with the
// Triton front-end (language `triton`, one kernel entry per configuration with its `config`, and the fields WGSL and
// CUDA kernels have), a plain Python file gets no kernels and no diagnostics, `report` writes the same page as for CUDA
// with one row per configuration, and the commands that run kernels refuse .py files with exit 2.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AnalyzeFileJson } from "../../server/src/cli/analyzeJson";
import { check } from "../../server/src/core/validation";
import { reportDataChecker, type ReportData } from "../../webview/src/report/protocol";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
const fixture = (name: string): string => join("test", "fixtures", "triton", name);

let scratch: string;

function kernellens(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, KERNELLENS_PROFILE_DIR: join(scratch, "no-profiles") } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("kernellens on Triton files", { timeout: 240_000 }, () => {
  before(() => {
    const built = spawnSync(process.execPath, ["build.mjs"], { cwd: root, encoding: "utf8" });
    assert.equal(built.status, 0, `node build.mjs failed:\n${built.stdout}${built.stderr}`);
    scratch = mkdtempSync(join(tmpdir(), "kl-triton-cli-"));
    mkdirSync(join(scratch, "no-profiles"));
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("analyze --json: one entry per configuration with its config object, the contract's fields, and nothing for plain Python", () => {
    const run = kernellens(root, "analyze", fixture("matmul-autotuned.py"), fixture("plain.py"), "--json", "--device", "nvidia-h100-sxm");
    assert.equal(run.code, 0, run.stderr);
    const [matmul, plain] = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as AnalyzeFileJson);
    assert.deepEqual([matmul!.language, plain!.language], ["triton", "triton"]);
    assert.deepEqual([plain!.kernels, plain!.diagnostics], [[], []]);
    const wgsl = JSON.parse(kernellens(root, "analyze", "examples/saxpy.wgsl", "--json", "--no-tint").stdout) as AnalyzeFileJson;
    const fields = Object.keys(wgsl.kernels[0]!).sort();
    assert.deepEqual(matmul!.kernels.map((k) => k.config), [
      { BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 256, BLOCK_SIZE_K: 64, GROUP_SIZE_M: 8, num_warps: 8, num_stages: 3 },
      { BLOCK_SIZE_M: 64, BLOCK_SIZE_N: 256, BLOCK_SIZE_K: 32, GROUP_SIZE_M: 8, num_warps: 4, num_stages: 4 },
      { BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 128, BLOCK_SIZE_K: 32, GROUP_SIZE_M: 8, num_warps: 4, num_stages: 4 },
    ]);
    for (const k of matmul!.kernels) {
      assert.deepEqual(Object.keys(k).filter((f) => f !== "config" && f !== "configSource" && f !== "function").sort(), fields, k.name);
      assert.equal(k.configSource, "autotune");
      assert.equal(k.function, "matmul_kernel");
      // derivations.md: 2 x 4096^3 in every configuration; num_warps x 32 threads per program.
      assert.equal(k.flops, 137_438_953_472);
      assert.equal(k.workgroupSize![0] * k.workgroupSize![1] * k.workgroupSize![2], k.config!.num_warps * 32);
      assert.equal(k.resources.exact, false);
    }
  });

  it("analyze without --json prints each configuration's prediction on its own line", () => {
    const run = kernellens(root, "analyze", fixture("matmul-autotuned.py"), "--device", "nvidia-h100-sxm");
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split("\n").filter((l) => l.includes(": matmul_kernel ["));
    assert.equal(lines.length, 3, run.stdout);
    for (const l of lines) assert.match(l, /^test\/fixtures\/triton\/matmul-autotuned\.py:\d+:\d+: matmul_kernel \[BLOCK_SIZE_M=\d+ .*\]: ≈ [\d.]+ (ms|µs) \(modelled\) · .*-bound · occupancy \d+% \(estimated\) · \d+ B shared memory \(estimated\)/);
  });

  it("report: one row per configuration, Triton's words, no runs, the resources' origin", () => {
    const cwd = mkdtempSync(join(scratch, "cwd-"));
    copyFileSync(join(root, fixture("matmul-autotuned.py")), join(cwd, "matmul-autotuned.py"));
    const r = kernellens(cwd, "report", "matmul-autotuned.py", "-o", "report.html", "--device", "nvidia-h100-sxm");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote report\.html \(\d+ KiB\): 3 kernels, \d+ findings?, registers and shared memory estimated; modelled on NVIDIA H100/);
    const html = readFileSync(join(cwd, "report.html"), "utf8");
    const m = /<script type="application\/json" id="kernellens-report-data">([^<]*)<\/script>/.exec(html);
    assert.ok(m, "the report has its data block");
    const data = JSON.parse(m[1]!) as ReportData;
    assert.equal(check(reportDataChecker, data, "data").ok, true);
    assert.equal(data.header.language, "triton");
    assert.equal(data.roofline.language, "triton");
    assert.equal(data.kernels.length, 3);
    assert.deepEqual(data.runs, []);
    assert.equal(data.header.compilerChecked, false);
    assert.match(data.header.resources!.detail, /estimated from the block shapes/);
  });

  it("report of a plain Python file says it has no Triton kernel", () => {
    const cwd = mkdtempSync(join(scratch, "cwd-"));
    copyFileSync(join(root, fixture("plain.py")), join(cwd, "plain.py"));
    const r = kernellens(cwd, "report", "plain.py");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /'plain\.py' has no @triton\.jit kernel \(it does not import triton\)/);
  });

  it("run and sweep refuse a Triton file with exit 2 and point at analyze and report", () => {
    for (const command of ["run", "sweep"]) {
      const r = kernellens(root, command, fixture("vector-add.py"));
      assert.equal(r.code, 2, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /Triton kernels cannot be run by KernelLens .*'kernellens analyze test\/fixtures\/triton\/vector-add\.py'/);
    }
  });
});
