// Public datasheet figures for real GPUs (NVIDIA, AMD, Apple, Intel), every figure paired with the document it is from.
//
// Conventions:
// - Peaks count an FMA as two operations. Shader peaks are derived as units x lanes x 2 x boost clock, and the
//   derivation is written in `notes` ("... x 128 FP32 lanes x 2 x ..."), next to the vendor's own figure where the
//   vendor publishes one. `f16` is what shader (non-matrix) code reaches with packed half math; `tensorF16` is the
//   dense (no sparsity) matrix-unit peak with FP16 inputs and FP32 accumulation.
// - Integer peaks: NVIDIA executes a 32-bit IMAD per INT32 lane per clock, counted as two ops. AMD, Apple and Intel
//   run 32-bit integer adds at full rate but 32-bit multiplies slower, so their figure is one add per lane per clock.
// - Memory capacities are binary (a "24 GB" card has 24 GiB); bandwidths are decimal (GB/s = 1e9 B/s).
// - `l2Bytes` is the GPU's own L2 (summed over dies); AMD Infinity Cache and Apple's System Level Cache sit beyond it
//   and go in `lastLevelCacheBytes`.
// - Where a vendor publishes nothing, a third-party measurement is cited and named as such; where nobody publishes a
//   figure, the source text says "estimate" and gives the reasoning.
import type { DeviceSpec, DeviceVendor } from "./device";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const GB_S = 1e9;
const TERA = 1e12;

/** Rounds a derived peak to 4 significant digits so JSON output stays readable. */
function sig(x: number): number {
  return Number(x.toPrecision(4));
}

function tf(x: number): string {
  return `${(x / TERA).toFixed(x >= 100 * TERA ? 0 : x >= 10 * TERA ? 1 : 2)} TFLOP/s`;
}

// ---- Sources shared by many devices ---------------------------------------------------------------------------------

const CUDA_CC =
  "NVIDIA CUDA C++ Programming Guide, Compute Capabilities: technical specifications per compute capability (warp size, threads per block and SM, resident warps and blocks per SM, 64 K registers per SM, 255 registers per thread, shared memory per SM and per block) — https://docs.nvidia.com/cuda/cuda-programming-guide/05-appendices/compute-capabilities.html";
const CUDA_OCC_H =
  "NVIDIA cuda_occupancy.h, CUDA Toolkit 13.0 include/ (register allocation granularity 256 registers per warp, 4 sub-partitions per SM, shared-memory allocation granularity 256 B before CC 8.0 and 128 B from 8.0, and the shared-memory carveout sizes per compute capability) — https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#occupancy-calculator";
const CUDA_RESERVED_SMEM =
  "NVIDIA CUDA C++ Programming Guide: from compute capability 8.0 the driver reserves 1 KB of shared memory per thread block (cudaDevAttrReservedSharedMemoryPerBlock; added per block in cuda_occupancy.h) — https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#shared-memory-8-x";
const CUDA_NO_RESERVED_SMEM =
  "NVIDIA cuda_occupancy.h: no shared memory is reserved per block before compute capability 8.0 (the reservation is added only for computeMajor >= 8) — https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#occupancy-calculator";
const CUDA_SMEM_BANKS =
  "NVIDIA CUDA C++ Programming Guide, shared memory: 32 banks of 32 bits, each serving one access per clock (32 x 4 B = 128 B per clock per SM) — https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#shared-memory-5-x";
const CUDA_THROUGHPUT =
  "NVIDIA CUDA C++ Programming Guide, Arithmetic Instructions: throughput of native arithmetic instructions per clock per SM (16 special-function results: rcp, rsqrt, lg2, ex2, sin, cos; 64-bit FP and 16-bit FP rates per compute capability) — https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#arithmetic-instructions";
const CUDA_SECTORS =
  "NVIDIA CUDA C++ Best Practices Guide, Coalesced Access to Global Memory: global memory is accessed in 32-byte segments (L2 sectors) — https://docs.nvidia.com/cuda/cuda-c-best-practices-guide/index.html#coalesced-access-to-global-memory";
const LAUNCH_ESTIMATE_NVIDIA =
  "Engineering estimate: a CUDA/Vulkan kernel launch on a discrete GPU costs a few microseconds from submission to the start of execution; 4 us is used, not a vendor figure";

const V100_WP = "NVIDIA Tesla V100 GPU Architecture whitepaper (WP-08608-001) — https://images.nvidia.com/content/volta-architecture/pdf/volta-architecture-whitepaper.pdf";
const V100_DS = "NVIDIA Tesla V100 datasheet — https://images.nvidia.com/content/technologies/volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf";
const TURING_WP = "NVIDIA Turing GPU Architecture whitepaper (WP-09183-001) — https://images.nvidia.com/aem-dam/en-zz/Solutions/design-visualization/technologies/turing-architecture/NVIDIA-Turing-Architecture-Whitepaper.pdf";
const T4_DS = "NVIDIA T4 Tensor Core GPU datasheet — https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/t4-tensor-core-datasheet-951643.pdf";
const A100_WP = "NVIDIA A100 Tensor Core GPU Architecture whitepaper — https://images.nvidia.com/aem-dam/en-zz/Solutions/data-center/nvidia-ampere-architecture-whitepaper.pdf";
const A100_DS = "NVIDIA A100 Tensor Core GPU datasheet — https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf";
const GA102_WP = "NVIDIA Ampere GA102 GPU Architecture whitepaper — https://www.nvidia.com/content/PDF/nvidia-ampere-ga-102-gpu-architecture-whitepaper-v2.pdf";
const A10_DS = "NVIDIA A10 Tensor Core GPU datasheet — https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a10/pdf/a10-datasheet.pdf";
const RTX3060_SPEC = "NVIDIA GeForce RTX 3060 family specifications — https://www.nvidia.com/en-us/geforce/graphics-cards/30-series/rtx-3060-3060ti/";
const ADA_WP = "NVIDIA Ada GPU Architecture whitepaper — https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf";
const L4_DS = "NVIDIA L4 Tensor Core GPU datasheet — https://resources.nvidia.com/en-us-data-center-overview/l4-gpu-datasheet";
const L40S_DS = "NVIDIA L40S GPU datasheet — https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413";
const RTX4070_SPEC = "NVIDIA GeForce RTX 4070 family specifications — https://www.nvidia.com/en-us/geforce/graphics-cards/40-series/rtx-4070-family/";
const H100_WP = "NVIDIA H100 Tensor Core GPU Architecture whitepaper — https://resources.nvidia.com/en-us-tensor-core/gtc22-whitepaper-hopper";
const H100_DS = "NVIDIA H100 Tensor Core GPU datasheet — https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet";
const H200_DS = "NVIDIA H200 Tensor Core GPU datasheet — https://www.nvidia.com/en-us/data-center/h200/";
const B200_DS = "NVIDIA Blackwell (HGX B200, 1,000 W) datasheet: FP32 80 TFLOPS, FP64 40 TFLOPS, FP16/BF16 Tensor 4.5 PFLOPS with sparsity, HBM3e 8 TB/s, HGX B200 1.44 TB GPU memory over 8 GPUs — https://resources.nvidia.com/en-us-blackwell-architecture/blackwell-datasheet";
const B200_CNC =
  "Chips and Cheese, \"Nvidia's B200: Keeping the CUDA Juggernaut Rolling\" (third-party measurement; NVIDIA publishes no SM count or L2 size): 148 SMs (74 per die), 126 MB L2 — https://chipsandcheese.com/p/nvidias-b200-keeping-the-cuda-juggernaut";
const RTX_BW_WP = "NVIDIA RTX Blackwell GPU Architecture whitepaper — https://images.nvidia.com/aem-dam/Solutions/geforce/blackwell/nvidia-rtx-blackwell-gpu-architecture.pdf";
const RTX5090_SPEC = "NVIDIA GeForce RTX 5090 specifications — https://www.nvidia.com/en-us/geforce/graphics-cards/50-series/rtx-5090/";
const RTX30_LAPTOP_SPEC =
  "NVIDIA GeForce RTX 30 Series laptops, compare specs (RTX 3080 Laptop GPU: 6,144 CUDA cores, boost clock 1,245-1,710 MHz depending on the laptop's power limit, 16 GB or 8 GB GDDR6) — https://www.nvidia.com/en-us/geforce/laptops/compare/30-series/";
const TPU_RTX3080_LAPTOP =
  "TechPowerUp GPU Database, GeForce RTX 3080 Mobile (third-party; NVIDIA lists no bandwidth or L2 for laptop GPUs): GA104, 48 SMs, 256-bit GDDR6 at 14 Gbps = 448.0 GB/s, 4 MB L2 — https://www.techpowerup.com/gpu-specs/geforce-rtx-3080-mobile.c3684";
const RTX_A6000_DS =
  "NVIDIA RTX A6000 datasheet (10,752 CUDA cores, 48 GB GDDR6 with ECC, 768 GB/s, single-precision 38.7 TFLOPS, tensor 309.7 TFLOPS with sparsity) — https://www.nvidia.com/en-us/design-visualization/rtx-a6000/";
const TPU_RTX_A6000 =
  "TechPowerUp GPU Database, NVIDIA RTX A6000 (third-party; the datasheet gives no clock or L2): GA102, 84 SMs, boost clock 1,800 MHz, 6 MB L2 — https://www.techpowerup.com/gpu-specs/rtx-a6000.c3686";
const TPU_DB = "TechPowerUp GPU Database (third-party; the vendor's pages do not list this figure) — https://www.techpowerup.com/gpu-specs/";

const LLVM_BASEINFO =
  "LLVM AMDGPU backend, AMDGPUBaseInfo.cpp (getMaxWavesPerEU: 10 waves per SIMD on GFX9, 8 on GFX90A/GFX94x, 16 on GFX10.3+; getTotalNumVGPRs: 256, 512 on GFX90A/GFX94x, 1024 wave32 on GFX10.3, 1536 wave32 on GFX11/GFX12 with 1.5x VGPRs; getVGPRAllocGranule: 4, 8, 16 or 24; getMaxWorkGroupsPerCU: 16 multi-wave workgroups per CU; 1024 work-items per workgroup) — https://github.com/llvm/llvm-project/blob/main/llvm/lib/Target/AMDGPU/Utils/AMDGPUBaseInfo.cpp";
const LLVM_OCC_TEST =
  "LLVM test llvm/test/CodeGen/AMDGPU/occupancy-levels.ll (occupancy per VGPR count for gfx9, gfx950, gfx1030, gfx1100 and gfx1200 confirms the VGPR totals and granules) — https://github.com/llvm/llvm-project/blob/main/llvm/test/CodeGen/AMDGPU/occupancy-levels.ll";
const LLVM_USAGE =
  "LLVM AMDGPUUsage: processors and wavefront sizes (wave64 on GFX9/CDNA, wave32 default on GFX10+), 64 KB LDS addressable per workgroup, LDS allocated in 128-dword (512 B) blocks on GFX7-GFX12 — https://llvm.org/docs/AMDGPUUsage.html";
