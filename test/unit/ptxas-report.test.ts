// Tests the pure reading of nvcc's stderr (core/cuda/ptxasReport.ts) on output captured from nvcc 13.0.88 on this
// machine: `nvcc -arch=sm_XX -cubin -lineinfo -Xptxas -v FILE.cu -o out.cubin`, for sm_75, sm_80, sm_90 and sm_120.
//
// The captured files (kept here as comments, verbatim where they matter):
//   kernels.cu: a 16x16 shared-memory SGEMM (two 16x16 float tiles = 2048 B), saxpy, a templated reduction
//     `reduce_sum<BLOCK>` explicitly instantiated for 256 and 1024 (`__shared__ float s[BLOCK]`: 1024 B and 4096 B),
//     `extern "C" dyn_smem` with only `extern __shared__` memory (no smem field: it comes from the launch), and
//     `spills` with a 256-float local array (1152 B frame) calling a `__noinline__ __device__ helper`.
//   spills.cu: `__launch_bounds__(1024, 2) heavy` (32 registers at most) with 48 live floats, a `__constant__ float
//     coeffs[64]` (256 B in cmem[3]) and a `__device__ int counter` (4 B gmem).
//   syntax_error.cu: a missing `;` on line 3 (reported at line 4, the `}`), an unused variable (#177-D) on line 2 and
//     a variable used before it is set (#549-D) on line 7.
//   template_error.cu: a bad call on line 7 and an error inside a template instantiated from line 4 and line 8.
//   too_much_smem.cu: `__shared__ float s[20000]` (80,000 B, more than the 48 KB static limit): ptxas error.
//   missing_header.cu: `#include "missing.h"` (the host preprocessor's error).
//   pragma.cu: `#pragma message("hi")` (front-end remark #20200-D) and `#warning` (host warning, -Wcpp).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  columnInSource,
  parseGpuCodeList,
  parseNvccDiagnostics,
  parseNvccVersion,
  parsePtxasReport,
  type PtxasFunction,
} from "../../server/src/core/cuda/ptxasReport";
import { mulberry32 } from "../support/random";

// ---- Captured output (nvcc 13.0.88, Linux x86-64) ---------------------------------------------------------------------

