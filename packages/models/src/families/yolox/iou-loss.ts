import * as tf from '@tensorflow/tfjs';

/**
 * Aligned IoU of corner boxes, pred [P,4] vs target [P,4] → [P]:
 *   overlap = max(0, min(x2) − max(x1))·max(0, min(y2) − max(y1)),
 *   IoU = overlap / max(area_p + area_t − overlap, eps).
 */
export function alignedIou(pred: tf.Tensor2D, target: tf.Tensor2D, eps = 1e-16): tf.Tensor1D {
  return tf.tidy(() => {
    const [p1, p2] = tf.split(pred, 2, 1);
    const [t1, t2] = tf.split(target, 2, 1);
    const wh = tf.relu(tf.sub(tf.minimum(p2, t2), tf.maximum(p1, t1))); // [P,2]
    const overlap = tf.prod(wh, 1);
    const area = (a: tf.Tensor, b: tf.Tensor) => tf.prod(tf.relu(tf.sub(b, a)), 1);
    const union = tf.sub(tf.add(area(p1, p2), area(t1, t2)), overlap);
    return tf.div(overlap, tf.maximum(union, eps)) as tf.Tensor1D;
  });
}

/**
 * YOLOX box loss (mmdet `IoULoss(mode='square')`, Megvii `IOUloss`): Σ_p (1 − IoU_p²),
 * summed (the caller divides by the number of positives). pred, target [P,4] corners.
 */
export function iouLossSquare(pred: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.sub(1, tf.square(alignedIou(pred, target)))) as tf.Scalar);
}

/**
 * Summed binary cross-entropy with logits, stable form Σ w·(max(x,0) − x·z + log(1 + e^{−|x|})).
 * logits and targets have the same shape; targets may be soft (YOLOX's IoU-valued class
 * targets); `weight` (optional) broadcasts against them.
 */
export function bceWithLogitsSum(logits: tf.Tensor, targets: tf.Tensor, weight?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const l = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.sum(weight ? tf.mul(l, weight) : l) as tf.Scalar;
  });
}
