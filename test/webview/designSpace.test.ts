// Tests the Design-space panel page in real headless Chromium under the real CSP: charts, infeasible list, Pareto front, table, Monaco, state, themes.
//
// The page is the real bundle from dist/webview inside the real template rendered by renderWebviewHtml (with the
// style nonce the page asks for), served from a local HTTP server whose origin plays `webview.cspSource`, and fed
// the sweep fixture test/fixtures/sweep/matmul-tiled.sweep.json. What is checked is what a person sees: the charts'
// counts, axis titles and the colour of the canvas where points should be, the list and table text, the text
// Monaco shows and the lines its diff marks. Tests wait for events and attributes, never for time.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { type Server } from "node:http";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { formatParams, sameParams, type SweepResult } from "../../server/src/core/sweep/result";
import { axisFraction, byParameterModel, paretoModel, predictedModel, type PlotAxis } from "../../webview/src/designSpace/geometry";
import type { DesignSpaceData } from "../../webview/src/designSpace/protocol";
import { ensureWebviewBundle, startWebviewServer } from "../support/webviewPage";
import { launchChromium, testOutputDir } from "../support/chromium";
import { findRepoRoot } from "../support/repoRoot";
import { applyTheme, send, themes, type Recorder, type TestWindow, type ThemeKind } from "../support/rooflinePage";
import { openWebviewPage, posted, waitForPosted, type OpenedPage } from "../support/webviewPage";

const root = findRepoRoot(__dirname);
const fixtureDir = join(root, "test", "fixtures", "sweep");
const result = JSON.parse(readFileSync(join(fixtureDir, "matmul-tiled.sweep.json"), "utf8")) as SweepResult;
const baseline = readFileSync(join(fixtureDir, "matmul-tiled.wgsl"), "utf8");
const resultUri = "file:///work/kernels/matmul-tiled.sweep.json";
const data: DesignSpaceData = { resultUri, kernelUri: "file:///work/kernels/matmul-tiled.wgsl", result, baseline, baselineProblem: null };

const indexOf = (params: Record<string, number>): number => result.points.findIndex((p) => sameParams(p.params, params));
const bestPoint = indexOf({ TILE: 16, BM: 8 });
const tile8block2 = indexOf({ TILE: 8, BM: 2 });

/** Variables the Design-space page uses beyond the Roofline's theme set, as VS Code's default themes define them. */
const extraThemeVariables: Record<ThemeKind, Record<string, string>> = {
  light: {
    "--vscode-charts-green": "#388a34",
    "--vscode-editor-font-size": "13px",
    "--vscode-textLink-foreground": "#005fb8",
    "--vscode-list-inactiveSelectionBackground": "#e4e6f1",
    "--vscode-list-hoverBackground": "#f2f2f2",
    "--vscode-badge-background": "#cccccc",
    "--vscode-badge-foreground": "#3b3b3b",
    "--vscode-editor-findMatchHighlightBackground": "#ea5c0055",
  },
  dark: {
    "--vscode-charts-green": "#89d185",
    "--vscode-editor-font-size": "13px",
    "--vscode-textLink-foreground": "#4daafc",
    "--vscode-list-inactiveSelectionBackground": "#37373d",
    "--vscode-list-hoverBackground": "#2a2d2e",
    "--vscode-badge-background": "#616161",
    "--vscode-badge-foreground": "#f8f8f8",
    "--vscode-editor-findMatchHighlightBackground": "#623315",
  },
  "high-contrast": {
    "--vscode-charts-green": "#89d185",
    "--vscode-editor-font-size": "13px",
    "--vscode-textLink-foreground": "#21a6ff",
    "--vscode-badge-background": "#000000",
    "--vscode-badge-foreground": "#ffffff",
  },
};

async function applyDesignTheme(page: Page, kind: ThemeKind): Promise<void> {
  await applyTheme(page, kind);
  await page.evaluate((variables) => {
    for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
  }, extraThemeVariables[kind]);
}

// ---- The page, its server, the stand-in API ----


/** Builds when the page bundle is missing or older than its sources, so a test never checks stale code. */
function ensureBundle(): void {
  ensureWebviewBundle("designSpace", { extraOutputs: ["designSpace.bundle.css"], extraSources: ["server/src/core/sweep"] });
}

/** Serves the page with Monaco's stylesheet and the style nonce Monaco's injected styles need. */
const startServer = (): Promise<{ server: Server; origin: string }> =>
  startWebviewServer("designSpace", { extraUris: { editorStyleUri: "designSpace.bundle.css" }, allow: { styleNonce: true } });

