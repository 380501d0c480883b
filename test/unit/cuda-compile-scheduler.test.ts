// When the language server's background compiles run (lsp/compileScheduler.ts), with the real nvcc adapter where it
// is installed: debounced per document, one at a time per document and in the server, cancelled by a newer request
// (the running nvcc is killed and answers `cancelled`), and a repeated text answered from the cache. Also how a
// compile's diagnostics land on the document's lines (lsp/cudaCompiles.ts).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { compileResources, findNvcc, NvccResultCache, type NvccResourcesResult } from "../../server/src/cuda/nvccResources";
import { CancelSource, CompileScheduler } from "../../server/src/lsp/compileScheduler";
import { compileDiagnostics } from "../../server/src/lsp/cudaCompiles";
import { defaultSettings, parseSettings } from "../../server/src/lsp/settings";

const nvcc = findNvcc(undefined);
const noNvcc = "error" in nvcc ? `nvcc is not installed here (${nvcc.error})` : false;

const saxpy = (extra = ""): string =>
  ["__global__ void saxpy(int n, float a, const float *x, float *y) {", "  int i = blockIdx.x * blockDim.x + threadIdx.x;", `  if (i < n) y[i] = a * x[i] + y[i];${extra}`, "}", ""].join("\n");

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("CancelSource", () => {
  it("fires its listeners once, and at once for a listener added after it fired", () => {
    const c = new CancelSource();
    let calls = 0;
    c.onCancel(() => calls++);
    assert.equal(c.cancelled, false);
    c.cancel();
    c.cancel();
    assert.equal(calls, 1);
    c.onCancel(() => calls++);
    assert.equal(calls, 2);
    assert.equal(c.cancelled, true);
  });
});

describe("CompileScheduler without a compiler", () => {
  it("runs a key's task once after the requests stop (debounce), with the last task given", async () => {
    const s = new CompileScheduler(1);
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) {
      s.schedule("doc", 40, async () => void ran.push(i));
      await sleep(5);
    }
    assert.equal(s.busy("doc"), true);
    await s.idle();
    assert.deepEqual(ran, [4]);
  });

  it("cancels a key's running task when it is scheduled again, and starts the new one only after the old one ended", async () => {
    const s = new CompileScheduler(2);
    const events: string[] = [];
    let firstCancelled = false;
    s.schedule("doc", 0, async (cancel) => {
      events.push("first start");
      await new Promise<void>((resolve) => cancel.onCancel(() => setTimeout(resolve, 30)));
      firstCancelled = cancel.cancelled;
      events.push("first end");
    });
    await sleep(20);
    s.schedule("doc", 0, async () => void events.push("second"));
    await s.idle();
    assert.equal(firstCancelled, true);
    assert.deepEqual(events, ["first start", "first end", "second"]);
  });

  it("runs at most maxConcurrent tasks at a time across keys, in the order they became due", async () => {
    const s = new CompileScheduler(1);
    let running = 0;
    let most = 0;
    const order: string[] = [];
    for (const key of ["a", "b", "c"]) {
      s.schedule(key, 0, async () => {
        running++;
        most = Math.max(most, running);
        order.push(key);
        await sleep(20);
        running--;
      });
      await sleep(2);
    }
    await s.idle();
    assert.equal(most, 1);
    assert.deepEqual(order, ["a", "b", "c"]);
  });

  it("drops a pending task on cancel and after dispose, and survives a task that throws", async () => {
    const errors: string[] = [];
    const s = new CompileScheduler(1, (key) => void errors.push(key));
    let ran = false;
    s.schedule("gone", 30, async () => void (ran = true));
    s.cancel("gone");
    s.schedule("throws", 0, async () => {
      throw new Error("boom");
    });
    await s.idle();
    assert.equal(ran, false);
    assert.deepEqual(errors, ["throws"]);
    s.dispose();
    s.schedule("late", 0, async () => void (ran = true));
    await sleep(20);
    assert.equal(ran, false);
  });
});

