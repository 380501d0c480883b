#!/usr/bin/env node
// The `kernellens` command: runs the bundled CLI in dist/ (built by `npm install` through the prepare script).
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const cli = join(__dirname, "..", "dist", "cli.js");
if (!existsSync(cli)) {
  process.stderr.write("kernellens: dist/cli.js is missing; run `npm run build` in the KernelLens folder first\n");
  process.exit(2);
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => process.stdout.write("", () => process.exit(code)));
