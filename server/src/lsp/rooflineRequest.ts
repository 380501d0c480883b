// Answers `kernellens/roofline`: a document's compute kernels placed on a device's roofline, with that device's roofs.
//
// Pure: it reads an analysis the server already holds (of either language, through ModelledSource) and, for another
// device than the analysed one, has the core model it again, so the unit tests run it without a server or an editor. The client imports
// the two converters at the end (a run outcome and a calibration profile into roofline terms); they sit here, next to
// the roofs computed from datasheets, so both sets of roofs follow one definition.
import { quantWhatIf } from "../core/quant/whatIf";
import { assumedLensText } from "../core/model/assumptionsText";
import { totalFlops } from "../core/model/flops";
import { DEFAULT_DEVICE_ID, findDevice, listDevices } from "../core/devices/database";
import type { DeviceSpec } from "../core/devices/device";
import type { KernelAnalysis } from "../core/model/analyzeKernel";
import type { KernelModel } from "../core/model/types";
import type { Span } from "../core/span";
import { LineIndex } from "../core/wgsl/lineIndex";
import type { CalibrationProfile } from "../gpu/types";
import type {
  RooflineCeilings,
  RooflineDevice,
  RooflineKernel,
  RooflineMeasuredPoint,
  RooflineParams,
  RooflinePrediction,
  RooflineResult,
  WireRange,
} from "../protocol";
import type { RunOutcome } from "../run/api";
import { type FileAnalysis, parsedCleanly } from "../analysisService";
import { type ModelledSource, modelledSource } from "./modelledSource";

/** The roofs of a device from its datasheet figures (or from a measured profile's, for a `measured` device). */
export function ceilingsOf(device: DeviceSpec): RooflineCeilings {
  const workgroupBytesPerSec = device.smCount * device.sharedMemoryBytesPerClockPerSm * device.boostClockMhz * 1e6;
  return {
    source: device.vendor === "measured" ? "measured" : "datasheet",
    label: device.name,
    computeGflops: { f32: device.peakFlops.f32 / 1e9, f16: device.peakFlops.f16 > 0 ? device.peakFlops.f16 / 1e9 : null },
    dramGBps: device.dramBandwidthBytesPerSec / 1e9,
    workgroupGBps: workgroupBytesPerSec > 0 ? workgroupBytesPerSec / 1e9 : null,
  };
}

/**
 * The roofs calibration measured on the local adapter: FMA chains for arithmetic, the f32 copy kernel for DRAM,
 * workgroup-memory reads and writes. `label` names the adapter. DRAM is the scalar copy's rate because that is the
 * bandwidth the measured device of the cost model uses (server/src/run/profiles.ts): the dashed roof and the roof of
 * that device, picked in the panel, are then one line, not two a few percent apart.
 */
export function ceilingsFromCalibration(profile: CalibrationProfile, label: string): RooflineCeilings {
  return {
    source: "measured",
    label,
    computeGflops: { f32: profile.fmaF32 / 1e9, f16: profile.fmaF16 !== undefined && profile.fmaF16 > 0 ? profile.fmaF16 / 1e9 : null },
    dramGBps: profile.copyBandwidthScalar / 1e9,
    workgroupGBps: profile.workgroupBandwidth > 0 ? profile.workgroupBandwidth / 1e9 : null,
  };
}

/**
 * A run's point on the roofline, or null when the run has no timing or no rates (it failed before timing, or the
 * model had no FLOP or byte count). The intensity is the achieved FLOP rate over the achieved DRAM rate: both are the
 * model's counts over the same median, so their ratio is the model's FLOPs per DRAM byte for the variant that ran.
 */
export function measuredPointFromRun(outcome: Pick<RunOutcome, "timing" | "achieved">): RooflineMeasuredPoint | null {
  const gflops = outcome.achieved?.gflops ?? null;
  const gbps = outcome.achieved?.gbps ?? null;
  const ms = outcome.timing?.medianMs;
  if (gflops === null || gbps === null || ms === undefined) return null;
  if (!(gflops > 0) || !(gbps > 0) || !(ms > 0) || !Number.isFinite(gflops / gbps)) return null;
  return { ai: gflops / gbps, gflops, ms };
}

/** The model's point for one kernel, or why there is none (a log-log chart cannot show zero or unknown values). */
export function predictionOf(model: KernelModel): { predicted: RooflinePrediction | null; reason: string | null } {
  const r = model.roofline;
  if (model.invocations === null || r.predictedMs === null) {
    const why = model.unknowns[0];
    return { predicted: null, reason: why ? `${why.what} ${why.reason}` : "the launch is unknown (add a // @dispatch line)" };
  }
  const flops = totalFlops(model.ops).value;
  if (!(flops > 0)) return { predicted: null, reason: "no floating-point work, so no place on a FLOP roofline" };
  if (r.arithmeticIntensity === null || r.attainableGflops === null || !(r.arithmeticIntensity > 0)) {
    return { predicted: null, reason: "no modelled DRAM traffic, so no arithmetic intensity" };
  }
  if (!(r.predictedMs > 0)) return { predicted: null, reason: "the predicted time is zero" };
  return {
    predicted: {
      ai: r.arithmeticIntensity,
      // FLOPs over milliseconds is kFLOP/s; / 1e6 makes it GFLOP/s.
      gflops: flops / r.predictedMs / 1e6,
      ms: r.predictedMs,
      bound: r.bound,
      attainableGflops: r.attainableGflops,
    },
    reason: null,
  };
}

