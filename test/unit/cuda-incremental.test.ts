// An analysis with a session (the language server's: the tree reparsed incrementally, unchanged declarations'
// copies, kernels' lowerings and models kept) gives exactly what a fresh analysis of the same text gives: for seeded
// random edits of the 2,000-line file and of every fixture (typing, deletions, new lines, changed numbers, pragmas,
// defines, directives, edits in device functions, structs and host code), every diagnostic, kernel, IR, launch and
// model number and span is compared.
import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { analyzeCudaSource, type CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import { CudaSession, editBetween } from "../../server/src/core/cuda/session";
import { findDevice } from "../../server/src/core/devices/database";
import { cudaParser } from "../support/cudaParser";
import { cudaFixture, largeCudaFile } from "../support/cudaLargeFile";
import { mulberry32 } from "../support/random";
import { findRepoRoot } from "../support/repoRoot";

const device = findDevice("nvidia-rtx-4090")!;

/** Everything the server reads of an analysis (timings aside). */
function observable(a: CudaSourceAnalysis): unknown {
  return { diagnostics: a.diagnostics, kernels: a.kernels, models: a.models, irs: a.irs, launches: a.launches, directives: a.directives };
}

/** Where two values differ, as paths (the first few). */
function differences(a: unknown, b: unknown, path: string, out: string[] = []): string[] {
  if (out.length >= 8) return out;
  if (a instanceof Map && b instanceof Map) return differences([...a], [...b], path, out);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    if (!Object.is(a, b)) out.push(`${path}: ${JSON.stringify(a)?.slice(0, 160)} | fresh: ${JSON.stringify(b)?.slice(0, 160)}`);
    return out;
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`, out);
  return out;
}

const TOKENS = ["x", "1", "+", ";", " ", "\n", "\n\n", "}", "{", "(", ")", "[", "]", "<<<", "*", "2", "#pragma unroll\n", "#pragma unroll 4\n", "__syncthreads();\n", "// @block 128\n", "// @grid 64\n", "#define TILE 16\n", "#undef BM\n", "int q = threadIdx.x;\n", "y[threadIdx.x] = 1.0f;\n", "for (int j = 0; j < 8; ++j) ", "__align__(16) ", "const int Z = 3;\n", "__device__ float hz(float v) { return v * 2.0f; }\n", "template <int N>\n", "/*", "*/", "//", "\\\n"];

/** One random edit: a token typed, text deleted or duplicated, a number changed, a character typed, a line broken. */
function randomEdit(text: string, rand: () => number): string {
  const at = Math.floor(rand() * (text.length + 1));
  const r = rand();
  if (r < 0.3) return text.slice(0, at) + TOKENS[Math.floor(rand() * TOKENS.length)] + text.slice(at);
  if (r < 0.45) return text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 12));
  if (r < 0.6) {
    // A number of the code changed (a tile size, a launch's block, a define, a template argument).
    const numbers = [...text.matchAll(/\b\d+\b/g)];
    if (numbers.length === 0) return text;
    const m = numbers[Math.floor(rand() * numbers.length)];
    const value = String(Math.max(1, Math.round(Number(m[0]) * [0.5, 2, 1.5, 0][Math.floor(rand() * 4)] + 1)));
    return text.slice(0, m.index!) + value + text.slice(m.index! + m[0].length);
  }
  if (r < 0.7) return text.slice(0, at) + "\n" + text.slice(at);
  if (r < 0.8) {
    const len = Math.floor(rand() * 120);
    return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
  }
  // A character typed inside a statement.
  const semi = text.indexOf(";", at);
  const where = semi < 0 ? at : semi;
  return text.slice(0, where) + " + 1" + text.slice(where);
}

async function checkEdits(base: string, seed: number, edits: number, what: string): Promise<{ reused: number; lowered: number }> {
  const parser = await cudaParser();
  const rand = mulberry32(seed);
  const session = new CudaSession();
  const totals = { reused: 0, lowered: 0 };
  let text = base;
  try {
    for (let i = 0; i <= edits; i++) {
      const kept = analyzeCudaSource(text, { parser, model: { device }, session });
      const fresh = analyzeCudaSource(text, { parser, model: { device } });
      const [k, f] = [observable(kept), observable(fresh)];
      if (!isDeepStrictEqual(k, f)) assert.fail(`${what}, edit ${i} (seed ${seed}): the analysis with a session differs from a fresh one:\n${differences(k, f, "").slice(0, 8).join("\n")}`);
      if (i > 0) {
        totals.reused += session.kernels.stats.get("lower")?.reused ?? 0;
        totals.lowered += session.kernels.stats.get("lower")?.computed ?? 0;
      }
      // Mostly edits of the current text; now and then back to the original (a long edit history drifts into noise).
      text = rand() < 0.1 ? base : randomEdit(text, rand);
    }
  } finally {
    session.dispose();
  }
  return totals;
}

test("the 2,000-line file: after every random edit the kept analysis equals a fresh one", async () => {
  const totals = await checkEdits(largeCudaFile(), 2014, 40, "2,000-line file");
  // The point of the session: most kernels are not lowered again.
  assert.ok(totals.reused > totals.lowered, `reused ${totals.reused} lowerings, lowered ${totals.lowered}`);
});

test("every fixture: after every random edit the kept analysis equals a fresh one", async () => {
  const dir = join(findRepoRoot(), "test", "fixtures", "cuda");
  const names = readdirSync(dir).filter((f) => f.endsWith(".cu")).sort();
  assert.ok(names.length >= 10);
  for (const [i, name] of names.entries()) await checkEdits(cudaFixture(name), 100 + i, 25, name);
});

/** What the fixtures do not show: inline asm (its note names a line), enums, aliases, anonymous structs, constants, pragmas, macros. */
const CONSTRUCTS = `#include <cuda_runtime.h>
#define SCALE(x) ((x) * 2.0f)
#define WIDTH 64
enum Mode { FAST, SLOW = 4, LAST };
typedef float real;
using idx_t = int;
constexpr int TILE = 16;
__constant__ float coeffs[8];
struct { float a; float b; } __align__(16) pairs_unused;
struct __align__(16) Pair { float a; float b; };

__device__ real twice(real v) { return SCALE(v); }

template <int N>
__device__ float sum_n(const float* p) {
  float s = 0.0f;
#pragma unroll
  for (int i = 0; i < N; ++i) s += p[i];
  return s;
}

// @block 128
__global__ void with_asm(const float* __restrict__ x, float* y, int n) {
  idx_t i = blockIdx.x * blockDim.x + threadIdx.x;
  float v;
  asm volatile("ld.global.f32 %0, [%1];" : "=f"(v) : "l"(x + i));
  if (i < n) y[i] = twice(v) + coeffs[i % 8] + SLOW;
}

template <int BS>
__global__ void tiled(const Pair* p, float* y, int n) {
  __shared__ float tile[BS][TILE + 1];
  int t = threadIdx.x;
  tile[t % BS][t % TILE] = p[blockIdx.x * BS + t].a;
  __syncthreads();
#pragma unroll 4
  for (int k = 0; k < WIDTH; ++k) y[blockIdx.x * BS + t] += tile[k % BS][t % TILE] * sum_n<4>(y);
  float acc[4];
#pragma unroll
  for (int r = 0; r < 4; ++r) acc[r] = tile[r][t % TILE];
  y[t] = acc[0] + acc[3];
  while (t < n) { t += LAST; }
}

int main() {
  int n = 1 << 20;
  float *x, *y; Pair* p;
  cudaMalloc(&x, n * sizeof(float));
  cudaMalloc(&y, n * sizeof(float));
  cudaMalloc(&p, n * sizeof(Pair));
  with_asm<<<(n + 127) / 128, 128>>>(x, y, n);
  tiled<32><<<n / 32, 32>>>(p, y, n);
  return 0;
}
`;

test("constructs the fixtures lack (inline asm, enums, aliases, pragmas, macros): kept equals fresh after random edits", async () => {
  for (let seed = 1; seed <= 4; seed++) await checkEdits(CONSTRUCTS, 700 + seed, 30, "constructs");
});

test("edits the analysed text does not show (a pragma's factor, an alignment, a define's value) are not missed", async () => {
  const parser = await cudaParser();
  const session = new CudaSession();
  const steps = [
    CONSTRUCTS,
    CONSTRUCTS.replace("#pragma unroll\n  for (int r", "#pragma unroll 1\n  for (int r"),
    CONSTRUCTS.replace("#pragma unroll\n  for (int r", "#pragma unroll 1\n  for (int r").replace("struct __align__(16) Pair", "struct __align__(32) Pair"),
    CONSTRUCTS.replace("#define WIDTH 64", "#define WIDTH 512"),
    CONSTRUCTS,
  ];
  try {
    let previous: unknown;
    for (const [i, text] of steps.entries()) {
      const kept = observable(analyzeCudaSource(text, { parser, model: { device }, session }));
      const fresh = observable(analyzeCudaSource(text, { parser, model: { device } }));
      if (!isDeepStrictEqual(kept, fresh)) assert.fail(`step ${i}: kept differs from fresh:\n${differences(kept, fresh, "").join("\n")}`);
      // Each step changes the analysis, so a cache that missed it would show.
      if (i > 0) assert.ok(!isDeepStrictEqual(fresh, previous), `step ${i} changes nothing the analysis shows`);
      previous = fresh;
    }
  } finally {
    session.dispose();
  }
});

test("typing a line into a kernel: only that kernel is lowered again, the tree is reparsed incrementally", async () => {
  const parser = await cudaParser();
  const base = largeCudaFile();
  const session = new CudaSession();
  try {
    analyzeCudaSource(base, { parser, model: { device }, session });
    const at = base.indexOf("{", base.indexOf("__global__", Math.floor(base.length / 2))) + 1;
    const typed = "\n    int typed_here = 1;";
    for (let i = 1; i <= typed.length; i++) {
      const text = base.slice(0, at) + typed.slice(0, i) + base.slice(at);
      const a = analyzeCudaSource(text, { parser, model: { device }, session });
      assert.equal(session.lastParse, "incremental");
      const count = (kind: string, what: "reused" | "computed"): number => session.kernels.stats.get(kind)?.[what] ?? 0;
      // The kernel typed in, and the host function that launches it (it reads the kernel's parameters).
      assert.ok(count("lower", "computed") <= 1, `keystroke ${i}: ${count("lower", "computed")} kernels lowered again`);
      assert.ok(count("lower", "reused") >= a.kernels.length - 2, `keystroke ${i}: ${count("lower", "reused")} of ${a.kernels.length} lowerings reused`);
      assert.ok(count("model", "computed") <= 2, `keystroke ${i}: ${count("model", "computed")} kernels modelled again`);
      assert.ok(count("host", "computed") <= 2 && count("host", "reused") > 5, `keystroke ${i}: host functions read again ${count("host", "computed")}, reused ${count("host", "reused")}`);
    }
  } finally {
    session.dispose();
  }
});

test("the edit between two texts is what lies between their common prefix and suffix", () => {
  assert.deepEqual(editBetween("abc\ndef", "abc\ndXef"), { startIndex: 5, oldEndIndex: 5, newEndIndex: 6, startPosition: { row: 1, column: 1 }, oldEndPosition: { row: 1, column: 1 }, newEndPosition: { row: 1, column: 2 } });
  assert.deepEqual(editBetween("aaaa", "aa"), { startIndex: 2, oldEndIndex: 4, newEndIndex: 2, startPosition: { row: 0, column: 2 }, oldEndPosition: { row: 0, column: 4 }, newEndPosition: { row: 0, column: 2 } });
  const same = editBetween("x\ny", "x\ny");
  assert.equal(same.startIndex, same.oldEndIndex);
  assert.equal(same.newEndIndex, same.oldEndIndex);
});
