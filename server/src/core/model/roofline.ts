// Places a kernel on the device's roofline and predicts its time from counts, traffic and occupancy.
//
// predicted = max(compute / compute efficiency, DRAM / memory efficiency, L2 / memory efficiency, workgroup memory)
//             / wave utilisation + launch overhead
// Memory efficiency follows Little's law: the bytes the resident warps keep in flight against bandwidth x latency.
// Compute efficiency needs about two warps per scheduler (eight per SM) to hide arithmetic latency. Wave utilisation
// accounts for the last, partial wave of workgroups. The constants are stated here and in the README, so the
// prediction can be checked and calibrated.
import type { DeviceSpec } from "../devices/device";
import type { RooflineInfo } from "./types";

/** DRAM latency the resident warps must cover, seconds. */
export const MEMORY_LATENCY_S = 500e-9;
/** Bytes one warp keeps in flight: 32 lanes x 4 bytes x 2 independent loads. */
export const BYTES_IN_FLIGHT_PER_WARP = 256;
/** Warps per SM needed to keep the arithmetic pipes busy. */
export const WARPS_FOR_FULL_COMPUTE = 8;
/** L2 bandwidth as a multiple of DRAM bandwidth, where a device gives none. */
export const L2_TO_DRAM_BANDWIDTH = 3;

export interface RooflineInput {
  readonly flopsF32: number;
  /** Half-precision FLOPs (f16 and bf16, priced at the f16 rate). */
  readonly flopsF16: number;
  /** Tensor-core FLOPs, priced at the device's tensor peak (its f16 peak where none is given). */
  readonly tensorFlops?: number;
  readonly intOps: number;
  readonly specialOps: number;
  readonly dramBytes: number | null;
  readonly l2Bytes: number;
  /** Workgroup-memory bytes times the average bank-conflict degree. */
  readonly workgroupBytes: number;
  readonly activeWarpsPerSm: number;
  readonly activeWorkgroupsPerSm: number;
  readonly workgroups: number;
  /** Invocation-barriers over the dispatch (each invocation's workgroupBarrier() calls, summed). */
  readonly barriers: number;
}

/** Cycles one warp spends in a workgroup barrier, for devices without a measured figure (an estimate). */
export const BARRIER_CYCLES_PER_WARP = 20;
/** Warp schedulers per SM, across which barriers of different warps overlap. */
const SCHEDULERS_PER_SM = 4;

/** Seconds the dispatch spends in barriers: measured per invocation-barrier, or estimated from the clock. */
export function barrierSeconds(device: DeviceSpec, barriers: number): number {
  const perInvocationNs = device.barrierNsPerInvocation ?? (BARRIER_CYCLES_PER_WARP / (device.boostClockMhz * 1e6 * device.smCount * SCHEDULERS_PER_SM * device.warpSize)) * 1e9;
  return (barriers * perInvocationNs) / 1e9;
}

export function roofline(device: DeviceSpec, x: RooflineInput): RooflineInfo {
  const tensor = x.tensorFlops ?? 0;
  const tensorPeak = device.peakFlops.tensorF16 ?? device.peakFlops.f16;
  const flops = x.flopsF32 + x.flopsF16 + tensor;
  const mainPeak = tensor > Math.max(x.flopsF16, x.flopsF32) ? tensorPeak : x.flopsF16 > x.flopsF32 ? device.peakFlops.f16 : device.peakFlops.f32;
  const ridge = mainPeak / device.dramBandwidthBytesPerSec;
  // Barriers stall the arithmetic pipes: their time adds to the compute time.
  const computeS = Math.max(x.flopsF32 / device.peakFlops.f32 + x.flopsF16 / device.peakFlops.f16 + tensor / tensorPeak, x.intOps / device.peakIntOps, x.specialOps / device.peakSpecialOps) + barrierSeconds(device, x.barriers);
  const dramS = x.dramBytes === null ? null : x.dramBytes / device.dramBandwidthBytesPerSec;
  const l2Bandwidth = (device as DeviceSpec & { l2BandwidthBytesPerSec?: number }).l2BandwidthBytesPerSec ?? L2_TO_DRAM_BANDWIDTH * device.dramBandwidthBytesPerSec;
  const l2S = x.l2Bytes / l2Bandwidth;
  const workgroupS = x.workgroupBytes / (device.smCount * device.sharedMemoryBytesPerClockPerSm * device.boostClockMhz * 1e6);
  const launchS = device.launchOverheadUs * 1e-6;

  const warps = Math.max(0, x.activeWarpsPerSm);
  const memoryEff = Math.min(1, Math.max(0.05, (warps * device.smCount * BYTES_IN_FLIGHT_PER_WARP) / (device.dramBandwidthBytesPerSec * MEMORY_LATENCY_S)));
  const computeEff = Math.min(1, Math.max(0.05, warps / WARPS_FOR_FULL_COMPUTE));
  const capacity = Math.max(1, x.activeWorkgroupsPerSm * device.smCount);
  const waves = Math.max(1, Math.ceil(x.workgroups / capacity));
  const waveUtil = x.workgroups > 0 ? Math.min(1, x.workgroups / (waves * capacity)) : 1;

  const terms: [RooflineInfo["bound"], number][] = [
    ["compute", computeS / computeEff],
    ["memory", (dramS ?? 0) / memoryEff],
    ["memory", l2S / memoryEff],
    ["workgroup-memory", workgroupS],
  ];
  let [bound, slowest] = terms[0];
  for (const [b, t] of terms) if (t > slowest) [bound, slowest] = [b, t];
  const bodyS = slowest / waveUtil;
  const predictedS = bodyS + launchS;
  if (launchS > bodyS) bound = "latency";
  const ai = x.dramBytes && x.dramBytes > 0 ? flops / x.dramBytes : null;
  const attainable = ai === null ? null : Math.min(mainPeak, ai * device.dramBandwidthBytesPerSec) / 1e9;
  return {
    bound: dramS === null && bound === "memory" ? "unknown" : bound,
    predictedMs: dramS === null ? null : predictedS * 1e3,
    attainableGflops: attainable,
    arithmeticIntensity: ai,
    ridge,
    components: { computeMs: computeS * 1e3, dramMs: dramS === null ? null : dramS * 1e3, l2Ms: l2S * 1e3, workgroupMs: workgroupS * 1e3, launchMs: launchS * 1e3 },
    efficiency: { memory: memoryEff, compute: computeEff, waves, waveUtilization: waveUtil },
    workgroupIntensity: x.workgroupBytes > 0 ? flops / x.workgroupBytes : null,
  };
}
