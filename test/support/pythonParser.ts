// Test helper: a web-tree-sitter parser with the tree-sitter-python grammar, loaded once per process from
// node_modules (the Triton front-end takes the parser as an argument; loading the .wasm is the caller's job).
import { join } from "node:path";
import { Language, Parser } from "web-tree-sitter";
import type { PythonParser } from "../../server/src/core/triton/analyze";
import { findRepoRoot } from "./repoRoot";

let loading: Promise<PythonParser> | undefined;

export function pythonParser(): Promise<PythonParser> {
  loading ??= (async () => {
    const root = findRepoRoot();
    await Parser.init({ locateFile: () => join(root, "node_modules", "web-tree-sitter", "tree-sitter.wasm") });
    const lang = await Language.load(join(root, "node_modules", "tree-sitter-python", "tree-sitter-python.wasm"));
    const parser = new Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  return loading;
}
