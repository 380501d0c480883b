// Tests the Kernels panel page in real headless Chromium: host messages, table, sorting, keyboard, CSP, saved state, themes.
//
// The page is the real bundle from dist/webview, inside the real template rendered by renderWebviewHtml with the
// same strict CSP the extension uses, served from a local HTTP server (cspSource is its origin). A stand-in for
// acquireVsCodeApi records what the page posts and saves. Tests wait for events, never for time.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { type Server } from "node:http";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DocumentKernelsResult, KernelBindingInfo, KernelInfo, WireRange } from "../../server/src/protocol";
import { ensureWebviewBundle, openWebviewPage, posted, startWebviewServer, waitForPosted, type OpenedPage, type TestWindow } from "../support/webviewPage";
import { launchChromium, testOutputDir } from "../support/chromium";

const root = new URL("../..", import.meta.url).pathname;

// ---- Fixture: one file with five entry points (bindings counts 4, 2, 2, 1, 2: reduce_sum's workgroup array is no
// binding; two constant workgroup sizes). ----

function range(startLine: number, endLine: number): WireRange {
  return { start: { line: startLine, character: 0 }, end: { line: endLine, character: 1 } };
}

function storage(binding: number, name: string, access: string, type: string): KernelBindingInfo {
  return { name, group: 0, binding, addressSpace: "storage", accessMode: access, type };
}

const kernels: KernelInfo[] = [
  {
    name: "matmul_tiled",
    stage: "compute",
    workgroupSizeText: "TILE, TILE",
    workgroupSize: [16, 16, 1],
    range: range(12, 40),
    bindings: [
      storage(0, "a", "read", "array<f32>"),
      storage(1, "b", "read", "array<f32>"),
      storage(2, "c", "read_write", "array<f32>"),
      { name: "dims", group: 0, binding: 3, addressSpace: "uniform", accessMode: null, type: "Dims" },
    ],
  },
  {
    name: "scale",
    stage: "compute",
    workgroupSizeText: "64",
    workgroupSize: [64, 1, 1],
    range: range(42, 47),
    bindings: [storage(0, "x", "read", "array<f32>"), storage(1, "y", "read_write", "array<f32>")],
  },
  {
    name: "reduce_sum",
    stage: "compute",
    workgroupSizeText: "WG",
    workgroupSize: null,
    range: range(50, 71),
    bindings: [
      storage(0, "input", "read", "array<vec4<f32>>"),
      storage(1, "output", "read_write", "array<f32>"),
      { name: "partial", group: null, binding: null, addressSpace: "workgroup", accessMode: null, type: "array<f32, 256>" },
    ],
  },
  {
    name: "vs_main",
    stage: "vertex",
    workgroupSizeText: null,
    workgroupSize: null,
    range: range(80, 88),
    bindings: [{ name: "camera", group: 1, binding: 0, addressSpace: "uniform", accessMode: null, type: "Camera" }],
  },
  {
    name: "fs_main",
    stage: "fragment",
    workgroupSizeText: null,
    workgroupSize: null,
    range: range(90, 95),
    bindings: [
      { name: "tex", group: 1, binding: 1, addressSpace: "handle", accessMode: null, type: "texture_2d<f32>" },
      { name: "samp", group: 1, binding: 2, addressSpace: "handle", accessMode: null, type: "sampler" },
    ],
  },
];

const fixture: DocumentKernelsResult = {
  uri: "file:///work/kernels/matmul.wgsl",
  defines: ["USE_F16", "TILE=16"],
  kernels,
  diagnostics: { errors: 0, warnings: 2, infos: 1 },
};
const sourceOrder = kernels.map((k) => k.name);

// ---- The bundle, the server and the browser. ----

/** Builds when the page bundle is missing or older than its sources, so a test never checks stale code. */
function ensureBundle(): void {
  ensureWebviewBundle("kernels", { extraSources: ["server/src/protocol.ts"] });
}

const startServer = (): Promise<{ server: Server; origin: string }> => startWebviewServer("kernels");

let browser: Browser;
let server: Server;
let origin: string;
const contexts: BrowserContext[] = [];

