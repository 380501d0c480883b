// The Triton front-end against published measurements: our own RMSNorm, LayerNorm and softmax kernels in
// Liger-Kernel's idiom, analysed from their Python source at the sizes of Liger's published forward benchmarks, each
// for the GPU that measured it (A100-SXM4-80GB, H100 80GB HBM3, RTX 3090), must meet the accuracy targets the WGSL
// and CUDA ladders meet: MAPE <= 35 %, Spearman >= 0.8, every point within 2x. The model was not fitted to them.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { mape, spearman, TARGETS } from "../bench/accuracy";
import { type TritonLadderRow, tritonLadderRows } from "../bench/tritonLadder";
import { LIGER_FORWARD } from "../fixtures/triton/ladder/published";

let rows: TritonLadderRow[];

before(async () => {
  rows = await tritonLadderRows();
});

describe("Triton accuracy ladder (Liger-Kernel's published forward timings)", () => {
  it("analyses every point with its whole launch read from the file and the bytes the algorithm moves", () => {
    assert.equal(rows.length, LIGER_FORWARD.length);
    for (const r of rows) {
      assert.ok(r.predictedMs !== null, `${r.label}: ${r.limiter}`);
      assert.equal(r.assumptions, 0, `${r.label}: nothing assumed`);
    }
    // By hand, RMSNorm bf16 2,048 x 4,096: each program reads its row (8 KiB) and the weights (8 KiB) and writes its
    // row and one fp32 rstd: 2,048 x (8,192 + 8,192 + 8,192 + 4) = 50,339,840 B.
    const rms = rows.find((r) => r.point.file === "rms-norm.py" && r.point.N === 4096)!;
    assert.equal(rms.bytes, 2048 * (8192 + 8192 + 8192 + 4));
    // LayerNorm fp32 4,096 x 1,024: x, w, b read per row, y written, mean and rstd stored: 4,096 x (4 x 4,096 + 8).
    const ln = rows.find((r) => r.point.file === "layer-norm.py" && r.point.N === 1024)!;
    assert.equal(ln.bytes, 4096 * (4 * 4096 + 8));
  });

  it("meets the targets over all points, and each kernel's sizes keep their order", () => {
    const p = rows.map((r) => r.predictedMs!);
    const m = rows.map((r) => r.point.measuredMs);
    const outside = rows.filter((r) => r.predictedMs! > TARGETS.withinFactor * r.point.measuredMs || r.predictedMs! < r.point.measuredMs / TARGETS.withinFactor);
    assert.deepEqual(outside.map((r) => `${r.label}: ${(r.predictedMs! / r.point.measuredMs).toFixed(2)}x`), [], "every point within 2x");
    const e = mape(p, m)!;
    assert.ok(e <= TARGETS.mapePct, `MAPE ${e.toFixed(1)} %`);
    const groups = new Map<string, TritonLadderRow[]>();
    for (const r of rows) {
      const key = `${r.point.file} ${r.point.dtype} ${r.point.deviceId}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, g] of groups) {
      const rho = spearman(g.map((r) => r.predictedMs!), g.map((r) => r.point.measuredMs))!;
      assert.ok(rho >= TARGETS.spearman, `${key}: Spearman ${rho}`);
    }
  });

  it("calls the large rows DRAM-bound, as row-wise normalisations are", () => {
    for (const r of rows.filter((x) => x.point.N >= 4096)) assert.match(r.limiter, /^DRAM bandwidth/, r.label);
  });
});
