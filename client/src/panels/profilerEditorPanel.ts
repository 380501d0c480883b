// The Profiler's whole table in an editor tab, as Nsight's tables open wide: the side bar's page in a WebviewPanel.
//
// One tab at a time: asking again reveals it. The page is the same bundle as the view's; the host tells it that it is
// in an editor (`surface: "editor"`), so it shows every column the person chose, scrolling sideways with Kernel kept
// in view, instead of the few that fit a side bar. What the page says is handled by a ProfilerPage, as for the view.
import * as vscode from "vscode";
import { webviewRoot } from "./webviewHtml";

const viewType = "kernellens.profilerTable";

export class ProfilerEditorPanel implements vscode.Disposable {
  static current: ProfilerEditorPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    attach: (panel: vscode.WebviewPanel) => vscode.Disposable,
  ) {
    const page = attach(panel);
    this.disposables.push(
      page,
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /**
   * Opens the tab in the active editor group, or reveals it where it is. `attach` gives the new panel its page and
   * returns what to dispose with it.
   */
  static show(extensionUri: vscode.Uri, attach: (panel: vscode.WebviewPanel) => vscode.Disposable): ProfilerEditorPanel {
    const existing = ProfilerEditorPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      viewType,
      "Profiler",
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      // Hidden tabs are torn down like the view: the page keeps its sort, filter and columns in its saved state.
      { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)], retainContextWhenHidden: false, enableFindWidget: true },
    );
    panel.iconPath = vscode.Uri.joinPath(extensionUri, "media", "kernellens.svg");
    const created = new ProfilerEditorPanel(panel, attach);
    ProfilerEditorPanel.current = created;
    return created;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ProfilerEditorPanel.current === this) ProfilerEditorPanel.current = undefined;
    const disposables = this.disposables.splice(0);
    for (const d of disposables) d.dispose();
    this.panel.dispose();
  }
}
