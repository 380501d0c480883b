// The editor's PTX cross-check and header watching, in the bundled language server over stdio with the real nvcc (no
// GPU needed). The background compile also compiles to PTX, and where the model's FLOP count cannot be what the PTX
// does, an information diagnostic `ptx-flops-mismatch` (the CLI's code and words) is published at the line with the
// compile's other diagnostics; a clean kernel has none; `kernellens.cuda.ptxCheck: false` runs no PTX compile and
// reports nothing; an edit drops it until that text's compile lands. A header changed on disk (never opened in the
// editor, as the client's watcher reports it) has the open documents that read it analysed and compiled again.
//
// nvcc runs through a wrapper (kernellens.cuda.nvccPath) that logs each cubin and each PTX compile before running
// the real nvcc, so the tests can tell which compiles ran.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Diagnostic, Hover } from "vscode-languageserver-protocol";
import { findNvcc } from "../../server/src/cuda/nvccResources";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";

const nvcc = findNvcc(undefined);
const skip = "error" in nvcc ? `nvcc is not installed here (${nvcc.error})` : false;

const hoverText = (h: Hover | null): string => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");
const mismatches = (ds: readonly Diagnostic[] | undefined): Diagnostic[] => (ds ?? []).filter((d) => d.code === "ptx-flops-mismatch");

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

// nvcc computes x[i] * 3 once and squares it: 2 multiplications on the guarded path, where the source (and the
// model) has 3. The same kernel as the CLI's test of the cross-check.
const repeated = `__global__ void square_twice(const float *__restrict__ x, float *__restrict__ y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = (x[i] * 3.0f) * (x[i] * 3.0f);
}
int main() { float *x = nullptr; square_twice<<<4096, 256>>>(x, x, 4096 * 256); return 0; }
`;

let work = "";
let wrapper = "";
let runLog = "";
const runs = (kind: "cubin" | "ptx"): number => (existsSync(runLog) ? readFileSync(runLog, "utf8").split("\n").filter((l) => l === kind).length : 0);

/** Hovers on the kernel's name until the hover says the resources came from ptxas (the compile is in the analysis). */
async function compiled(server: ServerHandle, uri: string, text: string, kernel: string): Promise<string> {
  const declared = new RegExp(`__global__[^;{]*?\\b${kernel}\\(`).exec(text);
  assert.ok(declared, kernel);
  const at = declared.index + declared[0].length - kernel.length - 1;
  const position = { line: text.slice(0, at).split("\n").length - 1, character: at - text.lastIndexOf("\n", at) };
  return waitFor(`${kernel}'s compile`, async () => {
    const h = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position })) as Hover);
    return /exact from ptxas/.test(h) ? h : undefined;
  });
}

