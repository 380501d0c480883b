// The roofline's geometry in data units: the points to draw, the roofs as segments, the default extent and log ticks.
//
// Pure functions of the page's data (no DOM, no uPlot), so the chart and the tests derive positions the same way.
import type { RooflineCeilings } from "../../../server/src/protocol";
import type { RooflineKernelView } from "./protocol";
import { formatNumber } from "../../../server/src/core/format";
import { formatBandwidth, formatPeak, measuredOf } from "./view";
import type { RooflineWords } from "./words";

export type PointKind = "predicted" | "measured";

export interface ChartPoint {
  /** Index of the kernel in the data's `kernels`. */
  kernel: number;
  kind: PointKind;
  ai: number;
  gflops: number;
}

/** The visible part of both axes, in data units: [min, max] of intensity (x) and of GFLOP/s (y). */
export interface Extent {
  x: [number, number];
  y: [number, number];
}

export interface RoofSegment {
  key: string;
  label: string;
  /**
   * Shorter texts to try, in order, where the full label does not fit: without "measured" (the dashes say it), with the
   * memory's name cut, and at last the figure alone (the full text stays in the chart's description and data-full).
   */
  shortLabels: string[];
  kind: "compute" | "bandwidth";
  source: "datasheet" | "measured";
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Every point to draw: a kernel's predicted point and its measured one, each where it has one. */
export function chartPoints(kernels: readonly RooflineKernelView[]): ChartPoint[] {
  const points: ChartPoint[] = [];
  kernels.forEach((k, kernel) => {
    if (k.predicted) points.push({ kernel, kind: "predicted", ai: k.predicted.ai, gflops: k.predicted.gflops });
    const m = measuredOf(k);
    if (m) points.push({ kernel, kind: "measured", ai: m.ai, gflops: m.gflops });
  });
  return points;
}

/**
 * A set of roofs as segments: each compute peak runs flat from where it meets the DRAM roof to the right edge; each
 * bandwidth roof rises from the left edge to the highest peak. Measured roofs carry "measured" in their labels.
 */
export function roofSegments(c: RooflineCeilings, xMin: number, xMax: number, words: Pick<RooflineWords, "workgroupMemory">): RoofSegment[] {
  const prefix = c.source === "measured" ? "measured " : "";
  const f16 = c.computeGflops.f16;
  const peaks: { name: string; value: number }[] =
    f16 === null || f16 === c.computeGflops.f32
      ? [{ name: f16 === null ? "f32" : "f32/f16", value: c.computeGflops.f32 }]
      : [
          { name: "f32", value: c.computeGflops.f32 },
          { name: "f16", value: f16 },
        ];
  const top = Math.max(...peaks.map((p) => p.value));
  const segments: RoofSegment[] = peaks.map((p) => ({
    key: `${c.source}-${p.name}`,
    label: `${prefix}${p.name} ${formatPeak(p.value)}`,
    shortLabels: shorter(`${prefix}${p.name} ${formatPeak(p.value)}`, [`${p.name} ${formatPeak(p.value)}`, formatPeak(p.value)]),
    kind: "compute",
    source: c.source,
    x1: p.value / c.dramGBps,
    y1: p.value,
    x2: xMax,
    y2: p.value,
  }));
  const bandwidth = (key: string, name: string, gbps: number): RoofSegment => ({
    key: `${c.source}-${key}`,
    label: `${prefix}${name} ${formatBandwidth(gbps)}`,
    // "workgroup memory" -> "workgroup", "shared memory" -> "shared": the roof's place still says which memory.
    shortLabels: shorter(`${prefix}${name} ${formatBandwidth(gbps)}`, [`${name} ${formatBandwidth(gbps)}`, `${name.replace(/ memory$/, "")} ${formatBandwidth(gbps)}`, formatBandwidth(gbps)]),
    kind: "bandwidth",
    source: c.source,
    x1: xMin,
    y1: gbps * xMin,
    x2: top / gbps,
    y2: top,
  });
  segments.push(bandwidth("dram", "DRAM", c.dramGBps));
  if (c.workgroupGBps !== null) segments.push(bandwidth("workgroup", words.workgroupMemory, c.workgroupGBps));
  return segments;
}

/** The distinct texts of `candidates` that are shorter than `full`, in order. */
function shorter(full: string, candidates: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of candidates) if (c.length < full.length && !out.includes(c)) out.push(c);
  return out;
}

