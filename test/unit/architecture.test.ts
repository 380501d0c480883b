// Holds the server, the engine core and the webview pages to their layers, reading the sources as text with a small
// import scanner (no TypeScript program, no dependency):
//   - the files of server/src/core import each other without cycles (KNOWN_CYCLES lists the ones being removed);
//   - server/src/core is pure: no editor, language-server, file, process or network module, nothing outside itself;
//   - a webview page imports nothing from client/ or server/ but the modules deliberately shared with it;
//   - server/src/gpu does not import the CLI, and the core imports none of lsp/, cli/, gpu/, run/, sweep/.
// A failure lists every offending `file -> import`, so the fix (move the shared part down) is plain to see.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, it } from "node:test";

/**
 * Import cycles among core files that are being removed by the kernel-IR work (issue 11); delete when empty.
 * Each is written as the scanner reports it: paths relative to server/src/core, starting at the smallest.
 */
const KNOWN_CYCLES: readonly (readonly string[])[] = [];

/**
 * Modules of server/ a webview page may import: plain data and pure functions deliberately shared with the pages,
 * each importing nothing itself. protocol.ts declares the messages between client and server (the kernel outline
 * and roofline payloads the panels show); core/sweep/result.ts is the sweep result format the Design-space page
 * receives in a message and validates; core/format.ts is how numbers read, the same in editor, CLI and panels;
 * core/validation.ts is the message-checking toolkit every boundary (both sides of every panel) uses.
 */
const SHARED_WITH_WEBVIEW: readonly string[] = [
  "server/src/protocol.ts",
  "server/src/core/sweep/result.ts",
  "server/src/core/format.ts",
  "server/src/core/model/launchWords.ts",
  "server/src/core/validation.ts",
  "server/src/core/wgsl/lineIndex.ts",
];

/** Modules the core must not import: the editor, the language server, files, processes, the network. */
const IMPURE_MODULES = /^(vscode|vscode-languageserver.*|vscode-jsonrpc.*|(node:)?(fs|fs\/promises|child_process|net|http|https|http2|worker_threads|dgram|tls))$/;

const root = resolve(__dirname, "..", "..");
const CORE = "server/src/core";

// ---- The scanner ------------------------------------------------------------------------------------------------

type Token = { readonly kind: "word" | "string" | "punct"; readonly text: string };

/** Words after which a `/` starts a regular expression rather than a division. */
const BEFORE_REGEX = new Set(["return", "typeof", "case", "in", "of", "delete", "void", "throw", "new", "else", "do", "yield", "await"]);

/**
 * The tokens that matter for imports: words, string literals (with their text) and punctuation. Comments, regular
 * expressions and template literals are skipped, so an import spelled inside any of them is not one.
 */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  const regexAllowed = (): boolean => {
    const last = out[out.length - 1];
    if (!last) return true;
    if (last.kind === "word") return BEFORE_REGEX.has(last.text);
    if (last.kind === "string") return false;
    return !")]}".includes(last.text);
  };
  const skipTemplate = (): void => {
    // At the opening backquote: skip to the closing one, through nested `${ ... }` (which may hold strings and templates).
    i++;
    while (i < n && text[i] !== "`") {
      if (text[i] === "\\") i += 2;
      else if (text[i] === "$" && text[i + 1] === "{") {
        i += 2;
        let depth = 1;
        while (i < n && depth > 0) {
          const c = text[i]!;
          if (c === "{") depth++;
          else if (c === "}") depth--;
          else if (c === "`") {
            skipTemplate();
            continue;
          } else if (c === '"' || c === "'") {
            readString(c);
            continue;
          }
          i++;
        }
      } else i++;
    }
    i++;
  };
  const readString = (quote: string): string => {
    let value = "";
    i++;
    while (i < n && text[i] !== quote && text[i] !== "\n") {
      if (text[i] === "\\") {
        value += text[i + 1] ?? "";
        i += 2;
      } else value += text[i++];
    }
    i++;
    return value;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === "/" && text[i + 1] === "/") {
      while (i < n && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      out.push({ kind: "string", text: readString(c) });
    } else if (c === "`") {
      skipTemplate();
      out.push({ kind: "string", text: "" });
    } else if (c === "/" && regexAllowed()) {
      // A regular expression literal: to its closing slash, through classes ([/]) and escapes.
      i++;
      let inClass = false;
      while (i < n && text[i] !== "\n" && (inClass || text[i] !== "/")) {
        if (text[i] === "\\") i++;
        else if (text[i] === "[") inClass = true;
        else if (text[i] === "]") inClass = false;
        i++;
      }
      i++;
      while (i < n && /[a-z]/i.test(text[i]!)) i++;
      out.push({ kind: "punct", text: "/re/" });
    } else if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < n && /[\w$]/.test(text[i]!)) i++;
      out.push({ kind: "word", text: text.slice(start, i) });
    } else if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c)) {
      while (i < n && /[\w.]/.test(text[i]!)) i++;
      out.push({ kind: "word", text: "0" });
    } else {
      out.push({ kind: "punct", text: c });
      i++;
    }
  }
  return out;
}

