// Inside the helper child: microbenchmarks that measure the local adapter's ceilings (a CalibrationProfile).
//
// Each figure is the median of several timed runs after warm-up, timed like a kernel run (timestamps where offered).
// Compute and workgroup-memory rates come from the slope between two loop lengths, so the fixed cost of a dispatch
// (launching workgroups, the final store) does not count as compute. Loop lengths adapt to the adapter: a few
// milliseconds per run on a CPU rasterizer, the same wall time on a real GPU, bounded either way.
import type { GpuContext } from "./adapters";
import { Stopwatch, summariseTiming } from "./runner";
import type { CalibrationProfile, CalibrationProgress } from "./types";

/** Bytes each copy benchmark moves one way (read once, written once). */
export const COPY_BYTES = 32 * 1024 * 1024;
const WARMUP = 2;
const REPEAT = 9;
/** Wall time a compute benchmark's longer run aims at; the shorter one is half of it. */
const TARGET_MS = 12;
const MAX_ITERS = 1 << 20;

export class CalibrationCancelled extends Error {}

export interface CalibrateControl {
  cancelled(): boolean;
  progress(p: CalibrationProgress): void;
}

interface Bench {
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup?: GPUBindGroup;
  readonly dispatch: readonly [number, number, number];
}

export async function calibrate(ctx: GpuContext, control: CalibrateControl): Promise<CalibrationProfile> {
  const { device } = ctx;
  const f16 = device.features.has("shader-f16");
  const steps = ["copy f32", "copy vec4<f32>", "copyBufferToBuffer", "FMA f32", ...(f16 ? ["FMA f16"] : []), "workgroup memory", "barriers", "dispatch overhead"];
  let done = 0;
  const step = (name: string): void => {
    if (control.cancelled()) throw new CalibrationCancelled("cancelled");
    control.progress({ step: name, done, total: steps.length });
    done++;
  };
  const owned: { destroy(): void }[] = [];
  const buffer = (size: number, usage: number): GPUBuffer => {
    const b = device.createBuffer({ size, usage });
    owned.push(b);
    return b;
  };
  const pipeline = async (code: string): Promise<GPUComputePipeline> => {
    const module = device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    const err = info.messages.find((m) => m.type === "error");
    if (err) throw new Error(`calibration kernel does not compile: ${err.lineNum}:${err.linePos}: ${err.message}`);
    return device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" } });
  };
  const bind = (p: GPUComputePipeline, ...buffers: GPUBuffer[]): GPUBindGroup =>
    device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: buffers.map((b, binding) => ({ binding, resource: { buffer: b } })) });

  /** Median milliseconds of one dispatch (or of `encode`'s commands), timed with the adapter's method. */
  const time = async (bench: Bench | ((enc: GPUCommandEncoder, sw: Stopwatch) => void), repeat = REPEAT): Promise<number> => {
    const sw = new Stopwatch(device, ctx.summary.timestampQuery, repeat);
    try {
      for (let k = 0; k < WARMUP + repeat; k++) {
        if (control.cancelled()) throw new CalibrationCancelled("cancelled");
        const timed = k >= WARMUP;
        const enc = device.createCommandEncoder();
        if (typeof bench === "function") bench(enc, sw);
        else {
          const pass = enc.beginComputePass({ timestampWrites: sw.writes(true, true) });
          pass.setPipeline(bench.pipeline);
          if (bench.bindGroup) pass.setBindGroup(0, bench.bindGroup);
          pass.dispatchWorkgroups(...bench.dispatch);
          pass.end();
        }
        if (timed) sw.record(enc, k - WARMUP);
        await sw.submit(enc.finish(), timed);
      }
      const s = await sw.samples();
      return summariseTiming(s.method, s.samplesMs).medianMs;
    } finally {
      sw.destroy();
    }
  };

  try {
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const src = buffer(COPY_BYTES, storage);
    const dst = buffer(COPY_BYTES, storage);
    // Non-zero contents: a driver could treat never-written memory specially.
    device.queue.writeBuffer(src, 0, new Float32Array(COPY_BYTES / 4).fill(1.5));

    step("copy f32");
    const copyScalar = await pipeline(copyKernel("f32"));
    const scalarMs = await time({ pipeline: copyScalar, bindGroup: bind(copyScalar, src, dst), dispatch: grid(COPY_BYTES / 4 / 256) });

    step("copy vec4<f32>");
    const copyVec4 = await pipeline(copyKernel("vec4<f32>"));
    const vec4Ms = await time({ pipeline: copyVec4, bindGroup: bind(copyVec4, src, dst), dispatch: grid(COPY_BYTES / 16 / 256) });

    step("copyBufferToBuffer");
    // Copies cannot sit in a compute pass: empty passes on either side carry the begin and end timestamps.
    const copies = 4;
    const b2bMs = await time((enc, sw) => {
      enc.beginComputePass({ timestampWrites: sw.writes(true, false) }).end();
      for (let i = 0; i < copies; i++) enc.copyBufferToBuffer(src, 0, dst, 0, COPY_BYTES);
      enc.beginComputePass({ timestampWrites: sw.writes(false, true) }).end();
    });

    // Enough invocations to fill a large GPU; a CPU rasterizer runs a few SIMD lanes per core, and there the fixed
    // cost of many invocations (setup, the final store) would swamp a loop short enough to keep calibration quick.
    const workgroups = ctx.summary.software ? 64 : 1024;
    const invocations = workgroups * 256;
    const params = buffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const sink = buffer(invocations * 16, storage);
    /** Rate from the slope between `iters` and `2 * iters` loop trips (units of work per ms per trip). */
    const slope = async (p: GPUComputePipeline, paramsFor: (iters: number) => ArrayBuffer): Promise<number> => {
      const bg = bind(p, params, sink);
      const at = async (iters: number, repeat = REPEAT): Promise<number> => {
        device.queue.writeBuffer(params, 0, paramsFor(iters));
        return time({ pipeline: p, bindGroup: bg, dispatch: [workgroups, 1, 1] }, repeat);
      };
      // Grow the loop until a run takes a quarter of the target (probes are medians of 3: the machine may be busy).
      let iters = 16;
      for (let probe = 0; probe < 8; probe++) {
        const ms = await at(iters, 3);
        if (ms >= TARGET_MS / 4 || iters >= MAX_ITERS) break;
        iters = Math.min(MAX_ITERS, Math.round(iters * Math.min(8, Math.max(2, TARGET_MS / 2 / Math.max(ms, 1e-3)))));
      }
      const short = await at(iters);
      const long = await at(2 * iters);
      // Noise could make the difference tiny; never below a tenth of the long run's own rate.
      return iters / Math.max(long - short, long / 20);
    };

    step("FMA f32");
    const fma32 = await pipeline(fmaKernel("f32"));
    const fmaParams = (iters: number): ArrayBuffer => new Uint32Array([iters, new Uint32Array(new Float32Array([0.5]).buffer)[0], new Uint32Array(new Float32Array([0.5]).buffer)[0], 0]).buffer;
    // 8 vec4 FMAs per trip per invocation: 64 FLOPs (an FMA is 2).
    const fmaF32 = (await slope(fma32, fmaParams)) * invocations * 64 * 1000;

    let fmaF16: number | undefined;
    if (f16) {
      step("FMA f16");
      const fma16 = await pipeline(fmaKernel("f16"));
      fmaF16 = (await slope(fma16, fmaParams)) * invocations * 64 * 1000;
    }

    step("workgroup memory");
    const wg = await pipeline(workgroupKernel());
    // Each trip reads and writes two f32 per invocation: 16 bytes. Stride and mask keep each invocation on its own slots.
    const wgParams = (iters: number): ArrayBuffer => new Uint32Array([iters, 256, 512, 0]).buffer;
    const workgroupBandwidth = (await slope(wg, wgParams)) * invocations * 16 * 1000;

    step("barriers");
    const bar = await pipeline(barrierKernel());
    // One workgroupBarrier() per trip per invocation: the slope is the time of `invocations` invocation-barriers.
    const barrierNsPerInvocation = 1e6 / ((await slope(bar, (iters) => new Uint32Array([iters, 0, 0, 0]).buffer)) * invocations);

    step("dispatch overhead");
    // Submit to completion on the wall clock: the overhead is what a caller waits for, not device time.
    const empty = await pipeline("@compute @workgroup_size(1) fn main() {}");
    const wall: number[] = [];
    for (let k = 0; k < 5 + 31; k++) {
      if (control.cancelled()) throw new CalibrationCancelled("cancelled");
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(empty);
      pass.dispatchWorkgroups(1);
      pass.end();
      const cmd = enc.finish();
      const t0 = performance.now();
      device.queue.submit([cmd]);
      await device.queue.onSubmittedWorkDone();
      if (k >= 5) wall.push(performance.now() - t0);
    }
    const dispatchOverheadMs = summariseTiming("wall", wall).medianMs;
    control.progress({ step: "done", done: steps.length, total: steps.length });

    return {
      adapter: ctx.summary,
      measuredAt: new Date().toISOString(),
      copyBandwidthScalar: (2 * COPY_BYTES) / (scalarMs / 1000),
      copyBandwidthVec4: (2 * COPY_BYTES) / (vec4Ms / 1000),
      copyBufferToBuffer: (2 * copies * COPY_BYTES) / (b2bMs / 1000),
      fmaF32,
      ...(fmaF16 !== undefined ? { fmaF16 } : {}),
      workgroupBandwidth,
      dispatchOverheadMs,
      barrierNsPerInvocation,
      timing: ctx.summary.timestampQuery ? "timestamp" : "wall",
    };
  } finally {
    for (const o of owned) o.destroy();
  }
}

