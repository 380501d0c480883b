// The code lenses above a kernel: codicons, never emoji (an emoji needs an emoji font, else an empty box); short
// titles with the detail in tooltips; and the client's actions (Run, Profile, Sweep, the best configuration) first on
// the line, so a narrow editor never pushes Run off screen.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type * as vscode from "vscode";
import { bestLensTitle } from "../../client/src/sweep/bestConfig";
import { ActionLenses, LENS_POSITION, type LensRegistry } from "../../client/src/lensOrder";
import { PROFILE_TITLE, RUN_TITLE, SWEEP_TITLE, UNTRUSTED_RUN_TITLE } from "../../client/src/lensTitles";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyzeTritonFile } from "../../server/src/analysisService";
import { lensTime, lensTitle, lensTooltip } from "../../server/src/core/model/lensLine";
import { PICK_TRITON_CONFIG_COMMAND, tritonCodeLenses } from "../../server/src/lsp/tritonViews";
import type { KernelModel } from "../../server/src/core/model/types";
import { pythonParser } from "../support/pythonParser";
import { findRepoRoot } from "../support/repoRoot";

const device = findDevice(DEFAULT_DEVICE_ID)!;
const examples = join(findRepoRoot(), "examples");

/** Printable ASCII and the few typographic signs the numbers use: no emoji, no pictographs. */
const PLAIN = /^[\x20-\x7E≈·×µ]*$/u;
/** A title starts with a codicon: `$(name) `. */
const CODICON = /^\$\([a-z-]+\) /;
/** Columns a title takes in the editor: a codicon draws about two characters wide. */
const columns = (title: string): number => title.replace(/\$\([a-z-]+\)/g, "##").length;
/** VS Code separates the lenses of a line with ` | `. */
const lineOf = (titles: readonly string[]): string => titles.map((t) => t.replace(/\$\([a-z-]+\)/g, "##")).join(" | ");

function models(file: string): Map<string, KernelModel> {
  const a = analyzeSource(readFileSync(join(examples, file), "utf8"), { model: { device } });
  return new Map([...a.models].map(([name, k]) => [name, k.model]));
}

describe("the cost model's lens", () => {
  it("reads `$(graph) memory-bound · ≈ 17 µs` for saxpy; the whole summary is in its tooltip", () => {
    const m = models("saxpy.wgsl").get("saxpy")!;
    assert.match(lensTitle(m), /^\$\(graph\) memory-bound · ≈ [\d.]+ µs$/);
    const tip = lensTooltip(m, device);
    // By hand (the example's header): 2,097,152 FLOPs and 12,582,912 bytes.
    assert.match(tip, /^Cost model on NVIDIA GeForce RTX 4090 \(predicted, not measured\):$/m);
    assert.match(tip, /^≈ 2\.1 MFLOP · 13 MB DRAM · AI 0\.17 FLOP\/B · memory-bound · occupancy \d+% \(\w+\) · ≈ [\d.]+ (ms|µs) on RTX 4090$/m);
    assert.match(tip, /Click to open the Kernels panel/);
  });

  it("is plain text with a codicon and at most 45 columns for every bundled WGSL example", () => {
    const files = [...readdirSync(examples).filter((f) => f.endsWith(".wgsl")), ...readdirSync(join(examples, "quant")).filter((f) => f.endsWith(".wgsl")).map((f) => `quant/${f}`)];
    assert.ok(files.length >= 15);
    for (const file of files) {
      for (const [name, m] of models(file)) {
        const title = lensTitle(m);
        assert.match(title, PLAIN, `${file}:${name}: '${title}'`);
        assert.match(title, CODICON, `${file}:${name}: '${title}'`);
        assert.match(title, /-bound · ≈ [\d.]+ (ms|µs)( · some counts estimated)?$/, `${file}:${name}: '${title}'`);
        // The old line (`≈ 2.1 MFLOP · 13 MB · AI 0.17 · ... on RTX 4090`) took 100 columns and more.
        assert.ok(columns(title) <= 45 + (m.unknowns.length > 0 ? 24 : 0) + (m.assumptions.some((a) => a.source === "assumed") ? 14 : 0), `${file}:${name}: '${title}'`);
      }
    }
  });

  it("tells the time in the unit that fits it, never in exponent notation", () => {
    assert.deepEqual([0.017, 0.009, 0.00045, 2.63, 270.4, 1234].map(lensTime), ["17 µs", "9 µs", "0.45 µs", "2.6 ms", "270 ms", "1.2 s"]);
  });

  it("starts with how many launch values were assumed, and names them in the tooltip", () => {
    // No directive: ne is the assumed problem size, both offsets 0, and the dispatch follows (zero-config.test.ts).
    const text = `struct Params { ne: u32, offset_src: u32, offset_dst: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.ne) { return; }
  dst[params.offset_dst + gid.x] = src[params.offset_src + gid.x] * params.scale;
}
`;
    const m = analyzeSource(text, { model: { device } }).models.get("main")!.model;
    // Three sizes; the dispatch follows from them and is not counted again.
    assert.match(lensTitle(m), /^\$\(warning\) 3 assumed · memory-bound · ≈ [\d.]+ (ms|µs)$/);
    assert.match(lensTooltip(m, device), /^Assumed params\.ne = 1,048,576; params\.offset_src, params\.offset_dst = 0: no directive states them, and every number rests on them/m);
  });

  it("keeps the sign that some counts are estimated, with the first reason in the tooltip", () => {
    const m = models("syntax-tour.wgsl").get("main")!;
    assert.ok(m.unknowns.length > 0);
    assert.match(lensTitle(m), / · some counts estimated$/);
    assert.match(lensTooltip(m, device), /^Some counts are estimated: .+/m);
  });
});

