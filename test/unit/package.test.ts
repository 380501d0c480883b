// Checks what the .vsix would contain (through vsce itself): only what runs, no sources, tests or maps.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(__dirname, "..", "..");

describe("extension package", () => {
  const files = execFileSync(process.execPath, [join(root, "node_modules", "@vscode", "vsce", "vsce"), "ls", "--no-dependencies"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("npm warn"));

  it("ships the bundles, grammars and Dawn, and nothing else", () => {
    for (const needed of ["package.json", "README.md", "LICENSE", "dist/client.js", "dist/server.js", "dist/cli.js", "syntaxes/wgsl.tmLanguage.json", "syntaxes/wgsl-directives.injection.tmLanguage.json", "syntaxes/language-configuration.json"]) {
      assert.ok(files.includes(needed), `${needed} is packaged`);
    }
    assert.ok(files.some((f) => /^dist\/dawn\/[^/]+\/dawn\.node$/.test(f)), "Dawn's addon is packaged");
    const stray = files.filter((f) => /\.(ts|map)$/.test(f) || /^(client|server|webview|test|examples|node_modules|\.ci)\//.test(f));
    assert.deepEqual(stray, [], "no sources, source maps, tests or dependencies");
  });

  it("points package.json at files that exist in the package", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { main: string; contributes: { grammars: { path: string }[]; languages: { configuration: string }[] } };
    const paths = [pkg.main, ...pkg.contributes.grammars.map((g) => g.path), ...pkg.contributes.languages.map((l) => l.configuration)];
    for (const p of paths) assert.ok(files.includes(p.replace(/^\.\//, "")), `${p} is in the package`);
  });
});
