// Serves the Roofline page under the panels' real CSP for Chromium tests and the render benchmark, with fixture data and themes.
//
// The page is the real bundle from dist/webview inside the real template rendered by renderWebviewHtml, served from a
// local HTTP server whose origin plays the part of `webview.cspSource`. A stand-in for acquireVsCodeApi records what
// the page posts and saves, as VS Code's injected API would.
import type { Server } from "node:http";
import type { Page } from "playwright-core";
import type { RooflineCeilings, RooflineDeviceEntry, WireRange } from "../../server/src/protocol";
import type { RooflineData, RooflineKernelView } from "../../webview/src/roofline/protocol";
import { findRepoRoot } from "./repoRoot";
import { ensureWebviewBundle, startWebviewServer } from "./webviewPage";

export const root = findRepoRoot(__dirname);

// ---- Fixtures ----

/** H100 SXM-like datasheet roofs (shader f16 at twice f32), and a calibrated local adapter below them. */
export const datasheetCeilings: RooflineCeilings = {
  source: "datasheet",
  label: "NVIDIA H100 SXM5 80GB",
  computeGflops: { f32: 66_900, f16: 133_800 },
  dramGBps: 3350,
  // 132 SMs x 128 bytes per clock x 1.98 GHz.
  workgroupGBps: 33_454,
};

export const measuredCeilings: RooflineCeilings = {
  source: "measured",
  label: "Local GPU (Vulkan)",
  computeGflops: { f32: 40_000, f16: null },
  dramGBps: 2600,
  workgroupGBps: 20_000,
};

export const devices: RooflineDeviceEntry[] = [
  { id: "measured-local", name: "Local GPU (Vulkan), measured", vendor: "measured" },
  { id: "nvidia-h100-sxm", name: "NVIDIA H100 SXM5 80GB", vendor: "nvidia" },
  { id: "nvidia-rtx-4090", name: "NVIDIA GeForce RTX 4090", vendor: "nvidia" },
  { id: "amd-mi300x", name: "AMD Instinct MI300X", vendor: "amd" },
  { id: "apple-m3-max", name: "Apple M3 Max", vendor: "apple" },
];

export function lineRange(line: number, name: string): WireRange {
  return { start: { line, character: 3 }, end: { line, character: 3 + name.length } };
}

/** A small deterministic generator (the same points on every run, so screenshots and counts are stable). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * `count` kernels spread over five decades of intensity, each predicted at 30-95% of its roof; every 97th has no
 * estimate (no launch), every 3rd a measured run at 40-110% of its prediction with its intensity within ±10%.
 */
export function rooflineFixture(count = 1000, uri = "file:///work/kernels/generated.wgsl"): RooflineData {
  const next = random(20240611);
  const c = datasheetCeilings;
  const kernels: RooflineKernelView[] = [];
  for (let i = 0; i < count; i++) {
    const name = `kernel_${String(i).padStart(4, "0")}`;
    const ai = 10 ** (-1.3 + next() * 4);
    const f16 = next() < 0.25;
    const peak = f16 ? c.computeGflops.f16! : c.computeGflops.f32;
    const roof = Math.min(peak, ai * c.dramGBps);
    const gflops = roof * (0.3 + 0.65 * next());
    const flops = 1e9 * (0.05 + next() * 20);
    const ms = flops / gflops / 1e6;
    const noEstimate = i % 97 === 96;
    kernels.push({
      name,
      range: lineRange(i * 12 + 4, name),
      predicted: noEstimate ? null : { ai, gflops, ms, bound: ai * c.dramGBps < peak ? "memory" : "compute", attainableGflops: roof },
      workgroupAi: next() < 0.5 ? ai * (2 + next() * 6) : null,
      reason: noEstimate ? "dispatch is unknown: add a // @dispatch line" : null,
      measured: i % 3 === 0 ? { ai: ai * (0.9 + 0.2 * next()), gflops: gflops * (0.4 + 0.7 * next()), ms: ms / (0.4 + 0.7 * next()) } : null,
    });
  }
  return { uri, device: { id: "nvidia-h100-sxm", name: "NVIDIA H100 SXM5 80GB", vendor: "nvidia", ceilings: c }, devices, kernels, measuredCeilings };
}

