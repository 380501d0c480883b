// The editor's views of a Triton file: one kernel function is analysed once per configuration (autotune configs,
// launches, directives), so its lens names the best predicted configuration and opens a picker of them all, its hover
// gives the best one's verdict and lists the configurations, and its outline entry lists them. Loop hints and access
// hovers are the shared ones (modelViews.ts over modelledTriton).
import type { TritonConfigRow } from "../protocol";
import { type CodeLens, type DocumentSymbol, type Hover, MarkupKind, type Position, SymbolKind } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { TritonFileAnalysis } from "../analysisService";
import { assumedLensText } from "../core/model/assumptionsText";
import { assumedCount, lensTime } from "../core/model/lensLine";
import { totalFlops } from "../core/model/flops";
import { bytes, durations, si, TRITON_WORDS } from "../core/model/format";
import type { KernelAnalysis } from "../core/model/analyzeKernel";
import type { TritonKernelSummary } from "../core/triton/types";
import { spanToRange } from "./convert";
import { modelledTriton } from "./modelledSource";
import { kernelVerdict } from "./kernelHover";
import { accessHover, codeLenses, kernelBreakdown } from "./modelViews";

/** The client command a multi-configuration lens runs: a quick pick of the configurations (client/src/tritonConfigs.ts). */
export const PICK_TRITON_CONFIG_COMMAND = "kernellens.pickTritonConfig";

export type { TritonConfigRow };

/** The kernels of a file grouped by function, in the order the file defines them. */
export function tritonFunctions(analysis: TritonFileAnalysis): Map<string, TritonKernelSummary[]> {
  const byFunction = new Map<string, TritonKernelSummary[]>();
  for (const k of analysis.source.kernels) byFunction.set(k.function, [...(byFunction.get(k.function) ?? []), k]);
  return byFunction;
}

/**
 * Each configuration's row, the fastest predicted first; configurations that cannot launch on the device, then those
 * with no prediction, last (ties in file order).
 */
export function configRows(analysis: TritonFileAnalysis, kernels: readonly TritonKernelSummary[], lineOf: (offset: number) => number): TritonConfigRow[] {
  const rows = kernels.map((k) => configRow(k, analysis.source.models.get(k.name), lineOf));
  const key = (r: TritonConfigRow): number => (r.predictedMs === null ? Infinity : r.fits ? r.predictedMs : 1e15 + r.predictedMs);
  return rows.map((r, i) => ({ r, i })).sort((a, b) => key(a.r) - key(b.r) || a.i - b.i).map((x) => x.r);
}

function configRow(k: TritonKernelSummary, analysed: KernelAnalysis | undefined, lineOf: (offset: number) => number): TritonConfigRow {
  const m = analysed?.model;
  const res = k.resources;
  // Triton decides shared memory and registers at compile time: the front-end's estimate, or the compiler's figure.
  const how = res.source === "exact" ? "exact" : "estimated";
  const dram = m && m.traffic.dramRead !== null && m.traffic.dramWritten !== null ? m.traffic.dramRead + m.traffic.dramWritten : null;
  return {
    name: k.name,
    configText: k.configText,
    source: k.config.source,
    line: k.config.span ? lineOf(k.config.span.start) : null,
    predictedMs: m?.roofline.predictedMs ?? null,
    fits: !m?.occupancy || m.occupancy.value > 0,
    bound: !m || m.roofline.bound === "unknown" ? "?" : m.roofline.bound === "workgroup-memory" ? "shared-memory" : m.roofline.bound,
    occupancy: m?.occupancy ? `${Math.round(m.occupancy.value * 100)}% (${m.occupancy.estimated ? "estimated" : "exact"})` : "?",
    sharedMemory: `${bytes(res.sharedBytes)} (${how})`,
    registers: `${res.registersPerThread} (${how})${res.spills ? `, ${res.spills} B spilled` : ""}`,
    flops: m && m.invocations !== null ? si(totalFlops(m.ops).value, "FLOP") : "?",
    dramBytes: dram === null ? "?" : bytes(dram),
    assumed: m ? assumedLensText(m.assumptions) : "",
  };
}

/** `0.41 ms` (modelled), or `?`. */
function timeText(row: TritonConfigRow): string {
  return row.predictedMs === null ? "?" : lensTime(row.predictedMs);
}

/**
 * Lenses above each kernel function. One configuration: the same lenses as a CUDA kernel (the model's summary, the
 * Roofline). Several: one short lens naming the best predicted configuration, which opens a picker of them all.
 */
