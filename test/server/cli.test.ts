// Runs the `kernellens` command line as users and CI do, and checks its JSON and SARIF against the contract.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Log } from "sarif";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");

function kernellens(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", timeout: 60000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "kernellens-cli-"));
const bad = join(dir, "bad.wgsl");
writeFileSync(bad, "// @dispatch ceil(N / 64\n@compute @workgroup_size(64)\nfn main() {\n  let x: i32 = 1.5;\n}\n");

describe("kernellens analyze", { timeout: 120000 }, () => {
  it("prints one contract object per file with --json and exits 0 when clean", () => {
    const r = kernellens("analyze", "examples/saxpy.wgsl", "--json");
    assert.equal(r.code, 0, r.stderr);
    const obj = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(obj).sort(), ["device", "diagnostics", "file", "kernels", "language"]);
    assert.equal(obj.file, "examples/saxpy.wgsl");
    assert.equal(obj.language, "wgsl");
    assert.deepEqual(Object.keys(obj.device).sort(), ["id", "name", "source"]);
    // Clean: nothing above a hint (saxpy is memory-bound by nature, which the model notes as a hint).
    assert.deepEqual(obj.diagnostics.filter((d: { severity: string }) => d.severity !== "hint"), []);
    assert.deepEqual(obj.diagnostics.map((d: { code: string }) => d.code), ["low-arithmetic-intensity"]);
    assert.ok(Array.isArray(obj.kernels));
  });

  it("reports Tint and directive errors with 0-based LSP ranges and exits 1", () => {
    const r = kernellens("analyze", bad, "--json");
    assert.equal(r.code, 1);
    const obj = JSON.parse(r.stdout);
    const tint = obj.diagnostics.find((d: { source: string }) => d.source === "tint");
    assert.deepEqual(tint.range, { start: { line: 3, character: 15 }, end: { line: 3, character: 18 } });
    assert.equal(tint.severity, "error");
    assert.equal(tint.code, "tint-error");
    const dir = obj.diagnostics.find((d: { code: string }) => d.code === "directive-syntax");
    assert.equal(dir.range.start.line, 0);
    for (const d of obj.diagnostics) assert.deepEqual(Object.keys(d).sort(), ["code", "message", "range", "severity", "source"]);
  });

  it("prints each kernel's verdict on its own line, marked modelled, and names the device in the summary", () => {
    const r = kernellens("analyze", "examples/saxpy.wgsl", "examples/matmul-tiled.wgsl");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^examples\/saxpy\.wgsl:\d+:\d+: saxpy: ≈ [\d.]+ (ms|µs) \(modelled\) · memory-bound · occupancy \d+% \(estimated\)$/m);
    // The tiled matmul stages tiles in workgroup memory: its size is said in WGSL's words.
    assert.match(r.stdout, /^examples\/matmul-tiled\.wgsl:\d+:\d+: matmul_tiled: ≈ [\d.]+ (ms|µs) \(modelled\) · .*-bound · occupancy \d+% \(estimated\) · 2048 B workgroup memory \(estimated\)$/m);
    assert.match(r.stdout, /^2 file\(s\): 0 error\(s\), 0 warning\(s\); times modelled for NVIDIA GeForce RTX 4090$/m);
  });

  it("prints one JSON line per file for several files", () => {
    const r = kernellens("analyze", "examples/saxpy.wgsl", bad, "--json");
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 2);
    assert.deepEqual(lines.map((l) => JSON.parse(l).file), ["examples/saxpy.wgsl", bad]);
  });

  it("writes a SARIF 2.1.0 log with 1-based regions, rules and levels", () => {
    const r = kernellens("analyze", bad, "examples/saxpy.wgsl", "--sarif");
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as Log;
    assert.equal(log.version, "2.1.0");
    assert.match(log.$schema ?? "", /sarif-2\.1\.0/);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, "KernelLens");
    const rules = run.tool.driver.rules ?? [];
    const results = run.results ?? [];
    assert.ok(results.length >= 2);
    for (const res of results) {
      assert.ok(res.ruleId && rules[res.ruleIndex ?? -1]?.id === res.ruleId, "ruleIndex points at the rule");
      assert.ok(["error", "warning", "note"].includes(res.level ?? ""));
      assert.ok(res.message.text && res.message.text.length > 0);
    }
    const tint = results.find((x) => x.ruleId === "tint-error");
    const region = tint?.locations?.[0]?.physicalLocation?.region;
    assert.deepEqual(region, { startLine: 4, startColumn: 16, endLine: 4, endColumn: 19 });
    assert.equal(run.artifacts?.length, 2);
  });

  it("falls back to the KernelLens parser without Tint", () => {
    const broken = join(dir, "syntax.wgsl");
    writeFileSync(broken, "fn main() {\n  let x = 1\n  let y = 2;\n}\n");
    const r = kernellens("analyze", broken, "--json", "--no-tint");
    const obj = JSON.parse(r.stdout);
    assert.equal(r.code, 1);
    assert.equal(obj.diagnostics[0].code, "wgsl-syntax");
    assert.equal(obj.diagnostics[0].source, "kernellens");
  });

  it("exits 2 with a clear message for bad usage", () => {
    const missing = kernellens("analyze", "nope.wgsl");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read 'nope\.wgsl'/);
    const unknown = kernellens("frobnicate");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    // A mistake gets one line with the closest match and a pointer to --help, not the whole help text.
    const typo = kernellens("analyz", "examples/saxpy.wgsl");
    assert.equal(typo.code, 2);
    assert.equal(typo.stderr, "kernellens: unknown command 'analyz': did you mean 'analyze'?\nRun 'kernellens --help' for the commands and options.\n");
    const option = kernellens("analyze", "--jsn", "examples/saxpy.wgsl");
    assert.equal(option.code, 2);
    assert.match(option.stderr, /^kernellens: unknown option '--jsn': did you mean '--json'\?\n/);
    assert.doesNotMatch(option.stderr + missing.stderr + unknown.stderr, /Usage:/);
    const badLet = kernellens("analyze", "examples/saxpy.wgsl", "--let", "N");
    assert.equal(badLet.code, 2);
    assert.match(badLet.stderr, /--let needs NAME=NUMBER/);
  });

  it("doctor says whether Tint and a GPU adapter are here", () => {
    const r = kernellens("doctor", "--json");
    const report = JSON.parse(r.stdout) as { tint: { available: boolean }; adapter: { available: boolean; vendor?: string; advice?: string } };
    assert.equal(report.tint.available, true);
    if (report.adapter.available) assert.ok(report.adapter.vendor && r.code === 0);
    else assert.ok(/install/.test(report.adapter.advice ?? "") && r.code === 3);
  });

  it("fills kernels with the cost model, and --device and --let change it", () => {
    const base = JSON.parse(kernellens("analyze", "examples/matmul-tiled.wgsl", "--json").stdout);
    const k = base.kernels[0];
    assert.equal(k.name, "matmul_tiled");
    assert.equal(k.flops, 2 * 512 ** 3);
    assert.equal(k.bytes.compulsory, 3 * 512 * 512 * 4);
    assert.deepEqual(k.workgroupSize, [16, 16, 1]);
    assert.deepEqual(k.dispatch, [32, 32, 1]);
    for (const key of ["invocations", "intOps", "specialOps", "workgroupMemoryBytes", "arithmeticIntensity", "occupancy", "roofline", "quantization"]) assert.ok(key in k, key);
    assert.equal(k.occupancy.estimated, true);
    assert.ok(k.roofline.predictedMs > 0);
    const bigger = JSON.parse(kernellens("analyze", "examples/matmul-tiled.wgsl", "--json", "--let", "M=1024", "--let", "N=1024", "--let", "K=1024").stdout).kernels[0];
    assert.equal(bigger.flops, 2 * 1024 ** 3);
    const amd = JSON.parse(kernellens("analyze", "examples/matmul-tiled.wgsl", "--json", "--device", "amd-mi300x").stdout);
    assert.equal(amd.device.id, "amd-mi300x");
    assert.notEqual(amd.kernels[0].roofline.predictedMs, k.roofline.predictedMs);
    const bad = kernellens("analyze", "examples/saxpy.wgsl", "--device", "nvidia-nope");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown device 'nvidia-nope'/);
  });

  it("says what it assumed where the file states no launch, and what it cannot know instead of a silent zero", () => {
    const f = join(dir, "nolaunch.wgsl");
    writeFileSync(f, "@group(0) @binding(0) var<storage, read_write> a: array<f32>;\n@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { a[g.x] = a[g.x] * 2.0; }\n");
    // No guard and no directive: one invocation per element of the assumed 1,048,576 (16,384 workgroups of 64), one
    // multiply each; every launch-dependent field says it rests on that.
    const k = JSON.parse(kernellens("analyze", f, "--json").stdout).kernels[0];
    assert.equal(k.flops, 1048576);
    assert.deepEqual(k.dispatch, [16384, 1, 1]);
    assert.deepEqual(k.assumptions.map((a: { name: string; source: string; directive: string }) => [a.name, a.source, a.directive]), [["dispatch", "assumed", "// @dispatch 16384"]]);
    assert.ok(["dispatch", "flops", "bytes", "roofline"].every((x) => k.assumedFields.includes(x)), k.assumedFields.join());
    assert.ok(!k.assumedFields.includes("occupancy"));
    // The assumed size is an option.
    const small = JSON.parse(kernellens("analyze", f, "--json", "--assume-size", "4096").stdout).kernels[0];
    assert.equal(small.flops, 4096);
    // A workgroup size left to a macro nothing defines: nothing to count, and the reason instead of a zero.
    const g = join(dir, "nowg.wgsl");
    writeFileSync(g, "@group(0) @binding(0) var<storage, read_write> a: array<f32>;\n@compute @workgroup_size(WG) fn main(@builtin(global_invocation_id) g: vec3u) { a[g.x] = a[g.x] * 2.0; }\n");
    const none = JSON.parse(kernellens("analyze", g, "--json").stdout).kernels[0];
    assert.equal(none.flops, null);
    assert.match(JSON.stringify(none.unknowns), /'WG', which nothing defines/);
    assert.deepEqual(none.assumedFields, []);
  });

  it("lists the device database with sources", () => {
    const r = kernellens("devices", "--json");
    assert.equal(r.code, 0);
    const list = JSON.parse(r.stdout) as { id: string; vendor: string; sources: Record<string, string> }[];
    assert.ok(list.length >= 25);
    for (const v of ["nvidia", "amd", "apple", "intel"]) assert.ok(list.some((d) => d.vendor === v), v);
    assert.ok(list.every((d) => Object.keys(d.sources).length > 5));
    const text = kernellens("devices");
    assert.match(text.stdout, /nvidia-h100-sxm/);
  });

  it("lists the quantization formats and fills each kernel's quantization entry", () => {
    const formats = JSON.parse(kernellens("formats", "--json").stdout) as { id: string; bitsWithScale: number }[];
    const bits = new Map(formats.map((f) => [f.id, f.bitsWithScale]));
    assert.equal(bits.get("q4_0"), 4.5);
    assert.equal(bits.get("mxfp4"), 4.25);
    assert.equal(bits.get("q8_0"), 8.5);
    const bad = JSON.parse(kernellens("analyze", "examples/quant/int4-gemv-bad.wgsl", "--json").stdout);
    const q = bad.kernels[0].quantization[0];
    assert.deepEqual({ binding: q.binding, format: q.format, bits: q.bitsPerElement, group: q.groupSize }, { binding: "w", format: "int4", bits: 4.25, group: 128 });
    assert.ok(q.inferredFrom.length >= 2 && q.inferredFrom.every((e: { range: { start: { line: number } } }) => e.range.start.line >= 0));
    assert.ok(bad.diagnostics.some((d: { code: string }) => d.code === "dequant-in-inner-loop"));
    const good = JSON.parse(kernellens("analyze", "examples/quant/int4-gemv-good.wgsl", "--json").stdout);
    assert.ok(!good.diagnostics.some((d: { code: string }) => d.code === "dequant-in-inner-loop"));
  });
});

