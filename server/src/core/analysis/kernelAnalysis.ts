// The WGSL front-end's bridge to the shared engine: each entry point's kernel IR (lowered once per analysis, with the
// quantization the front-end recognises), its launch (resolved in one place for the model, run planning and sweeps),
// and its cost model and quantization findings mapped back to the text the user wrote.
import type { CoreDiagnostic } from "../diagnostic";
import type { DeviceSpec } from "../devices/device";
import type { Directive } from "../directives/directives";
import { directivesFor, type ScopedDirectives } from "../directives/launch";
import type { KernelIR } from "../kernel/ir";
import { resolveLaunch, type ResolvedLaunch } from "../kernel/launch";
import { modelKernel, type KernelAnalysis } from "../model/analyzeKernel";
import type { BudgetOptions } from "../model/budget";
import type { Finding } from "../model/findings";
import type { KernelModel } from "../model/types";
import type { QuantBinding } from "../quant/binding";
import { quantAccessFindings, quantFindings } from "../quant/findings";
import { toOriginalSpan } from "../preprocess/originalSpan";
import { lowerWgslKernel } from "../wgsl/lower";
import { quantFacts } from "../wgsl/quantIdioms";
import type { Resolution } from "../wgsl/resolve";
import { numericDefines, overrideDefaults, scopeForModule } from "./directiveChecks";
import type { KernelSummary } from "./kernels";
import type { SourceAnalysis, WgslSource } from "./sourceTypes";

/** Per analysis (keyed by its resolution, which lives as long as it): lowered kernels and directive scopes. */
const irs = new WeakMap<Resolution, Map<string, KernelIR>>();
const scopes = new WeakMap<Resolution, ScopedDirectives>();

/** The kernel IR of an entry point, lowered once per analysis, with its quantization facts (launch-independent too). */
export function kernelIROf(source: WgslSource, kernel: KernelSummary): KernelIR {
  let byName = irs.get(source.resolution);
  if (!byName) irs.set(source.resolution, (byName = new Map()));
  let ir = byName.get(kernel.name);
  if (!ir) {
    const entry = source.resolution.entryPoints.find((e) => e.name === kernel.name);
    const lowered = lowerWgslKernel(source.resolution, {
      name: kernel.name,
      fn: kernel.fn,
      bindings: kernel.bindings.map((b) => b.symbol),
      workgroupSize: entry?.workgroupSize ?? null,
      overrideDefaults: overrideDefaults(source.resolution),
      textureFormats: new Map(directivesOf(source, kernel.name).flatMap((d) => (d.kind === "texture" && d.format ? [[d.name.name, d.format.name] as const] : []))),
    });
    ir = { ...lowered, quantization: quantFacts(source, kernel.name) };
    byName.set(kernel.name, ir);
  }
  return ir;
}

/** Which directives apply to the whole file, which to one entry point, and which to nothing. */
export function directiveScopeOf(source: WgslSource): ScopedDirectives {
  let scoped = scopes.get(source.resolution);
  if (!scoped) {
    scoped = scopeForModule(source.text, source.directives, source.module, source.kernels, source.pre);
    scopes.set(source.resolution, scoped);
  }
  return scoped;
}

/** The launch directives that apply to an entry point: the file's, then its own. */
export function directivesOf(source: WgslSource, entry: string): Directive[] {
  return directivesFor(directiveScopeOf(source), entry);
}

/**
 * The launch of an entry point: the one function the model, run planning, the sweep space and the sweep cache key
 * all use. `given` (command-line `--let` values, a sweep point) wins over the directives.
 */
export function launchOf(
  source: WgslSource,
  kernel: KernelSummary,
  given: ReadonlyMap<string, number> = new Map(),
  options: { subgroupSize?: number; infer?: { problemSize?: number } } = {},
): ResolvedLaunch {
  return resolveLaunch(kernelIROf(source, kernel), directivesOf(source, kernel.name), { given, base: numericDefines(source.pre.defines), ...options });
}

/**
 * The launch of an entry point given by name. A name that is no compute entry point of the file gets the file's
 * directives evaluated over a kernel with no body, so a sweep over a missing entry still reports its own problems.
 */
export function launchOfEntry(source: WgslSource, entry: string, given: ReadonlyMap<string, number> = new Map()): ResolvedLaunch {
  const kernel = source.kernels.find((k) => k.name === entry && k.stage === "compute");
  if (kernel) return launchOf(source, kernel, given);
  const none: KernelIR = {
    name: entry, language: "wgsl", nameSpan: { start: 0, end: 0 }, bindings: [], params: new Map(), body: [], privateValues: [], notes: [],
    launch: { workgroupSize: null, workgroupSizeMissing: `no compute entry point named '${entry}'`, overrideDefaults: overrideDefaults(source.resolution) },
  };
  return resolveLaunch(none, directivesOf(source, entry), { given, base: numericDefines(source.pre.defines) });
}

/** A finding located in the analysed text, as a diagnostic on the original text. */
function toDiagnostic(source: WgslSource, f: Finding): CoreDiagnostic {
  return { severity: f.severity, code: f.code, message: f.message, span: toOriginalSpan(source.pre, f.span).span, source: "kernellens" };
}

/**
 * The cost model of one entry point on one device, its findings located in the original text. What no directive
 * gives is inferred from the code or assumed (a `problemSize`-element problem), and the model lists it.
 */
export function analyzeKernel(source: SourceAnalysis, kernel: KernelSummary, device: DeviceSpec, given: ReadonlyMap<string, number> = new Map(), budget: BudgetOptions = {}, problemSize?: number): KernelAnalysis {
  const launch = launchOf(source, kernel, given, { subgroupSize: device.warpSize, infer: { problemSize } });
  const { model, findings } = modelKernel(kernelIROf(source, kernel), launch, device, budget);
  return { model, diagnostics: findings.map((f) => toDiagnostic(source, f)) };
}

/** The quantized bindings of an entry point (its format, bits per weight, group size and evidence). */
export function quantizationOf(source: WgslSource, kernel: KernelSummary): readonly QuantBinding[] {
  return kernelIROf(source, kernel).quantization?.bindings ?? [];
}

/**
 * The quantization findings of the entry point named `kernelName` (quant/findings.ts over its IR and `model`: where
 * dequantization happens, accumulators), located in the original text; none for a name that is no entry point.
 */
export function quantFindingsOf(source: WgslSource, kernelName: string, model: KernelModel | null): CoreDiagnostic[] {
  const kernel = source.kernels.find((k) => k.name === kernelName);
  return kernel ? quantFindings(kernelIROf(source, kernel), model).map((f) => toDiagnostic(source, f)) : [];
}

/** The quantization findings read from the model's accesses (scale re-reads, uncoalesced scales, narrow packed reads). */
export function quantAccessFindingsOf(source: WgslSource, kernelName: string, model: KernelModel | null): CoreDiagnostic[] {
  const kernel = source.kernels.find((k) => k.name === kernelName);
  return kernel ? quantAccessFindings(kernelIROf(source, kernel), model).map((f) => toDiagnostic(source, f)) : [];
}
