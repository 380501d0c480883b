// Tests for the WGSL lexer and parser: spans, template lists, precedence, statements, recovery, robustness, speed.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type {
  AssignStmt,
  BinaryExpr,
  BlockStmt,
  CallExpr,
  DeclStmt,
  Expr,
  ForStmt,
  FunctionDecl,
  IfStmt,
  LiteralExpr,
  LoopStmt,
  Module,
  Span,
  Stmt,
  StructDecl,
  SwitchStmt,
  TypeRef,
  ValueDecl,
  VarDecl,
} from "../../server/src/core/wgsl/ast";
import { Tok, tokenize } from "../../server/src/core/wgsl/lexer";
import { MAX_NESTING_DEPTH, parseWgsl } from "../../server/src/core/wgsl/parser";
import { walk } from "../../server/src/core/wgsl/walk";
import { generateKernelFile, timeRuns } from "../bench/frontend";

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** Parses and asserts there were no errors. */
function parseOk(text: string): Module {
  const m = parseWgsl(text);
  assert.deepEqual(
    m.errors.map((e) => `${e.message} @${e.span.start}`),
    [],
    `unexpected errors for:\n${text}`,
  );
  return m;
}

function fn(m: Module, index = 0): FunctionDecl {
  const fns = m.decls.filter((d): d is FunctionDecl => d.kind === "function");
  assert.ok(fns[index], `no function #${index}`);
  return fns[index];
}

/** The initializer of the first `let`/`const` in `expr` wrapped in a function, for expression tests. */
function expr(source: string, allowErrors = false): { e: Expr; text: string; m: Module } {
  const text = `fn f() { let x = ${source}; }`;
  const m = allowErrors ? parseWgsl(text) : parseOk(text);
  const stmt = fn(m).body.statements[0] as DeclStmt;
  assert.equal(stmt.kind, "declStmt");
  const init = (stmt.decl as ValueDecl).init;
  assert.ok(init);
  return { e: init, text, m };
}

/** Renders an expression tree as a fully parenthesised string, to check shape and precedence. */
function show(e: Expr | TypeRef): string {
  switch (e.kind) {
    case "literal":
      return e.text;
    case "ident":
      return e.templateArgs ? `${e.name.name}<${e.templateArgs.map(show).join(",")}>` : e.name.name;
    case "typeRef":
      return e.args.length ? `T:${e.name.name}<${e.args.map(show).join(",")}>` : `T:${e.name.name}`;
    case "call":
      return `${e.callee.name}${e.templateArgs ? `<${e.templateArgs.map(show).join(",")}>` : ""}(${e.args.map(show).join(",")})`;
    case "binary":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "unary":
      return `${e.op}${show(e.operand)}`;
    case "index":
      return `${show(e.base)}[${show(e.index)}]`;
    case "member":
      return `${show(e.base)}.${e.member.name}`;
    case "paren":
      return `{${show(e.expr)}}`;
    case "error":
      return "<error>";
  }
}

/**
 * Checks the span invariants on a whole tree: every span lies within the text, starts before it ends, and lies
 * within its parent's span; every named Ident spans exactly its name.
 */
function checkSpans(m: Module, text: string): number {
  let count = 0;
  walk(m, (node, parent) => {
    count++;
    const { start, end } = node.span;
    assert.ok(Number.isInteger(start) && Number.isInteger(end), `${node.kind}: non-integer span`);
    assert.ok(0 <= start && start <= end && end <= text.length, `${node.kind}: bad span [${start},${end})`);
    if (parent) {
      assert.ok(
        parent.span.start <= start && end <= parent.span.end,
        `${node.kind} [${start},${end}) escapes its parent ${parent.kind} [${parent.span.start},${parent.span.end})`,
      );
    }
    for (const value of Object.values(node)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v && typeof v === "object" && !("kind" in v) && typeof v.name === "string" && v.span) {
          if (v.name !== "") assert.equal(slice(text, v.span), v.name, `ident span of '${v.name}'`);
          else assert.equal(v.span.start, v.span.end, "a missing name is zero-width");
        }
      }
    }
  });
  return count;
}

const KERNEL = `enable f16;
// @dispatch 16 16 1
/* Tiled matrix multiply. /* nested */ still a comment. */
struct Dims { m: u32, n: u32, @align(16) k: u32, }
const TILE: u32 = 16u;
override SCALE: f32 = 1.0;
alias Row = array<f32, 16>;
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@group(0) @binding(2) var<uniform> dims: Dims;
var<workgroup> tile: array<Row, 16>;

fn helper(x: f32, p: ptr<function, f32>) -> f32 {
  *p = x * 2.0;
  return max(x, 0.0);
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = gid.y;
  var acc = 0.0;
  for (var t = 0u; t < dims.k / TILE; t++) {
    tile[lid.y][lid.x] = a[row * dims.k + t * TILE + lid.x];
    workgroupBarrier();
    for (var k = 0u; k < TILE; k += 1u) {
      acc = fma(tile[lid.y][k], SCALE, acc);
    }
  }
  if (row < dims.m && gid.x < dims.n) {
    c[row * dims.n + gid.x] = acc;
  }
}
`;

