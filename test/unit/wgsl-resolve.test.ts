// Unit tests for WGSL name resolution: definitions, scoping, references, entry points and the resources they reach.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWgsl } from "../../server/src/core/wgsl/parser";
import { resolveModule, type Resolution, type WgslSymbol } from "../../server/src/core/wgsl/resolve";
import { typeToString } from "../../server/src/core/wgsl/types";

/** Offset of the `occurrence`-th (0-based) `needle` in `src`, plus `delta`; fails the test when absent. */
function offsetOf(src: string, needle: string, occurrence = 0, delta = 0): number {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = src.indexOf(needle, at + 1);
    assert.ok(at >= 0, `'${needle}' #${i} not found`);
  }
  return at + delta;
}

function resolve(src: string): Resolution {
  return resolveModule(parseWgsl(src));
}

/** The symbol named at the `occurrence`-th `needle`, and the source text of its declared name's position. */
function definitionAt(res: Resolution, src: string, needle: string, occurrence = 0): WgslSymbol {
  const symbol = res.symbolAt(offsetOf(src, needle, occurrence));
  assert.ok(symbol, `no symbol at '${needle}' #${occurrence}`);
  return symbol;
}

/** Which occurrence of its own name in the source a symbol's declaration is. */
function declaredAtOccurrence(src: string, symbol: WgslSymbol): number {
  let n = 0;
  let at = -1;
  for (;;) {
    at = src.indexOf(symbol.name, at + 1);
    if (at < 0) return -1;
    if (at === symbol.nameSpan.start) return n;
    n++;
  }
}

function names(symbols: readonly WgslSymbol[]): string[] {
  return symbols.map((s) => s.name);
}

test("a local shadows a global; an initializer still sees the outer name", () => {
  const src = `
const scale: f32 = 2.0;
fn f(x: f32) -> f32 {
  let a = x * scale;
  {
    let scale = scale * 3.0;
    return a * scale;
  }
}`;
  const res = resolve(src);
  const global = definitionAt(res, src, "scale", 1);
  assert.equal(global.kind, "const");
  assert.equal(global.scope, "module");
  assert.equal(declaredAtOccurrence(src, global), 0);
  // `let scale = scale * 3.0;` - the initializer's `scale` is still the global one.
  assert.equal(definitionAt(res, src, "scale", 3), global);
  const local = definitionAt(res, src, "scale", 4);
  assert.equal(local.kind, "let");
  assert.equal(local.container, "f");
  assert.equal(declaredAtOccurrence(src, local), 2);
  // The declaration's own name resolves to itself.
  assert.equal(definitionAt(res, src, "scale", 2), local);
  assert.equal(definitionAt(res, src, "x", 1).kind, "param");
  assert.deepEqual(res.unresolved, []);
});

test("a for-loop variable is visible in condition, update and body, and not after the loop", () => {
  const src = `
fn g() -> i32 {
  var sum = 0;
  for (var i = 0; i < 10; i++) {
    sum += i;
  }
  let i = 5;
  return sum + i;
}`;
  const res = resolve(src);
  const loopVar = definitionAt(res, src, "i", 1);
  assert.equal(loopVar.kind, "local-var");
  assert.equal(loopVar.nameSpan.start, offsetOf(src, "i = 0"));
  assert.equal(definitionAt(res, src, "i < 10"), loopVar);
  assert.equal(definitionAt(res, src, "i++"), loopVar);
  assert.equal(definitionAt(res, src, "i;"), loopVar);
  const after = definitionAt(res, src, "sum + i", 0);
  assert.equal(after.name, "sum");
  const lastI = res.symbolAt(offsetOf(src, "sum + i", 0, "sum + ".length));
  assert.ok(lastI);
  assert.equal(lastI.kind, "let");
  assert.notEqual(lastI, loopVar);
  assert.deepEqual(
    res.referencesOf(loopVar).map((s) => src.slice(s.start, s.end)),
    ["i", "i", "i"],
  );
  assert.equal(res.referencesOf(loopVar, true).length, 4);
});

test("a loop's continuing block sees the loop body's declarations", () => {
  const src = `
fn h() {
  var n = 0u;
  loop {
    let step = 2u;
    if (n > 10u) { break; }
    continuing {
      n += step;
      break if n > 100u;
    }
  }
}`;
  const res = resolve(src);
  const step = definitionAt(res, src, "step;");
  assert.equal(step.kind, "let");
  assert.deepEqual(res.unresolved, []);
});

