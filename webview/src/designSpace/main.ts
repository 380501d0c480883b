// The Design-space panel page: charts a sweep's variants, lists the infeasible ones, tables them all, shows the chosen one in Monaco.
//
// Invariant, as on every panel: no host message can break the page. Each is checked against the protocol first; one
// that fails is ignored (the page keeps showing what it showed) and reported back as `invalidMessage`.
// variantEditors comes first: it installs Monaco's environment before Monaco's own modules run.
import { VariantEditors, type VariantView } from "./variantEditors";
import { variantSource, type SweepResult } from "../../../server/src/core/sweep/result";
import { requireElement, setChildren } from "../shared/dom";
import { assertNever, check, isObject } from "../../../server/src/core/validation";
import { SortableTable } from "../shared/sortableTable";
import { createWebviewApi } from "../shared/vscodeApi";
import { ScatterChart } from "./chart";
import { bestIndex, byParameterModel, measuredIndices, paretoModel, predictedModel } from "./geometry";
import { hostToPageChecker, limits, type DesignSpaceData, type HostToPage, type PageToHost } from "./protocol";
import { designSpacePageStateChecker, initialDesignSpacePageState, type DesignSpacePageState } from "./state";
import {
  chartLabel,
  columnNote,
  fileName,
  infeasibleItems,
  paretoLegend,
  pointAnnouncement,
  pointFacts,
  pointLabel,
  rowLabel,
  summary,
  tableColumns,
  timeLegend,
  tooltipContent,
  type TableRow,
} from "./view";

const api = createWebviewApi<PageToHost, DesignSpacePageState>(designSpacePageStateChecker);
let state: DesignSpacePageState = api.getState() ?? initialDesignSpacePageState;

const title = requireElement("title", HTMLHeadingElement);
const summaryLine = requireElement("summary", HTMLElement);
const message = requireElement("message", HTMLElement);
const content = requireElement("content", HTMLElement);
const axisSelect = requireElement("axis", HTMLSelectElement);
const byParamX = requireElement("by-param-x", HTMLElement);
const byParamLegend = requireElement("by-param-legend", HTMLElement);
const predictedLegend = requireElement("predicted-legend", HTMLElement);
const paretoFigure = requireElement("pareto-figure", HTMLElement);
const paretoX = requireElement("pareto-x", HTMLElement);
const paretoY = requireElement("pareto-y", HTMLElement);
const paretoLegendLine = requireElement("pareto-legend", HTMLElement);
const infeasibleSection = requireElement("infeasible-section", HTMLElement);
const infeasibleTitle = requireElement("infeasible-title", HTMLHeadingElement);
const infeasibleList = requireElement("infeasible", HTMLUListElement);
const tableHost = requireElement("table", HTMLElement);
const variantTitle = requireElement("variant-title", HTMLHeadingElement);
const variantFacts = requireElement("variant-facts", HTMLElement);
const variantNote = requireElement("variant-note", HTMLElement);
const openButton = requireElement("open-variant", HTMLButtonElement);
const sourceHost = requireElement("source-editor", HTMLElement);
const diffHost = requireElement("diff-editor", HTMLElement);
const diffTitle = requireElement("diff-title", HTMLElement);
const announce = requireElement("announce", HTMLElement);

/** Renders so far; tests wait on this attribute instead of polling for pixels or sleeping. */
let renders = 0;

function shownData(): DesignSpaceData | undefined {
  return state.view?.type === "sweep" ? state.view.data : undefined;
}

function save(changes: Partial<DesignSpacePageState>): void {
  state = { ...state, ...changes };
  api.setState(state);
}

function chartCallbacks(name: string): ConstructorParameters<typeof ScatterChart>[1] {
  return {
    onSelect: (index) => select(index),
    tooltip: (index) => {
      const data = shownData();
      return data ? tooltipContent(data.result, index) : [];
    },
    onFocusPoint: (index, position, total) => {
      const data = shownData();
      announce.textContent = data && index !== null ? `${name}: ${pointAnnouncement(data.result, index, position, total)}` : "";
    },
  };
}

const byParamChart = new ScatterChart(requireElement("by-param-chart", HTMLElement), chartCallbacks("Time by parameter"));
const predictedChart = new ScatterChart(requireElement("predicted-chart", HTMLElement), chartCallbacks("Measured against predicted"));
const paretoChart = new ScatterChart(requireElement("pareto-chart", HTMLElement), chartCallbacks("Pareto front"));
const charts = [byParamChart, predictedChart, paretoChart];

/** Monaco is started on the first variant shown: a page that only says "waiting" never pays for it. */
let editors: VariantEditors | undefined;

let table: SortableTable<TableRow> | undefined;
/** The column ids the table was built with: a result with other parameters needs a new table. */
let tableShape = "";

