// WGSL name resolution: symbols for every declaration, references for every use, entry points and the resources they reach.
//
// One walk over the tree with a stack of scopes (WGSL: module-scope names are visible everywhere regardless of
// order; a local is visible from the end of its declaration to the end of its block, a `for` initializer's up to
// the end of the loop, a loop body's also in its `continuing` block). Struct member accesses `p.n` need the type of
// `p`, so they are resolved after the walk with ./types. Unresolved names are listed, not reported: Tint does that.
import type {
  Attribute,
  BlockStmt,
  Decl,
  Expr,
  FunctionDecl,
  Ident,
  MemberExpr,
  Module,
  Span,
  Stmt,
  TemplateArg,
  TypeRef,
  ValueDecl,
  VarDecl,
} from "./ast";
import type { BuiltinCategory, EntryPoint, FunctionInfo, Reference, ReferenceNode, ReferenceRole, Resolution, ResolveProblem, ShaderStage } from "./resolveTypes";
import type { DeclNode, SymbolKind, VarAttributes, WgslSymbol } from "./symbols";
import {
  derefType,
  evaluateConstInt,
  inferTypes,
  isBuiltinFunctionName,
  isBuiltinTypeName,
  isEnumerantName,
  type TypeInfo,
} from "./types";

// The shapes of a resolution are declared in ./symbols and ./resolveTypes, which ./types reads without importing this file.
export type { DeclNode, SymbolKind, VarAttributes, WgslSymbol, WgslSymbol as Symbol } from "./symbols";
export type { BuiltinCategory, EntryPoint, FunctionInfo, Reference, ReferenceNode, ReferenceRole, Resolution, ResolveProblem, ShaderStage } from "./resolveTypes";

// ---------------------------------------------------------------------------------------------------------------

const STAGES: readonly ShaderStage[] = ["compute", "vertex", "fragment"];
/** Attributes whose arguments are enumerants rather than expressions. */
const ENUMERANT_ATTRIBUTES = new Set(["builtin", "interpolate", "diagnostic"]);

interface MutableSymbol {
  id: number;
  name: string;
  kind: SymbolKind;
  nameSpan: Span;
  declSpan: Span;
  decl: DeclNode;
  scope: "module" | "function" | "struct";
  container: string | null;
  parent: WgslSymbol | null;
  members: WgslSymbol[];
  varAttributes: VarAttributes | null;
  visibleRange: Span | null;
}

interface FunctionUse {
  readonly symbol: WgslSymbol;
  readonly decl: FunctionDecl;
  readonly vars: Set<WgslSymbol>;
  readonly overrides: Set<WgslSymbol>;
  readonly calls: Set<WgslSymbol>;
}

interface Scope {
  readonly names: Map<string, WgslSymbol>;
  /** Where names declared in this scope stop being visible. */
  readonly end: number;
}

class Resolver {
  readonly symbols: MutableSymbol[] = [];
  readonly references: Reference[] = [];
  readonly referenceByIdent = new Map<Ident, Reference>();
  readonly unresolved: { name: string; span: Span }[] = [];
  readonly moduleScope = new Map<string, WgslSymbol>();
  readonly symbolByDecl = new Map<DeclNode, WgslSymbol>();
  readonly functionUses = new Map<WgslSymbol, FunctionUse>();
  readonly memberExprs: MemberExpr[] = [];
  readonly problems: ResolveProblem[] = [];
  private readonly scopes: Scope[] = [];
  private currentFunction: FunctionUse | null = null;
  /**
   * Overrides and aliases named by module-scope var, override and alias declarations: a workgroup array sized by an
   * override (directly or through an alias) makes every entry point that uses the array depend on the override.
   */
  readonly moduleDeps = new Map<WgslSymbol, Set<WgslSymbol>>();
  private currentDeps: Set<WgslSymbol> | null = null;

  constructor(private readonly module: Module) {}

