// The Triton host reader (core/triton/host.ts): kernels, autotune configs, heuristics and launches read from Python
// files written in the idioms of Triton's tutorials and Liger-Kernel, with the values the host evaluator works out.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { Language, Parser } from "web-tree-sitter";
import { copyTree } from "../../server/src/core/cuda/syntax";
import { readTritonProgram } from "../../server/src/core/triton/host";
import type { HostValue, TritonLaunch, TritonProgram } from "../../server/src/core/triton/program";

let parser: Parser;

before(async () => {
  const runtime = join(dirname(require.resolve("web-tree-sitter")), "tree-sitter.wasm");
  await Parser.init({ locateFile: () => runtime });
  const python = await Language.load(join(dirname(require.resolve("tree-sitter-python/package.json")), "tree-sitter-python.wasm"));
  parser = new Parser();
  parser.setLanguage(python);
});

function read(text: string): TritonProgram {
  const tree = parser.parse(text);
  assert.ok(tree);
  try {
    return readTritonProgram(copyTree(tree, () => true), text);
  } finally {
    tree.delete();
  }
}

const meta = (o: Record<string, number>): Map<string, HostValue> => new Map(Object.entries(o).map(([k, v]) => [k, { k: "int", v } as HostValue]));
const tensor = (dtype: string, shape: number[], strides?: number[]): HostValue => ({ k: "tensor", dtype, shape, strides: strides ?? shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1)) });
const only = (p: TritonProgram, kernel: string): TritonLaunch => {
  const ls = p.launches.filter((l) => l.kernel === kernel);
  assert.equal(ls.length, 1, `launches of ${kernel}: ${ls.length}`);
  return ls[0];
};

const VECTOR_ADD = `import torch

import triton
import triton.language as tl

DEVICE = triton.runtime.driver.active.get_active_torch_device()


@triton.jit
def add_kernel(x_ptr, y_ptr, output_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    tl.store(output_ptr + offsets, tl.load(x_ptr + offsets, mask=mask) + tl.load(y_ptr + offsets, mask=mask), mask=mask)


def add(x: torch.Tensor, y: torch.Tensor):
    # The output is allocated like the first input.
    output = torch.empty_like(x)
    assert x.device == DEVICE and y.device == DEVICE
    n_elements = output.numel()
    grid = lambda meta: (triton.cdiv(n_elements, meta['BLOCK_SIZE']), )
    add_kernel[grid](x, y, output, n_elements, BLOCK_SIZE=1024)
    return output


if __name__ == "__main__":
    torch.manual_seed(0)
    size = 98432
    x = torch.rand(size, device=DEVICE)
    y = torch.rand(size, device=DEVICE)
    output_torch = x + y
    output_triton = add(x, y)
    print(f"max difference {torch.max(torch.abs(output_torch - output_triton))}")
`;

const SOFTMAX = `import torch
import triton
import triton.language as tl
from triton.runtime import driver

DEVICE = triton.runtime.driver.active.get_active_torch_device()


def is_hip():
    return triton.runtime.driver.active.get_current_target().backend == "hip"


@triton.jit
def softmax_kernel(output_ptr, input_ptr, input_row_stride, output_row_stride, n_rows, n_cols, BLOCK_SIZE: tl.constexpr,
                   num_stages: tl.constexpr):
    row_start = tl.program_id(0)
    row_step = tl.num_programs(0)
    for row_idx in tl.range(row_start, n_rows, row_step, num_stages=num_stages):
        row = tl.load(input_ptr + row_idx * input_row_stride + tl.arange(0, BLOCK_SIZE))
        tl.store(output_ptr + row_idx * output_row_stride + tl.arange(0, BLOCK_SIZE), row)


properties = driver.active.utils.get_device_properties(DEVICE.index)
NUM_SM = properties["multiprocessor_count"]
WARP_SIZE = properties["warpSize"]


def softmax(x):
    n_rows, n_cols = x.shape
    BLOCK_SIZE = triton.next_power_of_2(n_cols)
    num_warps = 8
    num_stages = 4 if is_hip() else 2
    y = torch.empty_like(x)
    kernel = softmax_kernel.warmup(y, x, x.stride(0), y.stride(0), n_rows, n_cols, BLOCK_SIZE=BLOCK_SIZE,
                                   num_stages=num_stages, num_warps=num_warps, grid=(1, ))
    kernel._init_handles()
    n_regs = kernel.n_regs
    occupancy = 65536 // (n_regs * WARP_SIZE * num_warps)
    num_programs = min(NUM_SM * occupancy, n_rows)
    kernel[(num_programs, 1, 1)](y, x, x.stride(0), y.stride(0), n_rows, n_cols, BLOCK_SIZE, num_stages)
    return y


torch.manual_seed(0)
x = torch.randn(1823, 781, device=DEVICE)
y_triton = softmax(x)
assert torch.allclose(y_triton, torch.softmax(x, axis=1)), (y_triton, x)


@triton.testing.perf_report(
    triton.testing.Benchmark(x_names=['N'], x_vals=[128 * i for i in range(2, 100)], line_arg='provider',
                             line_vals=['triton'], line_names=["Triton"], ylabel="GB/s", plot_name="softmax",
                             args={'M': 4096}))
def benchmark(M, N, provider):
    x = torch.randn(M, N, device=DEVICE, dtype=torch.float32)
    ms = triton.testing.do_bench(lambda: softmax(x))
    return 2 * x.numel() * x.element_size() * 1e-9 / (ms * 1e-3)


benchmark.run(show_plots=True, print_data=True)
`;

