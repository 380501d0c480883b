// Places the chart's text labels so no two overlap: each label tries candidate places in order, and one that fits nowhere is dropped.
//
// Pure geometry in plot-area CSS pixels (no DOM), so the chart and the tests share it. A label is a rectangle, possibly
// rotated along a sloped roof, so collisions are tested as convex quadrilaterals (separating axes), not as the
// axis-aligned boxes of their corners, which would make two labels on parallel roofs collide when they do not.

export interface Vec {
  readonly x: number;
  readonly y: number;
}

/** Four corners in order around the rectangle. */
export type Quad = readonly [Vec, Vec, Vec, Vec];

/** A rectangle in a label's own frame: `angle` degrees clockwise about (x, y); `dx`, `dy` offset the box from there. */
export interface Frame {
  readonly x: number;
  readonly y: number;
  readonly angle: number;
  readonly dx: number;
  readonly dy: number;
}

export interface Candidate extends Frame {
  /** Which of the label's texts this place shows (0: the full text; later ones are shorter). */
  readonly text: number;
  readonly width: number;
  readonly height: number;
}

export interface LabelRequest {
  readonly key: string;
  /** Places to try, best first. */
  readonly candidates: readonly Candidate[];
  /**
   * The most obstacle cost a place may have (points it covers count `pointCost`, lines it crosses one each).
   * Infinity: the label goes where it covers least, as a roof's label must be somewhere on its roof.
   */
  readonly maxCost: number;
  /** Whether covering points is no reason to shorten the text (a roof's label over a cloud of points: all texts would). */
  readonly coversPoints?: boolean;
  /** Obstacles this label may touch without cost: its own roof line, its own point. */
  readonly ownLine?: number;
  readonly ownPoint?: number;
}

export interface Obstacles {
  /** Marks (points) as boxes; covering one costs `pointCost`. */
  readonly points: readonly Box[];
  /** Lines as segments, each with what crossing it costs (a roof more than a dotted guide). */
  readonly lines: readonly Line[];
}

export interface Line {
  readonly a: Vec;
  readonly b: Vec;
  readonly cost: number;
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface Placed {
  readonly key: string;
  readonly candidate: Candidate;
  readonly quad: Quad;
}

/** What covering a point costs against crossing a line: hiding a kernel is worse than crossing a roof. */
export const pointCost = 10;
/** What crossing a roof costs; a dotted guide costs 1, and a text that only crosses guides is as good as a clear one. */
export const roofCost = 3;
const tolerated = 1;
/** Empty pixels kept between two labels. */
export const labelGap = 2;

/** The corners of a candidate's rectangle on the plot. */
export function quadOf(c: Candidate): Quad {
  const a = (c.angle * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const at = (lx: number, ly: number): Vec => ({ x: c.x + lx * cos - ly * sin, y: c.y + lx * sin + ly * cos });
  return [at(c.dx, c.dy), at(c.dx + c.width, c.dy), at(c.dx + c.width, c.dy + c.height), at(c.dx, c.dy + c.height)];
}

export function boxQuad(b: Box): Quad {
  return [
    { x: b.left, y: b.top },
    { x: b.right, y: b.top },
    { x: b.right, y: b.bottom },
    { x: b.left, y: b.bottom },
  ];
}

function project(points: readonly Vec[], ax: number, ay: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    const v = p.x * ax + p.y * ay;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Edge normals of a convex polygon (for a segment, its one normal). */
function axes(points: readonly Vec[]): Vec[] {
  const out: Vec[] = [];
  const n = points.length === 2 ? 1 : points.length;
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    const ex = b.x - a.x;
    const ey = b.y - a.y;
    const length = Math.hypot(ex, ey);
    if (length > 0) out.push({ x: -ey / length, y: ex / length });
  }
  return out;
}

/** Whether two convex shapes (quads or segments) come closer than `gap` pixels along every separating axis. */
export function overlaps(a: readonly Vec[], b: readonly Vec[], gap = 0): boolean {
  for (const axis of [...axes(a), ...axes(b)]) {
    const [aMin, aMax] = project(a, axis.x, axis.y);
    const [bMin, bMax] = project(b, axis.x, axis.y);
    if (aMax + gap <= bMin || bMax + gap <= aMin) return false;
  }
  return true;
}

function inside(q: Quad, bounds: Box): boolean {
  return q.every((p) => p.x >= bounds.left && p.x <= bounds.right && p.y >= bounds.top && p.y <= bounds.bottom);
}

function boxOf(q: Quad): Box {
  const xs = q.map((p) => p.x);
  const ys = q.map((p) => p.y);
  return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) };
}

