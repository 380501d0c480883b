// Host side of the Roofline panel: follows the active WGSL editor, posts its kernels on a device's roofline, reveals the one picked.
//
// The panel owns no client and no run history: it gets `fetchRoofline` (the server's `kernellens/roofline`) and
// `measuredFor` (latest runs and the calibrated roofs), so it works, and says why it is empty, whether or not the
// server or the GPU helper is running. Everything the page sends is checked before the host acts on it.
import { posix } from "node:path";
import * as vscode from "vscode";
import type { RooflineCeilings, RooflineMeasuredPoint, RooflineResult, WireRange } from "../../../server/src/protocol";
import { ceilingsChecker, measuredPointChecker, pageToHostChecker, rooflineResultChecker, type HostToPage, type RooflineData } from "../../../webview/src/roofline/protocol";
import { assertNever, check } from "../../../webview/src/shared/messages";
import { loadWebviewHtml, webviewRoot } from "./webviewHtml";

/** What the host adds to the server's answer from the client's own records. */
export interface RooflineMeasurements {
  /** The latest timed run of each entry point of the document, by entry-point name. */
  readonly points: ReadonlyMap<string, RooflineMeasuredPoint>;
  /** The local adapter's calibrated roofs, or null before `KernelLens: Calibrate GPU` has run. */
  readonly ceilings: RooflineCeilings | null;
}

export interface RooflinePanelDeps {
  /**
   * Sends `kernellens/roofline` for a document URI (as `uri.toString()` writes it), on `deviceId` or, when undefined,
   * the device of the `kernellens.device` setting. Resolves to undefined when there is no answer to show (server
   * not running). May reject; the panel logs it.
   */
  fetchRoofline(uri: string, deviceId: string | undefined, token: vscode.CancellationToken): Promise<RooflineResult | undefined>;
  /** Latest runs of the document's kernels and the calibrated roofs; undefined when there is nothing measured. */
  measuredFor(uri: string): Promise<RooflineMeasurements | undefined>;
  /** Writes a line to the extension's log; the panel never shows popups for its own problems. */
  log(message: string): void;
}

interface PanelContext {
  extensionUri: vscode.Uri;
  deps: RooflinePanelDeps;
}

const languageId = "wgsl";
const commandId = "kernellens.showRoofline";
/** Typing fires a change per keystroke; the server re-analyses after its own debounce, so wait a little longer. */
const refreshDelayMs = 300;

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

function isKernelEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor?.document.languageId === languageId;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The arguments the `📈 Roofline` code lens passes: `[uri, entry]`, the URI as the server wrote it (a string) or a
 * `vscode.Uri` when another command forwards it. Anything else is ignored: the command then opens on the active file.
 */
export function parseShowArgs(args: readonly unknown[]): { uri: vscode.Uri | undefined; entry: string | undefined } {
  const [rawUri, rawEntry] = args;
  let uri: vscode.Uri | undefined;
  if (rawUri instanceof vscode.Uri) uri = rawUri;
  else if (typeof rawUri === "string" && rawUri.length > 0 && rawUri.length <= 8192) {
    try {
      uri = vscode.Uri.parse(rawUri, true);
    } catch {
      uri = undefined;
    }
  }
  const entry = typeof rawEntry === "string" && rawEntry.length > 0 && rawEntry.length <= 1024 ? rawEntry : undefined;
  return { uri, entry };
}

/** Adds the client's measurements to the server's answer, dropping any that would not pass the page's own check. */
export function mergeMeasurements(result: RooflineResult, measured: RooflineMeasurements | undefined, log: (m: string) => void): RooflineData {
  const ceilings = measured?.ceilings ?? null;
  const ceilingsOk = ceilings === null || check(ceilingsChecker, ceilings, "measured ceilings").ok;
  if (!ceilingsOk) log("roofline panel: ignored calibrated roofs that are not all positive numbers");
  return {
    ...result,
    measuredCeilings: ceilingsOk ? ceilings : null,
    kernels: result.kernels.map((k) => {
      const point = measured?.points.get(k.name) ?? null;
      if (point === null) return { ...k, measured: null };
      // A run that timed nothing (zero FLOPs or bytes) has no place on a log-log chart; the table says "—".
      return { ...k, measured: check(measuredPointChecker, point, "measured").ok ? point : null };
    }),
  };
}

export class RooflinePanel implements vscode.Disposable {
  static readonly viewType = "kernellens.roofline";
  private static current: RooflinePanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  /** The document the panel follows: the last WGSL editor active, or the one a code lens opened the panel for. */
  private target: vscode.Uri | undefined;
  private targetColumn: vscode.ViewColumn | undefined;
  /** The device picked in the page; undefined follows the `kernellens.device` setting. */
  private deviceId: string | undefined;
  /** A kernel to point out once its data is shown (the code lens's entry point). */
  private pendingSelect: string | undefined;
  /** URI of the document whose roofline the page shows; `reveal` is honoured for that document only. */
  private shownUri: string | undefined;
  private pageReady = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: vscode.CancellationTokenSource | undefined;
  private disposed = false;

