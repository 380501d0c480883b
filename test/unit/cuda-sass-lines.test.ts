// SASS instructions per source line from a -lineinfo cubin (core/cuda/cubinLines.ts), on cubins the real nvcc compiles
// from the CUDA fixtures. The oracle is binutils' readelf, an independent reader of the same ELF and DWARF: its
// decoded line table (`--debug-dump=decodedline`) gives each row's file, line and address, `-S` the `.text` sizes and
// `-r` which function each line-table sequence belongs to. readelf does not know NVIDIA's inlined-at opcode, so it
// attributes inlined header code to the header; folding is checked against it by adding the header's instructions to
// the calling line. The parser is also fuzzed with truncated and mutated cubins.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cubinLineRows, type SassLineTable, sassLinesOfCubin } from "../../server/src/core/cuda/cubinLines";
import { compileResources, findNvcc } from "../../server/src/cuda/nvccResources";
import { findRepoRoot } from "../support/repoRoot";

const root = findRepoRoot();
const fixture = (name: string): string => join(root, "test", "fixtures", "cuda", name);
const nvcc = findNvcc(undefined);
const noNvcc = "error" in nvcc ? `nvcc is not installed (${nvcc.error}): no cubin to read` : false;
const readelfPath = ["/usr/bin/readelf", "/bin/readelf"].find((p) => {
  try {
    execFileSync(p, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});
const noOracle = noNvcc || (readelfPath ? false : "binutils' readelf is not installed: no independent reader to compare with");

const work = mkdtempSync(join(tmpdir(), "kernellens-sass-test-"));
after(() => rmSync(work, { recursive: true, force: true }));

const compiled = new Map<string, string>();
/** The fixture compiled here with nvcc 13 for `arch` (`-cubin -lineinfo`), once per fixture and arch. */
function cubinOf(name: string, arch = "sm_80"): string {
  const key = `${name}@${arch}`;
  const known = compiled.get(key);
  if (known) return known;
  const out = join(work, `${name.replace(/\W/g, "_")}_${arch}.cubin`);
  execFileSync((nvcc as { path: string }).path, [`-arch=${arch}`, "-cubin", "-lineinfo", "-o", out, fixture(name)], { cwd: work, stdio: "pipe" });
  compiled.set(key, out);
  return out;
}

/** The SASS table of a cubin; `mainFile` null: each kernel's own file. */
const table = (path: string, mainFile: string | null = null): SassLineTable => {
  const r = sassLinesOfCubin(new Uint8Array(readFileSync(path)), mainFile);
  if ("error" in r) assert.fail(r.error);
  return r;
};

// ---- The oracle: readelf ------------------------------------------------------------------------------------------

interface OracleFunction {
  /** Instructions per `file:line` (the file as readelf prints its path), the innermost location of each row. */
  readonly perLine: Map<string, number>;
  readonly textBytes: number;
}

function readelf(args: string[]): string {
  return execFileSync(readelfPath!, ["-W", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 << 20 });
}

/** Per function (mangled name), instructions per file:line from readelf's decoded line table and relocations. */
function oracle(cubin: string): Map<string, OracleFunction> {
  // Section sizes of the .text sections.
  const sizes = new Map<string, number>();
  for (const m of readelf(["-S", cubin]).matchAll(/\]\s+\.text\.(\S+)\s+PROGBITS\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/g)) sizes.set(m[1]!, parseInt(m[2]!, 16));
  // Sequences in .debug_line order: each DW_LNE_set_address is relocated against its function's symbol.
  const relocText = readelf(["-r", cubin]);
  const section = relocText.split(/Relocation section '/).find((s) => s.startsWith(".rel.debug_line'"));
  assert.ok(section, "the cubin has .rel.debug_line");
  const owners = [...section.matchAll(/^([0-9a-f]{8,})\s+[0-9a-f]+\s+\S+(?:\s+\S+)*?\s+[0-9a-f]{16}\s+(\S+)/gm)]
    .map((m) => ({ offset: parseInt(m[1]!, 16), name: m[2]! }))
    .sort((a, b) => a.offset - b.offset)
    .map((r) => r.name);
  // Rows: `<short name>  <line>  <address>  [view]  [x]`, files announced by `<full path>:` lines, `-` ends a sequence.
  const rows: { file: string; line: number | null; address: number }[][] = [[]];
  let file = "";
  for (const raw of readelf(["--debug-dump=decodedline", cubin]).split("\n")) {
    const header = /^(\/\S.*):$/.exec(raw.trim());
    if (header) {
      file = header[1]!;
      continue;
    }
    const row = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+|0)(\s|$)/.exec(raw.trim());
    if (!row) continue;
    const address = parseInt(row[3]!, 16);
    if (row[2] === "-") {
      rows[rows.length - 1]!.push({ file, line: null, address });
      rows.push([]);
    } else rows[rows.length - 1]!.push({ file, line: Number(row[2]), address });
  }
  const out = new Map<string, OracleFunction>();
  rows.filter((s) => s.length > 0).forEach((seq, i) => {
    const name = owners[i]!;
    const perLine = new Map<string, number>();
    for (let r = 0; r + 1 < seq.length; r++) {
      const here = seq[r]!;
      const next = seq[r + 1]!;
      if (next.address <= here.address || here.line === null) continue; // the last row at an address describes it
      const key = `${here.file}:${here.line}`;
      perLine.set(key, (perLine.get(key) ?? 0) + (next.address - here.address) / 16);
    }
    out.set(name, { perLine, textBytes: sizes.get(name) ?? -1 });
  });
  return out;
}

function linesOfFile(o: OracleFunction, file: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const [key, n] of o.perLine) {
    const at = key.lastIndexOf(":");
    if (key.slice(0, at) === file) out.set(Number(key.slice(at + 1)), n);
  }
  return out;
}

