// Tests what runs persist: the history (append-only JSON lines that survive a killed writer) and calibration profiles.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, truncateSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { lookupDevice } from "../../server/src/core/devices/database";
import type { CalibrationProfile } from "../../server/src/gpu/types";
import type { RunOutcome } from "../../server/src/run/api";
import { appendRun, historyPath, readHistory, readHistoryDetailed, sourceHash } from "../../server/src/run/history";
import { loadProfile, loadProfiles, measuredDevices, profileDir, profileFileName, profileForMeasurements, profileToDevice, saveProfile } from "../../server/src/run/profiles";

function outcome(entry: string, status: RunOutcome["status"] = "passed"): RunOutcome {
  return {
    entry,
    status,
    checks: [{ output: "out", reference: "written", passed: true, elements: 4, maxAbsError: 0, relL2Error: Infinity, mismatches: 0, firstMismatches: [], nan: 0, inf: 0, unwritten: 0, rtol: 0, atol: 0, message: "ok" }],
    timing: { method: "timestamp", samplesMs: [1, 2, 3], medianMs: 2, minMs: 1, maxMs: 3 },
    variant: { defines: [], lets: { N: 4 } },
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs: 12,
  };
}

describe("run history", () => {
  it("appends records under .kernellens/history.jsonl with a relative path, a timestamp and a short source hash", () => {
    const folder = mkdtempSync(join(tmpdir(), "kl-history-"));
    const r = appendRun(folder, { file: join(folder, "k", "saxpy.wgsl"), outcome: outcome("saxpy"), mode: "run", sourceText: "fn main() {}" });
    assert.equal(r.file, "k/saxpy.wgsl");
    assert.equal(r.sourceHash, sourceHash("fn main() {}"));
    assert.match(r.sourceHash!, /^[0-9a-f]{12}$/);
    appendRun(folder, { file: "other.wgsl", outcome: outcome("b", "failed") });
    const path = historyPath(folder);
    assert.equal(path, join(folder, ".kernellens", "history.jsonl"));
    const lines = readFileSync(path, "utf8").split("\n");
    assert.equal(lines.length, 3, "two lines, each ending in a newline");
    const records = readHistory(folder);
    assert.deepEqual(records.map((x) => [x.outcome.entry, x.outcome.status, x.file, x.mode]), [["saxpy", "passed", "k/saxpy.wgsl", "run"], ["b", "failed", "other.wgsl", undefined]]);
    assert.equal(records[0].outcome.checks[0].relL2Error, null, "an infinite error is stored as null (JSON has no Infinity)");
    assert.deepEqual(records[0].outcome.timing?.samplesMs, [1, 2, 3]);
    assert.deepEqual(readHistory(folder, { limit: 1 }).map((x) => x.outcome.entry), ["b"], "limit keeps the newest");
    assert.deepEqual(readHistory(join(folder, "nothing-here")), []);
    // Configurable location.
    appendRun(folder, { file: "x.wgsl", outcome: outcome("c") }, { file: "runs/h.jsonl" });
    assert.ok(existsSync(join(folder, "runs", "h.jsonl")));
    assert.equal(readHistory(folder, { file: "runs/h.jsonl" }).length, 1);
  });

  it("skips a torn last line and starts the next record on a line of its own", () => {
    const folder = mkdtempSync(join(tmpdir(), "kl-history-"));
    for (const e of ["a", "b", "c"]) appendRun(folder, { file: "k.wgsl", outcome: outcome(e) });
    const path = historyPath(folder);
    // A crash inside the last write: half of the line is on disk, without its newline.
    truncateSync(path, statSync(path).size - 40);
    const torn = readHistoryDetailed(folder);
    assert.deepEqual(torn.records.map((r) => r.outcome.entry), ["a", "b"]);
    assert.equal(torn.skipped, 1);
    appendRun(folder, { file: "k.wgsl", outcome: outcome("d") });
    const after = readHistoryDetailed(folder);
    assert.deepEqual(after.records.map((r) => r.outcome.entry), ["a", "b", "d"], "the new record is not glued to the fragment");
    assert.equal(after.skipped, 1);
    // Garbage in the middle (a hand edit) costs only that line.
    writeFileSync(path, readFileSync(path, "utf8").replace(/\n/, "\nnot json\n"));
    assert.deepEqual(readHistory(folder).map((r) => r.outcome.entry), ["a", "b", "d"]);
  });

  it("loses nothing already recorded when the writer is killed between appends", async () => {
    const folder = mkdtempSync(join(tmpdir(), "kl-history-"));
    const script = join(folder, "writer.ts");
    const historyModule = join(__dirname, "..", "..", "server", "src", "run", "history.ts");
    writeFileSync(
      script,
      `import { appendRun } from ${JSON.stringify(historyModule)};
let i = 0;
const big = "x".repeat(20000); // long lines: a torn write would show
for (;;) {
  appendRun(${JSON.stringify(folder)}, { file: "k.wgsl", outcome: { entry: "e" + i, status: "passed", checks: [], variant: { defines: [big], lets: { i } }, startedAt: new Date().toISOString(), durationMs: i } });
  i++;
}
`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: "ignore" });
    const path = historyPath(folder);
    const deadline = Date.now() + 30000;
    // Wait until a good number of records is on disk, then kill the writer without warning.
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      if (existsSync(path) && statSync(path).size > 60 * 20000) break;
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const { records, skipped } = readHistoryDetailed(folder);
    assert.ok(records.length >= 50, `records written before the kill: ${records.length}`);
    assert.ok(skipped <= 1, "at most the line being written when the kill came is lost");
    // Every record from the first to the last is there, in order: none lost, none duplicated.
    assert.deepEqual(records.map((r) => r.outcome.entry), records.map((_, i) => `e${i}`));
    for (const r of records) assert.equal(r.outcome.variant.defines[0].length, 20000);
    // The history stays appendable after the crash.
    appendRun(folder, { file: "k.wgsl", outcome: outcome("after") });
    assert.equal(readHistory(folder).at(-1)?.outcome.entry, "after");
  });
});