const AMD_LDS_BANKS =
  "AMD Instinct MI300 (CDNA 3) Instruction Set Architecture reference guide, Local Data Share: 32 banks of 4 bytes, 128 B per clock per CU — https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/instruction-set-architectures/amd-instinct-mi300-cdna3-instruction-set-architecture.pdf";
const RDNA_WP =
  "AMD RDNA Architecture whitepaper: a CU pair (WGP) of 2 x 2 SIMD32, 128 KB LDS per WGP (64 banks, 128 B per clock per CU), a transcendental unit per SIMD32 at a quarter of the FP32 rate — https://www.amd.com/system/files/documents/rdna-whitepaper.pdf";
const CDNA_TRANSCENDENTAL =
  "AMD CDNA 3 ISA reference guide: transcendental VALU ops (v_exp_f32, v_log_f32, v_rcp_f32, v_rsq_f32, v_sqrt_f32, v_sin_f32, v_cos_f32) issue at a quarter rate, 16 lanes per clock per CU — https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/instruction-set-architectures/amd-instinct-mi300-cdna3-instruction-set-architecture.pdf";
const ROCM_L2_LINE =
  "ROCm Compute Profiler documentation, L2 cache: 128-byte cache lines on MI200 and MI300, 64-byte on MI100 — https://rocm.docs.amd.com/projects/rocprofiler-compute/en/latest/conceptual/l2-cache.html";
const LAUNCH_ESTIMATE_AMD =
  "Engineering estimate: a HIP/Vulkan dispatch on a discrete AMD GPU costs a few microseconds from submission to execution; 5 us is used, not a vendor figure";
const MI100_PAGE = "AMD Instinct MI100 accelerator specifications — https://www.amd.com/en/products/accelerators/instinct/mi100.html";
const CDNA_WP = "AMD CDNA Architecture whitepaper (MI100: 120 CUs of 4 SIMD16) — https://www.amd.com/content/dam/amd/en/documents/instinct-business-docs/white-papers/amd-cdna-whitepaper.pdf";
const MI210_PAGE = "AMD Instinct MI210 accelerator specifications — https://www.amd.com/en/products/accelerators/instinct/mi200/mi210.html";
const MI250X_PAGE = "AMD Instinct MI250X accelerator specifications — https://www.amd.com/en/products/accelerators/instinct/mi200/mi250x.html";
const CDNA2_WP = "AMD CDNA 2 Architecture whitepaper (8 MB L2 per GCD, full-rate FP64 vector) — https://www.amd.com/content/dam/amd/en/documents/instinct-business-docs/white-papers/amd-cdna2-white-paper.pdf";
const MI300X_DS = "AMD Instinct MI300X data sheet — https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/amd-instinct-mi300x-data-sheet.pdf";
const CDNA3_WP = "AMD CDNA 3 Architecture whitepaper (8 XCDs of 38 CUs, 4 MB L2 per XCD, 256 MB AMD Infinity Cache) — https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/white-papers/amd-cdna-3-white-paper.pdf";
const RX6900XT_PAGE = "AMD Radeon RX 6900 XT specifications — https://www.amd.com/en/products/graphics/desktops/radeon/6000-series/amd-radeon-rx-6900-xt.html";
const RX7900XTX_PAGE = "AMD Radeon RX 7900 XTX specifications — https://www.amd.com/en/products/graphics/desktops/radeon/7000-series/amd-radeon-rx-7900xtx.html";
const RX9070XT_PAGE = "AMD Radeon RX 9070 XT specifications — https://www.amd.com/en/products/graphics/desktops/radeon/9000-series/amd-radeon-rx-9070xt.html";

const METAL_TABLES =
  "Apple Metal Feature Set Tables (Apple7+ GPU families: SIMD-group width 32, 1024 threads per threadgroup, 32 KB threadgroup memory per threadgroup, no 64-bit float) — https://developer.apple.com/metal/Metal-Feature-Set-Tables.pdf";
const METAL_TG_LENGTH =
  "Apple Metal API, MTLComputeCommandEncoder.setThreadgroupMemoryLength(_:index:): the length must be a multiple of 16 bytes — https://developer.apple.com/documentation/metal/mtlcomputecommandencoder/setthreadgroupmemorylength(_:index:)";
const TURNER =
  "Philip Turner, metal-benchmarks (third-party microbenchmarks; Apple publishes no GPU microarchitecture figures): 128 ALUs per core, 384 KB register file and 64 KB threadgroup memory per core, 768-3072 threads per core, F16 at the F32 rate, 128 I32 adds per clock per core, EXP2/LOG2 at 4 cycles per SIMD-group instruction, GPU clocks — https://github.com/philipturner/metal-benchmarks";
const APPLEGPU_ISA =
  "Dougall Johnson, applegpu ISA notes (third-party reverse engineering): up to 128 32-bit (256 16-bit) registers per thread — https://github.com/dougallj/applegpu";
const CNC_M1 =
  "Chips and Cheese, \"iGPU Cache Setups Compared, Including M1\" (third-party measurement): 1 MB GPU L2 on M1 — https://chipsandcheese.com/2022/05/21/igpu-cache-setups-compared-including-m1/";
const ANANDTECH_M1 = "AnandTech, \"Apple Announces The Apple Silicon M1\" (third-party analysis): 8 MB System Level Cache — https://www.anandtech.com/show/16226/apple-silicon-m1-a14-deep-dive";
const ANANDTECH_M1MAX = "AnandTech, \"Apple's M1 Pro, M1 Max SoCs Investigated\" (third-party measurement): 48 MB System Level Cache on M1 Max — https://www.anandtech.com/show/17024/apple-m1-max-performance-review";
const APPLE_M1 = "Apple Newsroom, \"Apple unleashes M1\" (8-core GPU, 128 execution units, 2.6 TFLOPS; up to 16 GB unified memory) — https://www.apple.com/newsroom/2020/11/apple-unleashes-m1/";
const APPLE_M1MAX = "Apple Newsroom, \"Introducing M1 Pro and M1 Max\" (32-core GPU, 10.4 TFLOPS, 400 GB/s, up to 64 GB) — https://www.apple.com/newsroom/2021/10/introducing-m1-pro-and-m1-max-the-most-powerful-chips-apple-has-ever-built/";
const APPLE_M2MAX = "Apple Newsroom, \"Apple unveils M2 Pro and M2 Max\" (up to 38-core GPU with a larger L2 cache, 400 GB/s, up to 96 GB) — https://www.apple.com/newsroom/2023/01/apple-unveils-m2-pro-and-m2-max-next-generation-chips-for-next-level-workflows/";
const APPLE_M2PRO =
  "Apple Newsroom, \"Apple unveils M2 Pro and M2 Max\" (M2 Pro: up to 19-core GPU with a larger L2 cache, 200 GB/s of unified memory bandwidth, up to 32 GB) — https://www.apple.com/newsroom/2023/01/apple-unveils-m2-pro-and-m2-max-next-generation-chips-for-next-level-workflows/";
const APPLE_M3MAX = "Apple Newsroom, \"Apple unveils M3, M3 Pro, and M3 Max\" (up to 40-core GPU, up to 128 GB; 400 GB/s on the 16-core-CPU/40-core-GPU M3 Max per the MacBook Pro tech specs) — https://www.apple.com/newsroom/2023/10/apple-unveils-m3-m3-pro-and-m3-max-the-most-advanced-chips-for-a-personal-computer/";
const APPLE_M4 = "Apple Newsroom, \"Apple introduces M4 chip\" (10-core GPU, 120 GB/s; up to 32 GB per the Mac mini tech specs) — https://www.apple.com/newsroom/2024/05/apple-introduces-m4-chip/";
const LAUNCH_ESTIMATE_APPLE =
  "Engineering estimate: a Metal compute dispatch inside an encoder costs a few microseconds; 5 us is used, not a vendor figure";

const INTEL_OCC_CALC =
  "Intel oneAPI GPU Occupancy Calculator, Xe-HPG (Arc) target: 16 vector engines per Xe-core, 8 hardware threads per vector engine, 128 threads per Xe-core, sub-group sizes 8/16/32, 128 KB shared local memory per Xe-core, 64 KB per work-group in sizes 1, 2, 4, ... 64 KB, 1024 work-items per work-group, at most 128 work-groups per Xe-core (32 when the kernel uses barriers) — https://github.com/oneapi-src/oneAPI-samples/tree/master/Tools/GPU-Occupancy-Calculator";
const INTEL_OPT_GUIDE =
  "Intel oneAPI GPU Optimization Guide, Xe GPU architecture: each vector engine thread has 128 general registers of 32 bytes (4 KB per thread, 32 KB per vector engine); 8-wide FP32 ALU per vector engine, FP16 at twice the rate; 64-byte cache lines — https://www.intel.com/content/www/us/en/docs/oneapi/optimization-guide-gpu/2024-2/intel-xe-gpu-architecture.html";
const INTEL_A770 = "Intel Arc A770 Graphics (16 GB) specifications, Intel ARK — https://www.intel.com/content/www/us/en/products/sku/229151/intel-arc-a770-graphics-16gb/specifications.html";
const INTEL_A750 = "Intel Arc A750 Graphics specifications, Intel ARK — https://www.intel.com/content/www/us/en/products/sku/227954/intel-arc-a750-graphics/specifications.html";
const INTEL_A380 = "Intel Arc A380 Graphics specifications, Intel ARK — https://www.intel.com/content/www/us/en/products/sku/227959/intel-arc-a380-graphics/specifications.html";
const LAUNCH_ESTIMATE_INTEL =
  "Engineering estimate: a Level Zero/Vulkan dispatch on a discrete Intel GPU costs a few microseconds; 5 us is used, not a vendor figure";

// ---- Assembly --------------------------------------------------------------------------------------------------------

type Cited<T> = readonly [value: T, source: string];

/** The fields of a device, each with its citation; `assemble` splits them into a DeviceSpec and its `sources`. */
interface CitedDevice {
  readonly id: string;
  readonly name: string;
  readonly vendor: DeviceVendor;
  readonly architecture: string;
  readonly segment: DeviceSpec["segment"];
  readonly computeCapability?: Cited<string>;
  readonly smCount: Cited<number>;
  readonly warpSize: Cited<number>;
  readonly maxThreadsPerBlock: Cited<number>;
  readonly maxThreadsPerSm: Cited<number>;
  readonly maxWarpsPerSm: Cited<number>;
  readonly maxBlocksPerSm: Cited<number>;
  readonly registersPerSm: Cited<number>;
  readonly maxRegistersPerThread: Cited<number>;
  readonly registerAllocationUnit: Cited<number>;
  readonly subPartitionsPerSm: Cited<number>;
  readonly sharedMemoryPerSmBytes: Cited<number>;
  readonly maxSharedMemoryPerBlockBytes: Cited<number>;
  readonly sharedMemoryAllocationUnitBytes: Cited<number>;
  readonly sharedMemoryReservedPerBlockBytes: Cited<number>;
  readonly sharedMemoryCarveoutsBytes?: Cited<readonly number[]>;
  readonly sharedMemoryBlockSizesBytes?: Cited<readonly number[]>;
  readonly sharedMemoryBytesPerClockPerSm: Cited<number>;
  readonly sharedMemoryBankConflicts?: Cited<boolean>;
  readonly boostClockMhz: Cited<number>;
  readonly f32: Cited<number>;
  readonly f16: Cited<number>;
  readonly f64?: Cited<number>;
  readonly tensorF16?: Cited<number>;
  readonly peakIntOps: Cited<number>;
  readonly peakSpecialOps: Cited<number>;
  readonly dramBandwidthBytesPerSec: Cited<number>;
  readonly memoryBytes: Cited<number>;
  readonly l2Bytes: Cited<number>;
  readonly lastLevelCacheBytes?: Cited<number>;
  readonly memoryTransactionBytes: Cited<number>;
  readonly launchOverheadUs: Cited<number>;
  readonly notes: readonly string[];
}

