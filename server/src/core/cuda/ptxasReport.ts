// Reads what nvcc prints on stderr: ptxas's per-function resources (`-Xptxas -v`) and the compilers' errors and warnings.
//
// The text is what `nvcc -arch=sm_XX -cubin -lineinfo -Xptxas -v FILE.cu` writes (nvcc 13.0 measured; older releases
// differ only in optional fields). Per function ptxas prints, in this order:
//
//   ptxas info    : Compiling entry function '_Z10reduce_sumILi256EEvPKfPfi' for 'sm_80'
//   ptxas info    : Function properties for _Z10reduce_sumILi256EEvPKfPfi
//       0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
//   ptxas info    : Used 12 registers, used 1 barriers, 1024 bytes smem, 372 bytes cmem[0]
//   ptxas info    : Compile time = 3.020 ms
//
// Every field after the registers is optional: sm_90 and newer print no `cmem`, `smem` is left out when it is 0, and
// `N bytes cumulative stack size` appears only when a frame is used. A non-inlined `__device__` function gets a
// properties line and no "Compiling entry" or "Used" line. Dynamic (`extern __shared__`) shared memory never appears:
// it comes from the launch. Module-wide figures come on a line of their own (`4 bytes gmem, 256 bytes cmem[3]`).
//
// Diagnostics come in four shapes: the CUDA front end's `file(15): error: expected a ";"` and
// `file(2): warning #177-D: ...` (each followed by the source line and a caret line, sometimes by template context),
// the host preprocessor's `file:1:10: fatal error: x.h: No such file or directory`, `ptxas error   : ...` (or
// `ptxas /tmp/x.ptx, line 23; error   : ...` for inline assembly), and `nvcc fatal   : ...`.
//
// Pure: no I/O, and nothing here throws on any input.

/** Resources ptxas reports for one function, in bytes unless named otherwise; `null` where ptxas printed nothing. */
export interface PtxasFunction {
  /** The name exactly as ptxas prints it: mangled for C++ functions, plain for `extern "C"` ones. */
  readonly name: string;
  /** True for an entry function (a `__global__` kernel, one per template instantiation). */
  readonly entry: boolean;
  /** The target from the "Compiling entry function" line (`sm_80`); `null` for non-entry functions. */
  readonly arch: string | null;
  /** Registers per thread; `null` when no "Used" line was printed (non-inlined `__device__` functions). */
  readonly registers: number | null;
  /** Named barriers (`__syncthreads` uses barrier 0); `null` when not printed (older ptxas, no "Used" line). */
  readonly barriers: number | null;
  /** Static shared memory per block; 0 when a "Used" line left it out (ptxas omits 0), `null` with no "Used" line. */
  readonly sharedMemoryBytes: number | null;
  /** This function's own stack frame (local arrays and spills), from the properties line. */
  readonly stackFrameBytes: number | null;
  /** The frame plus the frames of the functions it calls, when ptxas printed it. */
  readonly cumulativeStackBytes: number | null;
  readonly spillStoreBytes: number | null;
  readonly spillLoadBytes: number | null;
  /** Constant memory per bank (`cmem[0]` holds the parameters); empty where ptxas prints none (sm_90 and newer). */
  readonly constantBanks: Readonly<Record<number, number>>;
  /** Sum of `constantBanks`; `null` when none was printed. */
  readonly constantBytes: number | null;
  /** Fields of the "Used" line this parser does not know (`1 textures`, `16 bytes lmem`), kept verbatim. */
  readonly otherFields: readonly string[];
  readonly compileTimeMs: number | null;
}

export type NvccSeverity = "error" | "warning" | "info";

/** Which program spoke: the CUDA front end (cudafe++/cicc), the host preprocessor or compiler, ptxas, or nvcc itself. */
export type NvccTool = "front-end" | "host" | "ptxas" | "nvcc";

export interface NvccDiagnostic {
  /** The file as the compiler named it (a `#line` name when one was given); `null` for tool-level messages. */
  readonly file: string | null;
  /** 1-based; `null` for tool-level messages. */
  readonly line: number | null;
  /**
   * 1-based column: the host compiler's own, or the caret's position in the front end's echo of the line. The echo
   * is the line after macro expansion with tabs collapsed, so map it back with `columnInSource` before use.
   */
  readonly column: number | null;
  readonly severity: NvccSeverity;
  readonly message: string;
  /** `177-D`, `20200-D` (front end), `-Wcpp` (host compiler); `null` when there is none. */
  readonly code: string | null;
  readonly tool: NvccTool;
  /** The front end's echo of the source line (two-space indent removed), when it printed one. */
  readonly excerpt: string | null;
  /** Lines that follow the message: template instantiation context, argument types. */
  readonly notes: readonly string[];
}

