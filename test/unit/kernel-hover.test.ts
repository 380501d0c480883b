// A kernel's hover in every language: the verdict first (what bounds it, the predicted time with its unit on which
// device, occupancy and its limiter, the most severe finding), then the breakdown as a two-column table whose rows
// each tell one quantity in one unit; and the wording fixes of issue 17 (broadcasts, binding counts, bandwidth advice
// for a kernel without FLOPs, one finding per access for quantized weights, directives quoted as written).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Hover } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyzeCudaFile, analyzeFile, analyzeTritonFile } from "../../server/src/analysisService";
import { findDevice } from "../../server/src/core/devices/database";
import { durations, siAll } from "../../server/src/core/model/format";
import { firstSentence, topFinding } from "../../server/src/core/model/verdict";
import { oncePerAccess } from "../../server/src/core/quant/findings";
import { cudaHover } from "../../server/src/lsp/cudaHover";
import { hover } from "../../server/src/lsp/hover";
import { tritonHover } from "../../server/src/lsp/tritonViews";
import { cudaParser } from "../support/cudaParser";
import { pythonParser } from "../support/pythonParser";
import { findRepoRoot } from "../support/repoRoot";

const root = findRepoRoot();
const rtx4090 = findDevice("nvidia-rtx-4090")!;
const read = (...p: string[]): string => readFileSync(join(root, ...p), "utf8");
const valueOf = (h: Hover | null): string => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");

async function wgslHover(text: string, needle: string, delta = 1): Promise<{ md: string; analysis: Awaited<ReturnType<typeof analyzeFile>> }> {
  const analysis = await analyzeFile(text, { model: { device: rtx4090 } }, undefined);
  const doc = TextDocument.create("file:///w/k.wgsl", "wgsl", 1, text);
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return { md: valueOf(hover(doc, analysis.source, doc.positionAt(at + delta))), analysis };
}

/** The hover's verdict: its first paragraphs after the heading, before the signature and the breakdown. */
function assertVerdictFirst(md: string, device: string, topCode: string | null): void {
  const paragraphs = md.split("\n\n");
  assert.match(paragraphs[1]!, new RegExp(`^\\*\\*(Memory|Compute|Latency|Workgroup-memory|Shared-memory)-bound\\*\\*( \\([^()]+\\))? · \\*\\*≈ [\\d.]+ (ns|µs|ms|s)\\*\\* on ${device}, estimated`), md);
  assert.match(paragraphs[2]!, /^Occupancy \*\*\d+%\*\*, limited by [\w-]+/, md);
  assert.match(paragraphs[2]!, /\((registers ≈ \d+ per \w+, estimated|\d+ registers per \w+, exact)\)$/);
  if (topCode) assert.match(paragraphs[3]!, new RegExp(`^Top finding \\((error|warning|info), \`${topCode}\`\\): `), md);
  else assert.equal(paragraphs[3], "No findings.");
  // Everything the verdict sums up comes after it.
  const verdictEnd = md.indexOf(paragraphs[3]!) + paragraphs[3]!.length;
  for (const later of ["| Quantity | Value |", "```", "**Cost model**"]) if (md.includes(later)) assert.ok(md.indexOf(later) > verdictEnd, later);
}

/** No table wider than two columns, and each row's figures of a quantity in one unit. */
function assertNarrowOneUnit(md: string): void {
  const rows = md.split("\n").filter((l) => l.startsWith("|"));
  assert.ok(rows.length > 5, md);
  for (const row of rows) {
    assert.ok(row.split(/(?<!\\)\|/).length - 2 <= 2, `wider than two columns: ${row}`);
    const units = (re: RegExp): Set<string> => new Set([...row.matchAll(re)].map((m) => m[1]!));
    assert.ok(units(/\d (ns|µs|ms|s)\b/g).size <= 1, `times in one unit: ${row}`);
    assert.ok(units(/\d ([kMGT]?B)(?!\/)\b/g).size <= 1, `bytes in one unit: ${row}`);
    assert.ok(units(/\d ([kMGT]?FLOP)(?!\/)\b/g).size <= 1, `FLOPs in one unit: ${row}`);
  }
}

describe("units", () => {
  it("tells every figure of a row in the unit of its largest", () => {
    // 69 MB and 16 kB: MB for both (16,000 B = 0.016 MB).
    assert.deepEqual(siAll([69e6, 16e3], "B"), ["69 MB", "0.016 MB"]);
    // The "compute 0.78 µs, DRAM 0.0021 ms": 2.1 µs is the largest, so both in µs.
    assert.deepEqual(durations([0.00078, 0.0021]), ["0.78 µs", "2.1 µs"]);
    assert.deepEqual(durations([1.7, 0.004]), ["1.7 ms", "0.004 ms"]);
    assert.deepEqual(durations([2500, 40]), ["2.5 s", "0.04 s"]);
  });
});

