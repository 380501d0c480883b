// What the Kernels and Roofline panel hosts share: a webview panel that follows the active kernel editor (WGSL or
// CUDA: analysedDocuments.ts), refreshes what it shows as that document changes (a newer refresh cancels an older one
// still running), loads its page, and reveals a range of the document it shows in the editor column it follows.
//
// A subclass says how to turn a document into its page's message (`messageFor`), how to post it, and what its page
// sends; it adds the change events it refreshes on (typing, diagnostics, settings).
import { posix } from "node:path";
import * as vscode from "vscode";
import type { WireRange } from "../../../server/src/protocol";
import { loadWebviewHtml, webviewRoot } from "./webviewHtml";
import { isAnalysedDocument } from "../analysedDocuments";

/** Typing fires a change per keystroke; the server re-analyses after its own debounce, so wait a little longer. */
const refreshDelayMs = 300;

export interface FollowingPanelSpec {
  /** The page under dist/webview/ (`kernels`, `roofline`). */
  readonly page: string;
  /** The panel's title; `Title: file.wgsl` while it follows a document. */
  readonly title: string;
  /** How log lines start: `kernels panel`. */
  readonly logName: string;
  /** The request a refresh makes, for the log: `documentKernels`. */
  readonly request: string;
  /** The page's text with no kernel document to follow, and when the request failed. */
  readonly noDocumentReason: string;
  readonly failureReason: string;
  /** Whether a reveal selects the whole range or puts the cursor at its start. */
  readonly revealSelects: "range" | "start";
  readonly extensionUri: vscode.Uri;
  readonly log: (message: string) => void;
}

export function followingWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

/** Creates the webview panel of a following panel: beside the editor, without taking focus from it. */
export function createFollowingWebviewPanel(viewType: string, title: string, extensionUri: vscode.Uri): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    { ...followingWebviewOptions(extensionUri), retainContextWhenHidden: false, enableFindWidget: false },
  );
}

export function isKernelEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor !== undefined && isAnalysedDocument(editor.document);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export abstract class EditorFollowingPanel<M extends { readonly type: string }> implements vscode.Disposable {
  protected readonly disposables: vscode.Disposable[] = [];
  /** The document the panel follows: the last kernel editor that was active (focus on the panel itself keeps it). */
  protected target: vscode.Uri | undefined;
  protected targetColumn: vscode.ViewColumn | undefined;
  /** URI of the document the page shows; `reveal` is honoured for that document only. */
  protected shownUri: string | undefined;
  /** The page listens only after it sent `ready`; without retained context it reloads each time it is shown. */
  protected pageReady = false;
  protected disposed = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: vscode.CancellationTokenSource | undefined;

  protected constructor(
    protected readonly panel: vscode.WebviewPanel,
    protected readonly spec: FollowingPanelSpec,
  ) {
    // A restored panel comes back without options, so they are set here for both paths.
    panel.webview.options = followingWebviewOptions(spec.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.onPageMessage(message)),
      panel.onDidChangeViewState(() => {
        // A hidden page is torn down; it sends `ready` again when shown.
        if (!panel.visible) this.pageReady = false;
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!this.isTarget(document.uri)) return;
        this.target = undefined;
        this.updateTitle();
        void this.refresh();
      }),
    );
  }

  /** Follows the active (or a visible) kernel editor and loads the page: the subclass's constructor calls it last. */
  protected start(): void {
    const active = vscode.window.activeTextEditor;
    this.follow(isKernelEditor(active) ? active : vscode.window.visibleTextEditors.find(isKernelEditor));
    void this.setHtml();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.refreshTimer);
    this.inFlight?.cancel();
    this.inFlight?.dispose();
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** The page's message for a document (`uri` as `uri.toString()` writes it); may reject, which is logged. */
  protected abstract messageFor(uri: string, token: vscode.CancellationToken): Promise<M>;
  /** The page's "nothing to show, because..." message. */
  protected abstract emptyMessage(reason: string): M;
  /** Posts a message to the page (and notes what it shows). */
  protected abstract post(message: M): void;
  protected abstract onPageMessage(raw: unknown): void;
  /** After a refresh posted its message. */
  protected afterRefresh(_message: M): void {}

  private async setHtml(): Promise<void> {
    try {
      this.panel.webview.html = await loadWebviewHtml(this.panel.webview, this.spec.extensionUri, this.spec.page);
    } catch (err) {
      // Most likely dist/webview is missing (an unbuilt checkout): say so in the log and in the panel.
      this.spec.log(`${this.spec.logName}: could not load its page: ${errorText(err)}`);
      if (!this.disposed) this.panel.webview.html = `<!DOCTYPE html><p>The ${this.spec.title} page could not be loaded; see the KernelLens log.</p>`;
    }
  }

  protected isTarget(uri: vscode.Uri): boolean {
    return this.target !== undefined && uri.toString() === this.target.toString();
  }

  /** Follows a kernel editor; any other editor (or none, when the panel itself has focus) leaves the panel as it is. */
  private follow(editor: vscode.TextEditor | undefined): void {
    if (!isKernelEditor(editor)) return;
    this.targetColumn = editor.viewColumn ?? this.targetColumn;
    if (this.isTarget(editor.document.uri)) return;
    this.target = editor.document.uri;
    this.updateTitle();
    void this.refresh();
  }

  protected updateTitle(): void {
    this.panel.title = this.target ? `${this.spec.title}: ${posix.basename(this.target.path)}` : this.spec.title;
  }

  protected scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), refreshDelayMs);
  }

  /** Builds the followed document's message and posts it; a newer refresh cancels an older one still running. */
  protected async refresh(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.inFlight?.cancel();
    this.inFlight?.dispose();
    this.inFlight = undefined;
    // The page asks with `ready` when it can listen; fetching before that would be thrown away.
    if (!this.pageReady || this.disposed) return;
    const target = this.target;
    if (!target) {
      this.post(this.emptyMessage(this.spec.noDocumentReason));
      return;
    }
    const source = new vscode.CancellationTokenSource();
    this.inFlight = source;
    const uri = target.toString();
    let message: M;
    try {
      message = await this.messageFor(uri, source.token);
      if (source.token.isCancellationRequested || this.disposed) return;
    } catch (err) {
      if (source.token.isCancellationRequested || this.disposed) return;
      this.spec.log(`${this.spec.logName}: ${this.spec.request} failed for ${uri}: ${errorText(err)}`);
      message = this.emptyMessage(this.spec.failureReason);
    } finally {
      if (this.inFlight === source) this.inFlight = undefined;
      source.dispose();
    }
    this.post(message);
    this.afterRefresh(message);
  }

  /** Opens the shown document at a range, in the editor column the panel follows. */
  protected async reveal(uriText: string, range: WireRange): Promise<void> {
    // The page may only point into the document it was given, never make the host open an arbitrary URI.
    if (uriText !== this.shownUri) {
      this.spec.log(`${this.spec.logName}: ignored reveal of ${uriText}: not the document the panel shows`);
      return;
    }
    try {
      const start = new vscode.Position(range.start.line, range.start.character);
      const whole = new vscode.Range(start, new vscode.Position(range.end.line, range.end.character));
      const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uriText, true), {
        viewColumn: this.targetColumn ?? vscode.ViewColumn.One,
        selection: this.spec.revealSelects === "range" ? whole : new vscode.Range(start, start),
        preserveFocus: false,
      });
      editor.revealRange(whole, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      this.spec.log(`${this.spec.logName}: could not reveal ${uriText}: ${errorText(err)}`);
    }
  }
}
