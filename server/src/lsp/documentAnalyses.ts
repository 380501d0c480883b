// Keeps the latest analysis of every open WGSL, CUDA and Triton document: debounced on typing, stale results dropped,
// includes tracked. The document's language (kernelLanguage.ts) picks the front-end: WGSL with Tint, CUDA and Triton
// with tree-sitter. A Python document that does not import triton is not analysed at all: it has no state, no
// diagnostics are published for it, and every request about it is answered with nothing.
//
// How much analysis a document gets depends on its size (documentLimits.ts): a large one has no cost model, a huge
// one none at all. Only the current version's analysis is kept (plus, for a document that models, the last one that
// parsed); when a large analysis is dropped the memory is handed back (memoryRelease.ts).
import { createHash } from "node:crypto";
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { analyzeCudaFile, analyzeTritonFile, combine, compilePrepared, type CudaGrammar, type FileAnalysis, parsedCleanly, type PythonGrammar, refusedAnalysis, sortDiagnostics } from "../analysisService";
import { analyzePrepared, prepareSource } from "../core/analysis/sourceAnalysis";
import { CudaSession } from "../core/cuda/session";
import { TritonSession } from "../core/triton/session";
import type { CompiledKernel } from "../core/cuda/compiledResources";
import type { CoreDiagnostic } from "../core/diagnostic";
import type { TritonCompiledKernel } from "../core/triton/types";
import { kernelLanguageOf, readsAsTriton } from "../kernelLanguage";
import type { TintCompiler } from "../tint/tintCompiler";
import type { ServerSettings } from "./settings";
import { DEFAULT_DEVICE_ID, findDevice, listDevices, lookupDevice } from "../core/devices/database";
import type { DeviceSpec } from "../core/devices/device";
import { workspaceIncludeResolver } from "../run/includeResolver";
import { measuredDevices } from "../run/profiles";
import { capDiagnostics, type DocumentMode, documentMode, KERNEL_MODEL_BUDGET_MS, LARGE_DOCUMENT_DEBOUNCE_MS, limitDiagnostic, utf8Bytes } from "./documentLimits";
import { MemoryRelease } from "./memoryRelease";

export interface DocumentState {
  readonly version: number;
  /** The settings generation it was analysed under (`DocumentAnalyses.settingsChanged`): an older one is stale too. */
  readonly settingsEpoch: number;
  readonly document: TextDocument;
  readonly analysis: FileAnalysis;
  /**
   * The latest analysis whose parse had no syntax errors. While the author is in the middle of typing, features
   * that need a whole kernel (the cost model) keep using it. Only a `full` document keeps one.
   */
  readonly lastGood: FileAnalysis | undefined;
  /** How much was analysed: everything, everything but the cost model (`large`), or nothing (`refused`). */
  readonly mode: DocumentMode;
}

export interface Publication {
  readonly document: TextDocument;
  readonly version: number;
  readonly diagnostics: readonly CoreDiagnostic[];
  readonly includedTexts: ReadonlyMap<string, string>;
}

