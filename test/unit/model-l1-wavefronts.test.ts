// How an NVIDIA SM serves memory instructions, derived by hand and checked against ptxas where a compiler decides:
// shared-memory wavefronts of wide loads (quarter- and half-warp phases), the shared loads ptxas merges in unrolled
// code (LDS.128 counted in the SASS nvcc produces here), and the L1 serving a block's shared lines and a warp's
// re-reads while charging a clock per line (siboehm's naive SGEMM).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { findDevice } from "../../server/src/core/devices/database";
import type { AccessInfo, KernelModel } from "../../server/src/core/model/types";
import { findNvcc } from "../../server/src/cuda/nvccResources";
import { runTool } from "../../server/src/cuda/runTool";
import { analyzeCuda } from "../support/cudaParser";
import { findRepoRoot } from "../support/repoRoot";
import { sharedLoadsByWidth } from "../support/sassLoads";

const A6000 = "nvidia-rtx-a6000";
const a6000 = findDevice(A6000)!;
const fixtures = join(findRepoRoot(), "test", "fixtures", "cuda");
const nvcc = findNvcc(undefined);
const noNvcc = "path" in nvcc ? false : "nvcc is not installed";

async function model(text: string, kernel?: string, device = A6000): Promise<KernelModel> {
  const a = await analyzeCuda(text, { device });
  const m = kernel ? a.models.get(kernel) : [...a.models.values()][0];
  assert.ok(m, `a model for ${kernel ?? "the kernel"}: ${a.diagnostics.map((d) => d.message).join("; ")}`);
  return m.model;
}

const sharedLoads = (m: KernelModel): AccessInfo[] => m.accesses.filter((a) => a.addressSpace === "workgroup" && a.kind === "load");

