// Keeps the latest analysis of every open WGSL document: debounced on typing, stale results dropped, includes tracked.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { analyzeFile, type FileAnalysis } from "../analysisService";
import type { IncludeResolution } from "../core/preprocess/preprocess";
import type { TintCompiler } from "../tint/tintCompiler";
import type { ServerSettings } from "./settings";

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

export class DocumentAnalyses {
  private readonly states = new Map<string, DocumentState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Map<string, Promise<DocumentState | undefined>>();
  private readonly listeners: ((state: DocumentState) => void)[] = [];

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settingsFor: (uri: string) => Promise<ServerSettings>,
    private readonly tint: () => TintCompiler | undefined,
    private readonly workspaceFolders: () => readonly string[],
    private readonly log: (message: string) => void,
  ) {}

  /** Called with every fresh analysis (to publish diagnostics). */
  onAnalyzed(listener: (state: DocumentState) => void): void {
    this.listeners.push(listener);
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
    let analysis: FileAnalysis;
    try {
      analysis = await analyzeFile(
        text,
        { defines: settings.defines, resolveInclude: (path, fromKey) => this.resolveInclude(doc.uri, path, fromKey, settings) },
        settings.tintEnable ? this.tint() : undefined,
      );
    } catch (err) {
      // The core never throws on bad input; an exception here is a bug, logged and survived.
      this.log(`analysis of ${doc.uri} failed: ${(err as Error).stack ?? err}`);
      return existing;
    }
    // Drop results for a version the user has already typed past; the newer one is on its way.
    const now = this.documents.get(doc.uri);
    if (!now || now.version !== version) return this.states.get(doc.uri);
    const good = analysis.source.module.errors.length === 0 ? analysis : existing?.lastGood;
    const state: DocumentState = { version, document: doc, analysis, lastGood: good };
    this.states.set(doc.uri, state);
    for (const l of this.listeners) l(state);
    return state;
  }

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
