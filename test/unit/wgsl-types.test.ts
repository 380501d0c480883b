// Unit tests for the WGSL type model: inference of expression and declaration types, memory layout, constant counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Expr } from "../../server/src/core/wgsl/ast";
import { parseWgsl } from "../../server/src/core/wgsl/parser";
import { resolveModule, type Resolution } from "../../server/src/core/wgsl/resolve";
import {
  alignOf,
  componentCount,
  evaluateConstInt,
  inferTypes,
  resolveTypeRef,
  scalarOf,
  sizeOf,
  strideOf,
  typeToString,
  type StructType,
  type WgslType,
} from "../../server/src/core/wgsl/types";

const EXPR_KINDS = new Set(["literal", "ident", "call", "binary", "unary", "index", "member", "paren", "error"]);

/** Every expression node in the tree, outermost first, found by walking plain data (no dependency on walk.ts). */
function allExprs(root: unknown): Expr[] {
  const found: Expr[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (typeof record.kind === "string" && EXPR_KINDS.has(record.kind) && record.span) found.push(node as Expr);
    for (const key of Object.keys(record)) if (key !== "span") visit(record[key]);
  };
  visit(root);
  return found;
}

interface Typed {
  readonly src: string;
  readonly res: Resolution;
  /** The type of the first expression whose source text is exactly `text`, in WGSL syntax. */
  expr(text: string): string;
  exprType(text: string): WgslType;
  /** The type of the declaration named `name` (the last one, when a name is declared more than once). */
  decl(name: string): string;
  declType(name: string): WgslType;
}

function typed(src: string): Typed {
  const module = parseWgsl(src);
  const res = resolveModule(module);
  const exprs = allExprs(module);
  const exprType = (text: string): WgslType => {
    const e = exprs.find((x) => src.slice(x.span.start, x.span.end) === text);
    assert.ok(e, `no expression '${text}'`);
    return res.types.typeOfExpr(e);
  };
  const declType = (name: string): WgslType => {
    const symbol = [...res.symbols].reverse().find((s) => s.name === name);
    assert.ok(symbol, `no declaration '${name}'`);
    return res.types.typeOfDeclaration(symbol);
  };
  return {
    src,
    res,
    exprType,
    expr: (text) => typeToString(exprType(text)),
    declType,
    decl: (name) => typeToString(declType(name)),
  };
}

function unknownReason(t: WgslType): string {
  assert.equal(t.kind, "unknown", `expected unknown, got ${typeToString(t)}`);
  return t.kind === "unknown" ? t.reason : "";
}

test("literals: abstract and suffixed", () => {
  const t = typed(`
fn f() {
  _ = 1;
  _ = 2u;
  _ = 3i;
  _ = 4.0;
  _ = 5.0f;
  _ = 6f;
  _ = 7h;
  _ = 0x1Fu;
  _ = 1e-3;
  _ = true;
}`);
  assert.equal(t.expr("1"), "AbstractInt");
  assert.equal(t.expr("2u"), "u32");
  assert.equal(t.expr("3i"), "i32");
  assert.equal(t.expr("4.0"), "AbstractFloat");
  assert.equal(t.expr("5.0f"), "f32");
  assert.equal(t.expr("6f"), "f32");
  assert.equal(t.expr("7h"), "f16");
  assert.equal(t.expr("0x1Fu"), "u32");
  assert.equal(t.expr("1e-3"), "AbstractFloat");
  assert.equal(t.expr("true"), "bool");
});

