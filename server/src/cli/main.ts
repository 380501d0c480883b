// The `kernellens` command line: static analysis for CI, kernel runs on the local GPU, calibration, HTML reports, the device database.
import { formatMs } from "../core/format";
import { isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isCudaFile, isPythonFile } from "../kernelLanguage";
import type { IncludeResolution } from "../core/preprocess/preprocess";
import { INCLUDE_OUTSIDE_CODE, includeResolver } from "../run/includeResolver";
import { cliFileAccess } from "../run/fileAccess";
import type { AnalyzeFileJson } from "./analyzeJson";
import { analyzeInput, loadTintFor } from "./analyzeInput";
import { type CliArgs, parseArgs, usage, UsageError } from "./args";
import { didYouMean } from "./closest";
import { toSarif } from "./sarif";
import { QUANT_FORMATS } from "../core/quant/formats";
import { doctor, formatDoctor } from "./doctor";
import { DEFAULT_DEVICE_ID, devicesJson, listDevices, lookupDevice } from "../core/devices/database";
import type { DeviceSpec } from "../core/devices/device";
import { loadProfile, measuredDevices, profileToDevice } from "../run/profiles";
import { runCommand } from "./runCommand";
import { calibrateCommand } from "./calibrateCommand";
import { reportCommand } from "./reportCommand";
import { sweepCommand } from "./sweepCommand";
import { checkInputFile, readInputFile } from "./inputFile";

const VERSION = "0.1.0";

/**
 * Includes for the command line: `--include DIR` folders are relative to the current folder; files outside the
 * current folder, the files' folders and the include folders only with `--allow-outside`.
 */
function cliIncludeResolver(args: CliArgs): (mainFile: string, includePaths: readonly string[]) => (path: string, fromKey: string) => IncludeResolution {
  return (mainFile, includePaths) =>
    includeResolver(
      resolve(mainFile),
      includePaths.map((p) => resolve(p)),
      { hint: "; add a folder with --include DIR", access: cliFileAccess(process.cwd(), args.files, includePaths, args.allowOutside) },
    );
}

function formatHuman(results: readonly AnalyzeFileJson[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) {
      lines.push(`${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} [${d.code}] ${d.message}`);
    }
    for (const k of r.kernels) {
      // Each kernel's (each Triton configuration's) verdict on one line, where its definition is: the numbers a user
      // runs analyze for, marked as the model's; --json has the rest.
      lines.push(`${r.file}:${k.range.start.line + 1}:${k.range.start.character + 1}: ${k.name}: ${kernelLine(k, r.language)}`);
      if (k.sass) lines.push(`${r.file}:${k.range.start.line + 1}:${k.range.start.character + 1}: ${k.name}: ${k.sass.instructions} SASS instructions (${k.sass.arch}, exact, from the cubin)`);
    }
  }
  const errors = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === "error").length, 0);
  const warnings = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === "warning").length, 0);
  const device = results[0]?.device.name;
  lines.push(`${results.length} file(s): ${errors} error(s), ${warnings} warning(s)${device && results.some((r) => r.kernels.length > 0) ? `; times modelled for ${device}` : ""}`);
  return lines.join("\n");
}

/** `≈ 0.41 ms (modelled) · compute-bound · occupancy 50% (estimated) · 48 kB shared memory (estimated)` */
function kernelLine(k: AnalyzeFileJson["kernels"][number], language: AnalyzeFileJson["language"]): string {
  const parts = [k.roofline.predictedMs === null ? "no estimate" : `≈ ${formatMs(k.roofline.predictedMs, "compact")} (modelled)`];
  if (k.roofline.bound !== "unknown") parts.push(`${k.roofline.bound === "workgroup-memory" ? (language === "wgsl" ? "workgroup-memory" : "shared-memory") : k.roofline.bound}-bound`);
  const how = k.resources.exact ? "exact" : "estimated";
  if (k.occupancy) parts.push(`occupancy ${Math.round(k.occupancy.value * 100)}% (${how})`);
  const shared = k.resources.sharedMemoryBytes;
  // Triton always stages through shared memory, so its size is always worth a word; elsewhere only when used.
  if (shared !== null && (language === "triton" || shared > 0)) parts.push(`${shared} B ${language === "wgsl" ? "workgroup" : "shared"} memory (${how})`);
  if (k.assumedFields.length > 0) parts.push(`assumed ${k.assumptions.filter((a) => a.source === "assumed").map((a) => a.name).join(", ")}`);
  return parts.join(" · ");
}

