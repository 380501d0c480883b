// Completion: WGSL builtins, keywords and declared names in code; launch directives and their names in comments.
import { type CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind, type Position } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { SourceAnalysis } from "../core/analysis/sourceAnalysis";
import { directiveKeywords, type DirectiveKind } from "../core/directives/directives";
import { directiveFunctions } from "../core/directives/expr";
import { accessModes, addressSpaces, attributes, builtinFunctions, builtinTypes, builtinValues, enableExtensions, keywords } from "../core/wgsl/builtinCatalogue";
import type { WgslSymbol } from "../core/wgsl/resolve";
import { derefType, type WgslType } from "../core/wgsl/types";
import { describeSymbol, resolutionOf } from "./hover";
import { analysedOffset } from "./positions";

export const completionTriggerCharacters = ["@", ".", "<"];

/** Snippets for the directives, with placeholders in the order an author fills them in. */
const DIRECTIVE_SNIPPETS: Record<DirectiveKind, string> = {
  let: "let ${1:N} = ${2:1 << 20}",
  dispatch: "dispatch ${1:ceil(N / 256)}",
  override: "override ${1:NAME} = ${2:16}",
  buffer: "buffer ${1:name}[${2:N}]${3: = random(-1, 1)}",
  uniform: "uniform ${1:params} = { ${2:n}: ${3:N} }",
  texture: "texture ${1:src}[${2:1024}, ${3:1024}]${4: rgba8unorm}",
  define: "define ${1:NAME}",
  check: "check ${1:out} ~ ${2:reference} rtol=${3:1e-5}",
  sweep: "sweep ${1:TILE} in [${2:8, 16, 32}]",
  require: "require ${1:N % TILE == 0}",
  quant: "quant ${1:w}: ${2:q4_0}",
  quantize: "quantize ${1:x}: ${2:int4} group=${3:128}",
  block: "block ${1:256}",
  smem: "smem ${1:49152}",
  arg: "arg ${1:n} = ${2:1 << 20}",
  template: "template ${1:BLOCK} = ${2:256}",
};

const SYMBOL_KINDS: Record<WgslSymbol["kind"], CompletionItemKind> = {
  var: CompletionItemKind.Variable,
  "local-var": CompletionItemKind.Variable,
  let: CompletionItemKind.Variable,
  const: CompletionItemKind.Constant,
  override: CompletionItemKind.Constant,
  param: CompletionItemKind.Variable,
  struct: CompletionItemKind.Struct,
  alias: CompletionItemKind.TypeParameter,
  function: CompletionItemKind.Function,
  member: CompletionItemKind.Field,
};

function md(text: string): { kind: typeof MarkupKind.Markdown; value: string } {
  return { kind: MarkupKind.Markdown, value: text };
}

function directiveCompletions(source: SourceAnalysis, lineBefore: string): CompletionItem[] | undefined {
  // `// @` or `// @dis` at the start of a comment line: the directive keywords.
  if (/^\s*\/\/\s*@\w*$/.test(lineBefore)) {
    return (Object.keys(directiveKeywords) as DirectiveKind[]).map((k) => ({
      label: `@${k}`,
      filterText: k,
      kind: CompletionItemKind.Keyword,
      detail: directiveKeywords[k].syntax,
      documentation: md(directiveKeywords[k].doc),
      insertText: DIRECTIVE_SNIPPETS[k],
      insertTextFormat: InsertTextFormat.Snippet,
    }));
  }
  // Inside a directive: names from @let/@override/@sweep, the module's overrides and bindings, and functions.
  const m = /^\s*\/\/\s*@(\w+)\b/.exec(lineBefore);
  if (!m) return undefined;
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (label: string, kind: CompletionItemKind, detail: string): void => {
    if (seen.has(label)) return;
    seen.add(label);
    items.push({ label, kind, detail });
  };
  for (const d of source.directives) {
    if (d.kind === "let" || d.kind === "override" || d.kind === "sweep") add(d.name.name, CompletionItemKind.Constant, `@${d.kind}`);
  }
  for (const decl of source.module.decls) {
    if (decl.kind === "override") add(decl.name.name, CompletionItemKind.Constant, "WGSL override");
    if (decl.kind === "var" && /^(buffer|uniform|check|quant|quantize)$/.test(m[1])) add(decl.name.name, CompletionItemKind.Variable, "binding");
  }
  if (m[1] === "check") for (const k of source.kernels) add(k.name, CompletionItemKind.Function, `@${k.stage} entry point`);
  for (const [name, f] of Object.entries(directiveFunctions)) add(name, CompletionItemKind.Function, f.doc);
  if (m[1] === "buffer") for (const init of ["random", "randint", "iota", "const", "file"]) add(init, CompletionItemKind.Function, "buffer initializer");
  return items;
}

