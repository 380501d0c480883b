// Unit tests of the sweep design space: @sweep values, the cartesian product, and each point's feasibility and predicted time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";
import { checkPoint, enumerateSpace, sweepParameters } from "../../server/src/core/sweep/space";

const kernel = [
  "// A tiled matmul whose TILE x TILE workgroup computes a (TILE * BM) x TILE block of C.",
  "// @let M = 1000",
  "// @let N = 1000",
  "// @let K = 1000",
  "// @override TILE = 16",
  "// @define BM=2",
  "// @dispatch ceil(N / TILE), ceil(M / (TILE * BM))",
  "// @buffer a[M * K] = random(-1, 1)",
  "// @buffer b[K * N] = random(-1, 1)",
  "// @buffer c[M * N]",
  "// @uniform dims = { m: M, n: N, k: K }",
  "// @sweep TILE in [4, 8, 16, 32]",
  "// @sweep BM in pow2(1, 4)",
  "// @require N % TILE == 0",
  "",
  "#ifndef BM",
  "#define BM 1",
  "#endif",
  "",
  "struct Dims { m: u32, n: u32, k: u32, }",
  "override TILE: u32 = 16;",
  "@group(0) @binding(0) var<storage, read> a: array<f32>;",
  "@group(0) @binding(1) var<storage, read> b: array<f32>;",
  "@group(0) @binding(2) var<storage, read_write> c: array<f32>;",
  "@group(0) @binding(3) var<uniform> dims: Dims;",
  "var<workgroup> a_tile: array<f32, TILE * TILE * BM>;",
  "var<workgroup> b_tile: array<f32, TILE * TILE>;",
  "",
  "@compute @workgroup_size(TILE, TILE)",
  "fn matmul(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {",
  "  let row0 = wid.y * TILE * BM + lid.y;",
  "  let col = wid.x * TILE + lid.x;",
  "  var acc: array<f32, BM>;",
  "  for (var t = 0u; t < dims.k; t += TILE) {",
  "    for (var r = 0u; r < BM; r++) {",
  "      a_tile[(lid.y + r * TILE) * TILE + lid.x] = a[(row0 + r * TILE) * dims.k + t + lid.x];",
  "    }",
  "    b_tile[lid.y * TILE + lid.x] = b[(t + lid.y) * dims.n + col];",
  "    workgroupBarrier();",
  "    for (var i = 0u; i < TILE; i++) {",
  "      let b_i = b_tile[i * TILE + lid.x];",
  "      for (var r = 0u; r < BM; r++) {",
  "        acc[r] = fma(a_tile[(lid.y + r * TILE) * TILE + i], b_i, acc[r]);",
  "      }",
  "    }",
  "    workgroupBarrier();",
  "  }",
  "  for (var r = 0u; r < BM; r++) {",
  "    c[(row0 + r * TILE) * dims.n + col] = acc[r];",
  "  }",
  "}",
  "",
].join("\n");

const device = findDevice("nvidia-a100-sxm-80gb")!;
const source = analyzeSource(kernel);

describe("sweepParameters and enumerateSpace", () => {
  it("evaluates lists and pow2 and enumerates 4 x 3 points, last parameter fastest", () => {
    const { parameters, problems } = sweepParameters(source, "matmul");
    assert.deepEqual(problems, []);
    assert.deepEqual(parameters.map((p) => [p.name, p.values]), [["TILE", [4, 8, 16, 32]], ["BM", [1, 2, 4]]]);
    const space = enumerateSpace(parameters);
    assert.equal(space.points.length, 12);
    assert.equal(space.truncated, false);
    assert.deepEqual(space.points.slice(0, 4).map((p) => p.params), [{ TILE: 4, BM: 1 }, { TILE: 4, BM: 2 }, { TILE: 4, BM: 4 }, { TILE: 8, BM: 1 }]);
    const capped = enumerateSpace(parameters, 5);
    assert.equal(capped.points.length, 5);
    assert.equal(capped.truncated, true);
    assert.equal(capped.total, 12);
  });

  it("reads range as inclusive-exclusive and reports empty sweeps with a span", () => {
    const text = "// @sweep A in range(2, 10, 4)\n// @sweep B in range(5, 5)\n// @sweep C in [X]\n@compute @workgroup_size(1) fn k() {}\n";
    const { parameters, problems } = sweepParameters(analyzeSource(text), "k");
    assert.deepEqual(parameters.map((p) => [p.name, p.values]), [["A", [2, 6]]]);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!.message, /no values/);
    assert.equal(text.slice(problems[1]!.span.start, problems[1]!.span.end), "X");
  });
});

describe("checkPoint", () => {
  const check = (TILE: number, BM: number) => checkPoint(kernel, source, "matmul", { params: { TILE, BM } }, device);

  it("rejects 1024 invocations per workgroup", () => {
    const r = check(32, 1);
    assert.equal(r.feasible, false);
    assert.equal(r.workgroupInvocations, 1024);
    assert.match(r.reason ?? "", /1024 invocations per workgroup exceed WebGPU's default limit of 256/);
  });

  it("rejects a point that fails its @require, quoting the expression", () => {
    const r = check(16, 1);
    assert.equal(r.feasible, false);
    assert.match(r.reason ?? "", /@require N % TILE == 0/);
  });

  it("predicts positive times for feasible points, with workgroup memory growing with TILE", () => {
    const small = check(4, 2);
    const large = check(8, 2);
    for (const r of [small, large]) {
      assert.equal(r.feasible, true, r.reason ?? "");
      assert.ok(r.predictedMs !== null && r.predictedMs > 0);
    }
    assert.equal(small.workgroupMemoryBytes, 4 * 4 * 4 * 3);
    assert.ok(large.workgroupMemoryBytes! > small.workgroupMemoryBytes!);
  });
});
