// Parses the launch directives (`// @let`, `// @dispatch`, `// @buffer`, ...) from a kernel file's line comments.
//
// Directives give static analysis its sizes and runs their inputs (see the design note). Every directive keeps the
// span of its comment line and of its parts in the original text, so a malformed one is reported right where it is
// written, and the editor can hover and complete them.
import type { Span } from "../wgsl/ast";
import type { CoreDiagnostic } from "../diagnostic";
import { type DExpr, type DExprError, parseDExprTokens, tokenizeDExpr } from "./expr";

export interface Named {
  readonly name: string;
  readonly span: Span;
}

export type BufferInit =
  | { readonly kind: "random" | "randint"; readonly lo: DExpr; readonly hi: DExpr; readonly span: Span }
  | { readonly kind: "iota"; readonly span: Span }
  | { readonly kind: "const"; readonly value: DExpr; readonly span: Span }
  | { readonly kind: "file"; readonly path: string; readonly span: Span }
  /** `[a, b, ...]`: every scalar of the buffer in order (padding skipped); without `[COUNT]` its length is the count. */
  | { readonly kind: "list"; readonly items: readonly DExpr[]; readonly span: Span };

export type SweepValues =
  | { readonly kind: "list"; readonly items: readonly DExpr[] }
  | { readonly kind: "range"; readonly from: DExpr; readonly to: DExpr; readonly step: DExpr | undefined }
  | { readonly kind: "pow2"; readonly from: DExpr; readonly to: DExpr };

export type CheckReference =
  | { readonly kind: "entry"; readonly name: Named }
  | { readonly kind: "js"; readonly path: string; readonly span: Span };

interface Base {
  /** The whole comment line. */
  readonly span: Span;
  /** The `@keyword`. */
  readonly keywordSpan: Span;
}

export type Directive =
  | (Base & { readonly kind: "let"; readonly name: Named; readonly expr: DExpr })
  | (Base & { readonly kind: "override"; readonly name: Named; readonly expr: DExpr })
  | (Base & { readonly kind: "dispatch"; readonly dims: readonly DExpr[] })
  | (Base & { readonly kind: "buffer"; readonly name: Named; readonly count: DExpr | undefined; readonly init: BufferInit | undefined })
  | (Base & { readonly kind: "uniform"; readonly name: Named; readonly fields: readonly { readonly name: Named; readonly expr: DExpr }[] })
  | (Base & { readonly kind: "texture"; readonly name: Named; readonly dims: readonly DExpr[]; readonly format: Named | undefined })
  | (Base & { readonly kind: "define"; readonly name: Named; readonly value: string | undefined })
  | (Base & { readonly kind: "check"; readonly output: Named; readonly reference: CheckReference; readonly options: ReadonlyMap<string, number> })
  | (Base & { readonly kind: "sweep"; readonly name: Named; readonly values: SweepValues })
  | (Base & { readonly kind: "require"; readonly expr: DExpr })
  | (Base & { readonly kind: "quant" | "quantize"; readonly name: Named; readonly format: Named; readonly options: ReadonlyMap<string, number> })
  /** CUDA: the block size of a launch the code does not show (threads in x, y, z). */
  | (Base & { readonly kind: "block"; readonly dims: readonly DExpr[] })
  /** CUDA: the launch's dynamic shared memory in bytes (what `extern __shared__` arrays get). */
  | (Base & { readonly kind: "smem"; readonly expr: DExpr })
  /** CUDA: the value of a kernel argument (`@arg n = 4096`) or of a template parameter (`@template BLOCK = 256`, `@template T = half`). */
  | (Base & { readonly kind: "arg" | "template"; readonly name: Named; readonly expr: DExpr });

export type DirectiveKind = Directive["kind"];

