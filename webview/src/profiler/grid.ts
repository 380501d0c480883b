// A virtualised ARIA grid for long run histories: only the rows in view are in the DOM, with the shared table's looks and keys.
//
// Why not SortableTable itself: it builds every row, and 10,000 runs of 13 cells took it 5 to 10 s to build and lay
// out in headless Chromium, against a budget of 200 ms (this grid: about 70 ms); it also has no multi-selection. This grid reuses what the shared table defines (its column type,
// sort state, `sortable-table` styles in theme.css, header buttons with `aria-sort`, and its keyboard model: one tab
// stop, arrows, PageUp/PageDown, Home/End, Enter) and adds what long lists need: `aria-rowcount` on the grid and
// `aria-rowindex` on each row, so a screen reader says "row 5,123 of 10,001" although few rows exist; spacer rows
// above and below the rendered ones keep the scroll bar true to the whole list; Space or Ctrl/Cmd+click picks rows.
//
// Focus stays put across re-renders: rows still in view are kept as they are (not rebuilt), and when the focused row
// scrolls out of the rendered window the scroll box takes focus, so the next key brings the row back and goes on.
import { h, setAttribute } from "../shared/dom";
import type { SortState, TableColumn } from "../shared/sortableTable";

export interface GridColumn<Row> extends TableColumn<Row> {
  /** Class of the column's `<col>`, header and cells: widths live in the stylesheet, so the layout never depends on content. */
  className: string;
  /** Stays in view when the grid scrolls sideways (the pick box and the kernel). */
  sticky?: boolean;
  /** Tooltip of the header: what the column's numbers are. */
  description?: string;
  /** Width in CSS pixels; without one the column shares what the others leave (the one column of the compact list). */
  width?: number;
  /** The header has a drag handle (and arrow keys on it) that resize the column; the page is told the new width. */
  resizable?: boolean;
}

export interface VirtualGridOptions<Row> {
  /** Accessible name of the grid. */
  label: string;
  columns: readonly GridColumn<Row>[];
  rowKey(row: Row): string;
  /** What a screen reader says for the row. */
  rowLabel(row: Row): string;
  /** "A", "B"... for picked rows (shown and announced as selected), null for the others. */
  markOf(key: string): string | null;
  /** Click or Enter. */
  onActivate(row: Row): void;
  /** Ctrl/Cmd+click, Space, or the row's pick box. */
  onToggle(row: Row): void;
  /** A header was clicked; the page decides the direction and calls setSort. */
  onSortRequest(columnId: string): void;
  onEscape?(): void;
  /** The current row or the scroll position changed (the page saves them). */
  onViewChange?(): void;
  /** Text of the body when there are no rows. */
  emptyText(): string;
  /** A column was resized with its header's handle (once, at the end of a drag or per arrow key). */
  onResize?(columnId: string, width: number): void;
}

/** Pixels an arrow key on a resize handle moves it; with Shift, four times that. */
const resizeStep = 16;
/** Narrowest a column can be dragged to. */
const minColumnWidth = 40;
const maxColumnWidth = 1200;

/** Rows rendered beyond each edge of the viewport, so fast scrolling rarely shows blank space. */
const overscan = 12;
/** Rows moved by PageUp/PageDown when the viewport has no height yet. */
const defaultPage = 10;
/** Rows rendered before the viewport's height is known (a hidden page). */
const defaultWindow = 60;

export class VirtualGrid<Row> {
  /** The scroll box; place it in the page. */
  readonly element: HTMLDivElement;
  private readonly table: HTMLTableElement;
  private readonly head: HTMLTableSectionElement;
  private readonly body: HTMLTableSectionElement;
  private readonly topSpacer: HTMLTableRowElement;
  private readonly bottomSpacer: HTMLTableRowElement;
  private readonly emptyRow: HTMLTableRowElement;
  private readonly emptyCell: HTMLTableCellElement;
  private readonly status: HTMLElement;
  private readonly headers = new Map<string, HTMLTableCellElement>();
  private columns: readonly GridColumn<Row>[];
  /** Kept to mark the header again when the columns change. */
  private sortState: SortState | null = null;
  private readonly colgroup: HTMLTableColElement;
  private readonly headRow: HTMLTableRowElement;
  private rows: readonly Row[] = [];
  private readonly indexByKey = new Map<string, number>();
  /** Rendered rows by key, in DOM order. */
  private rendered = new Map<string, HTMLTableRowElement>();
  private activeKey: string | null = null;
  /** Height of one row in CSS pixels: the stylesheet's value, corrected from the first row laid out. */
  private rowHeight = 22;
  private measured = false;
  private frame: number | undefined;
  private lastScroll = { top: -1, left: -1 };
  /** Set while the scroll box takes focus from a row leaving the DOM, so that focus does not jump back at once. */
  private holdingFocus = false;