const MATMUL = `import torch

import triton
import triton.language as tl

DEVICE = triton.runtime.driver.active.get_active_torch_device()


def is_cuda():
    return triton.runtime.driver.active.get_current_target().backend == "cuda"


def get_cuda_autotune_config():
    return [
        triton.Config({'BLOCK_SIZE_M': 128, 'BLOCK_SIZE_N': 256, 'BLOCK_SIZE_K': 64, 'GROUP_SIZE_M': 8}, num_stages=3,
                      num_warps=8),
        triton.Config({'BLOCK_SIZE_M': 64, 'BLOCK_SIZE_N': 256, 'BLOCK_SIZE_K': 32, 'GROUP_SIZE_M': 8}, num_stages=4,
                      num_warps=4),
    ]


def get_hip_autotune_config():
    sizes = [(32, 32, 16), (64, 32, 32)]
    return [triton.Config({'BLOCK_SIZE_M': m, 'BLOCK_SIZE_N': n, 'BLOCK_SIZE_K': k, 'GROUP_SIZE_M': 1, 'waves_per_eu': 2},
                          num_warps=4, num_stages=2) for m, n, k in sizes]


def get_autotune_config():
    if is_cuda():
        return get_cuda_autotune_config()
    else:
        return get_hip_autotune_config()


@triton.autotune(
    configs=get_autotune_config(),
    key=['M', 'N', 'K'],
)
@triton.jit
def matmul_kernel(
        a_ptr, b_ptr, c_ptr,
        M, N, K,
        stride_am, stride_ak,
        stride_bk, stride_bn,
        stride_cm, stride_cn,
        BLOCK_SIZE_M: tl.constexpr, BLOCK_SIZE_N: tl.constexpr, BLOCK_SIZE_K: tl.constexpr,
        GROUP_SIZE_M: tl.constexpr,
        ACTIVATION: tl.constexpr
):
    pid = tl.program_id(axis=0)
    num_pid_m = tl.cdiv(M, BLOCK_SIZE_M)


def matmul(a, b, activation=""):
    assert a.shape[1] == b.shape[0], "Incompatible dimensions"
    M, K = a.shape
    K, N = b.shape
    c = torch.empty((M, N), device=a.device, dtype=torch.float16)
    grid = lambda META: (triton.cdiv(M, META['BLOCK_SIZE_M']) * triton.cdiv(N, META['BLOCK_SIZE_N']), )
    matmul_kernel[grid](
        a, b, c,
        M, N, K,
        a.stride(0), a.stride(1),
        b.stride(0), b.stride(1),
        c.stride(0), c.stride(1),
        ACTIVATION=activation
    )
    return c


torch.manual_seed(0)
a = torch.randn((512, 256), device=DEVICE, dtype=torch.float16)
b = torch.randn((256, 384), device=DEVICE, dtype=torch.float16)
triton_output = matmul(a, b)

TORCH_HAS_FP8 = hasattr(torch, "float8_e5m2")
if TORCH_HAS_FP8 and is_cuda():
    a = torch.randn((512, 512), device=DEVICE, dtype=torch.float16).to(torch.float8_e5m2)
    b = torch.randn((512, 256), device=DEVICE, dtype=torch.float16)
    b = b.T
    b = b.to(torch.float8_e5m2)
    triton_output = matmul(a, b)
`;

const COMPREHENSION_HEURISTICS = `import triton
import triton.language as tl
from triton import Config, heuristics

configs = [
    Config({'BLOCK_M': BM, 'BLOCK_N': BN}, num_stages=s, num_warps=w)
    for BM in [64, 128]
    for BN in [32, 64]
    for s in [3, 4]
    for w in [4, 8]
    if not (BM == 128 and w == 4)
]


@heuristics({
    'EVEN_K': lambda args: args['K'] % args['BLOCK_K'] == 0,
    'BLOCK_K': lambda args: min(triton.next_power_of_2(args['K']), 64),
})
@triton.autotune(configs=configs, key=['M', 'N'])
@triton.jit(do_not_specialize=["M"])
def gemm_kernel(A, B, C, M, N, K, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
                EVEN_K: tl.constexpr, ALPHA=1.0):
    pass
`;

