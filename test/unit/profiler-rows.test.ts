// Tests the Profiler view's pure conversions: history records to rows, % of the calibrated roof, ids, entry-point lookup, CSV and JSON export.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  csvColumns,
  csvField,
  findEntryPoint,
  firstMessage,
  historyCsv,
  historyJson,
  percentOfRoof,
  roofFromProfile,
  roofsByAdapter,
  rowFromRecord,
  rowsFromHistory,
  RowIds,
} from "../../client/src/panels/profilerRows";
import type { AdapterSummary, CalibrationProfile } from "../../server/src/gpu/types";
import type { RunOutcome } from "../../server/src/run/api";
import type { HistoryRecord } from "../../server/src/run/history";
import { check } from "../../server/src/core/validation";
import { profilerRowChecker, type ProfilerRow } from "../../webview/src/profiler/protocol";

const lavapipe: AdapterSummary = {
  vendor: "mesa",
  architecture: "software",
  device: "llvmpipe-llvm-15-0-6-256-bits-",
  description: "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)",
  backend: "vulkan",
  software: true,
  features: [],
  limits: {},
  timestampQuery: false,
  key: "vulkan:mesa:llvmpipe",
};

const rtx: AdapterSummary = { ...lavapipe, vendor: "nvidia", architecture: "ada", device: "", description: "NVIDIA GeForce RTX 4090", software: false, timestampQuery: true, key: "vulkan:nvidia:4090" };

function profile(adapter: AdapterSummary, over: Partial<CalibrationProfile> = {}): CalibrationProfile {
  return {
    adapter,
    measuredAt: "2025-06-01T09:00:00.000Z",
    copyBandwidthScalar: 20e9,
    copyBandwidthVec4: 24e9,
    copyBufferToBuffer: 22e9,
    fmaF32: 150e9,
    workgroupBandwidth: 160e9,
    dispatchOverheadMs: 0.05,
    timing: "wall",
    ...over,
  };
}

/** lavapipe measured at 20 GB/s (scalar copy) and 150 GFLOP/s (f32 FMA). */
const roofs = roofsByAdapter([profile(lavapipe)]);
const lavapipeRoof = roofs.get(lavapipe.key)!;

function outcome(over: Partial<RunOutcome> = {}): RunOutcome {
  return {
    entry: "saxpy",
    status: "passed",
    adapter: lavapipe,
    timing: { method: "wall", samplesMs: [2, 2.1, 1.9, 2.05, 2.2], medianMs: 2.05, minMs: 1.9, maxMs: 2.2 },
    checks: [],
    achieved: { gbps: 12, gflops: 30 },
    predicted: { ms: 1.5, deviceId: "measured-vulkan-mesa-llvmpipe", errorPct: -26.8 },
    variant: { defines: ["TILE=16", "USE_F16"], lets: { N: 1024, M: 8 } },
    startedAt: "2025-06-02T08:00:00.000Z",
    durationMs: 40,
    ...over,
  };
}

function record(over: Partial<RunOutcome> = {}, rest: Partial<HistoryRecord> = {}): HistoryRecord {
  return { version: 1, timestamp: "2025-06-02T08:00:01.000Z", file: "kernels/saxpy.wgsl", mode: "run", sourceHash: "abcdef012345", outcome: outcome(over), ...rest };
}

function assertValid(row: ProfilerRow): void {
  const checked = check(profilerRowChecker, row, "row");
  assert.ok(checked.ok, checked.ok ? "" : checked.detail);
}