// ---------------------------------------------------------------------------------------------------------------

describe("lexer", () => {
  const kinds = (text: string): Tok[] => {
    const t = tokenize(text);
    return Array.from(t.kinds.subarray(0, t.count - 1));
  };

  it("reads every operator, including the multi-character ones", () => {
    assert.deepEqual(kinds("-> @ ++ -- += -= *= /= %= &= |= ^= <<= && || == != <= << ! ~ . , : ;"), [
      Tok.Arrow, Tok.At, Tok.PlusPlus, Tok.MinusMinus, Tok.PlusEq, Tok.MinusEq, Tok.StarEq, Tok.SlashEq,
      Tok.PercentEq, Tok.AndEq, Tok.OrEq, Tok.XorEq, Tok.ShlEq, Tok.AndAnd, Tok.OrOr, Tok.EqEq, Tok.NotEq, Tok.Le,
      Tok.Shl, Tok.Bang, Tok.Tilde, Tok.Period, Tok.Comma, Tok.Colon, Tok.Semicolon,
    ]);
    // '>' is merged back into '>>', '>=' and '>>=' when it closes no template list.
    assert.deepEqual(kinds("a >> b >= c >>= d > e"), [
      Tok.Ident, Tok.Shr, Tok.Ident, Tok.Ge, Tok.Ident, Tok.ShrEq, Tok.Ident, Tok.Gt, Tok.Ident,
    ]);
  });

  it("tells keywords, reserved words and identifiers apart, including Unicode identifiers", () => {
    const t = tokenize("fn let const_assert Δέλτα _x target __y");
    assert.deepEqual(Array.from(t.kinds.subarray(0, 7)), [
      Tok.KwFn, Tok.KwLet, Tok.KwConstAssert, Tok.Ident, Tok.Ident, Tok.Reserved, Tok.Ident,
    ]);
    assert.equal(t.names[3], "Δέλτα");
    assert.deepEqual(t.errors, []);
  });

  it("reads numeric literals with their suffixes and values", () => {
    const cases: [string, "int" | "float", string, number][] = [
      ["0", "int", "", 0],
      ["123", "int", "", 123],
      ["0x1Fu", "int", "u", 31],
      ["42i", "int", "i", 42],
      ["0x1f", "int", "", 31],
      ["1e-3f", "float", "f", 0.001],
      ["1.5h", "float", "h", 1.5],
      [".5", "float", "", 0.5],
      ["01.", "float", "", 1],
      ["0h", "float", "h", 0],
      ["12f", "float", "f", 12],
      ["0.e+4f", "float", "f", 0],
      ["0x1p4f", "float", "f", 16],
      ["0xa.fp+2", "float", "", 43.75],
      ["0X.3", "float", "", 0.1875],
      ["0x1.f", "float", "", 1.9375],
    ];
    for (const [src, type, suffix, value] of cases) {
      const { e } = expr(src);
      assert.equal(e.kind, "literal", src);
      const lit = e as LiteralExpr;
      assert.equal(lit.text, src);
      assert.equal(lit.literalType, type, src);
      assert.equal(lit.suffix, suffix, src);
      assert.equal(lit.value, value, src);
    }
    const b = expr("true").e as LiteralExpr;
    assert.equal(b.literalType, "bool");
    assert.equal(b.value, true);
  });

  it("rejects a leading zero on an integer", () => {
    const m = parseWgsl("const x = 012;");
    assert.equal(m.errors.length, 1);
    assert.match(m.errors[0].message, /leading zero/);
    assert.deepEqual(m.errors[0].span, { start: 10, end: 13 });
  });

  it("collects line comments and nested block comments with spans", () => {
    const text = "// @dispatch 64\nconst a = 1; /* outer /* inner */ still */ const b = 2; // tail";
    const m = parseOk(text);
    assert.equal(m.comments.length, 3);
    assert.deepEqual(
      m.comments.map((c) => [c.block, c.text, slice(text, c.span)]),
      [
        [false, "// @dispatch 64", "// @dispatch 64"],
        [true, "/* outer /* inner */ still */", "/* outer /* inner */ still */"],
        [false, "// tail", "// tail"],
      ],
    );
    assert.equal(m.decls.length, 2);
  });

  it("reports an unterminated block comment at its opening and stops", () => {
    const text = "const a = 1;\n/* never /* closed */ \nconst b = 2;";
    const m = parseWgsl(text);
    assert.equal(m.decls.length, 1);
    assert.equal(m.errors.length, 1);
    assert.match(m.errors[0].message, /unterminated block comment/);
    assert.deepEqual(m.errors[0].span, { start: 13, end: 15 });
    assert.equal(m.comments[0].span.end, text.length);
  });

  it("reports stray characters once per run", () => {
    const m = parseWgsl("const a = 1; $$$ const b = 2;");
    assert.equal(m.errors.length, 1);
    assert.match(m.errors[0].message, /unexpected characters '\$\$\$'/);
    assert.deepEqual(
      m.decls.map((d) => d.kind),
      ["const", "const"],
    );
  });
});

