// "Apply best sweep configuration": a code action on an entry point (or its `@sweep` lines) that writes the last
// sweep's fastest correct point into the source, and the command behind the best-configuration lens that does the same.
//
// The edit is computed from the document's current text, so it lands on today's lines; when a parameter no longer
// has anywhere to go (renamed or deleted since the sweep) nothing is edited and the action says why.
import { posix } from "node:path";
import * as vscode from "vscode";
import type { Edit, SweepResult } from "../../../server/src/engine";
import { applyBestTitle, bestConfigurationEdits, bestEditsProblem, bestParamsLabel } from "./bestConfig";
import { findSweepEntries, sweepEntriesAt } from "./sweepEntries";
import type { SweepResultStore } from "./sweepResults";

/** Offset edits on a document's text, as one WorkspaceEdit. */
export function workspaceEditOf(document: vscode.TextDocument, edits: readonly Edit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text);
  return edit;
}

function fileName(document: vscode.TextDocument): string {
  return posix.basename(document.uri.path);
}

export class ApplyBestActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.RefactorRewrite] };

  constructor(private readonly results: SweepResultStore) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    if (context.only && !context.only.intersects(vscode.CodeActionKind.RefactorRewrite)) return [];
    const text = document.getText();
    const entries = findSweepEntries(text);
    if (entries.length === 0) return [];
    const here = new Set([...sweepEntriesAt(entries, document.offsetAt(range.start)), ...sweepEntriesAt(entries, document.offsetAt(range.end))]);
    const actions: vscode.CodeAction[] = [];
    for (const entry of here) {
      const result = await this.results.get(document.uri, entry.name).catch(() => undefined);
      if (token.isCancellationRequested) return [];
      if (!result?.best) continue;
      const title = applyBestTitle(result)!;
      // With several entry points in view, say whose sweep it is.
      const action = new vscode.CodeAction(here.size > 1 ? title.replace("configuration", `configuration of ${entry.name}`) : title, vscode.CodeActionKind.RefactorRewrite);
      const edits = bestConfigurationEdits(text, result);
      const problem = bestEditsProblem(edits, result, fileName(document));
      if (problem !== undefined || edits.kind !== "edits") action.disabled = { reason: problem ?? "nothing to apply" };
      else action.edit = workspaceEditOf(document, edits.edits);
      actions.push(action);
    }
    return actions;
  }
}

/** Resolves the lens's or the palette's arguments to a document, an entry point and its latest result. */
async function target(results: SweepResultStore, uriArg: unknown, entryArg: unknown): Promise<{ document: vscode.TextDocument; entry: string; result: SweepResult } | undefined> {
  let document: vscode.TextDocument | undefined;
  if (uriArg instanceof vscode.Uri) document = await vscode.workspace.openTextDocument(uriArg);
  else if (typeof uriArg === "string" && uriArg !== "") document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uriArg));
  else document = vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showInformationMessage("KernelLens: open a WGSL file to apply its best sweep configuration.");
    return undefined;
  }
  const doc = document;
  const names = typeof entryArg === "string" && entryArg !== "" ? [entryArg] : findSweepEntries(doc.getText()).map((e) => e.name);
  const withResults: { entry: string; result: SweepResult }[] = [];
  for (const entry of names) {
    const result = await results.get(doc.uri, entry).catch(() => undefined);
    if (result) withResults.push({ entry, result });
  }
  if (withResults.length === 0) {
    void vscode.window.showInformationMessage(`KernelLens: ${fileName(doc)} has no sweep result${names.length === 1 ? ` for ${names[0]}` : ""} yet: run Sweep (the lens above the kernel) first.`);
    return undefined;
  }
  if (withResults.length === 1) return { document: doc, ...withResults[0]! };
  const picked = await vscode.window.showQuickPick(
    withResults.map((w) => ({ label: w.entry, description: bestParamsLabel(w.result) ?? "no best configuration", value: w })),
    { placeHolder: "Apply the best configuration of which entry point?" },
  );
  return picked ? { document: doc, ...picked.value } : undefined;
}

/** `kernellens.applyBestSweep` (uri, entry): writes the best configuration of the entry point's latest sweep into the document. */
export async function applyBestSweep(results: SweepResultStore, log: vscode.LogOutputChannel, uriArg?: unknown, entryArg?: unknown): Promise<boolean> {
  const found = await target(results, uriArg, entryArg);
  if (!found) return false;
  const { document, entry, result } = found;
  const edits = bestConfigurationEdits(document.getText(), result);
  const problem = bestEditsProblem(edits, result, fileName(document));
  if (problem !== undefined || edits.kind !== "edits") {
    const already = edits.kind === "edits";
    if (already) void vscode.window.setStatusBarMessage(`KernelLens: ${problem}`, 4000);
    else void vscode.window.showWarningMessage(`KernelLens: ${problem ?? "nothing to apply"}`);
    return false;
  }
  const applied = await vscode.workspace.applyEdit(workspaceEditOf(document, edits.edits));
  if (!applied) {
    void vscode.window.showWarningMessage(`KernelLens: the best configuration of ${entry} could not be written into ${fileName(document)} (the editor refused the edit).`);
    return false;
  }
  log.info(`applied the best sweep configuration of ${entry} to ${document.uri.fsPath}: ${bestParamsLabel(result)}`);
  void vscode.window.setStatusBarMessage(`KernelLens: ${entry} now uses ${bestParamsLabel(result)}`, 4000);
  return true;
}
