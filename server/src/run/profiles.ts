// Calibration profiles of local adapters: saved per adapter, loaded, and turned into a DeviceSpec the cost model uses.
//
// A profile holds what `kernellens calibrate` measured (copy bandwidth, FMA rates, workgroup-memory bandwidth,
// dispatch overhead). The cost model needs more figures than calibration measures (register file, warps per SM,
// cache sizes); those are estimated from the adapter's WebGPU limits or set so the model's efficiency factors stay
// neutral, because a measured ceiling already includes the latency hiding the factors model. Every figure's
// source says which: "measured by kernellens calibrate on <date>: ..." or "estimate: ...".
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, writeSync } from "node:fs";
import { availableParallelism, homedir } from "node:os";
import { join } from "node:path";
import type { DeviceSpec } from "../core/devices/device";
import { BYTES_IN_FLIGHT_PER_WARP, MEMORY_LATENCY_S, WARPS_FOR_FULL_COMPUTE } from "../core/model/roofline";
import type { CalibrationProfile } from "../gpu/types";
import { measuredDeviceId } from "../core/run/comparison";
import { legacyMeasuredDeviceId } from "../core/run/measuredDeviceId";
import { readCappedText } from "./readCapped";

/** `KERNELLENS_PROFILE_DIR`, else `$XDG_CACHE_HOME/kernellens/profiles`, else `~/.cache/kernellens/profiles`. */
export function profileDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KERNELLENS_PROFILE_DIR) return env.KERNELLENS_PROFILE_DIR;
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(cache, "kernellens", "profiles");
}

/** A file name for an adapter key (keys hold `/` between their parts). */
export function profileFileName(key: string): string {
  return `${key.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_") || "adapter"}.json`;
}

// The id of a measured device is decided in the core, which compares predictions with measurements by it.
export { measuredDeviceId };

function isProfile(v: unknown): v is CalibrationProfile {
  if (!v || typeof v !== "object") return false;
  const p = v as Record<string, unknown>;
  const a = p.adapter as Record<string, unknown> | undefined;
  const num = (x: unknown): boolean => typeof x === "number" && Number.isFinite(x) && x > 0;
  return (
    !!a && typeof a === "object" && typeof a.key === "string" && typeof p.measuredAt === "string" &&
    num(p.copyBandwidthScalar) && num(p.copyBandwidthVec4) && num(p.fmaF32) && num(p.workgroupBandwidth) && typeof p.dispatchOverheadMs === "number"
  );
}

