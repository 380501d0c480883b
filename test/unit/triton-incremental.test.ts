// What a Triton document's session keeps between keystrokes changes no answer: after every edit of a seeded random
// sequence (typing and deleting inside kernels, helpers, decorators, host code and directives), the analysis with the
// session equals a fresh one in every kernel, IR, launch, model and diagnostic (spans compared by offsets); and an edit
// inside one kernel lowers and models only that kernel again, the others moved to where they now stand.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { analyzeTritonSource, type PythonParser } from "../../server/src/core/triton/analyze";
import { TritonSession } from "../../server/src/core/triton/session";
import { pythonParser } from "../support/pythonParser";
import { keystrokeTritonFile } from "../support/tritonLargeFile";

let parser: PythonParser;
let device: DeviceSpec;

before(async () => {
  parser = await pythonParser();
  device = findDevice("nvidia-h100-sxm")!;
});

/** The analysis as plain JSON: maps as entries, spans (or syntax nodes standing for them) as their offsets. */
function plain(a: ReturnType<typeof analyzeTritonSource>): string {
  const { timings: _t, ...rest } = a;
  return JSON.stringify(rest, (_k, v) => {
    if (v instanceof Map) return [...v];
    if (v instanceof Set) return [...v];
    if (v && typeof v === "object" && typeof v.start === "number" && typeof v.end === "number" && !("k" in v)) return { start: v.start, end: v.end };
    return v;
  });
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const fixture = (name: string): string => readFileSync(join(__dirname, "..", "fixtures", "triton", name), "utf8");

describe("Triton incremental analysis", () => {
  for (const [label, start, steps] of [["matmul-configs.py", fixture("matmul-configs.py"), 25], ["attention-fwd.py", fixture("attention-fwd.py"), 20], ["swiglu-directives.py", fixture("swiglu-directives.py"), 20]] as const) {
    it(`${label}: ${steps} random edits, each analysed with the session and afresh, give the same analysis`, () => {
      const rand = seeded(label.length * 7919);
      const session = new TritonSession();
      let text = start;
      for (let i = 0; i < steps; i++) {
        const at = Math.floor(rand() * text.length);
        const r = rand();
        text = r < 0.4 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 3)) : r < 0.7 ? `${text.slice(0, at)}${["x", " ", "1", "\n", "(", "#", "_"][Math.floor(rand() * 7)]}${text.slice(at)}` : text;
        const incremental = analyzeTritonSource(text, { parser, model: { device }, session });
        const fresh = analyzeTritonSource(text, { parser, model: { device } });
        assert.equal(plain(incremental), plain(fresh), `edit ${i} at ${at}`);
      }
      session.dispose();
    });
  }

  it("an edit inside one kernel of a 2,000-line module lowers and models only that kernel again", () => {
    const session = new TritonSession();
    let text = keystrokeTritonFile(2000);
    const first = analyzeTritonSource(text, { parser, model: { device }, session });
    const kernels = first.kernels.length;
    assert.ok(kernels >= 8, `${kernels} kernel configurations`);
    assert.equal(session.hits, 0);
    const at = text.indexOf("\n", text.indexOf(":", text.indexOf("def softmax_kernel"))) + 1;
    text = `${text.slice(0, at)}    unused = 1\n${text.slice(at)}`;
    const second = analyzeTritonSource(text, { parser, model: { device }, session });
    assert.equal(session.lastParse, "incremental");
    // softmax_kernel's one configuration is lowered and modelled again; everything else is reused.
    assert.equal(session.misses, 2);
    assert.equal(session.hits, 2 * (kernels - 1));
    assert.equal(plain(second), plain(analyzeTritonSource(text, { parser, model: { device } })));
    // A kernel below the edit kept its numbers and moved by the 15 characters typed above it.
    const name = first.kernels.find((k) => k.function === "row_sum_kernel")!.name;
    const before = first.models.get(name)!.model.accesses[0].span.start;
    assert.equal(second.models.get(name)!.model.accesses[0].span.start, before + "    unused = 1\n".length);
    session.dispose();
  });
});
