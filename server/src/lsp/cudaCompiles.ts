// Exact resources from nvcc for open CUDA documents, in the background. The static analysis answers every keystroke
// at once; about a second after the last edit (kernellens.cuda.compileDebounceMs) the document's text is compiled
// with `nvcc -cubin -lineinfo -Xptxas -v` for the selected device's compute capability (cuda/nvccResources.ts:
// argument list, deadline, cache by content, flags, architecture and nvcc version; Volta compiles for sm_75, said in a
// note). When that compile is of the text still open, the document is analysed again with ptxas's registers, static
// shared memory, stack and spills (occupancy then says "exact", "from ptxas"), nvcc's errors and warnings join its
// diagnostics at their lines (source `nvcc`), and the cubin's line table gives SASS instructions per kernel (hover)
// and per line (inlay hints). A saved `.cu`/`.cuh` has the other open CUDA documents compiled again (headers), and a
// header changed on disk (the client watches them: `headersChanged`) the documents whose compile read it.
//
// The same compile also asks for the PTX (`-ptx -lineinfo`, kernellens.cuda.ptxCheck, on by default), whose opcode mix
// per line cross-checks the model's FLOP count (core/cuda/ptxFlopCheck.ts): a disagreement is an information
// diagnostic at its line, `ptx-flops-mismatch` in the CLI's words, published and dropped with nvcc's diagnostics.
// The PTX comes from the cubin's own run (nvcc -keep: see cuda/nvccResources.ts), so the check costs reading it; a
// separate -ptx run would repeat the front-end (cudafe++, cicc): measured here at 455-500 ms of CPU against 430-570 ms
// for the whole cubin run (nvcc 13, sm_80). kernellens.cuda.ptxCheck turns the check off.
//
// Never in the way: one compile per document, one in the whole server (compileScheduler.ts), an edit or a close
// cancels the document's running compile (its process group is killed), and a result for text that has changed is
// dropped, never published. Compiling runs programs and flags from the workspace's configuration
// (compile_commands.json, `-ccbin`), so nothing runs in an untrusted workspace: the estimates stay, the kernel hover
// says why, and the log says it once.
//
// What an edit does to the last compile's numbers: they are dropped, and the estimates (marked "estimated") show
// until the new text's compile lands. ptxas's numbers are exact for the text it compiled; an edit anywhere in the
// translation unit (a macro, a constant, a called __device__ function, a template argument, a launch bound) can change
// any kernel's registers, and the model would label carried-over numbers "exact". Showing an estimate for a second is
// honest; showing a stale number as exact is not. nvcc's diagnostics go with them (their lines may have moved).
import { basename, resolve, sep } from "node:path";
import type { Hover, InlayHint, Range } from "vscode-languageserver";
import { MarkupKind, type Position } from "vscode-languageserver";
import { URI } from "vscode-uri";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { CudaFileAnalysis } from "../analysisService";
import { findCompiledKernel } from "../core/cuda/compiledResources";
import { compiledCodeOf } from "../core/cuda/compiledCode";
import { type SassLinesResult, sassLinesOfCubin } from "../core/cuda/cubinLines";
import { parsePtx } from "../core/cuda/ptxOpcodes";
import type { NvccDiagnostic } from "../core/cuda/ptxasReport";
import type { CoreDiagnostic } from "../core/diagnostic";
import { compileResources, type CudaKernelResources, type NvccResourcesResult } from "../cuda/nvccResources";
import type { Cancellation } from "../gpu/types";
import { readCappedText } from "../run/readCapped";
import { kernelLanguageOf } from "../kernelLanguage";
import { CompileScheduler } from "./compileScheduler";
import { type DocumentState, uriToPath } from "./documentAnalyses";
import { samePaths } from "./headerChanges";
import { fromIncludedFile } from "./modelledSource";
import type { ServerSettings } from "./settings";

/** What the analysis of a document's text takes from its compile (documentAnalyses.ts asks for it). */
export interface CompiledForText {
  /** ptxas's kernels, for the model's `compiled` input. */
  readonly kernels: readonly CudaKernelResources[];
  /** nvcc's diagnostics at their lines, and notes about the compile (Volta compiled for sm_75, what to set). */
  readonly diagnostics: readonly CoreDiagnostic[];
}

