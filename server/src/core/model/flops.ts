// The floating-point work of a kernel as one number: the sum every surface shows (CLI, hover, roofline, runs).
import type { OpCounts, Range } from "./types";

/** FLOPs of every dtype and unit: f32, f16, bf16 and tensor-core. */
export function totalFlops(ops: OpCounts): Range {
  const parts = [ops.flopsF32, ops.flopsF16, ops.flopsBF16, ops.tensorFlops];
  return {
    value: parts.reduce((t, r) => t + r.value, 0),
    min: parts.reduce((t, r) => t + r.min, 0),
    max: parts.reduce((t, r) => t + r.max, 0),
  };
}
