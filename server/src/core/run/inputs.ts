// Materialises a run's input buffers from their initializers: seeded generators, constants, iota and files.
//
// The generator is counter-based so every value depends only on (seed, buffer name, flat scalar index): adding a
// buffer, reordering bindings or growing N never changes the values other buffers (or the first N scalars) get, and
// a JavaScript reference can regenerate any value it needs. Per scalar k of buffer b:
//   s = hash(seed, b) + (k + 1) * 0x9E3779B9 (mod 2^32, a Weyl sequence), w1 = fmix32(s), w2 = fmix32(s ^ 0x6A09E667),
//   u = w1 / 2^32 + (w2 >>> 11) / 2^53, uniform in [0, 1) with 53 random bits,
// where fmix32 is MurmurHash3's 32-bit finaliser and hash(seed, b) = fmix32(FNV-1a(b) ^ fmix32(seed)).
// `random(lo, hi)` gives lo + u (hi - lo) (then rounded to the element type); `randint(lo, hi)` gives
// ceil(lo) + floor(u (floor(hi) - ceil(lo) + 1)), both ends inclusive; `random` on an integer buffer behaves as
// `randint`. Reading `file(...)` contents is I/O, so it is injected; this module stays pure.
import type { CoreDiagnostic } from "../diagnostic";
import { quantize } from "../quant/formats";
import { decodeFp16 } from "../quant/minifloat";
import type { Span } from "../wgsl/ast";
import type { BufferLayout, InitSpec, PlannedBinding, RunQuantFormat } from "./plan";
import { readScalarLE, SCALAR_BYTES, type ScalarKind, writeScalarLE } from "./scalars";

export const DEFAULT_SEED = 0x4b4c; // "KL": runs are reproducible unless a seed is given

// ---- The generator ----------------------------------------------------------------------------------------------

/** MurmurHash3's 32-bit finaliser: a bijective mix where every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Seed of one buffer's stream: FNV-1a of its name mixed with the run's seed. */
export function bufferSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32((h ^ fmix32(seed >>> 0)) >>> 0);
}

/** The k-th uniform number in [0, 1) of a stream. */
export function uniformAt(streamSeed: number, k: number): number {
  const s = (streamSeed + Math.imul(k + 1, 0x9e3779b9)) >>> 0;
  return fmix32(s) * 2 ** -32 + (fmix32((s ^ 0x6a09e667) >>> 0) >>> 11) * 2 ** -53;
}

// ---- Layout walking ---------------------------------------------------------------------------------------------

/** Scalars a buffer holds (header scalars, then every element's). */
export function scalarCount(layout: BufferLayout): number {
  return layout.header.length + layout.count * layout.leaves.length;
}

/** Calls `f(flatIndex, byteOffset, scalar)` for every scalar of the buffer, in flat order. */
export function forEachScalar(layout: BufferLayout, f: (k: number, offset: number, scalar: ScalarKind) => void): void {
  let k = 0;
  for (const h of layout.header) f(k++, h.offset, h.scalar);
  const { leaves, stride, arrayOffset, count } = layout;
  for (let i = 0; i < count; i++) {
    const base = arrayOffset + i * stride;
    for (const leaf of leaves) f(k++, base + leaf.offset, leaf.scalar);
  }
}

/** The one scalar type of every scalar of the buffer, or null when it mixes types (a struct of f32 and u32). */
export function uniformScalar(layout: BufferLayout): ScalarKind | null {
  const all = [...layout.header, ...layout.leaves];
  if (all.length === 0) return null;
  return all.every((l) => l.scalar === all[0].scalar) ? all[0].scalar : null;
}

/** True when the scalars lie back to back from byte 0 (no header, no padding): typed arrays can be used directly. */
function isPacked(layout: BufferLayout): boolean {
  if (layout.header.length > 0 || layout.arrayOffset !== 0) return false;
  const s = uniformScalar(layout);
  if (!s) return false;
  const b = SCALAR_BYTES[s];
  return layout.stride === layout.leaves.length * b && layout.leaves.every((l, i) => l.offset === i * b);
}

