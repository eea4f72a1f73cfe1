import { iouXyxy } from './box-ops.ts';

/**
 * Greedy non-maximum suppression: visit boxes by score, descending (ties: lower index first);
 * keep a box unless its IoU with an already kept box is > `iouThreshold` (mmcv `nms`:
 * suppress when IoU > threshold). boxes: [M·4] corners; returns kept indices in score order.
 */
export function nms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  iouThreshold: number,
  maxKeep = Infinity,
): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxKeep) break;
    let ok = true;
    for (const j of kept) {
      if (iouXyxy(boxes, boxes, 4 * i, 4 * j) > iouThreshold) {
        ok = false;
        break;
      }
    }
    if (ok) kept.push(i);
  }
  return kept;
}

/**
 * Class-aware NMS (mmcv `batched_nms`): boxes of different classes never suppress each other.
 * Returns kept indices sorted by score, descending, cut to `maxKeep`.
 */
export function classAwareNms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  classes: ArrayLike<number>,
  iouThreshold: number,
  maxKeep = Infinity,
): number[] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < scores.length; i++) {
    const list = byClass.get(classes[i]);
    if (list) list.push(i);
    else byClass.set(classes[i], [i]);
  }
  const kept: number[] = [];
  for (const idx of byClass.values()) {
    const b = new Float32Array(idx.length * 4),
      s = new Float32Array(idx.length);
    idx.forEach((i, k) => {
      for (let c = 0; c < 4; c++) b[4 * k + c] = boxes[4 * i + c];
      s[k] = scores[i];
    });
    for (const k of nms(b, s, iouThreshold)) kept.push(idx[k]);
  }
  return kept.sort((a, b) => scores[b] - scores[a] || a - b).slice(0, maxKeep);
}
