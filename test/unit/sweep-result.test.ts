// Unit tests of the sweep result file: validation (never throwing), the Pareto front and its ties, parameter substitution, the fixture.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";
import {
  dominates,
  formatParams,
  formatValueLike,
  maskComments,
  paretoFront,
  parseSweepResult,
  sameParams,
  substituteParameters,
  validateSweepResult,
  variantSource,
  type SweepPoint,
  type SweepResult,
} from "../../server/src/core/sweep/result";
import { savedResultUri } from "../../webview/src/designSpace/state";
import { hostToPageChecker, pageToHostChecker } from "../../webview/src/designSpace/protocol";
import { check } from "../../server/src/core/validation";
import { findRepoRoot } from "../support/repoRoot";

const root = findRepoRoot(__dirname);
const fixtureDir = join(root, "test", "fixtures", "sweep");
const fixtureText = readFileSync(join(fixtureDir, "matmul-tiled.sweep.json"), "utf8");
const fixture = (): SweepResult => JSON.parse(fixtureText) as SweepResult;
const baseline = readFileSync(join(fixtureDir, "matmul-tiled.wgsl"), "utf8");

function point(o: Partial<SweepPoint> & { params: SweepPoint["params"] }): SweepPoint {
  return { predictedMs: 1, measuredMs: 1, feasible: true, reason: null, ...o };
}

/** A small valid two-objective result to break one field at a time. */
function small(): SweepResult {
  const points: SweepPoint[] = [
    point({ params: { T: 8 }, measuredMs: 2, objectives: { timeMs: 2, mem: 100 } }),
    point({ params: { T: 16 }, measuredMs: 1, objectives: { timeMs: 1, mem: 400 } }),
    point({ params: { T: 32 }, measuredMs: null, predictedMs: 0.5, feasible: false, reason: "workgroup too large" }),
  ];
  return {
    file: "k.wgsl",
    entry: "main",
    space: [{ name: "T", kind: "override", values: [8, 16, 32] }],
    measured: 2,
    best: { params: { T: 16 }, medianMs: 1 },
    objectives: [
      { key: "timeMs", label: "Time", unit: "ms" },
      { key: "mem", label: "Memory", unit: "bytes" },
    ],
    points,
    pareto: [1, 0],
  };
}

