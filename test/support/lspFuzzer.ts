// A seeded fuzzer for the language server: random edits of a WGSL document, interleaved with every request the
// server answers, over stdio against dist/server.js. Shared by test/server/fuzz.test.ts (a bounded run) and
// test/bench/lspFuzz.ts (a long one); both read the same report.
//
// Each step edits the document incrementally (inserting or deleting WGSL fragments, launch directives with absurd
// values, deep nesting, whole example files), then fires a few requests at random positions without waiting, some
// of them cancelled soon after. Every response is timed. Once per run the document becomes a multi-megabyte one
// (large, then too large to analyse), is queried and edited, shrinks again and closes; the server's resident memory
// is read from /proc before, during and after.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CancellationTokenSource, ResponseError } from "vscode-jsonrpc/node";
import { repoRoot, startServer, type ServerHandle } from "./lspClient";
import { mulberry32 } from "./random";
import { tritonFragments } from "./tritonFragments";

/** LSP error codes a request may end with: the client cancelled it, the text changed, or the server's deadline passed. */
export const ALLOWED_ERRORS: ReadonlyMap<number, string> = new Map([
  [-32800, "RequestCancelled"],
  [-32801, "ContentModified"],
  [-32802, "ServerCancelled"],
]);

export interface FuzzOptions {
  readonly seed: number;
  /** How many edits. */
  readonly edits: number;
  /** A response slower than this is reported late. */
  readonly deadlineMs: number;
  /** Whether the run includes the multi-megabyte document (default: yes). */
  readonly large?: boolean;
  /** Bytes of the multi-megabyte document, the large one (no cost model) and the refused one. */
  readonly largeBytes?: number;
  readonly hugeBytes?: number;
  /** Called with progress lines (the bench prints them). */
  readonly log?: (line: string) => void;
  /**
   * The language of the fuzzed document (default WGSL): CUDA edits a `cuda-cpp` document of the CUDA fixtures, Triton
   * a `python` document of the Triton fixtures (plain.py among them: a document that stops importing triton).
   */
  readonly language?: "wgsl" | "cuda" | "triton";
  /**
   * Every this many edits the document closes and another one opens (a new URI, an example's text): whatever the
   * server keeps per document (analyses, incremental parse trees) must go with the closed ones. Default: never.
   */
  readonly reopenEvery?: number;
}

export interface FuzzReport {
  readonly edits: number;
  readonly requests: number;
  readonly byMethod: Record<string, number>;
  /** Responses that were errors of an allowed kind, by name. */
  readonly allowedErrors: Record<string, number>;
  /** Anything else: an error response of another kind, or no response at all. */
  readonly failures: string[];
  /** Responses slower than the deadline, with what was asked. */
  readonly late: string[];
  readonly latency: { readonly max: number; readonly p50: number; readonly p95: number; readonly p99: number };
  /**
   * Server resident memory in MiB: after the warm-up, just before the multi-megabyte document (after half the edits:
   * what ordinary work left), the highest seen, and at the end, a few seconds after the document closed.
   */
  readonly rss: {
    readonly start: number;
    readonly beforeLarge: number;
    readonly peak: number;
    readonly end: number;
    /** After every 100 edits, with every request answered: memory that keeps growing here is a leak. */
    readonly checkpoints: readonly number[];
  };
  /** Documents opened in all (more than one with `reopenEvery`). */
  readonly documents: number;
  /** Lines the server logged that say something threw. */
  readonly serverErrors: string[];
  readonly alive: boolean;
  readonly seconds: number;
}

function exampleTexts(dir = join(repoRoot, "examples"), ext = ".wgsl"): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...exampleTexts(path, ext));
    else if (entry.name.endsWith(ext)) out.push(readFileSync(path, "utf8"));
  }
  return out;
}

