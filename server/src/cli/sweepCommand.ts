// `kernellens sweep FILE`: design-space exploration of an entry point's `// @sweep` lines (server/src/sweep/runSweep.ts
// does the work; this file reads the arguments, shows progress on stderr and prints the result).
//
// The JSON is the sweep file the Design-space panel opens: `{space, measured, best: {params, medianMs}, points:
// [{params, predictedMs, measuredMs, feasible, reason}], pareto}` plus `search` (method, points measured, cache hits,
// the rank correlation of predicted and measured times, why the search stopped).
import { resolve } from "node:path";
import type { DeviceSpec } from "../core/devices/device";
import { LineIndex } from "../core/wgsl/lineIndex";
import { formatParams } from "../core/sweep/result";
import type { CliArgs } from "./args";
import { UsageError } from "./args";
import type { GpuHelper } from "../gpu/types";
import { GpuHelperProcess } from "../gpu/helperClient";
import { openSweepCache } from "../sweep/cache";
import { runSweep } from "../sweep/runSweep";
import type { SweepOptions } from "../sweep/api";
import { readInputFile } from "./inputFile";
import { cliFileAccess } from "../run/fileAccess";

export interface SweepCommandDeps {
  helper?: GpuHelper;
  /** The adapter's calibrated profile as a device, when there is one. */
  deviceForAdapter?: SweepOptions["deviceForAdapter"];
  /** The device was chosen with --device (predict for it, not for the adapter's profile). */
  deviceFixed?: boolean;
}

export async function sweepCommand(args: CliArgs, device: DeviceSpec, deps: SweepCommandDeps = {}): Promise<number> {
  if (args.clearCache) {
    const cache = openSweepCache();
    cache.clear();
    process.stderr.write(`kernellens: cleared the sweep cache (${cache.dir})\n`);
    if (args.files.length === 0) return 0;
  }
  if (args.files.length !== 1) throw new UsageError("sweep needs exactly one FILE");
  const file = args.files[0]!;
  const text = readInputFile(file);
  const lines = new LineIndex(text);
  const where = (offset: number): string => {
    const p = lines.positionAt(offset);
    return `${file}:${p.line + 1}:${p.character + 1}`;
  };

  const helper = deps.helper ?? new GpuHelperProcess();
  let lastLine = "";
  let outcome;
  // Ctrl-C once stops the sweep (the measurement in flight is dropped) and prints what was measured; twice quits.
  const listeners: (() => void)[] = [];
  const cancel = {
    cancelled: false,
    onCancel(listener: () => void) {
      listeners.push(listener);
    },
  };
  const onSigint = (): void => {
    if (cancel.cancelled) process.exit(130);
    cancel.cancelled = true;
    process.stderr.write("kernellens: stopping the sweep; what was measured is kept (Ctrl-C again to quit)\n");
    for (const l of listeners) l();
  };
  process.on("SIGINT", onSigint);
  try {
    outcome = await runSweep(
      helper,
      {
        file: resolve(file),
        text,
        entry: args.entry,
        device,
        deviceFixed: deps.deviceFixed,
        deviceForAdapter: deps.deviceForAdapter,
        lets: args.lets,
        defines: args.defines,
        includePaths: args.includePaths.map((p) => resolve(p)),
        budget: args.budget,
        exhaustive: args.exhaustive,
        warmup: args.warmup,
        repeat: args.repeat,
        timeoutMs: args.timeoutMs,
        seed: args.seed,
        cache: args.noCache ? null : openSweepCache(),
        // The command line runs what it is given, like `kernellens run`.
        allowWorkspaceCode: true,
        access: cliFileAccess(process.cwd(), args.files, args.includePaths, args.allowOutside),
      },
      {
        cancel,
        progress: (e) => {
          // Measurements only: the checking phase is quick and would flood a CI log.
          if (!/^(timed|cached) /.test(e.message) || e.message === lastLine) return;
          lastLine = e.message;
          process.stderr.write(`kernellens: ${e.done}/${e.total} ${e.message}\n`);
        },
      },
    );
  } finally {
    process.off("SIGINT", onSigint);
    if (!deps.helper) helper.dispose();
  }

  if (!outcome.ok) {
    if (outcome.kind === "directives") {
      for (const p of outcome.problems ?? []) process.stderr.write(`${where(p.span.start)}: error [${p.code}] ${p.message}\n`);
      return 2;
    }
    if (outcome.kind === "no-adapter") {
      process.stderr.write(`kernellens: ${outcome.message}\n`);
      return 3;
    }
    throw new UsageError(outcome.message.replace("; choose one", "; choose one with --entry NAME"));
  }
  const { result, stats } = outcome;
  if (stats.checked < stats.spaceSize) process.stderr.write(`kernellens: the space has ${stats.spaceSize} points; only the first ${stats.checked} were checked\n`);
  if (stats.cancelled) process.stderr.write(`kernellens: the sweep was stopped (${stats.stopReason}); the result holds what was measured\n`);
  if (result.measured === 0) process.stderr.write("kernellens: no point was timed (--budget 0 or nothing feasible): the ranking is the cost model's\n");
  if (args.json) {
    process.stdout.write(JSON.stringify(result) + "\n");
    return 0;
  }
  const points = result.points;
  const feasible = points.filter((p) => p.feasible && p.predictedMs !== null);
  const timed = feasible.filter((p) => p.measuredMs !== null).sort((a, b) => a.measuredMs! - b.measuredMs!);
  const untimed = feasible.filter((p) => p.measuredMs === null).sort((a, b) => a.predictedMs! - b.predictedMs!);
  const out = [`${result.entry}, modelled for ${result.device?.name ?? device.name}${result.measured > 0 ? " and timed on the local GPU" : ""}: ${points.length} point(s), ${feasible.length} feasible`];
  for (const p of [...timed, ...untimed].slice(0, 10)) {
    const t = p.measuredMs !== null ? `${p.measuredMs.toFixed(4).padStart(10)} ms measured${p.cached ? " (cached)" : "         "}, ` : "".padStart(34);
    out.push(`  ${t}${(p.predictedMs ?? 0).toFixed(4).padStart(10)} ms (model)  ${formatParams(p.params, result.space)}`);
  }
  if (result.best) out.push(`best measured: ${formatParams(result.best.params, result.space)} at ${result.best.medianMs.toFixed(4)} ms`);
  if (stats.method !== "predict-only") {
    const rho = stats.rankCorrelation === null ? "n/a" : stats.rankCorrelation.toFixed(2);
    out.push(`search: ${stats.method}, ${stats.measuredPoints} of ${stats.feasible} feasible point(s) measured (${stats.cacheHits} measurement(s) from the cache, ${stats.gpuRuns} run(s) on the GPU); rank correlation of predicted and measured ${rho}; stopped: ${stats.stopReason}`);
  }
  const infeasible = points.filter((p) => !p.feasible);
  for (const p of infeasible.slice(0, 10)) out.push(`  infeasible  ${formatParams(p.params, result.space)}: ${p.reason}`);
  if (infeasible.length > 10) out.push(`  ... and ${infeasible.length - 10} more infeasible point(s)`);
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}