let browser: Browser;
let server: Server;
let origin: string;
const contexts: BrowserContext[] = [];
const opened: OpenedPage[] = [];

async function openPage(saved?: unknown, theme: ThemeKind = "dark"): Promise<OpenedPage> {
  const o = await openWebviewPage(browser, origin, "designSpace.html", { saved, viewport: { width: 1280, height: 900 }, prepare: (page) => applyDesignTheme(page, theme) });
  contexts.push(o.context);
  opened.push(o);
  return o;
}

async function violations(page: Page): Promise<Recorder["violations"]> {
  return page.evaluate(() => (window as unknown as TestWindow).__kl.violations);
}

async function renders(page: Page): Promise<number> {
  return Number((await page.locator("#content").getAttribute("data-renders")) ?? "0");
}

/** Sends the sweep and waits until the page has rendered it. */
async function sendSweep(page: Page, sweep: DesignSpaceData = data): Promise<void> {
  const before = await renders(page);
  await send(page, { type: "sweep", data: sweep });
  await page.waitForFunction((n) => Number(document.getElementById("content")?.dataset.renders ?? "0") > n, before);
}

/** Waits until Monaco shows `text` somewhere in the source editor's rendered lines and the diff is computed. */
async function waitForVariant(page: Page, text: string): Promise<void> {
  await page.waitForFunction((t) => (document.querySelector("#source-editor .view-lines")?.textContent ?? "").replace(/\u00a0/g, " ").includes(t), text);
  await page.waitForFunction(() => document.getElementById("diff-editor")?.dataset.diffState === "ready");
}

async function editorText(page: Page, selector: string): Promise<string> {
  const lines = await page.locator(`${selector} .view-lines .view-line`).evaluateAll((els) =>
    els
      .map((el) => ({ top: parseFloat((el as HTMLElement).style.top), text: (el.textContent ?? "").replace(/\u00a0/g, " ") }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text),
  );
  return lines.join("\n");
}

/** Where a model point is on the page, from the chart's plot area and the axis's scale (what uPlot's valToPos does). */
async function screenPosition(page: Page, chart: string, x: PlotAxis, y: PlotAxis, vx: number, vy: number): Promise<{ x: number; y: number }> {
  await page.locator(chart).scrollIntoViewIfNeeded();
  const box = await page.locator(`${chart} .u-over`).boundingBox();
  assert.ok(box, `the plot area of ${chart} is on screen`);
  return { x: box.x + axisFraction(x, vx) * box.width, y: box.y + (1 - axisFraction(y, vy)) * box.height };
}

async function canvasPixels(page: Page, chart: string, positions: readonly { x: number; y: number }[]): Promise<number[][]> {
  return page.evaluate(
    ([selector, points]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`${selector} canvas`)!;
      const rect = canvas.getBoundingClientRect();
      const image = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      return points.map((p) => {
        const i = (Math.floor(p.y - rect.top) * canvas.width + Math.floor(p.x - rect.left)) * 4;
        return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!, image.data[i + 3]!];
      });
    },
    [chart, positions] as const,
  );
}

