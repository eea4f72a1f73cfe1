import type { Box } from '@kd/core';
import { keyOf, type DetCase } from './det-case.ts';

export interface VocOptions {
  /** VOC2007 11-point interpolation (true) or all-point area under the PR curve (false). */
  use07: boolean;
  /** Pixel-inclusive boxes: widths are x2 − x1 + 1 (default true, as the VOC devkit). */
  plusOne?: boolean;
  /** A detection matches when IoU > this (strictly greater; default 0.5). */
  iouThreshold?: number;
}

export interface VocResult {
  /** Mean over classes with at least one non-difficult gt (null when there is none). */
  mAP: number | null;
  /** Class → AP; null for a class without non-difficult gt. Keys are the class ids as text. */
  per_class: Record<string, number | null>;
}

/**
 * PASCAL VOC detection AP (the devkit / py-faster-rcnn `voc_eval` conventions), per class:
 * detections sorted by score descending (stable: equal scores keep input order); each is
 * compared with *all* gt boxes of its image and class and assigned the one with the highest
 * IoU (the first on ties). IoU > threshold and gt not difficult: TP if that gt is not yet taken,
 * else FP (duplicate); gt difficult: ignored; IoU ≤ threshold (or no gt): FP.
 * recall = cumTP / #non-difficult gt, precision = cumTP / max(cumTP + cumFP, float64 eps).
 * 11-point: mean over t = i·0.1 (i = 0..10, computed in float64) of max precision at recall ≥ t
 * (0 if none). All-point: precision made monotone from the right, summed over recall steps.
 */
export function vocEval(c: DetCase, opts: VocOptions): VocResult {
  const plus = opts.plusOne === false ? 0 : 1;
  const thr = opts.iouThreshold ?? 0.5;
  const per_class: Record<string, number | null> = {};
  const aps: number[] = [];
  for (const cls of c.classes) {
    const ck = keyOf(cls);
    const byImage = new Map<string, { boxes: Box[]; difficult: boolean[]; taken: boolean[] }>();
    let npos = 0;
    for (const g of c.gt) {
      if (keyOf(g.class) !== ck) continue;
      const ik = keyOf(g.image_id);
      let r = byImage.get(ik);
      if (!r) byImage.set(ik, (r = { boxes: [], difficult: [], taken: [] }));
      r.boxes.push(g.bbox);
      r.difficult.push(Boolean(g.difficult));
      r.taken.push(false);
      if (!g.difficult) npos++;
    }
    const dets = c.dets.filter((d) => keyOf(d.class) === ck);
    const order = dets.map((_, i) => i).sort((a, b) => dets[b].score - dets[a].score || a - b);
    const tp = new Float64Array(order.length),
      fp = new Float64Array(order.length);
    order.forEach((di, rank) => {
      const d = dets[di];
      const r = byImage.get(keyOf(d.image_id));
      let best = -Infinity,
        jmax = -1;
      if (r)
        r.boxes.forEach((g, j) => {
          const o = vocIoU(d.bbox, g, plus);
          if (o > best) {
            best = o;
            jmax = j;
          }
        });
      if (r && best > thr) {
        if (!r.difficult[jmax]) {
          if (!r.taken[jmax]) {
            tp[rank] = 1;
            r.taken[jmax] = true;
          } else fp[rank] = 1;
        }
      } else fp[rank] = 1;
    });
    if (npos === 0) {
      per_class[String(cls)] = null;
      continue;
    }
    const rec: number[] = [],
      prec: number[] = [];
    let ctp = 0,
      cfp = 0;
    for (let i = 0; i < order.length; i++) {
      ctp += tp[i];
      cfp += fp[i];
      rec.push(ctp / npos);
      prec.push(ctp / Math.max(ctp + cfp, Number.EPSILON));
    }
    const ap = opts.use07 ? ap11Point(rec, prec) : apAllPoint(rec, prec);
    per_class[String(cls)] = ap;
    aps.push(ap);
  }
  return { mAP: aps.length ? aps.reduce((s, v) => s + v, 0) / aps.length : null, per_class };
}

/** IoU of [x1,y1,x2,y2] boxes; `plus` = 1 for pixel-inclusive widths. 0 when disjoint. */
export function vocIoU(a: Box, b: Box, plus: number): number {
  const iw = Math.max(Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + plus, 0);
  const ih = Math.max(Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + plus, 0);
  const inter = iw * ih;
  const uni = (a[2] - a[0] + plus) * (a[3] - a[1] + plus) + (b[2] - b[0] + plus) * (b[3] - b[1] + plus) - inter;
  return inter / uni;
}

/** VOC2007 11-point AP: thresholds t = i·0.1 exactly as float64 products. */
export function ap11Point(rec: number[], prec: number[]): number {
  let ap = 0;
  for (let i = 0; i <= 10; i++) {
    const t = i * 0.1;
    let p = 0;
    for (let k = 0; k < rec.length; k++) if (rec[k] >= t && prec[k] > p) p = prec[k];
    ap += p / 11;
  }
  return ap;
}

/** All-point AP (VOC2010+): envelope of precision, summed where recall changes. */
export function apAllPoint(rec: number[], prec: number[]): number {
  const mrec = [0, ...rec, 1],
    mpre = [0, ...prec, 0];
  for (let i = mpre.length - 1; i > 0; i--) mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
  let ap = 0;
  for (let i = 0; i + 1 < mrec.length; i++) if (mrec[i + 1] !== mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
  return ap;
}
