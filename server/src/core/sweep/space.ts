// The design space of a kernel: its `// @sweep` parameters, their cartesian product, and each point's feasibility and predicted time.
//
// Pure: a point is checked by writing its values into the source (`substituteParameters`), analysing that variant
// with the cost model, and testing it against `// @require` constraints and WebGPU's default and the device's limits.
import type { CoreDiagnostic } from "../diagnostic";
import type { Span } from "../wgsl/ast";
import type { DeviceSpec } from "../devices/device";
import type { SweepValues } from "../directives/directives";
import { type DExpr, type Env, evaluateDExpr } from "../directives/expr";
import { launchOfEntry } from "../analysis/kernelAnalysis";
import type { WgslSource } from "../analysis/sourceTypes";
import { analyzeSource, type AnalyzeOptions } from "../analysis/sourceAnalysis";
import { WEBGPU_DEFAULTS } from "../model/findings";
import { barrierSeconds } from "../model/roofline";
import { substituteParameters, type ParameterKind } from "./result";
import type { PredictionFeatures } from "./refit";
import { variantFingerprint } from "./fingerprint";

/** One `// @sweep` parameter with its values evaluated, in written order (duplicates removed). */
export interface SpaceParameter {
  readonly name: string;
  readonly values: readonly number[];
  /** The `// @sweep` line. */
  readonly span: Span;
  /** How the variant source declares it: a `@define` or a `@let`/override value. */
  readonly kind: ParameterKind;
}

export interface SweepParametersResult {
  readonly parameters: readonly SpaceParameter[];
  /** Empty or non-numeric values, with the span of the offending part of the directive. */
  readonly problems: readonly CoreDiagnostic[];
}

/** The parts of a source analysis this module reads. */
export type SpaceSource = WgslSource;

const MAX_VALUES_PER_PARAMETER = 4096;

function problem(message: string, span: Span): CoreDiagnostic {
  return { severity: "error", code: "sweep-values", message, span, source: "kernellens" };
}

function exprSpan(e: DExpr): Span {
  return { start: e.start, end: e.end };
}

function evalNumber(e: DExpr, env: Env, what: string, problems: CoreDiagnostic[]): number | null {
  const v = evaluateDExpr(e, env);
  if (typeof v !== "number") {
    problems.push(problem(`${what}: ${v.message}`, { start: v.start, end: v.end }));
    return null;
  }
  if (!Number.isFinite(v)) {
    problems.push(problem(`${what} is not a finite number`, exprSpan(e)));
    return null;
  }
  return v;
}

/**
 * The values of one `@sweep`:
 * - `[a, b, ...]`: the listed values;
 * - `range(a, b, step)`: like Python's `range`, from `a` inclusive to `b` EXCLUSIVE by `step` (default 1; a negative
 *   step counts down; a zero step is an error);
 * - `pow2(a, b)`: the powers of two from `a` to `b`, both INCLUSIVE (`pow2(1, 8)` is 1, 2, 4, 8); `a` is rounded up
 *   to a power of two.
 */
function sweepValues(values: SweepValues, env: Env, span: Span, problems: CoreDiagnostic[]): number[] | null {
  const before = problems.length;
  const out: number[] = [];
  if (values.kind === "list") {
    for (const item of values.items) {
      const v = evalNumber(item, env, "sweep value", problems);
      if (v !== null) out.push(v);
    }
  } else if (values.kind === "range") {
    const from = evalNumber(values.from, env, "range start", problems);
    const to = evalNumber(values.to, env, "range end", problems);
    const step = values.step ? evalNumber(values.step, env, "range step", problems) : 1;
    if (from === null || to === null || step === null) return null;
    if (step === 0) {
      problems.push(problem("range step must not be 0", values.step ? exprSpan(values.step) : span));
      return null;
    }
    for (let v = from; step > 0 ? v < to : v > to; v += step) {
      if (out.length >= MAX_VALUES_PER_PARAMETER) break;
      out.push(v);
    }
  } else {
    const from = evalNumber(values.from, env, "pow2 start", problems);
    const to = evalNumber(values.to, env, "pow2 end", problems);
    if (from === null || to === null) return null;
    if (from <= 0) {
      problems.push(problem("pow2 start must be positive", exprSpan(values.from)));
      return null;
    }
    for (let v = 2 ** Math.ceil(Math.log2(from)); v <= to && out.length < MAX_VALUES_PER_PARAMETER; v *= 2) out.push(v);
  }
  if (problems.length > before) return null;
  const unique = [...new Set(out)];
  if (unique.length === 0) {
    problems.push(problem("the sweep has no values", span));
    return null;
  }
  return unique;
}

