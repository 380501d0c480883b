// `kernellens doctor`: says whether Tint and a GPU adapter are available here, and what to install when not.
//
// The adapter is asked for through the GPU helper, the process `run` and `calibrate` use: doctor reports the adapter
// they will get (same backend order, same limits), and Dawn's own messages stay in that process. Dawn writes them
// straight to the process's stderr (e.g. "Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced
// ... to fit dynamic offset allocation limit" whenever a Vulkan adapter is opened), where only the helper's log sees
// them; doctor prints its own findings only.
import { GpuHelperProcess } from "../gpu/helperClient";
import type { GpuHelper } from "../gpu/types";
import { TintCompiler } from "../tint/tintCompiler";

export interface DoctorReport {
  tint: { available: boolean; detail: string };
  adapter: { available: boolean; vendor?: string; architecture?: string; description?: string; backend?: string; software?: boolean; advice?: string };
}

export interface DoctorDeps {
  /** The helper to ask (tests inject one); default: a fresh helper process, disposed at the end. */
  readonly helper?: GpuHelper;
  /** Where the helper's log goes (its stderr: Dawn's messages); default: nowhere unless KERNELLENS_DEBUG is set. */
  readonly log?: (message: string) => void;
}

export async function doctor(deps: DoctorDeps = {}): Promise<DoctorReport> {
  const tint = await TintCompiler.create();
  const report: DoctorReport = {
    tint: "error" in tint ? { available: false, detail: tint.error } : { available: true, detail: `Tint via Dawn's null backend (features: ${tint.features.join(", ")})` },
    adapter: { available: false },
  };
  const log = deps.log ?? (process.env.KERNELLENS_DEBUG ? (m: string) => void process.stderr.write(`kernellens: helper: ${m}\n`) : undefined);
  const helper = deps.helper ?? new GpuHelperProcess({ log });
  try {
    const a = await helper.adapter();
    if ("kind" in a) report.adapter = { available: false, advice: [a.message, a.advice].filter(Boolean).join("; ") };
    else report.adapter = { available: true, vendor: a.vendor, architecture: a.architecture, description: a.description || a.device, backend: a.backend, software: a.software };
  } finally {
    if (!deps.helper) helper.dispose();
  }
  return report;
}

export function formatDoctor(r: DoctorReport): string {
  // Without Dawn (a package that does not carry it) neither Tint nor an adapter is there, for one reason: say it once.
  if (!r.tint.available && !r.adapter.available && r.adapter.advice === r.tint.detail) return `WGSL compiler and GPU adapter: unavailable: ${r.tint.detail}`;
  const lines = [`WGSL compiler: ${r.tint.available ? `ok, ${r.tint.detail}` : `unavailable: ${r.tint.detail}`}`];
  if (r.adapter.available) {
    const label = r.adapter.software ? " (a software rasterizer: timings are a CPU's, not a GPU's)" : "";
    const backend = r.adapter.backend ? ` via ${r.adapter.backend}` : "";
    lines.push(`GPU adapter: ${[r.adapter.vendor, r.adapter.architecture, r.adapter.description].filter(Boolean).join(" ")}${backend}${label}`);
  } else {
    lines.push(`GPU adapter: none found; ${r.adapter.advice}`);
  }
  return lines.join("\n");
}
