// The CUDA front-end, kernel by kernel: small kernels of our own whose FLOPs by dtype, compulsory bytes, access
// patterns, barriers and shared memory are derived by hand in the comments, analysed on an RTX 4090.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import type { IrNode } from "../../server/src/core/kernel/ir";
import type { KernelModel } from "../../server/src/core/model/types";
import { analyzeCuda } from "../support/cudaParser";

function model(a: CudaSourceAnalysis, name: string): KernelModel {
  const m = a.models.get(name)?.model;
  assert.ok(m, `a model for ${name} (models: ${[...a.models.keys()].join(", ")})`);
  return m;
}

const flops = (m: KernelModel) => ({ f32: m.ops.flopsF32.value, f16: m.ops.flopsF16.value, bf16: m.ops.flopsBF16.value, tensor: m.ops.tensorFlops.value, special: m.ops.specialOps.value });
const compulsory = (m: KernelModel) => ({ read: m.traffic.compulsoryRead, written: m.traffic.compulsoryWritten });

/** Every node of an IR body, flattened. */
function nodes(body: readonly IrNode[], out: IrNode[] = []): IrNode[] {
  for (const n of body) {
    out.push(n);
    if (n.k === "if") { nodes(n.then, out); nodes(n.else, out); }
    else if (n.k === "loop") { nodes(n.header, out); nodes(n.body, out); nodes(n.latch, out); }
    else if (n.k === "call" || n.k === "block") nodes(n.body, out);
    else if (n.k === "switch") for (const arm of n.arms) nodes(arm.body, out);
  }
  return out;
}

test("saxpy launched from host code: grid, block and buffer sizes come from main", async () => {
  const text = `
#include <cuda_runtime.h>
__global__ void saxpy(int n, float a, const float* x, float* y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}
int main() {
  const int N = 1 << 20;
  float *x, *y;
  cudaMalloc(&x, N * sizeof(float));
  cudaMalloc((void**)&y, N * sizeof(float));
  saxpy<<<(N + 255) / 256, 256>>>(N, 2.0f, x, y);
  return 0;
}`;
  const a = await analyzeCuda(text);
  const k = a.kernels.find((x) => x.name === "saxpy")!;
  // (2^20 + 255) / 256 = 4,096 blocks of 256: 2^20 threads, one element each.
  assert.deepEqual(k.launch, { grid: [4096, 1, 1], block: [256, 1, 1], dynamicSharedBytes: 0, source: "code", site: k.launch.site });
  assert.equal(text.slice(k.launch.site!.start, k.launch.site!.end), "saxpy<<<(N + 255) / 256, 256>>>(N, 2.0f, x, y)");
  const m = model(a, "saxpy");
  // a * x[i] + y[i]: 2 FLOPs per thread. Integer ops: blockIdx.x * blockDim.x + threadIdx.x (2) and i < n (1).
  assert.deepEqual(flops(m), { f32: 2 * 2 ** 20, f16: 0, bf16: 0, tensor: 0, special: 0 });
  assert.equal(m.ops.intOps.value, 3 * 2 ** 20);
  // x and y read once (4 MiB each), y written once.
  assert.deepEqual(compulsory(m), { read: 8 * 2 ** 20, written: 4 * 2 ** 20 });
  assert.deepEqual(m.accesses.map((x) => [text.slice(x.span.start, x.span.end), x.kind, x.pattern]), [
    ["x[i]", "load", "coalesced"],
    ["y[i]", "load", "coalesced"],
    ["y[i]", "store", "coalesced"],
  ]);
  // cudaMalloc's sizes are the buffers' sizes: nothing is assumed.
  assert.deepEqual(a.launches.get("saxpy")!.bufferBytes, new Map([["x", 4 * 2 ** 20], ["y", 4 * 2 ** 20]]));
  assert.deepEqual(m.assumptions, []);
});

