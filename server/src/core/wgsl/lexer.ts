// WGSL tokenizer: turns source text into a flat token stream with template lists already discovered.
//
// The stream is stored in parallel typed arrays (kind, start, end) rather than one object per token, because the
// parser re-reads tokens often and a 2,000-line kernel file has tens of thousands of them. Comments are collected
// separately (the launch directives live in them). Lexing never throws: bad characters, bad numbers and unterminated
// block comments become errors and the scan carries on.

import type { Comment, ParseError } from "./ast";

/** Token kinds. Word tokens (identifiers, reserved words, keywords) form one contiguous range, see `isWord`. */
export enum Tok {
  Eof,
  // Word tokens: keep `Ident` first and `KwWhile` last, `isWord` depends on it.
  Ident,
  Reserved,
  KwAlias,
  KwBreak,
  KwCase,
  KwConst,
  KwConstAssert,
  KwContinue,
  KwContinuing,
  KwDefault,
  KwDiagnostic,
  KwDiscard,
  KwElse,
  KwEnable,
  KwFalse,
  KwFn,
  KwFor,
  KwIf,
  KwLet,
  KwLoop,
  KwOverride,
  KwRequires,
  KwReturn,
  KwStruct,
  KwSwitch,
  KwTrue,
  KwVar,
  KwWhile,
  // Literals.
  IntLit,
  FloatLit,
  // Punctuation and operators.
  And, // &
  AndAnd, // &&
  AndEq, // &=
  Arrow, // ->
  At, // @
  Slash, // /
  SlashEq, // /=
  Bang, // !
  NotEq, // !=
  LBracket, // [
  RBracket, // ]
  LBrace, // {
  RBrace, // }
  Colon, // :
  Comma, // ,
  Eq, // =
  EqEq, // ==
  Gt, // >
  Ge, // >=
  Shr, // >>
  ShrEq, // >>=
  Lt, // <
  Le, // <=
  Shl, // <<
  ShlEq, // <<=
  Percent, // %
  PercentEq, // %=
  Minus, // -
  MinusEq, // -=
  MinusMinus, // --
  Period, // .
  Plus, // +
  PlusEq, // +=
  PlusPlus, // ++
  Or, // |
  OrEq, // |=
  OrOr, // ||
  LParen, // (
  RParen, // )
  Semicolon, // ;
  Star, // *
  StarEq, // *=
  Tilde, // ~
  Xor, // ^
  XorEq, // ^=
  TemplateStart, // `<` that opens a template list
  TemplateEnd, // `>` that closes a template list
}

/** True for identifiers, reserved words and keywords: everything that matches WGSL's `ident_pattern_token`. */
export function isWord(kind: number): boolean {
  return kind >= Tok.Ident && kind <= Tok.KwWhile;
}

export interface TokenStream {
  /** Number of tokens, including the final `Eof`. */
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** The spelling of word tokens (identifiers, reserved words, keywords); undefined for every other token. */
  readonly names: readonly (string | undefined)[];
  readonly comments: Comment[];
  readonly errors: ParseError[];
}

const KEYWORDS: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  ["alias", Tok.KwAlias],
  ["break", Tok.KwBreak],
  ["case", Tok.KwCase],
  ["const", Tok.KwConst],
  ["const_assert", Tok.KwConstAssert],
  ["continue", Tok.KwContinue],
  ["continuing", Tok.KwContinuing],
  ["default", Tok.KwDefault],
  ["diagnostic", Tok.KwDiagnostic],
  ["discard", Tok.KwDiscard],
  ["else", Tok.KwElse],
  ["enable", Tok.KwEnable],
  ["false", Tok.KwFalse],
  ["fn", Tok.KwFn],
  ["for", Tok.KwFor],
  ["if", Tok.KwIf],
  ["let", Tok.KwLet],
  ["loop", Tok.KwLoop],
  ["override", Tok.KwOverride],
  ["requires", Tok.KwRequires],
  ["return", Tok.KwReturn],
  ["struct", Tok.KwStruct],
  ["switch", Tok.KwSwitch],
  ["true", Tok.KwTrue],
  ["var", Tok.KwVar],
  ["while", Tok.KwWhile],
]);

