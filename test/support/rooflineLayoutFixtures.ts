// Roofline data sets for layout checks: a crowded file (many kernels at nearly one intensity, measured roofs far below
// the datasheet's) and kernels at the chart's four corners (tooltips must flip to stay on screen).
import type { RooflineData, RooflineKernelView } from "../../webview/src/roofline/protocol";
import { lineRange, sparseFixture } from "./rooflinePage";

/** A file of many kernels with nearly the same intensity and rate (variants of one GEMM and its neighbours), as in the
 * e2e workspace: an RTX 4090's datasheet roofs and a software adapter's measured roofs four decades below them. */
export function crowdedFixture(): RooflineData {
  const base = sparseFixture("file:///work/kernels/gemm-variants.cu");
  const names = [
    "gemm_tiled_16x16",
    "gemm_tiled_32x32",
    "gemm_tiled_32x32_vec4",
    "gemm_tiled_64x64_double_buffered",
    "gemm_register_blocked_4x4",
    "gemm_register_blocked_8x8",
    "gemm_naive",
    "gemm_naive_transposed_b",
    "softmax_2pass",
    "softmax_online",
    "layernorm_fwd",
    "saxpy",
  ];
  const kernels: RooflineKernelView[] = names.map((name, i) => {
    // Intensities within a few percent of each other for the GEMM variants: their points nearly coincide.
    const ai = i < 8 ? 11 * (1 + 0.04 * i) : i < 11 ? 1.1 * (1 + 0.05 * (i - 8)) : 0.1667;
    const gflops = i < 8 ? 4000 * (1 + 0.06 * i) : i < 11 ? 900 * (1 + 0.08 * (i - 8)) : 160;
    return {
      name,
      range: lineRange(10 + i * 20, name),
      predicted: { ai, gflops, ms: 0.5 + i / 10, bound: "memory", attainableGflops: Math.min(82_600, ai * 1008) },
      workgroupAi: i < 6 ? ai * 4 : null,
      reason: null,
      measured: i % 3 === 0 ? { ai: ai * 0.97, gflops: 0.25 * (1 + i / 20), ms: 9 + i } : null,
    };
  });
  return {
    ...base,
    language: "cuda",
    device: {
      id: "nvidia-rtx-4090",
      name: "NVIDIA GeForce RTX 4090",
      vendor: "nvidia",
      ceilings: { source: "datasheet", label: "NVIDIA GeForce RTX 4090", computeGflops: { f32: 82_600, f16: 82_600 }, dramGBps: 1008, workgroupGBps: 41_300 },
    },
    measuredCeilings: { source: "measured", label: "lavapipe (software)", computeGflops: { f32: 67.3, f16: 10.5 }, dramGBps: 0.896, workgroupGBps: 1.9 },
    measuredOn: { adapter: "lavapipe (software)", deviceId: "measured-lavapipe" },
    kernels,
  };
}

/** Four kernels at the corners of the chart: their tooltips must flip to stay on screen. */
export function cornersFixture(): RooflineData {
  const base = sparseFixture("file:///work/kernels/corners.wgsl");
  const corner = (name: string, ai: number, gflops: number, line: number): RooflineKernelView => ({
    name,
    range: lineRange(line, name),
    predicted: { ai, gflops, ms: 1, bound: "memory", attainableGflops: Math.min(66_900, ai * 3350) },
    workgroupAi: 2,
    reason: null,
    measured: null,
  });
  return {
    ...base,
    measuredCeilings: null,
    kernels: [
      corner("bottom_left_kernel_with_a_long_name", 0.012, 0.12, 10),
      corner("top_left_kernel_with_a_long_name", 0.012, 150_000, 20),
      corner("bottom_right_kernel_with_a_long_name", 900, 0.12, 30),
      corner("top_right_kernel_with_a_long_name", 900, 150_000, 40),
    ],
  };
}
