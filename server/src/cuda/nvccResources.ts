// Exact per-kernel resources from the CUDA compiler: compiles a .cu file's text with `nvcc -cubin -Xptxas -v` for one
// device's architecture and reads ptxas's report (registers, static shared memory, stack, spills, barriers, constant
// memory per kernel and per template instantiation), with nvcc's errors and warnings as diagnostics.
//
// This is an adapter: it finds nvcc, writes the editor's text (saved or not) to a temporary folder, runs nvcc with an
// argument list (never a shell) under a deadline that also ends on cancellation, demangles the names with one
// `c++filt` call, and caches answers by a hash of content, flags, architecture and nvcc version, checked against the
// headers the compile read. Compiling runs what the workspace's configuration names (compile_commands.json flags,
// `-ccbin`, option files), so it refuses unless the caller says the workspace is trusted. Parsing is pure and lives in
// core/cuda/ptxasReport.ts; which flags and target to use is in nvccArgs.ts.
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { columnInSource, type NvccDiagnostic, parseGpuCodeList, parseNvccVersion, parsePtxasReport, type PtxasFunction } from "../core/cuda/ptxasReport";
import type { Cancellation } from "../gpu/types";
import { readCapped, readCappedText } from "../run/readCapped";
import { chooseCudaArch, type CompileCommand, deviceFlags, findCompileCommand, NVCC13_ARCHS, nvccArguments, parseCompileCommands, parseDepFile } from "./nvccArgs";
import { runTool } from "./runTool";

// ---- Shapes -----------------------------------------------------------------------------------------------------------

/** What to compile: the editor's text (unsaved edits included) for the file at `path`, or the file as saved. */
export interface CudaSource {
  /** The file as the user has it; its folder is searched for `#include "..."`, and diagnostics name it. */
  readonly path?: string;
  /** The text to compile; absent: the file at `path` is read. */
  readonly text?: string;
  /** The name diagnostics use when there is no `path` (an untitled editor); default `untitled.cu`. */
  readonly name?: string;
}

export interface CompileResourcesOptions {
  /** The device's compute capability (`8.6`) or an architecture (`sm_86`, `86`). */
  readonly arch: string;
  /** Workspace trust: compiling runs what the workspace's configuration names, so nothing runs without it. */
  readonly trusted: boolean;
  /** Extra include folders (a setting), searched after the project's own flags; relative ones are taken from `workspaceRoot`. */
  readonly includePaths?: readonly string[];
  /** Flags to use instead of compile_commands.json's; filtered the same way (outputs and targets dropped). */
  readonly flags?: readonly string[];
  /**
   * compile_commands.json to take the file's flags from; absent: searched in the file's folder and its parents (and
   * their `build/` folders) up to `workspaceRoot`; `false`: none is used.
   */
  readonly compileCommands?: string | false;
  /** Where the search for compile_commands.json stops (a workspace folder). */
  readonly workspaceRoot?: string;
  /** Folder nvcc runs in; default: the compile_commands.json entry's `directory`, else the file's folder. */
  readonly cwd?: string;
  /** Milliseconds nvcc may run (default 60 s: a heavy templated file takes about 10 s); then it is killed. */
  readonly deadlineMs?: number;
  readonly cancel?: Cancellation;
  /** nvcc to use instead of searching PATH, CUDA_PATH, CUDA_HOME and /usr/local/cuda/bin. */
  readonly nvccPath?: string;
  /** Environment for the search and for nvcc (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Answers are cached here (default: one cache shared by the process); `null`: no caching. */
  readonly cache?: NvccResultCache | null;
  /** Return the cubin's bytes too (its `.debug_line` maps SASS to source lines). */
  readonly keepCubin?: boolean;
  /**
   * Also compile to PTX (`-ptx -lineinfo`, same flags and target, a second nvcc run within the same deadline) and
   * return its text: its `.loc` lines give the opcode mix per source line (core/cuda/ptxOpcodes.ts).
   */
  readonly keepPtx?: boolean;
}

