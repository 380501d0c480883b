// The words and numbers a person reads after Run, Profile and Calibrate: pure functions, no vscode, so unit tests can pin them.
import { achievedRates, formatMs, shortDeviceName, isComparable, isDispatchTimeout, type AdapterSummary, type CalibrationProfile, type HelperError, type TimingResult, type CheckOutcome, type RunOutcome } from "../../../server/src/engine";
// The formats the Profiler page shows too live in the toolkit both sides may import (the page never imports client/).
import { formatCount, formatSignedPercent } from "../../../webview/src/shared/format";

export { formatCount, formatSignedPercent };

/** A short overhead in microseconds, two significant digits: `58 µs`. */
export function formatMicroseconds(ms: number): string {
  return `${Number((ms * 1000).toPrecision(2))} µs`;
}

/** A median with its min–max range and how it was timed, the range printed with the median's decimals so the three read as one scale. */
export function formatTiming(t: Pick<TimingResult, "medianMs" | "minMs" | "maxMs" | "method">): string {
  const seconds = t.medianMs >= 1000;
  const scale = seconds ? 1000 : 1;
  const d = decimalsOf(t.medianMs / scale);
  const range = `${(t.minMs / scale).toFixed(d)}–${(t.maxMs / scale).toFixed(d)}${seconds ? " s" : ""}`;
  return `${formatMs(t.medianMs)} median (${range}, ${t.method})`;
}

function decimalsOf(value: number): number {
  const text = value.toPrecision(3);
  const dot = text.indexOf(".");
  return dot < 0 || text.includes("e") ? 0 : text.length - dot - 1;
}

/** A rate in G-units: two significant digits below 100, whole numbers above. */
export function formatRate(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `? ${unit}`;
  const text = Math.abs(value) >= 100 ? formatCount(value) : String(Number(value.toPrecision(2)));
  return `${text} ${unit}`;
}

/**
 * How far a prediction was from the measurement, given the runner's error `(predicted − measured) / measured` in
 * percent. Near misses read as a signed percentage; a factor of two or more reads as a ratio, because "−100%" hides
 * whether the kernel took 50 or 5,000 times longer than predicted (it does when the model targets another device).
 */
export function formatPredictionError(errorPct: number): string {
  const ratio = 1 + errorPct / 100; // predicted / measured
  if (ratio > 0 && ratio <= 0.5) return `measured ${formatRatio(1 / ratio)} longer`;
  if (ratio >= 2) return `measured ${formatRatio(ratio)} shorter`;
  return formatSignedPercent(errorPct);
}

function formatRatio(r: number): string {
  return `${r >= 100 ? formatCount(r) : String(Number(r.toPrecision(2)))}×`;
}

/** Bytes per second as GB/s (or TB/s), for calibration ceilings. */
export function formatBytesPerSecond(bytesPerSecond: number): string {
  const gb = bytesPerSecond / 1e9;
  return gb >= 1000 ? formatRate(gb / 1000, "TB/s") : formatRate(gb, "GB/s");
}

/** FLOP/s as GFLOP/s (or TFLOP/s). */
export function formatFlops(flopsPerSecond: number): string {
  const g = flopsPerSecond / 1e9;
  return g >= 1000 ? formatRate(g / 1000, "TFLOP/s") : formatRate(g, "GFLOP/s");
}


/** Known CPU rasterizers, by the words their drivers put in the adapter's description. */
const softwareNames: readonly [RegExp, string][] = [
  [/llvmpipe|lavapipe/i, "lavapipe"],
  [/swiftshader/i, "SwiftShader"],
  [/\bwarp\b|microsoft basic render/i, "WARP"],
];

/** What the adapter status item and the reports call an adapter: `lavapipe (software)`, `NVIDIA RTX 4090`. */
export function adapterLabel(adapter: Pick<AdapterSummary, "vendor" | "device" | "description" | "software">): string {
  const described = [adapter.description, adapter.device, adapter.vendor].find((s) => s.trim() !== "") ?? "unknown adapter";
  if (adapter.software) {
    const known = softwareNames.find(([pattern]) => pattern.test(`${adapter.description} ${adapter.device}`));
    return `${known ? known[1] : trimName(described)} (software)`;
  }
  return trimName(described);
}

