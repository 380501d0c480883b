// Formats model results for people: units, and the hover's breakdown table (the lens line is lensLine.ts, the loop hint loopHint.ts).
import type { DeviceSpec } from "../devices/device";
import { assumptionsMarkdown } from "./assumptionsText";
import { perUnit } from "./perUnit";
import { CUDA_WORDS, type LaunchWords, TRITON_WORDS, WGSL_WORDS } from "./launchWords";
import { COMPULSORY_DEFINITION, type AccessInfo, type KernelModel, type PerUnit, type Range } from "./types";

export { CUDA_WORDS, type LaunchWords, TRITON_WORDS, WGSL_WORDS };

export function si(x: number, unit: string, digits = 2): string {
  const abs = Math.abs(x);
  const [div, prefix] = abs >= 1e12 ? [1e12, "T"] : abs >= 1e9 ? [1e9, "G"] : abs >= 1e6 ? [1e6, "M"] : abs >= 1e3 ? [1e3, "k"] : [1, ""];
  const v = x / div;
  // Two significant digits below 100, whole numbers above: "2.1 G", "24 M", "786 k"; never exponent notation.
  const text = Number.isInteger(v) || v >= 100 ? String(Math.round(v)) : Number(v.toPrecision(digits)).toString();
  return `${text} ${prefix}${unit}`;
}

export function bytes(x: number): string {
  return si(x, "B");
}

export function ms(x: number): string {
  if (x < 0.001) return `${(x * 1000).toPrecision(2)} µs`;
  return `${x.toPrecision(2)} ms`;
}

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


