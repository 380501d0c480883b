// Finds the repository root from wherever this code runs: the sources (test/...) or a bundle (dist-bench/...).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function findRepoRoot(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && /"name":\s*"kernellens"/.test(readFileSync(pkg, "utf8"))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(from, "..", "..");
}
