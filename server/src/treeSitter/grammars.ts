// Loads web-tree-sitter and the grammars the front-ends parse with (CUDA, and Python for Triton).
//
// The bundles in dist/ carry the runtime's and the grammars' .wasm files (build.mjs copies them to
// dist/tree-sitter/); running from sources (tests, the CLI under tsx) falls back to the copies in node_modules. The
// runtime is initialised once per process and each grammar loaded once; a failure is an error value, never a throw,
// so a missing file costs that language's files their analysis and nothing else.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Language, Parser } from "web-tree-sitter";

/** A grammar the project ships: its .wasm file in dist/tree-sitter/ and where npm puts it. */
const GRAMMARS = {
  cuda: { file: "tree-sitter-cuda.wasm", npm: ["tree-sitter-cuda", "tree-sitter-cuda.wasm"] },
  python: { file: "tree-sitter-python.wasm", npm: ["tree-sitter-python", "tree-sitter-python.wasm"] },
} as const;

export type GrammarName = keyof typeof GRAMMARS;

/** Candidate paths of a .wasm file, most specific first: the bundle's copy, then node_modules up from the sources. */
export function wasmCandidates(file: string, npm: readonly string[], from: string = __dirname): string[] {
  const found: string[] = [];
  if (process.env.KERNELLENS_TREE_SITTER_DIR) found.push(join(process.env.KERNELLENS_TREE_SITTER_DIR, file));
  // dist/server.js, dist/cli.js -> dist/tree-sitter/<file>
  found.push(join(from, "tree-sitter", file));
  let dir = from;
  for (let i = 0; i < 6; i++) {
    found.push(join(dir, "node_modules", ...npm));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return found.map((p) => resolve(p));
}

let runtime: Promise<true | { error: string }> | undefined;

function initRuntime(): Promise<true | { error: string }> {
  runtime ??= (async () => {
    const candidates = wasmCandidates("tree-sitter.wasm", ["web-tree-sitter", "tree-sitter.wasm"]);
    const path = candidates.find((p) => existsSync(p));
    if (!path) return { error: `the tree-sitter runtime (tree-sitter.wasm) is missing; looked in ${candidates.slice(0, 2).join(", ")}` };
    try {
      await Parser.init({ locateFile: () => path });
      return true as const;
    } catch (err) {
      return { error: `could not start tree-sitter from ${path}: ${(err as Error).message}` };
    }
  })();
  return runtime;
}

const languages = new Map<GrammarName, Promise<Language | { error: string }>>();

/** The grammar, loaded once per process. */
export function loadGrammar(name: GrammarName): Promise<Language | { error: string }> {
  let p = languages.get(name);
  if (!p) {
    p = (async () => {
      const ready = await initRuntime();
      if (ready !== true) return ready;
      const g = GRAMMARS[name];
      const candidates = wasmCandidates(g.file, g.npm);
      const path = candidates.find((c) => existsSync(c));
      if (!path) return { error: `the ${name} grammar (${g.file}) is missing; looked in ${candidates.slice(0, 2).join(", ")}` };
      try {
        return await Language.load(path);
      } catch (err) {
        return { error: `could not load the ${name} grammar from ${path}: ${(err as Error).message}` };
      }
    })();
    languages.set(name, p);
  }
  return p;
}

/** A parser for the grammar (a parser is cheap; callers keep one per document or per analysis). */
export async function createParser(name: GrammarName): Promise<Parser | { error: string }> {
  const lang = await loadGrammar(name);
  if ("error" in lang) return lang;
  const parser = new Parser();
  parser.setLanguage(lang);
  return parser;
}
