// `kernellens run FILE`: runs a kernel file's entry points on the local GPU, prints checks and timings, records history.
//
// Exit codes (the design's contract): 0 every entry ran and passed; 1 a check failed or, in checked mode (the
// default), an array access went out of bounds; 2 bad input (a plan problem, a missing file, a compile or
// validation error, a size over the device's limits); 3 a timeout or a device failure (no adapter, the helper
// crashed, out of memory). With several entries the most serious code wins (3 > 2 > 1).
import { relative, resolve, isAbsolute } from "node:path";
import type { DeviceSpec } from "../core/devices/device";
import { formatMs } from "../core/format";
import { GpuHelperProcess } from "../gpu/helperClient";
import type { AdapterSummary, Cancellation, GpuHelper, HelperError } from "../gpu/types";
import type { BoundsReport, RunOutcome } from "../run/api";
import { appendRun } from "../run/history";
import { loadProfile, profileToDevice } from "../run/profiles";
import { DEFAULT_REPEAT, DEFAULT_WARMUP, runKernel } from "../run/runKernel";
import { type CliArgs, UsageError } from "./args";
import { formatCount } from "../core/run/check";
import { isComparable } from "../core/run/comparison";
import { achievedRates } from "../core/run/achievedRates";
import { readInputFile } from "./inputFile";
import { cliFileAccess } from "../run/fileAccess";


export interface RunCommandDeps {
  /** The helper to run on (tests inject one); default: a fresh helper process, disposed at the end. */
  readonly helper?: GpuHelper;
  /** The model's device from `--device` (resolved by main.ts with measured profiles); undefined: this adapter's profile. */
  readonly device?: DeviceSpec;
  readonly stdout?: (s: string) => void;
  readonly stderr?: (s: string) => void;
  /** Folder whose .kernellens/history.jsonl records the runs (default: the current folder). */
  readonly historyFolder?: string;
}

const DEVICE_FAILURES = new Set<HelperError["kind"]>(["no-adapter", "timeout", "crash", "out-of-memory", "internal", "cancelled"]);

/** The exit code of one outcome. */
export function exitCodeOf(o: RunOutcome): number {
  switch (o.status) {
    case "passed":
      return 0;
    case "failed":
      return 1;
    case "timeout":
      return 3;
    case "error":
      return o.error && DEVICE_FAILURES.has(o.error.kind) ? 3 : 2;
  }
}

export function exitCode(outcomes: readonly RunOutcome[]): number {
  return outcomes.reduce((code, o) => Math.max(code, exitCodeOf(o)), 0);
}

