// Owns the extension's long-lived state: the output channel, the status item and the current language client.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { watchHeaders } from "./headerWatcher";
import { createLanguageClient, watchServerStatus, watchWorkspaceTrust } from "./languageClient";
import { ActionLenses } from "./lensOrder";
import { ServerStatusItem } from "./statusItem";

export class ExtensionContextHolder implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly status: ServerStatusItem;
  /** Run, Profile and Sweep lenses, registered again after each start so they lead the lens line (lensOrder.ts). */
  readonly actionLenses = new ActionLenses(vscode.languages);
  private clientValue: LanguageClient | undefined;
  /** Disposables that live as long as one language client. */
  private clientScope: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel("KernelLens", { log: true });
    this.status = new ServerStatusItem();
  }

  get client(): LanguageClient | undefined {
    return this.clientValue;
  }

  async start(): Promise<void> {
    const headers = watchHeaders();
    const client = createLanguageClient(this.extension, this.output, this.status, headers);
    this.clientValue = client;
    this.clientScope.push(headers, watchServerStatus(client, this.status), watchWorkspaceTrust(client));
    try {
      await client.start();
      this.output.info("language server started");
    } catch (err) {
      this.status.set({ kind: "stopped", detail: `the language server failed to start: ${(err as Error).message}` });
      this.output.error(`language server failed to start: ${(err as Error).stack ?? err}`);
      void vscode.window.showErrorMessage(`KernelLens: the language server failed to start (${(err as Error).message}). See the KernelLens output for details.`);
    }
    this.actionLenses.register();
  }

  async stop(): Promise<void> {
    const client = this.clientValue;
    this.clientValue = undefined;
    for (const d of this.clientScope.splice(0)) d.dispose();
    if (client) await client.stop().catch((err: unknown) => this.output.warn(`stopping the language server: ${String(err)}`));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  dispose(): void {
    this.actionLenses.dispose();
    void this.stop();
    this.status.dispose();
    this.output.dispose();
  }
}