describe("validateSweepResult", () => {
  it("accepts the fixture and a small result, and parses result text", () => {
    assert.deepEqual(validateSweepResult(fixture()), []);
    assert.deepEqual(validateSweepResult(small()), []);
    assert.deepEqual(validateSweepResult({ ...small(), measuredOn: { adapter: "Local GPU (software)", deviceId: "measured-local" } }), []);
    const parsed = parseSweepResult(fixtureText);
    assert.ok(parsed.ok);
    assert.equal(parsed.result.points.length, 20);
    const bad = parseSweepResult("{ not json");
    assert.ok(!bad.ok);
    assert.match(bad.problems[0]!, /^not JSON: /);
  });

  it("names the path and the problem of each broken field", () => {
    const cases: [string, (r: SweepResult & Record<string, unknown>) => void, RegExp][] = [
      ["not an object", (r) => Object.assign(r, { space: 5 }), /^result\.space: expected an array, got 5$/],
      ["an empty space", (r) => (r.space = []), /^result\.space: expected 1 to 16 parameters, got 0$/],
      ["a bad parameter name", (r) => (r.space[0]!.name = "T-1"), /^result\.space\[0\]\.name: "T-1" has the wrong form$/],
      ["a duplicate value", (r) => (r.space[0]!.values = [8, 8]), /^result\.space\[0\]\.values\[1\]: 8 appears twice$/],
      ["an unknown kind", (r) => Object.assign(r.space[0]!, { kind: "macro" }), /result\.space\[0\]\.kind: expected "override"/],
      ["a value off the space", (r) => (r.points[0]!.params.T = 12), /^result\.points\[0\]\.params\.T: 12 is not one of the values swept$/],
      ["a parameter off the space", (r) => (r.points[0]!.params.U = 1), /^result\.points\[0\]\.params\.U: is not a parameter of the space$/],
      ["a missing parameter", (r) => delete r.points[0]!.params.T, /^result\.points\[0\]\.params: has no value for T$/],
      ["a zero time", (r) => (r.points[0]!.predictedMs = 0), /^result\.points\[0\]\.predictedMs: 0 is not above zero$/],
      ["NaN", (r) => (r.points[0]!.measuredMs = NaN), /^result\.points\[0\]\.measuredMs: expected a number, got the number NaN|expected a number/],
      ["a huge time", (r) => (r.points[0]!.measuredMs = 1e13), /above the limit of 1000000000000/],
      ["an infeasible point without a reason", (r) => (r.points[2]!.reason = " "), /^result\.points\[2\]\.reason: an infeasible point needs a reason$/],
      ["a measured infeasible point", (r) => (r.points[2]!.measuredMs = 3), /^result\.points\[2\]\.measuredMs: an infeasible point cannot have been measured$/],
      ["a point with one objective of two", (r) => delete r.points[0]!.objectives!.timeMs, /^result\.points\[0\]\.objectives: a point with objectives needs a value for timeMs$/],
      ["a cached flag that is not a boolean", (r) => ((r.points[0] as unknown as Record<string, unknown>).cached = "yes"), /^result\.points\[0\]\.cached: expected true or false/],
      ["a negative error", (r) => (r.points[0]!.error = -1), /^result\.points\[0\]\.error: -1 is below zero$/],
      ["a negative objective", (r) => (r.points[0]!.objectives!.mem = -1), /^result\.points\[0\]\.objectives\.mem: -1 is below zero$/],
      ["a wrong measured count", (r) => (r.measured = 3), /^result\.measured: says 3 points were measured, but 2 have a measured time$/],
      ["a duplicate variant", (r) => (r.points[1]!.params.T = 8), /^result\.points\[1\]\.params: the same variant as points\[0\]$/],
      ["a best that is no point", (r) => (r.best = { params: { T: 32 }, medianMs: 1 }), /^result\.best\.params: names a point that is not a measured feasible one$/],
      ["a front index out of range", (r) => (r.pareto = [7]), /^result\.pareto\[0\]: expected the index of a point, got 7$/],
      ["an infeasible point on the front", (r) => (r.pareto = [2]), /^result\.pareto\[0\]: point 2 is not a feasible point with both objectives$/],
      ["a dominated point on the front", (r) => ((r.points[0]!.objectives = { timeMs: 2, mem: 500 }), (r.pareto = [1, 0])), /^result\.pareto: point 0 is dominated by point 1$/],
      ["a front missing a point", (r) => (r.pareto = [1]), /^result\.pareto: point 0 is on the front but not listed$/],
      ["a front without objectives", (r) => delete r.objectives, /^result\.pareto: a front needs two objectives/],
      ["one objective twice", (r) => (r.objectives![1]!.key = "timeMs"), /^result\.objectives: both objectives are timeMs$/],
      ["a multi-line string value", (r) => ((r.space[0]!.values = [8, 16, "a\nb"]), (r.points[2]!.params.T = "a\nb")), /has the wrong form/],
      ["a version from the future", (r) => Object.assign(r, { version: 2 }), /^result\.version: expected 1, got 2$/],
      ["a bad entry name", (r) => (r.entry = "main()"), /^result\.entry: "main\(\)" has the wrong form$/],
      ["a measuring adapter that is not an object", (r) => Object.assign(r, { measuredOn: "gpu" }), /^result\.measuredOn: expected an object/],
      ["a measuring adapter without a device id", (r) => Object.assign(r, { measuredOn: { adapter: "GPU" } }), /^result\.measuredOn\.deviceId: expected a string/],
    ];
    for (const [what, breakIt, expected] of cases) {
      const r = small() as SweepResult & Record<string, unknown>;
      breakIt(r);
      const problems = validateSweepResult(r);
      assert.ok(problems.some((p) => expected.test(p)), `${what}: ${JSON.stringify(problems)}`);
    }
  });

  it("never throws, whatever it is given, and reports at most twenty problems", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
        has() {
          throw new Error("boom");
        },
        ownKeys() {
          throw new Error("boom");
        },
        getOwnPropertyDescriptor() {
          throw new Error("boom");
        },
      },
    );
    const throwingGetter = Object.defineProperty({ ...small() }, "points", {
      get() {
        throw new Error("getter");
      },
      enumerable: true,
    });
    for (const value of [undefined, null, 0, "text", [], [1, 2], {}, hostile, throwingGetter, { space: [{ name: "T", values: [1] }], points: Array(30).fill(7) }]) {
      const problems = validateSweepResult(value);
      assert.ok(Array.isArray(problems) && problems.length > 0, `problems for a ${typeof value}`);
      assert.ok(problems.length <= 20);
    }
    assert.match(validateSweepResult(hostile)[0]!, /^result: could not be read \(boom\)$/);
    const many = small();
    many.points = Array.from({ length: 20_001 }, (_, i) => point({ params: { T: 8 }, measuredMs: i + 1 }));
    assert.match(validateSweepResult(many).join("\n"), /20001 points are more than the limit of 20000/);
  });

  it("accepts points that carry their own source, string and flag values, and results with one objective", () => {
    const r = small();
    r.space.push({ name: "USE_F16", kind: "define", values: [true, false] }, { name: "ACC", kind: "define", values: ["f32", "f16"] });
    r.points.forEach((p, i) => Object.assign(p.params, { USE_F16: i % 2 === 0, ACC: i === 0 ? "f32" : "f16" }));
    r.best = { params: r.points[1]!.params, medianMs: 1 };
    r.points[0]!.source = "override T: u32 = 8;\n";
    assert.deepEqual(validateSweepResult(r), []);
    const single = small();
    delete single.objectives;
    single.pareto = [];
    for (const p of single.points) delete p.objectives;
    assert.deepEqual(validateSweepResult(single), []);
  });
});

