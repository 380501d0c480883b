// Triton's warp layout of a tl.dot, worked by hand from AccelerateMatmul.cpp's rules (warpsPerTileV2: balance the
// 16 x 8 mma tiles per warp, M first on ties; warpsPerTileV3: warpgroups of 4 along M while M has rows for them), and
// the shared-memory reads of the operands that follow from it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dotLayout, mmaVersion, warpsPerTileV2, warpsPerTileV3 } from "../../server/src/core/triton/mmaLayout";

describe("Triton dot layouts", () => {
  it("chooses the MMA generation by compute capability, input type and tile", () => {
    assert.equal(mmaVersion("8.0", "fp16", 128, 8), 2);
    assert.equal(mmaVersion("8.9", "fp8e4nv", 128, 4), 2);
    assert.equal(mmaVersion("9.0", "fp16", 128, 8), 3);
    // wgmma needs M a multiple of 64 and whole warpgroups.
    assert.equal(mmaVersion("9.0", "fp16", 32, 4), 2);
    assert.equal(mmaVersion("9.0", "fp16", 128, 2), 2);
    assert.equal(mmaVersion("10.0", "bf16", 128, 4), 5);
    // Consumer Blackwell (sm_120) keeps mma.sync.
    assert.equal(mmaVersion("12.0", "fp16", 128, 4), 2);
  });

  it("mma v2: 128 x 256 on 8 warps is 2 x 4 (A read by 4 warp columns, B by 2 warp rows)", () => {
    // [1,1]: 128/16 = 8 < 256/16 = 16 -> N; [1,2]: 8 >= 8 -> M; [2,2]: 4 < 8 -> N; [2,4].
    assert.deepEqual(warpsPerTileV2(128, 256, 8, false), [2, 4]);
    // [1,1]: 4 >= 4 -> M; [2,1]: 2 < 4 -> N; [2,2].
    assert.deepEqual(warpsPerTileV2(64, 64, 4, false), [2, 2]);
    // A 16-row tile has no second row of warps: the rest go along N.
    assert.deepEqual(warpsPerTileV2(16, 64, 4, false), [1, 4]);
    const l = dotLayout("8.0", "fp16", 128, 256, 8, false);
    assert.deepEqual([l.readsA, l.readsB, l.accumulatorInRegisters], [4, 2, true]);
  });

  it("mma v3: warpgroups along M; B read once per warpgroup row", () => {
    assert.deepEqual(warpsPerTileV3(128, 8, false), [8, 1]);
    assert.deepEqual(warpsPerTileV3(64, 8, false), [4, 2]);
    const l = dotLayout("9.0", "fp16", 128, 256, 8, false);
    assert.deepEqual([l.readsA, l.readsB], [1, 2]);
  });

  it("a chained dot (flash attention) puts every warp along M", () => {
    assert.deepEqual(warpsPerTileV2(128, 64, 4, true), [4, 1]);
    assert.deepEqual(dotLayout("9.0", "fp16", 128, 64, 8, true).warps, [8, 1]);
  });

  it("mma v5 reads each operand once and keeps the accumulator out of registers", () => {
    const l = dotLayout("10.0", "fp16", 128, 256, 4, false);
    assert.deepEqual([l.readsA, l.readsB, l.accumulatorInRegisters], [1, 1, false]);
  });
});