/** CUDA fragments an edit inserts: kernels, launches, directives with absurd values, half-typed syntax. */
function cudaFragments(rand: () => number): (() => string)[] {
  const deep = (n: number, open: string, close: string, inner = "1"): string => open.repeat(n) + inner + close.repeat(n);
  const num = (): string => ["0", "1", "-1", "1e300", "1e18", "4294967296", "1 << 40", "0x7fffffff", "N", "BLOCK"][Math.floor(rand() * 10)];
  return [
    () => `// @grid ${num()}, ${num()}\n`,
    () => `// @block ${num()}\n`,
    () => `// @arg n = ${num()}\n`,
    () => `// @smem ${num()}\n`,
    () => `// @template BLOCK = ${num()}\n`,
    () => `#define N ${num()}\n`,
    () => "#if __CUDA_ARCH__ >= 800\n",
    () => "#endif\n",
    () => '#include "missing.cuh"\n',
    () => "#pragma unroll\n",
    () => `__global__ void k${Math.floor(rand() * 1e6)}(float* a, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) a[i] *= 2.0f; }\n`,
    () => `template <int B> __global__ void t(float* a) { __shared__ float s[B]; s[threadIdx.x] = a[threadIdx.x]; __syncthreads(); }\n`,
    () => `  k<<<${num()}, ${num()}, ${num()}>>>(a, n);\n`,
    () => `  t<${num()}><<<1, ${num()}>>>(a);\n`,
    () => `  for (int i = 0; i < ${num()}; i += ${num()}) { acc += a[i * ${num()}]; }\n`,
    () => "  __syncthreads();\n",
    () => "  float v = __shfl_down_sync(0xffffffff, v, 16);\n",
    () => "  extern __shared__ float dyn[];\n",
    () => `int x = ${deep(500 + Math.floor(rand() * 1500), "(", ")")};\n`,
    () => `void blocks() { ${deep(300 + Math.floor(rand() * 900), "{", "}", "")} }\n`,
    () => "__global__ void __launch_bounds__(",
    () => "<<<",
    () => ">>>",
    () => "{",
    () => "}",
    () => ";",
    () => "template <",
    () => "\u0000\u00e9\ud83d\ude00",
    () => String.fromCharCode(...Array.from({ length: 1 + Math.floor(rand() * 16) }, () => 32 + Math.floor(rand() * 95))),
  ];
}

const SAXPY_HUGE_N = readFileSync(join(repoRoot, "examples", "saxpy.wgsl"), "utf8").replace("// @let N = 1 << 20", "// @let N = 1e18");

/** Fragments an edit inserts: pieces of WGSL, directives with absurd values, nesting, junk. */
function fragments(rand: () => number): (() => string)[] {
  const deep = (n: number, open: string, close: string, inner = "1"): string => open.repeat(n) + inner + close.repeat(n);
  const num = (): string => ["0", "1", "-1", "1e300", "-1e300", "1e18", "NaN", "Infinity", "4294967296", "0.5", "1 << 40", "2 ** 64"][Math.floor(rand() * 12)];
  return [
    () => `// @let N = ${num()}\n`,
    () => "// @let N = 1e300\n",
    () => "// @let N = 1e18\n// @dispatch ceil(N / 256)\n",
    () => `// @dispatch ${num()}\n`,
    () => "// @dispatch 0\n",
    () => `// @dispatch ${num()}, ${num()}, ${num()}\n`,
    () => `// @buffer x[${num()}] = random(-1, 1)\n`,
    () => `// @override TILE = ${num()}\n`,
    () => `// @uniform params = { n: ${num()}, alpha: NaN }\n`,
    () => `// @sweep TILE in [${num()}, ${num()}]\n`,
    () => `// @let N = ${deep(2000 + Math.floor(rand() * 2000), "(", ")")}\n`,
    () => `fn deep_${Math.floor(rand() * 1e6)}() -> i32 { return ${deep(1000 + Math.floor(rand() * 3000), "(", ")")}; }\n`,
    () => `fn blocks() { ${deep(500 + Math.floor(rand() * 1500), "{", "}", "")} }\n`,
    () => `  for (var i = 0u; i < ${num()}u; i++) {\n    x[i] = x[i] * 2.0;\n  }\n`,
    () => "  workgroupBarrier();\n",
    () => "@compute @workgroup_size(0)\nfn z() {}\n",
    () => `@compute @workgroup_size(${num()}, ${num()})\nfn w(@builtin(global_invocation_id) g: vec3<u32>) { let v = g.x; }\n`,
    () => "var<workgroup> tile: array<f32, 4294967295>;\n",
    () => "#define A B\n#define B A\n",
    () => "#if X\n",
    () => "#endif\n",
    () => '#include "missing.wgsl"\n',
    () => "{",
    () => "}",
    () => "(",
    () => ";",
    () => "let ",
    () => "fn ",
    () => "@",
    () => "// @",
    () => "\u0000\u00e9\ud83d\ude00",
    () => String.fromCharCode(...Array.from({ length: 1 + Math.floor(rand() * 16) }, () => 32 + Math.floor(rand() * 95))),
  ];
}

