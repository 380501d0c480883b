// Prepares a CUDA file for the tree-sitter grammar: the project's preprocessor, then a pass that blanks what the
// grammar cannot parse, every change the same length so offsets still map back through the preprocessor's map.
//
// A .cu file always includes cuda_runtime.h and friends: system headers (`<...>`) and includes the caller cannot
// resolve are left unexpanded without a diagnostic (the compiler, not KernelLens, says when a header is missing).
// `#pragma unroll` lines are read before the preprocessor turns them into empty lines, so the lowering still knows
// which loops the author asked not to unroll.
import type { CoreDiagnostic } from "../diagnostic";
import { preprocess, type IncludeResolution, type PreprocessResult } from "../preprocess/preprocess";
import { preprocessDiagnostic } from "../preprocess/problemDiagnostic";
import type { Span } from "../span";
import { activeFunctionMacros, blankEmptyMacros, rewriteTopLevelMacros } from "./topLevelMacros";

export interface PreparedCuda {
  /** The text the grammar parses: preprocessed, then blanked (same length as `pre.text`). */
  readonly text: string;
  readonly pre: PreprocessResult;
  /** `#pragma unroll [N]` lines, at offsets of `text` (where the next line starts), with N (undefined: fully). */
  readonly pragmas: readonly { readonly at: number; readonly factor: number | undefined }[];
  /** `__align__(N)` that were blanked, at offsets of `text`, for struct layouts. */
  readonly aligns: readonly { readonly at: number; readonly align: number }[];
  /** Preprocessor problems worth showing, located in the original text. */
  readonly diagnostics: readonly CoreDiagnostic[];
}

export interface PrepareOptions {
  readonly defines?: readonly string[];
  readonly resolveInclude?: (path: string, fromKey: string) => IncludeResolution;
  /** `__CUDA_ARCH__` for `#if` blocks that choose code by architecture (800 for sm_80). */
  readonly cudaArch?: number;
}

/** Same-length blanking: every character but line breaks becomes a space. */
export function blank(s: string): string {
  return s.replace(/[^\r\n]/g, " ");
}

/**
 * Backslash-newline joins (multi-line `#define`s) become spaces, so a directive is one line for the preprocessor;
 * offsets stay where they were (only line numbers inside such a macro change, and spans are offsets).
 */
function joinContinuations(text: string): string {
  if (!text.includes("\\")) return text;
  return text.replace(/\\\r?\n/g, (m) => " ".repeat(m.length));
}

const ANGLE_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*<[^>\r\n]*>.*$/gm;
const PRAGMA_UNROLL = /^[ \t]*#[ \t]*pragma[ \t]+unroll\b[ \t]*\(?[ \t]*(\d+)?.*$/gm;
/** Macros of the CUDA toolkit's headers that are empty on Linux and stand where the grammar expects none. */
const TOOLKIT_EMPTY_MACROS = ["CUDART_CB", "CUDARTAPI", "CUDAAPI", "CURANDAPI", "CUBLASAPI", "CUFFTAPI", "CUSPARSEAPI", "CUDNNWINAPI", "CUDART_DEVICE"];
const CLASS_INSTANTIATION = /^[ \t]*(?:extern[ \t]+)?template[ \t]+(?:class|struct)[ \t]+[\w:]+[ \t]*<[^;{}]*>[ \t]*;/gm;
const PRAGMA_ONCE = /^[ \t]*#[ \t]*pragma[ \t]+once\b/m;
const ALIGN = /\b__align__\s*\(\s*(\d+)?[^()]*\)/g;
/** An extended lambda's execution-space attributes after its capture list: `[=] __device__ (int i) { ... }`. */
const LAMBDA_SPACE = /(\]\s*)((?:(?:__host__|__device__)\s*)+)/g;