test("buffer element accesses and arithmetic with abstract operands", () => {
  const t = typed(`
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> b: array<vec4<f16>>;
@group(0) @binding(2) var<storage, read_write> c: array<i32, 16>;
fn f(i: u32) {
  let x = a[i] * 2.0;
  let h = b[i] * 2.0;
  let hx = b[i].x + 1.0;
  let k = c[i] + 1;
  let u = i + 1;
  let mixed = 1 + 2.5;
  let shifted = 1 << i;
  let back = i >> 2u;
  let cmp = a[i] < 0.5;
  let vcmp = b[i] >= vec4<f16>(0.0h);
  let both = cmp && (k > 0);
  let neg = -a[i];
  let bits = ~i;
  let rem = k % 3;
}`);
  assert.equal(t.expr("a[i]"), "f32");
  assert.equal(t.expr("a[i] * 2.0"), "f32");
  assert.equal(t.decl("x"), "f32");
  assert.equal(t.decl("h"), "vec4<f16>");
  assert.equal(t.decl("hx"), "f16");
  assert.equal(t.decl("k"), "i32");
  assert.equal(t.decl("u"), "u32");
  // let concretises the abstract result of a constant expression.
  assert.equal(t.expr("1 + 2.5"), "AbstractFloat");
  assert.equal(t.decl("mixed"), "f32");
  assert.equal(t.decl("shifted"), "i32");
  assert.equal(t.decl("back"), "u32");
  assert.equal(t.decl("cmp"), "bool");
  assert.equal(t.decl("vcmp"), "vec4<bool>");
  assert.equal(t.decl("both"), "bool");
  assert.equal(t.decl("neg"), "f32");
  assert.equal(t.decl("bits"), "u32");
  assert.equal(t.decl("rem"), "i32");

  // The operation's own type, as the cost model sees it: scalar type and component count.
  const module = t.res.module;
  const binaries = allExprs(module).filter((e) => e.kind === "binary");
  const mul = binaries.find((e) => t.src.slice(e.span.start, e.span.end) === "b[i] * 2.0");
  assert.ok(mul && mul.kind === "binary");
  const op = t.res.types.operandTypeOf(mul);
  assert.equal(typeToString(op), "vec4<f16>");
  assert.equal(scalarOf(op)?.name, "f16");
  assert.equal(componentCount(op), 4);
  const less = binaries.find((e) => t.src.slice(e.span.start, e.span.end) === "a[i] < 0.5");
  assert.ok(less && less.kind === "binary");
  assert.equal(typeToString(t.res.types.operandTypeOf(less)), "f32");
});

test("memory views: buffer accesses know their address space, access mode and element type", () => {
  const t = typed(`
struct Params { n: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<uniform> params: Params;
var<workgroup> tile: array<f32, 64>;
fn g(p: ptr<storage, array<vec4<f32>>, read>, i: u32) -> f32 { return (*p)[i].x + p[i].y; }
fn f(i: u32) {
  var local = 1.0;
  let s = src[i].y + params.scale + tile[i] + local;
}`);
  const find = (text: string): Expr => {
    const e = allExprs(t.res.module).find((x) => t.src.slice(x.span.start, x.span.end) === text);
    assert.ok(e, text);
    return e;
  };
  const view = t.res.types.memoryViewOf(find("src[i].y"));
  assert.ok(view);
  assert.equal(view.addressSpace, "storage");
  assert.equal(view.access, "read");
  assert.equal(view.root?.name, "src");
  assert.equal(typeToString(view.type), "f32");
  assert.equal(t.res.types.memoryViewOf(find("params.scale"))?.addressSpace, "uniform");
  assert.equal(t.res.types.memoryViewOf(find("tile[i]"))?.addressSpace, "workgroup");
  assert.equal(t.res.types.memoryViewOf(find("local"))?.addressSpace, "function");
  const throughPtr = t.res.types.memoryViewOf(find("(*p)[i].x"));
  assert.equal(throughPtr?.addressSpace, "storage");
  assert.equal(throughPtr?.root?.name, "p");
  assert.equal(typeToString(throughPtr!.type), "f32");
  assert.equal(t.res.types.memoryViewOf(find("p[i].y"))?.root?.kind, "param");
  // Values are not memory.
  assert.equal(t.res.types.memoryViewOf(find("src[i].y + params.scale")), null);
});