/** Saved calibration profiles as devices; unreadable profile folders count as none. */
function measured(): DeviceSpec[] {
  try {
    return measuredDevices();
  } catch {
    return [];
  }
}

/**
 * The target device of `--device` (or the default); a bad id is a usage error listing the candidates. Measured
 * profiles (`kernellens calibrate`) take part in the lookup, and `--device measured` names the newest of them.
 */
function pickDevice(id: string | undefined): DeviceSpec {
  const profiles = measured();
  if (id !== undefined && id.trim().toLowerCase() === "measured") {
    if (profiles.length > 0) return profiles[0];
    throw new UsageError("no measured profile yet: run 'kernellens calibrate' first (profiles live in KERNELLENS_PROFILE_DIR or ~/.cache/kernellens/profiles)");
  }
  const found = lookupDevice(id ?? DEFAULT_DEVICE_ID, profiles);
  if (found.device) return found.device;
  const candidates = found.candidates.length > 0 ? found.candidates.map((d) => d.id) : listDevices(profiles).map((d) => d.id);
  throw new UsageError(`unknown device '${id}'${found.match === "ambiguous" ? " (ambiguous)" : ""}; one of: ${candidates.join(", ")}`);
}

function devices(args: CliArgs): number {
  const list = listDevices(measured());
  if (args.json) {
    process.stdout.write(JSON.stringify(devicesJson(list)) + "\n");
    return 0;
  }
  const tf = (x: number): string => (x / 1e12).toFixed(1);
  // Columns as wide as their longest entry: a measured device's id and name are longer than the datasheet's.
  const idWidth = Math.max(28, ...list.map((d) => d.id.length));
  const nameWidth = Math.max(36, ...list.map((d) => d.name.length));
  const lines = list.map((d) => `${d.id.padEnd(idWidth)} ${d.name.padEnd(nameWidth)} ${String(d.smCount).padStart(4)} SM  ${tf(d.peakFlops.f32).padStart(6)} TFLOP/s f32  ${(d.dramBandwidthBytesPerSec / 1e9).toFixed(0).padStart(5)} GB/s  L2 ${(d.l2Bytes / 2 ** 20).toFixed(0)} MiB`);
  process.stdout.write(`${lines.join("\n")}\n${list.length} devices; the default is ${DEFAULT_DEVICE_ID}. Sources: kernellens devices --json\n`);
  return 0;
}

function formats(args: CliArgs): number {
  if (args.json) {
    process.stdout.write(JSON.stringify(QUANT_FORMATS) + "\n");
    return 0;
  }
  const lines = QUANT_FORMATS.map((f) => `${f.id.padEnd(8)} ${f.family.padEnd(12)} ${String(f.bitsPerElement).padStart(6)} bits, ${String(f.bitsWithScale).padStart(7)} with scales  ${f.name}`);
  process.stdout.write(`${lines.join("\n")}\n${QUANT_FORMATS.length} formats. Details and sources: kernellens formats --json\n`);
  return 0;
}

/**
 * `run` and `sweep` read WGSL only: KernelLens runs kernels through Dawn (WebGPU), which cannot run CUDA. A CUDA file
 * is refused with exit 2 (bad input) and what to use instead (`report` reads CUDA: it shows the static model).
 */
