// Real cubins for the Triton exact-path tests, compiled here with nvcc 13: kernels with `extern "C"` names, as Triton's
// cubins name them (the PTX entry is the function's own name), and ptxas -v's own report of each kernel to compare
// with. Also the way Triton itself builds its cubin: PTX through ptxas with `-lineinfo -v --gpu-name=sm_90a`.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePtxasReport, type PtxasFunction } from "../../server/src/core/cuda/ptxasReport";
import { findNvcc } from "../../server/src/cuda/nvccResources";

const nvcc = findNvcc(undefined);
/** Why the cubin tests cannot run here, or false. */
export const noNvcc: string | false = "error" in nvcc ? `nvcc is not installed (${nvcc.error}): no real cubin to read` : false;

/** An elementwise kernel: few registers. */
export const ADD_KERNEL_CU = `
extern "C" __global__ void add_kernel(const float* x, const float* y, float* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = x[i] + y[i];
}
`;

/** A kernel that keeps a 64-float array live: many registers, or spills under a register cap. */
export const MATMUL_KERNEL_CU = `
extern "C" __global__ void matmul_kernel(const float* a, float* c, int n) {
  float acc[64];
#pragma unroll
  for (int k = 0; k < 64; k++) acc[k] = a[threadIdx.x + k * n];
  float s = 0.0f;
#pragma unroll
  for (int k = 0; k < 64; k++) s += acc[k] * acc[(k * 7) % 64];
  c[threadIdx.x] = s;
}
`;

/** Both kernels in one file. */
export const TRITON_LIKE_CU = ADD_KERNEL_CU + MATMUL_KERNEL_CU;

export interface CompiledCubin {
  readonly path: string;
  /** ptxas -v's entry functions, by name. */
  readonly ptxas: ReadonlyMap<string, PtxasFunction>;
}

/** Compiles `source` (written to `dir/name.cu`) with `nvcc -arch=sm_XX -cubin -Xptxas -v [flags]`. */
export function nvccCubin(dir: string, name: string, source: string, arch = "sm_90", flags: readonly string[] = []): CompiledCubin {
  const cu = join(dir, `${name}.cu`);
  writeFileSync(cu, source);
  const out = join(dir, `${name}.cubin`);
  const run = spawnSync((nvcc as { path: string }).path, [`-arch=${arch}`, "-cubin", "-Xptxas", "-v", ...flags, "-o", out, cu], { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`nvcc failed: ${run.stderr}`);
  const report = parsePtxasReport(run.stderr);
  return { path: out, ptxas: new Map(report.kernels.map((k) => [k.name, k])) };
}

/** As Triton builds a cubin: the PTX (here from nvcc -ptx) through ptxas -lineinfo -v --gpu-name=sm_90a. */
export function tritonStyleCubin(dir: string, name: string, source: string): CompiledCubin {
  const cu = join(dir, `${name}.cu`);
  writeFileSync(cu, source);
  const ptx = join(dir, `${name}.ptx`);
  const nvccPath = (nvcc as { path: string }).path;
  execFileSync(nvccPath, ["-arch=sm_90a", "-ptx", "-o", ptx, cu], { cwd: dir, stdio: "pipe" });
  const ptxas = join(nvccPath, "..", "ptxas");
  const out = join(dir, `${name}.cubin`);
  const run = spawnSync(ptxas, ["-lineinfo", "-v", "--gpu-name=sm_90a", ptx, "-o", out], { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`ptxas failed: ${run.stderr}`);
  const report = parsePtxasReport(run.stderr);
  return { path: out, ptxas: new Map(report.kernels.map((k) => [k.name, k])) };
}