describe("spans", () => {
  it("gives every node and name of a realistic kernel an exact span", () => {
    const m = parseOk(KERNEL);
    const nodes = checkSpans(m, KERNEL);
    assert.ok(nodes > 150, `only ${nodes} nodes`);
    assert.deepEqual(m.span, { start: 0, end: KERNEL.length });
  });

  it("spans declarations, names and types as written", () => {
    const text = KERNEL;
    const m = parseOk(text);
    const buffer = m.decls.find((d): d is VarDecl => d.kind === "var" && d.name.name === "c");
    assert.ok(buffer);
    assert.equal(slice(text, buffer.span), "@group(0) @binding(1) var<storage, read_write> c: array<f32>");
    assert.equal(buffer.addressSpace?.name, "storage");
    assert.equal(slice(text, buffer.addressSpace!.span), "storage");
    assert.equal(buffer.accessMode?.name, "read_write");
    assert.equal(slice(text, buffer.type!.span), "array<f32>");
    assert.deepEqual(
      buffer.attributes.map((a) => [a.name.name, slice(text, a.span), show(a.args[0])]),
      [
        ["group", "@group(0)", "0"],
        ["binding", "@binding(1)", "1"],
      ],
    );

    const main = fn(m, 1);
    assert.equal(main.name.name, "main");
    assert.ok(slice(text, main.span).startsWith("@compute @workgroup_size(16, 16, 1)\nfn main("));
    assert.ok(slice(text, main.span).endsWith("}"));
    assert.equal(slice(text, main.attributes[1].span), "@workgroup_size(16, 16, 1)");
    assert.equal(slice(text, main.params[0].span), "@builtin(global_invocation_id) gid: vec3<u32>");
    assert.equal(slice(text, main.params[0].type.span), "vec3<u32>");
    assert.equal(slice(text, main.params[0].attributes[0].span), "@builtin(global_invocation_id)");

    const helper = fn(m, 0);
    assert.equal(slice(text, helper.returnType!.span), "f32");
    const ptr = helper.params[1].type;
    assert.equal(slice(text, ptr.span), "ptr<function, f32>");
    assert.deepEqual(ptr.args.map(show), ["T:function", "T:f32"]);

    // Statements include their ';', declarations inside them do not.
    const letRow = main.body.statements[0] as DeclStmt;
    assert.equal(slice(text, letRow.span), "let row = gid.y;");
    assert.equal(slice(text, letRow.decl.span), "let row = gid.y");
    assert.equal(slice(text, letRow.decl.init!.span), "gid.y");

    const loop = main.body.statements[2] as ForStmt;
    assert.equal(slice(text, loop.init!.span), "var t = 0u");
    assert.equal(slice(text, loop.condition!.span), "t < dims.k / TILE");
    assert.equal(slice(text, loop.update!.span), "t++");
    const store = loop.body.statements[0] as AssignStmt;
    assert.equal(slice(text, store.span), "tile[lid.y][lid.x] = a[row * dims.k + t * TILE + lid.x];");
    assert.equal(slice(text, store.lhs.span), "tile[lid.y][lid.x]");
    assert.equal(slice(text, store.rhs.span), "a[row * dims.k + t * TILE + lid.x]");
    const sum = (store.rhs as { index: BinaryExpr }).index;
    assert.equal(slice(text, sum.opSpan), "+");
    assert.equal(slice(text, sum.right.span), "lid.x");
  });

  it("spans a struct and its members", () => {
    const text = "struct S { @size(16) a: vec3<f32>, b: atomic<u32> }";
    const s = parseOk(text).decls[0] as StructDecl;
    assert.equal(slice(text, s.span), text);
    assert.deepEqual(
      s.members.map((mem) => [mem.name.name, slice(text, mem.span), slice(text, mem.type.span)]),
      [
        ["a", "@size(16) a: vec3<f32>", "vec3<f32>"],
        ["b", "b: atomic<u32>", "atomic<u32>"],
      ],
    );
  });

  it("spans return attributes and the return type", () => {
    const text = "@fragment fn fs() -> @location(0) vec4f { return vec4f(1.0); }";
    const f = fn(parseOk(text));
    assert.equal(slice(text, f.returnAttributes[0].span), "@location(0)");
    assert.equal(slice(text, f.returnType!.span), "vec4f");
    assert.deepEqual(f.attributes.map((a) => a.name.name), ["fragment"]);
  });
});

