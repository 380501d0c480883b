// Benchmarks the WGSL front-end against wgsl_reflect on a generated ~2,000-line kernel file, and evaluates wgsl_reflect.
//
// Measures warm parse times (p50/p95 over at least 50 runs) of our `parseWgsl` and of wgsl_reflect's `WgslParser`,
// how many of wgsl_reflect's AST nodes carry a source span, and what it does with a file that has a syntax error in
// one function. Run directly (`node --import tsx test/bench/frontend.ts`) it prints a table.

import { performance } from "node:perf_hooks";
import { WgslParser, Node as ReflectNode } from "wgsl_reflect";
import { parseWgsl } from "../../server/src/core/wgsl/parser";
import { walk } from "../../server/src/core/wgsl/walk";

export interface TimingStats {
  readonly runs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface SpanCoverage {
  /** Distinct AST nodes reachable from the parse result. */
  readonly nodes: number;
  /** Nodes whose span is set (`start >= 0 && end >= start`). */
  readonly withSpan: number;
  readonly fraction: number;
  /** Per node type (wgsl_reflect's `astNodeType`, or our `kind`): nodes and how many of them have a span. */
  readonly byType: Readonly<Record<string, { nodes: number; withSpan: number }>>;
}

export interface ErrorFileBehaviour {
  /** Whether parsing the file with one broken function threw. */
  readonly threw: boolean;
  readonly message?: string;
  /** Functions in the result (when it did not throw); the file declares `expectedFunctions`. */
  readonly functions?: number;
  readonly expectedFunctions: number;
  /** Our parser on the same file: functions recovered and errors reported. */
  readonly oursFunctions: number;
  readonly oursErrors: readonly string[];
}

export interface FrontendBenchResult {
  readonly lines: number;
  readonly chars: number;
  readonly ours: TimingStats & { readonly errors: number; readonly decls: number; readonly spanCoverage: SpanCoverage };
  readonly wgslReflect: {
    /** Absent when wgsl_reflect threw on the generated file. */
    readonly timing?: TimingStats;
    readonly threw?: string;
    readonly spanCoverage?: SpanCoverage;
    readonly errorFile: ErrorFileBehaviour;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The generated file: realistic compute kernels, each copy with its own identifiers and constants.

function matmulKernel(i: number): string {
  const tile = [8, 16, 16, 32][i % 4];
  return `
// Tiled matrix multiply: each workgroup computes a ${tile}x${tile} block of C using shared tiles of A and B.
// @dispatch ${64 / (tile / 8)} ${64 / (tile / 8)} 1
struct MatDims${i} {
  M: u32,
  N: u32,
  K: u32,
  @align(16) alpha: f32,
}

const TILE_${i}: u32 = ${tile}u;

@group(0) @binding(0) var<storage, read> matA_${i}: array<f32>;
@group(0) @binding(1) var<storage, read> matB_${i}: array<f32>;
@group(0) @binding(2) var<storage, read_write> matC_${i}: array<f32>;
@group(0) @binding(3) var<uniform> dims_${i}: MatDims${i};

var<workgroup> tileA_${i}: array<array<f32, ${tile}>, ${tile}>;
var<workgroup> tileB_${i}: array<array<f32, ${tile}>, ${tile}>;

@compute @workgroup_size(${tile}, ${tile}, 1)
fn matmul_${i}(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let row = gid.y;
  let col = gid.x;
  var acc: f32 = 0.0;
  let numTiles = (dims_${i}.K + TILE_${i} - 1u) / TILE_${i};
  for (var t = 0u; t < numTiles; t++) {
    let aCol = t * TILE_${i} + lid.x;
    let bRow = t * TILE_${i} + lid.y;
    if (row < dims_${i}.M && aCol < dims_${i}.K) {
      tileA_${i}[lid.y][lid.x] = matA_${i}[row * dims_${i}.K + aCol];
    } else {
      tileA_${i}[lid.y][lid.x] = 0.0;
    }
    if (bRow < dims_${i}.K && col < dims_${i}.N) {
      tileB_${i}[lid.y][lid.x] = matB_${i}[bRow * dims_${i}.N + col];
    } else {
      tileB_${i}[lid.y][lid.x] = 0.0;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_${i}; k = k + 1u) {
      acc = fma(tileA_${i}[lid.y][k], tileB_${i}[k][lid.x], acc);
    }
    workgroupBarrier();
  }
  if (row < dims_${i}.M && col < dims_${i}.N) {
    matC_${i}[row * dims_${i}.N + col] = dims_${i}.alpha * acc;
  }
}
`;
}

function reductionKernel(i: number): string {
  const wg = [64, 128, 256][i % 3];
  return `
// Workgroup tree reduction followed by one atomic add per workgroup.
@group(0) @binding(0) var<storage, read> input_${i}: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> total_${i}: atomic<u32>;
override BLOCK_${i}: u32 = ${wg}u;
var<workgroup> partial_${i}: array<f32, ${wg}>;

fn load_${i}(index: u32, count: u32) -> f32 {
  if (index >= count) {
    return 0.0;
  }
  let v = input_${i}[index];
  return dot(v, vec4<f32>(1.0, 1.0, 1.0, 1.0));
}

@compute @workgroup_size(${wg})
fn reduce_${i}(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let count = arrayLength(&input_${i});
  partial_${i}[li] = load_${i}(wid.x * ${wg}u + li, count);
  workgroupBarrier();
  var stride = ${wg / 2}u;
  loop {
    if stride == 0u { break; }
    if (li < stride) {
      partial_${i}[li] += partial_${i}[li + stride];
    }
    workgroupBarrier();
    continuing {
      stride = stride >> 1u;
    }
  }
  if (li == 0u) {
    let bits = bitcast<u32>(partial_${i}[0]);
    atomicAdd(&total_${i}, bits & 0xFFFFu);
  }
}
`;
}

function softmaxKernel(i: number): string {
  return `
// Row-wise softmax with a numerically stable max subtraction.
struct Shape${i} { rows: u32, cols: u32 }
@group(0) @binding(0) var<storage, read_write> logits_${i}: array<f32>;
@group(0) @binding(1) var<uniform> shape_${i}: Shape${i};

@compute @workgroup_size(64, 1, 1)
fn softmax_${i}(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= shape_${i}.rows) { return; }
  let base = r * shape_${i}.cols;
  var m = -3.40282347e+38f;
  for (var c = 0u; c < shape_${i}.cols; c++) {
    m = max(m, logits_${i}[base + c]);
  }
  var sum = 0.0f;
  for (var c = 0u; c < shape_${i}.cols; c++) {
    let e = exp(logits_${i}[base + c] - m);
    logits_${i}[base + c] = e;
    sum += e;
  }
  let inv = 1.0 / select(sum, 1.0, sum == 0.0);
  var c = 0u;
  while (c < shape_${i}.cols) {
    logits_${i}[base + c] *= inv;
    c += 1u;
  }
}
`;
}

function histogramKernel(i: number): string {
  const bins = [16, 32, 64][i % 3];
  return `
// Histogram with workgroup-private bins, a switch on the channel and a final flush.
@group(0) @binding(0) var<storage, read> pixels_${i}: array<u32>;
@group(0) @binding(1) var<storage, read_write> bins_${i}: array<atomic<u32>, ${bins}>;
var<workgroup> localBins_${i}: array<atomic<u32>, ${bins}>;

fn channel_${i}(p: u32, which: i32) -> u32 {
  var v: u32;
  switch which {
    case 0: { v = p & 0xFFu; }
    case 1: { v = (p >> 8u) & 0xFFu; }
    case 2, 3: { v = (p >> 16u) & 0xFFu; }
    default: { v = p >> 24u; }
  }
  return v * ${bins}u / 256u;
}

@compute @workgroup_size(256)
fn histogram_${i}(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  if (li < ${bins}u) { atomicStore(&localBins_${i}[li], 0u); }
  workgroupBarrier();
  let n = arrayLength(&pixels_${i});
  if (gid.x < n) {
    let bin = channel_${i}(pixels_${i}[gid.x], i32(gid.x % 4u));
    atomicAdd(&localBins_${i}[bin], 1u);
  }
  workgroupBarrier();
  if (li < ${bins}u) {
    let count = atomicLoad(&localBins_${i}[li]);
    if (count != 0u) { atomicAdd(&bins_${i}[li], count); }
  }
}
`;
}

function stencilKernel(i: number): string {
  return `
// 2-D 5-point stencil over a storage texture-like buffer, with clamped neighbours.
struct Grid${i} { width: i32, height: i32, weight: vec2<f32> }
@group(0) @binding(0) var<storage, read> src_${i}: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst_${i}: array<f32>;
@group(0) @binding(2) var<uniform> grid_${i}: Grid${i};

fn at_${i}(x: i32, y: i32) -> f32 {
  let cx = clamp(x, 0, grid_${i}.width - 1);
  let cy = clamp(y, 0, grid_${i}.height - 1);
  return src_${i}[u32(cy * grid_${i}.width + cx)];
}

@compute @workgroup_size(8, 8)
fn stencil_${i}(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = vec2<i32>(gid.xy);
  if (any(p >= vec2<i32>(grid_${i}.width, grid_${i}.height))) { return; }
  let centre = at_${i}(p.x, p.y);
  let sum = at_${i}(p.x - 1, p.y) + at_${i}(p.x + 1, p.y) + at_${i}(p.x, p.y - 1) + at_${i}(p.x, p.y + 1);
  let w = grid_${i}.weight;
  dst_${i}[u32(p.y * grid_${i}.width + p.x)] = w.x * centre + w.y * (sum - 4.0 * centre);
}
`;
}

const GENERATORS = [matmulKernel, reductionKernel, softmaxKernel, histogramKernel, stencilKernel];

/** A realistic WGSL file of at least `minLines` lines made of varied compute kernels with distinct names. */
export function generateKernelFile(minLines = 2000): string {
  const parts: string[] = ["enable f16;\n// Generated benchmark input: many independent compute kernels.\n"];
  let lines = 2;
  for (let i = 0; lines < minLines; i++) {
    const part = GENERATORS[i % GENERATORS.length](i);
    parts.push(part);
    lines += part.split("\n").length - 1;
  }
  return parts.join("");
}

/** The same kind of file with a syntax error (a missing ';') in the middle function. */
export function generateFileWithError(): { text: string; functions: number } {
  const kernels = [softmaxKernel(900), stencilKernel(901), histogramKernel(902)];
  const broken = kernels[1].replace("let centre = at_901(p.x, p.y);", "let centre = at_901(p.x, p.y)");
  const text = [kernels[0], broken, kernels[2]].join("");
  // softmax: 1 function, stencil: 2, histogram: 2.
  return { text, functions: 5 };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement

function percentile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

/** Times `fn` after `warmup` untimed runs. */
export function timeRuns(fn: () => unknown, runs: number, warmup: number): TimingStats {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    runs,
    p50Ms: percentile(samples, 0.5),
    p95Ms: percentile(samples, 0.95),
    meanMs: mean,
    minMs: samples[0],
    maxMs: samples[samples.length - 1],
  };
}

/** Counts wgsl_reflect AST nodes (instances of its `Node`) reachable from `root`, and which carry spans. */
function reflectSpanCoverage(root: unknown): SpanCoverage {
  const seen = new Set<object>();
  const byType: Record<string, { nodes: number; withSpan: number }> = {};
  let nodes = 0;
  let withSpan = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object" || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof ReflectNode) {
      const type = value.astNodeType || value.constructor.name;
      const entry = (byType[type] ??= { nodes: 0, withSpan: 0 });
      entry.nodes++;
      nodes++;
      if (value.hasSpan) {
        entry.withSpan++;
        withSpan++;
      }
    }
    if (value instanceof Map) {
      for (const v of value.values()) stack.push(v);
    } else if (value instanceof Set || Array.isArray(value)) {
      for (const v of value) stack.push(v);
    } else {
      for (const key of Object.keys(value)) stack.push((value as Record<string, unknown>)[key]);
    }
  }
  return { nodes, withSpan, fraction: nodes === 0 ? 0 : withSpan / nodes, byType };
}

function ourSpanCoverage(text: string): SpanCoverage {
  const module = parseWgsl(text);
  const byType: Record<string, { nodes: number; withSpan: number }> = {};
  let nodes = 0;
  let withSpan = 0;
  walk(module, (node) => {
    const entry = (byType[node.kind] ??= { nodes: 0, withSpan: 0 });
    entry.nodes++;
    nodes++;
    const { start, end } = node.span;
    if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end >= start && end <= text.length) {
      entry.withSpan++;
      withSpan++;
    }
  });
  return { nodes, withSpan, fraction: nodes === 0 ? 0 : withSpan / nodes, byType };
}

