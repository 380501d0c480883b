// The PTX opcode mix per source line, and the floating-point work PTX shows per thread, from `nvcc -ptx -lineinfo`.
//
// What nvcc 13 writes: `.visible .entry NAME(params) { ... }` per kernel (mangled names), `.loc FILE LINE COL` before
// the instructions of a line, with `, function_name $L__info_stringN, inlined_at FILE LINE COL` for inlined code, and
// `.file N "path"` at the end. Inline assembly from the CUDA headers (`__hmul2` on bf16 is
// `{ mov.b32 c, 0x80008000U; fma.rn.bf16x2 d, a, b, c; }`) sits between `// begin inline asm` comments as ordinary
// statements. Inlined code is folded onto the main file's line it was called from, as for SASS (cubinLines.ts).
//
// FLOPs follow the cost model's conventions (builtins.ts): add, sub, mul, div, min and max are one FLOP per lane, an
// FMA two, abs/neg/copysign and conversions none; `.f16x2`/`.bf16x2` have two lanes; a floating atomic add is one
// FLOP; an FMA whose addend is -0 is how the headers multiply (one FLOP per lane). Transcendentals and square roots
// (`ex2`, `lg2`, `sin`, `cos`, `tanh`, `rsqrt`, `sqrt`, approximate `rcp`) are special ops, not FLOPs. `mma`, `wmma`
// and `wgmma` are tensor FLOPs: 2·M·N·K per warp (per warpgroup of 128 threads for wgmma), shared by its threads.
//
// The math library is the model's blind spot by design: it counts `logf` or `expf` as one special op, while nvcc
// inlines libdevice's polynomial (a chain of FMAs, often with no `.loc` of its own and no special instruction at all:
// `logf` is all FMAs). FLOPs on a line that has a special instruction, or whose source calls a math function, are
// therefore "library" FLOPs: they may be the model's or the library's, and only raise the maximum of the bounds.
//
// Pure: no I/O, never throws.
import { SPECIAL } from "./builtins";

export type PtxFlopClass = "f32" | "f64" | "f16" | "bf16" | "tensor";

export interface PtxFlops {
  readonly f32: number;
  readonly f64: number;
  readonly f16: number;
  readonly bf16: number;
  readonly tensor: number;
}

export interface PtxLine {
  /** 1-based, in the main file. */
  readonly line: number;
  /** Instructions per opcode (`fma.rn.f32`: 8), as PTX spells them. */
  readonly opcodes: Readonly<Record<string, number>>;
  /** Static FLOPs per thread on this line: each instruction once, however often it runs. */
  readonly flops: PtxFlops;
  /** Special-function instructions (transcendentals, square roots, approximate reciprocals). */
  readonly special: number;
  /** The line has a special instruction or calls a math function: its FLOPs may be the library's. */
  readonly library: boolean;
}

export interface PtxEntry {
  /** The entry's mangled name. */
  readonly name: string;
  readonly instructions: number;
  /** Lines of the main file, ascending. */
  readonly lines: readonly PtxLine[];
  /** Instructions whose line is not in the main file (no `.loc`, or a kernel written in a header). */
  readonly unattributed: number;
  /** Static FLOPs of the whole entry per thread. */
  readonly flops: PtxFlops;
  /** A branch to an earlier label: PTX still has a loop, so static counts are not per-thread executed counts. */
  readonly hasLoops: boolean;
  /** The entry calls a function nvcc did not inline (`__noinline__`, recursion): some of its work is elsewhere. */
  readonly calls: boolean;
  /**
   * For a loop-free entry, the FLOPs one thread executes lie between these bounds (paths through the branches;
   * predicated instructions and library FLOPs (see above) count only for the maximum);
   * `null` with loops, calls or indirect branches.
   */
  readonly perThread: { readonly min: PtxFlops; readonly max: PtxFlops } | null;
  /** The innermost loops PTX still has (what nvcc did not unroll), each with one iteration's FLOPs per thread. */
  readonly loops: readonly PtxLoop[];
}

