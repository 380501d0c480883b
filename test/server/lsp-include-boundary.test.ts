// The language server's `#include` keeps to the workspace folders unless the workspace is trusted (the VS Code client
// sends `workspaceTrusted` with the settings): an include outside, by `..`, an absolute path or a link in the
// workspace, gets `preprocessor-include-outside` on its line; with trust it is read. Runs once
// server/src/lsp/documentAnalyses.ts resolves includes through workspaceIncludeResolver (skipped before).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot, startServer } from "../support/lspClient";

const wired = readFileSync(join(repoRoot, "server", "src", "lsp", "documentAnalyses.ts"), "utf8").includes("workspaceIncludeResolver");

const base = realpathSync(mkdtempSync(join(tmpdir(), "kernellens-lsp-boundary-")));
const ws = join(base, "ws");
const outside = join(base, "outside");
mkdirSync(ws);
mkdirSync(outside);
writeFileSync(join(outside, "lib.wgsl"), "const W: u32 = 4u;\n");
writeFileSync(join(ws, "near.wgsl"), "const N: u32 = 1u;\n");
symlinkSync(join(outside, "lib.wgsl"), join(ws, "link.wgsl"));

const includes = ["../outside/lib.wgsl", join(outside, "lib.wgsl"), "link.wgsl"];
const text = (include: string): string => `#include "near.wgsl"\n#include "${include}"\nfn f() -> u32 { return W + N; }\n`;

describe("language server: includes outside the workspace", { timeout: 60000, skip: wired ? false : "documentAnalyses.ts does not use workspaceIncludeResolver yet" }, () => {
  it("refuses them on their #include line without trust", async () => {
    const server = await startServer({}, ws);
    try {
      for (const [i, include] of includes.entries()) {
        const uri = `file://${join(ws, `untrusted${i}.wgsl`)}`;
        const got = server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === "preprocessor-include-outside"));
        server.open(uri, text(include));
        const d = await got;
        const refused = d.diagnostics.filter((x) => x.code === "preprocessor-include-outside");
        assert.equal(refused.length, 1, include);
        assert.equal(refused[0]!.range.start.line, 1, include);
        assert.match(String(refused[0]!.message), /outside the workspace .*trust the workspace/);
      }
    } finally {
      await server.stop();
    }
  });

  it("reads them with trust", async () => {
    const server = await startServer({ workspaceTrusted: true }, ws);
    try {
      for (const [i, include] of includes.entries()) {
        const uri = `file://${join(ws, `trusted${i}.wgsl`)}`;
        const got = server.diagnostics(uri);
        server.open(uri, text(include));
        const d = await got;
        assert.deepEqual(d.diagnostics.filter((x) => String(x.code).startsWith("preprocessor")), [], include);
      }
    } finally {
      await server.stop();
    }
  });
});