function assemble(d: CitedDevice): DeviceSpec {
  const sources: Record<string, string> = {};
  const take = <T>(key: string, c: Cited<T>): T => {
    sources[key] = c[1];
    return c[0];
  };
  const opt = <T>(key: string, c: Cited<T> | undefined): T | undefined => (c ? take(key, c) : undefined);

  const computeCapability = opt("computeCapability", d.computeCapability);
  const sharedMemoryCarveoutsBytes = opt("sharedMemoryCarveoutsBytes", d.sharedMemoryCarveoutsBytes);
  const sharedMemoryBlockSizesBytes = opt("sharedMemoryBlockSizesBytes", d.sharedMemoryBlockSizesBytes);
  const f64 = opt("peakFlops.f64", d.f64);
  const tensorF16 = opt("peakFlops.tensorF16", d.tensorF16);
  const lastLevelCacheBytes = opt("lastLevelCacheBytes", d.lastLevelCacheBytes);
  const sharedMemoryBankConflicts = opt("sharedMemoryBankConflicts", d.sharedMemoryBankConflicts);

  return {
    id: d.id,
    name: d.name,
    vendor: d.vendor,
    architecture: d.architecture,
    segment: d.segment,
    ...(computeCapability !== undefined ? { computeCapability } : {}),
    smCount: take("smCount", d.smCount),
    warpSize: take("warpSize", d.warpSize),
    maxThreadsPerBlock: take("maxThreadsPerBlock", d.maxThreadsPerBlock),
    maxThreadsPerSm: take("maxThreadsPerSm", d.maxThreadsPerSm),
    maxWarpsPerSm: take("maxWarpsPerSm", d.maxWarpsPerSm),
    maxBlocksPerSm: take("maxBlocksPerSm", d.maxBlocksPerSm),
    registersPerSm: take("registersPerSm", d.registersPerSm),
    maxRegistersPerThread: take("maxRegistersPerThread", d.maxRegistersPerThread),
    registerAllocationUnit: take("registerAllocationUnit", d.registerAllocationUnit),
    subPartitionsPerSm: take("subPartitionsPerSm", d.subPartitionsPerSm),
    sharedMemoryPerSmBytes: take("sharedMemoryPerSmBytes", d.sharedMemoryPerSmBytes),
    maxSharedMemoryPerBlockBytes: take("maxSharedMemoryPerBlockBytes", d.maxSharedMemoryPerBlockBytes),
    sharedMemoryAllocationUnitBytes: take("sharedMemoryAllocationUnitBytes", d.sharedMemoryAllocationUnitBytes),
    sharedMemoryReservedPerBlockBytes: take("sharedMemoryReservedPerBlockBytes", d.sharedMemoryReservedPerBlockBytes),
    ...(sharedMemoryCarveoutsBytes !== undefined ? { sharedMemoryCarveoutsBytes } : {}),
    ...(sharedMemoryBlockSizesBytes !== undefined ? { sharedMemoryBlockSizesBytes } : {}),
    sharedMemoryBytesPerClockPerSm: take("sharedMemoryBytesPerClockPerSm", d.sharedMemoryBytesPerClockPerSm),
    ...(sharedMemoryBankConflicts !== undefined ? { sharedMemoryBankConflicts } : {}),
    boostClockMhz: take("boostClockMhz", d.boostClockMhz),
    peakFlops: {
      f32: take("peakFlops.f32", d.f32),
      f16: take("peakFlops.f16", d.f16),
      ...(f64 !== undefined ? { f64 } : {}),
      ...(tensorF16 !== undefined ? { tensorF16 } : {}),
    },
    peakIntOps: take("peakIntOps", d.peakIntOps),
    peakSpecialOps: take("peakSpecialOps", d.peakSpecialOps),
    dramBandwidthBytesPerSec: take("dramBandwidthBytesPerSec", d.dramBandwidthBytesPerSec),
    memoryBytes: take("memoryBytes", d.memoryBytes),
    l2Bytes: take("l2Bytes", d.l2Bytes),
    ...(lastLevelCacheBytes !== undefined ? { lastLevelCacheBytes } : {}),
    memoryTransactionBytes: take("memoryTransactionBytes", d.memoryTransactionBytes),
    launchOverheadUs: take("launchOverheadUs", d.launchOverheadUs),
    sources,
    notes: d.notes,
  };
}

// ---- NVIDIA ----------------------------------------------------------------------------------------------------------

/** Limits fixed by the compute capability (CUDA Programming Guide table; carveouts and granularity from cuda_occupancy.h). */
interface NvidiaCc {
  readonly maxWarpsPerSm: number;
  readonly maxBlocksPerSm: number;
  readonly smemPerSmKiB: number;
  readonly smemPerBlockKiB: number;
  readonly carveoutsKiB: readonly number[];
  /** FP64 results per clock per SM (CUDA Programming Guide throughput table). */
  readonly fp64PerClock: number;
}

const NVIDIA_CC: Readonly<Record<string, NvidiaCc>> = {
  "7.0": { maxWarpsPerSm: 64, maxBlocksPerSm: 32, smemPerSmKiB: 96, smemPerBlockKiB: 96, carveoutsKiB: [0, 8, 16, 32, 64, 96], fp64PerClock: 32 },
  "7.5": { maxWarpsPerSm: 32, maxBlocksPerSm: 16, smemPerSmKiB: 64, smemPerBlockKiB: 64, carveoutsKiB: [32, 64], fp64PerClock: 2 },
  "8.0": { maxWarpsPerSm: 64, maxBlocksPerSm: 32, smemPerSmKiB: 164, smemPerBlockKiB: 163, carveoutsKiB: [0, 8, 16, 32, 64, 100, 132, 164], fp64PerClock: 32 },
  "8.6": { maxWarpsPerSm: 48, maxBlocksPerSm: 16, smemPerSmKiB: 100, smemPerBlockKiB: 99, carveoutsKiB: [0, 8, 16, 32, 64, 100], fp64PerClock: 2 },
  "8.9": { maxWarpsPerSm: 48, maxBlocksPerSm: 24, smemPerSmKiB: 100, smemPerBlockKiB: 99, carveoutsKiB: [0, 8, 16, 32, 64, 100], fp64PerClock: 2 },
  "9.0": { maxWarpsPerSm: 64, maxBlocksPerSm: 32, smemPerSmKiB: 228, smemPerBlockKiB: 227, carveoutsKiB: [0, 8, 16, 32, 64, 100, 132, 164, 196, 228], fp64PerClock: 64 },
  "10.0": { maxWarpsPerSm: 64, maxBlocksPerSm: 32, smemPerSmKiB: 228, smemPerBlockKiB: 227, carveoutsKiB: [0, 8, 16, 32, 64, 100, 132, 164, 196, 228], fp64PerClock: 64 },
  "12.0": { maxWarpsPerSm: 48, maxBlocksPerSm: 24, smemPerSmKiB: 100, smemPerBlockKiB: 99, carveoutsKiB: [0, 8, 16, 32, 64, 100], fp64PerClock: 2 },
};

interface NvidiaProduct {
  readonly id: string;
  readonly name: string;
  readonly architecture: string;
  readonly segment: DeviceSpec["segment"];
  readonly cc: keyof typeof NVIDIA_CC & string;
  readonly sms: Cited<number>;
  readonly boostMhz: Cited<number>;
  /** FP32 lanes per SM and where that comes from. */
  readonly fp32Lanes: Cited<number>;
  /** The vendor's own FP32 figure, quoted next to the derivation. */
  readonly vendorF32: string;
  /** Packed FP16 (non-tensor) results per FP32 result, and its source. */
  readonly f16Ratio: Cited<number>;
  /** INT32 lanes per SM (an IMAD each per clock). */
  readonly intLanes: Cited<number>;
  /** Vendor FP64 figure; absent: derived from the compute capability's FP64 rate. */
  readonly f64?: Cited<number>;
  readonly tensorF16?: Cited<number>;
  readonly dramGBs: Cited<number>;
  readonly memoryGiB: Cited<number>;
  readonly l2KiB: Cited<number>;
  readonly notes?: readonly string[];
}

function nvidia(p: NvidiaProduct): DeviceSpec {
  const cc = NVIDIA_CC[p.cc];
  const sms = p.sms[0];
  const clock = p.boostMhz[0] * 1e6;
  const lanes = p.fp32Lanes[0];
  const f32 = sig(sms * lanes * 2 * clock);
  const f16 = sig(f32 * p.f16Ratio[0]);
  const f64Derived = sig(sms * cc.fp64PerClock * 2 * clock);
  const intOps = sig(sms * p.intLanes[0] * 2 * clock);
  const sfu = sig(sms * 16 * clock);
  const major = Number(p.cc.split(".")[0]);
  const reserved = major >= 8 ? 1 * KiB : 0;
  const derivation = `f32 peak = ${sms} SMs x ${lanes} FP32 lanes x 2 x ${p.boostMhz[0]} MHz = ${tf(f32)} (${p.vendorF32})`;
  return assemble({
    id: p.id,
    name: p.name,
    vendor: "nvidia",
    architecture: p.architecture,
    segment: p.segment,
    computeCapability: [p.cc, CUDA_CC],
    smCount: p.sms,
    warpSize: [32, CUDA_CC],
    maxThreadsPerBlock: [1024, CUDA_CC],
    maxThreadsPerSm: [cc.maxWarpsPerSm * 32, CUDA_CC],
    maxWarpsPerSm: [cc.maxWarpsPerSm, CUDA_CC],
    maxBlocksPerSm: [cc.maxBlocksPerSm, `${CUDA_CC}; the same limit in ${CUDA_OCC_H}`],
    registersPerSm: [65536, CUDA_CC],
    maxRegistersPerThread: [255, CUDA_CC],
    registerAllocationUnit: [256, CUDA_OCC_H],
    subPartitionsPerSm: [4, CUDA_OCC_H],
    sharedMemoryPerSmBytes: [cc.smemPerSmKiB * KiB, CUDA_CC],
    maxSharedMemoryPerBlockBytes: [cc.smemPerBlockKiB * KiB, `${CUDA_CC} (opt-in maximum; 48 KB without cudaFuncSetAttribute)`],
    sharedMemoryAllocationUnitBytes: [major >= 8 ? 128 : 256, CUDA_OCC_H],
    sharedMemoryReservedPerBlockBytes: [reserved, major >= 8 ? CUDA_RESERVED_SMEM : CUDA_NO_RESERVED_SMEM],
    sharedMemoryCarveoutsBytes: [cc.carveoutsKiB.map((k) => k * KiB), CUDA_OCC_H],
    sharedMemoryBytesPerClockPerSm: [128, CUDA_SMEM_BANKS],
    boostClockMhz: p.boostMhz,
    f32: [f32, `Derived: SMs x FP32 lanes per SM x 2 x boost clock (see notes); SM count and clock as cited for those fields; FP32 lanes per SM: ${p.fp32Lanes[1]}`],
    f16: [f16, `Derived: f32 peak x ${p.f16Ratio[0]} — ${p.f16Ratio[1]}`],
    f64: p.f64 ?? [f64Derived, `Derived: SMs x ${cc.fp64PerClock} FP64 results per clock per SM (compute capability ${p.cc}) x 2 x boost clock — ${CUDA_THROUGHPUT}`],
    ...(p.tensorF16 ? { tensorF16: p.tensorF16 } : {}),
    peakIntOps: [intOps, `Derived: SMs x ${p.intLanes[0]} INT32 lanes per SM x 2 (an IMAD per lane per clock) x boost clock — ${p.intLanes[1]}; ${CUDA_THROUGHPUT}`],
    peakSpecialOps: [sfu, `Derived: SMs x 16 special-function results per clock per SM (4 per sub-partition) x boost clock — ${CUDA_THROUGHPUT}`],
    dramBandwidthBytesPerSec: [p.dramGBs[0] * GB_S, p.dramGBs[1]],
    memoryBytes: [p.memoryGiB[0] * GiB, p.memoryGiB[1]],
    l2Bytes: [p.l2KiB[0] * KiB, p.l2KiB[1]],
    memoryTransactionBytes: [32, CUDA_SECTORS],
    launchOverheadUs: [4, LAUNCH_ESTIMATE_NVIDIA],
    notes: [
      derivation,
      `f16 (non-tensor) = ${p.f16Ratio[0]} x f32 = ${tf(f16)}; int32 = ${sms} x ${p.intLanes[0]} INT32 lanes x 2 x clock; special functions = ${sms} x 16 per clock x clock`,
      ...(p.notes ?? []),
    ],
  });
}

