// Resolves the launch configuration of one entry point: sizes, dispatch, overrides, uniforms and buffer lengths.
import { numericDefines, overrideDefaults, scopeForModule } from "../analysis/directiveChecks";
import type { KernelSummary } from "../analysis/kernels";
import type { SourceAnalysis } from "../analysis/sourceAnalysis";
import { directivesFor, evaluateLaunch } from "../directives/launch";
import { evaluateDExpr } from "../directives/expr";
import type { Expr } from "../wgsl/ast";
import { derefType, sizeOf, strideOf } from "../wgsl/types";
import { bin, cst, type VExpr } from "./vexpr";
import type { LaunchInput } from "./interpret";

export interface ResolvedLaunch {
  readonly input: LaunchInput | null;
  readonly workgroupSize: readonly [number, number, number] | null;
  readonly dispatch: readonly [number, number, number] | null;
  /** Byte size of each binding's buffer where known. */
  readonly bufferBytes: ReadonlyMap<string, number>;
  readonly unknowns: { what: string; reason: string }[];
}

/** Integer value of a workgroup-size expression under the launch's override values. */
export function evalWithOverrides(e: Expr, overrides: ReadonlyMap<string, number>, source: SourceAnalysis, depth = 0): number | undefined {
  const toV = (x: Expr): VExpr => {
    switch (x.kind) {
      case "literal": return typeof x.value === "number" ? cst(x.value) : cst(0);
      case "paren": return toV(x.expr);
      case "binary": return bin(x.op, toV(x.left), toV(x.right));
      case "ident": {
        const sym = source.resolution.referenceForIdent(x.name)?.symbol;
        if (!sym) return { k: "unknown", reason: x.name.name };
        if (sym.kind === "override" && overrides.has(sym.name)) return cst(overrides.get(sym.name)!);
        const init = (sym.decl as { init?: Expr }).init;
        if ((sym.kind === "const" || sym.kind === "override") && init && depth < 16) {
          const v = evalWithOverrides(init, overrides, source, depth + 1);
          return v === undefined ? { k: "unknown", reason: sym.name } : cst(v);
        }
        return { k: "unknown", reason: sym.name };
      }
      case "call":
        if ((x.callee.name === "u32" || x.callee.name === "i32") && x.args.length === 1) return toV(x.args[0]);
        return { k: "unknown", reason: x.callee.name };
      default:
        return { k: "unknown", reason: "expression" };
    }
  };
  const v = toV(e);
  return v.k === "const" ? v.v : undefined;
}

/** Directive scopes are the same for every kernel of a file: computed once per analysis. */
const scopes = new WeakMap<SourceAnalysis["resolution"], ReturnType<typeof scopeForModule>>();

export function resolveLaunch(source: SourceAnalysis, kernel: KernelSummary, given: ReadonlyMap<string, number> = new Map(), subgroupSize?: number): ResolvedLaunch {
  const unknowns: { what: string; reason: string }[] = [];
  let scoped = scopes.get(source.resolution);
  if (!scoped) {
    scoped = scopeForModule(source.text, source.directives, source.module, source.kernels, source.pre);
    scopes.set(source.resolution, scoped);
  }
  const directives = directivesFor(scoped, kernel.name);
  const launch = evaluateLaunch(directives, overrideDefaults(source.resolution), given, numericDefines(source.pre.defines));
  const entry = source.resolution.entryPoints.find((e) => e.name === kernel.name);

  let workgroupSize: [number, number, number] | null = null;
  if (entry?.workgroupSize) {
    const dims = entry.workgroupSize.map((e) => evalWithOverrides(e, launch.overrides, source));
    if (dims.every((d): d is number => d !== undefined)) workgroupSize = [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1];
    else unknowns.push({ what: "workgroup size", reason: "it names an override without a value: give it a default or a // @override line" });
  } else if (kernel.stage === "compute") {
    unknowns.push({ what: "workgroup size", reason: "the entry point has no @workgroup_size" });
  }
  const dispatch = launch.dispatch ?? null;
  if (!dispatch) unknowns.push({ what: "dispatch", reason: "no // @dispatch for this entry point: add one (e.g. // @dispatch ceil(N / 256)) or pass --let values" });

  const uniforms = new Map<string, Map<string, number>>();
  for (const d of directives) {
    if (d.kind !== "uniform") continue;
    const fields = new Map<string, number>();
    for (const f of d.fields) {
      const v = evaluateDExpr(f.expr, launch.env);
      if (typeof v === "number") fields.set(f.name.name, v);
    }
    uniforms.set(d.name.name, fields);
  }
  const bufferCounts = new Map<string, number>();
  const bufferBytes = new Map<string, number>();
  for (const [name, b] of launch.buffers) if (b.count !== undefined) bufferCounts.set(name, b.count);
  for (const b of kernel.bindings) {
    const t = derefType(source.resolution.types.typeOfSymbol(b.symbol));
    const count = bufferCounts.get(b.name);
    if (t.kind === "array" && t.count === "runtime") {
      if (count !== undefined) bufferBytes.set(b.name, count * (strideOf(t) ?? 4));
    } else if (t.kind === "struct" && count !== undefined) {
      // A struct ending in a runtime array: the count is of that array's elements.
      const last = t.members[t.members.length - 1];
      const lt = last ? derefType(last.type) : undefined;
      if (lt && lt.kind === "array") bufferBytes.set(b.name, last.offset + count * (strideOf(lt) ?? 4));
    } else {
      const size = sizeOf(t);
      if (size !== null) bufferBytes.set(b.name, size);
    }
  }
  const input: LaunchInput | null =
    workgroupSize && dispatch ? { workgroupSize, dispatch, overrides: launch.overrides, uniforms, bufferCounts, subgroupSize } : null;
  return { input, workgroupSize, dispatch, bufferBytes, unknowns };
}
