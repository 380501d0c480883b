// Builds the Roofline page's words and DOM: number formats, the tooltip, the legend, the device picker and the table of points.
//
// The chart (chart.ts) draws; everything a person reads as text is made here, so the tooltip, the screen-reader table
// and the live announcement say the same thing in the same words.
import type { RooflineBound, RooflineCeilings, RooflineDeviceEntry, RooflineMeasuredPoint } from "../../../server/src/protocol";
import { formatMs, formatNumber } from "../../../server/src/core/format";
import { h, plural, type Child } from "../shared/dom";
import { fileName } from "../kernels/view";
import type { RooflineData, RooflineKernelView } from "./protocol";
import type { RooflineWords } from "./words";

export { fileName };

const none = "—";

/** A FLOP rate for a roof's label: TFLOP/s from a thousand GFLOP/s, where the chart's labels have room for few digits. */
export function formatPeak(gflops: number): string {
  return gflops >= 1000 ? `${formatNumber(gflops / 1000)} TFLOP/s` : `${formatNumber(gflops)} GFLOP/s`;
}

export function formatBandwidth(gbps: number): string {
  return gbps >= 1000 ? `${formatNumber(gbps / 1000)} TB/s` : `${formatNumber(gbps)} GB/s`;
}

/** `memory-bound`; workgroup memory in the file's words (CUDA: `shared-memory-bound`). */
export function boundLabel(bound: RooflineBound, words: Pick<RooflineWords, "workgroupMemory">): string {
  if (bound === "unknown") return "bound unknown";
  return bound === "workgroup-memory" ? `${words.workgroupMemory.replaceAll(" ", "-")}-bound` : `${bound}-bound`;
}

/** The measured point of a kernel, whichever way the host left it out (absent or null). */
export function measuredOf(kernel: RooflineKernelView): RooflineMeasuredPoint | null {
  return kernel.measured ?? null;
}

/**
 * Which device each kind of number on a chart comes from: the adapter that measured the points, and the charted
 * device when it is a what-if (not that adapter's own calibration). Both null when nothing measured is charted, or
 * when the data does not say who measured (the chart then compares nothing across devices it could name).
 */
export interface ChartSources {
  readonly measuredOn: string | null;
  readonly whatIf: string | null;
}

export const noSources: ChartSources = { measuredOn: null, whatIf: null };

export function chartSources(data: RooflineData): ChartSources {
  const on = data.measuredOn ?? null;
  if (on === null || !data.kernels.some((k) => measuredOf(k) !== null)) return noSources;
  return { measuredOn: on.adapter, whatIf: data.device.id === on.deviceId ? null : data.device.name };
}

/** One line per source of numbers: what the tooltip shows, and (joined) what the live region announces. */
export function kernelFacts(kernel: RooflineKernelView, words: RooflineWords, sources: ChartSources = noSources): { label: string; text: string }[] {
  const facts: { label: string; text: string }[] = [];
  // A prediction for another device than the one that measured is a what-if: it says so, and on which device.
  const whatIf = sources.whatIf === null ? "" : " (what-if)";
  const on = sources.whatIf === null ? "" : ` · on ${sources.whatIf}`;
  const p = kernel.predicted;
  if (p) {
    facts.push({
      label: `Predicted${whatIf}`,
      text: `AI ${formatNumber(p.ai)} FLOP/byte · ${formatNumber(p.gflops)} GFLOP/s · ${formatMs(p.ms, "compact")} · ${boundLabel(p.bound, words)}${on}`,
    });
    facts.push({ label: `Roof${whatIf}`, text: `${formatNumber(p.attainableGflops)} GFLOP/s attainable at this intensity${on}` });
    if (kernel.assumed) facts.push({ label: "Sizes", text: `${kernel.assumed} (no directive states them)` });
  } else {
    facts.push({ label: "Predicted", text: `no estimate: ${kernel.reason ?? "the model has none"}` });
  }
  const m = measuredOf(kernel);
  if (m) {
    const where = sources.measuredOn === null ? "" : ` · on ${sources.measuredOn}`;
    facts.push({ label: "Measured", text: `AI ${formatNumber(m.ai)} FLOP/byte · ${formatNumber(m.gflops)} GFLOP/s · ${formatMs(m.ms, "compact")} median${where}` });
  }
  if (kernel.workgroupAi !== null) facts.push({ label: words.WorkgroupMemory, text: `AI ${formatNumber(kernel.workgroupAi)} FLOP/byte` });
  return facts;
}

