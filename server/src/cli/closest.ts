// The closest known word to a mistyped one (`analyz` -> `analyze`, `--jsn` -> `--json`), for a one-line "did you
// mean" instead of the whole help text.
import { editDistance as distance } from "../core/directives/directives";

/** The candidate nearest to `word`, when it is near enough to be what was meant (or starts the same way). */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const near = bestDistance <= Math.max(2, Math.floor(best.length / 3));
  const prefix = word.length >= 3 && best.startsWith(word);
  return near || prefix ? best : undefined;
}

/** ` (did you mean 'x'?)`, or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const m = closestMatch(word, candidates);
  return m ? `: did you mean '${m}'?` : "";
}