/** The f32 ridge point, where the DRAM roof meets the f32 peak: kernels left of it are memory-bound on this device. */
export interface Ridge {
  ai: number;
  gflops: number;
  label: string;
  shortLabels: string[];
}

export function ridgeOf(c: RooflineCeilings): Ridge {
  const ai = c.computeGflops.f32 / c.dramGBps;
  const label = `${c.source === "measured" ? "measured " : ""}f32 ridge ${formatNumber(ai)} FLOP/byte`;
  return { ai, gflops: c.computeGflops.f32, label, shortLabels: shorter(label, [`ridge ${formatNumber(ai)} FLOP/byte`, `ridge ${formatNumber(ai)}`]) };
}

const decade = (v: number, round: (x: number) => number): number => 10 ** round(Math.log10(v));

/**
 * The extent that shows every point, every ridge and the peaks with room above for their labels. Intensity and the
 * lower rate bound snap to whole decades, so the grid starts and ends on labelled lines.
 */
export function defaultExtent(points: readonly ChartPoint[], ceilings: readonly RooflineCeilings[]): Extent {
  const xs = [0.1, 100, ...points.map((p) => p.ai)];
  const ys = points.map((p) => p.gflops);
  let top = 0;
  for (const c of ceilings) {
    const peak = Math.max(c.computeGflops.f32, c.computeGflops.f16 ?? 0);
    top = Math.max(top, peak);
    xs.push(peak / c.dramGBps);
    if (c.workgroupGBps !== null) xs.push(peak / c.workgroupGBps);
  }
  if (top === 0) top = Math.max(1, ...ys);
  const xMin = decade(Math.min(...xs) / 1.5, Math.floor);
  const xMax = decade(Math.max(...xs) * 1.5, Math.ceil);
  // Three decades under the highest roof at least, so a chart of a few fast kernels still shows the slope.
  const yMin = decade(Math.min(top / 1000, ...ys.map((y) => y / 1.5)), Math.floor);
  return { x: [xMin, xMax], y: [yMin, top * 3] };
}

/** A tick label: `100k` rather than `100,000`, so the y axis stays narrow in a side-bar-wide panel. */
export function tickLabel(v: number): string {
  if (v >= 1e9) return `${formatNumber(v / 1e9)}G`;
  if (v >= 1e6) return `${formatNumber(v / 1e6)}M`;
  if (v >= 1e4) return `${formatNumber(v / 1e3)}k`;
  return formatNumber(v);
}

/** Grid lines and ticks on whole decades, or on 1-2-5 steps when the zoom leaves fewer than two decades in view. */
export function logSplits(min: number, max: number): number[] {
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const splits: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      for (const m of mantissas) {
        // Built from a string so 0.1 * 3 does not become 0.30000000000000004 in a tick label.
        const v = Number(`${m}e${e}`);
        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) splits.push(v);
      }
    }
    if (splits.length >= 2) return splits;
  }
  return [min, max];
}

/**
 * The roofline's grid: `logSplits`, and where a zoom leaves less than that gives three lines, even steps of 1, 2 or 5
 * times a power of ten (9 to 18 gets 10, 12, 14, 16, 18 instead of 9 and 10 alone).
 */
export function chartSplits(min: number, max: number): number[] {
  const log = logSplits(min, max);
  if (log.length >= 3 || !(max > min)) return log;
  const raw = (max - min) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  // The 1-2-5 step nearest to a quarter of the range.
  const step = [1, 2, 5, 10].map((m) => m * power).reduce((a, b) => (Math.abs(Math.log(b / raw)) < Math.abs(Math.log(a / raw)) ? b : a));
  const even: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max * (1 + 1e-9); k++) even.push(Number((k * step).toPrecision(12)));
  return even.length > log.length ? even : log;
}