describe("paretoFront", () => {
  const keys = ["t", "m"] as const;
  const at = (t: number, m: number, feasible = true): SweepPoint => point({ params: {}, feasible, reason: feasible ? null : "x", objectives: { t, m } });

  it("keeps the points no other point dominates, ordered by the first objective", () => {
    const points = [at(3, 1), at(1, 5), at(2, 2), at(2.5, 4), at(4, 0.5), at(5, 6)];
    assert.deepEqual(paretoFront(points, keys), [1, 2, 0, 4]);
    assert.ok(dominates([1, 1], [1, 2]) && dominates([1, 1], [2, 1]) && !dominates([1, 1], [1, 1]) && !dominates([1, 3], [2, 1]));
  });

  it("breaks ties as documented: equal in one objective, the better other wins; equal in both, the first is kept", () => {
    // Same time, different memory: only the smaller memory. Same memory, different time: only the faster.
    assert.deepEqual(paretoFront([at(1, 5), at(1, 3), at(2, 3)], keys), [1]);
    // Identical trade-offs: one of them, the lowest index, whatever the order they come in.
    assert.deepEqual(paretoFront([at(2, 2), at(1, 4), at(2, 2), at(1, 4)], keys), [1, 0]);
  });

  it("leaves out infeasible points and points without both objectives", () => {
    const points = [at(1, 1, false), at(2, 2), point({ params: {}, objectives: { t: 0.5 } }), point({ params: {} })];
    assert.deepEqual(paretoFront(points, keys), [1]);
    assert.deepEqual(paretoFront([], keys), []);
  });

  it("agrees with the fixture's front", () => {
    const r = fixture();
    assert.deepEqual(paretoFront(r.points, ["timeMs", "workgroupMemoryBytes"]), r.pareto);
  });
});