export function tritonCodeLenses(doc: TextDocument, analysis: TritonFileAnalysis): CodeLens[] {
  const source = modelledTriton(analysis);
  if (!source.device) return [];
  const lineOf = (at: number): number => doc.positionAt(at).line;
  const lenses: CodeLens[] = [];
  for (const [fn, kernels] of tritonFunctions(analysis)) {
    const modelled = kernels.filter((k) => source.models.has(k.name));
    if (modelled.length === 0) continue;
    if (modelled.length === 1) {
      lenses.push(...codeLenses(doc, { ...source, kernels: modelled }));
      continue;
    }
    const rows = configRows(analysis, modelled, lineOf);
    const best = rows[0]!;
    const range = spanToRange(doc, kernels[0]!.nameSpan);
    // Assumed sizes lead the title as on every model lens (`$(warning) 2 assumed · `); the tooltip names them.
    const assumed = source.models.get(best.name) ? assumedCount(source.models.get(best.name)!.model) : 0;
    const head = assumed > 0 ? `$(warning) ${assumed} assumed · ` : "$(graph) ";
    const bestKernel = modelled.find((k) => k.name === best.name)!;
    const title =
      best.predictedMs === null ? `${head}${rows.length} configs: no estimate`
      : !best.fits ? `$(warning) none of ${rows.length} configs fits on ${source.device.name.replace(/^NVIDIA (GeForce )?/, "")}`
      : `${head}≈ ${lensTime(best.predictedMs)} best of ${rows.length} configs: ${distinguishingText(bestKernel, modelled)}`;
    const tooltip = `Predicted by the cost model on ${source.device.name} (not measured): pick a configuration${best.assumed ? `\n${best.assumed[0]!.toUpperCase()}${best.assumed.slice(1)}: no launch in the file gives ${assumed === 1 ? "it" : "them"}` : ""}`;
    lenses.push({ range, command: { title, command: PICK_TRITON_CONFIG_COMMAND, arguments: [doc.uri, fn, rows], tooltip } });
    lenses.push({ range, command: { title: "$(graph-line) Roofline", command: "kernellens.showRoofline", arguments: [doc.uri, best.name] } });
    lenses.push({ range, command: { title: "$(graph-scatter) Design space", command: "kernellens.tritonDesignSpace", arguments: [doc.uri, fn] } });
  }
  return lenses;
}

/**
 * A configuration in the fewest words that tell it from the others: the constexprs whose values differ between them,
 * then num_warps and num_stages (`BLOCK_M=128 BLOCK_N=256 w8 s3`).
 */
export function distinguishingText(k: TritonKernelSummary, all: readonly TritonKernelSummary[]): string {
  const differs = (name: string): boolean => new Set(all.map((o) => String(o.config.constexprs.find((c) => c.name === name)?.value))).size > 1;
  const parts = k.config.constexprs.filter((c) => differs(c.name)).map((c) => `${c.name}=${String(c.value)}`);
  return [...parts, `w${k.config.numWarps}`, `s${k.config.numStages}`].join(" ");
}

/**
 * The configurations as a list, the best first, one item each that wraps in a narrow hover (a table of eight columns
 * does not fit one): the values that tell it from the others, then its predicted time (one unit for all), bound,
 * occupancy, shared memory and registers (each marked exact or estimated), FLOPs and DRAM bytes.
 */
export function configListMarkdown(rows: readonly TritonConfigRow[], kernels: readonly TritonKernelSummary[]): string {
  const times = durations(rows.map((r) => r.predictedMs ?? 0));
  return rows
    .map((r, i) => {
      const k = kernels.find((x) => x.name === r.name);
      const label = k && kernels.length > 1 ? distinguishingText(k, kernels) : r.configText;
      const time = r.predictedMs === null ? "no estimate" : r.fits ? `≈ ${times[i]}` : `does not fit (≈ ${times[i]})`;
      const best = i === 0 && r.predictedMs !== null && r.fits ? "**best** " : "";
      return `- ${best}\`${label}\`: ${time}, ${r.bound === "?" ? "bound unknown" : `${r.bound}-bound`}, occupancy ${r.occupancy}, shared memory ${r.sharedMemory}, registers ${r.registers}, ${r.flops}, DRAM ${r.dramBytes}`;
    })
    .join("\n");
}

