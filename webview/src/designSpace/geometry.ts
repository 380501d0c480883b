// The Design-space charts in data units: which points each chart plots, where, on which scales, and its lines.
//
// Pure functions of a sweep result (no DOM, no uPlot), so the chart and the tests derive positions the same way.
// Only measured feasible points are plotted as times: an infeasible variant has no time to show, and the page
// lists it with its reason instead.
import type { SweepObjective, SweepResult } from "../../../server/src/core/sweep/result";
import { sameParams } from "../../../server/src/core/sweep/result";
import { logSplits } from "../roofline/geometry";

export type PointRole = "plain" | "front" | "best";

export interface PlotPoint {
  /** Index of the point in the result's `points`. */
  index: number;
  x: number;
  y: number;
  role: PointRole;
}

export interface PlotLine {
  /** `identity`: y = x (predicted against measured); `front`: the Pareto front's step line. */
  kind: "identity" | "front";
  xy: [number, number][];
}

export interface PlotAxis {
  /** `category`: evenly spaced values of a parameter at 0, 1, 2...; `log` and `linear`: numbers. */
  scale: "log" | "linear" | "category";
  min: number;
  max: number;
  title: string;
  /** Labels of the categories, in order (category axes only). */
  categories?: string[];
  /** How tick values read: a time, a byte count, a plain number. */
  unit: "ms" | "bytes" | "number";
}

export interface PlotModel {
  x: PlotAxis;
  y: PlotAxis;
  points: PlotPoint[];
  lines: PlotLine[];
}

/** Index of the result's best point, or -1 when it has none. */
export function bestIndex(result: SweepResult): number {
  const best = result.best;
  return best === null ? -1 : result.points.findIndex((p) => sameParams(p.params, best.params));
}

/** Indices of the points with a measured time: the feasible points the sweep timed. */
export function measuredIndices(result: SweepResult): number[] {
  const out: number[] = [];
  result.points.forEach((p, i) => {
    if (p.feasible && p.measuredMs !== null) out.push(i);
  });
  return out;
}

/** Indices of the infeasible points, in the result's order. */
export function infeasibleIndices(result: SweepResult): number[] {
  const out: number[] = [];
  result.points.forEach((p, i) => {
    if (!p.feasible) out.push(i);
  });
  return out;
}

/** A nice bound below (or above) `v` on a 1-2-5 ladder, so the axis starts and ends on labelled values. */
function niceBound(v: number, up: boolean): number {
  const exponent = Math.floor(Math.log10(v));
  const steps = up ? [1, 2, 5, 10] : [10, 5, 2, 1];
  for (const m of steps) {
    const candidate = Number(`${m}e${exponent}`);
    if (up ? candidate >= v * (1 - 1e-12) : candidate <= v * (1 + 1e-12)) return candidate;
  }
  return up ? Number(`1e${exponent + 1}`) : Number(`1e${exponent}`);
}

/** A log extent around positive values with some room on both sides, on 1-2-5 bounds. */
export function logExtent(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [0.1, 10];
  const lo = Math.min(...positive) / 1.25;
  const hi = Math.max(...positive) * 1.25;
  const min = niceBound(lo, false);
  let max = niceBound(hi, true);
  if (max <= min) max = min * 10;
  return [min, max];
}

/** A log extent on powers of two, for byte counts: the ticks then read 512 B, 2 KiB, 8 KiB instead of 9.77 KiB. */
export function log2Extent(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [1, 1024];
  const min = 2 ** Math.floor(Math.log2(Math.min(...positive) / 1.25));
  const max = 2 ** Math.ceil(Math.log2(Math.max(...positive) * 1.25));
  return [min, max > min ? max : min * 2];
}

/** A linear extent from zero (objectives are non-negative) to a little above the largest value. */
export function linearExtent(values: readonly number[]): [number, number] {
  const hi = Math.max(0, ...values.filter(Number.isFinite));
  return [0, hi === 0 ? 1 : hi * 1.1];
}

