// The quantization format catalogue (data behind `kernellens formats --json`) and a `quantize` dispatcher.
import {
  quantizeBfp8,
  quantizeElementwise,
  quantizeIntGroups,
  quantizeMx,
  quantizeNf4,
  quantizeQ4_0,
  quantizeQ4_1,
  quantizeQ5_0,
  quantizeQ5_1,
  quantizeQ8_0,
  quantizeTernary,
  type QuantizeOptions,
  type QuantizeResult,
} from "./blocks";
import { quantizeQ2_K, quantizeQ3_K, quantizeQ4_K, quantizeQ5_K, quantizeQ6_K } from "./kquants";
import {
  BF16,
  E2M1,
  E2M3,
  E3M2,
  E4M3,
  E5M2,
  FP16,
  minifloatMax,
  minifloatMinNormal,
  minifloatMinSubnormal,
  minifloatValues,
  type MinifloatSpec,
  NF4_VALUES,
} from "./minifloat";

export const QUANT_FORMAT_IDS = [
  "int8", "int4", "int2", "ternary", "fp16", "bf16", "e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "nf4",
  "mxfp8", "mxfp6", "mxfp4", "mxint8", "bfp8", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0",
  "q2_K", "q3_K", "q4_K", "q5_K", "q6_K",
] as const;
export type QuantFormatId = (typeof QUANT_FORMAT_IDS)[number];

export type QuantFamily = "integer" | "ieee-float" | "minifloat" | "normal-float" | "microscaling" | "block-float" | "ggml" | "ggml-k";
export type ScaleType = "none" | "per-tensor" | "per-channel" | "per-group" | "fp16-block" | "e8m0-shared" | "shared-exponent" | "fp32-block";

/** One field of a block's storage layout. */
export interface BlockField {
  name: string;
  bytes: number;
}

export interface ValueRange {
  /** "value": the format's own values; "code": element codes, to be multiplied by the block/group scale. */
  of: "value" | "code";
  min: number;
  max: number;
  minPositiveNormal?: number;
  minPositiveSubnormal?: number;
}

export interface QuantFormat {
  id: QuantFormatId;
  name: string;
  family: QuantFamily;
  /** Bits of one element code (ternary: log2 3). */
  bitsPerElement: number;
  /** Bits per element including scale, zero-point/min and packing overhead at the default block/group size. */
  bitsWithScale: number;
  /** Elements sharing a scale by default (null: no scale, or per-tensor). */
  blockSize: number | null;
  /** Bytes of one block (null when not a fixed block layout). */
  blockBytes: number | null;
  /** Storage layout of one block, field by field (block formats only). */
  layout?: BlockField[];
  scaleType: ScaleType;
  /** Scale types the format is also used with. */
  scaleAlternatives?: ScaleType[];
  zeroPoint: "none" | "integer" | "fp16-min" | "6-bit-min" | "4-bit-min";
  range: ValueRange;
  /** Every representable (finite) value, ascending, when there are at most 256 (codes for scaled formats). */
  values?: number[];
  description: string;
  source: string;
}

/** Bits per element of `elementBits` codes sharing `overheadBits` of scale/zero/min across `groupSize` elements. */
export function bitsWithScale(elementBits: number, groupSize: number, overheadBits: number): number {
  return elementBits + overheadBits / groupSize;
}

/** Bits per element of a fixed block layout. */
export function layoutBits(layout: BlockField[], blockSize: number): number {
  return (layout.reduce((s, fl) => s + fl.bytes, 0) * 8) / blockSize;
}

function mf(spec: MinifloatSpec): ValueRange {
  const max = minifloatMax(spec);
  return { of: "value", min: -max, max, minPositiveNormal: minifloatMinNormal(spec), minPositiveSubnormal: minifloatMinSubnormal(spec) };
}

function ints(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}

const QK = 32;
const QK_K = 256;
const DEFAULT_INT_GROUP = 128;

