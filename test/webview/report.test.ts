// Tests `kernellens report` end to end: the real CLI writes the HTML, headless Chromium opens it from file:// with the network cut off.
//
// What is checked is what a reader of the file sees: the header, the roofline's canvas where the kernel's points
// should be (positions from the Roofline page's own geometry), the axis titles and roof labels, the analysis table's
// numbers, the findings with their lines, the latest run. And what the page must never do: load anything, trip its
// CSP, or log an error. Every wait is on the page's own "rendered" mark, never on time.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, afterEach, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { measuredDeviceId } from "../../server/src/core/run/measuredDeviceId";
import type { CalibrationProfile } from "../../server/src/gpu/types";
import type { RunOutcome } from "../../server/src/run/api";
import { appendRun } from "../../server/src/run/history";
import type { ReportData } from "../../webview/src/report/protocol";
import { chartPoints, defaultExtent, type Extent } from "../../webview/src/roofline/geometry";
import { launchChromium, testOutputDir } from "../support/chromium";
import { findRepoRoot } from "../support/repoRoot";

const root = findRepoRoot(__dirname);
const bin = join(root, "bin", "kernellens.js");
const example = join(root, "examples", "matmul-tiled.wgsl");
const exampleText = readFileSync(example, "utf8");

let browser: Browser;
let scratch: string;
/** An empty profile folder: the machine's own calibration must not leak into what the tests expect. */
let noProfiles: string;
const contexts: BrowserContext[] = [];

function cli(args: readonly string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, KERNELLENS_PROFILE_DIR: noProfiles, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The data block the CLI embedded, read back the way the page reads it. */
function embedded(html: string): ReportData {
  const m = /<script type="application\/json" id="kernellens-report-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, "the report has its data block");
  return JSON.parse(m[1]!) as ReportData;
}

interface OpenReport {
  page: Page;
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

/** Opens the file with every request that is not the file itself recorded and refused. */
async function openReport(path: string, colorScheme: "light" | "dark" = "light"): Promise<OpenReport> {
  const url = pathToFileURL(path).href;
  const context = await browser.newContext({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1, colorScheme });
  contexts.push(context);
  const opened: OpenReport = { page: undefined as unknown as Page, requests: [], consoleErrors: [], pageErrors: [] };
  await context.route("**", async (route) => {
    if (route.request().url() === url) await route.continue();
    else {
      opened.requests.push(route.request().url());
      await route.abort();
    }
  });
  // Requests the router does not see (Chromium may not route file: or data: loads) are recorded here all the same.
  context.on("request", (request) => {
    if (request.url() !== url) opened.requests.push(request.url());
  });
  await context.addInitScript({
    content: `window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));`,
  });
  const page = await context.newPage();
  opened.page = page;
  page.on("console", (m) => {
    if (m.type() === "error") opened.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => opened.pageErrors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.rendered !== undefined);
  return opened;
}

/** Nothing loaded, nothing blocked, nothing logged: what every report must satisfy. */
async function assertClean(opened: OpenReport): Promise<void> {
  const violations = await opened.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.deepEqual(violations, [], "no CSP violations");
  assert.deepEqual(opened.requests, [], "no network requests");
  assert.deepEqual(opened.consoleErrors, [], "no console errors");
  assert.deepEqual(opened.pageErrors, [], "no page errors");
  assert.equal(await opened.page.evaluate(() => document.body.dataset.rendered), "ok");
}

function extentOf(data: ReportData): Extent {
  const r = data.roofline;
  return defaultExtent(chartPoints(r.kernels), [r.device.ceilings, ...(r.measuredCeilings ? [r.measuredCeilings] : [])]);
}

/** Where a data point is on the page: the plot area's box and the log scales, as uPlot's valToPos computes it. */
async function screenPosition(page: Page, extent: Extent, ai: number, gflops: number): Promise<{ x: number; y: number }> {
  const box = await page.locator(".chart .u-over").boundingBox();
  assert.ok(box, "the plot area is on screen");
  const frac = (v: number, [lo, hi]: [number, number]): number => (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  return { x: box.x + frac(ai, extent.x) * box.width, y: box.y + (1 - frac(gflops, extent.y)) * box.height };
}

/** RGBA of the chart's canvas at page positions (transparent where nothing is drawn). */
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

/** Drawn pixels in the axis bands of the canvas: under the plot area (x ticks) and left of it (y ticks). */
async function axisInk(page: Page): Promise<{ x: number; y: number }> {
  // No named helper functions inside: the test runner's transform would wrap them in a helper the page lacks.
  const [x, y] = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>(".chart canvas")!;
    const over = document.querySelector<HTMLElement>(".chart .u-over")!.getBoundingClientRect();
    const rect = canvas.getBoundingClientRect();
    const ctx = canvas.getContext("2d")!;
    const left = Math.round(over.left - rect.left);
    const top = Math.round(over.top - rect.top);
    const below = top + Math.round(over.height) + 6;
    const bands = [
      [left, below, Math.round(over.width), canvas.height - below],
      [0, top, left - 6, Math.round(over.height)],
    ];
    return bands.map(([bx, by, bw, bh]) => {
      if (bw! <= 0 || bh! <= 0) return 0;
      const data = ctx.getImageData(bx!, by!, bw!, bh!).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
  });
  return { x: x!, y: y! };
}

async function cssVariable(page: Page, name: string): Promise<number[]> {
  const value = await page.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);
  return [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16));
}

const near = (pixel: readonly number[], rgb: readonly number[], tolerance = 40): boolean => pixel[3]! > 100 && rgb.every((v, i) => Math.abs(v - pixel[i]!) <= tolerance);

async function rowTexts(page: Page, host: string): Promise<string[][]> {
  return page.locator(`${host} tbody tr.data-row`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => (c.textContent ?? "").trim())));
}

