// Tests the Profiler view page in real headless Chromium under the panels' strict CSP: rows, sort, filter, reveal, compare, export, live runs, state, themes.
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

async function openPage(saved?: unknown, viewport = { width: 1000, height: 640 }): Promise<OpenedPage> {
  const o = await openWebviewPage(browser, origin, "profiler.html", { saved, viewport, timezoneId: "UTC", prepare: (page) => applyTheme(page, "dark") });
  contexts.push(o.context);
  return o;
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
async function showRow(page: Page, id: string): Promise<string[]> {
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
  return row.locator("td").evaluateAll((tds) => tds.map((td) => (td as HTMLElement).innerText.replace(/\s+/g, " ").trim()));
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
    const { page } = await openPage();
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
    assert.deepEqual(cells, [
      "",
      "matmul_naive kernels/matmul.wgsl",
      "—",
      "lavapipe software",
      formatMs(t.medianMs, "compact"),
      `${formatNumber(t.minMs * (t.medianMs < 1 ? 1000 : 1))}–${formatNumber(t.maxMs * (t.medianMs < 1 ? 1000 : 1))} ${t.medianMs < 1 ? "µs" : "ms"} wall`,
      formatNumber(soft.gbps!),
      formatNumber(soft.gflops!),
      `${formatNumber(pct)}% ${memory >= compute ? "DRAM" : "FMA"}`,
      formatMs(soft.predicted!.ms!, "compact"),
      formatSignedPercent(soft.predicted!.errorPct!),
      "2025-06-02 08:02",
      "✓passed",
    ]);
    assert.equal(await page.locator(`tr[data-key="${soft.id}"] .tag-software`).textContent(), "software");

    // Record 16: softmax_rows on the RTX, a failed check whose message has commas and quotes; TILE=32, USE_F16, N=2048.
    const failed = await showRow(page, byIndex(16).id);
    assert.equal(failed[2], "TILE=32 USE_F16 N=2048");
    assert.equal(failed[3], "NVIDIA RTX 4090");
    assert.match(failed[5]!, / timestamp$/);
    assert.equal(failed[12], "✗failed out: 3 of 1,048,576 differ, first at [17] (got 1.5, want 1.25)");
    // Record 28: a compile error (no timing, no rates); the cell shows its first line, the tooltip all of it.
    const error = await showRow(page, byIndex(28).id);
    assert.deepEqual(error.slice(4, 11), ["—", "—", "—", "—", "—", "—", "—"]);
    assert.equal(error[12], '✗error compile error at line 12:9: unresolved value "tile_sz"');
    assert.equal(await page.locator(`tr[data-key="${byIndex(28).id}"] .status-cell`).getAttribute("title"), byIndex(28).message);
    // Record 40: a timeout before an adapter was known.
    const timeout = await showRow(page, byIndex(40).id);
    assert.equal(timeout[3], "—");
    assert.equal(timeout[12], "✗timeout timed out after 10,000 ms");
    assert.equal(
      await page.locator(`tr[data-key="${byIndex(40).id}"]`).getAttribute("aria-label"),
      "softmax_rows in kernels/softmax.wgsl, timeout: timed out after 10,000 ms, variant TILE=32 USE_F16 N=2048, started 2025-06-02 08:40",
    );
    assert.equal(await page.locator(`tr[data-key="${byIndex(40).id}"]`).getAttribute("aria-rowindex"), "42");
  });

  it("sorts by a column header, sets aria-sort, puts unknown values last and keeps ties in record order", async () => {
    const { page } = await openPage();
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
    const { page } = await openPage();
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
    assert.match(reports[6]!, /^message\.type: expected one of "history", "append", "empty", got "toString"/);
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
    const opened = await openPage();
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
    const first = await openPage();
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
    });
    assert.equal(JSON.stringify(saved).length < 1000, true, "the saved state holds the view, not the runs");

    // A fresh page, as VS Code makes when a hidden view is shown again: it gets only the saved state, then the history.
    const second = await openPage(saved);
    assert.deepEqual(await posted(second.page), [{ type: "ready" }]);
    assert.equal(await second.page.locator("#filter").inputValue(), "matmul");
    assert.equal(await second.page.locator("#status-filter").inputValue(), "passed");
    await sendHistory(second.page);
    assert.equal((await ariaSorts(second.page))["GFLOP/s"], "descending");
    assert.deepEqual(await second.page.locator(".grid-scroll").evaluate((e) => [e.scrollTop, e.scrollLeft]), [900, scrollLeft]);
    assert.equal(await second.page.locator(".compare-table").count(), 1);
    assert.equal(await second.page.locator(`tr[data-key="${ids[5]}"]`).count(), 0, "the current row is scrolled away");
    // Tab reaches the grid at its current row, which scrolls back into view.
    await second.page.locator("#export-json").focus();
    await second.page.keyboard.press("Tab");
    assert.equal(await focusedKey(second.page), ids[5]);
    assert.equal(await second.page.locator(`tr[data-key="${ids[3]}"] .pick-mark`).textContent(), "A");

    // State from another version of the page (or garbage) is dropped, not trusted.
    const third = await openPage({ version: 99, sort: "nonsense" });
    await sendHistory(third.page);
    assert.equal((await ariaSorts(third.page)).Started, "descending");
    assert.deepEqual(third.pageErrors, []);
  });

  it("reads well in light, dark and high contrast themes (screenshots)", async () => {
    const dir = testOutputDir("webview");
    mkdirSync(dir, { recursive: true });
    const { page, consoleErrors } = await openPage(undefined, { width: 1180, height: 620 });
    await sendHistory(page);
    await sortBy(page, "Started");
    await page.evaluate(() => {
      (document.querySelector(".grid-scroll") as HTMLElement).scrollTop = 22 * 10;
    });
    // Two runs compared: saxpy plain and saxpy TILE=16 (records 12 and 18, both on the RTX), the second focused.
    await page.locator(`tr[data-key="${byIndex(12).id}"]`).click();
    await page.locator(`tr[data-key="${byIndex(18).id}"]`).click({ modifiers: ["Control"] });
    await page.locator(".compare-table").waitFor();
    // The clicks scrolled the wide grid sideways to their rows' centres; a person would see it from the left.
    await page.locator(".grid-scroll").evaluate((e) => {
      e.scrollLeft = 0;
    });
    await page.mouse.move(5, 610);
    for (const kind of Object.keys(themes) as ThemeKind[]) {
      await applyTheme(page, kind);
      const path = join(dir, `profiler-${kind}.png`);
      await page.screenshot({ path });
      assert.ok(statSync(path).size > 20_000, `${path} has content`);
    }
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(0, 0, 0)");
    // The view's background is the side bar's, not the editor's.
    await applyTheme(page, "dark");
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(24, 24, 24)");
    // Narrow, as the side bar is by default: the toolbar wraps, the grid scrolls sideways with the kernel kept in view.
    await page.setViewportSize({ width: 360, height: 620 });
    await page.locator(".grid-scroll").evaluate((e) => {
      e.scrollLeft = 400;
    });
    const kernelCell = await page.locator(`tr[data-key="${byIndex(18).id}"] td.col-kernel`).boundingBox();
    assert.ok(kernelCell && kernelCell.x < 60, `the kernel column stays in view: x ${kernelCell?.x}`);
    await page.screenshot({ path: join(dir, "profiler-narrow-dark.png") });
    assert.deepEqual(consoleErrors, []);
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
