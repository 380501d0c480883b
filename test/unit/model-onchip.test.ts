// On-chip terms of the time model derived by hand (issue 13): function-scope arrays that live in local memory,
// workgroup memory on a GPU without documented banks (Apple), how arithmetic and the workgroup-memory loads feeding
// it overlap with the warps a scheduler has, barrier phases, and a software adapter whose terms add up.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { analyzeCudaSource } from "../../server/src/core/cuda/analyze";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import type { IrNode, KernelIR } from "../../server/src/core/kernel/ir";
import { L1_BYTES_PER_CLOCK_PER_SM, roofline, WARPS_TO_HIDE_WORKGROUP_LOADS } from "../../server/src/core/model/roofline";
import type { KernelModel } from "../../server/src/core/model/types";
import type { CalibrationProfile } from "../../server/src/gpu/types";
import { profileToDevice } from "../../server/src/run/profiles";
import { cudaParser } from "../support/cudaParser";

/** The device a software adapter's calibration makes (figures of lavapipe on this 2-core machine). */
function profileToDeviceOfSoftware(): DeviceSpec {
  const profile = {
    adapter: { key: "vulkan:llvmpipe", description: "llvmpipe", backend: "vulkan", software: true },
    measuredAt: "2026-12-07T00:00:00.000Z",
    copyBandwidthScalar: 1.6e9,
    copyBandwidthVec4: 4.3e9,
    copyBufferToBuffer: 5e9,
    fmaF32: 5e10,
    workgroupBandwidth: 4e9,
    dispatchOverheadMs: 0.09,
    barrierNsPerInvocation: 3.8,
    timing: "wall",
  } as unknown as CalibrationProfile;
  return profileToDevice(profile, { cpuCores: 2 });
}

const rtx4090 = findDevice("nvidia-rtx-4090")!;
const m2pro = findDevice("apple-m2-pro")!;

function analyse(text: string, entry: string, device: DeviceSpec = rtx4090): { model: KernelModel; codes: string[] } {
  const a = analyzeSource(text, { model: { device, given: new Map() } });
  const r = a.models.get(entry);
  assert.ok(r?.model, `${entry} has a model`);
  return { model: r.model, codes: a.diagnostics.map((d) => String(d.code)) };
}

// A 4 x 4 register tile accumulated over 8 steps, as gpu.cpp's rolled 2D-tiled matmul writes it: the nest over m and
// n indexes acc by m, the counter of a loop that is not innermost, so acc lives in local memory.
const REGISTER_TILE = (body: string): string => `
// @dispatch 4
// @buffer out[4096]
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn tile(@builtin(global_invocation_id) g: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var acc: array<f32, 16>;
${body}
  for (var m = 0u; m < 16u; m++) { out[g.x * 16u + m] = acc[m]; }
}
`;

