// Barriers and warp intrinsics that not the right threads reach (issue 14): `barrier-divergence`, `warp-mask-partial`,
// `warp-activemask-reduction` and `warp-legacy-intrinsic`, on kernels written in the idioms of real CUDA code (tree
// reductions, softmax and layer-norm rows, block-stride loops, cooperative groups, warp shuffles). Each bug is
// paired with the correct code it is usually confused with, which must get nothing, and no CUDA fixture gets any.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CoreDiagnostic } from "../../server/src/core/diagnostic";
import { analyzeCuda } from "../support/cudaParser";
import { findRepoRoot } from "../support/repoRoot";

const CODES = ["barrier-divergence", "warp-mask-partial", "warp-activemask-reduction", "warp-legacy-intrinsic"];

async function found(text: string, code?: string): Promise<CoreDiagnostic[]> {
  const a = await analyzeCuda(text);
  return a.diagnostics.filter((d) => (code ? d.code === code : CODES.includes(d.code)));
}

/** The 1-based line of the n-th (0-based) occurrence of `needle`. */
function lineOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, needle);
  return text.slice(0, at).split("\n").length;
}

/** Asserts exactly one finding of `code`, on the `nth` occurrence of `at`, and returns its message. */
async function one(text: string, code: string, at: string, nth = 0): Promise<string> {
  const all = await found(text);
  assert.deepEqual(all.map((d) => d.code), [code], JSON.stringify(all.map((d) => [d.code, d.message])));
  const d = all[0]!;
  let start = -1;
  for (let i = 0; i <= nth; i++) start = text.indexOf(at, start + 1);
  assert.equal(d.span.start, start, `${code} at '${at}': got '${text.slice(d.span.start, d.span.end)}'`);
  assert.equal(d.severity, "warning");
  return d.message;
}

