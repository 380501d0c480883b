// Baseline for the helper benchmark: the least code that times one kernel on Dawn, in a plain Node process of its own.
//
//   node test/bench/minimalDawn.mjs '{"code": "...", "bytes": 1048576, "warmup": 5, "repeat": 50}'
//
// Times every dispatch the way the helper does (GPU timestamps around the pass when offered, else submit to
// onSubmittedWorkDone; one submit per run) and prints one line `RESULT {json}`. Dawn may print to stdout too, so the
// caller looks for that line rather than parsing all of stdout.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const plat = `${process.platform}-${process.platform === "darwin" ? "universal" : process.arch}`;
const addon = [join(root, "dist", "dawn", plat, "dawn.node"), join(root, "node_modules", "webgpu", "dist", plat, "dawn.node")].find((p) => existsSync(p));
if (!addon) {
  console.error(`no dawn.node for ${plat}`);
  process.exit(2);
}
const dawn = createRequire(import.meta.url)(addon);
for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) globalThis[k] = v;

const { code, bytes, warmup, repeat } = JSON.parse(process.argv[2]);

// Kept referenced until exit: a collected instance takes the process down.
const gpu = dawn.create(["disable-dawn-features=timestamp_quantization"]);
const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
if (!adapter) {
  console.error("no adapter");
  process.exit(2);
}
const useTimestamps = adapter.features.has("timestamp-query");
const device = await adapter.requestDevice({ requiredFeatures: useTimestamps ? ["timestamp-query"] : [] });
device.addEventListener("uncapturederror", (e) => {
  e.preventDefault();
  console.error(e.error.message);
  process.exit(3);
});

const module = device.createShaderModule({ code });
const pipeline = await device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" } });
const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const src = device.createBuffer({ size: bytes, usage: storage });
const dst = device.createBuffer({ size: bytes, usage: storage });
device.queue.writeBuffer(src, 0, new Float32Array(bytes / 4).fill(1.25));
const bindGroup = device.createBindGroup({
  layout: pipeline.getBindGroupLayout(0),
  entries: [
    { binding: 0, resource: { buffer: src } },
    { binding: 1, resource: { buffer: dst } },
  ],
});
const querySet = useTimestamps ? device.createQuerySet({ type: "timestamp", count: 2 }) : undefined;
const resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
const read = device.createBuffer({ size: 16 * repeat, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });

const wall = [];
for (let k = 0; k < warmup + repeat; k++) {
  const timed = k >= warmup;
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass(timed && querySet ? { timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {});
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(bytes / 4 / 256);
  pass.end();
  if (timed && querySet) {
    encoder.resolveQuerySet(querySet, 0, 2, resolve, 0);
    encoder.copyBufferToBuffer(resolve, 0, read, 16 * (k - warmup), 16);
  }
  const commands = encoder.finish();
  const t0 = performance.now();
  device.queue.submit([commands]);
  await device.queue.onSubmittedWorkDone();
  if (timed) wall.push(performance.now() - t0);
}
let samplesMs = wall;
if (querySet) {
  await read.mapAsync(GPUMapMode.READ);
  const ts = new BigUint64Array(read.getMappedRange().slice(0));
  read.unmap();
  samplesMs = [];
  for (let i = 0; i < repeat; i++) samplesMs.push(Number(ts[2 * i + 1] - ts[2 * i]) / 1e6);
}
console.log(`RESULT ${JSON.stringify({ method: querySet ? "timestamp" : "wall", samplesMs })}`);
// Exit at once: Dawn's teardown is not what is measured, and the instance must not be collected before it.
process.exit(0);
