// Times the full analysis of the 1,000-line benchmark file at HEAD's working tree and at an earlier commit, in one run.
//
// `node --import tsx test/bench/modelTimeAgainst.ts REV [RUNS]` checks REV out into a temporary git worktree (with
// this checkout's node_modules linked in), bundles both trees' `analyzeSource` with esbuild (as `npm run bench` and
// the shipped server are bundled), and alternates them on the same text so machine noise falls on both alike. It
// prints p50/p95 of each and the ratio now / before: the check that a redesign of the core made it no slower.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as esbuild from "esbuild";
import { findRepoRoot } from "../support/repoRoot";
import { modelledKernelFile } from "./modelTime";
import { fmt, summarize } from "./stats";

type Analyze = (text: string, options: { model: { device: unknown } }) => { models: ReadonlyMap<string, unknown> };

async function main(): Promise<void> {
  const rev = process.argv[2];
  const runs = Number(process.argv[3] ?? 100);
  if (!rev) throw new Error("usage: modelTimeAgainst.ts REV [RUNS]");
  const root = findRepoRoot();
  const dir = mkdtempSync(join(tmpdir(), "kl-bench-before-"));
  execFileSync("git", ["worktree", "add", "--detach", dir, rev], { cwd: root, stdio: "ignore", timeout: 60_000 });
  try {
    if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const bundle = async (tree: string, name: string): Promise<{ analyzeSource: Analyze; device: unknown }> => {
      const outfile = join(dir, `${name}.bench.mjs`);
      await esbuild.build({
        stdin: {
          contents: `export { analyzeSource } from "./server/src/core/analysis/sourceAnalysis"; export { findDevice, DEFAULT_DEVICE_ID } from "./server/src/core/devices/database";`,
          resolveDir: tree,
          loader: "ts",
        },
        bundle: true, platform: "node", target: "node20", format: "esm", outfile, logLevel: "silent",
      });
      const m = await import(outfile);
      return { analyzeSource: m.analyzeSource, device: m.findDevice(m.DEFAULT_DEVICE_ID) };
    };
    const beforeBundle = await bundle(dir, "before");
    const nowBundle = await bundle(root, "now");
    const before = beforeBundle.analyzeSource;
    const now = nowBundle.analyzeSource;
    const text = modelledKernelFile(1000);
    const deviceNow = nowBundle.device;
    const deviceBefore = beforeBundle.device;
    const kernels = [before(text, { model: { device: deviceBefore } }).models.size, now(text, { model: { device: deviceNow } }).models.size];
    for (let i = 0; i < 5; i++) {
      before(text, { model: { device: deviceBefore } });
      now(text, { model: { device: deviceNow } });
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      before(text, { model: { device: deviceBefore } });
      a.push(performance.now() - t);
      t = performance.now();
      now(text, { model: { device: deviceNow } });
      b.push(performance.now() - t);
    }
    const sa = summarize(a);
    const sb = summarize(b);
    console.log(`${text.split("\n").length} lines, ${kernels[0]} kernels modelled before, ${kernels[1]} now; ${runs} alternating runs`);
    console.log(`before (${rev}): p50 ${fmt(sa.p50)} ms, p95 ${fmt(sa.p95)} ms`);
    console.log(`now (working tree): p50 ${fmt(sb.p50)} ms, p95 ${fmt(sb.p95)} ms`);
    console.log(`ratio now / before: p50 ${(sb.p50 / sa.p50).toFixed(2)}, p95 ${(sb.p95 / sa.p95).toFixed(2)}`);
  } finally {
    execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: root, stdio: "ignore", timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
