// Analyses one WGSL document without a compiler: preprocess, parse, read directives, find kernels and bindings.
//
// This is the pure half of what the language server and the CLI publish; the other half is Tint's diagnostics,
// which the adapters add (server/src/analysisService.ts). Spans in `diagnostics` and `kernels` are offsets into the
// ORIGINAL text; the tree (`module`) is over the preprocessed text, and `pre.map` translates between the two.
import type { CoreDiagnostic } from "../diagnostic";
import { parseDirectives, type Directive } from "../directives/directives";
import { preprocess, type IncludeResolution, type PreprocessResult } from "../preprocess/preprocess";
import type { Module } from "../wgsl/ast";
import { toOriginalSpan } from "../preprocess/originalSpan";
import { parseWgsl } from "../wgsl/parser";
import { resolveModule, type Resolution } from "../wgsl/resolve";
import { findKernels, type KernelSummary } from "./kernels";
import { checkDirectivesAgainstModule } from "./directiveChecks";
import type { DeviceSpec } from "../devices/device";
import { analyzeKernel, type KernelAnalysis } from "../model/analyzeKernel";
import { recognizeQuantization } from "../quant/recognize";
import { quantAccessFindings, quantFindings } from "../quant/findings";

export interface AnalyzeOptions {
  /** Defines from the editor setting or CLI; used only when the file has no `// @define` lines. */
  readonly defines?: readonly string[];
  readonly resolveInclude?: (path: string, fromKey: string) => IncludeResolution;
  /** Run the cost model for every compute entry point on this device (with `--let`-style values that win). */
  readonly model?: { readonly device: DeviceSpec; readonly given?: ReadonlyMap<string, number> };
}

export interface SourceAnalysis {
  readonly text: string;
  readonly pre: PreprocessResult;
  readonly module: Module;
  /** Names, scopes, entry points and types of `module`. */
  readonly resolution: Resolution;
  readonly directives: readonly Directive[];
  /** The defines the analysed variant was built with, and where they came from. */
  readonly variant: { readonly defines: readonly string[]; readonly from: "directives" | "settings" | "none" };
  /** KernelLens's own findings (preprocessor, directives), located in the original text. */
  readonly diagnostics: readonly CoreDiagnostic[];
  /** Syntax errors from the KernelLens parser; published only when Tint is unavailable (Tint is the authority). */
  readonly syntaxErrors: readonly CoreDiagnostic[];
  readonly kernels: readonly KernelSummary[];
  /** The cost model of each compute entry point, by name, when a device was given. */
  readonly models: ReadonlyMap<string, KernelAnalysis>;
  readonly device: DeviceSpec | undefined;
}

/** The cheap first step: directives read and the variant preprocessed; enough to compile with Tint. */
export interface PreparedSource {
  readonly options: AnalyzeOptions;
  readonly text: string;
  readonly pre: PreprocessResult;
  readonly directives: readonly Directive[];
  readonly variant: SourceAnalysis["variant"];
  /** Directive syntax and preprocessor problems. */
  readonly diagnostics: readonly CoreDiagnostic[];
}

export function prepareSource(text: string, options: AnalyzeOptions = {}): PreparedSource {
  const parsedDirectives = parseDirectives(text);
  const defineDirectives = parsedDirectives.directives.filter((d): d is Extract<Directive, { kind: "define" }> => d.kind === "define");
  const variant =
    defineDirectives.length > 0
      ? { defines: defineDirectives.map((d) => (d.value !== undefined ? `${d.name.name}=${d.value}` : d.name.name)), from: "directives" as const }
      : options.defines && options.defines.length > 0
        ? { defines: [...options.defines], from: "settings" as const }
        : { defines: [], from: "none" as const };

  const pre = preprocess(text, { defines: variant.defines, resolveInclude: options.resolveInclude });
  const diagnostics: CoreDiagnostic[] = [...parsedDirectives.problems];
  for (const p of pre.problems) {
    diagnostics.push({
      severity: p.severity,
      code: p.code,
      message: p.inFile ? `${p.message} (in included file '${p.inFile.key}')` : p.message,
      span: p.span,
      source: "kernellens",
      related: p.inFile ? [{ message: p.message, file: p.inFile.key, span: p.inFile.span }] : undefined,
    });
  }
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
    const withoutModels: SourceAnalysis = { ...partial, models, device: model.device };
    for (const k of kernels) {
      if (k.stage !== "compute") continue;
      try {
        const analysis = analyzeKernel(withoutModels, k, model.device, model.given);
        // Quantized bindings: their format, bits per weight and group size, and where dequantization happens.
        const quantization = recognizeQuantization(withoutModels, k.name);
        const quantDiagnostics = [...quantFindings(withoutModels, k.name, analysis.model), ...quantAccessFindings(withoutModels, k.name, analysis.model)];
        models.set(k.name, { ...analysis, quantization, diagnostics: [...analysis.diagnostics, ...quantDiagnostics] });
        diagnostics.push(...analysis.diagnostics, ...quantDiagnostics);
      } catch (err) {
        // The model must not take the editor down with it; a failure is reported where the kernel is.
        diagnostics.push({ severity: "info", code: "model-failed", message: `the cost model failed on '${k.name}' (please report it): ${(err as Error).message}`, span: k.nameSpan, source: "kernellens" });
      }
    }
  }
  return { ...partial, models, device: model?.device };
}

export function analyzeSource(text: string, options: AnalyzeOptions = {}): SourceAnalysis {
  return analyzePrepared(prepareSource(text, options));
}