const LIGER = `import torch
import triton
import triton.language as tl

from liger_kernel.ops.utils import calculate_settings
from liger_kernel.ops.utils import ensure_contiguous


@triton.jit
def _swiglu_forward_kernel(a_ptr, b_ptr, c_ptr, stride, n_cols: tl.constexpr, BLOCK_SIZE: tl.constexpr):
    program_id = tl.program_id(0).to(tl.int64)
    a_ptr += program_id * stride


def swiglu_forward(a, b):
    ori_shape = a.shape
    n_cols = ori_shape[-1]
    a = a.view(-1, n_cols)
    b = b.view(-1, n_cols)
    c = torch.empty_like(a)
    n_rows = a.shape[0]
    BLOCK_SIZE, num_warps = calculate_settings(n_cols)
    _swiglu_forward_kernel[(n_rows,)](
        a,
        b,
        c,
        c.stride(-2),
        n_cols=n_cols,
        BLOCK_SIZE=BLOCK_SIZE,
        num_warps=num_warps,
    )
    return a, b, c.view(*ori_shape)


class LigerSiLUMulFunction(torch.autograd.Function):
    @staticmethod
    @ensure_contiguous
    def forward(ctx, a, b):
        a, b, c = swiglu_forward(a, b)
        ctx.save_for_backward(a, b)
        return c

    @staticmethod
    @ensure_contiguous
    def backward(ctx, dc):
        a, b = ctx.saved_tensors
        return dc, None
`;

const TUPLE_GRID_LOOP = `import torch
import triton
import triton.language as tl

BLOCK = 128
ROWS: tl.constexpr = 4
SCALE = tl.constexpr(0.5)


@triton.jit
def scale_kernel(x_ptr, out_ptr, n, scale, BLOCK_SIZE: tl.constexpr = BLOCK):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) * scale, mask=offs < n)


def run_all(sizes):
    total = 0
    for i in range(10):
        total += i
    for n in sizes:
        x = torch.ones(n, dtype=torch.float16, device="cuda")
        out = torch.empty_like(x)
        grid = (triton.cdiv(n, BLOCK), )
        scale_kernel[grid](x, out, n, 2.0, num_warps=2, num_stages=1)
    return total


checked = run_all([1000, 2000, 3000])
`;

