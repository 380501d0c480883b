// Register tiles in CUDA as nvcc keeps them: an array whose every index is a constant after unrolling is registers
// however large (the register estimate counts all of it), and a loop that runs once is no loop (its counter is a
// constant even when a rolled loop sits inside it), so the arrays it indexes stay registers, not local memory.
// Found by siboehm's kernels 9 and 10 (test/fixtures/cuda/sgemm-9/10-*.cu), checked against ptxas.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeCuda } from "../support/cudaParser";

const tile = (outer: string) => `// @grid 256
// @block 128
// @arg k = 1024
__global__ void tile_acc(const float* __restrict__ a, float* __restrict__ c, int k) {
  float acc[128];
#pragma unroll
  for (int i = 0; i < 128; ++i) acc[i] = 0.0f;
  ${outer} {
    for (int t = 0; t < k; ++t) {
#pragma unroll
      for (int i = 0; i < 128; ++i) acc[i] += a[t * 128 + i] * a[t];
    }
  }
#pragma unroll
  for (int i = 0; i < 128; ++i) c[(blockIdx.x * 128 + threadIdx.x) * 128 + i] = acc[i];
}`;

describe("register tiles", () => {
  it("a 128-float accumulator indexed only by unrolled counters is 128 registers of the estimate, not a spill", async () => {
    const a = await analyzeCuda(tile("for (int once = 0; once < 1; ++once)"));
    const m = a.models.get("tile_acc")!.model;
    assert.equal(m.localMemory, undefined, "no array in local memory");
    // 12 base + 128 words of acc (+ the scalars): more than 128, where the old 64-word spill rule gave about 20.
    assert.ok(m.occupancy!.registersPerInvocation > 128, String(m.occupancy!.registersPerInvocation));
  });

  it("a loop that runs once around a rolled loop leaves the arrays it indexes in registers; one that runs twice does not", async () => {
    // acc[s * 64 + i % 64]: a constant index when s only takes 0 (nvcc drops the loop), a run-time one when the loop
    // runs twice around the rolled loop over t (nvcc cannot unroll it).
    const indexedBy = (trips: number) => tile(`for (int s = 0; s < ${trips}; ++s)`).replace("acc[i] += a[t * 128 + i] * a[t];", "acc[s * 64 + i % 64] += a[t * 128 + i] * a[t];");
    const once = (await analyzeCuda(indexedBy(1))).models.get("tile_acc")!.model;
    assert.equal(once.localMemory, undefined);
    const twice = (await analyzeCuda(indexedBy(2))).models.get("tile_acc")!.model;
    assert.deepEqual(twice.localMemory?.arrays.map((x) => x.name), ["acc"]);
  });
});
