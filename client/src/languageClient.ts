// Builds the language client that starts dist/server.js over IPC and forwards the server's status to the status item.
import * as vscode from "vscode";
import { DidChangeConfigurationNotification, LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from "vscode-languageclient/node";
import { ServerStatusNotification, type ServerStatusParams } from "../../server/src/protocol";
import type { ServerStatusItem } from "./statusItem";
import { withWorkspaceTrust } from "./workspaceBoundary";
import { PythonInterpreters, withPythonInterpreter } from "./pythonInterpreter";
import { analysedDocumentSelector } from "./analysedDocuments";
import { PythonSync } from "./pythonSync";

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, status: ServerStatusItem, headers: vscode.FileSystemWatcher): LanguageClient {
  const module = context.asAbsolutePath("dist/server.js");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  // The Python extension's interpreter compiles Triton kernels (kernellens.triton.pythonPath overrides it).
  const interpreters = new PythonInterpreters(() => {
    if (client.isRunning()) void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  });
  context.subscriptions.push(interpreters);
  const clientOptions: LanguageClientOptions = {
    documentSelector: analysedDocumentSelector,
    outputChannel: output,
    // The status item shows failures; the output channel never jumps open by itself.
    revealOutputChannelOn: 4 /* RevealOutputChannelOn.Never */,
    // Headers changed on disk reach the server as workspace/didChangeWatchedFiles (headerWatcher.ts).
    synchronize: { configurationSection: "kernellens", fileEvents: headers },
    middleware: {
      // Python documents reach the server only once they import triton.
      ...new PythonSync().middleware(),
      workspace: {
        // The server reads Workspace Trust with the settings: it decides whether #include may leave the workspace.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return withPythonInterpreter(params.items, withWorkspaceTrust(params.items, result, vscode.workspace.isTrusted), await interpreters.forItems(params.items));
        },
      },
    },
  };
  const client = new LanguageClient("kernellens", "KernelLens Language Server", serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    // vscode-languageclient State: Stopped = 1, Running = 2, Starting = 3.
    if (e.newState === 3) status.set({ kind: "starting" });
    else if (e.newState === 1) status.set({ kind: "stopped", detail: "the language server stopped" });
  });
  return client;
}

/** Subscribes to the server's health notification once the client runs. */
export function watchServerStatus(client: LanguageClient, status: ServerStatusItem): vscode.Disposable {
  return client.onNotification(ServerStatusNotification, (p: ServerStatusParams) => {
    status.set(p.state === "ready" ? { kind: "ready", detail: p.message } : { kind: "degraded", detail: p.message });
  });
}

/** Granting trust changes what the server may include: it re-reads the settings (with the trust) and re-analyses. */
export function watchWorkspaceTrust(client: LanguageClient): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    if (client.isRunning()) void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  });
}