function hex(color: string): number[] {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

function near(pixel: number[] | undefined, color: string, tolerance = 3): boolean {
  const want = hex(color);
  return pixel !== undefined && pixel[3] === 255 && want.every((v, i) => Math.abs(v - pixel[i]!) <= tolerance);
}

function text(s: string | null): string {
  return (s ?? "").replace(/\s+/g, " ").trim();
}

describe("Design-space panel page in Chromium", () => {
  before(async () => {
    ensureBundle();
    ({ server, origin } = await startServer());
    browser = await launchChromium();
  });

  afterEach(async () => {
    // Every test, whatever it did: no CSP violation, no console error, no page error, nothing fetched from elsewhere.
    for (const o of opened.splice(0)) {
      assert.deepEqual(await violations(o.page), [], "no CSP violations");
      assert.deepEqual(o.consoleErrors, [], "no console errors");
      assert.deepEqual(o.pageErrors, [], "no page errors");
      assert.deepEqual(o.foreignRequests, [], "no requests beyond the webview's resources");
    }
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("posts ready once it listens, and waits for a result", async () => {
    const { page } = await openPage();
    assert.deepEqual(await posted(page), [{ type: "ready" }]);
    assert.equal(await page.locator("#message").textContent(), "Waiting for a sweep result…");
    assert.equal(await page.locator("#content").isHidden(), true);
    assert.equal(await page.evaluate(() => document.compatMode), "CSS1Compat");
  });

  it("plots the measured variants against a parameter and against the prediction, with axis titles", async () => {
    const { page } = await openPage();
    await sendSweep(page);
    const measured = result.points.filter((p) => p.feasible && p.measuredMs !== null).length;
    assert.equal(measured, 14);
    assert.equal(await page.locator("#by-param-chart").getAttribute("data-plotted"), "14");
    assert.equal(await page.locator("#predicted-chart").getAttribute("data-plotted"), "14");
    assert.equal(await page.locator("#title").textContent(), "Design space: matmul-tiled.wgsl · matmul_tiled");
    assert.equal(
      await page.locator("#summary").textContent(),
      "20 variants · 14 feasible · 14 measured · best TILE=16, BM=8 at 392 µs (predicted 305 µs) · NVIDIA GeForce RTX 4090",
    );
    // A result from the search says how well the model ranked what was measured.
    const { rankCorrelation } = await import("../../server/src/core/sweep/refit");
    const timed = result.points.filter((p) => p.measuredMs !== null && p.predictedMs !== null);
    const rho = rankCorrelation(timed.map((p) => p.predictedMs!), timed.map((p) => p.measuredMs!))!;
    const search = { method: "guided" as const, feasible: 14, measuredPoints: 14, cacheHits: 0, gpuRuns: 14, rankCorrelation: rho, stopReason: "every feasible point was measured" };
    await sendSweep(page, { ...data, result: { ...result, search } });
    assert.match((await page.locator("#summary").textContent()) ?? "", new RegExp(`· model rank correlation ${rho.toFixed(2).replace(".", "\\.")} · NVIDIA`));
    await sendSweep(page);
    // Axis titles, and the parameter's values as the ticks across.
    assert.equal(await page.locator("#by-param-figure .axis-title-y").textContent(), "Measured time");
    assert.equal(await page.locator("#by-param-x").textContent(), "TILE");
    assert.equal(await page.locator("#predicted-figure .axis-title-x").textContent(), "Predicted time");
    assert.equal(await page.locator("#predicted-figure .axis-title-y").textContent(), "Measured time");
    assert.equal(await page.locator("#by-param-chart").getAttribute("data-x-ticks"), "4|8|16|32");
    assert.deepEqual(await page.locator("#axis option").allTextContents(), ["TILE", "BM"]);
    assert.deepEqual(await page.locator("#by-param-legend .legend-item").allTextContents(), [
      "measured variant (13)",
      "best: TILE=16, BM=8",
      "in each column, left to right: BM ascending",
    ]);
    assert.deepEqual(await page.locator("#predicted-legend .legend-item").allTextContents(), ["measured variant (13)", "best: TILE=16, BM=8", "measured = predicted"]);

    // The canvas where each point should be: every plain point's centre has the point colour, the best's the best colour.
    const dark: Record<string, string> = { ...themes.dark, ...extraThemeVariables.dark };
    for (const [chart, model] of [
      ["#by-param-chart", byParameterModel(result, "TILE")],
      ["#predicted-chart", predictedModel(result)],
    ] as const) {
      const positions = await Promise.all(model.points.map((p) => screenPosition(page, chart, model.x, model.y, p.x, p.y)));
      const pixels = await canvasPixels(page, chart, positions);
      model.points.forEach((p, i) => {
        // A point another mark overlaps is checked by that mark (the best's diamond is drawn last, on top).
        if (positions.some((q, j) => j !== i && Math.hypot(q.x - positions[i]!.x, q.y - positions[i]!.y) < 9)) return;
        const colour = p.role === "best" ? dark["--vscode-charts-green"] : dark["--vscode-charts-blue"];
        assert.ok(near(pixels[i], colour), `${chart}: ${formatParams(result.points[p.index]!.params, result.space)} is drawn in ${colour}, got ${pixels[i]}`);
      });
    }
    // The y = x line crosses the predicted chart's diagonal: ink half-way along it, between the points.
    const predicted = predictedModel(result);
    const mid = Math.sqrt(predicted.x.min * predicted.x.max) * 1.9;
    const [onLine] = await canvasPixels(page, "#predicted-chart", [await screenPosition(page, "#predicted-chart", predicted.x, predicted.y, mid, mid)]);
    assert.ok(onLine![3]! > 0, "the y = x line is drawn");

    // The picker puts BM across: five columns, the same fourteen points.
    await page.selectOption("#axis", "BM");
    assert.equal(await page.locator("#by-param-x").textContent(), "BM");
    assert.equal(await page.locator("#by-param-chart").getAttribute("data-x-ticks"), "1|2|4|8|16");
    assert.equal(await page.locator("#by-param-chart").getAttribute("data-plotted"), "14");
  });

  it("lists the infeasible variants with their reasons instead of plotting them", async () => {
    const { page } = await openPage();
    await sendSweep(page);
    assert.equal(await page.locator("#infeasible-title").textContent(), "Infeasible variants (6)");
    const items = (await page.locator("#infeasible li").allTextContents()).map(text);
    assert.deepEqual(items, [
      "TILE=16, BM=16: workgroup memory over the limit: 17408 bytes (limit 16384)",
      "TILE=32, BM=1: workgroup too large: 1024 invocations (limit 256)",
      "TILE=32, BM=2: workgroup too large: 1024 invocations (limit 256)",
      "TILE=32, BM=4: workgroup too large: 1024 invocations (limit 256); workgroup memory over the limit: 20480 bytes (limit 16384)",
      "TILE=32, BM=8: workgroup too large: 1024 invocations (limit 256); workgroup memory over the limit: 36864 bytes (limit 16384)",
      "TILE=32, BM=16: workgroup too large: 1024 invocations (limit 256); workgroup memory over the limit: 69632 bytes (limit 16384)",
    ]);
    // An infeasible variant can still be looked at: its source shows, with the reason among its facts.
    await page.getByRole("button", { name: "TILE=32, BM=1", exact: true }).click();
    await waitForVariant(page, "override TILE: u32 = 32;");
    assert.match(text(await page.locator("#variant-facts").textContent()), /Infeasible: workgroup too large: 1024 invocations \(limit 256\)$/);
    assert.equal(await page.locator("#infeasible button.selected").textContent(), "TILE=32, BM=1");
  });

  it("draws the Pareto front of time against workgroup memory as a step line through its points", async () => {
    const { page } = await openPage();
    await sendSweep(page);
    const model = paretoModel(result)!;
    assert.equal(await page.locator("#pareto-figure").isVisible(), true);
    assert.equal(await page.locator("#pareto-chart").getAttribute("data-plotted"), "14");
    assert.equal(await page.locator("#pareto-x").textContent(), "Measured time");
    assert.equal(await page.locator("#pareto-y").textContent(), "Workgroup memory");
    assert.deepEqual(await page.locator("#pareto-legend .legend-item").allTextContents(), ["dominated (4)", "Pareto front (10)", "best time"]);
    assert.equal(model.points.filter((p) => p.role !== "plain").length, 10);

    const dark: Record<string, string> = { ...themes.dark, ...extraThemeVariables.dark };
    const positions = await Promise.all(model.points.map((p) => screenPosition(page, "#pareto-chart", model.x, model.y, p.x, p.y)));
    const pixels = await canvasPixels(page, "#pareto-chart", positions);
    model.points.forEach((p, i) => {
      if (positions.some((q, j) => j !== i && Math.hypot(q.x - positions[i]!.x, q.y - positions[i]!.y) < 9)) return;
      const colour = p.role === "best" ? dark["--vscode-charts-green"] : p.role === "front" ? dark["--vscode-charts-orange"] : dark["--vscode-charts-blue"];
      assert.ok(near(pixels[i], colour), `${formatParams(result.points[p.index]!.params, result.space)} (${p.role}) is drawn in ${colour}, got ${pixels[i]}`);
    });
    // The step line: half-way along each horizontal step between neighbouring front points, the front's colour.
    const front = model.points.filter((p) => p.role !== "plain").sort((a, b) => a.x - b.x);
    const steps = [];
    for (let i = 1; i < front.length; i++) {
      const xMid = Math.sqrt(front[i - 1]!.x * front[i]!.x);
      steps.push(await screenPosition(page, "#pareto-chart", model.x, model.y, xMid, front[i - 1]!.y));
    }
    const stepPixels = await canvasPixels(page, "#pareto-chart", steps);
    const drawn = stepPixels.filter((px) => near(px, dark["--vscode-charts-orange"], 40)).length;
    assert.ok(drawn >= steps.length - 1, `the step line runs between the front's points (${drawn} of ${steps.length} steps found)`);
  });

  it("tables every variant and sorts by any column", async () => {
    const { page } = await openPage();
    await sendSweep(page);
    const rows = page.locator("#table tbody tr.data-row");
    assert.equal(await rows.count(), 20);
    assert.deepEqual(await page.locator("#table thead th").allTextContents(), ["#", "TILE", "BM", "Predicted", "Measured", "Workgroup memory", "Feasible", "Reason"]);
    const firstRow = await rows.first().locator("td").allTextContents();
    assert.deepEqual(firstRow.map(text), ["1front", "4", "1", "1.47 ms", "3.45 ms", "128 B", "yes", ""]);
    const best = await rows.nth(bestPoint).locator("td").allTextContents();
    assert.deepEqual(best.map(text), [`${bestPoint + 1}bestfront`, "16", "8", "305 µs", "392 µs", "9 KiB", "yes", ""]);

    const keys = async (): Promise<number[]> => (await rows.evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.key))));
    await page.locator("#table th button", { hasText: "Measured" }).click();
    const ascending = await keys();
    assert.equal(ascending[0], bestPoint, "fastest first");
    const times = ascending.map((i) => result.points[i]!.measuredMs);
    assert.deepEqual(times.slice(0, 14), [...times.slice(0, 14)].sort((a, b) => a! - b!));
    assert.ok(times.slice(14).every((t) => t === null), "unmeasured variants last");
    assert.equal(await page.locator("#table th", { hasText: "Measured" }).getAttribute("aria-sort"), "ascending");
    await page.locator("#table th button", { hasText: "Measured" }).click();
    const descending = await keys();
    assert.equal(result.points[descending[0]!]!.measuredMs, Math.max(...result.points.map((p) => p.measuredMs ?? 0)));
    await page.locator("#table th button", { hasText: "Feasible" }).click();
    const byFeasible = await keys();
    assert.ok(byFeasible.slice(0, 14).every((i) => result.points[i]!.feasible));
    assert.deepEqual((await page.evaluate(() => (window as unknown as TestWindow).__kl.state as { sort: unknown })).sort, { column: "feasible", direction: "ascending" });
  });

  it("shows the selected variant in Monaco with its parameters substituted, and its diff against the baseline", async () => {
    const { page } = await openPage();
    await sendSweep(page);
    // The best variant is selected at first.
    await waitForVariant(page, "override TILE: u32 = 16;");
    assert.equal(await page.locator("#variant-title").textContent(), `Variant ${bestPoint + 1} of 20: TILE=16, BM=8`);
    assert.match(await editorText(page, "#source-editor"), /\/\/ @define BM=8/);

    // Select TILE=8, BM=2 from the table.
    await page.locator(`#table tbody tr[data-key="${tile8block2}"]`).click();
    await waitForVariant(page, "override TILE: u32 = 8;");
    assert.equal(await page.locator("#variant-title").textContent(), `Variant ${tile8block2 + 1} of 20: TILE=8, BM=2`);
    const source = await editorText(page, "#source-editor");
    assert.match(source, /\/\/ @override TILE = 8\n\/\/ @define BM=2\n/);
    assert.match(source, /override TILE: u32 = 8;/);
    assert.doesNotMatch(source, /@sweep/, "a variant is one point: its sweep lines go");
    // The substituted lines are marked in the source: both overrides, and the define (rewritten with its same value).
    assert.equal(await page.locator("#source-editor .substituted-line").count(), 3);
    // WGSL is coloured: keywords, types and attributes get token classes of their own.
    const tokenClasses = await page.locator("#source-editor .view-line span span").evaluateAll((spans) => new Set(spans.map((s) => s.className)).size);
    assert.ok(tokenClasses >= 5, `${tokenClasses} token colours`);

    // The diff: the two changed lines inserted on the variant's side; those two and the two sweep lines deleted on the baseline's.
    assert.equal(await page.locator("#diff-editor").getAttribute("data-changes"), "3");
    assert.equal(await page.locator("#diff-editor .monaco-diff-editor .editor.modified .line-insert").count(), 2);
    assert.equal(await page.locator("#diff-editor .monaco-diff-editor .editor.original .line-delete").count(), 4);
    const modified = await editorText(page, "#diff-editor .editor.modified");
    assert.match(modified, /\/\/ @override TILE = 8/);
    assert.match(modified, /override TILE: u32 = 8;/);
    const original = await editorText(page, "#diff-editor .editor.original");
    assert.match(original, /\/\/ @sweep TILE in \[4, 8, 16, 32\]/);
    assert.match(original, /override TILE: u32 = 16;/);
    assert.ok((await page.locator("#diff-editor .codicon").count()) > 0, "the diff's +/- indicators use the icon font");

    // A click on a chart point selects too: TILE=4, BM=1, the slowest, top left of the first chart.
    const model = byParameterModel(result, "TILE");
    const slow = model.points.find((p) => sameParams(result.points[p.index]!.params, { TILE: 4, BM: 1 }))!;
    const at = await screenPosition(page, "#by-param-chart", model.x, model.y, slow.x, slow.y);
    await page.mouse.move(at.x, at.y);
    await page.locator("#by-param-chart .chart-tooltip").waitFor({ state: "visible" });
    assert.match(text(await page.locator("#by-param-chart .chart-tooltip").textContent()), /^TILE=4, BM=1 \(Pareto front\)Measured3\.45 ms median/);
    await page.mouse.click(at.x, at.y);
    await waitForVariant(page, "override TILE: u32 = 4;");
    assert.equal(await page.locator(`#table tbody tr[data-key="${slow.index}"]`).getAttribute("aria-selected"), "true");
    await page.locator("#by-param-chart .point-ring:not(.focus)").waitFor({ state: "visible" });

    // Open variant asks the host by index: the page never hands the host text to open.
    await page.locator("#open-variant").click();
    await waitForPosted(page, "openVariant", 1);
    assert.deepEqual(await posted(page, "openVariant"), [{ type: "openVariant", resultUri, index: slow.index }]);
  });

  it("walks a chart's points from the keyboard and selects one with Enter", async () => {
    const { page } = await openPage();
    await sendSweep(page);
    await waitForVariant(page, "override TILE: u32 = 16;");
    const model = predictedModel(result);
    await page.locator("#predicted-chart").focus();
    // The walk starts from the selected (best) variant, the leftmost point on this chart.
    await page.keyboard.press("Home");
    const first = model.points[0]!;
    await page.waitForFunction(() => (document.getElementById("announce")?.textContent ?? "") !== "");
    assert.equal(
      await page.locator("#announce").textContent(),
      `Measured against predicted: ${formatParams(result.points[first.index]!.params, result.space)}${first.index === bestPoint ? " (best, Pareto front)" : ""}, point 1 of 14. ` +
        `Measured: ${text(await page.locator("#predicted-chart .chart-tooltip dd").first().textContent())}. ` +
        `Predicted: ${text(await page.locator("#predicted-chart .chart-tooltip dd").nth(1).textContent())}. ` +
        `Measured / predicted: ${text(await page.locator("#predicted-chart .chart-tooltip dd").nth(2).textContent())}. ` +
        `Workgroup memory: ${text(await page.locator("#predicted-chart .chart-tooltip dd").nth(3).textContent())}.`,
    );
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    const third = model.points[2]!;
    assert.match((await page.locator("#announce").textContent()) ?? "", / point 3 of 14\. /);
    await page.locator("#predicted-chart .point-ring.focus").waitFor({ state: "visible" });
    await page.keyboard.press("Enter");
    const label = formatParams(result.points[third.index]!.params, result.space);
    await page.waitForFunction((l) => document.getElementById("variant-title")?.textContent?.endsWith(l) ?? false, label);
    await page.waitForFunction(() => document.getElementById("diff-editor")?.dataset.diffState === "ready");
    await page.keyboard.press("Escape");
    await page.locator("#predicted-chart .point-ring.focus").waitFor({ state: "hidden" });
  });

  it("runs under the panels' policy plus a style nonce: Monaco's styles carry it, inline script and style attributes stay blocked", async () => {
    const o = await openPage();
    const { page } = o;
    await sendSweep(page);
    await waitForVariant(page, "override TILE: u32 = 16;");
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    const match = /^default-src 'none'; img-src (\S+) data:; style-src \1 'nonce-([A-Za-z0-9+/]+=*)'; font-src \1; script-src 'nonce-\2';$/.exec(policy ?? "");
    assert.ok(match, `the policy: ${policy}`);
    assert.doesNotMatch(policy ?? "", /unsafe|blob:|worker-src/);
    // Every <style> element in the page is Monaco's and carries the nonce; its theme rules are live.
    const styles = await page.evaluate(() =>
      [...document.querySelectorAll("style")].map((s) => ({ nonce: s.getAttribute("nonce"), rules: s.sheet?.cssRules.length ?? -1 })),
    );
    assert.ok(styles.length > 0);
    assert.ok(styles.every((s) => s.nonce === match[2] && s.rules >= 0), JSON.stringify(styles));
    assert.ok(await page.evaluate(() => (document.querySelector("style.monaco-colors") as HTMLStyleElement | null)?.sheet?.cssRules.length ?? 0) > 10);
    // Monaco's lines are positioned by CSSOM, not by style attributes: none is left in the page.
    assert.equal(await page.locator("[style-attribute-probe], [data-kl-style]").count(), 0);
    // The icon font came from the webview's resources.
    assert.ok(await page.evaluate(() => document.fonts.check("16px codicon")));

    // The policy is live: an inline script and an inline style attribute are refused and reported.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true;";
      document.body.append(script);
      const div = document.createElement("div");
      div.innerHTML = '<span style="color: red">x</span>';
      document.body.append(div);
    });
    await page.waitForFunction(() => (window as unknown as TestWindow).__kl.violations.length >= 2);
    assert.equal(await page.evaluate(() => (window as unknown as TestWindow).__inlineRan), undefined);
    assert.deepEqual((await violations(page)).map((v) => v.directive).sort(), ["script-src-elem", "style-src-attr"]);
    // Those two were this test's own (Chromium also logs each as a console error): clear them for the check after each test.
    await page.evaluate(() => {
      (window as unknown as TestWindow).__kl.violations = [];
    });
    assert.equal(o.consoleErrors.length, 2);
    assert.ok(o.consoleErrors.every((e) => /Content Security Policy/.test(e)), o.consoleErrors.join(" | "));
    o.consoleErrors.splice(0);
  });

  it("ignores nonsense messages, keeps what it shows and reports each one", async () => {
    const { page } = await openPage();
    await sendSweep(page);
    await waitForVariant(page, "override TILE: u32 = 16;");
    const bad = structuredClone(result);
    bad.points[15]!.reason = null;
    const nonsense: unknown[] = [
      "hello",
      null,
      { type: "bogus" },
      { type: "sweep" },
      { type: "sweep", data: { ...data, result: { ...result, points: "many" } } },
      { type: "sweep", data: { ...data, result: bad } },
      { type: "sweep", data: { ...data, result: { ...result, pareto: [14] } } },
      { type: "sweep", data: { ...data, baseline: 42 } },
      { type: "empty", reason: "x".repeat(5000) },
    ];
    for (const m of nonsense) await send(page, m);
    await waitForPosted(page, "invalidMessage", nonsense.length);
    const reports = (await posted(page, "invalidMessage")).map((m) => m.detail as string);
    assert.equal(reports.length, nonsense.length);
    assert.match(reports[0]!, /^message: expected an object/);
    assert.match(reports[2]!, /^message\.type: expected one of "sweep", "empty", got "bogus"/);
    assert.match(reports[4]!, /message\.data\.result\.points: expected an array/);
    assert.match(reports[5]!, /message\.data\.result\.points\[15\]\.reason: an infeasible point needs a reason/);
    assert.match(reports[6]!, /message\.data\.result\.pareto\[0\]: point 14 is not a feasible point/);
    assert.match(reports[7]!, /message\.data\.baseline: expected a string/);
    assert.match(reports[8]!, /longer than the limit/);
    assert.ok(reports.every((r) => r.length <= 1000));
    // Still showing the sweep it had.
    assert.equal(await page.locator("#by-param-chart").getAttribute("data-plotted"), "14");
    assert.equal(await page.locator("#table tbody tr.data-row").count(), 20);
    assert.equal(await renders(page), 1);
  });

  it("keeps the result, the selected variant, the axis and the sort across a reload", async () => {
    const first = await openPage();
    await sendSweep(first.page);
    await first.page.locator(`#table tbody tr[data-key="${tile8block2}"]`).click();
    await waitForVariant(first.page, "override TILE: u32 = 8;");
    await first.page.selectOption("#axis", "BM");
    await first.page.locator("#table th button", { hasText: "Predicted" }).click();
    const saved = await first.page.evaluate(() => (window as unknown as TestWindow).__kl.state);
    assert.equal((saved as { selected: number }).selected, tile8block2);

    // A fresh page, as VS Code creates when a hidden panel is shown again: it gets only the saved state.
    const second = await openPage(saved);
    assert.deepEqual(await posted(second.page), [{ type: "ready" }]);
    await waitForVariant(second.page, "override TILE: u32 = 8;");
    assert.equal(await second.page.locator("#variant-title").textContent(), `Variant ${tile8block2 + 1} of 20: TILE=8, BM=2`);
    assert.equal(await second.page.locator("#axis").inputValue(), "BM");
    assert.equal(await second.page.locator("#by-param-x").textContent(), "BM");
    assert.equal(await second.page.locator("#table th", { hasText: "Predicted" }).getAttribute("aria-sort"), "ascending");
    assert.equal(await second.page.locator(`#table tbody tr[data-key="${tile8block2}"]`).getAttribute("aria-selected"), "true");
    // The host's fresh answer for the same file keeps the selection.
    await sendSweep(second.page);
    assert.equal(await second.page.locator("#variant-title").textContent(), `Variant ${tile8block2 + 1} of 20: TILE=8, BM=2`);
    // Another result file starts on its own best variant.
    await sendSweep(second.page, { ...data, resultUri: "file:///work/kernels/other.sweep.json" });
    await waitForVariant(second.page, "override TILE: u32 = 16;");
    assert.equal(await second.page.locator("#variant-title").textContent(), `Variant ${bestPoint + 1} of 20: TILE=16, BM=8`);

    // State from another version of the page (or garbage) is dropped, not trusted.
    const third = await openPage({ version: 99, view: { type: "sweep", data: "nonsense" }, selected: 3 });
    assert.equal(await third.page.locator("#message").textContent(), "Waiting for a sweep result…");
  });

  it("says why when there is nothing to show, and works without the baseline kernel", async () => {
    const { page } = await openPage();
    await send(page, { type: "empty", reason: "The sweep result could not be read: not JSON." });
    await page.waitForFunction(() => document.getElementById("message")?.textContent === "The sweep result could not be read: not JSON.");
    assert.equal(await page.locator("#content").isHidden(), true);
    await sendSweep(page, { ...data, baseline: null, baselineProblem: "matmul-tiled.wgsl was not found next to the result" });
    assert.equal(await page.locator("#source-editor").isHidden(), true);
    assert.equal(await page.locator("#diff-editor").isHidden(), true);
    assert.equal(await page.locator("#open-variant").isDisabled(), true);
    assert.equal(text(await page.locator("#variant-note").textContent()), "No baseline to compare with: matmul-tiled.wgsl was not found next to the result.");
    // A point that carries its own source still shows, without a diff.
    const withSource = structuredClone(result);
    withSource.points[bestPoint]!.source = "// the variant as the sweep wrote it\noverride TILE: u32 = 16;\n";
    await sendSweep(page, { ...data, resultUri: "file:///work/other.sweep.json", result: withSource, baseline: null, baselineProblem: "unreadable" });
    await page.waitForFunction(() => (document.querySelector("#source-editor .view-lines")?.textContent ?? "").replace(/\u00a0/g, " ").includes("the variant as the sweep wrote it"));
    assert.equal(await page.locator("#diff-editor").isHidden(), true);
  });

  it("follows the theme, Monaco included, and reads well in light and dark (screenshots)", async () => {
    const dir = testOutputDir("webview");
    mkdirSync(dir, { recursive: true });
    for (const kind of ["light", "dark"] as const) {
      const { page, consoleWarnings } = await openPage(undefined, kind);
      await sendSweep(page);
      await page.locator(`#table tbody tr[data-key="${tile8block2}"]`).click();
      await waitForVariant(page, "override TILE: u32 = 8;");
      const monacoTheme = await page.locator("#source-editor .monaco-editor").getAttribute("class");
      assert.match(monacoTheme ?? "", kind === "light" ? /\bvs\b/ : /\bvs-dark\b/);
      // The editor sits on the panel's background, not Monaco's own.
      const background = await page.locator("#source-editor .monaco-editor-background").evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(background, kind === "light" ? "rgb(255, 255, 255)" : "rgb(31, 31, 31)");
      // A hovered point, as a person pointing at the chart would see it.
      const model = predictedModel(result);
      const p = model.points.find((q) => q.index === tile8block2)!;
      const at = await screenPosition(page, "#predicted-chart", model.x, model.y, p.x, p.y);
      await page.mouse.move(at.x, at.y);
      await page.locator("#predicted-chart .chart-tooltip").waitFor({ state: "visible" });
      const path = join(dir, `designSpace-${kind}.png`);
      await page.screenshot({ path, fullPage: true });
      assert.ok(statSync(path).size > 50_000, `${path} has content`);
      // Monaco could not start a worker (the CSP has no worker-src) and said so; that is the only warning.
      assert.ok(consoleWarnings.every((w) => /web worker|main thread|no web workers/i.test(w)), `unexpected warnings: ${consoleWarnings.join(" | ")}`);
      // Switching theme live: Monaco follows the body's class.
      await applyDesignTheme(page, kind === "light" ? "high-contrast" : "light");
      await page.waitForFunction(
        (want) => new RegExp(want).test(document.querySelector("#source-editor .monaco-editor")?.className ?? ""),
        kind === "light" ? "\\bhc-black\\b" : "\\bvs\\b",
      );
    }
  });

  it("uses only VS Code theme variables for colours", () => {
    const file = "webview/src/designSpace/designSpace.css";
    const css = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    assert.doesNotMatch(css, /#[0-9a-f]{3,8}\b/i, `${file} has a hex colour`);
    assert.doesNotMatch(css, /\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/i, `${file} has a colour function`);
    assert.doesNotMatch(css, /:\s*(white|black|red|green|blue|gray|grey|yellow|orange)\b/i, `${file} has a named colour`);
  });
});