async function headerTexts(page: Page, host: string): Promise<string[]> {
  return (await page.locator(`${host} thead th`).allTextContents()).map((t) => t.trim());
}

/** A run of matmul_tiled as `kernellens run` records it: 1 ms median, so the achieved rates are easy to check by hand. */
function matmulRun(): RunOutcome {
  return {
    entry: "matmul_tiled",
    status: "passed",
    adapter: {
      vendor: "testvendor",
      architecture: "testarch",
      device: "",
      description: "Test GPU 9000",
      backend: "vulkan",
      software: false,
      features: [],
      limits: {},
      timestampQuery: true,
      key: "test/gpu-9000",
    },
    timing: { method: "timestamp", samplesMs: [0.95, 1, 1, 1.1, 1.2], medianMs: 1, minMs: 0.95, maxMs: 1.2 },
    checks: [
      {
        output: "c",
        reference: "js:./ref/matmul.mjs",
        passed: true,
        elements: 262144,
        maxAbsError: 1e-6,
        relL2Error: 1e-7,
        mismatches: 0,
        firstMismatches: [],
        nan: 0,
        inf: 0,
        unwritten: 0,
        rtol: 1e-4,
        atol: 1e-4,
        message: "c: 262,144 elements within rtol 1e-4",
      },
    ],
    // The model's counts over the median: 268,435,456 FLOPs and 3,145,728 DRAM bytes in 1 ms.
    achieved: { gflops: 268.435456, gbps: 3.145728 },
    predicted: { ms: 0.8, deviceId: "measured-test-gpu-9000", errorPct: -20 },
    variant: { defines: [], lets: {} },
    startedAt: "2025-03-04T05:06:07.000Z",
    durationMs: 40,
  };
}

function profile(): CalibrationProfile {
  return {
    adapter: matmulRun().adapter!,
    measuredAt: "2025-03-01T12:00:00.000Z",
    copyBandwidthScalar: 400e9,
    copyBandwidthVec4: 450e9,
    copyBufferToBuffer: 420e9,
    fmaF32: 20e12,
    workgroupBandwidth: 2e12,
    dispatchOverheadMs: 0.01,
    timing: "timestamp",
  };
}

