// Function-like macros used outside function bodies, rewritten in place for the grammar.
//
// The project's preprocessor expands object-like macros only; inside a body the lowering expands a function-like
// macro where it meets it (macros.ts). Outside bodies a use is not a call the grammar can read: library headers
// declare tables (`GGML_TABLE_BEGIN(uint8_t, kmask, 8) 1, 2 GGML_TABLE_END()`), wrap declarations
// (`GGML_DEPRECATED(void f(int), "use g")`) and add attributes (`GGML_ATTRIBUTE_FORMAT(2, 3)`). Each such use is
// replaced by its expansion, written into the use's own characters so that every offset keeps its place: attributes
// dropped, blanks squeezed and storage words (`static`, `inline`) left out where that is what makes it fit. A use
// whose expansion cannot fit is blanked.
import type { FunctionMacro } from "./program";
import { expandMacro } from "./macros";

const TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z_]\w*|[{}();]/g;
const MAX_NESTED_ROUNDS = 4;
/** A name written as macros are (upper case), for uses of macros whose definition is not in reach. */
const UNKNOWN_MACRO = /^[A-Z][A-Z0-9]*_[A-Z0-9_]*$/;
/** An argument that is one or more statements: it ends with `;` or declares (`using T = float; ...`). */
const STATEMENT_ARG = /;\s*$|^(?:using|typedef)\b|<<</;
/** An argument that is a built-in type: the grammar cannot read a call that has one. */
const PRIMITIVE_TYPE = /^(?:(?:const|unsigned|signed|volatile)\s+)*(?:bool|char|short|int|long|float|double|void|size_t|ssize_t|ptrdiff_t|u?int(?:8|16|32|64|ptr)_t)(?:\s*\*)*$/;

/** A function-like macro and where its `#define` is (file key, "" for the main file, and offset). */
export interface DefinedMacro extends FunctionMacro {
  readonly definedAt: { readonly file: string; readonly offset: number };
}

/** Function-like macros defined in active code, from the preprocessor's notes and the directive lines they point at. */
export function activeFunctionMacros(
  problems: readonly { readonly code: string; readonly message: string; readonly span: { start: number; end: number }; readonly inFile?: { readonly key: string; readonly span: { start: number; end: number } } }[],
  mainText: string,
  includedTexts: ReadonlyMap<string, string>,
): Map<string, DefinedMacro> {
  const out = new Map<string, DefinedMacro>();
  for (const p of problems) {
    if (p.code !== "preprocessor-unsupported" || !p.message.startsWith("function-like macro")) continue;
    const src = p.inFile ? includedTexts.get(p.inFile.key) : mainText;
    const span = p.inFile ? p.inFile.span : p.span;
    if (src === undefined) continue;
    const m = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)[ \t]*(.*)$/.exec(src.slice(span.start, span.end));
    if (!m) continue;
    const params = m[2].split(",").map((s) => s.trim()).filter((s) => s !== "");
    const variadic = params.length > 0 && params[params.length - 1] === "...";
    out.set(m[1], { name: m[1], params: variadic ? params.slice(0, -1) : params, variadic, body: m[3].replace(/\/\/.*$/, "").trim(), definedAt: { file: p.inFile ? p.inFile.key : "", offset: span.start } });
  }
  return out;
}

/** The arguments of a call whose `(` is at `open`, and the offset after its `)`; undefined when it never closes. */
function callArgs(text: string, open: number): { args: { text: string; at: number }[]; end: number } | undefined {
  const args: { text: string; at: number }[] = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      i = j;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        const last = text.slice(from, i);
        if (args.length > 0 || last.trim() !== "") args.push({ text: last.trim(), at: from + (last.length - last.trimStart().length) });
        return { args, end: i + 1 };
      }
    } else if (c === "," && depth === 1) {
      const raw = text.slice(from, i);
      args.push({ text: raw.trim(), at: from + (raw.length - raw.trimStart().length) });
      from = i + 1;
    }
  }
  return undefined;
}

