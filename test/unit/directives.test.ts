// Tests the launch directives: parsing every form, precise error spans, expression evaluation and scoping.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDirectives, type Directive } from "../../server/src/core/directives/directives";
import { evaluateDExpr, parseDExpr } from "../../server/src/core/directives/expr";
import { evaluateLaunch, scopeDirectives } from "../../server/src/core/directives/launch";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";

function one(line: string): Directive {
  const r = parseDirectives(line);
  assert.deepEqual(r.problems, [], `unexpected problems for ${line}`);
  assert.equal(r.directives.length, 1);
  return r.directives[0];
}

function problemAt(line: string): { text: string; message: string; code: string } {
  const r = parseDirectives(line);
  assert.equal(r.problems.length, 1, `expected one problem for ${line}, got ${JSON.stringify(r.problems)}`);
  const p = r.problems[0];
  return { text: line.slice(p.span.start, p.span.end), message: p.message, code: p.code };
}

describe("directive expressions", () => {
  const env = new Map([["N", 1 << 20], ["TILE", 16]]);
  const ev = (s: string): number => {
    const e = parseDExpr(s);
    assert.ok(!("message" in e), `parse error in ${s}`);
    const v = evaluateDExpr(e as Exclude<typeof e, { message: string }>, env);
    assert.equal(typeof v, "number", JSON.stringify(v));
    return v as number;
  };
  it("evaluates the design note's forms", () => {
    assert.equal(ev("1 << 20"), 1048576);
    assert.equal(ev("ceil(N / 256)"), 4096);
    assert.equal(ev("ceil(1000 / 256)"), 4);
    assert.equal(ev("floor(7 / 2) + max(1, 2, 3) - min(4, 5)"), 2);
    assert.equal(ev("N % TILE == 0 && TILE >= 8"), 1);
    assert.equal(ev("-(2 + 3) * 2"), -10);
    assert.equal(ev("2.5e1"), 25);
    assert.equal(ev("0x10 >> 2"), 4);
  });
  it("reports unknown names with their span", () => {
    const e = parseDExpr("M * 2");
    assert.ok(!("message" in e));
    const v = evaluateDExpr(e as Exclude<typeof e, { message: string }>, env);
    assert.ok(typeof v === "object" && v.message === "unknown name 'M'" && v.start === 0 && v.end === 1);
  });
});