describe("substituteParameters", () => {
  const kernel = [
    "// A kernel.",
    "// @let N = 1 << 20",
    "// @override TILE = 16",
    "// @define BM=2",
    "// @define USE_F16",
    "// @sweep TILE in [8, 16, 32]",
    "// @sweep BM in [1, 2, 4]",
    "// @sweep UNROLL in [1, 2]",
    "/* override TILE: u32 = 99; in a block /* nested */ comment */",
    "// override TILE: u32 = 77;",
    "@id(0) override TILE: u32 = 16u;",
    "override SCALE: f32 = 1.0;",
    "override DEPTH: u32;",
    "@compute @workgroup_size(64, 2)",
    "fn main() {}",
    "@compute @workgroup_size(WG)",
    "fn other() {}",
    "",
  ].join("\n");

  it("writes overrides' defaults, @override/@let/@define values and keeps literal styles", () => {
    const v = substituteParameters(kernel, { TILE: 8, N: 4096, BM: 4, SCALE: 2, DEPTH: 3 });
    const lines = v.text.split("\n");
    assert.equal(lines[1], "// @let N = 4096");
    assert.equal(lines[2], "// @override TILE = 8");
    assert.equal(lines[3], "// @define BM=4");
    assert.ok(lines.includes("@id(0) override TILE: u32 = 8u;"), "the u suffix is kept");
    assert.ok(lines.includes("override SCALE: f32 = 2.0;"), "a float stays a float");
    assert.ok(lines.includes("override DEPTH: u32 = 3;"), "an override without a default gets one");
    assert.ok(lines.includes("/* override TILE: u32 = 99; in a block /* nested */ comment */"), "block comments are left alone");
    assert.ok(lines.includes("// override TILE: u32 = 77;"), "line comments are left alone");
    assert.deepEqual(v.missing, []);
    assert.deepEqual(
      v.applied.map((a) => `${a.name}:${a.kind}:${a.line}`),
      ["N:let:1", "TILE:override-directive:2", "BM:define:3", "TILE:override:10", "SCALE:override:11", "DEPTH:override:12"],
    );
  });

  it("drops the sweep lines of the parameters it sets, and pins a parameter nothing else declares", () => {
    const v = substituteParameters(kernel, { TILE: 32, BM: 1, UNROLL: 2 }, { kinds: { UNROLL: "let" } });
    assert.doesNotMatch(v.text, /@sweep (TILE|BM)/);
    assert.match(v.text, /^\/\/ @let UNROLL = 2$/m);
    assert.deepEqual(v.missing, []);
    const asDefine = substituteParameters(kernel, { UNROLL: 4 }, { kinds: { UNROLL: "define" } });
    assert.match(asDefine.text, /^\/\/ @define UNROLL=4$/m);
    assert.match(asDefine.text, /^\/\/ @sweep TILE in \[8, 16, 32\]$/m, "other parameters' sweep lines stay");
    const nowhere = substituteParameters(kernel, { NOPE: 1 });
    assert.deepEqual(nowhere.missing, ["NOPE"]);
    assert.equal(nowhere.text, kernel);
  });

  it("writes flag defines: true as the bare define, false by deleting the line", () => {
    const on = substituteParameters(kernel, { BM: true, USE_F16: true });
    assert.match(on.text, /^\/\/ @define BM$/m);
    assert.match(on.text, /^\/\/ @define USE_F16$/m);
    const off = substituteParameters(kernel, { USE_F16: false });
    assert.doesNotMatch(off.text, /USE_F16/);
    const spaced = substituteParameters("// @define ACC f32\n", { ACC: "f16" });
    assert.equal(spaced.text, "// @define ACC f16\n");
  });

  it("writes workgroup-size literals of the entry point, adding missing dimensions, and leaves expressions alone", () => {
    const x = substituteParameters(kernel, { "workgroup_size.x": 128, "workgroup_size.z": 4 }, { entry: "main" });
    assert.match(x.text, /^@compute @workgroup_size\(128, 2, 4\)$/m);
    assert.match(x.text, /^@compute @workgroup_size\(WG\)$/m, "the other entry point is untouched");
    const y = substituteParameters("@compute @workgroup_size(256u)\nfn main() {}\n", { "workgroup_size.y": 4 }, { entry: "main" });
    assert.equal(y.text, "@compute @workgroup_size(256u, 4)\nfn main() {}\n");
    const expression = substituteParameters(kernel, { workgroup_size: 32 }, { entry: "other" });
    assert.deepEqual(expression.missing, ["workgroup_size"]);
    assert.equal(expression.text, kernel);
  });

  it("keeps CRLF line endings and reports the lines of the variant that changed", () => {
    const crlf = kernel.replace(/\n/g, "\r\n");
    const v = substituteParameters(crlf, { TILE: 8, BM: 4 });
    assert.ok(!/[^\r]\n/.test(v.text), "every line break is still CRLF");
    const lines = v.text.split("\r\n");
    // The two TILE/BM sweep lines are gone, so the declaration moved up by two lines.
    assert.deepEqual(v.lines, [2, 3, 8]);
    assert.equal(lines[2], "// @override TILE = 8");
    assert.equal(lines[8], "@id(0) override TILE: u32 = 8u;");
  });

  it("makes the fixture's variants, which the model analyses with the fixture's workgroup memory and no errors", () => {
    const r = fixture();
    const device = findDevice("nvidia-rtx-4090")!;
    for (const p of r.points) {
      const v = variantSource(r, p, baseline);
      assert.deepEqual(v.missing, []);
      assert.match(v.text, new RegExp(`^override TILE: u32 = ${p.params.TILE};$`, "m"));
      assert.match(v.text, new RegExp(`^// @define BM=${p.params.BM}$`, "m"));
      const analysis = analyzeSource(v.text, { model: { device, given: new Map() } });
      const label = formatParams(p.params, r.space);
      assert.deepEqual([...analysis.diagnostics, ...analysis.syntaxErrors].filter((d) => d.severity === "error"), [], label);
      const model = analysis.models.get(r.entry)?.model;
      assert.ok(model, `${label} has a model`);
      if (p.objectives) assert.equal(model.workgroupMemoryBytes, p.objectives.workgroupMemoryBytes, label);
      assert.ok((model.roofline.predictedMs ?? 0) > 0, `${label} has a prediction`);
    }
  });

  it("takes a point's own source over the baseline", () => {
    const r = small();
    assert.equal(variantSource(r, { params: { T: 8 }, source: "mine" }, "baseline").text, "mine");
  });
});

