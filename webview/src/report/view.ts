// Builds the report page's words and DOM (header, analysis, findings, runs) on the panels' shared table and the Roofline panel's number formats.
//
// Numbers are written with the Roofline panel's formatters (three significant digits, en-US, the same on every
// machine), except counts a person checks by hand (FLOPs, bytes), which are written out in full.
import { formatMs, formatNumber } from "../../../server/src/core/format";
import { CUDA_WORDS, type LaunchWords, TRITON_WORDS, WGSL_WORDS } from "../../../server/src/core/model/launchWords";
import { boundLabel, chartSources } from "../roofline/view";
import { h, plural, type Child } from "../shared/dom";
import type { TableColumn } from "../shared/sortableTable";
import type { ReportCheck, ReportData, ReportFinding, ReportKernel, ReportResources, ReportRun } from "./protocol";

export const none = "—";

const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** An exact count with thousands separators: 268,435,456. */
export function formatCount(value: number): string {
  return wholeNumber.format(value);
}

const byteUnits = ["B", "kB", "MB", "GB", "TB", "PB"] as const;

/** Decimal units, as the findings' messages and the datasheets write them: 3.15 MB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < byteUnits.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${formatCount(value)} B` : `${formatNumber(value)} ${byteUnits[unit]}`;
}

/** `2025-06-01 14:03 UTC`: the same text wherever and whenever the page is opened; unparsable dates are shown as given. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatPercent(value: number, signed = false): string {
  const sign = signed && value > 0 ? "+" : value < 0 ? "−" : "";
  return `${sign}${formatNumber(Math.abs(value))} %`;
}

function missing(title?: string): HTMLElement {
  return h("span", { class: "muted", title }, none);
}

function kernelName(name: string): HTMLElement {
  return h("span", { class: "kernel-name" }, name);
}

/** The words of the file's language (the model's own: WGSL's invocations and workgroups, CUDA's threads and blocks). */
export function launchWords(data: ReportData): LaunchWords {
  return data.header.language === "cuda" ? CUDA_WORDS : data.header.language === "triton" ? TRITON_WORDS : WGSL_WORDS;
}

/** What a file's kernels are called where the page counts them: WGSL's compute entry points, CUDA's `__global__` kernels. */
export function kernelsNoun(data: ReportData): string {
  return data.header.language === "cuda" ? "__global__ kernels" : data.header.language === "triton" ? "@triton.jit kernels" : "compute entry points";
}

// ---- Header ----

/** The facts under the heading: file, device, date, adapter, and the inputs that shaped the numbers. */
export function headerFacts(data: ReportData): Node[] {
  const hd = data.header;
  const fact = (term: string, ...value: Child[]): Node[] => [h("dt", null, term), h("dd", null, ...value)];
  // A model device that is not the measuring adapter's calibration is a what-if beside the measurements: said here.
  const { whatIf, measuredOn } = chartSources(data.roofline);
  const source = hd.device.source === "measured" ? "measured by calibration" : "datasheet figures";
  const facts: Node[] = [
    ...fact("File", h("code", { class: "file-name" }, hd.file)),
    ...fact(
      "Device",
      hd.device.name,
      " ",
      h("span", { class: "muted" }, `(${hd.device.id}, ${source}${whatIf === null ? "" : `; a what-if: the runs were measured on ${measuredOn}`})`),
    ),
    ...fact("Date", h("time", { attrs: { datetime: hd.generatedAt } }, formatDate(hd.generatedAt))),
    ...fact("Adapter", hd.adapter ?? h("span", { class: "muted" }, "none recorded (no runs, no calibration)")),
  ];
  if (hd.calibration) facts.push(...fact("Calibration", `${hd.calibration.adapter}, measured ${formatDate(hd.calibration.measuredAt)}`));
  if (hd.resources) facts.push(...fact("Resources", h("span", { class: hd.resources.exact ? undefined : "muted" }, hd.resources.detail.charAt(0).toUpperCase() + hd.resources.detail.slice(1))));
  const inputs: string[] = [...hd.lets.map((l) => `${l.name} = ${l.value}`), ...hd.defines.map((d) => `#define ${d}`)];
  if (inputs.length > 0) facts.push(...fact("Variant", inputs.join(", ")));
  return facts;
}

// ---- Analysis ----

