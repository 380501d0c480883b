// Host side of the Kernels panel: follows the active WGSL editor, posts its entry points to the page, reveals the one picked.
//
// The panel does not own the language client: it gets a `fetchKernels` function, so it works (and shows why it
// is empty) whether or not the server is running. Everything the page sends is checked before it is acted on.
import { posix } from "node:path";
import * as vscode from "vscode";
import type { DocumentKernelsResult, WireRange } from "../../../server/src/protocol";
import { documentKernelsResultChecker, pageToHostChecker, type HostToPage } from "../../../webview/src/kernels/protocol";
import { assertNever, check } from "../../../webview/src/shared/messages";
import { loadWebviewHtml, webviewRoot } from "./webviewHtml";

export interface KernelsPanelDeps {
  /**
   * Asks the language server for `kernellens/documentKernels` of a document URI (as `uri.toString()` writes it).
   * Resolves to undefined when there is no answer to show (server not running). May reject; the panel logs it.
   */
  fetchKernels(uri: string, token: vscode.CancellationToken): Promise<DocumentKernelsResult | undefined>;
  /** Writes a line to the extension's log; the panel never shows popups for its own problems. */
  log(message: string): void;
}

interface PanelContext {
  extensionUri: vscode.Uri;
  deps: KernelsPanelDeps;
}

const languageId = "wgsl";
const commandId = "kernellens.showKernels";
/** Typing fires a change per keystroke; the server re-analyses after its own debounce, so wait a little longer. */
const refreshDelayMs = 300;

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

function isKernelEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor?.document.languageId === languageId;
}

export class KernelsPanel implements vscode.Disposable {
  static readonly viewType = "kernellens.kernels";
  private static current: KernelsPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  /** The document the panel follows: the last WGSL editor that was active (focus on the panel itself keeps it). */
  private target: vscode.Uri | undefined;
  private targetColumn: vscode.ViewColumn | undefined;
  /** URI of the document whose kernels the page shows; `reveal` is honoured for that document only. */
  private shownUri: string | undefined;
  /** The page listens only after it sent `ready`; without retained context it reloads each time it is shown. */
  private pageReady = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: vscode.CancellationTokenSource | undefined;
  private disposed = false;

  /** Shows the panel beside the editor, creating it if needed, without taking focus from the editor. */
  static createOrShow(ctx: PanelContext): KernelsPanel {
    if (KernelsPanel.current) {
      KernelsPanel.current.panel.reveal(undefined, true);
      return KernelsPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      KernelsPanel.viewType,
      "Kernels",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { ...webviewOptions(ctx.extensionUri), retainContextWhenHidden: false, enableFindWidget: false },
    );
    return KernelsPanel.revive(panel, ctx);
  }

  /** Takes over a panel VS Code restored after a reload (through the serializer) or one just created. */
  static revive(panel: vscode.WebviewPanel, ctx: PanelContext): KernelsPanel {
    KernelsPanel.current?.dispose();
    KernelsPanel.current = new KernelsPanel(panel, ctx);
    return KernelsPanel.current;
  }