  run(): void {
    for (const decl of this.module.decls) {
      try {
        this.declareModule(decl);
      } catch (error) {
        this.problems.push({ message: `internal error while declaring: ${String(error)}`, span: decl.span });
      }
    }
    for (const decl of this.module.decls) {
      try {
        this.walkDecl(decl);
      } catch (error) {
        this.problems.push({ message: `internal error while resolving: ${String(error)}`, span: decl.span });
      }
    }
  }

  // ----- symbols ------------------------------------------------------------------------------------------------

  private makeSymbol(
    kind: SymbolKind,
    ident: Ident,
    decl: DeclNode,
    scope: MutableSymbol["scope"],
    parent: WgslSymbol | null,
    visibleRange: Span | null,
  ): MutableSymbol {
    const symbol: MutableSymbol = {
      id: this.symbols.length,
      name: ident.name,
      kind,
      nameSpan: ident.span,
      declSpan: decl.span,
      decl,
      scope,
      container: parent ? parent.name : null,
      parent,
      members: [],
      varAttributes: decl.kind === "var" ? this.varAttributes(decl, scope === "module") : null,
      visibleRange,
    };
    this.symbols.push(symbol);
    this.symbolByDecl.set(decl, symbol);
    return symbol;
  }

  private varAttributes(decl: VarDecl, atModuleScope: boolean): VarAttributes {
    const written = decl.addressSpace?.name;
    const addressSpace = written ?? (atModuleScope ? "handle" : "function");
    const access = decl.accessMode?.name;
    return {
      group: literalAttribute(decl.attributes, "group"),
      binding: literalAttribute(decl.attributes, "binding"),
      addressSpace,
      accessMode: access ?? (addressSpace === "storage" || addressSpace === "uniform" || addressSpace === "handle" ? "read" : "read_write"),
      addressSpaceWritten: written !== undefined,
      accessModeWritten: access !== undefined,
    };
  }

  private declareModule(decl: Decl): void {
    let symbol: MutableSymbol;
    switch (decl.kind) {
      case "var":
        symbol = this.makeSymbol("var", decl.name, decl, "module", null, null);
        break;
      case "let":
      case "const":
      case "override":
        symbol = this.makeSymbol(decl.kind, decl.name, decl, "module", null, null);
        break;
      case "struct":
        symbol = this.makeSymbol("struct", decl.name, decl, "module", null, null);
        for (const m of decl.members) {
          symbol.members.push(this.makeSymbol("member", m.name, m, "struct", symbol, null));
        }
        break;
      case "alias":
        symbol = this.makeSymbol("alias", decl.name, decl, "module", null, null);
        break;
      case "function":
        symbol = this.makeSymbol("function", decl.name, decl, "module", null, null);
        this.functionUses.set(symbol, { symbol, decl, vars: new Set(), overrides: new Set(), calls: new Set() });
        break;
      default:
        return;
    }
    if (!symbol.name) return; // a declaration whose name did not parse
    const previous = this.moduleScope.get(symbol.name);
    if (previous) {
      this.problems.push({ message: `'${symbol.name}' is already declared at module scope`, span: symbol.nameSpan });
    } else {
      this.moduleScope.set(symbol.name, symbol);
    }
  }

  private declareLocal(kind: SymbolKind, ident: Ident, decl: DeclNode, visibleFrom: number): void {
    const scope = this.scopes[this.scopes.length - 1];
    const owner = this.currentFunction?.symbol ?? null;
    const symbol = this.makeSymbol(kind, ident, decl, "function", owner, {
      start: visibleFrom,
      end: scope ? scope.end : visibleFrom,
    });
    if (!scope || !ident.name) return;
    if (scope.names.has(ident.name)) {
      this.problems.push({ message: `'${ident.name}' is already declared in this scope`, span: ident.span });
    }
    scope.names.set(ident.name, symbol);
  }

  private pushScope(end: number): void {
    this.scopes.push({ names: new Map(), end });
  }

  private popScope(): void {
    this.scopes.pop();
  }

  // ----- names --------------------------------------------------------------------------------------------------

