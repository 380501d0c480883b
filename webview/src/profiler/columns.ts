// Which of the Profiler's columns are shown, in what order and how wide: the person's choices, and what fits the width.
//
// One order is both the display order and the priority: when the view is too narrow for every column, the last
// ones give way first, so what matters most (kernel, median, predicted, error, status) stays. Kernel is always
// first and always shown: it names the row, and it stays in view when the grid scrolls sideways.
import { arrayOf, number, object, oneOf, recordOf, type Checker } from "../../../server/src/core/validation";
import type { ColumnId } from "./model";

/** Every column, in the default order (= priority): what a person asks first about a run comes first. */
export const defaultOrder: readonly ColumnId[] = ["kernel", "median", "predicted", "error", "status", "variant", "adapter", "roof", "gbps", "gflops", "spread", "started"];

const columnIds = defaultOrder as readonly string[];

/** Default widths in em of the page's font, so they follow VS Code's font size. */
export const defaultWidthsEm: Record<ColumnId, number> = {
  kernel: 13,
  median: 6.5,
  predicted: 6.5,
  error: 5.5,
  status: 16,
  variant: 12,
  adapter: 10,
  roof: 10.5,
  gbps: 5.5,
  gflops: 6.5,
  spread: 12.5,
  started: 8.8,
};

/** The pick box's column, never resized: it holds a checkbox and a letter. */
export const pickWidthEm = 3.2;

/** Bounds of a column's width in CSS pixels: narrower hides its label, wider is past any cell's content. */
export const minWidthPx = 40;
export const maxWidthPx = 1200;

export interface ColumnPrefs {
  /** Every column once, Kernel first: the display order and the priority. */
  order: ColumnId[];
  /** Columns the person hid (never Kernel). */
  hidden: ColumnId[];
  /** Widths the person set, in CSS pixels; the others have their default. */
  widths: Partial<Record<ColumnId, number>>;
}

export const defaultPrefs: ColumnPrefs = { order: [...defaultOrder], hidden: [], widths: {} };

const columnId = oneOf(...(defaultOrder as readonly ColumnId[] as [ColumnId, ...ColumnId[]]));

export const columnPrefsChecker: Checker<ColumnPrefs> = object<ColumnPrefs>({
  order: arrayOf(columnId, { maxLength: defaultOrder.length }),
  hidden: arrayOf(columnId, { maxLength: defaultOrder.length }),
  widths: recordOf(number({ min: minWidthPx, max: maxWidthPx }), { maxEntries: defaultOrder.length }) as Checker<Partial<Record<ColumnId, number>>>,
});

function isColumn(id: string): id is ColumnId {
  return columnIds.includes(id);
}

/**
 * Prefs made whole: every column exactly once with Kernel first (a column new in this version goes where the default
 * order has it), Kernel never hidden, widths only of known columns and within bounds.
 */
export function normalizePrefs(prefs: ColumnPrefs | undefined): ColumnPrefs {
  const given = prefs ?? defaultPrefs;
  const order: ColumnId[] = ["kernel"];
  for (const id of given.order) if (isColumn(id) && !order.includes(id)) order.push(id);
  defaultOrder.forEach((id, index) => {
    if (order.includes(id)) return;
    // After the column that precedes it by default, so a new column lands near its usual neighbours.
    const before = defaultOrder[index - 1];
    const at = before === undefined ? order.length : order.indexOf(before) + 1;
    order.splice(at, 0, id);
  });
  const hidden = [...new Set(given.hidden.filter((id) => isColumn(id) && id !== "kernel"))];
  const widths: Partial<Record<ColumnId, number>> = {};
  for (const [id, width] of Object.entries(given.widths)) {
    if (isColumn(id) && typeof width === "number" && Number.isFinite(width)) widths[id] = clampWidth(width);
  }
  return { order, hidden, widths };
}

export function clampWidth(px: number): number {
  return Math.round(Math.min(maxWidthPx, Math.max(minWidthPx, px)));
}

/** A column's width in CSS pixels: the person's, else the default at the page's font size. */
export function widthOf(prefs: ColumnPrefs, id: ColumnId, emPx: number): number {
  return prefs.widths[id] ?? Math.round(defaultWidthsEm[id] * emPx);
}

/** Moves a column one place towards the front (-1) or the back (+1); Kernel stays first. */
export function moveColumn(prefs: ColumnPrefs, id: ColumnId, step: -1 | 1): ColumnPrefs {
  const order = [...prefs.order];
  const from = order.indexOf(id);
  const to = from + step;
  if (id === "kernel" || from < 0 || to < 1 || to >= order.length) return prefs;
  order.splice(from, 1);
  order.splice(to, 0, id);
  return { ...prefs, order };
}

export function setHidden(prefs: ColumnPrefs, id: ColumnId, hidden: boolean): ColumnPrefs {
  if (id === "kernel") return prefs;
  const rest = prefs.hidden.filter((h) => h !== id);
  return { ...prefs, hidden: hidden ? [...rest, id] : rest };
}

export function setWidth(prefs: ColumnPrefs, id: ColumnId, px: number): ColumnPrefs {
  return { ...prefs, widths: { ...prefs.widths, [id]: clampWidth(px) } };
}

/** A column that does not fit whole still shows, narrowed to the room left, when that is at least this share of it. */
const squeezeShare = 0.5;
/** ...and at least this many pixels: less holds no readable value. */
const squeezeMinPx = 64;

export interface ColumnFit {
  /** Shown, in order. */
  shown: ColumnId[];
  /** Widths in pixels of the columns shown narrower than their own width, to use the last of the room. */
  narrowed: Partial<Record<ColumnId, number>>;
  /** Not hidden by the person, but left out for want of room (the lowest priorities). */
  dropped: ColumnId[];
}

/**
 * The columns to show in `available` pixels (after the pick box): the visible ones in priority order while they
 * fit, stopping at the first that does not, so a column never shows while one before it is left out. Kernel always
 * shows. With `available` null every visible column shows (the editor tab, which scrolls sideways instead).
 */
export function fitColumns(prefs: ColumnPrefs, available: number | null, emPx: number): ColumnFit {
  const visible = prefs.order.filter((id) => id === "kernel" || !prefs.hidden.includes(id));
  if (available === null) return { shown: visible, narrowed: {}, dropped: [] };
  const shown: ColumnId[] = [];
  const narrowed: Partial<Record<ColumnId, number>> = {};
  let used = 0;
  for (let i = 0; i < visible.length; i++) {
    const id = visible[i]!;
    const width = widthOf(prefs, id, emPx);
    if (id !== "kernel" && used + width > available) {
      // The first column that does not fit takes the room left if that is enough to read it (cut with an ellipsis).
      const room = Math.floor(available - used);
      if (room >= squeezeMinPx && room >= width * squeezeShare) {
        shown.push(id);
        narrowed[id] = room;
        return { shown, narrowed, dropped: visible.slice(i + 1) };
      }
      return { shown, narrowed, dropped: visible.slice(i) };
    }
    shown.push(id);
    used += width;
  }
  return { shown, narrowed, dropped: [] };
}
