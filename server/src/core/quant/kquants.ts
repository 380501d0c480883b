// Reference ggml k-quant blocks (q4_K, q6_K): bit-exact decoders of the block layouts and simple absmax-based encoders.
import { decodeFp16, encodeFp16, roundHalfEven } from "./minifloat";
import type { QuantizeResult } from "./blocks";

/** Weights per k-quant super-block. */
export const QK_K = 256;
/** Bytes of one q4_K block: fp16 d, fp16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles. */
export const Q4_K_BYTES = 2 + 2 + 12 + QK_K / 2;
/** Bytes of one q6_K block: 128 bytes low nibbles, 64 bytes high 2-bit pairs, 16 int8 scales, fp16 d. */
export const Q6_K_BYTES = QK_K / 2 + QK_K / 4 + QK_K / 16 + 2;

const f = Math.fround;

function put16(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >> 8) & 0xff;
}

function get16(b: Uint8Array, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}

function checkLength(n: number, what: string): void {
  if (n % QK_K !== 0) throw new RangeError(`${what}: the length ${n} is not a multiple of ${QK_K}`);
}

/**
 * The 6-bit scale and min of sub-block `j` (0..7) from q4_K's 12 packed bytes at `at` (ggml `get_scale_min_k4`):
 * j < 4: scale = q[j] & 63, min = q[j + 4] & 63; j >= 4: the low 4 bits come from q[j + 4] (scale low nibble, min
 * high nibble) and the top 2 bits from bits 6..7 of q[j - 4] (scale) and q[j] (min).
 */
export function q4KScaleMin(b: Uint8Array, at: number, j: number): { scale: number; min: number } {
  const q = (i: number): number => b[at + i] as number;
  if (j < 4) return { scale: q(j) & 63, min: q(j + 4) & 63 };
  return { scale: (q(j + 4) & 0xf) | ((q(j - 4) >> 6) << 4), min: (q(j + 4) >> 4) | ((q(j) >> 6) << 4) };
}

/** Packs eight 6-bit scales and mins into q4_K's 12 bytes (the inverse of `q4KScaleMin`). */
function packScaleMin(out: Uint8Array, at: number, sc: number[], mn: number[]): void {
  for (let j = 0; j < 4; j++) {
    out[at + j] = (sc[j] as number) | (((sc[j + 4] as number) >> 4) << 6);
    out[at + j + 4] = (mn[j] as number) | (((mn[j + 4] as number) >> 4) << 6);
    out[at + j + 8] = ((sc[j + 4] as number) & 0xf) | (((mn[j + 4] as number) & 0xf) << 4);
  }
}

/**
 * Decodes q4_K blocks as ggml's `dequantize_row_q4_K` does, in f32: for each 64-weight chunk c the sub-blocks 2c
 * (low nibbles of qs[32c .. 32c + 31]) and 2c + 1 (high nibbles), y = (d * scale) * q - (dmin * min).
 */
export function dequantizeQ4_K(bytes: Uint8Array): Float32Array {
  if (bytes.length % Q4_K_BYTES !== 0) throw new RangeError(`q4_K: ${bytes.length} bytes is not whole ${Q4_K_BYTES}-byte blocks`);
  const nb = bytes.length / Q4_K_BYTES;
  const y = new Float32Array(nb * QK_K);
  for (let i = 0; i < nb; i++) {
    const o = i * Q4_K_BYTES;
    const d = decodeFp16(get16(bytes, o));
    const dmin = decodeFp16(get16(bytes, o + 2));
    for (let c = 0; c < 4; c++) {
      const lo = q4KScaleMin(bytes, o + 4, 2 * c);
      const hi = q4KScaleMin(bytes, o + 4, 2 * c + 1);
      const d1 = f(d * lo.scale);
      const m1 = f(dmin * lo.min);
      const d2 = f(d * hi.scale);
      const m2 = f(dmin * hi.min);
      for (let l = 0; l < 32; l++) {
        const q = bytes[o + 16 + 32 * c + l] as number;
        y[i * QK_K + 64 * c + l] = f(f(d1 * (q & 0xf)) - m1);
        y[i * QK_K + 64 * c + 32 + l] = f(f(d2 * (q >> 4)) - m2);
      }
    }
  }
  return y;
}

/**
 * q4_K encoder (256 weights = 8 sub-blocks of 32, 144 bytes). Per sub-block: min = min(0, min x), scale =
 * (max - min) / 15; d = max scale / 63 and dmin = max(-min) / 63 (fp16), 6-bit scale/min codes round(scale / d)
 * and round(-min / dmin), then codes round((x + dmin * m) / (d * s)) clamped to 0..15. llama.cpp's reference
 * (`quantize_row_q4_K_ref`) searches scales iteratively (`make_qkx2_quants`), so its codes can differ from these;
 * the format, and so decoding, is the same bit for bit.
 */
