// Findings in Triton's terms, from the lowering's facts and the model of one configuration: blocks far larger than
// the extent their mask keeps (idle lanes), pointer blocks whose fastest axis is not contiguous, fp16 dot products
// accumulated in fp16, reductions padded to a power-of-two block, and configurations whose shared memory the device
// cannot give (Triton refuses to launch them: OutOfResources).
import type { CoreDiagnostic } from "../diagnostic";
import type { DeviceSpec } from "../devices/device";
import type { ResolvedLaunch } from "../kernel/launch";
import { compile, varsOf, type VExpr } from "../kernel/vexpr";
import type { KernelModel } from "../model/types";
import { numel, type Shape } from "./blocks";
import type { AccessFact, TritonFacts } from "./lower";
import type { TritonFunction } from "./program";
import type { TritonConfig, TritonResources } from "./types";

export interface TritonFindingInput {
  readonly name: string;
  readonly fn: TritonFunction;
  readonly config: TritonConfig;
  readonly facts: TritonFacts;
  readonly launch: ResolvedLaunch;
  readonly model: KernelModel;
  readonly device: DeviceSpec;
  readonly resources: TritonResources;
}

/** Below this share of used lanes a block is called mostly idle. */
const LOW_UTILISATION = 0.85;
/** Evaluations of a mask allowed per access (programs sampled x elements sampled). */
const MASK_SAMPLES = 16_384;

export function tritonFindings(x: TritonFindingInput): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  const diag = (severity: CoreDiagnostic["severity"], code: string, message: string, span: { start: number; end: number }): void => {
    out.push({ severity, code, message, span, source: "kernellens" });
  };
  // Idle lanes: the share of a masked block's elements the mask keeps, over the programs of the grid.
  const utilisation = new Map<number, { used: number; total: number }>();
  x.facts.accesses.forEach((a, i) => {
    if (!a.mask || a.inLoop) return;
    const u = maskUtilisation(a, x.launch);
    if (u) utilisation.set(i, u);
  });
  const flaggedSpans = new Set<string>();
  for (const [i, u] of utilisation) {
    const a = x.facts.accesses[i];
    const share = u.used / u.total;
    const E = numel(a.shape);
    if (share >= LOW_UTILISATION || E < 64) continue;
    const key = `${a.span.start}`;
    if (flaggedSpans.has(key)) continue;
    flaggedSpans.add(key);
    const perProgram = (share * E).toFixed(0);
    diag("info", "triton-lane-utilisation", `low lane utilisation: the mask keeps ${perProgram} of the block's ${E.toLocaleString("en-US")} elements per program on average (${(share * 100).toFixed(0)} %); the other lanes still compute. A block size closer to the extent (or several rows per program) would use them`, a.span);
  }
  // Uncoalesced: the model's sectors for the layout Triton's coalescing pass would choose.
  for (const a of x.facts.accesses) {
    if (a.contiguous || a.shape.every((d) => d <= 1)) continue;
    const m = x.model.accesses.find((acc) => acc.span.start === a.span.start && acc.span.end === a.span.end && acc.addressSpace === "storage");
    if (m && m.coalescingEfficiency !== null && m.coalescingEfficiency >= 0.5) continue;
    const stride = a.strides[a.fastAxis];
    const apart = stride === null ? "an unknown number of elements apart (its stride is a run-time value)" : `${Math.abs(stride).toLocaleString("en-US")} elements apart`;
    diag("warning", "triton-uncoalesced", `uncoalesced pointer block: along every axis of this ${shapeText(a.shape)} block neighbouring elements are not contiguous (axis ${a.fastAxis}: ${apart}), so each thread's ${a.kind} touches its own memory sector${m && m.coalescingEfficiency !== null ? ` (${(m.coalescingEfficiency * 100).toFixed(0)} % of the bytes fetched are used)` : ""}. Index the contiguous dimension with the block's last axis (\`offs[None, :]\` times a stride of 1)`, a.span);
  }
  // fp16 products summed in fp16.
  for (const d of x.facts.dots) {
    if (!/^(fp16|bf16)$/.test(d.input) || !/^(fp16|bf16)$/.test(d.acc)) continue;
    diag("warning", "triton-dot-low-precision-accumulator", `this tl.dot multiplies ${d.input} tiles and accumulates in ${d.acc}: rounding error grows with K (${d.k} per step${d.inLoop ? ", every iteration" : ""}). Accumulate in fp32 (an fp32 accumulator from tl.zeros(..., dtype=tl.float32), or out_dtype=tl.float32) and convert once at the store`, d.span);
  }
  // Reductions over a padded block.
  for (const r of x.facts.reductions) {
    if (r.origin === undefined) continue;
    const u = utilisation.get(r.origin) ?? (x.facts.accesses[r.origin] ? maskUtilisation(x.facts.accesses[r.origin], x.launch) : undefined);
    if (!u) continue;
    const share = u.used / u.total;
    if (share >= 0.97) continue;
    const valid = Math.round(share * r.extent);
    diag("info", "triton-reduction-padding", `tl.${r.op} reduces a block of ${r.extent.toLocaleString("en-US")} elements of which about ${valid.toLocaleString("en-US")} are valid (${(100 - share * 100).toFixed(0)} % padding): the masked lanes hold the load's \`other\` value and take part in the reduction (Triton blocks are powers of two). Make sure \`other\` is the reduction's identity (0 for sum, -inf for max)`, r.span);
  }
  // Shared memory the device cannot give.
  const limit = x.device.maxSharedMemoryPerBlockBytes;
  if (x.resources.sharedBytes > limit) {
    // At its triton.Config (inside the definition); a launch's or a directive's configuration at the kernel's name.
    const at = x.config.source === "autotune" && x.config.span ? x.config.span : x.fn.nameSpan;
    diag("error", "triton-shared-memory-overflow", `configuration ${configName(x.config)} needs ${kib(x.resources.sharedBytes)} of shared memory (${x.resources.source}: ${x.resources.source === "estimated" ? x.facts.sharedDetail : x.resources.detail}) but ${x.device.name} gives a block at most ${kib(limit)}: Triton refuses to launch it (OutOfResources). Lower BLOCK_K, the block sizes or num_stages`, at);
  }
  return out;
}