function block(
  id: QuantFormatId, name: string, family: QuantFamily, elementBits: number, blockSize: number, layout: BlockField[],
  rest: Pick<QuantFormat, "scaleType" | "zeroPoint" | "range" | "description" | "source"> & { values?: number[] },
): QuantFormat {
  const bytes = layout.reduce((s, fl) => s + fl.bytes, 0);
  return { id, name, family, bitsPerElement: elementBits, bitsWithScale: layoutBits(layout, blockSize), blockSize, blockBytes: bytes, layout, ...rest };
}

function minifloat(id: QuantFormatId, name: string, spec: MinifloatSpec, description: string, source: string): QuantFormat {
  const bits = 1 + spec.e + spec.m;
  const f: QuantFormat = {
    id, name, family: "minifloat", bitsPerElement: bits, bitsWithScale: bits, blockSize: null, blockBytes: null,
    scaleType: "none", scaleAlternatives: ["per-tensor", "per-channel"], zeroPoint: "none", range: mf(spec), description, source,
  };
  if (bits <= 8) f.values = minifloatValues(spec);
  return f;
}

function mxBlock(id: QuantFormatId, name: string, el: MinifloatSpec | "int8", description: string): QuantFormat {
  const bits = el === "int8" ? 8 : 1 + el.e + el.m;
  const range: ValueRange = el === "int8"
    ? { of: "code", min: -127 / 64, max: 127 / 64 }
    : { ...mf(el), of: "code" };
  const f = block(id, name, "microscaling", bits, QK, [{ name: "scale (E8M0)", bytes: 1 }, { name: "elements", bytes: (QK * bits) / 8 }], {
    scaleType: "e8m0-shared", zeroPoint: "none", range, description,
    source: "OCP Microscaling Formats (MX) Specification v1.0 (2023)",
  });
  f.values = el === "int8" ? ints(-127, 127).map((i) => i / 64) : minifloatValues(el);
  return f;
}

