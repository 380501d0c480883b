// `$(search) Sweep` above each compute entry point with `// @sweep` lines in force, and after a sweep
// `$(check) best 0.43 ms` beside it (the configuration in its tooltip), which writes the best configuration into the
// source.
//
// Sweeping runs the workspace's kernels (and JavaScript references), so in an untrusted workspace there is no Sweep
// lens: the Run lens provider already shows the lens that explains why nothing runs there. Applying a result is an
// ordinary edit and needs no trust.
import { posix } from "node:path";
import * as vscode from "vscode";
import { bestConfigurationEdits, bestEditsProblem, bestLensTitle, bestLensTooltip } from "./bestConfig";
import { SWEEP_TITLE } from "../lensTitles";
import { findSweepEntries } from "./sweepEntries";
import type { SweepResultStore } from "./sweepResults";

export const sweepCommand = "kernellens.sweep";
export const applyBestSweepCommand = "kernellens.applyBestSweep";

/** Typing fires one change per keystroke: redraw once it pauses (the same delay as the Run lenses). */
const refreshDelayMs = 300;

export class SweepLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly results: SweepResultStore) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === "wgsl" && event.contentChanges.length > 0) this.scheduleRefresh();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      results.onDidChange(() => this.changed.fire()),
    );
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(), refreshDelayMs);
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const text = document.getText();
    const entries = findSweepEntries(text);
    const trusted = vscode.workspace.isTrusted;
    const lenses: vscode.CodeLens[] = [];
    for (const entry of entries) {
      const start = document.positionAt(entry.nameSpan.start);
      const at = new vscode.Range(start, start);
      const args = [document.uri, entry.name];
      if (trusted) {
        const count = entry.sweepLines.length;
        lenses.push(
          new vscode.CodeLens(at, {
            title: SWEEP_TITLE,
            tooltip: `Explore ${entry.name}'s design space (${count} @sweep parameter${count === 1 ? "" : "s"}): check each point, rank it by the cost model and time the most promising on the GPU`,
            command: sweepCommand,
            arguments: args,
          }),
        );
      }
      const result = await this.results.get(document.uri, entry.name).catch(() => undefined);
      if (token.isCancellationRequested) return [];
      const edits = result?.best ? bestConfigurationEdits(text, result) : undefined;
      const title = result ? bestLensTitle(result, edits) : undefined;
      if (result && title) {
        const problem = edits ? bestEditsProblem(edits, result, posix.basename(document.uri.path)) : undefined;
        lenses.push(
          new vscode.CodeLens(at, {
            title,
            tooltip: problem ?? bestLensTooltip(result, entry.name),
            command: applyBestSweepCommand,
            arguments: args,
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
