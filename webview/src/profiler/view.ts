// Builds the Profiler page's words and DOM: the table's columns and cells, each row's spoken label, one run's details and the comparison of two.
//
// Everything a person reads is made here, so a cell, its tooltip, the row's screen-reader label and the comparison
// say the same thing in the same words. Numbers use the Roofline panel's formats (three significant digits, µs below
// a millisecond), so one kernel reads the same in both.
import { h, plural, setAttribute, type Child } from "../shared/dom";
import { formatSignedPercent } from "../shared/format";
import { formatMs, formatNumber } from "../../../server/src/core/format";
import type { GridColumn } from "./grid";
import { relativeSpread, sortKeys, variantText, type ColumnId, type StatusFilter } from "./model";
import type { MeasuredRoof, ProfilerRow, ProfilerTiming, RunStatus } from "./protocol";

const none = "—";

function muted(text: string): HTMLElement {
  return h("span", { class: "muted" }, text);
}

/** `kernels/saxpy.wgsl:saxpy`: how the run's kernel is named in labels, tooltips and exports. */
export function kernelName(row: ProfilerRow): string {
  return `${row.file}:${row.entry}`;
}

/** The adapter's label without the "(software)" adapterLabel appends: the table says that with a tag of its own. */
export function adapterName(row: ProfilerRow): string {
  return row.adapter ? row.adapter.label.replace(/\s*\(software\)$/, "") : "";
}

/** The first line of a status message, for the one-line cell (the details show all of it). */
export function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.trim();
}

/** A start time in local time, minutes precision: `2025-06-11 14:02`. The tooltip has the full ISO time. */
export function formatStarted(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** A min–max range in the median's unit, so the three numbers read as one scale: `1.2–1.31` (the cell adds the unit's place). */
export function formatRange(t: Pick<ProfilerTiming, "minMs" | "maxMs" | "medianMs">): string {
  const [scale, unit] = t.medianMs < 1 ? [1000, "µs"] : t.medianMs >= 1000 ? [1 / 1000, "s"] : [1, "ms"];
  return `${formatNumber(t.minMs * scale)}–${formatNumber(t.maxMs * scale)} ${unit}`;
}

export function methodLabel(method: ProfilerTiming["method"]): string {
  return method === "timestamp" ? "GPU timestamps" : "wall clock";
}

export function boundLabel(bound: "memory" | "compute"): string {
  return bound === "memory" ? "DRAM" : "FMA";
}

/** What a roof percentage means, in words: `62% of the calibrated DRAM bandwidth (25.3 GB/s)`. */
export function roofText(row: ProfilerRow): string | null {
  const r = row.roof;
  if (!r) return null;
  const ceiling = r.bound === "memory" ? `DRAM bandwidth (${formatNumber(r.ceiling)} GB/s)` : `f32 FMA rate (${formatNumber(r.ceiling)} GFLOP/s)`;
  return `${formatNumber(r.pct)}% of the calibrated ${ceiling}`;
}

export function errorText(errorPct: number | null | undefined): string | null {
  return errorPct === null || errorPct === undefined ? null : formatSignedPercent(errorPct);
}

// ---- Status: an icon and a word, and for runs that did not pass a sentence that says why ----

/** What the row's status shows as: the run's status, with a cancelled error told apart (cancelling is no failure). */
export type StatusKind = RunStatus | "cancelled";

export function statusKind(row: ProfilerRow): StatusKind {
  return row.status === "error" && row.cancelled ? "cancelled" : row.status;
}

export const statusWords: Record<StatusKind, string> = { passed: "passed", failed: "failed", error: "error", timeout: "timed out", cancelled: "cancelled" };

const timeoutPrefix = /^timed out(?: after ([\d,.]+) ms)?(?::\s*|\s+|$)/;

/** A timeout's deadline: the record's, or (older records) the one its message names. */
export function timeoutDeadlineMs(row: ProfilerRow): number | null {
  if (row.status !== "timeout") return null;
  if (row.deadlineMs !== undefined) return row.deadlineMs;
  const ms = timeoutPrefix.exec(firstLine(row.message))?.[1];
  const value = ms === undefined ? NaN : Number(ms.replace(/,/g, ""));
  return Number.isFinite(value) ? value : null;
}

