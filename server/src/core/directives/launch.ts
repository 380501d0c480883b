// Works out which directives apply to each entry point and evaluates them into a launch configuration.
//
// A directive applies to every entry point when it stands before the first declaration of the file, and to one
// entry point when its comment block stands directly above that function (attributes may come between). CLI flags
// (`--let N=4096`) win over both.
import type { CoreDiagnostic } from "../diagnostic";
import type { Span } from "../wgsl/ast";
import { type Directive } from "./directives";
import { type DExpr, type Env, evaluateDExpr } from "./expr";

export interface ScopedDirectives {
  /** Directives for all entry points. */
  readonly file: readonly Directive[];
  /** Directives written directly above an entry point, by entry name. */
  readonly byEntry: ReadonlyMap<string, readonly Directive[]>;
  /** Directives that apply to nothing (neither at the top nor above an entry point). */
  readonly floating: readonly Directive[];
}

export interface EntryAnchor {
  readonly name: string;
  /** Original-text spans of the function (with attributes) and of its name. */
  readonly span: Span;
  readonly nameSpan: Span;
}

/** Skips whitespace and comments from `pos`; returns the offset of the next code character. */
export function nextCodeOffset(text: string, pos: number): number {
  let i = pos;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (text.startsWith("//", i)) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith("/*", i)) {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text.startsWith("/*", i)) { depth++; i += 2; }
        else if (text.startsWith("*/", i)) { depth--; i += 2; }
        else i++;
      }
    } else break;
  }
  return i;
}

const ATTRIBUTES_THEN_FN = /^(?:\s*@\s*\w+\s*(?:\((?:[^()]|\([^()]*\))*\))?)*\s*fn\s+$/;

export function scopeDirectives(text: string, directives: readonly Directive[], entries: readonly EntryAnchor[], firstDeclStart: number | undefined): ScopedDirectives {
  const file: Directive[] = [];
  const byEntry = new Map<string, Directive[]>();
  const floating: Directive[] = [];
  for (const d of directives) {
    const next = nextCodeOffset(text, d.span.end);
    const entry = entries.find((e) => next >= e.span.start && next <= e.nameSpan.start && ATTRIBUTES_THEN_FN.test(text.slice(next, e.nameSpan.start)));
    if (entry) {
      const list = byEntry.get(entry.name) ?? [];
      list.push(d);
      byEntry.set(entry.name, list);
    } else if (firstDeclStart === undefined || d.span.end <= firstDeclStart) {
      file.push(d);
    } else {
      floating.push(d);
    }
  }
  return { file, byEntry, floating };
}

/** The directives in force for one entry point: the file's, then the entry's own (which win). */
export function directivesFor(scoped: ScopedDirectives, entry: string): Directive[] {
  return [...scoped.file, ...(scoped.byEntry.get(entry) ?? [])];
}

export interface LaunchValues {
  /** Every name the expressions may use: @let values, override values, sweep parameters (first value). */
  readonly env: Env;
  readonly dispatch: readonly [number, number, number] | undefined;
  /** CUDA's `@block`: threads per block, for kernels whose launch decides it. */
  readonly block?: readonly [number, number, number];
  /** CUDA's `@smem`: dynamic shared memory per block, in bytes. */
  readonly smem?: number;
  /** Values of `override`, CUDA's `@arg` and `@template` lines (and override defaults), by name. */
  readonly overrides: ReadonlyMap<string, number>;
  /** `values`: what a `= [a, b, ...]` list gives, every scalar in order (undefined where one does not evaluate). */
  readonly buffers: ReadonlyMap<string, { readonly count: number | undefined; readonly directive: Extract<Directive, { kind: "buffer" }>; readonly values?: readonly (number | undefined)[] }>;
  /** Texture sizes in texels (width, height, depth; missing dimensions are 1) and stated texel formats. */
  readonly textures: ReadonlyMap<string, { readonly size: readonly [number, number, number]; readonly format: string | undefined }>;
  readonly problems: readonly CoreDiagnostic[];
}

/** Default values of WGSL `override` declarations, where they are constants. */
export type OverrideDefaults = ReadonlyMap<string, number | undefined>;

/**
 * Evaluates the directives that apply to an entry point, in order. A `@define NAME=value` with a numeric value is a
 * name too. `given` (CLI `--let` / `--override`) wins over
 * directives with the same name. Problems carry the span of the offending part of the directive.
 */
