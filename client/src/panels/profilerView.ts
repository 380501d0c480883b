// Host side of the Profiler (KernelLens activity bar, and the same page wide in an editor tab): posts the run history of every workspace folder, opens, exports and live-updates.
//
// Each page (the side bar's view, the editor tab) has a ProfilerPage that reads the history files itself (readHistory,
// through server/src/engine.ts) and the calibration profiles (for "% of roof"); the run commands tell every page about
// a new run through `notifyRunRecorded`, and one file watcher catches runs the CLI records. Everything a page sends is
// checked before the host acts on it: `reveal` opens only files the posted rows name, `export` writes only where the
// person picks in the save dialog, and `openInEditor` only opens (or shows) the editor tab.
import { basename, isAbsolute } from "node:path";
import * as vscode from "vscode";
import { assertNever, check, readHistory, loadProfiles, type CalibrationProfile, type HistoryRecord } from "../../../server/src/engine";
import { pageToHostChecker, profilerRowChecker, type ExportFormat, type HostToPage, type MeasuredRoof, type ProfilerRow, type ProfilerSurface } from "../../../webview/src/profiler/protocol";
import { findEntryPoint, historyCsv, historyJson, revealDecision, roofsByAdapter, rowFromRecord, RowIds } from "./profilerRows";
import { ProfilerEditorPanel } from "./profilerEditorPanel";
import { loadWebviewHtml, webviewRoot } from "./webviewHtml";

export interface ProfilerViewDeps {
  /** Writes a line to the extension's log; the view never shows popups for its own problems. */
  log(message: string): void;
}

const viewType = "kernellens.profiler";
/** Runs read per folder: the newest ones, far more than a person scrolls through, few enough to read in a blink. */
const historyLimit = 20_000;
/** A watcher event comes per write; a burst of runs (a sweep) is read once. */
const refreshDelayMs = 300;
/** More new runs than this at once (a history copied in) are posted as a whole new history rather than one by one. */
const maxAppends = 200;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Where a row's file is, and whether `reveal` may open it (outside the workspace: only when it is trusted). */
type RowFile = { readonly uri: vscode.Uri } | { readonly refused: string };

interface Listing {
  rows: ProfilerRow[];
  roofs: MeasuredRoof[];
  truncated: boolean;
  /** Where each row's `file` is, for `reveal`. */
  files: Map<string, RowFile>;
}

/**
 * One Profiler page and what it has been sent: its rows' ids (so a refresh posts only what is new) and files (what
 * `reveal` may open). The page reloads when hidden (no retained context) and says `ready` again; until then nothing
 * is posted to it.
 */
