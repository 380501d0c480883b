// What a declaration is to name resolution: a symbol with its kind, spans, scope and, for `var`s, where it lives.
//
// Types only, kept apart so that ./typesModel (whose struct types point back at their declaring symbols) and
// ./resolveTypes can both name a symbol without importing ./resolve, which builds them and re-exports every name here.
import type { AliasDecl, FunctionDecl, Param, Span, StructDecl, StructMember, ValueDecl, VarDecl } from "./ast";

export type SymbolKind =
  | "var"
  | "override"
  | "const"
  | "let"
  | "struct"
  | "alias"
  | "function"
  | "param"
  | "member"
  | "local-var";

export type DeclNode = VarDecl | ValueDecl | StructDecl | AliasDecl | FunctionDecl | Param | StructMember;

/** What the attributes and template list of a `var` say about where it lives. */
export interface VarAttributes {
  /** `@group(n)` / `@binding(n)` values when they are integer constants; null when absent or not constant. */
  readonly group: number | null;
  readonly binding: number | null;
  /** As written; otherwise `function` for locals and `handle` for module-scope textures and samplers. */
  readonly addressSpace: string;
  /** As written; otherwise the address space's default (`read` for storage, uniform and handle). */
  readonly accessMode: string;
  readonly addressSpaceWritten: boolean;
  readonly accessModeWritten: boolean;
}

export interface WgslSymbol {
  /** Index into `Resolution.symbols`; unique within one resolution. */
  readonly id: number;
  readonly name: string;
  readonly kind: SymbolKind;
  readonly nameSpan: Span;
  readonly declSpan: Span;
  readonly decl: DeclNode;
  readonly scope: "module" | "function" | "struct";
  /** The enclosing function's name for params and locals, the struct's name for members; null at module scope. */
  readonly container: string | null;
  /** The enclosing function's symbol for params and locals, the struct's for members. */
  readonly parent: WgslSymbol | null;
  /** A struct's members, in declaration order; empty for other kinds. */
  readonly members: readonly WgslSymbol[];
  /** For `var` declarations (module scope and local). */
  readonly varAttributes: VarAttributes | null;
  /** Where the name can be used, for params and locals; null for module scope (everywhere) and members. */
  readonly visibleRange: Span | null;
}