describe("function-scope arrays in local memory", () => {
  it("keeps a register tile indexed by an outer loop's counter in local memory and charges every access", () => {
    const { model, codes } = analyse(
      REGISTER_TILE(`  for (var k = 0u; k < 8u; k++) {
    for (var m = 0u; m < 4u; m++) {
      for (var n = 0u; n < 4u; n++) {
        acc[m * 4u + n] += f32(k);
      }
    }
  }`),
      "tile",
    );
    // By hand, per invocation: 8 x 4 x 4 = 128 updates, each a 4-byte load and a 4-byte store (1,024 B), then the 16
    // reads of the final loop (64 B): 1,088 B. 4 workgroups x 64 invocations = 256 invocations: 278,528 B.
    assert.deepEqual(model.localMemory?.arrays.map((a) => a.name), ["acc"]);
    assert.equal(model.localMemory?.bytes, 256 * 1088);
    // Through the L1 at 128 B per clock per SM over the device's SMs: the part of the workgroup-memory term it adds.
    const expectedMs = ((256 * 1088) / (rtx4090.smCount * L1_BYTES_PER_CLOCK_PER_SM * rtx4090.boostClockMhz * 1e6)) * 1e3;
    const localMs = model.roofline.components.localMemoryMs!;
    assert.ok(Math.abs(localMs - expectedMs) / expectedMs < 1e-9, `${localMs} vs ${expectedMs}`);
    assert.ok(model.roofline.components.workgroupMs >= localMs);
    assert.ok(codes.includes("local-memory-array"), codes.join(", "));
  });

  it("keeps the same tile in registers when only innermost constant-trip loops index it", () => {
    const { model, codes } = analyse(
      REGISTER_TILE(`  for (var k = 0u; k < 8u; k++) {
    for (var i = 0u; i < 16u; i++) {
      acc[i] += f32(k);
    }
  }`),
      "tile",
    );
    assert.equal(model.localMemory, undefined);
    assert.equal(model.roofline.components.localMemoryMs, undefined);
    assert.ok(!codes.includes("local-memory-array"));
  });

  it("keeps it in registers when written out by hand, and in local memory when indexed by an id", () => {
    const unrolled = analyse(REGISTER_TILE(`  for (var k = 0u; k < 8u; k++) {\n${Array.from({ length: 16 }, (_, i) => `    acc[${i}] += f32(k);`).join("\n")}\n  }`), "tile");
    assert.equal(unrolled.model.localMemory, undefined);
    const byId = analyse(REGISTER_TILE(`  acc[lid % 16u] = 1.0;`), "tile");
    assert.deepEqual(byId.model.localMemory?.arrays.map((a) => a.name), ["acc"]);
    // One store by id, then the 16 reads: 68 B per invocation.
    assert.equal(byId.model.localMemory?.bytes, 256 * 68);
  });

  it("does not count a loop with a trip count the launch decides as unrolled", () => {
    const text = `
// @dispatch 1
// @uniform p = { n: 4 }
struct P { n: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn f(@builtin(local_invocation_index) lid: u32) {
  var t: array<f32, 4>;
  for (var i = 0u; i < p.n; i++) { t[i] = f32(i); }
  out[lid] = t[0];
}
`;
    const { model } = analyse(text, "f");
    assert.deepEqual(model.localMemory?.arrays.map((a) => a.name), ["t"]);
    // 4 stores and the read of t[0]: 20 B per invocation, 64 invocations.
    assert.equal(model.localMemory?.bytes, 64 * 20);
  });
});

// 256 invocations; each reads a column of a 32 x 64 tile: lane t reads word 64 (t mod 32) + k, so the 32 lanes of a
// warp hit one bank at 32 different words under the 32-bank rule. Charged bytes x degree where banks are documented,
// bytes alone on Apple.
const CONFLICTED = `
// @dispatch 64
// @buffer out[16384]
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
var<workgroup> tile: array<f32, 4096>;
@compute @workgroup_size(256)
fn col(@builtin(local_invocation_index) t: u32, @builtin(global_invocation_id) g: vec3<u32>) {
  tile[t] = f32(t);
  workgroupBarrier();
  var s = 0.0;
  for (var k = 0u; k < 16u; k++) { s += tile[(t % 32u) * 64u + k]; }
  out[g.x] = s;
}
`;

describe("workgroup memory without documented banks", () => {
  it("charges Apple's workgroup memory by bytes at 64 B per clock per core, NVIDIA's by bytes x conflict degree", () => {
    const apple = analyse(CONFLICTED, "col", m2pro).model;
    const nvidia = analyse(CONFLICTED, "col").model;
    const read = nvidia.accesses.find((a) => a.addressSpace === "workgroup" && a.kind === "load")!;
    // Lanes 0..31 read words 64 x lane + k: every one in bank k, 32 different words: a 32-way conflict.
    assert.equal(read.bankConflictDegree, 32);
    // By hand: 64 workgroups x 256 invocations x (16 reads + 1 store) x 4 B = 1,114,112 B.
    const bytes = 64 * 256 * 17 * 4;
    const appleMs = (bytes / (m2pro.smCount * 64 * m2pro.boostClockMhz * 1e6)) * 1e3;
    assert.equal(m2pro.sharedMemoryBytesPerClockPerSm, 64);
    assert.equal(m2pro.sharedMemoryBankConflicts, false);
    assert.ok(Math.abs(apple.roofline.components.workgroupMs - appleMs) / appleMs < 1e-9, `${apple.roofline.components.workgroupMs} vs ${appleMs}`);
    const nvidiaBytes = 64 * 256 * (16 * 4 * 32 + 4);
    const nvidiaMs = (nvidiaBytes / (rtx4090.smCount * 128 * rtx4090.boostClockMhz * 1e6)) * 1e3;
    assert.ok(Math.abs(nvidia.roofline.components.workgroupMs - nvidiaMs) / nvidiaMs < 1e-9, `${nvidia.roofline.components.workgroupMs} vs ${nvidiaMs}`);
  });

  it("still points out the conflict on Apple, saying the prediction does not charge it", () => {
    const a = analyzeSource(CONFLICTED, { model: { device: m2pro, given: new Map() } });
    const d = a.diagnostics.find((x) => x.code === "bank-conflict");
    assert.ok(d, "a bank-conflict finding");
    assert.match(d.message, /undocumented: the prediction does not charge it/);
  });
});

