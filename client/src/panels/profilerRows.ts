// Turns run-history records into the Profiler view's rows, and rows into CSV and JSON: pure functions, no vscode, so unit tests run them.
//
// The history file is JSON lines that anything can have written (an older KernelLens, a hand edit), so every field
// is read defensively: a value of the wrong type or out of range becomes "unknown" (null, empty), never a row the
// page would refuse. The page checks every row again anyway (webview/src/profiler/protocol.ts).
import { createHash } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import { isObject, type AdapterSummary, type CalibrationProfile, type HelperError, type CheckOutcome, type RunOutcome, type HistoryRecord } from "../../../server/src/engine";
import { limits, runStatuses, type MeasuredRoof, type ProfilerLet, type ProfilerRoof, type ProfilerRow, type RunStatus } from "../../../webview/src/profiler/protocol";
import { adapterLabel, describeCheckFailure, describeError } from "../run/format";
import { decideOpenPath, type BoundaryOptions, type OpenDecision } from "../workspaceBoundary";

// ---- Reading untrusted values ----

/** A finite number within [min, max], or null. */
function finite(value: unknown, min = 0, max: number = limits.magnitude): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max ? value : null;
}

function text(value: unknown, max: number): string {
  if (typeof value !== "string") return "";
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

// ---- Calibrated roofs ----

/** The ceilings of one calibration that "% of roof" uses: scalar copy bandwidth (what the model uses) and the f32 FMA rate. */
export function roofFromProfile(profile: CalibrationProfile): MeasuredRoof {
  return {
    adapterKey: text(profile.adapter.key, limits.nameLength),
    label: text(adapterLabel(profile.adapter), limits.nameLength),
    dramGBps: profile.copyBandwidthScalar / 1e9,
    fmaGflops: profile.fmaF32 / 1e9,
    measuredAt: text(profile.measuredAt, limits.timestampLength),
  };
}

/** Roofs by adapter key; with two profiles of one adapter the first wins (loadProfiles lists the newest first). */
export function roofsByAdapter(profiles: readonly CalibrationProfile[]): Map<string, MeasuredRoof> {
  const roofs = new Map<string, MeasuredRoof>();
  for (const profile of profiles) {
    const roof = roofFromProfile(profile);
    if (!roofs.has(roof.adapterKey) && roof.dramGBps > 0 && roof.fmaGflops > 0) roofs.set(roof.adapterKey, roof);
  }
  return roofs;
}

/**
 * How close achieved rates came to the roof: the larger of the DRAM fraction (GB/s over the calibrated copy
 * bandwidth) and the compute fraction (GFLOP/s over the calibrated f32 FMA rate), and which one that is. On a
 * roofline this is the same number as achieved GFLOP/s over the roof at the kernel's intensity,
 * min(peak, AI × bandwidth), since AI × bandwidth ÷ GFLOP/s = bandwidth ÷ GB/s. Null without either rate.
 * f16 kernels are measured against the f32 rate too (a run does not record its precision), so they may pass 100%.
 */
export function percentOfRoof(gbps: number | null, gflops: number | null, roof: MeasuredRoof): ProfilerRoof | null {
  const memory = gbps !== null && roof.dramGBps > 0 ? gbps / roof.dramGBps : null;
  const compute = gflops !== null && roof.fmaGflops > 0 ? gflops / roof.fmaGflops : null;
  if (memory === null && compute === null) return null;
  const [fraction, bound, ceiling] =
    compute === null || (memory !== null && memory >= compute)
      ? ([memory!, "memory", roof.dramGBps] as const)
      : ([compute, "compute", roof.fmaGflops] as const);
  const pct = fraction * 100;
  return Number.isFinite(pct) && pct <= limits.magnitude ? { pct, bound, ceiling } : null;
}

// ---- Records to rows ----

/** Why a run did not pass, in the words of the run notification: the first failed check, or the error with its other lines. */
export function firstMessage(outcome: Pick<RunOutcome, "status" | "checks" | "error">): string {
  if (outcome.status === "passed") return "";
  const checks = Array.isArray(outcome.checks) ? outcome.checks.filter(isObject) : [];
  const failed = checks.find((c) => c.passed === false) as CheckOutcome | undefined;
  const error = isObject(outcome.error) ? outcome.error : undefined;
  if (error && typeof error.kind === "string" && typeof error.message === "string") {
    const head = describeError(error as unknown as HelperError, undefined);
    // A compile error's other lines (the compiler's caret, its notes) are what a person needs to fix it.
    const rest = error.message.split("\n").slice(1).filter((l) => l.trim() !== "");
    return text([head, ...rest].join("\n"), limits.messageLength);
  }
  if (failed && typeof failed.output === "string") {
    try {
      return text(describeCheckFailure(failed), limits.messageLength);
    } catch {
      // A check written by another version may miss fields describeCheckFailure reads; its own message says enough.
      return text(failed.message, limits.messageLength);
    }
  }
  return outcome.status === "timeout" ? "timed out" : outcome.status === "failed" ? "a check failed" : "error";
}

function adapterOf(value: unknown): ProfilerRow["adapter"] {
  if (!isObject(value)) return null;
  const a = value as Partial<AdapterSummary>;
  const summary = {
    vendor: typeof a.vendor === "string" ? a.vendor : "",
    device: typeof a.device === "string" ? a.device : "",
    description: typeof a.description === "string" ? a.description : "",
    software: a.software === true,
  };
  return {
    label: text(adapterLabel(summary), limits.nameLength),
    software: summary.software,
    backend: text(a.backend, limits.nameLength),
    key: text(a.key, limits.nameLength),
  };
}

function timingOf(value: unknown): ProfilerRow["timing"] {
  if (!isObject(value)) return null;
  const median = finite(value.medianMs);
  if (median === null) return null;
  const samples = Array.isArray(value.samplesMs) ? value.samplesMs.length : 0;
  return {
    method: value.method === "timestamp" ? "timestamp" : "wall",
    medianMs: median,
    minMs: finite(value.minMs) ?? median,
    maxMs: finite(value.maxMs) ?? median,
    samples: Math.min(samples, limits.samples),
  };
}

function letsOf(value: unknown): ProfilerLet[] {
  if (!isObject(value)) return [];
  const lets: ProfilerLet[] = [];
  for (const [name, v] of Object.entries(value)) {
    const number = finite(v, -limits.magnitude);
    if (number !== null && name.length > 0) lets.push({ name: text(name, limits.nameLength), value: number });
  }
  // Sorted by name, so one variant always reads (and filters, and sorts) the same way.
  return lets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, limits.lets);
}

