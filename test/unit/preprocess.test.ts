// Tests the WGSL preprocessor: conditionals, macros, includes, errors at the right line, and the source map.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { preprocess, type IncludeResolution } from "../../server/src/core/preprocess/preprocess";
import { evaluateCondition } from "../../server/src/core/preprocess/condition";
import { toOriginalSpan } from "../../server/src/core/preprocess/originalSpan";

const files: Record<string, string> = {
  "/lib/a.wgsl": "const A: u32 = 1u;\n#include \"b.wgsl\"\n",
  "/lib/b.wgsl": "const B: u32 = 2u;\nbad line here\n",
  "/lib/self.wgsl": '#include "self.wgsl"\n',
};
const resolver = (path: string, fromKey: string): IncludeResolution => {
  const dir = fromKey ? fromKey.slice(0, fromKey.lastIndexOf("/")) : "/lib";
  const key = `${dir}/${path}`;
  return key in files ? { key, text: files[key] } : { error: `file not found (searched: ${dir})` };
};

describe("preprocess", () => {
  it("returns the text untouched when there are no directives", () => {
    const text = "fn f() -> f32 { return 1.0; }\n";
    const r = preprocess(text, { defines: ["X"] });
    assert.equal(r.expanded, false);
    assert.equal(r.text, text);
    assert.ok(r.map.isIdentity);
  });

  it("substitutes a valued define (`// @define TM=2`) into code that has no preprocessor lines of its own", () => {
    const r = preprocess("var acc: array<f32, TM * 2>;\n", { defines: ["TM=4"] });
    assert.equal(r.text, "var acc: array<f32, 4 * 2>;\n");
  });

  it("picks the #ifdef branch from the defines and dims the other", () => {
    const text = "#ifdef USE_F16\nlet a = 1h;\n#else\nlet a = 1.0;\n#endif\nlet b = 2;\n";
    const on = preprocess(text, { defines: ["USE_F16"] });
    assert.match(on.text, /1h/);
    assert.doesNotMatch(on.text, /1\.0/);
    const off = preprocess(text, { defines: [] });
    assert.match(off.text, /1\.0/);
    assert.doesNotMatch(off.text, /1h/);
    // The inactive region of the "off" variant is the `let a = 1h;` line.
    assert.equal(off.inactive.length, 1);
    assert.equal(text.slice(off.inactive[0].start, off.inactive[0].end), "let a = 1h;");
  });

  it("keeps line numbers: expanded lines map back to the same original line", () => {
    const text = "#define N 64\n#ifdef NOPE\nx\n#endif\nconst k = N;\n";
    const r = preprocess(text, { defines: [] });
    const at = r.text.indexOf("64");
    const back = r.map.toSource(at);
    assert.equal(text.slice(back.offset, back.offset + 1), "N");
    assert.equal(r.text.split("\n").length, text.split("\n").length);
  });

  it("expands object-like macros, nested ones, and not inside comments", () => {
    const r = preprocess("#define W 4\n#define TWO_W (W * 2)\nconst x = TWO_W; // W stays\n", { defines: [] });
    assert.match(r.text, /const x = \(4 \* 2\); \/\/ W stays/);
  });

  it("evaluates #if expressions with defined() and arithmetic", () => {
    const env = new Map([["A", "3"], ["B", ""]]);
    assert.equal(evaluateCondition("defined(A) && A == 3", env).value, 1);
    assert.equal(evaluateCondition("defined B", env).value, 1);
    assert.equal(evaluateCondition("!defined(C) || 0", env).value, 1);
    assert.equal(evaluateCondition("A * 2 + 1 > 6", env).value, 1);
    assert.equal(evaluateCondition("(1 + 2) * 3 == 9", env).value, 1);
    assert.equal(evaluateCondition("1 +", env).error !== undefined, true);
  });

  it("includes files, maps diagnostics inside them to the #include line, and records the site", () => {
    const text = "// header\n#include \"a.wgsl\"\nfn main() {}\n";
    const r = preprocess(text, { defines: [], resolveInclude: resolver });
    assert.deepEqual(r.includes, ["/lib/a.wgsl", "/lib/b.wgsl"]);
    const bad = r.text.indexOf("bad line");
    const mapped = toOriginalSpan(r, { start: bad, end: bad + 3 });
    assert.equal(mapped.file, "/lib/b.wgsl");
    assert.equal(text.slice(mapped.span.start, mapped.span.end), '#include "a.wgsl"');
    assert.equal(files["/lib/b.wgsl"].slice(mapped.fileSpan.start, mapped.fileSpan.end), "bad");
    // Code after the include still maps to itself.
    const fnAt = r.text.indexOf("fn main");
    assert.equal(toOriginalSpan(r, { start: fnAt, end: fnAt + 2 }).span.start, text.indexOf("fn main"));
  });

  it("reports an unknown include at the directive, with where it looked", () => {
    const text = "const a = 1;\n#include \"missing.wgsl\"\n";
    const r = preprocess(text, { defines: [], resolveInclude: resolver });
    assert.equal(r.problems.length, 1);
    const p = r.problems[0];
    assert.equal(p.code, "preprocessor-include");
    assert.match(p.message, /missing\.wgsl.*not found.*searched/);
    assert.equal(text.slice(p.span.start, p.span.end), '#include "missing.wgsl"');
  });

  it("reports include cycles, stray #else/#endif, unterminated #if and unknown directives without crashing", () => {
    const cyc = preprocess('#include "self.wgsl"\n', { defines: [], resolveInclude: resolver });
    assert.ok(cyc.problems.some((p) => /cycle/.test(p.message)));
    const stray = preprocess("#else\n#endif\n#ifdef X\n#frobnicate\n", { defines: ["X"] });
    const messages = stray.problems.map((p) => p.message).join("\n");
    assert.match(messages, /#else without #if/);
    assert.match(messages, /#endif without #if/);
    assert.match(messages, /without a matching #endif/);
    assert.match(messages, /unknown preprocessor directive '#frobnicate'/);
  });

  it("ignores directives inside inactive regions and nested conditionals", () => {
    const text = "#ifdef A\n#ifdef B\nab\n#else\na_only\n#endif\n#include \"nowhere\"\n#endif\nrest\n";
    const r = preprocess(text, { defines: [] });
    assert.equal(r.problems.length, 0);
    assert.doesNotMatch(r.text, /ab|a_only/);
    const a = preprocess(text, { defines: ["A"], resolveInclude: resolver });
    assert.match(a.text, /a_only/);
    assert.doesNotMatch(a.text, /\bab\b/);
  });
});