/** The hover card of a point: the kernel's name, then its facts; the kind hovered comes first in a heading. */
export function tooltipContent(kernel: RooflineKernelView, kind: "predicted" | "measured", words: RooflineWords, sources: ChartSources = noSources): Node[] {
  return [
    h("div", { class: "tooltip-title" }, h("span", { class: "kernel-name" }, kernel.name), " ", h("span", { class: "muted" }, `(${kind})`)),
    h(
      "dl",
      { class: "tooltip-facts" },
      kernelFacts(kernel, words, sources).flatMap((f) => [h("dt", null, f.label), h("dd", null, f.text)]),
    ),
  ];
}

/** What a screen reader hears when a point gets keyboard focus. */
export function pointAnnouncement(
  kernel: RooflineKernelView,
  kind: "predicted" | "measured",
  position: number,
  total: number,
  words: RooflineWords,
  sources: ChartSources = noSources,
): string {
  const facts = kernelFacts(kernel, words, sources).map((f) => `${f.label}: ${f.text.replaceAll(" · ", ", ")}`);
  return `${kernel.name}, ${kind} point ${position} of ${total}. ${facts.join(". ")}.`;
}

const vendorGroups: readonly { vendor: string; label: string }[] = [
  { vendor: "measured", label: "Measured on this machine" },
  { vendor: "nvidia", label: "NVIDIA" },
  { vendor: "amd", label: "AMD" },
  { vendor: "apple", label: "Apple" },
  { vendor: "intel", label: "Intel" },
];

/** The picker's options, grouped by vendor in the database's order; a vendor the page does not know goes under "Other". */
export function deviceOptions(devices: readonly RooflineDeviceEntry[], selectedId: string): Node[] {
  const option = (d: RooflineDeviceEntry): HTMLOptionElement => {
    const o = h("option", { attrs: { value: d.id } }, d.name);
    o.selected = d.id === selectedId;
    return o;
  };
  const known = new Set(vendorGroups.map((g) => g.vendor));
  const groups = [...vendorGroups, { vendor: "", label: "Other" }].map((g) => ({
    label: g.label,
    devices: devices.filter((d) => (g.vendor === "" ? !known.has(d.vendor) : d.vendor === g.vendor)),
  }));
  return groups.filter((g) => g.devices.length > 0).map((g) => h("optgroup", { attrs: { label: g.label } }, g.devices.map(option)));
}

/**
 * The caption under the chart: what each mark means, with counts, and whose roofs are drawn. Measured points are
 * named with the adapter that measured them; a charted device that is not that adapter's own model is a what-if,
 * and its predicted points and roofs say so.
 */
export function legend(data: RooflineData, counts: { predicted: number; measured: number }): Node[] {
  const item = (swatch: string, ...text: Child[]): HTMLElement =>
    h("span", { class: "legend-item" }, h("span", { class: ["swatch", swatch], attrs: { "aria-hidden": "true" } }), ...text);
  const sources = chartSources(data);
  const deviceRoofs = data.device.ceilings.source === "measured" ? "measured" : "datasheet";
  const items: Node[] = [
    item("swatch-predicted", sources.whatIf === null ? `predicted (${formatNumber(counts.predicted)})` : `what-if: predicted on ${sources.whatIf} (${formatNumber(counts.predicted)})`),
    item("swatch-measured", sources.measuredOn === null ? `measured (${formatNumber(counts.measured)})` : `measured on ${sources.measuredOn} (${formatNumber(counts.measured)})`),
    item(
      deviceRoofs === "measured" ? "swatch-roof-measured" : "swatch-roof",
      sources.whatIf === null ? `${deviceRoofs} roofs: ${data.device.name}` : `what-if: ${deviceRoofs} roofs of ${data.device.name}`,
    ),
  ];
  const measured = data.measuredCeilings;
  if (measured) items.push(item("swatch-roof-measured", `measured roofs: ${measured.label}`));
  else if (sources.whatIf !== null && sources.measuredOn !== null) items.push(h("span", { class: "legend-item" }, `no measured roofs: ${sources.measuredOn} is not calibrated`));
  return items;
}

/** The line under the heading: kernel counts, the ridge point, and the roofs' sources. */
export function summary(data: RooflineData, words: RooflineWords): string {
  const c = data.device.ceilings;
  const placed = data.kernels.filter((k) => k.predicted !== null).length;
  const measured = data.kernels.filter((k) => measuredOf(k) !== null).length;
  const ridge = c.computeGflops.f32 / c.dramGBps;
  const sources = chartSources(data);
  return [
    plural(data.kernels.length, words.kernel),
    `${formatNumber(placed)} modelled`,
    `${formatNumber(measured)} measured${sources.measuredOn === null ? "" : ` on ${sources.measuredOn}`}`,
    `f32 ridge at ${formatNumber(ridge)} FLOP/byte on ${data.device.name}${sources.whatIf === null ? "" : " (a what-if, not the measuring adapter)"}`,
  ].join(" · ");
}

