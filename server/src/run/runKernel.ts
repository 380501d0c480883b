// Runs a kernel file end to end: plan each entry, make its inputs, run it on the helper, check, time, compare with the model.
//
// This is the adapter between the pure core (plans, generators, checks, the cost model) and the world (files, the
// GPU helper, JavaScript reference modules). It never throws for bad input: every problem becomes a RunOutcome
// with status `error` and a message that says where to fix it. Status rules: `passed` when every check passed;
// `failed` when a check failed (including a reference that could not be computed); `timeout` when the kernel or
// its reference passed the deadline; `error` for everything else (plan problems, compile and validation errors,
// limits, no adapter, a crashed helper, cancellation).
import { existsSync } from "node:fs";
import { totalFlops } from "../core/model/flops";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { KernelSummary } from "../core/analysis/kernels";
import { analyzeSource, type SourceAnalysis } from "../core/analysis/sourceAnalysis";
import type { CoreDiagnostic } from "../core/diagnostic";
import { DEFAULT_DEVICE_ID, findDevice } from "../core/devices/database";
import { includeResolver } from "./includeResolver";
import { placeFile, UNRESTRICTED } from "./fileAccess";
import { readCapped } from "./readCapped";
import { formatBytes } from "../core/format";
import type { DeviceSpec } from "../core/devices/device";
import { toOriginalSpan } from "../core/preprocess/originalSpan";
import { type BoundsFinding, type BoundsReport, type Grid, boundsRecordData, decodeBoundsRecord, describeViolation, instrumentBounds } from "../core/run/boundsCheck";
import { checkWritten, compareOutput, poisonPattern, unwrittenMask } from "../core/run/check";
import { decodeScalars, DEFAULT_SEED, materializeInputs, NPY_HEADER_ALLOWANCE, quantizedInput, referenceArray } from "../core/run/inputs";
import { buildRunPlan, defaultRunEntries, memoryBudget, type PlannedBinding, type PlannedCheck, type RunPlan } from "../core/run/plan";
import type { BufferSpec, Cancellation, GpuHelper, HelperError, RunRequest, RunResponse } from "../gpu/types";
import { comparePrediction } from "../core/run/comparison";
import { primaryRateOf } from "../core/run/achievedRates";
import type { CheckOutcome, RunKernel, RunOptions, RunOutcome, RunProgress } from "./api";

export const DEFAULT_WARMUP = 2;
export const DEFAULT_REPEAT = 5;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A check that was not run, with why; `skipped` is extra to CheckOutcome so consumers can tell it from a pass. */
export type SkippedCheck = CheckOutcome & { readonly skipped: "untrusted" };

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

/** A plan problem as a helper-style error: `validation` kind, located (1-based) in the kernel file. */
function planError(text: string, file: string, problems: readonly CoreDiagnostic[]): HelperError {
  const errors = problems.filter((p) => p.severity === "error");
  const first = errors[0];
  const where = (p: CoreDiagnostic): string => {
    const lc = lineCol(text, p.span.start);
    return `${file}:${lc.line}:${lc.column}`;
  };
  const lc = lineCol(text, first.span.start);
  const message = errors.length === 1 ? `${where(first)}: ${first.message}` : errors.map((p) => `${where(p)}: ${p.message}`).join("\n");
  return { kind: "validation", message, line: lc.line, column: lc.column };
}

/** Compile errors come with positions in the preprocessed code; point at the original file (or the #include) too. */
function locateCompileError(error: HelperError, source: SourceAnalysis, file: string): HelperError {
  if (error.kind !== "compile" || error.line === undefined) return error;
  if (!source.pre.expanded) return { ...error, message: `${error.message}\n  at ${file}:${error.line}:${error.column ?? 1}` };
  const at = offsetOf(source.pre.text, error.line, error.column ?? 1);
  const mapped = toOriginalSpan(source.pre, { start: at, end: at });
  const lc = lineCol(source.text, mapped.span.start);
  const inFile = mapped.file ? ` (in included file ${mapped.file})` : "";
  return { ...error, message: `${error.message}\n  at ${file}:${lc.line}:${lc.column}${inFile}`, line: lc.line, column: lc.column };
}

