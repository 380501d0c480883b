// Measures what the GPU helper costs: its per-dispatch time against a minimal Dawn script, its cold start, and calibration.
//
// The per-dispatch comparison runs the same 1 MiB copy kernel in the helper and in test/bench/minimalDawn.mjs (a
// plain Node process with the least code that times a dispatch, the same way), alternating rounds so the shared
// machine's load hits both alike. Goals: helper within 5 % of the minimal script; cold start to the first result
// under 500 ms. Run directly for a table: `node --import tsx test/bench/helperOverhead.ts`.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { GpuHelperProcess } from "../../server/src/gpu/helperClient";
import type { RunRequest, TimingResult } from "../../server/src/gpu/types";
import { findRepoRoot } from "../support/repoRoot";
import { type Summary, fmt, summarize } from "./stats";

const COPY_BYTES = 1024 * 1024;
const COPY_KERNEL = `@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  dst[gid.x] = src[gid.x];
}`;

export interface HelperBenchResult {
  readonly dispatch: {
    readonly method: TimingResult["method"];
    /** Medians over rounds of each round's median per-dispatch milliseconds. */
    readonly helperMs: number;
    readonly minimalMs: number;
    /** helper / minimal; goal <= 1.05. */
    readonly ratio: number;
    readonly rounds: number;
  };
  /** New helper to the first run's answer (a small kernel), milliseconds. */
  readonly coldStart: Summary;
  readonly calibration: {
    readonly seconds: number;
    readonly copyBandwidthVec4: number;
    readonly copyBandwidthScalar: number;
    readonly copyBufferToBuffer: number;
    /** vec4 copy kernel bandwidth as a fraction of copyBufferToBuffer. */
    readonly vec4OverCopyBuffer: number;
    readonly fmaF32: number;
    readonly dispatchOverheadMs: number;
  };
}

function copyRequest(warmup: number, repeat: number): RunRequest {
  return {
    code: COPY_KERNEL,
    entryPoint: "main",
    constants: {},
    buffers: [
      { name: "src", group: 0, binding: 0, sizeBytes: COPY_BYTES, kind: "storage-read", data: new Float32Array(COPY_BYTES / 4).fill(1.25).buffer, readBack: false },
      { name: "dst", group: 0, binding: 1, sizeBytes: COPY_BYTES, kind: "storage-read-write", readBack: false },
    ],
    dispatch: [COPY_BYTES / 4 / 256, 1, 1],
    warmup,
    repeat,
    timeoutMs: 60_000,
  };
}

const median = (v: readonly number[]): number => summarize(v).p50;

