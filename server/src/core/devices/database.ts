// The device database: datasheet devices plus measured profiles, lookup by id or name, ridge points, and JSON output.
import type { DeviceSpec } from "./device";
import { datasheetDevices } from "./datasheets";

/**
 * The device the cost model uses when none is configured and no measured profile exists. The GeForce RTX 4090: a
 * current, widely owned GPU that runs WebGPU (Vulkan and D3D12), and one whose every figure NVIDIA publishes in the
 * Ada architecture whitepaper, so the default carries no estimates.
 */
export const DEFAULT_DEVICE_ID = "nvidia-rtx-4090";

/** Short names that are ambiguous by substring but have an obvious meaning: the flagship form factor. */
const ALIASES: Readonly<Record<string, string>> = {
  h100: "nvidia-h100-sxm",
  a100: "nvidia-a100-sxm-80gb",
  v100: "nvidia-v100-sxm2-32gb",
  h200: "nvidia-h200-sxm",
};

/** Datasheet devices plus measured profiles, measured first (a measurement of the local adapter beats a datasheet). */
export function listDevices(measured: readonly DeviceSpec[] = []): DeviceSpec[] {
  return [...measured, ...datasheetDevices];
}

export type DeviceMatch = "exact" | "case-insensitive" | "short-id" | "name" | "alias" | "substring" | "ambiguous" | "none";

export interface DeviceLookup {
  /** The device found; undefined when nothing or more than one device matched. */
  readonly device: DeviceSpec | undefined;
  /** Which rule matched. */
  readonly match: DeviceMatch;
  /** When ambiguous, every device that matched the substring rule, in list order. */
  readonly candidates: readonly DeviceSpec[];
}

/** Lowercase letters and digits only, so `RTX 4090`, `rtx-4090` and `rtx_4090` compare equal. */
function normalize(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The id without its vendor prefix: `nvidia-rtx-4090` -> `rtx-4090`. */
function shortId(id: string): string {
  const dash = id.indexOf("-");
  return dash < 0 ? id : id.slice(dash + 1);
}

/**
 * Finds a device by id or name. Rules, first match wins; measured profiles come before datasheet devices in each:
 * 1. the exact id, or an id the device had before (`formerIds`: a measured device's long id from older versions);
 * 2. the id, ignoring case;
 * 3. the id without its vendor prefix (`rtx-4090`, `mi300x`, `m1`), ignoring case;
 * 4. the display name, ignoring case, spaces and punctuation (`NVIDIA GeForce RTX 4090`);
 * 5. an alias for a short name with an obvious flagship (`h100` -> H100 SXM5, `a100` -> A100 SXM4 80GB);
 * 6. a substring of the id or name, ignoring case and punctuation: one device matching wins; several matching is
 *    ambiguous and returns no device, with the candidates.
 */
export function lookupDevice(id: string, measured: readonly DeviceSpec[] = []): DeviceLookup {
  const all = listDevices(measured);
  const query = id.trim();
  const lower = query.toLowerCase();
  const norm = normalize(query);
  const found = (device: DeviceSpec, match: DeviceMatch): DeviceLookup => ({ device, match, candidates: [] });
  if (norm === "") return { device: undefined, match: "none", candidates: [] };

  const exact = all.find((d) => d.id === query) ?? all.find((d) => d.formerIds?.includes(query));
  if (exact) return found(exact, "exact");
  const ci = all.find((d) => d.id.toLowerCase() === lower);
  if (ci) return found(ci, "case-insensitive");
  const short = all.find((d) => normalize(shortId(d.id)) === norm);
  if (short) return found(short, "short-id");
  const byName = all.find((d) => normalize(d.name) === norm);
  if (byName) return found(byName, "name");
  const alias = ALIASES[norm];
  const aliased = alias !== undefined ? all.find((d) => d.id === alias) : undefined;
  if (aliased) return found(aliased, "alias");

  const candidates = all.filter((d) => normalize(d.id).includes(norm) || normalize(d.name).includes(norm));
  if (candidates.length === 1) return found(candidates[0], "substring");
  if (candidates.length > 1) return { device: undefined, match: "ambiguous", candidates };
  return { device: undefined, match: "none", candidates: [] };
}

/** The device `id` names (see `lookupDevice` for the rules), or undefined when none or several match. */
export function findDevice(id: string, measured: readonly DeviceSpec[] = []): DeviceSpec | undefined {
  return lookupDevice(id, measured).device;
}

/** Data types a ridge point can be computed for: the shader peaks, the matrix-unit peak, and 32-bit integer ops. */
export type RidgeDtype = "f32" | "f16" | "f64" | "tensorF16" | "int32";

/** Peak operations per second for `dtype`, or undefined where the device has no published peak. */
export function peakOps(device: DeviceSpec, dtype: RidgeDtype): number | undefined {
  return dtype === "int32" ? device.peakIntOps : device.peakFlops[dtype];
}

/**
 * The roofline ridge point against DRAM: peak / bandwidth, in operations per byte. Kernels whose arithmetic
 * intensity is below it are memory-bound. Undefined when the device has no peak for `dtype`.
 */
export function ridgePoint(device: DeviceSpec, dtype: RidgeDtype = "f32"): number | undefined {
  const peak = peakOps(device, dtype);
  if (peak === undefined || !(device.dramBandwidthBytesPerSec > 0)) return undefined;
  return peak / device.dramBandwidthBytesPerSec;
}

/** A device as a plain JSON-safe object: every field, including `sources` and `notes`. */
export type DeviceJson = { -readonly [K in keyof DeviceSpec]: DeviceSpec[K] };

/** The plain objects `kernellens devices --json` prints: deep copies, every field including sources and notes. */
export function devicesJson(devices: readonly DeviceSpec[]): DeviceJson[] {
  return devices.map((d) => JSON.parse(JSON.stringify(d)) as DeviceJson);
}
