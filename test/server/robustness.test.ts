// Feeds the language server truncated files, random byte mutations and pathological nesting; it must keep answering.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { DocumentSymbol, Hover } from "vscode-languageserver-protocol";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";
import { mulberry32 } from "../support/random";


function exampleFiles(dir = join(repoRoot, "examples")): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) out.push(...exampleFiles(path));
    else if (name.name.endsWith(".wgsl")) out.push(path);
  }
  return out;
}

const ALPHABET = "{}()[]<>;:,.@/*-+=!&|^~#\"'\n\t 0123456789abcxyzfnletvar\u0000\u00e9\ud83d\ude00";

function mutate(text: string, rand: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * (chars.length + 1));
    const op = rand();
    if (op < 0.4) chars.splice(at, 1 + Math.floor(rand() * 5));
    else if (op < 0.8) chars.splice(at, 0, ALPHABET[Math.floor(rand() * ALPHABET.length)]);
    else chars.splice(at, 1, String.fromCharCode(Math.floor(rand() * 0xffff)));
  }
  return chars.join("");
}

describe("language server robustness", { timeout: 180000 }, () => {
  let server: ServerHandle;
  const uri = "file:///tmp/kernellens-fuzz.wgsl";
  let version = 1;

  /** Sends a text and waits for its diagnostics; then checks the server still answers requests on it. */
  async function feed(text: string, what: string): Promise<void> {
    version++;
    const got = server.diagnostics(uri, (p) => p.version === version, 20000);
    server.change(uri, text, version);
    await got.catch((err: Error) => assert.fail(`${what}: ${err.message}`));
    const position = { line: Math.floor(text.split("\n").length / 2), character: 3 };
    const [symbols, hover] = await Promise.all([
      server.connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri } }) as Promise<DocumentSymbol[]>,
      server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position }) as Promise<Hover | null>,
      server.connection.sendRequest("textDocument/completion", { textDocument: { uri }, position }),
      server.connection.sendRequest("textDocument/definition", { textDocument: { uri }, position }),
    ]);
    assert.ok(Array.isArray(symbols), `${what}: symbols answered`);
    void hover;
    assert.equal(server.process.exitCode, null, `${what}: server still running`);
  }

  before(async () => {
    server = await startServer({ diagnostics: { debounceMs: 0 } });
    server.open(uri, "", 1);
    await server.diagnostics(uri, (p) => p.version === 1);
  });
  after(async () => {
    await server.stop();
  });

  it("survives every truncation point of each example (sampled)", async () => {
    const rand = mulberry32(1);
    for (const file of exampleFiles()) {
      const text = readFileSync(file, "utf8");
      for (let k = 0; k < 25; k++) {
        const cut = Math.floor(rand() * text.length);
        await feed(text.slice(0, cut), `${file} cut at ${cut}`);
      }
    }
  });

  it("survives random byte mutations of the examples", async () => {
    const rand = mulberry32(2);
    for (const file of exampleFiles()) {
      let text = readFileSync(file, "utf8");
      for (let k = 0; k < 40; k++) {
        text = k % 10 === 0 ? readFileSync(file, "utf8") : text;
        text = mutate(text, rand);
        await feed(text, `${file} mutation ${k}`);
      }
    }
  });

  it("survives deep nesting, huge lines and binary junk", async () => {
    const n = 20000;
    await feed(`fn f() -> i32 { return ${"(".repeat(n)}1${")".repeat(n)}; }`, "nested parentheses");
    await feed(`fn f() -> i32 { return ${"-".repeat(n)}1; }`, "nested unary minus");
    await feed(`fn f() { ${"{".repeat(n)}${"}".repeat(n)} }`, "nested blocks");
    await feed(`fn f() { ${"if (true) { ".repeat(2000)}${"}".repeat(2000)} }`, "nested ifs");
    await feed(`fn f() -> i32 { return 1${" + 1".repeat(n)}; }`, "long sum");
    await feed(`fn f() -> vec4<${"array<".repeat(3000)}f32${">".repeat(3000)}> {}`, "nested templates");
    await feed(`// @let N = ${"(".repeat(5000)}1${")".repeat(5000)}\n// @dispatch ${"ceil(".repeat(3000)}1${")".repeat(3000)}`, "nested directive expressions");
    await feed(`${"#ifdef A\n".repeat(3000)}x\n${"#endif\n".repeat(3000)}`, "nested #ifdef");
    await feed(`#define A B\n#define B A\nconst x = A;`, "recursive macros");
    await feed("x".repeat(2_000_000), "a 2 MB line");
    const rand = mulberry32(3);
    await feed(Array.from({ length: 20000 }, () => String.fromCharCode(Math.floor(rand() * 256))).join(""), "binary junk");
  });

  it("still gives correct diagnostics afterwards", async () => {
    version++;
    const got = server.diagnostics(uri, (p) => p.version === version);
    server.change(uri, "fn f() {\n  let x: i32 = 1.5;\n}\n", version);
    const d = await got;
    assert.equal(d.diagnostics.length, 1);
    assert.equal(d.diagnostics[0].range.start.line, 1);
    const crashes = server.logs().filter((m) => /analysis of .* failed/.test(m));
    assert.deepEqual(crashes, [], "no analysis threw");
  });
});
