// What the model says must be physically possible: no kernel is predicted to move more DRAM bytes than the device's
// bandwidth allows in the predicted time, and DRAM traffic lies between the footprint and the L2 level.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { findDevice } from "../../server/src/core/devices/database";

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".wgsl") && e.name !== "common.wgsl" ? [join(dir, e.name)] : []));
const files = [...walk(join(__dirname, "..", "..", "examples")), ...walk(join(__dirname, "..", "fixtures", "corpus")), ...walk(join(__dirname, "..", "fixtures", "ladders"))];

for (const id of ["nvidia-rtx-4090", "apple-m2-pro", "amd-mi300x"]) {
  test(`on ${id}: DRAM bytes fit the predicted time at the device's bandwidth, between the footprint and the L2 level`, () => {
    const device = findDevice(id)!;
    let checked = 0;
    for (const f of files) {
      const source = analyzeSource(readFileSync(f, "utf8"), {
        model: { device },
        resolveInclude: (p, from) => {
          const full = resolve(dirname(from || f), p);
          return { key: full, text: readFileSync(full, "utf8") };
        },
      });
      for (const [name, a] of source.models) {
        const m = a.model;
        const t = m.traffic;
        if (t.dramRead === null || t.dramWritten === null || m.roofline.predictedMs === null) continue;
        const dram = t.dramRead + t.dramWritten;
        const movable = (m.roofline.predictedMs / 1e3) * device.dramBandwidthBytesPerSec;
        assert.ok(dram <= movable * (1 + 1e-9), `${f.split("/").pop()}:${name} moves ${dram} B of DRAM in ${m.roofline.predictedMs} ms, more than ${movable} B`);
        if (t.l2Read !== null) assert.ok(t.dramRead <= t.l2Read + 1e-6 * t.l2Read + 1, `${name}: DRAM reads ${t.dramRead} above the L2 level ${t.l2Read}`);
        if (t.compulsoryRead !== null && !t.ranges) assert.ok(t.dramRead + 1 >= Math.min(t.compulsoryRead, t.l2Read ?? Infinity), `${name}: DRAM reads below the footprint`);
        checked++;
      }
    }
    assert.ok(checked >= 30, `${checked} kernels checked`);
  });
}