/**
 * Every module a source names: `import ... from "m"`, `import "m"`, `export ... from "m"`, `import("m")`,
 * `require("m")` and `import x = require("m")`, type-only ones included (a type is a dependency too).
 */
function importSpecifiers(text: string): string[] {
  const tokens = tokenize(text);
  const found: string[] = [];
  const isDot = (k: number): boolean => tokens[k - 1]?.text === ".";
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== "word" || isDot(k)) continue;
    const next = tokens[k + 1];
    if ((t.text === "import" || t.text === "require") && next?.text === "(" && tokens[k + 2]?.kind === "string") {
      found.push(tokens[k + 2]!.text);
      k += 2;
    } else if (t.text === "import" && next?.kind === "string") {
      found.push(next.text);
      k++;
    } else if (t.text === "import" || t.text === "export") {
      // A declaration: up to its `from "m"`, or to where the statement plainly ends.
      for (let j = k + 1; j < tokens.length; j++) {
        const u = tokens[j]!;
        if (u.kind === "word" && u.text === "from" && tokens[j + 1]?.kind === "string") {
          found.push(tokens[j + 1]!.text);
          k = j + 1;
          break;
        }
        if (u.text === ";" || (u.kind === "word" && ["function", "class", "const", "let", "var", "interface", "enum", "default", "abstract", "async", "declare", "namespace"].includes(u.text) && j === k + 1)) break;
        if (u.kind === "word" && u.text === "type" && j === k + 1 && tokens[j + 1]?.kind === "word" && tokens[j + 2]?.text === "=") break; // export type X = ...
        if (u.kind === "word" && u.text === "require" && tokens[j + 1]?.text === "(" && tokens[j + 2]?.kind === "string") {
          found.push(tokens[j + 2]!.text);
          k = j + 2;
          break;
        }
        if (u.text === "{" && tokens[j - 1]?.text !== "type" && tokens[j - 1] !== t && tokens[j - 1]?.text !== ",") break;
        if (u.text === "}" && tokens[j + 1]?.text !== "from") break; // export { a, b } with no source
      }
    }
  }
  return found;
}

// ---- The sources ------------------------------------------------------------------------------------------------

interface Source {
  /** Relative to the repository root, with forward slashes. */
  readonly file: string;
  readonly imports: readonly { readonly spec: string; readonly target: string | null }[];
}

const posix = (p: string): string => p.split(sep).join("/");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** The file a relative specifier names, relative to the root (null for packages and built-in modules). */
function resolveSpecifier(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const base = posix(relative(root, resolve(root, dirname(from), spec)));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base.replace(/\.js$/, ".ts")]) {
    const full = join(root, candidate);
    if (existsSync(full) && statSync(full).isFile()) return candidate;
  }
  return base; // a missing file still says which folder it reaches into
}

function scan(dir: string): Source[] {
  return sourceFiles(dir).map((file) => ({
    file,
    imports: importSpecifiers(readFileSync(join(root, file), "utf8")).map((spec) => ({ spec, target: resolveSpecifier(file, spec) })),
  }));
}

