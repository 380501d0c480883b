// The sweep result file (`kernellens sweep FILE --json`): its types, a validator, the Pareto front, and the variant's source.
//
// Pure: no I/O, no editor types. The CLI writes this shape, the Design-space panel reads it back from a file, and the
// panel's page receives it in a message, so the validator never trusts its input and never throws. A result names
// its kernel file relative to itself and carries each point's parameters; the variant's source (the kernel with a
// point's parameters written in) is rebuilt from the baseline kernel by `substituteParameters` when a point does
// not carry its own `source`.
import { describe, isObject } from "../validation";
import { LineIndex } from "../wgsl/lineIndex";

/** A parameter's value: numbers for overrides, lets and workgroup sizes; a define may also be a flag or a token. */
export type ParamValue = number | string | boolean;

/** Where a parameter lives in the kernel; optional in the file, where the sweep knows it. */
export type ParameterKind = "override" | "let" | "define" | "workgroupSize";

export interface SweepParameter {
  /** `TILE`, or `workgroup_size.x` / `.y` / `.z` for a literal of the entry point's `@workgroup_size`. */
  name: string;
  kind?: ParameterKind;
  /** Every value swept, in the order of the `@sweep` line (a range or pow2 expanded). */
  values: ParamValue[];
}

/** One variant's parameters, by name. */
export type SweepParams = Record<string, ParamValue>;

/** One of the two objectives of a two-objective result, both minimised: `timeMs`, `workgroupMemoryBytes`, `error`... */
export interface SweepObjective {
  /** The key of the objective in each point's `objectives`. */
  key: string;
  /** What a person reads on the axis: "Time", "Workgroup memory". */
  label: string;
  /** Unit on the axis: "ms", "bytes", "" for a plain number. */
  unit: string;
}

export interface SweepPoint {
  params: SweepParams;
  /** The cost model's time; null where the model has none. */
  predictedMs: number | null;
  /** Median of the timed runs on the GPU; null when not measured (infeasible, or left out by the budget). */
  measuredMs: number | null;
  /** Whether the variant can run at all (device limits, `@require`, compile errors). */
  feasible: boolean;
  /** Why not, for an infeasible point; null for a feasible one. */
  reason: string | null;
  /** The kernel text of this variant; absent when it is the baseline with `params` substituted. */
  source?: string;
  /** The objectives' values by key, for two-objective results; points without both are left off the front. */
  objectives?: Record<string, number>;
  /** Whether `measuredMs` (or the failed check) came from the sweep cache rather than a run in this sweep. */
  cached?: boolean;
  /** Largest relative L2 error of the point's checked outputs against their references; null without a value check. */
  error?: number | null;
}

export interface SweepBest {
  params: SweepParams;
  medianMs: number;
}

export interface SweepResult {
  /** Format version; absent means 1. */
  version?: 1;
  /** The kernel file swept, relative to the result file (or absolute). */
  file: string;
  /** The entry point swept. */
  entry: string;
  /** The device the points were modelled for: the measuring adapter's calibration, or a what-if when it has none. */
  device?: { id: string; name: string };
  /**
   * The adapter that measured the points: its name, and the id its calibration has as a device (`device` is its own
   * model only when the ids match). Absent in results written before it was recorded, and when nothing was measured.
   */
  measuredOn?: { adapter: string; deviceId: string };
  space: SweepParameter[];
  /** How many points were timed on the GPU. */
  measured: number;
  /** The fastest measured feasible point; null when nothing was measured. */
  best: SweepBest | null;
  points: SweepPoint[];
  /** Indices into `points` of the Pareto front, ordered by the first objective; empty without `objectives`. */
  pareto: number[];
  /** The two objectives, when the sweep optimised two: the first is drawn across, the second up. */
  objectives?: [SweepObjective, SweepObjective];
  /** How the points were chosen for measuring; absent in results written before the search existed. */
  search?: SweepSearchSummary;
}

export interface SweepSearchSummary {
  method: "exhaustive" | "guided" | "predict-only";
  feasible: number;
  /** Distinct points measured (a time, or a failed check), from the cache or not. */
  measuredPoints: number;
  cacheHits: number;
  gpuRuns: number;
  /** Spearman's rank correlation of predicted and measured times over the measured points; null below 3. */
  rankCorrelation: number | null;
  stopReason: string;
}

/**
 * Bounds on what a result may hold: far above a real sweep (an exhaustive sweep of four parameters with ten values
 * each is 10,000 points) and low enough that a corrupt or hostile file cannot stall the panel.
 */
