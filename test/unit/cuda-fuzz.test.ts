// The CUDA front-end at fuzz scale (issue 14: "truncated, mutated and half-typed files in the language, thousands of
// them"): over 3,000 seeded files built from every CUDA fixture (prefixes as the file is typed, random mutations,
// half-typed constructs inserted anywhere, CUDA token soup) are analysed, every other one with the cost model too (a
// small work budget, as the editor's keystroke budget would). None may throw, each must finish within a per-file bound (a hang or a
// super-linear blow-up shows here), every span must stay inside its text, every count must be a finite number, and
// the process's memory must not keep growing once warm (the parser's WebAssembly trees are freed).
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { analyzeCudaSource, type CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import { analyzeCuda, cudaParser } from "../support/cudaParser";
import { mulberry32 } from "../support/random";
import { findRepoRoot } from "../support/repoRoot";

const dir = join(findRepoRoot(), "test", "fixtures", "cuda");
const FIXTURES = readdirSync(dir).filter((f) => f.endsWith(".cu")).sort().map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") }));

/** One file's analysis may take this long at most (generous: the machine is shared); a hang takes forever. */
const PER_FILE_MS = 4000;
/** The editor's budget per kernel is time; here a step budget keeps the run reproducible and cheap. */
const OPTIONS = { model: { budget: { steps: 20_000 } } } as never;

/** Complete CUDA constructs in the idioms of real kernels; a half-typed file holds a prefix of one. */
const CONSTRUCTS = [
  "__syncthreads();",
  "float4 v = reinterpret_cast<const float4*>(&A[row * K + col])[0];",
  "for (int k = 0; k < K; k += TILE) {",
  "kernel<<<dim3(CEIL_DIV(n, 256), m), 256, smem_bytes, stream>>>(x, y, n);",
  "template <typename T, int BLOCK = 256>",
  "__global__ void __launch_bounds__(256, 2) rms_norm(const half* __restrict__ x, half* __restrict__ y, int n) {",
  "#pragma unroll 4\n",
  'asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};" : "=f"(c0) : "r"(a0));',
  "wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> a_frag;",
  "#if __CUDA_ARCH__ >= 800\n",
  "extern __shared__ __align__(16) unsigned char smem[];",
  "cg::thread_block_tile<32> tile = cg::tiled_partition<32>(cg::this_thread_block());",
  "for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffff, v, offset);",
  "if (threadIdx.x % 32 == 0) atomicAdd(&out[blockIdx.x], v);",
  "const __nv_bfloat162 h2 = __floats2bfloat162_rn(a, b);",
  "// @grid 1024, 1\n",
  "// @block 256\n",
  "// @arg n = 1 << 20\n",
  "#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))\n",
  "struct __align__(16) Pack { float x, y, z, w; };",
  "__device__ __forceinline__ float warp_sum(float v) { for (int o = 16; o; o >>= 1) v += __shfl_xor_sync(~0u, v, o); return v; }",
  "if (tid < s) { sdata[tid] += sdata[tid + s]; } __syncthreads();",
  "auto twice = [=] __device__ (int i) { return i * 2; };",
  'static_assert(BLOCK % 32 == 0, "block must be whole warps");',
  "constexpr int TILE = 32;",
  "using scalar_t = float;",
  "switch (threadIdx.x & 3) { case 0: v = 0.f; break; default: break; }",
  "do { n >>= 1; } while (n > 0);",
  "const int i = blockIdx.x * blockDim.x + threadIdx.x; if (i >= n) return;",
  "for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) y[i] = a * x[i] + y[i];",
  "const block_q4_0* b = &vx[ib]; const float d = __half2float(b->d); const int q = b->qs[j] & 0xF;",
  "__shared__ float tile[TILE][TILE + 1];",
  "unsigned mask = __ballot_sync(0xffffffff, i < n);",
  "template __global__ void reduce<256>(const float*, float*, int);",
  "cudaMalloc(&d_x, n * sizeof(float));",
  "namespace cg = cooperative_groups;",
  "#include \"common.cuh\"\n",
  "int main() { float* x; kernel<<<1, 32>>>(x, 32); return 0; }",
];

/** Tokens of CUDA C++ for the soup. */
const TOKENS = [
  "__global__", "__device__", "__host__", "__shared__", "__constant__", "__restrict__", "__forceinline__", "__launch_bounds__",
  "template", "typename", "struct", "class", "namespace", "using", "constexpr", "const", "static", "extern", "inline",
  "void", "int", "unsigned", "float", "double", "half", "__half2", "float4", "int4", "__nv_bfloat16", "dim3", "size_t", "auto",
  "if", "else", "for", "while", "do", "switch", "case", "default", "break", "continue", "return", "goto", "sizeof",
  "threadIdx", "blockIdx", "blockDim", "gridDim", "warpSize", ".x", ".y", ".z", "__syncthreads", "__syncwarp", "__shfl_down_sync",
  "__shfl_xor_sync", "__ballot_sync", "__activemask", "atomicAdd", "__ldg", "__expf", "rsqrtf", "fmaf", "__hfma2",
  "reinterpret_cast", "static_cast", "asm", "volatile", "wmma", "::", "cg", "this_thread_block", "sync",
  "{", "}", "(", ")", "[", "]", "<", ">", "<<<", ">>>", ";", ",", "=", "+=", "*", "&", "->", ".", "?", ":", "++", "--", "<<", ">>",
  "&&", "||", "!", "~", "%", "/", "-", "+", "0", "1", "32", "256", "0xffffffff", "1e300", "-1", "1.0f", "'a'", '"s"',
  "#define", "#if", "#ifdef", "#endif", "#else", "#pragma unroll", "#include", "\n", "\\\n", "//", "/*", "*/", "// @block 256\n",
  "// @grid", "x", "y", "n", "i", "k", "s", "acc", "tile", "kernel", "N", "BLOCK", "T",
];

type Gen = (rand: () => number) => string;

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

/** A prefix of a fixture, cut anywhere, as the file is typed. */
const prefix: Gen = (rand) => {
  const f = pick(rand, FIXTURES).text;
  return f.slice(0, Math.floor(rand() * (f.length + 1)));
};

/** A fixture with 1 to 6 random edits: deletions, duplications, line swaps, stray characters, pieces of other fixtures. */
const mutation: Gen = (rand) => {
  let text = pick(rand, FIXTURES).text;
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (text.length + 1));
    const r = rand();
    if (r < 0.25) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 120));
    else if (r < 0.4) {
      const len = Math.floor(rand() * 300);
      text = text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    } else if (r < 0.55) {
      const lines = text.split("\n");
      const a = Math.floor(rand() * lines.length);
      const b = Math.floor(rand() * lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      text = lines.join("\n");
    } else if (r < 0.7) text = text.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 95)) + text.slice(at + 1);
    else if (r < 0.85) text = text.slice(0, at) + pick(rand, TOKENS) + text.slice(at);
    else {
      const other = pick(rand, FIXTURES).text;
      const from = Math.floor(rand() * other.length);
      text = text.slice(0, at) + other.slice(from, from + Math.floor(rand() * 400)) + text.slice(at);
    }
  }
  return text;
};

