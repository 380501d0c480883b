// Checked runs: rewrites a kernel's WGSL so that every index into a storage or workgroup array is checked at run time.
//
// `instrumentBounds` finds, with the WGSL front-end's syntax tree, resolution and types, every index expression into
// an array that lives in `storage` or `workgroup` memory (through struct members, pointer parameters and `let`
// pointers, runtime-sized arrays included) in the functions an entry point reaches. Each index `e` becomes
// `P_u(e, LENGTH, SITE)` (`P_i` for i32 indices): a generated function that compares the index with the array's
// length (a literal, `arrayLength(&base)` for runtime-sized arrays, a generated `override` for override-sized ones),
// records a violation in an extra storage buffer (`P_rec`, at a free @group/@binding), and returns a clamped index,
// so the kernel still runs and never touches memory outside the array. Nothing else in the text moves: insertions
// stay on their line and the generated declarations go after the last line, so every line of the user's code keeps
// its number (compile errors and sites map back through the preprocessor's source map unchanged).
//
// Per site the record keeps, with atomics: the number of out-of-bounds accesses; the lowest invocation that made one
// (as the largest `~linear id`, so a zeroed buffer means "none"); the first invocation to record one, with its index
// and the array's length (the winner of an atomicExchange); and, in a second pass (`phase` 1, run only when the
// first recorder was not the lowest invocation), the index the lowest invocation used at its first out-of-bounds
// access there. `decodeBoundsRecord` turns the buffer into violations. Pure: no I/O, never throws on a bad kernel.
import type { CallExpr, Expr, FunctionDecl, IndexExpr, Module, Span } from "../wgsl/ast";
import { parseWgsl } from "../wgsl/parser";
import { resolveModule, type Resolution, type WgslSymbol } from "../wgsl/resolve";
import { derefType, evaluateConstInt, type StructType } from "../wgsl/types";
import { walk } from "../wgsl/walk";

/** What an access does with the element: read, write (`=`), read then write (`+=`, `++`), an atomic, or `&a[i]`. */
export type BoundsAccess = "read" | "write" | "read-write" | "atomic" | "reference";

export interface BoundsSite {
  /** Index of the site in the record buffer (and in `sites`). */
  readonly id: number;
  /** The whole access, `out[i]`, in the analysed (preprocessed) text. */
  readonly span: Span;
  readonly indexSpan: Span;
  readonly access: BoundsAccess;
  /** The array as the message names it: the binding, or the access path as written (`p.pos`), or through a pointer. */
  readonly array: string;
  /** The module-scope variable(s) the array belongs to; a pointer parameter's callers' when they agree. */
  readonly binding: string;
  readonly space: "storage" | "workgroup";
  /** Whether the index is an i32 (recorded bit-cast; decoded as signed). */
  readonly signed: boolean;
  /** The length as the type says: a number, or how it is found at run time. */
  readonly length: number | "runtime" | "override";
  /** The function the access is in. */
  readonly function: string;
}

export interface BoundsInstrumentation {
  /** The instrumented WGSL: the same lines as the input, plus generated declarations after the last one. */
  readonly code: string;
  readonly sites: readonly BoundsSite[];
  /** The record buffer to bind (read-write storage, zero-filled but for the header `boundsRecordData` writes). */
  readonly record: { readonly group: number; readonly binding: number; readonly sizeBytes: number };
  /** The prefix of every generated name (`kl_bc` unless the text already uses it). */
  readonly prefix: string;
  /** Storage or workgroup array accesses that could not be instrumented, with why. */
  readonly skipped: readonly { readonly span: Span; readonly reason: string }[];
}

export const BOUNDS_HEADER_WORDS = 4;
export const BOUNDS_SITE_WORDS = 12;
// Word offsets inside a site's record.
const W_HITS = 0;
const W_MIN_KEY = 1;
const W_FIRST = 2;
const W_FIRST_INDEX = 3;
const W_FIRST_LEN = 4;
const W_FIRST_X = 5;
const W_EXACT = 8;
const W_EXACT_KEY = 9;
const W_EXACT_INDEX = 10;
const W_EXACT_LEN = 11;

const ATOMIC_READS = new Set(["atomicLoad"]);
const ATOMIC_WRITES = new Set(["atomicStore"]);

interface Edit {
  readonly at: number;
  readonly text: string;
}