/** The hover breakdown: every number the model has for the kernel, with what it means. */
export function breakdownMarkdown(m: KernelModel, device: DeviceSpec, w: LaunchWords = WGSL_WORDS): string {
  const rows: [string, string][] = [];
  const r = (a: { value: number; min: number; max: number }, unit: string): string =>
    a.min === a.max ? si(a.value, unit) : `≈ ${si(a.value, unit)} (${si(a.min, unit)} to ${Number.isFinite(a.max) ? si(a.max, unit) : "unbounded"})`;
  if (m.workgroupSize) rows.push([w.Workgroup, `${m.workgroupSize.join(" × ")} = ${m.workgroupSize[0] * m.workgroupSize[1] * m.workgroupSize[2]} ${w.invocations}`]);
  if (m.dispatch) rows.push([w.Dispatch, `${m.dispatch.join(" × ")} ${w.workgroups}, ${si(m.invocations ?? 0, w.invocations)}`]);
  const per = perUnit(m);
  if (per) {
    const unit = (u: PerUnit): string => `${si(u.flops, "FLOP")}, ${bytes(u.globalBytes)} global${u.specialOps > 0 ? `, ${si(u.specialOps, "special op")}` : ""}`;
    rows.push([`Per ${w.invocation}`, `${unit(per.invocation)} (average over the ${w.dispatch})`]);
    rows.push([`Per ${w.workgroup}`, unit(per.workgroup)]);
  }
  if (m.invocations !== null) {
    // Every class the kernel does, f32 first (shown even at 0 when it is the only one): a tl.dot or WMMA kernel's
    // work is its tensor-core FLOPs.
    const flopParts = [
      ...(m.ops.flopsF32.value > 0 || m.ops.flopsF16.value + m.ops.flopsBF16.value + m.ops.tensorFlops.value === 0 ? [`${r(m.ops.flopsF32, "FLOP")} f32`] : []),
      ...(m.ops.flopsF16.value > 0 ? [`${r(m.ops.flopsF16, "FLOP")} f16`] : []),
      ...(m.ops.flopsBF16.value > 0 ? [`${r(m.ops.flopsBF16, "FLOP")} bf16`] : []),
      ...(m.ops.tensorFlops.value > 0 ? [`${r(m.ops.tensorFlops, "FLOP")} on tensor cores`] : []),
    ];
    rows.push(["FLOPs", `${flopParts.join(", ")} (an FMA counts 2)`]);
    rows.push(["Integer / logic ops", r(m.ops.intOps, "op")]);
    if (m.ops.specialOps.value > 0) rows.push(["Transcendental ops", r(m.ops.specialOps, "op")]);
    if (m.ops.barriers.value > 0) rows.push(["Barriers", `${(m.ops.barriers.value / m.invocations).toFixed(1)} per ${w.invocation}`]);
    const t = m.traffic;
    // A footprint on loaded indices is a range: its bounds, and why, beside the estimate (never shown as exact).
    const tr = t.ranges;
    const ranged = tr ? `; a range, not exact: ${tr.reasons.join("; ")}` : "";
    const fig = (x: number, range: Range | undefined): string => (range ? r(range, "B") : bytes(x));
    if (t.compulsoryRead !== null && t.compulsoryWritten !== null) rows.push(["Compulsory traffic", `${fig(t.compulsoryRead, tr?.compulsoryRead)} read, ${fig(t.compulsoryWritten, tr?.compulsoryWritten)} written: ${COMPULSORY_DEFINITION}${ranged}`]);
    if (t.l2Read !== null && t.l2Written !== null) rows.push(["L2 traffic", `${bytes(t.l2Read)} read, ${bytes(t.l2Written)} written (after coalescing and ${w.workgroupMemory} reuse)`]);
    if (t.dramRead !== null && t.dramWritten !== null) rows.push(["DRAM traffic (modelled)", `${fig(t.dramRead, tr?.dramRead)} read, ${fig(t.dramWritten, tr?.dramWritten)} written: ${inWords(t.cacheNote, w)}${tr ? " (from the footprint's upper bound)" : ""}`]);
    if (m.ops.workgroupLoadBytes.value + m.ops.workgroupStoreBytes.value > 0) rows.push([`${w.WorkgroupMemory} traffic`, `${bytes(m.ops.workgroupLoadBytes.value)} loaded, ${bytes(m.ops.workgroupStoreBytes.value)} stored`]);
  }
  if (m.workgroupMemoryBytes !== null) rows.push([w.WorkgroupMemory, `${bytes(m.workgroupMemoryBytes)} per ${w.workgroup}`]);
  if (m.localMemory) rows.push(["Local memory", `${m.localMemory.arrays.map((a) => `'${a.name}'`).join(", ")} indexed at run time, so in local memory, not registers: ${bytes(m.localMemory.bytes)} read and written through the L1`]);
  if (m.spills) rows.push(["Register spills", `${m.spills.storeBytesPerThread} B stored and ${m.spills.loadBytesPerThread} B loaded per ${w.invocation}, exact from ${m.spills.source}: at least ${bytes(m.spills.bytes)} through the L1 (once per ${w.invocation})`]);
  const roof = m.roofline;
  if (roof.arithmeticIntensity !== null) rows.push(["Arithmetic intensity", `${roof.arithmeticIntensity.toPrecision(3)} FLOP/B (ridge ${roof.ridge.toPrecision(3)} on this device)`]);
  if (m.occupancy) rows.push(["Occupancy", `${percent(m.occupancy.value)}, limited by ${inWords(m.occupancy.limitedBy, w)}: ${inWords(m.occupancy.detail, w)} (${m.occupancy.estimated ? `registers ≈ ${m.occupancy.registersPerInvocation} per ${w.invocation}, estimated` : `${m.occupancy.registersPerInvocation} registers per ${w.invocation}, exact`})`]);
  if (roof.predictedMs !== null) {
    rows.push(["Bound", `${inWords(roof.bound, w)}${roof.attainableGflops !== null ? `, attainable ${si(roof.attainableGflops * 1e9, "FLOP/s")}` : ""}`]);
    const c = roof.components;
    rows.push(["Time components", `compute ${ms(c.computeMs)}, DRAM ${c.dramMs === null ? "?" : ms(c.dramMs)}, L2 ${ms(c.l2Ms)}, ${w.workgroupMemory} ${ms(c.workgroupMs)}${c.localMemoryMs !== undefined ? ` (local memory ${ms(c.localMemoryMs)} of it)` : ""}${c.l1Ms !== undefined ? `, L1 ${ms(c.l1Ms)}` : ""}, launch ${ms(c.launchMs)}`]);
    const e = roof.efficiency;
    const perWave = e.workgroupsPerWave !== undefined ? ` of up to ${e.workgroupsPerWave.toLocaleString("en-US")}` : "";
    const last = e.lastWaveFill !== undefined ? `, the last ${percent(e.lastWaveFill)} full` : "";
    const inFlight = e.bytesInFlightPerWarp !== undefined ? ` (${bytes(e.bytesInFlightPerWarp)} in flight per warp)` : "";
    rows.push(["Efficiency", `memory ${percent(e.memory)}${inFlight} and compute ${percent(e.compute)} of the device in a ${e.waves > 1 ? "full " : ""}wave; ${e.waves} wave(s)${perWave} ${w.workgroups}${last}`]);
    rows.push(["Predicted time", `**≈ ${ms(roof.predictedMs)}** on ${device.name} (modelled, not measured)${roof.limiter ? `, limited by ${inWords(roof.limiter, w)}` : ""}`]);
  }
  const table = ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, "\\|")} |`)].join("\n");
  const unknowns = m.unknowns.length > 0 ? `\n\n**Not known:**\n${m.unknowns.map((u) => `- ${u.what}: ${u.reason}`).join("\n")}` : "";
  const assumptions = assumptionsMarkdown(m.assumptions);
  return `**Cost model** on ${device.name} (${device.id})\n\n${table}${assumptions ? `\n\n${assumptions}` : ""}${unknowns}`;
}

export function accessMarkdown(a: AccessInfo, device: DeviceSpec, w: LaunchWords = WGSL_WORDS): string {
  const space = w === WGSL_WORDS ? a.addressSpace : a.addressSpace === "workgroup" ? "shared" : a.addressSpace === "storage" ? "global" : a.addressSpace;
  const parts = [`**${a.kind} of \`${a.binding}\`** (${space}, ${a.elementType}, ${a.bytesPerAccess} B), ${Math.round(a.count.value).toLocaleString("en-US")} times per ${w.dispatch}.`];
  if (a.pattern === "broadcast") parts.push("Every active lane of a warp reads the same address: one transaction, broadcast.");
  else if (a.strideElements !== null) parts.push(`Adjacent ${w.invocations} are ${a.strideElements} element(s) apart: ${a.pattern}.`);
  else parts.push(`Pattern: ${a.pattern}.`);
  if (a.coalescingEfficiency !== null && a.addressSpace !== "workgroup") {
    parts.push(`A warp of ${device.warpSize} touches ${a.transactionsPerWarp} × ${device.memoryTransactionBytes}-byte transactions: ${percent(a.coalescingEfficiency)} of the fetched bytes are used.`);
  }
  if (a.merged) parts.push(`The compiler merges ${a.merged.width} neighbouring iterations of the unrolled loop over \`${a.merged.loop}\` into one ${a.merged.width * a.bytesPerAccess * 8}-bit load (estimated: ptxas does so for unrolled loads at aligned consecutive addresses).`);
  if (a.bankConflictDegree !== null) parts.push(a.bankConflictDegree > 1 ? `${+a.bankConflictDegree.toFixed(2)}-way bank conflict${a.merged || a.bytesPerAccess > 4 ? " (wavefronts per quarter- or half-warp phase of 128 bytes)" : ""}.` : "No bank conflict.");
  if (a.loopInvariant) parts.push("The same address on every iteration of the enclosing loop.");
  if (a.note) parts.push(a.note);
  return parts.join(" ");
}