test("a templated block reduction with extern shared memory and a grid-stride loop, launched as block_sum<128>", async () => {
  const text = `
template <int BLOCK>
__global__ void block_sum(const float* __restrict__ in, float* out, int n) {
  extern __shared__ float buf[];
  float acc = 0.0f;
  for (int i = blockIdx.x * BLOCK + threadIdx.x; i < n; i += BLOCK * gridDim.x) acc += in[i];
  buf[threadIdx.x] = acc;
  __syncthreads();
  for (int s = BLOCK / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[blockIdx.x] = buf[0];
}
int main() {
  int n = 1 << 22;
  float *d_in, *d_out;
  block_sum<128><<<256, 128, 128 * sizeof(float)>>>(d_in, d_out, n);
}`;
  const a = await analyzeCuda(text);
  assert.deepEqual(a.kernels.map((k) => [k.name, k.templateArgs]), [["block_sum<128>", [{ name: "BLOCK", value: "128" }]]]);
  const m = model(a, "block_sum<128>");
  // 256 x 128 = 32,768 threads; the grid-stride loop gives each n / 32,768 = 128 elements: 128 adds = n in all.
  // The tree: s = 64, 32, ..., 1 (7 steps), s adds per block in step s: 127 per block, 256 x 127 = 32,512.
  assert.deepEqual(flops(m), { f32: 2 ** 22 + 32_512, f16: 0, bf16: 0, tensor: 0, special: 0 });
  // One barrier before the tree and one per step: 8 per thread.
  assert.equal(m.ops.barriers.value, 8 * 32_768);
  // The launch's third argument sizes the extern array: 512 bytes of shared memory.
  assert.equal(m.workgroupMemoryBytes, 512);
  assert.equal(a.kernels[0].launch.dynamicSharedBytes, 512);
  // in read whole (4n), one float written per block.
  assert.deepEqual(compulsory(m), { read: 4 * 2 ** 22, written: 256 * 4 });
  // The grid-stride loop has a counter stepping by the launch's size.
  const loop = a.irs.get("block_sum<128>")!.body.find((n): n is Extract<IrNode, { k: "loop" }> => n.k === "loop")!;
  assert.equal(loop.counterName, "i");
  assert.deepEqual(m.loops[0].tripCount?.value, 128);
});

test("a warp-shuffle reduction in a __device__ function is inlined; directives give the launch", async () => {
  const text = `
__device__ float warp_sum(float v) {
  for (int o = 16; o > 0; o /= 2) v += __shfl_down_sync(0xffffffff, v, o);
  return v;
}
// @grid 1024
// @block 32
// @arg cols = 4096
__global__ void row_sum(const float* x, float* y, int cols) {
  int row = blockIdx.x;
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += 32) s += x[row * cols + c];
  s = warp_sum(s);
  if (threadIdx.x == 0) y[row] = s;
}`;
  const a = await analyzeCuda(text);
  assert.equal(a.kernels[0].launch.source, "directive");
  const m = model(a, "row_sum");
  // 32,768 threads: 4,096 / 32 = 128 adds each (4,194,304), then 5 shuffle steps (o = 16, 8, 4, 2, 1) of one add
  // and one shuffle each: 163,840 adds and 163,840 cross-lane ops.
  assert.deepEqual(flops(m), { f32: 4_194_304 + 163_840, f16: 0, bf16: 0, tensor: 0, special: 0 });
  assert.equal(m.ops.subgroupOps.value, 163_840);
  assert.deepEqual(compulsory(m), { read: 1024 * 4096 * 4, written: 1024 * 4 });
  // The device function is a call node in the IR.
  assert.ok(nodes(a.irs.get("row_sum")!.body).some((n) => n.k === "call" && n.name === "warp_sum"));
});

test("float4 through reinterpret_cast is one 16-byte access; an aligned struct is one wide access too", async () => {
  const text = `
struct __align__(16) Pack { float a, b, c, d; };
// @grid 1024
// @block 256
// @arg n4 = 262144
__global__ void scale4(const float* __restrict__ in, float* __restrict__ out, const Pack* packs, int n4) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n4) {
    float4 v = reinterpret_cast<const float4*>(in)[i];
    v.x *= 2.0f; v.y *= 2.0f; v.z *= 2.0f; v.w *= 2.0f;
    Pack p = packs[i];
    v.x += p.a;
    reinterpret_cast<float4*>(out)[i] = v;
  }
}`;
  const a = await analyzeCuda(text);
  assert.deepEqual(a.diagnostics.filter((d) => d.code === "cuda-syntax"), [], "__align__ is blanked before parsing");
  const m = model(a, "scale4");
  // 262,144 threads, all in bounds: 4 multiplies and 1 add each.
  assert.equal(m.ops.flopsF32.value, 5 * 262_144);
  assert.deepEqual(m.accesses.map((x) => [x.binding, x.kind, x.bytesPerAccess, x.pattern]), [
    ["in", "load", 16, "coalesced"],
    ["packs", "load", 16, "coalesced"],
    ["out", "store", 16, "coalesced"],
  ]);
  assert.deepEqual(compulsory(m), { read: 2 * 16 * 262_144, written: 16 * 262_144 });
});

