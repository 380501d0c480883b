// The description of a GPU the cost model needs: execution resources, limits, peaks and memory, each with a source.
//
// Figures come from vendors' public datasheets, whitepapers and programming guides (datasheet devices), or from
// calibration microbenchmarks on the local adapter (measured devices). Every figure carries its source so the
// tool can say where a number came from.

export type DeviceVendor = "nvidia" | "amd" | "apple" | "intel" | "measured";

export interface DeviceSpec {
  /** Stable id used by `--device` and the setting, e.g. `nvidia-h100-sxm`, `amd-mi300x`, `apple-m3-max`. */
  readonly id: string;
  /** Ids this device was known by before (a measured device's id before ids were shortened): still found by lookups. */
  readonly formerIds?: readonly string[];
  /** Display name, e.g. `NVIDIA H100 SXM5 80GB`. */
  readonly name: string;
  readonly vendor: DeviceVendor;
  /** Architecture / generation, e.g. `Hopper`, `CDNA 3`, `RDNA 3`, `Apple M3`, `Xe-HPG (Alchemist)`. */
  readonly architecture: string;
  readonly segment: "datacenter" | "consumer" | "laptop" | "integrated" | "measured";
  /** NVIDIA compute capability (e.g. "9.0"); AMD gfx target (e.g. "gfx942"); absent otherwise. */
  readonly computeCapability?: string;

  // ---- Execution resources -------------------------------------------------------------------------------------
  /** Streaming multiprocessors (NVIDIA), compute units (AMD), GPU cores (Apple), Xe-cores (Intel). */
  readonly smCount: number;
  /** Threads scheduled together: warp 32 (NVIDIA), wavefront 64 (CDNA) or 32 (RDNA, wave32), SIMD-group 32 (Apple), SIMD width 16 or 32 (Intel; use the width compute shaders compile to by default). */
  readonly warpSize: number;
  readonly maxThreadsPerBlock: number;
  readonly maxThreadsPerSm: number;
  readonly maxWarpsPerSm: number;
  readonly maxBlocksPerSm: number;
  /** 32-bit registers per SM/CU (NVIDIA 65536; AMD: VGPRs per SIMD x lanes x SIMDs per CU, as 32-bit registers). */
  readonly registersPerSm: number;
  readonly maxRegistersPerThread: number;
  /** Register allocation granularity per warp, in registers (NVIDIA 256). */
  readonly registerAllocationUnit: number;
  /**
   * Partitions of the SM/CU that each own a slice of the register file and hold their own warps: NVIDIA 4 SM
   * sub-partitions, AMD SIMDs per CU (CDNA 4, RDNA 2), Apple 4, Intel 16 vector engines per Xe-core. Registers are
   * allocated per partition, so the register limit is computed per partition. Absent: treated as 1.
   */
  readonly subPartitionsPerSm?: number;

  // ---- Shared / workgroup memory -------------------------------------------------------------------------------
  readonly sharedMemoryPerSmBytes: number;
  readonly maxSharedMemoryPerBlockBytes: number;
  /** Allocation granularity (NVIDIA 128 B on CC >= 8.0, 256 B before). */
  readonly sharedMemoryAllocationUnitBytes: number;
  /** Reserved per block by the system (NVIDIA 1 KB on CC >= 8.0, else 0). */
  readonly sharedMemoryReservedPerBlockBytes: number;
  /** Shared-memory carveout sizes the SM can be configured to, in bytes, ascending (NVIDIA); absent when fixed. */
  readonly sharedMemoryCarveoutsBytes?: readonly number[];
  /**
   * The only per-block allocation sizes the hardware has, ascending (Intel rounds shared local memory up to 1, 2, 4,
   * ..., 64 KB); absent when allocation is by `sharedMemoryAllocationUnitBytes`.
   */
  readonly sharedMemoryBlockSizesBytes?: readonly number[];
  /** Shared/LDS bandwidth per SM per clock, in bytes (NVIDIA 128: 32 banks x 4 B). */
  readonly sharedMemoryBytesPerClockPerSm: number;
  /**
   * False where the vendor documents no bank structure (Apple): the model then charges workgroup memory by bytes
   * and does not replay accesses for conflicts found under the 32-bank rule. Absent: 32 banks of 4 bytes.
   */
  readonly sharedMemoryBankConflicts?: boolean;

  // ---- Clocks and peaks ----------------------------------------------------------------------------------------
  readonly boostClockMhz: number;
  /**
   * Peak FLOP/s for shader (non-matrix-unit) arithmetic, an FMA counted as two FLOPs. `f16` is the packed/half rate
   * shader code can reach (not tensor/matrix cores). `tensorF16` is the dense matrix-unit peak, for reference.
   */
  readonly peakFlops: { readonly f32: number; readonly f16: number; readonly f64?: number; readonly tensorF16?: number };
  /** Peak 32-bit integer ops/s (an int multiply-add counted as two). */
  readonly peakIntOps: number;
  /** Special-function (transcendental) ops/s. */
  readonly peakSpecialOps: number;

  // ---- Memory ----------------------------------------------------------------------------------------------------
  readonly dramBandwidthBytesPerSec: number;
  readonly memoryBytes: number;
  readonly l2Bytes: number;
  /** A memory-side cache beyond the L2, in bytes (AMD Infinity Cache, Apple System Level Cache); absent when none. */
  readonly lastLevelCacheBytes?: number;
  /** Bytes a DRAM/L2 transaction moves (NVIDIA sector 32 B; AMD 64 B or 128 B cache line; Apple/Intel 64 B). */
  readonly memoryTransactionBytes: number;
  /** Typical kernel launch overhead on this device, in microseconds (a few us on discrete GPUs). */
  readonly launchOverheadUs: number;
  /**
   * Time per invocation per `workgroupBarrier()` over a whole dispatch, in ns. Measured by calibration; where absent
   * the roofline estimates 20 cycles per warp-barrier with every scheduler of every SM busy.
   */
  readonly barrierNsPerInvocation?: number;
  /**
   * True for a software adapter (a CPU runs each workgroup's invocations in turn on one core, with no other warps to
   * switch to): arithmetic, memory and workgroup-memory time add up instead of overlapping.
   */
  readonly serialWorkgroups?: boolean;

  /** Where each figure comes from: field name (dotted for nested, e.g. `peakFlops.f32`) -> citation (title and URL). */
  readonly sources: Readonly<Record<string, string>>;
  /** Free-form notes: derivations (e.g. "f32 peak = 132 SMs x 128 FP32 lanes x 2 x 1.98 GHz"), caveats. */
  readonly notes?: readonly string[];
}
