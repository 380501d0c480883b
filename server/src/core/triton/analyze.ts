// Analyses one Python file's Triton kernels without Python: parse with tree-sitter-python, read the kernels and the
// configurations host code launches them with (host.ts), lower each (kernel, configuration) to the kernel IR at block
// level (lower.ts), resolve its launch and run the shared cost model, then Triton's own findings (findings.ts).
//
// The core stays pure: the caller passes a parser with the tree-sitter-python grammar loaded. A file that does not
// import triton is not parsed at all. Nothing here throws on bad input.
import type { AnalyzeOptions } from "../analysis/sourceTypes";
import type { CoreDiagnostic } from "../diagnostic";
import type { Directive } from "../directives/directives";
import type { KernelIR } from "../kernel/ir";
import { type LaunchSite, resolveLaunch, type ResolvedLaunch } from "../kernel/launch";
import { type ExactResources, type KernelAnalysis, modelKernel } from "../model/analyzeKernel";
import { DEFAULT_STEP_BUDGET } from "../model/budget";
import type { KernelModel } from "../model/types";
import type { Span } from "../span";
import { copyTree, type CudaParser, syntaxErrors } from "../cuda/syntax";
import { parsePythonDirectives } from "./directives";
import { tritonFindings } from "./findings";
import { readTritonProgram } from "./host";
import { lowerTritonKernel, type TritonFacts } from "./lower";
import type { HostValue, TritonFunction, TritonLaunch, TritonProgram } from "./program";
import { configKey, type TritonCompiledKernel, type TritonConfig, type TritonKernelSummary, type TritonResources, type TritonSourceAnalysis } from "./types";
import { tritonWords } from "./words";
import { launchKey, withPositions } from "../cuda/kernelCache";
import type { CNode, CopyReuse } from "../cuda/syntax";
import type { TritonSession } from "./session";

/** A configured tree-sitter parser with the Python grammar loaded (web-tree-sitter's Parser is one). */
export type PythonParser = CudaParser;

export interface TritonAnalyzeOptions {
  readonly parser: PythonParser;
  /** Run the cost model on this device (the WGSL front-end's options), with the compiler's numbers where known. */
  readonly model?: NonNullable<AnalyzeOptions["model"]> & { readonly compiled?: readonly TritonCompiledKernel[] };
  /** Milliseconds after which no further kernel or configuration is analysed. */
  readonly timeMs?: number;
  /**
   * What the previous analysis of the same document kept (session.ts): the tree is reparsed incrementally and
   * unchanged kernels are not lowered or modelled again. The result is the same without it.
   */
  readonly session?: TritonSession;
  /** Configurations analysed per kernel (an autotune list can be long). */
  readonly maxConfigs?: number;
}

/**
 * Whether a Python text imports triton (cheap: a file without it is never parsed): directly, or through a wrapper
 * module that re-exports it (vLLM's `from vllm.triton_utils import tl, triton`) when the file also uses `triton.jit`.
 */
export function importsTriton(text: string): boolean {
  if (/^[ \t]*(?:import[ \t]+triton\b|from[ \t]+triton\b)/m.test(text)) return true;
  return /^[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]+[^\n]*\btriton\b/m.test(text) && /\btriton\.jit\b/.test(text);
}

const DEFAULT_NUM_WARPS = 4;
const DEFAULT_NUM_STAGES = 3;
const MAX_CONFIGS = 32;
const MAX_KERNELS = 64;
/**
 * Counting steps the cost model may spend on one file, shared by its (kernel, configuration) pairs: a library file
 * with a dozen autotune configs per kernel would otherwise take the model's per-kernel budget a dozen times. Each
 * pair gets an equal share, but never less than MIN_STEPS_PER_CONFIG (small kernels count exactly far below it).
 */
const FILE_STEP_BUDGET = 8_000_000;
const MIN_STEPS_PER_CONFIG = 250_000;

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** What the analysis keeps of each analysed kernel besides its model: its facts, for findings and resources. */
export interface TritonAnalysedKernel {
  readonly summary: TritonKernelSummary;
  readonly facts: TritonFacts;
}

