// The Profiler's column menu: show or hide each column and move it up or down the order, which is also its priority.
//
// A small dialog under the toolbar's Columns button, keyboard first: Tab walks its checkboxes and buttons, Alt+Up and
// Alt+Down on a column move it, Escape (or the button again) closes it and gives focus back to the button.
import { h } from "../shared/dom";
import type { ColumnPrefs } from "./columns";
import type { ColumnId } from "./model";

export interface ColumnMenuOptions {
  button: HTMLButtonElement;
  panel: HTMLElement;
  label(id: ColumnId): string;
  /** The person changed the prefs (the page applies and saves them). */
  onChange(prefs: ColumnPrefs): void;
  move(prefs: ColumnPrefs, id: ColumnId, step: -1 | 1): ColumnPrefs;
  setHidden(prefs: ColumnPrefs, id: ColumnId, hidden: boolean): ColumnPrefs;
  reset(): ColumnPrefs;
}

export class ColumnMenu {
  private prefs: ColumnPrefs | null = null;
  private dropped: readonly ColumnId[] = [];

  constructor(private readonly options: ColumnMenuOptions) {
    const { button, panel } = options;
    button.addEventListener("click", () => (this.isOpen ? this.close(true) : this.open()));
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.close(true);
        return;
      }
      if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        const id = this.columnOf(event.target);
        if (!id) return;
        event.preventDefault();
        this.move(id, event.key === "ArrowUp" ? -1 : 1, "input");
      }
    });
    // A press anywhere else closes it, as a menu does.
    document.addEventListener("pointerdown", (event) => {
      if (!this.isOpen || !(event.target instanceof Node)) return;
      if (!panel.contains(event.target) && !button.contains(event.target)) this.close(false);
    });
  }

  get isOpen(): boolean {
    return !this.options.panel.hidden;
  }

  /** The prefs the menu shows, and which columns the width leaves out (marked "no room"). */
  update(prefs: ColumnPrefs, dropped: readonly ColumnId[]): void {
    this.prefs = prefs;
    this.dropped = dropped;
    if (this.isOpen) this.render();
  }

  open(): void {
    const { button, panel } = this.options;
    this.render();
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    this.place();
    panel.querySelector<HTMLElement>("input:not(:disabled), button")?.focus();
  }

  close(returnFocus: boolean): void {
    const { button, panel } = this.options;
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (returnFocus) button.focus();
  }

  /** Under the button, kept inside the page; CSSOM writes, which the strict CSP allows. */
  private place(): void {
    const { button, panel } = this.options;
    const rect = button.getBoundingClientRect();
    const width = panel.offsetWidth;
    const left = Math.max(4, Math.min(rect.right - width, document.documentElement.clientWidth - width - 4));
    panel.style.left = `${left}px`;
    panel.style.top = `${rect.bottom + 2}px`;
    panel.style.maxHeight = `${Math.max(120, document.documentElement.clientHeight - rect.bottom - 8)}px`;
  }

  private columnOf(target: EventTarget | null): ColumnId | undefined {
    const item = target instanceof Element ? target.closest("li[data-column]") : null;
    return item instanceof HTMLElement ? (item.dataset.column as ColumnId) : undefined;
  }

  private change(prefs: ColumnPrefs): void {
    this.prefs = prefs;
    this.options.onChange(prefs);
  }

  private move(id: ColumnId, step: -1 | 1, focus: "input" | "up" | "down"): void {
    if (!this.prefs) return;
    this.change(this.options.move(this.prefs, id, step));
    this.render();
    // Focus follows the column to its new place, on the control that moved it (or the next one that still can).
    const item = this.options.panel.querySelector(`li[data-column="${id}"]`);
    const wanted = item?.querySelector<HTMLElement>(focus === "input" ? "input" : `button.move-${focus}`);
    (wanted && !(wanted as HTMLButtonElement).disabled ? wanted : item?.querySelector<HTMLElement>("input"))?.focus();
  }

  private render(): void {
    const prefs = this.prefs;
    if (!prefs) return;
    const { panel, label } = this.options;
    const order = prefs.order;
    const items = order.map((id, index) => {
      const name = label(id);
      const box = h("input", {
        attrs: { type: "checkbox", "aria-describedby": "column-menu-hint" },
        on: { change: () => this.change(this.options.setHidden(this.prefs!, id, !box.checked)) },
      });
      box.checked = id === "kernel" || !prefs.hidden.includes(id);
      box.disabled = id === "kernel";
      const up = h("button", { class: ["secondary", "move", "move-up"], attrs: { type: "button", "aria-label": `Move ${name} up` }, title: `Move ${name} up (Alt+Up)`, on: { click: () => this.move(id, -1, "up") } }, "↑");
      const down = h("button", { class: ["secondary", "move", "move-down"], attrs: { type: "button", "aria-label": `Move ${name} down` }, title: `Move ${name} down (Alt+Down)`, on: { click: () => this.move(id, 1, "down") } }, "↓");
      up.disabled = id === "kernel" || index <= 1;
      down.disabled = id === "kernel" || index === order.length - 1;
      const note = id === "kernel" ? "always shown" : this.dropped.includes(id) ? "no room" : null;
      return h(
        "li",
        { dataset: { column: id } },
        h("label", { class: "column-name" }, box, " ", name, note ? h("span", { class: "column-note" }, ` (${note})`) : null),
        h("span", { class: "move-buttons" }, up, down),
      );
    });
    const reset = h("button", { class: ["secondary", "reset-columns"], attrs: { type: "button" }, on: { click: () => {
      this.change(this.options.reset());
      this.render();
      panel.querySelector<HTMLElement>("button.reset-columns")?.focus();
    } } }, "Reset columns");
    panel.replaceChildren(
      h("p", { id: "column-menu-hint", class: "column-menu-hint" }, "Shown in this order; when the view is too narrow, the last ones give way first. Drag a header's edge to resize."),
      h("ul", { class: "column-list" }, items),
      reset,
    );
  }
}