describe("% of the measured roof", () => {
  it("takes the calibration's scalar copy bandwidth and f32 FMA rate, in GB/s and GFLOP/s", () => {
    const roof = roofFromProfile(profile(lavapipe, { copyBandwidthScalar: 25.3e9, fmaF32: 180e9 }));
    assert.deepEqual(roof, { adapterKey: "vulkan:mesa:llvmpipe", label: "lavapipe (software)", dramGBps: 25.3, fmaGflops: 180, measuredAt: "2025-06-01T09:00:00.000Z" });
  });

  it("is the larger of the DRAM and FMA fractions, named by which one bounds", () => {
    // 12 GB/s of 20 is 60%; 30 GFLOP/s of 150 is 20%: DRAM bounds, at 60%.
    assert.deepEqual(percentOfRoof(12, 30, lavapipeRoof), { pct: 60, bound: "memory", ceiling: 20 });
    // 4 GB/s of 20 is 20%; 120 GFLOP/s of 150 is 80%: the FMA rate bounds, at 80%.
    assert.deepEqual(percentOfRoof(4, 120, lavapipeRoof), { pct: 80, bound: "compute", ceiling: 150 });
    // Only a FLOP rate (the model counted no bytes): 75 of 150.
    assert.deepEqual(percentOfRoof(null, 75, lavapipeRoof), { pct: 50, bound: "compute", ceiling: 150 });
    assert.deepEqual(percentOfRoof(5, null, lavapipeRoof), { pct: 25, bound: "memory", ceiling: 20 });
    assert.equal(percentOfRoof(null, null, lavapipeRoof), null);
    // A vec4 kernel can beat the scalar copy the calibration measured: above 100% is kept, not clamped.
    const over = percentOfRoof(23, 1, lavapipeRoof)!;
    assert.equal(over.bound, "memory");
    assert.ok(Math.abs(over.pct - 115) < 1e-9, String(over.pct));
  });

  it("equals achieved GFLOP/s over the roofline's attainable rate at the kernel's intensity", () => {
    for (const [gbps, gflops] of [[12, 30], [4, 120], [1, 1], [19, 149], [0.5, 90]] as const) {
      const ai = gflops / gbps;
      const attainable = Math.min(lavapipeRoof.fmaGflops, ai * lavapipeRoof.dramGBps);
      const pct = percentOfRoof(gbps, gflops, lavapipeRoof)!.pct;
      assert.ok(Math.abs(pct - (gflops / attainable) * 100) < 1e-9, `${gbps} GB/s, ${gflops} GFLOP/s: ${pct}`);
    }
  });

  it("keeps one roof per adapter, the newest calibration first, and skips empty ones", () => {
    const older = profile(rtx, { measuredAt: "2025-01-01T00:00:00.000Z", copyBandwidthScalar: 800e9, fmaF32: 60e12 });
    const newer = profile(rtx, { copyBandwidthScalar: 900e9, fmaF32: 70e12 });
    const broken = profile({ ...rtx, key: "broken" }, { copyBandwidthScalar: 0 });
    const map = roofsByAdapter([newer, older, broken]);
    assert.deepEqual([...map.keys()], [rtx.key]);
    assert.equal(map.get(rtx.key)!.dramGBps, 900);
    assert.equal(map.get(rtx.key)!.label, "NVIDIA RTX 4090");
  });
});

