// A design-space sweep end to end: the space of an entry point's `// @sweep` lines, each point checked for
// feasibility and predicted by the cost model, the promising ones measured on the local GPU (model-guided, see
// core/sweep/search.ts, or exhaustively), each measurement checked against the file's references so a wrong variant
// is infeasible rather than fast, measurements served from and stored in the cache.
//
// Shared by `kernellens sweep` and the editor's Sweep lens; it prints nothing and reports through hooks.
import { dirname, resolve } from "node:path";
import { analyzeSource, type SourceAnalysis } from "../core/analysis/sourceAnalysis";
import type { DeviceSpec } from "../core/devices/device";
import { checkPoint, enumerateSpace, sweepParameters, type PointCheck } from "../core/sweep/space";
import { formatParams, paretoFront, substituteParameters, sweepLimits, type SweepObjective, type SweepPoint, type SweepResult } from "../core/sweep/result";
import { ModelGuidedSearch } from "../core/sweep/search";
import { rankCorrelation } from "../core/sweep/refit";
import { measuredDeviceId } from "../core/run/comparison";
import { directivesOf } from "../core/analysis/kernelAnalysis";
import { isHelperError, type AdapterSummary, type Cancellation, type GpuHelper } from "../gpu/types";
import { includeResolver } from "../run/includeResolver";
import { readCappedText } from "../run/readCapped";
import { runKernel } from "../run/runKernel";
import type { CachedMeasurement, SweepHooks, SweepOptions, SweepOutcome, SweepStats } from "./api";
import { sweepCacheKey } from "./cache";

/** An adapter as a sweep result names it: its driver's description, or what it reports of itself. */
function adapterName(a: AdapterSummary): string {
  const name = (a.description || [a.vendor, a.architecture, a.device].filter((s) => s).join(" ") || a.key).slice(0, sweepLimits.nameLength - 12);
  return a.software ? `${name} (software)` : name;
}

/** Timed runs per measurement when the caller does not say (the finalists get more through successive halving). */
export const DEFAULT_SWEEP_REPEAT = 5;
export const DEFAULT_SWEEP_WARMUP = 1;

/** Distinct points the guided search measures by default: a quarter of the feasible ones, at least 4 (or all). */
export function defaultSweepBudget(feasible: number): number {
  return Math.min(feasible, Math.max(4, Math.floor(feasible / 4)));
}

/**
 * When the measured points' errors against their references differ by this factor or more, precision is a real
 * trade-off in the space (quantized or half-precision variants), and the second objective is the error instead of
 * the workgroup memory. Variants that only reorder f32 sums stay well inside it.
 */
export const ERROR_SPREAD_FOR_OBJECTIVE = 10;

const PREDICTED_TIME: SweepObjective = { key: "timeMs", label: "Predicted time", unit: "ms" };
const MEASURED_TIME: SweepObjective = { key: "timeMs", label: "Measured time", unit: "ms" };
const WORKGROUP_MEMORY: SweepObjective = { key: "workgroupMemoryBytes", label: "Workgroup memory", unit: "bytes" };
const ERROR: SweepObjective = { key: "error", label: "Relative L2 error", unit: "" };


/** A reference module larger than this is not hashed whole (nor is it a reference anyone writes by hand). */
const MAX_REFERENCE_BYTES = 4 * 1024 * 1024;

/** The contents of the JavaScript reference modules the entry's checks run, for the cache key. */
function referenceTexts(file: string, source: SourceAnalysis, entry: string): string[] {
  const out: string[] = [];
  for (const d of directivesOf(source, entry)) {
    if (d.kind !== "check" || d.reference.kind !== "js") continue;
    const read = readCappedText(resolve(dirname(file), d.reference.path), MAX_REFERENCE_BYTES);
    // Unreadable (or too large) gets a key of its own; the run itself says what is wrong with it.
    out.push("text" in read ? read.text : `unreadable: ${d.reference.path}`);
  }
  return out;
}

