import * as tf from '@tensorflow/tfjs';
import { defineLoss, randomTensor } from '../define-loss.ts';

/**
 * Soft dice loss per image, averaged over the batch (KD-SCFNet's `dice`):
 *   L = mean_n [ 1 − (2·Σ p·t + 1) / (Σ p + Σ t + 1) ],  p = σ(logits)
 * logits, target: [N,H,W,1]; target in [0,1] (a soft map is fine). Returns a scalar.
 */
export function softDice(logits: tf.Tensor4D, target: tf.Tensor4D, smooth = 1): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.sigmoid(logits);
    const inter = tf.sum(tf.mul(p, target), [1, 2, 3]);
    const denom = tf.add(tf.sum(p, [1, 2, 3]), tf.sum(target, [1, 2, 3]));
    return tf.mean(tf.sub(1, tf.div(tf.add(tf.mul(inter, 2), smooth), tf.add(denom, smooth)))) as tf.Scalar;
  });
}

export interface SoftDiceInputs {
  /** [N,H,W,1] logits. */
  logits: tf.Tensor4D;
  /** [N,H,W,1] target in [0,1]. */
  target: tf.Tensor4D;
}

export const softDiceDef = defineLoss({
  name: 'soft-dice',
  doc: 'soft dice per image of σ(logits) against a [0,1] target, mean over the batch',
  inputs: {
    logits: { kind: 'nhwc', doc: '[N,H,W,1] logits' },
    target: { kind: 'nhwc', doc: '[N,H,W,1] target in [0,1]' },
  },
  agree: [['logits', 'target', 'shape']],
  options: { smooth: { type: 'number', default: 1, doc: 'added to numerator and denominator' } },
  compute: ({ logits, target }: SoftDiceInputs, o: { smooth?: number }) => softDice(logits, target, o.smooth),
  example: (rng) => ({
    inputs: {
      logits: randomTensor<tf.Rank.R4>(rng, [2, 6, 6, 1], 2),
      target: tf.tidy(() => tf.sigmoid(randomTensor(rng, [2, 6, 6, 1], 2))) as tf.Tensor4D,
    },
    options: {},
  }),
  differentiable: 'logits',
});