  private lookup(name: string): WgslSymbol | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const found = this.scopes[i]!.names.get(name);
      if (found) return found;
    }
    return this.moduleScope.get(name);
  }

  private resolveName(ident: Ident, role: ReferenceRole, node: ReferenceNode): void {
    const name = ident.name;
    if (!name || name === "_") return; // `_ = e` is the phony assignment, not a name
    const symbol = this.lookup(name) ?? null;
    let builtin: BuiltinCategory | null = null;
    if (symbol) {
      if (this.currentDeps && symbol.scope === "module" && (symbol.kind === "override" || symbol.kind === "alias")) {
        this.currentDeps.add(symbol);
      }
      const fn = this.currentFunction;
      if (fn && symbol.scope === "module") {
        if (symbol.kind === "var") fn.vars.add(symbol);
        else if (symbol.kind === "override") fn.overrides.add(symbol);
        else if (symbol.kind === "function" && role === "call") fn.calls.add(symbol);
      }
    } else {
      builtin = builtinCategory(name, role);
      if (!builtin) this.unresolved.push({ name, span: ident.span });
    }
    // In a template list the parser cannot tell `N` (a constant) from `T` (a type); the declaration can.
    let finalRole = role;
    if (symbol && (role === "type" || role === "value")) {
      finalRole = symbol.kind === "struct" || symbol.kind === "alias" ? "type" : "value";
    }
    const ref: Reference = { name, span: ident.span, role: finalRole, symbol, builtin, node };
    this.references.push(ref);
    this.referenceByIdent.set(ident, ref);
  }

  /** Names that are only ever enumerants in their position (`storage`, `read_write`, `global_invocation_id`). */
  private enumerant(ident: Ident, node: ReferenceNode): void {
    if (!ident.name) return;
    const ref: Reference = { name: ident.name, span: ident.span, role: "enumerant", symbol: null, builtin: "enumerant", node };
    this.references.push(ref);
    this.referenceByIdent.set(ident, ref);
  }

  // ----- declarations -------------------------------------------------------------------------------------------

  private walkDecl(decl: Decl): void {
    if (decl.kind === "var" || decl.kind === "override" || decl.kind === "alias") {
      const symbol = this.symbolByDecl.get(decl);
      if (symbol) {
        this.currentDeps = new Set();
        this.moduleDeps.set(symbol, this.currentDeps);
      }
    }
    try {
      this.walkDeclParts(decl);
    } finally {
      this.currentDeps = null;
    }
  }

  private walkDeclParts(decl: Decl): void {
    switch (decl.kind) {
      case "var":
      case "let":
      case "const":
      case "override":
        this.walkValueDecl(decl);
        return;
      case "struct":
        for (const m of decl.members) {
          this.walkAttributes(m.attributes);
          this.walkTypeRef(m.type);
        }
        this.walkAttributes(decl.attributes);
        return;
      case "alias":
        this.walkAttributes(decl.attributes);
        this.walkTypeRef(decl.type);
        return;
      case "function":
        this.walkFunction(decl);
        return;
      case "const_assert":
        this.walkExpr(decl.expr);
        return;
      case "enable":
      case "requires":
      case "diagnostic":
        return;
    }
  }

  /** The parts of a var/let/const/override other than the name; the initializer does not see the name it declares. */
  private walkValueDecl(decl: VarDecl | ValueDecl): void {
    this.walkAttributes(decl.attributes);
    if (decl.kind === "var") {
      if (decl.addressSpace) this.enumerant(decl.addressSpace, decl);
      if (decl.accessMode) this.enumerant(decl.accessMode, decl);
    }
    if (decl.type) this.walkTypeRef(decl.type);
    if (decl.init) this.walkExpr(decl.init);
  }

  private walkFunction(decl: FunctionDecl): void {
    const symbol = this.symbolByDecl.get(decl);
    this.currentFunction = (symbol && this.functionUses.get(symbol)) ?? null;
    try {
      this.walkAttributes(decl.attributes);
      // Parameter types and the return type are resolved in module scope; parameters are visible in the body.
      for (const p of decl.params) {
        this.walkAttributes(p.attributes);
        this.walkTypeRef(p.type);
      }
      if (decl.returnType) this.walkTypeRef(decl.returnType);
      this.walkAttributes(decl.returnAttributes);
      this.pushScope(decl.body.span.end);
      for (const p of decl.params) this.declareLocal("param", p.name, p, decl.body.span.start);
      this.walkBlock(decl.body);
      this.popScope();
    } finally {
      this.currentFunction = null;
    }
  }

  private walkAttributes(attributes: readonly Attribute[]): void {
    for (const a of attributes) {
      if (ENUMERANT_ATTRIBUTES.has(a.name.name)) {
        for (const arg of a.args) {
          if (arg.kind === "ident") this.enumerant(arg.name, arg);
          else this.walkExpr(arg);
        }
      } else {
        for (const arg of a.args) this.walkExpr(arg);
      }
    }
  }

  private walkTypeRef(t: TypeRef): void {
    this.resolveName(t.name, "type", t);
    this.walkTemplateArgs(t.args);
  }

  private walkTemplateArgs(args: readonly TemplateArg[] | undefined): void {
    if (!args) return;
    for (const a of args) {
      if (a.kind === "typeRef") this.walkTypeRef(a);
      else this.walkExpr(a);
    }
  }

  // ----- statements ---------------------------------------------------------------------------------------------

  private walkBlock(block: BlockStmt): void {
    this.walkAttributes(block.attributes);
    this.pushScope(block.span.end);
    for (const s of block.statements) this.walkStmt(s);
    this.popScope();
  }

  private walkStmt(s: Stmt): void {
    switch (s.kind) {
      case "block":
        this.walkBlock(s);
        return;
      case "declStmt": {
        const d = s.decl;
        this.walkValueDecl(d);
        const kind: SymbolKind = d.kind === "var" ? "local-var" : d.kind;
        this.declareLocal(kind, d.name, d, s.span.end);
        return;
      }
      case "assign":
        this.walkExpr(s.lhs);
        this.walkExpr(s.rhs);
        return;
      case "increment":
        this.walkExpr(s.target);
        return;
      case "if":
        this.walkAttributes(s.attributes);
        this.walkExpr(s.condition);
        this.walkBlock(s.then);
        if (s.else) this.walkStmt(s.else);
        return;
      case "switch":
        this.walkAttributes(s.attributes);
        this.walkExpr(s.selector);
        for (const clause of s.clauses) {
          for (const selector of clause.selectors) if (selector !== "default") this.walkExpr(selector);
          this.walkBlock(clause.body);
        }
        return;
      case "loop":
        this.walkAttributes(s.attributes);
        // The continuing block sees the loop body's declarations, so both share one scope.
        this.walkAttributes(s.body.attributes);
        this.pushScope(s.span.end);
        for (const inner of s.body.statements) this.walkStmt(inner);
        if (s.continuing) this.walkBlock(s.continuing);
        this.popScope();
        return;
      case "for":
        this.walkAttributes(s.attributes);
        // The initializer's declaration is visible in the condition, the update and the body.
        this.pushScope(s.span.end);
        if (s.init) this.walkStmt(s.init);
        if (s.condition) this.walkExpr(s.condition);
        if (s.update) this.walkStmt(s.update);
        this.walkBlock(s.body);
        this.popScope();
        return;
      case "while":
        this.walkAttributes(s.attributes);
        this.walkExpr(s.condition);
        this.walkBlock(s.body);
        return;
      case "breakIf":
        this.walkExpr(s.condition);
        return;
      case "return":
        if (s.value) this.walkExpr(s.value);
        return;
      case "callStmt":
        this.walkExpr(s.call);
        return;
      case "constAssertStmt":
        this.walkExpr(s.expr);
        return;
      case "break":
      case "continue":
      case "discard":
      case "empty":
      case "errorStmt":
        return;
    }
  }

  // ----- expressions --------------------------------------------------------------------------------------------

  /** Iterative, because a long `a + b + c + …` chain is a tree as deep as it is long. */
  private walkExpr(root: Expr): void {
    const stack: Expr[] = [root];
    while (stack.length > 0) {
      const e = stack.pop()!;
      switch (e.kind) {
        case "literal":
        case "error":
          break;
        case "ident":
          this.resolveName(e.name, e.templateArgs ? "type" : "value", e);
          this.walkTemplateArgs(e.templateArgs);
          break;
        case "call":
          this.resolveName(e.callee, "call", e);
          this.walkTemplateArgs(e.templateArgs);
          for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i]!);
          break;
        case "binary":
          stack.push(e.right, e.left);
          break;
        case "unary":
          stack.push(e.operand);
          break;
        case "index":
          stack.push(e.index, e.base);
          break;
        case "member":
          this.memberExprs.push(e);
          stack.push(e.base);
          break;
        case "paren":
          stack.push(e.expr);
          break;
      }
    }
  }
}

