// What a measurement of one variant depends on, as canonical text: the sweep cache hashes it into its key.
//
// Pure. Two variants with the same fingerprint compile to the same shader and run with the same launch, so a
// measurement of one stands for the other: comments, blank lines and spacing do not count, nor do declarations the
// entry point never reaches (another kernel in the file, an unused helper), nor the `// @sweep` lines (adding a value
// to a sweep must not invalidate the points already measured). What counts: the tokens of the preprocessed WGSL the
// entry reaches (overrides, structs, bindings, functions, transitively; `enable`/`requires`/`diagnostic` and
// `const_assert` always), and the text of every other launch directive in force for the entry.
import type { Decl } from "../wgsl/ast";
import { tokenize } from "../wgsl/lexer";
import type { WgslSource } from "../analysis/sourceTypes";
import { launchOfEntry } from "../analysis/kernelAnalysis";

export type FingerprintSource = WgslSource;

function declName(d: Decl): string | undefined {
  return "name" in d && d.name && typeof d.name === "object" && "name" in d.name ? d.name.name : undefined;
}

/** The tokens of `text[start, end)` joined by single spaces, plus the identifiers among them. */
function tokensOf(text: string, start: number, end: number): { spelled: string; names: Set<string> } {
  const slice = text.slice(start, end);
  const stream = tokenize(slice);
  const parts: string[] = [];
  const names = new Set<string>();
  // The last token is Eof.
  for (let i = 0; i < stream.count - 1; i++) {
    parts.push(slice.slice(stream.starts[i], stream.ends[i]));
    const name = stream.names[i];
    if (name !== undefined) names.add(name);
  }
  return { spelled: parts.join(" "), names };
}

/**
 * The canonical text of what running `entry` of this (substituted, analysed) variant depends on. The caller adds
 * the parameters, the adapter and the run settings before hashing.
 */
export function variantFingerprint(source: FingerprintSource, entry: string): string {
  const wgsl = source.pre.text;
  const decls = source.module.decls.map((d) => ({ decl: d, name: declName(d), ...tokensOf(wgsl, d.span.start, d.span.end) }));
  const byName = new Map<string, number[]>();
  decls.forEach((d, i) => {
    if (d.name !== undefined) byName.set(d.name, [...(byName.get(d.name) ?? []), i]);
  });
  const keep = new Set<number>();
  const queue: number[] = [];
  decls.forEach((d, i) => {
    const always = d.decl.kind === "enable" || d.decl.kind === "requires" || d.decl.kind === "diagnostic" || d.decl.kind === "const_assert";
    if (always || (d.decl.kind === "function" && d.name === entry)) {
      keep.add(i);
      queue.push(i);
    }
  });
  while (queue.length > 0) {
    const i = queue.pop()!;
    for (const name of decls[i]!.names) {
      for (const j of byName.get(name) ?? []) {
        if (keep.has(j)) continue;
        keep.add(j);
        queue.push(j);
      }
    }
  }
  const code = decls.filter((_d, i) => keep.has(i)).map((d) => d.spelled);

  const directives = launchOfEntry(source, entry).directives
    .filter((d) => d.kind !== "sweep")
    .map((d) => `@${source.text.slice(d.span.start, d.span.end).replace(/^\s*\/\/\s*@?/, "").replace(/\s+/g, " ").trim()}`);
  return ["wgsl", ...code, "directives", ...directives].join("\n");
}