/** `__attribute__((...))`, `__declspec(...)` and `[[...]]` removed (the grammar needs none of them here). */
function dropAttributes(s: string): string {
  let out = s;
  for (const word of ["__attribute__", "__declspec"]) {
    for (let at = out.indexOf(word); at >= 0; at = out.indexOf(word, at)) {
      const open = out.indexOf("(", at);
      const call = open >= 0 && out.slice(at + word.length, open).trim() === "" ? callArgs(out, open) : undefined;
      if (!call) break;
      out = out.slice(0, at) + out.slice(call.end);
    }
  }
  return out.replace(/\[\[[^[\]]*\]\]/g, "");
}

/** Nested uses of function-like macros in an expansion, expanded in turn (a few rounds). */
function expandNested(text: string, macros: ReadonlyMap<string, FunctionMacro>, objects: ReadonlyMap<string, string>): string {
  let out = text;
  for (let round = 0; round < MAX_NESTED_ROUNDS; round++) {
    let changed = false;
    for (const m of out.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const macro = macros.get(m[1]);
      if (!macro) continue;
      const open = (m.index ?? 0) + m[0].length - 1;
      const call = callArgs(out, open);
      if (!call) continue;
      const e = expandMacro(macro, call.args, objects);
      out = out.slice(0, m.index) + e.text + out.slice(call.end);
      changed = true;
      break;
    }
    if (!changed) break;
  }
  return out;
}

/** The expansion squeezed to at most `room` characters, or undefined when even the tightest form is longer. */
function fit(expansion: string, room: number): string | undefined {
  const squeeze = (s: string): string => s.replace(/\s+/g, " ").replace(/\s*([=[\]{}(),;*&])\s*/g, "$1").trim();
  const tries = [
    expansion.replace(/\s+/g, " ").trim(),
    squeeze(expansion),
    squeeze(expansion.replace(/\b(?:static|inline|__inline__|__forceinline__|extern)\b/g, " ")),
    squeeze(expansion.replace(/\b(?:static|inline|__inline__|__forceinline__|extern|const|constexpr)\b/g, " ")),
  ];
  return tries.find((t) => t.length <= room);
}

/**
 * `text` with every use of one of `macros` outside function bodies (at file scope, in namespaces and `extern "C"`
 * blocks) replaced by its expansion, same length, line breaks kept. In a body, so is a use that stands as a
 * statement of its own with no `;` after it (a macro that declares locals: `GGML_TENSOR_LOCALS(int64_t, ne0, src0,
 * ne)`), which would otherwise run into the next statement; those rarely fit and are blanked.
 */