test("struct members resolve through values, pointers and array elements", () => {
  const src = `
struct Particle { pos: vec3<f32>, n: u32 }
@group(0) @binding(0) var<storage, read_write> particles: array<Particle>;
fn count(p: Particle) -> u32 { return p.n; }
fn viaPtr(q: ptr<function, Particle>) -> u32 { return (*q).n + q.n; }
fn first() -> f32 { return particles[0].pos.x; }`;
  const res = resolve(src);
  const particle = res.moduleScope.get("Particle");
  assert.ok(particle);
  assert.deepEqual(names(particle.members), ["pos", "n"]);
  const n = particle.members[1]!;
  assert.equal(n.kind, "member");
  assert.equal(n.container, "Particle");
  assert.equal(n.parent, particle);
  assert.equal(definitionAt(res, src, "n;", 0), n);
  assert.equal(definitionAt(res, src, "n +"), n);
  assert.equal(definitionAt(res, src, "n; }", 1), n);
  assert.equal(definitionAt(res, src, "pos.x"), particle.members[0]);
  assert.equal(res.referencesOf(n).length, 3);
  const ref = res.referenceAt(offsetOf(src, "pos.x"));
  assert.equal(ref?.role, "member");
  // The swizzle `.x` is not a name.
  assert.equal(res.referenceAt(offsetOf(src, "x; }")), undefined);
  // The struct name used as a type.
  assert.equal(res.usesOf(particle).length, 3);
  assert.equal(res.usesOf(particle)[0]!.role, "type");
});

test("module-scope declarations are visible before they are declared", () => {
  const src = `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  helper(gid.x);
}
fn helper(i: u32) {
  out[i] = scaleOf(inp[i]);
}
fn scaleOf(v: f32) -> f32 { return v * K; }
const K = 2.0;
@group(0) @binding(0) var<storage> inp: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> unused: array<f32>;`;
  const res = resolve(src);
  const helper = definitionAt(res, src, "helper(gid");
  assert.equal(helper.kind, "function");
  assert.equal(declaredAtOccurrence(src, helper), 1);
  assert.equal(definitionAt(res, src, "scaleOf(inp").kind, "function");
  assert.equal(definitionAt(res, src, "K;").kind, "const");
  assert.equal(definitionAt(res, src, "out[i]").kind, "var");
  assert.deepEqual(res.unresolved, []);

  assert.equal(res.entryPoints.length, 1);
  const ep = res.entryPoints[0]!;
  assert.equal(ep.name, "main");
  assert.equal(ep.stage, "compute");
  assert.equal(ep.workgroupSize?.length, 1);
  assert.deepEqual(ep.workgroupSizeValues, [64, 1, 1]);
  assert.equal(ep.workgroupSizeUsesOverride, false);
  assert.deepEqual(names(ep.resourcesUsed), ["inp", "out"]);
  assert.deepEqual(names(ep.functionsCalled), ["helper", "scaleOf"]);

  const inp = res.moduleScope.get("inp")!;
  assert.deepEqual(inp.varAttributes, {
    group: 0,
    binding: 0,
    addressSpace: "storage",
    accessMode: "read",
    addressSpaceWritten: true,
    accessModeWritten: false,
  });
  assert.equal(res.moduleScope.get("out")!.varAttributes?.accessMode, "read_write");
  // Direct uses only, per function.
  assert.deepEqual(names(res.functions.get(helper)!.varsUsed), ["inp", "out"]);
  assert.deepEqual(names(res.functions.get(ep.symbol)!.varsUsed), []);
});