function trimName(name: string): string {
  const cleaned = name
    .replace(/\((R|TM)\)/gi, "")
    .replace(/\bGeForce /, "")
    .replace(/\s+/g, " ")
    .trim();
  return cleaned.length > 40 ? `${cleaned.slice(0, 39)}…` : cleaned;
}

/** One number as a person reads it in a mismatch: integers plain, floats with enough digits to see the difference. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(7)));
}

/** Why one output check failed, in one line: `out: 3 of 1,048,576 differ, first at [17] (got 1.5, want 1.25)`. */
export function describeCheckFailure(check: CheckOutcome): string {
  // The "every element written" check has no reference values: what it found is unwritten elements, nothing else.
  if (check.reference === "written" && check.unwritten > 0) {
    const first = check.firstMismatches[0];
    return `${check.output}: ${formatCount(check.unwritten)} of ${formatCount(check.elements)} never written${first ? `, first at [${formatCount(first.index)}]` : ""}`;
  }
  const parts: string[] = [];
  if (check.mismatches > 0) {
    const first = check.firstMismatches[0];
    const where = first ? `, first at [${formatCount(first.index)}] (got ${formatValue(first.got)}, want ${formatValue(first.want)})` : "";
    parts.push(`${formatCount(check.mismatches)} of ${formatCount(check.elements)} differ${where}`);
  }
  if (check.unwritten > 0) parts.push(`${formatCount(check.unwritten)} never written`);
  if (check.nan > 0) parts.push(`${formatCount(check.nan)} NaN`);
  if (check.inf > 0) parts.push(`${formatCount(check.inf)} Inf`);
  if (parts.length === 0) parts.push(check.message || "check failed");
  return `${check.output}: ${parts.join(", ")}`;
}

/** What a helper error means to the person who pressed Run, in a few words plus the helper's message. */
export function describeError(error: HelperError, timeoutMs: number | undefined): string {
  switch (error.kind) {
    case "timeout":
      // A timeout the helper located says which run passed its deadline (gpu/deadline.ts): keep that, digits grouped.
      if (error.deadline) return firstLine(error.message).replace(/^timed out after (\d+) ms/, (_, ms: string) => `timed out after ${formatCount(Number(ms))} ms`);
      if (timeoutMs !== undefined) return `timed out after ${formatCount(timeoutMs)} ms`;
      return /^timed out/.test(error.message) ? firstLine(error.message) : `timed out: ${firstLine(error.message)}`;
    case "compile":
      // The runner maps the compiler's position to the kernel file; the compiler's own `10:3: error:` prefix would repeat it.
      return `compile error${error.line !== undefined ? ` at line ${error.line}${error.column !== undefined ? `:${error.column}` : ""}` : ""}: ${firstLine(error.message).replace(/^(\d+:\d+:\s*)?(error:\s*)?/, "")}`;
    case "validation":
      return `validation error: ${firstLine(error.message)}`;
    case "limits":
      return `too large for this device: ${firstLine(error.message)}`;
    case "out-of-memory":
      return `out of GPU memory: ${firstLine(error.message)}`;
    case "no-adapter":
      // A package without Dawn says so whole, uncut (which package to install); "no GPU adapter" would blame the machine.
      return /has no WebGPU runtime|has no build for/.test(error.message) ? error.message.split("\n")[0]! : `no GPU adapter: ${firstLine(error.message)}`;
    case "crash":
      return `the GPU helper crashed: ${firstLine(error.message)}`;
    case "cancelled":
      return "cancelled";
    case "internal":
      return `internal error: ${firstLine(error.message)}`;
    default: {
      const never: never = error.kind;
      return `${String(never)}: ${firstLine(error.message)}`;
    }
  }
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? text;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line.trim();
}

export interface NotificationText {
  readonly text: string;
  /** Which kind of notification to show: passed runs inform, failed checks and timeouts warn, errors are errors. */
  readonly severity: "info" | "warning" | "error";
}

/**
 * What a timeout means, for the diagnostic at the entry point. Only a dispatch that passed its own deadline (the
 * deadline is each run's, kernellens.run.timeoutMs) hints at a loop that does not end; a profile's many runs never
 * add up to a timeout, and a slow compile, read-back or JavaScript reference is said to be just that.
 */
