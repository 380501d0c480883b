// A CUDA document typed into keeps what one analysis can reuse for the next (its CudaSession): what the server then
// publishes and answers is what it answers for the same text opened fresh. Driven over stdio like an editor: seeded
// keystrokes (characters typed, lines broken, text deleted) as incremental changes; every few of them the same text is
// opened as a new document and its diagnostics, lenses and inlay hints are compared.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CodeLens, InlayHint, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { cudaFixture } from "../support/cudaLargeFile";
import { mulberry32 } from "../support/random";
import { startServer, type ServerHandle } from "../support/lspClient";

const BASE = cudaFixture("sgemm-6-vectorized.cu") + "\n" + cudaFixture("softmax-dynamic-smem.cu").replace(/\bmain\b/g, "main_softmax") + "\n" + cudaFixture("reduce-sum-shfl.cu").replace(/\bmain\b/g, "main_reduce");

function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length - 1, character: offset - before.lastIndexOf("\n") - 1 };
}

const whole = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };

describe("CUDA keystrokes in the language server", { timeout: 240000 }, () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer({ device: "nvidia-rtx-4090", diagnostics: { debounceMs: 0 }, cuda: { compile: false } });
  });
  after(async () => server.stop());

  /**
   * Diagnostics, lenses and hints of a document at its current version. Lenses and hints only for a text that parses:
   * while a typed one does not, they come from its last text that did (which a fresh document does not have).
   */
  async function answers(uri: string, published: PublishDiagnosticsParams): Promise<unknown> {
    if (published.diagnostics.some((d) => d.code === "cuda-syntax")) return { diagnostics: published.diagnostics };
    const lenses = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri } })) as CodeLens[];
    const hints = (await server.connection.sendRequest("textDocument/inlayHint", { textDocument: { uri }, range: whole })) as InlayHint[];
    return { diagnostics: published.diagnostics, lenses: lenses.map((l) => ({ range: l.range, title: l.command?.title })), hints: hints.map((h) => ({ position: h.position, label: h.label })) };
  }

  it("answers a typed document as it answers the same text opened fresh", async () => {
    const uri = "file:///tmp/kernellens-typed.cu";
    const first = server.diagnostics(uri, (p) => p.version === 1, 60000);
    server.open(uri, BASE, 1, "cuda-cpp");
    await first;
    const rand = mulberry32(1414);
    let text = BASE;
    let version = 1;
    let compared = 0;
    let withViews = 0;
    for (let i = 0; i < 60; i++) {
      // Spaces and line breaks (everything after moves), digits changed (values change, the text still parses),
      // characters typed and text deleted (it often does not parse until more is typed).
      const at = Math.floor(rand() * text.length);
      const r = rand();
      const digits = [...text.matchAll(/\d/g)];
      const digit = digits[Math.floor(rand() * digits.length)].index!;
      const typed = "abcxyz0123+;( ";
      const [start, end, insert] =
        r < 0.3 ? [at, at, " "]
        : r < 0.5 ? [at, at, "\n"]
        : r < 0.7 ? [digit, digit + 1, String((Number(text[digit]) + 1) % 10)]
        : r < 0.9 ? [at, at, typed[Math.floor(rand() * typed.length)]]
        : [at, Math.min(text.length, at + 1 + Math.floor(rand() * 6)), ""];
      const range = { start: positionOf(text, start), end: positionOf(text, end) };
      text = text.slice(0, start) + insert + text.slice(end);
      version++;
      const v = version;
      const got = server.diagnostics(uri, (p) => p.version === v, 60000);
      server.edit(uri, range, insert, v);
      const published = await got;
      if (i % 6 !== 5) continue;
      const kept = await answers(uri, published);
      const freshUri = `file:///tmp/kernellens-fresh-${i}.cu`;
      const freshGot = server.diagnostics(freshUri, (p) => p.version === 1, 60000);
      server.open(freshUri, text, 1, "cuda-cpp");
      const fresh = await answers(freshUri, await freshGot);
      await server.connection.sendNotification("textDocument/didClose", { textDocument: { uri: freshUri } });
      assert.deepEqual(kept, fresh, `after keystroke ${i}: the typed document's answers differ from a fresh one's`);
      compared++;
      if ("lenses" in (fresh as object)) withViews++;
    }
    assert.equal(compared, 10);
    assert.ok(withViews >= 3, `only ${withViews} of the compared texts parsed`);
    // Closed and opened again: a new session, the same answers.
    const last = await answers(uri, { uri, diagnostics: server.latest(uri) ?? [] });
    await server.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
    const reopened = server.diagnostics(uri, (p) => p.version === 1, 60000);
    server.open(uri, text, 1, "cuda-cpp");
    assert.deepEqual(await answers(uri, await reopened), last);
  });
});
