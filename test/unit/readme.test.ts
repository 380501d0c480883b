// The README is part of the product: every setting, every section the CLI points to, every picture it shows.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { usage } from "../../server/src/cli/args";

const root = new URL("../..", import.meta.url).pathname;
const readme = readFileSync(join(root, "README.md"), "utf8");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } | { properties: Record<string, { default?: unknown }> }[] };
};

/** The rows of the README's settings table: setting → its default column, as written. */
function settingsTable(): Map<string, string> {
  const section = readme.slice(readme.indexOf("\n## Settings"), readme.indexOf("\n## ", readme.indexOf("\n## Settings") + 1));
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\| `(kernellens\.[\w.]+)` \| `([^`]*)` \|/gm)) rows.set(m[1]!, m[2]!);
  return rows;
}

describe("README", () => {
  it("lists every setting the extension contributes, with its default", () => {
    const configuration = manifest.contributes.configuration;
    const properties = Array.isArray(configuration) ? Object.assign({}, ...configuration.map((c) => c.properties)) : configuration.properties;
    const table = settingsTable();
    const missing = Object.keys(properties).filter((k) => !table.has(k));
    assert.deepEqual(missing, [], `settings missing from the README's table: ${missing.join(", ")}`);
    for (const [key, spec] of Object.entries(properties) as [string, { default?: unknown }][]) {
      const shown = table.get(key)!;
      const expected = typeof spec.default === "string" ? (spec.default === "" ? '""' : spec.default) : JSON.stringify(spec.default);
      assert.equal(shown, expected, `${key}: the README says the default is ${shown}, package.json ${expected}`);
    }
    const extra = [...table.keys()].filter((k) => !(k in properties));
    assert.deepEqual(extra, [], `the README lists settings that do not exist: ${extra.join(", ")}`);
  });

  it("has every section the command line's help points to", () => {
    const pointers = [...usage.matchAll(/see README: "([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(pointers.length > 0, "the help points into the README");
    for (const title of pointers) assert.match(readme, new RegExp(`^#+ ${title}$`, "m"), `no README section "${title}"`);
  });

  it("documents --sarif with analyze, the command that takes it", () => {
    const commands = readme.slice(readme.indexOf("\n## Command line"), readme.indexOf("\n### CLI contract"));
    const analyze = commands.slice(commands.indexOf("- `analyze`"), commands.indexOf("\n- `", commands.indexOf("- `analyze`") + 1));
    assert.match(analyze, /--sarif/);
    const others = commands.replace(analyze, "");
    assert.doesNotMatch(others.replace(/^kernellens analyze .*$/m, ""), /--sarif/, "--sarif is described under another command");
  });

  it("shows pictures that exist", () => {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(images.length >= 4, "the lens and hover, the roofline, the profiler and a sweep");
    for (const image of images) {
      const path = join(root, image);
      assert.ok(existsSync(path), `${image} does not exist (npm run screenshots takes it)`);
      assert.deepEqual([...readFileSync(path).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${image} is a PNG`);
    }
  });

  it("counts the quantization findings it names", () => {
    const m = /and (\w+) findings point at costs: ([^.]*(?:\.\d[^.]*)*)\./.exec(readme);
    assert.ok(m, "the quantization paragraph names its findings");
    const words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    const named = new Set([...m[2]!.matchAll(/`([a-z0-9-]+)`/g)].map((c) => c[1]!));
    assert.equal(words.indexOf(m[1]!), named.size, `"${m[1]} findings" but it names ${[...named].join(", ")}`);
  });
});