test("constructors: typed, aliased, inferred, arrays and structs", () => {
  const t = typed(`
struct Light { dir: vec3<f32>, power: f32 }
fn f(x: f32, u: u32) {
  let a = vec4<f32>(x);
  let b = vec4f(1.0);
  let c = vec3(1.0, 2.0, 3.0);
  let d = vec3(x, 2.0, 3.0);
  let e = vec2(1, 2);
  let g = vec4(c, 1.0);
  let arr = array<f32, 4>(1.0, 2.0, 3.0, 4.0);
  let arr2 = array(1.0, 2.0);
  let arr3 = array(vec2(u, 1u), vec2(2u, 3u), vec2(4u, 5u));
  let light = Light(vec3<f32>(0.0, 1.0, 0.0), 2.0);
  let m = mat2x2(1.0, 0.0, 0.0, 1.0);
  let m2 = mat3x3<f16>();
  let i = i32(x);
  let h = vec3h(1.0h);
  const kc = vec3(1, 2, 3);
}`);
  assert.equal(t.decl("a"), "vec4<f32>");
  assert.equal(t.decl("b"), "vec4<f32>");
  assert.equal(t.expr("vec3(1.0, 2.0, 3.0)"), "vec3<AbstractFloat>");
  assert.equal(t.decl("c"), "vec3<f32>");
  assert.equal(t.decl("d"), "vec3<f32>");
  assert.equal(t.decl("e"), "vec2<i32>");
  assert.equal(t.decl("g"), "vec4<f32>");
  assert.equal(t.decl("arr"), "array<f32, 4>");
  assert.equal(t.expr("array(1.0, 2.0)"), "array<AbstractFloat, 2>");
  assert.equal(t.decl("arr2"), "array<f32, 2>");
  assert.equal(t.decl("arr3"), "array<vec2<u32>, 3>");
  assert.equal(t.decl("light"), "Light");
  assert.equal(t.decl("m"), "mat2x2<f32>");
  assert.equal(t.decl("m2"), "mat3x3<f16>");
  assert.equal(t.decl("i"), "i32");
  assert.equal(t.decl("h"), "vec3<f16>");
  // const keeps abstract types.
  assert.equal(t.decl("kc"), "vec3<AbstractInt>");
});

test("member access, swizzles, indexing and pointers", () => {
  const t = typed(`
struct Inner { v: vec3<f32>, ids: array<u32, 4> }
struct Outer { inner: Inner, m: mat4x3<f32>, list: array<Inner, 2> }
fn f(o: Outer, p: ptr<function, Outer>) {
  let a = o.inner.v.xy;
  let b = o.inner.v.x;
  let c = o.inner.v.zyx;
  let d = o.inner.v.rgb;
  let e = o.m[1];
  let f = o.m[1][2];
  let g = o.list[1].ids[3];
  let h = (*p).inner.v;
  let i = p.inner.ids;
  var local = o;
  let q = &local.inner.v;
  let r = *q;
  let s = q.z;
  let bad = o.inner.v.q;
  let bad2 = o.inner.nope;
  let bad3 = o.inner.v.xyzw;
}`);
  assert.equal(t.decl("a"), "vec2<f32>");
  assert.equal(t.decl("b"), "f32");
  assert.equal(t.decl("c"), "vec3<f32>");
  assert.equal(t.decl("d"), "vec3<f32>");
  assert.equal(t.decl("e"), "vec3<f32>");
  assert.equal(t.decl("f"), "f32");
  assert.equal(t.decl("g"), "u32");
  assert.equal(t.decl("h"), "vec3<f32>");
  assert.equal(t.decl("i"), "array<u32, 4>");
  assert.equal(t.decl("local"), "Outer");
  assert.equal(t.decl("q"), "ptr<function, vec3<f32>>");
  assert.equal(t.decl("r"), "vec3<f32>");
  assert.equal(t.decl("s"), "f32");
  assert.match(unknownReason(t.declType("bad")), /swizzle/);
  assert.match(unknownReason(t.declType("bad2")), /no member 'nope'/);
  assert.match(unknownReason(t.declType("bad3")), /out of range/);
});

test("matrix and vector products follow WGSL's shapes", () => {
  const t = typed(`
fn f(m: mat4x4f, n: mat3x2<f32>, v4: vec4<f32>, v3: vec3<f32>, v2: vec2<f32>, s: f32) {
  let v = vec4f(1.0) * m;
  let w = m * v4;
  let mm = m * m;
  let a = n * v3;
  let b = v2 * n;
  let c = n * s;
  let d = 2.0 * n;
  let e = n + n;
  let k = transpose(n) * n;
  let bad = n * v4;
}`);
  assert.equal(t.decl("v"), "vec4<f32>");
  assert.equal(t.decl("w"), "vec4<f32>");
  assert.equal(t.decl("mm"), "mat4x4<f32>");
  assert.equal(t.decl("a"), "vec2<f32>");
  assert.equal(t.decl("b"), "vec3<f32>");
  assert.equal(t.decl("c"), "mat3x2<f32>");
  assert.equal(t.decl("d"), "mat3x2<f32>");
  assert.equal(t.decl("e"), "mat3x2<f32>");
  assert.equal(t.expr("transpose(n)"), "mat2x3<f32>");
  assert.equal(t.decl("k"), "mat3x3<f32>");
  assert.match(unknownReason(t.declType("bad")), /cannot apply '\*'/);
});

