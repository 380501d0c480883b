// A small, dependency-free toolkit for checking untrusted messages against their declared types: a schema is written
// once, declaratively, from the checkers below, and every message is checked against it on receipt.
//
// Every boundary that receives messages uses it: both sides of every panel (the page checks what the host posts, the
// host checks what the page posts, and the page checks the state VS Code hands back after a reload, which may come
// from an older version of the page), and both sides of the GPU helper's IPC channel (server/src/gpu/ipc.ts).
// Checkers never throw on bad input; they return a short sentence saying what was wrong and where, so a caller can
// ignore the message and report the problem. Pure: the core, the client, the CLI and the pages all import it.

/**
 * Checks that a value is a T. Returns undefined when it is, otherwise a short sentence naming the path and the
 * problem. `_type` is never set: it only carries T, so that `object()` can check at compile time that each field's
 * checker describes that field's type.
 */
export type Checker<T> = ((value: unknown, path: string) => string | undefined) & { readonly _type?: T };

/** The type a checker accepts. */
export type Checked<C> = C extends Checker<infer T> ? T : never;

export type CheckResult<T> = { ok: true; value: T } | { ok: false; detail: string };

/** Longest text a problem description quotes from the value itself, so a huge string is never echoed back. */
const quoteLimit = 40;

/** A plain object (not null, not an array): the shape every message and every field group must have. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function hasString<K extends string>(value: unknown, key: K): value is Record<K, string> {
  return isObject(value) && typeof value[key] === "string";
}

export function hasNumber<K extends string>(value: unknown, key: K): value is Record<K, number> {
  return isObject(value) && typeof value[key] === "number" && Number.isFinite(value[key]);
}

export function hasBoolean<K extends string>(value: unknown, key: K): value is Record<K, boolean> {
  return isObject(value) && typeof value[key] === "boolean";
}

export function hasArray<K extends string>(value: unknown, key: K): value is Record<K, unknown[]> {
  return isObject(value) && Array.isArray(value[key]);
}

/** Describes a value for a problem sentence without quoting more than a few characters of it. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case "string":
      return value.length <= quoteLimit ? JSON.stringify(value) : `a string of ${value.length} characters`;
    case "number":
      return Number.isFinite(value) ? String(value) : `the number ${String(value)}`;
    case "boolean":
      return String(value);
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}

function checker<T>(fn: (value: unknown, path: string) => string | undefined): Checker<T> {
  return fn as Checker<T>;
}

/** A problem at `path`: "path: text", or the text alone at an unnamed root (""). */
function at(path: string, text: string): string {
  return path === "" ? text : `${path}: ${text}`;
}

/** The path of a field: "path.key", or the key alone at an unnamed root (""). */
function fieldPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

export interface StringOptions {
  /** Upper bound on length: every string from the other side must have one, so a huge value cannot stall the page. */
  maxLength: number;
  minLength?: number;
  pattern?: RegExp;
}

export function string(options: StringOptions): Checker<string> {
  return checker((value, path) => {
    if (typeof value !== "string") return at(path, `expected a string, got ${describe(value)}`);
    if (value.length > options.maxLength) {
      return at(path, `a string of ${value.length} characters is longer than the limit of ${options.maxLength}`);
    }
    if (options.minLength !== undefined && value.length < options.minLength) {
      return at(path, `expected at least ${options.minLength} characters, got ${value.length}`);
    }
    if (options.pattern && !options.pattern.test(value)) return at(path, `${describe(value)} has the wrong form`);
    return undefined;
  });
}

export interface NumberOptions {
  min?: number;
  max?: number;
  /** An exclusive lower bound: `above: 0` for a positive number. */
  above?: number;
}

/** A finite number (NaN and infinities cannot cross JSON anyway, but structured clone lets them through). */
export function number(options: NumberOptions = {}): Checker<number> {
  return checker((value, path) => {
    if (typeof value !== "number" || !Number.isFinite(value)) return at(path, `expected a number, got ${describe(value)}`);
    return rangeProblem(value, path, options);
  });
}

export function integer(options: NumberOptions = {}): Checker<number> {
  return checker((value, path) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      return at(path, `expected an integer, got ${describe(value)}`);
    }
    return rangeProblem(value, path, options);
  });
}