describe("barrier-divergence: a block barrier not every thread reaches", () => {
  it("after an early return that depends on the thread (an element-wise kernel staging through shared memory)", async () => {
    const src = `
__global__ void reverse_within_block(const float* __restrict__ x, float* __restrict__ y, int n) {
  __shared__ float tile[256];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  tile[threadIdx.x] = x[i];
  __syncthreads();
  y[i] = tile[blockDim.x - 1 - threadIdx.x];
}`;
    const m = await one(src, "barrier-divergence", "__syncthreads()");
    assert.match(m, new RegExp(`early return under \`i >= n\` \\(line ${lineOf(src, "if (i >= n)")}\\)`));
    // The editor links to the condition (a related location in the same document).
    const d = (await found(src))[0]!;
    assert.deepEqual(d.related?.map((r) => [r.file, src.slice(r.span!.start, r.span!.end)]), [["", "(i >= n)"]]);
    assert.match(m, /undefined behaviour/);
    assert.match(m, /guard the work/);
  });

  it("inside the branch of a tree reduction (the barrier belongs after the if)", async () => {
    const src = `
__global__ void reduce_buggy(const float* in, float* out) {
  extern __shared__ float sdata[];
  unsigned int tid = threadIdx.x;
  sdata[tid] = in[blockIdx.x * blockDim.x + tid];
  __syncthreads();
  for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (tid < s) {
      sdata[tid] += sdata[tid + s];
      __syncthreads();
    }
  }
  if (tid == 0) out[blockIdx.x] = sdata[0];
}`;
    const m = await one(src, "barrier-divergence", "__syncthreads();", 1);
    assert.match(m, new RegExp(`under the condition \`tid < s\` \\(line ${lineOf(src, "if (tid < s)")}\\)`));
  });

  it("inside a block-stride loop, whose trip count differs between threads", async () => {
    const src = `
__global__ void stage_and_sum(const float* __restrict__ x, float* __restrict__ y, int n) {
  __shared__ float buf[128];
  for (int i = threadIdx.x; i < n; i += blockDim.x) {
    buf[threadIdx.x] = x[blockIdx.x * n + i];
    __syncthreads();
    y[blockIdx.x * n + i] = buf[(threadIdx.x + 1) % 128];
  }
}`;
    const m = await one(src, "barrier-divergence", "__syncthreads()");
    assert.match(m, /inside a loop whose condition `i < n`/);
  });

  it("under a condition on data each thread loaded", async () => {
    const src = `
__global__ void masked_update(const int* __restrict__ flags, float* data, int n) {
  __shared__ float acc[256];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const int f = flags[i];
  acc[threadIdx.x] = data[i];
  if (f != 0) {
    __syncthreads();
    data[i] = acc[(threadIdx.x + 1) & 255];
  }
}`;
    const m = await one(src, "barrier-divergence", "__syncthreads()");
    assert.match(m, /`f != 0`/);
  });

  it("a cooperative-groups block sync under threadIdx (block.sync() and cg::sync(block))", async () => {
    const src = `
#include <cooperative_groups.h>
namespace cg = cooperative_groups;
__global__ void cg_kernel(float* x) {
  cg::thread_block block = cg::this_thread_block();
  __shared__ float s[64];
  s[threadIdx.x] = x[threadIdx.x];
  if (threadIdx.x < 32) {
    block.sync();
  }
  auto tb = cg::this_thread_block();
  if (threadIdx.x % 2 == 0) cg::sync(tb);
  x[threadIdx.x] = s[63 - threadIdx.x];
}`;
    const all = await found(src, "barrier-divergence");
    assert.deepEqual(all.map((d) => src.slice(d.span.start, d.span.end)), ["block.sync()", "cg::sync(tb)"]);
  });

  it("under a condition on a value shuffled from another lane (each warp's own)", async () => {
    const src = `
__global__ void per_warp_rounds(const int* __restrict__ counts, float* y) {
  __shared__ float s[256];
  const int mine = counts[blockIdx.x * blockDim.x + threadIdx.x];
  const int rounds = __shfl_sync(0xffffffff, mine, 0);
  for (int r = 0; r < rounds; ++r) {
    s[threadIdx.x] = y[r];
    __syncthreads();
  }
}`;
    const m = await one(src, "barrier-divergence", "__syncthreads()");
    assert.match(m, /`r < rounds`/);
  });

  it("a barrier written through a function-like macro", async () => {
    const src = `
#define BLOCK_SYNC() __syncthreads()
__global__ void macro_sync(float* x, int n) {
  __shared__ float s[256];
  s[threadIdx.x] = x[blockIdx.x * 256 + threadIdx.x];
  BLOCK_SYNC();
  if (threadIdx.x < 128) {
    s[threadIdx.x] += s[threadIdx.x + 128];
    BLOCK_SYNC();
  }
  x[blockIdx.x] = s[0];
}`;
    await one(src, "barrier-divergence", "BLOCK_SYNC()", 2);
  });

  it("inside a device function called under a thread-dependent condition, with the call named", async () => {
    const src = `
__device__ float block_sum(float v, float* scratch) {
  scratch[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) scratch[threadIdx.x] += scratch[threadIdx.x + s];
    __syncthreads();
  }
  return scratch[0];
}
__global__ void row_sums(const float* __restrict__ x, float* __restrict__ out, int n) {
  __shared__ float scratch[256];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    float total = block_sum(x[i], scratch);
    if (threadIdx.x == 0) out[blockIdx.x] = total;
  }
}`;
    const all = await found(src, "barrier-divergence");
    assert.equal(all.length, 2, JSON.stringify(all));
    assert.equal(all[0]!.span.start, src.indexOf("__syncthreads()"));
    assert.match(all[0]!.message, new RegExp(`\`i < n\` \\(line ${lineOf(src, "if (i < n)")}\\)`));
    assert.match(all[0]!.message, new RegExp(`reached through block_sum \\(called at line ${lineOf(src, "block_sum(x[i]")}\\)`));
  });

  it("inside a loop some threads leave by a break on their own data", async () => {
    const src = `
__global__ void scan_until_negative(const float* __restrict__ x, float* y, int steps) {
  __shared__ float s[256];
  for (int k = 0; k < steps; ++k) {
    const float v = x[k * blockDim.x + threadIdx.x];
    if (v < 0.0f) break;
    s[threadIdx.x] = v;
    __syncthreads();
    y[k * blockDim.x + threadIdx.x] = s[255 - threadIdx.x];
    __syncthreads();
  }
}`;
    const all = await found(src, "barrier-divergence");
    assert.equal(all.length, 2);
    assert.match(all[0]!.message, /`v < 0.0f`/);
  });

  it("no finding: a counter name reused by a block-stride loop and then by a uniform loop with barriers", async () => {
    const src = `
__global__ void two_phases(const float* __restrict__ x, float* __restrict__ y, int n) {
  __shared__ float buf[1024];
  int i;
  for (i = threadIdx.x; i < n; i += blockDim.x) buf[i] = x[blockIdx.x * n + i];
  __syncthreads();
  float acc = 0.0f;
  for (i = 0; i < 4; ++i) {
    acc += buf[i * 32 + (threadIdx.x & 31)];
    __syncthreads();
    if (i % 2 == 0) __syncthreads();
  }
  for (int k = threadIdx.x; k < n; k += blockDim.x) y[k] = buf[k];
  for (int k = 0; k < n / 256; ++k) {
    buf[threadIdx.x] += acc;
    __syncthreads();
  }
  y[blockIdx.x * blockDim.x + threadIdx.x] = acc;
}`;
    assert.deepEqual((await found(src)).map((d) => [d.code, src.slice(d.span.start, d.span.end)]), []);
    // The same loop with its counter changed in the body by a thread-dependent amount is not uniform.
    const changed = src.replace("    acc += buf[i * 32 + (threadIdx.x & 31)];", "    acc += buf[i * 32 + (threadIdx.x & 31)];\n    i += threadIdx.x & 1;");
    assert.deepEqual((await found(changed)).map((d) => d.code), ["barrier-divergence", "barrier-divergence"]);
  });

  it("locals are told apart by scope: a thread-dependent 'v' in one block does not make another block's 'v' so", async () => {
    const src = `
__global__ void scoped(const float* __restrict__ x, float* __restrict__ y, const int* __restrict__ steps) {
  __shared__ float s[256];
  {
    const int v = threadIdx.x;
    s[v] = x[blockIdx.x * 256 + v];
  }
  __syncthreads();
  {
    const int v = steps[blockIdx.x];
    for (int k = 0; k < v; ++k) {
      s[threadIdx.x] += 1.0f;
      __syncthreads();
    }
  }
  if (threadIdx.x < 32) {
    const int v = threadIdx.x * 2;
    y[v] = s[v];
  }
}`;
    assert.deepEqual((await found(src)).map((d) => [d.code, src.slice(d.span.start, d.span.end)]), []);
    // Without its own declaration the second block's 'v' is no local of the kernel (a global, say): uniform. With a
    // thread-dependent one, its loop is flagged.
    const undeclared = src.replace("    const int v = steps[blockIdx.x];\n", "");
    assert.deepEqual((await found(undeclared)).map((d) => d.code), []);
    const inner = src.replace("    const int v = steps[blockIdx.x];\n", "    const int v = steps[blockIdx.x] + threadIdx.x;\n");
    assert.deepEqual((await found(inner)).map((d) => d.code), ["barrier-divergence"]);
  });

  it("no finding: the barrier after the branch, uniform returns and conditions, uniform loops, a shared flag", async () => {
    const src = `
template <int BLOCK>
__global__ void reduce_ok(const float* __restrict__ in, float* __restrict__ out, const int* __restrict__ n_ptr, int nblocks) {
  __shared__ float sdata[BLOCK];
  __shared__ int s_go;
  if (blockIdx.x >= nblocks) return;
  const int n = *n_ptr;
  unsigned int tid = threadIdx.x;
  unsigned int i = blockIdx.x * BLOCK + tid;
  sdata[tid] = i < n ? in[i] : 0.0f;
  __syncthreads();
  for (unsigned int s = blockDim.x / 2; s > 32; s >>= 1) {
    if (tid < s) sdata[tid] += sdata[tid + s];
    __syncthreads();
  }
  if (BLOCK >= 512) {
    if (tid < 256) sdata[tid] += sdata[tid + 256];
    __syncthreads();
  }
  if (blockDim.x > 64 && n > 1024) __syncthreads();
  const rounds = __shfl_sync(0xffffffff, n / 256, 0);
  for (int r = 0; r < rounds; ++r) __syncthreads();
  if (__any_sync(0xffffffff, n > 4096)) __syncthreads();
  if (tid == 0) s_go = sdata[0] > 0.0f;
  __syncthreads();
  if (s_go) {
    sdata[tid] *= 2.0f;
    __syncthreads();
  }
  const int tiles = (n + BLOCK - 1) / BLOCK;
  for (int t = 0; t < tiles; ++t) {
    sdata[tid] += in[t * BLOCK + tid];
    __syncthreads();
  }
  float v = sdata[tid];
  for (int col0 = 0; col0 < n; col0 += BLOCK) {
    const int col = col0 + tid;
    if (col >= n) break;
    v += in[col];
  }
  __syncthreads();
  if (tid < 32) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffff, v, o);
  }
  if (tid == 0) out[blockIdx.x] = v;
}
template __global__ void reduce_ok<256>(const float* __restrict__, float* __restrict__, const int* __restrict__, int);`;
    assert.deepEqual((await found(src)).map((d) => [d.code, src.slice(d.span.start, d.span.end)]), []);
  });
});