describe("template lists", () => {
  it("reads 'a < b' as a comparison", () => {
    assert.equal(show(expr("a < b").e), "(a < b)");
    assert.equal(show(expr("a<b").e), "(a < b)");
  });

  it("reads nested template lists in types, with '>>' closing two lists", () => {
    const text = "var<private> v: array<vec4<f32>, 16>; var<private> w: array<vec2<vec2<f32>>>;";
    const m = parseOk(text);
    const v = m.decls[0] as VarDecl;
    assert.equal(show(v.type!), "T:array<T:vec4<T:f32>,16>");
    assert.equal(slice(text, v.type!.span), "array<vec4<f32>, 16>");
    assert.equal(slice(text, v.type!.args[0].span), "vec4<f32>");
    const w = m.decls[1] as VarDecl;
    assert.equal(show(w.type!), "T:array<T:vec2<T:vec2<T:f32>>>");
  });

  it("treats 'a<b, c>' in call arguments as a template list, as the spec does", () => {
    // Spec: "In the phrase A ( B < C, D > ( E ) ), the segment < C, D > is a template list."
    const bad = expr("select(a<b, c>d, e)", true);
    assert.equal(bad.m.errors.length, 1);
    assert.match(bad.m.errors[0].message, /expected ',' or '\)'.*found 'd'/);
    assert.equal(slice(bad.text, bad.m.errors[0].span), "d");
    const call = bad.e as CallExpr;
    assert.equal(show(call.args[0]), "a<T:b,T:c>");
    // With parentheses both comparisons are comparisons.
    assert.equal(show(expr("select((a<b), c>d, e)").e), "select({(a < b)},(c > d),e)");
  });

  it("does not form a template list across '||' or '&&'", () => {
    assert.equal(show(expr("a<b || c>d").e), "((a < b) || (c > d))");
    assert.equal(show(expr("a < b && c > d").e), "((a < b) && (c > d))");
  });

  it("handles the spec's other examples", () => {
    assert.equal(show(expr("array<i32, select(2, 3, a > b)>(1, 2)").e), "array<T:i32,select(2,3,(a > b))>(1,2)");
    assert.equal(show(expr("A<B<<C>(x)").e), "A<(B << C)>(x)");
    assert.equal(show(expr("A<B<=C>(x)").e), "A<(B <= C)>(x)");
    assert.equal(show(expr("A<(B>=C)>(x)").e), "A<{(B >= C)}>(x)");
    assert.equal(show(expr("A<(B!=C)>(x)").e), "A<{(B != C)}>(x)");
    assert.equal(show(expr("A<(B==C)>(x)").e), "A<{(B == C)}>(x)");
  });

  it("parses calls with template arguments", () => {
    assert.equal(show(expr("vec4<f32>(x)").e), "vec4<T:f32>(x)");
    assert.equal(show(expr("bitcast<u32>(x)").e), "bitcast<T:u32>(x)");
    assert.equal(show(expr("array<f32, 4>(1.0, 2.0, 3.0, 4.0,)").e), "array<T:f32,4>(1.0,2.0,3.0,4.0)");
    assert.equal(show(expr("array<f32, N * 2u>()").e), "array<T:f32,(N * 2u)>()");
    assert.equal(show(expr("array<f32, vec2<u32>(1u).x>()").e), "array<T:f32,vec2<T:u32>(1u).x>()");
  });

  it("lets '=' follow a closing '>' directly", () => {
    const text = "fn f() { var v: vec4<f32>= vec4<f32>(0.0); }";
    const d = (fn(parseOk(text)).body.statements[0] as DeclStmt).decl as VarDecl;
    assert.equal(slice(text, d.type!.span), "vec4<f32>");
    assert.equal(show(d.init!), "vec4<T:f32>(0.0)");
  });

  it("keeps '>>' and '>=' as operators outside template lists", () => {
    assert.equal(show(expr("x >> 2u").e), "(x >> 2u)");
    assert.equal(show(expr("x >= y").e), "(x >= y)");
    const text = "fn f() { x >>= 1u; y <<= 2u; }";
    const [a, b] = fn(parseOk(text)).body.statements as AssignStmt[];
    assert.equal(a.op, ">>=");
    assert.equal(b.op, "<<=");
  });
});

