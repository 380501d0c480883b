// The CUDA front-end against the hand-derived test kernels of test/fixtures/cuda (another engineer's derivations,
// in expectations.ts): every launched kernel gets exactly the FLOPs by dtype, special ops, compulsory bytes, launch,
// shared memory and barrier counts derived there, with no directive (the launches are in the files' host code).
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import { cudaExpectations } from "../fixtures/cuda/expectations";
import { analyzeCuda } from "../support/cudaParser";
import { findRepoRoot } from "../support/repoRoot";

const dir = join(findRepoRoot(), "test", "fixtures", "cuda");
const analyses = new Map<string, Promise<CudaSourceAnalysis>>();
const analysisOf = (file: string): Promise<CudaSourceAnalysis> => {
  let a = analyses.get(file);
  if (!a) analyses.set(file, (a = analyzeCuda(readFileSync(join(dir, file), "utf8"))));
  return a;
};

for (const e of cudaExpectations) {
  const name = e.templateArgs ? `${e.kernel}<${e.templateArgs.join(", ")}>` : e.kernel;
  test(`${e.file}: ${name} has the hand-derived FLOPs, bytes and launch`, async () => {
    const a = await analysisOf(e.file);
    assert.deepEqual(a.diagnostics.filter((d) => d.code === "cuda-syntax"), [], "the file parses");
    const k = a.kernels.find((x) => x.name === name);
    assert.ok(k, `an analysed kernel named ${name} (got ${a.kernels.map((x) => x.name).join(", ")})`);
    assert.equal(k.launch.source, "code", "the launch comes from the file's host code");
    assert.deepEqual(k.launch.grid, e.grid);
    assert.deepEqual(k.launch.block, e.block);
    assert.equal(k.launch.dynamicSharedBytes, e.dynamicSharedBytes);
    const m = a.models.get(name)!.model;
    assert.equal(m.invocations, e.threads);
    assert.deepEqual({ f32: m.ops.flopsF32.value, f16: m.ops.flopsF16.value, bf16: m.ops.flopsBF16.value }, e.flops);
    assert.equal(m.ops.specialOps.value, e.specialOps);
    assert.deepEqual({ read: m.traffic.compulsoryRead, written: m.traffic.compulsoryWritten }, e.compulsoryBytes);
    assert.equal(m.workgroupMemoryBytes, e.staticSharedBytes + e.dynamicSharedBytes);
    assert.equal(m.ops.barriers.value, e.syncthreadsTotal);
    assert.deepEqual(m.assumptions.filter((x) => x.source === "assumed"), [], "nothing is assumed");
    // Every span points into the file as written: the kernel's name is where the summary says.
    const text = readFileSync(join(dir, e.file), "utf8");
    assert.equal(text.slice(k.nameSpan.start, k.nameSpan.end), e.kernel);
    for (const acc of m.accesses) assert.ok(acc.span.end <= text.length && acc.span.start < acc.span.end, "access spans are in the original text");
  });
}
