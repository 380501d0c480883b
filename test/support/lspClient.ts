// A minimal LSP client over stdio for tests and benchmarks: starts dist/server.js and speaks JSON-RPC to it.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { findRepoRoot } from "./repoRoot";
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import type { ClientCapabilities, Diagnostic, PublishDiagnosticsParams } from "vscode-languageserver-protocol";

export const repoRoot = findRepoRoot();

export interface ServerHandle {
  readonly connection: MessageConnection;
  readonly process: ChildProcess;
  readonly stderr: () => string;
  /** Messages the server logged through window/logMessage. */
  readonly logs: () => string[];
  /** Resolves with the next diagnostics for `uri` that satisfy `accept` (default: any), or rejects at the deadline. */
  diagnostics(uri: string, accept?: (d: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  /** The most recent diagnostics published for a uri. */
  latest(uri: string): Diagnostic[] | undefined;
  /** Opens a document as `languageId` (default `wgsl`; VS Code's CUDA is `cuda-cpp`). */
  open(uri: string, text: string, version?: number, languageId?: string): void;
  change(uri: string, text: string, version: number): void;
  /** An incremental edit, as editors send while typing: replace the range with `text`. */
  edit(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string, version: number): void;
  close(uri: string): void;
  stop(): Promise<void>;
}

/** What this client advertises unless a test asks for less: what VS Code offers for the features the tests use. */
export const defaultCapabilities: ClientCapabilities = {
  workspace: { configuration: true, workspaceFolders: true },
  textDocument: {
    hover: { contentFormat: ["markdown", "plaintext"] },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] } },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

export interface StartOptions {
  /** The client's capabilities in `initialize` (default: defaultCapabilities). */
  readonly capabilities?: ClientCapabilities;
  /** Send `workspaceFolders` in `initialize` (default: true); `rootUri` is always sent. */
  readonly workspaceFolders?: boolean;
}

export async function startServer(settings: Record<string, unknown> = {}, workspaceFolder = repoRoot, options: StartOptions = {}): Promise<ServerHandle> {
  const child = spawn(process.execPath, [join(repoRoot, "dist", "server.js"), "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const latest = new Map<string, Diagnostic[]>();
  const waiters: { uri: string; accept: (d: PublishDiagnosticsParams) => boolean; resolve: (d: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    latest.set(p.uri, p.diagnostics);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.accept(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  connection.onRequest("workspace/configuration", (p: { items: { section?: string }[] }) => p.items.map(() => settings));
  const logs: string[] = [];
  connection.onNotification("window/logMessage", (p: { message: string }) => void logs.push(p.message));
  connection.onNotification("kernellens/serverStatus", () => undefined);
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: `file://${workspaceFolder}`,
    ...(options.workspaceFolders === false ? {} : { workspaceFolders: [{ uri: `file://${workspaceFolder}`, name: "ws" }] }),
    capabilities: options.capabilities ?? defaultCapabilities,
  });
  await connection.sendNotification("initialized", {});
  return {
    connection,
    process: child,
    stderr: () => stderr,
    logs: () => logs,
    latest: (uri) => latest.get(uri),
    diagnostics(uri, accept = () => true, timeoutMs = 15000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
        waiters.push({ uri, accept, resolve: (d) => { clearTimeout(timer); resolve(d); } });
      });
    },
    open(uri, text, version = 1, languageId = "wgsl") {
      void connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId, version, text } });
    },
    change(uri, text, version) {
      void connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    edit(uri, range, text, version) {
      void connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    },
    close(uri) {
      void connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
    },
    async stop() {
      try {
        await Promise.race([connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 2000))]);
        void connection.sendNotification("exit");
      } catch {
        /* The process may already be gone. */
      }
      connection.dispose();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => { child.kill("SIGKILL"); resolve(); }, 2000);
        child.once("exit", () => { clearTimeout(t); resolve(); });
      });
    },
  };
}
