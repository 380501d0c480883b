// Hover text of WGSL built-ins: markdown with the signature(s), the doc and, for functions, the cost in plain words.
import {
  accessModes,
  addressSpaces,
  attributes,
  builtinFunctions,
  builtinResultStructs,
  builtinTypes,
  builtinValues,
  enableExtensions,
  texelFormats,
  type BuiltinFunction,
  type BuiltinType,
  type BuiltinValue,
  type ShaderStage,
} from "./builtinCatalogue";
import { describeCost, plural } from "./builtinCosts";

// ---------------------------------------------------------------------------------------------------------------
// Hover markdown

function stagesText(stages: readonly ShaderStage[]): string {
  const text = `${stages.join(" and ")} shaders only`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function functionHover(fn: BuiltinFunction): string {
  const lines: string[] = ["```wgsl", ...fn.signatures, "```"];
  if (fn.typeParams) lines.push("", `*${fn.typeParams}*`);
  lines.push("", fn.doc);
  if (fn.params && fn.params.length > 0) {
    lines.push("");
    for (const p of fn.params) lines.push(`- \`${p.name}\`: ${p.doc}`);
  }
  const notes: string[] = [];
  if (fn.requires) notes.push(`Requires \`enable ${fn.requires};\``);
  if (fn.languageExtension) notes.push(`Language extension \`${fn.languageExtension}\``);
  if (fn.stages) notes.push(stagesText(fn.stages));
  if (fn.uniformity) notes.push(fn.uniformity === "workgroup" ? "Must be called in workgroup-uniform control flow" : `Must be called in uniform control flow (\`${fn.uniformity}_uniformity\`)`);
  if (notes.length > 0) lines.push("", `${notes.join(". ")}.`);
  lines.push("", `Cost: ${describeCost(fn.cost)}.${fn.costNote ? ` ${fn.costNote}` : ""}`);
  return lines.join("\n");
}

function typeHover(t: BuiltinType): string {
  const code =
    t.kind === "alias" && t.aliasOf
      ? `alias ${t.name} = ${t.aliasOf};`
      : t.kind === "struct" && t.members
        ? `struct ${t.name} {\n${t.members.map((m) => `  ${m.name}: ${m.type},`).join("\n")}\n}`
        : t.name;
  const lines = ["```wgsl", code, "```", "", t.doc];
  if (t.sizeBytes !== undefined && t.alignBytes !== undefined) lines.push("", `Size: ${t.sizeBytes} bytes, alignment: ${t.alignBytes} bytes.`);
  if (t.requires) lines.push("", `Requires \`enable ${t.requires};\``);
  return lines.join("\n");
}

function valueHover(v: BuiltinValue): string {
  const lines = ["```wgsl", `@builtin(${v.name}) ${v.name}: ${v.type}`, "```", "", v.doc, ""];
  lines.push(v.io.map((io) => `${io.stage} ${io.direction}`).join(", ") + ".");
  if (v.requires) lines.push("", `Requires \`enable ${v.requires};\``);
  if (v.languageExtension) lines.push("", `Language extension \`${v.languageExtension}\`.`);
  return lines.join("\n");
}

function namedHover(code: string, doc: string, extra?: string): string {
  return ["```wgsl", code, "```", "", doc, ...(extra ? ["", extra] : [])].join("\n");
}

/** Which table a hovered word belongs to, when the caller knows it from context. */
export type BuiltinHoverContext = "attribute" | "addressSpace" | "accessMode" | "extension" | "texelFormat";

/**
 * Markdown for a hover: a ```wgsl code block with the signature(s), then the doc, then a "Cost: ..." line in plain
 * words (functions). Without `context` it looks up functions, types and built-in values; with a context (the word
 * follows `@`, sits in `var<...>`, follows `enable` ...) it looks up that table.
 */
export function builtinHoverMarkdown(name: string, context?: BuiltinHoverContext): string | undefined {
  switch (context) {
    case "attribute": {
      const a = attributes.get(name);
      return a && namedHover(`@${a.snippet ? a.snippet.replace(/\$\{\d+[:|]([^}|,]*)[^}]*\}/g, "$1") : a.name}`, a.doc, a.requires ? `Requires \`enable ${a.requires};\`` : undefined);
    }
    case "addressSpace": {
      const s = addressSpaces.get(name);
      return s && namedHover(`var<${s.name}>`, s.doc);
    }
    case "accessMode": {
      const m = accessModes.get(name);
      return m && namedHover(m.name, m.doc);
    }
    case "extension": {
      const e = enableExtensions.get(name);
      return e && namedHover(`${e.kind === "enable" ? "enable" : "requires"} ${e.name};`, e.doc, e.feature ? `Device feature: \`${e.feature}\`.` : "Language extension: available without `enable` where the implementation supports it.");
    }
    case "texelFormat": {
      const f = texelFormats.get(name);
      return f && namedHover(f.name, f.doc, `Channels: ${f.channelType}; ${plural(f.bytesPerTexel, "byte")} per texel.`);
    }
    case undefined:
      break;
  }
  const fn = builtinFunctions.get(name);
  if (fn) return functionHover(fn);
  const type = builtinTypes.get(name) ?? builtinResultStructs.get(name);
  if (type) return typeHover(type);
  const value = builtinValues.get(name);
  if (value) return valueHover(value);
  return undefined;
}