describe("history records as rows", () => {
  it("converts a passed run with every number, its variant and its adapter's roof", () => {
    const row = rowFromRecord(record(), roofs);
    assertValid(row);
    assert.deepEqual({ ...row, id: "" }, {
      id: "",
      file: "kernels/saxpy.wgsl",
      entry: "saxpy",
      mode: "run",
      startedAt: "2025-06-02T08:00:00.000Z",
      status: "passed",
      message: "",
      defines: ["TILE=16", "USE_F16"],
      // Sorted by name, so a variant always reads the same.
      lets: [
        { name: "M", value: 8 },
        { name: "N", value: 1024 },
      ],
      adapter: { label: "lavapipe (software)", software: true, backend: "vulkan", key: "vulkan:mesa:llvmpipe" },
      timing: { method: "wall", medianMs: 2.05, minMs: 1.9, maxMs: 2.2, samples: 5 },
      gbps: 12,
      gflops: 30,
      roof: { pct: 60, bound: "memory", ceiling: 20 },
      predicted: { ms: 1.5, deviceId: "measured-vulkan-mesa-llvmpipe", errorPct: -26.8 },
    });
    assert.match(row.id, /^[0-9a-f]{16}$/);
  });

  it("has no roof for an adapter without a calibration, and none without an adapter", () => {
    assert.equal(rowFromRecord(record({ adapter: rtx }), roofs).roof, null);
    const { adapter: _adapter, ...noAdapter } = outcome();
    const row = rowFromRecord({ ...record(), outcome: noAdapter }, roofs);
    assert.equal(row.adapter, null);
    assert.equal(row.roof, null);
  });

  it("says why a run did not pass: the first failed check, the error with its other lines, the timeout", () => {
    const failedCheck = {
      output: "out",
      reference: "entry:ref",
      passed: false,
      elements: 1024,
      maxAbsError: 0.25,
      relL2Error: 0.01,
      mismatches: 3,
      firstMismatches: [{ index: 17, got: 1.5, want: 1.25 }],
      nan: 0,
      inf: 0,
      unwritten: 0,
      rtol: 1e-5,
      atol: 1e-6,
      message: "",
    };
    const passedCheck = { ...failedCheck, output: "aux", passed: true, mismatches: 0, firstMismatches: [] };
    assert.equal(firstMessage({ status: "failed", checks: [passedCheck, failedCheck], error: undefined }), "out: 3 of 1,024 differ, first at [17] (got 1.5, want 1.25)");
    assert.equal(
      firstMessage({ status: "error", checks: [], error: { kind: "compile", message: '12:9: error: unresolved value "tile_sz"\n  let x = tile_sz;\n          ^^^^^^^', line: 12, column: 9 } }),
      'compile error at line 12:9: unresolved value "tile_sz"\n  let x = tile_sz;\n          ^^^^^^^',
    );
    assert.equal(firstMessage({ status: "timeout", checks: [], error: { kind: "timeout", message: "timed out after 10,000 ms" } }), "timed out after 10,000 ms");
    assert.equal(firstMessage({ status: "timeout", checks: [], error: undefined }), "timed out");
    assert.equal(firstMessage({ status: "passed", checks: [], error: undefined }), "");
    // A check written by another version, without the counts: its own message, after the output's name.
    assert.equal(firstMessage({ status: "failed", checks: [{ output: "out", passed: false, message: "differs" } as never], error: undefined }), "out: differs");
  });

  it("reads hand-edited and older records without throwing, making rows the page accepts", () => {
    const garbage: unknown[] = [
      { status: "exploded", entry: "k" },
      { status: "passed", entry: "", timing: { medianMs: "fast" }, achieved: { gbps: -1, gflops: Infinity }, variant: { defines: [1, "A"], lets: { N: "x", M: 3 } } },
      { status: "failed", entry: "k", checks: "none", predicted: { ms: NaN, deviceId: 5, errorPct: 1e300 } },
      { status: "error", entry: "k", error: { kind: "crash" }, adapter: { key: 7, software: "yes" } },
      { entry: "k".repeat(5000), status: "passed", timing: { medianMs: 1, minMs: -3, method: "gpu" } },
    ];
    for (const raw of garbage) {
      const row = rowFromRecord({ version: 1, timestamp: "2025-06-02T08:00:01.000Z", file: "k.wgsl", outcome: raw as RunOutcome }, roofs);
      assertValid(row);
    }
    const unknown = rowFromRecord({ version: 1, timestamp: "t", file: "k.wgsl", outcome: garbage[0] as RunOutcome }, roofs);
    assert.equal(unknown.status, "error");
    assert.equal(unknown.message, 'unknown status "exploded"');
    const odd = rowFromRecord({ version: 1, timestamp: "t", file: "k.wgsl", outcome: garbage[1] as RunOutcome }, roofs);
    assert.equal(odd.entry, "(unnamed)");
    assert.equal(odd.timing, null);
    assert.equal(odd.gbps, null);
    assert.equal(odd.gflops, null);
    assert.deepEqual(odd.defines, ["A"]);
    assert.deepEqual(odd.lets, [{ name: "M", value: 3 }]);
    const clamped = rowFromRecord({ version: 1, timestamp: "t", file: "k.wgsl", outcome: garbage[4] as RunOutcome }, roofs);
    assert.deepEqual(clamped.timing, { method: "wall", medianMs: 1, minMs: 1, maxMs: 1, samples: 0 });
    assert.equal(clamped.entry.length, 1024);
  });

  it("prefixes relative files with the folder in a multi-root workspace, never absolute ones", () => {
    assert.equal(rowFromRecord(record(), roofs, "gpu-lib/").file, "gpu-lib/kernels/saxpy.wgsl");
    assert.equal(rowFromRecord(record({}, { file: "/elsewhere/k.wgsl" }), roofs, "gpu-lib/").file, "/elsewhere/k.wgsl");
    assert.equal(rowFromRecord(record({}, { mode: "profile" }), roofs).mode, "profile");
  });

  it("gives each record an id that is the same on every read and unique in the listing", () => {
    const a = record();
    const b = record({}, { timestamp: "2025-06-02T08:05:00.000Z" });
    const first = rowsFromHistory([{ prefix: "", records: [a, b, a] }], roofs);
    const again = rowsFromHistory([{ prefix: "", records: [a, b, a] }], roofs);
    assert.deepEqual(first.map((r) => r.id), again.map((r) => r.id));
    assert.notEqual(first[0]!.id, first[1]!.id);
    assert.equal(first[2]!.id, `${first[0]!.id}-2`, "a line written twice is listed twice, under its own id");
    // The same record in two folders of a multi-root workspace is two runs.
    const two = rowsFromHistory([{ prefix: "a/", records: [a] }, { prefix: "b/", records: [a] }], roofs);
    assert.notEqual(two[0]!.id, two[1]!.id);
    // An id handed out for a run just recorded matches the one a later full read gives it.
    const ids = new RowIds();
    rowsFromHistory([{ prefix: "", records: [a] }], roofs, ids);
    assert.equal(rowFromRecord(b, roofs, "", ids).id, first[1]!.id);
  });
});

