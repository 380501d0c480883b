// Bit-exact reference encode/decode for small floating-point formats (fp8/fp6/fp4 minifloats, fp16, bf16) and NF4.

/** Parameters of a sign + exponent + mantissa format. */
export interface MinifloatSpec {
  /** Exponent bits. */
  e: number;
  /** Mantissa (fraction) bits. */
  m: number;
  /** Exponent bias. */
  bias: number;
  /** IEEE-style: the all-ones exponent is reserved (mantissa 0 = infinity, otherwise NaN). */
  hasInf: boolean;
  /** Without `hasInf`: the single all-ones code (per sign) is NaN, as in OCP/NVIDIA e4m3. */
  hasNaN: boolean;
  /** Overflow (and infinity) saturates to the largest finite value instead of infinity/NaN. */
  satfinite: boolean;
}

export const E4M3: MinifloatSpec = { e: 4, m: 3, bias: 7, hasInf: false, hasNaN: true, satfinite: true };
export const E5M2: MinifloatSpec = { e: 5, m: 2, bias: 15, hasInf: true, hasNaN: true, satfinite: true };
export const E3M2: MinifloatSpec = { e: 3, m: 2, bias: 3, hasInf: false, hasNaN: false, satfinite: true };
export const E2M3: MinifloatSpec = { e: 2, m: 3, bias: 1, hasInf: false, hasNaN: false, satfinite: true };
export const E2M1: MinifloatSpec = { e: 2, m: 1, bias: 1, hasInf: false, hasNaN: false, satfinite: true };
export const FP16: MinifloatSpec = { e: 5, m: 10, bias: 15, hasInf: true, hasNaN: true, satfinite: false };
export const BF16: MinifloatSpec = { e: 8, m: 7, bias: 127, hasInf: true, hasNaN: true, satfinite: false };

/** Total bits of a code (sign + exponent + mantissa). */
export function minifloatBits(spec: MinifloatSpec): number {
  return 1 + spec.e + spec.m;
}

/** Largest biased exponent field that holds finite values. */
function maxExponentField(spec: MinifloatSpec): number {
  return spec.hasInf ? (1 << spec.e) - 2 : (1 << spec.e) - 1;
}

/** Largest mantissa field at the largest finite exponent. */
function maxMantissaAtTop(spec: MinifloatSpec): number {
  const all = (1 << spec.m) - 1;
  return !spec.hasInf && spec.hasNaN ? all - 1 : all;
}

/** Largest finite magnitude. */
export function minifloatMax(spec: MinifloatSpec): number {
  return (1 + maxMantissaAtTop(spec) / 2 ** spec.m) * 2 ** (maxExponentField(spec) - spec.bias);
}

/** Smallest positive normal magnitude. */
export function minifloatMinNormal(spec: MinifloatSpec): number {
  return 2 ** (1 - spec.bias);
}

/** Smallest positive subnormal magnitude. */
export function minifloatMinSubnormal(spec: MinifloatSpec): number {
  return 2 ** (1 - spec.bias - spec.m);
}

/**
 * The canonical NaN code (positive sign), or null when the format has none. IEEE-style formats (with infinities)
 * use the quiet NaN with only the top mantissa bit set, as hardware and numpy write it (fp16 0x7E00, bf16 0x7FC0,
 * e5m2 0x7E); e4m3-style formats have a single NaN per sign, the all-ones code (0x7F).
 */
export function minifloatNaNCode(spec: MinifloatSpec): number | null {
  if (!spec.hasNaN) return null;
  if (spec.hasInf) return (((1 << spec.e) - 1) << spec.m) | (1 << (spec.m - 1));
  return (1 << (spec.e + spec.m)) - 1;
}

function infCode(spec: MinifloatSpec): number {
  return ((1 << spec.e) - 1) << spec.m;
}

function maxCode(spec: MinifloatSpec): number {
  return (maxExponentField(spec) << spec.m) | maxMantissaAtTop(spec);
}

/** Rounds to the nearest integer, ties to even (exact for the doubles used here). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Encodes `x` (a double; a float32 value is converted exactly) with round-to-nearest-even. Overflow: saturates to
 * the largest finite value when `satfinite` or when the format has neither infinity nor NaN, otherwise gives
 * infinity (IEEE-style formats) or NaN (e4m3-style). NaN input gives the canonical NaN; formats without NaN throw.
 */
