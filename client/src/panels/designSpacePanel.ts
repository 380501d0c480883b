// Host side of the Design-space panel: reads a sweep result file and its kernel, posts both to the page, opens a chosen variant.
// It also shows a design given in memory (a Triton kernel's configurations swept by prediction: showPredicted).
//
// The panel follows one result file (picked by the user, passed as an argument, or remembered by a restored page)
// and reloads it when it or its kernel changes on disk, so a sweep run again shows up by itself. Reading is through
// `vscode.workspace.fs`, so remote and virtual workspaces work. Everything the page sends is checked before the host
// acts on it; the page names a variant only by its index, and the host builds its text from its own copy.
import { posix } from "node:path";
import * as vscode from "vscode";
import { assertNever, check, parseSweepResult, variantSource, type SweepResult } from "../../../server/src/engine";
import { pageToHostChecker, limits, type DesignSpaceData, type HostToPage } from "../../../webview/src/designSpace/protocol";
import { savedResultUri } from "../../../webview/src/designSpace/state";
import { loadWebviewHtml, webviewRoot } from "./webviewHtml";
import { readCappedUri } from "../readCappedUri";
import { decideOpen } from "../workspaceBoundary";

export interface DesignSpacePanelDeps {
  /** Writes a line to the extension's log; the panel never shows popups for its own problems. */
  log(message: string): void;
}

interface PanelContext {
  extensionUri: vscode.Uri;
  deps: DesignSpacePanelDeps;
}

const page = "designSpace";
const resultSuffix = ".sweep.json";
/** A result file larger than this is not a sweep a person reads (20,000 points are a few MB). */
export const maxResultBytes = 64 * 1024 * 1024;
/** Files change in bursts while a sweep writes them: reload once they settle. */
const reloadDelayMs = 300;

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The page's HTML: the shared assets, plus Monaco's stylesheet (bundled by build.mjs to designSpace.bundle.css, with
 * the icon font beside it), under the panels' policy plus a style nonce, which Monaco's `<style>` elements need
 * (webview/src/designSpace/monacoEnvironment.ts says why).
 */
function loadDesignSpaceHtml(webview: vscode.Webview, extensionUri: vscode.Uri): Promise<string> {
  return loadWebviewHtml(webview, extensionUri, page, { assets: { editorStyleUri: `${page}.bundle.css` }, allow: { styleNonce: true } });
}

/** The command's second argument, `{ beside: true }` (from a sweep that just finished): open next to the editor, keep its focus. */
export function showBeside(args: readonly unknown[]): boolean {
  const options = args[1];
  return typeof options === "object" && options !== null && (options as { beside?: unknown }).beside === true;
}

