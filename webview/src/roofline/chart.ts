// Draws the roofline with uPlot: log-log axes and grid from uPlot, roofs, labels and kernel points drawn here; hover, click, zoom and keys.
//
// uPlot was chosen for its size, speed and clean behaviour under the panels' strict CSP (docs/charting.md). It has no
// scatter marks of its own, so points are drawn in its `draw` hook (two batched paths, not one path per point) and
// found under the mouse by a scan over their pixel positions. Roof, ridge and point labels, hover rings and the
// tooltip are DOM elements over the canvas: they stay crisp, follow the theme through CSS, and tests can read them.
//
// The chart takes the panel's width and as much of its height as the first screen leaves (ResizeObserver); labels
// are placed so that none overlaps another (labelPlacement.ts), and tick labels are thinned where they would touch.
// The tooltip shows only while the pointer is on a point or a point has keyboard focus, and sits in viewport
// coordinates, placed so the panel's edge never clips it (tooltipPlacement.ts).
import uPlot from "uplot";
import { h, setChildren } from "../shared/dom";
import { chartPoints, chartSplits, defaultExtent, ridgeOf, roofSegments, tickLabel, type ChartPoint, type Extent, type Ridge, type RoofSegment } from "./geometry";
import { placeLabels, pointCost, roofCost, thinTicks, type Candidate, type LabelRequest, type Line, type Vec } from "./labelPlacement";
import type { RooflineData } from "./protocol";
import { placeTooltip } from "./tooltipPlacement";
import { chartSources, tooltipContent } from "./view";
import { rooflineWords } from "./words";

export type { ChartPoint, Extent, PointKind, RoofSegment } from "./geometry";

interface Theme {
  text: string;
  grid: string;
  roof: string;
  roofMeasured: string;
  predicted: string;
  measured: string;
  font: string;
}

export interface ChartCallbacks {
  /** A point was clicked, or Enter pressed on the focused one. */
  onActivate(kernel: number): void;
  /** The person zoomed (a drag), or reset the zoom (double-click, Escape twice, the Reset button): null. */
  onZoom(extent: Extent | null): void;
  /** Keyboard focus moved to a point (or off all points: null); the text is for the live region. */
  onFocusPoint(point: ChartPoint | null, position: number, total: number): void;
}

/** Pixels within which the mouse "hits" a point: a little more than its radius, so small points are easy to catch. */
const hitRadius = 7;
const pointRadius = 3.5;
/** A press that moves more than this is a zoom drag, not a click on a point. */
const clickSlop = 4;
/** The chart's height: at least this, at most this, and no taller than this many times its width. */
const minHeight = 200;
const maxHeight = 1400;
const maxAspect = 1;
/** Room left under the chart on the first screen for the x-axis title and the legend's first line. */
const roomBelow = 64;
/** Points are named on the chart while a file has at most this many kernels in view; past it only the focused one is. */
const namedPointLimit = 40;
/** A kernel name longer than this is cut (with an ellipsis) where the whole name does not fit. */
const shortNameLength = 14;
const xAxisSize = 30;
const plotPaddingTop = 14;
const tickSize = 4;
const axisGap = 4;

interface LabelSpec {
  request: LabelRequest;
  classes: string[];
  texts: string[];
  dataset: Record<string, string>;
}

