// `kernellens sweep FILE`: the design space of an entry point's `// @sweep` lines, each point checked for
// feasibility and ranked by the cost model. The result is the sweep file the Design-space panel opens.
//
// The model ranks every feasible point; the best-predicted `--budget N` of them (all with `--exhaustive`) are then run
// on the local GPU like `kernellens run` does: checked against the file's references, so a variant that computes a
// wrong answer becomes infeasible, and timed. `--budget 0` predicts only.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { analyzeSource } from "../core/analysis/sourceAnalysis";
import type { DeviceSpec } from "../core/devices/device";
import { LineIndex } from "../core/wgsl/lineIndex";
import { checkPoint, enumerateSpace, sweepParameters } from "../core/sweep/space";
import { formatParams, paretoFront, type SweepObjective, type SweepPoint, type SweepResult } from "../core/sweep/result";
import type { CliArgs } from "./args";
import { UsageError } from "./args";
import type { GpuHelper } from "../gpu/types";
import { GpuHelperProcess } from "../gpu/helperClient";
import { runKernel } from "../run/runKernel";
import { substituteParameters } from "../core/sweep/result";
import { checkInputFile } from "./inputFile";

/** Points timed when neither --budget nor --exhaustive is given: enough to confirm the model's top picks. */
export const DEFAULT_SWEEP_BUDGET = 8;

const OBJECTIVES: [SweepObjective, SweepObjective] = [
  { key: "timeMs", label: "Predicted time", unit: "ms" },
  { key: "workgroupMemoryBytes", label: "Workgroup memory", unit: "bytes" },
];