test("half2 and bf16: __hfma2 is 4 f16 FLOPs, bf16 arithmetic counts as bf16, conversions are no FLOPs, expf is special", async () => {
  const text = `
#include <cuda_fp16.h>
#include <cuda_bf16.h>
// @grid 64
// @block 256
// @arg n = 16384
__global__ void halfk(const half2* __restrict__ a, const half2* __restrict__ b, half2* c, const __nv_bfloat16* p, __nv_bfloat16* q, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  c[i] = __hfma2(a[i], b[i], c[i]);
  __nv_bfloat16 t = p[i];
  q[i] = t * t + t;
  float f = __half2float(__low2half(a[i]));
  q[i + n] = __float2bfloat16(expf(f));
}`;
  const a = await analyzeCuda(text);
  const m = model(a, "halfk");
  // 16,384 threads: __hfma2 = 2 FMAs x 2 FLOPs = 4 f16; t * t + t = 2 bf16; expf = 1 special op.
  assert.deepEqual(flops(m), { f32: 0, f16: 4 * 16_384, bf16: 2 * 16_384, tensor: 0, special: 16_384 });
  // Read a, b, c (4 bytes per half2) and p (2 bytes); written c and q twice over (q[i], q[i + n]).
  assert.deepEqual(compulsory(m), { read: 3 * 4 * 16_384 + 2 * 16_384, written: 4 * 16_384 + 2 * 2 * 16_384 });
});

test("wmma: mma_sync is tensor-core FLOPs, fragment loads and stores are the warp's tile", async () => {
  const text = `
#include <mma.h>
using namespace nvcuda;
// @grid 1
// @block 32
// @arg K = 1024
__global__ void wmma_gemm(const half* A, const half* B, float* C, int K) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::fill_fragment(acc, 0.0f);
  for (int k = 0; k < K; k += 16) {
    wmma::load_matrix_sync(fa, A + k, K);
    wmma::load_matrix_sync(fb, B + k, K);
    wmma::mma_sync(acc, fa, fb, acc);
  }
  wmma::store_matrix_sync(C, acc, 16, wmma::mem_row_major);
}`;
  const m = model(await analyzeCuda(text), "wmma_gemm");
  // One warp, 64 steps of a 16x16x16 MMA: 64 x 2 x 16^3 = 524,288 tensor FLOPs.
  assert.equal(m.ops.tensorFlops.value, 524_288);
  // A and B: 16 rows of 1,024 halves each read whole (32 KiB each); C: one 16x16 float tile written (1 KiB).
  assert.deepEqual(compulsory(m), { read: 2 * 16 * 1024 * 2, written: 16 * 16 * 4 });
});

test("cooperative groups: block.sync() is a barrier, cg::reduce over a 32-thread tile is 5 steps, a float atomicAdd is a FLOP", async () => {
  const text = `
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
namespace cg = cooperative_groups;
// @grid 128
// @block 256
__global__ void cgk(const float* x, float* out) {
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  float v = x[block.group_index().x * 256 + block.thread_rank()];
  v = cg::reduce(warp, v, cg::plus<float>());
  block.sync();
  if (warp.thread_rank() == 0) atomicAdd(out, v);
}`;
  const a = await analyzeCuda(text);
  const m = model(a, "cgk");
  // 32,768 threads: 5 adds and 5 shuffles each in the reduction; one atomic add per warp (1,024 warps).
  assert.deepEqual(flops(m), { f32: 5 * 32_768 + 1024, f16: 0, bf16: 0, tensor: 0, special: 0 });
  assert.equal(m.ops.subgroupOps.value, 5 * 32_768);
  assert.equal(m.ops.barriers.value, 32_768);
  // x read whole; the atomic reads and writes out's 4 bytes.
  assert.deepEqual(compulsory(m), { read: 128 * 256 * 4 + 4, written: 4 });
  assert.deepEqual(m.unknowns, [], "nothing in the kernel is left unmodelled");
});

