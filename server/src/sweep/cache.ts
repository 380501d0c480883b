// The sweep cache on disk: one small JSON file per measured variant, keyed by a hash of what the measurement depends on.
//
// A key covers the variant's fingerprint (the WGSL its entry reaches and its launch directives, see
// core/sweep/fingerprint.ts), the point's parameters, the adapter (vendor, architecture, device, driver, backend), the
// run settings that change what is timed (warm-up runs, input seed, `--let`, defines) and the contents of the
// JavaScript reference modules its checks run. Anything else (a comment, another kernel in the file, a new value in a
// `@sweep` line) leaves the key alone, so re-running a sweep after such an edit measures nothing again.
//
// One file per entry, written to a temporary name and renamed, so concurrent sweeps and a crash mid-write never
// leave a half-written entry; an unreadable or foreign file is a miss, never an error.
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { SweepParams } from "../core/sweep/result";
import type { AdapterSummary } from "../gpu/types";
import type { CachedMeasurement, SweepCacheStore } from "./api";
import { readCappedText } from "../run/readCapped";

const FORMAT = 1;
/** Samples kept per entry at most: far more than successive halving asks for. */
const MAX_SAMPLES = 1_000;
/** An entry holds at most MAX_SAMPLES numbers and two short texts: far under this; a larger file is not an entry. */
const MAX_ENTRY_BYTES = 256 * 1024;

/** `KERNELLENS_SWEEP_CACHE_DIR`, else `$XDG_CACHE_HOME/kernellens/sweep`, else `~/.cache/kernellens/sweep`. */
export function sweepCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KERNELLENS_SWEEP_CACHE_DIR) return env.KERNELLENS_SWEEP_CACHE_DIR;
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(cache, "kernellens", "sweep");
}

export interface SweepCacheKeyParts {
  readonly fingerprint: string;
  readonly params: SweepParams;
  readonly adapter: Pick<AdapterSummary, "vendor" | "architecture" | "device" | "description" | "backend">;
  readonly warmup: number;
  readonly seed: number | undefined;
  readonly lets: ReadonlyMap<string, number> | undefined;
  readonly defines: readonly string[] | undefined;
  /** The text of each JavaScript reference module the checks run (a changed reference may change the verdict). */
  readonly references: readonly string[];
}

/** A hex SHA-256 over the parts, in a fixed order (parameters and lets sorted by name). */
export function sweepCacheKey(parts: SweepCacheKeyParts): string {
  const sorted = (entries: [string, unknown][]): [string, unknown][] => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify({
    format: FORMAT,
    fingerprint: parts.fingerprint,
    params: sorted(Object.entries(parts.params)),
    adapter: [parts.adapter.vendor, parts.adapter.architecture, parts.adapter.device, parts.adapter.description, parts.adapter.backend],
    warmup: parts.warmup,
    seed: parts.seed ?? null,
    lets: sorted([...(parts.lets ?? new Map<string, number>())]),
    defines: [...(parts.defines ?? [])].sort(),
    references: parts.references,
  });
  return createHash("sha256").update(canonical).digest("hex");
}

function isMeasurement(v: unknown): v is CachedMeasurement & { format: number } {
  if (!v || typeof v !== "object") return false;
  const m = v as Record<string, unknown>;
  const samples = m.samplesMs;
  return (
    m.format === FORMAT &&
    (m.status === "passed" || m.status === "failed") &&
    Array.isArray(samples) &&
    samples.length <= MAX_SAMPLES &&
    samples.every((s) => typeof s === "number" && Number.isFinite(s) && s > 0) &&
    (m.status === "failed" || samples.length > 0) &&
    (m.reason === null || typeof m.reason === "string") &&
    (m.error === null || (typeof m.error === "number" && Number.isFinite(m.error) && m.error >= 0))
  );
}

export interface SweepCache extends SweepCacheStore {
  readonly dir: string;
  /** Removes every entry. */
  clear(): void;
}

export function openSweepCache(dir: string = sweepCacheDir()): SweepCache {
  const pathOf = (key: string): string => join(dir, key.slice(0, 2), `${key}.json`);
  const validKey = (key: string): boolean => /^[0-9a-f]{64}$/.test(key);
  return {
    dir,
    get(key) {
      if (!validKey(key)) return undefined;
      try {
        const read = readCappedText(pathOf(key), MAX_ENTRY_BYTES);
        if ("error" in read) return undefined;
        const value: unknown = JSON.parse(read.text);
        if (!isMeasurement(value)) return undefined;
        return { status: value.status, samplesMs: value.samplesMs, reason: value.reason, error: value.error };
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      if (!validKey(key)) return;
      const path = pathOf(key);
      mkdirSync(join(dir, key.slice(0, 2)), { recursive: true });
      const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
      const entry = { format: FORMAT, status: value.status, samplesMs: value.samplesMs.slice(0, MAX_SAMPLES), reason: value.reason, error: value.error, savedAt: new Date().toISOString() };
      writeFileSync(tmp, JSON.stringify(entry) + "\n");
      renameSync(tmp, path);
    },
    clear() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