export class ProfilerPage implements vscode.Disposable {
  /** The page listens only after it sent `ready`. */
  private pageReady = false;
  /** Files the rows posted name, and where they are: `reveal` opens these (those it may) and nothing else. */
  private files = new Map<string, RowFile>();
  /** Ids of the rows the page has, so a refresh posts only what is new. */
  private postedIds = new Set<string>();
  private ids = new RowIds();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly surface: ProfilerSurface,
    private readonly extensionUri: vscode.Uri,
    private readonly deps: ProfilerViewDeps & { openInEditor(): void },
  ) {
    webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
    this.disposables.push(webview.onDidReceiveMessage((message: unknown) => this.onPageMessage(message)));
    void this.setHtml();
  }

  /** The page was hidden and torn down: it says `ready` again when shown. */
  hidden(): void {
    this.pageReady = false;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pageReady = false;
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /**
   * A run was appended to the history of `folder` (its fsPath; the workspace folder holding the file when absent):
   * the page shows it at once. A hidden page gets it with the whole history when shown again.
   */
  notifyRunRecorded(record: HistoryRecord, folder?: string): void {
    if (!this.pageReady || this.disposed) return;
    const target = this.folderOf(record, folder);
    if (!target) {
      // A relative file without its folder in a multi-root workspace: reading everything again places it right.
      this.scheduleRefresh();
      return;
    }
    try {
      const placed = this.placeRecordFile(target.uri, record.file);
      const row = this.withPlace(rowFromRecord(record, this.roofs(), this.prefixOf(target), this.ids), placed);
      if (!this.checkRow(row)) return;
      this.files.set(row.file, placed.file);
      this.postedIds.add(row.id);
      this.post({ type: "append", run: row });
    } catch (err) {
      this.deps.log(`profiler view: could not show the run just recorded: ${errorText(err)}`);
    }
  }

  private async setHtml(): Promise<void> {
    try {
      const html = await loadWebviewHtml(this.webview, this.extensionUri, "profiler");
      if (!this.disposed) this.webview.html = html;
    } catch (err) {
      // Most likely dist/webview is missing (an unbuilt checkout): say so in the log and in the view.
      this.deps.log(`profiler view: could not load its page: ${errorText(err)}`);
      if (!this.disposed) this.webview.html = "<!DOCTYPE html><p>The Profiler page could not be loaded; see the KernelLens log.</p>";
    }
  }

  private folderOf(record: HistoryRecord, folder: string | undefined): vscode.WorkspaceFolder | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folder !== undefined) return folders.find((f) => f.uri.scheme === "file" && f.uri.fsPath === folder) ?? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder));
    if (isAbsolute(record.file)) return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(record.file));
    return folders.length === 1 ? folders[0] : undefined;
  }

  /** In a multi-root workspace a relative file reads `folder/path`, so two folders' `saxpy.wgsl` stay apart. */
  private prefixOf(folder: vscode.WorkspaceFolder): string {
    return (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `${folder.name}/` : "";
  }

  /** Where a record's file is and whether it may be opened: inside the workspace folders, or anywhere when trusted. */
  private placeRecordFile(folder: vscode.Uri, file: string): { file: RowFile; outside: boolean } {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
    const decision = revealDecision(folder.fsPath, file, folders, vscode.workspace.isTrusted);
    return { file: decision.allowed ? { uri: vscode.Uri.file(decision.path) } : { refused: decision.reason }, outside: decision.outside };
  }

  /** The row, marked when its file is outside the workspace. */
  private withPlace(row: ProfilerRow, placed: { outside: boolean }): ProfilerRow {
    return placed.outside ? { ...row, outside: true } : row;
  }

  private loadProfilesSafely(): CalibrationProfile[] {
    try {
      return loadProfiles();
    } catch (err) {
      this.deps.log(`profiler view: calibration profiles could not be read: ${errorText(err)}`);
      return [];
    }
  }

  private roofs(): Map<string, MeasuredRoof> {
    return roofsByAdapter(this.loadProfilesSafely());
  }

  /** Rows are made to pass the page's check; one that does not is a bug, logged with its cause rather than posted. */
  private checkRow(row: ProfilerRow): boolean {
    const checked = check(profilerRowChecker, row, "row");
    if (!checked.ok) this.deps.log(`profiler view: left out a run the page would refuse: ${checked.detail}`);
    return checked.ok;
  }

  /** Every folder's history as rows. Reads synchronously: history.ts has no async reader, and 20,000 lines take milliseconds. */
  private readAll(): Listing {
    const roofs = this.roofs();
    const ids = new RowIds();
    const rows: ProfilerRow[] = [];
    const files = new Map<string, RowFile>();
    let truncated = false;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      // The history is a local file; a remote or virtual folder has none the extension host can read.
      if (folder.uri.scheme !== "file") continue;
      let records: HistoryRecord[];
      try {
        records = readHistory(folder.uri.fsPath, { limit: historyLimit });
      } catch (err) {
        this.deps.log(`profiler view: could not read the run history of ${folder.name}: ${errorText(err)}`);
        continue;
      }
      truncated ||= records.length >= historyLimit;
      const prefix = this.prefixOf(folder);
      const places = new Map<string, ReturnType<ProfilerPage["placeRecordFile"]>>();
      for (const record of records) {
        // One look at the file system per distinct file, not per run.
        let placed = places.get(record.file);
        if (!placed) places.set(record.file, (placed = this.placeRecordFile(folder.uri, record.file)));
        const row = this.withPlace(rowFromRecord(record, roofs, prefix, ids), placed);
        if (!this.checkRow(row)) continue;
        rows.push(row);
        if (!files.has(row.file)) files.set(row.file, placed.file);
      }
    }
    this.ids = ids;
    return { rows, roofs: [...roofs.values()], truncated, files };
  }

  scheduleRefresh(whole = false): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(whole), refreshDelayMs);
  }

  /**
   * Reads the histories again and posts what changed: the new runs one by one when the page has every older one
   * (a run recorded by the CLI), else the whole history (a file cleared or replaced, a folder added).
   */
  private refresh(whole = false): void {
    clearTimeout(this.refreshTimer);
    if (!this.pageReady || this.disposed) return;
    if ((vscode.workspace.workspaceFolders ?? []).length === 0) {
      this.post({ type: "empty", reason: "Open a folder to see the runs recorded in it." });
      return;
    }
    let listing: Listing;
    try {
      listing = this.readAll();
    } catch (err) {
      this.deps.log(`profiler view: could not read the run history: ${errorText(err)}`);
      this.post({ type: "empty", reason: "The run history could not be read; see the KernelLens log." });
      return;
    }
    const ids = new Set(listing.rows.map((r) => r.id));
    const fresh = listing.rows.filter((r) => !this.postedIds.has(r.id));
    const kept = [...this.postedIds].every((id) => ids.has(id));
    this.files = listing.files;
    if (whole || !kept || fresh.length > maxAppends) {
      this.postedIds = ids;
      this.post({ type: "history", rows: listing.rows, roofs: listing.roofs, truncated: listing.truncated });
      return;
    }
    for (const row of fresh) {
      this.postedIds.add(row.id);
      this.post({ type: "append", run: row });
    }
  }

  private post(message: HostToPage): void {
    if (this.disposed) return;
    void this.webview.postMessage(message);
  }

  private onPageMessage(raw: unknown): void {
    const checked = check(pageToHostChecker, raw);
    if (!checked.ok) {
      this.deps.log(`profiler view: ignored an invalid message from the page: ${checked.detail}`);
      return;
    }
    const message = checked.value;
    switch (message.type) {
      case "ready":
        this.pageReady = true;
        // Where the page is comes first: it lays itself out for the side bar or for an editor tab.
        this.post({ type: "surface", surface: this.surface });
        this.refresh(true);
        return;
      case "openInEditor":
        this.deps.openInEditor();
        return;
      case "reveal":
        void this.reveal(message.file, message.entry);
        return;
      case "export":
        void this.export(message.format, message.rows);
        return;
      case "invalidMessage":
        this.deps.log(`profiler view: the page ignored a message: ${message.detail}`);
        return;
      default:
        assertNever(message, "page message");
    }
  }

  /** Opens a run's file at its entry point (`fn NAME`), or at the top when the function is no longer there. */
  private async reveal(file: string, entry: string): Promise<void> {
    // The page may only point at files of the rows it was given, never make the host open an arbitrary path.
    const known = this.files.get(file);
    if (!known) {
      this.deps.log(`profiler view: ignored reveal of ${file}: not a file of the history shown`);
      return;
    }
    if ("refused" in known) {
      // Walking the rows with the keys reveals each one: a status-bar note, not a dialog per row.
      this.deps.log(`profiler view: not opening ${file}: ${known.refused}`);
      vscode.window.setStatusBarMessage(`KernelLens: ${known.refused}`, 5000);
      return;
    }
    const uri = known.uri;
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const at = findEntryPoint(document.getText(), entry);
      if (!at) this.deps.log(`profiler view: ${entry} is no longer in ${file}; opened it at the top`);
      const start = at ? new vscode.Position(at.line, at.character) : new vscode.Position(0, 0);
      const range = new vscode.Range(start, at ? start.translate(0, entry.length) : start);
      // Focus stays in the view, so the runs can be walked with the keys while the editor follows.
      const editor = await vscode.window.showTextDocument(document, { selection: range, preview: true, preserveFocus: true });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      this.deps.log(`profiler view: could not open ${file}: ${errorText(err)}`);
    }
  }

  /** Writes the rows the page showed (already checked) where the person picks, as CSV or JSON. */
  private async export(format: ExportFormat, rows: ProfilerRow[]): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === "file")?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Export ${rows.length.toLocaleString("en-US")} run${rows.length === 1 ? "" : "s"} as ${format.toUpperCase()}`,
      saveLabel: "Export",
      defaultUri: folder ? vscode.Uri.joinPath(folder, `kernellens-runs.${format}`) : undefined,
      filters: format === "csv" ? { CSV: ["csv"] } : { JSON: ["json"] },
    });
    if (!target) return;
    // A byte-order mark lets spreadsheet programs read the CSV as UTF-8 (µ, ×, – in messages and names).
    const text = format === "csv" ? `\uFEFF${historyCsv(rows)}` : historyJson(rows);
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      vscode.window.setStatusBarMessage(`KernelLens: exported ${rows.length.toLocaleString("en-US")} runs to ${basename(target.path)}`, 5000);
    } catch (err) {
      this.deps.log(`profiler view: could not write ${target.toString()}: ${errorText(err)}`);
      // The person asked for this file: not getting it is theirs to know, not only the log's.
      void vscode.window.showErrorMessage(`KernelLens: could not export the runs (${errorText(err)}).`);
    }
  }
}

/**
 * Every Profiler page open (the view, the editor tab) and the one watcher that keeps them current: runs recorded by
 * the CLI (`kernellens run`) land in the same files; folders come and go in a multi-root workspace; files outside the
 * workspace become openable when it is trusted (and keep their note).
 */
class ProfilerPages implements vscode.Disposable {
  private readonly pages = new Set<ProfilerPage>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher("**/.kernellens/history.jsonl");
    const refresh = (whole: boolean) => () => {
      for (const page of this.pages) page.scheduleRefresh(whole);
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(refresh(false)),
      watcher.onDidCreate(refresh(false)),
      watcher.onDidDelete(refresh(true)),
      vscode.workspace.onDidChangeWorkspaceFolders(refresh(true)),
      vscode.workspace.onDidGrantWorkspaceTrust(refresh(true)),
    );
  }

  add(page: ProfilerPage): vscode.Disposable {
    this.pages.add(page);
    return new vscode.Disposable(() => {
      this.pages.delete(page);
      page.dispose();
    });
  }

  notifyRunRecorded(record: HistoryRecord, folder?: string): void {
    for (const page of this.pages) page.notifyRunRecorded(record, folder);
  }

  dispose(): void {
    for (const page of this.pages) page.dispose();
    this.pages.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The side bar's view: one page, made again each time VS Code resolves the view. */
export class ProfilerViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = viewType;
  private viewDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly pages: ProfilerPages,
    private readonly deps: ProfilerViewDeps & { openInEditor(): void },
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
    const page = new ProfilerPage(view.webview, "view", this.extensionUri, this.deps);
    const registration = this.pages.add(page);
    this.viewDisposables.push(
      registration,
      view.onDidChangeVisibility(() => {
        // A hidden page is torn down; it sends `ready` again when shown.
        if (!view.visible) page.hidden();
      }),
      view.onDidDispose(() => registration.dispose()),
    );
  }

  dispose(): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
  }
}

let current: ProfilerPages | undefined;

/**
 * Tells every Profiler page that `record` was just appended to the history of `folder` (an fsPath, as given to
 * appendRun). Call it after appendRun; pages that are not showing get it with the whole history when shown.
 */
export function notifyRunRecorded(record: HistoryRecord, folder?: string): void {
  current?.notifyRunRecorded(record, folder);
}

/**
 * Registers the view's provider for `kernellens.profiler` and returns `show`, the handler of
 * `kernellens.showProfiler` (which focuses the view, opening the KernelLens side bar) and, with `"editor"`, of
 * `kernellens.openProfilerInEditor` (the whole table in an editor tab, opened once and revealed after).
 */
export function registerProfilerView(context: vscode.ExtensionContext, deps: ProfilerViewDeps): vscode.Disposable & { show(where?: unknown): Thenable<unknown> } {
  const pages = new ProfilerPages();
  current = pages;
  const openInEditor = (): ProfilerEditorPanel =>
    ProfilerEditorPanel.show(context.extensionUri, (panel) => {
      const page = new ProfilerPage(panel.webview, "editor", context.extensionUri, { ...deps, openInEditor });
      // A tab in the background is torn down (no retained context); it says `ready` again when shown.
      const visibility = panel.onDidChangeViewState(() => {
        if (!panel.visible) page.hidden();
      });
      return vscode.Disposable.from(pages.add(page), visibility);
    });
  const provider = new ProfilerViewProvider(context.extensionUri, pages, { ...deps, openInEditor });
  const disposables = [
    provider,
    pages,
    vscode.window.registerWebviewViewProvider(viewType, provider, { webviewOptions: { retainContextWhenHidden: false } }),
    new vscode.Disposable(() => {
      ProfilerEditorPanel.current?.dispose();
      if (current === pages) current = undefined;
    }),
  ];
  return {
    show: async (where?: unknown) => {
      if (where === "editor") return openInEditor();
      return vscode.commands.executeCommand(`${viewType}.focus`);
    },
    dispose: () => {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}