// The spec's reserved words. Words whose status we could not confirm (for example `private`, which names an address
// space) are left out on purpose: a missing entry only loses an error message, an extra one would reject valid code.
const RESERVED_WORDS =
  "NULL Self abstract active alignas alignof as asm asm_fragment async attribute auto await become cast catch class " +
  "co_await co_return co_yield coherent column_major common compile compile_fragment concept const_cast consteval " +
  "constexpr constinit crate debugger decltype delete demote demote_to_helper do dynamic_cast enum explicit export " +
  "extends extern external fallthrough filter final finally friend from fxgroup get goto groupshared highp impl " +
  "implements import inline instanceof interface layout lowp macro macro_rules match mediump meta mod module move mut " +
  "mutable namespace new nil noexcept noinline nointerpolation noperspective null nullptr of operator package " +
  "packoffset partition pass patch pixelfragment precise precision premerge priv protected pub public readonly ref " +
  "regardless register reinterpret_cast require resource restrict self set shared sizeof smooth snorm static " +
  "static_assert static_cast std subroutine super target template this thread_local throw trait try type typedef " +
  "typeid typename typeof union unless unorm unsafe unsized use using varying virtual volatile wgsl where with " +
  "writeonly yield";
const RESERVED: ReadonlySet<string> = new Set(RESERVED_WORDS.split(" "));

// Character classes for the ASCII fast path: bit 1 = may start an identifier, bit 2 = may continue one.
const CC_START = 1;
const CC_CONTINUE = 2;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if ((ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || ch === "_") ASCII_CLASS[c] = CC_START | CC_CONTINUE;
  else if (ch >= "0" && ch <= "9") ASCII_CLASS[c] = CC_CONTINUE;
}
const XID_START = /^\p{XID_Start}$/u;
const XID_CONTINUE = /^\p{XID_Continue}$/u;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** WGSL blankspace (Unicode Pattern_White_Space). */
function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0x200e || c === 0x200f || c === 0x2028 || c === 0x2029;
}

/** Line breaks end a line-ending comment. */
function isLineBreak(c: number): boolean {
  return (c >= 10 && c <= 13) || c === 0x85 || c === 0x2028 || c === 0x2029;
}