function countReflectFunctions(statements: readonly unknown[]): number {
  let n = 0;
  for (const s of statements) {
    if (s instanceof ReflectNode && s.astNodeType === "function") n++;
  }
  return n;
}

export async function benchFrontend(options: { runs?: number; warmup?: number } = {}): Promise<FrontendBenchResult> {
  const runs = Math.max(50, options.runs ?? 60);
  const warmup = options.warmup ?? 20;
  const text = generateKernelFile(2000);
  const lines = text.split("\n").length;

  const module = parseWgsl(text);
  const oursTiming = timeRuns(() => parseWgsl(text), runs, warmup);

  let reflectTiming: TimingStats | undefined;
  let reflectThrew: string | undefined;
  let reflectCoverage: SpanCoverage | undefined;
  try {
    const ast = new WgslParser().parse(text);
    reflectCoverage = reflectSpanCoverage(ast);
    reflectTiming = timeRuns(() => new WgslParser().parse(text), runs, warmup);
  } catch (e) {
    reflectThrew = e instanceof Error ? e.message : String(e);
  }

  const errorFile = generateFileWithError();
  const ours = parseWgsl(errorFile.text);
  const oursFunctions = ours.decls.filter((d) => d.kind === "function").length;
  let errorBehaviour: ErrorFileBehaviour;
  try {
    const statements = new WgslParser().parse(errorFile.text);
    errorBehaviour = {
      threw: false,
      functions: countReflectFunctions(statements),
      expectedFunctions: errorFile.functions,
      oursFunctions,
      oursErrors: ours.errors.map((e) => e.message),
    };
  } catch (e) {
    errorBehaviour = {
      threw: true,
      message: (e instanceof Error ? e.message : String(e)).split("\n")[0],
      expectedFunctions: errorFile.functions,
      oursFunctions,
      oursErrors: ours.errors.map((e) => e.message),
    };
  }

  return {
    lines,
    chars: text.length,
    ours: { ...oursTiming, errors: module.errors.length, decls: module.decls.length, spanCoverage: ourSpanCoverage(text) },
    wgslReflect: { timing: reflectTiming, threw: reflectThrew, spanCoverage: reflectCoverage, errorFile: errorBehaviour },
  };
}