/** kernels.cu at sm_75: exit 0. */
const KERNELS_SM75 = "ptxas info    : 0 bytes gmem\nptxas info    : Compiling entry function '_Z6spillsPfi' for 'sm_75'\nptxas info    : Function properties for _Z6spillsPfi\n    1152 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 72 registers, used 0 barriers, 1152 bytes cumulative stack size, 364 bytes cmem[0]\nptxas info    : Compile time = 30.613 ms\nptxas info    : Function properties for _Z6helperfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Compiling entry function 'dyn_smem' for 'sm_75'\nptxas info    : Function properties for dyn_smem\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 10 registers, used 1 barriers, 360 bytes cmem[0]\nptxas info    : Compile time = 0.953 ms\nptxas info    : Compiling entry function '_Z10reduce_sumILi1024EEvPKfPfi' for 'sm_75'\nptxas info    : Function properties for _Z10reduce_sumILi1024EEvPKfPfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 4096 bytes smem, 372 bytes cmem[0]\nptxas info    : Compile time = 2.895 ms\nptxas info    : Compiling entry function '_Z10reduce_sumILi256EEvPKfPfi' for 'sm_75'\nptxas info    : Function properties for _Z10reduce_sumILi256EEvPKfPfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 1024 bytes smem, 372 bytes cmem[0]\nptxas info    : Compile time = 2.799 ms\nptxas info    : Compiling entry function '_Z5saxpyifPKfPf' for 'sm_75'\nptxas info    : Function properties for _Z5saxpyifPKfPf\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 10 registers, used 0 barriers, 376 bytes cmem[0]\nptxas info    : Compile time = 0.791 ms\nptxas info    : Compiling entry function '_Z11sgemm_tiledPKfS0_Pfi' for 'sm_75'\nptxas info    : Function properties for _Z11sgemm_tiledPKfS0_Pfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 36 registers, used 1 barriers, 2048 bytes smem, 380 bytes cmem[0]\nptxas info    : Compile time = 3.237 ms\n";
/** kernels.cu at sm_80: exit 0. */
const KERNELS_SM80 = "ptxas info    : 0 bytes gmem\nptxas info    : Compiling entry function '_Z6spillsPfi' for 'sm_80'\nptxas info    : Function properties for _Z6spillsPfi\n    1152 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 40 registers, used 0 barriers, 1152 bytes cumulative stack size, 364 bytes cmem[0]\nptxas info    : Compile time = 32.457 ms\nptxas info    : Function properties for _Z6helperfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Compiling entry function 'dyn_smem' for 'sm_80'\nptxas info    : Function properties for dyn_smem\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 10 registers, used 1 barriers, 360 bytes cmem[0]\nptxas info    : Compile time = 0.926 ms\nptxas info    : Compiling entry function '_Z10reduce_sumILi1024EEvPKfPfi' for 'sm_80'\nptxas info    : Function properties for _Z10reduce_sumILi1024EEvPKfPfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 4096 bytes smem, 372 bytes cmem[0]\nptxas info    : Compile time = 3.323 ms\nptxas info    : Compiling entry function '_Z10reduce_sumILi256EEvPKfPfi' for 'sm_80'\nptxas info    : Function properties for _Z10reduce_sumILi256EEvPKfPfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 1024 bytes smem, 372 bytes cmem[0]\nptxas info    : Compile time = 3.061 ms\nptxas info    : Compiling entry function '_Z5saxpyifPKfPf' for 'sm_80'\nptxas info    : Function properties for _Z5saxpyifPKfPf\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 10 registers, used 0 barriers, 376 bytes cmem[0]\nptxas info    : Compile time = 0.853 ms\nptxas info    : Compiling entry function '_Z11sgemm_tiledPKfS0_Pfi' for 'sm_80'\nptxas info    : Function properties for _Z11sgemm_tiledPKfS0_Pfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 31 registers, used 1 barriers, 2048 bytes smem, 380 bytes cmem[0]\nptxas info    : Compile time = 3.309 ms\n";
/** kernels.cu at sm_90: exit 0. */
const KERNELS_SM90 = "ptxas info    : 0 bytes gmem\nptxas info    : Compiling entry function '_Z6spillsPfi' for 'sm_90'\nptxas info    : Function properties for _Z6spillsPfi\n    1152 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 40 registers, used 0 barriers, 1152 bytes cumulative stack size\nptxas info    : Compile time = 38.352 ms\nptxas info    : Function properties for _Z6helperfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Compiling entry function 'dyn_smem' for 'sm_90'\nptxas info    : Function properties for dyn_smem\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers\nptxas info    : Compile time = 1.149 ms\nptxas info    : Compiling entry function '_Z10reduce_sumILi1024EEvPKfPfi' for 'sm_90'\nptxas info    : Function properties for _Z10reduce_sumILi1024EEvPKfPfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 4096 bytes smem\nptxas info    : Compile time = 2.810 ms\nptxas info    : Compiling entry function '_Z10reduce_sumILi256EEvPKfPfi' for 'sm_90'\nptxas info    : Function properties for _Z10reduce_sumILi256EEvPKfPfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 1024 bytes smem\nptxas info    : Compile time = 2.379 ms\nptxas info    : Compiling entry function '_Z5saxpyifPKfPf' for 'sm_90'\nptxas info    : Function properties for _Z5saxpyifPKfPf\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 10 registers, used 0 barriers\nptxas info    : Compile time = 1.168 ms\nptxas info    : Compiling entry function '_Z11sgemm_tiledPKfS0_Pfi' for 'sm_90'\nptxas info    : Function properties for _Z11sgemm_tiledPKfS0_Pfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 32 registers, used 1 barriers, 2048 bytes smem\nptxas info    : Compile time = 4.054 ms\n";
/** kernels.cu at sm_120: exit 0. */
const KERNELS_SM120 = "ptxas info    : 0 bytes gmem\nptxas info    : Compiling entry function '_Z6spillsPfi' for 'sm_120'\nptxas info    : Function properties for _Z6spillsPfi\n    1152 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 40 registers, used 0 barriers, 1152 bytes cumulative stack size\nptxas info    : Compile time = 18.956 ms\nptxas info    : Function properties for _Z6helperfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Compiling entry function 'dyn_smem' for 'sm_120'\nptxas info    : Function properties for dyn_smem\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers\nptxas info    : Compile time = 1.482 ms\nptxas info    : Compiling entry function '_Z10reduce_sumILi1024EEvPKfPfi' for 'sm_120'\nptxas info    : Function properties for _Z10reduce_sumILi1024EEvPKfPfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 4096 bytes smem\nptxas info    : Compile time = 3.124 ms\nptxas info    : Compiling entry function '_Z10reduce_sumILi256EEvPKfPfi' for 'sm_120'\nptxas info    : Function properties for _Z10reduce_sumILi256EEvPKfPfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 1024 bytes smem\nptxas info    : Compile time = 2.308 ms\nptxas info    : Compiling entry function '_Z5saxpyifPKfPf' for 'sm_120'\nptxas info    : Function properties for _Z5saxpyifPKfPf\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 10 registers, used 0 barriers\nptxas info    : Compile time = 1.180 ms\nptxas info    : Compiling entry function '_Z11sgemm_tiledPKfS0_Pfi' for 'sm_120'\nptxas info    : Function properties for _Z11sgemm_tiledPKfS0_Pfi\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 40 registers, used 1 barriers, 2048 bytes smem\nptxas info    : Compile time = 17.557 ms\n";
/** spills.cu at sm_80: exit 0. */
const SPILLS_SM80 = "ptxas info    : 4 bytes gmem, 256 bytes cmem[3], 8 bytes cmem[4]\nptxas info    : Compiling entry function '_Z5heavyPKfPfi' for 'sm_80'\nptxas info    : Function properties for _Z5heavyPKfPfi\n    184 bytes stack frame, 364 bytes spill stores, 400 bytes spill loads\nptxas info    : Used 32 registers, used 0 barriers, 184 bytes cumulative stack size, 372 bytes cmem[0]\nptxas info    : Compile time = 13.952 ms\n";
/** spills.cu at sm_90: exit 0. */
const SPILLS_SM90 = "ptxas info    : 4 bytes gmem\nptxas info    : Compiling entry function '_Z5heavyPKfPfi' for 'sm_90'\nptxas info    : Function properties for _Z5heavyPKfPfi\n    184 bytes stack frame, 364 bytes spill stores, 408 bytes spill loads\nptxas info    : Used 32 registers, used 0 barriers, 184 bytes cumulative stack size\nptxas info    : Compile time = 17.664 ms\n";
/** syntax_error.cu at sm_80: exit 1. */
const SYNTAX_ERROR = "syntax_error.cu(4): error: expected a \";\"\n  }\n  ^\n\nsyntax_error.cu(2): warning #177-D: variable \"unused\" was declared but never referenced\n    int unused = 3;\n        ^\n\nRemark: The warnings can be suppressed with \"-diag-suppress <warning-number>\"\n\nsyntax_error.cu(7): warning #549-D: variable \"x\" is used before its value is set\n    out[0] = x;\n             ^\n\n1 error detected in the compilation of \"syntax_error.cu\".\n";
/** template_error.cu at sm_80: exit 1. */
const TEMPLATE_ERROR = "template_error.cu(7): error: argument of type \"float *\" is incompatible with parameter of type \"int *\"\n  __attribute__((global)) void g(float* o) { f(o); }\n                                               ^\n\ntemplate_error.cu(1): error: expression must have class type but it has type \"float\"\n  template <typename T> __attribute__((device)) T twice(T x) { return x.bad(); }\n                                                                      ^\n          detected during:\n            instantiation of \"T twice(T) [with T=float]\" at line 4\n            instantiation of \"void k(T *) [with T=float]\" at line 8\n\n2 errors detected in the compilation of \"template_error.cu\".\n";
/** too_much_smem.cu at sm_80: exit 255. */
const TOO_MUCH_SMEM = "ptxas error   : Entry function '_Z3bigPf' uses too much shared data (0x13880 bytes, 0xc000 max)\nptxas info    : 0 bytes gmem\nptxas info    : Compiling entry function '_Z3bigPf' for 'sm_80'\nptxas info    : Function properties for _Z3bigPf\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 12 registers, used 1 barriers, 80000 bytes smem, 360 bytes cmem[0]\nptxas info    : Compile time = 3.757 ms\n";
/** missing_header.cu at sm_80: exit 1. */
const MISSING_HEADER = "missing_header.cu:1:10: fatal error: missing.h: No such file or directory\n    1 | #include \"missing.h\"\n      |          ^~~~~~~~~~~\ncompilation terminated.\n";
/** pragma.cu at sm_80: exit 0. */
const PRAGMA = "pragma.cu:2:2: warning: #warning custom warn [-Wcpp]\n    2 | #warning custom warn\n      |  ^~~~~~~\npragma.cu(1): remark #20200-D: #pragma message: \"hi\"\n  #pragma message(\"hi\")\n                       ^\n\nptxas info    : 0 bytes gmem\nptxas info    : Compiling entry function '_Z1kPf' for 'sm_80'\nptxas info    : Function properties for _Z1kPf\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 4 registers, used 0 barriers, 360 bytes cmem[0]\nptxas info    : Compile time = 1.295 ms\n";
const UNSUPPORTED_ARCH = "nvcc fatal   : Unsupported gpu architecture 'sm_70'\n";
const UNKNOWN_OPTION = "nvcc fatal   : Unknown option '--bogus-flag'\n";
const ASM_ERROR = "ptxas /tmp/tmpxft_00006ff3_00000000-6_p.ptx, line 23; error   : Unknown modifier '.instr'\nptxas /tmp/tmpxft_00006ff3_00000000-6_p.ptx, line 23; error   : Not a name of any known instruction: 'bogus'\nptxas fatal   : Ptx assembly aborted due to errors\n";
const WARN_SPILLS = "ptxas warning : Registers are spilled to local memory in function '_Z5heavyPKfPfi', 364 bytes spill stores, 400 bytes spill loads\nptxas info    : 4 bytes gmem, 256 bytes cmem[3], 8 bytes cmem[4]\nptxas info    : Compiling entry function '_Z5heavyPKfPfi' for 'sm_80'\nptxas info    : Function properties for _Z5heavyPKfPfi\n    184 bytes stack frame, 364 bytes spill stores, 400 bytes spill loads\nptxas info    : Used 32 registers, used 0 barriers, 184 bytes cumulative stack size, 372 bytes cmem[0]\nptxas info    : Compile time = 13.992 ms\n";
// `nvcc --version` as nvcc 13.0.88 prints it, less its vendor notice line (the parser reads only the version).
const NVCC_VERSION = "nvcc: NVIDIA (R) Cuda compiler driver\nBuilt on Wed_Aug_20_01:58:59_PM_PDT_2025\nCuda compilation tools, release 13.0, V13.0.88\nBuild cuda_13.0.r13.0/compiler.36424714_0\n";
const GPU_CODE_LIST = "sm_75\nsm_80\nsm_86\nsm_87\nsm_88\nsm_89\nsm_90\nsm_100\nsm_110\nsm_103\nsm_120\nsm_121\n";


