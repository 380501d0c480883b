// The 2,000-line CUDA file the speed goals are stated on: every fixture in turn, kernels and `main` renamed so each
// copy is its own, until the file has 2,000 lines (as in test/unit/cuda-robustness.test.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "./repoRoot";

export const LARGE_FILE_FIXTURES = ["sgemm-1-naive.cu", "sgemm-3-smem-tiling.cu", "sgemm-6-vectorized.cu", "transpose-smem.cu", "reduce-sum-shfl.cu", "layernorm-bf16.cu", "gelu-bf16.cu", "q4_0-gemv.cu", "softmax-dynamic-smem.cu"];

export function cudaFixture(name: string): string {
  return readFileSync(join(findRepoRoot(), "test", "fixtures", "cuda", name), "utf8");
}

export function largeCudaFile(lines = 2000): string {
  let text = "";
  for (let k = 0; text.split("\n").length < lines; k++) {
    const f = cudaFixture(LARGE_FILE_FIXTURES[k % LARGE_FILE_FIXTURES.length]);
    text += f.replace(/\bmain\b/g, `main_${k}`).replace(/__global__ void (__launch_bounds__\([^)]*\)\s*)?(\w+)/g, (_m, lb: string | undefined, n: string) => `__global__ void ${lb ?? ""}${n}_${k}`).replace(/(\w+)(<[^<>;]*>)?<<</g, (_m, n: string, t: string | undefined) => `${n}_${k}${t ?? ""}<<<`) + "\n";
  }
  return text;
}
