// Drives the headless WebGPU helper (dist/gpuHelper.js) on the real adapter: results, errors, deadlines, crashes, calibration.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { GpuHelperProcess } from "../../server/src/gpu/helperClient";
import type { AdapterSummary, BufferSpec, Cancellation, CalibrationProgress, GpuHelper, HelperError, RunRequest, RunResponse } from "../../server/src/gpu/types";
import { findRepoRoot } from "../support/repoRoot";

const repoRoot = findRepoRoot(__dirname);
const NAN_BITS = 0x7fc00000;

/** Seeded uniform floats in [-1, 1), so a failure reproduces. */
function randomFloats(n: number, seed: number): Float32Array<ArrayBuffer> {
  let s = seed >>> 0;
  const out = new Float32Array(new ArrayBuffer(n * 4));
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function uniform(words: readonly number[], floats: Readonly<Record<number, number>> = {}): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(16, words.length * 4));
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  words.forEach((w, i) => (u[i] = w));
  for (const [i, v] of Object.entries(floats)) f[Number(i)] = v;
  return buf;
}

function request(code: string, buffers: BufferSpec[], dispatch: [number, number, number], extra: Partial<RunRequest> = {}): RunRequest {
  return { code, entryPoint: "main", constants: {}, buffers, dispatch, warmup: 1, repeat: 3, timeoutMs: 20_000, ...extra };
}

function expectOk(r: RunResponse): Extract<RunResponse, { ok: true }> {
  if (!r.ok) assert.fail(`run failed: ${r.error.kind}: ${r.error.message}`);
  return r;
}

