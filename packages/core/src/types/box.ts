/**
 * An axis-aligned box's corners in pixels, [x1, y1, x2, y2]: top-left then bottom-right
 * (x2 ≥ x1, y2 ≥ y1 for a valid box). The one box type of every package (ground truth, metrics,
 * FSD masks, YOLOX targets).
 */
export type Box = [number, number, number, number];

/** The same corners as named fields, for records that carry more (class, score, flags). */
export interface BoxCorners {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
