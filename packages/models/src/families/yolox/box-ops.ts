/**
 * Plain-number box helpers. Boxes are [x1, y1, x2, y2] in pixel-edge coordinates (no +1:
 * width = x2 − x1), as mmdet and pycocotools compute IoU for YOLOX.
 */
import type { Box } from '@kd/core';

/** Area max(0, x2 − x1)·max(0, y2 − y1). */
export function boxArea(b: ArrayLike<number>, o = 0): number {
  return Math.max(0, b[o + 2] - b[o]) * Math.max(0, b[o + 3] - b[o + 1]);
}

/**
 * IoU of box a (at offset ao of `a`) and box b (at offset bo of `b`): overlap / union, 0 when the
 * union is 0 (two empty boxes).
 */
export function iouXyxy(a: ArrayLike<number>, b: ArrayLike<number>, ao = 0, bo = 0): number {
  const w = Math.min(a[ao + 2], b[bo + 2]) - Math.max(a[ao], b[bo]);
  const h = Math.min(a[ao + 3], b[bo + 3]) - Math.max(a[ao + 1], b[bo + 1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = boxArea(a, ao) + boxArea(b, bo) - inter;
  return union > 0 ? inter / union : 0;
}

/** (cx, cy, w, h) → (x1, y1, x2, y2). */
export function cxcywhToXyxy(cx: number, cy: number, w: number, h: number): Box {
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}
