// Tests the Roofline chart's pure layout: label placement (rotated boxes, shortening, dropping), tick thinning, tooltip placement.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { overlaps, placeLabels, quadOf, roofCost, thinTicks, type Candidate, type LabelRequest } from "../../webview/src/roofline/labelPlacement";
import { placeTooltip, tooltipOffset, viewportMargin } from "../../webview/src/roofline/tooltipPlacement";
import { chartSplits, tickLabel } from "../../webview/src/roofline/geometry";

const bounds = { left: 0, top: 0, right: 400, bottom: 300 };
const noObstacles = { points: [], lines: [] };

function at(x: number, y: number, width: number, text = 0, angle = 0): Candidate {
  return { text, width, height: 14, x, y, angle, dx: 0, dy: 0 };
}

function request(key: string, candidates: Candidate[], extra: Partial<LabelRequest> = {}): LabelRequest {
  return { key, candidates, maxCost: Infinity, ...extra };
}

describe("label placement", () => {
  it("turns a rectangle about its anchor: a 30° label's far corner is where trigonometry puts it", () => {
    const [a, b, c, d] = quadOf({ text: 0, width: 100, height: 10, x: 50, y: 60, angle: 30, dx: 0, dy: -10 });
    const rad = Math.PI / 6;
    assert.deepEqual([a.x, a.y].map((v) => Math.round(v * 1000) / 1000), [50 + 10 * Math.sin(rad), 60 - 10 * Math.cos(rad)].map((v) => Math.round(v * 1000) / 1000));
    assert.ok(Math.abs(b.x - (a.x + 100 * Math.cos(rad))) < 1e-9 && Math.abs(b.y - (a.y + 100 * Math.sin(rad))) < 1e-9);
    assert.ok(Math.abs(c.x - (50 + 100 * Math.cos(rad))) < 1e-9 && Math.abs(d.x - 50) < 1e-9 && Math.abs(d.y - 60) < 1e-9);
  });

  it("tells parallel rotated labels apart, which their bounding boxes would not", () => {
    const lower = quadOf({ ...at(100, 200, 120), angle: -45 });
    const upper = quadOf({ ...at(125, 200, 120), angle: -45 });
    const boxesMeet = Math.max(...lower.map((p) => p.x)) > Math.min(...upper.map((p) => p.x)) && Math.min(...lower.map((p) => p.y)) < Math.max(...upper.map((p) => p.y));
    assert.ok(boxesMeet, "their axis-aligned boxes overlap");
    assert.equal(overlaps(lower, upper), false, "the labels themselves do not");
    assert.equal(overlaps(lower, quadOf({ ...at(105, 200, 120), angle: -45 })), true);
  });

  it("moves a label to its next place when the first would overlap one already placed, and keeps a gap", () => {
    const placed = placeLabels([request("a", [at(10, 10, 100)]), request("b", [at(60, 12, 100), at(10, 27, 100)])], bounds, noObstacles);
    assert.deepEqual(
      placed.map((p) => [p.key, p.candidate.x, p.candidate.y]),
      [
        ["a", 10, 10],
        ["b", 10, 27],
      ],
    );
    // Touching (1 px apart) counts as overlapping: labels keep a gap of 2 px.
    const touching = placeLabels([request("a", [at(10, 10, 100)]), request("b", [at(10, 25, 100)])], bounds, noObstacles);
    assert.deepEqual(touching.map((p) => p.key), ["a"], "a label with no free place is dropped");
  });

  it("keeps labels inside the bounds", () => {
    const placed = placeLabels([request("a", [at(350, 10, 100), at(290, 10, 100)])], bounds, noObstacles);
    assert.equal(placed[0]!.candidate.x, 290);
  });

  it("shortens a label before crossing a roof with it, and drops a kernel name rather than cover another point", () => {
    const roof = { a: { x: 0, y: 20 }, b: { x: 400, y: 20 }, cost: roofCost };
    // The long text fits only across the roof; the short one fits clear of it.
    const roofLabel = request("roof", [at(10, 13, 200, 0), at(10, 30, 60, 1)]);
    assert.equal(placeLabels([roofLabel], bounds, { points: [], lines: [roof] })[0]!.candidate.text, 1);
    // With no shorter text, it still goes somewhere: a roof must have its label.
    assert.equal(placeLabels([request("roof", [at(10, 13, 200, 0)])], bounds, { points: [], lines: [roof] })[0]!.candidate.text, 0);

    const point = { left: 48, top: 48, right: 56, bottom: 56 };
    const name = request("name", [at(40, 45, 80)], { maxCost: 9 });
    assert.deepEqual(placeLabels([name], bounds, { points: [point], lines: [] }), [], "a name over another kernel's point is left to the tooltip");
    assert.equal(placeLabels([request("name", [at(40, 45, 80)], { maxCost: 9, ownPoint: 0 })], bounds, { points: [point], lines: [] }).length, 1, "its own point does not count");
    // A roof's label over a cloud of points keeps its whole text (every text would cover points), at its clearest place.
    const cloud = [point, { left: 148, top: 48, right: 156, bottom: 56 }, { left: 160, top: 48, right: 168, bottom: 56 }];
    const overCloud = placeLabels([request("roof", [at(140, 45, 60, 0), at(40, 45, 60, 0), at(40, 45, 20, 1)], { coversPoints: true })], bounds, { points: cloud, lines: [] });
    assert.deepEqual([overCloud[0]!.candidate.text, overCloud[0]!.candidate.x], [0, 40]);
  });

  it("places a crowd of names without any two overlapping", () => {
    // Twenty points along a short diagonal, each with eight places around it.
    const requests = Array.from({ length: 20 }, (_, i) => {
      const x = 40 + i * 15;
      const y = 280 - i * 12;
      const w = 70;
      const places: [number, number][] = [
        [7, -7],
        [-7 - w, -7],
        [-w / 2, -21],
        [-w / 2, 7],
      ];
      return request(
        `p${i}`,
        places.map(([dx, dy]) => ({ ...at(x, y, w), dx, dy })),
        { maxCost: 9, ownPoint: i },
      );
    });
    const points = requests.map((_, i) => ({ left: 40 + i * 15 - 4, top: 280 - i * 12 - 4, right: 40 + i * 15 + 4, bottom: 280 - i * 12 + 4 }));
    const placed = placeLabels(requests, bounds, { points, lines: [] });
    assert.ok(placed.length >= 5 && placed.length < 20, `some fit, not all: ${placed.length}`);
    for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) assert.equal(overlaps(placed[i]!.quad, placed[j]!.quad), false);
  });
});