export const QUANT_FORMATS: readonly QuantFormat[] = Object.freeze([
  {
    id: "int8", name: "INT8", family: "integer", bitsPerElement: 8, bitsWithScale: bitsWithScale(8, DEFAULT_INT_GROUP, 16),
    blockSize: DEFAULT_INT_GROUP, blockBytes: null, scaleType: "per-group", scaleAlternatives: ["per-tensor", "per-channel"],
    zeroPoint: "none", range: { of: "code", min: -127, max: 127 }, values: ints(-127, 127),
    description: "8-bit integers times a float scale (symmetric; asymmetric adds an integer zero point); bits with scale assume an fp16 scale per 128.",
    source: "Jacob et al. 2018, Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference",
  },
  {
    id: "int4", name: "INT4", family: "integer", bitsPerElement: 4, bitsWithScale: bitsWithScale(4, DEFAULT_INT_GROUP, 16),
    blockSize: DEFAULT_INT_GROUP, blockBytes: null, scaleType: "per-group", scaleAlternatives: ["per-tensor", "per-channel"],
    zeroPoint: "none", range: { of: "code", min: -7, max: 7 }, values: ints(-7, 7),
    description: "4-bit integer weights with a per-group float scale (group 128 typical, as in GPTQ/AWQ); asymmetric variants use codes 0..15 and a zero point.",
    source: "Frantar et al. 2023, GPTQ; Lin et al. 2024, AWQ",
  },
  {
    id: "int2", name: "INT2", family: "integer", bitsPerElement: 2, bitsWithScale: bitsWithScale(2, DEFAULT_INT_GROUP, 16),
    blockSize: DEFAULT_INT_GROUP, blockBytes: null, scaleType: "per-group", scaleAlternatives: ["per-tensor", "per-channel"],
    zeroPoint: "none", range: { of: "code", min: -1, max: 1 }, values: ints(-1, 1),
    description: "2-bit integer weights with a per-group scale; symmetric uses codes -1..1, asymmetric 0..3 with a zero point.",
    source: "Frantar et al. 2023, GPTQ (2/3-bit results)",
  },
  {
    id: "ternary", name: "Ternary (1.58-bit)", family: "integer", bitsPerElement: Math.log2(3), bitsWithScale: 8 / 5,
    blockSize: null, blockBytes: null, scaleType: "per-tensor", scaleAlternatives: ["per-group"],
    zeroPoint: "none", range: { of: "code", min: -1, max: 1 }, values: [-1, 0, 1],
    description: "Weights in {-1, 0, 1} times an absmean per-tensor scale; stored 5 trits per byte (1.6 bits; Sherry packs 4 in 5 bits = 1.25).",
    source: "Ma et al. 2024, The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits (BitNet b1.58)",
  },
  {
    id: "fp16", name: "FP16 (binary16)", family: "ieee-float", bitsPerElement: 16, bitsWithScale: 16, blockSize: null, blockBytes: null,
    scaleType: "none", zeroPoint: "none", range: mf(FP16),
    description: "IEEE half precision: 1 sign, 5 exponent, 10 mantissa bits, max 65504, with infinities and NaN.",
    source: "IEEE 754-2019 binary16",
  },
  {
    id: "bf16", name: "BF16 (bfloat16)", family: "ieee-float", bitsPerElement: 16, bitsWithScale: 16, blockSize: null, blockBytes: null,
    scaleType: "none", zeroPoint: "none", range: mf(BF16),
    description: "The top 16 bits of an IEEE float32: 8 exponent and 7 mantissa bits, so fp32's range with ~3 decimal digits.",
    source: "Google Brain bfloat16; Kalamkar et al. 2019, A Study of BFLOAT16 for Deep Learning Training",
  },
  minifloat("e4m3", "FP8 E4M3", E4M3, "8-bit float, 4 exponent/3 mantissa bits, bias 7, no infinities, NaN = S.1111.111, max 448.", "OCP 8-bit Floating Point Specification (OFP8) v1.0; Micikevicius et al. 2022, FP8 Formats for Deep Learning"),
  minifloat("e5m2", "FP8 E5M2", E5M2, "8-bit float, 5 exponent/2 mantissa bits, bias 15, IEEE-style infinities and NaN, max 57344.", "OCP 8-bit Floating Point Specification (OFP8) v1.0; Micikevicius et al. 2022, FP8 Formats for Deep Learning"),
  minifloat("e3m2", "FP6 E3M2", E3M2, "6-bit float, 3 exponent/2 mantissa bits, bias 3, no infinities or NaN, max 28.", "OCP Microscaling Formats (MX) Specification v1.0"),
  minifloat("e2m3", "FP6 E2M3", E2M3, "6-bit float, 2 exponent/3 mantissa bits, bias 1, no infinities or NaN, max 7.5.", "OCP Microscaling Formats (MX) Specification v1.0"),
  minifloat("e2m1", "FP4 E2M1", E2M1, "4-bit float, 2 exponent/1 mantissa bit, bias 1: values 0, 0.5, 1, 1.5, 2, 3, 4, 6 and negatives.", "OCP Microscaling Formats (MX) Specification v1.0"),
  {
    id: "nf4", name: "NF4 (NormalFloat4)", family: "normal-float", bitsPerElement: 4, bitsWithScale: bitsWithScale(4, 64, 32),
    blockSize: 64, blockBytes: 36, layout: [{ name: "absmax (fp32)", bytes: 4 }, { name: "codes", bytes: 32 }],
    scaleType: "fp32-block", zeroPoint: "none", range: { of: "code", min: -1, max: 1 }, values: [...NF4_VALUES],
    description: "16 levels at quantiles of a normal distribution scaled by the block absmax (block 64; double quantization of the absmax gives ~4.127 bits).",
    source: "Dettmers et al. 2023, QLoRA: Efficient Finetuning of Quantized LLMs",
  },
  mxBlock("mxfp8", "MXFP8 (E4M3)", E4M3, "32 FP8 elements (E4M3, or E5M2) sharing one E8M0 power-of-two scale: 8.25 bits."),
  mxBlock("mxfp6", "MXFP6 (E2M3)", E2M3, "32 FP6 elements (E2M3, or E3M2) sharing one E8M0 power-of-two scale: 6.25 bits."),
  mxBlock("mxfp4", "MXFP4 (E2M1)", E2M1, "32 FP4 E2M1 elements sharing one E8M0 power-of-two scale: 4.25 bits."),
  mxBlock("mxint8", "MXINT8", "int8", "32 8-bit two's-complement elements with an implicit 2^-6 scale sharing one E8M0 scale: 8.25 bits."),
  block("bfp8", "BFP8 (block floating point)", "block-float", 8, 16, [{ name: "shared exponent", bytes: 1 }, { name: "sign + 7-bit mantissas", bytes: 16 }], {
    scaleType: "shared-exponent", zeroPoint: "none", range: { of: "code", min: -127 / 64, max: 127 / 64 },
    description: "16 sign-magnitude 8-bit mantissas sharing one 8-bit exponent (as in Tenstorrent BFP8); other BFP variants differ in block and mantissa size.",
    source: "Darvish Rouhani et al. 2020, Pushing the Limits of Narrow Precision Inferencing at Cloud Scale with Microsoft Floating Point; Tenstorrent BFP8",
    values: ints(-127, 127).map((i) => i / 64),
  }),
  block("q4_0", "ggml Q4_0", "ggml", 4, QK, [{ name: "d (fp16)", bytes: 2 }, { name: "qs (nibbles)", bytes: 16 }], {
    scaleType: "fp16-block", zeroPoint: "none", range: { of: "code", min: -8, max: 7 }, values: ints(-8, 7),
    description: "32 weights, one fp16 scale d = max/-8, 4-bit codes (q - 8) * d; low nibbles elements 0..15, high 16..31.",
    source: "llama.cpp ggml block_q4_0 (ggml-common.h)",
  }),
  block("q4_1", "ggml Q4_1", "ggml", 4, QK, [{ name: "d (fp16)", bytes: 2 }, { name: "m (fp16)", bytes: 2 }, { name: "qs (nibbles)", bytes: 16 }], {
    scaleType: "fp16-block", zeroPoint: "fp16-min", range: { of: "code", min: 0, max: 15 }, values: ints(0, 15),
    description: "32 weights, fp16 scale d and fp16 minimum m, 4-bit codes decoded q * d + m.",
    source: "llama.cpp ggml block_q4_1 (ggml-common.h)",
  }),
  block("q5_0", "ggml Q5_0", "ggml", 5, QK, [{ name: "d (fp16)", bytes: 2 }, { name: "qh (5th bits)", bytes: 4 }, { name: "qs (nibbles)", bytes: 16 }], {
    scaleType: "fp16-block", zeroPoint: "none", range: { of: "code", min: -16, max: 15 }, values: ints(-16, 15),
    description: "32 weights, fp16 scale d = max/-16, 5-bit codes (q - 16) * d split into nibbles and a 32-bit mask of high bits.",
    source: "llama.cpp ggml block_q5_0 (ggml-common.h)",
  }),
  block("q5_1", "ggml Q5_1", "ggml", 5, QK, [{ name: "d (fp16)", bytes: 2 }, { name: "m (fp16)", bytes: 2 }, { name: "qh (5th bits)", bytes: 4 }, { name: "qs (nibbles)", bytes: 16 }], {
    scaleType: "fp16-block", zeroPoint: "fp16-min", range: { of: "code", min: 0, max: 31 }, values: ints(0, 31),
    description: "32 weights, fp16 scale d and minimum m, 5-bit codes decoded q * d + m.",
    source: "llama.cpp ggml block_q5_1 (ggml-common.h)",
  }),
  block("q8_0", "ggml Q8_0", "ggml", 8, QK, [{ name: "d (fp16)", bytes: 2 }, { name: "qs (int8)", bytes: 32 }], {
    scaleType: "fp16-block", zeroPoint: "none", range: { of: "code", min: -127, max: 127 }, values: ints(-127, 127),
    description: "32 weights, fp16 scale d = amax/127, int8 codes q * d.",
    source: "llama.cpp ggml block_q8_0 (ggml-common.h)",
  }),
  block("q2_K", "ggml Q2_K", "ggml-k", 2, QK_K, [{ name: "scales (4-bit scale + 4-bit min per 16)", bytes: QK_K / 16 }, { name: "qs (2-bit)", bytes: QK_K / 4 }, { name: "d (fp16)", bytes: 2 }, { name: "dmin (fp16)", bytes: 2 }], {
    scaleType: "fp16-block", zeroPoint: "4-bit-min", range: { of: "code", min: 0, max: 3 }, values: ints(0, 3),
    description: "256-weight super-block of 16 sub-blocks of 16; 2-bit codes, 4-bit sub-block scales and mins scaled by fp16 d and dmin.",
    source: "llama.cpp ggml block_q2_K (ggml-common.h, k-quants PR #1684)",
  }),
  block("q3_K", "ggml Q3_K", "ggml-k", 3, QK_K, [{ name: "hmask (3rd bits)", bytes: QK_K / 8 }, { name: "qs (low 2 bits)", bytes: QK_K / 4 }, { name: "scales (16 x 6-bit)", bytes: 12 }, { name: "d (fp16)", bytes: 2 }], {
    scaleType: "fp16-block", zeroPoint: "none", range: { of: "code", min: -4, max: 3 }, values: ints(-4, 3),
    description: "256-weight super-block of 16 sub-blocks of 16; 3-bit signed codes, 6-bit sub-block scales times an fp16 d.",
    source: "llama.cpp ggml block_q3_K (ggml-common.h, k-quants PR #1684)",
  }),
  block("q4_K", "ggml Q4_K", "ggml-k", 4, QK_K, [{ name: "d (fp16)", bytes: 2 }, { name: "dmin (fp16)", bytes: 2 }, { name: "scales (8 x 6-bit scale + min)", bytes: 12 }, { name: "qs (nibbles)", bytes: QK_K / 2 }], {
    scaleType: "fp16-block", zeroPoint: "6-bit-min", range: { of: "code", min: 0, max: 15 }, values: ints(0, 15),
    description: "256-weight super-block of 8 sub-blocks of 32; 4-bit codes, 6-bit sub-block scales and mins scaled by fp16 d and dmin.",
    source: "llama.cpp ggml block_q4_K (ggml-common.h, k-quants PR #1684)",
  }),
  block("q5_K", "ggml Q5_K", "ggml-k", 5, QK_K, [{ name: "d (fp16)", bytes: 2 }, { name: "dmin (fp16)", bytes: 2 }, { name: "scales (8 x 6-bit scale + min)", bytes: 12 }, { name: "qh (5th bits)", bytes: QK_K / 8 }, { name: "qs (nibbles)", bytes: QK_K / 2 }], {
    scaleType: "fp16-block", zeroPoint: "6-bit-min", range: { of: "code", min: 0, max: 31 }, values: ints(0, 31),
    description: "256-weight super-block of 8 sub-blocks of 32; 5-bit codes, 6-bit sub-block scales and mins scaled by fp16 d and dmin.",
    source: "llama.cpp ggml block_q5_K (ggml-common.h, k-quants PR #1684)",
  }),
  block("q6_K", "ggml Q6_K", "ggml-k", 6, QK_K, [{ name: "ql (low 4 bits)", bytes: QK_K / 2 }, { name: "qh (high 2 bits)", bytes: QK_K / 4 }, { name: "scales (16 x int8)", bytes: QK_K / 16 }, { name: "d (fp16)", bytes: 2 }], {
    scaleType: "fp16-block", zeroPoint: "none", range: { of: "code", min: -32, max: 31 }, values: ints(-32, 31),
    description: "256-weight super-block of 16 sub-blocks of 16; 6-bit signed codes, int8 sub-block scales times an fp16 d.",
    source: "llama.cpp ggml block_q6_K (ggml-common.h, k-quants PR #1684)",
  }),
] satisfies QuantFormat[]);