export function analyzeTritonSource(text: string, options: TritonAnalyzeOptions): TritonSourceAnalysis & { readonly facts: ReadonlyMap<string, TritonFacts> } {
  const t0 = now();
  const empty = { language: "triton" as const, text, importsTriton: false, diagnostics: [], kernels: [], models: new Map(), irs: new Map(), launches: new Map(), directives: [], facts: new Map(), timings: { parseMs: 0, readMs: 0, lowerMs: 0, modelMs: 0 } };
  if (!importsTriton(text)) return empty;
  const diagnostics: CoreDiagnostic[] = [];
  let program: TritonProgram;
  let parseMs = 0;
  const session = options.session;
  session?.begin();
  try {
    const tree = session ? session.parse(options.parser, text) : options.parser.parse(text);
    if (!tree) return { ...empty, importsTriton: true };
    try {
      for (const e of syntaxErrors(tree)) {
        diagnostics.push({ severity: "warning", code: "triton-syntax", message: e.missing ? `the Python grammar expected '${e.missing}' here; the analysis skips it` : "the Python grammar cannot parse this; the analysis skips it", span: { start: e.start, end: Math.max(e.end, e.start) }, source: "kernellens" });
      }
      let root: CNode;
      if (session) {
        // Unchanged top-level statements are taken from the previous copy (moved to where they stand now).
        const reuse: CopyReuse = { key: (type, start, end, decision) => `${type}\u0000${decision}\u0000${text.slice(start, end)}`, previous: session.copies, next: new Map() };
        root = copyTree(tree, () => true, reuse);
        session.copies = reuse.next;
      } else root = copyTree(tree, () => true);
      parseMs = now() - t0;
      program = readTritonProgram(root, text);
    } finally {
      // A session owns its tree (the next analysis reparses from it).
      if (!session) tree.delete?.();
    }
  } catch (err) {
    session?.reset();
    diagnostics.push({ severity: "error", code: "triton-parser", message: `the Python parser failed: ${(err as Error).message}`, span: { start: 0, end: 0 }, source: "kernellens" });
    return { ...empty, importsTriton: true, diagnostics };
  }
  const t1 = now();
  // A grid lambda reads the configuration's constexprs: host code alone cannot evaluate it, the analysis of each
  // configuration does (and says so where it cannot).
  for (const n of program.notes.filter((x) => !/^grid dimension/.test(x.message))) diagnostics.push({ severity: "info", code: "triton-host", message: n.message, span: n.span, source: "kernellens" });
  const parsed = parsePythonDirectives(text);
  diagnostics.push(...parsed.problems);

  const kernels: TritonKernelSummary[] = [];
  const models = new Map<string, KernelAnalysis>();
  const irs = new Map<string, KernelIR>();
  const launches = new Map<string, ResolvedLaunch>();
  const facts = new Map<string, TritonFacts>();
  let lowerMs = 0, modelMs = 0;
  const calledByKernels = helpersCalled(program, text);
  // A kernel is launched, autotuned, or else neither called nor passed by another jit function and touching memory:
  // an unlaunched function with no load or store is a helper (a combine function, an element function).
  const kernelFns = [...program.functions.values()].filter((f) => program.launches.some((l) => l.kernel === f.name) || f.autotune || (!calledByKernels.has(f.name) && touchesMemory(f, text, program.functions)));
  const scopes = scopeDirectives(text, parsed, kernelFns);
  const limit = options.maxConfigs ?? MAX_CONFIGS;
  const planned = kernelFns.slice(0, MAX_KERNELS).map((fn) => ({ fn, own: scopes.get(fn.name)! }));
  const stepsPerConfig = modelSteps(options.model?.budget?.steps, planned.reduce((n, p) => n + Math.min(limit, Math.max(1, p.own.configs.length || (p.fn.autotune?.configs.length ?? 0) || program.launches.filter((l) => l.kernel === p.fn.name).length)), 0));
  for (const { fn } of planned) {
    const own = scopes.get(fn.name)!;
    const configs = configsOf(fn, program, text, own.configs, diagnostics).map((c) => (own.pointerTypes.size > 0 ? { ...c, pointerTypes: new Map([...c.pointerTypes, ...own.pointerTypes]) } : c));
    if (configs.length > limit) diagnostics.push({ severity: "info", code: "triton-config-limit", message: `'${fn.name}' has ${configs.length} configurations: the first ${limit} are analysed`, span: fn.nameSpan, source: "kernellens" });
    const several = configs.length > 1;
    for (const [ci, c] of configs.slice(0, limit).entries()) {
      if (options.timeMs !== undefined && now() - t0 > options.timeMs) {
        const left = Math.min(limit, configs.length) - ci;
        diagnostics.push({ severity: "info", code: "triton-config-limit", message: `${left} of '${fn.name}''s ${configs.length} configurations ${left === 1 ? "is" : "are"} not analysed: the file's analysis time of ${options.timeMs} ms ran out (the command line analyses them all)`, span: fn.nameSpan, source: "kernellens" });
        break;
      }
      const config = c.config;
      const configText = shortConfig(config);
      const name = several ? `${fn.name} [${configText}]` : fn.name;
      const tl = now();
      let lowered: ReturnType<typeof lowerTritonKernel>;
      // What the lowering reads: the kernel's and its helpers' texts, the configuration and the host's values.
      const reads = sourcesOf(fn, program, text);
      const lowerKey = `lower\u0000${reads.texts.join("\u0001")}\u0000${name}\u0000${JSON.stringify([configKey(c.config), c.config.source, c.pointerTypes, c.ints, program.globals, options.model?.device.computeCapability], withPositionsFree)}`;
      try {
        const lower = (): ReturnType<typeof lowerTritonKernel> => lowerTritonKernel({
          fn, functions: program.functions, text, name,
          constexprs: new Map(config.constexprs.map((x) => [x.name, x.value])),
          numWarps: config.numWarps, numStages: config.numStages,
          pointerTypes: c.pointerTypes, knownInts: c.ints, globals: program.globals,
          computeCapability: options.model?.device.computeCapability,
        });
        lowered = session ? session.reuse(lowerKey, reads.ranges, lower) : lower();
      } catch (err) {
        diagnostics.push({ severity: "info", code: "model-failed", message: `KernelLens could not lower '${name}' (please report it): ${(err as Error).message}`, span: fn.nameSpan, source: "kernellens" });
        continue;
      } finally {
        lowerMs += now() - tl;
      }
      const ir = lowered.ir;
      const threads = config.numWarps * 32;
      const site: LaunchSite = {
        block: [threads, 1, 1],
        ...(c.grid ? { dispatch: c.grid } : {}),
        values: c.ints,
        bufferCounts: c.bufferCounts,
        directiveFor: (pname, value) => (pname === "dispatch" ? `# @grid ${(Array.isArray(value) ? value : [value]).join(", ")}` : `# @arg ${pname} = ${Array.isArray(value) ? value[0] : value}`),
      };
      let launch: ResolvedLaunch;
      try {
        launch = resolveLaunch(ir, own.directives, { given: options.model?.given, subgroupSize: options.model?.device.warpSize ?? 32, infer: { problemSize: options.model?.problemSize }, site });
      } catch (err) {
        diagnostics.push({ severity: "info", code: "model-failed", message: `KernelLens could not resolve the launch of '${name}' (please report it): ${(err as Error).message}`, span: fn.nameSpan, source: "kernellens" });
        continue;
      }
      for (const p of launch.problems) diagnostics.push(p);
      const compiled = options.model?.compiled?.find((k) => k.function === fn.name && k.configKey === configKey(config));
      const resources: TritonResources = compiled
        ? { sharedBytes: compiled.sharedBytes, registersPerThread: compiled.registersPerThread, source: "exact", detail: compiled.source, spills: compiled.spills }
        : { sharedBytes: lowered.facts.sharedBytes, registersPerThread: lowered.facts.registers, source: "estimated", detail: `shared memory: ${lowered.facts.sharedDetail}; registers: ${lowered.facts.registerDetail}` };
      irs.set(name, ir);
      launches.set(name, launch);
      facts.set(name, lowered.facts);
      const source: TritonKernelSummary["launch"]["source"] = !launch.input ? "none" : own.directives.some((d) => d.kind === "dispatch") ? "directive" : c.grid ? "code" : "inferred";
      kernels.push({ name, function: fn.name, nameSpan: fn.nameSpan, span: fn.span, config, configText, launch: { grid: launch.dispatch, source, ...(c.site ? { site: c.site } : {}) }, resources });
      if (!options.model) continue;
      try {
        const tm = now();
        // The cubin gives the stack frame (local memory per thread), not the split into spill stores and loads:
        // it is reported, and no spill traffic is charged on a guess.
        const exact: ExactResources | undefined = compiled ? { registers: compiled.registersPerThread, staticSharedBytes: compiled.sharedBytes, stackBytes: compiled.spills, source: compiled.source } : undefined;
        // The file's time limit (the language server's) also bounds each model, not only the start of the next one.
        const timeLeft = options.timeMs !== undefined ? Math.max(1, options.timeMs - (now() - t0)) : undefined;
        const budget = { ...options.model.budget, steps: stepsPerConfig, ...(timeLeft !== undefined && options.model.budget?.clock === undefined ? { timeMs: timeLeft, clock: now } : {}) };
        const device = options.model.device;
        const run = (): { model: KernelModel; kernelDiagnostics: CoreDiagnostic[] } => {
          const result = modelKernel(ir, launch, device, budget, exact);
          const model = withoutSlots(result.model, lowered.facts);
          const kernelDiagnostics: CoreDiagnostic[] = [
            ...result.findings.filter((f) => f.code !== "webgpu-limits").map((f) => ({ severity: f.severity, code: f.code, message: tritonWords(f.message), span: f.span, source: "kernellens" as const })),
            ...tritonFindings({ name, fn, config, facts: lowered.facts, launch, model, device, resources }),
          ];
          return { model, kernelDiagnostics };
        };
        // A model cut short by the clock is an estimate of this moment's load: never kept.
        const modelKey = `${lowerKey}\u0000${launchKey(launch, JSON.stringify([device, options.model.budget?.steps, stepsPerConfig, exact ?? null, resources], withPositions))}`;
        const { model, kernelDiagnostics } = session ? session.reuse(modelKey, reads.ranges, run, (r) => !r.model.unknowns.some((u) => /sampled estimates/.test(u.reason))) : run();
        modelMs += now() - tm;
        models.set(name, { model, diagnostics: kernelDiagnostics });
        diagnostics.push(...kernelDiagnostics.map((d) => (several ? { ...d, message: `${d.message} (configuration ${configText})` } : d)));
      } catch (err) {
        diagnostics.push({ severity: "info", code: "model-failed", message: `the cost model failed on '${name}' (please report it): ${(err as Error).message}`, span: fn.nameSpan, source: "kernellens" });
      }
    }
  }
  session?.end();
  return {
    language: "triton", text, importsTriton: true, diagnostics: onePerPlace(diagnostics), kernels, models, irs, launches, directives: parsed.directives, facts,
    timings: { parseMs, readMs: t1 - t0 - parseMs, lowerMs, modelMs },
  };
}

