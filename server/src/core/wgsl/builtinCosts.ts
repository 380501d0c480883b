// The cost rules of WGSL built-in functions: how the static cost model counts one call of a given shape, and the same
// rule in plain words for hovers. What a catalogue entry's cost class is (and the counting conventions) is declared in
// builtinCostTypes.ts, which the catalogue reads without importing this file.
import { builtinFunctions, type BuiltinFunction } from "./builtinCatalogue";
import type { BuiltinCost } from "./builtinCostTypes";

// ---------------------------------------------------------------------------------------------------------------
// Cost evaluation

/** What the cost model knows about one call site. */
export interface CostShape {
  /** Components of the result (1 for scalars, N for vecN). Default 1. */
  resultComponents?: number;
  /** Components of the first vector/matrix operand. Default: resultComponents. */
  operandComponents?: number;
  /** Vector width or square-matrix dimension of the operand, for size-tabulated costs (determinant). */
  operandSize?: number;
  /** Subgroup width assumed for reductions and scans. Default 32. */
  subgroupSize?: number;
  /** The operands are integers: book plain-arithmetic FLOP costs as integer ops instead. */
  integerOperands?: boolean;
}

export interface CostEstimate {
  flops: number;
  specialOps: number;
  intOps: number;
  memoryOps: number;
  barriers: number;
  crossLaneOps: number;
}

/** Default subgroup width of the cost model (NVIDIA warps, AMD wave32, Apple SIMD-groups). */
export const DEFAULT_SUBGROUP_SIZE = 32;

/** Counts one call of a built-in with the given shape; undefined for unknown names. */
export function estimateBuiltinCost(fnOrName: string | BuiltinFunction, shape: CostShape = {}): CostEstimate | undefined {
  const fn = typeof fnOrName === "string" ? builtinFunctions.get(fnOrName) : fnOrName;
  if (!fn) return undefined;
  const cost = fn.cost;
  const result = shape.resultComponents ?? 1;
  const operand = shape.operandComponents ?? result;
  const size = shape.operandSize ?? (operand > 4 ? Math.round(Math.sqrt(operand)) : operand);
  const n = cost.per === "operand" ? operand : result;
  const steps = cost.subgroupSteps ? Math.max(1, Math.log2(shape.subgroupSize ?? DEFAULT_SUBGROUP_SIZE)) : 1;
  const main = (unit: number): number => {
    if (cost.bySize) {
      const key = Math.min(4, Math.max(2, size)) as 2 | 3 | 4;
      return cost.bySize[key];
    }
    return Math.max(0, unit * n + (cost.offset ?? 0)) * steps;
  };
  const out: CostEstimate = { flops: 0, specialOps: 0, intOps: 0, memoryOps: 0, barriers: 0, crossLaneOps: 0 };
  switch (cost.kind) {
    case "flop":
      if (shape.integerOperands) out.intOps += main(cost.flops);
      else out.flops += main(cost.flops);
      break;
    case "special":
      out.specialOps += main(cost.ops ?? 1);
      out.flops += (cost.flops ?? 0) * n;
      break;
    case "int":
      out.intOps += main(cost.ops);
      break;
    case "memory":
      out.memoryOps += 1;
      break;
    case "barrier":
      out.barriers += 1;
      break;
    case "none":
      break;
  }
  out.flops += cost.extraFlops ?? 0;
  out.specialOps += cost.extraSpecial ?? 0;
  out.intOps += cost.extraInt ?? 0;
  out.crossLaneOps += (cost.crossLane ?? 0) * result * steps;
  return out;
}

/** "1 FLOP", "2 FLOPs": a count with its word, plural when it is not one. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** A count scaled by components: "2 FLOPs per component", "2N − 1 FLOPs (N = operand components)". */
function scaled(count: number, word: string, cost: BuiltinCost): string {
  const offset = cost.offset ?? 0;
  if (cost.per === "operand") {
    const formula = `${count === 1 ? "" : count}N${offset === 0 ? "" : offset > 0 ? ` + ${offset}` : ` − ${-offset}`}`;
    return `${formula} ${word}s (N = components of the operand)`;
  }
  const base = `${plural(count, word)} per component`;
  return offset === 0 ? base : `${base} ${offset > 0 ? "+" : "−"} ${Math.abs(offset)}`;
}

/** The cost in plain words, e.g. "2 FLOPs per component" or "1 special-function op per component". */
export function describeCost(cost: BuiltinCost): string {
  const parts: string[] = [];
  switch (cost.kind) {
    case "flop":
      if (cost.bySize) parts.push(`${cost.bySize[2]} / ${cost.bySize[3]} / ${cost.bySize[4]} FLOPs for 2x2 / 3x3 / 4x4`);
      else if (cost.flops === 0 && !cost.per) parts.push("free (0 FLOPs)");
      else parts.push(scaled(cost.flops, "FLOP", cost));
      break;
    case "special": {
      const ops = cost.ops ?? 1;
      let text = `${plural(ops, "special-function op")} per component`;
      if (cost.flops) text += ` + ${plural(cost.flops, "FLOP")} per component`;
      parts.push(text);
      break;
    }
    case "int":
      parts.push(scaled(cost.ops, "integer op", cost));
      break;
    case "memory":
      parts.push(
        cost.access === "sample"
          ? "1 texture sampling request"
          : cost.access === "atomic"
            ? "1 atomic read-modify-write"
            : cost.access === "write"
              ? "1 memory write"
              : "1 memory read",
      );
      break;
    case "barrier":
      parts.push("1 workgroup barrier");
      break;
    case "none":
      if (!cost.crossLane) parts.push("free");
      break;
  }
  if (cost.extraFlops) parts.push(`${plural(cost.extraFlops, "FLOP")} per call`);
  if (cost.extraSpecial) parts.push(`${plural(cost.extraSpecial, "special-function op")} per call`);
  if (cost.extraInt) parts.push(`${plural(cost.extraInt, "integer op")} per call`);
  if (cost.crossLane) parts.push(`${plural(cost.crossLane, "cross-lane exchange")} per component`);
  let text = parts.join(" + ");
  if (cost.subgroupSteps) text += `, times log2(subgroup size) steps (${Math.log2(DEFAULT_SUBGROUP_SIZE)} for ${DEFAULT_SUBGROUP_SIZE} lanes)`;
  return text;
}
