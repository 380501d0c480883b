// Number formats both the pages and the host use; shared here because webview/src/shared/ may be imported by client/ and webview/ alike (a page never imports client/).

/** Integers with thousands separators, the same on every machine (a locale's default would vary between runs). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** A signed percentage: one decimal below 10%, whole numbers with separators above; a real minus sign. */
export function formatSignedPercent(pct: number): string {
  const magnitude = Math.abs(pct) < 10 ? String(Number(Math.abs(pct).toFixed(1))) : formatCount(Math.abs(pct));
  const sign = pct > 0 ? "+" : pct < 0 ? "−" : "±";
  return `${sign}${magnitude}%`;
}
