// Triton's exact path, the pure half: registers and local memory read from real cubins (compiled here with nvcc 13 and
// with ptxas as Triton runs it; ptxas -v's own report is the oracle), the helper's reply parsed, cache metadata in the
// shape Triton writes it, and a cached compile matched to a configuration.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cubinResources } from "../../server/src/core/cuda/cubinResources";
import {
  type CachedTritonKernel,
  compiledFromReply,
  decodeBase64,
  entryNameMatches,
  matchCachedKernel,
  parseCacheMetadata,
  parseCompileReply,
  registersFromCubin,
} from "../../server/src/core/triton/compiledMetadata";
import { configKey } from "../../server/src/core/triton/types";
import { noNvcc, nvccCubin, TRITON_LIKE_CU, tritonStyleCubin } from "../support/tritonCubins";
import { mulberry32 } from "../support/random";

const work = mkdtempSync(join(tmpdir(), "kernellens-triton-meta-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Triton 3.x metadata as `json.dumps(metadata, default=vars)` writes it (compiler.py `compile`; fields abridged). */
function metadataJson(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    hash: "4f1c0de",
    target: { backend: "cuda", arch: 90, warp_size: 32 },
    num_warps: 4,
    num_ctas: 1,
    num_stages: 3,
    maxnreg: null,
    cluster_dims: [1, 1, 1],
    ptx_version: null,
    enable_fp_fusion: true,
    debug: false,
    backend_name: "cuda",
    name: "add_kernel",
    shared: 0,
    ...over,
  });
}

const cfg = (constexprs: Record<string, number>, numWarps = 4, numStages = 3) => ({ constexprs: Object.entries(constexprs).map(([name, value]) => ({ name, value })), numWarps, numStages });