describe("directive parsing", () => {
  it("parses every directive kind of the design note", () => {
    const let_ = one("// @let N = 1 << 20");
    assert.equal(let_.kind, "let");
    const dispatch = one("// @dispatch ceil(N / 256), 2, 1");
    assert.ok(dispatch.kind === "dispatch" && dispatch.dims.length === 3);
    const buffer = one("// @buffer x[N] = random(-1, 1)");
    assert.ok(buffer.kind === "buffer" && buffer.name.name === "x" && buffer.init?.kind === "random");
    const out = one("// @buffer out[N]");
    assert.ok(out.kind === "buffer" && out.init === undefined && out.count !== undefined);
    const file = one('// @buffer w[N] = file("weights.npy")');
    assert.ok(file.kind === "buffer" && file.init?.kind === "file" && file.init.path === "weights.npy");
    const iota = one("// @buffer idx[64] = iota");
    assert.ok(iota.kind === "buffer" && iota.init?.kind === "iota");
    const uniform = one("// @uniform params = { n: N, alpha: 2.0 }");
    assert.ok(uniform.kind === "uniform" && uniform.fields.map((f) => f.name.name).join() === "n,alpha");
    const define = one("// @define USE_F16");
    assert.ok(define.kind === "define" && define.name.name === "USE_F16" && define.value === undefined);
    const defineV = one("// @define TILE=16");
    assert.ok(defineV.kind === "define" && defineV.value === "16");
    const check = one("// @check out ~ reference_entry rtol=1e-5 atol=1e-6");
    assert.ok(check.kind === "check" && check.reference.kind === "entry" && check.options.get("rtol") === 1e-5 && check.options.get("atol") === 1e-6);
    const js = one('// @check out ~ js("./ref.mjs")');
    assert.ok(js.kind === "check" && js.reference.kind === "js" && js.reference.path === "./ref.mjs");
    const sweep = one("// @sweep TILE in [8, 16, 32]");
    assert.ok(sweep.kind === "sweep" && sweep.values.kind === "list" && sweep.values.items.length === 3);
    const range = one("// @sweep WG in range(32, 256, 32)");
    assert.ok(range.kind === "sweep" && range.values.kind === "range");
    const pow2 = one("// @sweep WG in pow2(32, 256)");
    assert.ok(pow2.kind === "sweep" && pow2.values.kind === "pow2");
    const req = one("// @require N % TILE == 0");
    assert.equal(req.kind, "require");
    const quant = one("// @quant w: q4_0");
    assert.ok(quant.kind === "quant" && quant.format.name === "q4_0");
    const quantize = one("// @quantize x: int4 group=128");
    assert.ok(quantize.kind === "quantize" && quantize.options.get("group") === 128);
  });

  it("points errors at the offending token", () => {
    assert.equal(problemAt("// @let = 3").text, "=");
    assert.equal(problemAt("// @dispatch ceil(N / 256").text.length, 1);
    assert.match(problemAt("// @buffer x[N] = gaussian(0, 1)").message, /unknown initializer 'gaussian'/);
    assert.equal(problemAt("// @buffer x[N] = gaussian(0, 1)").text, "gaussian");
    assert.match(problemAt("// @check out reference").message, /expected '~'/);
    assert.match(problemAt("// @sweep T in {1, 2}").message, /expected '\[values\]'/);
    assert.match(problemAt("// @dispatch 1, 2, 3, 4").message, /at most 3/);
    assert.match(problemAt("// @quantize x: int4 grp=128").message, /unknown option 'grp'/);
    assert.match(problemAt("// @let N = 1 +").message, /expected a number/);
  });

  it("parses shape lists: uniform list members, nested structs, whole-binding lists and storage value lists", () => {
    const names = (line: string): string => {
      const d = one(line);
      assert.equal(d.kind, "uniform");
      return d.kind === "uniform" ? d.fields.map((f) => f.name.name).join() : "";
    };
    assert.equal(names("// @uniform params = { shape: [4, 1024, N], n: 7 }"), "shape[0],shape[1],shape[2],n");
    assert.equal(names("// @uniform u = { dims: { x: 4, y: [2, 3] } }"), "dims.x,dims.y[0],dims.y[1]");
    assert.equal(names("// @uniform size = [64, 64]"), "[0],[1]");
    assert.equal(names("// @uniform n = N * 2"), "value");
    // A list item's name points at the item, so a run's problem with it is shown there.
    const text = "// @uniform params = { shape: [4, 1024] }";
    const d = one(text);
    assert.ok(d.kind === "uniform" && text.slice(d.fields[1].name.span.start, d.fields[1].name.span.end) === "1024");
    const info = one("// @buffer info = [1024, 512, N / 4]");
    assert.ok(info.kind === "buffer" && info.count === undefined && info.init?.kind === "list" && info.init.items.length === 3);
    const counted = one("// @buffer dims[2] = [1, 2, 3, 4, 5, 6, 7, 8]");
    assert.ok(counted.kind === "buffer" && counted.count !== undefined && counted.init?.kind === "list" && counted.init.items.length === 8);
  });

  it("points shape-list errors at the offending token", () => {
    assert.deepEqual(problemAt("// @uniform size = [64, 64"), { text: "[64, 64", message: "@uniform: missing ']'. Expected: // @uniform NAME = { field: EXPR, member: [a, b, ...], ... }  |  // @uniform NAME = [a, b, ...]", code: "directive-syntax" });
    assert.equal(problemAt("// @uniform p = { shape: [4, [1]] }").text, "[");
    assert.match(problemAt("// @uniform p = { shape: [4, [1]] }").message, /a list holds numbers/);
    assert.equal(problemAt("// @uniform p = { shape: [4 8] }").text, "8");
    assert.equal(problemAt("// @uniform p = { shape: [] }").text, "[]");
    assert.equal(problemAt("// @uniform p = { n: 1, n: 2 }").text, "n");
    assert.match(problemAt("// @uniform p = { n: 1, n: 2 }").message, /'n' given twice/);
    assert.equal(problemAt("// @uniform p = { shape: [1, 2], shape: 3 }").text, "shape");
    assert.match(problemAt("// @uniform p = { shape: 3, shape: [1, 2] }").message, /'shape' given twice/);
    assert.equal(problemAt("// @uniform p = { n: 1 } x").text, "x");
    assert.match(problemAt("// @uniform p = { n: 1 ").message, /missing '\}'/);
    assert.equal(problemAt("// @buffer info = [1024 512]").text, "512");
    assert.match(problemAt("// @buffer info = [1024 512]").message, /expected ',' or '\]' in the list/);
    assert.equal(problemAt("// @buffer info = []").text, "[]");
    assert.equal(problemAt("// @buffer info = [1, 2] 3").text, "3");
  });

  it("a list's length is the buffer's count, and its values are evaluated where they are written", () => {
    const { directives } = parseDirectives("// @let N = 8\n// @buffer info = [N, N * 2, M]\n// @buffer dims[2] = [1, 2, 3, 4]");
    const v = evaluateLaunch(directives, new Map());
    assert.equal(v.buffers.get("info")?.count, 3);
    assert.deepEqual(v.buffers.get("info")?.values, [8, 16, undefined]);
    assert.equal(v.buffers.get("dims")?.count, 2);
    assert.equal(v.problems.length, 1);
    assert.match(v.problems[0].message, /unknown name 'M'/);
  });

  it("flags misspelt directives but not commented-out WGSL attributes", () => {
    const typo = problemAt("// @dispach 4");
    assert.equal(typo.code, "directive-unknown");
    assert.match(typo.message, /did you mean '@dispatch'/);
    assert.equal(parseDirectives("// @group(0) @binding(1) var<storage> a: array<f32>;").problems.length, 0);
    assert.equal(parseDirectives("// @compute @workgroup_size(64)").problems.length, 0);
    assert.equal(parseDirectives("/*\n// @let N = \n*/").problems.length, 0);
  });
});

