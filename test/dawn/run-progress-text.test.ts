// Progress text says what is happening once (issue 17): every report of a real run (saxpy on the real adapter, its
// check and the checked run included), as the terminal prints it and as the editor's notification shows it
// ("title: message"), names the entry point once and repeats no phrase.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runProgressMessage, runProgressTitle } from "../../client/src/run/progressText";
import { GpuHelperProcess } from "../../server/src/gpu/helperClient";
import { runKernel } from "../../server/src/run/runKernel";

const root = join(__dirname, "..", "..");
const helper = new GpuHelperProcess();
after(() => helper.dispose());

/** Words in order, lower case, punctuation around them dropped (a path such as js:./ref/saxpy.mjs stays one word). */
const words = (text: string): string[] =>
  text.toLowerCase().split(/\s+/).map((w) => w.replace(/^[^a-z0-9_]+|[^a-z0-9_]+$/g, "")).filter((w) => w.length > 0);

/** A phrase of two or more words said twice in `text`, or undefined. */
function repeatedPhrase(text: string): string | undefined {
  const w = words(text);
  const seen = new Set<string>();
  for (let i = 0; i + 1 < w.length; i++) {
    const pair = `${w[i]} ${w[i + 1]}`;
    if (seen.has(pair)) return pair;
    seen.add(pair);
  }
  return undefined;
}

const count = (text: string, word: string): number => words(text).filter((w) => w === word).length;

describe("a run's progress text", { timeout: 120000 }, () => {
  it("the phrase detector finds the issue's example", () => {
    assert.equal(repeatedPhrase("running matmul_tiled: running matmul_tiled"), "running matmul_tiled");
    assert.equal(repeatedPhrase("KernelLens: running matmul_tiled: timed run 2 of 5"), undefined);
  });

  it("names the entry once in the terminal and once in the notification, with no repeated phrase", async () => {
    const file = join(root, "examples", "saxpy.wgsl");
    const events: { message: string; step?: string }[] = [];
    const [outcome] = await runKernel(
      helper,
      { file, text: readFileSync(file, "utf8"), lets: new Map([["N", 4096]]), warmup: 1, repeat: 2, timeoutMs: 60000, allowWorkspaceCode: true, boundsCheck: true },
      undefined,
      (message, _fraction, step) => events.push({ message, step }),
    );
    assert.equal(outcome?.status, "passed", JSON.stringify(outcome?.error));
    const entrySteps = events.filter((e) => e.message !== "analysing" && e.message !== "done");
    // The phases a user waits through are all reported: planning, the GPU runs one by one, reading back, the checks.
    for (const phase of [/planning/, /warm-up run 1 of/, /timed run 2 of/, /reading back/, /array bounds/, /checking out against/]) {
      assert.ok(entrySteps.some((e) => phase.test(e.step ?? "")), `a step matching ${phase} in ${JSON.stringify(entrySteps.map((e) => e.step))}`);
    }
    const title = runProgressTitle("run", "saxpy");
    for (const e of entrySteps) {
      // The terminal line (kernellens run) names the entry once.
      assert.equal(count(e.message, "saxpy"), 1, e.message);
      assert.equal(repeatedPhrase(e.message), undefined, e.message);
      // The notification: the title names it, the message does not again.
      const shown = `${title}: ${runProgressMessage(e.message, e.step)}`;
      assert.equal(count(shown, "saxpy"), 1, shown);
      assert.ok(count(shown, "running") <= 1, shown);
      assert.equal(repeatedPhrase(shown), undefined, shown);
    }
    assert.equal(`${runProgressTitle("profile", "saxpy")}: ${runProgressMessage("saxpy: timed run 2 of 5", "timed run 2 of 5")}`, "KernelLens: profiling saxpy: timed run 2 of 5");
  });
});
