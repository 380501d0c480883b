// `kernellens analyze` on CUDA files with nvcc: each kernel's `sass` object (SASS instructions in all and per line,
// from the -lineinfo cubin) and the PTX cross-check of the model's FLOPs, as users and CI see them (JSON and text).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { AnalyzeFileJson } from "../../server/src/cli/analyzeJson";
import { findNvcc } from "../../server/src/cuda/nvccResources";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
const fixture = (name: string): string => join("test", "fixtures", "cuda", name);
const nvcc = findNvcc(undefined);
const noNvcc = "error" in nvcc ? `nvcc is not installed (${nvcc.error}): nothing to compile` : false;

function kernellens(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", timeout: 120000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const lineOf = (file: string, snippet: string): number => {
  const text = readFileSync(join(root, file), "utf8");
  return text.slice(0, text.indexOf(snippet)).split("\n").length;
};

describe("kernellens analyze: SASS per line and the PTX cross-check", { timeout: 240000 }, () => {
  it("gives each compiled kernel its SASS per line, exact, with header code on the calling line", { skip: noNvcc }, () => {
    const file = fixture("reduce-sum-shfl.cu");
    const run = kernellens("analyze", file, "--json", "--device", "nvidia-a100-sxm4-80gb");
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as AnalyzeFileJson;
    const sass = r.kernels[0]!.sass;
    assert.ok(sass, "a sass object");
    assert.equal(sass.arch, "sm_80");
    assert.equal(sass.exact, true);
    assert.equal(sass.lines.reduce((a, l) => a + l.instructions, 0) + sass.unattributed, sass.instructions);
    assert.equal(sass.unattributed, 0);
    const shfl = sass.lines.find((l) => l.line === lineOf(file, "v += __shfl_down_sync("));
    assert.ok(shfl && shfl.instructions >= 10, "the ten shuffles (two trees of five) and their adds on the line that calls them");
    assert.ok(!r.diagnostics.some((d) => d.code === "ptx-flops-mismatch"), "the model and the PTX agree");

    const text = kernellens("analyze", file, "--device", "nvidia-a100-sxm4-80gb");
    assert.match(text.stdout, new RegExp(`reduce_sum: ${sass.instructions} SASS instructions \\(sm_80, exact, from the cubin\\)`));
  });

  it("has sass null without nvcc (--no-nvcc) and for WGSL", () => {
    const cu = JSON.parse(kernellens("analyze", fixture("reduce-sum-shfl.cu"), "--json", "--no-nvcc").stdout) as AnalyzeFileJson;
    assert.deepEqual(cu.kernels.map((k) => k.sass), [null]);
    const wgsl = JSON.parse(kernellens("analyze", "examples/saxpy.wgsl", "--json", "--no-tint").stdout) as AnalyzeFileJson;
    assert.ok(wgsl.kernels.length > 0 && wgsl.kernels.every((k) => k.sass === null));
  });

  const dir = mkdtempSync(join(tmpdir(), "kernellens-cli-sass-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reports where nvcc computes less than the source says: an info diagnostic at the line with both numbers", { skip: noNvcc }, () => {
    const file = join(dir, "repeated.cu");
    writeFileSync(
      file,
      `__global__ void square_twice(const float *__restrict__ x, float *__restrict__ y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = (x[i] * 3.0f) * (x[i] * 3.0f);
}
int main() { float *x = nullptr; square_twice<<<4096, 256>>>(x, x, 4096 * 256); return 0; }
`,
    );
    const run = kernellens("analyze", file, "--json", "--device", "nvidia-a100-sxm4-80gb", "--allow-outside");
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as AnalyzeFileJson;
    const d = r.diagnostics.filter((x) => x.code === "ptx-flops-mismatch");
    assert.equal(d.length, 1, JSON.stringify(r.diagnostics));
    assert.equal(d[0]!.severity, "info");
    assert.equal(d[0]!.range.start.line, 0, "the kernel's line");
    assert.match(d[0]!.message, /square_twice: The model counts 3 32\/64-bit float FLOPs per thread .*does 0 to 2 per thread/);
  });
});
