// The per-file analysis the server and the CLI publish, tagged with its language: a WGSL file's is what it was before
// CUDA joined, a CUDA file's comes from the CUDA front-end (or says, once, why it cannot), and both reach the editor's
// views through one interface (ModelledSource) with their spans in the document.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyzeCudaFile, analyzeFile, combine, CUDA_GRAMMAR_UNAVAILABLE, parsedCleanly, refusedAnalysis } from "../../server/src/analysisService";
import { toAnalyzeJson } from "../../server/src/cli/analyzeJson";
import { estimatedResources } from "../../server/src/cli/resourcesJson";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";
import { kernelLanguageOf } from "../../server/src/kernelLanguage";
import { hover } from "../../server/src/lsp/hover";
import { modelledCuda, modelledSource, modelledWgsl } from "../../server/src/lsp/modelledSource";
import { codeLenses, inlayHints } from "../../server/src/lsp/modelViews";
import { includeResolver } from "../../server/src/run/includeResolver";
import { cudaParser } from "../support/cudaParser";
import { findRepoRoot } from "../support/repoRoot";

const repoRoot = findRepoRoot();
const rtx4090 = findDevice("nvidia-rtx-4090")!;
const whole = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };
const read = (...path: string[]): string => readFileSync(join(repoRoot, ...path), "utf8");

describe("the language of a document", () => {
  it("is CUDA for VS Code's cuda-cpp and for .cu/.cuh files, WGSL otherwise", () => {
    assert.equal(kernelLanguageOf({ languageId: "cuda-cpp", name: "file:///x/kernel.txt" }), "cuda");
    assert.equal(kernelLanguageOf({ languageId: "cpp", name: "file:///x/kernel.cu" }), "cuda");
    assert.equal(kernelLanguageOf({ name: "/x/common.CUH" }), "cuda");
    assert.equal(kernelLanguageOf({ languageId: "wgsl", name: "file:///x/saxpy.wgsl" }), "wgsl");
    assert.equal(kernelLanguageOf({ name: "/x/kernel.cu.wgsl" }), "wgsl");
  });
});

describe("a WGSL file's analysis", () => {
  it("is the WGSL front-end's, as before: the same kernels, models and diagnostics, tagged wgsl", async () => {
    const text = read("examples", "matmul-tiled.wgsl");
    const options = { model: { device: rtx4090 } };
    const file = await analyzeFile(text, options, undefined);
    const direct = analyzeSource(text, options);
    assert.equal(file.language, "wgsl");
    assert.equal(file.tintAvailable, false);
    assert.deepEqual(file.source.kernels.map((k) => [k.name, k.stage, k.nameSpan, k.bindings.map((b) => b.name)]), direct.kernels.map((k) => [k.name, k.stage, k.nameSpan, k.bindings.map((b) => b.name)]));
    assert.deepEqual(file.source.models, direct.models);
    assert.deepEqual(file.diagnostics, combine(direct, undefined));
    assert.ok(parsedCleanly(file));
  });

  it("has the same analyze --json kernels as before, plus resources estimated from the model", async () => {
    const text = read("examples", "matmul-tiled.wgsl");
    const json = toAnalyzeJson("m.wgsl", text, await analyzeFile(text, { model: { device: rtx4090 } }, undefined), { id: "d", name: "d", source: "datasheet" });
    assert.equal(json.language, "wgsl");
    const k = json.kernels[0]!;
    assert.equal(k.flops, 2 * 512 ** 3);
    assert.deepEqual(k.resources, {
      registers: k.occupancy!.registersPerInvocation,
      // Two 16 x 16 f32 tiles; WGSL has no launch-sized workgroup memory.
      sharedMemoryBytes: 2 * 16 * 16 * 4,
      dynamicSharedMemoryBytes: 0,
      stackBytes: null,
      spillStoreBytes: null,
      spillLoadBytes: null,
      barriers: 1,
      exact: false,
    });
    assert.equal(k.workgroupMemoryBytes, 2048);
  });

  it("keeps its hovers on accesses of preprocessed and included text", async () => {
    const file = join(repoRoot, "examples", "preprocessor", "scale.wgsl");
    const text = readFileSync(file, "utf8");
    const analysis = await analyzeFile(text, { resolveInclude: includeResolver(file, []), model: { device: rtx4090 } }, undefined);
    const doc = TextDocument.create(`file://${file}`, "wgsl", 1, text);
    const h = hover(doc, analysis.source, doc.positionAt(text.indexOf("src[i]") + 1));
    assert.match(h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "", /load of `src`/);
    assert.equal(codeLenses(doc, modelledSource(analysis)).length, 2);
  });

  it("is refused as WGSL when too large", () => {
    const refused = refusedAnalysis("wgsl", { severity: "warning", code: "document-too-large", message: "too large", span: { start: 0, end: 0 }, source: "kernellens" }, 1);
    assert.equal(refused.language, "wgsl");
    assert.equal(refused.diagnostics.length, 1);
    assert.equal(modelledSource(refused).kernels.length, 0);
  });
});

