// Checks launch directives against the module: names that must be bindings, entries or overrides, and values.
import type { CoreDiagnostic } from "../diagnostic";
import type { Directive } from "../directives/directives";
import { directivesFor, evaluateLaunch, scopeDirectives, type ScopedDirectives } from "../directives/launch";
import type { PreprocessResult } from "../preprocess/preprocess";
import { toOriginalSpan } from "../preprocess/originalSpan";
import type { Module, ValueDecl } from "../wgsl/ast";
import type { Resolution } from "../wgsl/resolve";
import { evaluateConstInt } from "../wgsl/types";
import type { KernelSummary } from "./kernels";

/** Numeric `#define` values of the analysed variant, usable in directive expressions (`// @dispatch N / TILE`). */
export function numericDefines(defines: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of defines) {
    const eq = d.indexOf("=");
    const v = eq > 0 ? Number(d.slice(eq + 1)) : NaN;
    if (Number.isFinite(v)) out.set(d.slice(0, eq), v);
  }
  return out;
}

/** Default values of the module's WGSL `override`s, where they are integer constants. */
export function overrideDefaults(resolution: Resolution): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const d of resolution.module.decls) {
    if (d.kind !== "override") continue;
    const v = d.init ? evaluateConstInt(d.init, resolution, { overrideDefaults: true }) : null;
    out.set(d.name.name, v ?? undefined);
  }
  return out;
}

export function scopeForModule(text: string, directives: readonly Directive[], module: Module, kernels: readonly KernelSummary[], pre: PreprocessResult): ScopedDirectives {
  const first = module.decls.find((d) => d.kind !== "enable" && d.kind !== "requires" && d.kind !== "diagnostic");
  const firstStart = first ? toOriginalSpan(pre, first.span).span.start : undefined;
  return scopeDirectives(text, directives, kernels.map((k) => ({ name: k.name, span: k.span, nameSpan: k.nameSpan })), firstStart);
}

export function checkDirectivesAgainstModule(directives: readonly Directive[], resolution: Resolution, kernels: readonly KernelSummary[], pre: PreprocessResult, text: string): CoreDiagnostic[] {
  const problems: CoreDiagnostic[] = [];
  if (directives.length === 0) return problems;
  const module = resolution.module;
  const report = (severity: "error" | "warning", code: string, message: string, span: { start: number; end: number }): void => {
    problems.push({ severity, code, message, span, source: "kernellens" });
  };
  const scoped = scopeForModule(text, directives, module, kernels, pre);
  for (const d of scoped.floating) {
    report("warning", "directive-placement", `@${d.kind} applies to nothing here: put launch directives at the top of the file (for every entry point) or directly above an entry point`, d.keywordSpan);
  }

  const bindingNames = new Set(module.decls.filter((d) => d.kind === "var").map((d) => d.name.name));
  const overrideNames = new Set(module.decls.filter((d): d is ValueDecl => d.kind === "override").map((d) => d.name.name));
  const entryNames = new Set(kernels.map((k) => k.name));
  // The names a misspelt binding could have meant: the first few, so a file with thousands of bindings and as many
  // unknown names does not get a message per directive as long as the file (quadratic in time and memory).
  const KNOWN_SHOWN = 12;
  const shownNames = [...bindingNames].slice(0, KNOWN_SHOWN).join(", ");
  const more = bindingNames.size > KNOWN_SHOWN ? ` and ${bindingNames.size - KNOWN_SHOWN} more` : "";
  const known = (): string => (bindingNames.size ? ` (module variables: ${shownNames}${more})` : "");
  for (const d of directives) {
    switch (d.kind) {
      case "buffer":
      case "texture":
      case "uniform":
      case "quant":
      case "quantize":
        if (!bindingNames.has(d.name.name)) report("warning", "directive-unknown-binding", `no module variable named '${d.name.name}'${known()}`, d.name.span);
        break;
      case "check":
        if (!bindingNames.has(d.output.name)) report("warning", "directive-unknown-binding", `no module variable named '${d.output.name}'${known()}`, d.output.span);
        if (d.reference.kind === "entry" && !entryNames.has(d.reference.name.name)) {
          report("error", "directive-unknown-entry", `no entry point named '${d.reference.name.name}' to compare with${entryNames.size ? ` (entry points: ${[...entryNames].join(", ")})` : ""}`, d.reference.name.span);
        }
        break;
      case "override":
        if (!overrideNames.has(d.name.name)) report("warning", "directive-unknown-override", `no WGSL 'override' named '${d.name.name}' in this file${overrideNames.size ? ` (overrides: ${[...overrideNames].join(", ")})` : ""}`, d.name.span);
        break;
      default:
        break;
    }
  }

  // Two @dispatch lines in the same place: the second silently wins, which is rarely meant.
  const places: [string, readonly Directive[]][] = [["the file", scoped.file], ...[...scoped.byEntry].map(([k, v]): [string, readonly Directive[]] => [`'${k}'`, v])];
  for (const [where, list] of places) {
    const dispatches = list.filter((d) => d.kind === "dispatch");
    for (const extra of dispatches.slice(1)) report("warning", "directive-duplicate", `a second @dispatch for ${where}; only the last one is used`, extra.keywordSpan);
    // So with a binding's values: a second line replaces the first whole (its fields do not add up).
    const byBinding = new Map<string, Directive>();
    for (const d of list) {
      if (d.kind !== "uniform" && d.kind !== "buffer" && d.kind !== "texture") continue;
      const key = `${d.kind} ${d.name.name}`;
      if (byBinding.has(key)) report("warning", "directive-duplicate", `a second @${d.kind} for '${d.name.name}' in ${where} replaces the first whole; put all of its values in one line`, d.keywordSpan);
      byBinding.set(key, d);
    }
  }

  // Evaluate each entry's launch so unknown names and bad values are reported once, at the directive.
  const defaults = overrideDefaults(resolution);
  const seen = new Set<string>();
  const scopes = kernels.length > 0 ? kernels.map((k) => directivesFor(scoped, k.name)) : [scoped.file];
  for (const list of scopes) {
    for (const p of evaluateLaunch(list, defaults, new Map(), numericDefines(pre.defines)).problems) {
      const key = `${p.span.start}:${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}