function headerInstructions(o: OracleFunction, header: RegExp): number {
  let n = 0;
  for (const [key, count] of o.perLine) if (header.test(key.slice(0, key.lastIndexOf(":")))) n += count;
  return n;
}

const count = (t: SassLineTable, mangled: RegExp, line: number): number => t.kernels.find((k) => mangled.test(k.mangled))?.lines.find((l) => l.line === line)?.instructions ?? 0;
const lineOfText = (name: string, snippet: string): number => {
  const text = readFileSync(fixture(name), "utf8");
  const at = text.indexOf(snippet);
  assert.ok(at >= 0, snippet);
  return text.slice(0, at).split("\n").length;
};

describe("SASS per line: the cubin's line table against readelf", { skip: noOracle }, () => {
  it("without inlined code, every line's count is readelf's and the lines add up to the .text size / 16", () => {
    for (const name of ["sgemm-1-naive.cu", "sgemm-5-2d-blocktiling.cu", "transpose-smem.cu"]) {
      const cubin = cubinOf(name);
      const t = table(cubin, fixture(name));
      const o = oracle(cubin);
      assert.equal(t.sm, 80);
      assert.equal(t.kernels.length, o.size, name);
      for (const k of t.kernels) {
        const ref = o.get(k.mangled);
        assert.ok(ref, `${name}: readelf knows ${k.mangled}`);
        assert.equal(ref.textBytes % 16, 0, "16-byte instructions");
        assert.equal(k.instructions, ref.textBytes / 16, `${k.mangled}: total`);
        assert.equal(k.unattributed, 0);
        assert.equal(k.lines.reduce((a, l) => a + l.instructions, 0), k.instructions, `${k.mangled}: lines add up`);
        const expected = linesOfFile(ref, fixture(name));
        assert.deepEqual(new Map(k.lines.map((l) => [l.line, l.instructions])), expected, `${name} ${k.mangled}`);
      }
    }
  });

  it("a line of straight-line FMAs has them: the 2D-blocktiled SGEMM's inner product is BK x TM x TN = 8 x 8 x 8 = 512 FFMAs", () => {
    const name = "sgemm-5-2d-blocktiling.cu";
    const line = lineOfText(name, "acc[i * TN + j] += regM[i] * regN[j];");
    assert.equal(count(table(cubinOf(name)), /sgemm_blocktiling_2d/, line), 512);
  });

  it("folds header code onto the calling line: __shfl_down_sync onto warp_reduce_sum's line, atomicAdd onto its call", () => {
    const name = "reduce-sum-shfl.cu";
    const cubin = cubinOf(name);
    const t = table(cubin);
    const ref = oracle(cubin).get("_Z10reduce_sumPKfPfi")!;
    const own = linesOfFile(ref, fixture(name));
    const shuffles = headerInstructions(ref, /sm_30_intrinsics\.hpp$/);
    const atomics = headerInstructions(ref, /sm_20_atomic_functions\.hpp$/);
    assert.ok(shuffles >= 10 && atomics >= 1, `readelf puts ${shuffles} instructions in the shuffle header, ${atomics} in the atomics header`);
    const shflLine = lineOfText(name, "v += __shfl_down_sync(0xffffffffu, v, offset);");
    const atomicLine = lineOfText(name, "if (lane == 0) atomicAdd(out, sum);");
    assert.equal(count(t, /reduce_sum/, shflLine), (own.get(shflLine) ?? 0) + shuffles);
    assert.equal(count(t, /reduce_sum/, atomicLine), (own.get(atomicLine) ?? 0) + atomics);
    // Every other line keeps readelf's count, and nothing is lost.
    const k = t.kernels[0]!;
    for (const l of k.lines) if (l.line !== shflLine && l.line !== atomicLine) assert.equal(l.instructions, own.get(l.line), `line ${l.line}`);
    assert.equal(k.lines.reduce((a, l) => a + l.instructions, 0), ref.textBytes / 16);
  });

  it("folds the bf16 intrinsics of the CUDA headers onto the GELU lines that call them, per kernel", () => {
    const name = "gelu-bf16.cu";
    const cubin = cubinOf(name);
    const t = table(cubin);
    for (const [mangled, ref] of oracle(cubin)) {
      const k = t.kernels.find((x) => x.mangled === mangled)!;
      const own = [...linesOfFile(ref, fixture(name)).values()].reduce((a, b) => a + b, 0);
      assert.ok(headerInstructions(ref, /cuda_bf16\.hpp$/) > 0, `${mangled}: readelf attributes instructions to cuda_bf16.hpp`);
      const header = headerInstructions(ref, /\.(hpp|h)$/); // cuda_bf16.hpp, and sm_32_intrinsics.hpp's streaming load
      assert.equal(k.lines.reduce((a, l) => a + l.instructions, 0), own + header, `${mangled}: header code folded, not dropped`);
      assert.ok(k.lines.every((l) => l.line >= 1 && l.line <= 200), "only the fixture's lines");
    }
  });

  it("every inlined-at reference names an earlier row of the same function (the opcode's meaning as read)", () => {
    for (const name of ["reduce-sum-shfl.cu", "softmax-dynamic-smem.cu", "layernorm-bf16.cu", "q4_0-gemv.cu"]) {
      const rows = cubinLineRows(new Uint8Array(readFileSync(cubinOf(name))));
      if ("error" in rows) assert.fail(rows.error);
      const inlined = rows.filter((r) => r.inlinedAt >= 0);
      assert.ok(inlined.length > 0, name);
      rows.forEach((r, i) => {
        if (r.inlinedAt < 0) return;
        const at = rows[r.inlinedAt]!;
        assert.ok(r.inlinedAt < i && at.function === r.function && !at.endSequence, `${name} row ${i}`);
      });
    }
  });
});