interface EntryContext {
  readonly options: RunOptions;
  readonly source: SourceAnalysis;
  readonly helper: GpuHelper;
  readonly cancel?: Cancellation;
  readonly given: ReadonlyMap<string, number>;
  /** Inputs by buffer name, shared by every entry and reference of the file so they see the same data. */
  readonly inputCache: Map<string, { key: string; data: ArrayBuffer }>;
  readonly readFile: (path: string, maxBytes: number) => Uint8Array | { error: string };
}

/** Input contents for a plan, reusing what earlier entries of the same file made for the same buffer and layout. */
function inputsFor(ctx: EntryContext, plan: RunPlan): { buffers: Map<string, ArrayBuffer>; problems: CoreDiagnostic[] } {
  const buffers = new Map<string, ArrayBuffer>();
  const missing: PlannedBinding[] = [];
  for (const b of plan.bindings) {
    if (b.kind === "uniform") {
      if (b.uniformBytes) buffers.set(b.name, b.uniformBytes);
      continue;
    }
    if (!b.init) continue;
    const key = JSON.stringify([b.init, b.layout]);
    const cached = ctx.inputCache.get(b.name);
    if (cached && cached.key === key) buffers.set(b.name, cached.data);
    else missing.push(b);
  }
  const made = materializeInputs(missing, { seed: ctx.options.seed ?? DEFAULT_SEED, readFile: ctx.readFile });
  for (const b of missing) {
    const data = made.buffers.get(b.name);
    if (!data) continue;
    buffers.set(b.name, data);
    ctx.inputCache.set(b.name, { key: JSON.stringify([b.init, b.layout]), data });
  }
  return { buffers, problems: made.problems };
}

function requestFor(ctx: EntryContext, plan: RunPlan, inputs: Map<string, ArrayBuffer>, readBack: ReadonlySet<string>, timed: boolean): RunRequest {
  const buffers: BufferSpec[] = plan.bindings.map((b) => ({
    name: b.name,
    group: b.group,
    binding: b.binding,
    sizeBytes: b.sizeBytes,
    kind: b.kind,
    data: inputs.get(b.name),
    poison: b.role === "output" ? poisonPattern(b.scalar) : undefined,
    readBack: readBack.has(b.name),
  }));
  const o = ctx.options;
  return {
    code: ctx.source.pre.text,
    entryPoint: plan.entry,
    constants: plan.constants,
    buffers,
    dispatch: [plan.dispatch[0], plan.dispatch[1], plan.dispatch[2]],
    warmup: timed ? Math.max(0, Math.floor(o.warmup ?? DEFAULT_WARMUP)) : 0,
    repeat: timed ? Math.max(1, Math.floor(o.repeat ?? DEFAULT_REPEAT)) : 1,
    timeoutMs: Math.max(1, o.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    rotateInputs: timed ? Math.max(1, Math.floor(o.rotateInputs ?? 1)) : 1,
  };
}

/** The inputs object JavaScript references receive: `{ buffers, uniforms, lets, overrides }`. */
function referenceInputs(plan: RunPlan, inputs: Map<string, ArrayBuffer>, seed: number): Record<string, unknown> {
  const buffers: Record<string, ArrayLike<number>> = {};
  const uniforms: Record<string, Record<string, number>> = {};
  for (const b of plan.bindings) {
    if (b.kind === "uniform") uniforms[b.name] = { ...(b.uniformValues ?? {}) };
    else {
      const data = inputs.get(b.name);
      if (data) buffers[b.name] = referenceArray(b.layout, data);
      if (b.quantize) {
        // `@quantize`: the packed words above, plus the float weights and what the packed bytes decode to.
        const q = quantizedInput(b, seed);
        if (!("error" in q)) {
          buffers[`${b.name}_float`] = q.float;
          buffers[`${b.name}_dequant`] = q.dequant;
        }
      }
    }
  }
  return { buffers, uniforms, lets: { ...plan.lets }, overrides: { ...plan.overrides } };
}

type ReferenceValues = { readonly values: ArrayLike<number>; readonly label: string } | { readonly error: string; readonly timeout?: boolean; readonly helperError?: HelperError };

type JsResult = { readonly outputs: Record<string, unknown> } | { readonly error: string; readonly timeout?: boolean };
type JsCache = Map<string, Promise<JsResult>>;

/** Deadline of a JavaScript reference: at least a minute (a float64 loop in JS is slower than the kernel). */
export const JS_REFERENCE_MIN_TIMEOUT_MS = 60_000;

/**
 * Runs in a worker thread: imports the module fresh (edits to it are picked up), calls reference(inputs) and posts
 * the outputs back. A worker keeps a reference that loops forever or throws from taking the caller down with it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const mod = await import(workerData.url);
  const fn = typeof mod.reference === "function" ? mod.reference : mod.default && typeof mod.default.reference === "function" ? mod.default.reference : undefined;
  if (!fn) return { error: workerData.path + " does not export a function reference(inputs)" };
  const result = await fn(workerData.inputs);
  if (!result || typeof result !== "object") return { error: workerData.path + ": reference(inputs) returned " + (result === null ? "null" : typeof result) + ", not { outputName: Float64Array }" };
  const outputs = {};
  for (const [k, v] of Object.entries(result)) if (ArrayBuffer.isView(v) || Array.isArray(v)) outputs[k] = v;
  return { outputs };
})().then(
  (r) => parentPort.postMessage(r),
  (err) => parentPort.postMessage({ error: workerData.path + " threw: " + ((err && err.stack) || String(err)) }),
);
`;

/** Runs a reference module once per entry and path (several checks share the result). */
async function runJsReference(ctx: EntryContext, path: string, plan: RunPlan, inputs: Map<string, ArrayBuffer>, cache: JsCache): Promise<JsResult> {
  let pending = cache.get(path);
  if (!pending) {
    const full = resolve(dirname(ctx.options.file), path);
    const timeoutMs = Math.max(JS_REFERENCE_MIN_TIMEOUT_MS, ctx.options.timeoutMs ?? 0);
    const placed = placeFile(full, ctx.options.access ?? UNRESTRICTED);
    const refusal = !existsSync(full) ? `reference module ${path} not found (looked for ${full})` : "refused" in placed ? `reference module ${path} not run: ${placed.message}` : undefined;
    pending = refusal !== undefined
      ? Promise.resolve({ error: refusal })
      : new Promise<JsResult>((settle) => {
          let done = false;
          // The module is the user's own code, run only with Workspace Trust (allowWorkspaceCode).
          const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url: pathToFileURL(full).href, path, inputs: referenceInputs(plan, inputs, ctx.options.seed ?? DEFAULT_SEED) }, stdout: false, stderr: false });
          const finish = (r: JsResult): void => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            void worker.terminate();
            settle(r);
          };
          const timer = setTimeout(() => finish({ error: `${path} did not return within ${Math.round(timeoutMs / 1000)} s`, timeout: true }), timeoutMs);
          worker.on("message", (m: JsResult) => finish(m));
          worker.on("error", (err) => finish({ error: `${path} threw: ${err?.stack ?? String(err)}` }));
          worker.on("exit", (code) => finish({ error: `${path} ended (exit code ${code}) without returning outputs` }));
          ctx.cancel?.onCancel(() => finish({ error: "cancelled" }));
        });
    cache.set(path, pending);
  }
  return pending;
}

