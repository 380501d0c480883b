// Estimates registers per invocation from the values a kernel keeps live: an estimate, and marked as one.
//
// Without a compiler's register allocation (Tint does not report one), the estimate counts 32-bit components of the
// function-scope variables and let-bound values of the entry point and everything it calls, plus a base for ids,
// addresses and loop counters. Private arrays larger than 64 components are assumed to spill to memory.
import type { Resolution, WgslSymbol } from "../wgsl/resolve";
import { componentCount, derefType, scalarOf } from "../wgsl/types";

const BASE_REGISTERS = 12;
const SPILL_COMPONENTS = 64;

/** Function-scope symbols by the function they belong to, built once per resolution. */
const byContainer = new WeakMap<Resolution, Map<string, WgslSymbol[]>>();

function symbolsOf(resolution: Resolution, fn: string): readonly WgslSymbol[] {
  let index = byContainer.get(resolution);
  if (!index) {
    index = new Map();
    for (const s of resolution.symbols) {
      if (!s.container) continue;
      const list = index.get(s.container) ?? [];
      list.push(s);
      index.set(s.container, list);
    }
    byContainer.set(resolution, index);
  }
  return index.get(fn) ?? [];
}

export function estimateRegisters(resolution: Resolution, entry: string): number {
  const ep = resolution.entryPoints.find((e) => e.name === entry);
  if (!ep) return BASE_REGISTERS;
  const functions = new Set<string>([ep.name, ...ep.functionsCalled.map((f) => f.name)]);
  let regs = BASE_REGISTERS;
  let lets = 0;
  const words = (s: WgslSymbol): number => {
    const t = derefType(resolution.types.typeOfDeclaration(s));
    let comps = t.kind === "array" && typeof t.count === "number" ? t.count * Math.max(1, componentCount(t.element)) : Math.max(1, componentCount(t));
    // f16 values pack two to a register.
    if (scalarOf(t)?.name === "f16") comps = Math.ceil(comps / 2);
    return comps;
  };
  for (const s of [...functions].flatMap((f) => symbolsOf(resolution, f))) {
    if (s.kind === "local-var") {
      const w = words(s);
      regs += w > SPILL_COMPONENTS ? 4 : w;
    } else if (s.kind === "let" || s.kind === "param") {
      lets += Math.min(words(s), 16);
    }
  }
  // Not every let is live at once; about half are, in straight-line index arithmetic.
  regs += Math.ceil(lets / 2);
  return Math.min(255, Math.max(16, regs));
}
