// `kernellens run` shows the rates that fit the kernel on the real adapter (issue 17): a compute-bound matmul leads
// with its FLOP rate, a transpose (no FLOPs) shows bandwidth only, and no rate is rounded to "0.00".
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
// No calibration: the model's device is the default datasheet GPU, whose bound decides which rate leads.
const profiles = mkdtempSync(join(tmpdir(), "kl-cli-rates-"));

function run(example: string): { code: number; stdout: string; stderr: string } {
  const args = [bin, "run", join(root, "examples", example), "--no-history", "--repeat", "1", "--warmup", "0", "--no-bounds-check"];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 120000, env: { ...process.env, KERNELLENS_PROFILE_DIR: profiles } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const achievedLine = (stdout: string): string => /^ {2}achieved +(.*)$/m.exec(stdout)?.[1] ?? "";

describe("kernellens run: achieved rates", { timeout: 300000 }, () => {
  it("a compute-bound matmul leads with FLOP/s, and its small DRAM rate keeps digits", () => {
    const r = run("matmul-tiled.wgsl");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const line = achievedLine(r.stdout);
    assert.match(line, /^[\d.,]+ [kMGT]?FLOP\/s \(counted FLOPs \/ median; compute-bound in the model\), [\d.,]+ [kMGT]?B\/s \(DRAM/);
    assert.doesNotMatch(line, /\b0\.00\b|\b0 [kMGT]?B\/s/);
  });

  it("a transpose has no FLOP rate, only its bandwidth", () => {
    const r = run("transpose-tiled.wgsl");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const line = achievedLine(r.stdout);
    assert.match(line, /^[\d.,]+ [kMGT]?B\/s \(DRAM, modelled bytes \/ median; memory-bound in the model\)$/);
  });
});
