// Published optimisation ladders: versions of one kernel, each measured on a named GPU, against which the cost
// model's predictions are compared (`npm run bench`, accuracy section; test/bench/accuracy.ts).
//
// Every kernel file is KernelLens's own WGSL, written after the algorithm, tile sizes and workgroup shape of the
// published version (see the header of each file); every figure names where it was published.

/** One published measurement of one version on one GPU. */
export interface LadderVersion {
  /** The kernel, relative to the ladder's folder. */
  readonly file: string;
  /** Its entry point. */
  readonly entry: string;
  /** What the version changes, in a few words. */
  readonly label: string;
  /** Published throughput, GFLOP/s (2 M N K / time for a matmul). */
  readonly publishedGflops: number;
  /** True where the figure is given as "about" (read off a comment, not a log). */
  readonly approximate?: boolean;
  /** Where it was published. */
  readonly source: string;
}

export interface Ladder {
  readonly id: string;
  readonly title: string;
  /** The folder of the kernel files, relative to the repository root. */
  readonly dir: string;
  /** The device database id of the GPU every version of this ladder was measured on. */
  readonly deviceId: string;
  /** FLOPs of one dispatch of every version (the problem is the same along a ladder). */
  readonly flops: number;
  readonly versions: readonly LadderVersion[];
}

const GPUCPP = "test/fixtures/ladders/gpucpp-matmul";
const PR = (n: number): string => `AnswerDotAI/gpu.cpp pull request #${n} — https://github.com/AnswerDotAI/gpu.cpp/pull/${n}`;
const M1MAX_COMMENT = `${PR(11)}, maintainer's comment (about 1.3 TFLOPS for 1D tiling on his M1 machine); the 2D unrolled figure is the maintainer's "about 2,550" from the same discussion`;

/** gpu.cpp's matmul example: M = K = 4,096, N = 8,192. */
export const GPUCPP_MATMUL = { M: 4096, K: 4096, N: 8192 } as const;
const GPUCPP_FLOPS = 2 * GPUCPP_MATMUL.M * GPUCPP_MATMUL.N * GPUCPP_MATMUL.K;

const V = {
  oneD: { file: "1-1d-blocktiling.wgsl", entry: "matmul_1d", label: "1D tiling BK=4 TM=16" },
  twoD: { file: "2-2d-blocktiling.wgsl", entry: "matmul_2d", label: "2D tiling BK=16 TM=TN=4" },
  oneDU: { file: "3-1d-blocktiling-unrolled.wgsl", entry: "matmul_1d_unrolled", label: "1D tiling, unrolled" },
  twoDU: { file: "4-2d-blocktiling-unrolled.wgsl", entry: "matmul_2d_unrolled", label: "2D tiling, unrolled" },
  vec4: { file: "5-2d-vec4.wgsl", entry: "matmul_2d_vec4", label: "2D BK=8 TM=TN=8, vec4" },
  vec4T: { file: "6-2d-vec4-transposed.wgsl", entry: "matmul_2d_vec4_transposed", label: "vec4, B transposed" },
  vec4F16: { file: "7-2d-vec4-f16.wgsl", entry: "matmul_2d_vec4_f16", label: "vec4, f16" },
  vec4TF16: { file: "8-2d-vec4-transposed-f16.wgsl", entry: "matmul_2d_vec4_transposed_f16", label: "vec4, B transposed, f16" },
} as const;

export const LADDERS: readonly Ladder[] = [
  {
    id: "gpucpp-matmul-m2-pro",
    title: "gpu.cpp matmul ladder on Apple M2 Pro",
    dir: GPUCPP,
    deviceId: "apple-m2-pro",
    flops: GPUCPP_FLOPS,
    versions: [
      { ...V.oneD, publishedGflops: 779.6, source: PR(11) },
      { ...V.twoD, publishedGflops: 475.6, source: PR(11) },
      { ...V.oneDU, publishedGflops: 862.8, source: PR(11) },
      { ...V.twoDU, publishedGflops: 1288.1, source: PR(11) },
      { ...V.vec4, publishedGflops: 1672.2, source: PR(39) },
      { ...V.vec4T, publishedGflops: 1702.7, source: PR(39) },
      { ...V.vec4F16, publishedGflops: 3175.0, source: PR(39) },
      { ...V.vec4TF16, publishedGflops: 2889.8, source: PR(39) },
    ],
  },
  {
    id: "gpucpp-matmul-rtx-3080-laptop",
    title: "gpu.cpp matmul ladder on NVIDIA GeForce RTX 3080 Laptop GPU",
    dir: GPUCPP,
    deviceId: "nvidia-rtx-3080-laptop",
    flops: GPUCPP_FLOPS,
    versions: [
      { ...V.vec4, publishedGflops: 2427.0, source: PR(35) },
      { ...V.vec4T, publishedGflops: 3680.3, source: PR(35) },
    ],
  },
  {
    id: "gpucpp-matmul-m1-max",
    title: "gpu.cpp matmul ladder on Apple M1 Max (approximate figures)",
    dir: GPUCPP,
    deviceId: "apple-m1-max",
    flops: GPUCPP_FLOPS,
    versions: [
      { ...V.oneD, publishedGflops: 1300, approximate: true, source: M1MAX_COMMENT },
      { ...V.twoDU, publishedGflops: 2550, approximate: true, source: M1MAX_COMMENT },
      { ...V.vec4, publishedGflops: 2550, approximate: true, source: M1MAX_COMMENT },
    ],
  },
];
