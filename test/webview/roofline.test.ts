// Tests the Roofline panel page in real headless Chromium under the panels' strict CSP: points, roofs, tooltip, click, keys, picker, state, themes.
//
// What is checked is what a person sees: the legend's counts, the axis titles, the roof labels, the tooltip's text,
// the colour of the canvas where each point should be. Positions are derived from the same geometry the page uses
// (webview/src/roofline/geometry.ts) and the plot area's place on screen. Tests wait for events, never for time.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chartPoints, defaultExtent, type Extent } from "../../webview/src/roofline/geometry";
import type { RooflineData } from "../../webview/src/roofline/protocol";
import { launchChromium, testOutputDir } from "../support/chromium";
import {
  applyTheme,
  ensureRooflineBundle,
  lineRange,
  measuredCeilings,
  root,
  rooflineFixture,
  send,
  sendData,
  sparseFixture,
  startRooflineServer,
  themes,
  type TestWindow,
  type ThemeKind,
} from "../support/rooflinePage";
import { assertNoLabelOverlaps, tooltipBox, xTickInkRuns } from "../support/rooflineLayoutChecks";
import { cornersFixture, crowdedFixture } from "../support/rooflineLayoutFixtures";
import { openWebviewPage, posted, waitForPosted, type OpenedPage } from "../support/webviewPage";

const big = rooflineFixture(1000);
const sparse = sparseFixture();

let browser: Browser;
let server: Server;
let origin: string;
const contexts: BrowserContext[] = [];

async function openPage(saved?: unknown): Promise<OpenedPage> {
  const o = await openWebviewPage(browser, origin, "roofline.html", { saved, viewport: { width: 900, height: 780 }, prepare: (page) => applyTheme(page, "dark") });
  contexts.push(o.context);
  return o;
}

async function savedState(page: Page): Promise<{ deviceId: string | null; zoom: Extent | null; view: unknown } | undefined> {
  return page.evaluate(() => (window as unknown as TestWindow).__kl.state as never);
}

function extentOf(data: RooflineData): Extent {
  return defaultExtent(chartPoints(data.kernels), [data.device.ceilings, ...(data.measuredCeilings ? [data.measuredCeilings] : [])]);
}

/** Where a data point is on the page, from the plot area's box and the log scales (what uPlot's valToPos computes). */
async function screenPosition(page: Page, extent: Extent, ai: number, gflops: number): Promise<{ x: number; y: number }> {
  const box = await page.locator(".chart .u-over").boundingBox();
  assert.ok(box, "the plot area is on screen");
  const frac = (v: number, [lo, hi]: [number, number]): number => (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  return { x: box.x + frac(ai, extent.x) * box.width, y: box.y + (1 - frac(gflops, extent.y)) * box.height };
}

/** RGBA of the chart's canvas at page positions (the canvas is transparent where nothing is drawn). */
async function canvasPixels(page: Page, positions: readonly { x: number; y: number }[]): Promise<number[][]> {
  return page.evaluate((points) => {
    const canvas = document.querySelector<HTMLCanvasElement>(".chart canvas")!;
    const rect = canvas.getBoundingClientRect();
    const image = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    return points.map((p) => {
      const i = (Math.floor(p.y - rect.top) * canvas.width + Math.floor(p.x - rect.left)) * 4;
      return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!, image.data[i + 3]!];
    });
  }, positions);
}