describe("the verdict", () => {
  it("names the most severe finding, never a hint, and quotes its first sentence", () => {
    const f = [
      { severity: "hint" as const, code: "low-arithmetic-intensity", message: "x" },
      { severity: "info" as const, code: "occupancy-limited", message: "y" },
      { severity: "warning" as const, code: "bank-conflict", message: "z" },
      { severity: "warning" as const, code: "uncoalesced-access", message: "w" },
    ];
    assert.equal(topFinding(f)?.code, "bank-conflict");
    assert.equal(topFinding(f.slice(0, 1)), undefined);
    assert.equal(firstSentence("uncoalesced store of 'dst': a warp touches 16 transactions (25% efficiency); this moves 12.6 MB. Let lid.x index it."), "uncoalesced store of 'dst': a warp touches 16 transactions (25% efficiency); this moves 12.6 MB");
  });
});

describe("a WGSL entry point's hover", () => {
  it("starts with the verdict (transpose-naive: memory-bound, its uncoalesced store), then the signature and a two-column breakdown", async () => {
    const { md } = await wgslHover(read("examples", "transpose-naive.wgsl"), "fn transpose_naive", 4);
    assert.match(md.split("\n\n")[0]!, /^\*\*@compute entry point `transpose_naive`\*\* · workgroup size 16 × 16 × 1 · 3 bindings$/);
    assertVerdictFirst(md, "NVIDIA GeForce RTX 4090", "uncoalesced-access");
    assert.match(md, /Top finding \(warning, `uncoalesced-access`\): uncoalesced store of 'dst'/);
    assertNarrowOneUnit(md);
    // The honesty labels and the notes stay.
    assert.match(md, /\| Predicted time \| \*\*≈ [\d.]+ µs\*\* on NVIDIA GeForce RTX 4090 \(estimated: modelled, not measured\)/);
    assert.match(md, /\(registers ≈ \d+ per invocation, estimated\)/);
    assert.match(md, /^- DRAM traffic: the [\d.]+ MB working set fits/m);
  });

  it("counts only @group/@binding resources as bindings, not workgroup arrays", async () => {
    // matmul-tiled: a, b, c and dims are bound; a_tile and b_tile are workgroup memory.
    const tiled = await wgslHover(read("examples", "matmul-tiled.wgsl"), "fn matmul_tiled", 4);
    assert.match(tiled.md, /workgroup size 16 × 16 × 1 · 4 bindings\n/);
    const reduction = await wgslHover(read("examples", "reduction.wgsl"), "fn reduce_sum", 4);
    assert.match(reduction.md, / · 3 bindings\n/);
  });

  it("lists the assumptions when sizes are assumed, and says so in the verdict", async () => {
    const text = `@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(256)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < arrayLength(&y)) { y[gid.x] = y[gid.x] * 2.0; }
}
`;
    const { md } = await wgslHover(text, "fn scale", 4);
    assert.match(md.split("\n\n")[1]!, /, estimated, on assumed sizes \(listed below\)$/);
    assert.match(md, /\*\*Assumed\*\*/);
  });
});

describe("a CUDA kernel's hover", () => {
  it("starts each instantiation's section with its verdict, then a two-column breakdown in one unit per row", async () => {
    const text = read("test", "fixtures", "cuda", "transpose-smem.cu");
    const a = analyzeCudaFile(text, { model: { device: rtx4090 } }, await cudaParser());
    const doc = TextDocument.create("file:///w/t.cu", "cuda-cpp", 1, text);
    const md = valueOf(cudaHover(doc, a, doc.positionAt(a.source.kernels[0]!.nameSpan.start + 2)));
    const first = md.split("\n\n---\n\n**`__global__`")[0]!;
    assert.match(first, /^\*\*`__global__` kernel `transpose_smem<0>`\*\* · block 32×8×1/);
    assertVerdictFirst(first, "NVIDIA GeForce RTX 4090", "bank-conflict");
    assertNarrowOneUnit(md);
    assert.match(md, /\(registers ≈ \d+ per thread, estimated\)/);
    assert.doesNotMatch(md, /workgroup|invocation/i);
  });
});

