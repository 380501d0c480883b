// Inside the helper child: chooses the WebGPU adapter, opens the device with the adapter's own limits, and summarises it.
//
// The rules come from shared/notes/webgpu-on-cpu.md: every object returned by Dawn's create() stays referenced for the
// life of the process (collecting it crashes the process), uncaptured errors are swallowed with preventDefault()
// (Dawn would print them to stdout) and recorded for the request that caused them, and timestamps are unquantised.
import { loadDawn } from "../tint/dawnLoader";
import { driverAdvice } from "./driverAdvice";
import { helperError } from "./ipc";
import type { AdapterSummary, HelperError } from "./types";

export interface GpuContext {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly summary: AdapterSummary;
  /** Uncaptured device errors since the last `takeUncaptured()`; the runner turns them into a `validation` answer. */
  readonly uncaptured: string[];
  /** Set when the device is lost; the next request opens a fresh one. */
  lost?: string;
}

/** Features requested where the adapter offers them. */
const OPTIONAL_FEATURES: readonly GPUFeatureName[] = ["timestamp-query", "shader-f16", "subgroups"];

/** Limits raised to the adapter's values: WebGPU's defaults (256 invocations, 16 KiB workgroup memory) would hide the hardware. */
const RAISED_LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupSizeZ",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
] as const;

/** Dawn instances created so far: never released, because a collected instance takes the process down with it. */
const instances: GPU[] = [];

/** Backends to try, in order, for this OS; `KERNELLENS_GPU_BACKEND` forces one (e.g. `vulkan`, `opengles`). */
export function backendOrder(platform: NodeJS.Platform = process.platform): string[] {
  const forced = process.env.KERNELLENS_GPU_BACKEND?.trim();
  // Dawn's null backend compiles but never executes: it is no adapter for running kernels.
  if (forced) return forced === "null" ? [] : [forced];
  switch (platform) {
    case "win32":
      return ["d3d12", "vulkan"];
    case "darwin":
      return ["metal"];
    default:
      return ["vulkan"];
  }
}

/** A CPU rasterizer, whose timings are a CPU's. */
export function isSoftwareAdapter(info: { isFallbackAdapter?: boolean; architecture?: string; description?: string; device?: string }): boolean {
  if (info.isFallbackAdapter === true || info.architecture === "software") return true;
  return /llvmpipe|lavapipe|swiftshader|\bwarp\b|basic render/i.test(`${info.description ?? ""} ${info.device ?? ""}`);
}

function adapterKey(backend: string, vendor: string, architecture: string, device: string, description: string): string {
  return [backend, vendor, architecture, device, description]
    .map((s) => s.toLowerCase().replace(/[^a-z0-9.]+/g, "-").replace(/^-+|-+$/g, ""))
    .filter((s) => s.length > 0)
    .join("/");
}

function summarise(adapter: GPUAdapter, device: GPUDevice, backend: string): AdapterSummary {
  // The info fields are getters on the prototype: read them one by one (JSON.stringify sees none).
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean; subgroupMinSize?: number; subgroupMaxSize?: number };
  const vendor = info.vendor ?? "";
  const architecture = info.architecture ?? "";
  const deviceName = info.device ?? "";
  const description = info.description ?? "";
  const limits: Record<string, number> = {};
  for (const k in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === "number") limits[k] = v;
  }
  const summary: AdapterSummary = {
    vendor,
    architecture,
    device: deviceName,
    description,
    backend,
    software: isSoftwareAdapter({ isFallbackAdapter: info.isFallbackAdapter, architecture, description, device: deviceName }),
    features: [...adapter.features].sort(),
    limits,
    timestampQuery: device.features.has("timestamp-query"),
    key: adapterKey(backend, vendor, architecture, deviceName, description),
    ...(typeof info.subgroupMinSize === "number" && info.subgroupMinSize > 0 ? { subgroupMinSize: info.subgroupMinSize, subgroupMaxSize: info.subgroupMaxSize } : {}),
  };
  return summary;
}

async function requestAdapterOn(backend: string | undefined): Promise<GPUAdapter | null> {
  const dawn = loadDawn();
  if ("error" in dawn) throw new Error(dawn.error);
  const flags = ["disable-dawn-features=timestamp_quantization"];
  if (backend) flags.push(`backend=${backend}`);
  const gpu = dawn.create(flags);
  instances.push(gpu);
  const options: GPURequestAdapterOptions = { powerPreference: "high-performance" };
  // OpenGL ES only offers WebGPU's compatibility profile.
  if (backend === "opengles") (options as { featureLevel?: string }).featureLevel = "compatibility";
  return gpu.requestAdapter(options);
}

let opening: Promise<GpuContext | HelperError> | undefined;

/** The process's device, opened on first use and again after a loss. */
export function gpuContext(): Promise<GpuContext | HelperError> {
  if (!opening) {
    opening = openDevice();
    // A failure to open is not cached forever: a driver can appear, or the device may be lost later.
    void opening.then((ctx) => {
      if ("kind" in ctx) opening = undefined;
      else void ctx.device.lost.then((info) => {
        ctx.lost = `device lost (${info.reason}): ${info.message}`;
        opening = undefined;
      });
    });
  }
  return opening;
}

async function openDevice(): Promise<GpuContext | HelperError> {
  const dawn = loadDawn();
  // A missing Dawn's message already says which package to install; one that fails to load is a broken install.
  if ("error" in dawn) return helperError("no-adapter", dawn.error, dawn.missing ? {} : { advice: "reinstall KernelLens: its Dawn build for this platform does not load" });
  let adapter: GPUAdapter | null = null;
  let backend = "";
  try {
    for (const b of backendOrder()) {
      adapter = await requestAdapterOn(b);
      if (adapter) {
        backend = b;
        break;
      }
    }
    if (!adapter && !process.env.KERNELLENS_GPU_BACKEND) {
      // Whatever Dawn finds on its own (it never picks the null backend by default).
      adapter = await requestAdapterOn(undefined);
      backend = "default";
    }
  } catch (err) {
    return helperError("internal", `requesting a WebGPU adapter failed: ${(err as Error).message}`);
  }
  if (!adapter) {
    return helperError("no-adapter", `no WebGPU adapter found (tried ${backendOrder().join(", ") || "no backend"}${process.env.KERNELLENS_GPU_BACKEND ? ", as KERNELLENS_GPU_BACKEND says" : ""})`, { advice: driverAdvice() });
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f) && !(f === "timestamp-query" && process.env.KERNELLENS_GPU_NO_TIMESTAMPS === "1"));
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[name];
    if (typeof v === "number") requiredLimits[name] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  } catch (err) {
    return helperError("internal", `the adapter refused a device: ${(err as Error).message}`);
  }
  const uncaptured: string[] = [];
  device.addEventListener("uncapturederror", (e) => {
    e.preventDefault();
    if (uncaptured.length < 20) uncaptured.push((e as GPUUncapturedErrorEvent).error.message);
  });
  return { adapter, device, summary: summarise(adapter, device, backend), uncaptured };
}

/** The uncaptured errors recorded so far, clearing the record. */
export function takeUncaptured(ctx: GpuContext): string[] {
  return ctx.uncaptured.splice(0, ctx.uncaptured.length);
}
