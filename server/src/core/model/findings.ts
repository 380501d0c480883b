// Turns a kernel's model into findings: each a diagnostic with a stable code, the cost in numbers, and the fix.
import type { DeviceSpec } from "../devices/device";
import { formatBytes } from "../format";
import type { Span } from "../span";
import type { AccessInfo, KernelModel } from "./types";

export interface Finding {
  readonly code: string;
  readonly severity: "warning" | "info" | "hint";
  readonly message: string;
  /** Span in the analysed (preprocessed) text. */
  readonly span: Span;
}

/** WebGPU's default limits: a pipeline that exceeds them fails unless the device was created asking for more. */
export const WEBGPU_DEFAULTS = {
  maxComputeWorkgroupsPerDimension: 65535,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxComputeWorkgroupSizeZ: 64,
  maxComputeWorkgroupStorageSize: 16384,
  maxStorageBufferBindingSize: 134217728,
  maxUniformBufferBindingSize: 65536,
  maxBufferSize: 268435456,
};


const mb = (b: number): string => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} KB` : `${Math.round(b)} B`);
const pct = (x: number): string => `${Math.round(x * 100)}%`;

export interface FindingContext {
  readonly model: KernelModel;
  readonly device: DeviceSpec;
  /** The entry point's name span in the analysed text, for kernel-wide findings. */
  readonly entrySpan: Span;
  /** Loops of the entry point in order, with the storage bindings each reads by loop-dependent index. */
  readonly passes: readonly { readonly span: Span; readonly bindings: readonly string[] }[];
  /** Buffers of known size for this launch, with their declarations. */
  readonly buffers?: readonly { readonly name: string; readonly bytes: number; readonly space: "global" | "uniform"; readonly span: Span }[];
  /** The dispatch is the model's assumption, not the file's: its size is no finding. */
  readonly dispatchAssumed?: boolean;
}

function share(a: AccessInfo & { l2Bytes?: number }, model: KernelModel): number {
  const total = (model.traffic.l2Read ?? 0) + (model.traffic.l2Written ?? 0);
  return total > 0 && a.l2Bytes !== undefined ? a.l2Bytes / total : 0;
}

export function findings(ctx: FindingContext): Finding[] {
  const { model, device } = ctx;
  const out: Finding[] = [];
  const warp = device.warpSize;

  for (const a of model.accesses as (AccessInfo & { l2Bytes?: number })[]) {
    // A warp whose lanes are mostly inactive (a causal mask, a bounds check) wastes bandwidth through divergence,
    // which is not what this finding is about.
    if (a.addressSpace === "storage" && a.pattern === "strided" && !a.note && a.coalescingEfficiency !== null && a.coalescingEfficiency < 0.5 && share(a, model) > 0.02) {
      const useful = Math.min(warp, 32) * a.bytesPerAccess;
      out.push({
        code: "uncoalesced-access",
        severity: "warning",
        span: a.span,
        message:
          `uncoalesced ${a.kind} of '${a.binding}': ${a.strideElements === 0 ? "adjacent invocations share addresses, but the groups that share one lie far apart" : `adjacent invocations are ${a.strideElements} elements apart`}, so a warp touches ` +
          `${a.transactionsPerWarp} ${device.memoryTransactionBytes}-byte transactions for ${useful} useful bytes (${pct(a.coalescingEfficiency)} efficiency); ` +
          `this access moves ${mb(a.l2Bytes ?? 0)}. Let local_invocation_id.x index the contiguous dimension, or stage the tile through workgroup memory.`,
      });
    }
    if (a.addressSpace === "workgroup" && a.bankConflictDegree !== null && a.bankConflictDegree >= 2) {
      out.push({
        code: "bank-conflict",
        severity: "warning",
        span: a.span,
        message:
          `${a.bankConflictDegree}-way bank conflict on '${a.binding}': lanes of a warp hit the same 4-byte bank at ${a.bankConflictDegree} different words, ` +
          (device.sharedMemoryBankConflicts === false
            ? `which replays the access ${a.bankConflictDegree} times on GPUs with 32 banks (${device.name}'s banks are undocumented: the prediction does not charge it). `
            : `so the access is replayed ${a.bankConflictDegree} times. `) +
          `Spread a warp over all 32 banks: pad rows so consecutive rows start in different banks, or make the workgroup 32 invocations wide.`,
      });
    }
    if (a.addressSpace === "storage" && a.kind === "load" && a.loopInvariant && a.count.value > 0 && share(a, model) > 0.02) {
      out.push({
        code: "global-reread",
        severity: "info",
        span: a.span,
        message: `'${a.binding}' is read at the same address on every iteration of the enclosing loop (${a.count.value.toLocaleString("en-US")} loads in all): load it once into a register before the loop.`,
      });
    }
  }

  const local = model.localMemory;
  const localMs = model.roofline.components.localMemoryMs ?? 0;
  const predictedMs = model.roofline.predictedMs;
  if (local && local.bytes > 0) {
    for (const arr of local.arrays) {
      out.push({
        code: "local-memory-array",
        severity: predictedMs !== null && localMs > 0.1 * predictedMs ? "warning" : "info",
        span: arr.span,
        message:
          `'${arr.name}' is indexed here by a value the compiler cannot make constant (a counter of an outer loop, of a loop it does not unroll, or an id), ` +
          `so the array lives in local memory, not registers: every read and write of it is a memory access` +
          (localMs > 0 ? ` (${mb(local.bytes)} in all, ${localMs < 1 ? `${(localMs * 1e3).toFixed(1)} µs` : `${localMs.toFixed(2)} ms`} through the L1${predictedMs !== null ? ` of the predicted ${predictedMs < 1 ? `${(predictedMs * 1e3).toFixed(1)} µs` : `${predictedMs.toFixed(2)} ms`}` : ""})` : "") +
          `. Index it only with constants and the counter of an innermost loop with a constant trip count: write the outer loops out.`,
      });
    }
  }

  // Registers the compiler spilled (its exact report): local-memory traffic, and a sign the register budget is too tight.
  const spills = model.spills;
  if (spills) {
    const spillMs = localMs * (local && local.bytes > 0 ? spills.bytes / (spills.bytes + local.bytes) : 1);
    const share = predictedMs !== null && predictedMs > 0 ? spillMs / predictedMs : 0;
    const regs = model.occupancy && !model.occupancy.estimated ? `${model.occupancy.registersPerInvocation} registers per invocation` : "the registers it was given";
    out.push({
      code: "register-spill",
      severity: "warning",
      span: ctx.entrySpan,
      message:
        `the compiler spills registers to local memory: ${spills.storeBytesPerThread} bytes of spill stores and ${spills.loadBytesPerThread} bytes of spill loads per invocation` +
        `${spills.stackBytesPerThread !== null ? ` (a ${spills.stackBytesPerThread}-byte stack frame)` : ""}, exact from ${spills.source}, with ${regs}` +
        (spills.bytes > 0 ? `; charged as ${mb(spills.bytes)} of local-memory traffic through the L1 (each spill once per invocation, so at least ${spillMs < 1 ? `${(spillMs * 1e3).toFixed(1)} µs` : `${spillMs.toFixed(2)} ms`}${predictedMs !== null ? `, ${share < 0.01 ? "under 1%" : pct(share)} of the predicted time` : ""}; a spill inside a loop repeats every iteration)` : "") +
        `. Keep fewer values live (smaller per-invocation tiles or unroll factors, reuse temporaries), or allow more registers per invocation: fewer resident workgroups in the launch bounds, a higher register limit.`,
    });
  }

  const occ = model.occupancy;
  if (occ && occ.value < 0.5 && /shared|workgroup|register|threads|blocks|barriers/.test(occ.limitedBy)) {
    const fix =
      occ.limitedBy.includes("shared") ? "use less workgroup memory per workgroup (smaller tiles, or f16 staging) to fit more workgroups per SM"
      : occ.limitedBy.includes("register") ? "keep fewer values live per invocation (smaller register blocks)"
      : occ.limitedBy === "barriers" ? "use fewer named barriers per workgroup (each named barrier id a workgroup uses takes one of the SM's barriers)"
      : "use larger workgroups (more invocations per workgroup)";
    out.push({
      code: "occupancy-limited",
      severity: "info",
      span: ctx.entrySpan,
      // The limit in words (the front-ends turn "workgroup memory" into "shared memory" for CUDA and Triton).
      message: `occupancy ${pct(occ.value)} on ${device.name}, limited by ${occ.limitedBy === "shared-memory" ? "workgroup memory" : occ.limitedBy.replace(/-/g, " ")}: ${occ.detail.replace(/\.+$/, "")}. To lift it, ${fix}.`,
    });
  }

  const ws = model.workgroupSize;
  if (ws) {
    const threads = ws[0] * ws[1] * ws[2];
    if (threads % warp !== 0) {
      const warps = Math.ceil(threads / warp);
      out.push({
        code: "workgroup-size-multiple",
        severity: "warning",
        span: ctx.entrySpan,
        message: `a workgroup of ${threads} invocations is not a multiple of the ${warp}-wide subgroup on ${device.name}: it occupies ${warps} subgroups (${warps * warp} lanes), leaving ${warps * warp - threads} lanes idle (${pct(1 - threads / (warps * warp))}). Use a multiple of ${warp}.`,
      });
    }
    const limits = WEBGPU_DEFAULTS;
    const over: string[] = [];
    if (threads > limits.maxComputeInvocationsPerWorkgroup) over.push(`${threads} invocations per workgroup (default limit ${limits.maxComputeInvocationsPerWorkgroup})`);
    if (ws[0] > limits.maxComputeWorkgroupSizeX || ws[1] > limits.maxComputeWorkgroupSizeY || ws[2] > limits.maxComputeWorkgroupSizeZ) over.push(`a workgroup size of ${ws.join(" x ")} (defaults 256 x 256 x 64)`);
    if (model.workgroupMemoryBytes !== null && model.workgroupMemoryBytes > limits.maxComputeWorkgroupStorageSize) over.push(`${model.workgroupMemoryBytes} bytes of workgroup memory (default limit ${limits.maxComputeWorkgroupStorageSize})`);
    const d = model.dispatch;
    if (d && !ctx.dispatchAssumed && d.some((x) => x > limits.maxComputeWorkgroupsPerDimension)) over.push(`a dispatch of ${d.join(" x ")} workgroups (default limit ${limits.maxComputeWorkgroupsPerDimension} per dimension)`);
    if (over.length > 0) {
      out.push({
        code: "webgpu-limits",
        severity: "warning",
        span: ctx.entrySpan,
        message: `this launch exceeds WebGPU's default limits: ${over.join("; ")}. It runs only on a device created with higher requiredLimits; split the dispatch or shrink the workgroup otherwise.`,
      });
    }
  }

  // Buffers too large for WebGPU's default binding limits, or for the device's memory: a run would fail to allocate.
  for (const b of ctx.buffers ?? []) {
    const limit = b.space === "uniform" ? WEBGPU_DEFAULTS.maxUniformBufferBindingSize : WEBGPU_DEFAULTS.maxStorageBufferBindingSize;
    if (b.bytes <= limit) continue;
    const name = b.space === "uniform" ? "maxUniformBufferBindingSize" : "maxStorageBufferBindingSize";
    const beyond = b.bytes > device.memoryBytes ? `, and more than the ${formatBytes(device.memoryBytes)} of memory on ${device.name}` : b.bytes > WEBGPU_DEFAULTS.maxBufferSize ? ` and maxBufferSize (${formatBytes(WEBGPU_DEFAULTS.maxBufferSize)})` : "";
    out.push({
      code: "webgpu-limits",
      severity: "warning",
      span: b.span,
      message: `'${b.name}' holds ${formatBytes(b.bytes)} for this launch: more than WebGPU's default ${name} of ${formatBytes(limit)}${beyond}. Check its // @buffer count, or split the data across dispatches.`,
    });
  }

  const r = model.roofline;
  if (r.bound === "memory" && r.arithmeticIntensity !== null && r.arithmeticIntensity < r.ridge / 10 && model.traffic.dramRead !== null) {
    const o = model.ops;
    const flops = o.flopsF32.value + o.flopsF16.value + o.flopsBF16.value + o.tensorFlops.value;
    const moved = model.traffic.dramRead + (model.traffic.dramWritten ?? 0);
    // A kernel that only moves data (a transpose, a copy) has no FLOP rate to raise: its measure is bandwidth.
    const rate = predictedMs !== null && predictedMs > 0 ? moved / (predictedMs / 1000) : null;
    const gb = (x: number): string => `${Math.round(x / 1e9).toLocaleString("en-US")} GB/s`;
    out.push({
      code: "low-arithmetic-intensity",
      // Most element-wise kernels are like this by nature: shown as a hint, not in the problems list.
      severity: "hint",
      span: ctx.entrySpan,
      message:
        flops === 0
          ? `memory-bound with no floating-point work: the kernel moves ${mb(moved)} to and from DRAM, so its time is bytes over bandwidth` +
            `${rate !== null ? ` (${gb(rate)} predicted, ${pct(rate / device.dramBandwidthBytesPerSec)} of the ${gb(device.dramBandwidthBytesPerSec)} of ${device.name})` : ""}. ` +
            `Move fewer bytes (narrower element types, fuse it with the kernels around it) and keep every access coalesced so each fetched sector is used.`
          : `memory-bound: ${r.arithmeticIntensity.toFixed(2)} FLOP/byte against a ridge of ${r.ridge.toFixed(1)} on ${device.name}, so at most ${r.attainableGflops?.toFixed(0)} GFLOP/s. Fuse it with the kernels around it, or reuse each loaded value for more arithmetic.`,
    });
  }

  // Several loops in a row streaming the same buffer: softmax and normalisations done in 3 passes.
  const byBinding = new Map<string, number>();
  for (const p of ctx.passes) for (const b of new Set(p.bindings)) byBinding.set(b, (byBinding.get(b) ?? 0) + 1);
  for (const [binding, passes] of byBinding) {
    if (passes < 3) continue;
    const first = ctx.passes.find((p) => p.bindings.includes(binding))!;
    out.push({
      code: "multi-pass",
      severity: "info",
      span: first.span,
      message: `'${binding}' is streamed from global memory in ${passes} separate passes: a 2-pass version (keep a running maximum and rescale the running sum) or an online one (keep the row in workgroup memory) reads it ${passes - 1 > 1 ? "once or twice" : "once"}.`,
    });
  }
  return out;
}