/** Tokenizes `text`, runs template list discovery and merges `>` pairs into shift and comparison operators. */
export function tokenize(text: string): TokenStream {
  const len = text.length;
  // Token count never exceeds the character count plus the end token; start smaller and grow for big files.
  let capacity = Math.max(16, Math.min(len + 1, (len >> 2) + 64));
  let kinds = new Uint8Array(capacity);
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
  const names: (string | undefined)[] = [];
  const comments: Comment[] = [];
  const errors: ParseError[] = [];
  let count = 0;

  const push = (kind: Tok, start: number, end: number, name: string | undefined): void => {
    if (count === capacity) {
      capacity *= 2;
      const k = new Uint8Array(capacity);
      k.set(kinds);
      kinds = k;
      const s = new Int32Array(capacity);
      s.set(starts);
      starts = s;
      const e = new Int32Array(capacity);
      e.set(ends);
      ends = e;
    }
    kinds[count] = kind;
    starts[count] = start;
    ends[count] = end;
    names.push(name);
    count++;
  };

  // Runs of characters that start no token are reported once per run, so a binary file does not bury real errors.
  let badStart = -1;
  let badEnd = -1;
  const flushBad = (): void => {
    if (badStart >= 0) {
      const shown = text.slice(badStart, Math.min(badEnd, badStart + 8));
      errors.push({
        message: `unexpected character${badEnd - badStart > 1 ? "s" : ""} '${shown}'`,
        span: { start: badStart, end: badEnd },
      });
      badStart = -1;
    }
  };

  let i = 0;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
      continue;
    }
    const start = i;

    // Identifiers and keywords (ASCII fast path first).
    if (c < 128 ? (ASCII_CLASS[c] & CC_START) !== 0 : isIdentStartAt(text, i)) {
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      while (i < len) {
        const d = text.charCodeAt(i);
        if (d < 128) {
          if ((ASCII_CLASS[d] & CC_CONTINUE) === 0) break;
          i++;
        } else if (isIdentContinueAt(text, i)) {
          i += d >= 0xd800 && d <= 0xdbff ? 2 : 1;
        } else break;
      }
      flushBad();
      const word = text.slice(start, i);
      const kw = KEYWORDS.get(word);
      push(kw ?? (RESERVED.has(word) ? Tok.Reserved : Tok.Ident), start, i, word);
      continue;
    }

    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      flushBad();
      i = scanNumber(text, i, errors);
      push(numberKind, start, i, undefined);
      continue;
    }

    const n1 = i + 1 < len ? text.charCodeAt(i + 1) : 0;
    let kind: Tok | -1 = -1;
    let width = 1;
    switch (c) {
      case 47: // '/'
        if (n1 === 47) {
          flushBad();
          let j = i + 2;
          while (j < len && !isLineBreak(text.charCodeAt(j))) j++;
          comments.push({ text: text.slice(start, j), span: { start, end: j }, block: false });
          i = j;
          continue;
        }
        if (n1 === 42) {
          flushBad();
          i = scanBlockComment(text, i, comments, errors);
          continue;
        }
        if (n1 === 61) { kind = Tok.SlashEq; width = 2; }
        else kind = Tok.Slash;
        break;
      case 38: // '&'
        if (n1 === 38) { kind = Tok.AndAnd; width = 2; }
        else if (n1 === 61) { kind = Tok.AndEq; width = 2; }
        else kind = Tok.And;
        break;
      case 45: // '-'
        if (n1 === 62) { kind = Tok.Arrow; width = 2; }
        else if (n1 === 45) { kind = Tok.MinusMinus; width = 2; }
        else if (n1 === 61) { kind = Tok.MinusEq; width = 2; }
        else kind = Tok.Minus;
        break;
      case 43: // '+'
        if (n1 === 43) { kind = Tok.PlusPlus; width = 2; }
        else if (n1 === 61) { kind = Tok.PlusEq; width = 2; }
        else kind = Tok.Plus;
        break;
      case 64:
        kind = Tok.At;
        break;
      case 33: // '!'
        if (n1 === 61) { kind = Tok.NotEq; width = 2; }
        else kind = Tok.Bang;
        break;
      case 91:
        kind = Tok.LBracket;
        break;
      case 93:
        kind = Tok.RBracket;
        break;
      case 123:
        kind = Tok.LBrace;
        break;
      case 125:
        kind = Tok.RBrace;
        break;
      case 58:
        kind = Tok.Colon;
        break;
      case 44:
        kind = Tok.Comma;
        break;
      case 61: // '='
        // After '>' a '=' stays alone: the '>' may close a template list, and otherwise the two merge into '>='.
        if (n1 === 61 && !(count > 0 && kinds[count - 1] === Tok.Gt && ends[count - 1] === i)) {
          kind = Tok.EqEq;
          width = 2;
        } else kind = Tok.Eq;
        break;
      case 62: // '>' is always a single token here; `mergeGreaterThan` rebuilds '>>', '>=' and '>>='.
        kind = Tok.Gt;
        break;
      case 60: // '<'
        if (n1 === 60) {
          if (i + 2 < len && text.charCodeAt(i + 2) === 61) { kind = Tok.ShlEq; width = 3; }
          else { kind = Tok.Shl; width = 2; }
        } else if (n1 === 61) { kind = Tok.Le; width = 2; }
        else kind = Tok.Lt;
        break;
      case 37:
        if (n1 === 61) { kind = Tok.PercentEq; width = 2; }
        else kind = Tok.Percent;
        break;
      case 46:
        kind = Tok.Period;
        break;
      case 124: // '|'
        if (n1 === 124) { kind = Tok.OrOr; width = 2; }
        else if (n1 === 61) { kind = Tok.OrEq; width = 2; }
        else kind = Tok.Or;
        break;
      case 40:
        kind = Tok.LParen;
        break;
      case 41:
        kind = Tok.RParen;
        break;
      case 59:
        kind = Tok.Semicolon;
        break;
      case 42:
        if (n1 === 61) { kind = Tok.StarEq; width = 2; }
        else kind = Tok.Star;
        break;
      case 126:
        kind = Tok.Tilde;
        break;
      case 94:
        if (n1 === 61) { kind = Tok.XorEq; width = 2; }
        else kind = Tok.Xor;
        break;
      default:
        break;
    }
    if (kind === -1) {
      const w = c >= 0xd800 && c <= 0xdbff && i + 1 < len ? 2 : 1;
      if (!isBlank(c)) {
        if (badStart < 0) badStart = i;
        badEnd = i + w;
      }
      i += w;
      continue;
    }
    flushBad();
    push(kind, start, start + width, undefined);
    i = start + width;
  }
  flushBad();
  push(Tok.Eof, len, len, undefined);

  discoverTemplateLists(kinds, starts, ends, count);
  count = mergeGreaterThan(kinds, starts, ends, names, count);
  return { count, kinds, starts, ends, names, comments, errors };
}

