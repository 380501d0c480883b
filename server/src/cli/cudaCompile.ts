// `kernellens analyze FILE.cu`: exact resources from nvcc when it is installed. The CLI analyses the user's own files
// (a trusted workspace), so it compiles each CUDA file with `nvcc -cubin -Xptxas -v` for the device's compute
// capability (argument list, deadline: see cuda/nvccResources.ts) and hands ptxas's registers and static shared memory
// to the model; without nvcc, or when the compile fails, the estimates stay and a diagnostic says why.
import { resolve } from "node:path";
import type { CompiledKernel } from "../core/cuda/compiledResources";
import { sassLinesOfCubin, type SassLinesResult } from "../core/cuda/cubinLines";
import { parsePtx, type PtxModule } from "../core/cuda/ptxOpcodes";
import type { DeviceSpec } from "../core/devices/device";
import { compileResources, type CudaKernelResources } from "../cuda/nvccResources";
import type { WireRange } from "../protocol";
import type { AnalyzeDiagnosticJson } from "./analyzeJson";

/** What nvcc gave for one file: the compiled kernels (empty without a compile) and diagnostics about the compile. */
export interface CudaCompileOutcome {
  readonly kernels: readonly CudaKernelResources[];
  /** nvcc's errors and warnings at their lines (source `nvcc`), and why the compile did not run or failed. */
  readonly diagnostics: readonly AnalyzeDiagnosticJson[];
  /** The architecture compiled for; the cubin's SASS per line and the PTX (for the FLOP cross-check), when compiled. */
  readonly arch?: string;
  readonly sass?: SassLinesResult | null;
  readonly ptx?: PtxModule | null;
}

const NVCC_DEADLINE_MS = 60_000;

const top: WireRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Compiles `file` (its text as read) for `device`; never throws. */
export async function compileForAnalyze(file: string, text: string, device: DeviceSpec, includePaths: readonly string[]): Promise<CudaCompileOutcome> {
  const cc = device.computeCapability;
  // Only an NVIDIA device has a CUDA architecture to compile for; elsewhere the estimates are the answer.
  if (!cc || !/^\d+\.\d+$/.test(cc)) return { kernels: [], diagnostics: [] };
  const result = await compileResources({ path: file, text }, { arch: cc, trusted: true, includePaths, workspaceRoot: process.cwd(), deadlineMs: NVCC_DEADLINE_MS, keepCubin: true, keepPtx: true });
  const lines = text.split("\n");
  const own = resolve(file);
  const diagnostics: AnalyzeDiagnosticJson[] = [];
  for (const d of result.diagnostics) {
    const here = d.file !== null && d.line !== null && resolve(d.file) === own && d.line >= 1 && d.line <= lines.length;
    const line = here ? d.line! - 1 : 0;
    const character = here && d.column !== null ? Math.max(0, Math.min(d.column - 1, lines[line]!.length)) : 0;
    const lineEnd = here ? lines[line]!.replace(/\r$/, "").length : 0;
    const where = here || d.file === null ? "" : `${d.file}${d.line !== null ? `:${d.line}` : ""}: `;
    diagnostics.push({
      range: { start: { line, character }, end: { line, character: Math.max(character, lineEnd) } },
      // nvcc's errors do not fail the static analysis (a missing include path is not a bug in the kernel).
      severity: d.severity === "error" ? "warning" : d.severity,
      code: d.code ?? `nvcc-${d.severity}`,
      message: `${where}${d.message}`,
      source: "nvcc",
    });
  }
  if (!result.ok) {
    diagnostics.push({ range: top, severity: "info", code: result.kind === "compile-failed" ? "nvcc-failed" : "nvcc-unavailable", message: `registers and shared memory are the model's estimates: ${result.message}. ${result.advice}`, source: "kernellens" });
    return { kernels: [], diagnostics };
  }
  if (result.archNote) diagnostics.push({ range: top, severity: "info", code: "nvcc-arch", message: result.archNote, source: "kernellens" });
  const sass = result.cubin ? sassLinesOfCubin(result.cubin, result.lineTableFile) : null;
  const ptx = result.ptx !== undefined ? parsePtx(result.ptx, result.lineTableFile, text) : null;
  if (result.ptxError) diagnostics.push({ range: top, severity: "info", code: "ptx-unavailable", message: `the model's FLOPs were not checked against PTX: ${result.ptxError}`, source: "kernellens" });
  return { kernels: result.kernels, diagnostics, arch: result.arch, sass, ptx };
}

/** The adapter's kernels as the model's input. */
export function compiledKernels(kernels: readonly CudaKernelResources[]): CompiledKernel[] {
  return kernels.map((k) => ({ demangled: k.demangled, registers: k.registers, sharedMemoryBytes: k.sharedMemoryBytes, stackBytes: k.stackBytes, spillStoreBytes: k.spillStoreBytes, spillLoadBytes: k.spillLoadBytes, barriers: k.barriers }));
}
