// Reference ggml k-quant blocks (q2_K, q3_K, q4_K, q5_K, q6_K): bit-exact decoders of the block layouts and simple absmax-based encoders.
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

/** Bytes of one q5_K block: fp16 d, fp16 dmin, 12 bytes of 6-bit scales/mins, 32 bytes of 5th bits, 128 bytes of nibbles. */
export const Q5_K_BYTES = 2 + 2 + 12 + QK_K / 8 + QK_K / 2;
/** Bytes of one q3_K block: 32 bytes hmask (3rd bits), 64 bytes of 2-bit lows, 12 bytes of 6-bit scales, fp16 d. */
export const Q3_K_BYTES = QK_K / 8 + QK_K / 4 + 12 + 2;
/** Bytes of one q2_K block: 16 bytes of 4-bit scale | 4-bit min, 64 bytes of 2-bit codes, fp16 d, fp16 dmin. */
export const Q2_K_BYTES = QK_K / 16 + QK_K / 4 + 2 + 2;

function checkBlocks(n: number, size: number, what: string): number {
  if (n % size !== 0) throw new RangeError(`${what}: ${n} bytes is not whole ${size}-byte blocks`);
  return n / size;
}

/**
 * Decodes q5_K blocks as ggml's `dequantize_row_q5_K` does, in f32: like q4_K (qs at byte 48), with the 5th bit of
 * weight 64c + l from bit 2c of qh[l] (byte 16 + l) and of weight 64c + 32 + l from bit 2c + 1.
 */
export function dequantizeQ5_K(bytes: Uint8Array): Float32Array {
  const nb = checkBlocks(bytes.length, Q5_K_BYTES, "q5_K");
  const y = new Float32Array(nb * QK_K);
  for (let i = 0; i < nb; i++) {
    const o = i * Q5_K_BYTES;
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
        const q = bytes[o + 48 + 32 * c + l] as number;
        const h = bytes[o + 16 + l] as number;
        y[i * QK_K + 64 * c + l] = f(f(d1 * ((q & 0xf) + ((h >> (2 * c)) & 1 ? 16 : 0))) - m1);
        y[i * QK_K + 64 * c + 32 + l] = f(f(d2 * ((q >> 4) + ((h >> (2 * c + 1)) & 1 ? 16 : 0))) - m2);
      }
    }
  }
  return y;
}

/**
 * q5_K encoder (256 weights = 8 sub-blocks of 32, 176 bytes): as `quantizeQ4_K` with codes 0..31 (scale = (max -
 * min) / 31). llama.cpp's reference (`quantize_row_q5_K_ref`) searches scales iteratively (`make_qkx2_quants`), so
 * its codes can differ from these; the format, and so decoding, is the same bit for bit.
 */
export function quantizeQ5_K(x: Float32Array): QuantizeResult {
  checkLength(x.length, "q5_K");
  const nb = x.length / QK_K;
  const bytes = new Uint8Array(nb * Q5_K_BYTES);
  for (let i = 0; i < nb; i++) {
    const base = i * QK_K;
    const o = i * Q5_K_BYTES;
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
      scales.push((hi - lo) / 31);
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
        const q = step > 0 ? Math.max(0, Math.min(31, roundHalfEven(((x[base + 32 * j + l] as number) + off) / step))) : 0;
        const at = o + 48 + 32 * (j >> 1) + l;
        bytes[at] = (bytes[at] as number) | (j & 1 ? (q & 0xf) << 4 : q & 0xf);
        bytes[o + 16 + l] = (bytes[o + 16 + l] as number) | ((q >> 4) << j);
      }
    }
  }
  return { bytes, decoded: dequantizeQ5_K(bytes) };
}

/**
 * The 6-bit code (0..63, scale + 32) of q3_K sub-block `k` (0..15) from the 12 bytes at `at`, as ggml's kmask
 * unpacking: low 4 bits from byte k & 7 (low nibble for k < 8, high for k >= 8), top 2 bits from bits 2 * (k >> 2)
 * of byte 8 + (k & 3).
 */
export function q3KScale(b: Uint8Array, at: number, k: number): number {
  const low = ((b[at + (k & 7)] as number) >> (k < 8 ? 0 : 4)) & 0xf;
  const high = ((b[at + 8 + (k & 3)] as number) >> (2 * (k >> 2))) & 3;
  return low | (high << 4);
}

