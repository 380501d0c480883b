// Turns one entry point and its launch directives into a run plan: every binding's layout, size, contents and role.
//
// The plan is what the GPU helper needs (buffers by group/binding, override constants, dispatch) plus what the
// checks need (element layouts to decode outputs, the `@check` specs with their tolerances). Anything that would
// make a run meaningless (an unsized storage buffer, a uniform field without a value, no `@dispatch`, a check of
// something that is not an output) is a problem located where the user has to fix it, never a silent default.
import { directiveScopeOf, directivesOf, launchOf } from "../analysis/kernelAnalysis";
import type { BindingSummary, KernelSummary } from "../analysis/kernels";
import type { SourceAnalysis } from "../analysis/sourceTypes";
import type { CoreDiagnostic } from "../diagnostic";
import { formatBytes } from "../format";
import { WEBGPU_DEFAULTS } from "../model/findings";
import type { Directive } from "../directives/directives";
import { evaluateDExpr, type DExpr, type Env } from "../directives/expr";
import { decodeFp16, encodeFp16 } from "../quant/minifloat";
import type { Expr, Span, ValueDecl } from "../wgsl/ast";
import { scalarSlot } from "../wgsl/lower";
import { alignOf, type ArrayType, derefType, roundUp, sizeOf, strideOf, typeToString, type WgslType } from "../wgsl/types";
import { type ScalarKind, writeScalarLE } from "./scalars";

export type { ScalarKind } from "./scalars";

/** One scalar of an element, at its byte offset inside the element (vectors, matrices and structs flatten to these). */
export interface ScalarLeaf {
  readonly offset: number;
  readonly scalar: ScalarKind;
}

/**
 * Where every scalar of a buffer lives. A buffer is an optional header (the members of a struct before its runtime
 * array) followed by `count` elements `stride` bytes apart, each made of `leaves`. Values are flattened in that
 * order, one number per scalar, padding skipped: the order the JavaScript references and `.npy` files use.
 */
export interface BufferLayout {
  readonly header: readonly ScalarLeaf[];
  /** Byte offset of element 0 (the runtime array's offset inside its struct; 0 for plain arrays). */
  readonly arrayOffset: number;
  readonly stride: number;
  readonly leaves: readonly ScalarLeaf[];
  readonly count: number;
  readonly sizeBytes: number;
}

/** Evaluated initializer of an input buffer. */
export type InitSpec =
  | { readonly kind: "random" | "randint"; readonly lo: number; readonly hi: number }
  | { readonly kind: "iota" }
  | { readonly kind: "const"; readonly value: number }
  | { readonly kind: "file"; readonly path: string }
  /** `[a, b, ...]`: every scalar of the buffer in order, padding skipped. */
  | { readonly kind: "list"; readonly values: readonly number[] };

export interface PlannedBinding {
  readonly name: string;
  readonly group: number;
  readonly binding: number;
  readonly kind: "storage-read" | "storage-read-write" | "uniform";
  /** `input` (initialised, read-only), `inout` (initialised, writable), `output` (no initializer: poisoned), `uniform`. */
  readonly role: "input" | "inout" | "output" | "uniform";
  /** The binding's type as WGSL prints it, e.g. `array<vec4<f32>>`. */
  readonly typeText: string;
  readonly layout: BufferLayout;
  /** The scalar type of the first scalar of an element: the one tolerances and the poison pattern follow. */
  readonly scalar: ScalarKind;
  /** Scalars per element (4 for vec4<f32>). */
  readonly components: number;
  readonly count: number;
  readonly sizeBytes: number;
  readonly init?: InitSpec;
  /** Uniform contents laid out by the struct layout, and the values as the kernel sees them (f32-rounded, wrapped). */
  readonly uniformBytes?: ArrayBuffer;
  readonly uniformValues?: Readonly<Record<string, number>>;
  /**
   * Set by `// @quantize NAME: q4_0|q8_0|int8|int4|e4m3`: the buffer's `@buffer NAME[COUNT]` count is the number of float
   * weights, generated as usual and then packed by the reference encoder; the binding (an `array<u32>`) holds the
   * packed bytes exactly as `RUN_QUANT_FORMATS` describes them, zero-padded to whole words, and `count`/`sizeBytes`
   * are its words.
   */
  readonly quantize?: QuantizeSpec;
  /** Name span of the declaration in the original text. */
  readonly span: Span;
  /** The `@buffer` / `@uniform` directive that gave the size or contents, if any. */
  readonly directiveSpan?: Span;
}