/** Maps and sets as entry lists, for keys (values only: the texts the key holds carry the positions). */
function withPositionsFree(_k: string, v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()];
  if (v instanceof Set) return [...v.values()];
  return v;
}

/**
 * The texts a kernel's lowering reads, and where they stand: its definition and every @triton.jit function it calls,
 * directly or through another (found by name, as the lowering inlines them).
 */
function sourcesOf(fn: TritonFunction, program: TritonProgram, text: string): { texts: string[]; ranges: Span[] } {
  const used = namesUsed(program, text);
  const seen = new Set<string>([fn.name]);
  const queue = [fn.name];
  while (queue.length > 0) {
    for (const g of used.get(queue.pop()!) ?? []) {
      if (seen.has(g)) continue;
      seen.add(g);
      queue.push(g);
    }
  }
  const fns = [fn, ...[...program.functions.values()].filter((g) => g !== fn && seen.has(g.name)).sort((a, b) => (a.name < b.name ? -1 : 1))];
  return { texts: fns.map((f) => `${f.name}\u0002${text.slice(f.span.start, f.span.end)}`), ranges: fns.map((f) => f.span) };
}

/** Each (kernel, configuration)'s share of the file's counting steps, within the caller's per-kernel budget. */
function modelSteps(callerSteps: number | undefined, configs: number): number {
  const share = Math.max(MIN_STEPS_PER_CONFIG, Math.floor(FILE_STEP_BUDGET / Math.max(1, configs)));
  return Math.min(callerSteps ?? DEFAULT_STEP_BUDGET, share);
}

