// How Triton spreads a `tl.dot` over the program's warps, and so how often its operand tiles are read from shared
// memory: the choices of Triton's AccelerateMatmul pass (lib/Dialect/TritonGPU/Transforms/AccelerateMatmul.cpp:
// getMMAVersionSafe, warpsPerTileV2, warpsPerTileV3), restated here because the front-end must know them without
// the compiler.
//
// - mma v2 (Turing to Ada, and consumer Blackwell): each warp runs mma.sync on its own [M/wm, N/wn] piece and loads
//   its A rows and B columns from shared memory itself (ldmatrix): A is read wn times, B wm times.
// - mma v3 (Hopper, sm_90): wgmma runs per warpgroup of 4 warps and reads both operands from shared memory: A is read
//   once per warpgroup column (wn), B once per warpgroup row (wm / 4).
// - mma v5 (datacenter Blackwell, sm_100): tcgen05.mma is issued once per program and reads each operand once; the
//   accumulator lives in tensor memory, not registers.

export type MmaVersion = 2 | 3 | 5;

export interface DotLayout {
  readonly version: MmaVersion;
  /** Warps along M and N. */
  readonly warps: readonly [number, number];
  /** How many times each operand tile is read from shared memory per dot. */
  readonly readsA: number;
  readonly readsB: number;
  /** The accumulator lives in registers (false for v5: tensor memory). */
  readonly accumulatorInRegisters: boolean;
}

/** The MMA generation Triton picks for a dot on this compute capability ("9.0"), its input type and shape. */
export function mmaVersion(computeCapability: string | undefined, input: string, m: number, numWarps: number): MmaVersion {
  const cc = computeCapability ? Number(computeCapability) : 8.0;
  const wgmmaType = /^(fp16|bf16|fp32|fp8e4nv|fp8e5|int8)$/.test(input);
  if (cc >= 10 && cc < 11 && wgmmaType) return 5;
  if (cc >= 9 && cc < 10 && wgmmaType && m % 64 === 0 && numWarps % 4 === 0) return 3;
  return 2;
}

/** Warps along M and N for mma v2 (Triton's warpsPerTileV2 for two dimensions). */
export function warpsPerTileV2(m: number, n: number, numWarps: number, chained: boolean): [number, number] {
  if (chained) return m >= n ? [numWarps, 1] : [1, numWarps];
  const ret: [number, number] = [1, 1];
  const perWarp = [16, 8];
  while (ret[0] * ret[1] < numWarps) {
    if (m / perWarp[0] / ret[0] >= n / (perWarp[1] * 2) / ret[1]) {
      if (ret[0] < m / perWarp[0]) ret[0] *= 2;
      else ret[1] *= 2;
    } else ret[1] *= 2;
  }
  return ret;
}

/** Warps along M and N for mma v3 (Triton's warpsPerTileV3: warpgroups of 4 along M first, 16 rows per warp). */
export function warpsPerTileV3(m: number, numWarps: number, chained: boolean): [number, number] {
  if (chained) return [numWarps, 1];
  const ret: [number, number] = [4, 1];
  while (ret[0] * ret[1] < numWarps) {
    if (m > 16 * ret[0]) ret[0] *= 2;
    else ret[1] *= 2;
  }
  return ret;
}

/**
 * The layout of one dot. `chained`: the dot's result feeds another dot (flash attention's `p @ v` after `q @ k`):
 * Triton then puts every warp along M.
 */
export function dotLayout(computeCapability: string | undefined, input: string, m: number, n: number, numWarps: number, chained: boolean): DotLayout {
  const version = mmaVersion(computeCapability, input, m, numWarps);
  if (version === 5) return { version, warps: [numWarps, 1], readsA: 1, readsB: 1, accumulatorInRegisters: false };
  if (version === 3) {
    const warps = warpsPerTileV3(m, numWarps, chained);
    return { version, warps, readsA: warps[1], readsB: Math.max(1, warps[0] / 4), accumulatorInRegisters: true };
  }
  const warps = warpsPerTileV2(m, n, numWarps, chained);
  return { version, warps, readsA: warps[1], readsB: warps[0], accumulatorInRegisters: true };
}