describe("kernellens report: the self-contained HTML page in Chromium", () => {
  before(async () => {
    const built = spawnSync(process.execPath, ["build.mjs"], { cwd: root, encoding: "utf8" });
    assert.equal(built.status, 0, `node build.mjs failed:\n${built.stdout}${built.stderr}`);
    scratch = mkdtempSync(join(tmpdir(), "kernellens-report-"));
    noProfiles = join(scratch, "no-profiles");
    mkdirSync(noProfiles);
    mkdirSync(testOutputDir("webview"), { recursive: true });
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await browser?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("draws matmul-tiled's roofline, analysis and empty sections offline, under its CSP, without errors", async () => {
    // The example copied to a folder of its own: the repository's own run history (if any) must not change the page.
    const cwd = join(scratch, "plain");
    mkdirSync(join(cwd, "examples"), { recursive: true });
    copyFileSync(example, join(cwd, "examples", "matmul-tiled.wgsl"));
    const out = join(scratch, "out", "report.html");
    const r = cli(["report", "examples/matmul-tiled.wgsl", "-o", out], cwd);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*report\.html \(\d+ KiB\): 1 kernel, 0 findings/);
    const html = readFileSync(out, "utf8");
    const data = embedded(html);
    // The CSP allows exactly one script and one style, by hash, and nothing from anywhere.
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replaceAll("&#39;", "'") ?? "";
    assert.match(csp, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:/);
    assert.doesNotMatch(csp, /unsafe|nonce|https?:|\*/);
    assert.doesNotMatch(html, /<(link|img|iframe)\b|\bsrc=|sourceMappingURL/, "nothing refers to another file");

    const opened = await openReport(out);
    const { page } = opened;
    await assertClean(opened);

    assert.equal(await page.locator("#title").textContent(), "KernelLens report: matmul-tiled.wgsl");
    const facts = (await page.locator("#facts").innerText()).replace(/\s+/g, " ");
    assert.match(facts, /File examples\/matmul-tiled\.wgsl/);
    assert.match(facts, /Device NVIDIA GeForce RTX 4090 \(nvidia-rtx-4090, datasheet figures\)/);
    assert.match(facts, /Date \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.match(facts, /Adapter none recorded/);

    // The chart: one predicted point, the axis titles, uPlot's tick labels, the device's roofs.
    assert.equal(await page.locator("#figure").getAttribute("data-predicted-points"), "1");
    assert.equal(await page.locator("#figure").getAttribute("data-measured-points"), "0");
    assert.equal(await page.locator(".axis-title-x").textContent(), "Arithmetic intensity (FLOP/byte)");
    assert.equal(await page.locator(".axis-title-y").textContent(), "GFLOP/s");
    // uPlot draws the tick labels on the canvas, in the two axis bands outside the plot area: both must have ink.
    const ink = await axisInk(page);
    assert.ok(ink.x > 50 && ink.y > 50, `both axes have tick labels drawn: ${JSON.stringify(ink)}`);
    const roofs = await page.locator(".roof-label").allTextContents();
    assert.ok(roofs.some((l) => /TFLOP\/s$/.test(l)) && roofs.some((l) => /^DRAM 1\.01 TB\/s$/.test(l)), `roof labels: ${JSON.stringify(roofs)}`);
    assert.equal(data.roofline.language, "wgsl");
    assert.ok(roofs.some((l) => /^workgroup memory [\d.]+ TB\/s$/.test(l)), `a WGSL file's on-chip roof is workgroup memory: ${JSON.stringify(roofs)}`);
    const legend = (await page.locator("#legend").innerText()).replace(/\s+/g, " ");
    assert.match(legend, /predicted \(1\).*measured \(0\).*datasheet roofs: NVIDIA GeForce RTX 4090/);

    // The kernel's point is on the canvas: the predicted point's ring, in the predicted colour, and an empty centre.
    const kernel = data.roofline.kernels[0]!;
    assert.equal(kernel.name, "matmul_tiled");
    const at = await screenPosition(page, extentOf(data), kernel.predicted!.ai, kernel.predicted!.gflops);
    const [centre, ring] = await canvasPixels(page, [at, { x: at.x + 3.5, y: at.y }]);
    const blue = await cssVariable(page, "--vscode-charts-blue");
    assert.equal(centre![3], 0, "nothing is drawn inside a predicted point");
    assert.ok(near(ring!, blue), `the ring is the predicted colour ${blue}: ${ring}`);

    // The analysis table: exact FLOPs (2 x 512^3), the bytes, occupancy, the bound (its 16 x 16 tiles read from workgroup memory 16 times per global load) and the predicted time.
    assert.deepEqual(await headerTexts(page, "#analysis"), ["Kernel", "Line", "FLOPs", "Bytes, compulsory", "Bytes, DRAM", "AI (FLOP/byte)", "Occupancy", "Limited by", "Bound", "Predicted time"]);
    const rows = await rowTexts(page, "#analysis");
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0], ["matmul_tiled", "48", "268,435,456", "3.15 MB", "3.15 MB", "85.3", "100 %", "warps (est.)", "workgroup-memory-bound", "54.3 µs"]);
    assert.equal(await page.locator("#analysis tbody tr.data-row td").nth(2).locator("span[title]").count(), 0);
    assert.equal(await page.locator("#analysis tbody tr.data-row td").nth(3).locator("span").getAttribute("title"), "3,145,728 bytes");

    assert.match(await page.locator("#findings").innerText(), /^No findings/);
    assert.match(await page.locator("#runs-note").innerText(), /^No runs of this file are recorded/);

    await page.screenshot({ path: testOutputDir("webview", "report.png"), fullPage: true });

    // A click on the point takes the reader to the kernel's row of the analysis table.
    await page.mouse.click(at.x, at.y);
    assert.equal(await page.evaluate(() => document.activeElement?.closest("#analysis tr.data-row")?.textContent?.includes("matmul_tiled") ?? false), true);
  });

  it("shows the latest run of the kernel, its measured point and the calibrated roofs; follows a dark system theme", async () => {
    const cwd = join(scratch, "with-history");
    const profiles = join(scratch, "profiles");
    mkdirSync(cwd, { recursive: true });
    mkdirSync(profiles, { recursive: true });
    writeFileSync(join(profiles, "test_gpu-9000.json"), JSON.stringify(profile()));
    // An older failed run first: the report shows the newest one only.
    appendRun(cwd, { file: example, mode: "run", outcome: { ...matmulRun(), status: "failed" }, sourceText: exampleText, timestamp: "2025-03-04T05:00:00.000Z" });
    appendRun(cwd, { file: example, mode: "profile", outcome: matmulRun(), sourceText: exampleText, timestamp: "2025-03-04T05:06:08.000Z" });
    // A run of another file in the same history stays out of this file's report.
    appendRun(cwd, { file: join(root, "examples", "saxpy.wgsl"), mode: "run", outcome: { ...matmulRun(), entry: "saxpy" }, timestamp: "2025-03-04T05:07:00.000Z" });

    const r = cli(["report", example, "-o", "report.html"], cwd, { KERNELLENS_PROFILE_DIR: profiles, SOURCE_DATE_EPOCH: "1741064400" });
    assert.equal(r.status, 0, r.stderr);
    // The runs' adapter and the model's device are named apart: the RTX 4090 is a what-if beside them.
    assert.match(r.stdout, /1 kernel, 0 findings, 1 latest run measured on Test GPU 9000; modelled on NVIDIA GeForce RTX 4090 \(a what-if: the runs were measured on Test GPU 9000\)$/m);
    const path = join(cwd, "report.html");
    const data = embedded(readFileSync(path, "utf8"));
    assert.equal(data.runs.length, 1);
    assert.equal(data.header.generatedAt, "2025-03-04T05:00:00.000Z", "SOURCE_DATE_EPOCH fixes the date");

    for (const scheme of ["light", "dark"] as const) {
      const opened = await openReport(path, scheme);
      const { page } = opened;
      await assertClean(opened);
      const facts = (await page.locator("#facts").innerText()).replace(/\s+/g, " ");
      assert.match(facts, /Date 2025-03-04 05:00 UTC/);
      assert.match(facts, /Adapter Test GPU 9000 \(vulkan\)/);
      assert.match(facts, /Calibration Test GPU 9000, measured 2025-03-01 12:00 UTC/);
      assert.match(facts, /Device NVIDIA GeForce RTX 4090 \(nvidia-rtx-4090, datasheet figures; a what-if: the runs were measured on Test GPU 9000\)/);

      assert.equal(await page.locator("#figure").getAttribute("data-measured-points"), "1");
      const legend = (await page.locator("#legend").innerText()).replace(/\s+/g, " ");
      assert.match(legend, /what-if: predicted on NVIDIA GeForce RTX 4090 \(1\).*measured on Test GPU 9000 \(1\).*what-if: datasheet roofs of NVIDIA GeForce RTX 4090.*measured roofs: Test GPU 9000/);
      const roofs = await page.locator(".roof-label.roof-measured").allTextContents();
      assert.ok(roofs.includes("measured f32 20 TFLOP/s") && roofs.includes("measured DRAM 400 GB/s"), `measured roof labels: ${JSON.stringify(roofs)}`);

      // The measured point: a filled disc in the measured colour, at (85.3 FLOP/byte, 268 GFLOP/s).
      const kernel = data.roofline.kernels[0]!;
      assert.ok(Math.abs(kernel.measured!.ai - 268.435456 / 3.145728) < 1e-9);
      const at = await screenPosition(page, extentOf(data), kernel.measured!.ai, kernel.measured!.gflops);
      const [centre] = await canvasPixels(page, [at]);
      const orange = await cssVariable(page, "--vscode-charts-orange");
      assert.ok(near(centre!, orange, 3), `the measured point is filled with ${orange}: ${centre}`);

      assert.deepEqual(await headerTexts(page, "#runs"), ["Kernel", "Recorded", "Status", "Median", "Min – max", "Method", "GB/s", "GFLOP/s", "Checks", "Model error"]);
      assert.deepEqual(await rowTexts(page, "#runs"), [
        ["matmul_tiled", "2025-03-04 05:06 UTC", "passed", "1 ms", "950 µs – 1.2 ms (25 %)", "GPU timestamps, 5 runs", "3.15", "268", "1 of 1 passed", "−20 %"],
      ]);

      // The theme: light by default, VS Code's dark colours when the system prefers dark, on the page and the canvas.
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, scheme === "light" ? "rgb(255, 255, 255)" : "rgb(31, 31, 31)");
      await page.screenshot({ path: testOutputDir("webview", scheme === "light" ? "report-runs.png" : "report-dark.png"), fullPage: true });
    }

    // On another adapter's calibration the points still get the measuring adapter's roofs (that device is a what-if);
    // on the measuring adapter's own, its roofs are drawn once, and nothing is a what-if.
    const other: CalibrationProfile = { ...profile(), adapter: { ...profile().adapter, description: "Other GPU", key: "test/other" } };
    writeFileSync(join(profiles, "test_other.json"), JSON.stringify(other));
    const onOther = cli(["report", example, "-o", "other.html", "--device", "measured-test-other"], cwd, { KERNELLENS_PROFILE_DIR: profiles });
    assert.equal(onOther.status, 0, onOther.stderr);
    const otherData = embedded(readFileSync(join(cwd, "other.html"), "utf8"));
    // Asked for by the ids older versions printed (the whole adapter key); shown under today's short ids.
    assert.equal(otherData.roofline.device.id, measuredDeviceId("test/other"));
    assert.equal(otherData.roofline.measuredCeilings?.label, "Test GPU 9000");
    assert.deepEqual(otherData.roofline.measuredOn, { adapter: "Test GPU 9000", deviceId: measuredDeviceId("test/gpu-9000") });
    const onOwn = cli(["report", example, "-o", "own.html", "--device", "measured-test-gpu-9000"], cwd, { KERNELLENS_PROFILE_DIR: profiles });
    assert.equal(onOwn.status, 0, onOwn.stderr);
    assert.doesNotMatch(onOwn.stdout, /what-if/);
    const ownData = embedded(readFileSync(join(cwd, "own.html"), "utf8"));
    assert.equal(ownData.roofline.measuredCeilings, null);
  });

  it("lists the findings with their lines, and keeps hostile text in a file name as text", async () => {
    // A name with what could confuse the data block or open markup (no `/`: a file name cannot hold one; the unit
    // test covers `</script>`); the file itself is syntax-tour.wgsl.
    const cwd = join(scratch, "findings");
    mkdirSync(cwd, { recursive: true });
    const hostile = `tour <!--<script>alert(1)<b>x & {{script}} 'q".wgsl`;
    copyFileSync(join(root, "examples", "syntax-tour.wgsl"), join(cwd, hostile));
    const r = cli(["report", hostile], cwd);
    assert.equal(r.status, 0, r.stderr);
    const path = join(cwd, "kernellens-report.html");
    const html = readFileSync(path, "utf8");
    assert.equal(html.match(/<\/script>/g)?.length, 2, "only the two real script blocks end");
    const data = embedded(html);
    assert.equal(data.header.file, hostile);

    const analyzed = spawnSync(process.execPath, [bin, "analyze", "--json", hostile], { cwd, encoding: "utf8" });
    const expected = (JSON.parse(analyzed.stdout) as { diagnostics: { range: { start: { line: number; character: number } }; severity: string; code: string }[] }).diagnostics;
    assert.ok(expected.length >= 5);

    const opened = await openReport(path);
    const { page } = opened;
    await assertClean(opened);
    assert.equal(await page.locator("#title").textContent(), `KernelLens report: ${hostile}`);
    assert.equal(await page.locator(".file-name").textContent(), hostile);
    assert.equal(await page.evaluate(() => document.querySelectorAll("script").length), 2, "no script came from the file name");
    const rows = await rowTexts(page, "#findings");
    assert.deepEqual(
      rows.map((cells) => cells.slice(0, 3)),
      expected.map((d) => [`${d.range.start.line + 1}:${d.range.start.character + 1}`, d.severity, d.code]),
    );
    assert.ok(rows.some((cells) => cells[2] === "uncoalesced-access" && /uncoalesced store of 'particles'/.test(cells[3]!)));
    assert.match(await page.locator("#findings .section-note").innerText(), /warnings?/);
    await page.locator("#findings").screenshot({ path: testOutputDir("webview", "report-findings.png") });
  });

  it("shows a CUDA file in CUDA's words: both instantiations, their resources, the bank conflict, and why there are no runs", async () => {
    const cwd = join(scratch, "cuda");
    mkdirSync(cwd, { recursive: true });
    copyFileSync(join(root, "test", "fixtures", "cuda", "transpose-smem.cu"), join(cwd, "transpose-smem.cu"));
    // The model's estimates (--no-nvcc): the page is the same with or without nvcc on this machine.
    const r = cli(["report", "transpose-smem.cu", "--no-nvcc"], cwd);
    assert.equal(r.status, 0, r.stderr);
    const opened = await openReport(join(cwd, "kernellens-report.html"));
    const { page } = opened;
    await assertClean(opened);

    assert.equal(await page.locator("#title").textContent(), "KernelLens report: transpose-smem.cu");
    // The chart in CUDA's words too: its shared-memory roof, the summary's kernels, its description and table.
    const roofs = await page.locator(".roof-label").allTextContents();
    assert.ok(roofs.some((l) => /^shared memory [\d.]+ TB\/s$/.test(l)), `roof labels: ${JSON.stringify(roofs)}`);
    assert.match((await page.locator("#summary").textContent()) ?? "", /^2 __global__ kernels · 0 modelled/);
    const chartWords = await page.evaluate(() => [document.getElementById("roofline-section")!.textContent, document.getElementById("chart")!.getAttribute("aria-label")].join("\n"));
    assert.match(chartWords, /shared memory/);
    assert.doesNotMatch(chartWords, /workgroup/i);
    const facts = (await page.locator("#facts").innerText()).replace(/\s+/g, " ");
    assert.match(facts, /Resources Registers and shared memory estimated by the model: nvcc was not run \(--no-nvcc\)/);
    // A copy has no floating-point work: no point on a FLOP roofline, and the page says why for each instantiation.
    assert.equal(await page.locator("#figure").getAttribute("data-predicted-points"), "0");
    assert.match(await page.locator("#analysis-note").innerText(), /One row per kernel and template instantiation the file launches/);
    const rows = await rowTexts(page, "#analysis");
    assert.deepEqual(rows.map((cells) => [cells[0], cells[1], cells[2], cells[3], cells[8]]), [
      ["transpose_smem<0>", "40", "0", "134 MB", "memory-bound"],
      ["transpose_smem<1>", "40", "0", "134 MB", "memory-bound"],
    ]);
    await page.locator("#analysis button.expander").nth(1).click();
    const detail = (await page.locator("#analysis tr.detail-row").innerText()).replace(/\s+/g, " ");
    assert.match(detail, /block 32×8×1 · grid 128×128×1 · 4,194,304 threads/);
    assert.match(detail, /16 registers per thread · 4\.22 kB shared memory per block · estimated/);
    assert.doesNotMatch(detail, /workgroup|invocation|dispatch/);

    const findings = await rowTexts(page, "#findings");
    assert.ok(findings.some((cells) => cells[0] === "57:31" && cells[2] === "bank-conflict" && /^32-way bank conflict on 'tile'/.test(cells[3]!)), JSON.stringify(findings));
    assert.match(await page.locator("#runs-note").innerText(), /^KernelLens does not run CUDA kernels/);
    assert.equal(await page.locator("#runs table").count(), 0);
    assert.match(await page.locator("#footer").innerText(), /without nvcc \(registers and shared memory are the model's estimates\)/);
    await page.screenshot({ path: testOutputDir("webview", "report-cuda.png"), fullPage: true });
  });

  it("exits 2 for a missing file and for a bad device, writing nothing", () => {
    const cwd = join(scratch, "bad");
    mkdirSync(cwd, { recursive: true });
    const missing = cli(["report", "nope.wgsl", "-o", "out.html"], cwd);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read 'nope\.wgsl'/);
    const device = cli(["report", example, "--device", "no-such-gpu", "-o", "out.html"], cwd);
    assert.equal(device.status, 2);
    assert.match(device.stderr, /unknown device 'no-such-gpu'/);
    assert.throws(() => readFileSync(join(cwd, "out.html")), /ENOENT/);
  });
});
