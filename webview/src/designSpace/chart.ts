// A scatter chart on uPlot for the Design-space page: axes and grid from uPlot; points, lines, rings and tooltip drawn here.
//
// The same approach as the Roofline chart (webview/src/roofline/chart.ts, docs/charting.md): uPlot has no scatter
// marks for unaligned data, so points are drawn in its `draw` hook in one batched path per kind and found under the
// mouse by a scan of their pixel positions; the selection ring and the tooltip are DOM elements over the canvas, so
// they follow the theme through CSS and tests read them as text. No zoom: a sweep is tens to thousands of points.
import uPlot from "uplot";
import { h, setChildren } from "../shared/dom";
import { axisSplits, type PlotAxis, type PlotModel, type PlotPoint } from "./geometry";
import { formatAxisValue } from "./view";

type ScaleKind = "log" | "linear";

interface Theme {
  text: string;
  grid: string;
  point: string;
  front: string;
  best: string;
  line: string;
  background: string;
  font: string;
}

export interface ScatterCallbacks {
  /** A point was clicked, or Enter pressed on the focused one: the page selects that variant. */
  onSelect(index: number): void;
  /** The hover card of a point of the result. */
  tooltip(index: number): Node[];
  /** Keyboard focus moved to a point (or off all points: null); the text goes to the live region. */
  onFocusPoint(index: number | null, position: number, total: number): void;
}

const pointRadius = 4;
const bestRadius = 6.5;
/** Pixels within which the mouse "hits" a point: a little more than its radius. */
const hitRadius = 8;

export class ScatterChart {
  private plot: uPlot;
  /** The scale kinds the current plot was built with, `x/y`. */
  private kinds = "";
  private readonly tooltipElement: HTMLElement;
  private readonly selectedRing: HTMLElement;
  private readonly focusRing: HTMLElement;
  private model: PlotModel | null = null;
  private px = new Float64Array(0);
  private py = new Float64Array(0);
  private hover: number | null = null;
  /** Position in `model.points` of the keyboard's point. */
  private focused: number | null = null;
  /** Index in the result of the selected variant. */
  private selected: number | null = null;
  private theme: Theme;
  private readonly resizeObserver: ResizeObserver;
  private built = false;

  constructor(
    readonly host: HTMLElement,
    private readonly callbacks: ScatterCallbacks,
  ) {
    this.theme = this.readTheme();
    this.selectedRing = h("div", { class: "point-ring", attrs: { hidden: true } });
    this.focusRing = h("div", { class: "point-ring focus", attrs: { hidden: true } });
    this.tooltipElement = h("div", { class: "chart-tooltip", attrs: { role: "tooltip", hidden: true } });
    this.plot = this.makePlot("linear", "log");
    this.host.addEventListener("keydown", (e) => this.onKey(e));
    this.host.addEventListener("blur", () => {
      if (this.hover === null) this.tooltipElement.hidden = true;
    });
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(host);
  }

