// The CUDA test kernels of test/fixtures/cuda (issue 14) and their hand-derived table (expectations.ts):
// - every .cu file in the folder is in the table and every table entry names a file, a launch and a kernel it has;
// - the table is self-consistent: threads = grid x block, barrier totals = per-thread x threads, static shared memory
//   agrees with ptxas on every recorded architecture, the mangled names carry the template arguments, and the
//   numbers of each entry appear in its file's header derivation;
// - the derivations recompute from the problem sizes. The SGEMM ladder's FLOP convention: every output is K fused
//   multiply-adds (2 FLOPs each) plus alpha * acc + beta * c (2 multiplies and 1 add), so each version does exactly
//   2 M N K + 3 M N f32 FLOPs, and its compulsory bytes are A, B and C read once (beta != 0) and C written once;
// - the published ladder (published.ts) names a device of the database and maps each of its versions 1-10 to the
//   fixture with the same launch shape and template arguments;
// - when nvcc is on PATH, compiling each file for sm_80 (`nvcc -arch=sm_80 -cubin -Xptxas -v`, run through
//   execFile with an argument list and a timeout, never a shell, two at a time) still makes ptxas report exactly the
//   table's registers, barriers, static shared memory, stack frame and spills for exactly the table's entry points.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { findDevice } from "../../server/src/core/devices/database";
import type { CudaKernelExpectation, PtxasReport } from "../fixtures/cuda/expectations";
import { cudaExpectations, NVCC_VERSION, PTXAS_ARCHS, SGEMM } from "../fixtures/cuda/expectations";
import { publishedSeconds, SIBOEHM_SGEMM_A6000 } from "../fixtures/cuda/published";

const dir = join(__dirname, "..", "fixtures", "cuda");
const source = (file: string): string => readFileSync(join(dir, file), "utf8");
const product = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);
const entriesOf = (file: string): CudaKernelExpectation[] => cudaExpectations.filter((e) => e.file === file);
const only = (file: string, templateArgs?: readonly number[]): CudaKernelExpectation => {
  const found = entriesOf(file).filter((e) => JSON.stringify(e.templateArgs) === JSON.stringify(templateArgs));
  assert.equal(found.length, 1, `${file} ${JSON.stringify(templateArgs)}`);
  return found[0];
};

/** The leading comment block of a .cu file (its hand derivation). */
function header(text: string): string {
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("//")) break;
    lines.push(line);
  }
  return lines.join("\n");
}

describe("CUDA fixtures: table and files", () => {
  it("has every .cu file of test/fixtures/cuda in the table, and only those", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".cu")).sort();
    const inTable = [...new Set(cudaExpectations.map((e) => e.file))].sort();
    assert.deepEqual(inTable, files);
    assert.ok(files.length >= 12, `${files.length} files`);
  });

  it("names each launched kernel once, by a mangled name ptxas would print", () => {
    const mangled = cudaExpectations.map((e) => e.mangled);
    assert.equal(new Set(mangled).size, mangled.length, "mangled names are unique");
    for (const e of cudaExpectations) {
      assert.ok(e.mangled.startsWith(`_Z${e.kernel.length}${e.kernel}`), `${e.file}: ${e.mangled} is ${e.kernel}`);
      if (e.templateArgs) {
        assert.ok(e.mangled.includes(`I${e.templateArgs.map((a) => `Li${a}E`).join("")}E`), `${e.mangled} carries <${e.templateArgs.join(", ")}>`);
      } else {
        assert.notEqual(e.mangled[`_Z${e.kernel.length}${e.kernel}`.length], "I", `${e.mangled} is not a template instance`);
      }
    }
  });

  for (const e of cudaExpectations) {
    const label = `${e.file}: ${e.kernel}${e.templateArgs ? `<${e.templateArgs.join(", ")}>` : ""}`;
    it(`${label} is launched and declared in its file, with a consistent launch`, () => {
      const text = source(e.file);
      assert.ok(text.includes(e.launch), `the launch statement is in the file: ${e.launch}`);
      assert.ok(e.launch.startsWith(`${e.kernel}<`), e.launch);
      assert.match(text, new RegExp(`__global__[^;{]*\\b${e.kernel}\\s*\\(`), "declared __global__");
      assert.equal(e.threads, product(e.grid) * product(e.block), "threads = grid x block");
      assert.ok(product(e.block) <= 1024 && product(e.block) % 32 === 0, "a whole number of warps, at most 1,024 threads");
      assert.equal(e.syncthreadsTotal, e.syncthreadsPerThread * e.threads, "barrier total = per thread x threads");
      assert.equal(e.syncthreadsPerThread === 0, !text.includes("__syncthreads()"), "__syncthreads iff the file has one");
      assert.ok(e.staticSharedBytes + e.dynamicSharedBytes <= 227 * 1024, "fits an sm_90 block");
      if (e.dynamicSharedBytes > 48 * 1024) {
        assert.match(text, /cudaFuncAttributeMaxDynamicSharedMemorySize/, "more than 48 KiB of dynamic shared memory needs the opt-in");
      }
      if (e.dynamicSharedBytes > 0) assert.match(text, /extern __shared__/);
      for (const arch of PTXAS_ARCHS) {
        assert.equal(e.ptxas[arch].smem, e.staticSharedBytes, `${arch}: ptxas smem = the static __shared__ arrays`);
        assert.equal(e.ptxas[arch].barriers > 0, e.syncthreadsPerThread > 0, `${arch}: a barrier resource iff __syncthreads`);
      }
      assert.ok(Object.values(e.flops).every((f) => Number.isSafeInteger(f) && f >= 0));
    });

    it(`${label}: its numbers are the ones derived in the file's header`, () => {
      const h = header(source(e.file));
      const numbers = [
        e.threads,
        e.flops.f32,
        e.flops.f16,
        e.flops.bf16,
        e.specialOps,
        e.compulsoryBytes.read,
        e.compulsoryBytes.written,
        e.staticSharedBytes,
        e.dynamicSharedBytes,
        e.syncthreadsTotal,
      ];
      for (const n of numbers.filter((x) => x >= 1000)) {
        assert.ok(h.includes(n.toLocaleString("en-US")), `${n.toLocaleString("en-US")} is derived in the header of ${e.file}`);
      }
    });
  }
});

