// The Triton front-end at fuzz scale, as cuda-fuzz.test.ts does for CUDA: over 3,000 seeded Python files built from
// the Triton fixtures (every prefix at line granularity as the file is typed, prefixes cut anywhere, mutations: byte
// flips, deleted, duplicated and swapped lines, indentation broken, pieces of other fixtures; half-typed Triton
// constructs inserted anywhere; Python/Triton token soup inside a @triton.jit kernel) go through analyzeTritonSource,
// every third one with the cost model on nvidia-h100-sxm (a small step budget, as the editor's keystroke budget
// would). None may throw, each must finish within a per-file bound (a hang or a super-linear blow-up shows here),
// every span must stay inside its text, every count must be a finite number, and the memory must not keep growing
// once warm: the JavaScript heap and the memory outside it, where the parser's WebAssembly trees live.
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { findDevice } from "../../server/src/core/devices/database";
import type { DeviceSpec } from "../../server/src/core/devices/device";
import { analyzeTritonSource, type PythonParser } from "../../server/src/core/triton/analyze";
import type { TritonSourceAnalysis } from "../../server/src/core/triton/types";
import { pythonParser } from "../support/pythonParser";
import { mulberry32 } from "../support/random";
import { findRepoRoot } from "../support/repoRoot";

const dir = join(findRepoRoot(), "test", "fixtures", "triton");
const FIXTURES = readdirSync(dir).filter((f) => f.endsWith(".py")).sort().map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") }));

/** One file's analysis may take this long at most (generous: the machine is shared); a hang takes forever. */
const PER_FILE_MS = 4000;
/**
 * The editor's budget per kernel is time; here a step budget keeps the run reproducible. One configuration per
 * kernel on most files, two on every fifth: the configurations of an autotune list go through the same code, and each
 * costs about as much as the first.
 */
const maxConfigs = (n: number): number => (n % 5 === 4 ? 2 : 1);
const STEPS = 20_000;

/** Triton and Python constructs in the idioms of real kernels and their host code; a half-typed file holds a prefix of one. */
const CONSTRUCTS = [
  "@triton.jit\n",
  "@triton.autotune(configs=[triton.Config({'BLOCK_M': 128, 'BLOCK_N': 64}, num_warps=4, num_stages=3)], key=['M', 'N'])\n",
  "@triton.heuristics({'EVEN_K': lambda args: args['K'] % args['BLOCK_K'] == 0})\n",
  "def kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):\n",
  "    pid = tl.program_id(axis=0)\n",
  "    offs = pid * BLOCK + tl.arange(0, BLOCK)\n",
  "    mask = offs < n\n",
  "    x = tl.load(x_ptr + offs, mask=mask, other=0.0)\n",
  "    tl.store(y_ptr + offs, x * 2, mask=mask)\n",
  "    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)\n",
  "    for k in range(0, tl.cdiv(K, BLOCK_K)):\n",
  "    for k in tl.range(0, K, BLOCK_K, num_stages=3):\n",
  "        acc = tl.dot(a, b, acc)\n",
  "        a_ptrs += BLOCK_K * stride_ak\n",
  "    acc += tl.dot(a.to(tl.float16), b.to(tl.float16), out_dtype=tl.float32)\n",
  "    row_max = tl.max(x, axis=0)\n",
  "    s = tl.sum(tl.exp(x - row_max[:, None]), axis=1)\n",
  "    p = tl.make_block_ptr(base=a_ptr, shape=(M, K), strides=(stride_am, stride_ak), offsets=(pid_m * BLOCK_M, 0), block_shape=(BLOCK_M, BLOCK_K), order=(1, 0))\n",
  "    a = tl.load(p, boundary_check=(0, 1))\n",
  "    tl.atomic_add(out_ptr + pid, tl.sum(x, axis=0))\n",
  "    x = tl.where(mask, x, float('-inf'))\n",
  "    y = tl.reshape(tl.trans(x), (BLOCK_N, BLOCK_M))\n",
  "    if pid >= num_programs:\n        return\n",
  "    while i < n:\n        i += 1\n",
  "    grid = lambda meta: (triton.cdiv(n, meta['BLOCK']), )\n",
  "    kernel[grid](x, y, n, BLOCK=1024, num_warps=8)\n",
  "    kernel[(triton.cdiv(M, 128) * triton.cdiv(N, 64), 1, 1)](a, b, c, M, N, K, a.stride(0), a.stride(1))\n",
  "x = torch.empty((4096, 4096), device='cuda', dtype=torch.float16)\n",
  "# @config BLOCK=256 num_warps=4\n",
  "# @grid 1024\n",
  "# @arg n = 1 << 20\n",
  "# @arg x_ptr: *fp16\n",
  "import triton\nimport triton.language as tl\n",
  "from triton.language.extra import libdevice\n",
  "class Model(torch.nn.Module):\n    def forward(self, x):\n        return x\n",
  "async def main():\n    await asyncio.sleep(0)\n",
  "with torch.no_grad():\n    y = model(x)\n",
  "try:\n    pass\nexcept Exception as e:\n    raise\n",
  'f"{x!r:>10}"',
  '"""unterminated docstring\n',
  "BLOCK: tl.constexpr = 128\n",
];

