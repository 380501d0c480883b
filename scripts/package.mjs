// Builds the extension's .vsix packages: one per VS Code platform, each carrying that platform's Dawn, and a
// universal one without Dawn (analysis everywhere; its runs and Tint diagnostics say which package to install).
//
//   node scripts/package.mjs                          every platform package and the universal one
//   node scripts/package.mjs --target linux-x64       only these (repeatable; `universal` names the universal one)
//   node scripts/package.mjs --out <dir>              write the packages there (default dist-vsix/)
//
// Packages are kernellens-<target>.vsix and kernellens.vsix. The production build runs once, into a staging folder
// outside the repository, so dist/ (which the tests and a running extension use) is never emptied or changed; each
// package then gets exactly its platform's Dawn there and vsce packs that folder.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TARGETS, UNIVERSAL, dawnFolderOf, stageDawn } from "./dawnTargets.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A build takes seconds, a package with a 35 MB Dawn a few more: these are deadlines for a hung tool, not estimates. */
const BUILD_DEADLINE_MS = 5 * 60_000;
const VSCE_DEADLINE_MS = 5 * 60_000;

/** The file name of a target's package. */
export function packageName(target) {
  return target === UNIVERSAL ? "kernellens.vsix" : `kernellens-${target}.vsix`;
}

/** vsce's arguments for one package: an argument list, run without a shell. */
export function vsceArguments(target, out) {
  const args = ["package", "--no-dependencies", "-o", out];
  if (target !== UNIVERSAL) args.push("--target", target);
  return args;
}

/**
 * The top-level files and folders .vscodeignore lets into the package (its `!` lines: the ignore file keeps out
 * everything else), so the staging folder copies what the package may hold and nothing that has to be listed twice.
 */
export function packagedRoots(vscodeignore) {
  const roots = new Set();
  for (const raw of vscodeignore.split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("!")) continue;
    const first = line.slice(1).replace(/^\/+/, "").split("/")[0];
    if (first && !/[*?[]/.test(first)) roots.add(first);
  }
  return [...roots].sort();
}

function run(file, args, options) {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `passed its ${options.timeout} ms deadline` : `failed (${err.code ?? err.signal})`;
        reject(new Error(`${[file, ...args].join(" ")} ${why}\n${stderr || stdout}`));
      } else resolvePromise(stdout);
    });
    child.stdin?.end();
  });
}

/**
 * The production build, once, into a fresh staging folder with everything else .vscodeignore packages; package.json
 * loses `vscode:prepublish` there, since vsce would otherwise rebuild (and put this machine's Dawn back) per package.
 */
export async function stagePackageFolder(log = () => {}) {
  const stage = mkdtempSync(join(tmpdir(), "kernellens-package-"));
  const started = Date.now();
  await run(process.execPath, [join(root, "build.mjs"), "--production", "--target", UNIVERSAL, "--outdir", join(stage, "dist")], { cwd: root, timeout: BUILD_DEADLINE_MS });
  log(`package: production build in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const ignore = readFileSync(join(root, ".vscodeignore"), "utf8");
  cpSync(join(root, ".vscodeignore"), join(stage, ".vscodeignore"));
  for (const name of packagedRoots(ignore)) {
    if (name === "dist" || name === "package.json" || !existsSync(join(root, name))) continue;
    cpSync(join(root, name), join(stage, name), { recursive: true });
  }
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  if (manifest.scripts) delete manifest.scripts["vscode:prepublish"];
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return stage;
}

/** Packs the staged folder for one target, with exactly that target's Dawn. Returns the package's path and size. */
export async function packTarget(stage, target, outDir) {
  const staged = stageDawn(root, join(stage, "dist"), target);
  if (staged.missing) throw new Error(`package: ${staged.missing}; run npm install (the webgpu package ships every platform's build)`);
  const out = join(outDir, packageName(target));
  rmSync(out, { force: true });
  const vsce = join(root, "node_modules", "@vscode", "vsce", "vsce");
  await run(process.execPath, [vsce, ...vsceArguments(target, out)], { cwd: stage, timeout: VSCE_DEADLINE_MS });
  return { path: out, bytes: statSync(out).size, dawn: staged.files };
}

function parseArguments(argv) {
  const targets = [];
  let out = join(root, "dist-vsix");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--target" || arg === "--out") {
      const value = argv[++i];
      if (value === undefined) throw new Error(`package: ${arg} needs a value`);
      if (arg === "--out") out = resolve(value);
      else {
        dawnFolderOf(value); // throws, naming the valid targets, on one that is not built
        targets.push(value);
      }
    } else throw new Error(`package: unknown argument '${arg}' (use --target <${[...TARGETS, UNIVERSAL].join("|")}> and --out <dir>)`);
  }
  return { targets: targets.length > 0 ? [...new Set(targets)] : [...TARGETS, UNIVERSAL], out };
}

async function main() {
  const { targets, out } = parseArguments(process.argv.slice(2));
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  const stage = await stagePackageFolder((line) => console.log(line));
  try {
    for (const target of targets) {
      const began = Date.now();
      const made = await packTarget(stage, target, out);
      const what = made.dawn.length > 0 ? `Dawn ${dawnFolderOf(target)}` : "no Dawn";
      console.log(`package: ${made.path} (${(made.bytes / 1024 / 1024).toFixed(1)} MB, ${what}) in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  const others = readdirSync(out).filter((f) => f.endsWith(".vsix") && !targets.some((t) => packageName(t) === f));
  if (others.length > 0) console.log(`package: also in ${out}, from an earlier run: ${others.join(", ")}`);
  console.log(`package: ${targets.length} package(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