describe("SASS per line: kernels, targets and the main file", { skip: noNvcc }, () => {
  it("gives each template instantiation its own table, on every target nvcc 13 has", () => {
    for (const arch of ["sm_75", "sm_90", "sm_120"]) {
      const t = table(cubinOf("softmax-dynamic-smem.cu", arch));
      assert.equal(t.sm, Number(arch.slice(3)));
      assert.deepEqual(t.kernels.map((k) => k.mangled).sort(), ["_Z12softmax_rowsILi1024EEvPfPKfi", "_Z12softmax_rowsILi256EEvPfPKfi"]);
      for (const k of t.kernels) {
        assert.ok(k.instructions > 100);
        assert.equal(k.lines.reduce((a, l) => a + l.instructions, 0) + k.unattributed, k.instructions);
      }
    }
  });

  it("takes the kernel's own file when no main file is named, and a file name when the path differs", () => {
    const cubin = cubinOf("transpose-smem.cu");
    const named = table(cubin, fixture("transpose-smem.cu"));
    assert.deepEqual(table(cubin, null).kernels, named.kernels);
    assert.deepEqual(table(cubin, "/elsewhere/transpose-smem.cu").kernels, named.kernels);
    const other = table(cubin, "/elsewhere/another.cu");
    assert.ok(other.kernels.every((k) => k.lines.length === 0 && k.unattributed === k.instructions), "a file the table does not have: nothing attributed");
  });

  it("reads the adapter's cubin with the name the line table uses (#line), for an unsaved editor text", async () => {
    const text = readFileSync(fixture("reduce-sum-shfl.cu"), "utf8");
    const r = await compileResources({ text, name: "untitled-1.cu" }, { arch: "8.0", trusted: true, keepCubin: true, keepPtx: true, cache: null, compileCommands: false });
    assert.ok(r.ok, r.ok ? "" : r.message);
    assert.equal(r.lineTableFile, "untitled-1.cu");
    assert.ok(r.ptx && r.ptx.includes(".loc"), "the PTX comes back with line info");
    const t = sassLinesOfCubin(r.cubin!, r.lineTableFile);
    if ("error" in t) assert.fail(t.error);
    assert.deepEqual(t.kernels, table(cubinOf("reduce-sum-shfl.cu")).kernels);
  });
});

