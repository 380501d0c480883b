// The closest known word to a mistyped one (`analyz` -> `analyze`, `--jsn` -> `--json`), for a one-line "did you
// mean" instead of the whole help text.

/** Levenshtein distance: small words, a handful of candidates; no library needed for that. */
function distance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

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
