// Summarises the entry points of a module: stage, workgroup size and the resources each one can reach.
import type { Attribute, FunctionDecl, Span, VarDecl } from "../wgsl/ast";
import type { PreprocessResult } from "../preprocess/preprocess";
import { toOriginalSpan } from "../preprocess/originalSpan";
import type { Resolution, WgslSymbol } from "../wgsl/resolve";

export type Stage = "compute" | "vertex" | "fragment";

export interface BindingSummary {
  readonly name: string;
  readonly group: number | null;
  readonly binding: number | null;
  /** `storage`, `uniform`, `workgroup`, `private` or `handle` (textures and samplers). */
  readonly addressSpace: string;
  /** As written, or the address space's default (`read` for storage and uniform); null where none applies. */
  readonly accessMode: string | null;
  readonly typeText: string;
  readonly symbol: WgslSymbol;
  /** Name span in the original text. */
  readonly nameSpan: Span;
}

export interface KernelSummary {
  readonly name: string;
  readonly stage: Stage;
  readonly fn: FunctionDecl;
  /** Spans in the original text: the name, and the whole function including its attributes. */
  readonly nameSpan: Span;
  readonly span: Span;
  readonly workgroupSize: {
    readonly text: string | null;
    /** Evaluated with overrides at their defaults; null when some dimension is not a constant. */
    readonly value: readonly [number, number, number] | null;
    /** Why `value` is null when a size was written (e.g. it names an override without a default). */
    readonly unknownReason?: string;
  };
  /** Module-scope resources (storage, uniform, textures, workgroup memory) the entry point can reach. */
  readonly bindings: readonly BindingSummary[];
}

/**
 * The entry point's bindings in WebGPU's sense: the @group/@binding resources a pipeline layout must supply. Workgroup
 * arrays are listed among a kernel's resources (they take workgroup memory) but are no binding.
 */
export function boundResources(bindings: readonly BindingSummary[]): BindingSummary[] {
  return bindings.filter((b) => b.addressSpace !== "workgroup");
}

export function attr(attrs: readonly Attribute[], name: string): Attribute | undefined {
  return attrs.find((a) => a.name.name === name);
}

function bindingOf(s: WgslSymbol, pre: PreprocessResult): BindingSummary {
  const v = s.decl as VarDecl;
  const va = s.varAttributes;
  const addressSpace = va?.addressSpace ?? "private";
  return {
    name: s.name,
    group: va?.group ?? null,
    binding: va?.binding ?? null,
    addressSpace,
    accessMode: addressSpace === "storage" || addressSpace === "uniform" || va?.accessModeWritten ? (va?.accessMode ?? null) : null,
    typeText: v.type ? pre.text.slice(v.type.span.start, v.type.span.end) : "?",
    symbol: s,
    nameSpan: toOriginalSpan(pre, s.nameSpan).span,
  };
}

export function findKernels(resolution: Resolution, pre: PreprocessResult): KernelSummary[] {
  const text = pre.text;
  return resolution.entryPoints.map((e) => {
    const ws = e.workgroupSize;
    const values = e.workgroupSizeValues;
    const value: readonly [number, number, number] | null =
      values && values[0] !== null && values[1] !== null && values[2] !== null ? [values[0], values[1], values[2]] : null;
    let unknownReason: string | undefined;
    if (ws && !value) {
      const bad = ws.find((_, i) => values?.[i] === null) ?? ws[0];
      unknownReason = `'${text.slice(bad.span.start, bad.span.end)}' is not a constant here (an override without a default, or a runtime value): set it with // @override`;
    }
    // Resources are the bound ones plus workgroup memory, in declaration order.
    const used = e.moduleVarsUsed.filter((s) => e.resourcesUsed.includes(s) || s.varAttributes?.addressSpace === "workgroup");
    return {
      name: e.name,
      stage: e.stage,
      fn: e.fn,
      nameSpan: toOriginalSpan(pre, e.fn.name.span).span,
      span: toOriginalSpan(pre, e.fn.span).span,
      workgroupSize: { text: ws ? ws.map((a) => text.slice(a.span.start, a.span.end)).join(", ") : null, value, unknownReason },
      bindings: used.map((s) => bindingOf(s, pre)),
    };
  });
}