  static disposeCurrent(): void {
    KernelsPanel.current?.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
  ) {
    // A restored panel comes back without options, so they are set here for both paths.
    panel.webview.options = webviewOptions(ctx.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.onPageMessage(message)),
      panel.onDidChangeViewState(() => {
        // A hidden page is torn down; it sends `ready` again when shown.
        if (!panel.visible) this.pageReady = false;
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.isTarget(event.document.uri)) this.scheduleRefresh();
      }),
      vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((uri) => this.isTarget(uri))) this.scheduleRefresh();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!this.isTarget(document.uri)) return;
        this.target = undefined;
        this.updateTitle();
        void this.refresh();
      }),
    );
    const active = vscode.window.activeTextEditor;
    this.follow(isKernelEditor(active) ? active : vscode.window.visibleTextEditors.find(isKernelEditor));
    void this.setHtml();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (KernelsPanel.current === this) KernelsPanel.current = undefined;
    clearTimeout(this.refreshTimer);
    this.inFlight?.cancel();
    this.inFlight?.dispose();
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async setHtml(): Promise<void> {
    try {
      this.panel.webview.html = await loadWebviewHtml(this.panel.webview, this.ctx.extensionUri, "kernels");
    } catch (err) {
      // Most likely dist/webview is missing (an unbuilt checkout): say so in the log and in the panel.
      this.ctx.deps.log(`kernels panel: could not load its page: ${errorText(err)}`);
      if (!this.disposed) this.panel.webview.html = "<!DOCTYPE html><p>The Kernels page could not be loaded; see the KernelLens log.</p>";
    }
  }

  private isTarget(uri: vscode.Uri): boolean {
    return this.target !== undefined && uri.toString() === this.target.toString();
  }

  /** Follows a WGSL editor; any other editor (or none, when the panel itself has focus) leaves the panel as it is. */
  private follow(editor: vscode.TextEditor | undefined): void {
    if (!isKernelEditor(editor)) return;
    this.targetColumn = editor.viewColumn ?? this.targetColumn;
    if (this.isTarget(editor.document.uri)) return;
    this.target = editor.document.uri;
    this.updateTitle();
    void this.refresh();
  }

  private updateTitle(): void {
    this.panel.title = this.target ? `Kernels: ${posix.basename(this.target.path)}` : "Kernels";
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), refreshDelayMs);
  }

  /** Fetches the followed document's kernels and posts them; a newer refresh cancels an older one still running. */
  private async refresh(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.inFlight?.cancel();
    this.inFlight?.dispose();
    this.inFlight = undefined;
    // The page asks with `ready` when it can listen; fetching before that would be thrown away.
    if (!this.pageReady || this.disposed) return;
    const target = this.target;
    if (!target) {
      this.post({ type: "empty", reason: "Open a WGSL file to see its entry points." });
      return;
    }
    const source = new vscode.CancellationTokenSource();
    this.inFlight = source;
    const uri = target.toString();
    let message: HostToPage;
    try {
      const result = await this.ctx.deps.fetchKernels(uri, source.token);
      if (source.token.isCancellationRequested || this.disposed) return;
      message = this.toMessage(uri, result);
    } catch (err) {
      if (source.token.isCancellationRequested || this.disposed) return;
      this.ctx.deps.log(`kernels panel: documentKernels failed for ${uri}: ${errorText(err)}`);
      message = { type: "empty", reason: "Could not get the entry points of this file; see the KernelLens log." };
    } finally {
      if (this.inFlight === source) this.inFlight = undefined;
      source.dispose();
    }
    this.post(message);
  }

  private toMessage(uri: string, result: DocumentKernelsResult | undefined): HostToPage {
    if (result === undefined || result === null) {
      return { type: "empty", reason: "The language server has not analysed this file (is it running?)." };
    }
    // Checked here too, so a server bug shows up in the log with its cause instead of as an invalid page message.
    const checked = check(documentKernelsResultChecker, result, "result");
    if (!checked.ok) {
      this.ctx.deps.log(`kernels panel: ignored a malformed documentKernels result for ${uri}: ${checked.detail}`);
      return { type: "empty", reason: "The language server sent an answer the panel cannot show; see the KernelLens log." };
    }
    return { type: "kernels", data: checked.value };
  }

  private post(message: HostToPage): void {
    if (this.disposed) return;
    this.shownUri = message.type === "kernels" ? message.data.uri : undefined;
    void this.panel.webview.postMessage(message);
  }

  private onPageMessage(raw: unknown): void {
    const checked = check(pageToHostChecker, raw);
    if (!checked.ok) {
      this.ctx.deps.log(`kernels panel: ignored an invalid message from the page: ${checked.detail}`);
      return;
    }
    const message = checked.value;
    switch (message.type) {
      case "ready":
        this.pageReady = true;
        void this.refresh();
        return;
      case "reveal":
        void this.reveal(message.uri, message.range);
        return;
      case "invalidMessage":
        this.ctx.deps.log(`kernels panel: the page ignored a message: ${message.detail}`);
        return;
      default:
        assertNever(message, "page message");
    }
  }

  /** Opens the shown document at an entry point, in the editor column the panel follows. */
  private async reveal(uriText: string, range: WireRange): Promise<void> {
    // The page may only point into the document it was given, never make the host open an arbitrary URI.
    if (uriText !== this.shownUri) {
      this.ctx.deps.log(`kernels panel: ignored reveal of ${uriText}: not the document the panel shows`);
      return;
    }
    try {
      const start = new vscode.Position(range.start.line, range.start.character);
      const whole = new vscode.Range(start, new vscode.Position(range.end.line, range.end.character));
      const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uriText, true), {
        viewColumn: this.targetColumn ?? vscode.ViewColumn.One,
        selection: new vscode.Range(start, start),
        preserveFocus: false,
      });
      editor.revealRange(whole, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      this.ctx.deps.log(`kernels panel: could not reveal ${uriText}: ${errorText(err)}`);
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Registers the `kernellens.showKernels` command and the panel's serializer (which brings the panel back after a
 * window reload). Returns the disposables; disposing them also closes an open panel.
 */
export function registerKernelsPanel(context: vscode.ExtensionContext, deps: KernelsPanelDeps): vscode.Disposable[] {
  const ctx: PanelContext = { extensionUri: context.extensionUri, deps };
  return [
    vscode.commands.registerCommand(commandId, () => {
      KernelsPanel.createOrShow(ctx);
    }),
    vscode.window.registerWebviewPanelSerializer(KernelsPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        KernelsPanel.revive(panel, ctx);
      },
    }),
    new vscode.Disposable(() => KernelsPanel.disposeCurrent()),
  ];
}
