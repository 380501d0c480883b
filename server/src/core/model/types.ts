// The static cost model's results: counts, accesses, traffic, occupancy and roofline for one entry point and launch.
//
// Every number the model cannot know is `null` with a reason in `unknowns`, never a silent zero. Counts that depend
// on data (a branch on a loaded value) are ranges: `value` is the model's estimate, `min`/`max` the bounds.
import type { Assumption } from "../kernel/inferLaunch";
import type { Span } from "../span";

export interface Range {
  readonly value: number;
  readonly min: number;
  readonly max: number;
}

/** Operation counts for the whole dispatch. */
export interface OpCounts {
  readonly flopsF32: Range;
  readonly flopsF16: Range;
  readonly flopsBF16: Range;
  /** Tensor-core FLOPs: matrix instructions on 16-bit inputs (WMMA/MMA, `tl.dot`). */
  readonly tensorFlops: Range;
  /** Subgroup (warp) cross-lane operations. */
  readonly subgroupOps: Range;
  readonly intOps: Range;
  readonly specialOps: Range;
  readonly barriers: Range;
  /** Global memory: bytes the kernel asks for (before coalescing), by binding. */
  readonly globalLoadBytes: Range;
  readonly globalStoreBytes: Range;
  readonly workgroupLoadBytes: Range;
  readonly workgroupStoreBytes: Range;
  readonly uniformLoadBytes: Range;
}

export type AccessPattern = "coalesced" | "strided" | "broadcast" | "gather" | "unknown";

/** One memory access in the source, with how adjacent invocations touch memory through it. */
export interface AccessInfo {
  /** Span of the access expression in the analysed (preprocessed) text. */
  readonly span: Span;
  readonly binding: string;
  readonly addressSpace: "storage" | "uniform" | "workgroup";
  readonly kind: "load" | "store" | "atomic";
  readonly elementType: string;
  readonly bytesPerAccess: number;
  /** How many times it executes over the dispatch (all invocations, all loop iterations). */
  readonly count: Range;
  readonly pattern: AccessPattern;
  /** Elements between the addresses of adjacent invocations (local_invocation_index + 1); null when not affine. */
  readonly strideElements: number | null;
  /** Useful bytes / bytes fetched in whole transactions (32-byte sectors on NVIDIA), for a full warp. */
  readonly coalescingEfficiency: number | null;
  /** Transactions a warp's access touches. */
  readonly transactionsPerWarp: number | null;
  /**
   * For workgroup memory: the wavefronts one warp instruction takes over those a conflict-free one needs. A 4-byte
   * access is served in one phase (the largest number of lanes hitting one bank at different words); 8- and 16-byte
   * ones in half- and quarter-warp phases of 128 bytes, conflicts counted within each phase (averaged over them).
   */
  readonly bankConflictDegree: number | null;
  /**
   * Loads the compiler merges into one wider instruction: this many neighbouring iterations of the unrolled loop
   * `loop` (its name in the source), e.g. 4 for an `As[row * 8 + k]` over an unrolled k that ptxas turns into LDS.128.
   * The bank conflicts are those of the merged instruction. Absent: each load is its own instruction.
   */
  readonly merged?: { readonly width: number; readonly loop: string };
  /** Inside a loop and the same address on every iteration: could be kept in a register. */
  readonly loopInvariant: boolean;
  readonly note?: string;
}

/** The cost of one loop body per iteration, for inlay hints. */
export interface LoopInfo {
  readonly span: Span;
  /** Where the loop's header ends (the `)` of a `for`, `loop` keyword), for placing a hint. */
  readonly headerEnd: number;
  readonly tripCount: Range | null;
  readonly tripCountText: string;
  /** Work per iteration averaged over every invocation that runs the loop (those idle in an iteration count as 0). */
  readonly perIteration: { readonly flops: number; readonly globalBytes: number; readonly workgroupBytes: number };
  /**
   * Work per iteration of one *active* invocation (lane): one that does the body's work in that iteration. Equal to
   * `perIteration` unless lanes drop out (a tree reduction's `if (lid < stride)` leaves fewer each step).
   */
  readonly perActiveLane: { readonly flops: number; readonly globalBytes: number; readonly workgroupBytes: number };
  /** Invocations that reach the loop, over the dispatch. */
  readonly lanes: number;
  /** The share of (invocation, iteration) pairs that do work, in [0, 1]: 1 when no lane drops out. */
  readonly activeFraction: number;
}

/**
 * What *compulsory* traffic means, in the words every surface uses (hover, `analyze --json` docs, README): the
 * least global memory the dispatch must move, each distinct byte it touches counted once per direction. Only the
 * invocations that reach an access count (one that returned early neither reads nor writes).
 */
export const COMPULSORY_DEFINITION = "bytes read once plus bytes written once; an in-place buffer counts both";

export interface Traffic {
  /**
   * Compulsory traffic, {@link COMPULSORY_DEFINITION}: the unique global footprint read and written. Where a
   * footprint is a range (see `ranges`), these are the estimate: its upper bound.
   */
  readonly compulsoryRead: number | null;
  readonly compulsoryWritten: number | null;
  /** Global memory requested by the SMs after coalescing, with reuse through workgroup memory (the L2 level). */
  /** Null without a launch configuration: nothing was counted. */
  readonly l2Read: number | null;
  readonly l2Written: number | null;
  /** Modelled DRAM traffic: L2 level after the device's L2 captures reuse. */
  readonly dramRead: number | null;
  readonly dramWritten: number | null;
  /** One sentence on how the L2 model treated reuse. */
  readonly cacheNote: string;
  /**
   * Present only when some footprint is a range, not exact (a gather whose indices are loaded data touches between
   * one lookup's bytes and every lookup's, at most the buffer): the bounds of the compulsory and DRAM figures, whose
   * `value` is the figure above, and one reason per binding ("'table': indices are loaded data (read from 'ids')").
   */
  readonly ranges?: TrafficRanges;
}