/** 0-based line and UTF-16 character of an offset, as the server's TextDocument counts them (no \r is ever sent). */
function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A document of `bytes` bytes or a little more: the examples, repeated with their names made unique. */
export function bigDocument(bytes: number): string {
  const examples = exampleTexts().filter((t) => !t.includes("#include"));
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = examples[i % examples.length].replace(/\bfn (\w+)/g, `fn $1_${i}`).replace(/\b(struct|var<\w+(?:, \w+)?>|var|const|override) (\w+)/g, `$1 $2_${i}`);
    parts.push(part);
    size += part.length;
  }
  return parts.join("\n");
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const rand = mulberry32(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const log = options.log ?? (() => undefined);
  const cuda = options.language === "cuda";
  const triton = options.language === "triton";
  const examples = cuda ? exampleTexts(join(repoRoot, "test", "fixtures", "cuda"), ".cu") : triton ? exampleTexts(join(repoRoot, "test", "fixtures", "triton"), ".py") : exampleTexts();
  const frags = cuda ? cudaFragments(rand) : triton ? tritonFragments(rand) : fragments(rand);
  const server: ServerHandle = await startServer({ diagnostics: { debounceMs: 30 } });
  const pid = server.process.pid!;
  const uriOf = (n: number): string => `file:///tmp/kernellens-lsp-fuzz${n > 1 ? `-${n}` : ""}.${cuda ? "cu" : triton ? "py" : "wgsl"}`;
  let documents = 1;
  let uri = uriOf(documents);
  const languageId = cuda ? "cuda-cpp" : triton ? "python" : "wgsl";
  let text = examples[0];
  let version = 1;

  const latencies: number[] = [];
  const byMethod: Record<string, number> = {};
  const allowedErrors: Record<string, number> = {};
  const failures: string[] = [];
  const late: string[] = [];
  let pending: Promise<void>[] = [];
  let peak = 0;
  let beforeLarge = 0;
  const checkpoints: number[] = [];
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 100);

  /** Sends one request, timing it; a response that never comes within four deadlines counts as a failure. */
  const send = (method: string, params: unknown, cancelAfterMs?: number): Promise<void> => {
    byMethod[method] = (byMethod[method] ?? 0) + 1;
    const source = cancelAfterMs !== undefined ? new CancellationTokenSource() : undefined;
    if (source) setTimeout(() => source.cancel(), cancelAfterMs);
    const t0 = performance.now();
    const what = `${method} v${version} (${text.length} chars)`;
    let timer: NodeJS.Timeout | undefined;
    const unanswered = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), options.deadlineMs * 4)));
    // A token only where there is one: an undefined third argument would send the params by position.
    const answer = (source ? server.connection.sendRequest(method, params, source.token) : server.connection.sendRequest(method, params)).then(
      () => "ok" as const,
      (err: unknown) => err,
    );
    return Promise.race([answer, unanswered]).then((outcome) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      latencies.push(ms);
      if (ms > options.deadlineMs) late.push(`${what}: ${Math.round(ms)} ms`);
      if (outcome === "ok") return;
      if (outcome === "timeout") failures.push(`${what}: no answer within ${options.deadlineMs * 4} ms`);
      else if (outcome instanceof ResponseError && ALLOWED_ERRORS.has(outcome.code)) {
        const name = ALLOWED_ERRORS.get(outcome.code)!;
        allowedErrors[name] = (allowedErrors[name] ?? 0) + 1;
      } else failures.push(`${what}: ${outcome instanceof ResponseError ? `error ${outcome.code}` : "failed"}: ${(outcome as Error).message}`);
    });
  };

  /** A random request of every kind the server answers, at a random place, sometimes cancelled soon after. */
  const randomRequest = (): Promise<void> => {
    const position = positionAt(text, Math.floor(rand() * (text.length + 1)));
    const doc = { textDocument: { uri } };
    const requests: [string, unknown][] = [
      ["textDocument/hover", { ...doc, position }],
      ["textDocument/completion", { ...doc, position }],
      ["textDocument/documentSymbol", doc],
      ["textDocument/definition", { ...doc, position }],
      ["textDocument/references", { ...doc, position, context: { includeDeclaration: rand() < 0.5 } }],
      ["textDocument/inlayHint", { ...doc, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } }],
      ["textDocument/codeLens", doc],
      ["kernellens/documentKernels", { uri }],
      ["kernellens/roofline", rand() < 0.5 ? { uri } : { uri, deviceId: pick(["h100", "nvidia-rtx-4090", "apple-m2", "no such device", ""]) }],
      ["kernellens/documentKernels", rand() < 0.5 ? null : { uri: "file:///not/open.wgsl" }],
    ];
    const [method, params] = pick(requests);
    return send(method, params, rand() < 0.1 ? Math.floor(rand() * 20) : undefined);
  };

  const replace = (from: number, to: number, insert: string): void => {
    const range = { start: positionAt(text, from), end: positionAt(text, to) };
    text = text.slice(0, from) + insert + text.slice(to);
    server.edit(uri, range, insert, ++version);
  };

  /** One random edit: mostly small insertions and deletions, sometimes a whole new text. */
  const randomEdit = (): void => {
    const r = rand();
    if (r < 0.05) {
      const next = pick(examples);
      replace(0, text.length, next);
    } else if (r < 0.1) {
      const absurd = cuda ? pick(examples).replace(/constexpr int (\w+) = \d+;/, "constexpr int $1 = 1 << 30;") : triton ? pick(examples).replace(/\b\d{3,}\b/g, "1 << 40") : SAXPY_HUGE_N;
      replace(0, text.length, absurd);
    } else if (r < 0.45 && text.length > 0) {
      const from = Math.floor(rand() * text.length);
      replace(from, Math.min(text.length, from + 1 + Math.floor(rand() * 200)), "");
    } else {
      // Insert at a line start half the time (directives and declarations), anywhere otherwise.
      let at = Math.floor(rand() * (text.length + 1));
      if (rand() < 0.5) at = text.lastIndexOf("\n", at - 1) + 1;
      replace(at, at, pick(frags)());
    }
    // Keep the document from growing without bound: a long one starts over from an example.
    if (text.length > 200_000) replace(0, text.length, pick(examples));
  };

  const settle = async (): Promise<void> => {
    const all = pending;
    pending = [];
    await Promise.all(all);
  };

  try {
    // Warm-up: the first analysis (Tint started, the examples' code paths compiled) before the start figure.
    const first = server.diagnostics(uri, () => true, 30000);
    server.open(uri, text, version, languageId);
    await first;
    await send("textDocument/documentSymbol", { textDocument: { uri } });
    await new Promise((r) => setTimeout(r, 500));
    const rssStart = rssMiB(pid);
    log(`warm: rss ${rssStart.toFixed(0)} MiB`);

    const largeAt = Math.floor(options.edits / 2);
    for (let i = 0; i < options.edits; i++) {
      randomEdit();
      const n = Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) pending.push(randomRequest());
      if (rand() < 0.3) await new Promise((r) => setTimeout(r, Math.floor(rand() * 40)));
      if (i % 8 === 7) await settle();
      if (rand() < 0.01) void server.connection.sendNotification("workspace/didChangeConfiguration", { settings: {} });
      if (rand() < 0.01) {
        // Closed while requests may be in flight, then opened again.
        server.close(uri);
        pending.push(randomRequest());
        server.open(uri, text, ++version, languageId);
      }
      if (options.reopenEvery && i % options.reopenEvery === options.reopenEvery - 1) {
        // This document goes; another one, new to the server, takes its place.
        await settle();
        server.close(uri);
        uri = uriOf(++documents);
        text = pick(examples);
        server.open(uri, text, ++version, languageId);
      }
      if (i % 100 === 99) {
        await settle();
        checkpoints.push(rssMiB(pid));
        log(`${i + 1} edits, ${latencies.length} requests, ${documents} documents, rss ${checkpoints[checkpoints.length - 1]!.toFixed(0)} MiB`);
      }
      if (i === largeAt && options.large !== false) await largePhase();
    }
    await settle();

    // The document closes; its analyses must go, and the memory with them.
    server.close(uri);
    await new Promise((r) => setTimeout(r, 3500));
    const rssEnd = rssMiB(pid);
    clearInterval(sampler);
    const sorted = [...latencies].sort((a, b) => a - b);
    const serverErrors = server.logs().filter((m) => /analysis of .* failed|handler .* failed|request .* failed|uncaught|unhandled/i.test(m));
    return {
      edits: options.edits,
      requests: latencies.length,
      byMethod,
      allowedErrors,
      failures,
      late,
      latency: { max: sorted[sorted.length - 1] ?? 0, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) },
      rss: { start: rssStart, beforeLarge: beforeLarge || rssEnd, peak, end: rssEnd, checkpoints },
      documents,
      serverErrors,
      alive: server.process.exitCode === null && server.process.signalCode === null,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    clearInterval(sampler);
    await server.stop();
  }

  /** The multi-megabyte document: large (no cost model), edited and queried; then too large; then small again. */
  async function largePhase(): Promise<void> {
    await settle();
    beforeLarge = rssMiB(pid);
    for (const bytes of [options.largeBytes ?? 3 * 1024 * 1024, options.hugeBytes ?? 5 * 1024 * 1024]) {
      const t0 = performance.now();
      const target = version + 1;
      const got = server.diagnostics(uri, (p) => p.version === target, options.deadlineMs * 4);
      replace(0, text.length, bigDocument(bytes));
      for (let k = 0; k < 12; k++) pending.push(randomRequest());
      await got.catch((err: Error) => failures.push(`diagnostics of the ${bytes}-byte document: ${err.message}`));
      await settle();
      for (let e = 0; e < 4; e++) {
        const at = text.lastIndexOf("\n", Math.floor(rand() * text.length)) + 1;
        replace(at, at, pick(frags)());
        for (let k = 0; k < 3; k++) pending.push(randomRequest());
      }
      await settle();
      log(`${(bytes / 1048576).toFixed(1)} MiB document: ${Math.round(performance.now() - t0)} ms, rss ${rssMiB(pid).toFixed(0)} MiB`);
    }
    replace(0, text.length, pick(examples));
    for (let k = 0; k < 4; k++) pending.push(randomRequest());
    await settle();
  }
}
