// The documents KernelLens's language server analyses: WGSL, and CUDA as VS Code's built-in `cuda-cpp` language or
// a .cu/.cuh file. KernelLens contributes no CUDA language or grammar: it joins the C++ extension, never replaces it.
// (Running, timing and sweeping stay WGSL's: kernelDocument.ts.)
import type * as vscode from "vscode";

/** The language client's document selector. */
export const analysedDocumentSelector = [{ language: "wgsl" }, { language: "cuda-cpp" }, { pattern: "**/*.{cu,cuh}" }];

/** Whether the server analyses the document: what the Kernels and Roofline panels can follow. */
export function isAnalysedDocument(document: vscode.TextDocument): boolean {
  return document.languageId === "wgsl" || document.languageId === "cuda-cpp" || /\.(cu|cuh)$/i.test(document.fileName);
}