export const directiveKeywords: Readonly<Record<DirectiveKind, { syntax: string; doc: string }>> = {
  let: { syntax: "// @let NAME = EXPR", doc: "Names a size for the other directives, e.g. `// @let N = 1 << 20`." },
  dispatch: { syntax: "// @dispatch X[, Y[, Z]]", doc: "Workgroups to dispatch in x, y and z, e.g. `// @dispatch ceil(N / 256)`." },
  override: { syntax: "// @override NAME = EXPR", doc: "The value of a WGSL `override` for this launch." },
  buffer: {
    syntax: "// @buffer NAME[COUNT] [= random(lo, hi) | randint(lo, hi) | iota | const(v) | file(\"a.npy\") | [a, b, ...]]",
    doc:
      "Element count of a storage binding and its contents; without an initializer the buffer is an output, poisoned before each run. " +
      "A list `[a, b, ...]` gives every value in order (its length is the count, e.g. `// @buffer info = [1024, 512, 4]`); integers the kernel reads from a read-only buffer at a constant index are sizes, so its loops and guards count with them.",
  },
  uniform: {
    syntax: "// @uniform NAME = { field: EXPR, member: [a, b, ...], ... }  |  // @uniform NAME = [a, b, ...]",
    doc:
      "Values of a uniform binding: struct fields by name (nested structs as `{ inner: { n: 4 } }`), a vector or array member as a list of its scalars in order (`shape: [4, 1024, 1024, 1]`; one value fills every component), " +
      "and a uniform that is not a struct as a list (`// @uniform size = [64, 64]` for a vec2u) or one value (a scalar).",
  },
  texture: {
    syntax: "// @texture NAME[WIDTH[, HEIGHT[, DEPTH]]] [FORMAT]",
    doc: "Size of a texture binding in texels, and its texel format where the type does not say it (a sampled texture), e.g. `// @texture src[1920, 1080] rgba8unorm`.",
  },
  define: { syntax: "// @define NAME[=VALUE]", doc: "A preprocessor define for this variant (`#ifdef` / `#if` code)." },
  check: {
    syntax: "// @check OUT ~ ENTRY [rtol=1e-5] [atol=0]  |  // @check OUT ~ js(\"./ref.mjs\")",
    doc: "Compares an output with a reference: another entry point run on the same inputs, or a JavaScript module.",
  },
  sweep: { syntax: "// @sweep NAME in [a, b, ...] | range(a, b, step) | pow2(a, b)", doc: "A design-space parameter and its values." },
  require: { syntax: "// @require EXPR", doc: "A constraint a variant must meet, e.g. `// @require N % TILE == 0`." },
  quant: { syntax: "// @quant NAME: FORMAT", doc: "States the quantization format of a binding, e.g. `// @quant w: q4_0`." },
  quantize: { syntax: "// @quantize NAME: FORMAT [group=128]", doc: "Quantizes an input with the reference encoder before a run." },
  block: { syntax: "// @block X[, Y[, Z]]", doc: "CUDA: threads per block of a launch the file does not show, e.g. `// @block 16, 16`." },
  smem: { syntax: "// @smem BYTES", doc: "CUDA: dynamic shared memory per block in bytes (the third `<<<>>>` argument), which `extern __shared__` arrays get." },
  arg: { syntax: "// @arg NAME = EXPR", doc: "CUDA: the value of an integer kernel argument, e.g. `// @arg n = 1 << 20`." },
  template: { syntax: "// @template NAME = EXPR | TYPE", doc: "CUDA: a template parameter of the kernel, a value or a type, e.g. `// @template BLOCK = 256`, `// @template T = half`." },
};

/** Keywords that are another directive's name: CUDA's `@grid` is `@dispatch` (blocks in x, y, z). */
export const directiveSynonyms: Readonly<Record<string, DirectiveKind>> = { grid: "dispatch" };

export interface ParsedDirectives {
  readonly directives: readonly Directive[];
  readonly problems: readonly CoreDiagnostic[];
}

const DIRECTIVE_LINE = /^[ \t]*\/\/[ \t]*@([A-Za-z_]\w*)/;

/** Attribute names that may appear in commented-out WGSL; never mistaken for misspelt directives. */
const WGSL_ATTRIBUTES = new Set([
  "align", "binding", "blend_src", "builtin", "compute", "const", "diagnostic", "fragment", "group", "id", "interpolate",
  "invariant", "location", "must_use", "size", "vertex", "workgroup_size",
]);

