// Where the engine may read files a kernel names (`#include`, `file("a.npy")`): inside the workspace, and outside it
// only when that was allowed (Workspace Trust in the editor, `--allow-outside` on the command line).
//
// Paths are compared after resolving symbolic links on both sides, so a link inside the workspace that points out of
// it is outside, and a workspace reached through a link (macOS's /tmp) still contains its files.
import { realpathSync } from "node:fs";
import { dirname, posix, resolve, win32 } from "node:path";

export interface FileAccess {
  /** The workspace: folders inside which files may always be read (absolute; links are resolved here). */
  readonly roots: readonly string[];
  /** Whether files outside the roots may be read too (a trusted workspace, `--allow-outside`). */
  readonly allowOutside: boolean;
  /** Ends the refusal of an outside file: how to allow it (`; trust the workspace ...`, `; pass --allow-outside`). */
  readonly outsideHint?: string;
}

/** Everything may be read: for callers that decided so (the editor's runs and sweeps need a trusted workspace anyway). */
export const UNRESTRICTED: FileAccess = { roots: [], allowOutside: true };

/** The file with links resolved, or undefined when it does not exist (or a link in its path is broken). */
export function realPath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/** Whether `path` is `folder` or below it; both absolute and already real. Case-insensitive on Windows and macOS, as their file systems usually are. */
export function isWithin(path: string, folder: string, platform: NodeJS.Platform = process.platform): boolean {
  const fold = platform === "win32" || platform === "darwin";
  const a = fold ? path.toLowerCase() : path;
  const b = fold ? folder.toLowerCase() : folder;
  const paths = platform === "win32" ? win32 : posix;
  const rel = paths.relative(b, a);
  return rel === "" || (!paths.isAbsolute(rel) && rel !== ".." && !rel.startsWith("../") && !rel.startsWith("..\\"));
}

/** The real paths of the roots that exist (a root that does not exist holds no files). */
function realRoots(roots: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of roots) {
    const real = realPath(resolve(r));
    if (real !== undefined && !out.includes(real)) out.push(real);
  }
  return out;
}

export type Placement =
  /** May be read: `real` is the file with links resolved; `outside` when it lies outside the workspace (allowed). */
  | { readonly real: string; readonly outside: boolean }
  /** Refused: `outside` (not allowed), or `missing` (no such file). */
  | { readonly refused: "outside" | "missing"; readonly real?: string; readonly message: string };

/**
 * Where `path` (absolute) really is, and whether it may be read under `access`. The roots are resolved on each call:
 * callers check a handful of files per analysis, and a folder may be renamed or relinked between analyses.
 */
export function placeFile(path: string, access: FileAccess): Placement {
  const real = realPath(path);
  if (real === undefined) return { refused: "missing", message: `no such file: ${path}` };
  const roots = realRoots(access.roots);
  const inside = roots.some((root) => isWithin(real, root));
  if (inside) return { real, outside: false };
  if (access.allowOutside) return { real, outside: true };
  const shown = real === resolve(path) ? path : `${path} (which is ${real})`;
  const where = roots.length === 0 ? "there is no workspace folder" : `the workspace is ${roots.join(", ")}`;
  return { refused: "outside", real, message: `${shown} is outside the workspace (${where})${access.outsideHint ?? ""}` };
}

/**
 * The command line's workspace: the current folder, the folders of the files named on the command line and the
 * `--include` folders. `allowOutside` is `--allow-outside`.
 */
export function cliFileAccess(cwd: string, files: readonly string[], includePaths: readonly string[], allowOutside: boolean): FileAccess {
  const roots = [cwd, ...files.map((f) => dirname(resolve(cwd, f))), ...includePaths.map((p) => resolve(cwd, p))];
  return { roots: [...new Set(roots)], allowOutside, outsideHint: "; pass --allow-outside to read files outside it" };
}