  /**
   * A uPlot for one pair of scale kinds. uPlot fixes a scale's distribution when it is built, so a model on other
   * kinds (a linear objective after a log one) gets a new plot; the overlay elements move over to it.
   */
  private makePlot(x: ScaleKind, y: ScaleKind): uPlot {
    this.built = false;
    const axis = (scale: "x" | "y", size: number): uPlot.Axis => ({
      scale,
      size,
      gap: 4,
      font: this.theme.font,
      stroke: () => this.theme.text,
      grid: { stroke: () => this.theme.grid, width: 1 },
      ticks: { stroke: () => this.theme.grid, width: 1, size: 4 },
      splits: (_u, _i, min, max) => {
        const a = this.axisOf(scale);
        return a ? axisSplits(a, min, max) : [min, max];
      },
      // uPlot thins a log x axis to whole decades; the splits here are already few enough to label every one.
      filter: (_u, splits) => splits,
      values: (_u, splits) => {
        const a = this.axisOf(scale);
        return splits.map((v) => (v === null || v === undefined ? "" : a ? formatAxisValue(a, v) : String(v)));
      },
    });
    const scale = (kind: ScaleKind, key: "x" | "y"): uPlot.Scale => ({
      ...(key === "x" ? { time: false } : {}),
      ...(kind === "log" ? { distr: 3, log: 10 } : { distr: 1 }),
      range: () => this.range(key),
    });
    const { width, height } = this.size();
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        padding: [12, 16, 0, 0],
        cursor: { x: false, y: false, points: { show: false }, drag: { x: false, y: false } },
        scales: { x: scale(x, "x"), y: scale(y, "y") },
        axes: [axis("x", 34), axis("y", 62)],
        // One invisible series holds the y extent: uPlot ranges scales from data, and the points are drawn by hand.
        series: [{}, { scale: "y", paths: () => null, points: { show: false } }],
        hooks: { draw: [() => this.draw()] },
      },
      [
        [1, 2],
        [1, 2],
      ],
      this.host,
    );
    this.kinds = `${x}/${y}`;
    plot.over.append(this.selectedRing, this.focusRing, this.tooltipElement);
    this.listen(plot.over);
    this.built = true;
    return plot;
  }

  /** How many points are drawn. */
  get plotted(): number {
    return this.model?.points.length ?? 0;
  }

  /** Shows a model (or nothing); keeps the selection, which is by the result's point index. */
  setModel(model: PlotModel | null): void {
    this.model = model;
    this.hover = null;
    this.focused = null;
    this.tooltipElement.hidden = true;
    const x = model?.x;
    const y = model?.y;
    // Log axes are drawn as uPlot log scales; categories and linear objectives as linear ones.
    const kx: ScaleKind = x?.scale === "log" ? "log" : "linear";
    const ky: ScaleKind = y?.scale === "log" ? "log" : "linear";
    if (`${kx}/${ky}` !== this.kinds) {
      this.plot.destroy();
      this.plot = this.makePlot(kx, ky);
    }
    this.plot.setData([
      [x?.min ?? 1, x?.max ?? 2],
      [y?.min ?? 1, y?.max ?? 2],
    ]);
    this.host.dataset.plotted = String(this.plotted);
    // The tick labels across, as drawn on the canvas: tests read them here.
    this.host.dataset.xTicks = x ? axisSplits(x).map((v) => formatAxisValue(x, v)).join("|") : "";
  }

  setSelected(index: number | null): void {
    this.selected = index;
    this.placeRings();
  }

  /** Re-reads the theme's colours and font (VS Code changed theme) and redraws. */
  refreshTheme(): void {
    this.theme = this.readTheme();
    for (const a of this.plot.axes) a.font = this.theme.font;
    this.plot.redraw(false, true);
  }

  private axisOf(scale: "x" | "y"): PlotAxis | undefined {
    return scale === "x" ? this.model?.x : this.model?.y;
  }

  private range(scale: "x" | "y"): uPlot.Range.MinMax {
    const a = this.axisOf(scale);
    return a ? [a.min, a.max] : [1, 2];
  }

  private size(): { width: number; height: number } {
    const width = Math.max(280, Math.floor(this.host.clientWidth || 480));
    return { width, height: Math.round(Math.min(380, Math.max(220, width * 0.62))) };
  }

  private resize(): void {
    const next = this.size();
    if (next.width !== this.plot.width || next.height !== this.plot.height) this.plot.setSize(next);
  }

  private readTheme(): Theme {
    const style = getComputedStyle(this.host);
    const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
    const text = v("--ds-text", style.color);
    return {
      text,
      grid: v("--ds-grid", text),
      point: v("--ds-point", text),
      front: v("--ds-front", text),
      best: v("--ds-best", text),
      line: v("--ds-line", text),
      background: v("--ds-background", "transparent"),
      font: `${style.fontSize || "12px"} ${style.fontFamily || "sans-serif"}`,
    };
  }

  private draw(): void {
    if (!this.built) return;
    const u = this.plot;
    const ctx = u.ctx;
    const ratio = uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    const model = this.model;
    const n = model?.points.length ?? 0;
    if (this.px.length !== n) {
      this.px = new Float64Array(n);
      this.py = new Float64Array(n);
    }
    if (!model) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.lineJoin = "round";
    for (const line of model.lines) {
      ctx.beginPath();
      ctx.strokeStyle = line.kind === "front" ? this.theme.front : this.theme.line;
      ctx.lineWidth = (line.kind === "front" ? 2 : 1.25) * ratio;
      ctx.setLineDash(line.kind === "identity" ? [6 * ratio, 4 * ratio] : []);
      line.xy.forEach(([x, y], i) => {
        const cx = u.valToPos(x, "x", true);
        const cy = u.valToPos(y, "y", true);
        if (i === 0) ctx.moveTo(cx, cy);
        else ctx.lineTo(cx, cy);
      });
      ctx.stroke();
    }
    ctx.setLineDash([]);
    const paths: Record<PlotPoint["role"], Path2D> = { plain: new Path2D(), front: new Path2D(), best: new Path2D() };
    model.points.forEach((p, i) => {
      const x = u.valToPos(p.x, "x");
      const y = u.valToPos(p.y, "y");
      this.px[i] = x;
      this.py[i] = y;
      const cx = left + x * ratio;
      const cy = top + y * ratio;
      const path = paths[p.role];
      if (p.role === "best") {
        // A diamond: the best variant reads as a different mark, not only a different colour.
        const r = bestRadius * ratio;
        path.moveTo(cx, cy - r);
        path.lineTo(cx + r, cy);
        path.lineTo(cx, cy + r);
        path.lineTo(cx - r, cy);
        path.closePath();
      } else {
        const r = pointRadius * ratio;
        path.moveTo(cx + r, cy);
        path.arc(cx, cy, r, 0, 2 * Math.PI);
      }
    });
    // A thin ring of the background around each mark keeps overlapping points apart.
    ctx.lineWidth = 1.5 * ratio;
    ctx.strokeStyle = this.theme.background;
    for (const [role, colour] of [
      ["plain", this.theme.point],
      ["front", this.theme.front],
      ["best", this.theme.best],
    ] as const) {
      ctx.fillStyle = colour;
      ctx.fill(paths[role]);
      if (this.theme.background !== "transparent") ctx.stroke(paths[role]);
    }
    ctx.restore();
    this.placeRings();
    if (!this.tooltipElement.hidden) this.placeTooltip(this.hover ?? this.focused);
  }

  private positionOf(index: number | null): number | null {
    if (index === null || !this.model) return null;
    const at = this.model.points.findIndex((p) => p.index === index);
    return at < 0 ? null : at;
  }

  private placeRings(): void {
    const place = (ring: HTMLElement, position: number | null): void => {
      const visible = position !== null && position < this.px.length;
      ring.hidden = !visible;
      if (visible) {
        ring.style.left = `${this.px[position]!}px`;
        ring.style.top = `${this.py[position]!}px`;
      }
    };
    place(this.selectedRing, this.positionOf(this.selected));
    place(this.focusRing, this.focused);
  }

  private showTooltip(position: number | null): void {
    const p = position === null ? undefined : this.model?.points[position];
    if (!p) {
      this.tooltipElement.hidden = true;
      return;
    }
    setChildren(this.tooltipElement, this.callbacks.tooltip(p.index));
    this.tooltipElement.hidden = false;
    this.placeTooltip(position);
  }

  private placeTooltip(position: number | null): void {
    if (position === null || position >= this.px.length) {
      this.tooltipElement.hidden = true;
      return;
    }
    const x = this.px[position]!;
    const y = this.py[position]!;
    const w = this.plot.bbox.width / uPlot.pxRatio;
    const hgt = this.plot.bbox.height / uPlot.pxRatio;
    // Away from the point and towards the middle, so the card never covers the point or leaves the plot.
    const toLeft = x > w / 2;
    const above = y > hgt / 2;
    this.tooltipElement.style.left = `${toLeft ? x - 12 : x + 12}px`;
    this.tooltipElement.style.top = `${above ? y - 12 : y + 12}px`;
    this.tooltipElement.style.transform = `translate(${toLeft ? "-100%" : "0"}, ${above ? "-100%" : "0"})`;
  }

  private pointAt(x: number, y: number): number | null {
    let best: number | null = null;
    let bestDistance = hitRadius * hitRadius;
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

  private listen(over: HTMLElement): void {
    over.addEventListener("mousemove", (e) => {
      const { x, y } = this.mouse(e);
      const at = this.pointAt(x, y);
      if (at === this.hover) return;
      this.hover = at;
      over.classList.toggle("over-point", at !== null);
      this.showTooltip(at ?? this.focused);
    });
    over.addEventListener("mouseleave", () => {
      this.hover = null;
      over.classList.remove("over-point");
      this.showTooltip(this.focused);
    });
    over.addEventListener("click", (e) => {
      const { x, y } = this.mouse(e);
      const at = this.pointAt(x, y);
      const p = at === null ? undefined : this.model?.points[at];
      if (p) this.callbacks.onSelect(p.index);
    });
  }

  /** Arrow keys walk the points from left to right, Home/End jump, Enter selects, Escape lets go. */
  private onKey(event: KeyboardEvent): void {
    const total = this.model?.points.length ?? 0;
    if (event.altKey || event.ctrlKey || event.metaKey || total === 0) return;
    const at = this.focused ?? this.positionOf(this.selected) ?? -1;
    let next: number | null | undefined;
    switch (event.key) {
      case "ArrowRight":
      case "ArrowDown":
        next = at < 0 ? 0 : Math.min(at + 1, total - 1);
        break;
      case "ArrowLeft":
      case "ArrowUp":
        next = at < 0 ? 0 : Math.max(at - 1, 0);
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = total - 1;
        break;
      case "Enter":
      case " ":
        if (this.focused === null) return;
        this.callbacks.onSelect(this.model!.points[this.focused]!.index);
        break;
      case "Escape":
        next = null;
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next === undefined) return;
    this.focused = next;
    this.placeRings();
    this.showTooltip(next);
    this.callbacks.onFocusPoint(next === null ? null : this.model!.points[next]!.index, next === null ? 0 : next + 1, total);
  }
}