/** Levenshtein distance, for "did you mean" suggestions (misspelt directives here, the CLI's commands and options). */
export function editDistance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** Spans of block comments (nested as WGSL nests them), skipping line comments; directives never start inside one. */
function blockCommentSpans(text: string): Span[] {
  const spans: Span[] = [];
  if (!text.includes("/*")) return spans;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("//", i)) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith("/*", i)) {
      const start = i;
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text.startsWith("/*", i)) { depth++; i += 2; }
        else if (text.startsWith("*/", i)) { depth--; i += 2; }
        else i++;
      }
      spans.push({ start, end: i });
    } else i++;
  }
  return spans;
}

/** Scans every `// @keyword ...` line of `text`. Lines inside block comments are not directives. */
export function parseDirectives(text: string): ParsedDirectives {
  const directives: Directive[] = [];
  const problems: CoreDiagnostic[] = [];
  const blocks = blockCommentSpans(text);
  // Jump from one `//` to the next rather than looking at every line: most lines of a kernel have none.
  let from = 0;
  for (;;) {
    const at = text.indexOf("//", from);
    if (at < 0) break;
    const pos = text.lastIndexOf("\n", at - 1) + 1;
    let nl = text.indexOf("\n", at);
    if (nl < 0) nl = text.length;
    from = nl + 1;
    // Only a comment that is the whole line can be a directive; a trailing `// @x` after code is a note.
    if (at > pos && text.slice(pos, at).trim() !== "") continue;
    if (blocks.some((b) => at >= b.start && at < b.end)) continue;
    const line = text.slice(pos, nl).replace(/\r$/, "");
    const m = DIRECTIVE_LINE.exec(line);
    if (!m) continue;
    const keyword = m[1];
    const kwStart = pos + m[0].length - keyword.length - 1;
    const lineSpan = { start: at, end: pos + line.length };
    const kind = keyword in directiveKeywords ? (keyword as DirectiveKind) : directiveSynonyms[keyword];
    if (kind) {
      const parsed = parseDirectiveBody(kind, text, pos + m[0].length, pos + line.length, lineSpan, { start: kwStart, end: kwStart + 1 + keyword.length });
      if ("message" in parsed) {
        problems.push({
          severity: "error",
          code: "directive-syntax",
          message: `@${keyword}: ${parsed.message}. Expected: ${directiveKeywords[kind].syntax.replace(`@${kind}`, `@${keyword}`)}`,
          span: { start: parsed.start, end: Math.max(parsed.end, parsed.start + 1) },
          source: "kernellens",
        });
      } else {
        directives.push(parsed);
      }
    } else if (!WGSL_ATTRIBUTES.has(keyword)) {
      const close = [...Object.keys(directiveKeywords), ...Object.keys(directiveSynonyms)].find((k) => editDistance(k, keyword) <= Math.max(1, Math.floor(k.length / 3)));
      if (close) {
        problems.push({
          severity: "warning",
          code: "directive-unknown",
          message: `unknown launch directive '@${keyword}': did you mean '@${close}'?`,
          span: { start: kwStart, end: kwStart + 1 + keyword.length },
          source: "kernellens",
        });
      }
    }
  }
  return { directives, problems };
}

type Tok = Exclude<ReturnType<typeof tokenizeDExpr>, DExprError>[number];

