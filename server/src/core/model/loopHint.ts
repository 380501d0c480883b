// The inlay hint at the end of a loop header: trip count and the work one active lane does per iteration, short
// enough for VS Code's inlay-hint length limit, with the detail in its tooltip.
import { bytes, percent, si } from "./format";
import { type LaunchWords, WGSL_WORDS } from "./launchWords";
import type { LoopInfo } from "./types";

/**
 * VS Code's default `editor.inlayHints.maximumLength`: it cuts the labels of one line past this many characters
 * ("136 B workg…"), so no label is longer.
 */
export const INLAY_HINT_MAX_LENGTH = 43;

/**
 * Lanes count as dropping out when fewer than this share of them does the body's work in an iteration: a bounds
 * guard that idles a ragged edge (99% of lanes) is not the story a tree reduction's halving is.
 */
const ALL_LANES = 0.95;
/** Below this share the tooltip gives the active lanes (a label would round it to 100%). */
const EVERY_LANE = 0.995;

/**
 * `×16 · 2 FLOP · 8 B wg`: the trip count, then per iteration of one active lane (an invocation that does the body's
 * work in it) its FLOPs and its global and workgroup (shared) memory bytes; `· 12% of lanes` where lanes drop out (a
 * tree reduction). Never longer than `maxLength` (VS Code's limit, less what other hints on the line take): what does
 * not fit is left to the tooltip.
 */
export function loopHint(l: LoopInfo, w: LaunchWords = WGSL_WORDS, maxLength = INLAY_HINT_MAX_LENGTH): string {
  const p = l.perActiveLane;
  const parts = [l.tripCount ? `×${si(l.tripCount.value, "").replace(/\s+/g, "")}` : "×?"];
  if (p.flops > 0) parts.push(si(p.flops, "FLOP"));
  if (p.globalBytes > 0) parts.push(`${bytes(p.globalBytes)} global`);
  if (p.workgroupBytes > 0) parts.push(`${bytes(p.workgroupBytes)} ${w === WGSL_WORDS ? "wg" : "shared"}`);
  if (hasWork(l) && l.activeFraction < ALL_LANES) parts.push(`${percent(l.activeFraction)} of lanes`);
  // Past the limit (never for the bundled kernels), the last parts go: the tooltip has them all.
  while (parts.length > 1 && parts.join(" · ").length > maxLength) parts.pop();
  return parts.join(" · ");
}

/** The hint's tooltip: the trip count's origin, the per-lane work in words, the active lanes, the all-lane averages. */
export function loopHintTooltip(l: LoopInfo, w: LaunchWords = WGSL_WORDS, deviceName?: string): string {
  const p = l.perActiveLane;
  // The counter's values (`8 iterations: 128, 64, ...`) or its range (`0..dims.k step 16`), after the count.
  const counter = l.tripCountText.replace(/^\d+ iterations?: /, "");
  const lines = [l.tripCount ? `${figure(l.tripCount.value)} iteration${l.tripCount.value === 1 ? "" : "s"} (${counter})` : `The trip count is unknown${counter === "unknown" ? "" : ` (${counter})`}: the counts assume one iteration`];
  if (hasWork(l)) {
    const work = [
      ...(p.flops > 0 ? [si(p.flops, "FLOP")] : []),
      ...(p.globalBytes > 0 ? [`${bytes(p.globalBytes)} of global memory`] : []),
      ...(p.workgroupBytes > 0 ? [`${bytes(p.workgroupBytes)} of ${w.workgroupMemory}`] : []),
    ];
    lines.push(`Per iteration, each active ${w.invocation} (lane): ${work.join(", ")}.`);
    if (l.activeFraction < EVERY_LANE) {
      const a = l.perIteration;
      lines.push(
        `${l.activeFraction < ALL_LANES ? "Lanes drop out: on" : "On"} average ${figure(l.lanes * l.activeFraction)} of the ${figure(l.lanes)} ${w.invocations} that run the loop work in an iteration (${percent(l.activeFraction)}); the others skip the body.`,
        `Averaged over all ${figure(l.lanes)}: ${[...(a.flops > 0 ? [si(a.flops, "FLOP")] : []), ...(a.globalBytes > 0 ? [`${bytes(a.globalBytes)} global`] : []), ...(a.workgroupBytes > 0 ? [`${bytes(a.workgroupBytes)} ${w.workgroupMemory}`] : [])].join(", ")} per iteration.`,
      );
    } else {
      lines.push(`Every ${w.invocation} that runs the loop works in each iteration (${figure(l.lanes)} ${w.invocations}).`);
    }
  } else {
    lines.push("No FLOPs or memory traffic counted in the body.");
  }
  lines.push(`Cost model${deviceName ? ` on ${deviceName}` : ""}: estimated, not measured.`);
  return lines.join("\n");
}

function hasWork(l: LoopInfo): boolean {
  const p = l.perActiveLane;
  return p.flops > 0 || p.globalBytes > 0 || p.workgroupBytes > 0;
}

/** `65,280`, `2.5`: whole numbers with separators, others to two significant digits. */
function figure(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString("en-US") : Math.abs(x) >= 100 ? Math.round(x).toLocaleString("en-US") : String(Number(x.toPrecision(2)));
}

/**
 * Where the hint goes: at the end of the loop header's line, after its `{` (or Python's `:`), not inside the header.
 * `headerEnd` is where the header ends in `text` (the body's start, or after `loop`); the header's line is the line
 * of its last non-blank character before that (the `)` or `:`; lines that are only a comment do not count), and the
 * hint sits after that line's last non-blank character. Pure offsets, so every front-end's loops are placed the same way.
 */
export function loopHintOffset(text: string, loopStart: number, headerEnd: number): number {
  let at = Math.min(headerEnd, text.length);
  for (;;) {
    while (at > loopStart && /\s/.test(text[at - 1]!)) at--;
    // A comment on lines of its own between the header and the body (Python's body starts after it) is not the header.
    const lineStart = text.lastIndexOf("\n", at - 1) + 1;
    if (at <= loopStart || lineStart <= loopStart || !/^\s*(\/\/|#)/.test(text.slice(lineStart, at))) break;
    at = lineStart;
  }
  if (at <= loopStart) at = Math.min(loopStart + 1, text.length);
  const lineEnd = text.indexOf("\n", at - 1 < 0 ? 0 : at - 1);
  let end = lineEnd < 0 ? text.length : lineEnd;
  while (end > at && /\s/.test(text[end - 1]!)) end--;
  return end;
}