/** Tokens of Python and Triton for the soup. */
const TOKENS = [
  "def", "return", "if", "elif", "else", "for", "while", "in", "range", "tl.range", "tl.static_range", "lambda", "with", "as", "not", "and", "or",
  "is", "None", "True", "False", "pass", "break", "continue", "yield", "global", "nonlocal", "assert", "del", "import", "from", "class", "async", "await",
  "tl.program_id", "tl.num_programs", "tl.arange", "tl.load", "tl.store", "tl.dot", "tl.sum", "tl.max", "tl.min", "tl.exp", "tl.exp2", "tl.log",
  "tl.sqrt", "tl.sigmoid", "tl.where", "tl.zeros", "tl.full", "tl.cdiv", "tl.atomic_add", "tl.make_block_ptr", "tl.advance", "tl.reshape", "tl.trans",
  "tl.broadcast_to", "tl.constexpr", "tl.float32", "tl.float16", "tl.bfloat16", "tl.int32", "tl.float8e4nv", ".to", "triton.cdiv", "triton.Config",
  "@triton.jit", "@triton.autotune", "axis=0", "mask=", "other=", "dtype=", "num_warps=", "BLOCK", "BLOCK_M", "BLOCK_N", "BLOCK_K", "pid", "offs",
  "x_ptr", "n", "acc", "[:, None]", "[None, :]", "(", ")", "[", "]", "{", "}", ":", ",", ".", "=", "+=", "*=", "+", "-", "*", "/", "//", "%", "**",
  "<", "<=", ">", "==", "!=", "&", "|", "^", "~", "<<", ">>", "->", "...", "0", "1", "-1", "1024", "0.5", "1e30", "-float('inf')", "2**31", "'s'",
  '"""', "#", "# @config BLOCK=64", "\\", "\n", "\n    ", "\n        ", "\t", ";",
];

type Gen = (rand: () => number) => string;

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

/** Every prefix of every fixture at line granularity, as a file is typed line by line (not random: all of them). */
function linePrefixes(): string[] {
  const out: string[] = [];
  for (const f of FIXTURES) {
    for (let at = f.text.indexOf("\n"); at >= 0; at = f.text.indexOf("\n", at + 1)) out.push(f.text.slice(0, at + 1));
  }
  return out;
}

/** A prefix of a fixture cut anywhere, mid-token included. */
const prefix: Gen = (rand) => {
  const f = pick(rand, FIXTURES).text;
  return f.slice(0, Math.floor(rand() * (f.length + 1)));
};

