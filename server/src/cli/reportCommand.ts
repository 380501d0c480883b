// `kernellens report FILE -o report.html`: one self-contained HTML page with the file's roofline, analysis, findings and latest runs.
//
// WGSL and CUDA alike: the file is analysed exactly as `kernellens analyze` analyses it (analyzeInput.ts: CUDA compiled
// with nvcc for exact resources where installed, unless --no-nvcc), and the page's kernels, resources and findings are
// that command's JSON. CUDA files have no runs (KernelLens runs WGSL only): the page says so instead of a history.
//
// The page is the report page of webview/src/report (bundled by build.mjs into dist/webview/report.*), which draws the
// roofline with the Roofline panel's own chart and view modules; this command only gathers the data, exactly as the
// panel's host does (rooflineRequest.ts for the modelled points and roofs, the run history for measured points, the
// newest calibration profile for the dashed roofs), and inlines script, styles and data into the page's template.
//
// The file must open anywhere, offline, and be safe to open even when names in it came from someone else's kernel:
// everything is inline, the CSP allows only the exact script and style by hash (no 'unsafe-inline', no network), and
// the data sits in a JSON block escaped so that no string in it can end that block.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { IncludeResolution } from "../core/preprocess/preprocess";
import type { DeviceSpec } from "../core/devices/device";
import type { AdapterSummary, CalibrationProfile } from "../gpu/types";
import { ceilingsFromCalibration, measuredPointFromRun, rooflineResult } from "../lsp/rooflineRequest";
import { modelledSource } from "../lsp/modelledSource";
import type { RooflineMeasuredPoint } from "../protocol";
import { readHistory, sourceHash, type HistoryRecord } from "../run/history";
import { loadProfiles, measuredDeviceId, profileForMeasurements } from "../run/profiles";
// Types only: the page's checker and constants stay out of the CLI bundle.
import type { ReportData, ReportFinding, ReportKernel, ReportRun } from "../../../webview/src/report/protocol";
import { type CliArgs, UsageError } from "./args";
import { analyzeInput, cudaResourcesOrigin, deviceJson, loadTintFor, tritonResourcesOrigin } from "./analyzeInput";
import { adapterLine } from "./runCommand";
import { checkInputFile, readInputFile } from "./inputFile";

export const DEFAULT_REPORT_FILE = "kernellens-report.html";

export interface ReportCommandDeps {
  /** The model's device (`--device`, resolved by main.ts with the measured profiles). */
  readonly device: DeviceSpec;
  /** Saved calibration profiles as devices, so a measured `--device` is found by the roofline builder too. */
  readonly measured: readonly DeviceSpec[];
  /** How `#include` is resolved for a main file and the `--include` folders (main.ts's resolver). */
  readonly includeResolver: (mainFile: string, includePaths: readonly string[]) => (path: string, fromKey: string) => IncludeResolution;
  readonly version: string;
  /** Folder of the page's built assets (default: dist/webview next to the CLI bundle). */
  readonly assetsDir?: string;
  /** Folder of calibration profiles (default: profiles.ts's). */
  readonly profileDir?: string;
  readonly cwd?: string;
  readonly now?: () => Date;
  readonly stdout?: (s: string) => void;
  readonly stderr?: (s: string) => void;
}

// ---- Embedding: pure functions, unit-tested in test/unit/report-embed.test.ts ----

/**
 * JSON for a `<script type="application/json">` block. Every `<`, `>` and `&` (which can occur only inside strings)
 * becomes a `\u00XX` escape, so no value can write `</script>` or `<!--` and end or confuse the block; JSON.parse
 * reads the escapes back as the same characters. U+2028/U+2029 are escaped too, so the text is also valid JavaScript.
 * Non-finite numbers (JSON has none) become null, as in the run history.
 */
