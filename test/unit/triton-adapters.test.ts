// Triton files in the adapters: which documents are read as Triton (only Python that imports triton, never parsed
// otherwise), the file analysis the server and the CLI publish, the editor's views of a kernel with several
// configurations (one short lens naming the best, a hover comparing them side by side, the outline), `analyze --json`
// with one entry per configuration, the Proton launch_metadata code action (its Python run by python3 and compared
// with the hand-derived totals of test/fixtures/triton/derivations.md), and the design space swept by prediction.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { TextEdit } from "vscode-languageserver";
import { analyzeTritonFile, parsedCleanly, PYTHON_GRAMMAR_UNAVAILABLE, refusedAnalysis, type TritonFileAnalysis } from "../../server/src/analysisService";
import { toAnalyzeJson } from "../../server/src/cli/analyzeJson";
import { findDevice } from "../../server/src/core/devices/database";
import type { PythonParser } from "../../server/src/core/triton/analyze";
import { tritonLaunchMetadata } from "../../server/src/core/triton/launchMetadata";
import { validateSweepResult } from "../../server/src/core/sweep/result";
import { isPythonFile, kernelLanguageOf, readsAsTriton } from "../../server/src/kernelLanguage";
import { modelledSource, modelledTriton } from "../../server/src/lsp/modelledSource";
import { codeLenses, inlayHints } from "../../server/src/lsp/modelViews";
import { jitDecorator, LAUNCH_METADATA_TITLE, tritonCodeActions } from "../../server/src/lsp/tritonCodeActions";
import { tritonDesignSpace } from "../../server/src/lsp/tritonDesignSpace";
import { PICK_TRITON_CONFIG_COMMAND, type TritonConfigRow, tritonCodeLenses, tritonDocumentSymbols, tritonHover } from "../../server/src/lsp/tritonViews";
import { pythonParser } from "../support/pythonParser";
import { findRepoRoot } from "../support/repoRoot";

const root = findRepoRoot();
const h100 = findDevice("nvidia-h100-sxm")!;
const fixture = (name: string): string => readFileSync(join(root, "test", "fixtures", "triton", name), "utf8");
const whole = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };

async function analyse(text: string): Promise<TritonFileAnalysis> {
  return analyzeTritonFile(text, { model: { device: h100 } }, await pythonParser());
}

/** A parser that counts its parses: proves a file was not parsed at all. */
function countingParser(real?: PythonParser): { parser: PythonParser; parses: () => number } {
  let n = 0;
  return {
    parser: { parse: (...args: Parameters<PythonParser["parse"]>) => { n++; return real ? real.parse(...args) : null; } } as PythonParser,
    parses: () => n,
  };
}

function python3(): string | undefined {
  const r = spawnSync("python3", ["--version"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? "python3" : undefined;
}

/** Applies LSP edits to a text (non-overlapping, any order). */
function applyEdits(doc: TextDocument, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start));
  let text = doc.getText();
  for (const e of sorted) text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
  return text;
}

