// Each kernel's lowering and model, kept between analyses of one document (a keystroke changes one kernel; the
// others need not be lowered and modelled again).
//
// A lowering learns about the file only through its LowerContext: the kernel's own subtree, and names it looks up
// (functions, structs, aliases, enums, globals, macros), plus `#pragma unroll` and `__align__` positions and the line
// of an offset. So the lowering runs on a context that records every lookup, and the result is reused only when
// each recorded name still resolves to the same text (same pragmas and alignments inside it, same copy of host
// bodies), every recorded line is still that line, and the object-like macros are the same. Where the text moved,
// the result is moved with it (relocate.ts). A lowering that reads the whole program is never reused.
//
// The model is reused with its lowering when the resolved launch (positions left out: the model reads none), the
// device, the budget and the exact resources are the same. A model cut short by the clock is not kept: another run
// could get further.
import type { ResolvedLaunch } from "../kernel/launch";
import type { ModelResult } from "../model/analyzeKernel";
import type { Finding } from "../model/findings";
import type { Span } from "../span";
import type { LowerContext, LoweredKernel } from "./lower";
import type { CudaProgram, FunctionInfo } from "./program";
import { type MovedRegion, OutsideRegions, Relocation } from "./relocate";

/** A name the lowering looked up, and in which table. */
type Lookup = `${"fn" | "struct" | "structTemplate" | "alias" | "enum" | "global" | "macro"}:${string}`;

/** What a lookup resolved to: regions of the analysed text and everything else that decides the result. */
interface Described {
  readonly regions: readonly Span[];
  /** The regions' text, pragmas and alignments (relative to each region) and any other part of the answer. */
  readonly sig: string;
}

interface Entry {
  /** The kernel's own definition and what it looked up, as described when it was lowered (in this entry's text). */
  readonly self: Described;
  readonly lookups: ReadonlyMap<Lookup, Described>;
  /** Offsets whose line the lowering asked for, with the line. */
  readonly lines: ReadonlyMap<number, number>;
  readonly globalSig: string;
  /** The lowering (or another result worked out from the same recorded reads: a host function's launches). */
  readonly value: unknown;
  /** Models by launch key, in this entry's text. */
  readonly models: Map<string, ModelEntry>;
  /** Resolved launches by what they were resolved from; only launches with no position but their directives'. */
  readonly launches: Map<string, ResolvedLaunch>;
}

interface ModelEntry {
  readonly got: { result: ModelResult; quant: readonly Finding[] };
}

/** What one analysis knows of its program, for describing lookups. */
export interface CacheView {
  readonly prog: CudaProgram;
  readonly pragmas: readonly { readonly at: number; readonly factor: number | undefined }[];
  readonly aligns: readonly { readonly at: number; readonly align: number }[];
  readonly lineOf: (offset: number) => number;
  /** Object-like macros and anything else every lowering reads. */
  readonly globalSig: string;
  /** How host function bodies were copied (which statements the copy kept), for functions that are not device code. */
  readonly hostCopySig: string;
}

export class KernelCache {
  private entries = new Map<string, Entry>();
  private next = new Map<string, Entry>();
  private view: CacheView | undefined;
  private described = new Map<Lookup, Described | null>();
  /** What the last analysis reused and worked out, by kind (`lower`, `host`, `sync`, `model`), for tests and the benchmark. */
  stats = new Map<string, { reused: number; computed: number }>();

  /** @internal */
  count(kind: string, reused: boolean): void {
    let c = this.stats.get(kind);
    if (!c) this.stats.set(kind, (c = { reused: 0, computed: 0 }));
    if (reused) c.reused++;
    else c.computed++;
  }

  /** Starts an analysis: entries not used by it are dropped at `end`. */
  begin(view: CacheView): void {
    this.view = view;
    this.described = new Map();
    this.next = new Map();
    this.stats = new Map();
  }

  end(): void {
    this.entries = this.next;
    this.next = new Map();
    this.view = undefined;
    this.described = new Map();
  }

  clear(): void {
    this.entries.clear();
    this.next.clear();
  }

  /**
   * The lowering of `fn` under `key` (its instantiation and display name): reused, moved where it now stands, when
   * nothing it read changed; else computed by `lower` on a recording context.
   */
  lower(key: string, fn: FunctionInfo, ctx: LowerContext, lower: (ctx: LowerContext) => LoweredKernel): { lowered: LoweredKernel; handle: ModelSlot } {
    const { value, handle } = this.reuse(`lower\u0000${key}`, fn, ctx, lower);
    return { lowered: value, handle };
  }

