// The CUDA front-end's published ladder (issue 14): siboehm's SGEMM kernels 1-10, written by us after his algorithms
// and tile sizes (test/fixtures/cuda/sgemm-*.cu), analysed for the RTX A6000 they were measured on, against his
// published GFLOP/s (test/fixtures/cuda/published.ts). Held to the same targets as the WGSL ladders
// (test/unit/accuracy-ladder.test.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeCudaSource } from "../../server/src/core/cuda/analyze";
import { findDevice } from "../../server/src/core/devices/database";
import { createParser } from "../../server/src/treeSitter/grammars";
import { SIBOEHM_SGEMM_A6000 } from "../fixtures/cuda/published";
import { findRepoRoot } from "../support/repoRoot";
import { mape, spearman, TARGETS } from "./accuracy";

export interface CudaLadderRow {
  readonly label: string;
  readonly kernel: string;
  readonly predictedMs: number | null;
  readonly measuredMs: number;
  readonly limiter: string;
}

export async function cudaLadderRows(root = findRepoRoot()): Promise<CudaLadderRow[]> {
  const parser = await createParser("cuda");
  if ("error" in parser) throw new Error(parser.error);
  const ladder = SIBOEHM_SGEMM_A6000;
  const device = findDevice(ladder.deviceId);
  if (!device || device.id !== ladder.deviceId) throw new Error(`no device '${ladder.deviceId}'`);
  const rows: CudaLadderRow[] = [];
  for (const v of ladder.versions) {
    if (!v.file) continue;
    const text = readFileSync(join(root, "test", "fixtures", "cuda", v.file), "utf8");
    const analysis = analyzeCudaSource(text, { parser, model: { device } });
    const [name, k] = [...analysis.models][0] ?? [];
    rows.push({
      label: v.label,
      kernel: name ?? "-",
      predictedMs: k?.model.roofline.predictedMs ?? null,
      measuredMs: (ladder.creditedFlops / (v.publishedGflops * 1e9)) * 1e3,
      limiter: k?.model.roofline.limiter ?? "no model",
    });
  }
  return rows;
}

export async function benchCudaLadder(): Promise<string> {
  const rows = await cudaLadderRows();
  const timed = rows.filter((r) => r.predictedMs !== null);
  const m = mape(timed.map((r) => r.predictedMs!), timed.map((r) => r.measuredMs));
  const rho = spearman(timed.map((r) => 1 / r.predictedMs!), timed.map((r) => 1 / r.measuredMs));
  const outside = timed.filter((r) => r.predictedMs! > TARGETS.withinFactor * r.measuredMs || r.predictedMs! < r.measuredMs / TARGETS.withinFactor);
  const lines = [`  ${SIBOEHM_SGEMM_A6000.title} (analysed from CUDA)`];
  lines.push(`    ${"version".padEnd(32)} ${"pred ms".padStart(9)} ${"meas ms".padStart(9)} ${"pred/meas".padStart(10)}  limiter`);
  for (const r of rows) {
    const ratio = r.predictedMs === null ? "-" : `${(r.measuredMs / r.predictedMs).toFixed(2)}x`;
    lines.push(`    ${r.label.padEnd(32)} ${(r.predictedMs?.toFixed(1) ?? "-").padStart(9)} ${r.measuredMs.toFixed(1).padStart(9)} ${ratio.padStart(10)}  ${r.limiter.replace(/ \(.*$/, "")}`);
  }
  lines.push(`    MAPE (time) ${m === null ? "-" : m.toFixed(1)} %   Spearman (throughput) ${rho === null ? "-" : rho.toFixed(2)}   outside ${TARGETS.withinFactor}x: ${outside.length} of ${timed.length}`);
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  lines.push(`    targets: within ${TARGETS.withinFactor}x ${met(outside.length === 0)}, MAPE <= ${TARGETS.mapePct} % ${met(m !== null && m <= TARGETS.mapePct)}, Spearman >= ${TARGETS.spearman} ${met(rho !== null && rho >= TARGETS.spearman)}`);
  lines.push(`    source: ${SIBOEHM_SGEMM_A6000.source}`);
  return lines.join("\n") + "\n";
}
