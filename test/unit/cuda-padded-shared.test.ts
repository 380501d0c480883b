// Padded shared-memory tiles: the row stride of a multi-dimensional shared array, and the bank conflicts it decides,
// for the ways real kernels write the padding (a template parameter, #define, constexpr, a typename T, a 3-D array,
// a hand-indexed extern __shared__ array, a pointer-to-row view of dynamic memory), in CUDA and in WGSL.
//
// By hand: 32 banks of 4-byte words; a warp's 32 lanes make one phase for 4-byte accesses, each half-warp one phase
// for 8-byte accesses (16 lanes x 2 words). In a transpose the block is 32 x 8 and the column read is
// tile[threadIdx.x][c]: lane t reads word t * R + c, R the row length in words.
//   R = 33 (float, 32 + 1): bank (33 t + c) mod 32 = (t + c) mod 32, 32 different banks: conflict-free (1).
//   R = 32 (float, unpadded): bank c for every lane, 32 different words: 32-way.
//   double, 32 + 1 elements (R = 66 words): lanes 0-15 of a phase touch words 66 t and 66 t + 1, banks 2 t and 2 t + 1
//   (mod 32) for t < 16: all 32 different, conflict-free (1). double unpadded (R = 64): banks 0 and 1 hold 16 words
//   each: 16-way.
// The row writes tile[threadIdx.y][threadIdx.x] put lane t at word R y + t: consecutive words, conflict-free.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import type { CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import { findDevice } from "../../server/src/core/devices/database";
import type { AccessInfo, KernelModel } from "../../server/src/core/model/types";
import { TintCompiler } from "../../server/src/tint/tintCompiler";
import { analyzeCuda } from "../support/cudaParser";

interface Shared {
  readonly kind: string;
  readonly binding: string;
  /** Elements between lane 0's and lane 1's addresses. */
  readonly stride: number | null;
  readonly conflict: number | null;
}

const sharedOf = (m: KernelModel): Shared[] =>
  m.accesses
    .filter((a: AccessInfo) => a.addressSpace === "workgroup")
    .map((a) => ({ kind: a.kind, binding: a.binding, stride: a.strideElements, conflict: a.bankConflictDegree }));

function cudaModel(a: CudaSourceAnalysis, name: string): KernelModel {
  const m = a.models.get(name)?.model;
  assert.ok(m, `a model for ${name} (models: ${[...a.models.keys()].join(", ")})`);
  return m;
}

const codesOf = (a: CudaSourceAnalysis, name: string): string[] => (a.models.get(name)?.diagnostics ?? []).map((d) => String(d.code));

/** The column read of a transpose: lanes `stride` elements (a row) apart, and its conflict degree. */
const load = (binding: string, stride: number, conflict: number): Shared => ({ kind: "load", binding, stride, conflict });
/** The row write of a transpose: lane t at element t of a row, consecutive words. */
const store = (binding: string): Shared => ({ kind: "store", binding, stride: 1, conflict: 1 });