/** JSON with non-finite numbers as null (JSON has no Infinity), one line. */
export function outcomeJson(o: RunOutcome): string {
  return JSON.stringify(o, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
}

export function adapterLine(a: AdapterSummary): string {
  const name = a.description || [a.vendor, a.architecture, a.device].filter((s) => s).join(" ") || a.key;
  return `${name} (${a.backend}${a.software ? "; a software rasterizer: these are a CPU's timings, not a GPU's" : ""})`;
}

const MARK: Record<RunOutcome["status"], string> = { passed: "PASS", failed: "FAIL", error: "ERROR", timeout: "TIMEOUT" };

/** A readable summary of one entry's run. */
export function formatOutcome(o: RunOutcome, file: string, repeat: number, warmup: number): string {
  const lines: string[] = [];
  const kind = o.error ? ` (${o.error.kind})` : "";
  lines.push(`${file}: ${o.entry || "(no entry)"}  ${MARK[o.status]}${kind}`);
  if (o.adapter) lines.push(`  adapter    ${adapterLine(o.adapter)}`);
  if (o.timing) {
    const t = o.timing;
    const method = t.method === "timestamp" ? "GPU timestamps" : "wall clock, submit to completion";
    lines.push(`  time       median ${formatMs(t.medianMs)} (min ${formatMs(t.minMs)}, max ${formatMs(t.maxMs)}; ${t.samplesMs.length} timed run(s) after ${warmup} warm-up; ${method})`);
  } else if (o.status === "passed" || o.status === "failed") {
    lines.push(`  time       not measured (${repeat} run(s) requested)`);
  }
  // The rate the kernel's bound makes meaningful first; a zero or unknown count gives no rate (core/run/achievedRates.ts).
  const rates = achievedRates(o.achieved).map((r) => {
    const what = r.kind === "gbps" ? "DRAM, modelled bytes / median" : "counted FLOPs / median";
    const bound = r.primary ? (r.kind === "gbps" ? "; memory-bound in the model" : "; compute-bound in the model") : "";
    return `${r.text} (${what}${bound})`;
  });
  if (rates.length) lines.push(`  achieved   ${rates.join(", ")}`);
  if (o.predicted) {
    const p = o.predicted;
    if (p.ms === null) lines.push(`  model      no prediction on ${p.deviceId} (the model lacks a size: see kernellens analyze)`);
    else if (!isComparable(p, o.adapter?.key)) {
      // Only the measuring adapter's calibration is compared with the measurement (core/run/comparison.ts).
      lines.push(`  model      predicts ${formatMs(p.ms)} on ${p.deviceId}, not compared: ${p.note ?? "no calibration for this adapter"} (run 'kernellens calibrate')`);
    } else lines.push(`  model      predicts ${formatMs(p.ms)} on ${p.deviceId}${p.errorPct !== null ? `: ${p.errorPct >= 0 ? "+" : ""}${p.errorPct.toFixed(1)} % against the measured median` : ""}`);
  } else if (o.timing) {
    lines.push(`  model      no measured profile of this adapter: run 'kernellens calibrate' to compare the model's prediction`);
  }
  for (const c of o.checks) {
    const skipped = (c as { skipped?: string }).skipped;
    const mark = skipped ? "skip" : c.passed ? "ok  " : "FAIL";
    const against = c.reference === "written" ? "written" : `~ ${c.reference}`;
    lines.push(`  check ${mark} ${c.output} ${against}: ${c.message.startsWith(`${c.output}: `) ? c.message.slice(c.output.length + 2) : c.message}`);
  }
  if (o.bounds) lines.push(...boundsLines(o.bounds));
  if (o.error) {
    const msg = o.error.message.split("\n").map((l, i) => (i === 0 ? l : `             ${l}`)).join("\n");
    lines.push(`  error      ${msg}`);
    if (o.error.advice) lines.push(`  advice     ${o.error.advice}`);
  }
  return lines.join("\n");
}

/** What the checked run found: `bounds FAIL <message>` per out-of-bounds access, else one line saying what was checked. */
export function boundsLines(b: BoundsReport): string[] {
  if (!b.checked) return [`  bounds skip not checked: ${b.reason ?? "unknown reason"}`];
  const skipped = b.skipped > 0 ? `; ${formatCount(b.skipped)} access(es) could not be instrumented` : "";
  if (b.violations.length === 0) return [`  bounds ok   ${formatCount(b.sites)} array access(es) checked, none out of bounds${skipped}`];
  return b.violations.map((v) => `  bounds FAIL ${v.message}`);
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith("..") || isAbsolute(rel) ? resolve(file) : rel;
}

export async function runCommand(args: CliArgs, deps: RunCommandDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  if (args.files.length !== 1) throw new UsageError(args.files.length === 0 ? "run needs a FILE" : `run takes one FILE, got ${args.files.length}`);
  const file = args.files[0];
  const text = readInputFile(file);

  const helper = deps.helper ?? new GpuHelperProcess({ log: process.env.KERNELLENS_DEBUG ? (m) => err(`kernellens: helper: ${m}\n`) : undefined });
  const listeners: (() => void)[] = [];
  let cancelled = false;
  const cancel: Cancellation = {
    get cancelled() {
      return cancelled;
    },
    onCancel(listener) {
      listeners.push(listener);
    },
  };
  const onSigint = (): void => {
    if (cancelled) process.exit(130);
    cancelled = true;
    err("kernellens: cancelling (Ctrl-C again to quit at once)\n");
    for (const l of listeners) l();
  };
  process.on("SIGINT", onSigint);
  try {
    // The model's device: --device, else the measured profile of the adapter the run will use, else none.
    let device = deps.device;
    if (!device) {
      const adapter = await helper.adapter();
      if ("key" in adapter) {
        const profile = loadProfile(adapter.key);
        if (profile) device = profileToDevice(profile);
      }
    }
    const tty = !args.json && process.stderr.isTTY;
    const outcomes = await runKernel(
      helper,
      {
        file: resolve(file),
        text,
        entry: args.entry,
        warmup: args.warmup,
        repeat: args.repeat,
        timeoutMs: args.timeoutMs,
        lets: args.lets,
        defines: args.defines,
        // --include folders are given from the current folder; the runner resolves relative ones from the kernel's.
        includePaths: args.includePaths.map((p) => resolve(p)),
        seed: args.seed,
        rotateInputs: args.rotate,
        device,
        // The CLI runs the user's own files on their request: their JavaScript references are trusted.
        allowWorkspaceCode: true,
        // Checked mode unless --no-bounds-check: one more, untimed run with every array index checked.
        boundsCheck: args.boundsCheck ?? true,
        // Files the kernel names: inside the current folder, the kernel's and the --include folders (or --allow-outside).
        access: cliFileAccess(process.cwd(), args.files, args.includePaths, args.allowOutside),
      },
      cancel,
      tty ? (message, fraction) => err(`\r\x1b[K${(fraction * 100).toFixed(0).padStart(3)} % ${message}`) : undefined,
    );
    if (tty) err("\r\x1b[K");

    if (!args.noHistory) {
      const folder = deps.historyFolder ?? process.cwd();
      try {
        for (const o of outcomes) appendRun(folder, { file: resolve(file), mode: "run", outcome: o, sourceText: text });
      } catch (e) {
        err(`kernellens: the run history could not be written (${(e as Error).message}); use --no-history to skip it\n`);
      }
    }
    if (args.json) out(outcomes.map(outcomeJson).join("\n") + "\n");
    else {
      const shown = displayPath(file);
      // Messages locate problems by the absolute path the runner was given; show the path as the user typed it.
      const local = (o: RunOutcome): RunOutcome => (o.error ? { ...o, error: { ...o.error, message: o.error.message.split(resolve(file)).join(shown) } } : o);
      const blocks = outcomes.map((o) => formatOutcome(local(o), shown, args.repeat ?? DEFAULT_REPEAT, args.warmup ?? DEFAULT_WARMUP));
      const passed = outcomes.filter((o) => o.status === "passed").length;
      const checks = outcomes.reduce((n, o) => n + o.checks.length, 0);
      out(`${blocks.join("\n\n")}\n\n${formatCount(outcomes.length)} entry point(s): ${passed} passed, ${outcomes.length - passed} not; ${formatCount(checks)} check(s)\n`);
    }
    return exitCode(outcomes);
  } finally {
    process.off("SIGINT", onSigint);
    if (!deps.helper) helper.dispose();
  }
}