function formatTable(r: FrontendBenchResult): string {
  const ms = (v: number | undefined): string => (v === undefined ? "-" : v.toFixed(2));
  const pct = (c: SpanCoverage | undefined): string => (c === undefined ? "-" : `${(100 * c.fraction).toFixed(1)}%`);
  const rows: string[][] = [
    ["parser", "p50 ms", "p95 ms", "mean ms", "spans"],
    ["KernelLens parseWgsl", ms(r.ours.p50Ms), ms(r.ours.p95Ms), ms(r.ours.meanMs), pct(r.ours.spanCoverage)],
    [
      "wgsl_reflect WgslParser",
      ms(r.wgslReflect.timing?.p50Ms),
      ms(r.wgslReflect.timing?.p95Ms),
      ms(r.wgslReflect.timing?.meanMs),
      pct(r.wgslReflect.spanCoverage),
    ],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const out = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
  out.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const lines = [
    `input: ${r.lines} lines, ${r.chars} chars, ${r.ours.decls} declarations, ${r.ours.errors} parse errors (ours); ${r.ours.runs} timed runs`,
    ...out,
  ];
  if (r.wgslReflect.threw) lines.push(`wgsl_reflect threw on the benchmark file: ${r.wgslReflect.threw}`);
  const cov = r.wgslReflect.spanCoverage;
  if (cov) {
    const missing = Object.entries(cov.byType)
      .filter(([, v]) => v.withSpan < v.nodes)
      .sort((a, b) => b[1].nodes - b[1].withSpan - (a[1].nodes - a[1].withSpan))
      .map(([k, v]) => `${k} ${v.withSpan}/${v.nodes}`);
    lines.push(`wgsl_reflect nodes with a span: ${cov.withSpan}/${cov.nodes}; types lacking spans: ${missing.join(", ") || "none"}`);
  }
  const ef = r.wgslReflect.errorFile;
  lines.push(
    ef.threw
      ? `file with one syntax error: wgsl_reflect threw ("${ef.message}"), no tree; ours recovered ${ef.oursFunctions}/${ef.expectedFunctions} functions with ${ef.oursErrors.length} error(s): ${ef.oursErrors.join("; ")}`
      : `file with one syntax error: wgsl_reflect returned ${ef.functions}/${ef.expectedFunctions} functions; ours ${ef.oursFunctions}/${ef.expectedFunctions}`,
  );
  return lines.join("\n");
}

// Run as a script (not imported by the bench runner or a test): print the table. The check uses the script path
// because these files load as CommonJS under tsx, where neither top-level await nor `import.meta` is available.
if (/[\\/]test[\\/]bench[\\/]frontend\.ts$/.test(process.argv[1] ?? "")) {
  benchFrontend().then(
    (result) => console.log(formatTable(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
