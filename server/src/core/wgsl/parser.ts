// Error-tolerant recursive-descent parser for WGSL: always returns a complete syntax tree with exact spans.
//
// The parser never throws. A syntax error is recorded with a message naming what was expected and what was found,
// the bad region becomes an ErrorExpr or ErrorStmt, and parsing resumes at the next ';', '}' or declaration keyword,
// so a file that is being typed still yields a usable tree for everything else. Nesting is capped so hostile input
// (thousands of nested parentheses) cannot overflow the JavaScript stack.
//
// Spans: a node covers its first to its last token. Statements include their terminating ';'; declarations (`var`,
// `let`, `const`, `override`, `alias`, `const_assert` and the directives) do not, at module scope or inside a
// function, so the same node kind always has the same extent. A node that is missing altogether (an expression that
// was never written) is zero-width at the token where it was expected.

import type {
  AliasDecl,
  AssignOp,
  Attribute,
  BinaryExpr,
  BinaryOp,
  BlockStmt,
  CallExpr,
  ConstAssertDecl,
  Decl,
  DiagnosticDirective,
  EnableDirective,
  Expr,
  ForStmt,
  FunctionDecl,
  Ident,
  IfStmt,
  LiteralExpr,
  LoopStmt,
  Module,
  Param,
  ParseError,
  Span,
  Stmt,
  StructDecl,
  StructMember,
  SwitchClause,
  SwitchStmt,
  TemplateArg,
  TypeRef,
  UnaryOp,
  ValueDecl,
  VarDecl,
  WhileStmt,
} from "./ast";
import { isWord, literalSuffix, literalValue, Tok, tokenize, tokenSpelling, type TokenStream } from "./lexer";

/** Deepest nesting of expressions, template lists and blocks before the parser gives up on a region. */
export const MAX_NESTING_DEPTH = 200;
/** Errors beyond this many are dropped: past this point they only describe the same broken input again. */
export const MAX_ERRORS = 1000;

const EMPTY: readonly never[] = Object.freeze([]);

// Binary operator precedence, lowest first. WGSL forbids mixing some of these without parentheses; the parser uses
// C-like precedence to build a tree anyway and reports each forbidden combination (see `checkOperands`).
const P_OR_OR = 1;
const P_AND_AND = 2;
const P_BIT_OR = 3;
const P_BIT_XOR = 4;
const P_BIT_AND = 5;
const P_RELATIONAL = 6;
const P_SHIFT = 7;
const P_ADDITIVE = 8;
const P_MULTIPLICATIVE = 9;
/** Precedence given to anything that is not a binary expression. */
const P_UNARY = 10;

const BINARY_PRECEDENCE = new Uint8Array(256);
const BINARY_OP: (BinaryOp | undefined)[] = [];
function defineBinary(tok: Tok, op: BinaryOp, precedence: number): void {
  BINARY_PRECEDENCE[tok] = precedence;
  BINARY_OP[tok] = op;
}
defineBinary(Tok.OrOr, "||", P_OR_OR);
defineBinary(Tok.AndAnd, "&&", P_AND_AND);
defineBinary(Tok.Or, "|", P_BIT_OR);
defineBinary(Tok.Xor, "^", P_BIT_XOR);
defineBinary(Tok.And, "&", P_BIT_AND);
defineBinary(Tok.EqEq, "==", P_RELATIONAL);
defineBinary(Tok.NotEq, "!=", P_RELATIONAL);
defineBinary(Tok.Lt, "<", P_RELATIONAL);
defineBinary(Tok.Le, "<=", P_RELATIONAL);
defineBinary(Tok.Gt, ">", P_RELATIONAL);
defineBinary(Tok.Ge, ">=", P_RELATIONAL);
defineBinary(Tok.Shl, "<<", P_SHIFT);
defineBinary(Tok.Shr, ">>", P_SHIFT);
defineBinary(Tok.Plus, "+", P_ADDITIVE);
defineBinary(Tok.Minus, "-", P_ADDITIVE);
defineBinary(Tok.Star, "*", P_MULTIPLICATIVE);
defineBinary(Tok.Slash, "/", P_MULTIPLICATIVE);
defineBinary(Tok.Percent, "%", P_MULTIPLICATIVE);

const OP_PRECEDENCE: Record<BinaryOp, number> = {
  "||": P_OR_OR,
  "&&": P_AND_AND,
  "|": P_BIT_OR,
  "^": P_BIT_XOR,
  "&": P_BIT_AND,
  "==": P_RELATIONAL,
  "!=": P_RELATIONAL,
  "<": P_RELATIONAL,
  "<=": P_RELATIONAL,
  ">": P_RELATIONAL,
  ">=": P_RELATIONAL,
  "<<": P_SHIFT,
  ">>": P_SHIFT,
  "+": P_ADDITIVE,
  "-": P_ADDITIVE,
  "*": P_MULTIPLICATIVE,
  "/": P_MULTIPLICATIVE,
  "%": P_MULTIPLICATIVE,
};

const ASSIGN_OP: (AssignOp | undefined)[] = [];
ASSIGN_OP[Tok.Eq] = "=";
ASSIGN_OP[Tok.PlusEq] = "+=";
ASSIGN_OP[Tok.MinusEq] = "-=";
ASSIGN_OP[Tok.StarEq] = "*=";
ASSIGN_OP[Tok.SlashEq] = "/=";
ASSIGN_OP[Tok.PercentEq] = "%=";
ASSIGN_OP[Tok.AndEq] = "&=";
ASSIGN_OP[Tok.OrEq] = "|=";
ASSIGN_OP[Tok.XorEq] = "^=";
ASSIGN_OP[Tok.ShlEq] = "<<=";
ASSIGN_OP[Tok.ShrEq] = ">>=";

/** Keywords that only begin module-scope declarations: seeing one inside a function means a '}' is missing. */
function isModuleOnly(kind: number): boolean {
  return (
    kind === Tok.KwFn ||
    kind === Tok.KwStruct ||
    kind === Tok.KwAlias ||
    kind === Tok.KwOverride ||
    kind === Tok.KwEnable ||
    kind === Tok.KwRequires
  );
}

/** Tokens that can begin a module-scope declaration or directive; module-level recovery stops at these. */
function startsGlobal(kind: number): boolean {
  return (
    isModuleOnly(kind) ||
    kind === Tok.KwVar ||
    kind === Tok.KwConst ||
    kind === Tok.KwConstAssert ||
    kind === Tok.KwDiagnostic ||
    kind === Tok.At
  );
}

/** Keywords (and '@') that can only begin a statement; statement-level recovery stops at these. */
function startsStatementKeyword(kind: number): boolean {
  switch (kind) {
    case Tok.KwLet:
    case Tok.KwVar:
    case Tok.KwConst:
    case Tok.KwIf:
    case Tok.KwSwitch:
    case Tok.KwLoop:
    case Tok.KwFor:
    case Tok.KwWhile:
    case Tok.KwReturn:
    case Tok.KwBreak:
    case Tok.KwContinue:
    case Tok.KwContinuing:
    case Tok.KwDiscard:
    case Tok.KwConstAssert:
    case Tok.At:
      return true;
    default:
      return false;
  }
}

