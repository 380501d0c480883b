// What the SM's L1 cache does to global loads inside loops, on GPUs that cache them there (NVIDIA since Volta).
//
// Two kinds of reuse never reach L2: the warps of one block reading the same lines at the same step (every warp of
// a 32x32 block reading the same row of B), and a warp reading a line again on later steps (each lane of a naive
// matmul walking its own row of A four bytes a step: one 32-byte sector serves eight steps). Both are measured on
// the addresses themselves: every warp of one block, over a window of consecutive iterations of the loop the address
// moves with, counting the distinct sectors against those the warps ask for one by one. Reuse across steps is
// counted only while the lines the resident blocks keep for the window fit in the L1 that shared memory leaves.
//
// The L1 also has a throughput of its own: one 128-byte line (a tag look-up and its data) per clock per SM, so an
// access whose lanes touch 32 different lines takes 32 clocks of the SM's L1 however many of them hit. That is what
// bounds a naive matmul whose warps read a column (siboehm's kernel 1 on an RTX A6000: 445 ms measured, 469 ms by
// this count), and it is charged with the shared-memory term, as the two share the L1's SRAM and its data path.
import type { DeviceSpec } from "../devices/device";
import { compile, unknownReason, varsOf } from "../kernel/vexpr";
import { domainSize, type Domain } from "./counting";
import type { RecordedAccess, WalkResult } from "./evaluate";
import type { AccessAnalysis } from "./traffic";

/**
 * The L1 and shared memory of one SM, bytes: one SRAM since Volta, 128 KiB on the GA10x and AD10x parts (192 and 256
 * KiB on A100 and H100; the smaller figure is used everywhere so that reuse is never overstated).
 */
export const L1_BYTES_PER_SM = 128 * 1024;
/** Consecutive iterations over which a warp's reuse of its own lines is looked for (a 32-byte sector of f32: 8). */
export const REUSE_WINDOW = 8;
/** Warps of one block sampled for lines they share (a block has at most 32). */
const MAX_WARPS = 32;
/** A loop this short inside the step loop is a register block, enumerated rather than stepped. */
const SHORT_LOOP = 16;
/** Iterations of such inner loops enumerated at each step, at most. */
const MAX_MEMBERS = 64;
/** Addresses evaluated per access, at most (about a millisecond). */
const MAX_EVALUATIONS = 1 << 16;

export interface L1Context {
  /** Blocks resident on one SM: they share its L1. */
  readonly residentWorkgroupsPerSm: number;
  /** Shared memory those blocks take from the L1's SRAM, bytes per SM. */
  readonly sharedBytesPerSm: number;
}

/** Whether the device caches global loads in an L1 with NVIDIA's sectors and lines (not a CPU's software adapter). */
export function cachesGlobalLoadsInL1(device: DeviceSpec): boolean {
  return !device.serialWorkgroups && device.memoryTransactionBytes > 0;
}

function first(d: Domain): number {
  return d.kind === "range" ? d.lo : d.values[0];
}

function middle(d: Domain): number {
  const n = domainSize(d);
  const i = Math.floor(n / 2);
  return d.kind === "range" ? d.lo + i : d.values[Math.min(i, d.values.length - 1)];
}

/**
 * The share of an access's L2 bytes that the L1 does not serve, for a global load that moves with a loop the
 * compiler keeps (not unrolled); undefined when it does not apply or cannot be measured.
 */