/**
 * Why a run did not pass, as one readable sentence: "timed out after 3 s: warm-up run 1 of 7 did not finish within
 * its deadline", "cancelled", "compile error at line 12:9: ...". Empty for a run that passed.
 */
export function statusSentence(row: ProfilerRow): string {
  const kind = statusKind(row);
  const line = firstLine(row.message);
  if (kind === "timeout") {
    const deadline = timeoutDeadlineMs(row);
    const rest = line.replace(timeoutPrefix, "").trim();
    const head = deadline !== null ? `timed out after ${formatMs(deadline, "compact")}` : "timed out";
    return rest ? `${head}: ${rest}` : head;
  }
  if (kind === "cancelled") {
    const rest = line.replace(/^cancelled:?\s*/, "").trim();
    return rest ? `cancelled: ${rest}` : "cancelled before it finished";
  }
  if (kind === "passed") return "";
  return line || (kind === "failed" ? "a check failed" : "error");
}

const svgNs = "http://www.w3.org/2000/svg";

/** Paths of the status and toolbar icons, drawn in a 16×16 box with the text's colour (no icon font to load). */
const iconPaths = {
  passed: ["M3 8.5l3 3 7-7"],
  failed: ["M4 4l8 8", "M12 4l-8 8"],
  error: ["M4 4l8 8", "M12 4l-8 8"],
  timeout: ["M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11", "M8 5v3.5l2.5 1.5"],
  cancelled: ["M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11", "M4.1 4.1l7.8 7.8"],
  openInEditor: ["M9 2.5h4.5V7", "M13.5 2.5L7.5 8.5", "M11.5 9.5v3.5h-9v-9H6"],
  columns: ["M2.5 3h11v10h-11z", "M6.2 3v10", "M9.8 3v10"],
} as const;

export type IconName = keyof typeof iconPaths;

/** A small line icon as inline SVG (the CSP allows elements, and the strokes take `currentColor` from the stylesheet). */
export function icon(name: IconName, className = "icon"): SVGSVGElement {
  const svg = document.createElementNS(svgNs, "svg");
  for (const [attr, value] of Object.entries({ class: `${className} icon-${name}`, viewBox: "0 0 16 16", width: "16", height: "16", "aria-hidden": "true", focusable: "false" })) {
    setAttribute(svg, attr, value);
  }
  for (const d of iconPaths[name]) {
    const path = document.createElementNS(svgNs, "path");
    setAttribute(path, "d", d);
    svg.append(path);
  }
  return svg;
}

/** What a screen reader says for a row: everything the row shows, in words. */
export function rowLabel(row: ProfilerRow): string {
  const parts = [`${row.entry} in ${row.file}${row.outside ? " (outside the workspace)" : ""}`];
  const sentence = statusSentence(row);
  const word = statusWords[statusKind(row)];
  // "timed out after 3 s" says its status itself; "compile error at ..." follows "error: ".
  parts.push(sentence ? (sentence.startsWith(word) ? sentence : `${word}: ${sentence}`) : word);
  const t = row.timing;
  if (t) parts.push(`median ${formatMs(t.medianMs, "compact")}, ${formatRange(t).replace("–", " to ")}, ${methodLabel(t.method)}`);
  if (row.gbps !== null) parts.push(`${formatNumber(row.gbps)} GB/s`);
  if (row.gflops !== null) parts.push(`${formatNumber(row.gflops)} GFLOP/s`);
  const roof = roofText(row);
  if (roof) parts.push(roof);
  const p = row.predicted;
  if (p && p.ms !== null) parts.push(`predicted ${formatMs(p.ms, "compact")}${p.errorPct !== null ? `, error ${errorText(p.errorPct)}` : ""}`);
  if (row.adapter) parts.push(`on ${adapterName(row)}${row.adapter.software ? ", a software adapter" : ""}`);
  const variant = variantText(row);
  if (variant) parts.push(`variant ${variant}`);
  parts.push(`started ${formatStarted(row.startedAt)}`);
  return parts.join(", ");
}