  /**
   * Anything worked out from `fn` through a context (a lowering, a host function's launches, checks of its syntax):
   * reused, moved, when nothing it read changed; else computed on a recording context. `key` names what it is and
   * every input it takes besides the context.
   */
  reuse<T>(key: string, fn: FunctionInfo, ctx: LowerContext, compute: (ctx: LowerContext) => T): { value: T; handle: ModelSlot } {
    const view = this.view!;
    const old = this.entries.get(key);
    if (old) {
      const moved = this.validate(old, fn, view);
      if (moved) {
        try {
          const value = moved.apply(old.value) as T;
          const entry: Entry = { ...old, self: this.describeFunction(fn), lookups: this.currentLookups(old), lines: movedLines(old.lines, moved), value, models: new Map(), launches: new Map() };
          this.next.set(key, entry);
          this.count(key.slice(0, key.indexOf("\u0000")), true);
          return { value, handle: new ModelSlot(this, entry, old, moved) };
        } catch (err) {
          if (!(err instanceof OutsideRegions)) throw err;
        }
      }
    }
    const recorded = recordingContext(ctx);
    const value = compute(recorded.ctx);
    this.count(key.slice(0, key.indexOf("\u0000")), false);
    const lookups = new Map<Lookup, Described>();
    const cacheable = !recorded.wholeProgram;
    for (const l of recorded.lookups) {
      const d = this.describe(l);
      if (d) lookups.set(l, d);
      else lookups.set(l, { regions: [], sig: "absent" });
    }
    const entry: Entry = { self: this.describeFunction(fn), lookups, lines: recorded.lines, globalSig: view.globalSig, value, models: new Map(), launches: new Map() };
    if (cacheable) this.next.set(key, entry);
    return { value, handle: new ModelSlot(this, cacheable ? entry : undefined, undefined, undefined) };
  }

  /** The lookups of a reused entry described in the current text (validate checked they match). */
  private currentLookups(old: Entry): Map<Lookup, Described> {
    const out = new Map<Lookup, Described>();
    for (const l of old.lookups.keys()) out.set(l, this.describe(l) ?? { regions: [], sig: "absent" });
    return out;
  }

  /** How the entry's text moved, when everything it read is still the same; undefined otherwise. */
  private validate(e: Entry, fn: FunctionInfo, view: CacheView): Relocation | undefined {
    if (e.globalSig !== view.globalSig) return undefined;
    const regions: MovedRegion[] = [];
    const same = (was: Described, now: Described): boolean => {
      if (was.sig !== now.sig || was.regions.length !== now.regions.length) return false;
      was.regions.forEach((r, i) => regions.push({ start: r.start, end: r.end, delta: now.regions[i].start - r.start }));
      return true;
    };
    if (!same(e.self, this.describeFunction(fn))) return undefined;
    for (const [l, was] of e.lookups) if (!same(was, this.describe(l) ?? { regions: [], sig: "absent" })) return undefined;
    const moved = new Relocation(regions);
    try {
      for (const [offset, line] of e.lines) if (view.lineOf(moved.offset(offset)) !== line) return undefined;
    } catch (err) {
      if (err instanceof OutsideRegions) return undefined;
      throw err;
    }
    return moved;
  }

  private describe(l: Lookup): Described | undefined {
    if (this.described.has(l)) return this.described.get(l) ?? undefined;
    const d = this.describeUncached(l);
    this.described.set(l, d ?? null);
    return d;
  }

  private describeUncached(l: Lookup): Described | undefined {
    const prog = this.view!.prog;
    const colon = l.indexOf(":");
    const table = l.slice(0, colon);
    const name = l.slice(colon + 1);
    switch (table) {
      case "fn": {
        const list = prog.functions.get(name);
        if (!list) return undefined;
        const parts = list.map((f) => this.describeFunction(f));
        return { regions: parts.flatMap((p) => p.regions), sig: parts.map((p) => p.sig).join("\u0001") };
      }
      case "struct": {
        const n = prog.structs.get(name);
        return n ? this.regionsOf([n], "") : undefined;
      }
      case "structTemplate": {
        const n = prog.structTemplates.get(name);
        return n ? this.regionsOf([n], "") : undefined;
      }
      case "alias": {
        const a = prog.aliases.get(name);
        return a ? this.regionsOf(a.declarator ? [a.type, a.declarator] : [a.type], a.declarator ? "d" : "") : undefined;
      }
      case "enum": {
        const e = prog.enums.get(name);
        return e ? this.regionsOf(e.value ? [e.value] : [], `${e.previous ?? ""}|${e.value ? "v" : ""}`) : undefined;
      }
      case "global": {
        const g = prog.globals.get(name);
        return g ? this.regionsOf([g.decl, g.declarator], "") : undefined;
      }
      case "macro": {
        const m = prog.macros.get(name);
        return m ? { regions: [], sig: JSON.stringify(m) } : undefined;
      }
      default:
        return undefined;
    }
  }

