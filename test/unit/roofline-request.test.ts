// Tests the pure parts of `kernellens/roofline`: roofs from datasheets and calibration, points from the model and from runs, positions, device choice.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource, type SourceAnalysis } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice, listDevices } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import type { CalibrationProfile } from "../../server/src/gpu/types";
import {
  answerRoofline,
  ceilingsFromCalibration,
  ceilingsOf,
  chartedAnalysis,
  measuredPointFromRun,
  modelsOn,
  rooflineResult,
} from "../../server/src/lsp/rooflineRequest";
import { check } from "../../server/src/core/validation";
import type { WgslFileAnalysis } from "../../server/src/analysisService";
import { modelledWgsl } from "../../server/src/lsp/modelledSource";
import { rooflineResultChecker } from "../../webview/src/roofline/protocol";

const root = join(__dirname, "..", "..");
const rtx4090 = findDevice("nvidia-rtx-4090")!;
const h100 = findDevice("nvidia-h100-sxm")!;
const saxpyText = readFileSync(join(root, "examples", "saxpy.wgsl"), "utf8");

function analyze(text: string, device: DeviceSpec = rtx4090): SourceAnalysis {
  return analyzeSource(text, { model: { device } });
}

/** A WGSL file analysis as the server holds it (no Tint). */
function fileOf(source: SourceAnalysis): WgslFileAnalysis {
  return { language: "wgsl", source, diagnostics: source.diagnostics, timing: { tintMs: 0, totalMs: 0 }, tintAvailable: false };
}

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} is not ${expected}`);

describe("roofs", () => {
  it("come from the datasheet: peaks per dtype, DRAM, and SMs x bytes per clock x clock for workgroup memory", () => {
    const c = ceilingsOf(rtx4090);
    assert.equal(c.source, "datasheet");
    assert.equal(c.label, "NVIDIA GeForce RTX 4090");
    // NVIDIA's 82.58 TFLOPS (128 SMs x 128 FP32 lanes x 2 FLOPs per FMA x 2.52 GHz = 82,575 GFLOP/s, rounded by the
    // vendor); Ada's shader f16 runs at the f32 rate.
    close(c.computeGflops.f32, 82_580, "f32 peak");
    close(c.computeGflops.f16!, 82_580, "f16 peak");
    close(c.dramGBps, 1008, "DRAM");
    // 128 SMs x 128 bytes per clock x 2.52 GHz = 41,287.68 GB/s.
    close(c.workgroupGBps!, 41_287.68, "workgroup memory");
    // H100: shader f16 at twice the f32 rate (133.8 against 66.9 TFLOPS, as NVIDIA rounds them), so two compute roofs.
    assert.ok(Math.abs(ceilingsOf(h100).computeGflops.f16! / ceilingsOf(h100).computeGflops.f32 - 2) < 0.01);
  });

  it("come from a calibration profile: FMA chains, the f32 copy (as the measured device), workgroup bandwidth", () => {
    const profile = {
      adapter: {} as CalibrationProfile["adapter"],
      measuredAt: "2025-01-01T00:00:00Z",
      copyBandwidthScalar: 410e9,
      copyBandwidthVec4: 455e9,
      copyBufferToBuffer: 470e9,
      fmaF32: 21.5e12,
      workgroupBandwidth: 9.8e12,
      dispatchOverheadMs: 0.012,
      timing: "timestamp",
    } satisfies CalibrationProfile;
    assert.deepEqual(ceilingsFromCalibration(profile, "Local GPU"), {
      source: "measured",
      label: "Local GPU",
      computeGflops: { f32: 21_500, f16: null },
      dramGBps: 410,
      workgroupGBps: 9800,
    });
    assert.equal(ceilingsFromCalibration({ ...profile, fmaF16: 43e12 }, "x").computeGflops.f16, 43_000);
  });
});

describe("points", () => {
  it("place saxpy where its hand-derived counts put it", () => {
    const result = rooflineResult({ uri: "file:///ws/saxpy.wgsl" }, modelledWgsl(analyze(saxpyText)));
    assert.equal(result.device.id, "nvidia-rtx-4090");
    assert.equal(result.kernels.length, 1);
    const [k] = result.kernels;
    assert.equal(k!.name, "saxpy");
    // `fn saxpy(` is on line 23 (0-based 22); the name starts after `fn `.
    assert.deepEqual(k!.range, { start: { line: 23, character: 3 }, end: { line: 23, character: 8 } });
    const p = k!.predicted!;
    // 2 N FLOPs over 3 N x 4 bytes of DRAM traffic: 1/6 FLOP per byte; the roof above it is 1/6 x 1008 GB/s = 168 GFLOP/s.
    close(p.ai, 1 / 6, "arithmetic intensity");
    close(p.attainableGflops, 168, "attainable");
    assert.equal(p.bound, "memory");
    // The predicted rate is the FLOPs over the predicted time: below the roof (launch overhead, the last partial wave).
    const model = analyze(saxpyText).models.get("saxpy")!.model;
    close(p.ms, model.roofline.predictedMs!, "predicted time");
    close(p.gflops, 2_097_152 / (p.ms * 1e-3) / 1e9, "predicted rate");
    assert.ok(p.gflops < p.attainableGflops);
    assert.equal(k!.workgroupAi, null, "saxpy uses no workgroup memory");
    assert.equal(k!.reason, null);
  });

  it("re-model on another device over the same parse, matching a fresh analysis for that device", () => {
    const source = analyze(saxpyText);
    const onH100 = rooflineResult({ uri: "file:///ws/saxpy.wgsl", deviceId: "h100" }, modelledWgsl(source));
    assert.equal(onH100.device.id, "nvidia-h100-sxm");
    assert.deepEqual(onH100.device.ceilings, ceilingsOf(h100));
    const fresh = analyze(saxpyText, h100).models.get("saxpy")!.model.roofline;
    close(onH100.kernels[0]!.predicted!.ms, fresh.predictedMs!, "time on H100");
    close(onH100.kernels[0]!.predicted!.attainableGflops, fresh.attainableGflops!, "roof on H100");
    assert.notEqual(onH100.kernels[0]!.predicted!.ms, rooflineResult({ uri: "u" }, modelledWgsl(source)).kernels[0]!.predicted!.ms);
    // The document's own device reuses its models; another device gets new ones.
    assert.equal(modelsOn(modelledWgsl(source), rtx4090), source.models);
    assert.notEqual(modelsOn(modelledWgsl(source), h100), source.models);
  });

  it("fall back to the document's device for an unknown id, and list every device", () => {
    const source = analyze(saxpyText);
    for (const deviceId of ["no-such-gpu", "", "   ", undefined]) {
      assert.equal(rooflineResult({ uri: "u", deviceId }, modelledWgsl(source)).device.id, "nvidia-rtx-4090", `deviceId ${JSON.stringify(deviceId)}`);
    }
    const result = rooflineResult({ uri: "u" }, modelledWgsl(source));
    assert.deepEqual(result.devices, listDevices().map((d) => ({ id: d.id, name: d.name, vendor: d.vendor })));
    // Without an analysis (a document the server does not have) the roofs still come back, with no kernels.
    const bare = rooflineResult({ uri: "file:///closed.wgsl", deviceId: "amd-mi300x" }, undefined);
    assert.equal(bare.device.id, "amd-mi300x");
    assert.deepEqual(bare.kernels, []);
    // The page words its labels by the document's language; without a document there is none to name (WGSL's words).
    assert.equal(result.language, "wgsl");
    assert.equal("language" in bare, false);
  });

  it("give no point, with a reason, to a kernel the model cannot place; other stages are not charted", () => {
    const text = [
      "@group(0) @binding(0) var<storage, read_write> data: array<f32>;",
      // A workgroup size named by a macro nothing defines: no launch to infer anything from.
      "@compute @workgroup_size(WG_SIZE)",
      "fn no_launch(@builtin(global_invocation_id) gid: vec3<u32>) { data[gid.x] = data[gid.x] * 2.0; }",
      "@vertex fn vs() -> @builtin(position) vec4<f32> { return vec4<f32>(0.0); }",
    ].join("\n");
    const result = rooflineResult({ uri: "u" }, modelledWgsl(analyze(text)));
    assert.deepEqual(result.kernels.map((k) => k.name), ["no_launch"]);
    assert.equal(result.kernels[0]!.predicted, null);
    assert.match(result.kernels[0]!.reason ?? "", /\S/);
  });

  it("from a run: the achieved rates' ratio is the intensity; no timing or no rate means no point", () => {
    const timing = { method: "timestamp", samplesMs: [0.5], medianMs: 0.5, minMs: 0.5, maxMs: 0.5 } as const;
    assert.deepEqual(measuredPointFromRun({ timing, achieved: { gflops: 120, gbps: 720 } }), { ai: 1 / 6, gflops: 120, ms: 0.5 });
    assert.equal(measuredPointFromRun({ timing: undefined, achieved: { gflops: 120, gbps: 720 } }), null);
    assert.equal(measuredPointFromRun({ timing, achieved: { gflops: null, gbps: 720 } }), null);
    assert.equal(measuredPointFromRun({ timing, achieved: { gflops: 0, gbps: 720 } }), null);
    assert.equal(measuredPointFromRun({ timing, achieved: undefined }), null);
  });

  it("pass the page's own check for every example on every device (finite, positive, in range)", () => {
    const dir = join(root, "examples");
    const files = readdirSync(dir).filter((f) => f.endsWith(".wgsl"));
    let placed = 0;
    let charted = 0;
    for (const file of files) {
      const source = analyze(readFileSync(join(dir, file), "utf8"));
      for (const device of listDevices()) {
        const result = rooflineResult({ uri: `file:///ws/${file}`, deviceId: device.id }, modelledWgsl(source));
        const checked = check(rooflineResultChecker, result, "result");
        assert.ok(checked.ok, `${file} on ${device.id}: ${checked.ok ? "" : checked.detail}`);
        placed += result.kernels.filter((k) => k.predicted !== null).length;
        charted += result.kernels.length;
      }
    }
    // Only the kernels without floating-point work (the transposes, a texture write) have no point.
    assert.ok(placed >= 0.75 * charted, `most example kernels get a point: ${placed} of ${charted}`);
  });
});

