// Unit tests for the message checkers (server/src/core/validation.ts) every message boundary uses: the pages, the
// panel hosts and the GPU helper's IPC channel. A malformed message is refused with one sentence naming where and why.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  arrayOf,
  boolean,
  check,
  discriminated,
  instanceOf,
  integer,
  is,
  isObject,
  literal,
  nullable,
  number,
  object,
  oneOf,
  optional,
  recordOf,
  string,
  taggedUnion,
  tuple,
  unchecked,
  withReason,
  type Checker,
} from "../../server/src/core/validation";

/** The reason a value is refused (fails the test when it is accepted). */
function reason<T>(checker: Checker<T>, value: unknown, root?: string): string {
  const checked = check(checker, value, root);
  if (checked.ok) assert.fail(`expected ${String(value)} to be refused`);
  return checked.detail;
}

type Message = { type: "ping"; id: number } | { type: "resize"; id: number; size: [number, number]; label: string | null; note?: string };

const message = taggedUnion<Message>({
  ping: object({ type: literal("ping"), id: integer({ min: 0 }) }),
  resize: object({
    type: literal("resize"),
    id: integer({ min: 0 }),
    size: tuple(integer({ min: 1 }), integer({ min: 1 })),
    label: nullable(string({ maxLength: 8 })),
    note: optional(string({ maxLength: 100 })),
  }),
});

describe("checking a message against its schema", () => {
  it("accepts well-formed messages, extra fields included, and hands back the same value", () => {
    const ok = { type: "resize", id: 1, size: [2, 3], label: null, extra: true };
    const checked = check(message, ok);
    assert.ok(checked.ok);
    assert.equal(checked.value, ok);
    assert.ok(is(message, { type: "ping", id: 0 }));
  });

  it("refuses a malformed message with the path and the reason", () => {
    assert.equal(reason(message, null), "message: expected an object, got null");
    assert.equal(reason(message, [1]), "message: expected an object, got an array of 1");
    assert.equal(reason(message, { type: "pong", id: 1 }), 'message.type: expected one of "ping", "resize", got "pong"');
    assert.equal(reason(message, { id: 1 }), 'message.type: expected one of "ping", "resize", got nothing');
    assert.equal(reason(message, { type: "ping", id: -1 }), "message.id: -1 is below the minimum 0");
    assert.equal(reason(message, { type: "ping", id: 1.5 }), "message.id: expected an integer, got 1.5");
    assert.equal(reason(message, { type: "resize", id: 1, size: [2], label: null }), "message.size: expected 2 elements, got 1");
    assert.equal(reason(message, { type: "resize", id: 1, size: [2, 0], label: null }), "message.size[1]: 0 is below the minimum 1");
    assert.equal(reason(message, { type: "resize", id: 1, size: [2, 3], label: "x".repeat(9) }), "message.label: a string of 9 characters is longer than the limit of 8");
    assert.equal(reason(message, { type: "resize", id: 1, size: [2, 3], label: null, note: 5 }), "message.note: expected a string, got 5");
  });

  it("names the value by the root it is given, and never quotes much of it", () => {
    assert.equal(reason(string({ maxLength: 5 }), "y".repeat(1000), "state.name"), "state.name: a string of 1000 characters is longer than the limit of 5");
    assert.equal(reason(oneOf("a", "b"), "z".repeat(100), "kind"), 'kind: expected one of "a", "b", got a string of 100 characters');
  });

  it("reads own fields only, and turns a throwing getter into one more reason", () => {
    assert.equal(reason(object({ toString: unchecked<unknown>(), n: number() }), {}), "message.n: expected a number, got nothing");
    const hostile = Object.defineProperty({}, "id", { enumerable: true, get: () => { throw new Error("boom"); } });
    assert.equal(reason(object({ id: number() }), hostile), "message: could not be read (boom)");
  });

  it("discriminates a union by any field, booleans included", () => {
    type Answer = { ok: true; value: number } | { ok: false; error: string };
    const answer = discriminated<"ok", Answer>("ok", {
      true: object({ ok: literal(true), value: number() }),
      false: object({ ok: literal(false), error: string({ maxLength: 100 }) }),
    });
    assert.ok(is(answer, { ok: true, value: 1 }));
    assert.ok(is(answer, { ok: false, error: "no" }));
    assert.equal(reason(answer, { ok: "yes" }, "answer"), 'answer.ok: expected one of true, false, got "yes"');
    assert.equal(reason(answer, { ok: "true", value: 1 }, "answer"), 'answer.ok: expected true, got "true"');
    assert.equal(reason(answer, { ok: false }, "answer"), "answer.error: expected a string, got nothing");
  });

  it("checks maps, class instances and exclusive bounds; leaves unchecked fields alone", () => {
    const outputs = recordOf(instanceOf(ArrayBuffer, "an ArrayBuffer"), { maxEntries: 2 });
    assert.ok(is(outputs, { a: new ArrayBuffer(4) }));
    assert.equal(reason(outputs, { a: new ArrayBuffer(4), b: [1] }, "outputs"), "outputs.b: expected an ArrayBuffer, got an array of 1");
    assert.equal(reason(outputs, { a: 1, b: 2, c: 3 }, "outputs"), "outputs: 3 entries are more than the limit of 2");
    assert.equal(reason(number({ above: 0 }), 0, "timeoutMs"), "timeoutMs: 0 is not above 0");
    assert.equal(reason(number(), Number.NaN, "x"), "x: expected a number, got the number NaN");
    assert.ok(is(object({ anything: unchecked<unknown>(), flag: boolean() }), { anything: Symbol("s"), flag: false }));
  });

  it("says a rule in words where that is clearer, and names array elements by a label", () => {
    const repeat = withReason(integer({ min: 1 }), "must be a positive integer");
    assert.equal(reason(object({ repeat }), { repeat: 0 }, "request"), "request.repeat must be a positive integer");
    assert.equal(reason(repeat, 0, ""), "must be a positive integer");
    const buffers = arrayOf(object({ name: string({ maxLength: 10 }), size: integer({ min: 1 }) }), {
      maxLength: 4,
      label: (b) => (isObject(b) && typeof b.name === "string" ? b.name : undefined),
    });
    assert.equal(reason(buffers, [{ name: "x", size: 1 }, { name: "y", size: 0 }], "buffers"), "buffers[1] (y): size: 0 is below the minimum 1");
    assert.equal(reason(buffers, [7], "buffers"), "buffers[0]: expected an object, got 7");
    assert.equal(reason(buffers, [{}, {}, {}, {}, {}], "buffers"), "buffers: an array of 5 is longer than the limit of 4");
    // Without a label, the element's problem carries its full path.
    assert.equal(reason(arrayOf(integer(), { maxLength: 3 }), [1, "2"], "xs"), 'xs[1]: expected an integer, got "2"');
  });

  it("isObject is true for plain objects only", () => {
    assert.equal(isObject({}), true);
    assert.equal(isObject(null), false);
    assert.equal(isObject([]), false);
    assert.equal(isObject("x"), false);
  });
});
