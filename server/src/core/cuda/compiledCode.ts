// What the compiled code says about each analysed CUDA kernel: its SASS instructions per source line (from the cubin's
// line table) and the disagreements between the model's FLOPs and the PTX (ptxFlopCheck.ts). The analysed kernels are
// matched to the compiler's by function name and template arguments (compiledResources.ts), the compiler's to the
// cubin's and the PTX's functions by mangled name. Pure: no I/O, never throws.
import type { KernelModel } from "../model/types";
import type { Span } from "../span";
import { findCompiledKernel } from "./compiledResources";
import type { SassKernelLines, SassLinesResult } from "./cubinLines";
import { checkPtxFlops, type PtxFlopMismatch } from "./ptxFlopCheck";
import type { PtxEntry, PtxModule } from "./ptxOpcodes";

export interface KernelCompiledCode {
  /** The compiler's (mangled) name of the analysed kernel. */
  readonly mangled: string;
  /** SASS per line; `null` without a cubin or when the kernel is not in it. */
  readonly sass: SassKernelLines | null;
  /** The PTX entry; `null` without PTX or when the entry is not in it. */
  readonly ptx: PtxEntry | null;
  readonly mismatches: readonly PtxFlopMismatch[];
}

export interface AnalysedCudaKernel {
  readonly name: string;
  readonly function: string;
  readonly nameSpan: Span;
  readonly templateArgs: readonly { readonly value: string }[];
}

/**
 * Per analysed kernel (by its analysis name), what the cubin and the PTX say; kernels the compiler's list does not
 * match are left out. `text`: the text the models' spans and the kernels' name spans are in (the original file).
 */
export function compiledCodeOf(
  text: string,
  kernels: readonly AnalysedCudaKernel[],
  models: ReadonlyMap<string, { readonly model: KernelModel }>,
  compiled: readonly { readonly mangled: string; readonly demangled: string }[],
  sass: SassLinesResult | null,
  ptx: PtxModule | null,
): Map<string, KernelCompiledCode> {
  const out = new Map<string, KernelCompiledCode>();
  try {
    const starts = [0];
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    const lineOf = (offset: number): number => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    };
    const sassKernels = sass && !("error" in sass) ? sass.kernels : [];
    for (const k of kernels) {
      const c = findCompiledKernel(
        k.function,
        k.templateArgs.map((a) => a.value),
        compiled.map((x) => ({ ...x, registers: null, sharedMemoryBytes: null })),
      );
      if (!c) continue;
      const entry = ptx?.entries.find((e) => e.name === c.mangled) ?? null;
      const model = models.get(k.name)?.model;
      const mismatches = entry && model ? checkPtxFlops({ model, entry, kernelLine: lineOf(k.nameSpan.start), lineOf }) : [];
      out.set(k.name, { mangled: c.mangled, sass: sassKernels.find((s) => s.mangled === c.mangled) ?? null, ptx: entry, mismatches });
    }
  } catch {
    /* an answer for the kernels matched so far */
  }
  return out;
}
