// Fails when a custom LSP method declared in server/src/protocol.ts is not documented in docs/protocol.md.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { allMethods } from "../../server/src/protocol";

it("documents every custom method", () => {
  const doc = readFileSync(join(__dirname, "..", "..", "docs", "protocol.md"), "utf8");
  const headings = new Set([...doc.matchAll(/^## `([^`]+)`/gm)].map((m) => m[1]));
  const missing = allMethods.filter((m) => !headings.has(m));
  assert.deepEqual(missing, [], "methods without a section in docs/protocol.md");
  const protocolSource = readFileSync(join(__dirname, "..", "..", "server", "src", "protocol.ts"), "utf8");
  const declared = [...protocolSource.matchAll(/= "(kernellens\/[A-Za-z]+)" as const/g)].map((m) => m[1]);
  assert.deepEqual([...declared].sort(), [...allMethods].sort(), "allMethods lists every declared method");
});