/** What the server gives the compiles: the open documents, their settings and analyses, and where to report. */
export interface CudaCompilesHost {
  readonly document: (uri: string) => TextDocument | undefined;
  readonly settingsFor: (uri: string) => Promise<ServerSettings>;
  /** The static analysis of the document's current text (waited for before nvcc starts: the static answer comes first). */
  readonly analysisOf: (uri: string) => Promise<DocumentState | undefined>;
  /** Analyses the document again now, so its model takes the compile's numbers; resolves when published. */
  readonly reanalyze: (uri: string) => Promise<unknown>;
  readonly workspaceFolders: () => readonly string[];
  readonly log: (message: string) => void;
  /** A compile's results are in the analysis: lenses and hints may be asked for again. */
  readonly updated: (uri: string) => void;
}

export interface CudaCompilesOptions {
  /** Compiles at a time in the whole server (default 1). */
  readonly maxConcurrent?: number;
  /** Milliseconds nvcc may run per compile (default 60 s: heavily templated files take tens of seconds). */
  readonly deadlineMs?: number;
}

/** Where a document's compile stands, for the kernel hover. */
type CompileStatus =
  | { readonly state: "waiting" }
  | { readonly state: "skipped"; readonly why: string }
  | { readonly state: "done"; readonly record: CompileRecord };

/** One finished compile of one text of a document. */
interface CompileRecord {
  readonly version: number;
  readonly text: string;
  /** The settings it was compiled under (settingsKey): other settings make it someone else's answer. */
  readonly key: string;
  readonly result: NvccResourcesResult;
  readonly forText: CompiledForText;
  /** SASS instructions per kernel and per line, from the cubin's line table (`-lineinfo`); absent without a cubin. */
  readonly sass?: SassLinesResult;
  /** Per analysed kernel whose PTX was checked, how many disagreements the FLOP cross-check found; absent unchecked. */
  readonly ptxChecked?: ReadonlyMap<string, number>;
}

/** The settings a compile depends on; the device's compute capability follows from `device`. */
function settingsKey(s: ServerSettings): string {
  return JSON.stringify([s.device, s.cudaNvccPath, s.cudaFlags, s.includePaths, s.defines, s.workspaceTrusted, s.cudaCompile, s.cudaPtxCheck]);
}

/** A compute capability nvcc can target (`8.6`); AMD's `gfx942` and Apple's GPUs have none. */
function cudaCapability(cc: string | undefined): string | null {
  return cc && /^\d+\.\d+$/.test(cc) ? cc : null;
}

/** nvcc's errors that say the project's configuration is missing, not that the code is wrong. */
const CONFIGURATION_ERROR = /cannot open source file|No such file or directory|Unknown option|not defined for option|Unsupported gpu architecture|unrecognized command[- ]line option/i;

export class CudaCompiles {
  private readonly scheduler: CompileScheduler;
  private readonly status = new Map<string, CompileStatus>();
  private readonly deadlineMs: number;
  private untrustedSaid = false;
  private notFoundSaid = false;

  constructor(
    private readonly host: CudaCompilesHost,
    options: CudaCompilesOptions = {},
  ) {
    this.scheduler = new CompileScheduler(options.maxConcurrent ?? 1, (uri, err) => host.log(`nvcc: the background compile of ${uri} failed: ${(err as Error)?.stack ?? err}`));
    this.deadlineMs = options.deadlineMs ?? 60_000;
  }

  /** An open or edited document: its running compile is cancelled, and a new one waits for the debounce. */
  async changed(uri: string): Promise<void> {
    const doc = this.host.document(uri);
    if (!doc || kernelLanguageOf({ languageId: doc.languageId, name: uri }) !== "cuda") return;
    // Cancel before awaiting the settings: a compile of text the author has typed past stops now.
    this.scheduler.cancel(uri);
    const settings = await this.host.settingsFor(uri);
    if (!this.host.document(uri)) return;
    this.scheduler.schedule(uri, settings.cudaCompileDebounceMs, (cancel) => this.compile(uri, cancel));
    if (this.status.get(uri)?.state !== "done") this.status.set(uri, { state: "waiting" });
  }

