// Register spills (issue 14): where nvcc's ptxas reports spill stores and loads for a kernel, the model charges them as
// local-memory traffic (the same path as run-time indexed arrays: L1 bandwidth) and a `register-spill` finding at the
// kernel gives the bytes and the fix in CUDA's words. The spilling kernel is compiled here with the real nvcc (skipped
// without one), and every figure the test expects comes from that compile, not from a table.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { compiledKernels } from "../../server/src/cli/cudaCompile";
import { findDevice } from "../../server/src/core/devices/database";
import { breakdownMarkdown, CUDA_WORDS } from "../../server/src/core/model/format";
import { compileResources, findNvcc, type CudaKernelResources } from "../../server/src/cuda/nvccResources";
import { analyzeCuda } from "../support/cudaParser";
import { findRepoRoot } from "../support/repoRoot";

const skip = "path" in findNvcc(undefined) ? false : "nvcc is not installed";
const A100 = "nvidia-a100-sxm-80gb";
const a100 = () => findDevice(A100)!;

/**
 * An 8 x 8 register tile per thread (the 2D block-tiling idiom of SGEMM kernels) under __launch_bounds__(1024, 2):
 * 2,048 resident threads leave 32 registers each, fewer than the tile needs, so ptxas spills.
 */
const SPILLING = `
#define TM 8
#define TN 8
__global__ void __launch_bounds__(1024, 2) outer_product_tile(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, int n) {
  const int col = blockIdx.x * blockDim.x + threadIdx.x;
  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;
  for (int k = 0; k < n; ++k) {
    float ra[TM], rb[TN];
#pragma unroll
    for (int i = 0; i < TM; ++i) ra[i] = a[(k * TM + i) * n + col];
#pragma unroll
    for (int j = 0; j < TN; ++j) rb[j] = b[k * TN + j];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
      for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
  }
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) c[(i * TN + j) * n + col] = acc[i][j];
}

void launch(const float* a, const float* b, float* c, int n) {
  outer_product_tile<<<n / 1024, 1024>>>(a, b, c, n);
}
`;

async function compile(text: string, name: string): Promise<readonly CudaKernelResources[]> {
  const r = await compileResources({ text, name }, { arch: "8.0", trusted: true, compileCommands: false, cache: null, deadlineMs: 60_000 });
  assert.ok(r.ok, r.ok ? "" : `${r.kind}: ${r.message}`);
  return r.kernels;
}

describe("register spills from ptxas", { skip, timeout: 180_000 }, () => {
  it("a kernel ptxas spills gets 'register-spill' at its name, with ptxas's bytes, and the spills cost local-memory time", async () => {
    const kernels = await compile(SPILLING, "spill.cu");
    const k = kernels.find((x) => x.demangled.includes("outer_product_tile"));
    assert.ok(k, JSON.stringify(kernels));
    assert.ok((k.spillStoreBytes ?? 0) > 0 && (k.spillLoadBytes ?? 0) > 0, `ptxas spills: ${JSON.stringify(k)}`);
    const exact = await analyzeCuda(SPILLING, { device: A100, model: { device: a100(), compiled: compiledKernels(kernels) } });
    const spill = exact.diagnostics.filter((d) => d.code === "register-spill");
    assert.equal(spill.length, 1, JSON.stringify(exact.diagnostics.map((d) => d.code)));
    const d = spill[0]!;
    assert.equal(d.severity, "warning");
    if (process.env.KL_SHOW) console.log(d.message);
    assert.equal(SPILLING.slice(d.span.start, d.span.end), "outer_product_tile");
    assert.match(d.message, new RegExp(`${k.spillStoreBytes} bytes of spill stores and ${k.spillLoadBytes} bytes of spill loads per thread`));
    assert.match(d.message, new RegExp(`${k.stackBytes}-byte stack frame`));
    assert.match(d.message, new RegExp(`${k.registers} registers per thread`));
    assert.match(d.message, /__launch_bounds__/);
    assert.match(d.message, /-maxrregcount/);
    assert.doesNotMatch(d.message, /invocation|workgroup/);

    const name = exact.kernels[0]!.name;
    const model = exact.models.get(name)!.model;
    const threads = model.invocations!;
    assert.deepEqual(model.spills, { storeBytesPerThread: k.spillStoreBytes, loadBytesPerThread: k.spillLoadBytes, stackBytesPerThread: k.stackBytes, bytes: (k.spillStoreBytes! + k.spillLoadBytes!) * threads, source: "ptxas" });
    assert.ok((model.roofline.components.localMemoryMs ?? 0) > 0, "spill traffic is charged through the L1");
    // The hover's breakdown says so, in CUDA's words.
    assert.match(breakdownMarkdown(model, a100(), CUDA_WORDS), new RegExp(`Register spills.*${k.spillStoreBytes} B stored and ${k.spillLoadBytes} B loaded per thread, exact from ptxas`));

    // The same registers without the spills: no finding, no local-memory time, a shorter predicted time.
    const noSpills = compiledKernels(kernels).map((c) => ({ ...c, spillStoreBytes: 0, spillLoadBytes: 0 }));
    const clean = await analyzeCuda(SPILLING, { device: A100, model: { device: a100(), compiled: noSpills } });
    const cleanModel = clean.models.get(name)!.model;
    assert.ok(!clean.diagnostics.some((x) => x.code === "register-spill"));
    assert.equal(cleanModel.spills, undefined);
    assert.equal(cleanModel.roofline.components.localMemoryMs, undefined);
    // The spills' time is the L1 part of the on-chip memory component (the kernel is bound by DRAM either way).
    const spillMs = model.roofline.components.workgroupMs - cleanModel.roofline.components.workgroupMs;
    assert.ok(Math.abs(spillMs - model.roofline.components.localMemoryMs!) < 1e-9 * spillMs, `${spillMs} ms of spills`);
    assert.ok(model.roofline.predictedMs! >= cleanModel.roofline.predictedMs!);
    assert.equal(cleanModel.occupancy?.registersPerInvocation, model.occupancy?.registersPerInvocation);

    // Without nvcc's numbers nothing is said about spills: the static model cannot know them.
    const estimated = await analyzeCuda(SPILLING, { device: A100 });
    assert.ok(!estimated.diagnostics.some((x) => x.code === "register-spill"));
  });

  it("no CUDA fixture spills on sm_80, and none gets 'register-spill' with its compiled resources", async () => {
    const dir = join(findRepoRoot(), "test", "fixtures", "cuda");
    const files = readdirSync(dir).filter((f) => f.endsWith(".cu")).sort();
    assert.ok(files.length >= 10);
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      const kernels = await compile(text, f);
      assert.ok(kernels.length > 0, f);
      const analysis = await analyzeCuda(text, { device: A100, model: { device: a100(), compiled: compiledKernels(kernels) } });
      assert.ok([...analysis.models.values()].some((m) => !m.model.occupancy?.estimated), `${f}: exact resources were used`);
      assert.deepEqual(analysis.diagnostics.filter((d) => d.code === "register-spill").map((d) => d.message), [], f);
    }
  });
});