/** Saves a profile (replacing the adapter's previous one) atomically: a temporary file renamed over the old one. */
export function saveProfile(profile: CalibrationProfile, dir: string = profileDir()): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, profileFileName(profile.adapter.key));
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o644);
  try {
    writeSync(fd, `${JSON.stringify(profile, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return path;
}

/** A profile is a few KiB; a larger `.json` in the folder is not one, and is skipped unread. */
export const MAX_PROFILE_BYTES = 1024 * 1024;

/**
 * The calibration whose roofs measured points are drawn against: the profile of the adapter that made the newest of
 * `runs` (never another adapter's; none when that adapter has no calibration); without runs, the newest profile,
 * a what-if like any other device.
 */
export function profileForMeasurements(profiles: readonly CalibrationProfile[], runs: readonly { readonly adapter?: { readonly key: string } }[]): CalibrationProfile | undefined {
  const measuredOn = [...runs].reverse().find((r) => r.adapter)?.adapter?.key;
  return measuredOn !== undefined ? profiles.find((p) => p.adapter.key === measuredOn) : profiles[0];
}

/** Every valid profile in the folder, newest measurement first; unreadable, oversized or foreign files are skipped. */
export function loadProfiles(dir: string = profileDir()): CalibrationProfile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const out: CalibrationProfile[] = [];
  for (const n of names) {
    try {
      const read = readCappedText(join(dir, n), MAX_PROFILE_BYTES);
      if ("error" in read) continue;
      const v: unknown = JSON.parse(read.text);
      if (isProfile(v)) out.push(v);
    } catch {
      // a half-written or hand-edited file is not a profile
    }
  }
  return out.sort((a, b) => (a.measuredAt < b.measuredAt ? 1 : a.measuredAt > b.measuredAt ? -1 : 0));
}

export function loadProfile(key: string, dir: string = profileDir()): CalibrationProfile | undefined {
  return loadProfiles(dir).find((p) => p.adapter.key === key);
}

export interface DeviceHints {
  /** CPU cores that execute a software adapter's workgroups (default: this machine's). */
  readonly cpuCores?: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Nominal clock of a measured device: calibration measures rates, not clocks; per-clock figures are scaled to it. */
const NOMINAL_CLOCK_MHZ = 1000;

/** The measured profile as a device of the database (vendor `measured`). */
export function profileToDevice(profile: CalibrationProfile, hints: DeviceHints = {}): DeviceSpec {
  const a = profile.adapter;
  const limits = a.limits ?? {};
  const date = profile.measuredAt.slice(0, 10);
  const how = profile.timing === "timestamp" ? "GPU timestamps" : "wall clock";
  const measured = (what: string): string => `measured by kernellens calibrate on ${date} (${how}): ${what}`;
  const estimate = (why: string): string => `estimate: ${why}`;

  const warpSize = a.subgroupMinSize && a.subgroupMinSize > 0 ? a.subgroupMinSize : 32;
  const maxThreadsPerBlock = limits.maxComputeInvocationsPerWorkgroup ?? 256;
  const maxThreadsPerSm = Math.max(2048, maxThreadsPerBlock);
  const maxWarpsPerSm = Math.ceil(maxThreadsPerSm / warpSize);
  // Scalar copies are what typical (f32, one element per invocation) kernels reach; vec4 copies are the ceiling.
  const bandwidth = profile.copyBandwidthScalar;
  // Enough SMs that a quarter-occupied device keeps bandwidth x latency bytes in flight: the measured bandwidth
  // already includes latency effects, so the model's Little's-law factor must not discount it again.
  const forLatency = Math.ceil((bandwidth * MEMORY_LATENCY_S) / (BYTES_IN_FLIGHT_PER_WARP * maxWarpsPerSm * 0.25));
  const cores = hints.cpuCores ?? (a.software ? availableParallelism() : 1);
  const smCount = Math.max(1, a.software ? cores : 1, forLatency);
  const wgStorage = limits.maxComputeWorkgroupStorageSize ?? 16 * KiB;
  const fmaF16 = profile.fmaF16 ?? profile.fmaF32;
  const label = a.description || a.device || [a.vendor, a.architecture].filter((s) => s).join(" ") || a.key;

  const sources: Record<string, string> = {
    "peakFlops.f32": measured(`dependent FMA chains in f32, ${(profile.fmaF32 / 1e9).toFixed(2)} GFLOP/s (an FMA counted as two FLOPs)`),
    "peakFlops.f16": profile.fmaF16 ? measured(`dependent FMA chains in f16, ${(profile.fmaF16 / 1e9).toFixed(2)} GFLOP/s`) : estimate("the adapter has no shader-f16; the f32 rate is used"),
    dramBandwidthBytesPerSec: measured(
      `copy kernel with f32 elements, ${(profile.copyBandwidthScalar / 1e9).toFixed(2)} GB/s counting bytes read + written (vec4<f32> copies reach ${(profile.copyBandwidthVec4 / 1e9).toFixed(2)} GB/s; copyBufferToBuffer ${(profile.copyBufferToBuffer / 1e9).toFixed(2)} GB/s)`,
    ),
    sharedMemoryBytesPerClockPerSm: measured(`workgroup-memory reads + writes of f32, ${(profile.workgroupBandwidth / 1e9).toFixed(2)} GB/s in total, expressed per SM per clock of the nominal ${NOMINAL_CLOCK_MHZ} MHz clock`),
    launchOverheadUs: measured(`an empty dispatch, submit to completion, ${(profile.dispatchOverheadMs * 1e3).toFixed(1)} us`),
    ...(profile.barrierNsPerInvocation !== undefined ? { barrierNsPerInvocation: measured(`a loop of workgroupBarrier(), ${profile.barrierNsPerInvocation.toFixed(2)} ns per invocation-barrier`) } : {}),
    ...(a.software ? { serialWorkgroups: estimate("a software adapter: each CPU core runs a workgroup's invocations in turn, so arithmetic, memory and workgroup-memory time add up") } : {}),
    boostClockMhz: estimate(`a nominal ${NOMINAL_CLOCK_MHZ} MHz: calibration measures rates, not clocks; per-clock figures are scaled to it`),
    smCount: a.software
      ? estimate(`${cores} CPU core(s) run the software adapter's workgroups (at least ${forLatency} so the model's latency factor stays neutral: the measured bandwidth already includes latency)`)
      : estimate(`WebGPU does not report SMs; ${smCount} is chosen so the model's latency factor stays neutral (the measured bandwidth already includes latency)`),
    warpSize: a.subgroupMinSize ? `adapter limit: subgroupMinSize ${a.subgroupMinSize}` : estimate("the adapter reports no subgroup size; 32 assumed"),
    maxThreadsPerBlock: limits.maxComputeInvocationsPerWorkgroup ? "adapter limit: maxComputeInvocationsPerWorkgroup" : estimate("WebGPU's default of 256"),
    maxThreadsPerSm: estimate("2048 resident invocations per SM (a typical GPU figure; WebGPU does not report it)"),
    maxWarpsPerSm: estimate("maxThreadsPerSm / warpSize"),
    maxBlocksPerSm: estimate("32 resident workgroups per SM (a typical GPU figure)"),
    registersPerSm: estimate("65,536 32-bit registers per SM (a typical GPU figure; WebGPU does not report registers)"),
    maxRegistersPerThread: estimate("255, as on NVIDIA GPUs"),
    registerAllocationUnit: estimate("8 registers per lane of a subgroup"),
    maxSharedMemoryPerBlockBytes: limits.maxComputeWorkgroupStorageSize ? "adapter limit: maxComputeWorkgroupStorageSize" : estimate("WebGPU's default of 16 KiB"),
    sharedMemoryPerSmBytes: estimate("twice the per-workgroup limit, at least 64 KiB"),
    sharedMemoryAllocationUnitBytes: estimate("256 bytes"),
    sharedMemoryReservedPerBlockBytes: estimate("none reserved"),
    peakIntOps: estimate("one 32-bit integer operation per lane per clock: half the measured f32 FLOP rate (which counts an FMA as two)"),
    peakSpecialOps: estimate("transcendentals at 1/16 of the measured f32 FLOP rate (NVIDIA's ratio of special-function units to FP32 lanes, halved for the FMA's two FLOPs)"),
    memoryBytes: estimate("the adapter's maxBufferSize (a lower bound on its memory)"),
    l2Bytes: estimate(a.software ? "4 MiB of CPU cache serving the software adapter" : "4 MiB; WebGPU does not report cache sizes"),
    memoryTransactionBytes: estimate("32-byte transactions: the copy benchmark that measured the bandwidth coalesces fully, so only accesses that waste more than a sector should cost more"),
  };

  return {
    id: measuredDeviceId(a.key),
    // The long id older versions gave it (the whole adapter key), with and without its `measured-` prefix (which the
    // lookup let people leave out): settings, scripts and history may still name it.
    formerIds: [legacyMeasuredDeviceId(a.key), legacyMeasuredDeviceId(a.key).slice("measured-".length)],
    name: `${label} (measured)`,
    vendor: "measured",
    architecture: a.architecture || (a.software ? "software" : "unknown"),
    segment: "measured",
    smCount,
    warpSize,
    maxThreadsPerBlock,
    maxThreadsPerSm,
    maxWarpsPerSm,
    maxBlocksPerSm: 32,
    registersPerSm: 65536,
    maxRegistersPerThread: 255,
    registerAllocationUnit: 8 * warpSize,
    subPartitionsPerSm: 1,
    sharedMemoryPerSmBytes: Math.max(64 * KiB, 2 * wgStorage),
    maxSharedMemoryPerBlockBytes: wgStorage,
    sharedMemoryAllocationUnitBytes: 256,
    sharedMemoryReservedPerBlockBytes: 0,
    sharedMemoryBytesPerClockPerSm: profile.workgroupBandwidth / (smCount * NOMINAL_CLOCK_MHZ * 1e6),
    boostClockMhz: NOMINAL_CLOCK_MHZ,
    peakFlops: { f32: profile.fmaF32, f16: fmaF16 },
    peakIntOps: profile.fmaF32 / 2,
    peakSpecialOps: profile.fmaF32 / 16,
    dramBandwidthBytesPerSec: bandwidth,
    memoryBytes: limits.maxBufferSize ?? 256 * MiB,
    l2Bytes: 4 * MiB,
    memoryTransactionBytes: 32,
    launchOverheadUs: profile.dispatchOverheadMs * 1e3,
    ...(profile.barrierNsPerInvocation !== undefined ? { barrierNsPerInvocation: profile.barrierNsPerInvocation } : {}),
    ...(a.software ? { serialWorkgroups: true } : {}),
    sources,
    notes: [
      `Measured on ${a.description || a.key} (${a.backend}${a.software ? ", a software rasterizer: a CPU's figures, not a GPU's" : ""}) on ${profile.measuredAt}.`,
      `Workgroups needed to keep the arithmetic pipes busy follow the model's constant (${WARPS_FOR_FULL_COMPUTE} warps per SM).`,
    ],
  };
}

/**
 * Every saved profile as a device, for `--device` lookups and device lists: one device per id, the newest
 * calibration. Two profiles share an id when the same hardware was calibrated under two drivers (the id leaves the
 * driver out); the newer one answers for both, and the older one's former id leads to it too.
 */
export function measuredDevices(dir: string = profileDir(), hints: DeviceHints = {}): DeviceSpec[] {
  const byId = new Map<string, DeviceSpec>();
  for (const device of loadProfiles(dir).map((p) => profileToDevice(p, hints))) {
    const newer = byId.get(device.id);
    if (!newer) byId.set(device.id, device);
    else byId.set(device.id, { ...newer, formerIds: [...(newer.formerIds ?? []), ...(device.formerIds ?? [])] });
  }
  return [...byId.values()];
}