export class DocumentAnalyses {
  private readonly states = new Map<string, DocumentState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Map<string, Promise<DocumentState | undefined>>();
  private readonly listeners: ((p: Publication) => void)[] = [];
  /** A digest of what was last published per document, so an unchanged set is not sent twice. */
  private readonly published = new Map<string, string>();
  /** The size class of each document's current version, so it is counted once per version. */
  private readonly modes = new Map<string, { version: number; mode: DocumentMode; bytes: number }>();
  private readonly memory = new MemoryRelease();
  /** Per open CUDA document, what one analysis keeps for the next (its tree, unchanged kernels' lowerings and models). */
  private readonly cudaSessions = new Map<string, CudaSession>();
  /** Per open Triton document that models: its tree and unchanged kernels' lowerings and models, kept between keystrokes. */
  private readonly tritonSessions = new Map<string, TritonSession>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settingsFor: (uri: string) => Promise<ServerSettings>,
    private readonly tint: () => TintCompiler | undefined,
    private readonly workspaceFolders: () => readonly string[],
    private readonly log: (message: string) => void,
    /** The CUDA grammar, loaded once per server (on the first CUDA document). */
    private readonly cudaGrammar: () => Promise<CudaGrammar>,
    /** The Python grammar, loaded once per server (on the first Python document that imports triton). */
    private readonly pythonGrammar: () => Promise<PythonGrammar> = async () => ({ error: "no Python grammar was given to the server" }),
  ) {}

  /**
   * Whether the document is one KernelLens reads: every WGSL and CUDA document, and a Python document only while its
   * text imports triton (one regular expression, no parse). Requests about any other document answer nothing at once.
   */
  reads(uri: string): boolean {
    const doc = this.documents.get(uri);
    if (!doc) return true;
    if (kernelLanguageOf({ languageId: doc.languageId, name: doc.uri }) !== "triton") return true;
    const known = this.readsTriton.get(uri);
    if (known && known.version === doc.version) return known.reads;
    const reads = readsAsTriton(doc.getText());
    this.readsTriton.set(uri, { version: doc.version, reads });
    return reads;
  }
  /** Per open Python document, whether its current version imports triton (checked once per version). */
  private readonly readsTriton = new Map<string, { version: number; reads: boolean }>();

  /**
   * What a background nvcc compile of exactly this text under these settings gave (lsp/cudaCompiles.ts): ptxas's
   * kernels for the model, nvcc's diagnostics to publish. Nothing until one has finished: the estimates stand.
   */
  compiledCuda: (uri: string, text: string, settings: ServerSettings) => { readonly kernels: readonly CompiledKernel[]; readonly diagnostics: readonly CoreDiagnostic[] } | undefined = () => undefined;

  /** Analyses the document again though its text and settings are unchanged (a compile's results have arrived). */
  refresh(uri: string): Promise<DocumentState | undefined> {
    const state = this.states.get(uri);
    // An epoch no analysis has: the state is no longer fresh, so it is analysed again and requests wait for that.
    if (state) this.states.set(uri, { ...state, settingsEpoch: -1 });
    return this.analyzeNow(uri);
  }

  /**
   * Called with diagnostics to publish. For each version this happens up to twice: first as soon as Tint has
   * compiled the text (with the directive and preprocessor problems, which need no parse), then with the full
   * analysis once the parse and the checks are done, if that adds anything.
   */
  onPublish(listener: (p: Publication) => void): void {
    this.listeners.push(listener);
  }

  private publish(document: TextDocument, version: number, all: readonly CoreDiagnostic[], includedTexts: ReadonlyMap<string, string>): void {
    const diagnostics = capDiagnostics(all);
    const key = `${version}:${createHash("sha1").update(JSON.stringify(diagnostics)).digest("base64")}`;
    if (this.published.get(document.uri) === key) return;
    this.published.set(document.uri, key);
    for (const l of this.listeners) l({ document, version, diagnostics, includedTexts });
  }

  get(uri: string): DocumentState | undefined {
    return this.states.get(uri);
  }

  /**
   * The current analysis, computing it now if the document changed since the last one. When the text changes again
   * while it runs, the newer version is analysed too (callers bound the wait: requestGuard.ts).
   */
  async current(uri: string): Promise<DocumentState | undefined> {
    for (;;) {
      const doc = this.documents.get(uri);
      if (!doc) return this.states.get(uri);
      const state = this.states.get(uri);
      if (state && this.fresh(state, doc)) return state;
      const version = doc.version;
      const got = await this.analyzeNow(uri);
      // No newer text arrived: this is the best there is (an older version only where the analysis failed).
      if (this.documents.get(uri)?.version === version) return got;
    }
  }

  /** Analysed under the current settings, of the current text. */
  private fresh(state: DocumentState, doc: TextDocument): boolean {
    return state.version === doc.version && state.settingsEpoch === this.settingsEpoch;
  }

  private settingsEpoch = 0;

  /**
   * The settings changed (a device, defines, include paths): every analysis made before is stale, although no text
   * changed. Analyses every open document again; resolves once they are done, so lenses and hints asked for after
   * it get the new settings' numbers (a request in between waits for the new analysis through `current`).
   */
  async settingsChanged(): Promise<void> {
    this.settingsEpoch++;
    await Promise.all(this.documents.all().map((doc) => this.analyzeNow(doc.uri)));
  }

  /** The size class of the document's current text (`full` for a document that is not open). */
  modeOf(uri: string): DocumentMode {
    const doc = this.documents.get(uri);
    if (!doc) return this.states.get(uri)?.mode ?? "full";
    return this.sizeOf(doc).mode;
  }

  private sizeOf(doc: TextDocument): { mode: DocumentMode; bytes: number } {
    const known = this.modes.get(doc.uri);
    if (known && known.version === doc.version) return known;
    const bytes = utf8Bytes(doc.getText());
    const entry = { version: doc.version, mode: documentMode(bytes), bytes };
    this.modes.set(doc.uri, entry);
    return entry;
  }

  /** Re-analyses after `delayMs` of quiet; a newer call replaces a pending one. A large document waits longer. */
  schedule(uri: string, delayMs: number): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    if (delayMs > 0 && this.modeOf(uri) !== "full") delayMs = Math.max(delayMs, LARGE_DOCUMENT_DEBOUNCE_MS);
    if (delayMs <= 0) {
      this.timers.delete(uri);
      void this.analyzeNow(uri);
      return;
    }
    this.timers.set(uri, setTimeout(() => {
      this.timers.delete(uri);
      void this.analyzeNow(uri);
    }, delayMs));
  }

  /** Files that include `path` are re-analysed when it changes. */
  scheduleDependents(changedUri: string, delayMs: number): void {
    const path = uriToPath(changedUri);
    if (!path) return;
    for (const [uri, state] of this.states) {
      if (uri === changedUri || !includesOf(state.analysis).includes(path)) continue;
      // Their own text and settings are unchanged, so their analysis would count as fresh: marked stale (as `refresh`
      // does), or the scheduled analysis would return it unchanged and requests would get the old header's numbers.
      this.states.set(uri, { ...state, settingsEpoch: -1 });
      this.schedule(uri, delayMs);
    }
  }

  forget(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    const state = this.states.get(uri);
    const size = this.modes.get(uri);
    this.states.delete(uri);
    this.published.delete(uri);
    this.modes.delete(uri);
    this.readsTriton.delete(uri);
    this.cudaSessions.get(uri)?.dispose();
    this.cudaSessions.delete(uri);
    this.tritonSessions.get(uri)?.dispose();
    this.tritonSessions.delete(uri);
    if ((state && state.mode !== "full") || (size && size.mode !== "full")) this.memory.request();
  }

  dispose(): void {
    this.memory.dispose();
    for (const s of this.cudaSessions.values()) s.dispose();
    this.cudaSessions.clear();
    for (const s of this.tritonSessions.values()) s.dispose();
    this.tritonSessions.clear();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private analyzeNow(uri: string): Promise<DocumentState | undefined> {
    const doc = this.documents.get(uri);
    if (!doc) return Promise.resolve(undefined);
    if (!this.reads(uri)) return Promise.resolve(this.notRead(doc));
    const running = this.inFlight.get(uri);
    if (running) {
      // Chain behind the running analysis: Tint calls are cheap, but results must arrive in version order.
      const next = running.then(() => this.analyzeNow(uri));
      return next;
    }
    const work = this.run(doc).finally(() => this.inFlight.delete(uri));
    this.inFlight.set(uri, work);
    return work;
  }

  private async run(doc: TextDocument): Promise<DocumentState | undefined> {
    const existing = this.states.get(doc.uri);
    if (existing && this.fresh(existing, doc)) return existing;
    const version = doc.version;
    const settingsEpoch = this.settingsEpoch;
    const settings = await this.settingsFor(doc.uri);
    const stale = (): boolean => this.documents.get(doc.uri)?.version !== version;
    // Before each stretch of synchronous work, let the event loop run: expired request deadlines answer, and an edit
    // or a close that has arrived makes this version stale, so work for text the user has typed past is dropped.
    await yieldToEventLoop();
    if (stale()) return this.states.get(doc.uri);
    const text = doc.getText();
    const size = this.sizeOf(doc);
    let mode = size.mode;
    let limit = limitDiagnostic(mode, size.bytes);
    let analysis: FileAnalysis;
    const language = kernelLanguageOf({ languageId: doc.languageId, name: doc.uri });
    try {
      const started = performance.now();
      const refused = (): FileAnalysis => refusedAnalysis(language, limit!, performance.now() - started);
      const resolveInclude = workspaceIncludeResolver({
        documentPath: uriToPath(doc.uri),
        includePaths: settings.includePaths,
        workspaceFolders: this.workspaceFolders(),
        trusted: settings.workspaceTrusted,
        // An open editor's text wins over the file on disk, so edits to an include show up before saving.
        openText: (full) => this.documents.get(URI.file(full).toString())?.getText(),
      });
      // Each kernel's counting also stops on the clock, so a slow machine waits no longer than a fast one.
      const modelOptions = () => ({ device: this.deviceFor(settings), budget: { timeMs: KERNEL_MODEL_BUDGET_MS, clock: () => performance.now() }, problemSize: settings.assumedProblemSize });
      if (mode === "refused") {
        // Not even Tint: a text this size is a mistake (a log, generated data), not a kernel being written.
        analysis = refused();
      } else if (language === "triton") {
        const grammar = await this.pythonGrammar();
        if (stale()) return this.states.get(doc.uri);
        const compiled = this.compiledTriton(doc.uri, text, settings);
        let session = mode === "full" ? this.tritonSessions.get(doc.uri) : undefined;
        if (mode === "full" && !session) this.tritonSessions.set(doc.uri, (session = new TritonSession()));
        const triton = analyzeTritonFile(text, { model: mode === "full" ? { ...modelOptions(), compiled } : undefined, timeMs: TRITON_FILE_BUDGET_MS, session }, grammar);
        // Closed while it ran, or no longer modelled: the session is handed back.
        if (session && this.tritonSessions.get(doc.uri) !== session) session.dispose();
        if (mode !== "full") {
          this.tritonSessions.get(doc.uri)?.dispose();
          this.tritonSessions.delete(doc.uri);
        }
        analysis = limit ? { ...triton, diagnostics: sortDiagnostics([limit, ...triton.diagnostics]) } : triton;
      } else if (language === "cuda") {
        const grammar = await this.cudaGrammar();
        if (stale()) return this.states.get(doc.uri);
        // No Tint and no compiler: the CUDA front-end reads the text, with the setting's defines and the same includes.
        const compiled = this.compiledCuda(doc.uri, text, settings);
        // Only a document that models keeps a session (a large one's tree and copies would hold its memory).
        let session = mode === "full" ? this.cudaSessions.get(doc.uri) : undefined;
        if (mode === "full" && !session) this.cudaSessions.set(doc.uri, (session = new CudaSession()));
        let cuda = analyzeCudaFile(text, { defines: settings.defines, resolveInclude, model: mode === "full" ? { ...modelOptions(), compiled: compiled?.kernels } : undefined, session }, grammar);
        // Includes count: what is parsed and modelled is the preprocessed text (measured after the fact: the CUDA
        // front-end preprocesses and parses in one call; the include resolver's caps bound what it can read).
        const expanded = cuda.source.pre.text === text ? size.bytes : utf8Bytes(cuda.source.pre.text);
        if (expanded > size.bytes && documentMode(expanded) !== mode) {
          mode = documentMode(expanded);
          limit = limitDiagnostic(mode, expanded, true);
          if (mode === "large") cuda = analyzeCudaFile(text, { defines: settings.defines, resolveInclude }, grammar);
        }
        // Closed while it ran (the session is no longer the document's), or grown past the size that models: handed back.
        if (session && this.cudaSessions.get(doc.uri) !== session) session.dispose();
        if (mode !== "full") {
          this.cudaSessions.get(doc.uri)?.dispose();
          this.cudaSessions.delete(doc.uri);
        }
        if (compiled) cuda = { ...cuda, diagnostics: sortDiagnostics([...cuda.diagnostics, ...compiled.diagnostics]) };
        analysis = mode === "refused" ? refused() : limit ? { ...cuda, diagnostics: sortDiagnostics([limit, ...cuda.diagnostics]) } : cuda;
      } else {
        let prepared = prepareSource(text, {
          defines: settings.defines,
          resolveInclude,
          model: mode === "full" ? modelOptions() : undefined,
        });
        // Includes count: what is parsed and modelled is the preprocessed text.
        const expanded = prepared.pre.text === text ? size.bytes : utf8Bytes(prepared.pre.text);
        if (expanded > size.bytes && documentMode(expanded) !== mode) {
          mode = documentMode(expanded);
          limit = limitDiagnostic(mode, expanded, true);
          if (mode === "large") prepared = { ...prepared, options: { ...prepared.options, model: undefined } };
        }
        if (mode === "refused") analysis = refused();
        else {
          const tint = settings.tintEnable ? this.tint() : undefined;
          const compiled = tint ? await compilePrepared(prepared, tint) : undefined;
          if (stale()) return this.states.get(doc.uri);
          if (compiled) {
            const early = sortDiagnostics([...(limit ? [limit] : []), ...prepared.diagnostics, ...compiled.diagnostics, ...(compiled.failed ? [compiled.failed] : [])]);
            this.publish(doc, version, early, prepared.pre.includedTexts);
          }
          // Let the message go out (the JSON-RPC writer flushes on the event loop) before the parse runs.
          await yieldToEventLoop();
          if (stale()) return this.states.get(doc.uri);
          const source = analyzePrepared(prepared);
          const diagnostics = combine(source, compiled);
          analysis = { language: "wgsl", source, diagnostics: limit ? sortDiagnostics([limit, ...diagnostics]) : diagnostics, timing: { tintMs: compiled?.ms ?? 0, totalMs: performance.now() - started }, tintAvailable: !!tint };
        }
      }
    } catch (err) {
      // The core never throws on bad input; an exception here is a bug, logged and survived.
      this.log(`analysis of ${doc.uri} failed: ${(err as Error).stack ?? err}`);
      return existing;
    }
    if (stale()) return this.states.get(doc.uri);
    if (mode !== (existing?.mode ?? "full")) {
      // Said once, when the document crosses a limit (the diagnostic stays while it is over it).
      if (limit) this.log(`${doc.uri}: ${limit.message}`);
      // The large analysis this one replaces (and, for a large one, any last good parse) is dropped: hand it back.
      if (existing) this.memory.request();
    }
    // Only a document that models keeps a last good parse (for the roofline): a large one's would hold its memory.
    const good = mode !== "full" ? undefined : parsedCleanly(analysis) ? analysis : existing?.lastGood;
    const state: DocumentState = { version, settingsEpoch, document: doc, analysis, lastGood: good, mode };
    this.states.set(doc.uri, state);
    this.publish(doc, version, analysis.diagnostics, includedTextsOf(analysis));
    return state;
  }

  /**
   * A Python document that does not import triton: no state and nothing to publish, except that diagnostics a version
   * which did import triton published are cleared (once).
   */
  private notRead(doc: TextDocument): undefined {
    const had = this.states.get(doc.uri);
    this.states.delete(doc.uri);
    // What the last Triton analysis kept for the next is of no use to a file that is not read.
    this.tritonSessions.get(doc.uri)?.dispose();
    this.tritonSessions.delete(doc.uri);
    if (had || this.published.has(doc.uri)) {
      this.published.delete(doc.uri);
      for (const l of this.listeners) l({ document: doc, version: doc.version, diagnostics: [], includedTexts: new Map() });
    }
    return undefined;
  }

  /** What Triton's compiler gave for exactly this text under these settings, where the exact path has run. */
  compiledTriton: (uri: string, text: string, settings: ServerSettings) => readonly TritonCompiledKernel[] | undefined = () => undefined;

  /** Measured profiles of local adapters (from Calibrate), re-read at most every few seconds. */
  private measured: { at: number; devices: DeviceSpec[] } = { at: -Infinity, devices: [] };
  private measuredDevices(): DeviceSpec[] {
    if (Date.now() - this.measured.at > 5000) {
      try {
        this.measured = { at: Date.now(), devices: measuredDevices() };
      } catch (err) {
        this.log(`reading calibration profiles failed: ${(err as Error).message}`);
        this.measured = { at: Date.now(), devices: [] };
      }
    }
    return this.measured.devices;
  }

  /** The device of the setting (a datasheet id or a measured profile); an unknown id falls back to the default, logged once. */
  private deviceFor(settings: ServerSettings): DeviceSpec {
    const measured = settings.device.startsWith("measured") ? this.measuredDevices() : [];
    const found = lookupDevice(settings.device, measured);
    if (found.device) return found.device;
    if (!this.warnedDevices.has(settings.device)) {
      this.warnedDevices.add(settings.device);
      this.log(`kernellens.device: unknown device '${settings.device}'; using ${DEFAULT_DEVICE_ID}. Known: ${listDevices().map((d) => d.id).join(", ")}`);
    }
    return findDevice(DEFAULT_DEVICE_ID)!;
  }
  private readonly warnedDevices = new Set<string>();
}

/**
 * Milliseconds after which a Triton file's analysis starts no further kernel or configuration. Each configuration is
 * lowered and modelled on its own (a 3-config autotuned matmul takes 1 to 2 s on a loaded 2-core machine), and a
 * configuration dropped here is missing from the lens, the hover and the design space, so the budget is generous.
 */
const TRITON_FILE_BUDGET_MS = 8000;

/** The files an analysis read through `#include` (Python has none). */
export function includesOf(analysis: FileAnalysis): readonly string[] {
  return analysis.language === "triton" ? [] : analysis.source.pre.includes;
}

/** The included files' texts, for diagnostics that point into them (Python has none). */
export function includedTextsOf(analysis: FileAnalysis): ReadonlyMap<string, string> {
  return analysis.language === "triton" ? new Map() : analysis.source.pre.includedTexts;
}

/** Resolves after expired timers (the timers phase) and pending I/O (the poll phase) have had their turn. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
}

export function uriToPath(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === "file" ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}
