// A 5,000-line Python script with one Triton kernel among ordinary host code (test/support/tritonLargeFile.ts), and
// the same script without Triton. What is asserted is behaviour, not time (this machine is shared and noisy; the
// speed goals are in `npm run bench`, group triton): the kernel is found with the configuration and grid its launch
// gives and the numbers of its model, derived by hand below; and a script that does not import triton gets nothing
// at all without being parsed.
//
// The kernel: a row softmax over x = torch.randn(4096, 1000), one program per row (grid (4096,)), BLOCK_SIZE =
// next_power_of_2(1000) = 1024, num_warps=8. Each program loads its row's 1,000 fp32 values (the mask keeps 1,000
// of the 1,024 lanes), computes exp on every lane of the block (1,024, masked lanes included: Triton computes them)
// and stores 1,000 values.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { analyzeTritonSource, type PythonParser } from "../../server/src/core/triton/analyze";
import { pythonParser } from "../support/pythonParser";
import { largePlainPythonFile, largeTritonFile } from "../support/tritonLargeFile";

const ROWS = 4096;
const COLS = 1000;
const BLOCK = 1024;

let parser: PythonParser;
let device: DeviceSpec;
before(async () => {
  parser = await pythonParser();
  device = findDevice("nvidia-h100-sxm")!;
});

describe("a 5,000-line Python script with one Triton kernel", () => {
  const text = largeTritonFile();

  it("is 5,000 lines of valid Python that the front-end reads without syntax problems", () => {
    assert.ok(text.split("\n").length >= 5000, `${text.split("\n").length} lines`);
    const a = analyzeTritonSource(text, { parser });
    assert.equal(a.importsTriton, true);
    assert.deepEqual(a.diagnostics.filter((d) => d.code === "triton-syntax" || d.code === "triton-parser" || d.code === "model-failed"), []);
    assert.ok(a.timings.parseMs > 0, "the file was parsed");
  });

  it("finds the kernel with its launch's configuration and grid, and models it: bytes and exps as derived", () => {
    const a = analyzeTritonSource(text, { parser, model: { device } });
    const kernels = a.kernels.filter((k) => k.function === "softmax_kernel");
    assert.equal(kernels.length, 1, "one configuration: the one launch's");
    const k = kernels[0]!;
    assert.equal(text.slice(k.nameSpan.start, k.nameSpan.end), "softmax_kernel");
    assert.deepEqual(k.config.constexprs, [{ name: "BLOCK_SIZE", value: BLOCK }]);
    assert.equal(k.config.numWarps, 8);
    assert.equal(k.launch.source, "code");
    assert.deepEqual(k.launch.grid, [ROWS, 1, 1]);
    assert.ok(k.launch.site && text.slice(k.launch.site.start, k.launch.site.end).startsWith("softmax_kernel[(n_rows,)]"), "the launch site is the launch");
    const m = a.models.get(k.name)?.model;
    assert.ok(m, "modelled");
    assert.equal(m.ops.globalLoadBytes.value, ROWS * COLS * 4, "each row's 1,000 fp32 values loaded once");
    assert.equal(m.ops.globalStoreBytes.value, ROWS * COLS * 4, "and stored once");
    assert.equal(m.ops.specialOps.value, ROWS * BLOCK, "one exp per block element, masked lanes included");
    assert.ok(m.roofline.predictedMs !== null && m.roofline.predictedMs > 0, "a predicted time");
    for (const d of a.diagnostics) assert.ok(d.span.start >= 0 && d.span.end <= text.length, `${d.code} inside the text`);
  });

  it("takes no function of the script for a kernel but the Triton one (a decorator of its own is called `jit`)", () => {
    const a = analyzeTritonSource(text, { parser });
    assert.deepEqual([...new Set(a.kernels.map((k) => k.function))], ["softmax_kernel"]);
  });
});

describe("the same 5,000-line script without Triton", () => {
  const text = largePlainPythonFile();

  it("gets nothing, and is not even parsed", () => {
    assert.ok(text.split("\n").length >= 5000);
    // The script is the Triton one without its imports and kernel: the decorated `kernel_N` functions are still there.
    assert.ok(text.includes("@jit\ndef kernel_0"));
    let parsed = 0;
    const counting: PythonParser = { parse: (t, old) => (parsed++, parser.parse(t, old)) } as PythonParser;
    const a = analyzeTritonSource(text, { parser: counting, model: { device } });
    assert.equal(parsed, 0, "the parser never ran");
    assert.equal(a.importsTriton, false);
    assert.deepEqual(a.kernels, []);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.models.size, 0);
    assert.deepEqual(a.timings, { parseMs: 0, readMs: 0, lowerMs: 0, modelMs: 0 });
  });

  it("a mention of triton that is not an import (a comment, a string, a name) changes nothing", () => {
    const mentions = `# import triton is for the GPU build only\nbackend = "triton"\nuse_triton = False\n${text}`;
    const a = analyzeTritonSource(mentions, { parser, model: { device } });
    assert.equal(a.importsTriton, false);
    assert.deepEqual(a.kernels, []);
    assert.deepEqual(a.diagnostics, []);
  });
});