describe("registers from a cubin (nvcc 13, checked against ptxas -v)", { skip: noNvcc }, () => {
  it("reads each kernel's registers and stack frame as ptxas reports them, sm_90", () => {
    const c = nvccCubin(work, "plain", TRITON_LIKE_CU, "sm_90");
    const read = cubinResources(new Uint8Array(readFileSync(c.path)));
    if ("error" in read) assert.fail(read.error);
    assert.equal(read.sm, 90);
    assert.deepEqual(read.kernels.map((k) => k.name).sort(), ["add_kernel", "matmul_kernel"]);
    for (const k of read.kernels) {
      const oracle = c.ptxas.get(k.name)!;
      assert.equal(k.registers, oracle.registers, `${k.name}: registers`);
      assert.equal(k.frameBytes, oracle.stackFrameBytes, `${k.name}: stack frame`);
      assert.equal(k.maxRegisters, 255);
    }
    assert.ok(read.kernels.find((k) => k.name === "matmul_kernel")!.registers! > read.kernels.find((k) => k.name === "add_kernel")!.registers!);
  });

  it("reads the spilled kernel's frame under a register cap (-maxrregcount=32)", () => {
    const c = nvccCubin(work, "capped", TRITON_LIKE_CU, "sm_90", ["-maxrregcount=32"]);
    const bytes = new Uint8Array(readFileSync(c.path));
    const oracle = c.ptxas.get("matmul_kernel")!;
    assert.ok((oracle.spillStoreBytes ?? 0) > 0, "the capped kernel spills");
    const regs = registersFromCubin(bytes, "matmul_kernel");
    if ("error" in regs) assert.fail(regs.error);
    assert.equal(regs.registers, oracle.registers);
    assert.equal(regs.registers, 32);
    // Local memory per thread in bytes, as the driver reports it (Triton's n_spills is this / 4).
    assert.equal(regs.spills, oracle.stackFrameBytes);
    assert.ok(regs.spills > 0);
    const read = cubinResources(bytes);
    if ("error" in read) assert.fail(read.error);
    assert.equal(read.kernels.find((k) => k.name === "matmul_kernel")!.maxRegisters, 32);
  });

  it("reads a cubin built the way Triton builds it (ptxas -lineinfo --gpu-name=sm_90a) and other targets", () => {
    const c = tritonStyleCubin(work, "tritonish", TRITON_LIKE_CU);
    const read = cubinResources(new Uint8Array(readFileSync(c.path)));
    if ("error" in read) assert.fail(read.error);
    assert.equal(read.sm, 90);
    for (const k of read.kernels) assert.equal(k.registers, c.ptxas.get(k.name)!.registers, k.name);
    for (const arch of ["sm_80", "sm_120"]) {
      const other = nvccCubin(work, `plain_${arch}`, TRITON_LIKE_CU, arch);
      const r = cubinResources(new Uint8Array(readFileSync(other.path)));
      if ("error" in r) assert.fail(r.error);
      assert.equal(r.sm, Number(arch.slice(3)));
      for (const k of r.kernels) assert.equal(k.registers, other.ptxas.get(k.name)!.registers, `${arch} ${k.name}`);
    }
  });

  it("never throws on truncated or mutated cubins", () => {
    const bytes = new Uint8Array(readFileSync(nvccCubin(work, "fuzz", TRITON_LIKE_CU, "sm_90").path));
    const random = mulberry32(7);
    for (let i = 0; i < 300; i++) {
      const copy = bytes.slice(0, i % 3 === 0 ? Math.floor(random() * bytes.length) : bytes.length);
      for (let j = 0; j < 8; j++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      const r = cubinResources(copy);
      assert.ok("error" in r || Array.isArray(r.kernels));
    }
    assert.ok("error" in cubinResources(new Uint8Array([1, 2, 3])));
  });

  it("turns a helper reply with a real cubin into the analysis's compiled kernel", () => {
    const c = nvccCubin(work, "reply", TRITON_LIKE_CU, "sm_90");
    const b64 = readFileSync(c.path).toString("base64");
    const reply = parseCompileReply(JSON.stringify({ ok: true, tritonVersion: "3.3.1", convention: "constexprs", name: "matmul_kernel", shared: 34816, numWarps: 8, numStages: 3, target: { backend: "cuda", arch: 90, warpSize: 32 }, cubinBase64: b64, attempts: [] }));
    assert.equal(reply.ok, true);
    const config = cfg({ BLOCK_M: 128, BLOCK_N: 64 }, 8, 3);
    const k = compiledFromReply(reply, "matmul_kernel", config);
    if ("error" in k) assert.fail(k.error);
    assert.equal(k.registersPerThread, c.ptxas.get("matmul_kernel")!.registers);
    assert.equal(k.sharedBytes, 34816);
    assert.equal(k.numWarps, 8);
    assert.equal(k.spills, 0);
    assert.equal(k.configKey, configKey(config));
    assert.match(k.source, /triton\.compile \(Triton 3\.3\.1\) for sm_90/);
  });
});

describe("the helper's reply", () => {
  it("parses failures, keeping the kind, the message and the attempts", () => {
    const r = parseCompileReply('{"ok": false, "kind": "no-triton", "message": "triton is not installed in this Python (/usr/bin/python3)"}');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.kind, "no-triton");
      assert.match(r.message, /triton is not installed/);
    }
    const c = parseCompileReply({ ok: false, kind: "compile", message: "CompilationError: at 3:4", tritonVersion: "3.1.0", attempts: [{ convention: "constants-by-name", error: "CompilationError: at 3:4" }] });
    assert.ok(!c.ok && c.kind === "compile" && c.attempts.length === 1 && c.tritonVersion === "3.1.0");
  });

  it("calls anything that is not a reply malformed, never throws", () => {
    for (const text of ["", "Traceback (most recent call last):", "[]", "null", '{"ok": true}', '{"ok": true, "shared": 0, "numWarps": 4, "cubinBase64": "@@@"}', '{"ok": false, "kind": "weird"}']) {
      const r = parseCompileReply(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.equal(r.kind, "malformed", text);
    }
  });

  it("decodes base64 and refuses what is not", () => {
    assert.deepEqual([...decodeBase64("AAEC/w==")!], [0, 1, 2, 255]);
    assert.equal(decodeBase64("abc"), null);
    assert.equal(decodeBase64("a$bc"), null);
  });

  it("without a cubin, a reply gives no compiled kernel (registers unknown)", () => {
    const r = parseCompileReply({ ok: true, name: "k", shared: 0, numWarps: 4, numStages: 3, target: { arch: 90 } });
    const k = compiledFromReply(r, "k", cfg({}));
    assert.ok("error" in k && /no cubin/.test(k.error));
  });
});

describe("Triton's cache metadata", () => {
  it("reads the fields Triton 3.x writes", () => {
    const m = parseCacheMetadata(metadataJson({ shared: 49152, num_warps: 8, num_stages: 4 }));
    if ("error" in m) assert.fail(m.error);
    assert.deepEqual({ ...m, constants: m.constants }, { name: "add_kernel", numWarps: 8, numStages: 4, shared: 49152, backend: "cuda", arch: 90, constants: null, hash: "4f1c0de" });
  });

  it("reads Triton 2.x's constants and a HIP target's name", () => {
    const m = parseCacheMetadata(JSON.stringify({ num_warps: 4, num_stages: 3, constants: { BLOCK_SIZE: 1024, EVEN: true }, shared: 0, name: "add_kernel_0d1d2d3de" }));
    if ("error" in m) assert.fail(m.error);
    assert.equal(m.constants!.get("BLOCK_SIZE"), 1024);
    assert.equal(m.arch, null);
    const hip = parseCacheMetadata(metadataJson({ target: { backend: "hip", arch: "gfx942", warp_size: 64 } }));
    assert.ok(!("error" in hip) && hip.backend === "hip" && hip.arch === null);
  });

  it("refuses what is not kernel metadata", () => {
    assert.ok("error" in parseCacheMetadata('{"child_paths": ["add_kernel.json"]}'));
    assert.ok("error" in parseCacheMetadata("not json"));
    assert.ok("error" in parseCacheMetadata(metadataJson({ num_warps: "4" })));
  });

  it("matches entry names as Triton writes them", () => {
    assert.ok(entryNameMatches("add_kernel", "add_kernel"));
    assert.ok(entryNameMatches("add_kernel_0d1d2d3de", "add_kernel"));
    assert.ok(!entryNameMatches("add_kernel_fused", "add_kernel"));
    assert.ok(!entryNameMatches("add", "add_kernel"));
  });
});

