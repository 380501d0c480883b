// Hover: the type of a declaration, documentation for WGSL builtins, and what a launch directive means and evaluates to.
import { type Hover, MarkupKind, type Position } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { SourceAnalysis } from "../core/analysis/sourceAnalysis";
import { directiveKeywords, type Directive } from "../core/directives/directives";
import { evaluateLaunch } from "../core/directives/launch";
import { numericDefines, overrideDefaults } from "../core/analysis/directiveChecks";
import type { Span } from "../core/wgsl/ast";
import { builtinHoverMarkdown, type BuiltinHoverContext } from "../core/wgsl/builtinDocs";
import type { Resolution, WgslSymbol } from "../core/wgsl/resolve";
import { sizeOf, alignOf, typeToString } from "../core/wgsl/types";
import { spanToRange } from "./convert";
import { toOriginalSpan } from "../core/preprocess/originalSpan";
import { boundResources } from "../core/analysis/kernels";
import { kernelVerdict } from "./kernelHover";
import { accessHover, kernelBreakdown } from "./modelViews";
import { modelledWgsl } from "./modelledSource";
import { analysedOffset, locationOf, wordAt } from "./positions";

export function resolutionOf(source: SourceAnalysis): Resolution {
  return source.resolution;
}

function markdown(value: string, range?: ReturnType<typeof spanToRange>): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

function fence(code: string): string {
  return "```wgsl\n" + code + "\n```";
}

/** A one-line WGSL-style summary of a declaration with its type, for the hover's code block. */
export function describeSymbol(source: SourceAnalysis, resolution: Resolution, s: WgslSymbol): string {
  const text = source.pre.text;
  const slice = (span: Span): string => text.slice(span.start, span.end);
  const type = resolution.types.typeOfDeclaration(s);
  const typeText = type.kind === "unknown" ? "?" : typeToString(type);
  switch (s.kind) {
    case "var":
    case "local-var": {
      const va = s.varAttributes;
      const where = va && (va.group !== null || va.binding !== null) ? `@group(${va.group ?? "?"}) @binding(${va.binding ?? "?"})\n` : "";
      const tmpl = va && va.addressSpaceWritten ? `<${va.addressSpace}${va.accessModeWritten ? `, ${va.accessMode}` : ""}>` : "";
      return `${where}var${tmpl} ${s.name}: ${typeText}`;
    }
    case "let":
    case "const":
    case "override": {
      const decl = s.decl as { init?: { span: Span } };
      const init = decl.init && slice(decl.init.span).length <= 60 ? ` = ${slice(decl.init.span)}` : "";
      return `${s.kind} ${s.name}: ${typeText}${init}`;
    }
    case "param":
      return `${s.container ? `// parameter of ${s.container}\n` : ""}${s.name}: ${typeText}`;
    case "member": {
      const size = sizeOf(type);
      return `${s.container ? `${s.container}.` : ""}${s.name}: ${typeText}${size !== null ? `  // size ${size}, align ${alignOf(type)}` : ""}`;
    }
    case "struct": {
      const members = s.members.map((m) => {
        const mt = resolution.types.typeOfDeclaration(m);
        return `  ${m.name}: ${mt.kind === "unknown" ? "?" : typeToString(mt)},`;
      });
      const size = sizeOf(type);
      return `struct ${s.name} {\n${members.join("\n")}\n}${size !== null ? `  // size ${size}, align ${alignOf(type)}` : ""}`;
    }
    case "alias":
      return `alias ${s.name} = ${typeText}`;
    case "function": {
      const fn = s.decl as { params: readonly { name: { name: string }; type: { span: Span } }[]; returnType?: { span: Span } };
      const params = fn.params.map((p) => `${p.name.name}: ${slice(p.type.span)}`).join(", ");
      return `fn ${s.name}(${params})${fn.returnType ? ` -> ${slice(fn.returnType.span)}` : ""}`;
    }
  }
}

function directiveHover(source: SourceAnalysis, offset: number): { md: string; span: Span } | undefined {
  const d = source.directives.find((x) => offset >= x.span.start && offset <= x.span.end);
  if (!d) return undefined;
  const info = directiveKeywords[d.kind];
  if (offset >= d.keywordSpan.start && offset <= d.keywordSpan.end) {
    // The keyword as the user wrote it (`@grid` is `@dispatch`'s other name): the syntax is quoted in their words.
    const written = source.text.slice(d.keywordSpan.start, d.keywordSpan.end);
    const syntax = /^@\w+$/.test(written) ? info.syntax.replace(`@${d.kind}`, written) : info.syntax;
    const alias = written !== `@${d.kind}` && /^@\w+$/.test(written) ? `\n\n\`${written}\` is another name for \`@${d.kind}\`.` : "";
    return { md: `${fence(syntax)}\n\n${info.doc}${alias}`, span: d.keywordSpan };
  }
  // A name inside a directive: show the value it has for this file's launch.
  const word = wordAt(source.text, offset);
  if (!word) return undefined;
  const launch = evaluateLaunch(source.directives.filter((x: Directive) => x.span.start <= d.span.start), overrideDefaults(source.resolution), new Map(), numericDefines(source.pre.defines));
  const value = launch.env.get(word.word);
  if (value !== undefined) return { md: `${fence(`${word.word} = ${value.toLocaleString("en-US")}`)}\n\nValue in this file's launch configuration.`, span: word.span };
  return undefined;
}

