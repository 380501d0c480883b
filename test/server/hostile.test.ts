// Hostile directives and inputs on the command line: each gets its exit code and a message at its line, in bounded
// time, and nothing is read or written outside the workspace.
//
// Every row runs the real CLI (`bin/kernellens.js`, the bundle users run) in a fresh workspace folder with a fresh
// HOME, so a stray write anywhere (a history, a cache, a profile) shows up as a new file. Rows that need a GPU run
// use the software Vulkan driver like the other run tests.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, it } from "node:test";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");
const saxpy = readFileSync(join(root, "examples", "saxpy.wgsl"), "utf8");

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();
}

interface Row {
  readonly name: string;
  readonly command: "analyze" | "run";
  /** The kernel: saxpy with one line replaced, or a whole text (given the name of a folder beside the workspace). */
  readonly text: string | ((outsideFolder: string) => string);
  /** More files in the workspace, and files in a folder beside it (outside the workspace). */
  readonly files?: Readonly<Record<string, string | Buffer>>;
  readonly outside?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly exit: number;
  /** What the output must say, and the 1-based line it must name (for run errors). */
  readonly message: RegExp;
  readonly line?: number;
}

const withLine = (from: string, to: string): string => {
  assert.ok(saxpy.includes(from), from);
  return saxpy.replace(from, to);
};

const spin = `// @dispatch 1
// @buffer out[64]
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64)
fn spin(@builtin(global_invocation_id) gid: vec3<u32>) {
  var i = 0u;
  loop {
    i = i + 1u;
    out[gid.x] = i;
    if (i == 0u && out[63] == 7u) { break; }
  }
}
`;

/** A `.npy` v1 header that ends before its dictionary does. */
const corruptNpy = Buffer.from("\x93NUMPY\x01\x00\xff\xffnot a header", "latin1");

/** An off-by-one dispatch with no bounds guard: invocations 1,024..1,087 write past the end of `out`. */
const offByOne = `// @dispatch 17
// @buffer out[1024]
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn fill(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.x] = f32(gid.x);
}
`;