function isIdentStartAt(text: string, i: number): boolean {
  const cp = text.codePointAt(i) ?? 0;
  return XID_START.test(String.fromCodePoint(cp));
}

function isIdentContinueAt(text: string, i: number): boolean {
  const cp = text.codePointAt(i) ?? 0;
  return XID_CONTINUE.test(String.fromCodePoint(cp));
}

// `scanNumber` returns the end offset and leaves the literal's kind here, to avoid allocating a result per number.
let numberKind: Tok = Tok.IntLit;

/** Scans a numeric literal starting at `i` (a digit, or '.' followed by a digit) and returns its end offset. */
function scanNumber(text: string, i: number, errors: ParseError[]): number {
  const start = i;
  const len = text.length;
  let isFloat = false;
  let j = i;
  const c1 = text.charCodeAt(i + 1);
  if (text.charCodeAt(i) === 48 && (c1 === 120 || c1 === 88)) {
    // Hexadecimal integer or float.
    j = i + 2;
    const intStart = j;
    while (j < len && isHexDigit(text.charCodeAt(j))) j++;
    let digits = j - intStart;
    if (text.charCodeAt(j) === 46) {
      let k = j + 1;
      while (k < len && isHexDigit(text.charCodeAt(k))) k++;
      if (digits > 0 || k > j + 1) {
        digits += k - (j + 1);
        isFloat = true;
        j = k;
      }
    }
    let hasExponent = false;
    const p = text.charCodeAt(j);
    if (digits > 0 && (p === 112 || p === 80)) {
      let k = j + 1;
      const sign = text.charCodeAt(k);
      if (sign === 43 || sign === 45) k++;
      if (isDigit(text.charCodeAt(k))) {
        while (k < len && isDigit(text.charCodeAt(k))) k++;
        j = k;
        isFloat = true;
        hasExponent = true;
      }
    }
    if (digits === 0) {
      errors.push({ message: "hexadecimal literal needs at least one digit after '0x'", span: { start, end: j } });
    }
    const s = text.charCodeAt(j);
    if (isFloat) {
      // An 'f' or 'h' is a suffix only after a binary exponent; otherwise 'f' would already be a hex digit.
      if (hasExponent && (s === 102 || s === 104)) j++;
    } else if (s === 105 || s === 117) j++;
    numberKind = isFloat ? Tok.FloatLit : Tok.IntLit;
    return j;
  }

  while (j < len && isDigit(text.charCodeAt(j))) j++;
  const intDigits = j - start;
  if (text.charCodeAt(j) === 46 && (intDigits > 0 || isDigit(text.charCodeAt(j + 1)))) {
    j++;
    while (j < len && isDigit(text.charCodeAt(j))) j++;
    isFloat = true;
  }
  const e = text.charCodeAt(j);
  if (e === 101 || e === 69) {
    let k = j + 1;
    const sign = text.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (isDigit(text.charCodeAt(k))) {
      while (k < len && isDigit(text.charCodeAt(k))) k++;
      j = k;
      isFloat = true;
    }
  }
  const s = text.charCodeAt(j);
  if (s === 102 || s === 104) {
    j++;
    if (!isFloat && intDigits > 1 && text.charCodeAt(start) === 48) {
      errors.push({ message: "numeric literal has a leading zero", span: { start, end: j } });
    }
    isFloat = true;
  } else if (!isFloat) {
    if (s === 105 || s === 117) j++;
    if (intDigits > 1 && text.charCodeAt(start) === 48) {
      errors.push({ message: "integer literal has a leading zero (octal literals do not exist in WGSL)", span: { start, end: j } });
    }
  }
  numberKind = isFloat ? Tok.FloatLit : Tok.IntLit;
  return j;
}