export function embedJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
  if (json === undefined) throw new Error("report: nothing to embed");
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * A script bundle made safe to place between `<script>` and `</script>`: the source-map comment goes (a development
 * build inlines a map several times the code's size), and `</script` and `<!--`, which can only occur inside strings,
 * regular expressions and comments of real code, get their `<` written as `\x3C`, which means the same there.
 */
export function inlineScript(js: string): string {
  const code = js.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, "\n");
  const safe = code.replace(/<(?=\/script|!--)/gi, "\\x3C");
  if (/<\/script|<!--/i.test(safe)) throw new Error("report: the script bundle cannot be inlined");
  return safe;
}

/** A stylesheet for a `<style>` block; our own CSS never contains `</style`, so one that does is refused, not mangled. */
export function inlineStyle(css: string): string {
  if (/<\/style/i.test(css)) throw new Error("report: a stylesheet contains '</style' and cannot be inlined");
  return css;
}

/** The CSP source of a script or style block: `'sha256-<base64>'` of its exact UTF-8 text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** Nothing but the one script and the one style (by hash) and data: images; no network of any kind, no forms, no <base>. */
export function reportCsp(script: string, style: string): string {
  return `default-src 'none'; script-src ${cspHash(script)}; style-src ${cspHash(style)}; img-src data:; base-uri 'none'; form-action 'none'`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ReportParts {
  /** The page's title (escaped here). */
  readonly title: string;
  /** The bundle and the concatenated stylesheets, as read from dist/webview. */
  readonly script: string;
  readonly style: string;
  readonly data: unknown;
}

const placeholder = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;
const cspMeta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="\{\{csp\}\}"\s*\/?>/i;

/**
 * Fills the report template (webview/src/report/report.html): `{{csp}}` and `{{title}}` HTML-escaped, `{{style}}`,
 * `{{script}}` and `{{data}}` made safe for their blocks as above. One pass, so text that looks like a placeholder
 * inside a value stays text; an unknown placeholder or a template without the CSP meta tag is a bug and throws.
 */
export function renderReportHtml(template: string, parts: ReportParts): string {
  if (!cspMeta.test(template)) throw new Error('report: the template needs <meta http-equiv="Content-Security-Policy" content="{{csp}}">');
  const script = inlineScript(parts.script);
  const style = inlineStyle(parts.style);
  const values: Record<string, string> = {
    csp: escapeHtml(reportCsp(script, style)),
    title: escapeHtml(parts.title),
    style,
    script,
    data: embedJson(parts.data),
  };
  return template.replace(placeholder, (_match, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) throw new Error(`report: no value for {{${name}}}`);
    return values[name]!;
  });
}

// ---- Assets ----

/** The stylesheets the page needs, in cascade order: the panels' base, the charts', the Roofline panel's, the report's own. */
const styleFiles = ["theme.css", "chart.css", "roofline.css", "report.css"];

function assetsDirs(given: string | undefined): string[] {
  if (given) return [given];
  // dist/cli.js sits next to dist/webview; from the sources (tests run them with tsx) the repository's dist/webview.
  return [join(__dirname, "webview"), join(__dirname, "..", "..", "..", "dist", "webview")];
}

class MissingAssets extends Error {}

function readAssets(given: string | undefined): { template: string; script: string; style: string } {
  const needed = ["report.html", "report.js", ...styleFiles];
  const dir = assetsDirs(given).find((d) => needed.every((f) => existsSync(join(d, f))));
  if (!dir) {
    throw new MissingAssets(`the report page is not built (dist/webview/report.js, report.html and their stylesheets are missing): run \`npm run build\` in the KernelLens folder first`);
  }
  const read = (f: string): string => readFileSync(join(dir, f), "utf8");
  return { template: read("report.html"), script: read("report.js"), style: styleFiles.map(read).join("\n") };
}

// ---- Data ----

function adapterLabel(a: Pick<AdapterSummary, "description" | "vendor" | "architecture" | "device" | "key" | "software">): string {
  const name = a.description || [a.vendor, a.architecture, a.device].filter((s) => s).join(" ") || a.key;
  // A CPU rasterizer says so wherever it is named: its numbers are a CPU's.
  return a.software ? `${name} (software)` : name;
}