describe("CUDA fixtures: derivations recompute from the problem sizes", () => {
  const { M, N, K } = SGEMM;
  const sgemm = cudaExpectations.filter((e) => e.file.startsWith("sgemm-"));

  it("SGEMM ladder: ten versions, each 2 M N K + 3 M N f32 FLOPs and A + B + C read, C written", () => {
    assert.equal(sgemm.length, 10);
    assert.equal(2 * M * N * K + 3 * M * N, 137_489_285_120);
    for (const e of sgemm) {
      assert.deepEqual(e.flops, { f32: 2 * M * N * K + 3 * M * N, f16: 0, bf16: 0 }, e.file);
      assert.equal(e.specialOps, 0, e.file);
      assert.deepEqual(e.compulsoryBytes, { read: 4 * (M * K + K * N + M * N), written: 4 * M * N }, e.file);
      // Every thread owns the same number of outputs, and the outputs tile C exactly.
      assert.equal((M * N) % e.threads, 0, e.file);
      const perThread = (M * N) / e.threads;
      assert.equal(e.threads * perThread * (2 * K + 3), e.flops.f32, `${e.file}: ${perThread} outputs x (2 K + 3) per thread`);
    }
  });

  it("SGEMM ladder: tile sizes, shared memory and barriers follow from the template arguments", () => {
    // Versions 4-9 take <BM, BN, BK, TM[, TN]>; version 8 pads each row of its B tile by 5 floats.
    const bPad = (e: CudaKernelExpectation): number => (e.file === "sgemm-8-padded-bs.cu" ? 5 : 0);
    const blocktiled = sgemm.filter((s) => s.templateArgs && (s.templateArgs.length === 4 || s.templateArgs.length === 5));
    assert.equal(blocktiled.length, 6);
    for (const e of blocktiled) {
      const [BM, BN, BK, TM, TN = 1] = e.templateArgs ?? [];
      assert.deepEqual(e.grid, [N / BN, M / BM, 1], e.file);
      assert.deepEqual(e.block, [(BM * BN) / (TM * TN), 1, 1], e.file);
      assert.equal(e.staticSharedBytes, 4 * (BM * BK + BK * (BN + bPad(e))), e.file);
      assert.equal(e.syncthreadsPerThread, 2 * (K / BK), e.file);
    }
    // Warptiling: <BM, BN, BK, WM, WN, WNITER, TM, TN, NUM_THREADS>; one WM x WN tile per warp, WMITER x WNITER
    // sub-tiles that the 32 lanes cover once each.
    const wt = only("sgemm-10-warptiling.cu", [128, 128, 16, 64, 64, 4, 8, 4, 128]);
    const [BM, BN, BK, WM, WN, WNITER, TM, TN, THREADS] = wt.templateArgs ?? [];
    const WMITER = (WM * WN) / (32 * TM * TN * WNITER);
    assert.equal(WMITER, 1);
    assert.equal((BM / WM) * (BN / WN), THREADS / 32, "one warp tile per warp");
    assert.equal((WM / WMITER / TM) * (WN / WNITER / TN), 32, "the lanes cover a sub-tile once");
    assert.deepEqual([wt.grid, wt.block], [[N / BN, M / BM, 1], [THREADS, 1, 1]]);
    assert.equal((M * N) / wt.threads, WMITER * TM * WNITER * TN, "outputs per thread");
    assert.equal(wt.staticSharedBytes, 4 * (BM * BK + BK * BN));
    assert.equal(wt.syncthreadsPerThread, 2 * (K / BK));
    const tiled = only("sgemm-3-smem-tiling.cu", [32]);
    assert.equal(tiled.staticSharedBytes, 2 * 32 * 32 * 4);
    assert.equal(tiled.syncthreadsPerThread, 2 * (K / 32));
    for (const e of [only("sgemm-1-naive.cu"), only("sgemm-2-coalesced.cu", [32])]) {
      assert.deepEqual([e.grid[0], e.grid[1]], [M / 32, N / 32]);
      assert.equal(e.staticSharedBytes + e.syncthreadsPerThread, 0);
    }
  });

  it("transpose: no FLOPs, the matrix read and written once, 32 x (32 + PAD) floats of shared memory", () => {
    for (const pad of [0, 1]) {
      const e = only("transpose-smem.cu", [pad]);
      assert.deepEqual(e.flops, { f32: 0, f16: 0, bf16: 0 });
      assert.deepEqual(e.compulsoryBytes, { read: 4 * 4096 * 4096, written: 4 * 4096 * 4096 });
      assert.equal(e.staticSharedBytes, 4 * 32 * (32 + pad));
      assert.equal(e.threads * 4, 4096 * 4096, "4 elements per thread");
    }
  });

  it("reduction: N adds, a 5-step shuffle tree on every thread and in warp 0, one atomic add per block", () => {
    const e = only("reduce-sum-shfl.cu");
    const n = 1 << 24;
    const blocks = e.grid[0];
    assert.equal(n % e.threads, 0, "whole grid-stride trips");
    assert.equal(e.flops.f32, n + 5 * e.threads + 5 * 32 * blocks + blocks);
    assert.deepEqual(e.compulsoryBytes, { read: 4 * n + 4, written: 4 });
    assert.equal(e.staticSharedBytes, 4 * (e.block[0] / 32));
  });

  it("LayerNorm: 8 C + 2 x 160 + 32 + 64 f32 FLOPs and 32 rsqrtf per row, one warp per row", () => {
    const e = only("layernorm-bf16.cu");
    const rows = 4 * 1024;
    const C = 768;
    assert.equal(e.threads / 32, rows);
    assert.equal(e.flops.f32, rows * (C + 160 + 32 + 3 * C + 160 + 64 + 4 * C));
    assert.equal(e.specialOps, rows * 32);
    assert.deepEqual(e.compulsoryBytes, { read: 2 * rows * C + 2 * 2 * C, written: 2 * rows * C + 2 * 4 * rows });
  });

  it("GELU: 8 FLOPs and one tanh per element, in f32 (llm.c style) or in bf16x2", () => {
    const ne = 4 * 1024 * 4 * 768;
    const [scalar, packed] = ["gelu_forward_bf16", "gelu_forward_bf16x2"].map((k) => {
      const found = cudaExpectations.filter((e) => e.kernel === k);
      assert.equal(found.length, 1, k);
      return found[0];
    });
    assert.deepEqual(scalar.flops, { f32: 8 * ne, f16: 0, bf16: 0 });
    assert.deepEqual(packed.flops, { f32: 0, f16: 0, bf16: 8 * ne });
    for (const e of [scalar, packed]) {
      assert.equal(e.specialOps, ne);
      assert.deepEqual(e.compulsoryBytes, { read: 2 * ne, written: 2 * ne });
    }
    assert.equal(scalar.threads * 8, ne, "8 elements per thread");
    assert.equal(packed.threads * 2, ne, "one pair per thread");
  });

  it("q4_0 GEMV: 4 f16 + 4 f32 FLOPs per byte of quants, a 160-add butterfly per row, 18-byte blocks", () => {
    const e = only("q4_0-gemv.cu");
    const rows = 4096;
    const k = 4096;
    const quantBytesPerRow = (k / 32) * 16;
    assert.equal(e.threads / 32, rows, "one warp per row");
    assert.equal(e.flops.f16, rows * quantBytesPerRow * 4);
    assert.equal(e.flops.f32, rows * (quantBytesPerRow * 4 + 160));
    assert.deepEqual(e.compulsoryBytes, { read: rows * (k / 32) * 18 + 4 * k, written: 4 * rows });
  });

  it("softmax: 4 C + (2 W + 9) B f32 FLOPs and C expf per row, the row in dynamic shared memory", () => {
    for (const [block, rows, cols] of [
      [256, 4096, 1024],
      [1024, 1024, 16384],
    ]) {
      const e = only("softmax-dynamic-smem.cu", [block]);
      const warps = block / 32;
      assert.deepEqual([e.grid[0], e.block[0]], [rows, block]);
      assert.equal(e.flops.f32, rows * (4 * cols + (2 * warps + 9) * block));
      assert.equal(e.specialOps, rows * cols);
      assert.equal(e.dynamicSharedBytes, 4 * cols);
      assert.equal(e.staticSharedBytes, 4 * warps);
      assert.equal(e.syncthreadsPerThread, 4);
      assert.deepEqual(e.compulsoryBytes, { read: 4 * rows * cols, written: 4 * rows * cols });
    }
  });
});

