// Places a kernel on the device's roofline and predicts its time from counts, traffic and occupancy.
//
// The dispatch runs in waves of resident workgroups (occupancy x SMs). Each wave takes the slowest of its terms,
// each at the throughput the workgroups *resident in that wave* can reach:
//
//   compute   max(FP pipe, integer pipe, special-function pipe, issue) + barriers, over the SMs the wave occupies,
//             times min(1, resident warps per SM / 8): two warps per scheduler hide arithmetic latency.
//   memory    Little's law, smoothed: T = T_bw / (1 - exp(-T_bw / T_lat)), where T_bw is the bytes over DRAM (and
//             L2) bandwidth and T_lat = bytes x latency / bytes in flight. The bytes in flight are the wave's warps
//             times what one warp keeps outstanding: its independent global loads per iteration (loads in the same
//             loop body or straight-line code, none waiting on another's value, up to four iterations of a loop the
//             compiler can unroll) times their width after coalescing. T ~ T_lat when few bytes are in flight
//             (a small launch, a 128-thread row kernel: latency-bound), T ~ T_bw when many are (a bandwidth-bound
//             stream), and about 80 % of bandwidth in between (one 4-byte load per thread at full occupancy), as
//             measured copies show.
//   workgroup memory    bank-conflict-weighted bytes over the shared-memory bandwidth of the SMs in use.
//
// predicted = (waves - 1) x full wave + last wave + launch overhead. A launch smaller than one wave is one wave of
// the workgroups it has: about one workgroup's time plus the launch, not the full-device time divided by a tiny
// utilisation. The constants are stated here and in the README, so the prediction can be checked and calibrated.
import type { DeviceSpec } from "../devices/device";
import type { VExpr } from "../kernel/vexpr";
import { varsOf, unknownReason } from "../kernel/vexpr";
import { domainSize } from "./counting";
import type { RecordedAccess, RecordedLoop } from "./evaluate";
import type { AccessInfo, RooflineInfo } from "./types";

/** DRAM latency under load that the resident warps must cover, seconds (NVIDIA GDDR6X/HBM: 400-600 ns measured). */
export const MEMORY_LATENCY_S = 500e-9;
/** L2 hit latency, seconds (an estimate: 100-250 ns in published microbenchmarks of Ampere, Ada and Hopper). */
export const L2_LATENCY_S = 200e-9;
/** Bytes one warp keeps in flight when the kernel gives no accesses to count: 32 lanes x 4 bytes x 2 loads. */
export const BYTES_IN_FLIGHT_PER_WARP = 256;
/** Loop iterations whose independent loads a compiler overlaps by unrolling (nvcc and the drivers unroll by 4). */
export const UNROLL_OVERLAP = 4;
/** Warps per SM needed to keep the arithmetic pipes busy. */
export const WARPS_FOR_FULL_COMPUTE = 8;
/**
 * Warps per scheduler below which arithmetic and the workgroup-memory loads feeding it do not overlap at all, and
 * from which they overlap fully (an estimate, checked against gpu.cpp's published matmul ladders: 2 and 7 warps per
 * scheduler add the two, 16-18 take the larger; npm run bench, accuracy).
 */
export const WARPS_TO_HIDE_WORKGROUP_LOADS: readonly [number, number] = [4, 16];
/**
 * L1 bandwidth per SM per clock, for arrays in local memory: 128 B on NVIDIA since Volta (the L1 and shared memory are
 * one SRAM; CUDA C++ Best Practices Guide), assumed on other vendors' GPUs.
 */
export const L1_BYTES_PER_CLOCK_PER_SM = 128;
/** L2 bandwidth as a multiple of DRAM bandwidth, where a device gives none. */
export const L2_TO_DRAM_BANDWIDTH = 3;
/** Below this fraction of bandwidth, a memory-limited wave is limited by latency (Nsight Compute's 60 % rule). */
export const LATENCY_BOUND_BELOW = 0.6;