function isArrayLikeOfNumbers(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return typeof (v as unknown as ArrayLike<unknown>)[0] !== "bigint";
  return Array.isArray(v) && v.every((x) => typeof x === "number");
}

async function referenceValues(
  ctx: EntryContext,
  plan: RunPlan,
  check: PlannedCheck,
  inputs: Map<string, ArrayBuffer>,
  jsCache: JsCache,
  entryRuns: Map<string, Promise<{ plan: RunPlan; response: RunResponse } | { error: string; problems?: readonly CoreDiagnostic[] }>>,
): Promise<ReferenceValues> {
  if (check.reference.kind === "js") {
    const result = await runJsReference(ctx, check.reference.path, plan, inputs, jsCache);
    if ("error" in result) return { error: result.error, timeout: result.timeout };
    const values = result.outputs[check.output];
    if (!isArrayLikeOfNumbers(values)) {
      const keys = Object.keys(result.outputs);
      return { error: `${check.reference.path}: reference(inputs) returned no '${check.output}' array${keys.length ? ` (it returned: ${keys.join(", ")})` : ""}` };
    }
    return { values, label: `js:${check.reference.path}` };
  }
  const refName = check.reference.name;
  let run = entryRuns.get(refName);
  if (!run) {
    run = (async () => {
      const kernel = ctx.source.kernels.find((k) => k.name === refName);
      if (!kernel) return { error: `no entry point named '${refName}'` };
      const planned = buildRunPlan(ctx.source, kernel, ctx.given, { includeChecks: false, memoryBudgetBytes: memoryBudget(process.env) });
      if (!planned.plan) return { error: `the reference entry '${refName}' cannot run`, problems: planned.problems };
      const refInputs = inputsFor(ctx, planned.plan);
      if (refInputs.problems.length > 0) return { error: `the reference entry '${refName}' has no inputs`, problems: refInputs.problems };
      // Read back every output of the reference: checks of several outputs share one run.
      const outs = new Set(planned.plan.bindings.filter((b) => b.role === "output" || b.role === "inout").map((b) => b.name));
      const response = await ctx.helper.run(requestFor(ctx, planned.plan, refInputs.buffers, outs, false), ctx.cancel);
      return { plan: planned.plan, response };
    })();
    entryRuns.set(refName, run);
  }
  const r = await run;
  if ("error" in r) {
    const detail = r.problems?.filter((p) => p.severity === "error").map((p) => `${lineCol(ctx.source.text, p.span.start).line}: ${p.message}`).join("; ");
    return { error: `${r.error}${detail ? `: ${detail}` : ""}` };
  }
  if (!r.response.ok) {
    const e = locateCompileError(r.response.error, ctx.source, ctx.options.file);
    return { error: `the reference entry '${refName}' failed (${e.kind}): ${e.message}`, timeout: e.kind === "timeout", helperError: e };
  }
  const binding = r.plan.bindings.find((b) => b.name === check.output);
  const bytes = r.response.outputs[check.output];
  if (!binding || !bytes) return { error: `the reference entry '${refName}' does not write '${check.output}'` };
  return { values: decodeScalars(binding.layout, bytes), label: `entry:${refName}` };
}