/** A configuration to analyse, with the launch values that go with it. */
interface ConfigCase {
  readonly config: TritonConfig;
  readonly pointerTypes: ReadonlyMap<string, string>;
  readonly ints: ReadonlyMap<string, number>;
  readonly bufferCounts: ReadonlyMap<string, number>;
  readonly grid?: readonly [number, number, number];
  readonly site?: Span;
}

/**
 * The configurations of a kernel: `# @config` lines above it win; else each `triton.Config` of its autotune list
 * with its first launch's arguments; else each distinct launch in the file; else the constexprs' defaults.
 */
function configsOf(fn: TritonFunction, program: TritonProgram, text: string, directives: readonly { values: ReadonlyMap<string, number | boolean | string>; numWarps?: number; numStages?: number; span: Span }[], diagnostics: CoreDiagnostic[]): ConfigCase[] {
  const launches = program.launches.filter((l) => l.kernel === fn.name);
  const out: ConfigCase[] = [];
  const seen = new Set<string>();
  const add = (values: ReadonlyMap<string, number | boolean | string>, numWarps: number | undefined, numStages: number | undefined, source: TritonConfig["source"], span: Span | undefined, launch: TritonLaunch | undefined): void => {
    const args = new Map<string, HostValue>(launch?.args ?? []);
    for (const [k, v] of values) args.set(k, typeof v === "number" ? (Number.isInteger(v) ? { k: "int", v } : { k: "float", v }) : typeof v === "boolean" ? { k: "bool", v } : { k: "str", v });
    // Heuristics compute constexprs from the other arguments.
    for (const h of fn.heuristics ?? []) {
      if (args.has(h.name) && values.has(h.name)) continue;
      const v = h.compute(args);
      if (v.k === "int" || v.k === "float" || v.k === "bool" || v.k === "str") args.set(h.name, v);
    }
    const constexprs: { name: string; value: number | boolean | string }[] = [];
    for (const p of fn.params) {
      if (!p.constexpr) continue;
      const v = args.get(p.name);
      const value = v && (v.k === "int" || v.k === "float" || v.k === "bool" || v.k === "str") ? v.v : defaultOf(p.defaultValue, program, text);
      if (value !== undefined) constexprs.push({ name: p.name, value });
    }
    const config: TritonConfig = { constexprs, numWarps: numWarps ?? launch?.numWarps ?? DEFAULT_NUM_WARPS, numStages: numStages ?? launch?.numStages ?? DEFAULT_NUM_STAGES, source, ...(span ? { span } : {}) };
    const key = configKey(config);
    if (seen.has(key)) return;
    seen.add(key);
    const pointerTypes = new Map<string, string>();
    const ints = new Map<string, number>();
    const bufferCounts = new Map<string, number>();
    for (const p of fn.params) {
      const v = args.get(p.name);
      if (!v) continue;
      if (v.k === "tensor") {
        if (v.dtype) pointerTypes.set(p.name, v.dtype);
        if (v.shape && v.shape.every((d) => d !== undefined)) bufferCounts.set(p.name, v.shape.reduce<number>((a, d) => a * (d as number), 1));
      } else if (v.k === "int" && !p.constexpr) ints.set(p.name, v.v);
      else if (v.k === "bool" && !p.constexpr) ints.set(p.name, v.v ? 1 : 0);
    }
    let grid: [number, number, number] | undefined;
    if (launch) {
      const meta = new Map<string, HostValue>(args);
      for (const c of constexprs) meta.set(c.name, typeof c.value === "number" ? { k: "int", v: c.value } : typeof c.value === "boolean" ? { k: "bool", v: c.value } : { k: "str", v: c.value });
      const g = safeGrid(launch, meta);
      if (g && g.length > 0 && g.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0)) grid = [g[0] as number, (g[1] as number) ?? 1, (g[2] as number) ?? 1];
      else diagnostics.push({ severity: "info", code: "triton-grid", message: `the grid '${launch.gridText}' of this launch cannot be evaluated from the file: the number of programs is inferred (state it with # @grid above the kernel)`, span: launch.span, source: "kernellens" });
    }
    out.push({ config, pointerTypes, ints, bufferCounts, ...(grid ? { grid } : {}), ...(launch ? { site: launch.span } : {}) });
  };
  if (directives.length > 0) {
    for (const d of directives) add(d.values, d.numWarps, d.numStages, "directive", d.span, launches[0]);
    return out;
  }
  const tuned = fn.autotune?.configs ?? [];
  if (tuned.length > 0) {
    for (const c of tuned) add(c.constexprs, c.numWarps, c.numStages, "autotune", c.span, launches[0]);
    return out;
  }
  if (fn.autotune?.unreadable) diagnostics.push({ severity: "info", code: "triton-autotune", message: `the autotune configs cannot be read from the file (${fn.autotune.unreadable}): state one with # @config above the kernel`, span: fn.autotune.span, source: "kernellens" });
  for (const l of launches.slice(0, 8)) add(new Map(), undefined, undefined, "launch", l.span, l);
  if (out.length === 0) add(new Map(), undefined, undefined, "default", undefined, undefined);
  return out;
}