/** The roofs in words, for the chart's aria-label. */
export function ceilingsSentence(c: RooflineCeilings, words: RooflineWords): string {
  const parts = [`f32 peak ${formatPeak(c.computeGflops.f32)}`];
  if (c.computeGflops.f16 !== null) parts.push(`f16 peak ${formatPeak(c.computeGflops.f16)}`);
  parts.push(`DRAM ${formatBandwidth(c.dramGBps)}`);
  if (c.workgroupGBps !== null) parts.push(`${words.workgroupMemory} ${formatBandwidth(c.workgroupGBps)}`);
  return parts.join(", ");
}

/** How the charted device is named where the chart is described in words: with "a what-if" when it is one. */
function chartedDevice(data: RooflineData): string {
  const sources = chartSources(data);
  return sources.whatIf === null ? data.device.name : `${data.device.name} (a what-if: the points were measured on ${sources.measuredOn})`;
}

export function chartLabel(data: RooflineData, words: RooflineWords): string {
  const measured = data.measuredCeilings ? `; measured roofs of ${data.measuredCeilings.label}: ${ceilingsSentence(data.measuredCeilings, words)}` : "";
  return (
    `Roofline chart, log-log: arithmetic intensity in FLOP per byte across, GFLOP/s up. ` +
    `${plural(data.kernels.length, "kernel")} on ${chartedDevice(data)} (${ceilingsSentence(data.device.ceilings, words)})${measured}. ` +
    "The table of points after the chart lists every number."
  );
}

/** The caption of the table of points. */
export function pointsCaption(data: RooflineData): string {
  return `Kernels of ${fileName(data.uri)} on the roofline of ${chartedDevice(data)}`;
}

/**
 * Kernels with no point at all, listed under the chart so a kernel never silently goes missing. Grouped by reason:
 * in a generated file many kernels miss a point for the same reason, and the reason is what the author acts on.
 */
export function unplacedNote(data: RooflineData): Node | null {
  const missing = data.kernels.filter((k) => k.predicted === null && measuredOf(k) === null);
  if (missing.length === 0) return null;
  const byReason = new Map<string, string[]>();
  for (const k of missing) {
    const reason = k.reason ?? "no estimate";
    byReason.set(reason, [...(byReason.get(reason) ?? []), k.name]);
  }
  const shownNames = 3;
  const groups = [...byReason].slice(0, 3).map(([reason, names]) =>
    h(
      "li",
      null,
      `${reason}: `,
      names.slice(0, shownNames).flatMap((n, i) => [i > 0 ? ", " : null, h("span", { class: "kernel-name" }, n)]),
      names.length > shownNames ? ` and ${formatNumber(names.length - shownNames)} more` : null,
    ),
  );
  if (byReason.size > 3) groups.push(h("li", null, `${plural(byReason.size - 3, "other reason")}: see the table of points`));
  return h("div", { class: "unplaced" }, h("span", null, `${plural(missing.length, "kernel")} without a point:`), h("ul", null, groups));
}

const columns = [
  "Kernel",
  "Predicted AI (FLOP/byte)",
  "Predicted GFLOP/s",
  "Predicted time",
  "Bound",
  "Measured AI (FLOP/byte)",
  "Measured GFLOP/s",
  "Measured time",
] as const;

/** The table of every point, visually hidden: the screen-reader view of the chart. Built as one fragment. */
export function pointsTable(data: RooflineData, words: RooflineWords): { head: Node; body: Node[] } {
  const head = h("tr", null, columns.map((c) => h("th", { attrs: { scope: "col" } }, c)));
  const body = data.kernels.map((k) => {
    const p = k.predicted;
    const m = measuredOf(k);
    return h(
      "tr",
      null,
      h("th", { attrs: { scope: "row" } }, k.name),
      h("td", null, p ? formatNumber(p.ai) : none),
      h("td", null, p ? formatNumber(p.gflops) : none),
      h("td", null, p ? formatMs(p.ms, "compact") : none),
      h("td", null, p ? boundLabel(p.bound, words) : `no estimate: ${k.reason ?? "the model has none"}`),
      h("td", null, m ? formatNumber(m.ai) : none),
      h("td", null, m ? formatNumber(m.gflops) : none),
      h("td", null, m ? formatMs(m.ms, "compact") : none),
    );
  });
  return { head, body };
}