function buildTable(result: SweepResult): void {
  const columns = tableColumns(result);
  const shape = columns.map((c) => c.id).join("\u0000");
  if (!table || shape !== tableShape) {
    tableShape = shape;
    table = new SortableTable<TableRow>({
      label: "Variants of the sweep",
      columns,
      rowKey: (row) => String(row.index),
      rowLabel: (row) => {
        const data = shownData();
        return data ? rowLabel(data.result, row) : String(row.index + 1);
      },
      onActivate: (row) => select(row.index),
      onViewStateChange: (view) => {
        save({ sort: view.sort });
        markTableSelection();
      },
      emptyText: "The sweep has no variants.",
      initial: { sort: state.sort },
    });
    tableHost.replaceChildren(table.element);
  }
  table.setRows(result.points.map((point, index) => ({ index, point })));
  markTableSelection();
}

/** Marks the selected variant's row (the table re-renders its rows on sort, so this runs after each). */
function markTableSelection(): void {
  for (const row of tableHost.querySelectorAll<HTMLTableRowElement>("tr.data-row")) {
    const selected = row.dataset.key === String(state.selected);
    row.classList.toggle("selected", selected);
    row.setAttribute("aria-selected", String(selected));
  }
}

function showMessage(text: string): void {
  message.textContent = text;
  message.hidden = false;
  content.hidden = true;
}

/** The variant a result opens on: the saved one when it is still there, else the best, else the first measured. */
function initialSelection(result: SweepResult, saved: number | null): number | null {
  if (saved !== null && saved < result.points.length) return saved;
  const best = bestIndex(result);
  if (best >= 0) return best;
  return measuredIndices(result)[0] ?? (result.points.length > 0 ? 0 : null);
}

function show(view: HostToPage | null): void {
  if (view === null) {
    showMessage("Waiting for a sweep result…");
    return;
  }
  switch (view.type) {
    case "sweep":
      showSweep(view.data);
      break;
    case "empty":
      title.textContent = "Design space";
      title.removeAttribute("title");
      summaryLine.textContent = "";
      showMessage(view.reason);
      break;
    default:
      assertNever(view, "shown view");
  }
  renders++;
  content.dataset.renders = String(renders);
}

function showSweep(data: DesignSpaceData): void {
  const result = data.result;
  title.textContent = `Design space: ${fileName(data.kernelUri ?? data.resultUri)}${data.kernelOutside ? " (outside the workspace)" : ""} · ${result.entry}`;
  title.title = data.resultUri;
  summaryLine.textContent = summary(result);
  message.hidden = true;
  content.hidden = false;

  // The axis picker: one option per parameter; the saved one when the space still has it.
  const axis = result.space.some((p) => p.name === state.axis) ? state.axis! : result.space[0]!.name;
  setChildren(
    axisSelect,
    result.space.map((p) => {
      const option = document.createElement("option");
      option.value = p.name;
      option.textContent = p.name;
      option.selected = p.name === axis;
      return option;
    }),
  );
  if (axis !== state.axis) save({ axis });
  drawByParameter(result, axis);

  const predicted = predictedModel(result);
  predictedChart.setModel(predicted);
  predictedChart.host.setAttribute("aria-label", chartLabel("Measured against predicted time", predicted.x, predicted.y, predicted.points.length));
  setChildren(predictedLegend, timeLegend(result, predicted));

  const pareto = paretoModel(result);
  paretoFigure.hidden = pareto === null;
  paretoChart.setModel(pareto);
  if (pareto) {
    paretoX.textContent = pareto.x.title;
    paretoY.textContent = pareto.y.title;
    paretoChart.host.setAttribute("aria-label", chartLabel("Pareto front", pareto.x, pareto.y, pareto.points.length));
    setChildren(paretoLegendLine, paretoLegend(result, pareto));
  }

  const selected = initialSelection(result, state.selected);
  if (selected !== state.selected) save({ selected });
  buildTable(result);
  showInfeasible(result);
  showVariant(data, selected);
}

function drawByParameter(result: SweepResult, axis: string): void {
  const model = byParameterModel(result, axis);
  byParamChart.setModel(model);
  byParamX.textContent = model.x.title;
  byParamChart.host.setAttribute("aria-label", chartLabel(`Measured time against ${axis}`, model.x, model.y, model.points.length));
  setChildren(byParamLegend, timeLegend(result, model), columnNote(result, axis));
  byParamChart.setSelected(state.selected);
}

function showInfeasible(result: SweepResult): void {
  const items = infeasibleItems(result, state.selected);
  infeasibleSection.hidden = items.length === 0;
  infeasibleTitle.textContent = `Infeasible variants (${items.length})`;
  infeasibleList.replaceChildren(...items);
}

