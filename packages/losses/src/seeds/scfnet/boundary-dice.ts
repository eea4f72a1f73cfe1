import * as tf from '@tensorflow/tfjs';
import { DataError } from '@kd/core';
import { assertSameShape } from '../../shape-checks.ts';

/**
 * KD-SCFNet's progressive boundary size (PBSM): the dilation kernel for 0-indexed `epoch`,
 *   s = max(1, 13 − 2·⌊(epoch + 1)/10⌋)
 * — 13 for epochs 0–8, 11 for 9–18, …, 1 from epoch 59 on.
 */
export function pbsmKernelSize(epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0)
    throw new DataError(`pbsmKernelSize: epoch must be an integer >= 0, got ${epoch}`);
  return Math.max(1, 13 - 2 * Math.floor((epoch + 1) / 10));
}

/**
 * Inner one-pixel boundary band of a (soft) foreground map:
 *   b(x) = maxpool_{3×3, s1, p1}(1 − x) − (1 − x)
 * (border padding is ignored by the max, as in Paddle/PyTorch). x: [N,H,W,1] in [0,1] → same.
 */
export function boundaryBand(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const inv = tf.sub(1, x) as tf.Tensor4D;
    return tf.sub(tf.maxPool(inv, 3, 1, 'same'), inv) as tf.Tensor4D;
  });
}

/**
 * SCFNet boundary dice: the boundary bands of σ(logits) and of the mask, each dilated by a
 * stride-1 max-pool of odd size `kernel` (see `pbsmKernelSize`), compared with soft dice per image:
 *   L = mean_n [1 − (2Σ b_p·b_m + smooth) / (Σ b_p + Σ b_m + smooth)]
 * logits, mask: [N,H,W,1]; mask in [0,1]. An all-background or all-foreground mask has an empty
 * band and gives 1 − smooth/(Σb_p + smooth).
 *
 * @example
 *   const l = boundaryDice(out, mask, pbsmKernelSize(epoch));
 */
export function boundaryDice(logits: tf.Tensor4D, mask: tf.Tensor4D, kernel: number, smooth = 1): tf.Scalar {
  assertSameShape('boundaryDice', 'logits', logits, 'mask', mask);
  if (!Number.isInteger(kernel) || kernel < 1 || kernel % 2 === 0) {
    throw new DataError(`boundaryDice: kernel must be an odd integer >= 1, got ${kernel}`);
  }
  return tf.tidy(() => {
    const dilate = (b: tf.Tensor4D) => (kernel === 1 ? b : tf.maxPool(b, kernel, 1, 'same'));
    const bp = dilate(boundaryBand(tf.sigmoid(logits) as tf.Tensor4D));
    const bm = dilate(boundaryBand(mask));
    const inter = tf.sum(tf.mul(bp, bm), [1, 2, 3]); // [N]
    const union = tf.add(tf.sum(bp, [1, 2, 3]), tf.sum(bm, [1, 2, 3])); // [N]
    return tf.mean(tf.sub(1, tf.div(tf.add(tf.mul(inter, 2), smooth), tf.add(union, smooth)))) as tf.Scalar;
  });
}
