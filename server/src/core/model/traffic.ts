// Turns recorded accesses into access patterns (coalescing, broadcast, bank conflicts) and memory traffic per level.
//
// Coalescing is computed exactly for one representative warp: the addresses of its lanes are evaluated from the
// symbolic index expressions, and the distinct transactions (32-byte sectors on NVIDIA) they touch are counted.
// Compulsory traffic (COMPULSORY_DEFINITION in types.ts) is the unique footprint per binding, over the invocations
// that reach each access; a gather on loaded indices is a range, never exact. DRAM traffic follows a simple L2 model:
// when the kernel's working set fits in the usable part of L2, every re-read hits L2; beyond that, re-reads miss in
// proportion.
import type { DeviceSpec } from "../devices/device";
import type { AccessInfo, AccessPattern, Range, Traffic, TrafficRanges } from "./types";
import { domainSize, type Domain, extremesSatisfying } from "./counting";
import type { RecordedAccess, WalkResult } from "./evaluate";
import { bounds, compile, type Interval, unknownReason, varsOf } from "../kernel/vexpr";

/** Fraction of L2 that holds reusable data; the rest goes to streaming data and other kernels' lines. */
export const L2_USABLE_FRACTION = 0.75;
const BANKS = 32;
/** Bytes of one L1 line: an L1 look-up serves one line a clock (see l1Reuse.ts). */
export const L1_LINE_BYTES = 128;

interface WarpSample {
  readonly addrs: readonly (number | undefined)[];
  readonly active: number;
}

function domainPick(d: Domain, which: "first" | "second" | "middle"): number {
  const n = domainSize(d);
  const i = n === 0 ? 0 : which === "first" ? 0 : which === "second" ? Math.min(1, n - 1) : Math.floor(n / 2);
  return d.kind === "range" ? d.lo + i : d.values[i];
}

/**
 * Addresses the lanes of one warp touch, for a workgroup and loop iteration chosen to be typical: among the middle,
 * first and last workgroups of each dimension (and the first iterations of each loop), the one where most lanes are
 * active, so that a bounds or causal check does not make a partial warp look like a badly coalesced one.
 */
function sampleWarp(a: RecordedAccess, walk: WalkResult, workgroupSize: readonly [number, number, number], lanes: number, pinned?: { readonly loop: string; readonly value: number }): WarpSample {
  const [lx, ly] = workgroupSize;
  const total = workgroupSize[0] * workgroupSize[1] * workgroupSize[2];
  const width = Math.min(lanes, total);
  const picks = (d: Domain | undefined): number[] => {
    if (!d) return [0];
    const last = d.kind === "range" ? d.hi - 1 : d.values[d.values.length - 1];
    return [...new Set([domainPick(d, "middle"), domainPick(d, "first"), last, domainPick(d, "second")])];
  };
  // Only variables the path conditions mention can change which lanes are active: vary those, fix the rest.
  const condVars = new Set<string>();
  for (const c of a.ctx.conds) varsOf(c, condVars);
  const widChoices = ["x", "y", "z"].map((dim) => {
    const p = picks(walk.idDomains.get(`wid.${dim}`));
    return condVars.has(`wid.${dim}`) ? p : p.slice(0, 1);
  });
  const loopChoices = a.ctx.loops.map((l) => {
    if (pinned?.loop === l.name) return [pinned.value];
    const p = [...new Set([domainPick(l.domain, "second"), domainPick(l.domain, "first")])];
    return condVars.has(l.name) ? p : p.slice(0, 1);
  });
  let best: WarpSample = { addrs: [], active: 0 };
  // Conditions and the address are compiled once, then evaluated per lane over a slot array.
  const names = new Map<string, number>();
  const slot = (n: string): number => {
    let i = names.get(n);
    if (i === undefined) {
      i = names.size;
      names.set(n, i);
    }
    return i;
  };
  for (const n of ["lid.x", "lid.y", "lid.z", "wid.x", "wid.y", "wid.z", ...a.ctx.loops.map((l) => l.name)]) slot(n);
  const conds = a.ctx.conds.map((c) => compile(c, slot));
  const addrOf = compile(a.addr, slot);
  const vals = new Float64Array(Math.max(names.size, 8) + 64);
  const fixed = { set: (n: string, v: number): void => void (vals[slot(n)] = v) };
  // Scratch buffers reused across tries: the sampling runs for every access of every kernel on each keystroke.
  const addrs = new Float64Array(width);
  const on = new Uint8Array(width);
  const tryOne = (): boolean => {
    let active = 0;
    for (let lane = 0; lane < width; lane++) {
      vals[0] = lane % lx;
      vals[1] = Math.floor(lane / lx) % ly;
      vals[2] = Math.floor(lane / (lx * ly));
      // Lanes whose path conditions fail do not access memory; conditions on data (NaN) count as taken.
      let ok = 1;
      for (const c of conds) {
        if (c(vals) === 0) {
          ok = 0;
          break;
        }
      }
      on[lane] = ok;
      if (!ok) continue;
      active++;
      addrs[lane] = addrOf(vals);
    }
    if (active > best.active) best = { addrs: Array.from(addrs, (x, i) => (on[i] ? x : undefined)), active };
    return active === width;
  };
  let budget = 96;
  const combos = loopChoices.reduce<number[][]>((acc, choices) => acc.flatMap((c) => choices.map((v) => [...c, v])), [[]]).slice(0, 4);
  outer: for (const wx of widChoices[0]) for (const wy of widChoices[1]) for (const wz of widChoices[2]) {
    fixed.set("wid.x", wx);
    fixed.set("wid.y", wy);
    fixed.set("wid.z", wz);
    for (const combo of combos) {
      a.ctx.loops.forEach((l, i) => fixed.set(l.name, combo[i]));
      if (tryOne() || --budget <= 0) break outer;
    }
  }
  return best;
}

