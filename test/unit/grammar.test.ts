// Tokenizes WGSL with the real TextMate grammars (vscode-textmate + Oniguruma, as VS Code does) and checks the scopes of key tokens and the language configuration.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import * as vsctm from "vscode-textmate";

const root = fileURLToPath(new URL("../..", import.meta.url));
const WGSL_SCOPE = "source.wgsl";
const DIRECTIVES_SCOPE = "kernellens.directives.injection";
const grammarFiles: Record<string, string> = {
  [WGSL_SCOPE]: "syntaxes/wgsl.tmLanguage.json",
  [DIRECTIVES_SCOPE]: "syntaxes/wgsl-directives.injection.tmLanguage.json",
};

function readJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(join(root, relativePath), "utf8"));
}

// Loading the wasm and compiling the grammars is done once and shared by every test.
let grammarPromise: Promise<vsctm.IGrammar> | undefined;
function loadGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(join(root, "node_modules/vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName: string) => {
        const file = grammarFiles[scopeName];
        if (file === undefined) return null;
        return vsctm.parseRawGrammar(readFileSync(join(root, file), "utf8"), join(root, file));
      },
      // This is how VS Code wires `injectTo: ["source.wgsl"]` from package.json.
      getInjections: (scopeName: string) => (scopeName === WGSL_SCOPE ? [DIRECTIVES_SCOPE] : undefined),
    });
    const grammar = await registry.loadGrammar(WGSL_SCOPE);
    assert.ok(grammar, "the WGSL grammar loads");
    return grammar;
  })();
  return grammarPromise;
}

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