  constructor(private readonly options: VirtualGridOptions<Row>) {
    const columns = options.columns;
    this.columns = columns;
    this.colgroup = h("colgroup");
    this.headRow = h("tr", { attrs: { role: "row", "aria-rowindex": 1 } });
    this.head = h("thead", { attrs: { role: "rowgroup" } }, this.headRow);
    const spacer = (): HTMLTableRowElement =>
      h("tr", { class: "spacer", attrs: { role: "presentation", "aria-hidden": "true" } }, h("td", { attrs: { colspan: columns.length } }));
    this.topSpacer = spacer();
    this.bottomSpacer = spacer();
    this.emptyCell = h("td", { class: "empty-cell", attrs: { role: "gridcell", colspan: columns.length } });
    this.emptyRow = h("tr", { class: "empty-row", attrs: { role: "row", "aria-rowindex": 2 } }, this.emptyCell);
    this.body = h("tbody", { attrs: { role: "rowgroup" } }, this.topSpacer, this.bottomSpacer);
    this.table = h(
      "table",
      { class: ["sortable-table", "history-grid"], attrs: { role: "grid", "aria-label": options.label, "aria-multiselectable": "true", "aria-rowcount": 1 } },
      this.colgroup,
      this.head,
      this.body,
    );
    this.status = h("div", { class: "visually-hidden", attrs: { role: "status", "aria-live": "polite" } });
    this.element = h("div", { class: "grid-scroll", attrs: { tabindex: 0 } }, this.table, this.status);

    this.head.addEventListener("click", (event) => {
      const button = event.target instanceof Element ? event.target.closest("button[data-column]") : null;
      if (button instanceof HTMLElement && button.dataset.column) this.options.onSortRequest(button.dataset.column);
    });
    this.body.addEventListener("click", (event) => this.onClick(event));
    // The pick box must not take focus from the row on a click: the row is what the keys act on.
    this.body.addEventListener("mousedown", (event) => {
      if (event.target instanceof HTMLInputElement) event.preventDefault();
    });
    this.element.addEventListener("keydown", (event) => this.onKeyDown(event));
    this.element.addEventListener("focusin", (event) => {
      const key = this.rowKeyOf(event.target);
      if (key !== undefined && event.target === this.rendered.get(key)) this.setActive(key);
    });
    // Tab onto the scroll box (the current row is scrolled away) goes on to that row; a click on the box's blank
    // space, or focus parked there by removeRendered, stays where it is.
    this.element.addEventListener("focus", () => {
      if (this.holdingFocus || !this.element.matches(":focus-visible") || this.rows.length === 0) return;
      this.focusRow(this.activeKey ?? this.options.rowKey(this.rows[0]!));
    });
    this.element.addEventListener("scroll", () => this.scheduleRender(), { passive: true });
    this.setColumns(columns);
  }

  get columnIds(): string[] {
    return this.columns.map((c) => c.id);
  }

  /**
   * Replaces the columns (shown, hidden, reordered or resized): the header and the rows in view are built again, the
   * current row, picks and scroll position kept. Focus on a rebuilt row moves to its new copy.
   */
  setColumns(columns: readonly GridColumn<Row>[]): void {
    this.columns = columns;
    const focusedKey = this.rowKeyOf(document.activeElement);
    const hadFocus = focusedKey !== undefined && document.activeElement === this.rendered.get(focusedKey);
    this.headers.clear();
    this.colgroup.replaceChildren(...columns.map((c) => this.col(c)));
    this.headRow.replaceChildren(...columns.map((c) => this.header(c)));
    for (const cell of [this.emptyCell, this.topSpacer.firstElementChild, this.bottomSpacer.firstElementChild]) {
      if (cell) this.setAttr(cell, "colspan", columns.length);
    }
    if (this.sortState) this.setSort(this.sortState);
    this.updateTableWidth();
    for (const tr of this.rendered.values()) tr.remove();
    this.rendered.clear();
    this.render();
    if (hadFocus) this.rendered.get(focusedKey)?.focus({ preventScroll: true });
  }