export interface RooflineInput {
  readonly flopsF32: number;
  /** Half-precision FLOPs (f16 and bf16, priced at the f16 rate). */
  readonly flopsF16: number;
  /** Tensor-core FLOPs, priced at the device's tensor peak (its f16 peak where none is given). */
  readonly tensorFlops?: number;
  /** The tensor cores' rate for the kernel's input type relative to their 16-bit peak (fp8: 2, tf32: 0.5). */
  readonly tensorRate?: number;
  readonly intOps: number;
  /**
   * Integer ops in the source that are address arithmetic a compiler strength-reduces (see `kernelParallelism`):
   * not charged. Absent: every integer op is charged.
   */
  readonly addressIntOps?: number;
  /** Memory instructions (global, uniform and workgroup accesses, per invocation, summed): they take issue slots. */
  readonly memoryInstructions?: number;
  readonly specialOps: number;
  readonly dramBytes: number | null;
  readonly l2Bytes: number;
  /** Workgroup-memory bytes times the average bank-conflict degree. */
  readonly workgroupBytes: number;
  /** Bytes of function-scope arrays in local memory, read and written through the L1 (absent: none). */
  readonly localBytes?: number;
  /** L1 clocks of the global accesses: one per 128-byte line each warp instruction touches (absent: none). */
  readonly l1Wavefronts?: number;
  /** See {@link KernelParallelism.scheduledWorkgroupLoads} (absent: none). */
  readonly scheduledWorkgroupLoads?: number;
  readonly activeWarpsPerSm: number;
  readonly activeWorkgroupsPerSm: number;
  readonly workgroups: number;
  /** Warps in one workgroup; absent: the resident warps per SM over the resident workgroups per SM. */
  readonly warpsPerWorkgroup?: number;
  /** Bytes one warp keeps in flight (see `kernelParallelism`); absent: {@link BYTES_IN_FLIGHT_PER_WARP}. */
  readonly bytesInFlightPerWarp?: number;
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

/** Integer operations written in an address expression: each operator with a non-constant operand. */
function addressOps(e: VExpr): number {
  switch (e.k) {
    case "bin": return (e.a.k === "const" && e.b.k === "const" ? 0 : 1) + addressOps(e.a) + addressOps(e.b);
    case "un": return e.a.k === "const" ? 0 : 1 + addressOps(e.a);
    case "call": return 1 + e.args.reduce((s, a) => s + addressOps(a), 0);
    default: return 0;
  }
}

export interface KernelParallelism {
  /** Global bytes one warp keeps in flight: bytes it loads over the round trips it must wait for. */
  readonly bytesInFlightPerWarp: number;
  /**
   * Integer ops the source writes that a compiler hoists or strength-reduces: address arithmetic inside loops and
   * the loop control that unrolling removes.
   */
  readonly addressIntOps: number;
  /** Memory instructions over the dispatch (one per access per invocation). */
  readonly memoryInstructions: number;
  /**
   * The share of workgroup-memory load traffic issued from loops the compiler unrolls fully (IR `unrolled`): its
   * scheduler issues those loads ahead of the arithmetic of the same straight-line code, so they overlap within a warp.
   */
  readonly scheduledWorkgroupLoads: number;
}

/**
 * What the accesses say about memory-level parallelism and addressing cost. `accesses[i]` is the analysis of
 * `walk.accesses[i]` (the model's order).
 *
 * Bytes in flight: global accesses are grouped by the loop nest they execute in (straight-line code is one group).
 * A group's loads do not wait on each other unless an address is loaded data (a gather on loaded indices waits for
 * the index load: a second round trip). A loop the compiler can unroll (its body touches no workgroup memory, so no
 * barrier separates iterations) overlaps up to {@link UNROLL_OVERLAP} iterations, never more than its trip count. A
 * group without loads (a store stream) keeps its stores in flight the same way. The kernel's bytes in flight per warp
 * is its global bytes over its round trips, summed over groups: Little's law over the whole kernel.
 *
 * Address arithmetic: inside a loop, the part of an address that does not change with the innermost counter is
 * hoisted, and the part that does becomes one pointer increment (an affine index is strength-reduced), so of the
 * operators an address writes only one is charged per iteration. Outside loops an address is computed once per
 * invocation and charged as written.
 */
export function kernelParallelism(walk: { readonly accesses: readonly RecordedAccess[]; readonly loops: readonly RecordedLoop[] }, accesses: readonly (AccessInfo & { readonly l1Share?: number })[], device: DeviceSpec): KernelParallelism {
  const groups = new Map<string, { loads: number; stores: number; dependent: boolean; warpExecs: number; bytes: number; inner?: string }>();
  let addressIntOps = 0;
  let memoryInstructions = 0;
  let workgroupLoads = 0;
  let scheduledLoads = 0;
  walk.accesses.forEach((a, i) => {
    const info = accesses[i];
    const count = a.count.value;
    if (a.space === "workgroup" && a.kind === "load") {
      const cost = count * a.bytes * (info?.bankConflictDegree ?? 1);
      workgroupLoads += cost;
      const inner = a.ctx.loops[a.ctx.loops.length - 1];
      if (inner?.unrolled && domainSize(inner.domain) >= 2) scheduledLoads += cost;
    }
    // Uniform loads compile to constant-bank operands, not instructions; merged loads are one instruction per merge.
    if (a.space !== "uniform") memoryInstructions += count / (info?.merged?.width ?? 1);
    const loops = a.ctx.loops;
    if (loops.length > 0 && unknownReason(a.addr) === undefined) {
      const written = addressOps(a.addr);
      // An address affine in the innermost counter is one pointer increment per iteration, which unrolling by
      // UNROLL_OVERLAP folds into immediate offsets; one that does not use it is hoisted out of the loop.
      const charged = varsOf(a.addr).has(loops[loops.length - 1].name) ? 1 / UNROLL_OVERLAP : 0;
      // The byte scaling of an index is one operator the source did not write: it is not discounted.
      addressIntOps += count * Math.max(0, written - 1 - charged);
    }
    if (a.space !== "storage" || count <= 0) return;
    // A loop the compiler unrolls fully is straight-line code: its loads join the enclosing loop's group, all in
    // flight in one round trip per iteration of that loop.
    const rolled = loops.filter((l) => !l.unrolled);
    const unrolledTrips = loops.reduce((p, l) => (l.unrolled ? p * Math.max(1, domainSize(l.domain)) : p), 1);
    const key = rolled.map((l) => l.name).join("/") + (a.ctx.tripUnknown ? "?" : "");
    const g = groups.get(key) ?? groups.set(key, { loads: 0, stores: 0, dependent: false, warpExecs: 0, bytes: 0, inner: rolled[rolled.length - 1]?.name }).get(key)!;
    // What a warp asks of L2: lines its block's other warps or its own earlier steps brought in are L1 hits.
    const perWarp = (info !== undefined && info.transactionsPerWarp !== null ? info.transactionsPerWarp * device.memoryTransactionBytes : a.bytes * device.warpSize) * (info?.l1Share ?? 1);
    g.bytes += (count / device.warpSize) * perWarp;
    const warpExecs = count / device.warpSize / unrolledTrips;
    if (a.kind === "store") g.stores += 1;
    else {
      g.loads += 1;
      g.warpExecs = Math.max(g.warpExecs, warpExecs);
      if (unknownReason(a.addr) !== undefined) g.dependent = true;
    }
    if (a.kind === "store" && g.loads === 0) g.warpExecs = Math.max(g.warpExecs, warpExecs);
  });
  // Loop control (the counter's increment and compare, counted per iteration in the source) is amortised the same
  // way: an unrolled loop tests its counter once per UNROLL_OVERLAP iterations.
  for (const l of walk.loops) if (l.tripKnown && l.varName !== undefined) addressIntOps += 2 * l.iterations * (1 - 1 / UNROLL_OVERLAP);
  let bytes = 0;
  let roundTrips = 0;
  for (const g of groups.values()) {
    if (g.bytes <= 0) continue;
    const loop = g.inner !== undefined ? walk.loops.find((l) => l.varName === g.inner) : undefined;
    const trip = loop && loop.entries > 0 ? loop.iterations / loop.entries : 1;
    const overlap = loop && loop.workgroupBytes === 0 ? Math.max(1, Math.min(UNROLL_OVERLAP, Math.floor(trip))) : 1;
    bytes += g.bytes;
    roundTrips += (g.warpExecs * (g.dependent ? 2 : 1)) / overlap;
  }
  return { bytesInFlightPerWarp: roundTrips > 0 ? bytes / roundTrips : BYTES_IN_FLIGHT_PER_WARP, addressIntOps, memoryInstructions, scheduledWorkgroupLoads: workgroupLoads > 0 ? scheduledLoads / workgroupLoads : 0 };
}

type Term = "fp" | "int" | "special" | "issue" | "dram" | "l2" | "latency" | "workgroup";

export function roofline(device: DeviceSpec, x: RooflineInput): RooflineInfo {
  const tensor = x.tensorFlops ?? 0;
  const tensorPeak = (device.peakFlops.tensorF16 ?? device.peakFlops.f16) * (x.tensorRate ?? 1);
  const flops = x.flopsF32 + x.flopsF16 + tensor;
  const mainPeak = tensor > Math.max(x.flopsF16, x.flopsF32) ? tensorPeak : x.flopsF16 > x.flopsF32 ? device.peakFlops.f16 : device.peakFlops.f32;
  const ridge = mainPeak / device.dramBandwidthBytesPerSec;

  // Pipes, each at its own rate. Integer ops are charged without the address arithmetic a compiler strength-reduces
  // (a tiled matmul writes ~3.6 integer ops per FLOP for its indices; the SASS has about one per memory access).
  const chargedInt = Math.max(0, x.intOps - (x.addressIntOps ?? 0));
  const fpS = x.flopsF32 / device.peakFlops.f32 + x.flopsF16 / device.peakFlops.f16 + tensor / tensorPeak;
  const intS = chargedInt / device.peakIntOps;
  const specialS = x.specialOps / device.peakSpecialOps;
  // Issue: one lane-instruction per FP32 lane per clock (NVIDIA since Ampere: 4 schedulers x 32 lanes = 128 FP32
  // lanes per SM), half the FP32 FLOP peak. FP work takes the slots its pipe needs (an FMA is one instruction for two
  // FLOPs); integer, special-function and memory instructions take one each.
  const issueRate = device.peakFlops.f32 / 2;
  const fpInstructions = (x.flopsF32 / device.peakFlops.f32 + x.flopsF16 / device.peakFlops.f16) * issueRate;
  const issueS = (fpInstructions + chargedInt + x.specialOps + (x.memoryInstructions ?? 0)) / issueRate;
  const barrierS = barrierSeconds(device, x.barriers);
  const pipes: [Term, number][] = [["fp", fpS], ["int", intS], ["special", specialS], ["issue", issueS]];
  let [pipe, pipeS] = pipes[0];
  for (const [t, s] of pipes) if (s > pipeS) [pipe, pipeS] = [t, s];
  const computeS = pipeS + barrierS;

  const dramS = x.dramBytes === null ? null : x.dramBytes / device.dramBandwidthBytesPerSec;
  const l2Bandwidth = (device as DeviceSpec & { l2BandwidthBytesPerSec?: number }).l2BandwidthBytesPerSec ?? L2_TO_DRAM_BANDWIDTH * device.dramBandwidthBytesPerSec;
  const l2S = x.l2Bytes / l2Bandwidth;
  const smClocks = device.smCount * device.boostClockMhz * 1e6;
  // Local memory goes through the L1, which NVIDIA's SMs share with workgroup memory: the two add up.
  const localS = (x.localBytes ?? 0) / (smClocks * L1_BYTES_PER_CLOCK_PER_SM);
  // Global accesses take the L1's clocks too, one per line: a warp reading a column takes 32 (see l1Reuse.ts).
  const l1S = (x.l1Wavefronts ?? 0) / smClocks;
  const sharedS = x.workgroupBytes / (smClocks * device.sharedMemoryBytesPerClockPerSm);
  const workgroupS = sharedS + localS + l1S;
  const launchS = device.launchOverheadUs * 1e-6;
  // Requests wait for DRAM in the share of bytes that misses L2, for L2 in the rest.
  const missShare = x.l2Bytes > 0 && x.dramBytes !== null ? Math.min(1, x.dramBytes / x.l2Bytes) : 1;
  const latencyS = missShare * MEMORY_LATENCY_S + (1 - missShare) * L2_LATENCY_S;
  const requestBytes = Math.max(x.l2Bytes, x.dramBytes ?? 0);

  const resWorkgroupsPerSm = Math.max(1, x.activeWorkgroupsPerSm);
  const warpsPerWorkgroup = Math.max(1, x.warpsPerWorkgroup ?? Math.max(1, x.activeWarpsPerSm) / resWorkgroupsPerSm);
  const bytesPerWarp = Math.max(1, x.bytesInFlightPerWarp ?? BYTES_IN_FLIGHT_PER_WARP);
  const capacity = resWorkgroupsPerSm * device.smCount;
  const workgroups = Math.max(0, x.workgroups);
  const waves = Math.max(1, Math.ceil(workgroups / capacity));
  const lastResident = workgroups > 0 ? workgroups - (waves - 1) * capacity : capacity;

  /** One wave of `n` resident workgroups doing their share of the dispatch. */
  const wave = (n: number) => {
    const share = workgroups > 0 ? n / workgroups : 1;
    const sms = Math.min(device.smCount, n);
    const smShare = sms / device.smCount;
    const warpsPerSm = Math.min(Math.max(1, x.activeWarpsPerSm), (n / sms) * warpsPerWorkgroup);
    const computeEff = smShare * Math.min(1, warpsPerSm / WARPS_FOR_FULL_COMPUTE);
    const bwS = Math.max(dramS ?? 0, l2S) * share;
    const inFlight = n * warpsPerWorkgroup * bytesPerWarp;
    const latS = (requestBytes * share * latencyS) / inFlight;
    const memS = bwS > 0 ? bwS / -Math.expm1(-bwS / latS) : 0;
    const memoryEff = memS > 0 ? bwS / memS : 1;
    const memTerm: Term = memoryEff < LATENCY_BOUND_BELOW ? "latency" : (dramS ?? 0) >= l2S ? "dram" : "l2";
    const pipeS = (computeS * share) / computeEff;
    const wgS = (workgroupS * share) / smShare;
    const terms: [Term, number][] = [
      [pipe, pipeS],
      [memTerm, memS],
      ["workgroup", wgS],
    ];
    // Arithmetic waits on the workgroup-memory loads that feed it; other warps on the same scheduler hide that
    // wait. With few of them the two add up, with enough they overlap (see WARPS_TO_HIDE_WORKGROUP_LOADS).
    const perScheduler = warpsPerSm / (device.subPartitionsPerSm ?? SCHEDULERS_PER_SM);
    // Loads the compiler schedules ahead in unrolled straight-line code are hidden by the warp's own arithmetic.
    const byWarps = Math.min(1, Math.max(0, (perScheduler - WARPS_TO_HIDE_WORKGROUP_LOADS[0]) / (WARPS_TO_HIDE_WORKGROUP_LOADS[1] - WARPS_TO_HIDE_WORKGROUP_LOADS[0])));
    const hidden = Math.max(byWarps, x.scheduledWorkgroupLoads ?? 0);
    const onChipS = Math.max(pipeS, wgS) + (1 - hidden) * Math.min(pipeS, wgS);
    // Barriers split a workgroup's work into phases (load the tiles from memory, then compute on them), so only the
    // other resident workgroups fill one phase's gaps with the other: with k of them the shorter side is paid 1/k.
    const resident = Math.max(1, Math.min(resWorkgroupsPerSm, n / sms));
    const waveS = device.serialWorkgroups ? pipeS + memS + wgS : Math.max(memS, onChipS) + (x.barriers > 0 ? Math.min(memS, onChipS) / resident : 0);
    // The bytes in flight that would reach the limiting level's bandwidth: bandwidth x latency.
    const needed = bwS > 0 ? (inFlight * latS) / bwS : 0;
    return { terms, computeEff, memoryEff, inFlight, needed, waveS, onChipS: device.serialWorkgroups ? pipeS + wgS : onChipS };
  };

  const full = wave(Math.min(workgroups > 0 ? workgroups : capacity, capacity));
  const last = waves > 1 ? wave(lastResident) : undefined;
  const byTerm = new Map<Term, number>();
  let bodyS = 0;
  for (const [w, times] of [[full, waves - 1 || 1], ...(last ? [[last, 1] as const] : [])] as const) {
    // The limiter: memory when its term decides the wave, else the larger of the two on-chip terms.
    const [pipeTerm, memTerm, wgTerm] = w.terms;
    const which: Term = memTerm[1] >= w.onChipS ? memTerm[0] : pipeTerm[1] >= wgTerm[1] ? pipeTerm[0] : wgTerm[0];
    const waveS = w.waveS;
    bodyS += waveS * times;
    byTerm.set(which, (byTerm.get(which) ?? 0) + waveS * times);
  }
  let limiterTerm: Term = "fp";
  let most = -1;
  for (const [t, s] of byTerm) if (s > most) [limiterTerm, most] = [t, s];
  const predictedS = bodyS + launchS;

  const dtype = tensor > Math.max(x.flopsF16, x.flopsF32) ? "tensor" : x.flopsF16 > x.flopsF32 ? "FP16" : "FP32";
  const inFlightText = `${Math.round(full.inFlight / 1024)} KB in flight of the ${Math.round(full.needed / 1024)} KB that bandwidth x latency needs`;
  const limiters: Record<Term, [RooflineInfo["bound"], string]> = {
    fp: ["compute", `${dtype} compute`],
    int: ["compute", "integer pipe"],
    special: ["compute", "special-function pipe"],
    issue: ["compute", "instruction issue"],
    dram: ["memory", "DRAM bandwidth"],
    l2: ["memory", "L2 bandwidth"],
    // The memory system limits, through its latency rather than its bandwidth: `bound` stays "memory" (what the
    // quantization what-if and the low-intensity finding key on), the limiter names latency as Nsight Compute would.
    latency: ["memory", `memory latency (${inFlightText})`],
    // Local memory shares the term (both go through the SM's L1 SRAM); name it where it is most of it.
    workgroup: localS > workgroupS / 2 ? ["workgroup-memory", "local-memory bandwidth (L1: function-scope arrays indexed at run time, or registers the compiler spilled)"]
      : l1S > workgroupS / 2 ? ["memory", "L1 throughput (global accesses touching many lines per warp: one line per clock)"]
      : ["workgroup-memory", "workgroup-memory bandwidth"],
  };
  let [bound, limiter] = limiters[limiterTerm];
  if (launchS > bodyS) [bound, limiter] = ["latency", "launch overhead"];
  const ai = x.dramBytes && x.dramBytes > 0 ? flops / x.dramBytes : null;
  const attainable = ai === null ? null : Math.min(mainPeak, ai * device.dramBandwidthBytesPerSec) / 1e9;
  const unknownBound = dramS === null && bound === "memory";
  return {
    bound: unknownBound ? "unknown" : bound,
    limiter: unknownBound ? "unknown: the DRAM traffic is not known" : limiter,
    predictedMs: dramS === null ? null : predictedS * 1e3,
    attainableGflops: attainable,
    arithmeticIntensity: ai,
    ridge,
    components: { computeMs: computeS * 1e3, dramMs: dramS === null ? null : dramS * 1e3, l2Ms: l2S * 1e3, workgroupMs: (sharedS + localS) * 1e3, launchMs: launchS * 1e3, ...(localS > 0 ? { localMemoryMs: localS * 1e3 } : {}), ...(l1S > 0 ? { l1Ms: l1S * 1e3 } : {}) },
    efficiency: {
      memory: full.memoryEff,
      compute: full.computeEff,
      waves,
      waveUtilization: workgroups > 0 ? workgroups / (waves * capacity) : 1,
      workgroupsPerWave: capacity,
      lastWaveFill: lastResident / capacity,
      bytesInFlightPerWarp: bytesPerWarp,
    },
    workgroupIntensity: x.workgroupBytes > 0 ? flops / x.workgroupBytes : null,
  };
}
