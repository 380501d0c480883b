// Analyses one CUDA file without a compiler: prepare (preprocess, blank), parse with tree-sitter, find kernels and
// the launches host code writes, lower each kernel instantiation to the kernel IR, resolve its launch and run the
// shared cost model. Every span in the result is in the ORIGINAL text (mapped back through the preprocessor).
//
// The core stays pure: the caller passes a configured parser (web-tree-sitter with the tree-sitter-cuda grammar
// loaded); loading the grammar's .wasm is the adapter's job. Nothing here throws on bad input.
import type { CoreDiagnostic } from "../diagnostic";
import { type Directive, parseDirectives } from "../directives/directives";
import { chooseVariant } from "../directives/variant";
import { evaluateDExpr } from "../directives/expr";
import { evaluateLaunch } from "../directives/launch";
import type { KernelIR } from "../kernel/ir";
import { DYNAMIC_SHARED_PARAM, launchConstant, type LaunchSite, resolveLaunch, type ResolvedLaunch } from "../kernel/launch";
import { assumedSize, DEFAULT_ASSUMED_PROBLEM_SIZE } from "../kernel/inferLaunch";
import { cst, isConst, varsOf } from "../kernel/vexpr";
import { type KernelAnalysis, modelKernel } from "../model/analyzeKernel";
import type { KernelModel } from "../model/types";
import type { AnalyzeOptions } from "../analysis/sourceTypes";
import type { IncludeResolution, PreprocessResult } from "../preprocess/preprocess";
import { toOriginalSpan } from "../preprocess/originalSpan";
import { oncePerAccess, quantAccessFindings, quantFindings } from "../quant/findings";
import type { Span } from "../span";
import { siteKey, siteOf, templateArgText } from "./launches";
import { Interp, type LaunchRecord, type LowerContext, type TemplateArg } from "./lower";
import { type CompiledKernel, exactResourcesOf, findCompiledKernel } from "./compiledResources";
import { prepareCuda } from "./prepare";
import { collectProgram, declaredName, type FunctionInfo } from "./program";
import { type CNode, type CopyPolicy, type CopyReuse, copyTree, type CudaParser, field, kids, namedKids, type SyntaxTree, syntaxErrors } from "./syntax";
import { launchKey, type ModelSlot, withPositions } from "./kernelCache";
import type { CudaSession } from "./session";
import { builtinType, sizeOf } from "./types";
import { cudaWords } from "./words";
import { syncDiagnostics } from "./syncChecks";

export type { CudaParser, CudaSession };

export interface CudaAnalyzeOptions {
  /** A configured parser with the tree-sitter-cuda grammar loaded (web-tree-sitter's Parser). */
  readonly parser: CudaParser;
  /** Defines of the variant (`NAME` or `NAME=value`), from a setting or the command line. */
  readonly defines?: readonly string[];
  /** Reads `#include "file"` relative to the including file; headers it cannot find are left unexpanded. */
  readonly resolveInclude?: (path: string, fromKey: string) => IncludeResolution;
  /** Run the cost model for every analysed kernel on this device: the WGSL front-end's options, plus ptxas's numbers. */
  readonly model?: NonNullable<AnalyzeOptions["model"]> & {
    /**
     * Each kernel's registers and static shared memory as ptxas reported them (demangled names), used instead of the
     * estimates for the analysed kernel with the same function name and template arguments; occupancy is then exact.
     */
    readonly compiled?: readonly CompiledKernel[];
  };
  /** Leave the parsed tree alone (a caller that reparses incrementally owns it); by default it is deleted when read. */
  readonly keepTree?: boolean;
  /**
   * What the previous analysis of the same document kept (session.ts): the tree is reparsed incrementally and
   * unchanged declarations and kernels are not copied, lowered or modelled again. The result is the same without it.
   */
  readonly session?: CudaSession;
  /** Bounds for files with many kernels or template instantiations (defaults in DEFAULT_CUDA_LIMITS). */
  readonly limits?: Partial<CudaLimits>;
}

export interface CudaLimits {
  /** Analysed kernels per file (instantiations and launches counted each). */
  readonly maxKernels: number;
  /** Instantiations of one template kernel. */
  readonly maxInstantiations: number;
  /** Distinct launches of one instantiation. */
  readonly maxLaunches: number;
  /** Statements of host code read, over the whole file. */
  readonly hostStatements: number;
  /** Milliseconds after which no further kernel is analysed (the language server gives each keystroke a budget). */
  readonly timeMs: number;
}

export const DEFAULT_CUDA_LIMITS: CudaLimits = { maxKernels: 128, maxInstantiations: 16, maxLaunches: 4, hostStatements: 20_000, timeMs: Infinity };

/** The launch of an analysed kernel, as numbers, with where it came from. */
export interface CudaLaunchSummary {
  readonly grid: readonly [number, number, number] | null;
  readonly block: readonly [number, number, number] | null;
  readonly dynamicSharedBytes: number | null;
  /** `code`: a launch in this file gives the sizes; `directive`: comment lines do; `inferred`: the model assumed them. */
  readonly source: "code" | "directive" | "inferred" | "none";
  /** The launch expression in the original text, when one in this file is analysed. */
  readonly site?: Span;
}

export interface CudaKernelSummary {
  /** The analysed kernel's name: the function, its template arguments, and the launch's line when it has several. */
  readonly name: string;
  readonly function: string;
  readonly nameSpan: Span;
  /** The whole definition (from `template` to the closing brace). */
  readonly span: Span;
  readonly templateArgs: readonly { readonly name: string; readonly value: string }[];
  readonly launch: CudaLaunchSummary;
}

