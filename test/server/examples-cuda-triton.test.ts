// The bundled CUDA and Triton examples give, on the command line, the numbers their headers derive by hand.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { AnalyzeFileJson } from "../../server/src/cli/analyzeJson";

const root = join(__dirname, "..", "..");

function analyze(file: string): AnalyzeFileJson {
  const r = spawnSync(process.execPath, [join(root, "bin", "kernellens.js"), "analyze", "--json", "--no-nvcc", file], { cwd: root, encoding: "utf8", timeout: 120_000 });
  assert.ok(r.status === 0 || r.status === 1, `analyze ${file} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n")[0]!) as AnalyzeFileJson;
}

describe("bundled CUDA and Triton examples", { timeout: 120_000 }, () => {
  it("examples/cuda/row-sum.cu: 4096 blocks of 256, 4096 x (4096 + 255) FLOPs, the matrix and one float per row", () => {
    const file = analyze("examples/cuda/row-sum.cu");
    assert.equal(file.language, "cuda");
    const k = file.kernels.find((x) => x.name === "row_sum");
    assert.ok(k, JSON.stringify(file.kernels.map((x) => x.name)));
    assert.equal(k.invocations, 4096 * 256);
    assert.equal(k.flops, 4096 * (4096 + 255));
    assert.equal(k.bytes.compulsory, 4096 * 4096 * 4 + 4096 * 4);
    assert.equal(k.workgroupMemoryBytes, 256 * 4);
    assert.deepEqual(k.assumptions, [], "every size comes from the launch in the file");
  });

  it("examples/triton/softmax.py: one program per row of 1000 fp32 in a 1024 block, each row read and written once", () => {
    const file = analyze("examples/triton/softmax.py");
    assert.equal(file.language, "triton");
    assert.equal(file.kernels.length, 1);
    const k = file.kernels[0]!;
    assert.deepEqual(k.config, { BLOCK_SIZE: 1024, num_warps: 4, num_stages: 3 });
    assert.equal(k.bytes.compulsory, 2 * 4096 * 1000 * 4);
    assert.equal(k.roofline.bound, "memory");
  });
});