function rangeProblem(value: number, path: string, options: NumberOptions): string | undefined {
  if (options.min !== undefined && value < options.min) return at(path, `${value} is below the minimum ${options.min}`);
  if (options.above !== undefined && !(value > options.above)) return at(path, `${value} is not above ${options.above}`);
  if (options.max !== undefined && value > options.max) return at(path, `${value} is above the maximum ${options.max}`);
  return undefined;
}

export function boolean(): Checker<boolean> {
  return checker((value, path) => (typeof value === "boolean" ? undefined : at(path, `expected true or false, got ${describe(value)}`)));
}

export function literal<const L extends string | number | boolean>(expected: L): Checker<L> {
  return checker((value, path) =>
    value === expected ? undefined : at(path, `expected ${JSON.stringify(expected)}, got ${describe(value)}`),
  );
}

/** One of a fixed set of strings (an enum-like union such as a shader stage). */
export function oneOf<const L extends readonly string[]>(...allowed: L): Checker<L[number]> {
  const list = allowed.map((a) => JSON.stringify(a)).join(", ");
  return checker((value, path) =>
    typeof value === "string" && allowed.includes(value) ? undefined : at(path, `expected one of ${list}, got ${describe(value)}`),
  );
}

export function nullable<T>(inner: Checker<T>): Checker<T | null> {
  return checker((value, path) => (value === null ? undefined : inner(value, path)));
}

/** A field that may be absent (or undefined); present values must pass `inner`. */
export function optional<T>(inner: Checker<T>): Checker<T | undefined> {
  return checker((value, path) => (value === undefined ? undefined : inner(value, path)));
}

export interface ArrayOptions {
  /** Upper bound on the element count, for the same reason strings have one. */
  maxLength: number;
  /**
   * Names an element after its index in its problems, the element's own problem following the name with paths
   * relative to it: `buffers[0] (x): kind must be one of ...`. Without a name (or a label) the index stands alone.
   */
  label?: (element: unknown) => string | undefined;
}

export function arrayOf<T>(element: Checker<T>, options: ArrayOptions): Checker<T[]> {
  const { label } = options;
  return checker((value, path) => {
    if (!Array.isArray(value)) return at(path, `expected an array, got ${describe(value)}`);
    if (value.length > options.maxLength) {
      return at(path, `an array of ${value.length} is longer than the limit of ${options.maxLength}`);
    }
    for (let i = 0; i < value.length; i++) {
      if (!label) {
        const problem = element(value[i], `${path}[${i}]`);
        if (problem !== undefined) return problem;
        continue;
      }
      const problem = element(value[i], "");
      if (problem === undefined) continue;
      const name = label(value[i]);
      return `${path}[${i}]${name === undefined ? "" : ` (${name})`}: ${problem}`;
    }
    return undefined;
  });
}

/** An object used as a map (`Record<string, T>`): every own enumerable value must pass `entry`. */
export function recordOf<T>(entry: Checker<T>, options: { maxEntries: number }): Checker<Record<string, T>> {
  return checker((value, path) => {
    if (!isObject(value)) return at(path, `expected an object, got ${describe(value)}`);
    const entries = Object.entries(value);
    if (entries.length > options.maxEntries) return at(path, `${entries.length} entries are more than the limit of ${options.maxEntries}`);
    for (const [key, v] of entries) {
      const problem = entry(v, fieldPath(path, key));
      if (problem !== undefined) return problem;
    }
    return undefined;
  });
}

/** An instance of a class that structured clone carries intact, such as the ArrayBuffers of a GPU helper message. */
export function instanceOf<T>(type: abstract new (...args: never[]) => T, name: string): Checker<T> {
  return checker((value, path) => (value instanceof type ? undefined : at(path, `expected ${name}, got ${describe(value)}`)));
}

/** Any value at all: for a field the receiver does not rely on, so that checking it would only turn messages away. */
export function unchecked<T>(): Checker<T> {
  return checker(() => undefined);
}

/**
 * `inner` with the problem said in words instead of by its own sentence: `path reason`, e.g. "request.repeat must be
 * a positive integer", or the reason alone at an unnamed root.
 */