const CONFIG_SOURCE: Record<TritonKernelSummary["config"]["source"], string> = {
  launch: "a launch in this file",
  autotune: "`@triton.autotune`",
  directive: "a `# @config` directive",
  default: "the parameters' defaults and Triton's (num_warps 4, num_stages 3)",
};

/** The hover of a kernel function's name: its configurations compared, then the best one's whole breakdown. */
export function tritonHover(doc: TextDocument, analysis: TritonFileAnalysis, position: Position): Hover | null {
  const offset = doc.offsetAt(position);
  const modelled = modelledTriton(analysis);
  for (const [fn, kernels] of tritonFunctions(analysis)) {
    const at = kernels[0]!.nameSpan;
    if (offset < at.start || offset > at.end) continue;
    const lineOf = (o: number): number => doc.positionAt(o).line;
    const rows = configRows(analysis, kernels, lineOf);
    const best = kernels.find((k) => k.name === rows[0]!.name)!;
    const device = modelled.device;
    const sources = [...new Set(kernels.map((k) => CONFIG_SOURCE[k.config.source]))].join(", ");
    const head = `**\`@triton.jit\` kernel \`${fn}\`** · ${kernels.length} configuration${kernels.length === 1 ? "" : "s"} from ${sources}${device ? ` · modelled on ${device.name}, not measured` : ""}`;
    // The verdict is the best configuration's; the list compares them all.
    const verdict = kernelVerdict(modelled, best.name);
    const parts = [head, ...(verdict ? [verdict, "---"] : []), configListMarkdown(rows, kernels)];
    const assumed = rows.find((r) => r.assumed)?.assumed;
    if (assumed) parts.push(`Launch sizes ${assumed} (no launch in the file gives them).`);
    parts.push(`Shared memory and registers: ${best.resources.detail} (${best.resources.source}).`);
    const breakdown = kernelBreakdown(modelled, best.name);
    if (breakdown) parts.push(`**${kernels.length > 1 ? "Best configuration" : "Configuration"}** \`${best.configText}\`${launchWords(best, lineOf)}\n\n${breakdown}`);
    return { contents: { kind: MarkupKind.Markdown, value: parts.join("\n\n") }, range: spanToRange(doc, at) };
  }
  const access = accessHover(modelled, offset);
  return access ? { contents: { kind: MarkupKind.Markdown, value: access } } : null;
}

/** ` · grid 64×32×1 programs, from the launch at line 80` */
function launchWords(k: TritonKernelSummary, lineOf: (offset: number) => number): string {
  const { launch } = k;
  const grid = launch.grid ? `grid ${launch.grid.join("×")} ${TRITON_WORDS.workgroups}` : "grid unknown";
  const from =
    launch.source === "code" && launch.site ? `from the launch at line ${lineOf(launch.site.start) + 1}`
    : launch.source === "directive" ? "from the directives"
    : launch.source === "inferred" ? "inferred from the code, partly assumed"
    : "no launch known";
  return ` · ${grid}, ${from}`;
}

/** Outline: each kernel function with its configurations as children (detail: predicted time). */
export function tritonDocumentSymbols(doc: TextDocument, analysis: TritonFileAnalysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const lineOf = (o: number): number => doc.positionAt(o).line;
  for (const [fn, kernels] of tritonFunctions(analysis)) {
    const first = kernels[0]!;
    const range = spanToRange(doc, first.span);
    const inside = first.nameSpan.start >= first.span.start && first.nameSpan.end <= first.span.end;
    const selectionRange = inside ? spanToRange(doc, first.nameSpan) : range;
    const rows = configRows(analysis, kernels, lineOf);
    const children: DocumentSymbol[] =
      kernels.length > 1
        ? rows.map((r) => {
            const k = kernels.find((x) => x.name === r.name)!;
            const span = k.config.span && k.config.span.start >= first.span.start && k.config.span.end <= first.span.end ? k.config.span : undefined;
            return { name: r.configText, detail: r.predictedMs === null ? "no estimate" : `≈ ${timeText(r)} (modelled)`, kind: SymbolKind.Constant, range: span ? spanToRange(doc, span) : range, selectionRange: span ? spanToRange(doc, span) : selectionRange };
          })
        : [];
    const best = rows[0]!;
    const detail = `@triton.jit · ${kernels.length === 1 ? first.configText : `${kernels.length} configs`}${best.predictedMs === null ? "" : ` · best ≈ ${timeText(best)}`}`;
    out.push({ name: fn, detail, kind: SymbolKind.Event, range, selectionRange, children });
  }
  return out;
}

