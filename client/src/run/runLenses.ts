// `$(play) Run` and `$(watch) Profile` code lenses above each compute entry point of a WGSL file; in an untrusted
// workspace, `$(lock) Run: trust workspace`, which explains why running is off. Codicons, not emoji: they render
// without an emoji font, and the titles stay short so the cost model's lens on the same line does not push them off.
import * as vscode from "vscode";
import type { DocumentKernelsResult } from "../../../server/src/protocol";
import { PROFILE_TITLE, RUN_TITLE, UNTRUSTED_RUN_TITLE } from "../lensTitles";

export interface RunLensDeps {
  /** The server's `kernellens/documentKernels` answer, or undefined while the server is not running. */
  fetchKernels(uri: vscode.Uri, token: vscode.CancellationToken): Promise<DocumentKernelsResult | undefined>;
  log: vscode.LogOutputChannel;
}

/** Command behind the untrusted lens: says why kernels do not run and offers to manage trust. */
export const explainTrustCommand = "kernellens.explainRunTrust";

/** Typing fires one change per keystroke and the server re-analyses after its own debounce; wait a little longer. */
const refreshDelayMs = 300;

export interface EntryLocation {
  readonly name: string;
  /** Where the lens goes: the entry point's declaration. */
  readonly range: vscode.Range;
}

/**
 * Compute entry points found by reading the text: used when the server has not answered (not started yet, or
 * restarting), so lenses do not wait on it. Attributes may sit on lines of their own above `fn`.
 */
export function scanComputeEntries(document: vscode.TextDocument): EntryLocation[] {
  const text = document.getText();
  const found: EntryLocation[] = [];
  const pattern = /@compute\b[^;{]*?\bfn\s+([A-Za-z_]\w*)/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const lineStart = text.lastIndexOf("\n", m.index) + 1;
    // Skip attributes that sit in a line comment.
    if (text.slice(lineStart, m.index).includes("//")) continue;
    const nameAt = m.index + m[0].length - m[1]!.length;
    found.push({ name: m[1]!, range: new vscode.Range(document.positionAt(nameAt), document.positionAt(nameAt + m[1]!.length)) });
  }
  return found;
}

export class RunLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: RunLensDeps) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === "wgsl" && event.contentChanges.length > 0) this.scheduleRefresh();
      }),
      // Granting trust turns the explaining lens into Run and Profile without reopening the file.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    );
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(), refreshDelayMs);
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const entries = await this.entries(document, token);
    if (token.isCancellationRequested) return [];
    const trusted = vscode.workspace.isTrusted;
    const lenses: vscode.CodeLens[] = [];
    for (const entry of entries) {
      const at = new vscode.Range(entry.range.start, entry.range.start);
      if (!trusted) {
        lenses.push(
          new vscode.CodeLens(at, {
            title: UNTRUSTED_RUN_TITLE,
            tooltip: "Running a kernel executes code from this workspace; KernelLens runs kernels only in a trusted workspace. Click for why and to manage trust.",
            command: explainTrustCommand,
            arguments: [],
          }),
        );
        continue;
      }
      const args = [document.uri, entry.name];
      lenses.push(
        new vscode.CodeLens(at, { title: RUN_TITLE, tooltip: `Run ${entry.name} on the GPU and check its outputs`, command: "kernellens.run", arguments: args }),
        new vscode.CodeLens(at, { title: PROFILE_TITLE, tooltip: `Time ${entry.name} over many runs`, command: "kernellens.profile", arguments: args }),
      );
    }
    return lenses;
  }

  /** Compute entry points from the server when it answers, else from reading the text. */
  private async entries(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<EntryLocation[]> {
    try {
      const result = await this.deps.fetchKernels(document.uri, token);
      // An answer for an older version would place lenses on stale lines; the text scan is current by construction.
      if (result && result.uri === document.uri.toString()) {
        return result.kernels
          .filter((k) => k.stage === "compute")
          .map((k) => ({
            name: k.name,
            range: new vscode.Range(k.range.start.line, k.range.start.character, k.range.end.line, k.range.end.character),
          }));
      }
    } catch (err) {
      if (!token.isCancellationRequested) this.deps.log.debug(`run lenses: documentKernels failed, reading the text instead: ${String(err)}`);
    }
    return scanComputeEntries(document);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Explains why kernels do not run here and offers VS Code's trust editor. */
export async function explainRunTrust(): Promise<void> {
  const manage = "Manage Workspace Trust";
  const choice = await vscode.window.showWarningMessage(
    "KernelLens runs kernels only in a trusted workspace: a run executes code from this workspace (its kernels, included files and JavaScript reference modules). Static analysis keeps working without trust.",
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand("workbench.trust.manage");
}
