// The 5,000-line Python scripts of test/unit/triton-large-file.test.ts over the real server bundle: the one without
// Triton, opened and edited, gets nothing (no diagnostics published, ever; lenses, hints, hovers, symbols and the
// kernels request answer empty), while the one with a Triton kernel, opened after it, is analysed and decorated.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer, type ServerHandle } from "../support/lspClient";
import { largePlainPythonFile, largeTritonFile } from "../support/tritonLargeFile";

const PLAIN = "file:///tmp/kernellens-large-plain.py";
const TRITON = "file:///tmp/kernellens-large-triton.py";

/** The 0-based line and character of the first occurrence of `needle`. */
function positionOf(text: string, needle: string): { line: number; character: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  const before = text.slice(0, at).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

const empty = (x: unknown): boolean => x === null || (Array.isArray(x) && x.length === 0);

describe("5,000-line Python documents over the language server", () => {
  let server: ServerHandle;
  const plain = largePlainPythonFile();
  const triton = largeTritonFile();

  before(async () => {
    server = await startServer({ diagnostics: { debounceMs: 0 }, triton: { compile: false } });
    // The plain script is opened and edited first; the Triton one after it. The server handles a client's messages
    // in order, so by the time the Triton script's diagnostics arrive, the plain one's would have been published.
    server.open(PLAIN, plain, 1, "python");
    const at = positionOf(plain, "def schedule_3");
    server.edit(PLAIN, { start: at, end: at }, "def added():\n    return 1\n\n\n", 2);
    const got = server.diagnostics(TRITON, (p) => p.version === 1, 120000);
    server.open(TRITON, triton, 1, "python");
    await got;
  });
  after(async () => server.stop());

  it("publishes nothing for the script without Triton, and answers every view of it empty", async () => {
    assert.equal(server.latest(PLAIN), undefined, "no diagnostics published for it");
    const doc = { textDocument: { uri: PLAIN } };
    for (const needle of ["def kernel_0", "class Trainer12", "schedule_40(step)", "import torch"]) {
      assert.ok(empty(await server.connection.sendRequest("textDocument/hover", { ...doc, position: positionOf(plain, needle) })), `no hover at '${needle}'`);
    }
    assert.ok(empty(await server.connection.sendRequest("textDocument/codeLens", doc)), "no lenses");
    assert.ok(empty(await server.connection.sendRequest("textDocument/inlayHint", { ...doc, range: { start: { line: 0, character: 0 }, end: { line: 6000, character: 0 } } })), "no inlay hints");
    assert.ok(empty(await server.connection.sendRequest("textDocument/documentSymbol", doc)), "no symbols");
    const kernels = await server.connection.sendRequest<{ kernels: unknown[] } | null>("kernellens/documentKernels", { uri: PLAIN });
    assert.ok(kernels === null || kernels.kernels.length === 0, "no kernels");
    assert.equal(server.latest(PLAIN), undefined, "still nothing published");
  });

  it("analyses the script with the Triton kernel: a lens with the kernel's numbers, a hover, a symbol", async () => {
    const doc = { textDocument: { uri: TRITON } };
    const kernelLine = positionOf(triton, "def softmax_kernel").line;
    const lenses = await server.connection.sendRequest<{ range: { start: { line: number } }; command?: { title: string } }[]>("textDocument/codeLens", doc);
    const own = lenses.filter((l) => l.range.start.line === kernelLine || l.range.start.line === kernelLine - 1);
    assert.ok(own.length > 0, `a lens at the kernel (line ${kernelLine}); lenses at ${lenses.map((l) => l.range.start.line).join(", ")}`);
    assert.ok(own.some((l) => /\d/.test(l.command?.title ?? "")), `the lens shows numbers: ${own.map((l) => l.command?.title).join(" | ")}`);
    const hover = await server.connection.sendRequest<{ contents: { value: string } } | null>("textDocument/hover", { ...doc, position: positionOf(triton, "softmax_kernel(out_ptr") });
    assert.ok(hover && /BLOCK_SIZE=1024/.test(hover.contents.value), `the hover shows the configuration: ${hover?.contents.value.slice(0, 300)}`);
    const symbols = await server.connection.sendRequest<{ name: string }[]>("textDocument/documentSymbol", doc);
    assert.ok(symbols.some((s) => s.name.startsWith("softmax_kernel")), `symbols: ${symbols.map((s) => s.name).slice(0, 5).join(", ")}`);
  });
});