function pickCell(row: ProfilerRow): Child[] {
  return [
    // Not a tab stop: Space on the row does the same, and the grid keeps one tab stop.
    h("input", { class: "pick", attrs: { type: "checkbox", tabindex: -1, "aria-label": `Compare ${kernelName(row)}` } }),
    h("span", { class: "pick-mark", attrs: { "aria-hidden": "true" } }),
  ];
}

function kernelCell(row: ProfilerRow): Child {
  return h(
    "span",
    { class: "kernel", title: `${kernelName(row)}${row.mode === "profile" ? " (profiled)" : ""}` },
    h("span", { class: "entry" }, row.entry),
    " ",
    h("span", { class: "file" }, row.file),
    row.outside ? [" ", h("span", { class: "file outside" }, "(outside the workspace)")] : null,
  );
}

function variantCell(row: ProfilerRow): Child {
  const text = variantText(row);
  if (!text) return muted(none);
  const chips = [...row.defines.map((d) => h("code", { class: "define" }, d)), ...row.lets.map((l) => h("code", { class: "let" }, `${l.name}=${l.value}`))];
  // Spaces between the chips, so copied text and screen readers keep the values apart.
  return h("span", { class: "variant", title: text }, chips.flatMap((chip, i): Child[] => (i === 0 ? [chip] : [" ", chip])));
}

function adapterCell(row: ProfilerRow): Child {
  if (!row.adapter) return muted(none);
  const a = row.adapter;
  return h(
    "span",
    { class: "adapter", title: `${a.label} · ${a.backend}${a.software ? " · a CPU rasterizer: its timings are a CPU's, not a GPU's" : ""}` },
    adapterName(row),
    a.software ? [" ", h("span", { class: "tag tag-software" }, "software")] : null,
  );
}

/** Why a cell of a run without a timing has no number, for its tooltip. */
function noTimingReason(row: ProfilerRow): string {
  const kind = statusKind(row);
  return kind === "timeout" ? "No timing: the run timed out" : kind === "cancelled" ? "No timing: the run was cancelled" : "No timing: the run did not complete";
}

function medianCell(row: ProfilerRow): Child {
  if (row.timing) return formatMs(row.timing.medianMs, "compact");
  return h("span", { class: "muted", title: noTimingReason(row) }, none);
}

function spreadCell(row: ProfilerRow): Child {
  const t = row.timing;
  if (!t) return muted(none);
  const spread = relativeSpread(row);
  const title = `${plural(t.samples, "timed run")}, ${methodLabel(t.method)}: min ${formatMs(t.minMs, "compact")}, max ${formatMs(t.maxMs, "compact")}${spread !== null ? ` (±${formatNumber((spread * 100) / 2)}%)` : ""}`;
  return h("span", { class: "spread", title }, h("span", { class: "range" }, formatRange(t)), " ", h("span", { class: ["method", `method-${t.method}`] }, t.method));
}

function rateCell(value: number | null): Child {
  return value === null ? muted(none) : formatNumber(value);
}

function roofCell(row: ProfilerRow): Child {
  const r = row.roof;
  if (!r) return h("span", { class: "muted", title: row.adapter ? "No calibration of this adapter (KernelLens: Calibrate GPU), or no rates" : undefined }, none);
  const fill = h("span", { class: "roof-fill" });
  // CSSOM, not a style attribute: the strict CSP allows it. Past 100% the bar is full and marked.
  fill.style.width = `${Math.min(100, Math.max(0, r.pct))}%`;
  return h(
    "span",
    { class: ["roof", r.pct > 100 ? "roof-over" : null], title: roofText(row) ?? undefined },
    h("span", { class: "roof-bar", attrs: { "aria-hidden": "true" } }, fill),
    h("span", { class: "roof-pct" }, `${formatNumber(r.pct)}%`),
    " ",
    h("span", { class: "roof-bound" }, boundLabel(r.bound)),
  );
}

