// End-to-end: Run from a code lens in a real VS Code workbench (code-server in headless Chromium) runs a kernel on the machine's WebGPU adapter.
//
// Run: node --import tsx --test test/e2e/run.test.ts   (build dist/ first: node build.mjs)
// Needs a WebGPU adapter for Dawn; on a machine without a GPU that is Mesa's lavapipe (Debian: mesa-vulkan-drivers).
// Screenshots go to test-output/e2e/run-*.png, the server's and VS Code's logs to test-output/e2e/logs/.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import type { Browser, Frame, Page } from "playwright-core";
import { launchChromium, testOutputDir } from "../support/chromium";
import {
  activeTabDirty,
  type CodeServer,
  goToLine,
  hoverAt,
  hoverAtPoint,
  openFile,
  openWorkbench,
  pollUntil,
  runCommand,
  screenshot,
  startCodeServer,
  visibleLines,
  waitForSquiggle,
  workbenchConsoleErrors,
} from "./codeServer";
import { assertNoLabelOverlaps, tooltipBox } from "../support/rooflineLayoutChecks";
import { gallery, keepForReadme } from "./gallery";

const repo = new URL("../..", import.meta.url).pathname;
const execFileAsync = promisify(execFile);
/** Small enough that the hung kernel's case ends quickly, large enough for saxpy's warm-up and timed runs on a CPU rasterizer. */
const TIMEOUT_MS = 3000;

/**
 * A kernel that never finishes. Tint rejects a loop it can prove endless, so the exit depends on a buffer value
 * (always 0) that the compiler cannot know; the store keeps the loop from being optimised away.
 */
const SPIN = `// A kernel that never ends, to check that a run is stopped at its deadline.
// @dispatch 1
// @buffer stop[1] = const(0)
// @buffer out[1]

@group(0) @binding(0) var<storage, read> stop: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(1)
fn spin() {
  var i = 0u;
  while (stop[0] == 0u) {
    i = i + 1u;
    out[0] = i;
  }
}
`;
/** 1-based line of \`fn spin\` in SPIN, where the timeout's diagnostic goes. */
const SPIN_ENTRY_LINE = SPIN.split("\n").findIndex((l) => l.startsWith("fn spin")) + 1;
/** The loop's condition, and the edit (never saved) that ends the loop after three stores, so `out` is written. */
const SPIN_LOOP_LINE = SPIN.split("\n").findIndex((l) => l.includes("while (stop[0] == 0u)")) + 1;
const SPIN_LOOP_ENDS = "  while (stop[0] == 0u && i < 3u) {";

/** An off-by-one dispatch without a guard: one workgroup too many writes past the end of `out`. */
const OUT_OF_BOUNDS = `// One workgroup too many and no guard: Run's checked mode reports the write past the end.
// @let N = 1024
// @dispatch N / 64 + 1
// @buffer x[N] = random(-1, 1)
// @buffer out[N]

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn double_it(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  out[i] = 2.0 * x[i];
}
`;
const OUT_OF_BOUNDS_LINE = OUT_OF_BOUNDS.split("\n").findIndex((l) => l.includes("out[i] = 2.0 * x[i];")) + 1;
/** 1-based line of `fn softmax_2pass` in the bundled example, whose hover the gallery shows. */
const SOFTMAX_ENTRY_LINE = readFileSync(join(repo, "examples", "softmax-2pass.wgsl"), "utf8").split("\n").findIndex((l) => l.startsWith("fn softmax_2pass")) + 1;
/** 1-based line of the merge tree's loop header in the same example (`for (var stride = WG / 2u; ...`). */
const SOFTMAX_TREE_LINE = readFileSync(join(repo, "examples", "softmax-2pass.wgsl"), "utf8").split("\n").findIndex((l) => l.includes("for (var stride")) + 1;
const OUT_OF_BOUNDS_ENTRY_LINE = OUT_OF_BOUNDS.split("\n").findIndex((l) => l.startsWith("fn double_it")) + 1;

/** A saxpy whose `override WG: u32 = 16` is swept over [32, 64] by a `// @sweep` line directly above its entry point. */
const SWEEP_FIXTURE = "sweep-saxpy.wgsl";
/** A kernel swept over four workgroup sizes, each measurement taking long enough to cancel the sweep in between. */
const SLOW_SWEEP_FIXTURE = "sweep-slow.wgsl";
/** A kernel whose one `@sweep` line has no values. */
const EMPTY_SWEEP_FIXTURE = "sweep-empty.wgsl";
const SWEEP_LINE = "// @sweep WG in [32, 64]";

/** Texts of the notification toasts on screen. */
async function toasts(page: Page): Promise<string[]> {
  return page.locator(".notifications-toasts .notification-toast").allInnerTexts();
}

/** Waits for a toast whose text matches, and returns that text. */
async function waitForToast(page: Page, pattern: RegExp, timeoutMs: number): Promise<string> {
  let seen: string[] = [];
  return pollUntil(
    `a notification matching ${pattern}`,
    async () => {
      seen = await toasts(page);
      return seen.find((t) => pattern.test(t));
    },
    timeoutMs,
    200,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; notifications on screen: ${JSON.stringify(seen)}`);
  });
}

async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, "Notifications: Clear All Notifications");
  await pollUntil("the notifications to clear", async () => (await toasts(page)).length === 0, 10_000);
}

/** The active editor's code lens link whose text is exactly `title`, once it is drawn. */
async function lens(page: Page, title: string, timeoutMs = 60_000) {
  const link = page.locator(".part.editor .editor-group-container.active .codelens-decoration a").filter({ hasText: new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`) });
  await pollUntil(`the "${title}" code lens`, async () => (await link.count()) > 0, timeoutMs, 200);
  return link.first();
}

/**
 * Clicks the active editor's `Run` (or another) lens and returns the result notification matching `pattern`. A click that lands
 * while the lenses are being redrawn (the server redraws its own lens on the same line after a setting changes) hits
 * a detached element and does nothing, so the click is repeated, at most twice more, until a run shows up.
 */
async function runFromLens(page: Page, pattern: RegExp, timeoutMs: number, title = "Run"): Promise<string> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await (await lens(page, title)).click();
    const started = await pollUntil("the run to start", async () => (await toasts(page)).some((t) => /KernelLens: (running|profiling)|✓|✗/.test(t)), 5_000, 50).then(
      () => true,
      () => false,
    );
    if (started) break;
  }
  const result = await waitForToast(page, pattern, timeoutMs);
  // The workbench keeps a finished progress notification up a moment longer; let it go before any screenshot.
  await pollUntil("the progress notification to close", async () => !(await toasts(page)).some((t) => /KernelLens: (running|profiling)/.test(t)), 5_000).catch(() => undefined);
  return result;
}

/** Clicks the active editor's `Sweep` lens until the sweep of `entry` shows its progress (a click during a redraw of the lenses hits a detached element). */
async function sweepFromLens(page: Page, entry: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await (await lens(page, "Sweep")).click();
    const pattern = new RegExp(`KernelLens: sweeping ${entry}|${entry}: (best|sweep cancelled)|cannot sweep ${entry}`);
    const started = await pollUntil("the sweep to start", async () => (await toasts(page)).some((t) => pattern.test(t)), 5_000, 50).then(
      () => true,
      () => false,
    );
    if (started) return;
  }
}