/**
 * The formats a run can upload: `weights` per block, `bytes` per block, and `header` bytes before the first block.
 * - q4_0, q8_0: ggml blocks exactly as ggml stores them (fp16 scale first in every block), no header.
 * - int8: per-tensor symmetric int8. Word 0 holds the tensor's scale as f32 bits (`bitcast<f32>(w[0])`); it is
 *   amax / 127 rounded to fp16 by the reference encoder (`quantizeIntGroups`, one group), so code * scale is exact
 *   in f32. Codes in [-127, 127] follow from word 1, four per u32 little-endian (weight 4k + i in bits 8i of word
 *   1 + k, two's complement): the layout `dot4I8Packed` and `unpack4xI8` read. Value = code * scale.
 * - e4m3: OCP fp8 E4M3 (bias 7, no infinity, 0x7F/0xFF NaN) from `encodeMinifloat`, round-to-nearest-even with
 *   saturation to +-448; four codes per u32 little-endian (weight 4k + i in bits 8i of word k), no scale.
 * - int4: per-group symmetric int4 (`// @quantize w: int4 group=G`, G default 128, a multiple of 8 dividing the
 *   count). Codes in [-7, 7] from `quantizeIntGroups` (bits 4, groupSize G) are stored offset by 8 (nibble = code
 *   + 8, 1..15), eight per u32 little-endian, low nibble first: weight 8k + i in bits 4i..4i+3 of word k. After the
 *   count / 8 code words come the count / G fp16 scales, two per u32 (group 2k in the low half of word
 *   count / 8 + k, group 2k + 1 in the high half, as `unpack2x16float` reads them). Value = (nibble - 8) * scale.
 * int8, e4m3 take any positive count, int4 a multiple of its group; the last word is zero-padded.
 */
export const RUN_QUANT_FORMATS = {
  q4_0: { weights: 32, bytes: 18, header: 0 },
  q8_0: { weights: 32, bytes: 34, header: 0 },
  int8: { weights: 1, bytes: 1, header: 4 },
  int4: { weights: 8, bytes: 4, header: 0 },
  e4m3: { weights: 1, bytes: 1, header: 0 },
} as const;
export type RunQuantFormat = keyof typeof RUN_QUANT_FORMATS;

export interface QuantizeSpec {
  readonly format: RunQuantFormat;
  /** Float weights before packing (the `@buffer` count). */
  readonly elements: number;
  /** Bytes the encoder returns (before padding to whole words). */
  readonly packedBytes: number;
  /** int4: weights per fp16 scale. */
  readonly group?: number;
}

/** Default `group=` of `@quantize NAME: int4`. */
export const RUN_INT4_DEFAULT_GROUP = 128;

export type PlannedReference = { readonly kind: "entry"; readonly name: string } | { readonly kind: "js"; readonly path: string };

export interface PlannedCheck {
  readonly output: string;
  readonly reference: PlannedReference;
  readonly rtol: number;
  readonly atol: number;
  /** Mismatches tolerated before the check fails (`maxMismatches=`; default 0). NaN and unwritten never are. */
  readonly maxMismatches: number;
  readonly span: Span;
}

export interface RunPlan {
  readonly entry: string;
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: readonly [number, number, number];
  /** Pipeline constants: the overrides this entry point uses, keyed as WebGPU wants (the `@id` when present). */
  readonly constants: Readonly<Record<string, number>>;
  /** Every override value in force (by name), for references. */
  readonly overrides: Readonly<Record<string, number>>;
  /** Every name the directives define (`@let`, overrides, numeric defines), for references. */
  readonly lets: Readonly<Record<string, number>>;
  readonly bindings: readonly PlannedBinding[];
  readonly checks: readonly PlannedCheck[];
}

export interface PlanOptions {
  /** Plan the `@check` directives too (default true; false when planning an entry that only serves as a reference). */
  readonly includeChecks?: boolean;
  /** Bytes a run may allocate for its buffers (each, and all together); DEFAULT_MEMORY_BUDGET when absent. */
  readonly memoryBudgetBytes?: number;
}

/** Bytes one run may allocate unless `KERNELLENS_GPU_MEMORY_BUDGET` says otherwise: 1 GiB. */
export const DEFAULT_MEMORY_BUDGET = 1024 * 1024 * 1024;

/** Bytes one run may allocate, from an environment's `KERNELLENS_GPU_MEMORY_BUDGET` (bytes), else 1 GiB. */
export function memoryBudget(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.KERNELLENS_GPU_MEMORY_BUDGET;
  const v = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : DEFAULT_MEMORY_BUDGET;
}

/**
 * Default tolerances when a `@check` gives none. f32 against a float64 reference: rtol 1e-5 (about 80 f32 ulps,
 * room for reassociated sums) and atol 1e-6 (results that should be near zero). f16 (10-bit mantissa, eps 9.8e-4):
 * rtol 1e-3, atol 1e-4. Integers compare exactly.
 */
export const DEFAULT_TOLERANCES: Readonly<Record<ScalarKind, { readonly rtol: number; readonly atol: number }>> = {
  f32: { rtol: 1e-5, atol: 1e-6 },
  f16: { rtol: 1e-3, atol: 1e-4 },
  i32: { rtol: 0, atol: 0 },
  u32: { rtol: 0, atol: 0 },
};

