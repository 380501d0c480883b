// The code action on a Triton kernel: "Generate launch_metadata for Proton". Proton (Triton's profiler) reports FLOPs
// and bytes only from a `launch_metadata` function the author writes by hand; KernelLens writes it from the kernel IR
// (core/triton/launchMetadata.ts) and hooks it into the `@triton.jit(...)` decorator.
import { type CodeAction, CodeActionKind, type Range, type TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { TritonFileAnalysis } from "../analysisService";
import { tritonLaunchMetadata } from "../core/triton/launchMetadata";
import type { Span } from "../core/span";
import { tritonFunctions } from "./tritonViews";

export const LAUNCH_METADATA_TITLE = "Generate launch_metadata for Proton";

/** The action for the kernel function the range is in (its decorators, name or body), unless it already has one. */
export function tritonCodeActions(doc: TextDocument, analysis: TritonFileAnalysis, range: Range): CodeAction[] {
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const text = analysis.source.text;
  for (const [fn, kernels] of tritonFunctions(analysis)) {
    const span = kernels[0]!.span;
    if (to < span.start || from > span.end) continue;
    const jit = jitDecorator(text, span);
    if (!jit || jit.hasLaunchMetadata) return [];
    const generated = tritonLaunchMetadata(analysis.source, fn);
    if (!generated) return [];
    const edits: TextEdit[] = [];
    // The function goes above the kernel's first decorator: the decorator reads its name when the module loads.
    const lineStart = doc.offsetAt({ line: doc.positionAt(span.start).line, character: 0 });
    const indent = text.slice(lineStart, span.start);
    const body = generated.functionText.replace(/\s+$/, "").split("\n").map((l) => (l === "" ? l : indent + l)).join("\n");
    edits.push({ range: { start: doc.positionAt(lineStart), end: doc.positionAt(lineStart) }, newText: `${body}\n\n\n` });
    const argument = `launch_metadata=${generated.functionName}`;
    if (jit.closeParen === undefined) edits.push({ range: { start: doc.positionAt(jit.end), end: doc.positionAt(jit.end) }, newText: `(${argument})` });
    else edits.push({ range: { start: doc.positionAt(jit.closeParen), end: doc.positionAt(jit.closeParen) }, newText: jit.empty || jit.trailingComma ? argument : `, ${argument}` });
    return [{ title: LAUNCH_METADATA_TITLE, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [doc.uri]: edits } } }];
  }
  return [];
}

/**
 * The `@triton.jit` (or `@jit`) decorator within a definition: where its name ends, where its argument list closes
 * (if it has one), whether that list is empty and whether it already passes `launch_metadata`.
 */
export function jitDecorator(text: string, span: Span): { end: number; closeParen?: number; empty: boolean; trailingComma?: boolean; hasLaunchMetadata: boolean } | undefined {
  const region = text.slice(span.start, span.end);
  const m = /^[ \t]*@[ \t]*(?:triton[ \t]*\.[ \t]*)?jit\b/m.exec(region);
  if (!m) return undefined;
  const end = span.start + m.index + m[0].length;
  let i = end;
  while (i < span.end && (text[i] === " " || text[i] === "\t")) i++;
  if (text[i] !== "(") return { end, empty: true, hasLaunchMetadata: false };
  // The matching parenthesis (strings in decorator arguments are rare; brackets nest).
  let depth = 0;
  for (let j = i; j < span.end; j++) {
    const c = text[j];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        const inside = text.slice(i + 1, j);
        return { end, closeParen: j, empty: inside.trim() === "", trailingComma: inside.trimEnd().endsWith(","), hasLaunchMetadata: /\blaunch_metadata\s*=/.test(inside) };
      }
    }
  }
  return undefined;
}
