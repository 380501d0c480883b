// Builds every .vsix the way `npm run package` does (scripts/package.mjs: one production build, then vsce per target)
// and reads each as VS Code would: the manifest's target platform, the bundles, exactly its platform's Dawn (of the
// right OS and architecture) and no other's. The universal package carries no Dawn, and its CLI, unpacked, says in
// one line which package to install; this machine's package, unpacked, finds its Dawn and starts Tint.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { TARGETS, UNIVERSAL, dawnFolderOf, targetOf } from "../../scripts/dawnTargets.mjs";
import { packageName } from "../../scripts/package.mjs";
import { nativeBinary } from "../support/nativeBinary";
import { findRepoRoot } from "../support/repoRoot";
import { ZipArchive } from "../support/zipArchive";

const root = findRepoRoot();
/** All seven packages took 37 s on a loaded 2-core machine: the deadline is for a hung vsce, not a slow one. */
const PACKAGE_DEADLINE_MS = 5 * 60_000;
const NEEDED = ["package.json", "readme.md", "dist/client.js", "dist/server.js", "dist/cli.js", "dist/gpuHelper.js", "dist/tree-sitter/tree-sitter.wasm", "dist/tree-sitter/tree-sitter-cuda.wasm", "dist/tree-sitter/tree-sitter-python.wasm", "dist/python/triton_compile.py", "syntaxes/wgsl.tmLanguage.json"];

function run(file: string, args: string[], options: { cwd: string; timeout: number; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** The manifest's Identity element, where vsce writes the target platform. */
function identity(vsix: ZipArchive): string {
  const manifest = vsix.read("extension.vsixmanifest").toString("utf8");
  const match = /<Identity\b[^>]*>/.exec(manifest);
  assert.ok(match, "the manifest has an Identity");
  return match[0];
}

/** Unpacks the extension/ folder of a package, as VS Code installs it. */
function unpack(vsix: ZipArchive, to: string): string {
  for (const name of vsix.names.filter((n) => n.startsWith("extension/") && !n.endsWith("/"))) {
    const path = join(to, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, vsix.read(name));
  }
  return join(to, "extension");
}

/** Runs an unpacked package's CLI, away from the repository (so no node_modules/webgpu is found by walking up). */
function cli(extension: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `require(${JSON.stringify(join(extension, "dist", "cli.js"))}).main(${JSON.stringify(args)}).then((c) => process.stdout.write("", () => process.exit(c)))`;
  const env = { ...process.env };
  delete env.KERNELLENS_DAWN_NODE;
  return run(process.execPath, ["-e", script], { cwd: extension, timeout: 60_000, env });
}

describe("the .vsix packages", { timeout: PACKAGE_DEADLINE_MS + 120_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), "kl-vsix-"));
  const packages = new Map<string, ZipArchive>();
  after(() => rmSync(out, { recursive: true, force: true }));

  before(async () => {
    const started = Date.now();
    const result = await run(process.execPath, [join(root, "scripts", "package.mjs"), "--out", out], { cwd: root, timeout: PACKAGE_DEADLINE_MS });
    assert.equal(result.code, 0, `scripts/package.mjs failed:\n${result.stdout}\n${result.stderr}`);
    console.log(`# packaged ${TARGETS.length + 1} .vsix in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const target of [...TARGETS, UNIVERSAL]) packages.set(target, ZipArchive.open(join(out, packageName(target))));
    assert.deepEqual(readdirSync(out).sort(), [...TARGETS, UNIVERSAL].map(packageName).sort());
  });

  for (const target of TARGETS) {
    it(`kernellens-${target}.vsix targets ${target} and carries its Dawn only`, () => {
      const vsix = packages.get(target)!;
      assert.match(identity(vsix), new RegExp(`TargetPlatform="${target}"`));
      for (const needed of NEEDED) assert.ok(vsix.names.includes(`extension/${needed}`), `${needed} is packaged`);
      const folder = dawnFolderOf(target)!;
      const dawn = vsix.names.filter((n) => n.startsWith("extension/dist/dawn/"));
      assert.ok(dawn.length > 0 && dawn.every((n) => n.startsWith(`extension/dist/dawn/${folder}/`)), `only ${folder}'s Dawn: ${dawn.join(", ")}`);
      const shipped = readdirSync(join(root, "node_modules", "webgpu", "dist", folder));
      for (const file of [...shipped, "dawn-LICENSE.md"]) assert.ok(dawn.includes(`extension/dist/dawn/${folder}/${file}`), `${file} is packaged`);
      const [os, arch] = target.split("-");
      const binary = nativeBinary(vsix.read(`extension/dist/dawn/${folder}/dawn.node`));
      assert.equal(binary?.os, os);
      assert.ok(binary?.archs.includes(arch), `dawn.node has ${arch} code (has ${binary?.archs.join(", ")})`);
      assert.deepEqual(vsix.names.filter((n) => /\.(ts|map)$/.test(n) || n.includes("node_modules/")), [], "no sources, maps or dependencies");
    });
  }

  it("kernellens.vsix targets every platform and carries no Dawn", () => {
    const vsix = packages.get(UNIVERSAL)!;
    assert.doesNotMatch(identity(vsix), /TargetPlatform/);
    for (const needed of NEEDED) assert.ok(vsix.names.includes(`extension/${needed}`), `${needed} is packaged`);
    assert.deepEqual(vsix.names.filter((n) => n.includes("/dawn/") || n.endsWith(".node")), []);
    assert.doesNotMatch(vsix.read("extension/package.json").toString("utf8"), /vscode:prepublish/, "the staged manifest was packed, not the repository's");
  });

  it("the universal package's CLI says in one line which package runs kernels, and still analyses", async () => {
    const extension = unpack(packages.get(UNIVERSAL)!, join(out, "universal"));
    const here = `${process.platform}-${process.arch}`;
    const doctor = await cli(extension, ["doctor"]);
    assert.equal(doctor.code, 3, `${doctor.stdout}${doctor.stderr}`);
    assert.match(doctor.stdout.trim(), new RegExp(`^WGSL compiler and GPU adapter: unavailable: this KernelLens package has no WebGPU runtime \\(Dawn\\) for ${here}[^\\n]*$`));
    if (targetOf()) assert.ok(doctor.stdout.includes(`kernellens-${here}.vsix`), doctor.stdout);
    const run = await cli(extension, ["run", join(root, "examples", "saxpy.wgsl"), "--no-history"]);
    assert.equal(run.code, 3, `${run.stdout}${run.stderr}`);
    const errors = run.stdout.split("\n").filter((l) => /no WebGPU runtime/.test(l));
    assert.equal(errors.length, 1, run.stdout);
    assert.match(errors[0], /analysis works/);
    const analyze = await cli(extension, ["analyze", join(root, "examples", "saxpy.wgsl")]);
    assert.equal(analyze.code, 0, `${analyze.stdout}${analyze.stderr}`);
    assert.match(analyze.stdout, /low-arithmetic-intensity/);
  });

  it("this machine's package finds its Dawn once installed", { skip: targetOf() === undefined && "no package for this platform" }, async () => {
    const extension = unpack(packages.get(targetOf()!)!, join(out, "here"));
    const doctor = await cli(extension, ["doctor"]);
    assert.match(doctor.stdout, /^WGSL compiler: ok/m, `${doctor.stdout}${doctor.stderr}`);
  });
});