test("function-scope arrays: indexed by unrolled loop counters they are registers, by a thread id or a runtime loop local memory", async () => {
  const text = `
// @block 256
// @grid 1
// @arg n = 64
__global__ void regs(const float* x, float* y, int n) {
  float acc[8];
  for (int i = 0; i < 8; ++i) acc[i] = x[threadIdx.x * 8 + i];
  float r[4];
  r[threadIdx.x % 4] = 1.0f;
  float t[16];
  for (int i = 0; i < n; ++i) t[i & 15] = 2.0f;
  y[threadIdx.x] = acc[3] + r[0] + t[1];
}`;
  const a = await analyzeCuda(text);
  const locals = nodes(a.irs.get("regs")!.body).filter((n): n is Extract<IrNode, { k: "local" }> => n.k === "local");
  const byArray = (name: string) => locals.filter((n) => n.array.startsWith(`${name}#`)).map((n) => n.runtimeIndex);
  assert.deepEqual(byArray("acc"), [false, false], "acc[i] in a loop of 8 and acc[3]");
  assert.deepEqual(byArray("r"), [true, false], "r[threadIdx.x % 4] is a run-time index; r[0] is constant");
  assert.deepEqual(byArray("t"), [true, false], "t's loop runs n times: not unrolled");
  const m = model(a, "regs");
  assert.deepEqual(m.localMemory?.arrays.map((x) => x.name).sort(), ["r", "t"]);
});

test("several instantiations and launches: one analysed kernel each, named by template arguments and launch line", async () => {
  const text = `
template <int TILE>
__global__ void copy_tiles(const float* in, float* out, int n) {
  int i = blockIdx.x * TILE + threadIdx.x;
  if (i < n) out[i] = in[i];
}
template __global__ void copy_tiles<64>(const float*, float*, int);
__global__ void fill(float* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = 1.0f;
}
int main() {
  float *a, *b;
  copy_tiles<128><<<8, 128>>>(a, b, 1024);
  fill<<<4, 256>>>(a, 1024);
  fill<<<16, 64>>>(b, 1024);
  fill<<<4, 256>>>(b, 1024);
}`;
  const a = await analyzeCuda(text);
  assert.deepEqual(a.kernels.map((k) => [k.name, k.launch.grid, k.launch.block]), [
    ["copy_tiles<128>", [8, 1, 1], [128, 1, 1]],
    // The explicit instantiation has no launch in the file: 256 threads are assumed, and n = 2^20, so the guard
    // i < n with i = blockIdx.x * 64 + threadIdx.x needs 2^20 / 64 = 16,384 blocks.
    ["copy_tiles<64>", [16384, 1, 1], [256, 1, 1]],
    ["fill", [4, 1, 1], [256, 1, 1]],
    // Two launches with a different configuration: the second is named by its line; the identical third is not repeated.
    ["fill (launch at line 16)", [16, 1, 1], [64, 1, 1]],
  ]);
  assert.equal(model(a, "fill").ops.flopsF32.value, 0);
  assert.equal(a.kernels[1].launch.source, "inferred");
});

test("@template, @smem and @grid directives for a kernel no host code launches", async () => {
  const text = `
// @let ROWS = 4096
// @template BLOCK = 256
// @grid ROWS
// @smem 4 * 1024
template <int BLOCK>
__global__ void rows(const float* x, float* y, int cols) {
  extern __shared__ float row[];
  __shared__ float warps[BLOCK / 32];
  for (int c = threadIdx.x; c < cols; c += BLOCK) row[c] = x[blockIdx.x * cols + c];
  __syncthreads();
  if (threadIdx.x < BLOCK / 32) warps[threadIdx.x] = row[threadIdx.x];
  y[blockIdx.x * BLOCK + threadIdx.x] = warps[0];
}`;
  const a = await analyzeCuda(text);
  const k = a.kernels.find((x) => x.function === "rows")!;
  assert.equal(k.name, "rows<256>");
  assert.deepEqual(k.launch.grid, [4096, 1, 1]);
  // No @block: __launch_bounds__ is absent, so 256 threads are assumed and said to be.
  assert.deepEqual(k.launch.block, [256, 1, 1]);
  assert.equal(k.launch.dynamicSharedBytes, 4096);
  const m = model(a, "rows<256>");
  // Shared memory: the launch's 4,096 dynamic bytes + BLOCK / 32 floats = 32 static bytes.
  assert.equal(m.workgroupMemoryBytes, 4096 + 32);
  const block = m.assumptions.find((x) => x.name === "block")!;
  assert.equal(block.directive, "// @block 256");
  const cols = m.assumptions.find((x) => x.name === "cols")!;
  assert.match(cols.directive, /^\/\/ @arg cols = \d+$/);
  assert.deepEqual(a.diagnostics.filter((d) => d.code.startsWith("directive")), []);
});

