// The model works within a budget: past it, counts become sampled estimates that say where and why, never a hang.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { WorkBudget } from "../../server/src/core/model/budget";
import { findRepoRoot } from "../support/repoRoot";

const device = findDevice(DEFAULT_DEVICE_ID)!;

// 64 x 64 invocations; the store runs where (x * y) % 7 == 3, a condition no closed form solves: the counter
// enumerates all 4,096 (x, y) pairs. By hand: x * y = 3 (mod 7) has 6 solutions among the 49 residue pairs (one
// y for each non-zero x), and 64 = 9 * 7 + 1, so residues 0..6 occur 10, 9, 9, 9, 9, 9, 9 times: the count is
// the sum over the 6 pairs (x, 3 / x mod 7) of n(x) * n(y) with every x, y non-zero, 6 * 9 * 9 = 486.
const text = `// @dispatch 8, 8
// @buffer out[4096]
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(8, 8)
fn k(@builtin(global_invocation_id) g: vec3<u32>) {
  if ((g.x * g.y) % 7u == 3u) {
    out[g.y * 64u + g.x] = 1u;
  }
}
`;

const store = (budget?: { steps?: number; timeMs?: number; clock?: () => number }) => {
  const m = analyzeSource(text, { model: { device, budget } }).models.get("k")!.model;
  return { count: m.accesses.find((a) => a.kind === "store")!.count, unknowns: m.unknowns };
};

test("within the budget the count is exact", () => {
  const { count, unknowns } = store();
  assert.deepEqual(count, { value: 486, min: 486, max: 486 });
  assert.deepEqual(unknowns.filter((u) => u.what === "counts"), []);
});

test("past a step budget the count is a sampled estimate, said with where it ran out", () => {
  const { count, unknowns } = store({ steps: 100 });
  const note = unknowns.find((u) => u.what === "counts");
  assert.ok(note, "an unknown says the budget ran out");
  assert.match(note.reason, /the analysis budget of 100 steps ran out here: counts from this point on are sampled estimates/);
  assert.ok(note.span, "with a location");
  assert.match(text.slice(note.span.start, note.span.end), /^\(?\(g\.x \* g\.y\) % 7u == 3u\)?$/);
  // A sample of 500 points of the 4,096: near 486, not exact.
  assert.ok(Math.abs(count.value - 486) < 200, String(count.value));
});

test("past a time budget (the adapter's clock) the same happens", () => {
  let now = 0;
  const budget = new WorkBudget({ timeMs: 5, clock: () => (now += 10) });
  assert.equal(budget.spend(70000), false);
  assert.match(budget.reason ?? "", /longer than its 5 ms budget/);
  const { unknowns } = store({ timeMs: 5, clock: () => (now += 10), steps: 1e12 });
  // 4,096 steps do not reach the clock's first check (every 65,536 steps): the small kernel is exact.
  assert.deepEqual(unknowns.filter((u) => u.what === "counts"), []);
});

test("sizes past 2^53 are answered at once, with the accesses marked as beyond exact arithmetic", () => {
  const saxpy = readFileSync(join(findRepoRoot(), "examples", "saxpy.wgsl"), "utf8").replace("// @let N = 1 << 20", "// @let N = 1e18");
  const started = Date.now();
  const m = analyzeSource(saxpy, { model: { device } }).models.get("saxpy")!;
  assert.ok(Date.now() - started < 5000);
  const x = m.model.accesses.find((a) => a.binding === "x")!;
  assert.equal(x.pattern, "unknown");
  assert.match(x.note ?? "", /2\^53 bytes/);
  assert.deepEqual(m.diagnostics.filter((d) => d.code === "webgpu-limits").length, 4);
});
