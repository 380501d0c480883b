// Holds the extension client (client/src) to its architecture, reading the sources as text (they import vscode, which
// a unit test cannot load):
//   - commands are registered from one table (client/src/extension.ts), which matches package.json;
//   - settings are read only through the typed configuration in client/src/config.ts, which covers every setting;
//   - the client reaches server/src only through the engine facade (server/src/engine.ts) and the LSP protocol
//     declarations (server/src/protocol.ts), and the facade exports nothing the client does not use.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, it } from "node:test";

const root = resolve(__dirname, "..", "..");
const clientDir = join(root, "client", "src");
const tableModule = "extension.ts";
const configModule = "config.ts";
/** What client/src may import from server/src, without extension. */
const allowedServerModules = ["server/src/engine", "server/src/protocol"];

interface Source {
  /** Relative to client/src, with forward slashes. */
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

function clientSources(dir = clientDir): Source[] {
  const out: Source[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...clientSources(path));
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) out.push({ name: relative(clientDir, path).split(sep).join("/"), path, text: readFileSync(path, "utf8") });
  }
  return out;
}

const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  contributes: { commands: { command: string }[]; menus?: Record<string, { command: string }[]>; configuration: { properties: Record<string, unknown> } };
};
const sources = clientSources();
const source = (name: string): Source => {
  const found = sources.find((s) => s.name === name);
  assert.ok(found, `client/src/${name} exists`);
  return found;
};

/** The text without comments (a comment may name registerCommand or getConfiguration; only code counts). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/** The keys of the object literal that follows `label:` in `text` (the table's blocks hold no braces). */
function tableKeys(text: string, label: string): string[] {
  const block = new RegExp(`\\b${label}:\\s*\\{([^{}]*)\\}`).exec(text);
  assert.ok(block, `the command table has a \`${label}\` block`);
  return [...block[1]!.matchAll(/^\s*"([^"]+)"\s*:/gm)].map((m) => m[1]!);
}

/** Every module specifier a source names: static and dynamic imports, re-exports, side-effect imports, require. */
function specifiers(text: string): string[] {
  const patterns = [/\bfrom\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /^\s*import\s*["']([^"']+)["']/gm, /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1]!));
}

/** The client files' imports that reach into server/ other than through the allowed modules. */
function boundaryViolations(files: readonly Source[]): string[] {
  const bad: string[] = [];
  for (const file of files) {
    for (const spec of specifiers(file.text)) {
      if (!spec.startsWith(".")) continue; // packages (vscode, node:*, vscode-languageclient)
      const target = relative(root, resolve(dirname(file.path), spec)).split(sep).join("/").replace(/\.(ts|js)$/, "");
      if (target.startsWith("server/") && !allowedServerModules.includes(target)) bad.push(`client/src/${file.name} imports ${spec}`);
    }
  }
  return bad;
}