test("directives: @grid is @dispatch, a bad value is reported at the directive, a directive above nothing is floating", async () => {
  const text = `
__global__ void k(float* y) { y[threadIdx.x] = 0.0f; }

// @block 0
__global__ void k2(float* y) { y[threadIdx.x] = 1.0f; }
void host() {
  // @grid 4
  int x = 0;
}`;
  const a = await analyzeCuda(text);
  const codes = a.diagnostics.filter((d) => d.code.startsWith("directive")).map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
  assert.deepEqual(codes, [
    ["directive-placement", "@grid"],
    ["directive-value", "0"],
  ]);
});

test("includes: a project header's device function is inlined; system headers and unknown includes are left alone", async () => {
  const header = `__device__ inline float twice(const float* p, int i) { return 2.0f * p[i]; }\n`;
  const text = `#include <cuda_runtime.h>
#include <cstdio>
#include "kernels/common.cuh"
#include "not_there.cuh"
#define N 4096
// @grid N / 128
// @block 128
__global__ void k(const float* x, float* y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  y[i] = twice(x, i);
}`;
  const a = await analyzeCuda(text, { resolveInclude: (path) => (path === "kernels/common.cuh" ? { key: "kernels/common.cuh", text: header } : { error: "not found" }) });
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === "error" || d.code.startsWith("preprocessor")), []);
  const m = model(a, "k");
  assert.equal(m.ops.flopsF32.value, 4096);
  // The load inside the header is located at the #include line of the file the user wrote.
  const load = m.accesses.find((x) => x.binding === "x")!;
  assert.equal(text.slice(load.span.start, load.span.end), `#include "kernels/common.cuh"`);
  const store = m.accesses.find((x) => x.binding === "y")!;
  assert.equal(text.slice(store.span.start, store.span.end), "y[i]");
});

test("function-like macros are expanded where they are used, accesses located at the use", async () => {
  const text = `
#define IDX(r, c, ld) ((r) * (ld) + (c))
#define FETCH_FLOAT4(p) (reinterpret_cast<const float4 *>(&(p))[0])
// @grid 64
// @block 16
__global__ void mac(const float* a, float* b) {
  float4 v = FETCH_FLOAT4(a[IDX(blockIdx.x, threadIdx.x * 4, 64)]);
  b[IDX(blockIdx.x, threadIdx.x, 16)] = v.x + v.y + v.z + v.w;
}`;
  const a = await analyzeCuda(text);
  const m = model(a, "mac");
  // 1,024 threads: 3 adds each; a: 64 rows of 64 floats read as float4 (16 KiB); b: 64 rows of 16 floats written.
  assert.equal(m.ops.flopsF32.value, 3 * 1024);
  assert.deepEqual(m.accesses.map((x) => [x.binding, x.kind, x.bytesPerAccess, text.slice(x.span.start, x.span.end)]), [
    ["a", "load", 16, "FETCH_FLOAT4(a[IDX(blockIdx.x, threadIdx.x * 4, 64)])"],
    ["b", "store", 4, "b[IDX(blockIdx.x, threadIdx.x, 16)]"],
  ]);
  assert.deepEqual(compulsory(m), { read: 64 * 64 * 4, written: 64 * 16 * 4 });
});

test("inline asm: mma.sync is tensor work, anything else a note with its line; lambdas blanked and noted", async () => {
  const text = `// @grid 64
// @block 64
__global__ void misc(float* m) {
  auto f = [=] __device__ (float x) { return x * 2.f; };
  unsigned r;
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0}, {%1}, {%2}, {%3};" : "=r"(r) : "r"(threadIdx.x));
  asm("mov.u32 %0, %%laneid;" : "=r"(r));
  m[blockIdx.x * 64 + threadIdx.x] = 1.0f;
}`;
  const a = await analyzeCuda(text);
  assert.deepEqual(a.diagnostics.filter((d) => d.code === "cuda-syntax"), [], "the __device__ lambda is blanked");
  const m = model(a, "misc");
  // m16n8k16 per warp: 2 x 16 x 8 x 16 = 4,096 FLOPs, 128 per thread; 4,096 threads.
  assert.equal(m.ops.tensorFlops.value, 128 * 4096);
  const asm = m.unknowns.find((u) => u.what.startsWith("inline asm"))!;
  assert.equal(asm.what, "inline asm at line 7");
  assert.equal(text.slice(asm.span!.start, asm.span!.end).slice(0, 3), "asm");
  assert.ok(m.unknowns.some((u) => u.what === "a lambda"));
});

