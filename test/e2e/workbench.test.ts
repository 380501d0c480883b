// End-to-end test in a real VS Code workbench (code-server 4.100.3 + Chromium): WGSL highlighting, Tint diagnostics, hovers and document symbols from KernelLens,
// and a CUDA file (VS Code's built-in cuda-cpp language) with its lenses, kernel hover and a finding, and a Triton file
// (Python) with its best-of-configurations lens and side-by-side hover, next to a plain Python file that gets nothing.
//
// Run: node --import tsx --test test/e2e/workbench.test.ts   (npm run test:e2e builds dist/ first)
// The first run installs code-server into ~/.cache/kernellens (about a minute); later runs reuse it.
// Screenshots go to test-output/e2e/, the server's and VS Code's logs to test-output/e2e/logs/.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, testOutputDir } from "../support/chromium";
import {
  activeTabDirty,
  type CodeServer,
  documentSymbols,
  goToLine,
  hoverAt,
  hoverAtPoint,
  languageStatus,
  openFile,
  openWorkbench,
  pollUntil,
  runCommand,
  screenshot,
  squiggles,
  startCodeServer,
  tokenClasses,
  visibleLines,
  waitForNoSquiggle,
  waitForSquiggle,
  workbenchConsoleErrors,
} from "./codeServer";

const repo = new URL("../..", import.meta.url).pathname;
const EXAMPLE = "saxpy.wgsl";
const BAD_LINE = "let bad: i32 = 1.5;";
const TINT_MESSAGE = "cannot convert value of type 'abstract-float' to type 'i32'";
/** A CUDA test kernel with a finding (the unpadded tile's 32-way bank conflict), copied into the workspace. */
const CUDA_FIXTURE = "transpose-smem.cu";
const CUDA_FILE = `cuda/${CUDA_FIXTURE}`;
/** A Triton kernel autotuned over three configurations, and a Python file with no Triton, copied into the workspace. */
const TRITON_FIXTURE = "matmul-autotuned.py";
const TRITON_FILE = `triton/${TRITON_FIXTURE}`;
const PLAIN_PYTHON_FILE = "triton/plain.py";

/** The 1-based line of the first line of `source` that contains `needle`. */
function lineOf(source: string, needle: string): number {
  const at = source.indexOf(needle);
  assert.ok(at >= 0, `'${needle}' not found`);
  return source.slice(0, at).split("\n").length;
}

/** Builtins a hover test can use, in order of preference; the first one the example calls is hovered. */
const BUILTINS = ["fma", "min", "max", "clamp", "arrayLength", "select", "abs", "dot", "mix", "sqrt", "workgroupBarrier"];