async function openPage(saved?: unknown): Promise<OpenedPage> {
  const o = await openWebviewPage(browser, origin, "kernels.html", { saved, viewport: { width: 760, height: 480 }, prepare: (page) => applyTheme(page, "dark") });
  contexts.push(o.context);
  return o;
}

/** Posts a message to the page as the host does (a `message` event on its window). */
async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, "*"), message);
}

async function sendKernels(page: Page, data: DocumentKernelsResult = fixture): Promise<void> {
  await send(page, { type: "kernels", data });
  await page.waitForFunction(
    ([uri, n]) => document.querySelectorAll("tbody tr.data-row").length === n && document.getElementById("title")?.title === uri,
    [data.uri, data.kernels.length] as const,
  );
}

async function rowNames(page: Page): Promise<string[]> {
  return page.locator("tbody tr.data-row .kernel-name").allTextContents();
}

async function rowCells(page: Page): Promise<string[][]> {
  return page.$$eval("tbody tr.data-row", (rows) =>
    rows.map((row) => Array.from(row.querySelectorAll("td"), (td) => (td.textContent ?? "").trim())),
  );
}

async function ariaSorts(page: Page): Promise<Record<string, string | null>> {
  return page.$$eval("thead th", (cells) => Object.fromEntries(cells.map((c) => [(c.textContent ?? "").trim(), c.getAttribute("aria-sort")])));
}

// ---- Themes as VS Code sets them: --vscode-* variables on <html>, a theme-kind class on <body>. ----

const fonts = {
  "--vscode-font-family": "system-ui, 'Ubuntu', 'Droid Sans', 'DejaVu Sans', sans-serif",
  "--vscode-font-size": "13px",
  "--vscode-font-weight": "normal",
  "--vscode-editor-font-family": "'Droid Sans Mono', 'DejaVu Sans Mono', monospace",
};

const themes = {
  light: {
    ...fonts,
    "--vscode-foreground": "#3b3b3b",
    "--vscode-editor-foreground": "#3b3b3b",
    "--vscode-editor-background": "#ffffff",
    "--vscode-descriptionForeground": "#6f6f6f",
    "--vscode-focusBorder": "#005fb8",
    "--vscode-list-hoverBackground": "#f2f2f2",
    "--vscode-list-activeSelectionBackground": "#e8e8e8",
    "--vscode-list-activeSelectionForeground": "#000000",
    "--vscode-list-inactiveSelectionBackground": "#e4e6f1",
    "--vscode-list-focusOutline": "#005fb8",
    "--vscode-panel-border": "#e5e5e5",
    "--vscode-tree-indentGuidesStroke": "#a9a9a9",
    "--vscode-textPreformat-foreground": "#3b3b3b",
    "--vscode-textPreformat-background": "#0000001f",
    "--vscode-errorForeground": "#f85149",
    "--vscode-editorWarning-foreground": "#bf8803",
    "--vscode-editorInfo-foreground": "#1a85ff",
    "--vscode-charts-blue": "#1a85ff",
    "--vscode-charts-purple": "#652d90",
    "--vscode-charts-orange": "#d18616",
  },
  dark: {
    ...fonts,
    "--vscode-foreground": "#cccccc",
    "--vscode-editor-foreground": "#cccccc",
    "--vscode-editor-background": "#1f1f1f",
    "--vscode-descriptionForeground": "#9d9d9d",
    "--vscode-focusBorder": "#0078d4",
    "--vscode-list-hoverBackground": "#2a2d2e",
    "--vscode-list-activeSelectionBackground": "#04395e",
    "--vscode-list-activeSelectionForeground": "#ffffff",
    "--vscode-list-inactiveSelectionBackground": "#37373d",
    "--vscode-list-focusOutline": "#0078d4",
    "--vscode-panel-border": "#2b2b2b",
    "--vscode-tree-indentGuidesStroke": "#585858",
    "--vscode-textPreformat-foreground": "#d0d0d0",
    "--vscode-textPreformat-background": "#3c3c3c",
    "--vscode-errorForeground": "#f85149",
    "--vscode-editorWarning-foreground": "#cca700",
    "--vscode-editorInfo-foreground": "#3794ff",
    "--vscode-charts-blue": "#3794ff",
    "--vscode-charts-purple": "#b180d7",
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
    "--vscode-list-focusOutline": "#f38518",
    "--vscode-panel-border": "#6fc3df",
    "--vscode-tree-indentGuidesStroke": "#a9a9a9",
    "--vscode-textPreformat-foreground": "#ffffff",
    "--vscode-textPreformat-background": "#000000",
    "--vscode-errorForeground": "#f48771",
    "--vscode-editorWarning-foreground": "#ffd370",
    "--vscode-editorInfo-foreground": "#3794ff",
    "--vscode-charts-blue": "#3794ff",
    "--vscode-charts-purple": "#b180d7",
    "--vscode-charts-orange": "#d18616",
  },
} as const;
type ThemeKind = keyof typeof themes;

