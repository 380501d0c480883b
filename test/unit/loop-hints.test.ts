// The loop inlay hint: work per ACTIVE lane (a tree reduction's halving lanes do 1 FLOP each, not 0.12 averaged over
// every invocation), a label within VS Code's inlay-hint length, and its place at the end of the loop header's line.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { CUDA_WORDS } from "../../server/src/core/model/format";
import { INLAY_HINT_MAX_LENGTH, loopHint, loopHintOffset, loopHintTooltip } from "../../server/src/core/model/loopHint";
import type { LoopInfo } from "../../server/src/core/model/types";
import { findRepoRoot } from "../support/repoRoot";

const device = findDevice(DEFAULT_DEVICE_ID)!;
const repoRoot = findRepoRoot();

function loopsOf(file: string, entry: string): { text: string; loops: readonly LoopInfo[] } {
  const text = readFileSync(join(repoRoot, "examples", file), "utf8");
  const m = analyzeSource(text, { model: { device } }).models.get(entry);
  assert.ok(m, `${entry} is modelled`);
  return { text, loops: m.model.loops };
}

/** The loop whose header holds `needle` (the last such header: code comes after the header comment). */
function loopAt(text: string, loops: readonly LoopInfo[], needle: string): LoopInfo {
  const at = text.lastIndexOf(needle);
  const l = loops.find((x) => x.span.start === at);
  assert.ok(l, `a loop starts at '${needle}'`);
  return l;
}

