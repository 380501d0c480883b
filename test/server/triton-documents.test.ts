// Python documents in the bundled language server, driven over stdio as VS Code drives it: a Python file that imports
// triton gets diagnostics, a short lens per kernel naming its best predicted configuration, a hover comparing the
// configurations, symbols, the launch_metadata code action, the Kernels, Roofline and design-space requests; a plain
// Python file gets nothing at all (no diagnostics published, no lenses, hovers, symbols, hints or actions), until
// its text imports triton, and loses everything again when it stops.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CodeAction, CodeLens, DocumentSymbol, Hover, InlayHint, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import type { DocumentKernelsResult, RooflineResult, TritonDesignSpaceResult } from "../../server/src/protocol";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";

const fixtures = join(repoRoot, "test", "fixtures", "triton");
const matmulFile = join(fixtures, "matmul-autotuned.py");
const plainFile = join(fixtures, "plain.py");
const matmul = readFileSync(matmulFile, "utf8");
const plain = readFileSync(plainFile, "utf8");
const matmulUri = `file://${matmulFile}`;
const plainUri = `file://${plainFile}`;
const whole = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };
const hoverText = (h: Hover | null): string => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");

function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `'${needle}' not in text`);
  const before = text.slice(0, at + delta);
  return { line: before.split("\n").length - 1, character: before.length - before.lastIndexOf("\n") - 1 };
}