test("a kernel without launch or directives: the block is assumed (or __launch_bounds__), the rest inferred like WGSL's", async () => {
  const text = `
__global__ void __launch_bounds__(512) vadd(const float* a, const float* b, float* c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) c[i] = a[i] + b[i];
}
__global__ void tile2d(float* c, int w, int h) {
  int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x < w && y < h) c[y * w + x] = 0.0f;
}`;
  const a = await analyzeCuda(text, { model: { problemSize: 1 << 20 } } as never);
  const v = a.kernels.find((k) => k.name === "vadd")!;
  assert.deepEqual(v.launch.block, [512, 1, 1], "__launch_bounds__(512)");
  assert.deepEqual(v.launch.grid, [2048, 1, 1], "the bounds guard on the assumed n = 2^20");
  const vm = model(a, "vadd");
  assert.equal(vm.assumptions.find((x) => x.name === "block")!.source, "code");
  assert.equal(vm.assumptions.find((x) => x.name === "n")!.directive, "// @arg n = 1048576");
  assert.equal(vm.ops.flopsF32.value, 1 << 20);
  const t = a.kernels.find((k) => k.name === "tile2d")!;
  assert.deepEqual(t.launch.block, [16, 16, 1], "it reads threadIdx.y: a 16 x 16 block");
  assert.equal(model(a, "tile2d").assumptions.find((x) => x.name === "block")!.directive, "// @block 16, 16");
});

test("findings speak CUDA: threads, blocks, shared memory, threadIdx.x", async () => {
  const text = `
// @grid 128, 128
// @block 32, 32
// @arg n = 4096
__global__ void colwise(const float* a, float* b, int n) {
  int r = blockIdx.x * 32 + threadIdx.x, c = blockIdx.y * 32 + threadIdx.y;
  b[r * n + c] = a[r * n + c];
}`;
  const a = await analyzeCuda(text);
  const un = a.diagnostics.find((d) => d.code === "uncoalesced-access")!;
  assert.match(un.message, /adjacent threads are 4096 elements apart/);
  assert.match(un.message, /Let threadIdx\.x index the contiguous dimension, or stage the tile through shared memory/);
  assert.ok(!a.diagnostics.some((d) => /invocation|workgroup|WebGPU/.test(d.message)), a.diagnostics.map((d) => d.message).join("\n"));
  // A 1,024-thread block is within CUDA's limits (WebGPU's default limit of 256 is not CUDA's concern).
  assert.ok(!a.diagnostics.some((d) => d.code === "cuda-launch-limits" || d.code === "webgpu-limits"));
});

test("CUDA's launch limits: more than 1,024 threads per block is an error at the launch", async () => {
  const text = `
__global__ void big(float* y) { y[threadIdx.x] = 0.0f; }
int main() { float* y; big<<<1, 2048>>>(y); }`;
  const a = await analyzeCuda(text);
  const d = a.diagnostics.find((x) => x.code === "cuda-launch-limits")!;
  assert.equal(text.slice(d.span.start, d.span.end), "big<<<1, 2048>>>(y)");
});

test("syntax errors become cuda-syntax diagnostics at their place; the rest of the file is still analysed", async () => {
  const text = `
__global__ void ok(float* y) { y[threadIdx.x] = 1.0f; }
__global__ void broken(float* y) { y[threadIdx.x] = ; }`;
  const a = await analyzeCuda(text);
  const errs = a.diagnostics.filter((d) => d.code === "cuda-syntax");
  assert.ok(errs.length >= 1);
  for (const e of errs) assert.ok(e.span.start >= text.indexOf("broken"), "located in the broken kernel");
  assert.ok(a.models.has("ok"));
});

