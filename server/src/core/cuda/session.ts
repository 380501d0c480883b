// What one document's analyses keep from one keystroke to the next, so a keystroke costs what it changed: the
// syntax tree (reparsed incrementally), the copies of top-level declarations, and each kernel's lowering and model.
//
// The caller (the language server, per open document) creates one, passes it to every analysis of that document
// and disposes of it when the document closes. Every analysis with a session gives the same result as one without
// (test/unit/cuda-incremental.test.ts); what is kept only saves work.
import { KernelCache } from "./kernelCache";
import { IncrementalTree } from "../incrementalTree";
import type { CNode, CudaParser, SyntaxTree } from "./syntax";

export { editBetween } from "../incrementalTree";

export class CudaSession {
  private readonly trees = new IncrementalTree();
  /** Copies of top-level declarations by what decides them, one map per kind of copy (copyTree's `CopyReuse`). */
  readonly copies = new Map<string, Map<string, CNode>>();
  readonly kernels = new KernelCache();

  /** Parses `text`, reusing the unchanged parts of the previous tree (incrementalTree.ts). The tree is the session's. */
  parse(parser: CudaParser, text: string): SyntaxTree | null {
    return this.trees.parse(parser, text);
  }

  /** Whether the last parse reused the previous tree, for tests and the benchmark. */
  get lastParse(): "fresh" | "incremental" | "unchanged" {
    return this.trees.lastParse;
  }

  /** Drops everything kept (a parse that failed, settings that changed everything). */
  reset(): void {
    this.forgetTree();
    this.copies.clear();
    this.kernels.clear();
  }

  dispose(): void {
    this.reset();
  }

  private forgetTree(): void {
    this.trees.forget();
  }
}