function workgroupText(k: ReportKernel, w: LaunchWords): string {
  const launch: string[] = [];
  if (k.workgroupSize) launch.push(`${w.workgroup} ${k.workgroupSize.join("×")}`);
  if (k.dispatch) launch.push(`${w.dispatch} ${k.dispatch.join("×")}`);
  if (k.invocations !== null) launch.push(`${formatCount(k.invocations)} ${w.invocations}`);
  return launch.length > 0 ? launch.join(" · ") : "launch unknown";
}

/** `32 registers per thread · 4.22 kB shared memory per block (static) · exact (ptxas)`; null without figures. */
export function resourcesText(r: ReportResources, w: LaunchWords): string | null {
  const parts: string[] = [];
  if (r.registers !== null) parts.push(`${r.registers} registers per ${w.invocation}`);
  if (r.sharedMemoryBytes !== null) {
    const dynamic = r.dynamicSharedMemoryBytes ? ` + ${formatBytes(r.dynamicSharedMemoryBytes)} dynamic` : "";
    parts.push(`${formatBytes(r.sharedMemoryBytes)} ${w.workgroupMemory} per ${w.workgroup}${dynamic ? ` (static${dynamic})` : ""}`);
  }
  if (r.stackBytes) parts.push(`${formatBytes(r.stackBytes)} stack per ${w.invocation}`);
  if (r.spillStoreBytes || r.spillLoadBytes) parts.push(`spills: ${formatBytes(r.spillStoreBytes ?? 0)} stored, ${formatBytes(r.spillLoadBytes ?? 0)} loaded`);
  if (parts.length === 0) return null;
  return `${parts.join(" · ")} · ${r.exact ? "exact (ptxas)" : "estimated"}`;
}

/** The Roofline panel's bound label, with the language's word for workgroup memory (CUDA: `shared-memory-bound`). */
export function boundText(bound: ReportKernel["bound"], w: LaunchWords): string {
  return boundLabel(bound, w);
}

export function occupancyText(k: ReportKernel): string | null {
  return k.occupancy ? formatPercent(k.occupancy.value * 100) : null;
}

/** The analysis table's columns, in the words of the file's language. */
export const analysisColumns = (w: LaunchWords): readonly TableColumn<ReportKernel>[] => [
  { id: "name", label: "Kernel", cell: (k) => kernelName(k.name), sortKey: (k) => k.name },
  { id: "line", label: "Line", cell: (k) => k.line, sortKey: (k) => k.line, numeric: true },
  { id: "flops", label: "FLOPs", cell: (k) => (k.flops === null ? missing() : formatCount(k.flops)), sortKey: (k) => k.flops, numeric: true },
  {
    id: "compulsory",
    label: "Bytes, compulsory",
    cell: (k) => (k.bytesCompulsory === null ? missing() : h("span", { title: `${formatCount(k.bytesCompulsory)} bytes` }, formatBytes(k.bytesCompulsory))),
    sortKey: (k) => k.bytesCompulsory,
    numeric: true,
  },
  {
    id: "dram",
    label: "Bytes, DRAM",
    cell: (k) => (k.bytesDram === null ? missing() : h("span", { title: `${formatCount(k.bytesDram)} bytes` }, formatBytes(k.bytesDram))),
    sortKey: (k) => k.bytesDram,
    numeric: true,
  },
  {
    id: "ai",
    label: "AI (FLOP/byte)",
    cell: (k) => (k.arithmeticIntensity === null ? missing() : formatNumber(k.arithmeticIntensity)),
    sortKey: (k) => k.arithmeticIntensity,
    numeric: true,
  },
  {
    id: "occupancy",
    label: "Occupancy",
    cell: (k) => occupancyText(k) ?? missing(),
    sortKey: (k) => k.occupancy?.value ?? null,
    numeric: true,
  },
  {
    id: "limit",
    label: "Limited by",
    cell: (k) => (k.occupancy ? [k.occupancy.limitedBy, k.occupancy.estimated ? h("span", { class: "muted", title: `Registers per ${w.invocation} are estimated, not reported by a compiler` }, " (est.)") : null] : missing()),
    sortKey: (k) => k.occupancy?.limitedBy ?? null,
  },
  { id: "bound", label: "Bound", cell: (k) => boundText(k.bound, w), sortKey: (k) => k.bound },
  {
    id: "predicted",
    label: "Predicted time",
    cell: (k) =>
      k.predictedMs === null
        ? missing(k.unknowns[0])
        : [formatMs(k.predictedMs, "compact"), k.assumptions?.length ? h("span", { class: "muted", title: k.assumptions.join("\n") }, " (assumed sizes)") : null],
    sortKey: (k) => k.predictedMs,
    numeric: true,
  },
];