test("host code: a wrapper's arguments come from its caller, a command-line override keeps the default, @buffer sizes a pointer", async () => {
  const text = `
#include <cstdlib>
__global__ void scale(float* x, int n, float s) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) x[i] *= s;
}
// @buffer y[1 << 16]
__global__ void touch(const float* y, float* out) { out[threadIdx.x] = y[threadIdx.x * 16]; }
static int ceil_div(int a, int b) { return (a + b - 1) / b; }
void launch_scale(float* x, int n, cudaStream_t stream) {
  const int threads = 128;
  scale<<<ceil_div(n, threads), threads, 0, stream>>>(x, n, 0.5f);
}
int main(int argc, char** argv) {
  int n = 1 << 18;
  if (argc > 1) n = atoi(argv[1]);
  float* x;
  cudaMalloc(&x, n * sizeof(float));
  launch_scale(x, n, 0);
  touch<<<1, 64>>>(x, x);
  return 0;
}`;
  const a = await analyzeCuda(text);
  const k = a.kernels.find((x) => x.name === "scale")!;
  // n = 2^18 (the default the command line may override), 2^18 / 128 = 2,048 blocks of 128.
  assert.deepEqual([k.launch.grid, k.launch.block, k.launch.source], [[2048, 1, 1], [128, 1, 1], "code"]);
  const m = model(a, "scale");
  assert.equal(m.ops.flopsF32.value, 1 << 18);
  assert.deepEqual(compulsory(m), { read: 4 << 18, written: 4 << 18 });
  // The directive's count wins over the allocation for y; the launch passes x (2^18 floats) for both.
  assert.equal(a.launches.get("touch")!.bufferBytes.get("y"), 4 << 16);
});

test("integer index arithmetic on the counters of loops nvcc unrolls is folded: not counted", async () => {
  const text = `
// @grid 1
// @block 32
__global__ void tile(const float* a, float* c) {
  float acc[4][4];
  #pragma unroll
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      acc[i][j] = a[threadIdx.x * 16 + i * 4 + j];
  c[threadIdx.x] = acc[1][2];
}
// @grid 1
// @block 32
// @arg n = 16
__global__ void rolled(const float* a, float* c, int n) {
  float s = 0.0f;
  for (int i = 0; i < n; ++i) s += a[threadIdx.x * n + i];
  c[threadIdx.x] = s;
}`;
  const a = await analyzeCuda(text);
  // tile: (threadIdx.x * 16 + i * 4) + j is threadIdx.x * 16 (1 op), + i * 4 (1 op; i * 4 itself folds) and + j
  // (1 op) in each of the 16 unrolled iterations; i < 4, ++i, j < 4 and ++j fold away. 32 threads x 16 x 3 = 1,536.
  assert.equal(model(a, "tile").ops.intOps.value, 32 * 16 * 3);
  // rolled: per iteration i < n, threadIdx.x * n, + i, ++i: 4 ops, 16 iterations; 32 threads x 64 = 2,048 (plus the
  // final i < n test that ends the loop is not a separate iteration in the model).
  assert.equal(model(a, "rolled").ops.intOps.value, 32 * 16 * 4);
});

test("a ceil-division helper from a header KernelLens does not read still sizes the grid", async () => {
  const text = `#include "utils.h"
__global__ void k(float* y, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) y[i] = 1.0f; }
void run(float* y) { const int n = 5000; k<<<cdiv(n, 128), 128>>>(y, n); }`;
  const a = await analyzeCuda(text);
  // (5,000 + 127) / 128 = 40 blocks.
  assert.deepEqual([a.kernels[0].launch.grid, a.kernels[0].launch.source], [[40, 1, 1], "code"]);
  assert.equal(model(a, "k").ops.flopsF32.value, 0);
  assert.equal(model(a, "k").traffic.compulsoryWritten, 5000 * 4);
});

test("// @define chooses the #if variant, and the kernel is analysed as that variant", async () => {
  const text = `// @define USE_HALF
#ifdef USE_HALF
typedef half T;
#else
typedef float T;
#endif
// @grid 4
// @block 256
__global__ void addk(const T* a, const T* b, T* c) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  c[i] = a[i] + b[i];
}`;
  const m = model(await analyzeCuda(text), "addk");
  // 1,024 half additions; 2 bytes per element.
  assert.deepEqual(flops(m), { f32: 0, f16: 1024, bf16: 0, tensor: 0, special: 0 });
  assert.deepEqual(compulsory(m), { read: 2 * 2 * 1024, written: 2 * 1024 });
});
