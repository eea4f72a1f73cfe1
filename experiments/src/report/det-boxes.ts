import type { BoxCorners } from '@kd/core';
import type { LegendEntry } from './image-grid.ts';
import type { Rgb } from './heat-map.ts';

/** A box to draw: pixel-edge corners and its class index 0..K−1. */
export interface ClassBox extends BoxCorners {
  cls: number;
}

/** Class colours (matplotlib's tab10), cycled when there are more than 10 classes. */
export const DET_COLORS: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

export const classColor = (cls: number): Rgb => DET_COLORS[cls % DET_COLORS.length];

/**
 * Pixel span [first, last] (inclusive, clipped to 0..n−1) of the edge coordinates [a, b]:
 * first = round(a), last = round(b) − 1, at least one pixel; null when it lies outside.
 */
function span(a: number, b: number, n: number): [number, number] | null {
  const first = Math.round(a),
    last = Math.max(first, Math.round(b) - 1);
  if (last < 0 || first > n - 1) return null;
  return [Math.max(0, first), Math.min(n - 1, last)];
}

/**
 * Draws each box, in place and in list order, as a `thickness`-px rectangle outline in its class
 * colour on RGB bytes [height·width·3]. A box covers columns round(x1)..round(x2)−1 and rows
 * round(y1)..round(y2)−1 (clipped to the image); its border is the pixels of that area at most
 * `thickness` − 1 from its edge, so a 10×6 box at thickness 2 colours 10·6 − 6·2 = 48 pixels.
 */
export function drawBoxes(
  rgb: Uint8Array,
  width: number,
  height: number,
  boxes: readonly ClassBox[],
  thickness = 2,
): Uint8Array {
  for (const b of boxes) {
    const xs = span(b.x1, b.x2, width),
      ys = span(b.y1, b.y2, height);
    if (!xs || !ys) continue;
    const col = classColor(b.cls);
    const [c0, c1] = xs,
      [r0, r1] = ys;
    const edgeX0 = Math.round(b.x1),
      edgeX1 = Math.max(edgeX0, Math.round(b.x2) - 1),
      edgeY0 = Math.round(b.y1),
      edgeY1 = Math.max(edgeY0, Math.round(b.y2) - 1);
    for (let r = r0; r <= r1; r++) {
      const onRow = r - edgeY0 < thickness || edgeY1 - r < thickness;
      for (let c = c0; c <= c1; c++) {
        if (onRow || c - edgeX0 < thickness || edgeX1 - c < thickness) rgb.set(col, 3 * (r * width + c));
      }
    }
  }
  return rgb;
}

/** Boxes scaled by (fx, fy) (e.g. from the network input to the displayed cell). */
export const scaleBoxes = <B extends BoxCorners>(boxes: readonly B[], fx: number, fy = fx): B[] =>
  boxes.map((b) => ({ ...b, x1: b.x1 * fx, x2: b.x2 * fx, y1: b.y1 * fy, y2: b.y2 * fy }));

/** Colour key of the class colours. */
export const detLegend = (classes: readonly string[]): LegendEntry[] =>
  classes.map((label, k) => ({ rgb: classColor(k), label }));
