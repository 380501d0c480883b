// Runs an example kernel on a real WebGPU adapter (Dawn on Vulkan: lavapipe where there is no GPU) and checks every output.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadDawn } from "../../server/src/tint/dawnLoader";

const repoRoot = join(__dirname, "..", "..");

/** Seeded uniform floats in [-1, 1), so a failure reproduces. */
function randomFloats(n: number, seed: number): Float32Array<ArrayBuffer> {
  let s = seed >>> 0;
  const out = new Float32Array(new ArrayBuffer(n * 4));
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

describe("Dawn on a real adapter", { timeout: 60000 }, () => {
  let gpu: GPU;
  let device: GPUDevice;
  let adapterInfo: { vendor: string; architecture: string; description: string; isFallback: boolean };
  const errors: string[] = [];

  before(async () => {
    const dawn = loadDawn();
    assert.ok(!("error" in dawn), `Dawn loads: ${"error" in dawn ? dawn.error : ""}`);
    gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter();
    assert.ok(adapter, "a WebGPU adapter exists: install a Vulkan driver (Debian: mesa-vulkan-drivers from bookworm-backports)");
    const info = adapter.info;
    adapterInfo = { vendor: info.vendor, architecture: info.architecture, description: info.description, isFallback: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false };
    device = await adapter.requestDevice();
    // Dawn would print uncaptured errors to stdout; collect them instead and fail on any.
    device.addEventListener("uncapturederror", (e) => {
      e.preventDefault();
      errors.push((e as GPUUncapturedErrorEvent).error.message);
    });
  });

  after(() => {
    device?.destroy();
  });

  it("reports what it runs on", () => {
    assert.ok(adapterInfo.vendor.length > 0);
    console.log(`adapter: ${adapterInfo.vendor} ${adapterInfo.architecture} ${adapterInfo.description} (fallback: ${adapterInfo.isFallback})`);
  });

  it("computes saxpy exactly as a float64 reference does, on every element", async () => {
    const code = readFileSync(join(repoRoot, "examples", "saxpy.wgsl"), "utf8");
    const module = device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    assert.deepEqual(info.messages.filter((m) => m.type === "error"), []);
    const pipeline = await device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "saxpy" } });

    const n = 100_003; // not a multiple of the workgroup size: the bounds check matters
    const alpha = 2.5;
    const x = randomFloats(n, 1);
    const y = randomFloats(n, 2);
    const make = (data: ArrayBufferView, usage: number): GPUBuffer => {
      const b = device.createBuffer({ size: data.byteLength, usage, mappedAtCreation: true });
      new Uint8Array(b.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      b.unmap();
      return b;
    };
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    // The output is poisoned with NaN so an element the kernel never writes cannot pass as correct.
    const poison = new Float32Array(n).fill(Number.NaN);
    const xb = make(x, storage);
    const yb = make(y, storage);
    const ob = make(poison, storage);
    const params = new ArrayBuffer(8);
    new Uint32Array(params, 0, 1)[0] = n;
    new Float32Array(params, 4, 1)[0] = alpha;
    const ub = make(new Uint8Array(params), GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });

    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [xb, yb, ob, ub].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(n / 256));
    pass.end();
    encoder.copyBufferToBuffer(ob, 0, read, 0, n * 4);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();

    let mismatches = 0;
    let first = -1;
    let maxAbs = 0;
    for (let i = 0; i < n; i++) {
      const ref = Math.fround(alpha) * x[i] + y[i];
      const err = Math.abs(out[i] - ref);
      if (!(err <= 1e-6 * Math.max(1, Math.abs(ref)))) {
        mismatches++;
        if (first < 0) first = i;
      }
      if (Number.isFinite(err)) maxAbs = Math.max(maxAbs, err);
    }
    assert.equal(mismatches, 0, `first mismatch at ${first}: got ${out[first]}, want ${Math.fround(alpha) * x[first] + y[first]}`);
    assert.ok(maxAbs < 1e-6, `max abs error ${maxAbs}`);
    assert.deepEqual(errors, []);
  });

  it("catches a kernel that leaves part of its output unwritten", async () => {
    // Same kernel with the bound halved: the second half keeps its NaN poison, which the check must notice.
    const code = readFileSync(join(repoRoot, "examples", "saxpy.wgsl"), "utf8").replace("if (i < params.n)", "if (i < params.n / 2u)");
    const module = device.createShaderModule({ code });
    const pipeline = await device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "saxpy" } });
    const n = 1024;
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffers = [randomFloats(n, 3), randomFloats(n, 4), new Float32Array(new ArrayBuffer(n * 4)).fill(Number.NaN)].map((data) => {
      const b = device.createBuffer({ size: data.byteLength, usage: storage });
      device.queue.writeBuffer(b, 0, data);
      return b;
    });
    const ub = device.createBuffer({ size: 8, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(ub, 0, new Uint32Array([n, 0]));
    const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [...buffers, ub].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
    pass.dispatchWorkgroups(n / 256);
    pass.end();
    encoder.copyBufferToBuffer(buffers[2], 0, read, 0, n * 4);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    const unwritten = out.reduce((k, v) => k + (Number.isNaN(v) ? 1 : 0), 0);
    assert.equal(unwritten, n / 2);
    assert.ok(Number.isNaN(out[n / 2]) && !Number.isNaN(out[0]));
  });
});
