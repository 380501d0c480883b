// The static cost model for one kernel on one device: counts, accesses, traffic, occupancy, roofline, findings.
//
// It reads only the kernel IR and a resolved launch (../kernel): any front-end that lowers to the IR gets the
// same model. Spans in the result are in the text the front-end analysed; the front-end maps them to the user's.
import type { CoreDiagnostic } from "../diagnostic";
import type { DeviceSpec } from "../devices/device";
import { computeOccupancy } from "../devices/occupancy";
import type { Assumption } from "../kernel/inferLaunch";
import type { KernelIR } from "../kernel/ir";
import type { ResolvedLaunch } from "../kernel/launch";
import { launchConstant } from "../kernel/launch";
import type { QuantBinding } from "../quant/binding";
import { varsOf } from "../kernel/vexpr";
import type { BudgetOptions } from "./budget";
import { findings, type Finding } from "./findings";
import { evaluateKernel, type WalkResult } from "./evaluate";
import { estimateRegisters } from "./registers";
import { kernelParallelism, roofline } from "./roofline";
import { applyL1Reuse, l1Wavefronts } from "./l1Reuse";
import { analyzeAccess, computeTraffic, shareSectors } from "./traffic";
import type { KernelModel, OpCounts, Range, Unknown } from "./types";

export interface KernelAnalysis {
  /** The model; its spans (accesses, loops, unknowns) are in the analysed (preprocessed) text. */
  readonly model: KernelModel;
  /** Findings as diagnostics on the original text (mapped by the front-end). */
  readonly diagnostics: readonly CoreDiagnostic[];
  /** Quantized bindings recognised in the kernel (filled by the source analysis). */
  readonly quantization?: readonly QuantBinding[];
}

/** The model and its findings, all located in the analysed text. */
export interface ModelResult {
  readonly model: KernelModel;
  readonly findings: readonly Finding[];
}

const zero: Range = { value: 0, min: 0, max: 0 };

function range(a: { value: number; min: number; max: number }): Range {
  return { value: a.value, min: a.min, max: a.max };
}

/** Bytes of workgroup memory the kernel declares, with override-sized arrays evaluated for this launch. */
function workgroupMemory(ir: KernelIR, overrides: ReadonlyMap<string, number>): number | null {
  let total = 0;
  for (const b of ir.bindings) {
    if (b.space !== "workgroup") continue;
    const size = b.bytes ? launchConstant(ir, b.bytes, overrides) : undefined;
    if (size === undefined) return null;
    total += size;
  }
  return total;
}

/**
 * A compiler's report of a kernel's resources (ptxas `-v`): registers per thread and static shared memory (occupancy
 * uses them and is marked exact instead of estimated), spills and the stack frame (spill traffic is charged as local
 * memory), named barriers (they bound occupancy from compute capability 9.0 on).
 */
export interface ExactResources {
  readonly registers: number | null;
  readonly staticSharedBytes: number | null;
  /** Bytes of spill stores and spill loads per thread, as the compiled code has them. */
  readonly spillStoreBytes?: number | null;
  readonly spillLoadBytes?: number | null;
  /** The stack frame per thread (local arrays and spills). */
  readonly stackBytes?: number | null;
  /** Named barriers the kernel uses (`used N barriers`). */
  readonly barriers?: number | null;
  /** Which compiler said so, for the occupancy detail ("ptxas"). */
  readonly source: string;
}

