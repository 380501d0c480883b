// A Triton kernel's configurations in the Design-space panel page, in real headless Chromium under the real CSP: the
// design the server answers for test/fixtures/triton/matmul-autotuned.py (three autotune configurations, predicted
// only) is shown as the panel shows a sweep: every configuration in the table with its predicted time and nothing
// measured, the Pareto front of predicted time against shared memory, and no variant to open (a configuration is
// chosen at launch), with the reason said.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { analyzeTritonFile } from "../../server/src/analysisService";
import { findDevice } from "../../server/src/core/devices/database";
import { tritonDesignSpace } from "../../server/src/lsp/tritonDesignSpace";
import type { DesignSpaceData } from "../../webview/src/designSpace/protocol";
import { launchChromium, testOutputDir } from "../support/chromium";
import { pythonParser } from "../support/pythonParser";
import { findRepoRoot } from "../support/repoRoot";
import { send, type TestWindow } from "../support/rooflinePage";
import { ensureWebviewBundle, openWebviewPage, startWebviewServer } from "../support/webviewPage";

const root = findRepoRoot(__dirname);
const BASELINE_PROBLEM = "a Triton configuration is chosen when the kernel is launched, so there is no variant source to open";

describe("a Triton kernel's configurations in the Design-space page", () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  before(async () => {
    ensureWebviewBundle("designSpace", { extraOutputs: ["designSpace.bundle.css"], extraSources: ["server/src/core/sweep"] });
    ({ server, origin } = await startWebviewServer("designSpace", { extraUris: { editorStyleUri: "designSpace.bundle.css" }, allow: { styleNonce: true } }));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("tables every configuration with its prediction, draws the front, and says why there is no variant", async () => {
    const file = join(root, "test", "fixtures", "triton", "matmul-autotuned.py");
    const analysis = analyzeTritonFile(readFileSync(file, "utf8"), { model: { device: findDevice("nvidia-h100-sxm")! } }, await pythonParser());
    const result = tritonDesignSpace(analysis, "matmul_kernel", file)!;
    const data: DesignSpaceData = { resultUri: `file://${file}#triton-configs-matmul_kernel`, kernelUri: `file://${file}`, result: JSON.parse(JSON.stringify(result)), baseline: null, baselineProblem: BASELINE_PROBLEM };

    const o = await openWebviewPage(browser, origin, "designSpace.html", { viewport: { width: 1280, height: 900 } });
    try {
      const { page } = o;
      await send(page, { type: "sweep", data });
      await page.waitForFunction(() => Number(document.getElementById("content")?.dataset.renders ?? "0") > 0);
      assert.equal(await page.locator("#content").isHidden(), false);
      // One table row per configuration; the predicted times are the model's, nothing is measured.
      const rows = await page.locator("table tbody tr").allInnerTexts();
      assert.equal(rows.length, 3, rows.join("\n"));
      for (const p of result.points) assert.ok(rows.some((r) => r.includes(String(p.params.BLOCK_SIZE_M)) && r.includes(String(p.params.num_warps))), rows.join("\n"));
      assert.equal(await page.locator("#open-variant").isDisabled(), true);
      assert.match((await page.locator("#variant-note").textContent()) ?? "", /no variant source to open/);
      // Predicted time against shared memory: every configuration is a point, the front among them.
      assert.equal(await page.locator("#pareto-figure").isVisible(), true);
      assert.equal(await page.locator("#pareto-chart").getAttribute("data-plotted"), "3");
      assert.equal(await page.locator("#pareto-x").textContent(), "Predicted time");
      assert.equal(await page.locator("#pareto-y").textContent(), "Shared memory");
      await page.screenshot({ path: join(testOutputDir("webview"), "triton-design-space.png"), fullPage: true });
      assert.deepEqual(await page.evaluate(() => (window as unknown as TestWindow).__kl.violations), []);
      assert.deepEqual([o.consoleErrors, o.pageErrors, o.foreignRequests], [[], [], []]);
    } finally {
      await o.context.close();
    }
  });
});