describe("CUDA fixtures: the published SGEMM ladder", () => {
  const ladder = SIBOEHM_SGEMM_A6000;

  it("names a device of the database, the problem of the fixtures and where its figures were published", () => {
    assert.equal(findDevice(ladder.deviceId)?.id, ladder.deviceId);
    assert.deepEqual([ladder.M, ladder.N, ladder.K], [SGEMM.M, SGEMM.N, SGEMM.K]);
    assert.equal(ladder.creditedFlops, 2 * SGEMM.M * SGEMM.N * SGEMM.K);
    assert.match(ladder.source, /https:\/\/github\.com\/siboehm\/SGEMM_CUDA\/blob\/[0-9a-f]{40}\/README\.md/);
    // 309 GFLOP/s for the naive kernel is 0.445 s per launch.
    assert.ok(Math.abs(publishedSeconds(ladder, 309.0) - 0.4448) < 1e-3);
  });

  it("maps versions 1-10 to the sgemm fixtures with the same block size and template arguments", () => {
    const mapped = ladder.versions.filter((v) => v.file !== null);
    assert.deepEqual(
      mapped.map((v) => v.kernel),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.deepEqual(mapped.map((v) => v.file).sort(), cudaExpectations.filter((e) => e.file.startsWith("sgemm-")).map((e) => e.file).sort());
    for (const v of mapped) {
      const e = only(v.file ?? "", v.config?.templateArgs);
      assert.equal(product(e.block), v.config?.threadsPerBlock, v.label);
    }
    // Each step of the mapped ladder was published faster than the one before, except the two bank-conflict variants
    // of step 6 (7 and 8), which the author measured slower than 6 on the A6000 (but faster than 5).
    const byThroughput = [...mapped].sort((a, b) => a.publishedGflops - b.publishedGflops).map((v) => v.kernel);
    assert.deepEqual(byThroughput, [1, 2, 3, 4, 5, 7, 8, 6, 9, 10]);
    for (const v of ladder.versions) assert.ok(v.publishedGflops > 0 && v.publishedGflops < 38_700, `${v.label} below the A6000's FP32 peak`);
  });
});

// ---- ptxas, when nvcc is available ----

function nvccVersion(): string | undefined {
  try {
    return execFileSync("nvcc", ["--version"], { encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] });
  } catch {
    return undefined;
  }
}

