// Quantization what-if: a memory-bound kernel's DRAM bytes, predicted time and speed-up with its weights in other formats.
//
// The weight binding's share of the traffic is estimated from the model's accesses (the bytes its loads fetch in
// whole transactions, over all global loads) and rescaled by bitsWithScale / current bits; the other bindings, the
// compute time and the efficiencies (latency hiding, wave utilisation) stay as the model has them.
import type { DeviceSpec } from "../devices/device";
import { durations, siAll } from "../model/format";
import type { AccessInfo, KernelModel } from "../model/types";
import { findQuantFormat } from "./formats";
import type { QuantBinding } from "./binding";

export interface QuantWhatIfRow {
  /** The format id, e.g. `q4_0`; `int4` is INT4 with one fp16 scale per 128 weights. */
  readonly format: string;
  /** Storage bits per weight, scale included. */
  readonly bits: number;
  /** Modelled DRAM bytes (read + written) of the whole dispatch with the weights in this format. */
  readonly dramBytes: number;
  readonly predictedMs: number;
  /** Predicted time in fp16 / predicted time in this format. */
  readonly speedupVsFp16: number;
  /** The kernel's current format (the row that reproduces the model's own numbers). */
  readonly current: boolean;
}

export interface QuantWhatIf {
  readonly binding: string;
  readonly currentFormat: string;
  readonly currentBits: number;
  /** The weight binding's estimated share of the global read traffic, 0..1. */
  readonly weightShare: number;
  readonly device: string;
  readonly rows: readonly QuantWhatIfRow[];
}

/** The formats compared, in order. */
export const WHAT_IF_FORMATS: readonly string[] = ["fp16", "q8_0", "int8", "q4_0", "mxfp4", "e4m3", "int4"];

/** Bytes an access fetches over the dispatch, in whole transactions. */
function fetchedBytes(a: AccessInfo, device: DeviceSpec): number {
  const warps = a.count.value / device.warpSize;
  if (a.transactionsPerWarp !== null) return warps * a.transactionsPerWarp * device.memoryTransactionBytes;
  const eff = a.coalescingEfficiency !== null && a.coalescingEfficiency > 0 ? a.coalescingEfficiency : 1;
  return (a.count.value * a.bytesPerAccess) / eff;
}

/**
 * The what-if for the first quantized weight binding of a memory-bound kernel; null without a modelled DRAM time,
 * when the kernel is not memory-bound, or when the weights carry no measurable share of the traffic.
 */
export function quantWhatIf(model: KernelModel, quant: readonly QuantBinding[], device: DeviceSpec): QuantWhatIf | null {
  const roof = model.roofline;
  const c = roof.components;
  if (roof.bound !== "memory" || c.dramMs === null || roof.predictedMs === null) return null;
  const t = model.traffic;
  if (t.dramRead === null || t.dramWritten === null) return null;
  const loads = model.accesses.filter((a) => a.kind === "load" && a.addressSpace === "storage");
  const total = loads.reduce((s, a) => s + fetchedBytes(a, device), 0);
  let best: { q: QuantBinding; bytes: number } | null = null;
  for (const q of quant) {
    if (q.bitsPerElement <= 0) continue;
    const bytes = loads.filter((a) => a.binding === q.binding).reduce((s, a) => s + fetchedBytes(a, device), 0);
    if (bytes > 0 && (!best || bytes > best.bytes)) best = { q, bytes };
  }
  if (!best || total <= 0) return null;
  const share = Math.min(1, best.bytes / total);
  const cur = best.q.bitsPerElement;
  const eff = roof.efficiency;
  // The memory terms scale with the weights' bytes; the rest of the prediction (waves, latency, launch) is the
  // model's own, so the current format's row is exactly the predicted time the lens and hover show.
  const slowestAt = (ratio: number): { dram: number; slowest: number } => {
    const scale = 1 - share + share * ratio;
    const dram = t.dramRead! * scale + t.dramWritten!;
    const dramMs = c.dramMs! * (dram / Math.max(1, t.dramRead! + t.dramWritten!));
    // L2-level reads scale the same way; writes are a small part of a GEMV and are folded in unchanged.
    const l2Ms = c.l2Ms * (1 - share + share * ratio);
    return { dram, slowest: Math.max(c.computeMs / eff.compute, dramMs / eff.memory, l2Ms / eff.memory, c.workgroupMs) };
  };
  const now = slowestAt(1).slowest;
  const body = Math.max(0, roof.predictedMs - c.launchMs);
  const predict = (ratio: number): { dram: number; ms: number } => {
    const { dram, slowest } = slowestAt(ratio);
    return { dram, ms: c.launchMs + (now > 0 ? body * (slowest / now) : body) };
  };

  const currentId = best.q.format.toLowerCase();
  const raw = WHAT_IF_FORMATS.flatMap((id) => {
    const f = findQuantFormat(id);
    if (!f) return [];
    // The current format is the binding as it is (its own group size), not the catalogue's default.
    const bits = id === currentId ? cur : f.bitsWithScale;
    return [{ format: id, bits, ...predict(bits / cur) }];
  });
  const fp16 = raw.find((r) => r.format === "fp16");
  if (!fp16) return null;
  return {
    binding: best.q.binding,
    currentFormat: best.q.format,
    currentBits: cur,
    weightShare: share,
    device: device.name,
    rows: raw.map((r) => ({
      format: r.format,
      bits: r.bits,
      dramBytes: r.dram,
      predictedMs: r.ms,
      speedupVsFp16: fp16.ms / r.ms,
      current: r.format === currentId,
    })),
  };
}

/**
 * The what-if as a list, one format per item (a five-column table does not fit a hover), every DRAM figure in one unit
 * and every time in one unit.
 */
export function quantWhatIfMarkdown(w: QuantWhatIf | null): string {
  if (!w) return "";
  const head = `**Quantization what-if** for '${w.binding}' (now ${w.currentFormat}, ${w.currentBits} bits/weight, ≈ ${Math.round(w.weightShare * 100)}% of the read traffic) on ${w.device}, estimated (modelled):`;
  const dram = siAll(w.rows.map((r) => r.dramBytes), "B");
  const times = durations(w.rows.map((r) => r.predictedMs));
  const rows = w.rows.map((r, i) => `- ${r.current ? `**${r.format}** (current)` : r.format}: ${Number(r.bits.toFixed(3))} bits/weight, DRAM ${dram[i]}, ≈ ${times[i]}, ${r.speedupVsFp16.toFixed(2)}× fp16's speed`);
  return [head, ...rows].join("\n");
}