function predictedCell(row: ProfilerRow): Child {
  const p = row.predicted;
  if (!p || p.ms === null) return muted(none);
  return h("span", { title: `The cost model's prediction on ${p.deviceId}` }, formatMs(p.ms, "compact"));
}

function errorCell(row: ProfilerRow): Child {
  const e = row.predicted?.errorPct;
  const text = errorText(e);
  if (text === null || e === null || e === undefined) return muted(none);
  // Off by more than half: worth a look (a model targeting another device than the one that ran is the usual cause).
  return h("span", { class: ["error-pct", Math.abs(e) > 50 ? "error-large" : null], title: "(predicted − measured) / measured" }, text);
}

function startedCell(row: ProfilerRow): Child {
  return h("span", { title: row.startedAt }, formatStarted(row.startedAt));
}

function statusBadge(row: ProfilerRow): HTMLElement {
  const kind = statusKind(row);
  return h("span", { class: ["status", `status-${kind}`] }, icon(kind, "status-icon"), statusWords[kind]);
}

function statusCell(row: ProfilerRow): Child {
  const sentence = statusSentence(row);
  // The word says the kind; the sentence (after it) says why, without repeating the word.
  const word = statusWords[statusKind(row)];
  const detail = sentence.startsWith(word) ? sentence.slice(word.length).replace(/^:\s*/, "").trim() : sentence;
  return h(
    "span",
    { class: "status-cell", title: row.message || undefined },
    statusBadge(row),
    detail ? [" ", h("span", { class: "status-message" }, detail)] : null,
  );
}

// ---- The compact row of a narrow view: what matters first, the rest in the details ----

/** Measured against predicted in one phrase: `1.2 ms vs ≈1.0 ms`, with the model's error as a badge after it. */
function compactTiming(row: ProfilerRow): Child[] {
  const t = row.timing!;
  const p = row.predicted;
  const parts: Child[] = [h("span", { class: "compact-median", dataset: { testid: "compact-median" }, title: "Median of the timed runs (measured)" }, formatMs(t.medianMs, "compact"))];
  if (p && p.ms !== null) {
    parts.push(" ", h("span", { class: "compact-predicted", dataset: { testid: "compact-predicted" }, title: `The cost model's estimate on ${p.deviceId}` }, `vs ≈${formatMs(p.ms, "compact")}`));
    const e = p.errorPct;
    if (e !== null) {
      parts.push(
        " ",
        h(
          "span",
          {
            class: ["delta", Math.abs(e) > 50 ? "error-large" : null],
            dataset: { testid: "compact-delta" },
            title: `Model error ${errorText(e)}: (predicted − measured) / measured`,
          },
          `model ${errorText(e)}`,
        ),
      );
    }
  } else {
    parts.push(" ", h("span", { class: "muted", dataset: { testid: "compact-predicted" } }, "no prediction"));
  }
  return parts;
}

/**
 * The one cell of a row in a narrow view: the kernel (with its variant, cut to fit) and the status on the first
 * line; the median against the prediction on the second, or why there is none. Picking the row shows the rest.
 */
function compactCell(row: ProfilerRow): Child {
  const kind = statusKind(row);
  const variant = variantText(row);
  const sentence = statusSentence(row);
  const first = h(
    "span",
    { class: "compact-line" },
    h("span", { class: "pick-mark", attrs: { "aria-hidden": "true" } }),
    h(
      "span",
      { class: "compact-kernel", dataset: { testid: "compact-kernel" }, title: `${kernelName(row)}${variant ? ` ${variant}` : ""}` },
      h("span", { class: "entry" }, row.entry),
      variant ? [" ", h("span", { class: "compact-variant" }, variant)] : null,
    ),
    h("span", { class: ["status", "compact-status", `status-${kind}`], dataset: { testid: "compact-status" } }, icon(kind, "status-icon"), statusWords[kind]),
  );
  const second = h(
    "span",
    { class: "compact-line" },
    row.timing
      ? h("span", { class: "compact-timing" }, compactTiming(row))
      : h("span", { class: ["compact-detail", `detail-${kind}`], dataset: { testid: "compact-detail" }, title: row.message || undefined }, sentence || noTimingReason(row)),
  );
  return h("span", { class: "compact" }, first, second);
}

