// Compares a kernel's output with a reference and checks every output element was written: numbers and messages.
//
// An element matches when |got - want| <= atol + rtol * |want| (numpy.isclose's rule). Non-finite values follow
// stricter rules, because a NaN slipping through is the classic silent failure: where the reference is finite, a
// NaN or infinity never passes (not even under maxMismatches); where the reference is NaN, only NaN matches; an
// infinite reference matches only the same infinity. Outputs are filled with a poison pattern before every run,
// so an element the kernel never wrote still holds it afterwards and is reported as unwritten, not as a wrong value.
import { forEachScalar, scalarCount } from "./inputs";
import type { BufferLayout } from "./plan";
import { SCALAR_BYTES, type ScalarKind } from "./scalars";

export interface MismatchSample {
  readonly index: number;
  readonly got: number;
  readonly want: number;
}

/** The result of one check of one output (run/api's `RunOutcome.checks` holds these). */
export interface CheckOutcome {
  readonly output: string;
  /** `entry:NAME` or `js:./ref.mjs`, or `written` for the check that every output element was written. */
  readonly reference: string;
  readonly passed: boolean;
  readonly elements: number;
  readonly maxAbsError: number;
  readonly relL2Error: number;
  /**
   * Signal-to-quantization-noise ratio in decibels, 10·log10(Σref² / Σ(out−ref)²) over the elements where both are
   * finite (unwritten elements left out). `null` when it is undefined or infinite: the reference is all zeros, or the
   * output matches exactly (the message then says `SQNR exact`; Infinity would not survive JSON). Absent on checks
   * that compare no values (the `written` check) and on records from before it existed.
   */
  readonly sqnrDb?: number | null;
  readonly mismatches: number;
  readonly firstMismatches: readonly MismatchSample[];
  readonly nan: number;
  readonly inf: number;
  /** Elements still holding the poison pattern after the run (never written). */
  readonly unwritten: number;
  readonly rtol: number;
  readonly atol: number;
  readonly message: string;
  /** Set when the check could not run: `untrusted` (a JavaScript reference in an untrusted workspace). */
  readonly skipped?: "untrusted";
}

/** Samples of mismatching (or unwritten) elements kept for the report. */
export const MISMATCH_SAMPLES = 8;

/**
 * The 32-bit pattern outputs are filled with before each run. Floats get a quiet NaN with a payload no arithmetic
 * produces (GPUs return the canonical 0x7FC00000), so a NaN the kernel computed is told apart from one never
 * written; f16 the same idea in both halves of the word; integers 0xDEADBEEF.
 */
export function poisonPattern(scalar: ScalarKind): number {
  switch (scalar) {
    case "f32":
      return 0x7fc0dead;
    case "f16":
      return 0x7e5a7e5a;
    default:
      return 0xdeadbeef;
  }
}

/** Per scalar (flat order), 1 where the bytes still equal the poison pattern (repeated every 4 bytes from byte 0). */
export function unwrittenMask(layout: BufferLayout, bytes: ArrayBuffer, pattern: number): { readonly mask: Uint8Array; readonly count: number } {
  const mask = new Uint8Array(scalarCount(layout));
  const data = new Uint8Array(bytes);
  const p = [pattern & 0xff, (pattern >>> 8) & 0xff, (pattern >>> 16) & 0xff, (pattern >>> 24) & 0xff];
  let count = 0;
  // Fast path: every scalar a 4-byte word back to back from byte 0 (array<f32>, array<vec4<u32>>, ...).
  const words = layout.header.length === 0 && layout.arrayOffset === 0 && layout.leaves.every((l, i) => SCALAR_BYTES[l.scalar] === 4 && l.offset === i * 4) && layout.stride === layout.leaves.length * 4;
  if (words && bytes.byteLength >= mask.length * 4) {
    const w = new Uint32Array(bytes, 0, mask.length);
    const pat = pattern >>> 0;
    for (let k = 0; k < w.length; k++) {
      if (w[k] === pat) {
        mask[k] = 1;
        count++;
      }
    }
    return { mask, count };
  }
  forEachScalar(layout, (k, offset, scalar) => {
    const n = SCALAR_BYTES[scalar];
    if (offset + n > data.length) return;
    for (let i = 0; i < n; i++) if (data[offset + i] !== p[(offset + i) & 3]) return;
    mask[k] = 1;
    count++;
  });
  return { mask, count };
}