export interface PtxasReport {
  /** Entry functions in the order ptxas compiled them (one per kernel, per instantiation, per target). */
  readonly kernels: readonly PtxasFunction[];
  /** Non-entry functions ptxas kept as calls (non-inlined `__device__` functions). */
  readonly functions: readonly PtxasFunction[];
  /** Module-scope `__device__` variables (`N bytes gmem`); `null` when not printed. */
  readonly globalBytes: number | null;
  /** Module-scope constant banks (`__constant__` data is `cmem[3]` on nvcc 13). */
  readonly moduleConstantBanks: Readonly<Record<number, number>>;
  readonly diagnostics: readonly NvccDiagnostic[];
}

/** Lines longer than this are matched only on their first part, so no line can make a pattern slow. */
const MAX_LINE = 4096;

interface MutableFunction {
  name: string;
  entry: boolean;
  arch: string | null;
  registers: number | null;
  barriers: number | null;
  sharedMemoryBytes: number | null;
  stackFrameBytes: number | null;
  cumulativeStackBytes: number | null;
  spillStoreBytes: number | null;
  spillLoadBytes: number | null;
  constantBanks: Record<number, number>;
  otherFields: string[];
  compileTimeMs: number | null;
  hasProperties: boolean;
}

function newFunction(name: string, entry: boolean, arch: string | null): MutableFunction {
  return {
    name,
    entry,
    arch,
    registers: null,
    barriers: null,
    sharedMemoryBytes: null,
    stackFrameBytes: null,
    cumulativeStackBytes: null,
    spillStoreBytes: null,
    spillLoadBytes: null,
    constantBanks: {},
    otherFields: [],
    compileTimeMs: null,
    hasProperties: false,
  };
}

function freeze(f: MutableFunction): PtxasFunction {
  const banks = Object.values(f.constantBanks);
  return {
    name: f.name,
    entry: f.entry,
    arch: f.arch,
    registers: f.registers,
    barriers: f.barriers,
    sharedMemoryBytes: f.sharedMemoryBytes,
    stackFrameBytes: f.stackFrameBytes,
    cumulativeStackBytes: f.cumulativeStackBytes,
    spillStoreBytes: f.spillStoreBytes,
    spillLoadBytes: f.spillLoadBytes,
    constantBanks: { ...f.constantBanks },
    constantBytes: banks.length > 0 ? banks.reduce((a, b) => a + b, 0) : null,
    otherFields: [...f.otherFields],
    compileTimeMs: f.compileTimeMs,
  };
}

