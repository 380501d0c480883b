// Finds and loads Dawn's native Node addon (npm `webgpu`), shared by the Tint compiler and the GPU helper.
//
// The bundles in dist/ carry a copy of the addon for this platform (build.mjs puts it in dist/dawn/); running from
// sources (tests, the CLI under tsx) falls back to the copy in node_modules/webgpu. We load the addon directly rather
// than through the package's ESM entry so the CommonJS bundles can require it synchronously.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

export function dawnPlatformDir(): string {
  return `${process.platform}-${process.platform === "darwin" ? "universal" : process.arch}`;
}

/** Candidate paths of dawn.node, most specific first. */
export function dawnCandidates(from: string = __dirname): string[] {
  const plat = dawnPlatformDir();
  const found: string[] = [];
  if (process.env.KERNELLENS_DAWN_NODE) found.push(process.env.KERNELLENS_DAWN_NODE);
  // dist/server.js, dist/cli.js -> dist/dawn/<plat>/dawn.node
  found.push(join(from, "dawn", plat, "dawn.node"));
  // Walk up from the sources to the repository's node_modules.
  let dir = from;
  for (let i = 0; i < 6; i++) {
    found.push(join(dir, "node_modules", "webgpu", "dist", plat, "dawn.node"));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return found.map((p) => resolve(p));
}

let cached: DawnModule | { error: string } | undefined;

/** Loads the addon once per process; returns an error message (never throws) when it cannot. */
export function loadDawn(): DawnModule | { error: string } {
  if (cached) return cached;
  const candidates = dawnCandidates();
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    cached = { error: `Dawn (npm 'webgpu') has no build for ${dawnPlatformDir()}; looked in ${candidates.slice(0, 2).join(", ")}` };
    return cached;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path) as DawnModule;
    // The addon's classes (GPUBufferUsage etc.) are expected as globals by code written for browsers.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    cached = mod;
  } catch (err) {
    cached = { error: `could not load Dawn from ${path}: ${(err as Error).message}` };
  }
  return cached;
}
