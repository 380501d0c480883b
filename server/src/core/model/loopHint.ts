// The inlay hint after a loop header: trip count and work per iteration.
import { bytes, si } from "./format";
import { type LaunchWords, WGSL_WORDS } from "./launchWords";
import type { LoopInfo } from "./types";

export function loopHint(l: LoopInfo, w: LaunchWords = WGSL_WORDS): string {
  const trip = l.tripCount ? `×${si(l.tripCount.value, "").trim()}` : "× ?";
  const p = l.perIteration;
  const bits = [trip];
  if (p.flops > 0) bits.push(`${si(p.flops, "FLOP")}`);
  if (p.globalBytes > 0) bits.push(`${bytes(p.globalBytes)} global`);
  if (p.workgroupBytes > 0) bits.push(`${bytes(p.workgroupBytes)} ${w === WGSL_WORDS ? "workgroup" : "shared"}`);
  return ` ⟳ ${bits.join(" · ")} per iteration`;
}