describe("small helpers", () => {
  it("formats values like the literal they replace", () => {
    assert.equal(formatValueLike(8, "16u"), "8u");
    assert.equal(formatValueLike(8, "16i"), "8i");
    assert.equal(formatValueLike(2, "1.0"), "2.0");
    assert.equal(formatValueLike(2, "1.5f"), "2f");
    assert.equal(formatValueLike(0.25, "1.0"), "0.25");
    assert.equal(formatValueLike(3, "TILE * 2"), "3");
    assert.equal(formatValueLike(true, "false"), "true");
  });

  it("blanks comments without moving anything", () => {
    const text = "a // b\n/* c\n d */ e";
    const masked = maskComments(text);
    assert.equal(masked.length, text.length);
    assert.equal(masked, "a     \n    \n      e");
  });

  it("compares and formats parameters", () => {
    assert.ok(sameParams({ a: 1, b: 2 }, { b: 2, a: 1 }));
    assert.ok(!sameParams({ a: 1 }, { a: 1, b: 2 }));
    assert.equal(formatParams({ BM: 2, TILE: 8 }, [{ name: "TILE" }, { name: "BM" }]), "TILE=8, BM=2");
  });
});

describe("the Design-space protocol", () => {
  it("checks a sweep message with the result's own validator, and the page's messages", () => {
    const data = { resultUri: "file:///a.sweep.json", kernelUri: null, result: fixture(), baseline: null, baselineProblem: "missing" };
    assert.ok(check(hostToPageChecker, { type: "sweep", data }).ok);
    const bad = check(hostToPageChecker, { type: "sweep", data: { ...data, result: { ...fixture(), measured: -1 } } });
    assert.ok(!bad.ok && /^message\.data\.result\.measured: expected a count of points/.test(bad.detail), JSON.stringify(bad));
    assert.ok(check(pageToHostChecker, { type: "openVariant", resultUri: "file:///a.sweep.json", index: 3 }).ok);
    assert.ok(!check(pageToHostChecker, { type: "openVariant", resultUri: "file:///a.sweep.json", index: -1 }).ok);
    assert.ok(!check(pageToHostChecker, { type: "openVariant", resultUri: "file:///a.sweep.json", index: 2.5 }).ok);
  });

  it("finds the result file a saved page state shows, and nothing in a state it does not trust", () => {
    const data = { resultUri: "file:///a.sweep.json", kernelUri: null, result: fixture(), baseline: null, baselineProblem: null };
    const state = { version: 1, view: { type: "sweep", data }, selected: 2, axis: "BM", sort: null };
    assert.equal(savedResultUri(state), "file:///a.sweep.json");
    assert.equal(savedResultUri({ ...state, version: 2 }), undefined);
    assert.equal(savedResultUri({ ...state, view: { type: "empty", reason: "none" } }), undefined);
    assert.equal(savedResultUri("nonsense"), undefined);
  });
});