export function l1MissShare(a: RecordedAccess, walk: WalkResult, workgroupSize: readonly [number, number, number], device: DeviceSpec, ctx: L1Context): number | undefined {
  if (a.space !== "storage" || a.kind !== "load" || unknownReason(a.addr) !== undefined) return undefined;
  const used = varsOf(a.addr);
  const loops = a.ctx.loops;
  // The loop the address steps with: the innermost one it moves with that is long (short loops inside it are a
  // thread's register block, b[k * N + col + j] for j < 8: their iterations are enumerated at every step).
  let step = -1;
  for (let k = loops.length - 1; k >= 0; k--) {
    if (loops[k].unrolled || !used.has(loops[k].name)) continue;
    if (step < 0) step = k;
    if (domainSize(loops[k].domain) > SHORT_LOOP) {
      step = k;
      break;
    }
  }
  if (step < 0) return undefined;
  const stepLoop = loops[step];
  const inner = loops.slice(step + 1).filter((l) => used.has(l.name));
  const members = inner.reduce((p, l) => p * domainSize(l.domain), 1);
  if (members > MAX_MEMBERS || inner.some((l) => l.domain.kind !== "range")) return undefined;
  let window = Math.min(REUSE_WINDOW, domainSize(stepLoop.domain));
  if (window < 1) return undefined;
  const sector = device.memoryTransactionBytes;
  const [lx, ly, lz] = workgroupSize;
  const threads = lx * ly * lz;
  const lanes = Math.min(device.warpSize, 64);
  const warps = Math.min(MAX_WARPS, Math.ceil(threads / lanes));
  // The sampling runs on every keystroke: a shorter window where a block and its register block are large, none
  // (no reuse claimed) where even two steps would cost too much.
  const perStep = warps * members * lanes;
  if (perStep * window > MAX_EVALUATIONS) window = Math.floor(MAX_EVALUATIONS / perStep);
  if (window < 2) return undefined;

  const names = new Map<string, number>();
  const slot = (n: string): number => names.get(n) ?? names.set(n, names.size).get(n)!;
  for (const n of ["lid.x", "lid.y", "lid.z", "wid.x", "wid.y", "wid.z", ...loops.map((l) => l.name)]) slot(n);
  const conds = a.ctx.conds.map((c) => compile(c, slot));
  const addrOf = compile(a.addr, slot);
  const vals = new Float64Array(names.size + 8);
  for (const dim of ["x", "y", "z"]) {
    const d = walk.idDomains.get(`wid.${dim}`);
    vals[slot(`wid.${dim}`)] = d ? middle(d) : 0;
  }
  for (const l of loops) vals[slot(l.name)] = first(l.domain);
  const stepFirst = first(stepLoop.domain);

  const union = new Set<number>();
  let separate = 0;
  let sameStep = 0;
  for (let it = 0; it < window; it++) {
    vals[slot(stepLoop.name)] = stepFirst + it;
    const thisStep = new Set<number>();
    for (let member = 0; member < members; member++) {
      let rest = member;
      for (const l of inner) {
        const n = domainSize(l.domain);
        vals[slot(l.name)] = first(l.domain) + (rest % n);
        rest = Math.floor(rest / n);
      }
      for (let w = 0; w < warps; w++) {
        const mine = new Set<number>();
        for (let lane = 0; lane < lanes; lane++) {
          const t = w * lanes + lane;
          if (t >= threads) break;
          vals[0] = t % lx;
          vals[1] = Math.floor(t / lx) % ly;
          vals[2] = Math.floor(t / (lx * ly));
          let on = true;
          for (const c of conds) {
            if (c(vals) === 0) {
              on = false;
              break;
            }
          }
          if (!on) continue;
          const addr = addrOf(vals);
          if (!Number.isSafeInteger(Math.floor(addr / sector))) return undefined;
          for (let s = Math.floor(addr / sector); s <= Math.floor((addr + a.bytes - 1) / sector); s++) mine.add(s);
        }
        separate += mine.size;
        for (const s of mine) {
          union.add(s);
          thisStep.add(s);
        }
      }
    }
    sameStep += thisStep.size;
  }
  if (separate === 0) return undefined;
  // Lines kept for the whole window by every resident block must fit beside their shared memory.
  const keptBytes = union.size * sector * Math.max(1, ctx.residentWorkgroupsPerSm);
  const fits = keptBytes <= L1_BYTES_PER_SM - ctx.sharedBytesPerSm;
  const share = (fits ? union.size : sameStep) / separate;
  return share < 1 ? share : undefined;
}

/**
 * Applies the L1's reuse to the L2 bytes of each global load `shared` does not already account for (loads grouped
 * by shareSectors), and returns the share applied per access (1 where none).
 */
export function applyL1Reuse(walk: WalkResult, analyses: AccessAnalysis[], workgroupSize: readonly [number, number, number], device: DeviceSpec, ctx: L1Context, alreadyShared: ReadonlySet<number>): number[] {
  const shares = analyses.map(() => 1);
  if (!cachesGlobalLoadsInL1(device)) return shares;
  walk.accesses.forEach((a, i) => {
    const an = analyses[i];
    if (alreadyShared.has(i) || an.transactionsPerWarp === null || an.pattern === "gather" || an.pattern === "unknown") return;
    const share = l1MissShare(a, walk, workgroupSize, device, ctx);
    if (share === undefined) return;
    shares[i] = share;
    analyses[i] = { ...an, l2Bytes: an.l2Bytes * share, l1Share: share };
  });
  return shares;
}

/**
 * L1 wavefronts over the dispatch: each warp instruction on global memory takes one clock of its SM's L1 per
 * 128-byte line its lanes touch.
 */
export function l1Wavefronts(analyses: readonly AccessAnalysis[], device: DeviceSpec): number {
  if (!cachesGlobalLoadsInL1(device)) return 0;
  let total = 0;
  for (const an of analyses) {
    if (an.addressSpace !== "storage" || an.linesPerWarp === undefined) continue;
    total += an.warps * an.linesPerWarp;
  }
  return total;
}