/** Where the example's first compute entry point is: its name and the 1-based line of its body's opening brace. */
function entryPoint(source: string): { name: string; braceLine: number } {
  const match = /@compute[\s\S]*?\bfn\s+(\w+)\s*\(/.exec(source);
  assert.ok(match, `${EXAMPLE} has no @compute entry point`);
  const brace = source.indexOf("{", match.index + match[0].length);
  assert.ok(brace > 0, `${EXAMPLE}: no body after fn ${match[1]}`);
  return { name: match[1]!, braceLine: source.slice(0, brace).split("\n").length };
}

/** The first builtin from BUILTINS that the source calls, with the 1-based line of that call. */
function builtinCall(source: string): { name: string; line: number } {
  const lines = source.split("\n");
  for (const name of BUILTINS) {
    const line = lines.findIndex((text) => !text.trimStart().startsWith("//") && new RegExp(`\\b${name}\\s*\\(`).test(text));
    if (line >= 0) return { name, line: line + 1 };
  }
  assert.fail(`${EXAMPLE} calls none of the builtins ${BUILTINS.join(", ")}`);
}

/** Types BAD_LINE as a new first line of the entry point body, checks Tint's squiggle and hover, then undoes it. */
async function typeErrorScenario(page: Page, braceLine: number, badLine: number): Promise<void> {
  await goToLine(page, braceLine);
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type(BAD_LINE);
  await pollUntil(
    `line ${badLine} to read "${BAD_LINE}"`,
    async () => (await visibleLines(page)).get(badLine)?.trim() === BAD_LINE,
    10_000,
  );
  // The first analysis may wait for the server to start and Dawn to load.
  await waitForSquiggle(page, "error", badLine, 60_000);
  const errorLines = [...(await squiggles(page, "error")).keys()];
  assert.deepEqual(errorLines, [badLine], `error squiggles should be on line ${badLine} only`);
  await screenshot(page, "2a-tint-error-squiggle");
  const hover = await hoverAt(page, "1.5", { line: badLine, expect: TINT_MESSAGE });
  assert.ok(hover.includes(TINT_MESSAGE), hover);
  await screenshot(page, "2b-tint-error-hover");

  await page.mouse.move(1, 1);
  await page.keyboard.press("Escape");
  // Undo until the editor is back at the saved text (one undo may not take back both the newline and the typing).
  for (let i = 0; i < 10 && (await activeTabDirty(page)); i++) {
    const before = (await visibleLines(page)).get(badLine);
    await page.keyboard.press("Control+Z");
    await pollUntil("the undo to change the editor", async () => (await visibleLines(page)).get(badLine) !== before || !(await activeTabDirty(page)), 5_000);
  }
  assert.equal(await activeTabDirty(page), false, "undo should bring the file back to its saved text");
  await waitForNoSquiggle(page, "error", undefined, 60_000);
}

describe("KernelLens in a VS Code workbench (code-server)", () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let workspace: string | undefined;
  let source = "";
  let cudaSource = "";
  let tritonSource = "";
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
      const client = join(repo, "dist", "client.js");
      if (!existsSync(client)) {
        throw new Error(`${client} does not exist: build the extension first with \`node build.mjs\` (npm test and npm run test:e2e do it)`);
      }
      const example = join(repo, "examples", EXAMPLE);
      if (!existsSync(example)) throw new Error(`${example} does not exist: the scenario opens the repo's example`);
      source = readFileSync(example, "utf8");
      // Screenshots and logs of earlier runs (a stale *-FAILED.png would mislead).
      // Only this suite's own screenshots: other e2e suites keep theirs.
      for (const f of existsSync(testOutputDir("e2e")) ? readdirSync(testOutputDir("e2e")) : []) {
        if (/^\d/.test(f)) rmSync(join(testOutputDir("e2e"), f), { force: true });
      }
      workspace = mkdtempSync(join(tmpdir(), "kernellens-e2e-ws-"));
      cpSync(join(repo, "examples"), workspace, { recursive: true });
      cpSync(join(repo, "test", "fixtures", "cuda", CUDA_FIXTURE), join(workspace, CUDA_FILE));
      cudaSource = readFileSync(join(repo, "test", "fixtures", "cuda", CUDA_FIXTURE), "utf8");
      cpSync(join(repo, "test", "fixtures", "triton", TRITON_FIXTURE), join(workspace, TRITON_FILE));
      cpSync(join(repo, "test", "fixtures", "triton", "plain.py"), join(workspace, PLAIN_PYTHON_FILE));
      tritonSource = readFileSync(join(repo, "test", "fixtures", "triton", TRITON_FIXTURE), "utf8");
      try {
        server = await startCodeServer({
          workspace,
          extensionPath: repo,
          settings: {
            // Typing must produce exactly the typed text: no suggestion may be accepted by `=` or `;`.
            "editor.quickSuggestions": { other: "off", comments: "off", strings: "off" },
            "editor.suggestOnTriggerCharacters": false,
            "editor.acceptSuggestionOnCommitCharacter": false,
            "editor.acceptSuggestionOnEnter": "off",
            "editor.parameterHints.enabled": false,
            "editor.minimap.enabled": false,
            "editor.hover.delay": 200,
          },
        });
        browser = await launchChromium();
        page = await openWorkbench(browser, server.url, workspace);
      } catch (err) {
        await cleanUp();
        throw err;
      }
    },
    { timeout: 20 * 60_000 }, // the first run installs code-server
  );

  after(async () => {
    await cleanUp();
    process.stderr.write(`[e2e] scenario took ${((Date.now() - started) / 1000).toFixed(1)} s (including any install)\n`);
  });

  it(`opens ${EXAMPLE} as WGSL with syntax highlighting`, { timeout: 120_000 }, () =>
    step("1-open-highlighted", async (page) => {
      await openFile(page, EXAMPLE);
      await pollUntil('the language status to read "WGSL"', async () => (await languageStatus(page)) === "WGSL", 30_000);
      // The grammar colours the `fn` keyword: its token gets a theme class other than the default foreground (mtk1).
      await pollUntil(
        "the `fn` keyword to be highlighted (a token class other than mtk1)",
        async () => (await tokenClasses(page, "fn")).some((cls) => /\bmtk\d+\b/.test(cls) && !/\bmtk1\b/.test(cls)),
        30_000,
      );
    }),
  );

  it("shows Tint's type error on the edited line, with Tint's message in the hover, and clears it on undo", { timeout: 180_000 }, () =>
    step("2-tint-error", async (page) => {
      const { braceLine } = entryPoint(source);
      const badLine = braceLine + 1;
      try {
        await typeErrorScenario(page, braceLine, badLine);
      } finally {
        // Whatever happened, leave the file as saved so the next steps see the example's own lines.
        if (await activeTabDirty(page)) await runCommand(page, "File: Revert File");
      }
    }),
  );

  it("hovers a builtin call with documentation from the server", { timeout: 120_000 }, () =>
    step("3-builtin-hover", async (page) => {
      const call = builtinCall(source);
      await goToLine(page, call.line);
      const hover = await hoverAt(page, call.name, {
        line: call.line,
        // The server's documentation: the builtin's signature (`fn fma(e1: T, ...) -> T`) followed by prose.
        expect: new RegExp(`\\bfn ${call.name}\\([^)]*\\)[\\s\\S]*?(\\w+\\W+){3,}`),
        timeoutMs: 30_000,
      });
      assert.match(hover, new RegExp(`\\bfn ${call.name}\\(`));
    }),
  );

  it("lists the entry point among the document symbols (quick open @)", { timeout: 120_000 }, () =>
    step("4-document-symbols", async (page) => {
      const { name } = entryPoint(source);
      const labels = await documentSymbols(page, { expect: name, timeoutMs: 30_000, keepOpen: true });
      assert.ok(labels.some((label) => label.includes(name)), `symbols: ${labels.join(" | ")}`);
      await screenshot(page, "4a-document-symbols-listed");
      await page.keyboard.press("Escape");
    }),
  );

  it("shows the cost model's code lens above the entry point", { timeout: 120_000 }, () =>
    step("5-cost-model-code-lens", async (page) => {
      // saxpy over 2^20 floats: 2 FLOPs each, 12 MB of traffic, memory-bound on the default device.
      // The lens is the verdict and the time; its tooltip has the whole summary and the device.
      const lens = await pollUntil(
        "the cost-model code lens",
        async () => {
          const links = await page.locator(".codelens-decoration a").evaluateAll((as) => as.map((a) => ({ text: a.textContent ?? "", title: a.getAttribute("title") ?? "" })));
          return links.find((l) => /-bound · ≈ /.test(l.text)) ?? false;
        },
        30_000,
      );
      assert.match(lens.text.trim(), /^memory-bound · ≈ [\d.]+ µs$/);
      assert.match(lens.title, /≈ 2\.1 MFLOP · 13 MB DRAM · AI 0\.17 FLOP\/B · memory-bound · occupancy \d+% .* on RTX 4090/);
    }),
  );

  it("analyses a CUDA file: a lens pair per kernel, the breakdown hover on its name, and a finding", { timeout: 180_000 }, () =>
    step("6-cuda-file", async (page) => {
      await openFile(page, CUDA_FILE);
      // VS Code's own CUDA language: KernelLens contributes none.
      await pollUntil('the language status to read "CUDA C++"', async () => (await languageStatus(page)) === "CUDA C++", 30_000);
      const kernelLine = lineOf(cudaSource, "__global__ void transpose_smem");
      await goToLine(page, kernelLine);
      // Two instantiations (PAD = 0 and 1), each with its summary and Roofline lens, from the CUDA front-end.
      const lens = await pollUntil(
        "the CUDA kernels' code lenses",
        async () => {
          const texts = await page.locator(".codelens-decoration").allInnerTexts();
          return texts.find((t) => (t.match(/Roofline/g) ?? []).length === 2 && /-bound · ≈ /.test(t)) ?? false;
        },
        60_000,
      );
      assert.match(lens, /memory-bound/);
      const hover = await hoverAt(page, "transpose_smem", { line: kernelLine, expect: /Predicted time/, timeoutMs: 30_000 });
      assert.match(hover, /kernel transpose_smem<0>/);
      assert.match(hover, /block 32×8×1 · grid 128×128×1/);
      await screenshot(page, "6a-cuda-kernel-hover");
      const findingLine = lineOf(cudaSource, "= tile[threadIdx.x][threadIdx.y + j]");
      await goToLine(page, findingLine);
      const squiggle = await waitForSquiggle(page, "warning", findingLine, 60_000);
      const finding = await hoverAtPoint(page, squiggle.x + squiggle.width / 2, squiggle.y + squiggle.height / 2, { expect: "bank conflict", timeoutMs: 30_000 });
      assert.match(finding, /32-way bank conflict on 'tile'/);
    }),
  );

  it("analyses a Triton file: one lens naming the best of its configurations, and a hover comparing them", { timeout: 180_000 }, () =>
    step("7-triton-file", async (page) => {
      await openFile(page, TRITON_FILE);
      const kernelLine = lineOf(tritonSource, "def matmul_kernel");
      await goToLine(page, kernelLine);
      const lens = await pollUntil(
        "the Triton kernel's code lens",
        async () => {
          const texts = await page.locator(".codelens-decoration").allInnerTexts();
          return texts.find((t) => /best of 3 configs: BLOCK_SIZE_M=\d+ BLOCK_SIZE_N=\d+ BLOCK_SIZE_K=\d+ w\d s\d/.test(t)) ?? false;
        },
        60_000,
      );
      // Codicons render as icons: no `$(graph)` text and no emoji in the Triton lenses.
      assert.doesNotMatch(lens, /\$\(|📈/);
      assert.match(lens, /≈ [\d.]+ (µs|ms) best of 3 configs/);
      const hover = await hoverAt(page, "matmul_kernel", { line: kernelLine, expect: /3 configurations/, timeoutMs: 30_000 });
      assert.match(hover, /Shared memory/);
      assert.match(hover, /estimated/);
      await screenshot(page, "7a-triton-kernel-hover");

      // A Python file without Triton: KernelLens shows nothing on it.
      await openFile(page, PLAIN_PYTHON_FILE);
      await new Promise((r) => setTimeout(r, 5_000));
      const plainLenses = await page.locator(".codelens-decoration").allInnerTexts();
      assert.deepEqual(plainLenses.filter((t) => /FLOP|configs|Roofline/.test(t)), [], "no KernelLens lens on a plain Python file");
    }),
  );

  it("words what it shows rightly: a broadcast, bandwidth for a kernel with no FLOPs, one warning per access, the directive as written", { timeout: 180_000 }, () =>
    step("8-wording", async (page) => {
      const read = (name: string): string => readFileSync(join(repo, "examples", name), "utf8");
      // Every invocation of a row reads the same bias: a broadcast, not "0 elements apart".
      const conv = read("conv2d.wgsl");
      await openFile(page, "conv2d.wgsl");
      const biasLine = lineOf(conv, "var acc = bias[oc];");
      await goToLine(page, biasLine);
      const bias = await hoverAt(page, "bias[oc]", { line: biasLine, expect: /load of/ });
      assert.match(bias, /a broadcast, one transaction serves the warp/);
      assert.doesNotMatch(bias, /0 elements? apart|strided/);

      // A transpose does no floating-point work: the hover gives the bandwidth it reaches, not "0 FLOP/s".
      const transpose = read("transpose-naive.wgsl");
      await openFile(page, "transpose-naive.wgsl");
      const entry = lineOf(transpose, "fn transpose_naive");
      await goToLine(page, entry);
      const hover = await hoverAt(page, "transpose_naive", { line: entry, expect: /Predicted time/ });
      assert.match(hover, /Bound\s+memory, [\d.,]+ [GT]B\/s of DRAM bandwidth, \d+% of the [\d.,]+ [GT]B\/s peak/);
      assert.doesNotMatch(hover, /\b0 [GMT]?FLOP\/s/);

      // The int4 GEMV with its dequantization placed well gets one warning (its narrow packed reads); the badly
      // placed one two (and its inner-loop scale): no access is warned about twice.
      const warningLines = async (file: string, expected: number): Promise<number[]> => {
        await openFile(page, file);
        // Squiggles are drawn only where the editor shows: the kernel's inner loop, where both findings sit.
        await goToLine(page, lineOf(read(file), "= w["));
        return pollUntil(`${expected} warning line(s) in ${file}`, async () => {
          const lines = [...(await squiggles(page, "warning")).keys()];
          return lines.length === expected ? lines : undefined;
        }, 30_000);
      };
      const good = read("quant/int4-gemv-good.wgsl");
      assert.deepEqual(await warningLines("quant/int4-gemv-good.wgsl", 1), [lineOf(good, "= w[")]);
      assert.equal((await warningLines("quant/int4-gemv-bad.wgsl", 2)).length, 2);

      // The binding's hover quotes the directive as the author wrote it.
      const q4 = read("quant/q4_0-gemv.wgsl");
      await openFile(page, "quant/q4_0-gemv.wgsl");
      const wLine = lineOf(q4, "var<storage, read> w:");
      await goToLine(page, wLine);
      const w = await hoverAt(page, "w", { line: wLine, occurrence: 0, expect: /q4_0/ });
      assert.match(w, /\/\/ @quantize w: q4_0/);
      assert.doesNotMatch(w, /\/\/ @quant w/);
    }),
  );
});
