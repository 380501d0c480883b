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

  /** A deep copy with every span and `headerEnd` moved; symbolic expressions and types (which hold none) are shared. */
  apply<T>(value: T): T {
    if (this.identity) return value;
    const seen = new Map<object, unknown>();
    const walk = (v: unknown): unknown => {
      if (typeof v === "string") return OFFSET_IN_TEXT.test(v) ? v.replace(OFFSETS_IN_TEXT, (_m, before: string, n: string) => `${before}${this.offset(Number(n))}`) : v;
      if (v === null || typeof v !== "object") return v;
      const done = seen.get(v);
      if (done !== undefined) return done;
      let out: unknown;
      if (Array.isArray(v)) {
        const arr: unknown[] = [];
        seen.set(v, arr);
        for (const x of v) arr.push(walk(x));
        out = arr;
      } else if (v instanceof Map) {
        const m = new Map<unknown, unknown>();
        seen.set(v, m);
        for (const [k, x] of v) m.set(walk(k), walk(x));
        out = m;
      } else if (v instanceof Set) {
        const s = new Set<unknown>();
        seen.set(v, s);
        for (const x of v) s.add(walk(x));
        out = s;
      } else if (holdsNoOffsets(v as Record<string, unknown>)) {
        out = v;
      } else {
        const o = v as Record<string, unknown>;
        const copy: Record<string, unknown> = {};
        seen.set(v, copy);
        const span = typeof o.start === "number" && typeof o.end === "number";
        const delta = span ? this.deltaOf(o.start as number, o.end as number) : 0;
        for (const key of Object.keys(o)) {
          const x = o[key];
          if (span && (key === "start" || key === "end")) copy[key] = (x as number) + delta;
          else if (key === "headerEnd" && typeof x === "number") copy[key] = this.offset(x);
          else copy[key] = walk(x);
        }
        out = copy;
      }
      return out;
    };
    return walk(value) as T;
  }
}

/** An offset written into text: `offset 2084`, `struct@812`. */
const OFFSET_IN_TEXT = /(?:offset |@)\d/;
const OFFSETS_IN_TEXT = /(offset |@)(\d+)/g;

const EXPRESSION_KINDS = new Set(["const", "var", "bin", "un", "scalar", "vector", "fragment", "group", "void"]);

/** Symbolic expressions (VExpr) and scalar, vector and opaque C types: no offsets inside, shared rather than copied. */
function holdsNoOffsets(o: Record<string, unknown>): boolean {
  const k = o.k;
  if (typeof k !== "string") return false;
  if (k === "call") return "fn" in o && "args" in o && !("body" in o);
  return EXPRESSION_KINDS.has(k) && !("span" in o) && !("body" in o);
}