export interface AccessAnalysis extends AccessInfo {
  /** Bytes moved between the SMs and L2 for this access over the dispatch. */
  readonly l2Bytes: number;
  /** Warp instructions that execute it over the dispatch. */
  readonly warps: number;
  /** 128-byte lines one warp instruction touches (the L1's clocks for it), where the lanes' addresses are known. */
  readonly linesPerWarp?: number;
  /** The share of its sectors the L1 does not serve (l1Reuse.ts), where that was measured. */
  readonly l1Share?: number;
}

export interface AccessOptions {
  /** The compiler merges neighbouring shared loads of unrolled code (KernelIR.mergesUnrolledSharedLoads). */
  readonly mergesUnrolledSharedLoads?: boolean;
}

export function analyzeAccess(a: RecordedAccess, walk: WalkResult, workgroupSize: readonly [number, number, number], device: DeviceSpec, options: AccessOptions = {}): AccessAnalysis {
  const lanes = Math.min(device.warpSize, 64);
  const sector = device.memoryTransactionBytes;
  if (a.space === "uniform") {
    // Uniform data comes from a constant cache, broadcast to the warp: no pattern to analyse, no L2 traffic.
    return {
      span: a.span, binding: a.binding, addressSpace: a.space, kind: a.kind, elementType: a.elementType, bytesPerAccess: a.bytes,
      count: { ...a.count }, pattern: "broadcast", strideElements: 0, coalescingEfficiency: 1, transactionsPerWarp: 1, bankConflictDegree: null,
      loopInvariant: false, l2Bytes: 0, warps: 0,
    };
  }
  const sample = sampleWarp(a, walk, workgroupSize, lanes);
  const width = Math.min(lanes, workgroupSize[0] * workgroupSize[1] * workgroupSize[2]);
  const live = sample.addrs.filter((x): x is number => x !== undefined);
  const dataIndexed = live.some((x) => Number.isNaN(x));
  // Beyond 2^53 bytes a float64 address has no exact neighbours: sectors and strides cannot be told apart.
  const beyondExact = !dataIndexed && live.some((x) => !Number.isSafeInteger(Math.floor(x / sector)) || Math.abs(x) + a.bytes > Number.MAX_SAFE_INTEGER);
  let pattern: AccessPattern;
  let stride: number | null = null;
  let efficiency: number | null = null;
  let transactions: number | null = null;
  let conflict: number | null = null;
  let merged: MergedLoad | undefined;
  let lines: number | undefined;
  let note: string | undefined;
  if (live.length === 0) {
    pattern = "unknown";
    note = "no lane of the sampled warp reaches this access";
  } else if (beyondExact) {
    pattern = "unknown";
    note = "its addresses pass 2^53 bytes for this launch, beyond exact arithmetic (and any device's memory): check the sizes";
  } else if (dataIndexed) {
    pattern = "gather";
    note = "the address depends on loaded data; assumed scattered (one transaction per lane)";
    transactions = live.length * Math.ceil(a.bytes / sector);
    efficiency = (live.length * a.bytes) / (transactions * sector);
    lines = live.length * Math.ceil(a.bytes / L1_LINE_BYTES);
  } else {
    const first = sample.addrs.findIndex((x) => x !== undefined);
    const second = sample.addrs.findIndex((x, i) => i > first && x !== undefined);
    if (second > first && first >= 0) stride = (sample.addrs[second]! - sample.addrs[first]!) / a.bytes / (second - first);
    const sectors = new Set<number>();
    const bytes = new Set<number>();
    const lineSet = new Set<number>();
    for (const addr of live) {
      for (let s = Math.floor(addr / sector); s <= Math.floor((addr + a.bytes - 1) / sector); s++) sectors.add(s);
      for (let l = Math.floor(addr / L1_LINE_BYTES); l <= Math.floor((addr + a.bytes - 1) / L1_LINE_BYTES); l++) lineSet.add(l);
      bytes.add(addr);
    }
    transactions = sectors.size;
    lines = lineSet.size;
    // The transactions the warp's distinct bytes would need if they were contiguous, over those it touches: lanes
    // sharing an address (a broadcast) waste nothing, lanes scattered a row apart waste most of each sector.
    efficiency = Math.min(1, Math.ceil((bytes.size * a.bytes) / sector) / transactions);
    if (bytes.size === 1) pattern = "broadcast";
    // Adjacent lanes at one address share it, and the warp touches no more transactions than the same lanes reading
    // contiguous words would (a 16-wide row of a 2-D workgroup reading a[row * k + i]): a broadcast, no waste.
    else if (stride === 0 && transactions <= Math.ceil((live.length * a.bytes) / sector)) pattern = "broadcast";
    else if (efficiency >= 0.99) pattern = "coalesced";
    else pattern = "strided";
    if (live.length < width / 2) note = `only ${live.length} of ${width} lanes reach this access in any sampled warp (divergence, not coalescing)`;
    if (a.space === "workgroup") {
      if (options.mergesUnrolledSharedLoads) merged = mergedSharedLoad(a, walk, workgroupSize, lanes);
      conflict = merged ? conflictDegree(sampleWarp(a, walk, workgroupSize, lanes, { loop: merged.name, value: merged.first }).addrs, a.bytes * merged.width) : conflictDegree(sample.addrs, a.bytes);
    }
  }
  // Warps that execute the access: lanes that reach it, grouped as in the sampled warp (one active lane each for a
  // store by invocation 0, a full warp for a coalesced stream).
  const warps = a.count.value / Math.max(1, live.length || width);
  // A software adapter's SIMD loads and stores move each lane's own bytes (gathers and scatters, no sectors).
  const moved = device.serialWorkgroups ? a.count.value * a.bytes : transactions !== null ? warps * transactions * sector : null;
  const l2Bytes = a.space === "storage" && moved !== null ? moved * (a.kind === "atomic" ? 2 : 1) : 0;
  return {
    span: a.span,
    binding: a.binding,
    addressSpace: a.space,
    kind: a.kind,
    elementType: a.elementType,
    bytesPerAccess: a.bytes,
    count: { ...a.count },
    pattern,
    strideElements: stride,
    coalescingEfficiency: efficiency,
    transactionsPerWarp: transactions,
    bankConflictDegree: conflict,
    ...(merged ? { merged: { width: merged.width, loop: merged.label } } : {}),
    warps,
    ...(lines !== undefined ? { linesPerWarp: lines } : {}),
    loopInvariant: a.invariantIn.length > 0 && a.ctx.loops.length > 0 && !varsOf(a.addr).has(a.ctx.loops[a.ctx.loops.length - 1].name),
    note,
    l2Bytes,
  };
}