export const sweepLimits = {
  points: 20_000,
  parameters: 16,
  valuesPerParameter: 1_000,
  nameLength: 128,
  valueLength: 200,
  pathLength: 4_096,
  reasonLength: 2_000,
  sourceLength: 1_000_000,
  /** Problems reported at most: after that many, more add nothing a person can act on. */
  problems: 20,
  /** A time or objective above this is a bug, not data (about 31 years in milliseconds). */
  magnitude: 1e12,
} as const;

/** A parameter's name: an identifier, or `workgroup_size` with a `.x`, `.y` or `.z` dimension. */
const parameterName = /^[A-Za-z_][A-Za-z0-9_]*(\.[xyz])?$/;
const objectiveKey = /^[A-Za-z_][A-Za-z0-9_]*$/;

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

function own(value: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    if (this.list.length < sweepLimits.problems) this.list.push(`${path}: ${message}`);
  }
  get full(): boolean {
    return this.list.length >= sweepLimits.problems;
  }
}

function checkString(p: Problems, value: unknown, path: string, maxLength: number, pattern?: RegExp): value is string {
  if (typeof value !== "string") p.add(path, `expected a string, got ${describe(value)}`);
  else if (value.length > maxLength) p.add(path, `a string of ${value.length} characters is longer than the limit of ${maxLength}`);
  else if (pattern && !pattern.test(value)) p.add(path, `${describe(value)} has the wrong form`);
  else return true;
  return false;
}

/** A time or objective: finite, in range; `positive` for values a log axis shows (times are never zero). */
function checkNumber(p: Problems, value: unknown, path: string, positive: boolean): value is number {
  if (typeof value !== "number" || !Number.isFinite(value)) p.add(path, `expected a number, got ${describe(value)}`);
  else if (positive ? !(value > 0) : value < 0) p.add(path, `${value} is ${positive ? "not above zero" : "below zero"}`);
  else if (value > sweepLimits.magnitude) p.add(path, `${value} is above the limit of ${sweepLimits.magnitude}`);
  else return true;
  return false;
}

function checkValue(p: Problems, value: unknown, path: string): value is ParamValue {
  if (typeof value === "boolean") return true;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return true;
    p.add(path, `expected a finite number, got ${describe(value)}`);
    return false;
  }
  // A string value is written into the kernel's text, so it must stay on its line.
  return checkString(p, value, path, sweepLimits.valueLength, /^[^\r\n]*$/);
}

function checkParams(p: Problems, value: unknown, path: string, space: ReadonlyMap<string, readonly ParamValue[]>): value is SweepParams {
  if (!isObject(value)) {
    p.add(path, `expected an object, got ${describe(value)}`);
    return false;
  }
  let ok = true;
  for (const name of Object.keys(value)) {
    const values = space.get(name);
    if (!values) {
      p.add(`${path}.${name}`, "is not a parameter of the space");
      ok = false;
      continue;
    }
    const v = value[name];
    if (!checkValue(p, v, `${path}.${name}`)) ok = false;
    else if (!values.some((s) => s === v)) {
      p.add(`${path}.${name}`, `${describe(v)} is not one of the values swept`);
      ok = false;
    }
  }
  for (const name of space.keys()) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) {
      p.add(path, `has no value for ${name}`);
      ok = false;
    }
  }
  return ok;
}

/** Whether two points' parameters are the same variant. */
export function sameParams(a: SweepParams, b: SweepParams): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/**
 * Checks that `value` is a SweepResult, and that it is consistent: parameters from the space, reasons on infeasible
 * points, `best` and `pareto` naming feasible points, the front neither dominated nor missing a point. Returns the
 * problems found as `path: message` sentences (at most `sweepLimits.problems`), an empty list when there are none.
 * Never throws, whatever it is given.
 */
export function validateSweepResult(value: unknown): string[] {
  const p = new Problems();
  try {
    validateInto(p, value);
  } catch (err) {
    // Only a hostile object (a throwing getter, say) gets here: one more problem, never an exception.
    p.add("result", `could not be read (${err instanceof Error ? err.message : String(err)})`);
  }
  return p.list;
}