export function findQuantFormat(id: string): QuantFormat | undefined {
  return QUANT_FORMATS.find((fmt) => fmt.id === id);
}

/** Other names kernels and `// @quant NAME: FORMAT` directives give catalogued formats (keys in lower case). */
export const QUANT_FORMAT_ALIASES: Readonly<Record<string, QuantFormatId>> = Object.freeze({
  f16: "fp16",
  fp8: "e4m3",
  fp6: "e2m3",
  fp4: "e2m1",
  uint8: "int8",
  uint4: "int4",
  uint2: "int2",
});

/** The catalogued id a format name denotes, in any case (`Q4_K`, `q4_k`), aliases included; undefined when unknown. */
export function quantFormatId(name: string): QuantFormatId | undefined {
  const key = name.toLowerCase();
  return QUANT_FORMAT_IDS.find((id) => id.toLowerCase() === key) ?? QUANT_FORMAT_ALIASES[key];
}

/** How a format stores weights: what recognising a binding's format needs to know from the catalogue. */
export interface QuantStorage {
  readonly id: QuantFormatId;
  /**
   * Storage bits per weight. A fixed block layout carries its scale (and min), so they count (q4_0: 4.5, mxfp4:
   * 4.25); otherwise the code's bits alone (int4: 4, e4m3: 8), since the scale's share depends on a group size the
   * format does not fix.
   */
  readonly bitsPerWeight: number;
  /** Weights per block of a fixed block layout (q4_0: 32, q4_K: 256); null when the format fixes no group. */
  readonly groupSize: number | null;
  /** Bytes of one block of a fixed block layout (q4_0: 18, q8_0: 34); null otherwise. */
  readonly blockBytes: number | null;
}