describe("a CUDA file's analysis", () => {
  it("says once, and only that, when the grammar could not be loaded", () => {
    const text = read("test", "fixtures", "cuda", "sgemm-3-smem-tiling.cu");
    const a = analyzeCudaFile(text, { model: { device: rtx4090 } }, { error: "the cuda grammar (tree-sitter-cuda.wasm) is missing" });
    assert.equal(a.language, "cuda");
    assert.deepEqual(a.diagnostics.map((d) => [d.code, d.severity, d.message]), [[CUDA_GRAMMAR_UNAVAILABLE, "error", "KernelLens cannot analyse CUDA here: the cuda grammar (tree-sitter-cuda.wasm) is missing"]]);
    assert.equal(a.source.kernels.length, 0);
    assert.equal(codeLenses(TextDocument.create("file:///k.cu", "cuda-cpp", 1, text), modelledSource(a)).length, 0);
  });

  it("re-models on a device of the same compute capability and warp width exactly as an analysis for it would", async () => {
    const text = read("test", "fixtures", "cuda", "softmax-dynamic-smem.cu");
    const parser = await cudaParser();
    const a = analyzeCudaFile(text, { model: { device: rtx4090 } }, parser);
    const rtx4070 = findDevice("nvidia-rtx-4070")!;
    assert.equal(rtx4070.computeCapability, rtx4090.computeCapability);
    const remodelled = modelledCuda(a).remodel(rtx4070);
    const fresh = analyzeCudaFile(text, { model: { device: rtx4070 } }, parser).source.models;
    assert.deepEqual([...remodelled.keys()], ["softmax_rows<256>", "softmax_rows<1024>"]);
    for (const [name, m] of remodelled) {
      assert.equal(m.model.deviceId, "nvidia-rtx-4070");
      assert.equal(m.model.roofline.predictedMs, fresh.get(name)!.model.roofline.predictedMs, name);
      assert.deepEqual(m.model.traffic, fresh.get(name)!.model.traffic, name);
    }
    // Another warp width: the file is analysed again for it.
    const mi300x = findDevice("amd-mi300x")!;
    const onAmd = modelledCuda(a).remodel(mi300x);
    assert.equal(onAmd.get("softmax_rows<256>")!.model.roofline.predictedMs, analyzeCudaFile(text, { model: { device: mi300x } }, parser).source.models.get("softmax_rows<256>")!.model.roofline.predictedMs);
  });

  it("fills analyze --json with language cuda and each kernel's resources: static and dynamic shared memory apart", async () => {
    const text = read("test", "fixtures", "cuda", "softmax-dynamic-smem.cu");
    const json = toAnalyzeJson("s.cu", text, analyzeCudaFile(text, { model: { device: rtx4090 } }, await cudaParser()), { id: "d", name: "d", source: "datasheet" });
    assert.equal(json.language, "cuda");
    assert.deepEqual(json.kernels.map((k) => [k.name, k.resources.sharedMemoryBytes, k.resources.dynamicSharedMemoryBytes, k.resources.barriers, k.resources.exact]), [
      // scratch[BLOCK / 32] floats static; the row (cols floats) from the launch.
      ["softmax_rows<256>", 32, 4096, 1, false],
      ["softmax_rows<1024>", 128, 65536, 1, false],
    ]);
    assert.deepEqual(estimatedResources(undefined, null), { registers: null, sharedMemoryBytes: null, dynamicSharedMemoryBytes: null, stackBytes: null, spillStoreBytes: null, spillLoadBytes: null, barriers: null, exact: false });
  });

  it("places nothing of an included header's code in the including file: no hints on the #include line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kl-cuda-include-"));
    writeFileSync(join(dir, "sum.cuh"), "__device__ float sum_row(const float *x, int n) {\n  float s = 0.0f;\n  for (int i = 0; i < n; ++i) s += x[i];\n  return s;\n}\n");
    const main = '#include "sum.cuh"\n\n__global__ void rows(const float *x, float *y, int n) {\n  int r = blockIdx.x * blockDim.x + threadIdx.x;\n  for (int j = 0; j < 4; ++j) y[r * 4 + j] = sum_row(x + r * n, n);\n}\n\nint main() {\n  rows<<<64, 256>>>(nullptr, nullptr, 1024);\n}\n';
    writeFileSync(join(dir, "rows.cu"), main);
    const a = analyzeCudaFile(main, { resolveInclude: includeResolver(join(dir, "rows.cu"), []), model: { device: rtx4090 } }, await cudaParser());
    assert.deepEqual(a.source.pre.includes, [join(dir, "sum.cuh")]);
    const doc = TextDocument.create(`file://${join(dir, "rows.cu")}`, "cuda-cpp", 1, main);
    const hints = inlayHints(doc, modelledCuda(a), whole);
    // The kernel's own loop only; the header's loop is the header's.
    assert.deepEqual(hints.map((h) => h.position.line), [4]);
    assert.equal(modelledCuda(a).documentSpan(a.source.pre.includeSites.get(join(dir, "sum.cuh"))!), undefined);
    assert.equal(modelledWgsl(analyzeSource("")).kernels.length, 0);
  });
});