// ---- Formatting -------------------------------------------------------------------------------------------------

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** A number for a message: short and exact enough to compare by eye (8 significant digits, exponent when tiny). */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e7) return String(Number(x.toPrecision(8)));
  const [m, e] = x.toExponential(7).split("e");
  return `${m.replace(/\.?0+$/, "")}e${Number(e)}`;
}

/** `[17]`, or `[17] (element 4, component 1)` when elements have several scalars. */
export function formatIndex(index: number, components = 1, headerScalars = 0): string {
  if (index < headerScalars) return `[${index}] (struct header)`;
  if (components <= 1) return `[${index}]`;
  const k = index - headerScalars;
  return `[${index}] (element ${Math.floor(k / components)}, component ${k % components})`;
}

// ---- Comparison -------------------------------------------------------------------------------------------------

export interface CompareInput {
  readonly output: string;
  /** `entry:NAME` or `js:./ref.mjs`. */
  readonly reference: string;
  /** The output, decoded, one number per scalar in flat order. */
  readonly got: ArrayLike<number>;
  readonly want: ArrayLike<number>;
  readonly rtol: number;
  readonly atol: number;
  readonly maxMismatches?: number;
  /** Scalars per element and in the struct header, for readable indices. */
  readonly components?: number;
  readonly headerScalars?: number;
  /** Per scalar, 1 where the output still holds the poison pattern. */
  readonly unwritten?: Uint8Array | null;
}

/**
 * 10·log10(Σref² / Σ(out−ref)²) in dB, or null where it is undefined (an all-zero reference) or infinite (no error
 * at all). Higher is better: each bit of a uniform quantizer is worth about 6.02 dB.
 */
export function sqnrDb(sumSqRef: number, sumSqDiff: number): number | null {
  if (!(sumSqRef > 0) || !(sumSqDiff > 0) || !Number.isFinite(sumSqRef) || !Number.isFinite(sumSqDiff)) return null;
  return 10 * Math.log10(sumSqRef / sumSqDiff);
}

