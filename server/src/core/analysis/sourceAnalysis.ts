// Analyses one WGSL document without a compiler: preprocess, parse, read directives, find kernels and bindings.
//
// This is the pure half of what the language server and the CLI publish; the other half is Tint's diagnostics,
// which the adapters add (server/src/analysisService.ts). Spans in `diagnostics` and `kernels` are offsets into the
// ORIGINAL text; the tree (`module`) is over the preprocessed text, and `pre.map` translates between the two.
import type { CoreDiagnostic } from "../diagnostic";
import { parseDirectives } from "../directives/directives";
import { preprocess } from "../preprocess/preprocess";
import { preprocessDiagnostic } from "../preprocess/problemDiagnostic";
import { chooseVariant } from "../directives/variant";
import { toOriginalSpan } from "../preprocess/originalSpan";
import { parseWgsl } from "../wgsl/parser";
import { resolveModule } from "../wgsl/resolve";
import { findKernels } from "./kernels";
import { checkDirectivesAgainstModule } from "./directiveChecks";
import type { KernelAnalysis } from "../model/analyzeKernel";
import { oncePerAccess } from "../quant/findings";
import { analyzeKernel, quantAccessFindingsOf, quantFindingsOf, quantizationOf } from "./kernelAnalysis";
import type { AnalyzeOptions, PreparedSource, SourceAnalysis } from "./sourceTypes";

export type { AnalyzeOptions, PreparedSource, SourceAnalysis };

export function prepareSource(text: string, options: AnalyzeOptions = {}): PreparedSource {
  const parsedDirectives = parseDirectives(text);
  const variant = chooseVariant(parsedDirectives.directives, options.defines);

  const pre = preprocess(text, { defines: variant.defines, resolveInclude: options.resolveInclude });
  const diagnostics: CoreDiagnostic[] = [...parsedDirectives.problems, ...pre.problems.map(preprocessDiagnostic)];
  return { options, text, pre, directives: parsedDirectives.directives, variant, diagnostics };
}

/** The rest: parse, resolve, find kernels and check the directives against them. */
export function analyzePrepared(prepared: PreparedSource): SourceAnalysis {
  const { text, pre } = prepared;
  const module = parseWgsl(pre.text);
  const syntaxErrors: CoreDiagnostic[] = module.errors.map((e) => {
    const mapped = toOriginalSpan(pre, e.span);
    return {
      severity: "error",
      code: "wgsl-syntax",
      message: mapped.file ? `${e.message} (in included file '${mapped.file}')` : e.message,
      span: mapped.span,
      source: "kernellens",
      related: mapped.file ? [{ message: e.message, file: mapped.file, span: mapped.fileSpan }] : undefined,
    };
  });
  const resolution = resolveModule(module);
  const kernels = findKernels(resolution, pre);
  const diagnostics = [...prepared.diagnostics, ...checkDirectivesAgainstModule(prepared.directives, resolution, kernels, pre, text)];
  const partial = { text, pre, module, resolution, directives: prepared.directives, variant: prepared.variant, diagnostics, syntaxErrors, kernels };
  const models = new Map<string, KernelAnalysis>();
  const model = prepared.options.model;
  if (model) {
    const withoutModels: SourceAnalysis = { ...partial, models, device: model.device, problemSize: model.problemSize };
    const findings: { kernel: string; diagnostic: CoreDiagnostic }[] = [];
    for (const k of kernels) {
      if (k.stage !== "compute") continue;
      try {
        const analysis = analyzeKernel(withoutModels, k, model.device, model.given, model.budget, model.problemSize);
        // Quantized bindings: their format, bits per weight and group size, and where dequantization happens.
        const quantization = quantizationOf(withoutModels, k);
        const quantDiagnostics = [...quantFindingsOf(withoutModels, k.name, analysis.model), ...quantAccessFindingsOf(withoutModels, k.name, analysis.model)];
        // One access, one finding: a quantization finding replaces the generic uncoalesced-access at its access.
        const kernelDiagnostics = oncePerAccess([...analysis.diagnostics, ...quantDiagnostics]);
        models.set(k.name, { ...analysis, quantization, diagnostics: kernelDiagnostics });
        for (const d of kernelDiagnostics) findings.push({ kernel: k.name, diagnostic: d });
      } catch (err) {
        // The model must not take the editor down with it; a failure is reported where the kernel is.
        diagnostics.push({ severity: "info", code: "model-failed", message: `the cost model failed on '${k.name}' (please report it): ${(err as Error).message}`, span: k.nameSpan, source: "kernellens" });
      }
    }
    diagnostics.push(...sharedOnce(findings));
  }
  return { ...partial, models, device: model?.device, problemSize: model?.problemSize };
}

/**
 * One finding per place: a helper function that several entry points call gets its finding once, naming every
 * entry point that reaches it (with the first one's figures where they differ), not once per entry point.
 */
function sharedOnce(findings: readonly { kernel: string; diagnostic: CoreDiagnostic }[]): CoreDiagnostic[] {
  const byPlace = new Map<string, { kernels: string[]; diagnostics: CoreDiagnostic[] }>();
  for (const f of findings) {
    const key = `${f.diagnostic.code}:${f.diagnostic.span.start}:${f.diagnostic.span.end}`;
    const place = byPlace.get(key) ?? byPlace.set(key, { kernels: [], diagnostics: [] }).get(key)!;
    if (!place.kernels.includes(f.kernel)) place.kernels.push(f.kernel);
    place.diagnostics.push(f.diagnostic);
  }
  return [...byPlace.values()].map(({ kernels, diagnostics: [first, ...rest] }) => {
    if (kernels.length < 2) return first;
    const names = kernels.map((k) => `'${k}'`);
    const list = `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
    const same = rest.every((d) => d.message === first.message);
    return { ...first, message: `${first.message} (reached from entry points ${list}${same ? "" : `; figures for ${names[0]}`})` };
  });
}

export function analyzeSource(text: string, options: AnalyzeOptions = {}): SourceAnalysis {
  return analyzePrepared(prepareSource(text, options));
}