/** The first prefix `kl_bc`, `kl_bc2`, ... that the text does not contain anywhere, so generated names cannot clash. */
function freshPrefix(text: string): string {
  for (let k = 1; ; k++) {
    const p = k === 1 ? "kl_bc" : `kl_bc${k}`;
    if (!text.includes(p)) return p;
  }
}

function attrArgName(fn: { attributes: readonly { name: { name: string }; args: readonly Expr[] }[] }, attr: string): string | undefined {
  const a = fn.attributes.find((x) => x.name.name === attr);
  const arg = a?.args[0];
  return arg && arg.kind === "ident" ? arg.name.name : undefined;
}

/**
 * Instruments the functions `entry` reaches. Functions that a vertex or fragment entry point also reaches are left
 * alone (a vertex stage may not write storage): their accesses are listed in `skipped`.
 */
export function instrumentBounds(text: string, entry: string, given?: { readonly module: Module; readonly resolution: Resolution }): BoundsInstrumentation | { readonly error: string } {
  try {
    return instrument(text, entry, given);
  } catch (err) {
    // A kernel deep enough to exhaust the stack, or a front-end bug: the run goes on unchecked and says why.
    return { error: `the kernel could not be instrumented for bounds checking: ${(err as Error).message}` };
  }
}

function instrument(text: string, entry: string, given?: { readonly module: Module; readonly resolution: Resolution }): BoundsInstrumentation | { readonly error: string } {
  const module = given?.module ?? parseWgsl(text);
  const resolution = given?.resolution ?? resolveModule(module);
  const types = resolution.types;
  const ep = resolution.entryPoints.find((e) => e.name === entry);
  if (!ep) return { error: `no entry point named '${entry}'` };
  if (ep.stage !== "compute") return { error: `'${entry}' is not a compute entry point` };
  const P = freshPrefix(text);
  const slice = (s: Span): string => text.slice(s.start, s.end);

  // Functions reached from a vertex or fragment stage stay as they are.
  const otherStages = new Set<WgslSymbol>();
  for (const e of resolution.entryPoints) {
    if (e.stage === "compute") continue;
    otherStages.add(e.symbol);
    for (const f of e.functionsCalled) otherStages.add(f);
  }
  const functions: { decl: FunctionDecl; symbol: WgslSymbol }[] = [{ decl: ep.fn, symbol: ep.symbol }];
  for (const f of ep.functionsCalled) {
    const info = resolution.functions.get(f);
    if (info) functions.push({ decl: info.decl, symbol: f });
  }

  const sites: BoundsSite[] = [];
  const skipped: { span: Span; reason: string }[] = [];
  const edits: Edit[] = [];
  const overrides: string[] = [];

  for (const { decl, symbol } of functions) {
    const shared = otherStages.has(symbol);
    const roles = new Map<Expr, BoundsAccess | "atomic-arg-read" | "atomic-arg-write" | "atomic-arg">();
    const indexExprs: { e: IndexExpr; access: BoundsAccess }[] = [];
    walk(decl.body, (node) => {
      switch (node.kind) {
        case "assign":
          roles.set(node.lhs, node.op === "=" ? "write" : "read-write");
          return;
        case "increment":
          roles.set(node.target, "read-write");
          return;
        case "call":
          markAtomicArgument(node, roles);
          return;
        case "unary": {
          if (node.op !== "&") return;
          const role = roles.get(node);
          roles.set(node.operand, role === "atomic-arg-read" ? "read" : role === "atomic-arg-write" ? "write" : role === "atomic-arg" ? "atomic" : "reference");
          return;
        }
        case "paren": {
          const role = roles.get(node);
          if (role) roles.set(node.expr, role);
          return;
        }
        case "member": {
          // A member access (`p.pos[i]`), not a struct declaration's member (those are at module scope).
          const role = "base" in node ? roles.get(node) : undefined;
          if (role && "base" in node) roles.set(node.base, role);
          return;
        }
        case "index": {
          const role = roles.get(node);
          const access: BoundsAccess = role === undefined || role.startsWith("atomic-arg") ? "read" : (role as BoundsAccess);
          roles.set(node.base, access);
          indexExprs.push({ e: node, access });
          return;
        }
        default:
          return;
      }
    });

    for (const { e, access } of indexExprs) {
      const baseType = types.typeOfExpr(e.base);
      const view = types.memoryViewOf(e.base);
      const space = view?.addressSpace ?? (baseType.kind === "ptr" ? baseType.addressSpace : undefined);
      if (space !== "storage" && space !== "workgroup") continue;
      const array = derefType(baseType);
      if (array.kind !== "array") continue; // vectors and matrix columns: not arrays
      if (shared) {
        skipped.push({ span: e.span, reason: `'${decl.name.name}' is also reached from a vertex or fragment entry point` });
        continue;
      }
      const indexType = types.typeOfExpr(e.index);
      const constIndex = evaluateConstInt(e.index, resolution);
      // A constant index into a fixed-size array is checked by the compiler already.
      if (constIndex !== null && typeof array.count === "number") continue;
      let signed: boolean;
      if (indexType.kind === "scalar" && indexType.name === "u32") signed = false;
      else if (indexType.kind === "scalar" && indexType.name === "i32") signed = true;
      else if (indexType.kind === "scalar" && indexType.name === "abstract-int") signed = constIndex === null || constIndex < 0;
      else {
        skipped.push({ span: e.span, reason: `the index's type is ${indexType.kind === "unknown" ? "unknown" : "not i32 or u32"}` });
        continue;
      }
      const baseText = slice(e.base.span);
      let length: string;
      let staticLength: BoundsSite["length"];
      if (typeof array.count === "number") {
        length = `${array.count}u`;
        staticLength = array.count;
      } else if (array.count === "runtime") {
        const simple = /^[A-Za-z_][\w]*(\s*\.\s*[A-Za-z_]\w*)*$/.test(baseText.trim());
        length = baseType.kind === "ptr" ? `arrayLength(${baseText})` : `arrayLength(&${simple ? baseText : `(${baseText})`})`;
        staticLength = "runtime";
      } else {
        const name = `${P}_n${overrides.length}`;
        overrides.push(`override ${name}: u32 = u32(${slice(array.count.expr.span)});`);
        length = name;
        staticLength = "override";
      }
      const id = sites.length;
      const root = view?.root ?? pointerRootOf(e.base, types);
      const binding = bindingName(root, resolution, types);
      sites.push({
        id,
        span: e.span,
        indexSpan: e.index.span,
        access,
        array: arrayLabel(baseText, root, binding),
        binding,
        space,
        signed,
        length: staticLength,
        function: decl.name.name,
      });
      edits.push({ at: e.index.span.start, text: `${P}_${signed ? "i" : "u"}(` });
      edits.push({ at: e.index.span.end, text: `, ${length}, ${id}u)` });
    }
  }

  // The entry point's global invocation id, in a private variable every generated check can read.
  const gid = globalIdOf(ep.fn, resolution, types);
  if (sites.length > 0) {
    let gidExpr = gid;
    if (!gidExpr) {
      gidExpr = `${P}_gid_in`;
      const param = `@builtin(global_invocation_id) ${gidExpr}: vec3<u32>`;
      const params = ep.fn.params;
      if (params.length > 0) edits.push({ at: params[params.length - 1].span.end, text: `, ${param}` });
      else {
        const open = text.indexOf("(", ep.fn.name.span.end);
        if (open < 0 || open > ep.fn.body.span.start) return { error: `cannot find the parameter list of '${entry}'` };
        edits.push({ at: open + 1, text: param });
      }
    }
    if (text[ep.fn.body.span.start] !== "{") return { error: `cannot find the body of '${entry}'` };
    edits.push({ at: ep.fn.body.span.start + 1, text: ` ${P}_gid = ${gidExpr};` });
  }

  const { group, binding } = freeBinding(resolution);
  const n = Math.max(1, sites.length);
  const sizeBytes = 4 * (BOUNDS_HEADER_WORDS + BOUNDS_SITE_WORDS * n);
  // Edits at one offset keep their order; no two sites share an offset (a nested index starts after a '[').
  const sorted = edits.map((e, k) => ({ ...e, k })).sort((a, b) => a.at - b.at || a.k - b.k);
  let out = "";
  let pos = 0;
  for (const e of sorted) {
    out += text.slice(pos, e.at) + e.text;
    pos = e.at;
  }
  out += text.slice(pos);
  if (sites.length > 0) out += `${out.endsWith("\n") ? "" : "\n"}${generated(P, n, group, binding, overrides)}`;
  return { code: out, sites, record: { group, binding, sizeBytes }, prefix: P, skipped };
}