// ---- Helpers ------------------------------------------------------------------------------------------------------------

function kernel(report: { kernels: readonly PtxasFunction[] }, name: string): PtxasFunction {
  const k = report.kernels.find((f) => f.name === name);
  assert.ok(k, `no kernel ${name} in ${report.kernels.map((f) => f.name).join(", ")}`);
  return k;
}

/** [registers, static shared memory, constant bytes] of a kernel. */
function regsSmemCmem(report: { kernels: readonly PtxasFunction[] }, name: string): [number | null, number | null, number | null] {
  const k = kernel(report, name);
  return [k.registers, k.sharedMemoryBytes, k.constantBytes];
}

const SGEMM = "_Z11sgemm_tiledPKfS0_Pfi";
const SAXPY = "_Z5saxpyifPKfPf";
const REDUCE_256 = "_Z10reduce_sumILi256EEvPKfPfi";
const REDUCE_1024 = "_Z10reduce_sumILi1024EEvPKfPfi";
const DYN = "dyn_smem";
const SPILLS = "_Z6spillsPfi";

// ---- Resources ----------------------------------------------------------------------------------------------------------

describe("ptxas report: per-kernel resources", () => {
  it("finds every entry function, each template instantiation separately, in ptxas's order", () => {
    const r = parsePtxasReport(KERNELS_SM80);
    assert.deepEqual(
      r.kernels.map((k) => k.name),
      [SPILLS, DYN, REDUCE_1024, REDUCE_256, SAXPY, SGEMM],
    );
    assert.ok(r.kernels.every((k) => k.entry && k.arch === "sm_80"));
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.globalBytes, 0);
    assert.deepEqual(r.moduleConstantBanks, {});
  });

  it("sm_80: registers, static shared memory, barriers and cmem[0] as printed", () => {
    const r = parsePtxasReport(KERNELS_SM80);
    // Two 16x16 float tiles = 2 x 1024 B; reduce_sum<BLOCK> holds BLOCK floats.
    assert.deepEqual(regsSmemCmem(r, SGEMM), [31, 2048, 380]);
    assert.deepEqual(regsSmemCmem(r, REDUCE_256), [12, 1024, 372]);
    assert.deepEqual(regsSmemCmem(r, REDUCE_1024), [12, 4096, 372]);
    // No smem field is printed when it is 0 (saxpy; dyn_smem's extern __shared__ comes from the launch).
    assert.deepEqual(regsSmemCmem(r, SAXPY), [10, 0, 376]);
    assert.deepEqual(regsSmemCmem(r, DYN), [10, 0, 360]);
    assert.equal(kernel(r, SGEMM).barriers, 1);
    assert.equal(kernel(r, SAXPY).barriers, 0);
    assert.deepEqual(kernel(r, SGEMM).constantBanks, { 0: 380 });
    assert.equal(kernel(r, SGEMM).compileTimeMs, 3.309);
  });

  it("reads the stack frame and the cumulative stack of a kernel with a local array and a non-inlined call", () => {
    const k = kernel(parsePtxasReport(KERNELS_SM80), SPILLS);
    // float a[256] = 1024 B, plus the helper's frame and alignment: ptxas says 1152.
    assert.equal(k.stackFrameBytes, 1152);
    assert.equal(k.cumulativeStackBytes, 1152);
    assert.equal(k.spillStoreBytes, 0);
    assert.equal(k.spillLoadBytes, 0);
    // Kernels without the optional field have no cumulative stack.
    assert.equal(kernel(parsePtxasReport(KERNELS_SM80), SAXPY).cumulativeStackBytes, null);
  });

  it("keeps a non-inlined __device__ function apart: a properties line, no Used line", () => {
    const r = parsePtxasReport(KERNELS_SM80);
    assert.equal(r.functions.length, 1);
    const helper = r.functions[0]!;
    assert.equal(helper.name, "_Z6helperfi");
    assert.equal(helper.entry, false);
    assert.equal(helper.registers, null);
    assert.equal(helper.sharedMemoryBytes, null);
    assert.equal(helper.stackFrameBytes, 0);
    assert.equal(helper.spillStoreBytes, 0);
  });

  it("registers follow the target: the same file on sm_75, sm_80, sm_90 and sm_120", () => {
    const regs = (text: string): (number | null)[] => [SGEMM, SPILLS, DYN].map((n) => kernel(parsePtxasReport(text), n).registers);
    assert.deepEqual(regs(KERNELS_SM75), [36, 72, 10]);
    assert.deepEqual(regs(KERNELS_SM80), [31, 40, 10]);
    assert.deepEqual(regs(KERNELS_SM90), [32, 40, 12]);
    assert.deepEqual(regs(KERNELS_SM120), [40, 40, 12]);
    for (const [text, arch] of [
      [KERNELS_SM75, "sm_75"],
      [KERNELS_SM90, "sm_90"],
      [KERNELS_SM120, "sm_120"],
    ] as const) {
      assert.ok(parsePtxasReport(text).kernels.every((k) => k.arch === arch), arch);
    }
  });

  it("sm_90 and newer print no cmem: constant memory is null, not 0; shared memory is still read", () => {
    for (const text of [KERNELS_SM90, KERNELS_SM120]) {
      const r = parsePtxasReport(text);
      assert.equal(r.kernels.length, 6);
      assert.ok(r.kernels.every((k) => k.constantBytes === null && Object.keys(k.constantBanks).length === 0));
      assert.deepEqual(regsSmemCmem(r, REDUCE_1024), [12, 4096, null]);
      assert.equal(kernel(r, SGEMM).sharedMemoryBytes, 2048);
      assert.equal(kernel(r, SGEMM).barriers, 1);
    }
  });

  it("sm_75 (Turing) prints cmem like sm_80", () => {
    const r = parsePtxasReport(KERNELS_SM75);
    assert.deepEqual(regsSmemCmem(r, SGEMM), [36, 2048, 380]);
    assert.deepEqual(regsSmemCmem(r, SPILLS), [72, 0, 364]);
  });

  it("spills: stack frame, spill stores and loads, and module-wide gmem and cmem banks", () => {
    const r80 = parsePtxasReport(SPILLS_SM80);
    const k80 = kernel(r80, "_Z5heavyPKfPfi");
    assert.equal(k80.registers, 32); // __launch_bounds__(1024, 2): 65536 / 2048 threads
    assert.equal(k80.stackFrameBytes, 184);
    assert.equal(k80.cumulativeStackBytes, 184);
    assert.equal(k80.spillStoreBytes, 364);
    assert.equal(k80.spillLoadBytes, 400);
    assert.equal(k80.barriers, 0);
    assert.equal(k80.constantBytes, 372);
    assert.equal(r80.globalBytes, 4); // __device__ int counter
    assert.deepEqual(r80.moduleConstantBanks, { 3: 256, 4: 8 }); // __constant__ float coeffs[64] in bank 3
    const r90 = parsePtxasReport(SPILLS_SM90);
    const k90 = kernel(r90, "_Z5heavyPKfPfi");
    assert.equal(k90.spillLoadBytes, 408);
    assert.equal(k90.constantBytes, null);
    assert.equal(r90.globalBytes, 4);
    assert.deepEqual(r90.moduleConstantBanks, {});
  });

  it("ptxas -warn-spills: the warning is a diagnostic and the resources are read as usual", () => {
    const r = parsePtxasReport(WARN_SPILLS);
    assert.equal(kernel(r, "_Z5heavyPKfPfi").spillStoreBytes, 364);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]!.tool, "ptxas");
    assert.equal(r.diagnostics[0]!.severity, "warning");
    assert.match(r.diagnostics[0]!.message, /^Registers are spilled to local memory in function '_Z5heavyPKfPfi'/);
  });

  it("a kernel ptxas rejects for its shared memory is still reported, with the error", () => {
    const r = parsePtxasReport(TOO_MUCH_SMEM);
    assert.deepEqual(regsSmemCmem(r, "_Z3bigPf"), [12, 80000, 360]);
    assert.deepEqual(
      r.diagnostics.map((d) => [d.tool, d.severity, d.file, d.line, d.message]),
      [["ptxas", "error", null, null, "Entry function '_Z3bigPf' uses too much shared data (0x13880 bytes, 0xc000 max)"]],
    );
  });

  it("tolerates older and unknown fields: no barriers field, lmem and textures kept verbatim (hand-written, CUDA 11 style)", () => {
    const old = [
      "ptxas info    : 0 bytes gmem",
      "ptxas info    : Compiling entry function '_Z3texPf' for 'sm_52'",
      "ptxas info    : Function properties for _Z3texPf",
      "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads",
      "ptxas info    : Used 10 registers, 16 bytes lmem, 352 bytes cmem[0], 8 bytes cmem[2], 1 textures",
    ].join("\r\n");
    const k = kernel(parsePtxasReport(old), "_Z3texPf");
    assert.equal(k.registers, 10);
    assert.equal(k.barriers, null);
    assert.equal(k.sharedMemoryBytes, 0);
    assert.deepEqual(k.constantBanks, { 0: 352, 2: 8 });
    assert.equal(k.constantBytes, 360);
    assert.deepEqual(k.otherFields, ["16 bytes lmem", "1 textures"]);
    assert.equal(k.compileTimeMs, null);
  });

  it("the same entry compiled for two targets is two entries, each with its target", () => {
    const two = `${KERNELS_SM80}${KERNELS_SM90}`;
    const sgemms = parsePtxasReport(two).kernels.filter((k) => k.name === SGEMM);
    assert.deepEqual(
      sgemms.map((k) => [k.arch, k.registers]),
      [
        ["sm_80", 31],
        ["sm_90", 32],
      ],
    );
  });
});