export async function sweepCommand(args: CliArgs, device: DeviceSpec, deps: { helper?: GpuHelper } = {}): Promise<number> {
  if (args.files.length !== 1) throw new UsageError("sweep needs exactly one FILE");
  const file = args.files[0];
  checkInputFile(file);
  const text = readFileSync(file, "utf8");
  const source = analyzeSource(text, { defines: args.defines });
  const lines = new LineIndex(text);
  const where = (offset: number): string => {
    const p = lines.positionAt(offset);
    return `${file}:${p.line + 1}:${p.character + 1}`;
  };

  const compute = source.kernels.filter((k) => k.stage === "compute");
  const swept = new Map(compute.map((k) => [k.name, sweepParameters(source, k.name)]));
  // A sweep line with errors still names the entry it sweeps, so its errors get reported below.
  const withSweep = compute.filter((k) => {
    const s = swept.get(k.name);
    return s !== undefined && (s.parameters.length > 0 || s.problems.length > 0);
  });
  let entry: string;
  if (args.entry !== undefined) {
    if (!compute.some((k) => k.name === args.entry)) {
      throw new UsageError(`no compute entry point '${args.entry}' in ${file}; there are: ${compute.map((k) => k.name).join(", ") || "none"}`);
    }
    entry = args.entry;
  } else if (withSweep.length === 1) entry = withSweep[0].name;
  else if (withSweep.length === 0) throw new UsageError(`${file} has no '// @sweep NAME in [...]' line for any compute entry point`);
  else throw new UsageError(`${file} sweeps several entry points (${withSweep.map((k) => k.name).join(", ")}); choose one with --entry NAME`);

  const { parameters, problems } = swept.get(entry) ?? sweepParameters(source, entry);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`${where(p.span.start)}: error [${p.code}] ${p.message}\n`);
    return 2;
  }
  if (parameters.length === 0) throw new UsageError(`entry point '${entry}' has no '// @sweep' line in force`);

  const space = enumerateSpace(parameters);
  const kinds = Object.fromEntries(parameters.map((p) => [p.name, p.kind]));
  const points: SweepPoint[] = space.points.map((point) => {
    const check = checkPoint(text, source, entry, point, device, { given: args.lets, kinds });
    const objectives = check.feasible && check.predictedMs !== null && check.workgroupMemoryBytes !== null
      ? { timeMs: check.predictedMs, workgroupMemoryBytes: check.workgroupMemoryBytes }
      : undefined;
    return { params: point.params, predictedMs: check.predictedMs, measuredMs: null, feasible: check.feasible, reason: check.reason, ...(objectives ? { objectives } : {}) };
  });
  const budget = args.exhaustive ? Infinity : (args.budget ?? DEFAULT_SWEEP_BUDGET);
  const order = points.map((_point, i) => i).filter((i) => points[i].feasible && points[i].predictedMs !== null);
  order.sort((a, b) => (points[a].predictedMs ?? 0) - (points[b].predictedMs ?? 0));
  const chosen = order.slice(0, Math.min(order.length, budget));
  let measured = 0;
  let best: SweepResult["best"] = null;
  if (chosen.length > 0) {
    const helper = deps.helper ?? new GpuHelperProcess();
    try {
      for (const [n, i] of chosen.entries()) {
        const point = points[i];
        process.stderr.write(`kernellens: timing ${n + 1}/${chosen.length}: ${formatParams(point.params, parameters)}\n`);
        const variant = substituteParameters(text, point.params, { entry, kinds });
        const [outcome] = await runKernel(helper, { file: resolve(file), text: variant.text, entry, warmup: args.warmup, repeat: args.repeat, timeoutMs: args.timeoutMs, lets: args.lets, defines: args.defines, seed: args.seed, allowWorkspaceCode: true });
        if (!outcome) continue;
        if (outcome.error?.kind === "no-adapter") {
          process.stderr.write(`kernellens: no GPU adapter, so no point was timed: ${outcome.error.advice ?? outcome.error.message}\n`);
          return 3;
        }
        if (outcome.status === "passed" && outcome.timing) {
          point.measuredMs = outcome.timing.medianMs;
          measured++;
          if (!best || outcome.timing.medianMs < best.medianMs) best = { params: point.params, medianMs: outcome.timing.medianMs };
        } else {
          const failed = outcome.checks.find((c) => !c.passed);
          point.feasible = false;
          point.reason = outcome.status === "failed" && failed ? `a check failed on the GPU: ${failed.message}` : `the run did not complete (${outcome.status}): ${outcome.error?.message ?? "no detail"}`;
          delete point.objectives;
        }
      }
    } finally {
      if (!deps.helper) helper.dispose();
    }
  }
  const result: SweepResult = {
    version: 1,
    file: resolve(file),
    entry,
    device: { id: device.id, name: device.name },
    space: parameters.map((p) => ({ name: p.name, kind: p.kind, values: [...p.values] })),
    measured,
    best,
    points,
    pareto: paretoFront(points, [OBJECTIVES[0].key, OBJECTIVES[1].key]),
    objectives: OBJECTIVES,
  };
  if (space.truncated) process.stderr.write(`kernellens: the space has ${space.total} points; only the first ${space.points.length} were checked\n`);
  if (chosen.length === 0) process.stderr.write("kernellens: no point was timed (--budget 0 or nothing feasible): the ranking is the cost model's\n");

  if (args.json) {
    process.stdout.write(JSON.stringify(result) + "\n");
    return 0;
  }
  const feasible = points.filter((p) => p.feasible && p.predictedMs !== null).sort((a, b) => (a.predictedMs ?? 0) - (b.predictedMs ?? 0));
  const out = [`${entry}, modelled for ${device.name}${measured > 0 ? " and timed on the local GPU" : ""}: ${points.length} point(s), ${feasible.length} feasible with a predicted time`];
  for (const p of feasible.slice(0, 10)) {
    const timed = p.measuredMs !== null ? `${p.measuredMs.toFixed(4).padStart(10)} ms measured, ` : "";
    out.push(`  ${timed}${(p.predictedMs ?? 0).toFixed(4).padStart(10)} ms (model)  ${formatParams(p.params, result.space)}`);
  }
  if (best) out.push(`best measured: ${formatParams(best.params, result.space)} at ${best.medianMs.toFixed(4)} ms (${measured} point(s) timed on the local GPU)`);
  const infeasible = points.filter((p) => !p.feasible);
  for (const p of infeasible.slice(0, 10)) out.push(`  infeasible  ${formatParams(p.params, result.space)}: ${p.reason}`);
  if (infeasible.length > 10) out.push(`  ... and ${infeasible.length - 10} more infeasible point(s)`);
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}