export interface PtxLoop {
  /** The main-file line of the branch back to the loop's start: the loop statement's line. */
  readonly line: number | null;
  /** One pass through the body (an unrolled body holds several source iterations), bounds as for `perThread`. */
  readonly perIteration: { readonly min: PtxFlops; readonly max: PtxFlops };
}

export interface PtxModule {
  readonly entries: readonly PtxEntry[];
  /** `.file` paths by number. */
  readonly files: Readonly<Record<number, string>>;
}

const ZERO: PtxFlops = { f32: 0, f64: 0, f16: 0, bf16: 0, tensor: 0 };
const CLASSES: readonly PtxFlopClass[] = ["f32", "f64", "f16", "bf16", "tensor"];
/** Far above any real module: a hostile text cannot make the parser build more than this. */
const MAX_STATEMENTS = 2_000_000;

const SPECIAL_OPS = new Set(["ex2", "lg2", "sin", "cos", "tanh", "rsqrt", "sqrt"]);
const ONE_FLOP_OPS = new Set(["add", "sub", "mul", "div", "min", "max"]);
const FMA_OPS = new Set(["fma", "mad"]);

interface FlopInfo {
  readonly cls: PtxFlopClass | null;
  readonly flops: number;
  readonly special: boolean;
}

function typeClass(mods: readonly string[]): { cls: PtxFlopClass; lanes: number } | null {
  for (const m of mods) {
    if (m === "f32") return { cls: "f32", lanes: 1 };
    if (m === "f64") return { cls: "f64", lanes: 1 };
    if (m === "f16") return { cls: "f16", lanes: 1 };
    if (m === "f16x2") return { cls: "f16", lanes: 2 };
    if (m === "bf16") return { cls: "bf16", lanes: 1 };
    if (m === "bf16x2") return { cls: "bf16", lanes: 2 };
  }
  return null;
}

/** `m16n8k16` → 2·16·8·16. */
function shapeFlops(mods: readonly string[]): number | null {
  for (const m of mods) {
    const s = /^m(\d+)n(\d+)k(\d+)$/.exec(m);
    if (s) return 2 * Number(s[1]) * Number(s[2]) * Number(s[3]);
  }
  return null;
}

/** Immediates of -0 and of 1 in f32, f64, f16(x2) and bf16(x2), as PTX and the headers' inline assembly write them. */
const NEG_ZERO = new Set(["0f80000000", "0d8000000000000000", "0x80000000", "0x8000", "0x80008000"]);
const ONE = new Set(["0f3f800000", "0d3ff0000000000000", "0x3f800000", "0x3f80", "0x3f803f80", "0x3c00", "0x3c003c00"]);

/** An operand as a constant: an immediate, or a register a `mov` set to one (`value`); `U` suffixes dropped. */
function constantOf(operand: string, value: (reg: string) => string | undefined): string {
  const o = operand.toLowerCase();
  return (value(o) ?? o).replace(/u$/, "");
}

/**
 * FLOPs of one instruction per thread. `value` gives the immediate a register was last set to: the headers write a
 * multiply as an FMA with a -0 addend and an add as an FMA with a factor 1 (bf16 `__hmul2`, `__hadd2`).
 */
export function flopsOfInstruction(opcode: string, operands: readonly string[], value: (reg: string) => string | undefined = () => undefined): FlopInfo {
  const mods = opcode.split(".");
  const base = mods[0]!;
  if (SPECIAL_OPS.has(base) || (base === "rcp" && mods.includes("approx"))) return { cls: null, flops: 0, special: true };
  if (base === "mma" || base === "wmma" || base === "wgmma") {
    if (base === "wmma" && !mods.includes("mma")) return { cls: null, flops: 0, special: false }; // wmma.load / wmma.store
    const per = shapeFlops(mods);
    if (per === null) return { cls: null, flops: 0, special: false };
    return { cls: "tensor", flops: per / (base === "wgmma" ? 128 : 32), special: false };
  }
  const t = typeClass(mods);
  if (!t) return { cls: null, flops: 0, special: false };
  if ((base === "atom" || base === "red") && mods.includes("add")) return { cls: t.cls, flops: t.lanes, special: false };
  if (base === "rcp") return { cls: t.cls, flops: t.lanes, special: false }; // 1/x, correctly rounded: a division
  if (ONE_FLOP_OPS.has(base)) return { cls: t.cls, flops: t.lanes, special: false };
  if (FMA_OPS.has(base)) {
    const multiply = NEG_ZERO.has(constantOf(operands[3] ?? "", value));
    const add = ONE.has(constantOf(operands[1] ?? "", value)) || ONE.has(constantOf(operands[2] ?? "", value));
    return { cls: t.cls, flops: (multiply || add ? 1 : 2) * t.lanes, special: false };
  }
  return { cls: null, flops: 0, special: false };
}