const NV_VOLTA_LANES: Cited<number> = [64, `${V100_WP} (64 FP32 cores per SM)`];
const NV_TURING_LANES: Cited<number> = [64, `${TURING_WP} (64 FP32 cores per SM)`];
const NV_GA100_LANES: Cited<number> = [64, `${A100_WP} (64 FP32 cores per SM)`];
const NV_GA10X_LANES: Cited<number> = [128, `${GA102_WP} (128 FP32 cores per SM: one FP32 datapath and one FP32/INT32 datapath per partition)`];
const NV_ADA_LANES: Cited<number> = [128, `${ADA_WP} (128 CUDA cores per SM)`];
const NV_HOPPER_LANES: Cited<number> = [128, `${H100_WP} (128 FP32 cores per SM)`];
const NV_BLACKWELL_LANES: Cited<number> = [128, `${B200_CNC}; 128 FP32 lanes per SM as in Hopper (estimate: NVIDIA has not published the GB100 SM layout)`];
const NV_RTX_BLACKWELL_LANES: Cited<number> = [128, `${RTX_BW_WP} (128 CUDA cores per SM)`];

const F16_X2_7X: Cited<number> = [2, `${CUDA_THROUGHPUT}: compute capability 7.x executes 128 16-bit FP results per clock per SM against 64 32-bit`];
const F16_X4_A100: Cited<number> = [4, `${A100_WP}: peak FP16 (non-Tensor) 78 TFLOPS = 4 x the 19.5 TFLOPS FP32 rate`];
const F16_X1_GA10X: Cited<number> = [1, `${GA102_WP}: peak FP16 (non-Tensor) TFLOPS equal the FP32 rate on GA10x (35.6 for RTX 3090)`];
const F16_X1_ADA: Cited<number> = [1, `${ADA_WP}: peak FP16 (non-Tensor) TFLOPS equal the FP32 rate (82.6 for RTX 4090)`];
const F16_X2_HOPPER: Cited<number> = [2, `${H100_WP}: peak FP16 (non-Tensor) = 2 x FP32 (133.8 vs 66.9 TFLOPS for H100 SXM5)`];
const F16_X2_B200: Cited<number> = [2, "Estimate: NVIDIA publishes no non-tensor FP16 figure for B200; 2 x FP32 as on Hopper, whose SM the datacenter Blackwell SM extends"];
const F16_X1_RTX_BLACKWELL: Cited<number> = [1, `${RTX_BW_WP}: peak FP16 (non-Tensor) TFLOPS equal the FP32 rate (104.8 for RTX 5090)`];

const INT64_VOLTA: Cited<number> = [64, `${V100_WP} (64 INT32 cores per SM, separate from FP32)`];
const INT64_TURING: Cited<number> = [64, `${TURING_WP} (64 INT32 cores per SM, concurrent with FP32)`];
const INT64_GA100: Cited<number> = [64, `${A100_WP} (64 INT32 cores per SM)`];
const INT64_GA10X: Cited<number> = [64, `${GA102_WP} (64 of the 128 cores per SM execute INT32)`];
const INT64_ADA: Cited<number> = [64, `${ADA_WP} (64 of the 128 cores per SM execute INT32, as on GA10x)`];
const INT64_HOPPER: Cited<number> = [64, `${H100_WP} (64 INT32 units per SM)`];
const INT64_B200: Cited<number> = [64, "Estimate: 64 INT32 lanes per SM as on Hopper; NVIDIA has not published the GB100 SM layout"];
const INT128_RTX_BLACKWELL: Cited<number> = [128, `${RTX_BW_WP} (all 128 CUDA cores per SM execute FP32 or INT32)`];