/** The file as the person knows it: relative to the current folder when inside it, else absolute. */
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel.split("\\").join("/");
}

/** Records of `file` from the histories of `folders` (each read once), oldest first. */
function runsOf(file: string, folders: readonly string[], warn: (s: string) => void): HistoryRecord[] {
  const records: HistoryRecord[] = [];
  for (const folder of new Set(folders)) {
    try {
      for (const r of readHistory(folder)) if (resolve(folder, r.file) === file) records.push(r);
    } catch (e) {
      warn(`the run history of ${folder} could not be read (${(e as Error).message}); its runs are left out`);
    }
  }
  // Stable: records of one history keep their written order when two share a timestamp.
  return records.map((r, i) => ({ r, i })).sort((a, b) => (a.r.timestamp < b.r.timestamp ? -1 : a.r.timestamp > b.r.timestamp ? 1 : a.i - b.i)).map((x) => x.r);
}

const positiveOrNull = (v: number | null | undefined): number | null => (v !== null && v !== undefined && Number.isFinite(v) && v >= 0 ? v : null);

function runRow(record: HistoryRecord, currentHash: string): ReportRun {
  const o = record.outcome;
  const t = o.timing;
  return {
    entry: o.entry,
    timestamp: record.timestamp,
    mode: record.mode ?? "run",
    status: o.status,
    timing: t ? { medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, samples: t.samplesMs.length, method: t.method } : null,
    gbps: positiveOrNull(o.achieved?.gbps),
    gflops: positiveOrNull(o.achieved?.gflops),
    checks: o.checks.map((c) => ({ output: c.output, reference: c.reference, passed: c.passed, skipped: c.skipped !== undefined, message: c.message })),
    // An error only against the measuring adapter's own calibration (history.ts settles records written before that rule).
    predicted: o.predicted ? { ms: positiveOrNull(o.predicted.ms), deviceId: o.predicted.deviceId, errorPct: o.predicted.comparable === true && o.predicted.errorPct !== null && Number.isFinite(o.predicted.errorPct) ? o.predicted.errorPct : null } : null,
    adapter: o.adapter ? adapterLabel(o.adapter) : null,
    error: o.error ? o.error.message : null,
    sourceChanged: record.sourceHash !== undefined && record.sourceHash !== currentHash,
  };
}

const bounds = new Set<ReportKernel["bound"]>(["compute", "memory", "workgroup-memory", "latency", "unknown"]);

/** `SOURCE_DATE_EPOCH` (seconds), the reproducible-builds convention, else now: the same input then gives the same file. */
function reportDate(now: () => Date): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return now().toISOString();
}