interface Statement {
  readonly kind: "label" | "instruction";
  readonly text: string;
  readonly line: number | null;
}

interface Loc {
  readonly file: number;
  readonly line: number;
  readonly col: number;
}

function parseLoc(rest: string): { here: Loc; inlinedAt: Loc | null } | null {
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+)/.exec(rest);
  if (!m) return null;
  const here = { file: Number(m[1]), line: Number(m[2]), col: Number(m[3]) };
  const at = /inlined_at\s+(\d+)\s+(\d+)\s+(\d+)/.exec(rest);
  return { here, inlinedAt: at ? { file: Number(at[1]), line: Number(at[2]), col: Number(at[3]) } : null };
}

const locKey = (l: Loc): string => `${l.file}:${l.line}:${l.col}`;

function normalisePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "." || (part === "" && parts.length > 0)) continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

const baseName = (p: string): string => normalisePath(p).slice(normalisePath(p).lastIndexOf("/") + 1);

/** `.file` numbers that are the main file: by full path, else by file name. */
function mainFiles(files: Readonly<Record<number, string>>, mainFile: string): Set<number> {
  const wanted = normalisePath(mainFile);
  const entries = Object.entries(files).map(([n, p]) => [Number(n), p] as const);
  const exact = entries.filter(([, p]) => normalisePath(p) === wanted).map(([n]) => n);
  if (exact.length > 0) return new Set(exact);
  return new Set(entries.filter(([, p]) => baseName(p) === baseName(mainFile)).map(([n]) => n));
}

/** Removes `//` and `/* *\/` comments, keeping line breaks. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/\/\/[^\n]*/g, "");
}

/** 1-based lines of `source` that call a math-library function the model counts as a special op (`logf(`, `expf (`). */
export function mathCallLines(source: string): Set<number> {
  const out = new Set<number>();
  if (typeof source !== "string") return out;
  source.split("\n").forEach((text, i) => {
    for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      if (SPECIAL.has(m[1]!)) {
        out.add(i + 1);
        break;
      }
    }
  });
  return out;
}

/**
 * Parses a PTX module: per entry, instructions per opcode and FLOPs per main-file line, and the per-thread FLOP
 * bounds of loop-free entries. `mainFile`: the compiled source's path as nvcc saw it; `null` takes, per entry, the
 * file of its first `.loc` that is not inlined code. `source`: the compiled text, to find the lines that call math
 * functions (their FLOPs may be the library's); without it only special instructions mark such lines.
 */
export function parsePtx(text: string, mainFile: string | null, source?: string): PtxModule {
  try {
    return parse(typeof text === "string" ? text : "", mainFile, source === undefined ? new Set() : mathCallLines(source));
  } catch {
    return { entries: [], files: {} };
  }
}

interface RawEntry {
  readonly name: string;
  readonly statements: Statement[];
  readonly locs: { stmt: number; loc: Loc; inlinedAt: Loc | null }[];
}