function builtinCategory(name: string, role: ReferenceRole): BuiltinCategory | null {
  const isType = isBuiltinTypeName(name);
  const isFunction = isBuiltinFunctionName(name);
  const isEnumerant = isEnumerantName(name);
  if (role === "enumerant") return isEnumerant ? "enumerant" : null;
  if (role === "call") return isFunction ? "function" : isType ? "type" : null;
  if (isType) return "type";
  if (isEnumerant) return "enumerant";
  if (isFunction) return "function";
  return null;
}

function literalAttribute(attributes: readonly Attribute[], name: string): number | null {
  for (const a of attributes) {
    if (a.name.name !== name) continue;
    const arg = a.args[0];
    return arg && arg.kind === "literal" && typeof arg.value === "number" && arg.literalType === "int" ? arg.value : null;
  }
  return null;
}

function findAttribute(attributes: readonly Attribute[], name: string): Attribute | undefined {
  for (const a of attributes) if (a.name.name === name) return a;
  return undefined;
}

function byId(a: WgslSymbol, b: WgslSymbol): number {
  return a.id - b.id;
}

/** Index of the last element whose start is <= offset in an array sorted by start, or -1. */
function lastStartingAtOrBefore<T>(items: readonly T[], offset: number, startOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (startOf(items[mid]!) <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Finds the span containing offset; failing that, one ending exactly at it (a cursor just after a name). */
function spanLookup<T>(items: readonly T[], offset: number, spanOf: (item: T) => Span): T | undefined {
  const i = lastStartingAtOrBefore(items, offset, (item) => spanOf(item).start);
  if (i < 0) return undefined;
  const hit = items[i]!;
  return offset <= spanOf(hit).end ? hit : undefined;
}

function isBoundResource(symbol: WgslSymbol, types: TypeInfo): boolean {
  const a = symbol.varAttributes;
  if (!a) return false;
  if (a.group !== null || a.binding !== null) return true;
  if (a.addressSpace === "storage" || a.addressSpace === "uniform") return true;
  if (a.addressSpace === "handle") {
    const t = types.typeOfSymbol(symbol);
    return t.kind === "texture" || t.kind === "sampler" || t.kind === "unknown";
  }
  return false;
}

/** Resolves every name in the module; never throws (failures are listed in `problems`). */
export function resolveModule(module: Module): Resolution {
  const r = new Resolver(module);
  r.run();

  const symbols = r.symbols as WgslSymbol[];
  const moduleScope: ReadonlyMap<string, WgslSymbol> = r.moduleScope;
  const references = r.references;
  const referenceByIdent = r.referenceByIdent;
  const functions = new Map<WgslSymbol, FunctionInfo>();
  for (const [symbol, use] of r.functionUses) {
    functions.set(symbol, {
      symbol,
      decl: use.decl,
      varsUsed: [...use.vars].sort(byId),
      overridesUsed: [...use.overrides].sort(byId),
      calls: [...use.calls].sort(byId),
    });
  }

  let usesBySymbol: Map<WgslSymbol, Reference[]> | null = null;
  const usesIndex = (): Map<WgslSymbol, Reference[]> => {
    if (usesBySymbol) return usesBySymbol;
    usesBySymbol = new Map();
    for (const ref of references) {
      if (!ref.symbol) continue;
      let list = usesBySymbol.get(ref.symbol);
      if (!list) usesBySymbol.set(ref.symbol, (list = []));
      list.push(ref);
    }
    return usesBySymbol;
  };
  // Names that did not parse are empty and zero-width; they must not capture a cursor.
  const declarationsByName = symbols.filter((s) => s.name !== "").sort((a, b) => a.nameSpan.start - b.nameSpan.start);

  const entryPoints: EntryPoint[] = [];
  const resolution: Resolution = {
    module,
    symbols,
    moduleScope,
    references,
    unresolved: r.unresolved,
    entryPoints,
    functions,
    problems: r.problems,
    // Replaced below once the symbols and references are in place; inference needs them.
    types: undefined as unknown as TypeInfo,
    referenceAt: (offset) => spanLookup(references, offset, (ref) => ref.span),
    symbolAt: (offset) => {
      const ref = spanLookup(references, offset, (x) => x.span);
      if (ref?.symbol) return ref.symbol;
      const declared = spanLookup(declarationsByName, offset, (s) => s.nameSpan);
      return declared;
    },
    referencesOf: (symbol, includeDeclaration = false) => {
      const spans = (usesIndex().get(symbol) ?? []).map((ref) => ref.span);
      return includeDeclaration ? [symbol.nameSpan, ...spans].sort((a, b) => a.start - b.start) : spans;
    },
    usesOf: (symbol) => usesIndex().get(symbol) ?? [],
    referenceForIdent: (ident) => referenceByIdent.get(ident),
    symbolForDecl: (node) => r.symbolByDecl.get(node),
    visibleAt: (offset) => {
      const byName = new Map<string, WgslSymbol>();
      // Locals whose range covers the offset, the innermost (latest start) winning a shared name.
      for (const s of symbols) {
        const range = s.visibleRange;
        if (!range || offset < range.start || offset > range.end) continue;
        const other = byName.get(s.name);
        if (!other || (other.visibleRange && other.visibleRange.start <= range.start)) byName.set(s.name, s);
      }
      for (const [name, s] of moduleScope) if (!byName.has(name)) byName.set(name, s);
      return [...byName.values()];
    },
  };

  let types: TypeInfo;
  try {
    types = inferTypes(module, resolution);
  } catch (error) {
    // inferTypes does not throw; this only keeps the promise of this function if it ever did.
    r.problems.push({ message: `internal error while inferring types: ${String(error)}`, span: module.span });
    types = inferTypes({ ...module, decls: [] }, resolution);
  }
  (resolution as { types: TypeInfo }).types = types;

  // Member accesses: `p.n` names a struct member when `p` (or what it points to) has a struct type.
  for (const m of r.memberExprs) {
    const base = derefType(types.typeOfExpr(m.base));
    if (base.kind !== "struct" || !base.symbol) continue;
    const member = base.symbol.members.find((s) => s.name === m.member.name);
    if (!member) continue;
    const ref: Reference = { name: member.name, span: m.member.span, role: "member", symbol: member, builtin: null, node: m };
    references.push(ref);
    referenceByIdent.set(m.member, ref);
  }
  references.sort((a, b) => a.span.start - b.span.start);

  // Bindings written as constant expressions rather than literals.
  for (const s of r.symbols) {
    const a = s.varAttributes;
    if (!a || s.scope !== "module" || s.decl.kind !== "var") continue;
    const group = a.group ?? attributeValue(s.decl.attributes, "group", resolution);
    const binding = a.binding ?? attributeValue(s.decl.attributes, "binding", resolution);
    if (group !== a.group || binding !== a.binding) s.varAttributes = { ...a, group, binding };
  }

  for (const s of symbols) {
    if (s.kind !== "function") continue;
    const fn = s.decl as FunctionDecl;
    const stage = STAGES.find((st) => findAttribute(fn.attributes, st));
    if (!stage) continue;
    try {
      entryPoints.push(describeEntryPoint(s, fn, stage, functions, r.moduleDeps, resolution, types));
    } catch (error) {
      r.problems.push({ message: `internal error while describing '${s.name}': ${String(error)}`, span: fn.span });
    }
  }
  return resolution;
}

function attributeValue(attributes: readonly Attribute[], name: string, resolution: Resolution): number | null {
  const arg = findAttribute(attributes, name)?.args[0];
  return arg ? evaluateConstInt(arg, resolution) : null;
}

function describeEntryPoint(
  symbol: WgslSymbol,
  fn: FunctionDecl,
  stage: ShaderStage,
  functions: ReadonlyMap<WgslSymbol, FunctionInfo>,
  moduleDeps: ReadonlyMap<WgslSymbol, ReadonlySet<WgslSymbol>>,
  resolution: Resolution,
  types: TypeInfo,
): EntryPoint {
  // Transitive closure over the call graph; the visited set also stops (invalid) recursion.
  const visited = new Set<WgslSymbol>([symbol]);
  const stack = [symbol];
  const vars = new Set<WgslSymbol>();
  const overrides = new Set<WgslSymbol>();
  while (stack.length) {
    const f = stack.pop()!;
    const info = functions.get(f);
    if (!info) continue;
    for (const v of info.varsUsed) vars.add(v);
    for (const o of info.overridesUsed) overrides.add(o);
    for (const callee of info.calls) {
      if (visited.has(callee)) continue;
      visited.add(callee);
      stack.push(callee);
    }
  }
  visited.delete(symbol);
  // Overrides reached through the declarations of the variables and overrides used (array sizes, initializers).
  const pending = [...vars, ...overrides];
  const seen = new Set<WgslSymbol>(pending);
  while (pending.length) {
    for (const dep of moduleDeps.get(pending.pop()!) ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      if (dep.kind === "override") overrides.add(dep);
      pending.push(dep);
    }
  }

  const attribute = findAttribute(fn.attributes, "workgroup_size");
  const workgroupSize = attribute ? attribute.args : null;
  let workgroupSizeValues: [number | null, number | null, number | null] | null = null;
  if (workgroupSize) {
    // Overrides count at their defaults here; `workgroupSizeUsesOverride` says a pipeline may change them.
    const value = (i: number): number | null => {
      const e = workgroupSize[i];
      return e ? evaluateConstInt(e, resolution, { overrideDefaults: true }) : 1;
    };
    workgroupSizeValues = [value(0), value(1), value(2)];
  }
  const usesOverride = workgroupSize !== null && workgroupSize.some((e) => overridesIn(e, resolution).length > 0);

  const moduleVarsUsed = [...vars].sort(byId);
  return {
    name: symbol.name,
    stage,
    fn,
    symbol,
    workgroupSize,
    workgroupSizeValues,
    workgroupSizeUsesOverride: usesOverride,
    resourcesUsed: moduleVarsUsed.filter((v) => isBoundResource(v, types)),
    moduleVarsUsed,
    overridesUsed: [...overrides].sort(byId),
    functionsCalled: [...visited].sort(byId),
  };
}

/** Overrides an expression names (only directly: a `const` cannot depend on an override). */
function overridesIn(e: Expr, resolution: Resolution): WgslSymbol[] {
  const found: WgslSymbol[] = [];
  const visit = (x: Expr): void => {
    switch (x.kind) {
      case "ident": {
        const s = resolution.referenceForIdent(x.name)?.symbol;
        if (s && s.kind === "override") found.push(s);
        return;
      }
      case "binary":
        visit(x.left);
        visit(x.right);
        return;
      case "unary":
        visit(x.operand);
        return;
      case "paren":
        visit(x.expr);
        return;
      case "call":
        x.args.forEach(visit);
        return;
      case "index":
        visit(x.base);
        visit(x.index);
        return;
      case "member":
        visit(x.base);
        return;
      default:
        return;
    }
  };
  visit(e);
  return found;
}
