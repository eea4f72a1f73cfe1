import * as tf from '@tensorflow/tfjs';
import type { BoxCorners } from '@kd/core';
import { classAwareNms } from './nms.ts';
import { decodeBoxes, flattenLevels } from './decode.ts';
import type { Priors } from './priors.ts';

/** One detection in input-pixel corners. */
export interface DetBox extends BoxCorners {
  score: number;
  /** Class index 0..K−1. */
  cls: number;
}

export interface PostprocessOptions {
  /** Keep a point when σ(obj)·max_k σ(cls_k) ≥ this (FSD test config 0.01). */
  scoreThreshold?: number;
  /** Class-aware NMS IoU threshold (FSD test config 0.65). */
  nmsIou?: number;
  /** Detections kept per image after NMS (default 100, the COCO limit). */
  maxPerImage?: number;
  /** Clip boxes to [0, width] × [0, height] of the input (default true). */
  clipTo?: [number, number] | null;
}

/**
 * YOLOX inference post-processing (mmdet `YOLOXHead.get_bboxes`): decode every point, score
 * = σ(obj)·max_k σ(cls_k) with that k as the class, drop scores below the threshold,
 * class-aware NMS, keep the best `maxPerImage`. outputs: per-level maps [N,H_l,W_l,5+K].
 * Returns one list per image, sorted by score, descending. Leaves no tensors behind.
 */
export function postprocess(
  outputs: readonly tf.Tensor4D[],
  priors: Priors,
  opts: PostprocessOptions = {},
): DetBox[][] {
  const thr = opts.scoreThreshold ?? 0.01;
  const iou = opts.nmsIou ?? 0.65;
  const maxPer = opts.maxPerImage ?? 100;
  const [boxesT, objT, clsT] = tf.tidy(() => {
    const raw = flattenLevels(outputs);
    const k = raw.shape[2] - 5;
    return [
      decodeBoxes(raw, priors),
      tf.sigmoid(tf.slice(raw, [0, 0, 4], [-1, -1, 1])),
      tf.sigmoid(tf.slice(raw, [0, 0, 5], [-1, -1, k])),
    ];
  });
  const boxes = boxesT.dataSync(),
    obj = objT.dataSync(),
    cls = clsT.dataSync();
  const [n, a, k] = clsT.shape;
  tf.dispose([boxesT, objT, clsT]);
  const clip = opts.clipTo === undefined ? null : opts.clipTo;
  const out: DetBox[][] = [];
  for (let b = 0; b < n; b++) {
    const keepIdx: number[] = [],
      sc: number[] = [],
      cl: number[] = [];
    for (let p = 0; p < a; p++) {
      const q = b * a + p;
      let best = 0,
        bestK = 0;
      for (let c = 0; c < k; c++)
        if (cls[q * k + c] > best) {
          best = cls[q * k + c];
          bestK = c;
        }
      const s = obj[q] * best;
      if (s >= thr) {
        keepIdx.push(q);
        sc.push(s);
        cl.push(bestK);
      }
    }
    const bx = new Float32Array(keepIdx.length * 4);
    keepIdx.forEach((q, i) => {
      for (let c = 0; c < 4; c++) bx[4 * i + c] = boxes[4 * q + c];
    });
    const kept = classAwareNms(bx, sc, cl, iou, maxPer);
    out.push(
      kept.map((i) => {
        let [x1, y1, x2, y2] = [bx[4 * i], bx[4 * i + 1], bx[4 * i + 2], bx[4 * i + 3]];
        if (clip) {
          const [h, w] = clip;
          x1 = Math.min(Math.max(x1, 0), w);
          x2 = Math.min(Math.max(x2, 0), w);
          y1 = Math.min(Math.max(y1, 0), h);
          y2 = Math.min(Math.max(y2, 0), h);
        }
        return { x1, y1, x2, y2, score: sc[i], cls: cl[i] };
      }),
    );
  }
  return out;
}