  /** A closed document: its compile is cancelled and its results forgotten. */
  closed(uri: string): void {
    this.scheduler.cancel(uri);
    this.status.delete(uri);
  }

  /**
   * A file was saved: it may be a header an open CUDA document includes (nvcc reads headers from disk), so every other
   * open CUDA document is compiled again. The adapter's cache answers at once where none of the headers a compile
   * read has changed; a compile that failed (a header that did not exist yet) runs again.
   */
  saved(uri: string, open: readonly string[]): void {
    for (const other of open) if (other !== uri && this.status.has(other)) void this.changed(other);
  }

  /**
   * Files changed on disk (headers the client watches, edited outside the editor or never opened in it): the open
   * CUDA documents whose last compile read one of them are compiled again, and so are those whose last compile failed
   * (a header that was missing may be there now) or whose compile is not known to have read none of them. A compile
   * waiting for its debounce reads the disk as it is when it runs; one already running may have read the old header,
   * so it starts again where `readers` (the documents whose static analysis included a changed file) names its
   * document (not for every header event: a build writing headers somewhere would keep cancelling it). The compiled
   * documents' last results are dropped now, as after an edit (numbers for other headers must not show as exact):
   * returns them, and the caller renews their analysis.
   */
  headersChanged(paths: readonly string[], readers: readonly string[] = []): string[] {
    const changed = new Set<string>();
    for (const p of paths) for (const q of samePaths(p)) changed.add(q);
    const again: string[] = [];
    for (const [uri, status] of this.status) {
      if (this.scheduler.busy(uri)) {
        if (readers.includes(uri)) again.push(uri);
        continue;
      }
      if (status.state !== "done") continue;
      const r = status.record.result;
      const read = r.ok ? r.headers : undefined;
      const stale = !r.ok ? r.kind === "compile-failed" : read === undefined || read.some((h) => samePaths(h).some((q) => changed.has(q)));
      if (stale) again.push(uri);
    }
    for (const uri of again) {
      this.status.set(uri, { state: "waiting" });
      void this.changed(uri);
    }
    return again;
  }

  /** The settings changed (device, flags, trust): every open CUDA document is compiled again under them. */
  settingsChanged(uris: readonly string[]): void {
    for (const uri of uris) void this.changed(uri);
  }

  /** Resolves when no compile is waiting or running (tests). */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  dispose(): void {
    this.scheduler.dispose();
  }

  /** The compile of exactly this text under these settings, if one finished; else nothing (the estimates stand). */
  compiledFor(uri: string, text: string, settings: ServerSettings): CompiledForText | undefined {
    const record = this.record(uri);
    return record && record.text === text && record.key === settingsKey(settings) ? record.forText : undefined;
  }

  /**
   * The kernel hover's last section: where the hovered kernels' resources came from (ptxas, with the numbers and
   * nvcc's version and target, or why they are estimates). Unchanged where the hover is not on a kernel's name.
   */
  extendHover(hover: Hover | null, doc: TextDocument, analysis: CudaFileAnalysis, position: Position, settings: ServerSettings): Hover | null {
    if (!hover || typeof hover.contents !== "object" || !("kind" in hover.contents)) return hover;
    const offset = doc.offsetAt(position);
    const { source } = analysis;
    const kernels = source.kernels.filter((k) => offset >= k.nameSpan.start && offset <= k.nameSpan.end && !fromIncludedFile(source.pre, k.nameSpan));
    if (kernels.length === 0) return hover;
    const note = this.resourcesNote(doc, settings, kernels);
    if (!note) return hover;
    return { ...hover, contents: { kind: MarkupKind.Markdown, value: `${hover.contents.value}\n\n---\n\n${note}` } };
  }

