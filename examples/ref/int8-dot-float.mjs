// Float64 reference for examples/quant/int8-dot.wgsl over the float values before int8 quantization.
import { partialDots } from "./int8-dot.mjs";

/** @returns {{ partial: Float64Array }} */
export function reference(inputs) {
  return { partial: partialDots(inputs.buffers.a_float, inputs.buffers.b_float, inputs.uniforms.params.n) };
}
