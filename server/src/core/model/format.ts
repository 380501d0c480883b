// Formats model results for people: units, and the hover's breakdown table (the lens line is lensLine.ts, the loop hint loopHint.ts).
import type { DeviceSpec } from "../devices/device";
import { assumptionsMarkdown } from "./assumptionsText";
import { perUnit } from "./perUnit";
import { CUDA_WORDS, type LaunchWords, TRITON_WORDS, WGSL_WORDS } from "./launchWords";
import { COMPULSORY_DEFINITION, type AccessInfo, type KernelModel, type PerUnit, type Range } from "./types";

export { CUDA_WORDS, type LaunchWords, TRITON_WORDS, WGSL_WORDS };

const PREFIXES: readonly (readonly [number, string])[] = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"], [1, ""]];

const prefixFor = (abs: number): readonly [number, string] => PREFIXES.find(([div]) => abs >= div) ?? [1, ""];

/** Two significant digits below 100, whole numbers above: "2.1", "24", "786"; never exponent notation. */
function figure(v: number, digits = 2): string {
  if (v === 0) return "0";
  return Number.isInteger(v) || Math.abs(v) >= 100 ? String(Math.round(v)) : Number(v.toPrecision(digits)).toString();
}

export function si(x: number, unit: string, digits = 2): string {
  const [div, prefix] = prefixFor(Math.abs(x));
  return `${figure(x / div, digits)} ${prefix}${unit}`;
}

/**
 * Figures of one quantity told in one unit, its prefix chosen from the largest, so a row never mixes "MB" and "kB"
 * ("69 MB read, 0.016 MB written").
 */
export function siAll(xs: readonly number[], unit: string): string[] {
  const largest = Math.max(0, ...xs.filter(Number.isFinite).map(Math.abs));
  const [div, prefix] = prefixFor(largest);
  return xs.map((x) => (Number.isFinite(x) ? `${figure(x / div)} ${prefix}${unit}` : "unbounded"));
}

export function bytes(x: number): string {
  return si(x, "B");
}

/** Durations given in milliseconds, told in one unit (s, ms, µs or ns) chosen from the largest: "6.2 µs, 0.17 µs". */
export function durations(xs: readonly number[]): string[] {
  const largest = Math.max(0, ...xs.filter(Number.isFinite).map(Math.abs));
  const [scale, unit] = largest >= 1000 ? [1e-3, "s"] : largest >= 1 ? [1, "ms"] : largest >= 1e-3 ? [1e3, "µs"] : [1e6, "ns"];
  return xs.map((x) => `${figure(x * scale)} ${unit}`);
}

/** One duration in milliseconds, in the unit that suits it: "10 µs", "1.7 ms". */
export const duration = (x: number): string => durations([x])[0]!;

export const percent = (x: number): string => `${Math.round(x * 100)}%`;

/** The model's own prose (limiter, bound, cache note, occupancy detail) in the language's words. */
export function inWords(text: string, w: LaunchWords): string {
  if (w === WGSL_WORDS) return text;
  return text
    .replace(/workgroup-memory/g, w.workgroupMemory.replace(" ", "-"))
    .replace(/workgroup memory/g, w.workgroupMemory)
    .replace(/workgroups/g, w.workgroups)
    .replace(/workgroup/g, w.workgroup)
    .replace(/invocations/g, w.invocations)
    .replace(/invocation/g, w.invocation);
}


/** FLOPs of every precision the kernel does (tensor cores included). */
const allFlops = (m: KernelModel): number => m.ops.flopsF32.value + m.ops.flopsF16.value + m.ops.flopsBF16.value + m.ops.tensorFlops.value;

/**
 * The hover breakdown: every number the model has for the kernel, as a two-column table (quantity, value) that fits a
 * narrow hover, each row's figures in one unit; what a number means or rests on follows the table as notes.
 */
