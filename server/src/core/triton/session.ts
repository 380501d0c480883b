// What one Python document's analyses keep from one keystroke to the next, so a keystroke costs what it changed: the
// syntax tree (reparsed incrementally), the copies of unchanged top-level statements, and each (kernel,
// configuration)'s lowering and model, reused while the texts they were read from are unchanged, moved to where those
// texts now stand.
//
// The language server keeps one per open document and passes it to every analysis of it; an analysis with a session
// gives the same result as one without (test/unit/triton-incremental.test.ts). Nothing here does I/O.
import { IncrementalTree } from "../incrementalTree";
import type { CNode, CudaParser, SyntaxTree } from "../cuda/syntax";
import type { Span } from "../span";

/** A text the cached value was read from (a function's definition), and where it stood then. */
interface Placed {
  readonly key: string;
  readonly value: unknown;
  /** Where each source range stood when the value was made. */
  readonly ranges: readonly Span[];
}

const VEXPR_KINDS = new Set(["const", "var", "bin", "un", "call", "unknown"]);

export class TritonSession {
  private readonly trees = new IncrementalTree();
  /** Copies of top-level statements by their text (copyTree's `CopyReuse`). */
  copies = new Map<string, CNode>();
  private entries = new Map<string, Placed>();
  private used = new Set<string>();
  /** Reuses and fresh makings in the last analysis, for tests and the benchmark. */
  hits = 0;
  misses = 0;

  /** Parses `text`, reusing the unchanged parts of the previous tree (incrementalTree.ts). The tree is the session's. */
  parse(parser: CudaParser, text: string): SyntaxTree | null {
    return this.trees.parse(parser, text);
  }

  /** Whether the last parse reused the previous tree, for tests and the benchmark. */
  get lastParse(): "fresh" | "incremental" | "unchanged" {
    return this.trees.lastParse;
  }

  /** Starts an analysis: what it does not use again is dropped at `end`. */
  begin(): void {
    this.used.clear();
    this.hits = 0;
    this.misses = 0;
  }

  end(): void {
    for (const k of [...this.entries.keys()]) if (!this.used.has(k)) this.entries.delete(k);
  }

  /**
   * The value for `key`, made by `make` unless an earlier analysis made it from the same texts: then it is moved to
   * where those texts stand now (`ranges`, in the same order as when it was made). Every span in the value lies in
   * one of the ranges.
   */
  reuse<T>(key: string, ranges: readonly Span[], make: () => T, keep: (value: T) => boolean = () => true): T {
    this.used.add(key);
    const earlier = this.entries.get(key);
    if (earlier && earlier.ranges.length === ranges.length) {
      this.hits++;
      const moved = earlier.ranges.some((r, i) => r.start !== ranges[i].start) ? (shiftSpans(earlier.value, earlier.ranges, ranges) as T) : (earlier.value as T);
      if (moved !== earlier.value) this.entries.set(key, { key, value: moved, ranges });
      return moved;
    }
    this.misses++;
    const value = make();
    if (keep(value)) this.entries.set(key, { key, value, ranges });
    else this.entries.delete(key);
    return value;
  }

  reset(): void {
    this.forgetTree();
    this.copies.clear();
    this.entries.clear();
  }

  dispose(): void {
    this.reset();
  }

  private forgetTree(): void {
    this.trees.forget();
  }
}

/**
 * A copy of a value with every span (an object with numeric `start` and `end`) and every `headerEnd` moved from the
 * old ranges to the new: an offset inside old range i moves by that range's shift. Symbolic expressions carry no
 * positions and are shared, not copied.
 */
export function shiftSpans(value: unknown, from: readonly Span[], to: readonly Span[]): unknown {
  const move = (offset: number): number => {
    for (let i = 0; i < from.length; i++) if (offset >= from[i].start && offset <= from[i].end) return offset + (to[i].start - from[i].start);
    return offset;
  };
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    const done = seen.get(v as object);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const x of v) out.push(walk(x));
      return out;
    }
    if (v instanceof Map) {
      const out = new Map();
      seen.set(v, out);
      for (const [k, x] of v) out.set(k, walk(x));
      return out;
    }
    if (v instanceof Set) return v;
    const o = v as Record<string, unknown>;
    if (typeof o.k === "string" && VEXPR_KINDS.has(o.k)) return v;
    // A span (or a syntax node standing for one, whose offsets may be getters): a plain span, moved.
    if (typeof o.start === "number" && typeof o.end === "number") {
      const delta = move(o.start) - o.start;
      const out = { start: o.start + delta, end: o.end + delta };
      seen.set(v, out);
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [k, x] of Object.entries(o)) out[k] = k === "headerEnd" && typeof x === "number" ? move(x) : walk(x);
    return out;
  };
  return walk(value);
}