function validateInto(p: Problems, value: unknown): void {
  if (!isObject(value)) {
    p.add("result", `expected an object, got ${describe(value)}`);
    return;
  }
  const version = own(value, "version");
  if (version !== undefined && version !== 1) p.add("result.version", `expected 1, got ${describe(version)}`);
  checkString(p, own(value, "file"), "result.file", sweepLimits.pathLength, /^[^\0]+$/);
  checkString(p, own(value, "entry"), "result.entry", sweepLimits.nameLength, /^[A-Za-z_][A-Za-z0-9_]*$/);
  const device = own(value, "device");
  if (device !== undefined) {
    if (!isObject(device)) p.add("result.device", `expected an object, got ${describe(device)}`);
    else {
      checkString(p, own(device, "id"), "result.device.id", sweepLimits.nameLength);
      checkString(p, own(device, "name"), "result.device.name", sweepLimits.nameLength);
    }
  }
  const measuredOn = own(value, "measuredOn");
  if (measuredOn !== undefined) {
    if (!isObject(measuredOn)) p.add("result.measuredOn", `expected an object, got ${describe(measuredOn)}`);
    else {
      checkString(p, own(measuredOn, "adapter"), "result.measuredOn.adapter", sweepLimits.nameLength);
      checkString(p, own(measuredOn, "deviceId"), "result.measuredOn.deviceId", sweepLimits.nameLength);
    }
  }

  // The space first: every point is checked against it.
  const space = new Map<string, ParamValue[]>();
  const rawSpace = own(value, "space");
  if (!Array.isArray(rawSpace)) p.add("result.space", `expected an array, got ${describe(rawSpace)}`);
  else if (rawSpace.length === 0 || rawSpace.length > sweepLimits.parameters) {
    p.add("result.space", `expected 1 to ${sweepLimits.parameters} parameters, got ${rawSpace.length}`);
  } else {
    rawSpace.forEach((param: unknown, i) => {
      const path = `result.space[${i}]`;
      if (!isObject(param)) {
        p.add(path, `expected an object, got ${describe(param)}`);
        return;
      }
      const name = own(param, "name");
      if (!checkString(p, name, `${path}.name`, sweepLimits.nameLength, parameterName)) return;
      if (space.has(name)) p.add(`${path}.name`, `${name} appears twice`);
      const kind = own(param, "kind");
      if (kind !== undefined && !["override", "let", "define", "workgroupSize"].includes(kind as string)) {
        p.add(`${path}.kind`, `expected "override", "let", "define" or "workgroupSize", got ${describe(kind)}`);
      }
      const values = own(param, "values");
      if (!Array.isArray(values) || values.length === 0 || values.length > sweepLimits.valuesPerParameter) {
        p.add(`${path}.values`, `expected 1 to ${sweepLimits.valuesPerParameter} values, got ${describe(values)}`);
        return;
      }
      const good: ParamValue[] = [];
      values.forEach((v: unknown, j) => {
        if (!checkValue(p, v, `${path}.values[${j}]`)) return;
        if (good.includes(v)) p.add(`${path}.values[${j}]`, `${describe(v)} appears twice`);
        good.push(v);
      });
      space.set(name, good);
    });
  }

  const measured = own(value, "measured");
  if (typeof measured !== "number" || !Number.isSafeInteger(measured) || measured < 0) {
    p.add("result.measured", `expected a count of points, got ${describe(measured)}`);
  }

  const objectives = own(value, "objectives");
  let keys: [string, string] | undefined;
  if (objectives !== undefined) {
    if (!Array.isArray(objectives) || objectives.length !== 2) p.add("result.objectives", `expected two objectives, got ${describe(objectives)}`);
    else {
      const found: string[] = [];
      objectives.forEach((o: unknown, i) => {
        const path = `result.objectives[${i}]`;
        if (!isObject(o)) {
          p.add(path, `expected an object, got ${describe(o)}`);
          return;
        }
        if (checkString(p, own(o, "key"), `${path}.key`, sweepLimits.nameLength, objectiveKey)) found.push(own(o, "key") as string);
        checkString(p, own(o, "label"), `${path}.label`, sweepLimits.nameLength);
        checkString(p, own(o, "unit"), `${path}.unit`, sweepLimits.nameLength);
      });
      if (found.length === 2 && found[0] === found[1]) p.add("result.objectives", `both objectives are ${found[0]}`);
      else if (found.length === 2) keys = [found[0]!, found[1]!];
    }
  }

  const rawPoints = own(value, "points");
  const points: (SweepPoint | undefined)[] = [];
  if (!Array.isArray(rawPoints)) p.add("result.points", `expected an array, got ${describe(rawPoints)}`);
  else if (rawPoints.length > sweepLimits.points) p.add("result.points", `${rawPoints.length} points are more than the limit of ${sweepLimits.points}`);
  else {
    let measuredCount = 0;
    for (let i = 0; i < rawPoints.length && !p.full; i++) {
      const point = checkPoint(p, rawPoints[i], `result.points[${i}]`, space, keys);
      points.push(point);
      if (point?.measuredMs !== null && point?.measuredMs !== undefined) measuredCount++;
    }
    if (typeof measured === "number" && !p.full && points.every((pt) => pt !== undefined) && measured !== measuredCount) {
      p.add("result.measured", `says ${measured} points were measured, but ${measuredCount} have a measured time`);
    }
    for (let i = 0; i < points.length && !p.full; i++) {
      for (let j = 0; j < i; j++) {
        const a = points[i];
        const b = points[j];
        if (a && b && sameParams(a.params, b.params)) {
          p.add(`result.points[${i}].params`, `the same variant as points[${j}]`);
          break;
        }
      }
    }
  }

  const best = own(value, "best");
  if (best !== null) {
    if (!isObject(best)) p.add("result.best", `expected an object or null, got ${describe(best)}`);
    else {
      checkNumber(p, own(best, "medianMs"), "result.best.medianMs", true);
      const params = own(best, "params");
      if (checkParams(p, params, "result.best.params", space) && points.length > 0) {
        const match = points.find((pt) => pt !== undefined && sameParams(pt.params, params));
        if (!match) p.add("result.best.params", "names no point of the result");
        else if (!match.feasible || match.measuredMs === null) p.add("result.best.params", "names a point that is not a measured feasible one");
      }
    }
  }

  const search = own(value, "search");
  if (search !== undefined) checkSearch(p, search);
  const pareto = own(value, "pareto");
  if (!Array.isArray(pareto)) p.add("result.pareto", `expected an array of point indices, got ${describe(pareto)}`);
  else if (!keys) {
    if (pareto.length > 0) p.add("result.pareto", "a front needs two objectives (result.objectives)");
  } else if (Array.isArray(rawPoints) && points.length === rawPoints.length && points.every((pt) => pt !== undefined)) {
    checkFront(p, pareto, points as SweepPoint[], keys);
  }
}

