// An accessible sortable table for panels: ARIA grid, sortable column headers, keyboard row navigation, expandable rows.
//
// Keyboard model (one tab stop for the body, as the ARIA grid pattern asks): the header buttons are ordinary tab
// stops; in the body, one row holds tabindex 0 and the arrow keys move it. ArrowUp/ArrowDown move by one row,
// PageUp/PageDown by a page, Home/End go to the first/last row, Enter activates the row, Space toggles its details,
// ArrowRight opens and ArrowLeft closes them. `aria-sort` sits on the column header cell (the only role ARIA allows
// it on), and the header's button toggles it. Styles live in theme.css, so every panel's tables look alike.
import { h, setAttribute, type Child } from "./dom";
import { object, oneOf, string, type Checker } from "../../../server/src/core/validation";

export type SortDirection = "ascending" | "descending";

export interface SortState {
  column: string;
  direction: SortDirection;
}

/** For pages that keep the sort in their saved state. */
export const sortStateChecker: Checker<SortState> = object<SortState>({
  column: string({ maxLength: 200 }),
  direction: oneOf("ascending", "descending"),
});

/** A sort key; null sorts after every value in both directions ("unknown" is never the most interesting row). */
export type SortKey = string | number | null;

export interface TableColumn<Row> {
  /** Stable identifier, kept in saved state. */
  id: string;
  label: string;
  cell(row: Row): Child | readonly Child[];
  /** Columns without a sort key cannot be sorted. */
  sortKey?(row: Row): SortKey;
  /** Numbers align to the end and use tabular figures, so digits line up down the column. */
  numeric?: boolean;
}

/** What changed through the user (sort, expansion, the current row): a page saves it in its state. */
export interface TableViewState {
  sort: SortState | null;
  expanded: string[];
  active: string | null;
}

export interface SortableTableOptions<Row> {
  /** Accessible name of the grid. */
  label: string;
  columns: readonly TableColumn<Row>[];
  /** A key unique among the rows and stable across updates: expansion and focus follow it. */
  rowKey(row: Row): string;
  /** What a screen reader says for the row. */
  rowLabel(row: Row): string;
  /** Content of a row's expandable details, built only while the row is expanded. */
  detail?(row: Row): Node;
  /** Whether a row has details (all rows do when `detail` is given and this is not). */
  hasDetail?(row: Row): boolean;
  /** Called when a row is activated (Enter, click). */
  onActivate?(row: Row): void;
  /** Called after the user changed the sort, expanded or collapsed a row, or moved to another row. */
  onViewStateChange?(state: TableViewState): void;
  /** Shown in the body when there are no rows. */
  emptyText?: string;
  /** Rows moved by PageUp/PageDown. */
  pageSize?: number;
  initial?: Partial<TableViewState>;
}

let tableCount = 0;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}

export class SortableTable<Row> {
  /** The component's root; place it in the page. */
  readonly element: HTMLDivElement;
  private readonly body: HTMLTableSectionElement;
  private readonly status: HTMLElement;
  private readonly headers = new Map<string, HTMLTableCellElement>();
  private readonly idPrefix: string;
  private rows: readonly Row[] = [];
  private ordered: readonly Row[] = [];
  private readonly rowElements = new Map<string, HTMLTableRowElement>();
  private readonly rowsByKey = new Map<string, Row>();
  private sort: SortState | null = null;
  private readonly expanded = new Set<string>();
  private activeKey: string | null = null;
  /** Whether the current row was chosen (by the user or restored state), so it is highlighted when unfocused. */
  private activeChosen = false;

  constructor(private readonly options: SortableTableOptions<Row>) {
    this.idPrefix = `sortable-table-${++tableCount}`;
    const head = h("thead", { attrs: { role: "rowgroup" } }, h("tr", { attrs: { role: "row" } }, options.columns.map((c) => this.header(c))));
    this.body = h("tbody", { attrs: { role: "rowgroup" } });
    const table = h("table", { class: "sortable-table", attrs: { role: "grid", "aria-label": options.label } }, head, this.body);
    this.status = h("div", { class: "visually-hidden", attrs: { role: "status", "aria-live": "polite" } });
    this.element = h("div", { class: "sortable-table-container" }, table, this.status);

    head.addEventListener("click", (event) => {
      const button = (event.target as Element).closest("button[data-column]");
      if (button instanceof HTMLElement && button.dataset.column) this.userSort(button.dataset.column);
    });
    this.body.addEventListener("click", (event) => this.onBodyClick(event));
    this.body.addEventListener("keydown", (event) => this.onBodyKeyDown(event));
    // Focus that arrives some other way (Tab, a screen reader's cursor, a script) also makes that row current.
    this.body.addEventListener("focusin", (event) => {
      const key = this.rowKeyOf(event.target);
      if (key !== undefined && event.target === this.rowElements.get(key)) this.setActive(key, true);
    });

    const initial = options.initial ?? {};
    this.sort = this.validSort(initial.sort ?? null);
    for (const key of initial.expanded ?? []) this.expanded.add(key);
    if (initial.active) {
      this.activeKey = initial.active;
      this.activeChosen = true;
    }
    this.updateHeaders();
    this.renderBody();
  }

