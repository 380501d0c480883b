// The real adapter's calibrated device id is short and the same from one start of the GPU helper to the next, and
// `kernellens calibrate` prints it and finds the profile by it (issue 17).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { legacyMeasuredDeviceId, measuredDeviceId } from "../../server/src/core/run/measuredDeviceId";
import { GpuHelperProcess } from "../../server/src/gpu/helperClient";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");

async function adapterKey(): Promise<string> {
  const helper = new GpuHelperProcess();
  try {
    const a = await helper.adapter();
    assert.ok(!("kind" in a), JSON.stringify(a));
    return a.key;
  } finally {
    helper.dispose();
  }
}

describe("the real adapter's measured device id", { timeout: 180000 }, () => {
  it("is short and stable across helper processes", async () => {
    const first = await adapterKey();
    const second = await adapterKey();
    assert.equal(measuredDeviceId(second), measuredDeviceId(first));
    const id = measuredDeviceId(first);
    assert.match(id, /^measured-[a-z0-9-]+-[0-9a-f]{6}$/);
    assert.ok(id.length <= 48, `${id} (was ${legacyMeasuredDeviceId(first)})`);
  });

  it("calibrate prints it, and --device finds the profile by it and by the id older versions printed", async () => {
    const profiles = mkdtempSync(join(tmpdir(), "kl-measured-id-"));
    const env = { ...process.env, KERNELLENS_PROFILE_DIR: profiles };
    const cal = spawnSync(process.execPath, [bin, "calibrate", "--json"], { cwd: root, encoding: "utf8", timeout: 150000, env });
    assert.equal(cal.status, 0, cal.stderr);
    const { deviceId, profile } = JSON.parse(cal.stdout) as { deviceId: string; profile: { adapter: { key: string } } };
    assert.equal(deviceId, measuredDeviceId(await adapterKey()));
    for (const asked of [deviceId, legacyMeasuredDeviceId(profile.adapter.key)]) {
      const r = spawnSync(process.execPath, [bin, "analyze", join(root, "examples", "saxpy.wgsl"), "--json", "--device", asked], { cwd: root, encoding: "utf8", timeout: 60000, env });
      assert.equal(r.status, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { device: { id: string } }).device.id, deviceId, asked);
    }
  });
});
