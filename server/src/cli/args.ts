// Parses the `kernellens` command line into a typed request, with errors a person can act on.
import { didYouMean } from "./closest";

export interface CliArgs {
  readonly command: string;
  readonly files: readonly string[];
  readonly json: boolean;
  readonly sarif: boolean;
  readonly device: string | undefined;
  /** `--let K=V` and `--override K=V`: values that win over the file's directives. */
  readonly lets: ReadonlyMap<string, number>;
  readonly defines: readonly string[];
  readonly includePaths: readonly string[];
  readonly noTint: boolean;
  /** `analyze`/`report --no-nvcc`: keep the estimated registers and shared memory of CUDA files (nvcc is not run). */
  readonly noNvcc: boolean;
  readonly help: boolean;
  /** `run`: the entry point to run (default: every compute entry point with a launch). */
  readonly entry: string | undefined;
  readonly repeat: number | undefined;
  readonly warmup: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly seed: number | undefined;
  /** `run --rotate N`: input copies rotated between timed runs. */
  readonly rotate: number | undefined;
  /** `run --no-history`: do not append to .kernellens/history.jsonl. */
  readonly noHistory: boolean;
  /** `report -o FILE` / `--output FILE`: where the HTML goes (default kernellens-report.html). */
  readonly output: string | undefined;
  /** `sweep --budget N`: distinct feasible points the model-guided search may time (0: predict only). */
  readonly budget: number | undefined;
  /** `sweep --exhaustive`: time every feasible point. */
  readonly exhaustive: boolean;
  /** `sweep --no-cache`: measure every point afresh and store nothing. */
  readonly noCache: boolean;
  /** `sweep --clear-cache`: empty the sweep cache first (alone, without FILE: only that). */
  readonly clearCache: boolean;
  /**
   * `--allow-outside`: `#include`s and `file("...")` inputs may be read outside the workspace (the current folder, the
   * folders of the files given and the `--include` folders).
   */
  readonly allowOutside: boolean;
  /** `run --bounds-check` / `--no-bounds-check`: checked mode (undefined: the command's default, on for run). */
  readonly boundsCheck: boolean | undefined;
  /** `--assume-size N`: elements of the problem assumed where a file states no size (analyze, report). */
  readonly assumeSize: number | undefined;
}

export class UsageError extends Error {}

