// A bounded, seeded fuzz run of Python documents with Triton kernels against the real server bundle, as fuzz.test.ts
// does for WGSL and CUDA: the Triton fixtures edited with kernels, launches, autotune configurations, directives
// with absurd values (blocks of 2^40 elements, num_warps of -1), deep nesting, broken indentation and half-typed
// Python, interleaved with every request the server answers. The fixtures include plain.py, so the document now and
// then stops importing triton and starts again. Every 40 edits the document closes and a new one opens, so what the
// server keeps per document must be let go. The server must stay up, answer every request within 5 s with a result
// or an allowed cancellation, and its memory, read from /proc after every 100 edits, must level off.
import assert from "node:assert/strict";
import { it } from "node:test";
import { runFuzz } from "../support/lspFuzzer";

const DEADLINE_MS = 5000;

it("survives random edits of Triton documents interleaved with every request, in time, opening and closing 21 of them without leaking", { timeout: 300000 }, async () => {
  const report = await runFuzz({ seed: 20261208, edits: 800, deadlineMs: DEADLINE_MS, language: "triton", large: false, reopenEvery: 40 });
  const rss = report.rss;
  const summary = `${report.requests} requests over ${report.documents} documents in ${report.seconds.toFixed(1)} s; latency max ${report.latency.max.toFixed(0)} ms, p95 ${report.latency.p95.toFixed(0)} ms; rss warm ${rss.start.toFixed(0)} MiB, every 100 edits ${rss.checkpoints.map((r) => r.toFixed(0)).join(", ")} MiB, end ${rss.end.toFixed(0)} MiB; allowed errors ${JSON.stringify(report.allowedErrors)}`;
  console.log(summary);
  assert.ok(report.alive, `the server died: ${summary}`);
  assert.deepEqual(report.failures, [], summary);
  assert.deepEqual(report.serverErrors, [], summary);
  assert.deepEqual(report.late, [], `requests slower than ${DEADLINE_MS} ms; ${summary}`);
  for (const method of ["textDocument/hover", "textDocument/documentSymbol", "textDocument/codeLens", "textDocument/inlayHint", "kernellens/documentKernels", "kernellens/roofline"]) {
    assert.ok((report.byMethod[method] ?? 0) > 0, `${method} was never sent`);
  }
  assert.equal(report.documents, 21);
  assert.equal(rss.checkpoints.length, 8);
  // Warm after 300 edits; from there the memory levels off, and after the last document closed it is no higher.
  const warm = rss.checkpoints[2]!;
  const bound = warm * 1.3 + 50;
  assert.ok(Math.max(...rss.checkpoints.slice(-3)) <= bound, `the server's memory keeps growing: ${summary}`);
  assert.ok(rss.end <= bound, `memory not given back after the documents closed: ${summary}`);
});