/**
 * Shared-memory wavefronts of one warp instruction over those a conflict-free one needs. The banks deliver 128 bytes
 * a clock (32 banks of 4 bytes), so a warp is served in phases of 128 bytes: all 32 lanes for accesses up to 4 bytes,
 * half-warps for 8 bytes, quarter-warps for 16 (each lane's words land in consecutive banks). Within a phase, lanes
 * reading different words of the same bank serialise; lanes reading the same word share it (a broadcast).
 */
function conflictDegree(addrs: readonly (number | undefined)[], bytes: number): number {
  const perPhase = bytes >= 16 ? 8 : bytes >= 8 ? 16 : 32;
  let wavefronts = 0;
  let phases = 0;
  for (let p = 0; p < addrs.length; p += perPhase) {
    const perBank = new Map<number, Set<number>>();
    for (let lane = p; lane < Math.min(addrs.length, p + perPhase); lane++) {
      const addr = addrs[lane];
      if (addr === undefined) continue;
      for (let word = Math.floor(addr / 4); word <= Math.floor((addr + bytes - 1) / 4); word++) {
        const set = perBank.get(word % BANKS) ?? new Set<number>();
        set.add(word);
        perBank.set(word % BANKS, set);
      }
    }
    if (perBank.size === 0) continue;
    phases++;
    let most = 0;
    for (const set of perBank.values()) most = Math.max(most, set.size);
    wavefronts += most;
  }
  return phases > 0 ? wavefronts / phases : 1;
}

interface MergedLoad {
  /** The loop's counter in the model's expressions, and its first value. */
  readonly name: string;
  readonly first: number;
  readonly width: number;
  /** The loop as the source writes it, for the user. */
  readonly label: string;
}

/** Widest shared load a compiler builds, bytes (LDS.128). */
const WIDEST_SHARED_LOAD = 16;

/**
 * A shared-memory load the compiler merges with its neighbours: inside loops it unrolls fully, the address steps by
 * exactly its own size per iteration of one of them (`As[row * 8 + k]` over k), and the first of every `width`
 * iterations is aligned to `width` x size for every lane of a sampled warp. ptxas then emits one 64- or 128-bit load
 * for `width` of the source's loads (the loop iterations are straight-line code after unrolling).
 */
function mergedSharedLoad(a: RecordedAccess, walk: WalkResult, workgroupSize: readonly [number, number, number], lanes: number): MergedLoad | undefined {
  if (a.kind !== "load" || a.bytes > WIDEST_SHARED_LOAD / 2 || unknownReason(a.addr) !== undefined) return undefined;
  const loops = a.ctx.loops;
  // Only loops with unrolled loops inside them (or none): a rolled inner loop keeps the outer iterations apart.
  for (let k = loops.length - 1; k >= 0 && loops[k].unrolled; k--) {
    const l = loops[k];
    const trips = domainSize(l.domain);
    if (trips < 2 || loopStep(a, l.name, walk) !== a.bytes) continue;
    const first = domainPick(l.domain, "first");
    const sample = sampleWarp(a, walk, workgroupSize, lanes, { loop: l.name, value: first });
    const live = sample.addrs.filter((x): x is number => x !== undefined);
    for (let width = WIDEST_SHARED_LOAD / a.bytes; width >= 2; width /= 2) {
      if (trips % width !== 0) continue;
      if (live.length > 0 && live.every((x) => Number.isSafeInteger(x) && x % (width * a.bytes) === 0)) {
        return { name: l.name, first, width, label: l.counterName ?? l.name };
      }
    }
  }
  return undefined;
}