const nvidiaDevices: DeviceSpec[] = [
  nvidia({
    id: "nvidia-v100-sxm2-32gb",
    name: "NVIDIA Tesla V100 SXM2 32GB",
    architecture: "Volta",
    segment: "datacenter",
    cc: "7.0",
    sms: [80, V100_WP],
    boostMhz: [1530, V100_WP],
    fp32Lanes: NV_VOLTA_LANES,
    vendorF32: "NVIDIA: 15.7 TFLOPS",
    f16Ratio: F16_X2_7X,
    intLanes: INT64_VOLTA,
    f64: [7.8 * TERA, V100_DS],
    tensorF16: [125 * TERA, V100_DS],
    dramGBs: [900, V100_DS],
    memoryGiB: [32, V100_DS],
    l2KiB: [6144, V100_WP],
  }),
  nvidia({
    id: "nvidia-t4",
    name: "NVIDIA T4",
    architecture: "Turing",
    segment: "datacenter",
    cc: "7.5",
    sms: [40, `${TURING_WP} (TU104; T4 enables 40 SMs = 2,560 CUDA cores per ${T4_DS})`],
    boostMhz: [1590, `${TPU_DB} — NVIDIA's datasheet gives 8.1 TFLOPS FP32, which 40 SMs x 64 x 2 x 1,590 MHz reproduces (${T4_DS})`],
    fp32Lanes: NV_TURING_LANES,
    vendorF32: "NVIDIA: 8.1 TFLOPS",
    f16Ratio: F16_X2_7X,
    intLanes: INT64_TURING,
    tensorF16: [65 * TERA, `${T4_DS} (mixed precision FP16/FP32)`],
    dramGBs: [320, T4_DS],
    memoryGiB: [16, T4_DS],
    l2KiB: [4096, `${TURING_WP} (TU104: 4,096 KB)`],
  }),
  nvidia({
    id: "nvidia-rtx-2080-ti",
    name: "NVIDIA GeForce RTX 2080 Ti",
    architecture: "Turing",
    segment: "consumer",
    cc: "7.5",
    sms: [68, TURING_WP],
    boostMhz: [1545, `${TURING_WP} (reference boost clock; the Founders Edition runs 1,635 MHz)`],
    fp32Lanes: NV_TURING_LANES,
    vendorF32: "NVIDIA: 13.4 TFLOPS at the reference clock",
    f16Ratio: F16_X2_7X,
    intLanes: INT64_TURING,
    tensorF16: [53.8 * TERA, `${TURING_WP} (peak FP16 Tensor TFLOPS with FP32 accumulate, reference clock)`],
    dramGBs: [616, TURING_WP],
    memoryGiB: [11, TURING_WP],
    l2KiB: [5632, TURING_WP],
  }),
  nvidia({
    id: "nvidia-a100-sxm-80gb",
    name: "NVIDIA A100 SXM4 80GB",
    architecture: "Ampere",
    segment: "datacenter",
    cc: "8.0",
    sms: [108, A100_WP],
    boostMhz: [1410, A100_WP],
    fp32Lanes: NV_GA100_LANES,
    vendorF32: "NVIDIA: 19.5 TFLOPS",
    f16Ratio: F16_X4_A100,
    intLanes: INT64_GA100,
    f64: [9.7 * TERA, A100_DS],
    tensorF16: [312 * TERA, A100_DS],
    dramGBs: [2039, A100_DS],
    memoryGiB: [80, A100_DS],
    l2KiB: [40960, A100_WP],
  }),
  nvidia({
    id: "nvidia-a10",
    name: "NVIDIA A10",
    architecture: "Ampere",
    segment: "datacenter",
    cc: "8.6",
    sms: [72, `${A10_DS} (9,216 CUDA cores = 72 SMs x 128)`],
    boostMhz: [1695, `${TPU_DB} — NVIDIA's datasheet gives 31.2 TFLOPS FP32, which 72 SMs x 128 x 2 x 1,695 MHz reproduces (${A10_DS})`],
    fp32Lanes: NV_GA10X_LANES,
    vendorF32: "NVIDIA: 31.2 TFLOPS",
    f16Ratio: F16_X1_GA10X,
    intLanes: INT64_GA10X,
    tensorF16: [125 * TERA, `${A10_DS} (FP16 Tensor Core, dense)`],
    dramGBs: [600, A10_DS],
    memoryGiB: [24, A10_DS],
    l2KiB: [6144, `${GA102_WP} (GA102 with the full 384-bit memory interface: 6,144 KB)`],
  }),
  nvidia({
    id: "nvidia-rtx-3090",
    name: "NVIDIA GeForce RTX 3090",
    architecture: "Ampere",
    segment: "consumer",
    cc: "8.6",
    sms: [82, GA102_WP],
    boostMhz: [1695, GA102_WP],
    fp32Lanes: NV_GA10X_LANES,
    vendorF32: "NVIDIA: 35.6 TFLOPS",
    f16Ratio: F16_X1_GA10X,
    intLanes: INT64_GA10X,
    f64: [0.556 * TERA, GA102_WP],
    tensorF16: [71 * TERA, `${GA102_WP} (peak FP16 Tensor TFLOPS with FP32 accumulate, dense)`],
    dramGBs: [936, GA102_WP],
    memoryGiB: [24, GA102_WP],
    l2KiB: [6144, GA102_WP],
  }),
  nvidia({
    id: "nvidia-rtx-3060",
    name: "NVIDIA GeForce RTX 3060 12GB",
    architecture: "Ampere",
    segment: "consumer",
    cc: "8.6",
    sms: [28, `${RTX3060_SPEC} (3,584 CUDA cores = 28 SMs x 128)`],
    boostMhz: [1777, RTX3060_SPEC],
    fp32Lanes: NV_GA10X_LANES,
    vendorF32: "NVIDIA publishes no TFLOPS figure for the RTX 3060",
    f16Ratio: F16_X1_GA10X,
    intLanes: INT64_GA10X,
    tensorF16: [
      sig(28 * 512 * 1777e6),
      `Derived: 28 SMs x 512 FP16-with-FP32-accumulate tensor FLOP per clock per SM x 1,777 MHz; the per-SM rate is the RTX 3090's 71 TFLOPS / (82 SMs x 1,695 MHz) from ${GA102_WP}`,
    ],
    dramGBs: [360, RTX3060_SPEC],
    memoryGiB: [12, RTX3060_SPEC],
    l2KiB: [3072, `${TPU_DB}: GA106, 3 MB L2`],
  }),
  nvidia({
    // The laptop part runs at whatever boost clock the laptop's power limit allows (1,245-1,710 MHz); the figures
    // below take the top of NVIDIA's range, so its peaks are an upper bound for a given laptop.
    id: "nvidia-rtx-3080-laptop",
    name: "NVIDIA GeForce RTX 3080 Laptop GPU",
    architecture: "Ampere",
    segment: "laptop",
    cc: "8.6",
    sms: [48, `${RTX30_LAPTOP_SPEC} (6,144 CUDA cores = 48 SMs x 128)`],
    boostMhz: [1710, `${RTX30_LAPTOP_SPEC} (the top of the 1,245-1,710 MHz range: the highest power limit)`],
    fp32Lanes: NV_GA10X_LANES,
    vendorF32: "NVIDIA publishes no TFLOPS figure for the RTX 3080 Laptop GPU",
    f16Ratio: F16_X1_GA10X,
    intLanes: INT64_GA10X,
    tensorF16: [
      sig(48 * 512 * 1710e6),
      `Derived: 48 SMs x 512 FP16-with-FP32-accumulate tensor FLOP per clock per SM x 1,710 MHz; the per-SM rate is the RTX 3090's 71 TFLOPS / (82 SMs x 1,695 MHz) from ${GA102_WP}`,
    ],
    dramGBs: [448, TPU_RTX3080_LAPTOP],
    memoryGiB: [16, RTX30_LAPTOP_SPEC],
    l2KiB: [4096, TPU_RTX3080_LAPTOP],
  }),
  nvidia({
    id: "nvidia-rtx-a6000",
    name: "NVIDIA RTX A6000",
    architecture: "Ampere",
    // A workstation card; DeviceSpec has no workstation segment, and its limits are those of the GeForce GA102 parts.
    segment: "consumer",
    cc: "8.6",
    sms: [84, `${RTX_A6000_DS} (10,752 CUDA cores = 84 SMs x 128)`],
    boostMhz: [1800, `${TPU_RTX_A6000}; NVIDIA's 38.7 TFLOPS is 84 SMs x 128 x 2 x 1,800 MHz`],
    fp32Lanes: NV_GA10X_LANES,
    vendorF32: "NVIDIA: 38.7 TFLOPS",
    f16Ratio: F16_X1_GA10X,
    intLanes: INT64_GA10X,
    tensorF16: [154.8 * TERA, `${RTX_A6000_DS}: dense = half of the 309.7 TFLOPS quoted with sparsity (professional GA102 boards accumulate FP16 tensor products in FP32 at the full rate)`],
    dramGBs: [768, RTX_A6000_DS],
    memoryGiB: [48, RTX_A6000_DS],
    l2KiB: [6144, `${TPU_RTX_A6000}; ${GA102_WP} (GA102 with the full 384-bit memory interface: 6,144 KB)`],
  }),
  nvidia({
    id: "nvidia-l4",
    name: "NVIDIA L4",
    architecture: "Ada Lovelace",
    segment: "datacenter",
    cc: "8.9",
    sms: [58, `${L4_DS} (7,424 CUDA cores = 58 SMs x 128)`],
    boostMhz: [2040, `${TPU_DB} — NVIDIA's datasheet gives 30.3 TFLOPS FP32, which 58 SMs x 128 x 2 x 2,040 MHz reproduces (${L4_DS})`],
    fp32Lanes: NV_ADA_LANES,
    vendorF32: "NVIDIA: 30.3 TFLOPS",
    f16Ratio: F16_X1_ADA,
    intLanes: INT64_ADA,
    tensorF16: [121 * TERA, `${L4_DS} (FP16 Tensor Core 242 TFLOPS with sparsity, 121 dense)`],
    dramGBs: [300, L4_DS],
    memoryGiB: [24, L4_DS],
    l2KiB: [49152, `${TPU_DB}: AD104, 48 MB L2`],
  }),
  nvidia({
    id: "nvidia-l40s",
    name: "NVIDIA L40S",
    architecture: "Ada Lovelace",
    segment: "datacenter",
    cc: "8.9",
    sms: [142, `${L40S_DS} (18,176 CUDA cores = 142 SMs x 128)`],
    boostMhz: [2520, `${TPU_DB} — NVIDIA's datasheet gives 91.6 TFLOPS FP32, which 142 SMs x 128 x 2 x 2,520 MHz reproduces (${L40S_DS})`],
    fp32Lanes: NV_ADA_LANES,
    vendorF32: "NVIDIA: 91.6 TFLOPS",
    f16Ratio: F16_X1_ADA,
    intLanes: INT64_ADA,
    tensorF16: [362.05 * TERA, `${L40S_DS} (FP16 Tensor Core 733 TFLOPS with sparsity, 362.05 dense)`],
    dramGBs: [864, L40S_DS],
    memoryGiB: [48, L40S_DS],
    l2KiB: [98304, `${TPU_DB}: AD102 with 142 SMs, 96 MB L2`],
  }),
  nvidia({
    id: "nvidia-rtx-4090",
    name: "NVIDIA GeForce RTX 4090",
    architecture: "Ada Lovelace",
    segment: "consumer",
    cc: "8.9",
    sms: [128, ADA_WP],
    boostMhz: [2520, ADA_WP],
    fp32Lanes: NV_ADA_LANES,
    vendorF32: "NVIDIA: 82.6 TFLOPS",
    f16Ratio: F16_X1_ADA,
    intLanes: INT64_ADA,
    f64: [1.29 * TERA, ADA_WP],
    tensorF16: [165.2 * TERA, `${ADA_WP} (peak FP16 Tensor TFLOPS with FP32 accumulate, dense)`],
    dramGBs: [1008, ADA_WP],
    memoryGiB: [24, ADA_WP],
    l2KiB: [73728, ADA_WP],
  }),
  nvidia({
    id: "nvidia-rtx-4070",
    name: "NVIDIA GeForce RTX 4070",
    architecture: "Ada Lovelace",
    segment: "consumer",
    cc: "8.9",
    sms: [46, `${RTX4070_SPEC} (5,888 CUDA cores = 46 SMs x 128)`],
    boostMhz: [2475, RTX4070_SPEC],
    fp32Lanes: NV_ADA_LANES,
    vendorF32: "NVIDIA publishes 29 shader TFLOPS",
    f16Ratio: F16_X1_ADA,
    intLanes: INT64_ADA,
    tensorF16: [
      sig(46 * 512 * 2475e6),
      `Derived: 46 SMs x 512 FP16-with-FP32-accumulate tensor FLOP per clock per SM x 2,475 MHz; the per-SM rate is the RTX 4090's 165.2 TFLOPS / (128 SMs x 2,520 MHz) from ${ADA_WP}`,
    ],
    dramGBs: [504, RTX4070_SPEC],
    memoryGiB: [12, RTX4070_SPEC],
    l2KiB: [36864, `${TPU_DB}: AD104 as in the RTX 4070, 36 MB L2`],
  }),
  nvidia({
    id: "nvidia-h100-sxm",
    name: "NVIDIA H100 SXM5 80GB",
    architecture: "Hopper",
    segment: "datacenter",
    cc: "9.0",
    sms: [132, H100_WP],
    boostMhz: [1980, `${H100_DS} — its 67 TFLOPS FP32 = 132 SMs x 128 x 2 x 1,980 MHz (the whitepaper's preliminary tables used a lower clock)`],
    fp32Lanes: NV_HOPPER_LANES,
    vendorF32: "NVIDIA: 67 TFLOPS",
    f16Ratio: F16_X2_HOPPER,
    intLanes: INT64_HOPPER,
    tensorF16: [989.4 * TERA, `${H100_DS} (FP16 Tensor Core 1,979 TFLOPS with sparsity, 989.4 dense)`],
    dramGBs: [3350, H100_DS],
    memoryGiB: [80, H100_DS],
    l2KiB: [51200, H100_WP],
  }),
  nvidia({
    id: "nvidia-h100-pcie",
    name: "NVIDIA H100 PCIe 80GB",
    architecture: "Hopper",
    segment: "datacenter",
    cc: "9.0",
    sms: [114, H100_WP],
    boostMhz: [1755, `${H100_DS} — its 51 TFLOPS FP32 = 114 SMs x 128 x 2 x 1,755 MHz`],
    fp32Lanes: NV_HOPPER_LANES,
    vendorF32: "NVIDIA: 51 TFLOPS",
    f16Ratio: F16_X2_HOPPER,
    intLanes: INT64_HOPPER,
    tensorF16: [756.5 * TERA, `${H100_DS} (FP16 Tensor Core 1,513 TFLOPS with sparsity, 756.5 dense)`],
    dramGBs: [2000, H100_DS],
    memoryGiB: [80, H100_DS],
    l2KiB: [51200, H100_WP],
  }),
  nvidia({
    id: "nvidia-h200-sxm",
    name: "NVIDIA H200 SXM 141GB",
    architecture: "Hopper",
    segment: "datacenter",
    cc: "9.0",
    sms: [132, `${H200_DS}; the same GH100 configuration as H100 SXM5 (${H100_WP})`],
    boostMhz: [1980, `${H200_DS} — its 67 TFLOPS FP32 = 132 SMs x 128 x 2 x 1,980 MHz`],
    fp32Lanes: NV_HOPPER_LANES,
    vendorF32: "NVIDIA: 67 TFLOPS",
    f16Ratio: F16_X2_HOPPER,
    intLanes: INT64_HOPPER,
    tensorF16: [989.4 * TERA, `${H200_DS} (FP16 Tensor Core 1,979 TFLOPS with sparsity, 989.4 dense)`],
    dramGBs: [4800, H200_DS],
    memoryGiB: [141, `${H200_DS} (141 GB HBM3e)`],
    l2KiB: [51200, `${H100_WP} (GH100, 50 MB L2)`],
  }),
  nvidia({
    id: "nvidia-b200",
    name: "NVIDIA B200 (HGX, 1000 W)",
    architecture: "Blackwell",
    segment: "datacenter",
    cc: "10.0",
    sms: [148, B200_CNC],
    boostMhz: [
      2110,
      `Estimate: NVIDIA publishes no B200 clock; 2,110 MHz is what NVIDIA's 80 TFLOPS FP32 implies for 148 SMs x 128 lanes x 2 — ${B200_DS}. Third-party databases list about 1,965 MHz (74 TFLOPS).`,
    ],
    fp32Lanes: NV_BLACKWELL_LANES,
    vendorF32: "NVIDIA: 80 TFLOPS for HGX B200 at 1,000 W",
    f16Ratio: F16_X2_B200,
    intLanes: INT64_B200,
    f64: [40 * TERA, B200_DS],
    tensorF16: [2250 * TERA, `${B200_DS} (4.5 PFLOPS with sparsity, 2.25 dense)`],
    dramGBs: [8000, B200_DS],
    memoryGiB: [180, `${B200_DS} (1.44 TB over 8 GPUs = 180 GB each usable; 192 GB physical)`],
    l2KiB: [126 * 1024, B200_CNC],
    notes: ["Two dies seen as one GPU; L2 is split between the dies and remote hits cost more latency (Chips and Cheese)."],
  }),
  nvidia({
    id: "nvidia-rtx-5090",
    name: "NVIDIA GeForce RTX 5090",
    architecture: "Blackwell",
    segment: "consumer",
    cc: "12.0",
    sms: [170, RTX_BW_WP],
    boostMhz: [2407, RTX5090_SPEC],
    fp32Lanes: NV_RTX_BLACKWELL_LANES,
    vendorF32: "NVIDIA: 104.8 TFLOPS",
    f16Ratio: F16_X1_RTX_BLACKWELL,
    intLanes: INT128_RTX_BLACKWELL,
    dramGBs: [1792, RTX5090_SPEC],
    memoryGiB: [32, RTX5090_SPEC],
    l2KiB: [98304, RTX_BW_WP],
    notes: ["No tensorF16 figure: NVIDIA quotes FP16 tensor throughput with FP16 accumulation and sparsity (838 TFLOPS) for the RTX 5090; the FP32-accumulate dense rate is not published."],
  }),
];