/**
 * Decodes q3_K blocks as ggml's `dequantize_row_q3_K` does, in f32. Weight 128h + 32j + 16s + l (h 0..1, j 0..3,
 * s 0..1, l 0..15) uses sub-block scale 8h + 2j + s (6-bit code - 32), bits 2j..2j+1 of qs[32h + 16s + l] (byte 32
 * on) and bit 4h + j of hmask[16s + l]; a clear hmask bit subtracts 4: y = (d * (scale - 32)) * (q - (bit ? 0 : 4)).
 */
export function dequantizeQ3_K(bytes: Uint8Array): Float32Array {
  const nb = checkBlocks(bytes.length, Q3_K_BYTES, "q3_K");
  const y = new Float32Array(nb * QK_K);
  for (let i = 0; i < nb; i++) {
    const o = i * Q3_K_BYTES;
    const d = decodeFp16(get16(bytes, o + 108));
    for (let h = 0; h < 2; h++) {
      for (let j = 0; j < 4; j++) {
        for (let s = 0; s < 2; s++) {
          const dl = f(d * (q3KScale(bytes, o + 96, 8 * h + 2 * j + s) - 32));
          for (let l = 0; l < 16; l++) {
            const q = ((bytes[o + 32 + 32 * h + 16 * s + l] as number) >> (2 * j)) & 3;
            const hb = ((bytes[o + 16 * s + l] as number) >> (4 * h + j)) & 1;
            y[i * QK_K + 128 * h + 32 * j + 16 * s + l] = f(dl * (q - (hb ? 0 : 4)));
          }
        }
      }
    }
  }
  return y;
}

/**
 * q3_K encoder (256 weights = 16 sub-blocks of 16, 110 bytes), symmetric: per sub-block the value m of largest
 * magnitude gives scale = -m / 4 (so m takes code -4); d = max |scale| / 31 (fp16), signed scale codes round(scale
 * / d) in -31..31 (stored + 32), then codes round(x / (d * s)) clamped to -4..3. llama.cpp's reference
 * (`quantize_row_q3_K_ref`) searches scales (`make_q3_quants`, `make_qx_quants`), so its codes can differ; the
 * format, and so decoding, is the same bit for bit.
 */
export function quantizeQ3_K(x: Float32Array): QuantizeResult {
  checkLength(x.length, "q3_K");
  const nb = x.length / QK_K;
  const bytes = new Uint8Array(nb * Q3_K_BYTES);
  for (let i = 0; i < nb; i++) {
    const base = i * QK_K;
    const o = i * Q3_K_BYTES;
    const scales: number[] = [];
    for (let k = 0; k < 16; k++) {
      let m = 0;
      for (let l = 0; l < 16; l++) {
        const v = x[base + 16 * k + l] as number;
        if (Math.abs(v) > Math.abs(m)) m = v;
      }
      scales.push(-m / 4);
    }
    const d = decodeFp16(encodeFp16(Math.max(...scales.map(Math.abs)) / 31));
    const sc = scales.map((s) => (d > 0 ? Math.max(-31, Math.min(31, roundHalfEven(s / d))) : 0));
    put16(bytes, o + 108, encodeFp16(d));
    for (let k = 0; k < 16; k++) {
      const code = (sc[k] as number) + 32;
      bytes[o + 96 + (k & 7)] = (bytes[o + 96 + (k & 7)] as number) | ((code & 0xf) << (k < 8 ? 0 : 4));
      bytes[o + 104 + (k & 3)] = (bytes[o + 104 + (k & 3)] as number) | ((code >> 4) << (2 * (k >> 2)));
    }
    for (let n = 0; n < QK_K; n++) {
      const h = n >> 7;
      const j = (n >> 5) & 3;
      const s = (n >> 4) & 1;
      const l = n & 15;
      const step = f(d * (sc[n >> 4] as number));
      const v = step !== 0 ? Math.max(-4, Math.min(3, roundHalfEven((x[base + n] as number) / step))) : 0;
      const u = v + 4;
      const qs = o + 32 + 32 * h + 16 * s + l;
      bytes[qs] = (bytes[qs] as number) | ((u & 3) << (2 * j));
      const hm = o + 16 * s + l;
      bytes[hm] = (bytes[hm] as number) | ((u >> 2) << (4 * h + j));
    }
  }
  return { bytes, decoded: dequantizeQ3_K(bytes) };
}

