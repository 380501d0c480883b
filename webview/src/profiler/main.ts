// The Profiler view page: the workspace's run history as a sortable, filterable grid; picks runs to reveal, compare and export.
//
// Invariant, as on every panel: no host message can break the page. Each is checked against the protocol first; one
// that fails is ignored (the page keeps showing what it showed) and reported back as `invalidMessage`. Updates keep
// the sort, the filter, the picks, the current row and the scroll position: they follow row ids, never positions.
import { h, requireElement, setChildren } from "../shared/dom";
import { assertNever, check } from "../../../server/src/core/validation";
import { createWebviewApi } from "../shared/vscodeApi";
import { ColumnMenu } from "./columnMenu";
import { defaultPrefs, fitColumns, moveColumn, normalizePrefs, pickWidthEm, setHidden, setWidth, widthOf, type ColumnPrefs } from "./columns";
import { VirtualGrid, type GridColumn } from "./grid";
import { HistoryModel, isColumnId, matchesStatus, statusFilters, type ColumnId, type StatusFilter } from "./model";
import { hostToPageChecker, limits, type ExportFormat, type MeasuredRoof, type PageToHost, type ProfilerRow, type ProfilerSurface } from "./protocol";
import { filterLength, initialProfilerPageState, profilerPageStateChecker, type ProfilerPageState } from "./state";
import { columnDefs, comparison, compactColumn, compactSorts, gridColumns, icon, kernelName, rowLabel, runDetails, statusFilterLabels, summaryText } from "./view";

const api = createWebviewApi<PageToHost, ProfilerPageState>(profilerPageStateChecker);
const saved: ProfilerPageState = api.getState() ?? initialProfilerPageState;

const filterInput = requireElement("filter", HTMLInputElement);
const statusSelect = requireElement("status-filter", HTMLSelectElement);
const exportCsv = requireElement("export-csv", HTMLButtonElement);
const exportJson = requireElement("export-json", HTMLButtonElement);
const summaryLine = requireElement("summary", HTMLElement);
const message = requireElement("message", HTMLElement);
const gridHost = requireElement("grid-host", HTMLElement);
const details = requireElement("details", HTMLElement);
const openInEditor = requireElement("open-in-editor", HTMLButtonElement);
const columnsButton = requireElement("columns-button", HTMLButtonElement);
const columnsNote = requireElement("columns-note", HTMLElement);
const compactSort = requireElement("compact-sort", HTMLSelectElement);

/** At or below this width (CSS pixels) a row is one compact block: kernel, median against predicted, status. */
export const compactMaxWidth = 400;
/** Pixels kept for the grid's vertical scroll bar (VS Code's are 10 to 14 wide). */
const scrollbarRoom = 16;

let prefs: ColumnPrefs = normalizePrefs(saved.columns);
/** The side bar's view until the host says the page is in an editor tab. */
let surface: ProfilerSurface = "view";
/** The columns the grid has, as ids and widths: a layout pass that changes nothing leaves the grid alone. */
let layoutSignature = "";
let dropped: ColumnId[] = [];

const model = new HistoryModel({ sort: saved.sort, filter: saved.filter, status: saved.status, selected: saved.selected });
let roofs: MeasuredRoof[] = [];
let truncated = false;
/** Whether a history has arrived: until then the saved scroll and current row wait to be applied, and are kept. */
let loaded = false;
/** Grid renders so far; tests and the benchmark wait on this attribute instead of polling or sleeping. */
let renders = 0;