// ---- AMD -------------------------------------------------------------------------------------------------------------

/** Per-ISA limits from the LLVM AMDGPU backend. */
interface AmdIsa {
  readonly gfx: string;
  readonly wave: number;
  /** SIMDs per CU that hold waves (CDNA: 4 x SIMD16 running wave64; RDNA: 2 x SIMD32). */
  readonly simds: number;
  readonly wavesPerSimd: number;
  /** VGPRs per SIMD lane (the register file per SIMD is this x wave x 4 B). */
  readonly vgprs: number;
  readonly granule: number;
  readonly maxVgprsPerThread: number;
  readonly simdSource: string;
  readonly vgprNote: string;
}

const GFX908: AmdIsa = { gfx: "gfx908", wave: 64, simds: 4, wavesPerSimd: 10, vgprs: 256, granule: 4, maxVgprsPerThread: 256, simdSource: CDNA_WP, vgprNote: "256 architectural VGPRs per lane per SIMD; the 256 accumulation VGPRs (AGPRs) that only MFMA uses are a separate file and not counted" };
const GFX90A: AmdIsa = { gfx: "gfx90a", wave: 64, simds: 4, wavesPerSimd: 8, vgprs: 512, granule: 8, maxVgprsPerThread: 512, simdSource: CDNA2_WP, vgprNote: "512 unified VGPRs per lane per SIMD (architectural + accumulation)" };
const GFX942: AmdIsa = { gfx: "gfx942", wave: 64, simds: 4, wavesPerSimd: 8, vgprs: 512, granule: 8, maxVgprsPerThread: 512, simdSource: CDNA3_WP, vgprNote: "512 unified VGPRs per lane per SIMD (architectural + accumulation)" };
const GFX1030: AmdIsa = { gfx: "gfx1030", wave: 32, simds: 2, wavesPerSimd: 16, vgprs: 1024, granule: 16, maxVgprsPerThread: 256, simdSource: RDNA_WP, vgprNote: "1,024 VGPRs per lane per SIMD32 in wave32 (128 KB per SIMD)" };
const GFX1100: AmdIsa = { gfx: "gfx1100", wave: 32, simds: 2, wavesPerSimd: 16, vgprs: 1536, granule: 24, maxVgprsPerThread: 256, simdSource: RDNA_WP, vgprNote: "1,536 VGPRs per lane per SIMD32 in wave32 (192 KB per SIMD on Navi 31)" };
const GFX1201: AmdIsa = { gfx: "gfx1201", wave: 32, simds: 2, wavesPerSimd: 16, vgprs: 1536, granule: 24, maxVgprsPerThread: 256, simdSource: RDNA_WP, vgprNote: "1,536 VGPRs per lane per SIMD32 in wave32 (gfx1200/gfx1201 have the 1.5x register file; the ROCm thunk sizes the VGPR file of gfx1201 like gfx1100)" };

interface AmdProduct {
  readonly id: string;
  readonly name: string;
  readonly architecture: string;
  readonly segment: DeviceSpec["segment"];
  readonly isa: AmdIsa;
  readonly page: string;
  readonly cus: number;
  readonly boostMhz: number;
  /** FP32 lanes per CU per clock for ordinary (non-packed) FMAs: 64 on CDNA/RDNA 2, 128 with RDNA 3/4 dual issue. */
  readonly fp32Lanes: Cited<number>;
  readonly vendorF32: string;
  readonly f16Ratio: Cited<number>;
  readonly f64?: Cited<number>;
  readonly tensorF16?: Cited<number>;
  readonly dramGBs: number;
  readonly memoryGiB: number;
  readonly l2KiB: Cited<number>;
  readonly infinityCacheMiB?: Cited<number>;
  readonly transactionBytes: Cited<number>;
  readonly notes?: readonly string[];
}

function amd(p: AmdProduct): DeviceSpec {
  const isa = p.isa;
  const clock = p.boostMhz * 1e6;
  const lanes = p.fp32Lanes[0];
  const f32 = sig(p.cus * lanes * 2 * clock);
  const f16 = sig(f32 * p.f16Ratio[0]);
  // Integer adds run on the 64 SIMD lanes of a CU at one per clock (dual issue does not cover integer ops).
  const intOps = sig(p.cus * 64 * clock);
  const sfu = sig(p.cus * 16 * clock);
  const waves = isa.simds * isa.wavesPerSimd;
  const vgprSrc = `${LLVM_BASEINFO}; ${LLVM_OCC_TEST}`;
  return assemble({
    id: p.id,
    name: p.name,
    vendor: "amd",
    architecture: p.architecture,
    segment: p.segment,
    computeCapability: [isa.gfx, LLVM_USAGE],
    smCount: [p.cus, p.page],
    warpSize: [isa.wave, LLVM_USAGE],
    maxThreadsPerBlock: [1024, LLVM_BASEINFO],
    maxThreadsPerSm: [waves * isa.wave, `Derived: ${isa.simds} SIMDs x ${isa.wavesPerSimd} waves x ${isa.wave} lanes — ${LLVM_BASEINFO}; SIMDs per CU: ${isa.simdSource}`],
    maxWarpsPerSm: [waves, `Derived: ${isa.simds} SIMDs per CU x ${isa.wavesPerSimd} waves per SIMD — ${LLVM_BASEINFO}; SIMDs per CU: ${isa.simdSource}`],
    maxBlocksPerSm: [16, `${LLVM_BASEINFO} (16 workgroups of more than one wave per CU; single-wave workgroups are limited only by wave slots)`],
    registersPerSm: [isa.vgprs * isa.wave * isa.simds, `Derived: ${isa.vgprs} VGPRs x ${isa.wave} lanes x ${isa.simds} SIMDs — ${vgprSrc}`],
    maxRegistersPerThread: [isa.maxVgprsPerThread, LLVM_BASEINFO],
    registerAllocationUnit: [isa.granule * isa.wave, `Derived: VGPR allocation granule ${isa.granule} x ${isa.wave} lanes — ${vgprSrc}`],
    subPartitionsPerSm: [isa.simds, isa.simdSource],
    sharedMemoryPerSmBytes: [64 * KiB, `${LLVM_USAGE}; ${isa.wave === 32 ? RDNA_WP + " (128 KB per WGP of two CUs)" : isa.simdSource + " (64 KB LDS per CU)"}`],
    maxSharedMemoryPerBlockBytes: [64 * KiB, LLVM_USAGE],
    sharedMemoryAllocationUnitBytes: [512, LLVM_USAGE],
    sharedMemoryReservedPerBlockBytes: [0, `${LLVM_USAGE} (the LDS size of a dispatch is the workgroup's own allocation; nothing is reserved)`],
    sharedMemoryBytesPerClockPerSm: [128, isa.wave === 32 ? RDNA_WP : AMD_LDS_BANKS],
    boostClockMhz: [p.boostMhz, p.page],
    f32: [f32, `Derived: CUs x ${lanes} FP32 lanes per CU x 2 x boost clock (see notes) — CU count and clock: ${p.page}; lanes: ${p.fp32Lanes[1]}`],
    f16: [f16, `Derived: f32 peak x ${p.f16Ratio[0]} — ${p.f16Ratio[1]}`],
    ...(p.f64 ? { f64: p.f64 } : {}),
    ...(p.tensorF16 ? { tensorF16: p.tensorF16 } : {}),
    peakIntOps: [intOps, `Derived: CUs x 64 lanes x 1 integer add per clock x boost clock (32-bit integer multiplies run at a quarter rate) — ${isa.simdSource}`],
    peakSpecialOps: [sfu, `Derived: CUs x 16 transcendental results per clock per CU (a quarter of the 64 FP32 lanes) x boost clock — ${isa.wave === 32 ? RDNA_WP : CDNA_TRANSCENDENTAL}`],
    dramBandwidthBytesPerSec: [p.dramGBs * GB_S, p.page],
    memoryBytes: [p.memoryGiB * GiB, p.page],
    l2Bytes: [p.l2KiB[0] * KiB, p.l2KiB[1]],
    ...(p.infinityCacheMiB ? { lastLevelCacheBytes: [p.infinityCacheMiB[0] * MiB, p.infinityCacheMiB[1]] as Cited<number> } : {}),
    memoryTransactionBytes: p.transactionBytes,
    launchOverheadUs: [5, LAUNCH_ESTIMATE_AMD],
    notes: [
      `f32 peak = ${p.cus} CUs x ${lanes} FP32 lanes x 2 x ${p.boostMhz} MHz = ${tf(f32)} (${p.vendorF32})`,
      `Registers: ${isa.vgprNote}. Occupancy per SIMD = floor(${isa.vgprs} / roundup(VGPRs, ${isa.granule})), at most ${isa.wavesPerSimd} waves.`,
      ...(p.notes ?? []),
    ],
  });
}

const CDNA_LANES = (page: string): Cited<number> => [64, `${page}; 4 SIMD16 units per CU each retire 16 lanes of FMA per clock (64 per CU) — ${CDNA_WP}`];
const RDNA2_LANES: Cited<number> = [64, `${RDNA_WP} (2 SIMD32 per CU)`];
const RDNA3_LANES = (page: string): Cited<number> => [128, `${page}: AMD's FP32 peak counts RDNA 3/4 dual issue (two FP32 ops per SIMD32 lane per clock, 128 per CU); code the compiler cannot dual-issue reaches half of it`];
const PACKED_F16_X2 = (what: string): Cited<number> => [2, `packed FP16 (v_pk_fma_f16) does two half FMAs per lane per clock — ${what}`];