/** A cursor over the tokens of one directive line, with helpers that produce precise errors. */
class Cursor {
  i = 0;
  constructor(readonly toks: readonly Tok[], readonly lineEnd: number) {}
  get peek(): Tok {
    return this.toks[this.i];
  }
  get atEnd(): boolean {
    return this.toks[this.i].kind === "end";
  }
  isOp(text: string): boolean {
    return this.peek.kind === "op" && this.peek.text === text;
  }
  isName(text?: string): boolean {
    return this.peek.kind === "name" && (text === undefined || this.peek.text === text);
  }
  fail(message: string, t: Tok = this.peek): DExprError {
    const found = t.kind === "end" ? "end of line" : `'${t.text}'`;
    return t.kind === "end" ? { message: `${message}, found ${found}`, start: Math.max(t.start - 1, 0), end: t.start } : { message: `${message}, found ${found}`, start: t.start, end: t.end };
  }
  name(what: string): Named | DExprError {
    const t = this.peek;
    if (t.kind !== "name") return this.fail(`expected ${what}`);
    this.i++;
    return { name: t.text, span: { start: t.start, end: t.end } };
  }
  expect(op: string, context: string): true | DExprError {
    if (!this.isOp(op)) return this.fail(`expected '${op}' ${context}`);
    this.i++;
    return true;
  }
  expr(): DExpr | DExprError {
    const r = parseDExprTokens(this.toks, this.i);
    if ("message" in r) return r;
    this.i = r.next;
    return r.expr;
  }
  end(): true | DExprError {
    return this.peek.kind === "end" ? true : this.fail("unexpected text");
  }
  /** `(a, b, ...)` after a function name, to the end of the line: the arguments of range(), random() and the like. */
  callArgs(fn: string): DExpr[] | DExprError {
    const open = this.expect("(", `after ${fn}`);
    if (open !== true) return open;
    const args: DExpr[] = [];
    while (!this.isOp(")")) {
      const e = this.expr();
      if ("message" in e) return e;
      args.push(e);
      if (this.isOp(",")) this.i++;
      else if (!this.isOp(")")) return this.fail(`expected ',' or ')' in ${fn}(...)`);
    }
    this.i++;
    const end = this.end();
    return end === true ? args : end;
  }
  /** `key=value` options such as `rtol=1e-5 group=128`. */
  options(allowed: readonly string[]): Map<string, number> | DExprError {
    const opts = new Map<string, number>();
    while (this.peek.kind !== "end") {
      const key = this.name(`an option (${allowed.join(", ")})`);
      if ("message" in key) return key;
      if (!allowed.includes(key.name)) return { message: `unknown option '${key.name}' (known: ${allowed.join(", ")})`, start: key.span.start, end: key.span.end };
      const eq = this.expect("=", `after '${key.name}'`);
      if (eq !== true) return eq;
      const v = this.expr();
      if ("message" in v) return v;
      if (v.kind !== "num" && !(v.kind === "unary" && v.operand.kind === "num")) return { message: `option '${key.name}' needs a number`, start: v.start, end: v.end };
      opts.set(key.name, v.kind === "num" ? v.value : -(v.operand as { value: number }).value);
      if (this.isOp(",")) this.i++;
    }
    return opts;
  }
}

function isErr<T>(x: T | DExprError): x is DExprError {
  return typeof x === "object" && x !== null && "message" in x && !("kind" in x) && !("name" in x && "span" in x);
}

/**
 * The value of a `// @uniform` binding or member, flattened into `out` under the names the kernel IR gives them
 * (ir.ts, LaunchParam): `{ n: 4, inner: { k: 2 } }` gives `n` and `inner.k`, a list `shape: [4, 8]` gives
 * `shape[0]` and `shape[1]` (scalars in order, padding skipped), and at the top a list gives `[0]`, `[1]` (a vector
 * or array uniform) and a bare expression gives `value` (a scalar uniform).
 */
