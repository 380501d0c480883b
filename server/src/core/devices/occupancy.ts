// Theoretical occupancy of one SM/CU/GPU core: how many blocks of a kernel fit at once, and what stops more fitting.
//
// One calculation serves every vendor, driven by the device's figures; the rules differ only where the hardware does:
//
// NVIDIA (cuda_occupancy.h in the CUDA Toolkit, and the CUDA C++ Programming Guide's occupancy section):
//   - warps per block = ceil(threads / 32); warp limit = floor(max warps per SM / warps per block).
//   - registers are allocated per warp, rounded up to 256: regsPerWarp = roundup(regs x 32, 256). The register file
//     is split over 4 sub-partitions, so warps per SM = floor((regs per SM / 4) / regsPerWarp) x 4, and blocks =
//     floor(warps / warps per block). The launch fails when regsPerWarp x roundup(warps per block, 4) exceeds the
//     64 K registers a block may use (the hardware check), or when regs per thread exceeds the per-thread maximum.
//   - shared memory per block = roundup(static + dynamic + reserved, granularity): 1 KB reserved and 128 B
//     granularity from compute capability 8.0 on, nothing reserved and 256 B before. Occupancy is computed against
//     the largest carveout (cuda_occupancy.h's default preference: the driver sizes the carveout so that shared memory
//     does not limit occupancy). The carveout reported is the smallest one that still holds every active block
//     (the driver's choice when nothing else runs on the SM).
//   - from compute capability 9.0 on, named barriers bound blocks too (cudaOccMaxBlocksPerSMBlockBarrierLimit): the SM
//     has 2 barriers per block slot on 9.x, 10.x (except 10.1) and 11.x (except 11.0), 1 per slot on 10.1, 11.0 and
//     12.x; blocks = floor(available / barriers per block). `__syncthreads` alone (1 barrier) never binds.
// AMD (LLVM AMDGPU backend, AMDGPUBaseInfo.cpp, and AMDGPUUsage):
//   - waves per SIMD from VGPRs = floor(VGPRs per SIMD lane / roundup(VGPRs, granule)), at most the waves per SIMD
//     (the same per-partition rule as NVIDIA, with the SIMDs of a CU as the partitions);
//   - LDS per workgroup rounds up to 512 B; LDS per CU is 64 KB (CU mode; a WGP pools 128 KB for two CUs);
//   - at most 16 workgroups of more than one wave per CU (barrier resources); single-wave workgroups are limited by
//     wave slots only (getMaxWorkGroupsPerCU).
//   - A workgroup's waves are spread over the SIMDs of the CU; counting waves per CU is the usual approximation.
// Intel (oneAPI GPU Occupancy Calculator): hardware threads per Xe-core (one per sub-group), shared local memory per
//   Xe-core with per-work-group sizes rounded up to a power of two (1 to 64 KB), at most 128 work-groups per Xe-core.
// Apple (Metal feature set tables; third-party measurements): SIMD-groups per GPU core limited by the register file
//   and threadgroup memory per core; Apple publishes no allocation rules, so those figures are estimates.
import type { DeviceSpec } from "./device";

export interface OccupancyInput {
  threadsPerBlock: number;
  registersPerThread: number;
  sharedMemoryPerBlockBytes: number;
  /**
   * Named (hardware) barriers a block uses, as ptxas reports them (`used N barriers`; `__syncthreads` is barrier 0).
   * Absent: not counted, as for a kernel whose barriers nobody reported.
   */
  barriersPerBlock?: number;
}

export type OccupancyLimit = "warps" | "registers" | "shared-memory" | "blocks" | "barriers" | "threads-per-block" | "invalid";

export interface OccupancyResult {
  activeBlocksPerSm: number;
  activeWarpsPerSm: number;
  maxWarpsPerSm: number;
  /** Active warps / maximum warps per SM, 0..1. */
  occupancy: number;
  limitedBy: OccupancyLimit;
  /**
   * Blocks per SM each resource allows. `Infinity` where the block does not use the resource (no registers, or no
   * shared memory on hardware that reserves none).
   */
  limits: { warps: number; registers: number; sharedMemory: number; blocks: number; barriers?: number };
  /** The shared-memory carveout chosen, in bytes, on hardware that has carveouts. */
  sharedMemoryConfigBytes?: number;
  /** One sentence explaining the limit with numbers. */
  detail: string;
  /** Why the launch cannot run at all (too many threads, too much shared memory, too many registers). */
  invalidReason?: string;
}