const grid = new VirtualGrid<ProfilerRow>({
  label: "Run history",
  columns: [compactColumn],
  rowKey: (row) => row.id,
  rowLabel,
  markOf: (id) => model.markOf(id),
  onActivate: (row) => {
    model.selectOnly(row.id);
    picksChanged();
    api.postMessage({ type: "reveal", file: row.file, entry: row.entry });
  },
  onToggle: (row) => {
    model.toggle(row.id);
    picksChanged();
  },
  onSortRequest: (column) => {
    if (!isColumnId(column)) return;
    model.toggleSort(column);
    sortChanged();
  },
  onEscape: () => {
    if (model.selected.length === 0) return;
    model.clearSelection();
    picksChanged();
  },
  onViewChange: () => save(),
  emptyText: () => (model.all.length === 0 ? "No runs recorded yet: use the Run or Profile code lens above a compute entry point." : "No run matches the filter."),
  onResize: (column, width) => {
    if (!isColumnId(column)) return;
    prefs = setWidth(prefs, column, width);
    columnsChanged();
  },
});
gridHost.append(grid.element);
grid.setSort(model.sort);

/** After the sort changed (a header, or the narrow view's sort picker): the rows, the headers and the picker follow. */
function sortChanged(): void {
  grid.setSort(model.sort, true);
  showCompactSort();
  showRows();
  grid.keepCurrentInView();
  save();
}

/** The narrow view's picker shows the sort, or "Sorted by <column>" when a header set one it does not list. */
function showCompactSort(): void {
  const sort = model.sort;
  const index = compactSorts.findIndex((s) => s.column === sort.column && s.direction === sort.direction);
  const options = compactSorts.map((s, i) => h("option", { attrs: { value: i } }, s.label));
  if (index < 0) {
    const label = isColumnId(sort.column) ? columnDefs[sort.column].label : sort.column;
    options.push(h("option", { attrs: { value: "other" } }, `${label}, ${sort.direction}`));
  }
  setChildren(compactSort, options);
  compactSort.value = index < 0 ? "other" : String(index);
}

function save(): void {
  const scroll = grid.scrollPosition;
  const state: ProfilerPageState = {
    version: 1,
    sort: model.sort,
    filter: model.filter.slice(0, filterLength),
    status: model.status,
    selected: [...model.selected],
    // Before the first history the grid is empty: keep the saved place for when the rows come.
    active: loaded ? grid.activeRowKey : saved.active,
    scrollTop: loaded ? scroll.top : saved.scrollTop,
    scrollLeft: loaded ? scroll.left : saved.scrollLeft,
    columns: prefs,
  };
  api.setState(state);
}

/** Gives the grid the rows the filter lets through, in order, and says how many there are. */
function showRows(): void {
  grid.setRows(model.visible);
  renders++;
  gridHost.dataset.renders = String(renders);
  summaryLine.textContent = summaryText(model.all.length, model.visible.length, roofs, truncated);
  // The line is cut to one line in a narrow side bar; the tooltip has all of it.
  summaryLine.title = summaryLine.textContent;
  exportCsv.disabled = exportJson.disabled = model.visible.length === 0;
  updateStatusCounts();
}

/** Each status option says how many runs it would show, so a failure is noticed before it is looked for. */
function updateStatusCounts(): void {
  const counts = new Map<StatusFilter, number>(statusFilters.map((s) => [s, 0]));
  for (const row of model.all) for (const s of statusFilters) if (matchesStatus(row, s)) counts.set(s, counts.get(s)! + 1);
  for (const option of statusSelect.options) {
    const s = option.value as StatusFilter;
    const text = `${statusFilterLabels[s]} (${(counts.get(s) ?? 0).toLocaleString("en-US")})`;
    if (option.textContent !== text) option.textContent = text;
  }
}

function picksChanged(): void {
  grid.refreshMarks();
  showDetails();
  save();
}

/** One picked run in full; two side by side; nothing picked, no panel. */
function showDetails(): void {
  const picked = model.selectedRows;
  const title = h("h2", { id: "details-title" });
  const clear = h("button", { class: "secondary", attrs: { type: "button" } }, "Clear");
  clear.addEventListener("click", () => {
    model.clearSelection();
    picksChanged();
    grid.focusRow();
  });
  const header = h("div", { class: "details-header" }, title, clear);
  if (picked.length === 2) {
    const [a, b] = picked as [ProfilerRow, ProfilerRow];
    title.textContent = "Comparison";
    setChildren(details, header, h("div", { class: "compare-scroll" }, comparison(a, b)));
  } else if (picked.length === 1) {
    const row = picked[0]!;
    title.textContent = row.entry;
    title.title = kernelName(row);
    setChildren(details, header, runDetails(row));
  } else {
    details.replaceChildren();
    details.hidden = true;
    return;
  }
  details.hidden = false;
}