/** Workgroups for `n` groups of 256, in x (and y past the per-dimension limit every adapter has). */
function grid(n: number): [number, number, number] {
  return n <= 65535 ? [n, 1, 1] : [65535, Math.ceil(n / 65535), 1];
}

function copyKernel(type: "f32" | "vec4<f32>"): string {
  return `@group(0) @binding(0) var<storage, read> src: array<${type}>;
@group(0) @binding(1) var<storage, read_write> dst: array<${type}>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i < arrayLength(&dst)) { dst[i] = src[i]; }
}`;
}

/** Four independent chains of dependent vec4 FMAs, two steps per trip; multiplier and addend come from a uniform. */
function fmaKernel(type: "f32" | "f16"): string {
  const v = `vec4<${type}>`;
  return `${type === "f16" ? "enable f16;\n" : ""}struct Params { iters: u32, m: f32, c: f32, pad: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> sink: array<vec4<f32>>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = ${v}(${type}(params.m));
  let c = ${v}(${type}(params.c));
  let s = ${type}(gid.x & 255u) * ${type}(0.001);
  var a0 = ${v}(s, s + ${type}(0.1), s + ${type}(0.2), s + ${type}(0.3));
  var a1 = a0 + ${v}(${type}(0.01));
  var a2 = a0 + ${v}(${type}(0.02));
  var a3 = a0 + ${v}(${type}(0.03));
  for (var k = 0u; k < params.iters; k++) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
  }
  sink[gid.x] = vec4<f32>(a0 + a1 + a2 + a3);
}`;
}

