// `kernellens doctor`: says whether Tint and a GPU adapter are available here, and what to install when not.
import { driverAdvice } from "../gpu/driverAdvice";
import { loadDawn } from "../tint/dawnLoader";
import { TintCompiler } from "../tint/tintCompiler";

export interface DoctorReport {
  tint: { available: boolean; detail: string };
  adapter: { available: boolean; vendor?: string; architecture?: string; description?: string; software?: boolean; advice?: string };
}

export async function doctor(): Promise<DoctorReport> {
  const tint = await TintCompiler.create();
  const report: DoctorReport = {
    tint: "error" in tint ? { available: false, detail: tint.error } : { available: true, detail: `Tint via Dawn's null backend (features: ${tint.features.join(", ")})` },
    adapter: { available: false },
  };
  const dawn = loadDawn();
  if ("error" in dawn) {
    report.adapter = { available: false, advice: dawn.error };
    return report;
  }
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    report.adapter = { available: false, advice: driverAdvice() };
    return report;
  }
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const software = info.isFallbackAdapter === true || info.architecture === "software" || /llvmpipe|lavapipe|swiftshader|warp/i.test(info.description);
  report.adapter = { available: true, vendor: info.vendor, architecture: info.architecture, description: info.description, software };
  return report;
}

export function formatDoctor(r: DoctorReport): string {
  const lines = [`WGSL compiler: ${r.tint.available ? `ok, ${r.tint.detail}` : `unavailable: ${r.tint.detail}`}`];
  if (r.adapter.available) {
    const label = r.adapter.software ? " (a software rasterizer: timings are a CPU's, not a GPU's)" : "";
    lines.push(`GPU adapter: ${[r.adapter.vendor, r.adapter.architecture, r.adapter.description].filter(Boolean).join(" ")}${label}`);
  } else {
    lines.push(`GPU adapter: none found; ${r.adapter.advice}`);
  }
  return lines.join("\n");
}