function showMessage(text: string): void {
  message.textContent = text;
  message.hidden = false;
  gridHost.hidden = true;
  details.hidden = true;
}

function showHistory(rows: readonly ProfilerRow[]): void {
  model.setRows(rows);
  message.hidden = true;
  gridHost.hidden = false;
  const first = !loaded;
  loaded = true;
  showRows();
  if (first) {
    // The saved place applies once, to the first history; later ones keep wherever the person has scrolled to.
    grid.setActiveKey(saved.active);
    grid.scrollTo(saved.scrollTop, saved.scrollLeft);
  }
  showDetails();
  save();
}

function appendRun(row: ProfilerRow): void {
  if (!model.append(row)) return;
  if (!loaded) {
    // A run recorded before the history arrived: shown now, replaced by the history (which has it too) later.
    message.hidden = true;
    gridHost.hidden = false;
  }
  showRows();
  if (model.selected.includes(row.id)) showDetails();
  grid.announce(`Run recorded: ${row.entry}, ${row.status}.`);
}

function exportRows(format: ExportFormat): void {
  const rows = [...model.visible];
  if (rows.length === 0) return;
  api.postMessage({ type: "export", format, rows });
}

function report(detail: string): void {
  api.postMessage({ type: "invalidMessage", detail: detail.slice(0, limits.detailLength) });
}

