// Runs every example kernel through the real GPU helper (Dawn; lavapipe where there is no GPU): checks, timing, failures, CLI exit codes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bufferSeed, uniformAt } from "../../server/src/core/run/inputs";
import { GpuHelperProcess } from "../../server/src/gpu/helperClient";
import type { AdapterSummary } from "../../server/src/gpu/types";
import type { RunOptions, RunOutcome } from "../../server/src/run/api";
import { readHistory } from "../../server/src/run/history";
import { runKernel } from "../../server/src/run/runKernel";

const root = join(__dirname, "..", "..");
const examples = join(root, "examples");
const bin = join(root, "bin", "kernellens.js");
const work = mkdtempSync(join(tmpdir(), "kl-run-"));
mkdirSync(join(work, "ref"));
for (const f of readdirSync(join(examples, "ref"))) copyFileSync(join(examples, "ref", f), join(work, "ref", f));

/** Examples a run cannot cover: the syntax tour is a highlighting fixture (textures, a vertex stage, unsized arrays). */
const NOT_RUNNABLE = new Set(["syntax-tour.wgsl"]);

/** The reference module of an example that has no `@check` line, by file name (saxpy.wgsl -> ref/saxpy.mjs). */
function withCheck(file: string): string {
  const text = readFileSync(join(examples, file), "utf8");
  if (/^\/\/ @check /m.test(text)) return join(examples, file);
  const ref = `./ref/${basename(file, ".wgsl")}.mjs`;
  assert.ok(existsSync(join(work, ref)), `${file} has no @check and no ${ref}`);
  const out = /^\/\/ @buffer (\w+)\[[^\]]*\]\s*$/m.exec(text)?.[1];
  assert.ok(out, `${file}: an output buffer`);
  const copy = join(work, file);
  writeFileSync(copy, text.replace(/^(\/\/ @uniform .*)$/m, `$1\n// @check ${out} ~ js("${ref}")`));
  return copy;
}

function options(file: string, extra: Partial<RunOptions> = {}): RunOptions {
  return { file, text: readFileSync(file, "utf8"), warmup: 1, repeat: 3, timeoutMs: 60000, allowWorkspaceCode: true, ...extra };
}

function kernellens(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  return kernellensEnv(cwd, {}, ...args);
}