/** Evaluates a kernel under a resolved launch (resolved for this device's subgroup width) on one device. */
export function modelKernel(ir: KernelIR, launch: ResolvedLaunch, device: DeviceSpec, budget: BudgetOptions = {}, exact?: ExactResources): ModelResult {
  const unknowns: Unknown[] = [...launch.unknowns];
  const emptyOps: OpCounts = { flopsF32: zero, flopsF16: zero, flopsBF16: zero, tensorFlops: zero, subgroupOps: zero, intOps: zero, specialOps: zero, barriers: zero, globalLoadBytes: zero, globalStoreBytes: zero, workgroupLoadBytes: zero, workgroupStoreBytes: zero, uniformLoadBytes: zero };
  const declared = workgroupMemory(ir, launch.overrides);
  // The compiler's static shared memory replaces the declared static part; memory sized at launch stays as declared.
  const dynamicBytes = ir.launch.dynamicSharedBytes ? launchConstant(ir, ir.launch.dynamicSharedBytes, launch.overrides) ?? 0 : 0;
  const wgBytes = exact && exact.staticSharedBytes !== null && declared !== null ? exact.staticSharedBytes + Math.min(dynamicBytes, declared) : declared;
  // Occupancy needs only the workgroup size, the registers and the workgroup memory: known without a dispatch.
  const exactRegisters = exact?.registers ?? null;
  const registers = exactRegisters ?? estimateRegisters(ir);
  const occupancyOf = (ws: readonly [number, number, number]) => {
    const occ = computeOccupancy(device, { threadsPerBlock: ws[0] * ws[1] * ws[2], registersPerThread: registers, sharedMemoryPerBlockBytes: wgBytes ?? 0, ...(typeof exact?.barriers === "number" ? { barriersPerBlock: exact.barriers } : {}) });
    const detail = exactRegisters !== null ? `${occ.detail} (registers and static shared memory from ${exact!.source})` : occ.detail;
    return { occ, info: { value: occ.occupancy, limitedBy: occ.limitedBy, estimated: exactRegisters === null, registersPerInvocation: registers, activeWorkgroupsPerSm: occ.activeBlocksPerSm, detail } };
  };

  if (!launch.input) {
    return {
      model: {
        entry: ir.name,
        deviceId: device.id,
        workgroupSize: launch.workgroupSize,
        dispatch: launch.dispatch,
        invocations: null,
        ops: emptyOps,
        accesses: [],
        loops: [],
        traffic: { compulsoryRead: null, compulsoryWritten: null, l2Read: null, l2Written: null, dramRead: null, dramWritten: null, cacheNote: "no launch configuration" },
        workgroupMemoryBytes: wgBytes,
        occupancy: launch.workgroupSize ? occupancyOf(launch.workgroupSize).info : null,
        roofline: { bound: "unknown", predictedMs: null, attainableGflops: null, arithmeticIntensity: null, ridge: device.peakFlops.f32 / device.dramBandwidthBytesPerSec, components: { computeMs: 0, dramMs: null, l2Ms: 0, workgroupMs: 0, launchMs: device.launchOverheadUs / 1e3 }, efficiency: { memory: 1, compute: 1, waves: 0, waveUtilization: 1 }, workgroupIntensity: null },
        unknowns,
        assumptions: launch.assumptions,
      },
      findings: [],
    };
  }

  const walk: WalkResult = evaluateKernel(ir, launch.input, budget);
  for (const n of walk.notes) unknowns.push({ what: n.what, reason: n.reason, span: n.span });
  const ws = launch.input.workgroupSize;
  const d = launch.input.dispatch;
  const workgroups = d[0] * d[1] * d[2];
  const invocations = workgroups * ws[0] * ws[1] * ws[2];

  const analyses = walk.accesses.map((a) => analyzeAccess(a, walk, ws, device, { mergesUnrolledSharedLoads: ir.mergesUnrolledSharedLoads }));
  const beforeSharing = analyses.map((a) => a.l2Bytes);
  shareSectors(walk, analyses, ws, device);
  const grouped = new Set(analyses.flatMap((a, i) => (a.l2Bytes < beforeSharing[i] ? [i] : [])));
  // A texture read or written whose texel format nobody states: its bytes rest on an assumed format.
  for (const b of ir.bindings) {
    if (!b.texture?.texelBytesAssumed || !walk.accesses.some((a) => a.binding === b.name)) continue;
    unknowns.push({ what: `texel size of '${b.name}'`, reason: `assumed ${b.texture.texelBytes} bytes (rgba8unorm): state the format with // @texture ${b.name}[WIDTH, HEIGHT] FORMAT`, span: b.span });
  }
  // The workgroups resident at one time share what they read through L2 (a wave of a tiled matmul).
  const residentPerSm = occupancyOf(ws).occ.activeBlocksPerSm;
  const residentWorkgroups = residentPerSm * device.smCount;
  // The L1 serves what a block's warps share and what a warp reads again on its next steps (l1Reuse.ts).
  applyL1Reuse(walk, analyses, ws, device, { residentWorkgroupsPerSm: residentPerSm, sharedBytesPerSm: (wgBytes ?? 0) * residentPerSm }, grouped);
  // A footprint the code cannot bound is bounded by its buffer; where no directive sizes that buffer and inference
  // was asked for, the buffer is assumed the problem's size, and says so.
  const problemSize = launch.problemSize;
  const assumeBufferBytes = problemSize === undefined ? undefined : (name: string): number | undefined => {
    const b = ir.bindings.find((x) => x.name === name)?.runtimeArray;
    return b ? b.headerBytes + problemSize * b.strideBytes : undefined;
  };
  const { traffic, unknowns: trafficUnknowns, assumedBuffers: unboundedSized } = computeTraffic(walk, analyses, device, { bufferBytes: launch.bufferBytes, residentWorkgroups, assumeBufferBytes });
  const assumptions: Assumption[] = [
    ...launch.assumptions,
    ...unboundedSized.map((b) => ({
      name: `buffer ${b.binding}`,
      value: problemSize!,
      source: "assumed" as const,
      reason: `its footprint cannot be bounded from the code (${b.why}), so it is bounded by the buffer, assumed the problem size`,
      directive: `// @buffer ${b.binding}[${problemSize}]`,
    })),
  ];
  unknowns.push(...trafficUnknowns);

  const { occ, info: occupancy } = occupancyOf(ws);

  const t = walk.totals;
  // Spilled registers live in local memory like a run-time indexed array: each spill store and load is charged once
  // per thread through the L1 (the compiler's static count; a spill inside a loop repeats, so this is a lower bound).
  const spillStore = exact?.spillStoreBytes ?? 0;
  const spillLoad = exact?.spillLoadBytes ?? 0;
  const spillBytes = (spillStore + spillLoad) * invocations;
  // Bank conflicts replay workgroup-memory accesses: weight each access's bytes by its conflict degree, on devices
  // whose banks are known.
  const replays = device.sharedMemoryBankConflicts !== false;
  let wgTraffic = 0;
  for (const a of analyses) {
    if (a.addressSpace !== "workgroup") continue;
    wgTraffic += a.count.value * a.bytesPerAccess * (replays ? (a.bankConflictDegree ?? 1) : 1);
  }
  const dram = traffic.dramRead !== null && traffic.dramWritten !== null ? traffic.dramRead + traffic.dramWritten : null;
  const parallelism = kernelParallelism(walk, analyses, device);
  const roof = roofline(device, {
    flopsF32: t.flopsF32.value,
    flopsF16: t.flopsF16.value + t.flopsBF16.value,
    tensorFlops: t.tensorFlops.value,
    ...(ir.tensorRate !== undefined ? { tensorRate: ir.tensorRate } : {}),
    intOps: t.intOps.value,
    addressIntOps: parallelism.addressIntOps,
    memoryInstructions: parallelism.memoryInstructions,
    l1Wavefronts: l1Wavefronts(analyses, device),
    scheduledWorkgroupLoads: parallelism.scheduledWorkgroupLoads,
    specialOps: t.specialOps.value,
    dramBytes: dram,
    l2Bytes: (traffic.l2Read ?? 0) + (traffic.l2Written ?? 0),
    workgroupBytes: wgTraffic,
    localBytes: t.localBytes.value + spillBytes,
    activeWarpsPerSm: occ.activeWarpsPerSm,
    activeWorkgroupsPerSm: occ.activeBlocksPerSm,
    workgroups,
    warpsPerWorkgroup: Math.ceil((ws[0] * ws[1] * ws[2]) / device.warpSize),
    bytesInFlightPerWarp: parallelism.bytesInFlightPerWarp,
    barriers: t.barriers.value,
  });

  const loops = walk.loops.map((l) => {
    const trip = l.entries > 0 && l.tripKnown ? l.iterations / l.entries : null;
    // Lanes that do the work, never more than run the loop (a sampled count can overshoot).
    const active = Math.min(l.activeIterations, l.iterations);
    return {
      span: l.span,
      headerEnd: l.headerEnd,
      tripCount: trip === null ? null : { value: trip, min: trip, max: trip },
      tripCountText: l.tripText,
      perIteration: {
        flops: l.iterations > 0 ? l.flops / l.iterations : 0,
        globalBytes: l.iterations > 0 ? l.globalBytes / l.iterations : 0,
        workgroupBytes: l.iterations > 0 ? l.workgroupBytes / l.iterations : 0,
      },
      perActiveLane: {
        flops: active > 0 ? l.flops / active : 0,
        globalBytes: active > 0 ? l.globalBytes / active : 0,
        workgroupBytes: active > 0 ? l.workgroupBytes / active : 0,
      },
      lanes: l.entries,
      activeFraction: l.iterations > 0 ? active / l.iterations : 1,
    };
  });

  const model: KernelModel = {
    entry: ir.name,
    deviceId: device.id,
    workgroupSize: ws,
    dispatch: d,
    invocations,
    ops: {
      flopsF32: range(t.flopsF32),
      flopsF16: range(t.flopsF16),
      flopsBF16: range(t.flopsBF16),
      tensorFlops: range(t.tensorFlops),
      subgroupOps: range(t.subgroupOps),
      intOps: range(t.intOps),
      specialOps: range(t.specialOps),
      barriers: range(t.barriers),
      globalLoadBytes: range(t.globalLoadBytes),
      globalStoreBytes: range(t.globalStoreBytes),
      workgroupLoadBytes: range(t.workgroupLoadBytes),
      workgroupStoreBytes: range(t.workgroupStoreBytes),
      uniformLoadBytes: range(t.uniformLoadBytes),
    },
    accesses: analyses,
    loops,
    traffic,
    workgroupMemoryBytes: wgBytes,
    occupancy,
    roofline: roof,
    unknowns,
    assumptions,
    ...(walk.localMemoryArrays.length > 0 ? { localMemory: { arrays: walk.localMemoryArrays, bytes: t.localBytes.value } } : {}),
    ...(spillStore + spillLoad > 0 ? { spills: { storeBytesPerThread: spillStore, loadBytesPerThread: spillLoad, stackBytesPerThread: exact?.stackBytes ?? null, bytes: spillBytes, source: exact!.source } } : {}),
  };

  // Streaming passes: outermost loops and the storage bindings they read by a loop-dependent index.
  const outerLoads = walk.accesses.filter((a) => a.space === "storage" && a.kind === "load" && a.ctx.loops.length > 0);
  const passes = walk.loops
    .filter((l) => l.depth === 0 && l.varName)
    .map((l) => ({
      span: l.span,
      bindings: outerLoads.filter((a) => a.ctx.loops[0].name === l.varName && varsOf(a.addr).has(l.varName!)).map((a) => a.binding),
    }));
  // Limits are checked against what the file states: a size or a dispatch the model assumed is not the author's.
  const assumedBuffers = new Set(launch.assumptions.flatMap((a) => (a.source !== "assumed" ? [] : /^arrayLength\(&(.+)\)$/.exec(a.name)?.[1] ?? [])));
  const buffers = ir.bindings.flatMap((b) => {
    const bytes = launch.bufferBytes.get(b.name);
    return bytes !== undefined && !assumedBuffers.has(b.name) && (b.space === "global" || b.space === "uniform") ? [{ name: b.name, bytes, space: b.space, span: b.span }] : [];
  });
  const dispatchAssumed = launch.assumptions.some((a) => a.name === "dispatch" && a.source === "assumed");
  return { model, findings: findings({ model, device, entrySpan: ir.nameSpan, passes, buffers, dispatchAssumed }) };
}
