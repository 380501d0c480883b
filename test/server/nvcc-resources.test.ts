// Tests the nvcc adapter (server/src/cuda/nvccResources.ts) with the real nvcc where one is installed (skipped
// otherwise), and with a stand-in nvcc (a shell script) for the deadline, cancellation and trust rules.
//
// Every expected resource figure is taken from an independent direct run of `nvcc -arch=sm_XX -cubin -Xptxas -v` on
// the same text, so the test holds for any nvcc version, not only the 13.0 it was written with.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parsePtxasReport } from "../../server/src/core/cuda/ptxasReport";
import { compileResources, findNvcc, NvccResultCache, nvccSearchFolders, type NvccResources, type NvccResourcesResult } from "../../server/src/cuda/nvccResources";
import type { Cancellation } from "../../server/src/gpu/types";

const nvcc = findNvcc(undefined);
const haveNvcc = "path" in nvcc;
const posix = process.platform !== "win32";

/** The kernels of the ptxas test (kernels.cu there), plus a header from the project and a macro from its flags. */
const KERNELS = `#include "tile.h"
__global__ void sgemm_tiled(const float* __restrict__ A, const float* __restrict__ B, float* C, int N) {
  __shared__ float As[TILE][TILE];
  __shared__ float Bs[TILE][TILE];
  int row = blockIdx.y * TILE + threadIdx.y, col = blockIdx.x * TILE + threadIdx.x;
  float acc = 0.f;
  for (int t = 0; t < N / TILE; ++t) {
    As[threadIdx.y][threadIdx.x] = A[row * N + t * TILE + threadIdx.x];
    Bs[threadIdx.y][threadIdx.x] = B[(t * TILE + threadIdx.y) * N + col];
    __syncthreads();
    for (int k = 0; k < TILE; ++k) acc += As[threadIdx.y][k] * Bs[k][threadIdx.x];
    __syncthreads();
  }
  C[row * N + col] = acc;
}
template <int BLOCK>
__global__ void reduce_sum(const float* in, float* out, int n) {
  __shared__ float s[BLOCK];
  int i = blockIdx.x * BLOCK + threadIdx.x;
  s[threadIdx.x] = i < n ? in[i] : 0.f;
  __syncthreads();
  for (int o = BLOCK / 2; o > 32; o >>= 1) { if (threadIdx.x < o) s[threadIdx.x] += s[threadIdx.x + o]; __syncthreads(); }
  float v = s[threadIdx.x];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  if (threadIdx.x == 0) atomicAdd(out, v);
}
template __global__ void reduce_sum<256>(const float*, float*, int);
template __global__ void reduce_sum<1024>(const float*, float*, int);
extern "C" __global__ void dyn_smem(float* out) {
  extern __shared__ float buf[];
  buf[threadIdx.x] = threadIdx.x;
  __syncthreads();
  out[threadIdx.x] = buf[blockDim.x - 1 - threadIdx.x];
}
`;

let root: string;
let project: string;
let kernelPath: string;