/** The constant byte distance from `a`'s address to `b`'s when the two differ only by one (`b[i + j]` for j = 0..7). */
function constantOffset(a: RecordedAccess, b: RecordedAccess, walk: WalkResult): number | undefined {
  const names = new Map<string, number>();
  const slot = (n: string): number => names.get(n) ?? names.set(n, names.size).get(n)!;
  const fa = compile(a.addr, slot);
  const fb = compile(b.addr, slot);
  const vals = new Float64Array(names.size + 8);
  let offset: number | undefined;
  // A few fixed, spread-out points of the ids and loop counters: an affine difference is the same at all of them.
  for (let trial = 0; trial < 4; trial++) {
    for (const [n, i] of names) {
      const d = walk.idDomains.get(n) ?? a.ctx.loops.find((l) => l.name === n)?.domain;
      const size = d ? domainSize(d) : 1;
      const k = size <= 1 ? 0 : [0, size - 1, Math.floor(size / 3), Math.floor((2 * size) / 3)][trial] ?? 0;
      vals[i] = d ? (d.kind === "range" ? d.lo + k : d.values[k]) : trial * 7 + i;
    }
    const x = fa(vals);
    const y = fb(vals);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    if (offset === undefined) offset = y - x;
    else if (y - x !== offset) return undefined;
  }
  return offset;
}

/**
 * Loads of one buffer by the same invocation, at addresses a constant apart under the same conditions and loops
 * (a register-blocked thread reading b[k * N + col + j] for j = 0..7), touch the sectors their neighbours bring in:
 * L1 serves the rest. Each such group is charged the union of its sectors for the sampled warp, shared among its
 * loads, at the L2 level (and so in DRAM); each load's own pattern is what its instruction asks of L1.
 */
export function shareSectors(walk: WalkResult, analyses: AccessAnalysis[], workgroupSize: readonly [number, number, number], device: DeviceSpec): void {
  const sector = device.memoryTransactionBytes;
  const lanes = Math.min(device.warpSize, 64);
  const done = new Set<number>();
  walk.accesses.forEach((a, i) => {
    if (done.has(i) || a.space !== "storage" || a.kind !== "load" || analyses[i].transactionsPerWarp === null || unknownReason(a.addr) !== undefined) return;
    // The same load over a short innermost loop that steps its address by a few bytes (for j in 0..8: b[base + j])
    // is a group too: its iterations are the members, a step apart.
    const inner = a.ctx.loops[a.ctx.loops.length - 1];
    if (inner && domainSize(inner.domain) > 1 && domainSize(inner.domain) <= 16 && varsOf(a.addr).has(inner.name)) {
      const step = loopStep(a, inner.name, walk);
      const trips = domainSize(inner.domain);
      if (step !== undefined && step !== 0 && Math.abs(step) * (trips - 1) <= 4 * sector) {
        done.add(i);
        chargeGroup(a, [analyses[i]], Array.from({ length: trips }, (_, t) => t * step), (_k, an) => (analyses[i] = an), trips, { loop: inner.name, value: domainPick(inner.domain, "first") });
        return;
      }
    }
    const members: { index: number; offset: number }[] = [{ index: i, offset: 0 }];
    for (let j = i + 1; j < walk.accesses.length; j++) {
      const b = walk.accesses[j];
      if (done.has(j) || b.space !== "storage" || b.kind !== "load" || b.binding !== a.binding || b.bytes !== a.bytes || b.count.value !== a.count.value) continue;
      if (b.ctx.loops.length !== a.ctx.loops.length || b.ctx.loops.some((l, k) => l.name !== a.ctx.loops[k].name) || b.ctx.conds.length !== a.ctx.conds.length) continue;
      const off = constantOffset(a, b, walk);
      // Within a few sectors of each other: the same lines, not another row of the matrix.
      if (off !== undefined && off !== 0 && Math.abs(off) <= 4 * sector) members.push({ index: j, offset: off });
    }
    if (members.length < 2) return;
    for (const m of members) done.add(m.index);
    chargeGroup(a, members.map((m) => analyses[m.index]), members.map((m) => m.offset), (k, an) => (analyses[members[k].index] = an), 1);
  });

  /**
   * Charges a group of loads (`offsets` from the first, one analysis per member, or one analysis standing for
   * `repeats` loop iterations) the union of the sectors the sampled warp touches.
   */
  function chargeGroup(a: RecordedAccess, members: AccessAnalysis[], offsets: number[], set: (k: number, an: AccessAnalysis) => void, repeats: number, pinned?: { loop: string; value: number }): void {
    // An inner loop's group is sampled at its first iteration, the offsets counting from there.
    const sample = sampleWarp(a, walk, workgroupSize, lanes, pinned);
    const live = sample.addrs.filter((x): x is number => x !== undefined);
    if (live.length === 0 || live.some((x) => !Number.isSafeInteger(Math.floor(x / sector)))) return;
    const sectors = new Set<number>();
    for (const off of offsets) {
      for (const base of live) {
        const addr = base + off;
        for (let s = Math.floor(addr / sector); s <= Math.floor((addr + a.bytes - 1) / sector); s++) sectors.add(s);
      }
    }
    const separate = members.reduce((t, m) => t + (m.transactionsPerWarp ?? 0), 0) * repeats;
    if (!(separate > sectors.size)) return;
    const share = sectors.size / separate;
    // Only the bytes below L1 change: each instruction's pattern (and a finding on it) stays what the warp asks for.
    members.forEach((an, k) => set(k, { ...an, l2Bytes: an.l2Bytes * share }));
  }
}