  /**
   * SASS instructions per source line, at the line's end, from the last compile of exactly this text: every kernel's
   * instructions on the line added up (instantiations of one template each count), inlined header code on the line
   * that calls it.
   */
  sassHints(doc: TextDocument, range: Range, settings: ServerSettings): InlayHint[] {
    const record = this.record(doc.uri);
    if (!record || record.text !== doc.getText() || record.key !== settingsKey(settings) || !record.result.ok) return [];
    const table = record.sass;
    if (!table || "error" in table) return [];
    const perLine = new Map<number, { total: number; kernels: string[] }>();
    const names = new Map(record.result.kernels.map((k) => [k.mangled, k.demangled]));
    for (const k of table.kernels) {
      for (const l of k.lines) {
        const entry = perLine.get(l.line) ?? { total: 0, kernels: [] };
        entry.total += l.instructions;
        entry.kernels.push(`${names.get(k.mangled) ?? k.mangled}: ${l.instructions}`);
        perLine.set(l.line, entry);
      }
    }
    const target = `nvcc ${record.result.nvccVersion}, ${record.result.arch}`;
    const hints: InlayHint[] = [];
    for (const [line, { total, kernels }] of [...perLine].sort((a, b) => a[0] - b[0])) {
      const at = line - 1;
      if (at < range.start.line || at > range.end.line || at >= doc.lineCount) continue;
      const end = doc.offsetAt({ line: at + 1, character: 0 });
      const lineText = doc.getText({ start: { line: at, character: 0 }, end: doc.positionAt(end) }).replace(/\r?\n$/, "");
      hints.push({
        position: { line: at, character: lineText.length },
        label: `${total} SASS`,
        paddingLeft: true,
        tooltip: `${total} SASS instruction${total === 1 ? "" : "s"} for this line (exact: the cubin's line table; ${target})${kernels.length > 1 ? `\n${kernels.join("\n")}` : ""}`,
      });
    }
    return hints;
  }

  // ---- The compile ------------------------------------------------------------------------------------------------

  private record(uri: string): CompileRecord | undefined {
    const s = this.status.get(uri);
    return s?.state === "done" ? s.record : undefined;
  }

