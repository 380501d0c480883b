// The workspace as the boundary of what the engine reads, and the size cap on every read: the include resolvers of
// the CLI, the run pipeline and the language server (inside, outside, `..`, absolute, symbolic links, trusted or not,
// per-file and total caps), capped reads and history tails, and the diagnostic an outside include gets.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { preprocess } from "../../server/src/core/preprocess/preprocess";
import { cliFileAccess, isWithin, placeFile } from "../../server/src/run/fileAccess";
import { INCLUDE_OUTSIDE_CODE, includeResolver, workspaceIncludeResolver } from "../../server/src/run/includeResolver";
import { readCapped, readCappedText, readTailLines } from "../../server/src/run/readCapped";
import { readHistoryDetailed } from "../../server/src/run/history";

/** A workspace with a library below it, a folder beside it (outside) and links from the one to the other. */
function fixture(): { root: string; ws: string; outside: string; main: string } {
  // realpath: on macOS the temporary folder is itself a link.
  const root = realpathSync(mkdtempSync(join(tmpdir(), "kl-access-")));
  const ws = join(root, "ws");
  const outside = join(root, "outside");
  mkdirSync(join(ws, "lib"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(ws, "lib", "common.wgsl"), "const A: u32 = 1u;\n");
  writeFileSync(join(ws, "near.wgsl"), "const B: u32 = 2u;\n");
  writeFileSync(join(outside, "secret.wgsl"), "const S: u32 = 3u;\n");
  symlinkSync(join(outside, "secret.wgsl"), join(ws, "link.wgsl"));
  symlinkSync(outside, join(ws, "linkdir"));
  symlinkSync(join(ws, "lib", "common.wgsl"), join(ws, "inner-link.wgsl"));
  const main = join(ws, "main.wgsl");
  writeFileSync(main, "");
  return { root, ws, outside, main };
}

const untrusted = (ws: string) => ({ roots: [ws], allowOutside: false, outsideHint: "; trust it" });

describe("the workspace boundary (fileAccess)", () => {
  it("places files inside and outside, following links first", () => {
    const f = fixture();
    assert.deepEqual(placeFile(join(f.ws, "near.wgsl"), untrusted(f.ws)), { real: join(f.ws, "near.wgsl"), outside: false });
    assert.deepEqual(placeFile(join(f.ws, "inner-link.wgsl"), untrusted(f.ws)), { real: join(f.ws, "lib", "common.wgsl"), outside: false });
    for (const p of [join(f.outside, "secret.wgsl"), join(f.ws, "link.wgsl"), join(f.ws, "linkdir", "secret.wgsl"), join(f.ws, "..", "outside", "secret.wgsl")]) {
      const placed = placeFile(p, untrusted(f.ws));
      assert.ok("refused" in placed && placed.refused === "outside", p);
      assert.match(placed.message, /is outside the workspace .*; trust it$/);
      assert.deepEqual(placeFile(p, { roots: [f.ws], allowOutside: true }), { real: join(f.outside, "secret.wgsl"), outside: true });
    }
    const missing = placeFile(join(f.ws, "nope.wgsl"), untrusted(f.ws));
    assert.ok("refused" in missing && missing.refused === "missing");
  });

  it("compares paths by whole segments, and without case on Windows", () => {
    assert.ok(isWithin("/a/ws/x.wgsl", "/a/ws", "linux"));
    assert.ok(isWithin("/a/ws", "/a/ws", "linux"));
    assert.ok(!isWithin("/a/ws2/x.wgsl", "/a/ws", "linux"));
    assert.ok(!isWithin("/a/x.wgsl", "/a/ws", "linux"));
    assert.ok(isWithin("/a/ws/..x/y", "/a/ws", "linux"), "a name starting with two dots is inside");
    assert.ok(isWithin("C:\\Work\\ws\\k.wgsl", "c:\\work\\WS", "win32"));
    assert.ok(!isWithin("D:\\ws\\k.wgsl", "C:\\ws", "win32"));
  });

  it("makes the command line's workspace from the current folder, the files' folders and --include folders", () => {
    const access = cliFileAccess("/w", ["k.wgsl", "/elsewhere/a/b.wgsl"], ["inc", "/abs/inc"], false);
    assert.deepEqual(access.roots, ["/w", "/elsewhere/a", "/w/inc", "/abs/inc"]);
    assert.equal(access.allowOutside, false);
    assert.match(access.outsideHint ?? "", /--allow-outside/);
  });
});

describe("include resolution (CLI, runs, sweeps)", () => {
  it("reads includes inside the workspace and refuses `..`, absolute and linked paths out of it", () => {
    const f = fixture();
    const resolve = includeResolver(f.main, [], { access: untrusted(f.ws) });
    assert.deepEqual(resolve("lib/common.wgsl", ""), { key: join(f.ws, "lib", "common.wgsl"), text: "const A: u32 = 1u;\n" });
    assert.deepEqual(resolve("inner-link.wgsl", ""), { key: join(f.ws, "inner-link.wgsl"), text: "const A: u32 = 1u;\n" });
    for (const path of ["../outside/secret.wgsl", join(f.outside, "secret.wgsl"), "link.wgsl", "linkdir/secret.wgsl"]) {
      const r = resolve(path, "");
      assert.ok("error" in r && r.code === INCLUDE_OUTSIDE_CODE, `${path}: ${JSON.stringify(r)}`);
      assert.match(r.error, /secret\.wgsl.* is outside the workspace/);
    }
    // Allowed: read, with the path as written.
    const open = includeResolver(f.main, [], { access: { roots: [f.ws], allowOutside: true } });
    assert.deepEqual(open("../outside/secret.wgsl", ""), { key: join(f.outside, "secret.wgsl"), text: "const S: u32 = 3u;\n" });
    // No access given: the caller decided (anywhere).
    assert.ok("text" in includeResolver(f.main, [])("link.wgsl", ""));
  });

  it("resolves from the including file's folder, then the include paths; a file not found is not an outside one", () => {
    const f = fixture();
    const resolve = includeResolver(f.main, ["lib"], { access: untrusted(f.ws), hint: "; add --include DIR" });
    assert.ok("text" in resolve("common.wgsl", ""), "found through the include path");
    assert.ok("text" in resolve("../near.wgsl", join(f.ws, "lib", "common.wgsl")), "relative to the including file");
    const missing = resolve("nothing.wgsl", "");
    assert.ok("error" in missing && missing.code === undefined);
    assert.match(missing.error, /file not found \(searched: .*\); add --include DIR$/);
  });

  it("caps each file and all of them together", () => {
    const f = fixture();
    writeFileSync(join(f.ws, "big.wgsl"), "x".repeat(2000));
    writeFileSync(join(f.ws, "a.wgsl"), "a".repeat(600));
    writeFileSync(join(f.ws, "b.wgsl"), "b".repeat(600));
    const resolve = includeResolver(f.main, [], { access: untrusted(f.ws) });
    const capped = (max: number, total: number) =>
      workspaceIncludeResolver({ documentPath: f.main, includePaths: [], workspaceFolders: [f.ws], trusted: false, maxBytes: max, maxTotalBytes: total });
    assert.ok("text" in resolve("big.wgsl", ""));
    const small = capped(1000, 1000);
    const big = small("big.wgsl", "");
    assert.ok("error" in big && /is larger than 1,000 bytes/.test(big.error), JSON.stringify(big));
    assert.ok("text" in small("a.wgsl", ""));
    assert.ok("text" in small("a.wgsl", ""), "a file read again does not count twice");
    const over = small("b.wgsl", "");
    assert.ok("error" in over && /together are larger than 1,000 bytes/.test(over.error), JSON.stringify(over));
  });

  it("puts an outside include's refusal on the #include line with its own code", () => {
    const f = fixture();
    const text = '#include "lib/common.wgsl"\n#include "../outside/secret.wgsl"\nfn f() {}\n';
    const r = preprocess(text, { defines: [], resolveInclude: includeResolver(f.main, [], { access: untrusted(f.ws) }) });
    assert.equal(r.problems.length, 1);
    const p = r.problems[0]!;
    assert.equal(p.code, INCLUDE_OUTSIDE_CODE);
    assert.equal(p.severity, "error");
    assert.equal(text.slice(p.span.start, p.span.end), '#include "../outside/secret.wgsl"');
    assert.match(p.message, /^cannot include '..\/outside\/secret.wgsl': .* is outside the workspace/);
  });
});

describe("include resolution (language server)", () => {
  it("keeps to the workspace folders without trust, and reads anywhere with it", () => {
    const f = fixture();
    const base = { documentPath: f.main, includePaths: [], workspaceFolders: [f.ws] };
    const strict = workspaceIncludeResolver({ ...base, trusted: false });
    const trusted = workspaceIncludeResolver({ ...base, trusted: true });
    for (const path of ["../outside/secret.wgsl", join(f.outside, "secret.wgsl"), "link.wgsl"]) {
      const r = strict(path, "");
      assert.ok("error" in r && r.code === INCLUDE_OUTSIDE_CODE, path);
      assert.match(r.error, /trust the workspace to include files outside it$/);
      assert.deepEqual(trusted(path, ""), { key: path.startsWith("/") ? path : join(f.ws, path), text: "const S: u32 = 3u;\n" });
    }
    assert.ok("text" in strict("lib/common.wgsl", ""));
  });

  it("searches the setting's folders (relative ones in each workspace folder) and allows library folders", () => {
    const f = fixture();
    const viaSetting = workspaceIncludeResolver({ documentPath: f.main, includePaths: ["lib", f.outside], workspaceFolders: [f.ws], trusted: false });
    assert.ok("text" in viaSetting("common.wgsl", ""));
    const refused = viaSetting("secret.wgsl", "");
    assert.ok("error" in refused && refused.code === INCLUDE_OUTSIDE_CODE, "an absolute setting folder outside is still outside");
    const library = workspaceIncludeResolver({ documentPath: f.main, includePaths: [f.outside], workspaceFolders: [f.ws], trusted: false, libraryFolders: [f.outside] });
    assert.ok("text" in library("secret.wgsl", ""));
  });

  it("prefers an open editor's text, judged by where its file is", () => {
    const f = fixture();
    const openTexts = new Map([[join(f.ws, "near.wgsl"), "// edited\n"], [join(f.outside, "secret.wgsl"), "// open outside\n"], [join(f.ws, "unsaved.wgsl"), "// new\n"]]);
    const r = workspaceIncludeResolver({ documentPath: f.main, includePaths: [], workspaceFolders: [f.ws], trusted: false, openText: (p) => openTexts.get(p) });
    assert.deepEqual(r("near.wgsl", ""), { key: join(f.ws, "near.wgsl"), text: "// edited\n" });
    assert.deepEqual(r("unsaved.wgsl", ""), { key: join(f.ws, "unsaved.wgsl"), text: "// new\n" });
    const outside = r("../outside/secret.wgsl", "");
    assert.ok("error" in outside && outside.code === INCLUDE_OUTSIDE_CODE);
  });

  it("says why relative includes of an unsaved document cannot be found", () => {
    const r = workspaceIncludeResolver({ documentPath: undefined, includePaths: [], workspaceFolders: [], trusted: true });
    assert.deepEqual(r("lib.wgsl", ""), { error: "the document is not saved in a folder, so relative includes cannot be found" });
  });
});

describe("capped reads", () => {
  it("reads a file up to the cap and refuses a larger one, a folder or a missing file without reading it", () => {
    const f = fixture();
    const path = join(f.ws, "ten.bin");
    writeFileSync(path, Buffer.alloc(10, 7));
    const ok = readCapped(path, 10);
    assert.ok("bytes" in ok && ok.bytes.length === 10);
    const over = readCapped(path, 9);
    assert.ok("error" in over && over.reason === "too-large" && over.size === 10);
    assert.match(over.error, /is 10 bytes, more than the 9 bytes allowed/);
    assert.equal((readCapped(f.ws, 100) as { reason: string }).reason, "not-a-file");
    assert.equal((readCapped(join(f.ws, "none"), 100) as { reason: string }).reason, "missing");
    assert.deepEqual(readCappedText(join(f.ws, "near.wgsl"), 100), { text: "const B: u32 = 2u;\n" });
  });

  it("reads the whole lines of a file's tail", () => {
    const f = fixture();
    const path = join(f.ws, "log.txt");
    writeFileSync(path, "one\ntwo\nthree\nfour\n");
    const all = readTailLines(path, 100);
    assert.ok("bytes" in all && all.bytes.toString() === "one\ntwo\nthree\nfour\n" && !all.truncated);
    const tail = readTailLines(path, 8);
    assert.ok("bytes" in tail && tail.truncated);
    assert.equal(tail.bytes.toString(), "four\n", "the fragment 'ree' is dropped");
    const onBoundary = readTailLines(path, 11);
    assert.ok("bytes" in onBoundary && onBoundary.bytes.toString() === "three\nfour\n", "a window that starts on a line keeps it");
  });

  it("reads only the newest part of a large history", () => {
    const f = fixture();
    const dir = join(f.ws, ".kernellens");
    mkdirSync(dir);
    const line = (entry: string) => JSON.stringify({ version: 1, timestamp: "2025-01-01T00:00:00Z", file: "k.wgsl", outcome: { entry, status: "passed", checks: [] } }) + "\n";
    for (let i = 0; i < 100; i++) appendFileSync(join(dir, "history.jsonl"), line(`e${i}`));
    const whole = readHistoryDetailed(f.ws);
    assert.equal(whole.records.length, 100);
    assert.equal(whole.truncated, false);
    const tail = readHistoryDetailed(f.ws, { maxBytes: line("e99").length * 10 + 5 });
    assert.equal(tail.truncated, true);
    assert.deepEqual(tail.records.map((r) => r.outcome.entry), Array.from({ length: 10 }, (_, i) => `e${90 + i}`));
    assert.equal(tail.skipped, 0, "the cut line is dropped, not counted as a bad record");
  });
});
