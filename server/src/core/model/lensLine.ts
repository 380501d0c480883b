// The cost model's code lens above each modelled kernel: a short title (the verdict and the predicted time, so the
// Run lens beside it stays on screen) and a tooltip with the whole summary.
import type { DeviceSpec } from "../devices/device";
import { assumedLensText, assumedOnly } from "./assumptionsText";
import { totalFlops } from "./flops";
import { bytes, inWords, percent, si } from "./format";
import { type LaunchWords, WGSL_WORDS } from "./launchWords";
import type { KernelModel } from "./types";

/** A predicted time in the unit that fits it, two figures: `17 µs`, `2.6 ms`, `270 ms`, `1.2 s` (never `2.7e+2 ms`). */
export function lensTime(ms: number): string {
  const [v, unit] = ms >= 1000 ? [ms / 1000, "s"] : ms >= 1 ? [ms, "ms"] : [ms * 1000, "µs"];
  return `${v >= 100 ? Math.round(v) : Number(v.toPrecision(2))} ${unit}`;
}

/** A device's name as a lens (and a run's notification) writes it: `RTX 4090`, not `NVIDIA GeForce RTX 4090`. */
export function shortDeviceName(name: string): string {
  return name.replace(/^NVIDIA (GeForce )?|^AMD (Radeon )?|^Apple |^Intel (Arc )?/, "");
}

/**
 * `$(graph) memory-bound · ≈ 17 µs`: what bounds the kernel and its predicted time. Numbers that rest on assumed
 * launch values start with `$(warning) 2 assumed ·` (the user must see that before the time); counts the model had
 * to estimate end with `· some counts estimated`. Codicons, not emoji: they render without an emoji font.
 */
export function lensTitle(m: KernelModel, words: LaunchWords = WGSL_WORDS): string {
  if (m.invocations === null) return "$(warning) no estimate";
  const bound = m.roofline.bound === "unknown" ? "bound ?" : `${inWords(m.roofline.bound, words)}-bound`;
  const time = m.roofline.predictedMs === null ? "time ?" : `≈ ${lensTime(m.roofline.predictedMs)}`;
  const assumed = assumedCount(m);
  const head = assumed > 0 ? `$(warning) ${assumed} assumed · ` : "$(graph) ";
  return `${head}${bound} · ${time}${m.unknowns.length > 0 ? " · some counts estimated" : ""}`;
}

/** The assumed values the tooltip names: the sizes, or the dispatch alone when it is the only one (it follows from them). */
export function assumedCount(m: KernelModel): number {
  const assumed = assumedOnly(m.assumptions);
  const sizes = assumed.filter((a) => a.name !== "dispatch").length;
  return sizes > 0 ? sizes : assumed.length;
}

/**
 * The lens's tooltip: the device, the whole one-line summary, what is assumed (and the directive that states it),
 * what is estimated and why, and what a click does.
 */
export function lensTooltip(m: KernelModel, device: DeviceSpec, words: LaunchWords = WGSL_WORDS): string {
  const lines = [`Cost model on ${device.name} (predicted, not measured):`, summaryLine(m, device, words)];
  const assumed = assumedLensText(m.assumptions);
  const them = assumedCount(m) === 1 ? "it" : "them";
  if (assumed) lines.push(`${assumed[0]!.toUpperCase()}${assumed.slice(1)}: no directive states ${them}, and every number rests on ${them} (hover the kernel for the directives).`);
  if (m.unknowns.length > 0) {
    const first = m.unknowns[0]!;
    lines.push(`Some counts are estimated: ${first.what} ${first.reason}${m.unknowns.length > 1 ? ` (+${m.unknowns.length - 1} more; hover the kernel)` : ""}.`);
  }
  lines.push(`Click to open the Kernels panel.`);
  return lines.join("\n");
}

/**
 * The whole summary on one line (the lens's tooltip):
 * `≈ 2.1 GFLOP · 24 MB · AI 87 · compute-bound · occupancy 50% (workgroup memory) · ≈ 0.41 ms on RTX 4090`.
 */
export function summaryLine(m: KernelModel, device: DeviceSpec, words: LaunchWords = WGSL_WORDS): string {
  if (m.invocations === null) {
    const why = m.unknowns[0];
    return `No estimate: ${why ? `${why.what} ${why.reason}` : "the launch is unknown"}`;
  }
  const flops = totalFlops(m.ops).value;
  const dram = m.traffic.dramRead !== null && m.traffic.dramWritten !== null ? m.traffic.dramRead + m.traffic.dramWritten : null;
  const parts = [
    `≈ ${si(flops, "FLOP")}`,
    dram === null ? "? B" : `${bytes(dram)} DRAM`,
    m.roofline.arithmeticIntensity === null ? "AI ?" : `AI ${m.roofline.arithmeticIntensity < 10 ? Number(m.roofline.arithmeticIntensity.toPrecision(2)) : Math.round(m.roofline.arithmeticIntensity)} FLOP/B`,
    m.roofline.bound === "unknown" ? "bound ?" : `${inWords(m.roofline.bound, words)}-bound`,
  ];
  if (m.occupancy) parts.push(`occupancy ${percent(m.occupancy.value)} (${m.occupancy.limitedBy.replace("shared-memory", words.workgroupMemory)})`);
  parts.push(m.roofline.predictedMs === null ? "time ?" : `≈ ${lensTime(m.roofline.predictedMs)} on ${shortDeviceName(device.name)}`);
  return parts.join(" · ");
}