describe("loop hints count per active lane", () => {
  it("the tree reduction: 1 FLOP and 12 B of workgroup memory per active lane, 12% of lanes active", () => {
    // By hand (examples/reduction.wgsl, WG = 256, 2,048 workgroups, 524,288 invocations): strides 128, 64, ..., 1 are
    // 8 iterations. In a workgroup the lanes with lid < stride add: 128 + 64 + ... + 1 = 255 (lane, iteration) pairs
    // do work out of 256 x 8 = 2,048. Each does one add (1 FLOP) and moves partial[lid], partial[lid + stride] and
    // the store to partial[lid]: 3 x 4 = 12 B. Averaged over every lane that is 255 / 2,048 = 0.1245 FLOP: the
    // "0.12 FLOP per iteration" the hint used to show.
    const { text, loops } = loopsOf("reduction.wgsl", "reduce_sum");
    const l = loopAt(text, loops, "for (var stride");
    assert.equal(l.tripCount?.value, 8);
    assert.equal(l.lanes, 524288);
    assert.equal(l.activeFraction, 255 / 2048);
    assert.deepEqual(l.perActiveLane, { flops: 1, globalBytes: 0, workgroupBytes: 12 });
    assert.equal(l.perIteration.flops, 255 / 2048);
    assert.equal(loopHint(l), "×8 · 1 FLOP · 12 B wg · 12% of lanes");
    const tip = loopHintTooltip(l, undefined, device.name);
    // 524,288 x 255 / 2,048 = 65,280 lanes work in an average iteration.
    assert.match(tip, /^8 iterations \(128, 64, 32, 16, \.\.\.\)$/m);
    assert.match(tip, /each active invocation \(lane\): 1 FLOP, 12 B of workgroup memory\./);
    assert.match(tip, /Lanes drop out: on average 65,280 of the 524,288 invocations that run the loop work in an iteration \(12%\)/);
    assert.match(tip, /Averaged over all 524,288: 0\.12 FLOP, 1\.5 B workgroup memory per iteration\./);
    assert.match(tip, /RTX 4090: estimated, not measured/);
  });

  it("the softmax merge tree: 6 FLOP and 24 B per active lane", () => {
    // By hand (examples/softmax-2pass.wgsl, 256 workgroups of 256): a merge is one max, two subtracts, two multiplies
    // and an add (6 FLOP; the exps are special ops) and reads red_max and red_sum at lid and lid + stride (16 B) and
    // stores both at lid (8 B): 24 B. 255 of each workgroup's 2,048 (lane, iteration) pairs merge.
    const { text, loops } = loopsOf("softmax-2pass.wgsl", "softmax_2pass");
    const l = loopAt(text, loops, "for (var stride");
    assert.deepEqual(l.perActiveLane, { flops: 6, globalBytes: 0, workgroupBytes: 24 });
    assert.equal(l.activeFraction, 255 / 2048);
    assert.equal(l.lanes, 65536);
    assert.equal(loopHint(l), "×8 · 6 FLOP · 24 B wg · 12% of lanes");
    assert.match(loopHintTooltip(l), /on average 8,160 of the 65,536 invocations/);
    // The two passes over the row keep every lane busy: no lane count in the label.
    const pass1 = loopAt(text, loops, "for (var j = lid; j < params.len; j += WG) {\n    let v");
    assert.equal(pass1.activeFraction, 1);
    assert.equal(loopHint(pass1), "×4 · 5 FLOP · 4 B global");
    assert.match(loopHintTooltip(pass1), /Every invocation that runs the loop works in each iteration \(65,536 invocations\)/);
  });

  it("the tiled matmul: every lane works, so per active lane is per lane", () => {
    // By hand (examples/matmul-tiled.wgsl, TILE = 16, K = 512): the tile loop runs 512 / 16 = 32 times; each lane
    // loads one element of A and one of B (8 B global), stores both in the tiles (8 B) and runs the inner loop: 16 x
    // (one multiply-add = 2 FLOP, two tile reads = 8 B) = 32 FLOP and 128 B, so 136 B of workgroup memory.
    const { text, loops } = loopsOf("matmul-tiled.wgsl", "matmul_tiled");
    const outer = loopAt(text, loops, "for (var t = 0u");
    const inner = loopAt(text, loops, "for (var i = 0u; i < TILE");
    assert.equal(outer.activeFraction, 1);
    assert.deepEqual(outer.perActiveLane, { flops: 32, globalBytes: 8, workgroupBytes: 136 });
    assert.deepEqual(outer.perActiveLane, outer.perIteration);
    assert.equal(loopHint(outer), "×32 · 32 FLOP · 8 B global · 136 B wg");
    assert.equal(loopHint(inner), "×16 · 2 FLOP · 8 B wg");
    assert.equal(loopHint(inner, CUDA_WORDS), "×16 · 2 FLOP · 8 B shared");
  });

  it("counts the lanes of both arms of an if/else as active, and half of them for an if alone", () => {
    // 4 workgroups of 64, 8 iterations: odd and even lanes each do one FLOP and a load and a store of x[i] (8 B).
    const kernel = (body: string): LoopInfo => {
      const text = `// @dispatch 4\n// @buffer x[256]\n@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let i = wid.x * 64u + lid;
  for (var k = 0u; k < 8u; k++) {
    ${body}
  }
}
`;
      const m = analyzeSource(text, { model: { device } }).models.get("main");
      assert.ok(m);
      return m.model.loops[0]!;
    };
    const both = kernel("if (lid % 2u == 0u) { x[i] = x[i] * 2.0; } else { x[i] = x[i] + 1.0; }");
    assert.equal(both.activeFraction, 1);
    assert.deepEqual(both.perActiveLane, { flops: 1, globalBytes: 8, workgroupBytes: 0 });
    assert.equal(loopHint(both), "×8 · 1 FLOP · 8 B global");
    const half = kernel("if (lid % 2u == 0u) { x[i] = x[i] * 2.0; }");
    assert.equal(half.activeFraction, 0.5);
    assert.equal(half.lanes, 256);
    assert.deepEqual(half.perActiveLane, { flops: 1, globalBytes: 8, workgroupBytes: 0 });
    assert.equal(loopHint(half), "×8 · 1 FLOP · 8 B global · 50% of lanes");
    assert.match(loopHintTooltip(half), /on average 128 of the 256 invocations that run the loop work in an iteration \(50%\)/);
  });

  it("keeps every bundled WGSL example's labels within VS Code's inlay-hint length", () => {
    for (const [file, entries] of Object.entries({
      "matmul-tiled-blocked.wgsl": ["matmul_tiled_blocked"], "conv2d.wgsl": ["conv2d"], "softmax-online.wgsl": ["softmax_online"],
      "quant/int4-gemv-bad.wgsl": ["gemv_int4_bad"], "quant/int8-dot.wgsl": ["int8_dot"], "syntax-tour.wgsl": ["main"],
    })) {
      for (const entry of entries) for (const l of loopsOf(file, entry).loops) assert.ok(loopHint(l).length <= INLAY_HINT_MAX_LENGTH, `${file}: '${loopHint(l)}'`);
    }
    // The longest today: the blocked matmul's tile loop, 39 characters.
    const { loops } = loopsOf("matmul-tiled-blocked.wgsl", "matmul_tiled_blocked");
    assert.ok(loops.some((l) => loopHint(l) === "×16 · 128 FLOP · 16 B global · 272 B wg"));
  });

  it("drops what does not fit rather than letting VS Code cut the label", () => {
    const huge: LoopInfo = {
      span: { start: 0, end: 1 }, headerEnd: 0, tripCount: { value: 4096, min: 4096, max: 4096 }, tripCountText: "0..n",
      perIteration: { flops: 1, globalBytes: 1, workgroupBytes: 1 },
      perActiveLane: { flops: 123456, globalBytes: 654321, workgroupBytes: 765432 }, lanes: 1000, activeFraction: 0.5,
    };
    const label = loopHint(huge, CUDA_WORDS);
    assert.ok(label.length <= INLAY_HINT_MAX_LENGTH, label);
    // The lane share and the shared bytes go first; the tooltip keeps them.
    assert.equal(label, "×4.1k · 123 kFLOP · 654 kB global");
    // Beside a SASS hint on the same line (VS Code's limit counts a line's hints together) the loop hint leaves room.
    const tiled = loopsOf("matmul-tiled.wgsl", "matmul_tiled");
    const matmul = loopAt(tiled.text, tiled.loops, "for (var t = 0u");
    assert.equal(loopHint(matmul, CUDA_WORDS, INLAY_HINT_MAX_LENGTH - "9999 SASS".length), "×32 · 32 FLOP · 8 B global");
  });
});