function failedCheck(check: PlannedCheck, reference: string, message: string): CheckOutcome {
  return { output: check.output, reference, passed: false, elements: 0, maxAbsError: 0, relL2Error: 0, mismatches: 0, firstMismatches: [], nan: 0, inf: 0, unwritten: 0, rtol: check.rtol, atol: check.atol, message };
}

/** The name of the checked run's record buffer: not a WGSL identifier, so it cannot clash with a binding's name. */
const BOUNDS_BUFFER = "kernellens:bounds";

/** Where an analysed-text span is in the kernel file (and in an included file, for code that came from one). */
function originalPlace(source: SourceAnalysis, span: { start: number; end: number }): Pick<BoundsFinding, "line" | "column" | "endLine" | "endColumn" | "included"> {
  const mapped = toOriginalSpan(source.pre, span);
  const start = lineCol(source.text, mapped.span.start);
  const end = lineCol(source.text, mapped.span.end);
  const includedText = mapped.file ? source.pre.includedTexts.get(mapped.file) : undefined;
  const included = mapped.file ? { file: mapped.file, line: includedText !== undefined ? lineCol(includedText, mapped.fileSpan.start).line : 0 } : undefined;
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column, ...(included ? { included } : {}) };
}

/** An included file as a message names it: from the kernel's folder when it is under it, else as it was found. */
function shownInclude(kernelFile: string, key: string): string {
  if (!isAbsolute(key)) return key;
  const rel = relative(dirname(kernelFile), key);
  return rel.startsWith("..") || isAbsolute(rel) ? key : rel;
}

/**
 * Checked mode: runs the entry once more with every storage and workgroup array index checked (untimed, after the
 * timed run), a second time only when the first recorder of a violation was not the lowest invocation. Outputs are
 * not read back: the checks use the unchecked run's. A failure of the checked run itself (a limit the extra binding
 * crosses, a timeout of the slower code) is reported as "not checked", never as a failure of the kernel.
 */