  /** Shows the panel beside the editor (creating it if needed) without taking focus, optionally on one file and kernel. */
  static createOrShow(ctx: PanelContext, uri?: vscode.Uri, entry?: string): RooflinePanel {
    let panel = RooflinePanel.current;
    if (panel) {
      panel.panel.reveal(undefined, true);
    } else {
      const webviewPanel = vscode.window.createWebviewPanel(
        RooflinePanel.viewType,
        "Roofline",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { ...webviewOptions(ctx.extensionUri), retainContextWhenHidden: false, enableFindWidget: false },
      );
      panel = RooflinePanel.revive(webviewPanel, ctx);
    }
    if (uri) panel.open(uri, entry);
    return panel;
  }

  /** Takes over a panel VS Code restored after a reload (through the serializer) or one just created. */
  static revive(panel: vscode.WebviewPanel, ctx: PanelContext): RooflinePanel {
    RooflinePanel.current?.dispose();
    RooflinePanel.current = new RooflinePanel(panel, ctx);
    return RooflinePanel.current;
  }

  static disposeCurrent(): void {
    RooflinePanel.current?.dispose();
  }

  /** A run finished: its document's measured points changed, so the followed document is fetched again. */
  static notifyRunFinished(uri?: string): void {
    const panel = RooflinePanel.current;
    if (!panel || (uri !== undefined && panel.target?.toString() !== uri)) return;
    void panel.refresh();
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
        // The chart follows the text as it is typed: the server models each version, the page redraws.
        if (this.isTarget(event.document.uri) && event.contentChanges.length > 0) this.scheduleRefresh();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!this.isTarget(document.uri)) return;
        this.target = undefined;
        this.updateTitle();
        void this.refresh();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        // The setting's device is the default: a change redraws a panel that has no device of its own.
        if (this.deviceId === undefined && event.affectsConfiguration("kernellens.device")) this.scheduleRefresh();
      }),
    );
    const active = vscode.window.activeTextEditor;
    this.follow(isKernelEditor(active) ? active : vscode.window.visibleTextEditors.find(isKernelEditor));
    void this.setHtml();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (RooflinePanel.current === this) RooflinePanel.current = undefined;
    clearTimeout(this.refreshTimer);
    this.inFlight?.cancel();
    this.inFlight?.dispose();
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async setHtml(): Promise<void> {
    try {
      this.panel.webview.html = await loadWebviewHtml(this.panel.webview, this.ctx.extensionUri, "roofline");
    } catch (err) {
      // Most likely dist/webview is missing (an unbuilt checkout): say so in the log and in the panel.
      this.ctx.deps.log(`roofline panel: could not load its page: ${errorText(err)}`);
      if (!this.disposed) this.panel.webview.html = "<!DOCTYPE html><p>The Roofline page could not be loaded; see the KernelLens log.</p>";
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

  /** Shows one document (from the code lens), whether or not its editor is the active one, and points out `entry`. */
  private open(uri: vscode.Uri, entry: string | undefined): void {
    this.pendingSelect = entry;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    this.targetColumn = editor?.viewColumn ?? this.targetColumn;
    const same = this.isTarget(uri);
    this.target = uri;
    this.updateTitle();
    if (same && entry !== undefined && this.shownUri === uri.toString()) this.postSelect();
    else void this.refresh();
  }

  private updateTitle(): void {
    this.panel.title = this.target ? `Roofline: ${posix.basename(this.target.path)}` : "Roofline";
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), refreshDelayMs);
  }

  /** Fetches the followed document's roofline and posts it; a newer refresh cancels an older one still running. */
  private async refresh(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.inFlight?.cancel();
    this.inFlight?.dispose();
    this.inFlight = undefined;
    // The page asks with `ready` when it can listen; fetching before that would be thrown away.
    if (!this.pageReady || this.disposed) return;
    const target = this.target;
    if (!target) {
      this.post({ type: "empty", reason: "Open a WGSL file to see its kernels on the roofline." });
      return;
    }
    const source = new vscode.CancellationTokenSource();
    this.inFlight = source;
    const uri = target.toString();
    let message: HostToPage;
    try {
      const [result, measured] = await Promise.all([
        this.ctx.deps.fetchRoofline(uri, this.deviceId, source.token),
        // Measurements are an extra: without them the chart still shows the model's points.
        Promise.resolve()
          .then(() => this.ctx.deps.measuredFor(uri))
          .catch((err: unknown) => {
            this.ctx.deps.log(`roofline panel: could not read the run history of ${uri}: ${errorText(err)}`);
            return undefined;
          }),
      ]);
      if (source.token.isCancellationRequested || this.disposed) return;
      message = this.toMessage(uri, result, measured);
    } catch (err) {
      if (source.token.isCancellationRequested || this.disposed) return;
      this.ctx.deps.log(`roofline panel: kernellens/roofline failed for ${uri}: ${errorText(err)}`);
      message = { type: "empty", reason: "Could not get the roofline of this file; see the KernelLens log." };
    } finally {
      if (this.inFlight === source) this.inFlight = undefined;
      source.dispose();
    }
    this.post(message);
    if (message.type === "roofline") this.postSelect();
  }

  private toMessage(uri: string, result: RooflineResult | undefined, measured: RooflineMeasurements | undefined): HostToPage {
    if (result === undefined || result === null) {
      return { type: "empty", reason: "The language server has not analysed this file (is it running?)." };
    }
    // Checked here too, so a server bug shows up in the log with its cause instead of as an invalid page message.
    const checked = check(rooflineResultChecker, result, "result");
    if (!checked.ok) {
      this.ctx.deps.log(`roofline panel: ignored a malformed kernellens/roofline result for ${uri}: ${checked.detail}`);
      return { type: "empty", reason: "The language server sent an answer the panel cannot show; see the KernelLens log." };
    }
    return { type: "roofline", data: mergeMeasurements(checked.value, measured, this.ctx.deps.log) };
  }

  private post(message: HostToPage): void {
    if (this.disposed) return;
    if (message.type !== "select") this.shownUri = message.type === "roofline" ? message.data.uri : undefined;
    void this.panel.webview.postMessage(message);
  }

  private postSelect(): void {
    const name = this.pendingSelect;
    this.pendingSelect = undefined;
    if (name !== undefined) this.post({ type: "select", name });
  }

  private onPageMessage(raw: unknown): void {
    const checked = check(pageToHostChecker, raw);
    if (!checked.ok) {
      this.ctx.deps.log(`roofline panel: ignored an invalid message from the page: ${checked.detail}`);
      return;
    }
    const message = checked.value;
    switch (message.type) {
      case "ready":
        this.pageReady = true;
        // A page restored after a reload remembers the device it showed; the host models on it again.
        if (message.deviceId !== null) this.deviceId = message.deviceId;
        void this.refresh();
        return;
      case "selectDevice":
        this.deviceId = message.id;
        void this.refresh();
        return;
      case "reveal":
        void this.reveal(message.uri, message.range);
        return;
      case "invalidMessage":
        this.ctx.deps.log(`roofline panel: the page ignored a message: ${message.detail}`);
        return;
      default:
        assertNever(message, "page message");
    }
  }

  /** Opens the shown document at an entry point, in the editor column the panel follows. */
  private async reveal(uriText: string, range: WireRange): Promise<void> {
    // The page may only point into the document it was given, never make the host open an arbitrary URI.
    if (uriText !== this.shownUri) {
      this.ctx.deps.log(`roofline panel: ignored reveal of ${uriText}: not the document the panel shows`);
      return;
    }
    try {
      const start = new vscode.Position(range.start.line, range.start.character);
      const whole = new vscode.Range(start, new vscode.Position(range.end.line, range.end.character));
      const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uriText, true), {
        viewColumn: this.targetColumn ?? vscode.ViewColumn.One,
        selection: whole,
        preserveFocus: false,
      });
      editor.revealRange(whole, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      this.ctx.deps.log(`roofline panel: could not reveal ${uriText}: ${errorText(err)}`);
    }
  }
}

/** Tells an open Roofline panel that a run finished (for `uri`, or for any document), so it fetches measurements again. */
export function notifyRooflineRunFinished(uri?: string): void {
  RooflinePanel.notifyRunFinished(uri);
}

/**
 * Registers the `kernellens.showRoofline` command (no arguments: the active file; `[uri, entry]` from the code lens:
 * that file, with that kernel pointed out) and the panel's serializer, which brings the panel back after a window
 * reload. Returns the disposables; disposing them also closes an open panel.
 */
export function registerRooflinePanel(context: vscode.ExtensionContext, deps: RooflinePanelDeps): vscode.Disposable[] {
  const ctx: PanelContext = { extensionUri: context.extensionUri, deps };
  return [
    vscode.commands.registerCommand(commandId, (...args: unknown[]) => {
      const { uri, entry } = parseShowArgs(args);
      RooflinePanel.createOrShow(ctx, uri, entry);
    }),
    vscode.window.registerWebviewPanelSerializer(RooflinePanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        RooflinePanel.revive(panel, ctx);
      },
    }),
    new vscode.Disposable(() => RooflinePanel.disposeCurrent()),
  ];
}