export function timeoutMessage(entry: string, error: HelperError | undefined, timeoutMs: number): string {
  const d = error?.deadline;
  if (error && isDispatchTimeout(error) && d) {
    const which = d.runs !== undefined && d.runs > 1 ? `${d.warmup ? "warm-up " : ""}run ${formatCount(d.run ?? 0)} of ${formatCount(d.runs)}` : "its run";
    return `${entry} timed out: ${which} did not finish within the ${formatCount(d.deadlineMs)} ms deadline of each run (kernellens.run.timeoutMs); the GPU helper was stopped. Look for a loop that does not end.`;
  }
  if (d?.phase === "setup") return `${entry} timed out before its first run: compiling and preparing it took more than ${formatCount(d.deadlineMs)} ms (kernellens.run.timeoutMs); the GPU helper was stopped. No run had started, so this is no sign of a loop that does not end.`;
  if (d?.phase === "read-back") return `${entry} timed out reading its outputs back, after every run had finished (more than ${formatCount(d.deadlineMs)} ms, kernellens.run.timeoutMs); the GPU helper was stopped.`;
  // A JavaScript reference past its own deadline, or a timeout from a helper that did not say where.
  const detail = error ? describeError(error, undefined) : `timed out after ${formatCount(timeoutMs)} ms`;
  return `${entry} ${detail}`;
}

/** The one-line result of a run or profile: what a notification shows (`namer` gives devices their display names). */
export function outcomeNotification(outcome: RunOutcome, timeoutMs?: number, profile = false, namer?: DeviceNamer): NotificationText {
  const name = outcome.entry;
  switch (outcome.status) {
    case "passed": {
      const parts = [`${name} ✓ passed`];
      if (outcome.timing) {
        parts.push(formatTiming(outcome.timing));
        const stats = profile ? sampleStats(outcome.timing.samplesMs) : undefined;
        if (stats) parts.push(`${outcome.timing.samplesMs.length} runs, σ ${formatMs(stats.stdev, "short")}`);
      }
      const rate = achievedRate(outcome);
      if (rate) parts.push(rate);
      const predicted = predictionText(outcome, outcome.predicted ? namer?.(outcome.predicted.deviceId) : undefined);
      if (predicted) parts.push(predicted);
      return { text: parts.join(" · "), severity: "info" };
    }
    case "failed": {
      // An out-of-bounds access comes first: it is often why the outputs are wrong too.
      const oob = outcome.bounds?.violations ?? [];
      if (oob.length > 0) {
        const more = oob.length > 1 ? ` (and ${oob.length - 1} more out-of-bounds access${oob.length > 2 ? "es" : ""})` : "";
        return { text: `${name} ✗ failed: ${oob[0]!.message}${more}`, severity: "warning" };
      }
      const failed = outcome.checks.filter((c) => !c.passed);
      const first = failed[0];
      const more = failed.length > 1 ? ` (and ${failed.length - 1} more output${failed.length > 2 ? "s" : ""})` : "";
      return { text: `${name} ✗ failed: ${first ? describeCheckFailure(first) : "a check failed"}${more}`, severity: "warning" };
    }
    case "timeout":
      // A timeout the helper located says where (which run of how many); an older one says after how long.
      return { text: `${name} ✗ ${outcome.error?.deadline ? describeError(outcome.error, undefined) : describeError(outcome.error ?? { kind: "timeout", message: "" }, timeoutMs)}`, severity: "warning" };
    case "error":
      if (outcome.error?.kind === "cancelled") return { text: `${name}: cancelled`, severity: "info" };
      return { text: `${name} ✗ ${outcome.error ? describeError(outcome.error, timeoutMs) : "error"}`, severity: "error" };
    default: {
      const never: never = outcome.status;
      return { text: `${name}: ${String(never)}`, severity: "error" };
    }
  }
}

/**
 * The one rate the line has room for: the one the kernel's bound makes meaningful (GFLOP/s for a compute-bound
 * kernel), else bandwidth, in a unit that fits (`4.4 MB/s`, never `0 GB/s`); none when no count is known.
 */
