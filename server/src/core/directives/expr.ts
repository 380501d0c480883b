// The small expression language of launch directives: numbers, names, + - * / % << >>, comparisons, ceil/floor/min/max.
//
// `// @dispatch ceil(N / 256)` divides as real numbers (then ceil rounds), so `/` is real division and `%`, `<<`,
// `>>` work on whole numbers. Comparisons and `&& ||` exist for `@require` constraints and yield 1 or 0.

export type DExpr =
  | { readonly kind: "num"; readonly value: number; readonly start: number; readonly end: number }
  | { readonly kind: "name"; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: "unary"; readonly op: "-" | "!"; readonly operand: DExpr; readonly start: number; readonly end: number }
  | { readonly kind: "binary"; readonly op: string; readonly left: DExpr; readonly right: DExpr; readonly start: number; readonly end: number }
  | { readonly kind: "call"; readonly fn: string; readonly args: readonly DExpr[]; readonly start: number; readonly end: number };

export interface DExprError {
  readonly message: string;
  /** Offsets relative to the string that was parsed. */
  readonly start: number;
  readonly end: number;
}

export const directiveFunctions: Readonly<Record<string, { arity: [number, number]; fn: (...a: number[]) => number; doc: string }>> = {
  ceil: { arity: [1, 1], fn: Math.ceil, doc: "smallest whole number not below x" },
  floor: { arity: [1, 1], fn: Math.floor, doc: "largest whole number not above x" },
  round: { arity: [1, 1], fn: Math.round, doc: "nearest whole number" },
  min: { arity: [2, 8], fn: Math.min, doc: "smallest argument" },
  max: { arity: [2, 8], fn: Math.max, doc: "largest argument" },
  sqrt: { arity: [1, 1], fn: Math.sqrt, doc: "square root" },
  log2: { arity: [1, 1], fn: Math.log2, doc: "base-2 logarithm" },
};

const PREC: Record<string, number> = {
  "||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "<<": 5, ">>": 5, "+": 6, "-": 6, "*": 7, "/": 7, "%": 7,
};

interface Tok {
  kind: "num" | "name" | "op" | "end";
  text: string;
  value?: number;
  start: number;
  end: number;
}

const TOKEN = /\s*(?:(0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>!,=[\]{}~:]))/y;

/**
 * Tokens of `src` from `offset` to `end`, positions relative to `src`. Quoted strings (file paths) are skipped
 * like white space; the directive parser reads them from the text itself. No slicing: directives are scanned in
 * place, so a file with many of them stays linear.
 */
export function tokenizeDExpr(src: string, offset = 0, end = src.length): Tok[] | DExprError {
  const toks: Tok[] = [];
  let pos = offset;
  for (;;) {
    while (pos < end && (src[pos] === " " || src[pos] === "\t" || src[pos] === "\r")) pos++;
    if (pos >= end) break;
    if (src[pos] === '"') {
      const close = src.indexOf('"', pos + 1);
      pos = close < 0 || close >= end ? end : close + 1;
      continue;
    }
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m || TOKEN.lastIndex > end) return { message: `unexpected character '${src[pos]}'`, start: pos, end: pos + 1 };
    const start = TOKEN.lastIndex - (m[1] ?? m[2] ?? m[3]).length;
    if (m[1] !== undefined) toks.push({ kind: "num", text: m[1], value: Number(m[1]), start, end: TOKEN.lastIndex });
    else if (m[2] !== undefined) toks.push({ kind: "name", text: m[2], start, end: TOKEN.lastIndex });
    else toks.push({ kind: "op", text: m[3], start, end: TOKEN.lastIndex });
    pos = TOKEN.lastIndex;
  }
  toks.push({ kind: "end", text: "", start: end, end });
  return toks;
}

