// Where sweep results live: `.kernellens/sweeps/<kernel's path, folders joined by -->.<entry>.sweep.json` in the
// kernel's workspace folder (the extension's global storage for a kernel outside every folder), and the latest of
// each in memory.
//
// The sweep command writes through this store; the lenses and the code action read through it. A result read from
// disk counts only when it names this kernel and entry point (a result copied or written by the CLI may not),
// and is read again only when the file changes, so asking on every lens refresh costs a `stat`.
import { posix } from "node:path";
import * as vscode from "vscode";
import { parseSweepResult, type SweepResult } from "../../../server/src/engine";
import { kernelUriOf, maxResultBytes } from "../panels/designSpacePanel";
import { readCappedUri } from "../readCappedUri";
import { resultFileName } from "./sweepJob";

/** Relative to a workspace folder, next to the run history. */
export const sweepResultFolder = ".kernellens/sweeps";

interface Known {
  /** undefined: the file on disk is not a result for this kernel (or not valid); remembered so it is not read again. */
  readonly result: SweepResult | undefined;
  /** The file's stat when it was read or written; undefined for a result that could not be written. */
  readonly mtime: number | undefined;
  readonly size: number | undefined;
}

function sameFile(a: vscode.Uri, b: vscode.Uri): boolean {
  if (a.scheme !== b.scheme || a.authority !== b.authority) return false;
  // Paths on Windows differ in the drive letter's case between APIs.
  return process.platform === "win32" ? a.path.toLowerCase() === b.path.toLowerCase() : a.path === b.path;
}

export class SweepResultStore implements vscode.Disposable {
  private readonly known = new Map<string, Known>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a sweep wrote a result, or a result file changed on disk. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly globalStorage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Results written by the CLI, deleted, or checked out change what the lenses offer.
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${sweepResultFolder}/*.sweep.json`);
    const fire = (): void => this.changed.fire();
    this.disposables.push(watcher, watcher.onDidChange(fire), watcher.onDidCreate(fire), watcher.onDidDelete(fire));
  }

  /** The workspace folder a result of this kernel goes to, when it is in one. */
  folderOf(kernel: vscode.Uri): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.getWorkspaceFolder(kernel);
  }

  /** The result file of a kernel's entry point. */
  resultUri(kernel: vscode.Uri, entry: string): vscode.Uri {
    const folder = this.folderOf(kernel);
    const name = resultFileName(kernel.path, entry, folder?.uri.path);
    return folder ? vscode.Uri.joinPath(folder.uri, ...sweepResultFolder.split("/"), name) : vscode.Uri.joinPath(this.globalStorage, "sweeps", name);
  }

  /** Writes a sweep's result and remembers it; resolves to the file, or rejects when it could not be written (it is remembered anyway). */
  async write(kernel: vscode.Uri, entry: string, result: SweepResult, json: string): Promise<vscode.Uri> {
    const uri = this.resultUri(kernel, entry);
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, ".."));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(json));
      const stat = await vscode.workspace.fs.stat(uri);
      this.known.set(uri.toString(), { result, mtime: stat.mtime, size: stat.size });
      return uri;
    } catch (err) {
      this.known.set(uri.toString(), { result, mtime: undefined, size: undefined });
      throw err;
    } finally {
      this.changed.fire();
    }
  }

  /** The latest result of a kernel's entry point: the one this session wrote, or the file on disk when it names this kernel. */
  async get(kernel: vscode.Uri, entry: string): Promise<SweepResult | undefined> {
    const uri = this.resultUri(kernel, entry);
    const key = uri.toString();
    const known = this.known.get(key);
    let stat: vscode.FileStat | undefined;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      stat = undefined;
    }
    if (!stat) {
      // Deleted: forget it, unless it never reached the disk (a write that failed keeps its result for this session).
      if (known && known.mtime !== undefined) this.known.delete(key);
      return known && known.mtime === undefined ? this.mine(known.result, kernel, uri, entry) : undefined;
    }
    if (known && known.mtime === stat.mtime && known.size === stat.size) return this.mine(known.result, kernel, uri, entry);
    let result: SweepResult | undefined;
    const read = await readCappedUri(uri, maxResultBytes);
    if ("error" in read) this.log.debug(`sweep results: could not read ${uri.fsPath}: ${read.error}`);
    else {
      const parsed = parseSweepResult(new TextDecoder("utf-8").decode(read.bytes));
      if (parsed.ok) result = parsed.result;
      else this.log.debug(`sweep results: ${uri.fsPath} is not a valid sweep result: ${parsed.problems[0] ?? ""}`);
    }
    this.known.set(key, { result, mtime: stat.mtime, size: stat.size });
    return this.mine(result, kernel, uri, entry);
  }

  /** A result counts for this kernel only when it names it and the entry point. */
  private mine(result: SweepResult | undefined, kernel: vscode.Uri, resultUri: vscode.Uri, entry: string): SweepResult | undefined {
    if (!result || result.entry !== entry) return undefined;
    const named = kernelUriOf(resultUri, result.file);
    if (sameFile(named, kernel)) return result;
    // An untitled kernel's result names a file that does not exist: match it by name within the same folder.
    if (kernel.scheme !== "file" && posix.basename(named.path) === posix.basename(kernel.path)) return result;
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