describe("overlap of arithmetic, workgroup memory and memory", () => {
  // Straight from roofline(): one SM's worth of work per wave, no DRAM or L2 to speak of.
  const base = { flopsF16: 0, intOps: 0, specialOps: 0, dramBytes: 0, l2Bytes: 0, barriers: 0 };
  const clocks = rtx4090.smCount * rtx4090.boostClockMhz * 1e6;
  const fpS = 1e-3; // 1 ms of FP32 arithmetic at peak
  const wgS = 0.5e-3; // 0.5 ms of workgroup memory
  const input = (warpsPerSm: number) => ({
    ...base,
    flopsF32: fpS * rtx4090.peakFlops.f32,
    workgroupBytes: wgS * clocks * rtx4090.sharedMemoryBytesPerClockPerSm,
    activeWarpsPerSm: warpsPerSm,
    activeWorkgroupsPerSm: 1,
    warpsPerWorkgroup: warpsPerSm,
    workgroups: rtx4090.smCount,
  });
  const launchMs = rtx4090.launchOverheadUs / 1e3;

  it("adds the two with few warps per scheduler and takes the larger with many", () => {
    // 16 warps per SM = 4 per scheduler: nothing hides the loads' wait, 1 + 0.5 ms.
    const few = roofline(rtx4090, input(4 * WARPS_TO_HIDE_WORKGROUP_LOADS[0]));
    assert.ok(Math.abs(few.predictedMs! - launchMs - 1.5) < 1e-9, String(few.predictedMs));
    // 64 warps per SM = 16 per scheduler: fully hidden, 1 ms.
    const many = roofline(rtx4090, input(4 * WARPS_TO_HIDE_WORKGROUP_LOADS[1]));
    assert.ok(Math.abs(many.predictedMs! - launchMs - 1) < 1e-9, String(many.predictedMs));
    // 40 warps = 10 per scheduler, half way: 1 + 0.25 ms.
    const half = roofline(rtx4090, input(40));
    assert.ok(Math.abs(half.predictedMs! - launchMs - 1.25) < 1e-9, String(half.predictedMs));
    assert.equal(few.limiter, "FP32 compute");
  });

  it("overlaps them within a warp where the compiler schedules the loads ahead in unrolled code, even with few warps", () => {
    // 4 warps per scheduler: 1 + 0.5 ms when the loads sit in a loop kept as a loop; when all of them are in loops
    // the compiler unrolls fully (nvcc issues them ahead of the arithmetic), the larger alone: 1 ms; half of them, a
    // quarter of the wait left: 1 + 0.25 ms.
    const few = 4 * WARPS_TO_HIDE_WORKGROUP_LOADS[0];
    const scheduled = roofline(rtx4090, { ...input(few), scheduledWorkgroupLoads: 1 });
    assert.ok(Math.abs(scheduled.predictedMs! - launchMs - 1) < 1e-9, String(scheduled.predictedMs));
    const half = roofline(rtx4090, { ...input(few), scheduledWorkgroupLoads: 0.5 });
    assert.ok(Math.abs(half.predictedMs! - launchMs - 1.25) < 1e-9, String(half.predictedMs));
  });

  it("counts a CUDA kernel's shared loads in fully unrolled loops as scheduled, and none of a rolled loop's", async () => {
    const kernel = (pragma: string) => `// @grid 1024
// @block 128
__global__ void dot_rows(const float* __restrict__ in, float* __restrict__ out) {
  __shared__ float tile[128 * 8];
  for (int i = threadIdx.x; i < 128 * 8; i += 128) tile[i] = in[blockIdx.x * 1024 + i];
  __syncthreads();
  float acc = 0.0f;
${pragma}
  for (int d = 0; d < 8; ++d) acc += tile[d * 128 + threadIdx.x] * tile[threadIdx.x * 8 + d];
  out[blockIdx.x * 128 + threadIdx.x] = acc;
}`;
    const parser = await cudaParser();
    const share = (text: string) => {
      const a = analyzeCudaSource(text, { parser, model: { device: rtx4090 } });
      const ir = a.irs.get("dot_rows")!;
      const m = a.models.get("dot_rows")!.model;
      return { ir, m };
    };
    const unrolled = share(kernel("#pragma unroll"));
    const rolled = share(kernel("#pragma unroll 1"));
    const loop = (ir: KernelIR) => ir.body.find((n): n is Extract<IrNode, { k: "loop" }> => n.k === "loop" && n.body.some((b) => b.k === "access" && b.space === "workgroup" && b.kind === "load"));
    assert.equal(loop(unrolled.ir)?.unrolled, true);
    assert.equal(loop(rolled.ir)?.unrolled, undefined);
    assert.ok(unrolled.m.roofline.predictedMs! < rolled.m.roofline.predictedMs!, `${unrolled.m.roofline.predictedMs} vs ${rolled.m.roofline.predictedMs}`);
  });

  it("pays the shorter of memory and on-chip work once per resident workgroup when barriers split the phases", () => {
    // 1 ms of DRAM traffic and 1.5 ms on chip (16 warps per SM), 2 workgroups resident per SM, with barriers:
    // 1.5 + 1 / 2 ms. Without barriers the warps overlap them fully: 1.5 ms.
    const dram = 1e-3 * rtx4090.dramBandwidthBytesPerSec;
    const x = { ...input(16), dramBytes: dram, l2Bytes: dram, activeWorkgroupsPerSm: 2, warpsPerWorkgroup: 8, workgroups: 2 * rtx4090.smCount, bytesInFlightPerWarp: 1e9 };
    const withBarriers = roofline(rtx4090, { ...x, barriers: 1 });
    const without = roofline(rtx4090, x);
    const barrierMs = withBarriers.components.computeMs - fpS * 1e3;
    assert.ok(Math.abs(without.predictedMs! - launchMs - 1.5) < 1e-6, String(without.predictedMs));
    assert.ok(Math.abs(withBarriers.predictedMs! - launchMs - (1.5 + barrierMs + 0.5)) < 1e-6, `${withBarriers.predictedMs} (barrier ${barrierMs} ms)`);
  });

  it("adds every term on a software adapter, whose CPU cores run a workgroup's invocations in turn", () => {
    const serial: DeviceSpec = { ...rtx4090, serialWorkgroups: true };
    const dram = 1e-3 * rtx4090.dramBandwidthBytesPerSec;
    const r = roofline(serial, { ...input(64), dramBytes: dram, l2Bytes: dram, bytesInFlightPerWarp: 1e9 });
    assert.ok(Math.abs(r.predictedMs! - launchMs - 2.5) < 1e-6, String(r.predictedMs));
  });
});