/** Scans a (possibly nested) block comment starting at `i`; returns its end offset. */
function scanBlockComment(text: string, i: number, comments: Comment[], errors: ParseError[]): number {
  const len = text.length;
  let depth = 1;
  let j = i + 2;
  while (j < len) {
    const c = text.charCodeAt(j);
    if (c === 42 && text.charCodeAt(j + 1) === 47) {
      j += 2;
      if (--depth === 0) break;
    } else if (c === 47 && text.charCodeAt(j + 1) === 42) {
      j += 2;
      depth++;
    } else j++;
  }
  if (depth > 0) {
    j = len;
    errors.push({ message: "unterminated block comment: '/*' has no matching '*/'", span: { start: i, end: i + 2 } });
  }
  comments.push({ text: text.slice(i, j), span: { start: i, end: j }, block: true });
  return j;
}

/**
 * The spec's template list discovery, run over tokens instead of code points. Lists found turn their `<` into
 * `TemplateStart` and their `>` into `TemplateEnd`. The lexer keeps every `>` single (and a `=` right after it
 * single) so that each `>` of a `>>` or `>=` can close a list on its own, exactly as the code-point algorithm does.
 */
function discoverTemplateLists(kinds: Uint8Array, starts: Int32Array, ends: Int32Array, count: number): void {
  const pendingToken: number[] = [];
  const pendingDepth: number[] = [];
  let depth = 0;
  for (let i = 0; i < count; i++) {
    const k = kinds[i];
    if (isWord(k)) {
      const next = kinds[i + 1];
      if (next === Tok.Lt) {
        pendingToken.push(i + 1);
        pendingDepth.push(depth);
        i++;
      } else if (next === Tok.Le || next === Tok.Shl) {
        // '<=' and '<<' after a name: neither starts a list, and the '=' of '<=' is not an assignment.
        i++;
      } else if (next === Tok.ShlEq) {
        // '<<=' is a compound assignment, which cannot appear inside a template list.
        i++;
        pendingToken.length = 0;
        pendingDepth.length = 0;
        depth = 0;
      }
      continue;
    }
    switch (k) {
      case Tok.Gt: {
        const top = pendingDepth.length - 1;
        if (top >= 0 && pendingDepth[top] === depth) {
          kinds[pendingToken[top]] = Tok.TemplateStart;
          kinds[i] = Tok.TemplateEnd;
          pendingToken.pop();
          pendingDepth.pop();
        } else if (kinds[i + 1] === Tok.Eq && starts[i + 1] === ends[i]) {
          // '>=': skip the '=' so it is not taken for an assignment.
          i++;
        }
        break;
      }
      case Tok.LParen:
      case Tok.LBracket:
        depth++;
        break;
      case Tok.RParen:
      case Tok.RBracket:
        while (pendingDepth.length > 0 && pendingDepth[pendingDepth.length - 1] >= depth) {
          pendingDepth.pop();
          pendingToken.pop();
        }
        if (depth > 0) depth--;
        break;
      case Tok.AndAnd:
      case Tok.OrOr:
        while (pendingDepth.length > 0 && pendingDepth[pendingDepth.length - 1] >= depth) {
          pendingDepth.pop();
          pendingToken.pop();
        }
        break;
      // A lone '=' (an assignment, including the '=' ending a compound assignment or a '<=' that does not follow a
      // name, which the code-point algorithm also reads as an assignment), ';', '{' and ':' cannot occur in a list.
      case Tok.Eq:
      case Tok.PlusEq:
      case Tok.MinusEq:
      case Tok.StarEq:
      case Tok.SlashEq:
      case Tok.PercentEq:
      case Tok.AndEq:
      case Tok.OrEq:
      case Tok.XorEq:
      case Tok.ShlEq:
      case Tok.Le:
      case Tok.Semicolon:
      case Tok.LBrace:
      case Tok.Colon:
        pendingToken.length = 0;
        pendingDepth.length = 0;
        depth = 0;
        break;
      default:
        break;
    }
  }
}

