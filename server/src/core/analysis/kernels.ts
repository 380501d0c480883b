// Finds the entry points of a module with their stage, workgroup size and resource bindings.
import type { Attribute, Expr, FunctionDecl, Module, Span, VarDecl, ValueDecl } from "../wgsl/ast";
import type { PreprocessResult } from "../preprocess/preprocess";
import { toOriginalSpan } from "../preprocess/originalSpan";

export type Stage = "compute" | "vertex" | "fragment";

export interface BindingSummary {
  readonly name: string;
  readonly group: number | null;
  readonly binding: number | null;
  /** `storage`, `uniform`, `workgroup`, `private` or `handle` (textures and samplers have no address space). */
  readonly addressSpace: string;
  readonly accessMode: string | null;
  readonly typeText: string;
  readonly decl: VarDecl;
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
    readonly value: readonly [number, number, number] | null;
    /** Why `value` is null when a size was written (e.g. it names an override without a default). */
    readonly unknownReason?: string;
  };
  /** Module-scope resources (storage, uniform, textures, workgroup memory) the entry point can reach. */
  readonly bindings: readonly BindingSummary[];
}

const STAGES: readonly Stage[] = ["compute", "vertex", "fragment"];

export function attr(attrs: readonly Attribute[], name: string): Attribute | undefined {
  return attrs.find((a) => a.name.name === name);
}

/** Integer value of a constant expression over literals and module `const`/`override` defaults, if it has one. */
export function constInt(e: Expr | undefined, module: Module, depth = 0): number | { reason: string } {
  if (!e) return { reason: "missing expression" };
  if (depth > 32) return { reason: "constant defined in terms of itself" };
  switch (e.kind) {
    case "literal":
      return typeof e.value === "number" && Number.isInteger(e.value) ? e.value : { reason: `'${e.text}' is not an integer` };
    case "paren":
      return constInt(e.expr, module, depth + 1);
    case "unary": {
      const v = constInt(e.operand, module, depth + 1);
      if (typeof v !== "number") return v;
      return e.op === "-" ? -v : e.op === "~" ? ~v : { reason: `operator '${e.op}' in a constant` };
    }
    case "binary": {
      const a = constInt(e.left, module, depth + 1);
      if (typeof a !== "number") return a;
      const b = constInt(e.right, module, depth + 1);
      if (typeof b !== "number") return b;
      switch (e.op) {
        case "+": return a + b;
        case "-": return a - b;
        case "*": return a * b;
        case "/": return b === 0 ? { reason: "division by zero" } : Math.trunc(a / b);
        case "%": return b === 0 ? { reason: "remainder by zero" } : a % b;
        case "<<": return a << b;
        case ">>": return a >> b;
        default: return { reason: `operator '${e.op}' in a constant` };
      }
    }
    case "ident": {
      const decl = module.decls.find((d): d is ValueDecl => (d.kind === "const" || d.kind === "override") && d.name.name === e.name.name);
      if (!decl) return { reason: `'${e.name.name}' is not a module-scope constant` };
      if (!decl.init) return { reason: `override '${e.name.name}' has no default: give it one or set it with // @override` };
      return constInt(decl.init, module, depth + 1);
    }
    case "call":
      // `u32(64)` and `i32(8)` are conversions of constants.
      if ((e.callee.name === "u32" || e.callee.name === "i32") && e.args.length === 1) return constInt(e.args[0], module, depth + 1);
      return { reason: `call to '${e.callee.name}' in a constant` };
    default:
      return { reason: "not a constant expression" };
  }
}

function bindingOf(v: VarDecl, module: Module, pre: PreprocessResult, text: string): BindingSummary {
  const num = (name: string): number | null => {
    const a = attr(v.attributes, name);
    const n = a ? constInt(a.args[0], module) : null;
    return typeof n === "number" ? n : null;
  };
  const typeText = v.type ? text.slice(v.type.span.start, v.type.span.end) : "?";
  const isHandle = !v.addressSpace && v.type && /^(texture|sampler)/.test(v.type.name.name);
  return {
    name: v.name.name,
    group: num("group"),
    binding: num("binding"),
    addressSpace: v.addressSpace?.name ?? (isHandle ? "handle" : "private"),
    accessMode: v.accessMode?.name ?? (v.addressSpace?.name === "storage" ? "read" : null),
    typeText,
    decl: v,
    nameSpan: toOriginalSpan(pre, v.name.span).span,
  };
}

export function findKernels(module: Module, pre: PreprocessResult): KernelSummary[] {
  const text = pre.text;
  const resources = module.decls
    .filter((d): d is VarDecl => d.kind === "var")
    .filter((v) => attr(v.attributes, "binding") || v.addressSpace?.name === "workgroup")
    .map((v) => bindingOf(v, module, pre, text));
  const kernels: KernelSummary[] = [];
  for (const d of module.decls) {
    if (d.kind !== "function") continue;
    const stage = STAGES.find((s) => attr(d.attributes, s));
    if (!stage) continue;
    const ws = attr(d.attributes, "workgroup_size");
    let value: [number, number, number] | null = null;
    let unknownReason: string | undefined;
    if (ws) {
      const dims: number[] = [];
      for (const a of ws.args.slice(0, 3)) {
        const v = constInt(a, module);
        if (typeof v !== "number") {
          unknownReason = v.reason;
          break;
        }
        dims.push(v);
      }
      if (!unknownReason) value = [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1];
    }
    kernels.push({
      name: d.name.name,
      stage,
      fn: d,
      nameSpan: toOriginalSpan(pre, d.name.span).span,
      span: toOriginalSpan(pre, d.span).span,
      workgroupSize: {
        text: ws ? ws.args.map((a) => text.slice(a.span.start, a.span.end)).join(", ") : null,
        value,
        unknownReason,
      },
      bindings: resources.filter((r) => usesName(d, r.name, module)),
    });
  }
  return kernels;
}

/**
 * Whether an entry point can reach a module-scope name, directly or through the functions it calls. Textual
 * identifier matching over the bodies is enough here: a local that shadows a binding only makes the list longer.
 */
function usesName(fn: FunctionDecl, name: string, module: Module): boolean {
  const functions = new Map(module.decls.filter((d): d is FunctionDecl => d.kind === "function").map((f) => [f.name.name, f]));
  const seen = new Set<string>();
  const visit = (f: FunctionDecl): boolean => {
    if (seen.has(f.name.name)) return false;
    seen.add(f.name.name);
    let found = false;
    const stack: unknown[] = [f.body];
    while (stack.length > 0 && !found) {
      const node = stack.pop();
      if (!node || typeof node !== "object") continue;
      if (Array.isArray(node)) {
        stack.push(...node);
        continue;
      }
      const n = node as { kind?: string; name?: { name: string }; callee?: { name: string } };
      if (n.kind === "ident" && n.name?.name === name) found = true;
      if (n.kind === "call" && n.callee) {
        const callee = functions.get(n.callee.name);
        if (callee && visit(callee)) found = true;
      }
      for (const [k, v] of Object.entries(node)) if (k !== "span" && v && typeof v === "object") stack.push(v);
    }
    return found;
  };
  return visit(fn);
}