// ---- Fuzz -----------------------------------------------------------------------------------------------------------

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mustAnswer(bytes: Uint8Array, what: string): void {
  let r: ReturnType<typeof sassLinesOfCubin>;
  try {
    r = sassLinesOfCubin(bytes, "x.cu");
  } catch (err) {
    assert.fail(`${what}: threw ${(err as Error).message}`);
  }
  if ("error" in r) assert.equal(typeof r.error, "string");
  else for (const k of r.kernels) for (const l of k.lines) assert.ok(Number.isFinite(l.instructions) && l.instructions > 0 && Number.isFinite(l.line), what);
  const rows = cubinLineRows(bytes);
  assert.ok(Array.isArray(rows) || typeof (rows as { error: string }).error === "string", what);
}

describe("SASS per line: malformed cubins", { skip: noNvcc }, () => {
  it("answers an error, never throws, on truncated cubins (every length at 16-byte steps)", () => {
    const bytes = new Uint8Array(readFileSync(cubinOf("reduce-sum-shfl.cu")));
    for (let n = 0; n < bytes.length; n += 16) mustAnswer(bytes.subarray(0, n), `truncated to ${n}`);
    assert.ok("error" in sassLinesOfCubin(bytes.subarray(0, 100), null));
    assert.ok("error" in sassLinesOfCubin(new Uint8Array(0), null));
    assert.ok("error" in sassLinesOfCubin("not bytes" as unknown as Uint8Array, null));
  });

  it("answers, never throws, on 3,000 mutated cubins (random bytes, the headers and the line table favoured)", () => {
    const originals = ["reduce-sum-shfl.cu", "softmax-dynamic-smem.cu"].map((n) => new Uint8Array(readFileSync(cubinOf(n))));
    const next = rng(14);
    const started = Date.now();
    for (let i = 0; i < 3000; i++) {
      const src = originals[i % originals.length]!;
      const bytes = new Uint8Array(src);
      const edits = 1 + Math.floor(next() * 8);
      for (let e = 0; e < edits; e++) {
        // Half the edits hit the ELF header and section table or the first KB (where .debug_line's header sits).
        const region = next();
        const shoff = Number(new DataView(bytes.buffer).getBigUint64(40, true) % BigInt(bytes.length));
        const at =
          region < 0.25 ? Math.floor(next() * 64) : region < 0.5 ? Math.min(bytes.length - 1, shoff + Math.floor(next() * 64 * 24)) : Math.floor(next() * bytes.length);
        bytes[at] = next() < 0.3 ? 0xff : Math.floor(next() * 256);
      }
      mustAnswer(bytes, `mutation ${i}`);
    }
    assert.ok(Date.now() - started < 60_000, "bounded time");
  });
});
