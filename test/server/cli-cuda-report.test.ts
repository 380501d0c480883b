// `kernellens report` on CUDA files, run as users run it: the same self-contained page as for WGSL, with one entry
// per launched kernel and template instantiation named as `analyze` names them, nvcc's exact resources where nvcc is
// installed (estimated with --no-nvcc), CUDA's words, and no run history (KernelLens does not run CUDA).
// The page's rendering in Chromium is checked in test/webview/report.test.ts; here, the data the CLI embeds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AnalyzeFileJson } from "../../server/src/cli/analyzeJson";
import { CUDA_WORDS, WGSL_WORDS } from "../../server/src/core/model/format";
import { findNvcc } from "../../server/src/cuda/nvccResources";
import { check } from "../../server/src/core/validation";
import { reportDataChecker, type ReportData } from "../../webview/src/report/protocol";
import { boundText, resourcesText } from "../../webview/src/report/view";
import { cudaExpectations } from "../fixtures/cuda/expectations";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
const hasNvcc = "path" in findNvcc(undefined);

let scratch: string;
/** An empty profile folder: this machine's own calibration must not change the page. */
let noProfiles: string;

function kernellens(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, KERNELLENS_PROFILE_DIR: noProfiles } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The data block the CLI embedded, read back as the page reads it. */
function embedded(html: string): ReportData {
  const m = /<script type="application\/json" id="kernellens-report-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, "the report has its data block");
  return JSON.parse(m[1]!) as ReportData;
}

/** A folder with the fixture in it, so the report's file name is the fixture's own. */
function folderWith(name: string): string {
  const cwd = mkdtempSync(join(scratch, "cwd-"));
  copyFileSync(join(root, "test", "fixtures", "cuda", name), join(cwd, name));
  return cwd;
}

const transpose = cudaExpectations.filter((e) => e.file === "transpose-smem.cu");
const instantiation = (e: (typeof cudaExpectations)[number]): string => (e.templateArgs ? `${e.kernel}<${e.templateArgs.join(", ")}>` : e.kernel);