export function analysisRowLabel(k: ReportKernel, w: LaunchWords = WGSL_WORDS): string {
  const parts = [
    `${k.name}, line ${k.line}`,
    k.flops === null ? "FLOPs unknown" : `${formatCount(k.flops)} FLOPs`,
    k.arithmeticIntensity === null ? "intensity unknown" : `${formatNumber(k.arithmeticIntensity)} FLOP per byte`,
    k.occupancy ? `occupancy ${occupancyText(k)} limited by ${k.occupancy.limitedBy}` : "occupancy unknown",
    boundText(k.bound, w),
    k.predictedMs === null ? "no predicted time" : `predicted ${formatMs(k.predictedMs, "compact")}`,
  ];
  return parts.join(", ");
}

/** A kernel's expanded row: its launch, its resources, and what the model could not know. */
export function analysisDetail(k: ReportKernel, w: LaunchWords = WGSL_WORDS): Node {
  const resources = k.resources ? resourcesText(k.resources, w) : null;
  return h(
    "div",
    { class: "row-detail" },
    h("p", null, workgroupText(k, w)),
    resources !== null ? h("p", { class: "resources" }, resources) : null,
    k.assumptions?.length ? h("p", null, "Assumed (no directive states them):") : null,
    k.assumptions?.length ? h("ul", { class: "assumptions" }, k.assumptions.map((a) => h("li", null, a))) : null,
    k.unknowns.length > 0 ? h("ul", { class: "unknowns" }, k.unknowns.map((u) => h("li", null, u))) : null,
  );
}

// ---- Findings ----

export interface FindingRow extends ReportFinding {
  /** Position in the report's (line-sorted) list: the row's key and its default order. */
  index: number;
}

const severityRank: Record<ReportFinding["severity"], number> = { error: 0, warning: 1, info: 2, hint: 3 };

export const findingColumns: readonly TableColumn<FindingRow>[] = [
  { id: "line", label: "Line", cell: (f) => `${f.line}:${f.column}`, sortKey: (f) => f.index, numeric: true },
  {
    id: "severity",
    label: "Severity",
    cell: (f) => h("span", { class: ["severity", `severity-${f.severity}`] }, f.severity),
    sortKey: (f) => severityRank[f.severity],
  },
  { id: "code", label: "Code", cell: (f) => h("code", null, f.code), sortKey: (f) => f.code },
  { id: "message", label: "Message", cell: (f) => h("span", { class: ["finding-message", "wraps"] }, f.message) },
  { id: "source", label: "Source", cell: (f) => (f.source === "tint" ? "Tint" : f.source === "nvcc" ? "nvcc" : "KernelLens"), sortKey: (f) => f.source },
];

export function findingRowLabel(f: FindingRow): string {
  return `Line ${f.line}, column ${f.column}, ${f.severity} ${f.code}: ${f.message}`;
}

export function findingsSummary(findings: readonly ReportFinding[]): string {
  if (findings.length === 0) return "No findings: the compiler and KernelLens have nothing to say about this file.";
  const counts = (["error", "warning", "info", "hint"] as const)
    .map((s) => ({ s, n: findings.filter((f) => f.severity === s).length }))
    .filter((c) => c.n > 0)
    .map((c) => plural(c.n, c.s, c.s === "info" ? "infos" : undefined));
  return counts.join(" · ");
}

// ---- Runs ----

export function methodLabel(method: "timestamp" | "wall"): string {
  return method === "timestamp" ? "GPU timestamps" : "wall clock";
}

