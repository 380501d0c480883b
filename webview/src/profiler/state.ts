// What the Profiler page saves with setState, so hiding the view or reloading the window keeps sort, filter, picks, scroll and columns.
//
// The runs themselves are not saved: ten thousand of them would be megabytes written on every scroll, and the host
// posts the history again as soon as the page says `ready`. The saved view is applied to the rows when they arrive.
import { arrayOf, literal, nullable, number, object, oneOf, optional, string, type Checker } from "../../../server/src/core/validation";
import { sortStateChecker, type SortState } from "../shared/sortableTable";
import { columnPrefsChecker, type ColumnPrefs } from "./columns";
import { defaultSort, maxSelected, statusFilters, type StatusFilter } from "./model";
import { limits } from "./protocol";

export interface ProfilerPageState {
  /** Bumped when the shape changes; state of another version fails the check and the page starts fresh. */
  version: 1;
  sort: SortState;
  /** The filter box's text. */
  filter: string;
  status: StatusFilter;
  /** Ids of the runs picked for comparison, "A" first. */
  selected: string[];
  /** Id of the current row (the keyboard's place). */
  active: string | null;
  scrollTop: number;
  scrollLeft: number;
  /** Column order (= priority), hidden columns and widths; absent in state saved before columns could be changed. */
  columns?: ColumnPrefs;
}

export const filterLength = 500;

const offset = number({ min: 0, max: 1e9 });

export const profilerPageStateChecker: Checker<ProfilerPageState> = object<ProfilerPageState>({
  version: literal(1),
  sort: sortStateChecker,
  filter: string({ maxLength: filterLength }),
  status: oneOf(...statusFilters),
  selected: arrayOf(string({ maxLength: limits.idLength, minLength: 1 }), { maxLength: maxSelected }),
  active: nullable(string({ maxLength: limits.idLength, minLength: 1 })),
  scrollTop: offset,
  scrollLeft: offset,
  columns: optional(columnPrefsChecker),
});

export const initialProfilerPageState: ProfilerPageState = {
  version: 1,
  sort: defaultSort,
  filter: "",
  status: "all",
  selected: [],
  active: null,
  scrollTop: 0,
  scrollLeft: 0,
};