/** The `@sweep` parameters in force for `entry` (file-level, then the entry's own; a later one of a name wins). */
export function sweepParameters(source: SpaceSource, entry: string): SweepParametersResult {
  const { directives, env } = launchOfEntry(source, entry);
  const defines = new Set(directives.filter((d) => d.kind === "define").map((d) => (d.kind === "define" ? d.name.name : "")));
  const overrides = new Set<string>(source.module.decls.filter((d) => d.kind === "override").map((d) => (d.kind === "override" ? d.name.name : "")));
  for (const d of directives) if (d.kind === "override") overrides.add(d.name.name);
  const problems: CoreDiagnostic[] = [];
  const byName = new Map<string, SpaceParameter>();
  for (const d of directives) {
    if (d.kind !== "sweep") continue;
    const values = sweepValues(d.values, env, d.span, problems);
    if (values === null) continue;
    byName.delete(d.name.name);
    byName.set(d.name.name, { name: d.name.name, values, span: d.span, kind: defines.has(d.name.name) ? "define" : overrides.has(d.name.name) ? "override" : "let" });
  }
  return { parameters: [...byName.values()], problems };
}

export interface SpacePoint {
  readonly params: Record<string, number>;
}

export interface EnumeratedSpace {
  readonly points: readonly SpacePoint[];
  /** The full size of the product, also when truncated. */
  readonly total: number;
  readonly truncated: boolean;
}

export const DEFAULT_SPACE_CAP = 4096;

/**
 * The cartesian product of the parameters' values, first parameter slowest (odometer order, the last one varies
 * fastest), at most `cap` points; `truncated` says when some were left out.
 */
export function enumerateSpace(params: readonly Pick<SpaceParameter, "name" | "values">[], cap: number = DEFAULT_SPACE_CAP): EnumeratedSpace {
  const total = params.reduce((n, p) => n * p.values.length, 1);
  const points: SpacePoint[] = [];
  if (total === 0) return { points, total, truncated: false };
  const index = params.map(() => 0);
  while (points.length < Math.min(total, cap)) {
    const p: Record<string, number> = {};
    params.forEach((q, i) => (p[q.name] = q.values[index[i]!]!));
    points.push({ params: p });
    for (let i = params.length - 1; i >= 0; i--) {
      index[i]!++;
      if (index[i]! < params[i]!.values.length) break;
      index[i] = 0;
    }
  }
  return { points, total, truncated: total > points.length };
}

export interface CheckPointOptions {
  /** Values that win over the point's and the directives' (CLI `--let`). */
  readonly given?: ReadonlyMap<string, number>;
  /** Parameter kinds (from `sweepParameters`), so a parameter nothing declares is pinned as the right kind. */
  readonly kinds?: Readonly<Record<string, ParameterKind | undefined>>;
  /** Preprocessor defines of the variant (CLI `--define`). */
  readonly defines?: readonly string[];
  /** Reads `#include`d files (the adapter's, with I/O); without it an include is an unresolved one. */
  readonly resolveInclude?: AnalyzeOptions["resolveInclude"];
}

export interface PointCheck {
  readonly feasible: boolean;
  /** Why the point is infeasible (several reasons joined by "; "), null when feasible. */
  readonly reason: string | null;
  readonly predictedMs: number | null;
  readonly workgroupMemoryBytes: number | null;
  readonly workgroupInvocations: number | null;
  /** The parts of the prediction the sweep's per-adapter correction refits; null without a predicted time. */
  readonly features: PredictionFeatures | null;
  /** What a measurement of this variant depends on (fingerprint.ts), for the sweep cache's key. */
  readonly fingerprint: string;
}

/**
 * Checks one point: substitutes it into `text` (the baseline, which `source` analyses), analyses the variant with
 * the cost model on `device` with the point's values as `given`, and tests `@require` constraints, workgroup
 * invocations and memory against WebGPU's defaults and the device, the dispatch size, and whether the model ran.
 */
