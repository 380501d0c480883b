// The best configuration of a sweep, as words and as edits: pure, no vscode, so unit tests can pin both.
//
// Applying a configuration writes the best point's parameters into the kernel the way `substituteParameters` does
// for a variant, but keeps the `// @sweep` lines (the space stays explorable): override defaults, `@override` /
// `@let` / `@define` values and `@workgroup_size` literals change; a parameter only its sweep line declares gets a
// pinning `// @let` above that line.
import { formatMs, formatParams, substituteParameters, type Edit, type ParameterKind, type SweepResult } from "../../../server/src/engine";

export type BestOf = Pick<SweepResult, "best" | "space">;

/** `TILE=16, WG_X=8`: the best point's parameters in the space's order; undefined without a best point. */
export function bestParamsLabel(result: BestOf): string | undefined {
  return result.best ? formatParams(result.best.params, result.space) : undefined;
}

/** Parameters longer than this stay out of the best lens's title (its tooltip has them): the lens line stays short. */
const TITLE_PARAMS_MAX = 12;

/**
 * The lens next to `$(search) Sweep`: `$(check) best WG=64 · 0.43 ms` (the parameters only when they are as short as
 * that; `$(check) best · 0.43 ms` otherwise), with the edits it would make in today's text `· applied` once the source
 * has those values, and `$(warning) best 0.43 ms · out of date` when a parameter has nowhere to go any more.
 */
export function bestLensTitle(result: BestOf, edits?: BestEdits): string | undefined {
  if (!result.best) return undefined;
  const time = formatMs(result.best.medianMs, "short");
  if (edits?.kind === "missing") return `$(warning) best ${time} · out of date`;
  const params = bestParamsLabel(result) ?? "";
  const head = params.length <= TITLE_PARAMS_MAX ? `$(check) best ${params} · ${time}` : `$(check) best · ${time}`;
  return edits?.kind === "edits" && edits.edits.length === 0 ? `${head} · applied` : head;
}

/** The best lens's tooltip: the whole configuration, how it was measured, what a click does. */
export function bestLensTooltip(result: BestOf, entry: string): string {
  if (!result.best) return "";
  return `The fastest correct configuration the last sweep of ${entry} measured: ${bestParamsLabel(result)}, median ${formatMs(result.best.medianMs, "short")}. Click to write it into the source (the @sweep lines stay).`;
}

/** The code action: `Apply best sweep configuration (TILE=16, WG_X=8) — 0.43 ms measured`. */
export function applyBestTitle(result: BestOf): string | undefined {
  if (!result.best) return undefined;
  return `Apply best sweep configuration (${bestParamsLabel(result)}) — ${formatMs(result.best.medianMs, "short")} measured`;
}

export type BestEdits =
  /** `edits`: offset edits on the text, in order, none of them a no-op; empty when the text already has the values. */
  | { readonly kind: "edits"; readonly edits: readonly Edit[] }
  /** Parameters the text no longer declares anywhere (renamed or deleted since the sweep): nothing is edited. */
  | { readonly kind: "missing"; readonly missing: readonly string[] }
  | { readonly kind: "no-best" };

/** The edits that write the best point of `result` into `text` (the kernel's current text), keeping its `@sweep` lines. */
export function bestConfigurationEdits(text: string, result: Pick<SweepResult, "best" | "space" | "entry">): BestEdits {
  if (!result.best) return { kind: "no-best" };
  const kinds: Record<string, ParameterKind | undefined> = {};
  for (const p of result.space) kinds[p.name] = p.kind;
  const variant = substituteParameters(text, result.best.params, { entry: result.entry, kinds, keepSweepLines: true });
  if (variant.missing.length > 0) return { kind: "missing", missing: variant.missing };
  // An edit that writes what is already there changes nothing: leaving it out keeps the undo stack and `dirty` honest.
  return { kind: "edits", edits: variant.edits.filter((e) => text.slice(e.start, e.end) !== e.text) };
}

/** What to tell a person when the best configuration cannot be applied, or is already in the text. */
export function bestEditsProblem(edits: BestEdits, result: BestOf, fileName: string): string | undefined {
  switch (edits.kind) {
    case "no-best":
      return "the last sweep measured no feasible point, so it has no best configuration";
    case "missing": {
      const names = edits.missing.join(", ");
      return `${fileName} changed since the sweep: nothing declares ${names} any more (no override, directive, @workgroup_size literal or @sweep line), so the best configuration (${bestParamsLabel(result)}) cannot be written in. Sweep again.`;
    }
    case "edits":
      return edits.edits.length === 0 ? `${fileName} already has the best configuration (${bestParamsLabel(result)})` : undefined;
  }
}
