// Estimates registers per invocation from the values a kernel keeps live: an estimate, and marked as one.
//
// Without a compiler's register allocation (Tint does not report one), the estimate counts the 32-bit words of the
// kernel's mutable values and half of its immutable ones (not every let is live at once; about half are, in
// straight-line index arithmetic), plus a base for ids, addresses and loop counters. Private arrays larger than
// 64 words are assumed to spill to memory, unless the front-end knows they are registers (every index a constant
// after nvcc unrolls).
import type { KernelIR } from "../kernel/ir";

const BASE_REGISTERS = 12;
const SPILL_WORDS = 64;
/** A single immutable value counts at most this many words towards the estimate. */
const MAX_IMMUTABLE_WORDS = 16;

export function estimateRegisters(ir: KernelIR): number {
  if (ir.estimatedRegisters !== undefined) return ir.estimatedRegisters;
  let regs = BASE_REGISTERS;
  let immutable = 0;
  for (const v of ir.privateValues) {
    if (v.mutable) regs += v.words > SPILL_WORDS && !v.inRegisters ? 4 : v.words;
    else immutable += Math.min(v.words, MAX_IMMUTABLE_WORDS);
  }
  regs += Math.ceil(immutable / 2);
  return Math.min(255, Math.max(16, regs));
}