describe("expressions", () => {
  it("follows WGSL precedence and associativity", () => {
    const cases: [string, string][] = [
      ["a + b * c", "(a + (b * c))"],
      ["a * b + c", "((a * b) + c)"],
      ["a - b - c", "((a - b) - c)"],
      ["a / b % c", "((a / b) % c)"],
      ["a + b == c * d", "((a + b) == (c * d))"],
      ["a << 2u", "(a << 2u)"],
      ["a == b && c != d && e", "(((a == b) && (c != d)) && e)"],
      ["a || b || c", "((a || b) || c)"],
      ["a & b & c", "((a & b) & c)"],
      ["a ^ b ^ c", "((a ^ b) ^ c)"],
      ["-a * b", "(-a * b)"],
      ["-a.b[0]", "-a.b[0]"],
      ["*p.x", "*p.x"],
      ["!(a < b)", "!{(a < b)}"],
      ["~x & 0xFu", "(~x & 0xFu)"],
      ["&v[i]", "&v[i]"],
      ["a--b", "(a - -b)"],
      ["&&x", "&&x"],
      ["f(a, b)[1].yzx", "f(a,b)[1].yzx"],
    ];
    for (const [src, want] of cases) {
      assert.equal(show(expr(src).e), want, src);
    }
  });

  it("splits '--' and '&&' where they are two prefix operators", () => {
    const { e, text } = expr("a--b");
    const bin = e as BinaryExpr;
    assert.equal(slice(text, bin.opSpan), "-");
    assert.equal(slice(text, bin.right.span), "-b");
    const amp = expr("&&x");
    assert.equal(amp.e.kind, "unary");
    assert.equal(slice(amp.text, amp.e.span), "&&x");
    assert.equal(slice(amp.text, (amp.e as { operand: Expr }).operand.span), "&x");
  });

  it("reports operator mixes that WGSL forbids without parentheses, but still builds the tree", () => {
    const cases: [string, RegExp, string][] = [
      ["a & b | c", /'&' and '\|' cannot be mixed/, "|"],
      ["a | b & c", /'\|' and '&' cannot be mixed/, "&"],
      ["a < b < c", /comparison operators cannot be chained/, "<"],
      ["a << b + c", /'<<' and '\+' cannot be mixed/, "+"],
      ["a + b << c", /'\+' and '<<' cannot be mixed/, "<<"],
      ["a << b << c", /'<<' and '<<' cannot be mixed/, "<<"],
      ["a && b || c", /'&&' and '\|\|' cannot be mixed/, "||"],
      ["a & b + c", /'&' and '\+' cannot be mixed/, "+"],
      ["a & b == c", /'&' and '==' cannot be mixed/, "=="],
    ];
    for (const [src, message, at] of cases) {
      const { m, e, text } = expr(src, true);
      assert.equal(m.errors.length, 1, `${src}: ${JSON.stringify(m.errors)}`);
      assert.match(m.errors[0].message, message, src);
      assert.equal(slice(text, m.errors[0].span), at, src);
      assert.equal(e.kind, "binary", src);
    }
    // The same expressions with parentheses are fine.
    for (const src of ["(a & b) | c", "a < (b < c)", "a << (b + c)", "(a && b) || c", "(a & b) == c"]) {
      expr(src);
    }
  });
});