function uniformValue(c: Cursor, path: string, at: Span, out: { name: Named; expr: DExpr }[], depth = 0): true | DExprError {
  if (depth > 8) return c.fail("values nested too deep");
  // `shape: [1, 2], shape: 3` gives shape twice, as a list and as one value.
  const member = (n: string): string => n.replace(/\[\d+\]$/, "");
  const add = (n: string, span: Span, expr: DExpr): true | DExprError => {
    const twice = out.some((x) => x.name.name === n || (member(x.name.name) === member(n) && (x.name.name === member(n) || n === member(n))));
    if (twice) return { message: `'${member(n)}' given twice`, start: span.start, end: span.end };
    out.push({ name: { name: n, span }, expr });
    return true;
  };
  if (c.isOp("{")) {
    const open = c.peek;
    c.i++;
    while (!c.isOp("}")) {
      if (c.atEnd) return { message: "missing '}'", start: open.start, end: c.peek.start };
      const f = c.name("a field name");
      if (isErr(f)) return f;
      const colon = c.expect(":", `after field '${f.name}'`);
      if (colon !== true) return colon;
      const v = uniformValue(c, path === "" ? f.name : `${path}.${f.name}`, f.span, out, depth + 1);
      if (v !== true) return v;
      if (c.isOp(",")) c.i++;
      else if (c.atEnd) return { message: "missing '}'", start: open.start, end: c.peek.start };
      else if (!c.isOp("}")) return c.fail("expected ',' or '}' after a field");
    }
    c.i++;
    return true;
  }
  if (c.isOp("[")) {
    const open = c.peek;
    c.i++;
    let k = 0;
    while (!c.isOp("]")) {
      if (c.atEnd) return { message: "missing ']'", start: open.start, end: c.peek.start };
      if (c.isOp("[") || c.isOp("{")) return c.fail("a list holds numbers (scalars in order), not lists or fields");
      const e = c.expr();
      if (isErr(e)) return e;
      const added = add(`${path}[${k++}]`, { start: e.start, end: e.end }, e);
      if (added !== true) return added;
      if (c.isOp(",")) c.i++;
      else if (c.atEnd) return { message: "missing ']'", start: open.start, end: c.peek.start };
      else if (!c.isOp("]")) return c.fail("expected ',' or ']' in the list");
    }
    if (k === 0) return { message: "the list of values is empty", start: open.start, end: c.peek.end };
    c.i++;
    return true;
  }
  const e = c.expr();
  if (isErr(e)) return e;
  return add(path === "" ? "value" : path, path === "" ? { start: e.start, end: e.end } : at, e);
}

/** `[a, b, ...]` as a list of expressions, or the problem; the cursor stands at the `[`. */
function numberList(c: Cursor): { items: DExpr[]; span: Span } | DExprError {
  const open = c.peek;
  c.i++;
  const items: DExpr[] = [];
  while (!c.isOp("]")) {
    if (c.atEnd) return { message: "missing ']'", start: open.start, end: c.peek.start };
    const e = c.expr();
    if (isErr(e)) return e;
    items.push(e);
    if (c.isOp(",")) c.i++;
    else if (c.atEnd) return { message: "missing ']'", start: open.start, end: c.peek.start };
    else if (!c.isOp("]")) return c.fail("expected ',' or ']' in the list");
  }
  const close = c.peek;
  c.i++;
  if (items.length === 0) return { message: "the list of values is empty", start: open.start, end: close.end };
  return { items, span: { start: open.start, end: close.end } };
}

/** A quoted string in `raw` starting at or after `from`; directives use them only for file paths. */
function quoted(text: string, from: number, end: number): { value: string; start: number; end: number } | undefined {
  const m = /^\s*"([^"]*)"/.exec(text.slice(from, end));
  if (!m) return undefined;
  const start = from + m[0].indexOf('"');
  return { value: m[1], start, end: start + m[1].length + 2 };
}

