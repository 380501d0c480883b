// The Profiler page's data without the DOM: every run, the sort, the filter and the runs picked for comparison.
//
// The order is computed once per change of rows or sort, over all rows; the filter then walks that order, so typing
// in the filter box never sorts again. Rows are immutable and keyed by id: an update that brings a row with a known
// id keeps the old one, and selection and focus follow ids, never positions.
import type { SortDirection, SortKey, SortState } from "../shared/sortableTable";
import type { ProfilerRow, RunStatus } from "./protocol";

export type ColumnId =
  | "kernel"
  | "variant"
  | "adapter"
  | "median"
  | "spread"
  | "gbps"
  | "gflops"
  | "roof"
  | "predicted"
  | "error"
  | "started"
  | "status";

/** What the status picker offers: one status, every run, or every run that did not pass. */
export type StatusFilter = "all" | "problems" | RunStatus;
export const statusFilters = ["all", "problems", "passed", "failed", "error", "timeout"] as const satisfies readonly StatusFilter[];

/** The sort a fresh page starts with: newest run first, where a run just recorded appears. */
export const defaultSort: SortState = { column: "started", direction: "descending" };

/** Runs that can be compared at once: the comparison is side by side. */
export const maxSelected = 2;

/** The variant as one line: `#define`s first, then `let` values, as the run report writes them. */
export function variantText(row: ProfilerRow): string {
  return [...row.defines, ...row.lets.map((l) => `${l.name}=${l.value}`)].join(" ");
}

/** The spread of a timing relative to its median: what "noisy" means whatever the kernel's length. */
export function relativeSpread(row: ProfilerRow): number | null {
  const t = row.timing;
  if (!t || !(t.medianMs > 0)) return null;
  return (t.maxMs - t.minMs) / t.medianMs;
}

/** Severity order for sorting by status: what most needs looking at sorts first when descending. */
const statusRank: Record<RunStatus, number> = { passed: 0, timeout: 1, failed: 2, error: 3 };

/** Sort keys by column; null sorts last in both directions, as in the shared table ("unknown" is never the most interesting). */
export const sortKeys: Record<ColumnId, (row: ProfilerRow) => SortKey> = {
  // The cell shows the entry point first, so it sorts first too.
  kernel: (r) => `${r.entry} ${r.file}`,
  variant: (r) => variantText(r) || null,
  adapter: (r) => r.adapter?.label ?? null,
  median: (r) => r.timing?.medianMs ?? null,
  spread: (r) => relativeSpread(r),
  gbps: (r) => r.gbps,
  gflops: (r) => r.gflops,
  roof: (r) => r.roof?.pct ?? null,
  predicted: (r) => r.predicted?.ms ?? null,
  // By size: a model 40% off is as wrong whichever way it missed.
  error: (r) => (r.predicted?.errorPct === null || r.predicted?.errorPct === undefined ? null : Math.abs(r.predicted.errorPct)),
  // ISO times as numbers: comparing ten thousand distinct strings with a collator costs more than the whole render.
  started: (r) => {
    const t = Date.parse(r.startedAt);
    return Number.isNaN(t) ? null : t;
  },
  status: (r) => statusRank[r.status],
};