describe("statements", () => {
  const body = (source: string): { stmts: readonly Stmt[]; text: string } => {
    const text = `fn f() {\n${source}\n}`;
    return { stmts: fn(parseOk(text)).body.statements, text };
  };

  it("parses every statement kind", () => {
    const { stmts, text } = body(`
  var a: i32 = 1;
  let b = 2;
  const c = 3;
  a = b;
  a += 1; a -= 1; a *= 2; a /= 2; a %= 2; a &= 1; a |= 1; a ^= 1; a <<= 1; a >>= 1;
  a++;
  a--;
  _ = c;
  f();
  { a = 0; }
  if a > 0 { a = 1; } else if a < 0 { a = 2; } else { a = 3; }
  switch a { case 1, 2: { } case 3 { } case default, 4: { } default { } }
  loop { a++; if a > 9 { break; } continuing { a++; break if a > 20; } }
  for (var i = 0; i < 4; i++) { continue; }
  for (;;) { break; }
  while a > 0 { a--; }
  return;
  discard;
  const_assert c == 3;
  ;
  @diagnostic(off, derivative_uniformity) if a > 0 { }
`);
    assert.deepEqual(
      stmts.map((s) => (s.kind === "assign" ? `assign${s.op}` : s.kind === "increment" ? `inc${s.op}` : s.kind)),
      [
        "declStmt", "declStmt", "declStmt", "assign=",
        "assign+=", "assign-=", "assign*=", "assign/=", "assign%=", "assign&=", "assign|=", "assign^=", "assign<<=",
        "assign>>=", "inc++", "inc--", "assign=", "callStmt", "block", "if", "switch", "loop", "for", "for", "while",
        "return", "discard", "constAssertStmt", "empty", "if",
      ],
    );
    const phony = stmts[16] as AssignStmt;
    assert.equal(show(phony.lhs), "_");

    const ifs = stmts[19] as IfStmt;
    assert.equal(slice(text, ifs.span), "if a > 0 { a = 1; } else if a < 0 { a = 2; } else { a = 3; }");
    const elseIf = ifs.else as IfStmt;
    assert.equal(elseIf.kind, "if");
    assert.equal(slice(text, elseIf.span), "if a < 0 { a = 2; } else { a = 3; }");
    assert.equal((elseIf.else as BlockStmt).kind, "block");

    const sw = stmts[20] as SwitchStmt;
    assert.deepEqual(
      sw.clauses.map((c) => c.selectors.map((s) => (s === "default" ? s : show(s)))),
      [["1", "2"], ["3"], ["default", "4"], ["default"]],
    );
    assert.equal(slice(text, sw.clauses[2].defaultSpan!), "default");
    assert.equal(slice(text, sw.clauses[0].span), "case 1, 2: { }");

    const loop = stmts[21] as LoopStmt;
    assert.deepEqual(loop.body.statements.map((s) => s.kind), ["increment", "if"]);
    assert.ok(loop.continuing);
    assert.deepEqual(loop.continuing.statements.map((s) => s.kind), ["increment", "breakIf"]);
    assert.equal(slice(text, loop.continuing.statements[1].span), "break if a > 20;");

    const forLoop = stmts[22] as ForStmt;
    assert.equal(forLoop.init?.kind, "declStmt");
    assert.equal(forLoop.update?.kind, "increment");
    const empty = stmts[23] as ForStmt;
    assert.equal(empty.init, undefined);
    assert.equal(empty.condition, undefined);
    assert.equal(empty.update, undefined);

    const attributed = stmts[29] as IfStmt;
    assert.equal(attributed.attributes[0].name.name, "diagnostic");
    assert.equal(show(attributed.attributes[0].args[1]), "derivative_uniformity");
    assert.ok(slice(text, attributed.span).startsWith("@diagnostic(off, derivative_uniformity) if"));
    checkSpans(parseOk(text), text);
  });

  it("parses module-scope directives and declarations", () => {
    const text = `enable f16, subgroups;
requires readonly_and_readwrite_storage_textures;
diagnostic(off, chromium.unreachable_code);
const_assert 1 < 2;
override blockSize: u32;
@id(7) override gain = 2.0;`;
    const m = parseOk(text);
    assert.deepEqual(
      m.decls.map((d) => d.kind),
      ["enable", "requires", "diagnostic", "const_assert", "override", "override"],
    );
    const en = m.decls[0];
    assert.ok(en.kind === "enable");
    assert.deepEqual(en.names.map((n) => n.name), ["f16", "subgroups"]);
    const diag = m.decls[2];
    assert.ok(diag.kind === "diagnostic");
    assert.equal(diag.severity.name, "off");
    assert.deepEqual(diag.rule.map((r) => r.name), ["chromium", "unreachable_code"]);
    assert.equal(slice(text, diag.span), "diagnostic(off, chromium.unreachable_code)");
    const gain = m.decls[5] as ValueDecl;
    assert.equal(gain.attributes[0].name.name, "id");
    checkSpans(m, text);
  });

  it("reports directives after declarations", () => {
    const m = parseWgsl("const a = 1;\nenable f16;");
    assert.equal(m.errors.length, 1);
    assert.match(m.errors[0].message, /'enable' directives must come before all declarations/);
  });
});