describe("Triton host reader", () => {
  it("reads the vector-add tutorial: a grid lambda over the launch's constexprs, inputs from the main block", () => {
    const p = read(VECTOR_ADD);
    assert.equal(p.importsTriton, true);
    assert.deepEqual([...p.functions.keys()], ["add_kernel"]);
    const k = p.functions.get("add_kernel")!;
    assert.deepEqual(k.params.map((x) => [x.name, x.constexpr, x.annotation]), [
      ["x_ptr", false, undefined], ["y_ptr", false, undefined], ["output_ptr", false, undefined], ["n_elements", false, undefined], ["BLOCK_SIZE", true, "tl.constexpr"],
    ]);
    assert.equal(VECTOR_ADD.slice(k.nameSpan.start, k.nameSpan.end), "add_kernel");
    assert.ok(VECTOR_ADD.slice(k.span.start, k.span.end).startsWith("@triton.jit\ndef add_kernel"));
    const l = only(p, "add_kernel");
    assert.ok(VECTOR_ADD.slice(l.span.start, l.span.end).startsWith("add_kernel[grid](x, y, output"));
    assert.deepEqual(l.args.get("x_ptr"), tensor("fp32", [98432]));
    assert.deepEqual(l.args.get("output_ptr"), tensor("fp32", [98432]));
    assert.deepEqual(l.args.get("n_elements"), { k: "int", v: 98432 });
    assert.deepEqual(l.args.get("BLOCK_SIZE"), { k: "int", v: 1024 });
    assert.equal(l.numWarps, undefined);
    assert.deepEqual(l.grid(meta({ BLOCK_SIZE: 1024 })), [97]);
    assert.deepEqual(l.grid(meta({ BLOCK_SIZE: 256 })), [385]);
    assert.equal(l.gridText, "grid");
    assert.deepEqual(p.globals.get("size"), { k: "int", v: 98432 });
    assert.deepEqual(p.notes, []);
  });

  it("reads the fused-softmax tutorial: the host function called at module level, options from warmup, an unknown grid noted", () => {
    const p = read(SOFTMAX);
    const l = only(p, "softmax_kernel");
    assert.deepEqual(l.args.get("output_ptr"), tensor("fp32", [1823, 781]));
    assert.deepEqual(l.args.get("input_ptr"), tensor("fp32", [1823, 781]));
    assert.deepEqual(l.args.get("input_row_stride"), { k: "int", v: 781 });
    assert.deepEqual(l.args.get("n_rows"), { k: "int", v: 1823 });
    assert.deepEqual(l.args.get("BLOCK_SIZE"), { k: "int", v: 1024 });
    // is_hip() is false on the CUDA target: two stages.
    assert.deepEqual(l.args.get("num_stages"), { k: "int", v: 2 });
    assert.equal(l.numWarps, 8);
    assert.equal(l.numStages, 2);
    assert.deepEqual(l.grid(new Map()), [undefined, 1, 1]);
    const gridNote = p.notes.find((n) => /grid dimension 0/.test(n.message));
    assert.ok(gridNote, JSON.stringify(p.notes));
    assert.equal(SOFTMAX.slice(gridNote.span.start, gridNote.span.end), "(num_programs, 1, 1)");
    assert.ok(p.notes.some((n) => /assumed to be CUDA/.test(n.message)));
  });

  it("reads the matmul tutorial: configs from a function under is_cuda(), fp8 and transposed inputs", () => {
    const p = read(MATMUL);
    const k = p.functions.get("matmul_kernel")!;
    assert.ok(k.autotune);
    assert.equal(k.autotune.unreadable, undefined);
    assert.deepEqual(k.autotune.key, ["M", "N", "K"]);
    assert.equal(MATMUL.slice(k.autotune.span.start, k.autotune.span.end), "get_autotune_config()");
    assert.deepEqual(k.autotune.configs.map((c) => [Object.fromEntries(c.constexprs), c.numWarps, c.numStages]), [
      [{ BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 256, BLOCK_SIZE_K: 64, GROUP_SIZE_M: 8 }, 8, 3],
      [{ BLOCK_SIZE_M: 64, BLOCK_SIZE_N: 256, BLOCK_SIZE_K: 32, GROUP_SIZE_M: 8 }, 4, 4],
    ]);
    assert.ok(MATMUL.slice(k.autotune.configs[1].span.start, k.autotune.configs[1].span.end).startsWith("triton.Config({'BLOCK_SIZE_M': 64"));
    assert.equal(k.params.filter((x) => x.constexpr).length, 5);
    const ls = p.launches.filter((l) => l.kernel === "matmul_kernel");
    assert.equal(ls.length, 2);
    const [fp16, fp8] = ls;
    assert.deepEqual(fp16.args.get("a_ptr"), tensor("fp16", [512, 256]));
    assert.deepEqual(fp16.args.get("c_ptr"), tensor("fp16", [512, 384]));
    assert.deepEqual(fp16.args.get("stride_bk"), { k: "int", v: 384 });
    assert.deepEqual(fp16.args.get("ACTIVATION"), { k: "str", v: "" });
    assert.deepEqual(fp16.grid(meta({ BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 256 })), [4 * 2]);
    assert.deepEqual(fp16.grid(meta({ BLOCK_SIZE_M: 64, BLOCK_SIZE_N: 256 })), [8 * 2]);
    // b.T swaps the shape and the strides; .to() keeps them.
    assert.deepEqual(fp8.args.get("a_ptr"), tensor("fp8e5", [512, 512]));
    assert.deepEqual(fp8.args.get("b_ptr"), { k: "tensor", dtype: "fp8e5", shape: [256, 512], strides: [1, 256] });
    assert.deepEqual(fp8.args.get("stride_bk"), { k: "int", v: 1 });
    assert.deepEqual(fp8.args.get("stride_bn"), { k: "int", v: 256 });
    assert.deepEqual(fp8.args.get("N"), { k: "int", v: 512 });
    // hasattr(torch, ...) is a value the evaluator knows; the branch is taken without a note.
    assert.ok(!p.notes.some((n) => /condition/.test(n.message)), JSON.stringify(p.notes));
  });

  it("reads configs built by a list comprehension with a filter, and heuristics above autotune", () => {
    const p = read(COMPREHENSION_HEURISTICS);
    const k = p.functions.get("gemm_kernel")!;
    assert.ok(k.autotune && !k.autotune.unreadable);
    const got = k.autotune.configs.map((c) => `${c.constexprs.get("BLOCK_M")}x${c.constexprs.get("BLOCK_N")}/s${c.numStages}/w${c.numWarps}`);
    assert.deepEqual(got, [
      "64x32/s3/w4", "64x32/s3/w8", "64x32/s4/w4", "64x32/s4/w8", "64x64/s3/w4", "64x64/s3/w8", "64x64/s4/w4", "64x64/s4/w8",
      "128x32/s3/w8", "128x32/s4/w8", "128x64/s3/w8", "128x64/s4/w8",
    ]);
    assert.equal(COMPREHENSION_HEURISTICS.slice(k.autotune.span.start, k.autotune.span.end), "configs");
    assert.deepEqual(k.params.map((x) => x.name), ["A", "B", "C", "M", "N", "K", "BLOCK_M", "BLOCK_N", "BLOCK_K", "EVEN_K", "ALPHA"]);
    assert.equal(COMPREHENSION_HEURISTICS.slice(k.params[10].defaultValue!.start, k.params[10].defaultValue!.end), "1.0");
    const h = new Map(k.heuristics!.map((x) => [x.name, x.compute]));
    assert.deepEqual([...h.keys()], ["EVEN_K", "BLOCK_K"]);
    assert.deepEqual(h.get("BLOCK_K")!(meta({ K: 100 })), { k: "int", v: 64 });
    assert.deepEqual(h.get("BLOCK_K")!(meta({ K: 20 })), { k: "int", v: 32 });
    assert.deepEqual(h.get("EVEN_K")!(meta({ K: 128, BLOCK_K: 64 })), { k: "bool", v: true });
    assert.deepEqual(h.get("EVEN_K")!(meta({ K: 100, BLOCK_K: 64 })), { k: "bool", v: false });
    assert.equal(h.get("EVEN_K")!(meta({ K: 100 })).k, "unknown");
    assert.equal(p.launches.length, 0);
  });

  it("reads a Liger-style autograd Function: forward run by .apply with real tensors", () => {
    const p = read(`${LIGER}
x = torch.randn(4, 128, 4096, dtype=torch.bfloat16, device="cuda")
y = torch.randn(4, 128, 4096, dtype=torch.bfloat16, device="cuda")
out = LigerSiLUMulFunction.apply(x, y)
`);
    const l = only(p, "_swiglu_forward_kernel");
    assert.deepEqual(l.args.get("a_ptr"), tensor("bf16", [512, 4096]));
    assert.deepEqual(l.args.get("c_ptr"), tensor("bf16", [512, 4096]));
    assert.deepEqual(l.args.get("stride"), { k: "int", v: 4096 });
    assert.deepEqual(l.args.get("n_cols"), { k: "int", v: 4096 });
    assert.equal(l.args.get("BLOCK_SIZE")?.k, "unknown");
    assert.equal(l.numWarps, undefined);
    assert.deepEqual(l.grid(new Map()), [512]);
    assert.ok(p.notes.some((n) => /num_warps could not be evaluated/.test(n.message)));
  });

  it("evaluates an autograd Function nobody calls once, with unknown inputs", () => {
    const p = read(LIGER);
    const l = only(p, "_swiglu_forward_kernel");
    assert.equal(l.args.get("a_ptr")?.k, "unknown");
    assert.deepEqual([...l.args.keys()], ["a_ptr", "b_ptr", "c_ptr", "stride", "n_cols", "BLOCK_SIZE"]);
    assert.deepEqual(l.grid(new Map()), [undefined]);
    assert.ok(p.notes.some((n) => /grid dimension 0/.test(n.message)));
  });

  it("reads a tuple grid in a loop's first iteration, with launch options and module constants", () => {
    const p = read(TUPLE_GRID_LOOP);
    const l = only(p, "scale_kernel");
    assert.deepEqual(l.args.get("x_ptr"), tensor("fp16", [1000]));
    assert.deepEqual(l.args.get("n"), { k: "int", v: 1000 });
    assert.deepEqual(l.args.get("scale"), { k: "float", v: 2 });
    assert.equal(l.args.has("BLOCK_SIZE"), false);
    assert.equal(l.numWarps, 2);
    assert.equal(l.numStages, 1);
    assert.deepEqual(l.grid(meta({ BLOCK_SIZE: 64 })), [8]);
    assert.equal(l.gridText, "grid");
    assert.deepEqual(p.globals.get("BLOCK"), { k: "int", v: 128 });
    assert.deepEqual(p.globals.get("ROWS"), { k: "int", v: 4 });
    assert.deepEqual(p.globals.get("SCALE"), { k: "float", v: 0.5 });
    // The loop without a launch ran in full.
    assert.deepEqual(p.globals.get("checked"), { k: "int", v: 45 });
  });

  it("sees triton imported among other modules", () => {
    assert.equal(read("import os, triton.language as tl\n").importsTriton, true);
    assert.equal(read("from triton.language import constexpr\n").importsTriton, true);
    assert.equal(read("import tritonclient\nfrom tritonish import x\n").importsTriton, false);
  });

  it("takes a decorator of the file's own called jit for no kernel", () => {
    const p = read(`import triton
import triton.language as tl


def jit(fn):
    return fn


@jit
def not_a_kernel(x):
    return x


@triton.jit
def kernel(x):
    pass
`);
    assert.deepEqual([...p.functions.keys()], ["kernel"]);
  });

  it("reads a file without triton as such", () => {
    const p = read("import numpy as np\n\nx = np.zeros(3)\n\ndef f(a):\n    return a * 2\n");
    assert.equal(p.importsTriton, false);
    assert.equal(p.functions.size, 0);
    assert.equal(p.launches.length, 0);
  });

  it("reads a def grid, imported jit and Config, positional Config options, splatted launch arguments", () => {
    const src = `from triton import jit, Config, autotune, cdiv
from triton.language import constexpr
import torch


@autotune([Config({"BLOCK": 256}, 8, 2), Config(kwargs={"BLOCK": 512}, num_warps=4)], ["n"])
@jit
def relu_kernel(x_ptr, y_ptr, n, BLOCK: constexpr):
    pass


def grid(meta):
    return (cdiv(meta["n"], meta["BLOCK"]), 2)


def relu(x):
    y = torch.empty_strided((64, 100), (128, 1), dtype=torch.bfloat16)
    extra = {"n": x.numel()}
    args = (x, y)
    relu_kernel[grid](*args, **extra)
    return y


relu(torch.zeros(64, 100).half())
`;
    const p = read(src);
    const k = p.functions.get("relu_kernel")!;
    assert.deepEqual(k.params.map((x) => x.constexpr), [false, false, false, true]);
    assert.deepEqual(k.autotune!.configs.map((c) => [c.constexprs.get("BLOCK"), c.numWarps, c.numStages]), [[256, 8, 2], [512, 4, undefined]]);
    assert.deepEqual(k.autotune!.key, ["n"]);
    const l = only(p, "relu_kernel");
    assert.deepEqual(l.args.get("x_ptr"), tensor("fp16", [64, 100]));
    assert.deepEqual(l.args.get("y_ptr"), tensor("bf16", [64, 100], [128, 1]));
    assert.deepEqual(l.args.get("n"), { k: "int", v: 6400 });
    assert.deepEqual(l.grid(meta({ BLOCK: 256 })), [25, 2]);
    assert.deepEqual(l.grid(meta({ BLOCK: 512 })), [13, 2]);
  });

  it("reads tensor views, strides and dtypes the way torch gives them", () => {
    const src = `import torch
import triton
import triton.language as tl


@triton.jit
def k(a, b, c, d, e, f, g, n0, n1, s0, s1, es, nd, dt):
    pass


x = torch.randn(8, 16, 32, dtype=torch.float32)
w = torch.ones([32, 64], dtype=torch.int8)
k[(1,)](
    x.view(-1, 32),
    x.transpose(0, 2),
    w.t().contiguous(),
    x.reshape(8, -1).to(torch.float8_e4m3fn),
    torch.randint(0, 127, (4, 4), dtype=torch.int32),
    x.new_empty((3, 5)),
    torch.zeros_like(w, dtype=torch.uint8),
    x.size(0), x.shape[-1], x.stride(0), x.permute(2, 0, 1).stride(1), x.element_size(), x.dim(), x.dtype,
)
`;
    const l = only(read(src), "k");
    assert.deepEqual(l.args.get("a"), tensor("fp32", [128, 32]));
    assert.deepEqual(l.args.get("b"), { k: "tensor", dtype: "fp32", shape: [32, 16, 8], strides: [1, 32, 512] });
    assert.deepEqual(l.args.get("c"), tensor("int8", [64, 32]));
    assert.deepEqual(l.args.get("d"), tensor("fp8e4nv", [8, 512]));
    assert.deepEqual(l.args.get("e"), tensor("int32", [4, 4]));
    assert.deepEqual(l.args.get("f"), tensor("fp32", [3, 5]));
    assert.deepEqual(l.args.get("g"), tensor("uint8", [32, 64]));
    assert.deepEqual([..."n0 n1 s0 s1 es nd".split(" ")].map((n) => l.args.get(n)), [8, 32, 512, 512, 4, 3].map((v) => ({ k: "int", v })));
    assert.deepEqual(l.args.get("dt"), { k: "dtype", v: "fp32" });
    assert.deepEqual(l.grid(new Map()), [1]);
  });

  it("evaluates the host arithmetic Triton code uses", () => {
    const src = `import math
import triton
import triton.language as tl

A = 7 // 2
B = -7 // 2
C = -7 % 3
D = 2 ** 10
E = 1 << 12
F = 7 / 2
G = max(3, min(10, 4)) if A > 2 and not False else 0
H = int(math.ceil(math.log2(1000)))
I = triton.next_power_of_2(1000) + tl.cdiv(1000, 64) + abs(-2) + len([1, 2, 3]) + sum(range(4))
J, K = divmod(17, 5)
L = [1, 2, 3][1:][0] + (4, 5, 6)[-1]
M = {"a": 1, **{"b": 2}}["b"]
N = 0
N += 5
N *= 3
O = 3 if None is None else 4
P = "x" in ("x", "y") and 2 not in [1, 3]
Q = 1 < 2 < 3 > 2
R = len([v for v in range(10) if v % 2 == 0])
`;
    const g = read(src).globals;
    const want: Record<string, HostValue> = {
      A: { k: "int", v: 3 }, B: { k: "int", v: -4 }, C: { k: "int", v: 2 }, D: { k: "int", v: 1024 }, E: { k: "int", v: 4096 },
      F: { k: "float", v: 3.5 }, G: { k: "int", v: 4 }, H: { k: "int", v: 10 }, I: { k: "int", v: 1024 + 16 + 2 + 3 + 6 },
      J: { k: "int", v: 3 }, K: { k: "int", v: 2 }, L: { k: "int", v: 8 }, M: { k: "int", v: 2 }, N: { k: "int", v: 15 },
      O: { k: "int", v: 3 }, P: { k: "bool", v: true }, Q: { k: "bool", v: true }, R: { k: "int", v: 5 },
    };
    for (const [name, v] of Object.entries(want)) assert.deepEqual(g.get(name), v, name);
  });

  it("follows both ways of an unknown condition for launches, and reaches launch sites behind a default", () => {
    const src = `import torch
import triton
import triton.language as tl
from somewhere import pick_mode


@triton.jit
def fast_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


@triton.jit
def slow_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


def run(x, mode="fast"):
    n = x.numel()
    if n == 0:
        return x
    if mode == "slow":
        slow_kernel[(n,)](x, n, BLOCK=64)
        return x
    fast_kernel[(triton.cdiv(n, 256),)](x, n, BLOCK=256)
    return x


run(torch.empty(1024, dtype=torch.float16))
`;
    const p = read(src);
    // The fast path was reached with real values; the pass that finds the slow one adds no second, vaguer launch of it.
    const fast = only(p, "fast_kernel");
    assert.deepEqual(fast.args.get("n"), { k: "int", v: 1024 });
    assert.deepEqual(fast.grid(new Map()), [4]);
    const slow = only(p, "slow_kernel");
    assert.equal(slow.args.get("x_ptr")?.k, "unknown");
    assert.deepEqual(slow.args.get("BLOCK"), { k: "int", v: 64 });
    assert.ok(p.notes.some((n) => /both ways were followed/.test(n.message) && src.slice(n.span.start, n.span.end) === 'mode == "slow"'));
  });

  it("says why autotune configs cannot be read", () => {
    const src = `import triton
import triton.language as tl
from my_project.tuning import make_configs


@triton.autotune(configs=make_configs(), key=["n"])
@triton.jit
def k1(x, n, B: tl.constexpr):
    pass


@triton.autotune(configs=[triton.Config({"B": UNDEFINED_SIZE})], key=[])
@triton.jit
def k2(x, n, B: tl.constexpr):
    pass
`;
    const p = read(src);
    const a1 = p.functions.get("k1")!.autotune!;
    assert.match(a1.unreadable ?? "", /make_configs/);
    assert.equal(src.slice(a1.span.start, a1.span.end), "make_configs()");
    const a2 = p.functions.get("k2")!.autotune!;
    assert.match(a2.unreadable ?? "", /config 1's B could not be evaluated: UNDEFINED_SIZE is not defined here/);
    assert.equal(p.notes.filter((n) => /autotune configs/.test(n.message)).length, 2);
  });

  it("never throws on truncated or garbage files, and stays bounded on hostile ones", () => {
    const sources = [VECTOR_ADD, SOFTMAX, MATMUL, COMPREHENSION_HEURISTICS, LIGER, TUPLE_GRID_LOOP];
    let reads = 0;
    for (const src of sources) {
      for (let cut = 0; cut < src.length; cut += 61) {
        const p = read(src.slice(0, cut));
        assert.ok(Array.isArray(p.launches) && p.functions instanceof Map);
        reads++;
      }
    }
    assert.ok(reads > 100);
    for (const garbage of ["@triton.jit\n", "def (:\n  ]]]", "k[grid](", "import triton\n@triton.autotune(configs=[triton.Config({)])\n@triton.jit\ndef k(x): pass\nk[(", "\u0000\uffff)))((("]) {
      assert.doesNotThrow(() => read(garbage));
    }
    const hostile = `import triton
import triton.language as tl

@triton.jit
def k(x, n):
    pass

def forever(n):
    return forever(n + 1)

forever(0)
while True:
    pass
x = [0] * 10 ** 12
y = [] * 10 ** 12
z = 2 ** 10 ** 10
w = [a * b for a in range(10 ** 9) for b in range(10 ** 9)]
for i in range(10 ** 12):
    total = i
for i in range(10 ** 12):
    k[(i,)](x, i)
done = 1
`;
    const t = performance.now();
    const p = read(hostile.replace("done = 1", `a = []
a.append(a)
b = a == a
deep = ${"(".repeat(3000)}1${")".repeat(3000)}
done = 1`));
    assert.ok(performance.now() - t < 5000);
    assert.deepEqual(p.globals.get("done"), { k: "int", v: 1 });
    assert.equal(p.globals.get("total"), undefined);
    assert.deepEqual(only(p, "k").grid(new Map()), [0]);

    // Past the step budget evaluation stops with a note; kernels defined after that point are still read.
    const exhausting = `import triton
w = [[a * b for a in range(10 ** 9)] for b in range(10 ** 9)]
after = 1

@triton.jit
def late(x):
    pass
`;
    const q = read(exhausting);
    assert.equal(q.globals.get("after"), undefined);
    assert.deepEqual([...q.functions.keys()], ["late"]);
    const note = q.notes.find((n) => /budget ran out/.test(n.message));
    assert.ok(note);
    assert.ok(exhausting.slice(note.span.start, note.span.end).startsWith("w = [[a * b"));
  });

  it("reads a 5,000-line file with one kernel in a few milliseconds", () => {
    const lines = ["import torch", "import triton", "import triton.language as tl", "", "@triton.jit", "def k(x_ptr, n, BLOCK: tl.constexpr):", "    pid = tl.program_id(0)"];
    for (let i = 0; lines.length < 2500; i++) lines.push(`    v${i} = tl.load(x_ptr + pid * ${i} + tl.arange(0, BLOCK))`, `    tl.store(x_ptr + ${i}, v${i} * 2.0)`);
    for (let i = 0; lines.length < 5000; i++) lines.push(`def helper_${i}(a, b):`, `    c = torch.empty(a, b) * ${i}`, "    for j in range(3):", "        c += j", "    return c", `CONST_${i} = ${i} * 2`, "");
    lines.push("x = torch.empty(4096, device='cuda')", "k[(triton.cdiv(4096, 128),)](x, 4096, BLOCK=128)");
    const text = lines.join("\n");
    const tree = parser.parse(text)!;
    const root = copyTree(tree, () => true);
    tree.delete();
    let p = readTritonProgram(root, text);
    // The fastest of a few reads: this machine is shared, and a single timing measures its load.
    let ms = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      p = readTritonProgram(root, text);
      ms = Math.min(ms, performance.now() - t);
    }
    assert.deepEqual(only(p, "k").grid(new Map()), [32]);
    assert.deepEqual(p.globals.get("CONST_100"), { k: "int", v: 200 });
    assert.ok(ms < 25, `${ms} ms`);
  });

  it("reads an attention-style file: filtered configs, a pytest test calling Function.apply through an alias, backward from saved tensors", () => {
    const src = `import pytest
import torch
import triton
import triton.language as tl

try:
    from triton.tools.tensor_descriptor import TensorDescriptor
    HAS_DESC = True
except ImportError:
    HAS_DESC = False


def is_hip():
    return triton.runtime.driver.active.get_current_target().backend == "hip"


tuning = [
    triton.Config({"BM": bm, "BN": bn}, num_stages=s, num_warps=w)
    for bm in [64, 128]
    for bn in [32, 64]
    for s in ([1] if is_hip() else [3, 4])
    for w in [4, 8]
]


def worth_trying(cfg):
    if cfg.kwargs["BM"] * cfg.kwargs["BN"] < 128 * 64 and cfg.num_warps == 8:
        return False
    return True


@triton.autotune(list(filter(worth_trying, tuning)), key=["SEQ", "D"])
@triton.jit
def attn_fwd(Q, K, V, Out, stride_qz, stride_qh, stride_qm, Z, H, SEQ, D: tl.constexpr, BM: tl.constexpr,
             BN: tl.constexpr, CAUSAL: tl.constexpr):
    pass


@triton.jit
def attn_bwd_pre(O, DO, Delta, SEQ, BLOCK: tl.constexpr, D: tl.constexpr):
    pass


class _Attention(torch.autograd.Function):

    @staticmethod
    def forward(ctx, q, k, v, causal):
        D = q.shape[-1]
        assert D in {16, 32, 64, 128}
        o = torch.empty_like(q)
        extra = {}
        if is_hip():
            extra = {"waves_per_eu": 2}

        def grid(META):
            return (triton.cdiv(q.shape[2], META["BM"]), q.shape[0] * q.shape[1], 1)

        attn_fwd[grid](q, k, v, o, q.stride(0), q.stride(1), q.stride(2), q.shape[0], q.shape[1], SEQ=q.shape[2], D=D,
                       CAUSAL=causal, **extra)
        ctx.save_for_backward(q, k, v, o)
        ctx.D = D
        return o

    @staticmethod
    def backward(ctx, do):
        q, k, v, o = ctx.saved_tensors
        BATCH, HEADS, SEQ = q.shape[:3]
        PRE = 128
        delta = torch.empty((BATCH, HEADS, SEQ), device=q.device, dtype=torch.float32)
        attn_bwd_pre[(SEQ // PRE, BATCH * HEADS)](o, do, delta, SEQ, BLOCK=PRE, D=ctx.D)
        return None, None, None, None


attention = _Attention.apply


@pytest.mark.parametrize("Z, H, SEQ, D", [(2, 4, 1024, 64), (1, 1, 128, 16)])
@pytest.mark.parametrize("causal", [True, False])
def test_attention(Z, H, SEQ, D, causal, dtype=torch.float16):
    q = torch.empty((Z, H, SEQ, D), dtype=dtype, device="cuda").normal_(mean=0.0, std=0.5).requires_grad_()
    k = torch.empty((Z, H, SEQ, D), dtype=dtype, device="cuda").normal_(mean=0.0, std=0.5).requires_grad_()
    v = torch.empty((Z, H, SEQ, D), dtype=dtype, device="cuda").normal_(mean=0.0, std=0.5).requires_grad_()
    out = attention(q, k, v, causal).half()
    out.backward(torch.randn_like(q))
`;
    const p = read(src);
    const configs = p.functions.get("attn_fwd")!.autotune!.configs;
    assert.deepEqual(configs.map((c) => `${c.constexprs.get("BM")}x${c.constexprs.get("BN")}/s${c.numStages}/w${c.numWarps}`), [
      "64x32/s3/w4", "64x32/s4/w4", "64x64/s3/w4", "64x64/s4/w4",
      "128x32/s3/w4", "128x32/s4/w4", "128x64/s3/w4", "128x64/s3/w8", "128x64/s4/w4", "128x64/s4/w8",
    ]);
    const fwd = only(p, "attn_fwd");
    assert.deepEqual(fwd.args.get("Q"), tensor("fp16", [2, 4, 1024, 64]));
    assert.deepEqual(fwd.args.get("stride_qh"), { k: "int", v: 1024 * 64 });
    assert.deepEqual(fwd.args.get("SEQ"), { k: "int", v: 1024 });
    assert.deepEqual(fwd.args.get("CAUSAL"), { k: "bool", v: true });
    assert.equal(fwd.args.has("waves_per_eu"), false);
    assert.deepEqual(fwd.grid(meta({ BM: 128 })), [8, 8, 1]);
    // backward ran once, on what forward saved (its gradient input unknown).
    const pre = only(p, "attn_bwd_pre");
    assert.deepEqual(pre.args.get("O"), tensor("fp16", [2, 4, 1024, 64]));
    assert.deepEqual(pre.args.get("Delta"), tensor("fp32", [2, 4, 1024]));
    assert.equal(pre.args.get("DO")?.k, "unknown");
    assert.deepEqual(pre.args.get("D"), { k: "int", v: 64 });
    assert.deepEqual(pre.grid(new Map()), [8, 8]);
  });
});
