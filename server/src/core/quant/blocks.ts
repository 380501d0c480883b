// Reference block quantizers: MX (OCP microscaling), block floating point, ggml q4_0/q4_1/q5_0/q5_1/q8_0, NF4 and per-group int.
import {
  decodeFp16,
  decodeMinifloat,
  decodeNf4,
  E2M1,
  E2M3,
  E3M2,
  E4M3,
  E5M2,
  encodeFp16,
  encodeMinifloat,
  encodeNf4,
  minifloatMax,
  type MinifloatSpec,
  roundHalfEven,
} from "./minifloat";

/** Result of quantizing a tensor: the packed bytes and the values they decode to. */
export interface QuantizeResult {
  bytes: Uint8Array;
  decoded: Float32Array;
}

export interface QuantizeOptions {
  /** Elements sharing one scale for the int formats and NF4 (default: int per-tensor, i.e. the whole input; NF4 64). */
  groupSize?: number;
  /** Int formats: asymmetric with an integer zero point (default false: symmetric). */
  asymmetric?: boolean;
  /** mxfp8 element: e4m3 (default) or e5m2; mxfp6 element: e2m3 (default) or e3m2. */
  mxElement?: "e4m3" | "e5m2" | "e2m3" | "e3m2";
  /** bfp8 block size (default 16). */
  blockSize?: number;
}

const f = Math.fround;

/** Writes a 16-bit little-endian value. */
function put16(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >> 8) & 0xff;
}

function get16(b: Uint8Array, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}

/** Little-endian bit writer/reader for packing codes narrower than a byte (LSB first). */
function packBits(codes: number[], bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((codes.length * bits) / 8));
  let pos = 0;
  for (const c of codes) {
    for (let b = 0; b < bits; b++, pos++) if ((c >> b) & 1) out[pos >> 3] = (out[pos >> 3] as number) | (1 << (pos & 7));
  }
  return out;
}

function unpackBits(bytes: Uint8Array, at: number, count: number, bits: number): number[] {
  const codes: number[] = [];
  let pos = at * 8;
  for (let i = 0; i < count; i++) {
    let c = 0;
    for (let b = 0; b < bits; b++, pos++) if (((bytes[pos >> 3] as number) >> (pos & 7)) & 1) c |= 1 << b;
    codes.push(c);
  }
  return codes;
}

function requireMultiple(x: Float32Array, n: number, what: string): void {
  if (x.length % n !== 0) throw new RangeError(`${what} needs a multiple of ${n} elements, got ${x.length}`);
}

// ---------------------------------------------------------------------------------------------------------------
// ggml blocks (llama.cpp reference quantizers, float32 arithmetic reproduced with Math.fround)

/** Signed element of largest magnitude (first one on ties) and its magnitude. */
function signedAbsMax(x: Float32Array, from: number, n: number): { amax: number; max: number } {
  let amax = 0;
  let max = 0;
  for (let j = from; j < from + n; j++) {
    const v = x[j] as number;
    if (Math.abs(v) > amax) {
      amax = Math.abs(v);
      max = v;
    }
  }
  return { amax, max };
}

/** q4_0: 32 weights, fp16 d = max / -8, codes trunc(x/d + 8.5) clamped to 15; 18 bytes. Decode (q - 8) * d. */
export function quantizeQ4_0(x: Float32Array): QuantizeResult {
  requireMultiple(x, 32, "q4_0");
  const nb = x.length / 32;
  const bytes = new Uint8Array(nb * 18);
  for (let b = 0; b < nb; b++) {
    const { max } = signedAbsMax(x, b * 32, 32);
    const d = f(max / -8);
    const id = d !== 0 ? f(1 / d) : 0;
    put16(bytes, b * 18, encodeFp16(d));
    for (let j = 0; j < 16; j++) {
      const q0 = Math.min(15, Math.trunc(f(f((x[b * 32 + j] as number) * id) + 8.5)));
      const q1 = Math.min(15, Math.trunc(f(f((x[b * 32 + 16 + j] as number) * id) + 8.5)));
      bytes[b * 18 + 2 + j] = q0 | (q1 << 4);
    }
  }
  return { bytes, decoded: dequantizeQ4_0(bytes) };
}

