// The PTX opcode mix per line and the cross-check of the model's FLOPs against it (core/cuda/ptxOpcodes.ts,
// ptxFlopCheck.ts, compiledCode.ts), on PTX the real nvcc writes for the CUDA fixtures (`-ptx -lineinfo`, through the
// adapter). Hand derivations come from the fixtures' own comments; disagreements are both real (code where nvcc does
// different work than the source says) and injected (a model or a PTX changed by the test).
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import { compiledCodeOf, type KernelCompiledCode } from "../../server/src/core/cuda/compiledCode";
import { sassLinesOfCubin } from "../../server/src/core/cuda/cubinLines";
import { checkPtxFlops } from "../../server/src/core/cuda/ptxFlopCheck";
import { flopsOfInstruction, parsePtx, type PtxEntry, type PtxModule } from "../../server/src/core/cuda/ptxOpcodes";
import type { KernelModel } from "../../server/src/core/model/types";
import { compileResources, findNvcc, type NvccResources } from "../../server/src/cuda/nvccResources";
import { analyzeCuda } from "../support/cudaParser";
import { findRepoRoot } from "../support/repoRoot";

const root = findRepoRoot();
const fixture = (name: string): string => join(root, "test", "fixtures", "cuda", name);
const nvcc = findNvcc(undefined);
const noNvcc = "error" in nvcc ? `nvcc is not installed (${nvcc.error}): no PTX to read` : false;
/** The fixtures are analysed on an A100 (compute capability 8.0), so nvcc compiles for sm_80. */
const DEVICE = "nvidia-a100-sxm4-80gb";

async function compiled(text: string, name: string): Promise<NvccResources> {
  const r = await compileResources({ text, name }, { arch: "8.0", trusted: true, keepCubin: true, keepPtx: true, compileCommands: false });
  if (!r.ok) assert.fail(`${name}: ${r.message}`);
  assert.ok(r.ptx, `${name}: PTX (${r.ptxError ?? ""})`);
  return r;
}

interface Checked {
  readonly analysis: CudaSourceAnalysis;
  readonly ptx: PtxModule;
  readonly code: Map<string, KernelCompiledCode>;
  readonly text: string;
}

/** Compiles and analyses `text`, and cross-checks every kernel. */
async function check(text: string, name: string): Promise<Checked> {
  const r = await compiled(text, name);
  const analysis = await analyzeCuda(text, { device: DEVICE });
  const ptx = parsePtx(r.ptx!, r.lineTableFile, text);
  const sass = sassLinesOfCubin(r.cubin!, r.lineTableFile);
  return { analysis, ptx, code: compiledCodeOf(text, analysis.kernels, analysis.models, r.kernels, sass, ptx), text };
}

const fixtureText = (name: string): string => readFileSync(fixture(name), "utf8");
const lineOf = (text: string, snippet: string): number => {
  const at = text.indexOf(snippet);
  assert.ok(at >= 0, snippet);
  return text.slice(0, at).split("\n").length;
};
const entryOf = (m: PtxModule, re: RegExp): PtxEntry => {
  const e = m.entries.find((x) => re.test(x.name));
  assert.ok(e, `an entry matching ${re}`);
  return e;
};

