// The bounds-checking rewriter (core/run/boundsCheck.ts): which accesses it instruments and how, that what it writes
// still compiles with Tint (Dawn's null backend: no GPU needed) and keeps every line where it was, and how the
// record buffer decodes. Running instrumented kernels on a GPU is test/dawn/bounds-check.test.ts.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { before, describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import {
  BOUNDS_HEADER_WORDS,
  BOUNDS_SITE_WORDS,
  type BoundsInstrumentation,
  type BoundsSite,
  boundsRecordData,
  decodeBoundsRecord,
  describeViolation,
  instrumentBounds,
} from "../../server/src/core/run/boundsCheck";
import type { GpuHelper, RunRequest, RunResponse } from "../../server/src/gpu/types";
import { runKernel } from "../../server/src/run/runKernel";
import { TintCompiler } from "../../server/src/tint/tintCompiler";

const root = join(__dirname, "..", "..");
const corpus = join(root, "test", "fixtures", "corpus");
const examples = join(root, "examples");

function instrument(text: string, entry: string): BoundsInstrumentation {
  const r = instrumentBounds(text, entry);
  assert.ok(!("error" in r), "error" in r ? r.error : "");
  return r;
}

/** The sites as `array:access:length` (what a reader checks first). */
function summary(r: BoundsInstrumentation): string[] {
  return r.sites.map((s) => `${s.array}:${s.access}:${s.length}`);
}

/** Whether `small` is `big` with characters left out (the rewriter only inserts). */
function isSubsequence(small: string, big: string): boolean {
  let j = 0;
  for (let i = 0; i < big.length && j < small.length; i++) if (big[i] === small[j]) j++;
  return j === small.length;
}

/** Every line of the original is still there, at the same number, with only insertions in it. */
function assertLinesKept(original: string, r: BoundsInstrumentation): void {
  const before = original.replace(/\n$/, "").split("\n");
  const afterLines = r.code.split("\n");
  assert.ok(afterLines.length > before.length);
  for (const [i, line] of before.entries()) assert.ok(isSubsequence(line, afterLines[i]), `line ${i + 1}: ${line} -> ${afterLines[i]}`);
  // What comes after the original lines is all generated.
  assert.match(afterLines[before.length], /^\/\/ ---- KernelLens bounds checking/);
}

// Kernels in the styles of real libraries.
const GRID_STRIDE = `struct P { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
@compute @workgroup_size(64)
fn grid_stride(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * 64u;
  for (var i = gid.x; i < p.n; i += stride) {
    y[i] = 2.0 * x[i];
  }
}
`;

const STRUCT_OF_ARRAYS = `struct Particles { pos: array<vec4<f32>, 256>, vel: array<vec4<f32>, 256> }
struct Counted { count: u32, data: array<f32> }
@group(0) @binding(0) var<storage, read_write> ps: Particles;
@group(1) @binding(0) var<storage, read_write> log: Counted;
@compute @workgroup_size(64)
fn step(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3u) {
  let i = wid.x * 64u + li;
  ps.pos[i] += ps.vel[i] * 0.5;
  ps.pos[i].w = 1.0;
  log.data[i] = ps.pos[i].x;
}
`;

const OVERRIDE_TILE = `override TILE: u32 = 16;
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
var<workgroup> tile: array<f32, TILE * TILE>;
var<workgroup> grid2: array<array<f32, 17>, 16>;
@compute @workgroup_size(TILE, TILE)
fn tiled(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.y * TILE + lid.y;
  let col = wid.x * TILE + lid.x;
  tile[lid.y * TILE + lid.x] = a[r * 64u + col];
  grid2[lid.y][lid.x] = 1.0;
  workgroupBarrier();
  let k = workgroupUniformLoad(&tile[0u]);
  var acc = k;
  for (var i = 0u; i < TILE; i++) { acc += tile[lid.y * TILE + i] + grid2[i][lid.x]; }
  c[r * 64u + col] = acc;
}
`;

const POINTER_HELPER = `@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
var<workgroup> scratch: array<f32, 64>;
fn put(out: ptr<storage, array<f32>, read_write>, i: u32, v: f32) { (*out)[i] = v; }
fn load(t: ptr<workgroup, array<f32, 64>>, i: i32) -> f32 { return t[i]; }
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3u) {
  let g = wid.x * 64u + li;
  scratch[li] = src[g];
  workgroupBarrier();
  let row = &dst;
  put(&dst, g, load(&scratch, i32(63u - li)));
  (*row)[g] += 1.0;
  row[g] *= 2.0;
}
`;