/**
 * The cost model's code lens of the active editor, once it is drawn: its text (`memory-bound · ≈ 17 µs`) and, after a
 * newline, its tooltip, which names the device and has the whole summary.
 */
async function costLens(page: Page): Promise<string> {
  return pollUntil(
    "the cost-model code lens",
    async () => {
      const links = await page.locator(".part.editor .editor-group-container.active .codelens-decoration a").evaluateAll((as) => as.map((a) => `${a.textContent ?? ""}\n${a.getAttribute("title") ?? ""}`));
      return links.find((t) => /-bound · ≈ /.test(t));
    },
    30_000,
  );
}

/** Texts of every status bar item. */
async function statusItems(page: Page): Promise<string[]> {
  return page.locator(".part.statusbar .statusbar-item").allInnerTexts();
}

/** The 1-based lines of the active editor that carry an error squiggle. */
async function errorLines(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const editor = document.querySelector(".part.editor .editor-group-container.active .monaco-editor");
    if (!editor) return [];
    const numbers = [...editor.querySelectorAll(".margin-view-overlays .line-numbers")].map((el) => {
      const r = el.getBoundingClientRect();
      return { line: Number(el.textContent?.trim()), top: r.top, bottom: r.bottom };
    });
    const lines = new Set<number>();
    for (const el of editor.querySelectorAll(".view-overlays .squiggly-error")) {
      const r = el.getBoundingClientRect();
      const row = numbers.find((n) => r.top + r.height / 2 >= n.top && r.top + r.height / 2 < n.bottom);
      if (row) lines.add(row.line);
    }
    return [...lines];
  });
}