/** The storage facts of a format by name (see `quantFormatId`), from the catalogue above; undefined when unknown. */
export function quantStorage(name: string): QuantStorage | undefined {
  const id = quantFormatId(name);
  const f = id === undefined ? undefined : findQuantFormat(id);
  if (!f) return undefined;
  if (f.blockBytes !== null && f.blockSize !== null) return { id: f.id, bitsPerWeight: f.bitsWithScale, groupSize: f.blockSize, blockBytes: f.blockBytes };
  return { id: f.id, bitsPerWeight: f.bitsPerElement, groupSize: null, blockBytes: null };
}

/** A ggml block layout as a kernel's code shows it: bytes per block, weights per block, code bits, bits per weight. */
export interface GgmlBlock {
  readonly id: string;
  readonly blockBytes: number;
  readonly groupSize: number;
  /** Bits of one element code (q4_0: 4, q5_0: 5). */
  readonly codeBits: number;
  /** Storage bits per weight, scales included (q4_0: 4.5). */
  readonly bitsPerWeight: number;
}

/**
 * ggml's q8_1: the activation blocks mul_mat_vec quantizes `src1` to before a q4_0 x q8_1 dot product (an fp16 d, an
 * fp16 sum s, 32 int8 codes: 36 bytes per 32). Not in the catalogue: no weights are stored in it and it has no encoder.
 */