describe("client commands and settings", () => {
  const table = source(tableModule).text;
  const contributed = tableKeys(table, "contributed");
  const internal = tableKeys(table, "internal");

  it("registers exactly the commands package.json contributes, each once", () => {
    const declared = packageJson.contributes.commands.map((c) => c.command);
    assert.deepEqual([...contributed].sort(), [...declared].sort(), "the table's `contributed` block and package.json contributes.commands");
    const all = [...contributed, ...internal];
    assert.deepEqual(all.filter((id, i) => all.indexOf(id) !== i), [], "command ids in the table more than once");
    assert.deepEqual(internal.filter((id) => declared.includes(id)), [], "internal commands that package.json contributes (move them to `contributed`)");
  });

  it("registers commands only in the table module", () => {
    const outside = sources.filter((s) => s.name !== tableModule && /\bregister(TextEditor)?Command\b/.test(code(s.text))).map((s) => s.name);
    assert.deepEqual(outside, [], `files other than client/src/${tableModule} that call registerCommand`);
  });

  it("gives every command factory an id, and every id the client runs a registration", () => {
    const factories = [...source("commands.ts").text.matchAll(/^export const (\w+): CommandFactory\b/gm)].map((m) => m[1]!);
    const used = new Set([...table.matchAll(/\bcmd\.(\w+)\b/g)].map((m) => m[1]!));
    assert.deepEqual(factories.filter((f) => !used.has(f)), [], "factories in client/src/commands.ts that the table does not register");
    const registered = new Set([...contributed, ...internal]);
    const referenced = new Set<string>();
    for (const s of sources) {
      const patterns = [/\bcommand\s*[:=]\s*"(kernellens\.[\w.]+)"/g, /\bexecuteCommand\(\s*"(kernellens\.[\w.]+)"/g, /\w+Command\s*=\s*"(kernellens\.[\w.]+)"/g];
      for (const p of patterns) for (const m of s.text.matchAll(p)) referenced.add(m[1]!);
    }
    for (const items of Object.values(packageJson.contributes.menus ?? {})) for (const item of items) referenced.add(item.command);
    assert.ok(referenced.size > 0, "found the command ids the client runs");
    assert.deepEqual([...referenced].filter((id) => !registered.has(id)).sort(), [], "command ids used by lenses, status items, executeCommand or menus that the table does not register");
  });

  it("reads settings only through client/src/config.ts, which has a getter for each", () => {
    const outside = sources.filter((s) => s.name !== configModule && /\bgetConfiguration\b/.test(code(s.text))).map((s) => s.name);
    assert.deepEqual(outside, [], `files other than client/src/${configModule} that call getConfiguration`);
    const config = source(configModule).text;
    const missing = Object.keys(packageJson.contributes.configuration.properties)
      .map((key) => key.replace(/^kernellens\./, ""))
      .filter((key) => !config.includes(`"${key}"`));
    assert.deepEqual(missing, [], "settings package.json declares that client/src/config.ts has no getter for");
  });
});

describe("client to engine boundary", () => {
  const engine = readFileSync(join(root, "server", "src", "engine.ts"), "utf8");

  it("imports server/src only through server/src/engine.ts and server/src/protocol.ts", () => {
    assert.deepEqual(boundaryViolations(sources), []);
  });

  it("catches a violating import (the check itself)", () => {
    const fake = (name: string, text: string): Source => ({ name, path: join(clientDir, name), text });
    assert.deepEqual(
      boundaryViolations([
        fake("run/x.ts", 'import { readHistory } from "../../../server/src/run/history";'),
        fake("y.ts", 'export type { DeviceSpec } from "../../server/src/core/devices/device.ts";'),
        fake("z.ts", 'const m = await import("../../server/src/sweep/cache");'),
        fake("ok.ts", 'import { runKernel } from "../../server/src/engine";\nimport type { WireRange } from "../../server/src/protocol";\nimport * as vscode from "vscode";'),
      ]),
      ["client/src/run/x.ts imports ../../../server/src/run/history", "client/src/y.ts imports ../../server/src/core/devices/device.ts", "client/src/z.ts imports ../../server/src/sweep/cache"],
    );
  });

  /** The names engine.ts exports, each with the line above it. */
  const exported = (): { name: string; above: string }[] => {
    const out: { name: string; above: string }[] = [];
    for (const block of engine.matchAll(/^export (?:type )?\{([^}]*)\} from "[^"]+";/gm)) {
      const lines = block[1]!.split("\n");
      lines.forEach((line, i) => {
        const m = /^\s*(?:type\s+)?(\w+)(?:\s+as\s+(\w+))?\s*,?\s*$/.exec(line);
        if (m) out.push({ name: m[2] ?? m[1]!, above: (lines[i - 1] ?? "").trim() });
      });
    }
    return out;
  };

  it("re-exports names, each with a comment saying which client feature needs it", () => {
    assert.ok(!/^export \*/m.test(engine), "no `export *`: the facade lists what the client uses");
    assert.deepEqual([...engine.matchAll(/^export (?!(?:type )?\{)[^\n]*/gm)].map((m) => m[0]), [], "only `export { ... } from` re-exports");
    const names = exported();
    assert.ok(names.length > 0, "found the facade's exports");
    assert.deepEqual(names.filter((e) => !/^\/\/ \S/.test(e.above)).map((e) => e.name), [], "exports without a one-line comment above them");
  });

  it("exports only what client/src imports from it", () => {
    const imported = new Set<string>();
    for (const s of sources) {
      for (const m of s.text.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"[./]*server\/src\/engine"/g)) {
        for (const part of m[1]!.split(",")) {
          const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!;
          if (name) imported.add(name);
        }
      }
    }
    assert.deepEqual(exported().map((e) => e.name).filter((n) => !imported.has(n)), [], "names server/src/engine.ts exports that no client file imports");
  });
});
