// The report page: renders the data `kernellens report` embedded in the HTML with the Roofline panel's chart and views and the panels' table.
//
// It runs from a file on disk with no host to talk to: everything it shows is in the JSON block the CLI wrote. That
// block is checked first, as panels check host messages, so a damaged or hand-edited report shows why it cannot be
// shown instead of half a page. The chart, its legend, summary, aria text and table of points are the Roofline
// panel's own (webview/src/roofline): the report shows the chart a person sees in the editor, not a look-alike.
import { RooflineChart } from "../roofline/chart";
import { chartLabel, chartSources, fileName, legend, pointAnnouncement, pointsCaption, pointsTable, summary, unplacedNote } from "../roofline/view";
import { rooflineWords } from "../roofline/words";
import { h, requireElement, setChildren } from "../shared/dom";
import { check } from "../../../server/src/core/validation";
import { SortableTable } from "../shared/sortableTable";
import { reportDataChecker, reportDataElementId, type ReportData } from "./protocol";
import {
  analysisColumns,
  analysisDetail,
  analysisRowLabel,
  findingColumns,
  findingRowLabel,
  findingsSummary,
  formatDate,
  headerFacts,
  kernelsNoun,
  launchWords,
  runColumns,
  runDetail,
  runRowLabel,
  type FindingRow,
} from "./view";

const title = requireElement("title", HTMLHeadingElement);
const facts = requireElement("facts", HTMLElement);
const message = requireElement("message", HTMLElement);
const rooflineSection = requireElement("roofline-section", HTMLElement);
const summaryLine = requireElement("summary", HTMLElement);
const resetZoomButton = requireElement("reset-zoom", HTMLButtonElement);
const figure = requireElement("figure", HTMLElement);
const chartHost = requireElement("chart", HTMLElement);
const legendLine = requireElement("legend", HTMLElement);
const unplaced = requireElement("unplaced", HTMLElement);
const announce = requireElement("announce", HTMLElement);
const pointsHead = requireElement("points-head", HTMLTableSectionElement);
const pointsBody = requireElement("points-body", HTMLTableSectionElement);
const pointsCaptionElement = requireElement("points-caption", HTMLTableCaptionElement);
const analysisSection = requireElement("analysis-section", HTMLElement);
const analysisNote = requireElement("analysis-note", HTMLElement);
const analysisHost = requireElement("analysis", HTMLElement);
const findingsSection = requireElement("findings-section", HTMLElement);
const findingsHost = requireElement("findings", HTMLElement);
const runsSection = requireElement("runs-section", HTMLElement);
const runsNote = requireElement("runs-note", HTMLElement);
const runsHost = requireElement("runs", HTMLElement);
const footer = requireElement("footer", HTMLElement);

/** Built after the chart; a click on a point focuses the kernel's row in it. */
let analysisTable: SortableTable<ReportData["kernels"][number]> | undefined;