const inside = (file: string, dir: string): boolean => file === dir || file.startsWith(`${dir}/`);

/** `file -> import` lines for a failure message. */
function listing(rows: readonly { file: string; spec: string }[]): string {
  return rows.map((r) => `  ${r.file} -> ${r.spec}`).join("\n");
}

// ---- Cycles -----------------------------------------------------------------------------------------------------

/** Every elementary cycle of a directed graph (Johnson's algorithm), each rotated to start at its smallest node. */
function elementaryCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const nodes = [...graph.keys()].sort();
  const cycles: string[][] = [];
  for (let s = 0; s < nodes.length; s++) {
    const start = nodes[s]!;
    const allowed = new Set(nodes.slice(s));
    const blocked = new Set<string>();
    const blockMap = new Map<string, Set<string>>();
    const stack: string[] = [];
    const unblock = (v: string): void => {
      blocked.delete(v);
      const waiting = blockMap.get(v);
      if (!waiting) return;
      blockMap.delete(v);
      for (const w of waiting) if (blocked.has(w)) unblock(w);
    };
    const circuit = (v: string): boolean => {
      let closed = false;
      stack.push(v);
      blocked.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!allowed.has(w)) continue;
        if (w === start) {
          cycles.push([...stack]);
          closed = true;
        } else if (!blocked.has(w) && circuit(w)) closed = true;
      }
      if (closed) unblock(v);
      else for (const w of graph.get(v) ?? []) if (allowed.has(w)) (blockMap.get(w) ?? blockMap.set(w, new Set()).get(w)!).add(v);
      stack.pop();
      return closed;
    };
    circuit(start);
  }
  return cycles;
}

const cycleKey = (cycle: readonly string[]): string => cycle.join(" -> ");

// ---- The rules --------------------------------------------------------------------------------------------------