function profile(key: string, measuredAt: string): CalibrationProfile {
  return {
    adapter: {
      vendor: "mesa",
      architecture: "software",
      device: "llvmpipe",
      description: "llvmpipe (LLVM 15, 256 bits)",
      backend: "vulkan",
      software: true,
      features: ["shader-f16", "timestamp-query"],
      limits: { maxComputeInvocationsPerWorkgroup: 1024, maxComputeWorkgroupStorageSize: 32768, maxBufferSize: 2 ** 32 - 1 },
      timestampQuery: true,
      key,
      subgroupMinSize: 8,
      subgroupMaxSize: 8,
    },
    measuredAt,
    copyBandwidthScalar: 2.4e9,
    copyBandwidthVec4: 5.3e9,
    copyBufferToBuffer: 34e9,
    fmaF32: 40e9,
    workgroupBandwidth: 8e9,
    dispatchOverheadMs: 0.08,
    timing: "timestamp",
  };
}

describe("calibration profiles", () => {
  it("draws measured points against the measuring adapter's calibration, never another adapter's", () => {
    // Newest first, as loadProfiles returns them: B was calibrated after A.
    const profiles = [profile("B", "2026-12-02T00:00:00Z"), profile("A", "2026-12-01T00:00:00Z")];
    // The newest run was made on A: A's roofs, although B's calibration is newer.
    assert.equal(profileForMeasurements(profiles, [{ adapter: { key: "B" } }, { adapter: { key: "A" } }])?.adapter.key, "A");
    // A run on an adapter nobody calibrated gets no measured roofs rather than another adapter's.
    assert.equal(profileForMeasurements(profiles, [{ adapter: { key: "C" } }]), undefined);
    // Without runs, the newest calibration is shown as what it is: this machine's roofs.
    assert.equal(profileForMeasurements(profiles, [])?.adapter.key, "B");
  });

  it("saves one profile per adapter and loads them back, newest first, skipping foreign files", () => {
    const dir = mkdtempSync(join(tmpdir(), "kl-profiles-"));
    const a = profile("vulkan/mesa/software/llvmpipe", "2025-03-01T10:00:00.000Z");
    const path = saveProfile(a, dir);
    assert.equal(path, join(dir, profileFileName(a.adapter.key)));
    assert.doesNotMatch(profileFileName(a.adapter.key), /\//);
    saveProfile(profile("metal/apple/m3", "2025-04-01T10:00:00.000Z"), dir);
    saveProfile({ ...a, fmaF32: 50e9, measuredAt: "2025-05-01T10:00:00.000Z" }, dir); // replaces the first
    writeFileSync(join(dir, "junk.json"), "{ not json");
    writeFileSync(join(dir, "other.json"), JSON.stringify({ hello: 1 }));
    const all = loadProfiles(dir);
    assert.deepEqual(all.map((p) => p.adapter.key), ["vulkan/mesa/software/llvmpipe", "metal/apple/m3"]);
    assert.equal(loadProfile("vulkan/mesa/software/llvmpipe", dir)?.fmaF32, 50e9);
    assert.equal(loadProfile("nope", dir), undefined);
    assert.deepEqual(loadProfiles(join(dir, "missing")), []);
    assert.equal(profileDir({ KERNELLENS_PROFILE_DIR: "/x/y" }), "/x/y");
    assert.equal(profileDir({ HOME: "/home/u", XDG_CACHE_HOME: "/c" }), join("/c", "kernellens", "profiles"));
    assert.equal(measuredDevices(dir).length, 2);
  });

  it("turns a profile into a measured device: measured peaks, estimated rest, every figure with its source", () => {
    const p = profile("vulkan/mesa/software/llvmpipe", "2025-03-01T10:00:00.000Z");
    const d = profileToDevice(p, { cpuCores: 2 });
    assert.match(d.id, /^measured-llvmpipe-[0-9a-f]{6}$/);
    assert.deepEqual(d.formerIds, ["measured-vulkan-mesa-software-llvmpipe", "vulkan-mesa-software-llvmpipe"], "the id older versions gave it");
    assert.equal(d.vendor, "measured");
    assert.equal(d.segment, "measured");
    assert.match(d.name, /llvmpipe .*\(measured\)/);
    assert.equal(d.peakFlops.f32, 40e9);
    assert.equal(d.peakFlops.f16, 40e9, "no fmaF16 measured: the f32 rate, marked as an estimate");
    assert.equal(d.dramBandwidthBytesPerSec, 2.4e9);
    assert.ok(Math.abs(d.launchOverheadUs - 80) < 1e-9);
    assert.equal(d.warpSize, 8);
    assert.equal(d.maxThreadsPerBlock, 1024);
    assert.equal(d.maxSharedMemoryPerBlockBytes, 32768);
    // Workgroup-memory bandwidth is measured: SMs x bytes per clock x clock gives it back.
    assert.ok(Math.abs(d.smCount * d.sharedMemoryBytesPerClockPerSm * d.boostClockMhz * 1e6 - 8e9) < 1);
    assert.match(d.sources["peakFlops.f32"], /^measured by kernellens calibrate on 2025-03-01 \(GPU timestamps\)/);
    assert.match(d.sources.dramBandwidthBytesPerSec, /^measured by kernellens calibrate on 2025-03-01/);
    assert.match(d.sources["peakFlops.f16"], /^estimate: /);
    assert.match(d.sources.l2Bytes, /^estimate: /);
    for (const [field, source] of Object.entries(d.sources)) assert.match(source, /^(measured by kernellens calibrate on |estimate: |adapter limit: )/, field);
    // Found by id, short id and name like a datasheet device.
    assert.equal(lookupDevice(d.id, [d]).device?.id, d.id);
    assert.equal(lookupDevice(d.id.slice("measured-".length), [d]).device?.id, d.id);
    assert.equal(lookupDevice("llvmpipe", [d]).device?.id, d.id);
    // And by the ids older versions gave it, with or without `measured-`.
    assert.equal(lookupDevice("measured-vulkan-mesa-software-llvmpipe", [d]).device?.id, d.id);
    assert.equal(lookupDevice("vulkan-mesa-software-llvmpipe", [d]).device?.id, d.id);
    // The model predicts on it: saxpy moves 12 MiB at 2.4 GB/s, about 5.2 ms plus the dispatch.
    const saxpy = readFileSync(join(__dirname, "..", "..", "examples", "saxpy.wgsl"), "utf8");
    const model = analyzeSource(saxpy, { model: { device: d } }).models.get("saxpy")!.model;
    const ms = model.roofline.predictedMs!;
    assert.ok(ms > 5 && ms < 6, `predicted ${ms} ms`);
    assert.equal(model.roofline.efficiency.memory, 1, "the measured bandwidth is not discounted again for latency");
  });
});
