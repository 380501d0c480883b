// What a CUDA translation unit declares at file scope: kernels (`__global__`), device and host functions, templates
// and their explicit instantiations, structs, type aliases, enums, file-scope constants, `__constant__` and
// `__device__` variables, and the function-like macros the preprocessor leaves for the lowering to expand.
import type { PreprocessResult } from "../preprocess/preprocess";
import type { Span } from "../span";
import { childOfType, type CNode, field, hasToken, kids, namedKids } from "./syntax";

export interface FunctionInfo {
  readonly name: string;
  /** The function_definition node. */
  readonly node: CNode;
  /** The template parameter list when the function is a template. */
  readonly template: CNode | null;
  readonly space: "global" | "device" | "host";
  /** `__host__ __device__`: callable from both sides. */
  readonly hostDevice: boolean;
  readonly declarator: CNode;
  readonly params: CNode | undefined;
  readonly body: CNode | undefined;
  readonly launchBounds: CNode | undefined;
  readonly nameSpan: Span;
  /** From `template` (when there is one) to the closing brace. */
  readonly span: Span;
}

export interface FunctionMacro {
  readonly name: string;
  readonly params: readonly string[];
  readonly variadic: boolean;
  readonly body: string;
}

export interface CudaProgram {
  /** The analysed text (preprocessed and blanked). */
  readonly text: string;
  readonly root: CNode;
  readonly functions: ReadonlyMap<string, readonly FunctionInfo[]>;
  readonly kernels: readonly FunctionInfo[];
  readonly hostFunctions: readonly FunctionInfo[];
  /** Explicit instantiations `template __global__ void k<256>(float*);`: the function name and argument list. */
  readonly instantiations: readonly { readonly name: string; readonly args: CNode; readonly span: Span }[];
  readonly structs: ReadonlyMap<string, CNode>;
  /** The template parameter lists of class templates (`template <class T> struct Packed128 {...}`), by name. */
  readonly structTemplates: ReadonlyMap<string, CNode>;
  /** `typedef T NAME;` and `using NAME = T;`: the type node (and the declarator for typedefs). */
  readonly aliases: ReadonlyMap<string, { readonly type: CNode; readonly declarator?: CNode }>;
  readonly enums: ReadonlyMap<string, { readonly value: CNode | undefined; readonly previous: string | undefined }>;
  /** File-scope variables: constants (`constexpr`, `const`) and `__constant__` / `__device__` memory. */
  readonly globals: ReadonlyMap<string, { readonly decl: CNode; readonly declarator: CNode }>;
  readonly macros: ReadonlyMap<string, FunctionMacro>;
}

/** The identifier a declarator declares (through pointers, arrays, references, init-declarators, functions). */
export function declaredName(d: CNode | undefined, text: string): CNode | undefined {
  let cur = d;
  for (let i = 0; cur && i < 16; i++) {
    if (cur.type === "identifier" || cur.type === "field_identifier" || cur.type === "type_identifier") return cur;
    if (cur.type === "qualified_identifier" || cur.type === "template_function") {
      const name = field(cur, "name");
      if (name) { cur = name; continue; }
    }
    if (cur.type === "destructor_name" || cur.type === "operator_name") return cur;
    cur = field(cur, "declarator") ?? namedKids(cur).find((k) => k.type !== "type_qualifier" && k.type !== "ms_call_modifier");
  }
  void text;
  return undefined;
}

/** The function_declarator inside a function definition's declarator (under pointers and references). */
export function functionDeclarator(d: CNode | undefined): CNode | undefined {
  let cur = d;
  for (let i = 0; cur && i < 8; i++) {
    if (cur.type === "function_declarator") return cur;
    cur = field(cur, "declarator");
  }
  return undefined;
}

/** The execution space of a function definition from its leading keywords. */
function spaceOf(fn: CNode): { space: FunctionInfo["space"]; hostDevice: boolean } {
  const g = hasToken(fn, "__global__");
  const d = hasToken(fn, "__device__");
  const h = hasToken(fn, "__host__");
  return { space: g ? "global" : d ? "device" : "host", hostDevice: d && h };
}

const DEFINE_FN = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)[ \t]*(.*)$/gm;

/** Function-like macros of the file and its includes (the main file's inactive `#if` regions skipped). */
function functionMacros(pre: PreprocessResult, original: string): Map<string, FunctionMacro> {
  const out = new Map<string, FunctionMacro>();
  const scan = (src: string, inactive: readonly Span[]): void => {
    if (!src.includes("define")) return;
    const joined = src.replace(/\\\r?\n/g, "  ");
    for (const m of joined.matchAll(DEFINE_FN)) {
      const at = m.index ?? 0;
      if (inactive.some((s) => at >= s.start && at < s.end)) continue;
      const params = m[2].split(",").map((p) => p.trim()).filter((p) => p !== "");
      const variadic = params.length > 0 && params[params.length - 1] === "...";
      // The body up to a line comment (block comments are left to the parser).
      const body = m[3].replace(/\/\/.*$/, "").trim();
      out.set(m[1], { name: m[1], params: variadic ? params.slice(0, -1) : params, variadic, body });
    }
  };
  for (const [, t] of pre.includedTexts) scan(t, []);
  scan(original, pre.inactive);
  return out;
}