export function breakdownMarkdown(m: KernelModel, device: DeviceSpec, w: LaunchWords = WGSL_WORDS): string {
  const rows: [string, string][] = [];
  const notes: string[] = [];
  /** A count, or its estimate and bounds where it is a range, all in one unit. */
  const r = (a: { value: number; min: number; max: number }, unit: string): string => {
    if (a.min === a.max) return si(a.value, unit);
    const [v, lo, hi] = siAll([a.value, a.min, a.max], unit);
    return `≈ ${v} (${lo} to ${hi})`;
  };
  if (m.workgroupSize) rows.push([w.Workgroup, `${m.workgroupSize.join(" × ")} = ${m.workgroupSize[0] * m.workgroupSize[1] * m.workgroupSize[2]} ${w.invocations}`]);
  if (m.dispatch) rows.push([w.Dispatch, `${m.dispatch.join(" × ")} ${w.workgroups}, ${si(m.invocations ?? 0, w.invocations)}`]);
  const per = perUnit(m);
  if (per) {
    const unit = (u: PerUnit): string => `${si(u.flops, "FLOP")}, ${bytes(u.globalBytes)} global${u.specialOps > 0 ? `, ${si(u.specialOps, "special op")}` : ""}`;
    rows.push([`Per ${w.invocation}`, unit(per.invocation)]);
    rows.push([`Per ${w.workgroup}`, unit(per.workgroup)]);
    notes.push(`Per ${w.invocation} and per ${w.workgroup}: averages over the ${w.dispatch}.`);
  }
  if (m.invocations !== null) {
    // Every class the kernel does, f32 first (shown even at 0 when it is the only one): a tl.dot or WMMA kernel's
    // work is its tensor-core FLOPs. One unit for the row, from the largest class.
    const o = m.ops;
    const classes = [
      ...(o.flopsF32.value > 0 || o.flopsF16.value + o.flopsBF16.value + o.tensorFlops.value === 0 ? [{ a: o.flopsF32, what: "f32" }] : []),
      ...(o.flopsF16.value > 0 ? [{ a: o.flopsF16, what: "f16" }] : []),
      ...(o.flopsBF16.value > 0 ? [{ a: o.flopsBF16, what: "bf16" }] : []),
      ...(o.tensorFlops.value > 0 ? [{ a: o.tensorFlops, what: "on tensor cores" }] : []),
    ];
    const flopFigures = siAll(classes.flatMap((c) => [c.a.value, c.a.min, c.a.max]), "FLOP");
    const flopParts = classes.map((c, i) => {
      const [v, lo, hi] = flopFigures.slice(3 * i, 3 * i + 3);
      return `${c.a.min === c.a.max ? v : `≈ ${v} (${lo} to ${hi})`} ${c.what}`;
    });
    rows.push(["FLOPs", flopParts.join(", ")]);
    notes.push("FLOPs: an FMA counts 2.");
    rows.push(["Integer / logic ops", r(o.intOps, "op")]);
    if (o.specialOps.value > 0) rows.push(["Transcendental ops", r(o.specialOps, "op")]);
    if (o.barriers.value > 0) rows.push(["Barriers", `${(o.barriers.value / m.invocations).toFixed(1)} per ${w.invocation}`]);
    const t = m.traffic;
    // A footprint on loaded indices is a range: its bounds, and why, beside the estimate (never shown as exact).
    const tr = t.ranges;
    /** Read and written bytes in one unit; a ranged figure as its estimate and bounds. */
    const readWritten = (read: number, written: number, readRange?: Range, writtenRange?: Range, verbs: [string, string] = ["read", "written"]): string => {
      const [rv, rlo, rhi, wv, wlo, whi] = siAll([read, readRange?.min ?? read, readRange?.max ?? read, written, writtenRange?.min ?? written, writtenRange?.max ?? written], "B");
      const fig = (v: string, lo: string, hi: string, range?: Range): string => (range && range.min !== range.max ? `≈ ${v} (${lo} to ${hi})` : v);
      return `${fig(rv!, rlo!, rhi!, readRange)} ${verbs[0]}, ${fig(wv!, wlo!, whi!, writtenRange)} ${verbs[1]}`;
    };
    if (t.compulsoryRead !== null && t.compulsoryWritten !== null) {
      rows.push(["Compulsory traffic", readWritten(t.compulsoryRead, t.compulsoryWritten, tr?.compulsoryRead, tr?.compulsoryWritten)]);
      notes.push(`Compulsory traffic: ${COMPULSORY_DEFINITION}${tr ? `; a range, not exact: ${tr.reasons.join("; ")}` : ""}.`);
    }
    if (t.l2Read !== null && t.l2Written !== null) {
      rows.push(["L2 traffic", readWritten(t.l2Read, t.l2Written)]);
      notes.push(`L2 traffic: after coalescing and ${w.workgroupMemory} reuse.`);
    }
    if (t.dramRead !== null && t.dramWritten !== null) {
      rows.push(["DRAM traffic (modelled)", readWritten(t.dramRead, t.dramWritten, tr?.dramRead, tr?.dramWritten)]);
      notes.push(`DRAM traffic: ${inWords(t.cacheNote, w)}${tr ? " (from the footprint's upper bound)" : ""}.`);
    }
    if (o.workgroupLoadBytes.value + o.workgroupStoreBytes.value > 0) rows.push([`${w.WorkgroupMemory} traffic`, readWritten(o.workgroupLoadBytes.value, o.workgroupStoreBytes.value, undefined, undefined, ["loaded", "stored"])]);
  }
  if (m.workgroupMemoryBytes !== null) rows.push([w.WorkgroupMemory, `${bytes(m.workgroupMemoryBytes)} per ${w.workgroup}`]);
  if (m.localMemory) {
    rows.push(["Local memory", `${bytes(m.localMemory.bytes)} read and written through the L1`]);
    notes.push(`Local memory: ${m.localMemory.arrays.map((a) => `'${a.name}'`).join(", ")} indexed at run time, so in local memory, not registers.`);
  }
  if (m.spills) {
    rows.push(["Register spills", `${m.spills.storeBytesPerThread} B stored and ${m.spills.loadBytesPerThread} B loaded per ${w.invocation}, exact from ${m.spills.source}`]);
    notes.push(`Register spills: at least ${bytes(m.spills.bytes)} through the L1 (once per ${w.invocation}).`);
  }
  const roof = m.roofline;
  const noFlops = m.invocations !== null && allFlops(m) === 0;
  if (roof.arithmeticIntensity !== null) rows.push(["Arithmetic intensity", noFlops ? "0 FLOP/B: no floating-point work, the bytes moved set the time" : `${roof.arithmeticIntensity.toPrecision(3)} FLOP/B (ridge ${roof.ridge.toPrecision(3)} on this device)`]);
  if (m.occupancy) {
    rows.push(["Occupancy", `${percent(m.occupancy.value)}, limited by ${occupancyLimitWords(m.occupancy.limitedBy, w)} (${registersText(m, w)})`]);
    notes.push(`Occupancy: ${inWords(m.occupancy.detail, w)}`);
  }
  if (roof.predictedMs !== null) {
    const bandwidth = achievedBandwidth(m, device);
    const bound = inWords(roof.bound, w);
    rows.push([
      "Bound",
      noFlops || roof.attainableGflops === null
        ? `${bound}${bandwidth ? `, ${bandwidth}` : ""}`
        : `${bound}, attainable ${si(roof.attainableGflops * 1e9, "FLOP/s")}`,
    ]);
    const c = roof.components;
    const parts: { what: string; ms: number; local?: number }[] = [
      { what: "compute", ms: c.computeMs },
      ...(c.dramMs !== null ? [{ what: "DRAM", ms: c.dramMs }] : []),
      { what: "L2", ms: c.l2Ms },
      { what: w.workgroupMemory, ms: c.workgroupMs, ...(c.localMemoryMs !== undefined ? { local: c.localMemoryMs } : {}) },
      ...(c.l1Ms !== undefined ? [{ what: "L1", ms: c.l1Ms }] : []),
      { what: "launch", ms: c.launchMs },
    ].sort((a, b) => b.ms - a.ms);
    // One unit for the whole row, the largest part first.
    const figures = durations([...parts.map((p) => p.ms), ...parts.map((p) => p.local ?? 0)]);
    rows.push(["Time components", [...parts.map((p, i) => `${p.what} ${figures[i]}${p.local !== undefined ? ` (local memory ${figures[parts.length + i]} of it)` : ""}`), ...(c.dramMs === null ? ["DRAM ?"] : [])].join(", ")]);
    const e = roof.efficiency;
    const perWave = e.workgroupsPerWave !== undefined ? ` of up to ${e.workgroupsPerWave.toLocaleString("en-US")}` : "";
    const last = e.lastWaveFill !== undefined ? `, the last ${percent(e.lastWaveFill)} full` : "";
    rows.push(["Efficiency", `memory ${percent(e.memory)} and compute ${percent(e.compute)} of the device in a ${e.waves > 1 ? "full " : ""}wave; ${e.waves} wave(s)${perWave} ${w.workgroups}${last}`]);
    if (e.bytesInFlightPerWarp !== undefined) notes.push(`Efficiency: ${bytes(e.bytesInFlightPerWarp)} in flight per warp.`);
    rows.push(["Predicted time", `**≈ ${duration(roof.predictedMs)}** on ${device.name} (estimated: modelled, not measured)${roof.limiter ? `, limited by ${inWords(roof.limiter, w)}` : ""}`]);
  }
  const cell = (x: string): string => x.replace(/\|/g, "\\|");
  const table = ["| Quantity | Value |", "|---|---|", ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`)].join("\n");
  const noteList = notes.map((n) => `- ${n}`).join("\n");
  const unknowns = m.unknowns.length > 0 ? `\n\n**Not known:**\n${m.unknowns.map((u) => `- ${u.what}: ${u.reason}`).join("\n")}` : "";
  const assumptions = assumptionsMarkdown(m.assumptions);
  return `**Cost model** on ${device.name} (${device.id})\n\n${table}\n\n${noteList}${assumptions ? `\n\n${assumptions}` : ""}${unknowns}`;
}

/** What limits occupancy, in the language's words: "shared memory" (CUDA, Triton) or "workgroup memory" (WGSL). */
export function occupancyLimitWords(limitedBy: string, w: LaunchWords): string {
  if (limitedBy === "shared-memory") return w.workgroupMemory;
  if (limitedBy === "threads-per-block") return `${w.invocations} per ${w.workgroup}`;
  return inWords(limitedBy, w);
}

/** `registers ≈ 16 per invocation, estimated` or `40 registers per thread, exact`. */
export function registersText(m: KernelModel, w: LaunchWords): string {
  const o = m.occupancy;
  if (!o) return "";
  return o.estimated ? `registers ≈ ${o.registersPerInvocation} per ${w.invocation}, estimated` : `${o.registersPerInvocation} registers per ${w.invocation}, exact`;
}

/**
 * The DRAM bandwidth the prediction implies (bytes moved over the predicted time) against the device's: the measure
 * of a kernel that moves data and does no arithmetic. Undefined without a prediction or DRAM bytes.
 */
export function achievedBandwidth(m: KernelModel, device: DeviceSpec): string | undefined {
  const t = m.traffic;
  const predicted = m.roofline.predictedMs;
  if (predicted === null || predicted <= 0 || t.dramRead === null || t.dramWritten === null) return undefined;
  const rate = (t.dramRead + t.dramWritten) / (predicted / 1000);
  // GB/s, as datasheets give it.
  const gb = (x: number): string => `${Math.round(x / 1e9).toLocaleString("en-US")} GB/s`;
  return `${gb(rate)} of DRAM bandwidth, ${percent(rate / device.dramBandwidthBytesPerSec)} of the ${gb(device.dramBandwidthBytesPerSec)} peak (estimated)`;
}

export function accessMarkdown(a: AccessInfo, device: DeviceSpec, w: LaunchWords = WGSL_WORDS): string {
  const space = w === WGSL_WORDS ? a.addressSpace : a.addressSpace === "workgroup" ? "shared" : a.addressSpace === "storage" ? "global" : a.addressSpace;
  const parts = [`**${a.kind} of \`${a.binding}\`** (${space}, ${a.elementType}, ${a.bytesPerAccess} B), ${Math.round(a.count.value).toLocaleString("en-US")} times per ${w.dispatch}.`];
  const transactions = a.transactionsPerWarp === null ? "" : `${a.transactionsPerWarp} × ${device.memoryTransactionBytes}-byte transaction${a.transactionsPerWarp === 1 ? "" : "s"}`;
  if (a.pattern === "broadcast") {
    // Lanes at one address share one transaction: no stride to speak of, nothing wasted.
    const one = a.addressSpace === "uniform" || a.transactionsPerWarp === 1;
    parts.push(`Adjacent ${w.invocations} read the same address: a broadcast, ${one ? "one transaction serves the warp" : "one transaction serves every lane that shares an address"}.`);
    if (transactions && a.addressSpace === "storage") parts.push(`A warp of ${device.warpSize} touches ${transactions}.`);
  } else {
    const n = a.strideElements;
    if (n === 0) parts.push(`Adjacent ${w.invocations} read the same address, but the groups that share one lie far apart: ${a.pattern}.`);
    else if (n !== null) parts.push(`Adjacent ${w.invocations} are ${n} element${Math.abs(n) === 1 ? "" : "s"} apart: ${a.pattern}.`);
    else parts.push(`Pattern: ${a.pattern}.`);
    if (a.coalescingEfficiency !== null && a.addressSpace !== "workgroup") parts.push(`A warp of ${device.warpSize} touches ${transactions}: ${percent(a.coalescingEfficiency)} of the fetched bytes are used.`);
  }
  if (a.merged) parts.push(`The compiler merges ${a.merged.width} neighbouring iterations of the unrolled loop over \`${a.merged.loop}\` into one ${a.merged.width * a.bytesPerAccess * 8}-bit load (estimated: ptxas does so for unrolled loads at aligned consecutive addresses).`);
  if (a.bankConflictDegree !== null) parts.push(a.bankConflictDegree > 1 ? `${+a.bankConflictDegree.toFixed(2)}-way bank conflict${a.merged || a.bytesPerAccess > 4 ? " (wavefronts per quarter- or half-warp phase of 128 bytes)" : ""}.` : "No bank conflict.");
  if (a.loopInvariant) parts.push("The same address on every iteration of the enclosing loop.");
  if (a.note) parts.push(a.note);
  return parts.join(" ");
}
