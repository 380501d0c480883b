// The command line reads the files a kernel names only inside its workspace (the current folder, the files' folders,
// --include folders) unless --allow-outside, follows links before judging, and caps what it reads: an outside
// include and an oversized or corrupt .npy input are refused with exit 2 and the directive's location. None of these
// runs reaches the GPU: the refusals come first (and --device keeps `run` from asking for an adapter).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "kernellens.js");

const base = realpathSync(mkdtempSync(join(tmpdir(), "kernellens-boundary-")));
const ws = join(base, "ws");
const outside = join(base, "outside");
mkdirSync(ws);
mkdirSync(outside);
writeFileSync(join(outside, "lib.wgsl"), "const W: u32 = 4u;\n");
symlinkSync(join(outside, "lib.wgsl"), join(ws, "link.wgsl"));

function kernellens(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 60000, env: { ...process.env, KERNELLENS_PROFILE_DIR: join(base, "profiles") } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const kernelBody = "@group(0) @binding(0) var<storage, read> x: array<f32>;\n@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n\n@compute @workgroup_size(4)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n  out[gid.x] = x[gid.x] * f32(W);\n}\n";

/** A kernel whose second line is `@buffer x[4] = file(NPY)`, with its include on the fourth line. */
function kernel(name: string, include: string, npy: string): string {
  const path = join(ws, name);
  writeFileSync(path, `// @dispatch 1\n// @buffer x[4] = file("${npy}")\n// @buffer out[4]\n#include "${include}"\n${kernelBody}`);
  return path;
}

/** A .npy v1 file of little-endian f32 values. */
function npy(values: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${values.length},), }`;
  header += " ".repeat(63 - ((header.length + 10) % 64)) + "\n";
  const len = Buffer.alloc(2);
  len.writeUInt16LE(header.length);
  return Buffer.concat([Buffer.from("\x93NUMPY\x01\x00", "latin1"), len, Buffer.from(header, "latin1"), Buffer.from(new Float32Array(values).buffer)]);
}

writeFileSync(join(ws, "lib.wgsl"), "const W: u32 = 2u;\n");
writeFileSync(join(ws, "x.npy"), npy([1, 2, 3, 4]));
writeFileSync(join(ws, "big.npy"), Buffer.concat([npy([1, 2, 3, 4]), Buffer.alloc(128 * 1024)]));
writeFileSync(join(ws, "corrupt.npy"), Buffer.from("\x93NUMPY\x01\x00\xff\xffnot a header", "latin1"));
writeFileSync(join(outside, "x.npy"), npy([1, 2, 3, 4]));

describe("kernellens: files outside the workspace", { timeout: 180000 }, () => {
  it("analyze refuses an include outside the workspace (by `..` or a link) with exit 2 at the #include line", () => {
    for (const include of ["../outside/lib.wgsl", "link.wgsl"]) {
      const file = kernel("analyze.wgsl", include, "x.npy");
      const r = kernellens(ws, "analyze", "analyze.wgsl", "--json", "--no-tint");
      assert.equal(r.code, 2, `${include}: ${r.stderr}`);
      const obj = JSON.parse(r.stdout);
      const d = obj.diagnostics.find((x: { code: string }) => x.code === "preprocessor-include-outside");
      assert.ok(d, `${include}: ${r.stdout}`);
      assert.equal(d.severity, "error");
      assert.deepEqual(d.range.start, { line: 3, character: 0 });
      assert.match(d.message, /outside the workspace .*--allow-outside/);
      const human = kernellens(ws, "analyze", file, "--no-tint");
      assert.equal(human.code, 2);
      assert.match(human.stdout, /analyze\.wgsl:4:1: error \[preprocessor-include-outside\]/);
    }
  });

  it("analyze reads it with --allow-outside, or when the current folder contains it", () => {
    kernel("analyze.wgsl", "../outside/lib.wgsl", "x.npy");
    const allowed = kernellens(ws, "analyze", "analyze.wgsl", "--json", "--no-tint", "--allow-outside");
    assert.ok(!JSON.parse(allowed.stdout).diagnostics.some((d: { code: string }) => d.code.startsWith("preprocessor-include")), allowed.stdout);
    assert.notEqual(allowed.code, 2);
    const fromAbove = kernellens(base, "analyze", join("ws", "analyze.wgsl"), "--json", "--no-tint");
    assert.ok(!JSON.parse(fromAbove.stdout).diagnostics.some((d: { code: string }) => d.code.startsWith("preprocessor-include")), fromAbove.stdout);
  });

  it("run refuses an outside include with exit 2 and its location, before the GPU", () => {
    const file = kernel("run-include.wgsl", "../outside/lib.wgsl", "x.npy");
    const r = kernellens(ws, "run", "run-include.wgsl", "--device", "nvidia-rtx-4090", "--no-history", "--json");
    assert.equal(r.code, 2, r.stderr);
    const outcome = JSON.parse(r.stdout.trim().split("\n")[0]!);
    assert.equal(outcome.status, "error");
    assert.equal(outcome.error.kind, "validation");
    assert.equal(outcome.error.line, 4);
    assert.ok(outcome.error.message.startsWith(`${file}:4:1: cannot include '../outside/lib.wgsl':`), outcome.error.message);
    assert.match(outcome.error.message, /outside the workspace/);
  });

  it("run refuses an oversized, a corrupt and an outside .npy with exit 2 at the @buffer line", () => {
    const cases: [string, RegExp][] = [
      ["big.npy", /big\.npy is 128\.\d KiB: more than the buffer's 16 bytes plus a \.npy header/],
      ["corrupt.npy", /corrupt\.npy: the \.npy header is cut short/],
      ["../outside/x.npy", /x\.npy is outside the workspace .*--allow-outside/],
    ];
    for (const [input, message] of cases) {
      kernel("run-npy.wgsl", "lib.wgsl", input);
      const r = kernellens(ws, "run", "run-npy.wgsl", "--device", "nvidia-rtx-4090", "--no-history");
      assert.equal(r.code, 2, `${input}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /run-npy\.wgsl:2:1: /, input);
      assert.match(r.stdout, message, input);
    }
  });

  it("documents --allow-outside in the usage", () => {
    const r = kernellens(ws, "--help");
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--allow-outside/);
  });
});
