// Test helper: a web-tree-sitter parser with the tree-sitter-cuda grammar, loaded once per process from node_modules,
// and a shorthand that analyses CUDA source with it (the core takes the parser as an argument; loading the .wasm is
// the caller's job).
import { join } from "node:path";
import { Language, Parser } from "web-tree-sitter";
import { analyzeCudaSource, type CudaAnalyzeOptions, type CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import type { CudaParser } from "../../server/src/core/cuda/syntax";
import { findDevice } from "../../server/src/core/devices/database";
import { findRepoRoot } from "./repoRoot";

let loading: Promise<CudaParser> | undefined;

export function cudaParser(): Promise<CudaParser> {
  loading ??= (async () => {
    const root = findRepoRoot();
    await Parser.init({ locateFile: () => join(root, "node_modules", "web-tree-sitter", "tree-sitter.wasm") });
    const lang = await Language.load(join(root, "node_modules", "tree-sitter-cuda", "tree-sitter-cuda.wasm"));
    const parser = new Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  return loading;
}

/** Analyses `text` with the cost model on a device (RTX 4090 unless named). */
export async function analyzeCuda(text: string, options: Partial<CudaAnalyzeOptions> & { device?: string } = {}): Promise<CudaSourceAnalysis> {
  const parser = await cudaParser();
  const device = findDevice(options.device ?? "nvidia-rtx-4090")!;
  return analyzeCudaSource(text, { ...options, parser, model: { device, ...(options.model ?? {}) } });
}