export interface TrafficRanges {
  readonly compulsoryRead: Range;
  readonly compulsoryWritten: Range;
  readonly dramRead: Range;
  readonly dramWritten: Range;
  readonly reasons: readonly string[];
}

export interface OccupancyInfo {
  readonly value: number;
  readonly limitedBy: string;
  /** True: registers per invocation are estimated from live values, not known from a compiler. */
  readonly estimated: boolean;
  readonly registersPerInvocation: number;
  readonly activeWorkgroupsPerSm: number;
  readonly detail: string;
}

export interface RooflineInfo {
  readonly bound: "compute" | "memory" | "workgroup-memory" | "latency" | "unknown";
  /**
   * The limiter in Nsight Compute's words, a detail of `bound`: "FP32 compute", "integer pipe", "special-function
   * pipe", "instruction issue" (compute); "DRAM bandwidth", "L2 bandwidth", "memory latency (...)": too few bytes
   * in flight (memory); "workgroup-memory bandwidth" or "local-memory bandwidth (...)" (workgroup-memory); "launch
   * overhead" (latency).
   */
  readonly limiter?: string;
  readonly predictedMs: number | null;
  readonly attainableGflops: number | null;
  readonly arithmeticIntensity: number | null;
  /** Ridge point of the device for the kernel's main dtype, FLOP/byte. */
  readonly ridge: number;
  /**
   * Time components, ms: compute, DRAM, L2, workgroup memory (including local memory), launch; `localMemoryMs`, where
   * function-scope arrays live in local memory, is that part of `workgroupMs`. `l1Ms`: the L1's clocks for global
   * accesses (one per line a warp instruction touches), charged in the same on-chip term as workgroup memory (one
   * SRAM) but shown apart.
   */
  readonly components: { readonly computeMs: number; readonly dramMs: number | null; readonly l2Ms: number; readonly workgroupMs: number; readonly launchMs: number; readonly localMemoryMs?: number; readonly l1Ms?: number };
  /**
   * Of a full wave (the only wave of a smaller launch): the fraction of bandwidth its bytes in flight reach (memory)
   * and of the device's arithmetic its SMs and warps reach (compute). `waves` of up to `workgroupsPerWave`
   * workgroups; `waveUtilization` is the share of all waves' slots used, `lastWaveFill` the last wave's own fill.
   */
  readonly efficiency: {
    readonly memory: number;
    readonly compute: number;
    readonly waves: number;
    readonly waveUtilization: number;
    readonly workgroupsPerWave?: number;
    readonly lastWaveFill?: number;
    /** Global bytes one warp keeps in flight (independent loads x their width after coalescing). */
    readonly bytesInFlightPerWarp?: number;
  };
  /** Workgroup-memory roofline point: FLOPs per byte of workgroup memory traffic. */
  readonly workgroupIntensity: number | null;
}

export interface Unknown {
  readonly what: string;
  readonly reason: string;
  /** In the analysed text, like every span of the model. */
  readonly span?: Span;
}

export interface KernelModel {
  readonly entry: string;
  readonly deviceId: string;
  readonly workgroupSize: readonly [number, number, number] | null;
  readonly dispatch: readonly [number, number, number] | null;
  readonly invocations: number | null;
  readonly ops: OpCounts;
  readonly accesses: readonly AccessInfo[];
  readonly loops: readonly LoopInfo[];
  readonly traffic: Traffic;
  readonly workgroupMemoryBytes: number | null;
  readonly occupancy: OccupancyInfo | null;
  readonly roofline: RooflineInfo;
  readonly unknowns: readonly Unknown[];
  /**
   * Launch values no directive gave: inferred from the code (`code`) or assumed (`assumed`). Every launch-dependent
   * number (totals, traffic, time, bound) rests on the assumed ones.
   */
  readonly assumptions: readonly Assumption[];
  /**
   * Function-scope arrays indexed with a value the compiler cannot make constant, so they live in local memory
   * (per-invocation memory behind the L1) rather than registers; `bytes` is their reads and writes over the dispatch.
   */
  readonly localMemory?: { readonly arrays: readonly { readonly name: string; readonly span: Span }[]; readonly bytes: number };
  /**
   * Registers the compiler spilled to local memory (ptxas's `N bytes spill stores, M bytes spill loads`), per thread,
   * exact; `bytes` is the traffic the model charges over the dispatch (each spill instruction once per thread: a lower
   * bound where a spill sits in a loop), through the L1 as local memory.
   */
  readonly spills?: { readonly storeBytesPerThread: number; readonly loadBytesPerThread: number; readonly stackBytesPerThread: number | null; readonly bytes: number; readonly source: string };
}

/** FLOPs, global-memory bytes (loaded and stored) and special ops of one invocation and of one workgroup, averaged over the dispatch. */
export interface PerUnit {
  readonly flops: number;
  readonly globalBytes: number;
  readonly specialOps: number;
}