const Q8_1: GgmlBlock = { id: "q8_1", blockBytes: 36, groupSize: QK, codeBits: 8, bitsPerWeight: (36 * 8) / QK };

/**
 * The ggml block format (legacy or k-quant, or q8_1) whose blocks are `bytes` long; undefined when none is. The block
 * sizes are all different (18, 20, 22, 24, 34, 36, 84, 110, 144, 176, 210), so the size alone names the layout.
 */
export function ggmlBlockOfBytes(bytes: number): GgmlBlock | undefined {
  if (bytes === Q8_1.blockBytes) return Q8_1;
  const f = QUANT_FORMATS.find((q) => (q.family === "ggml" || q.family === "ggml-k") && q.blockBytes === bytes);
  return f && f.blockSize !== null ? { id: f.id, blockBytes: bytes, groupSize: f.blockSize, codeBits: f.bitsPerElement, bitsPerWeight: f.bitsWithScale } : undefined;
}

/** k-quants with a reference encoder (kquants.ts): all five. */
const KQUANTS_ENCODED: readonly QuantFormatId[] = ["q2_K", "q3_K", "q4_K", "q5_K", "q6_K"];

/** Formats `quantize` can encode: all but the k-quants without a reference encoder. */
export const QUANTIZABLE_IDS: readonly QuantFormatId[] = QUANT_FORMAT_IDS.filter((id) => !id.endsWith("_K") || KQUANTS_ENCODED.includes(id));