function safeGrid(launch: TritonLaunch, meta: ReadonlyMap<string, HostValue>): readonly (number | undefined)[] | undefined {
  try {
    return launch.grid(meta);
  } catch {
    return undefined;
  }
}

/** A constexpr parameter's default, where it is a literal or a module constant. */
function defaultOf(node: TritonFunction["params"][number]["defaultValue"], program: TritonProgram, text: string): number | boolean | string | undefined {
  if (!node) return undefined;
  const nodeText = (n: { start: number; end: number }): string => text.slice(n.start, n.end).replace(/_/g, "");
  if (node.type === "integer" || node.type === "float") return Number(nodeText(node));
  if (node.type === "true") return true;
  if (node.type === "false") return false;
  if (node.type === "identifier") {
    const g = program.globals.get(nodeText(node));
    if (g && (g.k === "int" || g.k === "float" || g.k === "bool" || g.k === "str")) return g.v;
  }
  return undefined;
}

/** `BLOCK_M=128 BLOCK_N=256 w8 s3`: what tells configurations apart. */
export function shortConfig(c: TritonConfig): string {
  return [...c.constexprs.filter((x) => typeof x.value !== "string" || x.value.length < 12).map((x) => `${x.name}=${String(x.value)}`), `w${c.numWarps}`, `s${c.numStages}`].join(" ");
}