describe("a Triton kernel's configurations lens", () => {
  it("counts the assumed sizes at the front, as every model lens does, and names them in the tooltip", async () => {
    // matmul-configs.py without its host code: four @triton.autotune configurations and no launch to give M, N, K or
    // the strides, so they are assumed.
    const full = readFileSync(join(findRepoRoot(), "test", "fixtures", "triton", "matmul-configs.py"), "utf8");
    const text = full.slice(0, full.indexOf("def matmul("));
    const h100 = findDevice("nvidia-h100-sxm")!;
    const a = analyzeTritonFile(text, { model: { device: h100 } }, await pythonParser());
    const lenses = tritonCodeLenses(TextDocument.create("file:///x/m.py", "python", 1, a.source.text), a);
    const main = lenses.find((l) => l.command?.command === PICK_TRITON_CONFIG_COMMAND)!.command!;
    const best = a.source.models.get((main.arguments![2] as { name: string }[])[0]!.name)!.model;
    const sizes = best.assumptions.filter((x) => x.source === "assumed" && x.name !== "dispatch").length;
    assert.ok(sizes >= 3, `${sizes} sizes assumed`);
    assert.match(main.title, new RegExp(`^\\$\\(warning\\) ${sizes} assumed · ≈ [\\d.]+ (µs|ms|s) best of 4 configs: `));
    assert.match(main.title, PLAIN);
    assert.match(main.tooltip ?? "", /^Assumed M, N, K.*: no launch in the file gives them$/m);
  });
});

describe("the client's lenses", () => {
  it("use codicons, never emoji", () => {
    for (const title of [RUN_TITLE, PROFILE_TITLE, SWEEP_TITLE, UNTRUSTED_RUN_TITLE]) {
      assert.match(title, PLAIN);
      assert.match(title, CODICON);
    }
    assert.equal(RUN_TITLE, "$(play) Run");
    assert.equal(UNTRUSTED_RUN_TITLE, "$(lock) Run: trust workspace");
    const best = bestLensTitle({ space: [{ name: "WG", kind: "override", values: [32, 64] }], best: { params: { WG: 64 }, medianMs: 0.4321 } as never });
    assert.equal(best, "$(check) best WG=64 · 0.43 ms");
  });
});

/**
 * VS Code's order of the lenses on one line: by provider, providers with equal selector scores newest registration
 * first (getCodeLensModel's sort over LanguageFeatureRegistry.ordered), then by column.
 */
class FakeLanguages implements LensRegistry {
  private clock = 0;
  readonly live: { provider: vscode.CodeLensProvider; time: number }[] = [];
  registerCodeLensProvider(_selector: vscode.DocumentSelector, provider: vscode.CodeLensProvider): vscode.Disposable {
    const entry = { provider, time: ++this.clock };
    this.live.push(entry);
    return { dispose: () => void this.live.splice(this.live.indexOf(entry), 1) };
  }
  ordered(): vscode.CodeLensProvider[] {
    return [...this.live].sort((a, b) => b.time - a.time).map((e) => e.provider);
  }
}

/** A provider that stands for one feature's lenses by their titles. */
const provider = (...titles: string[]): vscode.CodeLensProvider & { titles: string[] } => ({ titles, provideCodeLenses: () => [] });

describe("the lens line", () => {
  it("puts Run, Profile, Sweep and the best configuration before the server's lenses, after every server start", () => {
    const languages = new FakeLanguages();
    const lenses = new ActionLenses(languages);
    const run = provider(RUN_TITLE, PROFILE_TITLE);
    const sweep = provider(SWEEP_TITLE, bestLensTitle({ space: [{ name: "WG", kind: "override", values: [32, 64] }], best: { params: { WG: 64 }, medianMs: 0.43 } as never })!);
    // Activation: the features add their providers; then the language client starts and registers the server's.
    lenses.add(LENS_POSITION.run, { language: "wgsl" }, run);
    lenses.add(LENS_POSITION.sweep, { language: "wgsl" }, sweep);
    const saxpy = models("saxpy.wgsl").get("saxpy")!;
    const server = provider(lensTitle(saxpy), "$(graph-line) Roofline");
    const titlesInOrder = (): string[] => languages.ordered().flatMap((p) => (p as ReturnType<typeof provider>).titles);
    const first = languages.registerCodeLensProvider({ language: "wgsl" }, server);
    // Without re-registering, the server's lenses lead: the line the issue shows, Run pushed right.
    assert.equal(titlesInOrder()[0], lensTitle(saxpy));
    lenses.register();
    const line = titlesInOrder();
    assert.deepEqual(line.slice(0, 4), [RUN_TITLE, PROFILE_TITLE, SWEEP_TITLE, "$(check) best WG=64 · 0.43 ms"]);
    const text = lineOf(line);
    assert.ok(text.startsWith("## Run | ## Profile | ## Sweep | ## best WG=64 · 0.43 ms | ## memory-bound · ≈ "), text);
    // The actions take 56 columns, with the verdict and the time 85, all of it 98 (it was about 150, Run at 115).
    assert.ok(lineOf(line.slice(0, 4)).length <= 60, text);
    assert.ok(lineOf(line.slice(0, 5)).length <= 90, text);
    assert.ok(text.length <= 105, text);

    // A restart of the language server registers its provider again: the actions are registered after it again.
    first.dispose();
    languages.registerCodeLensProvider({ language: "wgsl" }, server);
    lenses.register();
    assert.equal(titlesInOrder()[0], RUN_TITLE);
    lenses.dispose();
    assert.equal(languages.live.length, 1);
  });
});