describe("Run and Profile from code lenses in a VS Code workbench (code-server)", () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let workspace: string | undefined;
  const started = Date.now();

  async function cleanUp(): Promise<void> {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    await server?.stop();
    server = undefined;
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    workspace = undefined;
  }

  /** Runs one scenario step; on failure saves a screenshot named after it and adds the page's console errors. */
  async function step(name: string, body: (page: Page) => Promise<void>): Promise<void> {
    assert.ok(page, "the workbench did not open (see the before hook's error)");
    try {
      await body(page);
      await screenshot(page, name);
    } catch (err) {
      const shot = await screenshot(page, `${name}-FAILED`).catch(() => "(no screenshot)");
      const errors = workbenchConsoleErrors(page).slice(-10);
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${message}\n  screenshot: ${shot}${errors.length ? `\n  last page console errors:\n    ${errors.join("\n    ")}` : ""}`, { cause: err });
    }
  }

  before(
    async () => {
      for (const built of ["client.js", "server.js", "gpuHelper.js"]) {
        const path = join(repo, "dist", built);
        if (!existsSync(path)) throw new Error(`${path} does not exist: build the extension first with \`node build.mjs\``);
      }
      // This suite's own screenshots from earlier runs (a stale *-FAILED.png would mislead); other suites' stay.
      const out = testOutputDir("e2e");
      if (existsSync(out)) for (const name of readdirSync(out)) if (name.startsWith("run-") && name.endsWith(".png")) rmSync(join(out, name));
      workspace = mkdtempSync(join(tmpdir(), "kernellens-e2e-run-"));
      cpSync(join(repo, "examples"), workspace, { recursive: true });
      writeFileSync(join(workspace, "spin.wgsl"), SPIN);
      writeFileSync(join(workspace, "out-of-bounds.wgsl"), OUT_OF_BOUNDS);
      // At the workspace's root, next to ref/ (its reference module) from the examples.
      for (const name of [SWEEP_FIXTURE, SLOW_SWEEP_FIXTURE, EMPTY_SWEEP_FIXTURE]) cpSync(join(repo, "test", "fixtures", "e2e", name), join(workspace, name));
      try {
        server = await startCodeServer({
          workspace,
          extensionPath: repo,
          settings: {
            "kernellens.run.timeoutMs": TIMEOUT_MS,
            "editor.minimap.enabled": false,
            // Hovers open below their line, so the gallery's picture shows the lenses above the kernel too.
            "editor.hover.above": false,
            // Typing must produce exactly the typed text: no closing bracket or suggestion may be added.
            "editor.autoClosingBrackets": "never",
            "editor.autoClosingQuotes": "never",
            "editor.quickSuggestions": { other: "off", comments: "off", strings: "off" },
            "editor.suggestOnTriggerCharacters": false,
            "editor.acceptSuggestionOnEnter": "off",
          },
        });
        browser = await launchChromium();
        page = await openWorkbench(browser, server.url, workspace);
      } catch (err) {
        await cleanUp();
        throw err;
      }
    },
    { timeout: 20 * 60_000 }, // the first run may install code-server
  );

  after(async () => {
    await cleanUp();
    process.stderr.write(`[e2e run] scenario took ${((Date.now() - started) / 1000).toFixed(1)} s (including any install)\n`);
  });

  it("shows Run and Profile first above saxpy's entry point, with codicons, not emoji", { timeout: 120_000 }, () =>
    step("run-1-lenses", async (page) => {
      await openFile(page, "saxpy.wgsl");
      await lens(page, "Run");
      await lens(page, "Profile");
      await costLens(page);
      // The actions lead the line, so the cost model's verdict can never push Run off a narrow editor; each is an
      // icon from VS Code's own font, which every workbench has, and no emoji (an empty box without an emoji font).
      const line = page.locator(".part.editor .editor-group-container.active .codelens-decoration").first();
      const links = await line.locator("a").evaluateAll((as) => as.map((a) => ({ text: (a.textContent ?? "").trim(), icons: a.querySelectorAll(".codicon").length })));
      assert.deepEqual(links.slice(0, 2).map((l) => l.text), ["Run", "Profile"], JSON.stringify(links));
      for (const l of links) {
        assert.equal(l.icons, 1, `one codicon in "${l.text}"`);
        assert.doesNotMatch(l.text, /\p{Extended_Pictographic}|\$\(/u, `"${l.text}" has an emoji or an unrendered icon`);
      }
      const items = await statusItems(page);
      assert.ok(items.some((t) => t.includes("GPU")), `a GPU status item before any run: ${JSON.stringify(items)}`);
    }),
  );

  it("runs saxpy from the lens: passed, with a median time, on the software adapter", { timeout: 180_000 }, () =>
    step("run-2-saxpy-passed", async (page) => {
      await (await lens(page, "Run")).click();
      // The progress notification shows while the helper starts and the kernel runs; catch it for the record if it lasts.
      await pollUntil("the run's progress", async () => (await toasts(page)).some((t) => /running saxpy/i.test(t)), 10_000, 50)
        .then(() => screenshot(page, "run-2a-progress"))
        .catch(() => undefined);
      const text = await waitForToast(page, /saxpy ✓ passed/, 120_000);
      assert.match(text, /saxpy ✓ passed · \d[\d.]* m?s median \([\d.]+–[\d.]+( s)?, (timestamp|wall)\)/);
      assert.match(text, /Show Output/);
      // The first run on this adapter calibrated it first: the run is never compared with the setting's RTX 4090.
      assert.doesNotMatch(text, /RTX 4090|longer than predicted/);
      const items = await pollUntil(
        "the adapter status item to name the software adapter",
        async () => {
          const all = await statusItems(page);
          return all.some((t) => t.includes("(software)")) ? all : undefined;
        },
        20_000,
      );
      assert.ok(items.some((t) => /lavapipe \(software\)|\(software\)/.test(t)), JSON.stringify(items));
      // Its tooltip says what the adapter is and that timings on it are a CPU's.
      await page.locator(".part.statusbar .statusbar-item", { hasText: "(software)" }).first().hover();
      const tooltip = await pollUntil(
        "the adapter item's tooltip",
        async () => (await page.locator(".workbench-hover, .monaco-hover").filter({ visible: true }).allInnerTexts()).find((t) => t.includes("KernelLens GPU adapter")),
        10_000,
      );
      assert.match(tooltip, /CPU rasterizer/);
      assert.match(tooltip, /calibrate/i);
      await screenshot(page, "run-2b-adapter-tooltip");
      await page.mouse.move(1, 1);
    }),
  );

  it("reports an out-of-bounds write at its line: Run checks every array index in an extra untimed run", { timeout: 180_000 }, () =>
    step("run-2c-out-of-bounds", async (page) => {
      await clearNotifications(page);
      await openFile(page, "out-of-bounds.wgsl");
      const text = await runFromLens(page, /double_it ✗ failed: out-of-bounds/, 120_000);
      assert.match(text, new RegExp(`out-of-bounds write to 'out' at index 1024 \\(length 1024\\) by invocation \\(1024, 0, 0\\), line ${OUT_OF_BOUNDS_LINE}`));
      assert.match(text, /and 1 more out-of-bounds access/, "the read of x past its end too");
      // The diagnostics are on the access's line, not on the entry point.
      await pollUntil(`an error squiggle on line ${OUT_OF_BOUNDS_LINE}`, async () => (await errorLines(page)).includes(OUT_OF_BOUNDS_LINE), 20_000);
      assert.deepEqual(await errorLines(page), [OUT_OF_BOUNDS_LINE], `no squiggle at the entry point (line ${OUT_OF_BOUNDS_ENTRY_LINE}) or elsewhere`);
      const box = await waitForSquiggle(page, "error", OUT_OF_BOUNDS_LINE);
      const hover = await hoverAtPoint(page, box.x + box.width / 2, box.y + box.height / 2, { expect: "out-of-bounds" });
      assert.match(hover, /double_it: out-of-bounds (write to 'out'|read of 'x') at index 1024/);
      await screenshot(page, "run-2c-out-of-bounds-hover");
      await page.mouse.move(1, 1);
    }),
  );

  it("stops a kernel that never ends at its deadline, marks the entry point, and the next run passes", { timeout: 240_000 }, () =>
    step("run-4-saxpy-passes-after-timeout", async (page) => {
      await clearNotifications(page);
      await openFile(page, "spin.wgsl");
      const timedOut = await runFromLens(page, /spin ✗ timed out after/, 120_000);
      assert.match(timedOut, new RegExp(`timed out after ${TIMEOUT_MS.toLocaleString("en-US")} ms`));
      await pollUntil(`an error squiggle on line ${SPIN_ENTRY_LINE} (fn spin)`, async () => (await errorLines(page)).includes(SPIN_ENTRY_LINE), 20_000);
      await screenshot(page, "run-3-timeout");

      await clearNotifications(page);
      await openFile(page, "saxpy.wgsl");
      await runFromLens(page, /saxpy ✓ passed · .* median/, 120_000);
    }),
  );

  it("cancels a kernel that never ends from the progress notification, and the next run starts a fresh helper", { timeout: 180_000 }, () =>
    step("run-3b-cancelled", async (page) => {
      await clearNotifications(page);
      await openFile(page, "spin.wgsl");
      await (await lens(page, "Run")).click();
      const cancel = page.locator(".notifications-toasts .notification-toast", { hasText: "KernelLens: running spin" }).locator("a.monaco-button", { hasText: "Cancel" });
      await pollUntil("the progress notification's Cancel button", async () => (await cancel.count()) > 0, 10_000, 50);
      await cancel.first().click();
      // A cancel is the user's own doing: a status bar message, no notification, and no timeout.
      await pollUntil("the status bar to say the run was cancelled", async () => (await statusItems(page)).some((t) => /spin: cancelled/.test(t)), 10_000);
      assert.ok(!(await toasts(page)).some((t) => /timed out/.test(t)), "no timeout after a cancel");
      await screenshot(page, "run-3b-cancelled-status");

      await openFile(page, "saxpy.wgsl");
      await runFromLens(page, /saxpy ✓ passed · .* median/, 120_000);
    }),
  );

  it("runs the editor's unsaved text, and a passing run clears the timeout's diagnostic", { timeout: 180_000 }, () =>
    step("run-4b-unsaved-edit-passes", async (page) => {
      await clearNotifications(page);
      await openFile(page, "spin.wgsl");
      // Squiggles are drawn a moment after the editor opens.
      await pollUntil("the timeout's diagnostic to be drawn again", async () => (await errorLines(page)).includes(SPIN_ENTRY_LINE), 20_000);
      try {
        // Replace the loop's line by selecting it and typing the new one: the file on disk keeps the endless loop.
        // Keys can be lost while the workbench is still busy after the previous run (a busy CI machine): try the
        // edit a few times, checking the line each time.
        // (The loop's inlay hint, drawn after the header, is not text: only what precedes it counts.)
        const lineReads = async (): Promise<boolean> => {
          const text = (await visibleLines(page)).get(SPIN_LOOP_LINE);
          return text !== undefined && (text === SPIN_LOOP_ENDS || (text.startsWith(SPIN_LOOP_ENDS) && /^\s*×/.test(text.slice(SPIN_LOOP_ENDS.length))));
        };
        // The edit has happened only when the line reads the new text and the tab is dirty: a line read while the
        // editor is still laying out after opening is no proof of an edit (one CI run saw it read so, unedited).
        const edited = async (): Promise<boolean> => (await lineReads()) && (await activeTabDirty(page));
        for (let attempt = 0; attempt < 6 && !(await edited()); attempt++) {
          await goToLine(page, SPIN_LOOP_LINE);
          // A click on the line itself puts the focus and the cursor in the editor whatever else had the focus.
          await page.locator(".monaco-editor .view-line", { hasText: "while (stop[0] == 0u" }).first().click();
          await page.keyboard.press("End");
          await page.keyboard.press("Shift+Home");
          await page.keyboard.press("Shift+Home");
          // insertText, not typing: auto-closed brackets would otherwise change the line.
          await page.keyboard.insertText(SPIN_LOOP_ENDS);
          await pollUntil(`line ${SPIN_LOOP_LINE} to read "${SPIN_LOOP_ENDS.trim()}"`, edited, 3_000).catch(() => undefined);
        }
        await pollUntil(`line ${SPIN_LOOP_LINE} to read "${SPIN_LOOP_ENDS.trim()}", unsaved`, edited, 5_000);
        assert.ok(await activeTabDirty(page), "the edit is not saved");
        const text = await runFromLens(page, /spin ✓ passed/, 120_000);
        assert.match(text, /median/);
        await pollUntil(`the error squiggle on line ${SPIN_ENTRY_LINE} to clear`, async () => !(await errorLines(page)).includes(SPIN_ENTRY_LINE), 20_000);
        assert.ok(await activeTabDirty(page), "running did not save the file");
      } finally {
        if (await activeTabDirty(page)) await runCommand(page, "File: Revert File");
      }
    }),
  );

  it("calibrates the adapter, and the next run compares with the measured device", { timeout: 240_000 }, () =>
    step("run-7-saxpy-against-measured", async (page) => {
      await clearNotifications(page);
      await runCommand(page, "KernelLens: Calibrate GPU");
      await pollUntil("the calibration's progress", async () => (await toasts(page)).some((t) => /calibrating/i.test(t)), 10_000, 50)
        .then(() => screenshot(page, "run-6a-calibrating"))
        .catch(() => undefined);
      const done = await waitForToast(page, /calibrated · copy .* GB\/s .* FMA .* GFLOP\/s f32 · dispatch/, 180_000);
      assert.match(done, /\(software\) calibrated/);
      // Runs compare with the measured device at once; the cost model (the kernellens.device setting) is only offered it.
      assert.match(done, /Runs on this adapter now compare with the measured device/);
      assert.match(done, /Use for the Cost Model/);
      await screenshot(page, "run-6-calibrated");
      // Not taken here: the setting stays on its datasheet RTX 4090, so every later run, profile, roofline, report and
      // sweep is checked while the configured device and the measuring adapter differ (the last step takes it).
      await clearNotifications(page);

      await openFile(page, "saxpy.wgsl");
      const text = await runFromLens(page, /saxpy ✓ passed/, 120_000);
      assert.match(text, /model predicted .* on measured lavapipe \(software\)|model predicted .* on measured .*\(software\)/);
      assert.doesNotMatch(text, /RTX 4090/);
      // The cost model's lens still predicts for the setting's device: the run compared with the measured one regardless.
      assert.ok((await costLens(page)).includes("on RTX 4090"), "the cost-model lens follows kernellens.device (RTX 4090)");
    }),
  );

  it("profiles saxpy from the lens: more runs, with their spread", { timeout: 120_000 }, () =>
    step("run-8-saxpy-profiled", async (page) => {
      await clearNotifications(page);
      await openFile(page, "saxpy.wgsl");
      // kernellens.profile.repeat is 30 by default.
      const text = await runFromLens(page, /saxpy ✓ passed .* 30 runs/, 120_000, "Profile");
      assert.match(text, /median \([\d.]+–[\d.]+( s)?, (timestamp|wall)\) · 30 runs, σ [\d.]+ m?s/);
      // Compared only with the adapter that measured, although kernellens.device is still the datasheet RTX 4090.
      assert.match(text, /model predicted [\d.]+ m?s on measured .*\(software\)/);
      assert.doesNotMatch(text, /RTX 4090|not comparable/);
    }),
  );

  it("lists the runs in the run history", { timeout: 120_000 }, () =>
    step("run-5-history", async (page) => {
      await clearNotifications(page);
      await runCommand(page, "KernelLens: Show Run History");
      const text = await pollUntil(
        "the run history document",
        async () => {
          const lines = await page.locator(".part.editor .editor-group-container.active .view-lines .view-line").allInnerTexts();
          const joined = lines.join("\n").replace(/\u00a0/g, " ");
          return /saxpy\.wgsl:saxpy/.test(joined) && /spin\.wgsl:spin/.test(joined) ? joined : undefined;
        },
        30_000,
      );
      assert.match(text, /✓ passed .*saxpy\.wgsl:saxpy/);
      assert.match(text, /✗ timeout .*spin\.wgsl:spin/);
      assert.match(text, /✓ passed +profile +saxpy\.wgsl:saxpy/);
    }),
  );

  it("shows the new run in the Profiler view and its measured point on the Roofline", { timeout: 180_000 }, () =>
    step("panels-1-profiler-and-roofline", async (page) => {
      await clearNotifications(page);
      await openFile(page, "softmax-2pass.wgsl");
      await runFromLens(page, /softmax_2pass ✓ passed/, 120_000);

      // The Profiler view in the KernelLens activity-bar container lists the run that just finished.
      await runCommand(page, "KernelLens: Show Profiler");
      const profiler = page.frameLocator("iframe.webview.ready").first().frameLocator("iframe#active-frame");
      const row = await pollUntil(
        "the softmax_2pass run in the Profiler table",
        async () => {
          // Each row's label is what a screen reader announces: kernel, status and the numbers.
          const labels = await profiler.locator('[role="row"][aria-label]').evaluateAll((rows) => rows.map((r) => r.getAttribute("aria-label") ?? "")).catch(() => [] as string[]);
          return labels.find((r) => /softmax_2pass/.test(r) && /passed/i.test(r));
        },
        30_000,
      );
      assert.match(row, /ms/);

      // The Roofline panel of the same file draws the run as a measured point next to the predicted one.
      await openFile(page, "softmax-2pass.wgsl");
      await runCommand(page, "KernelLens: Show Roofline");
      let roofline: Frame | undefined;
      const legendOf = async (f: Frame): Promise<string[]> => (await f.locator(".legend-item").allInnerTexts().catch(() => [] as string[])).map((t) => t.trim());
      const legend = await pollUntil(
        "a measured point in the Roofline legend",
        async () => {
          // Webview content lives two iframes deep; look in every frame for the Roofline page's legend.
          for (const f of page.frames()) {
            const text = await legendOf(f);
            const measured = text.find((t) => /^measured( on .+)? \(\d+\)$/.test(t));
            if (measured && !/\(0\)$/.test(measured)) {
              roofline = f;
              return text;
            }
          }
          return undefined;
        },
        30_000,
      );
      const frame = roofline!;
      // kernellens.device is still the datasheet RTX 4090: the run is drawn against the measuring adapter's own
      // (dashed, calibrated) roofs and named with it, and the RTX 4090's points and roofs are labelled a what-if.
      assert.ok(legend.includes("measured on lavapipe (software) (1)"), `the measured point names its adapter: ${JSON.stringify(legend)}`);
      assert.ok(legend.includes("measured roofs: lavapipe (software)"), `the measuring adapter's roofs are drawn: ${JSON.stringify(legend)}`);
      assert.ok(legend.includes("what-if: predicted on NVIDIA GeForce RTX 4090 (1)"), JSON.stringify(legend));
      for (const item of legend.filter((t) => /RTX 4090/.test(t))) assert.match(item, /^what-if: /, `the configured device is labelled a what-if: ${JSON.stringify(legend)}`);
      assert.ok((await frame.locator(".roof-label.roof-measured").count()) > 0, "the measured roofs are drawn on the chart");
      const rooflineSummary = await frame.locator("#summary").innerText();
      assert.match(rooflineSummary, /1 measured on lavapipe \(software\)/);
      assert.match(rooflineSummary, /on NVIDIA GeForce RTX 4090 \(a what-if, not the measuring adapter\)/);
      await screenshot(page, "panels-1a-roofline-what-if");

      // Picking the measuring adapter's calibration in the device picker charts the model of the device that ran:
      // the same comparison, with nothing left a what-if and no second set of the same roofs.
      const measuredOption = frame.locator('#device optgroup[label="Measured on this machine"] option');
      await pollUntil("the measured device in the Roofline's picker", async () => (await measuredOption.count()) > 0, 10_000);
      await frame.locator("#device").selectOption((await measuredOption.first().getAttribute("value"))!);
      const onMeasured = await pollUntil(
        "the Roofline on the measuring adapter's calibration",
        async () => {
          const text = await legendOf(frame);
          return text.includes("predicted (1)") ? text : undefined;
        },
        30_000,
      );
      assert.ok(onMeasured.includes("measured on lavapipe (software) (1)"), JSON.stringify(onMeasured));
      assert.ok(!onMeasured.some((t) => /what-if|RTX 4090/.test(t)), `nothing is a what-if on the measuring adapter's own model: ${JSON.stringify(onMeasured)}`);
      assert.equal(onMeasured.filter((t) => t.startsWith("measured roofs:")).length, 1, `one set of measured roofs: ${JSON.stringify(onMeasured)}`);
      assert.doesNotMatch(await frame.locator("#summary").innerText(), /what-if/);
      await screenshot(page, "panels-1b-roofline-on-measured-device");

      // The HTML report of the same file (`kernellens report`: the CLI writes it, the editor has no command for it),
      // from this workspace's run history and the calibration the workbench saved, on the default RTX 4090.
      const profiles = process.env.KERNELLENS_PROFILE_DIR ?? join(server!.home, "xdg-cache", "kernellens", "profiles");
      assert.ok(existsSync(profiles) && readdirSync(profiles).some((n) => n.endsWith(".json")), `the workbench saved a calibration profile in ${profiles}`);
      const reportFile = join(workspace!, "kernellens-report.html");
      const cli = await execFileAsync(process.execPath, [join(repo, "bin", "kernellens.js"), "report", "softmax-2pass.wgsl", "-o", reportFile], {
        cwd: workspace!,
        env: { ...process.env, KERNELLENS_PROFILE_DIR: profiles },
        timeout: 60_000,
      });
      assert.match(cli.stdout, /modelled on NVIDIA GeForce RTX 4090 \(a what-if: the runs were measured on llvmpipe.*\(software\)\)/);
      const html = readFileSync(reportFile, "utf8");
      assert.match(html, /"measuredOn":\{"adapter":"llvmpipe[^"]*\(software\)"/);
      const reportPage = await browser!.newPage();
      try {
        await reportPage.goto(pathToFileURL(reportFile).href);
        await reportPage.locator('body[data-rendered="ok"]').waitFor({ timeout: 20_000 });
        const facts = (await reportPage.locator("#facts").innerText()).replace(/\s+/g, " ");
        assert.match(facts, /Adapter llvmpipe.*a software rasterizer/, "the header names the adapter that ran");
        assert.match(facts, /Device NVIDIA GeForce RTX 4090 \(nvidia-rtx-4090, datasheet figures; a what-if: the runs were measured on llvmpipe.*\(software\)\)/);
        assert.match(facts, /Calibration llvmpipe/);
        assert.equal(await reportPage.locator("#figure").getAttribute("data-measured-points"), "1");
        const reportLegend = (await reportPage.locator("#legend .legend-item").allInnerTexts()).map((t) => t.trim());
        assert.ok(reportLegend.some((t) => /^measured on llvmpipe.*\(software\) \(1\)$/.test(t)), JSON.stringify(reportLegend));
        assert.ok(reportLegend.some((t) => /^measured roofs: llvmpipe/.test(t)), `measured against the measuring adapter's roofs: ${JSON.stringify(reportLegend)}`);
        for (const item of reportLegend.filter((t) => /RTX 4090/.test(t))) assert.match(item, /^what-if: /, JSON.stringify(reportLegend));
        assert.ok((await reportPage.locator(".roof-label.roof-measured").count()) > 0, "the report draws the measured roofs");
        await reportPage.screenshot({ path: join(testOutputDir("e2e"), "panels-1c-report.png"), fullPage: true });
      } finally {
        await reportPage.close();
      }

      // The Kernels panel follows the same editor and lists its entry points.
      await openFile(page, "softmax-2pass.wgsl");
      await runCommand(page, "KernelLens: Show Kernels of the Active File");
      const kernels = await pollUntil(
        "softmax_2pass in the Kernels panel",
        async () => {
          for (const f of page.frames()) {
            const text = await f.locator("#table-host").innerText({ timeout: 200 }).catch(() => "");
            if (/softmax_2pass/.test(text)) return text;
          }
          return undefined;
        },
        30_000,
      );
      assert.match(kernels, /compute/);
    }),
  );
  it("sweeps a kernel from the Sweep lens, shows the result in the Design-space view, and applies the best configuration", { timeout: 180_000 }, () =>
    step("sweep-1-design-space", async (page) => {
      const sweepStarted = Date.now();
      await clearNotifications(page);
      await openFile(page, SWEEP_FIXTURE);
      await sweepFromLens(page, "saxpy");
      const done = await waitForToast(page, /saxpy: best WG=(32|64) at [\d.]+ m?s · 2 of 2 feasible points measured/, 90_000);
      const best = Number(/best WG=(\d+)/.exec(done)![1]);

      // The result file, next to the run history, as the Design-space view reads it.
      const resultFile = join(workspace!, ".kernellens", "sweeps", "sweep-saxpy.saxpy.sweep.json");
      const written = JSON.parse(readFileSync(resultFile, "utf8")) as {
        file: string;
        entry: string;
        measured: number;
        best: { params: { WG: number } };
        device: { id: string; name: string };
        measuredOn: { adapter: string; deviceId: string };
      };
      assert.equal(written.file, "../../sweep-saxpy.wgsl");
      assert.equal(written.entry, "saxpy");
      assert.equal(written.measured, 2);
      assert.equal(written.best.params.WG, best);
      // Guided by the measuring adapter's calibration, not by kernellens.device (still the datasheet RTX 4090).
      assert.match(written.measuredOn.adapter, /\(software\)$/);
      assert.equal(written.device.id, written.measuredOn.deviceId, "the model's device is the measuring adapter's calibration");
      assert.match(written.device.name, /\(measured\)$/);

      // The Design-space view opens beside the kernel with the sweep's summary.
      const summary = await pollUntil(
        "the Design-space view to show the sweep",
        async () => {
          for (const f of page.frames()) {
            const text = await f.locator("#summary").innerText({ timeout: 200 }).catch(() => "");
            if (/2 measured/.test(text)) return text;
          }
          return undefined;
        },
        30_000,
      );
      assert.match(summary, new RegExp(`2 variants · 2 feasible · 2 measured · best WG=${best} at`));
      // The view says whose model guided the search, and that it is the adapter that measured.
      assert.ok(summary.includes(`guided by the model of ${written.device.name}, the adapter that measured`), summary);
      assert.doesNotMatch(summary, /RTX 4090|what-if/);
      assert.doesNotMatch(done, /RTX 4090/);
      await screenshot(page, "sweep-1a-design-space");

      // The kernel keeps the focus; its best lens writes the best value into the override's default.
      const bestLens = page.locator(".part.editor .editor-group-container.active .codelens-decoration a").filter({ hasText: new RegExp(`^\\s*best WG=${best} · [\\d.]+ (µs|ms|s)$`) });
      await pollUntil("the best lens", async () => (await bestLens.count()) > 0, 20_000, 200);
      const overrideLine = async (): Promise<string | undefined> => [...(await visibleLines(page)).values()].find((l) => l.startsWith("override WG"));
      try {
        await bestLens.first().click();
        await pollUntil(`the override to read WG = ${best}`, async () => (await overrideLine()) === `override WG: u32 = ${best};`, 10_000);
        const lines = [...(await visibleLines(page)).values()];
        assert.ok(lines.includes(SWEEP_LINE), `the @sweep line stays: ${JSON.stringify(lines)}`);
        assert.ok(await activeTabDirty(page), "applying edits the editor's text, not the file");
        // The lens now says the source has the best configuration.
        const applied = page.locator(".part.editor .editor-group-container.active .codelens-decoration a").filter({ hasText: new RegExp(`^\\s*best WG=${best} · [\\d.]+ (µs|ms|s) · applied$`) });
        await pollUntil("the best lens to say it is applied", async () => (await applied.count()) > 0, 10_000, 200);
        await screenshot(page, "sweep-1b-best-applied");
        // With the best lens on the line, Run stays on screen in a split editor.
        const groups = await page.locator(".part.editor .editor-group-container").count();
        await runCommand(page, "View: Split Editor Right");
        await pollUntil("one more editor group", async () => (await page.locator(".part.editor .editor-group-container").count()) === groups + 1, 10_000);
        const run = await lens(page, "Run");
        const runBox = (await run.boundingBox())!;
        const groupBox = (await page.locator(".part.editor .editor-group-container.active").boundingBox())!;
        assert.ok(runBox.x + runBox.width <= groupBox.x + groupBox.width, `Run (right edge ${runBox.x + runBox.width}) is inside the ${groupBox.width} px editor`);
        await screenshot(page, "sweep-1d-split-editor-lenses");
        await runCommand(page, "View: Close Editor");
        await pollUntil("the split to close", async () => (await page.locator(".part.editor .editor-group-container").count()) === groups, 10_000);
      } finally {
        if (await activeTabDirty(page)) await runCommand(page, "File: Revert File");
      }
      await pollUntil("the override to read WG = 16 again", async () => (await overrideLine()) === "override WG: u32 = 16;", 10_000);

      // The same from the code action on the entry point: Refactor... lists it with the measured time.
      try {
        const entryLine = readFileSync(join(workspace!, SWEEP_FIXTURE), "utf8").split("\n").findIndex((l) => l.startsWith("fn saxpy")) + 1;
        await goToLine(page, entryLine, 5);
        await runCommand(page, "Refactor...");
        const action = page.locator(".action-widget .monaco-list-row").filter({ hasText: new RegExp(`Apply best sweep configuration \\(WG=${best}\\) — [\\d.]+ m?s measured`) });
        await pollUntil("the apply-best code action", async () => (await action.count()) > 0, 10_000, 100);
        await screenshot(page, "sweep-1c-code-action");
        // The menu's pointer block takes clicks while it opens: choose from the keyboard, as a person would.
        for (let i = 0; i < 5 && !/\bfocused\b/.test((await action.first().getAttribute("class")) ?? ""); i++) await page.keyboard.press("ArrowDown");
        await page.keyboard.press("Enter");
        await pollUntil(`the override to read WG = ${best}`, async () => (await overrideLine()) === `override WG: u32 = ${best};`, 10_000);
        assert.ok([...(await visibleLines(page)).values()].includes(SWEEP_LINE), "the @sweep line stays");
      } finally {
        if (await activeTabDirty(page)) await runCommand(page, "File: Revert File");
      }
      process.stderr.write(`[e2e run] sweep scenario took ${((Date.now() - sweepStarted) / 1000).toFixed(1)} s\n`);
    }),
  );
  it("cancels a sweep from its progress notification and keeps what was measured", { timeout: 120_000 }, () =>
    step("sweep-2-cancelled", async (page) => {
      const sweepStarted = Date.now();
      await clearNotifications(page);
      await openFile(page, SLOW_SWEEP_FIXTURE);
      await sweepFromLens(page, "slow");
      // Cancel once the first point is timed: the progress says `timed 1/N: WG=...`.
      const progress = page.locator(".notifications-toasts .notification-toast", { hasText: "KernelLens: sweeping slow" });
      await pollUntil("the sweep's first measurement", async () => /timed \d+\/\d+: WG=\d+/.test((await progress.allInnerTexts()).join(" ")), 60_000, 50);
      await screenshot(page, "sweep-2a-progress");
      // The sweep holds the GPU helper: a Run meanwhile is refused with the reason, and does not disturb it.
      await (await lens(page, "Run")).click();
      await waitForToast(page, /the sweep of slow is still in progress/, 10_000);
      await progress.locator("a.monaco-button", { hasText: "Cancel" }).first().click();
      const cancelled = await waitForToast(page, /slow: sweep cancelled; kept (\d+) measured points?/, 30_000);
      const kept = Number(/kept (\d+)/.exec(cancelled)![1]);
      assert.ok(kept >= 1 && kept <= 3, `kept ${kept} of 4 points: ${cancelled}`);

      // What was measured is written and shown like a finished sweep's result.
      const written = JSON.parse(readFileSync(join(workspace!, ".kernellens", "sweeps", "sweep-slow.slow.sweep.json"), "utf8")) as { measured: number; points: unknown[] };
      assert.equal(written.points.length, 4);
      assert.equal(written.measured, kept);
      const summary = await pollUntil(
        "the Design-space view to show the cancelled sweep",
        async () => {
          for (const f of page.frames()) {
            const text = await f.locator("#summary").innerText({ timeout: 200 }).catch(() => "");
            if (text.startsWith("4 variants")) return text;
          }
          return undefined;
        },
        30_000,
      );
      assert.match(summary, new RegExp(`4 variants · 4 feasible · ${kept} measured · best WG=`));
      process.stderr.write(`[e2e run] cancelled sweep scenario took ${((Date.now() - sweepStarted) / 1000).toFixed(1)} s\n`);
    }),
  );
  it("says what is wrong with a @sweep line, and marks the line", { timeout: 60_000 }, () =>
    step("sweep-3-bad-values", async (page) => {
      await clearNotifications(page);
      await openFile(page, EMPTY_SWEEP_FIXTURE);
      const line = readFileSync(join(workspace!, EMPTY_SWEEP_FIXTURE), "utf8").split("\n").findIndex((l) => l.startsWith("// @sweep")) + 1;
      assert.ok(!(await errorLines(page)).includes(line), "no error on the @sweep line before sweeping");
      await sweepFromLens(page, "empty");
      const text = await waitForToast(page, /cannot sweep empty: the @sweep lines of 'empty' have errors/, 30_000);
      assert.match(text, new RegExp(`line ${line}: the sweep has no values`));
      assert.match(text, /Go to Line/);
      await pollUntil(`an error squiggle on line ${line} (the @sweep line)`, async () => (await errorLines(page)).includes(line), 10_000);
    }),
  );
  it("Calibrate's Use for the Cost Model makes the measured adapter kernellens.device: the lenses predict for it", { timeout: 120_000 }, () =>
    step("run-9-use-for-cost-model", async (page) => {
      await clearNotifications(page);
      await openFile(page, "saxpy.wgsl");
      assert.ok((await costLens(page)).includes("on RTX 4090"), "before: the datasheet device of the setting");
      await runCommand(page, "KernelLens: Calibrate GPU");
      await waitForToast(page, /calibrated · copy .* GB\/s/, 120_000);
      await page.locator(".notifications-toasts .notification-toast a.monaco-button", { hasText: "Use for the Cost Model" }).first().click();
      await pollUntil("the status bar to say the cost model uses the measured adapter", async () => (await statusItems(page)).some((t) => /the cost model now uses the measured .*\(software\)/.test(t)), 10_000);
      const lensText = await pollUntil("the cost-model lens to predict for the measured adapter", async () => {
        const text = await costLens(page);
        return /\(measured\)/.test(text) ? text : undefined;
      }, 20_000);
      assert.doesNotMatch(lensText, /RTX 4090/);
    }),
  );

  // Every panel as users see it, at two widths in two themes; each shot checked, then looked at by a person.
  it("shows the editor and every panel readably at the default and a narrow width, in a light and a dark theme", { timeout: 300_000 }, () =>
    step("gallery", async (page) => {
      await clearNotifications(page);
      await runCommand(page, "View: Close All Editors");
      await runCommand(page, "View: Close Primary Side Bar");

      // The editor: the lenses above a kernel and the entry point's hover.
      await openFile(page, "softmax-2pass.wgsl");
      // The loop hints sit at the end of the loop header, fit VS Code's length limit, and count the merge tree's work
      // per active lane (fewer lanes each round), with the share of lanes that take part.
      await goToLine(page, SOFTMAX_TREE_LINE);
      const treeLine = await pollUntil(
        "the inlay hint after the merge tree's loop header",
        async () => {
          const text = (await visibleLines(page)).get(SOFTMAX_TREE_LINE);
          return text && text.includes("×") ? text : undefined;
        },
        20_000,
      );
      assert.match(treeLine, /\) \{\s*×8 · \d+ FLOP · \d+ B wg · \d+% of lanes\s*$/, treeLine);
      for (const [n, text] of await visibleLines(page)) assert.ok(!text.includes("…"), `line ${n}'s hint is cut: ${text}`);
      await goToLine(page, SOFTMAX_ENTRY_LINE);
      const editorShots = await gallery(
        page,
        "editor-hover",
        async () => {
          await page.mouse.move(0, 0);
          const hover = await hoverAt(page, "softmax_2pass", { line: SOFTMAX_ENTRY_LINE, expect: /Predicted time/ });
          // The verdict comes first: under the heading, the bound and the predicted time, then occupancy.
          const lines = hover.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
          assert.match(lines[0]!, /entry point .*softmax_2pass/);
          assert.match(lines[1]!, /^(Memory|Compute|Latency|Workgroup-memory)-bound .*· ≈ [\d.]+ (µs|ms|s) on .*estimated/, hover);
          assert.match(lines[2]!, /^Occupancy \d+%, limited by /, hover);
          // It fits the hover: no table wider than two columns, and none wider than the hover.
          const tables = await page.locator(".monaco-hover table").evaluateAll((ts) =>
            ts.map((t) => {
              const hoverBox = t.closest(".monaco-hover")!.getBoundingClientRect();
              const box = t.getBoundingClientRect();
              return { columns: Math.max(...[...(t as HTMLTableElement).rows].map((r) => r.cells.length)), overflow: box.right - hoverBox.right };
            }),
          );
          assert.ok(tables.length > 0, "the breakdown table is in the hover");
          for (const t of tables) {
            assert.ok(t.columns <= 2, `a hover table has ${t.columns} columns`);
            assert.ok(t.overflow <= 1, `a hover table overflows the hover by ${t.overflow} px`);
          }
          // One unit per quantity: the time components share one unit.
          const components = lines.find((l) => l.startsWith("Time components"));
          assert.ok(components, hover);
          assert.equal(new Set(components.match(/\b(µs|ms|s)\b/g)).size, 1, components);
        },
        { webview: false },
      );
      keepForReadme(editorShots[0]!.path, "editor-lens-and-hover");

      // The Roofline beside its kernel: the chart fills the panel, no two labels overlap, and the point's tooltip
      // opens on keyboard focus or pointer hover only, closes when the pointer leaves, and stays inside the panel.
      await runCommand(page, "KernelLens: Show Roofline");
      const rooflineFrame = await pollUntil(
        "the Roofline's chart",
        async () => {
          for (const f of page.frames()) if ((await f.locator("#chart canvas").count().catch(() => 0)) > 0) return f;
          return undefined;
        },
        30_000,
      );
      const checkRoofline = async (): Promise<void> => {
        const f = rooflineFrame;
        const tooltip = f.locator(".chart-tooltip");
        await page.mouse.move(0, 0);
        await pollUntil("the Roofline's tooltip to be closed", async () => !(await tooltip.isVisible()), 5_000);
        const sizes = await f.evaluate(() => ({
          chart: document.querySelector("#chart")!.getBoundingClientRect().width,
          canvas: document.querySelector("#chart canvas")!.getBoundingClientRect().width,
          view: document.documentElement.clientWidth,
        }));
        assert.ok(Math.abs(sizes.canvas - sizes.chart) <= 1, `the chart fills its box: ${JSON.stringify(sizes)}`);
        assert.ok(sizes.chart >= sizes.view * 0.8, `the chart uses the panel's width: ${JSON.stringify(sizes)}`);
        await assertNoLabelOverlaps(f, "the Roofline in the workbench");
        // Keyboard: focus the chart, Home picks the first point and opens its card inside the panel; Escape closes it.
        await f.locator("#chart").focus();
        await page.keyboard.press("Home");
        const box = await tooltipBox(f);
        const inner = await f.evaluate(() => ({ w: window.innerWidth, h: window.innerHeight }));
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= inner.w + 0.5 && box.y + box.height <= inner.h + 0.5, `the tooltip ${JSON.stringify(box)} is inside the ${inner.w}×${inner.h} panel`);
        await page.keyboard.press("Escape");
        await pollUntil("Escape to close the tooltip", async () => !(await tooltip.isVisible()), 5_000);
        // Pointer: on the point it opens, 30 px away it closes.
        await f.locator("#chart").focus();
        await page.keyboard.press("Home");
        const ring = (await f.locator(".point-ring:not([hidden])").first().boundingBox())!;
        await page.keyboard.press("Escape");
        await page.mouse.move(ring.x + ring.width / 2, ring.y + ring.height / 2);
        await pollUntil("hovering the point to open its tooltip", async () => tooltip.isVisible(), 5_000);
        await page.mouse.move(ring.x + ring.width / 2 + 30, ring.y + ring.height / 2 + 30);
        await pollUntil("leaving the point to close its tooltip", async () => !(await tooltip.isVisible()), 5_000);
        // The picture shows the card open, as a user hovering the point sees it.
        await page.mouse.move(ring.x + ring.width / 2, ring.y + ring.height / 2);
        await pollUntil("the tooltip for the picture", async () => tooltip.isVisible(), 5_000);
      };
      await checkRoofline();
      const rooflineShots = await gallery(page, "roofline", checkRoofline);
      keepForReadme(rooflineShots[0]!.path, "roofline");
      await runCommand(page, "View: Close All Editors");

      // The Kernels panel of the same file.
      await openFile(page, "softmax-2pass.wgsl");
      await runCommand(page, "KernelLens: Show Kernels of the Active File");
      await gallery(page, "kernels", async () => {
        const text = await pollUntil(
          "the Kernels panel's table",
          async () => {
            for (const f of page.frames()) {
              const t = await f.locator("#table-host").innerText({ timeout: 200 }).catch(() => "");
              if (/softmax_2pass/.test(t)) return t;
            }
            return undefined;
          },
          30_000,
        );
        // Bindings are the @group/@binding resources: x, y and params, not the two workgroup arrays.
        assert.match(text.replace(/\s+/g, " "), /softmax_2pass compute 256×1×1 3\b/, text);
      });
      await runCommand(page, "View: Close All Editors");

      // The Design-space view of the sweep measured above.
      await openFile(page, SWEEP_FIXTURE);
      await runCommand(page, "KernelLens: Show Design Space (sweep results)");
      // It asks which result: the one the sweep above wrote.
      const result = page.locator(".quick-input-widget .monaco-list-row", { hasText: "sweep-saxpy.saxpy.sweep.json" }).first();
      await result.waitFor({ state: "visible", timeout: 10_000 });
      await result.click();
      // Drawn, not only loaded: the summary and both charts are there before each picture.
      const designSpaceDrawn = async (): Promise<void> => {
        await pollUntil(
          "the Design-space view's summary and charts",
          async () => {
            for (const f of page.frames()) {
              const summary = await f.locator("#summary").innerText({ timeout: 200 }).catch(() => "");
              if (/2 measured/.test(summary) && (await f.locator("canvas").count()) >= 2) return true;
            }
            return undefined;
          },
          30_000,
        );
      };
      const sweepShots = await gallery(page, "design-space", designSpaceDrawn);
      keepForReadme(sweepShots[0]!.path, "design-space");
      await runCommand(page, "View: Close All Editors");

      // The Profiler in the side bar, where users asked for it: at its width each run shows what matters first.
      await runCommand(page, "KernelLens: Show Profiler");
      const profilerFrame = async (surface: "side" | "editor"): Promise<Frame> =>
        pollUntil(
          `the Profiler's page (${surface})`,
          async () => {
            for (const f of page.frames()) {
              const found = await f
                .evaluate((editor) => !!document.querySelector("#grid-host") && document.body.classList.contains("surface-editor") === editor, surface === "editor")
                .catch(() => false);
              if (found) return f;
            }
            return undefined;
          },
          30_000,
        );
      const checkSideBar = async (): Promise<void> => {
        const side = await profilerFrame("side");
        assert.equal(await side.locator("#grid-host").getAttribute("data-layout"), "compact", "the side bar's Profiler uses its compact rows");
        const width = await side.evaluate(() => document.documentElement.clientWidth);
        const softmax = side.locator('[role="row"]', { has: side.locator('[data-testid="compact-kernel"]', { hasText: "softmax_2pass" }) }).first();
        for (const cell of ["compact-kernel", "compact-median", "compact-predicted", "compact-delta", "compact-status"]) {
          // In the page's own coordinates (a locator's boundingBox is the workbench's).
          const box = await softmax.locator(`[data-testid="${cell}"]`).evaluate((el) => {
            const r = el.getBoundingClientRect();
            return { x: r.x, width: r.width };
          });
          assert.ok(box.width > 0, `${cell} is shown for softmax_2pass`);
          assert.ok(box.x >= 0 && box.x + box.width <= width + 1, `${cell} lies inside the ${width} px view (${box.x}..${box.x + box.width})`);
        }
        assert.match(await softmax.locator('[data-testid="compact-median"]').innerText(), /[\d.]+ (ms|µs|s)/);
        assert.match(await softmax.locator('[data-testid="compact-predicted"]').innerText(), /vs ≈[\d.]+ (ms|µs|s)/);
        // The hung kernel's run is a readable row: its status, and why it has no time.
        // (The hung kernel's run; a later run of its edited text passed.)
        const spin = side
          .locator('[role="row"]', { has: side.locator('[data-testid="compact-kernel"]', { hasText: "spin" }) })
          .filter({ has: side.locator('[data-testid="compact-status"]', { hasText: "timed out" }) })
          .first();
        assert.equal(await spin.count(), 1, "the hung kernel's run is listed as timed out");
        assert.match(await spin.locator('[data-testid="compact-detail"]').innerText(), /^timed out after 3 s/);
      };
      await checkSideBar();
      await gallery(page, "profiler-side-bar", checkSideBar);

      // One click opens the whole table wide in an editor tab, every column in view.
      await (await profilerFrame("side")).locator('[data-testid="open-in-editor"]').click();
      const wide = await profilerFrame("editor");
      await pollUntil("the Profiler's editor tab", async () => (await page.locator(".part.editor .tab.active").innerText().catch(() => "")).includes("Profiler"), 10_000);
      assert.equal(await wide.locator("#grid-host").getAttribute("data-layout"), "grid");
      const columns = await wide.locator("thead th[data-column]").evaluateAll((ths) => ths.map((th) => th.getAttribute("data-column")).filter((c) => c !== "pick"));
      assert.ok(columns.length >= 12, `every column in the editor tab: ${JSON.stringify(columns)}`);
      const wideWidth = await wide.evaluate(() => document.documentElement.clientWidth);
      for (const cell of ["col-kernel", "col-median", "col-predicted", "col-error", "col-status"]) {
        const box = await wide.locator(`td.${cell}`).first().evaluate((el) => {
          const r = el.getBoundingClientRect();
          return { x: r.x, width: r.width };
        });
        assert.ok(box.x >= 0 && box.x + box.width <= wideWidth + 1, `${cell} is in view in the editor tab (${box.x}..${box.x + box.width} of ${wideWidth})`);
      }
      // The README's picture: the side bar's compact rows beside the whole table in its tab.
      const profilerShots = await gallery(page, "profiler-editor-tab");
      keepForReadme(profilerShots[0]!.path, "profiler");
      await runCommand(page, "View: Close All Editors");
    }),
  );
});