// ---- Diagnostics --------------------------------------------------------------------------------------------------------

describe("nvcc diagnostics", () => {
  it("a syntax error and two numbered warnings, at their files and lines, with codes and columns", () => {
    const r = parsePtxasReport(SYNTAX_ERROR);
    assert.deepEqual(r.kernels, []);
    assert.deepEqual(
      r.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, severity: d.severity, message: d.message, code: d.code, tool: d.tool })),
      [
        { file: "syntax_error.cu", line: 4, column: 1, severity: "error", message: 'expected a ";"', code: null, tool: "front-end" },
        // The caret sits under `unused` (column 7 of `  int unused = 3;`).
        { file: "syntax_error.cu", line: 2, column: 7, severity: "warning", message: 'variable "unused" was declared but never referenced', code: "177-D", tool: "front-end" },
        { file: "syntax_error.cu", line: 7, column: 12, severity: "warning", message: 'variable "x" is used before its value is set', code: "549-D", tool: "front-end" },
      ],
    );
    assert.equal(r.diagnostics[1]!.excerpt, "  int unused = 3;");
    assert.deepEqual(parseNvccDiagnostics(SYNTAX_ERROR), r.diagnostics);
  });

  it("template errors keep their instantiation context as notes", () => {
    const d = parseNvccDiagnostics(TEMPLATE_ERROR);
    assert.deepEqual(
      d.map((x) => [x.line, x.severity, x.message]),
      [
        [7, "error", 'argument of type "float *" is incompatible with parameter of type "int *"'],
        [1, "error", 'expression must have class type but it has type "float"'],
      ],
    );
    assert.deepEqual(d[0]!.notes, []);
    assert.deepEqual(d[1]!.notes, ["detected during:", 'instantiation of "T twice(T) [with T=float]" at line 4', 'instantiation of "void k(T *) [with T=float]" at line 8']);
  });

  it("a missing header: the host preprocessor's error with its column; gcc's quoted source is skipped", () => {
    assert.deepEqual(parseNvccDiagnostics(MISSING_HEADER), [
      { file: "missing_header.cu", line: 1, column: 10, severity: "error", message: "missing.h: No such file or directory", code: null, tool: "host", excerpt: null, notes: [] },
    ]);
  });

  it("a front-end remark is info; a host #warning is a warning with its -W flag as code", () => {
    const r = parsePtxasReport(PRAGMA);
    assert.deepEqual(
      r.diagnostics.map((d) => [d.file, d.line, d.severity, d.code, d.message, d.tool]),
      [
        ["pragma.cu", 2, "warning", "-Wcpp", "#warning custom warn", "host"],
        ["pragma.cu", 1, "info", "20200-D", '#pragma message: "hi"', "front-end"],
      ],
    );
    assert.equal(r.kernels.length, 1);
  });

  it("nvcc's own fatal errors and ptxas's errors in inline assembly are tool-level, with no file", () => {
    assert.deepEqual(
      parseNvccDiagnostics(UNSUPPORTED_ARCH).map((d) => [d.tool, d.severity, d.file, d.message]),
      [["nvcc", "error", null, "Unsupported gpu architecture 'sm_70'"]],
    );
    assert.equal(parseNvccDiagnostics(UNKNOWN_OPTION)[0]!.message, "Unknown option '--bogus-flag'");
    assert.deepEqual(
      parseNvccDiagnostics(ASM_ERROR).map((d) => [d.tool, d.severity, d.file, d.message]),
      [
        ["ptxas", "error", null, "Unknown modifier '.instr' (PTX line 23)"],
        ["ptxas", "error", null, "Not a name of any known instruction: 'bogus' (PTX line 23)"],
        ["ptxas", "error", null, "Ptx assembly aborted due to errors"],
      ],
    );
  });

  it("Windows paths, CRLF line ends and MSVC as the host compiler (hand-written in nvcc's formats)", () => {
    const text = [
      "C:\\work\\dir (1)\\k.cu(12): error: identifier \"n\" is undefined",
      "    y[i] = n;",
      "           ^",
      "",
      "C:\\work\\k.cu(3): warning C4244: 'argument': conversion from 'double' to 'float', possible loss of data",
      "C:\\work\\k.cu(5,7): error C2065: 'q': undeclared identifier",
    ].join("\r\n");
    assert.deepEqual(
      parseNvccDiagnostics(text).map((d) => [d.file, d.line, d.column, d.severity, d.code, d.tool]),
      [
        ["C:\\work\\dir (1)\\k.cu", 12, 10, "error", null, "front-end"],
        ["C:\\work\\k.cu", 3, null, "warning", "C4244", "host"],
        ["C:\\work\\k.cu", 5, 7, "error", "C2065", "host"],
      ],
    );
  });
});

