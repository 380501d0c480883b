// The time model's terms derived by hand (issue 13): small and partial launches, the last wave's fill, bytes in
// flight (memory-level parallelism), and integer address arithmetic that a compiler strength-reduces.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { breakdownMarkdown } from "../../server/src/core/model/format";
import { L2_TO_DRAM_BANDWIDTH, MEMORY_LATENCY_S, roofline } from "../../server/src/core/model/roofline";
import type { KernelModel } from "../../server/src/core/model/types";

const root = join(__dirname, "..", "..");
const rtx4090 = findDevice("nvidia-rtx-4090")!;

function model(text: string, entry: string, device: DeviceSpec = rtx4090): KernelModel {
  const m = analyzeSource(text, { model: { device, given: new Map() } }).models.get(entry)?.model;
  assert.ok(m, `${entry} has a model`);
  return m;
}

const copy = (workgroups: number): string => `
// @dispatch ${workgroups}
// @buffer src[${workgroups * 64}]
// @buffer dst[${workgroups * 64}]
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(64)
fn copy(@builtin(global_invocation_id) gid: vec3<u32>) {
  dst[gid.x] = src[gid.x];
}
`;

describe("small and partial launches", () => {
  it("runs 8 workgroups in about one workgroup's time plus the launch", () => {
    // By hand: 8 workgroups of 2 warps, each lane loads 4 B and stores 4 B. One warp's load is one 128-byte round
    // trip; the stores ride along: 256 B in flight per warp, 16 warps = 4 KB in flight, which is the whole 4 KB of
    // traffic. Every byte misses L2 (DRAM = L2 traffic), so the wave takes one DRAM latency (500 ns) plus the
    // 4 KB / 1,008 GB/s = 4 ns of transfer, smoothed: T_bw / (1 - exp(-T_bw / T_lat)) = 502 ns. Then the launch.
    const m = model(copy(8), "copy");
    const r = m.roofline;
    assert.equal(r.efficiency.waves, 1);
    assert.equal(r.efficiency.bytesInFlightPerWarp, 256);
    const launchMs = rtx4090.launchOverheadUs / 1e3;
    const tBw = 4096 / rtx4090.dramBandwidthBytesPerSec;
    const tLat = MEMORY_LATENCY_S;
    const expectedMs = launchMs + (tBw / -Math.expm1(-tBw / tLat)) * 1e3;
    assert.ok(Math.abs(r.predictedMs! - expectedMs) / expectedMs < 0.01, `${r.predictedMs} ms, by hand ${expectedMs} ms`);
    assert.equal(r.bound, "latency");
    assert.equal(r.limiter, "launch overhead");
    // A single workgroup takes the same time: the launch is its latency, not the device's time over a tiny share.
    const one = model(copy(1), "copy").roofline.predictedMs!;
    assert.ok(Math.abs(one - r.predictedMs!) / r.predictedMs! < 0.01, `1 workgroup ${one} ms, 8 workgroups ${r.predictedMs} ms`);
  });

  it("predicts the q4_0 GEMV of 8 workgroups far below the 0.67 ms a tiny wave utilisation gave", () => {
    const m = model(readFileSync(join(root, "examples", "quant", "q4_0-gemv.wgsl"), "utf8"), "q4_0_gemv");
    const r = m.roofline;
    assert.equal(r.efficiency.waves, 1);
    // Latency-limited: 8 workgroups of 2 warps keep far fewer bytes in flight than bandwidth x latency.
    assert.match(r.limiter ?? "", /^memory latency/);
    assert.ok(r.predictedMs! < 0.1, `${r.predictedMs} ms`);
  });

  it("reports 4 workgroups at 3 per wave as 2 waves, the last 33 % full", () => {
    // A 3-SM device with one 1,024-invocation workgroup resident per SM: 3 workgroups per wave.
    const device: DeviceSpec = { ...rtx4090, id: "three-sm", smCount: 3 };
    const text = copy(4).replace("@workgroup_size(64)", "@workgroup_size(1024)").replace(/\[256\]/g, "[4096]");
    const m = model(text, "copy", device);
    const e = m.roofline.efficiency;
    assert.equal(m.occupancy?.activeWorkgroupsPerSm, 1);
    assert.equal(e.workgroupsPerWave, 3);
    assert.equal(e.waves, 2);
    assert.ok(Math.abs(e.lastWaveFill! - 1 / 3) < 1e-9);
    assert.ok(Math.abs(e.waveUtilization - 4 / 6) < 1e-9);
    assert.match(breakdownMarkdown(m, device), /2 wave\(s\) of up to 3 workgroups, the last 33% full/);
  });

  it("adds a partial last wave at its own throughput: (waves - 1) x full wave + last wave", () => {
    // Straight from roofline(): 128 SMs x 1 workgroup per SM; 129 workgroups = a full wave and a wave of 1. Pure
    // DRAM streaming with bandwidth-level bytes in flight: the full wave moves 128/129 of the bytes at ~bandwidth,
    // the last wave moves 1/129 of them with 1/128 of the bytes in flight (latency-limited).
    const base = { flopsF32: 0, flopsF16: 0, intOps: 0, specialOps: 0, workgroupBytes: 0, activeWarpsPerSm: 32, activeWorkgroupsPerSm: 1, warpsPerWorkgroup: 32, barriers: 0 };
    const bytes = 129 * 1024 * 1024;
    const bif = 4096;
    const r = roofline(rtx4090, { ...base, dramBytes: bytes, l2Bytes: bytes, workgroups: 129, bytesInFlightPerWarp: bif });
    const wave = (n: number): number => {
      const tBw = (bytes * (n / 129)) / rtx4090.dramBandwidthBytesPerSec;
      const tLat = (bytes * (n / 129) * MEMORY_LATENCY_S) / (n * 32 * bif);
      return tBw / -Math.expm1(-tBw / tLat);
    };
    const expectedMs = (wave(128) + wave(1)) * 1e3 + rtx4090.launchOverheadUs / 1e3;
    assert.ok(Math.abs(r.predictedMs! - expectedMs) / expectedMs < 1e-9, `${r.predictedMs} vs ${expectedMs}`);
    assert.equal(r.efficiency.waves, 2);
    assert.ok(Math.abs(r.efficiency.lastWaveFill! - 1 / 128) < 1e-12);
    // L2 at 3x DRAM bandwidth never limits here.
    assert.ok(L2_TO_DRAM_BANDWIDTH > 1 && r.limiter === "DRAM bandwidth", r.limiter);
  });
});

