// The rates a run achieved, as people read them: the rate that matters for the kernel first, in a unit that fits.
//
// A run's rates are the model's counts (FLOPs, modelled DRAM bytes) over the measured median. A compute-bound kernel
// is judged by its FLOP rate and a memory-bound one by its bandwidth, so the model's bound decides which leads (and
// which a one-line summary keeps). A rate whose count is zero (a transpose's FLOPs) or unknown says nothing and is
// left out. Each rate takes the SI prefix that puts three significant digits before the unit, so a kernel with
// tiny traffic reads `4.45 MB/s`, never `0.00 GB/s`. Pure: the CLI, the editor and the report share it.

/** Which of a run's two rates the kernel's bound makes the meaningful one. */
export type PrimaryRate = "gflops" | "gbps";

/** What a run outcome records: both rates in G-units (null when the model had no count) and, since issue 17, which leads. */
export interface AchievedCounts {
  readonly gflops: number | null;
  readonly gbps: number | null;
  readonly primary?: PrimaryRate;
}

export interface AchievedRate {
  readonly kind: PrimaryRate;
  /** Operations or bytes per second. */
  readonly perSecond: number;
  /** `2.99 GFLOP/s`, `37.4 MB/s`. */
  readonly text: string;
  /** The rate the kernel's bound makes the one to judge it by (false for both when the bound is not known). */
  readonly primary: boolean;
}

const PREFIXES = ["", "k", "M", "G", "T", "P", "E"] as const;

/**
 * A rate with the SI prefix that keeps 1 <= value < 1000: `significant` digits below 100 (trailing zeros dropped),
 * whole numbers above: `37.4 MB/s`, `1.12 GB/s`, `379 MFLOP/s` (or `6.6 GB/s` with two digits, as notifications write).
 */
export function formatSiRate(perSecond: number, unit: string, significant = 3): string {
  if (!Number.isFinite(perSecond)) return `? ${unit}/s`;
  if (perSecond === 0) return `0 ${unit}/s`;
  const round = (v: number): number => (v >= 99.5 ? Math.round(v) : Number(v.toPrecision(significant)));
  let value = Math.abs(perSecond);
  let p = 0;
  // Rounding can carry to 1000 (999.7 MB/s): move up a prefix instead.
  while (round(value) >= 1000 && p < PREFIXES.length - 1) {
    value /= 1000;
    p++;
  }
  const text = round(value) >= 1000 ? Math.round(value).toLocaleString("en-US") : String(round(value));
  return `${perSecond < 0 ? "-" : ""}${text} ${PREFIXES[p]}${unit}/s`;
}

/** Bytes per second: `37.4 MB/s`, `1.12 GB/s`, `3.35 TB/s`. */
export function formatByteRate(bytesPerSecond: number, significant = 3): string {
  return formatSiRate(bytesPerSecond, "B", significant);
}

/** FLOPs per second: `379 MFLOP/s`, `2.99 GFLOP/s`, `82.6 TFLOP/s`. */
export function formatFlopRate(flopsPerSecond: number, significant = 3): string {
  return formatSiRate(flopsPerSecond, "FLOP", significant);
}

/** The model's bound as the rate it makes meaningful; none for latency-bound or unknown kernels. */
export function primaryRateOf(bound: string | undefined): PrimaryRate | undefined {
  if (bound === "compute" || bound === "workgroup-memory") return "gflops"; // limited on chip: the work done per second
  if (bound === "memory") return "gbps";
  return undefined;
}

const usable = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;

/**
 * The rates worth showing, the meaningful one first: a zero or unknown count gives no rate. Without a bound
 * (an outcome recorded before it was kept, a latency-bound kernel) bandwidth comes first, as it always did.
 */
export function achievedRates(a: AchievedCounts | undefined, significant = 3): AchievedRate[] {
  if (!a) return [];
  const rates: AchievedRate[] = [];
  if (usable(a.gbps)) rates.push({ kind: "gbps", perSecond: a.gbps * 1e9, text: formatByteRate(a.gbps * 1e9, significant), primary: a.primary === "gbps" });
  if (usable(a.gflops)) rates.push({ kind: "gflops", perSecond: a.gflops * 1e9, text: formatFlopRate(a.gflops * 1e9, significant), primary: a.primary === "gflops" });
  return a.primary === "gflops" ? rates.reverse() : rates;
}
