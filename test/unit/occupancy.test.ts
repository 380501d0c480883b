// Tests the occupancy calculator on hand-derived cases for NVIDIA, AMD, Intel and Apple devices.
//
// Every NVIDIA case below was also run through NVIDIA's own cuda_occupancy.h (CUDA 13.0, compiled on the host with
// the same per-compute-capability properties) and gave the same blocks per SM and per-resource limits.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { computeOccupancy, type OccupancyResult } from "../../server/src/core/devices/occupancy";

const KB = 1024;

function device(id: string): DeviceSpec {
  const d = findDevice(id);
  assert.ok(d, `no device ${id}`);
  return d;
}

function occ(id: string, threadsPerBlock: number, registersPerThread: number, sharedMemoryPerBlockBytes: number): OccupancyResult {
  return computeOccupancy(device(id), { threadsPerBlock, registersPerThread, sharedMemoryPerBlockBytes });
}

describe("NVIDIA occupancy (cuda_occupancy.h rules)", () => {
  it("A100, 256 threads, 32 registers, no shared memory: full, limited by warps", () => {
    // 256 threads = 8 warps; warp limit 64 / 8 = 8 blocks.
    // Registers: 32 x 32 = 1,024 per warp; 65,536 / 4 = 16,384 per sub-partition / 1,024 = 16 warps x 4 = 64 warps
    // = 8 blocks. Shared memory: the 1 KB reserved per block -> 164 KB / 1 KB = 164. Block limit 32.
    // min(8, 8, 164, 32) = 8 blocks = 64 of 64 warps. Warp slots and registers tie; warps is reported.
    const r = occ("nvidia-a100-sxm-80gb", 256, 32, 0);
    assert.equal(r.activeBlocksPerSm, 8);
    assert.equal(r.activeWarpsPerSm, 64);
    assert.equal(r.occupancy, 1);
    assert.equal(r.limitedBy, "warps");
    assert.deepEqual(r.limits, { warps: 8, registers: 8, sharedMemory: 164, blocks: 32 });
    // 8 blocks x 1 KB reserved = 8 KB: the 8 KB carveout holds them.
    assert.equal(r.sharedMemoryConfigBytes, 8 * KB);
    assert.match(r.detail, /8 blocks fill all 64 warp slots/);
  });

  it("A100, 256 threads, 64 registers: half, limited by registers", () => {
    // 64 x 32 = 2,048 per warp; 16,384 / 2,048 = 8 warps per sub-partition x 4 = 32 warps = 4 blocks of 8 warps.
    const r = occ("nvidia-a100-sxm-80gb", 256, 64, 0);
    assert.equal(r.activeBlocksPerSm, 4);
    assert.equal(r.activeWarpsPerSm, 32);
    assert.equal(r.occupancy, 0.5);
    assert.equal(r.limitedBy, "registers");
    assert.equal(r.limits.registers, 4);
    assert.match(r.detail, /2048 per warp: 8 warps per sub-partition x 4 = 32/);
  });

  it("A100, 1024 threads, 16 KB shared memory: two blocks fill the SM, 64 KB carveout", () => {
    // 32 warps per block: warp limit 2. Registers (32): 64 warps / 32 = 2. Shared: 16 KB + 1 KB = 17 KB per block,
    // 164 / 17 = 9. Active 2 blocks = 64 warps. The two blocks need 34 KB: the smallest carveout holding them is 64 KB.
    const r = occ("nvidia-a100-sxm-80gb", 1024, 32, 16 * KB);
    assert.equal(r.activeBlocksPerSm, 2);
    assert.equal(r.occupancy, 1);
    assert.equal(r.limits.sharedMemory, 9);
    assert.equal(r.sharedMemoryConfigBytes, 64 * KB);
  });

  it("RTX 3090 (8.6), 128 threads, 48 KB shared memory: 2 blocks = 8 of 48 warps", () => {
    // 48 KB + 1 KB reserved = 49 KB per block (already a multiple of 128 B). Largest 8.6 carveout 100 KB:
    // floor(100 / 49) = 2 blocks x 4 warps = 8 of 48 warps. Warps alone would allow 48 / 4 = 12; registers 16.
    const r = occ("nvidia-rtx-3090", 128, 32, 48 * KB);
    assert.equal(r.activeBlocksPerSm, 2);
    assert.equal(r.activeWarpsPerSm, 8);
    assert.equal(r.maxWarpsPerSm, 48);
    assert.ok(Math.abs(r.occupancy - 8 / 48) < 1e-12);
    assert.equal(r.limitedBy, "shared-memory");
    assert.deepEqual(r.limits, { warps: 12, registers: 16, sharedMemory: 2, blocks: 16 });
    assert.equal(r.sharedMemoryConfigBytes, 100 * KB);
    assert.equal(r.detail, "49 KB of shared memory per block (48 KB + 1 KB reserved): 2 blocks fit in the 100 KB carveout, 8 of 48 warps.");
  });

  it("RTX 3090, 128 threads, 24 KB: 4 blocks of 25 KB fill the 100 KB carveout", () => {
    // 24 + 1 = 25 KB; 100 / 25 = 4 blocks x 4 warps = 16 of 48 warps.
    const r = occ("nvidia-rtx-3090", 128, 32, 24 * KB);
    assert.equal(r.activeBlocksPerSm, 4);
    assert.equal(r.activeWarpsPerSm, 16);
    assert.equal(r.sharedMemoryConfigBytes, 100 * KB);
  });

  it("rejects a block of 1025 threads", () => {
    const r = occ("nvidia-a100-sxm-80gb", 1025, 32, 0);
    assert.equal(r.limitedBy, "threads-per-block");
    assert.equal(r.activeBlocksPerSm, 0);
    assert.equal(r.occupancy, 0);
    assert.match(r.invalidReason ?? "", /1025 threads per block exceeds the maximum of 1024/);
  });

  it("T4 (7.5) holds at most 32 warps; no shared memory is reserved before 8.0", () => {
    // 256 threads = 8 warps; warp limit 32 / 8 = 4 blocks = 32 of 32 warps. Registers (32): 64 warps / 8 = 8.
    // No shared memory and nothing reserved: no shared-memory limit.
    const r = occ("nvidia-t4", 256, 32, 0);
    assert.equal(r.maxWarpsPerSm, 32);
    assert.equal(r.activeBlocksPerSm, 4);
    assert.equal(r.occupancy, 1);
    assert.equal(r.limits.sharedMemory, Number.POSITIVE_INFINITY);
    // Turing's carveouts are 32 and 64 KB: with no shared memory the smaller is chosen.
    assert.equal(r.sharedMemoryConfigBytes, 32 * KB);
  });

  it("T4, 128 threads, 8 KB: eight 8 KB blocks use the whole 64 KB carveout", () => {
    // 8 KB is a multiple of the 256 B granularity; 64 / 8 = 8 blocks x 4 warps = 32 warps. Warps also allow 8.
    const r = occ("nvidia-t4", 128, 32, 8 * KB);
    assert.equal(r.activeBlocksPerSm, 8);
    assert.equal(r.limits.sharedMemory, 8);
    assert.equal(r.sharedMemoryConfigBytes, 64 * KB);
  });

  it("V100 (7.0), 96 threads, 48 registers, 20 KB: shared memory allows 4 blocks", () => {
    // 3 warps per block. Registers: 48 x 32 = 1,536 per warp; 16,384 / 1,536 = 10 warps x 4 = 40 / 3 = 13 blocks.
    // Shared: 20 KB (256 B granularity, nothing reserved); 96 KB / 20 KB = 4. Warps 64 / 3 = 21. Active 4 = 12 warps.
    const r = occ("nvidia-v100-sxm2-32gb", 96, 48, 20 * KB);
    assert.deepEqual(r.limits, { warps: 21, registers: 13, sharedMemory: 4, blocks: 32 });
    assert.equal(r.activeWarpsPerSm, 12);
    assert.equal(r.limitedBy, "shared-memory");
  });

  it("H100 (9.0), 128 threads, 255 registers: 2 blocks", () => {
    // 255 x 32 = 8,160 -> rounded to 8,192 per warp; 16,384 / 8,192 = 2 warps per sub-partition x 4 = 8 warps
    // = 2 blocks of 4 warps = 8 of 64 warps.
    const r = occ("nvidia-h100-sxm", 128, 255, 0);
    assert.equal(r.activeBlocksPerSm, 2);
    assert.equal(r.activeWarpsPerSm, 8);
    assert.equal(r.occupancy, 0.125);
    assert.equal(r.limitedBy, "registers");
  });

  it("H100, 1024 threads: 64 registers run at one block, 65 or more cannot launch", () => {
    // 64 regs: 2,048 per warp x 32 warps = 65,536 registers, exactly the per-block limit: 1 block of 32 warps.
    const ok = occ("nvidia-h100-sxm", 1024, 64, 0);
    assert.equal(ok.activeBlocksPerSm, 1);
    assert.equal(ok.occupancy, 0.5);
    // 65 regs: 65 x 32 = 2,080 -> 2,304 per warp x 32 = 73,728 > 65,536: the launch fails.
    const bad = occ("nvidia-h100-sxm", 1024, 65, 0);
    assert.equal(bad.limitedBy, "registers");
    assert.equal(bad.activeBlocksPerSm, 0);
    assert.match(bad.invalidReason ?? "", /73728 registers/);
    const worse = occ("nvidia-h100-sxm", 1024, 255, 0);
    assert.equal(worse.limitedBy, "registers");
  });

  it("H100, 256 threads, 100 KB: 2 blocks of 101 KB in the 228 KB carveout", () => {
    // 100 + 1 = 101 KB; 228 / 101 = 2 blocks x 8 warps = 16 of 64. The two need 202 KB: the 228 KB carveout.
    const r = occ("nvidia-h100-sxm", 256, 32, 100 * KB);
    assert.equal(r.activeBlocksPerSm, 2);
    assert.equal(r.activeWarpsPerSm, 16);
    assert.equal(r.sharedMemoryConfigBytes, 228 * KB);
  });

  it("rejects more shared memory than a block may opt into, and odd inputs", () => {
    // 8.6 allows 99 KB per block.
    const r = occ("nvidia-rtx-3090", 128, 32, 100 * KB);
    assert.equal(r.limitedBy, "shared-memory");
    assert.match(r.invalidReason ?? "", /exceeds the maximum of 99 KB/);
    assert.equal(occ("nvidia-rtx-3090", 128, 256, 0).limitedBy, "registers");
    assert.equal(occ("nvidia-rtx-3090", 0, 32, 0).limitedBy, "invalid");
    assert.equal(occ("nvidia-rtx-3090", 12.5, 32, 0).limitedBy, "invalid");
    assert.equal(occ("nvidia-rtx-3090", 128, -1, 0).limitedBy, "invalid");
    assert.equal(occ("nvidia-rtx-3090", 128, 32, Number.NaN).limitedBy, "invalid");
  });

  it("RTX 3090, 32-thread blocks: the 16-block limit binds", () => {
    // 1 warp per block: warps allow 48, registers (16) 128; the 8.6 SM holds 16 blocks = 16 of 48 warps.
    const r = occ("nvidia-rtx-3090", 32, 16, 0);
    assert.equal(r.activeBlocksPerSm, 16);
    assert.equal(r.limitedBy, "blocks");
    assert.match(r.detail, /at most 16 blocks/);
  });

  it("RTX 4090 (8.9), 640 threads: 20-warp blocks leave 8 warp slots empty", () => {
    // 48 / 20 = 2 blocks = 40 of 48 warps. Registers (40): 1,280 per warp; 16,384 / 1,280 = 12 x 4 = 48 / 20 = 2.
    const r = occ("nvidia-rtx-4090", 640, 40, 0);
    assert.equal(r.activeBlocksPerSm, 2);
    assert.equal(r.activeWarpsPerSm, 40);
    assert.equal(r.limitedBy, "warps");
    assert.match(r.detail, /only 2 blocks fit/);
  });

  it("a kernel with no register count is not register-limited", () => {
    const r = occ("nvidia-rtx-4090", 256, 0, 0);
    assert.equal(r.limits.registers, Number.POSITIVE_INFINITY);
    assert.equal(r.activeBlocksPerSm, 6);
  });

  it("B200 (10.0), 384 threads, 72 registers, 40 KB: registers allow 2 blocks", () => {
    // 72 x 32 = 2,304 per warp; 16,384 / 2,304 = 7 warps x 4 = 28 / 12 = 2. Shared: 41 KB, 228 / 41 = 5.
    // The 2 blocks need 82 KB: the 100 KB carveout.
    const r = occ("nvidia-b200", 384, 72, 40 * KB);
    assert.deepEqual(r.limits, { warps: 5, registers: 2, sharedMemory: 5, blocks: 32 });
    assert.equal(r.sharedMemoryConfigBytes, 100 * KB);
  });

  it("A100, 64 threads, 200 registers, 2000 B: 128-byte granularity after the 1 KB reservation", () => {
    // Shared: 2,000 + 1,024 = 3,024 -> 3,072 B; 167,936 / 3,072 = 54. Registers: 6,400 per warp -> 2 per
    // sub-partition = 8 warps = 4 blocks of 2.
    const r = occ("nvidia-a100-sxm-80gb", 64, 200, 2000);
    assert.equal(r.limits.sharedMemory, 54);
    assert.equal(r.limits.registers, 4);
    assert.equal(r.activeBlocksPerSm, 4);
  });
});