export function compareOutput(input: CompareInput): CheckOutcome {
  const { got, want, rtol, atol, output } = input;
  const maxMismatches = input.maxMismatches ?? 0;
  const n = Math.min(got.length, want.length);
  const samples: MismatchSample[] = [];
  let mismatches = 0;
  let badNonFinite = 0;
  let nan = 0;
  let inf = 0;
  let unwritten = 0;
  let maxAbs = 0;
  let sumSqDiff = 0;
  let sumSqRef = 0;
  let firstNonFinite: MismatchSample | undefined;
  let firstUnwritten: number | undefined;
  const mask = input.unwritten;
  for (let i = 0; i < n; i++) {
    const g = got[i];
    const w = want[i];
    if (mask && mask[i]) {
      unwritten++;
      mismatches++;
      firstUnwritten ??= i;
      if (samples.length < MISMATCH_SAMPLES) samples.push({ index: i, got: g, want: w });
      continue;
    }
    let ok: boolean;
    if (Number.isNaN(g)) nan++;
    else if (!Number.isFinite(g)) inf++;
    if (Number.isNaN(w)) ok = Number.isNaN(g);
    else if (!Number.isFinite(w)) ok = g === w;
    else if (!Number.isFinite(g)) {
      ok = false;
      badNonFinite++;
      firstNonFinite ??= { index: i, got: g, want: w };
    } else {
      const diff = Math.abs(g - w);
      if (diff > maxAbs) maxAbs = diff;
      sumSqDiff += diff * diff;
      sumSqRef += w * w;
      ok = diff <= atol + rtol * Math.abs(w);
    }
    if (!ok) {
      mismatches++;
      if (samples.length < MISMATCH_SAMPLES) samples.push({ index: i, got: g, want: w });
    }
  }
  const relL2 = sumSqRef > 0 ? Math.sqrt(sumSqDiff / sumSqRef) : sumSqDiff === 0 ? 0 : Infinity;
  const sqnr = sqnrDb(sumSqRef, sumSqDiff);
  const tooLong = want.length > got.length;
  const passed = !tooLong && unwritten === 0 && badNonFinite === 0 && mismatches <= maxMismatches && n > 0;

  const idx = (i: number): string => formatIndex(i, input.components ?? 1, input.headerScalars ?? 0);
  const tol = `atol ${formatNumber(atol)}, rtol ${formatNumber(rtol)}`;
  const sqnrText = sqnr !== null ? `, SQNR ${sqnr.toFixed(2)} dB` : sumSqRef > 0 && Number.isFinite(sumSqRef) && sumSqDiff === 0 ? ", SQNR exact" : "";
  const errors = `max abs error ${formatNumber(maxAbs)}, rel L2 error ${formatNumber(relL2)}${sqnrText}`;
  const parts: string[] = [];
  if (tooLong) parts.push(`the reference has ${formatCount(want.length)} values but '${output}' holds ${formatCount(got.length)}`);
  if (n === 0 && !tooLong) parts.push(`nothing to compare: the reference returned no values`);
  if (unwritten > 0) parts.push(`${formatCount(unwritten)} of ${formatCount(n)} elements never written (still the poison value); first at ${idx(firstUnwritten!)}`);
  if (badNonFinite > 0 && firstNonFinite) {
    parts.push(`${formatCount(badNonFinite)} NaN or infinite value(s) where the reference is finite; first at ${idx(firstNonFinite.index)}: got ${formatNumber(firstNonFinite.got)}, want ${formatNumber(firstNonFinite.want)}`);
  }
  const wrong = mismatches - unwritten - badNonFinite;
  if (wrong > 0) {
    const first = samples.find((s) => !(mask && mask[s.index]) && Number.isFinite(s.got)) ?? samples.find((s) => !(mask && mask[s.index]));
    const within = passed ? `, within maxMismatches=${maxMismatches}` : "";
    parts.push(`${formatCount(wrong)} of ${formatCount(n)} elements differ${within}${first ? `; first at ${idx(first.index)}: got ${formatNumber(first.got)}, want ${formatNumber(first.want)}` : ""} (${tol})`);
  }
  const coverage = want.length < got.length ? `; the reference covers the first ${formatCount(want.length)} of ${formatCount(got.length)} elements` : "";
  const message = passed
    ? `${output}: ${wrong > 0 ? parts.join("; ") : `all ${formatCount(n)} elements match`} (${errors}; ${tol})${coverage}`
    : `${output}: ${parts.join("; ")}; ${errors}${coverage}`;
  return {
    output,
    reference: input.reference,
    passed,
    elements: n,
    maxAbsError: maxAbs,
    relL2Error: relL2,
    sqnrDb: sqnr,
    mismatches,
    firstMismatches: samples,
    nan,
    inf,
    unwritten,
    rtol,
    atol,
    message,
  };
}

/** The check that every element of an output was written: fails with the first indices still holding the poison. */
export function checkWritten(output: string, layout: BufferLayout, bytes: ArrayBuffer, pattern: number, decoded?: ArrayLike<number>): CheckOutcome {
  const { mask, count } = unwrittenMask(layout, bytes, pattern);
  const n = mask.length;
  const samples: MismatchSample[] = [];
  for (let k = 0; k < n && samples.length < MISMATCH_SAMPLES; k++) if (mask[k]) samples.push({ index: k, got: decoded ? decoded[k] : NaN, want: NaN });
  let nan = 0;
  let inf = 0;
  if (decoded) {
    for (let k = 0; k < n; k++) {
      if (mask[k]) continue;
      const v = decoded[k];
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) inf++;
    }
  }
  const components = layout.leaves.length;
  const headerScalars = layout.header.length;
  // The first index says which element and component it is; the rest stay short.
  const list = samples.map((s, i) => (i === 0 ? formatIndex(s.index, components, headerScalars) : `[${s.index}]`)).join(", ");
  const message =
    count === 0
      ? `${output}: every one of ${formatCount(n)} elements was written`
      : `${output}: ${formatCount(count)} of ${formatCount(n)} elements were never written (they still hold the poison pattern 0x${(pattern >>> 0).toString(16).toUpperCase()}); first at ${list}${count > samples.length ? ", ..." : ""}`;
  return {
    output,
    reference: "written",
    passed: count === 0,
    elements: n,
    maxAbsError: 0,
    relL2Error: 0,
    mismatches: count,
    firstMismatches: samples,
    nan,
    inf,
    unwritten: count,
    rtol: 0,
    atol: 0,
    message,
  };
}
