// End-to-end scenarios run inside VS Code's extension host (extensionTestsPath): Tint diagnostic on a bad edit, builtin hover, document symbols; writes a result file for run.mjs.
//
// The extension host reports success for a runner that throws, so every outcome goes to $KERNELLENS_E2E_RESULT as
// JSON ({ tests: [{ name, ok, ms, error }] }) and run.mjs asserts on that.
"use strict";

const vscode = require("vscode");
const { writeFileSync } = require("node:fs");

const EXAMPLE = process.env.KERNELLENS_E2E_EXAMPLE || "saxpy.wgsl";
const BAD_LINE = "let bad: i32 = 1.5;";
const TINT_MESSAGE = "cannot convert value of type 'abstract-float' to type 'i32'";
const BUILTINS = ["fma", "min", "max", "clamp", "arrayLength", "select", "abs", "dot", "mix", "sqrt", "workgroupBarrier"];
const EXTENSION_ID = "kernellens.kernellens";
const TEST_TIMEOUT_MS = 150_000;

class Timeout extends Error {}

/** Resolves with `check()`'s first truthy value, re-checking whenever `event` fires; rejects after `ms`. */
function waitForEvent(what, event, check, ms) {
  return new Promise((resolve, reject) => {
    let done = false;
    let subscription;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription?.dispose();
      fn(value);
    };
    const test = async () => {
      try {
        const value = await check();
        if (value) finish(resolve, value);
      } catch (err) {
        finish(reject, err);
      }
    };
    const timer = setTimeout(() => finish(reject, new Timeout(`timed out after ${ms} ms waiting for ${what}`)), ms);
    subscription = event(() => void test());
    void test();
  });
}

/** Rejects when `promise` has not settled after `ms`: a stuck step fails its test instead of hanging VS Code. */
function withDeadline(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Polls `check()` until it returns something truthy; for providers that answer nothing until the server is ready. */
async function poll(what, check, ms, interval = 200) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await check();
    if (last && (!Array.isArray(last) || last.length > 0)) return last;
    if (Date.now() > deadline) throw new Timeout(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

function entryPoint(source) {
  const match = /@compute[\s\S]*?\bfn\s+(\w+)\s*\(/.exec(source);
  if (!match) throw new Error(`${EXAMPLE} has no @compute entry point`);
  const brace = source.indexOf("{", match.index + match[0].length);
  return { name: match[1], braceLine: source.slice(0, brace).split("\n").length - 1 }; // 0-based
}

function builtinCall(document) {
  for (const name of BUILTINS) {
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineAt(line).text;
      if (text.trimStart().startsWith("//")) continue;
      const at = new RegExp(`\\b${name}\\s*\\(`).exec(text);
      if (at) return { name, position: new vscode.Position(line, at.index + 1) };
    }
  }
  throw new Error(`${EXAMPLE} calls none of ${BUILTINS.join(", ")}`);
}

function hoverText(hovers) {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === "string" ? c : c.value))
    .join("\n");
}

function symbolNames(symbols) {
  const names = [];
  const walk = (list) => {
    for (const s of list ?? []) {
      names.push(s.name);
      walk(s.children);
    }
  };
  walk(symbols);
  return names;
}