describe("a Triton kernel's hover", () => {
  it("starts with the verdict of its one configuration, then a two-column breakdown", async () => {
    const text = read("test", "fixtures", "triton", "vector-add.py");
    const a = analyzeTritonFile(text, { model: { device: rtx4090 } }, await pythonParser());
    const doc = TextDocument.create("file:///w/v.py", "python", 1, text);
    const md = valueOf(tritonHover(doc, a, doc.positionAt(a.source.kernels[0]!.nameSpan.start + 2)));
    assert.match(md.split("\n\n")[0]!, /^\*\*`@triton\.jit` kernel `add_kernel`\*\*/);
    assertVerdictFirst(md, "NVIDIA GeForce RTX 4090", null);
    assertNarrowOneUnit(md);
  });
});

describe("occupancy in the language's words", () => {
  it("is limited by shared memory in a Triton hover, and the finding has no doubled full stop", async () => {
    const text = read("test", "fixtures", "triton", "matmul-autotuned.py");
    const a = analyzeTritonFile(text, { model: { device: rtx4090 } }, await pythonParser());
    const doc = TextDocument.create("file:///w/m.py", "python", 1, text);
    const md = valueOf(tritonHover(doc, a, doc.positionAt(a.source.kernels[0]!.nameSpan.start + 2)));
    assert.match(md.split("\n\n")[2]!, /^Occupancy \*\*8%\*\*, limited by shared memory \(registers ≈ \d+ per thread, estimated\)$/);
    for (const d of a.diagnostics) assert.doesNotMatch(d.message, /\.\./, d.message);
  });
});

describe("a uniform index", () => {
  // A 16 x 16 workgroup: a warp is two rows of 16 lanes; a[row * K + i] is the same address for the 16 lanes of a row.
  // By hand: 2 distinct addresses, 2 sectors, no more than a coalesced read by 32 lanes (4 sectors): a broadcast.
  it("is a broadcast where lanes share addresses (matmul-naive's A), with no uncoalesced finding", async () => {
    const text = read("examples", "matmul-naive.wgsl");
    const { md, analysis } = await wgslHover(text, "a[row", 1);
    assert.match(md, /\*\*load of `a`\*\*/);
    assert.match(md, /Adjacent invocations read the same address: a broadcast, one transaction serves every lane that shares an address\. A warp of 32 touches 2 × 32-byte transactions\./);
    assert.doesNotMatch(md, /element\(s\)|0 elements apart|strided/);
    const a = analysis.source.models.get("matmul_naive")!.model.accesses.find((x) => x.binding === "a")!;
    assert.equal(a.pattern, "broadcast");
    assert.ok(!analysis.diagnostics.some((d) => d.code === "uncoalesced-access"));
  });

  const kernel = (index: string, wg: string): string => `// @let N = 1 << 20
// @dispatch N / 64
// @buffer a[N * 64]
// @buffer out[N]
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(${wg})
fn k(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  out[wid.x * 64u + li] = a[${index}];
}
`;

  it("is a broadcast for 8-wide rows (4 addresses a warp, 4 sectors, as many as a coalesced read): no uncoalesced finding", async () => {
    // 8 x 8 workgroup: lanes 0-7 share row 0, 8-15 row 1, ... 4 addresses 1,024 floats apart. Before, 4 sectors for
    // 16 useful bytes read as "25% efficiency, strided" and fired uncoalesced-access.
    const { md, analysis } = await wgslHover(kernel("(wid.x * 8u + li / 8u) * 1024u", "8, 8"), "a[(", 1);
    assert.match(md, /a broadcast, one transaction serves every lane that shares an address\. A warp of 32 touches 4 × 32-byte transactions\./);
    assert.ok(!analysis.diagnostics.some((d) => d.code === "uncoalesced-access"), JSON.stringify(analysis.diagnostics));
  });

  it("is still uncoalesced where pairs of lanes share an address but the pairs lie 4 KB apart", async () => {
    // Lanes 2j and 2j+1 read a[j * 1024]: 16 addresses, 16 sectors a warp against 4 for a coalesced read: 2 sectors of
    // useful bytes (64 B) in 16, 12.5 %.
    const { md, analysis } = await wgslHover(kernel("(wid.x * 32u + li / 2u) * 1024u", "64"), "a[(", 1);
    assert.match(md, /Adjacent invocations read the same address, but the groups that share one lie far apart: strided\. A warp of 32 touches 16 × 32-byte transactions: 13% of the fetched bytes are used\./);
    const f = analysis.diagnostics.find((d) => d.code === "uncoalesced-access");
    assert.ok(f, JSON.stringify(analysis.diagnostics));
    assert.match(f.message, /adjacent invocations share addresses, but the groups that share one lie far apart, so a warp touches 16 32-byte transactions/);
  });
});