  /** Replaces the rows, keeping sort, expansion and the current row where their keys still exist. */
  setRows(rows: readonly Row[]): void {
    this.rows = rows;
    this.rowsByKey.clear();
    for (const row of rows) this.rowsByKey.set(this.options.rowKey(row), row);
    for (const key of [...this.expanded]) if (!this.rowsByKey.has(key)) this.expanded.delete(key);
    if (this.activeKey !== null && !this.rowsByKey.has(this.activeKey)) {
      this.activeKey = null;
      this.activeChosen = false;
    }
    this.renderBody();
  }

  get viewState(): TableViewState {
    return { sort: this.sort && { ...this.sort }, expanded: [...this.expanded], active: this.activeChosen ? this.activeKey : null };
  }

  /** Sets the sort without notifying `onViewStateChange` (that is for what the user does). */
  setSort(sort: SortState | null): void {
    this.sort = this.validSort(sort);
    this.updateHeaders();
    this.renderBody();
  }

  /** Expands or collapses a row without notifying `onViewStateChange`. */
  setExpanded(key: string, expanded: boolean): void {
    if (expanded) this.expanded.add(key);
    else this.expanded.delete(key);
    this.renderBody();
  }

  /** Sets which rows are expanded, without notifying `onViewStateChange`. */
  setExpandedKeys(keys: Iterable<string>): void {
    this.expanded.clear();
    for (const key of keys) this.expanded.add(key);
    this.renderBody();
  }

  /** Keys of the rows in the order shown. */
  get orderedKeys(): string[] {
    return this.ordered.map((row) => this.options.rowKey(row));
  }

