// Exact shared memory, registers and spills for open Triton documents, in the background (the exact path). The static
// analysis answers every keystroke; a while after the last edit each analysed (kernel, configuration) is compiled by
// the user's own Triton (server/src/triton/tritonCompiler.ts: no GPU, the kernel's definitions only, never its
// module) for the selected device's compute capability, and the document is analysed again with the compiler's
// numbers (`model.compiled`): occupancy then says "exact".
//
// Two sources, in order:
//   1. Triton's compile of this very text, where `kernellens.triton.pythonPath` (or the Python extension's
//      interpreter, which the client passes) names a Python that has Triton, in a trusted workspace. Whether it has
//      Triton is asked once; a Python without it turns the exact path off with one message in the log.
//   2. Triton's cache (~/.triton/cache or TRITON_CACHE_DIR), read without Python and without trust (reading runs
//      nothing): kernels the user has already run, for configurations no compile gave. The cache keeps what was
//      compiled last, which may be older text; its numbers say where they come from.
//
// As for nvcc (cudaCompiles.ts): one compile at a time in the whole server (compileScheduler.ts), an edit or a close
// cancels the document's running compile (its process group is killed), and a result for text that has changed is
// dropped, never published. Each kernel's compile is remembered by everything it sent (the request and the
// interpreter), so an edit elsewhere in the file compiles only what it changed.
import { createHash } from "node:crypto";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { compiledFromReply, matchCachedKernel } from "../core/triton/compiledMetadata";
import { cudaArch, pythonFunctions, tritonCompileJob } from "../core/triton/compileJobs";
import { configKey, type TritonCompiledKernel, type TritonKernelSummary } from "../core/triton/types";
import type { KernelIR } from "../core/kernel/ir";
import type { Cancellation } from "../gpu/types";
import { kernelLanguageOf } from "../kernelLanguage";
import { readTritonCache, tritonCacheDir } from "../triton/tritonCache";
import { compileTritonKernel, type TritonProbe, TritonProbes, tritonPythonOf } from "../triton/tritonCompiler";
import { CompileScheduler } from "./compileScheduler";
import type { ServerSettings } from "./settings";

/** What a Triton document's analysis gives the compiles (documentAnalyses.ts's state of a Triton document). */
export interface TritonAnalysed {
  readonly version: number;
  readonly kernels: readonly TritonKernelSummary[];
  /** Each analysed kernel's IR by name, whose bindings give pointer element types. */
  readonly irs: ReadonlyMap<string, KernelIR>;
  /** The modelled device's CUDA compute capability (`9.0`); undefined when none (an AMD device, no model). */
  readonly computeCapability: string | undefined;
}

export interface TritonCompilesHost {
  readonly document: (uri: string) => TextDocument | undefined;
  readonly settingsFor: (uri: string) => Promise<ServerSettings>;
  /** The static analysis of the document's current text (waited for: the static answer comes first). */
  readonly analysisOf: (uri: string) => Promise<TritonAnalysed | undefined>;
  /** Analyses the document again now, so its model takes the compiler's numbers. */
  readonly reanalyze: (uri: string) => Promise<unknown>;
  readonly log: (message: string) => void;
  /** The compiler's numbers are in the analysis: lenses and hints may be asked for again. */
  readonly updated: (uri: string) => void;
}

export interface TritonCompilesOptions {
  readonly maxConcurrent?: number;
  /** Milliseconds Triton may take per kernel and configuration (default 120 s). */
  readonly deadlineMs?: number;
  /** Quiet milliseconds after the last edit before compiling (default 1.5 s). */
  readonly debounceMs?: number;
  /** Where Triton's cache is (default: TRITON_CACHE_DIR, TRITON_HOME, ~/.triton/cache). */
  readonly cacheDir?: () => string;
  readonly env?: NodeJS.ProcessEnv;
  /** The helper script (default: found beside the server bundle). */
  readonly helperPath?: string;
}

/** At most this many (kernel, configuration) pairs are compiled per document and text. */
const MAX_JOBS = 24;
/** Remembered compiles (request and interpreter -> outcome), across documents. */
const MAX_REMEMBERED = 256;