export function dequantizeQ4_0(bytes: Uint8Array): Float32Array {
  const nb = bytes.length / 18;
  const out = new Float32Array(nb * 32);
  for (let b = 0; b < nb; b++) {
    const d = decodeFp16(get16(bytes, b * 18));
    for (let j = 0; j < 16; j++) {
      const q = bytes[b * 18 + 2 + j] as number;
      out[b * 32 + j] = ((q & 15) - 8) * d;
      out[b * 32 + 16 + j] = ((q >> 4) - 8) * d;
    }
  }
  return out;
}

/** q4_1: 32 weights, fp16 d = (max - min) / 15 and fp16 m = min, codes trunc((x - min)/d + 0.5); 20 bytes. */
export function quantizeQ4_1(x: Float32Array): QuantizeResult {
  return quantizeMinBlock(x, 4);
}

/** q5_1: as q4_1 with 5-bit codes (d = (max - min) / 31) and a 32-bit qh of high bits; 24 bytes. */
export function quantizeQ5_1(x: Float32Array): QuantizeResult {
  return quantizeMinBlock(x, 5);
}

function quantizeMinBlock(x: Float32Array, bits: 4 | 5): QuantizeResult {
  requireMultiple(x, 32, bits === 4 ? "q4_1" : "q5_1");
  const size = bits === 4 ? 20 : 24;
  const qmax = (1 << bits) - 1;
  const nb = x.length / 32;
  const bytes = new Uint8Array(nb * size);
  for (let b = 0; b < nb; b++) {
    let min = Infinity;
    let max = -Infinity;
    for (let j = 0; j < 32; j++) {
      min = Math.min(min, x[b * 32 + j] as number);
      max = Math.max(max, x[b * 32 + j] as number);
    }
    const d = f((max - min) / qmax);
    const id = d !== 0 ? f(1 / d) : 0;
    const o = b * size;
    put16(bytes, o, encodeFp16(d));
    put16(bytes, o + 2, encodeFp16(min));
    const codes: number[] = [];
    for (let j = 0; j < 32; j++) codes.push(Math.min(qmax, Math.trunc(f(f(f((x[b * 32 + j] as number) - min) * id) + 0.5))));
    writeNibbles(bytes, o + size - 16, codes);
    if (bits === 5) writeHighBits(bytes, o + 4, codes);
  }
  return { bytes, decoded: dequantizeMinBlock(bytes, bits) };
}

function dequantizeMinBlock(bytes: Uint8Array, bits: 4 | 5): Float32Array {
  const size = bits === 4 ? 20 : 24;
  const nb = bytes.length / size;
  const out = new Float32Array(nb * 32);
  for (let b = 0; b < nb; b++) {
    const o = b * size;
    const d = decodeFp16(get16(bytes, o));
    const m = decodeFp16(get16(bytes, o + 2));
    const codes = readNibbles(bytes, o + size - 16);
    if (bits === 5) readHighBits(bytes, o + 4, codes);
    for (let j = 0; j < 32; j++) out[b * 32 + j] = f((codes[j] as number) * d + m);
  }
  return out;
}

export const dequantizeQ4_1 = (bytes: Uint8Array): Float32Array => dequantizeMinBlock(bytes, 4);
export const dequantizeQ5_1 = (bytes: Uint8Array): Float32Array => dequantizeMinBlock(bytes, 5);

/** Low nibbles hold elements 0..15, high nibbles 16..31. */
function writeNibbles(bytes: Uint8Array, at: number, codes: number[]): void {
  for (let j = 0; j < 16; j++) bytes[at + j] = ((codes[j] as number) & 15) | (((codes[16 + j] as number) & 15) << 4);
}

