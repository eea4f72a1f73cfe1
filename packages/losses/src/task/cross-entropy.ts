import * as tf from '@tensorflow/tfjs';
import { DataError } from '@kd/core';
import { fmtShape } from '../shape-checks.ts';
import { defineLoss, randomTensor } from '../define-loss.ts';

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
    throw new DataError(
      `crossEntropyIgnore: logits ${fmtShape(logits)} and labels ${fmtShape(labels)} must be [N,H,W,K] and [N,H,W]`,
    );
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

export interface CrossEntropyInputs {
  /** [N,H,W,K] logits. */
  logits: tf.Tensor4D;
  /** [N,H,W] class ids, `ignoreIndex` = void. */
  labels: tf.Tensor3D;
}

export const crossEntropyDef = defineLoss({
  name: 'cross-entropy',
  doc: 'pixel-wise softmax cross-entropy, mean over the pixels whose label is not ignoreIndex (255)',
  inputs: {
    logits: { kind: 'nhwc', doc: '[N,H,W,K] logits' },
    labels: { kind: 'nhw', doc: '[N,H,W] class ids, 255 = ignore' },
  },
  agree: [['logits', 'labels', 'spatial']],
  options: { ignoreIndex: { type: 'number', default: 255, doc: 'label value that is ignored' } },
  compute: ({ logits, labels }: CrossEntropyInputs, o: { ignoreIndex?: number }) =>
    crossEntropyIgnore(logits, labels, o.ignoreIndex),
  example: (rng) => ({
    inputs: {
      logits: randomTensor<tf.Rank.R4>(rng, [2, 5, 4, 3], 2),
      labels: tf.tidy(() =>
        tf.cast(tf.floor(tf.mul(tf.sigmoid(randomTensor(rng, [2, 5, 4], 2)), 2.999)), 'int32'),
      ) as tf.Tensor3D,
    },
    options: {},
  }),
  differentiable: 'logits',
});
