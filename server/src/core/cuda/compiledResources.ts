// Matching the compiler's kernels to the analysed ones: ptxas reports each kernel (each template instantiation) by
// its mangled name, demangled by the adapter (`void reduce<256>(float const*, float*, int)`,
// `sgemm(int, int, int, float const*, float*)`); the analysis names a kernel by its function and the template
// arguments of the instantiation (`reduce` with `256`). Pure: no compiler runs here, and nothing throws on bad input.
import type { ExactResources } from "../model/analyzeKernel";

/** One kernel as the compiler reported it (a subset of the adapter's CudaKernelResources). */
export interface CompiledKernel {
  /** The demangled name (or the name itself for `extern "C"` kernels). */
  readonly demangled: string;
  readonly registers: number | null;
  /** Static `__shared__` memory, bytes. */
  readonly sharedMemoryBytes: number | null;
  /** Per thread: the stack frame, spill stores and spill loads, bytes; named barriers (`used N barriers`). */
  readonly stackBytes?: number | null;
  readonly spillStoreBytes?: number | null;
  readonly spillLoadBytes?: number | null;
  readonly barriers?: number | null;
}

/** A demangled name split into its unqualified function name and its template arguments (`null` when not a template). */
export interface DemangledName {
  readonly name: string;
  readonly templateArgs: readonly string[] | null;
}

/** Splits `text` at top-level commas (outside <>, (), []). */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of text) {
    if (c === "<" || c === "(" || c === "[") depth++;
    else if (c === ">" || c === ")" || c === "]") depth = Math.max(0, depth - 1);
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  if (cur.trim() !== "" || out.length > 0) out.push(cur.trim());
  return out;
}

/** The function name and template arguments of a demangled kernel name; `null` when it cannot be read. */
export function parseDemangledName(demangled: string): DemangledName | null {
  if (typeof demangled !== "string" || demangled.length === 0 || demangled.length > 100_000) return null;
  const s = demangled.replace(/\(anonymous namespace\)::/g, "").trim();
  // The parameter list: the last top-level parenthesis group (none for `extern "C"` names).
  let end = s.length;
  if (s.endsWith(")")) {
    let depth = 0;
    for (let i = s.length - 1; i >= 0; i--) {
      const c = s[i];
      if (c === ")") depth++;
      else if (c === "(") {
        depth--;
        if (depth === 0) {
          end = i;
          break;
        }
      }
    }
  }
  let head = s.slice(0, end).trim();
  // Template arguments: the trailing <...> group.
  let templateArgs: string[] | null = null;
  if (head.endsWith(">")) {
    let depth = 0;
    for (let i = head.length - 1; i >= 0; i--) {
      const c = head[i];
      if (c === ">") depth++;
      else if (c === "<") {
        depth--;
        if (depth === 0) {
          templateArgs = splitTopLevel(head.slice(i + 1, head.length - 1));
          head = head.slice(0, i).trim();
          break;
        }
      }
    }
  }
  // The return type of a template (`void `) and namespaces or classes (`ns::`) go.
  const lastSpace = head.lastIndexOf(" ");
  if (lastSpace >= 0) head = head.slice(lastSpace + 1);
  const colons = head.lastIndexOf("::");
  if (colons >= 0) head = head.slice(colons + 2);
  if (!/^[A-Za-z_]\w*$/.test(head)) return null;
  return { name: head, templateArgs };
}

/** A template argument in a comparable form: blanks, integer suffixes and casts to integer types dropped. */
function normalArg(arg: string): string {
  let a = arg.replace(/\s+/g, "");
  a = a.replace(/^\((?:unsigned|signed|int|long|short|char|bool|size_t|unsignedint|unsignedlong|longlong|unsignedlonglong)+\)/, "");
  if (/^[-+]?(0x[0-9a-f]+|\d+)[ul]*$/i.test(a)) {
    const n = Number(a.replace(/[ul]+$/i, ""));
    if (Number.isFinite(n)) return String(n);
  }
  if (a === "true") return "1";
  if (a === "false") return "0";
  return a;
}

/**
 * The compiled kernel that is the analysed kernel `fn` with `templateArgs` (empty for a plain function): the same
 * function name and, for a template, the same arguments. A plain function matches only when exactly one compiled
 * kernel has its name (overloads are ambiguous); `undefined` when none matches.
 */
export function findCompiledKernel<K extends CompiledKernel>(fn: string, templateArgs: readonly string[], compiled: readonly K[] | undefined): K | undefined {
  if (!Array.isArray(compiled) || typeof fn !== "string") return undefined;
  const named = compiled.filter((k) => k && parseDemangledName(k.demangled)?.name === fn);
  if (templateArgs.length === 0) {
    const plain = named.filter((k) => parseDemangledName(k.demangled)?.templateArgs === null);
    return plain.length === 1 ? plain[0] : undefined;
  }
  const want = templateArgs.map(normalArg);
  const hits = named.filter((k) => {
    const args = parseDemangledName(k.demangled)?.templateArgs;
    return !!args && args.length === want.length && args.every((a, i) => normalArg(a) === want[i]);
  });
  return hits.length === 1 ? hits[0] : undefined;
}

/** The model's exact-resources input for a matched compiled kernel. */
export function exactResourcesOf(k: CompiledKernel | undefined): ExactResources | undefined {
  if (!k) return undefined;
  const known = (x: number | null | undefined): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;
  return {
    registers: k.registers,
    staticSharedBytes: k.sharedMemoryBytes ?? (k.registers !== null ? 0 : null),
    source: "ptxas",
    ...(known(k.spillStoreBytes) ? { spillStoreBytes: k.spillStoreBytes } : {}),
    ...(known(k.spillLoadBytes) ? { spillLoadBytes: k.spillLoadBytes } : {}),
    ...(known(k.stackBytes) ? { stackBytes: k.stackBytes } : {}),
    ...(known(k.barriers) ? { barriers: k.barriers } : {}),
  };
}
