// Triton's findings, each on a small kernel of our own that has the problem and on its fixed twin that must not:
// idle lanes of a block much larger than its mask keeps, a reduction padded to a power of two, an fp16 tl.dot summed in
// fp16, a configuration whose shared memory the device cannot give, and a pointer block with no contiguous axis.
// Plus what the lowering estimates for resources (shared memory from the pipelined dot operands, registers).
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Language, Parser } from "web-tree-sitter";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { breakdownMarkdown } from "../../server/src/core/model/format";
import { analyzeTritonSource, type PythonParser } from "../../server/src/core/triton/analyze";
import { findRepoRoot } from "../support/repoRoot";

let parser: PythonParser;
let device: DeviceSpec;

before(async () => {
  const root = findRepoRoot();
  await Parser.init({ locateFile: () => join(root, "node_modules", "web-tree-sitter", "tree-sitter.wasm") });
  const lang = await Language.load(join(root, "node_modules", "tree-sitter-python", "tree-sitter-python.wasm"));
  const p = new Parser();
  p.setLanguage(lang);
  parser = p;
  device = findDevice("nvidia-h100-sxm")!;
});

const analyze = (text: string) => analyzeTritonSource(text, { parser, model: { device } });
const codes = (text: string): string[] => analyze(text).diagnostics.map((d) => d.code);

const rowKernel = (cols: number, block: string) => `
import torch
import triton
import triton.language as tl

@triton.jit
def row_sum_kernel(x_ptr, out_ptr, stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * stride + offs, mask=offs < n_cols, other=0.0)
    tl.store(out_ptr + row, tl.sum(x, axis=0))

x = torch.randn(512, ${cols}, device="cuda")
out = torch.empty(512, device="cuda")
row_sum_kernel[(512,)](x, out, x.stride(0), ${cols}, BLOCK=${block})
`;