describe("warp masks and legacy warp intrinsics", () => {
  it("warp-mask-partial: a half-warp mask on a shuffle every thread of the block reaches", async () => {
    const src = `
__global__ void half_warp_sum(const float* __restrict__ x, float* __restrict__ y) {
  float v = x[blockIdx.x * blockDim.x + threadIdx.x];
  for (int offset = 8; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffff, v, offset, 16);
  if ((threadIdx.x & 15) == 0) y[(blockIdx.x * blockDim.x + threadIdx.x) / 16] = v;
}`;
    const m = await one(src, "warp-mask-partial", "0xffff,");
    assert.match(m, /names 16 lanes \(mask 0x0000ffff\)/);
    assert.match(m, /16 lanes outside the mask/);
  });

  it("warp-mask-partial: a constant mask through a const local and a file constant", async () => {
    const src = `
constexpr unsigned kLowLanes = (1u << 16) - 1;
__global__ void ballot_low(const int* __restrict__ x, unsigned* __restrict__ out) {
  const unsigned mask = kLowLanes;
  const int lane = threadIdx.x % 32;
  unsigned b = __ballot_sync(mask, x[blockIdx.x * 32 + lane] > 0);
  unsigned c = __ballot_sync(kLowLanes | 0xf0000, x[lane] > 1);
  if (lane == 0) out[blockIdx.x] = b + c;
}`;
    const all = await found(src, "warp-mask-partial");
    assert.deepEqual(all.map((d) => src.slice(d.span.start, d.span.end)), ["mask", "kLowLanes | 0xf0000"]);
    assert.match(all[1]!.message, /20 lanes \(mask 0x000fffff\)/);
  });

  it("no warp-mask-partial: full masks in every spelling, a branch that keeps only the mask's lanes, a ballot mask, a 16-thread block", async () => {
    const src = `
#define FULL_MASK 0xffffffff
__device__ __forceinline__ float warp_reduce_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xFFFFFFFFu, v, o, 32);
  return v;
}
__global__ void masks_ok(const float* __restrict__ x, float* __restrict__ y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const int lane = threadIdx.x & 31;
  float v = i < n ? x[i] : 0.0f;
  v = warp_reduce_sum(v);
  v += __shfl_down_sync(FULL_MASK, v, 1);
  v += __shfl_down_sync(~0u, v, 2);
  v += __shfl_down_sync(-1, v, 4);
  v += __shfl_down_sync(static_cast<unsigned>(-1), v, 8);
  if (lane < 16) v += __shfl_down_sync(0xffff, v, 8, 16);
  const unsigned active = __ballot_sync(0xffffffff, i < n);
  if (i < n) v += __shfl_down_sync(active, v, 1);
  if (lane == 0) y[i / 32] = v;
}
__global__ void sixteen_wide(const float* __restrict__ x, float* __restrict__ y) {
  float v = x[blockIdx.x * 16 + threadIdx.x];
  for (int o = 8; o > 0; o >>= 1) v += __shfl_down_sync(0xffff, v, o);
  if (threadIdx.x == 0) y[blockIdx.x] = v;
}
void launch(const float* x, float* y, int n) {
  masks_ok<<<(n + 255) / 256, 256>>>(x, y, n);
  sixteen_wide<<<n / 16, 16>>>(x, y);
}`;
    assert.deepEqual((await found(src)).map((d) => [d.code, src.slice(d.span.start, d.span.end)]), []);
  });

  it("warp-activemask-reduction: a reduction whose mask is __activemask(), directly or through a local; not a lane count or a broadcast", async () => {
    const src = `
__global__ void partial_sums(const float* __restrict__ x, float* __restrict__ y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    float v = x[i];
    unsigned mask = __activemask();
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(mask, v, o);
    int c = __reduce_add_sync(__activemask(), (int)v);
    // Counting the lanes that are here, and a broadcast from the leader (warp-aggregated atomics): consistent.
    const unsigned here = __activemask();
    int leader = __ffs(here) - 1;
    int base = 0;
    if ((threadIdx.x & 31) == leader) base = atomicAdd((int*)y, __reduce_add_sync(here, 1));
    base = __shfl_sync(here, base, leader);
    if ((threadIdx.x & 31) == 0) y[i / 32] = v + c + base;
  }
}`;
    const all = await found(src);
    assert.deepEqual(all.map((d) => [d.code, src.slice(d.span.start, d.span.end)]), [["warp-activemask-reduction", "mask"], ["warp-activemask-reduction", "__activemask()"]]);
    assert.match(all[0]!.message, /__ballot_sync\(0xffffffff, predicate\)/);
  });

  it("warp-legacy-intrinsic: __shfl_down and __ballot without a mask; not when the file defines them", async () => {
    const src = `
__global__ void old_warp_sum(const float* __restrict__ x, float* __restrict__ y) {
  float v = x[blockIdx.x * blockDim.x + threadIdx.x];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down(v, o);
  unsigned any = __ballot(v > 0.0f);
  if ((threadIdx.x & 31) == 0) y[blockIdx.x] = v + any;
}`;
    const all = await found(src, "warp-legacy-intrinsic");
    assert.deepEqual(all.map((d) => src.slice(d.span.start, d.span.end)), ["__shfl_down(v, o)", "__ballot(v > 0.0f)"]);
    assert.match(all[0]!.message, /__shfl_down_sync/);
    const shim = `
#define __shfl_down(v, o) __shfl_down_sync(0xffffffff, v, o)
__global__ void shimmed(const float* __restrict__ x, float* __restrict__ y) {
  float v = x[threadIdx.x];
  v += __shfl_down(v, 1);
  y[threadIdx.x] = v;
}`;
    assert.deepEqual((await found(shim)).map((d) => d.code), []);
  });
});

describe("no false alarms on the CUDA fixtures", () => {
  it("no fixture gets barrier-divergence, warp-mask-partial, warp-activemask-reduction or warp-legacy-intrinsic", async () => {
    const dir = join(findRepoRoot(), "test", "fixtures", "cuda");
    const files = readdirSync(dir).filter((f) => f.endsWith(".cu"));
    assert.ok(files.length >= 10);
    let barriers = 0;
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      barriers += (text.match(/__syncthreads|__shfl_\w+_sync/g) ?? []).length;
      assert.deepEqual((await found(text)).map((d) => `${d.code}: ${d.message}`), [], f);
    }
    assert.ok(barriers >= 20, `the fixtures exercise barriers and shuffles (${barriers})`);
  });
});
