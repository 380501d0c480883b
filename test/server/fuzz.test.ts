// A bounded, seeded fuzz run against the real server bundle: a few hundred random edits (WGSL fragments, absurd
// launch directives, deep nesting, one multi-megabyte document) interleaved with every request it answers. The
// server must stay up, answer every request in time with a result or an allowed cancellation, and give back the
// memory of the large document once it is gone. `node --import tsx test/bench/lspFuzz.ts 3000` runs it longer.
import assert from "node:assert/strict";
import { it } from "node:test";
import { runFuzz } from "../support/lspFuzzer";

const DEADLINE_MS = 5000;

it("survives random edits interleaved with every request, in time and memory", { timeout: 120000 }, async () => {
  const report = await runFuzz({ seed: 20240611, edits: 600, deadlineMs: DEADLINE_MS });
  const summary = `${report.requests} requests in ${report.seconds.toFixed(1)} s; latency max ${report.latency.max.toFixed(0)} ms, p95 ${report.latency.p95.toFixed(0)} ms; rss ${report.rss.start.toFixed(0)} / ${report.rss.beforeLarge.toFixed(0)} / ${report.rss.peak.toFixed(0)} / ${report.rss.end.toFixed(0)} MiB (warm / before the large document / peak / end); allowed errors ${JSON.stringify(report.allowedErrors)}`;
  assert.ok(report.alive, `the server died: ${summary}`);
  assert.deepEqual(report.failures, [], summary);
  assert.deepEqual(report.serverErrors, [], summary);
  assert.deepEqual(report.late, [], `requests slower than ${DEADLINE_MS} ms; ${summary}`);
  // Every kind of request was asked.
  for (const method of ["textDocument/hover", "textDocument/completion", "textDocument/documentSymbol", "textDocument/definition", "textDocument/references", "textDocument/inlayHint", "textDocument/codeLens", "kernellens/documentKernels", "kernellens/roofline"]) {
    assert.ok((report.byMethod[method] ?? 0) > 0, `${method} was never sent`);
  }
  // The large document's memory goes back: the end is near what ordinary work had grown the server to before it.
  assert.ok(report.rss.end <= report.rss.beforeLarge * 1.5 + 50, `memory not given back after the large document closed: ${summary}`);
});

it("survives random edits of CUDA documents interleaved with every request, in time, opening and closing 25 of them without leaking", { timeout: 180000 }, async () => {
  // The CUDA fixtures, edited with kernels, launches, directives with absurd values, deep nesting and half-typed
  // syntax: the tree-sitter front-end and the model must never take the server down or hold a request up. Every 40
  // edits the document closes and a new one opens, so what the server keeps per document (its incremental parse
  // tree, its analyses) must be let go: the server's memory, read from /proc after every 100 edits, levels off.
  const report = await runFuzz({ seed: 20261207, edits: 1000, deadlineMs: DEADLINE_MS, language: "cuda", large: false, reopenEvery: 40 });
  const rss = report.rss;
  const summary = `${report.requests} requests over ${report.documents} documents in ${report.seconds.toFixed(1)} s; latency max ${report.latency.max.toFixed(0)} ms, p95 ${report.latency.p95.toFixed(0)} ms; rss warm ${rss.start.toFixed(0)} MiB, every 100 edits ${rss.checkpoints.map((r) => r.toFixed(0)).join(", ")} MiB, end ${rss.end.toFixed(0)} MiB; allowed errors ${JSON.stringify(report.allowedErrors)}`;
  assert.ok(report.alive, `the server died: ${summary}`);
  assert.deepEqual(report.failures, [], summary);
  assert.deepEqual(report.serverErrors, [], summary);
  assert.deepEqual(report.late, [], `requests slower than ${DEADLINE_MS} ms; ${summary}`);
  for (const method of ["textDocument/hover", "textDocument/codeLens", "textDocument/inlayHint", "kernellens/documentKernels", "kernellens/roofline"]) {
    assert.ok((report.byMethod[method] ?? 0) > 0, `${method} was never sent`);
  }
  assert.equal(report.documents, 26);
  assert.equal(rss.checkpoints.length, 10);
  // Warm after 300 edits (the heap has grown to its working size); from there the memory levels off, and after
  // the last document closed it is no higher. Generous, for the garbage collector's timing: 3,000 edits over 76
  // documents measured 190 MiB at 300 edits, 244 MiB at most, 206 MiB at the end.
  const warm = rss.checkpoints[2]!;
  const bound = warm * 1.3 + 50;
  assert.ok(Math.max(...rss.checkpoints.slice(-3)) <= bound, `the server's memory keeps growing: ${summary}`);
  assert.ok(rss.end <= bound, `memory not given back after the documents closed: ${summary}`);
});
