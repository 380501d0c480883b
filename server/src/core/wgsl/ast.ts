// The WGSL syntax tree: every node carries the exact source span it was parsed from.
//
// Spans are half-open [start, end) offsets in UTF-16 code units into the text that was parsed (for preprocessed
// files that is the expanded text; `SourceMap` in ../preprocess maps it back). The tree is plain data so the
// analysis core, the language server and the CLI can share it, serialise it and test it without a parser object.

import type { Span } from "../span";
export type { Span };

/** A name as written, with the span of just the name. */
export interface Ident {
  readonly name: string;
  readonly span: Span;
}

export interface ParseError {
  readonly message: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------------
// Types and template arguments

/** A type as written: `f32`, `vec4<f32>`, `array<vec4<f32>, 16>`, `ptr<storage, f32, read_write>`, `MyStruct`. */
export interface TypeRef {
  readonly kind: "typeRef";
  readonly name: Ident;
  /** Template arguments; enumerants such as `storage` or `read_write` appear as `TypeRef`s with no arguments. */
  readonly args: readonly TemplateArg[];
  readonly span: Span;
}

export type TemplateArg = TypeRef | Expr;

export interface Attribute {
  readonly kind: "attribute";
  /** Name without the `@`, e.g. `workgroup_size`. */
  readonly name: Ident;
  readonly args: readonly Expr[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | LiteralExpr
  | IdentExpr
  | CallExpr
  | BinaryExpr
  | UnaryExpr
  | IndexExpr
  | MemberExpr
  | ParenExpr
  | ErrorExpr;

export interface LiteralExpr {
  readonly kind: "literal";
  readonly literalType: "int" | "float" | "bool";
  /** The literal exactly as written, e.g. `0x1Fu`, `1e-3f`, `true`. */
  readonly text: string;
  /** Numeric value (booleans as true/false). Integers beyond 2^53 lose precision, which no kernel size reaches. */
  readonly value: number | boolean;
  /** Type suffix: '' (abstract), 'i', 'u', 'f' or 'h'. */
  readonly suffix: "" | "i" | "u" | "f" | "h";
  readonly span: Span;
}

/** A use of a name: a variable, constant, parameter, or a type name used as a value (as in `array<f32, N>`). */
export interface IdentExpr {
  readonly kind: "ident";
  readonly name: Ident;
  /** Present when written with a template list, e.g. `vec3<f32>` in a template argument position. */
  readonly templateArgs?: readonly TemplateArg[];
  readonly span: Span;
}

/** A function call, builtin call or value constructor: `foo(a)`, `max(a, b)`, `vec4<f32>(x)`, `array(1, 2)`. */
export interface CallExpr {
  readonly kind: "call";
  readonly callee: Ident;
  readonly templateArgs?: readonly TemplateArg[];
  readonly args: readonly Expr[];
  readonly span: Span;
}

export type BinaryOp =
  | "+" | "-" | "*" | "/" | "%"
  | "&" | "|" | "^" | "<<" | ">>"
  | "&&" | "||"
  | "==" | "!=" | "<" | "<=" | ">" | ">=";

export interface BinaryExpr {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** Span of the operator token, for diagnostics that point at it. */
  readonly opSpan: Span;
  readonly span: Span;
}

export type UnaryOp = "-" | "!" | "~" | "&" | "*";

export interface UnaryExpr {
  readonly kind: "unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

export interface IndexExpr {
  readonly kind: "index";
  readonly base: Expr;
  readonly index: Expr;
  readonly span: Span;
}

/** Struct member access or vector swizzle: `p.n`, `v.xyz`. */
export interface MemberExpr {
  readonly kind: "member";
  readonly base: Expr;
  readonly member: Ident;
  readonly span: Span;
}

export interface ParenExpr {
  readonly kind: "paren";
  readonly expr: Expr;
  readonly span: Span;
}

/** Stands in for an expression that failed to parse, so the rest of the tree stays usable. */
export interface ErrorExpr {
  readonly kind: "error";
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------------
// Declarations (module scope; `var`, `let` and `const` also appear as statements)

export interface VarDecl {
  readonly kind: "var";
  readonly name: Ident;
  readonly attributes: readonly Attribute[];
  /** `var<storage, read_write>`: address space and access mode as written, if any. */
  readonly addressSpace?: Ident;
  readonly accessMode?: Ident;
  readonly type?: TypeRef;
  readonly init?: Expr;
  readonly span: Span;
}

export interface ValueDecl {
  readonly kind: "let" | "const" | "override";
  readonly name: Ident;
  readonly attributes: readonly Attribute[];
  readonly type?: TypeRef;
  readonly init?: Expr;
  readonly span: Span;
}

export interface StructMember {
  readonly kind: "member";
  readonly name: Ident;
  readonly attributes: readonly Attribute[];
  readonly type: TypeRef;
  readonly span: Span;
}

export interface StructDecl {
  readonly kind: "struct";
  readonly name: Ident;
  readonly attributes: readonly Attribute[];
  readonly members: readonly StructMember[];
  readonly span: Span;
}

export interface AliasDecl {
  readonly kind: "alias";
  readonly name: Ident;
  readonly attributes: readonly Attribute[];
  readonly type: TypeRef;
  readonly span: Span;
}

export interface Param {
  readonly kind: "param";
  readonly name: Ident;
  readonly attributes: readonly Attribute[];
  readonly type: TypeRef;
  readonly span: Span;
}

export interface FunctionDecl {
  readonly kind: "function";
  readonly name: Ident;
  /** `@compute`, `@workgroup_size(64)`, `@vertex`, `@fragment`, `@must_use`, `@diagnostic(...)`. */
  readonly attributes: readonly Attribute[];
  readonly params: readonly Param[];
  readonly returnType?: TypeRef;
  readonly returnAttributes: readonly Attribute[];
  readonly body: BlockStmt;
  readonly span: Span;
}

export interface ConstAssertDecl {
  readonly kind: "const_assert";
  readonly expr: Expr;
  readonly span: Span;
}

/** `enable f16;`, `requires readonly_and_readwrite_storage_textures;` */
export interface EnableDirective {
  readonly kind: "enable" | "requires";
  readonly names: readonly Ident[];
  readonly span: Span;
}

/** `diagnostic(off, derivative_uniformity);` at module scope. */
export interface DiagnosticDirective {
  readonly kind: "diagnostic";
  readonly severity: Ident;
  /** `derivative_uniformity` or `chromium.unreachable_code`: one or two idents. */
  readonly rule: readonly Ident[];
  readonly span: Span;
}

export type Decl =
  | VarDecl
  | ValueDecl
  | StructDecl
  | AliasDecl
  | FunctionDecl
  | ConstAssertDecl
  | EnableDirective
  | DiagnosticDirective;

// ---------------------------------------------------------------------------------------------------------------
// Statements

export type Stmt =
  | BlockStmt
  | DeclStmt
  | AssignStmt
  | IncrementStmt
  | IfStmt
  | SwitchStmt
  | LoopStmt
  | ForStmt
  | WhileStmt
  | BreakStmt
  | BreakIfStmt
  | ContinueStmt
  | ReturnStmt
  | DiscardStmt
  | CallStmt
  | ConstAssertStmt
  | EmptyStmt
  | ErrorStmt;

export interface BlockStmt {
  readonly kind: "block";
  readonly attributes: readonly Attribute[];
  readonly statements: readonly Stmt[];
  readonly span: Span;
}

/** A function-scope `var`, `let` or `const`. */
export interface DeclStmt {
  readonly kind: "declStmt";
  readonly decl: VarDecl | ValueDecl;
  readonly span: Span;
}

export type AssignOp = "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>=";

/** Assignment, compound assignment, or the phony assignment `_ = e` (lhs is the ident `_`). */
export interface AssignStmt {
  readonly kind: "assign";
  readonly op: AssignOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly span: Span;
}

export interface IncrementStmt {
  readonly kind: "increment";
  readonly op: "++" | "--";
  readonly target: Expr;
  readonly span: Span;
}

export interface IfStmt {
  readonly kind: "if";
  readonly attributes: readonly Attribute[];
  readonly condition: Expr;
  readonly then: BlockStmt;
  readonly else?: BlockStmt | IfStmt;
  readonly span: Span;
}

export interface SwitchClause {
  readonly kind: "case";
  /** Case selectors; `default` is represented by `"default"` with its span in `defaultSpan`. */
  readonly selectors: readonly (Expr | "default")[];
  /** Span of the `default` keyword when the selectors include it. */
  readonly defaultSpan?: Span;
  readonly body: BlockStmt;
  readonly span: Span;
}

export interface SwitchStmt {
  readonly kind: "switch";
  readonly attributes: readonly Attribute[];
  readonly selector: Expr;
  readonly clauses: readonly SwitchClause[];
  readonly span: Span;
}

export interface LoopStmt {
  readonly kind: "loop";
  readonly attributes: readonly Attribute[];
  readonly body: BlockStmt;
  /** The `continuing { ... }` block, which may end in `break if cond;` (a BreakIfStmt). */
  readonly continuing?: BlockStmt;
  readonly span: Span;
}

export interface ForStmt {
  readonly kind: "for";
  readonly attributes: readonly Attribute[];
  readonly init?: Stmt;
  readonly condition?: Expr;
  readonly update?: Stmt;
  readonly body: BlockStmt;
  readonly span: Span;
}

export interface WhileStmt {
  readonly kind: "while";
  readonly attributes: readonly Attribute[];
  readonly condition: Expr;
  readonly body: BlockStmt;
  readonly span: Span;
}

export interface BreakStmt { readonly kind: "break"; readonly span: Span }
export interface BreakIfStmt { readonly kind: "breakIf"; readonly condition: Expr; readonly span: Span }
export interface ContinueStmt { readonly kind: "continue"; readonly span: Span }
export interface ReturnStmt { readonly kind: "return"; readonly value?: Expr; readonly span: Span }
export interface DiscardStmt { readonly kind: "discard"; readonly span: Span }
export interface CallStmt { readonly kind: "callStmt"; readonly call: CallExpr; readonly span: Span }
export interface ConstAssertStmt { readonly kind: "constAssertStmt"; readonly expr: Expr; readonly span: Span }
/** A lone `;`. */
export interface EmptyStmt { readonly kind: "empty"; readonly span: Span }
/** Stands in for a statement that failed to parse; the parser resynchronises after it. */
export interface ErrorStmt { readonly kind: "errorStmt"; readonly span: Span }

// ---------------------------------------------------------------------------------------------------------------
// The module

export interface Comment {
  readonly text: string;
  readonly span: Span;
  readonly block: boolean;
}

export interface Module {
  readonly kind: "module";
  readonly decls: readonly Decl[];
  /** Every comment in source order; the launch directives live in line comments. */
  readonly comments: readonly Comment[];
  /** Syntax errors. The tree is complete even when this is not empty: bad regions become Error nodes. */
  readonly errors: readonly ParseError[];
  readonly span: Span;
}
