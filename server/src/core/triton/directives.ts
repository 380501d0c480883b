// The `# @` directives of Python files: the vocabulary of WGSL's and CUDA's `// @` lines (`# @let N = 4096`,
// `# @arg n = 4096`, `# @grid ...`), plus two of Triton's own: `# @arg x_ptr: *fp16` (a pointer parameter's element
// type, which Python code never states) and `# @config BLOCK_SIZE=1024, num_warps=4` (a configuration to analyse).
//
// The shared lines are parsed by the shared parser on a copy of the text in which everything but those comment lines
// is blanked (offsets kept) and their `# ` is written `//`; Python's own `//` (floor division) never reaches it.
import type { CoreDiagnostic } from "../diagnostic";
import { type Directive, parseDirectives } from "../directives/directives";
import type { Span } from "../span";
import { dtypeName } from "./dtypes";

export interface ConfigDirective {
  readonly values: ReadonlyMap<string, number | boolean | string>;
  readonly numWarps?: number;
  readonly numStages?: number;
  readonly span: Span;
}

export interface PointerTypeDirective {
  readonly name: string;
  readonly dtype: string;
  readonly span: Span;
}

export interface PythonDirectives {
  readonly directives: readonly Directive[];
  readonly configs: readonly ConfigDirective[];
  readonly pointerTypes: readonly PointerTypeDirective[];
  readonly problems: readonly CoreDiagnostic[];
}

const LINE = /^([ \t]*)#[ \t]?@([A-Za-z_]\w*)(.*)$/;

export function parsePythonDirectives(text: string): PythonDirectives {
  // Most Python files have no directive line: nothing to build.
  if (!/^[ \t]*#[ \t]?@[A-Za-z_]/m.test(text)) return { directives: [], configs: [], pointerTypes: [], problems: [] };
  const configs: ConfigDirective[] = [];
  const pointerTypes: PointerTypeDirective[] = [];
  const problems: CoreDiagnostic[] = [];
  // The shared parser's text: each line blanked (same length) unless it is a shared directive line.
  const shared: string[] = [];
  let any = false;
  let pos = 0;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    const m = LINE.exec(line);
    const blank = raw.replace(/[^\n\r]/g, " ");
    let copy = blank;
    if (m) {
      const keyword = m[2];
      const bodyStart = pos + line.length - m[3].length;
      const span = { start: pos + m[1].length, end: pos + line.length };
      const typed = /^[ \t]+([A-Za-z_]\w*)[ \t]*:[ \t]*(\S+)[ \t]*$/.exec(m[3]);
      if (keyword === "config") {
        const parsed = parseConfig(m[3], bodyStart);
        if ("message" in parsed) problems.push({ severity: "error", code: "directive-syntax", message: `@config: ${parsed.message}. Expected: # @config NAME=VALUE, ..., num_warps=4, num_stages=3`, span: parsed.span, source: "kernellens" });
        else configs.push({ ...parsed, span });
      } else if (keyword === "arg" && typed) {
        const dtype = dtypeName(typed[2]);
        if (!dtype || !typed[2].startsWith("*")) {
          const at = bodyStart + m[3].indexOf(typed[2]);
          problems.push({ severity: "error", code: "directive-syntax", message: `@arg: '${typed[2]}' is not a pointer type such as *fp16, *bf16, *fp32, *int8`, span: { start: at, end: at + typed[2].length }, source: "kernellens" });
        } else pointerTypes.push({ name: typed[1], dtype, span });
      } else {
        const hash = line.indexOf("#");
        // `# @let` -> `//@let`: the same length, so the shared parser's spans are the file's.
        copy = " ".repeat(hash) + "//" + line.slice(hash + 2) + raw.slice(line.length);
        if (line[hash + 1] === "@") copy = hash > 0 ? " ".repeat(hash - 1) + "//" + line.slice(hash + 1) + raw.slice(line.length) : blank;
        any ||= copy !== blank;
      }
    }
    shared.push(copy);
    pos += raw.length;
    if (pos < text.length) pos++;
  }
  const parsed = any ? parseDirectives(shared.join("\n")) : { directives: [], problems: [] };
  return { directives: parsed.directives, configs, pointerTypes, problems: [...problems, ...parsed.problems.map((p) => ({ ...p, message: p.message.replace(/\/\/ @/g, "# @") }))] };
}

function parseConfig(body: string, at: number): Omit<ConfigDirective, "span"> | { message: string; span: Span } {
  const values = new Map<string, number | boolean | string>();
  let numWarps: number | undefined, numStages: number | undefined;
  const re = /([A-Za-z_]\w*)[ \t]*=[ \t]*([^,\s]+)/g;
  let m: RegExpExecArray | null;
  let seen = 0;
  while ((m = re.exec(body))) {
    seen++;
    const [, name, raw] = m;
    const value: number | boolean | string = raw === "True" || raw === "true" ? true : raw === "False" || raw === "false" ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw.replace(/^["']|["']$/g, "");
    if (name === "num_warps" || name === "num_stages") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1) return { message: `${name} must be a positive integer`, span: { start: at + m.index, end: at + m.index + m[0].length } };
      if (name === "num_warps") numWarps = value;
      else numStages = value;
    } else values.set(name, value);
  }
  if (seen === 0) return { message: "expected NAME=VALUE pairs", span: { start: at, end: at + Math.max(1, body.length) } };
  return { values, ...(numWarps !== undefined ? { numWarps } : {}), ...(numStages !== undefined ? { numStages } : {}) };
}