interface CompileRecord {
  readonly text: string;
  readonly key: string;
  readonly kernels: readonly TritonCompiledKernel[];
}

type Outcome = { readonly kernel: TritonCompiledKernel } | { readonly error: string };

function settingsKey(s: ServerSettings): string {
  return JSON.stringify([s.device, s.tritonCompile, s.tritonPythonPath, s.tritonSelectedInterpreter, s.workspaceTrusted]);
}

/** A pointer parameter's type from the analysis's IR: a binding of that name whose element type Triton spells. */
function paramTypesOf(ir: KernelIR | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of ir?.bindings ?? []) {
    const t = b.elementType.replace(/^\*/, "");
    if (/^(?:fp(?:8\w+|16|32|64)|bf16|u?int(?:1|8|16|32|64)|i(?:1|8|16|32|64))$/.test(t)) out.set(b.name, `*${t}`);
  }
  return out;
}

const sameKernels = (a: readonly TritonCompiledKernel[], b: readonly TritonCompiledKernel[]): boolean => JSON.stringify(a) === JSON.stringify(b);

export class TritonCompiles {
  private readonly scheduler: CompileScheduler;
  private readonly records = new Map<string, CompileRecord>();
  private readonly remembered = new Map<string, Outcome>();
  private readonly probes: TritonProbes;
  private readonly said = new Set<string>();

  constructor(
    private readonly host: TritonCompilesHost,
    private readonly options: TritonCompilesOptions = {},
  ) {
    this.scheduler = new CompileScheduler(options.maxConcurrent ?? 1, (uri, err) => host.log(`triton: the background compile of ${uri} failed: ${(err as Error)?.stack ?? err}`));
    this.probes = new TritonProbes(options.env);
  }

  /** An open or edited document: its running compile is cancelled, and a new one waits for the debounce. */
  async changed(uri: string): Promise<void> {
    const doc = this.host.document(uri);
    if (!doc || kernelLanguageOf({ languageId: doc.languageId, name: uri }) !== "triton") return;
    this.scheduler.cancel(uri);
    const settings = await this.host.settingsFor(uri);
    if (!this.host.document(uri) || !settings.tritonCompile) return;
    this.scheduler.schedule(uri, this.options.debounceMs ?? 1500, (cancel) => this.compile(uri, cancel));
  }

  closed(uri: string): void {
    this.scheduler.cancel(uri);
    this.records.delete(uri);
  }

  /** The settings changed (interpreter, device, trust): every open Triton document is compiled again under them. */
  settingsChanged(uris: readonly string[]): void {
    this.probes.forget();
    this.said.clear();
    for (const uri of uris) void this.changed(uri);
  }

  /** What the compiler gave for exactly this text under these settings; else nothing (the estimates stand). */
  compiledFor(uri: string, text: string, settings: ServerSettings): readonly TritonCompiledKernel[] | undefined {
    const r = this.records.get(uri);
    return r && r.text === text && r.key === settingsKey(settings) && r.kernels.length > 0 ? r.kernels : undefined;
  }

  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  dispose(): void {
    this.scheduler.dispose();
  }

  private once(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.host.log(message);
  }