function kernellensEnv(cwd: string, env: Record<string, string>, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 180000, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const saxpyText = readFileSync(join(examples, "saxpy.wgsl"), "utf8");
/** saxpy with a check against its float64 reference, and a change to the kernel's body. */
function saxpyVariant(name: string, body: string, extraDirectives = ""): string {
  const text = saxpyText
    .replace(/^(\/\/ @uniform .*)$/m, `$1\n// @check out ~ js("./ref/saxpy.mjs")${extraDirectives}`)
    .replace("out[i] = fma(params.alpha, x[i], y[i]);", body);
  assert.notEqual(text, saxpyText);
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

describe("kernellens run on a real adapter", { timeout: 600000 }, () => {
  let helper: GpuHelperProcess;
  let adapter: AdapterSummary;

  before(async () => {
    helper = new GpuHelperProcess();
    const a = await helper.adapter();
    assert.ok("key" in a, `a WebGPU adapter: ${"message" in a ? a.message : ""}`);
    adapter = a;
  });

  after(() => helper?.dispose());

  const files = readdirSync(examples).filter((f) => f.endsWith(".wgsl") && !NOT_RUNNABLE.has(f)).sort();
  for (const file of files) {
    it(`${file}: passes its check against the float64 reference, every element written, timed`, async () => {
      const path = withCheck(file);
      const outcomes = await runKernel(helper, options(path));
      assert.equal(outcomes.length, 1);
      const o = outcomes[0];
      assert.equal(o.status, "passed", JSON.stringify({ error: o.error, checks: o.checks.map((c) => c.message) }));
      const refChecks = o.checks.filter((c) => c.reference !== "written");
      assert.ok(refChecks.length >= 1, "checked against a reference");
      assert.ok(o.checks.some((c) => c.reference === "written" && c.unwritten === 0));
      for (const c of refChecks) {
        assert.ok(c.passed && c.elements > 0 && c.nan === 0, c.message);
        assert.ok(Number.isFinite(c.maxAbsError) && Number.isFinite(c.relL2Error));
      }
      assert.ok(o.timing && o.timing.samplesMs.length === 3 && o.timing.medianMs > 0);
      assert.ok(o.timing.minMs <= o.timing.medianMs && o.timing.medianMs <= o.timing.maxMs);
      assert.equal(o.adapter?.key, adapter.key);
      assert.ok(o.achieved && o.achieved.gflops !== null);
      console.log(`${file}: median ${o.timing.medianMs.toFixed(3)} ms (${o.timing.method}); ${refChecks.map((c) => c.message).join("; ")}`);
    });
  }

  it("quant/q4_0-gemv.wgsl: matches float64 over the dequantized weights, and reports its SQNR against the float weights", async () => {
    const outcomes = await runKernel(helper, options(join(examples, "quant", "q4_0-gemv.wgsl")));
    assert.equal(outcomes.length, 1);
    const o = outcomes[0];
    assert.equal(o.status, "passed", JSON.stringify({ error: o.error, checks: o.checks.map((c) => c.message) }));
    const dequant = o.checks.find((c) => c.reference === "js:../ref/q4_0-gemv.mjs");
    const float = o.checks.find((c) => c.reference === "js:../ref/q4_0-gemv-float.mjs");
    assert.ok(dequant && float && o.checks.some((c) => c.reference === "written" && c.unwritten === 0));
    assert.equal(dequant.elements, 512);
    assert.equal(dequant.mismatches, 0);
    // Against the dequantized weights only f32 rounding differs; against the float weights, 4-bit quantization
    // error: q4_0's weight SQNR is about 20 dB, and a dot product of independent errors keeps roughly that.
    assert.ok(dequant.sqnrDb === null || (dequant.sqnrDb !== undefined && dequant.sqnrDb > 80), dequant.message);
    assert.ok(float.sqnrDb !== null && float.sqnrDb !== undefined && float.sqnrDb > 12 && float.sqnrDb < 30, float.message);
    assert.match(float.message, /SQNR \d+\.\d\d dB/);
    console.log(`q4_0-gemv.wgsl: ${dequant.message}; ${float.message}`);
  });

  it("says why the syntax tour cannot run, at the lines to fix", async () => {
    const outcomes = await runKernel(helper, options(join(examples, "syntax-tour.wgsl")));
    assert.ok(outcomes.length >= 1);
    for (const o of outcomes) {
      assert.equal(o.status, "error");
      assert.equal(o.error?.kind, "validation");
      assert.match(o.error!.message, /syntax-tour\.wgsl:\d+:\d+: /);
    }
  });

  it("fails a planted bug with the right first mismatch index and values", async () => {
    const file = saxpyVariant("saxpy-wrong.wgsl", "out[i] = fma(params.alpha, x[i], y[i]) + select(0.0, 1.0, i == 17u || i == 4242u);");
    const [o] = await runKernel(helper, options(file, { seed: 5 }));
    assert.equal(o.status, "failed");
    const c = o.checks.find((x) => x.reference === "js:./ref/saxpy.mjs")!;
    assert.equal(c.passed, false);
    assert.equal(c.mismatches, 2);
    assert.deepEqual(c.firstMismatches.map((m) => m.index), [17, 4242]);
    // The reference value is alpha x + y on the generated inputs (seed 5): regenerate them here.
    const x = Math.fround(-1 + uniformAt(bufferSeed(5, "x"), 17) * 2);
    const y = Math.fround(-1 + uniformAt(bufferSeed(5, "y"), 17) * 2);
    const want = 2.5 * x + y;
    assert.ok(Math.abs(c.firstMismatches[0].want - want) < 1e-12, `want ${c.firstMismatches[0].want} vs ${want}`);
    assert.ok(Math.abs(c.firstMismatches[0].got - (want + 1)) < 1e-6, `got ${c.firstMismatches[0].got}`);
    assert.match(c.message, /^out: 2 of 1,048,576 elements differ; first at \[17\]: got /);
    assert.ok(o.checks.find((x) => x.reference === "written")!.passed, "every element was written");
  });

  it("catches a kernel that leaves part of its output unwritten", async () => {
    const file = saxpyVariant("saxpy-half.wgsl", "if (i < params.n / 2u) { out[i] = fma(params.alpha, x[i], y[i]); }");
    const [o] = await runKernel(helper, options(file));
    assert.equal(o.status, "failed");
    const w = o.checks.find((x) => x.reference === "written")!;
    assert.equal(w.passed, false);
    assert.equal(w.unwritten, 1 << 19);
    assert.equal(w.firstMismatches[0].index, 1 << 19);
    assert.match(w.message, /524,288 of 1,048,576 elements were never written .* first at \[524288\], \[524289\]/);
    const js = o.checks.find((x) => x.reference.startsWith("js:"))!;
    assert.equal(js.unwritten, 1 << 19);
    assert.equal(js.nan, 0, "poison is reported as unwritten, not as NaN");
  });

  it("compares with another entry point run on the same inputs", async () => {
    const text = `// @let N = 4096
// @dispatch ceil(N / 64)
// @buffer x[N] = random(-1, 1)
// @buffer out[N]
// @uniform params = { n: N }
// @check out ~ square
struct P { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: P;
@compute @workgroup_size(64) fn square(@builtin(global_invocation_id) g: vec3u) { if (g.x < params.n) { out[g.x] = x[g.x] * x[g.x]; } }
@compute @workgroup_size(64) fn fast(@builtin(global_invocation_id) g: vec3u) { if (g.x < params.n) { out[g.x] = x[g.x] * x[g.x] BUG; } }
`;
    const good = join(work, "entry-ref.wgsl");
    writeFileSync(good, text.replace(" BUG", ""));
    const outcomes = await runKernel(helper, options(good));
    assert.deepEqual(outcomes.map((o) => o.entry), ["fast"], "the reference entry is not run on its own");
    assert.equal(outcomes[0].status, "passed", outcomes[0].checks.map((c) => c.message).join("; "));
    assert.equal(outcomes[0].checks.find((c) => c.reference === "entry:square")?.maxAbsError, 0);
    const bad = join(work, "entry-ref-bad.wgsl");
    writeFileSync(bad, text.replace(" BUG", " + select(0.0, 0.5, g.x == 100u)"));
    const [b] = await runKernel(helper, options(bad));
    assert.equal(b.status, "failed");
    assert.equal(b.checks.find((c) => c.reference === "entry:square")?.firstMismatches[0].index, 100);
  });

  it("skips JavaScript references in an untrusted workspace, and rotates inputs", async () => {
    const [o] = await runKernel(helper, options(withCheck("saxpy.wgsl"), { allowWorkspaceCode: false, rotateInputs: 2 }));
    assert.equal(o.status, "passed");
    const js = o.checks.find((c) => c.reference.startsWith("js:"))! as RunOutcome["checks"][number] & { skipped?: string };
    assert.equal(js.skipped, "untrusted");
    assert.match(js.message, /needs a trusted workspace/);
  });

  it("fails a check whose reference module throws, with its message (the module runs in a worker)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kl-ref-"));
    const file = join(dir, "k.wgsl");
    writeFileSync(file, saxpyText.replace(/^(\/\/ @uniform .*)$/m, '$1\n// @check out ~ js("./broken.mjs")'));
    writeFileSync(join(dir, "broken.mjs"), 'export function reference() { throw new Error("no reference today"); }\n');
    const [o] = await runKernel(helper, options(file, { repeat: 1 }));
    assert.equal(o.status, "failed");
    assert.match(o.checks.find((c) => c.reference === "js:./broken.mjs")!.message, /\.\/broken\.mjs threw: Error: no reference today/);
  });

  it("reports a compile error at the original line, and progress as fractions", async () => {
    const file = join(work, "bad.wgsl");
    writeFileSync(file, "// @dispatch 1\n// @buffer o[1]\n@group(0) @binding(0) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(1) fn main() {\n  let v: i32 = 1.5;\n  o[0] = 1.0;\n}\n");
    const fractions: number[] = [];
    const [o] = await runKernel(helper, options(file), undefined, (_m, f) => fractions.push(f));
    assert.equal(o.status, "error");
    assert.equal(o.error?.kind, "compile");
    assert.equal(o.error?.line, 5);
    assert.ok(fractions.length >= 2 && fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1])));
  });

  describe("the command line", () => {
    const cliDir = mkdtempSync(join(tmpdir(), "kl-cli-"));

    it("exits 0 when every check passes, prints one RunOutcome per line with --json, and records history", () => {
      const r = kernellens(cliDir, "run", withCheck("saxpy.wgsl"), "--json", "--repeat", "2", "--warmup", "1");
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines.length, 1);
      const o = JSON.parse(lines[0]) as RunOutcome;
      assert.equal(o.entry, "saxpy");
      assert.equal(o.status, "passed");
      assert.equal(o.timing?.samplesMs.length, 2);
      const history = readHistory(cliDir);
      assert.equal(history.length, 1);
      assert.equal(history[0].outcome.entry, "saxpy");
      assert.match(history[0].sourceHash ?? "", /^[0-9a-f]{12}$/);
      const human = kernellens(cliDir, "run", join(examples, "reduction.wgsl"), "--no-history", "--repeat", "2");
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /reduce_sum {2}PASS/);
      assert.match(human.stdout, /median .* ms \(min .*, max .*; 2 timed run\(s\) after 2 warm-up; (GPU timestamps|wall clock)/);
      assert.match(human.stdout, /check ok {3}sums ~ js:\.\/ref\/reduction\.mjs: all 2,048 elements match/);
      assert.equal(readHistory(cliDir).length, 1, "--no-history records nothing");
    });

    it("exits 1 when a check fails", () => {
      const wrong = saxpyVariant("saxpy-wrong-cli.wgsl", "out[i] = fma(params.alpha, x[i], y[i]) + select(0.0, 1.0, i == 17u);");
      const r = kernellens(cliDir, "run", wrong, "--no-history", "--repeat", "1");
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /FAIL/);
      assert.match(r.stdout, /first at \[17\]/);
    });

    it("exits 2 for bad input and compile errors", () => {
      const unsized = join(work, "unsized.wgsl");
      writeFileSync(unsized, "// @dispatch 1\n@group(0) @binding(0) var<storage, read_write> data: array<f32>;\n@compute @workgroup_size(1) fn main() { data[0] = 1.0; }\n");
      const r = kernellens(cliDir, "run", unsized, "--no-history");
      assert.equal(r.code, 2);
      assert.match(r.stdout, /unsized\.wgsl:2:48: 'data' is a runtime-sized array<f32> with no element count/);
      const bad = join(work, "bad-cli.wgsl");
      writeFileSync(bad, "// @dispatch 1\n// @buffer o[1]\n@group(0) @binding(0) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(1) fn main() {\n  let v: i32 = 1.5;\n  o[0] = 1.0;\n}\n");
      const compile = kernellens(cliDir, "run", bad, "--no-history");
      assert.equal(compile.code, 2);
      assert.match(compile.stdout, /ERROR \(compile\)[\s\S]*bad-cli\.wgsl:5:/);
      assert.equal(kernellens(cliDir, "run", join(work, "no-such-file.wgsl")).code, 2);
      assert.equal(kernellens(cliDir, "run", join(examples, "saxpy.wgsl"), "--repeat", "0").code, 2);
      assert.equal(kernellens(cliDir, "run", join(examples, "saxpy.wgsl"), "--entry", "nope", "--no-history").code, 2);
    });

    it("exits 3 when the kernel passes its deadline (the helper is killed)", () => {
      const hang = join(work, "hang.wgsl");
      writeFileSync(
        hang,
        "// @dispatch 1\n// @buffer x[4] = random(-1, 1)\n// @buffer o[4]\n@group(0) @binding(0) var<storage, read> x: array<f32>;\n@group(0) @binding(1) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(1) fn main() {\n  var i = 0u;\n  loop {\n    o[i % 4u] = f32(i);\n    i = i + 1u;\n    if (x[0] > 10.0) { break; }\n  }\n}\n",
      );
      const started = Date.now();
      const r = kernellens(cliDir, "run", hang, "--timeout-ms", "1500", "--no-history", "--json");
      assert.equal(r.code, 3, r.stderr);
      const o = JSON.parse(r.stdout.trim()) as RunOutcome;
      assert.equal(o.status, "timeout");
      assert.equal(o.error?.kind, "timeout");
      // The first run (a warm-up) passed its own deadline: the helper says which, which is what blames a loop.
      assert.equal(o.error?.deadline?.phase, "dispatch");
      assert.match(o.error?.message ?? "", /^timed out after 1500 ms: warm-up run 1 of \d+ did not finish within its deadline$/);
      assert.ok(Date.now() - started < 30000);
      // No adapter at all (Dawn's null backend executes nothing): a device failure too.
      const none = kernellensEnv(cliDir, { KERNELLENS_GPU_BACKEND: "null" }, "run", join(examples, "saxpy.wgsl"), "--no-history", "--json");
      assert.equal(none.code, 3, none.stderr);
      assert.equal((JSON.parse(none.stdout.trim()) as RunOutcome).error?.kind, "no-adapter");
    });

    it("calibrates, saves the profile, and then models this adapter with --device measured", () => {
      const profiles = mkdtempSync(join(tmpdir(), "kl-profiles-"));
      const env = { KERNELLENS_PROFILE_DIR: profiles };
      const cal = kernellensEnv(cliDir, env, "calibrate", "--json");
      assert.equal(cal.code, 0, cal.stderr);
      assert.match(cal.stderr, /calibrate: \[1\/\d+\] /, "progress on stderr");
      const saved = JSON.parse(cal.stdout) as { profile: { adapter: { key: string }; copyBandwidthScalar: number }; path: string; deviceId: string };
      assert.ok(saved.path.startsWith(profiles) && existsSync(saved.path));
      assert.equal(saved.profile.adapter.key, adapter.key);
      assert.match(saved.deviceId, /^measured-/);
      const analyzed = kernellensEnv(cliDir, env, "analyze", join(examples, "saxpy.wgsl"), "--device", "measured", "--json");
      assert.equal(analyzed.code, 0, analyzed.stderr);
      assert.deepEqual(JSON.parse(analyzed.stdout).device.id, saved.deviceId);
      assert.equal(JSON.parse(analyzed.stdout).device.source, "measured");
      assert.equal(JSON.parse(kernellensEnv(cliDir, env, "analyze", join(examples, "saxpy.wgsl"), "--device", saved.deviceId, "--json").stdout).device.id, saved.deviceId);
      // A run compares the measurement with the model on the measured profile of the adapter it ran on.
      const run = kernellensEnv(cliDir, env, "run", join(examples, "saxpy.wgsl"), "--no-history", "--json", "--repeat", "3");
      assert.equal(run.code, 0, run.stderr);
      const o = JSON.parse(run.stdout.trim()) as RunOutcome;
      assert.equal(o.predicted?.deviceId, saved.deviceId);
      assert.ok(o.predicted!.ms! > 0 && Number.isFinite(o.predicted!.errorPct!));
      const human = kernellensEnv(cliDir, env, "run", join(examples, "saxpy.wgsl"), "--no-history", "--repeat", "2");
      assert.match(human.stdout, /model {6}predicts .* on measured-.*: [+-]\d+\.\d % against the measured median/);
      assert.equal(o.predicted?.comparable, true);
      // A datasheet device's prediction is shown, but never compared with a measurement on this adapter.
      const other = kernellensEnv(cliDir, env, "run", join(examples, "saxpy.wgsl"), "--no-history", "--json", "--repeat", "2", "--device", "nvidia-rtx-4090");
      assert.equal(other.code, 0, other.stderr);
      const p = (JSON.parse(other.stdout.trim()) as RunOutcome).predicted!;
      assert.equal(p.deviceId, "nvidia-rtx-4090");
      assert.equal(p.comparable, false);
      assert.equal(p.errorPct, null);
      assert.match(p.note ?? "", /^no calibration for this adapter: predicted for .*RTX 4090 is not comparable$/);
    });
  });
});
