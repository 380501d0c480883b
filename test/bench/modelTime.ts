// Measures the full static analysis (preprocess, parse, names, types, directives, cost model) of a 1,000-line file.
//
// The file is the example kernels concatenated with their identifiers renamed apart, each entry point keeping its
// own launch directives, so every kernel is modelled. Baseline in the same run: the parse alone.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeSource } from "../../server/src/core/analysis/sourceAnalysis";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { parseWgsl } from "../../server/src/core/wgsl/parser";
import { type Summary, summarize } from "./stats";
import { findRepoRoot } from "../support/repoRoot";

export interface ModelTimeResult {
  readonly lines: number;
  readonly kernels: number;
  readonly analysis: Summary;
  readonly parseOnly: Summary;
}

/** Example kernels, each made unique by a suffix on every declared name, until the file reaches `minLines`. */
export function modelledKernelFile(minLines = 1000): string {
  const dir = join(findRepoRoot(), "examples");
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith(".wgsl") && !f.startsWith("syntax"))
    .map((f) => readFileSync(join(dir, f), "utf8"));
  const parts: string[] = [];
  let lines = 0;
  for (let copy = 0; lines < minLines; copy++) {
    for (const src of sources) {
      const names = new Set<string>();
      for (const m of src.matchAll(/\b(?:fn|struct|const|override|var(?:<[^>]*>)?|alias)\s+([A-Za-z_]\w*)/g)) names.add(m[1]);
      let text = src;
      for (const n of names) text = text.replace(new RegExp(`\\b${n}\\b`, "g"), `${n}_${copy}`);
      parts.push(text);
      lines += text.split("\n").length;
      if (lines >= minLines) break;
    }
  }
  return parts.join("\n");
}

export function benchModelTime(runs = 100): ModelTimeResult {
  const text = modelledKernelFile(1000);
  const device = findDevice(DEFAULT_DEVICE_ID)!;
  const once = () => analyzeSource(text, { model: { device } });
  const first = once();
  const kernels = first.models.size;
  for (let i = 0; i < 5; i++) once();
  const samples: number[] = [];
  const parse: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    once();
    samples.push(performance.now() - t0);
    const t1 = performance.now();
    parseWgsl(text);
    parse.push(performance.now() - t1);
  }
  return { lines: text.split("\n").length, kernels, analysis: summarize(samples), parseOnly: summarize(parse) };
}