  private async compile(uri: string, cancel: Cancellation): Promise<void> {
    const doc = this.host.document(uri);
    if (!doc) return;
    const settings = await this.host.settingsFor(uri);
    if (!settings.tritonCompile) return;
    const analysed = await this.host.analysisOf(uri);
    if (cancel.cancelled || !analysed || this.host.document(uri)?.version !== analysed.version) return;
    const version = analysed.version;
    const text = doc.getText();
    const key = settingsKey(settings);
    const arch = cudaArch(analysed.computeCapability);
    if (arch === null || analysed.kernels.length === 0) return;
    const kernels = analysed.kernels.slice(0, MAX_JOBS);
    const found = new Map<string, TritonCompiledKernel>(); // by function + configKey

    // 1. Triton's own compile of this text.
    const python = tritonPythonOf(settings.tritonPythonPath, settings.tritonSelectedInterpreter);
    let probe: TritonProbe | undefined;
    if (python && !settings.workspaceTrusted) this.once("untrusted", "triton: not compiling, the workspace is not trusted (compiling executes its kernel code); Triton's cache is still read");
    else if (python) probe = await this.probes.probe(python, true);
    if (cancel.cancelled) return;
    if (probe && !probe.ok) this.once(`probe:${python}`, `triton: the exact path is off for ${python}: ${probe.message}. Registers and shared memory stay estimates, except for kernels in Triton's cache. Set kernellens.triton.pythonPath to a Python with Triton.`);
    if (!python) this.once("no-python", "triton: no Python is configured (kernellens.triton.pythonPath, or an interpreter selected in the Python extension): Triton kernels are not compiled; Triton's cache is still read");
    if (probe?.ok) {
      const functions = pythonFunctions(text);
      for (const k of kernels) {
        if (cancel.cancelled) return;
        const job = tritonCompileJob(text, { function: k.function, config: k.config, paramTypes: paramTypesOf(analysed.irs.get(k.name)) }, arch, functions);
        if ("error" in job) {
          this.host.log(`triton: ${k.name} not compiled: ${job.error}`);
          continue;
        }
        const memo = createHash("sha256").update(JSON.stringify([python, probe.version, job.request])).digest("hex");
        let outcome = this.remembered.get(memo);
        if (!outcome) {
          const r = await compileTritonKernel(python!, job.request, { trusted: settings.workspaceTrusted, cancel, ...(this.options.deadlineMs ? { deadlineMs: this.options.deadlineMs } : {}), ...(this.options.env ? { env: this.options.env } : {}), ...(this.options.helperPath ? { helperPath: this.options.helperPath } : {}) });
          if (cancel.cancelled || (!r.ok && r.kind === "cancelled")) return;
          const compiled = r.ok ? compiledFromReply(r, k.function, k.config) : { error: `${r.kind}: ${r.message}` };
          outcome = "error" in compiled ? compiled : { kernel: job.assumed.length > 0 ? { ...compiled, source: `${compiled.source}; types assumed: ${job.assumed.join(", ")}` } : compiled };
          // A deadline is the machine's state, not the kernel's: not remembered, so the next edit tries again.
          if (r.ok || r.kind !== "timeout") this.remember(memo, outcome);
          this.host.log(`triton: ${k.name} ${"kernel" in outcome ? `compiled by Triton ${probe.version} for sm_${arch}: ${outcome.kernel.registersPerThread} registers, ${outcome.kernel.sharedBytes} B shared` : `not compiled: ${outcome.error}`}`);
        }
        if ("kernel" in outcome) found.set(`${k.function}\u0000${outcome.kernel.configKey}`, outcome.kernel);
      }
    }

    // 2. Triton's cache, for what no compile gave.
    const missing = kernels.filter((k) => !found.has(`${k.function}\u0000${configKey(k.config)}`));
    if (missing.length > 0) {
      const dir = (this.options.cacheDir ?? (() => tritonCacheDir(this.options.env)))();
      const cache = readTritonCache(dir, [...new Set(missing.map((k) => k.function))]);
      for (const note of cache.notes.slice(0, 5)) this.host.log(`triton: cache: ${note}`);
      for (const k of missing) {
        const configs = kernels.filter((o) => o.function === k.function).map((o) => o.config);
        const m = matchCachedKernel(cache.kernels, k.function, k.config, configs, arch);
        if ("kernel" in m) found.set(`${k.function}\u0000${m.kernel.configKey}`, m.kernel);
      }
    }

    const now = this.host.document(uri);
    if (cancel.cancelled || !now || now.version !== version) return;
    const last = this.records.get(uri);
    const record: CompileRecord = { text, key, kernels: [...found.values()] };
    this.records.set(uri, record);
    const lastInAnalysis = last !== undefined && last.text === text && last.key === key && last.kernels.length > 0;
    if (record.kernels.length === 0 && !lastInAnalysis) return;
    if (lastInAnalysis && sameKernels(last.kernels, record.kernels)) return;
    await this.host.reanalyze(uri);
    if (this.host.document(uri)?.version === version) this.host.updated(uri);
  }

  private remember(memo: string, outcome: Outcome): void {
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
    this.remembered.set(memo, outcome);
  }
}
