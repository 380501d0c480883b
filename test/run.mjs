// Runs the test suites: `node test/run.mjs [unit|dawn|webview|e2e|lint ...]`; no argument runs them all in order.
//
// Every suite uses node's own test runner over TypeScript files (loaded with tsx). The build and the type check run
// first, because the Dawn, webview and end-to-end suites exercise the bundles in dist/ exactly as users get them.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const all = ["lint", "unit", "server", "dawn", "webview", "e2e"];
// `--update-docs` (npm run screenshots): the end-to-end suite also copies the README's pictures to docs/screenshots/.
const updateDocs = process.argv.includes("--update-docs");
if (updateDocs) process.env.KERNELLENS_UPDATE_DOCS = "1";
const asked = process.argv.slice(2).filter((a) => a !== "--update-docs");
const suites = asked.length > 0 ? asked : all;

// Sweeps in the tests measure afresh: never served from (or written into) the user's own sweep cache.
const sweepCache = mkdtempSync(join(tmpdir(), "kl-test-sweep-cache-"));

function run(title, cmd, args, env = {}) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, KERNELLENS_SWEEP_CACHE_DIR: sweepCache, ...env } });
  console.log(`=== ${title}: ${result.status === 0 ? "ok" : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status === 0;
}

function testFiles(dir) {
  const full = join(root, "test", dir);
  if (!existsSync(full)) return [];
  const found = [];
  for (const name of readdirSync(full).sort()) {
    const path = join(full, name);
    if (statSync(path).isDirectory()) found.push(...testFiles(join(dir, name)));
    else if (name.endsWith(".test.ts")) found.push(join("test", dir, name));
  }
  return found;
}

let ok = run("build", process.execPath, ["build.mjs"]);
for (const suite of suites) {
  if (!ok) break;
  if (suite === "lint") {
    ok = run("typecheck", process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", ".", "--noEmit"]) && ok;
    ok = run("eslint", process.execPath, [join(root, "node_modules/eslint/bin/eslint.js"), "."]) && ok;
    continue;
  }
  const files = testFiles(suite);
  if (files.length === 0) {
    console.log(`\n=== ${suite}: no test files`);
    continue;
  }
  // Suites that drive processes (Dawn, Chromium, a VS Code server) run one file at a time: the machine has 2 cores.
  const concurrency = suite === "unit" ? [] : ["--test-concurrency=1"];
  ok = run(suite, process.execPath, ["--import", "tsx", "--test", ...concurrency, ...files]) && ok;
}
process.exit(ok ? 0 : 1);
