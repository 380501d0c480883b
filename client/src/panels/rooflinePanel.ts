// Host side of the Roofline panel: follows the active WGSL or CUDA editor, posts its kernels on a device's roofline, reveals the one picked.
//
// The panel owns no client and no run history: it gets `fetchRoofline` (the server's `kernellens/roofline`) and
// `measuredFor` (latest runs and the calibrated roofs), so it works, and says why it is empty, whether or not the
// server or the GPU helper is running. Everything the page sends is checked before the host acts on it.
import * as vscode from "vscode";
import type { RooflineCeilings, RooflineMeasuredPoint, RooflineResult } from "../../../server/src/protocol";
import { ceilingsChecker, measuredOnChecker, measuredPointChecker, pageToHostChecker, rooflineResultChecker, type HostToPage, type RooflineData, type RooflineMeasuredOn } from "../../../webview/src/roofline/protocol";
import { assertNever, check } from "../../../server/src/engine";
import { createFollowingWebviewPanel, EditorFollowingPanel, errorText } from "./editorFollowingPanel";

/** What the host adds to the server's answer from the client's own records. */
export interface RooflineMeasurements {
  /** The latest timed run of each entry point of the document, by entry-point name. */
  readonly points: ReadonlyMap<string, RooflineMeasuredPoint>;
  /** The local adapter's calibrated roofs, or null before `KernelLens: Calibrate GPU` has run. */
  readonly ceilings: RooflineCeilings | null;
  /** The adapter that made the newest of `points` (a device other than its calibration is a what-if); null when none says. */
  readonly measuredOn?: RooflineMeasuredOn | null;
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

/**
 * The arguments the Roofline code lens passes: `[uri, entry]`, the URI as the server wrote it (a string) or a
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
  const measuredOn = measured?.measuredOn ?? null;
  const measuredOnOk = measuredOn === null || check(measuredOnChecker, measuredOn, "measuredOn").ok;
  if (!measuredOnOk) log("roofline panel: ignored a measuring adapter with an overlong name or id");
  // The charted device when it is the measuring adapter's calibration already draws these roofs: one set is enough.
  const chartedIsMeasuring = measuredOnOk && measuredOn !== null && result.device.id === measuredOn.deviceId;
  return {
    ...result,
    measuredCeilings: ceilingsOk && !chartedIsMeasuring ? ceilings : null,
    measuredOn: measuredOnOk ? measuredOn : null,
    kernels: result.kernels.map((k) => {
      const point = measured?.points.get(k.name) ?? null;
      if (point === null) return { ...k, measured: null };
      // A run that timed nothing (zero FLOPs or bytes) has no place on a log-log chart; the table says "—".
      return { ...k, measured: check(measuredPointChecker, point, "measured").ok ? point : null };
    }),
  };
}

export class RooflinePanel extends EditorFollowingPanel<HostToPage> {
  static readonly viewType = "kernellens.roofline";
  private static current: RooflinePanel | undefined;

  /** The device picked in the page; undefined follows the `kernellens.device` setting. */
  private deviceId: string | undefined;
  /** A kernel to point out once its data is shown (the code lens's entry point). */
  private pendingSelect: string | undefined;

  /** Shows the panel beside the editor (creating it if needed) without taking focus, optionally on one file and kernel. */
  static createOrShow(ctx: PanelContext, uri?: vscode.Uri, entry?: string): RooflinePanel {
    let panel = RooflinePanel.current;
    if (panel) panel.panel.reveal(undefined, true);
    else panel = RooflinePanel.revive(createFollowingWebviewPanel(RooflinePanel.viewType, "Roofline", ctx.extensionUri), ctx);
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
    panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
  ) {
    super(panel, {
      page: "roofline",
      title: "Roofline",
      logName: "roofline panel",
      request: "kernellens/roofline",
      noDocumentReason: "Open a WGSL or CUDA file to see its kernels on the roofline.",
      failureReason: "Could not get the roofline of this file; see the KernelLens log.",
      revealSelects: "range",
      extensionUri: ctx.extensionUri,
      log: (message) => ctx.deps.log(message),
    });
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        // The chart follows the text as it is typed: the server models each version, the page redraws.
        if (this.isTarget(event.document.uri) && event.contentChanges.length > 0) this.scheduleRefresh();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        // The setting's device is the default: a change redraws a panel that has no device of its own.
        if (this.deviceId === undefined && event.affectsConfiguration("kernellens.device")) this.scheduleRefresh();
      }),
    );
    this.start();
  }

  override dispose(): void {
    if (RooflinePanel.current === this) RooflinePanel.current = undefined;
    super.dispose();
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

  /** The followed document's roofline, with the latest runs and calibrated roofs added. */
  protected async messageFor(uri: string, token: vscode.CancellationToken): Promise<HostToPage> {
    const [result, measured] = await Promise.all([
      this.ctx.deps.fetchRoofline(uri, this.deviceId, token),
      // Measurements are an extra: without them the chart still shows the model's points.
      Promise.resolve()
        .then(() => this.ctx.deps.measuredFor(uri))
        .catch((err: unknown) => {
          this.ctx.deps.log(`roofline panel: could not read the run history of ${uri}: ${errorText(err)}`);
          return undefined;
        }),
    ]);
    return this.toMessage(uri, result, measured);
  }

  protected emptyMessage(reason: string): HostToPage {
    return { type: "empty", reason };
  }

  protected override afterRefresh(message: HostToPage): void {
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

  protected post(message: HostToPage): void {
    if (this.disposed) return;
    if (message.type !== "select") this.shownUri = message.type === "roofline" ? message.data.uri : undefined;
    void this.panel.webview.postMessage(message);
  }

  private postSelect(): void {
    const name = this.pendingSelect;
    this.pendingSelect = undefined;
    if (name !== undefined) this.post({ type: "select", name });
  }

  protected onPageMessage(raw: unknown): void {
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
}

/** Tells an open Roofline panel that a run finished (for `uri`, or for any document), so it fetches measurements again. */
export function notifyRooflineRunFinished(uri?: string): void {
  RooflinePanel.notifyRunFinished(uri);
}

/**
 * Registers the panel's serializer, which brings the panel back after a window reload, and returns `show`, the
 * handler of `kernellens.showRoofline` (no arguments: the active file; `[uri, entry]` from the code lens: that file,
 * with that kernel pointed out). Disposing the result also closes an open panel.
 */
export function registerRooflinePanel(context: vscode.ExtensionContext, deps: RooflinePanelDeps): vscode.Disposable & { show(...args: unknown[]): void } {
  const ctx: PanelContext = { extensionUri: context.extensionUri, deps };
  const disposables = [
    vscode.window.registerWebviewPanelSerializer(RooflinePanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        RooflinePanel.revive(panel, ctx);
      },
    }),
    new vscode.Disposable(() => RooflinePanel.disposeCurrent()),
  ];
  return {
    show: (...args: unknown[]) => {
      const { uri, entry } = parseShowArgs(args);
      RooflinePanel.createOrShow(ctx, uri, entry);
    },
    dispose: () => {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}
