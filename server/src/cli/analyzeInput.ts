// One kernel file analysed as the command line analyses it, for `analyze` and `report` alike: WGSL through Tint (when
// loaded) and KernelLens's parser, CUDA through the tree-sitter front-end with nvcc's exact resources where nvcc is
// installed (unless --no-nvcc), Triton (.py) through the tree-sitter-python front-end (no Python is run). Both commands then read the same `AnalyzeFileJson`, so a kernel's numbers, names and
// resources in the HTML report are the ones `analyze --json` prints.
import { analyzeCudaFile, analyzeFile, analyzeTritonFile, type CudaGrammar, type FileAnalysis, type PythonGrammar, type TritonFileAnalysis } from "../analysisService";
import type { DeviceSpec } from "../core/devices/device";
import type { IncludeResolution } from "../core/preprocess/preprocess";
import { isCudaFile, isPythonFile, readsAsTriton } from "../kernelLanguage";
import { TintCompiler } from "../tint/tintCompiler";
import { createParser } from "../treeSitter/grammars";
import { type AnalyzeFileJson, toAnalyzeJson } from "./analyzeJson";
import type { CliArgs } from "./args";
import { compiledKernels, compileForAnalyze, type CudaCompileOutcome } from "./cudaCompile";

/** The CUDA parser, created once per process on the first CUDA file. */
let cudaGrammar: Promise<CudaGrammar> | undefined;
function loadCudaGrammar(): Promise<CudaGrammar> {
  cudaGrammar ??= createParser("cuda").catch((err: unknown) => ({ error: (err as Error).message ?? String(err) }));
  return cudaGrammar;
}

/** The Python parser, created once per process on the first Python file that imports triton. */
let pythonGrammar: Promise<PythonGrammar> | undefined;
function loadPythonGrammar(): Promise<PythonGrammar> {
  pythonGrammar ??= createParser("python").catch((err: unknown) => ({ error: (err as Error).message ?? String(err) }));
  return pythonGrammar;
}

/**
 * Tint (Dawn), loaded only when a WGSL file is among `files` and --no-tint is not given: CUDA is read by the
 * tree-sitter front-end alone. Undefined (with a warning) where it cannot be loaded.
 */
export async function loadTintFor(files: readonly string[], noTint: boolean, warn: (s: string) => void): Promise<TintCompiler | undefined> {
  if (noTint || files.every((f) => isCudaFile(f) || isPythonFile(f))) return undefined;
  const created = await TintCompiler.create();
  if ("error" in created) {
    warn(`kernellens: Tint unavailable, using the KernelLens parser only: ${created.error}\n`);
    return undefined;
  }
  return created;
}

/** The device as the JSON contract and the report's header name it. */
export function deviceJson(device: DeviceSpec): AnalyzeFileJson["device"] & { source: "datasheet" | "measured" } {
  return { id: device.id, name: device.name, source: device.vendor === "measured" ? "measured" : "datasheet" };
}

export interface InputAnalysis {
  readonly analysis: FileAnalysis;
  readonly json: AnalyzeFileJson;
  /** What nvcc gave a CUDA file (undefined for WGSL and with --no-nvcc). */
  readonly nvcc: CudaCompileOutcome | undefined;
}

/**
 * Analyses `file` (its `text` as read) on `device`. `shown` is the name the JSON's `file` field carries. CUDA files
 * are compiled with nvcc where it is installed: ptxas's registers and shared memory make the resources exact.
 */
export async function analyzeInput(
  file: string,
  shown: string,
  text: string,
  args: Pick<CliArgs, "noNvcc" | "includePaths" | "lets" | "assumeSize" | "defines">,
  device: DeviceSpec,
  resolveInclude: (path: string, fromKey: string) => IncludeResolution,
  tint: TintCompiler | undefined,
): Promise<InputAnalysis> {
  if (isPythonFile(file)) {
    // A Python file that does not import triton is not parsed: it has no kernels.
    const grammar = readsAsTriton(text) ? await loadPythonGrammar() : undefined;
    const analysis = analyzeTritonFile(text, { model: { device, given: args.lets, problemSize: args.assumeSize } }, grammar);
    return { analysis, json: toAnalyzeJson(shown, text, analysis, deviceJson(device)), nvcc: undefined };
  }
  const cuda = isCudaFile(file);
  const nvcc = cuda && !args.noNvcc ? await compileForAnalyze(file, text, device, args.includePaths) : undefined;
  const model = { device, given: args.lets, problemSize: args.assumeSize, ...(nvcc && nvcc.kernels.length > 0 ? { compiled: compiledKernels(nvcc.kernels) } : {}) };
  const options = { defines: args.defines, resolveInclude, model };
  const analysis: FileAnalysis = cuda ? analyzeCudaFile(text, options, await loadCudaGrammar()) : await analyzeFile(text, options, tint);
  return { analysis, json: toAnalyzeJson(shown, text, analysis, deviceJson(device), nvcc), nvcc };
}

/**
 * Where a CUDA file's registers and shared memory come from, as a sentence for a person ("registers and shared memory
 * exact, from ..." / "... estimated ...: why"): ptxas's (exact) or the model's (estimated), and why not ptxas's.
 */
export function cudaResourcesOrigin(noNvcc: boolean, device: DeviceSpec, nvcc: CudaCompileOutcome | undefined): { exact: boolean; detail: string } {
  if (noNvcc) return { exact: false, detail: "registers and shared memory estimated by the model: nvcc was not run (--no-nvcc)" };
  if (nvcc && nvcc.kernels.length > 0) return { exact: true, detail: `registers and shared memory exact, from nvcc -Xptxas -v${nvcc.arch ? ` (${nvcc.arch})` : ""}` };
  // compileForAnalyze says why it did not compile (nvcc missing, the compile failed) in an info diagnostic, and
  // compiles nothing, silently, for a device without a CUDA architecture.
  const why = nvcc?.diagnostics.find((d) => d.code === "nvcc-unavailable" || d.code === "nvcc-failed");
  if (why) return { exact: false, detail: why.message };
  if (nvcc && nvcc.arch === undefined && nvcc.diagnostics.length === 0) return { exact: false, detail: `registers and shared memory estimated by the model: ${device.name} has no CUDA architecture to compile for` };
  return { exact: false, detail: "registers and shared memory estimated by the model: nvcc compiled no kernel of this file" };
}

/** Where a Triton file's registers and shared memory come from, as a sentence: Triton's compiler (exact) or the estimate. */
export function tritonResourcesOrigin(analysis: TritonFileAnalysis): { exact: boolean; detail: string } {
  const kernels = analysis.source.kernels;
  if (kernels.length > 0 && kernels.every((k) => k.resources.source === "exact")) return { exact: true, detail: `registers and shared memory exact, from ${kernels[0]!.resources.detail}` };
  return { exact: false, detail: "registers and shared memory estimated from the block shapes (Triton decides them when it compiles; KernelLens does not run Python here)" };
}
