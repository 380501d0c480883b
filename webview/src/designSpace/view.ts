// Builds the Design-space page's words and DOM: number formats, the summary, legends, tooltips, the infeasible list, the table.
//
// The charts draw; everything a person reads as text is made here, so a tooltip, a table row and an announcement
// say the same thing in the same words.
import { formatParams, type SweepPoint, type SweepResult } from "../../../server/src/core/sweep/result";
import { h, plural, type Child } from "../shared/dom";
import type { TableColumn } from "../shared/sortableTable";
import { formatMs, formatNumber } from "../../../server/src/core/format";
import { bestIndex, infeasibleIndices, type PlotAxis, type PlotModel } from "./geometry";

export { fileName } from "../kernels/view";

const none = "—";

/** Bytes in the unit that keeps them short: 512 B, 9 KiB, 1.5 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024)} KiB`;
  return `${formatNumber(bytes / (1024 * 1024))} MiB`;
}

/** A tick label of an axis, in the axis's unit. */
export function formatAxisValue(axis: PlotAxis, v: number): string {
  if (axis.scale === "category") return axis.categories?.[Math.round(v)] ?? "";
  if (axis.unit === "ms") return formatMs(v, "compact");
  if (axis.unit === "bytes") return formatBytes(v);
  return formatNumber(v);
}

/** An objective's value in its unit. */
export function formatObjective(unit: string, v: number): string {
  if (unit === "ms") return formatMs(v, "compact");
  if (unit === "bytes") return formatBytes(v);
  return unit === "" ? formatNumber(v) : `${formatNumber(v)} ${unit}`;
}

export function pointLabel(result: SweepResult, index: number): string {
  return formatParams(result.points[index]!.params, result.space);
}

/** The line under the heading: variant counts, the best variant and the device. */
export function summary(result: SweepResult): string {
  const total = result.points.length;
  const feasible = result.points.filter((p) => p.feasible).length;
  const parts = [plural(total, "variant"), `${formatNumber(feasible)} feasible`, `${formatNumber(result.measured)} measured`];
  const best = bestIndex(result);
  if (best >= 0) {
    const p = result.points[best]!;
    const predicted = p.predictedMs === null ? "" : ` (predicted ${formatMs(p.predictedMs, "compact")})`;
    parts.push(`best ${pointLabel(result, best)} at ${formatMs(result.best!.medianMs, "compact")}${predicted}`);
  }
  const rho = result.search?.rankCorrelation;
  // How well the model ranks the measured variants: what a person decides to trust the predictions by.
  if (typeof rho === "number") parts.push(`model rank correlation ${rho.toFixed(2)}`);
  const model = modelSentence(result);
  if (model) parts.push(model);
  return parts.join(" · ");
}

/**
 * Whose model the predictions (and the guided search) are: the measuring adapter's own calibration, said as such, or
 * another device's, said to be a what-if beside the measurements. A result that does not record who measured (older
 * files, predict-only sweeps) names the device alone.
 */
/** The model's device when it is not the measuring adapter's own calibration (a what-if); null otherwise or when unknown. */
export function whatIfDevice(result: SweepResult): string | null {
  const on = result.measuredOn;
  return on && result.device && on.deviceId !== result.device.id ? result.device.name : null;
}

export function modelSentence(result: SweepResult): string | null {
  const device = result.device;
  if (!device) return null;
  const on = result.measuredOn;
  if (!on) return device.name;
  const model = result.search?.method === "guided" ? "guided by the model of" : "predicted on";
  if (on.deviceId === device.id) return `${model} ${device.name}, the adapter that measured`;
  return `${model} ${device.name}, a what-if: measured on ${on.adapter}`;
}