describe("a kernel with no FLOPs", () => {
  it("gets bandwidth advice, not a FLOP rate (transpose-naive and transpose-tiled)", async () => {
    for (const file of ["transpose-naive.wgsl", "transpose-tiled.wgsl"]) {
      const a = await analyzeFile(read("examples", file), { model: { device: rtx4090 } }, undefined);
      const f = a.diagnostics.find((d) => d.code === "low-arithmetic-intensity");
      assert.ok(f, file);
      // By hand (the files' headers): R = 1024, C = 768 f32 read once and written once: 8 R C = 6,291,456 bytes.
      assert.match(f.message, /^memory-bound with no floating-point work: the kernel moves 6\.3 MB to and from DRAM, so its time is bytes over bandwidth \(\d+ GB\/s predicted, \d+% of the 1,008 GB\/s of NVIDIA GeForce RTX 4090\)/, file);
      assert.match(f.message, /coalesced/);
      assert.doesNotMatch(f.message, /GFLOP|reuse each loaded value/, file);
    }
  });

  it("keeps the FLOP advice for a kernel that does arithmetic (saxpy)", async () => {
    const a = await analyzeFile(read("examples", "saxpy.wgsl"), { model: { device: rtx4090 } }, undefined);
    assert.match(a.diagnostics.find((d) => d.code === "low-arithmetic-intensity")!.message, /FLOP\/byte against a ridge .* GFLOP\/s/);
  });

  it("shows the bandwidth it reaches in the breakdown, not an attainable 0 FLOP/s", async () => {
    const { md } = await wgslHover(read("examples", "transpose-tiled.wgsl"), "fn transpose_tiled", 4);
    assert.match(md, /\| Bound \| memory, \d+ GB\/s of DRAM bandwidth, \d+% of the 1,008 GB\/s peak \(estimated\) \|/);
    assert.doesNotMatch(md, /0 FLOP\/s/);
  });
});

describe("the int4 GEMV examples", () => {
  // Both read the packed weights the same way (a row per invocation, rows 2,048 bytes apart: one problem, said once as
  // packed-narrow-read); only the bad one multiplies by the scale per weight (dequant-in-inner-loop).
  const warnings = async (file: string): Promise<string[]> => {
    const a = await analyzeFile(read("examples", "quant", file), { model: { device: rtx4090 } }, undefined);
    return a.diagnostics.filter((d) => d.severity === "warning").map((d) => d.code).sort();
  };
  it("warn about the weight layout once each, and only the badly placed scale gets dequant-in-inner-loop", async () => {
    assert.deepEqual(await warnings("int4-gemv-good.wgsl"), ["packed-narrow-read"]);
    assert.deepEqual(await warnings("int4-gemv-bad.wgsl"), ["dequant-in-inner-loop", "packed-narrow-read"]);
  });
  it("drop the generic uncoalesced-access only where a quantization finding names the same access", () => {
    const at = (start: number): { start: number; end: number } => ({ start, end: start + 5 });
    const f = [
      { code: "uncoalesced-access", span: at(10) },
      { code: "packed-narrow-read", span: at(10) },
      { code: "uncoalesced-access", span: at(40) },
      { code: "scale-uncoalesced", span: at(70) },
      { code: "uncoalesced-access", span: at(70) },
    ];
    assert.deepEqual(oncePerAccess(f).map((x) => `${x.code}@${x.span.start}`), ["packed-narrow-read@10", "uncoalesced-access@40", "scale-uncoalesced@70"]);
  });
});

describe("directives in hovers", () => {
  it("are quoted as written: // @quantize, not // @quant", async () => {
    const { md } = await wgslHover(read("examples", "quant", "q4_0-gemv.wgsl"), "> w:", 2);
    assert.match(md, /stated by \/\/ @quantize w: q4_0\n/);
    const good = await wgslHover(read("examples", "quant", "int4-gemv-good.wgsl"), "> w:", 2);
    assert.match(good.md, /stated by \/\/ @quant w: int4 group=128\n/);
  });
  it("a synonym's hover gives the syntax in the keyword written (@grid for @dispatch)", async () => {
    const text = `// @grid 4\n@group(0) @binding(0) var<storage, read_write> y: array<f32>;\n@compute @workgroup_size(64)\nfn k(@builtin(global_invocation_id) g: vec3<u32>) { y[g.x] = 1.0; }\n`;
    const { md } = await wgslHover(text, "@grid", 2);
    assert.match(md, /^```wgsl\n\/\/ @grid X\[, Y\[, Z\]\]\n```/);
    assert.match(md, /`@grid` is another name for `@dispatch`/);
  });
});
