// The cost model in the editor, over stdio: code lenses, hover breakdowns, access hovers, loop inlay hints, device setting.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CodeLens, Hover, InlayHint } from "vscode-languageserver-protocol";
import { repoRoot, startServer, type ServerHandle } from "../support/lspClient";

const file = join(repoRoot, "examples", "transpose-naive.wgsl");
const text = readFileSync(file, "utf8");
const uri = `file://${file}`;

/** Position of the last occurrence of `needle` (code comes after the header comment). */
function at(needle: string, delta = 0): { line: number; character: number } {
  const i = text.lastIndexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + delta);
  return { line: before.split("\n").length - 1, character: before.length - before.lastIndexOf("\n") - 1 };
}
const hoverText = (h: Hover | null): string => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");

for (const device of ["nvidia-rtx-4090", "amd-mi300x"]) {
  describe(`model views on ${device}`, { timeout: 60000 }, () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer({ device });
      const got = server.diagnostics(uri);
      server.open(uri, text);
      await got;
    });
    after(async () => server.stop());

    it("shows a short code lens (the verdict and the time) above the entry point, the summary in its tooltip", async () => {
      const all = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri } })) as CodeLens[];
      assert.deepEqual(all.map((l) => l.command?.command).sort(), ["kernellens.showKernels", "kernellens.showRoofline"]);
      const lenses = all.filter((l) => l.command?.command === "kernellens.showKernels");
      const title = lenses[0].command?.title ?? "";
      assert.match(title, /^\$\(graph\) (memory|latency)-bound · ≈ [\d.]+ (ms|µs)$/);
      const tooltip = lenses[0].command?.tooltip ?? "";
      assert.match(tooltip, /^≈ 0 FLOP · [\d.]+ MB DRAM · AI 0 FLOP\/B · (memory|latency)-bound · occupancy \d+% \(\w[\w ]*\) · ≈ [\d.]+ (ms|µs) on /m);
      assert.equal(lenses[0].range.start.line, at("fn transpose_naive").line);
      assert.match(tooltip, device === "amd-mi300x" ? /MI300X/ : /RTX 4090/);
      assert.deepEqual(all.filter((l) => l.command?.command === "kernellens.showRoofline").map((l) => l.command?.title), ["$(graph-line) Roofline"]);
    });

    it("hovers the entry point with the verdict first, then the full breakdown", async () => {
      const h = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: at("fn transpose_naive", 4) })) as Hover);
      const [head, bound, occupancy, top] = h.split("\n\n");
      assert.match(head!, /^\*\*@compute entry point `transpose_naive`\*\* · workgroup size 16 × 16 × 1 · 3 bindings$/);
      assert.match(bound!, new RegExp(`^\\*\\*(Memory|Latency)-bound\\*\\* .*· \\*\\*≈ [\\d.]+ (µs|ms)\\*\\* on .*${device === "amd-mi300x" ? "MI300X" : "RTX 4090"}, estimated`));
      assert.match(occupancy!, /^Occupancy \*\*\d+%\*\*, limited by /);
      assert.match(top!, /^Top finding \(warning, `uncoalesced-access`\): uncoalesced store of 'dst'/);
      for (const row of ["Dispatch", "Compulsory traffic", "L2 traffic", "DRAM traffic", "Occupancy", "Predicted time"]) assert.match(h, new RegExp(`\\| ${row}`));
      assert.ok(h.indexOf("| Quantity | Value |") > h.indexOf(top!));
      assert.match(h, /modelled, not measured/);
    });

    it("hovers an access with its stride and efficiency", async () => {
      const store = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: at("dst[", 1) })) as Hover);
      assert.match(store, /store of `dst`/);
      assert.match(store, /Adjacent invocations are 1024 elements apart: strided\./);
      const load = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: at("src[", 1) })) as Hover);
      // A 16-wide workgroup puts 16 lanes per row: a 32-lane NVIDIA warp spans 2 rows (4 full 32-byte sectors,
      // coalesced); a 64-lane CDNA wave spans 4 rows of 64 bytes in 128-byte lines, so only half of each line is used.
      assert.match(load, device === "amd-mi300x" ? /1 element apart: strided.*50% of the fetched bytes/ : /1 element apart: coalesced/);
    });

    it("reports the uncoalesced store as a finding at the access", async () => {
      const d = server.latest(uri) ?? [];
      const f = d.find((x) => x.code === "uncoalesced-access");
      assert.ok(f, JSON.stringify(d));
      assert.equal(f.range.start.line, at("dst[").line);
    });
  });
}

describe("a change of the device setting", { timeout: 60000 }, () => {
  it("models an open document again: the next lenses are the new device's, with no edit in between", async () => {
    const settings: Record<string, unknown> = { device: "nvidia-rtx-4090" };
    const server = await startServer(settings);
    try {
      const got = server.diagnostics(uri);
      server.open(uri, text);
      await got;
      // The device is named in the lens's tooltip (the title keeps to the verdict and the time).
      const lensTooltip = async (): Promise<string> => {
        const all = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri } })) as CodeLens[];
        return all.find((l) => l.command?.command === "kernellens.showKernels")?.command?.tooltip ?? "";
      };
      assert.match(await lensTooltip(), /on RTX 4090$/m);
      // What "Use for the Cost Model" after Calibrate does: the setting changes, the text does not.
      settings.device = "amd-mi300x";
      await server.connection.sendNotification("workspace/didChangeConfiguration", { settings: {} });
      assert.match(await lensTooltip(), /on Instinct MI300X$/m);
    } finally {
      await server.stop();
    }
  });
});

