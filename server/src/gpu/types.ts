// The contract of the headless WebGPU helper: what callers ask it and what it answers, as plain serialisable data.
//
// The helper is a separate Node process that loads Dawn and runs kernels; a hung or crashed kernel can take it down
// without touching the editor or the language server. These types cross the IPC channel (structured clone), so they
// hold only plain data and ArrayBuffers.

export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** Dawn backend: `vulkan`, `metal`, `d3d12`, `opengles`... */
  readonly backend: string;
  /** A CPU rasterizer (lavapipe, SwiftShader, WARP): its timings are a CPU's, not a GPU's. */
  readonly software: boolean;
  readonly features: readonly string[];
  /** The adapter's limits (maxStorageBufferBindingSize, maxComputeInvocationsPerWorkgroup, ...). */
  readonly limits: Readonly<Record<string, number>>;
  /** Whether device timestamps (`timestamp-query`) are available for timing. */
  readonly timestampQuery: boolean;
  /** A stable key for this adapter, used to store its calibration profile. */
  readonly key: string;
  /** Subgroup sizes the adapter reports (with `subgroups`); absent where it reports none. */
  readonly subgroupMinSize?: number;
  readonly subgroupMaxSize?: number;
}

export type HelperErrorKind =
  | "no-adapter" // no WebGPU adapter: `advice` says which driver to install
  | "compile" // the shader did not compile (messages with lines)
  | "validation" // pipeline, binding or dispatch validation failed
  | "limits" // a size exceeds the device's limits or the memory budget (checked before allocating)
  | "out-of-memory"
  | "timeout" // the request passed its deadline; the helper was killed and will be restarted
  | "crash" // the helper process died during the request
  | "cancelled"
  | "internal";

export interface HelperError {
  readonly kind: HelperErrorKind;
  readonly message: string;
  /** For compile errors: 1-based line and column in the code that was compiled. */
  readonly line?: number;
  readonly column?: number;
  readonly advice?: string;
  /** For timeouts: which part of the request passed its deadline (server/src/gpu/deadline.ts). */
  readonly deadline?: DeadlineInfo;
}

/**
 * Where a request was when it passed its deadline. A run's deadline applies to each dispatch on its own (the
 * preparation before the first, and the read-back after the last, get one each too), so only `dispatch` means one
 * run of the kernel did not end in time.
 */
export interface DeadlineInfo {
  readonly deadlineMs: number;
  readonly phase: "setup" | "dispatch" | "read-back" | "request";
  /** For `dispatch`: which one (1-based, warm-up runs first), of how many, and whether it was a warm-up run. */
  readonly run?: number;
  readonly runs?: number;
  readonly warmup?: boolean;
}

/** Whether the helper answered `adapter()` with why there is none rather than an adapter (an adapter has a `key`). */
export function isHelperError(value: AdapterSummary | HelperError): value is HelperError {
  return !("key" in value);
}

export interface BufferSpec {
  readonly name: string;
  readonly group: number;
  readonly binding: number;
  /** Bytes to allocate (the binding's size for this launch). */
  readonly sizeBytes: number;
  readonly kind: "storage-read" | "storage-read-write" | "uniform";
  /** Initial contents; absent means an output, filled with `poison` before every run. */
  readonly data?: ArrayBuffer;
  /** 32-bit pattern written to outputs before every run (default: a quiet NaN for floats, 0xDEADBEEF otherwise). */
  readonly poison?: number;
  /** Read the buffer back after the last run. */
  readonly readBack: boolean;
}

export interface RunRequest {
  /** WGSL as compiled (preprocessed). */
  readonly code: string;
  readonly entryPoint: string;
  /** Values of WGSL `override`s. */
  readonly constants: Readonly<Record<string, number>>;
  readonly buffers: readonly BufferSpec[];
  readonly dispatch: readonly [number, number, number];
  /** Untimed runs first, then timed ones. Outputs are re-poisoned before every run. */
  readonly warmup: number;
  readonly repeat: number;
  /** Deadline of each dispatch, in milliseconds (see GpuHelper.run). */
  readonly timeoutMs: number;
  /** Number of input copies to rotate through between timed runs, so cache-sized inputs are not flattered (1 = off). */
  readonly rotateInputs?: number;
}

export interface TimingResult {
  /** `timestamp`: GPU timestamps around the dispatch (unquantised); `wall`: submit to onSubmittedWorkDone. */
  readonly method: "timestamp" | "wall";
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export type RunResponse =
  | { readonly ok: true; readonly outputs: Readonly<Record<string, ArrayBuffer>>; readonly timing: TimingResult; readonly adapter: AdapterSummary }
  | { readonly ok: false; readonly error: HelperError };

/** Ceilings measured by calibration microbenchmarks; a `DeviceSpec` of vendor `measured` is built from it. */
export interface CalibrationProfile {
  readonly adapter: AdapterSummary;
  readonly measuredAt: string;
  /** Bytes/s, counting bytes read + written, for a copy kernel with f32 and vec4<f32> elements. */
  readonly copyBandwidthScalar: number;
  readonly copyBandwidthVec4: number;
  /** Bytes/s of `copyBufferToBuffer` (the driver's own copy), for reference. */
  readonly copyBufferToBuffer: number;
  /** FLOP/s of dependent FMA chains (an FMA is 2 FLOPs); f16 is absent without `shader-f16`. */
  readonly fmaF32: number;
  readonly fmaF16?: number;
  /** Bytes/s of workgroup-memory reads + writes of f32 elements (vec4<f32> before December 2026). */
  readonly workgroupBandwidth: number;
  /** Milliseconds of an empty dispatch, submit to completion. */
  readonly dispatchOverheadMs: number;
  /** Nanoseconds one invocation spends per `workgroupBarrier()`, across the whole dispatch (absent in old profiles). */
  readonly barrierNsPerInvocation?: number;
  readonly timing: "timestamp" | "wall";
}

export interface CalibrationProgress {
  readonly step: string;
  readonly done: number;
  readonly total: number;
}

/** A cancellation signal that works in every layer (VS Code tokens and the CLI's Ctrl-C both map onto it). */
export interface Cancellation {
  readonly cancelled: boolean;
  onCancel(listener: () => void): void;
}

/** What the client and the CLI hold: the helper behind a small, replaceable interface. */
export interface GpuHelper {
  /** Starts the helper if needed; the adapter it runs on, or why there is none. */
  adapter(): Promise<AdapterSummary | HelperError>;
  /**
   * Runs a request. Its `timeoutMs` is a deadline for each dispatch (and for the preparation before the first), not
   * for the whole request; `onProgress` hears of each dispatch as it starts (`done` runs of `total` finished).
   */
  run(request: RunRequest, cancel?: Cancellation, onProgress?: (p: CalibrationProgress) => void): Promise<RunResponse>;
  calibrate(onProgress?: (p: CalibrationProgress) => void, cancel?: Cancellation): Promise<CalibrationProfile | HelperError>;
  /** Health for a status item: not started, starting, ready (with the adapter), restarting after a failure. */
  readonly state: "stopped" | "starting" | "ready" | "failed";
  onStateChange(listener: (state: GpuHelper["state"], detail: string) => void): void;
  dispose(): void;
}
