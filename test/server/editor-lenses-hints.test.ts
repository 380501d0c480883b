// Every bundled kernel in the language server, as VS Code asks for it: each loop hint fits VS Code's inlay-hint length
// (editor.inlayHints.maximumLength, 43 by default: longer labels are cut to "136 B workg…") and sits at the end of its
// loop header's line; every lens title is plain text led by a codicon, never an emoji.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CodeLens, InlayHint } from "vscode-languageserver-protocol";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";

const whole = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };
const MAX_LENGTH = 43;
const PLAIN = /^[\x20-\x7E≈·×µ]*$/u;

const files = (dir: string, ext: string): string[] => readdirSync(join(repoRoot, dir)).filter((f) => f.endsWith(ext)).map((f) => join(repoRoot, dir, f));
const documents: { file: string; languageId: string }[] = [
  ...[...files("examples", ".wgsl"), ...files("examples/quant", ".wgsl"), ...files("examples/preprocessor", ".wgsl")].map((file) => ({ file, languageId: "wgsl" })),
  ...[...files("examples/cuda", ".cu"), ...files("test/fixtures/cuda", ".cu")].map((file) => ({ file, languageId: "cuda-cpp" })),
  ...[...files("examples/triton", ".py"), ...files("test/fixtures/triton", ".py")].map((file) => ({ file, languageId: "python" })),
];

/** A loop header: WGSL's `for`/`while`/`loop`, C++'s `for`/`while`/`do`, Python's `for`/`while`. */
const LOOP = /\b(for|while|loop|do)\b/;

describe("lenses and loop hints of every bundled kernel", { timeout: 180000 }, () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer({ device: "nvidia-h100-sxm" });
    for (const { file, languageId } of documents) {
      const got = server.diagnostics(`file://${file}`);
      server.open(`file://${file}`, readFileSync(file, "utf8"), 1, languageId);
      // A plain Python file publishes nothing: do not wait for it.
      if (file.endsWith("plain.py")) got.catch(() => undefined);
      else await got;
    }
  });
  after(async () => server.stop());

  it("keeps every loop hint within the limit, at the end of its loop header's line, with its detail in the tooltip", async () => {
    let count = 0;
    const longest = { label: "", file: "" };
    for (const { file } of documents) {
      const text = readFileSync(file, "utf8").split("\n");
      const hints = (await server.connection.sendRequest("textDocument/inlayHint", { textDocument: { uri: `file://${file}` }, range: whole })) as InlayHint[];
      for (const h of hints) {
        const label = String(h.label);
        const where = `${file.slice(repoRoot.length + 1)}:${h.position.line + 1}: '${label}'`;
        assert.ok(label.length <= MAX_LENGTH, where);
        assert.match(label, /^×(\S+|\?)( · |$)/, where);
        assert.match(label, PLAIN, where);
        const line = text[h.position.line]!;
        assert.equal(h.position.character, line.trimEnd().length, `${where} sits at the end of '${line}'`);
        assert.match(line, LOOP, `${where} is on a loop header: '${line}'`);
        assert.match(String(h.tooltip), /iteration|trip count/i, where);
        if (label.length > longest.label.length) Object.assign(longest, { label, file: where });
        count++;
      }
    }
    // The examples, fixtures and Triton kernels have dozens of loops between them.
    assert.ok(count >= 40, `${count} hints`);
    assert.ok(longest.label.length >= 30, `the longest: ${longest.file}`);
  });

  it("gives the tree reductions their per-lane work and the share of lanes", async () => {
    const file = join(repoRoot, "examples", "reduction.wgsl");
    const hints = (await server.connection.sendRequest("textDocument/inlayHint", { textDocument: { uri: `file://${file}` }, range: whole })) as InlayHint[];
    assert.deepEqual(hints.map((h) => String(h.label)), ["×8 · 1 FLOP · 12 B wg · 12% of lanes"]);
  });

  it("titles every lens with a codicon and plain text", async () => {
    let count = 0;
    for (const { file } of documents) {
      const lenses = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri: `file://${file}` } })) as CodeLens[];
      for (const l of lenses) {
        const title = l.command?.title ?? "";
        assert.match(title, /^\$\([a-z-]+\) \S/, `${file}: '${title}'`);
        assert.match(title, PLAIN, `${file}: '${title}'`);
        count++;
      }
    }
    assert.ok(count >= 40, `${count} lenses`);
  });
});