/** Bytes the address moves per iteration of loop `v` (the same at two points), or undefined when not affine in it. */
function loopStep(a: RecordedAccess, v: string, walk: WalkResult): number | undefined {
  const names = new Map<string, number>();
  const slot = (n: string): number => names.get(n) ?? names.set(n, names.size).get(n)!;
  const f = compile(a.addr, slot);
  slot(v);
  const vals = new Float64Array(names.size + 8);
  const steps: number[] = [];
  for (const base of [0, 3]) {
    for (const [n, i] of names) {
      const d = walk.idDomains.get(n) ?? a.ctx.loops.find((l) => l.name === n)?.domain;
      vals[i] = d ? (d.kind === "range" ? d.lo + Math.min(base, Math.max(0, d.hi - d.lo - 1)) : d.values[0]) : base;
    }
    const at = vals[slot(v)];
    const x = f(vals);
    vals[slot(v)] = at + 1;
    const y = f(vals);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    steps.push(y - x);
  }
  return steps[0] === steps[1] ? steps[0] : undefined;
}

function union(intervals: Interval[]): number {
  const sorted = [...intervals].sort((x, y) => x.lo - y.lo);
  let total = 0;
  let cur: Interval | undefined;
  for (const iv of sorted) {
    if (!cur || iv.lo > cur.hi) {
      if (cur) total += cur.hi - cur.lo;
      cur = { ...iv };
    } else cur = { lo: cur.lo, hi: Math.max(cur.hi, iv.hi) };
  }
  if (cur) total += cur.hi - cur.lo;
  return total;
}

export interface FootprintInput {
  /** Size in bytes of each binding's buffer where known (from `// @buffer` counts or fixed types). */
  readonly bufferBytes: ReadonlyMap<string, number>;
  /** Workgroups resident on the device at once (per SM times SMs): the wave whose shared data L2 keeps. */
  readonly residentWorkgroups?: number;
}

/**
 * DRAM bytes when the workgroups resident at one time share what they read through L2 (a tiled matmul's wave reads
 * each row panel of A and column panel of B once, not once per workgroup): per access, the workgroups of a wave that
 * differ in the ids its address reads each bring their own bytes (at most what one workgroup fetches, at most the
 * interval it spans), once per wave. Undefined when one step of the wave's outermost loop does not fit in L2 either.
 */
function waveDram(walk: WalkResult, analyses: readonly AccessAnalysis[], resident: number, usable: number): { read: number; written: number; perWave: number; waves: number } | undefined {
  const dims = ["x", "y", "z"].map((d) => walk.idDomains.get(`wid.${d}`));
  const n = dims.map((d) => (d ? domainSize(d) : 1));
  const groups = n[0] * n[1] * n[2];
  if (!(groups > 0)) return undefined;
  const wave = Math.max(1, Math.min(resident, groups));
  const waves = Math.ceil(groups / wave);
  // Workgroups are scheduled in order, x fastest: a wave spans these many distinct ids in each dimension.
  const distinct = [Math.min(wave, n[0]), Math.min(Math.ceil(wave / n[0]), n[1]), Math.min(Math.ceil(wave / (n[0] * n[1])), n[2])];
  let read = 0;
  let written = 0;
  let perWave = 0;
  // The wave walks its outermost loop in step (a k-loop over tiles): what must stay in L2 is one step's share.
  let steps = 1;
  walk.accesses.forEach((a, i) => {
    if (a.space === "storage" && (analyses[i]?.l2Bytes ?? 0) > 0 && a.ctx.loops.length > 0) steps = Math.max(steps, domainSize(a.ctx.loops[0].domain));
  });
  walk.accesses.forEach((a, i) => {
    const an = analyses[i];
    if (a.space !== "storage" || !an || an.l2Bytes <= 0) return;
    const vars = varsOf(a.addr);
    // One workgroup's span: the interval its lanes and iterations reach, with its own ids fixed.
    const span = bounds(a.addr, (v) => {
      if (v.startsWith("wid.")) return { lo: 0, hi: 0 };
      const d = v.startsWith("lid.") ? walk.idDomains.get(v) : a.ctx.loops.find((l) => l.name === v)?.domain;
      if (!d) return undefined;
      return d.kind === "range" ? { lo: d.lo, hi: d.hi - 1 } : { lo: Math.min(...d.values), hi: Math.max(...d.values) };
    });
    const perGroup = Math.min(an.l2Bytes / groups, span ? span.hi - span.lo + a.bytes : Infinity);
    let sharers = 1;
    ["x", "y", "z"].forEach((d, k) => {
      if (vars.has(`wid.${d}`)) sharers *= distinct[k];
    });
    const bytes = Math.min(an.l2Bytes, waves * sharers * perGroup);
    perWave += sharers * perGroup;
    if (a.kind === "store") written += bytes;
    else if (a.kind === "atomic") {
      read += bytes / 2;
      written += bytes / 2;
    } else read += bytes;
  });
  return perWave / steps <= usable ? { read, written, perWave, waves } : undefined;
}

