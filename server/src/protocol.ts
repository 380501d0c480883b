// Every custom message between the KernelLens client and language server, declared once with its types.
//
// Shared by client/ and server/ (and documented in docs/protocol.md; test/unit/protocol-doc.test.ts fails when
// the document falls behind this file). Plain types only: no vscode or vscode-languageserver imports, so both
// sides and the tests can use it.
import type { SweepResult } from "./core/sweep/result";

/** LSP-style 0-based position and range, as they cross the wire. */
export interface WirePosition {
  line: number;
  character: number;
}
export interface WireRange {
  start: WirePosition;
  end: WirePosition;
}

/** A storage, uniform or other resource binding of a kernel, as the outline shows it. */
export interface KernelBindingInfo {
  name: string;
  group: number | null;
  binding: number | null;
  /** `storage`, `uniform`, `handle` (textures, samplers) or `workgroup`. */
  addressSpace: string;
  accessMode: string | null;
  type: string;
}

export interface KernelInfo {
  name: string;
  stage: "compute" | "vertex" | "fragment";
  /** Workgroup size as written (expressions may name overrides), and evaluated where it is constant. */
  workgroupSizeText: string | null;
  workgroupSize: [number, number, number] | null;
  range: WireRange;
  bindings: KernelBindingInfo[];
}

export interface DocumentKernelsParams {
  uri: string;
}
export interface DocumentKernelsResult {
  uri: string;
  /** Preprocessor defines of the analysed variant. */
  defines: string[];
  kernels: KernelInfo[];
  /** Count of diagnostics by severity for the document, as last published. */
  diagnostics: { errors: number; warnings: number; infos: number };
}

/**
 * `kernellens/documentKernels` (client -> server request): the entry points of a document with their bindings,
 * for the kernels panel and commands that need to know what a file declares.
 */
export const DocumentKernelsRequest = "kernellens/documentKernels" as const;

/**
 * `kernellens/serverStatus` (server -> client notification): health of the server's parts, shown in the status
 * item. `tint` is false where Dawn could not be loaded (diagnostics then come from the KernelLens parser alone).
 */
export const ServerStatusNotification = "kernellens/serverStatus" as const;
export interface ServerStatusParams {
  state: "ready" | "degraded";
  tint: { available: boolean; detail: string };
  message: string;
}

/**
 * `kernellens/roofline` (client -> server request): the kernels of a document placed on a device's roofline, for the
 * Roofline panel. `deviceId` picks the device (any id or name `kernellens devices` knows); without it, or when it names
 * no device, the device of the `kernellens.device` setting is used. The answer says which device it modelled.
 */