/** Scalars of one value of type `t` at `base`; a string says why the type cannot live in a host buffer. */
export function leavesOf(t: WgslType, base: number, out: ScalarLeaf[]): string | null {
  switch (t.kind) {
    case "scalar":
      if (t.name === "f32" || t.name === "f16" || t.name === "i32" || t.name === "u32") {
        out.push({ offset: base, scalar: t.name });
        return null;
      }
      return `${t.name} cannot be stored in a buffer`;
    case "atomic":
      return leavesOf(t.inner, base, out);
    case "vector": {
      const bytes = sizeOf(t.component) ?? 4;
      for (let i = 0; i < t.n; i++) {
        const r = leavesOf(t.component, base + i * bytes, out);
        if (r) return r;
      }
      return null;
    }
    case "matrix": {
      const colType: WgslType = { kind: "vector", n: t.rows, component: t.component };
      const colStride = roundUp(alignOf(colType) ?? 4, sizeOf(colType) ?? 4);
      for (let c = 0; c < t.cols; c++) {
        const r = leavesOf(colType, base + c * colStride, out);
        if (r) return r;
      }
      return null;
    }
    case "array": {
      if (typeof t.count !== "number") return "an array without a constant size can only be the last member of a buffer";
      const stride = strideOf(t);
      if (stride === null) return `the layout of ${typeToString(t.element)} is unknown`;
      for (let i = 0; i < t.count; i++) {
        const r = leavesOf(t.element, base + i * stride, out);
        if (r) return r;
      }
      return null;
    }
    case "struct":
      if (!t.layoutComplete) return `the layout of struct ${t.name} is unknown`;
      for (const m of t.members) {
        const r = leavesOf(m.type, base + m.offset, out);
        if (r) return r;
      }
      return null;
    default:
      return `${typeToString(t)} cannot be stored in a buffer`;
  }
}

/** The runtime-sized shape of a binding type: the array part and the header before it, or null for a fixed size. */
function runtimePart(t: WgslType): { headerMembers: { type: WgslType; offset: number }[]; array: ArrayType; arrayOffset: number; align: number } | null {
  if (t.kind === "array" && t.count === "runtime") return { headerMembers: [], array: t, arrayOffset: 0, align: alignOf(t) ?? 4 };
  if (t.kind === "struct" && t.runtimeSized) {
    const last = t.members[t.members.length - 1];
    const lt = last ? derefType(last.type) : undefined;
    if (last && lt && lt.kind === "array") {
      return { headerMembers: t.members.slice(0, -1).map((m) => ({ type: m.type, offset: m.offset })), array: lt, arrayOffset: last.offset, align: t.align };
    }
  }
  return null;
}

/** A 4-byte-multiple size: WebGPU maps and copies buffers in whole 32-bit words. */
function wordSize(n: number): number {
  return Math.max(4, Math.ceil(n / 4) * 4);
}

/** The type of the member `path` (`inner.shape`; empty for the whole) of a uniform's type, for messages. */
function leafType(t: WgslType, path: string): WgslType {
  let cur = t;
  for (const part of path === "" ? [] : path.split(".")) {
    const d = derefType(cur);
    const m = d.kind === "struct" ? d.members.find((x) => x.name === part) : undefined;
    if (!m) return cur;
    cur = m.type;
  }
  return cur;
}

/** The value a uniform scalar holds once written as `scalar` (what the kernel reads back). */
export function asStored(value: number, scalar: ScalarKind): number {
  switch (scalar) {
    case "f32":
      return Math.fround(value);
    case "f16":
      return decodeFp16(encodeFp16(value));
    case "i32":
      return Math.trunc(value) | 0;
    case "u32":
      return Math.trunc(value) >>> 0;
  }
}

/** Identifiers an expression names (for the overrides a `@workgroup_size` uses). */
function identsIn(e: Expr, out: Set<string>): void {
  const visit = (x: unknown): void => {
    if (!x || typeof x !== "object") return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === "ident" && o.name && typeof (o.name as { name?: unknown }).name === "string") out.add((o.name as { name: string }).name);
    for (const [k, v] of Object.entries(o)) if (k !== "span" && v && typeof v === "object") visit(v);
  };
  visit(e);
}

export interface PlanResult {
  /** Null when a problem of severity error makes the run impossible. */
  readonly plan: RunPlan | null;
  readonly problems: readonly CoreDiagnostic[];
}

/**
 * A storage binding re-planned to hold `format`'s packed bytes: its planned count is the number of float weights,
 * and it must be an `array<u32>` with a generator initializer. Returns the problem as a message otherwise.
 */