export function rewriteTopLevelMacros(
  text: string,
  macros: ReadonlyMap<string, FunctionMacro>,
  objects: ReadonlyMap<string, string>,
  /** Whether a macro is defined where its name stands (a function of the same name may come before the `#define`). */
  definedAt: (name: string, offset: number) => boolean = () => true,
): string {
  if (macros.size === 0 && !/\b[A-Z][A-Z0-9]*_[A-Z0-9_]*\s*\(/.test(text)) return text;
  const pieces: string[] = [];
  let copied = 0;
  /** For each open brace: whether it opens a scope (namespace, extern "C") rather than code. */
  const braces: boolean[] = [];
  let codeDepth = 0;
  let parens = 0;
  let pendingScope = false;
  let previous = "";
  let previousAt = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const t = m[0];
    const at = m.index;
    if (t.startsWith("//") || t.startsWith("/*")) continue;
    if (t === "{") {
      braces.push(pendingScope);
      if (!pendingScope) codeDepth++;
      pendingScope = false;
    } else if (t === "}") {
      if (braces.pop() === false) codeDepth--;
    } else if (t === "(") {
      parens++;
      pendingScope = false;
    } else if (t === ")") {
      parens = Math.max(0, parens - 1);
    } else if (t === ";") {
      pendingScope = false;
      parens = 0;
    } else if (t === "namespace") {
      pendingScope = true;
    } else if (/^"C(\+\+)?"$/.test(t) && previous === "extern") {
      pendingScope = true;
    } else if (codeDepth === 0 && parens === 0 && !macros.has(t) && UNKNOWN_MACRO.test(t) && /^\s*\(/.test(text.slice(at + t.length, at + t.length + 50))) {
      // A macro from a header that is not here (`GGML_BACKEND_DL_IMPL(reg)` at the end of a file): a use that runs
      // into what follows (no `;`, body or initializer after it) is blanked; it declares nothing the analysis reads.
      const open = text.indexOf("(", at + t.length);
      const call = callArgs(text, open);
      const after = call ? /^\s*(.)/s.exec(text.slice(call.end, call.end + 200).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "")) : null;
      if (call && (after === null || !/[;{:,)=]/.test(after[1]))) {
        pieces.push(text.slice(copied, at), text.slice(at, call.end).replace(/[^\r\n]/g, " "));
        copied = call.end;
        TOKEN.lastIndex = call.end;
        previous = ";";
        continue;
      }
    } else if (parens === 0 && macros.has(t) && definedAt(t, at) && (codeDepth === 0 || (macros.get(t)!.body.includes(";") && /^[;{}]$/.test(previous)))) {
      const open = /^\s*\(/.exec(text.slice(at + t.length, at + t.length + 200));
      const call = open ? callArgs(text, at + t.length + open[0].length - 1) : undefined;
      // In a body, a use followed by `;` is a call the lowering expands itself (macros.ts), unless an argument is a
      // type the grammar will not take as an expression (`GGML_TENSOR_LOCALS(size_t, nb, dst, nb);`).
      // A use whose arguments are statements (`DISPATCH_FLOAT_AND_HALF(t, 0, "name", using T = float; k<<<g, b>>>(x););`)
      // keeps those statements where they are and loses the rest: the launches inside stay visible.
      // The statements run from the first argument that starts one to the closing parenthesis (commas inside
      // template arguments split them into several arguments here).
      const macro = macros.get(t)!;
      const rest = call && macro.variadic ? call.args.slice(macro.params.length) : [];
      const first = codeDepth === 0 || !call ? undefined : rest.some((a) => STATEMENT_ARG.test(a.text)) ? rest[0] : call.args.find((a) => STATEMENT_ARG.test(a.text));
      if (call && first) {
        const kept = [...text.slice(at, call.end).replace(/[^\r\n]/g, " ")];
        for (let i = first.at; i < call.end - 1; i++) kept[i - at] = text[i];
        pieces.push(text.slice(copied, at), kept.join(""));
        copied = call.end;
        TOKEN.lastIndex = call.end;
        previous = ";";
        continue;
      }
      if (call && (codeDepth === 0 || !/^\s*;/.test(text.slice(call.end, call.end + 100)) || call.args.some((a) => PRIMITIVE_TYPE.test(a.text)))) {
        const expanded = dropAttributes(expandNested(expandMacro(macros.get(t)!, call.args, objects).text, macros, objects));
        const original = text.slice(at, call.end);
        const breaks = (original.match(/\n/g) ?? []).length;
        const room = original.length - breaks;
        const fitted = fit(expanded, room);
        // `extern MACRO(...);` with the use blanked would leave `extern ;`: the `extern` goes with it.
        const from = fitted === undefined && previous === "extern" && previousAt >= copied ? previousAt : at;
        const replaced = text.slice(from, call.end);
        pieces.push(text.slice(copied, from), fitted !== undefined ? fitted + " ".repeat(room - fitted.length) + "\n".repeat(breaks) : replaced.replace(/[^\r\n]/g, " "));
        copied = call.end;
        TOKEN.lastIndex = call.end;
        previous = ";";
        continue;
      }
    }
    previous = t;
    previousAt = at;
  }
  if (copied === 0) return text;
  pieces.push(text.slice(copied));
  return pieces.join("");
}

/** Identifiers defined as nothing (`#define GGML_RESTRICT`), blanked where code uses them. */
export function blankEmptyMacros(text: string, defines: readonly string[]): string {
  const empty = new Set(defines.filter((d) => !d.includes("=")));
  if (empty.size === 0) return text;
  return text.replace(/[A-Za-z_]\w*/g, (name) => (empty.has(name) ? " ".repeat(name.length) : name));
}