function achievedRate(outcome: RunOutcome): string | undefined {
  return achievedRates(outcome.achieved, 2)[0]?.text;
}

/**
 * The model's part of the line: the prediction with its error when it was made for the measuring adapter's own
 * calibration; for any other device no time, error or ratio, only that it is not comparable.
 */
function predictionText(outcome: RunOutcome, deviceName?: string): string | undefined {
  const p = outcome.predicted;
  if (!p || p.ms === null) return undefined;
  const on = shortDeviceName(deviceName ?? p.deviceId);
  if (!isComparable(p, outcome.adapter?.key)) return notComparableText(on);
  const error = p.errorPct !== null && Number.isFinite(p.errorPct) ? ` (${formatPredictionError(p.errorPct)})` : "";
  return `model predicted ${formatMs(p.ms, "short")} on ${on}${error}`;
}

/** What a run says instead of an error when the only prediction is another device's. */
export function notComparableText(deviceName: string): string {
  return `no calibration for this adapter: predicted for ${deviceName} is not comparable`;
}

/** The name a device id shows under, given a lookup of display names (ids stay when the lookup has none). */
export type DeviceNamer = (deviceId: string) => string | undefined;

/** The same one-line result, with the predicted device under its display name rather than its id. */
export function outcomeNotificationNamed(outcome: RunOutcome, namer: DeviceNamer, timeoutMs?: number, profile = false): NotificationText {
  return outcomeNotification(outcome, timeoutMs, profile, namer);
}

export interface ReportContext {
  /** Workspace-relative (or absolute) path of the kernel file. */
  readonly file: string;
  readonly mode: "run" | "profile";
  readonly warmup: number;
  readonly repeat: number;
  readonly rotateInputs?: number;
  readonly timeoutMs: number;
  readonly deviceName?: string;
  /** Whether the prediction came from a calibration of this adapter rather than a datasheet. */
  readonly deviceMeasured?: boolean;
}