/** Per entry point: the "Function properties" and "Used ..." lines of `-Xptxas -v` output. */
function parsePtxas(text: string): Map<string, PtxasReport> {
  const reports = new Map<string, PtxasReport>();
  const stack = new Map<string, { stackFrame: number; spillStores: number; spillLoads: number }>();
  let entry: string | undefined;
  let properties: string | undefined;
  for (const line of text.split("\n")) {
    let m = /Compiling entry function '([^']+)' for '(sm_\w+)'/.exec(line);
    if (m) {
      entry = m[1];
      continue;
    }
    m = /Function properties for (\S+)/.exec(line);
    if (m) {
      properties = m[1];
      continue;
    }
    m = /(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads/.exec(line);
    if (m && properties) {
      stack.set(properties, { stackFrame: Number(m[1]), spillStores: Number(m[2]), spillLoads: Number(m[3]) });
      continue;
    }
    m = /Used (\d+) registers, used (\d+) barriers(.*)/.exec(line);
    if (m && entry) {
      const smem = /(\d+) bytes smem/.exec(m[3]);
      const s = stack.get(entry) ?? { stackFrame: NaN, spillStores: NaN, spillLoads: NaN };
      reports.set(entry, { registers: Number(m[1]), barriers: Number(m[2]), smem: smem ? Number(smem[1]) : 0, ...s });
    }
  }
  return reports;
}

