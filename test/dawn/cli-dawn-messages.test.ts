// The command line prints its own findings only: Dawn's messages about the adapter (its "artificially reduced"
// limit warnings, printed whenever a Vulkan adapter is opened) stay in the GPU helper's log, which only
// KERNELLENS_DEBUG shows. Runs the real CLI on the real adapter (lavapipe where there is no GPU).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
const cwd = mkdtempSync(join(tmpdir(), "kl-cli-dawn-"));

function kernellens(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", timeout: 120000, env: { ...process.env, KERNELLENS_DEBUG: "", ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const DAWN_LINE = /artificially reduced|^Warning: /m;

describe("the CLI keeps Dawn's messages out of its output", { timeout: 300000 }, () => {
  it("doctor: two findings, one line each, and nothing from Dawn on either stream", () => {
    const r = kernellens(["doctor"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2, r.stdout);
    assert.match(lines[0], /^WGSL compiler: ok/);
    assert.match(lines[1], /^GPU adapter: .+ via \w+/);
    assert.doesNotMatch(r.stdout + r.stderr, DAWN_LINE);
    assert.equal(r.stderr, "");
    const json = JSON.parse(kernellens(["doctor", "--json"]).stdout) as { adapter: { available: boolean; backend?: string } };
    assert.equal(json.adapter.available, true);
  });

  it("the warnings exist on a Vulkan adapter and reach the helper's log under KERNELLENS_DEBUG", (t) => {
    const json = JSON.parse(kernellens(["doctor", "--json"]).stdout) as { adapter: { backend?: string } };
    if (json.adapter.backend !== "vulkan") return t.skip(`Dawn prints these warnings on Vulkan; this adapter is ${json.adapter.backend}`);
    const r = kernellens(["doctor"], { KERNELLENS_DEBUG: "1" });
    // What the default output leaves out is really there: the filter is not hiding an empty stream.
    assert.match(r.stderr, /kernellens: helper: Warning: \w+ artificially reduced/);
    assert.doesNotMatch(r.stdout, DAWN_LINE);
  });

  it("run prints the run and nothing from Dawn", () => {
    const r = kernellens(["run", join(root, "examples", "saxpy.wgsl"), "--no-history", "--repeat", "1", "--warmup", "0", "--no-bounds-check", "--let", "N=4096"], { KERNELLENS_PROFILE_DIR: cwd });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /saxpy {2}PASS/);
    assert.doesNotMatch(r.stdout + r.stderr, DAWN_LINE);
  });
});