/** Compiles `text` for sm_86 and counts each kernel's shared loads by width in its SASS. */
async function sass(text: string): Promise<Map<string, Map<number, number>>> {
  const dir = mkdtempSync(join(tmpdir(), "kl-sass-"));
  try {
    writeFileSync(join(dir, "k.cu"), text);
    const r = await runTool((nvcc as { path: string }).path, ["-arch=sm_86", "-cubin", "-o", join(dir, "k.cubin"), join(dir, "k.cu")], { cwd: dir, deadlineMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    return sharedLoadsByWidth(readFileSync(join(dir, "k.cubin")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const one = (m: Map<string, Map<number, number>>): Map<number, number> => {
  assert.equal(m.size, 1, "one kernel");
  return [...m.values()][0];
};

describe("shared-memory wavefronts of wide loads", () => {
  const kernel = (load: string) => `// @grid 1
// @block 32
__global__ void wide(float* out) {
  __shared__ float s[1024];
  s[threadIdx.x] = threadIdx.x;
  __syncthreads();
  ${load}
}`;

  it("a float4 per lane at an 8-float stride is served in quarter-warp phases: 2 wavefronts each, not 4-way", async () => {
    // Lanes 0-7 of a quarter read 16 B at byte 32 x lane: banks 8 lane .. 8 lane + 3 (mod 32), so lanes l and l + 4
    // share banks at different words: 2 wavefronts per phase, 8 for the warp against 4 without conflicts.
    const m = await model(kernel("const float4 v = reinterpret_cast<const float4*>(s)[(threadIdx.x % 16) * 2]; out[threadIdx.x] = v.x + v.y + v.z + v.w;"));
    assert.equal(sharedLoads(m)[0].bankConflictDegree, 2);
  });

  it("a float2 per lane at a 4-float stride is served in half-warp phases: 2-way", async () => {
    // Lanes 0-15 read 8 B at byte 16 x lane: words 4 lane and 4 lane + 1; lanes l and l + 8 share banks.
    const m = await model(kernel("const float2 v = reinterpret_cast<const float2*>(s)[threadIdx.x * 2]; out[threadIdx.x] = v.x + v.y;"));
    assert.equal(sharedLoads(m)[0].bankConflictDegree, 2);
  });

  it("a float per lane at an 8-float stride stays 4-way (one phase of 32 lanes)", async () => {
    const m = await model(kernel("out[threadIdx.x] = s[(threadIdx.x % 16) * 8];"));
    assert.equal(sharedLoads(m)[0].bankConflictDegree, 4);
  });
});

describe("shared loads ptxas merges in unrolled code", () => {
  const rowSum = (loop: string, index: string) => `// @grid 64
// @block 128
__global__ void row_sum(const float* __restrict__ in, float* __restrict__ out) {
  __shared__ float tile[128 * 8 + 8];
  for (int i = threadIdx.x; i < 128 * 8; i += 128) tile[i] = in[blockIdx.x * 1024 + i];
  __syncthreads();
  float acc = 0.0f;
${loop}
  for (int d = 0; d < 8; ++d) acc += tile[${index}];
  out[blockIdx.x * 128 + threadIdx.x] = acc;
}`;
  const unrolled = rowSum("#pragma unroll", "threadIdx.x * 8 + d");
  const rolled = rowSum("#pragma unroll 1", "threadIdx.x * 8 + d");

  it("eight consecutive floats of an unrolled loop from a 32-byte aligned start: two 128-bit loads", async () => {
    const m = await model(unrolled);
    const [load] = sharedLoads(m);
    assert.deepEqual(load.merged, { width: 4, loop: "d" });
    // The merged LDS.128: lanes 0-7 read 16 B at byte 32 x lane, lanes l and l + 4 in the same banks: 2-way.
    assert.equal(load.bankConflictDegree, 2);
  });

  it("no merge where the loop stays a loop, or the start is not aligned to the wider load", async () => {
    assert.equal(sharedLoads(await model(rolled))[0].merged, undefined);
    assert.equal(sharedLoads(await model(rowSum("#pragma unroll", "threadIdx.x * 9 + d")))[0].merged, undefined);
    // A 1-float offset: 4 B past a 32-byte boundary, no 8- or 16-byte alignment at the first iteration.
    assert.equal(sharedLoads(await model(rowSum("#pragma unroll", "threadIdx.x * 8 + d + 1")))[0].merged, undefined);
  });

  it("merged loads are one instruction per merge: fewer issue slots than the rolled loop's eight", async () => {
    const merged = await model(unrolled);
    const plain = await model(rolled);
    assert.ok(merged.roofline.components.computeMs < plain.roofline.components.computeMs, `${merged.roofline.components.computeMs} vs ${plain.roofline.components.computeMs}`);
  });

  it("agrees with ptxas: the unrolled loop compiles to two LDS.128, the rolled one to a scalar LDS", { skip: noNvcc }, async () => {
    const wide = one(await sass(unrolled));
    assert.equal(wide.get(128), 2, `SASS shared loads by width: ${[...wide]}`);
    assert.equal(wide.get(32) ?? 0, 0);
    const narrow = one(await sass(rolled));
    assert.equal(narrow.get(128) ?? 0, 0, `SASS shared loads by width: ${[...narrow]}`);
    assert.ok((narrow.get(32) ?? 0) >= 1);
  });

  // The SGEMM fixtures: per pass over one K tile, the loads each thread issues from shared memory in straight-line
  // code (the inner loops unrolled), in the model's terms (count / threads / passes / merge width), equal ptxas's.
  const ladder: { file: string; kernel: string; tileK: number; k: number }[] = [
    { file: "sgemm-3-smem-tiling.cu", kernel: "sgemm_smem_tiling<32>", tileK: 32, k: 4096 },
    { file: "sgemm-4-1d-blocktiling.cu", kernel: "sgemm_blocktiling_1d<64, 64, 8, 8>", tileK: 8, k: 4096 },
    { file: "sgemm-5-2d-blocktiling.cu", kernel: "sgemm_blocktiling_2d<128, 128, 8, 8, 8>", tileK: 8, k: 4096 },
  ];
  for (const f of ladder) {
    it(`${f.file}: the model's merged and single shared loads per K tile equal the LDS.128 and LDS.32 in its SASS`, { skip: noNvcc }, async () => {
      const text = readFileSync(join(fixtures, f.file), "utf8");
      const m = await model(text, f.kernel);
      const threads = m.invocations!;
      const perPass = (a: AccessInfo) => a.count.value / threads / (f.k / f.tileK) / (a.merged?.width ?? 1);
      let wide = 0;
      let narrow = 0;
      for (const a of sharedLoads(m)) {
        if (a.merged?.width === 4) wide += perPass(a);
        else if (!a.merged) narrow += perPass(a);
      }
      const counts = one(await sass(text));
      assert.deepEqual({ wide, narrow }, { wide: counts.get(128) ?? 0, narrow: counts.get(32) ?? 0 }, `SASS: ${[...counts]}`);
    });
  }
});

describe("the L1: shared lines, re-reads and a clock per line", () => {
  it("siboehm's naive SGEMM at 4096 on an RTX A6000: L2 bytes and L1 clocks by hand", async () => {
    const m = await model(readFileSync(join(fixtures, "sgemm-1-naive.cu"), "utf8"), "sgemm_naive");
    // 32 x 32 blocks, threadIdx.x picks the row: a warp reads 32 rows of A (32 sectors, 32 lines) and one element of
    // B that the block's 32 warps take from 32 consecutive columns. Per block, A's 32 rows are read once from L2
    // (all 32 warps read the same rows; a sector serves 8 steps): 16,384 blocks x 32 x 4,096 x 4 B = 8,589,934,592;
    // B's 128-byte row segment once per step: 16,384 x 4,096 x 128 B = 8,589,934,592.
    const a = m.accesses.find((x) => x.binding === "A")!;
    const b = m.accesses.find((x) => x.binding === "B")!;
    const l2 = (x: AccessInfo) => (x as AccessInfo & { l2Bytes: number }).l2Bytes;
    assert.equal(l2(a), 8_589_934_592);
    assert.equal(l2(b), 8_589_934_592);
    // L1 clocks: 524,288 warps x 4,096 steps x (32 lines of A + 1 of B), plus C's read and write (32 lines each
    // per warp), over 84 SMs at 1,800 MHz.
    const clocks = 524_288 * 4096 * 33 + 524_288 * 32 * 2;
    const l1Ms = (clocks / (a6000.smCount * a6000.boostClockMhz * 1e6)) * 1e3;
    assert.ok(Math.abs(m.roofline.components.l1Ms! - l1Ms) / l1Ms < 1e-9, `${m.roofline.components.l1Ms} vs ${l1Ms}`);
    assert.match(m.roofline.limiter ?? "", /^L1 throughput/);
  });

  it("a coalesced row of B shared by a block's 32 warps is read from L2 once per block and step", async () => {
    const m = await model(readFileSync(join(fixtures, "sgemm-2-coalesced.cu"), "utf8"), "sgemm_coalesced<32>");
    const b = m.accesses.find((x) => x.binding === "B")!;
    // 16,384 blocks x 4,096 steps x 128 B (was 32 warps x 4 sectors each, 32 times that).
    assert.equal((b as AccessInfo & { l2Bytes: number }).l2Bytes, 16_384 * 4096 * 128);
  });
});
