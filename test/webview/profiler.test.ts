// Tests the Profiler view page in real headless Chromium under the panels' strict CSP: rows, sort, filter, reveal, compare, export, live runs, state,
// the layout at side-bar and wide widths, columns (resize, hide, order), readable rows for runs that did not finish, the editor tab, themes.
//
// The page is the real bundle from dist/webview inside the real template rendered by renderWebviewHtml, served from
// a local HTTP server whose origin plays `webview.cspSource`; a stand-in for acquireVsCodeApi records what the page
// posts and saves. The fixture is 300 history records converted by the host's own code (profilerRows.ts): two
// adapters (one software), both calibrated, with failed, error and timeout runs. Tests wait for events, never time.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { csvColumns, historyCsv, historyJson, rowFromRecord } from "../../client/src/panels/profilerRows";
import type { HistoryRecord } from "../../server/src/run/history";
import type { ProfilerRow } from "../../webview/src/profiler/protocol";
import { formatMs, formatNumber } from "../../server/src/core/format";
import { formatSignedPercent } from "../../webview/src/shared/format";
import {
  applyTheme,
  ensureProfilerBundle,
  failureMessages,
  historyFixture,
  historyMessage,
  historyRecords,
  lavapipe,
  root,
  roofs,
  startProfilerServer,
  themes,
  type ThemeKind,
} from "../bench/historyTableRender";
import { launchChromium, testOutputDir } from "../support/chromium";
import { send, type TestWindow } from "../support/rooflinePage";
import { openWebviewPage, posted, waitForPosted, type OpenedPage } from "../support/webviewPage";

const count = 300;
const rows = historyFixture(count);
/** Row i is record i: one a minute, so sorting by start time ascending lists them in record order. */
const byIndex = (i: number): ProfilerRow => rows[i]!;

let browser: Browser;
let server: Server;
let origin: string;
const contexts: BrowserContext[] = [];

async function openPage(saved?: unknown, viewport = { width: 1000, height: 640 }, theme: ThemeKind = "dark"): Promise<OpenedPage> {
  const o = await openWebviewPage(browser, origin, "profiler.html", { saved, viewport, timezoneId: "UTC", prepare: (page) => applyTheme(page, theme) });
  contexts.push(o.context);
  return o;
}

/** The page as the editor tab has it: every column the person chose, scrolling sideways, Kernel kept in view. */
async function openWide(saved?: unknown, viewport = { width: 1000, height: 640 }): Promise<OpenedPage> {
  const o = await openPage(saved, viewport);
  await send(o.page, { type: "surface", surface: "editor" });
  await o.page.waitForFunction(() => document.body.classList.contains("surface-editor"));
  return o;
}

/** Ids of the grid's data columns, left to right (the pick box left out). */
async function shownColumns(page: Page): Promise<string[]> {
  return page.$$eval("thead th[data-column]", (ths) => ths.map((th) => (th as HTMLElement).dataset.column ?? "").filter((id) => id !== "pick"));
}

async function savedState(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => (window as unknown as TestWindow).__kl.state as Record<string, unknown>);
}

async function renderCount(page: Page): Promise<number> {
  return Number((await page.locator("#grid-host").getAttribute("data-renders")) ?? "0");
}

/** Runs `action` and waits until the page has rendered the grid again. */
async function rendered(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await renderCount(page);
  await action();
  await page.waitForFunction((n) => Number(document.getElementById("grid-host")?.dataset.renders ?? "0") > n, before);
}

async function sendHistory(page: Page, data: ProfilerRow[] = rows): Promise<void> {
  await rendered(page, () => send(page, historyMessage(data)));
}

async function rowCount(page: Page): Promise<number> {
  return Number(await page.getByRole("grid").getAttribute("aria-rowcount")) - 1;
}

/** Ids of the rendered rows, top to bottom. */
async function renderedIds(page: Page): Promise<string[]> {
  return page.$$eval("tbody tr.data-row", (trs) => trs.map((tr) => (tr as HTMLElement).dataset.key ?? ""));
}

async function ariaSorts(page: Page): Promise<Record<string, string | null>> {
  return page.$$eval("thead th", (cells) => Object.fromEntries(cells.filter((c) => c.querySelector("button")).map((c) => [(c.textContent ?? "").trim(), c.getAttribute("aria-sort")])));
}

async function sortBy(page: Page, label: string): Promise<void> {
  await rendered(page, () => page.getByRole("button", { name: label, exact: true }).click());
}

/** Scrolls the grid until the row is rendered, and returns its cells' text. */
async function showRow(page: Page, id: string): Promise<Record<string, string>> {
  const position = await page.evaluate((key) => {
    const rowsShown = Number(document.querySelector('[role="grid"]')!.getAttribute("aria-rowcount")) - 1;
    const scroller = document.querySelector(".grid-scroll") as HTMLElement;
    const first = document.querySelector("tbody tr.data-row") as HTMLElement;
    return { rowsShown, height: first.getBoundingClientRect().height, scrollerHeight: scroller.scrollHeight, key };
  }, id);
  assert.ok(position.rowsShown > 0);
  const row = page.locator(`tr.data-row[data-key="${id}"]`);
  for (let top = 0; (await row.count()) === 0 && top < position.scrollerHeight; top += 300) {
    await page.evaluate((t) => {
      (document.querySelector(".grid-scroll") as HTMLElement).scrollTop = t;
    }, top);
    await page.waitForFunction(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))));
  }
  assert.equal(await row.count(), 1, `row ${id} is rendered after scrolling`);
  return row.locator("td").evaluateAll((tds) =>
    Object.fromEntries(tds.map((td) => [[...td.classList].find((c) => c.startsWith("col-"))!.slice(4), (td as HTMLElement).innerText.replace(/\s+/g, " ").trim()])),
  );
}

async function focusedKey(page: Page): Promise<string | null> {
  return page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.key ?? null);
}

