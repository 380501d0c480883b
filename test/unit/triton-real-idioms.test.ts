// Idioms of real Triton libraries (Liger-Kernel, the Triton tutorials, unsloth) that the front-end met on real files
// and now reads: each test is a small kernel of our own written in that idiom, with its FLOPs and bytes derived by
// hand in a comment and asserted exactly (totals over the whole grid, masked-off lanes excluded from bytes).
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Language, Parser } from "web-tree-sitter";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { analyzeTritonSource, type PythonParser } from "../../server/src/core/triton/analyze";
import type { TritonSourceAnalysis } from "../../server/src/core/triton/types";
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

function analyze(text: string): TritonSourceAnalysis {
  return analyzeTritonSource(text, { parser, model: { device } });
}

/** The grid totals of the one analysed configuration of `fn`, and its IR notes. */
function totals(a: TritonSourceAnalysis, fn: string) {
  const kernels = a.kernels.filter((k) => k.function === fn);
  assert.equal(kernels.length, 1, `one configuration of ${fn}: ${a.kernels.map((k) => k.name).join(", ")}`);
  const name = kernels[0].name;
  const m = a.models.get(name)?.model;
  assert.ok(m, `a model of ${name}`);
  const o = m.ops;
  return {
    f32: o.flopsF32.value, f16: o.flopsF16.value, bf16: o.flopsBF16.value, tensor: o.tensorFlops.value, special: o.specialOps.value,
    load: o.globalLoadBytes.value, store: o.globalStoreBytes.value,
    notes: (a.irs.get(name)?.notes ?? []).map((n) => n.reason),
    model: m,
  };
}