/** A stand-in nvcc: answers --version and --list-gpu-code, else starts a child and waits on it (pids to $MARKER). */
function fakeNvcc(dir: string): string {
  const path = join(dir, "nvcc");
  writeFileSync(
    path,
    [
      "#!/bin/sh",
      'case "$1" in',
      '  --version) echo "Cuda compilation tools, release 99.0, V99.0.1"; exit 0;;',
      "  --list-gpu-code) echo sm_80; exit 0;;",
      "esac",
      'echo run >> "$MARKER.runs"',
      "sleep 30 &",
      'echo "$$ $!" > "$MARKER"',
      "wait",
      "",
    ].join("\n"),
  );
  chmodSync(path, 0o755);
  return path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function cancellation(): Cancellation & { cancel(): void } {
  const listeners: (() => void)[] = [];
  let cancelled = false;
  return {
    get cancelled() {
      return cancelled;
    },
    onCancel: (l) => void listeners.push(l),
    cancel() {
      cancelled = true;
      for (const l of listeners) l();
    },
  };
}

function ok(r: NvccResourcesResult): NvccResources {
  assert.ok(r.ok, r.ok ? "" : `${r.kind}: ${r.message}`);
  return r;
}

/** The same text compiled by hand, as the oracle: nvcc run directly, its stderr parsed. */
function direct(text: string, arch: string, flags: string[]): ReturnType<typeof parsePtxasReport> {
  const dir = mkdtempSync(join(root, "direct-"));
  const file = join(dir, "k.cu");
  writeFileSync(file, text);
  const r = spawnSync((nvcc as { path: string }).path, [...flags, `-arch=${arch}`, "-cubin", "-Xptxas", "-v", file, "-o", join(dir, "k.cubin")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return parsePtxasReport(r.stderr);
}

before(() => {
  root = mkdtempSync(join(tmpdir(), "kl-nvcc-test-"));
  project = join(root, "proj");
  mkdirSync(join(project, "include"), { recursive: true });
  mkdirSync(join(project, "build"), { recursive: true });
  writeFileSync(join(project, "include", "tile.h"), "#pragma once\n#ifndef TILE\n#define TILE 16\n#endif\n");
  kernelPath = join(project, "kernels.cu");
  // On disk an older version: the adapter must compile the editor's text, not this.
  writeFileSync(kernelPath, "__global__ void old_kernel() {}\n");
});

after(() => rmSync(root, { recursive: true, force: true }));

describe("nvcc resources: trust and finding nvcc (no compiler needed)", () => {
  it("refuses in an untrusted workspace without starting anything", { skip: posix ? false : "POSIX shell stand-in" }, async () => {
    const fake = fakeNvcc(mkdtempSync(join(root, "fake-")));
    const marker = join(root, "untrusted-marker");
    const r = await compileResources({ path: kernelPath, text: KERNELS }, { arch: "8.0", trusted: false, nvccPath: fake, env: { ...process.env, MARKER: marker } });
    assert.equal(r.ok, false);
    assert.equal((r as { kind: string }).kind, "untrusted");
    assert.match((r as { advice: string }).advice, /Trust the workspace/);
    assert.equal(existsSync(`${marker}.runs`), false, "nvcc must not run");
    // `trusted` must be exactly true.
    const loose = await compileResources({ text: KERNELS }, { arch: "8.0", trusted: "yes" as unknown as boolean, nvccPath: fake });
    assert.equal((loose as { kind: string }).kind, "untrusted");
  });

  it("a configured nvcc that does not exist is not-found, with advice", async () => {
    const r = await compileResources({ text: KERNELS }, { arch: "8.0", trusted: true, nvccPath: join(root, "no", "nvcc") });
    assert.equal(r.ok, false);
    assert.equal((r as { kind: string }).kind, "not-found");
    assert.match((r as { message: string }).message, /is not an executable file/);
    assert.match((r as { advice: string }).advice, /CUDA Toolkit/);
  });

  it("malformed arguments are answers, not exceptions", async () => {
    const a = await compileResources({ path: 42 as unknown as string }, { arch: "8.0", trusted: true });
    assert.equal((a as { kind: string }).kind, "invalid-input");
    const b = await compileResources(undefined as unknown as { text: string }, { arch: "8.0", trusted: true });
    assert.equal((b as { kind: string }).kind, "invalid-input");
    const c = await compileResources({ text: "x" }, undefined as unknown as { arch: string; trusted: boolean });
    assert.equal((c as { kind: string }).kind, "untrusted");
  });

  it("searches PATH, then CUDA_PATH, CUDA_HOME and /usr/local/cuda/bin", () => {
    const sep = process.platform === "win32" ? ";" : ":";
    const folders = nvccSearchFolders({ PATH: `/a${sep}/b`, CUDA_PATH: "/cuda-path", CUDA_HOME: "/cuda-home" });
    assert.deepEqual(folders.slice(0, 4), ["/a", "/b", join("/cuda-path", "bin"), join("/cuda-home", "bin")]);
    if (posix) assert.equal(folders[4], "/usr/local/cuda/bin");
  });

  it("an unusable architecture is invalid input", { skip: posix ? false : "POSIX shell stand-in" }, async () => {
    const fake = fakeNvcc(mkdtempSync(join(root, "fake-")));
    const r = await compileResources({ text: KERNELS }, { arch: "ampere", trusted: true, nvccPath: fake });
    assert.equal((r as { kind: string }).kind, "invalid-input");
  });
});

describe("nvcc resources: deadline and cancellation kill nvcc and its children", { skip: posix ? false : "POSIX shell stand-in" }, () => {
  it("a passed deadline answers timeout and leaves no process behind", async () => {
    const fake = fakeNvcc(mkdtempSync(join(root, "fake-")));
    const marker = join(root, "timeout-marker");
    const r = await compileResources({ text: KERNELS }, { arch: "8.0", trusted: true, nvccPath: fake, deadlineMs: 400, env: { ...process.env, MARKER: marker }, cache: null });
    assert.equal((r as { kind: string }).kind, "timeout");
    assert.match((r as { message: string }).message, /did not finish within 400 ms/);
    assert.ok(r.durationMs < 5000, `answered in ${r.durationMs} ms`);
    const [shell, child] = readFileSync(marker, "utf8").trim().split(" ").map(Number);
    await until(() => !alive(shell!) && !alive(child!));
  });

  it("cancellation answers cancelled and kills the group; cancelled before the start runs nothing", async () => {
    const fake = fakeNvcc(mkdtempSync(join(root, "fake-")));
    const marker = join(root, "cancel-marker");
    const cancel = cancellation();
    const pending = compileResources({ text: KERNELS }, { arch: "8.0", trusted: true, nvccPath: fake, cancel, env: { ...process.env, MARKER: marker }, cache: null });
    await until(() => existsSync(marker) && readFileSync(marker, "utf8").includes(" "));
    cancel.cancel();
    const r = await pending;
    assert.equal((r as { kind: string }).kind, "cancelled");
    const [shell, child] = readFileSync(marker, "utf8").trim().split(" ").map(Number);
    await until(() => !alive(shell!) && !alive(child!));

    const early = cancellation();
    early.cancel();
    const marker2 = join(root, "cancel-marker-2");
    const r2 = await compileResources({ text: KERNELS }, { arch: "8.0", trusted: true, nvccPath: fake, cancel: early, env: { ...process.env, MARKER: marker2 }, cache: null });
    assert.equal((r2 as { kind: string }).kind, "cancelled");
    assert.equal(existsSync(`${marker2}.runs`), false);
  });
});

describe("nvcc resources: the real compiler", { skip: haveNvcc ? false : "nvcc is not installed", timeout: 120_000 }, () => {
  it("compiles the editor's unsaved text for sm_80: every kernel and instantiation, equal to a direct nvcc run", async () => {
    const cache = new NvccResultCache(8);
    const r = ok(await compileResources({ path: kernelPath, text: KERNELS }, { arch: "8.0", trusted: true, cache, compileCommands: false, includePaths: [join(project, "include")] }));
    assert.equal(r.arch, "sm_80");
    assert.equal(r.archNote, null);
    assert.equal(r.cached, false);
    assert.match(r.nvccVersion, /^\d+\.\d+/);
    const oracle = direct(KERNELS, "sm_80", ["-I", join(project, "include")]);
    assert.deepEqual(
      r.kernels.map((k) => [k.mangled, k.registers, k.sharedMemoryBytes, k.stackBytes, k.spillStoreBytes, k.spillLoadBytes, k.barriers, k.constantBytes]),
      oracle.kernels.map((k) => [k.name, k.registers, k.sharedMemoryBytes, k.stackFrameBytes, k.spillStoreBytes, k.spillLoadBytes, k.barriers, k.constantBytes]),
    );
    const byName = new Map(r.kernels.map((k) => [k.demangled, k]));
    // 16x16 floats x 2 tiles; BLOCK floats per instantiation; extern __shared__ is not static.
    assert.equal(byName.get("sgemm_tiled(float const*, float const*, float*, int)")?.sharedMemoryBytes, 2048);
    assert.equal(byName.get("void reduce_sum<256>(float const*, float*, int)")?.sharedMemoryBytes, 1024);
    assert.equal(byName.get("void reduce_sum<1024>(float const*, float*, int)")?.sharedMemoryBytes, 4096);
    assert.equal(byName.get("dyn_smem")?.sharedMemoryBytes, 0);
    assert.ok(r.kernels.every((k) => k.registers !== null && k.registers > 0));
  });

  it("answers the second time from the cache, and compiles again when a header it read changes", async () => {
    const cache = new NvccResultCache(8);
    const options = { arch: "8.6", trusted: true, cache, compileCommands: false as const, includePaths: [join(project, "include")] };
    const first = ok(await compileResources({ path: kernelPath, text: KERNELS }, options));
    const second = ok(await compileResources({ path: kernelPath, text: KERNELS }, options));
    assert.equal(second.cached, true);
    assert.ok(second.durationMs < 200, `a cache hit took ${second.durationMs} ms`);
    assert.deepEqual(second.kernels, first.kernels);
    // Another architecture or other flags are other entries.
    const other = ok(await compileResources({ path: kernelPath, text: KERNELS }, { ...options, arch: "9.0" }));
    assert.equal(other.cached, false);
    // The header now makes the tiles 32x32: the cached answer no longer holds.
    const header = join(project, "include", "tile.h");
    const before = readFileSync(header, "utf8");
    writeFileSync(header, "#pragma once\n#define TILE 32\n");
    try {
      const third = ok(await compileResources({ path: kernelPath, text: KERNELS }, options));
      assert.equal(third.cached, false);
      assert.equal(third.kernels.find((k) => k.mangled === "_Z11sgemm_tiledPKfS0_Pfi")?.sharedMemoryBytes, 2 * 32 * 32 * 4);
    } finally {
      writeFileSync(header, before);
    }
  });

  it("a Volta device (7.0) compiles for the oldest target nvcc has, and says so", async () => {
    const r = ok(await compileResources({ path: kernelPath, text: KERNELS }, { arch: "7.0", trusted: true, compileCommands: false, cache: null, includePaths: [join(project, "include")] }));
    if (r.nvccVersion.startsWith("13.")) {
      assert.equal(r.arch, "sm_75");
      assert.match(r.archNote ?? "", /compute capability 7\.0 \(Volta\) is older than every target of nvcc 13/);
    }
    assert.ok(r.kernels.length >= 4);
  });

  it("takes -I and -D from compile_commands.json (found in build/), and lists what it dropped", async () => {
    const db = [
      {
        directory: join(project, "build"),
        file: "../kernels.cu",
        command: `/usr/local/cuda/bin/nvcc -DTILE=8 -I../include -O3 "--generate-code=arch=compute_80,code=[compute_80,sm_80]" -x cu -c ../kernels.cu -o kernels.o`,
      },
    ];
    writeFileSync(join(project, "build", "compile_commands.json"), JSON.stringify(db));
    try {
      const r = ok(await compileResources({ path: kernelPath, text: KERNELS }, { arch: "8.0", trusted: true, workspaceRoot: project, cache: null }));
      assert.deepEqual(r.flagsSource, { kind: "compile_commands", path: join(project, "build", "compile_commands.json"), inferred: false });
      assert.deepEqual(r.flags, ["-DTILE=8", `-I${join(project, "include")}`]);
      assert.deepEqual(r.droppedFlags, ["-O3", "--generate-code=arch=compute_80,code=[compute_80,sm_80]", "-x cu", "-c", "-o kernels.o"]);
      // TILE=8 from the project's flags: two 8x8 float tiles.
      assert.equal(r.kernels.find((k) => k.mangled === "_Z11sgemm_tiledPKfS0_Pfi")?.sharedMemoryBytes, 2 * 8 * 8 * 4);
    } finally {
      rmSync(join(project, "build", "compile_commands.json"));
    }
  });

  it("a syntax error fails the compile, with diagnostics at the user's file, lines and columns", async () => {
    const broken = `#include "tile.h"\n__global__ void k(float* out) {\n  int unused = TILE;\n\tout[threadIdx.x] = \tnot_declared;\n}\n`;
    const r = await compileResources({ path: kernelPath, text: broken }, { arch: "8.0", trusted: true, compileCommands: false, cache: null, includePaths: [join(project, "include")] });
    assert.equal(r.ok, false);
    assert.equal((r as { kind: string }).kind, "compile-failed");
    assert.match((r as { message: string }).message, /kernels\.cu\(4\): identifier "not_declared" is undefined/);
    const d = r.diagnostics.map((x) => [x.file, x.line, x.column, x.severity, x.code]);
    assert.deepEqual(d, [
      // The caret's column, mapped back through the tabs nvcc's echo collapses: `not_declared` starts at column 22.
      [kernelPath, 4, 22, "error", null],
      [kernelPath, 3, 7, "warning", "177-D"],
    ]);
  });

  it("a missing header fails with advice about include paths", async () => {
    const r = await compileResources({ text: '#include "nowhere.h"\n__global__ void k() {}\n', name: "scratch.cu" }, { arch: "8.0", trusted: true, cache: null });
    assert.equal((r as { kind: string }).kind, "compile-failed");
    assert.deepEqual(
      r.diagnostics.map((x) => [x.file, x.line, x.tool, x.message]),
      [["scratch.cu", 1, "host", "nowhere.h: No such file or directory"]],
    );
    assert.match((r as { advice: string }).advice, /include paths/);
  });

  it("a successful compile keeps its warnings, reads the saved file when no text is given, and can return the cubin", async () => {
    const path = join(project, "warn.cu");
    writeFileSync(path, "__global__ void w(float* o) {\n  int unused = 3;\n  o[0] = 1.0f;\n}\n");
    const r = ok(await compileResources({ path }, { arch: "9.0", trusted: true, compileCommands: false, cache: null, keepCubin: true }));
    assert.deepEqual(
      r.diagnostics.map((x) => [x.file, x.line, x.severity, x.code]),
      [[path, 2, "warning", "177-D"]],
    );
    assert.deepEqual(r.kernels.map((k) => [k.demangled, k.constantBytes]), [["w(float*)", null]]);
    assert.ok(r.cubin && r.cubin.length > 64);
    assert.deepEqual([...r.cubin.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]); // ELF
  });
});