describe("kernellens report on CUDA files", { timeout: 240_000 }, () => {
  before(() => {
    const built = spawnSync(process.execPath, ["build.mjs"], { cwd: root, encoding: "utf8" });
    assert.equal(built.status, 0, `node build.mjs failed:\n${built.stdout}${built.stderr}`);
    scratch = mkdtempSync(join(tmpdir(), "kl-cuda-report-"));
    noProfiles = join(scratch, "no-profiles");
    mkdirSync(noProfiles);
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("writes the self-contained page for transpose-smem.cu: both instantiations as analyze names them, the bank conflict, the roofline, no runs", () => {
    const cwd = folderWith("transpose-smem.cu");
    const r = kernellens(cwd, "report", "transpose-smem.cu", "-o", "out/report.html", "--no-nvcc");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote out\/report\.html \(\d+ KiB\): 2 kernels, 2 findings, registers and shared memory estimated; modelled on NVIDIA GeForce RTX 4090/);
    const html = readFileSync(join(cwd, "out", "report.html"), "utf8");

    // Self-contained, as the WGSL report: one script and one style by hash, nothing from anywhere.
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replaceAll("&#39;", "'") ?? "";
    assert.match(csp, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:/);
    assert.doesNotMatch(csp, /unsafe|nonce|https?:|\*/);
    assert.doesNotMatch(html, /<(link|img|iframe)\b|\bsrc=|sourceMappingURL/, "nothing refers to another file");
    assert.match(html, /<title>KernelLens report: transpose-smem\.cu<\/title>/);

    const data = embedded(html);
    // The page's own checker accepts it (the page renders nothing it does not accept).
    const checked = check(reportDataChecker, data, "data");
    assert.ok(checked.ok, checked.ok ? "" : checked.detail);
    assert.equal(data.header.language, "cuda");
    assert.equal(data.header.file, "transpose-smem.cu");
    assert.equal(data.header.device.id, "nvidia-rtx-4090");
    assert.equal(data.header.compilerChecked, false);
    assert.deepEqual(data.header.resources, { exact: false, detail: "registers and shared memory estimated by the model: nvcc was not run (--no-nvcc)" });

    // The kernels are analyze's: same names (one per instantiation), counts and launches.
    const analyzed = JSON.parse(kernellens(cwd, "analyze", "transpose-smem.cu", "--json", "--no-nvcc").stdout) as AnalyzeFileJson;
    assert.deepEqual(data.kernels.map((k) => k.name), transpose.map(instantiation));
    assert.deepEqual(data.kernels.map((k) => k.name), analyzed.kernels.map((k) => k.name));
    data.kernels.forEach((k, i) => {
      const e = transpose[i]!;
      const a = analyzed.kernels[i]!;
      assert.equal(k.line, a.range.start.line + 1, k.name);
      assert.equal(k.flops, e.flops.f32 + e.flops.f16 + e.flops.bf16, k.name);
      assert.equal(k.bytesCompulsory, e.compulsoryBytes.read + e.compulsoryBytes.written, k.name);
      assert.deepEqual(k.workgroupSize, e.block, k.name);
      assert.deepEqual(k.dispatch, e.grid, k.name);
      assert.equal(k.predictedMs, a.roofline.predictedMs, k.name);
      assert.equal(k.bound, "memory", k.name);
      // The model's estimates, marked so: shared memory from the declarations (the padded tile is one column wider).
      const ar = a.resources;
      assert.deepEqual(k.resources, { registers: ar.registers, sharedMemoryBytes: ar.sharedMemoryBytes, dynamicSharedMemoryBytes: ar.dynamicSharedMemoryBytes, stackBytes: ar.stackBytes, spillStoreBytes: ar.spillStoreBytes, spillLoadBytes: ar.spillLoadBytes, exact: false }, k.name);
      assert.equal(k.resources!.sharedMemoryBytes, e.staticSharedBytes, k.name);
      assert.equal(k.occupancy?.estimated, true, k.name);
    });
    // Told in CUDA's words where the page words them.
    assert.equal(resourcesText(data.kernels[1]!.resources!, CUDA_WORDS), `16 registers per thread · 4.22 kB shared memory per block · estimated`);

    // The roofline data: both kernels, each with the reason a FLOP roofline has no place for a copy.
    assert.deepEqual(data.roofline.kernels.map((k) => [k.name, k.predicted, k.reason]), data.kernels.map((k) => [k.name, null, "no floating-point work, so no place on a FLOP roofline"]));
    assert.equal(data.roofline.device.id, "nvidia-rtx-4090");
    assert.ok(data.roofline.device.ceilings.dramGBps > 0);

    // The unpadded tile's 32-way bank conflict, at the line that reads the column (57), in CUDA's words.
    const conflict = data.findings.filter((f) => f.code === "bank-conflict");
    assert.equal(conflict.length, 1, JSON.stringify(data.findings));
    assert.equal(conflict[0]!.line, 57);
    assert.equal(conflict[0]!.severity, "warning");
    assert.match(conflict[0]!.message, /^32-way bank conflict on 'tile'.*threadIdx\.x span the 32 lanes of a warp/);
    assert.doesNotMatch(conflict[0]!.message, /workgroup|invocation/);
    // The same findings as analyze's, in line order.
    assert.deepEqual(data.findings.map((f) => [f.line, f.code]), analyzed.diagnostics.map((d) => [d.range.start.line + 1, d.code]).sort((a, b) => (a[0] as number) - (b[0] as number)));

    // KernelLens runs no CUDA: no runs, and no history was read (or written).
    assert.deepEqual(data.runs, []);
    assert.equal(existsSync(join(cwd, ".kernellens")), false);
  });

  it("gives nvcc's exact registers and shared memory of each instantiation, for the device's architecture", { skip: hasNvcc ? false : "nvcc is not installed" }, () => {
    const cwd = folderWith("transpose-smem.cu");
    const r = kernellens(cwd, "report", "transpose-smem.cu", "-o", "report.html");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 kernels, 2 findings, registers and shared memory exact \(nvcc\); modelled on NVIDIA GeForce RTX 4090/);
    const data = embedded(readFileSync(join(cwd, "report.html"), "utf8"));
    assert.equal(data.header.compilerChecked, true);
    assert.deepEqual(data.header.resources, { exact: true, detail: "registers and shared memory exact, from nvcc -Xptxas -v (sm_89)" });
    data.kernels.forEach((k, i) => {
      const p = transpose[i]!.ptxas.sm_89!;
      assert.deepEqual(k.resources, { registers: p.registers, sharedMemoryBytes: p.smem, dynamicSharedMemoryBytes: 0, stackBytes: p.stackFrame, spillStoreBytes: p.spillStores, spillLoadBytes: p.spillLoads, exact: true }, k.name);
      assert.equal(k.occupancy?.estimated, false, k.name);
    });
    assert.equal(resourcesText(data.kernels[0]!.resources!, CUDA_WORDS), `${transpose[0]!.ptxas.sm_89!.registers} registers per thread · 4.1 kB shared memory per block · exact (ptxas)`);
    // nvcc compiled the file cleanly: no nvcc findings.
    assert.deepEqual(data.findings.filter((f) => f.source === "nvcc"), []);
  });

  it("a file nvcc cannot compile: nvcc's error among the findings at its line, the estimates kept and why", { skip: hasNvcc ? false : "nvcc is not installed" }, () => {
    const cwd = mkdtempSync(join(scratch, "broken-"));
    writeFileSync(join(cwd, "broken.cu"), "__global__ void k(float* x) {\n  x[threadIdx.x] = undeclared_name;\n}\nint main() { k<<<1, 32>>>(nullptr); }\n");
    const r = kernellens(cwd, "report", "broken.cu");
    assert.equal(r.code, 0, r.stderr);
    const data = embedded(readFileSync(join(cwd, "kernellens-report.html"), "utf8"));
    assert.ok(data.findings.some((f) => f.source === "nvcc" && f.line === 2 && /undeclared_name/.test(f.message)), JSON.stringify(data.findings));
    assert.equal(data.header.compilerChecked, false);
    assert.equal(data.header.resources?.exact, false);
    assert.match(data.header.resources?.detail ?? "", /^registers and shared memory are the model's estimates: nvcc failed: .*undeclared_name/);
    assert.equal(data.kernels[0]!.resources?.exact, false);
  });

  it("places a kernel with floating-point work on the roofline (the tiled SGEMM)", () => {
    const cwd = folderWith("sgemm-3-smem-tiling.cu");
    const r = kernellens(cwd, "report", "sgemm-3-smem-tiling.cu", "--no-nvcc", "--device", "nvidia-a100");
    assert.equal(r.code, 0, r.stderr);
    const data = embedded(readFileSync(join(cwd, "kernellens-report.html"), "utf8"));
    const expected = cudaExpectations.filter((e) => e.file === "sgemm-3-smem-tiling.cu");
    assert.deepEqual(data.roofline.kernels.map((k) => k.name), expected.map(instantiation));
    const [k] = data.kernels;
    const [point] = data.roofline.kernels;
    assert.ok(point!.predicted, point!.reason ?? "");
    assert.equal(point!.predicted.ms, k!.predictedMs);
    assert.ok(Math.abs(point!.predicted.gflops - k!.flops! / k!.predictedMs! / 1e6) < 1e-6 * point!.predicted.gflops);
    assert.equal(data.roofline.device.id, "nvidia-a100-sxm-80gb");
    // Its 32 x 32 tiles are read from shared memory 32 times per global load: bound there, and the page says so in CUDA's words.
    assert.equal(k!.bound, "workgroup-memory");
    assert.equal(boundText(k!.bound, CUDA_WORDS), "shared-memory-bound");
    assert.equal(boundText(k!.bound, WGSL_WORDS), "workgroup-memory-bound");
  });

  it("says clearly when a CUDA file has no kernel, and still writes the page", () => {
    const cwd = mkdtempSync(join(scratch, "empty-"));
    writeFileSync(join(cwd, "helpers.cuh"), "#pragma once\n__device__ inline float twice(float x) { return 2.0f * x; }\n");
    const r = kernellens(cwd, "report", "helpers.cuh", "--no-nvcc");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /0 kernels/);
    assert.match(r.stderr, /'helpers\.cuh' has no __global__ kernel: the report has no roofline points and no analysis rows/);
    const data = embedded(readFileSync(join(cwd, "kernellens-report.html"), "utf8"));
    assert.equal(data.header.language, "cuda");
    assert.deepEqual(data.kernels, []);
    assert.deepEqual(data.roofline.kernels, []);
  });

  it("run and sweep still refuse CUDA; report of a missing .cu file is a usage error", () => {
    const cwd = folderWith("transpose-smem.cu");
    for (const command of ["run", "sweep"]) {
      const r = kernellens(cwd, command, "transpose-smem.cu");
      assert.equal(r.code, 2, command);
      assert.match(r.stderr, /CUDA kernels cannot be run by KernelLens/);
    }
    const missing = kernellens(cwd, "report", "nope.cu");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read 'nope\.cu': no such file/);
  });
});