describe("positions and requests", () => {
  it("charts the last analysis that parsed while the current one has syntax errors", () => {
    const good = analyze(saxpyText);
    const broken = analyze(saxpyText.replace("let i = gid.x;", "let i = gid.x +;"));
    assert.ok(broken.module.errors.length > 0);
    assert.equal(chartedAnalysis({ analysis: fileOf(broken), lastGood: fileOf(good) })?.source, good);
    assert.equal(chartedAnalysis({ analysis: fileOf(broken), lastGood: undefined })?.source, broken);
    assert.equal(chartedAnalysis({ analysis: fileOf(good), lastGood: fileOf(good) })?.source, good);
    assert.equal(chartedAnalysis(undefined), undefined);
  });

  it("answers malformed params without throwing", () => {
    const state = { analysis: fileOf(analyze(saxpyText)), lastGood: undefined };
    for (const params of [null, undefined, 42, "file:///x", {}, { uri: 7 }, { uri: "file:///x", deviceId: 9 }]) {
      const result = answerRoofline(params, state);
      assert.ok(Array.isArray(result.kernels) && result.devices.length > 0, JSON.stringify(params));
    }
    assert.equal(answerRoofline({ uri: "file:///x", deviceId: 9 }, state).device.id, "nvidia-rtx-4090");
    assert.equal(answerRoofline({ uri: "file:///x" }, state).kernels.length, 1);
  });

  it("adds the quantized GEMV with its weights in other formats, each moving fewer bytes than fp16", () => {
    const path = join(root, "examples", "quant", "int4-gemv-good.wgsl");
    const device = findDevice(DEFAULT_DEVICE_ID)!;
    const source = analyzeSource(readFileSync(path, "utf8"), { model: { device } });
    const result = rooflineResult({ uri: "file:///q.wgsl" }, modelledWgsl(source));
    const whatIf = result.kernels.filter((k) => /what-if/.test(k.name));
    assert.ok(whatIf.length >= 5, whatIf.map((k) => k.name).join(", "));
    const fp16 = whatIf.find((k) => /as fp16/.test(k.name))!;
    const q4 = whatIf.find((k) => /as q4_0/.test(k.name))!;
    // Same FLOPs, fewer bytes: higher arithmetic intensity and a shorter time.
    assert.ok(q4.predicted!.ai > fp16.predicted!.ai * 3);
    assert.ok(q4.predicted!.ms < fp16.predicted!.ms / 3);
  });
});