test("builtin function return types", () => {
  const t = typed(`
enable f16;
enable subgroups;
struct Counter { value: atomic<u32>, sval: atomic<i32> }
@group(0) @binding(0) var<storage, read_write> counter: Counter;
@group(0) @binding(1) var<storage, read_write> data: array<f32>;
@group(0) @binding(2) var tex: texture_2d<f32>;
@group(0) @binding(3) var utex: texture_2d<u32>;
@group(0) @binding(4) var dtex: texture_depth_2d;
@group(0) @binding(5) var stex: texture_storage_2d<rgba8uint, write>;
@group(0) @binding(6) var samp: sampler;
@group(0) @binding(7) var vol: texture_3d<f32>;
var<workgroup> shared_n: u32;
fn f(x: f32, v: vec3<f32>, h: vec4<f16>, i: i32, u: u32, m: mat3x3<f32>) {
  let a = dot(v, v);
  let b = length(v);
  let c = cross(v, v);
  let d = distance(v, v);
  let e = determinant(m);
  let g = max(x, 0.0);
  let gg = clamp(v, vec3(0.0), vec3(1.0));
  let mx = mix(h, h, 0.5h);
  let sel = select(v, vec3(0.0), x > 0.0);
  let n = arrayLength(&data);
  let old = atomicAdd(&counter.value, 1u);
  let olds = atomicMax(&counter.sval, i);
  let cas = atomicCompareExchangeWeak(&counter.sval, 0, 1);
  let casOld = cas.old_value;
  let casOk = cas.exchanged;
  let p = pack4x8unorm(vec4<f32>(v, x));
  let up = unpack4x8snorm(u);
  let up2 = unpack2x16float(u);
  let dp = dot4I8Packed(u, u);
  let dpu = dot4U8Packed(u, u);
  let bc = bitcast<u32>(x);
  let bcv = bitcast<vec2<f32>>(vec2<u32>(u, u));
  let tl = textureLoad(tex, vec2<i32>(0, 0), 0);
  let tlu = textureLoad(utex, vec2<i32>(0, 0), 0);
  let tld = textureLoad(dtex, vec2<i32>(0, 0), 0);
  let tls = textureLoad(stex, vec2<i32>(0, 0));
  let ts = textureSampleLevel(tex, samp, vec2<f32>(0.5), 0.0);
  let dims = textureDimensions(tex);
  let dims3 = textureDimensions(vol);
  let levels = textureNumLevels(tex);
  let sg = subgroupAdd(x);
  let sgv = subgroupShuffle(h, 3u);
  let ballot = subgroupBallot(x > 0.0);
  let mf = modf(v);
  let mfw = mf.whole;
  let fx = frexp(x);
  let fxe = fx.exp;
  let wl = workgroupUniformLoad(&shared_n);
  let any_ = any(v > vec3(0.0));
  let fl = floor(h);
  let cnt = countOneBits(u);
  let eb = extractBits(i, 1u, 2u);
  let sat = saturate(x);
  let l = ldexp(x, 2);
  let nm = normalize(v);
}`);
  const expect: Record<string, string> = {
    a: "f32",
    b: "f32",
    c: "vec3<f32>",
    d: "f32",
    e: "f32",
    g: "f32",
    gg: "vec3<f32>",
    mx: "vec4<f16>",
    sel: "vec3<f32>",
    n: "u32",
    old: "u32",
    olds: "i32",
    cas: "__atomic_compare_exchange_result_i32",
    casOld: "i32",
    casOk: "bool",
    p: "u32",
    up: "vec4<f32>",
    up2: "vec2<f32>",
    dp: "i32",
    dpu: "u32",
    bc: "u32",
    bcv: "vec2<f32>",
    tl: "vec4<f32>",
    tlu: "vec4<u32>",
    tld: "f32",
    tls: "vec4<u32>",
    ts: "vec4<f32>",
    dims: "vec2<u32>",
    dims3: "vec3<u32>",
    levels: "u32",
    sg: "f32",
    sgv: "vec4<f16>",
    ballot: "vec4<u32>",
    mf: "__modf_result_vec3_f32",
    mfw: "vec3<f32>",
    fx: "__frexp_result_f32",
    fxe: "i32",
    wl: "u32",
    any_: "bool",
    fl: "vec4<f16>",
    cnt: "u32",
    eb: "i32",
    sat: "f32",
    l: "f32",
    nm: "vec3<f32>",
  };
  for (const [name, type] of Object.entries(expect)) assert.equal(t.decl(name), type, name);
  assert.equal(t.expr("&counter.value"), "ptr<storage, atomic<u32>, read_write>");
  assert.equal(t.expr("&data"), "ptr<storage, array<f32>, read_write>");
});