export function quantizedBinding(b: PlannedBinding, format: string, options: ReadonlyMap<string, number> = new Map()): PlannedBinding | string {
  if (!Object.hasOwn(RUN_QUANT_FORMATS, format)) return `@quantize ${b.name}: runs upload q4_0 and q8_0 (ggml blocks), int8 (per-tensor, f32 scale in word 0), int4 (per group=N, fp16 scales after the codes) and e4m3; '${format}' is not supported yet`;
  const f = RUN_QUANT_FORMATS[format as RunQuantFormat];
  const l = b.layout;
  if (l.header.length > 0 || l.stride !== 4 || l.leaves.length !== 1 || l.leaves[0]!.scalar !== "u32") return `@quantize ${b.name}: the buffer must be an array<u32> (it is ${b.typeText}) that receives the packed ${format} bytes`;
  if (!b.init || b.init.kind === "file") return `@quantize ${b.name}: give the float weights a generator, e.g. // @buffer ${b.name}[COUNT] = random(-1, 1)`;
  if (b.count <= 0 && f.weights === 1) return `@quantize ${b.name}: the count ${b.count} gives no weights to pack`;
  if (b.count <= 0 || b.count % f.weights !== 0) return `@quantize ${b.name}: ${format} packs blocks of ${f.weights} weights; the count ${b.count} is not a multiple of ${f.weights}`;
  let packedBytes = f.header + (b.count / f.weights) * f.bytes;
  let group: number | undefined;
  if (format === "int4") {
    group = options.get("group") ?? RUN_INT4_DEFAULT_GROUP;
    if (!Number.isInteger(group) || group <= 0 || group % 8 !== 0) return `@quantize ${b.name}: int4 group=${group} must be a positive multiple of 8`;
    if (b.count % group !== 0) return `@quantize ${b.name}: int4 group=${group}; the count ${b.count} is not a multiple of ${group}`;
    packedBytes += (b.count / group) * 2;
  }
  const words = Math.ceil(packedBytes / 4);
  return {
    ...b,
    layout: { ...l, count: words, sizeBytes: words * 4 },
    count: words,
    sizeBytes: words * 4,
    quantize: group === undefined ? { format: format as RunQuantFormat, elements: b.count, packedBytes } : { format: format as RunQuantFormat, elements: b.count, packedBytes, group },
  };
}