async function applyTheme(page: Page, kind: ThemeKind): Promise<void> {
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

// ---- The tests. ----

describe("Kernels panel page in Chromium", () => {
  before(async () => {
    ensureBundle();
    ({ server, origin } = await startServer());
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("posts ready once it listens, and waits for data", async () => {
    const { page } = await openPage();
    assert.deepEqual(await posted(page), [{ type: "ready" }]);
    assert.equal(await page.locator("#message").textContent(), "Waiting for the language server…");
    assert.equal(await page.locator("#table-host").isHidden(), true);
    assert.equal(await page.evaluate(() => document.compatMode), "CSS1Compat", "the template must not put the page in quirks mode");
  });

  it("shows one row per entry point with the right cells, and the file's summary", async () => {
    const { page } = await openPage();
    await sendKernels(page);
    assert.deepEqual(await rowCells(page), [
      ["matmul_tiled", "compute", "16×16×1", "4"],
      ["scale", "compute", "64×1×1", "2"],
      // Two bindings: 'partial' is a workgroup array, listed in the details but not counted.
      ["reduce_sum", "compute", "WG", "2"],
      ["vs_main", "vertex", "—", "1"],
      ["fs_main", "fragment", "—", "2"],
    ]);
    assert.equal(await page.locator("#title").textContent(), "matmul.wgsl");
    const summary = (await page.locator("#summary").textContent()) ?? "";
    for (const part of ["5 entry points", "USE_F16", "TILE=16", "0 errors", "2 warnings", "1 info"]) {
      assert.ok(summary.includes(part), `summary ${JSON.stringify(summary)} lacks ${part}`);
    }
    assert.equal(await page.getByRole("grid").getAttribute("aria-label"), "Entry points");
    assert.equal(
      await page.locator("tbody tr.data-row").nth(1).getAttribute("aria-label"),
      "scale, compute entry point, workgroup size 64 by 1 by 1, 2 bindings",
    );
  });

  it("sorts by a column header, sets aria-sort and keeps ties in source order", async () => {
    const { page } = await openPage();
    await sendKernels(page);
    assert.deepEqual(await rowNames(page), sourceOrder);
    assert.deepEqual(Object.values(await ariaSorts(page)), [null, null, null, null]);

    await page.getByRole("button", { name: "Bindings", exact: true }).click();
    assert.deepEqual(await rowNames(page), ["vs_main", "scale", "reduce_sum", "fs_main", "matmul_tiled"]);
    assert.deepEqual(await ariaSorts(page), { Name: null, Stage: null, "Workgroup size": null, Bindings: "ascending" });
    assert.equal(await page.getByRole("status").filter({ hasText: "Sorted" }).textContent(), "Sorted by Bindings, ascending.");

    await page.getByRole("button", { name: "Bindings", exact: true }).click();
    assert.deepEqual(await rowNames(page), ["matmul_tiled", "scale", "reduce_sum", "fs_main", "vs_main"]);
    assert.equal((await ariaSorts(page)).Bindings, "descending");

    // Workgroup sizes sort by invocations; entry points without a constant size go last in both directions.
    await page.getByRole("button", { name: "Workgroup size", exact: true }).click();
    assert.deepEqual(await rowNames(page), ["scale", "matmul_tiled", "reduce_sum", "vs_main", "fs_main"]);
    assert.deepEqual(await ariaSorts(page), { Name: null, Stage: null, "Workgroup size": "ascending", Bindings: null });
    await page.getByRole("button", { name: "Workgroup size", exact: true }).click();
    assert.deepEqual(await rowNames(page), ["matmul_tiled", "scale", "reduce_sum", "vs_main", "fs_main"]);

    await page.getByRole("button", { name: "Name", exact: true }).click();
    assert.deepEqual(await rowNames(page), ["fs_main", "matmul_tiled", "reduce_sum", "scale", "vs_main"]);
  });

  it("moves between rows with the keyboard and reveals the chosen entry point on Enter", async () => {
    const { page } = await openPage();
    await sendKernels(page);
    const rows = page.locator("tbody tr.data-row");
    // One tab stop for the body: the first row.
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("tabindex"))), ["0", "-1", "-1", "-1", "-1"]);
    await rows.first().focus();
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), "scale");
    await page.keyboard.press("Enter");
    await waitForPosted(page, "reveal", 1);
    assert.deepEqual(await posted(page, "reveal"), [{ type: "reveal", uri: fixture.uri, range: kernels[1]!.range }]);

    await page.keyboard.press("End");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), "fs_main");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), "fs_main", "stays on the last row");
    await page.keyboard.press("Home");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), "matmul_tiled");
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("tabindex"))), ["0", "-1", "-1", "-1", "-1"]);

    // ArrowRight opens the bindings, ArrowLeft closes them; Enter still reveals.
    await page.keyboard.press("ArrowRight");
    assert.equal(await rows.first().getAttribute("aria-expanded"), "true");
    const bindings = await page.$$eval("tr.detail-row table.bindings tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => (td.textContent ?? "").trim())),
    );
    assert.deepEqual(bindings, [
      ["0", "0", "a", "storage", "read", "array<f32>"],
      ["0", "1", "b", "storage", "read", "array<f32>"],
      ["0", "2", "c", "storage", "read_write", "array<f32>"],
      ["0", "3", "dims", "uniform", "—", "Dims"],
    ]);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), "matmul_tiled", "focus stays on the row");
    await page.keyboard.press("ArrowLeft");
    assert.equal(await rows.first().getAttribute("aria-expanded"), "false");
    assert.equal(await page.locator("tr.detail-row").count(), 0);
    await page.keyboard.press("Enter");
    await waitForPosted(page, "reveal", 2);
    assert.deepEqual((await posted(page, "reveal"))[1], { type: "reveal", uri: fixture.uri, range: kernels[0]!.range });

    // A click reveals too; a click on the expander only expands.
    await page.getByRole("button", { name: "Show details of vs_main, vertex entry point, no workgroup size, 1 binding" }).click();
    assert.equal(await page.locator("tr.detail-row").count(), 1);
    assert.equal((await posted(page, "reveal")).length, 2);
    await rows.nth(4).click();
    await waitForPosted(page, "reveal", 3);
    assert.deepEqual((await posted(page, "reveal"))[2], { type: "reveal", uri: fixture.uri, range: kernels[4]!.range });
  });

  it("ignores invalid messages, keeps its data and reports each one", async () => {
    const { page, pageErrors } = await openPage();
    await sendKernels(page);
    const before = await rowCells(page);
    const [first] = kernels;
    const invalid: unknown[] = [
      null,
      "kernels",
      42,
      [],
      { type: "kernels" },
      { type: "bogus" },
      { type: "toString" },
      { type: "kernels", data: { ...fixture, uri: 42 } },
      { type: "kernels", data: { ...fixture, kernels: [{ ...first, workgroupSize: [64, "1", 1] }] } },
      { type: "kernels", data: { ...fixture, kernels: [{ ...first, stage: "mesh" }] } },
      { type: "kernels", data: { ...fixture, kernels: [{ ...first, range: { start: { line: -1, character: 0 }, end: first!.range.end } }] } },
      { type: "kernels", data: { ...fixture, diagnostics: { errors: 1.5, warnings: 0, infos: 0 } } },
      { type: "empty", reason: null },
    ];
    for (const message of invalid) await send(page, message);
    // Built inside the page: a 5-million-character string and a 100,000-element array.
    await page.evaluate(() => window.postMessage({ type: "empty", reason: "x".repeat(5_000_000) }, "*"));
    await page.evaluate((data) => window.postMessage({ type: "kernels", data: { ...data, kernels: new Array(100_000).fill(data.kernels[0]) } }, "*"), fixture);
    const expected = invalid.length + 2;
    await waitForPosted(page, "invalidMessage", expected);

    const reports = (await posted(page, "invalidMessage")).map((m) => String(m.detail));
    assert.equal(reports.length, expected);
    assert.match(reports[0]!, /^message: expected an object, got null/);
    assert.match(reports[4]!, /^message\.data: expected an object/);
    assert.match(reports[6]!, /^message\.type: expected one of/);
    assert.match(reports[7]!, /^message\.data\.uri: expected a string, got 42/);
    assert.match(reports[8]!, /^message\.data\.kernels\[0\]\.workgroupSize\[1\]: expected an integer/);
    assert.match(reports[9]!, /mesh/);
    assert.match(reports[10]!, /start\.line: -1 is below the minimum 0/);
    assert.match(reports[13]!, /^message\.reason: a string of 5000000 characters is longer than the limit/);
    assert.match(reports[14]!, /^message\.data\.kernels: an array of 100000 is longer than the limit/);
    for (const report of reports) assert.ok(report.length < 300, `a report stays short: ${report.slice(0, 80)}…`);

    assert.deepEqual(await rowCells(page), before, "the page still shows the last valid data");
    assert.equal(await page.locator("#title").textContent(), "matmul.wgsl");
    assert.deepEqual(await posted(page, "reveal"), []);
    assert.deepEqual(pageErrors, []);
  });

  it("shows a reason for an empty message and comes back with the next data", async () => {
    const { page } = await openPage();
    await sendKernels(page);
    await send(page, { type: "empty", reason: "Open a WGSL file to see its entry points." });
    await page.waitForFunction(() => !document.getElementById("message")?.hidden);
    assert.equal(await page.locator("#message").textContent(), "Open a WGSL file to see its entry points.");
    assert.equal(await page.locator("#table-host").isHidden(), true);
    await sendKernels(page, { ...fixture, uri: "file:///work/kernels/other.wgsl", kernels: [kernels[1]!] });
    assert.equal(await page.locator("#table-host").isHidden(), false);
    assert.deepEqual(await rowNames(page), ["scale"]);
  });

  it("runs under the strict CSP without violations, shows names as text, and blocks inline code", async () => {
    const opened = await openPage();
    const { page } = opened;
    const hostile = "<img src=x onerror=\"window.__inlineRan = true\">";
    await sendKernels(page, { ...fixture, kernels: [...kernels, { ...kernels[0]!, name: hostile }] });
    await page.getByRole("button", { name: "Stage", exact: true }).click();
    await page.locator("tbody tr.data-row").first().focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await waitForPosted(page, "reveal", 1);

    assert.ok((await rowNames(page)).includes(hostile), "the name shows as the characters it is made of");
    assert.equal(await page.locator("#table-host img").count(), 0);
    assert.deepEqual(await page.evaluate(() => (window as unknown as TestWindow).__kl.violations), []);
    assert.deepEqual(opened.consoleErrors, []);
    assert.deepEqual(opened.pageErrors, []);
    assert.deepEqual(opened.foreignRequests, []);
    // The page's own script ran (it posted ready) because it carries the nonce; the policy is the strict one.
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(policy ?? "", /^default-src 'none'; img-src \S+ data:; style-src \S+; font-src \S+; script-src 'nonce-[A-Za-z0-9+/]+=*';$/);

    // An inline script without the nonce, and an inline style attribute, are refused and reported.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true;";
      document.body.append(script);
      document.body.setAttribute("style", "display: none");
    });
    await page.waitForFunction(() => (window as unknown as TestWindow).__kl.violations.length >= 2);
    assert.equal(await page.evaluate(() => (window as unknown as TestWindow).__inlineRan), undefined);
    const directives = await page.evaluate(() => (window as unknown as TestWindow).__kl.violations.map((v) => v.directive));
    assert.deepEqual(directives.sort(), ["script-src-elem", "style-src-attr"]);
    assert.equal(await page.locator("body").isVisible(), true);
  });

  it("keeps sort, open rows and data across a reload through setState/getState", async () => {
    const first = await openPage();
    await sendKernels(first.page);
    await first.page.getByRole("button", { name: "Workgroup size", exact: true }).click();
    await first.page.getByRole("button", { name: "Workgroup size", exact: true }).click();
    await first.page.getByRole("button", { name: /^Show details of scale,/ }).click();
    const order = await rowNames(first.page);
    assert.deepEqual(order, ["matmul_tiled", "scale", "reduce_sum", "vs_main", "fs_main"]);
    const saved = await first.page.evaluate(() => (window as unknown as TestWindow).__kl.state);
    assert.ok(saved && typeof saved === "object");

    // A fresh page, as VS Code creates when a hidden panel is shown again: it gets only the saved state.
    const second = await openPage(saved);
    await second.page.waitForFunction(() => document.querySelectorAll("tbody tr.data-row").length === 5);
    assert.deepEqual(await rowNames(second.page), order);
    assert.equal((await ariaSorts(second.page))["Workgroup size"], "descending");
    assert.equal(await second.page.locator('tr.data-row[data-key="scale"]').getAttribute("aria-expanded"), "true");
    assert.equal(await second.page.locator("#title").textContent(), "matmul.wgsl");
    assert.deepEqual(await posted(second.page), [{ type: "ready" }]);

    // The host answers `ready` with fresh data; the restored sort applies to it.
    await sendKernels(second.page);
    assert.deepEqual(await rowNames(second.page), order);

    // State from another version of the page (or garbage) is dropped, not trusted.
    const third = await openPage({ version: 99, view: { type: "kernels", data: "nonsense" } });
    assert.equal(await third.page.locator("#message").textContent(), "Waiting for the language server…");
    assert.deepEqual(third.pageErrors, []);
  });

  it("reads well in light, dark and high contrast themes (screenshots)", async () => {
    const dir = testOutputDir("webview");
    mkdirSync(dir, { recursive: true });
    const { page, consoleErrors } = await openPage();
    await sendKernels(page);
    await page.getByRole("button", { name: /^Show details of matmul_tiled,/ }).click();
    await page.getByRole("button", { name: /^Show details of reduce_sum,/ }).click();
    await page.getByRole("button", { name: "Workgroup size", exact: true }).click();
    await page.locator('tr.data-row[data-key="scale"]').focus();
    // Away from the rows, so no hover highlight shows in the pictures.
    await page.mouse.move(5, 470);
    for (const kind of Object.keys(themes) as ThemeKind[]) {
      await applyTheme(page, kind);
      const path = join(dir, `kernels-${kind}.png`);
      await page.screenshot({ path, fullPage: true });
      assert.ok(statSync(path).size > 5000, `${path} has content`);
    }
    // Colours come from the theme: the body background follows --vscode-editor-background.
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(0, 0, 0)");
    assert.deepEqual(consoleErrors, []);
  });
});

describe("panel stylesheets", () => {
  it("use only VS Code theme variables for colours", () => {
    for (const file of ["webview/src/shared/theme.css", "webview/src/shared/chart.css", "webview/src/kernels/kernels.css"]) {
      const css = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
      assert.doesNotMatch(css, /#[0-9a-f]{3,8}\b/i, `${file} has a hex colour`);
      assert.doesNotMatch(css, /\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/i, `${file} has a colour function`);
      assert.doesNotMatch(css, /:\s*(white|black|red|green|blue|gray|grey|yellow|orange)\b/i, `${file} has a named colour`);
    }
  });
});