async function checkBounds(ctx: EntryContext, plan: RunPlan, inputs: Map<string, ArrayBuffer>): Promise<BoundsReport | { cancelled: HelperError }> {
  const { source } = ctx;
  const instr = instrumentBounds(source.pre.text, plan.entry, { module: source.module, resolution: source.resolution });
  if ("error" in instr) return { checked: false, reason: instr.error, sites: 0, skipped: 0, runs: 0, violations: [] };
  const counts = { sites: instr.sites.length, skipped: instr.skipped.length };
  if (instr.sites.length === 0) return { checked: true, ...counts, runs: 0, violations: [] };
  const grid: Grid = [0, 1, 2].map((a) => plan.workgroupSize[a] * plan.dispatch[a]) as unknown as Grid;
  const base = requestFor(ctx, plan, inputs, new Set(), false);
  const run = async (data: ArrayBuffer): Promise<ArrayBuffer | HelperError> => {
    const record: BufferSpec = { name: BOUNDS_BUFFER, group: instr.record.group, binding: instr.record.binding, sizeBytes: instr.record.sizeBytes, kind: "storage-read-write", data, readBack: true };
    const response = await ctx.helper.run({ ...base, code: instr.code, buffers: [...base.buffers, record] }, ctx.cancel);
    if (!response.ok) return response.error;
    return response.outputs[BOUNDS_BUFFER] ?? { kind: "internal", message: "the helper returned no bounds record" };
  };
  const notChecked = (e: HelperError): BoundsReport | { cancelled: HelperError } =>
    e.kind === "cancelled" ? { cancelled: e } : { checked: false, reason: `the checked run failed (${e.kind}): ${e.message.split("\n")[0]}`, ...counts, runs: 0, violations: [] };
  const first = await run(boundsRecordData(instr, grid));
  if (!(first instanceof ArrayBuffer)) return notChecked(first);
  let decoded = decodeBoundsRecord(instr.sites, grid, first);
  let runs = 1;
  if (decoded.needsExactPass) {
    runs = 2;
    const second = await run(boundsRecordData(instr, grid, first));
    if (!(second instanceof ArrayBuffer)) return notChecked(second);
    decoded = decodeBoundsRecord(instr.sites, grid, first, second);
  }
  const violations = decoded.violations.map((v): BoundsFinding => {
    const place = originalPlace(source, v.site.span);
    const where = place.included ? `line ${place.included.line} of ${shownInclude(ctx.options.file, place.included.file)} (included at line ${place.line})` : `line ${place.line}`;
    return {
      message: describeViolation(v, where),
      array: v.site.array,
      binding: v.site.binding,
      access: v.site.access,
      space: v.site.space,
      index: v.index,
      length: v.length,
      invocation: v.invocation,
      lowest: v.lowest,
      count: v.count,
      ...place,
    };
  });
  violations.sort((a, b) => a.line - b.line || a.column - b.column);
  return { checked: true, ...counts, runs, violations };
}

