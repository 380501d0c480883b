// A deliberately tiny second front-end: builds kernel IR by hand, in no language, for tests of the shared model.
//
// It writes what a front-end must write: bindings with their memory spaces and sizes, the launch as the code gives
// it, arithmetic by class (each source-level operation once per component, comparisons and `&&` as integer ops),
// memory operations with byte addresses, branches, loops with their counters, barriers and the values kept live.
// Every access gets its own span (a front-end points each one at its place in the source).
import type { BindingIR, IrNode, KernelIR, LaunchParam, LoopCounter, OpClass, PrivateValue } from "../../server/src/core/kernel/ir";
import { bin, cst, vr, type VExpr } from "../../server/src/core/kernel/vexpr";

export { cst, vr };
export const add = (a: VExpr, b: VExpr): VExpr => bin("+", a, b);
export const mul = (a: VExpr, b: VExpr): VExpr => bin("*", a, b);
export const lt = (a: VExpr, b: VExpr): VExpr => bin("<", a, b);
export const and = (a: VExpr, b: VExpr): VExpr => bin("&&", a, b);

/** Global id in one dimension: workgroup id times workgroup size plus local id. */
export const gid = (d: "x" | "y" | "z"): VExpr => add(mul(vr(`wid.${d}`), vr(`wgsize.${d}`)), vr(`lid.${d}`));

export class IrBuilder {
  private spans = 0;
  readonly params = new Map<string, LaunchParam>();

  /** A fresh span, distinct from every other this builder gave out. */
  span(): { start: number; end: number } {
    const start = (this.spans += 10);
    return { start, end: start + 5 };
  }

  override(name: string, defaultValue?: number): VExpr {
    const v = `override.${name}`;
    this.params.set(v, { v, kind: "override", name, default: defaultValue === undefined ? undefined : cst(defaultValue) });
    return vr(v);
  }

  uniform(binding: string, field: string): VExpr {
    const v = `uniform.${binding}.${field}`;
    this.params.set(v, { v, kind: "uniform", binding, field });
    return vr(v);
  }

  buffer(name: string, access: BindingIR["access"], elementBytes = 4, elementType = "f32"): BindingIR {
    return { name, space: "global", access, elementType, bytes: null, runtimeArray: { headerBytes: 0, strideBytes: elementBytes }, span: this.span() };
  }

  uniformBlock(name: string, bytes: number): BindingIR {
    return { name, space: "uniform", access: "read", elementType: "struct", bytes: cst(bytes), span: this.span() };
  }

  shared(name: string, bytes: VExpr, elementType = "f32"): BindingIR {
    return { name, space: "workgroup", access: "read_write", elementType, bytes, span: this.span() };
  }

  ops(counts: Partial<Record<OpClass, number>>): IrNode {
    return { k: "ops", f32: 0, f16: 0, bf16: 0, int: 0, special: 0, subgroup: 0, tensor: 0, ...counts };
  }

  load(binding: string, space: "global" | "workgroup" | "uniform", byteAddress: VExpr, bytes = 4, elementType = "f32"): IrNode {
    return { k: "access", binding, space, kind: "load", elementType, bytes, address: byteAddress, span: this.span() };
  }

  store(binding: string, space: "global" | "workgroup", byteAddress: VExpr, bytes = 4, elementType = "f32"): IrNode {
    return { k: "access", binding, space, kind: "store", elementType, bytes, address: byteAddress, span: this.span() };
  }

  barrier(): IrNode {
    return { k: "barrier", count: 1 };
  }

  if(cond: VExpr, then: IrNode[], otherwise: IrNode[] = []): IrNode {
    return { k: "if", cond, then, else: otherwise };
  }

  /** A counted loop `for (k = start; k < bound; k += step)`; `body(k)` gets the counter's value in iteration `v`. */
  loop(v: string, counter: Omit<LoopCounter, "kind" | "op" | "int"> & Partial<LoopCounter>, parts: (k: VExpr) => { header: IrNode[]; body: IrNode[]; latch: IrNode[] }): IrNode {
    const c: LoopCounter = { kind: "add", op: "<", int: true, ...counter };
    const k = add(c.start, mul(vr(v), c.step));
    return { k: "loop", v, span: this.span(), headerEnd: 0, counter: c, earlyExit: false, ...parts(k) };
  }

  kernel(name: string, parts: { bindings: BindingIR[]; workgroupSize: [VExpr, VExpr, VExpr]; body: IrNode[]; privateValues: PrivateValue[] }): KernelIR {
    const overrideDefaults = new Map<string, number | undefined>();
    for (const p of this.params.values()) if (p.kind === "override") overrideDefaults.set(p.name, p.default?.k === "const" ? p.default.v : undefined);
    return {
      name,
      language: "ir",
      nameSpan: this.span(),
      bindings: parts.bindings,
      launch: { workgroupSize: parts.workgroupSize, overrideDefaults },
      params: this.params,
      body: parts.body,
      privateValues: parts.privateValues,
      notes: [],
    };
  }
}
