// A C-like preprocessor for WGSL kernel libraries: #define/#undef, #if/#ifdef/#ifndef/#elif/#else/#endif, #include.
//
// WGSL has no preprocessor, but real kernel libraries (llama.cpp's WebGPU shaders among them) generate variants with
// one. We expand the variant chosen by `// @define` lines (or a setting), keep a SourceMap from every expanded
// offset back to its file, and report problems at the directive that caused them. Reading included files is I/O,
// so it is injected through `resolveInclude`; this module stays pure.
import type { Span } from "../wgsl/ast";
import { SourceMap, SourceMapBuilder } from "./sourceMap";
import { evaluateCondition } from "./condition";

/**
 * An included file's key (how diagnostics name it) and text, or why it cannot be included: `code` is the diagnostic's
 * code (default `preprocessor-include`; `preprocessor-include-outside` for a file outside the workspace).
 */
export type IncludeResolution = { readonly key: string; readonly text: string } | { readonly error: string; readonly code?: string };

export interface PreprocessOptions {
  /** Defines of the variant, `NAME` or `NAME=value`. */
  readonly defines: readonly string[];
  /** Finds `#include "path"` relative to the including file (key "" is the main file). */
  readonly resolveInclude?: (path: string, fromKey: string) => IncludeResolution;
  readonly maxIncludeDepth?: number;
}

export interface PreprocessProblem {
  readonly severity: "error" | "warning";
  readonly code: string;
  readonly message: string;
  /** Where in the main file to show it: the directive itself, or the top-level #include that led to it. */
  readonly span: Span;
  /** For problems inside an included file: that file and the directive's span in it. */
  readonly inFile?: { readonly key: string; readonly span: Span };
}

export interface PreprocessResult {
  readonly text: string;
  readonly map: SourceMap;
  readonly problems: readonly PreprocessProblem[];
  /** Defines in force at the end of the main file, as NAME or NAME=value. */
  readonly defines: readonly string[];
  /** Every included file key, in first-inclusion order. */
  readonly includes: readonly string[];
  /** For each included file: the span of the top-level `#include` in the main file that brought it in. */
  readonly includeSites: ReadonlyMap<string, Span>;
  /** Regions of the main file excluded by conditionals, for dimming. */
  readonly inactive: readonly Span[];
  /** Texts of the included files by key, so diagnostics can be shown with their lines. */
  readonly includedTexts: ReadonlyMap<string, string>;
  /** False when the text had no preprocessor lines: then `text` is the input and `map` the identity. */
  readonly expanded: boolean;
}

const DIRECTIVE = /^[ \t]*#[ \t]*([A-Za-z_]\w*)?(.*)$/;
const HAS_DIRECTIVE = /^[ \t]*#/m;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

interface Frame {
  /** Whether lines in the current branch are emitted. */
  active: boolean;
  /** Whether some branch of this #if has already been taken. */
  taken: boolean;
  /** Whether the enclosing region is active (a nested #if inside an inactive region never activates). */
  parentActive: boolean;
  elseSeen: boolean;
  span: Span;
  file: string;
}

function parseDefine(def: string): [string, string] {
  const eq = def.indexOf("=");
  return eq < 0 ? [def.trim(), ""] : [def.slice(0, eq).trim(), def.slice(eq + 1).trim()];
}

export function hasPreprocessorLines(text: string): boolean {
  return HAS_DIRECTIVE.test(text);
}

/**
 * Host-code templates (gpu.cpp's `{{precision}}`, `{{workgroupSize}}`) name their placeholders in double braces: the
 * braces become spaces (offsets stay as written) so each placeholder is a macro name a `// @define` can fill, and
 * one that nothing fills is said once, at its first use.
 */
function templatePlaceholders(text: string, defines: ReadonlyMap<string, string>): { text: string; problems: PreprocessProblem[] } {
  if (!text.includes("{{")) return { text, problems: [] };
  const problems: PreprocessProblem[] = [];
  const said = new Set<string>();
  const out = text.replace(/\{\{(\s*)([A-Za-z_]\w*)(\s*)\}\}/g, (whole, before: string, name: string, after: string, at: number) => {
    if (!defines.has(name) && !said.has(name)) {
      said.add(name);
      problems.push({
        severity: "warning",
        code: "template-placeholder",
        message: `'{{${name}}}' is a template placeholder the host code fills in: give it a value with // @define ${name}=VALUE (e.g. ${/size|count|dim|^[A-Z]$/i.test(name) ? "256" : "f32"}) to analyse this variant`,
        span: { start: at, end: at + whole.length },
      });
    }
    return `  ${before}${name}${after}  `;
  });
  return { text: out, problems };
}