test("barriers and void functions are unknown with a reason, never a throw", () => {
  const t = typed(`
fn nothing() {}
fn f() {
  workgroupBarrier();
  nothing();
  let x = nothing();
  let y = undefinedName * 2.0;
  let z = undefinedFn(1.0);
  let w = 1.0 + ;
}`);
  assert.match(unknownReason(t.exprType("workgroupBarrier()")), /returns no value/);
  assert.match(unknownReason(t.declType("x")), /'nothing' returns no value/);
  assert.match(unknownReason(t.declType("y")), /'undefinedName' is not declared/);
  assert.match(unknownReason(t.declType("z")), /'undefinedFn' is not declared/);
  assert.equal(t.declType("w").kind, "unknown");
});

test("declaration types: declared, inferred, module scope, overrides and consts", () => {
  const t = typed(`
const A = 3;
const B = A * 2.0;
const C: u32 = 7;
override O = 16;
override P: f32;
var<private> pv = vec2(1, 2);
@group(0) @binding(0) var<storage, read_write> buf: array<vec4<f32>, A>;
fn get() -> vec2<f32> { return vec2<f32>(1.0); }
fn f(param: vec3<i32>) {
  var v = 0;
  var w: f32 = 1;
  let r = get();
  let s = param * A;
}`);
  assert.equal(t.decl("A"), "AbstractInt");
  assert.equal(t.decl("B"), "AbstractFloat");
  assert.equal(t.decl("C"), "u32");
  assert.equal(t.decl("O"), "i32");
  assert.equal(t.decl("P"), "f32");
  assert.equal(t.decl("pv"), "vec2<i32>");
  assert.equal(t.decl("buf"), "array<vec4<f32>, 3>");
  assert.equal(t.decl("get"), "vec2<f32>");
  assert.equal(t.decl("param"), "vec3<i32>");
  assert.equal(t.decl("v"), "i32");
  assert.equal(t.decl("w"), "f32");
  assert.equal(t.decl("r"), "vec2<f32>");
  assert.equal(t.decl("s"), "vec3<i32>");
  assert.equal(t.res.types.typeOfSymbol(t.res.moduleScope.get("buf")!).kind, "array");
});

test("array counts: constant expressions are folded, overrides are kept as expressions", () => {
  const t = typed(`
const N = 4u;
const M = (N * 2u + 1u) << 1u;
override K: u32 = 32;
alias Arr = array<f32, M>;
var<private> a: Arr;
var<workgroup> w: array<f32, K>;
var<workgroup> w2: array<vec2<f32>, K * 2>;
var<private> h: array<f32, 0x10>;
const_assert M == 18;
`);
  assert.equal(t.decl("a"), "array<f32, 18>");
  const w = t.declType("w");
  assert.equal(w.kind, "array");
  assert.ok(w.kind === "array" && typeof w.count === "object");
  assert.equal(t.decl("w"), "array<f32, K>");
  assert.equal(t.decl("w2"), "array<vec2<f32>, K * 2>");
  assert.equal(sizeOf(w), null);
  assert.equal(t.decl("h"), "array<f32, 16>");
  const m = t.res.moduleScope.get("M")!;
  const init = (m.decl as { init?: Expr }).init!;
  assert.equal(evaluateConstInt(init, t.res), 18);
  const k = t.res.moduleScope.get("K")!;
  const kExpr = allExprs(t.res.module).find((e) => e.kind === "binary" && t.src.slice(e.span.start, e.span.end) === "K * 2")!;
  assert.equal(evaluateConstInt(kExpr, t.res), null);
  assert.equal(evaluateConstInt(kExpr, t.res, { overrideDefaults: true }), 64);
  assert.equal(k.kind, "override");
});