function checkSearch(p: Problems, value: unknown): void {
  if (!isObject(value)) {
    p.add("result.search", `expected an object, got ${describe(value)}`);
    return;
  }
  const method = own(value, "method");
  if (method !== "exhaustive" && method !== "guided" && method !== "predict-only") p.add("result.search.method", `expected exhaustive, guided or predict-only, got ${describe(method)}`);
  for (const key of ["feasible", "measuredPoints", "cacheHits", "gpuRuns"]) {
    const n = own(value, key);
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) p.add(`result.search.${key}`, `expected a count, got ${describe(n)}`);
  }
  const rho = own(value, "rankCorrelation");
  if (rho !== null && (typeof rho !== "number" || !(rho >= -1 && rho <= 1))) p.add("result.search.rankCorrelation", `expected null or a number from -1 to 1, got ${describe(rho)}`);
  checkString(p, own(value, "stopReason"), "result.search.stopReason", sweepLimits.reasonLength);
}

function checkPoint(
  p: Problems,
  value: unknown,
  path: string,
  space: ReadonlyMap<string, readonly ParamValue[]>,
  keys: readonly [string, string] | undefined,
): SweepPoint | undefined {
  if (!isObject(value)) {
    p.add(path, `expected an object, got ${describe(value)}`);
    return undefined;
  }
  const before = p.list.length;
  const params = own(value, "params");
  checkParams(p, params, `${path}.params`, space);
  const predictedMs = own(value, "predictedMs");
  if (predictedMs !== null) checkNumber(p, predictedMs, `${path}.predictedMs`, true);
  const measuredMs = own(value, "measuredMs");
  if (measuredMs !== null) checkNumber(p, measuredMs, `${path}.measuredMs`, true);
  const feasible = own(value, "feasible");
  if (typeof feasible !== "boolean") p.add(`${path}.feasible`, `expected true or false, got ${describe(feasible)}`);
  const reason = own(value, "reason");
  if (reason !== null) checkString(p, reason, `${path}.reason`, sweepLimits.reasonLength);
  if (feasible === false && (typeof reason !== "string" || reason.trim() === "")) p.add(`${path}.reason`, "an infeasible point needs a reason");
  if (feasible === false && measuredMs !== null) p.add(`${path}.measuredMs`, "an infeasible point cannot have been measured");
  const source = own(value, "source");
  if (source !== undefined) checkString(p, source, `${path}.source`, sweepLimits.sourceLength);
  const objectives = own(value, "objectives");
  if (objectives !== undefined) {
    if (!isObject(objectives)) p.add(`${path}.objectives`, `expected an object, got ${describe(objectives)}`);
    else {
      for (const key of Object.keys(objectives)) {
        if (!objectiveKey.test(key) || key.length > sweepLimits.nameLength) p.add(`${path}.objectives`, `${describe(key)} is not an objective's key`);
        else checkNumber(p, objectives[key], `${path}.objectives.${key}`, false);
      }
    }
  }
  // A point with objectives has both; one without (not measured, in a measured-time result) is off the front.
  if (keys && isObject(objectives)) {
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(objectives, key)) p.add(`${path}.objectives`, `a point with objectives needs a value for ${key}`);
    }
  }
  const cached = own(value, "cached");
  if (cached !== undefined && typeof cached !== "boolean") p.add(`${path}.cached`, `expected true or false, got ${describe(cached)}`);
  const error = own(value, "error");
  if (error !== undefined && error !== null) checkNumber(p, error, `${path}.error`, false);
  return p.list.length === before ? (value as unknown as SweepPoint) : undefined;
}