function hex(color: string): number[] {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

async function roofLabels(page: Page): Promise<string[]> {
  return page.locator(".roof-label").allTextContents();
}

async function tooltipText(page: Page): Promise<string> {
  await page.locator(".chart-tooltip").waitFor({ state: "visible" });
  return (await page.locator(".chart-tooltip").innerText()).replace(/\s+/g, " ").trim();
}

/** The page served and a Chromium for one describe block; each test's browser contexts closed after it. */
function servePageInChromium(): void {
  before(async () => {
    ensureRooflineBundle();
    ({ server, origin } = await startRooflineServer());
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });
}

describe("Roofline panel page in Chromium", () => {
  servePageInChromium();

  it("posts ready (with no device picked yet) once it listens, and waits for data", async () => {
    const { page } = await openPage();
    assert.deepEqual(await posted(page), [{ type: "ready", deviceId: null }]);
    assert.equal(await page.locator("#message").textContent(), "Waiting for the language server…");
    assert.equal(await page.locator("#figure").isHidden(), true);
    assert.equal(await page.evaluate(() => document.compatMode), "CSS1Compat");
  });

  it("draws 1,000 kernels' points, the axis titles and every roof's label", async () => {
    const { page } = await openPage();
    await sendData(page, big);
    const predicted = big.kernels.filter((k) => k.predicted).length;
    const measured = big.kernels.filter((k) => k.measured).length;
    assert.equal(predicted, 990);
    assert.equal(measured, 334);

    const legend = (await page.locator("#legend").innerText()).replace(/\s+/g, " ");
    assert.match(legend, /predicted \(990\)/);
    assert.match(legend, /measured \(334\)/);
    assert.match(legend, /datasheet roofs: NVIDIA H100 SXM5 80GB/);
    assert.match(legend, /measured roofs: Local GPU \(Vulkan\)/);
    assert.equal(await page.locator(".axis-title-x").textContent(), "Arithmetic intensity (FLOP/byte)");
    assert.equal(await page.locator(".axis-title-y").textContent(), "GFLOP/s");
    assert.deepEqual((await roofLabels(page)).sort(), [
      "DRAM 3.35 TB/s",
      "f16 134 TFLOP/s",
      "f32 66.9 TFLOP/s",
      "measured DRAM 2.6 TB/s",
      "measured f32 40 TFLOP/s",
      "measured workgroup memory 20 TB/s",
      "workgroup memory 33.5 TB/s",
    ]);
    assert.equal(await page.locator(".roof-label.roof-measured").count(), 3, "measured roofs are labelled as such");
    assert.equal(await page.locator("#points-body tr").count(), 1000, "the table lists every kernel");
    assert.match((await page.locator("#summary").textContent()) ?? "", /^1000 compute kernels · 990 modelled · 334 measured · f32 ridge at 20 FLOP\/byte/);
    assert.match((await page.locator("#unplaced").innerText()).replace(/\s+/g, " "), /^6 kernels without a point: dispatch is unknown: add a \/\/ @dispatch line: kernel_0193, kernel_0290, kernel_0484 and 3 more$/);

    // The canvas where each point should be: every measured point's centre has the measured colour (they are drawn
    // last, so nothing covers them), and every predicted point has ink on its ring.
    const extent = extentOf(big);
    const measuredCentres = await Promise.all(big.kernels.filter((k) => k.measured).map((k) => screenPosition(page, extent, k.measured!.ai, k.measured!.gflops)));
    const orange = hex(themes.dark["--vscode-charts-orange"]);
    const centres = await canvasPixels(page, measuredCentres);
    assert.equal(centres.filter((c) => c[3] === 255 && c.slice(0, 3).every((v, i) => Math.abs(v - orange[i]!) <= 2)).length, 334);
    const rings = await Promise.all(big.kernels.filter((k) => k.predicted).map((k) => screenPosition(page, extent, k.predicted!.ai, k.predicted!.gflops)));
    const ringPixels = await canvasPixels(page, rings.map((p) => ({ x: p.x + 3.5, y: p.y })));
    assert.equal(ringPixels.filter((c) => c[3]! > 0).length, 990);
  });

  it("draws predicted points hollow and measured points filled", async () => {
    const { page } = await openPage();
    await sendData(page, sparse);
    const extent = extentOf(sparse);
    const matmul = sparse.kernels[1]!;
    const hollow = await screenPosition(page, extent, matmul.predicted!.ai, matmul.predicted!.gflops);
    const filled = await screenPosition(page, extent, matmul.measured!.ai, matmul.measured!.gflops);
    const [hollowCentre, hollowRing, filledCentre] = await canvasPixels(page, [hollow, { x: hollow.x + 3.5, y: hollow.y }, filled]);
    assert.equal(hollowCentre![3], 0, "nothing is drawn inside a predicted point");
    const blue = hex(themes.dark["--vscode-charts-blue"]);
    assert.ok(hollowRing![3]! > 100 && hollowRing![2]! > hollowRing![0]!, `the ring is blue: ${hollowRing}`);
    assert.deepEqual(filledCentre, [...hex(themes.dark["--vscode-charts-orange"]), 255]);
    assert.ok(blue[2]! > blue[0]!);
  });

  it("shows a tooltip with the kernel's numbers on hover, and the same kernel's other point", async () => {
    const { page } = await openPage();
    await sendData(page, sparse);
    const extent = extentOf(sparse);
    const matmul = sparse.kernels[1]!;
    const at = await screenPosition(page, extent, matmul.predicted!.ai, matmul.predicted!.gflops);
    await page.mouse.move(at.x + 2, at.y - 1);
    assert.equal(
      await tooltipText(page),
      "matmul_tiled (predicted) Predicted AI 12.3 FLOP/byte · 4,520 GFLOP/s · 412 µs · memory-bound " +
        "Roof 41,200 GFLOP/s attainable at this intensity Measured AI 11.9 FLOP/byte · 3,100 GFLOP/s · 601 µs median " +
        "Workgroup memory AI 3.2 FLOP/byte",
    );
    assert.equal(await page.locator(".point-ring:not([hidden])").count(), 2, "the hovered point and its partner are ringed");

    const blocked = sparse.kernels[2]!;
    const other = await screenPosition(page, extent, blocked.predicted!.ai, blocked.predicted!.gflops);
    await page.mouse.move(other.x, other.y);
    await page.waitForFunction(() => document.querySelector(".chart-tooltip")?.textContent?.includes("matmul_register_blocked"));
    assert.match(await tooltipText(page), /^matmul_register_blocked \(predicted\) Predicted AI 170 FLOP\/byte · 52,000 GFLOP\/s · 2.64 ms · compute-bound/);
    await page.mouse.move(5, 5);
    await page.locator(".chart-tooltip").waitFor({ state: "hidden" });
  });

  it("words a CUDA file's chart in CUDA's terms (shared memory, shared-memory-bound) and a WGSL file's as before", async () => {
    const { page } = await openPage();
    // Every word the page shows or gives a screen reader: text, the chart's label, the hidden table of points.
    const pageWords = (): Promise<string> =>
      page.evaluate(() => [document.body.innerText, ...Array.from(document.querySelectorAll("[aria-label]"), (e) => e.getAttribute("aria-label")), document.getElementById("points")!.textContent].join("\n"));
    const onChipBound = (data: RooflineData): RooflineData => ({
      ...data,
      kernels: data.kernels.map((k) => (k.name === "matmul_register_blocked" && k.predicted ? { ...k, predicted: { ...k.predicted, bound: "workgroup-memory" as const } } : k)),
    });
    const cuda: RooflineData = { ...onChipBound(sparseFixture("file:///work/kernels/matmul.cu")), language: "cuda" };
    await sendData(page, cuda);
    assert.deepEqual((await roofLabels(page)).filter((l) => /memory/.test(l)).sort(), ["measured shared memory 20 TB/s", "shared memory 33.5 TB/s"]);
    assert.match((await page.locator("#summary").textContent()) ?? "", /^4 __global__ kernels · 3 modelled/);
    assert.match((await page.locator("#chart").getAttribute("aria-label")) ?? "", /DRAM 3\.35 TB\/s, shared memory 33\.5 TB\/s\)/);
    const rows = await page.$$eval("#points tbody tr", (trs) => trs.map((tr) => (tr.children[4]?.textContent ?? "").trim()));
    assert.equal(rows[2], "shared-memory-bound");
    const blocked = cuda.kernels[2]!;
    const at = await screenPosition(page, extentOf(cuda), blocked.predicted!.ai, blocked.predicted!.gflops);
    await page.mouse.move(at.x, at.y);
    const tooltip = await tooltipText(page);
    assert.match(tooltip, /^matmul_register_blocked \(predicted\) Predicted AI 170 FLOP\/byte · 52,000 GFLOP\/s · 2\.64 ms · shared-memory-bound /);
    assert.match(tooltip, / Shared memory AI 21 FLOP\/byte$/);
    const cudaWords = await pageWords();
    assert.doesNotMatch(cudaWords, /workgroup/i);
    await page.mouse.move(5, 5);
    await page.locator(".chart-tooltip").waitFor({ state: "hidden" });
    await sendData(page, { ...cuda, kernels: [] });
    assert.equal(await page.locator("#message").textContent(), "This file has no __global__ kernels; the chart shows the device's roofs only.");

    // WGSL, named or (data from before the field) not: workgroup memory, as it always was.
    for (const language of ["wgsl", undefined] as const) {
      const wgsl: RooflineData = { ...onChipBound(sparse), ...(language ? { language } : {}) };
      await sendData(page, wgsl);
      assert.deepEqual((await roofLabels(page)).filter((l) => /memory/.test(l)).sort(), ["measured workgroup memory 20 TB/s", "workgroup memory 33.5 TB/s"]);
      assert.match((await page.locator("#summary").textContent()) ?? "", /^4 compute kernels · 3 modelled/);
      const bounds = await page.$$eval("#points tbody tr", (trs) => trs.map((tr) => (tr.children[4]?.textContent ?? "").trim()));
      assert.equal(bounds[2], "workgroup-memory-bound");
      assert.doesNotMatch(await pageWords(), /shared[ -]memory|__global__/i);
    }
  });

  it("names the adapter that measured, and labels a device that is not its calibration a what-if", async () => {
    const { page } = await openPage();
    const legendItems = async (): Promise<string[]> => (await page.locator("#legend .legend-item").allInnerTexts()).map((t) => t.trim());
    // Measured on the local adapter, charted on the H100's datasheet: the H100's points and roofs are a what-if.
    const whatIf: RooflineData = { ...sparse, measuredOn: { adapter: "Local GPU (Vulkan)", deviceId: "measured-local" } };
    await sendData(page, whatIf);
    assert.deepEqual(await legendItems(), [
      "what-if: predicted on NVIDIA H100 SXM5 80GB (3)",
      "measured on Local GPU (Vulkan) (2)",
      "what-if: datasheet roofs of NVIDIA H100 SXM5 80GB",
      "measured roofs: Local GPU (Vulkan)",
    ]);
    const summary = (await page.locator("#summary").textContent()) ?? "";
    assert.match(summary, /· 2 measured on Local GPU \(Vulkan\) · f32 ridge at [\d.]+ FLOP\/byte on NVIDIA H100 SXM5 80GB \(a what-if, not the measuring adapter\)$/);
    assert.equal(await page.locator("#points-caption").textContent(), "Kernels of matmul.wgsl on the roofline of NVIDIA H100 SXM5 80GB (a what-if: the points were measured on Local GPU (Vulkan))");
    assert.match((await page.locator("#chart").getAttribute("aria-label")) ?? "", /on NVIDIA H100 SXM5 80GB \(a what-if: the points were measured on Local GPU \(Vulkan\)\)/);
    await page.locator("#chart").focus();
    await page.keyboard.press("Home");
    assert.equal(
      await page.locator("#announce").textContent(),
      "saxpy, measured point 1 of 5. Predicted (what-if): AI 0.167 FLOP/byte, 420 GFLOP/s, 4.99 µs, memory-bound, on NVIDIA H100 SXM5 80GB. " +
        "Roof (what-if): 558 GFLOP/s attainable at this intensity, on NVIDIA H100 SXM5 80GB. Measured: AI 0.167 FLOP/byte, 310 GFLOP/s, 6.77 µs median, on Local GPU (Vulkan).",
    );
    await page.keyboard.press("Escape");

    // The same run with no calibration of its adapter: no measured roofs, and the legend says why.
    await sendData(page, { ...whatIf, measuredCeilings: null });
    assert.ok((await legendItems()).includes("no measured roofs: Local GPU (Vulkan) is not calibrated"), JSON.stringify(await legendItems()));

    // Charted on the measuring adapter's own calibration: nothing is a what-if.
    const local = { id: "measured-local", name: "Local GPU (Vulkan), measured", vendor: "measured", ceilings: measuredCeilings };
    await sendData(page, { ...whatIf, device: local, measuredCeilings: null });
    assert.deepEqual(await legendItems(), ["predicted (3)", "measured on Local GPU (Vulkan) (2)", "measured roofs: Local GPU (Vulkan), measured"]);
    assert.doesNotMatch((await page.locator("#summary").textContent()) ?? "", /what-if/);
  });

  it("posts reveal with the kernel's range on a click, and from the keyboard", async () => {
    const { page } = await openPage();
    await sendData(page, sparse);
    const extent = extentOf(sparse);
    const matmul = sparse.kernels[1]!;
    const at = await screenPosition(page, extent, matmul.measured!.ai, matmul.measured!.gflops);
    await page.mouse.click(at.x, at.y);
    await waitForPosted(page, "reveal", 1);
    assert.deepEqual(await posted(page, "reveal"), [{ type: "reveal", uri: sparse.uri, range: lineRange(40, "matmul_tiled") }]);
    // A click on empty plot area reveals nothing.
    const box = (await page.locator(".chart .u-over").boundingBox())!;
    await page.mouse.click(box.x + box.width - 5, box.y + box.height - 5);

    // Keys: points in order of intensity (then rate), starting from the one clicked; the live region says where.
    await page.locator("#chart").focus();
    await page.keyboard.press("ArrowRight");
    assert.match((await page.locator("#announce").textContent()) ?? "", /^matmul_tiled, predicted point 4 of 5\./);
    await page.keyboard.press("Home");
    assert.equal(
      await page.locator("#announce").textContent(),
      "saxpy, measured point 1 of 5. Predicted: AI 0.167 FLOP/byte, 420 GFLOP/s, 4.99 µs, memory-bound. " +
        "Roof: 558 GFLOP/s attainable at this intensity. Measured: AI 0.167 FLOP/byte, 310 GFLOP/s, 6.77 µs median.",
    );
    assert.match(await tooltipText(page), /^saxpy \(measured\)/);
    await page.keyboard.press("End");
    assert.match((await page.locator("#announce").textContent()) ?? "", /^matmul_register_blocked, predicted point 5 of 5\./);
    await page.keyboard.press("Enter");
    await waitForPosted(page, "reveal", 2);
    assert.deepEqual((await posted(page, "reveal"))[1], { type: "reveal", uri: sparse.uri, range: lineRange(80, "matmul_register_blocked") });
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("#announce").textContent(), "");
    assert.equal((await posted(page, "reveal")).length, 2);
  });

  it("points out the kernel the host selects (opened from a code lens)", async () => {
    const { page } = await openPage();
    await sendData(page, sparse);
    await send(page, { type: "select", name: "matmul_tiled" });
    // Ringed and named at once; its card opens when the chart gets keyboard focus (or the pointer reaches the point).
    await page.locator(".point-label.active").waitFor();
    assert.equal(await page.locator(".point-label.active").textContent(), "matmul_tiled");
    assert.equal(await page.locator(".point-ring:not([hidden])").count(), 2);
    assert.equal(await page.locator(".chart-tooltip").isHidden(), true);
    await page.locator("#device").focus();
    await page.keyboard.press("Tab");
    assert.match(await tooltipText(page), /^matmul_tiled \(predicted\)/);
    // A name the data does not have is not an error: the file may have changed in between.
    await send(page, { type: "select", name: "no_such_kernel" });
    await sendData(page, sparse);
    assert.deepEqual(await posted(page, "invalidMessage"), []);
  });

  it("posts selectDevice from the picker and redraws with the host's answer", async () => {
    const { page } = await openPage();
    await sendData(page, sparse);
    const options = await page.locator("#device option").evaluateAll((os) => os.map((o) => [(o.parentElement as HTMLOptGroupElement).label, (o as HTMLOptionElement).value]));
    assert.deepEqual(options, [
      ["Measured on this machine", "measured-local"],
      ["NVIDIA", "nvidia-h100-sxm"],
      ["NVIDIA", "nvidia-rtx-4090"],
      ["AMD", "amd-mi300x"],
      ["Apple", "apple-m3-max"],
    ]);
    assert.equal(await page.locator("#device").inputValue(), "nvidia-h100-sxm");
    assert.equal(await page.getByLabel("Device").count(), 1, "the picker has a label");

    await page.selectOption("#device", "amd-mi300x");
    await waitForPosted(page, "selectDevice", 1);
    assert.deepEqual(await posted(page, "selectDevice"), [{ type: "selectDevice", id: "amd-mi300x" }]);
    assert.equal(await page.locator("#chart").getAttribute("aria-busy"), "true");
    assert.equal((await savedState(page))?.deviceId, "amd-mi300x");

    const mi300x: RooflineData = {
      ...sparse,
      measuredCeilings: null,
      device: {
        id: "amd-mi300x",
        name: "AMD Instinct MI300X",
        vendor: "amd",
        ceilings: { source: "datasheet", label: "AMD Instinct MI300X", computeGflops: { f32: 163_400, f16: 163_400 }, dramGBps: 5300, workgroupGBps: 81_715 },
      },
    };
    await sendData(page, mi300x);
    assert.equal(await page.locator("#device").inputValue(), "amd-mi300x");
    assert.equal(await page.locator("#chart").getAttribute("aria-busy"), null);
    assert.deepEqual((await roofLabels(page)).sort(), ["DRAM 5.3 TB/s", "f32/f16 163 TFLOP/s", "workgroup memory 81.7 TB/s"]);
    assert.match((await page.locator("#chart").getAttribute("aria-label")) ?? "", /4 kernels on AMD Instinct MI300X \(f32 peak 163 TFLOP\/s, f16 peak 163 TFLOP\/s, DRAM 5.3 TB\/s/);
  });

  it("ignores invalid messages, keeps its chart and reports each one", async () => {
    const { page, pageErrors } = await openPage();
    await sendData(page, sparse);
    const legendBefore = await page.locator("#legend").innerText();
    const [first] = sparse.kernels;
    const withKernel = (patch: object): unknown => ({ type: "roofline", data: { ...sparse, kernels: [{ ...first, ...patch }] } });
    const invalid: unknown[] = [
      null,
      "roofline",
      42,
      [],
      { type: "roofline" },
      { type: "bogus" },
      { type: "toString" },
      { type: "roofline", data: { ...sparse, uri: 42 } },
      withKernel({ predicted: { ...first!.predicted!, gflops: -5 } }),
      withKernel({ predicted: { ...first!.predicted!, ai: 0 } }),
      withKernel({ predicted: { ...first!.predicted!, bound: "fast" } }),
      withKernel({ range: { start: { line: -1, character: 0 }, end: first!.range.end } }),
      withKernel({ measured: { ai: 1, gflops: "310", ms: 1 } }),
      { type: "roofline", data: { ...sparse, device: { ...sparse.device, ceilings: { ...sparse.device.ceilings, dramGBps: "3350" } } } },
      { type: "roofline", data: { ...sparse, measuredCeilings: { ...sparse.measuredCeilings!, source: "guess" } } },
      { type: "select", name: "" },
      { type: "empty", reason: null },
    ];
    for (const message of invalid) await send(page, message);
    // Built inside the page: NaN (structured clone keeps it), a 5-million-character string, 100,000 kernels.
    await page.evaluate((data) => window.postMessage({ type: "roofline", data: { ...data, kernels: [{ ...data.kernels[0], workgroupAi: NaN }] } }, "*"), sparse);
    await page.evaluate(() => window.postMessage({ type: "empty", reason: "x".repeat(5_000_000) }, "*"));
    await page.evaluate((data) => window.postMessage({ type: "roofline", data: { ...data, kernels: new Array(100_000).fill(data.kernels[0]) } }, "*"), sparse);
    const expected = invalid.length + 3;
    await waitForPosted(page, "invalidMessage", expected);

    const reports = (await posted(page, "invalidMessage")).map((m) => String(m.detail));
    assert.equal(reports.length, expected);
    assert.match(reports[0]!, /^message: expected an object, got null/);
    assert.match(reports[4]!, /^message\.data: expected an object/);
    assert.match(reports[6]!, /^message\.type: expected one of "roofline", "empty", "select", got "toString"/);
    assert.match(reports[7]!, /^message\.data\.uri: expected a string, got 42/);
    assert.match(reports[8]!, /^message\.data\.kernels\[0\]\.predicted\.gflops: -5 is below the minimum/);
    assert.match(reports[9]!, /predicted\.ai: 0 is below the minimum/);
    assert.match(reports[10]!, /predicted\.bound: expected one of .*got "fast"/);
    assert.match(reports[11]!, /range\.start\.line: -1 is below the minimum 0/);
    assert.match(reports[12]!, /measured\.gflops: expected a number, got "310"/);
    assert.match(reports[13]!, /device\.ceilings\.dramGBps: expected a number/);
    assert.match(reports[14]!, /measuredCeilings\.source: expected one of "datasheet", "measured", got "guess"/);
    assert.match(reports[15]!, /^message\.name: expected at least 1 characters/);
    assert.match(reports[17]!, /workgroupAi: expected a number, got the number NaN/);
    assert.match(reports[18]!, /^message\.reason: a string of 5000000 characters is longer than the limit/);
    assert.match(reports[19]!, /^message\.data\.kernels: an array of 100000 is longer than the limit/);
    for (const report of reports) assert.ok(report.length < 300, `a report stays short: ${report.slice(0, 80)}…`);

    assert.equal(await page.locator("#legend").innerText(), legendBefore, "the page still shows the last valid data");
    assert.equal(await page.locator("#points-body tr").count(), 4);
    assert.deepEqual(await posted(page, "reveal"), []);
    assert.deepEqual(pageErrors, []);
  });

  it("shows a reason for an empty message, and the roofs alone for a file without compute kernels", async () => {
    const { page } = await openPage();
    await sendData(page, sparse);
    await send(page, { type: "empty", reason: "Open a WGSL file to see its kernels on the roofline." });
    await page.waitForFunction(() => document.getElementById("figure")?.hidden === true);
    assert.equal(await page.locator("#message").textContent(), "Open a WGSL file to see its kernels on the roofline.");
    assert.equal(await page.locator("#points-body tr").count(), 0);
    await sendData(page, { ...sparse, kernels: [] });
    assert.equal(await page.locator("#figure").isVisible(), true);
    assert.match((await page.locator("#message").textContent()) ?? "", /no compute entry points/);
    assert.equal((await roofLabels(page)).length, 7);
    assert.match(await page.locator("#legend").innerText(), /predicted \(0\)/);
  });

  it("runs under the strict CSP without violations or console errors, and shows names as text", async () => {
    const opened = await openPage();
    const { page } = opened;
    const hostile = '<img src=x onerror="window.__inlineRan = true">';
    const data: RooflineData = { ...sparse, kernels: sparse.kernels.map((k, i) => (i === 1 ? { ...k, name: hostile } : k)) };
    await sendData(page, data);
    const extent = extentOf(data);
    const at = await screenPosition(page, extent, data.kernels[1]!.predicted!.ai, data.kernels[1]!.predicted!.gflops);
    await page.mouse.move(at.x, at.y);
    assert.ok((await tooltipText(page)).startsWith(`${hostile} (predicted)`), "the name shows as the characters it is made of");
    await page.mouse.click(at.x, at.y);
    await waitForPosted(page, "reveal", 1);
    // Drag to zoom, double-click to reset, pick a device, walk the points: every interactive path, still no violation.
    const box = (await page.locator(".chart .u-over").boundingBox())!;
    await page.mouse.move(box.x + 100, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + 400, box.y + 300, { steps: 5 });
    await page.mouse.up();
    await page.mouse.dblclick(box.x + 200, box.y + 200);
    await page.selectOption("#device", "nvidia-rtx-4090");
    await page.locator("#chart").focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    await applyTheme(page, "light");

    assert.equal(await page.locator("#figure img").count(), 0);
    assert.deepEqual(await page.evaluate(() => (window as unknown as TestWindow).__kl.violations), []);
    assert.deepEqual(opened.consoleErrors, []);
    assert.deepEqual(opened.pageErrors, []);
    assert.deepEqual(opened.foreignRequests, []);
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(policy ?? "", /^default-src 'none'; img-src \S+ data:; style-src \S+; font-src \S+; script-src 'nonce-[A-Za-z0-9+/]+=*';$/);

    // The policy is live: an inline script without the nonce and an inline style attribute are refused and reported.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true;";
      document.body.append(script);
      document.body.setAttribute("style", "display: none");
    });
    await page.waitForFunction(() => (window as unknown as TestWindow).__kl.violations.length >= 2);
    assert.equal(await page.evaluate(() => (window as unknown as TestWindow).__inlineRan), undefined);
  });

  it("keeps data, device and zoom across a reload through setState/getState", async () => {
    const first = await openPage();
    await sendData(first.page, sparse);
    await first.page.selectOption("#device", "nvidia-rtx-4090");
    // Zoom onto the two matmul_tiled points by dragging a box around them.
    const full = extentOf(sparse);
    const matmul = sparse.kernels[1]!;
    const a = await screenPosition(first.page, full, 4, 12_000);
    const b = await screenPosition(first.page, full, 40, 1200);
    await first.page.mouse.move(a.x, a.y);
    await first.page.mouse.down();
    await first.page.mouse.move(b.x, b.y, { steps: 8 });
    await first.page.mouse.up();
    await first.page.waitForFunction(() => !(document.getElementById("reset-zoom") as HTMLButtonElement).hidden);
    const saved = await savedState(first.page);
    assert.ok(saved?.zoom, "the zoom is saved");
    assert.equal(saved.deviceId, "nvidia-rtx-4090");
    const zoom = saved.zoom;
    assert.ok(Math.abs(Math.log10(zoom.x[0] / 4)) < 0.02 && Math.abs(Math.log10(zoom.x[1] / 40)) < 0.02, `x zoomed to 4..40: ${zoom.x}`);
    assert.ok(Math.abs(Math.log10(zoom.y[0] / 1200)) < 0.02 && Math.abs(Math.log10(zoom.y[1] / 12_000)) < 0.02, `y zoomed to 1200..12000: ${zoom.y}`);
    assert.deepEqual(await posted(first.page, "invalidMessage"), []);

    // A fresh page, as VS Code creates when a hidden panel is shown again: it gets only the saved state.
    const second = await openPage(saved);
    assert.deepEqual(await posted(second.page), [{ type: "ready", deviceId: "nvidia-rtx-4090" }]);
    await second.page.locator("#figure").waitFor({ state: "visible" });
    assert.equal(await second.page.locator("#reset-zoom").isVisible(), true);
    assert.equal(await second.page.locator("#points-body tr").count(), 4);
    // The zoom is back: the point sits where the zoomed scales put it.
    const at = await screenPosition(second.page, zoom, matmul.predicted!.ai, matmul.predicted!.gflops);
    await second.page.mouse.move(at.x, at.y);
    assert.match(await tooltipText(second.page), /^matmul_tiled \(predicted\)/);
    // The host's fresh answer for the same file keeps the zoom; the Reset button lets go of it.
    await sendData(second.page, sparse);
    assert.equal(await second.page.locator("#reset-zoom").isVisible(), true);
    await second.page.locator("#reset-zoom").click();
    assert.equal(await second.page.locator("#reset-zoom").isHidden(), true);
    assert.equal((await savedState(second.page))?.zoom, null);

    // State from another version of the page (or garbage) is dropped, not trusted.
    const third = await openPage({ version: 99, view: { type: "roofline", data: "nonsense" } });
    assert.equal(await third.page.locator("#message").textContent(), "Waiting for the language server…");
    assert.deepEqual(await posted(third.page), [{ type: "ready", deviceId: null }]);
    assert.deepEqual(third.pageErrors, []);
  });

  it("describes the chart for assistive technology: label, table of points, focusable chart", async () => {
    const { page } = await openPage();
    await sendData(page, sparse);
    const label = (await page.locator("#chart").getAttribute("aria-label")) ?? "";
    assert.match(label, /^Roofline chart, log-log: arithmetic intensity in FLOP per byte across, GFLOP\/s up\. 4 kernels on NVIDIA H100 SXM5 80GB/);
    assert.match(label, /measured roofs of Local GPU \(Vulkan\)/);
    assert.equal(await page.locator("#chart").getAttribute("tabindex"), "0");
    const rows = await page.$$eval("#points tbody tr", (trs) => trs.map((tr) => Array.from(tr.children, (c) => (c.textContent ?? "").trim())));
    assert.deepEqual(rows[1], ["matmul_tiled", "12.3", "4,520", "412 µs", "memory-bound", "11.9", "3,100", "601 µs"]);
    assert.deepEqual(rows[3], ["reduce_partial", "—", "—", "—", "no estimate: dispatch is unknown: add a // @dispatch line", "—", "—", "—"]);
    assert.equal(await page.locator("#points caption").textContent(), "Kernels of matmul.wgsl on the roofline of NVIDIA H100 SXM5 80GB");
    // Hidden from sight, not from screen readers.
    const box = await page.locator("#points").evaluate((t) => t.parentElement!.getBoundingClientRect().width);
    assert.ok(box <= 1);
  });

  it("reads well in light, dark and high contrast themes (screenshots)", async () => {
    const dir = testOutputDir("webview");
    mkdirSync(dir, { recursive: true });
    const { page, consoleErrors } = await openPage();
    await sendData(page, big);
    // A point with its tooltip, as a person hovering would see it.
    const kernel = big.kernels[300]!;
    const at = await screenPosition(page, extentOf(big), kernel.predicted!.ai, kernel.predicted!.gflops);
    await page.mouse.move(at.x, at.y);
    await page.locator(".chart-tooltip").waitFor({ state: "visible" });
    for (const kind of Object.keys(themes) as ThemeKind[]) {
      await applyTheme(page, kind);
      const path = join(dir, `roofline-${kind}.png`);
      await page.screenshot({ path, fullPage: true });
      assert.ok(statSync(path).size > 20_000, `${path} has content`);
      // The canvas follows the theme: a measured point's centre has this theme's measured colour.
      const m = big.kernels.find((k) => k.measured)!.measured!;
      const [pixel] = await canvasPixels(page, [await screenPosition(page, extentOf(big), m.ai, m.gflops)]);
      assert.deepEqual(pixel!.slice(0, 3), hex(themes[kind]["--vscode-charts-orange"]));
    }
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(0, 0, 0)");
    assert.deepEqual(consoleErrors, []);
  });
});

