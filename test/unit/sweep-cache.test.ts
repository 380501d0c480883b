// What the sweep cache keys on (the variant's fingerprint, its parameters, the adapter, the run settings) and the
// store on disk; applying a point to the kernel while keeping its @sweep lines.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { variantFingerprint } from "../../server/src/core/sweep/fingerprint";
import { substituteParameters } from "../../server/src/core/sweep/result";
import { openSweepCache, sweepCacheKey, type SweepCacheKeyParts } from "../../server/src/sweep/cache";

const kernel = `// @let N = 4096
// @override WG = 64
// @dispatch ceil(N / WG)
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
// @sweep WG in [32, 64, 128]
override WG: u32 = 64;
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

fn twice(v: f32) -> f32 { return v * 2.0; }
fn unused(v: f32) -> f32 { return v; }

@compute @workgroup_size(WG)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < arrayLength(&out)) { out[i] = twice(x[i]); }
}

@compute @workgroup_size(64)
fn other(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.x] = 1.0;
}
`;

const fp = (text: string): string => variantFingerprint(analyzeSource(text), "scale");

describe("variantFingerprint", () => {
  const base = fp(kernel);
  it("ignores comments, spacing, unreached declarations, other entry points and the @sweep lines", () => {
    assert.equal(fp(kernel.replace("let i = gid.x;", "// the element\n  let   i = gid.x ;")), base);
    assert.equal(fp(kernel.replace("return v; }", "return v + 1.0; }")), base, "an unused function");
    assert.equal(fp(kernel.replace("out[gid.x] = 1.0;", "out[gid.x] = 2.0;")), base, "another entry point");
    assert.equal(fp(kernel.replace("[32, 64, 128]", "[16, 32, 64, 128, 256]")), base, "a new value in the sweep");
  });
  it("changes with the entry's code, what it calls, its overrides and its launch directives", () => {
    assert.notEqual(fp(kernel.replace("out[i] = twice(x[i]);", "out[i] = twice(x[i]) + 1.0;")), base);
    assert.notEqual(fp(kernel.replace("return v * 2.0;", "return v * 3.0;")), base, "a called function");
    assert.notEqual(fp(kernel.replace("override WG: u32 = 64;", "override WG: u32 = 32;")), base, "an override default");
    assert.notEqual(fp(kernel.replace("random(-1, 1)", "random(0, 1)")), base, "a buffer's contents");
    assert.notEqual(fp(kernel.replace("@let N = 4096", "@let N = 8192")), base, "a size");
  });
});

describe("sweepCacheKey", () => {
  const parts: SweepCacheKeyParts = {
    fingerprint: "wgsl\nfn f",
    params: { WG: 64, TILE: 8 },
    adapter: { vendor: "mesa", architecture: "", device: "llvmpipe", description: "Mesa 25", backend: "vulkan" },
    warmup: 1,
    seed: undefined,
    lets: new Map([["N", 4096]]),
    defines: [],
    references: ["export default () => 1"],
  };
  const key = sweepCacheKey(parts);
  it("is a hex SHA-256, independent of the order parameters are listed in", () => {
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(sweepCacheKey({ ...parts, params: { TILE: 8, WG: 64 } }), key);
  });
  it("changes with the variant, the point, the adapter, the run settings and the reference", () => {
    const changed: Partial<SweepCacheKeyParts>[] = [
      { fingerprint: "wgsl\nfn g" },
      { params: { WG: 32, TILE: 8 } },
      { adapter: { ...parts.adapter, device: "NVIDIA H100" } },
      { adapter: { ...parts.adapter, description: "Mesa 26" } },
      { warmup: 2 },
      { seed: 7 },
      { lets: new Map([["N", 8192]]) },
      { defines: ["USE_F16"] },
      { references: ["export default () => 2"] },
    ];
    for (const c of changed) assert.notEqual(sweepCacheKey({ ...parts, ...c }), key, JSON.stringify(Object.keys(c)));
  });
});

describe("openSweepCache", () => {
  it("stores, reads back, survives a corrupt entry as a miss, and clears", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "kl-cache-")), "sweep");
    const cache = openSweepCache(dir);
    const key = "ab".repeat(32);
    assert.equal(cache.get(key), undefined);
    cache.set(key, { status: "passed", samplesMs: [1.5, 1.25], reason: null, error: 1e-7 });
    assert.deepEqual(cache.get(key), { status: "passed", samplesMs: [1.5, 1.25], reason: null, error: 1e-7 });
    const failed = "cd".repeat(32);
    cache.set(failed, { status: "failed", samplesMs: [], reason: "a check failed on the GPU: 12 mismatches", error: 0.5 });
    assert.equal(cache.get(failed)?.status, "failed");
    // No temporary files left behind.
    assert.deepEqual(readdirSync(join(dir, "ab")), [`${key}.json`]);
    writeFileSync(join(dir, "ab", `${key}.json`), "{ not json");
    assert.equal(cache.get(key), undefined);
    writeFileSync(join(dir, "ab", `${key}.json`), JSON.stringify({ format: 1, status: "passed", samplesMs: [-1], reason: null, error: null }));
    assert.equal(cache.get(key), undefined, "a negative time is not a measurement");
    assert.equal(cache.get("../../etc/passwd"), undefined, "a key is a hash, never a path");
    cache.clear();
    assert.equal(cache.get(failed), undefined);
  });
});

describe("substituteParameters with keepSweepLines (apply best configuration)", () => {
  it("rewrites the override default and keeps the @sweep line", () => {
    const applied = substituteParameters(kernel, { WG: 128 }, { entry: "scale", keepSweepLines: true });
    assert.match(applied.text, /override WG: u32 = 128;/);
    assert.match(applied.text, /\/\/ @override WG = 128/);
    assert.match(applied.text, /\/\/ @sweep WG in \[32, 64, 128\]/);
    // The edits, applied to the baseline in order, give the same text.
    let text = kernel;
    for (const e of [...applied.edits].reverse()) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    assert.equal(text, applied.text);
  });
  it("pins a parameter only its sweep line declares on a new line above it", () => {
    const source = "// @sweep BLOCK in [1, 2]\n// @dispatch BLOCK\n@compute @workgroup_size(1) fn f() {}\n";
    const applied = substituteParameters(source, { BLOCK: 2 }, { keepSweepLines: true });
    assert.equal(applied.text, "// @let BLOCK = 2\n// @sweep BLOCK in [1, 2]\n// @dispatch BLOCK\n@compute @workgroup_size(1) fn f() {}\n");
    // Without keepSweepLines the sweep line itself becomes the pin (a variant, not an edit of the kernel).
    assert.equal(substituteParameters(source, { BLOCK: 2 }).text, "// @let BLOCK = 2\n// @dispatch BLOCK\n@compute @workgroup_size(1) fn f() {}\n");
  });
});
