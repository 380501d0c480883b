// The language server's answers shaped for what a client supports (lsp/clientSupport.ts), without a server.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CompletionItemKind, InsertTextFormat, MarkupKind, SymbolKind } from "vscode-languageserver";
import { baseSupport, clientSupport, completionFor, hoverFor, initialFolders, snippetToPlain, symbolsFor } from "../../server/src/lsp/clientSupport";

describe("client support", () => {
  it("reads nothing from a client that advertises nothing", () => {
    assert.deepEqual(clientSupport({}), baseSupport);
    assert.deepEqual(clientSupport(undefined), baseSupport);
    const vscodeLike = clientSupport({
      workspace: { configuration: true, workspaceFolders: true, codeLens: { refreshSupport: true }, inlayHint: { refreshSupport: true } },
      textDocument: { hover: { contentFormat: ["markdown"] }, completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown"] } }, documentSymbol: { hierarchicalDocumentSymbolSupport: true } },
    });
    assert.ok(Object.values(vscodeLike).every((v) => v === true));
  });

  it("takes the folders from workspaceFolders, else rootUri, else rootPath", () => {
    assert.deepEqual(initialFolders({ workspaceFolders: [{ uri: "file:///a", name: "a" }], rootUri: "file:///b" }), ["/a"]);
    assert.deepEqual(initialFolders({ workspaceFolders: null, rootUri: "file:///b" }), ["/b"]);
    assert.deepEqual(initialFolders({ rootUri: null, rootPath: "/c" }), ["/c"]);
    assert.deepEqual(initialFolders({ rootUri: null }), []);
    assert.deepEqual(initialFolders({ rootUri: "untitled:x" }), []);
  });

  it("turns snippets into the text of their placeholders", () => {
    assert.equal(snippetToPlain("let ${1:N} = ${2:1 << 20}"), "let N = 1 << 20");
    assert.equal(snippetToPlain("uniform ${1:params} = { ${2:n}: ${3:N} }"), "uniform params = { n: N }");
    assert.equal(snippetToPlain("buffer ${1:name}[${2:N}]${3: = random(-1, 1)}"), "buffer name[N] = random(-1, 1)");
    assert.equal(snippetToPlain("f($1, ${2}) ${3|a,b|} \\$x ${1:outer ${2:inner}}"), "f(, ) a $x outer inner");
  });

  it("downgrades completion, hover and symbols for a plain client, and leaves them for a rich one", () => {
    const items = [{ label: "@let", kind: CompletionItemKind.Keyword, insertText: "let ${1:N} = ${2:1}", insertTextFormat: InsertTextFormat.Snippet, documentation: { kind: MarkupKind.Markdown, value: "**x**" } }];
    const plain = completionFor(items, baseSupport);
    assert.deepEqual(plain[0], { ...items[0], insertText: "let N = 1", insertTextFormat: InsertTextFormat.PlainText, documentation: { kind: MarkupKind.PlainText, value: "**x**" } });
    const rich = clientSupport({ textDocument: { completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown"] } } } });
    assert.equal(completionFor(items, rich), items);
    assert.deepEqual(hoverFor({ contents: { kind: MarkupKind.Markdown, value: "v" } }, baseSupport), { contents: { kind: MarkupKind.PlainText, value: "v" } });
    const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
    const tree = [{ name: "S", kind: SymbolKind.Struct, range, selectionRange: range, children: [{ name: "m", kind: SymbolKind.Field, range, selectionRange: range }] }];
    assert.deepEqual(symbolsFor("file:///x", tree, baseSupport), [
      { name: "S", kind: SymbolKind.Struct, location: { uri: "file:///x", range } },
      { name: "m", kind: SymbolKind.Field, location: { uri: "file:///x", range }, containerName: "S" },
    ]);
  });
});