/** Merges adjacent `>` `>`, `>` `=` and `>` `>` `=` that are not template delimiters; returns the new count. */
function mergeGreaterThan(
  kinds: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  names: (string | undefined)[],
  count: number,
): number {
  let j = 0;
  for (let i = 0; i < count; i++) {
    let k = kinds[i];
    const start = starts[i];
    let end = ends[i];
    if (k === Tok.Gt) {
      if (kinds[i + 1] === Tok.Gt && starts[i + 1] === end) {
        if (kinds[i + 2] === Tok.Eq && starts[i + 2] === ends[i + 1]) {
          k = Tok.ShrEq;
          end = ends[i + 2];
          i += 2;
        } else {
          k = Tok.Shr;
          end = ends[i + 1];
          i += 1;
        }
      } else if (kinds[i + 1] === Tok.Eq && starts[i + 1] === end) {
        k = Tok.Ge;
        end = ends[i + 1];
        i += 1;
      }
    }
    kinds[j] = k;
    starts[j] = start;
    ends[j] = end;
    names[j] = names[i];
    j++;
  }
  names.length = j;
  return j;
}

/** The type suffix of a numeric literal as written ('' when it has none). */
export function literalSuffix(text: string, isFloat: boolean): "" | "i" | "u" | "f" | "h" {
  const last = text.charCodeAt(text.length - 1);
  const hex = text.length > 1 && (text.charCodeAt(1) === 120 || text.charCodeAt(1) === 88);
  if (isFloat) {
    if (last !== 102 && last !== 104) return "";
    // In a hex float an 'f' is a digit unless a binary exponent precedes it.
    if (hex && !/[pP]/.test(text)) return "";
    return last === 102 ? "f" : "h";
  }
  if (last === 105) return "i";
  if (last === 117) return "u";
  return "";
}

/** The numeric value of a literal token; hex floats are evaluated exactly as far as doubles allow. */
export function literalValue(text: string, isFloat: boolean): number {
  const suffix = literalSuffix(text, isFloat);
  const body = suffix === "" ? text : text.slice(0, -1);
  const hex = body.length > 1 && (body.charCodeAt(1) === 120 || body.charCodeAt(1) === 88);
  if (!hex) return Number(body);
  if (!isFloat) return body.length > 2 ? parseInt(body.slice(2), 16) : NaN;
  let mantissa = 0;
  let fractionDigits = 0;
  let seenPoint = false;
  let k = 2;
  for (; k < body.length; k++) {
    const c = body.charCodeAt(k);
    if (c === 46) {
      seenPoint = true;
      continue;
    }
    if (!isHexDigit(c)) break;
    mantissa = mantissa * 16 + parseInt(body[k], 16);
    if (seenPoint) fractionDigits++;
  }
  const exponent = k < body.length ? Number(body.slice(k + 1)) : 0;
  return mantissa * Math.pow(2, exponent - 4 * fractionDigits);
}