function parse(text: string, mainFile: string | null, mathLines: ReadonlySet<number>): PtxModule {
  const clean = stripComments(text);
  const files: Record<number, string> = {};
  for (const m of clean.matchAll(/^\s*\.file\s+(\d+)\s+"((?:[^"\\]|\\.)*)"/gm)) files[Number(m[1])] = m[2]!.replace(/\\(.)/g, "$1");

  // Split the entries out: `.entry NAME (` … the matching closing brace of its body.
  const raws: RawEntry[] = [];
  const entryRe = /\.entry\s+([\w$.]+)\s*\(/g;
  let m: RegExpExecArray | null;
  let total = 0;
  while ((m = entryRe.exec(clean))) {
    const open = clean.indexOf("{", entryRe.lastIndex);
    if (open < 0) break;
    let depth = 0;
    let close = -1;
    for (let i = open; i < clean.length; i++) {
      const ch = clean[i];
      if (ch === "{") depth++;
      else if (ch === "}" && --depth === 0) {
        close = i;
        break;
      }
    }
    const body = clean.slice(open + 1, close < 0 ? clean.length : close);
    entryRe.lastIndex = close < 0 ? clean.length : close + 1;
    const raw: RawEntry = { name: m[1]!, statements: [], locs: [] };
    // Statements end with `;` (instructions) or the line (`.loc`, labels); a scope's braces (inline assembly's
    // `{ .reg .b32 c; ... }`) are stripped from a statement's ends, vector operands' braces (`{%f1, %f2}`) kept.
    for (const piece of body.split(/[;\n]/)) {
      const s = statementText(piece);
      if (s === "") continue;
      if (++total > MAX_STATEMENTS) break;
      if (s.startsWith(".loc")) {
        const loc = parseLoc(s.slice(4));
        if (loc) raw.locs.push({ stmt: raw.statements.length, loc: loc.here, inlinedAt: loc.inlinedAt });
        continue;
      }
      if (s.startsWith(".") || s.startsWith("@@")) continue; // declarations (.reg, .shared, .pragma …)
      const label = /^([\w$]+):\s*(.*)$/.exec(s);
      if (label) {
        raw.statements.push({ kind: "label", text: label[1]!, line: null });
        if (label[2]) raw.statements.push({ kind: "instruction", text: label[2], line: null });
        continue;
      }
      raw.statements.push({ kind: "instruction", text: s, line: null });
    }
    raws.push(raw);
  }
  return { files, entries: raws.map((r) => entryOf(r, files, mainFile, mathLines)) };
}

/** A piece of the body without the scope braces around it: `{fma.rn.bf16x2 a,b,c,d` → `fma.rn.bf16x2 a,b,c,d`. */
function statementText(piece: string): string {
  let s = piece.trim().replace(/^[{}\s]+/, "");
  // A closing brace at the end closes a scope unless the statement opened a vector operand it closes.
  while (s.endsWith("}") && (s.match(/\{/g)?.length ?? 0) < (s.match(/\}/g)?.length ?? 0)) s = s.slice(0, -1).trimEnd();
  return s;
}

interface Instr {
  readonly pred: string | null;
  readonly opcode: string;
  readonly operands: string[];
}

function splitInstruction(text: string): Instr {
  let s = text;
  let pred: string | null = null;
  const p = /^@(!?[%\w$]+)\s+/.exec(s);
  if (p) {
    pred = p[1]!;
    s = s.slice(p[0].length);
  }
  const sp = s.search(/\s/);
  const opcode = sp < 0 ? s : s.slice(0, sp);
  const rest = sp < 0 ? "" : s.slice(sp + 1);
  const operands = rest
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "");
  return { pred, opcode, operands };
}

function addFlops(a: PtxFlops, cls: PtxFlopClass, n: number): PtxFlops {
  return { ...a, [cls]: a[cls] + n };
}