/** The words each vendor uses, so the explanation reads like its documentation. */
interface Terms {
  readonly block: string;
  readonly warp: string;
  readonly sm: string;
  readonly partition: string;
  readonly smem: string;
}

const TERMS: Record<DeviceSpec["vendor"], Terms> = {
  nvidia: { block: "block", warp: "warp", sm: "SM", partition: "sub-partition", smem: "shared memory" },
  amd: { block: "workgroup", warp: "wave", sm: "CU", partition: "SIMD", smem: "LDS" },
  apple: { block: "threadgroup", warp: "SIMD-group", sm: "GPU core", partition: "partition", smem: "threadgroup memory" },
  intel: { block: "work-group", warp: "hardware thread", sm: "Xe-core", partition: "vector engine", smem: "shared local memory" },
  measured: { block: "workgroup", warp: "warp", sm: "SM", partition: "partition", smem: "workgroup memory" },
};

function roundUp(x: number, unit: number): number {
  return unit > 0 ? Math.ceil(x / unit) * unit : x;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Bytes as KB, without a trailing `.0`. */
function kb(bytes: number): string {
  const v = bytes / 1024;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} KB`;
}

function isNvidiaLike(device: DeviceSpec): boolean {
  return device.vendor === "nvidia";
}

/** Shared memory a block is charged, in bytes: reserved part, allocation unit or fixed sizes. 0 when it uses none. */
function sharedMemoryPerBlock(device: DeviceSpec, requested: number): number {
  const withReserved = requested + device.sharedMemoryReservedPerBlockBytes;
  if (withReserved <= 0) return 0;
  const sizes = device.sharedMemoryBlockSizesBytes;
  if (sizes && sizes.length > 0) {
    const fit = sizes.find((s) => s >= withReserved);
    return fit ?? Number.POSITIVE_INFINITY;
  }
  return roundUp(withReserved, device.sharedMemoryAllocationUnitBytes);
}

/**
 * Named barriers per SM, as cuda_occupancy.h counts them from compute capability 9.0 on (two or one per block slot);
 * undefined where the toolkit applies no barrier limit (before 9.0, other vendors).
 */
function barriersPerSm(device: DeviceSpec): number | undefined {
  const m = device.vendor === "nvidia" ? /^(\d+)\.(\d+)$/.exec(device.computeCapability ?? "") : null;
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 9) return undefined;
  const one = (major === 10 && minor === 1) || (major === 11 && minor === 0) || major >= 12;
  return device.maxBlocksPerSm * (one ? 1 : 2);
}

/** The most blocks per SM the block-count limit allows for blocks of `warpsPerBlock` warps. */
function blockSlots(device: DeviceSpec, warpsPerBlock: number): number {
  // LLVM AMDGPU (getMaxWorkGroupsPerCU): single-wave workgroups need no barrier, so only wave slots bound them.
  if (device.vendor === "amd" && warpsPerBlock === 1) return device.maxWarpsPerSm;
  return device.maxBlocksPerSm;
}

function invalid(device: DeviceSpec, limitedBy: OccupancyLimit, reason: string, limits: OccupancyResult["limits"]): OccupancyResult {
  return {
    activeBlocksPerSm: 0,
    activeWarpsPerSm: 0,
    maxWarpsPerSm: device.maxWarpsPerSm,
    occupancy: 0,
    limitedBy,
    limits,
    detail: `The launch cannot run on ${device.name}: ${reason}.`,
    invalidReason: reason,
  };
}

/** Theoretical occupancy of `input` on one SM/CU/core of `device`. Never throws: bad input gives `limitedBy: "invalid"`. */
export function computeOccupancy(device: DeviceSpec, input: OccupancyInput): OccupancyResult {
  const t = TERMS[device.vendor];
  const none = { warps: 0, registers: 0, sharedMemory: 0, blocks: 0 };
  const threads = input.threadsPerBlock;
  const regs = input.registersPerThread;
  const smem = input.sharedMemoryPerBlockBytes;

  if (!Number.isInteger(threads) || threads <= 0) {
    return invalid(device, "invalid", `threads per ${t.block} must be a positive integer (got ${threads})`, none);
  }
  if (!Number.isFinite(regs) || regs < 0) {
    return invalid(device, "invalid", `registers per thread must be a non-negative number (got ${regs})`, none);
  }
  if (!Number.isFinite(smem) || smem < 0) {
    return invalid(device, "invalid", `${t.smem} per ${t.block} must be a non-negative number of bytes (got ${smem})`, none);
  }
  if (threads > device.maxThreadsPerBlock) {
    return invalid(device, "threads-per-block", `${threads} threads per ${t.block} exceeds the maximum of ${device.maxThreadsPerBlock}`, none);
  }
  const regsPerThread = Math.ceil(regs);
  if (regsPerThread > device.maxRegistersPerThread) {
    return invalid(device, "registers", `${regsPerThread} registers per thread exceeds the maximum of ${device.maxRegistersPerThread}`, none);
  }
  if (smem > device.maxSharedMemoryPerBlockBytes) {
    return invalid(device, "shared-memory", `${kb(smem)} of ${t.smem} per ${t.block} exceeds the maximum of ${kb(device.maxSharedMemoryPerBlockBytes)}`, none);
  }

  const warpsPerBlock = Math.ceil(threads / device.warpSize);
  const partitions = Math.max(1, device.subPartitionsPerSm ?? 1);

  // Warp slots.
  const warpLimit = Math.floor(device.maxWarpsPerSm / warpsPerBlock);

  // Block slots.
  const blockLimit = blockSlots(device, warpsPerBlock);

  // Registers, allocated per warp and per partition of the register file.
  let regLimit = Number.POSITIVE_INFINITY;
  let regsPerWarp = 0;
  let warpsPerPartition = 0;
  if (regsPerThread > 0) {
    regsPerWarp = roundUp(regsPerThread * device.warpSize, device.registerAllocationUnit);
    if (isNvidiaLike(device)) {
      // cuda_occupancy.h: the hardware checks a block's registers as if every partition got the same number of warps.
      const assumed = regsPerWarp * roundUp(warpsPerBlock, partitions);
      const allocated = regsPerWarp * warpsPerBlock;
      if (assumed > device.registersPerSm || allocated > device.registersPerSm) {
        return invalid(
          device,
          "registers",
          `${regsPerThread} registers per thread x ${threads} threads needs ${assumed} registers (${regsPerWarp} per ${t.warp} x ${roundUp(warpsPerBlock, partitions)} ${t.warp}s), more than the ${device.registersPerSm} a ${t.block} may use`,
          none,
        );
      }
    }
    warpsPerPartition = Math.floor(device.registersPerSm / partitions / regsPerWarp);
    regLimit = Math.floor((warpsPerPartition * partitions) / warpsPerBlock);
    if (regLimit === 0) {
      return invalid(
        device,
        "registers",
        `${regsPerThread} registers per thread leaves room for ${plural(warpsPerPartition * partitions, t.warp)} per ${t.sm}, fewer than the ${warpsPerBlock} of one ${t.block}`,
        none,
      );
    }
  }

  // Shared memory, against the largest carveout (or the fixed size when the SM has no carveouts).
  const perBlockSmem = sharedMemoryPerBlock(device, smem);
  const carveouts = device.sharedMemoryCarveoutsBytes;
  const smemCapacity = carveouts && carveouts.length > 0 ? Math.max(...carveouts) : device.sharedMemoryPerSmBytes;
  const smemLimit = perBlockSmem > 0 ? Math.floor(smemCapacity / perBlockSmem) : Number.POSITIVE_INFINITY;
  if (smemLimit === 0) {
    return invalid(device, "shared-memory", `${kb(perBlockSmem)} of ${t.smem} per ${t.block} does not fit in the ${kb(smemCapacity)} of one ${t.sm}`, none);
  }

  // Named barriers (compute capability 9.0 on), where the kernel's barrier count is known.
  const barriers = input.barriersPerBlock;
  const barrierCapacity = barriers !== undefined && Number.isInteger(barriers) && barriers > 0 ? barriersPerSm(device) : undefined;
  const barrierLimit = barrierCapacity !== undefined ? Math.floor(barrierCapacity / barriers!) : Number.POSITIVE_INFINITY;
  if (barrierLimit === 0) {
    return invalid(device, "barriers", `${barriers} named barriers per ${t.block} exceed the ${barrierCapacity} of one ${t.sm}`, none);
  }

  const limits = { warps: warpLimit, registers: regLimit, sharedMemory: smemLimit, blocks: blockLimit, ...(barrierCapacity !== undefined ? { barriers: barrierLimit } : {}) };
  const active = Math.min(warpLimit, regLimit, smemLimit, blockLimit, barrierLimit);
  const activeWarps = active * warpsPerBlock;
  const occupancy = activeWarps / device.maxWarpsPerSm;

  // One limiting factor. Ties go to warp slots first (the block shape is what binds), then registers, shared memory,
  // the block count, and named barriers last.
  const limitedBy: OccupancyLimit =
    active === warpLimit ? "warps" : active === regLimit ? "registers" : active === smemLimit ? "shared-memory" : active === blockLimit ? "blocks" : "barriers";

  // The carveout the driver would pick: the smallest one that still holds every active block.
  let sharedMemoryConfigBytes: number | undefined;
  if (carveouts && carveouts.length > 0) {
    const needed = perBlockSmem * active;
    sharedMemoryConfigBytes = [...carveouts].sort((a, b) => a - b).find((c) => c >= needed) ?? smemCapacity;
  }

  const warpsOf = `${activeWarps} of ${device.maxWarpsPerSm} ${t.warp}s`;
  let detail: string;
  switch (limitedBy) {
    case "warps":
      detail =
        occupancy >= 1
          ? `${threads} threads = ${plural(warpsPerBlock, t.warp)} per ${t.block}: ${plural(active, t.block)} fill all ${device.maxWarpsPerSm} ${t.warp} slots of the ${t.sm}.`
          : `${threads} threads = ${plural(warpsPerBlock, t.warp)} per ${t.block}: only ${plural(active, t.block)} fit in the ${device.maxWarpsPerSm} ${t.warp} slots, ${warpsOf}.`;
      break;
    case "registers":
      detail = `${regsPerThread} registers per thread = ${regsPerWarp} per ${t.warp}: ${plural(warpsPerPartition, t.warp)} per ${t.partition} x ${partitions} = ${warpsPerPartition * partitions}, room for ${plural(active, t.block)} of ${plural(warpsPerBlock, t.warp)}, ${warpsOf}.`;
      break;
    case "shared-memory": {
      const where = sharedMemoryConfigBytes !== undefined ? `the ${kb(smemCapacity)} carveout` : `the ${kb(smemCapacity)} of the ${t.sm}`;
      const reserved = device.sharedMemoryReservedPerBlockBytes > 0 ? ` (${kb(smem)} + ${kb(device.sharedMemoryReservedPerBlockBytes)} reserved)` : "";
      detail = `${kb(perBlockSmem)} of ${t.smem} per ${t.block}${reserved}: ${plural(active, t.block)} ${active === 1 ? "fits" : "fit"} in ${where}, ${warpsOf}.`;
      break;
    }
    case "barriers":
      detail = `${barriers} named barriers per ${t.block}: the ${barrierCapacity} barriers of the ${t.sm} hold ${plural(active, t.block)}, ${warpsOf}.`;
      break;
    default:
      detail = `The ${t.sm} holds at most ${plural(blockLimit, t.block)}: ${warpsOf}.`;
      break;
  }

  return {
    activeBlocksPerSm: active,
    activeWarpsPerSm: activeWarps,
    maxWarpsPerSm: device.maxWarpsPerSm,
    occupancy,
    limitedBy,
    limits,
    ...(sharedMemoryConfigBytes !== undefined ? { sharedMemoryConfigBytes } : {}),
    detail,
  };
}