function runMinimal(warmup: number, repeat: number): { method: TimingResult["method"]; medianMs: number } {
  const script = join(findRepoRoot(), "test", "bench", "minimalDawn.mjs");
  const r = spawnSync(process.execPath, [script, JSON.stringify({ code: COPY_KERNEL, bytes: COPY_BYTES, warmup, repeat })], { encoding: "utf8", timeout: 60_000 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (r.status !== 0 || !line) throw new Error(`minimalDawn.mjs failed (${r.status ?? r.signal}): ${r.stderr.slice(-500)}`);
  const parsed = JSON.parse(line.slice("RESULT ".length)) as { method: TimingResult["method"]; samplesMs: number[] };
  return { method: parsed.method, medianMs: median(parsed.samplesMs) };
}

export async function benchHelper(options: { rounds?: number; coldStarts?: number; warmup?: number; repeat?: number } = {}): Promise<HelperBenchResult> {
  const rounds = options.rounds ?? 5;
  const warmup = options.warmup ?? 5;
  const repeat = options.repeat ?? 50;

  // (b) Cold start: a fresh helper each time, to the first answered run.
  const cold: number[] = [];
  for (let i = 0; i < (options.coldStarts ?? 5); i++) {
    const h = new GpuHelperProcess();
    const t0 = performance.now();
    const r = await h.run(copyRequest(0, 1));
    cold.push(performance.now() - t0);
    h.dispose();
    if (!r.ok) throw new Error(`helper run failed: ${r.error.kind}: ${r.error.message}`);
  }

  // (a) Per-dispatch time, helper and minimal script alternating.
  const helper = new GpuHelperProcess();
  try {
    const helperMedians: number[] = [];
    const minimalMedians: number[] = [];
    let method: TimingResult["method"] = "wall";
    for (let round = 0; round < rounds; round++) {
      const r = await helper.run(copyRequest(warmup, repeat));
      if (!r.ok) throw new Error(`helper run failed: ${r.error.kind}: ${r.error.message}`);
      helperMedians.push(r.timing.medianMs);
      const m = runMinimal(warmup, repeat);
      if (m.method !== r.timing.method) throw new Error(`timing methods differ: helper ${r.timing.method}, minimal ${m.method}`);
      method = m.method;
      minimalMedians.push(m.medianMs);
    }
    const helperMs = median(helperMedians);
    const minimalMs = median(minimalMedians);

    // (c) Calibration.
    const t0 = performance.now();
    const p = await helper.calibrate();
    const seconds = (performance.now() - t0) / 1000;
    if ("kind" in p) throw new Error(`calibration failed: ${p.kind}: ${p.message}`);
    return {
      dispatch: { method, helperMs, minimalMs, ratio: helperMs / minimalMs, rounds },
      coldStart: summarize(cold),
      calibration: {
        seconds,
        copyBandwidthVec4: p.copyBandwidthVec4,
        copyBandwidthScalar: p.copyBandwidthScalar,
        copyBufferToBuffer: p.copyBufferToBuffer,
        vec4OverCopyBuffer: p.copyBandwidthVec4 / p.copyBufferToBuffer,
        fmaF32: p.fmaF32,
        dispatchOverheadMs: p.dispatchOverheadMs,
      },
    };
  } finally {
    helper.dispose();
  }
}

/** The table printed when run directly (and by `npm run bench` once hooked in). */
export function formatHelperBench(r: HelperBenchResult): string {
  const verdict = (ok: boolean): string => (ok ? "meets goal" : "MISSES goal");
  const gb = (v: number): string => (v / 1e9).toFixed(2);
  const c = r.calibration;
  return [
    `GPU helper (goals: per-dispatch within 5 % of minimal Dawn; cold start < 500 ms)`,
    `  1 MiB copy per dispatch (${r.dispatch.method}, median of ${r.dispatch.rounds} rounds)  helper ${fmt(r.dispatch.helperMs)} ms  minimal Dawn ${fmt(r.dispatch.minimalMs)} ms  ratio ${r.dispatch.ratio.toFixed(3)}  ${verdict(r.dispatch.ratio <= 1.05)}`,
    `  cold start to first result  p50 ${fmt(r.coldStart.p50)} ms  min ${fmt(r.coldStart.min)}  max ${fmt(r.coldStart.max)}  ${verdict(r.coldStart.p50 < 500)}`,
    `  calibration ${c.seconds.toFixed(1)} s: copy vec4 ${gb(c.copyBandwidthVec4)} GB/s, f32 ${gb(c.copyBandwidthScalar)} GB/s, copyBufferToBuffer ${gb(c.copyBufferToBuffer)} GB/s -> vec4 copy at ${(c.vec4OverCopyBuffer * 100).toFixed(1)} % of copyBufferToBuffer; FMA f32 ${gb(c.fmaF32)} GFLOP/s; dispatch overhead ${c.dispatchOverheadMs.toFixed(3)} ms`,
    "",
  ].join("\n");
}

// Run directly (not when bundled into the benchmark runner, where the entry is another file).
if (process.argv[1] && /helperOverhead\.ts$/.test(process.argv[1])) {
  benchHelper().then(
    (r) => {
      console.log(formatHelperBench(r));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