const transpose = (perThread: number): string => `
// @let N = 2048
// @dispatch N / 16, N / (16 * ${perThread})
// @buffer src[N * N]
// @buffer dst[N * N]
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(16, 16)
fn transpose(@builtin(global_invocation_id) gid: vec3<u32>) {
  for (var r = 0u; r < ${perThread}u; r++) {
    let row = gid.y * ${perThread}u + r;
    dst[gid.x * 2048u + row] = src[row * 2048u + gid.x];
  }
}
`;

describe("bytes in flight", () => {
  it("predicts a transpose coarsened to 4 elements per thread faster than one element per thread", () => {
    const one = model(transpose(1), "transpose").roofline;
    const four = model(transpose(4), "transpose").roofline;
    // One element: a warp's coalesced load and its strided store are one round trip (the store waits for the load).
    // Four: a loop of 4 the compiler unrolls, so four loads are in flight before the first store needs its value.
    // The gain is small here (the strided stores already keep DRAM busy at full occupancy) but it is there.
    assert.ok(four.efficiency.bytesInFlightPerWarp! >= 3.9 * one.efficiency.bytesInFlightPerWarp!, `${four.efficiency.bytesInFlightPerWarp} vs ${one.efficiency.bytesInFlightPerWarp}`);
    assert.ok(four.efficiency.memory > one.efficiency.memory, `${four.efficiency.memory} vs ${one.efficiency.memory}`);
    assert.ok(four.predictedMs! < one.predictedMs!, `4 per thread ${four.predictedMs} ms, 1 per thread ${one.predictedMs} ms`);
  });

  it("calls a 128-thread layer norm over 0.8 MB latency-limited, neither at full bandwidth nor at 1.2 ms", () => {
    // One workgroup of 128 invocations normalises one 204,800-float row (0.8 MB). The old model divided the
    // bandwidth time by a wave utilisation of 1 / 1,536 workgroup slots: 1.2 ms. Four warps with four unrolled
    // 128-byte loads each keep 2 KB in flight: about 0.8 MB x 2 reads x 500 ns / 2 KB = 0.4 ms.
    const text = `
// @let ROWS = 1
// @let COLS = 204800
// @dispatch ROWS
// @buffer x[ROWS * COLS]
// @buffer y[ROWS * COLS]
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
var<workgroup> partial: array<f32, 128>;
@compute @workgroup_size(128)
fn layer_norm(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let base = wid.x * 204800u;
  var s = 0.0;
  for (var c = lid.x; c < 204800u; c += 128u) { s += x[base + c]; }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var stride = 64u; stride > 0u; stride >>= 1u) {
    if (lid.x < stride) { partial[lid.x] += partial[lid.x + stride]; }
    workgroupBarrier();
  }
  let mean = partial[0] / 204800.0;
  for (var c = lid.x; c < 204800u; c += 128u) { y[base + c] = x[base + c] - mean; }
}
`;
    const r = model(text, "layer_norm").roofline;
    const dramMs = r.components.dramMs!;
    assert.match(r.limiter ?? "", /latency/);
    assert.ok(r.efficiency.memory < 0.6, `memory efficiency ${r.efficiency.memory}`);
    assert.ok(r.predictedMs! > dramMs + r.components.launchMs, `${r.predictedMs} ms vs bandwidth ${dramMs} ms + launch`);
    assert.ok(r.predictedMs! < 0.6 && r.predictedMs! > 0.2, `${r.predictedMs} ms`);
  });
});