describe("which documents are Triton", () => {
  it("is Python by language id or .py name; only a text that imports triton is read", () => {
    assert.equal(kernelLanguageOf({ languageId: "python", name: "file:///x/kernels.txt" }), "triton");
    assert.equal(kernelLanguageOf({ name: "/x/matmul.py" }), "triton");
    assert.equal(kernelLanguageOf({ languageId: "cuda-cpp", name: "file:///x/k.py" }), "cuda");
    assert.equal(kernelLanguageOf({ languageId: "wgsl", name: "file:///x/saxpy.wgsl" }), "wgsl");
    assert.ok(isPythonFile("a/b/c.PY"));
    assert.ok(readsAsTriton("import triton\n"));
    assert.ok(readsAsTriton("x = 1\nfrom triton import language as tl\n"));
    assert.ok(readsAsTriton("import triton.language as tl\n"));
    assert.ok(!readsAsTriton("import tritonclient\n# import triton\ns = 'import triton'\n"));
    assert.ok(!readsAsTriton(fixture("plain.py")));
  });

  it("a plain Python file is not parsed and gets nothing: no kernels, no diagnostics, no model", async () => {
    const probe = countingParser(await pythonParser());
    const plain = analyzeTritonFile(fixture("plain.py"), { model: { device: h100 } }, probe.parser);
    assert.equal(probe.parses(), 0);
    assert.equal(plain.source.importsTriton, false);
    assert.deepEqual(plain.source.kernels, []);
    assert.deepEqual(plain.diagnostics, []);
    assert.equal(plain.device, undefined);
    const doc = TextDocument.create("file:///x/plain.py", "python", 1, plain.source.text);
    assert.deepEqual(tritonCodeLenses(doc, plain), []);
    assert.deepEqual(tritonDocumentSymbols(doc, plain), []);
    assert.deepEqual(inlayHints(doc, modelledSource(plain), whole), []);
    assert.equal(tritonHover(doc, plain, { line: 6, character: 6 }), null);
    // The same with a file that would not even load its grammar: nothing to say about a file KernelLens does not read.
    const noGrammar = analyzeTritonFile(fixture("plain.py"), {}, { error: "missing" });
    assert.deepEqual(noGrammar.diagnostics, []);
  });

  it("a Triton file without the grammar gets one diagnostic saying why, and nothing else", () => {
    const a = analyzeTritonFile(fixture("vector-add.py"), { model: { device: h100 } }, { error: "tree-sitter-python.wasm is missing" });
    assert.deepEqual(a.diagnostics.map((d) => d.code), [PYTHON_GRAMMAR_UNAVAILABLE]);
    assert.match(a.diagnostics[0]!.message, /cannot analyse Triton here: tree-sitter-python.wasm is missing/);
    assert.deepEqual(a.source.kernels, []);
  });

  it("a refused Triton file carries only its diagnostic; a syntax error makes the parse unclean", async () => {
    const d = { severity: "warning" as const, code: "document-too-large", message: "too large", span: { start: 0, end: 0 }, source: "kernellens" as const };
    const refused = refusedAnalysis("triton", d, 1);
    assert.equal(refused.language, "triton");
    assert.deepEqual(refused.diagnostics, [d]);
    assert.ok(parsedCleanly(await analyse(fixture("vector-add.py"))));
    const broken = fixture("vector-add.py").replace("mask = offsets < n_elements", "mask = offsets < (n_elements");
    assert.ok(!parsedCleanly(await analyse(broken)));
  });
});

