// The workspace as the boundary of what the panels open on a file's say-so: a kernel a sweep result names (Design
// space), a file a run-history row names (Profiler). Inside the workspace folders such a file opens; outside, only in
// a trusted workspace, and the panel says "outside the workspace" next to it. Also: Workspace Trust added to the
// settings the language server asks for, which decides where its `#include`s may come from.
//
// Pure functions over URI-shaped values (a vscode.Uri is one), so unit tests run them without VS Code.
import { posix, win32 } from "node:path";
import { isWithin, realPath } from "../../server/src/engine";

/** What the checks need of a URI; `vscode.Uri` has all of it. */
export interface UriLike {
  readonly scheme: string;
  readonly authority: string;
  /** The URI's path (`/c:/x` on Windows). */
  readonly path: string;
  /** The platform path of a `file` URI (`c:\x` on Windows). */
  readonly fsPath: string;
}

/** The words each panel puts next to a path outside the workspace. */
export const OUTSIDE_NOTE = "outside the workspace";

export interface BoundaryOptions {
  /** The file with links resolved; undefined when it does not exist. Default: the file system's. */
  readonly realpath?: (fsPath: string) => string | undefined;
  readonly platform?: NodeJS.Platform;
}

/** A `file` path with links resolved; a file that does not exist (yet) is judged by its folder, resolved. */
function realFsPath(fsPath: string, realpath: (p: string) => string | undefined, platform: NodeJS.Platform): string {
  const real = realpath(fsPath);
  if (real !== undefined) return real;
  const paths = platform === "win32" ? win32 : posix;
  const folder = realpath(paths.dirname(fsPath));
  return folder === undefined ? fsPath : paths.join(folder, paths.basename(fsPath));
}

/**
 * Whether `target` lies inside one of `folders`. Local files are compared with links resolved on both sides, so a
 * link in the workspace to a file outside it is outside; other schemes (remote, virtual) by their normalised paths.
 */
export function isInWorkspace(target: UriLike, folders: readonly UriLike[], options: BoundaryOptions = {}): boolean {
  const realpath = options.realpath ?? realPath;
  const platform = options.platform ?? process.platform;
  for (const folder of folders) {
    if (folder.scheme !== target.scheme || folder.authority.toLowerCase() !== target.authority.toLowerCase()) continue;
    if (target.scheme === "file") {
      if (isWithin(realFsPath(target.fsPath, realpath, platform), realFsPath(folder.fsPath, realpath, platform), platform)) return true;
    } else {
      const rel = posix.relative(posix.normalize(folder.path), posix.normalize(target.path));
      if (rel === "" || (!posix.isAbsolute(rel) && rel !== ".." && !rel.startsWith("../"))) return true;
    }
  }
  return false;
}

export type OpenDecision =
  /** Open it; `outside`: it lies outside the workspace (allowed by trust), which the panel shows. */
  | { readonly allowed: true; readonly outside: boolean }
  /** Do not read or open it: `reason` says why, in words for the panel. */
  | { readonly allowed: false; readonly outside: true; readonly reason: string };

function decision(inside: boolean, trusted: boolean, shown: string): OpenDecision {
  if (inside) return { allowed: true, outside: false };
  if (trusted) return { allowed: true, outside: true };
  return { allowed: false, outside: true, reason: `${shown} is ${OUTSIDE_NOTE}: it opens only in a trusted workspace` };
}

/**
 * Whether a panel may read or open `target` because a workspace file (a sweep result, a history row) names it:
 * inside the workspace always, outside only in a trusted workspace. `shown` is the path as the naming file has it.
 */
export function decideOpen(target: UriLike, folders: readonly UriLike[], trusted: boolean, shown: string, options: BoundaryOptions = {}): OpenDecision {
  return decision(isInWorkspace(target, folders, options), trusted, shown);
}

/** `decideOpen` for a local file and local folders, as platform paths. */
export function decideOpenPath(fsPath: string, folders: readonly string[], trusted: boolean, shown: string, options: BoundaryOptions = {}): OpenDecision {
  const asUri = (p: string): UriLike => ({ scheme: "file", authority: "", path: p, fsPath: p });
  return decision(isInWorkspace(asUri(fsPath), folders.map(asUri), options), trusted, shown);
}

/**
 * The language server asks for the `kernellens` settings; the answer carries `workspaceTrusted`, which decides
 * whether its `#include`s may leave the workspace folders. Whatever a settings file says under that name is
 * replaced, so only VS Code's own trust counts.
 */
export function withWorkspaceTrust(items: readonly { readonly section?: string }[], results: readonly unknown[], trusted: boolean): unknown[] {
  return results.map((value, i) => {
    if (items[i]?.section !== "kernellens") return value;
    const section = value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
    return { ...section, workspaceTrusted: trusted };
  });
}
