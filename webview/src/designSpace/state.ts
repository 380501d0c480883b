// What the Design-space page saves with setState, so hiding or reloading the panel keeps its result, selection, axis and sort.
import { integer, literal, nullable, object, string, type Checker } from "../../../server/src/core/validation";
import { sortStateChecker, type SortState } from "../shared/sortableTable";
import { hostToPageChecker, type HostToPage } from "./protocol";
import { sweepLimits } from "../../../server/src/core/sweep/result";

export interface DesignSpacePageState {
  /** Bumped when the shape changes; state of another version fails the check and the page starts fresh. */
  version: 1;
  /** The last result or reason shown, so a reloaded page shows it at once; the host also reads it to revive the panel. */
  view: HostToPage | null;
  /** Index of the selected variant in the shown result. */
  selected: number | null;
  /** The parameter across the first chart. */
  axis: string | null;
  /** The table's sort. */
  sort: SortState | null;
}

export const designSpacePageStateChecker: Checker<DesignSpacePageState> = object<DesignSpacePageState>({
  version: literal(1),
  view: nullable(hostToPageChecker),
  selected: nullable(integer({ min: 0, max: sweepLimits.points - 1 })),
  axis: nullable(string({ maxLength: sweepLimits.nameLength, minLength: 1 })),
  sort: nullable(sortStateChecker),
});

export const initialDesignSpacePageState: DesignSpacePageState = { version: 1, view: null, selected: null, axis: null, sort: null };

/** The result file a saved state shows: the host revives a panel on it after a window reload. */
export function savedResultUri(state: unknown): string | undefined {
  const checked = designSpacePageStateChecker(state, "state");
  if (checked !== undefined) return undefined;
  const view = (state as DesignSpacePageState).view;
  return view?.type === "sweep" ? view.data.resultUri : undefined;
}