describe("Python documents in the language server", { timeout: 90000 }, () => {
  let server: ServerHandle;
  let matmulDiagnostics: PublishDiagnosticsParams;
  before(async () => {
    server = await startServer({ device: "nvidia-h100-sxm" });
    const got = server.diagnostics(matmulUri);
    server.open(plainUri, plain, 1, "python");
    server.open(matmulUri, matmul, 1, "python");
    matmulDiagnostics = await got;
  });
  after(async () => server.stop());

  const ask = <T>(method: string, params: object): Promise<T> => server.connection.sendRequest(method, params) as Promise<T>;

  it("gives a plain Python file nothing: no diagnostics published, no lenses, hovers, symbols, hints or actions", async () => {
    const doc = { textDocument: { uri: plainUri } };
    assert.deepEqual(await ask<CodeLens[]>("textDocument/codeLens", doc), []);
    assert.equal(await ask<Hover | null>("textDocument/hover", { ...doc, position: positionOf(plain, "softmax_rows", 2) }), null);
    assert.deepEqual(await ask<DocumentSymbol[]>("textDocument/documentSymbol", doc), []);
    assert.deepEqual(await ask<InlayHint[]>("textDocument/inlayHint", { ...doc, range: whole }), []);
    assert.deepEqual(await ask<CodeAction[]>("textDocument/codeAction", { ...doc, range: whole, context: { diagnostics: [] } }), []);
    const kernels = await ask<DocumentKernelsResult>("kernellens/documentKernels", { uri: plainUri });
    assert.deepEqual(kernels.kernels, []);
    const design = await ask<TritonDesignSpaceResult>("kernellens/tritonDesignSpace", { uri: plainUri });
    assert.deepEqual(design.designs, []);
    // Every request above was answered after the open was handled: nothing was ever published for it.
    assert.equal(server.latest(plainUri), undefined);
    assert.doesNotMatch(server.logs().join("\n"), /plain\.py/);
  });

  it("publishes a Triton file's diagnostics from the Triton front-end", () => {
    for (const d of matmulDiagnostics.diagnostics) {
      assert.equal(d.source, "kernellens");
      assert.doesNotMatch(String(d.code), /^(tint|wgsl|cuda)-|triton-syntax|grammar/);
    }
  });

  it("shows one short lens per kernel naming the best of its configurations, with the picker's rows", async () => {
    const lenses = await ask<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: matmulUri } });
    assert.deepEqual(lenses.map((l) => l.command?.command), ["kernellens.pickTritonConfig", "kernellens.showRoofline", "kernellens.tritonDesignSpace"]);
    const title = lenses[0]!.command!.title;
    assert.match(title, /^\$\(graph\) ≈ [\d.]+ (µs|ms) best of 3 configs: BLOCK_SIZE_M=\d+ BLOCK_SIZE_N=\d+ BLOCK_SIZE_K=\d+ w\d s\d$/);
    for (const l of lenses) assert.deepEqual(l.range.start, positionOf(matmul, "def matmul_kernel", 4));
    const [uri, fn, rows] = lenses[0]!.command!.arguments as [string, string, { name: string; predictedMs: number }[]];
    assert.deepEqual([uri, fn, rows.length], [matmulUri, "matmul_kernel", 3]);
    assert.deepEqual(rows.map((r) => r.predictedMs), [...rows.map((r) => r.predictedMs)].sort((a, b) => a - b));
    assert.equal((lenses[1]!.command!.arguments as string[])[1], rows[0]!.name);
  });

  it("hovers the kernel's name with the best configuration's verdict and every configuration listed, and answers the outline", async () => {
    const h = hoverText(await ask<Hover>("textDocument/hover", { textDocument: { uri: matmulUri }, position: positionOf(matmul, "def matmul_kernel", 6) }));
    assert.match(h, /`@triton\.jit` kernel `matmul_kernel`\*\* · 3 configurations/);
    assert.match(h.split("\n\n")[1]!, /^\*\*\w+-bound\*\* .*· \*\*≈ [\d.]+ (µs|ms)\*\* on /);
    // A list item per configuration; no table wider than two columns.
    assert.equal(h.split("\n").filter((l) => /^- (\*\*best\*\* )?`BLOCK_SIZE_M=/.test(l)).length, 3);
    for (const row of h.split("\n").filter((l) => l.startsWith("|"))) assert.ok(row.split(/(?<!\\)\|/).length - 2 <= 2, row);
    assert.match(h, /\(estimated\)/);
    const symbols = await ask<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: matmulUri } });
    assert.deepEqual(symbols.map((s) => [s.name, s.children?.length]), [["matmul_kernel", 3]]);
  });

  it("offers the launch_metadata action on the kernel, and the Kernels, Roofline and design-space requests answer", async () => {
    const at = positionOf(matmul, "def matmul_kernel", 6);
    const actions = await ask<CodeAction[]>("textDocument/codeAction", { textDocument: { uri: matmulUri }, range: { start: at, end: at }, context: { diagnostics: [] } });
    assert.deepEqual(actions.map((a) => a.title), ["Generate launch_metadata for Proton"]);
    const edits = actions[0]!.edit!.changes![matmulUri]!;
    assert.ok(edits.some((e) => e.newText.startsWith("def _matmul_kernel_metadata(grid, kernel, args):")));
    assert.ok(edits.some((e) => e.newText === "(launch_metadata=_matmul_kernel_metadata)"));

    const kernels = await ask<DocumentKernelsResult>("kernellens/documentKernels", { uri: matmulUri });
    assert.equal(kernels.kernels.length, 3);
    assert.ok(kernels.kernels.every((k) => k.bindings.some((b) => b.name === "a_ptr")));
    const roofline = await ask<RooflineResult>("kernellens/roofline", { uri: matmulUri });
    assert.equal(roofline.language, "triton");
    assert.equal(roofline.kernels.length, 3);
    const design = await ask<TritonDesignSpaceResult>("kernellens/tritonDesignSpace", { uri: matmulUri, function: "matmul_kernel" });
    assert.deepEqual(design.designs.map((d) => [d.function, d.result.points.length, d.result.search?.method]), [["matmul_kernel", 3, "predict-only"]]);
  });

  it("reads a plain Python file once it imports triton, and clears it when it stops", async () => {
    const kernel = "\n\n@triton.jit\ndef scale_kernel(x_ptr, n, BLOCK: tl.constexpr):\n    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)\n    tl.store(x_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) * 2.0, mask=offs < n)\n";
    const withTriton = `import triton\nimport triton.language as tl\n${plain}${kernel}`;
    const published = server.diagnostics(plainUri);
    server.change(plainUri, withTriton, 2);
    await published;
    const lenses = await ask<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: plainUri } });
    assert.ok(lenses.length >= 1, "a lens on scale_kernel");
    const cleared = server.diagnostics(plainUri, (p) => p.diagnostics.length === 0 && p.version === 3);
    server.change(plainUri, `${plain}${kernel}`, 3);
    await cleared;
    assert.deepEqual(await ask<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: plainUri } }), []);
  });
});