/** Marks `&x` as the pointer argument of an atomic builtin, so the access inside is classified by what the atomic does. */
function markAtomicArgument(call: CallExpr, roles: Map<Expr, string>): void {
  const name = call.callee.name;
  if (!name.startsWith("atomic")) return;
  const first = call.args[0];
  if (!first || first.kind !== "unary" || first.op !== "&") return;
  roles.set(first, ATOMIC_READS.has(name) ? "atomic-arg-read" : ATOMIC_WRITES.has(name) ? "atomic-arg-write" : "atomic-arg");
}

/** The global invocation id as an expression the entry point's body can read, when a parameter already has it. */
function globalIdOf(fn: FunctionDecl, resolution: Resolution, types: Resolution["types"]): string | undefined {
  const isGid = (attrs: readonly { name: { name: string }; args: readonly Expr[] }[]): boolean => attrArgName({ attributes: attrs }, "builtin") === "global_invocation_id";
  for (const p of fn.params) {
    if (isGid(p.attributes)) return p.name.name;
    const symbol = resolution.symbolForDecl(p);
    const t = symbol ? types.typeOfSymbol(symbol) : undefined;
    if (t?.kind === "struct") {
      for (const m of (t as StructType).members) {
        const decl = m.symbol?.decl;
        if (decl && decl.kind === "member" && isGid(decl.attributes)) return `${p.name.name}.${m.name}`;
      }
    }
  }
  return undefined;
}