describe("CompileScheduler with the real nvcc", { skip: noNvcc, timeout: 120_000 }, () => {
  let dir = "";
  before(() => (dir = mkdtempSync(join(tmpdir(), "kernellens-scheduler-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a newer request kills the running nvcc (answer `cancelled`), then compiles the newer text", async () => {
    const s = new CompileScheduler(1);
    const results: { name: string; result: NvccResourcesResult; start: number; end: number }[] = [];
    const compile = (name: string, text: string) => async (cancel: CancelSource | { cancelled: boolean; onCancel(l: () => void): void }) => {
      const start = performance.now();
      const result = await compileResources({ path: join(dir, "saxpy.cu"), text }, { arch: "8.0", trusted: true, cancel, cache: null, compileCommands: false });
      results.push({ name, result, start, end: performance.now() });
    };
    // nvcc's version is asked once per process: ask it now, so the first compile below is in nvcc when cancelled.
    await compileResources({ path: join(dir, "warm.cu"), text: saxpy() }, { arch: "8.0", trusted: true, cache: null, compileCommands: false });
    s.schedule("saxpy.cu", 0, compile("first", saxpy()));
    // nvcc's front end takes a few hundred ms: the first compile is running when the second request comes.
    await sleep(250);
    s.schedule("saxpy.cu", 0, compile("second", saxpy(" // edited")));
    await s.idle();
    assert.deepEqual(results.map((r) => r.name), ["first", "second"]);
    const [first, second] = results;
    assert.equal(first!.result.ok, false);
    assert.equal(!first!.result.ok && first!.result.kind, "cancelled");
    assert.ok(second!.result.ok, JSON.stringify(second!.result));
    assert.ok(second!.start >= first!.end, "one compile per document at a time");
    assert.equal(second!.result.ok && second!.result.kernels[0]!.demangled, "saxpy(int, float, float const*, float*)");
  });

  it("answers a text it compiled before from the cache, and compiles again for another architecture", async () => {
    const cache = new NvccResultCache(8);
    const s = new CompileScheduler(1);
    const got: NvccResourcesResult[] = [];
    const compile = (arch: string) => async (cancel: { cancelled: boolean; onCancel(l: () => void): void }) =>
      void got.push(await compileResources({ path: join(dir, "cached.cu"), text: saxpy() }, { arch, trusted: true, cancel, cache, compileCommands: false }));
    for (const arch of ["8.0", "8.0", "8.6"]) {
      s.schedule("cached.cu", 0, compile(arch));
      await s.idle();
    }
    assert.deepEqual(got.map((r) => r.ok && r.cached), [false, true, false]);
    assert.deepEqual(got.map((r) => r.ok && r.arch), ["sm_80", "sm_80", "sm_86"]);
    // The cached answer is the compile's own: same registers, and its original nvcc time.
    assert.deepEqual(got[1]!.ok && got[1]!.kernels, got[0]!.ok && got[0]!.kernels);
    assert.equal(got[1]!.ok && got[1]!.compileMs, got[0]!.ok && got[0]!.compileMs);
  });

  it("puts a failed compile's diagnostics on the document's lines, and says what to set for a missing header", async () => {
    const text = ['#include "missing/header.h"', ...saxpy().split("\n")].join("\n");
    const path = join(dir, "header.cu");
    const result = await compileResources({ path, text }, { arch: "8.0", trusted: true, cache: null, compileCommands: false });
    assert.equal(result.ok, false);
    const diagnostics = compileDiagnostics(result, text, path);
    const fromNvcc = diagnostics.filter((d) => d.source === "nvcc");
    assert.ok(fromNvcc.length >= 1, JSON.stringify(diagnostics));
    assert.equal(fromNvcc[0]!.severity, "warning", "a missing header is configuration, not an error in the code");
    assert.equal(text.slice(0, fromNvcc[0]!.span.end), '#include "missing/header.h"');
    const note = diagnostics.find((d) => d.code === "nvcc-failed")!;
    assert.match(note.message, /kernellens\.preprocessor\.includePaths.*kernellens\.cuda\.flags.*compile_commands\.json/);
    assert.equal(note.severity, "info");
  });
});

describe("compileDiagnostics without a compiler", () => {
  const text = "int a;\n  float3 v = out[i];\nint b;\n";
  const failed = (diagnostics: Parameters<typeof compileDiagnostics>[0]["diagnostics"]): Parameters<typeof compileDiagnostics>[0] => ({ ok: false, kind: "compile-failed", message: "nvcc failed", advice: "", diagnostics, durationMs: 1 });

  it("spans an error from its column to the line's end, and names another file's line in the message", () => {
    const out = compileDiagnostics(
      failed([
        { file: "/w/k.cu", line: 2, column: 14, severity: "error", message: 'no suitable constructor exists to convert from "float" to "float3"', code: null, tool: "front-end", excerpt: null, notes: [] },
        { file: "/w/inc/h.cuh", line: 7, column: null, severity: "warning", message: "variable declared but never referenced", code: "177-D", tool: "front-end", excerpt: null, notes: [] },
      ]),
      text,
      "/w/k.cu",
    );
    const [error, warning, note] = out;
    assert.equal(error!.severity, "error");
    assert.equal(text.slice(error!.span.start, error!.span.end), "out[i];");
    assert.equal(warning!.code, "nvcc-177-D");
    assert.deepEqual(warning!.span, { start: 0, end: 0 });
    assert.match(warning!.message, /^\/w\/inc\/h\.cuh:7: variable declared/);
    assert.equal(note!.code, "nvcc-failed");
    assert.match(note!.message, /fix nvcc's errors/);
    assert.deepEqual(note!.span, error!.span);
  });

  it("says when the target differs from the device's own (Volta on sm_75)", () => {
    const ok = { ok: true as const, kernels: [], diagnostics: [], arch: "sm_75", archNote: "Volta (compute capability 7.0) is not a target of nvcc 13.0: compiled for sm_75 instead", nvccVersion: "13.0", nvccPath: "/x/nvcc", durationMs: 1, compileMs: 1, cached: false, flags: [], droppedFlags: [], flagsSource: { kind: "none" as const }, lineTableFile: "/w/k.cu" };
    const out = compileDiagnostics(ok, text, "/w/k.cu");
    assert.equal(out.length, 1);
    assert.equal(out[0]!.code, "nvcc-arch");
    assert.match(out[0]!.message, /sm_75/);
  });
});

describe("the background compile's settings", () => {
  it("default to compiling after 1 s with compile_commands.json's flags, and SASS hints off", () => {
    const s = parseSettings({});
    assert.deepEqual([s.cudaCompile, s.cudaNvccPath, s.cudaFlags, s.cudaCompileDebounceMs, s.sassInlayHints, s.cudaPtxCheck], [true, "", [], 1000, false, true]);
    assert.deepEqual(parseSettings({}), defaultSettings);
  });

  it("read a hand-edited settings.json defensively", () => {
    const s = parseSettings({ cuda: { compile: false, nvccPath: " /opt/cuda/bin/nvcc ", flags: ["-std=c++17", 3, "--expt-relaxed-constexpr"], compileDebounceMs: 1e9, ptxCheck: false }, inlayHints: { sass: true } });
    assert.deepEqual([s.cudaCompile, s.cudaNvccPath, s.cudaFlags, s.cudaCompileDebounceMs, s.sassInlayHints, s.cudaPtxCheck], [false, "/opt/cuda/bin/nvcc", ["-std=c++17", "--expt-relaxed-constexpr"], 60_000, true, false]);
    const odd = parseSettings({ cuda: { compile: "off", nvccPath: 7, flags: "-O3", compileDebounceMs: "soon", ptxCheck: "yes" }, inlayHints: { sass: "yes" } });
    assert.deepEqual([odd.cudaCompile, odd.cudaNvccPath, odd.cudaFlags, odd.cudaCompileDebounceMs, odd.sassInlayHints, odd.cudaPtxCheck], [false, "", [], 1000, false, true]);
    assert.equal(parseSettings({ cuda: { ptxCheck: "off" } }).cudaPtxCheck, false);
  });
});
