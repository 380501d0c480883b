// What KernelLens sends Triton's compiler for one kernel and configuration (core/triton/compileJobs.ts): the kernel and
// the @jit helpers it calls cut from the file's text (never the module), imports, literal globals, the signature.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cudaArch, literalGlobals, pythonFunctions, tritonCompileJob, tritonImports } from "../../server/src/core/triton/compileJobs";
import { configKey } from "../../server/src/core/triton/types";

const FILE = `import torch
import triton
import triton.language as tl
from triton.language.extra import (
    libdevice,
)
import numpy as np

LOG2E: tl.constexpr = 1.4426950408889634
BLOCK_DEFAULT = 1024
EPS = tl.constexpr(1e-6)
x = torch.randn(4096, device="cuda")  # module-level GPU work: never run


@triton.jit
def _scale(v, s):
    return v * s * LOG2E


@triton.jit
def _unused(v):
    return v


def get_configs():
    return [triton.Config({"BLOCK": b}, num_warps=4) for b in (256, 512)]


@triton.autotune(
    configs=get_configs(),
    key=["n"],
)
@triton.jit
def softmax_kernel(x_ptr, out_ptr,
                   n, scale,  # the row length
                   BLOCK: tl.constexpr, EVEN: tl.constexpr = True):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    v = tl.load(x_ptr + offs, mask=offs < n)
    tl.store(out_ptr + offs, _scale(libdevice.exp(v), scale) + EPS, mask=offs < n)


class Wrapper:
    @staticmethod
    @triton.jit
    def inner(p, q: tl.constexpr):
        tl.store(p, q)


def host(x):
    softmax_kernel[(1,)](x, x, x.numel(), 1.0, BLOCK=256)
`;

const config = { constexprs: [{ name: "BLOCK", value: 256 }], numWarps: 4, numStages: 3 };

describe("the compile job of a Triton kernel", () => {
  it("finds every def, which are @jit, and their parameters", () => {
    const fns = pythonFunctions(FILE);
    assert.deepEqual(fns.map((f) => `${f.name}:${f.jit ? "jit" : "-"}`), ["_scale:jit", "_unused:jit", "get_configs:-", "softmax_kernel:jit", "inner:jit", "host:-"]);
    const k = fns.find((f) => f.name === "softmax_kernel")!;
    assert.deepEqual(k.params.map((p) => `${p.name}${p.constexpr ? ":c" : ""}${p.defaultText ? `=${p.defaultText}` : ""}`), ["x_ptr", "out_ptr", "n", "scale", "BLOCK:c", "EVEN:c=True"]);
    assert.ok(k.text.startsWith("def softmax_kernel("));
    assert.ok(k.text.trimEnd().endsWith("mask=offs < n)"));
    assert.ok(!fns.find((f) => f.name === "inner")!.topLevel);
  });

  it("sends the kernel and the helpers it calls, not the others, nor any module code", () => {
    const job = tritonCompileJob(FILE, { function: "softmax_kernel", config }, 90);
    if ("error" in job) assert.fail(job.error);
    assert.equal(job.request.sources.length, 2);
    assert.match(job.request.sources[0]!, /^@triton\.jit\ndef softmax_kernel/);
    assert.match(job.request.sources[1]!, /^@triton\.jit\ndef _scale/);
    const all = job.request.sources.join("\n");
    assert.doesNotMatch(all, /torch\.randn|get_configs|_unused|autotune/);
    assert.deepEqual(job.request.imports, ["import triton", "import triton.language as tl", "from triton.language.extra import (libdevice)"]);
    // Only the globals the sent code reads.
    assert.deepEqual(job.request.globals, { LOG2E: 1.4426950408889634, EPS: 1e-6 });
  });

  it("types the parameters: constexprs from the configuration or their defaults, known types, assumptions named", () => {
    const job = tritonCompileJob(FILE, { function: "softmax_kernel", config, paramTypes: new Map([["x_ptr", "*fp16"], ["scale", "fp32"]]) }, 90);
    if ("error" in job) assert.fail(job.error);
    assert.deepEqual(job.request.signature, { x_ptr: "*fp16", out_ptr: "*fp32", n: "i32", scale: "fp32", BLOCK: "constexpr", EVEN: "constexpr" });
    assert.deepEqual(job.request.constexprs, { BLOCK: 256, EVEN: true });
    assert.deepEqual(job.assumed, ["out_ptr: *fp32", "n: i32"]);
    assert.equal(job.configKey, configKey(config));
    assert.deepEqual(job.request.target, { backend: "cuda", arch: 90, warpSize: 32 });
    assert.equal(job.request.numWarps, 4);
  });

  it("says why no job can be made", () => {
    const noValue = tritonCompileJob(FILE, { function: "softmax_kernel", config: { ...config, constexprs: [] } }, 90);
    assert.ok("error" in noValue && /BLOCK/.test(noValue.error));
    const notJit = tritonCompileJob(FILE, { function: "host", config }, 90);
    assert.ok("error" in notJit && /no @triton.jit function named host/.test(notJit.error));
  });

  it("reads imports, literal globals and compute capabilities", () => {
    assert.deepEqual(tritonImports("import math\nfrom triton import cdiv\nimport torch\n"), ["import math", "from triton import cdiv"]);
    assert.deepEqual([...literalGlobals("A = 3\nB: tl.constexpr = False\nC = foo()\n  D = 4\nE = -2.5e3\n")], [["A", 3], ["B", false], ["E", -2500]]);
    assert.equal(cudaArch("9.0"), 90);
    assert.equal(cudaArch("12.0"), 120);
    assert.equal(cudaArch(undefined), null);
    assert.equal(cudaArch("gfx942"), null);
  });
});