function checkFront(p: Problems, pareto: readonly unknown[], points: readonly SweepPoint[], keys: readonly [string, string]): void {
  const listed = new Set<number>();
  pareto.forEach((index, i) => {
    const path = `result.pareto[${i}]`;
    if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0 || index >= points.length) {
      p.add(path, `expected the index of a point, got ${describe(index)}`);
    } else if (listed.has(index)) p.add(path, `point ${index} is listed twice`);
    else if (objectivesOf(points[index]!, keys) === undefined) p.add(path, `point ${index} is not a feasible point with both objectives`);
    else listed.add(index);
  });
  if (listed.size !== pareto.length) return;
  // Ties may be broken either way (see paretoFront), so the check is on dominance, not on one exact list.
  const candidates = frontCandidates(points, keys);
  for (const i of listed) {
    const a = objectivesOf(points[i]!, keys)!;
    const by = candidates.find((c) => dominates(c.o, a));
    if (by) p.add("result.pareto", `point ${i} is dominated by point ${by.index}`);
  }
  for (const c of candidates) {
    if (listed.has(c.index)) continue;
    const covered = [...listed].some((i) => {
      const o = objectivesOf(points[i]!, keys)!;
      return dominates(o, c.o) || (o[0] === c.o[0] && o[1] === c.o[1]);
    });
    if (!covered) p.add("result.pareto", `point ${c.index} is on the front but not listed`);
  }
}