describe("loop inlay hints", { timeout: 60000 }, () => {
  it("gives trip count and per-lane cost at the end of each loop header's line", async () => {
    const server = await startServer();
    try {
      const mm = join(repoRoot, "examples", "matmul-naive.wgsl");
      const mmText = readFileSync(mm, "utf8");
      const mmUri = `file://${mm}`;
      const got = server.diagnostics(mmUri);
      server.open(mmUri, mmText);
      await got;
      const hints = (await server.connection.sendRequest("textDocument/inlayHint", {
        textDocument: { uri: mmUri },
        range: { start: { line: 0, character: 0 }, end: { line: 10000, character: 0 } },
      })) as InlayHint[];
      assert.equal(hints.length, 1);
      const label = typeof hints[0].label === "string" ? hints[0].label : "";
      // 512 iterations of one multiply-add (2 FLOPs) and two 4-byte loads.
      assert.equal(label, "×512 · 2 FLOP · 8 B global");
      // After the `{` that ends the header's line, not before it.
      const lines = mmText.split("\n");
      const header = lines.findIndex((l) => /^\s*for \(var i = 0u; i < dims\.k; i\+\+\) \{$/.test(l));
      assert.deepEqual(hints[0].position, { line: header, character: lines[header]!.length });
      assert.match(String(hints[0].tooltip), /^512 iterations \(0\.\.512\)$/m);
    } finally {
      await server.stop();
    }
  });
});

describe("quantized kernels in the editor", { timeout: 60000 }, () => {
  it("hovers a packed binding with its inferred format and the entry point with the format what-if", async () => {
    const server = await startServer();
    try {
      const file = join(repoRoot, "examples", "quant", "int4-gemv-bad.wgsl");
      const qText = readFileSync(file, "utf8");
      const qUri = `file://${file}`;
      const got = server.diagnostics(qUri);
      server.open(qUri, qText);
      await got;
      const pos = (needle: string, delta = 0): { line: number; character: number } => {
        const i = qText.indexOf(needle) + delta;
        const before = qText.slice(0, i);
        return { line: before.split("\n").length - 1, character: before.length - before.lastIndexOf("\n") - 1 };
      };
      const binding = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: qUri }, position: pos("var<storage, read> w:", 20) })) as Hover);
      assert.match(binding, /\*\*Quantized:\*\* int4, 4\.25 bits per element, groups of 128/);
      assert.match(binding, /line \d+: mask 0xF/);
      const entry = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: qUri }, position: pos("fn ", 4) })) as Hover);
      assert.match(entry, /Quantization what-if/);
      assert.match(entry, /^- q4_0: 4\.5 bits\/weight, DRAM /m);
      // The int4 weights' directive, quoted as written.
      assert.match(binding, /stated by \/\/ @quant w: int4 group=128/);
    } finally {
      await server.stop();
    }
  });
});

describe("a kernel with no directive at all", { timeout: 60000 }, () => {
  // A ggml-style element-wise kernel as its authors write it: no // @ line anywhere.
  const bare = `struct Params { ne: u32, offset: u32 }
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;
@compute @workgroup_size(256)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.ne) { return; }
  x[params.offset + gid.x] = x[params.offset + gid.x] * 2.0;
}
`;
  const bareUri = "file:///tmp/kernellens-bare.wgsl";
  const line = (needle: string) => bare.slice(0, bare.indexOf(needle)).split("\n").length - 1;

  it("gets a lens, a hover and a code action that say what was assumed, from the assumed-size setting", async () => {
    const server = await startServer({ assumedProblemSize: 65536 });
    try {
      const got = server.diagnostics(bareUri);
      server.open(bareUri, bare);
      await got;
      const lenses = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri: bareUri } })) as CodeLens[];
      const title = lenses.find((l) => l.command?.command === "kernellens.showKernels")?.command?.title ?? "";
      // 65,536 elements: one multiply each, 256 KiB read and written, 256 workgroups.
      assert.match(title, /^\$\(warning\) 2 assumed · /);
      const tooltip = lenses.find((l) => l.command?.command === "kernellens.showKernels")?.command?.tooltip ?? "";
      assert.match(tooltip, /^≈ 66 kFLOP · 524 kB DRAM · /m);
      assert.match(tooltip, /^Assumed params\.ne = 65,536; params\.offset = 0: no directive states them/m);
      const hover = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: bareUri }, position: { line: line("fn scale"), character: 4 } })) as Hover);
      assert.match(hover, /256 × 1 × 1 workgroups/);
      assert.match(hover, /\*\*Assumed\*\*/);
      assert.match(hover, /`params\.ne` = 65,536: .*`\/\/ @uniform params = \{ ne: 65536, offset: 0 \}`/);
      const actions = (await server.connection.sendRequest("textDocument/codeAction", {
        textDocument: { uri: bareUri },
        range: { start: { line: line("fn scale"), character: 4 }, end: { line: line("fn scale"), character: 4 } },
        context: { diagnostics: [] },
      })) as { title: string; kind: string; edit: { changes: Record<string, { newText: string; range: { start: { line: number } } }[]> } }[];
      assert.equal(actions.length, 1);
      assert.match(actions[0].title, /^Add launch directives for 'scale'/);
      const edit = actions[0].edit.changes[bareUri][0];
      assert.equal(edit.newText, "// @uniform params = { ne: 65536, offset: 0 }\n// @dispatch 256\n");
      assert.equal(edit.range.start.line, line("@compute"));
    } finally {
      await server.stop();
    }
  });
});