function hasUnknown(e: VExpr): boolean {
  switch (e.k) {
    case "unknown": return true;
    case "un": return hasUnknown(e.a);
    case "bin": return hasUnknown(e.a) || hasUnknown(e.b);
    case "call": return e.args.some(hasUnknown);
    default: return false;
  }
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
}

function shapeText(s: Shape): string {
  return `[${s.join(", ")}]`;
}

function configName(c: TritonConfig): string {
  return [...c.constexprs.map((x) => `${x.name}=${String(x.value)}`), `num_warps=${c.numWarps}`, `num_stages=${c.numStages}`].join(", ");
}

/** Used and total lanes of a masked access over (sampled) programs and elements, for this launch; undefined if unknown. */
export function maskUtilisation(a: AccessFact, launch: ResolvedLaunch): { used: number; total: number } | undefined {
  if (!a.mask || !launch.input) return undefined;
  const grid = launch.input.dispatch;
  const E = numel(a.shape);
  const programs = grid[0] * grid[1] * grid[2];
  if (programs <= 0 || E <= 0) return undefined;
  const elementSamples = Math.min(E, 4096);
  const programSamples = Math.max(1, Math.min(programs, Math.floor(MASK_SAMPLES / elementSamples)));
  const pick = (count: number, of: number): number[] => {
    if (count >= of) return [...Array(of).keys()];
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(Math.floor((i * (of - 1)) / Math.max(1, count - 1)));
    return out;
  };
  const values = launch.input.overrides;
  const resolve = (name: string): number | undefined => {
    const m = /^blk(\d)$/.exec(name);
    if (m) return Number(m[1]) < a.shape.length ? 0 : undefined;
    if (name === "wid.x" || name === "wid.y" || name === "wid.z") return 0;
    if (name === "nwg.x") return grid[0];
    if (name === "nwg.y") return grid[1];
    if (name === "nwg.z") return grid[2];
    if (name.startsWith("override.")) return values.get(name.slice(9));
    return undefined;
  };
  // The mask is compiled once (millions of evaluations otherwise dominate a file's analysis); it must read only
  // names this function gives and hold no unknown part, else the share is unknown, as evaluate() would say.
  const names = [...varsOf(a.mask)];
  if (hasUnknown(a.mask) || names.some((n) => resolve(n) === undefined)) return undefined;
  const slots = new Map(names.map((n, i) => [n, i]));
  const vals = new Float64Array(Math.max(1, names.length));
  names.forEach((n, i) => (vals[i] = resolve(n)!));
  const blk = a.shape.map((_, i) => slots.get(`blk${i}`) ?? -1);
  const wid = ["wid.x", "wid.y", "wid.z"].map((n) => slots.get(n) ?? -1);
  const mask = compile(a.mask, (n) => slots.get(n)!);
  const elements = pick(elementSamples, E);
  let used = 0, total = 0;
  for (const p of pick(programSamples, programs)) {
    const w = [p % grid[0], Math.floor(p / grid[0]) % grid[1], Math.floor(p / (grid[0] * grid[1]))];
    for (let i = 0; i < 3; i++) if (wid[i] >= 0) vals[wid[i]] = w[i];
    for (const e of elements) {
      let rest = e;
      for (let i = a.shape.length - 1; i >= 0; i--) {
        if (blk[i] >= 0) vals[blk[i]] = rest % a.shape[i];
        rest = Math.floor(rest / a.shape[i]);
      }
      const v = mask(vals);
      if (Number.isNaN(v)) return undefined;
      total++;
      if (v !== 0) used++;
    }
  }
  return total > 0 ? { used, total } : undefined;
}