/** Source spelling of fixed tokens, for error messages that name what was expected. */
export function tokenSpelling(kind: Tok): string {
  switch (kind) {
    case Tok.Eof:
      return "end of file";
    case Tok.Ident:
    case Tok.Reserved:
      return "identifier";
    case Tok.IntLit:
    case Tok.FloatLit:
      return "number";
    case Tok.TemplateStart:
      return "'<'";
    case Tok.TemplateEnd:
      return "'>'";
    default:
      return `'${SPELLING[kind] ?? "?"}'`;
  }
}

const SPELLING: Partial<Record<Tok, string>> = {
  [Tok.KwAlias]: "alias",
  [Tok.KwBreak]: "break",
  [Tok.KwCase]: "case",
  [Tok.KwConst]: "const",
  [Tok.KwConstAssert]: "const_assert",
  [Tok.KwContinue]: "continue",
  [Tok.KwContinuing]: "continuing",
  [Tok.KwDefault]: "default",
  [Tok.KwDiagnostic]: "diagnostic",
  [Tok.KwDiscard]: "discard",
  [Tok.KwElse]: "else",
  [Tok.KwEnable]: "enable",
  [Tok.KwFalse]: "false",
  [Tok.KwFn]: "fn",
  [Tok.KwFor]: "for",
  [Tok.KwIf]: "if",
  [Tok.KwLet]: "let",
  [Tok.KwLoop]: "loop",
  [Tok.KwOverride]: "override",
  [Tok.KwRequires]: "requires",
  [Tok.KwReturn]: "return",
  [Tok.KwStruct]: "struct",
  [Tok.KwSwitch]: "switch",
  [Tok.KwTrue]: "true",
  [Tok.KwVar]: "var",
  [Tok.KwWhile]: "while",
  [Tok.And]: "&",
  [Tok.AndAnd]: "&&",
  [Tok.AndEq]: "&=",
  [Tok.Arrow]: "->",
  [Tok.At]: "@",
  [Tok.Slash]: "/",
  [Tok.SlashEq]: "/=",
  [Tok.Bang]: "!",
  [Tok.NotEq]: "!=",
  [Tok.LBracket]: "[",
  [Tok.RBracket]: "]",
  [Tok.LBrace]: "{",
  [Tok.RBrace]: "}",
  [Tok.Colon]: ":",
  [Tok.Comma]: ",",
  [Tok.Eq]: "=",
  [Tok.EqEq]: "==",
  [Tok.Gt]: ">",
  [Tok.Ge]: ">=",
  [Tok.Shr]: ">>",
  [Tok.ShrEq]: ">>=",
  [Tok.Lt]: "<",
  [Tok.Le]: "<=",
  [Tok.Shl]: "<<",
  [Tok.ShlEq]: "<<=",
  [Tok.Percent]: "%",
  [Tok.PercentEq]: "%=",
  [Tok.Minus]: "-",
  [Tok.MinusEq]: "-=",
  [Tok.MinusMinus]: "--",
  [Tok.Period]: ".",
  [Tok.Plus]: "+",
  [Tok.PlusEq]: "+=",
  [Tok.PlusPlus]: "++",
  [Tok.Or]: "|",
  [Tok.OrEq]: "|=",
  [Tok.OrOr]: "||",
  [Tok.LParen]: "(",
  [Tok.RParen]: ")",
  [Tok.Semicolon]: ";",
  [Tok.Star]: "*",
  [Tok.StarEq]: "*=",
  [Tok.Tilde]: "~",
  [Tok.Xor]: "^",
  [Tok.XorEq]: "^=",
};