/** An RFC 4180 reader, written here (not the host's code) so the export is checked by an independent parser. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  assert.equal(field, "", "the CSV ends with a line break");
  return records;
}

describe("Profiler view page in Chromium", () => {
  before(async () => {
    ensureProfilerBundle();
    ({ server, origin } = await startProfilerServer());
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("posts ready once it listens, and waits for the history", async () => {
    const { page } = await openPage();
    assert.deepEqual(await posted(page), [{ type: "ready" }]);
    assert.equal(await page.locator("#message").textContent(), "Loading the run history…");
    assert.equal(await page.locator("#grid-host").isHidden(), true);
    assert.equal(await page.evaluate(() => document.compatMode), "CSS1Compat");
  });

  it("lists every run, newest first, rendering only the rows in view, with the right cells", async () => {
    const { page } = await openWide();
    await sendHistory(page);
    assert.equal(await rowCount(page), 300);
    const ids = await renderedIds(page);
    assert.ok(ids.length >= 20 && ids.length < 80, `a window of rows is rendered, not all 300: ${ids.length}`);
    assert.deepEqual(ids.slice(0, 3), [byIndex(299).id, byIndex(298).id, byIndex(297).id], "newest first");
    assert.deepEqual(await ariaSorts(page), {
      Kernel: null,
      Variant: null,
      Adapter: null,
      Median: null,
      Spread: null,
      "GB/s": null,
      "GFLOP/s": null,
      "% of roof": null,
      Predicted: null,
      Error: null,
      Started: "descending",
      Status: null,
    });
    assert.equal(await page.getByRole("grid").getAttribute("aria-label"), "Run history");
    assert.equal(await page.getByRole("grid").getAttribute("aria-multiselectable"), "true");
    assert.equal(await page.locator("tbody tr.data-row").first().getAttribute("aria-rowindex"), "2");
    // 300 runs: 17 failed (every 17th), 10 compile errors (every 29th), 7 timeouts (every 41st); no two rules meet below 300.
    const summary = (await page.locator("#summary").textContent()) ?? "";
    assert.equal(summary, "300 runs · roofs: NVIDIA RTX 4090 900 GB/s, 70,000 GFLOP/s; lavapipe 20 GB/s, 150 GFLOP/s");
    assert.deepEqual(await page.locator("#status-filter option").allTextContents(), [
      "All runs (300)",
      "Not passed (34)",
      "Passed (266)",
      "Failed (17)",
      "Error (10)",
      "Timeout (7)",
    ]);

    await sortBy(page, "Started");
    assert.equal((await ariaSorts(page)).Started, "ascending");

    // Record 2: matmul_naive on lavapipe (software), passed, no variant; its roof is lavapipe's (20 GB/s, 150 GFLOP/s).
    const soft = byIndex(2);
    const cells = await showRow(page, soft.id);
    const t = soft.timing!;
    // Computed here from the calibration's own numbers, not from the row's `roof`: the larger fraction bounds.
    const memory = soft.gbps! / 20;
    const compute = soft.gflops! / 150;
    const pct = Math.max(memory, compute) * 100;
    assert.ok(Math.abs(soft.roof!.pct - pct) < 1e-9);
    assert.deepEqual(cells, {
      pick: "",
      kernel: "matmul_naive kernels/matmul.wgsl",
      median: formatMs(t.medianMs, "compact"),
      predicted: formatMs(soft.predicted!.ms!, "compact"),
      error: formatSignedPercent(soft.predicted!.errorPct!),
      status: "passed",
      variant: "—",
      adapter: "lavapipe software",
      roof: `${formatNumber(pct)}% ${memory >= compute ? "DRAM" : "FMA"}`,
      gbps: formatNumber(soft.gbps!),
      gflops: formatNumber(soft.gflops!),
      spread: `${formatNumber(t.minMs * (t.medianMs < 1 ? 1000 : 1))}–${formatNumber(t.maxMs * (t.medianMs < 1 ? 1000 : 1))} ${t.medianMs < 1 ? "µs" : "ms"} wall`,
      started: "2025-06-02 08:02",
    });
    // The editor tab shows every column, in the default order (= priority).
    assert.deepEqual(await shownColumns(page), ["kernel", "median", "predicted", "error", "status", "variant", "adapter", "roof", "gbps", "gflops", "spread", "started"]);
    assert.equal(await page.locator(`tr[data-key="${soft.id}"] .tag-software`).textContent(), "software");

    // Record 16: softmax_rows on the RTX, a failed check whose message has commas and quotes; TILE=32, USE_F16, N=2048.
    const failed = await showRow(page, byIndex(16).id);
    assert.equal(failed.variant, "TILE=32 USE_F16 N=2048");
    assert.equal(failed.adapter, "NVIDIA RTX 4090");
    assert.match(failed.spread!, / timestamp$/);
    assert.equal(failed.status, "failed out: 3 of 1,048,576 differ, first at [17] (got 1.5, want 1.25)");
    // Record 28: a compile error (no timing, no rates); the cell shows its first line, the tooltip all of it.
    const error = await showRow(page, byIndex(28).id);
    assert.deepEqual([error.median, error.predicted, error.error, error.roof, error.gbps, error.gflops, error.spread], ["—", "—", "—", "—", "—", "—", "—"]);
    assert.equal(error.status, 'error compile error at line 12:9: unresolved value "tile_sz"');
    assert.equal(await page.locator(`tr[data-key="${byIndex(28).id}"] .status-cell`).getAttribute("title"), byIndex(28).message);
    assert.equal(await page.locator(`tr[data-key="${byIndex(28).id}"] td.col-median > span`).getAttribute("title"), "No timing: the run did not complete");
    // Record 40: a timeout before an adapter was known; its message's 10,000 ms reads as seconds.
    const timeout = await showRow(page, byIndex(40).id);
    assert.equal(timeout.adapter, "—");
    assert.equal(timeout.status, "timed out after 10 s");
    assert.equal(await page.locator(`tr[data-key="${byIndex(40).id}"] td.col-median > span`).getAttribute("title"), "No timing: the run timed out");
    assert.equal(
      await page.locator(`tr[data-key="${byIndex(40).id}"]`).getAttribute("aria-label"),
      "softmax_rows in kernels/softmax.wgsl, timed out after 10 s, variant TILE=32 USE_F16 N=2048, started 2025-06-02 08:40",
    );
    assert.equal(await page.locator(`tr[data-key="${byIndex(40).id}"]`).getAttribute("aria-rowindex"), "42");
  });

  it("sorts by a column header, sets aria-sort, puts unknown values last and keeps ties in record order", async () => {
    const { page } = await openWide();
    await sendHistory(page);
    const timed = rows.filter((r) => r.timing).sort((a, b) => a.timing!.medianMs - b.timing!.medianMs);
    await sortBy(page, "Median");
    assert.equal((await ariaSorts(page)).Median, "ascending");
    assert.equal((await ariaSorts(page)).Started, null);
    assert.equal(await page.getByRole("status").filter({ hasText: "Sorted" }).textContent(), "Sorted by Median, ascending.");
    assert.deepEqual((await renderedIds(page)).slice(0, 5), timed.slice(0, 5).map((r) => r.id));
    await sortBy(page, "Median");
    assert.equal((await ariaSorts(page)).Median, "descending");
    assert.deepEqual((await renderedIds(page)).slice(0, 5), timed.slice(-5).reverse().map((r) => r.id));
    // Runs without a time (errors, timeouts) go last in both directions.
    await page.locator(".grid-scroll").focus();
    await page.keyboard.press("End");
    const untimed = rows.filter((r) => !r.timing).map((r) => r.id);
    assert.deepEqual((await renderedIds(page)).slice(-untimed.length), untimed, "untimed runs last, in record order");

    // Status sorts by severity: errors first when descending, then failed, timeouts, passed.
    // The current row (the last, from End) stays in view through the sort; Home goes to the top.
    await sortBy(page, "Status");
    await sortBy(page, "Status");
    assert.equal((await ariaSorts(page)).Status, "descending");
    const current = await page.evaluate(() => document.querySelector('tbody tr.data-row[tabindex="0"]')?.getAttribute("data-key"));
    assert.equal(current, untimed.at(-1), "the current row is still rendered after the sort");
    await page.locator(`tr[data-key="${current}"]`).focus();
    await page.keyboard.press("Home");
    const top = await renderedIds(page);
    assert.deepEqual(top.slice(0, 10), rows.filter((r) => r.status === "error").map((r) => r.id));
    assert.equal(top[10], rows.find((r) => r.status === "failed")!.id);

    await sortBy(page, "Kernel");
    await page.locator('tbody tr.data-row[tabindex="0"]').focus();
    await page.keyboard.press("Home");
    const kernelOrder = await page.locator("tbody tr.data-row .entry").allTextContents();
    assert.deepEqual(kernelOrder.slice(0, 3), ["conv2d_3x3", "conv2d_3x3", "conv2d_3x3"]);
  });

  it("filters by text over kernel, variant, adapter and status, and by status, and says how many are shown", async () => {
    const { page } = await openPage();
    await sendHistory(page);
    await rendered(page, () => page.getByRole("searchbox", { name: /^Filter runs/ }).fill("REDUCE"));
    const reduce = rows.filter((r) => r.entry === "reduce_sum");
    assert.equal(await rowCount(page), reduce.length);
    assert.equal(await page.locator("#summary").textContent().then((t) => t?.split(" · ")[0]), `${reduce.length} of 300 runs shown`);
    assert.equal(await page.getByRole("status").filter({ hasText: "runs shown" }).textContent(), `${reduce.length} of 300 runs shown.`);

    await rendered(page, () => page.locator("#filter").fill("software"));
    assert.equal(await rowCount(page), rows.filter((r) => r.adapter?.software).length);
    await rendered(page, () => page.locator("#filter").fill("tile=32"));
    assert.equal(await rowCount(page), rows.filter((r) => r.defines.includes("TILE=32")).length);

    await rendered(page, () => page.locator("#filter").fill("saxpy"));
    await rendered(page, () => page.selectOption("#status-filter", "problems"));
    const saxpyProblems = rows.filter((r) => r.entry === "saxpy" && r.status !== "passed");
    assert.ok(saxpyProblems.length > 0);
    assert.equal(await rowCount(page), saxpyProblems.length);
    await rendered(page, () => page.selectOption("#status-filter", "timeout"));
    assert.equal(await rowCount(page), rows.filter((r) => r.entry === "saxpy" && r.status === "timeout").length);

    // Nothing matches: the grid says so.
    await rendered(page, () => page.locator("#filter").fill("no such kernel"));
    assert.equal(await rowCount(page), 0);
    assert.equal(await page.locator("td.empty-cell").textContent(), "No run matches the filter.");
    assert.equal(await page.locator("#export-csv").isDisabled(), true);
    // Escape empties the box.
    await rendered(page, () => page.locator("#filter").press("Escape"));
    assert.equal(await page.locator("#filter").inputValue(), "");
    assert.equal(await rowCount(page), rows.filter((r) => r.status === "timeout").length);
  });

  it("posts reveal for a run chosen with the mouse or the keyboard, and walks 300 rows with the keys", async () => {
    const { page } = await openPage();
    await sendHistory(page);
    const third = page.locator("tbody tr.data-row").nth(2);
    await third.click();
    await waitForPosted(page, "reveal", 1);
    assert.deepEqual(await posted(page, "reveal"), [{ type: "reveal", file: byIndex(297).file, entry: byIndex(297).entry }]);
    assert.equal(await third.getAttribute("aria-selected"), "true");
    assert.equal(await focusedKey(page), byIndex(297).id);
    // One pick shows that run in full.
    await page.locator("#details").waitFor({ state: "visible" });
    assert.equal(await page.locator("#details h2").textContent(), byIndex(297).entry);

    await page.keyboard.press("ArrowDown");
    assert.equal(await focusedKey(page), byIndex(296).id);
    await page.keyboard.press("Enter");
    await waitForPosted(page, "reveal", 2);
    assert.deepEqual((await posted(page, "reveal"))[1], { type: "reveal", file: byIndex(296).file, entry: byIndex(296).entry });
    // One tab stop: only the current row has tabindex 0.
    assert.deepEqual(await page.$$eval('tbody tr.data-row[tabindex="0"]', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.key)), [byIndex(296).id]);

    // End reaches the oldest run, though it was not rendered: the grid renders it and moves focus there.
    await page.keyboard.press("End");
    assert.equal(await focusedKey(page), byIndex(0).id);
    assert.equal(await page.locator(`tr[data-key="${byIndex(0).id}"]`).getAttribute("aria-rowindex"), "301");
    await page.keyboard.press("PageUp");
    const paged = await focusedKey(page);
    const pagedIndex = rows.findIndex((r) => r.id === paged);
    assert.ok(pagedIndex > 5 && pagedIndex < 40, `PageUp moves by a page: now at record ${pagedIndex}`);
    await page.keyboard.press("Home");
    assert.equal(await focusedKey(page), byIndex(299).id);
    await page.keyboard.press("ArrowUp");
    assert.equal(await focusedKey(page), byIndex(299).id, "stays on the first row");
    // Scrolled away with the wheel, the focused row leaves the DOM; the next key brings it back.
    const grid = (await page.locator(".grid-scroll").boundingBox())!;
    await page.mouse.move(grid.x + grid.width / 2, grid.y + grid.height / 2);
    await page.mouse.wheel(0, 3000);
    await page.waitForFunction((id) => !document.querySelector(`tr[data-key="${id}"]`), byIndex(299).id);
    await page.keyboard.press("ArrowDown");
    assert.equal(await focusedKey(page), byIndex(298).id);
    assert.equal((await posted(page, "reveal")).length, 2, "moving does not reveal; Enter and click do");
  });

  it("compares two runs picked with Ctrl+click, the box or Space, with B / A ratios", async () => {
    const { page } = await openWide();
    await sendHistory(page);
    await sortBy(page, "Started");
    // A: saxpy record 0 on the RTX; B: saxpy record 6, same kernel and adapter, TILE=16 N=1024.
    const a = byIndex(0);
    const b = byIndex(6);
    await page.locator(`tr[data-key="${a.id}"]`).click();
    await page.locator(`tr[data-key="${b.id}"]`).click({ modifiers: ["Control"] });
    assert.equal((await posted(page, "reveal")).length, 1, "Ctrl+click picks without opening the file");
    await page.locator(".compare-table").waitFor();
    assert.equal(await page.locator("#details h2").textContent(), "Comparison");
    assert.equal(await page.locator(`tr[data-key="${a.id}"] .pick-mark`).textContent(), "A");
    assert.equal(await page.locator(`tr[data-key="${b.id}"] .pick-mark`).textContent(), "B");
    assert.equal(await page.locator(`tr[data-key="${b.id}"] input.pick`).isChecked(), true);

    const table = await page.$$eval(".compare-table tbody tr", (trs) =>
      Object.fromEntries(trs.map((tr) => [(tr.querySelector("th")?.textContent ?? "").trim(), Array.from(tr.querySelectorAll("td"), (td) => (td.textContent ?? "").replace(/\s+/g, " ").trim())])),
    );
    const ratio = (x: number, y: number): string => `${formatNumber(y / x)}×`;
    const time = b.timing!.medianMs / a.timing!.medianMs;
    assert.equal(table.Kernel![0], "kernels/saxpy.wgsl:saxpy");
    assert.equal(table.Variant![1], "TILE=16 N=1024");
    // Below one, the words give the inverse: "0.5× (B 2× faster)"; above, just the direction: "2× (B slower)".
    assert.equal(table.Median![2], `${ratio(a.timing!.medianMs, b.timing!.medianMs)} (B ${time < 1 ? `${formatNumber(1 / time)}× faster` : "slower"})`);
    const gbps = b.gbps! / a.gbps!;
    assert.equal(table["GB/s"]![2], `${ratio(a.gbps!, b.gbps!)} (B ${gbps < 1 ? `${formatNumber(1 / gbps)}× lower` : "higher"})`);
    assert.match(table["GFLOP/s"]![2]!, new RegExp(`^${ratio(a.gflops!, b.gflops!).replace(".", "\\.")} \\(B `));
    const errA = Math.abs(a.predicted!.errorPct!);
    const errB = Math.abs(b.predicted!.errorPct!);
    assert.match(table["Model error"]![2]!, new RegExp(`^${ratio(errA, errB).replace(".", "\\.")} \\(B .*(smaller|larger)\\)$`));
    assert.equal(table["Model error"]![0], formatSignedPercent(a.predicted!.errorPct!));

    // A third pick (the box) drops the oldest: B becomes A.
    const c = byIndex(12);
    await page.locator(`tr[data-key="${c.id}"] input.pick`).click();
    assert.equal(await page.locator(`tr[data-key="${a.id}"]`).getAttribute("aria-selected"), "false");
    assert.equal(await page.locator(`tr[data-key="${b.id}"] .pick-mark`).textContent(), "A");
    assert.equal(await page.locator(`tr[data-key="${c.id}"] .pick-mark`).textContent(), "B");
    assert.equal(await focusedKey(page), c.id, "the box leaves focus on its row");

    // From the keyboard: Space toggles the current row's pick; Escape clears the picks.
    await page.keyboard.press("Space");
    assert.equal(await page.locator(`tr[data-key="${c.id}"]`).getAttribute("aria-selected"), "false");
    assert.equal(await page.locator("#details h2").textContent(), b.entry);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Space");
    assert.equal(await page.locator(".compare-table").count(), 1);
    assert.deepEqual((await savedState(page)).selected, [b.id, byIndex(13).id]);
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("#details").isHidden(), true);
    assert.equal(await page.locator('tbody tr[aria-selected="true"]').count(), 0);
  });

  it("exports the runs shown, in the order shown, as CSV that parses back and as JSON", async () => {
    const { page } = await openPage();
    await sendHistory(page);
    await rendered(page, () => page.selectOption("#status-filter", "problems"));
    await sortBy(page, "Kernel");
    await page.getByRole("button", { name: "CSV", exact: true }).click();
    await waitForPosted(page, "export", 1);
    const [csvMessage] = await posted(page, "export");
    assert.equal(csvMessage!.format, "csv");
    const exported = csvMessage!.rows as ProfilerRow[];
    const problems = rows.filter((r) => r.status !== "passed");
    assert.equal(exported.length, problems.length);
    assert.deepEqual(exported.slice(0, 10).map((r) => r.id), (await renderedIds(page)).slice(0, 10), "the rows shown, from the top");
    const entries = exported.map((r) => `${r.entry} ${r.file}`);
    assert.deepEqual(entries, [...entries].sort((x, y) => x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" })), "in the order shown");
    assert.deepEqual(new Set(exported.map((r) => r.id)), new Set(problems.map((r) => r.id)));

    // The host writes historyCsv(rows): read it back with an independent parser; every field survives the trip.
    const records = parseCsv(historyCsv(exported));
    assert.deepEqual(records[0], [...csvColumns]);
    assert.equal(records.length, exported.length + 1);
    const col = (name: (typeof csvColumns)[number]): number => csvColumns.indexOf(name);
    for (const [i, row] of exported.entries()) {
      const record = records[i + 1]!;
      assert.equal(record.length, csvColumns.length);
      assert.equal(record[col("entry")], row.entry);
      assert.equal(record[col("message")], row.message, "commas, quotes and line breaks survive");
      assert.equal(record[col("status")], row.status);
      assert.equal(record[col("median_ms")], row.timing ? String(row.timing.medianMs) : "");
    }
    const failedRecord = records.find((r) => r[col("status")] === "failed")!;
    assert.equal(failedRecord[col("message")], failureMessages.failed.split(";")[0]);
    const errorRecord = records.find((r) => r[col("status")] === "error")!;
    assert.equal(errorRecord[col("message")], failureMessages.error);

    await page.getByRole("button", { name: "JSON", exact: true }).click();
    await waitForPosted(page, "export", 2);
    const jsonMessage = (await posted(page, "export"))[1]!;
    assert.equal(jsonMessage.format, "json");
    const json = JSON.parse(historyJson(jsonMessage.rows as ProfilerRow[])) as Record<string, unknown>[];
    assert.deepEqual(json, exported.map(({ id: _id, ...rest }) => rest));
  });

  it("adds a run the host posts live, keeping sort, filter, picks and scroll", async () => {
    const { page } = await openPage();
    await sendHistory(page);
    await sortBy(page, "Median");
    await rendered(page, () => page.locator("#filter").fill("saxpy"));
    const saxpy = rows.filter((r) => r.entry === "saxpy" && r.timing).sort((x, y) => x.timing!.medianMs - y.timing!.medianMs);
    await page.locator(`tr[data-key="${saxpy[1]!.id}"]`).click();
    await page.locator(`tr[data-key="${saxpy[3]!.id}"]`).click({ modifiers: ["Meta"] });
    await page.locator(".compare-table").waitFor();
    const shownBefore = await rowCount(page);

    // A new saxpy run, faster than any: it goes first (the sort holds); another kernel's run stays hidden (the filter holds).
    const newRecord = historyRecords(301)[300]!;
    const fast: ProfilerRow = {
      ...rowFromRecord({ ...newRecord, file: "kernels/saxpy.wgsl", outcome: { ...newRecord.outcome, entry: "saxpy" } }, roofs),
    };
    const fastRow: ProfilerRow = { ...fast, timing: { ...fast.timing!, medianMs: 1e-4, minMs: 1e-4, maxMs: 2e-4 } };
    await rendered(page, () => send(page, { type: "append", run: fastRow }));
    assert.equal(await rowCount(page), shownBefore + 1);
    assert.equal((await renderedIds(page))[0], fastRow.id);
    assert.equal((await ariaSorts(page)).Median, "ascending");
    assert.equal(await page.locator("#filter").inputValue(), "saxpy");
    assert.equal(await page.locator(`tr[data-key="${saxpy[1]!.id}"] .pick-mark`).textContent(), "A");
    assert.equal(await page.locator(`tr[data-key="${saxpy[3]!.id}"] .pick-mark`).textContent(), "B");
    assert.equal(await page.locator(".compare-table").count(), 1);
    assert.equal(await focusedKey(page), saxpy[3]!.id, "focus stays on its row");
    assert.match((await page.getByRole("status").filter({ hasText: "Run recorded" }).textContent()) ?? "", /^Run recorded: saxpy, /);

    const other: ProfilerRow = { ...rowFromRecord(historyRecords(302)[301]!, roofs), id: "other-run" };
    await rendered(page, () => send(page, { type: "append", run: { ...other, entry: "reduce_sum" } }));
    assert.equal(await rowCount(page), shownBefore + 1, "a run the filter hides stays hidden");
    assert.match((await page.locator("#summary").textContent()) ?? "", /^\d+ of 302 runs shown/);
    // The same run posted twice (a watcher and a notification) is listed once.
    await send(page, { type: "append", run: fastRow });
    await send(page, { type: "append", run: { ...other, entry: "reduce_sum" } });
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve)));
    assert.match((await page.locator("#summary").textContent()) ?? "", /^\d+ of 302 runs shown/);

    // Scrolled down, an append above does not move the view.
    await rendered(page, () => page.locator("#filter").fill(""));
    await page.evaluate(() => {
      (document.querySelector(".grid-scroll") as HTMLElement).scrollTop = 2000;
    });
    await page.waitForFunction(() => (window as unknown as TestWindow).__kl.state && ((window as unknown as TestWindow).__kl.state as { scrollTop: number }).scrollTop === 2000);
    const third = { ...fastRow, id: "third-run", timing: { ...fastRow.timing!, medianMs: 5e-5 } };
    await rendered(page, () => send(page, { type: "append", run: third }));
    assert.equal(await page.locator(".grid-scroll").evaluate((e) => e.scrollTop), 2000);
    assert.deepEqual(await posted(page, "invalidMessage"), []);
  });

  it("ignores invalid messages, keeps its rows and reports each one", async () => {
    const { page, pageErrors } = await openPage();
    await sendHistory(page);
    const idsBefore = await renderedIds(page);
    const row = rows[0]!;
    // A history message around rows that are wrong on purpose (the types would refuse them).
    const bad = (...wrong: unknown[]): unknown => ({ ...historyMessage([]), rows: wrong });
    const invalid: unknown[] = [
      null,
      "history",
      42,
      [],
      { type: "history" },
      { type: "bogus" },
      { type: "toString" },
      bad({ ...row, id: "" }),
      bad({ ...row, status: "crashed" }),
      bad({ ...row, timing: { ...row.timing!, medianMs: -1 } }),
      bad({ ...row, gbps: "250" }),
      bad({ ...row, lets: [{ name: "N", value: "1024" }] }),
      { ...historyMessage([row]), roofs: [{ ...[...roofs.values()][0]!, dramGBps: 0 }] },
      { ...historyMessage([row]), truncated: "no" },
      { type: "append", run: { ...row, entry: 42 } },
      { type: "append" },
      { type: "empty", reason: null },
    ];
    for (const message of invalid) await send(page, message);
    // Built inside the page: NaN (structured clone keeps it), a 5-million-character message, 60,000 rows.
    await page.evaluate((r) => window.postMessage({ type: "append", run: { ...r, timing: { ...r.timing, medianMs: NaN } } }, "*"), row);
    await page.evaluate((r) => window.postMessage({ type: "append", run: { ...r, message: "x".repeat(5_000_000) } }, "*"), row);
    await page.evaluate((r) => window.postMessage({ type: "history", rows: new Array(60_000).fill(r), roofs: [], truncated: false }, "*"), row);
    const expected = invalid.length + 3;
    await waitForPosted(page, "invalidMessage", expected);

    const reports = (await posted(page, "invalidMessage")).map((m) => String(m.detail));
    assert.equal(reports.length, expected);
    assert.match(reports[0]!, /^message: expected an object, got null/);
    assert.match(reports[4]!, /^message\.rows: expected an array, got nothing/);
    assert.match(reports[6]!, /^message\.type: expected one of "surface", "history", "append", "empty", got "toString"/);
    assert.match(reports[7]!, /^message\.rows\[0\]\.id: expected at least 1 characters/);
    assert.match(reports[8]!, /^message\.rows\[0\]\.status: expected one of .*got "crashed"/);
    assert.match(reports[9]!, /^message\.rows\[0\]\.timing\.medianMs: -1 is below the minimum 0/);
    assert.match(reports[10]!, /^message\.rows\[0\]\.gbps: expected a number, got "250"/);
    assert.match(reports[11]!, /^message\.rows\[0\]\.lets\[0\]\.value: expected a number/);
    assert.match(reports[12]!, /^message\.roofs\[0\]\.dramGBps: 0 is below the minimum/);
    assert.match(reports[13]!, /^message\.truncated: expected true or false/);
    assert.match(reports[14]!, /^message\.run\.entry: expected a string, got 42/);
    assert.match(reports[15]!, /^message\.run: expected an object, got nothing/);
    assert.match(reports[16]!, /^message\.reason: expected a string, got null/);
    assert.match(reports[17]!, /^message\.run\.timing\.medianMs: expected a number, got the number NaN/);
    assert.match(reports[18]!, /^message\.run\.message: a string of 5000000 characters is longer than the limit of 4000/);
    assert.match(reports[19]!, /^message\.rows: an array of 60000 is longer than the limit of 50000/);
    for (const report of reports) assert.ok(report.length < 300, `a report stays short: ${report.slice(0, 80)}…`);

    assert.equal(await rowCount(page), 300, "the page still shows the last valid history");
    assert.deepEqual(await renderedIds(page), idsBefore);
    assert.deepEqual(await posted(page, "reveal"), []);
    assert.deepEqual(pageErrors, []);
  });

  it("shows the host's reason for an empty view, and the history when it comes", async () => {
    const { page } = await openPage();
    await send(page, { type: "empty", reason: "Open a folder to see the runs recorded in it." });
    await page.waitForFunction(() => document.getElementById("message")?.textContent === "Open a folder to see the runs recorded in it.");
    assert.equal(await page.locator("#grid-host").isHidden(), true);
    await sendHistory(page, []);
    assert.equal(await page.locator("td.empty-cell").textContent(), "No runs recorded yet: use the Run or Profile code lens above a compute entry point.");
    assert.equal(await page.locator("#summary").textContent(), "0 runs · roofs: NVIDIA RTX 4090 900 GB/s, 70,000 GFLOP/s; lavapipe 20 GB/s, 150 GFLOP/s");
    await send(page, { ...historyMessage(rows.slice(0, 5)), roofs: [] });
    await page.waitForFunction(() => document.querySelectorAll("tbody tr.data-row").length === 5);
    assert.match((await page.locator("#summary").textContent()) ?? "", /^5 runs · no calibrated roofs/);
  });

  it("runs under the strict CSP without violations or console errors, and shows names as text", async () => {
    const opened = await openWide();
    const { page } = opened;
    const hostile = '<img src=x onerror="window.__inlineRan = true">';
    const data = rows.map((r, i) => (i === 299 ? { ...r, entry: hostile, message: hostile } : r));
    await sendHistory(page, data);
    assert.equal(await page.locator("tbody tr.data-row .entry").first().textContent(), hostile, "the name shows as the characters it is made of");
    // Every interactive path: sort, filter, pick, compare, keys, export, theme change.
    await sortBy(page, "GB/s");
    await rendered(page, () => page.locator("#filter").fill("s"));
    await page.locator("tbody tr.data-row").first().click();
    await page.locator("tbody tr.data-row").nth(1).click({ modifiers: ["Control"] });
    await page.keyboard.press("End");
    await page.keyboard.press("Space");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "JSON", exact: true }).click();
    await rendered(page, () => page.locator("#filter").fill("img"));
    await page.locator("tbody tr.data-row").first().click();
    await applyTheme(page, "light");
    assert.equal(await page.locator("#details pre").textContent(), hostile);

    assert.equal(await page.locator("img").count(), 0);
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

  it("keeps sort, filter, picks, the current row and the scroll position across a reload", async () => {
    const first = await openWide();
    await sendHistory(first.page);
    await sortBy(first.page, "GFLOP/s");
    await sortBy(first.page, "GFLOP/s");
    await rendered(first.page, () => first.page.locator("#filter").fill("matmul"));
    await rendered(first.page, () => first.page.selectOption("#status-filter", "passed"));
    const ids = await renderedIds(first.page);
    await first.page.locator(`tr[data-key="${ids[3]}"]`).click();
    await first.page.locator(`tr[data-key="${ids[5]}"]`).click({ modifiers: ["Control"] });
    await first.page.evaluate(() => {
      (document.querySelector(".grid-scroll") as HTMLElement).scrollTop = 900;
    });
    await first.page.waitForFunction(() => ((window as unknown as TestWindow).__kl.state as { scrollTop: number }).scrollTop === 900);
    const saved = await savedState(first.page);
    // The clicks may have scrolled the wide grid sideways a little to reach the rows; that offset is saved too.
    const scrollLeft = await first.page.locator(".grid-scroll").evaluate((e) => e.scrollLeft);
    assert.deepEqual(saved, {
      version: 1,
      sort: { column: "gflops", direction: "descending" },
      filter: "matmul",
      status: "passed",
      selected: [ids[3], ids[5]],
      active: ids[5],
      scrollTop: 900,
      scrollLeft,
      columns: { order: ["kernel", "median", "predicted", "error", "status", "variant", "adapter", "roof", "gbps", "gflops", "spread", "started"], hidden: [], widths: {} },
    });
    assert.equal(JSON.stringify(saved).length < 1000, true, "the saved state holds the view, not the runs");

    // A fresh page, as VS Code makes when a hidden view is shown again: it gets only the saved state, then the history.
    const second = await openWide(saved);
    assert.deepEqual(await posted(second.page), [{ type: "ready" }]);
    assert.equal(await second.page.locator("#filter").inputValue(), "matmul");
    assert.equal(await second.page.locator("#status-filter").inputValue(), "passed");
    await sendHistory(second.page);
    assert.equal((await ariaSorts(second.page))["GFLOP/s"], "descending");
    assert.deepEqual(await second.page.locator(".grid-scroll").evaluate((e) => [e.scrollTop, e.scrollLeft]), [900, scrollLeft]);
    assert.equal(await second.page.locator(".compare-table").count(), 1);
    assert.equal(await second.page.locator(`tr[data-key="${ids[5]}"]`).count(), 0, "the current row is scrolled away");
    // Tab reaches the grid at its current row, which scrolls back into view.
    await second.page.locator("#columns-button").focus();
    await second.page.keyboard.press("Tab");
    assert.equal(await focusedKey(second.page), ids[5]);
    assert.equal(await second.page.locator(`tr[data-key="${ids[3]}"] .pick-mark`).textContent(), "A");

    // State from another version of the page (or garbage) is dropped, not trusted.
    const third = await openWide({ version: 99, sort: "nonsense" });
    await sendHistory(third.page);
    assert.equal((await ariaSorts(third.page)).Started, "descending");
    assert.deepEqual(third.pageErrors, []);
  });

  it("shows a compact row at side-bar width (300 px): kernel, median against predicted, status, nothing cut off", async () => {
    const { page } = await openPage(undefined, { width: 300, height: 640 });
    await sendHistory(page);
    assert.equal(await page.locator("#grid-host").getAttribute("data-layout"), "compact");
    assert.equal(await page.locator("body").evaluate((b) => b.classList.contains("compact")), true);
    // One cell per row, no sideways scrolling.
    assert.equal(await page.locator("tbody tr.data-row").first().locator("td").count(), 1);
    assert.deepEqual(await page.locator(".grid-scroll").evaluate((e) => [e.scrollWidth <= e.clientWidth, e.scrollLeft]), [true, 0]);

    const newest = byIndex(299);
    const row = page.locator(`tr[data-key="${newest.id}"]`);
    const t = newest.timing!;
    const p = newest.predicted!;
    assert.equal(await row.getByTestId("compact-kernel").innerText(), `${newest.entry} ${newest.defines.join(" ")} ${newest.lets.map((l) => `${l.name}=${l.value}`).join(" ")}`.trim());
    assert.equal(await row.getByTestId("compact-median").innerText(), formatMs(t.medianMs, "compact"));
    assert.equal(await row.getByTestId("compact-predicted").innerText(), `vs ≈${formatMs(p.ms!, "compact")}`);
    assert.equal(await row.getByTestId("compact-delta").innerText(), `model ${formatSignedPercent(p.errorPct!)}`);
    assert.equal(await row.getByTestId("compact-status").innerText(), newest.status);

    // Every rendered row's name, time, prediction and status lie inside the 300 px and are not cut by their boxes.
    // Clipped: the element's own content overflows it, or its box passes its line's box. (No named functions in
    // the page's code: the test runner's transform would wrap them in a helper the page does not have.)
    const boxes = await page.$$eval("tbody tr.data-row", (trs) =>
      trs.slice(0, 12).map((tr) =>
        Object.fromEntries([
          ["key", (tr as HTMLElement).dataset.key],
          ...["compact-kernel", "compact-median", "compact-predicted", "compact-status", "compact-detail"].map((id) => {
            const el = tr.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
            if (!el) return [id.slice(8), null];
            const r = el.getBoundingClientRect();
            const line = el.closest(".compact-line")!.getBoundingClientRect();
            return [id.slice(8), { left: r.left, right: r.right, clipped: el.scrollWidth > el.clientWidth + 1 || r.right > line.right + 0.5 }];
          }),
        ]) as Record<string, { left: number; right: number; clipped: boolean } | null> & { key: string },
      ),
    );
    assert.equal(boxes.length, 12);
    for (const b of boxes) {
      for (const [name, box] of Object.entries({ median: b.median, predicted: b.predicted, status: b.status })) {
        if (!box) continue;
        assert.ok(box.left >= 0 && box.right <= 300, `${name} of ${b.key} lies inside the view: ${box.left}–${box.right}`);
        assert.equal(box.clipped, false, `${name} of ${b.key} is not cut off`);
      }
      assert.ok(b.status, `row ${b.key} shows its status`);
      assert.ok(b.median || b.detail, `row ${b.key} shows its time or why it has none`);
    }
    // The entry point's name itself is never cut; a long variant after it may be.
    const entryCut = await page.$$eval("tbody tr.data-row .compact-kernel .entry", (els) => els.some((e) => e.getBoundingClientRect().right > e.closest(".compact-kernel")!.getBoundingClientRect().right + 0.5));
    assert.equal(entryCut, false);

    // The toolbar's Open in editor button fits too (as an icon with its name for screen readers).
    const open = (await page.getByTestId("open-in-editor").boundingBox())!;
    assert.ok(open.x >= 0 && open.x + open.width <= 300);
    assert.equal(await page.getByRole("button", { name: "Open in editor" }).count(), 1);

    // No room for headers: a picker sorts instead, in words.
    const picker = page.getByTestId("compact-sort");
    assert.equal(await picker.isVisible(), true);
    assert.equal(await picker.locator("option:checked").textContent(), "Newest first");
    await rendered(page, () => picker.selectOption({ label: "Fastest first" }));
    const fastest = rows.filter((r) => r.timing).sort((a, b) => a.timing!.medianMs - b.timing!.medianMs)[0]!;
    assert.equal((await renderedIds(page))[0], fastest.id);
    assert.deepEqual((await savedState(page)).sort, { column: "median", direction: "ascending" });
    await rendered(page, () => picker.selectOption({ label: "Newest first" }));

    // Selecting a row shows the rest: variant, adapter, min/max, rates, prediction, start time.
    await row.click();
    const facts = await page.$$eval("#details .facts dt", (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, (dt.nextElementSibling as HTMLElement).innerText])));
    assert.deepEqual(Object.keys(facts), ["Kernel", "Status", "Variant", "Adapter", "Median", "Achieved", "Roof", "Predicted", "Started"]);
    assert.match(facts.Median!, /GPU timestamps|wall clock/);
    assert.match(facts.Achieved!, /GB\/s · .*GFLOP\/s/);
    assert.equal(facts.Started, "2025-06-02 12:59 (run)");
  });

  it("shows a grid at 1200 px whose Kernel, Median, Predicted, Error and Status columns are all in view and not cut", async () => {
    const { page } = await openPage(undefined, { width: 1200, height: 640 });
    await sendHistory(page);
    assert.equal(await page.locator("#grid-host").getAttribute("data-layout"), "grid");
    assert.equal(await page.getByTestId("compact-sort").isVisible(), false, "headers sort here");
    const shown = await shownColumns(page);
    assert.deepEqual(shown.slice(0, 5), ["kernel", "median", "predicted", "error", "status"]);
    // Columns that do not fit give way from the end of the order; the page says which.
    assert.ok(shown.length < 12);
    const note = (await page.locator("#columns-note").textContent()) ?? "";
    assert.match(note, /^\d more columns? \(.*Started\): widen the view, or open it in an editor\.$/);
    assert.deepEqual(await page.locator(".grid-scroll").evaluate((e) => e.scrollWidth <= e.clientWidth), true, "no sideways scrolling in the side bar");

    const view = await page.$$eval("thead th[data-column], tbody tr.data-row td", (cells) => {
      const scroller = document.querySelector(".grid-scroll")!.getBoundingClientRect();
      return cells.map((c) => {
        const r = c.getBoundingClientRect();
        return { id: (c as HTMLElement).dataset.column ?? [...c.classList].find((k) => k.startsWith("col-"))!.slice(4), left: r.left, right: r.right, inside: r.left >= scroller.left - 0.5 && r.right <= scroller.right + 0.5 };
      });
    });
    for (const id of ["kernel", "median", "predicted", "error", "status"]) {
      const cells = view.filter((c) => c.id === id);
      assert.ok(cells.length > 10, `${id} has cells`);
      assert.ok(cells.every((c) => c.inside && c.right <= 1200), `every ${id} cell lies inside the grid's box`);
    }
    // Numbers are never cut: each median, predicted and error text fits its cell.
    const overflowing = await page.$$eval("tbody tr.data-row td.col-median, tbody tr.data-row td.col-predicted, tbody tr.data-row td.col-error, tbody tr.data-row td.col-status .status", (els) =>
      els.filter((e) => (e as HTMLElement).scrollWidth > (e as HTMLElement).clientWidth + 1 || e.getBoundingClientRect().right > e.closest("td")!.getBoundingClientRect().right + 0.5).length,
    );
    assert.equal(overflowing, 0);
    for (const label of ["Kernel", "Median", "Predicted", "Error", "Status"]) {
      const header = (await page.getByRole("button", { name: label, exact: true }).boundingBox())!;
      assert.ok(header.x >= 0 && header.x + header.width <= 1200, `header ${label} is in view`);
    }
  });

  it("resizes columns by dragging or with the keys, hides and orders them from the column menu, and saves it", async () => {
    const { page } = await openPage(undefined, { width: 1200, height: 640 });
    await sendHistory(page);
    const width = (id: string): Promise<number> => page.locator(`thead th[data-column="${id}"]`).evaluate((th) => th.getBoundingClientRect().width);
    const state = async (): Promise<{ order: string[]; hidden: string[]; widths: Record<string, number> }> =>
      (await savedState(page)).columns as { order: string[]; hidden: string[]; widths: Record<string, number> };

    // Drag Median's right edge 60 px to the right.
    const before = await width("median");
    const handle = (await page.getByTestId("resize-median").boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 30, handle.y + handle.height / 2);
    await page.mouse.move(handle.x + handle.width / 2 + 60, handle.y + handle.height / 2);
    await page.mouse.up();
    await page.waitForFunction(() => ((window as unknown as TestWindow).__kl.state as { columns?: { widths: Record<string, number> } }).columns?.widths.median !== undefined);
    assert.ok(Math.abs((await width("median")) - (before + 60)) <= 1, `Median is 60 px wider: ${before} -> ${await width("median")}`);
    assert.equal((await state()).widths.median, Math.round(before + 60));
    assert.equal((await ariaSorts(page)).Median, null, "the drag did not sort");
    // The keyboard: the handle is a focusable separator; Left narrows by 16 px.
    const separator = page.getByRole("separator", { name: "Resize Median column" });
    await separator.focus();
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction((w) => ((window as unknown as TestWindow).__kl.state as { columns: { widths: Record<string, number> } }).columns.widths.median === w, Math.round(before + 44));
    assert.equal(await page.getByRole("separator", { name: "Resize Median column" }).getAttribute("aria-valuenow"), String(Math.round(before + 44)));

    // The column menu, from the keyboard: Enter opens it, focus goes in, Escape closes it and gives focus back.
    await page.getByTestId("columns-button").focus();
    await page.keyboard.press("Enter");
    const menu = page.getByRole("dialog", { name: "Columns" });
    await menu.waitFor();
    assert.equal(await page.getByTestId("columns-button").getAttribute("aria-expanded"), "true");
    assert.equal(await menu.locator("li").evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.column).join(" ")), "kernel median predicted error status variant adapter roof gbps gflops spread started");
    assert.equal(await menu.getByRole("checkbox", { name: /^Kernel/ }).isDisabled(), true, "Kernel always shows");
    // Hide Error with Space on its checkbox.
    await menu.getByRole("checkbox", { name: /^Error/ }).focus();
    await page.keyboard.press("Space");
    await page.waitForFunction(() => !document.querySelector('thead th[data-column="error"]'));
    assert.deepEqual((await state()).hidden, ["error"]);
    // Started moves to the front (after Kernel) with Alt+Up on its checkbox, and so shows at once in the side bar.
    assert.equal((await shownColumns(page)).includes("started"), false);
    await menu.getByRole("checkbox", { name: /^Started/ }).focus();
    for (let i = 0; i < 11; i++) await page.keyboard.press("Alt+ArrowUp");
    assert.deepEqual((await state()).order.slice(0, 3), ["kernel", "started", "median"]);
    assert.deepEqual((await shownColumns(page)).slice(0, 3), ["kernel", "started", "median"]);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).closest("li")?.dataset.column), "started", "focus follows the column");
    // The Move down button moves it back one place.
    await menu.getByRole("button", { name: "Move Started down" }).click();
    assert.deepEqual((await state()).order.slice(0, 3), ["kernel", "median", "started"]);
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "hidden" });
    assert.equal(await page.evaluate(() => document.activeElement?.id), "columns-button");

    // Narrower, the last columns give way first: at 700 px Kernel, Median, Started and Predicted stay.
    await page.setViewportSize({ width: 700, height: 640 });
    await page.waitForFunction(() => !document.querySelector('thead th[data-column="adapter"]'));
    const narrow = await shownColumns(page);
    assert.deepEqual(narrow.slice(0, 4), ["kernel", "median", "started", "predicted"]);
    assert.equal(narrow.includes("error"), false, "a hidden column stays hidden");

    // All of it survives a reload; Reset columns goes back to the defaults.
    const saved = await savedState(page);
    const second = await openPage(saved, { width: 1200, height: 640 });
    await sendHistory(second.page);
    assert.deepEqual((await shownColumns(second.page)).slice(0, 4), ["kernel", "median", "started", "predicted"]);
    assert.ok(Math.abs((await second.page.locator('thead th[data-column="median"]').evaluate((th) => th.getBoundingClientRect().width)) - (before + 44)) <= 1);
    await second.page.getByTestId("columns-button").click();
    await second.page.getByRole("button", { name: "Reset columns" }).click();
    assert.deepEqual((await shownColumns(second.page)).slice(0, 5), ["kernel", "median", "predicted", "error", "status"]);
  });

  it("gives a timed-out, a cancelled and a failed run a readable row, at both widths, with no blank or NaN cell", async () => {
    const base = historyRecords(1)[0]!;
    const record = (entry: string, outcome: Partial<HistoryRecord["outcome"]>, minute: number): HistoryRecord => ({
      ...base,
      mode: "run",
      file: `kernels/${entry}.wgsl`,
      outcome: { ...base.outcome, entry, timing: undefined, achieved: undefined, predicted: undefined, checks: [], startedAt: `2025-06-03T09:0${minute}:00.000Z`, ...outcome },
    });
    // As the helper writes them: a located timeout (server/src/gpu/deadline.ts), a cancel, a compile error.
    const spin = rowFromRecord(
      record("spin", { status: "timeout", adapter: lavapipe, error: { kind: "timeout", message: "timed out after 3000 ms: warm-up run 1 of 7 did not finish within its deadline", deadline: { deadlineMs: 3000, phase: "dispatch", run: 1, runs: 7, warmup: true } } }, 3),
      roofs,
    );
    const cancelled = rowFromRecord(record("saxpy", { status: "error", adapter: lavapipe, error: { kind: "cancelled", message: "cancelled" } }, 2), roofs);
    assert.equal(spin.deadlineMs, 3000);
    assert.equal(spin.message, "timed out after 3,000 ms: warm-up run 1 of 7 did not finish within its deadline");
    assert.equal(cancelled.cancelled, true);
    const data = [...rows.slice(0, 40), cancelled, spin];

    const narrow = await openPage(undefined, { width: 300, height: 640 });
    await sendHistory(narrow.page, data);
    const spinRow = narrow.page.locator(`tr[data-key="${spin.id}"]`);
    assert.equal(await spinRow.getByTestId("compact-status").innerText(), "timed out");
    assert.equal(await spinRow.getByTestId("compact-detail").innerText(), "timed out after 3 s: warm-up run 1 of 7 did not finish within its deadline");
    assert.equal(await spinRow.getAttribute("aria-label"), "spin in kernels/spin.wgsl, timed out after 3 s: warm-up run 1 of 7 did not finish within its deadline, on lavapipe, a software adapter, started 2025-06-03 09:03");
    const cancelledRow = narrow.page.locator(`tr[data-key="${cancelled.id}"]`);
    assert.equal(await cancelledRow.getByTestId("compact-status").innerText(), "cancelled");
    assert.equal(await cancelledRow.getByTestId("compact-detail").innerText(), "cancelled before it finished");
    // The details say why there are no numbers, in words, instead of a column of dashes.
    await spinRow.click();
    const facts = await narrow.page.$$eval("#details .facts dt", (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, (dt.nextElementSibling as HTMLElement).innerText])));
    assert.deepEqual(facts, {
      Kernel: "kernels/spin.wgsl:spin",
      Status: "timed out",
      Variant: "none (no defines or let values)",
      Adapter: "lavapipe (vulkan, software: a CPU's timings)",
      Median: "none: the run timed out",
      Started: "2025-06-03 09:03 (run)",
    });
    assert.equal(await narrow.page.locator("#details .run-sentence").textContent(), "timed out after 3 s: warm-up run 1 of 7 did not finish within its deadline");
    const compactTexts = await narrow.page.$$eval("tbody tr.data-row td", (tds) => tds.map((td) => (td as HTMLElement).innerText.trim()));
    assert.ok(compactTexts.every((text) => text !== "" && !/NaN|undefined|null/.test(text)), "no blank or NaN compact row");

    const wide = await openWide(undefined, { width: 1200, height: 640 });
    await sendHistory(wide.page, data);
    const cells = await showRow(wide.page, spin.id);
    assert.equal(cells.status, "timed out after 3 s: warm-up run 1 of 7 did not finish within its deadline");
    assert.equal(cells.adapter, "lavapipe software");
    assert.equal((await showRow(wide.page, cancelled.id)).status, "cancelled before it finished");
    const texts = await wide.page.$$eval("tbody tr.data-row td:not(.col-pick)", (tds) => tds.map((td) => (td as HTMLElement).innerText.trim()));
    assert.ok(texts.length > 100);
    assert.ok(texts.every((text) => text !== "" && !/NaN|undefined|null|Infinity/.test(text)), "every cell shows a value or a dash");
  });

  it("opens the whole table in an editor tab with one click, where every column shows and Kernel stays in view", async () => {
    const { page } = await openPage(undefined, { width: 300, height: 640 });
    await sendHistory(page);
    await page.getByTestId("open-in-editor").click();
    await waitForPosted(page, "openInEditor", 1);
    assert.deepEqual(await posted(page, "openInEditor"), [{ type: "openInEditor" }]);

    // The editor tab's page: told where it is, it offers no button to open itself, and shows all twelve columns.
    const wide = await openWide(undefined, { width: 1000, height: 640 });
    await sendHistory(wide.page);
    assert.equal(await wide.page.getByTestId("open-in-editor").isHidden(), true);
    assert.equal((await shownColumns(wide.page)).length, 12);
    assert.equal(await wide.page.locator("#columns-note").isHidden(), true);
    assert.equal(await wide.page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(31, 31, 31)", "the editor's background, not the side bar's");
    // Too wide for 1000 px: it scrolls sideways, and Kernel stays put.
    const scroller = wide.page.locator(".grid-scroll");
    assert.ok(await scroller.evaluate((e) => e.scrollWidth > e.clientWidth + 200));
    const kernelBefore = (await wide.page.locator("tbody tr.data-row td.col-kernel").first().boundingBox())!;
    await scroller.evaluate((e) => {
      e.scrollLeft = e.scrollWidth;
    });
    await wide.page.waitForFunction(() => (document.querySelector(".grid-scroll") as HTMLElement).scrollLeft > 400);
    const kernelAfter = (await wide.page.locator("tbody tr.data-row td.col-kernel").first().boundingBox())!;
    assert.equal(kernelAfter.x, kernelBefore.x);
    const started = (await wide.page.locator("tbody tr.data-row td.col-started").first().boundingBox())!;
    assert.ok(started.x + started.width <= 1000, "the last column scrolls into view");
  });

  it("reads well at 300 and 1200 px in light and dark themes, and in high contrast (screenshots)", async () => {
    const dir = testOutputDir("webview");
    mkdirSync(dir, { recursive: true });
    // The fixture's newest runs, then a timed-out run, picked, so the shots show a detail block with its sentence.
    const timedOut = { ...byIndex(40), startedAt: "2025-06-03T09:00:00.000Z" };
    const data = [...rows.filter((r) => r.id !== timedOut.id), timedOut];
    for (const width of [300, 1200]) {
      const { page, consoleErrors } = await openPage(undefined, { width, height: 620 });
      await sendHistory(page, data);
      await page.locator(`tr[data-key="${timedOut.id}"]`).click();
      await page.locator("#details").waitFor();
      await page.mouse.move(width - 5, 615);
      for (const kind of Object.keys(themes) as ThemeKind[]) {
        await applyTheme(page, kind);
        const path = join(dir, `profiler-${width}-${kind}.png`);
        await page.screenshot({ path });
        assert.ok(statSync(path).size > 15_000, `${path} has content`);
      }
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(0, 0, 0)");
      await applyTheme(page, "dark");
      // The view's background is the side bar's, not the editor's.
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(24, 24, 24)");
      assert.deepEqual(consoleErrors, []);
    }
  });
});

describe("Profiler page stylesheet", () => {
  it("uses only VS Code theme variables for colours", () => {
    const file = "webview/src/profiler/profiler.css";
    const css = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    assert.doesNotMatch(css, /#[0-9a-f]{3,8}\b/i, `${file} has a hex colour`);
    assert.doesNotMatch(css, /\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/i, `${file} has a colour function`);
    assert.doesNotMatch(css, /:\s*(white|black|red|green|blue|gray|grey|yellow|orange)\b/i, `${file} has a named colour`);
  });
});