/** One kernel (one template instantiation) as ptxas compiled it; bytes unless named otherwise, `null` if not printed. */
export interface CudaKernelResources {
  readonly mangled: string;
  /** From c++filt; the mangled name itself when it is not mangled (`extern "C"`) or no demangler was found. */
  readonly demangled: string;
  readonly registers: number | null;
  /** Static `__shared__` memory; dynamic (`extern __shared__`) shared memory comes from the launch. */
  readonly sharedMemoryBytes: number | null;
  /** The kernel's stack frame (local arrays and spills) per thread. */
  readonly stackBytes: number | null;
  /** The frame plus the frames of non-inlined functions it calls, when ptxas printed it. */
  readonly cumulativeStackBytes: number | null;
  readonly spillStoreBytes: number | null;
  readonly spillLoadBytes: number | null;
  readonly barriers: number | null;
  /** Constant memory banks the kernel uses (parameters in `cmem[0]`); `null` where ptxas prints none (sm_90+). */
  readonly constantBytes: number | null;
}

export type FlagsSource =
  | { readonly kind: "explicit" }
  | { readonly kind: "compile_commands"; readonly path: string; readonly inferred: boolean }
  | { readonly kind: "none"; readonly note?: string };

export interface NvccResources {
  readonly ok: true;
  readonly kernels: readonly CudaKernelResources[];
  /** Warnings and remarks (a successful compile has no errors), files named as the user knows them. */
  readonly diagnostics: readonly NvccDiagnostic[];
  readonly arch: string;
  /** Why the target differs from the device's own (a Volta device compiles for sm_75); `null` when it does not. */
  readonly archNote: string | null;
  readonly nvccVersion: string;
  readonly nvccPath: string;
  /** This call, cache look-up included. */
  readonly durationMs: number;
  /** The nvcc run that produced the answer (a cached answer keeps its original time). */
  readonly compileMs: number;
  readonly cached: boolean;
  /** The device flags nvcc got from the project or the caller, and what was left out of them. */
  readonly flags: readonly string[];
  readonly droppedFlags: readonly string[];
  readonly flagsSource: FlagsSource;
  /** The cubin, when `keepCubin` was asked. */
  readonly cubin?: Uint8Array;
  /** The PTX text, when `keepPtx` was asked and the PTX compile succeeded. */
  readonly ptx?: string;
  /** Why there is no PTX although `keepPtx` was asked (the PTX compile failed or ran out of time). */
  readonly ptxError?: string;
  /**
   * The source's name in the cubin's and the PTX's line tables (the `#line` name nvcc was given: the file's path, or
   * the untitled name), to tell its lines from headers' (`sassLinesOfCubin`, `parsePtx`).
   */
  readonly lineTableFile: string;
  /**
   * The project's headers the compile read (nvcc's dependency file; system headers left out), as absolute paths: a
   * change to one of them on disk makes this answer stale (the language server compiles the file again).
   */
  readonly headers?: readonly string[];
}

export type NvccErrorKind = "not-found" | "untrusted" | "timeout" | "cancelled" | "compile-failed" | "invalid-input";

export interface NvccFailure {
  readonly ok: false;
  readonly kind: NvccErrorKind;
  readonly message: string;
  /** What the user can do about it, in one or two sentences. */
  readonly advice: string;
  /** Errors and warnings nvcc printed (for `compile-failed`), files named as the user knows them. */
  readonly diagnostics: readonly NvccDiagnostic[];
  readonly durationMs: number;
  readonly arch?: string;
  readonly nvccVersion?: string;
}

export type NvccResourcesResult = NvccResources | NvccFailure;

// ---- Cache ------------------------------------------------------------------------------------------------------------