describe("tick thinning", () => {
  it("keeps every label with room, and every other decade when they would touch", () => {
    const spans = (step: number, width: number): [number, number][] => [0, 1, 2, 3, 4, 5].map((i) => [i * step - width / 2, i * step + width / 2]);
    assert.deepEqual(thinTicks(spans(60, 30), [0, 0, 0, 0, 0, 0], 8), [true, true, true, true, true, true]);
    assert.deepEqual(thinTicks(spans(30, 30), [0, 0, 0, 0, 0, 0], 8), [true, false, true, false, true, false]);
  });

  it("prefers whole decades to the 2s and 5s between them", () => {
    // 1, 2, 5, 10, 20, 50 where only every other fits: the decades win (2 goes, though it comes before 10); 50 fits after.
    const spans: [number, number][] = [
      [0, 20],
      [15, 35],
      [30, 50],
      [45, 65],
      [60, 80],
      [75, 95],
    ];
    assert.deepEqual(thinTicks(spans, [0, 1, 1, 0, 1, 1], 4), [true, false, false, true, false, true]);
  });
});

describe("ticks", () => {
  it("puts the grid on decades, and on even steps where a zoom leaves less than a decade", () => {
    assert.deepEqual(chartSplits(0.01, 1000), [0.01, 0.1, 1, 10, 100, 1000]);
    assert.deepEqual(chartSplits(9, 18), [10, 12, 14, 16, 18]);
    assert.deepEqual(chartSplits(2500, 9000), [3000, 4000, 5000, 6000, 7000, 8000, 9000]);
    assert.deepEqual(chartSplits(0.31, 0.52), [0.35, 0.4, 0.45, 0.5]);
  });

  it("writes large rates short, so the y axis stays narrow", () => {
    assert.deepEqual([0.1, 1000, 10_000, 100_000, 1e6, 1e7, 1e10].map(tickLabel), ["0.1", "1,000", "10k", "100k", "1M", "10M", "10G"]);
  });
});

describe("tooltip placement", () => {
  const viewport = { width: 300, height: 600 };
  const card = { width: 200, height: 120 };
  const inside = (p: { left: number; top: number }, c = card, v = viewport): boolean =>
    p.left >= viewportMargin && p.top >= viewportMargin && p.left + c.width <= v.width - viewportMargin && p.top + c.height <= v.height - viewportMargin;

  it("goes below and right of a point near the top-left corner", () => {
    assert.deepEqual(placeTooltip({ x: 20, y: 20 }, card, viewport), { left: 20 + tooltipOffset, top: 20 + tooltipOffset });
  });

  it("flips left near the right edge and up near the bottom edge", () => {
    const p = placeTooltip({ x: 280, y: 580 }, card, viewport);
    assert.deepEqual(p, { left: 280 - tooltipOffset - 200, top: 580 - tooltipOffset - 120 });
  });

  it("centres over or under a point with no room on either side, and never leaves the viewport", () => {
    for (const x of [5, 60, 150, 240, 295]) {
      for (const y of [5, 100, 300, 500, 595]) {
        const p = placeTooltip({ x, y }, card, viewport);
        assert.ok(inside(p), `point (${x}, ${y}): ${JSON.stringify(p)}`);
        // It fits above or below every point here, so it never covers the point.
        assert.ok(y < p.top || y > p.top + card.height || x < p.left || x > p.left + card.width, `point (${x}, ${y}) stays visible`);
      }
    }
  });

  it("keeps the top-left corner of a card larger than the viewport on screen", () => {
    assert.deepEqual(placeTooltip({ x: 150, y: 100 }, { width: 400, height: 900 }, viewport), { left: viewportMargin, top: viewportMargin });
  });
});