/** A short id that stays the same for the same record, whenever and however often the history is read. */
export function recordId(record: HistoryRecord, file: string): string {
  const o = record.outcome;
  return createHash("sha256")
    .update([record.timestamp, file, o.entry, o.startedAt, record.mode ?? "", record.sourceHash ?? ""].map(String).join("\u0000"))
    .digest("hex")
    .slice(0, 16);
}

/** Hands out ids unique within one listing: a record written twice (a copied line) gets `-2`, `-3`. */
export class RowIds {
  private readonly seen = new Map<string, number>();

  next(base: string): string {
    const count = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  }
}

/**
 * One record as a row. `prefix` goes before a relative file (the folder's name and a slash in a multi-root
 * workspace); `roofs` are the calibrated ceilings by adapter key; `ids` makes the id unique among the rows listed.
 */
export function rowFromRecord(record: HistoryRecord, roofs: ReadonlyMap<string, MeasuredRoof>, prefix = "", ids: RowIds = new RowIds()): ProfilerRow {
  const o: Partial<RunOutcome> = isObject(record.outcome) ? record.outcome : {};
  const file = text(isAbsolute(record.file) ? record.file : `${prefix}${record.file}`, limits.fileLength) || "(unknown file)";
  const status: RunStatus = (runStatuses as readonly string[]).includes(o.status as string) ? (o.status as RunStatus) : "error";
  const adapter = adapterOf(o.adapter);
  const achieved: Record<string, unknown> = isObject(o.achieved) ? o.achieved : {};
  const gbps = finite(achieved.gbps);
  const gflops = finite(achieved.gflops);
  const roof = adapter ? roofs.get(adapter.key) : undefined;
  const predicted = isObject(o.predicted) ? o.predicted : undefined;
  const variant: Record<string, unknown> = isObject(o.variant) ? o.variant : {};
  const rawDefines: unknown[] = Array.isArray(variant.defines) ? variant.defines : [];
  const defines = rawDefines.filter((d): d is string => typeof d === "string").map((d) => text(d, limits.nameLength));
  const mode = record.mode === "profile" ? "profile" : "run";
  const error: Record<string, unknown> | undefined = isObject(o.error) ? o.error : undefined;
  // Where the helper located a timeout it says the deadline; the page writes "timed out after 3 s" from it.
  const deadline = status === "timeout" && error && isObject(error.deadline) ? finite(error.deadline.deadlineMs) : null;
  const row: ProfilerRow = {
    id: ids.next(recordId(record, file)),
    file,
    entry: text(o.entry, limits.nameLength) || "(unnamed)",
    mode,
    startedAt: text(typeof o.startedAt === "string" && o.startedAt !== "" ? o.startedAt : record.timestamp, limits.timestampLength),
    status,
    message: (runStatuses as readonly string[]).includes(o.status as string)
      ? firstMessage({ status, checks: o.checks ?? [], error: o.error })
      : `unknown status ${JSON.stringify(String(o.status)).slice(0, 60)}`,
    defines: defines.slice(0, limits.defines),
    lets: letsOf(variant.lets),
    adapter,
    timing: timingOf(o.timing),
    gbps,
    gflops,
    roof: roof ? percentOfRoof(gbps, gflops, roof) : null,
    predicted: predicted
      ? {
          ms: finite(predicted.ms),
          deviceId: text(predicted.deviceId, limits.nameLength),
          errorPct: finite(predicted.errorPct, -limits.magnitude),
        }
      : null,
  };
  // Cancelling is the person's doing, not the kernel's failure: the row says so instead of "error".
  if (status === "error" && error?.kind === "cancelled") row.cancelled = true;
  if (deadline !== null) row.deadlineMs = deadline;
  return row;
}

