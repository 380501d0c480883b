// What a front-end recognises of a kernel's quantization, in no language's terms: the quantized bindings and the
// source patterns the quantization findings (findings.ts) judge against the model's trip counts and accesses.
//
// The front-end (the WGSL one: ../wgsl/quantIdioms.ts) finds them in its syntax tree once per kernel, independently
// of any launch, and hands them over on the kernel IR (KernelIR.quantization). Spans are in the analysed
// (preprocessed) text, like every span of the IR; so are the loop spans, which name loops of the IR body and of the
// model's `loops`.
import type { Span } from "../span";
import type { QuantBinding, QuantEvidence } from "./binding";

export type { QuantBinding, QuantEvidence, Span };

/**
 * Which function of the kernel a pattern was found in: 0 for the entry point, then the functions it calls, in the
 * front-end's order. Findings are listed function by function, as the front-end found them.
 */
export type FunctionIndex = number;

/**
 * A product inside a loop that multiplies a dequantized weight (a value loaded from a quantized binding) by a scale
 * loaded from a float binding at an index that does not depend on the loop's counter: the scale is constant over the
 * loop, yet it multiplies every element.
 */
export interface ScaleInInnerLoop {
  /** The whole product. */
  readonly span: Span;
  readonly function: FunctionIndex;
  /** The binding the scale is loaded from. */
  readonly scaleBinding: string;
  /** The name of the loop's counter, for the message. */
  readonly counter: string;
  /** The nearest loop around the product in its function (findings require it to be innermost). */
  readonly loopSpan: Span;
}

/** An integer (i32) accumulator to which each iteration adds int8 x int8 products: it may overflow. */
export interface IntAccumulation {
  /** The accumulating statement. */
  readonly span: Span;
  readonly function: FunctionIndex;
  readonly accumulator: string;
  /** int8 x int8 products added by one statement (4 for a packed 4 x int8 dot product, 1 for a single product). */
  readonly productsPerAdd: number;
  /** What is added, for the message, e.g. "int8 x int8 products". */
  readonly what: string;
  /**
   * The loops the accumulation repeats in, outermost first: those around the statement in its function, inside the
   * accumulator's declaration scope.
   */
  readonly loopSpans: readonly Span[];
}

/** A half-precision (f16, or a vector of f16) accumulator summed in loops. */
export interface HalfAccumulation {
  /** The accumulating statement. */
  readonly span: Span;
  readonly function: FunctionIndex;
  readonly accumulator: string;
  /** As for IntAccumulation: the loops the sum repeats in, outermost first. */
  readonly loopSpans: readonly Span[];
}

export interface QuantFacts {
  /** The quantized bindings, their format, bits per element and group size, and the evidence for them. */
  readonly bindings: readonly QuantBinding[];
  readonly scaleInInnerLoop: readonly ScaleInInnerLoop[];
  readonly intAccumulations: readonly IntAccumulation[];
  readonly halfAccumulations: readonly HalfAccumulation[];
}
