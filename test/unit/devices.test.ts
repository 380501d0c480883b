// Tests the device database: coverage, internal consistency, a citation for every figure, lookup rules and JSON output.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { datasheetDevices } from "../../server/src/core/devices/datasheets";
import { DEFAULT_DEVICE_ID, devicesJson, findDevice, listDevices, lookupDevice, ridgePoint } from "../../server/src/core/devices/database";

/** Fields that describe the device rather than measure it; they need no citation. */
const DESCRIPTIVE = new Set(["id", "name", "vendor", "architecture", "segment", "sources", "notes"]);
/** Figures every device must have, each with a source. */
const REQUIRED_SOURCES = [
  "smCount",
  "warpSize",
  "registersPerSm",
  "sharedMemoryPerSmBytes",
  "boostClockMhz",
  "peakFlops.f32",
  "peakFlops.f16",
  "dramBandwidthBytesPerSec",
  "l2Bytes",
  "memoryBytes",
];

/** Every figure of a device as `[dotted key, value]`, nested objects flattened (`peakFlops.f32`). */
function figures(d: DeviceSpec): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(d)) {
    if (DESCRIPTIVE.has(k) || v === undefined) continue;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) if (v2 !== undefined) out.push([`${k}.${k2}`, v2]);
    } else {
      out.push([k, v]);
    }
  }
  return out;
}

function within(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.abs(expected);
}

