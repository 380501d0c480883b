// The language server fuzzer of test/server/fuzz.test.ts, run longer:
// `node --import tsx test/bench/lspFuzz.ts [edits] [seed] [wgsl|cuda] [reopenEvery]` (CUDA: no multi-megabyte document;
// reopenEvery closes the document and opens a new one every that many edits, for leaks of per-document state).
//
// Prints the figures the test asserts on: requests answered, latency (max, p50, p95, p99), the allowed cancellations,
// anything that failed or came late, and the server's resident memory after the warm-up, before the large document,
// at its peak and after the document closed (at most 1.5 x + 50 MiB of the figure before the large document), and after
// every 100 edits (CUDA: the last three and the end within 1.3 x + 50 MiB of the figure at 300 edits). Needs
// `node build.mjs` first (it drives dist/server.js). Exits non-zero on a failure.
import { runFuzz } from "../support/lspFuzzer";

async function main(): Promise<void> {
  const edits = Number(process.argv[2] ?? 3000);
  const seed = Number(process.argv[3] ?? 1);
  const language = process.argv[4] === "cuda" ? "cuda" : "wgsl";
  const reopenEvery = process.argv[5] ? Number(process.argv[5]) : undefined;
  const deadlineMs = 5000;
  const cuda = language === "cuda";
  const report = await runFuzz({ seed, edits, deadlineMs, language, large: !cuda, reopenEvery, log: (line) => console.log(`  ${line}`) });
  const ms = (v: number): string => `${v.toFixed(0)} ms`;
  console.log(`lsp fuzz: seed ${seed}, ${report.edits} edits, ${report.requests} requests in ${report.seconds.toFixed(1)} s`);
  console.log(`  latency: max ${ms(report.latency.max)}, p50 ${ms(report.latency.p50)}, p95 ${ms(report.latency.p95)}, p99 ${ms(report.latency.p99)}`);
  console.log(`  rss: start ${report.rss.start.toFixed(0)} MiB, before the large document ${report.rss.beforeLarge.toFixed(0)} MiB, peak ${report.rss.peak.toFixed(0)} MiB, end ${report.rss.end.toFixed(0)} MiB`);
  console.log(`  rss every 100 edits: ${report.rss.checkpoints.map((r) => r.toFixed(0)).join(", ")} MiB over ${report.documents} documents`);
  console.log(`  by method: ${JSON.stringify(report.byMethod)}`);
  console.log(`  allowed errors: ${JSON.stringify(report.allowedErrors)}`);
  console.log(`  late (> ${deadlineMs} ms): ${report.late.length}${report.late.length ? `\n    ${report.late.slice(0, 20).join("\n    ")}` : ""}`);
  console.log(`  failures: ${report.failures.length}${report.failures.length ? `\n    ${report.failures.slice(0, 20).join("\n    ")}` : ""}`);
  console.log(`  server errors: ${report.serverErrors.length}${report.serverErrors.length ? `\n    ${report.serverErrors.slice(0, 10).join("\n    ")}` : ""}`);
  console.log(`  alive: ${report.alive}`);
  const warm = report.rss.checkpoints[2] ?? report.rss.start;
  const memoryOk = cuda
    ? Math.max(...report.rss.checkpoints.slice(-3), report.rss.end) <= warm * 1.3 + 50
    : report.rss.end <= report.rss.beforeLarge * 1.5 + 50;
  const ok = report.alive && report.failures.length === 0 && report.serverErrors.length === 0 && report.late.length === 0 && memoryOk;
  process.exitCode = ok ? 0 : 1;
}

void main();