  /** Moves keyboard focus to a row (or the current row). */
  focusRow(key: string | null = this.activeKey): void {
    const row = key === null ? undefined : this.rowElements.get(key);
    if (!row || key === null) return;
    this.setActive(key);
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  private header(column: TableColumn<Row>): HTMLTableCellElement {
    const content = column.sortKey
      ? h("button", { class: "sort-button", attrs: { type: "button" }, dataset: { column: column.id } }, column.label)
      : column.label;
    const cell = h("th", { class: column.numeric ? "numeric" : null, attrs: { role: "columnheader", scope: "col" } }, content);
    this.headers.set(column.id, cell);
    return cell;
  }

  private validSort(sort: SortState | null): SortState | null {
    if (!sort) return null;
    const column = this.options.columns.find((c) => c.id === sort.column);
    return column?.sortKey ? { column: sort.column, direction: sort.direction } : null;
  }

  private updateHeaders(): void {
    for (const [id, cell] of this.headers) {
      setAttribute(cell, "aria-sort", this.sort?.column === id ? this.sort.direction : null);
    }
  }

  private userSort(columnId: string): void {
    const column = this.options.columns.find((c) => c.id === columnId);
    if (!column?.sortKey) return;
    const direction: SortDirection =
      this.sort?.column === columnId && this.sort.direction === "ascending" ? "descending" : "ascending";
    this.sort = { column: columnId, direction };
    this.updateHeaders();
    this.renderBody();
    this.status.textContent = `Sorted by ${column.label}, ${direction}.`;
    this.notify();
  }

  private computeOrder(): void {
    const sort = this.sort;
    const column = sort ? this.options.columns.find((c) => c.id === sort.column) : undefined;
    const sortKey = column?.sortKey;
    if (!sort || !sortKey) {
      this.ordered = [...this.rows];
      return;
    }
    const sign = sort.direction === "ascending" ? 1 : -1;
    const keyed = this.rows.map((row, index) => ({ row, index, key: sortKey(row) }));
    keyed.sort((a, b) => {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) return a.index - b.index;
        return a.key === null ? 1 : -1;
      }
      // Ties keep the incoming order (source order, for kernels) in both directions.
      return sign * compareKeys(a.key, b.key) || a.index - b.index;
    });
    this.ordered = keyed.map((k) => k.row);
  }

  private renderBody(): void {
    const hadFocus = this.body.contains(document.activeElement);
    this.computeOrder();
    this.rowElements.clear();
    const columns = this.options.columns;
    if (this.ordered.length === 0) {
      const cell = h("td", { class: "empty-cell", attrs: { role: "gridcell", colspan: columns.length } }, this.options.emptyText ?? "Nothing to show.");
      this.body.replaceChildren(h("tr", { attrs: { role: "row" } }, cell));
      return;
    }
    if (this.activeKey === null || !this.rowsByKey.has(this.activeKey)) {
      this.activeKey = this.options.rowKey(this.ordered[0]!);
    }
    const trs: HTMLTableRowElement[] = [];
    this.ordered.forEach((row, index) => {
      const key = this.options.rowKey(row);
      const hasDetail = this.hasDetail(row);
      const expanded = hasDetail && this.expanded.has(key);
      const detailId = `${this.idPrefix}-detail-${index}`;
      const cells = columns.map((column, i) => {
        const content = column.cell(row);
        const lead = i === 0 && this.options.detail ? this.expander(row, hasDetail, expanded, detailId) : null;
        return h("td", { class: column.numeric ? "numeric" : null, attrs: { role: "gridcell" } }, lead, content as Child);
      });
      const tr = h(
        "tr",
        {
          class: ["data-row", key === this.activeKey && this.activeChosen ? "active" : null],
          attrs: {
            role: "row",
            tabindex: key === this.activeKey ? 0 : -1,
            "aria-label": this.options.rowLabel(row),
            "aria-expanded": hasDetail ? String(expanded) : null,
          },
          dataset: { key },
        },
        cells,
      );
      this.rowElements.set(key, tr);
      trs.push(tr);
      if (expanded && this.options.detail) {
        const detail = h("div", { class: "row-detail" }, this.options.detail(row));
        const cell = h("td", { attrs: { role: "gridcell", colspan: columns.length } }, detail);
        trs.push(h("tr", { class: "detail-row", id: detailId, attrs: { role: "row" } }, cell));
      }
    });
    this.body.replaceChildren(...trs);
    if (hadFocus) this.rowElements.get(this.activeKey)?.focus();
  }

  private hasDetail(row: Row): boolean {
    return this.options.detail !== undefined && (this.options.hasDetail?.(row) ?? true);
  }

  private expander(row: Row, hasDetail: boolean, expanded: boolean, detailId: string): HTMLElement {
    if (!hasDetail) return h("span", { class: "expander-spacer", attrs: { "aria-hidden": "true" } });
    // Not a tab stop: from the keyboard, Space and the left/right arrows on the row do the same.
    return h("button", {
      class: "expander",
      attrs: {
        type: "button",
        tabindex: -1,
        "aria-expanded": String(expanded),
        "aria-controls": expanded ? detailId : null,
        "aria-label": `${expanded ? "Hide" : "Show"} details of ${this.options.rowLabel(row)}`,
      },
    });
  }

  private rowKeyOf(target: EventTarget | null): string | undefined {
    const tr = target instanceof Element ? target.closest("tr.data-row") : null;
    return tr instanceof HTMLElement && this.body.contains(tr) ? tr.dataset.key : undefined;
  }

  private onBodyClick(event: MouseEvent): void {
    const key = this.rowKeyOf(event.target);
    if (key === undefined) return;
    const onExpander = event.target instanceof Element && event.target.closest("button.expander") !== null;
    this.setActive(key, true);
    if (onExpander) {
      this.toggle(key);
      this.focusRow(key);
      return;
    }
    this.focusRow(key);
    this.activate(key);
  }

  private onBodyKeyDown(event: KeyboardEvent): void {
    const key = this.rowKeyOf(event.target);
    // Keys typed inside a cell's own controls stay theirs; only a focused row navigates.
    if (key === undefined || event.target !== this.rowElements.get(key)) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const keys = this.orderedKeys;
    const index = keys.indexOf(key);
    const page = this.options.pageSize ?? 10;
    let next: string | undefined;
    switch (event.key) {
      case "ArrowDown":
        next = keys[Math.min(index + 1, keys.length - 1)];
        break;
      case "ArrowUp":
        next = keys[Math.max(index - 1, 0)];
        break;
      case "PageDown":
        next = keys[Math.min(index + page, keys.length - 1)];
        break;
      case "PageUp":
        next = keys[Math.max(index - page, 0)];
        break;
      case "Home":
        next = keys[0];
        break;
      case "End":
        next = keys[keys.length - 1];
        break;
      case "Enter":
        this.setActive(key, true);
        this.activate(key);
        break;
      case " ":
        this.toggle(key);
        break;
      case "ArrowRight":
        if (!this.expanded.has(key)) this.toggle(key);
        break;
      case "ArrowLeft":
        if (this.expanded.has(key)) this.toggle(key);
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next !== undefined) {
      this.setActive(next, true);
      this.focusRow(next);
    }
  }

  private setActive(key: string, chosen = false): void {
    const changed = key !== this.activeKey || (chosen && !this.activeChosen);
    if (key !== this.activeKey) {
      this.rowElements.get(this.activeKey ?? "")?.setAttribute("tabindex", "-1");
      this.rowElements.get(this.activeKey ?? "")?.classList.remove("active");
      this.activeKey = key;
      this.rowElements.get(key)?.setAttribute("tabindex", "0");
    }
    if (chosen) this.activeChosen = true;
    if (this.activeChosen) this.rowElements.get(key)?.classList.add("active");
    if (changed && chosen) this.notify();
  }

  private toggle(key: string): void {
    const row = this.rowsByKey.get(key);
    if (row === undefined || !this.hasDetail(row)) return;
    if (this.expanded.has(key)) this.expanded.delete(key);
    else this.expanded.add(key);
    this.renderBody();
    this.notify();
  }

  private activate(key: string): void {
    const row = this.rowsByKey.get(key);
    if (row !== undefined) this.options.onActivate?.(row);
  }

  private notify(): void {
    this.options.onViewStateChange?.(this.viewState);
  }
}