describe("loop hint position: the end of the loop header's line", () => {
  const place = (text: string, header: string, body: string): string => {
    const start = text.indexOf(header);
    return text.slice(0, loopHintOffset(text, start, text.indexOf(body, start))) + "|";
  };
  it("after the `{` of a WGSL or CUDA for, not before it", () => {
    const text = "fn f() {\n  for (var i = 0u; i < 4u; i++) {  \n    x += 1.0;\n  }\n}\n";
    assert.match(place(text, "for", "{  \n"), /i\+\+\) \{\|$/);
  });
  it("after `loop {` (the header ends at the keyword)", () => {
    const text = "  loop {\n    if (i > 3u) { break; }\n  }\n";
    const start = text.indexOf("loop");
    assert.equal(text.slice(0, loopHintOffset(text, start, start + 4)), "  loop {");
  });
  it("on the `)` line when the `{` is on the next (Allman style), and on a header split over lines", () => {
    const allman = "  for (int k = 0; k < K; ++k)\n  {\n    acc += a[k];\n  }\n";
    assert.match(place(allman, "for", "{\n    acc"), /\+\+k\)\|$/);
    const split = "  for (var i = 0u;\n       i < n;\n       i++) {\n    x += 1.0;\n  }\n";
    assert.match(place(split, "for", "{\n    x"), /i\+\+\) \{\|$/);
  });
  it("after the `:` of a Python for, whose body starts on the next line", () => {
    const text = "    for k in range(0, K, BLOCK_K):\n        a = tl.load(a_ptrs)\n";
    assert.match(place(text, "for", "a = tl.load"), /BLOCK_K\):\|$/);
    // A comment between the header and the body is skipped; one on the header's line is part of it.
    const commented = "    for k in range(0, K, BLOCK_K):  # tiles\n        # zeros past the edge\n        a = tl.load(a_ptrs)\n";
    assert.match(place(commented, "for", "a = tl.load"), /# tiles\|$/);
    const cuda = "  for (int i = 0; i < n; ++i)\n    // the sum\n    acc += a[i];\n";
    assert.match(place(cuda, "for", "acc +="), /\+\+i\)\|$/);
  });
});