describe("PTX FLOPs per instruction, in the model's conventions", () => {
  it("counts FMAs as two, packed types per lane, the headers' FMA tricks as one, tensor ops per thread", () => {
    const f = (op: string, operands: string[] = ["%d", "%a", "%b", "%c"], value?: (r: string) => string | undefined) => flopsOfInstruction(op, operands, value);
    assert.deepEqual(f("fma.rn.f32"), { cls: "f32", flops: 2, special: false });
    assert.deepEqual(f("add.f32"), { cls: "f32", flops: 1, special: false });
    assert.deepEqual(f("max.f32"), { cls: "f32", flops: 1, special: false });
    assert.deepEqual(f("fma.rn.f64"), { cls: "f64", flops: 2, special: false });
    assert.deepEqual(f("fma.rn.bf16x2"), { cls: "bf16", flops: 4, special: false });
    assert.deepEqual(f("mul.f16x2"), { cls: "f16", flops: 2, special: false });
    // __hmul2 on bf16: x * y + (-0); __hadd2: x * 1 + y.
    assert.equal(f("fma.rn.bf16x2", ["%r", "%a", "%b", "c"], (r) => (r === "c" ? "0x80008000u" : undefined)).flops, 2);
    assert.equal(f("fma.rn.bf16x2", ["%r", "%a", "c", "%b"], (r) => (r === "c" ? "0x3f803f80u" : undefined)).flops, 2);
    assert.equal(f("fma.rn.f32", ["%f1", "%f2", "%f3", "0f80000000"]).flops, 1);
    assert.deepEqual(f("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"), { cls: "tensor", flops: (2 * 16 * 8 * 16) / 32, special: false });
    assert.deepEqual(f("wmma.mma.sync.aligned.row.col.m16n16k16.f32.f32"), { cls: "tensor", flops: (2 * 16 * 16 * 16) / 32, special: false });
    assert.equal(f("wmma.load.a.sync.aligned.row.m16n16k16.f16").cls, null);
    assert.deepEqual(f("atom.global.add.f32"), { cls: "f32", flops: 1, special: false });
    for (const op of ["ex2.approx.ftz.f32", "rsqrt.approx.f32", "sqrt.rn.f32", "rcp.approx.ftz.f32", "tanh.approx.f32"]) assert.equal(f(op).special, true, op);
    for (const op of ["setp.lt.f32", "cvt.rn.bf16.f32", "abs.f32", "neg.f32", "mul.wide.s32", "mad.lo.s32", "add.s64"]) assert.equal(f(op).flops, 0, op);
  });

  it("never throws on text that is not PTX, and finds no entry in it", () => {
    for (const junk of ["", "{{{", ".entry x( {", ".entry k() { .loc 1 2 3\n fma.rn.f32 %f1, %f2; bra $L; }", "\u0000".repeat(100), 42 as unknown as string]) {
      const m = parsePtx(junk, null);
      assert.ok(Array.isArray(m.entries));
    }
  });
});

describe("PTX of the fixtures: opcodes per line and FLOPs per thread", { skip: noNvcc }, () => {
  it("reduce_sum: 12 static f32 FLOPs per thread, by hand; the shuffles on warp_reduce_sum's line, the atomic on its call", async () => {
    const text = fixtureText("reduce-sum-shfl.cu");
    const r = await compiled(text, fixture("reduce-sum-shfl.cu"));
    const e = entryOf(parsePtx(r.ptx!, r.lineTableFile), /reduce_sum/);
    // One add per loop trip (the loop is not unrolled), two trees of five shuffle-adds, one floating atomic add.
    assert.equal(e.flops.f32, 1 + 5 + 5 + 1);
    assert.equal(e.unattributed, 0);
    const at = (snippet: string) => e.lines.find((l) => l.line === lineOf(text, snippet))!;
    assert.equal(at("v += __shfl_down_sync(0xffffffffu, v, offset);").opcodes["shfl.sync.down.b32"], 10);
    assert.equal(at("if (lane == 0) atomicAdd(out, sum);").opcodes["atom.global.add.f32"], 1);
    assert.equal(e.hasLoops, true);
    assert.deepEqual(
      e.loops.map((l) => [l.line, l.perIteration.min.f32, l.perIteration.max.f32]),
      [[lineOf(text, "for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;"), 1, 1]],
    );
  });

  it("gelu_forward_bf16x2 is loop-free: 16 bf16 FLOPs per pair on the path that passes the guard, none on the other", async () => {
    const r = await compiled(fixtureText("gelu-bf16.cu"), fixture("gelu-bf16.cu"));
    const e = entryOf(parsePtx(r.ptx!, r.lineTableFile), /gelu_forward_bf16x2/);
    assert.equal(e.hasLoops, false);
    // __hmul2 x 2 = 4, __hfma2 = 4, __hmul2 by the scale = 2, __hadd2 = 2, __hmul2 x 2 = 4 (the fixture's comment).
    assert.deepEqual(e.perThread, { min: { f32: 0, f64: 0, f16: 0, bf16: 0, tensor: 0 }, max: { f32: 0, f64: 0, f16: 0, bf16: 16, tensor: 0 } });
  });

  it("sgemm_blocktiling_2d: one pass of the k-tile loop is BK x TM x TN FMAs = 8 x 8 x 8 x 2 = 1,024 FLOPs", async () => {
    const text = fixtureText("sgemm-5-2d-blocktiling.cu");
    const r = await compiled(text, fixture("sgemm-5-2d-blocktiling.cu"));
    const e = entryOf(parsePtx(r.ptx!, r.lineTableFile), /sgemm_blocktiling_2d/);
    assert.deepEqual(
      e.loops.map((l) => [l.line, l.perIteration.min.f32, l.perIteration.max.f32]),
      [[lineOf(text, "for (int t = 0; t < k; t += BK)"), 1024, 1024]],
    );
    assert.equal(e.lines.find((l) => l.line === lineOf(text, "acc[i * TN + j] += regM[i] * regN[j];"))?.opcodes["fma.rn.f32"], 512);
  });
});