function refuseCuda(args: CliArgs): number | undefined {
  const python = args.files.find((f) => isPythonFile(f));
  if (python !== undefined) {
    process.stderr.write(`kernellens: ${args.command} '${python}': Triton kernels cannot be run by KernelLens (it runs WGSL compute shaders through WebGPU); 'kernellens analyze ${python}' or 'kernellens report ${python}' gives the static cost model of each configuration\n`);
    return 2;
  }
  const cuda = args.files.find((f) => isCudaFile(f));
  if (cuda === undefined) return undefined;
  process.stderr.write(`kernellens: ${args.command} '${cuda}': CUDA kernels cannot be run by KernelLens (it runs WGSL compute shaders through WebGPU); 'kernellens analyze ${cuda}' or 'kernellens report ${cuda}' gives the static cost model\n`);
  return 2;
}

async function analyze(args: CliArgs): Promise<number> {
  if (args.files.length === 0) throw new UsageError("analyze needs at least one FILE");
  for (const f of args.files) {
    checkInputFile(f);
  }
  const tint = await loadTintFor(args.files, args.noTint, (s) => void process.stderr.write(s));
  const device = pickDevice(args.device);
  const results: AnalyzeFileJson[] = [];
  for (const file of args.files) {
    const text = readInputFile(file);
    results.push((await analyzeInput(file, file, text, args, device, cliIncludeResolver(args)(file, args.includePaths), tint)).json);
  }
  if (args.json) process.stdout.write(results.map((r) => JSON.stringify(r)).join("\n") + "\n");
  else if (args.sarif) {
    const uri = (f: string): string => {
      const rel = relative(process.cwd(), resolve(f));
      return rel.startsWith("..") || isAbsolute(rel) ? pathToFileURL(resolve(f)).href : rel.split("\\").join("/");
    };
    process.stdout.write(JSON.stringify(toSarif(results, VERSION, uri), null, 2) + "\n");
  } else process.stdout.write(formatHuman(results) + "\n");
  // A file outside the workspace refused (without --allow-outside) is input that could not be read: exit 2, like usage.
  if (results.some((r) => r.diagnostics.some((d) => d.code === INCLUDE_OUTSIDE_CODE))) return 2;
  return results.some((r) => r.diagnostics.some((d) => d.severity === "error")) ? 1 : 0;
}

/** The commands `main` answers, for suggestions. */
const COMMANDS = ["analyze", "devices", "formats", "run", "calibrate", "report", "sweep", "doctor"];

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.help || !args.command) {
      process.stdout.write(usage);
      return args.help ? 0 : 2;
    }
    switch (args.command) {
      case "analyze":
        return await analyze(args);
      case "devices":
        return devices(args);
      case "formats":
        return formats(args);
      case "run":
        return refuseCuda(args) ?? await runCommand(args, { device: args.device !== undefined ? pickDevice(args.device) : undefined });
      case "calibrate":
        return await calibrateCommand(args);
      case "report":
        return await reportCommand(args, { device: pickDevice(args.device), measured: measured(), includeResolver: cliIncludeResolver(args), version: VERSION });
      case "sweep":
        return refuseCuda(args) ?? await sweepCommand(args, pickDevice(args.device), {
          deviceFixed: args.device !== undefined,
          deviceForAdapter: (adapter) => {
            const profile = loadProfile(adapter.key);
            return profile ? profileToDevice(profile) : undefined;
          },
        });
      case "doctor": {
        const report = await doctor();
        process.stdout.write(args.json ? JSON.stringify(report) + "\n" : formatDoctor(report) + "\n");
        return report.tint.available && report.adapter.available ? 0 : 3;
      }
      default:
        throw new UsageError(`unknown command '${args.command}'${didYouMean(args.command, COMMANDS)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      // One line and where to look, as eslint and cargo answer a mistake; the whole help only when asked for.
      process.stderr.write(`kernellens: ${err.message}\nRun 'kernellens --help' for the commands and options.\n`);
      return 2;
    }
    process.stderr.write(`kernellens: internal error: ${(err as Error).stack ?? err}\n`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    // Dawn keeps handles open; flush and leave explicitly.
    process.stdout.write("", () => process.exit(code));
  });
}