/** Every scalar of a buffer as a number, flat (header, then elements; padding skipped). */
export function decodeScalars(layout: BufferLayout, bytes: ArrayBuffer): Float64Array {
  const n = scalarCount(layout);
  const out = new Float64Array(n);
  if (bytes.byteLength < layout.sizeBytes) {
    // A short read-back is a helper bug; decode what is there and leave the rest NaN so a check fails loudly.
    out.fill(NaN);
  }
  const packed = isPacked(layout) ? uniformScalar(layout) : null;
  if (packed === "f32" && bytes.byteLength >= n * 4) {
    out.set(new Float32Array(bytes, 0, n));
    return out;
  }
  const view = new DataView(bytes);
  forEachScalar(layout, (k, offset, scalar) => {
    if (offset + SCALAR_BYTES[scalar] <= bytes.byteLength) out[k] = readScalarLE(view, offset, scalar);
  });
  return out;
}

/**
 * A buffer's values as the typed array a JavaScript reference gets: Float32Array for f32 and f16 (decoded),
 * Int32Array, Uint32Array; Float64Array when a struct mixes types. Always a copy, so a reference cannot change
 * the inputs of a later run.
 */
export function referenceArray(layout: BufferLayout, bytes: ArrayBuffer): Float32Array | Int32Array | Uint32Array | Float64Array {
  const s = uniformScalar(layout);
  const n = scalarCount(layout);
  if (s && isPacked(layout) && s !== "f16" && bytes.byteLength >= n * 4) {
    const copy = bytes.slice(0, n * 4);
    return s === "f32" ? new Float32Array(copy) : s === "i32" ? new Int32Array(copy) : new Uint32Array(copy);
  }
  const values = decodeScalars(layout, bytes);
  if (s === "f32" || s === "f16") return Float32Array.from(values);
  if (s === "i32") return Int32Array.from(values);
  if (s === "u32") return Uint32Array.from(values);
  return values;
}

// ---- Generators -------------------------------------------------------------------------------------------------

export type GeneratedInput = { readonly data: ArrayBuffer } | { readonly error: string };

/** Contents of a buffer from a generator initializer (not `file`). */
export function generate(layout: BufferLayout, init: Exclude<InitSpec, { kind: "file" }>, name: string, seed: number = DEFAULT_SEED): GeneratedInput {
  const data = new ArrayBuffer(layout.sizeBytes);
  const view = new DataView(data);
  const stream = bufferSeed(seed, name);
  const isInt = (s: ScalarKind): boolean => s === "i32" || s === "u32";
  let intLo = 0;
  let intSpan = 0;
  if (init.kind === "randint" || init.kind === "random") {
    intLo = Math.ceil(init.lo);
    intSpan = Math.floor(init.hi) - intLo + 1;
    const needsInt = init.kind === "randint" || [...layout.header, ...layout.leaves].some((l) => isInt(l.scalar));
    if (needsInt && intSpan < 1) return { error: `${init.kind}(${init.lo}, ${init.hi}) contains no whole number for the integer elements of '${name}'` };
  }
  // The plan checks a list's length; a mismatch here is a caller's bug, said rather than padded.
  if (init.kind === "list" && init.values.length !== scalarCount(layout)) return { error: `'${name}' holds ${scalarCount(layout)} value(s); the list gives ${init.values.length}` };
  const packedF32 = isPacked(layout) && uniformScalar(layout) === "f32";
  if (packedF32 && init.kind === "random") {
    // The common case (an array of f32) without a DataView call per element.
    const f = new Float32Array(data, 0, scalarCount(layout));
    const span = init.hi - init.lo;
    for (let k = 0; k < f.length; k++) f[k] = init.lo + uniformAt(stream, k) * span;
    return { data };
  }
  forEachScalar(layout, (k, offset, scalar) => {
    let v: number;
    switch (init.kind) {
      case "random":
        v = isInt(scalar) ? intLo + Math.floor(uniformAt(stream, k) * intSpan) : init.lo + uniformAt(stream, k) * (init.hi - init.lo);
        break;
      case "randint":
        v = intLo + Math.floor(uniformAt(stream, k) * intSpan);
        break;
      case "iota":
        v = k;
        break;
      case "const":
        v = init.value;
        break;
      case "list":
        v = init.values[k] ?? 0;
        break;
    }
    writeScalarLE(view, offset, scalar, v);
  });
  return { data };
}

