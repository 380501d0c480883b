// Tests the pure parts of design-space exploration in the editor: which entry points get a `$(search) Sweep` lens, the
// best configuration's words and edits, progress messages, result file names, and one sweep job against a fake
// engine (cancelling keeps what was measured; errors carry their spans).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateSweepResult, type Edit, type SweepResult } from "../../server/src/core/sweep/result";
import type { Cancellation, GpuHelper } from "../../server/src/gpu/types";
import type { RunSweep, SweepHooks, SweepOptions, SweepOutcome, SweepProgressEvent, SweepStats } from "../../server/src/sweep/api";
import { applyBestTitle, bestConfigurationEdits, bestEditsProblem, bestLensTitle, bestLensTooltip, bestParamsLabel } from "../../client/src/sweep/bestConfig";
import { computeEntries, findSweepEntries, firstDeclarationOffset, sweepEntriesAt } from "../../client/src/sweep/sweepEntries";
import { kernelReference, progressMessage, ProgressTracker, resultFileName, runSweepJob, sweepSummary } from "../../client/src/sweep/sweepJob";

/** The edits applied to the text, as an editor would (offsets are the original text's). */
function apply(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const SAXPY = `// @let N = 4096
// @override WG = 16
// @dispatch ceil(N / WG)
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
// @sweep WG in [32, 64]
override WG: u32 = 16;
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn saxpy(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < arrayLength(&out)) { out[gid.x] = 2.0 * x[gid.x]; }
}

@compute @workgroup_size(64)
fn copy(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.x] = x[gid.x];
}
`;

/** Two entry points, each with its own sweep lines (attributes on lines of their own, a blank line in between). */
const OWN = `// @let N = 1024
// @buffer a[N]
@group(0) @binding(0) var<storage, read_write> a: array<f32>;

// @sweep TILE in [8, 16]
// @sweep UNROLL in pow2(1, 4)

@compute
@workgroup_size(64)
fn tiled(@builtin(global_invocation_id) gid: vec3<u32>) { a[gid.x] = 1.0; }

// a note, not a directive
fn helper() -> f32 { return 1.0; }

// @sweep BLOCK in range(1, 4)
@compute @workgroup_size(32) fn blocked(@builtin(global_invocation_id) gid: vec3<u32>) { a[gid.x] = 2.0; }

@compute @workgroup_size(32) fn plain(@builtin(global_invocation_id) gid: vec3<u32>) { a[gid.x] = 3.0; }
`;

function result(overrides: Partial<SweepResult> = {}): SweepResult {
  return {
    version: 1,
    file: "/work/k/saxpy.wgsl",
    entry: "saxpy",
    space: [{ name: "WG", kind: "let", values: [32, 64] }],
    measured: 2,
    best: { params: { WG: 64 }, medianMs: 0.4321 },
    points: [
      { params: { WG: 32 }, predictedMs: 0.5, measuredMs: 0.61, feasible: true, reason: null },
      { params: { WG: 64 }, predictedMs: 0.4, measuredMs: 0.4321, feasible: true, reason: null },
    ],
    pareto: [],
    ...overrides,
  };
}

describe("entry points with @sweep lines in force", () => {
  it("gives file-level sweep lines to every compute entry point", () => {
    const entries = findSweepEntries(SAXPY);
    assert.deepEqual(
      entries.map((e) => [e.name, e.sweepLines.map((l) => [l.parameter, l.fileLevel])]),
      [
        ["saxpy", [["WG", true]]],
        ["copy", [["WG", true]]],
      ],
    );
    const line = entries[0]!.sweepLines[0]!;
    assert.equal(SAXPY.slice(line.start, line.end), "// @sweep WG in [32, 64]");
    assert.equal(SAXPY.slice(entries[0]!.nameSpan.start, entries[0]!.nameSpan.end), "saxpy");
    // The head runs from the first attribute to the body's brace.
    assert.match(SAXPY.slice(entries[0]!.head.start, entries[0]!.head.end), /^@compute @workgroup_size\(WG\)\nfn saxpy\(.*\) \{$/);
  });

  it("gives an entry point's own sweep lines to that entry point only, across blank lines and attribute lines", () => {
    const entries = findSweepEntries(OWN);
    assert.deepEqual(
      entries.map((e) => [e.name, e.sweepLines.map((l) => `${l.parameter}${l.fileLevel ? " (file)" : ""}`)]),
      [
        ["tiled", ["TILE", "UNROLL"]],
        ["blocked", ["BLOCK"]],
      ],
    );
    // `plain` is a compute entry point without sweep lines: no lens.
    assert.deepEqual(computeEntries(OWN).map((e) => e.name), ["tiled", "blocked", "plain"]);
  });

  it("ignores sweep lines that apply to nothing, sit in a block comment or do not parse, and entry points in comments", () => {
    const floating = `@group(0) @binding(0) var<storage, read_write> a: array<f32>;
// @sweep TILE in [8, 16]
fn helper() -> f32 { return 1.0; }
@compute @workgroup_size(8) fn k() { a[0] = helper(); }
`;
    assert.deepEqual(findSweepEntries(floating), []);
    const blocked = `/*\n// @sweep TILE in [8, 16]\n*/\n@compute @workgroup_size(8) fn k() {}\n`;
    assert.deepEqual(findSweepEntries(blocked), []);
    const malformed = `// @sweep TILE of [8, 16]\n@compute @workgroup_size(8) fn k() {}\n`;
    assert.deepEqual(findSweepEntries(malformed), []);
    const commented = `// @sweep TILE in [8, 16]\n// @compute @workgroup_size(8) fn old() {}\n/* @compute fn older() {} */\n@compute @workgroup_size(8) fn k() {}\n`;
    assert.deepEqual(findSweepEntries(commented).map((e) => e.name), ["k"]);
    assert.deepEqual(findSweepEntries("@compute @workgroup_size(8) fn k() {}\n"), []);
  });

  it("keeps sweep lines after enable, requires and preprocessor lines at the top of the file", () => {
    const text = `enable f16;\n#define WIDE\n// @sweep TILE in [8, 16]\n@group(0) @binding(0) var<storage, read_write> a: array<f32>;\n@compute @workgroup_size(8) fn k() { a[0] = 1.0; }\n`;
    assert.equal(firstDeclarationOffset(text), text.indexOf("@group"));
    assert.deepEqual(findSweepEntries(text).map((e) => [e.name, e.sweepLines[0]!.fileLevel]), [["k", true]]);
  });

  it("finds the entry points a cursor is about: on the declaration head or on one of its sweep lines", () => {
    const entries = findSweepEntries(OWN);
    const names = (offset: number) => sweepEntriesAt(entries, offset).map((e) => e.name);
    assert.deepEqual(names(OWN.indexOf("fn tiled") + 4), ["tiled"]);
    assert.deepEqual(names(OWN.indexOf("@workgroup_size(64)")), ["tiled"]);
    assert.deepEqual(names(OWN.indexOf("UNROLL in")), ["tiled"]);
    assert.deepEqual(names(OWN.indexOf("BLOCK in")), ["blocked"]);
    // Inside a body, on another function, on the plain entry point: none.
    assert.deepEqual(names(OWN.indexOf("a[gid.x] = 1.0")), []);
    assert.deepEqual(names(OWN.indexOf("fn helper")), []);
    assert.deepEqual(names(OWN.indexOf("fn plain")), []);
    // A file-level line belongs to every entry point it is in force for.
    assert.deepEqual(sweepEntriesAt(findSweepEntries(SAXPY), SAXPY.indexOf("@sweep WG")).map((e) => e.name), ["saxpy", "copy"]);
  });
});

describe("the best configuration", () => {
  it("names it in the lens and the code action", () => {
    const r = result({
      space: [
        { name: "TILE", kind: "let", values: [8, 16] },
        { name: "WG_X", kind: "let", values: [8, 16] },
      ],
      best: { params: { WG_X: 8, TILE: 16 }, medianMs: 0.4321 },
    });
    assert.equal(bestParamsLabel(r), "TILE=16, WG_X=8");
    // Two parameters are too long for the lens line: the tooltip names them.
    assert.equal(bestLensTitle(r), "$(check) best · 0.43 ms");
    assert.equal(bestLensTooltip(r, "matmul"), "The fastest correct configuration the last sweep of matmul measured: TILE=16, WG_X=8, median 0.43 ms. Click to write it into the source (the @sweep lines stay).");
    assert.equal(applyBestTitle(r), "Apply best sweep configuration (TILE=16, WG_X=8) — 0.43 ms measured");
    assert.equal(bestLensTitle(result({ best: null })), undefined);
    assert.equal(applyBestTitle(result({ best: null })), undefined);
  });

  it("rewrites the override's default and its @override directive, and keeps the @sweep line", () => {
    const edits = bestConfigurationEdits(SAXPY, result());
    assert.equal(edits.kind, "edits");
    if (edits.kind !== "edits") return;
    assert.equal(edits.edits.length, 2);
    const after = apply(SAXPY, edits.edits);
    assert.match(after, /^override WG: u32 = 64;$/m);
    assert.match(after, /^\/\/ @override WG = 64$/m);
    assert.match(after, /^\/\/ @sweep WG in \[32, 64\]$/m);
    // Nothing else changed: same lines, same count.
    assert.equal(after.split("\n").length, SAXPY.split("\n").length);
    assert.equal(bestEditsProblem(edits, result(), "saxpy.wgsl"), undefined);

    assert.equal(bestLensTitle(result(), edits), "$(check) best WG=64 · 0.43 ms");

    // Applied once, there is nothing left to do, and the action and the lens say so.
    const again = bestConfigurationEdits(after, result());
    assert.deepEqual(again, { kind: "edits", edits: [] });
    assert.match(bestEditsProblem(again, result(), "saxpy.wgsl") ?? "", /already has the best configuration \(WG=64\)/);
    assert.equal(bestLensTitle(result(), again), "$(check) best WG=64 · 0.43 ms · applied");
  });

  it("pins a parameter only its sweep line declares with a @let above that line", () => {
    const text = `// @sweep TILE in [8, 16]\n@compute @workgroup_size(8) fn k() {}\n`;
    const r = result({ entry: "k", space: [{ name: "TILE", kind: "let", values: [8, 16] }], best: { params: { TILE: 16 }, medianMs: 1 } });
    const edits = bestConfigurationEdits(text, r);
    assert.equal(edits.kind, "edits");
    if (edits.kind === "edits") assert.equal(apply(text, edits.edits), `// @let TILE = 16\n// @sweep TILE in [8, 16]\n@compute @workgroup_size(8) fn k() {}\n`);
  });

  it("writes a workgroup-size parameter into the entry point's own @workgroup_size only", () => {
    const text = `// @sweep workgroup_size.x in [32, 64]\n@compute @workgroup_size(16, 2) fn k() {}\n@compute @workgroup_size(16) fn other() {}\n`;
    const r = result({ entry: "k", space: [{ name: "workgroup_size.x", kind: "workgroupSize", values: [32, 64] }], best: { params: { "workgroup_size.x": 64 }, medianMs: 1 } });
    const edits = bestConfigurationEdits(text, r);
    assert.equal(edits.kind, "edits");
    if (edits.kind === "edits") {
      const after = apply(text, edits.edits);
      assert.match(after, /@workgroup_size\(64, 2\) fn k/);
      assert.match(after, /@workgroup_size\(16\) fn other/);
      assert.match(after, /^\/\/ @sweep workgroup_size\.x in \[32, 64\]$/m);
    }
  });

  it("refuses, and says why, when the kernel no longer declares a parameter", () => {
    // The sweep line and the override were renamed since the sweep.
    const renamed = SAXPY.replace(/\bWG\b/g, "GROUP");
    const edits = bestConfigurationEdits(renamed, result());
    assert.deepEqual(edits, { kind: "missing", missing: ["WG"] });
    assert.equal(bestLensTitle(result(), edits), "$(warning) best 0.43 ms · out of date");
    assert.match(bestEditsProblem(edits, result(), "saxpy.wgsl") ?? "", /saxpy\.wgsl changed since the sweep: nothing declares WG any more.*\(WG=64\)/);
    const none = bestConfigurationEdits(SAXPY, result({ best: null }));
    assert.deepEqual(none, { kind: "no-best" });
    assert.match(bestEditsProblem(none, result({ best: null }), "saxpy.wgsl") ?? "", /no best configuration/);
  });
});

describe("sweep progress and result files", () => {
  it("names the result file after the kernel's path in its folder and the entry point", () => {
    assert.equal(resultFileName("/work/saxpy.wgsl", "saxpy", "/work"), "saxpy.saxpy.sweep.json");
    assert.equal(resultFileName("/work/kernels/saxpy.wgsl", "saxpy", "/work/"), "kernels--saxpy.saxpy.sweep.json");
    assert.equal(resultFileName("C:\\work\\a\\matmul.tiled.wgsl", "main", "C:\\work"), "a--matmul.tiled.main.sweep.json");
    assert.equal(resultFileName("Untitled-1", "k"), "Untitled-1.k.sweep.json");
    // Two kernels with one base name keep their own results, in a folder and outside every folder.
    assert.notEqual(resultFileName("/work/a/k.wgsl", "k", "/work"), resultFileName("/work/b/k.wgsl", "k", "/work"));
    assert.notEqual(resultFileName("/x/a/k.wgsl", "k"), resultFileName("/x/b/k.wgsl", "k"));
    assert.match(resultFileName("/x/a/k.wgsl", "k"), /^k\.k\.[0-9a-f]{8}\.sweep\.json$/);
  });

  it("names the kernel relative to the result file inside a workspace folder, absolute outside", () => {
    assert.equal(kernelReference("/ws/.kernellens/sweeps", "/ws/kernels/saxpy.wgsl", true), "../../kernels/saxpy.wgsl");
    assert.equal(kernelReference("/home/u/.config/storage/sweeps", "/elsewhere/saxpy.wgsl", false), "/elsewhere/saxpy.wgsl");
  });

  it("counts measurements in the progress messages", () => {
    assert.equal(progressMessage({ message: "timing TILE=16, WG_X=8", done: 2, total: 12 }), "timing 3/12: TILE=16, WG_X=8");
    assert.equal(progressMessage({ message: "timed TILE=16", done: 3, total: 12 }), "timed 3/12: TILE=16");
    assert.equal(progressMessage({ message: "cached TILE=8", done: 1, total: 4 }), "cached 1/4: TILE=8");
    assert.equal(progressMessage({ message: "checking point 17 of 64", done: 16, total: 64 }), "checking point 17 of 64");
    assert.equal(progressMessage({ message: "", done: 0, total: 4 }), "timing 1/4");
  });

  it("moves the progress bar only forward, and never past 100%, while the plan grows and shrinks", () => {
    const seen: { message: string; increment: number }[] = [];
    const tracker = new ProgressTracker((message, increment) => seen.push({ message, increment }));
    const events: SweepProgressEvent[] = [
      { message: "checking point 1 of 4", done: 0, total: 4 },
      { message: "timing WG=32", done: 0, total: 8 },
      { message: "timed WG=32", done: 1, total: 8 },
      { message: "timed WG=64", done: 2, total: 4 }, // the plan shrank: 50%
      { message: "timed WG=128", done: 3, total: 10 }, // and grew again: 30%, the bar stays
      { message: "done", done: 12, total: 10 },
    ];
    for (const e of events) tracker.onEvent(e);
    assert.ok(seen.every((s) => s.increment >= 0));
    assert.equal(seen[3]!.increment, 50 - 12.5);
    assert.equal(seen[4]!.increment, 0);
    assert.equal(seen.reduce((sum, s) => sum + s.increment, 0), 100);
    assert.equal(tracker.percent, 100);
  });
});

describe("one sweep job against a fake engine", () => {
  const helper = {} as GpuHelper;
  const stats = (over: Partial<SweepStats> = {}): SweepStats => ({
    spaceSize: 2,
    checked: 2,
    feasible: 2,
    measuredPoints: 2,
    cacheHits: 0,
    gpuRuns: 2,
    cancelled: false,
    method: "guided",
    rankCorrelation: null,
    stopReason: "space exhausted",
    ...over,
  });
  const options = { file: "/ws/saxpy.wgsl", text: SAXPY, entry: "saxpy", allowWorkspaceCode: true } as unknown as SweepOptions;

  /** A cancellation the test pulls, like a VS Code token seen through `cancellationOf`. */
  function cancellation(): Cancellation & { pull(): void } {
    const listeners: (() => void)[] = [];
    let cancelled = false;
    return {
      get cancelled() {
        return cancelled;
      },
      onCancel(listener) {
        if (cancelled) listener();
        else listeners.push(listener);
      },
      pull() {
        cancelled = true;
        for (const l of listeners.splice(0)) l();
      },
    };
  }

  it("keeps what was measured when cancelled: a result to write and show, which says so", async () => {
    const cancel = cancellation();
    const progress: SweepProgressEvent[] = [];
    let given: { options: SweepOptions; hooks: SweepHooks | undefined } | undefined;
    // The engine measures one point, the person cancels, and the engine stops after the measurement in flight.
    const fake: RunSweep = async (_helper, opts, hooks) => {
      given = { options: opts, hooks };
      hooks?.progress?.({ message: "timing WG=32", done: 0, total: 2 });
      hooks?.progress?.({ message: "timed WG=32", done: 1, total: 2 });
      cancel.pull();
      assert.equal(hooks?.cancel?.cancelled, true, "the engine sees the cancel");
      const partial = result({
        file: "/ws/saxpy.wgsl",
        measured: 1,
        best: { params: { WG: 32 }, medianMs: 0.61 },
        points: [
          { params: { WG: 32 }, predictedMs: 0.5, measuredMs: 0.61, feasible: true, reason: null },
          { params: { WG: 64 }, predictedMs: 0.4, measuredMs: null, feasible: true, reason: null },
        ],
      });
      return { ok: true, result: partial, stats: stats({ measuredPoints: 1, gpuRuns: 1, cancelled: true, stopReason: "cancelled" }) } satisfies SweepOutcome;
    };
    const report = await runSweepJob({ runSweep: fake, helper, options, cancel, progress: (e) => progress.push(e), kernelRef: "../../saxpy.wgsl" });
    assert.equal(given?.options, options, "the options reach the engine as given");
    assert.equal(given?.hooks?.cancel, cancel);
    assert.deepEqual(progress.map((p) => p.message), ["timing WG=32", "timed WG=32"]);
    assert.equal(report.kind, "result");
    if (report.kind !== "result") return;
    assert.equal(report.cancelled, true);
    assert.equal(report.result.file, "../../saxpy.wgsl", "the written result names the kernel relative to itself");
    const written: unknown = JSON.parse(report.json);
    assert.deepEqual(validateSweepResult(written), [], "what is written is a valid sweep file the Design-space view opens");
    assert.equal((written as SweepResult).measured, 1);
    assert.equal(report.summary, "saxpy: sweep cancelled; kept 1 measured point, best WG=32 at 0.61 ms so far");
    assert.match(report.details, /stopped: cancelled/);
  });

  it("summarises a finished sweep with its best point and the cache's share", async () => {
    const fake: RunSweep = async () => ({ ok: true, result: result(), stats: stats({ cacheHits: 1 }) });
    const report = await runSweepJob({ runSweep: fake, helper, options, cancel: cancellation(), progress: () => undefined, kernelRef: "/ws/saxpy.wgsl" });
    assert.equal(report.kind, "result");
    if (report.kind === "result") {
      assert.equal(report.cancelled, false);
      assert.equal(report.summary, "saxpy: best WG=64 at 0.43 ms · 2 of 2 feasible points measured (1 from the cache)");
    }
    assert.match(sweepSummary(result({ best: null, measured: 0 }), stats({ feasible: 0, measuredPoints: 0 }), false), /no feasible point among 2 points checked/);
  });

  it("passes directive problems on with their spans, and turns an engine failure into a report", async () => {
    const span = { start: SAXPY.indexOf("[32, 64]"), end: SAXPY.indexOf("[32, 64]") + 8 };
    const bad: RunSweep = async () => ({
      ok: false,
      kind: "directives",
      message: "the @sweep lines of 'saxpy' have errors",
      problems: [{ severity: "error", code: "sweep-values", message: "the sweep has no values", span, source: "kernellens" }],
    });
    const report = await runSweepJob({ runSweep: bad, helper, options, cancel: cancellation(), progress: () => undefined, kernelRef: "x" });
    assert.deepEqual(report, {
      kind: "error",
      reason: "directives",
      message: "the @sweep lines of 'saxpy' have errors",
      problems: [{ ...span, message: "the sweep has no values", code: "sweep-values" }],
    });
    const noAdapter: RunSweep = async () => ({ ok: false, kind: "no-adapter", message: "no GPU adapter, so no point can be timed: install mesa-vulkan-drivers" });
    const r2 = await runSweepJob({ runSweep: noAdapter, helper, options, cancel: cancellation(), progress: () => undefined, kernelRef: "x" });
    assert.deepEqual(r2, { kind: "error", reason: "no-adapter", message: "no GPU adapter, so no point can be timed: install mesa-vulkan-drivers", problems: [] });
    const throws: RunSweep = async () => {
      throw new Error("helper crashed");
    };
    const r3 = await runSweepJob({ runSweep: throws, helper, options, cancel: cancellation(), progress: () => undefined, kernelRef: "x" });
    assert.deepEqual(r3, { kind: "error", reason: "failed", message: "helper crashed", problems: [] });
  });
});