const amdDevices: DeviceSpec[] = [
  amd({
    id: "amd-mi100",
    name: "AMD Instinct MI100",
    architecture: "CDNA 1",
    segment: "datacenter",
    isa: GFX908,
    page: MI100_PAGE,
    cus: 120,
    boostMhz: 1502,
    fp32Lanes: CDNA_LANES(MI100_PAGE),
    vendorF32: "AMD: 23.1 TFLOPS FP32 vector",
    f16Ratio: PACKED_F16_X2(CDNA_WP),
    f64: [11.5 * TERA, `${MI100_PAGE} (FP64 vector)`],
    tensorF16: [184.6 * TERA, `${MI100_PAGE} (FP16 matrix)`],
    dramGBs: 1228.8,
    memoryGiB: 32,
    l2KiB: [8192, CDNA_WP],
    transactionBytes: [64, ROCM_L2_LINE],
  }),
  amd({
    id: "amd-mi210",
    name: "AMD Instinct MI210",
    architecture: "CDNA 2",
    segment: "datacenter",
    isa: GFX90A,
    page: MI210_PAGE,
    cus: 104,
    boostMhz: 1700,
    fp32Lanes: CDNA_LANES(MI210_PAGE),
    vendorF32: "AMD: 22.6 TFLOPS FP32 vector, 45.3 packed FP32",
    f16Ratio: PACKED_F16_X2(CDNA2_WP),
    f64: [22.6 * TERA, `${MI210_PAGE} (FP64 vector)`],
    tensorF16: [181 * TERA, `${MI210_PAGE} (FP16 matrix)`],
    dramGBs: 1638.4,
    memoryGiB: 64,
    l2KiB: [8192, CDNA2_WP],
    transactionBytes: [128, ROCM_L2_LINE],
    notes: ["Packed FP32 (v_pk_fma_f32) doubles the f32 peak for code the compiler vectorises into it."],
  }),
  amd({
    id: "amd-mi250x",
    name: "AMD Instinct MI250X",
    architecture: "CDNA 2",
    segment: "datacenter",
    isa: GFX90A,
    page: MI250X_PAGE,
    cus: 220,
    boostMhz: 1700,
    fp32Lanes: CDNA_LANES(MI250X_PAGE),
    vendorF32: "AMD: 47.9 TFLOPS FP32 vector, 95.7 packed FP32",
    f16Ratio: PACKED_F16_X2(CDNA2_WP),
    f64: [47.9 * TERA, `${MI250X_PAGE} (FP64 vector)`],
    tensorF16: [383 * TERA, `${MI250X_PAGE} (FP16 matrix)`],
    dramGBs: 3276.8,
    memoryGiB: 128,
    l2KiB: [16384, `${CDNA2_WP} (8 MB per GCD, two GCDs)`],
    transactionBytes: [128, ROCM_L2_LINE],
    notes: [
      "Figures are for the whole module: its two GCDs appear to HIP as two devices of 110 CUs, 64 GB and 1.64 TB/s each.",
      "Packed FP32 (v_pk_fma_f32) doubles the f32 peak for code the compiler vectorises into it.",
    ],
  }),
  amd({
    id: "amd-mi300x",
    name: "AMD Instinct MI300X",
    architecture: "CDNA 3",
    segment: "datacenter",
    isa: GFX942,
    page: MI300X_DS,
    cus: 304,
    boostMhz: 2100,
    fp32Lanes: CDNA_LANES(MI300X_DS),
    vendorF32: "AMD's data sheet lists 163.4 TFLOPS FP32 vector, which counts packed FP32; ordinary FMAs reach half",
    f16Ratio: PACKED_F16_X2(CDNA3_WP),
    f64: [81.7 * TERA, `${MI300X_DS} (FP64 vector)`],
    tensorF16: [1307.4 * TERA, `${MI300X_DS} (FP16 matrix, dense)`],
    dramGBs: 5300,
    memoryGiB: 192,
    l2KiB: [32768, `${CDNA3_WP} (4 MB per XCD x 8 XCDs; each XCD's L2 serves only its own 38 CUs)`],
    infinityCacheMiB: [256, `${CDNA3_WP} (256 MB AMD Infinity Cache, memory-side, shared by all XCDs)`],
    transactionBytes: [128, ROCM_L2_LINE],
    notes: [
      "l2Bytes is the sum of the eight per-XCD L2 caches (4 MB each); the 256 MB Infinity Cache is in lastLevelCacheBytes.",
      "Packed FP32 (v_pk_fma_f32) doubles the f32 peak to AMD's 163.4 TFLOPS for code the compiler vectorises into it.",
    ],
  }),
  amd({
    id: "amd-rx-6900-xt",
    name: "AMD Radeon RX 6900 XT",
    architecture: "RDNA 2",
    segment: "consumer",
    isa: GFX1030,
    page: RX6900XT_PAGE,
    cus: 80,
    boostMhz: 2250,
    fp32Lanes: RDNA2_LANES,
    vendorF32: "AMD: 23.04 TFLOPS",
    f16Ratio: [2, `${RX6900XT_PAGE} (peak half precision 46.08 TFLOPS = 2 x FP32)`],
    f64: [sig((80 * 64 * 2 * 2250e6) / 16), `Derived: FP64 at 1/16 of the FP32 rate on RDNA 2 — ${RDNA_WP}`],
    dramGBs: 512,
    memoryGiB: 16,
    l2KiB: [4096, `${TPU_DB}: Navi 21, 4 MB L2`],
    infinityCacheMiB: [128, `${RX6900XT_PAGE} (128 MB AMD Infinity Cache)`],
    transactionBytes: [128, `${RDNA_WP} (128-byte cache lines in the L1 and L2)`],
  }),
  amd({
    id: "amd-rx-7900-xtx",
    name: "AMD Radeon RX 7900 XTX",
    architecture: "RDNA 3",
    segment: "consumer",
    isa: GFX1100,
    page: RX7900XTX_PAGE,
    cus: 96,
    boostMhz: 2500,
    fp32Lanes: RDNA3_LANES(RX7900XTX_PAGE),
    vendorF32: "AMD: 61.4 TFLOPS",
    f16Ratio: [2, `${RX7900XTX_PAGE} (peak half precision 122.8 TFLOPS = 2 x FP32)`],
    dramGBs: 960,
    memoryGiB: 24,
    l2KiB: [6144, `${TPU_DB}: Navi 31, 6 MB L2`],
    infinityCacheMiB: [96, `${RX7900XTX_PAGE} (96 MB AMD Infinity Cache)`],
    transactionBytes: [128, `${RDNA_WP} (128-byte cache lines in the L1 and L2)`],
  }),
  amd({
    id: "amd-rx-9070-xt",
    name: "AMD Radeon RX 9070 XT",
    architecture: "RDNA 4",
    segment: "consumer",
    isa: GFX1201,
    page: RX9070XT_PAGE,
    cus: 64,
    boostMhz: 2970,
    fp32Lanes: RDNA3_LANES(RX9070XT_PAGE),
    vendorF32: "AMD: 48.7 TFLOPS",
    f16Ratio: [2, `${RX9070XT_PAGE} (peak half precision 97.3 TFLOPS = 2 x FP32)`],
    dramGBs: 640,
    memoryGiB: 16,
    l2KiB: [8192, `${TPU_DB}: Navi 48, 8 MB L2`],
    infinityCacheMiB: [64, `${RX9070XT_PAGE} (64 MB AMD Infinity Cache)`],
    transactionBytes: [128, `${RDNA_WP} (128-byte cache lines in the L1 and L2)`],
  }),
];

// ---- Apple -----------------------------------------------------------------------------------------------------------

interface AppleProduct {
  readonly id: string;
  readonly name: string;
  readonly architecture: string;
  readonly page: string;
  readonly cores: number;
  readonly clockMhz: Cited<number>;
  readonly vendorF32: string;
  readonly dramGBs: Cited<number>;
  readonly memoryGiB: number;
  readonly l2KiB: Cited<number>;
  readonly slcMiB?: Cited<number>;
}

const APPLE_L2_ESTIMATE = (cores: number): string =>
  `Estimate: Apple publishes no GPU L2 size; 128 KB per GPU core (${cores} cores) scaled from the 1 MB measured on the 8-core M1 — ${CNC_M1}`;

function apple(p: AppleProduct): DeviceSpec {
  const clock = p.clockMhz[0] * 1e6;
  const f32 = sig(p.cores * 128 * 2 * clock);
  return assemble({
    id: p.id,
    name: p.name,
    vendor: "apple",
    architecture: p.architecture,
    segment: "laptop",
    smCount: [p.cores, p.page],
    warpSize: [32, METAL_TABLES],
    maxThreadsPerBlock: [1024, METAL_TABLES],
    maxThreadsPerSm: [3072, `${TURNER} (3,072 threads per core at low register use)`],
    maxWarpsPerSm: [96, `Derived: 3,072 threads / 32 — ${TURNER}`],
    maxBlocksPerSm: [96, "Estimate: Apple publishes no threadgroups-per-core limit; bounded here by the 96 SIMD-group slots"],
    registersPerSm: [98304, `Derived: 384 KB register file / 4 B — ${TURNER}`],
    maxRegistersPerThread: [128, APPLEGPU_ISA],
    registerAllocationUnit: [256, "Estimate: Apple publishes no register allocation granularity; 8 registers x 32 lanes per SIMD-group assumed"],
    subPartitionsPerSm: [4, `${TURNER} (four 32-lane ALU pipelines per core, 128 ALUs)`],
    sharedMemoryPerSmBytes: [64 * KiB, TURNER],
    maxSharedMemoryPerBlockBytes: [32 * KiB, METAL_TABLES],
    sharedMemoryAllocationUnitBytes: [16, METAL_TG_LENGTH],
    sharedMemoryReservedPerBlockBytes: [0, `${METAL_TG_LENGTH} (nothing reserved per threadgroup is documented)`],
    sharedMemoryBytesPerClockPerSm: [64, `Estimate: Apple publishes no threadgroup memory bandwidth; 64 B per clock per core assumed, half of NVIDIA's 128 (${TURNER}: Apple "reduces the amount of threadgroup memory bandwidth" and invests in SIMD shuffles instead). Checked against gpu.cpp's published matmul ladder on M2 Pro (npm run bench, accuracy)`],
    sharedMemoryBankConflicts: [false, "Estimate: Apple documents no threadgroup memory bank structure; conflicts found under the 32-bank rule are not charged (gpu.cpp's 2D-tiled matmul, 16-way conflicted under that rule, runs 3.4x faster on M2 Pro than the rule predicts)"],
    boostClockMhz: p.clockMhz,
    f32: [f32, `Derived: cores x 128 FP32 lanes x 2 x clock (see notes) — core count: ${p.page}; 128 ALUs per core: ${TURNER}`],
    f16: [f32, `Same as f32: ${TURNER} (F16 runs at the F32 rate on Apple 7 and later; assumed unchanged on later families)`],
    peakIntOps: [sig(p.cores * 128 * clock), `Derived: cores x 128 I32 adds per clock x clock (32-bit multiplies are a quarter rate) — ${TURNER}`],
    peakSpecialOps: [sig(p.cores * 32 * clock), `Derived: cores x 32 transcendental results per clock (EXP2/LOG2: one 32-wide instruction per 4 cycles on each of 4 pipelines; RECIP, RSQRT and SIN are slower) x clock — ${TURNER}`],
    dramBandwidthBytesPerSec: [p.dramGBs[0] * GB_S, p.dramGBs[1]],
    memoryBytes: [p.memoryGiB * GiB, `${p.page} (largest configuration; unified memory shared with the CPU)`],
    l2Bytes: [p.l2KiB[0] * KiB, p.l2KiB[1]],
    ...(p.slcMiB ? { lastLevelCacheBytes: [p.slcMiB[0] * MiB, p.slcMiB[1]] as Cited<number> } : {}),
    memoryTransactionBytes: [64, "Estimate: Apple publishes no GPU cache line size; 64 B assumed"],
    launchOverheadUs: [5, LAUNCH_ESTIMATE_APPLE],
    notes: [
      `f32 peak = ${p.cores} cores x 128 FP32 lanes x 2 x ${p.clockMhz[0]} MHz = ${tf(f32)} (${p.vendorF32})`,
      "Apple documents the programming limits (Metal feature set tables) but not the microarchitecture; register, clock and cache figures are third-party measurements or estimates, as each source says.",
    ],
  });
}

