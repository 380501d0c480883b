// A document's syntax tree kept between keystrokes: each parse tells tree-sitter what changed since the last one (the
// common prefix and suffix of the two texts bound the edit), so it reuses the unchanged parts of the previous tree.
// Shared by the CUDA and Triton front-ends' per-document sessions. The tree belongs to this object.
import type { CudaParser, SyntaxTree, TreeEdit } from "./cuda/syntax";

export class IncrementalTree {
  private tree: SyntaxTree | null = null;
  private text: string | null = null;
  /** Whether the last parse reused the previous tree, for tests and the benchmark. */
  lastParse: "fresh" | "incremental" | "unchanged" = "fresh";

  parse(parser: CudaParser, text: string): SyntaxTree | null {
    const old = this.tree;
    if (old && this.text === text) {
      this.lastParse = "unchanged";
      return old;
    }
    let next: SyntaxTree | null = null;
    if (old && this.text !== null && old.edit) {
      try {
        old.edit(editBetween(this.text, text));
        next = parser.parse(text, old);
        this.lastParse = "incremental";
      } catch {
        next = null;
      }
    }
    if (!next) {
      this.lastParse = "fresh";
      this.forget();
      next = parser.parse(text);
    } else {
      old?.delete?.();
    }
    this.tree = next;
    this.text = next ? text : null;
    return next;
  }

  forget(): void {
    this.tree?.delete?.();
    this.tree = null;
    this.text = null;
  }
}

/** The one edit that turns `before` into `after`: what lies between their common prefix and common suffix. */
export function editBetween(before: string, after: string): TreeEdit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  const oldEnd = before.length - tail;
  const newEnd = after.length - tail;
  const startPosition = pointAt(before, start, { row: 0, lineStart: 0 }, 0);
  // The ends counted on from the start (the texts agree up to it).
  const from = { row: startPosition.row, lineStart: start - startPosition.column };
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition,
    oldEndPosition: pointAt(before, oldEnd, from, start),
    newEndPosition: pointAt(after, newEnd, from, start),
  };
}

/** Row and column of `index`, counting lines on from `from` (the row and line start at offset `at`). */
function pointAt(text: string, index: number, from: { row: number; lineStart: number }, at: number): { row: number; column: number } {
  let { row, lineStart } = from;
  for (let i = text.indexOf("\n", at); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