describe("a software adapter", () => {
  it("moves each lane's own bytes: a strided store costs 4 bytes a lane, not a 32-byte sector", () => {
    const text = `
// @dispatch 16, 16
// @buffer src[65536]
// @buffer dst[65536]
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(16, 16)
fn transpose(@builtin(global_invocation_id) g: vec3<u32>) {
  dst[g.x * 256u + g.y] = src[g.y * 256u + g.x];
}
`;
    const cpu: DeviceSpec = { ...rtx4090, serialWorkgroups: true, memoryTransactionBytes: 32 };
    assert.equal(profileToDeviceOfSoftware().serialWorkgroups, true, "a software adapter's profile makes such a device");
    const gpu = analyse(text, "transpose", { ...rtx4090, memoryTransactionBytes: 32 }).model;
    const soft = analyse(text, "transpose", cpu).model;
    // By hand: 65,536 invocations, one 4-byte load and one 4-byte store each: 524,288 B on the CPU. On the GPU a warp
    // is two rows of the 16 x 16 workgroup: its stores are 16 columns x 1 KB apart, the two rows' words adjacent, so
    // 16 sectors of 32 B per 32 lanes: 16 B a lane, 65,536 x 16 B of stores.
    assert.equal((soft.traffic.l2Read ?? 0) + (soft.traffic.l2Written ?? 0), 65536 * 8);
    assert.equal(gpu.traffic.l2Written, 65536 * 16);
  });
});