describe("columnInSource: the front end's caret mapped onto the text as written", () => {
  it("finds the token under the caret despite collapsed tabs and expanded macros", () => {
    // nvcc echoes "\to[0] = \tundefined_x;" as " o[0] = undefined_x;" with the caret under `undefined_x` (column 9).
    assert.equal(columnInSource(" o[0] = undefined_x;", 9, "\to[0] = \tundefined_x;"), 10);
    // The echo shows `int unused = 128;` for `int unused = BS;`: `unused` is found where it is.
    assert.equal(columnInSource("  int unused = 128;", 7, "  int unused = BS;"), 7);
    // Of two occurrences the nearer one is taken.
    assert.equal(columnInSource("a = b + b;", 9, "a = b + b;"), 9);
  });

  it("falls back to the first non-blank character when the token is not in the line", () => {
    assert.equal(columnInSource("  x = 128;", 8, "    x = SIZE;"), 5);
    assert.equal(columnInSource("}", 5, "}"), 1);
    assert.equal(columnInSource("", 1, ""), 1);
  });
});

describe("nvcc's version and targets", () => {
  it("reads the version from nvcc --version", () => {
    assert.equal(parseNvccVersion(NVCC_VERSION), "13.0.88");
    assert.equal(parseNvccVersion("Cuda compilation tools, release 12.4"), "12.4");
    assert.equal(parseNvccVersion("no version here"), null);
  });

  it("reads the real architectures from nvcc --list-gpu-code", () => {
    assert.deepEqual(parseGpuCodeList(GPU_CODE_LIST), ["sm_75", "sm_80", "sm_86", "sm_87", "sm_88", "sm_89", "sm_90", "sm_100", "sm_110", "sm_103", "sm_120", "sm_121"]);
    assert.deepEqual(parseGpuCodeList("sm_90a\ncompute_90\nsm_90\n"), ["sm_90"]);
  });
});