/**
 * Steps (conditions tested) spent narrowing footprints to the invocations that reach them: a 1-D guard costs a few
 * hundred, a 2-D image guard over 1,024 x 1,024 about 65,000. An access whose pass would cost more keeps its
 * interval bounds (an upper bound), so footprints add at most a few milliseconds to a kernel's analysis.
 */
export const FOOTPRINT_STEPS_PER_ACCESS = 100_000;
export const FOOTPRINT_STEPS_PER_KERNEL = 400_000;

/**
 * The lowest and highest byte address an access reaches among the (invocation, iteration) tuples that satisfy its
 * path conditions, within `box` (interval bounds over all ids, clamped to the buffer). Interval arithmetic alone
 * ignores the conditions, so `if (i >= n) { return; }` followed by `out[i]` would count the writes of invocations
 * that returned. Undefined when that cannot be said exactly: the caller keeps the box, an upper bound.
 */
function reachedAddresses(a: RecordedAccess, walk: WalkResult, box: Interval, budget: { left: number }): Interval | undefined {
  // A condition on loaded data cannot narrow what is known: drop it, so the result stays an upper bound.
  const conds = a.ctx.conds.filter((c) => unknownReason(c) === undefined);
  if (conds.length === 0 || varsOf(a.addr).size === 0) return box;
  // Only worth a pass when the conditions exclude some tuples; otherwise every address in reach is touched.
  const domains = new Map<string, Domain>(walk.idDomains);
  for (const l of a.ctx.loops) domains.set(l.name, l.domain);
  let all = 1;
  for (const d of domains.values()) all *= domainSize(d);
  if (walk.weight(a.ctx).max >= all) return box;
  const allowance = { left: Math.min(FOOTPRINT_STEPS_PER_ACCESS, budget.left) };
  const r = extremesSatisfying(a.addr, conds, domains, allowance);
  budget.left -= Math.min(FOOTPRINT_STEPS_PER_ACCESS, budget.left) - allowance.left;
  if (!r) return undefined;
  const lo = Math.max(box.lo, r.lo);
  const hi = Math.min(box.hi, r.hi);
  return hi >= lo ? { lo, hi } : undefined;
}

/**
 * When an address depends on loaded data (an embedding lookup, ggml's get_rows): why, in words for the footprint's
 * reason. Undefined for other addresses without bounds (a value set in a branch, filtered texture coordinates),
 * which keep the whole buffer.
 */
function dataIndexReason(a: RecordedAccess): string | undefined {
  const why = unknownReason(a.addr);
  if (why === undefined || !/loaded/.test(why)) return undefined;
  const from = /^loaded from '([^']+)'/.exec(why);
  return from ? `indices are loaded data (read from '${from[1]}')` : `indices are loaded data (${why})`;
}

/** One binding's footprint in one direction: exact intervals plus gathers known only as a range. */
interface Side {
  readonly exact: Interval[];
  /** Per gather: the least bytes it must touch and the most it can. */
  readonly gathers: { min: number; max: number }[];
}

const side = (): Side => ({ exact: [], gathers: [] });

/**
 * Bytes of a side: the exact union, widened by the gathers. At least the larger of the union and the biggest
 * gather's least (they may all fall inside the union); at most the union plus every gather's most, and never more
 * than the buffer.
 */
function sideBytes(s: Side, size: number | undefined): { min: number; max: number } {
  const exact = union(s.exact);
  const cap = size ?? Infinity;
  const min = Math.min(cap, Math.max(exact, ...s.gathers.map((g) => g.min)));
  const max = Math.min(cap, exact + s.gathers.reduce((t, g) => t + g.max, 0));
  return { min, max };
}

const fmtBytes = (x: number): string => `${Math.round(x).toLocaleString("en-US")} B`;

export interface TrafficResult {
  readonly traffic: Traffic;
  readonly unknowns: { what: string; reason: string }[];
  /** Buffers `assumeBufferBytes` sized because their footprint could not be bounded otherwise, and why. */
  readonly assumedBuffers: { readonly binding: string; readonly bytes: number; readonly why: string }[];
}

/**
 * Traffic per level. A footprint the code cannot bound (indices loaded from memory, an address a branch chose) is
 * bounded by its buffer; where no size is known, `assumeBufferBytes` may give one, and the traffic is counted
 * with it (the result says which buffers rest on such a size).
 */
