// Triton's cache read without Python (server/src/triton/tritonCache.ts) on a cache folder built here in the layout
// Triton writes: python/triton/runtime/cache.py (FileCacheManager: TRITON_CACHE_DIR or ~/.triton/cache, one folder per
// compile hash, `__grp__<name>.json` = {"child_paths": [...]}) and python/triton/compiler/compiler.py (`compile`:
// `<fn name>.json` metadata from json.dumps of hash, target {backend, arch, warp_size}, the backend options, then
// `name` and `shared` from the stages; one `<fn name>.<stage>` file per stage). The cubins are real, from nvcc 13,
// with the kernel named as Triton names it (the function's own name).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { matchCachedKernel } from "../../server/src/core/triton/compiledMetadata";
import { readTritonCache, tritonCacheDir } from "../../server/src/triton/tritonCache";
import { ADD_KERNEL_CU, type CompiledCubin, MATMUL_KERNEL_CU, noNvcc, nvccCubin } from "../support/tritonCubins";

const work = mkdtempSync(join(tmpdir(), "kernellens-triton-cache-"));
after(() => rmSync(work, { recursive: true, force: true }));

const cfg = (constexprs: Record<string, number>, numWarps = 4, numStages = 3) => ({ constexprs: Object.entries(constexprs).map(([name, value]) => ({ name, value })), numWarps, numStages });

/** One compile's folder as Triton leaves it: metadata, stage files, the group file. */
function writeCompile(cache: string, hash: string, fn: string, meta: Record<string, unknown>, cubinPath: string | null): void {
  const dir = join(cache, hash);
  mkdirSync(dir, { recursive: true });
  const files = [`${fn}.json`, `${fn}.ttir`, `${fn}.ttgir`, `${fn}.llir`, `${fn}.ptx`, ...(cubinPath ? [`${fn}.cubin`] : [])];
  writeFileSync(
    join(dir, `${fn}.json`),
    JSON.stringify({ hash, target: { backend: "cuda", arch: 90, warp_size: 32 }, num_warps: 4, num_ctas: 1, num_stages: 3, maxnreg: null, cluster_dims: [1, 1, 1], debug: false, backend_name: "cuda", name: fn, shared: 0, ...meta }),
  );
  for (const stage of ["ttir", "ttgir", "llir", "ptx"]) writeFileSync(join(dir, `${fn}.${stage}`), `// ${stage} of ${fn}\n`);
  if (cubinPath) copyFileSync(cubinPath, join(dir, `${fn}.cubin`));
  writeFileSync(join(dir, `__grp__${fn}.json`), JSON.stringify({ child_paths: files.sort() }));
}

describe("where Triton's cache is", () => {
  it("follows TRITON_CACHE_DIR, then TRITON_HOME, then the home folder", () => {
    assert.equal(tritonCacheDir({ TRITON_CACHE_DIR: " /data/tc " }, "/home/u"), "/data/tc");
    assert.equal(tritonCacheDir({ TRITON_HOME: "/opt/th" }, "/home/u"), join("/opt/th", ".triton", "cache"));
    assert.equal(tritonCacheDir({ TRITON_CACHE_DIR: "  " }, "/home/u"), join("/home/u", ".triton", "cache"));
  });

  it("says when there is no cache", () => {
    const r = readTritonCache(join(work, "nowhere"), ["add_kernel"]);
    assert.equal(r.found, false);
    assert.deepEqual(r.kernels, []);
  });
});