async function runEntry(ctx: EntryContext, kernel: KernelSummary, base: Omit<RunOutcome, "entry" | "status" | "checks" | "durationMs" | "startedAt">, progress: (message: string, fraction: number, step: string) => void): Promise<RunOutcome> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const { options, source } = ctx;
  const finish = (o: Partial<RunOutcome> & Pick<RunOutcome, "status">): RunOutcome => ({ ...base, entry: kernel.name, checks: [], ...o, startedAt, durationMs: Date.now() - started });

  progress(`planning ${kernel.name}`, 0, "planning the inputs");
  const planned = buildRunPlan(source, kernel, ctx.given, { memoryBudgetBytes: memoryBudget(process.env) });
  if (!planned.plan) return finish({ status: "error", error: planError(source.text, options.file, planned.problems) });
  const plan = planned.plan;
  const inputs = inputsFor(ctx, plan);
  if (inputs.problems.length > 0) return finish({ status: "error", error: planError(source.text, options.file, inputs.problems) });
  if (ctx.cancel?.cancelled) return finish({ status: "error", error: { kind: "cancelled", message: "cancelled before the run" } });

  const outputs = plan.bindings.filter((b) => b.role === "output");
  const readBack = new Set([...outputs.map((b) => b.name), ...plan.checks.map((c) => c.output)]);
  progress(`running ${kernel.name}`, 0.1, "compiling and uploading the inputs");
  // The deadline is each run's; the runs done of the total are the progress (0.1 to 0.45 of this entry).
  const response = await ctx.helper.run(requestFor(ctx, plan, inputs.buffers, readBack, true), ctx.cancel, (p) => {
    if (p.total <= 0) return;
    const step = p.done >= p.total ? "reading back the outputs" : `${p.step} ${p.done + 1} of ${p.total}`;
    progress(p.done >= p.total ? `reading back ${kernel.name}` : `${kernel.name}: ${step}`, 0.1 + (0.35 * Math.min(p.done, p.total)) / p.total, step);
  });
  if (!response.ok) {
    const error = locateCompileError(response.error, source, options.file);
    return finish({ status: error.kind === "timeout" ? "timeout" : "error", error });
  }

  let bounds: BoundsReport | undefined;
  if (options.boundsCheck) {
    progress(`checking the array bounds of ${kernel.name}`, 0.45, "checking the array bounds");
    const checked = await checkBounds(ctx, plan, inputs.buffers);
    if ("cancelled" in checked) return finish({ status: "error", error: checked.cancelled });
    bounds = checked;
  }

  progress(`checking ${kernel.name}`, 0.6, "checking the outputs");
  const checks: CheckOutcome[] = [];
  const masks = new Map<string, Uint8Array>();
  for (const b of outputs) {
    const bytes = response.outputs[b.name];
    if (!bytes) continue;
    const pattern = poisonPattern(b.scalar);
    checks.push(checkWritten(b.name, b.layout, bytes, pattern, decodeScalars(b.layout, bytes)));
    masks.set(b.name, unwrittenMask(b.layout, bytes, pattern).mask);
  }
  let referenceTimeout: HelperError | undefined;
  const jsCache: JsCache = new Map();
  const entryRuns = new Map<string, Promise<{ plan: RunPlan; response: RunResponse } | { error: string; problems?: readonly CoreDiagnostic[] }>>();
  for (const [i, check] of plan.checks.entries()) {
    const label = check.reference.kind === "js" ? `js:${check.reference.path}` : `entry:${check.reference.name}`;
    const checking = `checking ${check.output} against ${label}`;
    progress(`${kernel.name}: ${checking}`, 0.6 + (0.35 * i) / Math.max(1, plan.checks.length), checking);
    if (check.reference.kind === "js" && !options.allowWorkspaceCode) {
      const skipped: SkippedCheck = {
        ...failedCheck(check, label, `${check.output}: not checked against ${check.reference.path}: running JavaScript from the workspace needs a trusted workspace`),
        passed: true,
        skipped: "untrusted",
      };
      checks.push(skipped);
      continue;
    }
    const binding = plan.bindings.find((b) => b.name === check.output)!;
    const bytes = response.outputs[check.output];
    if (!bytes) {
      checks.push(failedCheck(check, label, `${check.output}: the helper returned no data for it`));
      continue;
    }
    const ref = await referenceValues(ctx, plan, check, inputs.buffers, jsCache, entryRuns);
    if ("error" in ref) {
      if (ref.timeout) referenceTimeout = ref.helperError ?? { kind: "timeout", message: `${check.output}: ${ref.error}` };
      checks.push(failedCheck(check, label, `${check.output}: ${ref.error}`));
      continue;
    }
    checks.push(
      compareOutput({
        output: check.output,
        reference: ref.label,
        got: decodeScalars(binding.layout, bytes),
        want: ref.values,
        rtol: check.rtol,
        atol: check.atol,
        maxMismatches: check.maxMismatches,
        components: binding.components,
        headerScalars: binding.layout.header.length,
        unwritten: masks.get(check.output) ?? null,
      }),
    );
  }

  // Achieved rates use the model's counts (analytic FLOPs and modelled DRAM bytes) over the measured median.
  const model = source.models.get(kernel.name)?.model;
  const medianS = response.timing.medianMs / 1e3;
  let achieved: RunOutcome["achieved"];
  let predicted: RunOutcome["predicted"];
  if (model && model.invocations !== null && medianS > 0) {
    const flops = totalFlops(model.ops).value;
    const dram = model.traffic.dramRead !== null && model.traffic.dramWritten !== null ? model.traffic.dramRead + model.traffic.dramWritten : null;
    const primary = primaryRateOf(model.roofline.bound);
    achieved = { gflops: flops / medianS / 1e9, gbps: dram === null ? null : dram / medianS / 1e9, ...(primary ? { primary } : {}) };
  }
  if (options.device && model) {
    // Compared only with the measuring adapter's own calibration; another device's prediction gets a note instead.
    predicted = comparePrediction(model.roofline.predictedMs, response.timing.medianMs, options.device, response.adapter.key);
  }
  progress(`done ${kernel.name}`, 1, "done");
  const failed = checks.some((c) => !c.passed) || (bounds?.violations.length ?? 0) > 0;
  return finish({
    status: referenceTimeout ? "timeout" : failed ? "failed" : "passed",
    adapter: response.adapter,
    timing: response.timing,
    checks,
    ...(bounds ? { bounds } : {}),
    achieved,
    predicted,
    error: referenceTimeout,
  });
}