describe("integer and address arithmetic", () => {
  it("does not call the tiled matmul compute-bound because of its source-level index arithmetic", () => {
    const m = model(readFileSync(join(root, "examples", "matmul-tiled.wgsl"), "utf8"), "matmul_tiled");
    // The source writes ~3.6 integer ops per FLOP (indices, loop control) ...
    assert.ok(m.ops.intOps.value > 3 * m.ops.flopsF32.value);
    // ... which a compiler hoists, strength-reduces and unrolls away: the limit is workgroup-memory bandwidth
    // (2 loads of 4 B per FMA from the tiles, 268 M FLOPs x 4 B = 1.07 GB, plus the tile stores, 2 x 4 B per
    // invocation per tile step = 67 MB: 1.14 GB over 128 SMs x 128 B x 2.52 GHz = 27.6 µs).
    assert.notEqual(m.roofline.bound, "compute", m.roofline.limiter);
    assert.equal(m.roofline.bound, "workgroup-memory");
    const wgMs = ((m.ops.flopsF32.value * 4 + 512 * 512 * 32 * 2 * 4) / (128 * 128 * 2520e6)) * 1e3;
    assert.ok(Math.abs(m.roofline.components.workgroupMs - wgMs) / wgMs < 0.01, `${m.roofline.components.workgroupMs} vs ${wgMs}`);
  });

  it("still charges integer work that is not addressing (a hash loop) at the integer pipe's rate", () => {
    const text = `
// @dispatch 4096
// @buffer out[4096 * 256]
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(256)
fn hash(@builtin(global_invocation_id) gid: vec3<u32>) {
  var h = gid.x;
  for (var i = 0u; i < 256u; i++) { h = (h ^ (h >> 16u)) * 73244475u; h = h ^ (h << 5u); }
  out[gid.x] = h;
}
`;
    const r = model(text, "hash").roofline;
    assert.equal(r.bound, "compute");
    assert.match(r.limiter ?? "", /integer pipe|instruction issue/);
  });
});