describe("reading Triton's cache", { skip: noNvcc }, () => {
  const cache = join(work, "cache");
  // One kernel per cubin, as Triton writes them (one compile, one kernel); built before the tests (not at load, so a
  // machine without nvcc skips them cleanly).
  let cubins: CompiledCubin;
  let addOnly: CompiledCubin;
  before(() => {
    cubins = nvccCubin(work, "cache_matmul", MATMUL_KERNEL_CU, "sm_90");
    addOnly = nvccCubin(work, "cache_add", ADD_KERNEL_CU, "sm_90");
    writeCompile(cache, "AAAA1", "add_kernel", { num_warps: 4, shared: 0 }, addOnly.path);
    writeCompile(cache, "BBBB2", "add_kernel", { num_warps: 8, shared: 512 }, addOnly.path);
    writeCompile(cache, "CCCC3", "matmul_kernel", { num_warps: 8, num_stages: 4, shared: 98304 }, cubins.path);
    writeCompile(cache, "DDDD4", "other_kernel", { num_warps: 4 }, null);
    // A compile whose cubin was never written (interrupted), and a folder of something else.
    writeCompile(cache, "EEEE5", "matmul_kernel", { num_warps: 2, num_stages: 1, shared: 0 }, null);
    mkdirSync(join(cache, "not-a-compile"));
    writeFileSync(join(cache, "not-a-compile", "notes.txt"), "x");
  });

  it("finds the named functions' compiles with their metadata and cubins, and nothing else", () => {
    const r = readTritonCache(cache, ["add_kernel", "matmul_kernel"]);
    assert.equal(r.found, true);
    assert.deepEqual(r.kernels.map((k) => `${k.metadata.name} w${k.metadata.numWarps} s${k.metadata.numStages} ${k.cubin ? "cubin" : "no cubin"}`).sort(), [
      "add_kernel w4 s3 cubin",
      "add_kernel w8 s3 cubin",
      "matmul_kernel w2 s1 no cubin",
      "matmul_kernel w8 s4 cubin",
    ]);
    assert.ok(r.kernels.every((k) => k.path.startsWith(cache) && k.path.endsWith(".json")));
    assert.deepEqual(r.notes, []);
  });

  it("gives exact numbers for the configuration the cache holds: shared from the metadata, registers from the cubin", () => {
    const r = readTritonCache(cache, ["matmul_kernel"]);
    const config = cfg({ BLOCK_M: 128, BLOCK_N: 128, BLOCK_K: 64 }, 8, 4);
    const m = matchCachedKernel(r.kernels, "matmul_kernel", config, [config], 90);
    if (!("kernel" in m)) assert.fail(m.none);
    assert.equal(m.kernel.sharedBytes, 98304);
    assert.equal(m.kernel.registersPerThread, cubins.ptxas.get("matmul_kernel")!.registers);
    assert.equal(m.kernel.numWarps, 8);
    assert.match(m.kernel.source, /CCCC3\/matmul_kernel\.json/);
    // The compile without a cubin gives no numbers: registers would be unknown.
    const partial = cfg({ BLOCK_M: 32 }, 2, 1);
    const none = matchCachedKernel(r.kernels, "matmul_kernel", partial, [partial], 90);
    assert.ok("none" in none && /no cubin/.test(none.none));
  });

  it("picks the add_kernel compile by num_warps", () => {
    const r = readTritonCache(cache, ["add_kernel"]);
    const w8 = cfg({ BLOCK_SIZE: 1024 }, 8, 3);
    const m = matchCachedKernel(r.kernels, "add_kernel", w8, [w8, cfg({ BLOCK_SIZE: 256 }, 4, 3)], 90);
    if (!("kernel" in m)) assert.fail(m.none);
    assert.equal(m.kernel.sharedBytes, 512);
    assert.equal(m.kernel.registersPerThread, addOnly.ptxas.get("add_kernel")!.registers);
  });

  it("caps what it reads and reports files it could not read", () => {
    const big = join(work, "bigcache");
    writeCompile(big, "FFFF6", "add_kernel", {}, addOnly.path);
    truncateSync(join(big, "FFFF6", "add_kernel.json"), 2 * 1024 * 1024);
    writeCompile(big, "GGGG7", "add_kernel", {}, addOnly.path);
    writeFileSync(join(big, "GGGG7", "add_kernel.json"), "{ not json");
    mkdirSync(join(big, "HHHH8"));
    try {
      execFileSync("mkfifo", [join(big, "HHHH8", "add_kernel.json")]);
    } catch {
      /* no mkfifo: the pipe case is skipped */
    }
    const r = readTritonCache(big, ["add_kernel"]);
    assert.equal(r.kernels.length, 0);
    assert.ok(r.notes.some((n) => /more than the/.test(n)), r.notes.join("\n"));
    assert.ok(r.notes.some((n) => /GGGG7.*not a JSON object/.test(n)), r.notes.join("\n"));
  });

  it("opens only files named after valid function names", () => {
    const r = readTritonCache(cache, ["../etc/passwd", "add_kernel; rm", ""]);
    assert.deepEqual(r.kernels, []);
  });
});