function entryOf(raw: RawEntry, files: Readonly<Record<number, string>>, mainFile: string | null, mathLines: ReadonlySet<number>): PtxEntry {
  let main: Set<number> | null = mainFile !== null ? mainFiles(files, mainFile) : null;
  if (main === null) {
    const first = raw.locs.find((l) => l.inlinedAt === null);
    main = new Set(first ? [first.loc.file] : []);
  }
  // Each statement's main-file line: the innermost frame in the main file of the `.loc` before it.
  const attribution = new Map<string, number>(); // a location inside inlined code → the main-file line it folds onto
  const lineOf: (number | null)[] = new Array(raw.statements.length).fill(null);
  let current: number | null = null;
  let li = 0;
  for (let i = 0; i <= raw.statements.length; i++) {
    while (li < raw.locs.length && raw.locs[li]!.stmt === i) {
      const { loc, inlinedAt } = raw.locs[li]!;
      let line: number | null = null;
      if (main.has(loc.file)) line = loc.line > 0 ? loc.line : null; // line 0: code of no line
      else if (inlinedAt && main.has(inlinedAt.file)) line = inlinedAt.line > 0 ? inlinedAt.line : null;
      else if (inlinedAt) line = attribution.get(locKey(inlinedAt)) ?? current;
      if (line !== null) attribution.set(locKey(loc), line);
      current = line;
      li++;
    }
    if (i < raw.statements.length) lineOf[i] = current;
  }

  const constants = new Map<string, string>(); // register → the immediate a `mov` last gave it
  const perLine = new Map<number, { opcodes: Record<string, number>; flops: PtxFlops; special: number }>();
  const infos: (FlopInfo & { pred: boolean; line: number | null })[] = [];
  let instructions = 0;
  let unattributed = 0;
  let flops = ZERO;
  let hasLoops = false;
  let unknownFlow = false;
  let calls = false;
  const labelAt = new Map<string, number>();
  raw.statements.forEach((s, i) => {
    if (s.kind === "label") labelAt.set(s.text, i);
  });
  raw.statements.forEach((s, i) => {
    if (s.kind !== "instruction") {
      infos.push({ cls: null, flops: 0, special: false, pred: false, line: null });
      return;
    }
    instructions++;
    const ins = splitInstruction(s.text);
    if (ins.operands.length > 0) {
      const dest = ins.operands[0]!.toLowerCase();
      const src = ins.operands[1]?.toLowerCase() ?? "";
      if (ins.opcode.startsWith("mov.") && ins.operands.length === 2 && /^(0[fdx][0-9a-f]+u?|-?\d+(\.\d*)?)$/.test(src)) constants.set(dest, src);
      else constants.delete(dest);
    }
    const info = flopsOfInstruction(ins.opcode, ins.operands, (r) => constants.get(r));
    const line = lineOf[i] ?? null;
    infos.push({ ...info, pred: ins.pred !== null, line });
    if (info.cls) flops = addFlops(flops, info.cls, info.flops);
    const base = ins.opcode.split(".")[0]!;
    if (base === "bra" || base === "brx") {
      const target = ins.operands[0] ?? "";
      const at = labelAt.get(target);
      if (base === "brx" || at === undefined) unknownFlow = true;
      else if (at <= i) hasLoops = true;
    }
    if (base === "call") {
      unknownFlow = true;
      calls = true;
    }
    if (line === null) {
      unattributed++;
      return;
    }
    let l = perLine.get(line);
    if (!l) perLine.set(line, (l = { opcodes: {}, flops: ZERO, special: 0 }));
    l.opcodes[ins.opcode] = (l.opcodes[ins.opcode] ?? 0) + 1;
    if (info.cls) l.flops = addFlops(l.flops, info.cls, info.flops);
    if (info.special) l.special++;
  });

  const lines = [...perLine.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([line, l]) => ({ line, opcodes: l.opcodes, flops: l.flops, special: l.special, library: l.special > 0 || mathLines.has(line) }));
  const specialLines = new Set(lines.filter((l) => l.library).map((l) => l.line));
  const n = raw.statements.length;
  const perThread = hasLoops || unknownFlow || n === 0 ? null : pathBounds(raw.statements, infos, labelAt, specialLines, 0, n - 1);
  // Loops: a branch back to a label; the body is the label to the branch. Only loops with no loop inside are kept.
  const loops: PtxLoop[] = [];
  if (!unknownFlow) {
    const backEdges: { from: number; to: number }[] = [];
    raw.statements.forEach((s, i) => {
      if (s.kind !== "instruction") return;
      const ins = splitInstruction(s.text);
      if (ins.opcode.split(".")[0] !== "bra") return;
      const at = labelAt.get(ins.operands[0] ?? "");
      if (at !== undefined && at <= i) backEdges.push({ from: at, to: i });
    });
    for (const e of backEdges) {
      if (backEdges.some((o) => o !== e && o.from >= e.from && o.to <= e.to)) continue;
      const bounds = pathBounds(raw.statements, infos, labelAt, specialLines, e.from, e.to);
      if (bounds) loops.push({ line: lineOf[e.to] ?? null, perIteration: bounds });
    }
  }
  return { name: raw.name, instructions, lines, unattributed, flops, hasLoops, calls, perThread, loops };
}