/** Parses an expression from `toks` starting at `index`; returns the expression and the index after it. */
export function parseDExprTokens(toks: readonly Tok[], index: number): { expr: DExpr; next: number } | DExprError {
  let i = index;
  let error: DExprError | undefined;
  const fail = (msg: string, t: Tok): DExpr => {
    // An error at the end of the line points at the last character, so it is visible in the editor.
    error ??= t.kind === "end" ? { message: msg, start: Math.max(t.start - 1, 0), end: t.start } : { message: msg, start: t.start, end: Math.max(t.end, t.start + 1) };
    return { kind: "num", value: 0, start: t.start, end: t.end };
  };
  const describe = (t: Tok): string => (t.kind === "end" ? "end of line" : `'${t.text}'`);
  let depth = 0;

  const primary = (): DExpr => {
    const t = toks[i];
    if (++depth > 64) return fail("expression nested too deeply", t);
    try {
      if (t.kind === "num") {
        i++;
        return { kind: "num", value: t.value ?? 0, start: t.start, end: t.end };
      }
      if (t.kind === "name") {
        i++;
        if (toks[i].kind === "op" && toks[i].text === "(") {
          const fnInfo = directiveFunctions[t.text];
          if (!fnInfo) return fail(`unknown function '${t.text}' (known: ${Object.keys(directiveFunctions).join(", ")})`, t);
          i++;
          const args: DExpr[] = [];
          if (!(toks[i].kind === "op" && toks[i].text === ")")) {
            for (;;) {
              args.push(binary(1));
              if (toks[i].kind === "op" && toks[i].text === ",") {
                i++;
                continue;
              }
              break;
            }
          }
          const close = toks[i];
          if (!(close.kind === "op" && close.text === ")")) return fail(`expected ')' after the arguments of ${t.text}, found ${describe(close)}`, close);
          i++;
          if (args.length < fnInfo.arity[0] || args.length > fnInfo.arity[1]) {
            return fail(`${t.text} takes ${fnInfo.arity[0] === fnInfo.arity[1] ? fnInfo.arity[0] : `${fnInfo.arity[0]} to ${fnInfo.arity[1]}`} argument(s), got ${args.length}`, t);
          }
          return { kind: "call", fn: t.text, args, start: t.start, end: close.end };
        }
        return { kind: "name", name: t.text, start: t.start, end: t.end };
      }
      if (t.kind === "op" && t.text === "(") {
        i++;
        const inner = binary(1);
        const close = toks[i];
        if (!(close.kind === "op" && close.text === ")")) return fail(`expected ')', found ${describe(close)}`, close);
        i++;
        return inner;
      }
      if (t.kind === "op" && (t.text === "-" || t.text === "!" || t.text === "+")) {
        i++;
        const operand = primary();
        if (t.text === "+") return operand;
        return { kind: "unary", op: t.text as "-" | "!", operand, start: t.start, end: operand.end };
      }
      return fail(`expected a number, a name or '(', found ${describe(t)}`, t);
    } finally {
      depth--;
    }
  };

  const binary = (minPrec: number): DExpr => {
    let left = primary();
    for (;;) {
      const t = toks[i];
      const prec = t.kind === "op" ? PREC[t.text] : undefined;
      if (prec === undefined || prec < minPrec || error) break;
      i++;
      const right = binary(prec + 1);
      left = { kind: "binary", op: t.text, left, right, start: left.start, end: right.end };
    }
    return left;
  };

  const expr = binary(1);
  return error ?? { expr, next: i };
}

/** Parses a whole string as one expression. Offsets in the result are relative to `src`. */
export function parseDExpr(src: string): DExpr | DExprError {
  const toks = tokenizeDExpr(src);
  if (!Array.isArray(toks)) return toks;
  const res = parseDExprTokens(toks, 0);
  if ("message" in res) return res;
  const rest = toks[res.next];
  if (rest.kind !== "end") return { message: `unexpected '${rest.text}' after the expression`, start: rest.start, end: rest.end };
  return res.expr;
}

export function isDExprError(x: unknown): x is DExprError {
  return typeof x === "object" && x !== null && "message" in x && !("kind" in x);
}

export type Env = ReadonlyMap<string, number>;

/** Evaluates under `env`; an unknown name or a bad operation gives an error with the offending span. */
export function evaluateDExpr(e: DExpr, env: Env): number | DExprError {
  switch (e.kind) {
    case "num":
      return e.value;
    case "name": {
      const v = env.get(e.name);
      return v === undefined ? { message: `unknown name '${e.name}'`, start: e.start, end: e.end } : v;
    }
    case "unary": {
      const v = evaluateDExpr(e.operand, env);
      if (typeof v !== "number") return v;
      return e.op === "-" ? -v : v === 0 ? 1 : 0;
    }
    case "call": {
      const args: number[] = [];
      for (const a of e.args) {
        const v = evaluateDExpr(a, env);
        if (typeof v !== "number") return v;
        args.push(v);
      }
      return directiveFunctions[e.fn].fn(...args);
    }
    case "binary": {
      const a = evaluateDExpr(e.left, env);
      if (typeof a !== "number") return a;
      const b = evaluateDExpr(e.right, env);
      if (typeof b !== "number") return b;
      const bad = (message: string): DExprError => ({ message, start: e.start, end: e.end });
      switch (e.op) {
        case "+": return a + b;
        case "-": return a - b;
        case "*": return a * b;
        case "/": return b === 0 ? bad("division by zero") : a / b;
        case "%": return b === 0 ? bad("remainder by zero") : a % b;
        case "<<": return a * 2 ** b;
        case ">>": return Math.floor(a / 2 ** b);
        case "==": return a === b ? 1 : 0;
        case "!=": return a !== b ? 1 : 0;
        case "<": return a < b ? 1 : 0;
        case "<=": return a <= b ? 1 : 0;
        case ">": return a > b ? 1 : 0;
        case ">=": return a >= b ? 1 : 0;
        case "&&": return a !== 0 && b !== 0 ? 1 : 0;
        case "||": return a !== 0 || b !== 0 ? 1 : 0;
        default: return bad(`unknown operator '${e.op}'`);
      }
    }
  }
}

/** Names an expression mentions, for dependency checks and completion. */
export function namesIn(e: DExpr, into: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case "name": into.add(e.name); break;
    case "unary": namesIn(e.operand, into); break;
    case "binary": namesIn(e.left, into); namesIn(e.right, into); break;
    case "call": for (const a of e.args) namesIn(a, into); break;
    case "num": break;
  }
  return into;
}
