// Document symbols: entry points with stage and workgroup size, bindings with group/binding, overrides, structs, functions.
import { type DocumentSymbol, SymbolKind } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { attr } from "../core/analysis/kernels";
import type { SourceAnalysis } from "../core/analysis/sourceAnalysis";
import { toOriginalSpan } from "../core/preprocess/originalSpan";
import type { Span } from "../core/wgsl/ast";
import { spanToRange } from "./convert";

export function documentSymbols(doc: TextDocument, source: SourceAnalysis): DocumentSymbol[] {
  const { module, pre } = source;
  const text = pre.text;
  const slice = (s: Span): string => text.slice(s.start, s.end);
  const out: DocumentSymbol[] = [];
  const make = (name: string, detail: string, kind: SymbolKind, span: Span, nameSpan: Span, children?: DocumentSymbol[]): DocumentSymbol | undefined => {
    const whole = toOriginalSpan(pre, span);
    const sel = toOriginalSpan(pre, nameSpan);
    // Declarations that come from an included file are not part of this document's outline.
    if (whole.file !== "" || sel.file !== "") return undefined;
    const range = spanToRange(doc, whole.span);
    let selectionRange = spanToRange(doc, sel.span);
    // The selection range must lie inside the range; macro-mapped names can fall outside, so clamp.
    if (sel.span.start < whole.span.start || sel.span.end > whole.span.end) selectionRange = range;
    return { name: name || "<unnamed>", detail, kind, range, selectionRange, children };
  };
  const kernelsByName = new Map(source.kernels.map((k) => [k.name, k]));
  for (const d of module.decls) {
    let sym: DocumentSymbol | undefined;
    switch (d.kind) {
      case "function": {
        const k = kernelsByName.get(d.name.name);
        if (k) {
          const size = k.workgroupSize.value ? ` @workgroup_size(${k.workgroupSize.value.join(", ")})` : k.workgroupSize.text ? ` @workgroup_size(${k.workgroupSize.text})` : "";
          sym = make(d.name.name, `@${k.stage}${size}`, SymbolKind.Event, d.span, d.name.span);
        } else {
          const params = d.params.map((p) => `${p.name.name}: ${slice(p.type.span)}`).join(", ");
          sym = make(d.name.name, `fn(${params})${d.returnType ? ` -> ${slice(d.returnType.span)}` : ""}`, SymbolKind.Function, d.span, d.name.span);
        }
        break;
      }
      case "var": {
        const group = attr(d.attributes, "group");
        const binding = attr(d.attributes, "binding");
        const where = group || binding ? `@group(${group ? slice(group.args[0]?.span ?? group.span) : "?"}) @binding(${binding ? slice(binding.args[0]?.span ?? binding.span) : "?"}) ` : "";
        const space = d.addressSpace ? `var<${d.addressSpace.name}${d.accessMode ? `, ${d.accessMode.name}` : ""}>` : "var";
        sym = make(d.name.name, `${where}${space}${d.type ? `: ${slice(d.type.span)}` : ""}`, SymbolKind.Variable, d.span, d.name.span);
        break;
      }
      case "override":
      case "const":
      case "let": {
        const value = d.init ? ` = ${slice(d.init.span)}` : "";
        sym = make(d.name.name, `${d.kind}${d.type ? `: ${slice(d.type.span)}` : ""}${value.length < 40 ? value : ""}`, d.kind === "override" ? SymbolKind.Property : SymbolKind.Constant, d.span, d.name.span);
        break;
      }
      case "struct": {
        const members = d.members
          .map((m) => make(m.name.name, slice(m.type.span), SymbolKind.Field, m.span, m.name.span))
          .filter((m): m is DocumentSymbol => !!m);
        sym = make(d.name.name, "struct", SymbolKind.Struct, d.span, d.name.span, members);
        break;
      }
      case "alias":
        sym = make(d.name.name, `alias = ${slice(d.type.span)}`, SymbolKind.TypeParameter, d.span, d.name.span);
        break;
      default:
        break;
    }
    if (sym) out.push(sym);
  }
  return out;
}