function onHostMessage(raw: unknown): void {
  const checked = check(hostToPageChecker, raw);
  if (!checked.ok) {
    report(checked.detail);
    return;
  }
  const msg = checked.value;
  try {
    switch (msg.type) {
      case "surface":
        setSurface(msg.surface);
        return;
      case "history":
        roofs = msg.roofs;
        truncated = msg.truncated;
        showHistory(msg.rows);
        return;
      case "append":
        appendRun(msg.run);
        return;
      case "empty":
        showMessage(msg.reason);
        return;
      default:
        assertNever(msg, "host message");
    }
  } catch (err) {
    // Checked data should always render; if it does not, that is a page bug the host should hear about.
    report(`could not show a ${msg.type} message: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ---- Layout: compact rows in a narrow view, a grid of the columns that fit when wider ----

/** The page's font size in pixels: the default column widths are in em, so they follow VS Code's font size. */
function emPx(): number {
  return Number.parseFloat(getComputedStyle(document.body).fontSize) || 13;
}

function columnLabel(id: ColumnId): string {
  return columnDefs[id].label;
}

/**
 * Picks the layout for the page's width: one compact column at side-bar widths; else the grid's columns, in the
 * person's order, as many as fit (in the side bar) or all of them scrolling sideways with Kernel kept in view (in
 * an editor tab, which exists to show the whole table).
 */
function applyLayout(): void {
  const width = document.documentElement.clientWidth;
  const compact = width > 0 && width <= compactMaxWidth;
  document.body.classList.toggle("compact", compact);
  let columns: GridColumn<ProfilerRow>[];
  if (compact) {
    columns = [compactColumn];
    dropped = [];
  } else {
    const em = emPx();
    const pick = Math.round(pickWidthEm * em);
    // Room for the vertical scroll bar is kept whether it shows yet or not, so a history arriving moves no column.
    const fit = fitColumns(prefs, surface === "editor" ? null : width - pick - scrollbarRoom, em);
    dropped = fit.dropped;
    columns = gridColumns(fit.shown, (id) => fit.narrowed[id] ?? widthOf(prefs, id, em), pick);
  }
  const signature = JSON.stringify(columns.map((c) => [c.id, c.width ?? null]));
  if (signature !== layoutSignature) {
    layoutSignature = signature;
    gridHost.dataset.layout = compact ? "compact" : "grid";
    grid.setColumns(columns);
  }
  columnsNote.hidden = dropped.length === 0;
  columnsNote.textContent =
    dropped.length === 0 ? "" : `${dropped.length} more ${dropped.length === 1 ? "column" : "columns"} (${dropped.map(columnLabel).join(", ")}): widen the view, or open it in an editor.`;
  menu.update(prefs, dropped);
}

function columnsChanged(): void {
  applyLayout();
  save();
}

const menu = new ColumnMenu({
  button: columnsButton,
  panel: requireElement("column-menu", HTMLElement),
  label: columnLabel,
  onChange: (next) => {
    prefs = normalizePrefs(next);
    columnsChanged();
  },
  move: moveColumn,
  setHidden,
  reset: () => normalizePrefs(defaultPrefs),
});

function setSurface(next: ProfilerSurface): void {
  surface = next;
  document.body.classList.toggle("surface-editor", surface === "editor");
  // In the editor tab the page already is the wide table.
  openInEditor.hidden = surface === "editor";
  applyLayout();
}

// Layout follows the width: the side bar dragged wider or narrower, the editor tab split.
let layoutFrame: number | undefined;
new ResizeObserver(() => {
  if (layoutFrame === undefined) {
    layoutFrame = requestAnimationFrame(() => {
      layoutFrame = undefined;
      applyLayout();
    });
  }
}).observe(document.documentElement);
// A theme or font-size change (VS Code rewrites <html>'s style and <body>'s class) changes what an em is.
const restyled = new MutationObserver(() => applyLayout());
restyled.observe(document.documentElement, { attributes: true, attributeFilter: ["style", "class"] });
restyled.observe(document.body, { attributes: true, attributeFilter: ["class", "style"] });

// ---- The toolbar ----

setChildren(
  statusSelect,
  statusFilters.map((s) => h("option", { attrs: { value: s } }, statusFilterLabels[s])),
);
statusSelect.value = model.status;
filterInput.maxLength = filterLength;
filterInput.value = model.filter;

function filterChanged(): void {
  model.setFilter(filterInput.value, statusSelect.value as StatusFilter);
  showRows();
  grid.announce(`${model.visible.length.toLocaleString("en-US")} of ${model.all.length.toLocaleString("en-US")} runs shown.`);
  save();
}

filterInput.addEventListener("input", filterChanged);
compactSort.addEventListener("change", () => {
  const picked = compactSorts[Number(compactSort.value)];
  if (!picked) return;
  model.setSort({ column: picked.column, direction: picked.direction });
  sortChanged();
});
showCompactSort();
filterInput.addEventListener("keydown", (event) => {
  // Escape empties the box, as in VS Code's own filter boxes; a second Escape leaves it to the view.
  if (event.key === "Escape" && filterInput.value !== "") {
    filterInput.value = "";
    filterChanged();
    event.stopPropagation();
  }
  // Down goes from the box to the runs, as from VS Code's own filter boxes to their lists.
  if (event.key === "ArrowDown" && model.visible.length > 0) {
    event.preventDefault();
    grid.focusRow(grid.activeRowKey ?? model.visible[0]!.id);
  }
});
statusSelect.addEventListener("change", filterChanged);
exportCsv.addEventListener("click", () => exportRows("csv"));
exportJson.addEventListener("click", () => exportRows("json"));
openInEditor.prepend(icon("openInEditor", "button-icon"));
columnsButton.prepend(icon("columns", "button-icon"));
openInEditor.addEventListener("click", () => api.postMessage({ type: "openInEditor" }));
applyLayout();

// Saved picks show as soon as their rows come; until then the page waits for the host.
showMessage("Loading the run history…");
api.onMessage(onHostMessage);
api.postMessage({ type: "ready" });