export async function runSweep(helper: GpuHelper, options: SweepOptions, hooks: SweepHooks = {}): Promise<SweepOutcome> {
  const { file, text } = options;
  const cancel: Cancellation | undefined = hooks.cancel;
  const report = (message: string, done: number, total: number): void => {
    try {
      hooks.progress?.({ message, done, total });
    } catch {
      // a failing progress listener must not fail the sweep
    }
  };
  const resolveInclude = includeResolver(file, options.includePaths ?? [], { access: options.access });
  const source = analyzeSource(text, { defines: options.defines, resolveInclude });

  // The entry: the one named, else the one compute entry point with sweep lines.
  const compute = source.kernels.filter((k) => k.stage === "compute");
  const swept = new Map(compute.map((k) => [k.name, sweepParameters(source, k.name)]));
  const withSweep = compute.filter((k) => {
    const s = swept.get(k.name);
    return s !== undefined && (s.parameters.length > 0 || s.problems.length > 0);
  });
  let entry: string;
  if (options.entry !== undefined) {
    if (!compute.some((k) => k.name === options.entry)) {
      return { ok: false, kind: "usage", message: `no compute entry point '${options.entry}' in ${file}; there are: ${compute.map((k) => k.name).join(", ") || "none"}` };
    }
    entry = options.entry;
  } else if (withSweep.length === 1) entry = withSweep[0]!.name;
  else if (withSweep.length === 0) return { ok: false, kind: "usage", message: `${file} has no '// @sweep NAME in [...]' line for any compute entry point` };
  else return { ok: false, kind: "usage", message: `${file} sweeps several entry points (${withSweep.map((k) => k.name).join(", ")}); choose one` };

  const { parameters, problems } = swept.get(entry) ?? sweepParameters(source, entry);
  if (problems.length > 0) return { ok: false, kind: "directives", message: `the @sweep lines of '${entry}' have errors`, problems };
  if (parameters.length === 0) return { ok: false, kind: "usage", message: `entry point '${entry}' has no '// @sweep' line in force` };

  const exhaustive = options.exhaustive === true;
  const measuring = exhaustive || options.budget === undefined || options.budget > 0;

  // The adapter first: the model predicts for its calibrated profile when it has one.
  let adapter: AdapterSummary | undefined;
  let device: DeviceSpec = options.device;
  if (measuring) {
    report("starting the GPU helper", 0, 1);
    const found = await helper.adapter();
    if (isHelperError(found)) {
      if (found.kind === "no-adapter") return { ok: false, kind: "no-adapter", message: `no GPU adapter, so no point can be timed: ${found.advice ?? found.message}` };
      return { ok: false, kind: "no-adapter", message: `the GPU helper could not start: ${found.message}` };
    }
    adapter = found;
    if (!options.deviceFixed) device = options.deviceForAdapter?.(adapter) ?? device;
  }

  // Every point checked and predicted.
  const space = enumerateSpace(parameters);
  const kinds = Object.fromEntries(parameters.map((p) => [p.name, p.kind]));
  const checks: PointCheck[] = [];
  const points: SweepPoint[] = [];
  let cancelledWhileChecking = false;
  for (const [i, point] of space.points.entries()) {
    // Each check is a full analysis (10-20 ms): yield between them, so an editor's extension host stays responsive
    // and a cancel (delivered by the event loop) is seen.
    await new Promise<void>((done) => setImmediate(done));
    if (cancel?.cancelled) {
      cancelledWhileChecking = true;
      break;
    }
    if (i % 16 === 0) report(`checking point ${i + 1} of ${space.points.length}`, i, space.points.length);
    const check = checkPoint(text, source, entry, point, device, { given: options.lets, kinds, defines: options.defines, resolveInclude });
    checks.push(check);
    points.push({ params: point.params, predictedMs: check.predictedMs, measuredMs: null, feasible: check.feasible, reason: check.reason });
  }

  const feasibleIds = points.map((_p, i) => i).filter((i) => points[i]!.feasible && checks[i]!.features !== null);
  const budget = exhaustive ? feasibleIds.length : Math.min(feasibleIds.length, options.budget ?? defaultSweepBudget(feasibleIds.length));
  const search = new ModelGuidedSearch(
    feasibleIds.map((id) => ({ id, features: checks[id]!.features! })),
    { budget, exhaustive },
  );
  const repeat = Math.max(1, options.repeat ?? DEFAULT_SWEEP_REPEAT);
  const warmup = Math.max(0, options.warmup ?? DEFAULT_SWEEP_WARMUP);
  const references = measuring ? referenceTexts(file, source, entry) : [];
  const keys = new Map<number, string>();
  const keyOf = (id: number): string => {
    let key = keys.get(id);
    if (key === undefined) {
      key = sweepCacheKey({ fingerprint: checks[id]!.fingerprint, params: points[id]!.params, adapter: adapter!, warmup, seed: options.seed, lets: options.lets, defines: options.defines, references });
      keys.set(id, key);
    }
    return key;
  };
  const fromCache = new Map<number, boolean>();
  const errors = new Map<number, number | null>();
  let gpuRuns = 0;
  let cacheHits = 0;
  let measurements = 0;
  let planned = budget + (budget > 1 ? 6 : 0);
  let cancelled = cancelledWhileChecking;

  /** One more measurement of a point: from the cache when it holds enough samples, else a run. */
  const measure = async (id: number): Promise<"ok" | "stop"> => {
    const point = points[id]!;
    const have = search.samplesOf(id).length;
    const need = have + repeat;
    const cached = options.cache ? options.cache.get(keyOf(id)) : undefined;
    const label = formatParams(point.params, parameters);
    if (cached && (cached.status === "failed" || cached.samplesMs.length >= need)) {
      cacheHits++;
      fromCache.set(id, fromCache.get(id) ?? true);
      errors.set(id, cached.error);
      if (cached.status === "failed") {
        search.record(id, null);
        point.feasible = false;
        point.reason = cached.reason ?? "a check failed on the GPU";
      } else search.record(id, cached.samplesMs.slice(have, need));
      report(`cached ${label}`, ++measurements, planned);
      return "ok";
    }
    report(`timing ${label}`, measurements, planned);
    const variant = substituteParameters(text, point.params, { entry, kinds });
    const [outcome] = await runKernel(helper, { file, text: variant.text, entry, warmup, repeat, timeoutMs: options.timeoutMs, lets: options.lets, defines: options.defines, includePaths: options.includePaths, seed: options.seed, allowWorkspaceCode: options.allowWorkspaceCode, access: options.access }, cancel);
    gpuRuns++;
    if (cancel?.cancelled) return "stop";
    if (!outcome) return "ok";
    if (outcome.error?.kind === "no-adapter") return "stop";
    fromCache.set(id, false);
    const valueChecks = outcome.checks.filter((c) => c.reference !== "written" && !c.skipped);
    const error = valueChecks.length > 0 ? Math.max(...valueChecks.map((c) => c.relL2Error)) : null;
    errors.set(id, Number.isFinite(error) ? error : null);
    let entryToCache: CachedMeasurement | undefined;
    if (outcome.status === "passed" && outcome.timing) {
      const samples = outcome.timing.samplesMs.length > 0 ? outcome.timing.samplesMs : [outcome.timing.medianMs];
      search.record(id, samples);
      entryToCache = { status: "passed", samplesMs: [...search.samplesOf(id)], reason: null, error: errors.get(id) ?? null };
    } else {
      const failed = outcome.checks.find((c) => !c.passed && !c.skipped);
      search.record(id, null);
      point.feasible = false;
      if (outcome.status === "failed" && failed) {
        point.reason = `a check failed on the GPU: ${failed.message}`;
        entryToCache = { status: "failed", samplesMs: [], reason: point.reason, error: errors.get(id) ?? null };
      } else {
        // A timeout or a device failure may not happen again: reported, not cached.
        point.reason = `the run did not complete (${outcome.status}): ${outcome.error?.message ?? "no detail"}`;
      }
    }
    if (entryToCache && options.cache) {
      try {
        options.cache.set(keyOf(id), entryToCache);
      } catch {
        // An unwritable cache costs the next sweep a run, nothing more.
      }
    }
    report(`timed ${label}`, ++measurements, planned);
    return "ok";
  };

  let noAdapter = false;
  if (measuring && feasibleIds.length > 0 && !cancelled) {
    search: for (let step = search.next(); step.kind === "measure"; step = search.next()) {
      planned = Math.max(planned, measurements + step.ids.length);
      for (const id of step.ids) {
        if (cancel?.cancelled) {
          cancelled = true;
          break search;
        }
        if ((await measure(id)) === "stop") {
          cancelled = cancel?.cancelled === true;
          noAdapter = !cancelled;
          break search;
        }
      }
    }
  }
  if (noAdapter) return { ok: false, kind: "no-adapter", message: "the GPU adapter went away during the sweep" };

  // Points as measured.
  let measured = 0;
  for (const id of feasibleIds) {
    const m = search.medianOf(id);
    const point = points[id]!;
    if (m !== null && point.feasible) {
      point.measuredMs = m;
      measured++;
      if (fromCache.get(id)) point.cached = true;
    }
    if (errors.has(id)) point.error = errors.get(id) ?? null;
  }
  const bestFound = search.best();
  const best = bestFound && points[bestFound.id]!.feasible ? { params: points[bestFound.id]!.params, medianMs: bestFound.medianMs } : null;

  // The two objectives: measured time where anything was measured, predicted time otherwise; error against time
  // when precision varies across the space, else workgroup memory.
  const measuredPoints = points.filter((p) => p.feasible && p.measuredMs !== null);
  const errs = measuredPoints.map((p) => p.error).filter((e): e is number => typeof e === "number" && e > 0);
  const precisionVaries = errs.length >= 2 && Math.max(...errs) / Math.min(...errs) >= ERROR_SPREAD_FOR_OBJECTIVE;
  const time = measured > 0 ? MEASURED_TIME : PREDICTED_TIME;
  const second = precisionVaries ? ERROR : WORKGROUP_MEMORY;
  points.forEach((p, i) => {
    const t = measured > 0 ? p.measuredMs : p.predictedMs;
    const s = precisionVaries ? p.error : checks[i]!.workgroupMemoryBytes;
    if (p.feasible && typeof t === "number" && typeof s === "number") p.objectives = { [time.key]: t, [second.key]: s };
  });

  const pairs = measuredPoints.filter((p) => p.predictedMs !== null);
  const stats: SweepStats = {
    spaceSize: space.total,
    checked: points.length,
    feasible: feasibleIds.length,
    measuredPoints: search.spent,
    cacheHits,
    gpuRuns,
    cancelled,
    method: !measuring ? "predict-only" : exhaustive ? "exhaustive" : "guided",
    rankCorrelation: rankCorrelation(pairs.map((p) => p.predictedMs!), pairs.map((p) => p.measuredMs!)),
    stopReason: cancelledWhileChecking ? `cancelled while checking the space (${points.length} of ${space.points.length} points checked)` : cancelled ? "cancelled" : !measuring ? "predict only (--budget 0)" : search.reason,
  };
  const result: SweepResult = {
    version: 1,
    file: resolve(file),
    entry,
    device: { id: device.id, name: device.name },
    // Who measured: the Design-space view names the model's device as this adapter's own, or as a what-if.
    ...(adapter && measured > 0 ? { measuredOn: { adapter: adapterName(adapter), deviceId: measuredDeviceId(adapter.key) } } : {}),
    space: parameters.map((p) => ({ name: p.name, kind: p.kind, values: [...p.values] })),
    measured,
    best,
    points,
    pareto: paretoFront(points, [time.key, second.key]),
    objectives: [time, second],
    search: {
      method: stats.method,
      feasible: stats.feasible,
      measuredPoints: stats.measuredPoints,
      cacheHits: stats.cacheHits,
      gpuRuns: stats.gpuRuns,
      rankCorrelation: stats.rankCorrelation,
      stopReason: stats.stopReason,
    },
  };
  report(cancelled ? "cancelled" : "done", measurements, Math.max(measurements, 1));
  return { ok: true, result, stats };
}
