import * as tf from '@tensorflow/tfjs';
import { DataError } from '@kd/core';
import { fmtShape } from '../shape-checks.ts';

/**
 * Pixel-wise softmax cross-entropy with an ignore label (PyTorch `cross_entropy(ignore_index=255)`,
 * reduction mean over the non-ignored pixels):
 *   L = (1/|V|) Σ_{p∈V} −log softmax(z_p)[y_p],   V = {p : y_p ≠ ignore}
 * logits: [N,H,W,K]; labels: [N,H,W] integer class ids (int32 or float). All pixels ignored → 0.
 *
 * @example
 *   const ce = crossEntropyIgnore(logits, labels); // labels with 255 for void
 */
export function crossEntropyIgnore(logits: tf.Tensor4D, labels: tf.Tensor3D, ignoreIndex = 255): tf.Scalar {
  const [n, h, w, k] = logits.shape;
  if (labels.rank !== 3 || labels.shape[0] !== n || labels.shape[1] !== h || labels.shape[2] !== w) {
    throw new DataError(`crossEntropyIgnore: logits ${fmtShape(logits)} and labels ${fmtShape(labels)} must be [N,H,W,K] and [N,H,W]`);
  }
  return tf.tidy(() => {
    const y = tf.cast(labels, 'int32');
    const valid = tf.cast(tf.notEqual(y, ignoreIndex), 'float32'); // [N,H,W]
    const safe = tf.where(tf.notEqual(y, ignoreIndex), y, tf.zerosLike(y)); // ignore → class 0
    const onehot = tf.oneHot(safe, k); // [N,H,W,K]
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), onehot), -1)); // [N,H,W]
    const count = tf.sum(valid);
    return tf.div(tf.sum(tf.mul(nll, valid)), tf.maximum(count, 1)) as tf.Scalar;
  });
}
