// Maps UTF-16 offsets to 0-based line/character positions and back, in O(log n) per lookup.
//
// Lines end at "\n", "\r\n" or a lone "\r": the same rule the Language Server Protocol and VS Code use, so positions
// computed here line up with the editor's. (WGSL also counts U+2028 and friends as line breaks for its own
// diagnostics, but an editor position that disagreed with VS Code would put squiggles on the wrong line.)

export interface Position {
  /** 0-based line number. */
  readonly line: number;
  /** 0-based offset within the line, in UTF-16 code units. */
  readonly character: number;
}

export class LineIndex {
  /** Offset at which each line starts; `lineStarts[0]` is 0. */
  private readonly lineStarts: Int32Array;
  /** Offset at which each line's content ends, before its line break. */
  private readonly contentEnds: Int32Array;
  private readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    const starts: number[] = [0];
    const ends: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        ends.push(i);
        starts.push(i + 1);
      } else if (c === 13) {
        ends.push(i);
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    ends.push(text.length);
    this.lineStarts = Int32Array.from(starts);
    this.contentEnds = Int32Array.from(ends);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Offset of the first character of `line` (clamped to the existing lines). */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    if (line >= this.lineStarts.length) return this.length;
    return this.lineStarts[line];
  }

  /** Offset just past the last character of `line`, before its line break (clamped to the existing lines). */
  lineEnd(line: number): number {
    if (line < 0) return this.contentEnds[0];
    if (line >= this.contentEnds.length) return this.length;
    return this.contentEnds[line];
  }

  /** The line containing `offset` (offsets are clamped to the text). */
  lineAt(offset: number): number {
    const starts = this.lineStarts;
    if (offset <= 0) return 0;
    let lo = 0;
    let hi = starts.length - 1;
    // Invariant: starts[lo] <= offset, and the answer is in [lo, hi].
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  positionAt(offset: number): Position {
    const clamped = offset < 0 ? 0 : offset > this.length ? this.length : offset;
    const line = this.lineAt(clamped);
    // An offset inside a "\r\n" pair belongs to the end of the line, as in the LSP.
    const character = Math.min(clamped, this.contentEnds[line]) - this.lineStarts[line];
    return { line, character };
  }

  /** The offset of a position; as in the LSP, a character past the end of its line means the end of the line. */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.length;
    const start = this.lineStarts[position.line];
    const offset = start + Math.max(0, position.character);
    const end = this.contentEnds[position.line];
    return offset > end ? end : offset;
  }
}