export interface CudaSourceAnalysis {
  readonly language: "cuda";
  readonly text: string;
  readonly pre: PreprocessResult;
  /** Syntax (`cuda-syntax`), preprocessor and directive problems, and the model's findings, in the original text. */
  readonly diagnostics: readonly CoreDiagnostic[];
  readonly kernels: readonly CudaKernelSummary[];
  /** The cost model of each analysed kernel by name (with a device), spans in the original text. */
  readonly models: ReadonlyMap<string, KernelAnalysis>;
  /** Each analysed kernel's IR (spans in the analysed text) and resolved launch. */
  readonly irs: ReadonlyMap<string, KernelIR>;
  readonly launches: ReadonlyMap<string, ResolvedLaunch>;
  readonly directives: readonly Directive[];
  /** Milliseconds spent preparing, parsing, copying the tree, and on everything after that. */
  readonly timings: {
    readonly prepareMs: number;
    readonly parseMs: number;
    readonly copyMs: number;
    /** Everything after the tree was copied: launches, lowering, launch resolution, the model. */
    readonly analyzeMs: number;
    /** Of `analyzeMs`: reading the launches in host code, lowering the kernels, the shared cost model (modelKernel). */
    readonly hostMs: number;
    readonly lowerMs: number;
    readonly modelMs: number;
  };
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

const LAUNCHES = /<<<|cudaLaunch(Cooperative)?Kernel/;

/** The line starts of a text, for offset -> line. */
function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) out.push(i + 1);
  return out;
}

function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

interface FnShape {
  readonly node: CNode;
  readonly name: string;
  readonly device: boolean;
  readonly body: { start: number; end: number } | undefined;
}

/** Function definitions of a shallow copy: name, whether device code, where the body is. */
function functionShapes(root: CNode, text: string): FnShape[] {
  const out: FnShape[] = [];
  const visit = (nodes: readonly CNode[]): void => {
    for (const n of nodes) {
      if (n.type === "function_definition") {
        const decl = field(n, "declarator");
        let fd = decl;
        for (let i = 0; fd && fd.type !== "function_declarator" && i < 8; i++) fd = field(fd, "declarator");
        const id = declaredName(fd ? field(fd, "declarator") : decl, text);
        const body = field(n, "body");
        const device = kids(n).some((k) => !k.named && (k.type === "__global__" || k.type === "__device__"));
        if (id) out.push({ node: n, name: text.slice(id.start, id.end), device, body: body ? { start: body.start, end: body.end } : undefined });
      } else if (n.children && /^(translation_unit|namespace_definition|declaration_list|linkage_specification|template_declaration)$/.test(n.type)) {
        visit(n.children);
      } else if (n.type === "namespace_definition" || n.type === "linkage_specification") {
        const b = field(n, "body");
        if (b?.children) visit(b.children);
      }
    }
  };
  visit(kids(root));
  return out;
}

/**
 * The host functions to read whole: those that launch kernels, the functions that call them (so a wrapper's
 * arguments come from its caller), and small helpers they call (`ceil_div`). Everything else in host code is skipped.
 */
