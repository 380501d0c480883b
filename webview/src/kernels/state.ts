// What the Kernels page saves with setState, so that hiding or reloading the panel keeps its data, sort and open rows.
import { arrayOf, literal, nullable, object, string, type Checker } from "../../../server/src/core/validation";
import { sortStateChecker, type SortState } from "../shared/sortableTable";
import { hostToPageChecker, limits, type HostToPage } from "./protocol";

export interface KernelsPageState {
  /** Bumped when the shape changes; state of another version fails the check and the page starts fresh. */
  version: 1;
  /** The last host message shown, so a reloaded page shows it at once instead of a blank panel. */
  view: HostToPage | null;
  sort: SortState | null;
  /** Keys (kernel names) of the rows whose bindings are open. */
  expanded: string[];
  /** Key of the row last moved to or activated. */
  active: string | null;
}

export const kernelsPageStateChecker: Checker<KernelsPageState> = object<KernelsPageState>({
  version: literal(1),
  view: nullable(hostToPageChecker),
  sort: nullable(sortStateChecker),
  expanded: arrayOf(string({ maxLength: limits.nameLength }), { maxLength: limits.kernels }),
  active: nullable(string({ maxLength: limits.nameLength })),
});

export const initialKernelsPageState: KernelsPageState = { version: 1, view: null, sort: null, expanded: [], active: null };