describe("CUDA: padded shared tiles get the row stride of the instantiation", () => {
  it("transpose_smem<1> of the fixtures reads columns 33 words apart, conflict-free; transpose_smem<0> 32 apart, 32-way", async () => {
    const text = readFileSync(join(__dirname, "..", "fixtures", "cuda", "transpose-smem.cu"), "utf8");
    const a = await analyzeCuda(text);
    // tile[threadIdx.y + j][threadIdx.x] written, tile[threadIdx.x][threadIdx.y + j] read (the unrolled j loop).
    assert.deepEqual(sharedOf(cudaModel(a, "transpose_smem<0>")), [store("tile"), load("tile", 32, 32)]);
    assert.deepEqual(sharedOf(cudaModel(a, "transpose_smem<1>")), [store("tile"), load("tile", 33, 1)]);
    assert.ok(codesOf(a, "transpose_smem<0>").includes("bank-conflict"));
    assert.ok(!codesOf(a, "transpose_smem<1>").includes("bank-conflict"), codesOf(a, "transpose_smem<1>").join(", "));
    // The sizes were right before: 32 x 32 x 4 and 32 x 33 x 4 bytes.
    assert.deepEqual(cudaModel(a, "transpose_smem<1>").workgroupMemoryBytes, 4224);
  });

  const transpose = (decl: string, prelude = ""): string => `
${prelude}
// @block 32, 8
// @grid 128, 128
// @arg n = 4096
__global__ void transpose(float* out, const float* in, int n) {
  ${decl}
  int x = blockIdx.x * 32 + threadIdx.x, y = blockIdx.y * 32 + threadIdx.y;
  tile[threadIdx.y][threadIdx.x] = in[y * n + x];
  __syncthreads();
  out[(blockIdx.x * 32 + threadIdx.y) * n + blockIdx.y * 32 + threadIdx.x] = tile[threadIdx.x][threadIdx.y];
}`;

  it("#define TILE_DIM 32: tile[TILE_DIM][TILE_DIM + 1] is conflict-free, tile[TILE_DIM][TILE_DIM] 32-way", async () => {
    const padded = await analyzeCuda(transpose("__shared__ float tile[TILE_DIM][TILE_DIM + 1];", "#define TILE_DIM 32"));
    assert.deepEqual(sharedOf(cudaModel(padded, "transpose")), [store("tile"), load("tile", 33, 1)]);
    assert.equal(cudaModel(padded, "transpose").workgroupMemoryBytes, 32 * 33 * 4);
    const plain = await analyzeCuda(transpose("__shared__ float tile[TILE_DIM][TILE_DIM];", "#define TILE_DIM 32"));
    assert.deepEqual(sharedOf(cudaModel(plain, "transpose")), [store("tile"), load("tile", 32, 32)]);
    assert.ok(codesOf(plain, "transpose").includes("bank-conflict"));
  });

  it("constexpr int TILE = 32 (file scope and in the kernel): tile[TILE][TILE + 1] is conflict-free", async () => {
    const global = await analyzeCuda(transpose("__shared__ float tile[TILE][TILE + 1];", "constexpr int TILE = 32;"));
    assert.deepEqual(sharedOf(cudaModel(global, "transpose")), [store("tile"), load("tile", 33, 1)]);
    const local = await analyzeCuda(transpose("constexpr int TILE = 32, PAD = 1;\n  __shared__ float tile[TILE][TILE + PAD];"));
    assert.deepEqual(sharedOf(cudaModel(local, "transpose")), [store("tile"), load("tile", 33, 1)]);
  });

  it("template <typename T, int BLOCK, int PAD> smem[BLOCK][BLOCK + PAD]: float and double, padded and not", async () => {
    const text = `
template <typename T, int BLOCK, int PAD>
__global__ void transpose_t(T* out, const T* in, int n) {
  __shared__ T smem[BLOCK][BLOCK + PAD];
  int x = blockIdx.x * BLOCK + threadIdx.x, y = blockIdx.y * BLOCK + threadIdx.y;
  for (int j = 0; j < BLOCK; j += 8) smem[threadIdx.y + j][threadIdx.x] = in[(y + j) * n + x];
  __syncthreads();
  x = blockIdx.y * BLOCK + threadIdx.x;
  y = blockIdx.x * BLOCK + threadIdx.y;
  for (int j = 0; j < BLOCK; j += 8) out[(y + j) * n + x] = smem[threadIdx.x][threadIdx.y + j];
}
int main() {
  const int N = 2048;
  float *fi, *fo;
  double *di, *dout;
  cudaMalloc(&fi, N * N * sizeof(float));
  cudaMalloc(&fo, N * N * sizeof(float));
  cudaMalloc(&di, N * N * sizeof(double));
  cudaMalloc(&dout, N * N * sizeof(double));
  dim3 grid(N / 32, N / 32), block(32, 8);
  transpose_t<float, 32, 1><<<grid, block>>>(fo, fi, N);
  transpose_t<double, 32, 0><<<grid, block>>>(dout, di, N);
  transpose_t<double, 32, 1><<<grid, block>>>(dout, di, N);
  return 0;
}`;
    const a = await analyzeCuda(text);
    assert.deepEqual(sharedOf(cudaModel(a, "transpose_t<float, 32, 1>")), [store("smem"), load("smem", 33, 1)]);
    // 8-byte elements: half-warp phases; unpadded rows of 64 words put every lane on banks 0 and 1 (16-way).
    assert.deepEqual(sharedOf(cudaModel(a, "transpose_t<double, 32, 0>")), [store("smem"), load("smem", 32, 16)]);
    assert.deepEqual(sharedOf(cudaModel(a, "transpose_t<double, 32, 1>")), [store("smem"), load("smem", 33, 1)]);
    assert.equal(cudaModel(a, "transpose_t<double, 32, 1>").workgroupMemoryBytes, 32 * 33 * 8);
  });

  it("a template nothing launches, given by // @template: tile[TILE][TILE + 1] is conflict-free, tile[TILE][TILE] 32-way", async () => {
    const kernel = (cols: string): string => `
// @template TILE = 32
// @block 32, 8
// @grid 128, 128
// @arg n = 4096
template <int TILE>
__global__ void tr(float* out, const float* in, int n) {
  __shared__ float tile[TILE][${cols}];
  tile[threadIdx.y][threadIdx.x] = in[threadIdx.y * n + threadIdx.x];
  __syncthreads();
  out[threadIdx.y * n + threadIdx.x] = tile[threadIdx.x][threadIdx.y];
}`;
    const padded = await analyzeCuda(kernel("TILE + 1"));
    const name = [...padded.models.keys()][0];
    assert.deepEqual(sharedOf(cudaModel(padded, name)), [store("tile"), load("tile", 33, 1)]);
    const plain = await analyzeCuda(kernel("TILE"));
    assert.deepEqual(sharedOf(cudaModel(plain, [...plain.models.keys()][0])), [store("tile"), load("tile", 32, 32)]);
  });

  it("a template parameter the launch gives (--let TILE=32, a sweep): the row stride stays symbolic, TILE + 1 words", async () => {
    // No launch and no @template: TILE is a launch parameter of one IR, its value the command line's (the model's
    // `given`), as a sweep over TILE gives it. Rows of TILE + 1 = 33 floats, TILE = 32 floats.
    const kernel = (cols: string): string => `
// @block 32, 8
// @grid 128, 128
// @arg n = 4096
template <int TILE>
__global__ void tr(float* out, const float* in, int n) {
  __shared__ float tile[TILE][${cols}];
  tile[threadIdx.y][threadIdx.x] = in[threadIdx.y * n + threadIdx.x];
  __syncthreads();
  out[threadIdx.y * n + threadIdx.x] = tile[threadIdx.x][threadIdx.y];
}`;
    const options = { model: { device: findDevice("nvidia-rtx-4090")!, given: new Map([["TILE", 32]]) } };
    const padded = await analyzeCuda(kernel("TILE + 1"), options);
    const m = cudaModel(padded, "tr<TILE>");
    assert.equal(m.workgroupMemoryBytes, 32 * 33 * 4);
    assert.deepEqual(sharedOf(m), [store("tile"), load("tile", 33, 1)]);
    const plain = await analyzeCuda(kernel("TILE"), options);
    assert.deepEqual(sharedOf(cudaModel(plain, "tr<TILE>")), [store("tile"), load("tile", 32, 32)]);
    assert.ok(codesOf(plain, "tr<TILE>").includes("bank-conflict"));
  });

  it("a 3-D array s[4][8][33] is planes of rows: lanes spread over planes and rows hit 32 banks; [4][8][32] 32-way", async () => {
    // Lane t reads s[t % 4][t / 4][0]: word 264 (t % 4) + R (t / 4) with R the row length, plane 8 R words.
    //   R = 33: bank (8 (t % 4) + t / 4) mod 32 takes every value 0-31 once: conflict-free.
    //   R = 32: word 256 (t % 4) + 32 (t / 4), bank 0 for all 32 lanes: 32-way.
    // (Read with its dimensions reversed, [33][8][4], the lanes would be 32 (t % 4) + 4 (t / 4) words apart: 4-way.)
    const kernel = (cols: number): string => `
// @block 32
// @grid 1024
__global__ void planes(float* out, const float* in) {
  __shared__ float s[4][8][${cols}];
  s[threadIdx.x % 4][threadIdx.x / 4][0] = in[blockIdx.x * 32 + threadIdx.x];
  __syncthreads();
  out[blockIdx.x * 32 + threadIdx.x] = s[threadIdx.x % 4][threadIdx.x / 4][1];
}`;
    const padded = await analyzeCuda(kernel(33));
    assert.deepEqual(sharedOf(cudaModel(padded, "planes")).map((x) => [x.kind, x.conflict]), [["store", 1], ["load", 1]]);
    assert.equal(cudaModel(padded, "planes").workgroupMemoryBytes, 4 * 8 * 33 * 4);
    const plain = await analyzeCuda(kernel(32));
    assert.deepEqual(sharedOf(cudaModel(plain, "planes")).map((x) => [x.kind, x.conflict]), [["store", 32], ["load", 32]]);
  });

  it("a 3-D double-buffered tile s[2][TILE][TILE + 1]: the second plane's column read is conflict-free too", async () => {
    // (`float (&tile)[TILE][TILE + 1] = s[1];` is read by tree-sitter-cuda as an expression, a functional cast.)
    const a = await analyzeCuda(transpose("__shared__ float s[2][TILE][TILE + 1];\n  auto& tile = s[1];", "#define TILE 32"));
    const m = cudaModel(a, "transpose");
    assert.equal(m.workgroupMemoryBytes, 2 * 32 * 33 * 4);
    assert.deepEqual(sharedOf(m), [store("s"), load("s", 33, 1)]);
  });

  it("extern __shared__ indexed 2-D by hand, s[ty * (TILE + 1) + tx]: the column read is conflict-free; TILE rows 32-way", async () => {
    const kernel = (row: string): string => `
// @block 32, 8
// @grid 128, 128
// @smem 32 * 33 * 4
// @arg n = 4096
constexpr int TILE = 32;
__global__ void tr_dyn(float* out, const float* in, int n) {
  extern __shared__ float s[];
  s[threadIdx.y * (${row}) + threadIdx.x] = in[threadIdx.y * n + threadIdx.x];
  __syncthreads();
  out[threadIdx.y * n + threadIdx.x] = s[threadIdx.x * (${row}) + threadIdx.y];
}`;
    const padded = await analyzeCuda(kernel("TILE + 1"));
    assert.deepEqual(sharedOf(cudaModel(padded, "tr_dyn")), [store("s"), load("s", 33, 1)]);
    const plain = await analyzeCuda(kernel("TILE"));
    assert.deepEqual(sharedOf(cudaModel(plain, "tr_dyn")), [store("s"), load("s", 32, 32)]);
  });

  it("dynamic shared memory viewed as rows of TILE + 1 floats (a using or typedef row type): conflict-free", async () => {
    // (`float (*tile)[TILE + 1] = ...;` is read by tree-sitter-cuda as an expression: real code names the row type.)
    for (const view of ["using Row = float[TILE + 1];", "typedef float Row[TILE + 1];"]) {
      const a = await analyzeCuda(transpose(`extern __shared__ float smem[];\n  ${view}\n  Row* tile = reinterpret_cast<Row*>(smem);`, "#define TILE 32\n// @smem 32 * 33 * 4"));
      assert.deepEqual(sharedOf(cudaModel(a, "transpose")), [store("smem"), load("smem", 33, 1)], view);
    }
  });
});

