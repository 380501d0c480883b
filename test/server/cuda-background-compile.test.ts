// The background nvcc compile of CUDA documents in the bundled language server, driven over stdio with the real nvcc
// (no GPU needed): after the static answer, the document is compiled for the configured device's compute capability
// and its kernel hover and occupancy say the registers are exact and equal ptxas's; nvcc's errors are diagnostics at
// their lines; an untrusted workspace runs no nvcc; an edit cancels a running compile and nothing of it is published;
// a Volta device compiles for sm_75 and says so; a missing header leaves the estimates and says what to set.
//
// nvcc is run through a small wrapper script (kernellens.cuda.nvccPath) that writes a line per compile to a log file
// before running the real nvcc, so the tests can tell whether, and how often, a compile started.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Diagnostic, Hover, InlayHint, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { findNvcc } from "../../server/src/cuda/nvccResources";
import { cudaExpectations } from "../fixtures/cuda/expectations";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";

const nvcc = findNvcc(undefined);
const skip = "error" in nvcc ? `nvcc is not installed here (${nvcc.error})` : false;

const fixtures = join(repoRoot, "test", "fixtures", "cuda");
const sgemmFile = join(fixtures, "sgemm-3-smem-tiling.cu");
const sgemm = readFileSync(sgemmFile, "utf8");
const sgemmUri = `file://${sgemmFile}`;
const sgemmExpected = cudaExpectations.find((f) => f.file === "sgemm-3-smem-tiling.cu")!;

const hoverText = (h: Hover | null): string => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");

function kernelNamePosition(text: string, name: string): { line: number; character: number } {
  const at = text.indexOf(`${name}(`, text.indexOf("__global__"));
  assert.ok(at >= 0);
  const before = text.slice(0, at + 2);
  return { line: before.split("\n").length - 1, character: before.length - before.lastIndexOf("\n") - 1 };
}

/** Polls `probe` until it returns something, or fails at the deadline with the last value it saw. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** ptxas's registers for `file` on `arch`, from the real nvcc run here (ptxas reports on stderr). */
function ptxasRegisters(file: string, arch: string): number {
  const run = spawnSync((nvcc as { path: string }).path, [`-arch=${arch}`, "-cubin", "-Xptxas", "-v", file, "-o", join(work, `check-${arch}.cubin`)], { encoding: "utf8" });
  const m = /Used (\d+) registers/.exec(run.stderr);
  assert.ok(m, run.stderr);
  return Number(m[1]);
}

let work = "";
let wrapper = "";
let runLog = "";
let slowWrapper = "";

/** How many `-cubin` compiles the wrapper has started (and finished, for the slow one). */
const compilesStarted = (): number => (existsSync(runLog) ? readFileSync(runLog, "utf8").split("\n").filter((l) => l.startsWith("start")).length : 0);

