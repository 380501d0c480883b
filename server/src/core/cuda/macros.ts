// Function-like macros, expanded where the lowering meets a use (`FETCH_FLOAT4(A[i])`, `CEIL_DIV(n, 256)`).
//
// The project's preprocessor expands object-like macros only. A use of a function-like macro is still a call in the
// tree, so the lowering asks for its expansion here, parses it as a small snippet and lowers that in place. The
// expansion keeps a map back to the analysed text: text copied from an argument points at the argument, text from
// the macro's body points at the whole use, so every access inside still has a span of its own where it can.
import type { FunctionMacro } from "./program";

export interface ExpansionPiece {
  readonly text: string;
  /** Offset in the analysed text the piece was copied from (an argument); null for text of the macro's body. */
  readonly target: number | null;
}

export interface Expansion {
  readonly text: string;
  /** Where each part of `text` comes from, in order: [from, to) of `text`, and the target offset or null. */
  readonly segments: readonly { readonly from: number; readonly to: number; readonly target: number | null }[];
}

const TOKEN = /[A-Za-z_]\w*|##|#|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\s+|./gs;
const MAX_OBJECT_DEPTH = 8;

/** Object-like macro values (from the preprocessor's defines, NAME=value), expanded inside a body's text. */
function expandObjects(text: string, objects: ReadonlyMap<string, string>, seen: ReadonlySet<string>, depth: number): string {
  if (depth > MAX_OBJECT_DEPTH || objects.size === 0) return text;
  return text.replace(/[A-Za-z_]\w*/g, (name) => {
    const v = objects.get(name);
    if (v === undefined || v === "" || seen.has(name)) return name;
    return expandObjects(v, objects, new Set([...seen, name]), depth + 1);
  });
}

/**
 * The text of one use of `macro` with these arguments (each with where it starts in the analysed text). Parameters
 * are replaced by their arguments as written, `#p` by a string, `a ## b` pastes, `__VA_ARGS__` the variadic rest.
 */
export function expandMacro(macro: FunctionMacro, args: readonly { readonly text: string; readonly at: number }[], objects: ReadonlyMap<string, string>): Expansion {
  const pieces: ExpansionPiece[] = [];
  const tokens = macro.body.match(TOKEN) ?? [];
  const argOf = (name: string): { text: string; at: number }[] | undefined => {
    if (name === "__VA_ARGS__" && macro.variadic) return args.slice(macro.params.length);
    const i = macro.params.indexOf(name);
    return i >= 0 ? [args[i] ?? { text: "", at: 0 }] : undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === "#" && i + 1 < tokens.length) {
      // Stringizing: `#x` becomes "x" as written.
      let j = i + 1;
      while (j < tokens.length && /^\s+$/.test(tokens[j])) j++;
      const a = argOf(tokens[j] ?? "");
      if (a) {
        pieces.push({ text: JSON.stringify(a.map((x) => x.text).join(", ")), target: null });
        i = j;
        continue;
      }
    }
    if (t === "##") {
      // Pasting: drop the blanks on both sides.
      while (pieces.length > 0 && /^\s+$/.test(pieces[pieces.length - 1].text)) pieces.pop();
      while (i + 1 < tokens.length && /^\s+$/.test(tokens[i + 1])) i++;
      continue;
    }
    const a = /^[A-Za-z_]/.test(t) ? argOf(t) : undefined;
    if (a) {
      a.forEach((x, k) => {
        if (k > 0) pieces.push({ text: ", ", target: null });
        pieces.push({ text: x.text, target: x.at });
      });
      continue;
    }
    pieces.push({ text: /^[A-Za-z_]/.test(t) ? expandObjects(t, objects, new Set([macro.name]), 0) : t, target: null });
  }
  const segments: { from: number; to: number; target: number | null }[] = [];
  let text = "";
  for (const p of pieces) {
    if (p.text === "") continue;
    segments.push({ from: text.length, to: text.length + p.text.length, target: p.target });
    text += p.text;
  }
  return { text, segments };
}

/** Maps an offset of an expansion back to the analysed text: into the argument it came from, else the use's span. */
export function mapExpansionOffset(e: Expansion, offset: number, use: { start: number; end: number }, bias: "start" | "end"): number {
  for (const s of e.segments) {
    if (offset < s.from || offset > s.to) continue;
    if (s.target !== null && (offset < s.to || bias === "end")) return s.target + (offset - s.from);
  }
  return bias === "start" ? use.start : use.end;
}

/** The identifier that stands for argument `i` in a macro's parsed body. */
export const macroArgName = (i: number): string => `__kl_arg${i}__`;
export const MACRO_ARG = /^__kl_arg(\d+)__$/;

/**
 * A macro's body with each parameter replaced by a placeholder identifier (object-like macros in it expanded), so
 * the body is parsed once however often the macro is used and each use binds the placeholders to its arguments.
 * Undefined for bodies that paste or stringize (`##`, `#x`) or take variadic arguments: those expand as text.
 */
export function macroTemplate(macro: FunctionMacro, objects: ReadonlyMap<string, string>): string | undefined {
  if (macro.variadic || macro.body.includes("#")) return undefined;
  const tokens = macro.body.match(TOKEN) ?? [];
  return tokens
    .map((t) => {
      if (!/^[A-Za-z_]/.test(t)) return t;
      const i = macro.params.indexOf(t);
      return i >= 0 ? macroArgName(i) : expandObjects(t, objects, new Set([macro.name]), 0);
    })
    .join("");
}
