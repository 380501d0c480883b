// A large document degrades instead of blocking the editor: above 1 MiB no cost model (but diagnostics, outline and
// navigation), above 4 MiB nothing but one message; back to everything when it shrinks.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CodeLens, Diagnostic, DocumentSymbol, Hover, InlayHint } from "vscode-languageserver-protocol";
import type { RooflineResult } from "../../server/src/protocol";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";
import { generateKernelFile } from "../bench/frontend";

const saxpy = readFileSync(join(repoRoot, "examples", "saxpy.wgsl"), "utf8");
const uri = "file:///tmp/kernellens-large-document.wgsl";
/** A generated file of many kernels, of at least `bytes` bytes. */
function bigDocument(bytes: number): string {
  let lines = Math.ceil(bytes / 32);
  for (;;) {
    const text = generateKernelFile(lines);
    if (text.length >= bytes) return text;
    lines = Math.ceil(lines * 1.02);
  }
}
const wholeRange = { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 0 } };

describe("large documents", { timeout: 120000 }, () => {
  let server: ServerHandle;
  let version = 1;
  const request = <T>(method: string, params: unknown): Promise<T> => server.connection.sendRequest(method, params) as Promise<T>;
  const set = async (text: string): Promise<Diagnostic[]> => {
    const v = ++version;
    const got = server.diagnostics(uri, (p) => p.version === v, 30000);
    server.change(uri, text, v);
    // The full analysis (symbols wait for it) before looking at what was published last.
    await request("textDocument/documentSymbol", { textDocument: { uri } });
    await got;
    return server.latest(uri) ?? [];
  };

  before(async () => {
    server = await startServer({ diagnostics: { debounceMs: 0 } });
    const got = server.diagnostics(uri, () => true, 30000);
    server.open(uri, saxpy, version);
    await got;
  });
  after(async () => {
    await server.stop();
  });

  it("above 1 MiB: one information diagnostic, the outline and navigation, no cost model", async () => {
    // Saxpy, then a generated file of kernels.
    const text = `${saxpy}\n${bigDocument(1.5 * 1024 * 1024)}`;
    assert.ok(text.length < 1.6 * 1024 * 1024);
    const t0 = performance.now();
    const diagnostics = await set(text);
    const ms = performance.now() - t0;
    const notes = diagnostics.filter((d) => d.code === "large-document");
    assert.equal(notes.length, 1, JSON.stringify(diagnostics.slice(0, 5)));
    assert.equal(notes[0].severity, 3);
    assert.match(String(notes[0].message), /1\.5 MiB, larger than the 1\.0 MiB KernelLens models: the cost model, its code lenses, inlay hints and hovers are off/);
    assert.ok(diagnostics.length <= 1000, "at most 1000 diagnostics are published");
    assert.ok(!diagnostics.some((d) => String(d.code).startsWith("model-") || d.code === "webgpu-limits"), "no cost-model findings");
    assert.ok(ms < 10000, `analysed in ${Math.round(ms)} ms`);

    const symbols = await request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
    assert.ok(symbols.some((s) => s.name === "saxpy"));
    assert.ok(symbols.length > 100);
    assert.deepEqual(await request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } }), []);
    assert.deepEqual(await request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: wholeRange }), []);
    // Hover on the entry point's name: its declaration, not the model's breakdown.
    const line = saxpy.split("\n").findIndex((l) => l.startsWith("fn saxpy"));
    const hover = await request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: { line, character: 4 } });
    const value = hover && typeof hover.contents === "object" && "value" in hover.contents ? hover.contents.value : "";
    assert.doesNotMatch(value, /FLOP|GB\/s|bound/);
    const roofline = await request<RooflineResult>("kernellens/roofline", { uri });
    const first = roofline.kernels.find((k) => k.name === "saxpy");
    assert.equal(first?.predicted, null);
    assert.match(first?.reason ?? "", /larger than 1\.0 MiB, so the cost model is off/);
  });

  it("above 4 MiB: nothing but the message", async () => {
    const diagnostics = await set(bigDocument(4.5 * 1024 * 1024));
    assert.deepEqual(diagnostics.map((d) => d.code), ["document-too-large"]);
    assert.match(String(diagnostics[0].message), /larger than the 4\.0 MiB KernelLens analyses/);
    assert.deepEqual(await request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } }), []);
    assert.equal(await request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: { line: 3, character: 3 } }), null);
  });

  it("gets everything back when it shrinks", async () => {
    const diagnostics = await set(saxpy);
    // No size message; the cost model's finding on saxpy is back.
    assert.deepEqual(diagnostics.map((d) => d.code), ["low-arithmetic-intensity"]);
    const lenses = await request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } });
    assert.equal(lenses.length, 2, "the summary and the roofline lens");
    const roofline = await request<RooflineResult>("kernellens/roofline", { uri });
    assert.ok(roofline.kernels[0]?.predicted, "modelled again");
    assert.deepEqual(server.logs().filter((m) => /failed/.test(m)), []);
  });
});
