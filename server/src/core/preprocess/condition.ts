// Evaluates the integer expression of a `#if` / `#elif` line, as a C preprocessor does.
//
// Supports `defined(X)` / `defined X`, integer literals, macros (their values are expanded; unknown names are 0),
// unary `! - ~ +`, the binary operators `* / % + - << >> < <= > >= == != & ^ | && ||`, and parentheses.

export interface ConditionResult {
  readonly value: number;
  readonly error?: string;
}

type Tok = { kind: "num"; value: number } | { kind: "id"; name: string } | { kind: "op"; op: string };

const BINARY: Record<string, number> = {
  "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
  "<": 7, "<=": 7, ">": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
};

function tokenize(src: string): Tok[] | string {
  const toks: Tok[] = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(\|\||&&|==|!=|<=|>=|<<|>>|[-+*/%<>!~&|^()]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) return `unexpected '${src.slice(pos).trim()[0]}'`;
    if (m[1] !== undefined) toks.push({ kind: "num", value: Number(m[1]) });
    else if (m[2] !== undefined) toks.push({ kind: "id", name: m[2] });
    else toks.push({ kind: "op", op: m[3] });
    pos = re.lastIndex;
  }
  return toks;
}

export function evaluateCondition(src: string, defines: ReadonlyMap<string, string>, depth = 0): ConditionResult {
  const toks = tokenize(src);
  if (typeof toks === "string") return { value: 0, error: toks };
  if (toks.length === 0) return { value: 0, error: "missing condition" };
  let i = 0;
  let error: string | undefined;
  const fail = (msg: string): number => {
    error ??= msg;
    return 0;
  };
  const peekOp = (): string | undefined => (toks[i]?.kind === "op" ? (toks[i] as { op: string }).op : undefined);

  const primary = (): number => {
    const t = toks[i++];
    if (!t) return fail("unexpected end of condition");
    if (t.kind === "num") return t.value;
    if (t.kind === "id") {
      if (t.name === "defined") {
        const paren = peekOp() === "(";
        if (paren) i++;
        const n = toks[i++];
        if (!n || n.kind !== "id") return fail("defined needs a macro name");
        if (paren && peekOp() !== ")") return fail("missing ')' after defined(");
        if (paren) i++;
        return defines.has(n.name) ? 1 : 0;
      }
      const v = defines.get(t.name);
      if (v === undefined || v === "" || depth > 8) return 0;
      const inner = evaluateCondition(v, defines, depth + 1);
      return inner.error ? 0 : inner.value;
    }
    if (t.op === "(") {
      const v = binary(0);
      if (peekOp() !== ")") return fail("missing ')'");
      i++;
      return v;
    }
    if (t.op === "!") return primary() === 0 ? 1 : 0;
    if (t.op === "-") return -primary();
    if (t.op === "+") return primary();
    if (t.op === "~") return ~primary();
    return fail(`unexpected '${t.op}'`);
  };

  const binary = (minPrec: number): number => {
    let left = primary();
    for (;;) {
      const op = peekOp();
      const prec = op ? BINARY[op] : undefined;
      if (!op || prec === undefined || prec < minPrec) break;
      i++;
      const right = binary(prec + 1);
      left = apply(op, left, right);
    }
    return left;
  };

  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case "||": return a || b ? 1 : 0;
      case "&&": return a && b ? 1 : 0;
      case "|": return a | b;
      case "^": return a ^ b;
      case "&": return a & b;
      case "==": return a === b ? 1 : 0;
      case "!=": return a !== b ? 1 : 0;
      case "<": return a < b ? 1 : 0;
      case "<=": return a <= b ? 1 : 0;
      case ">": return a > b ? 1 : 0;
      case ">=": return a >= b ? 1 : 0;
      case "<<": return a << b;
      case ">>": return a >> b;
      case "+": return a + b;
      case "-": return a - b;
      case "*": return a * b;
      case "/": return b === 0 ? fail("division by zero") : Math.trunc(a / b);
      case "%": return b === 0 ? fail("division by zero") : a % b;
      default: return fail(`unknown operator '${op}'`);
    }
  };

  const value = binary(1);
  if (i < toks.length && !error) error = "unexpected text after the condition";
  return error ? { value: 0, error } : { value };
}