test("entry points of every stage, override workgroup sizes, textures and workgroup memory", () => {
  const src = `
override WG: u32 = 128;
const ROWS = 2u;
const G = 1;
@group(G) @binding(ROWS + 1) var tex: texture_2d<f32>;
@group(1) @binding(0) var samp: sampler;
@group(0) @binding(0) var<uniform> params: vec4<f32>;
var<workgroup> tile: array<f32, 128>;
var<private> seed: u32;

@compute @workgroup_size(WG, ROWS)
fn reduce(@builtin(local_invocation_index) li: u32) {
  tile[li] = params.x;
  workgroupBarrier();
  seed = seed + 1u;
}

@vertex
fn vs(@builtin(vertex_index) vi: u32) -> @builtin(position) vec4<f32> {
  return vec4<f32>(f32(vi), 0.0, 0.0, 1.0);
}

@fragment
fn fs(@location(0) uv: vec2<f32>) -> @location(0) vec4<f32> {
  return textureSample(tex, samp, uv);
}`;
  const res = resolve(src);
  assert.deepEqual(
    res.entryPoints.map((e) => [e.name, e.stage]),
    [["reduce", "compute"], ["vs", "vertex"], ["fs", "fragment"]],
  );
  const [reduce, vs, fs] = res.entryPoints;
  assert.deepEqual(reduce!.workgroupSizeValues, [128, 2, 1]);
  assert.equal(reduce!.workgroupSizeUsesOverride, true);
  assert.deepEqual(names(reduce!.overridesUsed), ["WG"]);
  assert.deepEqual(names(reduce!.resourcesUsed), ["params"]);
  assert.deepEqual(names(reduce!.moduleVarsUsed), ["params", "tile", "seed"]);
  assert.equal(vs!.workgroupSize, null);
  assert.equal(vs!.workgroupSizeValues, null);
  assert.deepEqual(names(fs!.resourcesUsed), ["tex", "samp"]);
  const tex = res.moduleScope.get("tex")!;
  // Bindings written as constant expressions are folded.
  assert.equal(tex.varAttributes?.group, 1);
  assert.equal(tex.varAttributes?.binding, 3);
  assert.equal(tex.varAttributes?.addressSpace, "handle");
  assert.equal(res.moduleScope.get("tile")!.varAttributes?.addressSpace, "workgroup");

  // Builtins are recorded as builtin references, not as unresolved names.
  assert.equal(res.referenceAt(offsetOf(src, "workgroupBarrier"))?.builtin, "function");
  assert.equal(res.referenceAt(offsetOf(src, "textureSample"))?.builtin, "function");
  assert.equal(res.referenceAt(offsetOf(src, "texture_2d"))?.builtin, "type");
  assert.equal(res.referenceAt(offsetOf(src, "vec4<f32>(f32"))?.builtin, "type");
  assert.equal(res.referenceAt(offsetOf(src, "local_invocation_index"))?.builtin, "enumerant");
  assert.equal(res.referenceAt(offsetOf(src, "uniform"))?.builtin, "enumerant");
  assert.deepEqual(res.unresolved, []);
});

test("overrides reached through workgroup array sizes, aliases and other overrides count as used", () => {
  const src = `
override BASE: u32 = 8;
override TILE: u32 = BASE * 4u;
override UNUSED: u32 = 1;
alias Tile = array<f32, TILE>;
var<workgroup> tile: Tile;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) li: u32) { tile[li] = 0.0; }`;
  const res = resolve(src);
  assert.deepEqual(names(res.entryPoints[0]!.overridesUsed), ["BASE", "TILE"]);
});

test("references: counts, declaration inclusion, cursor at the end of a name", () => {
  const src = `
const N = 4u;
alias Row = array<f32, N>;
fn sum(r: Row) -> f32 {
  var s = 0.0;
  for (var i = 0u; i < N; i++) { s += r[i]; }
  return s;
}`;
  const res = resolve(src);
  const n = res.moduleScope.get("N")!;
  assert.equal(res.referencesOf(n).length, 2);
  assert.equal(res.referencesOf(n, true).length, 3);
  assert.equal(res.referencesOf(n, true)[0]!.start, n.nameSpan.start);
  // `N` in `array<f32, N>` is a value, whichever node the parser made of it.
  assert.deepEqual(res.usesOf(n).map((ref) => ref.role), ["value", "value"]);
  const s = definitionAt(res, src, "s +=");
  assert.equal(res.referencesOf(s).length, 2);
  const row = res.moduleScope.get("Row")!;
  assert.equal(row.kind, "alias");
  assert.equal(res.referencesOf(row).length, 1);
  // A cursor just after `Row` in `r: Row` still finds it.
  assert.equal(res.symbolAt(offsetOf(src, "Row)", 0, 3)), row);
  // Whitespace finds nothing.
  assert.equal(res.symbolAt(offsetOf(src, "\nfn sum")), undefined);
});

test("unresolved names are listed, not thrown", () => {
  const src = `
fn f() -> f32 {
  let a = missing + 1.0;
  return undefinedFn(a) + max(a, 0.0);
}`;
  const res = resolve(src);
  assert.deepEqual(
    res.unresolved.map((u) => u.name),
    ["missing", "undefinedFn"],
  );
  const ref = res.referenceAt(offsetOf(src, "missing"));
  assert.equal(ref?.symbol, null);
  assert.equal(ref?.builtin, null);
  assert.equal(res.referenceAt(offsetOf(src, "max"))?.builtin, "function");
});

test("user declarations shadow builtin names", () => {
  const src = `
fn min(a: i32) -> i32 { return a; }
struct vec5 { x: f32 }
fn f() {
  let m = min(3);
  let max = 2u;
  let k = max + 1u;
  let v = vec5(1.0);
}`;
  const res = resolve(src);
  const call = res.referenceAt(offsetOf(src, "min(3)"));
  assert.equal(call?.symbol?.kind, "function");
  assert.equal(call?.builtin, null);
  assert.equal(definitionAt(res, src, "max +").kind, "let");
  assert.equal(typeToString(res.types.typeOfDeclaration(definitionAt(res, src, "m ="))), "i32");
  assert.equal(typeToString(res.types.typeOfDeclaration(definitionAt(res, src, "k ="))), "u32");
  assert.equal(typeToString(res.types.typeOfDeclaration(definitionAt(res, src, "v ="))), "vec5");
});