/** Tokens that can begin a unary expression; used to read `a--b` as `a - (-b)` but `a--;` as a decrement. */
function startsUnary(kind: number): boolean {
  switch (kind) {
    case Tok.Ident:
    case Tok.Reserved:
    case Tok.IntLit:
    case Tok.FloatLit:
    case Tok.KwTrue:
    case Tok.KwFalse:
    case Tok.LParen:
    case Tok.Minus:
    case Tok.MinusMinus:
    case Tok.Bang:
    case Tok.Tilde:
    case Tok.And:
    case Tok.AndAnd:
    case Tok.Star:
      return true;
    default:
      return false;
  }
}

/** Parses WGSL source text. Never throws; syntax errors are listed in `Module.errors`. */
export function parseWgsl(text: string): Module {
  const tokens = tokenize(text);
  const parser = new Parser(text, tokens);
  const decls = parser.parseModule();
  const errors = mergeErrors(tokens.errors, parser.errors);
  return { kind: "module", decls, comments: tokens.comments, errors, span: { start: 0, end: text.length } };
}

function mergeErrors(a: readonly ParseError[], b: readonly ParseError[]): ParseError[] {
  const all = a.length === 0 ? b.slice() : b.length === 0 ? a.slice() : a.concat(b);
  // Stable sort keeps the order errors were found in when they start at the same place.
  all.sort((x, y) => x.span.start - y.span.start);
  if (all.length > MAX_ERRORS) all.length = MAX_ERRORS;
  return all;
}

class Parser {
  readonly errors: ParseError[] = [];
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly names: readonly (string | undefined)[];
  private readonly last: number;
  /** Index of the current token. */
  private p = 0;
  /** End offset of the last consumed token: the end of whatever node is being finished. */
  private prevEnd = 0;
  /** Current nesting of expressions, template lists and blocks, checked against MAX_NESTING_DEPTH. */
  private depth = 0;
  /** Where the last error was reported; a second error at the same place would only repeat the first. */
  private lastErrorAt = -1;
  /** Set by `parseBlockBody` when a loop body ends with a `continuing` block. */
  private continuingOut: BlockStmt | undefined;
  /** Whether any module-scope declaration has been seen, for "directives come first". */
  private seenDeclaration = false;

  constructor(
    private readonly text: string,
    tokens: TokenStream,
  ) {
    this.kinds = tokens.kinds;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.names = tokens.names;
    this.last = tokens.count - 1;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Token helpers

  private cur(): number {
    return this.kinds[this.p];
  }

  private startOf(): number {
    return this.starts[this.p];
  }

  private peekKind(offset: number): number {
    const i = this.p + offset;
    return i <= this.last ? this.kinds[i] : Tok.Eof;
  }

  private next(): void {
    if (this.p < this.last) {
      this.prevEnd = this.ends[this.p];
      this.p++;
    }
  }

  private eat(kind: Tok): boolean {
    if (this.kinds[this.p] !== kind) return false;
    this.next();
    return true;
  }

  /** Consumes `kind` or reports "expected X <context>, found Y" and consumes nothing. */
  private expect(kind: Tok, context: string): boolean {
    if (this.kinds[this.p] === kind) {
      this.next();
      return true;
    }
    this.errorHere(`expected ${tokenSpelling(kind)} ${context}, found ${this.describe()}`);
    return false;
  }

  /** The current token as quoted source text, or "end of file". */
  private describe(): string {
    if (this.cur() === Tok.Eof) return "end of file";
    const start = this.starts[this.p];
    const end = this.ends[this.p];
    const shown = end - start > 24 ? `${this.text.slice(start, start + 24)}…` : this.text.slice(start, end);
    return `'${shown}'`;
  }

  private error(message: string, start: number, end: number): void {
    if (start === this.lastErrorAt || this.errors.length >= MAX_ERRORS) return;
    this.lastErrorAt = start;
    this.errors.push({ message, span: { start, end } });
  }

  private errorHere(message: string): void {
    this.error(message, this.starts[this.p], this.ends[this.p]);
  }

  /** The span from `start` to the end of the last consumed token (zero-width at `start` if none was consumed). */
  private spanFrom(start: number): Span {
    return { start, end: this.prevEnd > start ? this.prevEnd : start };
  }

  /**
   * A zero-width span at the current token, for something that is missing. It also moves `prevEnd` there, so the
   * enclosing node's span reaches the placeholder and every child stays inside its parent.
   */
  private missingSpan(): Span {
    const at = this.starts[this.p];
    if (this.prevEnd < at) this.prevEnd = at;
    return { start: at, end: at };
  }

  private missingIdent(): Ident {
    return { name: "", span: this.missingSpan() };
  }

  private missingType(): TypeRef {
    const span = this.missingSpan();
    return { kind: "typeRef", name: { name: "", span }, args: EMPTY, span };
  }

  private identHere(): Ident {
    return { name: this.names[this.p] ?? "", span: { start: this.starts[this.p], end: this.ends[this.p] } };
  }

  /** Whether a line break separates the previous token from the current one (a forgotten ';' is likely then). */
  private newlineBefore(): boolean {
    const text = this.text;
    // The previous token's own end, not `prevEnd`, which a missing-node placeholder may have moved forward.
    const from = this.p > 0 ? this.ends[this.p - 1] : 0;
    for (let i = from, end = this.starts[this.p]; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) return true;
    }
    return false;
  }

