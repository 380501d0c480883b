// Checked runs on a real adapter (Dawn; lavapipe where there is no GPU): out-of-bounds writes and reads reported at
// their line with the index, the length and the invocation; correct kernels pass with the outputs an unchecked run
// computes; the CLI's exit code and flags.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { BOUNDS_HEADER_WORDS, boundsRecordData, decodeBoundsRecord, instrumentBounds } from "../../server/src/core/run/boundsCheck";
import { poisonPattern } from "../../server/src/core/run/check";
import { DEFAULT_SEED, materializeInputs } from "../../server/src/core/run/inputs";
import { buildRunPlan } from "../../server/src/core/run/plan";
import { GpuHelperProcess } from "../../server/src/gpu/helperClient";
import type { BufferSpec, RunRequest } from "../../server/src/gpu/types";
import type { RunOptions, RunOutcome } from "../../server/src/run/api";
import { runKernel } from "../../server/src/run/runKernel";

const root = join(__dirname, "..", "..");
const examples = join(root, "examples");
const bin = join(root, "bin", "kernellens.js");
const work = mkdtempSync(join(tmpdir(), "kl-bounds-"));
mkdirSync(join(work, "ref"));
for (const f of readdirSync(join(examples, "ref"))) copyFileSync(join(examples, "ref", f), join(work, "ref", f));