interface CacheEntry {
  readonly value: NvccResources;
  /** Each header the compile read, with the size and modification time it had then. */
  readonly deps: readonly { readonly path: string; readonly stamp: string }[];
}

/** A bounded least-recently-used map from a compile's key to its answer. */
export class NvccResultCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(readonly maxEntries = 64) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry, made most recent; `undefined` when absent. */
  get(key: string): CacheEntry | undefined {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  set(key: string, entry: CacheEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > Math.max(1, this.maxEntries)) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

const sharedCache = new NvccResultCache(64);

function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
}

// ---- Finding the tools ------------------------------------------------------------------------------------------------

const exe = (name: string): string => (process.platform === "win32" ? `${name}.exe` : name);

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Folders searched for nvcc, in order: PATH, then `$CUDA_PATH/bin`, `$CUDA_HOME/bin`, `/usr/local/cuda/bin`. */
export function nvccSearchFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const path = env.PATH ?? env.Path ?? "";
  const folders = path.split(delimiter).filter((d) => d !== "");
  for (const root of [env.CUDA_PATH, env.CUDA_HOME]) if (root) folders.push(join(root, "bin"));
  if (process.platform !== "win32") folders.push("/usr/local/cuda/bin");
  return [...new Set(folders)];
}

/** The nvcc to run: `explicit` when given (and runnable), else the first in `nvccSearchFolders`. */
export function findNvcc(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): { readonly path: string } | { readonly error: string } {
  if (explicit) return isExecutable(explicit) ? { path: resolve(explicit) } : { error: `the configured nvcc, ${explicit}, is not an executable file` };
  const folders = nvccSearchFolders(env);
  for (const dir of folders) {
    const candidate = join(dir, exe("nvcc"));
    if (isExecutable(candidate)) return { path: candidate };
  }
  return { error: `nvcc was not found on PATH, in $CUDA_PATH/bin, $CUDA_HOME/bin or /usr/local/cuda/bin` };
}

interface NvccProbe {
  readonly stamp: string;
  readonly version: string;
  readonly archs: readonly string[];
}

const probes = new Map<string, NvccProbe>();

/** nvcc's version and real architectures, asked once per nvcc (again when its file changes). */
async function probeNvcc(path: string, env: NodeJS.ProcessEnv, cancel: Cancellation | undefined): Promise<NvccProbe | { error: string; cancelled?: boolean }> {
  const stamp = stampOf(path);
  const known = probes.get(path);
  if (known && known.stamp === stamp) return known;
  const v = await runTool(path, ["--version"], { env, deadlineMs: 15_000, cancel, maxOutputBytes: 65536 });
  if (v.outcome === "cancelled") return { error: "cancelled", cancelled: true };
  const version = v.outcome === "exited" && v.code === 0 ? parseNvccVersion(v.stdout) : null;
  if (!version) return { error: `${path} --version did not answer (${v.error ?? v.outcome}${v.code !== null ? `, exit code ${v.code}` : ""})` };
  const list = await runTool(path, ["--list-gpu-code"], { env, deadlineMs: 15_000, cancel, maxOutputBytes: 65536 });
  const archs = list.outcome === "exited" && list.code === 0 ? parseGpuCodeList(list.stdout) : [];
  const probe = { stamp, version, archs: archs.length > 0 ? archs : NVCC13_ARCHS };
  probes.set(path, probe);
  return probe;
}

function findDemangler(nvccPath: string, env: NodeJS.ProcessEnv): string | null {
  const folders = (env.PATH ?? env.Path ?? "").split(delimiter).filter((d) => d !== "");
  for (const name of ["c++filt", "llvm-cxxfilt"]) {
    for (const dir of folders) {
      const candidate = join(dir, exe(name));
      if (isExecutable(candidate)) return candidate;
    }
  }
  // The toolkit's own demangler, when it ships one.
  const cuFilt = join(dirname(nvccPath), exe("cu++filt"));
  return isExecutable(cuFilt) ? cuFilt : null;
}