describe("Triton findings", () => {
  it("a 1,024-lane block over 600 columns: idle lanes and a padded reduction, said at the load and the tl.sum", () => {
    const text = rowKernel(600, "triton.next_power_of_2(600)");
    const a = analyze(text);
    const lanes = a.diagnostics.find((d) => d.code === "triton-lane-utilisation");
    assert.ok(lanes, a.diagnostics.map((d) => d.code).join(", "));
    assert.match(lanes.message, /600 of the block's 1,024 elements/);
    assert.equal(text.slice(lanes.span.start, lanes.span.end).startsWith("tl.load("), true);
    const pad = a.diagnostics.find((d) => d.code === "triton-reduction-padding");
    assert.ok(pad);
    assert.match(pad.message, /1,024 elements of which about 600 are valid/);
    assert.equal(text.slice(pad.span.start, pad.span.end).startsWith("tl.sum("), true);
    // Bytes count the kept lanes only: 512 rows x 600 x 4 B.
    const m = a.models.get(a.kernels[0].name)!.model;
    assert.equal(m.ops.globalLoadBytes.value, 512 * 600 * 4);
  });

  it("a block that fits its columns (1,000 of 1,024) is not called idle", () => {
    const found = codes(rowKernel(1000, "1024"));
    assert.ok(!found.includes("triton-lane-utilisation"), found.join(", "));
  });

  const dotKernel = (acc: string, out: string) => `
import triton
import triton.language as tl

# @let N = 4096
# @arg a_ptr: *fp16
# @arg b_ptr: *fp16
# @arg c_ptr: *fp16
# @grid 64
# @config BM=64, BN=64, BK=32, num_warps=4, num_stages=3
@triton.jit
def tile_kernel(a_ptr, b_ptr, c_ptr, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    offs_m = tl.arange(0, BM)
    offs_n = tl.arange(0, BN)
    offs_k = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=${acc})
    for k in range(0, 8):
        a = tl.load(a_ptr + offs_m[:, None] * 256 + (k * BK + offs_k)[None, :])
        b = tl.load(b_ptr + (k * BK + offs_k)[:, None] * 64 + offs_n[None, :])
        acc = tl.dot(a, b, acc${out})
    tl.store(c_ptr + offs_m[:, None] * 64 + offs_n[None, :], acc.to(tl.float16))
`;

  it("an fp16 tl.dot accumulated in fp16 is flagged at the dot; an fp32 accumulator is not", () => {
    const text = dotKernel("tl.float16", ", out_dtype=tl.float16");
    const a = analyze(text);
    const f = a.diagnostics.find((d) => d.code === "triton-dot-low-precision-accumulator");
    assert.ok(f, a.diagnostics.map((d) => d.code).join(", "));
    assert.ok(text.slice(f.span.start, f.span.end).startsWith("tl.dot("));
    assert.ok(!codes(dotKernel("tl.float32", "")).includes("triton-dot-low-precision-accumulator"));
    // 64 programs x 8 trips x 2 x 64 x 64 x 32 tensor FLOPs, whatever the accumulator.
    assert.equal(a.models.get(a.kernels[0].name)!.model.ops.tensorFlops.value, 64 * 8 * 2 * 64 * 64 * 32);
  });

  it("shared memory: (BM + BN) x BK x num_stages x 2 B estimated; a configuration past the device's limit is an error at the kernel", () => {
    const small = analyze(dotKernel("tl.float32", ""));
    assert.equal(small.kernels[0].resources.sharedBytes, (64 + 64) * 32 * 3 * 2);
    assert.equal(small.kernels[0].resources.source, "estimated");
    assert.ok(!small.diagnostics.some((d) => d.code === "triton-shared-memory-overflow"));
    const big = dotKernel("tl.float32", "").replace("BM=64, BN=64, BK=32, num_warps=4, num_stages=3", "BM=256, BN=256, BK=128, num_warps=8, num_stages=4");
    const a = analyze(big);
    const f = a.diagnostics.find((d) => d.code === "triton-shared-memory-overflow");
    assert.ok(f, a.diagnostics.map((d) => d.code).join(", "));
    assert.equal(f.severity, "error");
    assert.equal(a.kernels[0].resources.sharedBytes, (256 + 256) * 128 * 4 * 2);
    assert.match(f.message, /needs 512 KiB of shared memory \(estimated: \(256 \+ 256\) x 128 x 4 stages x 2 B/);
    // A directive's configuration is flagged at the kernel's name (an autotune one at its triton.Config).
    assert.equal(big.slice(f.span.start, f.span.end), "tile_kernel");
  });

  it("a pointer block strided along both axes is uncoalesced; the contiguous one is not", () => {
    const kernel = (colStride: string) => `
import torch
import triton
import triton.language as tl

@triton.jit
def gather_cols(x_ptr, y_ptr, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    offs_m = tl.program_id(0) * BM + tl.arange(0, BM)
    offs_n = tl.arange(0, BN)
    v = tl.load(x_ptr + offs_m[:, None] * stride_m + offs_n[None, :] * ${colStride})
    tl.store(y_ptr + offs_m[:, None] * BN + offs_n[None, :], v)

x = torch.randn(4096, 4096, device="cuda")
y = torch.empty(4096, 64, device="cuda")
gather_cols[(64,)](x, y, x.stride(0), BM=64, BN=64)
`;
    const bad = analyze(kernel("8"));
    const f = bad.diagnostics.find((d) => d.code === "triton-uncoalesced");
    assert.ok(f, bad.diagnostics.map((d) => d.code).join(", "));
    assert.match(f.message, /axis 1: 8 elements apart/);
    assert.ok(!codes(kernel("1")).includes("triton-uncoalesced"));
  });

  it("registers are an estimate that grows with the accumulator tile", () => {
    const small = analyze(dotKernel("tl.float32", "")).kernels[0].resources;
    const big = analyze(dotKernel("tl.float32", "").replace("BM=64, BN=64", "BM=128, BN=128")).kernels[0].resources;
    assert.equal(small.source, "estimated");
    assert.ok(big.registersPerThread > small.registersPerThread, `${big.registersPerThread} > ${small.registersPerThread}`);
    assert.ok(big.registersPerThread <= 255);
  });

  it("the hover breakdown of a tl.dot kernel shows its tensor-core FLOPs, not 0 FLOP f32", () => {
    const a = analyze(dotKernel("tl.float32", ""));
    const text = breakdownMarkdown(a.models.get(a.kernels[0].name)!.model, device);
    const row = text.split("\n").find((l) => l.includes("FLOPs"))!;
    // 64 x 8 x 2 x 64 x 64 x 32 = 134,217,728 tensor FLOPs; no f32 arithmetic besides the dot.
    assert.match(row, /134 MFLOP on tensor cores/);
    assert.doesNotMatch(row, /0 FLOP f32/);
  });

  it("a float literal takes the block's type: fp16 x 2.0 is fp16 arithmetic", () => {
    const a = analyze(`
import torch
import triton
import triton.language as tl

@triton.jit
def scale_kernel(x_ptr, y_ptr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs) * 2.0)

x = torch.randn(4096, dtype=torch.float16, device="cuda")
y = torch.empty_like(x)
scale_kernel[(4,)](x, y, BLOCK=1024)
`);
    const ops = a.models.get(a.kernels[0].name)!.model.ops;
    // 4 programs x 1,024 multiplies, in fp16.
    assert.equal(ops.flopsF16.value, 4096);
    assert.equal(ops.flopsF32.value, 0);
  });
});