export function encodeMinifloat(x: number, spec: MinifloatSpec): number {
  const signBit = 1 << (spec.e + spec.m);
  if (Number.isNaN(x)) {
    const nan = minifloatNaNCode(spec);
    if (nan === null) throw new RangeError(`NaN has no encoding in e${spec.e}m${spec.m}`);
    return nan;
  }
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const a = Math.abs(x);
  const overflow = (): number => {
    if (spec.satfinite || (!spec.hasInf && !spec.hasNaN)) return sign | maxCode(spec);
    if (spec.hasInf) return sign | infCode(spec);
    return sign | (minifloatNaNCode(spec) as number);
  };
  if (a === Infinity) return overflow();
  if (a === 0) return sign;
  const emin = 1 - spec.bias;
  const emaxField = maxExponentField(spec);
  let exp = Math.floor(Math.log2(a));
  if (2 ** exp > a) exp -= 1;
  else if (2 ** (exp + 1) <= a) exp += 1;
  if (exp < emin) exp = emin;
  if (exp > emaxField - spec.bias) exp = emaxField - spec.bias;
  const quantum = 2 ** (exp - spec.m);
  let n = roundHalfEven(a / quantum);
  if (n * quantum > minifloatMax(spec)) return overflow();
  const implicit = 1 << spec.m;
  if (n === 0) return sign;
  if (n < implicit) return sign | n; // subnormal (only reachable at emin)
  if (n >= 2 * implicit) {
    // rounded up into the next binade
    exp += 1;
    n /= 2;
  }
  return sign | ((exp + spec.bias) << spec.m) | (n - implicit);
}

/** Decodes a code of the format to its value (NaN, +-Infinity included). */
export function decodeMinifloat(code: number, spec: MinifloatSpec): number {
  const signBit = 1 << (spec.e + spec.m);
  const sign = code & signBit ? -1 : 1;
  const expField = (code >> spec.m) & ((1 << spec.e) - 1);
  const man = code & ((1 << spec.m) - 1);
  const allOnes = (1 << spec.e) - 1;
  if (spec.hasInf && expField === allOnes) return man === 0 ? sign * Infinity : NaN;
  if (!spec.hasInf && spec.hasNaN && expField === allOnes && man === (1 << spec.m) - 1) return NaN;
  if (expField === 0) return sign * man * 2 ** (1 - spec.bias - spec.m);
  return sign * (1 + man / 2 ** spec.m) * 2 ** (expField - spec.bias);
}

/** Rounds `x` to the nearest value of the format. */
export function roundToMinifloat(x: number, spec: MinifloatSpec): number {
  return decodeMinifloat(encodeMinifloat(x, spec), spec);
}

/** Every distinct finite value of the format, ascending (-0 omitted). Only for formats of at most 16 bits. */
export function minifloatValues(spec: MinifloatSpec): number[] {
  const bits = minifloatBits(spec);
  if (bits > 16) throw new RangeError("too many values to list");
  const set = new Set<number>();
  for (let c = 0; c < 1 << bits; c++) {
    const v = decodeMinifloat(c, spec);
    if (Number.isFinite(v)) set.add(v === 0 ? 0 : v);
  }
  return [...set].sort((p, q) => p - q);
}

export const encodeFp16 = (x: number): number => encodeMinifloat(x, FP16);
export const decodeFp16 = (code: number): number => decodeMinifloat(code, FP16);
export const encodeBf16 = (x: number): number => encodeMinifloat(x, BF16);
export const decodeBf16 = (code: number): number => decodeMinifloat(code, BF16);

/**
 * The 16 NormalFloat-4 levels (index = 4-bit code), as published in the QLoRA paper (Dettmers et al., 2023,
 * "QLoRA: Efficient Finetuning of Quantized LLMs", Appendix E) and used by bitsandbytes: quantiles of N(0, 1)
 * normalised to [-1, 1], with 8 positive levels, 7 negative levels and an exact zero.
 */
export const NF4_VALUES: readonly number[] = Object.freeze([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
]);

/** NF4 code of the level nearest `x` (x already divided by the block absmax, so in [-1, 1]); ties go to the lower code. */
export function encodeNf4(x: number): number {
  if (Number.isNaN(x)) throw new RangeError("NaN has no NF4 encoding");
  let best = 0;
  let bestErr = Infinity;
  for (let i = 0; i < 16; i++) {
    const err = Math.abs(x - (NF4_VALUES[i] as number));
    if (err < bestErr) {
      bestErr = err;
      best = i;
    }
  }
  return best;
}

export function decodeNf4(code: number): number {
  return NF4_VALUES[code & 15] as number;
}