function hostFunctionsToRead(shapes: readonly FnShape[], text: string): Set<CNode> {
  const host = shapes.filter((s) => !s.device && s.body);
  const bodyText = (s: FnShape): string => text.slice(s.body!.start, s.body!.end);
  const needed = new Set<FnShape>(host.filter((s) => LAUNCHES.test(bodyText(s))));
  const calls = (s: FnShape, name: string): boolean => new RegExp(`\\b${name.replace(/[^\w]/g, "")}\\s*(<[^;{}]*>)?\\s*\\(`).test(bodyText(s));
  for (let round = 0; round < 8; round++) {
    let grew = false;
    for (const s of host) {
      if (needed.has(s)) continue;
      const isCaller = [...needed].some((t) => t !== s && calls(s, t.name));
      const isHelper = s.body!.end - s.body!.start < 3000 && [...needed].some((t) => t !== s && calls(t, s.name));
      if (isCaller || isHelper) {
        needed.add(s);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return new Set([...needed].map((s) => s.node));
}

export function analyzeCudaSource(text: string, options: CudaAnalyzeOptions): CudaSourceAnalysis {
  const t0 = now();
  const cc = options.model?.device.computeCapability;
  const arch = cc && /^\d+\.\d+$/.test(cc) ? Math.round(Number(cc) * 100) : undefined;
  // `// @define` lines choose the variant as they do for WGSL; without them the caller's defines apply.
  const parsed = parseDirectives(text);
  const { defines } = chooseVariant(parsed.directives, options.defines);
  const prepared = prepareCuda(text, { defines, resolveInclude: options.resolveInclude, cudaArch: arch });
  const diagnostics: CoreDiagnostic[] = [...prepared.diagnostics];
  const pre = prepared.pre;
  const t1 = now();
  const empty = (parseMs: number, copyMs: number): CudaSourceAnalysis => ({
    language: "cuda", text, pre, diagnostics, kernels: [], models: new Map(), irs: new Map(), launches: new Map(), directives: [],
    timings: { prepareMs: t1 - t0, parseMs, copyMs, analyzeMs: 0, hostMs: 0, lowerMs: 0, modelMs: 0 },
  });
  const original = (s: Span): Span => toOriginalSpan(pre, s).span;

  const session = options.session;
  let tree: SyntaxTree | null = null;
  try {
    tree = session ? session.parse(options.parser, prepared.text) : options.parser.parse(prepared.text);
  } catch (err) {
    session?.reset();
    diagnostics.push({ severity: "error", code: "cuda-parser", message: `the CUDA parser failed: ${(err as Error).message}`, span: { start: 0, end: 0 }, source: "kernellens" });
  }
  const t2 = now();
  if (!tree) return empty(t2 - t1, 0);

  let root: CNode;
  // How host bodies were copied (which statements were kept): part of what a cached kernel that inlines one read.
  let hostCopySig = "";
  /** A copy that takes unchanged top-level declarations from the session's previous copy of the same kind. */
  const copy = (kind: string, policy: CopyPolicy, key: CopyReuse["key"]): CNode => {
    if (!session) return copyTree(tree!, policy);
    const reuse: CopyReuse = { key, previous: session.copies.get(kind) ?? new Map(), next: new Map() };
    const out = copyTree(tree!, policy, reuse);
    session.copies.set(kind, reuse.next);
    return out;
  };
  try {
    // The grammar is not the compiler: what it cannot read is skipped and said as a warning (nvcc's own diagnostics,
    // from the background compile, are the authority on real errors). An included file gets one warning, at the
    // #include that brought it in, however many places in it the grammar could not read.
    const inFiles = new Map<string, { span: Span; fileSpan: Span; count: number }>();
    for (const e of syntaxErrors(tree)) {
      const mapped = toOriginalSpan(pre, e);
      if (mapped.file) {
        const seen = inFiles.get(mapped.file);
        if (seen) seen.count++;
        else inFiles.set(mapped.file, { span: mapped.span, fileSpan: mapped.fileSpan, count: 1 });
        continue;
      }
      const what = e.missing ? `expected '${e.missing}' here` : "cannot parse this";
      diagnostics.push({ severity: "warning", code: "cuda-syntax", message: `the CUDA grammar ${what}; the analysis skips it (nvcc's diagnostics say whether it is an error)`, span: mapped.span, source: "kernellens" });
    }
    for (const [file, f] of inFiles) {
      const places = f.count === 1 ? "a place" : `${f.count} places`;
      const message = `the CUDA grammar cannot parse ${places} in included file '${file}'; the analysis skips ${f.count === 1 ? "it" : "them"} (nvcc's diagnostics say whether ${f.count === 1 ? "it is an error" : "they are errors"})`;
      diagnostics.push({ severity: "warning", code: "cuda-syntax", message, span: f.span, source: "kernellens", related: [{ message: "first place the grammar cannot parse", file, span: f.fileSpan }] });
    }
    // First the outline (function bodies skipped), then the functions the analysis reads, whole.
    const outline = copy("outline", (type) => (type === "function_definition" ? "shallow" : type !== "compound_statement"), (_type, start, end, decision) => `${decision}\u0000${prepared.text.slice(start, end)}`);
    const shapes = functionShapes(outline, prepared.text);
    const hostToRead = hostFunctionsToRead(shapes, prepared.text);
    const device = new Set<number>(shapes.filter((s) => s.device).map((s) => s.node.start));
    const hostStarts = new Set<number>([...hostToRead].map((n) => n.start));
    const hostBodies = shapes.filter((s) => hostStarts.has(s.node.start) && s.body).map((s) => s.body!);
    // Host code is read statement by statement: loops that launch nothing (filling input arrays) are skipped.
    const launchers = shapes.filter((s) => hostStarts.has(s.node.start)).map((s) => s.name.replace(/\W/g, ""));
    const keepLoop = new RegExp(`<<<|cudaLaunch|cudaMalloc${launchers.length > 0 ? `|\\b(?:${launchers.join("|")})\\s*[(<]` : ""}`);
    // Statements that can change what a launch sees: assignments, allocations, launches, calls of launching functions.
    const keepStatement = new RegExp(`[^=!<>]=[^=]|\\+\\+|--|${keepLoop.source}|alloc|\\bnew\\b|vector`);
    const inHostBody = (start: number, end: number): boolean => hostBodies.some((b) => start >= b.start && end <= b.end);
    hostCopySig = keepStatement.source;
    // A top-level declaration's copy follows from its text and, for a host function read whole, which statements
    // the patterns keep.
    const copyKey = (_type: string, start: number, end: number, decision: true | "shallow"): string =>
      `${decision}\u0000${decision === "shallow" && hostStarts.has(start) ? hostCopySig : ""}\u0000${prepared.text.slice(start, end)}`;
    root = copy("analysis", (type, start, end) => {
      if (type === "function_definition") return device.has(start) ? true : "shallow";
      if (!inHostBody(start, end)) return type !== "compound_statement";
      if (/^(for_statement|while_statement|do_statement|for_range_loop)$/.test(type)) return keepLoop.test(prepared.text.slice(start, end));
      if (type === "expression_statement") return keepStatement.test(prepared.text.slice(start, end));
      return /^(compound_statement|if_statement|else_clause|switch_statement|case_statement|try_statement|labeled_statement)$/.test(type) ? "shallow" : true;
    }, copyKey);
  } finally {
    // A session owns its tree (the next analysis reparses from it).
    if (!options.keepTree && !session) tree.delete?.();
  }
  const t3 = now();

  const starts = lineStarts(text);
  const prog = collectProgram(root, prepared.text, pre, text);
  const objectMacros = new Map<string, string>();
  for (const d of pre.defines) {
    const eq = d.indexOf("=");
    if (eq > 0) objectMacros.set(d.slice(0, eq), d.slice(eq + 1));
  }
  const snippets = snippetCache(options.parser);
  const ctx: LowerContext = {
    prog,
    pragmas: prepared.pragmas,
    aligns: prepared.aligns,
    objectMacros,
    parseSnippet: (snippet) => {
      const cached = snippets.get(snippet);
      if (cached !== undefined) return cached;
      const root = parseSnippet(snippet);
      // Kept across analyses of the same parser (each keystroke re-reads the same macros), up to a bound.
      if (snippets.size >= SNIPPET_CACHE_SIZE) snippets.delete(snippets.keys().next().value!);
      snippets.set(snippet, root);
      return root;
    },
    lineOf: (offset) => lineAt(starts, original({ start: offset, end: offset }).start),
  };
  function parseSnippet(snippet: string): CNode | null {
      try {
        const t = options.parser.parse(snippet);
        if (!t) return null;
        try {
          return copyTree(t, () => true);
        } finally {
          t.delete?.();
        }
      } catch {
        return null;
      }
  }

  const th = now();
  // Launches in host code: each reading root (a launching function nobody in the file calls, or its callers).
  const limits: CudaLimits = { ...DEFAULT_CUDA_LIMITS, ...(options.limits ?? {}) };
  const records: LaunchRecord[] = [];
  // Host functions copied whole (those that launch kernels, their callers and helpers).
  const hostFns = prog.hostFunctions.filter((f) => !!f.body && f.body.children !== null);
  const called = new Set<string>();
  const callsOf = new Map(hostFns.map((g) => [g, new RegExp(`\\b${g.name.replace(/\W/g, "")}\\s*(<[^;{}]*>)?\\s*\\(`)]));
  for (const f of hostFns) {
    const body = f.body ? prog.text.slice(f.body.start, f.body.end) : "";
    for (const g of hostFns) if (g !== f && !called.has(g.name) && callsOf.get(g)!.test(body)) called.add(g.name);
  }
  const cache = session?.kernels;
  cache?.begin({ prog, pragmas: prepared.pragmas, aligns: prepared.aligns, lineOf: ctx.lineOf, globalSig: JSON.stringify([...objectMacros]), hostCopySig });
  let hostBudget = limits.hostStatements;
  for (const f of hostFns) {
    // A function another one calls is read where it is called, with its caller's arguments.
    if (called.has(f.name) || !f.body || f.body.children === null || hostBudget <= 0) continue;
    try {
      const budget = hostBudget;
      const read = (c: LowerContext): { launches: LaunchRecord[]; remaining: number } => {
        const interp = new Interp(c, "host");
        const launches = interp.interpretHost(f, budget);
        return { launches, remaining: interp.remainingBudget };
      };
      // A host function's launches follow from what it read, like a lowering (the budget it started with included).
      const got = cache ? cache.reuse(`host\u0000${f.name}\u0000${budget}`, f, ctx, read).value : read(ctx);
      records.push(...got.launches);
      hostBudget = got.remaining;
    } catch (err) {
      diagnostics.push({ severity: "info", code: "cuda-host-failed", message: `KernelLens could not read the launches in '${f.name}' (please report it): ${(err as Error).message}`, span: original(f.nameSpan), source: "kernellens" });
    }
  }

  const hostMs = now() - th;
  let lowerMs = 0;
  // Directives: above a kernel for that kernel, before the first declaration for all, elsewhere for nothing.
  diagnostics.push(...parsed.problems);
  const scoped = scopeCudaDirectives(text, parsed.directives, prog.kernels.map((k) => ({ name: k.name, span: original(k.span) })), firstDeclarationStart(root, original));
  for (const d of scoped.floating) {
    diagnostics.push({ severity: "warning", code: "directive-placement", message: `@${d.kind} applies to nothing here: put launch directives at the top of the file (for every kernel) or directly above a kernel`, span: d.keywordSpan, source: "kernellens" });
  }

  const base = new Map<string, number>();
  for (const [k, v] of objectMacros) if (Number.isFinite(Number(v))) base.set(k, Number(v));
  const constants = new Interp(ctx, "device");
  for (const [name, g] of prog.globals) {
    if (base.has(name)) continue;
    const init = field(g.declarator, "value");
    if (!init || g.declarator.type !== "init_declarator") continue;
    const v = constants.constantOf(init);
    if (isConst(v) && Number.isFinite(v.v)) base.set(name, v.v);
  }

  const kernels: CudaKernelSummary[] = [];
  const models = new Map<string, KernelAnalysis>();
  const irs = new Map<string, KernelIR>();
  const launches = new Map<string, ResolvedLaunch>();
  const findings: { kernel: string; diagnostic: CoreDiagnostic }[] = [];
  const seenProblems = new Set<string>();
  const model = options.model;
  let modelMs = 0;

  let analysed = 0;
  const skipped: string[] = [];
  const modelSig = model ? JSON.stringify([model.device, model.budget], withPositions) : "";
  // What every launch of this analysis is resolved with besides its kernel, site and directives.
  const launchInputs = cache ? JSON.stringify([[...base], model?.given, model?.device.warpSize, model?.problemSize], withPositions) : "";
  const ordinals = new Map<string, number>();
  for (const fn of prog.kernels) {
    const ordinal = ordinals.get(fn.name) ?? 0;
    ordinals.set(fn.name, ordinal + 1);
    const own = [...scoped.file, ...(scoped.byKernel.get(fn.name) ?? [])];
    const tparams = templateParams(fn, prog.text);
    // The block a // @block line gives, which an assumed template value follows.
    const directiveBlock = tparams.length > 0 ? evaluateLaunch(own, new Map(), model?.given ?? new Map(), base).block : undefined;
    const allInstances = instancesOf(fn, tparams, records, prog, own, base, ctx);
    if (allInstances.length > limits.maxInstantiations) {
      diagnostics.push({ severity: "info", code: "cuda-kernel-limit", message: `'${fn.name}' has ${allInstances.length} instantiations in this file: the first ${limits.maxInstantiations} are analysed`, span: original(fn.nameSpan), source: "kernellens" });
    }
    for (const inst of allInstances.slice(0, limits.maxInstantiations)) {
      if (analysed >= limits.maxKernels || now() - t0 > limits.timeMs) {
        skipped.push(fn.name);
        break;
      }
      const displayBase = fn.template ? `${fn.name}<${tparams.map((p) => inst.text.get(p.name) ?? p.name).join(", ")}>` : fn.name;
      let lowered: ReturnType<Interp["lowerKernel"]>;
      let slot: ModelSlot | undefined;
      const tl = now();
      try {
        const lower = (c: LowerContext): ReturnType<Interp["lowerKernel"]> => new Interp(c, "device").lowerKernel(fn, inst.args, displayBase);
        if (cache) {
          const key = `${fn.name}\u0000${ordinal}\u0000${displayBase}\u0000${JSON.stringify([...inst.args])}`;
          ({ lowered, handle: slot } = cache.lower(key, fn, ctx, lower));
        } else lowered = lower(ctx);
        lowerMs += now() - tl;
      } catch (err) {
        diagnostics.push({ severity: "info", code: "model-failed", message: `KernelLens could not lower '${displayBase}' (please report it): ${(err as Error).message}`, span: original(fn.nameSpan), source: "kernellens" });
        continue;
      }
      const ir = lowered.ir;
      const params = kernelParams(fn, prog.text);
      // One analysed kernel per distinct launch of this instantiation (or one without a launch).
      const sites = new Map<string, { site: LaunchSite; rec: LaunchRecord }>();
      for (const rec of inst.records) {
        const site = siteOf(rec, params, ir);
        const key = siteKey(site);
        if (!sites.has(key)) sites.set(key, { site, rec });
      }
      const list: ({ site: LaunchSite; rec: LaunchRecord } | undefined)[] = sites.size > 0 ? [...sites.values()].slice(0, limits.maxLaunches) : [undefined];
      analysed += list.length;
      list.forEach((entry, i) => {
        const name = i === 0 ? displayBase : `${displayBase} (launch at line ${lineAt(starts, original(entry!.rec.span).start)})`;
        const site = withFallbacks(entry?.site ?? {}, lowered, ir, fn, tparams, model?.problemSize, directiveBlock);
        let launch: ResolvedLaunch;
        try {
          const resolve = (): ResolvedLaunch => resolveLaunch(ir, own, { given: model?.given, base, subgroupSize: model?.device.warpSize ?? 32, infer: { problemSize: model?.problemSize }, site });
          // The same lowering, launch site, directives (where they stand) and options resolve to the same launch.
          launch = slot ? slot.launch(`${launchInputs}\u0000${JSON.stringify(entry?.site ?? null, withPositions)}\u0000${JSON.stringify(own, withPositions)}`, resolve) : resolve();
        } catch (err) {
          diagnostics.push({ severity: "info", code: "model-failed", message: `KernelLens could not resolve the launch of '${name}' (please report it): ${(err as Error).message}`, span: original(fn.nameSpan), source: "kernellens" });
          return;
        }
        for (const p of launch.problems) {
          const key = `${p.span.start}:${p.message}`;
          if (seenProblems.has(key)) continue;
          seenProblems.add(key);
          diagnostics.push(p);
        }
        irs.set(name, ir);
        launches.set(name, launch);
        const smem = launch.overrides.get(DYNAMIC_SHARED_PARAM);
        const source: CudaLaunchSummary["source"] = !launch.input ? "none"
          : own.some((d) => d.kind === "dispatch" || d.kind === "block") ? "directive"
          : entry ? (launch.assumptions.some((a) => a.source === "assumed") ? "inferred" : "code") : "inferred";
        kernels.push({
          name,
          function: fn.name,
          nameSpan: original(fn.nameSpan),
          span: original(fn.span),
          templateArgs: tparams.map((p) => ({ name: p.name, value: inst.text.get(p.name) ?? "?" })),
          launch: { grid: launch.dispatch, block: launch.workgroupSize, dynamicSharedBytes: ir.params.has(`override.${DYNAMIC_SHARED_PARAM}`) ? smem ?? null : 0, source, ...(entry ? { site: original(entry.rec.span) } : {}) },
        });
        if (!model) return;
        try {
          const tm = now();
          const compiled = model.compiled ? findCompiledKernel(fn.name, tparams.map((p) => inst.text.get(p.name) ?? "?"), model.compiled) : undefined;
          const exact = exactResourcesOf(compiled);
          const run = (): { result: ReturnType<typeof modelKernel>; quant: ReturnType<typeof quantFindings> } => {
            const result = modelKernel(ir, launch, model.device, model.budget, exact);
            return { result, quant: [...quantFindings(ir, result.model), ...quantAccessFindings(ir, result.model)] };
          };
          const { result, quant } = slot ? slot.model(launchKey(launch, `${modelSig}\u0000${JSON.stringify(exact ?? null, withPositions)}`), run) : run();
          modelMs += now() - tm;
          // WebGPU's default limits are no CUDA kernel's concern; CUDA's own are checked below.
          // One access, one finding: a quantization finding replaces the generic uncoalesced-access at its access.
          const kernelDiagnostics: CoreDiagnostic[] = oncePerAccess([...result.findings, ...quant])
            .filter((f) => f.code !== "webgpu-limits")
            .map((f) => ({ severity: f.severity, code: f.code, message: cudaWords(f.message), span: original(f.span), source: "kernellens" as const }));
          kernelDiagnostics.push(...cudaLimits(name, launch, ir, original(entry ? entry.rec.span : fn.nameSpan)));
          // Barriers and warp intrinsics not every thread reaches: read from the tree (the IR keeps no uniformity).
          const blockThreads = launch.workgroupSize ? launch.workgroupSize[0] * launch.workgroupSize[1] * launch.workgroupSize[2] : undefined;
          // Kept in the analysed text and mapped here, so an unchanged kernel's checks move with it.
          const sync = cache
            ? cache.reuse(`sync\u0000${fn.name}\u0000${ordinal}\u0000${blockThreads}`, fn, ctx, (c) => syncDiagnostics(c.prog, fn, blockThreads, c.lineOf, (s) => s)).value.map((d) => ({ ...d, span: original(d.span) }))
            : syncDiagnostics(prog, fn, blockThreads, ctx.lineOf, original);
          kernelDiagnostics.push(...sync);
          models.set(name, { model: mapModel(result.model, original), diagnostics: kernelDiagnostics });
          for (const d of kernelDiagnostics) findings.push({ kernel: name, diagnostic: d });
        } catch (err) {
          diagnostics.push({ severity: "info", code: "model-failed", message: `the cost model failed on '${name}' (please report it): ${(err as Error).message}`, span: original(fn.nameSpan), source: "kernellens" });
        }
      });
    }
  }
  cache?.end();
  if (skipped.length > 0) {
    const names = [...new Set(skipped)];
    const why = analysed >= limits.maxKernels ? `more kernels and instantiations than the ${limits.maxKernels} KernelLens analyses at once` : `more kernels than fit the analysis time of ${limits.timeMs} ms`;
    diagnostics.push({ severity: "info", code: "cuda-kernel-limit", message: `this file has ${why}: ${names.slice(0, 8).map((n) => `'${n}'`).join(", ")}${names.length > 8 ? ` and ${names.length - 8} more` : ""} are not analysed`, span: { start: 0, end: 0 }, source: "kernellens" });
  }
  diagnostics.push(...onePerPlace(findings));
  const t4 = now();
  return { language: "cuda", text, pre, diagnostics, kernels, models, irs, launches, directives: parsed.directives, timings: { prepareMs: t1 - t0, parseMs: t2 - t1, copyMs: t3 - t2, analyzeMs: t4 - t3, hostMs, lowerMs, modelMs } };
}

/** CUDA's hard limits on a launch: 1,024 threads per block, 48 KiB of static shared memory per block. */
function cudaLimits(name: string, launch: ResolvedLaunch, ir: KernelIR, at: Span): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  const ws = launch.workgroupSize;
  if (ws && ws[0] * ws[1] * ws[2] > 1024) {
    out.push({ severity: "error", code: "cuda-launch-limits", message: `'${name}' is launched with ${ws[0] * ws[1] * ws[2]} threads per block (${ws.join(" x ")}): CUDA allows at most 1,024, so the launch fails`, span: at, source: "kernellens" });
  }
  let staticBytes = 0;
  for (const b of ir.bindings) {
    if (b.space !== "workgroup" || !b.bytes || b.bytes.k !== "const") continue;
    staticBytes += b.bytes.v;
  }
  if (staticBytes > 48 * 1024) {
    out.push({ severity: "error", code: "cuda-launch-limits", message: `'${name}' declares ${staticBytes.toLocaleString("en-US")} bytes of static __shared__ memory: CUDA allows 48 KiB statically; larger tiles need extern __shared__ memory and cudaFuncSetAttribute`, span: at, source: "kernellens" });
  }
  return out;
}

const SNIPPET_CACHE_SIZE = 4096;
const snippetCaches = new WeakMap<CudaParser, Map<string, CNode | null>>();

/** Parsed snippets (macro bodies, constructor arguments) by text, per parser. */
function snippetCache(parser: CudaParser): Map<string, CNode | null> {
  let m = snippetCaches.get(parser);
  if (!m) snippetCaches.set(parser, (m = new Map()));
  return m;
}

/** The kernel's parameters in order: names and whether each is a pointer. */
function kernelParams(fn: FunctionInfo, text: string): { name: string; pointer: boolean }[] {
  const out: { name: string; pointer: boolean }[] = [];
  for (const p of kids(fn.params ?? fn.declarator)) {
    if (p.type !== "parameter_declaration" && p.type !== "optional_parameter_declaration") continue;
    const d = field(p, "declarator");
    const id = declaredName(d, text);
    let pointer = false;
    for (let cur = d; cur; cur = field(cur, "declarator")) if (cur.type === "pointer_declarator" || cur.type === "array_declarator") pointer = true;
    out.push({ name: id ? text.slice(id.start, id.end) : `arg${out.length}`, pointer });
  }
  return out;
}

interface TemplateParam {
  readonly name: string;
  readonly isType: boolean;
  /** A value parameter's type as written (`int`, `unsigned`, `bool`); absent for a type parameter. */
  readonly valueType?: string;
}

function templateParams(fn: FunctionInfo, text: string): TemplateParam[] {
  if (!fn.template) return [];
  const out: TemplateParam[] = [];
  for (const p of kids(fn.template)) {
    const isType = /type_parameter_declaration/.test(p.type);
    if (!isType && !/parameter_declaration/.test(p.type)) continue;
    const id = isType ? (field(p, "name") ?? kids(p).find((k) => k.type === "type_identifier")) : declaredName(field(p, "declarator"), text);
    const ty = isType ? undefined : field(p, "type");
    if (id) out.push({ name: text.slice(id.start, id.end), isType, ...(ty ? { valueType: text.slice(ty.start, ty.end).trim() } : {}) });
  }
  return out;
}

interface Instance {
  readonly args: ReadonlyMap<string, TemplateArg>;
  /** Each argument as the kernel's name shows it. */
  readonly text: ReadonlyMap<string, string>;
  readonly records: readonly LaunchRecord[];
}

/**
 * The instantiations to analyse: those the launches and explicit instantiations name (a directive's @template fills
 * what they leave open), else one from the directives and the parameters' defaults.
 */
function instancesOf(fn: FunctionInfo, tparams: readonly TemplateParam[], records: readonly LaunchRecord[], prog: ReturnType<typeof collectProgram>, directives: readonly Directive[], base: ReadonlyMap<string, number>, ctx: LowerContext): Instance[] {
  const mine = records.filter((r) => r.kernel === fn.name);
  if (!fn.template) return [{ args: new Map(), text: new Map(), records: mine }];
  // @template lines: values (evaluated with @let names) or types.
  const env = evaluateLaunch(directives, new Map(), new Map(), base).env;
  const fromDirectives = new Map<string, TemplateArg>();
  for (const d of directives) {
    if (d.kind !== "template") continue;
    if (d.expr.kind === "name" && !env.has(d.expr.name)) {
      const t = builtinType(d.expr.name);
      if (t) fromDirectives.set(d.name.name, { k: "type", t });
      continue;
    }
    const v = evaluateDExpr(d.expr, env);
    if (typeof v === "number") fromDirectives.set(d.name.name, { k: "value", v: cst(v) });
  }
  const byKey = new Map<string, { args: Map<string, TemplateArg>; text: Map<string, string>; records: LaunchRecord[] }>();
  const add = (given: readonly (TemplateArg | undefined)[], rec: LaunchRecord | undefined): void => {
    const args = new Map<string, TemplateArg>();
    const text = new Map<string, string>();
    tparams.forEach((p, i) => {
      const a = given[i] && templateArgText(given[i]) !== undefined ? given[i] : fromDirectives.get(p.name);
      const t = templateArgText(a);
      if (a && t !== undefined) {
        args.set(p.name, a);
        text.set(p.name, t);
      }
    });
    const key = tparams.map((p) => text.get(p.name) ?? "?").join(",");
    let inst = byKey.get(key);
    if (!inst) byKey.set(key, (inst = { args, text, records: [] }));
    if (rec) inst.records.push(rec);
  };
  for (const r of mine) add(r.templateArgs, r);
  const probe = new Interp(ctx, "host");
  for (const inst of prog.instantiations) {
    if (inst.name !== fn.name) continue;
    add(namedKids(inst.args).map((a) => probe.templateArgOf(a)), undefined);
  }
  if (byKey.size === 0) add([], undefined);
  // Defaults the code gives fill the rest, shown in the name.
  const out: Instance[] = [];
  for (const inst of byKey.values()) {
    for (const p of tparams) {
      if (inst.text.has(p.name)) continue;
      const def = defaultOf(fn, p.name, prog.text);
      if (!def) continue;
      if (p.isType) {
        const t = builtinType(prog.text.slice(def.start, def.end).trim());
        if (t) { inst.args.set(p.name, { k: "type", t }); inst.text.set(p.name, prog.text.slice(def.start, def.end).trim()); }
      } else {
        const v = probe.constantOf(def);
        if (isConst(v)) { inst.args.set(p.name, { k: "value", v }); inst.text.set(p.name, String(v.v)); }
      }
    }
    out.push(inst);
  }
  return out;
}

function defaultOf(fn: FunctionInfo, name: string, text: string): CNode | undefined {
  for (const p of kids(fn.template ?? fn.node)) {
    const isType = /type_parameter_declaration/.test(p.type);
    const id = isType ? (field(p, "name") ?? kids(p).find((k) => k.type === "type_identifier")) : declaredName(field(p, "declarator"), text);
    if (!id || text.slice(id.start, id.end) !== name) continue;
    return field(p, isType ? "default_type" : "default_value");
  }
  return undefined;
}

/** The block size, dynamic shared memory and template values where neither the launch nor a directive gives them. */
function withFallbacks(site: LaunchSite, lowered: ReturnType<Interp["lowerKernel"]>, ir: KernelIR, fn: FunctionInfo, tparams: readonly TemplateParam[], problemSize: number | undefined, directiveBlock?: readonly [number, number, number]): LaunchSite {
  const dims = lowered.dims;
  const fallbackBlock: LaunchSite["fallbackBlock"] = lowered.launchBounds
    ? { value: [lowered.launchBounds, 1, 1], source: "code", reason: `__launch_bounds__(${lowered.launchBounds}) of '${fn.name}': its largest block, as the launch likely uses` }
    : { value: dims === 1 ? [256, 1, 1] : dims === 2 ? [16, 16, 1] : [8, 8, 4], source: "assumed", reason: `no launch in this file gives '${fn.name}' its block size: ${dims === 1 ? "256 threads" : dims === 2 ? "16 x 16 threads (it reads threadIdx.y)" : "8 x 8 x 4 threads (it reads threadIdx.z)"}, a common choice` };
  const fallbackValues: { name: string; value: number; reason: string }[] = [];
  const dyn = ir.bindings.find((b) => b.space === "workgroup" && b.bytes?.k === "var");
  if (dyn && !site.values?.has(DYNAMIC_SHARED_PARAM)) {
    const block = site.block ?? fallbackBlock.value;
    const elem = builtinType(dyn.elementType);
    const bytes = block[0] * block[1] * block[2] * ((elem && sizeOf(elem)) ?? 4);
    fallbackValues.push({ name: DYNAMIC_SHARED_PARAM, value: bytes, reason: `no launch gives the dynamic shared memory of 'extern __shared__ ${dyn.elementType} ${dyn.name}[]': one element per thread assumed (${bytes} bytes)` });
  }
  const templates = new Set(tparams.map((p) => p.name));
  const tileBlock = directiveBlock ?? site.block ?? fallbackBlock.value;
  fallbackValues.push(...templateFallbacks(site, ir, tparams, tileBlock, directiveBlock ? "the // @block line's" : site.block ? "the launch's" : fallbackBlock.source === "code" ? "__launch_bounds__'s" : "the assumed"));
  if (site.dispatchExpr) {
    // The grid follows the kernel's size arguments (CEIL_DIV(N, 128), CEIL_DIV(M, 128)): sizes nothing gives are
    // assumed alike, each the d-th root of the problem for a grid over d of them (M = N = K = 1,024 for 2^20).
    const inGrid = new Set(site.dispatchExpr.flatMap((e) => [...varsOf(e)]));
    const d = Math.max(1, inGrid.size);
    const share = assumedSize(problemSize ?? DEFAULT_ASSUMED_PROBLEM_SIZE, d);
    for (const p of ir.params.values()) {
      if (p.kind !== "override" || p.name === DYNAMIC_SHARED_PARAM || templates.has(p.name) || site.values?.has(p.name)) continue;
      fallbackValues.push({ name: p.name, value: share, reason: `no launch in this file gives it a value: assumed ${share.toLocaleString("en-US")}, as each of the ${d} size${d === 1 ? "" : "s"} the launch's grid is written over` });
    }
  }
  const directiveFor = (name: string, value: number | readonly number[]): string => {
    const v = Array.isArray(value) ? value : [value as number];
    if (name === "block") return `// @block ${trimOnes(v).join(", ")}`;
    if (name === "dispatch") return `// @grid ${trimOnes(v).join(", ")}`;
    if (name === DYNAMIC_SHARED_PARAM) return `// @smem ${v[0]}`;
    if (templates.has(name)) return `// @template ${name} = ${v[0]}`;
    return `// @arg ${name} = ${v[0]}`;
  };
  return { ...site, fallbackBlock, fallbackValues, directiveFor };
}

/** CUDA's limit on a block's static __shared__ memory: an assumed tile is kept within it, as compiled code is. */
const STATIC_SHARED_LIMIT = 48 * 1024;
/** Integer types a value template parameter is written with (a size, a count, a tile edge). */
const INTEGER_TYPE = /^(?:(?:const|constexpr|signed|unsigned|short|long|int|char|auto)\b\s*)+$|^(?:std::)?(?:u?int(?:8|16|32|64)_t|size_t|ptrdiff_t|uint|index_t)$/;

/**
 * Values for the value template parameters nothing gives (no launch, instantiation, default, `// @template` or
 * `--let`). Each is assumed and said to be, never left to a silent 1. An integer one is almost always a block or
 * tile edge that the launch's block matches (BLOCK_SIZE = blockDim.x in 1-D kernels, TILE = blockDim.x = blockDim.y
 * in a 2-D tile), so it takes the block's x extent, the same block every other number of the kernel assumes; the
 * problem-size rule used for arguments would give million-element tiles no compiler accepts. Compiled code fits its
 * static __shared__ arrays in 48 KiB, so the value is halved until the kernel's do. A `bool` is assumed true (the
 * code the flag was written for); another type (an enum) its value 0.
 */
function templateFallbacks(site: LaunchSite, ir: KernelIR, tparams: readonly TemplateParam[], block: readonly [number, number, number], blockOrigin: string): { name: string; value: number; reason: string }[] {
  const open = tparams.filter((p) => !p.isType && ir.params.get(`override.${p.name}`)?.kind === "override" && !site.values?.has(p.name));
  if (open.length === 0) return [];
  const integers = open.filter((p) => INTEGER_TYPE.test(p.valueType ?? "int"));
  const staticShared = (edge: number): number => {
    const values = new Map<string, number>(site.values ?? []);
    for (const p of open) values.set(p.name, integers.includes(p) ? edge : p.valueType === "bool" ? 1 : 0);
    let bytes = 0;
    for (const b of ir.bindings) {
      if (b.space !== "workgroup" || !b.bytes || varsOf(b.bytes).has(`override.${DYNAMIC_SHARED_PARAM}`)) continue;
      bytes += launchConstant(ir, b.bytes, values) ?? 0;
    }
    return bytes;
  };
  const blockText = `${trimOnes(block).join(" x ")} thread${block[0] * block[1] * block[2] === 1 ? "" : "s"}`;
  let edge = Math.max(1, block[0]);
  while (edge > 1 && staticShared(edge) > STATIC_SHARED_LIMIT) edge = Math.floor(edge / 2);
  const halved = edge < block[0] ? `, halved to ${edge} so its static __shared__ memory fits CUDA's 48 KiB` : "";
  const none = "no launch, instantiation or // @template in this file gives it a value";
  return open.map((p) => {
    if (integers.includes(p)) return { name: p.name, value: edge, reason: `${none}: assumed ${block[0]}, the x extent of ${blockOrigin} block (${blockText}), as a tile or block size usually matches the block${halved}` };
    if (p.valueType === "bool") return { name: p.name, value: 1, reason: `${none}: assumed true` };
    return { name: p.name, value: 0, reason: `${none}: assumed 0` };
  });
}

function trimOnes(v: readonly number[]): number[] {
  const out = [...v];
  while (out.length > 1 && out[out.length - 1] === 1) out.pop();
  return out;
}

/** The model with every span mapped to the original text. */
function mapModel(m: KernelModel, map: (s: Span) => Span): KernelModel {
  return {
    ...m,
    accesses: m.accesses.map((a) => ({ ...a, span: map(a.span) })),
    loops: m.loops.map((l) => ({ ...l, span: map(l.span), headerEnd: map({ start: l.headerEnd, end: l.headerEnd }).start })),
    unknowns: m.unknowns.map((u) => ({ ...u, reason: cudaWords(u.reason), ...(u.span ? { span: map(u.span) } : {}) })),
    assumptions: m.assumptions.map((a) => ({ ...a, reason: cudaWords(a.reason) })),
    ...(m.localMemory ? { localMemory: { ...m.localMemory, arrays: m.localMemory.arrays.map((a) => ({ ...a, span: map(a.span) })) } } : {}),
  };
}

/** One finding per place: a device function inlined into several kernels gets its finding once, naming them. */
function onePerPlace(findings: readonly { kernel: string; diagnostic: CoreDiagnostic }[]): CoreDiagnostic[] {
  const byPlace = new Map<string, { kernels: string[]; first: CoreDiagnostic }>();
  for (const f of findings) {
    const key = `${f.diagnostic.code}:${f.diagnostic.span.start}:${f.diagnostic.span.end}`;
    const place = byPlace.get(key);
    if (!place) byPlace.set(key, { kernels: [f.kernel], first: f.diagnostic });
    else if (!place.kernels.includes(f.kernel)) place.kernels.push(f.kernel);
  }
  return [...byPlace.values()].map(({ kernels, first }) => (kernels.length < 2 ? first : { ...first, message: `${first.message} (in ${kernels.map((k) => `'${k}'`).join(", ")}; figures for '${kernels[0]}')` }));
}

/** Where the first top-level declaration starts in the original text (directives before it apply to every kernel). */
function firstDeclarationStart(root: CNode, original: (s: Span) => Span): number | undefined {
  for (const n of kids(root)) {
    if (!n.named || /^preproc_|^comment$/.test(n.type) || n.end === n.start) continue;
    const s = original(n);
    return s.start;
  }
  return undefined;
}

/** CUDA's directive scopes: the comment block directly above a kernel (template and attributes included) is its own. */
function scopeCudaDirectives(text: string, directives: readonly Directive[], kernels: readonly { name: string; span: Span }[], firstDecl: number | undefined): { file: Directive[]; byKernel: Map<string, Directive[]>; floating: Directive[] } {
  const file: Directive[] = [];
  const byKernel = new Map<string, Directive[]>();
  const floating: Directive[] = [];
  for (const d of directives) {
    const next = nextCode(text, d.span.end);
    const k = kernels.find((x) => x.span.start === next);
    if (k) {
      const list = byKernel.get(k.name) ?? [];
      list.push(d);
      byKernel.set(k.name, list);
    } else if (firstDecl === undefined || d.span.end <= firstDecl) file.push(d);
    else if (kernels.length > 0 && !kernels.some((x) => d.span.start > x.span.start && d.span.start < x.span.end)) floating.push(d);
    else floating.push(d);
  }
  return { file, byKernel, floating };
}

/** The next offset that is code: white space, comments and preprocessor lines skipped. */
function nextCode(text: string, pos: number): number {
  let i = pos;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (text.startsWith("//", i) || (text[i] === "#" && /^\s*$/.test(text.slice(text.lastIndexOf("\n", i - 1) + 1, i)))) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else break;
  }
  return i;
}