export function prepareCuda(original: string, options: PrepareOptions = {}): PreparedCuda {
  let text = joinContinuations(original);
  text = text.replace(ANGLE_INCLUDE, (m) => blank(m));
  const pragmaOriginal: { at: number; factor: number | undefined }[] = [];
  for (const m of text.matchAll(PRAGMA_UNROLL)) pragmaOriginal.push({ at: (m.index ?? 0) + m[0].length, factor: m[1] !== undefined ? Number(m[1]) : undefined });

  const arch = options.cudaArch ?? 800;
  const userDefines = options.defines ?? [];
  const named = new Set(userDefines.map((d) => d.split("=")[0].trim()));
  // nvcc compiles .cu files as C++: headers that choose between C and C++ (`#ifdef __cplusplus`) take the C++ side.
  // The toolkit's version macros come from headers that are not expanded: a recent toolkit (13.0) is assumed, so
  // `#if CUDART_VERSION >= 11070` takes the branch nvcc takes today. nvcc runs with a host compiler that names its
  // platform: Linux unless the caller's defines name another.
  const otherPlatform = ["_WIN32", "WIN32", "_MSC_VER", "__APPLE__", "__QNX__"].some((d) => named.has(d));
  const builtins = [
    "__CUDACC__",
    "__NVCC__",
    "__cplusplus=201703L",
    "__CUDACC_VER_MAJOR__=13",
    "__CUDACC_VER_MINOR__=0",
    "CUDART_VERSION=13000",
    "CUDA_VERSION=13000",
    ...(otherPlatform ? [] : ["__linux__=1"]),
  ].filter((d) => !named.has(d.split("=")[0]));
  const defines = [...userDefines, ...builtins, ...(named.has("__CUDA_ARCH__") ? [] : [`__CUDA_ARCH__=${arch}`])];
  const unresolved = new Set<string>();
  const included = new Set<string>();
  const resolveInclude = (path: string, fromKey: string): IncludeResolution => {
    const r = options.resolveInclude?.(path, fromKey) ?? { error: "not found" };
    if ("error" in r) {
      if (r.code === undefined) unresolved.add(path);
      return r;
    }
    // `#pragma once`: a header read before is empty the second time (ggml's headers rely on it, not on guards).
    const seen = included.has(r.key);
    included.add(r.key);
    if (seen && PRAGMA_ONCE.test(r.text)) return { key: r.key, text: "" };
    // Headers get the same treatment as the file: multi-line macros joined, system includes blanked.
    return { key: r.key, text: joinContinuations(r.text).replace(ANGLE_INCLUDE, (m) => blank(m)) };
  };
  const pre = preprocess(text, { defines, resolveInclude });

  const diagnostics: CoreDiagnostic[] = [];
  for (const p of pre.problems) {
    // Headers the caller cannot find (the toolkit's, a library's) are not KernelLens's to report.
    if (p.code === "preprocessor-include" && /^cannot include '([^']*)'/.test(p.message) && unresolved.has(/^cannot include '([^']*)'/.exec(p.message)![1])) continue;
    // Function-like macros are expanded where the lowering meets them (see macros.ts).
    if (p.code === "preprocessor-unsupported" && p.message.startsWith("function-like macro")) continue;
    diagnostics.push(preprocessDiagnostic(p));
  }

  // Function-like macros used outside bodies (tables, attribute and deprecation wrappers) become their expansion.
  const objectMacros = new Map<string, string>();
  for (const d of pre.defines) {
    const eq = d.indexOf("=");
    if (eq > 0) objectMacros.set(d.slice(0, eq), d.slice(eq + 1));
  }
  // Only the empty macros the text names are looked for (`__CUDACC__` and `__NVCC__` are always defined, rarely used
  // outside `#if` lines): a text that names none is not scanned identifier by identifier on every keystroke.
  // The toolkit's calling-convention macros (empty on Linux, defined in headers that are not expanded) count too.
  const usedDefines = [...pre.defines, ...TOOLKIT_EMPTY_MACROS.filter((d) => !pre.defines.some((x) => x === d || x.startsWith(`${d}=`)))].filter((d) => d.includes("=") || pre.text.includes(d));
  const fnMacros = activeFunctionMacros(pre.problems, text, pre.includedTexts);
  // A use counts only after its #define (llm.c defines `cublasCheck(status)` right after the function of that name).
  const definedBefore = (name: string, at: number): boolean => {
    const d = fnMacros.get(name)?.definedAt;
    if (!d) return false;
    const use = pre.map.toSource(at);
    if (use.file === d.file) return use.offset > d.offset;
    if (use.file === "") return use.offset > (pre.includeSites.get(d.file)?.start ?? 0);
    return true;
  };
  const rewritten = rewriteTopLevelMacros(blankEmptyMacros(pre.text, usedDefines), fnMacros, objectMacros, definedBefore);

  const aligns: { at: number; align: number }[] = [];
  let out = rewritten.replace(ALIGN, (m: string, n: string | undefined, at: number) => {
    aligns.push({ at, align: n !== undefined ? Number(n) : 16 });
    return blank(m);
  });
  // An explicit instantiation of a class template (`template class PiEstimator<float>;`): the grammar takes none and
  // the analysis reads none (kernels are instantiated by their own launches and instantiations).
  if (out.includes("template")) out = out.replace(CLASS_INSTANTIATION, (m) => blank(m));
  // `typeid(double)` (host code choosing a precision): the grammar takes no type there; `sizeof` takes one, same length.
  if (out.includes("typeid")) out = out.replace(/\btypeid(?=\s*\()/g, "sizeof");
  if (out.includes("__device__") || out.includes("__host__")) out = out.replace(LAMBDA_SPACE, (_m, before: string, attrs: string) => before + blank(attrs));

  const pragmas: { at: number; factor: number | undefined }[] = [];
  for (const p of pragmaOriginal) {
    const at = pre.map.toExpanded(p.at);
    if (at !== undefined) pragmas.push({ at, factor: p.factor });
  }
  pragmas.sort((a, b) => a.at - b.at);
  return { text: out, pre, pragmas, aligns, diagnostics };
}

/** The `#pragma unroll` standing right before a loop that starts at `loopStart` (only blanks between). */
export function pragmaBefore(prepared: Pick<PreparedCuda, "pragmas" | "text">, loopStart: number): { factor: number | undefined } | undefined {
  const list = prepared.pragmas;
  let lo = 0, hi = list.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].at <= loopStart) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const p = list[found];
  return prepared.text.slice(p.at, loopStart).trim() === "" ? { factor: p.factor } : undefined;
}

export type { Span };
