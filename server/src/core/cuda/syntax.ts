// The CUDA front-end's syntax tree: what it needs of a tree-sitter tree, copied into plain objects once.
//
// The core never loads tree-sitter (that is I/O and a WebAssembly runtime): the caller configures a parser and
// passes it in, and only the small structural interface below is used, which web-tree-sitter's `Parser`, `Tree` and
// `TreeCursor` satisfy as they are. Walking a tree-sitter tree costs a call into WebAssembly per step, so only what
// the analysis reads is copied: the top-level structure, and whole subtrees of device code and of host functions
// that launch kernels (see `CopyPolicy`). Offsets are UTF-16 code units, as web-tree-sitter gives them for a
// JavaScript string.

/** The cursor operations the copy uses (web-tree-sitter's `TreeCursor`). */
export interface SyntaxCursor {
  readonly nodeType: string;
  readonly nodeIsNamed: boolean;
  readonly nodeIsMissing: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly currentFieldName: string | null;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete?(): void;
}

/** A node, for the error walk only (web-tree-sitter's `Node`). */
export interface SyntaxNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly childCount: number;
  child(index: number): SyntaxNode | null;
  walk(): SyntaxCursor;
}

export interface SyntaxTree {
  readonly rootNode: SyntaxNode;
  delete?(): void;
  /** Tells the tree its text changed (before reparsing with it as the old tree); web-tree-sitter's `Tree.edit`. */
  edit?(edit: TreeEdit): void;
}

/** One change of the text, in UTF-16 offsets and rows and columns (web-tree-sitter's `Edit`). */
export interface TreeEdit {
  readonly startIndex: number;
  readonly oldEndIndex: number;
  readonly newEndIndex: number;
  readonly startPosition: { readonly row: number; readonly column: number };
  readonly oldEndPosition: { readonly row: number; readonly column: number };
  readonly newEndPosition: { readonly row: number; readonly column: number };
}

/** A configured tree-sitter parser with the CUDA grammar loaded (web-tree-sitter's `Parser` is one). */
export interface CudaParser {
  /** With `oldTree` (edited to the new text), tree-sitter reuses its unchanged parts. */
  parse(text: string, oldTree?: SyntaxTree | null): SyntaxTree | null;
}

/** One node of the copied tree. Anonymous tokens (operators, keywords) are kept; comments are dropped. */
export interface CNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly named: boolean;
  /** The field this node fills in its parent (`declarator`, `body`, `left`), if any. */
  readonly field: string | null;
  /** Null where the subtree was not copied (see `CopyPolicy`); empty for a leaf. */
  readonly children: readonly CNode[] | null;
}

/**
 * Which subtrees to copy: whole (`true`), not at all (`false`, its `children` stay null), or this node with each
 * child asked about again (`"shallow"`). The containers that hold declarations (the translation unit, namespaces,
 * `extern "C"` blocks, template declarations) are always shallow.
 */
export type CopyPolicy = (type: string, start: number, end: number) => boolean | "shallow";

/** Tokens never read: brackets, separators. (Operators are kept: the lowering reads them.) */
const PUNCTUATION = new Set(["(", ")", "{", "}", "[", "]", ";", ",", "::", "\"", "'"]);
/** Node types whose children fill no field (lists and blocks): their children's field names are not asked for. */
const NO_FIELDS = new Set([
  "translation_unit", "compound_statement", "argument_list", "parameter_list", "initializer_list", "template_argument_list",
  "template_parameter_list", "field_declaration_list", "enumerator_list", "declaration_list", "subscript_argument_list",
  "expression_statement", "string_literal", "concatenated_string", "type_qualifier", "storage_class_specifier",
  "parenthesized_expression", "else_clause", "sized_type_specifier", "primitive_type", "number_literal", "identifier",
]);

/** Whether a node type is named, learnt once per type; the two types the grammar has both ways are asked each time. */
const namedTypes = new Map<string, boolean>();
const AMBIGUOUS = new Set(["decltype", "noexcept"]);

// Python's `module` too: the Triton front-end reuses unchanged top-level statements the same way.
const CONTAINERS = new Set(["translation_unit", "namespace_definition", "declaration_list", "linkage_specification", "template_declaration", "module"]);

/**
 * Copies kept from an earlier copy, for the children of containers (top-level declarations): a declaration whose
 * text (and copy decision) is unchanged parses to the same subtree, so it is taken from the earlier copy, moved to
 * where it now stands, instead of being walked again through WebAssembly. `key` says what decides the copy of a node
 * (its text and decision; undefined: copy it afresh).
 */
export interface CopyReuse {
  key(type: string, start: number, end: number, decision: true | "shallow"): string | undefined;
  readonly previous: ReadonlyMap<string, CNode>;
  /** Filled with this copy's nodes by key, for the next copy. */
  readonly next: Map<string, CNode>;
}