  private async compile(uri: string, cancel: Cancellation): Promise<void> {
    const doc = this.host.document(uri);
    if (!doc || cancel.cancelled) return;
    const settings = await this.host.settingsFor(uri);
    if (!settings.cudaCompile) return this.skip(uri, "`kernellens.cuda.compile` is off");
    if (!settings.workspaceTrusted) {
      if (!this.untrustedSaid) {
        this.untrustedSaid = true;
        this.host.log("nvcc: not run, the workspace is not trusted (compiling runs programs and flags from its configuration); CUDA registers and shared memory are estimates until it is");
      }
      return this.skip(uri, "nvcc runs only in a trusted workspace (compile flags from its configuration can name programs)");
    }
    // The static answer first: the compile starts once the current text's analysis is published.
    const state = await this.host.analysisOf(uri);
    if (cancel.cancelled || !state || this.host.document(uri)?.version !== state.version) return;
    const version = state.version;
    const text = doc.getText();
    const key = settingsKey(settings);
    const last = this.record(uri);
    const analysis = state.analysis.language === "cuda" ? state.analysis : undefined;
    const cc = cudaCapability(analysis?.device?.computeCapability);
    if (!cc) {
      const why = analysis?.device ? `${analysis.device.name} has no CUDA compute capability to compile for` : "the document is not modelled (too large, or not analysed)";
      return this.skip(uri, why);
    }

    const path = uriToPath(uri);
    const workspaceRoot = path ? folderOf(path, this.host.workspaceFolders()) : this.host.workspaceFolders()[0];
    this.host.log(`nvcc: compiling ${uri} (version ${version}) for compute capability ${cc}`);
    const result = await compileResources(
      path ? { path, text } : { text, name: untitledName(uri) },
      {
        arch: cc,
        trusted: true,
        includePaths: settings.includePaths,
        ...(settings.cudaFlags.length > 0 ? { flags: settings.cudaFlags } : {}),
        ...(workspaceRoot ? { workspaceRoot } : {}),
        ...(settings.cudaNvccPath ? { nvccPath: settings.cudaNvccPath } : {}),
        deadlineMs: this.deadlineMs,
        cancel,
        keepCubin: true,
        keepPtx: settings.cudaPtxCheck,
      },
    );
    // Text the author has typed past, or a closed document: nothing of this compile is published.
    const now = this.host.document(uri);
    if (cancel.cancelled || result.ok === false && result.kind === "cancelled" || !now || now.version !== version) {
      this.host.log(`nvcc: ${uri} (version ${version}) cancelled: the text changed or the document closed`);
      return;
    }
    // The same text under the same settings, answered from the adapter's cache (which re-checks the headers the
    // compile read): the analysis already has these numbers.
    if (result.ok && result.cached && last && last.text === text && last.key === key && last.result.ok) return;
    this.host.log(`nvcc: ${uri} (version ${version}) ${result.ok ? `compiled for ${result.arch} in ${result.compileMs} ms${result.cached ? " (cached)" : ""}, ${result.kernels.length} kernels` : `${result.kind}: ${result.message}`}`);
    if (!result.ok && result.kind === "not-found" && !this.notFoundSaid) {
      this.notFoundSaid = true;
      this.host.log(`nvcc: ${result.advice} Or set kernellens.cuda.nvccPath.`);
    }
    const display = path ?? untitledName(uri);
    // The line table names the source as the compile's `#line` did: that name picks its lines out of the table.
    const sass = result.ok && result.cubin ? sassLinesOfCubin(result.cubin, result.lineTableFile) : undefined;
    if (sass && "error" in sass) this.host.log(`nvcc: ${uri}: no SASS per line: ${sass.error}`);
    if (result.ok && result.ptxError) this.host.log(`nvcc: ${uri}: the model's FLOPs were not checked against PTX: ${result.ptxError}`);
    // The PTX cross-check reads the static analysis of this very text (the compile waited for it): FLOPs do not
    // depend on ptxas's numbers, so it needs no second analysis.
    // nvcc read the headers as saved, the static front-end as they are in the editor: with a header edited and not
    // saved, the two would count different code, so the FLOPs are not cross-checked until it is saved.
    const unsaved = result.ok && result.ptx !== undefined ? this.unsavedHeaders(result.headers ?? []) : [];
    if (unsaved.length > 0) this.host.log(`nvcc: ${uri}: the model's FLOPs were not checked against PTX: ${unsaved.map((h) => basename(h)).join(", ")} has unsaved edits (nvcc compiles the saved file)`);
    const check = result.ok && result.ptx !== undefined && analysis && unsaved.length === 0 ? ptxFlopCheck(result.ptx, result.lineTableFile, result.kernels, analysis, text) : undefined;
    // The cubin's and the PTX's bytes are read once, here: the record keeps what was read from them, not the bytes.
    const kept: NvccResourcesResult = result.ok ? { ...result, cubin: undefined, ptx: undefined } : result;
    const record: CompileRecord = { version, text, key, result: kept, forText: { kernels: result.ok ? result.kernels : [], diagnostics: [...compileDiagnostics(result, text, display), ...(check?.diagnostics ?? [])] }, ...(sass ? { sass } : {}), ...(check ? { ptxChecked: check.checked } : {}) };
    this.status.set(uri, { state: "done", record });
    // Nothing for the analysis (no nvcc here, a deadline passed), and nothing of an earlier compile of this text in it:
    // the analysis stays as it is (the hover reads the status).
    const empty = (f: CompiledForText): boolean => f.kernels.length === 0 && f.diagnostics.length === 0;
    const lastInAnalysis = last !== undefined && last.text === text && last.key === key && !empty(last.forText);
    if (empty(record.forText) && !lastInAnalysis) return;
    await this.host.reanalyze(uri);
    if (this.host.document(uri)?.version === version) this.host.updated(uri);
  }

  /** The headers among `paths` open in the editor with text other than the file's. */
  private unsavedHeaders(paths: readonly string[]): string[] {
    return paths.filter((path) => {
      const doc = this.host.document(URI.file(path).toString());
      if (!doc) return false;
      const saved = readCappedText(path, 4 * 1024 * 1024);
      return "error" in saved || saved.text !== doc.getText();
    });
  }

  private skip(uri: string, why: string): void {
    this.status.set(uri, { state: "skipped", why });
  }

  // ---- The hover ----------------------------------------------------------------------------------------------------