function parseDirectiveBody(kind: DirectiveKind, text: string, bodyStart: number, lineEnd: number, span: Span, keywordSpan: Span): Directive | DExprError {
  const base = { span, keywordSpan };

  // @define takes raw text (a value may be any token sequence), so it is parsed before tokenizing.
  if (kind === "define") {
    const bodyText = text.slice(bodyStart, lineEnd);
    const m = /^\s+([A-Za-z_]\w*)(?:\s*=\s*|\s+)?(.*)$/.exec(bodyText);
    if (!m) return { message: "expected a macro name", start: bodyStart, end: lineEnd };
    const nameStart = bodyStart + bodyText.indexOf(m[1]);
    const value = m[2].trim();
    return { ...base, kind, name: { name: m[1], span: { start: nameStart, end: nameStart + m[1].length } }, value: value === "" ? undefined : value };
  }

  // Strings (file paths) are cut out before tokenizing the rest.
  const toks = tokenizeDExpr(text, bodyStart, lineEnd);
  if (!Array.isArray(toks)) return toks;
  const c = new Cursor(toks, lineEnd);

  switch (kind) {
    case "let":
    case "override":
    case "arg":
    case "template": {
      const name = c.name("a name");
      if (isErr(name)) return name;
      const eq = c.expect("=", `after '${name.name}'`);
      if (eq !== true) return eq;
      const expr = c.expr();
      if (isErr(expr)) return expr;
      const end = c.end();
      if (end !== true) return end;
      return { ...base, kind, name, expr };
    }
    case "smem": {
      const expr = c.expr();
      if (isErr(expr)) return expr;
      const end = c.end();
      if (end !== true) return end;
      return { ...base, kind, expr };
    }
    case "dispatch":
    case "block": {
      const dims: DExpr[] = [];
      for (;;) {
        const e = c.expr();
        if (isErr(e)) return e;
        dims.push(e);
        if (!c.isOp(",")) break;
        c.i++;
      }
      if (dims.length > 3) return { message: "at most 3 dimensions (x, y, z)", start: dims[3].start, end: dims[dims.length - 1].end };
      const end = c.end();
      if (end !== true) return end;
      return { ...base, kind, dims };
    }
    case "require": {
      const expr = c.expr();
      if (isErr(expr)) return expr;
      const end = c.end();
      if (end !== true) return end;
      return { ...base, kind, expr };
    }
    case "buffer": {
      const name = c.name("a binding name");
      if (isErr(name)) return name;
      let count: DExpr | undefined;
      // `[` is not an expression token, so the element count is found in the raw text.
      const afterName = text.slice(name.span.end, lineEnd);
      const bm = /^\s*\[([^\]]*)\]/.exec(afterName);
      let initFrom = name.span.end;
      if (bm) {
        const countStart = name.span.end + afterName.indexOf("[") + 1;
        const sub = tokenizeDExpr(text, countStart, countStart + bm[1].length);
        if (!Array.isArray(sub)) return sub;
        const r = parseDExprTokens(sub, 0);
        if (isErr(r)) return r;
        if (sub[r.next].kind !== "end") return { message: "unexpected text in the element count", start: sub[r.next].start, end: sub[r.next].end };
        count = r.expr;
        initFrom = countStart + bm[1].length + 1;
      } else if (/^\s*\[/.test(afterName)) {
        return { message: "missing ']' after the element count", start: name.span.end, end: lineEnd };
      }
      const rest = text.slice(initFrom, lineEnd);
      if (rest.trim() === "") return { ...base, kind, name, count, init: undefined };
      const eqAt = rest.indexOf("=");
      if (rest.slice(0, eqAt < 0 ? rest.length : eqAt).trim() !== "" || eqAt < 0) {
        const at = initFrom + rest.search(/\S/);
        return { message: "expected '= initializer' or nothing after the buffer", start: at, end: lineEnd };
      }
      const init = parseBufferInit(text, initFrom + eqAt + 1, lineEnd);
      if (isErr(init)) return init;
      return { ...base, kind, name, count, init };
    }
    case "uniform": {
      const name = c.name("a uniform binding name");
      if (isErr(name)) return name;
      const eq = c.expect("=", `after '${name.name}'`);
      if (eq !== true) return eq;
      const fields: { name: Named; expr: DExpr }[] = [];
      const value = uniformValue(c, "", name.span, fields);
      if (value !== true) return value;
      const end = c.end();
      if (end !== true) return { ...end, message: end.message.replace("unexpected text", "unexpected text after the value") };
      return { ...base, kind, name, fields };
    }
    case "check": {
      const output = c.name("the output binding to check");
      if (isErr(output)) return output;
      const tilde = text.indexOf("~", output.span.end);
      if (tilde < 0 || tilde > lineEnd || text.slice(output.span.end, tilde).trim() !== "") {
        return { message: "expected '~' after the output name", start: output.span.end, end: lineEnd };
      }
      const refToks = tokenizeDExpr(text, tilde + 1, lineEnd);
      if (!Array.isArray(refToks)) return refToks;
      const rc = new Cursor(refToks, lineEnd);
      let reference: CheckReference;
      if (rc.isName("js")) {
        const js = rc.peek;
        rc.i++;
        const q = quoted(text, js.end + 1, lineEnd);
        if (!rc.isOp("(") || !q) return { message: 'expected js("./reference.mjs")', start: js.start, end: lineEnd };
        rc.i++;
        const close = rc.expect(")", "after the module path");
        if (close !== true) return close;
        reference = { kind: "js", path: q.value, span: { start: q.start, end: q.end } };
      } else {
        const ref = rc.name("a reference entry point or js(\"./ref.mjs\")");
        if (isErr(ref)) return ref;
        reference = { kind: "entry", name: ref };
      }
      const options = rc.options(["rtol", "atol", "maxMismatches"]);
      if (isErr(options)) return options;
      return { ...base, kind, output, reference, options };
    }
    case "sweep": {
      const name = c.name("a parameter name");
      if (isErr(name)) return name;
      if (!c.isName("in")) return c.fail("expected 'in' after the parameter name");
      c.i++;
      const rest = text.slice(c.peek.start, lineEnd);
      if (rest.trimStart().startsWith("[")) {
        const open = c.peek.start + rest.indexOf("[");
        const close = text.indexOf("]", open);
        if (close < 0 || close > lineEnd) return { message: "missing ']'", start: open, end: lineEnd };
        const itoks = tokenizeDExpr(text, open + 1, close);
        if (!Array.isArray(itoks)) return itoks;
        const ic = new Cursor(itoks, close);
        const items: DExpr[] = [];
        while (ic.peek.kind !== "end") {
          const e = ic.expr();
          if (isErr(e)) return e;
          items.push(e);
          if (ic.isOp(",")) ic.i++;
          else if (!ic.atEnd) return ic.fail("expected ',' between values");
        }
        if (items.length === 0) return { message: "the list of values is empty", start: open, end: close + 1 };
        if (text.slice(close + 1, lineEnd).trim() !== "") return { message: "unexpected text after ']'", start: close + 1, end: lineEnd };
        return { ...base, kind, name, values: { kind: "list", items } };
      }
      if (c.isName("range") || c.isName("pow2")) {
        const fn = c.peek.text as "range" | "pow2";
        const fnTok = c.peek;
        c.i++;
        const args = c.callArgs(fn);
        if (isErr(args)) return args;
        const want = fn === "range" ? [2, 3] : [2, 2];
        if (args.length < want[0] || args.length > want[1]) {
          return { message: fn === "range" ? "range takes (from, to[, step])" : "pow2 takes (from, to)", start: fnTok.start, end: lineEnd };
        }
        return fn === "range"
          ? { ...base, kind, name, values: { kind: "range", from: args[0], to: args[1], step: args[2] } }
          : { ...base, kind, name, values: { kind: "pow2", from: args[0], to: args[1] } };
      }
      return c.fail("expected '[values]', 'range(a, b, step)' or 'pow2(a, b)'");
    }
    case "texture": {
      const name = c.name("a texture binding name");
      if (isErr(name)) return name;
      // `[` is not an expression token: the sizes are read from the raw text, as a buffer's count is.
      const afterName = text.slice(name.span.end, lineEnd);
      const bm = /^\s*\[([^\]]*)\]/.exec(afterName);
      if (!bm) return { message: "expected '[width, height]' after the texture's name", start: name.span.end, end: lineEnd };
      const dimsStart = name.span.end + afterName.indexOf("[") + 1;
      const sub = tokenizeDExpr(text, dimsStart, dimsStart + bm[1].length);
      if (!Array.isArray(sub)) return sub;
      const dims: DExpr[] = [];
      let at = 0;
      for (;;) {
        const r = parseDExprTokens(sub, at);
        if (isErr(r)) return r;
        dims.push(r.expr);
        at = r.next;
        if (sub[at].kind === "op" && sub[at].text === ",") at++;
        else break;
      }
      if (sub[at].kind !== "end") return { message: "unexpected text in the texture's size", start: sub[at].start, end: sub[at].end };
      if (dims.length > 3) return { message: "at most 3 dimensions (width, height, depth)", start: dims[3].start, end: dims[dims.length - 1].end };
      const restFrom = dimsStart + bm[1].length + 1;
      const ftoks = tokenizeDExpr(text, restFrom, lineEnd);
      if (!Array.isArray(ftoks)) return ftoks;
      const fc = new Cursor(ftoks, lineEnd);
      if (fc.peek.kind === "end") return { ...base, kind, name, dims, format: undefined };
      const format = fc.name("a texel format such as rgba8unorm or r32float");
      if (isErr(format)) return format;
      const end = fc.end();
      if (end !== true) return end;
      return { ...base, kind, name, dims, format };
    }
    case "quant":
    case "quantize": {
      const name = c.name("a binding name");
      if (isErr(name)) return name;
      // ':' is not an expression token; accept it from the raw text.
      const colon = text.indexOf(":", name.span.end);
      if (colon < 0 || colon > lineEnd || text.slice(name.span.end, colon).trim() !== "") return { message: "expected ':' and a format after the name", start: name.span.end, end: lineEnd };
      const ftoks = tokenizeDExpr(text, colon + 1, lineEnd);
      if (!Array.isArray(ftoks)) return ftoks;
      const fc = new Cursor(ftoks, lineEnd);
      const format = fc.name("a format name such as q4_0, int4 or e4m3");
      if (isErr(format)) return format;
      const options = fc.options(["group", "scale", "zero", "block"]);
      if (isErr(options)) return options;
      return { ...base, kind, name, format, options };
    }
  }
}