/**
 * Decodes q2_K blocks as ggml's `dequantize_row_q2_K` does, in f32. Weight 128h + 32j + 16s + l (h 0..1, j 0..3,
 * s 0..1, l 0..15) uses scales byte k = 8h + 2j + s (low nibble scale, high nibble min) and bits 2j..2j+1 of
 * qs[32h + 16s + l] (byte 16 on): y = (d * scale) * q - (dmin * min).
 */
export function dequantizeQ2_K(bytes: Uint8Array): Float32Array {
  const nb = checkBlocks(bytes.length, Q2_K_BYTES, "q2_K");
  const y = new Float32Array(nb * QK_K);
  for (let i = 0; i < nb; i++) {
    const o = i * Q2_K_BYTES;
    const d = decodeFp16(get16(bytes, o + 80));
    const dmin = decodeFp16(get16(bytes, o + 82));
    for (let h = 0; h < 2; h++) {
      for (let j = 0; j < 4; j++) {
        for (let s = 0; s < 2; s++) {
          const sc = bytes[o + 8 * h + 2 * j + s] as number;
          const dl = f(d * (sc & 0xf));
          const ml = f(dmin * (sc >> 4));
          for (let l = 0; l < 16; l++) {
            const q = ((bytes[o + 16 + 32 * h + 16 * s + l] as number) >> (2 * j)) & 3;
            y[i * QK_K + 128 * h + 32 * j + 16 * s + l] = f(f(dl * q) - ml);
          }
        }
      }
    }
  }
  return y;
}

/**
 * q2_K encoder (256 weights = 16 sub-blocks of 16, 84 bytes). Per sub-block: min = min(0, min x), scale = (max -
 * min) / 3; d = max scale / 15 and dmin = max(-min) / 15 (fp16), 4-bit scale/min codes, then codes round((x +
 * dmin * m) / (d * s)) clamped to 0..3. llama.cpp's reference (`quantize_row_q2_K_ref`) searches scales iteratively
 * (`make_qkx2_quants`), so its codes can differ from these; the format, and so decoding, is the same bit for bit.
 */
export function quantizeQ2_K(x: Float32Array): QuantizeResult {
  checkLength(x.length, "q2_K");
  const nb = x.length / QK_K;
  const bytes = new Uint8Array(nb * Q2_K_BYTES);
  for (let i = 0; i < nb; i++) {
    const base = i * QK_K;
    const o = i * Q2_K_BYTES;
    const scales: number[] = [];
    const mins: number[] = [];
    for (let k = 0; k < 16; k++) {
      let lo = 0;
      let hi = 0;
      for (let l = 0; l < 16; l++) {
        const v = x[base + 16 * k + l] as number;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      scales.push((hi - lo) / 3);
      mins.push(-lo);
    }
    const d = decodeFp16(encodeFp16(Math.max(...scales) / 15));
    const dmin = decodeFp16(encodeFp16(Math.max(...mins) / 15));
    const sc = scales.map((s) => (d > 0 ? Math.max(0, Math.min(15, Math.ceil(s / d - 1e-6))) : 0));
    const mn = mins.map((m) => (dmin > 0 ? Math.max(0, Math.min(15, roundHalfEven(m / dmin))) : 0));
    put16(bytes, o + 80, encodeFp16(d));
    put16(bytes, o + 82, encodeFp16(dmin));
    for (let k = 0; k < 16; k++) bytes[o + k] = (sc[k] as number) | ((mn[k] as number) << 4);
    for (let n = 0; n < QK_K; n++) {
      const k = n >> 4;
      const step = f(d * (sc[k] as number));
      const off = f(dmin * (mn[k] as number));
      const q = step > 0 ? Math.max(0, Math.min(3, roundHalfEven(((x[base + n] as number) + off) / step))) : 0;
      const at = o + 16 + 32 * (n >> 7) + 16 * ((n >> 4) & 1) + (n & 15);
      bytes[at] = (bytes[at] as number) | (q << (2 * ((n >> 5) & 3)));
    }
  }
  return { bytes, decoded: dequantizeQ2_K(bytes) };
}
