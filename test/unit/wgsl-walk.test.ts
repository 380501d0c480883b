// Tests for the syntax-tree walker and the offset/position line index.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseWgsl } from "../../server/src/core/wgsl/parser";
import { childrenOf, forEachChild, walk, type AstNode } from "../../server/src/core/wgsl/walk";
import { LineIndex } from "../../server/src/core/wgsl/lineIndex";

const SOURCE = `struct P { a: f32, @align(8) b: vec2<f32> }
@group(0) @binding(0) var<storage, read_write> buf: array<P>;
@compute @workgroup_size(4)
fn main(@builtin(local_invocation_index) i: u32) -> @location(0) vec4f {
  var s = buf[i].a + f(2.0);
  loop { s += 1.0; continuing { break if s > 3.0; } }
  switch i { case 1u, default: { s = -s; } }
  for (var k = 0u; k < 2u; k++) { _ = k; }
  return vec4f(s);
}`;

describe("walk", () => {
  it("visits every node in source order, parents before children", () => {
    const m = parseWgsl(SOURCE);
    assert.deepEqual(m.errors, []);
    const starts: number[] = [];
    const kinds: string[] = [];
    walk(m, (node, parent) => {
      kinds.push(node.kind);
      starts.push(node.span.start);
      if (parent) assert.ok(parent.span.start <= node.span.start);
    });
    // Pre-order over source-ordered children means start offsets never decrease.
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i - 1] <= starts[i], `order at ${kinds[i]}`);
    for (const kind of [
      "module", "struct", "member", "attribute", "var", "typeRef", "function", "param", "block", "declStmt", "binary",
      "index", "call", "loop", "assign", "breakIf", "switch", "case", "unary", "for", "increment", "return", "literal",
      "ident",
    ]) {
      assert.ok(kinds.includes(kind), `no ${kind} visited`);
    }
    // Struct members and member expressions share the kind "member"; both are reached.
    assert.equal(kinds.filter((k) => k === "member").length, 3);
  });

  it("skips children when enter returns false and still calls leave", () => {
    const m = parseWgsl(SOURCE);
    const entered: string[] = [];
    const left: string[] = [];
    walk(
      m,
      (node) => {
        entered.push(node.kind);
        return node.kind !== "function";
      },
      (node) => left.push(node.kind),
    );
    assert.ok(!entered.includes("loop"), "function bodies were skipped");
    assert.ok(entered.includes("function"));
    assert.deepEqual([...left].sort(), [...entered].sort(), "leave runs once per entered node");
    assert.equal(left[left.length - 1], "module", "the root is left last");
  });

  it("agrees with forEachChild and childrenOf", () => {
    const m = parseWgsl(SOURCE);
    const fn = m.decls[2];
    assert.equal(fn.kind, "function");
    const viaCallback: AstNode[] = [];
    forEachChild(fn, (c) => viaCallback.push(c));
    assert.deepEqual(childrenOf(fn), viaCallback);
    assert.deepEqual(
      viaCallback.map((c) => c.kind),
      ["attribute", "attribute", "param", "attribute", "typeRef", "block"],
    );
  });

  it("walks a very deep tree without recursion", () => {
    const text = `const x = ${Array.from({ length: 50_000 }, () => "1").join(" + ")};`;
    let literals = 0;
    walk(parseWgsl(text), (node) => {
      if (node.kind === "literal") literals++;
    });
    assert.equal(literals, 50_000);
  });
});

describe("LineIndex", () => {
  it("maps offsets to positions and back for \\n, \\r\\n and \\r line ends", () => {
    const text = "ab\ncd\r\nef\rgh";
    const index = new LineIndex(text);
    assert.equal(index.lineCount, 4);
    const expected: [number, number, number][] = [
      [0, 0, 0],
      [2, 0, 2],
      [3, 1, 0],
      [5, 1, 2],
      [7, 2, 0],
      [10, 3, 0],
      [12, 3, 2],
    ];
    for (const [offset, line, character] of expected) {
      assert.deepEqual(index.positionAt(offset), { line, character }, `offset ${offset}`);
      assert.equal(index.offsetAt({ line, character }), offset, `position ${line}:${character}`);
    }
    // Between '\r' and '\n' counts as the end of the line.
    assert.deepEqual(index.positionAt(6), { line: 1, character: 2 });
  });

  it("clamps out-of-range input like the LSP does", () => {
    const text = "abc\nde";
    const index = new LineIndex(text);
    assert.deepEqual(index.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(99), { line: 1, character: 2 });
    assert.equal(index.offsetAt({ line: 0, character: 99 }), 3, "past the end of a line means its end");
    assert.equal(index.offsetAt({ line: 7, character: 0 }), text.length);
    assert.equal(index.lineStart(1), 4);
    assert.equal(index.lineEnd(0), 3);
    assert.equal(index.lineEnd(1), 6);
  });

  it("counts UTF-16 code units and agrees with a linear scan on a large file", () => {
    const line = "let 😀 = \"é\"; // x\n";
    const text = line.repeat(2000) + "end";
    const index = new LineIndex(text);
    assert.equal(index.lineCount, 2001);
    for (let offset = 0; offset <= text.length; offset += 37) {
      const before = text.slice(0, offset);
      const lineNo = before.split("\n").length - 1;
      const character = offset - (before.lastIndexOf("\n") + 1);
      assert.deepEqual(index.positionAt(offset), { line: lineNo, character });
      assert.equal(index.offsetAt({ line: lineNo, character }), offset);
    }
  });
});