describe("the PTX cross-check and header watching in the language server", { skip, timeout: 240_000 }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "kernellens-ptx-check-"));
    runLog = join(work, "runs.log");
    wrapper = join(work, "nvcc");
    const real = (nvcc as { path: string }).path;
    // "ptx": a run that produced the PTX: the cubin's own with -keep (nvccResources.ts keeps it), or a separate -ptx.
    writeFileSync(wrapper, `#!/bin/sh\ncase "$*" in *-cubin*) echo cubin >> '${runLog}';; esac\ncase " $* " in *" -keep "*|*" -ptx "*) echo ptx >> '${runLog}';; esac\nexec '${real}' "$@"\n`);
    chmodSync(wrapper, 0o755);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe("with the check on (the default)", () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: true, cuda: { compileDebounceMs: 50, nvccPath: wrapper } }, work);
    });
    after(async () => server.stop());

    it("reports the model's FLOPs against nvcc's PTX at the kernel's line, in the CLI's words, and drops it when the text changes", async () => {
      const uri = `file://${join(work, "repeated.cu")}`;
      const ptxBefore = runs("ptx");
      const reported = server.diagnostics(uri, (p) => mismatches(p.diagnostics).length > 0, 60_000);
      server.open(uri, repeated, 1, "cuda-cpp");
      const got = await reported;
      assert.equal(got.version, 1);
      const d = mismatches(got.diagnostics);
      assert.equal(d.length, 1, JSON.stringify(got.diagnostics));
      assert.equal(d[0]!.severity, 3, "information");
      assert.equal(d[0]!.source, "kernellens");
      assert.equal(d[0]!.range.start.line, 0, "the kernel's line");
      assert.equal(d[0]!.range.end.character, repeated.split("\n")[0]!.length);
      assert.match(String(d[0]!.message), /^square_twice: The model counts 3 32\/64-bit float FLOPs per thread .*does 0 to 2 per thread/);
      assert.ok(runs("ptx") > ptxBefore, "the PTX was produced");
      assert.match(await compiled(server, uri, repeated, "square_twice"), /`square_twice`: .*; FLOPs disagree with the PTX \(1 `ptx-flops-mismatch`\)/);

      // An edit: the static answer for the new text has no cross-check (it was for other text), until its compile lands
      // with the diagnostic at the kernel's new line.
      const edited = `// a comment line\n${repeated}`;
      const staticAnswer = server.diagnostics(uri, (p) => p.version === 2, 30_000);
      const again = server.diagnostics(uri, (p) => p.version === 2 && mismatches(p.diagnostics).length > 0, 60_000);
      server.change(uri, edited, 2);
      assert.deepEqual(mismatches((await staticAnswer).diagnostics), []);
      assert.equal(mismatches((await again).diagnostics)[0]!.range.start.line, 1);
      server.close(uri);
    });

    it("reports nothing where the model and the PTX agree (a warp-shuffle reduction and a tiled SGEMM)", async () => {
      for (const [file, kernel] of [
        ["reduce-sum-shfl.cu", "reduce_sum"],
        ["sgemm-3-smem-tiling.cu", "sgemm_smem_tiling"],
      ] as const) {
        const path = join(repoRoot, "test", "fixtures", "cuda", file);
        const uri = `file://${path}`;
        const text = readFileSync(path, "utf8");
        const ptxBefore = runs("ptx");
        server.open(uri, text, 1, "cuda-cpp");
        const hover = await compiled(server, uri, text, kernel);
        assert.ok(runs("ptx") > ptxBefore, `${file}: the PTX was produced, so the check was made`);
        assert.match(hover, /; FLOPs agree with the PTX/, file);
        assert.deepEqual(mismatches(server.latest(uri)), [], file);
        server.close(uri);
      }
    });

    it("compiles and reads again an open document when a header it includes changes on disk (never opened in the editor)", async () => {
      const header = join(work, "square.h");
      // Version 1: the model and the PTX agree (one multiplication on both sides).
      writeFileSync(header, "#pragma once\n#define SQUARE(v) ((v) * (v))\n");
      const path = join(work, "uses-square.cu");
      const uri = `file://${path}`;
      const text = `#include "square.h"
__global__ void squares(const float *__restrict__ x, float *__restrict__ y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = SQUARE(x[i]);
}
int main() { float *x = nullptr; squares<<<4096, 256>>>(x, x, 4096 * 256); return 0; }
`;
      server.open(uri, text, 1, "cuda-cpp");
      const first = await compiled(server, uri, text, "squares");
      assert.match(first, /exact from ptxas/);
      assert.deepEqual(mismatches(server.latest(uri)), []);
      const cubins = runs("cubin");

      // A header the document does not include changes: nothing is read or compiled again.
      writeFileSync(join(work, "unrelated.h"), "#define UNRELATED 1\n");
      void server.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: `file://${join(work, "unrelated.h")}`, type: 1 }] });
      await waitFor("the unrelated header's batch", () => (server.logs().some((l) => /headers changed on disk \(1\): 0 document\(s\) read again, 0 compiled again/.test(l)) ? true : undefined), 10_000);
      assert.equal(runs("cubin"), cubins);

      // Version 2 squares (x * 3): the model counts 3 multiplications, nvcc computes x * 3 once (2). The diagnostic
      // needs both the header read again by the static front-end and the compile run again.
      writeFileSync(header, "#pragma once\n#define SQUARE(v) (((v) * 3.0f) * ((v) * 3.0f))\n");
      const reported = server.diagnostics(uri, (p) => mismatches(p.diagnostics).length > 0, 60_000);
      void server.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: `file://${header}`, type: 2 }] });
      const got = await reported;
      const d = mismatches(got.diagnostics);
      assert.equal(d.length, 1, JSON.stringify(got.diagnostics));
      assert.equal(d[0]!.range.start.line, 1, "the kernel's line");
      assert.match(String(d[0]!.message), /^squares: The model counts 3 32\/64-bit float FLOPs per thread .*does 0 to 2 per thread/);
      assert.equal(got.version, 1, "the document's text did not change");
      assert.equal(runs("cubin"), cubins + 1, "compiled once more");
      assert.ok(server.logs().some((l) => /headers changed on disk \(1\): 1 document\(s\) read again, 1 compiled again/.test(l)), server.logs().join("\n"));
      server.close(uri);
    });

    it("does not cross-check while an included header has unsaved edits (nvcc reads the saved file), and does once it is saved", async () => {
      const header = join(work, "cube.cuh");
      writeFileSync(header, "#pragma once\n#define POWER(v) ((v) * (v))\n");
      const headerUri = `file://${header}`;
      // In the editor, not saved: the repeated product the model counts 3 FLOPs for; nvcc still compiles (v) * (v).
      const edited = "#pragma once\n#define POWER(v) (((v) * 3.0f) * ((v) * 3.0f))\n";
      server.open(headerUri, edited, 1, "cuda-cpp");
      const path = join(work, "uses-cube.cu");
      const uri = `file://${path}`;
      const text = `#include "cube.cuh"
__global__ void powers(const float *__restrict__ x, float *__restrict__ y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = POWER(x[i]);
}
int main() { float *x = nullptr; powers<<<4096, 256>>>(x, x, 4096 * 256); return 0; }
`;
      server.open(uri, text, 1, "cuda-cpp");
      const hover = await compiled(server, uri, text, "powers");
      assert.doesNotMatch(hover, /FLOPs (agree|disagree) with the PTX/);
      assert.deepEqual(mismatches(server.latest(uri)), [], "the model of the unsaved header is not held against the PTX of the saved one");
      assert.ok(server.logs().some((l) => /uses-cube\.cu: the model's FLOPs were not checked against PTX: cube\.cuh has unsaved edits/.test(l)), server.logs().join("\n"));

      // Saved: the compile reads it, and the PTX computes x * 3 once.
      writeFileSync(header, edited);
      const reported = server.diagnostics(uri, (p) => mismatches(p.diagnostics).length > 0, 60_000);
      void server.connection.sendNotification("textDocument/didSave", { textDocument: { uri: headerUri } });
      const got = await reported;
      assert.match(String(mismatches(got.diagnostics)[0]!.message), /^powers: The model counts 3 /);
      server.close(headerUri);
      server.close(uri);
    });

    it("compiles again a document whose compile failed for a missing header once the header is created on disk", async () => {
      const path = join(work, "needs-later.cu");
      const uri = `file://${path}`;
      const text = ['#include "later.h"', "__global__ void scale(float *x, float a, int n) {", "  int i = blockIdx.x * blockDim.x + threadIdx.x;", "  if (i < n) x[i] *= a * LATER;", "}", ""].join("\n");
      const failed = server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === "nvcc-failed"), 60_000);
      server.open(uri, text, 1, "cuda-cpp");
      await failed;
      const header = join(work, "later.h");
      writeFileSync(header, "#pragma once\n#define LATER 2.0f\n");
      const fixed = server.diagnostics(uri, (p) => !p.diagnostics.some((d) => d.source === "nvcc" || d.code === "nvcc-failed"), 60_000);
      void server.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: `file://${header}`, type: 1 }] });
      await fixed;
      assert.match(await compiled(server, uri, text, "scale"), /registers per thread, exact/);
      server.close(uri);
    });
  });

  it("starts a running compile again when a header its document includes changes, not for an unrelated header", async () => {
    // nvcc that pauses 3 s before each cubin compile: long enough for header changes to arrive while it runs.
    const slow = join(work, "slow-nvcc");
    const real = (nvcc as { path: string }).path;
    writeFileSync(slow, `#!/bin/sh\ncase "$*" in *-cubin*) echo cubin >> '${runLog}'; sleep 3;; esac\ncase " $* " in *" -keep "*|*" -ptx "*) echo ptx >> '${runLog}';; esac\nexec '${real}' "$@"\n`);
    chmodSync(slow, 0o755);
    const server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: true, cuda: { compileDebounceMs: 50, nvccPath: slow } }, work);
    try {
      const header = join(work, "twice.h");
      writeFileSync(header, "#pragma once\n#define TWICE(v) ((v) * (v))\n");
      const uri = `file://${join(work, "uses-twice.cu")}`;
      const text = `#include "twice.h"
__global__ void twice(const float *__restrict__ x, float *__restrict__ y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = TWICE(x[i]);
}
int main() { float *x = nullptr; twice<<<4096, 256>>>(x, x, 4096 * 256); return 0; }
`;
      const cubins = runs("cubin");
      server.open(uri, text, 1, "cuda-cpp");
      await waitFor("the first compile to start", () => (runs("cubin") > cubins ? true : undefined), 30_000);
      // An unrelated header: the running compile goes on.
      void server.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: `file://${join(work, "elsewhere.h")}`, type: 2 }] });
      await waitFor("the unrelated header's batch", () => (server.logs().some((l) => /headers changed on disk \(1\): 0 document\(s\) read again, 0 compiled again/.test(l)) ? true : undefined), 10_000);
      // The included header: the running compile is cancelled and starts again, and its result is the new header's.
      writeFileSync(header, "#pragma once\n#define TWICE(v) (((v) * 3.0f) * ((v) * 3.0f))\n");
      const reported = server.diagnostics(uri, (p) => mismatches(p.diagnostics).length > 0, 60_000);
      void server.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: `file://${header}`, type: 2 }] });
      const got = await reported;
      assert.match(String(mismatches(got.diagnostics)[0]!.message), /^twice: The model counts 3 /);
      assert.equal(runs("cubin"), cubins + 2, "the first compile and the one started again");
      assert.ok(server.logs().some((l) => /uses-twice\.cu \(version 1\) cancelled/.test(l)), server.logs().join("\n"));
      assert.ok(server.logs().some((l) => /headers changed on disk \(1\): 1 document\(s\) read again, 1 compiled again/.test(l)));
    } finally {
      await server.stop();
    }
  });

  it("runs no PTX compile and reports nothing with kernellens.cuda.ptxCheck off", async () => {
    const server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: true, cuda: { compileDebounceMs: 50, nvccPath: wrapper, ptxCheck: false } }, work);
    try {
      const uri = `file://${join(work, "repeated-off.cu")}`;
      const ptxBefore = runs("ptx");
      const cubinBefore = runs("cubin");
      server.open(uri, repeated, 1, "cuda-cpp");
      const hover = await compiled(server, uri, repeated, "square_twice");
      assert.doesNotMatch(hover, /FLOPs (agree|disagree) with the PTX/);
      assert.equal(runs("cubin"), cubinBefore + 1);
      assert.equal(runs("ptx"), ptxBefore, "no PTX produced");
      assert.deepEqual(mismatches(server.latest(uri)), []);
    } finally {
      await server.stop();
    }
  });
});