const ATOMIC_HISTOGRAM = `@group(0) @binding(0) var<storage, read> keys: array<u32>;
@group(0) @binding(1) var<storage, read_write> hist: array<atomic<u32>>;
var<workgroup> local_hist: array<atomic<u32>, 256>;
@compute @workgroup_size(256)
fn histogram(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) li: u32) {
  atomicStore(&local_hist[li], 0u);
  workgroupBarrier();
  if (gid.x < arrayLength(&keys)) {
    atomicAdd(&local_hist[keys[gid.x] & 255u], 1u);
  }
  workgroupBarrier();
  let v = atomicLoad(&local_hist[li]);
  if (v > 0u) { atomicAdd(&hist[li], v); }
}
`;

const ARRAY_LENGTH_GUARDS = `struct In { @builtin(global_invocation_id) g: vec3<u32>, @builtin(local_invocation_index) li: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> idx: array<i32>;
@compute @workgroup_size(64)
fn guarded(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) li: u32) {
  let i = wid.x * 64u + li;
  if (i >= arrayLength(&y)) { return; }
  y[i] = x[min(i, arrayLength(&x) - 1u)] + x[idx[i]];
}
@compute @workgroup_size(64)
fn from_struct(input: In) {
  if (input.g.x < arrayLength(&y)) { y[input.g.x] = 0.0; }
}
@compute @workgroup_size(1)
fn no_params() {
  y[0] = x[0];
}
`;

/** Barriers and workgroupUniformLoad after indexed reads: the checks must not make a uniform value non-uniform. */
const UNIFORMITY = `@group(0) @binding(0) var<storage, read> dims: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
var<workgroup> t: array<f32, 64>;
@compute @workgroup_size(64)
fn uni(@builtin(local_invocation_index) li: u32) {
  for (var k = 0u; k < dims[0]; k++) {
    t[li] = f32(k);
    workgroupBarrier();
    out[li] += t[(li + 1u) % 64u];
    workgroupBarrier();
  }
  if (dims[1] > 3u) { workgroupBarrier(); }
  let m = workgroupUniformLoad(&t[dims[2]]);
  out[li] += m;
}
`;