const demangled = new Map<string, string>();
const MAX_DEMANGLED = 4096;
/** Characters of names per demangler call: far below every system's command-line limit (Windows: 32,767). */
const NAMES_PER_CALL_CHARS = 24_000;

/** Demangles `names` with c++filt (one call, or a few for thousands of names); a name it cannot read stays as is. */
async function demangle(names: readonly string[], nvccPath: string, env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = [...new Set(names)].filter((n) => {
    const known = demangled.get(n);
    if (known !== undefined) out.set(n, known);
    else if (!/^_Z/.test(n)) out.set(n, n); // extern "C" and other unmangled names
    return known === undefined && /^_Z/.test(n);
  });
  const tool = wanted.length > 0 ? findDemangler(nvccPath, env) : null;
  if (!tool) {
    for (const n of wanted) out.set(n, n);
    return out;
  }
  const batches: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const n of wanted) {
    if (batch.length > 0 && chars + n.length + 1 > NAMES_PER_CALL_CHARS) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(n);
    chars += n.length + 1;
  }
  if (batch.length > 0) batches.push(batch);
  for (const b of batches) {
    const run = await runTool(tool, b, { env, deadlineMs: 10_000, maxOutputBytes: 4 * 1024 * 1024 });
    const lines = run.outcome === "exited" && run.code === 0 ? run.stdout.split(/\r?\n/) : [];
    b.forEach((n, i) => {
      const d = lines.length > b.length - 1 ? (lines[i] ?? "").trim() : "";
      const name = d !== "" ? d : n;
      out.set(n, name);
      if (d !== "") {
        if (demangled.size >= MAX_DEMANGLED) demangled.clear();
        demangled.set(n, name);
      }
    });
  }
  return out;
}

// ---- compile_commands.json --------------------------------------------------------------------------------------------

const MAX_COMPILE_COMMANDS_BYTES = 64 * 1024 * 1024;
const databases = new Map<string, { readonly stamp: string; readonly entries: readonly CompileCommand[] } | { readonly stamp: string; readonly error: string }>();

function loadCompileCommands(path: string): { readonly entries: readonly CompileCommand[] } | { readonly error: string } {
  const stamp = stampOf(path);
  const known = databases.get(path);
  if (known && known.stamp === stamp) return known;
  const read = readCappedText(path, MAX_COMPILE_COMMANDS_BYTES);
  const parsed = "error" in read ? { error: read.error } : parseCompileCommands(read.text);
  if (databases.size >= 8) databases.clear();
  databases.set(path, { stamp, ...parsed });
  return parsed;
}

/** compile_commands.json in `from` or its parents (or their `build/` folders), not above `root`. */
export function searchCompileCommands(from: string, root?: string): string | null {
  let dir = resolve(from);
  const stop = root ? resolve(root) : null;
  for (let depth = 0; depth < 32; depth++) {
    for (const candidate of [join(dir, "compile_commands.json"), join(dir, "build", "compile_commands.json")]) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        /* not here */
      }
    }
    const up = dirname(dir);
    if (up === dir || (stop !== null && (dir === stop || !up.startsWith(stop)))) break;
    dir = up;
  }
  return null;
}

interface ChosenFlags {
  readonly flags: string[];
  readonly dropped: string[];
  readonly source: FlagsSource;
  readonly cwd: string | null;
}

