// Kernels Triton has already compiled, read from its cache without Python: exact shared memory, registers and spills
// for kernels the user has run, even where the exact path cannot compile (no Triton in the selected interpreter, an
// untrusted workspace: reading files runs nothing).
//
// The layout, as Triton's FileCacheManager writes it (python/triton/runtime/cache.py: `default_cache_dir` is
// ~/.triton/cache, overridden by TRITON_CACHE_DIR; each compile gets a folder named by its hash; files are written
// under their final name with an atomic replace, `__grp__<name>.json` lists a compile's files as {"child_paths": [...]})
// and as `compile` in python/triton/compiler/compiler.py names the files: `<function name>.json` (the metadata, see
// core/triton/compiledMetadata.ts) beside `<function name>.<stage>` for each stage (`.ttir`, `.ttgir`, `.llir`,
// `.ptx`, `.cubin`), the function name cut to 150 characters. Triton 3.4 and newer also read TRITON_HOME for the home
// folder (knobs.cache.home_dir).
//
// Every read is capped (run/readCapped.ts), the number of folders looked at too: a cache of a busy machine holds
// thousands of compiles, and only the named functions' files are opened.
import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { type CachedTritonKernel, parseCacheMetadata } from "../core/triton/compiledMetadata";
import { readCapped, readCappedText } from "../run/readCapped";

const MAX_METADATA_BYTES = 1024 * 1024;
const MAX_CUBIN_BYTES = 64 * 1024 * 1024;
/** Compile folders looked at, at most (a folder costs one failed open per function that is not in it). */
const MAX_FOLDERS = 20_000;
/** Triton cuts the function name to this many characters in its file names. */
const NAME_LIMIT = 150;

/** Triton's cache folder: TRITON_CACHE_DIR, else <TRITON_HOME or home>/.triton/cache. */
export function tritonCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const dir = env.TRITON_CACHE_DIR?.trim();
  if (dir) return dir;
  const tritonHome = env.TRITON_HOME?.trim();
  return join(tritonHome || home, ".triton", "cache");
}

export interface TritonCacheRead {
  /** The named functions' compiles, with their metadata and cubin. */
  readonly kernels: readonly CachedTritonKernel[];
  /** What could not be read (a malformed metadata file, a cubin over the cap), for the log. */
  readonly notes: readonly string[];
  /** False when the cache folder does not exist or cannot be listed (nothing to read: no Triton run here yet). */
  readonly found: boolean;
  /** True when the folder held more compiles than were looked at. */
  readonly truncated: boolean;
}

/** The compiles of the functions named in `functions` found in the cache folder `dir`. */
export function readTritonCache(dir: string, functions: readonly string[]): TritonCacheRead {
  let folders: string[];
  try {
    folders = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return { kernels: [], notes: [], found: false, truncated: false };
  }
  const truncated = folders.length > MAX_FOLDERS;
  if (truncated) folders = folders.sort().slice(0, MAX_FOLDERS);
  const names = [...new Set(functions.filter((f) => /^[A-Za-z_]\w*$/.test(f)).map((f) => f.slice(0, NAME_LIMIT)))];
  const kernels: CachedTritonKernel[] = [];
  const notes: string[] = [];
  for (const folder of folders) {
    for (const name of names) {
      const path = join(dir, folder, `${name}.json`);
      const text = readCappedText(path, MAX_METADATA_BYTES);
      if ("error" in text) {
        if (text.reason !== "missing") notes.push(text.error);
        continue;
      }
      const metadata = parseCacheMetadata(text.text);
      if ("error" in metadata) {
        notes.push(`${path}: ${metadata.error}`);
        continue;
      }
      const cubin = readCapped(join(dir, folder, `${name}.cubin`), MAX_CUBIN_BYTES);
      if ("error" in cubin && cubin.reason !== "missing") notes.push(cubin.error);
      kernels.push({ metadata, cubin: "error" in cubin ? null : new Uint8Array(cubin.bytes.buffer, cubin.bytes.byteOffset, cubin.bytes.byteLength), path });
    }
  }
  return { kernels, notes, found: true, truncated };
}