export const RooflineRequest = "kernellens/roofline" as const;
export interface RooflineParams {
  uri: string;
  deviceId?: string;
}
/** A device's roofs: peak shader arithmetic per dtype, and the bandwidth of DRAM and of workgroup memory. */
export interface RooflineCeilings {
  /** `datasheet`: the vendor's published figures; `measured`: calibration microbenchmarks on the local adapter. */
  source: "datasheet" | "measured";
  /** What the chart calls this set of roofs: the device's name, or the calibrated adapter's. */
  label: string;
  /** Peak shader (non-matrix-unit) GFLOP/s, an FMA counted as two; f16 is null where it is not known. */
  computeGflops: { f32: number; f16: number | null };
  /** DRAM bandwidth, GB/s (10^9 bytes per second). */
  dramGBps: number;
  /** Workgroup-memory bandwidth of the whole device (SMs x bytes per clock x clock), GB/s; null where unknown. */
  workgroupGBps: number | null;
}
export interface RooflineDeviceEntry {
  id: string;
  name: string;
  /** `nvidia`, `amd`, `apple`, `intel`, or `measured` for a calibrated profile of the local adapter. */
  vendor: string;
}
export interface RooflineDevice extends RooflineDeviceEntry {
  ceilings: RooflineCeilings;
}
export type RooflineBound = "compute" | "memory" | "workgroup-memory" | "latency" | "unknown";
/** Where the cost model places a kernel on the device's roofline. */
export interface RooflinePrediction {
  /** Arithmetic intensity: FLOPs per byte of modelled DRAM traffic. */
  ai: number;
  /** The rate the model predicts the kernel achieves: FLOPs over the predicted time, GFLOP/s. */
  gflops: number;
  /** Predicted time of one dispatch, milliseconds. */
  ms: number;
  bound: RooflineBound;
  /** The roof above the kernel: min(peak, AI x DRAM bandwidth) for its main dtype, GFLOP/s. */
  attainableGflops: number;
}
/** A run's result on the roofline: the model's FLOP and DRAM-byte counts over the measured median time. */
export interface RooflineMeasuredPoint {
  ai: number;
  gflops: number;
  /** Median time of the timed runs, milliseconds. */
  ms: number;
}
export interface RooflineKernel {
  name: string;
  /** The entry point's name in the document. */
  range: WireRange;
  /** Null when the model has no estimate (no launch, unknown sizes); `reason` then says why. */
  predicted: RooflinePrediction | null;
  /** FLOPs per byte of workgroup-memory traffic; null when the kernel uses no workgroup memory. */
  workgroupAi: number | null;
  reason: string | null;
  /** Set when the point rests on assumed sizes: which (`assumed N = 1,048,576`). */
  assumed?: string | null;
}
/** The language of a charted document: the chart words its labels as the language does (CUDA: shared memory). */
export type RooflineLanguage = "wgsl" | "cuda" | "triton";
export interface RooflineResult {
  uri: string;
  /** Absent where the server does not have the document (no kernels then), and in data older than the field: WGSL. */
  language?: RooflineLanguage;
  /** The device the kernels were modelled on, with its roofs. */
  device: RooflineDevice;
  /** Every device that can be picked, measured profiles first. */
  devices: RooflineDeviceEntry[];
  /** Compute entry points (CUDA: analysed `__global__` kernels) in source order. */
  kernels: RooflineKernel[];
}

/**
 * `kernellens/tritonDesignSpace` (client -> server request): a Triton kernel's configurations as a design space swept by
 * prediction (the sweep result format, `search.method` `predict-only`, nothing run), for the Design-space panel.
 * `function` picks the kernel function; without it every kernel function of the document is answered.
 */
export const TritonDesignSpaceRequest = "kernellens/tritonDesignSpace" as const;
export interface TritonDesignSpaceParams {
  uri: string;
  function?: string;
}
export interface TritonDesignSpaceResult {
  uri: string;
  /** One per kernel function, in the file's order; empty for a document that is not Triton or has no kernel. */
  designs: { function: string; result: SweepResult }[];
}

/** Every method name above, so the protocol document test can check each is documented. */
export const allMethods = [DocumentKernelsRequest, ServerStatusNotification, RooflineRequest, TritonDesignSpaceRequest] as const;

/**
 * The arguments of a Triton kernel's best-of lens (its picker, kernellens.pickTritonConfig): one configuration of a
 * kernel function with its model's headline numbers, as the picker and the hover show it.
 */
export interface TritonConfigRow {
  /** The analysed kernel's name (the key of the file's models). */
  readonly name: string;
  readonly configText: string;
  readonly source: "launch" | "autotune" | "directive" | "default";
  /** Where the configuration is written (the `triton.Config`, launch or directive), 0-based line; null for defaults. */
  readonly line: number | null;
  readonly predictedMs: number | null;
  /** False where the configuration cannot launch on the device (occupancy 0: too much shared memory or registers). */
  readonly fits: boolean;
  readonly bound: string;
  /** `50% (estimated)`, or `?`. */
  readonly occupancy: string;
  readonly sharedMemory: string;
  readonly registers: string;
  readonly flops: string;
  readonly dramBytes: string;
  /** The launch sizes the numbers rest on that were assumed, in a few words (empty when none). */
  readonly assumed: string;
}