// ---- Robustness ---------------------------------------------------------------------------------------------------------

describe("ptxas report: never throws", () => {
  const ALL = [KERNELS_SM75, KERNELS_SM80, KERNELS_SM90, KERNELS_SM120, SPILLS_SM80, SPILLS_SM90, SYNTAX_ERROR, TEMPLATE_ERROR, TOO_MUCH_SMEM, MISSING_HEADER, PRAGMA, ASM_ERROR];

  it("output cut at every line (a killed nvcc) gives a prefix of the kernels", () => {
    const full = parsePtxasReport(KERNELS_SM80).kernels.map((k) => k.name);
    const lines = KERNELS_SM80.split("\n");
    for (let n = 0; n <= lines.length; n++) {
      const r = parsePtxasReport(lines.slice(0, n).join("\n"));
      assert.deepEqual(
        r.kernels.map((k) => k.name),
        full.slice(0, r.kernels.length),
        `cut after ${n} lines`,
      );
    }
  });

  it("mutated and random input: no throw, and numbers stay non-negative integers or null", () => {
    const rand = mulberry32(14);
    const alphabet = "ptxas info:Used registers, barriers bytes smem cmem[0] stack frame spill stores loads'()#-D\n\r 0123456789_Z";
    for (let i = 0; i < 3000; i++) {
      const base = ALL[i % ALL.length]!;
      const chars = [...base];
      for (let e = 0; e < 1 + Math.floor(rand() * 10); e++) {
        const at = Math.floor(rand() * (chars.length + 1));
        if (rand() < 0.5) chars.splice(at, 1 + Math.floor(rand() * 20));
        else chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)]!);
      }
      const r = parsePtxasReport(chars.join(""));
      for (const k of [...r.kernels, ...r.functions]) {
        for (const v of [k.registers, k.barriers, k.sharedMemoryBytes, k.stackFrameBytes, k.spillLoadBytes, k.spillStoreBytes, k.constantBytes]) {
          assert.ok(v === null || (Number.isSafeInteger(v) && v >= 0), `bad number ${v}`);
        }
      }
      for (const d of r.diagnostics) assert.ok(d.line === null || (Number.isSafeInteger(d.line) && d.line >= 0));
    }
  });

  it("non-string input, huge numbers and very long lines", () => {
    assert.deepEqual(parsePtxasReport(undefined as unknown as string).kernels, []);
    assert.deepEqual(parseNvccDiagnostics(42 as unknown as string), []);
    const huge = "ptxas info    : Compiling entry function 'k' for 'sm_80'\nptxas info    : Used 99999999999999999999 registers, used 1 barriers";
    assert.equal(parsePtxasReport(huge).kernels[0]!.registers, null);
    const long = `${"(".repeat(200_000)}): error: x\n${"a".repeat(1_000_000)}(1): warning: y`;
    const started = performance.now();
    parseNvccDiagnostics(long);
    assert.ok(performance.now() - started < 1000, "a pathological line is read in linear time");
  });
});
