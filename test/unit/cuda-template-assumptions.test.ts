// Template parameters nothing gives a value (no launch, instantiation, default, // @template or --let) are assumed
// and said to be, like every other size: an integer one takes the x extent of the kernel's block, halved until the
// static __shared__ memory fits CUDA's 48 KiB; a bool is true; a type is float. Shared memory derived by hand.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import type { KernelModel } from "../../server/src/core/model/types";
import { analyzeCuda } from "../support/cudaParser";

function model(a: CudaSourceAnalysis, name: string): KernelModel {
  const m = a.models.get(name)?.model;
  assert.ok(m, `a model for ${name} (models: ${[...a.models.keys()].join(", ")})`);
  return m;
}

const TRANSPOSE_BODY = `{
  __shared__ float tile[TILE][TILE + 1];
  tile[threadIdx.y][threadIdx.x] = out[threadIdx.y * TILE + threadIdx.x];
  __syncthreads();
  out[threadIdx.y * TILE + threadIdx.x] = tile[threadIdx.x][threadIdx.y];
}`;

test("an unvalued int TILE of a 2-D kernel is assumed 16, the assumed 16 x 16 block's edge, and listed as assumed", async () => {
  const a = await analyzeCuda(`template <int TILE> __global__ void k(float* out) ${TRANSPOSE_BODY}\n`);
  const m = model(a, "k<TILE>");
  // It reads threadIdx.y: a 16 x 16 block is assumed, so TILE = 16: tile is 16 rows of 17 floats = 16 * 17 * 4 bytes.
  assert.equal(m.workgroupMemoryBytes, 16 * 17 * 4);
  const tile = m.assumptions.find((x) => x.name === "TILE");
  assert.ok(tile, `an assumption for TILE (assumptions: ${m.assumptions.map((x) => x.name).join(", ")})`);
  assert.equal(tile.value, 16);
  assert.equal(tile.source, "assumed");
  assert.equal(tile.directive, "// @template TILE = 16");
  assert.match(tile.reason, /no launch, instantiation or \/\/ @template/);
  assert.match(tile.reason, /16 x 16 threads/);
  assert.equal(m.assumptions.find((x) => x.name === "block")?.directive, "// @block 16, 16");
});

test("a TILE only the shared array's size reads is still assumed (it was a silent 1: 8 bytes)", async () => {
  const text = `
template <int TILE> __global__ void k(float* out) {
  __shared__ float tile[TILE][TILE + 1];
  tile[threadIdx.y][threadIdx.x] = 1.0f;
  __syncthreads();
  out[threadIdx.y * 16 + threadIdx.x] = tile[threadIdx.x][threadIdx.y];
}`;
  const m = model(await analyzeCuda(text), "k<TILE>");
  // TILE = 16 with the assumed 16 x 16 block: 16 * 17 floats, not the 1 * 2 floats of TILE = 1.
  assert.equal(m.workgroupMemoryBytes, 16 * 17 * 4);
  const tile = m.assumptions.find((x) => x.name === "TILE")!;
  assert.deepEqual([tile.value, tile.source, tile.directive], [16, "assumed", "// @template TILE = 16"]);
});

test("a 1-D kernel's BLOCK is the assumed 256-thread block; __launch_bounds__ gives the block and so the value", async () => {
  const text = `
template <int BLOCK> __global__ void sum(const float* x, float* y) {
  __shared__ float part[BLOCK];
  part[threadIdx.x] = x[threadIdx.x];
  __syncthreads();
  if (threadIdx.x == 0) y[0] = part[BLOCK - 1];
}
template <int BLOCK> __global__ void __launch_bounds__(128) sum2(const float* x, float* y) {
  __shared__ float part[BLOCK];
  part[threadIdx.x] = x[threadIdx.x];
  __syncthreads();
  if (threadIdx.x == 0) y[0] = part[BLOCK - 1];
}`;
  const a = await analyzeCuda(text);
  const m = model(a, "sum<BLOCK>");
  // 256 floats of 4 bytes.
  assert.equal(m.workgroupMemoryBytes, 256 * 4);
  const block = m.assumptions.find((x) => x.name === "BLOCK")!;
  assert.deepEqual([block.value, block.source, block.directive], [256, "assumed", "// @template BLOCK = 256"]);
  const m2 = model(a, "sum2<BLOCK>");
  // __launch_bounds__(128): 128 floats.
  assert.equal(m2.workgroupMemoryBytes, 128 * 4);
  const block2 = m2.assumptions.find((x) => x.name === "BLOCK")!;
  assert.deepEqual([block2.value, block2.source, block2.directive], [128, "assumed", "// @template BLOCK = 128"]);
  assert.match(block2.reason, /__launch_bounds__/);
});