  /** A function: its whole definition (template included), its execution space and how its body was copied. */
  private describeFunction(f: FunctionInfo): Described {
    const view = this.view!;
    const copied = f.body ? (f.body.children === null ? "skipped" : f.space === "host" && !f.hostDevice ? `host:${view.hostCopySig}` : "whole") : "none";
    return this.regionsOf([{ start: f.span.start, end: f.span.end }], `${f.space}|${f.hostDevice}|${f.template ? "t" : ""}|${copied}`);
  }

  private regionsOf(spans: readonly Span[], extra: string): Described {
    const view = this.view!;
    const text = view.prog.text;
    const parts: string[] = [extra];
    for (const s of spans) {
      parts.push(text.slice(s.start, s.end));
      for (const p of view.pragmas) if (p.at >= s.start && p.at <= s.end) parts.push(`#${p.at - s.start}:${p.factor}`);
      for (const a of view.aligns) if (a.at >= s.start && a.at <= s.end) parts.push(`@${a.at - s.start}:${a.align}`);
    }
    return { regions: spans.map((s) => ({ start: s.start, end: s.end })), sig: parts.join("\u0000") };
  }
}

/** The model of one lowering, by launch: reused (moved) from the entry the lowering came from when the key matches. */
export class ModelSlot {
  constructor(
    private readonly cache: KernelCache,
    private readonly entry: Entry | undefined,
    private readonly previous: Entry | undefined,
    private readonly moved: Relocation | undefined,
  ) {}

  /**
   * The launch of this lowering resolved from `key` (the site, the directives with their positions, every option):
   * reused as it is, since a launch with no position but its directives' does not move with the kernel.
   */
  launch(key: string, compute: () => ResolvedLaunch): ResolvedLaunch {
    const have = this.entry?.launches.get(key) ?? (this.moved ? this.previous?.launches.get(key) : undefined);
    if (have) {
      this.entry?.launches.set(key, have);
      this.cache.count("launch", true);
      return have;
    }
    const launch = compute();
    this.cache.count("launch", false);
    if (this.entry && positionFree(launch)) this.entry.launches.set(key, launch);
    return launch;
  }

  model(launchKey: string, compute: () => { result: ModelResult; quant: readonly Finding[] }): { result: ModelResult; quant: readonly Finding[] } {
    const have = this.entry?.models.get(launchKey);
    if (have) {
      this.cache.count("model", true);
      return have.got;
    }
    const old = this.previous?.models.get(launchKey);
    if (old && this.moved) {
      try {
        const moved = { got: this.moved.apply(old.got) };
        this.entry!.models.set(launchKey, moved);
        this.cache.count("model", true);
        return moved.got;
      } catch (err) {
        if (!(err instanceof OutsideRegions)) throw err;
      }
    }
    const got = compute();
    this.cache.count("model", false);
    if (this.entry && !cutByClock(got.result)) this.entry.models.set(launchKey, { got });
    return got;
  }
}

function movedLines(lines: ReadonlyMap<number, number>, moved: Relocation): Map<number, number> {
  const out = new Map<number, number>();
  for (const [offset, line] of lines) out.set(moved.offset(offset), line);
  return out;
}

/** A model whose counting stopped on the clock: another run may get further, so it is not kept. */
function cutByClock(r: ModelResult): boolean {
  const timed = (s: string): boolean => / ms budget/.test(s);
  return r.model.unknowns.some((u) => timed(u.reason)) || r.findings.some((f) => timed(f.message));
}

/**
 * The key of a resolved launch for the model: everything in it the model can read (positions aside: it reads none),
 * with maps as entry lists. Left out: the directives themselves, their problems and their environment (every numeric
 * define and file-scope constant of the file), which the launch's evaluation reads and the model does not: what they
 * decided is in the sizes, overrides, buffers and assumptions.
 */