export function withReason<T>(inner: Checker<T>, reason: string): Checker<T> {
  return checker((value, path) => (inner(value, path) === undefined ? undefined : path === "" ? reason : `${path} ${reason}`));
}

/** A fixed-length array whose elements each have their own checker, such as `[x, y, z]`. */
export function tuple<T extends unknown[]>(...elements: { [K in keyof T]: Checker<T[K]> }): Checker<T> {
  return checker((value, path) => {
    if (!Array.isArray(value)) return at(path, `expected an array, got ${describe(value)}`);
    if (value.length !== elements.length) return at(path, `expected ${elements.length} elements, got ${value.length}`);
    for (let i = 0; i < elements.length; i++) {
      const problem = (elements[i] as Checker<unknown>)(value[i], `${path}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  });
}

/** Every field of T must be listed with a checker for its type; fields the value has beyond those are ignored. */
export type Fields<T> = { [K in keyof T]-?: Checker<T[K]> };

export function object<T extends object>(fields: Fields<T>): Checker<T> {
  const entries = Object.entries(fields) as [string, Checker<unknown>][];
  return checker((value, path) => {
    if (!isObject(value)) return at(path, `expected an object, got ${describe(value)}`);
    for (const [key, check] of entries) {
      // Own properties only: a field inherited from Object.prototype (`constructor`, `toString`) is not data.
      const field = Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
      const problem = check(field, fieldPath(path, key));
      if (problem !== undefined) return problem;
    }
    return undefined;
  });
}

/** A discriminating field's value: a string, or a boolean (`ok: true | false` answers). */
type Tag = string | boolean;

/** The members of the union U whose `K` field is the tag written `T` (`"true"` for true). */
type Variant<U, K extends keyof U, T extends string> = U extends unknown ? (`${U[K] & Tag}` extends T ? U : never) : never;

/** The checkers of a union discriminated by its field `K`, one per tag value: a missing variant is a compile error. */
export type VariantsBy<K extends string, U extends { readonly [P in K]: Tag }> = { [T in `${U[K]}`]: Checker<Variant<U, K, T>> };

/** The checkers of a tagged union, one per value of its `type` field. */
export type Variants<U extends { type: string }> = VariantsBy<"type", U>;

/** A union discriminated by the field `key`: the tag picks the variant's checker, which then checks the whole value. */
export function discriminated<K extends string, U extends { readonly [P in K]: Tag }>(key: K, variants: VariantsBy<K, U>): Checker<U> {
  const table = variants as Record<string, Checker<unknown>>;
  const list = Object.keys(table)
    .map((n) => (n === "true" || n === "false" ? n : JSON.stringify(n)))
    .join(", ");
  return checker((value, path) => {
    if (!isObject(value)) return at(path, `expected an object, got ${describe(value)}`);
    const tag = Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
    const name = typeof tag === "string" || typeof tag === "boolean" ? String(tag) : undefined;
    if (name === undefined || !Object.prototype.hasOwnProperty.call(table, name)) {
      return at(fieldPath(path, key), `expected one of ${list}, got ${describe(tag)}`);
    }
    return table[name]!(value, path);
  });
}

/** A union discriminated by a string `type` field, the shape of every message in KernelLens. */
export function taggedUnion<U extends { type: string }>(variants: Variants<U>): Checker<U> {
  return discriminated<"type", U>("type", variants);
}

/** Runs a checker; `root` names the value in the problem sentence ("message.data.kernels[2].name: ..."). */
export function check<T>(checker: Checker<T>, value: unknown, root = "message"): CheckResult<T> {
  let problem: string | undefined;
  try {
    problem = checker(value, root);
  } catch (err) {
    // Checkers do not throw, but a getter on a hostile object could: treat that as one more invalid value.
    problem = `${root}: could not be read (${err instanceof Error ? err.message : String(err)})`;
  }
  return problem === undefined ? { ok: true, value: value as T } : { ok: false, detail: problem };
}

export function is<T>(checker: Checker<T>, value: unknown): value is T {
  return check(checker, value).ok;
}

/** Ends an exhaustive switch over a union: adding a variant without handling it is then a compile error. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unhandled ${what}: ${describe(value)}`);
}