function write(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

function options(file: string, extra: Partial<RunOptions> = {}): RunOptions {
  return { file, text: readFileSync(file, "utf8"), warmup: 0, repeat: 1, timeoutMs: 60000, allowWorkspaceCode: true, boundsCheck: true, ...extra };
}

/** The line (1-based) of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, needle);
  return i + 1;
}

/** An off-by-one dispatch with no guard: one workgroup too many, so invocations N..N+63 read x and write out past the end. */
const OFF_BY_ONE = `// @let N = 1024
// @dispatch N / 64 + 1
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  out[i] = 2.0 * x[i];
}
`;

describe("checked runs on a real adapter", { timeout: 600000 }, () => {
  let helper: GpuHelperProcess;

  before(async () => {
    helper = new GpuHelperProcess();
    const a = await helper.adapter();
    assert.ok("key" in a, `a WebGPU adapter: ${"message" in a ? a.message : ""}`);
  });

  after(() => helper?.dispose());

  it("reports an out-of-bounds write (an off-by-one dispatch without a guard) at its line, with the index, length and invocation", async () => {
    const file = write("off-by-one.wgsl", OFF_BY_ONE);
    const [o] = await runKernel(helper, options(file));
    assert.equal(o.status, "failed", JSON.stringify(o.error ?? o.bounds));
    assert.ok(o.bounds?.checked);
    assert.equal(o.bounds.sites, 2);
    const line = lineOf(OFF_BY_ONE, "out[i] = 2.0 * x[i];");
    const w = o.bounds.violations.find((v) => v.access === "write")!;
    assert.equal(w.message, `out-of-bounds write to 'out' at index 1024 (length 1024) by invocation (1024, 0, 0), line ${line}; 64 out-of-bounds accesses there in all`);
    assert.deepEqual(
      { array: w.array, binding: w.binding, space: w.space, index: w.index, length: w.length, invocation: w.invocation, lowest: w.lowest, count: w.count },
      { array: "out", binding: "out", space: "storage", index: 1024, length: 1024, invocation: [1024, 0, 0], lowest: true, count: 64 },
    );
    assert.deepEqual([w.line, w.column, w.endLine, w.endColumn], [line, 3, line, 9], "the span of out[i]");
    const read = o.bounds.violations.find((v) => v.access === "read")!;
    assert.equal(read.message, `out-of-bounds read of 'x' at index 1024 (length 1024) by invocation (1024, 0, 0), line ${line}; 64 out-of-bounds accesses there in all`);
    assert.equal(read.column, 18);
    // The checks and the timing come from the unchecked run, which robustness let pass: every output was written.
    assert.ok(o.checks.every((c) => c.passed));
    assert.equal(o.timing?.samplesMs.length, 1);
    // Unchecked, the same kernel passes: Dawn's robustness dropped or clamped the accesses and nothing said so.
    const [unchecked] = await runKernel(helper, options(file, { boundsCheck: false }));
    assert.equal(unchecked.status, "passed");
    assert.equal(unchecked.bounds, undefined);
  });

  it("reports an out-of-bounds read by the one invocation that makes it", async () => {
    const text = `// @let N = 4096
// @dispatch N / 64
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn stencil(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  // The last invocation reads one past the end.
  out[i] = 0.5 * (x[i] + x[i + 1u]);
}
`;
    const [o] = await runKernel(helper, options(write("stencil.wgsl", text)));
    assert.equal(o.status, "failed");
    assert.deepEqual(
      o.bounds?.violations.map((v) => v.message),
      [`out-of-bounds read of 'x' at index 4096 (length 4096) by invocation (4095, 0, 0), line ${lineOf(text, "x[i + 1u]")}`],
    );
  });

  it("names the lowest invocation and its own index when others record first, and decodes a negative i32 index", async () => {
    // Invocation 0 spins before its access (index -1) while 4,079 others (indices 16 and up) go out of bounds at once.
    const text = `// @dispatch 64
// @buffer out[16]
@group(0) @binding(0) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn late(@builtin(global_invocation_id) gid: vec3<u32>) {
  var v = 1.0;
  if (gid.x == 0u) {
    for (var k = 0u; k < 5000000u; k++) { v = fma(v, 0.999, 0.001); }
  }
  out[i32(gid.x) - 1] = v;
}
`;
    const [o] = await runKernel(helper, options(write("late.wgsl", text)));
    assert.equal(o.status, "failed");
    const [v] = o.bounds!.violations;
    assert.deepEqual({ index: v.index, length: v.length, invocation: v.invocation, lowest: v.lowest, count: v.count }, { index: -1, length: 16, invocation: [0, 0, 0], lowest: true, count: 1 + 4096 - 17 });
    assert.equal(v.message, `out-of-bounds write to 'out' at index -1 (length 16) by invocation (0, 0, 0), line ${lineOf(text, "out[i32(gid.x) - 1]")}; 4080 out-of-bounds accesses there in all`);
    // Whether the first run's first recorder was invocation 0 depends on the scheduler (on lavapipe it is not).
    assert.ok(o.bounds!.runs === 1 || o.bounds!.runs === 2);
    console.log(`late.wgsl: ${o.bounds!.runs} checked run(s)`);

    // The second pass itself, made to happen: a first record that names invocation 0 as the lowest, another as the
    // first recorder; in phase 1 invocation 0, and only it, records the index of its first out-of-bounds access.
    const instr = instrumentBounds(text, "late");
    assert.ok(!("error" in instr));
    const grid = [4096, 1, 1] as const;
    const phase0 = boundsRecordData(instr, grid);
    const w = new Uint32Array(phase0);
    w.set([4080, 0xffffffff, 1, 16, 16, 17, 0, 0], BOUNDS_HEADER_WORDS);
    const request: RunRequest = {
      code: instr.code,
      entryPoint: "late",
      constants: {},
      dispatch: [64, 1, 1],
      warmup: 0,
      repeat: 1,
      timeoutMs: 60000,
      buffers: [
        { name: "out", group: 0, binding: 0, sizeBytes: 64, kind: "storage-read-write", readBack: false },
        { name: "record", group: instr.record.group, binding: instr.record.binding, sizeBytes: instr.record.sizeBytes, kind: "storage-read-write", data: boundsRecordData(instr, grid, phase0), readBack: true },
      ],
    };
    const second = await helper.run(request);
    assert.ok(second.ok, JSON.stringify(!second.ok && second.error));
    const decoded = decodeBoundsRecord(instr.sites, grid, phase0, second.outputs.record);
    assert.deepEqual(decoded.violations.map((x) => [x.index, x.length, x.invocation, x.lowest]), [[-1, 16, [0, 0, 0], true]]);
  });

  it("reports a workgroup array read past an override-sized tile, and a write through a pointer parameter", async () => {
    const text = `// @override WG = 64
// @dispatch 4
// @buffer x[256] = random(-1, 1)
// @buffer out[256]
override WG: u32 = 64;
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
var<workgroup> tile: array<f32, WG>;

fn store(dst: ptr<storage, array<f32>, read_write>, i: u32, v: f32) {
  (*dst)[i] = v;
}

@compute @workgroup_size(WG)
fn blur(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let g = wid.x * WG + lid.x;
  tile[lid.x] = x[g];
  workgroupBarrier();
  out[g] = tile[lid.x] + tile[lid.x + 1u];
  if (lid.x == 0u) { store(&out, g + 256u, 0.0); }
}
`;
    const [o] = await runKernel(helper, options(write("tile.wgsl", text)));
    assert.equal(o.status, "failed");
    assert.deepEqual(
      o.bounds?.violations.map((v) => v.message),
      [
        `out-of-bounds write to 'out' through pointer 'dst' at index 256 (length 256) by invocation (0, 0, 0), line ${lineOf(text, "(*dst)[i] = v;")}; 4 out-of-bounds accesses there in all`,
        `out-of-bounds read of 'tile' at index 64 (length 64) by invocation (63, 0, 0), line ${lineOf(text, "tile[lid.x + 1u]")}; 4 out-of-bounds accesses there in all`,
      ],
    );
    assert.equal(o.bounds?.violations[1].space, "workgroup");
  });

  it("points into an included file through the #include line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kl-bounds-inc-"));
    writeFileSync(join(dir, "helpers.wgsl"), "// helpers\nfn twice(i: u32) -> f32 {\n  return 2.0 * x[i];\n}\n");
    const text = `// @let N = 256
// @dispatch N / 64 + 1
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
#include "helpers.wgsl"
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < arrayLength(&out)) { out[gid.x] = twice(gid.x); }
  else { out[0] = twice(gid.x); }
}
`;
    const file = join(dir, "inc.wgsl");
    writeFileSync(file, text);
    const [o] = await runKernel(helper, options(file));
    assert.equal(o.status, "failed", JSON.stringify(o.error));
    const [v] = o.bounds!.violations;
    assert.equal(v.message, "out-of-bounds read of 'x' at index 256 (length 256) by invocation (256, 0, 0), line 3 of helpers.wgsl (included at line 7); 64 out-of-bounds accesses there in all");
    assert.equal(v.line, 7);
    assert.deepEqual(v.included, { file: resolve(dir, "helpers.wgsl"), line: 3 });
  });

  const correct = ["saxpy.wgsl", "matmul-tiled.wgsl", "matmul-tiled-blocked.wgsl", "reduction.wgsl", "transpose-tiled.wgsl", "conv2d.wgsl", "quant/int8-dot.wgsl", "quant/q4_0-gemv.wgsl"];
  for (const name of correct) {
    it(`${name}: passes checked, and the checked kernel computes exactly the unchecked outputs`, async () => {
      const path = join(examples, name);
      const text = readFileSync(path, "utf8");
      const [o] = await runKernel(helper, options(path, { allowWorkspaceCode: false }));
      assert.equal(o.status, "passed", JSON.stringify({ error: o.error, bounds: o.bounds, checks: o.checks.filter((c) => !c.passed).map((c) => c.message) }));
      assert.ok(o.bounds?.checked, o.bounds?.reason);
      assert.equal(o.bounds.violations.length, 0);
      assert.ok(o.bounds.sites > 0);

      // The same request twice, the second with the instrumented code and its record buffer: byte-equal outputs.
      const source = analyzeSource(text, { resolveInclude: (p, from) => ({ key: resolve(dirname(from || path), p), text: readFileSync(resolve(dirname(from || path), p), "utf8") }) });
      const kernel = source.kernels.find((k) => k.stage === "compute" && k.name === o.entry)!;
      const { plan } = buildRunPlan(source, kernel, new Map());
      assert.ok(plan);
      const inputs = materializeInputs(plan.bindings, { seed: DEFAULT_SEED });
      assert.deepEqual(inputs.problems, []);
      const buffers: BufferSpec[] = plan.bindings.map((b) => ({
        name: b.name,
        group: b.group,
        binding: b.binding,
        sizeBytes: b.sizeBytes,
        kind: b.kind,
        data: inputs.buffers.get(b.name),
        poison: b.role === "output" ? poisonPattern(b.scalar) : undefined,
        readBack: b.role === "output" || b.role === "inout",
      }));
      const request: RunRequest = { code: source.pre.text, entryPoint: plan.entry, constants: plan.constants, buffers, dispatch: plan.dispatch, warmup: 0, repeat: 1, timeoutMs: 60000 };
      const instr = instrumentBounds(source.pre.text, plan.entry, { module: source.module, resolution: source.resolution });
      assert.ok(!("error" in instr));
      const grid = [0, 1, 2].map((a) => plan.workgroupSize[a] * plan.dispatch[a]) as [number, number, number];
      const record: BufferSpec = { name: "record", group: instr.record.group, binding: instr.record.binding, sizeBytes: instr.record.sizeBytes, kind: "storage-read-write", data: boundsRecordData(instr, grid), readBack: true };
      const plain = await helper.run(request);
      const checked = await helper.run({ ...request, code: instr.code, buffers: [...buffers, record] });
      assert.ok(plain.ok && checked.ok, JSON.stringify([!plain.ok && plain.error, !checked.ok && checked.error]));
      const outputs = buffers.filter((b) => b.readBack).map((b) => b.name);
      assert.ok(outputs.length > 0);
      for (const name of outputs) assert.ok(Buffer.from(plain.outputs[name]).equals(Buffer.from(checked.outputs[name])), `${name} is the same`);
      assert.ok(new Uint32Array(checked.outputs.record).slice(4).every((w) => w === 0), "nothing recorded");
    });
  }

  describe("the command line", () => {
    const kernellens = (...args: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: "utf8", timeout: 180000 });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };

    it("exits 1 on an out-of-bounds access (checked by default), 0 with --no-bounds-check, and puts the findings in --json", () => {
      const file = write("off-by-one-cli.wgsl", OFF_BY_ONE);
      const line = lineOf(OFF_BY_ONE, "out[i] = 2.0 * x[i];");
      const r = kernellens("run", file, "--no-history", "--repeat", "1");
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /main {2}FAIL/);
      assert.ok(r.stdout.includes(`  bounds FAIL out-of-bounds write to 'out' at index 1024 (length 1024) by invocation (1024, 0, 0), line ${line}`), r.stdout);
      const off = kernellens("run", file, "--no-history", "--repeat", "1", "--no-bounds-check");
      assert.equal(off.code, 0, off.stdout);
      assert.doesNotMatch(off.stdout, /bounds/);
      const json = kernellens("run", file, "--no-history", "--repeat", "1", "--json");
      assert.equal(json.code, 1);
      const o = JSON.parse(json.stdout.trim()) as RunOutcome;
      assert.equal(o.status, "failed");
      assert.deepEqual(o.bounds?.violations.map((v) => [v.access, v.index, v.line]), [["write", 1024, line], ["read", 1024, line]]);
      // A correct kernel says what was checked.
      const good = kernellens("run", join(examples, "saxpy.wgsl"), "--no-history", "--repeat", "1", "--bounds-check");
      assert.equal(good.code, 0, good.stdout);
      assert.match(good.stdout, /bounds ok {3}3 array access\(es\) checked, none out of bounds/);
    });
  });
});