function chooseFlags(path: string | undefined, options: CompileResourcesOptions): ChosenFlags {
  if (options.flags) {
    const f = deviceFlags(options.flags, options.cwd ? { directory: options.cwd } : {});
    return { flags: f.flags, dropped: f.dropped, source: { kind: "explicit" }, cwd: null };
  }
  if (options.compileCommands === false || !path) return { flags: [], dropped: [], source: { kind: "none" }, cwd: null };
  const db = options.compileCommands ?? searchCompileCommands(dirname(path), options.workspaceRoot);
  if (!db) return { flags: [], dropped: [], source: { kind: "none" }, cwd: null };
  const loaded = loadCompileCommands(db);
  if ("error" in loaded) return { flags: [], dropped: [], source: { kind: "none", note: loaded.error }, cwd: null };
  const found = findCompileCommand(loaded.entries, resolve(path));
  if (!found) return { flags: [], dropped: [], source: { kind: "none", note: `${db} has no CUDA entry to take flags from` }, cwd: null };
  const f = deviceFlags(found.entry.arguments, { directory: found.entry.directory });
  return { flags: f.flags, dropped: f.dropped, source: { kind: "compile_commands", path: db, inferred: found.inferred }, cwd: found.entry.directory };
}

// ---- The compile --------------------------------------------------------------------------------------------------------

const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
const MAX_CUBIN_BYTES = 64 * 1024 * 1024;
const MAX_PTX_BYTES = 64 * 1024 * 1024;
const INPUT_NAME = "kernellens-input.cu";
const CANCELLED_ADVICE = "Nothing to do: the compile was cancelled on request (a newer edit or a closed document).";

/** Temporary folders of compiles in progress, removed if this process exits mid-compile. */
const liveDirs = new Set<string>();
let dirHookInstalled = false;

function trackDir(dir: string): void {
  liveDirs.add(dir);
  if (dirHookInstalled) return;
  dirHookInstalled = true;
  process.on("exit", () => {
    for (const d of liveDirs) removeDir(d);
  });
}

function removeDir(dir: string): void {
  liveDirs.delete(dir);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* a leftover temporary folder is harmless */
  }
}

function failure(kind: NvccErrorKind, message: string, advice: string, started: number, extra: Partial<NvccFailure> = {}): NvccFailure {
  return { ok: false, kind, message, advice, diagnostics: [], durationMs: Math.round(performance.now() - started), ...extra };
}

/** A `#line` directive's file name: backslashes and quotes escaped, as the front end reads C string literals. */
function lineDirectiveName(name: string): string {
  return name.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]/g, " ");
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function adviceFor(diagnostics: readonly NvccDiagnostic[], stderr: string): string {
  const text = `${diagnostics.map((d) => d.message).join("\n")}\n${stderr}`;
  if (/No such file or directory|cannot open source file/.test(text)) {
    return "A header was not found: add its folder to the include paths (compile_commands.json or the include-path setting). The static estimates stay in place.";
  }
  if (/Unknown option|Unsupported gpu architecture|not defined for option/.test(text)) {
    return "nvcc refused a flag: check the flags from compile_commands.json or the setting. The static estimates stay in place.";
  }
  if (/uses too much shared data|too much local data|too many resources/.test(text)) {
    return "The kernel needs more on-chip memory than the target allows: reduce its static shared memory or local arrays.";
  }
  return "Fix the errors shown in the file, or the flags (compile_commands.json or the setting). The static estimates stay in place.";
}

/** Diagnostics renamed from nvcc's view to the user's, with front-end carets mapped onto the user's text. */
function forUser(diagnostics: readonly NvccDiagnostic[], display: string, text: string, tempInput: string): NvccDiagnostic[] {
  const lines = text.split(/\r?\n/);
  return diagnostics.map((d) => {
    const file = d.file === tempInput || d.file === INPUT_NAME ? display : d.file;
    let column = d.column;
    if (file === display && d.line !== null && d.tool === "front-end" && d.excerpt !== null && column !== null) {
      const source = lines[d.line - 1];
      if (source !== undefined) column = columnInSource(d.excerpt, column, source);
    }
    return { ...d, file, column };
  });
}