const pickColumn: GridColumn<ProfilerRow> = { id: "pick", label: "Compare", className: "col-pick", sticky: true, cell: pickCell };

/** The one column of the compact list. */
export const compactColumn: GridColumn<ProfilerRow> = { id: "summary", label: "Run", className: "col-summary", cell: compactCell };

const columnList: readonly GridColumn<ProfilerRow>[] = [
  { id: "kernel", label: "Kernel", className: "col-kernel", sticky: true, cell: kernelCell, sortKey: sortKeys.kernel, description: "Entry point and file" },
  { id: "variant", label: "Variant", className: "col-variant", cell: variantCell, sortKey: sortKeys.variant, description: "Preprocessor defines and let/override values of the run" },
  { id: "adapter", label: "Adapter", className: "col-adapter", cell: adapterCell, sortKey: sortKeys.adapter },
  { id: "median", label: "Median", className: "col-median", numeric: true, cell: medianCell, sortKey: sortKeys.median, description: "Median of the timed runs" },
  {
    id: "spread",
    label: "Spread",
    className: "col-spread",
    cell: spreadCell,
    sortKey: sortKeys.spread,
    description: "Fastest–slowest timed run, and how runs were timed: GPU timestamps, or wall clock from submit to done (overhead included). Sorts by spread relative to the median.",
  },
  { id: "gbps", label: "GB/s", className: "col-gbps", numeric: true, cell: (r) => rateCell(r.gbps), sortKey: sortKeys.gbps, description: "Achieved DRAM bandwidth: the model's byte count over the median" },
  { id: "gflops", label: "GFLOP/s", className: "col-gflops", numeric: true, cell: (r) => rateCell(r.gflops), sortKey: sortKeys.gflops, description: "Achieved FLOP rate: the model's FLOP count over the median" },
  {
    id: "roof",
    label: "% of roof",
    className: "col-roof",
    numeric: true,
    cell: roofCell,
    sortKey: sortKeys.roof,
    description: "Share of the adapter's calibrated ceiling that bounds the kernel: DRAM copy bandwidth or f32 FMA rate, whichever it is closer to",
  },
  { id: "predicted", label: "Predicted", className: "col-predicted", numeric: true, cell: predictedCell, sortKey: sortKeys.predicted, description: "The cost model's time" },
  { id: "error", label: "Error", className: "col-error", numeric: true, cell: errorCell, sortKey: sortKeys.error, description: "(predicted − measured) / measured; sorts by size" },
  { id: "started", label: "Started", className: "col-started", cell: startedCell, sortKey: sortKeys.started },
  { id: "status", label: "Status", className: "col-status", cell: statusCell, sortKey: sortKeys.status, description: "Check result, with the first message of a failed check or an error" },
];

/** Every data column by id: its label, cells and sort. */
export const columnDefs = Object.fromEntries(columnList.map((c) => [c.id, c])) as Record<ColumnId, GridColumn<ProfilerRow>>;

/** The grid's columns: the pick box, then `ids` in order at their widths (pixels), each resizable; Kernel stays in view. */
export function gridColumns(ids: readonly ColumnId[], widthOf: (id: ColumnId) => number, pickWidth: number): GridColumn<ProfilerRow>[] {
  return [{ ...pickColumn, width: pickWidth }, ...ids.map((id) => ({ ...columnDefs[id], width: widthOf(id), resizable: true, sticky: id === "kernel" }))];
}

/** The sorts a narrow view offers in place of the header it has no room for, in words. */
export const compactSorts: readonly { label: string; column: ColumnId; direction: "ascending" | "descending" }[] = [
  { label: "Newest first", column: "started", direction: "descending" },
  { label: "Oldest first", column: "started", direction: "ascending" },
  { label: "Fastest first", column: "median", direction: "ascending" },
  { label: "Slowest first", column: "median", direction: "descending" },
  { label: "Largest model error first", column: "error", direction: "descending" },
  { label: "Problems first", column: "status", direction: "descending" },
  { label: "Kernel A–Z", column: "kernel", direction: "ascending" },
];

