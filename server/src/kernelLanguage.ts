// Which front-end reads a file: CUDA for VS Code's built-in `cuda-cpp` documents and .cu/.cuh files, Triton for
// Python documents and .py files, WGSL otherwise.
//
// The language server and the command line both ask: the server with the editor's language id and the document's
// URI, the command line with the file's path. A Python file is only *read* as Triton when it imports triton
// (`readsAsTriton`): every other Python file gets nothing from KernelLens, not even a parse.
import { importsTriton } from "./core/triton/analyze";

export type KernelLanguage = "wgsl" | "cuda" | "triton";

/** VS Code's language id for CUDA C++ (built in; KernelLens contributes no CUDA language or grammar of its own). */
export const CUDA_LANGUAGE_ID = "cuda-cpp";

/** VS Code's language id for Python (the Python extension's; Triton kernels are Python). */
export const PYTHON_LANGUAGE_ID = "python";

const CUDA_FILE = /\.(cu|cuh)$/i;
const PYTHON_FILE = /\.pyw?$/i;

/** A path or URI that names a CUDA source or header file. */
export function isCudaFile(pathOrUri: string): boolean {
  return CUDA_FILE.test(pathOrUri);
}

/** A path or URI that names a Python file (which holds Triton kernels only if it imports triton). */
export function isPythonFile(pathOrUri: string): boolean {
  return PYTHON_FILE.test(pathOrUri);
}

/** The language of a document: its language id when it is CUDA's or Python's, else its file name's extension. */
export function kernelLanguageOf(document: { readonly languageId?: string; readonly name: string }): KernelLanguage {
  if (document.languageId === CUDA_LANGUAGE_ID) return "cuda";
  if (document.languageId === PYTHON_LANGUAGE_ID) return "triton";
  return isCudaFile(document.name) ? "cuda" : isPythonFile(document.name) ? "triton" : "wgsl";
}

/**
 * Whether KernelLens reads this Python text at all: only a file that imports triton. One anchored regular expression
 * over the text, no parse; a plain Python file stops here.
 */
export function readsAsTriton(text: string): boolean {
  return importsTriton(text);
}
