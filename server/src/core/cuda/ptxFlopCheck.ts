// Cross-checks the cost model's FLOP count of a CUDA kernel against the floating-point instructions nvcc's PTX has.
//
// The two count different things. The model counts the FLOPs the whole launch executes, from the source; PTX lists
// each instruction once per thread, after the compiler has unrolled, folded, hoisted and expanded library calls. So
// only comparisons that hold whatever the compiler did are made, and a disagreement is one no compiler choice explains:
//
// - A loop-free kernel (PTX has no branch back; nvcc unrolled every loop): each thread executes every instruction at
//   most once, so the FLOPs one thread executes lie between the cheapest and the dearest path through the branches.
//   The model's average per thread (its total over the launch's threads, with the model's own min and max where the
//   count is a range) must overlap that interval.
// - A loop PTX keeps: one pass through its body is a whole number u >= 1 of source iterations (nvcc unrolls by u,
//   with remainder loops of their own), so some u times the model's FLOPs per iteration of the loop on the same source
//   line must lie in the pass's path interval, for at least one PTX loop of that line (nvcc also makes versions of a
//   loop for special cases). Only innermost PTX loops, lines with one model loop, and model loops none of whose inner
//   loops is still a loop in PTX are compared.
// - Every kernel: a class of arithmetic (32/64-bit float, 16-bit float, tensor cores) that the model counts and PTX
//   has none of, or that PTX has outside any special-function expansion and the model counts none of. (A kernel that
//   calls a function nvcc did not inline is not blamed for lacking work the callee may do.)
//
// In the path intervals, a predicated instruction and FLOPs on a line that also expands a transcendental (`expf` is
// ex2 plus FMAs the model does not count: it counts one special op) raise only the maximum. Half a FLOP of slack
// absorbs rounding in the model's averages. 64-bit float FLOPs are compared with the model's 32-bit class (the model
// has no double class); f16 and bf16 together (the model's split between them follows the source's types).
//
// Pure: no I/O, never throws.
import type { KernelModel } from "../model/types";
import type { PtxEntry, PtxFlops } from "./ptxOpcodes";

export type FlopGroup = "32/64-bit float" | "16-bit float" | "tensor-core" | "all floating-point";

export interface PtxFlopMismatch {
  readonly code: "ptx-flops-mismatch";
  /** 1-based line in the main file. */
  readonly line: number;
  readonly group: FlopGroup;
  /** What was compared: the kernel per thread, one loop iteration per thread, or whether the class is there at all. */
  readonly scope: "kernel" | "loop" | "presence";
  /** The model's figure (per thread, or per thread and iteration; for `presence` over the launch). */
  readonly model: { readonly min: number; readonly max: number };
  /** PTX's figure (per thread path bounds; for `presence` the static count per thread). */
  readonly ptx: { readonly min: number; readonly max: number };
  readonly message: string;
}

const SLACK = 0.5;

const GROUPS: readonly { readonly group: FlopGroup; readonly ptx: (f: PtxFlops) => number; readonly model: (m: KernelModel) => { min: number; max: number } }[] = [
  { group: "32/64-bit float", ptx: (f) => f.f32 + f.f64, model: (m) => ({ min: m.ops.flopsF32.min, max: m.ops.flopsF32.max }) },
  { group: "16-bit float", ptx: (f) => f.f16 + f.bf16, model: (m) => ({ min: m.ops.flopsF16.min + m.ops.flopsBF16.min, max: m.ops.flopsF16.max + m.ops.flopsBF16.max }) },
  { group: "tensor-core", ptx: (f) => f.tensor, model: (m) => ({ min: m.ops.tensorFlops.min, max: m.ops.tensorFlops.max }) },
];

const total = (f: PtxFlops): number => f.f32 + f.f64 + f.f16 + f.bf16 + f.tensor;

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "unbounded";
  const r = Math.round(x * 100) / 100;
  return r.toLocaleString("en-US");
}

const span = (lo: number, hi: number): string => (Math.abs(hi - lo) < 1e-9 ? fmt(lo) : `${fmt(lo)} to ${fmt(hi)}`);

export interface PtxFlopCheckInput {
  readonly model: KernelModel;
  readonly entry: PtxEntry;
  /** The line of the kernel's name, where kernel-wide disagreements are reported. */
  readonly kernelLine: number;
  /** The 1-based line of an offset in the text the model's spans are in. */
  readonly lineOf: (offset: number) => number;
}

/** The disagreements between the model's FLOPs and the PTX of one kernel; empty when they agree or cannot be compared. */
export function checkPtxFlops(input: PtxFlopCheckInput): PtxFlopMismatch[] {
  try {
    return check(input);
  } catch {
    return [];
  }
}