/** Three kernels far apart, for exact hover, click and pixel checks. */
export function sparseFixture(uri = "file:///work/kernels/matmul.wgsl"): RooflineData {
  const k = (name: string, line: number, rest: Omit<RooflineKernelView, "name" | "range">): RooflineKernelView => ({ name, range: lineRange(line, name), ...rest });
  return {
    uri,
    device: { id: "nvidia-h100-sxm", name: "NVIDIA H100 SXM5 80GB", vendor: "nvidia", ceilings: datasheetCeilings },
    devices,
    measuredCeilings,
    kernels: [
      k("saxpy", 22, {
        predicted: { ai: 0.1667, gflops: 420, ms: 0.00499, bound: "memory", attainableGflops: 558 },
        workgroupAi: null,
        reason: null,
        measured: { ai: 0.1667, gflops: 310, ms: 0.00677 },
      }),
      k("matmul_tiled", 40, {
        predicted: { ai: 12.3, gflops: 4520, ms: 0.412, bound: "memory", attainableGflops: 41_205 },
        workgroupAi: 3.2,
        reason: null,
        measured: { ai: 11.9, gflops: 3100, ms: 0.601 },
      }),
      k("matmul_register_blocked", 80, {
        predicted: { ai: 170, gflops: 52_000, ms: 2.64, bound: "compute", attainableGflops: 66_900 },
        workgroupAi: 21,
        reason: null,
        measured: null,
      }),
      k("reduce_partial", 120, { predicted: null, workgroupAi: null, reason: "dispatch is unknown: add a // @dispatch line", measured: null }),
    ],
  };
}

// ---- The page, the server, the stand-in API ----

/** Builds when the page bundle is missing or older than its sources, so a test never checks stale code. */
export function ensureRooflineBundle(): void {
  ensureWebviewBundle("roofline", { extraSources: ["server/src/protocol.ts"] });
}

/** Serves the rendered template at /roofline.html and dist/webview assets under /webview/, and nothing else. */
export function startRooflineServer(): Promise<{ server: Server; origin: string }> {
  return startWebviewServer("roofline");
}

// The acquireVsCodeApi stand-in lives with the other page plumbing; re-exported for the roofline tests and benches.
export { stubScript, type Recorder, type TestWindow } from "./webviewPage";

/**
 * Posts a message to the page as the host does. The page handles it in a task of its own, outside this evaluate call:
 * code run inside page.evaluate gets DevTools' permission to eval, which would hide a CSP violation from the test.
 */
export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, "*"), message);
}

/** The number of renders the page has finished (it counts them on #figure). */
export async function renderCount(page: Page): Promise<number> {
  return Number((await page.locator("#figure").getAttribute("data-renders")) ?? "0");
}

/** Sends data and waits until the page has rendered it, the table of points (filled after the chart's frame) included. */
export async function sendData(page: Page, data: RooflineData): Promise<void> {
  const before = await renderCount(page);
  await send(page, { type: "roofline", data });
  await page.waitForFunction((n) => {
    const renders = document.getElementById("figure")?.dataset.renders ?? "0";
    return Number(renders) > n && document.getElementById("points-body")?.dataset.render === renders;
  }, before);
}

// ---- Themes as VS Code sets them: --vscode-* variables on <html>, a theme-kind class on <body>. ----

const fonts = {
  "--vscode-font-family": "system-ui, 'Ubuntu', 'Droid Sans', 'DejaVu Sans', sans-serif",
  "--vscode-font-size": "13px",
  "--vscode-font-weight": "normal",
  "--vscode-editor-font-family": "'Droid Sans Mono', 'DejaVu Sans Mono', monospace",
};