export function isColumnId(id: string): id is ColumnId {
  return Object.prototype.hasOwnProperty.call(sortKeys, id);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/**
 * The keys as numbers that sort the way the shared table's collator sorts them (numbers before text, text in
 * natural order: `kernel_2` before `kernel_10`). A history repeats a few kernel, variant and adapter names across
 * thousands of runs, so the distinct strings are ranked once with the collator and the rows then sort by rank.
 */
function numericKeys(keys: readonly SortKey[]): (number | null)[] {
  const strings = new Set<string>();
  for (const key of keys) if (typeof key === "string") strings.add(key);
  if (strings.size === 0) return keys as (number | null)[];
  const ranked = [...strings].sort((a, b) => collator.compare(a, b));
  const rank = new Map<string, number>();
  ranked.forEach((value, index) => {
    // Collator-equal strings ("Saxpy", "saxpy") share a rank, so record order breaks their tie, as with the collator.
    const previous = ranked[index - 1];
    rank.set(value, previous !== undefined && collator.compare(previous, value) === 0 ? rank.get(previous)! : index);
  });
  const numbers = keys.filter((k): k is number => typeof k === "number");
  // Numbers first, as the collator orders digits before letters: every rank sits above the largest number.
  const base = numbers.length > 0 ? Math.max(...numbers) + 1 : 0;
  return keys.map((key) => (typeof key === "string" ? base + rank.get(key)! : key));
}

/** The text the filter box searches: the kernel, its variant, the adapter and the status (with its message). */
function haystack(row: ProfilerRow): string {
  const adapter = row.adapter ? `${row.adapter.label}${row.adapter.software ? " software" : ""}` : "";
  return `${row.file}:${row.entry}\n${variantText(row)}\n${adapter}\n${row.status} ${row.message}`.toLowerCase();
}

export function matchesStatus(row: ProfilerRow, filter: StatusFilter): boolean {
  if (filter === "all") return true;
  if (filter === "problems") return row.status !== "passed";
  return row.status === filter;
}

export class HistoryModel {
  private rows: ProfilerRow[] = [];
  private readonly byId = new Map<string, ProfilerRow>();
  private readonly haystacks = new Map<string, string>();
  private ordered: ProfilerRow[] = [];
  private shown: ProfilerRow[] = [];
  private sortState: SortState;
  private filterText = "";
  private statusFilter: StatusFilter = "all";
  /** Ids picked for comparison, oldest pick first (it is "A"). */
  private picked: string[] = [];

  constructor(initial: { sort?: SortState | null; filter?: string; status?: StatusFilter; selected?: readonly string[] } = {}) {
    this.sortState = validSort(initial.sort) ?? defaultSort;
    this.filterText = initial.filter ?? "";
    this.statusFilter = initial.status ?? "all";
    this.picked = [...(initial.selected ?? [])].slice(-maxSelected);
  }

  /** Every row, in the order given (record order). */
  get all(): readonly ProfilerRow[] {
    return this.rows;
  }

  /** The rows the filter lets through, in the sorted order. */
  get visible(): readonly ProfilerRow[] {
    return this.shown;
  }

  get sort(): SortState {
    return { ...this.sortState };
  }

  get filter(): string {
    return this.filterText;
  }

  get status(): StatusFilter {
    return this.statusFilter;
  }

  /** Picked ids, "A" first; ids of rows not loaded yet are kept (the history may still be on its way). */
  get selected(): readonly string[] {
    return this.picked;
  }

  /** The picked rows that are loaded, "A" first. */
  get selectedRows(): ProfilerRow[] {
    return this.picked.map((id) => this.byId.get(id)).filter((r): r is ProfilerRow => r !== undefined);
  }

  get(id: string): ProfilerRow | undefined {
    return this.byId.get(id);
  }

  /** "A" or "B" for a picked row, null for the others. */
  markOf(id: string): string | null {
    const index = this.picked.indexOf(id);
    return index < 0 ? null : String.fromCharCode(65 + index);
  }

  /** Replaces every row; picks of rows that no longer exist are dropped. */
  setRows(rows: readonly ProfilerRow[]): void {
    this.rows = [];
    this.byId.clear();
    this.haystacks.clear();
    for (const row of rows) this.add(row);
    this.picked = this.picked.filter((id) => this.byId.has(id));
    this.reorder();
  }

  /** Adds one row (a run just recorded); false when a row with its id is already there. */
  append(row: ProfilerRow): boolean {
    if (!this.add(row)) return false;
    this.reorder();
    return true;
  }

  /** Same column: the other direction; another column: ascending. What clicking a header does. */
  toggleSort(column: ColumnId): SortState {
    const direction: SortDirection = this.sortState.column === column && this.sortState.direction === "ascending" ? "descending" : "ascending";
    this.setSort({ column, direction });
    return this.sort;
  }

  setSort(sort: SortState): void {
    this.sortState = validSort(sort) ?? defaultSort;
    this.reorder();
  }

  setFilter(text: string, status: StatusFilter = this.statusFilter): void {
    this.filterText = text;
    this.statusFilter = status;
    this.applyFilter();
  }

  /** Plain click or Enter: this run alone is picked. */
  selectOnly(id: string): void {
    this.picked = [id];
  }

  /** Ctrl/Cmd+click, the checkbox or Space: the run is added to or removed from the picks; a third pick drops the oldest. */
  toggle(id: string): void {
    if (this.picked.includes(id)) this.picked = this.picked.filter((p) => p !== id);
    else this.picked = [...this.picked, id].slice(-maxSelected);
  }

  clearSelection(): void {
    this.picked = [];
  }

  private add(row: ProfilerRow): boolean {
    if (this.byId.has(row.id)) return false;
    this.rows.push(row);
    this.byId.set(row.id, row);
    return true;
  }

  private reorder(): void {
    const key = sortKeys[this.sortState.column as ColumnId];
    const sign = this.sortState.direction === "ascending" ? 1 : -1;
    // Keys are computed once per row, not once per comparison; ties keep record order in both directions.
    const keys = numericKeys(this.rows.map(key));
    const order = this.rows.map((_, index) => index);
    order.sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      if (ka === null || kb === null) {
        if (ka === kb) return a - b;
        return ka === null ? 1 : -1;
      }
      return sign * (ka - kb) || a - b;
    });
    this.ordered = order.map((index) => this.rows[index]!);
    this.applyFilter();
  }

  private applyFilter(): void {
    const needle = this.filterText.trim().toLowerCase();
    const status = this.statusFilter;
    if (needle === "" && status === "all") {
      this.shown = this.ordered;
      return;
    }
    this.shown = this.ordered.filter((row) => matchesStatus(row, status) && (needle === "" || this.haystackOf(row).includes(needle)));
  }

  /** Built on the first filtering, not on load: most histories are looked at unfiltered. */
  private haystackOf(row: ProfilerRow): string {
    let text = this.haystacks.get(row.id);
    if (text === undefined) {
      text = haystack(row);
      this.haystacks.set(row.id, text);
    }
    return text;
  }
}

function validSort(sort: SortState | null | undefined): SortState | null {
  return sort && isColumnId(sort.column) ? { column: sort.column, direction: sort.direction } : null;
}