  private col(column: GridColumn<Row>): HTMLTableColElement {
    const col = h("col", { class: column.className, dataset: { column: column.id } });
    // CSSOM, not a style attribute: the strict CSP allows it.
    if (column.width !== undefined) col.style.width = `${column.width}px`;
    return col;
  }

  /** With every column sized, the table is their sum (and scrolls sideways past the view); else it fills the view. */
  private updateTableWidth(): void {
    const sized = this.columns.every((c) => c.width !== undefined);
    this.table.style.width = sized ? `${this.columns.reduce((sum, c) => sum + c.width!, 0)}px` : "100%";
    // Where each kept-in-view column starts: after the kept-in-view columns before it (the stylesheet reads these).
    let left = 0;
    for (const c of this.columns) {
      if (!c.sticky) continue;
      this.table.style.setProperty(`--left-${c.id}`, `${left}px`);
      left += c.width ?? 0;
    }
  }

  /** The width of a column as the person drags it: the `<col>` and the table follow at once, the page hears at the end. */
  private previewWidth(id: string, width: number): void {
    const column = this.columns.find((c) => c.id === id);
    if (!column) return;
    this.columns = this.columns.map((c) => (c.id === id ? { ...c, width } : c));
    const col = this.colgroup.querySelector(`col[data-column="${id}"]`);
    if (col instanceof HTMLElement) col.style.width = `${width}px`;
    const handle = this.headers.get(id)?.querySelector(".resize-handle");
    if (handle) this.setAttr(handle, "aria-valuenow", Math.round(width));
    this.updateTableWidth();
  }

