// Messages between the Profiler view page and its host (client/src/panels/profilerView.ts), with a checker per direction.
//
// The host turns run-history records into rows (client/src/panels/profilerRows.ts) and posts them; the page shows,
// sorts, filters and compares them. Neither side trusts the other: names and messages come from workspace files and
// GPU drivers, and the host opens editors and writes files on page messages.
import {
  arrayOf,
  boolean,
  integer,
  literal,
  nullable,
  number,
  object,
  oneOf,
  optional,
  string,
  taggedUnion,
  type Checker,
} from "../../../server/src/core/validation";

export type RunStatus = "passed" | "failed" | "error" | "timeout";
export const runStatuses = ["passed", "failed", "error", "timeout"] as const satisfies readonly RunStatus[];

/** The adapter a run used, as the table shows it. */
export interface ProfilerAdapter {
  /** `lavapipe (software)`, `RTX 4090`: what client/src/run/format.ts's adapterLabel writes. */
  label: string;
  /** A CPU rasterizer: its timings are a CPU's, so the table tags it. */
  software: boolean;
  backend: string;
  /** The adapter's stable key, the one its calibration profile is saved under. */
  key: string;
}

export interface ProfilerTiming {
  /** `timestamp`: GPU timestamps around the dispatch; `wall`: submit to done, overhead included. */
  method: "timestamp" | "wall";
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** How many timed runs the median is of. */
  samples: number;
}

/** How close a run came to its adapter's calibrated ceilings: the larger of its DRAM and FMA fractions. */
export interface ProfilerRoof {
  /** Percent of the bounding ceiling (above 100 where a kernel beats the calibration's scalar copy, say with vec4). */
  pct: number;
  /** `memory`: the DRAM (copy) bandwidth bounds; `compute`: the f32 FMA rate does. */
  bound: "memory" | "compute";
  /** That ceiling, in GB/s for memory and GFLOP/s for compute. */
  ceiling: number;
}

export interface ProfilerPrediction {
  ms: number | null;
  deviceId: string;
  /** `(predicted − measured) / measured` in percent; null without a prediction or a measurement. */
  errorPct: number | null;
}

export interface ProfilerLet {
  name: string;
  value: number;
}

/** One recorded run, as the table lists it. */
export interface ProfilerRow {
  /** Unique and stable across reloads (derived from the record), so selection and focus survive updates. */
  id: string;
  /** The kernel file as a person reads it (workspace-relative; prefixed with the folder's name in a multi-root workspace). */
  file: string;
  entry: string;
  mode: "run" | "profile";
  /** When the run started (ISO 8601). */
  startedAt: string;
  status: RunStatus;
  /** Why it did not pass (the first failed check, or the error); empty when it passed. May hold several lines. */
  message: string;
  defines: string[];
  lets: ProfilerLet[];
  adapter: ProfilerAdapter | null;
  timing: ProfilerTiming | null;
  gbps: number | null;
  gflops: number | null;
  roof: ProfilerRoof | null;
  predicted: ProfilerPrediction | null;
  /** The file is outside the workspace: shown next to it (it opens only in a trusted workspace). */
  outside?: boolean;
  /** An `error` run that the person cancelled (it says nothing about the kernel): shown as "cancelled", not as an error. */
  cancelled?: boolean;
  /** A `timeout` run's deadline, each run's (kernellens.run.timeoutMs), when the record says it: "timed out after 3 s". */
  deadlineMs?: number;
}

/** The calibrated ceilings of one adapter (from `KernelLens: Calibrate GPU`), which "% of roof" is measured against. */
export interface MeasuredRoof {
  adapterKey: string;
  label: string;
  /** Scalar f32 copy bandwidth, reads plus writes: the figure the cost model uses for a measured device. */
  dramGBps: number;
  /** Dependent f32 FMA chains, an FMA counted as two FLOPs. */
  fmaGflops: number;
  measuredAt: string;
}

/** Where the page is shown: the side bar's view (narrow, with a button to open wide) or an editor tab (the whole table). */
export type ProfilerSurface = "view" | "editor";

/**
 * Host -> page: `surface` first, saying where the page is; `history` with every run (in record order, oldest first) and the calibrated roofs; `append` when one
 * run has been recorded since; `empty` with why there is nothing to show (no folder open).
 */
export type HostToPage =
  | { type: "surface"; surface: ProfilerSurface }
  | { type: "history"; rows: ProfilerRow[]; roofs: MeasuredRoof[]; truncated: boolean }
  | { type: "append"; run: ProfilerRow }
  | { type: "empty"; reason: string };

export type ExportFormat = "csv" | "json";

/**
 * Page -> host: `ready` once the page listens (the host then posts the history); `reveal` when a run is chosen (the
 * host opens the file at the entry point, for files the rows it posted name only); `export` with the rows shown, in
 * the order shown (the host asks where to save them); `openInEditor` when the person asks for the whole table in an
 * editor tab; `invalidMessage` when the page ignored a host message.
 */