/** Tick positions for an axis. */
export function axisSplits(axis: PlotAxis, min = axis.min, max = axis.max): number[] {
  if (axis.scale === "category") return (axis.categories ?? []).map((_, i) => i);
  if (axis.scale === "log" && axis.unit === "bytes") {
    // Powers of two, every second or fourth one when the range is wide, so at most about six ticks.
    const lo = Math.ceil(Math.log2(min) - 1e-9);
    const hi = Math.floor(Math.log2(max) + 1e-9);
    const step = Math.max(1, Math.ceil((hi - lo + 1) / 6));
    const out: number[] = [];
    for (let e = lo; e <= hi; e += step) out.push(2 ** e);
    return out;
  }
  if (axis.scale === "log") return logSplits(min, max);
  const step = niceBound((max - min) / 5, true);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Where a value sits along an axis, from 0 (min) to 1 (max): what uPlot's scale does, for the tests' positions. */
export function axisFraction(axis: PlotAxis, v: number): number {
  if (axis.scale === "log") return (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  return (v - axis.min) / (axis.max - axis.min);
}

function roleOf(index: number, best: number, front: ReadonlySet<number>): PointRole {
  if (index === best) return "best";
  return front.has(index) ? "front" : "plain";
}

/**
 * Measured time against one parameter: the parameter's values evenly spaced across (a sweep's values are usually
 * powers of two, which this spaces as a log axis would), the time up on a log axis. Points that share a value (they
 * differ in the other parameters) are spread a little sideways, left to right in the order of the other parameters'
 * values, so none hides another and the spread itself reads as the next parameter's trend.
 */
export function byParameterModel(result: SweepResult, name: string): PlotModel {
  const param = result.space.find((p) => p.name === name) ?? result.space[0]!;
  const categories = param.values.map((v) => String(v));
  const measured = measuredIndices(result);
  const best = bestIndex(result);
  const byCategory = new Map<number, number[]>();
  for (const i of measured) {
    const c = param.values.indexOf(result.points[i]!.params[param.name]!);
    byCategory.set(c, [...(byCategory.get(c) ?? []), i]);
  }
  // Within a column, the order of the other parameters' values in the space (the first other parameter first).
  const others = result.space.filter((p) => p.name !== param.name);
  const rank = (i: number): number[] => others.map((o) => o.values.indexOf(result.points[i]!.params[o.name]!));
  for (const indices of byCategory.values()) {
    indices.sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      for (let k = 0; k < ra.length; k++) if (ra[k] !== rb[k]) return ra[k]! - rb[k]!;
      return a - b;
    });
  }
  const points: PlotPoint[] = [];
  for (const [c, indices] of byCategory) {
    const step = Math.min(0.12, 0.7 / Math.max(1, indices.length));
    indices.forEach((i, rank) => {
      points.push({ index: i, x: c + (rank - (indices.length - 1) / 2) * step, y: result.points[i]!.measuredMs!, role: roleOf(i, best, new Set()) });
    });
  }
  points.sort((a, b) => a.x - b.x || a.y - b.y);
  const [yMin, yMax] = logExtent(points.map((p) => p.y));
  return {
    x: { scale: "category", min: -0.5, max: categories.length - 0.5, title: param.name, categories, unit: "number" },
    y: { scale: "log", min: yMin, max: yMax, title: "Measured time", unit: "ms" },
    points,
    lines: [],
  };
}

/**
 * Measured against predicted time on equal log axes, with the line y = x: a point above the line ran slower than
 * the model said, one below it faster.
 */
export function predictedModel(result: SweepResult): PlotModel {
  const best = bestIndex(result);
  const points: PlotPoint[] = measuredIndices(result)
    .filter((i) => result.points[i]!.predictedMs !== null)
    .map((i) => ({ index: i, x: result.points[i]!.predictedMs!, y: result.points[i]!.measuredMs!, role: roleOf(i, best, new Set()) }));
  points.sort((a, b) => a.x - b.x || a.y - b.y);
  const [min, max] = logExtent(points.flatMap((p) => [p.x, p.y]));
  return {
    x: { scale: "log", min, max, title: "Predicted time", unit: "ms" },
    y: { scale: "log", min, max, title: "Measured time", unit: "ms" },
    points,
    lines: [{ kind: "identity", xy: [[min, min], [max, max]] }],
  };
}

function unitOf(objective: SweepObjective): PlotAxis["unit"] {
  if (objective.unit === "ms") return "ms";
  if (objective.unit === "bytes") return "bytes";
  return "number";
}

/** An objective's axis: log when its values are positive and span a decade or more, else linear from zero. */
function objectiveAxis(objective: SweepObjective, values: readonly number[]): PlotAxis {
  const positive = values.length > 0 && values.every((v) => v > 0);
  const spread = positive ? Math.max(...values) / Math.min(...values) : 0;
  // Times and byte counts carry their units on every tick; other units go in the title.
  const title = objective.unit === "" || objective.unit === "ms" || objective.unit === "bytes" ? objective.label : `${objective.label} (${objective.unit})`;
  if (positive && (spread >= 10 || objective.unit === "ms")) {
    const [min, max] = objective.unit === "bytes" ? log2Extent(values) : logExtent(values);
    return { scale: "log", min, max, title, unit: unitOf(objective) };
  }
  const [min, max] = linearExtent(values);
  return { scale: "linear", min, max, title, unit: unitOf(objective) };
}

/**
 * The two objectives against each other, every feasible point that has both, the front's points marked and joined
 * by a step line: the edge of the region the front dominates, from the top of the chart down through each front
 * point to the right edge. Null for a result without two objectives.
 */
export function paretoModel(result: SweepResult): PlotModel | null {
  const objectives = result.objectives;
  if (!objectives) return null;
  const [kx, ky] = [objectives[0].key, objectives[1].key];
  const best = bestIndex(result);
  const front = new Set(result.pareto);
  const points: PlotPoint[] = [];
  result.points.forEach((p, i) => {
    const x = p.objectives?.[kx];
    const y = p.objectives?.[ky];
    if (p.feasible && x !== undefined && y !== undefined) points.push({ index: i, x, y, role: roleOf(i, best, front) });
  });
  points.sort((a, b) => a.x - b.x || a.y - b.y);
  const x = objectiveAxis(objectives[0], points.map((p) => p.x));
  const y = objectiveAxis(objectives[1], points.map((p) => p.y));
  const frontPoints = points.filter((p) => front.has(p.index)).sort((a, b) => a.x - b.x || b.y - a.y);
  const lines: PlotLine[] = [];
  if (frontPoints.length > 0) {
    const xy: [number, number][] = [[frontPoints[0]!.x, y.max]];
    frontPoints.forEach((p, i) => {
      if (i > 0) xy.push([p.x, frontPoints[i - 1]!.y]);
      xy.push([p.x, p.y]);
    });
    xy.push([x.max, frontPoints[frontPoints.length - 1]!.y]);
    lines.push({ kind: "front", xy });
  }
  return { x, y, points, lines };
}
