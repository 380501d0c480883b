// The run history of a workspace folder: an append-only JSON-lines file, one run outcome per line.
//
// Durability rule: each record is written with ONE write() of one complete line to a file opened with O_APPEND, then
// fsync'd, so a crash (or a kill) mid-run loses at most the record being written, never one already recorded, and
// two processes appending at once never interleave inside a line. A torn last line (a crash inside the write) is
// skipped when reading, and the next append starts on a fresh line so it does not glue itself to the fragment.
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, fstatSync, writeSync, constants } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import type { RunOutcome } from "./api";
import { comparePrediction, isComparable } from "../core/run/comparison";
import { readTailLines } from "./readCapped";

/** Where the history lives under a folder unless configured otherwise. */
export const DEFAULT_HISTORY_FILE = join(".kernellens", "history.jsonl");
export const HISTORY_VERSION = 1;

export interface HistoryRecord {
  readonly version: number;
  /** When the record was written (ISO 8601, UTC). */
  readonly timestamp: string;
  /** The kernel file, relative to the history's folder with `/` separators (absolute when outside it). */
  readonly file: string;
  /** `run` (the Run lens, the CLI) or `profile` (the Profile lens, more repeats). */
  readonly mode?: "run" | "profile";
  /** First 12 hex digits of the SHA-256 of the kernel source, to tell runs of different code apart. */
  readonly sourceHash?: string;
  readonly outcome: RunOutcome;
}

export interface HistoryOptions {
  /** The history file, relative to the folder (or absolute); default `.kernellens/history.jsonl`. */
  readonly file?: string;
}

export interface AppendInput {
  readonly file: string;
  readonly outcome: RunOutcome;
  readonly mode?: "run" | "profile";
  /** The kernel source (hashed) or a hash computed already. */
  readonly sourceText?: string;
  readonly sourceHash?: string;
  /** Override of the record time, for tests. */
  readonly timestamp?: string;
}

export function historyPath(folder: string, options: HistoryOptions = {}): string {
  const f = options.file ?? DEFAULT_HISTORY_FILE;
  return isAbsolute(f) ? f : join(folder, f);
}

export function sourceHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 12);
}

function relativeFile(folder: string, file: string): string {
  if (!isAbsolute(file)) return file.split(sep).join("/");
  const rel = relative(folder, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel.split(sep).join("/");
}

/** JSON for a record: non-finite numbers (an infinite relative error) become null, as JSON has no Infinity. */
function serialise(record: HistoryRecord): string {
  return JSON.stringify(record, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
}

/** Appends one run; returns the record written. Throws only for I/O errors (a read-only folder, a full disk). */
export function appendRun(folder: string, input: AppendInput, options: HistoryOptions = {}): HistoryRecord {
  const path = historyPath(folder, options);
  mkdirSync(dirname(path), { recursive: true });
  const record: HistoryRecord = {
    version: HISTORY_VERSION,
    timestamp: input.timestamp ?? new Date().toISOString(),
    file: relativeFile(folder, input.file),
    ...(input.mode ? { mode: input.mode } : {}),
    ...(input.sourceHash ? { sourceHash: input.sourceHash } : input.sourceText !== undefined ? { sourceHash: sourceHash(input.sourceText) } : {}),
    outcome: input.outcome,
  };
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
  try {
    // A previous writer that died mid-line left no newline at the end: start ours on a line of its own.
    let prefix = "";
    const size = fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const rfd = openSync(path, "r");
      try {
        readSync(rfd, last, 0, 1, size - 1);
      } finally {
        closeSync(rfd);
      }
      if (last[0] !== 0x0a) prefix = "\n";
    }
    const line = Buffer.from(`${prefix}${serialise(record)}\n`, "utf8");
    // One write call for the whole line: with O_APPEND the kernel places it at the end in one piece.
    let written = writeSync(fd, line, 0, line.length);
    while (written < line.length) written += writeSync(fd, line, written, line.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return record;
}

/** The newest part of a history that is read: about 30,000 runs, far more than anyone scrolls through. */
export const MAX_HISTORY_BYTES = 64 * 1024 * 1024;

export interface ReadHistoryOptions extends HistoryOptions {
  /** At most this many records, the newest (last written) ones. */
  readonly limit?: number;
  /** Only the last this many bytes of the file are read (whole lines); default MAX_HISTORY_BYTES. */
  readonly maxBytes?: number;
}

export interface HistoryRead {
  readonly records: HistoryRecord[];
  /** Lines that were not a whole record (a torn last line after a crash, or hand edits). */
  readonly skipped: number;
  /** Whether older records were left unread because the file is larger than `maxBytes`. */
  readonly truncated: boolean;
}

function isRecord(v: unknown): v is HistoryRecord {
  if (!v || typeof v !== "object") return false;
  const r = v as Record<string, unknown>;
  const o = r.outcome as Record<string, unknown> | undefined;
  return typeof r.file === "string" && typeof r.timestamp === "string" && !!o && typeof o === "object" && typeof o.entry === "string" && typeof o.status === "string";
}

/**
 * A record as it is read: one written before predictions said whether they may be compared with the measurement
 * keeps its error only when its device was the measuring adapter's calibration; any other keeps a note instead (an
 * old run on lavapipe compared with an RTX 4090's prediction showed errors like -100 %).
 */
export function honestPrediction(record: HistoryRecord): HistoryRecord {
  const p = record.outcome.predicted;
  if (!p || typeof p !== "object" || typeof p.deviceId !== "string" || p.comparable !== undefined) return record;
  const key = typeof record.outcome.adapter?.key === "string" ? record.outcome.adapter.key : undefined;
  if (isComparable(p, key)) return { ...record, outcome: { ...record.outcome, predicted: { ...p, comparable: true } } };
  const ms = typeof p.ms === "number" ? p.ms : null;
  const compared = comparePrediction(ms, null, { id: p.deviceId, name: p.deviceId, vendor: p.deviceId.startsWith("measured-") ? "measured" : undefined }, key);
  return { ...record, outcome: { ...record.outcome, predicted: compared } };
}

/** Every readable record, oldest first, and how many lines were skipped. A missing file is an empty history. */
export function readHistoryDetailed(folder: string, options: ReadHistoryOptions = {}): HistoryRead {
  const path = historyPath(folder, options);
  const read = readTailLines(path, options.maxBytes ?? MAX_HISTORY_BYTES);
  if ("error" in read) {
    if (read.reason === "missing") return { records: [], skipped: 0, truncated: false };
    throw new Error(read.error);
  }
  const text = read.bytes.toString("utf8");
  const records: HistoryRecord[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isRecord(v)) records.push(honestPrediction(v));
      else skipped++;
    } catch {
      skipped++;
    }
  }
  const limit = options.limit;
  return { records: limit !== undefined && limit >= 0 && records.length > limit ? records.slice(records.length - limit) : records, skipped, truncated: read.truncated };
}

/** The recorded runs, oldest first (the last `limit` when given). */
export function readHistory(folder: string, options: ReadHistoryOptions = {}): HistoryRecord[] {
  return readHistoryDetailed(folder, options).records;
}