describe("a cached compile for a configuration", { skip: noNvcc }, () => {
  const cubin = (): Uint8Array => new Uint8Array(readFileSync(nvccCubin(work, "cache_match", TRITON_LIKE_CU, "sm_90").path));
  const entry = (over: Record<string, unknown>, bytes: Uint8Array | null, path = "/c/h1/add_kernel.json"): CachedTritonKernel => {
    const m = parseCacheMetadata(metadataJson(over));
    if ("error" in m) assert.fail(m.error);
    return { metadata: m, cubin: bytes, path };
  };

  it("uses the one compile with the configuration's num_warps and num_stages, saying the constexprs were not checked", () => {
    const bytes = cubin();
    const entries = [entry({ num_warps: 4, shared: 0 }, bytes), entry({ num_warps: 8, shared: 1024 }, bytes, "/c/h2/add_kernel.json")];
    const config = cfg({ BLOCK: 1024 }, 8, 3);
    const m = matchCachedKernel(entries, "add_kernel", config, [config, cfg({ BLOCK: 256 }, 4, 3)], 90);
    if (!("kernel" in m)) assert.fail(m.none);
    assert.equal(m.kernel.sharedBytes, 1024);
    assert.equal(m.kernel.numWarps, 8);
    assert.equal(m.kernel.registersPerThread, (registersFromCubin(bytes, "add_kernel") as { registers: number }).registers);
    assert.match(m.kernel.source, /\/c\/h2\/add_kernel\.json.*does not record constexprs/);
  });

  it("uses none where it cannot tell which configuration a compile was for", () => {
    const bytes = cubin();
    const a = cfg({ BLOCK: 1024 }), b = cfg({ BLOCK: 512 });
    const twoConfigs = matchCachedKernel([entry({}, bytes)], "add_kernel", a, [a, b], 90);
    assert.ok("none" in twoConfigs && /2 configurations/.test(twoConfigs.none));
    const twoCompiles = matchCachedKernel([entry({}, bytes), entry({ shared: 64 }, bytes, "/c/h3/add_kernel.json")], "add_kernel", a, [a], 90);
    assert.ok("none" in twoCompiles && /2 cached compiles/.test(twoCompiles.none));
    assert.ok("none" in matchCachedKernel([entry({ target: { backend: "cuda", arch: 80, warp_size: 32 } }, bytes)], "add_kernel", a, [a], 90));
    assert.ok("none" in matchCachedKernel([entry({}, null)], "add_kernel", a, [a], 90));
  });

  it("checks the constexprs where the metadata records them", () => {
    // Triton 2.x named the entry with its specialisation suffix.
    const bytes = new Uint8Array(readFileSync(nvccCubin(work, "old_names", TRITON_LIKE_CU.replace("add_kernel", "add_kernel_0d1d2d3de"), "sm_90").path));
    const old = (blk: number, path: string): CachedTritonKernel => {
      const m = parseCacheMetadata(JSON.stringify({ num_warps: 4, num_stages: 3, constants: { BLOCK: blk }, shared: blk, name: "add_kernel_0d1d2d3de" }));
      if ("error" in m) assert.fail(m.error);
      return { metadata: m, cubin: bytes, path };
    };
    const a = cfg({ BLOCK: 1024 }), b = cfg({ BLOCK: 512 });
    const m = matchCachedKernel([old(512, "/c/x/add_kernel.json"), old(1024, "/c/y/add_kernel.json")], "add_kernel", a, [a, b], null);
    if (!("kernel" in m)) assert.fail(m.none);
    assert.equal(m.kernel.sharedBytes, 1024);
    assert.doesNotMatch(m.kernel.source, /does not record/);
    assert.ok("none" in matchCachedKernel([old(512, "/c/x/add_kernel.json")], "add_kernel", a, [a], null));
  });
});