function readNibbles(bytes: Uint8Array, at: number): number[] {
  const codes = new Array<number>(32);
  for (let j = 0; j < 16; j++) {
    codes[j] = (bytes[at + j] as number) & 15;
    codes[16 + j] = (bytes[at + j] as number) >> 4;
  }
  return codes;
}

/** Fifth bit of element j goes to bit j of a little-endian uint32 (qh). */
function writeHighBits(bytes: Uint8Array, at: number, codes: number[]): void {
  for (let j = 0; j < 32; j++) if ((codes[j] as number) & 16) bytes[at + (j >> 3)] = (bytes[at + (j >> 3)] as number) | (1 << (j & 7));
}

function readHighBits(bytes: Uint8Array, at: number, codes: number[]): void {
  for (let j = 0; j < 32; j++) if (((bytes[at + (j >> 3)] as number) >> (j & 7)) & 1) codes[j] = (codes[j] as number) | 16;
}

/** q5_0: 32 weights, fp16 d = max / -16, 5-bit codes trunc(x/d + 16.5) clamped to 31; 22 bytes (d, qh, qs). */
export function quantizeQ5_0(x: Float32Array): QuantizeResult {
  requireMultiple(x, 32, "q5_0");
  const nb = x.length / 32;
  const bytes = new Uint8Array(nb * 22);
  for (let b = 0; b < nb; b++) {
    const { max } = signedAbsMax(x, b * 32, 32);
    const d = f(max / -16);
    const id = d !== 0 ? f(1 / d) : 0;
    put16(bytes, b * 22, encodeFp16(d));
    const codes: number[] = [];
    for (let j = 0; j < 32; j++) codes.push(Math.min(31, Math.trunc(f(f((x[b * 32 + j] as number) * id) + 16.5))));
    writeHighBits(bytes, b * 22 + 2, codes);
    writeNibbles(bytes, b * 22 + 6, codes);
  }
  return { bytes, decoded: dequantizeQ5_0(bytes) };
}

export function dequantizeQ5_0(bytes: Uint8Array): Float32Array {
  const nb = bytes.length / 22;
  const out = new Float32Array(nb * 32);
  for (let b = 0; b < nb; b++) {
    const d = decodeFp16(get16(bytes, b * 22));
    const codes = readNibbles(bytes, b * 22 + 6);
    readHighBits(bytes, b * 22 + 2, codes);
    for (let j = 0; j < 32; j++) out[b * 32 + j] = ((codes[j] as number) - 16) * d;
  }
  return out;
}

/** q8_0: 32 weights, fp16 d = amax / 127, int8 codes round(x/d) (half away from zero); 34 bytes. */
export function quantizeQ8_0(x: Float32Array): QuantizeResult {
  requireMultiple(x, 32, "q8_0");
  const nb = x.length / 32;
  const bytes = new Uint8Array(nb * 34);
  for (let b = 0; b < nb; b++) {
    const { amax } = signedAbsMax(x, b * 32, 32);
    const d = f(amax / 127);
    const id = d !== 0 ? f(1 / d) : 0;
    put16(bytes, b * 34, encodeFp16(d));
    for (let j = 0; j < 32; j++) {
      const v = f((x[b * 32 + j] as number) * id);
      const q = Math.sign(v) * Math.round(Math.abs(v));
      bytes[b * 34 + 2 + j] = q & 0xff;
    }
  }
  return { bytes, decoded: dequantizeQ8_0(bytes) };
}

