// What nvcc is asked to do, as pure functions: the target for a device, the device-side flags a project's
// compile_commands.json gives a file, and the argument list of the resources compile.
//
// A project's own compile line builds objects for its own targets; KernelLens needs one cubin for the selected device
// with ptxas's report. So only the flags that change what the device code *means* are kept (include paths, macros,
// the language standard, front-end switches such as `--expt-relaxed-constexpr`, fast-math options that change
// registers); outputs, targets, dependency files, host-compiler and linker options are dropped, and said so.
import { isAbsolute, join } from "node:path";

// ---- Targets ----------------------------------------------------------------------------------------------------------

/** Real architectures nvcc 13.0 accepts (`nvcc --list-gpu-code`), used when the installed nvcc cannot be asked. */
export const NVCC13_ARCHS: readonly string[] = ["sm_75", "sm_80", "sm_86", "sm_87", "sm_88", "sm_89", "sm_90", "sm_100", "sm_103", "sm_110", "sm_120", "sm_121"];

export type ArchChoice = { readonly arch: string; readonly note: string | null } | { readonly error: string };

const FAMILIES: readonly (readonly [number, number, string])[] = [
  [30, 39, "Kepler"],
  [50, 59, "Maxwell"],
  [60, 69, "Pascal"],
  [70, 72, "Volta"],
  [75, 75, "Turing"],
  [80, 87, "Ampere"],
  [88, 88, "Ampere"],
  [89, 89, "Ada"],
  [90, 90, "Hopper"],
  [100, 121, "Blackwell"],
];

function family(n: number): string | null {
  return FAMILIES.find(([lo, hi]) => n >= lo && n <= hi)?.[2] ?? null;
}

/** `8.6`, `86`, `sm_86` or `compute_86` as the number 86; `null` when it is none of those. */
export function archNumber(text: string): number | null {
  const s = typeof text === "string" ? text.trim() : "";
  let m = /^(\d{1,2})\.(\d)$/.exec(s);
  if (m) return Number(m[1]) * 10 + Number(m[2]);
  m = /^(?:sm_|compute_)?(\d{2,3})$/.exec(s);
  return m ? Number(m[1]) : null;
}

/**
 * The `sm_XX` to compile for on a device of `computeCapability` (`"8.6"` -> `sm_86`), among the real architectures
 * the installed nvcc accepts. A device older than every target (Volta, 7.0, under nvcc 13) compiles for the oldest
 * one, and a device nvcc does not know for the newest one below it; both say so in `note`, because registers and
 * spills differ between targets.
 */
export function chooseCudaArch(computeCapability: string, supported: readonly string[] = NVCC13_ARCHS, nvccVersion?: string | null): ArchChoice {
  const n = archNumber(computeCapability);
  if (n === null) return { error: `'${String(computeCapability)}' is not a compute capability (expected a form like 8.6 or sm_86)` };
  const targets = [...new Set(supported.map(archNumber).filter((x): x is number => x !== null))].sort((a, b) => a - b);
  const list = targets.length > 0 ? targets : NVCC13_ARCHS.map((a) => archNumber(a)!);
  const nvcc = nvccVersion ? `nvcc ${nvccVersion}` : "this nvcc";
  const cc = `${Math.floor(n / 10)}.${n % 10}`;
  const named = (x: number): string => `sm_${x}${family(x) ? ` (${family(x)})` : ""}`;
  if (list.includes(n)) return { arch: `sm_${n}`, note: null };
  const oldest = list[0]!;
  if (n < oldest) {
    return {
      arch: `sm_${oldest}`,
      note: `compute capability ${cc}${family(n) ? ` (${family(n)})` : ""} is older than every target of ${nvcc}: compiled for ${named(oldest)} instead, so registers, spills and shared memory are an approximation of the device's`,
    };
  }
  const below = list.filter((x) => x < n);
  const chosen = below[below.length - 1]!;
  return {
    arch: `sm_${chosen}`,
    note: `${nvcc} has no sm_${n} target: compiled for ${named(chosen)}, the newest target below compute capability ${cc}, so registers and spills may differ on the device`,
  };
}

// ---- compile_commands.json ------------------------------------------------------------------------------------------

export interface CompileCommand {
  readonly directory: string;
  readonly file: string;
  /** The argument list: `arguments` as given, or `command` split as a shell would. */
  readonly arguments: readonly string[];
}

/**
 * Splits a `command` string the way compile_commands.json writes it: blanks separate arguments, `"..."` and `'...'`
 * quote, a backslash escapes the next character (inside double quotes only `"` and `\`).
 */
export function splitCommandLine(command: string): string[] {
  const out: string[] = [];
  const s = typeof command === "string" ? command : "";
  let cur = "";
  let inArg = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && (s[i + 1] === '"' || s[i + 1] === "\\")) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inArg) out.push(cur);
      cur = "";
      inArg = false;
      continue;
    }
    inArg = true;
    if (c === '"' || c === "'") quote = c;
    else if (c === "\\" && i + 1 < s.length) cur += s[++i];
    else cur += c;
  }
  if (inArg) out.push(cur);
  return out;
}

