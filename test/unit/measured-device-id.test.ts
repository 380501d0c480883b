// Calibrated device ids are short and stable (issue 17): the same hardware keeps its id across calibrations and
// driver updates, different hardware gets different ids, and ids older versions wrote still lead to the profile.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { lookupDevice } from "../../server/src/core/devices/database";
import { isComparable } from "../../server/src/core/run/comparison";
import { legacyMeasuredDeviceId, measuredDeviceId } from "../../server/src/core/run/measuredDeviceId";
import type { CalibrationProfile } from "../../server/src/gpu/types";
import { measuredDevices, profileFileName, profileToDevice } from "../../server/src/run/profiles";

// Keys as gpu/adapters.ts writes them: backend/vendor/architecture/device/description.
const LAVAPIPE = "vulkan/mesa/software/llvmpipe-llvm-15.0.6-256-bits/llvmpipe-mesa-25.0.7-2-bpo12-1-llvm-15.0.6-0.0.1";
const LAVAPIPE_UPDATED = "vulkan/mesa/software/llvmpipe-llvm-19.1.7-256-bits/llvmpipe-mesa-25.2.1-1-llvm-19.1.7-0.0.1";
const RTX_VULKAN = "vulkan/nvidia/lovelace/nvidia-geforce-rtx-4090/nvidia-550.54.14-550.54.14.0";
const RTX_VULKAN_UPDATED = "vulkan/nvidia/lovelace/nvidia-geforce-rtx-4090/nvidia-565.57.01-565.57.1.0";
const RTX_D3D12 = "d3d12/nvidia/lovelace/nvidia-geforce-rtx-4090/d3d12-driver-version-31.0.15.3623";
const RTX_4080 = "vulkan/nvidia/lovelace/nvidia-geforce-rtx-4080/nvidia-550.54.14-550.54.14.0";
const RADV = "vulkan/amd/rdna-3/amd-radeon-rx-7900-xtx-radv-navi31/radv-mesa-24.0.5";

function profile(key: string, measuredAt: string, fmaF32 = 40e9): CalibrationProfile {
  return {
    adapter: { vendor: "mesa", architecture: "software", device: "llvmpipe", description: "llvmpipe", backend: "vulkan", software: true, features: [], limits: {}, timestampQuery: true, key },
    measuredAt,
    copyBandwidthScalar: 2.4e9,
    copyBandwidthVec4: 5.3e9,
    copyBufferToBuffer: 34e9,
    fmaF32,
    workgroupBandwidth: 8e9,
    dispatchOverheadMs: 0.08,
    timing: "timestamp",
  };
}