function rangeIn(index: LineIndex, span: Span): WireRange {
  return { start: index.positionAt(span.start), end: index.positionAt(span.end) };
}

/** The models of every modelled kernel on `device`: the analysis's own when it was made for that device, else new ones. */
export function modelsOn(source: ModelledSource, device: DeviceSpec): ReadonlyMap<string, KernelAnalysis> {
  return source.device?.id === device.id ? source.models : source.remodel(device);
}

/** Zero (a kernel that moves workgroup memory but does no arithmetic) has no place on a log scale either. */
function positiveOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && value > 0 && Number.isFinite(value) ? value : null;
}

/** Picks the device: the one asked for, else the one the document was analysed for, else the default. */
export function rooflineDevice(deviceId: string | undefined, source: Pick<ModelledSource, "device"> | undefined, measured: readonly DeviceSpec[] = []): DeviceSpec {
  const asked = deviceId !== undefined && deviceId.trim() !== "" ? findDevice(deviceId, measured) : undefined;
  return asked ?? source?.device ?? findDevice(DEFAULT_DEVICE_ID, measured)!;
}

export function deviceInfo(device: DeviceSpec): RooflineDevice {
  return { id: device.id, name: device.name, vendor: device.vendor, ceilings: ceilingsOf(device) };
}

/**
 * The answer for one document. `source` is undefined for a document the server does not have open: the answer then
 * has the device and the device list but no kernels, so the panel can still show the roofs. `modelOff` says why a
 * document gets no cost model at all (it is too large): its kernels are listed with that reason and no point.
 */
export function rooflineResult(params: RooflineParams, source: ModelledSource | undefined, measured: readonly DeviceSpec[] = [], modelOff?: string): RooflineResult {
  const device = rooflineDevice(params.deviceId, source, measured);
  const devices = listDevices(measured).map((d) => ({ id: d.id, name: d.name, vendor: d.vendor }));
  if (!source) return { uri: params.uri, device: deviceInfo(device), devices, kernels: [] };
  const models: ReadonlyMap<string, KernelAnalysis> = modelOff !== undefined ? new Map() : modelsOn(source, device);
  const lines = new LineIndex(source.text);
  const kernels: RooflineKernel[] = [];
  for (const k of source.kernels) {
    const analysis = models.get(k.name);
    const { predicted, reason } = analysis ? predictionOf(analysis.model) : { predicted: null, reason: modelOff ?? "the cost model has no result for this kernel" };
    kernels.push({
      name: k.name,
      range: rangeIn(lines, k.nameSpan),
      predicted,
      workgroupAi: positiveOrNull(analysis?.model.roofline.workgroupIntensity),
      reason,
      // A point placed with assumed sizes says so in its tooltip.
      assumed: analysis ? assumedLensText(analysis.model.assumptions) || null : null,
    });
    // A quantized, memory-bound kernel also appears with its weights in other formats: same FLOPs, fewer bytes.
    const whatIf = analysis && predicted ? quantWhatIf(analysis.model, analysis.quantization ?? [], device) : null;
    const flops = analysis ? totalFlops(analysis.model.ops).value : 0;
    for (const row of whatIf?.rows ?? []) {
      if (row.current || !(row.dramBytes > 0) || !(row.predictedMs > 0)) continue;
      const ai = flops / row.dramBytes;
      kernels.push({
        name: `${k.name} · weights as ${row.format} (what-if)`,
        range: rangeIn(lines, k.nameSpan),
        predicted: {
          ai,
          gflops: flops / row.predictedMs / 1e6,
          ms: row.predictedMs,
          bound: "memory",
          attainableGflops: Math.min(device.peakFlops.f32, ai * device.dramBandwidthBytesPerSec) / 1e9,
        },
        workgroupAi: null,
        reason: null,
      });
    }
  }
  // The language lets the page word its labels as the file does (CUDA: shared memory, shared-memory-bound).
  return { uri: params.uri, language: source.language, device: deviceInfo(device), devices, kernels };
}

/**
 * The analysis to chart for a document the server tracks: the current one, unless its parse has errors (the author
 * is mid-edit and kernels may have vanished), then the last one that parsed. Its ranges are in its own text, which
 * differs from the current text only by the edit in progress.
 */
export function chartedAnalysis(state: { analysis: FileAnalysis; lastGood: FileAnalysis | undefined } | undefined): FileAnalysis | undefined {
  if (!state) return undefined;
  const current = state.analysis;
  return !parsedCleanly(current) && state.lastGood ? state.lastGood : current;
}

/**
 * The request handler's body: checks the untrusted params, then answers. `measured` are the calibrated profiles of
 * this machine's adapters as devices; they head the device list and can be picked like any other.
 */
export function answerRoofline(params: unknown, state: Parameters<typeof chartedAnalysis>[0], measured: readonly DeviceSpec[] = [], modelOff?: string): RooflineResult {
  const p = params as Partial<RooflineParams> | null | undefined;
  const uri = p && typeof p.uri === "string" ? p.uri : "";
  const deviceId = p && typeof p.deviceId === "string" ? p.deviceId : undefined;
  const charted = uri === "" ? undefined : chartedAnalysis(state);
  return rooflineResult({ uri, deviceId }, charted ? modelledSource(charted) : undefined, measured, modelOff);
}
