// Converts a kernel's cost model to the `kernels` entries of `kernellens analyze --json` (the design note's contract).
import { totalFlops } from "../core/model/flops";
import type { KernelAnalysis } from "../core/model/analyzeKernel";
import { perUnit } from "../core/model/perUnit";
import type { PerUnit, Range } from "../core/model/types";
import type { Span } from "../core/span";
import type { WireRange } from "../protocol";
import { estimatedResources, type ResourcesJson } from "./resourcesJson";

export interface KernelJson {
  name: string;
  range: WireRange;
  workgroupSize: [number, number, number] | null;
  dispatch: [number, number, number] | null;
  invocations: number | null;
  /** All floating-point operations (an FMA counts two); `flopsByType` splits them. */
  flops: number | null;
  intOps: number | null;
  specialOps: number | null;
  /**
   * `read`/`written`: modelled DRAM traffic. `compulsory`: bytes read once plus bytes written once; an in-place buffer
   * counts both. Where a footprint is a range (a gather on loaded indices), these are the estimate (the upper bound),
   * `ranges` has `bytes.compulsory`, `bytes.read` and `bytes.written`, and `unknowns` says why.
   */
  bytes: { read: number | null; written: number | null; compulsory: number | null; l2Read: number | null; l2Written: number | null };
  workgroupMemoryBytes: number | null;
  arithmeticIntensity: number | null;
  occupancy: { value: number; limitedBy: string; estimated: boolean; registersPerInvocation: number } | null;
  roofline: { bound: string; predictedMs: number | null; attainableGflops: number | null; ridge: number };
  /** Quantized bindings: format, bits per element (with scales), group size and the evidence, with its lines. */
  quantization: { binding: string; format: string; bitsPerElement: number; groupSize: number | null; inferredFrom: { reason: string; range: WireRange }[] }[];
  flopsByType: { f32: number; f16: number } | null;
  /** One invocation's and one workgroup's FLOPs, global bytes (loaded + stored) and special ops, averaged over the dispatch. */
  perInvocation: PerUnit | null;
  perWorkgroup: PerUnit | null;
  /** Where a count is a range (a branch on data, a loop without a known bound): its bounds; null max = unbounded. */
  ranges: Record<string, { min: number; max: number | null }>;
  /** What the model could not know, and why. */
  unknowns: { what: string; reason: string }[];
  /** Launch values no directive gave: inferred from the code (`code`) or assumed (`assumed`), and the directive that states each. */
  assumptions: { name: string; value: number | number[]; source: "code" | "assumed"; reason: string; directive: string }[];
  /** The fields above whose values rest on an assumed value (empty when nothing is assumed). */
  assumedFields: string[];
  /** Registers, shared memory, stack, spills and barriers per block or workgroup; `exact` says whether a compiler gave them. */
  resources: ResourcesJson;
  /**
   * CUDA kernels compiled with nvcc: SASS instructions in all and per source line, read from the cubin's line table
   * (exact; inlined header code counted on the line that calls it); `null` without nvcc, and for WGSL.
   */
  sass: SassJson | null;
  /**
   * Triton kernels only, as the CLI contract has it: the configuration this entry models (one entry per kernel function
   * and configuration), `{...constexprs, num_warps, num_stages}`: each constexpr's value by its name, beside num_warps
   * and num_stages. `configSource` says where it came from (`launch`, `autotune`, `directive`, `default`); `function`
   * is the kernel function's name (`name` adds the configuration where it has several).
   */
  config?: TritonConfigJson;
  configSource?: "launch" | "autotune" | "directive" | "default";
  function?: string;
}

/** A Triton configuration: the constexprs by name, num_warps and num_stages, in one flat object. */
export type TritonConfigJson = Record<string, number | boolean | string> & { num_warps: number; num_stages: number };