/** Every option the help text names (the one list of them, so a suggestion never names one that does not exist). */
function knownOptions(): string[] {
  return [...new Set([...usage.matchAll(/(?<![\w-])(--?[a-zA-Z][\w-]*)/g)].map((m) => m[1]))];
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const files: string[] = [];
  const lets = new Map<string, number>();
  const defines: string[] = [];
  const includePaths: string[] = [];
  let json = false;
  let sarif = false;
  let device: string | undefined;
  let noTint = false;
  let noNvcc = false;
  let help = false;
  let command = "";
  let entry: string | undefined;
  let repeat: number | undefined;
  let warmup: number | undefined;
  let timeoutMs: number | undefined;
  let seed: number | undefined;
  let rotate: number | undefined;
  let noHistory = false;
  let output: string | undefined;
  let budget: number | undefined;
  let exhaustive = false;
  let noCache = false;
  let clearCache = false;
  let allowOutside = false;
  let boundsCheck: boolean | undefined;
  let assumeSize: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const eq = a.indexOf("=");
      if (a.startsWith("--") && eq > 0 && !["--let", "--override"].includes(a.slice(0, eq))) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    /** A whole number of at least `min` (flags such as --repeat 10 or --repeat=10). */
    const count = (flag: string, min: number): number => {
      const raw = value();
      const n = Number(raw);
      if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} needs a whole number of at least ${min}, got '${raw}'`);
      return n;
    };
    const is = (flag: string): boolean => a === flag || a.startsWith(`${flag}=`);
    if (a === "--json") json = true;
    else if (a === "--no-history") noHistory = true;
    else if (is("--entry")) entry = value();
    else if (is("--repeat")) repeat = count("--repeat", 1);
    else if (is("--warmup")) warmup = count("--warmup", 0);
    else if (is("--timeout-ms")) timeoutMs = count("--timeout-ms", 1);
    else if (is("--seed")) seed = count("--seed", 0);
    else if (is("--rotate")) rotate = count("--rotate", 1);
    else if (is("--budget")) budget = count("--budget", 0);
    else if (is("--assume-size")) assumeSize = count("--assume-size", 1);
    else if (a === "--exhaustive") exhaustive = true;
    else if (a === "--no-cache") noCache = true;
    else if (a === "--clear-cache") clearCache = true;
    else if (a === "--allow-outside") allowOutside = true;
    else if (a === "--bounds-check") boundsCheck = true;
    else if (a === "--no-bounds-check") boundsCheck = false;
    else if (a === "--sarif") sarif = true;
    else if (a === "--no-tint") noTint = true;
    else if (a === "--no-nvcc") noNvcc = true;
    else if (a === "-h" || a === "--help") help = true;
    else if (a === "--device" || a.startsWith("--device=")) device = value();
    else if (a === "-o" || is("--output")) output = value();
    else if (a === "--define" || a.startsWith("--define=") || a === "-D") defines.push(value());
    else if (a === "--include" || a.startsWith("--include=") || a === "-I") includePaths.push(value());
    else if (a === "--let" || a === "--override") {
      const kv = argv[++i];
      const m = kv ? /^([A-Za-z_]\w*)=(.+)$/.exec(kv) : null;
      const n = m ? Number(m[2]) : NaN;
      if (!m || !Number.isFinite(n)) throw new UsageError(`${a} needs NAME=NUMBER, got '${kv ?? ""}'`);
      lets.set(m[1], n);
    } else if (a.startsWith("-")) throw new UsageError(`unknown option '${a}'${didYouMean(a.replace(/=.*$/, ""), knownOptions())}`);
    else if (!command) command = a;
    else files.push(a);
  }
  if (json && sarif) throw new UsageError("choose one of --json and --sarif");
  if (exhaustive && budget !== undefined) throw new UsageError("choose one of --budget N and --exhaustive");
  return { command, files, json, sarif, device, lets, defines, includePaths, noTint, noNvcc, help, entry, repeat, warmup, timeoutMs, seed, rotate, noHistory, output, budget, exhaustive, noCache, clearCache, allowOutside, boundsCheck, assumeSize };
}

export const usage = `kernellens: GPU kernel analysis from the command line

Usage:
  kernellens analyze FILE... [--json | --sarif] [--device ID] [--let NAME=VALUE]... [--assume-size N] [--define NAME[=V]]... [--include DIR]... [--allow-outside] [--no-nvcc]
  kernellens run FILE [--entry NAME] [--repeat N] [--warmup N] [--timeout-ms N] [--seed N] [--rotate N] [--no-bounds-check] [--no-history] [--allow-outside] [--json]
  kernellens report FILE [-o FILE] [--device ID] [--let NAME=VALUE]... [--assume-size N] [--define NAME[=V]]... [--include DIR]... [--allow-outside] [--no-nvcc]
  kernellens sweep FILE [--entry NAME] [--budget N | --exhaustive] [--no-cache] [--device ID] [--let NAME=VALUE]... [--define NAME[=V]]... [--include DIR]... [--allow-outside] [--json]
  kernellens sweep --clear-cache
  kernellens calibrate [--json]
  kernellens devices [--json]
  kernellens formats [--json]
  kernellens doctor [--json]

Commands:
  analyze   WGSL diagnostics (Tint and KernelLens) and the kernels of each file; .cu/.cuh files are read as CUDA
            (no compiler needed: launches from host code, // @block/@grid/@smem/@arg/@template lines);
            run and sweep take WGSL only and refuse a CUDA file (exit 2); report reads both
            --json   one JSON object per file, one per line (see README: "CLI contract")
            --sarif  a SARIF 2.1.0 log for code-scanning tools
            --no-tint  skip the WGSL compiler (KernelLens's own parser only)
            --no-nvcc  keep the estimated registers and shared memory of CUDA files: by default, where nvcc is
            installed, each .cu file is compiled for the device (-Xptxas -v) and its kernels' resources are exact
            --device ID  the GPU to model (kernellens devices lists them); --let NAME=VALUE sets a size
            --assume-size N  elements of the problem assumed where the file states no size (default 1048576);
            what is assumed is listed per kernel ("assumptions" in --json)
  run       runs each compute entry point (or --entry NAME) on the local GPU with the inputs of its // @buffer
            lines, checks its outputs (// @check, and that every output element was written) and times it
            --repeat N  timed runs (default 5; the median is reported with min and max)  --warmup N  untimed runs
            (default 2)  --timeout-ms N  deadline of each run (default 10000)  --seed N  seed of random inputs
            --rotate N  input copies rotated between timed runs  --json  one RunOutcome per entry, one per line
            --device ID  the model's device for the predicted time (default: this adapter's calibration profile)
            --no-bounds-check  skip the checked run: by default the kernel runs once more, untimed, with every
            storage and workgroup array index checked, and an out-of-bounds access fails the run (exit 1)
            Runs are appended to .kernellens/history.jsonl in the current folder unless --no-history.
            JavaScript references (// @check OUT ~ js("./ref.mjs")) are executed: run only files you trust.
  report    writes one self-contained HTML page (no network needed to open it) with the file's roofline chart,
            its analysis table, findings and the latest runs of each entry point (from .kernellens/history.jsonl
            in the current folder and the file's folder), with the newest calibration profile's roofs dashed;
            a .cu/.cuh file gets the same page for each launched kernel and template instantiation (named as
            analyze names them), with nvcc's exact registers and shared memory where nvcc is installed, and no
            runs (KernelLens does not run CUDA)
            -o, --output FILE  the page to write (default kernellens-report.html)  --device ID  the GPU to model
            --let NAME=VALUE  a size that wins over the file's directives  --no-tint  skip the WGSL compiler
            --no-nvcc  keep the estimated registers and shared memory of a CUDA file (as for analyze)
  sweep     the design space of the entry point's // @sweep lines: every point checked against // @require and
            the device's limits and predicted by the cost model; then a model-guided search runs the promising
            points on the local GPU, checked (a variant that computes a wrong answer is infeasible) and timed,
            refitting the model's corrections for this adapter as it goes and stopping when the best measured
            point is unlikely to be beaten; the finalists are re-measured (successive halving)
            --budget N  distinct points to time at most (default a quarter of the feasible ones, at least 4;
            0 predicts only)  --exhaustive  time every feasible point
            Measurements are cached (KERNELLENS_SWEEP_CACHE_DIR or ~/.cache/kernellens/sweep) by variant,
            launch and adapter: --no-cache measures afresh, --clear-cache empties the cache
            --repeat N, --warmup N, --timeout-ms N  as for run  --json  the sweep file the Design-space panel opens
  calibrate measures this adapter's ceilings (bandwidth, FMA rate, workgroup memory, dispatch overhead) and saves
            them as a profile (KERNELLENS_PROFILE_DIR or ~/.cache/kernellens/profiles); afterwards
            --device measured (or the profile's id) models this adapter
  formats   the quantization format catalogue: bits per element with and without scales, ranges, value sets, sources
  devices   the device database: every GPU the cost model knows, with the public source of each figure
  doctor    whether the WGSL compiler (Tint) and a GPU adapter are available, and what to install if not

Files a kernel names (#include "...", // @buffer x[N] = file("a.npy")) are read only inside the current folder, the
folders of the FILEs and the --include folders; --allow-outside reads them anywhere. Symbolic links are followed
before the check. An include is at most 4 MiB (16 MiB all together); a file() input at most the buffer's size plus
the .npy header.

Exit codes: 0 no errors (run: every check passed; report: written), 1 error diagnostics found (run: a check
failed or an array access went out of bounds), 2 bad usage, unreadable input or a compile error (report: also an
unwritable output or an unbuilt page), 3 no compiler or GPU adapter (doctor), a timeout or a device failure (run,
calibrate).
`;
