// Float64 reference for examples/quant/q4_0-gemv.wgsl over the float weights before q4_0 quantization.
import { gemv } from "./q4_0-gemv.mjs";

/** @returns {{ y: Float64Array }} */
export function reference(inputs) {
  return { y: gemv(inputs, inputs.buffers.w_float) };
}
