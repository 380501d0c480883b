// The kernel IR is enough for the model: kernels built by hand in IR (no WGSL) get the same numbers as the WGSL files.
//
// test/support/irBuilder.ts is a deliberately tiny second front-end. The two kernels below are examples/saxpy.wgsl and
// examples/matmul-tiled.wgsl written as a front-end must lower them; their launches come from the same directive
// lines, evaluated by the shared launch resolution. Every count, the traffic, the occupancy, the roofline and the
// findings must equal what the WGSL front-end's analysis of the example gives.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { parseDirectives } from "../../server/src/core/directives/directives";
import type { KernelIR } from "../../server/src/core/kernel/ir";
import { resolveLaunch } from "../../server/src/core/kernel/launch";
import { modelKernel } from "../../server/src/core/model/analyzeKernel";
import type { KernelModel } from "../../server/src/core/model/types";
import { add, and, cst, gid, IrBuilder, lt, mul, vr } from "../support/irBuilder";
import { findRepoRoot } from "../support/repoRoot";

const device = findDevice(DEFAULT_DEVICE_ID)!;
const example = (name: string): string => readFileSync(join(findRepoRoot(), "examples", name), "utf8");

/** The directive lines of an example (language-neutral comments), without its code. */
function directivesOnly(text: string) {
  const lines = text.split("\n").filter((l) => /^\s*\/\/\s*@/.test(l) && !/@(check|sweep)\b/.test(l));
  const parsed = parseDirectives(lines.join("\n"));
  assert.deepEqual(parsed.problems, []);
  return parsed.directives;
}

/**
 * SAXPY: `if (gid.x < params.n) { out[i] = fma(params.alpha, x[i], y[i]); }`. The comparison is one integer op,
 * fma two FLOPs; params.n and params.alpha are uniform loads at byte offsets 0 and 4.
 */
function saxpyIR(): KernelIR {
  const b = new IrBuilder();
  const i = gid("x");
  const at = mul(i, cst(4));
  return b.kernel("saxpy", {
    bindings: [b.buffer("x", "read"), b.buffer("y", "read"), b.buffer("out", "read_write"), b.uniformBlock("params", 8)],
    workgroupSize: [cst(256), cst(1), cst(1)],
    body: [
      b.load("params", "uniform", cst(0), 4, "u32"),
      b.ops({ int: 1 }),
      b.if(lt(i, b.uniform("params", "n")), [
        b.load("params", "uniform", cst(4)),
        b.load("x", "global", at),
        b.load("y", "global", at),
        b.ops({ f32: 2 }),
        b.store("out", "global", at),
      ]),
    ],
    // gid (a vec3<u32> parameter) and the let i: immutable values.
    privateValues: [{ words: 3, mutable: false }, { words: 1, mutable: false }],
  });
}

/**
 * The tiled matmul, statement by statement (int ops per statement in the comments). TILE is an override with default
 * 16; dims.m, dims.n, dims.k are uniform fields at byte offsets 0, 4, 8, each load its own access.
 */
