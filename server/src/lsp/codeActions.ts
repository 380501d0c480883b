// The "Add launch directives" code action: on an entry point whose numbers rest on inferred or assumed launch
// values, it writes the directive block that states them above the entry point, ready to edit.
import type { CodeAction, Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { SourceAnalysis } from "../core/analysis/sourceAnalysis";
import { directiveBlock } from "../core/model/assumptionsText";

export const ADD_LAUNCH_DIRECTIVES = "Add launch directives";

/** The code actions for a range: one per compute entry point the range touches whose launch was inferred or assumed. */
export function codeActions(doc: TextDocument, source: SourceAnalysis, range: Range): CodeAction[] {
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const actions: CodeAction[] = [];
  for (const k of source.kernels) {
    if (k.stage !== "compute") continue;
    // The entry point's header: its attributes through its name (not the whole body, where other actions belong).
    if (to < k.span.start || from > k.nameSpan.end) continue;
    const assumptions = source.models.get(k.name)?.model.assumptions ?? [];
    const lines = directiveBlock(assumptions);
    if (lines.length === 0) continue;
    // Directives apply to the entry point they sit directly above: insert at the start of its first line, indented like it.
    const at = doc.positionAt(k.span.start);
    const lineStart = doc.offsetAt({ line: at.line, character: 0 });
    const indent = /^[ \t]*/.exec(doc.getText().slice(lineStart, k.span.start))?.[0] ?? "";
    const text = lines.map((l) => `${indent}${l}\n`).join("");
    actions.push({
      title: assumptions.some((a) => a.source === "assumed") ? `${ADD_LAUNCH_DIRECTIVES} for '${k.name}' (with the assumed sizes, to edit)` : `${ADD_LAUNCH_DIRECTIVES} for '${k.name}'`,
      kind: "refactor.rewrite",
      edit: { changes: { [doc.uri]: [{ range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } }, newText: text }] } },
    });
  }
  return actions;
}