async function run() {
  const resultFile = process.env.KERNELLENS_E2E_RESULT;
  const tests = [];
  const folder = vscode.workspace.workspaceFolders?.[0];
  let document;

  async function test(name, body) {
    const started = Date.now();
    try {
      await withDeadline(body(), TEST_TIMEOUT_MS, `the test to finish`);
      tests.push({ name, ok: true, ms: Date.now() - started });
    } catch (err) {
      tests.push({ name, ok: false, ms: Date.now() - started, error: err instanceof Error ? err.stack || err.message : String(err) });
    }
  }

  await test(`opens ${EXAMPLE} as wgsl and activates KernelLens`, async () => {
    if (!folder) throw new Error("no workspace folder open (run.mjs passes the workspace as the first launch argument)");
    document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, EXAMPLE));
    await vscode.window.showTextDocument(document);
    if (document.languageId !== "wgsl") throw new Error(`languageId is ${document.languageId}, expected wgsl`);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
    await withDeadline(Promise.resolve(extension.activate()), 60_000, "KernelLens to activate");
  });

  await test("publishes Tint's error on the edited line (source tint) and clears it after the revert", async () => {
    if (!document) throw new Error("no document (the first test failed)");
    const uri = document.uri;
    const { braceLine } = entryPoint(document.getText());
    const badLine = braceLine + 1;
    const edit = new vscode.WorkspaceEdit();
    const indent = /^\s*/.exec(document.lineAt(braceLine + 1).text)?.[0] || "  ";
    edit.insert(uri, document.lineAt(braceLine).range.end, `\n${indent}${BAD_LINE}`);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error("the WorkspaceEdit was not applied");
    try {
      const errors = () => vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
      const found = await waitForEvent(
        `an error diagnostic on line ${badLine + 1} saying "${TINT_MESSAGE}"`,
        vscode.languages.onDidChangeDiagnostics,
        () => errors().find((d) => d.range.start.line === badLine && d.message.includes(TINT_MESSAGE)),
        60_000,
      ).catch((err) => {
        const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line + 1}: [${d.source}] ${d.message}`);
        throw new Error(`${err.message}; diagnostics now: ${JSON.stringify(seen)}`);
      });
      if (found.source !== "tint") throw new Error(`diagnostic source is ${JSON.stringify(found.source)}, expected "tint"`);
      const elsewhere = errors().filter((d) => d.range.start.line !== badLine);
      if (elsewhere.length > 0) throw new Error(`unexpected errors on other lines: ${elsewhere.map((d) => `${d.range.start.line + 1}: ${d.message}`).join("; ")}`);
    } finally {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand("workbench.action.files.revert");
    }
    if (document.getText().includes(BAD_LINE)) throw new Error("the revert did not remove the edit");
    await waitForEvent(
      "the error diagnostics to clear after the revert",
      vscode.languages.onDidChangeDiagnostics,
      () => vscode.languages.getDiagnostics(uri).every((d) => d.severity !== vscode.DiagnosticSeverity.Error),
      60_000,
    );
  });

  await test("hovers a builtin call with documentation (vscode.executeHoverProvider)", async () => {
    if (!document) throw new Error("no document (the first test failed)");
    const call = builtinCall(document);
    // The server's documentation: the builtin's signature (`fn fma(e1: T, ...) -> T`) followed by prose.
    const docs = new RegExp(`\\bfn ${call.name}\\([^)]*\\)[\\s\\S]*?(\\w+\\W+){3,}`);
    let text = "";
    await poll(
      `a hover on ${call.name} with documentation`,
      async () => {
        text = hoverText(await vscode.commands.executeCommand("vscode.executeHoverProvider", document.uri, call.position));
        return docs.test(text);
      },
      30_000,
    ).catch((err) => {
      throw new Error(`${err.message}; hover: ${JSON.stringify(text)}`);
    });
  });

  await test("lists the entry point among the document symbols (vscode.executeDocumentSymbolProvider)", async () => {
    if (!document) throw new Error("no document (the first test failed)");
    const { name } = entryPoint(document.getText());
    let names = [];
    await poll(
      `document symbols naming ${name}`,
      async () => {
        names = symbolNames(await vscode.commands.executeCommand("vscode.executeDocumentSymbolProvider", document.uri));
        return names.includes(name);
      },
      30_000,
    ).catch((err) => {
      throw new Error(`${err.message}; symbols: ${JSON.stringify(names)}`);
    });
  });

  const result = { vscodeVersion: vscode.version, workspace: folder?.uri.fsPath, tests };
  if (resultFile) writeFileSync(resultFile, JSON.stringify(result, null, 2));
  else console.log(JSON.stringify(result, null, 2));
  const failed = tests.filter((t) => !t.ok);
  if (failed.length > 0) throw new Error(`${failed.length} of ${tests.length} failed: ${failed.map((t) => t.name).join("; ")}`);
}

module.exports = { run };
