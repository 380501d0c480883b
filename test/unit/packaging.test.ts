// The platform packages' Dawn, without running vsce: which build each VS Code target gets, that staging puts exactly
// that build (of the right OS and architecture) where the loader looks, and what the loader says when it is missing.
// test/server/packaging.test.ts builds the real .vsix files.
import assert from "node:assert/strict";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { DAWN_BY_TARGET, TARGETS, UNIVERSAL, dawnFolderOf, stageDawn, targetOf } from "../../scripts/dawnTargets.mjs";
import { packageName, packagedRoots, vsceArguments } from "../../scripts/package.mjs";
import { DAWN_BUILDS, dawnCandidates, dawnMissing, dawnPlatformDir, missingDawnMessage } from "../../server/src/tint/dawnLoader";
import { nativeBinary } from "../support/nativeBinary";
import { findRepoRoot } from "../support/repoRoot";

const root = findRepoRoot();
const webgpuDist = join(root, "node_modules", "webgpu", "dist");

/** A target's OS and architecture in Node's names. */
function platformOf(target: string): { os: string; arch: string } {
  const [os, arch] = target.split("-");
  return { os, arch };
}

/**
 * A copy of node_modules/webgpu with the same files, each cut to its first 4 KiB (the headers that say a library's
 * platform): staging it checks what goes where without copying 130 MB in a unit test.
 */
function webgpuHeaders(to: string): string {
  const webgpu = join(to, "node_modules", "webgpu");
  for (const folder of readdirSync(webgpuDist)) {
    mkdirSync(join(webgpu, "dist", folder), { recursive: true });
    for (const file of readdirSync(join(webgpuDist, folder))) {
      const head = Buffer.alloc(4096);
      const fd = openSync(join(webgpuDist, folder, file), "r");
      const length = readSync(fd, head, 0, head.length, 0);
      closeSync(fd);
      writeFileSync(join(webgpu, "dist", folder, file), head.subarray(0, length));
    }
  }
  writeFileSync(join(webgpu, "LICENSE.md"), readFileSync(join(root, "node_modules", "webgpu", "LICENSE.md")));
  return to;
}