/** The facts of one variant, as label and text: the tooltip's lines and the announcement's sentences. */
export function pointFacts(result: SweepResult, index: number): { label: string; text: string }[] {
  const p = result.points[index]!;
  const facts: { label: string; text: string }[] = [];
  facts.push({ label: "Measured", text: p.measuredMs === null ? "not measured" : `${formatMs(p.measuredMs, "compact")} median${p.cached ? " (from the sweep cache)" : ""}` });
  // A prediction for another device than the measuring adapter's is a what-if: named so, and never divided into a measurement.
  const whatIf = whatIfDevice(result);
  facts.push({ label: whatIf === null ? "Predicted" : `Predicted on ${whatIf} (what-if)`, text: p.predictedMs === null ? "no estimate" : formatMs(p.predictedMs, "compact") });
  if (p.measuredMs !== null && p.predictedMs !== null && whatIf === null) {
    facts.push({ label: "Measured / predicted", text: `${formatNumber(p.measuredMs / p.predictedMs)}×` });
  }
  const second = result.objectives?.[1];
  const value = second ? p.objectives?.[second.key] : undefined;
  if (second && value !== undefined) facts.push({ label: second.label, text: formatObjective(second.unit, value) });
  // The error against the reference, when the second objective is not already it.
  if (typeof p.error === "number" && second?.key !== "error") facts.push({ label: "Relative L2 error", text: p.error.toExponential(2) });
  if (!p.feasible) facts.push({ label: "Infeasible", text: p.reason ?? "no reason given" });
  return facts;
}

/** Marks a variant carries in words: best, on the Pareto front. */
export function pointTags(result: SweepResult, index: number): string[] {
  const tags: string[] = [];
  if (index === bestIndex(result)) tags.push("best");
  if (result.pareto.includes(index)) tags.push("Pareto front");
  return tags;
}

export function tooltipContent(result: SweepResult, index: number): Node[] {
  const tags = pointTags(result, index);
  return [
    h("div", { class: "tooltip-title" }, h("span", { class: "params" }, pointLabel(result, index)), tags.length > 0 ? h("span", { class: "muted" }, ` (${tags.join(", ")})`) : null),
    h("dl", { class: "tooltip-facts" }, pointFacts(result, index).flatMap((f) => [h("dt", null, f.label), h("dd", null, f.text)])),
  ];
}

/** What a screen reader hears when a chart point gets keyboard focus. */
export function pointAnnouncement(result: SweepResult, index: number, position: number, total: number): string {
  const tags = pointTags(result, index);
  const facts = pointFacts(result, index).map((f) => `${f.label}: ${f.text}`);
  return `${pointLabel(result, index)}${tags.length ? ` (${tags.join(", ")})` : ""}, point ${position} of ${total}. ${facts.join(". ")}.`;
}

function legendItem(swatch: string, ...text: Child[]): HTMLElement {
  return h("span", { class: "legend-item" }, h("span", { class: ["swatch", swatch], attrs: { "aria-hidden": "true" } }), ...text);
}

/** The caption of the two time charts: what the marks are, with the counts of what is drawn. */
export function timeLegend(result: SweepResult, model: PlotModel): Node[] {
  const best = model.points.find((p) => p.role === "best");
  const items = [legendItem("swatch-point", `measured variant (${formatNumber(model.points.length - (best ? 1 : 0))})`)];
  if (best) items.push(legendItem("swatch-best", `best: ${pointLabel(result, best.index)}`));
  if (model.lines.some((l) => l.kind === "identity")) {
    const whatIf = whatIfDevice(result);
    items.push(legendItem("swatch-identity", whatIf === null ? "measured = predicted" : `measured = predicted (a what-if on ${whatIf})`));
  }
  return items;
}

/** How the points of one column of the by-parameter chart are spread: by the other parameters, left to right. */
export function columnNote(result: SweepResult, axis: string): Node | null {
  const others = result.space.filter((p) => p.name !== axis).map((p) => p.name);
  if (others.length === 0) return null;
  return h("span", { class: "legend-item column-note" }, `in each column, left to right: ${others.join(", then ")} ascending`);
}

