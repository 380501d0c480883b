// Maps offsets in preprocessed (expanded) WGSL back to the file and offset they came from.
//
// The expanded text is a sequence of segments: verbatim copies of a file's text (offsets map one to one) and macro
// replacements (the whole replacement maps to the macro name that was written). Diagnostics from Tint and from the
// KernelLens parser are computed on the expanded text and reported through this map on the original lines.

export interface Segment {
  /** Start offset in the expanded text. */
  readonly outStart: number;
  readonly outEnd: number;
  /** File the text came from (the main file's key is the empty string). */
  readonly file: string;
  readonly srcStart: number;
  /** `copy`: same length, maps offset by offset. `macro`: maps every offset into [srcStart, srcEnd). */
  readonly kind: "copy" | "macro";
  readonly srcEnd: number;
}

export interface SourceLocation {
  readonly file: string;
  readonly offset: number;
}

export class SourceMap {
  private readonly segments: readonly Segment[];

  constructor(segments: readonly Segment[], readonly outLength: number) {
    this.segments = segments;
  }

  /** The map of text that was not changed by preprocessing. */
  static identity(length: number): SourceMap {
    return new SourceMap([{ outStart: 0, outEnd: length, file: "", srcStart: 0, srcEnd: length, kind: "copy" }], length);
  }

  get isIdentity(): boolean {
    const s = this.segments;
    return s.length === 1 && s[0].kind === "copy" && s[0].file === "" && s[0].srcStart === 0 && s[0].outEnd === this.outLength;
  }

  /** Where an offset of the expanded text came from; `bias` picks the end of a macro span for range ends. */
  toSource(offset: number, bias: "start" | "end" = "start"): SourceLocation {
    const segs = this.segments;
    if (segs.length === 0) return { file: "", offset: 0 };
    let lo = 0;
    let hi = segs.length - 1;
    // Find the last segment whose outStart <= offset.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].outStart <= offset) lo = mid;
      else hi = mid - 1;
    }
    let seg = segs[lo];
    // An offset at the very end of a segment that is followed by another belongs to the next one (for starts).
    if (offset >= seg.outEnd && lo + 1 < segs.length && bias === "start") seg = segs[lo + 1];
    if (seg.kind === "macro") return { file: seg.file, offset: bias === "end" ? seg.srcEnd : seg.srcStart };
    const delta = Math.min(Math.max(offset - seg.outStart, 0), seg.srcEnd - seg.srcStart);
    return { file: seg.file, offset: seg.srcStart + delta };
  }

  /** Where an offset of the original main file landed in the expanded text, if it survived preprocessing. */
  toExpanded(srcOffset: number): number | undefined {
    for (const seg of this.segments) {
      if (seg.file !== "" || seg.kind !== "copy") continue;
      if (srcOffset >= seg.srcStart && srcOffset <= seg.srcEnd) return seg.outStart + (srcOffset - seg.srcStart);
    }
    return undefined;
  }
}

/** Builds a SourceMap while text is appended piece by piece. */
export class SourceMapBuilder {
  private readonly segments: Segment[] = [];
  private out = 0;
  private readonly parts: string[] = [];

  /** Appends `text`, which is copied verbatim from `file` at `srcStart`. */
  copy(text: string, file: string, srcStart: number): void {
    if (text.length === 0) return;
    const last = this.segments[this.segments.length - 1];
    // Merge with the previous segment when contiguous, so a file without macros stays one segment per region.
    if (last && last.kind === "copy" && last.file === file && last.srcEnd === srcStart && last.outEnd === this.out) {
      this.segments[this.segments.length - 1] = { ...last, outEnd: this.out + text.length, srcEnd: srcStart + text.length };
    } else {
      this.segments.push({ outStart: this.out, outEnd: this.out + text.length, file, srcStart, srcEnd: srcStart + text.length, kind: "copy" });
    }
    this.parts.push(text);
    this.out += text.length;
  }

  /** Appends `text` that replaced the source range [srcStart, srcEnd) of `file` (a macro use). */
  replace(text: string, file: string, srcStart: number, srcEnd: number): void {
    if (text.length === 0) return;
    this.segments.push({ outStart: this.out, outEnd: this.out + text.length, file, srcStart, srcEnd, kind: "macro" });
    this.parts.push(text);
    this.out += text.length;
  }

  finish(): { text: string; map: SourceMap } {
    return { text: this.parts.join(""), map: new SourceMap(this.segments, this.out) };
  }
}
