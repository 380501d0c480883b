// A Triton kernel's configurations as a design space swept by prediction: each configuration (autotune configs,
// launches, directives) is a point of the sweep result format the Design-space panel reads, with the cost model's
// predicted time and shared memory as its two objectives. Nothing is run: `measuredMs` is null everywhere and the
// search says `predict-only`.
import type { TritonFileAnalysis } from "../analysisService";
import { paretoFront, type ParamValue, type SweepParameter, type SweepPoint, type SweepResult } from "../core/sweep/result";
import { tritonFunctions } from "./tritonViews";

const OBJECTIVES: NonNullable<SweepResult["objectives"]> = [
  { key: "timeMs", label: "Predicted time", unit: "ms" },
  { key: "sharedMemoryBytes", label: "Shared memory", unit: "bytes" },
];

/** The design space of one kernel function of the file, or undefined where the file has no analysed kernel of that name. */
export function tritonDesignSpace(analysis: TritonFileAnalysis, fn: string, file: string): SweepResult | undefined {
  const kernels = tritonFunctions(analysis).get(fn);
  if (!kernels || kernels.length === 0) return undefined;
  // The parameters: every constexpr some configuration sets, then num_warps and num_stages, values in first-seen order.
  const values = new Map<string, ParamValue[]>();
  const see = (name: string, v: ParamValue): void => {
    const list = values.get(name) ?? [];
    if (!list.includes(v)) list.push(v);
    values.set(name, list);
  };
  for (const k of kernels) for (const c of k.config.constexprs) see(c.name, c.value);
  for (const k of kernels) see("num_warps", k.config.numWarps);
  for (const k of kernels) see("num_stages", k.config.numStages);
  const space: SweepParameter[] = [...values].map(([name, vs]) => ({ name, values: vs }));
  const points: SweepPoint[] = kernels.map((k) => {
    const model = analysis.source.models.get(k.name)?.model;
    const predictedMs = model?.roofline.predictedMs ?? null;
    const params: Record<string, ParamValue> = {};
    for (const c of k.config.constexprs) params[c.name] = c.value;
    params.num_warps = k.config.numWarps;
    params.num_stages = k.config.numStages;
    const why = model?.unknowns[0];
    // A configuration that cannot launch on the device (occupancy 0) is infeasible there, with the model's reason.
    const fits = !model?.occupancy || model.occupancy.value > 0;
    const feasible = predictedMs !== null && fits;
    return {
      params,
      predictedMs,
      measuredMs: null,
      feasible,
      reason: feasible ? null : !fits ? `does not fit on ${analysis.device?.name ?? "the device"}: ${model!.occupancy!.detail}` : `no estimate${why ? `: ${why.what} ${why.reason}` : ""}`,
      objectives: feasible ? { timeMs: predictedMs, sharedMemoryBytes: k.resources.sharedBytes } : undefined,
    };
  });
  const feasible = points.filter((p) => p.feasible).length;
  return {
    version: 1,
    file,
    entry: fn,
    device: analysis.device ? { id: analysis.device.id, name: analysis.device.name } : undefined,
    space,
    measured: 0,
    best: null,
    points,
    pareto: paretoFront(points, ["timeMs", "sharedMemoryBytes"]),
    objectives: OBJECTIVES,
    search: {
      method: "predict-only",
      feasible,
      measuredPoints: 0,
      cacheHits: 0,
      gpuRuns: 0,
      rankCorrelation: null,
      stopReason: `${kernels.length} Triton configuration${kernels.length === 1 ? "" : "s"} predicted by the cost model (shared memory ${kernels.every((k) => k.resources.source === "exact") ? "exact, from Triton's compiler" : "estimated"}); none was run`,
    },
  };
}
