// The Triton front-end's published ladder: our own kernels in Liger-Kernel's idiom (test/fixtures/triton/ladder),
// each analysed from its Python source at the sizes of a published Liger measurement, for the GPU that measured it
// (test/fixtures/triton/ladder/published.ts). Held to the same targets as the WGSL and CUDA ladders.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findDevice } from "../../server/src/core/devices/database";
import { analyzeTritonSource } from "../../server/src/core/triton/analyze";
import { createParser } from "../../server/src/treeSitter/grammars";
import { LIGER_FORWARD, type TritonPublishedPoint } from "../fixtures/triton/ladder/published";
import { findRepoRoot } from "../support/repoRoot";

export interface TritonLadderRow {
  readonly point: TritonPublishedPoint;
  readonly label: string;
  readonly predictedMs: number | null;
  readonly limiter: string;
  /** Bytes the model counts (global loads + stores) and what the algorithm must move, for a check by hand. */
  readonly bytes: number | null;
  readonly assumptions: number;
}

/** The fixture's text with the benchmark's sizes in place of its module constants M, N and DTYPE. */
export function ladderSource(root: string, p: TritonPublishedPoint): string {
  const text = readFileSync(join(root, "test", "fixtures", "triton", "ladder", p.file), "utf8");
  return text.replace(/^M = \d+$/m, `M = ${p.M}`).replace(/^N = \d+$/m, `N = ${p.N}`).replace(/^DTYPE = torch\.\w+$/m, `DTYPE = ${p.dtype}`);
}

export async function tritonLadderRows(root = findRepoRoot()): Promise<TritonLadderRow[]> {
  const parser = await createParser("python");
  if ("error" in parser) throw new Error(parser.error);
  return LIGER_FORWARD.map((p) => {
    const device = findDevice(p.deviceId);
    if (!device || device.id !== p.deviceId) throw new Error(`no device '${p.deviceId}'`);
    const a = analyzeTritonSource(ladderSource(root, p), { parser, model: { device } });
    const k = a.kernels[0] ? a.models.get(a.kernels[0].name) : undefined;
    const m = k?.model;
    return {
      point: p,
      label: `${p.file.replace(/\.py$/, "")} ${p.dtype.replace("torch.", "")} ${p.M}x${p.N} on ${p.gpu}`,
      predictedMs: m?.roofline.predictedMs ?? null,
      limiter: m?.roofline.limiter ?? "no model",
      bytes: m ? m.ops.globalLoadBytes.value + m.ops.globalStoreBytes.value : null,
      assumptions: m?.assumptions.length ?? -1,
    };
  });
}
