// The server works with any client that speaks the base protocol, whatever optional capabilities it advertises:
// without workspace folders (rootUri instead), without configuration (the defaults), without Markdown, snippets,
// hierarchical symbols or refresh requests.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ClientCapabilities, CodeLens, CompletionItem, Hover, InlayHint, Location, SymbolInformation } from "vscode-languageserver-protocol";
import { startServer, type ServerHandle } from "../support/lspClient";

const kernel = [
  "// @let N = 1 << 20",
  "// @dispatch ceil(N / 256)",
  "@group(0) @binding(0) var<storage, read_write> data: array<f32>;",
  "",
  "@compute @workgroup_size(256)",
  "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {",
  "  for (var k = 0u; k < 8u; k++) {",
  "    data[gid.x] = data[gid.x] * 2.0;",
  "  }",
  "  let bad: i32 = 1.5;",
  "}",
  "",
].join("\n");

function hoverValue(h: Hover | null): string {
  const c = h?.contents;
  return c && typeof c === "object" && "value" in c ? c.value : "";
}

for (const [label, capabilities] of [
  ["no capabilities at all", {}],
  ["configuration only (no workspace folders)", { workspace: { configuration: true } }],
] as [string, ClientCapabilities][]) {
  describe(`a client with ${label}`, { timeout: 60000 }, () => {
    let server: ServerHandle;
    // The folder comes only as rootUri; an include is found through it and the includePaths setting.
    const root = mkdtempSync(join(tmpdir(), "kernellens-caps-"));
    const uri = `file://${join(root, "k.wgsl")}`;

    before(async () => {
      writeFileSync(join(root, "lib.wgsl"), "const LIB: u32 = 1u;\n");
      server = await startServer({ codeLens: { enable: false }, preprocessor: { includePaths: ["."] } }, root, { capabilities, workspaceFolders: false });
    });
    after(async () => {
      await server.stop();
    });

    it("initialises without a failing handler, and publishes diagnostics", async () => {
      const got = server.diagnostics(uri, (p) => p.diagnostics.some((x) => x.source === "tint"), 20000);
      server.open(uri, kernel);
      const d = await got;
      assert.deepEqual(d.diagnostics.map((x) => `${x.code}@${x.range.start.line}`), ["tint-error@9"]);
      const failures = server.logs().filter((m) => /failed|doesn't support/i.test(m));
      assert.deepEqual(failures, []);
      assert.equal(server.process.exitCode, null);
    });

    it("answers hover in plain text, symbols as a flat list, completion without snippets", async () => {
      const hover = (await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: { line: 9, character: 7 } })) as Hover;
      assert.equal((hover.contents as { kind: string }).kind, "plaintext");
      assert.match(hoverValue(hover), /let bad: i32/);
      const symbols = (await server.connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri } })) as SymbolInformation[];
      assert.deepEqual(symbols.map((s) => s.name).sort(), ["data", "main"]);
      assert.ok(symbols.every((s) => s.location.uri === uri && !("children" in s)));
      const items = (await server.connection.sendRequest("textDocument/completion", { textDocument: { uri }, position: { line: 0, character: 4 } })) as CompletionItem[];
      const let_ = items.find((i) => i.label === "@let");
      assert.ok(let_, "directive completion");
      assert.notEqual(let_.insertTextFormat, 2, "no snippet");
      assert.equal(let_.insertText, "let N = 1 << 20");
      assert.ok(items.every((i) => typeof i.documentation !== "object" || i.documentation.kind === "plaintext"));
      const def = (await server.connection.sendRequest("textDocument/definition", { textDocument: { uri }, position: { line: 7, character: 5 } })) as Location;
      assert.equal(def.range.start.line, 2);
    });

    it("answers inlay hints and code lenses as the settings it could read say", async () => {
      const hints = (await server.connection.sendRequest("textDocument/inlayHint", { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 11, character: 0 } } })) as InlayHint[];
      assert.equal(hints.length, 1, "the loop's hint");
      const lenses = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri } })) as CodeLens[];
      // The setting turns lenses off; a client without configuration support gets the default (on).
      assert.equal(lenses.length, capabilities.workspace?.configuration ? 0 : 2);
    });

    it("takes the workspace folder from rootUri", async () => {
      // Not next to the document (in sub/): found only through the includePaths setting "." in the root folder.
      const other = `file://${join(root, "sub", "m.wgsl")}`;
      const got = server.diagnostics(other);
      server.open(other, '#include "lib.wgsl"\nfn f() -> u32 { return LIB; }\n');
      const codes = (await got).diagnostics.map((x) => x.code);
      // Without configuration support the setting cannot be read: the default (no include paths) applies.
      assert.deepEqual(codes, capabilities.workspace?.configuration ? [] : ["preprocessor-include"]);
      server.close(other);
    });
  });
}
