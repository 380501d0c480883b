// Kernel launches in host code, turned into what a launch resolution needs: the grid, block and dynamic shared memory
// as numbers, the values of the kernel's integer arguments by parameter name, and the element counts of the buffers
// passed for its pointers (from their cudaMalloc / std::vector sizes).
import type { LaunchSite } from "../kernel/launch";
import { DYNAMIC_SHARED_PARAM } from "../kernel/launch";
import type { KernelIR } from "../kernel/ir";
import { isConst, type VExpr } from "../kernel/vexpr";
import type { LaunchRecord, TemplateArg } from "./lower";
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
  return { ...(block ? { block } : {}), ...(dispatch ? { dispatch } : {}), values, bufferCounts };
}

/** A key that tells two launches apart by what they give the model. */
export function siteKey(s: LaunchSite): string {
  return JSON.stringify([s.block ?? null, s.dispatch ?? null, [...(s.values ?? [])].sort(), [...(s.bufferCounts ?? [])].sort()]);
}