  private resourcesNote(doc: TextDocument, settings: ServerSettings, kernels: CudaFileAnalysis["source"]["kernels"]): string | undefined {
    const status = this.status.get(doc.uri);
    if (!status) return undefined;
    if (status.state === "skipped") return `Registers and shared memory are estimates: ${status.why}.`;
    const record = status.state === "done" ? status.record : undefined;
    if (!record || record.text !== doc.getText() || record.key !== settingsKey(settings)) return "Registers and shared memory are estimates until nvcc has compiled this text (in the background).";
    const r = record.result;
    if (!r.ok) {
      if (r.kind === "untrusted") return `Registers and shared memory are estimates: ${r.message}.`;
      return `Registers and shared memory are estimates: ${r.message}. ${r.advice}${r.kind === "not-found" ? " Or set `kernellens.cuda.nvccPath`." : ""}`;
    }
    const target = `nvcc ${r.nvccVersion}, ${r.arch}${r.archNote ? `: ${r.archNote}` : ""}`;
    const sass = record.sass && !("error" in record.sass) ? record.sass : undefined;
    const lines = kernels.map((k) => {
      const hit = findCompiledKernel(k.function, k.templateArgs.map((a) => a.value), r.kernels);
      if (!hit) return `- \`${k.name}\`: not among the kernels ptxas compiled for this text (estimates shown)`;
      const instructions = sass?.kernels.find((s) => s.mangled === hit.mangled)?.instructions;
      const disagreements = record.ptxChecked?.get(k.name);
      const flops = disagreements === undefined ? "" : disagreements === 0 ? "; FLOPs agree with the PTX" : `; FLOPs disagree with the PTX (${disagreements} \`ptx-flops-mismatch\`)`;
      return `- \`${k.name}\`: ${resourceText(hit, k.launch.dynamicSharedBytes)}${instructions !== undefined ? `; SASS: ${instructions.toLocaleString("en-US")} instructions (exact, from the cubin)` : ""}${flops}`;
    });
    return `**Resources, exact from ptxas** (${target}):\n${lines.join("\n")}`;
  }
}

/** One kernel's ptxas numbers in words, with the launch's dynamic shared memory (ptxas never sees it). */
function resourceText(k: CudaKernelResources, dynamicSharedBytes: number | null): string {
  const parts: string[] = [];
  if (k.registers !== null) parts.push(`${k.registers} registers per thread`);
  parts.push(`${(k.sharedMemoryBytes ?? 0).toLocaleString("en-US")} B static shared memory`);
  if (dynamicSharedBytes) parts.push(`${dynamicSharedBytes.toLocaleString("en-US")} B dynamic shared memory (from the launch)`);
  if (k.stackBytes !== null) parts.push(`${k.stackBytes} B stack`);
  const spills = (k.spillStoreBytes ?? 0) + (k.spillLoadBytes ?? 0);
  parts.push(spills > 0 ? `spills: ${k.spillStoreBytes ?? 0} B stored, ${k.spillLoadBytes ?? 0} B loaded` : "no spills");
  // ptxas's "used N barriers": the named barriers (bar.sync IDs) the kernel reserves, not how often it synchronises.
  if (k.barriers !== null) parts.push(`${k.barriers} named barrier${k.barriers === 1 ? "" : "s"}`);
  if (k.constantBytes !== null) parts.push(`${k.constantBytes} B constant memory`);
  return parts.join(", ");
}

// ---- Diagnostics --------------------------------------------------------------------------------------------------

