// Float64 reference for examples/quant/fp8-e4m3-scale.wgsl over the float values before e4m3 quantization.
import { scaled } from "./fp8-e4m3-scale.mjs";

/** @returns {{ y: Float64Array }} */
export function reference(inputs) {
  return { y: scaled(inputs.buffers.x_float, inputs.uniforms.params) };
}
