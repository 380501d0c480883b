// What the Roofline page saves with setState, so hiding or reloading the panel keeps its data, device and zoom.
import { literal, nullable, number, object, string, taggedUnion, tuple, type Checker } from "../../../server/src/core/validation";
import { limits, rooflineDataChecker, type HostToPage } from "./protocol";
import type { Extent } from "./chart";

/** The host messages that set what the page shows (`select` only points at a kernel of what is shown). */
export type ShownView = Exclude<HostToPage, { type: "select" }>;

export interface RooflinePageState {
  /** Bumped when the shape changes; state of another version fails the check and the page starts fresh. */
  version: 1;
  /** The last data or reason shown, so a reloaded page shows it at once instead of a blank panel. */
  view: ShownView | null;
  /** The device picked in the page; the page sends it with `ready`, so the host models on it again after a reload. */
  deviceId: string | null;
  /** The zoomed extent, or null for the whole chart. */
  zoom: Extent | null;
}

const positive = number({ min: Number.MIN_VALUE, max: limits.magnitude });
const pair = tuple<[number, number]>(positive, positive);

export const shownViewChecker: Checker<ShownView> = taggedUnion<ShownView>({
  roofline: object({ type: literal("roofline"), data: rooflineDataChecker }),
  empty: object({ type: literal("empty"), reason: string({ maxLength: limits.reasonLength }) }),
});

export const rooflinePageStateChecker: Checker<RooflinePageState> = object<RooflinePageState>({
  version: literal(1),
  view: nullable(shownViewChecker),
  deviceId: nullable(string({ maxLength: limits.idLength, minLength: 1 })),
  zoom: nullable(object<Extent>({ x: pair, y: pair })),
});

export const initialRooflinePageState: RooflinePageState = { version: 1, view: null, deviceId: null, zoom: null };