function int(text: string): number | null {
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function splitLines(text: string): string[] {
  return (typeof text === "string" ? text : "").split(/\r?\n|\r/).map((l) => (l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l));
}

const PTXAS_INFO = /^ptxas info\s*:\s?(.*)$/;
const COMPILING_ENTRY = /^Compiling entry function '([^']*)' for '([^']*)'\s*$/;
const PROPERTIES = /^Function properties for (\S.*?)\s*$/;
const USED = /^Used (\d+) registers\b(.*)$/;
const COMPILE_TIME = /^Compile time = ([\d.]+) ms/;
const STACK_LINE = /^\s+\d+ bytes stack frame\b/;
const CMEM = /^(\d+) bytes cmem\[(\d+)\]$/;
const GMEM = /^(\d+) bytes gmem$/;

/** The fields after `Used N registers`: `used 1 barriers, 1024 bytes smem, 372 bytes cmem[0]`, in any order. */
function readUsedFields(f: MutableFunction, rest: string): void {
  f.sharedMemoryBytes = 0;
  for (const raw of rest.split(",")) {
    const field = raw.trim();
    if (field === "") continue;
    let m: RegExpMatchArray | null;
    if ((m = /^used (\d+) barriers?$/.exec(field))) f.barriers = int(m[1]!);
    else if ((m = /^(\d+) bytes smem$/.exec(field))) f.sharedMemoryBytes = int(m[1]!);
    else if ((m = /^(\d+) bytes cumulative stack size$/.exec(field))) f.cumulativeStackBytes = int(m[1]!);
    else if ((m = CMEM.exec(field))) {
      const bytes = int(m[1]!);
      const bank = int(m[2]!);
      if (bytes !== null && bank !== null) f.constantBanks[bank] = bytes;
    } else f.otherFields.push(field);
  }
}

/** `1152 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads`: each part read on its own. */
function readStackLine(f: MutableFunction, line: string): void {
  const frame = /(\d+) bytes stack frame/.exec(line);
  const stores = /(\d+) bytes spill stores/.exec(line);
  const loads = /(\d+) bytes spill loads/.exec(line);
  if (frame) f.stackFrameBytes = int(frame[1]!);
  if (stores) f.spillStoreBytes = int(stores[1]!);
  if (loads) f.spillLoadBytes = int(loads[1]!);
}

/**
 * Parses nvcc's stderr into per-function resources and diagnostics. Never throws; text it does not recognise is
 * skipped (or, next to a diagnostic, kept in its notes).
 */
export function parsePtxasReport(stderr: string): PtxasReport {
  const lines = splitLines(stderr);
  const kernels: MutableFunction[] = [];
  const functions: MutableFunction[] = [];
  let globalBytes: number | null = null;
  const moduleConstantBanks: Record<number, number> = {};
  let current: MutableFunction | undefined;
  // The function whose properties line came last: the indented stack line that follows belongs to it.
  let awaitingStack: MutableFunction | undefined;
  const rest: string[] = [];

  for (const line of lines) {
    const info = PTXAS_INFO.exec(line);
    if (!info) {
      if (awaitingStack && STACK_LINE.test(line)) {
        readStackLine(awaitingStack, line);
        awaitingStack = undefined;
        continue;
      }
      awaitingStack = undefined;
      rest.push(line);
      continue;
    }
    awaitingStack = undefined;
    const body = info[1]!;
    let m: RegExpMatchArray | null;
    if ((m = COMPILING_ENTRY.exec(body))) {
      current = newFunction(m[1]!, true, m[2]! || null);
      kernels.push(current);
    } else if ((m = PROPERTIES.exec(body))) {
      const name = m[1]!;
      if (!(current && current.entry && current.name === name && !current.hasProperties)) {
        current = newFunction(name, false, null);
        functions.push(current);
      }
      current.hasProperties = true;
      awaitingStack = current;
    } else if ((m = USED.exec(body))) {
      if (!current) {
        // A "Used" line with no function before it (truncated output): keep it under an unnamed entry.
        current = newFunction("", true, null);
        kernels.push(current);
      }
      current.registers = int(m[1]!);
      readUsedFields(current, m[2]!.replace(/^\s*,/, ""));
    } else if ((m = COMPILE_TIME.exec(body))) {
      if (current) {
        const ms = Number(m[1]);
        current.compileTimeMs = Number.isFinite(ms) ? ms : null;
      }
      current = undefined;
    } else {
      // Module-wide figures: `0 bytes gmem` or `4 bytes gmem, 256 bytes cmem[3], 8 bytes cmem[4]`.
      const parts = body.split(",").map((p) => p.trim());
      if (parts.length > 0 && parts.every((p) => GMEM.test(p) || CMEM.test(p))) {
        for (const p of parts) {
          const g = GMEM.exec(p);
          if (g) globalBytes = (globalBytes ?? 0) + (int(g[1]!) ?? 0);
          const c = CMEM.exec(p);
          if (c) {
            const bytes = int(c[1]!);
            const bank = int(c[2]!);
            if (bytes !== null && bank !== null) moduleConstantBanks[bank] = (moduleConstantBanks[bank] ?? 0) + bytes;
          }
        }
      }
    }
  }

  return {
    kernels: kernels.map(freeze),
    functions: functions.map(freeze),
    globalBytes,
    moduleConstantBanks,
    diagnostics: parseLines(rest),
  };
}

// ---- Diagnostics ----------------------------------------------------------------------------------------------------

/** `file(15): error: msg`, `file(2): warning #177-D: msg`, `file(1): remark #20200-D: msg`, `catastrophic error`. */
const FRONT_END = /^(.+?)\((\d+)\): (catastrophic error|fatal error|error|warning|remark|note|info)(?: #(\d+(?:-D)?))?: (.*)$/;
/** MSVC as the host compiler: `file(3): error C2065: 'x': undeclared identifier`, also `file(3,7): ...`. */
const MSVC = /^(.+?)\((\d+)(?:,(\d+))?\)\s?: (fatal error|error|warning|note) ([A-Z]+\d+): (.*)$/;
/** `file:1:10: fatal error: x.h: No such file or directory` (gcc/clang, also without a column). */
const HOST = /^(.+?):(\d+):(?:(\d+):)? (fatal error|error|warning|note): (.*)$/;
/** `ptxas error   : msg`, `nvcc fatal   : msg`, `nvcc warning : msg`. */
const TOOL = /^(nvcc|ptxas|nvlink|fatbinary|cicc|cudafe\+\+|nvdisasm)\s+(fatal|error|warning|info)\s*:\s?(.*)$/;
/** `ptxas /tmp/x.ptx, line 23; error   : msg` (inline assembly the assembler rejects). */
const PTXAS_AT = /^ptxas (.+?), line (\d+); (fatal|error|warning)\s*:\s?(.*)$/;
const CARET = /^\s*\^\s*$/;
/** Host-compiler context: the quoted source with a gutter (`    1 | #include "x.h"`, `      |  ^~~`). */
const HOST_GUTTER = /^\s*\d*\s*\|/;
const SUMMARY = [
  /^\d+ errors? detected in the compilation of /,
  /^Remark: The warnings can be suppressed with /,
  /^compilation terminated\.?\s*$/,
  /^In file included from /,
  /^\s+from .+[:,]\s*$/,
  /^.+?: In (?:instantiation of|function|member function) .*:\s*$/,
];

function severityOf(word: string): NvccSeverity {
  if (word.includes("error") || word === "fatal") return "error";
  if (word === "warning") return "warning";
  return "info";
}

interface Building {
  readonly head: Omit<NvccDiagnostic, "notes" | "excerpt" | "column"> & { column: number | null };
  readonly body: string[];
}

/** The diagnostic a header line starts, or null when the line is no header. */
function header(line: string): Building | null {
  let m: RegExpMatchArray | null;
  if ((m = TOOL.exec(line))) {
    const tool = m[1] === "ptxas" ? "ptxas" : m[1] === "nvcc" ? "nvcc" : "front-end";
    return { head: { file: null, line: null, column: null, severity: severityOf(m[2]!), message: m[3]!.trim(), code: null, tool }, body: [] };
  }
  if ((m = PTXAS_AT.exec(line))) {
    // The file is nvcc's temporary PTX; the line number is kept in the message, where it still helps.
    return {
      head: { file: null, line: null, column: null, severity: severityOf(m[3]!), message: `${m[4]!.trim()} (PTX line ${m[2]})`, code: null, tool: "ptxas" },
      body: [],
    };
  }
  if ((m = FRONT_END.exec(line))) {
    return {
      head: { file: m[1]!, line: int(m[2]!), column: null, severity: severityOf(m[3]!), message: m[5]!.trim(), code: m[4] ?? null, tool: "front-end" },
      body: [],
    };
  }
  if ((m = MSVC.exec(line))) {
    return {
      head: { file: m[1]!, line: int(m[2]!), column: m[3] ? int(m[3]) : null, severity: severityOf(m[4]!), message: m[6]!.trim(), code: m[5]!, tool: "host" },
      body: [],
    };
  }
  if ((m = HOST.exec(line))) {
    let message = m[5]!.trim();
    let code: string | null = null;
    const flag = /\s\[(-W[\w+=-]+)\]$/.exec(message);
    if (flag) {
      code = flag[1]!;
      message = message.slice(0, flag.index).trim();
    }
    return { head: { file: m[1]!, line: int(m[2]!), column: m[3] ? int(m[3]) : null, severity: severityOf(m[4]!), message, code, tool: "host" }, body: [] };
  }
  return null;
}

/**
 * Finishes a front-end diagnostic from the lines under its header: the message's continuation lines, the echoed
 * source line and its caret, then context (`detected during: instantiation of ... at line 8`).
 */
function finish(b: Building): NvccDiagnostic {
  const body = b.body.filter((l) => l.trim() !== "" && !HOST_GUTTER.test(l));
  const caretAt = body.findIndex((l) => CARET.test(l));
  let excerpt: string | null = null;
  let column = b.head.column;
  let before = body;
  let after: string[] = [];
  if (caretAt >= 1) {
    const echo = body[caretAt - 1]!;
    const caret = body[caretAt]!;
    // The front end indents its echo by two spaces; the caret is indented the same way.
    excerpt = echo.startsWith("  ") ? echo.slice(2) : echo.trimStart();
    const caretIndex = caret.indexOf("^");
    column = column ?? (echo.startsWith("  ") ? Math.max(1, caretIndex - 1) : null);
    before = body.slice(0, caretAt - 1);
    after = body.slice(caretAt + 1);
  }
  const continuation = before.map((l) => l.trim()).filter((l) => l !== "");
  const message = b.head.tool === "front-end" && continuation.length > 0 ? `${b.head.message} (${continuation.join("; ")})` : b.head.message;
  const notes = (caretAt >= 1 ? after : b.head.tool === "front-end" ? [] : before).map((l) => l.trim()).filter((l) => l !== "");
  return { ...b.head, message, column, excerpt, notes };
}

function parseLines(lines: readonly string[]): NvccDiagnostic[] {
  const out: NvccDiagnostic[] = [];
  let open: Building | null = null;
  for (const line of lines) {
    const next = header(line);
    if (next) {
      if (open) out.push(finish(open));
      open = next;
      continue;
    }
    if (SUMMARY.some((re) => re.test(line))) {
      if (open) out.push(finish(open));
      open = null;
      continue;
    }
    if (!open) continue;
    // A blank line after the caret ends a front-end message; before it, blank lines are only spacing.
    if (line.trim() === "" && open.body.some((l) => CARET.test(l))) {
      out.push(finish(open));
      open = null;
      continue;
    }
    open.body.push(line);
  }
  if (open) out.push(finish(open));
  return out;
}

/** The diagnostics alone, from any nvcc output (ptxas's info lines are skipped). Never throws. */
export function parseNvccDiagnostics(stderr: string): NvccDiagnostic[] {
  return [...parsePtxasReport(stderr).diagnostics];
}

/**
 * Maps a front-end caret column (in its echo of the line: macros expanded, tabs collapsed) onto the line as the user
 * wrote it: the token under the caret is looked up in `sourceLine`, taking the occurrence nearest the caret. Falls
 * back to the first non-blank character, or 1. Returns a 1-based column.
 */
export function columnInSource(excerpt: string, caretColumn: number, sourceLine: string): number {
  const firstNonBlank = (): number => {
    const i = sourceLine.search(/\S/);
    return i < 0 ? 1 : i + 1;
  };
  if (!Number.isInteger(caretColumn) || caretColumn < 1 || caretColumn > excerpt.length) return firstNonBlank();
  const at = caretColumn - 1;
  const token = /^(?:[A-Za-z_]\w*|\d[\w.]*|\S)/.exec(excerpt.slice(at))?.[0];
  if (!token) return firstNonBlank();
  let best = -1;
  for (let i = sourceLine.indexOf(token); i >= 0; i = sourceLine.indexOf(token, i + 1)) {
    if (best < 0 || Math.abs(i - at) < Math.abs(best - at)) best = i;
  }
  return best >= 0 ? best + 1 : firstNonBlank();
}

// ---- nvcc's own answers ---------------------------------------------------------------------------------------------

/** `13.0.88` from `nvcc --version` (`Cuda compilation tools, release 13.0, V13.0.88`); `release 13.0` form as fallback. */
export function parseNvccVersion(stdout: string): string | null {
  const text = typeof stdout === "string" ? stdout.slice(0, 65536) : "";
  const full = /\bV(\d+\.\d+(?:\.\d+)?)\b/.exec(text);
  if (full) return full[1]!;
  const release = /release (\d+\.\d+)/.exec(text);
  return release ? release[1]! : null;
}

/** The real architectures `nvcc --list-gpu-code` names (`sm_75`, `sm_80`, ...), in its order; suffixed ones left out. */
export function parseGpuCodeList(stdout: string): string[] {
  const text = typeof stdout === "string" ? stdout.slice(0, 65536) : "";
  return [...new Set(text.split(/\s+/).filter((w) => /^sm_\d+$/.test(w)))];
}