/** A fixture with a half-typed construct: a prefix of one inserted at a line start or anywhere. */
const halfTyped: Gen = (rand) => {
  const text = pick(rand, FIXTURES).text;
  const construct = pick(rand, CONSTRUCTS);
  const typed = construct.slice(0, 1 + Math.floor(rand() * construct.length));
  let at = Math.floor(rand() * (text.length + 1));
  if (rand() < 0.6) at = text.lastIndexOf("\n", at - 1) + 1;
  return text.slice(0, at) + typed + text.slice(at);
};

/** CUDA tokens in random order, sometimes inside a kernel's body. */
const soup: Gen = (rand) => {
  const n = 5 + Math.floor(rand() * 200);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(pick(rand, TOKENS), pick(rand, [" ", " ", " ", "", "\n", "\t"]));
  const body = parts.join("");
  return rand() < 0.5 ? `__global__ void soup(float* __restrict__ x, int n) {\n${body}\n}\n` : body;
};

function wellFormed(a: CudaSourceAnalysis, text: string, what: string): void {
  const inside = (s: { start: number; end: number }): boolean => s.start >= 0 && s.start <= s.end && s.end <= text.length;
  for (const d of a.diagnostics) assert.ok(inside(d.span), `${what}: diagnostic '${d.code}' at ${d.span.start}-${d.span.end} outside the text (${text.length})`);
  for (const k of a.kernels) assert.ok(inside(k.nameSpan) && inside(k.span), `${what}: kernel ${k.name} outside the text`);
  for (const [name, m] of a.models) {
    for (const d of m.diagnostics) assert.ok(inside(d.span), `${what}: ${name}'s finding '${d.code}' outside the text`);
    for (const acc of m.model.accesses) assert.ok(inside(acc.span), `${what}: ${name}'s access outside the text`);
    const ops = m.model.ops;
    for (const n of [ops.flopsF32.value, ops.intOps.value, ops.globalLoadBytes.value, ops.globalStoreBytes.value, ops.barriers.value]) {
      assert.ok(Number.isFinite(n) && n >= 0, `${what}: ${name}'s counts are finite numbers (${n})`);
    }
  }
}