function expectError(r: RunResponse | AdapterSummary | HelperError, kind: HelperError["kind"]): HelperError {
  const error = "ok" in r ? (r.ok ? undefined : r.error) : "kind" in r ? r : undefined;
  assert.ok(error, `expected a ${kind} error, got success`);
  assert.equal(error.kind, kind, `expected ${kind}, got ${error.kind}: ${error.message}`);
  return error;
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

/** Whether a process runs (a zombie waiting to be reaped by an init that never does counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

function manualCancel(): Cancellation & { fire(): void } {
  const listeners: (() => void)[] = [];
  const c = {
    cancelled: false,
    onCancel: (l: () => void) => listeners.push(l),
    fire: () => {
      c.cancelled = true;
      for (const l of listeners) l();
    },
  };
  return c;
}

const saxpy = readFileSync(join(repoRoot, "examples", "saxpy.wgsl"), "utf8");

function saxpyRequest(n: number, alpha: number, extra: Partial<RunRequest> = {}, code = saxpy): { req: RunRequest; x: Float32Array; y: Float32Array } {
  const x = randomFloats(n, 1);
  const y = randomFloats(n, 2);
  const req: RunRequest = {
    ...request(
      code,
      [
        { name: "x", group: 0, binding: 0, sizeBytes: n * 4, kind: "storage-read", data: x.buffer, readBack: false },
        { name: "y", group: 0, binding: 1, sizeBytes: n * 4, kind: "storage-read", data: y.buffer, readBack: false },
        { name: "out", group: 0, binding: 2, sizeBytes: n * 4, kind: "storage-read-write", readBack: true },
        { name: "params", group: 0, binding: 3, sizeBytes: 8, kind: "uniform", data: uniform([n], { 1: alpha }).slice(0, 8), readBack: false },
      ],
      [Math.ceil(n / 256), 1, 1],
    ),
    entryPoint: "saxpy",
    ...extra,
  };
  return { req, x, y };
}

/** Compares every element with a float64 reference; returns the count of mismatches and the first one. */
function compareSaxpy(out: Float32Array, x: Float32Array, y: Float32Array, alpha: number, n: number): { mismatches: number; first: number } {
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    const ref = Math.fround(alpha) * x[i] + y[i];
    if (!(Math.abs(out[i] - ref) <= 1e-6 * Math.max(1, Math.abs(ref)))) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  return { mismatches, first };
}

describe("GPU helper process on the real adapter", { timeout: 180_000 }, () => {
  let helper: GpuHelperProcess;
  const states: string[] = [];
  const logs: string[] = [];

  before(() => {
    helper = new GpuHelperProcess({ log: (m) => logs.push(m) });
    helper.onStateChange((s) => states.push(s));
  });

  after(() => helper.dispose());

  it("starts cold to an adapter summary quickly, and says it is a software rasterizer here", async () => {
    assert.equal(helper.state, "stopped");
    const t0 = performance.now();
    const a = await helper.adapter();
    const ms = performance.now() - t0;
    if ("kind" in a) assert.fail(`no adapter: ${a.message} ${a.advice ?? ""}`);
    console.log(`cold start to adapter: ${ms.toFixed(0)} ms; ${a.vendor} ${a.architecture} ${a.description} (${a.backend})`);
    assert.equal(a.software, true, "lavapipe is a CPU rasterizer");
    assert.equal(a.backend, "vulkan");
    assert.equal(a.timestampQuery, true);
    assert.ok(a.features.includes("timestamp-query"));
    assert.ok(a.limits.maxStorageBufferBindingSize >= 128 * 1024 * 1024);
    assert.ok(a.key.length > 0 && a.key.includes("vulkan"));
    assert.ok(ms < 3000, `cold start took ${ms} ms`);
    assert.deepEqual(states, ["starting", "ready"]);
    assert.equal(helper.state, "ready");
    // A second call answers from the warm child.
    assert.deepEqual(await helper.adapter(), a);
  });

  it("runs saxpy on poisoned outputs and matches a float64 reference on every element", async () => {
    const n = 100_003;
    const alpha = 2.5;
    const { req, x, y } = saxpyRequest(n, alpha, { warmup: 2, repeat: 5 });
    const r = expectOk(await helper.run(req));
    const out = new Float32Array(r.outputs.out);
    assert.equal(out.length, n);
    const { mismatches, first } = compareSaxpy(out, x, y, alpha, n);
    assert.equal(mismatches, 0, `first mismatch at ${first}: got ${out[first]}`);
    assert.equal(r.timing.method, "timestamp");
    assert.equal(r.timing.samplesMs.length, 5);
    assert.ok(r.timing.samplesMs.every((s) => s > 0 && s < 5000));
    assert.ok(r.timing.minMs <= r.timing.medianMs && r.timing.medianMs <= r.timing.maxMs);
    assert.equal(r.adapter.software, true);
    assert.deepEqual(Object.keys(r.outputs), ["out"], "only read-back buffers come back");
  });

  it("answers a compile error with its line and column", async () => {
    const code = ["@group(0) @binding(0) var<storage, read_write> o: array<f32>;", "@compute @workgroup_size(1) fn main() {", "  let a: f32 = 1u;", "  o[0] = a;", "}"].join("\n");
    const r = await helper.run(request(code, [{ name: "o", group: 0, binding: 0, sizeBytes: 4, kind: "storage-read-write", readBack: true }], [1, 1, 1]));
    const e = expectError(r, "compile");
    assert.equal(e.line, 3);
    assert.ok((e.column ?? 0) > 0);
    assert.match(e.message, /^3:\d+: error:/);
  });

  it("answers validation errors for a missing entry point and a missing binding", async () => {
    const code = "@group(0) @binding(0) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(1) fn main() { o[0] = 1.0; }";
    const o: BufferSpec = { name: "o", group: 0, binding: 0, sizeBytes: 4, kind: "storage-read-write", readBack: true };
    const e1 = expectError(await helper.run({ ...request(code, [o], [1, 1, 1]), entryPoint: "nope" }), "validation");
    assert.match(e1.message, /nope/);
    expectError(await helper.run(request(code, [], [1, 1, 1])), "validation");
    // And the helper still works afterwards, in the same process.
    const pid = helper.pid;
    const ok = expectOk(await helper.run(request(code, [o], [1, 1, 1])));
    assert.equal(new Float32Array(ok.outputs.o)[0], 1);
    assert.equal(helper.pid, pid);
  });

  it("rejects a malformed request in the helper with an internal error, and keeps going", async () => {
    const { req } = saxpyRequest(64, 1);
    const e = expectError(await helper.run({ ...req, repeat: 0 }), "internal");
    assert.match(e.message, /repeat must be a positive integer/);
    const e2 = expectError(await helper.run({ ...req, buffers: [{ ...req.buffers[0], kind: "texture" as BufferSpec["kind"] }] }), "internal");
    assert.match(e2.message, /buffers\[0\] \(x\): kind must be one of/);
    expectOk(await helper.run(req));
  });

  it("binds only what the entry point uses when a spec names a binding it ignores", async () => {
    const code = [
      "@group(0) @binding(0) var<storage, read> a: array<f32>;",
      "@group(0) @binding(1) var<storage, read_write> o: array<f32>;",
      "@group(0) @binding(2) var<storage, read_write> unused: array<f32>;",
      "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { o[g.x] = a[g.x] + 1.0; }",
      "@compute @workgroup_size(64) fn other(@builtin(global_invocation_id) g: vec3u) { unused[g.x] = 0.0; }",
    ].join("\n");
    const a = randomFloats(64, 7);
    const r = expectOk(
      await helper.run(
        request(
          code,
          [
            { name: "a", group: 0, binding: 0, sizeBytes: 256, kind: "storage-read", data: a.buffer, readBack: false },
            { name: "o", group: 0, binding: 1, sizeBytes: 256, kind: "storage-read-write", readBack: true },
            { name: "unused", group: 0, binding: 2, sizeBytes: 256, kind: "storage-read-write", readBack: true },
          ],
          [1, 1, 1],
        ),
      ),
    );
    const o = new Float32Array(r.outputs.o);
    for (let i = 0; i < 64; i++) assert.equal(o[i], Math.fround(a[i] + 1));
    assert.ok(new Uint32Array(r.outputs.unused).every((w) => w === NAN_BITS), "an unbound output keeps its poison");
  });

  it("returns the poison in the half of the output a kernel never writes", async () => {
    const n = 4096;
    const alpha = 1.5;
    const half = saxpy.replace("if (i < params.n)", "if (i < params.n / 2u)");
    const { req, x, y } = saxpyRequest(n, alpha, {}, half);
    const r = expectOk(await helper.run(req));
    const words = new Uint32Array(r.outputs.out);
    const out = new Float32Array(r.outputs.out);
    assert.equal(compareSaxpy(out.subarray(0, n / 2), x, y, alpha, n / 2).mismatches, 0);
    for (let i = n / 2; i < n; i++) assert.equal(words[i], NAN_BITS, `element ${i} was written`);
    // A custom pattern for integer outputs.
    const code = "@group(0) @binding(0) var<storage, read_write> o: array<u32>;\n@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { if (g.x % 2u == 0u) { o[g.x] = g.x; } }";
    const r2 = expectOk(await helper.run(request(code, [{ name: "o", group: 0, binding: 0, sizeBytes: 256, kind: "storage-read-write", poison: 0xdeadbeef, readBack: true }], [1, 1, 1])));
    const o = new Uint32Array(r2.outputs.o);
    for (let i = 0; i < 64; i++) assert.equal(o[i], i % 2 === 0 ? i : 0xdeadbeef);
  });

  it("restores read-write inputs and re-poisons outputs before every run", async () => {
    // In place: inout doubles itself; acc adds one to whatever it holds. Seven runs must look like one.
    const code = [
      "@group(0) @binding(0) var<storage, read_write> inout: array<f32>;",
      "@group(0) @binding(1) var<storage, read_write> acc: array<u32>;",
      "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { inout[g.x] = inout[g.x] * 2.0; acc[g.x] = acc[g.x] + 1u; }",
    ].join("\n");
    const data = randomFloats(64, 9);
    const r = expectOk(
      await helper.run(
        request(
          code,
          [
            { name: "inout", group: 0, binding: 0, sizeBytes: 256, kind: "storage-read-write", data: data.buffer, readBack: true },
            { name: "acc", group: 0, binding: 1, sizeBytes: 256, kind: "storage-read-write", poison: 100, readBack: true },
          ],
          [1, 1, 1],
          { warmup: 3, repeat: 4 },
        ),
      ),
    );
    const inout = new Float32Array(r.outputs.inout);
    const acc = new Uint32Array(r.outputs.acc);
    for (let i = 0; i < 64; i++) {
      assert.equal(inout[i], data[i] * 2, "one application, not seven");
      assert.equal(acc[i], 101, "poisoned before the last run");
    }
  });

  it("rotates input copies between timed runs and still computes the right result", async () => {
    const n = 1 << 16;
    const alpha = -0.75;
    const { req, x, y } = saxpyRequest(n, alpha, { rotateInputs: 3, warmup: 1, repeat: 7 });
    const r = expectOk(await helper.run(req));
    assert.equal(compareSaxpy(new Float32Array(r.outputs.out), x, y, alpha, n).mismatches, 0);
    assert.equal(r.timing.samplesMs.length, 7);
    // Each copy counts against the budget: one set of buffers (about 1.6 MB with staging and host copies) fits in
    // 2 MB, three copies of x and y (about 2.6 MB) do not.
    const tight = new GpuHelperProcess({ env: { ...process.env, KERNELLENS_GPU_MEMORY_BUDGET: "2000000" } });
    try {
      expectOk(await tight.run({ ...req, rotateInputs: 1 }));
      const e = expectError(await tight.run(req), "limits");
      assert.match(e.message, /memory budget is 2000000 bytes/);
      assert.match(e.message, /3 input copies/);
    } finally {
      tight.dispose();
    }
  });

  it("answers an oversized buffer with a limits error at once, without allocating it", async () => {
    await helper.adapter();
    const pid = helper.pid!;
    const rssBefore = rssKiB(pid);
    const t0 = performance.now();
    const code = "@group(0) @binding(0) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(1) fn main() { o[0] = 1.0; }";
    const big = 2 * 1024 * 1024 * 1024;
    const r = await helper.run(request(code, [{ name: "huge", group: 0, binding: 0, sizeBytes: big, kind: "storage-read-write", readBack: true }], [1, 1, 1]));
    const ms = performance.now() - t0;
    const e = expectError(r, "limits");
    assert.match(e.message, /"huge"/);
    assert.match(e.message, new RegExp(`${big}`));
    assert.match(e.message, /maxStorageBufferBindingSize is 134217728/);
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(helper.pid, pid, "the same helper answered");
    const rssAfter = rssKiB(pid);
    assert.ok(rssAfter - rssBefore < 64 * 1024, `RSS grew from ${rssBefore} to ${rssAfter} KiB`);
    // Too many workgroups, too.
    const e2 = expectError(await helper.run(request(code, [{ name: "o", group: 0, binding: 0, sizeBytes: 4, kind: "storage-read-write", readBack: true }], [70_000, 1, 1])), "limits");
    assert.match(e2.message, /maxComputeWorkgroupsPerDimension is 65535/);
  });

  it("kills a kernel that never ends at its deadline, and the next request runs on a fresh helper", async () => {
    const code = [
      "struct Params { n: u32 }",
      "@group(0) @binding(0) var<storage, read_write> x: array<f32>;",
      "@group(0) @binding(1) var<uniform> params: Params;",
      "@compute @workgroup_size(1) fn main() { while (params.n > 0u) { x[0] = x[0] + 1.0; } }",
    ].join("\n");
    await helper.adapter();
    const pidBefore = helper.pid!;
    const timeoutMs = 1500;
    const t0 = performance.now();
    const r = await helper.run(
      request(
        code,
        [
          { name: "x", group: 0, binding: 0, sizeBytes: 4, kind: "storage-read-write", data: new Float32Array([0]).buffer, readBack: true },
          { name: "params", group: 0, binding: 1, sizeBytes: 16, kind: "uniform", data: uniform([1]), readBack: false },
        ],
        [1, 1, 1],
        { timeoutMs, warmup: 0, repeat: 1 },
      ),
    );
    const ms = performance.now() - t0;
    const e = expectError(r, "timeout");
    // The run itself passed its deadline: the one case that points at a loop that does not end.
    assert.equal(e.message, `timed out after ${timeoutMs} ms: run 1 of 1 did not finish within its deadline`);
    assert.deepEqual(e.deadline, { deadlineMs: timeoutMs, phase: "dispatch", run: 1, runs: 1, warmup: false });
    assert.ok(ms >= timeoutMs - 5 && ms < timeoutMs + 1000, `answered after ${ms} ms`);
    assert.equal(helper.state, "failed");
    assert.ok(await waitFor(() => !alive(pidBefore), 2000), "the hung helper was killed");
    const n = 1000;
    const { req, x, y } = saxpyRequest(n, 3);
    const ok = expectOk(await helper.run(req));
    assert.equal(compareSaxpy(new Float32Array(ok.outputs.out), x, y, 3, n).mismatches, 0);
    assert.notEqual(helper.pid, pidBefore);
    assert.equal(helper.state, "ready");
  });

  it("gives each run its own deadline: a profile far longer than one deadline finishes, with its runs as progress", async () => {
    // A bounded kernel made to take about 100 ms a dispatch here, then timed more often than one deadline allows in all.
    const code = [
      "struct Params { n: u32 }",
      "@group(0) @binding(0) var<storage, read_write> o: array<f32>;",
      "@group(0) @binding(1) var<uniform> params: Params;",
      "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {",
      "  var a = f32(g.x);",
      "  for (var k = 0u; k < params.n; k++) { a = fma(a, 0.999, 0.5); }",
      "  o[g.x] = a;",
      "}",
    ].join("\n");
    const slow = (n: number, extra: Partial<RunRequest>): RunRequest =>
      request(
        code,
        [
          { name: "o", group: 0, binding: 0, sizeBytes: 64 * 16 * 4, kind: "storage-read-write", readBack: true },
          { name: "params", group: 0, binding: 1, sizeBytes: 16, kind: "uniform", data: uniform([n]), readBack: false },
        ],
        [16, 1, 1],
        { timeoutMs: 60_000, ...extra },
      );
    let n = 20_000;
    let perRunMs = 0;
    for (let i = 0; i < 8; i++) {
      const t = expectOk(await helper.run(slow(n, { warmup: 0, repeat: 1 }))).timing;
      perRunMs = t.medianMs;
      if (perRunMs >= 80) break;
      n = Math.min(2 ** 31, Math.ceil((n * 100) / Math.max(1, perRunMs)));
    }
    assert.ok(perRunMs >= 30, `could not make a slow enough kernel (${perRunMs} ms a run)`);
    // Each run is well inside the deadline; all of them together take three deadlines or more.
    const timeoutMs = Math.ceil(Math.max(5 * perRunMs, perRunMs + 1500));
    const repeat = Math.ceil((3 * timeoutMs) / perRunMs);
    const seen: CalibrationProgress[] = [];
    const t0 = performance.now();
    const r = await helper.run(slow(n, { warmup: 1, repeat, timeoutMs }), undefined, (p) => seen.push(p));
    const took = performance.now() - t0;
    const ok = expectOk(r);
    assert.equal(ok.timing.samplesMs.length, repeat);
    // Planned as three deadlines; a busy machine's runs vary, so what is checked is the point: more than one.
    assert.ok(took > timeoutMs, `the profile took ${took} ms, not more than one ${timeoutMs} ms deadline`);
    const runs = seen.filter((p) => p.step !== "reading back");
    assert.equal(runs.length, repeat + 1, "one progress message per dispatch");
    assert.deepEqual(runs[0], { step: "warm-up run", done: 0, total: repeat + 1 });
    assert.deepEqual(runs.at(-1), { step: "timed run", done: repeat, total: repeat + 1 });
    assert.deepEqual(seen.at(-1), { step: "reading back", done: repeat + 1, total: repeat + 1 });
  });

  it("answers crash when the helper dies mid-run, and the next run works", async () => {
    // A bounded but slow kernel: long dependent loops in every invocation.
    const code = [
      "struct Params { n: u32 }",
      "@group(0) @binding(0) var<storage, read_write> o: array<f32>;",
      "@group(0) @binding(1) var<uniform> params: Params;",
      "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {",
      "  var a = f32(g.x);",
      "  for (var k = 0u; k < params.n; k++) { a = fma(a, 0.999, 0.5); }",
      "  o[g.x] = a;",
      "}",
    ].join("\n");
    await helper.adapter();
    const pid = helper.pid!;
    const pending = helper.run(
      request(
        code,
        [
          { name: "o", group: 0, binding: 0, sizeBytes: 64 * 256 * 4, kind: "storage-read-write", readBack: true },
          { name: "params", group: 0, binding: 1, sizeBytes: 16, kind: "uniform", data: uniform([50_000_000]), readBack: false },
        ],
        [256, 1, 1],
        { timeoutMs: 60_000, warmup: 0, repeat: 1 },
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    process.kill(pid);
    const e = expectError(await pending, "crash");
    assert.match(e.message, /SIGTERM/);
    const { req } = saxpyRequest(256, 1);
    expectOk(await helper.run(req));
    assert.notEqual(helper.pid, pid);
  });

  it("cancels a running request by killing the helper, and a queued one without starting it", async () => {
    const code = "struct P { n: u32 }\n@group(0) @binding(0) var<storage, read_write> x: array<f32>;\n@group(0) @binding(1) var<uniform> p: P;\n@compute @workgroup_size(1) fn main() { while (p.n > 0u) { x[0] = x[0] + 1.0; } }";
    const hang = request(
      code,
      [
        { name: "x", group: 0, binding: 0, sizeBytes: 4, kind: "storage-read-write", readBack: false },
        { name: "p", group: 0, binding: 1, sizeBytes: 16, kind: "uniform", data: uniform([1]), readBack: false },
      ],
      [1, 1, 1],
      { timeoutMs: 30_000, warmup: 0, repeat: 1 },
    );
    await helper.adapter();
    const pid = helper.pid!;
    const c1 = manualCancel();
    const c2 = manualCancel();
    const t0 = performance.now();
    const running = helper.run(hang, c1);
    const queued = helper.run(saxpyRequest(64, 1).req, c2);
    c2.fire();
    expectError(await queued, "cancelled");
    await new Promise((r) => setTimeout(r, 200));
    c1.fire();
    expectError(await running, "cancelled");
    assert.ok(performance.now() - t0 < 5000);
    assert.ok(await waitFor(() => !alive(pid), 2000));
    expectOk(await helper.run(saxpyRequest(64, 1).req));
    // Already cancelled: answered without touching the helper.
    const c3 = manualCancel();
    c3.fire();
    expectError(await helper.run(saxpyRequest(64, 1).req, c3), "cancelled");
  });

  it("serialises concurrent requests and answers each with its own result", async () => {
    const runs = [1.0, 2.0, 3.0, 4.0].map((alpha) => ({ alpha, ...saxpyRequest(512, alpha) }));
    const answers = await Promise.all(runs.map((r) => helper.run(r.req)));
    for (const [i, a] of answers.entries()) {
      const ok = expectOk(a);
      assert.equal(compareSaxpy(new Float32Array(ok.outputs.out), runs[i].x, runs[i].y, runs[i].alpha, 512).mismatches, 0);
    }
  });

  it("calibrates with positive, plausible ceilings within its time budget", async () => {
    const progress: CalibrationProgress[] = [];
    const t0 = performance.now();
    const p = await helper.calibrate((s) => progress.push(s));
    const ms = performance.now() - t0;
    if ("kind" in p) assert.fail(`calibration failed: ${p.kind}: ${p.message}`);
    const gb = (v: number): string => (v / 1e9).toFixed(2);
    console.log(
      `calibration in ${(ms / 1000).toFixed(1)} s: copy f32 ${gb(p.copyBandwidthScalar)} GB/s, vec4 ${gb(p.copyBandwidthVec4)} GB/s, copyBufferToBuffer ${gb(p.copyBufferToBuffer)} GB/s, ` +
        `FMA f32 ${gb(p.fmaF32)} GFLOP/s, f16 ${p.fmaF16 === undefined ? "-" : gb(p.fmaF16)} GFLOP/s, workgroup ${gb(p.workgroupBandwidth)} GB/s, dispatch ${p.dispatchOverheadMs.toFixed(3)} ms (${p.timing})`,
    );
    for (const v of [p.copyBandwidthScalar, p.copyBandwidthVec4, p.copyBufferToBuffer, p.fmaF32, p.workgroupBandwidth, p.dispatchOverheadMs]) assert.ok(Number.isFinite(v) && v > 0);
    assert.ok(p.fmaF16 !== undefined && p.fmaF16 > 0, "lavapipe offers shader-f16");
    assert.ok(p.copyBandwidthVec4 > p.copyBandwidthScalar, "vec4 copies beat scalar ones on lavapipe");
    assert.ok(p.copyBufferToBuffer > p.copyBandwidthVec4, "the driver's copy beats a copy kernel");
    // Sane ranges for a CPU: between 0.1 and 200 GB/s, FLOP/s between 0.1 and 2000 G, overhead under 10 ms.
    for (const v of [p.copyBandwidthScalar, p.copyBandwidthVec4, p.copyBufferToBuffer, p.workgroupBandwidth]) assert.ok(v > 1e8 && v < 2e11, `bandwidth ${v}`);
    assert.ok(p.fmaF32 > 1e8 && p.fmaF32 < 2e12);
    assert.ok(p.dispatchOverheadMs < 10);
    assert.equal(p.timing, "timestamp");
    assert.equal(p.adapter.software, true);
    assert.ok(ms < 15_000, `calibration took ${ms} ms`);
    assert.equal(progress.at(-1)?.step, "done");
    assert.ok(progress.every((s, i) => s.total === progress[0].total && s.done === i), "progress counts up step by step");
  });

  it("stops a calibration cooperatively within the grace period, keeping the helper warm", async () => {
    const h = new GpuHelperProcess({ cancelGraceMs: 5000 });
    try {
      await h.adapter();
      const pid = h.pid;
      const c = manualCancel();
      const r = await h.calibrate((s) => {
        if (s.done === 1) c.fire();
      }, c);
      expectError(r as HelperError, "cancelled");
      assert.equal(h.pid, pid, "the child stopped by itself and stays warm");
      expectOk(await h.run(saxpyRequest(64, 1).req));
    } finally {
      h.dispose();
    }
  });
});

describe("GPU helper lifecycle", { timeout: 60_000 }, () => {
  it("answers no-adapter with driver advice when no backend offers one", async () => {
    const h = new GpuHelperProcess({ env: { ...process.env, KERNELLENS_GPU_BACKEND: process.platform === "darwin" ? "d3d12" : "metal" } });
    const states: string[] = [];
    h.onStateChange((s) => states.push(s));
    try {
      const e = expectError(await h.adapter(), "no-adapter");
      assert.ok(e.advice && e.advice.length > 10, "with advice");
      if (process.platform === "linux") assert.match(e.advice!, /Vulkan/);
      expectError(await h.run(saxpyRequest(64, 1).req), "no-adapter");
      assert.equal(h.state, "failed");
    } finally {
      h.dispose();
    }
    assert.deepEqual(states, ["starting", "failed", "stopped"]);
  });

  it("times with the wall clock where timestamps are unavailable, and says so", async () => {
    const h = new GpuHelperProcess({ env: { ...process.env, KERNELLENS_GPU_NO_TIMESTAMPS: "1" } });
    try {
      const a = await h.adapter();
      if ("kind" in a) assert.fail(a.message);
      assert.equal(a.timestampQuery, false);
      const n = 4096;
      const { req, x, y } = saxpyRequest(n, 2, { warmup: 1, repeat: 6 });
      const r = expectOk(await h.run(req));
      assert.equal(r.timing.method, "wall");
      assert.equal(r.timing.samplesMs.length, 6);
      assert.ok(r.timing.samplesMs.every((v) => v > 0));
      assert.equal(compareSaxpy(new Float32Array(r.outputs.out), x, y, 2, n).mismatches, 0);
    } finally {
      h.dispose();
    }
  });

  it("answers internal when the helper bundle is missing", async () => {
    const h = new GpuHelperProcess({ helperPath: join(repoRoot, "dist", "no-such-helper.js") });
    const e = expectError(await h.adapter(), "internal");
    assert.match(e.message, /not found/);
    h.dispose();
  });

  it("stops an idle helper after idleTimeoutMs and starts it again on demand", async () => {
    const h = new GpuHelperProcess({ idleTimeoutMs: 200 });
    try {
      await h.adapter();
      const pid = h.pid!;
      assert.ok(await waitFor(() => h.state === "stopped", 3000));
      assert.ok(await waitFor(() => !alive(pid), 2000));
      expectOk(await h.run(saxpyRequest(64, 1).req));
    } finally {
      h.dispose();
    }
  });

  it("answers queued requests with cancelled on dispose", async () => {
    const h: GpuHelper = new GpuHelperProcess();
    const a = h.run(saxpyRequest(64, 1).req);
    const b = h.run(saxpyRequest(64, 1).req);
    h.dispose();
    expectError(await a, "cancelled");
    expectError(await b, "cancelled");
    assert.equal(h.state, "stopped");
  });

  for (const how of ["exits", "is killed"] as const) {
    it(`never outlives its parent: the helper dies when the parent ${how}`, async () => {
      const script = [
        `const { GpuHelperProcess } = require(${JSON.stringify(join(repoRoot, "server", "src", "gpu", "helperClient.ts"))});`,
        "const h = new GpuHelperProcess();",
        how === "exits" ? "h.adapter().then(() => { console.log(h.pid); setTimeout(() => process.exit(0), 50); });" : "h.adapter().then(() => { console.log(h.pid); setInterval(() => {}, 1000); });",
      ].join("\n");
      const parent = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
      const pid = await new Promise<number>((resolvePid, reject) => {
        let text = "";
        parent.stdout.on("data", (d: Buffer) => {
          text += d.toString();
          const m = /^(\d+)\s/m.exec(text);
          if (m) resolvePid(Number(m[1]));
        });
        parent.on("exit", (code) => (/^\d+/.test(text) ? undefined : reject(new Error(`parent exited (${code}) before printing the helper's pid`))));
      });
      assert.ok(alive(pid), "the helper runs");
      if (how === "is killed") parent.kill("SIGKILL");
      assert.ok(await waitFor(() => !alive(pid), 5000), `helper ${pid} outlived its parent`);
    });
  }
});
