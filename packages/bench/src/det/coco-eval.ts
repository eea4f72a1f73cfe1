import { compareIds, keyOf, type DetCase } from './det-case.ts';
import {
  COCO_AREA_RANGES,
  COCO_IOU_THRS,
  COCO_MAX_DETS,
  COCO_REC_THRS,
  evaluateImage,
  type CocoDet,
  type CocoGt,
  type ImageEval,
} from './coco-match.ts';

/** The twelve pycocotools summary numbers; null where pycocotools prints −1 (nothing to score). */
export interface CocoStats {
  AP: number | null;
  AP50: number | null;
  AP75: number | null;
  APs: number | null;
  APm: number | null;
  APl: number | null;
  AR1: number | null;
  AR10: number | null;
  AR100: number | null;
  ARs: number | null;
  ARm: number | null;
  ARl: number | null;
}

export interface CocoResult extends CocoStats {
  /** Class → AP@[.5:.95] (all areas, 100 dets); null for a class without non-ignored gt. */
  per_class_AP: Record<string, number | null>;
}

/**
 * COCO bbox evaluation with pycocotools `COCOeval` conventions: boxes [x1,y1,x2,y2] become
 * xywh without +1; gt area = `area` if given, else w·h; detection area = w·h; `iscrowd` gts are
 * ignored and matched by IoU over the detection's area; `difficult` has no effect. Per image and
 * class at most 100 detections (highest scores, stable order), matching done once with 100 and
 * cut to 1/10/100 for AR1/AR10. Images are visited in sorted id order. Precision is made
 * monotone and sampled at 101 recall points (searchsorted left; 0 beyond the last recall).
 * Means skip the −1 cells (a class with no non-ignored gt in that area range).
 */
export function cocoEval(c: DetCase): CocoResult {
  const images = [...c.images].sort(compareIds).map(keyOf);
  const T = COCO_IOU_THRS.length,
    R = COCO_REC_THRS.length,
    K = c.classes.length,
    A = COCO_AREA_RANGES.length,
    M = COCO_MAX_DETS.length;
  // precision[t][r][k][a][m] and recall[t][k][a][m], flattened; −1 = undefined.
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const pIdx = (t: number, r: number, k: number, a: number, m: number): number =>
    (((t * R + r) * K + k) * A + a) * M + m;
  const rIdx = (t: number, k: number, a: number, m: number): number => ((t * K + k) * A + a) * M + m;
  const maxDetAll = COCO_MAX_DETS[M - 1];

  c.classes.forEach((cls, k) => {
    const ck = keyOf(cls);
    const gts = new Map<string, CocoGt[]>(),
      dts = new Map<string, CocoDet[]>();
    for (const g of c.gt)
      if (keyOf(g.class) === ck) {
        const b = g.bbox;
        push(gts, keyOf(g.image_id), {
          bbox: b,
          area: g.area ?? (b[2] - b[0]) * (b[3] - b[1]),
          iscrowd: Boolean(g.iscrowd),
        });
      }
    for (const d of c.dets)
      if (keyOf(d.class) === ck) {
        const b = d.bbox;
        push(dts, keyOf(d.image_id), { bbox: b, score: d.score, area: (b[2] - b[0]) * (b[3] - b[1]) });
      }
    COCO_AREA_RANGES.forEach((range, a) => {
      const evals = images
        .map((im) => evaluateImage(gts.get(im) ?? [], dts.get(im) ?? [], range, maxDetAll))
        .filter((e): e is ImageEval => e !== null);
      if (evals.length === 0) return;
      const npig = evals.reduce((s, e) => s + e.gtIgnore.filter((x) => !x).length, 0);
      if (npig === 0) return;
      COCO_MAX_DETS.forEach((maxDet, m) => {
        const scores: number[] = [],
          matched: boolean[][] = Array.from({ length: T }, () => []),
          ignored: boolean[][] = Array.from({ length: T }, () => []);
        for (const e of evals) {
          const n = Math.min(maxDet, e.dtScores.length);
          scores.push(...e.dtScores.slice(0, n));
          for (let t = 0; t < T; t++) {
            matched[t].push(...e.dtMatched[t].slice(0, n));
            ignored[t].push(...e.dtIgnore[t].slice(0, n));
          }
        }
        const order = scores.map((_, i) => i).sort((x, y) => scores[y] - scores[x] || x - y);
        for (let t = 0; t < T; t++) {
          const rc: number[] = [],
            pr: number[] = [];
          let tp = 0,
            fp = 0;
          for (const i of order) {
            if (ignored[t][i]) {
              /* neither */
            } else if (matched[t][i]) tp++;
            else fp++;
            rc.push(tp / npig);
            pr.push(tp / (fp + tp + 2.220446049250313e-16));
          }
          recall[rIdx(t, k, a, m)] = rc.length ? rc[rc.length - 1] : 0;
          for (let i = pr.length - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          for (let r = 0; r < R; r++) {
            const pi = searchsortedLeft(rc, COCO_REC_THRS[r]);
            precision[pIdx(t, r, k, a, m)] = pi < pr.length ? pr[pi] : 0;
          }
        }
      });
    });
  });

  const mean = (vals: number[]): number | null => {
    const ok = vals.filter((v) => v > -1);
    return ok.length ? ok.reduce((s, v) => s + v, 0) / ok.length : null;
  };
  const ap = (a: number, m: number, tSel?: number, kSel?: number): number | null => {
    const vals: number[] = [];
    for (let t = 0; t < T; t++)
      if (tSel === undefined || t === tSel)
        for (let r = 0; r < R; r++)
          for (let k = 0; k < K; k++) if (kSel === undefined || k === kSel) vals.push(precision[pIdx(t, r, k, a, m)]);
    return mean(vals);
  };
  const ar = (a: number, m: number): number | null => {
    const vals: number[] = [];
    for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) vals.push(recall[rIdx(t, k, a, m)]);
    return mean(vals);
  };
  const t50 = COCO_IOU_THRS.indexOf(0.5),
    t75 = COCO_IOU_THRS.indexOf(0.75);
  const per_class_AP: Record<string, number | null> = {};
  c.classes.forEach((cls, k) => (per_class_AP[String(cls)] = ap(0, 2, undefined, k)));
  return {
    AP: ap(0, 2),
    AP50: ap(0, 2, t50),
    AP75: ap(0, 2, t75),
    APs: ap(1, 2),
    APm: ap(2, 2),
    APl: ap(3, 2),
    AR1: ar(0, 0),
    AR10: ar(0, 1),
    AR100: ar(0, 2),
    ARs: ar(1, 2),
    ARm: ar(2, 2),
    ARl: ar(3, 2),
    per_class_AP,
  };
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** numpy `searchsorted(a, v, side='left')` on a non-decreasing array. */
function searchsortedLeft(a: number[], v: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
