// What KernelLens sends Triton's compiler for one analysed kernel and configuration (server/python/triton_compile.py):
// the text of the kernel and of every @triton.jit helper it calls, the triton/math imports and the module's literal
// constants they read, each parameter's Triton type, the constexpr values, num_warps, num_stages and the target.
// Never the user's module: it is not imported, so module-level code (GPU tensors, benchmarks) never runs.
//
// The functions are cut out of the text by their indentation (a `def` line and every following line indented deeper
// or blank); each is sent as a plain `@triton.jit` function, its own decorators left out (autotune and heuristics
// wrappers may call host code, and the configuration is given explicitly). Pointer element types come from the caller (the analysis knows
// them from launches and directives); a pointer it does not know is compiled as `*fp32` and named in `assumed`, so the
// result can say what it rests on.
//
// Pure: no I/O, never throws.
import { configKey, type TritonConfig } from "./types";

export interface TritonCompileRequest {
  readonly kernel: string;
  readonly sources: readonly string[];
  readonly imports: readonly string[];
  readonly globals: Readonly<Record<string, number | boolean>>;
  /** Every parameter, in order: its Triton type (`*fp16`, `i32`, `fp32`, `i1`) or `constexpr`. */
  readonly signature: Readonly<Record<string, string>>;
  readonly constexprs: Readonly<Record<string, number | boolean | string>>;
  readonly numWarps: number;
  readonly numStages: number;
  readonly target: { readonly backend: "cuda"; readonly arch: number; readonly warpSize: number };
}

export interface TritonCompileJob {
  readonly function: string;
  readonly configKey: string;
  readonly request: TritonCompileRequest;
  /** Parameters whose type was assumed (`x_ptr: *fp32`), for the result's wording. */
  readonly assumed: readonly string[];
}

export interface PythonFunctionText {
  readonly name: string;
  /** The `def` block without decorators, as written (indented as in the file). */
  readonly text: string;
  readonly jit: boolean;
  readonly params: readonly { readonly name: string; readonly constexpr: boolean; readonly defaultText?: string }[];
  /** Module level (not nested in a class or function). */
  readonly topLevel: boolean;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlank = (line: string): boolean => /^\s*(#.*)?$/.test(line);

/** Splits at commas outside brackets and strings. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") {
        cur += c + (text[i + 1] ?? "");
        i++;
        continue;
      }
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    if (c === "," && depth === 0 && !quote) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur.trim() !== "") out.push(cur);
  return out;
}

/** Bracket depth change of a line, ignoring strings and a trailing comment. */
function depthChange(line: string): number {
  let d = 0;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "#") break;
    else if (c === "'" || c === '"') quote = c;
    else if ("([{".includes(c)) d++;
    else if (")]}".includes(c)) d--;
  }
  return d;
}

