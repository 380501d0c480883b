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
import { mulberry32 } from "../support/random";

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

// ---- DWARF versions nvcc does not write yet: a cubin built here, byte by byte -----------------------------------------

const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
};
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const le = (v: number, n: number): number[] => Array.from({ length: n }, (_, i) => Math.floor(v / 2 ** (8 * i)) & 0xff);
const cstr = (t: string): number[] => [...Buffer.from(t, "utf8"), 0];

/**
 * A one-kernel sm_80 cubin with 4 instructions and a line table of `version` (4 or 5): k.cu:10 (1 instruction),
 * k.cu:11 (the call, no instruction of its own), h.h:100 inlined at it (1), k.cu:12 (2). Files are numbered from 0
 * in version 5.
 */
function syntheticCubin(version: 4 | 5): Uint8Array {
  const lineStr = [...cstr("/src"), ...cstr("/inc")];
  const header: number[] = [1, 1, 1, 0xfb, 14, 13, ...[0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]]; // min_inst, max_ops, is_stmt, line_base -5, line_range, opcode_base
  if (version === 5) {
    header.push(1, ...uleb(1), ...uleb(0x1f), ...uleb(2), ...le(0, 4), ...le(5, 4)); // directories: path as line_strp
    header.push(2, ...uleb(1), ...uleb(0x08), ...uleb(2), ...uleb(0x0b), ...uleb(2), ...cstr("k.cu"), 0, ...cstr("h.h"), 1); // files
  } else {
    header.push(...cstr("/src"), ...cstr("/inc"), 0, ...cstr("k.cu"), 1, 0, 0, ...cstr("h.h"), 2, 0, 0, 0);
  }
  const main = version === 5 ? 0 : 1;
  const program = [
    0, 9, 2, ...le(0, 8), // set_address 0 (relocated against the kernel's symbol)
    4, ...uleb(main), 3, ...sleb(9), 1, // k.cu:10 at 0
    2, ...uleb(16), 3, ...sleb(1), 1, // k.cu:11 at 0x10
    0, 3, 0x90, 2, 0, 4, ...uleb(main + 1), 3, ...sleb(89), 1, // h.h:100 at 0x10, inlined at row 2
    2, ...uleb(16), 0, 3, 0x90, 0, 0, 4, ...uleb(main), 3, ...sleb(-88), 1, // k.cu:12 at 0x20
    2, ...uleb(32), 0, 1, 1, // end at 0x40
  ];
  // Version 5 has an address size and a segment selector size before header_length.
  const afterLength = [...le(version, 2), ...(version === 5 ? [8, 0] : []), ...le(header.length, 4), ...header, ...program];
  const debugLine = [...le(afterLength.length, 4), ...afterLength];
  const setAddressOperand = 4 + 2 + (version === 5 ? 2 : 0) + 4 + header.length + 3;
  const shstr = [0, ...cstr(".shstrtab"), ...cstr(".strtab"), ...cstr(".symtab"), ...cstr(".debug_line"), ...cstr(".rel.debug_line"), ...cstr(".text.k"), ...cstr(".debug_line_str")];
  const name = (n: string): number => Buffer.from(shstr).indexOf(Buffer.from(`${n}\0`));
  const strtab = [0, ...cstr("k")];
  const symtab = [...new Array(24).fill(0), ...le(1, 4), 0x12, 0x10, ...le(6, 2), ...le(0, 8), ...le(64, 8)];
  const rel = [...le(setAddressOperand, 8), ...le(2, 4), ...le(1, 4)];
  const text = new Array(64).fill(0);
  const bodies = [shstr, strtab, symtab, debugLine, rel, text, lineStr];
  const offsets: number[] = [];
  let at = 64;
  for (const b of bodies) {
    offsets.push(at);
    at += b.length;
  }
  const shoff = at;
  const sh = (n: number, type: number, i: number, link = 0, info = 0, entsize = 0): number[] =>
    [...le(n, 4), ...le(type, 4), ...le(0, 8), ...le(0, 8), ...le(offsets[i]!, 8), ...le(bodies[i]!.length, 8), ...le(link, 4), ...le(info, 4), ...le(1, 8), ...le(entsize, 8)];
  const sections = [
    ...new Array(64).fill(0),
    ...sh(name(".shstrtab"), 3, 0),
    ...sh(name(".strtab"), 3, 1),
    ...sh(name(".symtab"), 2, 2, 2, 1, 24),
    ...sh(name(".debug_line"), 1, 3),
    ...sh(name(".rel.debug_line"), 9, 4, 3, 4, 16),
    ...sh(name(".text.k"), 1, 5),
    ...sh(name(".debug_line_str"), 1, 6),
  ];
  const elf = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0x41, 8, ...new Array(7).fill(0), ...le(1, 2), ...le(190, 2), ...le(1, 4), ...le(0, 8), ...le(0, 8), ...le(shoff, 8), ...le(80 << 8, 4), ...le(64, 2), 0, 0, 0, 0, ...le(64, 2), ...le(8, 2), ...le(1, 2)];
  return new Uint8Array([...elf, ...bodies.flat(), ...sections]);
}

describe("SASS per line: DWARF 4 and 5 line tables", () => {
  for (const version of [4, 5] as const) {
    it(`reads a version ${version} table: files, relocation, the inlined-at opcode folded onto the call`, () => {
      const bytes = syntheticCubin(version);
      const rows = cubinLineRows(bytes);
      if ("error" in rows) assert.fail(rows.error);
      assert.deepEqual(
        rows.map((r) => [r.file, r.line, r.address, r.inlinedAt, r.function]),
        [["/src/k.cu", 10, 0, -1, "k"], ["/src/k.cu", 11, 16, -1, "k"], ["/inc/h.h", 100, 16, 1, "k"], ["/src/k.cu", 12, 32, -1, "k"], ["/src/k.cu", 12, 64, -1, "k"]],
      );
      const t = sassLinesOfCubin(bytes, "/src/k.cu");
      if ("error" in t) assert.fail(t.error);
      assert.equal(t.sm, 80);
      assert.deepEqual(t.kernels, [{ mangled: "k", instructions: 4, lines: [{ line: 10, instructions: 1 }, { line: 11, instructions: 1 }, { line: 12, instructions: 2 }], unattributed: 0 }]);
      // The header's own view: without folding, its instruction would be on h.h's line; here it is on line 11.
      const headerOnly = sassLinesOfCubin(bytes, "/inc/h.h");
      if ("error" in headerOnly) assert.fail(headerOnly.error);
      assert.deepEqual(headerOnly.kernels[0]!.lines, [{ line: 100, instructions: 1 }]);
    });
  }
});

// ---- Fuzz -----------------------------------------------------------------------------------------------------------

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
    const next = mulberry32(14);
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
