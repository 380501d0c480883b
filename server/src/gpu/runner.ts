// Inside the helper child: executes one RunRequest (check sizes, compile, build the pipeline, upload, poison, time, read back).
//
// Order matters for safety: every size is checked against the device's limits and the memory budget before the
// first allocation, because Dawn allocates host memory for an oversized buffer before it rejects it, and lavapipe
// segfaults rather than report out-of-memory. Every buffer is destroyed when the request ends, whatever happened.
import { parseWgsl } from "../core/wgsl/parser";
import { resolveModule } from "../core/wgsl/resolve";
import { type GpuContext, takeUncaptured } from "./adapters";
import { RUN_STEP_READ_BACK, RUN_STEP_TIMED, RUN_STEP_WARMUP } from "./deadline";
import { helperError } from "./ipc";
import type { BufferSpec, CalibrationProgress, HelperError, RunRequest, RunResponse, TimingResult } from "./types";
import { memoryBudget } from "../core/run/plan";

export const DEFAULT_POISON = 0x7fc00000;
/** Timed runs per request: each holds 16 bytes of timestamps and a sample; more would only hide a mistake. */
export const MAX_REPEAT = 100_000;

const roundUp4 = (n: number): number => Math.ceil(n / 4) * 4;

/** What a request will allocate, worked out before anything is. */
export interface MemoryPlan {
  /** Allocation size per buffer (sizeBytes rounded up to 4, as copies and writeBuffer need). */
  readonly alloc: readonly number[];
  /** Copies of each buffer: `rotateInputs` for buffers with data, 1 for outputs. */
  readonly copies: readonly number[];
  readonly deviceBytes: number;
  readonly stagingBytes: number;
  readonly hostBytes: number;
  readonly total: number;
}

/** Checks every size against the device's limits and the budget; an error names the buffer and both numbers. */
export function planMemory(req: RunRequest, limits: Readonly<Record<string, number>>, budget: number): MemoryPlan | HelperError {
  const lim = (name: string): number => limits[name] ?? Infinity;
  for (const [axis, n] of req.dispatch.entries()) {
    if (n > lim("maxComputeWorkgroupsPerDimension")) {
      return helperError("limits", `dispatch ${"xyz"[axis]} is ${n} workgroups but maxComputeWorkgroupsPerDimension is ${lim("maxComputeWorkgroupsPerDimension")}`);
    }
  }
  if (req.repeat > MAX_REPEAT) return helperError("limits", `repeat is ${req.repeat} but the helper times at most ${MAX_REPEAT} runs per request`);
  const rotate = req.rotateInputs ?? 1;
  const seen = new Map<string, string>();
  const alloc: number[] = [];
  const copies: number[] = [];
  const poisonMax = new Map<number, number>();
  let deviceBytes = 0;
  let stagingBytes = 0;
  let hostBytes = 0;
  for (const b of req.buffers) {
    const where = `@group(${b.group}) @binding(${b.binding})`;
    const other = seen.get(where);
    if (other !== undefined) return helperError("validation", `buffers "${other}" and "${b.name}" are both bound at ${where}`);
    seen.set(where, b.name);
    if (b.group >= lim("maxBindGroups")) return helperError("limits", `buffer "${b.name}" is in group ${b.group} but maxBindGroups is ${lim("maxBindGroups")}`);
    if (b.binding >= lim("maxBindingsPerBindGroup")) {
      return helperError("limits", `buffer "${b.name}" has binding ${b.binding} but maxBindingsPerBindGroup is ${lim("maxBindingsPerBindGroup")}`);
    }
    const size = roundUp4(b.sizeBytes);
    const bindingLimit = b.kind === "uniform" ? "maxUniformBufferBindingSize" : "maxStorageBufferBindingSize";
    if (size > lim(bindingLimit)) return helperError("limits", `buffer "${b.name}" needs ${b.sizeBytes} bytes but ${bindingLimit} is ${lim(bindingLimit)} bytes`);
    if (size > lim("maxBufferSize")) return helperError("limits", `buffer "${b.name}" needs ${b.sizeBytes} bytes but maxBufferSize is ${lim("maxBufferSize")} bytes`);
    if (b.data && b.data.byteLength > b.sizeBytes) {
      return helperError("validation", `buffer "${b.name}" has ${b.data.byteLength} bytes of data but sizeBytes is ${b.sizeBytes}`);
    }
    const n = b.data ? rotate : 1;
    alloc.push(size);
    copies.push(n);
    deviceBytes += size * n;
    if (b.readBack) {
      stagingBytes += size;
      hostBytes += size; // the copy handed back to the parent
    }
    if (!b.data) {
      const p = b.poison ?? DEFAULT_POISON;
      poisonMax.set(p, Math.max(poisonMax.get(p) ?? 0, size));
    }
  }
  for (const v of poisonMax.values()) hostBytes += v;
  deviceBytes += 16 * req.repeat + 256; // timestamps: per-run read-back slots and the resolve buffer
  const total = deviceBytes + stagingBytes + hostBytes;
  if (total > budget) {
    const biggest = req.buffers.map((b, i) => ({ name: b.name, bytes: alloc[i] * copies[i] })).sort((a, b) => b.bytes - a.bytes)[0];
    return helperError(
      "limits",
      `the request needs ${total} bytes (${deviceBytes} in device buffers${rotate > 1 ? ` with ${rotate} input copies` : ""}, ${stagingBytes} read-back staging, ${hostBytes} host copies; largest buffer "${biggest?.name ?? "-"}" ${biggest?.bytes ?? 0} bytes) but the memory budget is ${budget} bytes (KERNELLENS_GPU_MEMORY_BUDGET)`,
    );
  }
  return { alloc, copies, deviceBytes, stagingBytes, hostBytes, total };
}