/** A fixture with 1 to 6 random edits of the kinds editing and bad merges make. */
const mutation: Gen = (rand) => {
  let text = pick(rand, FIXTURES).text;
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (text.length + 1));
    const lines = text.split("\n");
    const line = Math.floor(rand() * lines.length);
    const r = rand();
    if (r < 0.15) {
      // A byte flipped: any printable character, or one bit of the one there.
      const code = rand() < 0.5 ? 32 + Math.floor(rand() * 95) : (text.charCodeAt(at) || 32) ^ (1 << Math.floor(rand() * 7));
      text = text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
    } else if (r < 0.3) {
      lines.splice(line, 1 + Math.floor(rand() * 4));
      text = lines.join("\n");
    } else if (r < 0.42) {
      lines.splice(line, 0, ...lines.slice(line, line + 1 + Math.floor(rand() * 6)));
      text = lines.join("\n");
    } else if (r < 0.5) {
      const other = Math.floor(rand() * lines.length);
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      text = lines.join("\n");
    } else if (r < 0.6) {
      // Indentation broken: Python's blocks move.
      lines[line] = rand() < 0.5 ? lines[line]!.replace(/^ {1,4}/, "") : `${pick(rand, ["    ", " ", "\t", "        "])}${lines[line]}`;
      text = lines.join("\n");
    } else if (r < 0.72) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 120));
    else if (r < 0.86) text = text.slice(0, at) + pick(rand, TOKENS) + text.slice(at);
    else {
      const other = pick(rand, FIXTURES).text;
      const from = Math.floor(rand() * other.length);
      text = text.slice(0, at) + other.slice(from, from + Math.floor(rand() * 400)) + text.slice(at);
    }
  }
  return text;
};

/** A fixture with a half-typed construct: a prefix of one inserted at a line start (indented as the line) or anywhere. */
const halfTyped: Gen = (rand) => {
  const text = pick(rand, FIXTURES).text;
  const construct = pick(rand, CONSTRUCTS);
  const typed = construct.slice(0, 1 + Math.floor(rand() * construct.length));
  let at = Math.floor(rand() * (text.length + 1));
  if (rand() < 0.6) at = text.lastIndexOf("\n", at - 1) + 1;
  return text.slice(0, at) + typed + text.slice(at);
};

/** Python and Triton tokens in random order, inside a kernel's body most of the time, sometimes launched. */
const soup: Gen = (rand) => {
  const n = 5 + Math.floor(rand() * 200);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(pick(rand, TOKENS), pick(rand, [" ", " ", " ", "", "\n    ", "\n"]));
  const body = parts.join("");
  const head = "import triton\nimport triton.language as tl\n\n";
  const r = rand();
  if (r < 0.2) return head + body;
  const kernel = `@triton.jit\ndef soup(x_ptr, y_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    ${body}\n`;
  return r < 0.6 ? head + kernel : `${head}${kernel}\n\ndef launch(x, y):\n    soup[(triton.cdiv(x.numel(), 256),)](x, y, x.numel(), BLOCK=256)\n`;
};

function wellFormed(a: TritonSourceAnalysis, text: string, what: string): void {
  const inside = (s: { start: number; end: number } | undefined, about: string): void => {
    if (!s) return;
    assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= text.length, `${what}: ${about} at ${s.start}-${s.end} outside the text (${text.length})`);
  };
  for (const d of a.diagnostics) inside(d.span, `diagnostic '${d.code}'`);
  for (const k of a.kernels) {
    inside(k.nameSpan, `kernel ${k.name}'s name`);
    inside(k.span, `kernel ${k.name}`);
    inside(k.config.span, `kernel ${k.name}'s configuration`);
    inside(k.launch.site, `kernel ${k.name}'s launch`);
    assert.ok(Number.isFinite(k.resources.sharedBytes) && k.resources.sharedBytes >= 0, `${what}: ${k.name}'s shared memory is a number (${k.resources.sharedBytes})`);
    assert.ok(Number.isFinite(k.resources.registersPerThread) && k.resources.registersPerThread >= 0, `${what}: ${k.name}'s registers are a number`);
  }
  for (const d of a.directives) inside(d.span, "directive");
  for (const [name, m] of a.models) {
    for (const d of m.diagnostics) inside(d.span, `${name}'s finding '${d.code}'`);
    for (const acc of m.model.accesses) inside(acc.span, `${name}'s access`);
    for (const l of m.model.loops) inside(l.span, `${name}'s loop`);
    const ops = m.model.ops;
    for (const r of [ops.flopsF32, ops.flopsF16, ops.tensorFlops, ops.intOps, ops.specialOps, ops.globalLoadBytes, ops.globalStoreBytes, ops.barriers]) {
      assert.ok(Number.isFinite(r.value) && r.value >= 0, `${what}: ${name}'s counts are finite numbers (${r.value})`);
    }
  }
}