describe("PTX of the fixtures: malformed text", { skip: noNvcc }, () => {
  it("answers, never throws, on 1,000 truncated and mutated PTX texts, with finite counts", async () => {
    const r = await compiled(fixtureText("softmax-dynamic-smem.cu"), fixture("softmax-dynamic-smem.cu"));
    const ptx = r.ptx!;
    let seed = 14;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const pieces = ["{", "}", ";", "\n", ".loc 1 0 0", "bra $L__BB0_1;", "$L__BB0_1:", "@%p1 bra $L__BB0_1;", ".entry x(", "fma.rn.f32 %f1, %f1, %f1, %f1;", "ret;", ", inlined_at 9 9 9"];
    for (let i = 0; i < 1000; i++) {
      let text = ptx.slice(0, Math.floor(next() * ptx.length));
      if (i % 2 === 0) {
        for (let e = 0; e < 6; e++) {
          const at = Math.floor(next() * text.length);
          text = text.slice(0, at) + pieces[Math.floor(next() * pieces.length)]! + text.slice(at + Math.floor(next() * 40));
        }
      }
      const m = parsePtx(text, r.lineTableFile, fixtureText("softmax-dynamic-smem.cu"));
      for (const e of m.entries) {
        assert.ok(Number.isFinite(e.instructions) && Object.values(e.flops).every(Number.isFinite), `text ${i}`);
        for (const l of e.loops) assert.ok(Object.values(l.perIteration.max).every(Number.isFinite), `text ${i}`);
      }
    }
  });
});

