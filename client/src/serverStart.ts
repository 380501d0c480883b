// When the language server starts. The extension activates on WGSL, CUDA and Python documents; a Python document
// activates it because Triton kernels are Python, but most Python files are not Triton. Starting the server (a Node
// process that loads Dawn) for them would be heavy work for nothing, so while the only reason to run is plain Python
// the start waits for the first document KernelLens reads (WGSL, CUDA, or Python that imports triton), or for one
// of KernelLens's commands.
import * as vscode from "vscode";
import { isAnalysedDocument, isPythonDocument } from "./analysedDocuments";

/** Whether to start at activation: yes unless every open document is Python without triton (and there is one). */
export function startsAtOnce(documents: readonly vscode.TextDocument[]): boolean {
  const files = documents.filter((d) => d.uri.scheme === "file" || d.uri.scheme === "untitled");
  if (files.some((d) => isAnalysedDocument(d))) return true;
  return !files.some((d) => isPythonDocument(d));
}

/**
 * Starts the server now, or at the first document KernelLens reads (opened, or saved with `import triton` added), or
 * when `startNow` is called (a command ran). `started` is the start made so far (resolved when none was); disposing
 * the result stops waiting.
 */
export function startServerWhenNeeded(start: () => Promise<void>): { startNow: () => Promise<void>; started: () => Promise<void>; disposable: vscode.Disposable } {
  let started: Promise<void> | undefined;
  const listeners: vscode.Disposable[] = [];
  const startNow = (): Promise<void> => {
    if (!started) {
      for (const l of listeners.splice(0)) l.dispose();
      started = start();
    }
    return started;
  };
  if (startsAtOnce(vscode.workspace.textDocuments)) void startNow();
  else {
    const consider = (d: vscode.TextDocument): void => {
      if (isAnalysedDocument(d)) void startNow();
    };
    listeners.push(vscode.workspace.onDidOpenTextDocument(consider), vscode.workspace.onDidSaveTextDocument(consider));
  }
  return { startNow, started: () => started ?? Promise.resolve(), disposable: { dispose: () => void listeners.splice(0).forEach((l) => l.dispose()) } };
}