function cacheKey(parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

function kernelsOf(fns: readonly PtxasFunction[], arch: string, names: Map<string, string>): CudaKernelResources[] {
  return fns
    .filter((f) => f.arch === null || f.arch === arch)
    .map((f) => ({
      mangled: f.name,
      demangled: names.get(f.name) ?? f.name,
      registers: f.registers,
      sharedMemoryBytes: f.sharedMemoryBytes,
      stackBytes: f.stackFrameBytes,
      cumulativeStackBytes: f.cumulativeStackBytes,
      spillStoreBytes: f.spillStoreBytes,
      spillLoadBytes: f.spillLoadBytes,
      barriers: f.barriers,
      constantBytes: f.constantBytes,
    }));
}

/**
 * The PTX of the same compile: the cubin's argument list with `-ptx` for `-cubin`, a PTX output, and neither
 * ptxas's report nor the dependency file (the cubin run gave both). `{ error }` when it fails or runs out of time.
 */
async function compilePtx(
  nvccPath: string,
  cubinArgs: readonly string[],
  cubinOutput: string,
  ptxOutput: string,
  run: { cwd: string; env: NodeJS.ProcessEnv; deadlineMs: number; cancel?: Cancellation },
): Promise<{ readonly text?: string; readonly error?: string }> {
  const args: string[] = [];
  for (let i = 0; i < cubinArgs.length; i++) {
    const a = cubinArgs[i]!;
    if (a === "-cubin") args.push("-ptx");
    else if (a === "-Xptxas" && cubinArgs[i + 1] === "-v") i++;
    else if (a === "--generate-nonsystem-dependencies-with-compile") continue;
    else if (a === "--dependency-output") i++;
    else if (a === cubinOutput && cubinArgs[i - 1] === "-o") args.push(ptxOutput);
    else args.push(a);
  }
  const result = await runTool(nvccPath, args, { cwd: run.cwd, env: run.env, deadlineMs: run.deadlineMs, cancel: run.cancel });
  if (result.outcome === "cancelled") return { error: "cancelled" };
  if (result.outcome === "timeout") return { error: `the PTX compile did not finish within the deadline` };
  if (result.outcome !== "exited" || result.code !== 0) return { error: `the PTX compile failed (${result.error ?? `exit code ${result.code}`})` };
  const read = readCappedText(ptxOutput, MAX_PTX_BYTES);
  return "error" in read ? { error: read.error } : { text: read.text };
}

/**
 * Compiles `source` with nvcc for `options.arch` and returns each kernel's resources, or why not. Never throws:
 * missing nvcc, an untrusted workspace, a passed deadline, a cancellation and a failed compile are all answers.
 */
export async function compileResources(source: CudaSource, options: CompileResourcesOptions): Promise<NvccResourcesResult> {
  const started = performance.now();
  try {
    return await compile(source ?? {}, options ?? ({} as CompileResourcesOptions), started);
  } catch (err) {
    // Only malformed arguments (a path that is not a string) get here: an answer, not an exception in the editor.
    return failure("invalid-input", `the compile could not be set up: ${(err as Error).message}`, "Pass the document's text or path and a compute capability.", started);
  }
}

async function compile(source: CudaSource, options: CompileResourcesOptions, started: number): Promise<NvccResourcesResult> {
  const since = (): number => Math.round(performance.now() - started);
  if (options.trusted !== true) {
    return failure(
      "untrusted",
      "nvcc was not run: compiling runs programs and flags from the workspace's configuration, and this workspace is not trusted",
      "Trust the workspace to get exact registers and shared memory from nvcc; until then the static estimates are shown.",
      started,
    );
  }
  const env = options.env ?? process.env;
  const cache = options.cache === undefined ? sharedCache : options.cache;

  // The text: the editor's, else the file's.
  let text = source.text;
  if (text === undefined) {
    if (!source.path) return failure("invalid-input", "nothing to compile: neither text nor a file was given", "Pass the document's text or its path.", started);
    const read = readCappedText(source.path, MAX_SOURCE_BYTES);
    if ("error" in read) return failure("invalid-input", read.error, "Save the file, or pass its text.", started);
    text = read.text;
  }
  if (typeof text !== "string" || Buffer.byteLength(text, "utf8") > MAX_SOURCE_BYTES) {
    return failure("invalid-input", "the file is larger than the 4 MiB nvcc is given", "Split the file; the static estimates stay in place.", started);
  }
  text = text.replace(/^\uFEFF/, "");
  const path = source.path ? resolve(source.path) : undefined;
  const display = path ?? source.name ?? "untitled.cu";

  // The compiler, its version and the target.
  const nvcc = findNvcc(options.nvccPath, env);
  if ("error" in nvcc) {
    return failure("not-found", nvcc.error, "Install the CUDA Toolkit, or put nvcc on PATH or set CUDA_PATH, for exact registers and shared memory; the static estimates work without it.", started);
  }
  const probe = await probeNvcc(nvcc.path, env, options.cancel);
  if ("error" in probe) {
    if (probe.cancelled) return failure("cancelled", "cancelled before nvcc ran", CANCELLED_ADVICE, started);
    return failure("not-found", `nvcc at ${nvcc.path} does not run: ${probe.error}`, "Check the CUDA Toolkit installation, or point to another nvcc.", started);
  }
  const choice = chooseCudaArch(options.arch, probe.archs, probe.version);
  if ("error" in choice) return failure("invalid-input", choice.error, "Select a device with a compute capability, or give the architecture as sm_XX.", started);

  const chosen = chooseFlags(path, options);
  const includePaths = (options.includePaths ?? [])
    .filter((p) => typeof p === "string" && p !== "")
    .map((p) => (options.workspaceRoot ? resolve(options.workspaceRoot, p) : p));
  const quoteDirs = path ? [dirname(path)] : [];
  const cwd = [options.cwd, chosen.cwd, path ? dirname(path) : undefined].find((d): d is string => !!d && isDirectory(d));

  const key = cacheKey([probe.version, nvcc.path, choice.arch, display, cwd ?? "", ...chosen.flags, "\u0001", ...includePaths, options.keepCubin ? "cubin" : "", options.keepPtx ? "ptx" : "", text]);
  const hit = cache?.get(key);
  if (hit) {
    if (hit.deps.every((d) => stampOf(d.path) === d.stamp)) return { ...hit.value, cached: true, durationMs: since() };
    cache?.delete(key);
  }

  if (options.cancel?.cancelled) return failure("cancelled", "cancelled before nvcc ran", CANCELLED_ADVICE, started, { arch: choice.arch, nvccVersion: probe.version });

  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), "kernellens-nvcc-"));
    trackDir(dir);
    const input = join(dir, INPUT_NAME);
    const output = join(dir, "out.cubin");
    const depFile = join(dir, "deps.d");
    // `#line` makes every diagnostic and the cubin's line table name the user's file, at the user's line numbers.
    writeFileSync(input, `#line 1 "${lineDirectiveName(display)}"\n${text}`);
    const args = nvccArguments({ arch: choice.arch, quoteDirs, flags: chosen.flags, includePaths, input, output, depFile });
    // The PTX comes from the same run: nvcc generates it on the way to the cubin, and -keep leaves it in keepDir
    // (identical to a separate -ptx run's, which would repeat the front end: about 90 % of the cubin run's time).
    const keepDir = join(dir, "keep");
    if (options.keepPtx) {
      mkdirSync(keepDir);
      args.splice(args.indexOf("-o"), 0, "-keep", "-keep-dir", keepDir);
    }
    const deadlineMs = options.deadlineMs ?? 60_000;
    const run = await runTool(nvcc.path, args, { cwd: cwd ?? dir, env, deadlineMs, cancel: options.cancel });
    const base = { arch: choice.arch, nvccVersion: probe.version };
    if (run.outcome === "cancelled") return failure("cancelled", "nvcc was cancelled", CANCELLED_ADVICE, started, base);
    if (run.outcome === "timeout") {
      return failure(
        "timeout",
        `nvcc did not finish within ${deadlineMs} ms and was stopped`,
        "Heavily templated files can take tens of seconds: allow a longer deadline, or compile fewer instantiations. The static estimates stay in place.",
        started,
        base,
      );
    }
    if (run.outcome === "spawn-failed") return failure("not-found", `nvcc could not be started: ${run.error ?? "unknown error"}`, "Check the CUDA Toolkit installation.", started, base);

    const report = parsePtxasReport(run.stderr);
    const diagnostics = forUser(report.diagnostics, display, text, input);
    if (run.code !== 0) {
      const first = diagnostics.find((d) => d.severity === "error");
      const tail = run.stderr.trim().split(/\r?\n/).slice(-5).join(" | ");
      const where = first?.file ? `${basename(first.file)}${first.line !== null ? `(${first.line})` : ""}: ` : "";
      const message = first ? `nvcc failed: ${where}${first.message}` : `nvcc exited with ${run.code ?? run.signal}${tail ? `: ${tail}` : ""}`;
      return failure("compile-failed", message, adviceFor(diagnostics, run.stderr), started, { ...base, diagnostics });
    }

    const names = await demangle(
      report.kernels.map((k) => k.name),
      nvcc.path,
      env,
    );
    let cubin: Uint8Array | undefined;
    if (options.keepCubin) {
      const read = readCapped(output, MAX_CUBIN_BYTES);
      if (!("error" in read)) cubin = new Uint8Array(read.bytes);
    }
    let ptx: { readonly text?: string; readonly error?: string } = {};
    if (options.keepPtx) {
      const kept = join(keepDir, INPUT_NAME.replace(/\.[^.]*$/, "") + ".ptx");
      const read = existsSync(kept) ? readCappedText(kept, MAX_PTX_BYTES) : undefined;
      if (read && !("error" in read)) ptx = { text: read.text };
      else {
        // Not kept (an nvcc that names it otherwise): a second run for the PTX alone.
        const left = deadlineMs - (performance.now() - started);
        const plain = args.filter((a, i) => a !== "-keep" && a !== "-keep-dir" && args[i - 1] !== "-keep-dir");
        ptx = await compilePtx(nvcc.path, plain, output, join(dir, "out.ptx"), { cwd: cwd ?? dir, env, deadlineMs: Math.max(1, left), cancel: options.cancel });
        if (ptx.error === "cancelled") return failure("cancelled", "nvcc was cancelled", CANCELLED_ADVICE, started, base);
      }
    }
    const depText = readCappedText(depFile, 4 * 1024 * 1024);
    const depPaths = "error" in depText ? [] : parseDepFile(depText.text).map((p) => resolve(cwd ?? dir!, p));
    const deps = depPaths.filter((p) => p !== input && p !== path).map((p) => ({ path: p, stamp: stampOf(p) }));

    const value: NvccResources = {
      ok: true,
      kernels: kernelsOf(report.kernels, choice.arch, names),
      diagnostics,
      arch: choice.arch,
      archNote: choice.note,
      nvccVersion: probe.version,
      nvccPath: nvcc.path,
      durationMs: since(),
      compileMs: run.durationMs,
      cached: false,
      flags: chosen.flags,
      droppedFlags: chosen.dropped,
      flagsSource: chosen.source,
      ...(cubin ? { cubin } : {}),
      ...(ptx.text !== undefined ? { ptx: ptx.text } : {}),
      ...(ptx.error !== undefined ? { ptxError: ptx.error } : {}),
      lineTableFile: display,
      headers: deps.map((d) => d.path),
    };
    cache?.set(key, { value, deps });
    return value;
  } catch (err) {
    return failure("compile-failed", `could not prepare the compile: ${(err as Error).message}`, "Check that the temporary folder is writable.", started);
  } finally {
    if (dir) removeDir(dir);
  }
}
