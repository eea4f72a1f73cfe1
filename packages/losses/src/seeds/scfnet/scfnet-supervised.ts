import * as tf from '@tensorflow/tfjs';
import { boundaryDice, pbsmKernelSize } from './boundary-dice.ts';
import { SCFNET_OUTPUT_WEIGHTS } from './soft-dice-kd.ts';
import { softDice } from '../../task/soft-dice.ts';

/**
 * Fully-supervised SCFNet loss (docs/methods/kd-scfnet.md#losses, `train_FS.py`): for each output k at input
 * resolution, L_k = dice(σ(o_k), m) + boundaryDice(o_k, m, s(epoch)), and
 *   L = L_2 + L_3/2 + L_4/4 + L_5/8,   s(epoch) = max(1, 13 − 2⌊(epoch+1)/10⌋).
 * outputs: k × [N,H,W,1] logits (main output first); mask: [N,H,W,1] in [0,1];
 * epoch: 0-indexed training epoch.
 *
 * @example
 *   const loss = scfnetSupervisedLoss(model.forward(x), mask, epoch);
 */
export function scfnetSupervisedLoss(
  outputs: readonly tf.Tensor4D[],
  mask: tf.Tensor4D,
  epoch: number,
  weights: readonly number[] = SCFNET_OUTPUT_WEIGHTS,
): tf.Scalar {
  const kernel = pbsmKernelSize(epoch);
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    outputs.forEach((o, k) => {
      const lk = tf.add(softDice(o, mask), boundaryDice(o, mask, kernel));
      total = tf.add(total, tf.mul(lk, weights[k] ?? 2 ** -k));
    });
    return total as tf.Scalar;
  });
}