/**
 * The JavaScript heap and the memory outside it (the parser's WebAssembly memory is counted there) after a full
 * garbage collection, in MiB: a leaked tree grows `external`, a leaked object graph grows `heap`.
 */
function memoryAfterGc(): { heap: number; external: number } {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 1048576, external: m.external / 1048576 };
}

test("over 3,000 truncated, mutated, half-typed and token-soup CUDA files: no throw, no hang, spans inside, memory flat", { timeout: 240_000 }, async () => {
  const plan: [string, Gen, number][] = [["prefix", prefix, 800], ["mutation", mutation, 1000], ["half-typed", halfTyped, 800], ["soup", soup, 600]];
  const total = plan.reduce((s, [, , n]) => s + n, 0);
  assert.ok(total >= 3000);
  assert.ok(FIXTURES.length >= 10, "several fixtures");
  const rand = mulberry32(1414);
  const parser = await cudaParser();
  const started = performance.now();
  let slowest = { ms: 0, what: "" };
  let kernels = 0;
  let modelled = 0;
  let findings = 0;
  const memory: { heap: number; external: number }[] = [];
  let done = 0;
  for (const [kind, gen, count] of plan) {
    for (let i = 0; i < count; i++) {
      const text = gen(rand);
      const what = `${kind} ${i} (${text.length} chars)`;
      const t0 = performance.now();
      let a: CudaSourceAnalysis;
      try {
        // The front-end alone on odd files, with the model on even ones: the model is most of the time per file.
        a = done % 2 === 0 ? await analyzeCuda(text, OPTIONS) : analyzeCudaSource(text, { parser });
      } catch (err) {
        assert.fail(`${what} threw: ${(err as Error).stack}\n--- text ---\n${text.slice(0, 2000)}`);
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, what };
      assert.ok(ms < PER_FILE_MS, `${what} took ${ms.toFixed(0)} ms (bound ${PER_FILE_MS} ms)`);
      wellFormed(a, text, what);
      kernels += a.kernels.length;
      modelled += a.models.size;
      findings += a.diagnostics.length;
      if (++done % 400 === 0) memory.push(memoryAfterGc());
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const shown = memory.map((m) => `${m.heap.toFixed(0)}/${m.external.toFixed(0)}`).join(", ");
  console.log(`${total} files in ${seconds.toFixed(1)} s (${((seconds * 1000) / total).toFixed(1)} ms each), ${kernels} kernels analysed (${modelled} with the model), ${findings} diagnostics; slowest ${slowest.ms.toFixed(0)} ms (${slowest.what}); after every 400 files, heap / external ${shown} MiB`);
  // The files are not all broken: most still hold kernels the model analyses.
  assert.ok(kernels > total / 2 && modelled > total / 4, `${kernels} kernels, ${modelled} modelled`);
  // Warm after 800 files; from there the memory stays flat: trees are freed and the caches are bounded. (Keeping
  // the trees of the front-end-only files grows `external` by about 60 MiB over the run.)
  const warm = memory[1]!;
  const end = memory[memory.length - 1]!;
  assert.ok(end.external <= warm.external + 16, `memory outside the heap keeps growing (WebAssembly trees?): ${shown}`);
  assert.ok(end.heap <= warm.heap + 24, `the heap keeps growing: ${shown}`);
});
