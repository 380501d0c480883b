// Host side of the Kernels panel: follows the active WGSL or CUDA editor, posts its entry points to the page, reveals the one picked.
//
// The panel does not own the language client: it gets a `fetchKernels` function, so it works (and shows why it
// is empty) whether or not the server is running. Everything the page sends is checked before it is acted on.
import * as vscode from "vscode";
import type { DocumentKernelsResult } from "../../../server/src/protocol";
import { documentKernelsResultChecker, pageToHostChecker, type HostToPage } from "../../../webview/src/kernels/protocol";
import { assertNever, check } from "../../../server/src/engine";
import { createFollowingWebviewPanel, EditorFollowingPanel } from "./editorFollowingPanel";

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

export class KernelsPanel extends EditorFollowingPanel<HostToPage> {
  static readonly viewType = "kernellens.kernels";
  private static current: KernelsPanel | undefined;

  /** Shows the panel beside the editor, creating it if needed, without taking focus from the editor. */
  static createOrShow(ctx: PanelContext): KernelsPanel {
    if (KernelsPanel.current) {
      KernelsPanel.current.panel.reveal(undefined, true);
      return KernelsPanel.current;
    }
    return KernelsPanel.revive(createFollowingWebviewPanel(KernelsPanel.viewType, "Kernels", ctx.extensionUri), ctx);
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
    panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
  ) {
    super(panel, {
      page: "kernels",
      title: "Kernels",
      logName: "kernels panel",
      request: "documentKernels",
      noDocumentReason: "Open a WGSL or CUDA file to see its kernels.",
      failureReason: "Could not get the entry points of this file; see the KernelLens log.",
      revealSelects: "start",
      extensionUri: ctx.extensionUri,
      log: (message) => ctx.deps.log(message),
    });
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.isTarget(event.document.uri)) this.scheduleRefresh();
      }),
      vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((uri) => this.isTarget(uri))) this.scheduleRefresh();
      }),
    );
    this.start();
  }

  override dispose(): void {
    if (KernelsPanel.current === this) KernelsPanel.current = undefined;
    super.dispose();
  }

  protected async messageFor(uri: string, token: vscode.CancellationToken): Promise<HostToPage> {
    return this.toMessage(uri, await this.ctx.deps.fetchKernels(uri, token));
  }

  protected emptyMessage(reason: string): HostToPage {
    return { type: "empty", reason };
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

  protected post(message: HostToPage): void {
    if (this.disposed) return;
    this.shownUri = message.type === "kernels" ? message.data.uri : undefined;
    void this.panel.webview.postMessage(message);
  }

  protected onPageMessage(raw: unknown): void {
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
}

/**
 * Registers the panel's serializer (which brings the panel back after a window reload) and returns `show`, the
 * handler of `kernellens.showKernels`. Disposing the result also closes an open panel.
 */
export function registerKernelsPanel(context: vscode.ExtensionContext, deps: KernelsPanelDeps): vscode.Disposable & { show(): void } {
  const ctx: PanelContext = { extensionUri: context.extensionUri, deps };
  const disposables = [
    vscode.window.registerWebviewPanelSerializer(KernelsPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        KernelsPanel.revive(panel, ctx);
      },
    }),
    new vscode.Disposable(() => KernelsPanel.disposeCurrent()),
  ];
  return {
    show: () => KernelsPanel.createOrShow(ctx),
    dispose: () => {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}