describe("the cross-check of the model's FLOPs against PTX", { skip: noNvcc }, () => {
  it("finds no disagreement on any fixture, and compares every kernel", async () => {
    const names = [
      "gelu-bf16.cu", "layernorm-bf16.cu", "q4_0-gemv.cu", "reduce-sum-shfl.cu", "sgemm-1-naive.cu", "sgemm-2-coalesced.cu", "sgemm-3-smem-tiling.cu",
      "sgemm-4-1d-blocktiling.cu", "sgemm-5-2d-blocktiling.cu", "sgemm-6-vectorized.cu", "sgemm-7-linearized-bs.cu", "sgemm-8-padded-bs.cu",
      "sgemm-9-autotuned.cu", "sgemm-10-warptiling.cu", "softmax-dynamic-smem.cu", "transpose-smem.cu",
    ];
    let kernels = 0;
    let loopsCompared = 0;
    for (const name of names) {
      const c = await check(fixtureText(name), fixture(name));
      for (const k of c.analysis.kernels) {
        const code = c.code.get(k.name);
        assert.ok(code?.ptx && code.sass, `${name} ${k.name}: matched to the PTX and the cubin`);
        assert.deepEqual(code.mismatches, [], `${name} ${k.name}`);
        kernels++;
        loopsCompared += code.ptx.loops.length;
      }
    }
    assert.equal(kernels, 19);
    assert.ok(loopsCompared >= 20, `${loopsCompared} PTX loops`);
  });

  const REAL = `
__global__ void square_twice(const float *__restrict__ x, float *__restrict__ y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    const float a = x[i] * 3.0f;
    const float b = x[i] * 3.0f;
    y[i] = a * b;
  }
}

__global__ void scaled_sum(const float *__restrict__ x, float *__restrict__ y, float s, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  float acc = 0.0f;
  for (int k = 0; k < n; ++k) {
    acc += x[k * 4096 + i] * (s * s);
  }
  y[i] = acc;
}

int main() {
  float *x = nullptr, *y = nullptr;
  square_twice<<<4096, 256>>>(x, y, 4096 * 256);
  scaled_sum<<<16, 256>>>(x, y, 2.0f, 4096);
  return 0;
}
`;

  it("reports real disagreements: a repeated product nvcc computes once, and loop-invariant arithmetic it hoists", async () => {
    const c = await check(REAL, "/tmp/kernellens-cse.cu");
    const cse = c.code.get("square_twice")!.mismatches;
    assert.equal(cse.length, 1);
    // x*3 twice and their product: 3 FLOPs in the source, the model's count; nvcc computes x*3 once: 2 on the long path.
    assert.deepEqual({ line: cse[0]!.line, scope: cse[0]!.scope, model: cse[0]!.model, ptx: cse[0]!.ptx }, { line: 2, scope: "kernel", model: { min: 3, max: 3 }, ptx: { min: 0, max: 2 } });
    const hoisted = c.code.get("scaled_sum")!.mismatches;
    assert.equal(hoisted.length, 1);
    assert.equal(hoisted[0]!.line, lineOf(REAL, "for (int k = 0; k < n; ++k)"));
    assert.equal(hoisted[0]!.scope, "loop");
    assert.equal(hoisted[0]!.model.max, 3);
    assert.match(hoisted[0]!.message, /3 FLOPs per thread per iteration/);
  });

  it("does not blame a kernel for work a function nvcc kept out of line does; its SASS counts for the kernel", async () => {
    const text = `__device__ __noinline__ float twice(float v) { return v * 2.0f + 1.0f; }
__global__ void calls_out(const float *x, float *y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = twice(x[i]);
}
int main() { float *x = nullptr, *y = nullptr; calls_out<<<1024, 256>>>(x, y, 1024 * 256); return 0; }
`;
    const c = await check(text, "/tmp/kernellens-noinline.cu");
    const code = c.code.get("calls_out")!;
    assert.equal(code.ptx!.calls, true);
    assert.equal(code.ptx!.flops.f32, 0, "the FMA is in the callee");
    assert.deepEqual(code.mismatches, []);
    // ptxas places the callee inside the kernel's section: its instructions are on line 1, the callee's line.
    assert.ok((code.sass!.lines.find((l) => l.line === 1)?.instructions ?? 0) > 0);
  });

  it("does not compare a loop whose inner loop PTX keeps: nvcc's versions of it for an empty inner loop do no FLOPs", async () => {
    // The shape of llm.c's attention_forward_kernel2 (S = QK^T): y over Bc, x over d, both run-time bounds.
    const text = `__global__ void scores(const float *__restrict__ q, const float *__restrict__ k, float *__restrict__ s, int Bc, int d, float scale) {
  const int tx = threadIdx.x;
  float row_m = -1e30f;
  for (int y = 0; y < Bc; y++) {
    float sum = 0;
    for (int x = 0; x < d; x++) {
      sum += q[tx * d + x] * k[y * d + x];
    }
    sum *= scale;
    s[tx * Bc + y] = sum;
    if (sum > row_m) row_m = sum;
  }
  s[tx] = row_m;
}
int main() { float *p = nullptr; scores<<<1, 32>>>(p, p, p, 32, 64, 0.125f); return 0; }
`;
    const c = await check(text, "/tmp/kernellens-scores.cu");
    const code = c.code.get("scores")!;
    const outer = code.ptx!.loops.filter((l) => l.line === 4);
    assert.ok(outer.length > 0 && outer.every((l) => l.perIteration.max.f32 === 0), "PTX loops on the y line without the inner x loop's FMAs");
    assert.ok(code.ptx!.loops.some((l) => l.line === 6 && l.perIteration.min.f32 > 0), "the x loop, unrolled, with its FMAs");
    assert.deepEqual(code.mismatches, []);
  });

  it("counts the math library's FMAs only as a possibility: logf is an FMA polynomial with no special instruction", async () => {
    const text = `__global__ void neg_log(const float *__restrict__ p, float *__restrict__ out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = -logf(p[i]);
}
int main() { float *p = nullptr; neg_log<<<1024, 256>>>(p, p, 1024 * 256); return 0; }
`;
    const c = await check(text, "/tmp/kernellens-neglog.cu");
    const code = c.code.get("neg_log")!;
    const line = code.ptx!.lines.find((l) => l.line === 3)!;
    assert.equal(line.special, 0, "no lg2: libdevice's logf is a polynomial");
    assert.ok(line.flops.f32 >= 10 && line.library, `${line.flops.f32} FLOPs of the library on the logf line`);
    assert.deepEqual(code.mismatches, [], "the model's one special op and no FLOPs agree with it");
    // Without the source the line is not known to call logf, and the FMAs look like work the model missed.
    const model = c.analysis.models.get("neg_log")!.model;
    const r = await compiled(text, "/tmp/kernellens-neglog.cu");
    const blind = entryOf(parsePtx(r.ptx!, r.lineTableFile), /neg_log/);
    assert.equal(checkPtxFlops({ model, entry: blind, kernelLine: 1, lineOf: () => 0 })[0]?.scope, "presence");
  });

  it("reports an injected disagreement: a model with three times the FLOPs, a PTX loop with its FMA removed", async () => {
    const gelu = await check(fixtureText("gelu-bf16.cu"), fixture("gelu-bf16.cu"));
    const k = gelu.analysis.kernels.find((x) => x.name === "gelu_forward_bf16x2")!;
    const model = gelu.analysis.models.get(k.name)!.model;
    const bf16 = model.ops.flopsBF16;
    const tripled: KernelModel = { ...model, ops: { ...model.ops, flopsBF16: { value: 3 * bf16.value, min: 3 * bf16.min, max: 3 * bf16.max } } };
    const entry = gelu.code.get(k.name)!.ptx!;
    const kernelLine = lineOf(gelu.text, "__global__ void gelu_forward_bf16x2");
    const mismatch = checkPtxFlops({ model: tripled, entry, kernelLine, lineOf: () => 0 });
    assert.equal(mismatch.length, 1);
    assert.deepEqual({ line: mismatch[0]!.line, group: mismatch[0]!.group, model: mismatch[0]!.model.max, ptx: mismatch[0]!.ptx }, { line: kernelLine, group: "16-bit float", model: 48, ptx: { min: 0, max: 16 } });
    assert.deepEqual(checkPtxFlops({ model, entry, kernelLine, lineOf: () => 0 }), [], "the untouched model agrees");

    // The naive SGEMM's k loop without its FMA: the model's 2 FLOPs per iteration have nothing to match.
    const name = "sgemm-1-naive.cu";
    const text = fixtureText(name);
    const r = await compiled(text, fixture(name));
    const analysis = await analyzeCuda(text, { device: DEVICE });
    const noFma = r.ptx!.replace(/^\s*fma\.rn\.f32[^\n]*\n/gm, "");
    const broken = compiledCodeOf(text, analysis.kernels, analysis.models, r.kernels, null, parsePtx(noFma, r.lineTableFile, text)).get("sgemm_naive")!;
    const loopLine = lineOf(text, "for (int i = 0; i < k; ++i)");
    assert.deepEqual(
      broken.mismatches.map((m) => [m.scope, m.line, m.model.max, m.ptx.max]),
      [["loop", loopLine, 2, 0]],
      "the loop lost its FLOPs; the epilogue's multiply is still there",
    );
    // Without any f32 arithmetic the class is missing altogether.
    const noFloat = r.ptx!.replace(/^\s*(fma\.rn|mul|add|sub)\.f32[^\n]*\n/gm, "");
    const none = compiledCodeOf(text, analysis.kernels, analysis.models, r.kernels, null, parsePtx(noFloat, r.lineTableFile, text)).get("sgemm_naive")!;
    const presence = none.mismatches.find((m) => m.scope === "presence");
    assert.ok(presence && presence.model.min > 0 && presence.ptx.max === 0 && presence.group === "32/64-bit float", "no f32 arithmetic left at all");
  });
});