describe("error recovery", () => {
  it("keeps the next function intact after a missing ';'", () => {
    const text = `fn first() {
  let x = 1
  let y = 2;
}
fn second() -> f32 { return 2.0; }`;
    const m = parseWgsl(text);
    assert.equal(m.errors.length, 1);
    assert.equal(m.errors[0].message, "expected ';' after the 'let' declaration, found 'let'");
    assert.equal(slice(text, m.errors[0].span), "let");
    assert.equal(m.errors[0].span.start, text.indexOf("let y"));
    assert.deepEqual(
      fn(m, 0).body.statements.map((s) => slice(text, s.span)),
      ["let x = 1", "let y = 2;"],
    );
    const second = fn(m, 1);
    assert.equal(second.name.name, "second");
    assert.equal(slice(text, second.span), "fn second() -> f32 { return 2.0; }");
    checkSpans(m, text);
  });

  it("skips garbage inside a statement and carries on", () => {
    const text = "fn f() { let a = 1 2 3; let b = a; }";
    const m = parseWgsl(text);
    assert.equal(m.errors.length, 1);
    assert.equal(slice(text, m.errors[0].span), "2");
    assert.deepEqual(
      fn(m).body.statements.map((s) => (s.kind === "declStmt" ? s.decl.name.name : s.kind)),
      ["a", "b"],
    );
  });

  it("reports one error per broken place, not a cascade", () => {
    const text = "fn f(1) { foo bar; x; }";
    const m = parseWgsl(text);
    assert.deepEqual(
      m.errors.map((e) => [e.message, slice(text, e.span)]),
      [
        ["expected a parameter name, found '1'", "1"],
        ["expected '=', a compound assignment, '++', '--' or a function call, found 'bar'", "bar"],
        ["expected '=', a compound assignment, '++', '--' or a function call, found ';'", ";"],
      ],
    );
    assert.deepEqual(fn(m).body.statements.map((s) => s.kind), ["errorStmt", "errorStmt"]);
  });

  it("yields the earlier declarations of a file cut in the middle of a function", () => {
    const full = KERNEL;
    const cut = full.slice(0, full.indexOf("workgroupBarrier();") + 8);
    const m = parseWgsl(cut);
    assert.ok(m.errors.length >= 1);
    assert.deepEqual(
      m.decls.map((d) => ("name" in d ? `${d.kind} ${d.name.name}` : d.kind)),
      [
        "enable", "struct Dims", "const TILE", "override SCALE", "alias Row", "var a", "var c", "var dims", "var tile",
        "function helper", "function main",
      ],
    );
    // The cut function keeps what was written before the cut.
    const main = fn(m, 1);
    assert.deepEqual(main.body.statements.map((s) => s.kind), ["declStmt", "declStmt", "for"]);
    checkSpans(m, cut);
  });

  it("closes an unterminated function at the next 'fn'", () => {
    const text = "fn a() {\n  let x = 1;\n\nfn b() { }";
    const m = parseWgsl(text);
    assert.equal(m.errors.length, 1);
    assert.match(m.errors[0].message, /expected '}' to close the block, found 'fn'/);
    assert.deepEqual(
      m.decls.map((d) => (d.kind === "function" ? d.name.name : d.kind)),
      ["a", "b"],
    );
  });

  it("produces error nodes where expressions are missing", () => {
    const text = "fn f() { let x = ; let y = (1 + ); foo(1,, 2); }";
    const m = parseWgsl(text);
    assert.ok(m.errors.length >= 3);
    const [x, y, call] = fn(m).body.statements;
    assert.equal(((x as DeclStmt).decl as ValueDecl).init?.kind, "error");
    assert.equal(show(((y as DeclStmt).decl as ValueDecl).init!), "{(1 + <error>)}");
    assert.equal(call.kind, "callStmt");
    assert.match(m.errors[0].message, /expected an expression, found ';'/);
    checkSpans(m, text);
  });

  it("recovers at module scope from junk between declarations", () => {
    const text = "const a = 1;\nx y z;\n} ) ]\nconst b = 2;\nstruct S { a: f32 b: f32 }\nconst c = 3;";
    const m = parseWgsl(text);
    assert.deepEqual(
      m.decls.map((d) => ("name" in d ? d.name.name : d.kind)),
      ["a", "b", "S", "c"],
    );
    const s = m.decls[2] as StructDecl;
    assert.deepEqual(s.members.map((mem) => mem.name.name), ["a", "b"]);
    assert.ok(m.errors.some((e) => /expected ',' or '}' after a struct member, found 'b'/.test(e.message)));
    checkSpans(m, text);
  });

  it("reports a missing ')' in a parameter list and keeps the body", () => {
    const text = "fn f(a: f32 { return; }";
    const m = parseWgsl(text);
    assert.match(m.errors[0].message, /expected ',' or '\)' after a parameter, found '\{'/);
    assert.equal(fn(m).body.statements[0].kind, "return");
  });

  it("survives random truncations and byte mutations of a kernel", () => {
    // A small deterministic PRNG keeps failures reproducible.
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = "{}()[]<>;:,.=+-*/&|^!~@_ \n\tafnvlet0123456789x\u0000\u00ff\ud800é";
    let checked = 0;
    for (let round = 0; round < 400; round++) {
      let text = KERNEL;
      if (round % 2 === 0) text = text.slice(0, Math.floor(random() * text.length));
      const mutations = Math.floor(random() * 8);
      for (let i = 0; i < mutations; i++) {
        const at = Math.floor(random() * (text.length + 1));
        const action = random();
        const ch = alphabet[Math.floor(random() * alphabet.length)];
        if (action < 0.4) text = text.slice(0, at) + ch + text.slice(at + 1);
        else if (action < 0.7) text = text.slice(0, at) + ch + text.slice(at);
        else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 20));
      }
      let m: Module;
      try {
        m = parseWgsl(text);
      } catch (e) {
        assert.fail(`parseWgsl threw on round ${round}: ${String(e)}\n---\n${text}`);
      }
      checkSpans(m, text);
      for (const e of m.errors) assert.ok(e.span.start <= e.span.end && e.span.end <= text.length);
      checked++;
    }
    // Pure random bytes too.
    for (let round = 0; round < 50; round++) {
      let text = "";
      const n = Math.floor(random() * 400);
      for (let i = 0; i < n; i++) text += String.fromCharCode(Math.floor(random() * 0x3000));
      checkSpans(parseWgsl(text), text);
      checked++;
    }
    assert.equal(checked, 450);
  });
});