describe("datasheet devices", () => {
  it("has at least 25 devices with unique, well-formed ids and names", () => {
    assert.ok(datasheetDevices.length >= 25, `only ${datasheetDevices.length} devices`);
    const ids = datasheetDevices.map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length, "duplicate ids");
    for (const d of datasheetDevices) {
      assert.match(d.id, /^(nvidia|amd|apple|intel)-[a-z0-9]+(-[a-z0-9]+)*$/, d.id);
      assert.ok(d.id.startsWith(`${d.vendor}-`), `${d.id} does not start with its vendor`);
      assert.ok(d.name.length > 3 && d.architecture.length > 0, d.id);
    }
    assert.equal(new Set(datasheetDevices.map((d) => d.name)).size, datasheetDevices.length, "duplicate names");
  });

  it("gives every numeric figure as a positive, finite number (lists: non-negative and ascending)", () => {
    for (const d of datasheetDevices) {
      for (const [key, value] of figures(d)) {
        if (key === "computeCapability") {
          assert.equal(typeof value, "string", `${d.id}.${key}`);
        } else if (Array.isArray(value)) {
          assert.ok(value.length > 0, `${d.id}.${key} is empty`);
          for (let i = 0; i < value.length; i++) {
            assert.ok(Number.isFinite(value[i]) && value[i] >= 0, `${d.id}.${key}[${i}] = ${value[i]}`);
            if (i > 0) assert.ok(value[i] > value[i - 1], `${d.id}.${key} is not ascending`);
          }
        } else if (key === "sharedMemoryBankConflicts") {
          assert.equal(typeof value, "boolean", `${d.id}.${key}`);
        } else if (key === "sharedMemoryReservedPerBlockBytes") {
          assert.ok(typeof value === "number" && Number.isFinite(value) && value >= 0, `${d.id}.${key} = ${String(value)}`);
        } else {
          assert.ok(typeof value === "number" && Number.isFinite(value) && value > 0, `${d.id}.${key} = ${String(value)}`);
        }
      }
    }
  });

  it("cites a source for every figure, and no source for a figure that is absent", () => {
    for (const d of datasheetDevices) {
      const present = new Set(figures(d).map(([k]) => k));
      for (const key of REQUIRED_SOURCES) assert.ok(present.has(key), `${d.id} lacks ${key}`);
      for (const key of present) {
        const src = d.sources[key];
        assert.ok(typeof src === "string" && src.length > 10, `${d.id}: no source for ${key}`);
        // A citation carries a URL, or says plainly that the figure is derived or an estimate.
        assert.ok(/https?:\/\//.test(src) || /estimate/i.test(src), `${d.id}: the source for ${key} has no URL and is not marked as an estimate: ${src}`);
      }
      for (const key of Object.keys(d.sources)) assert.ok(present.has(key), `${d.id}: a source for ${key}, which the device does not have`);
    }
  });

  it("covers Volta to Blackwell, datacenter and consumer NVIDIA, AMD CDNA and RDNA, Apple M and Intel Arc", () => {
    const has = (pred: (d: DeviceSpec) => boolean, what: string) => assert.ok(datasheetDevices.some(pred), `no ${what}`);
    has((d) => d.vendor === "nvidia" && d.architecture === "Volta", "Volta");
    has((d) => d.vendor === "nvidia" && d.architecture === "Turing", "Turing");
    has((d) => d.vendor === "nvidia" && d.architecture === "Ampere", "Ampere");
    has((d) => d.vendor === "nvidia" && d.architecture === "Ada Lovelace", "Ada");
    has((d) => d.vendor === "nvidia" && d.architecture === "Hopper", "Hopper");
    has((d) => d.vendor === "nvidia" && d.architecture === "Blackwell" && d.segment === "datacenter", "datacenter Blackwell");
    has((d) => d.vendor === "nvidia" && d.architecture === "Blackwell" && d.segment === "consumer", "consumer Blackwell");
    has((d) => d.vendor === "nvidia" && d.segment === "datacenter", "NVIDIA datacenter");
    has((d) => d.vendor === "nvidia" && d.segment === "consumer", "NVIDIA consumer");
    for (const arch of ["CDNA 1", "CDNA 2", "CDNA 3", "RDNA 2", "RDNA 3"]) has((d) => d.vendor === "amd" && d.architecture === arch, `AMD ${arch}`);
    for (const chip of ["apple-m1", "apple-m2-max", "apple-m3-max", "apple-m4"]) has((d) => d.id === chip, chip);
    has((d) => d.vendor === "intel" && d.id === "intel-arc-a770", "Intel Arc A770");
    has((d) => d.vendor === "intel" && (d.id === "intel-arc-a750" || d.id === "intel-arc-a380"), "Intel Arc A750/A380");
  });

  it("derives the f32 peak as units x lanes x 2 x clock (notes), within 5% of the vendor's own figure where quoted", () => {
    const derivation = /f32 peak = (\d+) (?:SMs|CUs|cores|Xe-cores) x (\d+) FP32 lanes x 2 x (\d+) MHz/;
    for (const d of datasheetDevices) {
      const note = (d.notes ?? []).find((n) => derivation.test(n));
      assert.ok(note, `${d.id}: no derivation note`);
      const m = derivation.exec(note)!;
      const [units, lanes, mhz] = [Number(m[1]), Number(m[2]), Number(m[3])];
      assert.equal(units, d.smCount, `${d.id}: note and smCount disagree`);
      assert.equal(mhz, d.boostClockMhz, `${d.id}: note and boostClockMhz disagree`);
      assert.ok(within(d.peakFlops.f32, units * lanes * 2 * mhz * 1e6, 0.05), `${d.id}: f32 ${d.peakFlops.f32} vs the derivation`);
      const vendor = /\((?:NVIDIA|AMD|Apple): ([\d.]+) TFLOPS/.exec(note);
      if (vendor) assert.ok(within(d.peakFlops.f32, Number(vendor[1]) * 1e12, 0.05), `${d.id}: f32 ${d.peakFlops.f32} vs vendor ${vendor[1]} TFLOPS`);
    }
  });

  it("orders the peaks sensibly: f16 >= f32 >= f64, the matrix peak above the shader f16 peak", () => {
    for (const d of datasheetDevices) {
      const p = d.peakFlops;
      assert.ok(p.f16 >= p.f32, `${d.id}: f16 < f32`);
      if (p.f64 !== undefined) assert.ok(p.f64 <= p.f32 * 1.01, `${d.id}: f64 > f32`);
      if (p.tensorF16 !== undefined) assert.ok(p.tensorF16 >= p.f16, `${d.id}: tensor < f16`);
      assert.ok(d.peakSpecialOps < p.f32, `${d.id}: special-function rate above the f32 rate`);
    }
  });

  it("keeps the limits consistent with each other", () => {
    for (const d of datasheetDevices) {
      assert.equal(d.maxThreadsPerSm, d.maxWarpsPerSm * d.warpSize, `${d.id}: threads != warps x warp size`);
      assert.ok(d.maxThreadsPerBlock <= d.maxThreadsPerSm, d.id);
      assert.ok(d.maxSharedMemoryPerBlockBytes <= d.sharedMemoryPerSmBytes, d.id);
      const parts = d.subPartitionsPerSm ?? 1;
      assert.equal(d.registersPerSm % parts, 0, `${d.id}: registers do not split evenly over ${parts} partitions`);
      assert.equal(d.maxWarpsPerSm % parts, 0, `${d.id}: warps do not split evenly over ${parts} partitions`);
      assert.equal(d.registerAllocationUnit % d.warpSize, 0, `${d.id}: allocation unit is not whole registers per lane`);
      if (d.sharedMemoryCarveoutsBytes) assert.equal(Math.max(...d.sharedMemoryCarveoutsBytes), d.sharedMemoryPerSmBytes, `${d.id}: largest carveout != shared memory per SM`);
      if (d.sharedMemoryBlockSizesBytes) assert.equal(Math.max(...d.sharedMemoryBlockSizesBytes), d.maxSharedMemoryPerBlockBytes, d.id);
      if (d.lastLevelCacheBytes !== undefined) assert.ok(d.lastLevelCacheBytes > d.l2Bytes, `${d.id}: last-level cache not beyond L2`);
      assert.ok(d.memoryBytes > d.l2Bytes && d.dramBandwidthBytesPerSec > 1e10, d.id);
    }
  });

  it("matches the CUDA Programming Guide's per-compute-capability table and cuda_occupancy.h's carveouts", () => {
    // [max warps/SM, max blocks/SM, shared KB/SM, max shared KB/block, carveouts KB, alloc unit, reserved KB].
    const table: Record<string, [number, number, number, number, number[], number, number]> = {
      "7.0": [64, 32, 96, 96, [0, 8, 16, 32, 64, 96], 256, 0],
      "7.5": [32, 16, 64, 64, [32, 64], 256, 0],
      "8.0": [64, 32, 164, 163, [0, 8, 16, 32, 64, 100, 132, 164], 128, 1],
      "8.6": [48, 16, 100, 99, [0, 8, 16, 32, 64, 100], 128, 1],
      "8.9": [48, 24, 100, 99, [0, 8, 16, 32, 64, 100], 128, 1],
      "9.0": [64, 32, 228, 227, [0, 8, 16, 32, 64, 100, 132, 164, 196, 228], 128, 1],
      "10.0": [64, 32, 228, 227, [0, 8, 16, 32, 64, 100, 132, 164, 196, 228], 128, 1],
      "12.0": [48, 24, 100, 99, [0, 8, 16, 32, 64, 100], 128, 1],
    };
    const nvidia = datasheetDevices.filter((d) => d.vendor === "nvidia");
    assert.ok(nvidia.length >= 12);
    for (const d of nvidia) {
      const row = table[d.computeCapability ?? ""];
      assert.ok(row, `${d.id}: unexpected compute capability ${d.computeCapability}`);
      const [warps, blocks, smem, perBlock, carve, unit, reserved] = row;
      assert.equal(d.maxWarpsPerSm, warps, d.id);
      assert.equal(d.maxBlocksPerSm, blocks, d.id);
      assert.equal(d.sharedMemoryPerSmBytes, smem * 1024, d.id);
      assert.equal(d.maxSharedMemoryPerBlockBytes, perBlock * 1024, d.id);
      assert.deepEqual(d.sharedMemoryCarveoutsBytes, carve.map((k) => k * 1024), d.id);
      assert.equal(d.sharedMemoryAllocationUnitBytes, unit, d.id);
      assert.equal(d.sharedMemoryReservedPerBlockBytes, reserved * 1024, d.id);
      assert.equal(d.registersPerSm, 65536, d.id);
      assert.equal(d.registerAllocationUnit, 256, d.id);
      assert.equal(d.subPartitionsPerSm, 4, d.id);
      assert.equal(d.warpSize, 32, d.id);
      assert.equal(d.memoryTransactionBytes, 32, d.id);
    }
  });

  it("uses LLVM's AMDGPU register files: 512 VGPRs (CDNA 2/3), 1024 (RDNA 2) and 1536 (RDNA 3/4) per SIMD lane", () => {
    const vgprsPerLane = (d: DeviceSpec) => d.registersPerSm / d.warpSize / (d.subPartitionsPerSm ?? 1);
    assert.equal(vgprsPerLane(findDevice("amd-mi300x")!), 512);
    assert.equal(vgprsPerLane(findDevice("amd-mi210")!), 512);
    assert.equal(vgprsPerLane(findDevice("amd-mi100")!), 256);
    assert.equal(vgprsPerLane(findDevice("amd-rx-6900-xt")!), 1024);
    assert.equal(vgprsPerLane(findDevice("amd-rx-7900-xtx")!), 1536);
    assert.equal(vgprsPerLane(findDevice("amd-rx-9070-xt")!), 1536);
    assert.equal(findDevice("amd-mi300x")!.warpSize, 64);
    assert.equal(findDevice("amd-rx-7900-xtx")!.warpSize, 32);
    // Allocation granules (AMDGPUBaseInfo getVGPRAllocGranule) times the wave size.
    assert.equal(findDevice("amd-mi300x")!.registerAllocationUnit, 8 * 64);
    assert.equal(findDevice("amd-rx-6900-xt")!.registerAllocationUnit, 16 * 32);
    assert.equal(findDevice("amd-rx-7900-xtx")!.registerAllocationUnit, 24 * 32);
  });
});

describe("device lookup", () => {
  const measured: DeviceSpec = {
    ...findDevice("nvidia-rtx-4090")!,
    id: "measured-local-adapter",
    name: "Local adapter (measured)",
    vendor: "measured",
    segment: "measured",
    sources: { "peakFlops.f32": "calibration run" },
  };

  it("lists measured profiles before datasheet devices", () => {
    const all = listDevices([measured]);
    assert.equal(all[0].id, "measured-local-adapter");
    assert.equal(all.length, datasheetDevices.length + 1);
    assert.deepEqual(listDevices().map((d) => d.id), datasheetDevices.map((d) => d.id));
  });

  it("finds by exact id, then case-insensitive id, then id without the vendor, then display name", () => {
    assert.equal(lookupDevice("nvidia-h100-sxm").match, "exact");
    const ci = lookupDevice("NVIDIA-H100-SXM");
    assert.equal(ci.device?.id, "nvidia-h100-sxm");
    assert.equal(ci.match, "case-insensitive");
    assert.equal(lookupDevice("mi300x").device?.id, "amd-mi300x");
    assert.equal(lookupDevice("mi300x").match, "short-id");
    // `a10` is a short id even though it is also a substring of the A100's id.
    assert.equal(findDevice("a10")?.id, "nvidia-a10");
    assert.equal(findDevice("m1")?.id, "apple-m1");
    assert.equal(findDevice("RTX 4090")?.id, "nvidia-rtx-4090");
    const byName = lookupDevice("NVIDIA GeForce RTX 3090");
    assert.equal(byName.device?.id, "nvidia-rtx-3090");
    assert.equal(byName.match, "name");
  });

  it("maps a flagship short name through an alias, and takes a unique substring", () => {
    const h100 = lookupDevice("H100");
    assert.equal(h100.device?.id, "nvidia-h100-sxm");
    assert.equal(h100.match, "alias");
    assert.equal(findDevice("a100")?.id, "nvidia-a100-sxm-80gb");
    const sub = lookupDevice("4090");
    assert.equal(sub.device?.id, "nvidia-rtx-4090");
    assert.equal(sub.match, "substring");
    assert.equal(findDevice("7900")?.id, "amd-rx-7900-xtx");
  });

  it("returns no device and the candidates when a substring is ambiguous, and nothing for an unknown name", () => {
    const amb = lookupDevice("mi2");
    assert.equal(amb.device, undefined);
    assert.equal(amb.match, "ambiguous");
    assert.deepEqual(amb.candidates.map((d) => d.id), ["amd-mi210", "amd-mi250x"]);
    assert.equal(findDevice("mi2"), undefined);
    const rtx = lookupDevice("rtx");
    assert.ok(rtx.candidates.length >= 6);
    const none = lookupDevice("tpu-v5e");
    assert.equal(none.device, undefined);
    assert.equal(none.match, "none");
    assert.deepEqual(none.candidates, []);
    assert.equal(lookupDevice("  ").match, "none");
  });

  it("searches measured profiles first", () => {
    assert.equal(findDevice("measured-local-adapter", [measured])?.name, "Local adapter (measured)");
    const shadow = { ...measured, id: "nvidia-rtx-4090" };
    assert.equal(findDevice("nvidia-rtx-4090", [shadow])?.vendor, "measured");
    assert.equal(findDevice("measured-local-adapter"), undefined);
  });

  it("has a default device that exists", () => {
    assert.equal(findDevice(DEFAULT_DEVICE_ID)?.id, DEFAULT_DEVICE_ID);
  });
});

describe("ridge points and JSON", () => {
  it("divides the peak by the DRAM bandwidth", () => {
    // RTX 4090: 128 x 128 x 2 x 2.52 GHz = 82.58 TFLOP/s over 1,008 GB/s = 81.9 FLOP/B.
    const rtx4090 = findDevice("nvidia-rtx-4090")!;
    assert.ok(Math.abs(ridgePoint(rtx4090, "f32")! - 82.58e12 / 1008e9) < 0.1);
    assert.equal(ridgePoint(rtx4090), ridgePoint(rtx4090, "f32"));
    // A100: 9.7 TFLOP/s FP64 over 2,039 GB/s = 4.76 FLOP/B; 312 TFLOP/s tensor = 153 FLOP/B.
    const a100 = findDevice("a100")!;
    assert.ok(Math.abs(ridgePoint(a100, "f64")! - 4.757) < 0.01);
    assert.ok(Math.abs(ridgePoint(a100, "tensorF16")! - 153.0) < 0.1);
    assert.ok(ridgePoint(a100, "int32")! > 0);
    // Apple GPUs have no FP64.
    assert.equal(ridgePoint(findDevice("apple-m1")!, "f64"), undefined);
  });

  it("prints every field including sources and notes, as independent plain objects", () => {
    const json = devicesJson(datasheetDevices);
    assert.equal(json.length, datasheetDevices.length);
    const text = JSON.stringify(json);
    assert.deepEqual(JSON.parse(text), json);
    const h100 = json.find((d) => d.id === "nvidia-h100-sxm")!;
    assert.equal(h100.peakFlops.f32, findDevice("nvidia-h100-sxm")!.peakFlops.f32);
    assert.match(h100.sources["peakFlops.tensorF16"], /https:\/\//);
    assert.ok(h100.notes && h100.notes.length > 0);
    assert.deepEqual(h100.sharedMemoryCarveoutsBytes, findDevice("nvidia-h100-sxm")!.sharedMemoryCarveoutsBytes);
    h100.smCount = 1;
    assert.equal(findDevice("nvidia-h100-sxm")!.smCount, 132);
  });
});