function matmulTiledIR(): KernelIR {
  const b = new IrBuilder();
  const TILE = b.override("TILE", 16);
  const [m, n, k] = [b.uniform("dims", "m"), b.uniform("dims", "n"), b.uniform("dims", "k")];
  const dim = (field: "m" | "n" | "k") => b.load("dims", "uniform", cst({ m: 0, n: 4, k: 8 }[field]), 4, "u32");
  const lid = (d: "x" | "y") => vr(`lid.${d}`);
  const row = add(mul(vr("wid.y"), TILE), lid("y")); // 2 int
  const col = add(mul(vr("wid.x"), TILE), lid("x")); // 2 int
  const tileAt = (r: ReturnType<typeof vr>, c: ReturnType<typeof vr>) => mul(add(mul(r, TILE), c), cst(4));
  const outer = b.loop("t", { start: cst(0), step: TILE, bound: k }, (t) => {
    const aCol = add(t, lid("x")); // 1 int
    const bRow = add(t, lid("y")); // 1 int
    const inner = b.loop("i", { start: cst(0), step: cst(1), bound: TILE }, (i) => ({
      header: [b.ops({ int: 1 })], // i < TILE
      body: [
        b.ops({ int: 2 }), // lid.y * TILE + i
        b.load("a_tile", "workgroup", tileAt(lid("y"), i)),
        b.ops({ int: 2 }), // i * TILE + lid.x
        b.load("b_tile", "workgroup", tileAt(i, lid("x"))),
        b.ops({ f32: 2 }), // fma
      ],
      latch: [b.ops({ int: 1 })], // i++
    }));
    return {
      header: [dim("k"), b.ops({ int: 1 })], // t < dims.k
      body: [
        b.ops({ int: 1 }), // a_col
        dim("m"), dim("k"), b.ops({ int: 3 }), // row < dims.m && a_col < dims.k
        b.if(and(lt(row, m), lt(aCol, k)), [dim("k"), b.ops({ int: 2 }), b.load("a", "global", mul(add(mul(row, k), aCol), cst(4)))]),
        b.ops({ int: 2 }), b.store("a_tile", "workgroup", tileAt(lid("y"), lid("x"))),
        b.ops({ int: 1 }), // b_row
        dim("k"), dim("n"), b.ops({ int: 3 }),
        b.if(and(lt(bRow, k), lt(col, n)), [dim("n"), b.ops({ int: 2 }), b.load("b", "global", mul(add(mul(bRow, n), col), cst(4)))]),
        b.ops({ int: 2 }), b.store("b_tile", "workgroup", tileAt(lid("y"), lid("x"))),
        b.barrier(),
        inner,
        b.barrier(),
      ],
      latch: [b.ops({ int: 1 })], // t += TILE
    };
  });
  return b.kernel("matmul_tiled", {
    bindings: [
      b.buffer("a", "read"), b.buffer("b", "read"), b.buffer("c", "read_write"), b.uniformBlock("dims", 12),
      b.shared("a_tile", mul(mul(TILE, TILE), cst(4))), b.shared("b_tile", mul(mul(TILE, TILE), cst(4))),
    ],
    workgroupSize: [TILE, TILE, cst(1)],
    body: [
      b.ops({ int: 4 }), // row, col
      outer,
      dim("m"), dim("n"), b.ops({ int: 3 }),
      b.if(and(lt(row, m), lt(col, n)), [dim("n"), b.ops({ int: 2 }), b.store("c", "global", mul(add(mul(row, n), col), cst(4)))]),
    ],
    // Parameters lid and wid (vec3<u32>), lets row, col, a_col, b_row; vars acc, t, a_value, b_value, i.
    privateValues: [
      { words: 3, mutable: false }, { words: 3, mutable: false },
      ...[1, 1, 1, 1].map((words) => ({ words, mutable: false })),
      ...[1, 1, 1, 1, 1].map((words) => ({ words, mutable: true })),
    ],
  });
}

/** What must agree: everything the model computes except where in the source it points. */
function comparable(m: KernelModel) {
  return {
    workgroupSize: m.workgroupSize,
    dispatch: m.dispatch,
    invocations: m.invocations,
    ops: m.ops,
    traffic: m.traffic,
    workgroupMemoryBytes: m.workgroupMemoryBytes,
    occupancy: m.occupancy,
    roofline: m.roofline,
    accesses: m.accesses.map((a) => ({ binding: a.binding, kind: a.kind, space: a.addressSpace, count: a.count, pattern: a.pattern, stride: a.strideElements, efficiency: a.coalescingEfficiency, conflicts: a.bankConflictDegree, invariant: a.loopInvariant })),
    loops: m.loops.map((l) => ({ trip: l.tripCount, text: l.tripCountText, perIteration: l.perIteration })),
  };
}

for (const [file, entry, build] of [["saxpy.wgsl", "saxpy", saxpyIR], ["matmul-tiled.wgsl", "matmul_tiled", matmulTiledIR]] as const) {
  test(`IR built by hand gives the model of ${file}`, () => {
    const text = example(file);
    const wgsl = analyzeSource(text, { model: { device } }).models.get(entry)!;
    assert.ok(wgsl, `the WGSL analysis models '${entry}'`);
    const ir = build();
    const byHand = modelKernel(ir, resolveLaunch(ir, directivesOnly(text), { subgroupSize: device.warpSize }), device);
    assert.deepEqual(comparable(byHand.model), comparable(wgsl.model));
    // Same findings (codes, severities, messages); the spans are each front-end's own.
    const findingsOf = (list: readonly { code: string; severity: string; message: string }[]) => list.map((f) => `${f.severity} ${f.code}: ${f.message}`).sort();
    assert.deepEqual(findingsOf(byHand.findings), findingsOf(wgsl.diagnostics.filter((d) => d.source === "kernellens" && !d.code.startsWith("directive"))));
  });
}

