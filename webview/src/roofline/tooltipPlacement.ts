// Where a point's tooltip goes: beside the point, on the side with room, and always inside the viewport.
//
// Pure (no DOM): the chart measures the card and the viewport, this picks the place. The card is in viewport
// coordinates (position: fixed), so neither the plot's nor the panel's edge can clip it.

export interface TooltipPlace {
  readonly left: number;
  readonly top: number;
}

/** Pixels between the point and the card, and kept between the card and the viewport's edge. */
export const tooltipOffset = 12;
export const viewportMargin = 4;

/**
 * The card's top-left corner for a point at (x, y). Tries the four corners around the point, the roomier side first
 * both ways, then centred above or below; if none fits whole it takes the first and clamps it into the viewport
 * (a card larger than the viewport keeps its top-left corner visible).
 */
export function placeTooltip(point: { x: number; y: number }, card: { width: number; height: number }, viewport: { width: number; height: number }): TooltipPlace {
  const { width: w, height: h } = card;
  const right = point.x + tooltipOffset;
  const left = point.x - tooltipOffset - w;
  const below = point.y + tooltipOffset;
  const above = point.y - tooltipOffset - h;
  const xs = point.x <= viewport.width / 2 ? [right, left] : [left, right];
  const ys = point.y <= viewport.height / 2 ? [below, above] : [above, below];
  const centred = point.x - w / 2;
  const candidates: TooltipPlace[] = [
    ...ys.flatMap((top) => xs.map((l) => ({ left: l, top }))),
    ...ys.map((top) => ({ left: clamp(centred, viewportMargin, viewport.width - viewportMargin - w), top })),
  ];
  const fits = (c: TooltipPlace): boolean =>
    c.left >= viewportMargin && c.top >= viewportMargin && c.left + w <= viewport.width - viewportMargin && c.top + h <= viewport.height - viewportMargin;
  const chosen = candidates.find(fits) ?? candidates[0]!;
  return {
    left: clamp(chosen.left, viewportMargin, viewport.width - viewportMargin - w),
    top: clamp(chosen.top, viewportMargin, viewport.height - viewportMargin - h),
  };
}

/** `value` within [min, max]; when the range is empty (a card wider than the viewport), `min`: its start stays visible. */
function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}