export function dequantizeQ8_0(bytes: Uint8Array): Float32Array {
  const nb = bytes.length / 34;
  const out = new Float32Array(nb * 32);
  for (let b = 0; b < nb; b++) {
    const d = decodeFp16(get16(bytes, b * 34));
    for (let j = 0; j < 32; j++) out[b * 32 + j] = (((bytes[b * 34 + 2 + j] as number) << 24) >> 24) * d;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// OCP Microscaling (MX) v1.0

export type MxElement = "e4m3" | "e5m2" | "e3m2" | "e2m3" | "e2m1" | "int8";

const MX_SPECS: Record<Exclude<MxElement, "int8">, MinifloatSpec> = { e4m3: E4M3, e5m2: E5M2, e3m2: E3M2, e2m3: E2M3, e2m1: E2M1 };

/** Exponent of the element format's largest normal (emax_elem in the OCP MX spec); int8 is scaled by 2^-6, so 0. */
export function mxElementEmax(el: MxElement): number {
  if (el === "int8") return 0;
  return Math.floor(Math.log2(minifloatMax(MX_SPECS[el])));
}

export function mxElementBits(el: MxElement): number {
  return el === "int8" ? 8 : 1 + MX_SPECS[el].e + MX_SPECS[el].m;
}

/** E8M0 scale code (bias 127, 0xFF = NaN) for a block's absolute maximum: 2^(floor(log2(amax)) - emax_elem). */
export function mxScaleCode(amax: number, el: MxElement): number {
  if (!Number.isFinite(amax)) return 0xff;
  if (amax === 0) return 0; // any scale decodes zeros; the smallest is used
  let e = Math.floor(Math.log2(amax));
  if (2 ** e > amax) e -= 1;
  else if (2 ** (e + 1) <= amax) e += 1;
  return Math.max(-127, Math.min(127, e - mxElementEmax(el))) + 127;
}

export function decodeE8M0(code: number): number {
  return code === 0xff ? NaN : 2 ** (code - 127);
}

function encodeMxElement(v: number, el: MxElement): number {
  if (el === "int8") {
    const q = Math.max(-127, Math.min(127, roundHalfEven(v * 64)));
    return q & 0xff;
  }
  // Elements are converted with saturation (the OCP MX spec clamps normalised values to the element's max normal).
  return encodeMinifloat(v, { ...MX_SPECS[el], satfinite: true });
}

function decodeMxElement(code: number, el: MxElement): number {
  if (el === "int8") return ((code << 24) >> 24) / 64;
  return decodeMinifloat(code, MX_SPECS[el]);
}

/**
 * MX block quantization: blocks of 32 elements, one E8M0 scale byte followed by the element codes packed LSB first
 * (fp4: element 2i in the low nibble). Blocks with a NaN or infinity get the NaN scale (0xFF) and zero codes.
 * The byte layout is KernelLens's reference layout: the OCP spec fixes the encodings, not the memory order.
 */
export function quantizeMx(x: Float32Array, el: MxElement): QuantizeResult {
  requireMultiple(x, 32, `mx(${el})`);
  const bits = mxElementBits(el);
  const blockBytes = 1 + (32 * bits) / 8;
  const nb = x.length / 32;
  const bytes = new Uint8Array(nb * blockBytes);
  for (let b = 0; b < nb; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j] as number));
    for (let j = 0; j < 32; j++) if (Number.isNaN(x[b * 32 + j] as number)) amax = NaN;
    const sc = mxScaleCode(amax, el);
    bytes[b * blockBytes] = sc;
    const codes: number[] = [];
    for (let j = 0; j < 32; j++) codes.push(sc === 0xff ? 0 : encodeMxElement((x[b * 32 + j] as number) / decodeE8M0(sc), el));
    bytes.set(packBits(codes, bits), b * blockBytes + 1);
  }
  return { bytes, decoded: dequantizeMx(bytes, el) };
}