describe("background nvcc compiles in the language server", { skip, timeout: 240_000 }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "kernellens-bg-nvcc-"));
    runLog = join(work, "runs.log");
    const real = (nvcc as { path: string }).path;
    wrapper = join(work, "nvcc");
    // Records each compile (not the --version probes), then runs the real nvcc with the same arguments.
    writeFileSync(wrapper, `#!/bin/sh\ncase "$*" in *-cubin*) echo "start $$" >> '${runLog}';; esac\nexec '${real}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    // The same, with a 3 s pause before a compile: long enough for an edit to arrive while it runs.
    slowWrapper = join(work, "slow-nvcc");
    writeFileSync(slowWrapper, `#!/bin/sh\ncase "$*" in *-cubin*) echo "start $$" >> '${runLog}'; sleep 3;; esac\nexec '${real}' "$@"\n`);
    chmodSync(slowWrapper, 0o755);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe("in a trusted workspace, on an A100 (sm_80)", () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: true, inlayHints: { enable: true, sass: true }, cuda: { compileDebounceMs: 50, nvccPath: wrapper } });
    });
    after(async () => server.stop());

    it("shows the static estimate at once, then ptxas's exact registers in the hover and the occupancy row", async () => {
      const first = server.diagnostics(sgemmUri);
      server.open(sgemmUri, sgemm, 1, "cuda-cpp");
      await first;
      const position = kernelNamePosition(sgemm, "sgemm_smem_tiling");
      const hover = async (): Promise<string> => hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: sgemmUri }, position })) as Hover);
      const exact = await waitFor("the hover to show ptxas's registers", async () => {
        const h = await hover();
        return /exact from ptxas/.test(h) ? h : undefined;
      });
      const registers = ptxasRegisters(sgemmFile, "sm_80");
      assert.equal(registers, sgemmExpected.ptxas.sm_80.registers, "the fixture table's sm_80 number still holds");
      // The model's occupancy row takes them, marked exact; the compile section gives the whole ptxas report.
      assert.match(exact, new RegExp(`${registers} registers per thread, exact`));
      assert.match(exact, /from ptxas/);
      assert.match(exact, new RegExp(`\`sgemm_smem_tiling<32>\`: ${registers} registers per thread, 8,192 B static shared memory, 0 B stack, no spills, 1 named barrier`));
      assert.match(exact, /nvcc 13\.[\d.]+, sm_80/);
      // Nothing but the predicted time (always modelled) is an estimate any more.
      const estimates = exact.split("\n").filter((l) => /estimated/.test(l));
      for (const l of estimates) assert.match(l, /Predicted time|≈ [\d.]+ (µs|ms|s)\*\* on /, `only the time is estimated: ${l}`);
      assert.equal(compilesStarted(), 1);
    });

    it("shows the kernel's SASS instruction count in its hover and SASS per line as inlay hints", async () => {
      const hover = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: sgemmUri }, position: kernelNamePosition(sgemm, "sgemm_smem_tiling") })) as Hover);
      const m = /SASS: ([\d,]+) instructions \(exact, from the cubin\)/.exec(hover);
      assert.ok(m, hover);
      const total = Number(m[1]!.replace(/,/g, ""));
      // The kernel's machine code is its .text section, 16 bytes per instruction: readelf's size, where binutils is here.
      const cubin = join(work, "sass-check.cubin");
      spawnSync((nvcc as { path: string }).path, ["-arch=sm_80", "-cubin", "-lineinfo", sgemmFile, "-o", cubin]);
      const readelf = spawnSync("readelf", ["-S", "-W", cubin], { encoding: "utf8" });
      const section = readelf.status === 0 ? /\.text\._Z17sgemm_smem_tilingILi32EEviiifPKfS1_fPf\s+PROGBITS\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(readelf.stdout) : null;
      if (section) assert.equal(total, parseInt(section[1]!, 16) / 16);
      else assert.ok(total > 0);

      const hints = (await server.connection.sendRequest("textDocument/inlayHint", { textDocument: { uri: sgemmUri }, range: { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } } })) as InlayHint[];
      const sass = hints.filter((h) => / SASS$/.test(String(h.label)));
      assert.ok(sass.length >= 5, JSON.stringify(hints));
      const lines = sgemm.split("\n");
      const kernelStart = lines.findIndex((l) => l.includes("__global__ void sgemm_smem_tiling"));
      const kernelEnd = lines.findIndex((l, i) => i > kernelStart && l === "}");
      let sum = 0;
      for (const h of sass) {
        // At the end of a line of the kernel, one hint per line.
        assert.ok(h.position.line >= kernelStart && h.position.line <= kernelEnd, `line ${h.position.line + 1}`);
        assert.equal(h.position.character, lines[h.position.line]!.length);
        sum += Number(/^(\d+) SASS$/.exec(String(h.label))![1]);
      }
      assert.equal(new Set(sass.map((h) => h.position.line)).size, sass.length);
      assert.ok(sum <= total, `${sum} attributed of ${total}`);
      // The unrolled inner product is the bulk of the kernel: 32 FMAs and their shared-memory loads.
      const fmaLine = lines.findIndex((l) => l.includes("acc += As[ty * TILE + i] * Bs[i * TILE + tx]"));
      const fma = sass.find((h) => h.position.line === fmaLine);
      assert.ok(fma && Number(/^(\d+)/.exec(String(fma.label))![1]) >= 32, JSON.stringify(fma));
      // The loop hints of the static model are still there.
      assert.ok(hints.some((h) => /^×\d+ · /.test(String(h.label))));
    });

    it("gives each template instantiation its own ptxas numbers, with the launch's dynamic shared memory", async () => {
      const file = join(fixtures, "softmax-dynamic-smem.cu");
      const uri = `file://${file}`;
      const text = readFileSync(file, "utf8");
      server.open(uri, text, 1, "cuda-cpp");
      const position = kernelNamePosition(text, "softmax_rows");
      const h = await waitFor("both instantiations' ptxas numbers", async () => {
        const got = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position })) as Hover);
        return /exact from ptxas/.test(got) ? got : undefined;
      });
      for (const e of cudaExpectations.filter((x) => x.file === "softmax-dynamic-smem.cu")) {
        const p = e.ptxas.sm_80;
        const name = `softmax_rows<${e.templateArgs![0]}>`;
        assert.match(h, new RegExp(`\`${name}\`: ${p.registers} registers per thread, ${p.smem.toLocaleString("en-US")} B static shared memory, ${e.dynamicSharedBytes.toLocaleString("en-US")} B dynamic shared memory \\(from the launch\\)`), h);
      }
      // Both instantiations' occupancy rows take ptxas's registers.
      assert.equal(h.match(/^\| Occupancy \|.*registers per thread, exact/gm)?.length, 2, h);
      server.close(uri);
    });

    it("compiles a file again when a header it includes is saved, so a header that was missing is found", async () => {
      const file = join(work, "uses-header.cu");
      const uri = `file://${file}`;
      const text = ['#include "tile_config.cuh"', "__global__ void scale(float *x, float a, int n) {", "  int i = blockIdx.x * blockDim.x + threadIdx.x;", "  if (i < n) x[i] *= a * SCALE;", "}", ""].join("\n");
      const failed = server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === "nvcc-failed"), 60_000);
      server.open(uri, text, 1, "cuda-cpp");
      await failed;
      // The author writes the header in the editor and saves it.
      const header = join(work, "tile_config.cuh");
      const headerText = "#pragma once\n#define SCALE 2.0f\n";
      writeFileSync(header, headerText);
      const fixed = server.diagnostics(uri, (p) => !p.diagnostics.some((d) => d.source === "nvcc" || d.code === "nvcc-failed"), 60_000);
      server.open(`file://${header}`, headerText, 1, "cuda-cpp");
      void server.connection.sendNotification("textDocument/didSave", { textDocument: { uri: `file://${header}` } });
      await fixed;
      const h = await waitFor("ptxas's numbers after the save", async () => {
        const got = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: kernelNamePosition(text, "scale") })) as Hover);
        return /exact from ptxas/.test(got) ? got : undefined;
      });
      assert.match(h, /registers per thread, exact/);
      server.close(`file://${header}`);
      server.close(uri);
    });

    it("publishes nvcc's error at its line (a type error the static reader accepts), and keeps the estimates", async () => {
      const file = join(work, "bad.cu");
      const uri = `file://${file}`;
      const text = [
        "// tree-sitter reads this kernel; nvcc rejects line 4",
        "__global__ void bad(float *out, int n) {",
        "  int i = blockIdx.x * blockDim.x + threadIdx.x;",
        "  float3 v = out[i];",
        "  if (i < n) out[i] = v.x;",
        "}",
        "",
      ].join("\n");
      const withNvcc = server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.source === "nvcc"), 60_000);
      server.open(uri, text, 1, "cuda-cpp");
      const got = await withNvcc;
      const error = got.diagnostics.find((d) => d.source === "nvcc")!;
      assert.equal(error.severity, 1, JSON.stringify(error));
      assert.equal(error.range.start.line, 3);
      assert.equal(error.range.start.character, text.split("\n")[3]!.indexOf("out[i]"));
      assert.match(String(error.message), /no suitable constructor exists to convert from "float" to "float3"/);
      const note = got.diagnostics.find((d) => d.code === "nvcc-failed");
      assert.ok(note, JSON.stringify(got.diagnostics));
      assert.equal(note.severity, 3);
      const h = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: kernelNamePosition(text, "bad") })) as Hover);
      assert.match(h, /registers ≈ \d+ per thread, estimated/);
      assert.match(h, /estimates: nvcc failed: bad\.cu\(4\): no suitable constructor/);
      server.close(uri);
    });

    it("says what to set when a header is missing, and keeps the static model", async () => {
      const file = join(work, "needs-header.cu");
      const uri = `file://${file}`;
      const text = ['#include "project/config.h"', "__global__ void scale(float *x, float a, int n) {", "  int i = blockIdx.x * blockDim.x + threadIdx.x;", "  if (i < n) x[i] *= a;", "}", ""].join("\n");
      const failed = server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === "nvcc-failed"), 60_000);
      server.open(uri, text, 1, "cuda-cpp");
      const got = await failed;
      const note = got.diagnostics.find((d) => d.code === "nvcc-failed")!;
      assert.match(String(note.message), /kernellens\.preprocessor\.includePaths/);
      assert.match(String(note.message), /kernellens\.cuda\.flags/);
      assert.match(String(note.message), /compile_commands\.json/);
      assert.equal(note.range.start.line, 0, "at the #include nvcc could not open");
      // nvcc's own message is there too, as a warning: the configuration is missing, the code is not wrong.
      const missing = got.diagnostics.find((d) => d.source === "nvcc")!;
      assert.equal(missing.severity, 2);
      assert.match(String(missing.message), /project\/config\.h: No such file or directory|cannot open source file "project\/config\.h"/);
      const lenses = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri } })) as unknown[];
      assert.equal(lenses.length, 2, "the static model's lenses stay");
      server.close(uri);
    });
  });

  it("runs no nvcc in an untrusted workspace, and the hover says why the numbers are estimates", async () => {
    const before = compilesStarted();
    const server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: false, cuda: { compileDebounceMs: 50, nvccPath: wrapper } });
    try {
      const first = server.diagnostics(sgemmUri);
      server.open(sgemmUri, sgemm, 1, "cuda-cpp");
      const published = await first;
      const h = await waitFor("the hover to say the workspace is not trusted", async () => {
        const text = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: sgemmUri }, position: kernelNamePosition(sgemm, "sgemm_smem_tiling") })) as Hover);
        return /trusted workspace/.test(text) ? text : undefined;
      });
      assert.match(h, /registers ≈ \d+ per thread, estimated/);
      assert.match(h, /nvcc runs only in a trusted workspace/);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(compilesStarted(), before, "the wrapper was never run");
      assert.equal(server.logs().filter((l) => /workspace is not trusted/.test(l)).length, 1, server.logs().join("\n"));
      assert.ok(!server.logs().some((l) => /nvcc: compiling/.test(l)));
      assert.ok(!(server.latest(sgemmUri) ?? published.diagnostics).some((d: Diagnostic) => d.source === "nvcc" || /^nvcc-/.test(String(d.code))));
    } finally {
      await server.stop();
    }
  });

  it("cancels a running compile when the text changes, and publishes nothing of it", async () => {
    const server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: true, cuda: { compileDebounceMs: 50, nvccPath: slowWrapper } });
    try {
      const file = join(work, "edited.cu");
      const uri = `file://${file}`;
      const v1 = ["__global__ void scale(float *x, float a, int n) {", "  int i = blockIdx.x * blockDim.x + threadIdx.x;", "  if (i < n) x[i] *= a;", "}", ""].join("\n");
      // Version 2 has an error nvcc reports at line 3: had version 1's compile been published, it would have none.
      const v2 = ["__global__ void scale(float *x, float a, int n) {", "  int i = blockIdx.x * blockDim.x + threadIdx.x;", "  float3 v = x[i];", "  if (i < n) x[i] = v.x * a;", "}", ""].join("\n");
      const seen: PublishDiagnosticsParams[] = [];
      let done = false;
      // Every publication for the document until it is closed at the end (closing publishes an empty set).
      const collecting = server.diagnostics(uri, (p) => (seen.push(p), done), 120_000);
      const startedBefore = compilesStarted();
      server.open(uri, v1, 1, "cuda-cpp");
      await waitFor("version 1's compile to start", async () => (compilesStarted() > startedBefore ? true : undefined), 30_000);
      server.change(uri, v2, 2);
      const final = await server.diagnostics(uri, (p) => p.version === 2 && p.diagnostics.some((d) => d.source === "nvcc"), 60_000);
      assert.equal(final.diagnostics.find((d) => d.source === "nvcc")!.range.start.line, 2);
      assert.ok(server.logs().some((l) => /edited\.cu \(version 1\) cancelled/.test(l)), server.logs().join("\n"));
      assert.ok(!server.logs().some((l) => /edited\.cu \(version 1\) compiled/.test(l)));
      assert.equal(compilesStarted() - startedBefore, 2, "version 1's compile and version 2's");
      done = true;
      server.close(uri);
      await collecting;
      // Nothing published for version 1 came from a compile.
      for (const p of seen.filter((p) => p.version === 1)) assert.ok(!p.diagnostics.some((d) => d.source === "nvcc" || /^nvcc-/.test(String(d.code))), JSON.stringify(p));
    } finally {
      await server.stop();
    }
  });

  it("survives a burst of edits: every nvcc result published is for the version it compiled, and no nvcc is left running", async () => {
    const server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: true, cuda: { compileDebounceMs: 50, nvccPath: wrapper } });
    try {
      const uri = `file://${join(work, "burst.cu")}`;
      // Version v has v blank lines above the kernel, so nvcc's error for it is on line v + 2 (0-based): a result
      // published for the wrong version would put it elsewhere.
      const textOf = (v: number): string => ["// burst", ...Array.from({ length: v }, () => ""), "__global__ void bad(float *out) {", "  float3 v = out[threadIdx.x];", "  out[threadIdx.x] = v.x;", "}", ""].join("\n");
      const errorLine = (v: number): number => v + 2;
      const seen: PublishDiagnosticsParams[] = [];
      // Every publication for the document until it is closed at the end (closing publishes an empty set).
      const collecting = server.diagnostics(uri, (p) => (seen.push(p), p.version === undefined), 120_000).catch(() => undefined);
      const last = 12;
      server.open(uri, textOf(1), 1, "cuda-cpp");
      for (let v = 2; v <= last; v++) {
        await new Promise((r) => setTimeout(r, 40 + (v % 4) * 60));
        server.change(uri, textOf(v), v);
      }
      const final = await server.diagnostics(uri, (p) => p.version === last && p.diagnostics.some((d) => d.source === "nvcc"), 60_000);
      assert.equal(final.diagnostics.find((d) => d.source === "nvcc")!.range.start.line, errorLine(last));
      for (const p of seen) {
        for (const d of p.diagnostics.filter((x) => x.source === "nvcc")) assert.equal(d.range.start.line, errorLine(p.version!), `version ${p.version}: ${JSON.stringify(d)}`);
      }
      // The server has no nvcc (or its children) still running once the last compile answered.
      await new Promise((r) => setTimeout(r, 300));
      const ps = spawnSync("ps", ["-eo", "pid,ppid,pgid,args"], { encoding: "utf8" }).stdout.split("\n");
      const serverPid = server.process.pid!;
      const children = new Set<number>([serverPid]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const row of ps) {
          const [pid, ppid] = row.trim().split(/\s+/).map(Number);
          if (pid && ppid && children.has(ppid) && !children.has(pid)) {
            children.add(pid);
            grew = true;
          }
        }
      }
      const nvccLeft = ps.filter((row) => {
        const [pid] = row.trim().split(/\s+/).map(Number);
        return pid !== serverPid && children.has(pid!) && /nvcc|cicc|ptxas|cudafe/.test(row);
      });
      assert.deepEqual(nvccLeft, []);
      server.close(uri);
      await collecting;
    } finally {
      await server.stop();
    }
  });

  it("keeps the estimates when the configured nvcc does not exist, and says so in the hover and once in the log", async () => {
    const server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: true, cuda: { compileDebounceMs: 50, nvccPath: join(work, "no-such-nvcc") } });
    try {
      server.open(sgemmUri, sgemm, 1, "cuda-cpp");
      const position = kernelNamePosition(sgemm, "sgemm_smem_tiling");
      const h = await waitFor("the hover to say nvcc is missing", async () => {
        const got = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: sgemmUri }, position })) as Hover);
        return /no-such-nvcc/.test(got) ? got : undefined;
      });
      assert.match(h, /registers ≈ \d+ per thread, estimated/);
      assert.match(h, /is not an executable file/);
      assert.match(h, /kernellens\.cuda\.nvccPath/);
      assert.ok(!(server.latest(sgemmUri) ?? []).some((d) => d.source === "nvcc" || /^nvcc-/.test(String(d.code))));
      // Another edit: compiled (and refused) again, said once.
      server.change(sgemmUri, `${sgemm}\n`, 2);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(server.logs().filter((l) => /Or set kernellens\.cuda\.nvccPath/.test(l)).length, 1, server.logs().join("\n"));
    } finally {
      await server.stop();
    }
  });

  it("compiles for sm_75 on a Volta device (nvcc 13 has no sm_70) and says so", async () => {
    const server = await startServer({ device: "nvidia-v100-sxm2-32gb", workspaceTrusted: true, cuda: { compileDebounceMs: 50, nvccPath: wrapper } });
    try {
      const note = server.diagnostics(sgemmUri, (p) => p.diagnostics.some((d) => d.code === "nvcc-arch"), 60_000);
      server.open(sgemmUri, sgemm, 1, "cuda-cpp");
      const got = await note;
      const arch = got.diagnostics.find((d) => d.code === "nvcc-arch")!;
      assert.equal(arch.severity, 3);
      assert.match(String(arch.message), /sm_75/);
      assert.match(String(arch.message), /Volta|sm_70|7\.0/);
      const h = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: sgemmUri }, position: kernelNamePosition(sgemm, "sgemm_smem_tiling") })) as Hover);
      const registers = ptxasRegisters(sgemmFile, "sm_75");
      assert.match(h, /sm_75/);
      assert.match(h, new RegExp(`${registers} registers per thread, exact`));
    } finally {
      await server.stop();
    }
  });
});