export interface SassJson {
  /** The architecture compiled for (`sm_80`). */
  arch: string;
  instructions: number;
  /** Lines of the file (1-based) with their instructions, ascending; lines without instructions are left out. */
  lines: { line: number; instructions: number }[];
  /** Instructions the line table puts on no line of this file. */
  unattributed: number;
  exact: true;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Which results rest on an assumed value: everything counted over the dispatch when a size or the dispatch is
 * assumed; occupancy and workgroup memory too when the workgroup size is (an override without a value).
 */
function assumedFieldsOf(m: KernelAnalysis["model"]): string[] {
  const assumed = m.assumptions.filter((a) => a.source === "assumed");
  if (assumed.length === 0) return [];
  const fields = ["dispatch", "invocations", "flops", "intOps", "specialOps", "bytes", "arithmeticIntensity", "roofline", "flopsByType"];
  const workgroupSized = assumed.some((a) => a.sizesWorkgroup);
  return workgroupSized ? ["workgroupSize", ...fields, "workgroupMemoryBytes", "occupancy"] : fields;
}

/**
 * One kernel's entry, for any language. `analysedToOriginal` maps the model's spans to the original text (WGSL's are
 * in the preprocessed text); `dynamicSharedBytes` is the launch's dynamic shared memory (none in WGSL; null: unknown).
 */
export function toKernelJson(
  kernel: { readonly name: string; readonly nameSpan: Span },
  analysis: KernelAnalysis | undefined,
  rangeOf: (span: { start: number; end: number }) => WireRange,
  analysedToOriginal: (span: { start: number; end: number }) => { start: number; end: number } = (s) => s,
  dynamicSharedBytes: number | null = 0,
): KernelJson {
  const range = rangeOf(kernel.nameSpan);
  if (!analysis) {
    return {
      name: kernel.name, range, workgroupSize: null, dispatch: null, invocations: null, flops: null, intOps: null, specialOps: null,
      bytes: { read: null, written: null, compulsory: null, l2Read: null, l2Written: null }, workgroupMemoryBytes: null, arithmeticIntensity: null, occupancy: null,
      roofline: { bound: "unknown", predictedMs: null, attainableGflops: null, ridge: 0 }, quantization: [], flopsByType: null, perInvocation: null, perWorkgroup: null, ranges: {},
      unknowns: [{ what: "the model", reason: "not run for this entry point" }],
      assumptions: [],
      assumedFields: [],
      resources: estimatedResources(undefined, dynamicSharedBytes),
      sass: null,
    };
  }
  const m = analysis.model;
  const known = m.invocations !== null;
  const ranges: Record<string, { min: number; max: number | null }> = {};
  const val = (name: string, r: Range): number | null => {
    if (!known) return null;
    if (r.min !== r.value || r.max !== r.value) ranges[name] = { min: r.min, max: finite(r.max) };
    return r.value;
  };
  const flops = known ? val("flops", totalFlops(m.ops)) : null;
  const per = perUnit(m);
  const compulsory = m.traffic.compulsoryRead !== null && m.traffic.compulsoryWritten !== null ? m.traffic.compulsoryRead + m.traffic.compulsoryWritten : null;
  // A ranged footprint goes in `ranges` like a ranged count: the figures in `bytes` are then estimates.
  const tr = m.traffic.ranges;
  const byteRange = (name: string, min: number, max: number): void => {
    if (min !== max) ranges[name] = { min, max: finite(max) };
  };
  if (tr && compulsory !== null) {
    byteRange("bytes.compulsory", tr.compulsoryRead.min + tr.compulsoryWritten.min, tr.compulsoryRead.max + tr.compulsoryWritten.max);
    if (m.traffic.dramRead !== null) byteRange("bytes.read", tr.dramRead.min, tr.dramRead.max);
    if (m.traffic.dramWritten !== null) byteRange("bytes.written", tr.dramWritten.min, tr.dramWritten.max);
  }
  return {
    name: kernel.name,
    range,
    workgroupSize: m.workgroupSize ? [m.workgroupSize[0], m.workgroupSize[1], m.workgroupSize[2]] : null,
    dispatch: m.dispatch ? [m.dispatch[0], m.dispatch[1], m.dispatch[2]] : null,
    invocations: m.invocations,
    flops,
    intOps: val("intOps", m.ops.intOps),
    specialOps: val("specialOps", m.ops.specialOps),
    bytes: { read: m.traffic.dramRead, written: m.traffic.dramWritten, compulsory, l2Read: m.traffic.l2Read, l2Written: m.traffic.l2Written },
    workgroupMemoryBytes: m.workgroupMemoryBytes,
    arithmeticIntensity: m.roofline.arithmeticIntensity,
    occupancy: m.occupancy ? { value: m.occupancy.value, limitedBy: m.occupancy.limitedBy, estimated: m.occupancy.estimated, registersPerInvocation: m.occupancy.registersPerInvocation } : null,
    roofline: { bound: m.roofline.bound, predictedMs: m.roofline.predictedMs, attainableGflops: m.roofline.attainableGflops, ridge: m.roofline.ridge },
    quantization: (analysis.quantization ?? []).map((q) => ({
      binding: q.binding,
      format: q.format,
      bitsPerElement: q.bitsPerElement,
      groupSize: q.groupSize,
      inferredFrom: q.inferredFrom.map((e) => ({ reason: e.reason, range: rangeOf(analysedToOriginal(e.span)) })),
    })),
    flopsByType: known ? { f32: m.ops.flopsF32.value, f16: m.ops.flopsF16.value } : null,
    perInvocation: per?.invocation ?? null,
    perWorkgroup: per?.workgroup ?? null,
    ranges,
    unknowns: m.unknowns.map((u) => ({ what: u.what, reason: u.reason })),
    assumptions: m.assumptions.map((a) => ({ name: a.name, value: typeof a.value === "number" ? a.value : [...a.value], source: a.source, reason: a.reason, directive: a.directive })),
    assumedFields: assumedFieldsOf(m),
    resources: estimatedResources(m, dynamicSharedBytes),
    sass: null,
  };
}
