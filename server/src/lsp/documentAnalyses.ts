// Keeps the latest analysis of every open WGSL document: debounced on typing, stale results dropped, includes tracked.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { combine, compilePrepared, type FileAnalysis, sortDiagnostics } from "../analysisService";
import { analyzePrepared, prepareSource } from "../core/analysis/sourceAnalysis";
import type { CoreDiagnostic } from "../core/diagnostic";
import type { IncludeResolution } from "../core/preprocess/preprocess";
import type { TintCompiler } from "../tint/tintCompiler";
import type { ServerSettings } from "./settings";
import { DEFAULT_DEVICE_ID, findDevice, listDevices, lookupDevice } from "../core/devices/database";
import type { DeviceSpec } from "../core/devices/device";
import { measuredDevices } from "../run/profiles";

export interface DocumentState {
  readonly version: number;
  readonly document: TextDocument;
  readonly analysis: FileAnalysis;
  /**
   * The latest analysis whose parse had no syntax errors. While the author is in the middle of typing, features
   * that need a whole kernel (the cost model) keep using it.
   */
  readonly lastGood: FileAnalysis | undefined;
}

const MAX_INCLUDE_BYTES = 4 * 1024 * 1024;

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
  /** What was last published per document, so an unchanged set is not sent twice. */
  private readonly published = new Map<string, string>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settingsFor: (uri: string) => Promise<ServerSettings>,
    private readonly tint: () => TintCompiler | undefined,
    private readonly workspaceFolders: () => readonly string[],
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Called with diagnostics to publish. For each version this happens up to twice: first as soon as Tint has
   * compiled the text (with the directive and preprocessor problems, which need no parse), then with the full
   * analysis once the parse and the checks are done, if that adds anything.
   */
  onPublish(listener: (p: Publication) => void): void {
    this.listeners.push(listener);
  }

  private publish(document: TextDocument, version: number, diagnostics: readonly CoreDiagnostic[], includedTexts: ReadonlyMap<string, string>): void {
    const key = `${version}:${JSON.stringify(diagnostics)}`;
    if (this.published.get(document.uri) === key) return;
    this.published.set(document.uri, key);
    for (const l of this.listeners) l({ document, version, diagnostics, includedTexts });
  }

  get(uri: string): DocumentState | undefined {
    return this.states.get(uri);
  }

  /** The current analysis, computing it now if the document changed since the last one. */
  async current(uri: string): Promise<DocumentState | undefined> {
    const doc = this.documents.get(uri);
    if (!doc) return this.states.get(uri);
    const state = this.states.get(uri);
    if (state && state.version === doc.version) return state;
    return this.analyzeNow(uri);
  }

  /** Re-analyses after `delayMs` of quiet; a newer call replaces a pending one. */
  schedule(uri: string, delayMs: number): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
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
      if (uri !== changedUri && state.analysis.source.pre.includes.includes(path)) this.schedule(uri, delayMs);
    }
  }

  forget(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    this.states.delete(uri);
    this.published.delete(uri);
  }

  private analyzeNow(uri: string): Promise<DocumentState | undefined> {
    const doc = this.documents.get(uri);
    if (!doc) return Promise.resolve(undefined);
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
    if (existing && existing.version === doc.version) return existing;
    const version = doc.version;
    const settings = await this.settingsFor(doc.uri);
    const text = doc.getText();
    const stale = (): boolean => this.documents.get(doc.uri)?.version !== version;
    let analysis: FileAnalysis;
    try {
      const started = performance.now();
      const prepared = prepareSource(text, {
        defines: settings.defines,
        resolveInclude: (path, fromKey) => this.resolveInclude(doc.uri, path, fromKey, settings),
        model: { device: this.deviceFor(settings) },
      });
      const tint = settings.tintEnable ? this.tint() : undefined;
      const compiled = tint ? await compilePrepared(prepared, tint) : undefined;
      // Drop results for a version the user has already typed past; the newer one is on its way.
      if (stale()) return this.states.get(doc.uri);
      if (compiled) {
        const early = sortDiagnostics([...prepared.diagnostics, ...compiled.diagnostics, ...(compiled.failed ? [compiled.failed] : [])]);
        this.publish(doc, version, early, prepared.pre.includedTexts);
        // Let the message go out (the JSON-RPC writer flushes on the event loop) before the parse runs.
        await new Promise((resolve) => setImmediate(resolve));
        if (stale()) return this.states.get(doc.uri);
      }
      const source = analyzePrepared(prepared);
      analysis = { source, diagnostics: combine(source, compiled), timing: { tintMs: compiled?.ms ?? 0, totalMs: performance.now() - started }, tintAvailable: !!tint };
    } catch (err) {
      // The core never throws on bad input; an exception here is a bug, logged and survived.
      this.log(`analysis of ${doc.uri} failed: ${(err as Error).stack ?? err}`);
      return existing;
    }
    if (stale()) return this.states.get(doc.uri);
    const good = analysis.source.module.errors.length === 0 ? analysis : existing?.lastGood;
    const state: DocumentState = { version, document: doc, analysis, lastGood: good };
    this.states.set(doc.uri, state);
    this.publish(doc, version, analysis.diagnostics, analysis.source.pre.includedTexts);
    return state;
  }

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

  private resolveInclude(docUri: string, path: string, fromKey: string, settings: ServerSettings): IncludeResolution {
    const docPath = uriToPath(docUri);
    const fromDir = fromKey ? dirname(fromKey) : docPath ? dirname(docPath) : undefined;
    const searched: string[] = [];
    const dirs: string[] = [];
    if (isAbsolute(path)) dirs.push("");
    if (fromDir) dirs.push(fromDir);
    for (const p of settings.includePaths) {
      if (isAbsolute(p)) dirs.push(p);
      else for (const folder of this.workspaceFolders()) dirs.push(join(folder, p));
    }
    for (const dir of dirs) {
      const full = dir ? resolve(dir, path) : path;
      searched.push(dir || "/");
      // An open editor's text wins over the file on disk, so edits to an include show up before saving.
      const open = this.documents.get(URI.file(full).toString());
      if (open) return { key: full, text: open.getText() };
      try {
        if (existsSync(full) && statSync(full).isFile()) {
          if (statSync(full).size > MAX_INCLUDE_BYTES) return { error: `'${full}' is larger than ${MAX_INCLUDE_BYTES >> 20} MiB` };
          return { key: full, text: readFileSync(full, "utf8") };
        }
      } catch (err) {
        return { error: `cannot read '${full}': ${(err as Error).message}` };
      }
    }
    if (!docPath && !fromKey) return { error: "the document is not saved in a folder, so relative includes cannot be found" };
    return { error: `file not found (searched: ${searched.join(", ")}); add its folder to the setting kernellens.preprocessor.includePaths` };
  }
}

export function uriToPath(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === "file" ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}