/** Struct layout of the last struct declared in `src`. */
function layout(src: string, name: string): StructType {
  const res = resolveModule(parseWgsl(src));
  const t = res.types.typeOfSymbol(res.moduleScope.get(name)!);
  assert.equal(t.kind, "struct");
  return t as StructType;
}

test("struct layout matches the WGSL specification's examples", () => {
  // WGSL § "Structure Member Layout", first example.
  const src = `
struct A {
  u: f32,
  v: f32,
  w: vec2<f32>,
  x: f32
}
struct B {
  a: vec2<f32>,
  b: vec3<f32>,
  c: f32,
  d: f32,
  e: A,
  f: vec3<f32>,
  g: array<A, 3>,
  h: i32
}`;
  const a = layout(src, "A");
  assert.deepEqual(a.members.map((m) => [m.name, m.offset, m.align, m.size]), [
    ["u", 0, 4, 4],
    ["v", 4, 4, 4],
    ["w", 8, 8, 8],
    ["x", 16, 4, 4],
  ]);
  assert.equal(a.align, 8);
  assert.equal(a.size, 24);
  const b = layout(src, "B");
  assert.deepEqual(b.members.map((m) => [m.name, m.offset, m.align, m.size]), [
    ["a", 0, 8, 8],
    ["b", 16, 16, 12],
    ["c", 28, 4, 4],
    ["d", 32, 4, 4],
    ["e", 40, 8, 24],
    ["f", 64, 16, 12],
    ["g", 80, 8, 72],
    ["h", 152, 4, 4],
  ]);
  assert.equal(b.align, 16);
  assert.equal(b.size, 160);
  const g = b.members[6]!.type;
  assert.ok(g.kind === "array");
  assert.equal(strideOf(g), 24);
});

test("struct layout with @size and @align matches the specification's second example", () => {
  const src = `
struct A {
  u: f32,
  v: f32,
  w: vec2<f32>,
  @size(16) x: f32
}
struct B {
  a: vec2<f32>,
  b: vec3<f32>,
  c: f32,
  d: f32,
  @align(16) e: A,
  f: vec3<f32>,
  g: array<A, 3>,
  h: i32
}`;
  const a = layout(src, "A");
  assert.equal(a.size, 32);
  assert.equal(a.align, 8);
  const b = layout(src, "B");
  assert.deepEqual(b.members.map((m) => [m.name, m.offset, m.size]), [
    ["a", 0, 8],
    ["b", 16, 12],
    ["c", 28, 4],
    ["d", 32, 4],
    ["e", 48, 32],
    ["f", 80, 12],
    ["g", 96, 96],
    ["h", 192, 4],
  ]);
  assert.equal(b.size, 208);
});

