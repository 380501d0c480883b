// The kernel document a command is about: the URI a lens passed, else the active editor's; only WGSL counts.
import * as vscode from "vscode";

export function isKernelDocument(document: vscode.TextDocument): boolean {
  return document.languageId === "wgsl" || document.fileName.endsWith(".wgsl");
}

/** Opens the lens's URI argument (a Uri or its string), or takes the active editor's document; undefined unless WGSL. */
export async function kernelDocumentFor(uriArg: unknown): Promise<vscode.TextDocument | undefined> {
  let document: vscode.TextDocument | undefined;
  if (uriArg instanceof vscode.Uri) document = await vscode.workspace.openTextDocument(uriArg);
  else if (typeof uriArg === "string" && uriArg !== "") document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uriArg));
  else document = vscode.window.activeTextEditor?.document;
  return document && isKernelDocument(document) ? document : undefined;
}
