// `kernellens sweep FILE`: the design space of an entry point's `// @sweep` lines, each point checked for
// feasibility and ranked by the cost model. The result is the sweep file the Design-space panel opens.
//
// Honest about what it is: this first version predicts, it does not time. Every point's `measuredMs` is null,
// `measured` is 0 and `best` is null; the human summary and stderr say so. Timing the feasible points on the GPU
// (with a budget) is the next step of the design-space work.
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { analyzeSource } from "../core/analysis/sourceAnalysis";
import type { DeviceSpec } from "../core/devices/device";
import { LineIndex } from "../core/wgsl/lineIndex";
import { checkPoint, enumerateSpace, sweepParameters } from "../core/sweep/space";
import { formatParams, paretoFront, type SweepObjective, type SweepPoint, type SweepResult } from "../core/sweep/result";
import type { CliArgs } from "./args";
import { UsageError } from "./args";

const MAX_FILE_BYTES = 16 * 1024 * 1024;
const OBJECTIVES: [SweepObjective, SweepObjective] = [
  { key: "timeMs", label: "Predicted time", unit: "ms" },
  { key: "workgroupMemoryBytes", label: "Workgroup memory", unit: "bytes" },
];

export function sweepCommand(args: CliArgs, device: DeviceSpec): number {
  if (args.files.length !== 1) throw new UsageError("sweep needs exactly one FILE");
  const file = args.files[0];
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`cannot read '${file}': no such file`);
  if (statSync(file).size > MAX_FILE_BYTES) throw new UsageError(`'${file}' is larger than ${MAX_FILE_BYTES >> 20} MiB`);
  const text = readFileSync(file, "utf8");
  const source = analyzeSource(text, { defines: args.defines });
  const lines = new LineIndex(text);
  const where = (offset: number): string => {
    const p = lines.positionAt(offset);
    return `${file}:${p.line + 1}:${p.character + 1}`;
  };

  const compute = source.kernels.filter((k) => k.stage === "compute");
  const withSweep = compute.filter((k) => {
    // A sweep line with errors still names the entry it sweeps, so its errors get reported below.
    const swept = sweepParameters(source, k.name);
    return swept.parameters.length > 0 || swept.problems.length > 0;
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

  const { parameters, problems } = sweepParameters(source, entry);
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
  const result: SweepResult = {
    version: 1,
    file: resolve(file),
    entry,
    device: { id: device.id, name: device.name },
    space: parameters.map((p) => ({ name: p.name, kind: p.kind, values: [...p.values] })),
    measured: 0,
    best: null,
    points,
    pareto: paretoFront(points, [OBJECTIVES[0].key, OBJECTIVES[1].key]),
    objectives: OBJECTIVES,
  };
  if (space.truncated) process.stderr.write(`kernellens: the space has ${space.total} points; only the first ${space.points.length} were checked\n`);
  process.stderr.write("kernellens: points are ranked by the cost model only; timing them on the GPU is not implemented yet\n");

  if (args.json) {
    process.stdout.write(JSON.stringify(result) + "\n");
    return 0;
  }
  const feasible = points.filter((p) => p.feasible && p.predictedMs !== null).sort((a, b) => (a.predictedMs ?? 0) - (b.predictedMs ?? 0));
  const out = [`${entry} on ${device.name}: ${points.length} point(s), ${feasible.length} feasible with a predicted time`];
  for (const p of feasible.slice(0, 10)) out.push(`  ${(p.predictedMs ?? 0).toFixed(4).padStart(10)} ms (model)  ${formatParams(p.params, result.space)}`);
  const infeasible = points.filter((p) => !p.feasible);
  for (const p of infeasible.slice(0, 10)) out.push(`  infeasible  ${formatParams(p.params, result.space)}: ${p.reason}`);
  if (infeasible.length > 10) out.push(`  ... and ${infeasible.length - 10} more infeasible point(s)`);
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}
