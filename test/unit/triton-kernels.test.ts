// The Triton test kernels of test/fixtures/triton and their hand-derived totals (derivations.md in that folder):
// each launched kernel is analysed once per configuration (a launch's constexprs, each autotune config, a `# @config`
// line), and its model's totals over the whole grid equal the derivation exactly: tensor FLOPs (tl.dot, 2*M*N*K),
// fp32/fp16 FLOPs (an elementwise op costs one per block element, masked lanes included; a reduction of n costs
// n - 1 per row; `a * b + c` costs 2), special ops (exp, exp2, sqrt, sigmoid) and global bytes loaded and stored
// (masked-off lanes and block-pointer lanes outside boundary_check excluded).
//
// Every expected number is written as the arithmetic of derivations.md, so a failure names the term that moved.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Language, Parser } from "web-tree-sitter";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import type { Range } from "../../server/src/core/model/types";
import { analyzeTritonSource, type PythonParser } from "../../server/src/core/triton/analyze";
import type { TritonKernelSummary, TritonSourceAnalysis } from "../../server/src/core/triton/types";
import { findRepoRoot } from "../support/repoRoot";

const dir = join(__dirname, "..", "fixtures", "triton");
const DEVICE_ID = "nvidia-h100-sxm";

let loading: Promise<PythonParser> | undefined;