const rows: readonly Row[] = [
  // The analysis must answer in bounded time whatever the sizes; absurd ones are findings, not hangs.
  { name: "a size past 2^53 (N = 1e18)", command: "analyze", text: withLine("// @let N = 1 << 20", "// @let N = 1e18"), exit: 0, message: /'x' holds 3\.5 EiB for this launch: more than WebGPU's default maxStorageBufferBindingSize/ },
  { name: "a huge literal (N = 1e300)", command: "analyze", text: withLine("// @let N = 1 << 20", "// @let N = 1e300"), exit: 0, message: /webgpu-limits/ },
  { name: "a 64 GiB buffer in analyze", command: "analyze", text: withLine("// @buffer x[N] = random(-1, 1)", "// @buffer x[16 * 1024 * 1024 * 1024] = random(-1, 1)"), exit: 0, message: /'x' holds 64 GiB for this launch/ },
  // Runs: checked before anything is allocated; bad input is exit 2 with the directive's line.
  { name: "a 64 GiB buffer", command: "run", text: withLine("// @buffer x[N] = random(-1, 1)", "// @buffer x[16 * 1024 * 1024 * 1024] = random(-1, 1)"), exit: 2, message: /'x' needs 64 GiB \(17,179,869,184 elements of 4 bytes\), more than the run's memory budget of 1 GiB/, line: 7 },
  { name: "buffers over a smaller budget together", command: "run", text: saxpy, env: { KERNELLENS_GPU_MEMORY_BUDGET: String(10 * 1024 * 1024) }, exit: 2, message: /need 12.0 MiB together, more than the run's memory budget of 10 MiB/, line: 24 },
  { name: "a dispatch of zero", command: "run", text: withLine("// @dispatch ceil(N / 256)", "// @dispatch 0"), exit: 2, message: /at least 1, got 0/, line: 6 },
  { name: "a negative dispatch", command: "run", text: withLine("// @dispatch ceil(N / 256)", "// @dispatch -4"), exit: 2, message: /at least 1, got -4/, line: 6 },
  { name: "a dispatch past WebGPU's limit", command: "run", text: withLine("// @dispatch ceil(N / 256)", "// @dispatch 100000"), exit: 2, message: /100,000 x 1 x 1 workgroups exceeds WebGPU's limit of 65,535 per dimension/, line: 6 },
  { name: "division by zero", command: "run", text: withLine("// @let N = 1 << 20", "// @let N = 1 / 0"), exit: 2, message: /division by zero/, line: 5 },
  { name: "NaN from 0 / 0", command: "run", text: withLine("// @let N = 1 << 20", "// @let N = 0 / 0"), exit: 2, message: /division by zero/, line: 5 },
  { name: "Infinity", command: "run", text: withLine("// @let N = 1 << 20", "// @let N = 1e308 * 10"), exit: 2, message: /got Infinity/, line: 6 },
  { name: "a size past 2^53 in a run", command: "run", text: withLine("// @let N = 1 << 20", "// @let N = 1e18"), exit: 2, message: /'x' needs 3\.5 EiB .*more than the run's memory budget/s, line: 6 },
  // A kernel that never ends is stopped at its deadline (exit 3), and the helper with it.
  { name: "an endless loop", command: "run", text: spin, args: ["--timeout-ms", "3000"], exit: 3, message: /timed out after 3000 ms/ },
  // Files: a corrupt input, and an include outside the workspace, are refused at their lines before the GPU is used.
  { name: "a corrupt .npy input", command: "run", text: withLine("// @buffer x[N] = random(-1, 1)", '// @buffer x[N] = file("x.npy")'), files: { "x.npy": corruptNpy }, exit: 2, message: /x\.npy: the \.npy header is cut short/, line: 7 },
  { name: "an include outside the workspace", command: "run", text: (outside) => `#include "../${outside}/lib.wgsl"\n${saxpy}`, outside: { "lib.wgsl": "const W: u32 = 4u;\n" }, exit: 2, message: /outside the workspace/, line: 1 },
  { name: "an include outside the workspace in analyze", command: "analyze", text: (outside) => `#include "../${outside}/lib.wgsl"\n${saxpy}`, outside: { "lib.wgsl": "const W: u32 = 4u;\n" }, exit: 2, message: /preprocessor-include-outside/ },
  // An out-of-bounds write fails the run (exit 1) with its line, index and invocation.
  { name: "an out-of-bounds write", command: "run", text: offByOne, exit: 1, message: /out-of-bounds write to 'out' at index 1024 \(length 1024\) by invocation \(1024, 0, 0\), line 6/ },
];

describe("hostile directives and inputs", { timeout: 240000 }, () => {
  for (const row of rows) {
    it(`${row.command}: ${row.name}`, () => {
      const workspace = mkdtempSync(join(tmpdir(), "kl-hostile-ws-"));
      const home = mkdtempSync(join(tmpdir(), "kl-hostile-home-"));
      const outside = mkdtempSync(join(tmpdir(), "kl-hostile-outside-"));
      const file = join(workspace, "kernel.wgsl");
      writeFileSync(file, typeof row.text === "string" ? row.text : row.text(basename(outside)));
      for (const [name, data] of Object.entries(row.files ?? {})) writeFileSync(join(workspace, name), data);
      for (const [name, data] of Object.entries(row.outside ?? {})) writeFileSync(join(outside, name), data);
      const args = row.command === "run" ? ["run", file, "--no-history", "--json", ...(row.args ?? [])] : ["analyze", file, "--json", ...(row.args ?? [])];
      const started = Date.now();
      const r = spawnSync(process.execPath, [bin, ...args], {
        cwd: workspace,
        encoding: "utf8",
        timeout: 60000,
        // The Vulkan driver keeps a shader cache of its own under HOME; it is not ours to count, so it is off here.
        env: { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache"), MESA_SHADER_CACHE_DISABLE: "true", ...row.env },
      });
      const seconds = (Date.now() - started) / 1000;
      assert.equal(r.signal, null, `killed after ${seconds} s: the command did not end by itself`);
      assert.equal(r.status, row.exit, `exit ${r.status}, expected ${row.exit}\n${r.stdout}\n${r.stderr}`);
      const out = `${r.stdout}\n${r.stderr}`;
      assert.match(out, row.message);
      if (row.line !== undefined) {
        const result = JSON.parse(r.stdout.trim().split("\n")[0]);
        const where = result.error ?? {};
        assert.equal(where.line, row.line, `expected the message at line ${row.line}: ${JSON.stringify(result.error)}`);
      }
      // Nothing written outside the workspace, and nothing added inside it.
      assert.deepEqual(filesUnder(home), []);
      assert.deepEqual(filesUnder(workspace), ["kernel.wgsl", ...Object.keys(row.files ?? {})].sort());
      assert.deepEqual(filesUnder(outside), Object.keys(row.outside ?? {}).sort());
    });
  }
});