function parseBufferInit(text: string, from: number, lineEnd: number): BufferInit | DExprError {
  const rest = text.slice(from, lineEnd);
  if (rest.trimStart().startsWith("[")) {
    const toks = tokenizeDExpr(text, from, lineEnd);
    if (!Array.isArray(toks)) return toks;
    const c = new Cursor(toks, lineEnd);
    const list = numberList(c);
    if (isErr(list)) return list;
    const end = c.end();
    if (end !== true) return { ...end, message: end.message.replace("unexpected text", "unexpected text after ']'") };
    return { kind: "list", items: list.items, span: list.span };
  }
  const m = /^\s*([A-Za-z_]\w*)/.exec(rest);
  if (!m) return { message: "expected an initializer: random(lo, hi), randint(lo, hi), iota, const(v), file(\"a.npy\") or [a, b, ...]", start: from, end: lineEnd };
  const nameStart = from + rest.indexOf(m[1]);
  const span = { start: nameStart, end: lineEnd };
  const fn = m[1];
  if (fn === "iota") {
    if (text.slice(nameStart + 4, lineEnd).trim() !== "") return { message: "unexpected text after iota", start: nameStart + 4, end: lineEnd };
    return { kind: "iota", span };
  }
  if (fn === "file") {
    const q = quoted(text, text.indexOf("(", nameStart) + 1, lineEnd);
    if (!q || text.indexOf("(", nameStart) < 0) return { message: 'expected file("path.npy")', start: nameStart, end: lineEnd };
    return { kind: "file", path: q.value, span };
  }
  if (fn !== "random" && fn !== "randint" && fn !== "const") {
    return { message: `unknown initializer '${fn}' (known: random, randint, iota, const, file, [a, b, ...])`, start: nameStart, end: nameStart + fn.length };
  }
  const toks = tokenizeDExpr(text, nameStart + fn.length, lineEnd);
  if (!Array.isArray(toks)) return toks;
  const c = new Cursor(toks, lineEnd);
  const args = c.callArgs(fn);
  if (isErr(args)) return args;
  if (fn === "const") {
    if (args.length !== 1) return { message: "const takes one value: const(v)", start: nameStart, end: lineEnd };
    return { kind: "const", value: args[0], span };
  }
  if (args.length !== 2) return { message: `${fn} takes (lo, hi)`, start: nameStart, end: lineEnd };
  return { kind: fn, lo: args[0], hi: args[1], span };
}