export function checkPoint(text: string, source: SpaceSource | undefined, entry: string, point: SpacePoint, device: DeviceSpec, options: CheckPointOptions = {}): PointCheck {
  const kinds: Record<string, ParameterKind | undefined> = { ...(options.kinds ?? {}) };
  if (source && !options.kinds) for (const p of sweepParameters(source, entry).parameters) kinds[p.name] = p.kind;
  const variant = substituteParameters(text, point.params, { entry, kinds });
  const given = new Map<string, number>(Object.entries(point.params));
  for (const [k, v] of options.given ?? []) given.set(k, v);
  const analysis = analyzeSource(variant.text, { defines: options.defines, resolveInclude: options.resolveInclude, model: { device, given } });
  const reasons: string[] = [];

  // @require constraints, in the variant's scope and environment.
  const { directives, env } = launchOfEntry(analysis, entry, given);
  for (const d of directives) {
    if (d.kind !== "require") continue;
    const quoted = variant.text.slice(d.expr.start, d.expr.end).trim();
    const v = evaluateDExpr(d.expr, env);
    if (typeof v !== "number") reasons.push(`@require ${quoted} cannot be evaluated: ${v.message}`);
    else if (v === 0) reasons.push(`@require ${quoted} does not hold`);
  }

  const kernel = analysis.models.get(entry);
  const model = kernel?.model;
  const ws = model?.workgroupSize ?? null;
  const invocations = ws ? ws[0] * ws[1] * ws[2] : null;
  const memory = model?.workgroupMemoryBytes ?? null;
  if (!model) {
    reasons.push(`the cost model could not run on '${entry}' (no compute entry point of that name in the variant)`);
  } else {
    if (invocations !== null) {
      if (invocations > WEBGPU_DEFAULTS.maxComputeInvocationsPerWorkgroup)
        reasons.push(`${invocations} invocations per workgroup exceed WebGPU's default limit of ${WEBGPU_DEFAULTS.maxComputeInvocationsPerWorkgroup}`);
      if (invocations > device.maxThreadsPerBlock) reasons.push(`${invocations} invocations per workgroup exceed the device's maximum of ${device.maxThreadsPerBlock}`);
    }
    if (memory !== null) {
      if (memory > WEBGPU_DEFAULTS.maxComputeWorkgroupStorageSize)
        reasons.push(`${memory} bytes of workgroup memory exceed WebGPU's default limit of ${WEBGPU_DEFAULTS.maxComputeWorkgroupStorageSize}`);
      if (memory > device.maxSharedMemoryPerBlockBytes) reasons.push(`${memory} bytes of workgroup memory exceed the device's per-workgroup maximum of ${device.maxSharedMemoryPerBlockBytes}`);
    }
    const dispatch = model.dispatch;
    if (dispatch && dispatch.some((x) => x > WEBGPU_DEFAULTS.maxComputeWorkgroupsPerDimension))
      reasons.push(`a dispatch of ${dispatch.join(" x ")} workgroups exceeds ${WEBGPU_DEFAULTS.maxComputeWorkgroupsPerDimension} per dimension`);
    if (model.roofline.predictedMs === null) {
      const u = model.unknowns[0];
      reasons.push(u ? `the cost model could not run: ${u.what}: ${u.reason}` : "the cost model could not predict a time");
    }
  }
  const predictedMs = model?.roofline.predictedMs ?? null;
  let features: PredictionFeatures | null = null;
  if (model && predictedMs !== null) {
    const c = model.roofline.components;
    const barrierMs = barrierSeconds(device, model.ops.barriers.value) * 1e3;
    const workgroups = model.dispatch ? model.dispatch[0] * model.dispatch[1] * model.dispatch[2] : 0;
    features = { predictedMs, computeMs: Math.max(0, c.computeMs - barrierMs), barrierMs, memoryMs: Math.max(c.dramMs ?? 0, c.l2Ms), workgroupMs: c.workgroupMs, kiloWorkgroups: workgroups / 1000 };
  }
  return {
    feasible: reasons.length === 0,
    reason: reasons.length > 0 ? reasons.join("; ") : null,
    predictedMs,
    workgroupMemoryBytes: memory,
    workgroupInvocations: invocations,
    features,
    fingerprint: variantFingerprint(analysis, entry),
  };
}