/** The entries of a compile_commands.json text; malformed entries are skipped, a malformed file gives an error. */
export function parseCompileCommands(text: string): { readonly entries: CompileCommand[] } | { readonly error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { error: `compile_commands.json is not valid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(data)) return { error: "compile_commands.json is not a JSON array" };
  const entries: CompileCommand[] = [];
  for (const e of data as unknown[]) {
    if (typeof e !== "object" || e === null) continue;
    const { directory, file, arguments: args, command } = e as Record<string, unknown>;
    if (typeof directory !== "string" || typeof file !== "string") continue;
    let list: string[] | null = null;
    if (Array.isArray(args) && args.every((a) => typeof a === "string")) list = args as string[];
    else if (typeof command === "string") list = splitCommandLine(command);
    if (list) entries.push({ directory, file, arguments: list });
  }
  return { entries };
}

function normalise(p: string): string {
  return p.replace(/\\/g, "/").replace(/\/+/g, "/").replace(/\/\.\//g, "/").replace(/\/$/, "");
}

function absoluteIn(directory: string, p: string): string {
  return isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p) ? p : join(directory, p);
}

/**
 * The entry for `file` (an absolute path): the exact one, else, for a file the database does not list (a header, a
 * new file), the CUDA entry that shares the longest leading folder path with it, marked `inferred`.
 */
export function findCompileCommand(entries: readonly CompileCommand[], file: string): { readonly entry: CompileCommand; readonly inferred: boolean } | null {
  const target = normalise(file);
  const absolute = (e: CompileCommand): string => normalise(absoluteIn(e.directory, e.file));
  const exact = entries.find((e) => absolute(e) === target);
  if (exact) return { entry: exact, inferred: false };
  const dirOf = (p: string): string[] => p.split("/").slice(0, -1);
  const want = dirOf(target);
  let best: CompileCommand | null = null;
  let bestShared = -1;
  for (const e of entries) {
    if (!/\.cu$/i.test(e.file)) continue;
    const have = dirOf(absolute(e));
    let shared = 0;
    while (shared < want.length && shared < have.length && want[shared] === have[shared]) shared++;
    if (shared > bestShared) {
      best = e;
      bestShared = shared;
    }
  }
  return best ? { entry: best, inferred: true } : null;
}

// ---- Device flags -----------------------------------------------------------------------------------------------------

/** Options kept, each with whether its value may come as the next argument; spellings nvcc accepts. */
const KEEP_WITH_VALUE = new Set([
  "-I",
  "--include-path",
  "-isystem",
  "--system-include",
  "-D",
  "--define-macro",
  "-U",
  "--undefine-macro",
  "-std",
  "--std",
  "-include",
  "--pre-include",
  "-maxrregcount",
  "--maxrregcount",
  "-rdc",
  "--relocatable-device-code",
  "-ftz",
  "--ftz",
  "-prec-div",
  "--prec-div",
  "-prec-sqrt",
  "--prec-sqrt",
  "-fmad",
  "--fmad",
  "-Xcudafe",
  "--cudafe-options",
  "-diag-suppress",
  "--diag-suppress",
  "-diag-warn",
  "--diag-warn",
  "-diag-error",
  "--diag-error",
  "-ccbin",
  "--compiler-bindir",
  "-optf",
  "--options-file",
]);

/** Options kept whose value is a path, made absolute against the entry's directory (nvcc runs elsewhere). */
const PATH_VALUED = new Set(["-I", "--include-path", "-isystem", "--system-include", "-include", "--pre-include", "-optf", "--options-file"]);

const KEEP_SWITCHES = new Set([
  "--expt-relaxed-constexpr",
  "-expt-relaxed-constexpr",
  "--expt-extended-lambda",
  "-expt-extended-lambda",
  "--extended-lambda",
  "-extended-lambda",
  "--use_fast_math",
  "-use_fast_math",
  "-w",
  "--disable-warnings",
]);

/** Dropped options that take the next argument as their value (so that value is dropped with them). */
const DROP_WITH_VALUE = new Set([
  "-o",
  "--output-file",
  "-x",
  "--x",
  "-gencode",
  "--generate-code",
  "-arch",
  "--gpu-architecture",
  "-code",
  "--gpu-code",
  "-MF",
  "-MT",
  "-MQ",
  "--dependency-output",
  "--dependency-target-name",
  "-Xcompiler",
  "--compiler-options",
  "-Xlinker",
  "--linker-options",
  "-Xnvlink",
  "--nvlink-options",
  "-Xarchive",
  "--archive-options",
  "-Xptxas",
  "--ptxas-options",
  "-Xfatbin",
  "--fatbin-options",
  "-odir",
  "--output-directory",
  "-l",
  "--library",
  "-L",
  "--library-path",
  "-t",
  "--threads",
  "-ldir",
  "--libdevice-directory",
  "-cudart",
  "--cudart",
  "-cudadevrt",
  "--cudadevrt",
  "--keep-dir",
  "-keep-dir",
  "-split-compile",
  "--split-compile",
  "-time",
  "--time",
  "-default-stream",
  "--default-stream",
  "-target-dir",
  "--target-directory",
]);

export interface DeviceFlags {
  /** Flags to pass to nvcc, in their original order, paths made absolute. */
  readonly flags: string[];
  /** Options left out (outputs, targets, dependency files, host/linker options, unknown ones), for the user to see. */
  readonly dropped: string[];
}

/**
 * Keeps from a compile line the flags that shape the device code: include paths, macros, `-std`, front-end switches
 * and code-generation options (`--use_fast_math`, `-maxrregcount`, `-rdc`); drops `-o`, `-c`, `-gencode`/`-arch`/
 * `--generate-code`, dependency outputs, host-compiler and linker options, positional arguments (the compiler, the
 * source file) and anything unknown. Relative paths are made absolute against `directory` when one is given.
 */
export function deviceFlags(args: readonly string[], options: { readonly directory?: string } = {}): DeviceFlags {
  const flags: string[] = [];
  const dropped: string[] = [];
  const list = Array.isArray(args) ? args.filter((a): a is string => typeof a === "string") : [];
  const fixPath = (p: string): string => (options.directory && p !== "" ? absoluteIn(options.directory, p) : p);
  for (let i = 0; i < list.length; i++) {
    const arg = list[i]!;
    if (!arg.startsWith("-") || arg === "-") continue; // the compiler, the source file, a value already consumed
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (KEEP_SWITCHES.has(arg)) {
      flags.push(arg);
      continue;
    }
    if (KEEP_WITH_VALUE.has(name)) {
      if (eq > 0) {
        const value = arg.slice(eq + 1);
        flags.push(`${name}=${PATH_VALUED.has(name) ? fixPath(value) : value}`);
      } else if (i + 1 < list.length) {
        const value = list[++i]!;
        flags.push(name, PATH_VALUED.has(name) ? fixPath(value) : value);
      } else dropped.push(arg);
      continue;
    }
    // Joined short forms: -I/path, -DNAME=1, -UNAME, -isystem/path.
    const joined = /^(-I|-D|-U|-isystem)(.+)$/.exec(arg);
    if (joined && !KEEP_WITH_VALUE.has(arg) && !DROP_WITH_VALUE.has(arg)) {
      const [, opt, value] = joined;
      if (opt === "-isystem") flags.push("-isystem", fixPath(value!));
      else flags.push(`${opt}${opt === "-I" ? fixPath(value!) : value}`);
      continue;
    }
    if (DROP_WITH_VALUE.has(name)) {
      if (eq < 0 && i + 1 < list.length) dropped.push(`${arg} ${list[++i]}`);
      else dropped.push(arg);
      continue;
    }
    dropped.push(arg);
  }
  return { flags, dropped };
}

// ---- The compile itself --------------------------------------------------------------------------------------------

export interface ResourceCompile {
  readonly arch: string;
  /** Folders searched first for `#include "..."`: the folder of the file as the user has it (it compiles elsewhere). */
  readonly quoteDirs: readonly string[];
  /** Device flags (from `deviceFlags` or the caller), then extra include paths. */
  readonly flags: readonly string[];
  readonly includePaths: readonly string[];
  readonly input: string;
  readonly output: string;
  readonly depFile: string;
}

/**
 * The argument list of the resources compile: `nvcc -I<file's folder> FLAGS -I<paths> -arch=sm_XX -cubin -lineinfo
 * -Xptxas -v` with a dependency file (to know which headers a cached answer depends on), one input, one output.
 */
export function nvccArguments(c: ResourceCompile): string[] {
  return [
    ...c.quoteDirs.flatMap((d) => ["-I", d]),
    ...c.flags,
    ...c.includePaths.flatMap((p) => ["-I", p]),
    `-arch=${c.arch}`,
    "-cubin",
    "-lineinfo",
    "-Xptxas",
    "-v",
    "--generate-nonsystem-dependencies-with-compile",
    "--dependency-output",
    c.depFile,
    "-o",
    c.output,
    c.input,
  ];
}

/** The prerequisites of a make-style dependency file (`out : a.cu \` / `  b.h`), escaped blanks restored. */
export function parseDepFile(text: string): string[] {
  const s = typeof text === "string" ? text.replace(/\\\r?\n/g, " ") : "";
  const out: string[] = [];
  for (const rule of s.split(/\r?\n/)) {
    const colon = rule.search(/:(\s|$)/);
    if (colon < 0) continue;
    const deps = rule.slice(colon + 1);
    let cur = "";
    for (let i = 0; i < deps.length; i++) {
      const c = deps[i]!;
      if (c === "\\" && deps[i + 1] === " ") {
        cur += " ";
        i++;
      } else if (c === " " || c === "\t") {
        if (cur) out.push(cur);
        cur = "";
      } else cur += c;
    }
    if (cur) out.push(cur);
  }
  return [...new Set(out)];
}