describe("finding an entry point in the source", () => {
  const source = [
    "// fn saxpy(old version)",
    "@group(0) @binding(0) var<storage, read> x: array<f32>;",
    "",
    "fn saxpy_helper(i: u32) -> f32 { return x[i]; }",
    "@compute @workgroup_size(64)",
    "fn  saxpy (@builtin(global_invocation_id) id: vec3<u32>) { // fn saxpy(",
    "}",
    "fn a$b() {}",
  ].join("\r\n");

  it("finds `fn NAME(`, skipping line comments and names that only start the same", () => {
    assert.deepEqual(findEntryPoint(source, "saxpy"), { line: 5, character: 4 });
    assert.deepEqual(findEntryPoint(source, "saxpy_helper"), { line: 3, character: 3 });
  });

  it("takes the name literally and answers null when it is not there", () => {
    assert.deepEqual(findEntryPoint(source, "a$b"), { line: 7, character: 3 });
    assert.equal(findEntryPoint(source, "a.b"), null);
    assert.equal(findEntryPoint(source, "missing"), null);
  });
});

/** An RFC 4180 reader, independent of the code under test. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  return records;
}

describe("export", () => {
  it("quotes CSV fields with commas, quotes, line breaks or edge spaces, and only those", () => {
    assert.equal(csvField("saxpy"), "saxpy");
    assert.equal(csvField("1,024 differ"), '"1,024 differ"');
    assert.equal(csvField('unresolved "tile"'), '"unresolved ""tile"""');
    assert.equal(csvField("line one\nline two"), '"line one\nline two"');
    assert.equal(csvField("a\r\nb"), '"a\r\nb"');
    assert.equal(csvField(" padded"), '" padded"');
    assert.equal(csvField(""), "");
    assert.equal(csvField(null), "");
    assert.equal(csvField(-12.5), "-12.5");
    assert.equal(csvField(0.000123), "0.000123");
    assert.equal(csvField(true), "true");
  });

  it("defuses text a spreadsheet would run as a formula", () => {
    assert.equal(csvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    assert.equal(csvField("+1"), "'+1");
    assert.equal(csvField("-5 is below"), "'-5 is below");
    assert.equal(csvField("@sum"), "'@sum");
  });

  it("writes a header and one CRLF-ended record per row that parse back to the row's values", () => {
    const failed = rowFromRecord(
      record({ status: "error", timing: undefined, achieved: undefined, error: { kind: "compile", message: 'bad "x", really\n  let y = x;' } }),
      roofs,
    );
    const rows = [rowFromRecord(record(), roofs), failed];
    const text = historyCsv(rows);
    assert.ok(text.endsWith("\r\n"));
    const records = parseCsv(text);
    assert.deepEqual(records[0], [...csvColumns]);
    assert.equal(records.length, 3);
    const at = (r: string[], name: (typeof csvColumns)[number]): string => r[csvColumns.indexOf(name)]!;
    assert.deepEqual(records[1], [
      "2025-06-02T08:00:00.000Z",
      "kernels/saxpy.wgsl",
      "saxpy",
      "run",
      "passed",
      "",
      "TILE=16 USE_F16",
      "M=8 N=1024",
      "lavapipe (software)",
      "true",
      "vulkan",
      "wall",
      "2.05",
      "1.9",
      "2.2",
      "5",
      "12",
      "30",
      "60",
      "memory",
      "1.5",
      "measured-vulkan-mesa-llvmpipe",
      "-26.8",
    ]);
    assert.equal(at(records[2]!, "message"), 'compile error: bad "x", really\n  let y = x;');
    assert.equal(at(records[2]!, "median_ms"), "");
  });

  it("writes JSON of the rows without their view-only ids", () => {
    const rows = [rowFromRecord(record(), roofs)];
    const parsed = JSON.parse(historyJson(rows)) as Record<string, unknown>[];
    assert.equal(parsed.length, 1);
    assert.equal("id" in parsed[0]!, false);
    const { id: _id, ...rest } = rows[0]!;
    assert.deepEqual(parsed[0], rest);
  });
});
