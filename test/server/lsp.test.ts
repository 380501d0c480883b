// Drives the bundled language server over stdio, as any editor would, with Tint (Dawn's null backend) behind it.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CompletionItem, DocumentSymbol, Hover, Location } from "vscode-languageserver-protocol";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";

const saxpy = readFileSync(join(repoRoot, "examples", "saxpy.wgsl"), "utf8");
const saxpyUri = `file://${join(repoRoot, "examples", "saxpy.wgsl")}`;

function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `'${needle}' not in text`);
  const before = text.slice(0, at + delta);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}

function hoverText(h: Hover | null): string {
  if (!h) return "";
  const c = h.contents;
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((x: string | { value: string }) => (typeof x === "string" ? x : x.value)).join("\n");
  return (c as { value: string }).value;
}

describe("language server over stdio", { timeout: 60000 }, () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it("publishes nothing wrong for a valid example", async () => {
    const diags = server.diagnostics(saxpyUri);
    server.open(saxpyUri, saxpy);
    const d = await diags;
    assert.deepEqual(d.diagnostics, []);
  });

  it("publishes Tint's error with its exact range, then clears it when fixed", async () => {
    const broken = saxpy.replace("let i = gid.x;", "let i = gid.x;\n  let bad: i32 = 1.5;");
    const got = server.diagnostics(saxpyUri, (d) => d.version === 2);
    server.change(saxpyUri, broken, 2);
    const d = await got;
    assert.equal(d.diagnostics.length, 1);
    const diag = d.diagnostics[0];
    assert.equal(diag.source, "tint");
    assert.match(String(diag.message), /cannot convert value of type 'abstract-float' to type 'i32'/);
    assert.deepEqual(diag.range.start, positionOf(broken, "1.5;"));
    assert.deepEqual(diag.range.end, positionOf(broken, "1.5;", 3));
    const cleared = server.diagnostics(saxpyUri, (p) => p.version === 3);
    server.change(saxpyUri, saxpy, 3);
    assert.deepEqual((await cleared).diagnostics, []);
  });

  it("keeps only the latest version's diagnostics when typing fast", async () => {
    const uri = "file:///tmp/kernellens-fast.wgsl";
    server.open(uri, "fn f() {}\n", 1);
    for (let v = 2; v <= 20; v++) server.change(uri, `fn f() { let x${v}: i32 = ${v % 2 ? "1" : "1.5"}; }\n`, v);
    const final = await server.diagnostics(uri, (p) => p.version === 20);
    assert.equal(final.diagnostics.length, 1, "version 20 has an error (1.5 into i32)");
    server.close(uri);
  });

  it("reports malformed launch directives at the directive", async () => {
    const uri = "file:///tmp/kernellens-directives.wgsl";
    const text = "// @let N = 1 <<\n// @dispach 4\n@compute @workgroup_size(64) fn main() {}\n";
    const got = server.diagnostics(uri);
    server.open(uri, text);
    const d = await got;
    const codes = d.diagnostics.map((x) => `${x.code}@${x.range.start.line}`).sort();
    assert.deepEqual(codes, ["directive-syntax@0", "directive-unknown@1"]);
    server.close(uri);
  });

  it("lists entry points with stage and workgroup size, bindings, structs and overrides as symbols", async () => {
    const symbols = (await server.connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri: saxpyUri } })) as DocumentSymbol[];
    const byName = new Map(symbols.map((s) => [s.name, s]));
    assert.equal(byName.get("saxpy")?.detail, "@compute @workgroup_size(256, 1, 1)");
    assert.equal(byName.get("x")?.detail, "@group(0) @binding(0) var<storage, read>: array<f32>");
    assert.deepEqual(byName.get("Params")?.children?.map((c) => c.name), ["n", "alpha"]);
  });

  it("hovers a builtin with its documentation and a declaration with its type", async () => {
    const fma = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: saxpyUri }, position: positionOf(saxpy, "fma(", 1) })) as Hover);
    assert.match(fma, /fn fma/);
    assert.match(fma, /Cost/i);
    const i = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: saxpyUri }, position: positionOf(saxpy, "out[i]", 4) })) as Hover);
    assert.match(i, /let i: u32/);
    const dir = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: saxpyUri }, position: positionOf(saxpy, "ceil(N / 256)", 5) })) as Hover);
    assert.match(dir, /N = 1,048,576/);
  });

  it("goes to a definition and finds its references", async () => {
    const def = (await server.connection.sendRequest("textDocument/definition", { textDocument: { uri: saxpyUri }, position: positionOf(saxpy, "x[i]") })) as Location;
    assert.deepEqual(def.range.start, positionOf(saxpy, "x: array<f32>"));
    const refs = (await server.connection.sendRequest("textDocument/references", {
      textDocument: { uri: saxpyUri },
      position: positionOf(saxpy, "params: Params"),
      context: { includeDeclaration: true },
    })) as Location[];
    assert.equal(refs.length, 3, "the declaration, params.n and params.alpha");
  });

  it("completes builtins, declared names, members and launch directives", async () => {
    const complete = async (text: string, needle: string, delta: number): Promise<string[]> => {
      const uri = `file:///tmp/kernellens-complete-${Math.random().toString(36).slice(2)}.wgsl`;
      server.open(uri, text);
      const items = (await server.connection.sendRequest("textDocument/completion", { textDocument: { uri }, position: positionOf(text, needle, delta) })) as CompletionItem[];
      server.close(uri);
      return items.map((i) => i.label);
    };
    const inBody = await complete(saxpy.replace("let i = gid.x;", "let i = gid.x;\n  let q = "), "let q = ", 8);
    assert.ok(inBody.includes("fma") && inBody.includes("workgroupBarrier") && inBody.includes("params") && inBody.includes("i"));
    const members = await complete(saxpy.replace("if (i < params.n)", "if (i < params.)"), "params.)", 7);
    assert.deepEqual(members.sort(), ["alpha", "n"]);
    const directives = await complete("// @\n", "// @", 4);
    assert.ok(directives.includes("@dispatch") && directives.includes("@buffer") && directives.includes("@check"));
  });

  it("analyses the variant chosen by @define, through #include, with errors on the original line", async () => {
    // Inside the workspace folder (the repository): without Workspace Trust includes stay inside it.
    mkdirSync(join(repoRoot, "test-output"), { recursive: true });
    const dir = mkdtempSync(join(repoRoot, "test-output", "kernellens-pp-"));
    writeFileSync(join(dir, "lib.wgsl"), "#ifdef WIDE\nconst W: u32 = 4u;\n#else\nconst W: u32 = 1.5;\n#endif\n");
    const main = '// @define WIDE\n#include "lib.wgsl"\n#include "missing.wgsl"\nfn f() -> u32 { return W; }\n';
    const uri = `file://${join(dir, "main.wgsl")}`;
    const got = server.diagnostics(uri);
    server.open(uri, main);
    const d = await got;
    assert.equal(d.diagnostics.length, 1, JSON.stringify(d.diagnostics));
    assert.equal(d.diagnostics[0].code, "preprocessor-include");
    assert.equal(d.diagnostics[0].range.start.line, 2);
    // Without WIDE the included file's #else branch has a type error: reported on the #include line.
    const narrow = main.replace("// @define WIDE\n", "// (no defines)\n").replace('#include "missing.wgsl"\n', "\n");
    const got2 = server.diagnostics(uri, (p) => p.version === 2);
    server.change(uri, narrow, 2);
    const d2 = await got2;
    assert.equal(d2.diagnostics.length, 1, JSON.stringify(d2.diagnostics));
    assert.equal(d2.diagnostics[0].source, "tint");
    assert.equal(d2.diagnostics[0].range.start.line, 1);
    assert.match(String(d2.diagnostics[0].message), /in included file/);
    assert.match(d2.diagnostics[0].relatedInformation?.[0]?.location.uri ?? "", /lib\.wgsl$/);
    assert.equal(d2.diagnostics[0].relatedInformation?.[0]?.location.range.start.line, 3);
  });

  it("answers kernellens/documentKernels with entry points and their bindings", async () => {
    const r = (await server.connection.sendRequest("kernellens/documentKernels", { uri: saxpyUri })) as {
      kernels: { name: string; workgroupSize: number[]; bindings: { name: string; group: number; binding: number; accessMode: string }[] }[];
    };
    assert.equal(r.kernels.length, 1);
    assert.deepEqual(r.kernels[0].workgroupSize, [256, 1, 1]);
    assert.deepEqual(r.kernels[0].bindings.map((b) => `${b.name}@${b.group}/${b.binding}:${b.accessMode}`), ["x@0/0:read", "y@0/1:read", "out@0/2:read_write", "params@0/3:read"]);
  });
});