/** nvcc's diagnostics at their lines of `text`, and the notes a compile gives (what to set, the target it used). */
export function compileDiagnostics(result: NvccResourcesResult, text: string, file: string): CoreDiagnostic[] {
  const starts = lineStarts(text);
  const at = (line: number, column: number | null): { start: number; end: number } => {
    const start = starts[line - 1]!;
    const end = (starts[line] ?? text.length + 1) - 1;
    const lineText = text.slice(start, end).replace(/\r$/, "");
    const from = column !== null && column >= 1 ? Math.min(column - 1, lineText.length) : lineText.length - lineText.trimStart().length;
    return { start: start + from, end: start + Math.max(from, lineText.length) };
  };
  const top = { start: 0, end: 0 };
  const own = resolve(file);
  const configuration = !result.ok && result.kind === "compile-failed" && result.diagnostics.some((d) => d.severity === "error" && CONFIGURATION_ERROR.test(d.message));
  const out: CoreDiagnostic[] = [];
  let firstError: { start: number; end: number } | undefined;
  for (const d of result.diagnostics) {
    const here = d.file !== null && d.line !== null && d.line >= 1 && d.line <= starts.length && (d.file === file || resolve(d.file) === own);
    const span = here ? at(d.line!, d.column) : top;
    const where = here || d.file === null ? "" : `${d.file}${d.line !== null ? `:${d.line}` : ""}: `;
    // A missing header or a refused flag is the project's configuration, not an error in the code: a warning.
    const severity = d.severity === "error" && configuration ? "warning" : d.severity;
    if (d.severity === "error" && !firstError) firstError = span;
    out.push({ severity, code: d.code ? `nvcc-${d.code}` : `nvcc-${d.severity}`, message: messageOf(d, where), span, source: "nvcc" });
  }
  if (!result.ok && result.kind === "compile-failed") {
    const what = configuration
      ? "nvcc needs the project's include paths or flags: set `kernellens.preprocessor.includePaths` or `kernellens.cuda.flags`, or generate compile_commands.json (CMake: -DCMAKE_EXPORT_COMPILE_COMMANDS=ON) in the workspace"
      : "fix nvcc's errors for exact registers and shared memory";
    out.push({ severity: "info", code: "nvcc-failed", message: `Registers and shared memory are the model's estimates: ${what}.`, span: firstError ?? top, source: "kernellens" });
  }
  if (result.ok && result.archNote) out.push({ severity: "info", code: "nvcc-arch", message: `Exact resources: ${result.archNote}`, span: top, source: "kernellens" });
  return out;
}

function messageOf(d: NvccDiagnostic, where: string): string {
  const notes = d.notes.filter((n) => n.trim() !== "").slice(0, 4);
  return `${where}${d.message}${notes.length > 0 ? `\n${notes.join("\n")}` : ""}`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Where the model's FLOPs and nvcc's PTX disagree (core/cuda/ptxFlopCheck.ts), as information diagnostics at their
 * lines, in the words and with the code `kernellens analyze` uses, and how many per kernel checked (for the hover).
 * Source `kernellens`: the finding is the model's own cross-check, not something nvcc said.
 */
export function ptxFlopCheck(
  ptxText: string,
  lineTableFile: string,
  compiled: readonly CudaKernelResources[],
  analysis: CudaFileAnalysis,
  text: string,
): { readonly diagnostics: CoreDiagnostic[]; readonly checked: Map<string, number> } {
  const { source } = analysis;
  const out: CoreDiagnostic[] = [];
  const checked = new Map<string, number>();
  if (source.models.size === 0) return { diagnostics: out, checked };
  const code = compiledCodeOf(text, source.kernels, source.models, compiled, null, parsePtx(ptxText, lineTableFile, text));
  const starts = lineStarts(text);
  for (const k of source.kernels) {
    const c = code.get(k.name);
    // Checked: the kernel has a model and its PTX entry was found.
    if (c?.ptx && source.models.get(k.name)?.model) checked.set(k.name, c.mismatches.length);
    for (const m of c?.mismatches ?? []) {
      const start = starts[m.line - 1];
      if (start === undefined) continue;
      const end = (starts[m.line] ?? text.length + 1) - 1;
      const lineText = text.slice(start, end).replace(/\r$/, "");
      const indent = lineText.length - lineText.trimStart().length;
      out.push({ severity: "info", code: m.code, message: `${k.name}: ${m.message}`, span: { start: start + indent, end: start + lineText.length }, source: "kernellens" });
    }
  }
  return { diagnostics: out, checked };
}

// ---- Paths --------------------------------------------------------------------------------------------------------


/** The name a document without a file (an untitled editor) is compiled and reported under. */
function untitledName(uri: string): string {
  const name = basename(uri.replace(/[?#].*$/, ""));
  return /\.(cu|cuh)$/.test(name) ? name : "untitled.cu";
}

/** The workspace folder holding `path` (the deepest), where the search for compile_commands.json stops. */
function folderOf(path: string, folders: readonly string[]): string | undefined {
  const inside = folders.filter((f) => path === f || path.startsWith(f.endsWith(sep) ? f : f + sep));
  return inside.sort((a, b) => b.length - a.length)[0];
}