describe("directive scopes and launch values", () => {
  const text = [
    "// @let N = 1024", //
    "// @dispatch ceil(N / 64)",
    "@group(0) @binding(0) var<storage, read_write> a: array<f32>;",
    "",
    "// @let N = 4096",
    "// @dispatch N / 64",
    "@compute @workgroup_size(64)",
    "fn big() {}",
    "",
    "// @let K = 3",
    "const z = 1;",
    "@compute @workgroup_size(64) fn small() {}",
  ].join("\n");
  const { directives } = parseDirectives(text);
  const entries = ["big", "small"].map((name) => {
    const fnAt = text.indexOf(`fn ${name}`);
    const start = text.lastIndexOf("@compute", fnAt);
    return { name, span: { start, end: fnAt + 10 }, nameSpan: { start: fnAt + 3, end: fnAt + 3 + name.length } };
  });
  const scoped = scopeDirectives(text, directives, entries, text.indexOf("@group"));

  it("attaches blocks above an entry point, the top to every entry, and floats the rest", () => {
    assert.equal(scoped.file.length, 2);
    assert.equal(scoped.byEntry.get("big")?.length, 2);
    assert.equal(scoped.byEntry.get("small"), undefined);
    assert.equal(scoped.floating.length, 1);
  });

  it("lets an entry's own directives win, and CLI values win over both", () => {
    const big = evaluateLaunch([...scoped.file, ...(scoped.byEntry.get("big") ?? [])], new Map());
    assert.deepEqual(big.dispatch, [64, 1, 1]);
    assert.equal(big.env.get("N"), 4096);
    const cli = evaluateLaunch(scoped.file, new Map(), new Map([["N", 256]]));
    assert.deepEqual(cli.dispatch, [4, 1, 1]);
  });

  it("sizes a dispatch for the value the code is compiled with, not a sweep's first value", () => {
    const d = parseDirectives("// @dispatch 1024 / (WG * TM)\n// @sweep WG in [32, 64]\n// @sweep TM in [1, 2]").directives;
    // WG is a WGSL override with default 64, TM a define TM=2: both win over the sweeps' first values.
    const r = evaluateLaunch(d, new Map([["WG", 64]]), new Map(), new Map([["TM", 2]]));
    assert.deepEqual(r.dispatch, [8, 1, 1]);
    // With nothing else to go on, the sweeps' first values size it.
    assert.deepEqual(evaluateLaunch(d, new Map()).dispatch, [32, 1, 1]);
  });

  it("reports bad values at the expression", () => {
    const bad = parseDirectives("// @let N = 100\n// @dispatch N / 64\n// @buffer x[N - 200]\n// @dispatch M");
    const r = evaluateLaunch(bad.directives, new Map());
    const texts = r.problems.map((p) => `${bad.directives.length}:${"// @let N = 100\n// @dispatch N / 64\n// @buffer x[N - 200]\n// @dispatch M".slice(p.span.start, p.span.end)}`);
    assert.equal(r.problems.length, 3, JSON.stringify(r.problems));
    assert.match(r.problems[0].message, /whole number of workgroups.*1\.5625/);
    assert.ok(texts[1].endsWith("N - 200"));
    assert.match(r.problems[2].message, /unknown name 'M'/);
  });
});

describe("directives checked against the module", () => {
  it("names a few of the module's variables for an unknown binding, not all of them", () => {
    const vars = Array.from({ length: 3000 }, (_, i) => `@group(0) @binding(${i}) var<storage, read> v${i}: array<f32>;`).join("\n");
    const directives = Array.from({ length: 3000 }, (_, i) => `// @buffer w${i}[16]`).join("\n");
    const a = analyzeSource(`${directives}\n${vars}\n@compute @workgroup_size(1) fn main() { _ = v0[0]; }\n`);
    const unknown = a.diagnostics.filter((d) => d.code === "directive-unknown-binding");
    assert.equal(unknown.length, 3000);
    assert.equal(unknown[0].message, "no module variable named 'w0' (module variables: v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11 and 2988 more)");
    assert.ok(unknown.every((d) => d.message.length < 200));
  });
});
