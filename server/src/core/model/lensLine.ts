// The one-line summary a code lens shows above each modelled kernel.
import type { DeviceSpec } from "../devices/device";
import { assumedLensText } from "./assumptionsText";
import { totalFlops } from "./flops";
import { bytes, inWords, ms, percent, si } from "./format";
import { type LaunchWords, WGSL_WORDS } from "./launchWords";
import type { KernelModel } from "./types";

/** `≈ 2.1 GFLOP · 24 MB · AI 87 · compute-bound · occupancy 50% (workgroup memory) · ≈ 0.41 ms on RTX 4090` */
export function summaryLine(m: KernelModel, device: DeviceSpec, words: LaunchWords = WGSL_WORDS): string {
  if (m.invocations === null) {
    const why = m.unknowns[0];
    return `KernelLens: no estimate: ${why ? `${why.what} ${why.reason}` : "the launch is unknown"}`;
  }
  const flops = totalFlops(m.ops).value;
  const dram = m.traffic.dramRead !== null && m.traffic.dramWritten !== null ? m.traffic.dramRead + m.traffic.dramWritten : null;
  const parts = [
    `≈ ${si(flops, "FLOP")}`,
    dram === null ? "? B" : bytes(dram),
    m.roofline.arithmeticIntensity === null ? "AI ?" : `AI ${m.roofline.arithmeticIntensity < 10 ? Number(m.roofline.arithmeticIntensity.toPrecision(2)) : Math.round(m.roofline.arithmeticIntensity)}`,
    m.roofline.bound === "unknown" ? "bound ?" : `${inWords(m.roofline.bound, words)}-bound`,
  ];
  if (m.occupancy) parts.push(`occupancy ${percent(m.occupancy.value)} (${m.occupancy.limitedBy.replace("shared-memory", words.workgroupMemory)})`);
  parts.push(m.roofline.predictedMs === null ? "time ?" : `≈ ${ms(m.roofline.predictedMs)} on ${device.name.replace(/^NVIDIA (GeForce )?|^AMD (Radeon )?|^Apple |^Intel (Arc )?/, "")}`);
  const uncertain = m.unknowns.length > 0 ? " · some counts estimated (hover)" : "";
  // What the numbers rest on comes first: a user reading "≈ 2 ms" must see that N was assumed.
  const assumed = assumedLensText(m.assumptions);
  return (assumed ? `${assumed} · ` : "") + parts.join(" · ") + uncertain;
}
