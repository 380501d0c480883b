// Which build of Dawn (npm `webgpu`) each VS Code platform needs, and how a package's dist/dawn/ is filled with it.
//
// Dawn's native addon cannot be bundled, so every platform-specific .vsix carries the one its platform loads, in
// dist/dawn/<Dawn's folder name>/ where server/src/tint/dawnLoader.ts looks. macOS has one universal build for both
// architectures. The universal package carries none: its runs and Tint diagnostics say what is missing instead.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** VS Code's target name (`vsce package --target`) -> the folder of node_modules/webgpu/dist holding its Dawn. */
export const DAWN_BY_TARGET = Object.freeze({
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "darwin-x64": "darwin-universal",
  "darwin-arm64": "darwin-universal",
  "win32-x64": "win32-x64",
  "win32-arm64": "win32-arm64",
});

/** The package without a target: every platform may install it, none gets Dawn from it. */
export const UNIVERSAL = "universal";

export const TARGETS = Object.freeze(Object.keys(DAWN_BY_TARGET));

/** The VS Code target of a Node platform and architecture, or undefined where no package is built for it. */
export function targetOf(platform = process.platform, arch = process.arch) {
  const target = `${platform}-${arch}`;
  return target in DAWN_BY_TARGET ? target : undefined;
}

/** Dawn's folder for a target, undefined for the universal package. Throws on a target that is not built. */
export function dawnFolderOf(target) {
  if (target === UNIVERSAL) return undefined;
  const folder = DAWN_BY_TARGET[target];
  if (!folder) throw new Error(`unknown target '${target}': one of ${[...TARGETS, UNIVERSAL].join(", ")}`);
  return folder;
}

/**
 * Makes `<distDir>/dawn` hold exactly the target's Dawn: the addon, the libraries beside it (Windows' shader
 * compilers) and their licences, plus Dawn's own licence; nothing for the universal package. Files already there
 * with the same size are kept (the addon is ~20 MB and watch rebuilds stay fast). Returns the staged paths relative
 * to distDir, or a reason when node_modules has no such build.
 */
export function stageDawn(root, distDir, target) {
  const folder = dawnFolderOf(target);
  const dawnDir = join(distDir, "dawn");
  // Another platform's build must never ride along: clear every folder but the target's.
  if (existsSync(dawnDir)) {
    for (const name of readdirSync(dawnDir)) if (name !== folder) rmSync(join(dawnDir, name), { recursive: true, force: true });
  }
  if (folder === undefined) {
    rmSync(dawnDir, { recursive: true, force: true });
    return { files: [] };
  }
  const webgpu = join(root, "node_modules", "webgpu");
  const from = join(webgpu, "dist", folder);
  if (!existsSync(join(from, "dawn.node"))) return { files: [], missing: `node_modules/webgpu has no Dawn build for ${folder}` };
  const to = join(dawnDir, folder);
  mkdirSync(to, { recursive: true });
  const copies = readdirSync(from).map((file) => [join(from, file), file]);
  if (existsSync(join(webgpu, "LICENSE.md"))) copies.push([join(webgpu, "LICENSE.md"), "dawn-LICENSE.md"]);
  const wanted = new Set(copies.map(([, name]) => name));
  for (const name of readdirSync(to)) if (!wanted.has(name)) rmSync(join(to, name), { recursive: true, force: true });
  for (const [source, name] of copies) {
    const target = join(to, name);
    if (!existsSync(target) || statSync(target).size !== statSync(source).size) cpSync(source, target);
  }
  return { files: [...wanted].sort().map((name) => `dawn/${folder}/${name}`) };
}
