// The first lines of a kernel's hover: what bounds it, how long it is predicted to take and where, its occupancy and
// what limits it, and the most severe finding. The breakdown (format.ts) follows with every number behind them.
import type { DeviceSpec } from "../devices/device";
import { assumedOnly } from "./assumptionsText";
import { duration, inWords, occupancyLimitWords, percent, registersText, WGSL_WORDS, type LaunchWords } from "./format";
import type { KernelModel } from "./types";

/** A finding as the verdict reads it: any diagnostic of the kernel. */
export interface VerdictFinding {
  readonly severity: "error" | "warning" | "info" | "hint";
  readonly code: string;
  readonly message: string;
}

const SEVERITY_RANK: Readonly<Record<VerdictFinding["severity"], number>> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * The finding the verdict names: the most severe, the first of equals (a front-end lists a kernel's findings in
 * the order it checks them, the costliest kinds first). Hints are advice about a kernel's nature (memory-bound
 * element-wise code), not problems: they are never the top finding.
 */
export function topFinding(findings: readonly VerdictFinding[]): VerdictFinding | undefined {
  let best: VerdictFinding | undefined;
  for (const f of findings) if (f.severity !== "hint" && (!best || SEVERITY_RANK[f.severity] < SEVERITY_RANK[best.severity])) best = f;
  return best;
}

/** A message's first sentence (its numbers and the problem; the fix is in the Problems panel), at most ~240 characters. */
export function firstSentence(message: string): string {
  const end = /[.;!?](?=\s+[A-Z(])/.exec(message);
  const sentence = end ? message.slice(0, end.index) : message.replace(/[.]\s*$/, "");
  if (sentence.length <= 240) return sentence;
  const cut = sentence.lastIndexOf(" ", 240);
  return `${sentence.slice(0, cut > 120 ? cut : 240)}…`;
}

const BOUND_WORDS: Readonly<Record<KernelModel["roofline"]["bound"], string>> = {
  compute: "Compute-bound",
  memory: "Memory-bound",
  "workgroup-memory": "Workgroup-memory-bound",
  latency: "Latency-bound",
  unknown: "Bound unknown",
};

/**
 * The verdict, one short paragraph per line: bound and predicted time (estimated, on which device), occupancy and
 * its limiter, the top finding. Numbers the launch assumed are said to be so.
 */
export function verdictMarkdown(m: KernelModel, device: DeviceSpec, findings: readonly VerdictFinding[], w: LaunchWords = WGSL_WORDS): string {
  const lines: string[] = [];
  const roof = m.roofline;
  const bound = roof.bound === "workgroup-memory" ? `${w.WorkgroupMemory.replace(" ", "-")}-bound` : BOUND_WORDS[roof.bound];
  const assumed = assumedOnly(m.assumptions).length > 0 ? ", on assumed sizes (listed below)" : "";
  if (roof.predictedMs !== null) {
    // The limiter's name only; its figures are in the breakdown's predicted-time row.
    const limiter = roof.limiter ? inWords(roof.limiter, w).replace(/ \(.*$/, "") : "";
    lines.push(`**${bound}**${limiter ? ` (${limiter})` : ""} · **≈ ${duration(roof.predictedMs)}** on ${device.name}, estimated${assumed}`);
  } else {
    const why = m.unknowns[0];
    lines.push(`**${bound}** · no time estimate${why ? `: ${why.what}: ${why.reason}` : ""}`);
  }
  if (m.occupancy) lines.push(`Occupancy **${percent(m.occupancy.value)}**, limited by ${occupancyLimitWords(m.occupancy.limitedBy, w)} (${registersText(m, w)})`);
  const top = topFinding(findings);
  const others = findings.filter((f) => f.severity !== "hint").length - 1;
  lines.push(top ? `Top finding (${top.severity}, \`${top.code}\`): ${firstSentence(top.message)}${others > 0 ? ` (${others} more in Problems)` : ""}` : "No findings.");
  return lines.join("\n\n");
}