/** The command's argument: a `vscode.Uri` (from the explorer's context menu) or a URI string; anything else is ignored. */
export function parseShowArgs(args: readonly unknown[]): vscode.Uri | undefined {
  const [raw] = args;
  if (raw instanceof vscode.Uri) return raw;
  if (typeof raw === "string" && raw.length > 0 && raw.length <= limits.uriLength) {
    try {
      return vscode.Uri.parse(raw, true);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The kernel a result names: its `file`, absolute or relative to the result file's folder. */
export function kernelUriOf(resultUri: vscode.Uri, file: string): vscode.Uri {
  if (posix.isAbsolute(file)) return resultUri.with({ path: file });
  if (/^[A-Za-z]:[\\/]/.test(file)) return vscode.Uri.file(file);
  return vscode.Uri.joinPath(resultUri, "..", ...file.split(/[\\/]/));
}

/** Asks for a result file: the workspace's `*.sweep.json` files in a quick pick, or any file through the open dialog. */
async function pickResultFile(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles(`**/*${resultSuffix}`, "**/node_modules/**", 500);
  found.sort((a, b) => a.path.localeCompare(b.path));
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const browse: Item = { label: "$(folder-opened) Browse…", description: "pick a sweep result file anywhere" };
  const items: Item[] = found.map((uri) => ({ label: posix.basename(uri.path), description: vscode.workspace.asRelativePath(uri, true), uri }));
  const picked =
    items.length === 0
      ? browse
      : await vscode.window.showQuickPick([...items, { label: "", kind: vscode.QuickPickItemKind.Separator }, browse], {
          title: "Show Design Space",
          placeHolder: "Pick a sweep result (kernellens sweep FILE --json > NAME.sweep.json)",
          matchOnDescription: true,
        });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: "Show Design Space",
    filters: { "Sweep results": ["json"] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return chosen?.[0];
}

export class DesignSpacePanel implements vscode.Disposable {
  static readonly viewType = "kernellens.designSpace";
  private static current: DesignSpacePanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  /** The files the watchers follow, so a reload does not recreate them. */
  private watched = "";
  /** The result file the panel shows. */
  private resultUri: vscode.Uri | undefined;
  /** A design given in memory instead of a file (a Triton kernel's predicted configurations); nothing to watch. */
  private predicted: DesignSpaceData | undefined;
  /** What the page was last sent: `openVariant` is honoured against this, never against page-supplied text. */
  private shown: { resultUri: string; result: SweepResult; baseline: string | null } | undefined;
  private pageReady = false;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per load, so a slow read that finishes after a newer one is dropped. */
  private generation = 0;
  private disposed = false;

  /** Shows the panel (creating it if needed) on a result file; `beside`: next to the active editor, which keeps the focus. */
  static createOrShow(ctx: PanelContext, uri: vscode.Uri, beside = false): DesignSpacePanel {
    let panel = DesignSpacePanel.current;
    if (panel) {
      panel.panel.reveal(beside ? vscode.ViewColumn.Beside : undefined, beside);
    } else {
      const webviewPanel = vscode.window.createWebviewPanel(
        DesignSpacePanel.viewType,
        "Design space",
        { viewColumn: beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus: beside },
        { ...webviewOptions(ctx.extensionUri), retainContextWhenHidden: false, enableFindWidget: true },
      );
      panel = DesignSpacePanel.revive(webviewPanel, ctx, undefined);
    }
    panel.open(uri);
    return panel;
  }

  /** Shows the panel on a design given in memory (no file is read or watched); `title` names it. */
  static showPredicted(ctx: PanelContext, data: DesignSpaceData, title: string): DesignSpacePanel {
    let panel = DesignSpacePanel.current;
    if (panel) panel.panel.reveal(vscode.ViewColumn.Beside, true);
    else {
      const webviewPanel = vscode.window.createWebviewPanel(
        DesignSpacePanel.viewType,
        "Design space",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { ...webviewOptions(ctx.extensionUri), retainContextWhenHidden: false, enableFindWidget: true },
      );
      panel = DesignSpacePanel.revive(webviewPanel, ctx, undefined);
    }
    panel.resultUri = undefined;
    panel.predicted = data;
    panel.watched = "";
    for (const d of panel.watchers.splice(0)) d.dispose();
    panel.panel.title = `Design space: ${title}`;
    void panel.load();
    return panel;
  }

  /** Takes over a panel VS Code restored after a reload (through the serializer, with the page's saved state) or one just created. */
  static revive(panel: vscode.WebviewPanel, ctx: PanelContext, resultUri: vscode.Uri | undefined): DesignSpacePanel {
    DesignSpacePanel.current?.dispose();
    DesignSpacePanel.current = new DesignSpacePanel(panel, ctx);
    if (resultUri) DesignSpacePanel.current.open(resultUri);
    return DesignSpacePanel.current;
  }

  static disposeCurrent(): void {
    DesignSpacePanel.current?.dispose();
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
      // A kernel outside the workspace is read once the workspace is trusted.
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.load()),
    );
    void this.setHtml();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (DesignSpacePanel.current === this) DesignSpacePanel.current = undefined;
    clearTimeout(this.reloadTimer);
    this.panel.dispose();
    for (const d of [...this.watchers.splice(0), ...this.disposables.splice(0)]) d.dispose();
  }

  private async setHtml(): Promise<void> {
    try {
      this.panel.webview.html = await loadDesignSpaceHtml(this.panel.webview, this.ctx.extensionUri);
    } catch (err) {
      // Most likely dist/webview is missing (an unbuilt checkout): say so in the log and in the panel.
      this.ctx.deps.log(`design-space panel: could not load its page: ${errorText(err)}`);
      if (!this.disposed) this.panel.webview.html = "<!DOCTYPE html><p>The Design-space page could not be loaded; see the KernelLens log.</p>";
    }
  }

  private open(uri: vscode.Uri): void {
    this.predicted = undefined;
    if (this.resultUri?.toString() !== uri.toString()) {
      this.resultUri = uri;
      this.shown = undefined;
      this.watch(uri, undefined);
    }
    this.panel.title = `Design space: ${posix.basename(uri.path)}`;
    void this.load();
  }

  /** Reloads when the result file or its kernel changes on disk (a sweep run again, the kernel edited and saved). */
  private watch(resultUri: vscode.Uri, kernelUri: vscode.Uri | undefined): void {
    const key = `${resultUri.toString()}\u0000${kernelUri?.toString() ?? ""}`;
    if (key === this.watched) return;
    this.watched = key;
    for (const d of this.watchers.splice(0)) d.dispose();
    for (const uri of kernelUri ? [resultUri, kernelUri] : [resultUri]) {
      const folder = vscode.Uri.joinPath(uri, "..");
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, posix.basename(uri.path)));
      const schedule = (): void => {
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => void this.load(), reloadDelayMs);
      };
      this.watchers.push(watcher, watcher.onDidChange(schedule), watcher.onDidCreate(schedule), watcher.onDidDelete(schedule));
    }
  }

  /** Reads the result and its kernel and posts them; the page asks with `ready` when it can listen. */
  private async load(): Promise<void> {
    const resultUri = this.resultUri;
    if (!this.pageReady || this.disposed) return;
    if (this.predicted) {
      this.generation++;
      this.post({ type: "sweep", data: this.predicted });
      return;
    }
    if (!resultUri) {
      // A panel restored without a result it can reopen.
      this.post({ type: "empty", reason: "Run KernelLens: Show Design Space to pick a sweep result file." });
      return;
    }
    const generation = ++this.generation;
    const message = await this.read(resultUri);
    if (generation !== this.generation || this.disposed) return;
    this.post(message);
  }

  private async read(resultUri: vscode.Uri): Promise<HostToPage> {
    const name = posix.basename(resultUri.path);
    const read = await readCappedUri(resultUri, maxResultBytes);
    if ("error" in read) {
      if (read.tooLarge) return { type: "empty", reason: `${name} is ${Math.round((read.size ?? 0) / 1048576)} MB: too large for a sweep result.` };
      this.ctx.deps.log(`design-space panel: could not read ${resultUri.toString()}: ${read.error}`);
      return { type: "empty", reason: `${name} could not be read: ${read.error}` };
    }
    const text = new TextDecoder("utf-8").decode(read.bytes);
    const parsed = parseSweepResult(text);
    if (!parsed.ok) {
      this.ctx.deps.log(`design-space panel: ${resultUri.toString()} is not a valid sweep result:\n  ${parsed.problems.join("\n  ")}`);
      const more = parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more problems; see the KernelLens log)` : "";
      return { type: "empty", reason: `${name} is not a valid sweep result: ${parsed.problems[0]}${more}` };
    }
    const result = parsed.result;
    const kernelUri = kernelUriOf(resultUri, result.file);
    // The result names its kernel: a file the panel reads only inside the workspace, or anywhere when it is trusted.
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri);
    const decision = decideOpen(kernelUri, folders, vscode.workspace.isTrusted, result.file);
    let baseline: string | null = null;
    let baselineProblem: string | null = null;
    if (!decision.allowed) {
      this.watch(resultUri, undefined);
      baselineProblem = decision.reason;
      this.ctx.deps.log(`design-space panel: not reading ${kernelUri.toString()}, named by ${resultUri.toString()}: ${decision.reason}`);
    } else {
      this.watch(resultUri, kernelUri);
      // UTF-8 takes at most 3 bytes per UTF-16 character, so a file past this is over the character limit too.
      const kernel = await readCappedUri(kernelUri, limits.baselineLength * 3);
      if ("error" in kernel) {
        baselineProblem = kernel.tooLarge
          ? `${posix.basename(kernelUri.path)} is longer than ${limits.baselineLength} characters`
          : `${result.file} could not be read next to ${name} (${kernel.error})`;
        this.ctx.deps.log(`design-space panel: ${baselineProblem}`);
      } else {
        baseline = new TextDecoder("utf-8").decode(kernel.bytes);
        if (baseline.length > limits.baselineLength) {
          baselineProblem = `${posix.basename(kernelUri.path)} is longer than ${limits.baselineLength} characters`;
          baseline = null;
        }
      }
    }
    const data: DesignSpaceData = { resultUri: resultUri.toString(), kernelUri: kernelUri.toString(), result, baseline, baselineProblem, kernelOutside: decision.outside };
    return { type: "sweep", data };
  }

  private post(message: HostToPage): void {
    if (this.disposed) return;
    this.shown = message.type === "sweep" ? { resultUri: message.data.resultUri, result: message.data.result, baseline: message.data.baseline } : undefined;
    void this.panel.webview.postMessage(message);
  }

  private onPageMessage(raw: unknown): void {
    const checked = check(pageToHostChecker, raw);
    if (!checked.ok) {
      this.ctx.deps.log(`design-space panel: ignored an invalid message from the page: ${checked.detail}`);
      return;
    }
    const message = checked.value;
    switch (message.type) {
      case "ready":
        this.pageReady = true;
        void this.load();
        return;
      case "openVariant":
        void this.openVariant(message.resultUri, message.index);
        return;
      case "invalidMessage":
        this.ctx.deps.log(`design-space panel: the page ignored a message: ${message.detail}`);
        return;
      default:
        assertNever(message, "page message");
    }
  }

  /** Opens a variant's source in an untitled WGSL editor beside the panel. */
  private async openVariant(resultUri: string, index: number): Promise<void> {
    const shown = this.shown;
    // Only a variant of the result the page was given, by its index: never text or a file the page names.
    if (!shown || shown.resultUri !== resultUri || index >= shown.result.points.length) {
      this.ctx.deps.log(`design-space panel: ignored openVariant ${index} of ${resultUri}: not a variant the panel shows`);
      return;
    }
    const point = shown.result.points[index]!;
    if (point.source === undefined && shown.baseline === null) {
      this.ctx.deps.log(`design-space panel: variant ${index} has no source and the kernel could not be read`);
      return;
    }
    try {
      const variant = variantSource(shown.result, point, shown.baseline ?? "");
      const document = await vscode.workspace.openTextDocument({ language: "wgsl", content: variant.text });
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    } catch (err) {
      this.ctx.deps.log(`design-space panel: could not open variant ${index}: ${errorText(err)}`);
    }
  }
}

/**
 * Registers the panel's serializer, which brings the panel back on its result file after a window reload, and
 * returns `show`, the handler of `kernellens.showDesignSpace` (no argument: pick a `*.sweep.json` file; a URI: that
 * file, with `{ beside: true }` after it: beside the active editor). Disposing the result also closes an open panel.
 */
export function registerDesignSpacePanel(
  context: vscode.ExtensionContext,
  deps: DesignSpacePanelDeps,
): vscode.Disposable & { show(...args: unknown[]): Promise<void>; showPredicted(data: DesignSpaceData, title: string): void } {
  const ctx: PanelContext = { extensionUri: context.extensionUri, deps };
  const disposables = [
    vscode.window.registerWebviewPanelSerializer(DesignSpacePanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        // The page's saved state names the result it showed; it is checked like any page message.
        const saved = savedResultUri(state);
        let uri: vscode.Uri | undefined;
        if (saved !== undefined && saved.endsWith(".json")) {
          try {
            uri = vscode.Uri.parse(saved, true);
          } catch {
            uri = undefined;
          }
        }
        if (saved !== undefined && uri === undefined) deps.log(`design-space panel: not reopening ${saved}: not a JSON file's URI`);
        DesignSpacePanel.revive(panel, ctx, uri);
      },
    }),
    new vscode.Disposable(() => DesignSpacePanel.disposeCurrent()),
  ];
  return {
    show: async (...args: unknown[]) => {
      const uri = parseShowArgs(args) ?? (await pickResultFile());
      if (uri) DesignSpacePanel.createOrShow(ctx, uri, showBeside(args));
    },
    showPredicted: (data: DesignSpaceData, title: string) => void DesignSpacePanel.showPredicted(ctx, data, title),
    dispose: () => {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}