describe("measured device ids", () => {
  it("are short and readable: measured-, the device's name, a short hash", () => {
    assert.match(measuredDeviceId(LAVAPIPE), /^measured-llvmpipe-llvm-256-bits-[0-9a-f]{6}$/);
    assert.match(measuredDeviceId(RTX_VULKAN), /^measured-nvidia-geforce-rtx-4090-[0-9a-f]{6}$/);
    assert.match(measuredDeviceId(RADV), /^measured-amd-radeon-rx-7900-xtx-[0-9a-f]{6}$/);
    for (const key of [LAVAPIPE, RTX_VULKAN, RTX_D3D12, RADV]) {
      assert.ok(measuredDeviceId(key).length <= 48, measuredDeviceId(key));
      assert.ok(measuredDeviceId(key).length < legacyMeasuredDeviceId(key).length / 1.5, `${measuredDeviceId(key)} vs ${legacyMeasuredDeviceId(key)}`);
    }
    // The id before: the whole key, driver versions included.
    assert.equal(legacyMeasuredDeviceId(LAVAPIPE), "measured-vulkan-mesa-software-llvmpipe-llvm-15-0-6-256-bits-llvmpipe-mesa-25-0-7-2-bpo12-1-llvm-15-0-6-0-0-1");
  });

  it("are stable: the same key gives the same id, and a driver or LLVM update keeps it", () => {
    assert.equal(measuredDeviceId(LAVAPIPE), measuredDeviceId(LAVAPIPE));
    assert.equal(measuredDeviceId(LAVAPIPE_UPDATED), measuredDeviceId(LAVAPIPE));
    assert.equal(measuredDeviceId(RTX_VULKAN_UPDATED), measuredDeviceId(RTX_VULKAN));
  });

  it("are unique: another GPU or another backend on the same GPU is another device", () => {
    const ids = [LAVAPIPE, RTX_VULKAN, RTX_D3D12, RTX_4080, RADV].map(measuredDeviceId);
    assert.equal(new Set(ids).size, ids.length, ids.join(", "));
  });

  it("keeps old ids working: lookups, comparisons of old history records, profiles saved by older versions", () => {
    const dir = mkdtempSync(join(tmpdir(), "kl-ids-"));
    // A profile an older version saved: same file name scheme, no id stored (ids are derived from the key).
    writeFileSync(join(dir, profileFileName(LAVAPIPE)), JSON.stringify(profile(LAVAPIPE, "2026-11-01T00:00:00.000Z")));
    const [device] = measuredDevices(dir);
    assert.equal(device?.id, measuredDeviceId(LAVAPIPE));
    const legacy = legacyMeasuredDeviceId(LAVAPIPE);
    assert.equal(lookupDevice(legacy, measuredDevices(dir)).device?.id, device?.id, "--device or kernellens.device with the old id");
    assert.equal(lookupDevice(legacy.slice("measured-".length), measuredDevices(dir)).device?.id, device?.id);
    // A history record written before `comparable` existed names the old id: still compared with its own adapter.
    assert.equal(isComparable({ deviceId: legacy }, LAVAPIPE), true);
    assert.equal(isComparable({ deviceId: measuredDeviceId(LAVAPIPE) }, LAVAPIPE), true);
    assert.equal(isComparable({ deviceId: legacy }, RTX_VULKAN), false);
  });

  it("lists the same hardware calibrated under two drivers once, the newer calibration, reachable by both old ids", () => {
    const dir = mkdtempSync(join(tmpdir(), "kl-ids-"));
    writeFileSync(join(dir, profileFileName(LAVAPIPE)), JSON.stringify(profile(LAVAPIPE, "2026-11-01T00:00:00.000Z", 40e9)));
    writeFileSync(join(dir, profileFileName(LAVAPIPE_UPDATED)), JSON.stringify(profile(LAVAPIPE_UPDATED, "2026-12-01T00:00:00.000Z", 60e9)));
    writeFileSync(join(dir, profileFileName(RTX_VULKAN)), JSON.stringify(profile(RTX_VULKAN, "2026-10-01T00:00:00.000Z")));
    const devices = measuredDevices(dir);
    assert.deepEqual(devices.map((d) => d.id), [measuredDeviceId(LAVAPIPE), measuredDeviceId(RTX_VULKAN)]);
    assert.equal(devices[0]?.peakFlops.f32, 60e9, "the newer calibration");
    for (const old of [LAVAPIPE, LAVAPIPE_UPDATED]) assert.equal(lookupDevice(legacyMeasuredDeviceId(old), devices).device?.peakFlops.f32, 60e9);
    assert.equal(profileToDevice(profile(LAVAPIPE, "2026-11-01T00:00:00.000Z")).id, devices[0]?.id);
  });
});

describe("measured device ids of the keys Dawn really writes", () => {
  // Dawn normalises the device name itself: lavapipe's LLVM version arrives as number words.
  const REAL = "vulkan/mesa/software/llvmpipe-llvm-15-0-6-256-bits/llvmpipe-mesa-25.0.7-2-bpo12-1-llvm-15.0.6-0.0.1";
  const REAL_UPDATED = "vulkan/mesa/software/llvmpipe-llvm-19-1-7-256-bits/llvmpipe-mesa-25.2.1-1-llvm-19.1.7-0.0.1";

  it("leave the LLVM version out of the name and the hash", () => {
    assert.match(measuredDeviceId(REAL), /^measured-llvmpipe-llvm-256-bits-[0-9a-f]{6}$/);
    assert.equal(measuredDeviceId(REAL_UPDATED), measuredDeviceId(REAL));
    assert.equal(measuredDeviceId(REAL), measuredDeviceId(LAVAPIPE), "dotted or dashed, the same hardware");
    assert.match(measuredDeviceId("vulkan/amd/rdna-2/amd-radeon-rx-6800-xt-radv-navi21/radv"), /^measured-amd-radeon-rx-6800-xt-/);
  });
});