test("sizes, alignments and strides of builtin types, runtime arrays and f16", () => {
  const t = typed(`
enable f16;
struct Particles { count: u32, data: array<vec3<f32>> }
struct Half { a: f16, b: vec3<f16>, c: mat2x2<f16> }
struct Atom { n: atomic<u32>, flag: bool }
var<private> v3: vec3<f32>;
var<private> m3: mat3x3<f32>;
var<private> m42: mat4x2<f32>;
var<private> av3: array<vec3<f32>, 4>;
var<private> af: array<f32, 5>;
`);
  const v3 = t.declType("v3");
  assert.equal(sizeOf(v3), 12);
  assert.equal(alignOf(v3), 16);
  const m3 = t.declType("m3");
  assert.equal(sizeOf(m3), 48);
  assert.equal(alignOf(m3), 16);
  const m42 = t.declType("m42");
  assert.equal(sizeOf(m42), 32);
  assert.equal(alignOf(m42), 8);
  const av3 = t.declType("av3");
  assert.ok(av3.kind === "array");
  assert.equal(strideOf(av3), 16);
  assert.equal(sizeOf(av3), 64);
  const af = t.declType("af");
  assert.ok(af.kind === "array");
  assert.equal(strideOf(af), 4);
  assert.equal(sizeOf(af), 20);

  const particles = layout(t.src, "Particles");
  assert.equal(particles.runtimeSized, true);
  assert.equal(particles.members[1]!.offset, 16);
  const data = particles.members[1]!.type;
  assert.ok(data.kind === "array" && data.count === "runtime");
  assert.equal(typeToString(data), "array<vec3<f32>>");
  assert.equal(strideOf(data), 16);
  // One element of the runtime-sized array counts, as WebGPU's minimum binding size does.
  assert.equal(particles.size, 32);

  const half = layout(t.src, "Half");
  assert.deepEqual(half.members.map((m) => [m.name, m.offset, m.size]), [
    ["a", 0, 2],
    ["b", 8, 6],
    ["c", 16, 8],
  ]);
  assert.equal(half.align, 8);
  assert.equal(half.size, 24);
  const atom = layout(t.src, "Atom");
  assert.equal(atom.size, 8);
});

test("resolveTypeRef handles predeclared aliases, user aliases, pointers and textures", () => {
  const src = `
alias V = vec4h;
alias Buf = array<mat4x4f, 2>;
struct S { v: V, b: Buf, p: vec3u, t: array<vec2i> }
fn f(p: ptr<storage, S, read_write>, q: ptr<workgroup, atomic<i32>>, t: texture_storage_2d<rgba16float, read_write>, d: texture_depth_2d_array, c: sampler_comparison, m: texture_multisampled_2d<i32>) {}`;
  const res = resolveModule(parseWgsl(src));
  const s = res.moduleScope.get("S")!;
  const types = s.members.map((m) => typeToString(resolveTypeRef((m.decl as { type: Parameters<typeof resolveTypeRef>[0] }).type, res)));
  assert.deepEqual(types, ["vec4<f16>", "array<mat4x4<f32>, 2>", "vec3<u32>", "array<vec2<i32>>"]);
  const fn = res.moduleScope.get("f")!;
  const params = res.symbols.filter((x) => x.kind === "param" && x.parent === fn).map((x) => typeToString(res.types.typeOfSymbol(x)));
  assert.deepEqual(params, [
    "ptr<storage, S, read_write>",
    "ptr<workgroup, atomic<i32>>",
    "texture_storage_2d<rgba16float, read_write>",
    "texture_depth_2d_array",
    "sampler_comparison",
    "texture_multisampled_2d<i32>",
  ]);
  assert.equal(sizeOf(res.types.typeOfSymbol(s)), 160 + 16);
});

test("cycles and nonsense give unknown types with reasons", () => {
  const t = typed(`
alias A = B;
alias B = A;
struct S { s: S, x: f32 }
const c = c + 1;
fn f() {
  let a: A = 1;
  let s: S = S();
  let k = c;
  let notType: f = 1;
  let z = f;
  let tv = vec3<S>(1.0);
}`);
  assert.match(unknownReason(t.declType("a")), /refers to itself/);
  const s = t.declType("s");
  assert.equal(s.kind, "struct");
  assert.ok(s.kind === "struct");
  assert.match(unknownReason(s.members[0]!.type), /contains itself/);
  assert.equal(s.layoutComplete, false);
  assert.equal(t.declType("k").kind, "unknown");
  assert.match(unknownReason(t.declType("notType")), /is a function, not a type/);
  assert.match(unknownReason(t.declType("z")), /is a function, not a value/);
  assert.match(unknownReason(t.declType("tv")), /needs a scalar type/);
});

test("inferTypes returns the resolution's memoised type information", () => {
  const module = parseWgsl("fn f() -> f32 { let a = 1.0; return a * 2.0; }");
  const res = resolveModule(module);
  const info = inferTypes(module, res);
  assert.equal(info, res.types);
  const every = allExprs(module).map((e) => info.typeOfExpr(e));
  assert.ok(every.every((x) => x.kind !== "unknown"), every.map(typeToString).join(", "));
});