// ---- Files ------------------------------------------------------------------------------------------------------

export interface NpyArray {
  readonly descr: string;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  /** The raw little-endian data after the header. */
  readonly data: Uint8Array;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 10 && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

/** Parses a NumPy `.npy` file (format versions 1, 2 and 3): the header dictionary and the data that follows. */
export function parseNpy(bytes: Uint8Array): NpyArray | { readonly error: string } {
  if (!isNpy(bytes)) return { error: "not a .npy file (the \\x93NUMPY magic is missing)" };
  const major = bytes[6];
  if (major < 1 || major > 3) return { error: `unsupported .npy format version ${major}.${bytes[7]}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : -1;
  const start = major === 1 ? 10 : 12;
  if (headerLen < 0 || start + headerLen > bytes.length) return { error: "the .npy header is cut short" };
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) return { error: `the .npy header is not a dictionary with descr, fortran_order and shape: ${header.trim()}` };
  const dims = shape[1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => Number(s.replace(/L$/, "")));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) return { error: `the .npy shape (${shape[1]}) is not a tuple of whole numbers` };
  return { descr: descr[1], shape: dims, fortranOrder: fortran[1] === "True", data: bytes.subarray(start + headerLen) };
}

const NPY_DTYPES: Readonly<Record<ScalarKind, string>> = { f32: "<f4", f16: "<f2", i32: "<i4", u32: "<u4" };

function fmtCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Places `packed` scalars (back to back, little-endian) into the buffer's layout. */
function placePacked(layout: BufferLayout, packed: Uint8Array, scalar: ScalarKind): ArrayBuffer {
  const data = new ArrayBuffer(layout.sizeBytes);
  const dst = new Uint8Array(data);
  const b = SCALAR_BYTES[scalar];
  if (isPacked(layout)) dst.set(packed.subarray(0, scalarCount(layout) * b));
  else forEachScalar(layout, (k, offset) => dst.set(packed.subarray(k * b, k * b + b), offset));
  return data;
}

/** Room for a `.npy` file's header: version 1 allows up to 64 KiB, and numpy writes a few hundred bytes. */
export const NPY_HEADER_ALLOWANCE = 64 * 1024 + 16;

/** The largest file a buffer of this layout can be filled from: its bytes, plus a `.npy` header. */
export function maxFileBytes(layout: BufferLayout): number {
  return layout.sizeBytes + NPY_HEADER_ALLOWANCE;
}

/**
 * Contents of a buffer from a file's bytes: a `.npy` array whose dtype matches the element type and whose size is
 * the buffer's scalar count (C order), or a raw little-endian file of either the buffer's exact byte size or its
 * scalars packed back to back.
 */
export function fromFile(layout: BufferLayout, name: string, path: string, bytes: Uint8Array): GeneratedInput {
  const scalar = uniformScalar(layout);
  const n = scalarCount(layout);
  const typeName = scalar ?? "mixed";
  if (isNpy(bytes)) {
    const npy = parseNpy(bytes);
    if ("error" in npy) return { error: `${path}: ${npy.error}` };
    if (!scalar) return { error: `${path}: '${name}' mixes scalar types, which one .npy dtype cannot hold; use a raw file of ${fmtCount(layout.sizeBytes)} bytes` };
    if (npy.fortranOrder) return { error: `${path}: the array is in Fortran order; save it in C order (numpy.ascontiguousarray) ` };
    const want = NPY_DTYPES[scalar];
    if (npy.descr !== want) {
      const swapped = npy.descr.startsWith(">") ? " (big-endian: save it little-endian with .astype('" + want + "'))" : "";
      return { error: `${path}: dtype '${npy.descr}' does not match '${name}' (${scalar}, dtype '${want}')${swapped}` };
    }
    const elements = npy.shape.reduce((a, b) => a * b, 1);
    if (elements !== n) {
      return { error: `${path}: shape (${npy.shape.join(", ")}) holds ${fmtCount(elements)} values; '${name}' needs ${fmtCount(n)} (${fmtCount(layout.count)} x ${layout.leaves.length} ${scalar})` };
    }
    if (npy.data.length < n * SCALAR_BYTES[scalar]) return { error: `${path}: the data is cut short: ${fmtCount(npy.data.length)} bytes for ${fmtCount(n)} values of ${SCALAR_BYTES[scalar]} bytes` };
    return { data: placePacked(layout, npy.data, scalar) };
  }
  if (bytes.length === layout.sizeBytes) {
    const data = new ArrayBuffer(layout.sizeBytes);
    new Uint8Array(data).set(bytes);
    return { data };
  }
  if (scalar && bytes.length === n * SCALAR_BYTES[scalar]) return { data: placePacked(layout, bytes, scalar) };
  const packedNote = scalar && n * SCALAR_BYTES[scalar] !== layout.sizeBytes ? ` or ${fmtCount(n * SCALAR_BYTES[scalar])} (the ${scalar} values packed)` : "";
  return { error: `${path}: ${fmtCount(bytes.length)} bytes; '${name}' needs ${fmtCount(layout.sizeBytes)}${packedNote} (${fmtCount(layout.count)} x ${typeName} element(s) of ${layout.stride} bytes)` };
}

// ---- Quantized inputs -------------------------------------------------------------------------------------------

export interface QuantizedInput {
  /** What is uploaded: the encoder's bytes, zero-padded to the binding's size (whole u32 words, little-endian). */
  readonly data: ArrayBuffer;
  /** The float weights as generated (what a float reference multiplies), and what the packed bytes decode to. */
  readonly float: Float32Array;
  readonly dequant: Float32Array;
}

/**
 * The bytes a run uploads for `format` (layouts in `RUN_QUANT_FORMATS`) and what they decode to. q4_0, q8_0 and
 * e4m3 are the reference encoder's bytes as they are; int8 is `quantizeIntGroups` with one group (fp16 scale, then
 * the codes), re-laid out as an f32 scale in word 0 followed by the codes from byte 4.
 */
function packForRun(format: RunQuantFormat, x: Float32Array, group: number): { bytes: Uint8Array; decoded: Float32Array } {
  if (format === "int4") return packInt4(x, group);
  if (format !== "int8") return quantize(format, x);
  const q = quantize("int8", x);
  const bytes = new Uint8Array(4 + x.length);
  new DataView(bytes.buffer).setFloat32(0, decodeFp16(q.bytes[0]! | (q.bytes[1]! << 8)), true);
  bytes.set(q.bytes.subarray(2, 2 + x.length), 4);
  return { bytes, decoded: q.decoded };
}

/**
 * int4 for runs: `quantizeIntGroups` (4 bits, symmetric, `group` weights per fp16 scale) re-laid out as all the
 * codes first (offset by 8, eight nibbles per u32, low nibble first), then the fp16 scales, two per u32.
 */
function packInt4(x: Float32Array, group: number): { bytes: Uint8Array; decoded: Float32Array } {
  const q = quantize("int4", x, { groupSize: group });
  const per = 2 + group / 2;
  const ng = x.length / group;
  const codeBytes = x.length / 2;
  const bytes = new Uint8Array(codeBytes + 2 * ng);
  for (let g = 0; g < ng; g++) {
    const src = g * per;
    bytes[codeBytes + 2 * g] = q.bytes[src]!;
    bytes[codeBytes + 2 * g + 1] = q.bytes[src + 1]!;
    for (let k = 0; k < group / 2; k++) {
      const pair = q.bytes[src + 2 + k]!;
      // Two's complement nibbles (low first) to offset-8 nibbles: flipping bit 3 adds 8 modulo 16.
      bytes[(g * group) / 2 + k] = pair ^ 0x88;
    }
  }
  return { bytes, decoded: q.decoded };
}

/**
 * Contents of a `@quantize`d binding: `spec.elements` floats generated from the initializer exactly as an
 * `array<f32>` buffer of that name would get them, then packed with the reference encoder.
 */
export function quantizedInput(b: PlannedBinding, seed: number = DEFAULT_SEED): QuantizedInput | { readonly error: string } {
  const spec = b.quantize;
  if (!spec) return { error: `'${b.name}' is not quantized` };
  if (!b.init || b.init.kind === "file") return { error: `'${b.name}': a quantized buffer needs a generator initializer` };
  const n = spec.elements;
  const floatLayout: BufferLayout = { header: [], arrayOffset: 0, stride: 4, leaves: [{ offset: 0, scalar: "f32" }], count: n, sizeBytes: n * 4 };
  const made = generate(floatLayout, b.init, b.name, seed);
  if ("error" in made) return made;
  const float = new Float32Array(made.data);
  let q: { bytes: Uint8Array; decoded: Float32Array };
  try {
    q = packForRun(spec.format, float, spec.group ?? float.length);
  } catch (e) {
    return { error: `'${b.name}': ${e instanceof Error ? e.message : String(e)}` };
  }
  if (q.bytes.length > b.sizeBytes) return { error: `'${b.name}': ${q.bytes.length} packed bytes do not fit the ${b.sizeBytes}-byte buffer` };
  const data = new ArrayBuffer(b.sizeBytes);
  new Uint8Array(data).set(q.bytes);
  return { data, float, dequant: q.decoded };
}

// ---- All inputs of a plan ---------------------------------------------------------------------------------------

export interface InputOptions {
  readonly seed?: number;
  /**
   * Reads the file a `file("...")` initializer names, relative to the kernel file; the core does no I/O. `maxBytes`
   * is the most the buffer can take (its size plus a `.npy` header): a larger file is refused unread.
   */
  readonly readFile?: (path: string, maxBytes: number) => Uint8Array | { readonly error: string };
}

/**
 * Contents of every initialised buffer of a plan, by name (outputs get none: the helper poisons them). Problems
 * are located at the buffer's `@buffer` directive.
 */
export function materializeInputs(bindings: readonly PlannedBinding[], options: InputOptions = {}): { buffers: Map<string, ArrayBuffer>; problems: CoreDiagnostic[] } {
  const buffers = new Map<string, ArrayBuffer>();
  const problems: CoreDiagnostic[] = [];
  const fail = (b: PlannedBinding, message: string): void => {
    const span: Span = b.directiveSpan ?? b.span;
    problems.push({ severity: "error", code: "run-input", message, span, source: "kernellens" });
  };
  for (const b of bindings) {
    if (b.kind === "uniform") {
      if (b.uniformBytes) buffers.set(b.name, b.uniformBytes);
      continue;
    }
    if (!b.init) continue;
    let result: GeneratedInput;
    if (b.quantize) {
      const q = quantizedInput(b, options.seed ?? DEFAULT_SEED);
      result = "error" in q ? q : { data: q.data };
    } else if (b.init.kind === "file") {
      if (!options.readFile) {
        fail(b, `'${b.name}' reads ${b.init.path}, but files cannot be read here`);
        continue;
      }
      const bytes = options.readFile(b.init.path, maxFileBytes(b.layout));
      result = "error" in bytes ? { error: `${b.init.path}: ${bytes.error}` } : fromFile(b.layout, b.name, b.init.path, bytes);
    } else {
      result = generate(b.layout, b.init, b.name, options.seed ?? DEFAULT_SEED);
    }
    if ("error" in result) fail(b, result.error);
    else buffers.set(b.name, result.data);
  }
  return { buffers, problems };
}
