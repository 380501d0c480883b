// The model's part of a kernel's hover, for every language: the verdict first (bound, predicted time, occupancy, top
// finding), then the breakdown with every number behind it, then the quantization what-if where weights are quantized.
import { verdictMarkdown } from "../core/model/verdict";
import { kernelBreakdown } from "./modelViews";
import type { ModelledSource } from "./modelledSource";

/** The verdict of one modelled kernel, or undefined where no model ran. */
export function kernelVerdict(source: ModelledSource, kernelName: string): string | undefined {
  const m = source.models.get(kernelName);
  if (!source.device || !m) return undefined;
  return verdictMarkdown(m.model, source.device, m.diagnostics, source.words);
}

/** Verdict, then breakdown, separated by a rule; undefined where no model ran. */
export function kernelModelHover(source: ModelledSource, kernelName: string): string | undefined {
  const verdict = kernelVerdict(source, kernelName);
  const breakdown = kernelBreakdown(source, kernelName);
  if (!verdict || !breakdown) return undefined;
  return `${verdict}\n\n---\n\n${breakdown}`;
}