/** The full report written to the Output channel: every number the run produced, one fact per line. */
export function outcomeReport(outcome: RunOutcome, ctx: ReportContext): string {
  const lines: string[] = [];
  const verb = ctx.mode === "profile" ? "Profile" : "Run";
  lines.push(`${verb} ${outcome.entry} in ${ctx.file}: ${outcome.status}`);
  if (outcome.adapter) {
    const a = outcome.adapter;
    lines.push(`  adapter:   ${adapterLabel(a)} · ${a.backend}${a.software ? " · a CPU rasterizer: timings are a CPU's, not a GPU's" : ""}`);
  }
  const variant = outcome.variant;
  const lets = Object.entries(variant.lets);
  if (variant.defines.length > 0 || lets.length > 0) {
    lines.push(`  variant:   ${[...variant.defines.map((d) => `#define ${d}`), ...lets.map(([k, v]) => `${k} = ${v}`)].join(", ")}`);
  }
  if (outcome.timing) {
    const t = outcome.timing;
    const rotate = ctx.rotateInputs && ctx.rotateInputs > 1 ? `, inputs rotated over ${ctx.rotateInputs} copies` : "";
    lines.push(`  timing:    ${t.samplesMs.length} timed runs after ${ctx.warmup} warm-up${rotate}, ${t.method === "timestamp" ? "GPU timestamps" : "wall clock (submit to done)"}`);
    lines.push(`             median ${formatMs(t.medianMs)}, min ${formatMs(t.minMs)}, max ${formatMs(t.maxMs)}`);
    const stats = sampleStats(t.samplesMs);
    if (stats && t.samplesMs.length > 2) {
      lines.push(`             mean ${formatMs(stats.mean)}, σ ${formatMs(stats.stdev, "short")}, p10 ${formatMs(stats.p10)}, p90 ${formatMs(stats.p90)}`);
    }
    if (t.samplesMs.length > 0) lines.push(`             samples (ms): ${t.samplesMs.map((s) => s.toPrecision(3)).join(" ")}`);
  }
  if (outcome.achieved) {
    const a = outcome.achieved;
    const rates = achievedRates(a, 2).map((r) => (r.primary ? `${r.text} (${r.kind === "gflops" ? "compute" : "memory"}-bound in the model)` : r.text));
    if (rates.length > 0) lines.push(`  achieved:  ${rates.join(", ")} (the model's counts over the measured median)`);
  }
  if (outcome.predicted) {
    const p = outcome.predicted;
    const name = ctx.deviceName ?? p.deviceId;
    const comparable = isComparable(p, outcome.adapter?.key);
    const source = comparable ? "calibrated profile of this adapter" : ctx.deviceMeasured ? "calibration of another adapter" : "datasheet";
    if (p.ms === null) lines.push(`  model:     no prediction for ${name} (${source})`);
    else if (!comparable) {
      lines.push(`  model:     ${formatMs(p.ms, "short")} predicted on ${name} (${source}): not compared with this measurement`);
      lines.push(`             ${notComparableText(name)}; Calibrate (kernellens.calibrate) measures this adapter so runs can be compared`);
    } else lines.push(`  model:     ${formatMs(p.ms, "short")} predicted on ${name} (${source})${p.errorPct !== null ? `: ${formatPredictionError(p.errorPct)} (error ${formatSignedPercent(p.errorPct)})` : ""}`);
  }
  for (const check of outcome.checks) {
    const against = check.reference === "written" ? "every element written" : `against ${check.reference}`;
    const head = `  check:     ${check.output} ${against}: ${check.passed ? "passed" : "FAILED"}`;
    lines.push(`${head} (${formatCount(check.elements)} elements, max abs error ${formatValue(check.maxAbsError)}, rel L2 ${formatValue(check.relL2Error)}, rtol ${check.rtol}, atol ${check.atol})`);
    if (!check.passed) {
      lines.push(`             ${describeCheckFailure(check)}`);
      for (const m of check.firstMismatches.slice(0, 8)) lines.push(`             [${formatCount(m.index)}] got ${formatValue(m.got)}, want ${formatValue(m.want)}`);
    }
    if (check.message && !check.passed) lines.push(`             ${check.message}`);
  }
  if (outcome.bounds) {
    const b = outcome.bounds;
    if (!b.checked) lines.push(`  bounds:    not checked: ${b.reason ?? "unknown reason"}`);
    else if (b.violations.length === 0) {
      lines.push(`  bounds:    ${formatCount(b.sites)} array access${b.sites === 1 ? "" : "es"} checked in a separate untimed run, none out of bounds${b.skipped > 0 ? ` (${formatCount(b.skipped)} could not be checked)` : ""}`);
    } else for (const v of b.violations) lines.push(`  bounds:    ${v.message}`);
  }
  if (outcome.error) {
    const e = outcome.error;
    lines.push(`  error:     ${describeError(e, outcome.status === "timeout" ? ctx.timeoutMs : undefined)}`);
    if (e.message.includes("\n")) for (const l of e.message.split("\n")) lines.push(`             ${l}`);
    if (e.advice) lines.push(`  advice:    ${e.advice}`);
  }
  lines.push(`  started ${outcome.startedAt}, took ${formatCount(outcome.durationMs)} ms`);
  return lines.join("\n");
}

/** What the Calibrate notification says: the ceilings, shortest first. */
export function calibrationSummary(profile: CalibrationProfile): string {
  return [
    `${adapterLabel(profile.adapter)} calibrated`,
    // The model uses the scalar copy rate (what one-element-per-invocation kernels reach); vec4 is the ceiling.
    `copy ${formatBytesPerSecond(profile.copyBandwidthScalar)} (vec4 ${formatBytesPerSecond(profile.copyBandwidthVec4)})`,
    `FMA ${formatFlops(profile.fmaF32)} f32`,
    `dispatch ${formatMicroseconds(profile.dispatchOverheadMs)}`,
  ].join(" · ");
}

/** The calibration's full report for the Output channel. */
export function calibrationReport(profile: CalibrationProfile, deviceId: string | undefined): string {
  const a = profile.adapter;
  const lines = [
    `Calibrated ${adapterLabel(a)} (${a.backend}, ${profile.timing === "timestamp" ? "GPU timestamps" : "wall clock"}) at ${profile.measuredAt}`,
    `  copy bandwidth, f32:        ${formatBytesPerSecond(profile.copyBandwidthScalar)}`,
    `  copy bandwidth, vec4<f32>:  ${formatBytesPerSecond(profile.copyBandwidthVec4)}`,
    `  copyBufferToBuffer:         ${formatBytesPerSecond(profile.copyBufferToBuffer)}`,
    `  FMA, f32:                   ${formatFlops(profile.fmaF32)}`,
  ];
  if (profile.fmaF16 !== undefined) lines.push(`  FMA, f16:                   ${formatFlops(profile.fmaF16)}`);
  lines.push(`  workgroup memory:           ${formatBytesPerSecond(profile.workgroupBandwidth)}`);
  lines.push(`  dispatch overhead:          ${formatMicroseconds(profile.dispatchOverheadMs)}`);
  if (a.software) lines.push("  (a CPU rasterizer: these are a CPU's ceilings, not a GPU's)");
  if (deviceId) lines.push(`  available to the cost model as device "${deviceId}"`);
  return lines.join("\n");
}

/** One recorded run as the history view lists it (history.ts keeps more; this is what a person scans for). */
export interface HistoryRow {
  readonly startedAt: string;
  /** Workspace-relative path of the kernel file. */
  readonly file: string;
  readonly entry: string;
  readonly mode?: "run" | "profile";
  readonly status: RunOutcome["status"];
  readonly medianMs?: number;
  readonly method?: "timestamp" | "wall";
  readonly adapter?: string;
  readonly predictedMs?: number | null;
  readonly deviceId?: string;
  /** Why it failed, when it did. */
  readonly detail?: string;
}

// Plain marks only: an emoji (⏱) shows as an empty box in editor fonts without emoji glyphs.
const statusMark: Record<RunOutcome["status"], string> = { passed: "✓", failed: "✗", error: "✗", timeout: "✗" };

/** The run history as plain text: newest first, one run a line, columns aligned. */
export function historyText(folder: string, rows: readonly HistoryRow[]): string {
  const header = `KernelLens run history of ${folder}`;
  if (rows.length === 0) return `${header}\n\nNo runs recorded yet: use the Run or Profile code lens above a compute entry point.\n`;
  const sorted = [...rows].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  const table = sorted.map((r) => [
    r.startedAt.replace("T", " ").replace(/\.\d+Z$|Z$/, ""),
    `${statusMark[r.status]} ${r.status}`,
    r.mode ?? "run",
    `${r.file}:${r.entry}`,
    r.medianMs !== undefined ? `${formatMs(r.medianMs)}${r.method ? ` (${r.method})` : ""}` : "",
    r.predictedMs !== undefined && r.predictedMs !== null ? `model ${formatMs(r.predictedMs, "short")}${r.deviceId ? ` on ${historyDeviceName(r.deviceId)}` : ""}` : "",
    r.adapter ?? "",
    r.detail ?? "",
  ]);
  const titles = ["started (UTC)", "result", "mode", "kernel", "median", "prediction", "adapter", "detail"];
  // The last column is free text: only the ones before it are padded.
  const widths = titles.map((t, i) => Math.max(t.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [header, `${sorted.length} run${sorted.length === 1 ? "" : "s"}, newest first`, "", line(titles), ...table.map(line), ""].join("\n");
}

/** A measured device's id spells out the driver's whole description; in a table column, "measured" says enough. */
function historyDeviceName(id: string): string {
  return id.startsWith("measured-") ? "measured adapter" : id;
}

/** Spread of a profile's samples: mean, standard deviation and the 10th and 90th percentiles. */
export function sampleStats(samples: readonly number[]): { mean: number; stdev: number; p10: number; p90: number } | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  const variance = sorted.length > 1 ? sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / (sorted.length - 1) : 0;
  // Nearest-rank percentiles: a sample that was measured, never an interpolation between two.
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { mean, stdev: Math.sqrt(variance), p10: rank(0.1), p90: rank(0.9) };
}

/** Why a recorded run did not pass, for the history's last column (empty when it passed). */
export function failureDetail(outcome: RunOutcome): string {
  if (outcome.status === "passed") return "";
  const text = outcomeNotification(outcome).text;
  // The line starts with the entry name and a mark; the history shows both in columns of their own.
  return text.replace(/^.*?(✗ |: )/, "");
}
