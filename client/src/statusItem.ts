// The status bar item that shows whether the KernelLens language server is starting, ready, degraded or stopped.
import * as vscode from "vscode";

export type ServerState =
  | { kind: "starting" }
  | { kind: "ready"; detail: string }
  | { kind: "degraded"; detail: string }
  | { kind: "stopped"; detail: string };

export class ServerStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem("kernellens.serverStatus", vscode.StatusBarAlignment.Left, 10);
    this.item.name = "KernelLens Language Server";
    this.item.command = "kernellens.showOutput";
    this.set({ kind: "starting" });
  }

  set(state: ServerState): void {
    const item = this.item;
    switch (state.kind) {
      case "starting":
        item.text = "$(sync~spin) KernelLens";
        item.tooltip = "KernelLens: starting the language server";
        item.backgroundColor = undefined;
        break;
      case "ready":
        item.text = "$(check) KernelLens";
        item.tooltip = `KernelLens: ${state.detail}`;
        item.backgroundColor = undefined;
        break;
      case "degraded":
        item.text = "$(warning) KernelLens";
        item.tooltip = `KernelLens: ${state.detail}`;
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
        break;
      case "stopped":
        item.text = "$(error) KernelLens";
        item.tooltip = `KernelLens: ${state.detail} (click for the log)`;
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
        break;
      default: {
        const never: never = state;
        throw new Error(`unknown state ${JSON.stringify(never)}`);
      }
    }
    item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