function memberCompletions(source: SourceAnalysis, text: string, offset: number): CompletionItem[] | undefined {
  // `name.` or `name.part`: complete struct members or vector swizzles of the named value.
  const m = /([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*\.\s*\w*$/.exec(text.slice(Math.max(0, offset - 200), offset));
  if (!m) return undefined;
  const resolution = resolutionOf(source);
  const candidates = resolution.symbols.filter((s) => s.name === m[1] && (!s.visibleRange || (offset >= s.visibleRange.start && offset <= s.visibleRange.end)));
  const symbol = candidates[candidates.length - 1];
  if (!symbol) return [];
  let type: WgslType = derefType(resolution.types.typeOfSymbol(symbol));
  // `a[i].` indexes first.
  if (/\[/.test(m[0]) && type.kind === "array") type = type.element;
  if (type.kind === "struct") {
    return type.members.map((mem) => ({ label: mem.name, kind: CompletionItemKind.Field, detail: `offset ${mem.offset}, size ${mem.size}` }));
  }
  if (type.kind === "vector") {
    const names = ["x", "y", "z", "w"].slice(0, type.n);
    return [...names, ...["r", "g", "b", "a"].slice(0, type.n)].map((s) => ({ label: s, kind: CompletionItemKind.Field, detail: `component of ${type.kind}` }));
  }
  return [];
}

export function completion(doc: TextDocument, source: SourceAnalysis, position: Position): CompletionItem[] {
  const original = doc.offsetAt(position);
  const lineStart = source.text.lastIndexOf("\n", original - 1) + 1;
  const lineBefore = source.text.slice(lineStart, original);
  const inDirective = directiveCompletions(source, lineBefore);
  if (inDirective) return inDirective;
  // Other comments get nothing.
  if (/\/\//.test(lineBefore)) return [];

  if (/@\w*$/.test(lineBefore)) {
    return [...attributes.values()].map((a) => ({
      label: a.name,
      kind: CompletionItemKind.Property,
      documentation: md(a.doc),
      insertText: a.snippet ?? a.name,
      insertTextFormat: a.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    }));
  }
  if (/@builtin\(\s*\w*$/.test(lineBefore)) {
    return [...builtinValues.values()].map((v) => ({ label: v.name, kind: CompletionItemKind.EnumMember, detail: v.type, documentation: md(v.doc) }));
  }
  if (/\bvar\s*<[\w\s,]*$/.test(lineBefore)) {
    return [
      ...[...addressSpaces.values()].map((a) => ({ label: a.name, kind: CompletionItemKind.EnumMember, documentation: md(a.doc) })),
      ...[...accessModes.values()].map((a) => ({ label: a.name, kind: CompletionItemKind.EnumMember, documentation: md(a.doc) })),
    ];
  }
  if (/\b(enable|requires)\s+[\w\s,]*$/.test(lineBefore)) {
    return [...enableExtensions.values()].map((e) => ({ label: e.name, kind: CompletionItemKind.Module, documentation: md(e.doc) }));
  }

  const offset = analysedOffset(doc, source, position) ?? original;
  const text = source.pre.text;
  if (/\.\s*\w*$/.test(text.slice(Math.max(0, offset - 100), offset))) return memberCompletions(source, text, offset) ?? [];

  const items: CompletionItem[] = [];
  const resolution = resolutionOf(source);
  const seen = new Set<string>();
  // Innermost declarations first: a local shadows a module-scope name of the same spelling.
  const visible = resolution.symbols
    .filter((s) => s.kind !== "member" && (!s.visibleRange || (offset >= s.visibleRange.start && offset <= s.visibleRange.end)))
    .reverse();
  for (const s of visible) {
    if (seen.has(s.name)) continue;
    seen.add(s.name);
    items.push({ label: s.name, kind: SYMBOL_KINDS[s.kind], detail: describeSymbol(source, resolution, s).split("\n").pop(), sortText: `0${s.name}` });
  }
  for (const f of builtinFunctions.values()) {
    items.push({ label: f.name, kind: CompletionItemKind.Function, detail: f.signatures[0], documentation: md(f.doc), sortText: `1${f.name}` });
  }
  for (const t of builtinTypes.values()) {
    items.push({ label: t.name, kind: CompletionItemKind.Class, documentation: md(t.doc), sortText: `2${t.name}` });
  }
  for (const k of keywords) items.push({ label: k, kind: CompletionItemKind.Keyword, sortText: `3${k}` });
  return items;
}