/** Parses and validates the text of a result file. */
export function parseSweepResult(text: string): { ok: true; result: SweepResult } | { ok: false; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const problems = validateSweepResult(value);
  return problems.length === 0 ? { ok: true, result: value as SweepResult } : { ok: false, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// The Pareto front
// ---------------------------------------------------------------------------------------------------------------

function objectivesOf(point: SweepPoint, keys: readonly [string, string]): [number, number] | undefined {
  if (!point.feasible || !point.objectives) return undefined;
  const a = point.objectives[keys[0]];
  const b = point.objectives[keys[1]];
  return typeof a === "number" && Number.isFinite(a) && typeof b === "number" && Number.isFinite(b) ? [a, b] : undefined;
}

function frontCandidates(points: readonly SweepPoint[], keys: readonly [string, string]): { index: number; o: [number, number] }[] {
  const out: { index: number; o: [number, number] }[] = [];
  points.forEach((point, index) => {
    const o = objectivesOf(point, keys);
    if (o) out.push({ index, o });
  });
  return out;
}

/** Whether `a` dominates `b` when both objectives are minimised: no worse in both, and better in at least one. */
export function dominates(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] <= b[0] && a[1] <= b[1] && (a[0] < b[0] || a[1] < b[1]);
}

/**
 * The Pareto front of the feasible points that have both objectives, both minimised: the indices of the points no
 * other point dominates, ordered by the first objective ascending (so by the second descending), the order a step
 * line is drawn through them.
 *
 * Ties: a point equal to another in one objective and worse in the other is dominated, so of several points with the
 * same time only the one with the least second objective is on the front (and likewise for the same second
 * objective). Points equal in both objectives are the same trade-off: only the first of them (the lowest index) is
 * listed, so the front has one point per trade-off and a step line never doubles back.
 */
export function paretoFront(points: readonly SweepPoint[], keys: readonly [string, string]): number[] {
  const candidates = frontCandidates(points, keys);
  candidates.sort((a, b) => a.o[0] - b.o[0] || a.o[1] - b.o[1] || a.index - b.index);
  const front: number[] = [];
  let lowest = Infinity;
  for (const c of candidates) {
    // Sorted by the first objective, a point is on the front when its second beats every point before it.
    if (c.o[1] < lowest) {
      front.push(c.index);
      lowest = c.o[1];
    }
  }
  return front;
}

// ---------------------------------------------------------------------------------------------------------------
// The variant's source
// ---------------------------------------------------------------------------------------------------------------

/** Where a parameter's value was written into the kernel. */
export interface Substitution {
  name: string;
  /**
   * `override`: the default of a WGSL `override` declaration; `override-directive`, `let`, `define`: the value of a
   * `// @override`, `// @let` or `// @define` line; `workgroupSize`: a literal of `@workgroup_size`; `sweep`: the
   * parameter's `// @sweep` line, replaced by a `// @let` or `// @define` that pins the value because nothing else
   * declares it.
   */
  kind: "override" | "override-directive" | "let" | "define" | "workgroupSize" | "sweep";
  /** 0-based line in the baseline. */
  line: number;
}

export interface VariantSource {
  text: string;
  /** The edits that turn the baseline into `text`, as offsets into the baseline, in order and not overlapping. */
  edits: Edit[];
  applied: Substitution[];
  /** 0-based lines of `text` that hold a substituted value (a deleted line leaves none), in order. */
  lines: number[];
  /** Parameters with nowhere to go (no declaration, no `@sweep` line): the text does not show their value. */
  missing: string[];
}

export interface SubstituteOptions {
  /** The entry point whose `@workgroup_size` workgroup-size parameters change; every entry point's when absent. */
  entry?: string;
  /** Parameter kinds from the result's space: a parameter nothing declares is pinned as a `@define` when it is one. */
  kinds?: Readonly<Record<string, ParameterKind | undefined>>;
  /**
   * Keep the `// @sweep` lines (apply a point to the kernel rather than build a variant of it): a parameter that
   * only its sweep line declares gets a `// @let` (or `// @define`) pinning its value on a new line above it.
   */
  keepSweepLines?: boolean;
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The text with every comment blanked to spaces (line comments, nested block comments), same length and same line
 * breaks: WGSL declarations are searched in it, so commented-out code and prose never match.
 */
export function maskComments(text: string): string {
  const out = text.split("");
  let i = 0;
  let depth = 0;
  while (i < text.length) {
    if (depth === 0 && text.startsWith("//", i)) {
      while (i < text.length && text[i] !== "\n" && text[i] !== "\r") out[i++] = " ";
      continue;
    }
    if (text.startsWith("/*", i)) {
      depth++;
      out[i] = out[i + 1] = " ";
      i += 2;
      continue;
    }
    if (depth > 0 && text.startsWith("*/", i)) {
      depth--;
      out[i] = out[i + 1] = " ";
      i += 2;
      continue;
    }
    if (depth > 0 && text[i] !== "\n" && text[i] !== "\r") out[i] = " ";
    i++;
  }
  return out.join("");
}

const literal = /^(-?)(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?([iufh]?)$/;

/** A value written where `original` was, in the same style: `16u` becomes `8u`, `1.0` becomes `2.0`. */
export function formatValueLike(value: ParamValue, original: string): string {
  if (typeof value !== "number") return String(value);
  const text = String(value);
  const m = literal.exec(original.trim());
  if (!m) return text;
  const suffix = m[4] ?? "";
  const wasFloat = m[2]!.includes(".") || m[3] !== undefined || suffix === "f" || suffix === "h";
  if (!Number.isInteger(value)) return suffix === "i" || suffix === "u" ? text : `${text}${suffix}`;
  return `${text}${wasFloat && !/[.e]/i.test(text) && suffix === "" ? ".0" : ""}${suffix}`;
}

/** The extent of a whole line including its line break, for deleting it. */
function wholeLine(text: string, start: number): { start: number; end: number } {
  let end = text.indexOf("\n", start);
  end = end < 0 ? text.length : end + 1;
  return { start, end };
}

const workgroupDimension: Record<string, number> = { workgroup_size: 0, "workgroup_size.x": 0, "workgroup_size.y": 1, "workgroup_size.z": 2 };

/**
 * The baseline kernel with a point's parameters written in, to show (and open) the variant a point stands for:
 *
 * - `override NAME: T = V;`: the default V becomes the value (an `override` without a default gains one);
 * - `// @override NAME = E`, `// @let NAME = E`: E becomes the value;
 * - `// @define NAME[=V]`: the value; `true` writes the bare define, `false` deletes the line;
 * - `@workgroup_size(X, Y, Z)`: the literal of the dimension a `workgroup_size.x|y|z` parameter names (a missing
 *   dimension is added; an expression that is not a literal is left alone, and the parameter reported missing);
 * - `// @sweep NAME in ...`: a variant is one point of the space, so its sweep lines go. Where nothing else in the
 *   file declares the parameter, the sweep line becomes `// @let NAME = value` (or `// @define NAME=value` for a
 *   define), so the variant still says what it is.
 *
 * Literal styles are kept (`16u` becomes `8u`). Lines other than the edited ones are untouched, line endings included.
 */
export function substituteParameters(baseline: string, params: SweepParams, options: SubstituteOptions = {}): VariantSource {
  const masked = maskComments(baseline);
  const lines = new LineIndex(baseline);
  const edits: Edit[] = [];
  const applied: Substitution[] = [];
  const missing: string[] = [];

  // Workgroup sizes first and together: two dimensions of one attribute make one edit.
  const dimensions = new Map<number, { name: string; value: ParamValue }>();
  for (const [name, value] of Object.entries(params)) {
    const d = workgroupDimension[name];
    if (d !== undefined) dimensions.set(d, { name, value });
  }
  const sizeFound = workgroupSizeEdits(baseline, masked, dimensions, options.entry, lines, edits);

  for (const [name, value] of Object.entries(params)) {
    if (!parameterName.test(name)) {
      missing.push(name);
      continue;
    }
    const found: Substitution[] = sizeFound.filter((f) => f.name === name);
    const sweepLines: { start: number; end: number; prefix: string }[] = [];
    const n = escapeRegExp(name);
    // Directive lines: `// @let NAME = E`, `// @override NAME = E`, `// @define NAME[=V]`, `// @sweep NAME in ...`.
    const directive = new RegExp(`^([ \\t]*//[ \\t]*@)(let|override|define|sweep)([ \\t]+)${n}(?![A-Za-z0-9_.])([^\\r\\n]*)`, "gm");
    for (let m = directive.exec(baseline); m; m = directive.exec(baseline)) {
      const [whole, prefix, kind, gap, rest] = m as unknown as [string, string, string, string, string];
      const line = lines.lineAt(m.index);
      if (kind === "sweep") {
        if (/^\s+in\b/.test(rest)) sweepLines.push({ ...wholeLine(baseline, m.index), prefix });
        continue;
      }
      if (workgroupDimension[name] !== undefined) continue;
      if (kind === "define") {
        const head = `${prefix}${kind}${gap}${name}`;
        if (value === false) {
          edits.push({ ...wholeLine(baseline, m.index), text: "" });
        } else {
          const separator = /^\s*=/.test(rest) ? "=" : /^\s+\S/.test(rest) ? " " : "=";
          edits.push({ start: m.index, end: m.index + whole.length, text: value === true ? head : `${head}${separator}${String(value)}` });
        }
        found.push({ name, kind: "define", line });
        continue;
      }
      const eq = /^(\s*=\s*)(.*?)(\s*)$/.exec(rest);
      if (!eq) continue;
      const valueStart = m.index + prefix.length + kind.length + gap.length + name.length + eq[1]!.length;
      edits.push({ start: valueStart, end: valueStart + eq[2]!.length, text: String(value) });
      found.push({ name, kind: kind === "override" ? "override-directive" : "let", line });
    }
    // WGSL override declarations, found in code only.
    const declaration = new RegExp(`\\boverride\\s+${n}(?![A-Za-z0-9_])(\\s*:\\s*[^=;]+?)?\\s*(=\\s*([^;]*?)\\s*)?;`, "g");
    for (let m = workgroupDimension[name] === undefined ? declaration.exec(masked) : null; m; m = declaration.exec(masked)) {
      const line = lines.lineAt(m.index);
      if (m[2] !== undefined && m[3] !== undefined) {
        const initStart = m.index + m[0].indexOf(m[2]) + m[2].indexOf(m[3]);
        edits.push({ start: initStart, end: initStart + m[3].length, text: formatValueLike(value, baseline.slice(initStart, initStart + m[3].length)) });
      } else {
        const semicolon = m.index + m[0].length - 1;
        edits.push({ start: semicolon, end: semicolon, text: ` = ${String(value)}` });
      }
      found.push({ name, kind: "override", line });
    }
    // The sweep lines go; the first becomes the pinning directive when the value has no other home.
    sweepLines.forEach((s, i) => {
      const pinnable = found.length === 0 && i === 0 && workgroupDimension[name] === undefined;
      if (!pinnable) {
        if (!options.keepSweepLines) edits.push({ start: s.start, end: s.end, text: "" });
        return;
      }
      const define = options.kinds?.[name] === "define";
      const pin = define ? `${s.prefix}define ${name}${value === true ? "" : `=${String(value)}`}` : `${s.prefix}let ${name} = ${String(value)}`;
      const lineEnd = /\r?\n$/.exec(baseline.slice(s.start, s.end))?.[0] ?? "";
      const drop = define && value === false;
      // Kept sweep line: the pin goes on a line of its own above it (a sweep line that ends the file gets a break).
      if (options.keepSweepLines) edits.push({ start: s.start, end: s.start, text: drop ? "" : `${pin}${lineEnd || "\n"}` });
      else edits.push({ start: s.start, end: s.end, text: drop ? "" : `${pin}${lineEnd}` });
      applied.push({ name, kind: "sweep", line: lines.lineAt(s.start) });
    });
    if (found.length === 0 && (sweepLines.length === 0 || workgroupDimension[name] !== undefined)) missing.push(name);
    applied.push(...found);
  }

  // Later edits first, so earlier offsets stay valid; edits never overlap (each has its own declaration).
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let text = baseline;
  for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  applied.sort((a, b) => a.line - b.line || a.name.localeCompare(b.name));
  return { text, edits: [...edits].reverse(), applied, missing, lines: editedLines(baseline, edits) };
}

/** The lines of the edited text that edits wrote into, from the edits (any order) on the original text. */
function editedLines(original: string, edits: readonly Edit[]): number[] {
  const lines = new Set<number>();
  let delta = 0;
  let line = 0;
  let scanned = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    // Lines of the edited text before this edit: the original's up to its start, shifted by earlier edits' breaks.
    for (; scanned < e.start; scanned++) if (original[scanned] === "\n") line++;
    const written = e.text.replace(/\r?\n$/, "");
    if (written !== "") {
      const breaks = (written.match(/\n/g) ?? []).length;
      for (let l = 0; l <= breaks; l++) lines.add(line + delta + l);
    }
    delta += (e.text.match(/\n/g) ?? []).length - (original.slice(e.start, e.end).match(/\n/g) ?? []).length;
  }
  return [...lines].sort((a, b) => a - b);
}

/** Rewrites the `@workgroup_size` of the entry point (or of every function) for the dimensions given. */
function workgroupSizeEdits(
  baseline: string,
  masked: string,
  dimensions: ReadonlyMap<number, { name: string; value: ParamValue }>,
  entry: string | undefined,
  lines: LineIndex,
  edits: Edit[],
): Substitution[] {
  const found: Substitution[] = [];
  if (dimensions.size === 0) return found;
  const attribute = /@\s*workgroup_size\s*\(([^)]*)\)/g;
  for (let m = attribute.exec(masked); m; m = attribute.exec(masked)) {
    // The attribute belongs to the first function declared after it.
    const fn = /\bfn\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(masked.slice(m.index + m[0].length));
    if (entry !== undefined && fn?.[1] !== entry) continue;
    const argsStart = m.index + m[0].indexOf("(") + 1;
    const args = baseline.slice(argsStart, argsStart + m[1]!.length);
    const parts = args.split(",");
    // A trailing comma is allowed in WGSL: it is not a dimension.
    const trailingComma = parts.length > 1 && parts[parts.length - 1]!.trim() === "";
    const dims = trailingComma ? parts.slice(0, -1) : [...parts];
    let changed = false;
    for (const [d, { name, value }] of dimensions) {
      if (d < dims.length) {
        const trimmed = dims[d]!.trim();
        // An expression (`TILE`, `2 * N`) is not a literal to rewrite: the parameter is reported missing.
        if (!/^\d+[iu]?$/.test(trimmed)) continue;
        dims[d] = dims[d]!.replace(trimmed, formatValueLike(value, trimmed));
        changed = true;
      } else if (value !== 1) {
        // Missing dimensions are 1: write them out up to the one set.
        while (dims.length < d) dims.push(dims.length === 0 ? "1" : " 1");
        dims.push(`${dims.length === 0 ? "" : " "}${String(value)}`);
        changed = true;
      }
      found.push({ name, kind: "workgroupSize", line: lines.lineAt(m.index) });
    }
    if (changed) edits.push({ start: argsStart, end: argsStart + args.length, text: dims.join(",") + (trailingComma ? parts[parts.length - 1]! : "") });
  }
  return found;
}

/** The source of a point's variant: its own `source` when the result carries one, else the baseline with its parameters. */
export function variantSource(result: Pick<SweepResult, "entry" | "space">, point: Pick<SweepPoint, "params" | "source">, baseline: string): VariantSource {
  if (point.source !== undefined) return { text: point.source, edits: [], applied: [], missing: [], lines: [] };
  const kinds: Record<string, ParameterKind | undefined> = {};
  for (const p of result.space) kinds[p.name] = p.kind;
  return substituteParameters(baseline, point.params, { entry: result.entry, kinds });
}

/** `TILE=8, BM=2`: a point's parameters in the space's order, for labels and tooltips. */
export function formatParams(params: SweepParams, space: readonly Pick<SweepParameter, "name">[]): string {
  const names = space.length > 0 ? space.map((s) => s.name) : Object.keys(params);
  return names.filter((n) => Object.prototype.hasOwnProperty.call(params, n)).map((n) => `${n}=${String(params[n])}`).join(", ");
}