export function paretoLegend(result: SweepResult, model: PlotModel): Node[] {
  const front = new Set(result.pareto);
  const onFront = model.points.filter((p) => front.has(p.index)).length;
  const items = [
    legendItem("swatch-point", `dominated (${formatNumber(model.points.length - onFront)})`),
    legendItem("swatch-front", `Pareto front (${formatNumber(onFront)})`),
  ];
  if (model.points.some((p) => p.role === "best")) items.push(legendItem("swatch-best", "best time"));
  return items;
}

/** The sentence a chart's aria-label gives: what is across, what is up, how many points. */
export function chartLabel(title: string, x: PlotAxis, y: PlotAxis, plotted: number): string {
  const scale = (a: PlotAxis): string => (a.scale === "log" ? "log scale" : a.scale === "category" ? "one column per value" : "linear scale");
  return `${title}: ${x.title} across (${scale(x)}), ${y.title.toLowerCase()} up (${scale(y)}); ${plural(plotted, "variant")}. The table of variants lists every number.`;
}

/** The infeasible variants, each a button that selects it, with its reason. */
export function infeasibleItems(result: SweepResult, selected: number | null): Node[] {
  return infeasibleIndices(result).map((i) =>
    h(
      "li",
      null,
      h(
        "button",
        { class: ["link-button", i === selected && "selected"], attrs: { type: "button", "aria-pressed": String(i === selected) }, dataset: { index: String(i) } },
        pointLabel(result, i),
      ),
      h("span", { class: "reason" }, `: ${result.points[i]!.reason ?? "no reason given"}`),
    ),
  );
}

export interface TableRow {
  index: number;
  point: SweepPoint;
}

/** The table's columns: one per parameter, then the times, the second objective, feasibility and reason. */
export function tableColumns(result: SweepResult): TableColumn<TableRow>[] {
  const best = bestIndex(result);
  const front = new Set(result.pareto);
  const columns: TableColumn<TableRow>[] = [
    {
      id: "variant",
      label: "#",
      numeric: true,
      cell: (r) => [
        String(r.index + 1),
        r.index === best ? h("span", { class: "badge badge-best", title: "the fastest measured variant" }, "best") : null,
        front.has(r.index) ? h("span", { class: "badge badge-front", title: "on the Pareto front" }, "front") : null,
      ],
      sortKey: (r) => r.index,
    },
  ];
  for (const param of result.space) {
    columns.push({
      id: `param:${param.name}`,
      label: param.name,
      numeric: param.values.every((v) => typeof v === "number"),
      cell: (r) => String(r.point.params[param.name]),
      sortKey: (r) => {
        const v = r.point.params[param.name];
        return typeof v === "number" ? v : v === undefined ? null : String(v);
      },
    });
  }
  columns.push(
    { id: "predicted", label: "Predicted", numeric: true, cell: (r) => (r.point.predictedMs === null ? none : formatMs(r.point.predictedMs, "compact")), sortKey: (r) => r.point.predictedMs },
    { id: "measured", label: "Measured", numeric: true, cell: (r) => (r.point.measuredMs === null ? none : formatMs(r.point.measuredMs, "compact")), sortKey: (r) => r.point.measuredMs },
  );
  const second = result.objectives?.[1];
  if (second) {
    columns.push({
      id: `objective:${second.key}`,
      label: second.label,
      numeric: true,
      cell: (r) => {
        const v = r.point.objectives?.[second.key];
        return v === undefined ? none : formatObjective(second.unit, v);
      },
      sortKey: (r) => r.point.objectives?.[second.key] ?? null,
    });
  }
  columns.push(
    { id: "feasible", label: "Feasible", cell: (r) => (r.point.feasible ? "yes" : "no"), sortKey: (r) => (r.point.feasible ? 0 : 1) },
    { id: "reason", label: "Reason", cell: (r) => h("span", { class: "reason" }, r.point.reason ?? ""), sortKey: (r) => r.point.reason },
  );
  return columns;
}

export function rowLabel(result: SweepResult, row: TableRow): string {
  const facts = pointFacts(result, row.index).map((f) => `${f.label} ${f.text}`);
  return `${pointLabel(result, row.index)}: ${facts.join(", ")}`;
}