describe("Roofline layout: tooltip, size and labels in Chromium", () => {
  servePageInChromium();

  async function openSized(width: number, height: number, theme: ThemeKind = "dark"): Promise<OpenedPage> {
    const o = await openWebviewPage(browser, origin, "roofline.html", { viewport: { width, height }, prepare: (page) => applyTheme(page, theme) });
    contexts.push(o.context);
    return o;
  }

  it("opens the tooltip only on hover or keyboard focus, and closes it when the pointer leaves, on blur and on Escape", async () => {
    const { page } = await openSized(900, 780);
    await sendData(page, sparse);
    const tooltip = page.locator(".chart-tooltip");
    assert.equal(await tooltip.isHidden(), true, "no tooltip before anything is hovered or focused");
    const extent = extentOf(sparse);
    const matmul = sparse.kernels[1]!;
    const at = await screenPosition(page, extent, matmul.predicted!.ai, matmul.predicted!.gflops);

    // Hover: open on the point, closed a few pixels off it (still over the plot), open again, closed off the chart.
    await page.mouse.move(at.x, at.y);
    assert.match(await tooltipText(page), /^matmul_tiled \(predicted\)/);
    await page.mouse.move(at.x + 30, at.y + 30);
    await tooltip.waitFor({ state: "hidden" });
    await page.mouse.move(at.x, at.y);
    await tooltip.waitFor({ state: "visible" });
    await page.mouse.move(2, 2);
    await tooltip.waitFor({ state: "hidden" });

    // A click opens the kernel and rings the point, but leaves no card behind once the pointer moves away.
    await page.mouse.click(at.x, at.y);
    await waitForPosted(page, "reveal", 1);
    await page.mouse.move(at.x + 40, at.y - 40);
    await tooltip.waitFor({ state: "hidden" });
    assert.equal(await page.locator(".point-ring:not([hidden])").count(), 2, "the clicked kernel stays ringed");

    // Keyboard: Tab onto the chart, arrows walk the points and the card follows; Tab away (blur) and Escape close it.
    await page.locator("#device").focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "chart");
    assert.match(await tooltipText(page), /^matmul_tiled \(predicted\)/, "focus comes back to the point the click picked");
    await page.keyboard.press("Home");
    assert.match(await tooltipText(page), /^saxpy \(measured\)/);
    await page.keyboard.press("ArrowRight");
    assert.match(await tooltipText(page), /^saxpy \(predicted\)/);
    await page.keyboard.press("Tab");
    await tooltip.waitFor({ state: "hidden" });
    await page.keyboard.press("Shift+Tab");
    assert.match(await tooltipText(page), /^saxpy \(predicted\)/, "focus returns to the point it left");
    await page.keyboard.press("Escape");
    await tooltip.waitFor({ state: "hidden" });

    // The pointer takes over from the keyboard: hovering a point and leaving it closes the card, even with focus here.
    await page.keyboard.press("End");
    await tooltip.waitFor({ state: "visible" });
    await page.mouse.move(at.x, at.y);
    await page.waitForFunction(() => document.querySelector(".chart-tooltip")?.textContent?.startsWith("matmul_tiled"));
    await page.mouse.move(at.x + 30, at.y + 30);
    await tooltip.waitFor({ state: "hidden" });

    // New data while a card is open (typing in the file) closes it rather than leaving it on a point that moved.
    await page.mouse.move(at.x, at.y);
    await tooltip.waitFor({ state: "visible" });
    await sendData(page, sparse);
    assert.equal(await tooltip.isHidden(), true);
  });

  it("keeps the tooltip inside the viewport for points at every edge, wide and side-bar narrow", async () => {
    const data = cornersFixture();
    for (const [width, height] of [
      [1200, 760],
      [300, 640],
    ] as const) {
      const { page } = await openSized(width, height);
      await sendData(page, data);
      const extent = extentOf(data);
      const seen: string[] = [];
      for (const k of data.kernels) {
        const at = await screenPosition(page, extent, k.predicted!.ai, k.predicted!.gflops);
        await page.mouse.move(at.x, at.y);
        await page.waitForFunction((name) => document.querySelector(".chart-tooltip")?.textContent?.startsWith(name), k.name);
        const box = await tooltipBox(page);
        const where = `${k.name} at ${width} px`;
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height, `${where}: tooltip ${JSON.stringify(box)} inside ${width}x${height}`);
        if (width >= 600) {
          // With room beside the point, the card does not cover it.
          assert.ok(at.x < box.x || at.x > box.x + box.width || at.y < box.y || at.y > box.y + box.height, `${where}: the card leaves its point visible`);
        }
        seen.push(k.name);
        await page.mouse.move(1, 1);
        await page.locator(".chart-tooltip").waitFor({ state: "hidden" });
      }
      // The same from the keyboard: every point's card is on screen.
      await page.locator("#chart").focus();
      for (let i = 0; i < data.kernels.length; i++) {
        await page.keyboard.press(i === 0 ? "Home" : "ArrowRight");
        const box = await tooltipBox(page);
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height, `keyboard point ${i} at ${width} px: ${JSON.stringify(box)}`);
      }
      assert.equal(seen.length, 4);
      await screenshotTo(page, `roofline-tooltip-corner-${width}.png`);
    }
  });

  it("sizes the chart to the panel: fills the width, takes the height the first screen leaves, follows resizes", async () => {
    const { page } = await openSized(1200, 800);
    await sendData(page, crowdedFixture());
    const size = async (): Promise<{ canvas: { width: number; height: number }; chart: number; scroll: number; client: number }> =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>(".chart canvas")!.getBoundingClientRect();
        return {
          canvas: { width: c.width, height: c.height },
          chart: document.getElementById("chart")!.getBoundingClientRect().width,
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        };
      });
    const wide = await size();
    assert.ok(Math.abs(wide.canvas.width - wide.chart) <= 1, `the canvas fills the chart's column: ${JSON.stringify(wide)}`);
    assert.ok(wide.canvas.width > 1050, `a 1,200 px panel gives the chart most of its width: ${wide.canvas.width}`);
    assert.ok(wide.canvas.height >= 450 && wide.canvas.height <= 800, `and most of its height: ${wide.canvas.height}`);
    const chartBottom = await page.evaluate(() => document.querySelector(".chart canvas")!.getBoundingClientRect().bottom);
    assert.ok(chartBottom <= 800, `the whole chart is on the first screen: bottom ${chartBottom}`);
    assert.ok(wide.scroll <= wide.client, "nothing overflows sideways");

    // The panel narrowed to the side bar's 300 px: the same page, the chart follows without a reload.
    await page.setViewportSize({ width: 300, height: 800 });
    await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>(".chart canvas")!.getBoundingClientRect().width < 300);
    const narrow = await size();
    assert.ok(Math.abs(narrow.canvas.width - narrow.chart) <= 1, `the canvas fills the chart's column: ${JSON.stringify(narrow)}`);
    assert.ok(narrow.canvas.width >= 240, `the chart keeps most of 300 px: ${narrow.canvas.width}`);
    assert.ok(narrow.canvas.height >= 200, `and a readable height: ${narrow.canvas.height}`);
    assert.ok(narrow.scroll <= narrow.client, `nothing overflows sideways at 300 px: ${narrow.scroll} > ${narrow.client}`);

    // A short panel: the chart shrinks to what is left, never below its minimum.
    await page.setViewportSize({ width: 1200, height: 500 });
    await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>(".chart canvas")!.getBoundingClientRect().width > 1000);
    const short = await size();
    assert.ok(short.canvas.height < wide.canvas.height && short.canvas.height >= 200, `a shorter panel, a shorter chart: ${short.canvas.height}`);
  });

  it("places labels without overlaps on a crowded chart: roofs, ridge, kernel names, tick labels, at 300 and 1200 px", async () => {
    const data = crowdedFixture();
    for (const width of [1200, 300]) {
      const { page } = await openSized(width, 760);
      await sendData(page, data);
      const shapes = await assertNoLabelOverlaps(page, `${width} px`);
      const texts = (cls: string): string[] => shapes.filter((s) => s.cls.includes(cls)).map((s) => s.text);
      // The datasheet roofs are always labelled (shortened if need be); the full text is kept with each label.
      const roofs = await page.$$eval(".roof-label", (els) => els.map((e) => ({ text: e.textContent ?? "", full: (e as HTMLElement).dataset.full ?? "" })));
      for (const full of ["DRAM 1.01 TB/s", "f32/f16 82.6 TFLOP/s"]) assert.ok(roofs.some((r) => r.full === full), `${width} px: a label for ${full}: ${JSON.stringify(roofs)}`);
      // A shortened label keeps the figure and its unit.
      for (const r of roofs) assert.equal(r.text.split(" ").slice(-2).join(" "), r.full.split(" ").slice(-2).join(" "), `a short label keeps its value: ${JSON.stringify(r)}`);
      // The ridge is named beside it where there is room (the summary line states it in any case).
      if (width >= 1200) {
        assert.deepEqual(texts("ridge-label"), ["f32 ridge 81.9 FLOP/byte"]);
      }
      // Kernel names: as many as fit, each a kernel of the file (whole, or cut with an ellipsis).
      const names = texts("point-label");
      assert.ok(names.length >= (width >= 1200 ? 6 : 2), `${width} px: names placed: ${JSON.stringify(names)}`);
      for (const n of names) assert.ok(data.kernels.some((k) => k.name === n || (n.endsWith("…") && k.name.startsWith(n.slice(0, -1)))), `${n} names a kernel`);
      if (width >= 1200) assert.ok(roofs.some((r) => r.text === r.full && r.full.startsWith("measured")), "at 1,200 px the measured roofs keep their whole labels");

      // The tick labels under the plot: distinct, separated runs of ink, at least three decades named.
      const runs = await xTickInkRuns(page);
      assert.ok(runs.length >= 3, `${width} px: x tick labels drawn: ${JSON.stringify(runs)}`);
      for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.start - runs[i - 1]!.end >= 5, `${width} px: x tick labels ${i - 1} and ${i} keep apart: ${JSON.stringify(runs)}`);

      // Zoomed in on the GEMM cluster, the names spread out and still do not overlap.
      const extent = extentOf(data);
      const a = await screenPosition(page, extent, width >= 1200 ? 9 : 5, 9000);
      const b = await screenPosition(page, extent, width >= 1200 ? 18 : 30, 2500);
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(b.x, b.y, { steps: 6 });
      await page.mouse.up();
      await page.waitForFunction(() => !(document.getElementById("reset-zoom") as HTMLButtonElement).hidden);
      const zoomed = await assertNoLabelOverlaps(page, `${width} px zoomed`);
      await screenshotTo(page, `roofline-zoomed-${width}.png`);
      assert.ok(zoomed.filter((s) => s.cls.includes("point-label")).length >= (width >= 1200 ? 7 : 1), `${width} px zoomed: more names fit: ${JSON.stringify(zoomed.map((z) => z.text))}`);
    }
  });

  it("names the kernel the host selects first, and the focused one follows the keyboard", async () => {
    const { page } = await openSized(900, 700);
    await sendData(page, crowdedFixture());
    await send(page, { type: "select", name: "gemm_tiled_64x64_double_buffered" });
    await page.locator(".point-label.active").waitFor();
    // Named in full where it fits, else cut with an ellipsis; the full name is kept with the label.
    assert.match((await page.locator(".point-label.active").textContent()) ?? "", /^gemm_tiled_64x…$|^gemm_tiled_64x64_double_buffered$/);
    assert.equal(await page.locator(".point-label.active").getAttribute("data-full"), "gemm_tiled_64x64_double_buffered");
    assert.equal(await page.locator(".chart-tooltip").isHidden(), true, "a selection from the host rings and names the point; the card waits for hover or focus");
    assert.equal(await page.locator(".point-ring:not([hidden])").count(), 2);
  });

  it("reads well at side-bar and editor widths in light and dark themes (screenshots)", async () => {
    const data = crowdedFixture();
    for (const [width, height] of [
      [300, 700],
      [1200, 760],
    ] as const) {
      for (const theme of ["light", "dark"] as const) {
        const { page, consoleErrors } = await openSized(width, height, theme);
        await sendData(page, data);
        const k = data.kernels[9]!;
        const at = await screenPosition(page, extentOf(data), k.predicted!.ai, k.predicted!.gflops);
        await page.mouse.move(at.x, at.y);
        await page.locator(".chart-tooltip").waitFor({ state: "visible" });
        await assertNoLabelOverlaps(page, `${width} px ${theme}`);
        await screenshotTo(page, `roofline-${width}-${theme}.png`);
        assert.deepEqual(consoleErrors, []);
      }
    }
  });
});

async function screenshotTo(page: Page, name: string): Promise<void> {
  const dir = testOutputDir("webview");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  await page.screenshot({ path });
  assert.ok(statSync(path).size > 10_000, `${path} has content`);
}

describe("Roofline page stylesheet", () => {
  it("uses only VS Code theme variables for colours", () => {
    const file = "webview/src/roofline/roofline.css";
    const css = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    assert.doesNotMatch(css, /#[0-9a-f]{3,8}\b/i, `${file} has a hex colour`);
    assert.doesNotMatch(css, /\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/i, `${file} has a colour function`);
    assert.doesNotMatch(css, /:\s*(white|black|red|green|blue|gray|grey|yellow|orange)\b/i, `${file} has a named colour`);
  });
});