export const statusFilterLabels: Record<StatusFilter, string> = {
  all: "All runs",
  problems: "Not passed",
  passed: "Passed",
  failed: "Failed",
  error: "Error",
  timeout: "Timeout",
};

/** The line under the toolbar: how many runs, how many shown, and the roofs "% of roof" is against. */
export function summaryText(total: number, shown: number, roofs: readonly MeasuredRoof[], truncated: boolean): string {
  const runs = `${total.toLocaleString("en-US")} ${total === 1 ? "run" : "runs"}`;
  const count = total === shown ? runs : `${shown.toLocaleString("en-US")} of ${runs} shown`;
  const parts = [truncated ? `${count} (the latest of a longer history)` : count];
  if (roofs.length === 0) parts.push("no calibrated roofs: run KernelLens: Calibrate GPU for % of roof");
  else parts.push(`roofs: ${roofs.map((r) => `${r.label.replace(/\s*\(software\)$/, "")} ${formatNumber(r.dramGBps)} GB/s, ${formatNumber(r.fmaGflops)} GFLOP/s`).join("; ")}`);
  return parts.join(" · ");
}

// ---- One run in full, and two side by side ----

function timingText(t: ProfilerTiming | null): string {
  return t ? `${formatMs(t.medianMs, "compact")} (${formatRange(t)}, ${plural(t.samples, "run")}, ${methodLabel(t.method)})` : none;
}

function rate(value: number | null, unit: string): string {
  return value === null ? none : `${formatNumber(value)} ${unit}`;
}

function adapterText(row: ProfilerRow): string {
  const a = row.adapter;
  return a ? `${adapterName(row)} (${a.backend}${a.software ? ", software: a CPU's timings" : ""})` : none;
}

function predictedText(row: ProfilerRow): string {
  const p = row.predicted;
  return p && p.ms !== null ? `${formatMs(p.ms, "compact")} on ${p.deviceId}` : none;
}

/** One picked run, every number it has, and the whole message. A run without a timing says why instead of a row of dashes. */
export function runDetails(row: ProfilerRow): Node[] {
  const timed = row.timing !== null;
  const facts: [string, Child][] = [
    ["Kernel", h("span", { class: "kernel-full" }, kernelName(row))],
    ["Status", h("span", null, statusBadge(row))],
    ["Variant", variantText(row) || "none (no defines or let values)"],
    ["Adapter", row.adapter ? adapterText(row) : "not recorded (the run stopped before one was chosen)"],
    ["Median", timed ? timingText(row.timing) : noTimingReason(row).replace(/^No timing: /, "none: ")],
  ];
  if (timed || row.gbps !== null || row.gflops !== null) facts.push(["Achieved", `${rate(row.gbps, "GB/s")} · ${rate(row.gflops, "GFLOP/s")}`]);
  if (timed || row.roof) facts.push(["Roof", roofText(row) ?? none]);
  if (timed || (row.predicted && row.predicted.ms !== null)) {
    facts.push(["Predicted", `${predictedText(row)}${row.predicted?.errorPct !== null && row.predicted?.errorPct !== undefined ? `, error ${errorText(row.predicted.errorPct)}` : ""}`]);
  }
  facts.push(["Started", `${formatStarted(row.startedAt)} (${row.mode})`]);
  const list = h("dl", { class: "facts" }, facts.flatMap(([term, value]): Child[] => [h("dt", null, term), h("dd", null, value)]));
  const nodes: Node[] = [list];
  const sentence = statusSentence(row);
  // Why it did not pass, in a sentence ("timed out after 3 s: ..."); the whole message only where it has more lines
  // (a compiler's caret and notes).
  if (sentence) nodes.push(h("p", { class: ["run-sentence", `detail-${statusKind(row)}`] }, sentence));
  if (row.message && (!sentence || row.message.split("\n").filter((l) => l.trim() !== "").length > 1)) nodes.push(h("pre", { class: "run-message" }, row.message));
  nodes.push(h("p", { class: "muted hint" }, "Ctrl+click another run (or press Space on it) to compare the two."));
  return nodes;
}