export function launchKey(launch: ResolvedLaunch, rest: string): string {
  let key = launchKeys.get(launch);
  if (key === undefined) {
    const { env: _env, directives: _directives, problems: _problems, ...modelled } = launch;
    launchKeys.set(launch, (key = JSON.stringify(modelled, withoutPositions)));
  }
  return `${key}\u0000${rest}`;
}

/** A reused launch keeps its key. */
const launchKeys = new WeakMap<ResolvedLaunch, string>();

/** For keys: maps as entry lists, functions by kind, spans without their offsets. */
export function withoutPositions(_k: string, v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()];
  if (v instanceof Set) return [...v.values()];
  if (typeof v === "function") return "fn";
  if (v && typeof v === "object" && typeof (v as { start?: unknown }).start === "number" && typeof (v as { end?: unknown }).end === "number") {
    const { start: _s, end: _e, ...others } = v as Record<string, unknown>;
    return { ...others, span: "~" };
  }
  return v;
}

/** For keys: maps as entry lists, functions by kind. */
export function withPositions(_k: string, v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()];
  if (v instanceof Set) return [...v.values()];
  if (typeof v === "function") return "fn";
  return v;
}

/**
 * A launch whose only positions are its directives' (and problems located at them): it is the same wherever the
 * kernel stands, given the same directives at the same places. Any other span, or an offset in its text, and it is
 * not kept.
 */
function positionFree(launch: ResolvedLaunch): boolean {
  const { directives, problems, env: _env, ...rest } = launch;
  const at = directives.map((d) => d.span);
  const inDirective = (s: Span): boolean => at.some((d) => s.start >= d.start && s.end <= d.end);
  let free = true;
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (!free) return;
    if (typeof v === "string") {
      if (/(?:offset |@)\d/.test(v)) free = false;
      return;
    }
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, x] of v) { visit(k); visit(x); }
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.start === "number" && typeof o.end === "number") free = false;
    for (const x of Array.isArray(v) ? v : Object.values(o)) visit(x);
  };
  visit(rest);
  for (const p of problems) {
    if (!inDirective(p.span) || p.related?.length) free = false;
    visit(p.message);
  }
  return free;
}

/** A context whose program records every name looked up; reading the whole program marks the lowering uncacheable. */
function recordingContext(ctx: LowerContext): { ctx: LowerContext; lookups: Set<Lookup>; lines: Map<number, number>; readonly wholeProgram: boolean } {
  const lookups = new Set<Lookup>();
  const lines = new Map<number, number>();
  const state = { wholeProgram: false };
  const prog = ctx.prog;
  const table = <V>(kind: string, m: ReadonlyMap<string, V>): ReadonlyMap<string, V> => recordingMap(m, (name) => lookups.add(`${kind}:${name}` as Lookup), () => (state.wholeProgram = true));
  const whole = <T>(v: T): T => {
    state.wholeProgram = true;
    return v;
  };
  const recorded: CudaProgram = {
    text: prog.text,
    get root() { return whole(prog.root); },
    functions: table("fn", prog.functions),
    get kernels() { return whole(prog.kernels); },
    get hostFunctions() { return whole(prog.hostFunctions); },
    get instantiations() { return whole(prog.instantiations); },
    structs: table("struct", prog.structs),
    structTemplates: table("structTemplate", prog.structTemplates),
    aliases: table("alias", prog.aliases),
    enums: table("enum", prog.enums),
    globals: table("global", prog.globals),
    macros: table("macro", prog.macros),
  };
  return {
    ctx: {
      ...ctx,
      prog: recorded,
      lineOf: (offset) => {
        const line = ctx.lineOf(offset);
        lines.set(offset, line);
        return line;
      },
    },
    lookups,
    lines,
    get wholeProgram() { return state.wholeProgram; },
  };
}

function recordingMap<V>(inner: ReadonlyMap<string, V>, looked: (name: string) => void, iterated: () => void): ReadonlyMap<string, V> {
  const all = (): ReadonlyMap<string, V> => {
    iterated();
    return inner;
  };
  return {
    get: (k: string) => { looked(k); return inner.get(k); },
    has: (k: string) => { looked(k); return inner.has(k); },
    get size() { return all().size; },
    forEach: (f: (value: V, key: string, map: ReadonlyMap<string, V>) => void) => all().forEach(f),
    entries: () => all().entries(),
    keys: () => all().keys(),
    values: () => all().values(),
    [Symbol.iterator]: () => all()[Symbol.iterator](),
  } as ReadonlyMap<string, V>;
}
