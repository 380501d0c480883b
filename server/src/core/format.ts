// How KernelLens writes numbers and durations for people: the same words in the editor, the CLI and the panels.
//
// Pure and dependency-free, so the client, the CLI and the webview pages all import it (the webview bundles it).

/** Three significant digits with thousands separators, the same on every machine (a locale's default varies). */
const threeDigits = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

/** Three significant digits with thousands separators: `0.167`, `4,520`, `41,200`. */
export function formatNumber(value: number): string {
  return threeDigits.format(value);
}

/**
 * How a duration is written; every style switches to seconds from 1000 ms.
 * - `aligned`: three significant digits, trailing zeros kept so a median and its range line up: `2.10 ms`,
 *   `0.0183 ms`, `1.23 s` (run notifications and reports, the CLI).
 * - `short`: no padding zeros, for a prediction that has no measured precision to keep: `0.43 ms`, `2.1 ms`, `1.2 s`.
 * - `compact`: µs below a millisecond, for tables, charts and tooltips: `392 µs`, `1 ms`, `3.45 ms`, `1.2 s`.
 */
export type DurationStyle = "aligned" | "short" | "compact";

/** A duration given in milliseconds, in the unit that keeps it short (see DurationStyle). */
export function formatMs(ms: number, style: DurationStyle = "aligned"): string {
  switch (style) {
    case "compact":
      if (ms < 1) return `${formatNumber(ms * 1000)} µs`;
      return ms >= 1000 ? `${formatNumber(ms / 1000)} s` : `${formatNumber(ms)} ms`;
    case "short":
      if (!Number.isFinite(ms)) return `${ms} ms`;
      return ms >= 1000 ? `${Number((ms / 1000).toPrecision(3))} s` : `${Number(ms.toPrecision(ms >= 1 ? 3 : 2))} ms`;
    case "aligned":
      if (!Number.isFinite(ms)) return `${ms} ms`;
      return ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${ms.toPrecision(3)} ms`;
  }
}

const BINARY_UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/** Byte counts as people read them: `300 bytes`, `12 KiB`, `4 MiB`, `1.5 GiB`, `3.5 EiB` (binary units). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} bytes`;
  if (Math.abs(n) < 1024) return `${n.toLocaleString("en-US")} bytes`;
  let v = n;
  let u = -1;
  while (Math.abs(v) >= 1024 && u < BINARY_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${BINARY_UNITS[u]}`;
}
