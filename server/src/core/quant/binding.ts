// A quantized binding as every layer sees it: its format, bits per weight, group size and the evidence for them.
import type { Span } from "../span";

export interface QuantEvidence {
  readonly reason: string;
  /** In the analysed (preprocessed) text; for a `@quant` directive, the directive's span in the original text. */
  readonly span: Span;
}

export interface QuantBinding {
  readonly binding: string;
  /** e.g. `q4_0`, `int4`, `int8`, `int2`, `fp16`, or the format a directive states. */
  readonly format: string;
  /** Storage bits per element, including the shared scale when it is known (q4_0: 4.5). */
  readonly bitsPerElement: number;
  /** Elements sharing one scale; null when not known (or per-tensor / per-channel). */
  readonly groupSize: number | null;
  readonly inferredFrom: readonly QuantEvidence[];
  /** The float binding holding the group scales, when it is a separate binding. */
  readonly scaleBinding?: string;
}