describe("AMD occupancy (LLVM AMDGPU rules)", () => {
  it("MI300X (wave64), 256 threads, 128 VGPRs: 4 waves per SIMD", () => {
    // 4 waves per workgroup. VGPRs: 512 per lane per SIMD, granule 8: 512 / 128 = 4 waves per SIMD x 4 SIMDs = 16
    // waves = 4 workgroups = 16 of 32 waves. (LLVM's occupancy-levels.ll: 128 VGPRs -> occupancy 4 on gfx950.)
    const r = occ("amd-mi300x", 256, 128, 0);
    assert.equal(r.activeBlocksPerSm, 4);
    assert.equal(r.activeWarpsPerSm, 16);
    assert.equal(r.maxWarpsPerSm, 32);
    assert.equal(r.occupancy, 0.5);
    assert.equal(r.limitedBy, "registers");
    assert.match(r.detail, /4 waves per SIMD x 4 = 16/);
  });

  it("MI300X, 256 threads, 64 KB LDS: one workgroup per CU", () => {
    // 64 KB of LDS per CU / 64 KB = 1 workgroup = 4 of 32 waves.
    const r = occ("amd-mi300x", 256, 32, 64 * KB);
    assert.equal(r.activeBlocksPerSm, 1);
    assert.equal(r.activeWarpsPerSm, 4);
    assert.equal(r.limitedBy, "shared-memory");
    assert.equal(r.sharedMemoryConfigBytes, undefined);
    assert.match(r.detail, /64 KB of LDS per workgroup: 1 workgroup fits in the 64 KB of the CU, 4 of 32 waves/);
  });

  it("MI300X, 1024 threads, 96 VGPRs: 20 wave slots hold one 16-wave workgroup", () => {
    // 512 / 96 = 5 waves per SIMD x 4 = 20 waves; a 16-wave workgroup fits once: 16 of 32 waves.
    const r = occ("amd-mi300x", 1024, 96, 0);
    assert.equal(r.activeBlocksPerSm, 1);
    assert.equal(r.activeWarpsPerSm, 16);
  });

  it("MI100 (gfx908), single-wave workgroups with 40 VGPRs: 6 waves per SIMD", () => {
    // 256 VGPRs, granule 4: 256 / 40 = 6 per SIMD x 4 = 24 waves (LLVM: 40 VGPRs -> occupancy 6 on gfx908).
    // Single-wave workgroups have no 16-workgroup limit, so 24 workgroups of 1 wave run.
    const r = occ("amd-mi100", 64, 40, 0);
    assert.equal(r.activeBlocksPerSm, 24);
    assert.equal(r.limits.blocks, 40);
    assert.equal(r.limitedBy, "registers");
  });

  it("RX 7900 XTX (RDNA 3, wave32), 256 threads, 100 VGPRs: 12 waves per SIMD", () => {
    // 8 waves per workgroup. 1,536 VGPRs per lane, granule 24: 100 -> 120; 1,536 / 120 = 12 per SIMD x 2 SIMDs = 24
    // waves = 3 workgroups = 24 of 32 waves. (LLVM's occupancy-levels.ll: 100 VGPRs -> 12 on gfx1100 wave32.)
    const r = occ("amd-rx-7900-xtx", 256, 100, 0);
    assert.equal(r.activeBlocksPerSm, 3);
    assert.equal(r.activeWarpsPerSm, 24);
    assert.equal(r.occupancy, 0.75);
    assert.equal(r.limitedBy, "registers");
  });

  it("RX 7900 XTX, 256 threads, 24 KB LDS: two workgroups per CU", () => {
    // 24 KB is a multiple of 512 B; 64 / 24 = 2 workgroups x 8 waves = 16 of 32.
    const r = occ("amd-rx-7900-xtx", 256, 32, 24 * KB);
    assert.equal(r.activeBlocksPerSm, 2);
    assert.equal(r.activeWarpsPerSm, 16);
    assert.equal(r.limitedBy, "shared-memory");
  });

  it("RX 6900 XT (RDNA 2), 128 threads, 84 VGPRs: granule 16 gives 10 waves per SIMD", () => {
    // 1,024 VGPRs, granule 16: 84 -> 96; 1,024 / 96 = 10 per SIMD x 2 = 20 waves; 4-wave workgroups: 5 = 20 of 32.
    // (LLVM's occupancy-levels.ll: 84 VGPRs -> 10 on gfx1030 wave32.)
    const r = occ("amd-rx-6900-xt", 128, 84, 0);
    assert.equal(r.activeBlocksPerSm, 5);
    assert.equal(r.activeWarpsPerSm, 20);
  });

  it("allows at most 16 multi-wave workgroups per CU", () => {
    // 64-thread workgroups on RDNA are 2 waves: wave slots allow 16, registers (16 VGPRs) 64: 16 workgroups.
    const r = occ("amd-rx-7900-xtx", 64, 16, 0);
    assert.equal(r.limits.blocks, 16);
    assert.equal(r.activeBlocksPerSm, 16);
  });
});