/** Plans a run of `kernel`. `given` holds `--let`/`--override` values that win over the directives. */
export function buildRunPlan(source: SourceAnalysis, kernel: KernelSummary, given: ReadonlyMap<string, number> = new Map(), options: PlanOptions = {}): PlanResult {
  const problems: CoreDiagnostic[] = [];
  const error = (code: string, message: string, span: Span): void => {
    problems.push({ severity: "error", code, message, span, source: "kernellens" });
  };
  const warning = (code: string, message: string, span: Span): void => {
    problems.push({ severity: "warning", code, message, span, source: "kernellens" });
  };
  const name = kernel.name;
  if (kernel.stage !== "compute") {
    error("run-not-compute", `'${name}' is a ${kernel.stage} entry point; only compute entry points can be run`, kernel.nameSpan);
    return { plan: null, problems };
  }

  const launch = launchOf(source, kernel, given);
  const directives = launch.directives;
  for (const p of launch.problems) if (p.severity === "error") problems.push(p);
  const env: Env = launch.env;

  // ---- Workgroup size and dispatch --------------------------------------------------------------------------------
  const entry = source.resolution.entryPoints.find((e) => e.name === name);
  const workgroupSize = launch.workgroupSize;
  if (!entry?.workgroupSize) {
    error("run-no-workgroup-size", `'${name}' has no @workgroup_size`, kernel.nameSpan);
  } else if (!workgroupSize) {
    const why = launch.unknowns.find((u) => u.what === "workgroup size")?.reason ?? "names an override without a value: give the override a default or add // @override NAME = VALUE";
    error("run-no-workgroup-size", `the workgroup size of '${name}' ${why.replace(/^it /, "")}`, kernel.nameSpan);
  }
  const dispatch = launch.dispatch ?? null;
  const perDimension = WEBGPU_DEFAULTS.maxComputeWorkgroupsPerDimension;
  if (dispatch && dispatch.some((x) => x > perDimension)) {
    // Checked here, before inputs are built, so the message points at the directive that asked for it.
    const at = [...directives].reverse().find((d) => d.kind === "dispatch");
    error("run-dispatch-limit", `a dispatch of ${dispatch.map((x) => x.toLocaleString("en-US")).join(" x ")} workgroups exceeds WebGPU's limit of ${perDimension.toLocaleString("en-US")} per dimension: use larger workgroups, a 2-D dispatch, or a loop inside the kernel`, at && at.kind === "dispatch" && at.dims.length > 0 ? { start: at.dims[0].start, end: at.dims[at.dims.length - 1].end } : kernel.nameSpan);
  }
  if (!dispatch && !launch.problems.some((p) => p.severity === "error")) {
    error("run-no-dispatch", `no // @dispatch for '${name}': add one above the entry point or at the top of the file, e.g. // @dispatch ceil(N / ${workgroupSize?.[0] ?? 64}) (the 'Add launch directives' code action on the entry point writes what the model inferred and assumed); a run uses only what the file states`, kernel.nameSpan);
  }

  // ---- Overrides ------------------------------------------------------------------------------------------------
  const overrideDecls = new Map<string, ValueDecl>();
  for (const d of source.module.decls) if (d.kind === "override") overrideDecls.set(d.name.name, d);
  const usedOverrides = new Set<string>((entry?.overridesUsed ?? []).map((s) => s.name));
  for (const e of entry?.workgroupSize ?? []) identsIn(e, usedOverrides);
  const constants: Record<string, number> = {};
  const overrides: Record<string, number> = {};
  for (const [k, v] of launch.overrides) {
    if (!overrideDecls.has(k)) continue;
    overrides[k] = v;
    if (!usedOverrides.has(k)) continue;
    // WebGPU keys a constant by its @id when the declaration has one, by its name otherwise.
    const idAttr = overrideDecls.get(k)!.attributes.find((a) => a.name.name === "id");
    const idArg = idAttr?.args[0];
    const id = idArg && idArg.kind === "literal" && typeof idArg.value === "number" ? String(idArg.value) : k;
    constants[id] = v;
  }
  for (const o of usedOverrides) {
    const decl = overrideDecls.get(o);
    if (decl && !decl.init && !launch.overrides.has(o)) {
      error("run-override-value", `override '${o}' has no default and no value: add // @override ${o} = VALUE`, decl.name.span);
    }
  }

  // ---- Bindings -------------------------------------------------------------------------------------------------
  const bufferDirectives = new Map<string, Extract<Directive, { kind: "buffer" }>>();
  const uniformDirectives = new Map<string, Extract<Directive, { kind: "uniform" }>>();
  for (const d of directives) {
    if (d.kind === "buffer") bufferDirectives.set(d.name.name, d);
    else if (d.kind === "uniform") uniformDirectives.set(d.name.name, d);
  }
  const value = (e: DExpr): number | undefined => {
    const v = evaluateDExpr(e, env);
    return typeof v === "number" ? v : undefined; // evaluateLaunch has already reported the error at the directive
  };

  const bindings: PlannedBinding[] = [];
  for (const b of kernel.bindings) {
    if (b.addressSpace === "workgroup" || b.addressSpace === "private") continue;
    if (b.addressSpace === "handle") {
      error("run-unsupported-binding", `'${b.name}' is a texture or sampler; runs support storage and uniform buffers only`, b.nameSpan);
      continue;
    }
    if (b.group === null || b.binding === null) {
      error("run-unbound", `'${b.name}' needs @group and @binding attributes to be bound`, b.nameSpan);
      continue;
    }
    const planned = b.addressSpace === "uniform" ? planUniform(b) : planStorage(b);
    if (planned) bindings.push(planned);
  }

  // ---- Quantized inputs -------------------------------------------------------------------------------------------
  for (const d of directives) {
    if (d.kind !== "quantize") continue;
    const at = bindings.findIndex((x) => x.name === d.name.name);
    if (at < 0) {
      // A file-level directive for a buffer another entry point has is not this entry's concern.
      if (!kernel.bindings.some((x) => x.name === d.name.name)) continue;
      error("run-quantize", `@quantize names '${d.name.name}', which is not a storage buffer '${name}' can read`, d.name.span);
      continue;
    }
    const q = quantizedBinding(bindings[at]!, d.format.name, d.options);
    if (typeof q === "string") error("run-quantize", q, d.span);
    else bindings[at] = q;
  }

  function planStorage(b: BindingSummary): PlannedBinding | null {
    const t = derefType(source.resolution.types.typeOfSymbol(b.symbol));
    const d = bufferDirectives.get(b.name);
    const rt = runtimePart(t);
    let header: ScalarLeaf[] = [];
    const leaves: ScalarLeaf[] = [];
    let count: number;
    let stride: number;
    let arrayOffset = 0;
    let sizeBytes: number;
    if (rt) {
      const element = rt.array.element;
      const s = strideOf(rt.array);
      const why = leavesOf(element, 0, leaves);
      if (why || s === null) {
        error("run-unsupported-type", `'${b.name}': ${why ?? "the element layout is unknown"}`, b.nameSpan);
        return null;
      }
      for (const m of rt.headerMembers) {
        const r = leavesOf(m.type, m.offset, header);
        if (r) {
          error("run-unsupported-type", `'${b.name}': ${r}`, b.nameSpan);
          return null;
        }
      }
      // A list without `[COUNT]` gives the count: its scalars after the header, a whole number of elements.
      const listed = !d?.count && d?.init?.kind === "list" ? (d.init.items.length - header.length) / leaves.length : undefined;
      if (listed !== undefined && (!Number.isInteger(listed) || listed < 1)) {
        error("run-buffer-size", `'${b.name}': the list gives ${d!.init!.kind === "list" ? d!.init!.items.length : 0} value(s), not ${header.length ? `${header.length} for the header and ` : ""}a whole number of ${typeToString(element)} elements of ${leaves.length} values each: write the count, // @buffer ${b.name}[COUNT] = [...]`, d!.init!.span);
        return null;
      }
      const c = d?.count ? value(d.count) : listed;
      if (c === undefined) {
        if (!d?.count) {
          const elem = typeToString(element);
          error("run-buffer-size", `'${b.name}' is a runtime-sized array<${elem}> with no element count: add // @buffer ${b.name}[COUNT]${b.accessMode === "read" ? " = random(-1, 1)" : ""}`, d ? d.name.span : b.nameSpan);
        }
        return null;
      }
      count = c;
      stride = s;
      arrayOffset = rt.arrayOffset;
      sizeBytes = wordSize(roundUp(rt.align, arrayOffset + count * stride));
    } else {
      // Fixed size: a fixed array is `count` elements of its element type; anything else is one element.
      if (t.kind === "array" && typeof t.count === "number" && strideOf(t) !== null) {
        const why = leavesOf(t.element, 0, leaves);
        if (why) {
          error("run-unsupported-type", `'${b.name}': ${why}`, b.nameSpan);
          return null;
        }
        count = t.count;
        stride = strideOf(t)!;
      } else {
        const why = leavesOf(t, 0, leaves);
        const size = sizeOf(t);
        if (why || size === null) {
          error("run-unsupported-type", `'${b.name}': ${why ?? `the size of ${typeToString(t)} is not known before the pipeline is created`}`, b.nameSpan);
          return null;
        }
        count = 1;
        stride = size;
      }
      sizeBytes = wordSize(count * stride);
      const c = d?.count ? value(d.count) : undefined;
      if (c !== undefined && c !== count) {
        warning("run-buffer-size", `'${b.name}' has a fixed size of ${count} element(s) (${typeToString(t)}); the count ${c} is ignored`, d!.count ? { start: d!.count.start, end: d!.count.end } : d!.name.span);
      }
      header = [];
    }
    const kind = b.accessMode === "read_write" ? "storage-read-write" : "storage-read";
    let init: InitSpec | undefined;
    const di = d?.init;
    if (di) {
      switch (di.kind) {
        case "random":
        case "randint": {
          const lo = value(di.lo);
          const hi = value(di.hi);
          if (lo === undefined || hi === undefined) return null;
          init = { kind: di.kind, lo, hi };
          break;
        }
        case "const": {
          const v = value(di.value);
          if (v === undefined) return null;
          init = { kind: "const", value: v };
          break;
        }
        case "iota":
          init = { kind: "iota" };
          break;
        case "file":
          init = { kind: "file", path: di.path };
          break;
        case "list": {
          const vs = di.items.map(value);
          if (vs.some((v) => v === undefined)) return null;
          const scalars = header.length + count * leaves.length;
          if (vs.length !== scalars) {
            error("run-buffer-size", `'${b.name}' holds ${scalars.toLocaleString("en-US")} value(s) (${header.length ? `a header of ${header.length} and ` : ""}${count.toLocaleString("en-US")} x ${leaves.length}); the list gives ${vs.length}`, di.span);
            return null;
          }
          init = { kind: "list", values: vs as number[] };
          break;
        }
      }
    }
    if (!init && kind === "storage-read") {
      error("run-input-contents", `'${b.name}' is read-only but has no contents: give it an initializer, e.g. // @buffer ${b.name}${rt ? "[COUNT]" : ""} = random(-1, 1)`, d ? d.span : b.nameSpan);
      return null;
    }
    const all = [...header, ...leaves];
    return {
      name: b.name,
      group: b.group!,
      binding: b.binding!,
      kind,
      role: init ? (kind === "storage-read" ? "input" : "inout") : "output",
      typeText: typeToString(t),
      layout: { header, arrayOffset, stride, leaves, count, sizeBytes },
      scalar: (leaves[0] ?? all[0])?.scalar ?? "u32",
      components: leaves.length,
      count,
      sizeBytes,
      init,
      span: b.nameSpan,
      directiveSpan: d?.span,
    };
  }

  function planUniform(b: BindingSummary): PlannedBinding | null {
    const t = derefType(source.resolution.types.typeOfSymbol(b.symbol));
    const d = uniformDirectives.get(b.name);
    const size = sizeOf(t);
    if (size === null) {
      error("run-unsupported-type", `'${b.name}': the layout of ${typeToString(t)} is unknown`, b.nameSpan);
      return null;
    }
    // Uniform buffers are bound in 16-byte units on some backends; the extra bytes are never read.
    const sizeBytes = roundUp(16, size);
    const bytes = new ArrayBuffer(sizeBytes);
    const view = new DataView(bytes);
    const values: Record<string, number> = {};
    const given = new Map<string, { v: number | undefined; span: Span }>();
    for (const f of d?.fields ?? []) given.set(f.name.name, { v: value(f.expr), span: f.name.span });
    // The directive's names for each scalar (lower.ts scalarSlot, the names the analysis reads them by), grouped
    // by what one `name: value` sets: a scalar member, or a whole vector, matrix or array member given as a list.
    const leaves: ScalarLeaf[] = [];
    const why = leavesOf(t, 0, leaves);
    if (why) {
      error("run-unsupported-type", `'${b.name}': ${why}`, b.nameSpan);
      return null;
    }
    const groups = new Map<string, { leaves: { leaf: ScalarLeaf; field: string }[]; list: boolean }>();
    for (const leaf of leaves) {
      const slot = scalarSlot(t, leaf.offset);
      if (!slot || slot.path === undefined) {
        error("run-unsupported-type", `uniform '${b.name}' holds an array of structs; @uniform sets scalars, structs and vectors, matrices or arrays of scalars only`, d?.span ?? b.nameSpan);
        return null;
      }
      const field = slot.path === "" ? "value" : slot.path;
      const key = slot.list ? slot.list.member : field;
      const g = groups.get(key) ?? { leaves: [], list: slot.list !== undefined };
      g.leaves.push({ leaf, field });
      groups.set(key, g);
    }
    const label = (key: string): string => (key === "" ? `'${b.name}'` : `'${b.name}.${key}'`);
    if (!d) {
      const example =
        t.kind === "struct"
          ? `{ ${t.members.map((m) => `${m.name}: VALUE`).join(", ")} }`
          : t.kind === "scalar" || t.kind === "atomic" ? "VALUE" : `[${leaves.map(() => "VALUE").join(", ")}]`;
      error("run-uniform-value", `uniform '${b.name}' has no values: add // @uniform ${b.name} = ${example}`, b.nameSpan);
      return null;
    }
    let ok = true;
    const used = new Set<string>();
    for (const [key, g] of groups) {
      // A list member given one value (`v: 0.25`) has it in every component.
      const whole = g.list ? given.get(key || "value") : undefined;
      if (whole) used.add(key || "value");
      const got = g.leaves.map((x) => {
        used.add(x.field);
        return given.get(x.field) ?? whole;
      });
      const missing = got.filter((x) => x === undefined).length;
      if (missing === g.leaves.length) {
        const member = key === "" ? "" : key.split(".").pop()!;
        const what = g.list ? `[${g.leaves.map(() => "VALUE").join(", ")}]` : "VALUE";
        error("run-uniform-value", `uniform '${b.name}' has no value for ${key === "" ? "its contents" : `field '${key}'`}: add ${member === "" ? `'= ${what}'` : `'${member}: ${what}'`} to its // @uniform line`, d.name.span);
        ok = false;
        continue;
      }
      const listed = [...given.keys()].filter((k) => k.startsWith(`${key}[`) && k.slice(key.length).match(/^\[\d+\]$/));
      if (missing > 0 || listed.length > g.leaves.length) {
        const first = given.get(listed[0] ?? key) ?? { span: d.name.span };
        error("run-uniform-value", `uniform ${label(key)} holds ${g.leaves.length} value(s) (${typeToString(derefType(leafType(t, key)))}); the list gives ${listed.length}`, first.span);
        ok = false;
        continue;
      }
      if (got.some((x) => x!.v === undefined)) {
        ok = false;
        continue;
      }
      g.leaves.forEach((x, i) => writeScalarLE(view, x.leaf.offset, x.leaf.scalar, got[i]!.v!));
      if (whole) values[key || "value"] = asStored(whole.v!, g.leaves[0].leaf.scalar);
      else g.leaves.forEach((x, i) => (values[x.field] = asStored(got[i]!.v!, x.leaf.scalar)));
    }
    for (const [field, g] of given) {
      if (!used.has(field) && !listedBeyond(field)) {
        warning("run-uniform-field", `uniform '${b.name}' (${typeToString(t)}) has no field '${field}'${t.kind === "struct" ? ` (fields: ${t.members.map((m) => m.name).join(", ")})` : ""}`, g.span);
      }
    }
    if (!ok) return null;
    return {
      name: b.name,
      group: b.group!,
      binding: b.binding!,
      kind: "uniform",
      role: "uniform",
      typeText: typeToString(t),
      layout: { header: [], arrayOffset: 0, stride: sizeBytes, leaves, count: 1, sizeBytes },
      scalar: leaves[0]?.scalar ?? "u32",
      components: leaves.length,
      count: 1,
      sizeBytes,
      uniformBytes: bytes,
      uniformValues: values,
      span: b.nameSpan,
      directiveSpan: d.span,
    };

    /** A list item past a member's end, already reported as a wrong length. */
    function listedBeyond(field: string): boolean {
      const m = /^(.*)\[\d+\]$/.exec(field);
      return m !== null && groups.get(m[1])?.list === true;
    }
  }

  // ---- Checks ---------------------------------------------------------------------------------------------------
  const checks: PlannedCheck[] = [];
  if (options.includeChecks !== false) {
    const entryNames = new Set(source.kernels.filter((k) => k.stage === "compute").map((k) => k.name));
    const fileLevel = new Set<Directive>(directiveScopeOf(source).file);
    for (const d of directives) {
      if (d.kind !== "check") continue;
      // A file-level check whose reference is this very entry point is the reference's own run: nothing to compare.
      if (d.reference.kind === "entry" && d.reference.name.name === name) continue;
      const out = bindings.find((x) => x.name === d.output.name);
      const writable = bindings.filter((x) => x.role === "output" || x.role === "inout").map((x) => x.name);
      // A check at the top of the file applies to the entry points that have that output; the others skip it.
      if (!out && fileLevel.has(d) && !kernel.bindings.some((x) => x.name === d.output.name)) continue;
      if (!out) {
        const isBinding = kernel.bindings.some((x) => x.name === d.output.name);
        error(
          "run-check-output",
          isBinding
            ? `@check names '${d.output.name}', which '${name}' cannot write${writable.length ? ` (outputs: ${writable.join(", ")})` : ""}`
            : `@check names '${d.output.name}', which is not a buffer of '${name}'${writable.length ? ` (outputs: ${writable.join(", ")})` : ""}`,
          d.output.span,
        );
        continue;
      }
      if (out.role !== "output" && out.role !== "inout") {
        error("run-check-output", `@check names '${d.output.name}', which is read-only in '${name}'${writable.length ? ` (outputs: ${writable.join(", ")})` : ""}`, d.output.span);
        continue;
      }
      if (d.reference.kind === "entry" && !entryNames.has(d.reference.name.name)) {
        error("run-check-reference", `no compute entry point named '${d.reference.name.name}' to compare with${entryNames.size ? ` (compute entry points: ${[...entryNames].join(", ")})` : ""}`, d.reference.name.span);
        continue;
      }
      const defaults = DEFAULT_TOLERANCES[out.scalar];
      checks.push({
        output: out.name,
        reference: d.reference.kind === "entry" ? { kind: "entry", name: d.reference.name.name } : { kind: "js", path: d.reference.path },
        rtol: d.options.get("rtol") ?? defaults.rtol,
        atol: d.options.get("atol") ?? defaults.atol,
        maxMismatches: Math.max(0, Math.floor(d.options.get("maxMismatches") ?? 0)),
        span: d.span,
      });
    }
  }

  // ---- Memory budget ----------------------------------------------------------------------------------------------
  // Checked before anything is allocated: the host builds each input in memory before the GPU helper sees it.
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
  let total = 0;
  for (const b of bindings) {
    total += b.sizeBytes;
    if (Number.isSafeInteger(b.sizeBytes) && b.sizeBytes <= budget) continue;
    const d = bufferDirectives.get(b.name);
    error(
      "run-buffer-too-large",
      `'${b.name}' needs ${Number.isFinite(b.sizeBytes) ? formatBytes(b.sizeBytes) : "an unbounded size"} (${b.count.toLocaleString("en-US")} elements of ${b.layout.stride} bytes), more than the run's memory budget of ${formatBytes(budget)}: lower its // @buffer count, or raise the budget with KERNELLENS_GPU_MEMORY_BUDGET (bytes)`,
      d?.count ? { start: d.count.start, end: d.count.end } : b.span,
    );
  }
  if (total > budget && !problems.some((p) => p.code === "run-buffer-too-large")) {
    error("run-buffer-too-large", `the buffers of '${name}' need ${formatBytes(total)} together, more than the run's memory budget of ${formatBytes(budget)}: lower the // @buffer counts, or raise the budget with KERNELLENS_GPU_MEMORY_BUDGET (bytes)`, kernel.nameSpan);
  }

  if (problems.some((p) => p.severity === "error") || !workgroupSize || !dispatch) return { plan: null, problems };
  return {
    plan: {
      entry: name,
      workgroupSize,
      dispatch,
      constants,
      overrides,
      lets: Object.fromEntries(env),
      bindings,
      checks,
    },
    problems,
  };
}

/** The entry points a run covers by default: compute entries with a `@dispatch`, except those only used as references. */
export function defaultRunEntries(source: SourceAnalysis): string[] {
  const withLaunch: string[] = [];
  const references = new Set<string>();
  for (const k of source.kernels) {
    if (k.stage !== "compute") continue;
    const directives = directivesOf(source, k.name);
    // A @dispatch that fails to evaluate still marks an entry meant to run: the run then reports why.
    if (!directives.some((d) => d.kind === "dispatch")) continue;
    withLaunch.push(k.name);
    for (const d of directives) if (d.kind === "check" && d.reference.kind === "entry" && d.reference.name.name !== k.name) references.add(d.reference.name.name);
  }
  const main = withLaunch.filter((n) => !references.has(n));
  return main.length > 0 ? main : withLaunch;
}