function check({ model, entry, kernelLine, lineOf }: PtxFlopCheckInput): PtxFlopMismatch[] {
  const out: PtxFlopMismatch[] = [];
  const threads = model.invocations;
  const reported = new Set<FlopGroup>();

  // Presence, for every kernel.
  const certainByLine = new Map<number, PtxFlops>();
  for (const l of entry.lines) if (!l.library) certainByLine.set(l.line, l.flops);
  for (const g of GROUPS) {
    const m = g.model(model);
    const ptxAll = g.ptx(entry.flops);
    // A kernel that calls a function nvcc kept out of line may do that class of work there.
    if (m.min > 0 && ptxAll === 0 && !entry.calls) {
      out.push({
        code: "ptx-flops-mismatch", line: kernelLine, group: g.group, scope: "presence", model: m, ptx: { min: 0, max: 0 },
        message: `The model counts ${span(m.min, m.max)} ${g.group} FLOPs for this launch, but nvcc's PTX for the kernel has no ${g.group} arithmetic: the compiler removed that work, or the model misreads it.`,
      });
      reported.add(g.group);
      continue;
    }
    const firstLine = [...certainByLine.entries()].find(([, f]) => g.ptx(f) > 0);
    if (m.max === 0 && firstLine) {
      const perThread = [...certainByLine.values()].reduce((a, f) => a + g.ptx(f), 0);
      out.push({
        code: "ptx-flops-mismatch", line: firstLine[0], group: g.group, scope: "presence", model: m, ptx: { min: perThread, max: perThread },
        message: `nvcc's PTX does ${fmt(perThread)} ${g.group} FLOPs per thread (static count, this line first) that the model does not count: it counts none of that class for the kernel.`,
      });
      reported.add(g.group);
    }
  }

  // A loop-free kernel, per thread.
  if (entry.perThread && threads !== null && threads > 0) {
    for (const g of GROUPS) {
      if (reported.has(g.group)) continue;
      const m = g.model(model);
      const lo = m.min / threads;
      const hi = m.max / threads;
      const pmin = g.ptx(entry.perThread.min);
      const pmax = g.ptx(entry.perThread.max);
      if (hi < pmin - SLACK || lo > pmax + SLACK) {
        out.push({
          code: "ptx-flops-mismatch", line: kernelLine, group: g.group, scope: "kernel", model: { min: lo, max: hi }, ptx: { min: pmin, max: pmax },
          message: `The model counts ${span(lo, hi)} ${g.group} FLOPs per thread (${fmt(m.max)} over ${fmt(threads)} threads); nvcc's PTX for this loop-free kernel does ${span(pmin, pmax)} per thread on its paths.`,
        });
        reported.add(g.group);
      }
    }
  }

  // Loops PTX keeps, against the model's loop on the same line. A model loop is compared only when none of the model
  // loops inside it is still a loop in PTX (then a PTX loop on its line is the whole body, not a version of it made
  // for a special case of the inner loop); the line agrees when one of its PTX loops (the unrolled loop, its
  // remainder, versions) is a whole number of iterations.
  const modelLoops = model.loops.map((l) => ({ loop: l, line: lineOf(l.span.start) }));
  const ptxLoopLines = new Set(entry.loops.map((l) => l.line).filter((l): l is number => l !== null));
  const byLine = new Map<number, (typeof entry.loops)[number][]>();
  for (const l of entry.loops) if (l.line !== null) byLine.set(l.line, [...(byLine.get(l.line) ?? []), l]);
  for (const [line, loops] of byLine) {
    const candidates = modelLoops.filter((m) => m.line === line);
    if (candidates.length !== 1) continue;
    const { loop } = candidates[0]!;
    const nestedStillLoops = modelLoops.some(
      (m) => m.loop !== loop && m.loop.span.start > loop.span.start && m.loop.span.end <= loop.span.end && m.line !== line && ptxLoopLines.has(m.line),
    );
    if (nestedStillLoops) continue;
    const perIteration = loop.perIteration.flops;
    if (!Number.isFinite(perIteration)) continue;
    const passes = loops.map((l) => ({ min: total(l.perIteration.min), max: total(l.perIteration.max) }));
    if (passes.some((p) => fitsWholeIterations(perIteration, p.min, p.max))) continue;
    const pmin = Math.min(...passes.map((p) => p.min));
    const pmax = Math.max(...passes.map((p) => p.max));
    out.push({
      code: "ptx-flops-mismatch", line, group: "all floating-point", scope: "loop", model: { min: perIteration, max: perIteration }, ptx: { min: pmin, max: pmax },
      message:
        perIteration === 0
          ? `nvcc's PTX does ${span(pmin, pmax)} FLOPs per thread in each pass of this loop; the model counts none in the loop.`
          : `The model counts ${fmt(perIteration)} FLOPs per thread per iteration of this loop; a pass of nvcc's PTX loop does ${passes.length > 1 ? `${passes.map((p) => span(p.min, p.max)).join(" or ")} (${passes.length} loops)` : span(pmin, pmax)}, which is no whole number of iterations (the compiler moved arithmetic out of the loop, or the model misreads it).`,
    });
  }
  return out;
}

/** Whether u · perIteration lies in [min, max] (with slack) for some whole u >= 1; 0 per iteration needs no FLOPs. */
function fitsWholeIterations(perIteration: number, min: number, max: number): boolean {
  if (perIteration <= 1e-9) return min <= SLACK;
  if (max + SLACK < perIteration) return false;
  const lo = Math.max(1, Math.ceil((min - SLACK) / perIteration - 1e-9));
  const hi = Math.floor((max + SLACK) / perIteration + 1e-9);
  return hi >= lo;
}
