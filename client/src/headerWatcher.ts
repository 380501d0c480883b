// The workspace's CUDA and C++ headers, watched for the language server. The client sends it `.cu`/`.cuh` documents
// only while they are open, and never `.h`/`.hpp` ones, so a header edited outside the editor (a `git checkout`, a
// generator, another editor) or never opened would go unnoticed until the next edit of a file including it. The
// language client forwards the watcher's events as `workspace/didChangeWatchedFiles` (batched); the server reads
// again and compiles again the open files that included a changed header (server/src/lsp/headerChanges.ts).
import * as vscode from "vscode";

/** Headers a CUDA file can include: CUDA's own, C's and C++'s, and inline-implementation files. */
export const WATCHED_HEADERS = "**/*.{cuh,h,hpp,hh,inl}";

/** A watcher of the workspace folders' headers (files.watcherExclude applies); disposed with the language client. */
export function watchHeaders(): vscode.FileSystemWatcher {
  return vscode.workspace.createFileSystemWatcher(WATCHED_HEADERS);
}