export function hover(doc: TextDocument, source: SourceAnalysis, position: Position): Hover | null {
  const original = doc.offsetAt(position);
  const dir = directiveHover(source, original);
  if (dir) return markdown(dir.md, spanToRange(doc, dir.span));

  const offset = analysedOffset(doc, source, position);
  if (offset === undefined) return null;
  const resolution = resolutionOf(source);
  const ref = resolution.referenceAt(offset);
  const symbol = ref?.symbol ?? resolution.symbolAt(offset);
  const rangeOf = (span: Span): ReturnType<typeof spanToRange> | undefined => {
    const loc = locationOf(doc, source, span);
    return loc.uri === doc.uri ? loc.range : undefined;
  };
  if (symbol) {
    const modelled = modelledWgsl(source);
    const signature = fence(describeSymbol(source, resolution, symbol));
    const parts: string[] = [];
    const kernel = source.kernels.find((k) => k.name === symbol.name && symbol.kind === "function");
    if (kernel) {
      // An entry point: one line naming it, the model's verdict, then the signature and the breakdown behind it.
      const size = kernel.workgroupSize.value ? kernel.workgroupSize.value.join(" × ") : kernel.workgroupSize.text ?? "—";
      const bindings = boundResources(kernel.bindings).length;
      parts.push(`**@${kernel.stage} entry point \`${kernel.name}\`** · workgroup size ${size} · ${bindings} binding${bindings === 1 ? "" : "s"}`);
      const verdict = kernelVerdict(modelled, kernel.name);
      if (verdict) parts.push(verdict, "---");
      parts.push(signature);
      const breakdown = kernelBreakdown(modelled, kernel.name);
      if (breakdown) parts.push(breakdown);
    } else parts.push(signature);
    // A quantized binding: what was inferred, and from which lines.
    if (symbol.kind === "var") {
      for (const m of source.models.values()) {
        const q = m.quantization?.find((x) => x.binding === symbol.name);
        if (!q) continue;
        const lines = q.inferredFrom.map((e) => `- line ${doc.positionAt(toOriginalSpan(source.pre, e.span).span.start).line + 1}: ${e.reason}`);
        parts.push(`**Quantized:** ${q.format}, ${q.bitsPerElement} bits per element${q.groupSize ? `, groups of ${q.groupSize}` : ""}\n\n${lines.join("\n")}`);
        break;
      }
    }
    const access = accessHover(modelled, original);
    if (access) parts.push(access);
    const loc = locationOf(doc, source, symbol.nameSpan);
    if (loc.uri !== doc.uri) parts.push(`Declared in \`${decodeURIComponent(loc.uri.replace(/^file:\/\//, ""))}\`.`);
    return markdown(parts.join("\n\n"), ref ? rangeOf(ref.span) : rangeOf(symbol.nameSpan));
  }
  if (ref && ref.builtin) {
    const contexts: (BuiltinHoverContext | undefined)[] = ref.node.kind === "attribute" ? ["attribute"] : ref.builtin === "enumerant" ? ["addressSpace", "accessMode", undefined, "texelFormat"] : [undefined];
    for (const c of contexts) {
      const md = builtinHoverMarkdown(ref.name, c);
      if (md) return markdown(md, rangeOf(ref.span));
    }
  }
  // Words the resolver does not record (attribute names, enable extensions, builtin values in @builtin(...)).
  const word = wordAt(source.pre.text, offset);
  if (!word) return null;
  const before = source.pre.text.slice(Math.max(0, word.span.start - 40), word.span.start);
  const context: BuiltinHoverContext | undefined = /@\s*$/.test(before) ? "attribute" : /\b(enable|requires)\s+([\w,\s]*)$/.test(before) ? "extension" : undefined;
  const md = builtinHoverMarkdown(word.word, context) ?? (context ? undefined : builtinHoverMarkdown(word.word, "attribute"));
  return md ? markdown(md, rangeOf(word.span)) : null;
}