export function collectProgram(root: CNode, text: string, pre: PreprocessResult, original: string): CudaProgram {
  const functions = new Map<string, FunctionInfo[]>();
  const kernels: FunctionInfo[] = [];
  const hostFunctions: FunctionInfo[] = [];
  const instantiations: { name: string; args: CNode; span: Span }[] = [];
  const structs = new Map<string, CNode>();
  const structTemplates = new Map<string, CNode>();
  const aliases = new Map<string, { type: CNode; declarator?: CNode }>();
  const enums = new Map<string, { value: CNode | undefined; previous: string | undefined }>();
  const globals = new Map<string, { decl: CNode; declarator: CNode }>();
  const name = (n: CNode): string => text.slice(n.start, n.end);

  const addStruct = (s: CNode | undefined): void => {
    if (!s || (s.type !== "struct_specifier" && s.type !== "class_specifier" && s.type !== "union_specifier")) return;
    const n = field(s, "name");
    if (n && field(s, "body")) structs.set(name(n), s);
  };
  const addEnum = (e: CNode | undefined): void => {
    if (!e || e.type !== "enum_specifier") return;
    const body = field(e, "body");
    let previous: string | undefined;
    for (const en of kids(body ?? e)) {
      if (en.type !== "enumerator") continue;
      const n = field(en, "name");
      if (!n) continue;
      enums.set(name(n), { value: field(en, "value"), previous });
      previous = name(n);
    }
  };
  const addFunction = (fn: CNode, template: CNode | null, outer: CNode): void => {
    const decl = field(fn, "declarator");
    const fd = functionDeclarator(decl);
    const id = declaredName(fd ? field(fd, "declarator") : decl, text);
    if (!id || !fd) return;
    const { space, hostDevice } = spaceOf(fn);
    const info: FunctionInfo = {
      name: name(id),
      node: fn,
      template,
      space,
      hostDevice,
      declarator: fd,
      params: field(fd, "parameters"),
      body: field(fn, "body"),
      launchBounds: childOfType(fn, "launch_bounds"),
      nameSpan: { start: id.start, end: id.end },
      span: { start: outer.start, end: fn.end },
    };
    const list = functions.get(info.name) ?? [];
    list.push(info);
    functions.set(info.name, list);
    if (space === "global" && info.body) kernels.push(info);
    else if (space === "host" && info.body) hostFunctions.push(info);
  };

  const visit = (nodes: readonly CNode[], template: CNode | null, outer: CNode | null): void => {
    for (const n of nodes) {
      switch (n.type) {
        case "function_definition":
          addFunction(n, template, outer ?? n);
          break;
        case "template_declaration": {
          const params = field(n, "parameters") ?? childOfType(n, "template_parameter_list") ?? null;
          visit(kids(n).filter((k) => k.type !== "template_parameter_list"), params, n);
          break;
        }
        case "template_instantiation": {
          const fd = functionDeclarator(field(n, "declarator"));
          const tf = fd ? field(fd, "declarator") : undefined;
          if (tf && tf.type === "template_function") {
            const id = field(tf, "name");
            const args = field(tf, "arguments");
            if (id && args) instantiations.push({ name: name(id), args, span: { start: n.start, end: n.end } });
          }
          break;
        }
        case "namespace_definition":
        case "linkage_specification": {
          const body = field(n, "body");
          if (body) visit(kids(body), null, null);
          break;
        }
        case "declaration_list":
          visit(kids(n), null, null);
          break;
        case "struct_specifier":
        case "class_specifier":
        case "union_specifier": {
          addStruct(n);
          const id = field(n, "name");
          if (template && id && field(n, "body")) structTemplates.set(name(id), template);
          break;
        }
        case "enum_specifier":
          addEnum(n);
          break;
        case "type_definition": {
          const t = field(n, "type");
          addStruct(t);
          addEnum(t);
          for (const d of kids(n).filter((k) => k.field === "declarator")) {
            const id = declaredName(d, text);
            if (t && id) aliases.set(name(id), { type: t, declarator: d });
          }
          break;
        }
        case "alias_declaration": {
          const id = field(n, "name");
          const t = field(n, "type");
          if (id && t) aliases.set(name(id), { type: t });
          break;
        }
        case "declaration": {
          const t = field(n, "type");
          addStruct(t);
          addEnum(t);
          for (const d of kids(n).filter((k) => k.field === "declarator")) {
            if (d.type === "function_declarator") continue;
            const id = declaredName(d, text);
            if (id) globals.set(name(id), { decl: n, declarator: d });
          }
          break;
        }
        default:
          break;
      }
    }
  };
  visit(kids(root), null, null);
  return { text, root, functions, kernels, hostFunctions, instantiations, structs, structTemplates, aliases, enums, globals, macros: functionMacros(pre, original) };
}