/** A group the module already uses (the highest; 0 when none) and the binding after its highest one. */
function freeBinding(resolution: Resolution): { group: number; binding: number } {
  const used = new Map<number, number>();
  for (const s of resolution.symbols) {
    const va = s.varAttributes;
    if (s.kind !== "var" || !va || va.group === null || va.binding === null) continue;
    used.set(va.group, Math.max(used.get(va.group) ?? -1, va.binding));
  }
  const group = used.size === 0 ? 0 : Math.max(...used.keys());
  return { group, binding: (used.get(group) ?? -1) + 1 };
}

/** What a pointer expression points into, for a base that is a pointer value (`p[i]`, `p` a parameter or a `let`). */
function pointerRootOf(base: Expr, types: Resolution["types"]): WgslSymbol | null {
  const deref: Expr = { kind: "unary", op: "*", operand: base, span: base.span };
  return types.memoryViewOf(deref)?.root ?? null;
}

/** The binding an access belongs to: a module-scope variable's name, or for a pointer parameter what its callers pass. */
function bindingName(root: WgslSymbol | null, resolution: Resolution, types: Resolution["types"], depth = 0): string {
  if (!root) return "?";
  if (root.kind !== "param" || depth > 8) return root.name;
  const fn = root.parent;
  const info = fn ? resolution.functions.get(fn) : undefined;
  const k = info ? info.decl.params.findIndex((p) => p.name.span.start === root.nameSpan.start) : -1;
  if (!fn || k < 0) return root.name;
  const names = new Set<string>();
  for (const use of resolution.usesOf(fn)) {
    if (use.role !== "call" || use.node.kind !== "call") continue;
    const arg = use.node.args[k];
    if (!arg) continue;
    const argRoot = arg.kind === "unary" && arg.op === "&" ? types.memoryViewOf(arg.operand)?.root ?? null : pointerRootOf(arg, types);
    names.add(bindingName(argRoot, resolution, types, depth + 1));
  }
  return names.size === 1 ? [...names][0] : names.size > 1 ? [...names].sort().join(" or ") : root.name;
}

/**
 * The array's name in a message: the binding, or the member path as written (`p.pos`); an array reached through a
 * pointer parameter names what the callers pass and the pointer (`out' through pointer 'dst`, inside the quotes).
 */
function arrayLabel(baseText: string, root: WgslSymbol | null, binding: string): string {
  const path = baseText.replace(/\s+/g, "");
  if (root && root.kind === "var") return /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(path) && (path === root.name || path.startsWith(`${root.name}.`)) ? path : root.name;
  if (root && root.kind === "param" && binding !== root.name) return `${binding}' through pointer '${root.name}`;
  return root ? root.name : path;
}

