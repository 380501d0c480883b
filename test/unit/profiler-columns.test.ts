// Tests the Profiler's column choices without a browser: prefs made whole, moves, hiding, widths, and which columns fit a width.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check } from "../../server/src/core/validation";
import {
  columnPrefsChecker,
  defaultOrder,
  defaultPrefs,
  defaultWidthsEm,
  fitColumns,
  moveColumn,
  normalizePrefs,
  setHidden,
  setWidth,
  widthOf,
  type ColumnPrefs,
} from "../../webview/src/profiler/columns";
import type { ColumnId } from "../../webview/src/profiler/model";

const em = 13;
const px = (id: ColumnId): number => Math.round(defaultWidthsEm[id] * em);

describe("Profiler columns", () => {
  it("puts what a person asks first at the front of the default order, Kernel first", () => {
    assert.deepEqual(defaultOrder.slice(0, 5), ["kernel", "median", "predicted", "error", "status"]);
    assert.equal(new Set(defaultOrder).size, 12);
  });

  it("makes saved prefs whole: Kernel first, every column once, a column new to them where the default has it", () => {
    // Saved by a version without "roof" and with a duplicate, Kernel moved and hidden, a width out of bounds.
    const saved = { order: ["median", "kernel", "status", "median", "started"], hidden: ["kernel", "status", "status"], widths: { median: 5, started: 120 } } as unknown as ColumnPrefs;
    const prefs = normalizePrefs(saved);
    assert.equal(prefs.order[0], "kernel");
    assert.deepEqual(prefs.order.slice(0, 4), ["kernel", "median", "predicted", "error"]);
    assert.equal(new Set(prefs.order).size, 12);
    assert.ok(prefs.order.indexOf("roof") === prefs.order.indexOf("adapter") + 1, "roof lands after adapter, as by default");
    assert.ok(prefs.order.indexOf("status") < prefs.order.indexOf("started"), "the saved relative order is kept");
    assert.deepEqual(prefs.hidden, ["status"]);
    assert.deepEqual(prefs.widths, { median: 40, started: 120 });
    assert.deepEqual(normalizePrefs(undefined), { ...defaultPrefs, order: [...defaultOrder] });
  });

  it("moves a column one place at a time, never before Kernel or past the end, and hides any column but Kernel", () => {
    let prefs = normalizePrefs(undefined);
    prefs = moveColumn(prefs, "started", -1);
    assert.deepEqual(prefs.order.slice(-2), ["started", "spread"]);
    assert.equal(moveColumn(prefs, "median", -1), prefs, "Median cannot pass Kernel");
    assert.equal(moveColumn(prefs, "kernel", 1), prefs, "Kernel does not move");
    assert.equal(moveColumn(prefs, "spread", 1), prefs, "the last column stays last");
    prefs = setHidden(setHidden(prefs, "error", true), "kernel", true);
    assert.deepEqual(prefs.hidden, ["error"]);
    assert.deepEqual(setHidden(prefs, "error", false).hidden, []);
    assert.equal(setWidth(prefs, "median", 10_000).widths.median, 1200);
    assert.equal(widthOf(setWidth(prefs, "median", 99.6), "median", em), 100);
    assert.equal(widthOf(prefs, "status", em), px("status"));
  });

  it("fits the columns to a width in priority order, narrowing the first that does not fit when enough room is left", () => {
    const prefs = normalizePrefs(undefined);
    const firstFive = px("kernel") + px("median") + px("predicted") + px("error") + px("status");
    // Exactly room for five: the sixth (Variant) and every later one give way.
    const five = fitColumns(prefs, firstFive, em);
    assert.deepEqual(five.shown, ["kernel", "median", "predicted", "error", "status"]);
    assert.deepEqual(five.dropped, defaultOrder.slice(5));
    assert.deepEqual(five.narrowed, {});
    // Half of Status's room left: it still shows, narrowed to what is left.
    const squeezed = fitColumns(prefs, firstFive - Math.floor(px("status") / 2), em);
    assert.deepEqual(squeezed.shown.at(-1), "status");
    assert.equal(squeezed.narrowed.status, Math.ceil(px("status") / 2));
    // Too little for it: dropped, and nothing after it shows even if narrower (priority is an order, not a packing).
    const tight = fitColumns(prefs, px("kernel") + px("median") + 20, em);
    assert.deepEqual(tight.shown, ["kernel", "median"]);
    assert.equal(tight.dropped[0], "predicted");
    // Kernel shows however narrow the view; hidden columns are neither shown nor counted as dropped.
    assert.deepEqual(fitColumns(prefs, 10, em).shown, ["kernel"]);
    const hidden = fitColumns(setHidden(prefs, "median", true), null, em);
    assert.equal(hidden.shown.includes("median"), false);
    assert.deepEqual(hidden.dropped, []);
    assert.equal(hidden.shown.length, 11, "with no width limit (the editor tab) every visible column shows");
  });

  it("checks saved prefs: unknown columns and widths out of bounds are refused", () => {
    assert.equal(check(columnPrefsChecker, { order: ["kernel"], hidden: [], widths: {} }).ok, true);
    assert.equal(check(columnPrefsChecker, { order: ["kernel", "bogus"], hidden: [], widths: {} }).ok, false);
    assert.equal(check(columnPrefsChecker, { order: [], hidden: [], widths: { median: -5 } }).ok, false);
    assert.equal(check(columnPrefsChecker, { order: [], hidden: [], widths: { median: Number.NaN } }).ok, false);
  });
});