/** Every `def` in a Python text with its block, its decorators' verdict (@jit or not) and its parameters. */
export function pythonFunctions(text: string): PythonFunctionText[] {
  const lines = text.split("\n");
  const out: PythonFunctionText[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/.exec(lines[i]!);
    if (!m) continue;
    const indent = m[1]!.length;
    // Decorators: the '@' lines right above at the same indentation, with their continuation lines.
    let jit = false;
    for (let j = i - 1; j >= 0; j--) {
      const line = lines[j]!;
      if (isBlank(line) || indentOf(line) < indent) break;
      if (indentOf(line) === indent && !line.trimStart().startsWith("@") && !/^[)\]}]/.test(line.trimStart())) break;
      if (indentOf(line) === indent && /^@\s*(?:[\w.]+\.)?jit\b/.test(line.trimStart())) jit = true;
    }
    // The header, to its closing parenthesis and colon.
    let depth = 0;
    let end = i;
    for (; end < lines.length; end++) {
      depth += depthChange(lines[end]!);
      if (depth <= 0 && /:\s*(#.*)?$/.test(lines[end]!)) break;
    }
    const header = lines.slice(i, end + 1).join("\n");
    const open = header.indexOf("(");
    let close = -1;
    for (let k = open, d = 0; k < header.length; k++) {
      if (header[k] === "(") d++;
      else if (header[k] === ")" && --d === 0) {
        close = k;
        break;
      }
    }
    const params = splitTopLevel(close > open ? header.slice(open + 1, close) : "")
      .map((p) => p.replace(/#[^\n]*/g, "").trim())
      .filter((p) => p !== "" && p !== "*" && p !== "/" && !p.startsWith("*"))
      .map((p) => {
        const pm = /^([A-Za-z_]\w*)\s*(?::\s*([^=]+?))?\s*(?:=\s*([\s\S]+))?$/.exec(p);
        const name = pm?.[1] ?? p;
        const annotation = pm?.[2] ?? "";
        return { name, constexpr: /constexpr/.test(annotation), ...(pm?.[3] !== undefined ? { defaultText: pm[3].trim() } : {}) };
      });
    // The body: every following line that is blank or indented deeper than the def.
    let last = end;
    for (let k = end + 1; k < lines.length; k++) {
      if (isBlank(lines[k]!)) continue;
      if (indentOf(lines[k]!) <= indent) break;
      last = k;
    }
    out.push({ name: m[2]!, text: lines.slice(i, last + 1).join("\n"), jit, params, topLevel: indent === 0 });
  }
  return out;
}

/** The module's triton/math import lines (a parenthesised `from ... import (...)` joined onto one line). */
export function tritonImports(text: string): string[] {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^(?:import|from)\s+(?:triton|math)\b/.test(lines[i]!)) continue;
    let stmt = lines[i]!.replace(/#.*$/, "").trim();
    let depth = depthChange(stmt);
    while (depth > 0 && i + 1 < lines.length) {
      const next = lines[++i]!.replace(/#.*$/, "").trim();
      stmt += ` ${next}`;
      depth += depthChange(next);
    }
    out.push(stmt.replace(/\(\s*/g, "(").replace(/,?\s*\)/g, ")"));
  }
  return out;
}

const LITERAL = /^(?:-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|True|False)$/;

function literalValue(text: string): number | boolean | undefined {
  const t = text.trim();
  if (!LITERAL.test(t)) return undefined;
  if (t === "True") return true;
  if (t === "False") return false;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** Module-level constants with a literal value (`BLOCK = 128`, `LOG2E: tl.constexpr = 1.4426`, `N = tl.constexpr(8)`). */
export function literalGlobals(text: string): Map<string, number | boolean> {
  const out = new Map<string, number | boolean>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z_]\w*)\s*(?::\s*[\w.]+\s*)?=\s*(?:(?:tl|triton\.language)\.constexpr\((.*)\)|(.*?))\s*(?:#.*)?$/.exec(line);
    if (!m) continue;
    const v = literalValue(m[2] ?? m[3] ?? "");
    if (v !== undefined) out.set(m[1]!, v);
  }
  return out;
}

/** The Triton scalar type of a host value: ints as i32 (Triton uses i64 only past 2^31), floats as fp32, bools as i1. */
export function tritonScalarType(value: number | boolean): string {
  if (typeof value === "boolean") return "i1";
  if (typeof value === "number" && !Number.isInteger(value)) return "fp32";
  if (typeof value === "number" && (value >= 2 ** 31 || value < -(2 ** 31))) return "i64";
  return "i32";
}

export interface TritonJobInput {
  readonly function: string;
  readonly config: Pick<TritonConfig, "constexprs" | "numWarps" | "numStages">;
  /** Known parameter types by name (`*fp16`, `i32`): from launches, directives, the analysis. */
  readonly paramTypes?: ReadonlyMap<string, string>;
}

/**
 * The compile job of one kernel and configuration for compute capability `arch` (90), or why none can be made (no
 * such @jit function, a constexpr with no value).
 */
export function tritonCompileJob(text: string, input: TritonJobInput, arch: number, functions: readonly PythonFunctionText[] = pythonFunctions(text)): TritonCompileJob | { readonly error: string } {
  const byName = new Map<string, PythonFunctionText>();
  for (const f of functions) if (f.jit && !byName.has(f.name)) byName.set(f.name, f);
  const kernel = byName.get(input.function);
  if (!kernel) return { error: `no @triton.jit function named ${input.function}` };
  // The kernel and every @jit function its code names, transitively.
  const sources: PythonFunctionText[] = [];
  const seen = new Set<string>();
  const queue = [kernel];
  while (queue.length > 0) {
    const f = queue.shift()!;
    if (seen.has(f.name)) continue;
    seen.add(f.name);
    sources.push(f);
    for (const m of f.text.matchAll(/(?<![.\w])([A-Za-z_]\w*)\s*\(/g)) {
      const callee = byName.get(m[1]!);
      if (callee && !seen.has(callee.name)) queue.push(callee);
    }
  }
  const body = sources.map((s) => s.text).join("\n");
  const globals: Record<string, number | boolean> = {};
  for (const [name, value] of literalGlobals(text)) if (!byName.has(name) && new RegExp(`(?<![.\\w])${name}\\b`).test(body)) globals[name] = value;

  const given = new Map(input.config.constexprs.map((c) => [c.name, c.value]));
  const signature: Record<string, string> = {};
  const constexprs: Record<string, number | boolean | string> = {};
  const assumed: string[] = [];
  for (const p of kernel.params) {
    const value = given.get(p.name);
    if (p.constexpr || value !== undefined) {
      const v = value ?? (p.defaultText !== undefined ? literalValue(p.defaultText) : undefined);
      if (v === undefined) return { error: `constexpr ${p.name} of ${kernel.name} has no value in this configuration` };
      signature[p.name] = "constexpr";
      constexprs[p.name] = v;
      continue;
    }
    const known = input.paramTypes?.get(p.name);
    if (known) signature[p.name] = known;
    else if (/ptr|pointer/i.test(p.name) || new RegExp(`tl\\.(?:load|store|atomic_\\w+)\\(\\s*${p.name}\\b`).test(kernel.text)) {
      signature[p.name] = "*fp32";
      assumed.push(`${p.name}: *fp32`);
    } else {
      signature[p.name] = "i32";
      assumed.push(`${p.name}: i32`);
    }
  }
  return {
    function: kernel.name,
    configKey: configKey(input.config),
    request: {
      kernel: kernel.name,
      // Each as a @jit function again (its decorators were not cut out with it): helpers must be JIT functions too.
      sources: sources.map((s) => `${" ".repeat(indentOf(s.text))}@triton.jit\n${s.text}`),
      imports: tritonImports(text),
      globals,
      signature,
      constexprs,
      numWarps: input.config.numWarps,
      numStages: input.config.numStages,
      target: { backend: "cuda", arch, warpSize: 32 },
    },
    assumed,
  };
}

/** `9.0` -> 90; null for a device with no CUDA compute capability. */
export function cudaArch(computeCapability: string | undefined): number | null {
  const m = computeCapability ? /^(\d+)\.(\d+)$/.exec(computeCapability) : null;
  return m ? Number(m[1]) * 10 + Number(m[2]) : null;
}