describe("architecture", () => {
  const server = scan("server/src");
  const core = server.filter((s) => inside(s.file, CORE));

  it("the files of server/src/core import each other without cycles", () => {
    const graph = new Map<string, Set<string>>();
    for (const s of core) {
      const from = s.file.slice(CORE.length + 1);
      const edges = graph.get(from) ?? graph.set(from, new Set()).get(from)!;
      for (const i of s.imports) if (i.target && inside(i.target, CORE) && i.target !== s.file) edges.add(i.target.slice(CORE.length + 1));
    }
    const found = elementaryCycles(graph);
    const known = new Set(KNOWN_CYCLES.map(cycleKey));
    const fresh = found.filter((c) => !known.has(cycleKey(c)));
    const gone = KNOWN_CYCLES.filter((c) => !found.some((f) => cycleKey(f) === cycleKey(c)));
    assert.deepEqual(
      fresh.map(cycleKey),
      [],
      `import cycles among the files of ${CORE} (break each by moving what both sides need into a file of its own):\n${fresh.map((c) => `  ${cycleKey([...c, c[0]!])}`).join("\n")}`,
    );
    assert.deepEqual(gone.map(cycleKey), [], `these KNOWN_CYCLES are gone: delete them from the list\n${gone.map((c) => `  ${cycleKey(c)}`).join("\n")}`);
  });

  it("server/src/core imports no editor, language-server, file, process or network module, and nothing outside itself", () => {
    const bad = core.flatMap((s) =>
      s.imports.filter((i) => (i.target === null ? IMPURE_MODULES.test(i.spec) : !inside(i.target, CORE))).map((i) => ({ file: s.file, spec: i.spec })),
    );
    assert.deepEqual(bad, [], `${CORE} must stay pure and self-contained (inject I/O; move shared types into the core):\n${listing(bad)}`);
  });

  it("webview pages import nothing from client/ or server/ but the modules shared with them", () => {
    const pages = scan("webview/src");
    const bad = pages.flatMap((s) =>
      s.imports
        .filter((i) => i.target !== null && (inside(i.target, "client") || inside(i.target, "server")) && !SHARED_WITH_WEBVIEW.includes(i.target))
        .map((i) => ({ file: s.file, spec: i.spec })),
    );
    assert.deepEqual(bad, [], `a page must not import client/ or server/ (move what both need to webview/src/shared/ or a module in SHARED_WITH_WEBVIEW):\n${listing(bad)}`);
  });

  it("the modules shared with the webview import nothing themselves", () => {
    const bad = server
      .filter((s) => SHARED_WITH_WEBVIEW.includes(s.file))
      .flatMap((s) => s.imports.filter((i) => i.target === null || !SHARED_WITH_WEBVIEW.includes(i.target)).map((i) => ({ file: s.file, spec: i.spec })));
    assert.deepEqual(bad, [], `a module shared with the pages is bundled into them, so it must stand alone:\n${listing(bad)}`);
  });

  it("the model reads only the kernel IR: core/model, core/kernel and core/quant import no front-end", () => {
    const shared = ["model", "kernel", "quant"].map((d) => `${CORE}/${d}`);
    const frontEnds = ["wgsl", "analysis", "preprocess"].map((d) => `${CORE}/${d}`);
    const bad = core
      .filter((s) => shared.some((d) => inside(s.file, d)))
      .flatMap((s) => s.imports.filter((i) => i.target !== null && frontEnds.some((d) => inside(i.target!, d))).map((i) => ({ file: s.file, spec: i.spec })));
    assert.deepEqual(bad, [], `the shared model must not read a front-end's syntax tree (lower what it needs into the kernel IR, core/kernel/ir.ts):\n${listing(bad)}`);
  });

  it("server/src/gpu does not import the CLI, and the core imports none of lsp/, cli/, gpu/, run/, sweep/", () => {
    const above = ["lsp", "cli", "gpu", "run", "sweep"].map((d) => `server/src/${d}`);
    const bad = [
      ...server
        .filter((s) => inside(s.file, "server/src/gpu"))
        .flatMap((s) => s.imports.filter((i) => i.target !== null && inside(i.target, "server/src/cli")).map((i) => ({ file: s.file, spec: i.spec }))),
      ...core.flatMap((s) => s.imports.filter((i) => i.target !== null && above.some((d) => inside(i.target!, d))).map((i) => ({ file: s.file, spec: i.spec }))),
    ];
    assert.deepEqual(bad, [], `a layer imports one above it (move what is shared down):\n${listing(bad)}`);
  });
});

describe("the import scanner", () => {
  it("finds static, type-only, side-effect, re-export, dynamic and require imports across lines", () => {
    const text = [
      'import a from "./a";',
      'import type { B } from "./b";',
      "import {",
      "  c,",
      "  type C,",
      '} from "./c";',
      'import "./d";',
      'export { e } from "./e";',
      'export * from "./f";',
      'export type { G } from "./g";',
      'const h = await import("./h");',
      'const i = require("./i");',
      'import j = require("./j");',
      "export const k = 1;",
      "export type L = { from: string };",
      'export function m() { return "./not-an-import"; }',
    ].join("\n");
    assert.deepEqual(importSpecifiers(text), ["./a", "./b", "./c", "./d", "./e", "./f", "./g", "./h", "./i", "./j"]);
  });

  it("ignores imports written in comments, strings, templates and regular expressions", () => {
    const text = [
      '// import x from "./comment";',
      '/* import y from "./block"; */',
      'const s = "import z from \'./string\'";',
      'const t = `import w from "./template" ${"x"}`;',
      "const r = /import v from \"[^\"]*\"/g;",
      "const q = /['\"]descr['\"]/.exec(s);",
      'import real from "./real";',
    ].join("\n");
    assert.deepEqual(importSpecifiers(text), ["./real"]);
  });

  it("finds every elementary cycle once", () => {
    const g = new Map<string, Set<string>>([
      ["a", new Set(["b"])],
      ["b", new Set(["a", "c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["d"])],
    ]);
    assert.deepEqual(elementaryCycles(g).map(cycleKey).sort(), ["a -> b", "a -> b -> c", "d"]);
  });
});
