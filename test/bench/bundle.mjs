// `npm run bench`: bundles the benchmarks with esbuild, as the shipped server is bundled, and runs them.
//
// Timing the bundle rather than the TypeScript sources under tsx measures the code users run (tsx's development
// transform adds per-closure overhead the production bundle does not have).
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const out = join(root, "dist-bench", "bench.mjs");
await esbuild.build({
  entryPoints: [join(root, "test", "bench", "run.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  outfile: out,
  // wgsl_reflect (compared against in the front-end benchmark) ships its ES module build under "module".
  mainFields: ["module", "main"],
  // Playwright drives Chromium for the panel benchmarks; it loads its own files at run time, so it stays a package.
  external: ["playwright-core"],
  // Code written for CommonJS (__dirname, require of Dawn's addon) keeps working in the ES module bundle.
  banner: {
    js: [
      'import { fileURLToPath as __kl_fileURLToPath } from "node:url";',
      'import { dirname as __kl_dirname } from "node:path";',
      'import { createRequire as __kl_createRequire } from "node:module";',
      "const __filename = __kl_fileURLToPath(import.meta.url);",
      "const __dirname = __kl_dirname(__filename);",
      "const require = __kl_createRequire(import.meta.url);",
    ].join("\n"),
  },
  logLevel: "warning",
});
console.log("KernelLens benchmarks (this machine is shared and noisy: read ratios, not absolute times)\n");
let failed = false;
for (const bench of ["frontend", "model", "server", "cuda", "triton", "helper", "panels", "sweep", "accuracy"]) {
  const r = spawnSync(process.execPath, [out, bench], { stdio: "inherit", cwd: root });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