describe("a Triton kernel with several configurations in the editor", () => {
  it("has one short lens naming the best predicted configuration, whose picker lists them all, best first", async () => {
    const a = await analyse(fixture("matmul-autotuned.py"));
    const doc = TextDocument.create("file:///x/matmul-autotuned.py", "python", 1, a.source.text);
    const kernels = a.source.kernels.filter((k) => k.function === "matmul_kernel");
    assert.equal(kernels.length, 3);
    const times = kernels.map((k) => a.source.models.get(k.name)!.model.roofline.predictedMs!);
    const best = kernels[times.indexOf(Math.min(...times))]!;
    const lenses = tritonCodeLenses(doc, a);
    const main = lenses.find((l) => l.command?.command === PICK_TRITON_CONFIG_COMMAND)!;
    assert.ok(main, "a picker lens");
    const title = main.command!.title;
    assert.match(title, /^\$\(graph\) ≈ \S+ (ms|µs) best of 3 configs: /);
    // The constexpr every config shares (GROUP_SIZE_M=8) is left out; the ones that tell them apart are kept.
    assert.ok(title.endsWith(`BLOCK_SIZE_M=${best.config.constexprs.find((c) => c.name === "BLOCK_SIZE_M")!.value} BLOCK_SIZE_N=${best.config.constexprs.find((c) => c.name === "BLOCK_SIZE_N")!.value} BLOCK_SIZE_K=${best.config.constexprs.find((c) => c.name === "BLOCK_SIZE_K")!.value} w${best.config.numWarps} s${best.config.numStages}`), title);
    assert.doesNotMatch(title, /GROUP_SIZE_M/);
    assert.ok(title.length < 100, `short: ${title}`);
    assert.doesNotMatch(lenses.map((l) => l.command!.title).join(" "), /\p{Extended_Pictographic}/u, "codicons, not emoji");
    const [uri, fn, rows] = main.command!.arguments as [string, string, TritonConfigRow[]];
    assert.equal(uri, doc.uri);
    assert.equal(fn, "matmul_kernel");
    assert.deepEqual(rows.map((r) => r.predictedMs), [...times].sort((x, y) => x - y));
    assert.equal(rows[0]!.name, best.name);
    // Each row points at its own triton.Config line.
    for (const r of rows) assert.match(doc.getText().split("\n")[r.line!]!, /triton\.Config\(/);
    assert.ok(rows.every((r) => /\((estimated|exact)\)/.test(r.occupancy) && /\((estimated|exact)\)/.test(r.sharedMemory)));
    assert.deepEqual(lenses.map((l) => l.command!.command).sort(), [PICK_TRITON_CONFIG_COMMAND, "kernellens.showRoofline", "kernellens.tritonDesignSpace"].sort());
  });

  it("has a hover on the kernel's name: the best configuration's verdict, then every configuration listed, the best first", async () => {
    const a = await analyse(fixture("matmul-autotuned.py"));
    const doc = TextDocument.create("file:///x/matmul-autotuned.py", "python", 1, a.source.text);
    const k = a.source.kernels[0]!;
    const hover = tritonHover(doc, a, doc.positionAt(k.nameSpan.start + 2));
    const md = (hover!.contents as { value: string }).value;
    assert.match(md, /`@triton\.jit` kernel `matmul_kernel`\*\* · 3 configurations from `@triton\.autotune`/);
    // A list, one item per configuration, not a table of eight columns (a hover is narrow): no table wider than two.
    for (const row of md.split("\n").filter((l) => l.startsWith("|"))) assert.ok(row.split(/(?<!\\)\|/).length - 2 <= 2, row);
    const items = md.split("\n").filter((l) => l.startsWith("- ") && l.includes("BLOCK_SIZE_M"));
    assert.equal(items.length, 3);
    assert.match(items[0]!, /^- \*\*best\*\* /);
    // Every time in the list in one unit.
    assert.equal(new Set(items.map((l) => /≈ [\d.]+ (\S+),/.exec(l)![1])).size, 1);
    const ms = items.map((l) => Number(/≈ ([\d.]+) /.exec(l)![1]));
    assert.deepEqual(ms, [...ms].sort((x, y) => x - y));
    // Resources say where they come from; the FLOPs are the hand-derived 2 x 4096^3 (derivations.md).
    for (const l of items) {
      assert.match(l, /occupancy \d+% \(estimated\), shared memory [\d.]+ kB \(estimated\), registers \d+ \(estimated\), 137 GFLOP, DRAM /);
    }
    // The verdict (the best configuration's) comes before the list.
    assert.match(md.split("\n\n")[1]!, /^\*\*(Compute|Memory)-bound\*\* .*· \*\*≈ [\d.]+ (ms|µs)\*\* on NVIDIA H100[^,]*, estimated/);
    assert.ok(md.indexOf("Occupancy **") < md.indexOf("- **best**"));
    assert.match(md, /\*\*Best configuration\*\* `BLOCK_SIZE_M=/);
    assert.match(md, /Cost model\*\* on NVIDIA H100/);
    assert.doesNotMatch(md, /workgroup/i);
  });

  it("ranks a configuration that cannot launch on the device last, and says so (RTX 4090: 144 KiB of shared memory)", async () => {
    const text = fixture("matmul-autotuned.py");
    const a = analyzeTritonFile(text, { model: { device: findDevice("nvidia-rtx-4090")! } }, await pythonParser());
    const doc = TextDocument.create("file:///x/matmul-autotuned.py", "python", 1, text);
    const big = a.source.kernels.find((k) => k.config.constexprs.some((c) => c.name === "BLOCK_SIZE_K" && c.value === 64))!;
    assert.equal(a.source.models.get(big.name)!.model.occupancy!.value, 0, "the 128x256x64 config cannot launch on an RTX 4090");
    const lens = tritonCodeLenses(doc, a).find((l) => l.command?.command === PICK_TRITON_CONFIG_COMMAND)!;
    const rows = lens.command!.arguments![2] as TritonConfigRow[];
    assert.equal(rows[2]!.name, big.name);
    assert.deepEqual(rows.map((r) => r.fits), [true, true, false]);
    assert.doesNotMatch(lens.command!.title, /BLOCK_SIZE_K=64/);
    const md = (tritonHover(doc, a, doc.positionAt(big.nameSpan.start + 2))!.contents as { value: string }).value;
    const lines = md.split("\n").filter((l) => l.startsWith("- ") && l.includes("`BLOCK_SIZE_M="));
    assert.match(lines[2]!, /BLOCK_SIZE_K=64 [^`]*`: does not fit \(≈ [\d.]+ ms\),/);
    assert.match(lines[0]!, /^- \*\*best\*\* /);
  });

  it("lists each kernel function in the outline with its configurations as children", async () => {
    const a = await analyse(fixture("matmul-autotuned.py"));
    const doc = TextDocument.create("file:///x/matmul-autotuned.py", "python", 1, a.source.text);
    const symbols = tritonDocumentSymbols(doc, a);
    assert.deepEqual(symbols.map((s) => s.name), ["matmul_kernel"]);
    assert.equal(symbols[0]!.children!.length, 3);
    assert.match(symbols[0]!.detail!, /@triton\.jit · 3 configs · best ≈ /);
  });
});

describe("a Triton kernel with one configuration", () => {
  it("has the same lenses as a CUDA kernel (the model's summary and the Roofline), and loop hints through the shared views", async () => {
    const a = await analyse(fixture("layernorm-fwd.py"));
    const doc = TextDocument.create("file:///x/layernorm-fwd.py", "python", 1, a.source.text);
    assert.equal(a.source.kernels.length, 1);
    assert.deepEqual(tritonCodeLenses(doc, a), codeLenses(doc, modelledTriton(a)));
    assert.equal(tritonCodeLenses(doc, a).length, 2);
    const hints = inlayHints(doc, modelledSource(a), whole);
    assert.ok(hints.length >= 1, "a hint on the kernel's loop");
    assert.match(String(hints[0]!.label), /×/);
    assert.doesNotMatch(tritonCodeLenses(doc, a)[0]!.command!.title, /workgroup/);
  });
});

describe("analyze --json of a Triton file", () => {
  it("has one entry per configuration with its config object and the fields WGSL and CUDA kernels have", async () => {
    const text = fixture("matmul-autotuned.py");
    const json = toAnalyzeJson("matmul-autotuned.py", text, await analyse(text), { id: h100.id, name: h100.name, source: "datasheet" });
    assert.equal(json.language, "triton");
    assert.equal(json.kernels.length, 3);
    const first = json.kernels.find((k) => k.config?.BLOCK_SIZE_M === 128 && k.config.BLOCK_SIZE_N === 256)!;
    // The CLI contract's shape: the constexprs beside num_warps and num_stages, in one object.
    assert.deepEqual(first.config, { BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 256, BLOCK_SIZE_K: 64, GROUP_SIZE_M: 8, num_warps: 8, num_stages: 3 });
    assert.equal(first.configSource, "autotune");
    assert.equal(first.function, "matmul_kernel");
    for (const k of json.kernels) {
      // derivations.md: 2 x 4096^3 tensor FLOPs in every configuration; programs x threads invocations.
      assert.equal(k.flops, 137_438_953_472);
      assert.deepEqual(Object.keys(k).filter((x) => x !== "config" && x !== "configSource" && x !== "function").sort(), Object.keys(toAnalyzeJsonKeys()).sort());
      assert.equal(k.resources.exact, false);
      assert.equal(typeof k.resources.sharedMemoryBytes, "number");
      assert.equal(k.resources.registers, k.occupancy!.registersPerInvocation);
    }
    assert.deepEqual(json.kernels.map((k) => k.dispatch![0]), [512, 1024, 1024]);
  });

  it("of a plain Python file has no kernels and no diagnostics", async () => {
    const text = fixture("plain.py");
    const json = toAnalyzeJson("plain.py", text, analyzeTritonFile(text, { model: { device: h100 } }, await pythonParser()), { id: h100.id, name: h100.name, source: "datasheet" });
    assert.deepEqual([json.kernels, json.diagnostics], [[], []]);
  });
});

/** The keys every kernel entry has (a WGSL kernel's entry, the contract's shape). */
function toAnalyzeJsonKeys(): Record<string, true> {
  const keys = ["name", "range", "workgroupSize", "dispatch", "invocations", "flops", "intOps", "specialOps", "bytes", "workgroupMemoryBytes", "arithmeticIntensity", "occupancy", "roofline", "quantization", "flopsByType", "perInvocation", "perWorkgroup", "ranges", "unknowns", "assumptions", "assumedFields", "resources", "sass"];
  return Object.fromEntries(keys.map((k) => [k, true]));
}

describe("Generate launch_metadata for Proton", () => {
  it("inserts a function above the kernel and hooks it into @triton.jit; run by python3 it gives derivations.md's totals", async (t) => {
    const text = fixture("matmul-autotuned.py");
    const a = await analyse(text);
    const doc = TextDocument.create("file:///x/matmul-autotuned.py", "python", 1, text);
    const at = doc.positionAt(a.source.kernels[0]!.nameSpan.start);
    const actions = tritonCodeActions(doc, a, { start: at, end: at });
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.title, LAUNCH_METADATA_TITLE);
    const edited = applyEdits(doc, actions[0]!.edit!.changes![doc.uri]!);
    assert.match(edited, /\ndef _matmul_kernel_metadata\(grid, kernel, args\):\n[\s\S]*\n\n\n@triton\.autotune\(/);
    assert.match(edited, /\n@triton\.jit\(launch_metadata=_matmul_kernel_metadata\)\ndef matmul_kernel\(/);
    // Once the decorator has it, no action is offered again.
    const again = await analyse(edited);
    const doc2 = TextDocument.create(doc.uri, "python", 2, edited);
    assert.deepEqual(tritonCodeActions(doc2, again, { start: doc2.positionAt(again.source.kernels[0]!.nameSpan.start), end: doc2.positionAt(again.source.kernels[0]!.nameSpan.start) }), []);

    const py = python3();
    if (!py) return t.skip("python3 is not installed");
    const fn = tritonLaunchMetadata(a.source, "matmul_kernel")!;
    // Each configuration's grid (cdiv(4096, BM) x cdiv(4096, BN) programs) and K = 4096, as the launch has them.
    const cases = [
      { c: { BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 256, BLOCK_SIZE_K: 64, GROUP_SIZE_M: 8 }, grid: 512, loads: 1_610_612_736 },
      { c: { BLOCK_SIZE_M: 64, BLOCK_SIZE_N: 256, BLOCK_SIZE_K: 32, GROUP_SIZE_M: 8 }, grid: 1024, loads: 2_684_354_560 },
      { c: { BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 128, BLOCK_SIZE_K: 32, GROUP_SIZE_M: 8 }, grid: 1024, loads: 2_147_483_648 },
    ];
    const script = `${fn.functionText}\nimport json\nout = []\nfor grid, extra in ${JSON.stringify(cases.map((x) => [[x.grid], x.c]))}:\n    args = dict(M=4096, N=4096, K=4096, stride_am=4096, stride_ak=1, stride_bk=4096, stride_bn=1, stride_cm=4096, stride_cn=1, **extra)\n    out.append(${fn.functionName}(tuple(grid), None, args))\nprint(json.dumps(out))\n`;
    const run = spawnSync(py, ["-c", script], { encoding: "utf8", timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    const got = JSON.parse(run.stdout) as { name: string; flops16: number; bytes: number }[];
    got.forEach((g, i) => {
      assert.equal(g.flops16, 137_438_953_472, `config ${i}`);
      assert.equal(g.bytes, cases[i]!.loads + 33_554_432, `config ${i}`);
      assert.equal(g.name, "matmul_kernel [K=4096]");
    });
  });

  it("finds the @triton.jit decorator with and without arguments", () => {
    const t1 = "@triton.jit\ndef k(x):\n    pass\n";
    assert.deepEqual(jitDecorator(t1, { start: 0, end: t1.length }), { end: 11, empty: true, hasLaunchMetadata: false });
    const t2 = "@triton.jit(do_not_specialize=['n'],)\ndef k(x):\n    pass\n";
    const d2 = jitDecorator(t2, { start: 0, end: t2.length })!;
    assert.equal(t2[d2.closeParen!], ")");
    assert.equal(d2.trailingComma, true);
    const t3 = "@triton.jit(launch_metadata=_m)\ndef k(x):\n    pass\n";
    assert.equal(jitDecorator(t3, { start: 0, end: t3.length })!.hasLaunchMetadata, true);
    assert.equal(jitDecorator("def k(x):\n    pass\n", { start: 0, end: 18 }), undefined);
  });

  it("writes an elementwise kernel's metadata from its own launch (vector add: one FLOP and 12 bytes per element)", async (t) => {
    const a = await analyse(fixture("vector-add.py"));
    const md = tritonLaunchMetadata(a.source, "add_kernel")!;
    assert.equal(md.functionName, "_add_kernel_metadata");
    const py = python3();
    if (!py) return t.skip("python3 is not installed");
    const run = spawnSync(py, ["-c", `${md.functionText}\nprint(${md.functionName}((7,), None, {"n_elements": 7000, "BLOCK_SIZE": 1024}))`], { encoding: "utf8", timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    // 7 programs of 1,024 lanes: masked-off lanes are counted (said in the function's comment).
    assert.equal(run.stdout.trim(), "{'name': 'add_kernel', 'flops32': 7168, 'bytes': 86016}");
    assert.match(md.functionText, /masked-off lanes count/);
  });
});

describe("a Triton kernel's design space", () => {
  it("is a predict-only sweep result the Design-space panel accepts, one point per configuration", async () => {
    const a = await analyse(fixture("matmul-autotuned.py"));
    const result = tritonDesignSpace(a, "matmul_kernel", "/x/matmul-autotuned.py")!;
    assert.deepEqual(validateSweepResult(JSON.parse(JSON.stringify(result))), []);
    assert.equal(result.points.length, 3);
    assert.equal(result.search!.method, "predict-only");
    assert.equal(result.measured, 0);
    assert.ok(result.points.every((p) => p.measuredMs === null && p.predictedMs !== null && p.feasible));
    assert.deepEqual(result.space.map((s) => s.name), ["BLOCK_SIZE_M", "BLOCK_SIZE_N", "BLOCK_SIZE_K", "GROUP_SIZE_M", "num_warps", "num_stages"]);
    assert.deepEqual(result.space.find((s) => s.name === "num_warps")!.values, [8, 4]);
    assert.ok(result.pareto.length >= 1);
    assert.deepEqual(result.points.map((p) => p.predictedMs), a.source.kernels.map((k) => a.source.models.get(k.name)!.model.roofline.predictedMs));
    assert.equal(tritonDesignSpace(a, "no_such_kernel", "/x/m.py"), undefined);
    // On an RTX 4090 the 144 KiB configuration cannot launch: infeasible, with the reason.
    const on4090 = analyzeTritonFile(fixture("matmul-autotuned.py"), { model: { device: findDevice("nvidia-rtx-4090")! } }, await pythonParser());
    const small = tritonDesignSpace(on4090, "matmul_kernel", "/x/matmul-autotuned.py")!;
    assert.deepEqual(validateSweepResult(JSON.parse(JSON.stringify(small))), []);
    assert.deepEqual(small.points.map((p) => p.feasible), [false, true, true]);
    assert.match(small.points[0]!.reason!, /^does not fit on NVIDIA GeForce RTX 4090: /);
  });
});