/**
 * Names of @triton.jit functions other jit functions call, or pass (`tl.associative_scan(x, 0, combine)`,
 * `tl.reduce(x, 1, combine)`): helpers, not kernels unless launched.
 */
function helpersCalled(program: TritonProgram, text: string): Set<string> {
  const out = new Set<string>();
  for (const names of namesUsed(program, text).values()) for (const g of names) out.add(g);
  return out;
}

/**
 * For each jit function, the other jit functions its body names (called, or passed by name as a combine function):
 * one scan of identifiers per body, kept per program (every keystroke asks).
 */
function namesUsed(program: TritonProgram, text: string): ReadonlyMap<string, ReadonlySet<string>> {
  const known = usedNames.get(program);
  if (known) return known;
  const m = new Map<string, ReadonlySet<string>>();
  for (const f of program.functions.values()) {
    const body = text.slice(f.node.start, f.node.end);
    const names = new Set<string>();
    for (const id of body.matchAll(/[A-Za-z_]\w*/g)) if (id[0] !== f.name && program.functions.has(id[0])) names.add(id[0]);
    m.set(f.name, names);
  }
  usedNames.set(program, m);
  return m;
}

const usedNames = new WeakMap<TritonProgram, ReadonlyMap<string, ReadonlySet<string>>>();

