// Reads `#include`d files for the CLI, the run pipeline, sweeps and the language server: the including file's folder
// first, then the include paths; only inside the workspace unless outside files are allowed (fileAccess.ts), and
// never more than MAX_INCLUDE_BYTES per file or MAX_INCLUDE_TOTAL_BYTES for all the files one resolver reads.
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import type { IncludeResolution } from "../core/preprocess/preprocess";
import { type FileAccess, placeFile, UNRESTRICTED } from "./fileAccess";
import { formatBytes } from "../core/format";
import { readCappedText } from "./readCapped";

/** Far above any real shader library file (llama.cpp's largest WGSL file is under 100 KiB). */
export const MAX_INCLUDE_BYTES = 4 * 1024 * 1024;
/** All the distinct files one resolver reads together (one analysis, or one sweep's variants). */
export const MAX_INCLUDE_TOTAL_BYTES = 16 * 1024 * 1024;

/** The diagnostic code of an include refused because it is outside the workspace. */
export const INCLUDE_OUTSIDE_CODE = "preprocessor-include-outside";

export type ResolveInclude = (path: string, fromKey: string) => IncludeResolution;

export interface IncludeSearchOptions {
  /** The folders to look in for `path` included from `fromKey` ("" is the main file), in order. */
  readonly folders: (path: string, fromKey: string) => readonly string[];
  /** Where included files may come from; default: anywhere. */
  readonly access?: FileAccess;
  /** Ends the not-found message: how to add a folder. */
  readonly hint?: string;
  /** An editor's text of a file, which wins over the file on disk (edits show before saving). */
  readonly openText?: (path: string) => string | undefined;
  readonly maxBytes?: number;
  readonly maxTotalBytes?: number;
}

/**
 * A resolver that looks for each include in `folders` and reads the first file it may read. Files are read once per
 * resolver (a sweep checks hundreds of variants with one) and their sizes count against one total.
 */
export function searchingIncludeResolver(options: IncludeSearchOptions): ResolveInclude {
  const access = options.access ?? UNRESTRICTED;
  const maxBytes = options.maxBytes ?? MAX_INCLUDE_BYTES;
  const maxTotal = options.maxTotalBytes ?? MAX_INCLUDE_TOTAL_BYTES;
  const read = new Map<string, string>();
  let total = 0;
  return (path, fromKey) => {
    const folders = options.folders(path, fromKey);
    let refused: IncludeResolution | undefined;
    for (const folder of folders) {
      const full = folder === "" ? path : resolve(folder, path);
      const open = options.openText?.(full);
      let placed = placeFile(full, access);
      if ("refused" in placed && placed.refused === "missing" && open !== undefined) {
        // An open editor of a file not on disk (deleted since): judge it by its folder.
        const folderPlace = placeFile(dirname(full), access);
        placed = "refused" in folderPlace ? folderPlace : { real: join(folderPlace.real, basename(full)), outside: folderPlace.outside };
      }
      if ("refused" in placed) {
        if (placed.refused === "outside") refused ??= { error: placed.message, code: INCLUDE_OUTSIDE_CODE };
        continue;
      }
      let text = open ?? read.get(placed.real);
      if (text === undefined) {
        const got = readCappedText(full, maxBytes);
        if ("error" in got) {
          // A folder of the same name, say: look further.
          if (got.reason === "missing" || got.reason === "not-a-file") continue;
          return { error: got.reason === "too-large" ? `${full} is larger than ${formatBytes(maxBytes)}` : got.error };
        }
        text = got.text;
        if (total + text.length > maxTotal) return { error: `the included files together are larger than ${formatBytes(maxTotal)}` };
        total += text.length;
        read.set(placed.real, text);
      } else if (open !== undefined && open.length > maxBytes) {
        return { error: `${full} is larger than ${formatBytes(maxBytes)}` };
      }
      return { key: full, text };
    }
    return refused ?? { error: `file not found (searched: ${folders.map((f) => f || "/").join(", ")})${options.hint ?? ""}` };
  };
}

export interface IncludeResolverOptions {
  /** Ends the not-found message (how to add a folder). */
  readonly hint?: string;
  /** Where included files may come from; default: anywhere (the caller decided). */
  readonly access?: FileAccess;
}

/**
 * Resolves an include from the including file's folder (the main file's for the main file), then each include path
 * (relative ones from the main file's folder). For the CLI, the run pipeline and sweeps.
 */
export function includeResolver(file: string, includePaths: readonly string[], options: IncludeResolverOptions = {}): ResolveInclude {
  return searchingIncludeResolver({
    folders: (path, fromKey) => (isAbsolute(path) ? [""] : [dirname(fromKey || file), ...includePaths.map((p) => resolve(dirname(file), p))]),
    access: options.access,
    hint: options.hint,
  });
}

export interface WorkspaceIncludeOptions {
  /** The document's path, when it is a saved file. */
  readonly documentPath: string | undefined;
  /** `kernellens.preprocessor.includePaths`: absolute folders, or folders relative to each workspace folder. */
  readonly includePaths: readonly string[];
  readonly workspaceFolders: readonly string[];
  /** Workspace Trust: outside the workspace folders includes are read only in a trusted workspace. */
  readonly trusted: boolean;
  /** Folders whose files are always allowed besides the workspace (a library the extension ships). */
  readonly libraryFolders?: readonly string[];
  readonly openText?: (path: string) => string | undefined;
  /** The caps (default MAX_INCLUDE_BYTES and MAX_INCLUDE_TOTAL_BYTES); create one resolver per analysis. */
  readonly maxBytes?: number;
  readonly maxTotalBytes?: number;
}

/**
 * The language server's resolver for one analysis: the including file's folder, then the setting's folders; inside
 * the workspace folders (and library folders) only, unless the workspace is trusted.
 */
export function workspaceIncludeResolver(options: WorkspaceIncludeOptions): ResolveInclude {
  const search = searchingIncludeResolver({
    folders: (path, fromKey) => {
      const fromDir = fromKey ? dirname(fromKey) : options.documentPath ? dirname(options.documentPath) : undefined;
      const dirs: string[] = [];
      if (isAbsolute(path)) dirs.push("");
      if (fromDir) dirs.push(fromDir);
      for (const p of options.includePaths) {
        if (isAbsolute(p)) dirs.push(p);
        else for (const folder of options.workspaceFolders) dirs.push(join(folder, p));
      }
      return dirs;
    },
    access: {
      roots: [...options.workspaceFolders, ...(options.libraryFolders ?? [])],
      allowOutside: options.trusted,
      outsideHint: "; trust the workspace to include files outside it",
    },
    hint: "; add its folder to the setting kernellens.preprocessor.includePaths",
    openText: options.openText,
    maxBytes: options.maxBytes,
    maxTotalBytes: options.maxTotalBytes,
  });
  return (path, fromKey) => {
    if (!options.documentPath && !fromKey && !isAbsolute(path)) return { error: "the document is not saved in a folder, so relative includes cannot be found" };
    return search(path, fromKey);
  };
}
