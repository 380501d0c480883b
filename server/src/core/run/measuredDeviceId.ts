// The id of a measured device (a calibration profile of a local adapter): short, readable, and the same every time
// the same adapter is calibrated.
//
// An adapter's key (gpu/adapters.ts) joins its backend, vendor, architecture, device name and description, each in
// lower case with dashes: `vulkan/mesa/software/llvmpipe-llvm-15.0.6-256-bits/llvmpipe-mesa-25.0.7-2-bpo12-1-llvm-15.0.6-0.0.1`.
// It stays the profile's key (the file it is saved in, which adapter it belongs to), but it is no id for people:
// over 100 characters, and the description is mostly the driver's version, so the id changed with every driver
// update. The id is `measured-`, a slug of the device name, and a short hash of the facts of the hardware: backend,
// vendor, architecture and device name, version numbers left out (lavapipe names its LLVM in the device name).
// Ids before issue 17 were the whole key (`legacyMeasuredDeviceId`); lookups and comparisons still accept them.

/** FNV-1a, 32 bits: a stable hash of a short string (the core does no I/O and has no crypto). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A key's part without its version numbers, so a driver or LLVM update keeps the id: dotted ones (`15.0.6`,
 * `v1.3`) and three number words in a row (`15-0-6`: Dawn writes lavapipe's device name
 * `llvmpipe-llvm-15-0-6-256-bits`), never a model number (`rtx-4090`, `7900-xtx`).
 */
function withoutVersions(part: string): string {
  const words = part.split("-").filter((w) => w.length > 0 && !/^v?\d+(\.\d+)+$/.test(w));
  const kept: string[] = [];
  for (let i = 0; i < words.length; ) {
    let j = i;
    while (j < words.length && /^\d+$/.test(words[j]!)) j++;
    // major-minor-patch: a number after them is something else (lavapipe's `256` bits).
    if (j - i >= 3) {
      kept.push(...words.slice(i + 3, j));
      i = j;
    } else {
      kept.push(...words.slice(i, Math.max(j, i + 1)));
      i = Math.max(j, i + 1);
    }
  }
  return kept.join("-");
}

/** Longest slug kept from the device's name, cut at a word. */
const MAX_SLUG = 24;

function slugOf(name: string): string {
  let slug = "";
  for (const word of name.split("-").filter((w) => w.length > 0)) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG) break;
    slug = next;
  }
  return slug || name.slice(0, MAX_SLUG).replace(/-+$/, "");
}

/** The facts of the hardware in a key, and the name to show: a key has five parts; older or odd ones are taken whole. */
function hardwareOf(key: string): { identity: string; name: string } {
  const parts = key.toLowerCase().split("/").map((p) => p.replace(/[^a-z0-9.]+/g, "-").replace(/^-+|-+$/g, ""));
  if (parts.length === 5) {
    // backend / vendor / architecture / device / description: the description is the driver's words and version.
    const [backend, vendor, architecture, device] = parts as [string, string, string, string, string];
    const name = withoutVersions(device) || vendor || backend;
    return { identity: [backend, vendor, architecture, withoutVersions(device)].join("/"), name };
  }
  const kept = parts.map(withoutVersions).filter((p) => p.length > 0);
  // The first part is the backend; the last names the device (the parts go from general to specific).
  const name = kept.length > 1 ? kept[kept.length - 1]! : kept[0] ?? "adapter";
  return { identity: kept.join("/"), name };
}

/** `measured-llvmpipe-llvm-256-bits-5d3a0c`: short, readable, the same on every calibration of the same hardware. */
export function measuredDeviceId(key: string): string {
  const { identity, name } = hardwareOf(key);
  const slug = slugOf(name.replace(/\./g, "-")) || "adapter";
  const hash = fnv1a(identity).toString(16).padStart(8, "0").slice(0, 6);
  return `measured-${slug}-${hash}`;
}

/** The id a measured device had before issue 17: `measured-` and the whole key. Still accepted where ids are read. */
export function legacyMeasuredDeviceId(key: string): string {
  return `measured-${key.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "adapter"}`;
}

/** Whether `deviceId` names the calibration of the adapter with this key, by its id or its id before issue 17. */
export function isMeasuredDeviceOf(deviceId: string, key: string): boolean {
  return deviceId === measuredDeviceId(key) || deviceId === legacyMeasuredDeviceId(key);
}