describe("WGSL: padded workgroup tiles with a const or an override TILE", () => {
  const device = findDevice("nvidia-rtx-4090")!;
  const transpose = (decl: string, type: string, at: (row: string, col: string) => string): string => `
${decl}
// @dispatch 128, 128
// @buffer inp[4096 * 4096]
// @buffer outp[4096 * 4096]
@group(0) @binding(0) var<storage, read> inp: array<f32>;
@group(0) @binding(1) var<storage, read_write> outp: array<f32>;
var<workgroup> tile: ${type};
@compute @workgroup_size(32, 8)
fn transpose(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>) {
  ${at("l.y", "l.x")} = inp[(w.y * 32u + l.y) * 4096u + w.x * 32u + l.x];
  workgroupBarrier();
  outp[(w.x * 32u + l.y) * 4096u + w.y * 32u + l.x] = ${at("l.x", "l.y")};
}`;
  const nested = (row: string, col: string): string => `tile[${row}][${col}]`;
  const wgsl = (text: string): KernelModel => {
    const a = analyzeSource(text, { model: { device, given: new Map() } });
    const m = a.models.get("transpose")?.model;
    assert.ok(m, "transpose has a model");
    return m;
  };
  const CONST = "const TILE = 32u;";
  const OVERRIDE = "override TILE: u32 = 32u;";

  it("const TILE: array<array<f32, TILE + 1>, TILE> is conflict-free, array<array<f32, TILE>, TILE> 32-way", () => {
    const padded = wgsl(transpose(CONST, "array<array<f32, TILE + 1>, TILE>", nested));
    assert.deepEqual(sharedOf(padded), [store("tile"), load("tile", 33, 1)]);
    assert.equal(padded.workgroupMemoryBytes, 32 * 33 * 4);
    assert.deepEqual(sharedOf(wgsl(transpose(CONST, "array<array<f32, TILE>, TILE>", nested))), [store("tile"), load("tile", 32, 32)]);
  });

  // WGSL allows an override element count only on the outermost array of a var<workgroup> (Tint says so, below):
  // real code with an override TILE pads a const row, or flattens the tile and indexes it by hand.
  it("override TILE: rows of a const 33 under an override count, and a flat TILE * (TILE + 1) tile indexed by hand", () => {
    const rows = wgsl(transpose(OVERRIDE, "array<array<f32, 33>, TILE>", nested));
    assert.deepEqual(sharedOf(rows), [store("tile"), load("tile", 33, 1)]);
    assert.equal(rows.workgroupMemoryBytes, 32 * 33 * 4);
    assert.deepEqual(sharedOf(wgsl(transpose(OVERRIDE, "array<array<f32, 32>, TILE>", nested))), [store("tile"), load("tile", 32, 32)]);
    const flat = (row: string, col: string): string => `tile[${row} * (TILE + 1u) + ${col}]`;
    const padded = wgsl(transpose(OVERRIDE, "array<f32, TILE * (TILE + 1)>", flat));
    assert.deepEqual(sharedOf(padded), [store("tile"), load("tile", 33, 1)]);
    assert.equal(padded.workgroupMemoryBytes, 32 * 33 * 4);
    const plainFlat = (row: string, col: string): string => `tile[${row} * TILE + ${col}]`;
    assert.deepEqual(sharedOf(wgsl(transpose(OVERRIDE, "array<f32, TILE * TILE>", plainFlat))), [store("tile"), load("tile", 32, 32)]);
  });

  it("Tint accepts those forms and rejects array<array<f32, TILE + 1>, TILE> with an override TILE", async () => {
    const tint = await TintCompiler.create();
    assert.ok(!("error" in tint), "error" in tint ? tint.error : "");
    const errors = async (text: string): Promise<string[]> => (await tint.compile(text)).messages.filter((m) => m.type === "error").map((m) => m.message);
    assert.deepEqual(await errors(transpose(CONST, "array<array<f32, TILE + 1>, TILE>", nested)), []);
    assert.deepEqual(await errors(transpose(OVERRIDE, "array<array<f32, 33>, TILE>", nested)), []);
    assert.deepEqual(await errors(transpose(OVERRIDE, "array<f32, TILE * (TILE + 1)>", (r, c) => `tile[${r} * (TILE + 1u) + ${c}]`)), []);
    const rejected = await errors(transpose(OVERRIDE, "array<array<f32, TILE + 1>, TILE>", nested));
    assert.equal(rejected.length, 1);
    assert.match(rejected[0], /override.*element count.*var<workgroup>/);
  });
});