export function computeTraffic(walk: WalkResult, analyses: readonly AccessAnalysis[], device: DeviceSpec, input: FootprintInput & { readonly assumeBufferBytes?: (binding: string) => number | undefined }): TrafficResult {
  const first = footprintTraffic(walk, analyses, device, input);
  if (!input.assumeBufferBytes || first.unsized.size === 0) return { traffic: first.traffic, unknowns: first.unknowns, assumedBuffers: [] };
  const sized = new Map(input.bufferBytes);
  const assumedBuffers: TrafficResult["assumedBuffers"][number][] = [];
  for (const [binding, why] of first.unsized) {
    const bytes = input.assumeBufferBytes(binding);
    if (bytes === undefined) continue;
    sized.set(binding, bytes);
    assumedBuffers.push({ binding, bytes, why });
  }
  if (assumedBuffers.length === 0) return { traffic: first.traffic, unknowns: first.unknowns, assumedBuffers };
  const again = footprintTraffic(walk, analyses, device, { ...input, bufferBytes: sized });
  return { traffic: again.traffic, unknowns: again.unknowns, assumedBuffers };
}

function footprintTraffic(walk: WalkResult, analyses: readonly AccessAnalysis[], device: DeviceSpec, input: FootprintInput): { traffic: Traffic; unknowns: { what: string; reason: string }[]; unsized: Map<string, string> } {
  const unknowns: { what: string; reason: string }[] = [];
  // Buffers without a size whose footprint nothing else bounds, and why.
  const unsized = new Map<string, string>();
  const domains = new Map<string, Domain>(walk.idDomains);
  // Per binding: what it reads, what it writes, and everything it touches (the working set, a byte read and written
  // once). An atomic reads and writes: both sides.
  const reads = new Map<string, Side>();
  const writes = new Map<string, Side>();
  const touched = new Map<string, Side>();
  const reasons = new Map<string, string>();
  const get = (m: Map<string, Side>, k: string): Side => m.get(k) ?? m.set(k, side()).get(k)!;
  const budget = { left: FOOTPRINT_STEPS_PER_KERNEL };
  for (const a of walk.accesses) {
    if (a.space !== "storage" || a.count.max === 0) continue;
    for (const l of a.ctx.loops) domains.set(l.name, l.domain);
    const size = input.bufferBytes.get(a.binding);
    const sides = [...(a.kind === "store" ? [] : [get(reads, a.binding)]), ...(a.kind === "load" ? [] : [get(writes, a.binding)]), get(touched, a.binding)];
    const b = bounds(a.addr, (n) => {
      const d = domains.get(n);
      if (!d) return undefined;
      return d.kind === "range" ? { lo: d.lo, hi: d.hi - 1 } : { lo: Math.min(...d.values), hi: Math.max(...d.values) };
    });
    if (b) {
      // Addresses are element starts: clamp them to the buffer's last element, then narrow them to the invocations
      // that reach the access.
      const whole: Interval = { lo: Math.max(0, b.lo), hi: b.hi };
      const box: Interval = size === undefined ? whole : { lo: whole.lo, hi: Math.min(whole.hi, size - a.bytes) };
      // An access wholly past the end keeps its clamped (empty) interval, as before.
      const reached = box.hi >= box.lo ? reachedAddresses(a, walk, box, budget) ?? box : whole;
      let iv: Interval = { lo: reached.lo, hi: reached.hi + a.bytes };
      if (size !== undefined) iv = { lo: Math.min(iv.lo, size), hi: Math.min(iv.hi, size) };
      for (const s of sides) s.exact.push(iv);
      continue;
    }
    const why = dataIndexReason(a);
    if (!why) {
      // No bounds and no data behind it (a value the lowering lost in a branch): the whole buffer, where known.
      if (size === undefined) {
        const why = `its address is not known statically (${unknownReason(a.addr) ?? "it cannot be bounded"})`;
        if (!unsized.has(a.binding)) unsized.set(a.binding, why);
        unknowns.push({ what: `footprint of '${a.binding}'`, reason: `${why} and the buffer has no size: add // @buffer ${a.binding}[N]` });
        for (const s of sides) s.gathers.push({ min: 0, max: Infinity });
      } else for (const s of sides) s.exact.push({ lo: 0, hi: size });
      continue;
    }
    // A gather on loaded indices touches a range, never known exactly. The most is every lookup a different place,
    // at most the whole buffer; the least is one lookup's bytes, since the indices may all be equal (the address
    // reaches the model as one unknown, with no row structure left to say "one row").
    const most = a.count.max * a.bytes;
    const least = a.count.min > 0 ? a.bytes : 0;
    if (!Number.isFinite(most) && size === undefined) {
      if (!unsized.has(a.binding)) unsized.set(a.binding, `${why}, it runs an unknown number of times`);
      unknowns.push({ what: `footprint of '${a.binding}'`, reason: `${why}, it runs an unknown number of times and the buffer has no size: add // @buffer ${a.binding}[N]` });
      for (const s of sides) s.gathers.push({ min: least, max: Infinity });
      continue;
    }
    for (const s of sides) s.gathers.push({ min: least, max: most });
    if (!reasons.has(a.binding)) reasons.set(a.binding, why);
  }
  const total = (m: Map<string, Side>): Range => {
    let min = 0;
    let max = 0;
    for (const [k, s] of m) {
      const b = sideBytes(s, input.bufferBytes.get(k));
      min += b.min;
      max += b.max;
    }
    return { value: max, min, max };
  };
  const cRead = total(reads);
  const cWritten = total(writes);
  const ws = total(touched);
  let l2Read = 0;
  let l2Written = 0;
  for (const a of analyses) {
    if (a.addressSpace !== "storage") continue;
    if (a.kind === "store") l2Written += a.l2Bytes;
    else if (a.kind === "atomic") {
      l2Read += a.l2Bytes / 2;
      l2Written += a.l2Bytes / 2;
    } else l2Read += a.l2Bytes;
  }
  // Ranged footprints say so, per binding, with their bounds; the figures take the upper bound (a batch of tokens
  // mostly reads distinct rows, and an upper bound on bytes never makes the predicted time optimistic).
  for (const [k, why] of reasons) {
    const r = reads.get(k) ? sideBytes(reads.get(k)!, input.bufferBytes.get(k)) : undefined;
    const w = writes.get(k) ? sideBytes(writes.get(k)!, input.bufferBytes.get(k)) : undefined;
    const parts = [r && `${fmtBytes(r.min)} to ${fmtBytes(r.max)} read`, w && `${fmtBytes(w.min)} to ${fmtBytes(w.max)} written`].filter(Boolean);
    unknowns.push({ what: `footprint of '${k}'`, reason: `a range, not exact: ${why}; ${parts.join(", ")} (the estimate takes the upper bound: every lookup a different place, at most the whole buffer)` });
  }
  if (!Number.isFinite(cRead.max) || !Number.isFinite(cWritten.max)) {
    return { traffic: { compulsoryRead: null, compulsoryWritten: null, l2Read, l2Written, dramRead: null, dramWritten: null, cacheNote: "the footprint is unknown, so DRAM traffic cannot be modelled" }, unknowns, unsized };
  }
  // Every byte of the footprint crosses DRAM once; re-reads beyond it hit L2 unless the working set overflows it.
  // DRAM grows with the footprint and the working set, so their bounds give its bounds.
  const usable = L2_USABLE_FRACTION * device.l2Bytes;
  const dram = (compRead: number, compWritten: number, workingSet: number): { read: number; written: number; miss: number } => {
    const miss = workingSet <= usable ? 0 : 1 - usable / workingSet;
    const baseRead = Math.min(l2Read, compRead);
    const baseWritten = Math.min(l2Written, compWritten);
    return { read: baseRead + Math.max(0, l2Read - baseRead) * miss, written: baseWritten + Math.max(0, l2Written - baseWritten) * miss, miss };
  };
  let hi = dram(cRead.max, cWritten.max, ws.max);
  const mb = (x: number): string => `${(x / 1e6).toFixed(x < 1e7 ? 2 : 0)} MB`;
  let cacheNote =
    hi.miss === 0
      ? `the ${mb(ws.max)} working set fits in ${Math.round(L2_USABLE_FRACTION * 100)}% of the ${mb(device.l2Bytes)} L2: re-reads hit L2`
      : `the ${mb(ws.max)} working set overflows the usable ${mb(usable)} of L2: ${Math.round(hi.miss * 100)}% of re-reads go to DRAM`;
  // A whole working set larger than L2 still leaves the re-reads within one wave of resident workgroups in L2:
  // DRAM then carries each wave's distinct data, between the footprint and the L2-level traffic.
  const wave = hi.miss > 0 && input.residentWorkgroups ? waveDram(walk, analyses, input.residentWorkgroups, usable) : undefined;
  if (wave) {
    const read = Math.min(hi.read, Math.max(cRead.max, wave.read));
    const written = Math.min(hi.written, Math.max(cWritten.max, wave.written));
    if (read < hi.read || written < hi.written) {
      hi = { read, written, miss: hi.miss };
      cacheNote = `the ${mb(ws.max)} working set overflows the usable ${mb(usable)} of L2, but the resident workgroups of a wave share what they read through L2 as they step through their loop together (${mb(wave.perWave)} per wave): DRAM carries each wave's data once (${wave.waves.toLocaleString("en-US")} wave(s))`;
    }
  }
  const traffic: Traffic = { compulsoryRead: cRead.value, compulsoryWritten: cWritten.value, l2Read, l2Written, dramRead: hi.read, dramWritten: hi.written, cacheNote };
  if (reasons.size === 0) return { traffic, unknowns, unsized };
  const lo = dram(cRead.min, cWritten.min, ws.min);
  const ranges: TrafficRanges = {
    compulsoryRead: cRead,
    compulsoryWritten: cWritten,
    dramRead: { value: hi.read, min: lo.read, max: hi.read },
    dramWritten: { value: hi.written, min: lo.written, max: hi.written },
    reasons: [...reasons].map(([k, why]) => `'${k}': ${why}`),
  };
  return { traffic: { ...traffic, ranges }, unknowns, unsized };
}