const appleDevices: DeviceSpec[] = [
  apple({
    id: "apple-m1",
    name: "Apple M1 (8-core GPU)",
    architecture: "Apple M1 (Apple GPU family 7)",
    page: APPLE_M1,
    cores: 8,
    clockMhz: [1278, TURNER],
    vendorF32: "Apple: 2.6 TFLOPS",
    dramGBs: [68.25, "Derived: LPDDR4X-4266 on a 128-bit bus = 4,266 MT/s x 16 B = 68.25 GB/s (Apple states M2's 100 GB/s is 50% more than M1) — https://www.apple.com/newsroom/2022/06/apple-unveils-m2-with-breakthrough-performance-and-capabilities/"],
    memoryGiB: 16,
    l2KiB: [1024, CNC_M1],
    slcMiB: [8, ANANDTECH_M1],
  }),
  apple({
    id: "apple-m1-max",
    name: "Apple M1 Max (32-core GPU)",
    architecture: "Apple M1 (Apple GPU family 7)",
    page: APPLE_M1MAX,
    cores: 32,
    clockMhz: [1296, TURNER],
    vendorF32: "Apple: 10.4 TFLOPS",
    dramGBs: [400, APPLE_M1MAX],
    memoryGiB: 64,
    l2KiB: [4096, APPLE_L2_ESTIMATE(32)],
    slcMiB: [48, ANANDTECH_M1MAX],
  }),
  apple({
    // gpu.cpp's M2 Pro measurements do not say which GPU configuration ran them; the full 19-core part is assumed.
    id: "apple-m2-pro",
    name: "Apple M2 Pro (19-core GPU)",
    architecture: "Apple M2 (Apple GPU family 8)",
    page: APPLE_M2PRO,
    cores: 19,
    clockMhz: [1398, `${TURNER} (1,398 MHz for the M2 family GPU; from supply-chain reports, not Apple)`],
    vendorF32: "Apple publishes no TFLOPS figure for M2 Pro",
    dramGBs: [200, APPLE_M2PRO],
    memoryGiB: 32,
    l2KiB: [2432, `${APPLE_L2_ESTIMATE(19)}; Apple says M2 Pro has a larger GPU L2 than M1 Pro but not how large`],
  }),
  apple({
    id: "apple-m2-max",
    name: "Apple M2 Max (38-core GPU)",
    architecture: "Apple M2 (Apple GPU family 8)",
    page: APPLE_M2MAX,
    cores: 38,
    clockMhz: [1398, `${TURNER} (1,398 MHz; from supply-chain reports, not Apple)`],
    vendorF32: "Apple publishes no TFLOPS figure for M2 Max",
    dramGBs: [400, APPLE_M2MAX],
    memoryGiB: 96,
    l2KiB: [4864, `${APPLE_L2_ESTIMATE(38)}; Apple says M2 Max has a larger GPU L2 than M1 Max but not how large`],
  }),
  apple({
    id: "apple-m3-max",
    name: "Apple M3 Max (40-core GPU)",
    architecture: "Apple M3 (Apple GPU family 9)",
    page: APPLE_M3MAX,
    cores: 40,
    clockMhz: [1398, "Estimate: Apple publishes no M3 GPU clock; third-party GPU databases list 1,398 MHz, the M2 Max clock"],
    vendorF32: "Apple publishes no TFLOPS figure for M3 Max",
    dramGBs: [400, APPLE_M3MAX],
    memoryGiB: 128,
    l2KiB: [5120, APPLE_L2_ESTIMATE(40)],
  }),
  apple({
    id: "apple-m4",
    name: "Apple M4 (10-core GPU)",
    architecture: "Apple M4 (Apple GPU family 9)",
    page: APPLE_M4,
    cores: 10,
    clockMhz: [1470, "Estimate: Apple publishes no M4 GPU clock; third-party GPU databases list 1,470 MHz"],
    vendorF32: "Apple publishes no TFLOPS figure for M4",
    dramGBs: [120, APPLE_M4],
    memoryGiB: 32,
    l2KiB: [1280, APPLE_L2_ESTIMATE(10)],
  }),
];

// ---- Intel -----------------------------------------------------------------------------------------------------------

interface IntelProduct {
  readonly id: string;
  readonly name: string;
  readonly page: string;
  readonly xeCores: number;
  readonly clockMhz: number;
  readonly dramGBs: number;
  readonly memoryGiB: number;
  readonly l2KiB: Cited<number>;
}

function intel(p: IntelProduct): DeviceSpec {
  const clock = p.clockMhz * 1e6;
  const f32 = sig(p.xeCores * 128 * 2 * clock);
  return assemble({
    id: p.id,
    name: p.name,
    vendor: "intel",
    architecture: "Xe-HPG (Alchemist)",
    segment: "consumer",
    smCount: [p.xeCores, p.page],
    warpSize: [16, `${INTEL_OCC_CALC} (SIMD16 is the usual compute width on Xe-HPG; the compiler may pick 8 or 32)`],
    maxThreadsPerBlock: [1024, INTEL_OCC_CALC],
    maxThreadsPerSm: [2048, `Derived: 128 hardware threads per Xe-core x 16 work-items (SIMD16) — ${INTEL_OCC_CALC}`],
    maxWarpsPerSm: [128, INTEL_OCC_CALC],
    maxBlocksPerSm: [128, INTEL_OCC_CALC],
    registersPerSm: [131072, `Derived: 16 vector engines x 8 threads x 128 registers x 32 B / 4 B — ${INTEL_OPT_GUIDE}`],
    maxRegistersPerThread: [64, `Derived: 128 registers x 32 B per hardware thread / 16 work-items / 4 B (large-register mode is not available on Xe-HPG per ${INTEL_OCC_CALC}) — ${INTEL_OPT_GUIDE}`],
    registerAllocationUnit: [1024, `Derived: every hardware thread owns a fixed 4 KB (1,024 32-bit registers) — ${INTEL_OPT_GUIDE}`],
    subPartitionsPerSm: [16, INTEL_OCC_CALC],
    sharedMemoryPerSmBytes: [128 * KiB, INTEL_OCC_CALC],
    maxSharedMemoryPerBlockBytes: [64 * KiB, INTEL_OCC_CALC],
    sharedMemoryAllocationUnitBytes: [1024, INTEL_OCC_CALC],
    sharedMemoryReservedPerBlockBytes: [0, INTEL_OCC_CALC],
    sharedMemoryBlockSizesBytes: [[1, 2, 4, 8, 16, 32, 64].map((k) => k * KiB), INTEL_OCC_CALC],
    sharedMemoryBytesPerClockPerSm: [128, "Estimate: Intel publishes no SLM bandwidth for Xe-HPG; 128 B per clock per Xe-core (one 64 B line per clock per half) assumed"],
    boostClockMhz: [p.clockMhz, `${p.page} (graphics clock)`],
    f32: [f32, `Derived: Xe-cores x 128 FP32 lanes (16 vector engines x 8) x 2 x graphics clock (see notes) — ${p.page}; ${INTEL_OPT_GUIDE}`],
    f16: [sig(2 * f32), `Derived: 2 x f32 — ${INTEL_OPT_GUIDE}`],
    peakIntOps: [sig(p.xeCores * 128 * clock), `Derived: Xe-cores x 128 integer adds per clock x clock — ${INTEL_OPT_GUIDE}`],
    peakSpecialOps: [sig(p.xeCores * 32 * clock), "Estimate: extended-math (transcendental) unit at a quarter of the FP32 rate, 2 lanes per vector engine as on Xe-LP (Intel oneAPI GPU Optimization Guide) — 32 per clock per Xe-core"],
    dramBandwidthBytesPerSec: [p.dramGBs * GB_S, p.page],
    memoryBytes: [p.memoryGiB * GiB, p.page],
    l2Bytes: [p.l2KiB[0] * KiB, p.l2KiB[1]],
    memoryTransactionBytes: [64, INTEL_OPT_GUIDE],
    launchOverheadUs: [5, LAUNCH_ESTIMATE_INTEL],
    notes: [
      `f32 peak = ${p.xeCores} Xe-cores x 128 FP32 lanes x 2 x ${p.clockMhz} MHz = ${tf(f32)}`,
      "Alchemist has no FP64 hardware (emulated), so no f64 peak is given; XMX matrix peaks are not given either.",
      "A kernel that uses barriers is limited to 32 work-groups per Xe-core (Intel's occupancy calculator); the 128 here assumes none.",
    ],
  });
}

const intelDevices: DeviceSpec[] = [
  intel({ id: "intel-arc-a770", name: "Intel Arc A770 16GB", page: INTEL_A770, xeCores: 32, clockMhz: 2100, dramGBs: 560, memoryGiB: 16, l2KiB: [16384, `${TPU_DB}: ACM-G10, 16 MB L2`] }),
  intel({ id: "intel-arc-a750", name: "Intel Arc A750", page: INTEL_A750, xeCores: 28, clockMhz: 2050, dramGBs: 512, memoryGiB: 8, l2KiB: [16384, `${TPU_DB}: ACM-G10, 16 MB L2`] }),
  intel({ id: "intel-arc-a380", name: "Intel Arc A380", page: INTEL_A380, xeCores: 8, clockMhz: 2000, dramGBs: 186, memoryGiB: 6, l2KiB: [6144, `${TPU_DB}: ACM-G11, 6 MB L2`] }),
];

/** Every datasheet device, NVIDIA first (by generation), then AMD, Apple and Intel. */
export const datasheetDevices: readonly DeviceSpec[] = [...nvidiaDevices, ...amdDevices, ...appleDevices, ...intelDevices];