function generated(P: string, n: number, group: number, binding: number, overrides: readonly string[]): string {
  return [
    `// ---- KernelLens bounds checking: generated for a checked run; not part of the kernel's file ----`,
    `struct ${P}_Site { hits: atomic<u32>, min_key: atomic<u32>, first: atomic<u32>, first_index: u32, first_len: u32, first_x: u32, first_y: u32, first_z: u32, exact: atomic<u32>, exact_key: u32, exact_index: u32, exact_len: u32 }`,
    `struct ${P}_Record { phase: u32, grid_x: u32, grid_y: u32, reserved: u32, sites: array<${P}_Site, ${n}> }`,
    `@group(${group}) @binding(${binding}) var<storage, read_write> ${P}_rec: ${P}_Record;`,
    `var<private> ${P}_gid: vec3<u32>;`,
    ...overrides,
    `fn ${P}_hit(site: u32, index: u32, len: u32) {`,
    `  let g = ${P}_gid;`,
    `  let key = ~(g.x + ${P}_rec.grid_x * (g.y + ${P}_rec.grid_y * g.z));`,
    `  atomicAdd(&${P}_rec.sites[site].hits, 1u);`,
    `  atomicMax(&${P}_rec.sites[site].min_key, key);`,
    `  if (atomicExchange(&${P}_rec.sites[site].first, 1u) == 0u) {`,
    `    ${P}_rec.sites[site].first_index = index;`,
    `    ${P}_rec.sites[site].first_len = len;`,
    `    ${P}_rec.sites[site].first_x = g.x;`,
    `    ${P}_rec.sites[site].first_y = g.y;`,
    `    ${P}_rec.sites[site].first_z = g.z;`,
    `  }`,
    `  if (${P}_rec.phase == 1u && atomicLoad(&${P}_rec.sites[site].min_key) == key) {`,
    `    if (atomicExchange(&${P}_rec.sites[site].exact, 1u) == 0u) {`,
    `      ${P}_rec.sites[site].exact_key = key;`,
    `      ${P}_rec.sites[site].exact_index = index;`,
    `      ${P}_rec.sites[site].exact_len = len;`,
    `    }`,
    `  }`,
    `}`,
    `fn ${P}_u(i: u32, n: u32, site: u32) -> u32 {`,
    `  let ok = i < n;`,
    `  if (!ok) { ${P}_hit(site, i, n); }`,
    `  return select(min(i, max(n, 1u) - 1u), i, ok);`,
    `}`,
    `fn ${P}_i(i: i32, n: u32, site: u32) -> i32 {`,
    `  let ok = i >= 0 && u32(i) < n;`,
    `  if (!ok) { ${P}_hit(site, bitcast<u32>(i), n); }`,
    `  return select(i32(min(u32(max(i, 0)), max(n, 1u) - 1u)), i, ok);`,
    `}`,
    ``,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// The record buffer

/** Invocations along each axis: workgroup size times workgroups. */
export type Grid = readonly [number, number, number];

/** Whether linear invocation ids (x fastest) fit in 32 bits, so the lowest invocation can be found exactly. */
export function linearIdsFit(grid: Grid): boolean {
  return grid[0] * grid[1] * grid[2] <= 0xffffffff;
}

/**
 * The record buffer's initial contents: phase 0 (count, find the lowest invocation), or phase 1 over the phase-0
 * record (that invocation records the index of its first out-of-bounds access at each site).
 */
export function boundsRecordData(instr: Pick<BoundsInstrumentation, "record">, grid: Grid, previous?: ArrayBuffer): ArrayBuffer {
  const data = new ArrayBuffer(instr.record.sizeBytes);
  const words = new Uint32Array(data);
  if (previous) words.set(new Uint32Array(previous.slice(0, Math.min(previous.byteLength, data.byteLength) & ~3)));
  words[0] = previous ? 1 : 0;
  words[1] = grid[0] >>> 0;
  words[2] = grid[1] >>> 0;
  return data;
}

export interface BoundsViolation {
  readonly site: BoundsSite;
  readonly index: number;
  readonly length: number;
  /** The global invocation id that made the access. */
  readonly invocation: readonly [number, number, number];
  /** Whether `invocation` is the lowest (x fastest) that went out of bounds here; otherwise the first to record. */
  readonly lowest: boolean;
  /** Out-of-bounds accesses at this site in the run. */
  readonly count: number;
}

export interface DecodedBounds {
  readonly violations: readonly BoundsViolation[];
  /** Sites whose lowest invocation's index is not known yet: a phase-1 run over this record finds it. */
  readonly needsExactPass: boolean;
}

function invocationOf(linear: number, grid: Grid): [number, number, number] {
  const x = linear % grid[0];
  const rest = Math.floor(linear / grid[0]);
  return [x, rest % grid[1], Math.floor(rest / grid[1])];
}

/**
 * Violations from a record: phase 0 alone, or phase 0 and the phase-1 record that followed it. Each names the
 * lowest invocation and the index it used when that is known, else the first invocation to record and its index.
 */
export function decodeBoundsRecord(sites: readonly BoundsSite[], grid: Grid, phase0: ArrayBuffer, phase1?: ArrayBuffer): DecodedBounds {
  const w0 = new Uint32Array(phase0.slice(0, phase0.byteLength & ~3));
  const w1 = phase1 ? new Uint32Array(phase1.slice(0, phase1.byteLength & ~3)) : undefined;
  const exact = linearIdsFit(grid);
  const violations: BoundsViolation[] = [];
  let needsExactPass = false;
  for (const site of sites) {
    const base = BOUNDS_HEADER_WORDS + BOUNDS_SITE_WORDS * site.id;
    if (base + BOUNDS_SITE_WORDS > w0.length) break;
    const hits = w0[base + W_HITS];
    if (hits === 0 || w0[base + W_FIRST] === 0) continue;
    const decodeIndex = (word: number): number => (site.signed ? word | 0 : word >>> 0);
    const first: [number, number, number] = [w0[base + W_FIRST_X], w0[base + W_FIRST_X + 1], w0[base + W_FIRST_X + 2]];
    const firstLinear = first[0] + grid[0] * (first[1] + grid[1] * first[2]);
    const lowestLinear = ~w0[base + W_MIN_KEY] >>> 0;
    let v: BoundsViolation = { site, index: decodeIndex(w0[base + W_FIRST_INDEX]), length: w0[base + W_FIRST_LEN], invocation: first, lowest: exact && firstLinear === lowestLinear, count: hits };
    if (exact && !v.lowest) {
      if (w1 && w1[base + W_EXACT] !== 0) {
        const linear = ~w1[base + W_EXACT_KEY] >>> 0;
        v = { ...v, index: decodeIndex(w1[base + W_EXACT_INDEX]), length: w1[base + W_EXACT_LEN], invocation: invocationOf(linear, grid), lowest: linear === lowestLinear };
      } else if (!w1) needsExactPass = true;
    }
    violations.push(v);
  }
  return { violations, needsExactPass };
}

const VERBS: Record<BoundsAccess, string> = { read: "read of", write: "write to", "read-write": "read-modify-write of", atomic: "atomic access to", reference: "reference to" };

/** `out-of-bounds write to 'out' at index 1024 (length 1024) by invocation (1024, 0, 0), line 23`. */
export function describeViolation(v: BoundsViolation, where: string): string {
  const more = v.count > 1 ? `; ${v.count} out-of-bounds accesses there in all` : "";
  return `out-of-bounds ${VERBS[v.site.access]} '${v.site.array}' at index ${v.index} (length ${v.length}) by invocation (${v.invocation.join(", ")}), ${where}${more}`;
}

// ---------------------------------------------------------------------------------------------------------------
// What a checked run reports (plain data: it goes to JSON, the run history and the editor)

/** One array access that went out of bounds in a checked run. */
export interface BoundsFinding {
  /** `out-of-bounds write to 'out' at index 1024 (length 1024) by invocation (1024, 0, 0), line 23`. */
  readonly message: string;
  readonly array: string;
  readonly binding: string;
  readonly access: BoundsAccess;
  readonly space: "storage" | "workgroup";
  readonly index: number;
  readonly length: number;
  readonly invocation: readonly [number, number, number];
  /** Whether `invocation` is the lowest (x fastest, then y, then z) that went out of bounds there. */
  readonly lowest: boolean;
  /** Out-of-bounds accesses at this place in the run. */
  readonly count: number;
  /** The access in the kernel file, 1-based (an access in an included file: the `#include` line). */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The included file and the line there, for an access in an included file. */
  readonly included?: { readonly file: string; readonly line: number };
}

export interface BoundsReport {
  /** Whether the checked run took place; when it did not, `reason` says why (and the run is not failed for it). */
  readonly checked: boolean;
  readonly reason?: string;
  /** Array accesses instrumented, and storage or workgroup accesses that could not be. */
  readonly sites: number;
  readonly skipped: number;
  /** Checked dispatches made: 1, or 2 when the lowest invocation's index took a second pass; 0 when none was needed. */
  readonly runs: number;
  readonly violations: readonly BoundsFinding[];
}