describe("CUDA fixtures: ptxas still reports the table's numbers (sm_80)", () => {
  const version = nvccVersion();
  const skip = version === undefined ? "nvcc is not on PATH: the ptxas numbers of test/fixtures/cuda were not rechecked" : false;
  const work = mkdtempSync(join(tmpdir(), "kl-cuda-fixtures-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("compiles every fixture for sm_80 and finds exactly the recorded entry points and resources", { skip, timeout: 120_000 }, async () => {
    const run = promisify(execFile);
    const files = [...new Set(cudaExpectations.map((e) => e.file))].sort();
    const outputs = new Map<string, string>();
    // Two compilations at a time (the CI machines have 2 cores); each is ~0.5-1 s.
    const queue = [...files];
    const worker = async (): Promise<void> => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        const cubin = join(work, `${file}.cubin`);
        const { stdout, stderr } = await run("nvcc", ["-arch=sm_80", "-cubin", "-Xptxas", "-v", "-o", cubin, join(dir, file)], {
          timeout: 60_000,
          maxBuffer: 4 * 1024 * 1024,
        });
        assert.ok(existsSync(cubin), `${file}: no cubin`);
        outputs.set(file, `${stdout}\n${stderr}`);
      }
    };
    await Promise.all([worker(), worker()]);

    const recorded = `recorded with "${NVCC_VERSION}"; this nvcc says "${version?.trim().split("\n").find((l) => l.includes("release")) ?? "?"}"`;
    for (const file of files) {
      const reports = parsePtxas(outputs.get(file) ?? "");
      assert.deepEqual([...reports.keys()].sort(), entriesOf(file).map((e) => e.mangled).sort(), `${file}: entry points (${recorded})`);
      for (const e of entriesOf(file)) {
        assert.deepEqual(reports.get(e.mangled), e.ptxas.sm_80, `${file}: ${e.mangled} on sm_80 (${recorded})`);
      }
    }
  });

  it("parses ptxas lines with and without the optional fields", () => {
    const text = [
      "ptxas info    : 0 bytes gmem",
      "ptxas info    : Function properties for _Z6helperf",
      "    8 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads",
      "ptxas info    : Compiling entry function '_Z1kv' for 'sm_90'",
      "ptxas info    : Function properties for _Z1kv",
      "    16 bytes stack frame, 12 bytes spill stores, 8 bytes spill loads",
      "ptxas info    : Used 255 registers, used 1 barriers, 16 bytes cumulative stack size, 49152 bytes smem",
      "ptxas info    : Compiling entry function '_Z1jv' for 'sm_80'",
      "ptxas info    : Function properties for _Z1jv",
      "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads",
      "ptxas info    : Used 8 registers, used 0 barriers, 352 bytes cmem[0]",
    ].join("\n");
    const r = parsePtxas(text);
    assert.deepEqual([...r.keys()], ["_Z1kv", "_Z1jv"], "a non-inlined device function has no Used line and is not an entry");
    assert.deepEqual(r.get("_Z1kv"), { registers: 255, barriers: 1, smem: 49152, stackFrame: 16, spillStores: 12, spillLoads: 8 });
    assert.deepEqual(r.get("_Z1jv"), { registers: 8, barriers: 0, smem: 0, stackFrame: 0, spillStores: 0, spillLoads: 0 });
  });
});