export class RooflineChart {
  private readonly plot: uPlot;
  private readonly labelLayer: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly rings: [HTMLElement, HTMLElement];
  private data: RooflineData | null = null;
  private points: ChartPoint[] = [];
  /** Point indices in keyboard order: by intensity, then by rate. */
  private order: number[] = [];
  private segments: RoofSegment[] = [];
  private ridge: Ridge | null = null;
  private extent: Extent = { x: [0.01, 1000], y: [1, 1e5] };
  /** Pixel positions of the points (plot-area CSS pixels), refreshed on every draw. */
  private px = new Float64Array(0);
  private py = new Float64Array(0);
  /** The point under the pointer. */
  private hover: number | null = null;
  /** The point picked (keys, a click, the host's select): ringed while it is. */
  private active: number | null = null;
  /** Whether the active point was reached from the keyboard: only then does it show its tooltip while the chart has focus. */
  private keyboard = false;
  /** Which point's facts the tooltip holds, so a redraw does not rebuild them. */
  private tooltipFor: number | null = null;
  private theme: Theme;
  private programmatic = false;
  private pressedAt: { x: number; y: number } | null = null;
  private readonly resizeObserver: ResizeObserver;
  /** Label sizes by class and text, measured once per theme (the font may change with it). */
  private readonly labelSizes = new Map<string, { width: number; height: number }>();
  private readonly measureContext: CanvasRenderingContext2D | null = document.createElement("canvas").getContext("2d");
  private plotLeft = -1;
  /** uPlot draws once while it is being built, before the overlay elements below exist. */
  private built = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly callbacks: ChartCallbacks,
  ) {
    this.theme = this.readTheme();
    const axis = (scale: "x" | "y"): uPlot.Axis => ({
      scale,
      size: scale === "x" ? xAxisSize : (_u, values) => this.yAxisSize(values),
      gap: axisGap,
      font: this.theme.font,
      stroke: () => this.theme.text,
      grid: { stroke: () => this.theme.grid, width: 1 },
      ticks: { stroke: () => this.theme.grid, width: 1, size: tickSize },
      splits: (_u, _i, min, max) => chartSplits(min, max),
      // Every split reaches `values`, which leaves out the labels that would touch (uPlot's own filter knows no widths).
      filter: (_u, splits) => splits,
      values: (u, splits) => this.tickValues(u, scale, splits),
    });
    const { width, height } = this.size();
    this.plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        padding: [plotPaddingTop, 18, 0, 0],
        cursor: {
          x: false,
          y: false,
          points: { show: false },
          drag: { x: true, y: true, uni: 16 },
          // Double-click resets the zoom here (to the data's extent), not to uPlot's auto range.
          bind: { dblclick: () => null },
        },
        scales: {
          x: { time: false, distr: 3, log: 10, range: (_u, min, max) => [min, max] },
          y: { distr: 3, log: 10, range: (_u, min, max) => [min, max] },
        },
        axes: [axis("x"), axis("y")],
        // One invisible series holds the y extent: uPlot ranges scales from data, and the points are drawn by hand.
        series: [{}, { scale: "y", paths: () => null, points: { show: false } }],
        hooks: {
          draw: [() => this.draw()],
          setScale: [(_u, key) => this.scaleChanged(key)],
        },
      },
      [
        [0.01, 1000],
        [1, 1e5],
      ],
      host,
    );
    this.labelLayer = h("div", { class: "roof-labels", attrs: { "aria-hidden": "true" } });
    this.rings = [h("div", { class: "point-ring", attrs: { hidden: true } }), h("div", { class: "point-ring partner", attrs: { hidden: true } })];
    this.tooltip = h("div", { class: "chart-tooltip", attrs: { role: "tooltip", hidden: true } });
    this.plot.over.append(this.labelLayer, ...this.rings, this.tooltip);
    this.listen();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(host);
    this.built = true;
  }

  get pointCounts(): { predicted: number; measured: number } {
    let predicted = 0;
    for (const p of this.points) if (p.kind === "predicted") predicted++;
    return { predicted, measured: this.points.length - predicted };
  }

  /** The visible extent now (after zooms), in data units. */
  get currentExtent(): Extent {
    const { x, y } = this.plot.scales;
    return { x: [x.min ?? this.extent.x[0], x.max ?? this.extent.x[1]], y: [y.min ?? this.extent.y[0], y.max ?? this.extent.y[1]] };
  }

  /** Shows new data; `zoom` restores a zoomed view, null shows everything. Keeps the focused kernel when it is still there. */
  setData(data: RooflineData, zoom: Extent | null): void {
    const focused = this.active !== null ? this.pointKey(this.points[this.active]!) : null;
    // The header above may have grown or shrunk with the new data (its summary line): the chart's room changes with it.
    this.resize();
    this.data = data;
    this.points = chartPoints(data.kernels);
    this.order = this.points.map((_, i) => i).sort((a, b) => this.points[a]!.ai - this.points[b]!.ai || this.points[a]!.gflops - this.points[b]!.gflops);
    const ceilings = [data.device.ceilings, ...(data.measuredCeilings ? [data.measuredCeilings] : [])];
    this.extent = defaultExtent(this.points, ceilings);
    const words = rooflineWords(data.language);
    this.segments = ceilings.flatMap((c) => roofSegments(c, this.extent.x[0], this.extent.x[1], words));
    this.ridge = ridgeOf(data.device.ceilings);
    this.hover = null;
    this.active = focused === null ? null : this.findPoint(focused);
    if (this.active === null) this.keyboard = false;
    this.tooltipFor = null;
    this.programmatic = true;
    try {
      this.plot.batch(() => {
        this.plot.setData([this.extent.x, this.extent.y]);
        if (zoom) this.applyExtent(zoom);
      });
    } finally {
      this.programmatic = false;
    }
    this.refreshPointer();
  }

  resetZoom(): void {
    this.programmatic = true;
    try {
      this.applyExtent(this.extent);
    } finally {
      this.programmatic = false;
    }
    this.callbacks.onZoom(null);
  }

  /** Points out a kernel (opened from its code lens): its predicted point, else its measured one, ringed and named. */
  select(name: string): boolean {
    const kernel = this.data?.kernels.findIndex((k) => k.name === name) ?? -1;
    const index = this.points.findIndex((p) => p.kernel === kernel);
    if (index < 0) return false;
    this.setActive(index, false);
    return true;
  }

  /** Re-reads the theme's colours and font (VS Code changed theme) and redraws. */
  refreshTheme(): void {
    this.theme = this.readTheme();
    this.labelSizes.clear();
    for (const axis of this.plot.axes) axis.font = this.theme.font;
    this.plot.redraw(false, true);
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    window.removeEventListener("resize", this.onWindowResize);
    window.removeEventListener("scroll", this.onScroll, true);
    this.plot.destroy();
  }

  private pointKey(p: ChartPoint): string {
    return `${this.data?.kernels[p.kernel]?.name ?? ""}\u0000${p.kind}`;
  }

  private findPoint(key: string): number | null {
    const i = this.points.findIndex((p) => this.pointKey(p) === key);
    return i < 0 ? null : i;
  }

  private applyExtent(e: Extent): void {
    this.plot.batch(() => {
      this.plot.setScale("x", { min: e.x[0], max: e.x[1] });
      this.plot.setScale("y", { min: e.y[0], max: e.y[1] });
    });
  }

  private scaleChanged(key: string): void {
    if (this.programmatic || key !== "y") return;
    // uPlot sets x, then y, after a drag: reporting on y reports the finished zoom once.
    this.callbacks.onZoom(this.currentExtent);
  }

  /**
   * The panel's width, and the height the first screen leaves under whatever is above the chart (the header), within
   * [minHeight, maxHeight] and no taller than `maxAspect` times the width. A chart far down a page (the report) takes
   * most of a screen instead.
   */
  private size(): { width: number; height: number } {
    const width = Math.max(120, Math.floor(this.host.clientWidth || 640));
    const screen = document.documentElement.clientHeight || window.innerHeight || 600;
    const top = this.host.getBoundingClientRect().top + window.scrollY;
    const room = screen - Math.min(Math.max(top, 0), screen * 0.4) - roomBelow;
    return { width, height: Math.round(Math.max(minHeight, Math.min(room, width * maxAspect, maxHeight))) };
  }

  private resize(): void {
    const next = this.size();
    if (next.width !== this.plot.width || next.height !== this.plot.height) this.plot.setSize(next);
  }

  private readonly onWindowResize = (): void => this.resize();

  /** A scroll moves the points under a still pointer: the hovered one is no longer hovered; a focused one's card follows. */
  private readonly onScroll = (): void => {
    if (this.hover !== null) this.setHover(null);
    else if (!this.tooltip.hidden) this.placeTooltip();
  };

  private readTheme(): Theme {
    const style = getComputedStyle(this.host);
    const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
    const text = v("--roofline-text", style.color);
    return {
      text,
      grid: v("--roofline-grid", text),
      roof: v("--roofline-roof", text),
      roofMeasured: v("--roofline-roof-measured", text),
      predicted: v("--roofline-predicted", text),
      measured: v("--roofline-measured", text),
      font: `${style.fontSize || "12px"} ${style.fontFamily || "sans-serif"}`,
    };
  }

  private textWidth(text: string): number {
    const ctx = this.measureContext;
    if (!ctx) return text.length * 7;
    ctx.font = this.theme.font;
    return ctx.measureText(text).width;
  }

  private fontSize(): number {
    return parseFloat(this.theme.font) || 11;
  }

  /** The y axis is as wide as its widest tick label, so a narrow panel gives the plot every pixel it can. */
  private yAxisSize(values: readonly (string | number | null)[] | undefined): number {
    let widest = 0;
    for (const v of values ?? []) if (v !== null) widest = Math.max(widest, this.textWidth(String(v)));
    return Math.ceil(widest + tickSize + axisGap + 6);
  }

  /** Tick labels, with those that would touch a neighbour left out (null: uPlot draws no text there); whole decades win. */
  private tickValues(u: uPlot, scale: "x" | "y", splits: (number | null)[]): (string | null)[] {
    if (splits.some((v) => v === null)) return splits.map((v) => (v === null ? null : tickLabel(v)));
    return this.thinnedTicks(u, scale, splits as number[]);
  }

  private thinnedTicks(u: uPlot, scale: "x" | "y", splits: number[]): (string | null)[] {
    const texts = splits.map((v) => tickLabel(v));
    const { min, max } = u.scales[scale];
    const length = (scale === "x" ? u.bbox.width : u.bbox.height) / uPlot.pxRatio;
    if (min === null || min === undefined || max === null || max === undefined || !(max > min) || !(length > 0)) return texts;
    const span = Math.log10(max) - Math.log10(min);
    const line = this.fontSize() * 1.25;
    const spans = splits.map((v, i): [number, number] => {
      const at = ((Math.log10(v) - Math.log10(min)) / span) * length;
      const half = scale === "x" ? this.textWidth(texts[i]!) / 2 : line / 2;
      return [at - half, at + half];
    });
    const priorities = splits.map((v) => (Number.isInteger(Math.round(Math.log10(v) * 1e9) / 1e9) ? 0 : 1));
    const keep = thinTicks(spans, priorities, scale === "x" ? 8 : 3);
    return texts.map((t, i) => (keep[i] ? t : null));
  }

  /** Everything uPlot does not draw: roofs, points, and the DOM labels and rings that follow the scales. */
  private draw(): void {
    if (!this.built) return;
    const u = this.plot;
    const ctx = u.ctx;
    const ratio = uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.lineCap = "round";
    for (const s of this.segments) {
      ctx.beginPath();
      ctx.strokeStyle = s.source === "measured" ? this.theme.roofMeasured : this.theme.roof;
      ctx.lineWidth = (s.kind === "compute" ? 2 : 1.75) * ratio;
      ctx.setLineDash(s.source === "measured" ? [7 * ratio, 5 * ratio] : []);
      ctx.moveTo(u.valToPos(s.x1, "x", true), u.valToPos(s.y1, "y", true));
      ctx.lineTo(u.valToPos(s.x2, "x", true), u.valToPos(s.y2, "y", true));
      ctx.stroke();
    }
    // The ridge: a dotted drop to the intensity axis, where it can be read off.
    if (this.ridge) {
      const rx = u.valToPos(this.ridge.ai, "x", true);
      ctx.beginPath();
      ctx.strokeStyle = this.theme.roof;
      ctx.lineWidth = ratio;
      ctx.setLineDash([2 * ratio, 3 * ratio]);
      ctx.moveTo(rx, u.valToPos(this.ridge.gflops, "y", true));
      ctx.lineTo(rx, top + height);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    const n = this.points.length;
    if (this.px.length !== n) {
      this.px = new Float64Array(n);
      this.py = new Float64Array(n);
    }
    // Measured points go on top: they are fewer and are the facts the predictions are judged against.
    const hollow = new Path2D();
    const filled = new Path2D();
    const r = pointRadius * ratio;
    for (let i = 0; i < n; i++) {
      const p = this.points[i]!;
      const x = u.valToPos(p.ai, "x");
      const y = u.valToPos(p.gflops, "y");
      this.px[i] = x;
      this.py[i] = y;
      const cx = left + x * ratio;
      const cy = top + y * ratio;
      const path = p.kind === "predicted" ? hollow : filled;
      path.moveTo(cx + r, cy);
      path.arc(cx, cy, r, 0, 2 * Math.PI);
    }
    ctx.lineWidth = 1.5 * ratio;
    ctx.strokeStyle = this.theme.predicted;
    ctx.stroke(hollow);
    ctx.fillStyle = this.theme.measured;
    ctx.fill(filled);
    ctx.restore();
    this.followPlotLeft(left / ratio);
    this.placeAllLabels();
    this.placeRings(this.hover ?? this.active);
    if (!this.tooltip.hidden) this.placeTooltip();
  }

  /** The axis title and legend line up with the plot's left edge, which moves with the y axis's width. */
  private followPlotLeft(px: number): void {
    if (px === this.plotLeft) return;
    this.plotLeft = px;
    (this.host.closest("figure") ?? this.host).style.setProperty("--plot-left", `${Math.round(px)}px`);
  }

  /** Sizes of labels' texts as the page lays them out, measured together (one layout) for those not yet known. */
  private measure(specs: readonly { classes: string[]; text: string }[]): { width: number; height: number }[] {
    const key = (s: { classes: string[]; text: string }): string => `${s.classes.join(" ")}\u0000${s.text}`;
    const missing = new Map<string, HTMLElement>();
    for (const s of specs) {
      const k = key(s);
      if (this.labelSizes.has(k) || missing.has(k)) continue;
      missing.set(k, h("div", { class: [...s.classes, "measuring"] }, s.text));
    }
    if (missing.size > 0) {
      this.labelLayer.append(...missing.values());
      for (const [k, el] of missing) this.labelSizes.set(k, { width: el.offsetWidth, height: el.offsetHeight });
      for (const el of missing.values()) el.remove();
    }
    return specs.map((s) => this.labelSizes.get(key(s))!);
  }

  /** The roofs', the ridge's and the points' labels, placed so that none overlaps another; one that fits nowhere is left out. */
  private placeAllLabels(): void {
    const u = this.plot;
    const w = u.bbox.width / uPlot.pxRatio;
    const hgt = u.bbox.height / uPlot.pxRatio;
    const lines: Line[] = this.segments.map((s) => ({
      a: { x: u.valToPos(s.x1, "x"), y: u.valToPos(s.y1, "y") },
      b: { x: u.valToPos(s.x2, "x"), y: u.valToPos(s.y2, "y") },
      cost: roofCost,
    }));
    const ridgeLine = this.ridge ? lines.push({ a: { x: u.valToPos(this.ridge.ai, "x"), y: u.valToPos(this.ridge.gflops, "y") }, b: { x: u.valToPos(this.ridge.ai, "x"), y: hgt }, cost: 1 }) - 1 : -1;
    const pointBoxes = Array.from(this.px, (x, i) => {
      const y = this.py[i]!;
      const r = pointRadius + 1;
      return { left: x - r, top: y - r, right: x + r, bottom: y + r };
    });
    const specs: LabelSpec[] = [];
    // Datasheet roofs first, then measured ones: the device's roofs are what every point is read against.
    const roofOrder = this.segments.map((_, i) => i).sort((a, b) => Number(this.segments[a]!.source === "measured") - Number(this.segments[b]!.source === "measured"));
    for (const i of roofOrder) {
      const spec = this.roofLabel(this.segments[i]!, [lines[i]!.a, lines[i]!.b], i, w, hgt);
      if (spec) specs.push(spec);
    }
    if (this.ridge && ridgeLine >= 0) {
      const spec = this.ridgeLabel(this.ridge, lines[ridgeLine]!.a, ridgeLine);
      if (spec) specs.push(spec);
    }
    specs.push(...this.pointLabels(w, hgt));
    const placed = placeLabels(
      specs.map((s) => s.request),
      // Up into the padding over the plot (no tick labels there), so the top roof's label has room above its line.
      { left: 0, top: -plotPaddingTop + 2, right: w, bottom: hgt },
      { points: pointBoxes, lines },
    );
    const byKey = new Map(specs.map((s) => [s.request.key, s]));
    this.labelLayer.replaceChildren(
      ...placed.map((p) => {
        const spec = byKey.get(p.key)!;
        const c = p.candidate;
        const text = spec.texts[c.text]!;
        const el = h("div", { class: spec.classes, dataset: { ...spec.dataset, full: spec.texts[0]! } }, text);
        el.style.left = `${c.x}px`;
        el.style.top = `${c.y}px`;
        el.style.transform = `rotate(${c.angle}deg) translate(${c.dx}px, ${c.dy}px)`;
        return el;
      }),
    );
  }

  /** Places along a roof's visible part: compute roofs from the right end leftwards, bandwidth roofs from the lower-left end up. */
  private roofLabel(s: RoofSegment, line: readonly [Vec, Vec], lineIndex: number, w: number, hgt: number): LabelSpec | null {
    const classes = ["roof-label", `roof-${s.kind}`, ...(s.source === "measured" ? ["roof-measured"] : [])];
    const texts = [s.label, ...s.shortLabels];
    const sizes = this.measure(texts.map((text) => ({ classes, text })));
    const [{ x: x1, y: y1 }, { x: x2, y: y2 }] = line;
    // Datasheet labels above their line, measured ones below: parallel roofs then seldom want the same place.
    const sides = s.source === "measured" ? (["below", "above"] as const) : (["above", "below"] as const);
    const candidates: Candidate[] = [];
    if (s.kind === "compute") {
      if (y1 < 0 || y1 > hgt) return null;
      const from = Math.max(x1, 0);
      const to = Math.min(x2, w);
      if (to - from < 12) return null;
      const step = Math.max(16, (to - from) / 6);
      texts.forEach((_, text) => {
        const { width, height } = sizes[text]!;
        for (const side of sides) {
          // Close to the line first, then clear of the points that sit on it (kernels at the roof).
          for (const off of [2, 7]) {
            // Right ends along the flat part; a label longer than it reaches over the slope (above it, the chart is empty).
            for (let right = to - 4; right >= Math.min(from + width, to - 4) && right - width >= 0; right -= step) {
              candidates.push({ text, width, height, x: right, y: y1, angle: 0, dx: -width, dy: side === "above" ? -height - off : off + 1 });
            }
          }
        }
      });
    } else {
      // The visible part of the line: clip to the plot area in pixel space.
      const t0 = Math.max(0, x1 < 0 ? -x1 / (x2 - x1) : 0, y1 > hgt ? (y1 - hgt) / (y1 - y2) : 0);
      const t1 = Math.min(1, x2 > w ? (w - x1) / (x2 - x1) : 1, y2 < 0 ? y1 / (y1 - y2) : 1);
      const length = Math.hypot(x2 - x1, y2 - y1);
      if (!(length > 0) || t1 <= t0) return null;
      const visible = (t1 - t0) * length;
      const angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
      const step = Math.max(12, visible / 12);
      texts.forEach((_, text) => {
        const { width, height } = sizes[text]!;
        for (const side of sides) {
          for (const off of [1, 7]) {
            // From just inside the lower-left end: kernels seldom sit at the lowest intensities, so the text stays clear.
            for (let along = 6; along + width <= visible - 2; along += step) {
              const t = t0 + along / length;
              candidates.push({ text, width, height, x: x1 + (x2 - x1) * t, y: y1 + (y2 - y1) * t, angle, dx: 0, dy: side === "above" ? -height - off : off + 1 });
            }
          }
        }
      });
    }
    return { request: { key: `roof:${s.key}`, candidates, maxCost: Infinity, coversPoints: true, ownLine: lineIndex }, classes, texts, dataset: { roof: s.key } };
  }

  /** The ridge's label beside its point, under the flat roof first (where kernels are fewest). */
  private ridgeLabel(ridge: Ridge, at: Vec, lineIndex: number): LabelSpec | null {
    const classes = ["ridge-label"];
    const texts = [ridge.label, ...ridge.shortLabels];
    const sizes = this.measure(texts.map((text) => ({ classes, text })));
    const candidates: Candidate[] = [];
    texts.forEach((_, text) => {
      const { width, height } = sizes[text]!;
      const place = (dx: number, dy: number): void => void candidates.push({ text, width, height, x: at.x, y: at.y, angle: 0, dx, dy });
      for (let k = 0; k < 2; k++) {
        place(5, 6 + k * (height + 2));
        place(-width - 5, 6 + k * (height + 2));
      }
    });
    // Beside the ridge or not at all (the summary line states it too): never over a point or across a roof.
    return { request: { key: "ridge", candidates, maxCost: roofCost - 1, ownLine: lineIndex }, classes, texts, dataset: {} };
  }

  /**
   * Kernel names beside their points: one per kernel (its predicted point, else its measured one), the focused kernel
   * first. A name goes only where it covers no other point; one that fits nowhere is left to the tooltip and the table.
   */
  private pointLabels(w: number, hgt: number): LabelSpec[] {
    if (!this.data) return [];
    const inView = (i: number): boolean => this.px[i]! >= 0 && this.px[i]! <= w && this.py[i]! >= 0 && this.py[i]! <= hgt;
    const named = new Map<number, number>();
    this.points.forEach((p, i) => {
      if (!named.has(p.kernel) && inView(i)) named.set(p.kernel, i);
    });
    let indices = [...named.values()];
    const active = this.active;
    if (indices.length > namedPointLimit) indices = active !== null && inView(active) ? [active] : [];
    if (active !== null && inView(active)) {
      // The focused kernel's own point (the one ringed), placed first.
      indices = [active, ...indices.filter((i) => this.points[i]!.kernel !== this.points[active]!.kernel)];
    }
    return indices.map((i) => {
      const p = this.points[i]!;
      const name = this.data!.kernels[p.kernel]!.name;
      const classes = ["point-label", `point-${p.kind}`, ...(i === active ? ["active"] : [])];
      const texts = name.length > shortNameLength + 2 ? [name, `${name.slice(0, shortNameLength)}…`] : [name];
      const sizes = this.measure(texts.map((text) => ({ classes, text })));
      const gap = pointRadius + 3;
      const candidates: Candidate[] = [];
      texts.forEach((_, text) => {
        const { width, height } = sizes[text]!;
        const place = (dx: number, dy: number): void => void candidates.push({ text, width, height, x: this.px[i]!, y: this.py[i]!, angle: 0, dx, dy });
        place(gap, -height / 2);
        place(-gap - width, -height / 2);
        place(-width / 2, -gap - height);
        place(-width / 2, gap);
        place(gap - 2, -gap - height + 2);
        place(gap - 2, gap - 2);
        place(-gap - width + 2, -gap - height + 2);
        place(-gap - width + 2, gap - 2);
      });
      return {
        request: { key: `point:${i}`, candidates, maxCost: pointCost - 1, ownPoint: i },
        classes,
        texts,
        dataset: { kernel: name, kind: p.kind },
      };
    });
  }

  private placeRings(index: number | null): void {
    const [ring, partner] = this.rings;
    const show = (el: HTMLElement, i: number | null): void => {
      const visible = i !== null && this.inView(i);
      el.hidden = !visible;
      if (visible) {
        el.style.left = `${this.px[i]!}px`;
        el.style.top = `${this.py[i]!}px`;
      }
    };
    show(ring, index);
    // The same kernel's other point: prediction and measurement read as a pair.
    const p = index === null ? undefined : this.points[index];
    const other = p ? this.points.findIndex((q) => q.kernel === p.kernel && q.kind !== p.kind) : -1;
    show(partner, other < 0 ? null : other);
  }

  private inView(i: number): boolean {
    const x = this.px[i]!;
    const y = this.py[i]!;
    return x >= 0 && y >= 0 && x <= this.plot.bbox.width / uPlot.pxRatio && y <= this.plot.bbox.height / uPlot.pxRatio;
  }

  /** The point whose tooltip shows: the one under the pointer, else the keyboard's while the chart has focus; else none. */
  private tooltipIndex(): number | null {
    if (this.hover !== null) return this.hover;
    return this.keyboard && this.active !== null && document.activeElement === this.host ? this.active : null;
  }

  /** Rings and tooltip after the pointer, the focus or the picked point changed. */
  private refreshPointer(): void {
    this.placeRings(this.hover ?? this.active);
    const index = this.tooltipIndex();
    const p = index === null ? undefined : this.points[index];
    const kernel = p ? this.data?.kernels[p.kernel] : undefined;
    if (index === null || !p || !kernel || !this.data || !this.inView(index)) {
      this.tooltip.hidden = true;
      this.tooltipFor = null;
      return;
    }
    if (this.tooltipFor !== index) {
      setChildren(this.tooltip, tooltipContent(kernel, p.kind, rooflineWords(this.data.language), chartSources(this.data)));
      this.tooltipFor = index;
    }
    this.tooltip.hidden = false;
    this.placeTooltip();
  }

  /** Beside its point, in viewport coordinates, flipped and clamped so the panel's edge never clips it. */
  private placeTooltip(): void {
    const index = this.tooltipFor;
    if (index === null || !this.inView(index)) {
      this.tooltip.hidden = true;
      return;
    }
    const over = this.plot.over.getBoundingClientRect();
    const root = document.documentElement;
    // Measured at the viewport's corner: a fixed box shrinks to fit the room right of where it last was.
    this.tooltip.style.left = "0px";
    this.tooltip.style.top = "0px";
    const place = placeTooltip(
      { x: over.left + this.px[index]!, y: over.top + this.py[index]! },
      { width: this.tooltip.offsetWidth, height: this.tooltip.offsetHeight },
      { width: root.clientWidth || window.innerWidth, height: root.clientHeight || window.innerHeight },
    );
    this.tooltip.style.left = `${place.left}px`;
    this.tooltip.style.top = `${place.top}px`;
  }

  /** The point nearest to a plot-area pixel, within the hit radius. */
  private pointAt(x: number, y: number): number | null {
    let best: number | null = null;
    let bestDistance = hitRadius * hitRadius;
    // Measured points are drawn on top, so on a tie the later (measured) one wins, as it is the one seen.
    for (let i = 0; i < this.px.length; i++) {
      const dx = this.px[i]! - x;
      const dy = this.py[i]! - y;
      const d = dx * dx + dy * dy;
      if (d <= bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    return best;
  }

  private mouse(event: MouseEvent): { x: number; y: number } {
    const rect = this.plot.over.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private setHover(index: number | null): void {
    if (index === this.hover) return;
    this.hover = index;
    // The pointer on a point takes over from the keyboard: leaving it then closes the card, with nothing left open.
    if (index !== null) this.keyboard = false;
    this.plot.over.classList.toggle("over-point", index !== null);
    this.refreshPointer();
  }

  private setActive(index: number | null, fromKeyboard: boolean): void {
    this.active = index;
    this.keyboard = fromKeyboard && index !== null;
    this.refreshPointer();
    // The picked kernel's name is placed before the others'.
    this.plot.redraw(false, false);
    const position = index === null ? 0 : this.order.indexOf(index) + 1;
    this.callbacks.onFocusPoint(index === null ? null : this.points[index]!, position, this.points.length);
  }

  private listen(): void {
    const over = this.plot.over;
    over.addEventListener("mousemove", (e) => {
      const { x, y } = this.mouse(e);
      this.setHover(this.pointAt(x, y));
    });
    over.addEventListener("mouseleave", () => this.setHover(null));
    over.addEventListener("mousedown", (e) => {
      this.pressedAt = { x: e.clientX, y: e.clientY };
      this.keyboard = false;
    });
    over.addEventListener("click", (e) => {
      const from = this.pressedAt;
      this.pressedAt = null;
      if (from && Math.hypot(e.clientX - from.x, e.clientY - from.y) > clickSlop) return;
      const { x, y } = this.mouse(e);
      const index = this.pointAt(x, y);
      if (index === null) return;
      this.active = index;
      this.keyboard = false;
      this.refreshPointer();
      this.callbacks.onActivate(this.points[index]!.kernel);
    });
    over.addEventListener("dblclick", () => this.resetZoom());
    this.host.addEventListener("keydown", (e) => this.onKey(e));
    this.host.addEventListener("blur", () => {
      this.keyboard = false;
      this.refreshPointer();
    });
    this.host.addEventListener("focus", () => {
      // Tabbing back to the chart shows the point it left off at; a click's focus does not (the pointer decides then).
      if (this.active !== null && this.host.matches(":focus-visible")) this.keyboard = true;
      this.refreshPointer();
    });
    window.addEventListener("resize", this.onWindowResize);
    window.addEventListener("scroll", this.onScroll, { capture: true, passive: true });
  }

  /** Arrow keys walk the points by intensity, Home/End jump, Enter opens the kernel, Escape lets go (then resets zoom). */
  private onKey(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey || this.order.length === 0) return;
    const at = this.active === null ? -1 : this.order.indexOf(this.active);
    const last = this.order.length - 1;
    let next: number | undefined;
    switch (event.key) {
      case "ArrowRight":
      case "ArrowDown":
        next = at < 0 ? 0 : Math.min(at + 1, last);
        break;
      case "ArrowLeft":
      case "ArrowUp":
        next = at < 0 ? 0 : Math.max(at - 1, 0);
        break;
      case "PageDown":
        next = Math.min(Math.max(at, 0) + 10, last);
        break;
      case "PageUp":
        next = Math.max(at - 10, 0);
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = last;
        break;
      case "Enter":
        if (this.active === null) return;
        this.callbacks.onActivate(this.points[this.active]!.kernel);
        break;
      case "Escape":
        if (this.active !== null || !this.tooltip.hidden) this.setActive(null, false);
        else this.resetZoom();
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next !== undefined) this.setActive(this.order[next]!, true);
  }
}
