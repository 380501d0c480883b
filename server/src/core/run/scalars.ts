// The host-side scalars of a run's buffers: their kinds, sizes, and how one is written to and read from bytes.
//
// Below plan.ts (which lays buffers out in these scalars), inputs.ts (which fills them) and check.ts (which reads
// outputs back), so none of those needs another to know what an f16 is. Half precision is quant/minifloat's binary16
// (round to nearest even, overflow to infinity, NaN as the quiet 0x7E00): one implementation for the whole core.
import { decodeFp16, encodeFp16 } from "../quant/minifloat";

/** The scalar types a buffer can hold on the host side (WGSL's host-shareable scalars). */
export type ScalarKind = "f32" | "f16" | "i32" | "u32";

export const SCALAR_BYTES: Readonly<Record<ScalarKind, number>> = { f32: 4, f16: 2, i32: 4, u32: 4 };

/** Writes `value` as one little-endian `scalar` at `offset` (f16 rounded to nearest even; integers truncated and wrapped). */
export function writeScalarLE(view: DataView, offset: number, scalar: ScalarKind, value: number): void {
  switch (scalar) {
    case "f32":
      view.setFloat32(offset, value, true);
      break;
    case "f16":
      view.setUint16(offset, encodeFp16(value), true);
      break;
    case "i32":
      view.setInt32(offset, Math.trunc(value) | 0, true);
      break;
    case "u32":
      view.setUint32(offset, Math.trunc(value) >>> 0, true);
      break;
  }
}

/** The number one little-endian `scalar` at `offset` holds. */
export function readScalarLE(view: DataView, offset: number, scalar: ScalarKind): number {
  switch (scalar) {
    case "f32":
      return view.getFloat32(offset, true);
    case "f16":
      return decodeFp16(view.getUint16(offset, true));
    case "i32":
      return view.getInt32(offset, true);
    case "u32":
      return view.getUint32(offset, true);
  }
}