/**
 * Whether a jit function loads, stores or makes a pointer to memory, itself or through the jit helpers it calls (a
 * kernel can; a pure element function cannot).
 */
function touchesMemory(f: TritonFunction, text: string, functions: ReadonlyMap<string, TritonFunction>, seen = new Set<string>()): boolean {
  seen.add(f.name);
  const body = text.slice(f.node.start, f.node.end);
  if (/\b(?:load|store|atomic_\w+|make_block_ptr|make_tensor_descriptor|_experimental_descriptor_load)\s*\(/.test(body)) return true;
  for (const g of functions.values()) if (!seen.has(g.name) && new RegExp(`\\b${g.name}\\s*\\(`).test(body) && touchesMemory(g, text, functions, seen)) return true;
  return false;
}

/** Directives above a kernel's decorators are its own; those before the first definition apply to every kernel. */
function scopeDirectives(text: string, parsed: ReturnType<typeof parsePythonDirectives>, fns: readonly TritonFunction[]): Map<string, { directives: Directive[]; configs: ReturnType<typeof parsePythonDirectives>["configs"][number][]; pointerTypes: Map<string, string> }> {
  const out = new Map(fns.map((f) => [f.name, { directives: [] as Directive[], configs: [] as ReturnType<typeof parsePythonDirectives>["configs"][number][], pointerTypes: new Map<string, string>() }]));
  const first = fns.length > 0 ? Math.min(...fns.map((f) => f.span.start)) : Infinity;
  const firstDef = /^(?:def|class|@)/m.exec(text)?.index ?? Infinity;
  const owner = (at: number): TritonFunction | "all" | undefined => {
    const next = nextCode(text, at);
    const f = fns.find((x) => x.span.start === next);
    if (f) return f;
    return at < Math.min(first, firstDef) ? "all" : undefined;
  };
  for (const d of parsed.directives) {
    const o = owner(d.span.end);
    if (o === "all") for (const v of out.values()) v.directives.push(d);
    else if (o) out.get(o.name)!.directives.push(d);
  }
  for (const c of parsed.configs) {
    const o = owner(c.span.end);
    if (o && o !== "all") out.get(o.name)!.configs.push(c);
  }
  for (const p of parsed.pointerTypes) {
    const o = owner(p.span.end);
    if (o === "all") for (const v of out.values()) v.pointerTypes.set(p.name, p.dtype);
    else if (o) out.get(o.name)!.pointerTypes.set(p.name, p.dtype);
  }
  return out;
}

/** The next offset that is code: blank lines and comments skipped. */
function nextCode(text: string, pos: number): number {
  let i = pos;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
    else if (c === "#") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl + 1;
    } else break;
  }
  return i;
}

/** The model without the per-thread vector slots (IR loops of the layout, not loops of the source). */
function withoutSlots(m: KernelModel, facts: TritonFacts): KernelModel {
  const slotSpans = new Set(facts.accesses.map((a) => `${a.span.start}:${a.span.end}`));
  return {
    ...m,
    loops: m.loops.filter((l) => !(slotSpans.has(`${l.span.start}:${l.span.end}`) && l.headerEnd === l.span.start) && l.headerEnd !== l.span.start),
    unknowns: m.unknowns.map((u) => ({ ...u, reason: tritonWords(u.reason) })),
    assumptions: m.assumptions.map((a) => ({ ...a, reason: tritonWords(a.reason) })),
  };
}

/** One diagnostic per place and message (a finding of several configurations is said once). */
function onePerPlace(list: readonly CoreDiagnostic[]): CoreDiagnostic[] {
  const seen = new Set<string>();
  const out: CoreDiagnostic[] = [];
  for (const d of list) {
    const key = `${d.code}:${d.span.start}:${d.span.end}:${d.message.replace(/ \(configuration [^)]*\)$/, "")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

