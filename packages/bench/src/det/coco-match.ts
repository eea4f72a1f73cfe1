import type { Box } from '@kd/core';

/** IoU thresholds 0.50:0.05:0.95 exactly as numpy `linspace` builds them (pycocotools). */
export const COCO_IOU_THRS: readonly number[] = Array.from({ length: 10 }, (_, i) =>
  i === 9 ? 0.95 : i * ((0.95 - 0.5) / 9) + 0.5,
);
/** Recall points 0:0.01:1 exactly as numpy `linspace` builds them. */
export const COCO_REC_THRS: readonly number[] = Array.from({ length: 101 }, (_, i) => (i === 100 ? 1 : i * (1 / 100)));
/** Area ranges all, small, medium, large (inclusive at both ends). */
export const COCO_AREA_RANGES: readonly (readonly [number, number])[] = [
  [0, 1e10],
  [0, 32 ** 2],
  [32 ** 2, 96 ** 2],
  [96 ** 2, 1e10],
];
export const COCO_MAX_DETS = [1, 10, 100] as const;

export interface CocoGt {
  bbox: Box;
  area: number;
  iscrowd: boolean;
}
export interface CocoDet {
  bbox: Box;
  score: number;
  area: number;
}

/** One (image, class, area range) evaluation: pycocotools `evaluateImg` output. */
export interface ImageEval {
  /** Scores of the kept detections, sorted descending (at most maxDet). */
  dtScores: number[];
  /** [T][D]: matched (the det is a TP or matched an ignored gt). */
  dtMatched: boolean[][];
  /** [T][D]: ignored (matched an ignored gt, or unmatched and outside the area range). */
  dtIgnore: boolean[][];
  /** Per gt: ignored (crowd or outside the area range). */
  gtIgnore: boolean[];
}

/**
 * COCO box IoU (no +1): intersection over union, or over the detection's area when the gt is
 * a crowd region. Boxes are [x1, y1, x2, y2].
 */
export function cocoIoU(d: Box, g: Box, crowd: boolean): number {
  const w = Math.min(d[2], g[2]) - Math.max(d[0], g[0]);
  if (w <= 0) return 0;
  const h = Math.min(d[3], g[3]) - Math.max(d[1], g[1]);
  if (h <= 0) return 0;
  const inter = w * h;
  const da = (d[2] - d[0]) * (d[3] - d[1]);
  const uni = crowd ? da : da + (g[2] - g[0]) * (g[3] - g[1]) - inter;
  return inter / uni;
}

/** Stable sort of indices by score descending (numpy mergesort on −score). */
export function byScoreDesc(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * pycocotools `evaluateImg` for one image and class: detections sorted by score (stable) and cut
 * to `maxDet`; gts sorted so non-ignored come first (stable). For each IoU threshold t and each
 * detection in order, the best remaining gt with IoU ≥ min(t, 1 − 1e−10) is taken (a later gt
 * with an equal IoU replaces an earlier one; crowd gts can be taken repeatedly; once a
 * non-ignored gt is held, ignored gts are not considered). Returns null when there is neither
 * gt nor detection.
 */
export function evaluateImage(
  gts: CocoGt[],
  dets: CocoDet[],
  areaRange: readonly [number, number],
  maxDet: number,
): ImageEval | null {
  if (gts.length === 0 && dets.length === 0) return null;
  const ignoreOf = gts.map((g) => g.iscrowd || g.area < areaRange[0] || g.area > areaRange[1]);
  const gOrder = gts.map((_, i) => i).sort((a, b) => Number(ignoreOf[a]) - Number(ignoreOf[b]) || a - b);
  const G = gOrder.map((i) => gts[i]);
  const gIg = gOrder.map((i) => ignoreOf[i]);
  const D = byScoreDesc(dets.map((d) => d.score))
    .slice(0, maxDet)
    .map((i) => dets[i]);
  const ious = D.map((d) => G.map((g) => cocoIoU(d.bbox, g.bbox, g.iscrowd)));
  const T = COCO_IOU_THRS.length;
  const dtMatched: boolean[][] = [],
    dtIgnore: boolean[][] = [];
  for (let t = 0; t < T; t++) {
    const gtTaken = new Array<boolean>(G.length).fill(false);
    const matched = new Array<boolean>(D.length).fill(false);
    const ignored = new Array<boolean>(D.length).fill(false);
    for (let di = 0; di < D.length; di++) {
      let iou = Math.min(COCO_IOU_THRS[t], 1 - 1e-10);
      let m = -1;
      for (let gi = 0; gi < G.length; gi++) {
        if (gtTaken[gi] && !G[gi].iscrowd) continue;
        if (m > -1 && !gIg[m] && gIg[gi]) break;
        if (ious[di][gi] < iou) continue;
        iou = ious[di][gi];
        m = gi;
      }
      if (m === -1) continue;
      ignored[di] = gIg[m];
      matched[di] = true;
      gtTaken[m] = true;
    }
    for (let di = 0; di < D.length; di++) {
      const outside = D[di].area < areaRange[0] || D[di].area > areaRange[1];
      if (!matched[di] && outside) ignored[di] = true;
    }
    dtMatched.push(matched);
    dtIgnore.push(ignored);
  }
  return { dtScores: D.map((d) => d.score), dtMatched, dtIgnore, gtIgnore: gIg };
}
