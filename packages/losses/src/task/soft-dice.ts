import * as tf from '@tensorflow/tfjs';

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