/** web-tree-sitter with the tree-sitter-python grammar from node_modules, loaded once per process. */
function pythonParser(): Promise<PythonParser> {
  loading ??= (async () => {
    const root = findRepoRoot();
    await Parser.init({ locateFile: () => join(root, "node_modules", "web-tree-sitter", "tree-sitter.wasm") });
    const lang = await Language.load(join(root, "node_modules", "tree-sitter-python", "tree-sitter-python.wasm"));
    const parser = new Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  return loading;
}

let device: DeviceSpec;
const analyses = new Map<string, TritonSourceAnalysis>();

async function analyze(file: string): Promise<TritonSourceAnalysis> {
  let a = analyses.get(file);
  if (!a) {
    const text = readFileSync(join(dir, file), "utf8");
    a = analyzeTritonSource(text, { parser: await pythonParser(), model: { device } });
    analyses.set(file, a);
  }
  return a;
}

/** One analysed (kernel, configuration) and its totals over the whole grid, as derivations.md derives them. */
interface Expected {
  readonly file: string;
  readonly fn: string;
  /** Constexprs the configuration sets (the analysed configuration may list more, e.g. a launch's ACTIVATION). */
  readonly constexprs: Readonly<Record<string, number | string>>;
  readonly numWarps: number;
  readonly configSource: "launch" | "autotune" | "directive";
  readonly grid: readonly [number, number, number];
  readonly tensorFlops: number;
  readonly flopsF32: number;
  readonly flopsF16: number;
  readonly specialOps: number;
  readonly loadBytes: number;
  readonly storeBytes: number;
}

const cdiv = (a: number, b: number): number => Math.ceil(a / b);

/** matmul-autotuned.py: M = N = K = 4096, rows and columns wrap on loads (`% M`), K masked (exact multiple here). */
function autotunedMatmul(bm: number, bn: number, bk: number, numWarps: number): Expected {
  const M = 4096, N = 4096, K = 4096;
  const programs = cdiv(M, bm) * cdiv(N, bn);
  const trips = cdiv(K, bk);
  return {
    file: "matmul-autotuned.py", fn: "matmul_kernel", constexprs: { BLOCK_SIZE_M: bm, BLOCK_SIZE_N: bn, BLOCK_SIZE_K: bk, GROUP_SIZE_M: 8 },
    numWarps, configSource: "autotune", grid: [programs, 1, 1],
    tensorFlops: programs * trips * 2 * bm * bn * bk,
    flopsF32: 0, flopsF16: 0, specialOps: 0,
    // every program reads BLOCK_M full rows of A and BLOCK_N full columns of B over all of K, 2 bytes each
    loadBytes: programs * (bm + bn) * K * 2,
    storeBytes: M * N * 2,
  };
}

/** matmul-configs.py: M = 2100, N = 1200, K = 1000, BLOCK_K = 32; leaky ReLU's 0.01 * x on every tile element. */
function configsMatmul(bm: number, bn: number): Expected {
  const M = 2100, N = 1200, K = 1000, bk = 32;
  const programs = cdiv(M, bm) * cdiv(N, bn);
  const trips = cdiv(K, bk); // 32: the last step has 1000 - 31 * 32 = 8 live columns of A / rows of B
  return {
    file: "matmul-configs.py", fn: "matmul_act_kernel", constexprs: { BLOCK_SIZE_M: bm, BLOCK_SIZE_N: bn, BLOCK_SIZE_K: bk, GROUP_SIZE_M: 8, ACTIVATION: "leaky_relu" },
    numWarps: 4, configSource: "autotune", grid: [programs, 1, 1],
    tensorFlops: programs * trips * 2 * bm * bn * bk,
    flopsF32: programs * bm * bn,
    flopsF16: 0, specialOps: 0,
    // wrapped rows/columns are all read; masked K columns are not: sum over the K steps of live columns = K
    loadBytes: programs * (bm + bn) * K * 2,
    storeBytes: M * N * 2,
  };
}

// attention-fwd.py: Z = 4, H = 16, N_CTX = 2048, HEAD_DIM = 64, BLOCK_M = 128, BLOCK_N = 64
const ATT = { Z: 4, H: 16, N: 2048, D: 64, BM: 128, BN: 64 };
const attPrograms = (ATT.N / ATT.BM) * ATT.Z * ATT.H;
const attTrips = ATT.N / ATT.BN;
const attF32PerIteration =
  ATT.BM * (ATT.BN - 1) + // tl.max(qk, 1)
  ATT.BM + // * qk_scale
  ATT.BM + // tl.maximum(m_i, ...)
  2 * ATT.BM * ATT.BN + // qk * qk_scale - m_ij[:, None]
  ATT.BM * (ATT.BN - 1) + // tl.sum(p, 1)
  ATT.BM + // m_i - m_ij
  2 * ATT.BM + // l_i * alpha + l_ij
  ATT.BM * ATT.D; // acc * alpha[:, None]
const attF32PerProgram =
  ATT.BM + // tl.zeros(...) - inf
  ATT.BM + // tl.zeros(...) + 1.0
  1 + // sm_scale * 1.44269504
  attTrips * attF32PerIteration +
  ATT.BM * ATT.D; // acc / l_i[:, None]

// int4-matmul.py: M = 5, N = K = 4096, GROUP_SIZE = 128, BLOCK_M = 16, BLOCK_N = BLOCK_K = 64
const Q4 = { M: 5, N: 4096, K: 4096, BM: 16, BN: 64, BK: 64 };
const q4Programs = cdiv(Q4.M, Q4.BM) * cdiv(Q4.N, Q4.BN);
const q4Trips = Q4.K / Q4.BK;

// block-ptr-matmul.py: M = 1000, N = 768, K = 1000, 128 x 128 x 64 tiles on an 8 x 6 grid
const BP = { M: 1000, N: 768, K: 1000, BM: 128, BN: 128, BK: 64 };
const bpGrid: [number, number, number] = [cdiv(BP.M, BP.BM), cdiv(BP.N, BP.BN), 1];
const bpTrips = cdiv(BP.K, BP.BK);

const EXPECTED: readonly Expected[] = [
  {
    file: "vector-add.py", fn: "add_kernel", constexprs: { BLOCK_SIZE: 1024 }, numWarps: 4, configSource: "launch",
    grid: [cdiv(98_432, 1024), 1, 1], // 97 programs, the last with 98,432 - 96 * 1024 = 128 live lanes
    tensorFlops: 0,
    flopsF32: 97 * 1024, // x + y on every lane of every block
    flopsF16: 0, specialOps: 0,
    loadBytes: 2 * 98_432 * 4,
    storeBytes: 98_432 * 4,
  },
  {
    file: "fused-softmax.py", fn: "softmax_kernel", constexprs: { BLOCK_SIZE: 1024 }, numWarps: 4, configSource: "launch",
    grid: [1823, 1, 1],
    tensorFlops: 0,
    // per row: tl.max 1023 + subtract 1024 + tl.sum 1023 + divide 1024
    flopsF32: 1823 * (1023 + 1024 + 1023 + 1024),
    flopsF16: 0,
    specialOps: 1823 * 1024, // tl.exp on every lane
    loadBytes: 1823 * 781 * 4,
    storeBytes: 1823 * 781 * 4,
  },
  {
    file: "layernorm-fwd.py", fn: "layer_norm_fwd_kernel", constexprs: { BLOCK_SIZE: 1024 }, numWarps: 4, configSource: "launch",
    grid: [1151, 1, 1],
    tensorFlops: 0,
    // per row, 5 trips per loop: mean 5*1024 + (1023 + 1); variance 5*(1024 + 2*1024) + (1023 + 1); var + eps, 1 / sqrt: 2;
    // normalise 5*(2*1024 + 2*1024)
    flopsF32: 1151 * (5 * 1024 + 1024 + 5 * 3 * 1024 + 1024 + 2 + 5 * 4 * 1024),
    flopsF16: 0,
    specialOps: 1151, // one tl.sqrt per row
    // X read in each of the three passes, W and B once: 5 x 5000 fp16 values per row
    loadBytes: 1151 * 5 * 5000 * 2,
    // Y (5000 fp16 values), Mean and Rstd (one fp32 each) per row
    storeBytes: 1151 * (5000 * 2 + 4 + 4),
  },
  autotunedMatmul(128, 256, 64, 8),
  autotunedMatmul(64, 256, 32, 4),
  autotunedMatmul(128, 128, 32, 4),
  configsMatmul(64, 64),
  configsMatmul(64, 128),
  configsMatmul(128, 64),
  configsMatmul(128, 128),
  {
    file: "attention-fwd.py", fn: "attn_fwd_kernel", constexprs: { HEAD_DIM: ATT.D, BLOCK_M: ATT.BM, BLOCK_N: ATT.BN }, numWarps: 4, configSource: "launch",
    grid: [ATT.N / ATT.BM, ATT.Z * ATT.H, 1],
    tensorFlops: attPrograms * attTrips * 2 * (2 * ATT.BM * ATT.BN * ATT.D), // q @ kt and p @ v
    flopsF32: attPrograms * attF32PerProgram,
    flopsF16: 0,
    specialOps: attPrograms * attTrips * (ATT.BM * ATT.BN + ATT.BM), // exp2(qk), exp2(m_i - m_ij)
    // Q block once, then a K^T and a V block per trip, all fp16 and unmasked
    loadBytes: attPrograms * (ATT.BM * ATT.D * 2 + attTrips * 2 * ATT.BN * ATT.D * 2),
    storeBytes: ATT.Z * ATT.H * ATT.N * ATT.D * 2,
  },
  {
    file: "int4-matmul.py", fn: "int4_matmul_kernel", constexprs: { GROUP_SIZE: 128, BLOCK_M: Q4.BM, BLOCK_N: Q4.BN, BLOCK_K: Q4.BK }, numWarps: 4, configSource: "launch",
    grid: [cdiv(Q4.M, Q4.BM), cdiv(Q4.N, Q4.BN), 1],
    tensorFlops: q4Programs * q4Trips * 2 * Q4.BM * Q4.BN * Q4.BK,
    flopsF32: 0,
    flopsF16: q4Programs * q4Trips * Q4.BK * Q4.BN, // (w - 8).to(fp16) * scale on the [BLOCK_K, BLOCK_N] tile
    specialOps: 0,
    // per trip: A rows 0..4 only (5 x 64 fp16), the packed words as requested ([64, 64] lanes x 4 B, each word 8 times),
    // one row of 64 fp16 scales
    loadBytes: q4Programs * q4Trips * (Q4.M * Q4.BK * 2 + Q4.BK * Q4.BN * 4 + Q4.BN * 2),
    storeBytes: Q4.M * Q4.N * 2,
  },
  {
    file: "block-ptr-matmul.py", fn: "matmul_block_ptr_kernel", constexprs: { BLOCK_M: BP.BM, BLOCK_N: BP.BN, BLOCK_K: BP.BK }, numWarps: 4, configSource: "launch",
    grid: bpGrid,
    tensorFlops: bpGrid[0] * bpGrid[1] * bpTrips * 2 * BP.BM * BP.BN * BP.BK,
    flopsF32: bpGrid[0] * bpGrid[1] * bpTrips * BP.BM * BP.BN, // acc += tl.dot(a, b)
    flopsF16: 0, specialOps: 0,
    // boundary_check: each A element is read once per column of programs (6), each B element once per row (8)
    loadBytes: bpGrid[1] * BP.M * BP.K * 2 + bpGrid[0] * BP.K * BP.N * 2,
    storeBytes: BP.M * BP.N * 2,
  },
  {
    file: "swiglu-directives.py", fn: "swiglu_fwd_kernel", constexprs: { BLOCK_SIZE: 1024 }, numWarps: 4, configSource: "directive",
    grid: [cdiv(4_000_000, 1024), 1, 1], // 3,907 programs, the last with 4,000,000 - 3906 * 1024 = 256 live lanes
    tensorFlops: 0,
    flopsF32: 3907 * 1024, // a * sigmoid(a)
    flopsF16: 3907 * 1024, // silu(a).to(fp16) * b
    specialOps: 3907 * 1024, // tl.sigmoid
    loadBytes: 2 * 4_000_000 * 2,
    storeBytes: 4_000_000 * 2,
  },
];

/** The analysed kernel of `e`'s function whose configuration sets e's constexprs and num_warps. */
function summaryOf(a: TritonSourceAnalysis, e: Expected): TritonKernelSummary {
  const found = a.kernels.filter(
    (k) =>
      k.function === e.fn &&
      k.config.numWarps === e.numWarps &&
      Object.entries(e.constexprs).every(([name, value]) => k.config.constexprs.some((c) => c.name === name && c.value === value)),
  );
  assert.equal(found.length, 1, `${e.file}: one analysed ${e.fn} with ${JSON.stringify(e.constexprs)} num_warps=${e.numWarps}; kernels: ${a.kernels.map((k) => k.name).join(", ")}`);
  return found[0];
}

function exact(r: Range, expected: number, what: string): void {
  assert.deepEqual({ value: r.value, min: r.min, max: r.max }, { value: expected, min: expected, max: expected }, what);
}

describe("Triton fixtures: hand-derived totals", () => {
  before(async () => {
    device = findDevice(DEVICE_ID)!;
    assert.ok(device, DEVICE_ID);
    await pythonParser();
  });

  it("covers every .py file of test/fixtures/triton (plain.py has no kernels)", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".py")).sort();
    const covered = new Set([...EXPECTED.map((e) => e.file), "plain.py"]);
    assert.deepEqual(files, [...covered].sort());
  });

  it("derivations.md derives every file", () => {
    const doc = readFileSync(join(dir, "derivations.md"), "utf8");
    for (const f of new Set(EXPECTED.map((e) => e.file))) assert.ok(doc.includes(`## ${f}`), `a section for ${f}`);
  });

  it("the closed forms match the worked numbers of derivations.md", () => {
    // The arithmetic above, evaluated, against the totals written out by hand in derivations.md.
    const byFile = (f: string, bm?: number, bn?: number): Expected =>
      EXPECTED.find((e) => e.file === f && (bm === undefined || (e.constexprs.BLOCK_SIZE_M === bm && e.constexprs.BLOCK_SIZE_N === bn)))!;
    assert.equal(byFile("vector-add.py").loadBytes + byFile("vector-add.py").storeBytes, 1_181_184);
    assert.equal(byFile("fused-softmax.py").flopsF32, 7_463_362);
    assert.equal(byFile("layernorm-fwd.py").flopsF32, 49_504_510);
    assert.equal(byFile("attention-fwd.py").flopsF32, 1_363_411_968);
    assert.equal(byFile("attention-fwd.py").tensorFlops, 4 * 4 * 16 * 2048 * 2048 * 64);
    assert.equal(byFile("int4-matmul.py").loadBytes, 70_254_592);
    assert.equal(byFile("matmul-configs.py", 64, 64).tensorFlops, 5_259_657_216);
    assert.equal(byFile("matmul-configs.py", 128, 128).loadBytes, 87_040_000);
    assert.equal(byFile("block-ptr-matmul.py").loadBytes, 24_288_000);
    for (const [bm, bn] of [[128, 256], [64, 256], [128, 128]]) assert.equal(byFile("matmul-autotuned.py", bm, bn).tensorFlops, 2 * 4096 ** 3);
  });

  for (const e of EXPECTED) {
    const label = `${e.file}: ${e.fn} ${Object.entries(e.constexprs).map(([k, v]) => `${k}=${v}`).join(" ")} w${e.numWarps}`;
    it(`${label}: configuration, grid and threads`, async () => {
      const a = await analyze(e.file);
      assert.equal(a.importsTriton, true);
      const k = summaryOf(a, e);
      assert.equal(k.config.source, e.configSource);
      assert.equal(k.launch.source, e.configSource === "directive" ? "directive" : "code");
      assert.deepEqual(k.launch.grid, e.grid);
      const m = a.models.get(k.name)?.model;
      assert.ok(m, `a model for ${k.name}`);
      assert.ok(m.workgroupSize, "a program size");
      assert.equal(m.workgroupSize[0] * m.workgroupSize[1] * m.workgroupSize[2], e.numWarps * 32, "a program is num_warps x 32 threads");
      assert.deepEqual(m.dispatch, e.grid);
      assert.equal(m.invocations, e.grid[0] * e.grid[1] * e.grid[2] * e.numWarps * 32);
    });

    it(`${label}: FLOPs, special ops and global bytes over the grid`, async () => {
      const a = await analyze(e.file);
      const k = summaryOf(a, e);
      const m = a.models.get(k.name)!.model;
      exact(m.ops.tensorFlops, e.tensorFlops, "tensor FLOPs");
      exact(m.ops.flopsF32, e.flopsF32, "fp32 FLOPs");
      exact(m.ops.flopsF16, e.flopsF16, "fp16 FLOPs");
      exact(m.ops.flopsBF16, 0, "bf16 FLOPs");
      exact(m.ops.specialOps, e.specialOps, "special ops");
      exact(m.ops.globalLoadBytes, e.loadBytes, "global load bytes");
      exact(m.ops.globalStoreBytes, e.storeBytes, "global store bytes");
    });
  }

  it("analyses each autotuned kernel once per config, and no helper as a kernel", async () => {
    assert.equal((await analyze("matmul-autotuned.py")).kernels.filter((k) => k.function === "matmul_kernel").length, 3);
    const configs = await analyze("matmul-configs.py");
    assert.equal(configs.kernels.filter((k) => k.function === "matmul_act_kernel").length, 4, "the list comprehension's 2 x 2 configs");
    assert.ok(!configs.kernels.some((k) => k.function === "leaky_relu"), "leaky_relu is a helper, not a launched kernel");
    assert.ok(!(await analyze("swiglu-directives.py")).kernels.some((k) => k.function === "silu"), "silu is a helper");
  });

  it("finds nothing in a file that does not import triton", async () => {
    const a = await analyze("plain.py");
    assert.equal(a.importsTriton, false);
    assert.deepEqual(a.kernels, []);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.models.size, 0);
  });
});