describe("deep nesting", () => {
  const tooDeep = (m: Module): boolean => m.errors.some((e) => /nested too deeply/.test(e.message));

  it("caps 10,000 nested parentheses without overflowing the stack", () => {
    const n = 10_000;
    const text = `fn f() { let x = ${"(".repeat(n)}1${")".repeat(n)}; let y = 2; }`;
    const m = parseWgsl(text);
    assert.ok(tooDeep(m));
    assert.equal(m.errors.length, 1);
    const stmts = fn(m).body.statements;
    assert.equal(stmts.length, 2, "the statement after the deep one survives");
    // The error points into the expression, at the level where the cap was reached.
    assert.equal(text[m.errors[0].span.start], "(");
    checkSpans(m, text);
  });

  it("caps 10,000 unary minus signs", () => {
    const text = `const x = ${"-".repeat(10_000)}1; const y = 2;`;
    const m = parseWgsl(text);
    assert.ok(tooDeep(m));
    assert.deepEqual(m.decls.map((d) => ("name" in d ? d.name.name : d.kind)), ["x", "y"]);
  });

  it("caps nested blocks, if chains and template lists", () => {
    const n = 10_000;
    const blocks = parseWgsl(`fn f() { ${"{".repeat(n)}${"}".repeat(n)} } fn g() { }`);
    assert.ok(tooDeep(blocks));
    assert.equal(blocks.decls.length, 2);

    const ifs = `fn f() { ${Array.from({ length: 3000 }, (_, i) => `if a == ${i} { }`).join(" else ")} } fn g() { }`;
    const chain = parseWgsl(ifs);
    assert.ok(tooDeep(chain));
    assert.equal(chain.decls.length, 2);

    const templates = parseWgsl(`var<private> v: ${"array<".repeat(n)}f32${">".repeat(n)}; const k = 1;`);
    assert.ok(tooDeep(templates));
    assert.deepEqual(templates.decls.map((d) => d.kind), ["var", "const"]);
  });

  it("allows nesting up to the cap", () => {
    const depth = MAX_NESTING_DEPTH - 10;
    const m = parseOk(`fn f() { let x = ${"(".repeat(depth)}1${")".repeat(depth)}; }`);
    assert.equal(m.decls.length, 1);
  });

  it("parses very long flat expressions iteratively", () => {
    const text = `const x = ${Array.from({ length: 20_000 }, () => "a").join(" + ")};`;
    const m = parseOk(text);
    let depth = 0;
    walk(m, (node) => {
      if (node.kind === "binary") depth++;
    });
    assert.equal(depth, 19_999);
  });
});

describe("speed", () => {
  // The speed goal (p95 under 20 ms for this file) lives in the benchmark (`npm run bench`, front-end), measured
  // against a baseline in the same run: this shared 2-core machine is too noisy for a timed unit test. Here only a
  // pathological slowdown (ten times the goal, in every one of three rounds) fails.
  it("parses a 2,000-line file of kernels without a pathological slowdown", () => {
    const text = generateKernelFile(2000);
    assert.ok(text.split("\n").length >= 2000);
    const m = parseOk(text);
    assert.ok(m.decls.length > 200);
    const p95s: number[] = [];
    for (let round = 0; round < 3; round++) {
      const stats = timeRuns(() => parseWgsl(text), 50, 15);
      p95s.push(stats.p95Ms);
      if (stats.p95Ms < 200) break;
    }
    assert.ok(Math.min(...p95s) < 200, `p95 per round: ${p95s.map((p) => p.toFixed(2)).join(", ")} ms`);
  });
});
