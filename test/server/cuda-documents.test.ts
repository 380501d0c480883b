// CUDA documents in the bundled language server, driven over stdio as VS Code drives it: a `cuda-cpp` document (and a
// .cu file whose language is plain C++) gets diagnostics, lenses, hovers, inlay hints, symbols, the Kernels and
// Roofline requests from the CUDA front-end and the shared model, and nothing of WGSL's completion or navigation.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CodeLens, DocumentSymbol, Hover, InlayHint, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import type { DocumentKernelsResult, RooflineResult } from "../../server/src/protocol";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";

const fixtures = join(repoRoot, "test", "fixtures", "cuda");
const sgemmFile = join(fixtures, "sgemm-3-smem-tiling.cu");
const softmaxFile = join(fixtures, "softmax-dynamic-smem.cu");
const sgemm = readFileSync(sgemmFile, "utf8");
const softmax = readFileSync(softmaxFile, "utf8");
const sgemmUri = `file://${sgemmFile}`;
const softmaxUri = `file://${softmaxFile}`;

/** Position of the first occurrence of `needle` after `from` (the kernels come after the header comments). */
function positionOf(text: string, needle: string, from: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle, text.indexOf(from));
  assert.ok(at >= 0, `'${needle}' not in text`);
  const before = text.slice(0, at + delta);
  return { line: before.split("\n").length - 1, character: before.length - before.lastIndexOf("\n") - 1 };
}

const hoverText = (h: Hover | null): string => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");
const whole = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };

describe("CUDA documents in the language server", { timeout: 60000 }, () => {
  let server: ServerHandle;
  let sgemmDiagnostics: PublishDiagnosticsParams;
  let softmaxDiagnostics: PublishDiagnosticsParams;
  before(async () => {
    server = await startServer({ device: "nvidia-rtx-4090" });
    const gotSgemm = server.diagnostics(sgemmUri);
    const gotSoftmax = server.diagnostics(softmaxUri);
    server.open(sgemmUri, sgemm, 1, "cuda-cpp");
    // A .cu file someone associated with C++: its name decides.
    server.open(softmaxUri, softmax, 1, "cpp");
    [sgemmDiagnostics, softmaxDiagnostics] = await Promise.all([gotSgemm, gotSoftmax]);
  });
  after(async () => server.stop());

  it("publishes the CUDA front-end's diagnostics: no WGSL or Tint errors, the model's findings at the kernel", () => {
    assert.deepEqual(sgemmDiagnostics.diagnostics.filter((d) => d.severity === 1), [], JSON.stringify(sgemmDiagnostics.diagnostics));
    for (const d of [...sgemmDiagnostics.diagnostics, ...softmaxDiagnostics.diagnostics]) {
      assert.equal(d.source, "kernellens");
      assert.doesNotMatch(String(d.code), /^(tint|wgsl)-|cuda-syntax|cuda-grammar/);
    }
    // Softmax reads and writes each element once for a handful of FLOPs: memory-bound, said at its kernel's launch.
    const low = softmaxDiagnostics.diagnostics.find((d) => d.code === "low-arithmetic-intensity");
    assert.ok(low, JSON.stringify(softmaxDiagnostics.diagnostics));
  });

  it("shows the summary and Roofline lenses above each analysed kernel, named as the panels know it", async () => {
    const sgemmLenses = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri: sgemmUri } })) as CodeLens[];
    assert.deepEqual(sgemmLenses.map((l) => l.command?.command), ["kernellens.showKernels", "kernellens.showRoofline"]);
    for (const l of sgemmLenses) {
      assert.deepEqual(l.command?.arguments, [sgemmUri, "sgemm_smem_tiling<32>"]);
      assert.deepEqual(l.range.start, positionOf(sgemm, "sgemm_smem_tiling(", "__global__"));
    }
    // 2 M N K + 3 M N = 137.5 GFLOP (the tooltip's summary rounds), modelled on the configured device; the title is the
    // verdict and the time.
    assert.match(sgemmLenses[0]!.command!.title, /^\$\(graph\) shared-memory-bound · ≈ [\d.]+ ms$/);
    assert.match(sgemmLenses[0]!.command!.tooltip ?? "", /^≈ 137 GFLOP · .* on RTX 4090$/m);
    assert.equal(sgemmLenses[1]!.command!.title, "$(graph-line) Roofline");

    const softmaxLenses = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri: softmaxUri } })) as CodeLens[];
    const named = softmaxLenses.map((l) => `${l.command?.command} ${(l.command?.arguments as string[])[1]}`);
    assert.deepEqual(named, [
      "kernellens.showKernels softmax_rows<256>",
      "kernellens.showRoofline softmax_rows<256>",
      "kernellens.showKernels softmax_rows<1024>",
      "kernellens.showRoofline softmax_rows<1024>",
    ]);
  });

  it("hovers a kernel's name with its launch and the model's breakdown, and an access with its pattern", async () => {
    const h = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: sgemmUri }, position: positionOf(sgemm, "sgemm_smem_tiling(", "__global__", 3) })) as Hover);
    assert.match(h, /`__global__` kernel `sgemm_smem_tiling<32>`/);
    assert.match(h, /block 1024×1×1 · grid 128×128×1 · from the launch at line 91/);
    for (const row of ["Grid", "Per thread", "Compulsory traffic", "DRAM traffic", "Occupancy", "Predicted time"]) assert.match(h, new RegExp(row));
    const access = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: sgemmUri }, position: positionOf(sgemm, "a[ty * k + tx]", "float acc", 1) })) as Hover);
    assert.match(access, /load of `A`/);
    // Both instantiations of the softmax template share a name: the hover shows each.
    const both = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: softmaxUri }, position: positionOf(softmax, "softmax_rows(", "__global__", 2) })) as Hover);
    assert.match(both, /softmax_rows<256>[\s\S]*softmax_rows<1024>/);
    assert.match(both, /4 KiB dynamic shared memory/);
    // Elsewhere the C++ extension answers alone.
    assert.equal(await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: sgemmUri }, position: { line: 0, character: 1 } }), null);
  });

  it("puts inlay hints at the end of the loop headers' lines", async () => {
    const hints = (await server.connection.sendRequest("textDocument/inlayHint", { textDocument: { uri: sgemmUri }, range: whole })) as InlayHint[];
    const lines = hints.map((h) => h.position.line).sort((a, b) => a - b);
    // The tile loop and the unrolled inner loop.
    assert.deepEqual(lines, [positionOf(sgemm, "for (int t", "__global__").line, positionOf(sgemm, "for (int i", "__global__").line]);
    const tile = hints.find((h) => h.position.line === lines[0])!;
    assert.match(String(tile.label), /^×128 · /);
    const text = sgemm.split("\n");
    for (const h of hints) assert.equal(h.position.character, text[h.position.line]!.trimEnd().length);
  });

  it("lists the analysed kernels as document symbols", async () => {
    const symbols = (await server.connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri: softmaxUri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => s.name), ["softmax_rows<256>", "softmax_rows<1024>"]);
    assert.match(symbols[0]!.detail ?? "", /^__global__ · block 256×1×1 · grid 4096×1×1/);
    assert.deepEqual(symbols[0]!.selectionRange.start, positionOf(softmax, "softmax_rows(", "__global__"));
  });

  it("answers kernellens/documentKernels with the pointer parameters and shared arrays as bindings", async () => {
    const r = (await server.connection.sendRequest("kernellens/documentKernels", { uri: sgemmUri })) as DocumentKernelsResult;
    assert.equal(r.kernels.length, 1);
    const k = r.kernels[0]!;
    assert.equal(k.name, "sgemm_smem_tiling<32>");
    assert.equal(k.stage, "compute");
    assert.deepEqual(k.workgroupSize, [1024, 1, 1]);
    assert.equal(k.workgroupSizeText, "1024×1×1");
    assert.deepEqual(
      k.bindings.map((b) => `${b.name} ${b.addressSpace} ${b.accessMode} ${b.type}`),
      ["A global read float*", "B global read float*", "C global read_write float*", "As shared read_write __shared__ float (4,096 bytes)", "Bs shared read_write __shared__ float (4,096 bytes)"],
    );
    const s = (await server.connection.sendRequest("kernellens/documentKernels", { uri: softmaxUri })) as DocumentKernelsResult;
    assert.ok(s.kernels[0]!.bindings.some((b) => b.name === "row" && b.type === "extern __shared__ float[]"));
  });

  it("answers kernellens/roofline on the configured device and re-models on others", async () => {
    const roofline = (deviceId?: string): Promise<RooflineResult> => server.connection.sendRequest("kernellens/roofline", { uri: sgemmUri, ...(deviceId ? { deviceId } : {}) }) as Promise<RooflineResult>;
    const own = await roofline();
    assert.equal(own.device.id, "nvidia-rtx-4090");
    assert.equal(own.language, "cuda", "the panel words its labels as CUDA does (shared memory)");
    assert.deepEqual(own.kernels.map((k) => k.name), ["sgemm_smem_tiling<32>"]);
    const ms = own.kernels[0]!.predicted!.ms;
    assert.ok(ms > 0);
    // The same compute capability and warp width (only the model runs again), another architecture (the file is read
    // again for sm_90), and another warp width (64-lane wavefronts).
    for (const id of ["nvidia-rtx-4070", "nvidia-h100-sxm", "amd-mi300x"]) {
      const other = await roofline(id);
      assert.equal(other.device.id, id);
      const k = other.kernels[0]!;
      assert.equal(k.name, "sgemm_smem_tiling<32>");
      assert.ok(k.predicted && k.predicted.ms > 0 && k.predicted.ms !== ms, `${id}: ${JSON.stringify(k)}`);
      // The FLOPs are the kernel's, whatever the device: 137.5 GFLOP in the predicted time.
      assert.ok(Math.abs((k.predicted.gflops * k.predicted.ms * 1e6) / 137_489_285_120 - 1) < 1e-9, id);
    }
  });

  it("answers nothing for WGSL's completion, navigation and code actions, so C++ IntelliSense is undisturbed", async () => {
    const position = positionOf(sgemm, "acc +=", "__global__", 2);
    const items = await server.connection.sendRequest("textDocument/completion", { textDocument: { uri: sgemmUri }, position });
    assert.deepEqual(items, []);
    assert.equal(await server.connection.sendRequest("textDocument/definition", { textDocument: { uri: sgemmUri }, position }), null);
    assert.deepEqual(await server.connection.sendRequest("textDocument/references", { textDocument: { uri: sgemmUri }, position, context: { includeDeclaration: true } }), []);
    assert.deepEqual(await server.connection.sendRequest("textDocument/codeAction", { textDocument: { uri: sgemmUri }, range: { start: position, end: position }, context: { diagnostics: [] } }), []);
  });
});