/**
 * `B / A`, and what it means in words: for times smaller is faster, for rates larger is better. Below 1 the words
 * carry the inverse ("0.5×, B 2× faster"), so both directions read as "N times" with N above one.
 */
function ratio(a: number | null | undefined, b: number | null | undefined, smallerIsBetter: boolean, words: [string, string]): Child {
  if (a === null || a === undefined || b === null || b === undefined || !(a > 0) || !(b >= 0)) return muted(none);
  const r = b / a;
  if (!Number.isFinite(r)) return muted(none);
  const [better, worse] = words;
  let note: string;
  if (Math.abs(r - 1) < 0.005) note = "(same)";
  else if (r < 1) note = `(B ${formatNumber(1 / r)}× ${smallerIsBetter ? better : worse})`;
  else note = `(B ${smallerIsBetter ? worse : better})`;
  return h("span", { class: "ratio" }, h("span", { class: "ratio-value" }, `${formatNumber(r)}×`), " ", h("span", { class: "muted ratio-note" }, note));
}

/** The comparison of two picked runs: A (picked first) and B side by side, with B / A for every number. */
export function comparison(a: ProfilerRow, b: ProfilerRow): HTMLTableElement {
  const errA = a.predicted?.errorPct;
  const errB = b.predicted?.errorPct;
  const rows: [string, Child, Child, Child][] = [
    ["Kernel", kernelName(a), kernelName(b), null],
    ["Variant", variantText(a) || none, variantText(b) || none, null],
    ["Adapter", adapterText(a), adapterText(b), null],
    ["Status", statusBadge(a), statusBadge(b), null],
    ["Median", timingText(a.timing), timingText(b.timing), ratio(a.timing?.medianMs, b.timing?.medianMs, true, ["faster", "slower"])],
    ["GB/s", rate(a.gbps, "GB/s"), rate(b.gbps, "GB/s"), ratio(a.gbps, b.gbps, false, ["higher", "lower"])],
    ["GFLOP/s", rate(a.gflops, "GFLOP/s"), rate(b.gflops, "GFLOP/s"), ratio(a.gflops, b.gflops, false, ["higher", "lower"])],
    ["% of roof", a.roof ? `${formatNumber(a.roof.pct)}% ${boundLabel(a.roof.bound)}` : none, b.roof ? `${formatNumber(b.roof.pct)}% ${boundLabel(b.roof.bound)}` : none, ratio(a.roof?.pct, b.roof?.pct, false, ["higher", "lower"])],
    ["Predicted", predictedText(a), predictedText(b), ratio(a.predicted?.ms, b.predicted?.ms, true, ["shorter", "longer"])],
    [
      "Model error",
      errorText(errA) ?? none,
      errorText(errB) ?? none,
      ratio(errA === null || errA === undefined ? null : Math.abs(errA), errB === null || errB === undefined ? null : Math.abs(errB), true, ["smaller", "larger"]),
    ],
    ["Started", formatStarted(a.startedAt), formatStarted(b.startedAt), null],
  ];
  const cell = (content: Child, numeric = false): HTMLTableCellElement => h("td", { class: numeric ? "ratio-cell" : null }, content);
  return h(
    "table",
    { class: "compare-table" },
    h("caption", { class: "visually-hidden" }, `Comparison of run A, ${kernelName(a)}, and run B, ${kernelName(b)}`),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { attrs: { scope: "col" } }, h("span", { class: "visually-hidden" }, "Measure")),
        h("th", { attrs: { scope: "col" } }, h("span", { class: "pick-mark" }, "A")),
        h("th", { attrs: { scope: "col" } }, h("span", { class: "pick-mark" }, "B")),
        h("th", { attrs: { scope: "col" } }, "B / A"),
      ),
    ),
    h(
      "tbody",
      null,
      rows.map(([label, va, vb, r]) => h("tr", null, h("th", { attrs: { scope: "row" } }, label), cell(va), cell(vb), cell(r ?? "", true))),
    ),
  );
}