describe("Intel and Apple occupancy", () => {
  it("Arc A770: 256 work-items = 16 SIMD16 threads; 8 work-groups fill the Xe-core's 128 threads", () => {
    const r = occ("intel-arc-a770", 256, 32, 0);
    assert.equal(r.activeBlocksPerSm, 8);
    assert.equal(r.occupancy, 1);
    assert.match(r.detail, /16 hardware threads per work-group/);
  });

  it("Arc A770: shared local memory rounds up to a power of two", () => {
    // 5,000 B -> 8 KB; 128 KB / 8 KB = 16 work-groups x 4 threads = 64 of 128 threads.
    const r = occ("intel-arc-a770", 64, 32, 5000);
    assert.equal(r.limits.sharedMemory, 16);
    assert.equal(r.activeWarpsPerSm, 64);
    assert.equal(r.occupancy, 0.5);
  });

  it("Apple M1: two 1024-thread threadgroups with 32 KB each fill the 64 KB of threadgroup memory", () => {
    // 32 SIMD-groups per threadgroup; threadgroup memory 64 KB / 32 KB = 2 = 64 of 96 SIMD-groups.
    const r = occ("apple-m1", 1024, 32, 32 * KB);
    assert.equal(r.activeBlocksPerSm, 2);
    assert.equal(r.activeWarpsPerSm, 64);
    assert.equal(r.limitedBy, "shared-memory");
  });
});