describe("Dawn for each platform package", () => {
  const scratch = mkdtempSync(join(tmpdir(), "kl-packaging-"));
  const headersRoot = webgpuHeaders(join(scratch, "repo"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("builds a package for every Dawn build npm 'webgpu' ships, and the loader knows the same builds", () => {
    const shipped = readdirSync(webgpuDist).filter((d) => existsSync(join(webgpuDist, d, "dawn.node"))).sort();
    assert.deepEqual([...new Set(Object.values(DAWN_BY_TARGET))].sort(), shipped);
    assert.deepEqual([...DAWN_BUILDS].sort(), shipped);
    assert.deepEqual([...TARGETS].sort(), ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64", "win32-arm64", "win32-x64"]);
  });

  it("maps both Mac architectures to Dawn's universal build and every other platform to its own", () => {
    assert.equal(dawnPlatformDir("darwin", "arm64"), "darwin-universal");
    assert.equal(dawnPlatformDir("darwin", "x64"), "darwin-universal");
    assert.equal(dawnPlatformDir("linux", "arm64"), "linux-arm64");
    assert.equal(dawnPlatformDir("win32", "x64"), "win32-x64");
    // The loader looks in the folder the package puts the addon in, for every target.
    for (const target of TARGETS) {
      const { os, arch } = platformOf(target);
      assert.equal(dawnPlatformDir(os, arch), dawnFolderOf(target), target);
      assert.equal(targetOf(os, arch), target);
    }
    assert.equal(targetOf("linux", "ia32"), undefined);
    assert.equal(dawnFolderOf(UNIVERSAL), undefined);
    assert.throws(() => dawnFolderOf("linux-armhf"), /unknown target 'linux-armhf'.*linux-x64/);
  });

  it("looks for the addon in the bundle's dist/dawn/<folder> first", () => {
    const bundleDir = join(scratch, "extension", "dist");
    const saved = process.env.KERNELLENS_DAWN_NODE;
    delete process.env.KERNELLENS_DAWN_NODE;
    try {
      assert.equal(dawnCandidates(bundleDir)[0], join(bundleDir, "dawn", dawnPlatformDir(), "dawn.node"));
    } finally {
      if (saved !== undefined) process.env.KERNELLENS_DAWN_NODE = saved;
    }
  });

  for (const target of TARGETS) {
    it(`stages exactly ${target}'s Dawn, built for ${target}`, () => {
      const dist = join(scratch, `dist-${target}`);
      // Start from another platform's Dawn: staging must remove it, not add beside it.
      const other = TARGETS.find((t) => dawnFolderOf(t) !== dawnFolderOf(target))!;
      stageDawn(headersRoot, dist, other);
      const staged = stageDawn(headersRoot, dist, target);
      const folder = dawnFolderOf(target)!;
      assert.equal(staged.missing, undefined);
      assert.deepEqual(readdirSync(join(dist, "dawn")), [folder], "only this platform's folder");
      const expected = [...readdirSync(join(webgpuDist, folder)), "dawn-LICENSE.md"].sort();
      assert.deepEqual(readdirSync(join(dist, "dawn", folder)).sort(), expected);
      assert.deepEqual(staged.files, expected.map((f) => `dawn/${folder}/${f}`));
      const { os, arch } = platformOf(target);
      const binary = nativeBinary(readFileSync(join(dist, "dawn", folder, "dawn.node")));
      assert.equal(binary?.os, os, `${target}'s dawn.node is a ${os} library`);
      assert.ok(binary?.archs.includes(arch), `${target}'s dawn.node has ${arch} code (has ${binary?.archs.join(", ")})`);
      if (os === "win32") {
        // Dawn's D3D12 backend loads the shader compilers from beside the addon.
        for (const dll of ["dxcompiler.dll", "d3dcompiler_47.dll"]) assert.ok(expected.includes(dll), `${dll} ships with ${target}`);
      }
      rmSync(dist, { recursive: true, force: true });
    });
  }

  it("stages no Dawn for the universal package", () => {
    const dist = join(scratch, "dist-universal");
    stageDawn(headersRoot, dist, "linux-x64");
    assert.deepEqual(stageDawn(headersRoot, dist, UNIVERSAL), { files: [] });
    assert.equal(existsSync(join(dist, "dawn")), false);
  });

  it("names the packages and passes vsce the target as arguments", () => {
    assert.equal(packageName("win32-arm64"), "kernellens-win32-arm64.vsix");
    assert.equal(packageName(UNIVERSAL), "kernellens.vsix");
    assert.deepEqual(vsceArguments("darwin-arm64", "/o/k.vsix"), ["package", "--no-dependencies", "-o", "/o/k.vsix", "--target", "darwin-arm64"]);
    assert.deepEqual(vsceArguments(UNIVERSAL, "/o/k.vsix"), ["package", "--no-dependencies", "-o", "/o/k.vsix"]);
  });

  it("stages what .vscodeignore lets into the package", () => {
    const roots = packagedRoots(readFileSync(join(root, ".vscodeignore"), "utf8"));
    for (const needed of ["dist", "package.json", "README.md", "LICENSE", "syntaxes", "media"]) assert.ok(roots.includes(needed), needed);
    assert.deepEqual(packagedRoots("**\n!dist/a.js\n# comment\n!/media/**\nnode_modules/**\n"), ["dist", "media"]);
  });
});

describe("the message without Dawn", () => {
  it("names the platform package to install, what needs it and that the analysis works, on one line", () => {
    for (const [os, arch] of [["linux", "arm64"], ["darwin", "arm64"], ["darwin", "x64"], ["win32", "x64"]]) {
      const message = missingDawnMessage(os, arch);
      assert.ok(message.includes(`no WebGPU runtime (Dawn) for ${os}-${arch}`), message);
      assert.ok(message.includes(`kernellens-${os}-${arch}.vsix`), message);
      assert.match(message, /run kernels/);
      assert.match(message, /analysis works/);
      assert.ok(!message.includes("\n"));
    }
  });

  it("is what an install without dist/dawn reports before loading anything, and nothing once the addon is there", () => {
    const dist = join(mkdtempSync(join(tmpdir(), "kl-nodawn-")), "dist");
    const saved = process.env.KERNELLENS_DAWN_NODE;
    delete process.env.KERNELLENS_DAWN_NODE;
    try {
      mkdirSync(dist, { recursive: true });
      assert.equal(dawnMissing(dist), missingDawnMessage());
      mkdirSync(join(dist, "dawn", dawnPlatformDir()), { recursive: true });
      writeFileSync(join(dist, "dawn", dawnPlatformDir(), "dawn.node"), "");
      assert.equal(dawnMissing(dist), undefined);
    } finally {
      if (saved !== undefined) process.env.KERNELLENS_DAWN_NODE = saved;
      rmSync(dirname(dist), { recursive: true, force: true });
    }
  });

  it("names no package where Dawn has no build at all", () => {
    const message = missingDawnMessage("freebsd", "x64");
    assert.match(message, /no build for freebsd-x64/);
    assert.match(message, /analysis works/);
    assert.ok(!message.includes(".vsix"), message);
  });
});