export interface FolderHistory {
  /** Goes before each relative file: `""` in a single-folder workspace, `name/` in a multi-root one. */
  readonly prefix: string;
  readonly records: readonly HistoryRecord[];
}

/** Every folder's records as rows, folder by folder in record order, with ids unique across them all. */
export function rowsFromHistory(folders: readonly FolderHistory[], roofs: ReadonlyMap<string, MeasuredRoof>, ids: RowIds = new RowIds()): ProfilerRow[] {
  return folders.flatMap((folder) => folder.records.map((record) => rowFromRecord(record, roofs, folder.prefix, ids)));
}

// ---- Where a row's file is ----

/** A record's kernel file: absolute as written, else relative to the history's folder (`..` resolved). */
export function recordFilePath(folder: string, file: string): string {
  return isAbsolute(file) ? resolve(file) : resolve(folder, ...file.split("/"));
}

/**
 * Whether the view may open a record's file: inside the workspace folders always, outside them (an absolute path,
 * `../..`, or a link in the workspace that leads out) only in a trusted workspace; the row then says so.
 */
export function revealDecision(folder: string, file: string, workspaceFolders: readonly string[], trusted: boolean, options: BoundaryOptions = {}): OpenDecision & { readonly path: string } {
  const path = recordFilePath(folder, file);
  return { ...decideOpenPath(path, workspaceFolders, trusted, file, options), path };
}

// ---- Where an entry point is ----

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The position of `fn NAME` in a WGSL text (0-based line, and the character where NAME starts), or null. Line
 * comments are skipped, so a commented-out old version of the function is not what opens.
 */
export function findEntryPoint(source: string, entry: string): { line: number; character: number } | null {
  const pattern = new RegExp(`\\bfn\\s+(${escapeRegExp(entry)})\\s*\\(`);
  const lines = source.split(/\r?\n/);
  for (let line = 0; line < lines.length; line++) {
    const raw = lines[line]!;
    const comment = raw.indexOf("//");
    const code = comment < 0 ? raw : raw.slice(0, comment);
    const match = pattern.exec(code);
    if (match) return { line, character: match.index + match[0].indexOf(match[1]!, 2) };
  }
  return null;
}

// ---- Export ----

/** The CSV's columns, in order: raw numbers (milliseconds, GB/s, percent) so a spreadsheet can compute with them. */
export const csvColumns = [
  "started_at",
  "file",
  "entry",
  "mode",
  "status",
  "message",
  "defines",
  "lets",
  "adapter",
  "software",
  "backend",
  "timing_method",
  "median_ms",
  "min_ms",
  "max_ms",
  "samples",
  "gbps",
  "gflops",
  "roof_pct",
  "roof_bound",
  "predicted_ms",
  "predicted_device",
  "error_pct",
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or leading/trailing space, with
 * quotes doubled. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * `'`, as OWASP advises: a kernel's message comes from the workspace and must not become a live formula.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvValues(row: ProfilerRow): (string | number | boolean | null)[] {
  const t = row.timing;
  return [
    row.startedAt,
    row.file,
    row.entry,
    row.mode,
    row.status,
    row.message,
    row.defines.join(" "),
    row.lets.map((l) => `${l.name}=${l.value}`).join(" "),
    row.adapter?.label ?? null,
    row.adapter ? row.adapter.software : null,
    row.adapter?.backend ?? null,
    t?.method ?? null,
    t?.medianMs ?? null,
    t?.minMs ?? null,
    t?.maxMs ?? null,
    t?.samples ?? null,
    row.gbps,
    row.gflops,
    row.roof?.pct ?? null,
    row.roof?.bound ?? null,
    row.predicted?.ms ?? null,
    row.predicted?.deviceId ?? null,
    row.predicted?.errorPct ?? null,
  ];
}

/** Rows as CSV: a header line, then one record per row, CRLF line ends as RFC 4180 has them. */
export function historyCsv(rows: readonly ProfilerRow[]): string {
  const lines = [csvColumns.join(","), ...rows.map((row) => csvValues(row).map(csvField).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** Rows as JSON: the rows exactly as the view has them (ids left out: they mean nothing outside it). */
export function historyJson(rows: readonly ProfilerRow[]): string {
  return `${JSON.stringify(
    rows.map(({ id: _id, ...rest }) => rest),
    null,
    2,
  )}\n`;
}