const ELEMENTWISE: Partial<Record<QuantFormatId, MinifloatSpec>> = { fp16: FP16, bf16: BF16, e4m3: E4M3, e5m2: E5M2, e3m2: E3M2, e2m3: E2M3, e2m1: E2M1 };
const INT_BITS: Partial<Record<QuantFormatId, number>> = { int8: 8, int4: 4, int2: 2 };

/**
 * Quantizes `x` to `format`, returning the packed bytes and their decoded values. Block formats need a multiple of
 * their block size. Int formats: `groupSize` (default: the whole tensor, i.e. per-tensor; per-channel = row length)
 * and `asymmetric`. The k-quants (q2_K .. q6_K) use the simple absmax encoders of kquants.ts.
 */
export function quantize(format: QuantFormatId, x: Float32Array, options: QuantizeOptions = {}): QuantizeResult {
  const el = ELEMENTWISE[format];
  if (el) return quantizeElementwise(x, el);
  const bits = INT_BITS[format];
  if (bits !== undefined) return quantizeIntGroups(x, { bits, groupSize: options.groupSize ?? Math.max(1, x.length), asymmetric: options.asymmetric ?? false });
  switch (format) {
    case "ternary": return quantizeTernary(x, options.groupSize ?? Math.max(1, x.length));
    case "nf4": return quantizeNf4(x, options.groupSize ?? 64);
    case "mxfp8": return quantizeMx(x, options.mxElement === "e5m2" ? "e5m2" : "e4m3");
    case "mxfp6": return quantizeMx(x, options.mxElement === "e3m2" ? "e3m2" : "e2m3");
    case "mxfp4": return quantizeMx(x, "e2m1");
    case "mxint8": return quantizeMx(x, "int8");
    case "bfp8": return quantizeBfp8(x, options.blockSize ?? 16);
    case "q4_0": return quantizeQ4_0(x);
    case "q4_1": return quantizeQ4_1(x);
    case "q5_0": return quantizeQ5_0(x);
    case "q5_1": return quantizeQ5_1(x);
    case "q8_0": return quantizeQ8_0(x);
    case "q2_K": return quantizeQ2_K(x);
    case "q3_K": return quantizeQ3_K(x);
    case "q4_K": return quantizeQ4_K(x);
    case "q5_K": return quantizeQ5_K(x);
    case "q6_K": return quantizeQ6_K(x);
    default: throw new RangeError(`quantize: ${format} is catalogued but has no reference quantizer`);
  }
}

export type { QuantizeOptions, QuantizeResult };