export const runKernel: RunKernel = async (helper: GpuHelper, options: RunOptions, cancel?: Cancellation, progress?: RunProgress): Promise<RunOutcome[]> => {
  const started = Date.now();
  const given = options.lets ?? new Map<string, number>();
  const report = (message: string, fraction: number, step: string = message): void => {
    try {
      progress?.(message, Math.min(1, Math.max(0, fraction)), step);
    } catch {
      // a failing progress listener must not fail the run
    }
  };
  const modelDevice: DeviceSpec = options.device ?? findDevice(DEFAULT_DEVICE_ID)!;
  const fileDir = dirname(options.file);
  const readFile = (path: string, maxBytes: number): Uint8Array | { error: string } => {
    const full = resolve(fileDir, path);
    const placed = placeFile(full, options.access ?? UNRESTRICTED);
    if ("refused" in placed) return { error: placed.refused === "missing" ? `cannot read ${full}: ENOENT` : placed.message };
    const read = readCapped(full, maxBytes);
    if ("error" in read) return { error: read.reason === "too-large" ? `${full} is ${formatBytes(read.size ?? 0)}: more than the buffer's ${formatBytes(maxBytes - NPY_HEADER_ALLOWANCE)} plus a .npy header` : read.error };
    return new Uint8Array(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength);
  };

  let source: SourceAnalysis;
  const variantOf = (s?: SourceAnalysis): RunOutcome["variant"] => ({ defines: s ? [...s.variant.defines] : [...(options.defines ?? [])], lets: Object.fromEntries(given) });
  const whole = (entry: string, error: HelperError): RunOutcome[] => [
    { entry, status: "error", checks: [], error, variant: variantOf(), startedAt: new Date(started).toISOString(), durationMs: Date.now() - started },
  ];
  report("analysing", 0);
  try {
    source = analyzeSource(options.text, { defines: options.defines, resolveInclude: includeResolver(options.file, options.includePaths ?? [], { access: options.access }), model: { device: modelDevice, given } });
  } catch (err) {
    return whole(options.entry ?? "", { kind: "internal", message: `analysis failed (please report it): ${(err as Error).message}` });
  }
  // Directive syntax and preprocessor errors make the inputs or the code unknowable: stop before running anything.
  const blocking = source.diagnostics.filter((d) => d.severity === "error" && d.code !== "directive-unknown-entry");
  if (blocking.length > 0) return whole(options.entry ?? "", planError(source.text, options.file, blocking));

  let entries: KernelSummary[];
  if (options.entry !== undefined) {
    const k = source.kernels.find((x) => x.name === options.entry);
    const compute = source.kernels.filter((x) => x.stage === "compute").map((x) => x.name);
    if (!k || k.stage !== "compute") {
      return whole(options.entry, { kind: "validation", message: `no compute entry point named '${options.entry}'${compute.length ? ` (compute entry points: ${compute.join(", ")})` : ""}` });
    }
    entries = [k];
  } else {
    const names = defaultRunEntries(source);
    entries = names.map((n) => source.kernels.find((k) => k.name === n)!);
    if (entries.length === 0) {
      const compute = source.kernels.filter((x) => x.stage === "compute");
      const message =
        compute.length === 0
          ? "no compute entry point in this file"
          : `no compute entry point has a // @dispatch: add one above ${compute.map((k) => `'${k.name}'`).join(" or ")} (e.g. // @dispatch ceil(N / 64))`;
      const at = compute[0] ? lineCol(source.text, compute[0].nameSpan.start) : undefined;
      return whole("", { kind: "validation", message: at ? `${options.file}:${at.line}:${at.column}: ${message}` : message, line: at?.line, column: at?.column });
    }
  }

  const ctx: EntryContext = { options, source, helper, cancel, given, inputCache: new Map(), readFile };
  const base = { variant: variantOf(source) };
  const outcomes: RunOutcome[] = [];
  for (const [i, k] of entries.entries()) {
    const span = 1 / entries.length;
    try {
      outcomes.push(await runEntry(ctx, k, base, (m, f, step) => report(m, i * span + f * span, step)));
    } catch (err) {
      // A bug here must still produce an outcome, not an exception in the caller.
      outcomes.push({ entry: k.name, status: "error", checks: [], error: { kind: "internal", message: `the run failed (please report it): ${(err as Error)?.stack ?? String(err)}` }, ...base, startedAt: new Date().toISOString(), durationMs: 0 });
    }
    if (cancel?.cancelled) break;
  }
  report("done", 1);
  return outcomes;
};