/** Median, min and max of the samples (the median of an even count is the mean of the middle two). */
export function summariseTiming(method: TimingResult["method"], samplesMs: readonly number[]): TimingResult {
  const s = [...samplesMs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const medianMs = s.length === 0 ? NaN : s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { method, samplesMs: [...samplesMs], medianMs, minMs: s[0] ?? NaN, maxMs: s[s.length - 1] ?? NaN };
}

/**
 * Times submits, each in its own submit and waited for: with `timestamp-query`, GPU timestamps written at the
 * beginning and end of compute passes; otherwise the wall clock from submit to onSubmittedWorkDone.
 */
export class Stopwatch {
  readonly method: TimingResult["method"];
  private readonly querySet?: GPUQuerySet;
  private readonly resolveBuffer?: GPUBuffer;
  private readonly readBuffer?: GPUBuffer;
  private readonly wall: number[] = [];

  constructor(
    private readonly device: GPUDevice,
    useTimestamps: boolean,
    private readonly slots: number,
  ) {
    this.method = useTimestamps ? "timestamp" : "wall";
    if (useTimestamps) {
      this.querySet = device.createQuerySet({ type: "timestamp", count: 2 });
      this.resolveBuffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.readBuffer = device.createBuffer({ size: 16 * slots, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
  }

  /** `timestampWrites` for a pass: `begin` and/or `end` of the timed interval. */
  writes(begin: boolean, end: boolean): GPUComputePassTimestampWrites | undefined {
    if (!this.querySet) return undefined;
    return { querySet: this.querySet, ...(begin ? { beginningOfPassWriteIndex: 0 } : {}), ...(end ? { endOfPassWriteIndex: 1 } : {}) };
  }

  /** Encodes the copy of slot `t`'s two timestamps to their place in the read-back buffer, after the timed passes. */
  record(encoder: GPUCommandEncoder, t: number): void {
    if (!this.querySet || !this.resolveBuffer || !this.readBuffer) return;
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 16 * t, 16);
  }

  /** Submits and waits; the wall-clock milliseconds are kept as the fallback samples. */
  async submit(commands: GPUCommandBuffer, timed: boolean): Promise<number> {
    const t0 = performance.now();
    this.device.queue.submit([commands]);
    await this.device.queue.onSubmittedWorkDone();
    const ms = performance.now() - t0;
    if (timed) this.wall.push(ms);
    return ms;
  }

  /** The samples of the timed submits; falls back to the wall clock if a timestamp pair is not increasing. */
  async samples(): Promise<{ method: TimingResult["method"]; samplesMs: number[] }> {
    if (!this.readBuffer || this.wall.length === 0) return { method: "wall", samplesMs: [...this.wall] };
    const n = Math.min(this.wall.length, this.slots);
    await this.readBuffer.mapAsync(GPUMapMode.READ, 0, 16 * n);
    const ts = new BigUint64Array(this.readBuffer.getMappedRange(0, 16 * n).slice(0));
    this.readBuffer.unmap();
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = ts[2 * i + 1] - ts[2 * i];
      if (d <= 0n) return { method: "wall", samplesMs: [...this.wall] };
      out.push(Number(d) / 1e6);
    }
    return { method: "timestamp", samplesMs: out };
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }
}

/** The bindings the entry point statically uses, from the project's WGSL front-end; undefined when it cannot tell. */
export function usedBindings(code: string, entryPoint: string): Set<string> | undefined {
  try {
    const res = resolveModule(parseWgsl(code));
    const ep = res.entryPoints.find((e) => e.name === entryPoint);
    if (!ep) return undefined;
    const used = new Set<string>();
    for (const s of ep.resourcesUsed) {
      const va = s.varAttributes;
      if (va && va.group !== null && va.binding !== null) used.add(`${va.group}:${va.binding}`);
    }
    return used;
  } catch {
    return undefined;
  }
}

/** Compiler messages as `line:column: severity: text`, errors first. */
function formatCompilation(messages: readonly GPUCompilationMessage[]): string {
  const order = { error: 0, warning: 1, info: 2 } as const;
  return [...messages]
    .sort((a, b) => order[a.type] - order[b.type])
    .map((m) => `${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}`)
    .join("\n");
}

export interface RunControl {
  /** True once the parent asked to cancel this request (checked between dispatches). */
  cancelled(): boolean;
  /** Told before each dispatch and before the read-back: the parent restarts the request's deadline on each (deadline.ts). */
  progress?(p: CalibrationProgress): void;
}

export async function runKernel(ctx: GpuContext, req: RunRequest, control: RunControl = { cancelled: () => false }): Promise<RunResponse> {
  const { device } = ctx;
  const deviceLimits: Record<string, number> = {};
  for (const k in device.limits) {
    const v = (device.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === "number") deviceLimits[k] = v;
  }
  const plan = planMemory(req, deviceLimits, memoryBudget(process.env));
  if ("kind" in plan) return { ok: false, error: plan };
  takeUncaptured(ctx);
  const owned: { destroy(): void }[] = [];
  try {
    return await execute(ctx, req, plan, control, owned);
  } catch (err) {
    return { ok: false, error: helperError("internal", `the run failed: ${(err as Error).message}`) };
  } finally {
    for (const o of owned) o.destroy();
  }
}

async function execute(ctx: GpuContext, req: RunRequest, plan: MemoryPlan, control: RunControl, owned: { destroy(): void }[]): Promise<RunResponse> {
  const { device } = ctx;
  const fail = (error: HelperError): RunResponse => ({ ok: false, error });

  // Compile: Tint reports only the first error, with its 1-based line and column.
  device.pushErrorScope("validation");
  const module = device.createShaderModule({ code: req.code });
  const info = await module.getCompilationInfo();
  const moduleError = await device.popErrorScope();
  const firstError = info.messages.find((m) => m.type === "error");
  if (firstError) return fail(helperError("compile", formatCompilation(info.messages), { line: firstError.lineNum, column: firstError.linePos }));
  if (moduleError) return fail(helperError("compile", moduleError.message));

  // Pipeline: overrides go in as constants; the layout is derived from the shader.
  device.pushErrorScope("validation");
  let pipeline: GPUComputePipeline | undefined;
  let pipelineError = "";
  try {
    pipeline = await device.createComputePipelineAsync({
      layout: "auto",
      compute: { module, entryPoint: req.entryPoint, ...(Object.keys(req.constants).length > 0 ? { constants: { ...req.constants } } : {}) },
    });
  } catch (err) {
    pipelineError = (err as Error).message;
  }
  const pipelineScope = await device.popErrorScope();
  if (!pipeline || pipelineScope) return fail(helperError("validation", pipelineError || pipelineScope?.message || "the compute pipeline could not be created"));

  // Buffers: every copy of every input, each output once; sizes were checked against limits and the budget already.
  const rotate = req.rotateInputs ?? 1;
  device.pushErrorScope("out-of-memory");
  device.pushErrorScope("validation");
  const buffers: GPUBuffer[][] = req.buffers.map((b, i) => {
    const usage = (b.kind === "uniform" ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const list: GPUBuffer[] = [];
    for (let c = 0; c < plan.copies[i]; c++) {
      const buf = device.createBuffer({ size: plan.alloc[i], usage, label: plan.copies[i] > 1 ? `${b.name}#${c}` : b.name });
      owned.push(buf);
      list.push(buf);
    }
    return list;
  });
  const bufferValidation = await device.popErrorScope();
  const bufferOom = await device.popErrorScope();
  if (bufferOom) return fail(helperError("out-of-memory", bufferOom.message));
  if (bufferValidation) return fail(helperError("validation", bufferValidation.message));

  const padded = req.buffers.map((b) => (b.data ? padTo4(b.data) : undefined));
  for (const [i, data] of padded.entries()) if (data) for (const buf of buffers[i]) device.queue.writeBuffer(buf, 0, data);
  const poisons = new Map<number, Uint32Array<ArrayBuffer>>();
  for (const [i, b] of req.buffers.entries()) {
    if (b.data) continue;
    const p = b.poison ?? DEFAULT_POISON;
    if ((poisons.get(p)?.byteLength ?? 0) < plan.alloc[i]) poisons.set(p, new Uint32Array(plan.alloc[i] / 4).fill(p));
  }

  const bindGroups = await makeBindGroups(device, pipeline, req, buffers, rotate);
  if ("kind" in bindGroups) return fail(bindGroups);

  const stopwatch = new Stopwatch(device, ctx.summary.timestampQuery, req.repeat);
  owned.push(stopwatch);
  const total = req.warmup + req.repeat;
  let copy = 0;
  for (let k = 0; k < total; k++) {
    if (control.cancelled()) return fail(helperError("cancelled", "cancelled"));
    control.progress?.({ step: k < req.warmup ? RUN_STEP_WARMUP : RUN_STEP_TIMED, done: k, total });
    copy = k % rotate;
    // Before every run: outputs poisoned, read-write inputs restored, so the last run's outputs are that run's alone.
    for (const [i, b] of req.buffers.entries()) {
      if (!b.data) {
        const pattern = poisons.get(b.poison ?? DEFAULT_POISON)!;
        device.queue.writeBuffer(buffers[i][0], 0, pattern, 0, plan.alloc[i] / 4);
      } else if (b.kind === "storage-read-write" && k > 0) {
        device.queue.writeBuffer(buffers[i][copy], 0, padded[i]!);
      }
    }
    // The uploads finish before the timed submit, so the wall clock (when used) covers the dispatch alone.
    device.queue.submit([]);
    await device.queue.onSubmittedWorkDone();
    const timed = k >= req.warmup;
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass(timed ? { timestampWrites: stopwatch.writes(true, true) } : {});
    pass.setPipeline(pipeline);
    for (const [g, group] of bindGroups[copy]) pass.setBindGroup(g, group);
    pass.dispatchWorkgroups(req.dispatch[0], req.dispatch[1], req.dispatch[2]);
    pass.end();
    if (timed) stopwatch.record(encoder, k - req.warmup);
    if (k === 0) device.pushErrorScope("validation");
    await stopwatch.submit(encoder.finish(), timed);
    if (k === 0) {
      const err = await device.popErrorScope();
      if (err) return fail(helperError("validation", err.message));
    }
    const stray = takeUncaptured(ctx);
    if (stray.length > 0) return fail(helperError("validation", stray.join("\n")));
    if (ctx.lost) return fail(helperError("internal", ctx.lost));
  }

  control.progress?.({ step: RUN_STEP_READ_BACK, done: total, total });
  const { method, samplesMs } = await stopwatch.samples();
  const outputs = await readBack(device, req, plan, buffers, copy, owned);
  const stray = takeUncaptured(ctx);
  if (stray.length > 0) return fail(helperError("validation", stray.join("\n")));
  return { ok: true, outputs, timing: summariseTiming(method, samplesMs), adapter: ctx.summary };
}

function padTo4(data: ArrayBuffer): Uint8Array<ArrayBuffer> {
  if (data.byteLength % 4 === 0) return new Uint8Array(data);
  const out = new Uint8Array(roundUp4(data.byteLength));
  out.set(new Uint8Array(data));
  return out;
}

/**
 * One map of group -> bind group per input copy. With `layout: "auto"` the layout holds only the bindings the entry
 * point uses, so when a spec names a binding the entry point ignores (files with several entry points share their
 * declarations), the bind groups are made again with the bindings the front-end says are used.
 */
async function makeBindGroups(device: GPUDevice, pipeline: GPUComputePipeline, req: RunRequest, buffers: GPUBuffer[][], rotate: number): Promise<Map<number, GPUBindGroup>[] | HelperError> {
  const groups = [...new Set(req.buffers.map((b) => b.group))].sort((a, b) => a - b);
  const build = async (keep: (b: BufferSpec) => boolean): Promise<Map<number, GPUBindGroup>[] | string> => {
    device.pushErrorScope("validation");
    const sets: Map<number, GPUBindGroup>[] = [];
    for (let c = 0; c < rotate; c++) {
      const set = new Map<number, GPUBindGroup>();
      for (const g of groups) {
        const entries: GPUBindGroupEntry[] = [];
        for (const [i, b] of req.buffers.entries()) {
          if (b.group !== g || !keep(b)) continue;
          entries.push({ binding: b.binding, resource: { buffer: buffers[i][Math.min(c, buffers[i].length - 1)] } });
        }
        set.set(g, device.createBindGroup({ layout: pipeline.getBindGroupLayout(g), entries }));
      }
      sets.push(set);
    }
    const err = await device.popErrorScope();
    return err ? err.message : sets;
  };
  const all = await build(() => true);
  if (typeof all !== "string") return all;
  const used = usedBindings(req.code, req.entryPoint);
  if (used) {
    const some = await build((b) => used.has(`${b.group}:${b.binding}`));
    if (typeof some !== "string") return some;
  }
  return helperError("validation", all);
}

async function readBack(device: GPUDevice, req: RunRequest, plan: MemoryPlan, buffers: GPUBuffer[][], lastCopy: number, owned: { destroy(): void }[]): Promise<Record<string, ArrayBuffer>> {
  const wanted = req.buffers.map((b, i) => ({ b, i })).filter(({ b }) => b.readBack);
  if (wanted.length === 0) return {};
  const encoder = device.createCommandEncoder();
  const staging = wanted.map(({ i }) => {
    const s = device.createBuffer({ size: plan.alloc[i], usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    owned.push(s);
    // The copy the last run was bound to (inputs rotate; outputs have one copy).
    encoder.copyBufferToBuffer(buffers[i][Math.min(lastCopy, buffers[i].length - 1)], 0, s, 0, plan.alloc[i]);
    return s;
  });
  device.queue.submit([encoder.finish()]);
  const outputs: Record<string, ArrayBuffer> = {};
  await Promise.all(staging.map((s) => s.mapAsync(GPUMapMode.READ)));
  for (const [k, { b }] of wanted.entries()) {
    outputs[b.name] = staging[k].getMappedRange(0, plan.alloc[wanted[k].i]).slice(0, b.sizeBytes);
    staging[k].unmap();
  }
  return outputs;
}
