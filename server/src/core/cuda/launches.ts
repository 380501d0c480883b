// Kernel launches in host code, turned into what a launch resolution needs: the grid, block and dynamic shared memory
// as numbers, the values of the kernel's integer arguments by parameter name, and the element counts of the buffers
// passed for its pointers (from their cudaMalloc / std::vector sizes).
import type { LaunchSite } from "../kernel/launch";
import { DYNAMIC_SHARED_PARAM } from "../kernel/launch";
import type { KernelIR } from "../kernel/ir";
import { bin, call, isConst, un, unknown, type VExpr, varsOf, vr } from "../kernel/vexpr";
import { HOST_VAR, type LaunchRecord, type TemplateArg } from "./lower";
import { typeText } from "./types";
import type { Val } from "./values";

const constant = (e: VExpr | undefined): number | undefined => (e && isConst(e) && Number.isFinite(e.v) ? e.v : undefined);

/** A `<<<>>>` size as three numbers: an integer is x (y = z = 1), a dim3 gives all three; undefined where unknown. */
export function dims3(v: Val | undefined): [number, number, number] | undefined {
  if (!v) return undefined;
  if (v.t === "s") {
    const x = constant(v.e);
    return x !== undefined && x >= 1 ? [Math.trunc(x), 1, 1] : undefined;
  }
  if (v.t === "v") {
    const c = [0, 1, 2].map((i) => (v.c[i] === undefined ? 1 : constant(v.c[i])));
    return c.every((x): x is number => x !== undefined && x >= 1) ? [Math.trunc(c[0]), Math.trunc(c[1]), Math.trunc(c[2])] : undefined;
  }
  return undefined;
}

/** A template argument as the kernel's display name shows it (`256`, `float`); undefined where it has no value. */
export function templateArgText(a: TemplateArg | undefined): string | undefined {
  if (!a) return undefined;
  if (a.k === "type") return typeText(a.t);
  if (a.k === "fn") return a.name;
  const v = constant(a.v);
  return v === undefined ? undefined : String(v);
}

/**
 * What a launch record gives a kernel's launch resolution. `params` are the kernel's parameters in order (name, and
 * for pointers the element size of the binding); integer arguments with values become values by name.
 */
export function siteOf(rec: LaunchRecord, params: readonly { readonly name: string; readonly pointer: boolean }[], ir: KernelIR): LaunchSite {
  const values = new Map<string, number>();
  const bufferCounts = new Map<string, number>();
  params.forEach((p, i) => {
    const a = rec.args[i];
    if (!a) return;
    if (!p.pointer) {
      const v = a.t === "s" ? constant(a.e) : undefined;
      if (v !== undefined && ir.params.has(`override.${p.name}`)) values.set(p.name, v);
      return;
    }
    if (a.t !== "p" || a.base.k !== "host") return;
    const bytes = constant(a.base.bytes);
    const offset = constant(a.addr) ?? 0;
    const stride = ir.bindings.find((b) => b.name === p.name)?.runtimeArray?.strideBytes;
    if (bytes !== undefined && stride && bytes - offset > 0) bufferCounts.set(p.name, Math.floor((bytes - offset) / stride));
  });
  const smem = rec.smem && rec.smem.t === "s" ? constant(rec.smem.e) : rec.smem === undefined ? 0 : undefined;
  if (smem !== undefined) values.set(DYNAMIC_SHARED_PARAM, smem);
  const block = dims3(rec.block);
  const dispatch = dims3(rec.grid);
  // A grid written over a wrapper's parameters that are also kernel arguments (CEIL_DIV(N, 128) with N passed as
  // the kernel's n): the grid follows the kernel's arguments, whatever values they get.
  let dispatchExpr: [VExpr, VExpr, VExpr] | undefined;
  if (!dispatch && rec.grid) {
    const byHostVar = new Map<string, string>();
    params.forEach((p, i) => {
      const a = rec.args[i];
      if (!p.pointer && a && a.t === "s" && a.e.k === "var" && a.e.name.startsWith(HOST_VAR) && !byHostVar.has(a.e.name) && ir.params.has(`override.${p.name}`)) byHostVar.set(a.e.name, p.name);
    });
    const comps = rec.grid.t === "v" ? [0, 1, 2].map((i) => rec.grid!.t === "v" ? rec.grid!.c[i] ?? { k: "const" as const, v: 1 } : unknown("?")) : rec.grid.t === "s" ? [rec.grid.e, { k: "const" as const, v: 1 }, { k: "const" as const, v: 1 }] : [];
    const mapped = comps.map((e) => substitute(e, byHostVar));
    if (mapped.length === 3 && mapped.every((e) => e !== undefined) && byHostVar.size > 0) dispatchExpr = mapped as [VExpr, VExpr, VExpr];
  }
  return { ...(block ? { block } : {}), ...(dispatch ? { dispatch } : {}), ...(dispatchExpr ? { dispatchExpr } : {}), values, bufferCounts };
}

/** A host expression with its wrapper parameters replaced by the kernel parameters they are passed as; undefined if any is not. */
function substitute(e: VExpr, byHostVar: ReadonlyMap<string, string>): VExpr | undefined {
  for (const v of varsOf(e)) if (!byHostVar.has(v)) return undefined;
  const go = (x: VExpr): VExpr => {
    switch (x.k) {
      case "var": return vr(`override.${byHostVar.get(x.name)!}`);
      case "bin": return bin(x.op, go(x.a), go(x.b), x.int);
      case "un": return un(x.op, go(x.a));
      case "call": return call(x.fn, x.args.map(go));
      default: return x;
    }
  };
  return go(e);
}

/** A key that tells two launches apart by what they give the model. */
export function siteKey(s: LaunchSite): string {
  return JSON.stringify([s.block ?? null, s.dispatch ?? null, [...(s.values ?? [])].sort(), [...(s.bufferCounts ?? [])].sort()]);
}