export const themes = {
  light: {
    ...fonts,
    "--vscode-foreground": "#3b3b3b",
    "--vscode-editor-foreground": "#3b3b3b",
    "--vscode-editor-background": "#ffffff",
    "--vscode-descriptionForeground": "#6f6f6f",
    "--vscode-focusBorder": "#005fb8",
    "--vscode-panel-border": "#e5e5e5",
    "--vscode-editorWidget-border": "#e5e5e5",
    "--vscode-editor-selectionBackground": "#add6ff",
    "--vscode-editorHoverWidget-background": "#f8f8f8",
    "--vscode-editorHoverWidget-foreground": "#3b3b3b",
    "--vscode-editorHoverWidget-border": "#c8c8c8",
    "--vscode-widget-shadow": "#00000029",
    "--vscode-dropdown-background": "#ffffff",
    "--vscode-dropdown-foreground": "#3b3b3b",
    "--vscode-dropdown-border": "#cecece",
    "--vscode-button-background": "#005fb8",
    "--vscode-button-foreground": "#ffffff",
    "--vscode-button-hoverBackground": "#0258a8",
    "--vscode-editorWarning-foreground": "#bf8803",
    "--vscode-charts-blue": "#1a85ff",
    "--vscode-charts-orange": "#d18616",
  },
  dark: {
    ...fonts,
    "--vscode-foreground": "#cccccc",
    "--vscode-editor-foreground": "#cccccc",
    "--vscode-editor-background": "#1f1f1f",
    "--vscode-descriptionForeground": "#9d9d9d",
    "--vscode-focusBorder": "#0078d4",
    "--vscode-panel-border": "#2b2b2b",
    "--vscode-editorWidget-border": "#454545",
    "--vscode-editor-selectionBackground": "#264f78",
    "--vscode-editorHoverWidget-background": "#202020",
    "--vscode-editorHoverWidget-foreground": "#cccccc",
    "--vscode-editorHoverWidget-border": "#454545",
    "--vscode-widget-shadow": "#0000005c",
    "--vscode-dropdown-background": "#313131",
    "--vscode-dropdown-foreground": "#cccccc",
    "--vscode-dropdown-border": "#3c3c3c",
    "--vscode-button-background": "#0078d4",
    "--vscode-button-foreground": "#ffffff",
    "--vscode-button-hoverBackground": "#026ec1",
    "--vscode-editorWarning-foreground": "#cca700",
    "--vscode-charts-blue": "#3794ff",
    "--vscode-charts-orange": "#d18616",
  },
  "high-contrast": {
    ...fonts,
    "--vscode-foreground": "#ffffff",
    "--vscode-editor-foreground": "#ffffff",
    "--vscode-editor-background": "#000000",
    "--vscode-descriptionForeground": "#ffffff",
    "--vscode-focusBorder": "#f38518",
    "--vscode-contrastBorder": "#6fc3df",
    "--vscode-contrastActiveBorder": "#f38518",
    "--vscode-panel-border": "#6fc3df",
    "--vscode-editorWidget-border": "#6fc3df",
    "--vscode-editor-selectionBackground": "#ffffff",
    "--vscode-editorHoverWidget-background": "#0c141f",
    "--vscode-editorHoverWidget-foreground": "#ffffff",
    "--vscode-editorHoverWidget-border": "#6fc3df",
    "--vscode-dropdown-background": "#000000",
    "--vscode-dropdown-foreground": "#ffffff",
    "--vscode-dropdown-border": "#6fc3df",
    "--vscode-button-background": "#000000",
    "--vscode-button-foreground": "#ffffff",
    "--vscode-button-border": "#6fc3df",
    "--vscode-editorWarning-foreground": "#ffd370",
    "--vscode-charts-blue": "#3794ff",
    "--vscode-charts-orange": "#d18616",
  },
} as const;
export type ThemeKind = keyof typeof themes;

export async function applyTheme(page: Page, kind: ThemeKind): Promise<void> {
  await page.evaluate(
    ([k, variables]) => {
      // CSSOM writes, as VS Code's own, are not inline style attributes: the CSP allows them.
      for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
      document.body.classList.remove("vscode-light", "vscode-dark", "vscode-high-contrast");
      document.body.classList.add(`vscode-${k}`);
      document.body.dataset.vscodeThemeKind = `vscode-${k}`;
    },
    [kind, themes[kind]] as const,
  );
}