export function quantizeQ4_K(x: Float32Array): QuantizeResult {
  checkLength(x.length, "q4_K");
  const nb = x.length / QK_K;
  const bytes = new Uint8Array(nb * Q4_K_BYTES);
  for (let i = 0; i < nb; i++) {
    const base = i * QK_K;
    const o = i * Q4_K_BYTES;
    const scales: number[] = [];
    const mins: number[] = [];
    for (let j = 0; j < 8; j++) {
      let lo = 0;
      let hi = 0;
      for (let l = 0; l < 32; l++) {
        const v = x[base + 32 * j + l] as number;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      scales.push((hi - lo) / 15);
      mins.push(-lo);
    }
    const d = decodeFp16(encodeFp16(Math.max(...scales) / 63));
    const dmin = decodeFp16(encodeFp16(Math.max(...mins) / 63));
    const sc = scales.map((s) => (d > 0 ? Math.max(0, Math.min(63, Math.ceil(s / d - 1e-6))) : 0));
    const mn = mins.map((m) => (dmin > 0 ? Math.max(0, Math.min(63, roundHalfEven(m / dmin))) : 0));
    put16(bytes, o, encodeFp16(d));
    put16(bytes, o + 2, encodeFp16(dmin));
    packScaleMin(bytes, o + 4, sc, mn);
    for (let j = 0; j < 8; j++) {
      const step = f(d * (sc[j] as number));
      const off = f(dmin * (mn[j] as number));
      for (let l = 0; l < 32; l++) {
        const q = step > 0 ? Math.max(0, Math.min(15, roundHalfEven(((x[base + 32 * j + l] as number) + off) / step))) : 0;
        const c = j >> 1;
        const at = o + 16 + 32 * c + l;
        bytes[at] = (bytes[at] as number) | (j & 1 ? q << 4 : q);
      }
    }
  }
  return { bytes, decoded: dequantizeQ4_K(bytes) };
}

/**
 * Decodes q6_K blocks as ggml's `dequantize_row_q6_K` does, in f32. Per 128-weight half h (ql += 64, qh += 32,
 * scales += 8 per half) and l in 0..31, with is = l / 16: weights l, l + 32, l + 64, l + 96 take the low nibble of
 * ql[l], low nibble of ql[l + 32], high nibble of ql[l], high nibble of ql[l + 32], each with bits 0-1, 2-3, 4-5,
 * 6-7 of qh[l] as bits 4-5, minus 32, times d * scales[is], [is + 2], [is + 4], [is + 6].
 */
export function dequantizeQ6_K(bytes: Uint8Array): Float32Array {
  if (bytes.length % Q6_K_BYTES !== 0) throw new RangeError(`q6_K: ${bytes.length} bytes is not whole ${Q6_K_BYTES}-byte blocks`);
  const nb = bytes.length / Q6_K_BYTES;
  const y = new Float32Array(nb * QK_K);
  for (let i = 0; i < nb; i++) {
    const o = i * Q6_K_BYTES;
    const d = decodeFp16(get16(bytes, o + 208));
    for (let h = 0; h < 2; h++) {
      const ql = o + 64 * h;
      const qh = o + 128 + 32 * h;
      const sc = o + 192 + 8 * h;
      const s = (k: number): number => ((bytes[sc + k] as number) << 24) >> 24;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const a = bytes[ql + l] as number;
        const b = bytes[ql + l + 32] as number;
        const hb = bytes[qh + l] as number;
        const q1 = ((a & 0xf) | ((hb & 3) << 4)) - 32;
        const q2 = ((b & 0xf) | (((hb >> 2) & 3) << 4)) - 32;
        const q3 = ((a >> 4) | (((hb >> 4) & 3) << 4)) - 32;
        const q4 = ((b >> 4) | (((hb >> 6) & 3) << 4)) - 32;
        const y0 = i * QK_K + 128 * h + l;
        y[y0] = f(f(d * s(is)) * q1);
        y[y0 + 32] = f(f(d * s(is + 2)) * q2);
        y[y0 + 64] = f(f(d * s(is + 4)) * q3);
        y[y0 + 96] = f(f(d * s(is + 6)) * q4);
      }
    }
  }
  return y;
}

/**
 * q6_K encoder (256 weights = 16 sub-blocks of 16, 210 bytes). Per sub-block scale = absmax / 31; d = max scale /
 * 127 (fp16), int8 scale codes round(scale / d), then codes round(x / (d * s)) clamped to -32..31, stored + 32.
 * llama.cpp's reference (`quantize_row_q6_K_ref`) searches scales (`make_qx_quants`), so its codes can differ; the
 * format, and so decoding, is the same bit for bit.
 */
export function quantizeQ6_K(x: Float32Array): QuantizeResult {
  checkLength(x.length, "q6_K");
  const nb = x.length / QK_K;
  const bytes = new Uint8Array(nb * Q6_K_BYTES);
  for (let i = 0; i < nb; i++) {
    const base = i * QK_K;
    const o = i * Q6_K_BYTES;
    const scales: number[] = [];
    for (let j = 0; j < 16; j++) {
      let amax = 0;
      for (let l = 0; l < 16; l++) amax = Math.max(amax, Math.abs(x[base + 16 * j + l] as number));
      scales.push(amax / 31);
    }
    const d = decodeFp16(encodeFp16(Math.max(...scales) / 127));
    const sc = scales.map((s) => (d > 0 ? Math.max(0, Math.min(127, roundHalfEven(s / d))) : 0));
    put16(bytes, o + 208, encodeFp16(d));
    for (let j = 0; j < 16; j++) bytes[o + 192 + j] = (sc[j] as number) & 0xff;
    for (let n = 0; n < QK_K; n++) {
      const j = n >> 4;
      const step = f(d * (sc[j] as number));
      const q = (step > 0 ? Math.max(-32, Math.min(31, roundHalfEven((x[base + n] as number) / step))) : 0) + 32;
      // Position of weight n: half h, quarter k (0..3 of l, l + 32, l + 64, l + 96), lane l.
      const h = n >> 7;
      const k = (n >> 5) & 3;
      const l = n & 31;
      const ql = o + 64 * h + l + (k & 1 ? 32 : 0);
      bytes[ql] = (bytes[ql] as number) | (k < 2 ? q & 0xf : (q & 0xf) << 4);
      const qh = o + 128 + 32 * h + l;
      bytes[qh] = (bytes[qh] as number) | ((q >> 4) << (2 * k));
    }
  }
  return { bytes, decoded: dequantizeQ6_K(bytes) };
}