/**
 * The JavaScript heap and the memory outside it (the parser's WebAssembly memory is counted there) after a full
 * garbage collection, in MiB: a leaked tree grows `external`, a leaked object graph grows `heap`.
 */
function memoryAfterGc(): { heap: number; external: number } {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 1048576, external: m.external / 1048576 };
}

test("over 3,000 truncated, mutated, half-typed and token-soup Triton files: no throw, no hang, spans inside, memory flat", { timeout: 300_000 }, async () => {
  const rand = mulberry32(20261207);
  const prefixes = linePrefixes();
  const plan: [string, Gen, number][] = [
    ["line prefix", (() => { let i = 0; return () => prefixes[i++]!; })(), prefixes.length],
    ["prefix", prefix, 400],
    ["mutation", mutation, 1000],
    ["half-typed", halfTyped, 500],
    ["soup", soup, 500],
  ];
  const total = plan.reduce((s, [, , n]) => s + n, 0);
  assert.ok(total >= 3000, `${total} files`);
  assert.ok(FIXTURES.length >= 10 && prefixes.length >= 600, "every fixture, every line");
  const parser: PythonParser = await pythonParser();
  const device: DeviceSpec = findDevice("nvidia-h100-sxm")!;
  const started = performance.now();
  let slowest = { ms: 0, what: "" };
  let kernels = 0, modelled = 0, diagnostics = 0;
  const byKind: string[] = [];
  const memory: { heap: number; external: number }[] = [];
  let done = 0;
  for (const [kind, gen, count] of plan) {
    const t0Kind = performance.now();
    for (let i = 0; i < count; i++) {
      const text = gen(rand);
      const what = `${kind} ${i} (${text.length} chars)`;
      const withModel = done % 3 === 0;
      const t0 = performance.now();
      let a: TritonSourceAnalysis;
      try {
        a = analyzeTritonSource(text, { parser, maxConfigs: maxConfigs(done), ...(withModel ? { model: { device, budget: { steps: STEPS } } } : {}) });
      } catch (err) {
        assert.fail(`${what} threw: ${(err as Error).stack}\n--- text ---\n${text.slice(0, 3000)}`);
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, what };
      assert.ok(ms < PER_FILE_MS, `${what} took ${ms.toFixed(0)} ms (bound ${PER_FILE_MS} ms)\n--- text ---\n${text.slice(0, 3000)}`);
      wellFormed(a, text, what);
      // Nothing throws where something failed inside: a lowering or model failure is a diagnostic that says so.
      assert.ok(!a.diagnostics.some((d) => d.code === "triton-parser"), `${what}: the parser failed`);
      kernels += a.kernels.length;
      modelled += a.models.size;
      diagnostics += a.diagnostics.length;
      if (++done % 500 === 0) memory.push(memoryAfterGc());
    }
    byKind.push(`${kind} ${count} in ${((performance.now() - t0Kind) / 1000).toFixed(1)} s`);
  }
  const seconds = (performance.now() - started) / 1000;
  const shown = memory.map((m) => `${m.heap.toFixed(0)}/${m.external.toFixed(0)}`).join(", ");
  console.log(`${total} files in ${seconds.toFixed(1)} s (${byKind.join("; ")}), ${kernels} kernels analysed (${modelled} with the model), ${diagnostics} diagnostics; slowest ${slowest.ms.toFixed(0)} ms (${slowest.what}); after every 500 files, heap / external ${shown} MiB`);
  // The files are not all broken beyond use: most still hold kernels, and the model analyses many.
  assert.ok(kernels > total / 2 && modelled > total / 8, `${kernels} kernels, ${modelled} modelled`);
  // Warm after 1,000 files; from there the memory stays flat: trees are deleted and nothing is kept between analyses.
  const warm = memory[1]!;
  const end = memory[memory.length - 1]!;
  assert.ok(end.external <= warm.external + 16, `memory outside the heap keeps growing (WebAssembly trees?): ${shown}`);
  assert.ok(end.heap <= warm.heap + 24, `the heap keeps growing: ${shown}`);
});
