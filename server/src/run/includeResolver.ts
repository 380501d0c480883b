// Reads `#include`d files for the CLI and the run pipeline: the including file's folder first, then the include paths.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { IncludeResolution } from "../core/preprocess/preprocess";

/**
 * Resolves an include from the including file's folder (the main file's for the main file), then each include path
 * (relative ones from the main file's folder); `hint` ends the not-found message (how to add a folder).
 */
export function includeResolver(file: string, includePaths: readonly string[], hint = ""): (path: string, fromKey: string) => IncludeResolution {
  return (path, fromKey) => {
    const dirs = [dirname(fromKey || file), ...includePaths.map((p) => resolve(dirname(file), p))];
    for (const dir of dirs) {
      const full = isAbsolute(path) ? path : resolve(dir, path);
      try {
        if (existsSync(full) && statSync(full).isFile()) return { key: full, text: readFileSync(full, "utf8") };
      } catch {
        // unreadable: try the next folder
      }
    }
    return { error: `file not found (searched: ${dirs.join(", ")})${hint}` };
  };
}