  /** Parses a name being declared: reports reserved words and the names WGSL forbids, but keeps them. */
  private expectDeclName(what: string): Ident {
    const kind = this.cur();
    if (kind === Tok.Ident || kind === Tok.Reserved) {
      const ident = this.identHere();
      if (kind === Tok.Reserved) {
        this.errorHere(`'${ident.name}' is a reserved word and cannot be used as a name`);
      } else if (ident.name === "_") {
        this.errorHere(`'_' cannot be used as a ${what}`);
      } else if (ident.name.startsWith("__")) {
        this.errorHere(`names starting with '__' are reserved, so '${ident.name}' cannot be used as a ${what}`);
      }
      this.next();
      return ident;
    }
    if (isWord(kind)) {
      this.errorHere(`expected a ${what}, found keyword ${this.describe()}`);
    } else {
      this.errorHere(`expected a ${what}, found ${this.describe()}`);
    }
    return this.missingIdent();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Recovery

  /** Skips to the next plausible module-scope declaration; consumes at least one token. */
  private skipToGlobal(): void {
    let braces = 0;
    let first = true;
    while (this.cur() !== Tok.Eof) {
      const k = this.cur();
      if (!first && braces === 0 && startsGlobal(k)) return;
      if (!first && isModuleOnly(k)) return;
      first = false;
      if (k === Tok.LBrace) braces++;
      else if (k === Tok.RBrace) {
        if (braces > 0) braces--;
      } else if (k === Tok.Semicolon && braces === 0) {
        this.next();
        return;
      }
      this.next();
    }
  }

  /** Skips the rest of a broken statement: through the next ';' at this level, or up to '}' or a statement keyword. */
  private skipToStatementEnd(): void {
    let braces = 0;
    while (this.cur() !== Tok.Eof) {
      const k = this.cur();
      if (isModuleOnly(k)) return;
      if (k === Tok.LBrace) braces++;
      else if (k === Tok.RBrace) {
        if (braces === 0) return;
        braces--;
      } else if (braces === 0) {
        if (k === Tok.Semicolon) {
          this.next();
          return;
        }
        if (startsStatementKeyword(k)) return;
      }
      this.next();
    }
  }

  /**
   * Skips to (and consumes) `closer` at the current bracket level. Stops without consuming at ';', '{', '}', a
   * declaration keyword, or a closing bracket of an enclosing level.
   */
  private skipPast(closer: Tok): void {
    let nested = 0;
    while (this.cur() !== Tok.Eof) {
      const k = this.cur();
      if (isModuleOnly(k) || k === Tok.LBrace || k === Tok.RBrace) return;
      if (nested === 0) {
        if (k === closer) {
          this.next();
          return;
        }
        if (k === Tok.Semicolon) return;
      }
      if (k === Tok.LParen || k === Tok.LBracket || k === Tok.TemplateStart) nested++;
      else if (k === Tok.RParen || k === Tok.RBracket || k === Tok.TemplateEnd) {
        if (nested === 0) return;
        nested--;
      }
      this.next();
    }
  }

  /** Skips what is left of an expression that is nested too deeply, stopping where the enclosing level resumes. */
  private skipExpressionRest(): void {
    let nested = 0;
    while (this.cur() !== Tok.Eof) {
      const k = this.cur();
      if (isModuleOnly(k) || k === Tok.LBrace || k === Tok.RBrace) return;
      if (k === Tok.LParen || k === Tok.LBracket || k === Tok.TemplateStart) nested++;
      else if (k === Tok.RParen || k === Tok.RBracket || k === Tok.TemplateEnd) {
        if (nested === 0) return;
        nested--;
      } else if (nested === 0 && (k === Tok.Comma || k === Tok.Semicolon || k === Tok.Colon)) return;
      this.next();
    }
  }

  /** At '{': skips through the matching '}' (or to the end of the file). */
  private skipBraces(): void {
    let braces = 0;
    while (this.cur() !== Tok.Eof) {
      const k = this.cur();
      if (k === Tok.LBrace) braces++;
      else if (k === Tok.RBrace) {
        braces--;
        if (braces <= 0) {
          this.next();
          return;
        }
      }
      this.next();
    }
  }

  private tooDeepMessage(what: string): string {
    return `${what} nested too deeply (more than ${MAX_NESTING_DEPTH} levels); the rest of it is not analysed`;
  }

  /** Reports excessive nesting at the current token and skips the rest of the expression. */
  private tooDeepExpr(): Expr {
    const start = this.startOf();
    this.error(this.tooDeepMessage("expression"), start, this.ends[this.p]);
    if (this.prevEnd < start) this.prevEnd = start;
    this.skipExpressionRest();
    return { kind: "error", span: this.spanFrom(start) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Module scope

  parseModule(): Decl[] {
    const decls: Decl[] = [];
    while (this.cur() !== Tok.Eof) {
      const before = this.p;
      const decl = this.parseGlobal();
      if (decl !== undefined) decls.push(decl);
      if (this.p === before) {
        this.errorHere(`expected a declaration, found ${this.describe()}`);
        this.next();
      }
    }
    return decls;
  }

  private parseGlobal(): Decl | undefined {
    const start = this.startOf();
    const attributes = this.cur() === Tok.At ? this.parseAttributes() : EMPTY;
    switch (this.cur()) {
      case Tok.KwFn:
        this.seenDeclaration = true;
        return this.parseFunction(start, attributes);
      case Tok.KwVar: {
        this.seenDeclaration = true;
        const decl = this.parseVarDecl(start, attributes);
        this.expectSemicolon("after the variable declaration");
        return decl;
      }
      case Tok.KwLet:
      case Tok.KwConst:
      case Tok.KwOverride: {
        // A module-scope 'let' is still parsed as a value declaration so that its name resolves.
        if (this.cur() === Tok.KwLet) {
          this.errorHere("'let' declarations are only allowed inside functions; use 'const' at module scope");
        }
        this.seenDeclaration = true;
        const decl = this.parseValueDecl(start, attributes);
        this.expectSemicolon(`after the '${decl.kind}' declaration`);
        return decl;
      }
      case Tok.KwStruct:
        this.seenDeclaration = true;
        return this.parseStruct(start, attributes);
      case Tok.KwAlias:
        this.seenDeclaration = true;
        return this.parseAlias(start, attributes);
      case Tok.KwConstAssert: {
        this.seenDeclaration = true;
        this.rejectAttributes(attributes, "const_assert");
        this.next();
        const expr = this.parseExpression();
        const decl: ConstAssertDecl = { kind: "const_assert", expr, span: this.spanFrom(start) };
        this.expectSemicolon("after the const_assert");
        return decl;
      }
      case Tok.KwEnable:
      case Tok.KwRequires:
        this.rejectAttributes(attributes, "directives");
        return this.parseEnable(start);
      case Tok.KwDiagnostic:
        this.rejectAttributes(attributes, "directives");
        return this.parseDiagnosticDirective(start);
      case Tok.Semicolon:
        // An empty declaration is allowed at module scope.
        this.rejectAttributes(attributes, "an empty declaration");
        this.next();
        return undefined;
      default:
        this.errorHere(
          `expected a declaration (fn, var, const, override, struct, alias or const_assert), found ${this.describe()}`,
        );
        this.skipToGlobal();
        return undefined;
    }
  }

  private rejectAttributes(attributes: readonly Attribute[], what: string): void {
    if (attributes.length > 0) {
      const first = attributes[0].span;
      this.error(`attributes are not allowed on ${what}`, first.start, attributes[attributes.length - 1].span.end);
    }
  }

  private parseAttributes(): Attribute[] {
    const attributes: Attribute[] = [];
    while (this.cur() === Tok.At) attributes.push(this.parseAttribute());
    return attributes;
  }

  private parseAttribute(): Attribute {
    const start = this.startOf();
    this.next(); // '@'
    let name: Ident;
    // Attribute names are context-dependent: `@const` and `@diagnostic` use keywords, so any word is accepted.
    if (isWord(this.cur())) {
      name = this.identHere();
      this.next();
    } else {
      this.errorHere(`expected an attribute name after '@', found ${this.describe()}`);
      name = this.missingIdent();
    }
    let args: readonly Expr[] = EMPTY;
    if (this.cur() === Tok.LParen) {
      this.next();
      args = this.parseArgumentList("the attribute arguments");
    }
    return { kind: "attribute", name, args, span: this.spanFrom(start) };
  }

  private parseFunction(start: number, attributes: readonly Attribute[]): FunctionDecl {
    this.next(); // 'fn'
    const name = this.expectDeclName("function name");
    const params: Param[] = [];
    if (this.expect(Tok.LParen, "to begin the parameter list")) {
      for (;;) {
        const k = this.cur();
        if (k === Tok.RParen) {
          this.next();
          break;
        }
        if (k === Tok.Eof || k === Tok.LBrace || k === Tok.Arrow || isModuleOnly(k)) {
          this.errorHere(`expected ')' to end the parameter list, found ${this.describe()}`);
          break;
        }
        params.push(this.parseParam());
        if (this.eat(Tok.Comma) || this.cur() === Tok.RParen) continue;
        this.errorHere(`expected ',' or ')' after a parameter, found ${this.describe()}`);
        // Skip the rest of the list, keeping the return type and body if they are there.
        while (!this.atParamListEnd()) this.next();
        this.eat(Tok.RParen);
        break;
      }
    }
    let returnAttributes: readonly Attribute[] = EMPTY;
    let returnType: TypeRef | undefined;
    if (this.eat(Tok.Arrow)) {
      if (this.cur() === Tok.At) returnAttributes = this.parseAttributes();
      returnType = this.parseType("a return type after '->'");
    }
    let body: BlockStmt;
    if (this.cur() === Tok.LBrace) {
      body = this.parseBlock(EMPTY, this.startOf());
    } else {
      this.errorHere(`expected '{' to begin the function body, found ${this.describe()}`);
      body = { kind: "block", attributes: EMPTY, statements: EMPTY, span: this.missingSpan() };
    }
    return {
      kind: "function",
      name,
      attributes,
      params,
      returnType,
      returnAttributes,
      body,
      span: this.spanFrom(start),
    };
  }

  private atParamListEnd(): boolean {
    const k = this.cur();
    return (
      k === Tok.RParen || k === Tok.LBrace || k === Tok.Arrow || k === Tok.Semicolon || k === Tok.Eof || isModuleOnly(k)
    );
  }

  private parseParam(): Param {
    const start = this.startOf();
    const attributes = this.cur() === Tok.At ? this.parseAttributes() : EMPTY;
    const name = this.expectDeclName("parameter name");
    let type: TypeRef;
    if (this.eat(Tok.Colon)) type = this.parseType("a parameter type");
    else {
      this.errorHere(`expected ':' and a type after the parameter name, found ${this.describe()}`);
      type = this.missingType();
    }
    return { kind: "param", name, attributes, type, span: this.spanFrom(start) };
  }

  private parseVarDecl(start: number, attributes: readonly Attribute[]): VarDecl {
    this.next(); // 'var'
    let addressSpace: Ident | undefined;
    let accessMode: Ident | undefined;
    if (this.cur() === Tok.TemplateStart) {
      const args = this.parseTemplateList();
      addressSpace = this.enumerant(args[0], "an address space");
      accessMode = this.enumerant(args[1], "an access mode");
      if (args.length > 2) {
        const extra = args[2].span;
        this.error("'var' takes at most an address space and an access mode", extra.start, extra.end);
      }
    }
    const name = this.expectDeclName("variable name");
    const type = this.eat(Tok.Colon) ? this.parseType("a type after ':'") : undefined;
    const init = this.eat(Tok.Eq) ? this.parseExpression() : undefined;
    return { kind: "var", name, attributes, addressSpace, accessMode, type, init, span: this.spanFrom(start) };
  }

  /** The name in a `var<...>` template argument, which must be a bare word such as `storage` or `read_write`. */
  private enumerant(arg: TemplateArg | undefined, what: string): Ident | undefined {
    if (arg === undefined) return undefined;
    if (arg.kind === "typeRef" && arg.args.length === 0 && arg.name.name !== "") return arg.name;
    if (arg.kind === "ident" && arg.templateArgs === undefined) return arg.name;
    this.error(`expected ${what}`, arg.span.start, arg.span.end);
    return undefined;
  }

  private parseValueDecl(start: number, attributes: readonly Attribute[]): ValueDecl {
    const kind: ValueDecl["kind"] =
      this.cur() === Tok.KwLet ? "let" : this.cur() === Tok.KwConst ? "const" : "override";
    this.next();
    const name = this.expectDeclName(`${kind} name`);
    const type = this.eat(Tok.Colon) ? this.parseType("a type after ':'") : undefined;
    let init: Expr | undefined;
    if (this.eat(Tok.Eq)) init = this.parseExpression();
    else if (kind !== "override") {
      this.errorHere(`expected '=' and an initializer for '${kind}' declaration, found ${this.describe()}`);
    }
    return { kind, name, attributes, type, init, span: this.spanFrom(start) };
  }

  private parseStruct(start: number, attributes: readonly Attribute[]): StructDecl {
    this.next(); // 'struct'
    const name = this.expectDeclName("struct name");
    const members: StructMember[] = [];
    if (!this.expect(Tok.LBrace, "to begin the struct body")) {
      return { kind: "struct", name, attributes, members, span: this.spanFrom(start) };
    }
    while (this.cur() !== Tok.RBrace && this.cur() !== Tok.Eof && !isModuleOnly(this.cur())) {
      const before = this.p;
      const memberStart = this.startOf();
      const memberAttributes = this.cur() === Tok.At ? this.parseAttributes() : EMPTY;
      if (this.cur() !== Tok.Ident && this.cur() !== Tok.Reserved) {
        this.errorHere(`expected a struct member name, found ${this.describe()}`);
        this.skipMember();
        if (this.p === before) this.next();
        continue;
      }
      const memberName = this.expectDeclName("member name");
      let type: TypeRef;
      if (this.eat(Tok.Colon)) type = this.parseType("a member type");
      else {
        this.errorHere(`expected ':' and a type after the member name, found ${this.describe()}`);
        type = this.missingType();
      }
      members.push({
        kind: "member",
        name: memberName,
        attributes: memberAttributes,
        type,
        span: this.spanFrom(memberStart),
      });
      if (this.eat(Tok.Comma) || this.cur() === Tok.RBrace) continue;
      this.errorHere(`expected ',' or '}' after a struct member, found ${this.describe()}`);
      // A forgotten comma before the next member: keep going; anything else is skipped up to the next member.
      if (this.cur() !== Tok.Ident && this.cur() !== Tok.At) this.skipMember();
    }
    this.expect(Tok.RBrace, "to end the struct body");
    return { kind: "struct", name, attributes, members, span: this.spanFrom(start) };
  }

  /** Skips a broken struct member: through the next ',' or up to '}'. */
  private skipMember(): void {
    while (this.cur() !== Tok.Eof && this.cur() !== Tok.RBrace && !isModuleOnly(this.cur())) {
      if (this.cur() === Tok.Comma) {
        this.next();
        return;
      }
      this.next();
    }
  }

  private parseAlias(start: number, attributes: readonly Attribute[]): AliasDecl {
    this.next(); // 'alias'
    const name = this.expectDeclName("alias name");
    let type: TypeRef;
    if (this.expect(Tok.Eq, "after the alias name")) type = this.parseType("a type");
    else type = this.missingType();
    const decl: AliasDecl = { kind: "alias", name, attributes, type, span: this.spanFrom(start) };
    this.expectSemicolon("after the alias declaration");
    return decl;
  }

  private parseEnable(start: number): EnableDirective {
    const kind = this.cur() === Tok.KwEnable ? "enable" : "requires";
    this.checkDirectiveOrder(kind);
    this.next();
    const names: Ident[] = [];
    for (;;) {
      if (this.cur() === Tok.Ident || this.cur() === Tok.Reserved) {
        names.push(this.identHere());
        this.next();
      } else {
        this.errorHere(`expected an extension name after '${kind}', found ${this.describe()}`);
        break;
      }
      if (!this.eat(Tok.Comma)) break;
      if (this.cur() === Tok.Semicolon) break; // trailing comma
    }
    const directive: EnableDirective = { kind, names, span: this.spanFrom(start) };
    this.expectSemicolon(`after the '${kind}' directive`);
    return directive;
  }

  private parseDiagnosticDirective(start: number): DiagnosticDirective {
    this.checkDirectiveOrder("diagnostic");
    this.next(); // 'diagnostic'
    let severity: Ident;
    const rule: Ident[] = [];
    if (this.expect(Tok.LParen, "after 'diagnostic'")) {
      severity = this.diagnosticWord("a severity (error, warning, info or off)");
      if (this.expect(Tok.Comma, "after the diagnostic severity")) {
        rule.push(this.diagnosticWord("a diagnostic rule name"));
        if (this.eat(Tok.Period)) rule.push(this.diagnosticWord("a diagnostic rule name after '.'"));
        this.eat(Tok.Comma);
      }
      if (!this.eat(Tok.RParen)) {
        this.errorHere(`expected ')' to end the diagnostic control, found ${this.describe()}`);
        this.skipPast(Tok.RParen);
      }
    } else severity = this.missingIdent();
    const directive: DiagnosticDirective = { kind: "diagnostic", severity, rule, span: this.spanFrom(start) };
    this.expectSemicolon("after the diagnostic directive");
    return directive;
  }

  private diagnosticWord(what: string): Ident {
    if (isWord(this.cur())) {
      const ident = this.identHere();
      this.next();
      return ident;
    }
    this.errorHere(`expected ${what}, found ${this.describe()}`);
    return this.missingIdent();
  }

  private checkDirectiveOrder(kind: string): void {
    if (this.seenDeclaration) {
      this.error(`'${kind}' directives must come before all declarations`, this.startOf(), this.ends[this.p]);
    }
  }

  /** Expects the ';' ending a statement or declaration, resynchronising after garbage when it is not there. */
  private expectSemicolon(context: string): void {
    if (this.cur() === Tok.Semicolon) {
      this.next();
      return;
    }
    this.errorHere(`expected ';' ${context}, found ${this.describe()}`);
    const k = this.cur();
    // A token that can only start something new (or a line break) means the ';' was simply forgotten.
    if (k === Tok.Eof || k === Tok.RBrace || startsStatementKeyword(k) || startsGlobal(k) || this.newlineBefore()) {
      return;
    }
    this.skipToStatementEnd();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Types and template lists

  private parseType(what: string): TypeRef {
    const kind = this.cur();
    if (kind === Tok.Ident || kind === Tok.Reserved) {
      const start = this.startOf();
      const name = this.identHere();
      if (kind === Tok.Reserved) this.errorHere(`'${name.name}' is a reserved word, not a type`);
      this.next();
      const args = this.cur() === Tok.TemplateStart ? this.parseTemplateList() : EMPTY;
      return { kind: "typeRef", name, args, span: this.spanFrom(start) };
    }
    this.errorHere(`expected ${what}, found ${this.describe()}`);
    return this.missingType();
  }

  /** At a `TemplateStart`: parses the arguments through the matching `TemplateEnd`. */
  private parseTemplateList(): TemplateArg[] {
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.error(this.tooDeepMessage("template list"), this.startOf(), this.ends[this.p]);
      this.next();
      this.skipPast(Tok.TemplateEnd);
      this.depth--;
      return [];
    }
    const open = this.startOf();
    this.next(); // '<'
    const args: TemplateArg[] = [];
    while (this.cur() !== Tok.TemplateEnd && this.cur() !== Tok.Eof) {
      args.push(this.parseTemplateArg());
      if (!this.eat(Tok.Comma)) break;
    }
    if (this.cur() === Tok.TemplateEnd) {
      if (args.length === 0) this.error("a template list needs at least one argument", open, this.ends[this.p]);
      this.next();
    } else {
      this.errorHere(`expected ',' or '>' in the template list, found ${this.describe()}`);
      this.skipPast(Tok.TemplateEnd);
    }
    this.depth--;
    return args;
  }

  /**
   * A template argument is a type when it is a name (with its own template list) standing alone, as in
   * `array<vec4<f32>, N>`; enumerants such as `storage` and constants such as `N` therefore come back as TypeRefs.
   * Anything longer (`N * 2`, `vec3<u32>(1).x`) is an expression.
   */
  private parseTemplateArg(): TemplateArg {
    if (this.cur() !== Tok.Ident && this.cur() !== Tok.Reserved) return this.parseExpression();
    if (++this.depth > MAX_NESTING_DEPTH) {
      const e = this.tooDeepExpr();
      this.depth--;
      return e;
    }
    const type = this.parseType("a template argument");
    let result: TemplateArg = type;
    if (this.cur() !== Tok.Comma && this.cur() !== Tok.TemplateEnd) {
      result = this.parseBinary(P_OR_OR, this.parsePostfix(this.typeToPrimary(type)));
    }
    this.depth--;
    return result;
  }

  /** Reinterprets a parsed type as the start of an expression: a call when '(' follows, else a name. */
  private typeToPrimary(type: TypeRef): Expr {
    const templateArgs = type.args.length > 0 ? type.args : undefined;
    if (this.cur() === Tok.LParen) {
      this.next();
      const args = this.parseArgumentList("the call arguments");
      return { kind: "call", callee: type.name, templateArgs, args, span: this.spanFrom(type.span.start) };
    }
    return { kind: "ident", name: type.name, templateArgs, span: type.span };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Expressions

  private parseExpression(): Expr {
    if (++this.depth > MAX_NESTING_DEPTH) {
      const e = this.tooDeepExpr();
      this.depth--;
      return e;
    }
    const e = this.parseBinary(P_OR_OR, undefined);
    this.depth--;
    return e;
  }

  /** Precedence climbing over all binary operators at or above `minPrecedence`, starting from `left` if given. */
  private parseBinary(minPrecedence: number, left: Expr | undefined): Expr {
    let lhs = left ?? this.parseUnary();
    for (;;) {
      const k = this.cur();
      let precedence = BINARY_PRECEDENCE[k];
      // `a--b` is `a - (-b)`: '--' is only a token where a statement can end with it.
      const split = k === Tok.MinusMinus && startsUnary(this.peekKind(1));
      if (split) precedence = P_ADDITIVE;
      if (precedence === 0 || precedence < minPrecedence) return lhs;
      const opStart = this.startOf();
      const opSpan: Span = { start: opStart, end: split ? opStart + 1 : this.ends[this.p] };
      const op: BinaryOp = split ? "-" : (BINARY_OP[k] as BinaryOp);
      this.next();
      let rhs: Expr;
      if (split) {
        const operand = this.parseUnary();
        const negated: Expr = { kind: "unary", op: "-", operand, span: this.spanFrom(opStart + 1) };
        rhs = this.parseBinary(precedence + 1, negated);
      } else {
        rhs = this.parseBinary(precedence + 1, undefined);
      }
      const node: BinaryExpr = { kind: "binary", op, left: lhs, right: rhs, opSpan, span: this.spanFrom(lhs.span.start) };
      this.checkOperands(node);
      lhs = node;
    }
  }

  /** Reports operator combinations that WGSL's grammar rejects without parentheses; the tree is kept as built. */
  private checkOperands(node: BinaryExpr): void {
    const precedence = OP_PRECEDENCE[node.op];
    const left = node.left.kind === "binary" ? node.left : undefined;
    const right = node.right.kind === "binary" ? node.right : undefined;
    const lp = left ? OP_PRECEDENCE[left.op] : P_UNARY;
    const rp = right ? OP_PRECEDENCE[right.op] : P_UNARY;
    let badLeft = false;
    let badRight = false;
    switch (precedence) {
      case P_BIT_OR:
      case P_BIT_XOR:
      case P_BIT_AND:
        // Bitwise operators combine unary expressions only, though a chain of the same operator is fine.
        badLeft = left !== undefined && left.op !== node.op;
        badRight = right !== undefined;
        break;
      case P_SHIFT:
        badLeft = left !== undefined;
        badRight = right !== undefined;
        break;
      case P_RELATIONAL:
        if (left !== undefined && lp === P_RELATIONAL) {
          this.error("comparison operators cannot be chained; add parentheses", node.opSpan.start, node.opSpan.end);
          return;
        }
        badLeft = lp < P_SHIFT;
        badRight = rp < P_SHIFT;
        break;
      case P_AND_AND:
      case P_OR_OR:
        badLeft = left !== undefined && lp < P_RELATIONAL && left.op !== node.op;
        badRight = rp < P_RELATIONAL;
        break;
      default:
        break;
    }
    if (badLeft && left) {
      this.error(`'${left.op}' and '${node.op}' cannot be mixed without parentheses`, node.opSpan.start, node.opSpan.end);
    } else if (badRight && right) {
      this.error(
        `'${node.op}' and '${right.op}' cannot be mixed without parentheses`,
        right.opSpan.start,
        right.opSpan.end,
      );
    }
  }

  private parseUnary(): Expr {
    let op: UnaryOp;
    let doubled = false;
    switch (this.cur()) {
      case Tok.Minus:
        op = "-";
        break;
      case Tok.Bang:
        op = "!";
        break;
      case Tok.Tilde:
        op = "~";
        break;
      case Tok.And:
        op = "&";
        break;
      case Tok.Star:
        op = "*";
        break;
      // '&&x' and '--x' are two prefix operators written together.
      case Tok.AndAnd:
        op = "&";
        doubled = true;
        break;
      case Tok.MinusMinus:
        op = "-";
        doubled = true;
        break;
      default:
        return this.parsePostfix(this.parsePrimary());
    }
    if (++this.depth > MAX_NESTING_DEPTH) {
      const e = this.tooDeepExpr();
      this.depth--;
      return e;
    }
    const start = this.startOf();
    this.next();
    const operand = this.parseUnary();
    let result: Expr;
    if (doubled) {
      const inner: Expr = { kind: "unary", op, operand, span: this.spanFrom(start + 1) };
      result = { kind: "unary", op, operand: inner, span: this.spanFrom(start) };
    } else {
      result = { kind: "unary", op, operand, span: this.spanFrom(start) };
    }
    this.depth--;
    return result;
  }

  private parsePostfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      const k = this.cur();
      if (k === Tok.LBracket) {
        this.next();
        const index = this.parseExpression();
        if (!this.eat(Tok.RBracket)) {
          this.errorHere(`expected ']' to close the index, found ${this.describe()}`);
          this.skipPast(Tok.RBracket);
        }
        e = { kind: "index", base: e, index, span: this.spanFrom(e.span.start) };
      } else if (k === Tok.Period) {
        this.next();
        let member: Ident;
        if (isWord(this.cur())) {
          member = this.identHere();
          this.next();
        } else {
          this.errorHere(`expected a member name or swizzle after '.', found ${this.describe()}`);
          member = this.missingIdent();
        }
        e = { kind: "member", base: e, member, span: this.spanFrom(e.span.start) };
      } else {
        return e;
      }
    }
  }

  private parsePrimary(): Expr {
    const k = this.cur();
    const start = this.startOf();
    switch (k) {
      case Tok.Ident:
      case Tok.Reserved: {
        const name = this.identHere();
        if (k === Tok.Reserved) this.errorHere(`'${name.name}' is a reserved word and cannot be used as a name`);
        this.next();
        let templateArgs: TemplateArg[] | undefined;
        if (this.cur() === Tok.TemplateStart) {
          templateArgs = this.parseTemplateList();
          if (templateArgs.length === 0) templateArgs = undefined;
        }
        if (this.cur() === Tok.LParen) {
          this.next();
          const args = this.parseArgumentList("the call arguments");
          const call: CallExpr = { kind: "call", callee: name, templateArgs, args, span: this.spanFrom(start) };
          return call;
        }
        return { kind: "ident", name, templateArgs, span: this.spanFrom(start) };
      }
      case Tok.IntLit:
      case Tok.FloatLit: {
        const end = this.ends[this.p];
        const text = this.text.slice(start, end);
        const isFloat = k === Tok.FloatLit;
        this.next();
        const literal: LiteralExpr = {
          kind: "literal",
          literalType: isFloat ? "float" : "int",
          text,
          value: literalValue(text, isFloat),
          suffix: literalSuffix(text, isFloat),
          span: { start, end },
        };
        return literal;
      }
      case Tok.KwTrue:
      case Tok.KwFalse: {
        const end = this.ends[this.p];
        this.next();
        const value = k === Tok.KwTrue;
        return { kind: "literal", literalType: "bool", text: value ? "true" : "false", value, suffix: "", span: { start, end } };
      }
      case Tok.LParen: {
        this.next();
        const expr = this.parseExpression();
        if (!this.eat(Tok.RParen)) {
          this.errorHere(`expected ')' to close '(', found ${this.describe()}`);
          this.skipPast(Tok.RParen);
        }
        return { kind: "paren", expr, span: this.spanFrom(start) };
      }
      default:
        this.errorHere(`expected an expression, found ${isWord(k) ? "keyword " : ""}${this.describe()}`);
        return { kind: "error", span: this.missingSpan() };
    }
  }

  /** After '(': comma-separated expressions (trailing comma allowed) through the closing ')'. */
  private parseArgumentList(what: string): Expr[] {
    const args: Expr[] = [];
    while (this.cur() !== Tok.RParen && this.cur() !== Tok.Eof) {
      args.push(this.parseExpression());
      if (!this.eat(Tok.Comma)) break;
    }
    if (!this.eat(Tok.RParen)) {
      this.errorHere(`expected ',' or ')' in ${what}, found ${this.describe()}`);
      this.skipPast(Tok.RParen);
    }
    return args;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Statements

  /** At '{': a compound statement. */
  private parseBlock(attributes: readonly Attribute[], start: number): BlockStmt {
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.error(this.tooDeepMessage("blocks"), this.startOf(), this.ends[this.p]);
      this.skipBraces();
      this.depth--;
      return { kind: "block", attributes, statements: [], span: this.spanFrom(start) };
    }
    const statements = this.parseBlockBody(false);
    this.depth--;
    return { kind: "block", attributes, statements, span: this.spanFrom(start) };
  }

  /**
   * At '{': statements through the matching '}'. With `allowContinuing` (a loop body), a `continuing` block ends the
   * statements and is left in `continuingOut`.
   */
  private parseBlockBody(allowContinuing: boolean): Stmt[] {
    const open = this.startOf();
    this.next(); // '{'
    const statements: Stmt[] = [];
    for (;;) {
      const k = this.cur();
      if (k === Tok.RBrace) {
        this.next();
        break;
      }
      if (k === Tok.Eof) {
        this.error("'{' is never closed: expected '}' before the end of the file", open, open + 1);
        break;
      }
      if (isModuleOnly(k)) {
        this.errorHere(`expected '}' to close the block, found ${this.describe()}`);
        break;
      }
      if (k === Tok.KwContinuing && allowContinuing) {
        this.continuingOut = this.parseContinuing();
        if (this.cur() !== Tok.RBrace && this.cur() !== Tok.Eof) {
          this.errorHere(`expected '}' after the continuing block, found ${this.describe()}`);
        }
        continue;
      }
      const before = this.p;
      statements.push(this.parseStatement());
      if (this.p === before) {
        // Nothing could be parsed here; drop the token so the loop always advances.
        this.errorHere(`expected a statement, found ${this.describe()}`);
        this.next();
      }
    }
    return statements;
  }

  private parseContinuing(): BlockStmt {
    this.next(); // 'continuing'
    const start = this.startOf();
    const attributes = this.cur() === Tok.At ? this.parseAttributes() : EMPTY;
    if (this.cur() !== Tok.LBrace) {
      this.errorHere(`expected '{' after 'continuing', found ${this.describe()}`);
      return { kind: "block", attributes, statements: [], span: this.missingSpan() };
    }
    return this.parseBlock(attributes, start);
  }

  /** A statement's braced body; if the braces are missing, reports it and recovers what it can. */
  private parseBodyBlock(context: string): BlockStmt {
    const start = this.startOf();
    const attributes = this.cur() === Tok.At ? this.parseAttributes() : EMPTY;
    if (this.cur() === Tok.LBrace) return this.parseBlock(attributes, start);
    this.errorHere(`expected '{' ${context}, found ${this.describe()}`);
    return { kind: "block", attributes, statements: [], span: this.missingSpan() };
  }

  private parseStatement(): Stmt {
    const start = this.startOf();
    const attributes = this.cur() === Tok.At ? this.parseAttributes() : EMPTY;
    switch (this.cur()) {
      case Tok.LBrace:
        return this.parseBlock(attributes, start);
      case Tok.KwIf:
        return this.parseIf(attributes, start);
      case Tok.KwSwitch:
        return this.parseSwitch(attributes, start);
      case Tok.KwLoop:
        return this.parseLoop(attributes, start);
      case Tok.KwFor:
        return this.parseFor(attributes, start);
      case Tok.KwWhile:
        return this.parseWhile(attributes, start);
      default:
        break;
    }
    this.rejectAttributes(attributes, "this statement");
    switch (this.cur()) {
      case Tok.Semicolon:
        this.next();
        return { kind: "empty", span: this.spanFrom(start) };
      case Tok.KwReturn: {
        this.next();
        const k = this.cur();
        const value = k !== Tok.Semicolon && k !== Tok.RBrace && k !== Tok.Eof ? this.parseExpression() : undefined;
        this.expectSemicolon("after the return statement");
        return { kind: "return", value, span: this.spanFrom(start) };
      }
      case Tok.KwBreak: {
        this.next();
        if (this.eat(Tok.KwIf)) {
          const condition = this.parseExpression();
          this.expectSemicolon("after 'break if'");
          return { kind: "breakIf", condition, span: this.spanFrom(start) };
        }
        this.expectSemicolon("after 'break'");
        return { kind: "break", span: this.spanFrom(start) };
      }
      case Tok.KwContinue:
        this.next();
        this.expectSemicolon("after 'continue'");
        return { kind: "continue", span: this.spanFrom(start) };
      case Tok.KwDiscard:
        this.next();
        this.expectSemicolon("after 'discard'");
        return { kind: "discard", span: this.spanFrom(start) };
      case Tok.KwVar: {
        const decl = this.parseVarDecl(start, EMPTY);
        this.expectSemicolon("after the variable declaration");
        return { kind: "declStmt", decl, span: this.spanFrom(start) };
      }
      case Tok.KwLet:
      case Tok.KwConst: {
        const decl = this.parseValueDecl(start, EMPTY);
        this.expectSemicolon(`after the '${decl.kind}' declaration`);
        return { kind: "declStmt", decl, span: this.spanFrom(start) };
      }
      case Tok.KwConstAssert: {
        this.next();
        const expr = this.parseExpression();
        this.expectSemicolon("after the const_assert");
        return { kind: "constAssertStmt", expr, span: this.spanFrom(start) };
      }
      case Tok.KwElse:
      case Tok.KwCase:
      case Tok.KwDefault:
      case Tok.KwContinuing: {
        const what = this.describe();
        const where =
          this.cur() === Tok.KwElse ? "an 'if' block" : this.cur() === Tok.KwContinuing ? "a 'loop' body" : "a 'switch'";
        this.errorHere(`${what} can only appear after ${where}`);
        this.next();
        this.skipToStatementEnd();
        return { kind: "errorStmt", span: this.spanFrom(start) };
      }
      default:
        return this.parseSimpleStatement(start, true);
    }
  }

  /**
   * Assignment, compound assignment, phony assignment, increment/decrement or a function call. With `terminated`
   * the ';' is consumed too (and included in the span); in a `for` header it is not, as there it separates parts.
   */
  private parseSimpleStatement(start: number, terminated: boolean): Stmt {
    const lhs = this.parseExpression();
    const k = this.cur();
    const assignOp = ASSIGN_OP[k];
    if (assignOp !== undefined) {
      this.next();
      const rhs = this.parseExpression();
      if (terminated) this.expectSemicolon("after the assignment");
      return { kind: "assign", op: assignOp, lhs, rhs, span: this.spanFrom(start) };
    }
    if (k === Tok.PlusPlus || k === Tok.MinusMinus) {
      this.next();
      if (terminated) this.expectSemicolon(`after '${k === Tok.PlusPlus ? "++" : "--"}'`);
      return { kind: "increment", op: k === Tok.PlusPlus ? "++" : "--", target: lhs, span: this.spanFrom(start) };
    }
    if (lhs.kind === "call") {
      if (terminated) this.expectSemicolon("after the function call");
      return { kind: "callStmt", call: lhs, span: this.spanFrom(start) };
    }
    if (lhs.kind !== "error") {
      this.errorHere(`expected '=', a compound assignment, '++', '--' or a function call, found ${this.describe()}`);
    }
    const span = this.spanFrom(start);
    // The ';' check reports nothing new at this token (same place) but skips the rest of the broken statement.
    if (terminated) this.expectSemicolon("after the statement");
    return { kind: "errorStmt", span };
  }

  private parseIf(attributes: readonly Attribute[], start: number): IfStmt {
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.error(this.tooDeepMessage("statements"), this.startOf(), this.ends[this.p]);
      this.skipIfChain();
      this.depth--;
      const span = this.spanFrom(start);
      const empty: BlockStmt = { kind: "block", attributes: EMPTY, statements: [], span: { start: span.end, end: span.end } };
      return { kind: "if", attributes, condition: { kind: "error", span: empty.span }, then: empty, span };
    }
    this.next(); // 'if'
    const condition = this.parseExpression();
    const then = this.parseBodyBlock("after the if condition");
    let otherwise: BlockStmt | IfStmt | undefined;
    if (this.eat(Tok.KwElse)) {
      otherwise = this.cur() === Tok.KwIf ? this.parseIf(EMPTY, this.startOf()) : this.parseBodyBlock("after 'else'");
    }
    this.depth--;
    return { kind: "if", attributes, condition, then, else: otherwise, span: this.spanFrom(start) };
  }

  /** Skips an over-deep `if ... else if ... else { }` chain in one go. */
  private skipIfChain(): void {
    for (;;) {
      while (this.cur() !== Tok.LBrace && this.cur() !== Tok.Eof && this.cur() !== Tok.RBrace && !isModuleOnly(this.cur())) {
        this.next();
      }
      if (this.cur() !== Tok.LBrace) return;
      this.skipBraces();
      if (!this.eat(Tok.KwElse)) return;
    }
  }

  private parseSwitch(attributes: readonly Attribute[], start: number): SwitchStmt {
    this.next(); // 'switch'
    const selector = this.parseExpression();
    let allAttributes = attributes;
    if (this.cur() === Tok.At) allAttributes = attributes.concat(this.parseAttributes());
    const clauses: SwitchClause[] = [];
    if (this.cur() !== Tok.LBrace) {
      this.errorHere(`expected '{' after the switch selector, found ${this.describe()}`);
      return { kind: "switch", attributes: allAttributes, selector, clauses, span: this.spanFrom(start) };
    }
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.error(this.tooDeepMessage("statements"), this.startOf(), this.ends[this.p]);
      this.skipBraces();
      this.depth--;
      return { kind: "switch", attributes: allAttributes, selector, clauses, span: this.spanFrom(start) };
    }
    const open = this.startOf();
    this.next(); // '{'
    for (;;) {
      const k = this.cur();
      if (k === Tok.RBrace) {
        this.next();
        break;
      }
      if (k === Tok.Eof || isModuleOnly(k)) {
        if (k === Tok.Eof) this.error("'{' of the switch is never closed", open, open + 1);
        else this.errorHere(`expected '}' to close the switch, found ${this.describe()}`);
        break;
      }
      if (k === Tok.KwCase || k === Tok.KwDefault) {
        clauses.push(this.parseSwitchClause());
        continue;
      }
      this.errorHere(`expected 'case', 'default' or '}' in the switch body, found ${this.describe()}`);
      // Skip to the next clause.
      const before = this.p;
      let braces = 0;
      while (this.cur() !== Tok.Eof && !isModuleOnly(this.cur())) {
        const s = this.cur();
        if (braces === 0 && (s === Tok.KwCase || s === Tok.KwDefault || s === Tok.RBrace)) break;
        if (s === Tok.LBrace) braces++;
        else if (s === Tok.RBrace) braces--;
        this.next();
      }
      if (this.p === before) this.next();
    }
    this.depth--;
    return { kind: "switch", attributes: allAttributes, selector, clauses, span: this.spanFrom(start) };
  }

