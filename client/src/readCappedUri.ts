// Reads a file through `vscode.workspace.fs` (so remote and virtual workspaces work) with a cap on its size: the
// client's counterpart of server/src/run/readCapped.ts, for the files the panels read (sweep results, kernels).
import * as vscode from "vscode";

export type CappedUriRead = { readonly bytes: Uint8Array } | { readonly error: string; readonly tooLarge: boolean; readonly size?: number };

function megabytes(n: number): string {
  return `${Math.round(n / 1048576)} MB`;
}

/** The file's bytes when it is at most `maxBytes` (checked before reading, and again after: it may have grown). */
export async function readCappedUri(uri: vscode.Uri, maxBytes: number): Promise<CappedUriRead> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > maxBytes) return { error: `${megabytes(stat.size)}, more than the ${megabytes(maxBytes)} allowed`, tooLarge: true, size: stat.size };
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > maxBytes) return { error: `more than the ${megabytes(maxBytes)} allowed`, tooLarge: true, size: bytes.byteLength };
    return { bytes };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err), tooLarge: false };
  }
}