describe("bounds-checking rewriter", () => {
  let tint: TintCompiler;
  before(async () => {
    const t = await TintCompiler.create();
    assert.ok(!("error" in t), "error" in t ? t.error : "");
    tint = t;
  });

  async function compiles(code: string, what: string): Promise<void> {
    const { messages } = await tint.compile(code);
    const errors = messages.filter((m) => m.type === "error");
    assert.deepEqual(errors.map((e) => `${e.lineNum}:${e.linePos}: ${e.message}`), [], `${what} compiles:\n${code}`);
  }

  async function check(text: string, entry: string): Promise<BoundsInstrumentation> {
    await compiles(text, `${entry} before instrumenting`);
    const r = instrument(text, entry);
    await compiles(r.code, `${entry} instrumented`);
    assertLinesKept(text, r);
    return r;
  }

  it("a grid-stride loop: both runtime-sized arrays, the length from arrayLength", async () => {
    const r = await check(GRID_STRIDE, "grid_stride");
    assert.deepEqual(summary(r), ["y:write:runtime", "x:read:runtime"]);
    assert.match(r.code, /y\[kl_bc_u\(i, arrayLength\(&y\), 0u\)\] = 2\.0 \* x\[kl_bc_u\(i, arrayLength\(&x\), 1u\)\]/);
    // The record goes after the module's own bindings, in the same group.
    assert.deepEqual({ group: r.record.group, binding: r.record.binding }, { group: 0, binding: 3 });
    assert.equal(r.record.sizeBytes, 4 * (BOUNDS_HEADER_WORDS + 2 * BOUNDS_SITE_WORDS));
    // The entry already has the global id: it is copied into the private variable, no parameter is added.
    assert.match(r.code, /fn grid_stride\(@builtin\(global_invocation_id\) gid: vec3u, @builtin\(num_workgroups\) nwg: vec3u\) \{ kl_bc_gid = gid;/);
  });

  it("a struct-of-arrays binding: member arrays by their path, a fixed length, a runtime-sized tail member", async () => {
    const r = await check(STRUCT_OF_ARRAYS, "step");
    assert.deepEqual(summary(r), ["ps.pos:read-write:256", "ps.vel:read:256", "ps.pos:write:256", "log.data:write:runtime", "ps.pos:read:256"]);
    assert.match(r.code, /log\.data\[kl_bc_u\(i, arrayLength\(&log\.data\), 3u\)\]/);
    // Bindings in two groups: the record joins the highest.
    assert.deepEqual({ group: r.record.group, binding: r.record.binding }, { group: 1, binding: 1 });
    // No global id among the parameters: one is added.
    assert.match(r.code, /@builtin\(workgroup_id\) wid: vec3u, @builtin\(global_invocation_id\) kl_bc_gid_in: vec3<u32>\) \{ kl_bc_gid = kl_bc_gid_in;/);
  });

  it("an override-sized workgroup tile: its length is a generated override; 2-D arrays check both indices", async () => {
    const r = await check(OVERRIDE_TILE, "tiled");
    assert.deepEqual(summary(r), [
      "tile:write:override",
      "a:read:runtime",
      "grid2:write:17",
      "grid2:write:16",
      "tile:reference:override",
      "tile:read:override",
      "grid2:read:17",
      "grid2:read:16",
      "c:write:runtime",
    ]);
    assert.match(r.code, /override kl_bc_n0: u32 = u32\(TILE \* TILE\);/);
    assert.equal(r.sites.filter((s) => s.space === "workgroup").length, 7);
    // A constant index into a fixed-size array is the compiler's to check: `tile[0u]` is override-sized, so it is ours.
    assert.match(r.code, /workgroupUniformLoad\(&tile\[kl_bc_u\(0u, kl_bc_n\d, 4u\)\]\)/);
  });

  it("an access through a helper taking a pointer, and through a let pointer: named after what the callers pass", async () => {
    const r = await check(POINTER_HELPER, "main");
    const byFunction = r.sites.map((s) => `${s.function}:${s.array}:${s.access}:${s.signed ? "i32" : "u32"}`);
    assert.deepEqual(byFunction, [
      "main:scratch:write:u32",
      "main:src:read:u32",
      "main:dst:read-write:u32",
      "main:dst:read-write:u32",
      "put:dst' through pointer 'out:write:u32",
      "load:scratch' through pointer 't:read:i32",
    ]);
    assert.ok(r.sites.every((s) => s.binding === "dst" || s.binding === "scratch" || s.binding === "src"));
    assert.match(r.code, /\(\*out\)\[kl_bc_u\(i, arrayLength\(&\(\(\*out\)\)\), 4u\)\]/);
    assert.match(r.code, /t\[kl_bc_i\(i, 64u, 5u\)\]/);
    assert.match(r.code, /row\[kl_bc_u\(g, arrayLength\(row\), 3u\)\]/);
  });

  it("atomics on storage and workgroup arrays, with the index read from another array", async () => {
    const r = await check(ATOMIC_HISTOGRAM, "histogram");
    assert.deepEqual(summary(r), ["local_hist:write:256", "local_hist:atomic:256", "keys:read:runtime", "local_hist:read:256", "hist:atomic:runtime"]);
    // Nested: the inner index is checked inside the outer one's check.
    assert.match(r.code, /local_hist\[kl_bc_u\(keys\[kl_bc_u\(gid\.x, arrayLength\(&keys\), 2u\)\] & 255u, 256u, 1u\)\]/);
  });

  it("arrayLength guards, an i32 index, the global id inside a struct parameter, an entry point with no parameters", async () => {
    const guarded = await check(ARRAY_LENGTH_GUARDS, "guarded");
    assert.deepEqual(guarded.sites.map((s) => `${s.array}:${s.signed ? "i32" : "u32"}`), ["y:u32", "x:u32", "x:i32", "idx:u32"]);
    const fromStruct = await check(ARRAY_LENGTH_GUARDS, "from_struct");
    assert.match(fromStruct.code, /fn from_struct\(input: In\) \{ kl_bc_gid = input\.g;/);
    const none = await check(ARRAY_LENGTH_GUARDS, "no_params");
    assert.match(none.code, /fn no_params\(@builtin\(global_invocation_id\) kl_bc_gid_in: vec3<u32>\) \{ kl_bc_gid = kl_bc_gid_in;/);
    // Constant indices into runtime-sized arrays are checked too: the compiler cannot.
    assert.deepEqual(summary(none), ["y:write:runtime", "x:read:runtime"]);
  });

  it("keeps uniform values uniform: barriers and workgroupUniformLoad after checked reads still compile", async () => {
    const r = await check(UNIFORMITY, "uni");
    assert.equal(r.sites.length, 8);
  });

  it("never reuses a name the kernel has: the prefix changes when kl_bc appears in the text", async () => {
    const text = GRID_STRIDE.replace("let stride", "let kl_bc_u = 0u;\n  let stride");
    const r = await check(text, "grid_stride");
    assert.equal(r.prefix, "kl_bc2");
    assert.match(r.code, /y\[kl_bc2_u\(i, /);
  });

  it("leaves alone what it must not touch: private and function arrays, vectors, uniform arrays, constant indices into fixed arrays", async () => {
    const text = `struct U { v: array<vec4<f32>, 4> }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>, 8>;
var<private> pv: array<f32, 4>;
@compute @workgroup_size(1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  var local: array<f32, 4>;
  local[gid.x] = pv[gid.x];
  out[gid.x][gid.y] = local[gid.x] + u.v[gid.x].x;
  out[3] = vec4<f32>(0.0);
}
`;
    const r = await check(text, "main");
    assert.deepEqual(summary(r), ["out:write:8"]);
  });

  it("does not instrument a function a vertex stage also reaches, and says so", async () => {
    const text = `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
fn shared_read(i: u32) -> f32 { return x[i]; }
@vertex fn vs(@builtin(vertex_index) v: u32) -> @builtin(position) vec4<f32> { return vec4<f32>(shared_read(v)); }
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) gid: vec3u) { y[gid.x] = shared_read(gid.x); }
`;
    const r = await check(text, "main");
    assert.deepEqual(summary(r), ["y:write:runtime"]);
    assert.equal(r.skipped.length, 1);
    assert.match(r.skipped[0].reason, /'shared_read' is also reached from a vertex or fragment entry point/);
  });

  it("answers with an error, never a throw, for an entry point it cannot instrument", () => {
    assert.match((instrumentBounds(GRID_STRIDE, "nope") as { error: string }).error, /no entry point named 'nope'/);
    const vertex = "@vertex fn vs() -> @builtin(position) vec4<f32> { return vec4<f32>(0.0); }\n";
    assert.match((instrumentBounds(vertex, "vs") as { error: string }).error, /not a compute entry point/);
    const deep = `@group(0) @binding(0) var<storage, read_write> y: array<f32>;\n@compute @workgroup_size(1) fn main() { y[0] = ${"(".repeat(5000)}1.0${")".repeat(5000)}; }\n`;
    const r = instrumentBounds(deep, "main");
    assert.ok("error" in r || r.sites.length === 1);
  });

  it("instruments every compute entry point of the corpus and the examples into code Tint accepts", async () => {
    const files = [
      ...readdirSync(corpus).filter((f) => f.endsWith(".wgsl") && f !== "common.wgsl").map((f) => join(corpus, f)),
      ...readdirSync(examples).filter((f) => f.endsWith(".wgsl")).map((f) => join(examples, f)),
      ...readdirSync(join(examples, "quant")).filter((f) => f.endsWith(".wgsl")).map((f) => join(examples, "quant", f)),
    ];
    let entries = 0;
    let sites = 0;
    for (const path of files) {
      const source = analyzeSource(readFileSync(path, "utf8"), {
        resolveInclude: (p, from) => {
          const full = resolve(dirname(from || path), p);
          return { key: full, text: readFileSync(full, "utf8") };
        },
      });
      for (const k of source.kernels.filter((x) => x.stage === "compute")) {
        const r = instrumentBounds(source.pre.text, k.name, { module: source.module, resolution: source.resolution });
        assert.ok(!("error" in r), `${path}:${k.name}: ${"error" in r ? r.error : ""}`);
        assert.deepEqual(r.skipped, [], `${path}:${k.name}: every access instrumented`);
        await compiles(r.code, `${path}:${k.name}`);
        entries++;
        sites += r.sites.length;
      }
    }
    assert.ok(entries >= 30 && sites >= 150, `${entries} entry points, ${sites} sites`);
  });
});

describe("bounds record", () => {
  const site = (id: number, signed = false): BoundsSite => ({
    id,
    span: { start: 0, end: 1 },
    indexSpan: { start: 0, end: 1 },
    access: "write",
    array: "out",
    binding: "out",
    space: "storage",
    signed,
    length: "runtime",
    function: "main",
  });
  const grid = [256, 4, 2] as const;
  const instr = { record: { group: 0, binding: 3, sizeBytes: 4 * (BOUNDS_HEADER_WORDS + 2 * BOUNDS_SITE_WORDS) } };

  /** A phase-0 record as the kernel leaves it: `first` recorded by one invocation, the lowest another. */
  function record(s: number, hits: number, lowest: readonly number[], first: readonly number[], index: number, len: number, previous?: ArrayBuffer): ArrayBuffer {
    const data = boundsRecordData(instr, grid, previous);
    const w = new Uint32Array(data);
    const b = BOUNDS_HEADER_WORDS + BOUNDS_SITE_WORDS * s;
    const linear = (g: readonly number[]): number => g[0] + grid[0] * (g[1] + grid[1] * g[2]);
    w[b] = hits;
    w[b + 1] = ~linear(lowest) >>> 0;
    w[b + 2] = 1;
    w[b + 3] = index >>> 0;
    w[b + 4] = len;
    w.set(first, b + 5);
    return data;
  }

  it("writes the header: phase, then invocations along x and y", () => {
    const w = new Uint32Array(boundsRecordData(instr, grid));
    assert.deepEqual([...w.slice(0, 4)], [0, 256, 4, 0]);
    assert.equal(w.length, BOUNDS_HEADER_WORDS + 2 * BOUNDS_SITE_WORDS);
    assert.ok(w.slice(4).every((x) => x === 0));
  });

  it("reports nothing for a record with no hits", () => {
    const d = decodeBoundsRecord([site(0), site(1)], grid, boundsRecordData(instr, grid));
    assert.deepEqual(d, { violations: [], needsExactPass: false });
  });

  it("takes the first recorder when it is the lowest invocation; asks for a second pass when it is not", () => {
    const lowestFirst = decodeBoundsRecord([site(0), site(1)], grid, record(1, 7, [3, 1, 0], [3, 1, 0], 1030, 1024));
    assert.equal(lowestFirst.needsExactPass, false);
    assert.equal(lowestFirst.violations.length, 1);
    const v = lowestFirst.violations[0];
    assert.deepEqual({ id: v.site.id, index: v.index, length: v.length, invocation: v.invocation, lowest: v.lowest, count: v.count }, { id: 1, index: 1030, length: 1024, invocation: [3, 1, 0], lowest: true, count: 7 });

    const phase0 = record(0, 64, [0, 0, 1], [17, 2, 1], 5000, 1024);
    const d0 = decodeBoundsRecord([site(0)], grid, phase0);
    assert.equal(d0.needsExactPass, true);
    assert.deepEqual(d0.violations[0].invocation, [17, 2, 1], "until then: the first recorder, not claimed to be the lowest");
    assert.equal(d0.violations[0].lowest, false);

    // The second pass starts from the first's record with phase 1; the lowest invocation records its own index.
    const phase1 = boundsRecordData(instr, grid, phase0);
    const w = new Uint32Array(phase1);
    assert.equal(w[0], 1);
    w[BOUNDS_HEADER_WORDS + 8] = 1;
    w[BOUNDS_HEADER_WORDS + 9] = ~(0 + grid[0] * (0 + grid[1] * 1)) >>> 0;
    w[BOUNDS_HEADER_WORDS + 10] = 4096;
    w[BOUNDS_HEADER_WORDS + 11] = 1024;
    const d1 = decodeBoundsRecord([site(0)], grid, phase0, phase1);
    assert.equal(d1.needsExactPass, false);
    assert.deepEqual({ index: d1.violations[0].index, invocation: d1.violations[0].invocation, lowest: d1.violations[0].lowest, count: d1.violations[0].count }, { index: 4096, invocation: [0, 0, 1], lowest: true, count: 64 });
  });

  it("decodes an i32 index as signed", () => {
    const d = decodeBoundsRecord([site(0, true)], grid, record(0, 1, [0, 0, 0], [0, 0, 0], -1, 16));
    assert.equal(d.violations[0].index, -1);
  });

  it("keeps the first recorder when linear ids do not fit in 32 bits", () => {
    const huge = [65536, 65536, 2] as const;
    const data = boundsRecordData(instr, huge);
    const w = new Uint32Array(data);
    w[4] = 3;
    w[6] = 1;
    w[7] = 99;
    w[8] = 10;
    w.set([5, 6, 1], 9);
    const d = decodeBoundsRecord([site(0)], huge, data);
    assert.equal(d.needsExactPass, false);
    assert.deepEqual({ invocation: d.violations[0].invocation, lowest: d.violations[0].lowest, index: d.violations[0].index }, { invocation: [5, 6, 1], lowest: false, index: 99 });
  });

  it("says what happened in one line", () => {
    const v = { site: site(0), index: 1024, length: 1024, invocation: [1024, 0, 0] as const, lowest: true, count: 1 };
    assert.equal(describeViolation(v, "line 23"), "out-of-bounds write to 'out' at index 1024 (length 1024) by invocation (1024, 0, 0), line 23");
    assert.equal(
      describeViolation({ ...v, count: 64, site: { ...site(0), access: "read", array: "x" } }, "line 3 of common.wgsl (included at line 9)"),
      "out-of-bounds read of 'x' at index 1024 (length 1024) by invocation (1024, 0, 0), line 3 of common.wgsl (included at line 9); 64 out-of-bounds accesses there in all",
    );
  });
});

describe("checked mode in the run pipeline (a fake helper)", () => {
  const text = `// @let N = 256
// @dispatch N / 64
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) { out[gid.x] = x[gid.x]; }
`;
  const adapter = { vendor: "fake", architecture: "", device: "", description: "fake", backend: "null", software: true, features: [], limits: {}, timestampQuery: false, key: "fake" };

  /** Answers the plain request with written outputs, and the checked one with `checked` (what a real helper could say). */
  function fakeHelper(checked: (r: RunRequest) => RunResponse): GpuHelper & { requests: RunRequest[] } {
    const requests: RunRequest[] = [];
    return {
      requests,
      state: "ready",
      adapter: async () => adapter,
      calibrate: async () => ({ kind: "internal", message: "no" }),
      onStateChange: () => undefined,
      dispose: () => undefined,
      run: async (r) => {
        requests.push(r);
        if (r.buffers.some((b) => b.name === "kernellens:bounds")) return checked(r);
        const outputs = Object.fromEntries(r.buffers.filter((b) => b.readBack).map((b) => [b.name, new ArrayBuffer(b.sizeBytes)]));
        return { ok: true, outputs, timing: { method: "wall", samplesMs: [1], medianMs: 1, minMs: 1, maxMs: 1 }, adapter };
      },
    };
  }
  const options = { file: "/tmp/k.wgsl", text, warmup: 1, repeat: 3, allowWorkspaceCode: false, boundsCheck: true };

  it("makes one untimed checked request after the timed one, with the record bound after the kernel's bindings", async () => {
    const helper = fakeHelper((r) => ({ ok: true, outputs: { "kernellens:bounds": new ArrayBuffer(r.buffers.at(-1)!.sizeBytes) }, timing: { method: "wall", samplesMs: [9], medianMs: 9, minMs: 9, maxMs: 9 }, adapter }));
    const [o] = await runKernel(helper, options);
    assert.equal(o.status, "passed");
    assert.deepEqual(o.bounds, { checked: true, sites: 2, skipped: 0, runs: 1, violations: [] });
    assert.equal(helper.requests.length, 2);
    const [timed, checked] = helper.requests;
    assert.deepEqual([timed.warmup, timed.repeat, checked.warmup, checked.repeat], [1, 3, 0, 1]);
    assert.equal(o.timing?.medianMs, 1, "the timing is the unchecked run's");
    assert.doesNotMatch(timed.code, /kl_bc/);
    assert.match(checked.code, /kl_bc_u\(gid\.x, arrayLength\(&out\), 0u\)/);
    const record = checked.buffers.at(-1)!;
    assert.deepEqual([record.group, record.binding, record.kind, record.readBack], [0, 2, "storage-read-write", true]);
    assert.ok(checked.buffers.slice(0, -1).every((b) => !b.readBack), "outputs are not read back from the checked run");
    // Off: one request, no bounds.
    const off = fakeHelper(() => assert.fail("no checked request"));
    const [plain] = await runKernel(off, { ...options, boundsCheck: false });
    assert.equal(plain.bounds, undefined);
    assert.equal(off.requests.length, 1);
  });

  it("says why when the checked run cannot be made, without failing the kernel; a cancel is a cancel", async () => {
    const [o] = await runKernel(fakeHelper(() => ({ ok: false, error: { kind: "validation", message: "too many storage buffers\nmore" } })), options);
    assert.equal(o.status, "passed");
    assert.deepEqual(o.bounds, { checked: false, reason: "the checked run failed (validation): too many storage buffers", sites: 2, skipped: 0, runs: 0, violations: [] });
    const [c] = await runKernel(fakeHelper(() => ({ ok: false, error: { kind: "cancelled", message: "cancelled" } })), options);
    assert.equal(c.status, "error");
    assert.equal(c.error?.kind, "cancelled");
  });
});
