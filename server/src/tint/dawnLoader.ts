// Finds and loads Dawn's native Node addon (npm `webgpu`), shared by the Tint compiler and the GPU helper.
//
// The bundles in dist/ carry a copy of the addon for this platform (build.mjs puts it in dist/dawn/); each
// platform-specific .vsix carries its platform's, the universal .vsix none (scripts/package.mjs). Running from
// sources (tests, the CLI under tsx) falls back to the copy in node_modules/webgpu. We load the addon directly rather
// than through the package's ESM entry so the CommonJS bundles can require it synchronously.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** The Dawn builds npm `webgpu` ships (its dist/ folders); each platform-specific KernelLens package carries one. */
export const DAWN_BUILDS: readonly string[] = ["darwin-universal", "linux-arm64", "linux-x64", "win32-arm64", "win32-x64"];

/** Dawn's folder for a platform: `webgpu` names its builds <platform>-<arch>, but macOS has one for both architectures. */
export function dawnPlatformDir(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}-${platform === "darwin" ? "universal" : arch}`;
}

/**
 * Why there is no Dawn here, in one line for a status item, a notification or the CLI: what is lost, what still
 * works, and, where a KernelLens package for the platform exists, which one to install.
 */
export function missingDawnMessage(platform: string = process.platform, arch: string = process.arch): string {
  const target = `${platform}-${arch}`;
  if (DAWN_BUILDS.includes(dawnPlatformDir(platform, arch))) {
    return `this KernelLens package has no WebGPU runtime (Dawn) for ${target}: install the ${target} package (kernellens-${target}.vsix) to run kernels and get Tint's WGSL diagnostics; the analysis works without it`;
  }
  return `Dawn, the WebGPU runtime KernelLens runs kernels with, has no build for ${target}: running kernels and Tint's WGSL diagnostics are unavailable here; the analysis works without them`;
}

/** Why the addon is not loaded: `missing` when no candidate file exists, otherwise one was found and failed to load. */
export interface DawnUnavailable {
  readonly error: string;
  readonly missing: boolean;
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

/**
 * Whether this install carries Dawn, without loading it (for a status item at start-up): undefined when the addon is
 * there, otherwise the one-line reason. `from` is the bundle's folder (dist/ for every bundle).
 */
export function dawnMissing(from: string = __dirname): string | undefined {
  return dawnCandidates(from).some((p) => existsSync(p)) ? undefined : missingDawnMessage();
}

let cached: DawnModule | DawnUnavailable | undefined;

/** Loads the addon once per process; returns an error message (never throws) when it cannot. */
export function loadDawn(): DawnModule | DawnUnavailable {
  if (cached) return cached;
  const path = dawnCandidates().find((p) => existsSync(p));
  if (!path) {
    cached = { error: missingDawnMessage(), missing: true };
    return cached;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path) as DawnModule;
    // The addon's classes (GPUBufferUsage etc.) are expected as globals by code written for browsers.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    cached = mod;
  } catch (err) {
    cached = { error: `could not load Dawn from ${path}: ${(err as Error).message}`, missing: false };
  }
  return cached;
}