export function dequantizeMx(bytes: Uint8Array, el: MxElement): Float32Array {
  const bits = mxElementBits(el);
  const blockBytes = 1 + (32 * bits) / 8;
  const nb = bytes.length / blockBytes;
  const out = new Float32Array(nb * 32);
  for (let b = 0; b < nb; b++) {
    const s = decodeE8M0(bytes[b * blockBytes] as number);
    const codes = unpackBits(bytes, b * blockBytes + 1, 32, bits);
    for (let j = 0; j < 32; j++) out[b * 32 + j] = decodeMxElement(codes[j] as number, el) * s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Block floating point (bfp8)

/**
 * bfp8: `blockSize` elements (default 16) share one 8-bit exponent byte E+127 with E = floor(log2(amax)); each
 * element is a sign bit and a 7-bit magnitude m, value = (-1)^s * m * 2^(E - 6), m = round-half-even, clamped to 127.
 */
export function quantizeBfp8(x: Float32Array, blockSize = 16): QuantizeResult {
  requireMultiple(x, blockSize, "bfp8");
  const nb = x.length / blockSize;
  const bytes = new Uint8Array(nb * (1 + blockSize));
  for (let b = 0; b < nb; b++) {
    let amax = 0;
    for (let j = 0; j < blockSize; j++) amax = Math.max(amax, Math.abs(x[b * blockSize + j] as number));
    let e = amax > 0 ? Math.floor(Math.log2(amax)) : -127;
    if (amax > 0 && 2 ** e > amax) e -= 1;
    else if (amax > 0 && 2 ** (e + 1) <= amax) e += 1;
    e = Math.max(-127, Math.min(128, e));
    const o = b * (1 + blockSize);
    bytes[o] = e + 127;
    for (let j = 0; j < blockSize; j++) {
      const v = x[b * blockSize + j] as number;
      const m = Math.min(127, roundHalfEven(Math.abs(v) / 2 ** (e - 6)));
      bytes[o + 1 + j] = (v < 0 ? 0x80 : 0) | m;
    }
  }
  return { bytes, decoded: dequantizeBfp8(bytes, blockSize) };
}

export function dequantizeBfp8(bytes: Uint8Array, blockSize = 16): Float32Array {
  const nb = bytes.length / (1 + blockSize);
  const out = new Float32Array(nb * blockSize);
  for (let b = 0; b < nb; b++) {
    const o = b * (1 + blockSize);
    const unit = 2 ** ((bytes[o] as number) - 127 - 6);
    for (let j = 0; j < blockSize; j++) {
      const c = bytes[o + 1 + j] as number;
      out[b * blockSize + j] = (c & 0x80 ? -1 : 1) * (c & 0x7f) * unit;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Per-group integers and NF4

export interface IntQuantizeOptions {
  bits: number;
  groupSize: number;
  asymmetric: boolean;
}

/** Bytes of one int group: fp16 scale, a zero-point byte when asymmetric, then the codes packed LSB first. */
export function intGroupBytes(o: IntQuantizeOptions): number {
  return 2 + (o.asymmetric ? 1 : 0) + Math.ceil((o.groupSize * o.bits) / 8);
}

/**
 * Per-group integer quantization with an fp16 scale (rounded before use, so decode is exact). Symmetric: codes in
 * [-(2^(b-1) - 1), 2^(b-1) - 1], scale = amax / qmax. Asymmetric: codes in [0, 2^b - 1] with an integer zero point,
 * scale = (max - min) / (2^b - 1). Rounding is half to even. The last group may be short.
 */
export function quantizeIntGroups(x: Float32Array, o: IntQuantizeOptions): QuantizeResult {
  const { bits, groupSize, asymmetric } = o;
  if (bits < 2 || bits > 8) throw new RangeError("int bits must be 2..8");
  const ng = Math.ceil(x.length / groupSize);
  const per = intGroupBytes(o);
  const bytes = new Uint8Array(ng * per);
  const decoded = new Float32Array(x.length);
  for (let g = 0; g < ng; g++) {
    const from = g * groupSize;
    const to = Math.min(x.length, from + groupSize);
    let min = 0;
    let max = 0;
    for (let j = from; j < to; j++) {
      min = Math.min(min, x[j] as number);
      max = Math.max(max, x[j] as number);
    }
    const qmax = asymmetric ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
    const scale = decodeFp16(encodeFp16(asymmetric ? (max - min) / qmax : Math.max(max, -min) / qmax));
    const zero = asymmetric && scale > 0 ? Math.max(0, Math.min(qmax, roundHalfEven(-min / scale))) : 0;
    const lo = asymmetric ? 0 : -qmax;
    const codes: number[] = [];
    for (let j = from; j < to; j++) {
      const q = scale > 0 ? Math.max(lo, Math.min(qmax, roundHalfEven((x[j] as number) / scale) + zero)) : zero;
      codes.push(q & ((1 << bits) - 1));
      decoded[j] = (q - zero) * scale;
    }
    const ob = g * per;
    put16(bytes, ob, encodeFp16(scale));
    if (asymmetric) bytes[ob + 2] = zero;
    bytes.set(packBits(codes, bits), ob + 2 + (asymmetric ? 1 : 0));
  }
  return { bytes, decoded };
}

/**
 * Ternary (BitNet b1.58 absmean): per group scale = mean(|x|), codes round(x / scale) clamped to {-1, 0, 1}. Bytes
 * per group: fp16 scale, then 5 trits per byte (sum of (code + 1) * 3^i, i = 0..4), i.e. 1.6 bits per weight.
 */
export function quantizeTernary(x: Float32Array, groupSize: number): QuantizeResult {
  const ng = Math.ceil(x.length / groupSize);
  const per = 2 + Math.ceil(groupSize / 5);
  const bytes = new Uint8Array(ng * per);
  const decoded = new Float32Array(x.length);
  for (let g = 0; g < ng; g++) {
    const from = g * groupSize;
    const to = Math.min(x.length, from + groupSize);
    let sum = 0;
    for (let j = from; j < to; j++) sum += Math.abs(x[j] as number);
    const scale = decodeFp16(encodeFp16(sum / (to - from)));
    put16(bytes, g * per, encodeFp16(scale));
    for (let j = from; j < to; j++) {
      const q = scale > 0 ? Math.max(-1, Math.min(1, roundHalfEven((x[j] as number) / scale))) : 0;
      decoded[j] = q * scale;
      const k = j - from;
      const at = g * per + 2 + Math.floor(k / 5);
      bytes[at] = (bytes[at] as number) + (q + 1) * 3 ** (k % 5);
    }
  }
  return { bytes, decoded };
}

/** NF4 with a float32 absmax per block (bitsandbytes layout without double quantization): 4 bytes + 2 codes/byte. */
export function quantizeNf4(x: Float32Array, blockSize = 64): QuantizeResult {
  requireMultiple(x, blockSize, "nf4");
  const nb = x.length / blockSize;
  const per = 4 + blockSize / 2;
  const bytes = new Uint8Array(nb * per);
  const view = new DataView(bytes.buffer);
  const decoded = new Float32Array(x.length);
  for (let b = 0; b < nb; b++) {
    let amax = 0;
    for (let j = 0; j < blockSize; j++) amax = Math.max(amax, Math.abs(x[b * blockSize + j] as number));
    view.setFloat32(b * per, amax, true);
    const codes: number[] = [];
    for (let j = 0; j < blockSize; j++) {
      const c = amax > 0 ? encodeNf4((x[b * blockSize + j] as number) / amax) : 7;
      codes.push(c);
      decoded[b * blockSize + j] = decodeNf4(c) * f(amax);
    }
    bytes.set(packBits(codes, 4), b * per + 4);
  }
  return { bytes, decoded };
}

/** Element-wise minifloat (or fp16/bf16) conversion, codes packed LSB first (two fp4 per byte, 16-bit little-endian). */
export function quantizeElementwise(x: Float32Array, spec: MinifloatSpec): QuantizeResult {
  const bits = 1 + spec.e + spec.m;
  const codes: number[] = [];
  const decoded = new Float32Array(x.length);
  for (let j = 0; j < x.length; j++) {
    const c = encodeMinifloat(x[j] as number, spec);
    codes.push(c);
    decoded[j] = decodeMinifloat(c, spec);
  }
  return { bytes: packBits(codes, bits), decoded };
}