describe("Triton idioms of real libraries", () => {
  it("Liger row kernel: BLOCK_SIZE and eps are tl.constexprs the host computes (no value in the file), X_ptr += row * stride, program_id(0).to(tl.int64)", () => {
    // 16 rows of n_cols = 1,000 fp16 values; BLOCK_SIZE has no value, so the one block size is assumed: 1,024.
    // Per program: x * w is 1,024 fp32 products and + eps 1,024 adds (masked lanes compute too): 2,048 FLOPs;
    // loads 1,000 x 2 B (X) + 1,000 x 4 B (W) = 6,000 B; store 1,000 x 2 B = 2,000 B. 16 programs:
    // 32,768 FLOPs, 96,000 B loaded, 32,000 B stored.
    const a = analyze(`import triton
import triton.language as tl

# @arg X_ptr: *fp16
# @arg W_ptr: *fp32
# @arg Y_ptr: *fp16
# @arg n_cols = 1000
# @grid 16
@triton.jit
def _row_scale_kernel(X_ptr, W_ptr, Y_ptr, x_stride, y_stride, n_cols, eps: tl.constexpr, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    X_ptr += row * x_stride
    Y_ptr += row * y_stride
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    x = tl.load(X_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    w = tl.load(W_ptr + cols, mask=mask, other=0.0)
    y = x * w + eps
    tl.store(Y_ptr + cols, y.to(tl.float16), mask=mask)
`);
    const t = totals(a, "_row_scale_kernel");
    assert.equal(t.f32, 16 * (1024 + 1024));
    assert.equal(t.load, 16 * (1000 * 2 + 1000 * 4));
    assert.equal(t.store, 16 * 1000 * 2);
    assert.ok(t.notes.some((n) => /'BLOCK_SIZE' shapes blocks but has no value here: 1024 is assumed/.test(n)), t.notes.join("\n"));
    assert.ok(t.notes.some((n) => /'eps' is a tl.constexpr with no value here: treated as a run-time value/.test(n)), t.notes.join("\n"));
  });

  it("Liger/vLLM gather: indices loaded through an untyped `ids_ptr` (assumed fp32) index another buffer", () => {
    // 500 tokens in 4 programs of BLOCK_T = 128 (512 lanes, 500 live), rows of D = 64 fp16 values.
    // Loads: ids 500 x 4 B (the assumed fp32, as wide as int32) = 2,000 B; the gathered rows 500 x 64 x 2 B = 64,000 B.
    // Store: 500 x 64 x 2 B = 64,000 B. FLOPs: none; `ids[:, None] * D` is index arithmetic once ids_ptr is known to
    // hold indices (int32 assumed), not 128 fp32 products per program.
    const a = analyze(`import triton
import triton.language as tl

# @arg table_ptr: *fp16
# @arg out_ptr: *fp16
# @arg n_tokens = 500
# @grid 4
# @config BLOCK_T=128, D=64
@triton.jit
def _gather_rows_kernel(ids_ptr, table_ptr, out_ptr, n_tokens, BLOCK_T: tl.constexpr, D: tl.constexpr):
    pid = tl.program_id(0)
    t = pid * BLOCK_T + tl.arange(0, BLOCK_T)
    t_mask = t < n_tokens
    ids = tl.load(ids_ptr + t, mask=t_mask, other=0)
    cols = tl.arange(0, D)
    rows = tl.load(table_ptr + ids[:, None] * D + cols[None, :], mask=t_mask[:, None], other=0.0)
    tl.store(out_ptr + t[:, None] * D + cols[None, :], rows, mask=t_mask[:, None])
`);
    const t = totals(a, "_gather_rows_kernel");
    assert.equal(t.f32 + t.f16, 0);
    assert.equal(t.load, 500 * 4 + 500 * 64 * 2);
    assert.equal(t.store, 500 * 64 * 2);
    assert.ok(!t.notes.some((n) => /cannot follow/.test(n)), t.notes.join("\n"));
    assert.ok(t.notes.some((n) => /'ids_ptr' is not known: its values index memory, so int32 is assumed/.test(n)), t.notes.join("\n"));
    assert.equal(t.model.accesses.find((x) => x.binding === "ids_ptr")?.elementType.replace(/ \(assumed\)$/, ""), "int32");
  });

  it("Liger mlp.py: TensorDescriptor parameters made on the host, their block shapes set by the autotune config's pre_hook", () => {
    // 4 x 2 programs, each one 64 x 128 bf16 tile (the pre_hook the config names, [BM, nargs["BLOCK_N"]], not the other hook's [16, 16]): loads 8,192 x 2 B and stores
    // 8,192 x 2 B per program (whole tiles: the tensor's shape is on the host), x * x is 8,192 bf16 FLOPs.
    // Totals: 8 x 16,384 B loaded, 8 x 16,384 B stored, 8 x 8,192 = 65,536 bf16 FLOPs.
    const a = analyze(`import triton
import triton.language as tl


def _other_hook(nargs):
    nargs["x_desc"].block_shape = [16, 16]


def _set_tile_blocks(nargs):
    BM = nargs["BLOCK_M"]
    nargs["x_desc"].block_shape = [BM, nargs["BLOCK_N"]]
    nargs["y_desc"].block_shape = [BM, nargs["BLOCK_N"]]


# @arg x_desc: *bf16
# @arg y_desc: *bf16
# @grid 4, 2
@triton.autotune(configs=[triton.Config({"BLOCK_M": 64, "BLOCK_N": 128}, num_warps=4, pre_hook=_set_tile_blocks)], key=["M"])
@triton.jit
def _square_tiles_kernel(x_desc, y_desc, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    x = x_desc.load([pid_m * BLOCK_M, pid_n * BLOCK_N])
    y = x * x
    y_desc.store([pid_m * BLOCK_M, pid_n * BLOCK_N], y.to(y_desc.dtype))
`);
    const t = totals(a, "_square_tiles_kernel");
    assert.equal(t.bf16, 8 * 64 * 128);
    assert.equal(t.f32 + t.f16, 0);
    assert.equal(t.load, 8 * 64 * 128 * 2);
    assert.equal(t.store, 8 * 64 * 128 * 2);
    assert.ok(t.notes.some((n) => /'x_desc' is a tensor descriptor made on the host: its block \[64, 128\]/.test(n)), t.notes.join("\n"));
  });

  it("Liger rms_norm/geglu imports: libdevice functions imported bare through try/except fallbacks or bound at module level, tl.float32(0.0) as a scalar constructor, erf", () => {
    // 10 rows of 512 fp32 values, BLOCK_SIZE = 512 (every lane live). Per program, fp32 FLOPs: x * x 512, tl.sum 511,
    // three scalar ops (acc + sum, / n_cols, + eps), x * r 512, y * 0.7071 512, 1.0 + erf 512, 0.5 * y 512 and the
    // product 512: 6 x 512 + 511 + 3 = 3,586. Special ops: rsqrt once, erf 512 times: 513.
    // Bytes: 512 x 4 B loaded and 512 x 4 B stored per program. Totals over 10 programs.
    const a = analyze(`import triton
import triton.language as tl

try:
    from triton.language.extra.libdevice import rsqrt
except ModuleNotFoundError:
    from triton.language.extra.cuda.libdevice import rsqrt
from triton.language.extra import libdevice

_erf = libdevice.erf


# @arg X_ptr: *fp32
# @arg Y_ptr: *fp32
# @arg n_cols = 512
# @grid 10
# @config BLOCK_SIZE=512
@triton.jit
def _norm_gelu_kernel(X_ptr, Y_ptr, stride, n_cols, eps, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    X_ptr += row * stride
    Y_ptr += row * stride
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    x = tl.load(X_ptr + cols, mask=mask, other=0.0)
    acc = tl.float32(0.0)
    acc += tl.sum(x * x, axis=0)
    r = rsqrt(acc / n_cols + eps)
    y = x * r
    g = 0.5 * y * (1.0 + _erf(y * 0.7071067811865476))
    tl.store(Y_ptr + cols, g, mask=mask)
`);
    const t = totals(a, "_norm_gelu_kernel");
    assert.equal(t.f32, 10 * (6 * 512 + 511 + 3));
    assert.equal(t.special, 10 * (1 + 512));
    assert.equal(t.load, 10 * 512 * 4);
    assert.equal(t.store, 10 * 512 * 4);
    assert.ok(!t.notes.some((n) => /not known/.test(n)), t.notes.join("\n"));
  });

  it("Liger jsd/kl_div: a grid-stride loop over rows with the mode chosen by if / elif / else on a constexpr (the else arm is taken)", () => {
    // 6 rows over 4 programs (programs 0 and 1 take two rows each); MODE = 2 takes the else arm: |x| is free, + 1.0 is
    // 256 fp32 FLOPs per row. Totals: 6 x 256 = 1,536 FLOPs, no special ops; 6 x 256 x 4 B loaded and stored.
    const a = analyze(`import triton
import triton.language as tl

# @arg X_ptr: *fp32
# @arg Y_ptr: *fp32
# @arg n_rows = 6
# @grid 4
# @config MODE=2, n_cols=256, BLOCK_SIZE=256
@triton.jit
def _row_mode_kernel(X_ptr, Y_ptr, n_rows, n_cols: tl.constexpr, MODE: tl.constexpr, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    for row in range(pid, n_rows, tl.num_programs(0)):
        cols = tl.arange(0, BLOCK_SIZE)
        mask = cols < n_cols
        x = tl.load(X_ptr + row * n_cols + cols, mask=mask, other=0.0)
        if MODE == 0:
            y = x * x
        elif MODE == 1:
            y = tl.exp(x)
        else:
            y = tl.abs(x) + 1.0
        tl.store(Y_ptr + row * n_cols + cols, y, mask=mask)
`);
    const t = totals(a, "_row_mode_kernel");
    assert.equal(t.f32, 6 * 256);
    assert.equal(t.special, 0);
    assert.equal(t.load, 6 * 256 * 4);
    assert.equal(t.store, 6 * 256 * 4);
  });

  it("Liger fused_moe / unsloth utils: a jit combine function passed to tl.associative_scan and an unlaunched element function are helpers, not kernels", () => {
    // The scan kernel: 4 programs of a 128-element int32 block; bytes 4 x 128 x 4 B loaded and stored. Only it is a kernel.
    const a = analyze(`import triton
import triton.language as tl


@triton.jit
def _add_combine(a, b):
    return a + b


@triton.jit
def _cast_to(x, dtype):
    return x.to(dtype)


# @arg counts_ptr: *int32
# @arg out_ptr: *int32
# @grid 4
# @config BLOCK=128
@triton.jit
def _prefix_count_kernel(counts_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    c = tl.load(counts_ptr + offs)
    tl.store(out_ptr + offs, tl.associative_scan(c, 0, _add_combine))
`);
    assert.deepEqual(a.kernels.map((k) => k.function), ["_prefix_count_kernel"]);
    const t = totals(a, "_prefix_count_kernel");
    assert.equal(t.load, 4 * 128 * 4);
    assert.equal(t.store, 4 * 128 * 4);
  });

  it("flash-linear-attention chunk kernels: make_block_ptr with a positional block shape (BT, BK) of constexprs that have no value", () => {
    // BT and BK shape the block pointers only positionally; both get the assumed tile size 64. T = 80 rows of K = 128
    // fp16 columns in 2 x 2 programs of 64 x 64 tiles, boundary-checked on both axes: 80 x 128 x 2 B = 20,480 B loaded
    // and the same stored. b_q * scale is 64 x 64 fp16 products per program (masked lanes compute): 4 x 4,096 = 16,384.
    const a = analyze(`import triton
import triton.language as tl


# @arg q: *fp16
# @arg o: *fp16
# @arg T = 80
# @arg K = 128
# @grid 2, 2
@triton.jit
def _chunk_scale_kernel(q, o, s_t, scale, T: tl.constexpr, K: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr):
    i_k, i_t = tl.program_id(0), tl.program_id(1)
    p_q = tl.make_block_ptr(q, (T, K), (s_t, 1), (i_t * BT, i_k * BK), (BT, BK), (1, 0))
    p_o = tl.make_block_ptr(o, (T, K), (s_t, 1), (i_t * BT, i_k * BK), (BT, BK), (1, 0))
    b_q = tl.load(p_q, boundary_check=(0, 1))
    tl.store(p_o, (b_q * scale).to(p_o.dtype.element_ty), boundary_check=(0, 1))
`);
    const t = totals(a, "_chunk_scale_kernel");
    assert.equal(t.f16, 4 * 64 * 64);
    assert.equal(t.load, 80 * 128 * 2);
    assert.equal(t.store, 80 * 128 * 2);
    assert.ok(t.notes.some((n) => /'BK' shapes blocks but has no value here: 64 is assumed/.test(n)), t.notes.join("\n"));
  });

  it("FlagGems: tle.program_id from the project's own triton wrapper, erf bound from its libdevice shim, an untyped *_pointer parameter added to an offset", () => {
    // 3,000 fp32 values in 3 programs of BLOCK = 1,024 (the last keeps 952 lanes). Per program, fp32 FLOPs: 0.5 * x,
    // x * 0.7071, 1.0 + erf, the product, y * w: 5 x 1,024; erf 1,024 special ops. Loads: x 3,000 x 4 B and one
    // scale per program (scale_pointer assumed fp32, 4 B); store 3,000 x 4 B.
    const a = analyze(`import triton
import triton.language as tl
from flag_gems.utils import triton_lang_extension as tle
from flag_gems.utils import tl_extra_shim

erf = tl_extra_shim.erf


# @arg in_ptr: *fp32
# @arg out_ptr: *fp32
# @arg n = 3000
# @grid 3
# @config BLOCK=1024
@triton.jit
def gelu_erf_scaled_kernel(in_ptr, out_ptr, scale_pointer, n, BLOCK: tl.constexpr):
    pid = tle.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    w = tl.load(pid + scale_pointer)
    x = tl.load(in_ptr + offs, mask=mask)
    y = 0.5 * x * (1.0 + erf(x * 0.7071067811865476))
    tl.store(out_ptr + offs, y * w, mask=mask)
`);
    const t = totals(a, "gelu_erf_scaled_kernel");
    assert.equal(t.f32, 3 * 5 * 1024);
    assert.equal(t.special, 3 * 1024);
    assert.equal(t.load, 3000 * 4 + 3 * 4);
    assert.equal(t.store, 3000 * 4);
    assert.ok(t.notes.some((n) => /'tle' is not triton.language: its 'program_id' is read as Triton's/.test(n)), t.notes.join("\n"));
  });

  it("vLLM: triton and tl imported through the project's wrapper module (from vllm.triton_utils import tl, triton)", () => {
    // 4,096 fp16 values in 4 programs of 1,024: x * sigmoid(x) in fp32 is 4,096 FLOPs and 4,096 special ops;
    // 4,096 x 2 B loaded and stored.
    const a = analyze(`from vllm.triton_utils import tl, triton


# @arg x_ptr: *fp16
# @arg y_ptr: *fp16
# @arg n = 4096
# @grid 4
# @config BLOCK=1024
@triton.jit
def _silu_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n).to(tl.float32)
    tl.store(y_ptr + offs, (x * tl.sigmoid(x)).to(tl.float16), mask=offs < n)
`);
    assert.equal(a.importsTriton, true);
    const t = totals(a, "_silu_kernel");
    assert.equal(t.f32, 4096);
    assert.equal(t.special, 4096);
    assert.equal(t.load, 4096 * 2);
    assert.equal(t.store, 4096 * 2);
  });

  it("Triton tutorial 04 / FlagGems dropout: tl.rand(seed, offsets) is Philox integer work plus a float per value, not an unknown special op", () => {
    // 2,048 fp32 values in 2 programs of 1,024. Per program: tl.rand 1,024 x 16 integer ops and 1,024 fp32 (the uniform
    // float), x / (1 - p) 1,024 fp32 FLOPs: 2 x 2,048 = 4,096 fp32 FLOPs, no special ops; 2,048 x 4 B loaded and stored.
    const a = analyze(`import triton
import triton.language as tl


# @arg x_ptr: *fp32
# @arg out_ptr: *fp32
# @arg n = 2048
# @grid 2
# @config BLOCK=1024
@triton.jit
def _seeded_dropout_kernel(x_ptr, out_ptr, n, p, seed, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    r = tl.rand(seed, offs)
    keep = r > p
    out = tl.where(keep, x / (1 - p), 0.0)
    tl.store(out_ptr + offs, out, mask=mask)
`);
    const t = totals(a, "_seeded_dropout_kernel");
    assert.equal(t.f32, 2 * (1024 + 1024));
    assert.equal(t.special, 0);
    assert.ok(t.model.ops.intOps.value >= 2 * 1024 * 16, String(t.model.ops.intOps.value));
    assert.equal(t.load, 2048 * 4);
    assert.equal(t.store, 2048 * 4);
  });

  it("Liger softmax/dyt/cross_entropy: tl.cast(program_id, tl.int64) and tl.cast(stride, dtype=...), module constexprs (tl.constexpr(...) globals, annotated ones, plain ints), tl.range with num_stages, a cache hint", () => {
    // 10 rows of 512 fp32 values, BLOCK_SIZE = 512 (one trip of the column loop). Per program, fp32 FLOPs: tl.max 511,
    // tl.maximum 1, x * LOG2_E 512, - m 512, y * ROWS 512 = 2,048; special: exp2 512 (mode == _MODE_LLAMA takes the
    // first arm). 512 x 4 B loaded and stored per program. The casts keep the row offsets integer: both accesses are
    // coalesced (a cast read as an element function made them fp32 data and the addresses unknown).
    const a = analyze(`import triton
import triton.language as tl

LOG2_E = tl.constexpr(1.4426950408889634)
_MODE_LLAMA: tl.constexpr = tl.constexpr(1)
ROWS: int = 4


# @arg X_ptr: *fp32
# @arg Y_ptr: *fp32
# @arg n_cols = 512
# @grid 10
# @config BLOCK_SIZE=512, mode=1
@triton.jit
def _online_max_kernel(X_ptr, Y_ptr, x_stride, n_cols, mode: tl.constexpr, BLOCK_SIZE: tl.constexpr):
    pid = tl.cast(tl.program_id(0), tl.int64)
    x_stride = tl.cast(x_stride, dtype=tl.int64)
    X_ptr += pid * x_stride
    Y_ptr += pid * x_stride
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    m = tl.float32(-float("inf"))
    for off in tl.range(0, n_cols, BLOCK_SIZE, num_stages=2):
        x = tl.load(X_ptr + off + cols, mask=mask, other=-float("inf"), eviction_policy="evict_first")
        m = tl.maximum(m, tl.max(x, axis=0))
    if mode == _MODE_LLAMA:
        y = tl.exp2(x * LOG2_E - m)
    else:
        y = x
    tl.store(Y_ptr + cols, y * ROWS, mask=mask)
`);
    const t = totals(a, "_online_max_kernel");
    assert.equal(t.f32, 10 * 2048);
    assert.equal(t.special, 10 * 512);
    assert.equal(t.load, 10 * 512 * 4);
    assert.equal(t.store, 10 * 512 * 4);
    assert.deepEqual(t.model.accesses.map((x) => x.pattern), ["coalesced", "coalesced"]);
  });

  it("unsloth geglu: a libdevice function re-exported by the project under its own name (from .utils import triton_tanh)", () => {
    // 5,000 bf16 values in 5 programs of 1,024. Per element, fp32: 0.5 * e, 0.7978845608 * e, 0.044715 * e, * e,
    // 1.0 + ..., the product inside tanh, + 1.0, the outer product: 8; tanh 1 special; f.to(bf16) * g 1 bf16 FLOP.
    // Per program 1,024 lanes compute: 8 x 1,024 fp32, 1,024 special, 1,024 bf16. Bytes: e and g 5,000 x 2 B each
    // loaded, h 5,000 x 2 B stored.
    const a = analyze(`import triton
import triton.language as tl
from .utils import calculate_settings, triton_tanh


# @arg e_ptr: *bf16
# @arg g_ptr: *bf16
# @arg h_ptr: *bf16
# @arg n_elements = 5000
# @grid 5
# @config BLOCK_SIZE=1024
@triton.jit
def _approx_geglu_kernel(e_ptr, g_ptr, h_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    e = tl.load(e_ptr + offsets, mask=mask, other=0).to(tl.float32)
    g = tl.load(g_ptr + offsets, mask=mask, other=0)
    f = 0.5 * e * (triton_tanh(0.7978845608 * e * (1.0 + 0.044715 * e * e)) + 1.0)
    h = f.to(g.dtype) * g
    tl.store(h_ptr + offsets, h, mask=mask)
`);
    const t = totals(a, "_approx_geglu_kernel");
    assert.equal(t.f32, 5 * 8 * 1024);
    assert.equal(t.special, 5 * 1024);
    assert.equal(t.bf16, 5 * 1024);
    assert.equal(t.load, 2 * 5000 * 2);
    assert.equal(t.store, 5000 * 2);
    assert.ok(t.notes.some((n) => /'triton_tanh' is not imported from triton here: read as libdevice's tanh/.test(n)), t.notes.join("\n"));
  });

  it("FlagGems cat/hstack: untyped input pointers in_ptr_a / in_ptr_b, one chosen per program (in_ptr = in_ptr_a)", () => {
    // Two programs along y: the first copies n_a = 1,000 fp32 values, the second n_b = 600 (pointer types assumed fp32):
    // 1,600 x 4 B loaded and the same stored, no FLOPs.
    const a = analyze(`import triton
import triton.language as tl


# @arg out_ptr: *fp32
# @arg n_a = 1000
# @arg n_b = 600
# @grid 1, 2
# @config BLOCK=1024
@triton.jit
def _concat2_kernel(out_ptr, in_ptr_a, in_ptr_b, n_a, n_b, BLOCK: tl.constexpr):
    pid_y = tl.program_id(1)
    if pid_y == 0:
        in_ptr = in_ptr_a
        n = n_a
        base = 0
    else:
        in_ptr = in_ptr_b
        n = n_b
        base = n_a
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(in_ptr + offs, mask=mask)
    tl.store(out_ptr + base + offs, x, mask=mask)
`);
    const t = totals(a, "_concat2_kernel");
    assert.equal(t.load, (1000 + 600) * 4);
    assert.equal(t.store, (1000 + 600) * 4);
    assert.equal(t.f32, 0);
  });

  it("FlagGems attention: an untyped X whose pointer block is built in parentheses over several lines and loaded only in a helper", () => {
    // 2 programs, each 4 steps of a 128-element block through X (assumed fp32): 2 x 4 x 128 x 4 B = 4,096 B loaded;
    // acc += x is 4 x 128 fp32 FLOPs per program (1,024 in all); 2 x 128 x 4 B stored.
    const a = analyze(`import triton
import triton.language as tl


@triton.jit
def _sum_steps_inner(X_block_ptr, acc, n_steps, STEP: tl.constexpr):
    for _ in range(n_steps):
        x = tl.load(X_block_ptr)
        acc += x
        X_block_ptr += STEP
    return acc


# @arg out_ptr: *fp32
# @grid 2
# @config BLOCK=128, STEP=128
@triton.jit
def _sum_steps_kernel(X, out_ptr, stride_b, BLOCK: tl.constexpr, STEP: tl.constexpr):
    b = tl.program_id(0)
    X_block_ptr = (
        X
        + b.to(tl.int64) * stride_b
        + tl.arange(0, BLOCK)
    )
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    acc = _sum_steps_inner(X_block_ptr, acc, 4, STEP)
    tl.store(out_ptr + b * BLOCK + tl.arange(0, BLOCK), acc)
`);
    const t = totals(a, "_sum_steps_kernel");
    assert.equal(t.load, 2 * 4 * 128 * 4);
    assert.equal(t.f32, 2 * 4 * 128);
    assert.equal(t.store, 2 * 128 * 4);
  });

  it("vLLM/sglang MoE: a jit helper that returns early from both arms of an if/else on a string constexpr", () => {
    // 2 programs of 256 fp32 values; ACT = "silu" takes the else arm's return: x * sigmoid(x) is 256 FLOPs and 256
    // special ops per program; 2 x 256 x 4 B loaded and stored.
    const a = analyze(`import triton
import triton.language as tl


@triton.jit
def _act(x, ACT: tl.constexpr):
    if ACT == "relu":
        return tl.maximum(x, 0.0)
    else:
        return x * tl.sigmoid(x)


# @arg x_ptr: *fp32
# @arg y_ptr: *fp32
# @grid 2
# @config BLOCK=256, ACT="silu"
@triton.jit
def _act_kernel(x_ptr, y_ptr, BLOCK: tl.constexpr, ACT: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    y = _act(tl.load(x_ptr + offs), ACT)
    tl.store(y_ptr + offs, y)
`);
    const t = totals(a, "_act_kernel");
    assert.equal(t.f32, 2 * 256);
    assert.equal(t.special, 2 * 256);
    assert.equal(t.load, 2 * 256 * 4);
    assert.equal(t.store, 2 * 256 * 4);
  });

  it("flash-linear-attention parallel kernels: an untyped `do` passed on to a jit helper that builds its pointer (p_do = do + offs) and loads it", () => {
    // 700 fp32 values (do assumed fp32) in 3 programs of 256: 700 x 4 B loaded and stored; b_do * 2.0 is
    // 3 x 256 = 768 fp32 FLOPs.
    const a = analyze(`import triton
import triton.language as tl


@triton.jit
def _dq_part(i, do, dq, n, BLOCK: tl.constexpr):
    offs = i * BLOCK + tl.arange(0, BLOCK)
    p_do = do + offs
    b_do = tl.load(p_do, mask=offs < n)
    tl.store(dq + offs, b_do * 2.0, mask=offs < n)


# @arg dq: *fp32
# @arg n = 700
# @grid 3
# @config BLOCK=256
@triton.jit
def _bwd_kernel(do, dq, n, BLOCK: tl.constexpr):
    i = tl.program_id(0)
    _dq_part(i, do, dq, n, BLOCK=BLOCK)
`);
    const t = totals(a, "_bwd_kernel");
    assert.equal(t.load, 700 * 4);
    assert.equal(t.store, 700 * 4);
    assert.equal(t.f32, 3 * 256);
  });

  it("Liger mlp.py backward / Triton tutorial 09: descriptors built on the host with TensorDescriptor.from_tensor(x, block_shape=[BLOCK_M, 64])", () => {
    // 4 programs each copy one 32 x 64 fp16 tile: 4 x 32 x 64 x 2 B = 16,384 B loaded and the same stored.
    const a = analyze(`import triton
import triton.language as tl
from triton.tools.tensor_descriptor import TensorDescriptor


# @arg x_desc: *fp16
# @arg y_desc: *fp16
@triton.jit
def _copy_tiles_kernel(x_desc, y_desc, BLOCK_M: tl.constexpr):
    pid = tl.program_id(0)
    y_desc.store([pid * BLOCK_M, 0], x_desc.load([pid * BLOCK_M, 0]))


def copy_tiles(x, y):
    BLOCK_M = 32
    x_desc = TensorDescriptor.from_tensor(x, block_shape=[BLOCK_M, 64])
    y_desc = TensorDescriptor.from_tensor(y, block_shape=[BLOCK_M, 64])
    _copy_tiles_kernel[(4,)](x_desc, y_desc, BLOCK_M=BLOCK_M)
`);
    const t = totals(a, "_copy_tiles_kernel");
    assert.equal(t.load, 4 * 32 * 64 * 2);
    assert.equal(t.store, 4 * 32 * 64 * 2);
    assert.ok(t.notes.some((n) => /'x_desc' is a tensor descriptor made on the host: its block \[32, 64\]/.test(n)), t.notes.join("\n"));
  });
});
