// Which front-end reads a file: CUDA for VS Code's built-in `cuda-cpp` documents and .cu/.cuh files, WGSL otherwise.
//
// The language server and the command line both ask: the server with the editor's language id and the document's
// URI, the command line with the file's path.

export type KernelLanguage = "wgsl" | "cuda";

/** VS Code's language id for CUDA C++ (built in; KernelLens contributes no CUDA language or grammar of its own). */
export const CUDA_LANGUAGE_ID = "cuda-cpp";

const CUDA_FILE = /\.(cu|cuh)$/i;

/** A path or URI that names a CUDA source or header file. */
export function isCudaFile(pathOrUri: string): boolean {
  return CUDA_FILE.test(pathOrUri);
}

/** The language of a document: its language id when it is CUDA's, else its file name's extension. */
export function kernelLanguageOf(document: { readonly languageId?: string; readonly name: string }): KernelLanguage {
  return document.languageId === CUDA_LANGUAGE_ID || isCudaFile(document.name) ? "cuda" : "wgsl";
}