/**
 * Minimum and maximum FLOPs over the paths through statements `from`..`to` (a DAG in program order: basic blocks end
 * at branches and returns and start at labels). A path ends at a return, at a branch out of the range, at a branch
 * back to `from` (one iteration of a loop whose body is the range) or past `to`. An instruction under a predicate,
 * or on a library line (its FLOPs may be the math library's, which the model does not count), adds to the maximum
 * only. `null` when a branch inside the range goes backwards elsewhere (a nested loop).
 */
function pathBounds(
  statements: readonly Statement[],
  infos: readonly (FlopInfo & { pred: boolean; line: number | null })[],
  labelAt: ReadonlyMap<string, number>,
  specialLines: ReadonlySet<number>,
  from: number,
  to: number,
): { min: PtxFlops; max: PtxFlops } | null {
  const size = to - from + 1;
  // Best (min and max) totals reaching each statement of the range; propagated forward.
  const reachMin: (PtxFlops | null)[] = new Array(size).fill(null);
  const reachMax: (PtxFlops | null)[] = new Array(size).fill(null);
  reachMin[0] = ZERO;
  reachMax[0] = ZERO;
  let endMin: PtxFlops | null = null;
  let endMax: PtxFlops | null = null;
  const merge = (a: PtxFlops | null, b: PtxFlops, pick: (x: number, y: number) => number): PtxFlops =>
    a === null ? b : { f32: pick(a.f32, b.f32), f64: pick(a.f64, b.f64), f16: pick(a.f16, b.f16), bf16: pick(a.bf16, b.bf16), tensor: pick(a.tensor, b.tensor) };
  const finish = (mn: PtxFlops, mx: PtxFlops): void => {
    endMin = merge(endMin, mn, Math.min);
    endMax = merge(endMax, mx, Math.max);
  };
  let nested = false;
  const flowTo = (target: number, here: number, mn: PtxFlops, mx: PtxFlops): void => {
    if (target === from && here >= from) return finish(mn, mx); // the back edge: one iteration done
    if (target <= here) {
      nested = true;
      return;
    }
    if (target > to) return finish(mn, mx);
    reachMin[target - from] = merge(reachMin[target - from]!, mn, Math.min);
    reachMax[target - from] = merge(reachMax[target - from]!, mx, Math.max);
  };
  for (let i = from; i <= to && !nested; i++) {
    let mn = reachMin[i - from];
    let mx = reachMax[i - from];
    if (mn === null || mx === null) continue; // unreachable
    const s = statements[i]!;
    const info = infos[i]!;
    if (info.cls) {
      mx = addFlops(mx, info.cls, info.flops);
      if (!info.pred && !(info.line !== null && specialLines.has(info.line))) mn = addFlops(mn, info.cls, info.flops);
    }
    if (s.kind === "instruction") {
      const ins = splitInstruction(s.text);
      const base = ins.opcode.split(".")[0]!;
      if (base === "bra") {
        const at = labelAt.get(ins.operands[0] ?? "");
        if (at === undefined) return null;
        flowTo(at, i, mn, mx);
        if (ins.pred !== null) flowTo(i + 1, i, mn, mx);
        continue;
      }
      if (base === "ret" || base === "exit" || base === "trap") {
        if (ins.pred !== null) flowTo(i + 1, i, mn, mx);
        finish(mn, mx);
        continue;
      }
    }
    flowTo(i + 1, i, mn, mx);
  }
  if (nested) return null;
  return { min: endMin ?? ZERO, max: endMax ?? ZERO };
}

export { CLASSES as PTX_FLOP_CLASSES, ZERO as NO_PTX_FLOPS };
