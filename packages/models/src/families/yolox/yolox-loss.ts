import * as tf from '@tensorflow/tfjs';
import { decodeBoxes, flattenLevels } from './decode.ts';
import type { Priors } from './priors.ts';
import { simOta, type SimOtaOptions } from './simota.ts';
import { alignedIou, bceWithLogitsSum } from './iou-loss.ts';

/** Ground truth of one image: corners in input pixels and class indices 0..K−1 (may be empty). */
export interface DetTarget {
  boxes: ArrayLike<number>;
  classes: ArrayLike<number>;
}

export interface YoloxLossParts {
  total: tf.Scalar;
  iou: tf.Scalar;
  obj: tf.Scalar;
  cls: tf.Scalar;
  /** The L1 term (0 unless `l1` is set). */
  l1: tf.Scalar;
  /** Number of positive points over the batch. */
  numFg: number;
}

export interface YoloxLossOptions extends SimOtaOptions {
  /** Weight of the IoU loss (5). */
  iouLossWeight?: number;
  /**
   * Add YOLOX's L1 box term (its final no-aug epochs): Σ_fg Σ_c |raw_c − t_c|/F with the targets of
   * the matched box (cx, cy, w, h) at prior (gx, gy, s): t = (cx/s − gx, cy/s − gy, log(w/s + 1e-8), log(h/s + 1e-8)).
   */
  l1?: boolean;
}

/**
 * The YOLOX training loss (mmdet `YOLOXHead.loss`; the final-epochs L1 term only with `l1`):
 * SimOTA assigns targets from the detached predictions, then with F = max(#positives, 1)
 *   L = 5·Σ_fg (1 − IoU²)/F + Σ_all BCE(obj, fg)/F + Σ_fg Σ_k BCE(cls_k, onehot_k·IoU_match)/F.
 * outputs: per-level maps [N,H_l,W_l,5+K]; targets: one per image. An image without boxes
 * contributes only objectness negatives. Call inside the gradient tape: the assignment reads
 * the predictions with `dataSync` (no gradient flows through it).
 */
export function yoloxLoss(
  outputs: readonly tf.Tensor4D[],
  priors: Priors,
  targets: readonly DetTarget[],
  opts: YoloxLossOptions = {},
): YoloxLossParts {
  let numFg = 0;
  const parts = tf.tidy(() => {
    const raw = flattenLevels(outputs); // [N,A,5+K]
    const [n, a, c] = raw.shape;
    const K = c - 5;
    if (targets.length !== n) throw new Error(`yoloxLoss: ${targets.length} targets for a batch of ${n}`);
    const boxes = decodeBoxes(raw, priors); // [N,A,4]
    const scores = tf.mul(
      tf.sigmoid(tf.slice(raw, [0, 0, 5], [n, a, K])),
      tf.sigmoid(tf.slice(raw, [0, 0, 4], [n, a, 1])),
    );
    const boxesD = boxes.dataSync(),
      scoresD = scores.dataSync();
    const fg = new Float32Array(n * a);
    const clsT = new Float32Array(n * a * K);
    const regT = new Float32Array(n * a * 4).fill(0);
    const l1T = new Float32Array(n * a * 4);
    targets.forEach((t, b) => {
      for (let i = 0; i < t.classes.length; i++) {
        if (!(t.classes[i] >= 0 && t.classes[i] < K) || !Number.isInteger(t.classes[i])) {
          throw new Error(`yoloxLoss: image ${b}: class ${t.classes[i]} is outside 0..${K - 1}`);
        }
      }
      const res = simOta(
        {
          priors,
          numClasses: K,
          gtBoxes: t.boxes,
          gtClasses: t.classes,
          predBoxes: boxesD.subarray(b * a * 4, (b + 1) * a * 4),
          predScores: scoresD.subarray(b * a * K, (b + 1) * a * K),
        },
        opts,
      );
      for (let p = 0; p < a; p++) {
        const g = res.assigned[p],
          q = b * a + p;
        if (g < 0) continue;
        fg[q] = 1;
        clsT[q * K + t.classes[g]] = res.iou[p];
        for (let c = 0; c < 4; c++) regT[q * 4 + c] = t.boxes[4 * g + c];
        const [x1, y1, x2, y2] = [0, 1, 2, 3].map((c) => t.boxes[4 * g + c]);
        const s = priors.stride[p];
        l1T.set(
          [
            (x1 + x2) / 2 / s - priors.gridX[p],
            (y1 + y2) / 2 / s - priors.gridY[p],
            Math.log((x2 - x1) / s + 1e-8),
            Math.log((y2 - y1) / s + 1e-8),
          ],
          q * 4,
        );
      }
      numFg += res.numFg;
    });
    const F = Math.max(numFg, 1);
    // Every term runs over all points with a {0,1} foreground weight (no gather: its gradient,
    // UnsortedSegmentSum, is missing on wasm). Background rows get weight 0.
    const flat = tf.reshape(raw, [n * a, c]);
    const fgT = tf.tensor2d(fg, [n * a, 1]);
    const obj = tf.div(bceWithLogitsSum(tf.slice(flat, [0, 4], [n * a, 1]), fgT), F) as tf.Scalar;
    const iouTerm = tf.sub(
      1,
      tf.square(alignedIou(tf.reshape(boxes, [n * a, 4]) as tf.Tensor2D, tf.tensor2d(regT, [n * a, 4]))),
    );
    const iou = tf.div(tf.sum(tf.mul(iouTerm, tf.reshape(fgT, [n * a]))), F) as tf.Scalar;
    const cls = tf.div(
      bceWithLogitsSum(tf.slice(flat, [0, 5], [n * a, K]), tf.tensor2d(clsT, [n * a, K]), fgT),
      F,
    ) as tf.Scalar;
    const l1 = opts.l1
      ? (tf.div(
          tf.sum(tf.mul(tf.abs(tf.sub(tf.slice(flat, [0, 0], [n * a, 4]), tf.tensor2d(l1T, [n * a, 4]))), fgT)),
          F,
        ) as tf.Scalar)
      : tf.scalar(0);
    // without the option the sum is the three terms alone (bit-identical to the loss before it existed)
    const total = tf.addN([tf.mul(iou, opts.iouLossWeight ?? 5), obj, cls, ...(opts.l1 ? [l1] : [])]) as tf.Scalar;
    return { total, iou, obj, cls, l1 };
  });
  return { ...parts, numFg };
}