test("a 20,000-term expression neither overflows the stack nor loses the declaration", () => {
  const text = `fn f(a: f32) -> f32 { let x = ${Array(20000).fill("a").join(" + ")}; return x; }`;
  const res = resolve(text);
  const x = res.symbols.find((s) => s.name === "x");
  assert.ok(x);
  assert.equal(typeToString(res.types.typeOfDeclaration(x)), "f32");
  assert.equal(res.referencesOf(res.symbols.find((s) => s.name === "a")!).length, 20000);
  assert.deepEqual(res.problems, []);
});

test("visibleAt lists the innermost declarations in scope at an offset", () => {
  const src = `
const a = 1;
fn f(p: i32) {
  let b = 2;
  {
    let a = 3.0;
    let c = 4;
  }
  let d = 5;
}`;
  const res = resolve(src);
  const inner = res.visibleAt(offsetOf(src, "let c"));
  const byName = new Map(inner.map((s) => [s.name, s]));
  assert.equal(byName.get("a")?.kind, "let");
  assert.ok(byName.has("p") && byName.has("b") && byName.has("f"));
  assert.ok(!byName.has("c") && !byName.has("d"));
  const outer = new Map(res.visibleAt(offsetOf(src, "let d")).map((s) => [s.name, s]));
  assert.equal(outer.get("a")?.kind, "const");
  assert.ok(!outer.has("c"));
});

const KERNEL = `
enable f16;
struct Params { n: u32, scale: f32, pad: vec2<f32> }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<f32>>;
var<workgroup> tile: array<vec4<f32>, 64>;
fn load(i: u32) -> vec4<f32> { return src[min(i, params.n - 1u)] * params.scale; }
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  tile[li] = load(gid.x);
  workgroupBarrier();
  var acc = vec4<f32>(0.0);
  for (var k = 0u; k < 64u; k++) { acc += tile[k]; }
  switch (li % 4u) { case 0u, 1u: { acc *= 2.0; } default: { } }
  if (gid.x < params.n) { dst[gid.x] = acc / 64.0; } else { return; }
}`;

test("no throws on any prefix or mangled version of a kernel", () => {
  for (let cut = 0; cut <= KERNEL.length; cut += 7) {
    const text = KERNEL.slice(0, cut);
    const res = resolve(text);
    for (const s of res.symbols) res.types.typeOfDeclaration(s);
    res.symbolAt(Math.floor(cut / 2));
  }
  for (const broken of [
    "fn ( { let = ; }",
    "struct { a: , }",
    "@compute @workgroup_size() fn () {}",
    "var<storage x: array<;",
    "fn f() { let x = a.b.c[1](2); x.y.z = *&*&x; }",
    "}}}}{{{{",
    "alias A = B; alias B = A; struct S { s: S } const c = c + 1; fn f() { let y: A = c; }",
  ]) {
    const res = resolve(broken);
    for (const s of res.symbols) res.types.typeOfDeclaration(s);
    assert.ok(Array.isArray(res.references));
  }
});

test("resolution is fast on a 2,000-line file", () => {
  const lines: string[] = ["@group(0) @binding(0) var<storage, read_write> data: array<f32>;"];
  let fn = 0;
  while (lines.length < 2000) {
    lines.push(`fn f${fn}(x: f32) -> f32 {`);
    lines.push(`  var acc = x;`);
    for (let i = 0; i < 15; i++) lines.push(`  let t${i} = acc * ${i}.5 + data[${i}u] - max(acc, 1.0);`, `  acc = acc + t${i};`);
    lines.push(fn > 0 ? `  return f${fn - 1}(acc);` : `  return acc;`, `}`);
    fn++;
  }
  lines.push(`@compute @workgroup_size(64) fn main() { data[0] = f${fn - 1}(1.0); }`);
  const text = lines.join("\n");
  const module = parseWgsl(text);
  resolveModule(module); // warm up the JIT
  const started = performance.now();
  const res = resolveModule(module);
  const elapsed = performance.now() - started;
  assert.equal(res.unresolved.length, 0);
  assert.equal(res.entryPoints[0]!.functionsCalled.length, fn);
  assert.deepEqual(names(res.entryPoints[0]!.resourcesUsed), ["data"]);
  // Generous bound for slow CI machines; typically a few milliseconds.
  assert.ok(elapsed < 250, `resolving took ${elapsed.toFixed(1)} ms`);
});