test("the hand-built matmul's numbers are the example's hand-derived ones (the comparison is not vacuous)", () => {
  const ir = matmulTiledIR();
  const { model } = modelKernel(ir, resolveLaunch(ir, directivesOnly(example("matmul-tiled.wgsl")), { subgroupSize: device.warpSize }), device);
  // From the example's header: 2 M N K FLOPs, 4 (M K + K N + M N) compulsory bytes, 2 tiles of 16 x 16 floats, 64
  // barriers per invocation over 262,144 invocations.
  assert.equal(model.ops.flopsF32.value, 2 * 512 ** 3);
  assert.equal((model.traffic.compulsoryRead ?? 0) + (model.traffic.compulsoryWritten ?? 0), 4 * 3 * 512 * 512);
  assert.equal(model.workgroupMemoryBytes, 2048);
  assert.equal(model.ops.barriers.value, 64 * 262144);
  assert.equal(model.loops[0].tripCount?.value, 32);
});

test("a sweep value reaches the hand-built IR through the same launch resolution (TILE = 8)", () => {
  const ir = matmulTiledIR();
  const launch = resolveLaunch(ir, directivesOnly(example("matmul-tiled.wgsl")), { given: new Map([["TILE", 8]]), subgroupSize: device.warpSize });
  assert.deepEqual(launch.workgroupSize, [8, 8, 1]);
  assert.deepEqual(launch.dispatch, [64, 64, 1]);
  const { model } = modelKernel(ir, launch, device);
  assert.equal(model.workgroupMemoryBytes, 2 * 8 * 8 * 4);
  assert.equal(model.ops.flopsF32.value, 2 * 512 ** 3);
  assert.equal(model.loops[0].tripCount?.value, 64);
});

test("the resolved launch says where each size came from: a directive, the command line, or the code", () => {
  const ir = matmulTiledIR();
  const directives = directivesOnly(example("matmul-tiled.wgsl"));
  const sizeOf = (l: ReturnType<typeof resolveLaunch>, name: string) => l.sizes.find((s) => s.name === name);
  const written = resolveLaunch(ir, directives);
  assert.deepEqual(sizeOf(written, "M"), { name: "M", value: 512, source: "directive" });
  assert.deepEqual(sizeOf(written, "workgroupSize"), { name: "workgroupSize", value: [16, 16, 1], source: "directive" });
  assert.deepEqual(sizeOf(written, "dispatch"), { name: "dispatch", value: [32, 32, 1], source: "directive" });
  assert.deepEqual(sizeOf(written, "buffer a"), { name: "buffer a", value: 512 * 512, source: "directive" });
  const given = resolveLaunch(ir, directives, { given: new Map([["TILE", 8]]) });
  assert.deepEqual(sizeOf(given, "workgroupSize"), { name: "workgroupSize", value: [8, 8, 1], source: "given" });
  // Without the @override line the workgroup size is the override's default: the code's.
  const fromCode = resolveLaunch(ir, directives.filter((d) => d.kind !== "override"));
  assert.deepEqual(sizeOf(fromCode, "workgroupSize"), { name: "workgroupSize", value: [16, 16, 1], source: "code" });
});

test("the WGSL front-end lowers textures with their format and dimensions, and subgroup operations as their own class", async () => {
  const { kernelIROf } = await import("../../server/src/core/analysis/kernelAnalysis");
  const { estimateBuiltinCost } = await import("../../server/src/core/wgsl/builtinCosts");
  const text = `
enable subgroups;
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var dst: texture_storage_3d<rgba8unorm, write>;
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;
// @dispatch 4
@compute @workgroup_size(64)
fn k(@builtin(global_invocation_id) g: vec3<u32>) {
  let v = textureLoad(src, vec2<u32>(g.xy), 0);
  textureStore(dst, g, v);
  sums[g.x] = subgroupAdd(v.x);
}`;
  const source = analyzeSource(text, { model: { device } });
  const ir = kernelIROf(source, source.kernels[0]);
  const byName = new Map(ir.bindings.map((b) => [b.name, b]));
  assert.deepEqual(byName.get("src")?.texture, { format: "f32", dimensions: 2, storage: false, texelBytes: 4, texelBytesAssumed: true });
  assert.deepEqual(byName.get("dst")?.texture, { format: "rgba8unorm", dimensions: 3, storage: true, texelBytes: 4, texelBytesAssumed: false });
  assert.equal(byName.get("sums")?.space, "global");
  const model = source.models.get("k")!.model;
  const perCall = estimateBuiltinCost("subgroupAdd", { resultComponents: 1, operandComponents: 1 })!.crossLaneOps;
  assert.ok(perCall > 0);
  assert.equal(model.ops.subgroupOps.value, 256 * perCall);
});