export function evaluateLaunch(
  directives: readonly Directive[],
  overrideDefaults: OverrideDefaults,
  given: ReadonlyMap<string, number> = new Map(),
  /** Names known before any directive, such as numeric preprocessor defines. */
  base: ReadonlyMap<string, number> = new Map(),
): LaunchValues {
  const env = new Map<string, number>(base);
  const overrides = new Map<string, number>();
  const problems: CoreDiagnostic[] = [];
  for (const [k, v] of overrideDefaults) if (v !== undefined) { env.set(k, v); overrides.set(k, v); }
  const report = (code: string, message: string, span: Span, severity: "error" | "warning" = "error"): void => {
    problems.push({ severity, code, message, span, source: "kernellens" });
  };
  const evaluate = (e: DExpr, offsetBase = 0): number | undefined => {
    const v = evaluateDExpr(e, env);
    if (typeof v === "number") return v;
    const known = [...env.keys()];
    const hint = v.message.startsWith("unknown name") ? (known.length ? ` (known: ${known.join(", ")})` : " (define it with // @let NAME = value)") : "";
    report("directive-value", `${v.message}${hint}`, { start: v.start + offsetBase, end: v.end + offsetBase });
    return undefined;
  };
  /** Up to three whole, positive sizes (x, y, z; missing ones are 1), or undefined with the problem reported. */
  const extents = (dims: readonly DExpr[], what: string, unit: string): [number, number, number] | undefined => {
    const out: number[] = [];
    for (const e of dims) {
      const v = evaluate(e);
      if (v === undefined) return undefined;
      if (!Number.isInteger(v) || v < 1) {
        report("directive-value", `${what} must be a whole number of ${unit} of at least 1, got ${v}`, { start: e.start, end: e.end });
        return undefined;
      }
      out.push(v);
    }
    return [out[0], out[1] ?? 1, out[2] ?? 1];
  };
  // Sweep parameters take their first value for analysis (the sweep itself varies them), unless the name already
  // has the value the code is compiled with: a numeric define or a WGSL override's default. Otherwise a @dispatch
  // would be sized for one value while the kernel runs with another.
  for (const d of directives) {
    if (d.kind === "sweep" && !given.has(d.name.name) && !env.has(d.name.name)) {
      const first = d.values.kind === "list" ? d.values.items[0] : d.values.from;
      const v = evaluate(first);
      if (v !== undefined) env.set(d.name.name, v);
    }
  }
  let dispatch: [number, number, number] | undefined;
  let block: [number, number, number] | undefined;
  let smem: number | undefined;
  const buffers = new Map<string, { count: number | undefined; directive: Extract<Directive, { kind: "buffer" }>; values?: (number | undefined)[] }>();
  const textures = new Map<string, { size: [number, number, number]; format: string | undefined }>();
  for (const d of directives) {
    switch (d.kind) {
      case "let":
      case "override": {
        if (given.has(d.name.name)) {
          env.set(d.name.name, given.get(d.name.name)!);
          if (d.kind === "override") overrides.set(d.name.name, given.get(d.name.name)!);
          break;
        }
        const v = evaluate(d.expr);
        if (v !== undefined) {
          env.set(d.name.name, v);
          if (d.kind === "override") overrides.set(d.name.name, v);
        }
        break;
      }
      case "arg":
      case "template": {
        // `@template T = half` names a type: the CUDA front-end reads it; it is no number.
        if (d.kind === "template" && d.expr.kind === "name" && !env.has(d.expr.name)) break;
        if (given.has(d.name.name)) {
          env.set(d.name.name, given.get(d.name.name)!);
          overrides.set(d.name.name, given.get(d.name.name)!);
          break;
        }
        const v = evaluate(d.expr);
        if (v !== undefined) {
          env.set(d.name.name, v);
          overrides.set(d.name.name, v);
        }
        break;
      }
      case "block": {
        const dims = extents(d.dims, "a block size", "threads");
        if (dims) block = dims;
        break;
      }
      case "smem": {
        const v = evaluate(d.expr);
        if (v !== undefined && (!Number.isInteger(v) || v < 0)) report("directive-value", `dynamic shared memory must be a whole number of bytes, got ${v}`, { start: d.expr.start, end: d.expr.end });
        else if (v !== undefined) smem = v;
        break;
      }
      case "dispatch": {
        const dims = extents(d.dims, "a dispatch size", "workgroups");
        // A later @dispatch (the entry's own) replaces an earlier one (the file's).
        if (dims) dispatch = dims;
        break;
      }
      case "buffer": {
        let count: number | undefined;
        if (d.count) {
          count = evaluate(d.count);
          if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
            report("directive-value", `an element count must be a whole number of at least 1, got ${count}`, { start: d.count.start, end: d.count.end });
            count = undefined;
          }
        }
        if (d.init && (d.init.kind === "random" || d.init.kind === "randint")) {
          const lo = evaluate(d.init.lo);
          const hi = evaluate(d.init.hi);
          if (lo !== undefined && hi !== undefined && lo > hi) report("directive-value", `${d.init.kind}(lo, hi) needs lo <= hi, got ${lo} > ${hi}`, d.init.span);
        } else if (d.init?.kind === "const") {
          evaluate(d.init.value);
        }
        if (d.init?.kind === "list") {
          const values = d.init.items.map((e) => evaluate(e));
          // Without `[COUNT]` a list of one value per element is as long as the buffer.
          buffers.set(d.name.name, { count: d.count ? count : values.length, directive: d, values });
          break;
        }
        buffers.set(d.name.name, { count, directive: d });
        break;
      }
      case "uniform":
        for (const f of d.fields) evaluate(f.expr);
        break;
      case "texture": {
        const size = extents(d.dims, "a texture size", "texels");
        if (size) textures.set(d.name.name, { size, format: d.format?.name });
        break;
      }
      case "define": {
        const v = d.value !== undefined ? Number(d.value) : NaN;
        if (Number.isFinite(v) && !given.has(d.name.name)) env.set(d.name.name, v);
        break;
      }
      case "require": {
        const v = evaluate(d.expr);
        if (v === 0) report("directive-require", "this launch does not meet the requirement", { start: d.expr.start, end: d.expr.end }, "warning");
        break;
      }
      default:
        break;
    }
  }
  for (const [k, v] of given) if (!env.has(k)) env.set(k, v);
  return { env, dispatch, ...(block ? { block } : {}), ...(smem !== undefined ? { smem } : {}), overrides, buffers, textures, problems };
}
