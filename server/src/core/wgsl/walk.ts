// Generic traversal of the WGSL syntax tree, shared by every analysis pass.
//
// `forEachChild` lists a node's direct children in source order; its switch is exhaustive, so adding a node kind
// to ast.ts fails to compile here until the walker knows about it. `walk` is iterative (an explicit stack) because
// trees can be deep: a left-leaning chain such as `a + a + ... + a` is as deep as it is long.

import type {
  Attribute,
  Decl,
  Expr,
  Module,
  Param,
  Stmt,
  StructMember,
  SwitchClause,
  TemplateArg,
  TypeRef,
} from "./ast";

/** Every kind of node in the tree. Idents and spans are plain data, not nodes. */
export type AstNode = Module | Decl | Stmt | Expr | TypeRef | Attribute | StructMember | Param | SwitchClause;

/** Calls `fn` for each direct child of `node`, in source order. */
export function forEachChild(node: AstNode, fn: (child: AstNode) => void): void {
  switch (node.kind) {
    case "module":
      for (const d of node.decls) fn(d);
      return;
    // Declarations.
    case "var":
      for (const a of node.attributes) fn(a);
      if (node.type) fn(node.type);
      if (node.init) fn(node.init);
      return;
    case "let":
    case "const":
    case "override":
      for (const a of node.attributes) fn(a);
      if (node.type) fn(node.type);
      if (node.init) fn(node.init);
      return;
    case "struct":
      for (const a of node.attributes) fn(a);
      for (const m of node.members) fn(m);
      return;
    case "alias":
      for (const a of node.attributes) fn(a);
      fn(node.type);
      return;
    case "function":
      for (const a of node.attributes) fn(a);
      for (const p of node.params) fn(p);
      for (const a of node.returnAttributes) fn(a);
      if (node.returnType) fn(node.returnType);
      fn(node.body);
      return;
    case "const_assert":
      fn(node.expr);
      return;
    case "enable":
    case "requires":
    case "diagnostic":
      return;
    // Parts of declarations.
    case "param":
      for (const a of node.attributes) fn(a);
      fn(node.type);
      return;
    case "typeRef":
      for (const a of node.args) fn(a);
      return;
    case "attribute":
      for (const a of node.args) fn(a);
      return;
    case "case":
      for (const s of node.selectors) if (s !== "default") fn(s);
      fn(node.body);
      return;
    // Statements.
    case "block":
      for (const a of node.attributes) fn(a);
      for (const s of node.statements) fn(s);
      return;
    case "declStmt":
      fn(node.decl);
      return;
    case "assign":
      fn(node.lhs);
      fn(node.rhs);
      return;
    case "increment":
      fn(node.target);
      return;
    case "if":
      for (const a of node.attributes) fn(a);
      fn(node.condition);
      fn(node.then);
      if (node.else) fn(node.else);
      return;
    case "switch":
      for (const a of node.attributes) fn(a);
      fn(node.selector);
      for (const c of node.clauses) fn(c);
      return;
    case "loop":
      for (const a of node.attributes) fn(a);
      fn(node.body);
      if (node.continuing) fn(node.continuing);
      return;
    case "for":
      for (const a of node.attributes) fn(a);
      if (node.init) fn(node.init);
      if (node.condition) fn(node.condition);
      if (node.update) fn(node.update);
      fn(node.body);
      return;
    case "while":
      for (const a of node.attributes) fn(a);
      fn(node.condition);
      fn(node.body);
      return;
    case "breakIf":
      fn(node.condition);
      return;
    case "return":
      if (node.value) fn(node.value);
      return;
    case "callStmt":
      fn(node.call);
      return;
    case "constAssertStmt":
      fn(node.expr);
      return;
    case "break":
    case "continue":
    case "discard":
    case "empty":
    case "errorStmt":
      return;
    // Expressions. "member" is shared by struct members and member-access expressions.
    case "member":
      if ("base" in node) {
        fn(node.base);
      } else {
        for (const a of node.attributes) fn(a);
        fn(node.type);
      }
      return;
    case "literal":
    case "error":
      return;
    case "ident":
      if (node.templateArgs) for (const a of node.templateArgs) fn(a);
      return;
    case "call":
      if (node.templateArgs) for (const a of node.templateArgs) fn(a);
      for (const a of node.args) fn(a);
      return;
    case "binary":
      fn(node.left);
      fn(node.right);
      return;
    case "unary":
      fn(node.operand);
      return;
    case "index":
      fn(node.base);
      fn(node.index);
      return;
    case "paren":
      fn(node.expr);
      return;
    default: {
      const unreachable: never = node;
      throw new Error(`forEachChild: unknown node ${JSON.stringify((unreachable as { kind?: unknown }).kind)}`);
    }
  }
}

/** The direct children of `node`, in source order. */
export function childrenOf(node: AstNode): AstNode[] {
  const children: AstNode[] = [];
  forEachChild(node, (c) => children.push(c));
  return children;
}

/**
 * Depth-first traversal in source order. `enter` runs before a node's children and may return `false` to skip
 * them; `leave`, if given, runs after them (also for nodes whose children were skipped).
 */
export function walk(
  root: AstNode,
  enter: (node: AstNode, parent: AstNode | undefined) => boolean | void,
  leave?: (node: AstNode, parent: AstNode | undefined) => void,
): void {
  // Entries are (node, parent, leaving); a leaving entry stands for the `leave` call after the node's subtree.
  const nodes: AstNode[] = [root];
  const parents: (AstNode | undefined)[] = [undefined];
  const leaving: boolean[] = [false];
  const children: AstNode[] = [];
  const collect = (c: AstNode): void => {
    children.push(c);
  };
  while (nodes.length > 0) {
    const node = nodes.pop() as AstNode;
    const parent = parents.pop();
    if (leaving.pop()) {
      (leave as NonNullable<typeof leave>)(node, parent);
      continue;
    }
    const descend = enter(node, parent) !== false;
    if (leave) {
      nodes.push(node);
      parents.push(parent);
      leaving.push(true);
    }
    if (!descend) continue;
    children.length = 0;
    forEachChild(node, collect);
    // Pushed in reverse so they pop in source order.
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]);
      parents.push(node);
      leaving.push(false);
    }
  }
}

/** Whether a template argument is a type as written (rather than an expression). */
export function isTypeArg(arg: TemplateArg): arg is TypeRef {
  return arg.kind === "typeRef";
}
