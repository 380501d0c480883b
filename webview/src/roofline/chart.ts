// Draws the roofline with uPlot: log-log axes and grid from uPlot, roofs, labels and kernel points drawn here; hover, click, zoom and keys.
//
// uPlot was chosen for its size, speed and clean behaviour under the panels' strict CSP (docs/charting.md). It has no
// scatter marks of its own, so points are drawn in its `draw` hook (two batched paths, not one path per point) and
// found under the mouse by a scan over their pixel positions. Roof labels, hover rings and the tooltip are DOM
// elements over the canvas: they stay crisp, follow the theme through CSS, and tests can read them as text.
import uPlot from "uplot";
import { h, setChildren } from "../shared/dom";
import { chartPoints, defaultExtent, logSplits, roofSegments, type ChartPoint, type Extent, type RoofSegment } from "./geometry";
import type { RooflineData } from "./protocol";
import { formatNumber } from "../../../server/src/core/format";
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
  private extent: Extent = { x: [0.01, 1000], y: [1, 1e5] };
  /** Pixel positions of the points (plot-area CSS pixels), refreshed on every draw. */
  private px = new Float64Array(0);
  private py = new Float64Array(0);
  private hover: number | null = null;
  private active: number | null = null;
  private theme: Theme;
  private programmatic = false;
  private pressedAt: { x: number; y: number } | null = null;
  private readonly resizeObserver: ResizeObserver;
  /** uPlot draws once while it is being built, before the overlay elements below exist. */
  private built = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly callbacks: ChartCallbacks,
  ) {
    this.theme = this.readTheme();
    const axis = (scale: "x" | "y", size: number): uPlot.Axis => ({
      scale,
      size,
      gap: 4,
      font: this.theme.font,
      stroke: () => this.theme.text,
      grid: { stroke: () => this.theme.grid, width: 1 },
      ticks: { stroke: () => this.theme.grid, width: 1, size: 4 },
      splits: (_u, _i, min, max) => logSplits(min, max),
      values: (_u, splits) => splits.map((v) => formatNumber(v)),
    });
    const { width, height } = this.size();
    this.plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        padding: [14, 18, 0, 0],
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
        axes: [axis("x", 36), axis("y", 64)],
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
    this.data = data;
    this.points = chartPoints(data.kernels);
    this.order = this.points.map((_, i) => i).sort((a, b) => this.points[a]!.ai - this.points[b]!.ai || this.points[a]!.gflops - this.points[b]!.gflops);
    const ceilings = [data.device.ceilings, ...(data.measuredCeilings ? [data.measuredCeilings] : [])];
    this.extent = defaultExtent(this.points, ceilings);
    const words = rooflineWords(data.language);
    this.segments = ceilings.flatMap((c) => roofSegments(c, this.extent.x[0], this.extent.x[1], words));
    this.hover = null;
    this.active = focused === null ? null : this.findPoint(focused);
    this.programmatic = true;
    try {
      this.plot.batch(() => {
        this.plot.setData([this.extent.x, this.extent.y]);
        if (zoom) this.applyExtent(zoom);
      });
    } finally {
      this.programmatic = false;
    }
    this.showTooltip(this.active);
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

  /** Points out a kernel (opened from its code lens): its predicted point, else its measured one. */
  select(name: string): boolean {
    const kernel = this.data?.kernels.findIndex((k) => k.name === name) ?? -1;
    const index = this.points.findIndex((p) => p.kernel === kernel);
    if (index < 0) return false;
    this.setActive(index);
    return true;
  }

  /** Re-reads the theme's colours and font (VS Code changed theme) and redraws. */
  refreshTheme(): void {
    this.theme = this.readTheme();
    for (const axis of this.plot.axes) axis.font = this.theme.font;
    this.plot.redraw(false, true);
  }

  destroy(): void {
    this.resizeObserver.disconnect();
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

  private size(): { width: number; height: number } {
    const width = Math.max(320, Math.floor(this.host.clientWidth || 640));
    return { width, height: Math.round(Math.min(560, Math.max(280, width * 0.58))) };
  }

  private resize(): void {
    const next = this.size();
    if (next.width !== this.plot.width || next.height !== this.plot.height) this.plot.setSize(next);
  }

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
    this.placeLabels();
    this.placeRings(this.hover ?? this.active);
    if (!this.tooltip.hidden) this.placeTooltip(this.hover ?? this.active);
  }

  /** Puts each roof's label on its segment: compute roofs at the right end, bandwidth roofs low on the left, along the line. */
  private placeLabels(): void {
    const u = this.plot;
    const w = u.bbox.width / uPlot.pxRatio;
    const hgt = u.bbox.height / uPlot.pxRatio;
    const labels: HTMLElement[] = [];
    for (const s of this.segments) {
      const x1 = u.valToPos(s.x1, "x");
      const y1 = u.valToPos(s.y1, "y");
      const x2 = u.valToPos(s.x2, "x");
      const y2 = u.valToPos(s.y2, "y");
      const label = h("div", { class: ["roof-label", `roof-${s.kind}`, s.source === "measured" && "roof-measured"], dataset: { roof: s.key } }, s.label);
      let ax: number;
      let ay: number;
      let angle = 0;
      if (s.kind === "compute") {
        ax = Math.min(x2, w) - 4;
        ay = y1 - 3;
        // A measured peak sits close under the datasheet one: its label goes under its line instead of over it.
        if (s.source === "measured") label.classList.add("below");
        if (ax < x1 + 40 || ay < 0 || ay > hgt) continue;
      } else {
        // The visible part of the line: clip to the plot area in pixel space, then anchor near its lower-left end.
        const t0 = Math.max(0, x1 < 0 ? -x1 / (x2 - x1) : 0, y1 > hgt ? (y1 - hgt) / (y1 - y2) : 0);
        const t1 = Math.min(1, x2 > w ? (w - x1) / (x2 - x1) : 1, y2 < 0 ? y1 / (y1 - y2) : 1);
        const length = Math.hypot(x2 - x1, y2 - y1);
        if (!(length > 0) || (t1 - t0) * length < 160) continue;
        // Just inside the lower-left end: kernels seldom sit at the lowest intensities, so the text stays clear.
        const t = t0 + 12 / length;
        ax = x1 + (x2 - x1) * t;
        ay = y1 + (y2 - y1) * t;
        angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
      }
      label.style.left = `${ax}px`;
      label.style.top = `${ay}px`;
      // Datasheet labels above their line, measured ones below theirs: parallel roofs then never share a label's place.
      if (angle !== 0) label.style.transform = `rotate(${angle}deg) translate(0, ${s.source === "measured" ? "3px" : "-100%"})`;
      labels.push(label);
    }
    this.labelLayer.replaceChildren(...labels);
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

  private showTooltip(index: number | null): void {
    const p = index === null ? undefined : this.points[index];
    const kernel = p ? this.data?.kernels[p.kernel] : undefined;
    if (!p || !kernel || !this.data) {
      this.tooltip.hidden = true;
      return;
    }
    setChildren(this.tooltip, tooltipContent(kernel, p.kind, rooflineWords(this.data.language), chartSources(this.data)));
    this.tooltip.hidden = false;
    this.placeTooltip(index);
  }

  private placeTooltip(index: number | null): void {
    if (index === null || !this.inView(index)) {
      this.tooltip.hidden = true;
      return;
    }
    const x = this.px[index]!;
    const y = this.py[index]!;
    const w = this.plot.bbox.width / uPlot.pxRatio;
    const hgt = this.plot.bbox.height / uPlot.pxRatio;
    // Away from the point and towards the middle, so the card never covers the point or leaves the plot.
    const toLeft = x > w / 2;
    const above = y > hgt / 2;
    this.tooltip.style.left = `${toLeft ? x - 12 : x + 12}px`;
    this.tooltip.style.top = `${above ? y - 12 : y + 12}px`;
    this.tooltip.style.transform = `translate(${toLeft ? "-100%" : "0"}, ${above ? "-100%" : "0"})`;
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
    this.plot.over.classList.toggle("over-point", index !== null);
    this.placeRings(index ?? this.active);
    this.showTooltip(index ?? this.active);
  }

  private setActive(index: number | null): void {
    this.active = index;
    this.placeRings(this.hover ?? index);
    this.showTooltip(this.hover ?? index);
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
    });
    over.addEventListener("click", (e) => {
      const from = this.pressedAt;
      this.pressedAt = null;
      if (from && Math.hypot(e.clientX - from.x, e.clientY - from.y) > clickSlop) return;
      const { x, y } = this.mouse(e);
      const index = this.pointAt(x, y);
      if (index === null) return;
      this.active = index;
      this.callbacks.onActivate(this.points[index]!.kernel);
    });
    over.addEventListener("dblclick", () => this.resetZoom());
    this.host.addEventListener("keydown", (e) => this.onKey(e));
    this.host.addEventListener("blur", () => {
      if (this.hover === null) this.tooltip.hidden = true;
    });
    this.host.addEventListener("focus", () => {
      if (this.active !== null) this.showTooltip(this.active);
    });
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
        if (this.active !== null) this.setActive(null);
        else this.resetZoom();
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next !== undefined) this.setActive(this.order[next]!);
  }
}