  private resizeHandle(column: GridColumn<Row>): HTMLElement {
    const handle = h("span", {
      class: "resize-handle",
      title: `Drag to resize ${column.label}; or focus and press Left or Right`,
      attrs: {
        role: "separator",
        "aria-orientation": "vertical",
        "aria-label": `Resize ${column.label} column`,
        "aria-valuenow": Math.round(column.width ?? 0),
        "aria-valuemin": minColumnWidth,
        "aria-valuemax": maxColumnWidth,
        tabindex: 0,
      },
      dataset: { testid: `resize-${column.id}` },
    });
    const clamp = (w: number): number => Math.round(Math.min(maxColumnWidth, Math.max(minColumnWidth, w)));
    handle.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      event.stopPropagation();
      const startX = event.clientX;
      const startWidth = this.columns.find((c) => c.id === column.id)?.width ?? handle.parentElement!.getBoundingClientRect().width;
      let width = startWidth;
      handle.setPointerCapture(event.pointerId);
      handle.classList.add("dragging");
      const move = (e: PointerEvent): void => {
        width = clamp(startWidth + e.clientX - startX);
        this.previewWidth(column.id, width);
      };
      const up = (): void => {
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
        handle.removeEventListener("pointercancel", up);
        handle.classList.remove("dragging");
        if (width !== startWidth) this.options.onResize?.(column.id, width);
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
      handle.addEventListener("pointercancel", up);
    });
    // A click ending a drag must not reach the sort button.
    handle.addEventListener("click", (event) => event.stopPropagation());
    handle.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      event.preventDefault();
      const current = this.columns.find((c) => c.id === column.id)?.width ?? 0;
      const step = (event.shiftKey ? 4 : 1) * resizeStep * (event.key === "ArrowLeft" ? -1 : 1);
      const width = clamp(current + step);
      if (width === current) return;
      this.previewWidth(column.id, width);
      this.options.onResize?.(column.id, width);
    });
    return handle;
  }

  /** Replaces the rows (already sorted and filtered), keeping the current row and the scroll position. */
  setRows(rows: readonly Row[]): void {
    this.rows = rows;
    this.indexByKey.clear();
    rows.forEach((row, index) => this.indexByKey.set(this.options.rowKey(row), index));
    if (this.activeKey !== null && !this.indexByKey.has(this.activeKey)) this.activeKey = null;
    this.setAttr(this.table, "aria-rowcount", rows.length + 1);
    this.render();
  }

  /** Shows the sort on the headers (aria-sort and the arrow); announces it when the user asked for it. */
  setSort(sort: SortState, announce = false): void {
    this.sortState = sort;
    for (const [id, cell] of this.headers) setAttribute(cell, "aria-sort", sort.column === id ? sort.direction : null);
    if (announce) {
      const label = this.columns.find((c) => c.id === sort.column)?.label ?? sort.column;
      this.announce(`Sorted by ${label}, ${sort.direction}.`);
    }
  }

  /** Says something through the grid's live region (sorting, filtering). */
  announce(text: string): void {
    this.status.textContent = text;
  }

  /** Updates the picked state of the rendered rows (the rest get it when they are rendered). */
  refreshMarks(): void {
    for (const [key, tr] of this.rendered) this.updateRow(tr, key, this.indexByKey.get(key) ?? 0);
  }

  get activeRowKey(): string | null {
    return this.activeKey;
  }

  /** Makes a row current without focusing it (restored state); it gets the tab stop. */
  setActiveKey(key: string | null): void {
    this.activeKey = key !== null && this.indexByKey.has(key) ? key : null;
    for (const [k, tr] of this.rendered) this.setAttr(tr, "tabindex", k === this.activeKey ? 0 : -1);
    this.updateTabStop();
  }

  get scrollPosition(): { top: number; left: number } {
    return { top: this.element.scrollTop, left: this.element.scrollLeft };
  }

  /** Scrolls (restored state) and renders what is then in view. */
  scrollTo(top: number, left: number): void {
    this.element.scrollTop = top;
    this.element.scrollLeft = left;
    this.render();
  }

  /**
   * After the order changed (a sort): the current row stays in view, where the person was; without one the grid
   * goes back to the top, since the rows that were in view are now anywhere.
   */
  keepCurrentInView(): void {
    const index = this.activeKey === null ? undefined : this.indexByKey.get(this.activeKey);
    if (index === undefined) this.element.scrollTop = 0;
    else this.scrollIntoView(index);
    this.render();
  }

  /** Moves keyboard focus to a row, scrolling it into view. */
  focusRow(key: string | null = this.activeKey): void {
    const index = key === null ? undefined : this.indexByKey.get(key);
    if (key === null || index === undefined) return;
    this.setActive(key);
    this.scrollIntoView(index);
    this.render();
    this.rendered.get(key)?.focus({ preventScroll: true });
  }

  /** Renders the rows in view now (the scroll handler does it once per frame). */
  render(fromScroll = false): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    const count = this.rows.length;
    if (count === 0) {
      this.emptyCell.textContent = this.options.emptyText();
      this.removeRendered(new Set());
      if (this.emptyRow.parentNode !== this.body) this.body.insertBefore(this.emptyRow, this.bottomSpacer);
      this.setSpacers(0, 0);
      this.updateTabStop();
      return;
    }
    this.emptyRow.remove();
    const { first, last } = this.window();
    const wanted: string[] = [];
    for (let i = first; i < last; i++) wanted.push(this.options.rowKey(this.rows[i]!));
    const wantedSet = new Set(wanted);
    const focused = document.activeElement;
    const hadRowFocus = focused instanceof HTMLTableRowElement && this.body.contains(focused);
    this.removeRendered(wantedSet);

    // Walk the wanted keys against the rows already there: a row in view stays in place (it may hold focus); new
    // rows go before the next kept one. While scrolling the kept rows keep their relative order, so none moves.
    const next = new Map<string, HTMLTableRowElement>();
    let cursor: ChildNode | null = this.topSpacer.nextSibling;
    for (let n = 0; n < wanted.length; n++) {
      const key = wanted[n]!;
      const index = first + n;
      let tr = this.rendered.get(key);
      if (tr) {
        this.updateRow(tr, key, index);
        if (cursor === tr) cursor = tr.nextSibling;
        else this.body.insertBefore(tr, cursor);
      } else {
        tr = this.buildRow(this.rows[index]!, key, index);
        this.body.insertBefore(tr, cursor);
      }
      next.set(key, tr);
    }
    this.rendered = next;
    this.setSpacers(first, count - last);
    // A row moved to its new place loses focus; give it back, and the tab stop always goes with the current row.
    if (hadRowFocus && document.activeElement !== focused && focused instanceof HTMLTableRowElement && focused.isConnected) {
      focused.focus({ preventScroll: true });
    }
    this.updateTabStop();
    if (!this.measured || fromScroll) this.measure();
    const { top, left } = this.scrollPosition;
    if (top !== this.lastScroll.top || left !== this.lastScroll.left) {
      this.lastScroll = { top, left };
      this.options.onViewChange?.();
    }
  }

  /** Rows per page, for PageUp/PageDown: those that fit below the sticky header. */
  private get pageRows(): number {
    const height = this.element.clientHeight - this.head.offsetHeight;
    return height > 0 ? Math.max(1, Math.floor(height / this.rowHeight) - 1) : defaultPage;
  }

  private window(): { first: number; last: number } {
    const count = this.rows.length;
    const viewport = this.element.clientHeight;
    if (viewport <= 0) return { first: 0, last: Math.min(count, defaultWindow) };
    // Row i's top, in the scroll box's content, is the header's height plus i rows: the header sits above the rows.
    const top = this.element.scrollTop;
    const first = Math.max(0, Math.floor(top / this.rowHeight) - overscan);
    const last = Math.min(count, Math.ceil((top + viewport) / this.rowHeight) + overscan);
    return { first: Math.min(first, last), last };
  }

  private setSpacers(above: number, below: number): void {
    // CSSOM writes, not style attributes: the strict CSP allows them.
    this.topSpacer.style.height = `${above * this.rowHeight}px`;
    this.bottomSpacer.style.height = `${below * this.rowHeight}px`;
    this.topSpacer.hidden = above === 0;
    this.bottomSpacer.hidden = below === 0;
  }

  /**
   * Corrects the row height from a row laid out (fonts and zoom decide it), and renders again when it was off. It
   * reads layout, so it runs on the first render and on scrolling (which lays out anyway), not on every update.
   */
  private measure(): void {
    const first = this.rendered.values().next().value;
    if (!first) return;
    this.measured = true;
    const height = first.getBoundingClientRect().height;
    if (height > 0 && Math.abs(height - this.rowHeight) > 0.01) {
      this.rowHeight = height;
      this.render();
    }
  }

  private scrollIntoView(index: number): void {
    const rowTop = index * this.rowHeight;
    const header = this.head.offsetHeight;
    const viewport = this.element.clientHeight;
    if (viewport <= 0) return;
    if (rowTop < this.element.scrollTop) this.element.scrollTop = rowTop;
    else if (header + rowTop + this.rowHeight > this.element.scrollTop + viewport) {
      this.element.scrollTop = header + rowTop + this.rowHeight - viewport;
    }
  }

  private scheduleRender(): void {
    if (this.frame === undefined) this.frame = requestAnimationFrame(() => this.render(true));
  }

  private header(column: GridColumn<Row>): HTMLTableCellElement {
    const content = column.sortKey
      ? h("button", { class: "sort-button", attrs: { type: "button" }, dataset: { column: column.id } }, column.label)
      : h("span", { class: "visually-hidden" }, column.label);
    const cell = h(
      "th",
      {
        class: [column.className, column.numeric ? "numeric" : null, column.sticky ? "sticky" : null],
        title: column.description,
        attrs: { role: "columnheader", scope: "col" },
        dataset: { column: column.id },
      },
      content,
      column.resizable && column.width !== undefined ? this.resizeHandle(column) : null,
    );
    this.headers.set(column.id, cell);
    return cell;
  }

  private buildRow(row: Row, key: string, index: number): HTMLTableRowElement {
    const cells = this.columns.map((column) =>
      h(
        "td",
        { class: [column.className, column.numeric ? "numeric" : null, column.sticky ? "sticky" : null], attrs: { role: "gridcell" } },
        column.cell(row),
      ),
    );
    const tr = h("tr", { class: "data-row", attrs: { role: "row", "aria-label": this.options.rowLabel(row) }, dataset: { key } }, cells);
    this.updateRow(tr, key, index);
    return tr;
  }

  /** What changes without the row's data changing: its position, whether it is picked, whether it is current. */
  private updateRow(tr: HTMLTableRowElement, key: string, index: number): void {
    const mark = this.options.markOf(key);
    this.setAttr(tr, "aria-rowindex", index + 2);
    this.setAttr(tr, "aria-selected", mark !== null ? "true" : "false");
    this.setAttr(tr, "tabindex", key === this.activeKey ? 0 : -1);
    tr.classList.toggle("selected", mark !== null);
    const box = tr.querySelector("input.pick");
    if (box instanceof HTMLInputElement) box.checked = mark !== null;
    const tag = tr.querySelector(".pick-mark");
    if (tag && tag.textContent !== (mark ?? "")) tag.textContent = mark ?? "";
  }

  private setAttr(element: Element, name: string, value: string | number): void {
    const text = String(value);
    if (element.getAttribute(name) !== text) element.setAttribute(name, text);
  }

  private removeRendered(keep: Set<string>): void {
    for (const [key, tr] of this.rendered) {
      if (keep.has(key)) continue;
      // The focused row is leaving the DOM: the scroll box holds focus until a key brings the row back.
      if (document.activeElement === tr) {
        this.holdingFocus = true;
        this.element.focus({ preventScroll: true });
        this.holdingFocus = false;
      }
      tr.remove();
      this.rendered.delete(key);
    }
  }

  /** The scroll box is a tab stop only while no row can be: the current row is not rendered, or there are none. */
  private updateTabStop(): void {
    const rowStop = this.activeKey !== null ? this.rendered.has(this.activeKey) : false;
    if (!rowStop && this.activeKey === null && this.rendered.size > 0) {
      // No current row yet: the first rendered row takes the tab stop, as in the shared table.
      const [firstKey, firstRow] = this.rendered.entries().next().value!;
      if (this.indexByKey.get(firstKey) === 0) {
        this.setAttr(firstRow, "tabindex", 0);
        this.setAttr(this.element, "tabindex", -1);
        return;
      }
    }
    this.setAttr(this.element, "tabindex", rowStop ? -1 : 0);
  }

  private rowKeyOf(target: EventTarget | null): string | undefined {
    const tr = target instanceof Element ? target.closest("tr.data-row") : null;
    return tr instanceof HTMLElement && this.body.contains(tr) ? tr.dataset.key : undefined;
  }

  private setActive(key: string): void {
    if (key === this.activeKey) return;
    const previous = this.activeKey === null ? undefined : this.rendered.get(this.activeKey);
    if (previous) this.setAttr(previous, "tabindex", -1);
    this.activeKey = key;
    const tr = this.rendered.get(key);
    if (tr) this.setAttr(tr, "tabindex", 0);
    this.updateTabStop();
    this.options.onViewChange?.();
  }

  private onClick(event: MouseEvent): void {
    const key = this.rowKeyOf(event.target);
    const index = key === undefined ? undefined : this.indexByKey.get(key);
    if (key === undefined || index === undefined) return;
    const row = this.rows[index]!;
    const onBox = event.target instanceof HTMLInputElement;
    this.setActive(key);
    this.rendered.get(key)?.focus({ preventScroll: true });
    // The box toggles itself; its state is set again from the picks right after, so the two never disagree.
    if (onBox || event.ctrlKey || event.metaKey) this.options.onToggle(row);
    else this.options.onActivate(row);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const target = event.target;
    let key = this.rowKeyOf(target);
    const onRow = key !== undefined && target === this.rendered.get(key);
    const onBox = target === this.element;
    // Keys typed into the header's buttons (or anything else inside) are theirs.
    if (!onRow && !onBox) return;
    if (event.key === "Escape") {
      this.options.onEscape?.();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (this.rows.length === 0) return;
    if (!onRow) key = this.activeKey ?? this.options.rowKey(this.rows[0]!);
    const index = this.indexByKey.get(key!) ?? 0;
    const last = this.rows.length - 1;
    let nextIndex: number | undefined;
    switch (event.key) {
      case "ArrowDown":
        nextIndex = Math.min(index + 1, last);
        break;
      case "ArrowUp":
        nextIndex = Math.max(index - 1, 0);
        break;
      case "PageDown":
        nextIndex = Math.min(index + this.pageRows, last);
        break;
      case "PageUp":
        nextIndex = Math.max(index - this.pageRows, 0);
        break;
      case "Home":
        nextIndex = 0;
        break;
      case "End":
        nextIndex = last;
        break;
      case "Enter":
        this.focusRow(key!);
        this.options.onActivate(this.rows[index]!);
        break;
      case " ":
        this.focusRow(key!);
        this.options.onToggle(this.rows[index]!);
        break;
      default:
        return;
    }
    event.preventDefault();
    if (nextIndex !== undefined) this.focusRow(this.options.rowKey(this.rows[nextIndex]!));
  }
}