  private parseSwitchClause(): SwitchClause {
    const start = this.startOf();
    const selectors: (Expr | "default")[] = [];
    let defaultSpan: Span | undefined;
    if (this.cur() === Tok.KwDefault) {
      defaultSpan = { start, end: this.ends[this.p] };
      selectors.push("default");
      this.next();
    } else {
      this.next(); // 'case'
      for (;;) {
        if (this.cur() === Tok.KwDefault) {
          defaultSpan ??= { start: this.startOf(), end: this.ends[this.p] };
          selectors.push("default");
          this.next();
        } else {
          selectors.push(this.parseExpression());
        }
        if (!this.eat(Tok.Comma)) break;
        if (this.cur() === Tok.Colon || this.cur() === Tok.LBrace || this.cur() === Tok.At) break; // trailing comma
      }
    }
    this.eat(Tok.Colon);
    const body = this.parseBodyBlock(selectors.length === 1 && defaultSpan ? "after 'default'" : "after the case selectors");
    return { kind: "case", selectors, defaultSpan, body, span: this.spanFrom(start) };
  }

  private parseLoop(attributes: readonly Attribute[], start: number): LoopStmt {
    this.next(); // 'loop'
    const bodyStart = this.startOf();
    const bodyAttributes = this.cur() === Tok.At ? this.parseAttributes() : EMPTY;
    if (this.cur() !== Tok.LBrace) {
      this.errorHere(`expected '{' after 'loop', found ${this.describe()}`);
      const body: BlockStmt = { kind: "block", attributes: bodyAttributes, statements: [], span: this.missingSpan() };
      return { kind: "loop", attributes, body, continuing: undefined, span: this.spanFrom(start) };
    }
    let body: BlockStmt;
    let continuing: BlockStmt | undefined;
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.error(this.tooDeepMessage("blocks"), this.startOf(), this.ends[this.p]);
      this.skipBraces();
      body = { kind: "block", attributes: bodyAttributes, statements: [], span: this.spanFrom(bodyStart) };
    } else {
      const saved = this.continuingOut;
      this.continuingOut = undefined;
      const statements = this.parseBlockBody(true);
      continuing = this.continuingOut;
      this.continuingOut = saved;
      body = { kind: "block", attributes: bodyAttributes, statements, span: this.spanFrom(bodyStart) };
    }
    this.depth--;
    return { kind: "loop", attributes, body, continuing, span: this.spanFrom(start) };
  }

  private parseFor(attributes: readonly Attribute[], start: number): ForStmt {
    this.next(); // 'for'
    let init: Stmt | undefined;
    let condition: Expr | undefined;
    let update: Stmt | undefined;
    if (this.expect(Tok.LParen, "after 'for'")) {
      if (this.cur() !== Tok.Semicolon) init = this.parseForPart(true);
      this.expect(Tok.Semicolon, "after the for-loop initializer");
      if (this.cur() !== Tok.Semicolon) condition = this.parseExpression();
      this.expect(Tok.Semicolon, "after the for-loop condition");
      if (this.cur() !== Tok.RParen) update = this.parseForPart(false);
      if (!this.eat(Tok.RParen)) {
        this.errorHere(`expected ')' to end the for-loop header, found ${this.describe()}`);
        this.skipPast(Tok.RParen);
      }
    }
    const body = this.parseBodyBlock("after the for-loop header");
    return { kind: "for", attributes, init, condition, update, body, span: this.spanFrom(start) };
  }

  /** The initializer or update of a `for` header: a declaration (initializer only) or a simple statement. */
  private parseForPart(isInit: boolean): Stmt {
    const start = this.startOf();
    const k = this.cur();
    if (isInit && k === Tok.KwVar) {
      const decl = this.parseVarDecl(start, EMPTY);
      return { kind: "declStmt", decl, span: decl.span };
    }
    if (isInit && (k === Tok.KwLet || k === Tok.KwConst)) {
      const decl = this.parseValueDecl(start, EMPTY);
      return { kind: "declStmt", decl, span: decl.span };
    }
    return this.parseSimpleStatement(start, false);
  }

  private parseWhile(attributes: readonly Attribute[], start: number): WhileStmt {
    this.next(); // 'while'
    const condition = this.parseExpression();
    const body = this.parseBodyBlock("after the while condition");
    return { kind: "while", attributes, condition, body, span: this.spanFrom(start) };
  }
}
