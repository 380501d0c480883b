// The documents KernelLens's language server analyses: WGSL, CUDA as VS Code's built-in `cuda-cpp` language or a
// .cu/.cuh file, and Python files that import triton. KernelLens contributes no CUDA or Python language or grammar of
// its own: it joins the C++ and Python extensions, never replaces them. (Running, timing and sweeping stay WGSL's:
// kernelDocument.ts.)
import type * as vscode from "vscode";
import { importsTriton } from "../../server/src/engine";

/**
 * The language client's document selector. Python is in it so Triton files reach the server; a Python document that
 * does not import triton is never sent (pythonSync.ts) and the server answers nothing about it.
 */
export const analysedDocumentSelector = [{ language: "wgsl" }, { language: "cuda-cpp" }, { pattern: "**/*.{cu,cuh}" }, { language: "python" }];

/** Whether the document is Python (its language id, or a .py file): KernelLens reads it only if it imports triton. */
export function isPythonDocument(document: Pick<vscode.TextDocument, "languageId" | "fileName">): boolean {
  return document.languageId === "python" || /\.pyw?$/i.test(document.fileName);
}

/** Whether the server analyses the document: what the Kernels and Roofline panels can follow. */
export function isAnalysedDocument(document: vscode.TextDocument): boolean {
  if (document.languageId === "wgsl" || document.languageId === "cuda-cpp" || /\.(cu|cuh)$/i.test(document.fileName)) return true;
  return isPythonDocument(document) && importsTriton(document.getText());
}
