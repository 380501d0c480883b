// A source location shared by every layer: a half-open [start, end) range of UTF-16 offsets into an analysed text.
export interface Span {
  readonly start: number;
  readonly end: number;
}
