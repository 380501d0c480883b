// The result of WGSL name resolution as data: references, functions, entry points, problems and the `Resolution`.
//
// Types only, shared by ./resolve (which builds a resolution) and ./types (whose inference reads one), so that those
// two need not import each other. ./resolve re-exports every name here.
import type { Attribute, CallExpr, Expr, FunctionDecl, Ident, IdentExpr, MemberExpr, Module, Span, TypeRef, VarDecl } from "./ast";
import type { DeclNode, WgslSymbol } from "./symbols";
import type { TypeInfo } from "./typesModel";

/** How a name is used: as a value, a type, a callee, a struct member, or a context-dependent enumerant. */
export type ReferenceRole = "value" | "type" | "call" | "member" | "enumerant";

export type BuiltinCategory = "function" | "type" | "enumerant";

export type ReferenceNode = IdentExpr | TypeRef | CallExpr | MemberExpr | Attribute | VarDecl;

export interface Reference {
  readonly name: string;
  /** The span of the name only. */
  readonly span: Span;
  readonly role: ReferenceRole;
  /** The user declaration the name denotes, or null for builtins and unresolved names. */
  readonly symbol: WgslSymbol | null;
  /** Set when the name is a builtin function, type or enumerant (and no user declaration shadows it). */
  readonly builtin: BuiltinCategory | null;
  readonly node: ReferenceNode;
}

export interface FunctionInfo {
  readonly symbol: WgslSymbol;
  readonly decl: FunctionDecl;
  /** Module-scope variables the function's own body names (not through calls), in declaration order. */
  readonly varsUsed: readonly WgslSymbol[];
  readonly overridesUsed: readonly WgslSymbol[];
  /** User functions the body calls directly, in declaration order. */
  readonly calls: readonly WgslSymbol[];
}

export type ShaderStage = "compute" | "vertex" | "fragment";

export interface EntryPoint {
  readonly name: string;
  readonly stage: ShaderStage;
  readonly fn: FunctionDecl;
  readonly symbol: WgslSymbol;
  /** The `@workgroup_size` arguments as written (compute shaders); null when the attribute is absent. */
  readonly workgroupSize: readonly Expr[] | null;
  /** The workgroup size evaluated (overrides at their defaults; y and z default to 1); null entries are not constant. */
  readonly workgroupSizeValues: readonly [number | null, number | null, number | null] | null;
  /** True when a workgroup size dimension names an override, so a pipeline can change it. */
  readonly workgroupSizeUsesOverride: boolean;
  /** Bound resources reached from the entry point through any chain of calls: storage, uniform, textures, samplers. */
  readonly resourcesUsed: readonly WgslSymbol[];
  /** Every module-scope variable reached (resources plus `workgroup` and `private` variables). */
  readonly moduleVarsUsed: readonly WgslSymbol[];
  readonly overridesUsed: readonly WgslSymbol[];
  /** User functions reached, transitively, excluding the entry point itself. */
  readonly functionsCalled: readonly WgslSymbol[];
}

export interface ResolveProblem {
  readonly message: string;
  readonly span: Span;
}

export interface Resolution {
  readonly module: Module;
  /** Every symbol, in the order declarations were met (struct members right after their struct). */
  readonly symbols: readonly WgslSymbol[];
  /** Module-scope declarations by name (the first one where a name is declared twice). */
  readonly moduleScope: ReadonlyMap<string, WgslSymbol>;
  /** Every name use, sorted by position: user symbols, builtins and unresolved names. */
  readonly references: readonly Reference[];
  readonly unresolved: readonly { readonly name: string; readonly span: Span }[];
  readonly entryPoints: readonly EntryPoint[];
  readonly functions: ReadonlyMap<WgslSymbol, FunctionInfo>;
  /** Redeclarations in one scope and internal failures; informative, as Tint reports the real errors. */
  readonly problems: readonly ResolveProblem[];
  readonly types: TypeInfo;
  /** The name use at an offset (a cursor right after the name counts). */
  referenceAt(offset: number): Reference | undefined;
  /** The symbol named at an offset, from a use or from the declaration's own name. */
  symbolAt(offset: number): WgslSymbol | undefined;
  /** Spans of every use of the symbol, in source order, with the declaration's name first when asked for. */
  referencesOf(symbol: WgslSymbol, includeDeclaration?: boolean): Span[];
  /** The references (with roles and nodes) to a symbol, in source order. */
  usesOf(symbol: WgslSymbol): readonly Reference[];
  /** The reference recorded for this exact name node (by identity). */
  referenceForIdent(ident: Ident): Reference | undefined;
  /** The symbol a declaration node (var, let, const, override, struct, alias, function, param, member) declares. */
  symbolForDecl(node: DeclNode): WgslSymbol | undefined;
  /** Symbols usable at an offset (innermost first by shadowing), for completion. */
  visibleAt(offset: number): WgslSymbol[];
}