describe("the PTX comes with the cubin", () => {
  it("from the same nvcc run (kept with -keep), not a second compile", { skip: noNvcc }, async () => {
    // A wrapper that counts its calls and runs the real nvcc.
    const dir = mkdtempSync(join(tmpdir(), "kl-nvcc-count-"));
    try {
      const count = join(dir, "calls");
      const wrapper = join(dir, "nvcc");
      writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> "${count}"\nexec "${(nvcc as { path: string }).path}" "$@"\n`);
      chmodSync(wrapper, 0o755);
      const text = readFileSync(join(findRepoRoot(), "test", "fixtures", "cuda", "reduce-sum-shfl.cu"), "utf8");
      const r = await compileResources({ text, name: "reduce.cu" }, { arch: "8.0", trusted: true, keepCubin: true, keepPtx: true, cache: null, compileCommands: false, nvccPath: wrapper });
      assert.ok(r.ok, r.ok ? "" : r.message);
      assert.match(r.ptx ?? "", /\.entry\s+\w*reduce/);
      // One compile (the version probe is another call, not a compile: count those that compile).
      const compiles = readFileSync(count, "utf8").trim().split("\n").filter((l) => /(^| )-(cubin|ptx)( |$)/.test(l));
      assert.equal(compiles.length, 1, compiles.join("\n"));
      const ptx = parsePtx(r.ptx!, "reduce.cu", text);
      assert.ok(ptx.entries.length >= 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