test("a // @block line's block gives the assumed TILE: 32 x 8 threads, TILE = 32", async () => {
  const a = await analyzeCuda(`// @block 32, 8\ntemplate <int TILE> __global__ void k(float* out) ${TRANSPOSE_BODY}\n`);
  const m = model(a, "k<TILE>");
  // 32 rows of 33 floats.
  assert.equal(m.workgroupMemoryBytes, 32 * 33 * 4);
  const tile = m.assumptions.find((x) => x.name === "TILE")!;
  assert.deepEqual([tile.value, tile.source, tile.directive], [32, "assumed", "// @template TILE = 32"]);
  assert.match(tile.reason, /the \/\/ @block line's block \(32 x 8 threads\)/);
});

test("tiles that would pass 48 KiB of static shared memory are halved until they fit; no launch-limit error", async () => {
  const text = `
template <int BM, int BK> __global__ void mm(const float* A, float* C) {
  __shared__ float As[BM * BK];
  __shared__ float Bs[BK * BM];
  As[threadIdx.x] = A[threadIdx.x];
  Bs[threadIdx.x] = A[threadIdx.x + 1];
  __syncthreads();
  C[threadIdx.x] = As[threadIdx.x] * Bs[threadIdx.x];
}`;
  const a = await analyzeCuda(text);
  const m = model(a, "mm<BM, BK>");
  // 256 each: 2 * 256 * 256 * 4 = 512 KiB; 128: 128 KiB; 64: 2 * 64 * 64 * 4 = 32 KiB, within 48 KiB.
  assert.equal(m.workgroupMemoryBytes, 2 * 64 * 64 * 4);
  for (const name of ["BM", "BK"]) {
    const x = m.assumptions.find((y) => y.name === name)!;
    assert.deepEqual([x.value, x.source, x.directive], [64, "assumed", `// @template ${name} = 64`]);
    assert.match(x.reason, /halved to 64 so its static __shared__ memory fits CUDA's 48 KiB/);
  }
  assert.deepEqual(a.diagnostics.filter((d) => d.code === "cuda-launch-limits"), []);
});

test("a bool template parameter is assumed true, and said so", async () => {
  const text = `
template <bool PAD> __global__ void k(float* out) {
  __shared__ float s[32 + PAD];
  s[threadIdx.x] = out[threadIdx.x];
  __syncthreads();
  out[threadIdx.x] = s[31 - threadIdx.x];
}`;
  const m = model(await analyzeCuda(text), "k<PAD>");
  // 33 floats.
  assert.equal(m.workgroupMemoryBytes, 33 * 4);
  const pad = m.assumptions.find((x) => x.name === "PAD")!;
  assert.deepEqual([pad.value, pad.source, pad.directive], [1, "assumed", "// @template PAD = 1"]);
  assert.match(pad.reason, /assumed true/);
});

test("// @template TILE = 16 names the instantiation: nothing about TILE is assumed", async () => {
  const a = await analyzeCuda(`// @template TILE = 16\ntemplate <int TILE> __global__ void k(float* out) ${TRANSPOSE_BODY}\n`);
  const m = model(a, "k<16>");
  assert.equal(m.workgroupMemoryBytes, 16 * 17 * 4);
  assert.equal(m.assumptions.find((x) => x.name === "TILE"), undefined);
});

test("a launch k<16><<<...>>> gives TILE, block and grid: nothing is assumed", async () => {
  const text = `template <int TILE> __global__ void k(float* out) ${TRANSPOSE_BODY}
int main() {
  float* out;
  cudaMalloc(&out, 16 * 16 * sizeof(float));
  k<16><<<1, dim3(16, 16)>>>(out);
  return 0;
}`;
  const a = await analyzeCuda(text);
  const m = model(a, "k<16>");
  assert.equal(m.workgroupMemoryBytes, 16 * 17 * 4);
  assert.deepEqual(m.assumptions.filter((x) => x.source === "assumed"), []);
  assert.equal(m.assumptions.find((x) => x.name === "TILE"), undefined);
});

test("--let TILE=32 gives the value: 32 rows of 33 floats, TILE not assumed", async () => {
  const a = await analyzeCuda(`template <int TILE> __global__ void k(float* out) ${TRANSPOSE_BODY}\n`, { model: { given: new Map([["TILE", 32]]) } } as never);
  const m = model(a, "k<TILE>");
  assert.equal(m.workgroupMemoryBytes, 32 * 33 * 4);
  assert.equal(m.assumptions.find((x) => x.name === "TILE"), undefined);
});

test("a typename T no one instantiates is float, and said so with the directive that states it", async () => {
  const body = `__global__ void g(T* out) {
  __shared__ T s[64];
  s[threadIdx.x] = out[threadIdx.x];
  __syncthreads();
  out[threadIdx.x] = s[63 - threadIdx.x];
}`;
  const m = model(await analyzeCuda(`template <typename T> ${body}\n`), "g<T>");
  // 64 floats.
  assert.equal(m.workgroupMemoryBytes, 64 * 4);
  const t = m.unknowns.find((u) => u.what === "template parameter 'T'")!;
  assert.match(t.reason, /float is assumed \(add \/\/ @template T = float\)/);
  const d = model(await analyzeCuda(`// @template T = double\ntemplate <typename T> ${body}\n`), "g<double>");
  // 64 doubles, nothing assumed about T.
  assert.equal(d.workgroupMemoryBytes, 64 * 8);
  assert.equal(d.unknowns.find((u) => u.what === "template parameter 'T'"), undefined);
});