/** Copies the tree into plain objects, descending fully only where `policy` says so. Iterative: no depth limit. */
export function copyTree(tree: SyntaxTree, policy: CopyPolicy, reuse?: CopyReuse): CNode {
  const c = tree.rootNode.walk();
  try {
    type Open = { type: string; start: number; end: number; named: boolean; field: string | null; children: CNode[]; container: boolean; key?: string };
    const root: Open = { type: c.nodeType, start: c.startIndex, end: c.endIndex, named: c.nodeIsNamed, field: null, children: [], container: CONTAINERS.has(c.nodeType) };
    const stack: Open[] = [root];
    if (!c.gotoFirstChild()) return strip(root);
    // The cursor stands on a child of the node at the top of the stack.
    for (;;) {
      const parent = stack[stack.length - 1];
      const type = c.nodeType;
      let descended = false;
      // Punctuation carries nothing the analysis reads; skipping it saves the calls into WebAssembly it would cost.
      if (type !== "comment" && !PUNCTUATION.has(type)) {
        let named = namedTypes.get(type);
        if (named === undefined || AMBIGUOUS.has(type)) {
          named = c.nodeIsNamed;
          if (!AMBIGUOUS.has(type)) namedTypes.set(type, named);
        }
        const start = c.startIndex, end = c.endIndex, fieldName = NO_FIELDS.has(parent.type) ? null : c.currentFieldName;
        // Inside a copied subtree everything is copied; in a container, each child is asked about again.
        // `shallow`: copy this node and ask about each of its children (a function whose body may be skipped).
        const decision = parent.container ? (CONTAINERS.has(type) ? "shallow" : policy(type, start, end)) : true;
        const container = decision === "shallow";
        const key = reuse && parent.container && decision !== false ? reuse.key(type, start, end, decision) : undefined;
        const earlier = key !== undefined ? reuse!.previous.get(key) : undefined;
        if (decision === false) {
          parent.children.push({ type, start, end, named, field: fieldName, children: null });
        } else if (earlier && earlier.field === fieldName && earlier.named === named) {
          const moved = earlier.start === start ? earlier : shifted(earlier, start - earlier.start);
          reuse!.next.set(key!, moved);
          parent.children.push(moved);
        } else {
          const open: Open = { type, start, end, named, field: fieldName, children: [], container, key };
          if (c.gotoFirstChild()) {
            stack.push(open);
            descended = true;
          } else {
            const done = strip(open);
            if (key !== undefined) reuse!.next.set(key, done);
            parent.children.push(done);
          }
        }
      }
      if (descended) continue;
      // Next sibling, or climb until a node has one.
      while (!c.gotoNextSibling()) {
        if (stack.length === 1) return strip(root);
        const done = stack.pop()!;
        c.gotoParent();
        const node = strip(done);
        if (done.key !== undefined) reuse!.next.set(done.key, node);
        stack[stack.length - 1].children.push(node);
      }
    }
  } finally {
    c.delete?.();
  }
}

/**
 * A subtree `delta` characters further on. Its children are moved when first read: the subtree of a kernel that is
 * not lowered again is never walked (or allocated) again. The source is always a node of a real copy, so moving a
 * moved node again adds no level.
 */
class MovedNode implements CNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly named: boolean;
  readonly field: string | null;
  private moved: readonly CNode[] | null | undefined;

  constructor(readonly source: CNode, readonly delta: number) {
    this.type = source.type;
    this.start = source.start + delta;
    this.end = source.end + delta;
    this.named = source.named;
    this.field = source.field;
  }

  get children(): readonly CNode[] | null {
    if (this.moved === undefined) {
      const kids = this.source.children;
      this.moved = kids === null ? null : kids.map((k) => shifted(k, this.delta));
    }
    return this.moved;
  }
}

function shifted(n: CNode, delta: number): CNode {
  if (delta === 0) return n;
  return n instanceof MovedNode ? new MovedNode(n.source, n.delta + delta) : new MovedNode(n, delta);
}

/** Drops the copy's bookkeeping field. */
function strip(n: { type: string; start: number; end: number; named: boolean; field: string | null; children: CNode[] | null }): CNode {
  return { type: n.type, start: n.start, end: n.end, named: n.named, field: n.field, children: n.children };
}

// ---- Reading the copied tree ---------------------------------------------------------------------------------------

export function kids(n: CNode): readonly CNode[] {
  return n.children ?? [];
}

/** The first child filling `name`. */
export function field(n: CNode, name: string): CNode | undefined {
  for (const k of kids(n)) if (k.field === name) return k;
  return undefined;
}

/** Every child filling `name`. */
export function fields(n: CNode, name: string): CNode[] {
  return kids(n).filter((k) => k.field === name);
}

/** Named children (no punctuation or keyword tokens). */
export function namedKids(n: CNode): CNode[] {
  return kids(n).filter((k) => k.named);
}

/** Whether an anonymous token (a keyword such as `__global__`, `const`, `constexpr`) is a direct child. */
export function hasToken(n: CNode, token: string): boolean {
  for (const k of kids(n)) if (!k.named && k.type === token) return true;
  return false;
}

/** The first direct child of a type. */
export function childOfType(n: CNode, type: string): CNode | undefined {
  for (const k of kids(n)) if (k.type === type) return k;
  return undefined;
}

/** Syntax errors: ERROR nodes and tokens the parser had to invent (MISSING), in the parsed text's offsets. */
export function syntaxErrors(tree: SyntaxTree, limit = 50): { start: number; end: number; missing?: string }[] {
  const out: { start: number; end: number; missing?: string }[] = [];
  const visit = (n: SyntaxNode): void => {
    if (out.length >= limit) return;
    if (n.type === "ERROR") {
      out.push({ start: n.startIndex, end: n.endIndex });
      return;
    }
    if (n.isMissing) {
      out.push({ start: n.startIndex, end: n.endIndex, missing: n.type });
      return;
    }
    if (!n.hasError) return;
    for (let i = 0; i < n.childCount; i++) {
      const k = n.child(i);
      if (k) visit(k);
    }
  };
  if (tree.rootNode.hasError) visit(tree.rootNode);
  return out;
}
