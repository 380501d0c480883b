// Bundles the extension client, the language server, the CLI and the webview pages into dist/ with esbuild.
//
//   node build.mjs               development build (source maps)
//   node build.mjs --production  minified, no source maps (what `npm run package` ships)
//   node build.mjs --watch       rebuild on change
//   --target <t>                 carry the Dawn of VS Code target t (linux-x64, darwin-arm64, ...; `universal`: none)
//                                instead of this machine's; scripts/package.mjs uses it for the platform packages
//   --outdir <dir>               build there instead of dist/
//
// Dawn's native addon cannot be bundled, so the one for this platform (or --target) is copied to
// dist/dawn/<Dawn's folder>/, where server/src/tint/dawnLoader.ts looks first (scripts/dawnTargets.mjs).
import * as esbuild from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { UNIVERSAL, stageDawn, targetOf } from "./scripts/dawnTargets.mjs";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");
const root = new URL(".", import.meta.url).pathname;

function optionValue(name) {
  const at = process.argv.indexOf(name);
  if (at < 0) return undefined;
  const value = process.argv[at + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`build: ${name} needs a value`);
  return value;
}

const dist = optionValue("--outdir") !== undefined ? resolve(optionValue("--outdir")) : join(root, "dist");
const target = optionValue("--target") ?? targetOf() ?? UNIVERSAL;
// A production build empties its folder first: never the repository or a folder above it.
const fromDist = relative(dist, root);
if (fromDist === "" || (!fromDist.startsWith("..") && !isAbsolute(fromDist))) throw new Error(`build: refusing to build into ${dist}, which holds the repository`);

const nodeCommon = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: production ? false : "linked",
  minify: production,
  external: ["vscode"],
  // web-tree-sitter's ES module reads import.meta.url, which a CommonJS bundle does not have: bundle its CommonJS build.
  alias: { "web-tree-sitter": join(root, "node_modules", "web-tree-sitter", "tree-sitter.cjs") },
  logLevel: "warning",
};

/** Every folder in webview/src with a main.ts is one page; `shared` holds code the pages import. */
function webviewEntries() {
  const dir = join(root, "webview", "src");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory() && existsSync(join(dir, name, "main.ts")))
    .map((name) => ({ name, dir: join(dir, name) }));
}

function copyWebviewAssets(pages) {
  for (const page of pages) {
    for (const file of readdirSync(page.dir)) {
      if (file.endsWith(".css") || file.endsWith(".html")) {
        mkdirSync(join(dist, "webview"), { recursive: true });
        cpSync(join(page.dir, file), join(dist, "webview", `${page.name}.${file.split(".").pop()}`));
      }
    }
  }
  const shared = join(root, "webview", "src", "shared");
  if (existsSync(shared)) {
    for (const file of readdirSync(shared)) {
      if (file.endsWith(".css")) cpSync(join(shared, file), join(dist, "webview", file));
    }
  }
}

function copyDawn() {
  // vsce runs this build through `npm run vscode:prepublish` and cannot pass it a target: a package made that way
  // carries this machine's Dawn whatever --target vsce was given. scripts/package.mjs packs without this step.
  if (process.env.npm_lifecycle_event === "vscode:prepublish") {
    console.warn(`build: packaging through vsce directly: the package carries ${target === UNIVERSAL ? "no" : `${target}'s`} Dawn only; \`npm run package\` builds each platform's package with its own`);
  }
  if (target === UNIVERSAL && optionValue("--target") === undefined) {
    console.warn(`build: no Dawn build for ${process.platform}-${process.arch}; Tint diagnostics and GPU runs will be unavailable`);
  }
  const staged = stageDawn(root, dist, target);
  if (staged.missing) console.warn(`build: ${staged.missing}; Tint diagnostics and GPU runs will be unavailable`);
}

/** The tree-sitter runtime and the grammars' .wasm files, for server/src/treeSitter/grammars.ts. */
function copyTreeSitter() {
  const files = [
    ["web-tree-sitter", "tree-sitter.wasm", "CUDA and Triton"],
    ["tree-sitter-cuda", "tree-sitter-cuda.wasm", "CUDA"],
    ["tree-sitter-python", "tree-sitter-python.wasm", "Triton"],
  ];
  const to = join(dist, "tree-sitter");
  mkdirSync(to, { recursive: true });
  for (const [pkg, file, language] of files) {
    const from = join(root, "node_modules", pkg, file);
    if (!existsSync(from)) {
      console.warn(`build: ${pkg}/${file} is missing; ${language} files will not be analysed`);
      continue;
    }
    const target = join(to, file);
    if (!existsSync(target) || statSync(target).size !== statSync(from).size) cpSync(from, target);
  }
}

/** Triton's compile helper, which the user's Python runs (server/src/triton/tritonCompiler.ts looks in dist/python). */
function copyPythonHelpers() {
  const to = join(dist, "python");
  mkdirSync(to, { recursive: true });
  cpSync(join(root, "server", "python", "triton_compile.py"), join(to, "triton_compile.py"));
}

async function main() {
  if (production) rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const pages = webviewEntries();
  const configs = [
    { ...nodeCommon, entryPoints: { client: "client/src/extension.ts" }, outdir: dist },
    { ...nodeCommon, entryPoints: { server: "server/src/server.ts", cli: "server/src/cli/main.ts", gpuHelper: "server/src/gpu/helperMain.ts" }, outdir: dist },
  ];
  if (pages.length > 0) {
    configs.push({
      bundle: true,
      platform: "browser",
      target: "chrome120",
      format: "iife",
      sourcemap: production ? false : "inline",
      minify: production,
      logLevel: "warning",
      entryPoints: Object.fromEntries(pages.map((p) => [p.name, join(p.dir, "main.ts")])),
      outdir: join(dist, "webview"),
      loader: { ".ttf": "file" },
      // CSS a page's script imports (Monaco's, for the Design-space page) is bundled to <page>.bundle.css and loaded
      // with a <link>, as the CSP requires; <page>.css stays the page's own stylesheet, copied from its folder.
      outExtension: { ".css": ".bundle.css" },
    });
  }
  copyDawn();
  copyTreeSitter();
  copyPythonHelpers();
  copyWebviewAssets(pages);
  if (watch) {
    const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log("build: watching for changes");
    return;
  }
  const started = Date.now();
  await Promise.all(configs.map((c) => esbuild.build(c)));
  console.log(`build: ${dist === join(root, "dist") ? "dist/" : dist} ready in ${Date.now() - started} ms${production ? " (production)" : ""}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