async function tokenize(source: string): Promise<Token[]> {
  const grammar = await loadGrammar();
  const tokens: Token[] = [];
  let state: vsctm.StateStack = vsctm.INITIAL;
  source.split(/\r?\n/).forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    for (const token of result.tokens) {
      tokens.push({ line, text: lineText.slice(token.startIndex, token.endIndex), scopes: token.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

/**
 * The scopes of the `nth` token whose text is exactly `text`, on the first line of `source` that contains
 * `lineMarker` (the whole source when no marker is given).
 */
async function scopesOf(source: string, text: string, lineMarker?: string, nth = 0): Promise<string[]> {
  const lines = source.split(/\r?\n/);
  const lineIndex = lineMarker === undefined ? -1 : lines.findIndex((l) => l.includes(lineMarker));
  assert.ok(lineMarker === undefined || lineIndex >= 0, `no line contains ${JSON.stringify(lineMarker)}`);
  const matches = (await tokenize(source)).filter((t) => t.text === text && (lineIndex < 0 || t.line === lineIndex));
  const token = matches[nth];
  assert.ok(token, `no token ${JSON.stringify(text)} (#${nth}) in ${JSON.stringify(lineMarker ?? source)}`);
  return token.scopes;
}

/** True when one of `scopes` is matched by `selector` the way a theme matches it (equal, or a dotted prefix). */
function matchesSelector(scopes: readonly string[], selector: string): boolean {
  return scopes.some((scope) => scope === selector || scope.startsWith(`${selector}.`));
}

function assertScope(scopes: readonly string[], selector: string, what: string): void {
  assert.ok(matchesSelector(scopes, selector), `${what}: expected ${selector} in [${scopes.join(", ")}]`);
}

function assertNoScope(scopes: readonly string[], selector: string, what: string): void {
  assert.ok(!matchesSelector(scopes, selector), `${what}: expected no ${selector} in [${scopes.join(", ")}]`);
}

async function expectScope(source: string, text: string, selector: string, lineMarker?: string, nth = 0): Promise<void> {
  assertScope(await scopesOf(source, text, lineMarker, nth), selector, `${JSON.stringify(text)} in ${JSON.stringify(lineMarker ?? source)}`);
}

const kernel = `enable f16;
requires packed_4x8_integer_dot_product;
diagnostic(off, derivative_uniformity);

alias Index = u32;
const BLOCK: u32 = 256u;
@id(7) override SCALE: f32 = 1.5f;
const_assert BLOCK > 0u;

struct Params {
  @align(16) n: u32,
  @size(16) alpha: f32,
}

@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
var<workgroup> tile: array<vec4<f32>, 16>;
var<private> state: atomic<u32>;
@group(1) @binding(0) var tex: texture_storage_2d<rgba8unorm, write>;
@group(1) @binding(1) var smp: sampler_comparison;

@must_use
fn helper(p: ptr<function, f32>, m: mat4x4f) -> vec3f {
  return vec3f(*p) * m[0].xyz;
}

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let n = params.n;
  var acc: f32 = 0.0;
  if (i < n) {
    acc = helper(&acc, mat4x4f()).x;
  }
  for (var k = 0u; k < 4u; k++) { continue; }
  loop { continuing { break if true; } }
  workgroupBarrier();
  out[i] = acc;
}`;

describe("WGSL grammar", () => {
  test("declaration keywords are storage types", async () => {
    await expectScope(kernel, "fn", "storage.type.function", "fn helper");
    await expectScope(kernel, "var", "storage.type", "var<storage");
    await expectScope(kernel, "let", "storage.type", "let i");
    await expectScope(kernel, "const", "storage.type", "const BLOCK");
    await expectScope(kernel, "override", "storage.type", "override SCALE");
    await expectScope(kernel, "struct", "storage.type.struct", "struct Params");
    await expectScope(kernel, "alias", "storage.type", "alias Index");
    await expectScope(kernel, "const_assert", "keyword.other", "const_assert");
  });

  test("control keywords", async () => {
    await expectScope(kernel, "if", "keyword.control", "if (i < n)");
    await expectScope(kernel, "for", "keyword.control", "for (var k");
    await expectScope(kernel, "continue", "keyword.control", "for (var k");
    await expectScope(kernel, "return", "keyword.control", "return vec3f");
    await expectScope(kernel, "loop", "keyword.control", "loop {");
    await expectScope(kernel, "continuing", "keyword.control", "loop {");
    await expectScope(kernel, "break", "keyword.control", "loop {");
    await expectScope(kernel, "true", "constant.language.boolean", "loop {");
  });

  test("module directives", async () => {
    await expectScope(kernel, "enable", "keyword.other.directive", "enable f16");
    await expectScope(kernel, "f16", "support.constant.extension", "enable f16");
    await expectScope(kernel, "requires", "keyword.other.directive", "requires");
    await expectScope(kernel, "diagnostic", "keyword.other.directive", "diagnostic(off");
    await expectScope(kernel, "off", "constant.language", "diagnostic(off");
  });

  test("attributes, with builtin value names scoped", async () => {
    for (const name of ["compute", "workgroup_size", "group", "binding", "builtin", "id", "align", "size", "must_use"]) {
      await expectScope(kernel, name, "entity.other.attribute-name", `@${name}`);
    }
    await expectScope(kernel, "@", "punctuation.definition.attribute", "@compute");
    await expectScope(kernel, "global_invocation_id", "support.constant.builtin-value", "@builtin");
    await expectScope(kernel, "64", "constant.numeric", "@workgroup_size");

    const io = `struct Out {
  @invariant @builtin(position) pos: vec4f,
  @location(0) @interpolate(linear, centroid) uv: vec2f,
  @location(0) @blend_src(1) color: vec4f,
}
@fragment @diagnostic(warning, derivative_uniformity) fn fs() {}`;
    for (const name of ["invariant", "location", "interpolate", "blend_src", "fragment", "diagnostic"]) {
      await expectScope(io, name, "entity.other.attribute-name", `@${name}`);
    }
    await expectScope(io, "position", "support.constant.builtin-value", "@builtin(position)");
    await expectScope(io, "pos", "variable.other.member", "@builtin(position)");
    await expectScope(io, "linear", "support.constant.interpolation-type", "@interpolate");
    await expectScope(io, "centroid", "support.constant.interpolation-sampling", "@interpolate");
    await expectScope(io, "warning", "constant.language.severity", "@diagnostic");
    await expectScope(io, "derivative_uniformity", "support.constant.diagnostic-rule", "@diagnostic");
  });

  test("address spaces and access modes in var<...> and ptr<...>", async () => {
    await expectScope(kernel, "storage", "storage.modifier.address-space", "var<storage");
    await expectScope(kernel, "read_write", "storage.modifier.access-mode", "var<storage");
    await expectScope(kernel, "<", "punctuation.definition.template.begin", "var<storage");
    await expectScope(kernel, ">", "punctuation.definition.template.end", "var<storage");
    await expectScope(kernel, "out", "variable.other", "var<storage");
    await expectScope(kernel, "uniform", "storage.modifier.address-space", "var<uniform");
    await expectScope(kernel, "workgroup", "storage.modifier.address-space", "var<workgroup");
    await expectScope(kernel, "private", "storage.modifier.address-space", "var<private");
    await expectScope(kernel, "function", "storage.modifier.address-space", "fn helper");
    await expectScope(kernel, "ptr", "support.type", "fn helper");
  });

  test("types inside nested templates like array<vec4<f32>, 16>", async () => {
    const line = "var<workgroup> tile";
    await expectScope(kernel, "array", "support.type", line);
    await expectScope(kernel, "vec4", "support.type", line);
    const f32 = await scopesOf(kernel, "f32", line);
    assertScope(f32, "support.type.primitive", "f32 in the template");
    assertScope(f32, "meta.template", "f32 in the template");
    await expectScope(kernel, "<", "punctuation.definition.template.begin", line, 1);
    await expectScope(kernel, "<", "punctuation.definition.template.begin", line, 2);
    await expectScope(kernel, ">", "punctuation.definition.template.end", line, 1);
    await expectScope(kernel, ">", "punctuation.definition.template.end", line, 2);
    await expectScope(kernel, "16", "constant.numeric.integer", line);

    await expectScope(kernel, "atomic", "support.type", "var<private>");
    await expectScope(kernel, "texture_storage_2d", "support.type", "var tex");
    await expectScope(kernel, "rgba8unorm", "support.constant.texel-format", "var tex");
    await expectScope(kernel, "write", "storage.modifier.access-mode", "var tex");
    await expectScope(kernel, "sampler_comparison", "support.type", "var smp");
  });

  test("scalar, vector and matrix types and the predeclared aliases", async () => {
    await expectScope(kernel, "u32", "support.type.primitive", "alias Index");
    await expectScope(kernel, "f32", "support.type.primitive", "override SCALE");
    await expectScope(kernel, "mat4x4f", "support.type", "fn helper");
    await expectScope(kernel, "vec3f", "support.type", "fn helper");
    const aliases = "let a: vec4h = vec2i(); let b: vec4u; let c: vec3<f16>; let d: mat2x3<f32>; let e: bool;";
    for (const name of ["vec4h", "vec2i", "vec4u", "vec3", "f16", "mat2x3", "bool"]) {
      await expectScope(aliases, name, "support.type", undefined);
    }
  });

  test("user type names in type position", async () => {
    await expectScope(kernel, "Params", "entity.name.type", "struct Params");
    await expectScope(kernel, "Params", "entity.name.type", "var<uniform>");
    await expectScope(kernel, "Index", "entity.name.type", "alias Index");
    const uses = "var<storage> items: array<Item, 4>;\nfn f(x: Item) -> Item { return x; }";
    await expectScope(uses, "Item", "entity.name.type", "var<storage>");
    await expectScope(uses, "Item", "entity.name.type", "fn f", 0);
    await expectScope(uses, "Item", "entity.name.type", "fn f", 1);
  });

  test("function names at declarations and call sites; builtin functions", async () => {
    await expectScope(kernel, "helper", "entity.name.function", "fn helper");
    const call = await scopesOf(kernel, "helper", "acc = helper");
    assertScope(call, "entity.name.function", "helper call");
    assertScope(call, "meta.function-call", "helper call");
    await expectScope(kernel, "workgroupBarrier", "support.function.builtin", "workgroupBarrier");
    await expectScope("let b = bitcast<u32>(x) + atomicAdd(&c, 1u);", "bitcast", "support.function.builtin");
    await expectScope("let b = bitcast<u32>(x) + atomicAdd(&c, 1u);", "atomicAdd", "support.function.builtin");
    await expectScope(kernel, "p", "variable.parameter", "fn helper");
  });

  test("numeric literals in all forms", async () => {
    const cases: Array<[string, string]> = [
      ["0x1Fu", "constant.numeric.integer.hexadecimal"],
      ["1u", "constant.numeric.integer.decimal"],
      ["2i", "constant.numeric.integer.decimal"],
      ["0", "constant.numeric.integer.decimal"],
      ["1.5f", "constant.numeric.float.decimal"],
      ["2h", "constant.numeric.float.decimal"],
      ["1e-3", "constant.numeric.float.decimal"],
      [".5", "constant.numeric.float.decimal"],
      ["1.", "constant.numeric.float.decimal"],
      ["12.5e+3f", "constant.numeric.float.decimal"],
      ["0x1.8p3f", "constant.numeric.float.hexadecimal"],
      ["0X1P-4", "constant.numeric.float.hexadecimal"],
      ["0x.8p2h", "constant.numeric.float.hexadecimal"],
    ];
    for (const [literal, scope] of cases) {
      const scopes = await scopesOf(`let x = ${literal};`, literal);
      assertScope(scopes, scope, literal);
    }
    // The minus sign of -2i is the unary operator, as in the WGSL grammar.
    await expectScope("let x = -2i;", "-", "keyword.operator.arithmetic");
    await expectScope("let x = -2i;", "2i", "constant.numeric.integer");
  });

  test("a comparison < is an operator, not a template bracket", async () => {
    const lt = await scopesOf(kernel, "<", "if (i < n)");
    assertScope(lt, "keyword.operator.comparison", "< in if (i < n)");
    assertNoScope(lt, "punctuation.definition.template", "< in if (i < n)");
    await expectScope(kernel, "<", "keyword.operator.comparison", "for (var k");
    await expectScope(kernel, ">", "keyword.operator.comparison", "const_assert");
    // Inside a template list, a comparison needs parentheses; the grammar follows the same rule.
    const count = "var<private> a: array<f32, (N > 2)>;";
    await expectScope(count, ">", "keyword.operator.comparison", undefined, 1);
    await expectScope(count, ">", "punctuation.definition.template.end", undefined, 2);
    await expectScope("let s = a << 2u >> 1u;", "<<", "keyword.operator.bitwise");
  });

  test("operators and punctuation", async () => {
    const source = "x += y * 2u; a = b && !c || d != e; p = &q; r = ~s ^ t; k++;";
    await expectScope(source, "+=", "keyword.operator.assignment");
    await expectScope(source, "*", "keyword.operator.arithmetic");
    await expectScope(source, "&&", "keyword.operator.logical");
    await expectScope(source, "!", "keyword.operator.logical");
    await expectScope(source, "!=", "keyword.operator.comparison");
    await expectScope(source, "&", "keyword.operator");
    await expectScope(source, "~", "keyword.operator.bitwise");
    await expectScope(source, "++", "keyword.operator.increment");
    await expectScope(source, ";", "punctuation.terminator.statement");
    await expectScope(kernel, "->", "keyword.operator.arrow", "fn helper");
    await expectScope(kernel, ".", "punctuation.accessor", "let i = gid.x");
    await expectScope(kernel, "x", "variable.other.property", "let i = gid.x");
    await expectScope("_ = f();", "_", "variable.language");
  });

  test("line comments and nested block comments", async () => {
    const source = "/* outer /* inner */ still outer */ let after = 1;\n// a line comment\nlet x = 1; // trailing";
    const stillOuter = await scopesOf(source, " still outer ");
    assertScope(stillOuter, "comment.block", "text after a nested comment closes");
    const inner = await scopesOf(source, " inner ");
    assert.equal(inner.filter((s) => s.startsWith("comment.block")).length, 2, "the inner comment is nested");
    const after = await scopesOf(source, "let", "after");
    assertNoScope(after, "comment", "code after the outer comment closes");
    await expectScope(source, "//", "punctuation.definition.comment", "a line comment");
    await expectScope(source, " a line comment", "comment.line.double-slash", "a line comment");
    await expectScope(source, "//", "comment.line.double-slash", "trailing");
    await expectScope(source, " trailing", "comment.line.double-slash", "trailing");
  });

  test("KernelLens preprocessor lines", async () => {
    const source = '#ifdef USE_F16\n#include "common.wgsl"\n#define TILE 16\n#endif';
    await expectScope(source, "ifdef", "keyword.control.directive", "#ifdef");
    await expectScope(source, "USE_F16", "variable.other.constant", "#ifdef");
    await expectScope(source, "common.wgsl", "string.quoted.double", "#include");
    await expectScope(source, "TILE", "entity.name.function.preprocessor", "#define");
  });
});

describe("launch directive injection", () => {
  const source = [
    "// @dispatch ceil(N / 256)",
    "// plain note",
    "// @let N = 1 << 20",
    "// @buffer x[N] = random(-1, 1)",
    '// @buffer w[N] = file("weights.npy")',
    "// @buffer out[N]",
    "// @uniform params = { n: N, alpha: 2.0 }",
    "// @define USE_F16",
    "// @check out ~ reference_entry rtol=1e-5",
    "// @sweep TILE in [8, 16, 32]",
    "// @sweep K in pow2(8, 256)",
    "// @require N % TILE == 0 && N > 0",
    "// @quantize w: q4_0 group=128",
    "// @unknown thing",
    "let x = 1; // @let M = 4",
  ].join("\n");

  test("// @dispatch ceil(N / 256) gets the directive scopes", async () => {
    const line = "@dispatch";
    const keyword = await scopesOf(source, "dispatch", line);
    assertScope(keyword, "keyword.control.directive.kernellens", "dispatch");
    assertScope(keyword, "meta.directive.kernellens", "dispatch");
    assertScope(keyword, "comment.line.double-slash.wgsl", "dispatch stays inside the comment");
    await expectScope(source, "@", "punctuation.definition.directive", line);
    await expectScope(source, "ceil", "support.function.math.kernellens", line);
    await expectScope(source, "N", "variable.other.kernellens", line);
    await expectScope(source, "/", "keyword.operator.arithmetic.kernellens", line);
    await expectScope(source, "256", "constant.numeric.integer.kernellens", line);
    await expectScope(source, "(", "punctuation.section.parens.begin.kernellens", line);
  });

  test("an ordinary comment gets no directive scopes", async () => {
    const tokens = await tokenize(source);
    const lines = source.split("\n");
    const plain = tokens.filter((t) => t.line === lines.indexOf("// plain note"));
    assert.ok(plain.length > 0);
    for (const token of plain) {
      assertScope(token.scopes, "comment.line.double-slash", JSON.stringify(token.text));
      assertNoScope(token.scopes, "meta.directive", JSON.stringify(token.text));
    }
    // Neither an unknown @word nor a directive-looking trailing comment after code is a directive.
    for (const marker of ["@unknown", "@let M"]) {
      const line = lines.findIndex((l) => l.includes(marker));
      for (const token of tokens.filter((t) => t.line === line)) {
        assertNoScope(token.scopes, "meta.directive", `${marker}: ${JSON.stringify(token.text)}`);
      }
    }
  });

  test("names, initializers, operators, numbers and strings", async () => {
    await expectScope(source, "N", "entity.name.variable.directive.kernellens", "@let N");
    await expectScope(source, "=", "keyword.operator.assignment.kernellens", "@let N");
    await expectScope(source, "<<", "keyword.operator.bitwise.shift.kernellens", "@let N");
    await expectScope(source, "20", "constant.numeric.integer.kernellens", "@let N");
    await expectScope(source, "x", "entity.name.variable.directive.kernellens", "@buffer x");
    await expectScope(source, "[", "punctuation.section.brackets.begin.kernellens", "@buffer x");
    await expectScope(source, "random", "support.function.initializer.kernellens", "@buffer x");
    await expectScope(source, "-", "keyword.operator.arithmetic.kernellens", "@buffer x");
    await expectScope(source, "file", "support.function.initializer.kernellens", "@buffer w");
    await expectScope(source, "weights.npy", "string.quoted.double.kernellens", "@buffer w");
    await expectScope(source, "out", "entity.name.variable.directive.kernellens", "@buffer out");
    await expectScope(source, "params", "entity.name.variable.directive.kernellens", "@uniform");
    await expectScope(source, "alpha", "variable.other.property.kernellens", "@uniform");
    await expectScope(source, "2.0", "constant.numeric.float.kernellens", "@uniform");
    await expectScope(source, "USE_F16", "entity.name.variable.directive.kernellens", "@define");
    await expectScope(source, "~", "keyword.operator.comparison.approximate.kernellens", "@check");
    await expectScope(source, "reference_entry", "entity.name.function.entry-point.kernellens", "@check");
    await expectScope(source, "rtol", "variable.parameter.option.kernellens", "@check");
    await expectScope(source, "1e-5", "constant.numeric.float.kernellens", "@check");
    await expectScope(source, "TILE", "entity.name.variable.directive.kernellens", "@sweep");
    await expectScope(source, "in", "keyword.operator.in.kernellens", "@sweep");
    await expectScope(source, "32", "constant.numeric.integer.kernellens", "@sweep");
    await expectScope(source, "pow2", "support.function.sweep.kernellens", "@sweep K");
    await expectScope(source, "require", "keyword.control.directive.kernellens", "@require");
    await expectScope(source, "==", "keyword.operator.comparison.kernellens", "@require");
    await expectScope(source, "&&", "keyword.operator.logical.kernellens", "@require");
    await expectScope(source, "w", "variable.other.buffer.kernellens", "@quantize");
    await expectScope(source, "q4_0", "support.type.quantization-format.kernellens", "@quantize");
    await expectScope(source, "group", "variable.parameter.option.kernellens", "@quantize");
  });
});

describe("syntax tour example", () => {
  test("every token of examples/syntax-tour.wgsl gets a scope beyond source.wgsl", async () => {
    const tour = readFileSync(join(root, "examples/syntax-tour.wgsl"), "utf8");
    const unscoped = (await tokenize(tour)).filter((t) => t.text.trim() !== "" && t.scopes.length < 2);
    assert.deepEqual(
      unscoped.map((t) => `${t.line + 1}: ${t.text}`),
      [],
      "tokens the grammar does not recognise",
    );
  });
});

describe("grammar and language configuration files", () => {
  test("the JSON files parse and name the scopes package.json contributes", () => {
    const wgsl = readJson("syntaxes/wgsl.tmLanguage.json") as { scopeName?: string; patterns?: unknown[] };
    assert.equal(wgsl.scopeName, WGSL_SCOPE);
    assert.ok(Array.isArray(wgsl.patterns) && wgsl.patterns.length > 0);
    const injection = readJson("syntaxes/wgsl-directives.injection.tmLanguage.json") as {
      scopeName?: string;
      injectionSelector?: string;
    };
    assert.equal(injection.scopeName, DIRECTIVES_SCOPE);
    assert.match(injection.injectionSelector ?? "", /^L:comment\.line\.double-slash\.wgsl\b/);

    const manifest = readJson("package.json") as {
      contributes: {
        languages: Array<{ id: string; configuration?: string }>;
        grammars: Array<{ scopeName: string; path: string; injectTo?: string[] }>;
      };
    };
    const language = manifest.contributes.languages.find((l) => l.id === "wgsl");
    assert.equal(language?.configuration, "./syntaxes/language-configuration.json");
    for (const [scopeName, file] of Object.entries(grammarFiles)) {
      const contributed = manifest.contributes.grammars.find((g) => g.scopeName === scopeName);
      assert.equal(contributed?.path, `./${file}`);
    }
  });

  test("language configuration: comments, brackets, pairs, folding, words, indentation", () => {
    const config = readJson("syntaxes/language-configuration.json") as {
      comments: { lineComment: string; blockComment: [string, string] };
      brackets: Array<[string, string]>;
      autoClosingPairs: Array<{ open: string; close: string }>;
      surroundingPairs: Array<[string, string]>;
      folding: { markers: { start: string; end: string } };
      wordPattern: string;
      indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
      onEnterRules?: unknown[];
    };
    assert.deepEqual(config.comments, { lineComment: "//", blockComment: ["/*", "*/"] });
    assert.deepEqual(config.brackets, [["{", "}"], ["[", "]"], ["(", ")"]]);
    for (const open of ["{", "[", "("]) {
      assert.ok(config.autoClosingPairs.some((p) => p.open === open), `auto-closes ${open}`);
      assert.ok(config.surroundingPairs.some((p) => p[0] === open), `surrounds with ${open}`);
    }
    // < is also the less-than operator, so it must never pair up.
    assert.ok(!config.autoClosingPairs.some((p) => p.open === "<"));
    assert.ok(!config.surroundingPairs.some((p) => p[0] === "<"));
    // Pressing Enter in a // comment must not continue the comment.
    assert.equal(config.onEnterRules, undefined);

    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    assert.ok(start.test("  // #region Buffers") && !start.test("// #endregion"));
    assert.ok(end.test("  // #endregion") && !end.test("let region = 1;"));

    const words = new RegExp(config.wordPattern, "g");
    const line = "let tile_size = 0x1.8p3f + 1.5f * vec3f(v.xy) - 2i + .5 + 1e-3 + 0x1Fu;";
    assert.deepEqual(line.match(words), ["let", "tile_size", "0x1.8p3f", "1.5f", "vec3f", "v", "xy", "2i", ".5", "1e-3", "0x1Fu"]);

    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    assert.ok(increase.test("fn main() {"));
    assert.ok(!increase.test("if (a) { b(); }"));
    assert.ok(!increase.test("// {"));
    assert.ok(decrease.test("  }"));
    assert.ok(!decrease.test("  let x = 1;"));
  });
});