describe("kernellens sweep", { timeout: 120000 }, () => {
  it("writes a sweep file the Design-space panel accepts: every point checked, infeasible ones with a reason, a Pareto front", async () => {
    const { validateSweepResult, dominates } = await import("../../server/src/core/sweep/result");
    const r = kernellens("sweep", "test/fixtures/sweep/matmul-tiled.wgsl", "--json", "--budget", "0");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no point was timed/, "says that it predicts and does not time");
    const result = JSON.parse(r.stdout);
    assert.deepEqual(validateSweepResult(result), []);
    assert.equal(result.entry, "matmul_tiled");
    assert.deepEqual(result.space.map((p: { name: string; values: number[] }) => [p.name, p.values]), [["TILE", [4, 8, 16, 32]], ["BM", [1, 2, 4, 8, 16]]]);
    assert.equal(result.points.length, 20);
    assert.equal(result.measured, 0);
    assert.equal(result.best, null);
    type P = { params: Record<string, number>; feasible: boolean; reason: string | null; predictedMs: number | null; measuredMs: null; objectives?: Record<string, number> };
    const points: P[] = result.points;
    // TILE=32 is a 32x32 workgroup: 1024 invocations, above WebGPU's default 256.
    for (const p of points.filter((q) => q.params.TILE === 32)) {
      assert.equal(p.feasible, false);
      assert.match(p.reason ?? "", /1024 invocations/);
    }
    // TILE=16, BM=16: a_tile 16*16*16 + b_tile 16*16 floats = 17,408 bytes, above 16,384.
    const big = points.find((q) => q.params.TILE === 16 && q.params.BM === 16);
    assert.match(big?.reason ?? "", /17408 bytes/);
    const feasible = points.filter((q) => q.feasible);
    assert.equal(feasible.length, 14);
    for (const p of feasible) {
      assert.ok(p.predictedMs !== null && p.predictedMs > 0);
      assert.equal(p.measuredMs, null);
      assert.equal(p.objectives?.workgroupMemoryBytes, 4 * (p.params.TILE * p.params.TILE * p.params.BM + p.params.TILE * p.params.TILE));
    }
    // The front: no feasible point dominates a point on it, and every point off it is dominated.
    const o = (p: P): [number, number] => [p.objectives?.timeMs ?? NaN, p.objectives?.workgroupMemoryBytes ?? NaN];
    assert.ok(result.pareto.length >= 2);
    for (const i of result.pareto) assert.ok(!feasible.some((q) => dominates(o(q), o(points[i]))));
    for (const [i, p] of points.entries()) {
      if (p.feasible && !result.pareto.includes(i)) assert.ok(feasible.some((q) => dominates(o(q), o(p)) || (o(q)[0] === o(p)[0] && o(q)[1] === o(p)[1])));
    }
  });

  it("prints the points fastest first, and a bad @sweep or a file without one is an error with a location", () => {
    const r = kernellens("sweep", "examples/matmul-tiled.wgsl", "--budget=0");
    assert.equal(r.code, 0, r.stderr);
    const times = [...r.stdout.matchAll(/^\s+([\d.]+) ms \(model\)/gm)].map((m) => Number(m[1]));
    assert.equal(times.length, 2);
    assert.ok(times[0] <= times[1]);
    const none = kernellens("sweep", "examples/saxpy.wgsl");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no '\/\/ @sweep/);
    const broken = join(dir, "broken-sweep.wgsl");
    writeFileSync(broken, "// @sweep T in range(4, 4)\n@compute @workgroup_size(64)\nfn main() {}\n");
    const b = kernellens("sweep", broken);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /broken-sweep\.wgsl:1:\d+: error \[sweep-values\]/);
  });
});