export function checksText(checks: readonly ReportCheck[]): string {
  if (checks.length === 0) return "no checks";
  const failed = checks.filter((c) => !c.passed && !c.skipped).length;
  const skipped = checks.filter((c) => c.skipped).length;
  const passed = checks.length - failed - skipped;
  const parts = [`${passed} of ${checks.length} passed`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (skipped > 0) parts.push(`${skipped} skipped`);
  return parts.join(", ");
}

/** The timed runs' range relative to their median: how far one timing can be trusted. */
export function spreadText(run: ReportRun): string | null {
  const t = run.timing;
  if (!t) return null;
  const relative = t.medianMs > 0 ? ` (${formatPercent(((t.maxMs - t.minMs) / t.medianMs) * 100)})` : "";
  return `${formatMs(t.minMs, "compact")} – ${formatMs(t.maxMs, "compact")}${relative}`;
}

function errorCell(run: ReportRun): Child {
  const p = run.predicted;
  if (!p) return missing("No prediction was recorded with this run: calibrate this adapter (kernellens calibrate) to compare the model with it");
  if (p.errorPct === null) return missing(`The model had no prediction on ${p.deviceId}`);
  return h("span", { title: `Predicted ${p.ms === null ? "?" : formatMs(p.ms, "compact")} on ${p.deviceId}; (predicted − measured) / measured` }, formatPercent(p.errorPct, true));
}

export const runColumns: readonly TableColumn<ReportRun>[] = [
  { id: "entry", label: "Kernel", cell: (r) => kernelName(r.entry), sortKey: (r) => r.entry },
  {
    id: "when",
    label: "Recorded",
    cell: (r) => [h("time", { attrs: { datetime: r.timestamp } }, formatDate(r.timestamp)), r.sourceChanged ? h("span", { class: "stale", title: "The file has changed since this run" }, " (older source)") : null],
    sortKey: (r) => r.timestamp,
  },
  { id: "status", label: "Status", cell: (r) => h("span", { class: ["status", `status-${r.status}`] }, r.status), sortKey: (r) => r.status },
  { id: "median", label: "Median", cell: (r) => (r.timing ? formatMs(r.timing.medianMs, "compact") : missing()), sortKey: (r) => r.timing?.medianMs ?? null, numeric: true },
  { id: "spread", label: "Min – max", cell: (r) => spreadText(r) ?? missing(), numeric: true },
  { id: "method", label: "Method", cell: (r) => (r.timing ? h("span", { class: "wraps" }, `${methodLabel(r.timing.method)}, ${plural(r.timing.samples, "run")}`) : missing()) },
  { id: "gbps", label: "GB/s", cell: (r) => (r.gbps === null ? missing() : formatNumber(r.gbps)), sortKey: (r) => r.gbps, numeric: true },
  { id: "gflops", label: "GFLOP/s", cell: (r) => (r.gflops === null ? missing() : formatNumber(r.gflops)), sortKey: (r) => r.gflops, numeric: true },
  { id: "checks", label: "Checks", cell: (r) => h("span", { class: "wraps" }, checksText(r.checks)) },
  { id: "error", label: "Model error", cell: errorCell, sortKey: (r) => r.predicted?.errorPct ?? null, numeric: true },
];

export function runRowLabel(r: ReportRun): string {
  const parts = [`${r.entry}, ${r.status}, recorded ${formatDate(r.timestamp)}`];
  if (r.timing) parts.push(`median ${formatMs(r.timing.medianMs, "compact")}, ${spreadText(r)}, ${methodLabel(r.timing.method)}`);
  if (r.gbps !== null) parts.push(`${formatNumber(r.gbps)} GB/s`);
  if (r.gflops !== null) parts.push(`${formatNumber(r.gflops)} GFLOP/s`);
  parts.push(checksText(r.checks));
  if (r.predicted?.errorPct !== null && r.predicted?.errorPct !== undefined) parts.push(`model error ${formatPercent(r.predicted.errorPct, true)}`);
  return parts.join(", ");
}

/** A run's expanded row: each check's verdict, the error of a run that failed, where it ran. */
export function runDetail(r: ReportRun): Node {
  const checks = r.checks.map((c) =>
    h(
      "li",
      null,
      h("span", { class: ["status", c.skipped ? "status-skipped" : c.passed ? "status-passed" : "status-failed"] }, c.skipped ? "skipped" : c.passed ? "ok" : "failed"),
      " ",
      h("code", null, c.output),
      c.reference === "written" ? " written: " : ` ~ ${c.reference}: `,
      c.message,
    ),
  );
  return h(
    "div",
    { class: "row-detail" },
    r.error !== null ? h("p", { class: "run-error" }, r.error) : null,
    checks.length > 0 ? h("ul", { class: "checks" }, checks) : h("p", { class: "muted" }, "No checks ran."),
    r.adapter !== null ? h("p", { class: "muted" }, `Adapter: ${r.adapter}. Mode: ${r.mode}.`) : null,
    r.predicted ? h("p", { class: "muted" }, r.predicted.ms === null ? `No prediction on ${r.predicted.deviceId}.` : `Predicted ${formatMs(r.predicted.ms, "compact")} on ${r.predicted.deviceId}.`) : null,
  );
}
