// Moves a cached result (a kernel's IR, its model) to where its text now stands: an edit above a kernel shifts every
// offset of it without changing a character of it, so what was worked out for it still holds, a fixed distance away.
//
// Offsets are spans (`{ start, end }` objects), a loop's `headerEnd`, and offsets written into text (the model's
// `the loop at offset 2084`, the lowering's `struct@812` for an anonymous struct). Each moved region (the kernel, a
// device function it calls, a struct it uses) has its own shift; an offset outside every region means the result
// read text the cache does not know about, and it is not reused.

/** A region of the old analysed text and how far it moved. */
export interface MovedRegion {
  readonly start: number;
  readonly end: number;
  readonly delta: number;
}

/** Thrown (and caught by the cache) when an offset lies in no moved region. */
export class OutsideRegions extends Error {}

export class Relocation {
  constructor(private readonly regions: readonly MovedRegion[]) {}

  /** Nothing moved: results can be shared as they are. */
  get identity(): boolean {
    return this.regions.every((r) => r.delta === 0);
  }

  /** The new offset of an old one (a span's start and end use the same region: pass both). */
  private deltaOf(start: number, end: number): number {
    for (const r of this.regions) if (start >= r.start && end <= r.end) return r.delta;
    throw new OutsideRegions(`offset ${start}-${end} lies in no region the result depends on`);
  }

  offset(x: number): number {
    return x + this.deltaOf(x, x);
  }

  /**
   * A copy with every span, `headerEnd` and offset in text moved. Only what holds an offset is copied: everything
   * else (symbolic expressions, types, numbers of the model) is shared, and remembered as holding none, so the next
   * move of the same result skips it at once.
   */
  apply<T>(value: T): T {
    if (this.identity) return value;
    const seen = new Map<object, { out: unknown; holds: boolean }>();
    /** Whether the value `walk` last returned holds an offset (moved or not). */
    let holds = false;
    const walk = (v: unknown): unknown => {
      if (typeof v === "string") {
        holds = OFFSET_IN_TEXT.test(v);
        const moved = holds ? v.replace(OFFSETS_IN_TEXT, (_m, before: string, n: string) => `${before}${this.offset(Number(n))}`) : v;
        // Something else that may be an offset: the result is worked out again rather than guessed at.
        if (MAYBE_OFFSET.test(v) && MAYBE_OFFSET.test(v.replace(OFFSETS_IN_TEXT, ""))) throw new OutsideRegions(`text that may name an offset: '${v.slice(0, 80)}'`);
        return moved;
      }
      if (v === null || typeof v !== "object" || inert.has(v)) {
        holds = false;
        return v;
      }
      const done = seen.get(v);
      if (done) {
        holds = done.holds;
        return done.out;
      }
      // Until it is walked (a cycle), it counts as holding offsets and stays as it is.
      seen.set(v, { out: v, holds: true });
      let out: unknown = v;
      let any = false;
      if (Array.isArray(v)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < v.length; i++) {
          const x = v[i] as unknown;
          const y = walk(x);
          any ||= holds;
          if (y !== x) (copy ??= v.slice())[i] = y;
        }
        out = copy ?? v;
      } else if (v instanceof Map) {
        let changed = false;
        const entries: [unknown, unknown][] = [];
        for (const [k, x] of v) {
          const k2 = walk(k);
          any ||= holds;
          const y = walk(x);
          any ||= holds;
          changed ||= k2 !== k || y !== x;
          entries.push([k2, y]);
        }
        out = changed ? new Map(entries) : v;
      } else if (v instanceof Set) {
        let changed = false;
        const items: unknown[] = [];
        for (const x of v) {
          const y = walk(x);
          any ||= holds;
          changed ||= y !== x;
          items.push(y);
        }
        out = changed ? new Set(items) : v;
      } else if (!holdsNoOffsets(v as Record<string, unknown>)) {
        const o = v as Record<string, unknown>;
        const span = typeof o.start === "number" && typeof o.end === "number";
        const delta = span ? this.deltaOf(o.start as number, o.end as number) : 0;
        any = span || typeof o.headerEnd === "number";
        let copy: Record<string, unknown> | undefined;
        for (const key of Object.keys(o)) {
          const x = o[key];
          let y: unknown;
          if (span && (key === "start" || key === "end")) y = (x as number) + delta;
          else if (key === "headerEnd" && typeof x === "number") y = this.offset(x);
          else {
            y = walk(x);
            any ||= holds;
          }
          if (y !== x) (copy ??= { ...o })[key] = y;
        }
        out = copy ?? v;
      }
      if (!any) inert.add(v);
      seen.set(v, { out, holds: any });
      holds = any;
      return out;
    };
    return walk(value) as T;
  }
}

/** Objects known to hold no offset: shared by every move of a result that contains them, and skipped at once. */
const inert = new WeakSet<object>();

/** An offset written into text: the model's `the loop at offset 2084`, the lowering's `struct@812`. */
const OFFSET_IN_TEXT = /(?:loop at offset |struct@)\d/;
const OFFSETS_IN_TEXT = /(loop at offset |struct@)(\d+)/g;
/** Any other text that looks like one (`offset 16`, `name@40`). */
const MAYBE_OFFSET = /(?:offset |@)\d/;

const EXPRESSION_KINDS = new Set(["const", "var", "bin", "un", "scalar", "vector", "fragment", "group", "void"]);

/** Symbolic expressions (VExpr) and scalar, vector and opaque C types: no offsets inside, shared rather than copied. */
function holdsNoOffsets(o: Record<string, unknown>): boolean {
  const k = o.k;
  if (typeof k !== "string") return false;
  if (k === "call") return "fn" in o && "args" in o && !("body" in o);
  return EXPRESSION_KINDS.has(k) && !("span" in o) && !("body" in o);
}