export type PageToHost =
  | { type: "ready" }
  | { type: "openInEditor" }
  | { type: "reveal"; file: string; entry: string }
  | { type: "export"; format: ExportFormat; rows: ProfilerRow[] }
  | { type: "invalidMessage"; detail: string };

/**
 * Bounds on what either side accepts. The host reads at most `rows` runs; the rest are far above real values (a
 * kernel name is an identifier, a driver message a few lines) and low enough that a runaway value cannot stall the page.
 */
export const limits = {
  rows: 50_000,
  roofs: 200,
  idLength: 64,
  fileLength: 4096,
  nameLength: 1024,
  messageLength: 4000,
  timestampLength: 64,
  defines: 200,
  lets: 200,
  reasonLength: 2000,
  detailLength: 1000,
  /** Milliseconds, GB/s, GFLOP/s, percent: a billion is past any real run (a thousand seconds is 1e6 ms). */
  magnitude: 1e12,
  samples: 1e9,
} as const;

const nonNegative = number({ min: 0, max: limits.magnitude });
const name = string({ maxLength: limits.nameLength });

const adapterChecker: Checker<ProfilerAdapter> = object<ProfilerAdapter>({
  label: name,
  software: boolean(),
  backend: name,
  key: name,
});

const timingChecker: Checker<ProfilerTiming> = object<ProfilerTiming>({
  method: oneOf("timestamp", "wall"),
  medianMs: nonNegative,
  minMs: nonNegative,
  maxMs: nonNegative,
  samples: integer({ min: 0, max: limits.samples }),
});

const roofChecker: Checker<ProfilerRoof> = object<ProfilerRoof>({
  pct: nonNegative,
  bound: oneOf("memory", "compute"),
  ceiling: number({ min: Number.MIN_VALUE, max: limits.magnitude }),
});

const predictionChecker: Checker<ProfilerPrediction> = object<ProfilerPrediction>({
  ms: nullable(nonNegative),
  deviceId: name,
  errorPct: nullable(number({ min: -limits.magnitude, max: limits.magnitude })),
});

export const profilerRowChecker: Checker<ProfilerRow> = object<ProfilerRow>({
  id: string({ maxLength: limits.idLength, minLength: 1 }),
  file: string({ maxLength: limits.fileLength, minLength: 1 }),
  entry: string({ maxLength: limits.nameLength, minLength: 1 }),
  mode: oneOf("run", "profile"),
  startedAt: string({ maxLength: limits.timestampLength }),
  status: oneOf(...runStatuses),
  message: string({ maxLength: limits.messageLength }),
  defines: arrayOf(name, { maxLength: limits.defines }),
  lets: arrayOf(object<ProfilerLet>({ name, value: number({ min: -limits.magnitude, max: limits.magnitude }) }), { maxLength: limits.lets }),
  adapter: nullable(adapterChecker),
  timing: nullable(timingChecker),
  gbps: nullable(nonNegative),
  gflops: nullable(nonNegative),
  roof: nullable(roofChecker),
  predicted: nullable(predictionChecker),
  outside: optional(boolean()),
  cancelled: optional(boolean()),
  deadlineMs: optional(nonNegative),
});

export const measuredRoofChecker: Checker<MeasuredRoof> = object<MeasuredRoof>({
  adapterKey: name,
  label: name,
  dramGBps: number({ min: Number.MIN_VALUE, max: limits.magnitude }),
  fmaGflops: number({ min: Number.MIN_VALUE, max: limits.magnitude }),
  measuredAt: string({ maxLength: limits.timestampLength }),
});

const rowsChecker = arrayOf(profilerRowChecker, { maxLength: limits.rows });

export const hostToPageChecker: Checker<HostToPage> = taggedUnion<HostToPage>({
  surface: object({ type: literal("surface"), surface: oneOf("view", "editor") }),
  history: object({
    type: literal("history"),
    rows: rowsChecker,
    roofs: arrayOf(measuredRoofChecker, { maxLength: limits.roofs }),
    truncated: boolean(),
  }),
  append: object({ type: literal("append"), run: profilerRowChecker }),
  empty: object({ type: literal("empty"), reason: string({ maxLength: limits.reasonLength }) }),
});

export const pageToHostChecker: Checker<PageToHost> = taggedUnion<PageToHost>({
  ready: object({ type: literal("ready") }),
  openInEditor: object({ type: literal("openInEditor") }),
  reveal: object({
    type: literal("reveal"),
    file: string({ maxLength: limits.fileLength, minLength: 1 }),
    entry: string({ maxLength: limits.nameLength, minLength: 1 }),
  }),
  export: object({ type: literal("export"), format: oneOf("csv", "json"), rows: rowsChecker }),
  invalidMessage: object({ type: literal("invalidMessage"), detail: string({ maxLength: limits.detailLength }) }),
});