/**
 * Streams through a 4 KiB workgroup array of f32, the element typical kernels stage tiles in: each trip reads two
 * and writes two. On a GPU a warp's conflict-free f32 access uses every bank, so this reaches the full bandwidth; on
 * a CPU rasterizer each access costs about the same whatever its width, so a vec4 benchmark would overstate what f32
 * tiles get by 4x. The addresses depend on uniform values the compiler cannot see (stride 256 and xor 512 keep every
 * invocation on its own four slots), so the loads and stores cannot be forwarded through registers.
 */
function workgroupKernel(): string {
  return `struct Params { iters: u32, stride: u32, flip: u32, pad: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> sink: array<vec4<f32>>;
var<workgroup> tile: array<f32, 1024>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  for (var j = 0u; j < 4u; j++) { tile[lid + 256u * j] = f32(lid + j); }
  workgroupBarrier();
  var acc = 0.0;
  var idx = lid;
  for (var k = 0u; k < params.iters; k++) {
    let v0 = tile[idx];
    tile[idx ^ params.flip] = v0 + 1.0;
    idx = (idx + params.stride) & 1023u;
    let v1 = tile[idx];
    tile[idx ^ params.flip] = v1 - 1.0;
    idx = (idx + params.stride) & 1023u;
    acc = acc + v0 + v1;
  }
  sink[gid.x] = vec4<f32>(acc);
}`;
}

/**
 * A loop of barriers and nothing else but one dependent multiply-add, so the slope is the barrier's own cost (an
 * earlier version also read and wrote workgroup memory between barriers, which a CPU rasterizer charged as much
 * again as the barrier).
 */
function barrierKernel(): string {
  return `struct Params { iters: u32, a: u32, b: u32, c: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> sink: array<vec4<f32>>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var acc = f32(lid);
  for (var k = 0u; k < params.iters; k++) {
    acc = acc * 0.5 + f32(k);
    workgroupBarrier();
  }
  sink[gid.x] = vec4<f32>(acc);
}`;
}
