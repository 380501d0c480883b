// Checks of the Roofline chart's layout that a webview test and the end-to-end suite (in a webview frame) can share:
// label quads (rotation included) that must not overlap, tick labels' ink runs, and the tooltip's box.
//
// Coordinates are the page's (or frame's) own viewport coordinates, from getBoundingClientRect inside it, so the same
// checks hold for a page opened directly and for a webview's frame inside the workbench.
import assert from "node:assert/strict";
import type { Frame, Page } from "playwright-core";

export interface LabelShape {
  cls: string;
  text: string;
  corners: { x: number; y: number }[];
}

/** Every label on the plot, as the four corners the browser draws it at (rotation included), in the page's (frame's) viewport coordinates. */
export async function labelShapes(page: Page | Frame): Promise<LabelShape[]> {
  return page.$$eval(".roof-labels > *", (els) =>
    (els as HTMLElement[]).map((el) => {
      const layer = el.parentElement!.getBoundingClientRect();
      const m = new DOMMatrix(getComputedStyle(el).transform === "none" ? undefined : getComputedStyle(el).transform);
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      const corners = [
        [0, 0],
        [w, 0],
        [w, h],
        [0, h],
      ].map(([x, y]) => {
        const p = m.transformPoint(new DOMPoint(x, y));
        return { x: layer.left + el.offsetLeft + p.x, y: layer.top + el.offsetTop + p.y };
      });
      return { cls: el.className, text: el.textContent ?? "", corners };
    }),
  );
}

/** Whether two convex quads overlap (separating axis test), in page pixels. */
export function quadsOverlap(a: readonly { x: number; y: number }[], b: readonly { x: number; y: number }[]): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < poly.length; i++) {
      const p = poly[i]!;
      const q = poly[(i + 1) % poly.length]!;
      const nx = p.y - q.y;
      const ny = q.x - p.x;
      const range = (pts: readonly { x: number; y: number }[]): [number, number] => {
        const v = pts.map((t) => t.x * nx + t.y * ny);
        return [Math.min(...v), Math.max(...v)];
      };
      const [aMin, aMax] = range(a);
      const [bMin, bMax] = range(b);
      if (aMax <= bMin || bMax <= aMin) return false;
    }
  }
  return true;
}

export async function assertNoLabelOverlaps(page: Page | Frame, where: string): Promise<LabelShape[]> {
  const shapes = await labelShapes(page);
  const plot = await page.evaluate(() => {
    const r = document.querySelector(".chart .u-over")!.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
  for (const s of shapes) {
    for (const c of s.corners) {
      // On the plot, or in the padding over it (where no tick label is): never over an axis.
      assert.ok(c.x >= plot.x - 0.5 && c.x <= plot.x + plot.width + 0.5 && c.y >= plot.y - 14 && c.y <= plot.y + plot.height + 0.5, `${where}: label "${s.text}" stays on the plot`);
    }
  }
  for (let i = 0; i < shapes.length; i++) {
    for (let j = i + 1; j < shapes.length; j++) {
      assert.ok(!quadsOverlap(shapes[i]!.corners, shapes[j]!.corners), `${where}: labels "${shapes[i]!.text}" and "${shapes[j]!.text}" overlap`);
    }
  }
  return shapes;
}

/** Runs of ink along the x-axis band of the canvas: one per tick label drawn, with the empty columns between them. */
export async function xTickInkRuns(page: Page | Frame): Promise<{ start: number; end: number }[]> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>(".chart canvas")!;
    const over = document.querySelector<HTMLElement>(".chart .u-over")!.getBoundingClientRect();
    const rect = canvas.getBoundingClientRect();
    const top = Math.round(over.bottom - rect.top) + 6;
    const data = canvas.getContext("2d")!.getImageData(0, top, canvas.width, canvas.height - top).data;
    const runs: { start: number; end: number }[] = [];
    let gap = 99;
    for (let x = 0; x < canvas.width; x++) {
      let ink = false;
      for (let y = 0; y < canvas.height - top && !ink; y++) ink = data[(y * canvas.width + x) * 4 + 3]! > 40;
      if (ink) {
        // Glyphs of one label are at most a few pixels apart.
        if (gap > 4 || runs.length === 0) runs.push({ start: x, end: x });
        else runs[runs.length - 1]!.end = x;
        gap = 0;
      } else gap++;
    }
    return runs;
  });
}

/** The tooltip's box on the page; its text must fit inside it (a long kernel name wraps rather than running out). */
export async function tooltipBox(page: Page | Frame): Promise<{ x: number; y: number; width: number; height: number }> {
  const tooltip = page.locator(".chart-tooltip");
  await tooltip.waitFor({ state: "visible" });
  const fits = await tooltip.evaluate((el) => Array.from(el.querySelectorAll("*"), (c) => c.getBoundingClientRect()).every((r) => r.right <= el.getBoundingClientRect().right + 0.5) && el.scrollWidth <= el.clientWidth);
  assert.ok(fits, "the tooltip's text fits inside it");
  return tooltip.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
}