function showVariant(data: DesignSpaceData, index: number | null): void {
  for (const chart of charts) chart.setSelected(index);
  markTableSelection();
  for (const button of infeasibleList.querySelectorAll<HTMLButtonElement>("button[data-index]")) {
    const selected = button.dataset.index === String(index);
    button.classList.toggle("selected", selected);
    button.setAttribute("aria-pressed", String(selected));
  }
  const result = data.result;
  const point = index === null ? undefined : result.points[index];
  if (index === null || !point) {
    variantTitle.textContent = "Variant";
    variantFacts.textContent = "No variant to show.";
    openButton.disabled = true;
    return;
  }
  variantTitle.textContent = `Variant ${index + 1} of ${result.points.length}: ${pointLabel(result, index)}`;
  variantFacts.textContent = pointFacts(result, index)
    .map((f) => `${f.label}: ${f.text}`)
    .join(" · ");
  const notes: string[] = [];
  let text: string | null = null;
  let changedLines: number[] = [];
  if (point.source !== undefined || data.baseline !== null) {
    const variant = variantSource(result, point, data.baseline ?? "");
    text = variant.text;
    changedLines = variant.lines;
    if (variant.missing.length > 0) notes.push(`Not found in the kernel, so not shown in its source: ${variant.missing.join(", ")}.`);
  }
  if (data.baseline === null) notes.push(`No baseline to compare with: ${data.baselineProblem ?? "the kernel file could not be read"}.`);
  variantNote.textContent = notes.join(" ");
  variantNote.hidden = notes.length === 0;
  openButton.disabled = text === null;
  sourceHost.hidden = text === null;
  diffTitle.hidden = text === null || data.baseline === null;
  diffHost.hidden = diffTitle.hidden;
  if (text === null) return;
  showInEditors({ text, baseline: data.baseline, changedLines, label: `variant ${pointLabel(result, index)}` });
}

/**
 * Monaco takes a few hundred milliseconds to start: the first time, it starts after the charts and the table are
 * painted, so they show at once; the latest variant asked for is the one it shows.
 */
let pendingVariant: VariantView | undefined;

function showInEditors(view: VariantView): void {
  if (editors) {
    editors.show(view);
    return;
  }
  const scheduled = pendingVariant !== undefined;
  pendingVariant = view;
  if (scheduled) return;
  requestAnimationFrame(() =>
    setTimeout(() => {
      const latest = pendingVariant!;
      editors = new VariantEditors(sourceHost, diffHost, document.documentElement);
      pendingVariant = undefined;
      editors.show(latest);
    }, 0),
  );
}

function select(index: number): void {
  const data = shownData();
  if (!data || index < 0 || index >= data.result.points.length) return;
  save({ selected: index });
  showVariant(data, index);
}

function report(detail: string): void {
  api.postMessage({ type: "invalidMessage", detail: detail.slice(0, limits.detailLength) });
}

/**
 * Monaco schedules its own work by posting `{vscodeScheduleAsyncWork: id}` to the page's window: those messages are
 * the page's, not the host's, so they are neither handled nor reported.
 */
function isMonacoSchedule(raw: unknown): boolean {
  return isObject(raw) && typeof raw.vscodeScheduleAsyncWork === "number" && Object.keys(raw).length === 1;
}

function onHostMessage(raw: unknown): void {
  if (isMonacoSchedule(raw)) return;
  const checked = check(hostToPageChecker, raw);
  if (!checked.ok) {
    report(checked.detail);
    return;
  }
  const incoming = checked.value;
  try {
    switch (incoming.type) {
      case "sweep": {
        // The selection belongs to one result file: another file starts on its best variant.
        const same = shownData()?.resultUri === incoming.data.resultUri;
        save({ view: incoming, selected: same ? state.selected : null });
        show(incoming);
        return;
      }
      case "empty":
        save({ view: incoming, selected: null });
        show(incoming);
        return;
      default:
        assertNever(incoming, "host message");
    }
  } catch (err) {
    // Checked data should always render; if it does not, that is a page bug the host should hear about.
    report(`could not show a ${incoming.type} message: ${err instanceof Error ? err.message : String(err)}`);
  }
}

axisSelect.addEventListener("change", () => {
  const data = shownData();
  if (!data) return;
  save({ axis: axisSelect.value });
  drawByParameter(data.result, axisSelect.value);
});

infeasibleList.addEventListener("click", (event) => {
  const button = (event.target as Element).closest("button[data-index]");
  if (button instanceof HTMLElement) select(Number(button.dataset.index));
});

openButton.addEventListener("click", () => {
  const data = shownData();
  if (data && state.selected !== null) api.postMessage({ type: "openVariant", resultUri: data.resultUri, index: state.selected });
});

// VS Code switches themes by changing the body's class and the variables on <html>: canvases and Monaco follow.
const themeObserver = new MutationObserver(() => {
  for (const chart of charts) chart.refreshTheme();
  editors?.refreshTheme();
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ["class"] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["style", "class"] });

try {
  show(state.view);
} catch (err) {
  // A saved state that passes its check but does not render (a page bug) must not leave the panel blank.
  save(initialDesignSpacePageState);
  show(null);
  report(`could not show the saved state: ${err instanceof Error ? err.message : String(err)}`);
}
api.onMessage(onHostMessage);
api.postMessage({ type: "ready" });