export async function reportCommand(args: CliArgs, deps: ReportCommandDeps): Promise<number> {
  const out = deps.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  const cwd = deps.cwd ?? process.cwd();
  if (args.files.length !== 1) throw new UsageError(args.files.length === 0 ? "report needs a FILE" : `report takes one FILE, got ${args.files.length}`);
  const file = resolve(cwd, args.files[0]!);
  checkInputFile(file, args.files[0]);
  const output = resolve(cwd, args.output ?? DEFAULT_REPORT_FILE);
  if (output === file) throw new UsageError("the report would overwrite the kernel file: choose another -o FILE");

  let assets: ReturnType<typeof readAssets>;
  try {
    assets = readAssets(deps.assetsDir);
  } catch (e) {
    if (!(e instanceof MissingAssets)) throw e;
    err(`kernellens: ${e.message}\n`);
    return 2;
  }

  const text = readInputFile(file, args.files[0]);
  const tint = await loadTintFor([file], args.noTint, err);
  const device = deps.device;
  // The same analysis as `kernellens analyze` (CUDA: compiled with nvcc where installed, unless --no-nvcc).
  const { analysis, json, nvcc } = await analyzeInput(file, args.files[0]!, text, args, device, deps.includeResolver(file, args.includePaths), tint);
  const cuda = analysis.language === "cuda";

  // The roofline exactly as the panel is sent it: the server's answer, then the latest measured point of each kernel.
  // KernelLens runs WGSL only, so a CUDA file has no runs to read.
  const history = cuda || analysis.language === "triton" ? [] : runsOf(file, [cwd, dirname(file)], (m) => err(`kernellens: ${m}\n`));
  const points = new Map<string, RooflineMeasuredPoint>();
  const latest = new Map<string, HistoryRecord>();
  for (const r of history) {
    latest.set(r.outcome.entry, r);
    const p = measuredPointFromRun(r.outcome);
    if (p) points.set(r.outcome.entry, p);
  }
  const roofline = rooflineResult({ uri: pathToFileURL(file).href, deviceId: device.id }, modelledSource(analysis), deps.measured);
  const measuredRuns = history.filter((r) => measuredPointFromRun(r.outcome)).map((r) => r.outcome);
  let profile: CalibrationProfile | undefined;
  try {
    // Measured points are drawn against the roofs of the adapter that measured them: its calibration, never another
    // adapter's. Without runs, this machine's newest calibration is a what-if like any other device.
    profile = profileForMeasurements(loadProfiles(deps.profileDir), measuredRuns);
  } catch {
    profile = undefined;
  }
  // The target device when it is that calibration already draws its roofs; a second, identical set would only add
  // noise. Any other device, another adapter's calibration included, gets the measuring adapter's roofs beside it.
  const measuredCeilings = profile && device.id !== measuredDeviceId(profile.adapter.key) ? ceilingsFromCalibration(profile, adapterLabel(profile.adapter)) : null;
  // Who measured the points: the page calls any other device a what-if wherever it shows both.
  const measuringAdapter = [...measuredRuns].reverse().find((o) => o.adapter)?.adapter;
  const measuredOn = measuringAdapter ? { adapter: adapterLabel(measuringAdapter), deviceId: measuredDeviceId(measuringAdapter.key) } : null;

  // The kernels as `analyze --json` gives them: WGSL's compute entry points, CUDA's kernels (one per instantiation).
  const kernels: ReportKernel[] = json.kernels.map((j) => {
    const r = j.resources;
    const dram = j.bytes.read !== null && j.bytes.written !== null ? j.bytes.read + j.bytes.written : null;
    return {
      name: j.name,
      line: j.range.start.line + 1,
      workgroupSize: j.workgroupSize,
      dispatch: j.dispatch,
      invocations: j.invocations,
      flops: j.flops,
      bytesCompulsory: j.bytes.compulsory,
      bytesDram: dram,
      arithmeticIntensity: positiveOrNull(j.arithmeticIntensity),
      occupancy: j.occupancy ? { value: Math.min(1, Math.max(0, j.occupancy.value)), limitedBy: j.occupancy.limitedBy, estimated: j.occupancy.estimated } : null,
      bound: bounds.has(j.roofline.bound as ReportKernel["bound"]) ? (j.roofline.bound as ReportKernel["bound"]) : "unknown",
      predictedMs: positiveOrNull(j.roofline.predictedMs),
      unknowns: j.unknowns.map((u) => `${u.what}: ${u.reason}`),
      assumptions: j.assumptions.filter((a) => a.source === "assumed").map((a) => `${a.name} = ${typeof a.value === "number" ? a.value.toLocaleString("en-US") : a.value.join(" × ")}: ${a.reason} (${a.directive})`),
      resources: { registers: r.registers, sharedMemoryBytes: r.sharedMemoryBytes, dynamicSharedMemoryBytes: r.dynamicSharedMemoryBytes, stackBytes: r.stackBytes, spillStoreBytes: r.spillStoreBytes, spillLoadBytes: r.spillLoadBytes, exact: r.exact },
    };
  });

  // Line order (nvcc's diagnostics come after the analysis's in the JSON); stable, so one line keeps its order.
  const findings: ReportFinding[] = json.diagnostics
    .map((d) => ({ line: d.range.start.line + 1, column: d.range.start.character + 1, severity: d.severity, code: d.code, message: d.message, source: d.source }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const resources = cuda ? cudaResourcesOrigin(args.noNvcc, device, nvcc) : analysis.language === "triton" ? tritonResourcesOrigin(analysis) : undefined;

  // Runs in the file's order of entry points, then runs of entry points the file no longer has.
  const hash = sourceHash(text);
  const order = new Map(kernels.map((k, i) => [k.name, i]));
  const runs = [...latest.values()]
    .sort((a, b) => (order.get(a.outcome.entry) ?? order.size) - (order.get(b.outcome.entry) ?? order.size) || a.outcome.entry.localeCompare(b.outcome.entry))
    .map((r) => runRow(r, hash));
  const newestRun = history.length > 0 ? history[history.length - 1]!.outcome.adapter : undefined;
  const adapter = newestRun ? adapterLine(newestRun) : profile ? adapterLine(profile.adapter) : null;

  const shownFile = displayPath(file, cwd);
  const data: ReportData = {
    version: 1,
    header: {
      file: shownFile,
      language: analysis.language,
      device: deviceJson(device),
      generatedAt: reportDate(deps.now ?? (() => new Date())),
      adapter,
      calibration: profile ? { adapter: adapterLabel(profile.adapter), measuredAt: profile.measuredAt } : null,
      lets: [...args.lets].map(([name, value]) => ({ name, value })),
      // CUDA takes the --define values as given (WGSL's `// @define` lines win over them).
      defines: analysis.language === "wgsl" ? [...analysis.source.variant.defines] : [...args.defines],
      // The compiler of the file's language checked it: Tint for WGSL, nvcc for CUDA (its compile gave the resources).
      compilerChecked: cuda || analysis.language === "triton" ? resources!.exact : analysis.tintAvailable && tint !== undefined,
      ...(resources ? { resources } : {}),
      version: deps.version,
    },
    roofline: {
      ...roofline,
      // The report has no device picker: the one device charted is all the page needs.
      devices: [{ id: device.id, name: device.name, vendor: device.vendor }],
      kernels: roofline.kernels.map((k) => ({ ...k, measured: points.get(k.name) ?? null })),
      measuredCeilings,
      measuredOn,
    },
    kernels,
    findings,
    runs,
  };

  const html = renderReportHtml(assets.template, { title: `KernelLens report: ${shownFile}`, script: assets.script, style: assets.style, data });
  try {
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, html, "utf8");
  } catch (e) {
    err(`kernellens: cannot write '${args.output ?? DEFAULT_REPORT_FILE}': ${(e as Error).message}\n`);
    return 2;
  }
  const kib = (Buffer.byteLength(html, "utf8") / 1024).toFixed(0);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  // The model's device and the runs' adapter are named apart: the runs were not made on a device they were not measured on.
  const whatIf = measuredOn && device.id !== measuredOn.deviceId ? ` (a what-if: the runs were measured on ${measuredOn.adapter})` : "";
  const measuredBy = measuredOn ? ` measured on ${measuredOn.adapter}` : "";
  // CUDA: no runs (KernelLens does not run CUDA), but where the resources came from.
  const third = resources ? `registers and shared memory ${resources.exact ? `exact (${cuda ? "nvcc" : "Triton"})` : "estimated"}` : `${plural(runs.length, "latest run")}${measuredBy}`;
  out(`kernellens: wrote ${displayPath(output, cwd)} (${kib} KiB): ${plural(kernels.length, "kernel")}, ${plural(findings.length, "finding")}, ${third}; modelled on ${device.name}${whatIf}\n`);
  if (cuda && kernels.length === 0) err(`kernellens: '${args.files[0]}' has no __global__ kernel: the report has no roofline points and no analysis rows\n`);
  if (analysis.language === "triton" && kernels.length === 0) err(`kernellens: '${args.files[0]}' has no @triton.jit kernel${analysis.source.importsTriton ? "" : " (it does not import triton)"}: the report has no roofline points and no analysis rows\n`);
  return 0;
}