function boxesMeet(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** What a place covers: points (each `pointCost`) and lines (each its cost), as one score and the lines' part alone. */
function cost(q: Quad, request: LabelRequest, obstacles: Obstacles, stopAt: number): { score: number; lines: number } {
  const box = boxOf(q);
  let score = 0;
  let lines = 0;
  obstacles.lines.forEach((line, i) => {
    if (score > stopAt || i === request.ownLine) return;
    if (overlaps(q, [line.a, line.b])) {
      score += line.cost;
      lines += line.cost;
    }
  });
  obstacles.points.forEach((p, i) => {
    if (score > stopAt || i === request.ownPoint || !boxesMeet(box, p)) return;
    if (overlaps(q, boxQuad(p))) score += pointCost;
  });
  return { score, lines };
}

/**
 * Places labels greedily in the order given (most important first). For each label, the texts are tried longest first:
 * a text is taken at its least costly place if that place stays inside `bounds`, keeps `labelGap` from every label
 * already placed, crosses no line but dotted guides and, unless the label `coversPoints`, covers no point; failing
 * that for every text, the least costly place of any text within the label's `maxCost`. A label with no place at all
 * is left out of the result.
 */
export function placeLabels(requests: readonly LabelRequest[], bounds: Box, obstacles: Obstacles): Placed[] {
  const placed: Placed[] = [];
  const placedBoxes: Box[] = [];
  for (const request of requests) {
    type Found = { candidate: Candidate; quad: Quad; score: number; lines: number };
    const acceptable = (f: Found): boolean => f.lines <= tolerated && (request.coversPoints === true || f.score === f.lines);
    let overall: Found | null = null;
    let taken: Found | null = null;
    let groupText = -1;
    for (const candidate of request.candidates) {
      // Texts come longest first: once one has an acceptable place, no shorter text is tried.
      if (candidate.text !== groupText) {
        if (taken) break;
        groupText = candidate.text;
      }
      const quad = quadOf(candidate);
      if (!inside(quad, bounds)) continue;
      const box = boxOf(quad);
      const grown = { left: box.left - labelGap, top: box.top - labelGap, right: box.right + labelGap, bottom: box.bottom + labelGap };
      if (placed.some((p, i) => boxesMeet(grown, placedBoxes[i]!) && overlaps(quad, p.quad, labelGap))) continue;
      const c = cost(quad, request, obstacles, request.maxCost);
      if (c.score > request.maxCost) continue;
      const found: Found = { candidate, quad, ...c };
      const t = taken as Found | null;
      const o = overall as Found | null;
      if (acceptable(found) && (!t || found.score < t.score)) taken = found;
      if (!o || found.score < o.score) overall = found;
    }
    const chosen = (taken ?? overall) as Found | null;
    if (chosen) {
      placed.push({ key: request.key, candidate: chosen.candidate, quad: chosen.quad });
      placedBoxes.push(boxOf(chosen.quad));
    }
  }
  return placed;
}

/**
 * Which tick labels of an axis to draw: whole decades (priority 0) first, then the others, each kept only where it
 * keeps `gap` pixels from every label already kept. `spans` are each label's [start, end] along the axis.
 */
export function thinTicks(spans: readonly (readonly [number, number])[], priorities: readonly number[], gap: number): boolean[] {
  const keep = spans.map(() => false);
  const order = spans.map((_, i) => i).sort((a, b) => priorities[a]! - priorities[b]! || a - b);
  const kept: (readonly [number, number])[] = [];
  for (const i of order) {
    const [s, e] = spans[i]!;
    if (kept.every(([ks, ke]) => e + gap <= ks || ke + gap <= s)) {
      keep[i] = true;
      kept.push([s, e]);
    }
  }
  return keep;
}