export function preprocess(source: string, options: PreprocessOptions): PreprocessResult {
  const defines = new Map<string, string>();
  for (const d of options.defines) {
    const [name, value] = parseDefine(d);
    if (/^[A-Za-z_]\w*$/.test(name)) defines.set(name, value);
  }
  const templated = templatePlaceholders(source, defines);
  const text = templated.text;
  // Without preprocessor lines the text is used as it is, unless a define with a value (`// @define TM=2`) may need
  // substituting into the code.
  if (!hasPreprocessorLines(text) && ![...defines.values()].some((v) => v !== "")) {
    return {
      text,
      map: SourceMap.identity(text.length),
      problems: templated.problems,
      defines: [...defines].map(([k, v]) => (v ? `${k}=${v}` : k)),
      includes: [],
      includeSites: new Map(),
      inactive: [],
      includedTexts: new Map(),
      expanded: false,
    };
  }

  const out = new SourceMapBuilder();
  const problems: PreprocessProblem[] = [...templated.problems];
  const includes: string[] = [];
  const includeSites = new Map<string, Span>();
  const includedTexts = new Map<string, string>();
  const inactive: Span[] = [];
  const maxDepth = options.maxIncludeDepth ?? 32;

  const report = (severity: "error" | "warning", code: string, message: string, file: string, span: Span, site: Span | undefined): void => {
    if (file === "") problems.push({ severity, code, message, span });
    else problems.push({ severity, code, message, span: site ?? { start: 0, end: 0 }, inFile: { key: file, span } });
  };

  /** Expands object-like macros in one line of code; recursion is bounded and a macro never expands inside itself. */
  const expandLine = (line: string, file: string, lineStart: number): void => {
    if (defines.size === 0) {
      out.copy(line, file, lineStart);
      return;
    }
    // Text after `//` is a comment: leave it alone so directives and notes read as written.
    const commentAt = line.indexOf("//");
    const code = commentAt < 0 ? line : line.slice(0, commentAt);
    let last = 0;
    // A regex of its own: expandValue's String.replace resets the shared one's lastIndex.
    const ident = new RegExp(IDENT.source, "g");
    for (let m = ident.exec(code); m; m = ident.exec(code)) {
      const name = m[0];
      const value = defines.get(name);
      if (value === undefined || value === "") continue;
      out.copy(code.slice(last, m.index), file, lineStart + last);
      out.replace(expandValue(value, new Set([name]), 0), file, lineStart + m.index, lineStart + m.index + name.length);
      last = m.index + name.length;
    }
    out.copy(line.slice(last), file, lineStart + last);
  };

  const expandValue = (value: string, seen: Set<string>, depth: number): string => {
    if (depth > 16) return value;
    return value.replace(IDENT, (name) => {
      const v = defines.get(name);
      if (v === undefined || v === "" || seen.has(name)) return name;
      return expandValue(v, new Set([...seen, name]), depth + 1);
    });
  };

  const processFile = (src: string, file: string, site: Span | undefined, stack: readonly string[]): void => {
    const frames: Frame[] = [];
    const isActive = (): boolean => frames.length === 0 || frames[frames.length - 1].active;
    let inactiveStart = -1;
    let pos = 0;
    while (pos <= src.length) {
      let nl = src.indexOf("\n", pos);
      if (nl < 0) nl = src.length;
      const line = src.slice(pos, nl);
      const newline = nl < src.length ? "\n" : "";
      const lineSpan = { start: pos, end: nl };
      const m = DIRECTIVE.exec(line);
      const activeBefore = isActive();
      if (m) {
        const name = m[1] ?? "";
        const rest = (m[2] ?? "").replace(/\/\/.*$/, "").trim();
        const at = (): Span => lineSpan;
        switch (name) {
          case "ifdef":
          case "ifndef": {
            const ident = rest.split(/\s+/)[0] ?? "";
            if (!/^[A-Za-z_]\w*$/.test(ident)) report("error", "preprocessor-syntax", `#${name} needs a macro name`, file, at(), site);
            const cond = name === "ifdef" ? defines.has(ident) : !defines.has(ident);
            frames.push({ active: activeBefore && cond, taken: cond, parentActive: activeBefore, elseSeen: false, span: at(), file });
            break;
          }
          case "if": {
            const res = evaluateCondition(rest, defines);
            if (res.error) report("error", "preprocessor-syntax", `#if: ${res.error}`, file, at(), site);
            const cond = res.value !== 0;
            frames.push({ active: activeBefore && cond, taken: cond, parentActive: activeBefore, elseSeen: false, span: at(), file });
            break;
          }
          case "elif": {
            const top = frames[frames.length - 1];
            if (!top) {
              report("error", "preprocessor-syntax", "#elif without #if", file, at(), site);
              break;
            }
            if (top.elseSeen) report("error", "preprocessor-syntax", "#elif after #else", file, at(), site);
            const res = evaluateCondition(rest, defines);
            if (res.error) report("error", "preprocessor-syntax", `#elif: ${res.error}`, file, at(), site);
            const cond = !top.taken && res.value !== 0;
            top.active = top.parentActive && cond;
            top.taken = top.taken || cond;
            break;
          }
          case "else": {
            const top = frames[frames.length - 1];
            if (!top) {
              report("error", "preprocessor-syntax", "#else without #if", file, at(), site);
              break;
            }
            if (top.elseSeen) report("error", "preprocessor-syntax", "second #else for the same #if", file, at(), site);
            top.elseSeen = true;
            top.active = top.parentActive && !top.taken;
            top.taken = true;
            break;
          }
          case "endif":
            if (!frames.pop()) report("error", "preprocessor-syntax", "#endif without #if", file, at(), site);
            break;
          case "define":
            if (activeBefore) {
              const dm = /^([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)$/.exec(rest);
              if (!dm) report("error", "preprocessor-syntax", "#define needs a macro name", file, at(), site);
              else if (dm[2]) report("warning", "preprocessor-unsupported", `function-like macro '${dm[1]}' is not expanded by KernelLens`, file, at(), site);
              else defines.set(dm[1], dm[3].trim());
            }
            break;
          case "undef":
            if (activeBefore) defines.delete(rest.split(/\s+/)[0] ?? "");
            break;
          case "include":
            if (activeBefore) {
              const im = /^(?:"([^"]+)"|<([^>]+)>)$/.exec(rest);
              const topSite = site ?? lineSpan;
              if (!im) {
                report("error", "preprocessor-syntax", '#include needs a file name in quotes: #include "file.wgsl"', file, at(), site);
              } else {
                const path = im[1] ?? im[2];
                const resolved = options.resolveInclude?.(path, file) ?? { error: "includes cannot be resolved here" };
                if ("error" in resolved) {
                  report("error", resolved.code ?? "preprocessor-include", `cannot include '${path}': ${resolved.error}`, file, at(), site);
                } else if (stack.includes(resolved.key)) {
                  report("error", "preprocessor-include", `include cycle: ${[...stack, resolved.key].map((k) => k || "this file").join(" -> ")}`, file, at(), site);
                } else if (stack.length >= maxDepth) {
                  report("error", "preprocessor-include", `includes nested deeper than ${maxDepth}`, file, at(), site);
                } else {
                  if (!includeSites.has(resolved.key)) {
                    includes.push(resolved.key);
                    includeSites.set(resolved.key, topSite);
                    includedTexts.set(resolved.key, resolved.text);
                  }
                  processFile(resolved.text, resolved.key, topSite, [...stack, resolved.key]);
                  // The included text may not end with a newline; keep this file's next line on its own line.
                  if (resolved.text.length > 0 && !resolved.text.endsWith("\n")) out.replace("\n", file, lineSpan.start, lineSpan.end);
                }
              }
            }
            break;
          case "pragma":
          case "error":
          case "warning":
          case "line":
            if (name === "error" && activeBefore) report("error", "preprocessor-error", `#error ${rest}`, file, at(), site);
            break;
          default:
            if (activeBefore) report("error", "preprocessor-syntax", `unknown preprocessor directive '#${name}'`, file, at(), site);
        }
        // The directive line itself becomes an empty line in the output.
        if (newline) out.copy(newline, file, nl);
      } else if (activeBefore) {
        expandLine(line, file, pos);
        if (newline) out.copy(newline, file, nl);
      } else if (newline) {
        out.copy(newline, file, nl);
      }
      // Track inactive regions of the main file for dimming.
      if (file === "") {
        const activeAfter = isActive();
        if (!activeAfter && inactiveStart < 0) inactiveStart = nl + 1;
        if (activeAfter && inactiveStart >= 0) {
          if (pos > inactiveStart) inactive.push({ start: inactiveStart, end: pos - 1 });
          inactiveStart = -1;
        }
      }
      if (nl >= src.length) break;
      pos = nl + 1;
    }
    for (const f of frames) {
      report("error", "preprocessor-syntax", "#if/#ifdef without a matching #endif", f.file, f.span, site);
    }
    if (file === "" && inactiveStart >= 0 && inactiveStart < src.length) inactive.push({ start: inactiveStart, end: src.length });
  };

  processFile(text, "", undefined, [""]);
  const { text: expandedText, map } = out.finish();
  return {
    text: expandedText,
    map,
    problems,
    defines: [...defines].map(([k, v]) => (v ? `${k}=${v}` : k)),
    includes,
    includeSites,
    inactive,
    includedTexts,
    expanded: true,
  };
}