function readData(): { ok: true; data: ReportData } | { ok: false; reason: string } {
  const block = document.getElementById(reportDataElementId);
  if (!block) return { ok: false, reason: "it has no data block" };
  let raw: unknown;
  try {
    raw = JSON.parse(block.textContent ?? "");
  } catch (err) {
    return { ok: false, reason: `its data is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const checked = check(reportDataChecker, raw, "data");
  return checked.ok ? { ok: true, data: checked.value } : { ok: false, reason: `its data has the wrong shape: ${checked.detail}` };
}

function showMessage(text: string): void {
  message.textContent = text;
  message.hidden = false;
}

function renderRoofline(data: ReportData): RooflineChart {
  const roofline = data.roofline;
  const words = rooflineWords(roofline.language);
  summaryLine.textContent = summary(roofline, words);
  chartHost.setAttribute("aria-label", chartLabel(roofline, words));
  // Shown before the chart is built, so uPlot sizes itself to the real width instead of a hidden element's.
  rooflineSection.hidden = false;
  const chart = new RooflineChart(chartHost, {
    // Clicking a point (or Enter on it) takes the reader to the kernel's row of the analysis table.
    onActivate: (kernel) => {
      const name = roofline.kernels[kernel]?.name;
      if (name !== undefined) analysisTable?.focusRow(name);
    },
    onZoom: (zoom) => {
      resetZoomButton.hidden = zoom === null;
    },
    onFocusPoint: (point, position, total) => {
      const k = point ? roofline.kernels[point.kernel] : undefined;
      announce.textContent = point && k ? pointAnnouncement(k, point.kind, position, total, words, chartSources(roofline)) : "";
    },
  });
  chart.setData(roofline, null);
  const counts = chart.pointCounts;
  // What tests (and anyone scripting the page) read to know what was drawn, without decoding pixels.
  figure.dataset.predictedPoints = String(counts.predicted);
  figure.dataset.measuredPoints = String(counts.measured);
  setChildren(legendLine, legend(roofline, counts));
  setChildren(unplaced, unplacedNote(roofline));
  pointsCaptionElement.textContent = pointsCaption(roofline);
  const table = pointsTable(roofline, words);
  pointsHead.replaceChildren(table.head);
  pointsBody.replaceChildren(...table.body);
  resetZoomButton.addEventListener("click", () => chart.resetZoom());
  return chart;
}

function renderAnalysis(data: ReportData): void {
  analysisSection.hidden = false;
  const words = launchWords(data);
  analysisNote.textContent =
    `The cost model on ${data.header.device.name}. Compulsory bytes: each input element read once and each output ` +
    "element written once; DRAM bytes: the modelled traffic, with coalescing and reuse. " +
    (data.header.language === "cuda" ? "One row per kernel and template instantiation the file launches. Expand a row for its launch and resources."
    : data.header.language === "triton" ? "One row per kernel and configuration (autotune configs, launches, directives). Expand a row for its launch and resources."
    : "Expand a row for its launch.");
  if (data.kernels.length === 0) {
    analysisHost.replaceChildren();
    analysisNote.textContent = `This file has no ${kernelsNoun(data)}.`;
    return;
  }
  analysisTable = new SortableTable({
    label: "Analysis of each compute kernel",
    columns: analysisColumns(words),
    rowKey: (k) => k.name,
    rowLabel: (k) => analysisRowLabel(k, words),
    detail: (k) => analysisDetail(k, words),
  });
  analysisTable.setRows(data.kernels);
  analysisHost.replaceChildren(analysisTable.element);
}

function renderFindings(data: ReportData): void {
  findingsSection.hidden = false;
  const note = document.createElement("p");
  note.className = "muted section-note";
  note.textContent = findingsSummary(data.findings);
  if (data.findings.length === 0) {
    findingsHost.replaceChildren(note);
    return;
  }
  const rows: FindingRow[] = data.findings.map((f, index) => ({ ...f, index }));
  const table = new SortableTable<FindingRow>({
    label: "Findings",
    columns: findingColumns,
    rowKey: (f) => String(f.index),
    rowLabel: findingRowLabel,
    hasDetail: () => false,
  });
  table.setRows(rows);
  findingsHost.replaceChildren(note, table.element);
}

function renderRuns(data: ReportData): void {
  runsSection.hidden = false;
  if (data.header.language === "triton") {
    // As for CUDA: KernelLens does not run Triton; Proton or do_bench measure it.
    setChildren(
      runsNote,
      "KernelLens does not run Triton kernels (it runs WGSL compute shaders through WebGPU), so this report has the static model only. ",
      "Measure the configurations with ",
      h("code", null, "triton.testing.do_bench"),
      " or Proton to compare with the predicted times.",
    );
    runsHost.replaceChildren();
    return;
  }
  if (data.header.language === "cuda") {
    // Not an empty history: KernelLens cannot run CUDA at all, so say so and where measurements come from instead.
    setChildren(
      runsNote,
      "KernelLens does not run CUDA kernels (it runs WGSL compute shaders through WebGPU), so this report has the static model only. ",
      "Measure the kernels with CUDA events or Nsight Compute (",
      h("code", null, "ncu"),
      ") to compare with the predicted times.",
    );
    runsHost.replaceChildren();
    return;
  }
  if (data.runs.length === 0) {
    setChildren(runsNote, "No runs of this file are recorded. ", h("code", null, "kernellens run FILE"), " (or Run in the editor) records them in ", h("code", null, ".kernellens/history.jsonl"), ".");
    runsHost.replaceChildren();
    return;
  }
  runsNote.textContent =
    "The newest recorded run of each entry point. Rates are the model's FLOP and DRAM byte counts over the measured median; " +
    "the model error is (predicted − measured) / measured on the device recorded with the run. Expand a row for its checks.";
  const table = new SortableTable<ReportData["runs"][number]>({
    label: "Latest runs",
    columns: runColumns,
    rowKey: (r) => r.entry,
    rowLabel: runRowLabel,
    detail: runDetail,
  });
  table.setRows(data.runs);
  runsHost.replaceChildren(table.element);
}

function render(data: ReportData): void {
  const name = fileName(data.header.file);
  title.textContent = `KernelLens report: ${name}`;
  title.title = data.header.file;
  setChildren(facts, headerFacts(data));
  const chart = renderRoofline(data);
  renderAnalysis(data);
  renderFindings(data);
  renderRuns(data);
  const unchecked =
    data.header.language === "cuda" ? " without nvcc (registers and shared memory are the model's estimates)"
    : data.header.language === "triton" ? " without Triton's compiler (registers and shared memory are the model's estimates)"
    : " without the WGSL compiler (KernelLens's parser only)";
  footer.textContent = `Made by KernelLens ${data.header.version} on ${formatDate(data.header.generatedAt)}${data.header.compilerChecked ? "" : unchecked}. This page is self-contained: it loads nothing from the network.`;
  // The canvas takes its colours from CSS variables when drawn: redraw when the system switches light and dark.
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => chart.refreshTheme());
}

const read = readData();
if (read.ok) {
  message.hidden = true;
  try {
    render(read.data);
  } catch (err) {
    showMessage(`This report could not be shown: ${err instanceof Error ? err.message : String(err)}`);
  }
} else {
  showMessage(`This report cannot be shown: ${read.reason}.`);
}
// Tests and scripts wait on this instead of polling pixels: "ok" once everything is drawn, "error" with a reason shown.
document.body.dataset.rendered = read.ok && message.hidden ? "ok" : "error";
