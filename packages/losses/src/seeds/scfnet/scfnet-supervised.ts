import * as tf from '@tensorflow/tfjs';
import { boundaryDice, pbsmKernelSize } from './boundary-dice.ts';
import { SCFNET_OUTPUT_WEIGHTS } from './soft-dice-kd.ts';
import { softDice } from '../../task/soft-dice.ts';
import { defineLoss, randomTensor } from '../../define-loss.ts';

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

export interface ScfnetSupervisedInputs {
  /** k × [N,H,W,1] logits, main output first. */
  outputs: readonly tf.Tensor4D[];
  /** [N,H,W,1] mask in [0,1]. */
  mask: tf.Tensor4D;
  /** 0-indexed training epoch (sets the PBSM kernel). */
  epoch: number;
}

export const scfnetSupervisedDef = defineLoss({
  name: 'scfnet-supervised',
  doc: 'SCFNet FS: dice + PBSM boundary dice per output, weights 1, ½, ¼, ⅛',
  inputs: {
    outputs: { kind: 'nhwc[]', doc: 'k × [N,H,W,1] logits, main first' },
    mask: { kind: 'nhwc', doc: '[N,H,W,1] mask in [0,1]' },
    epoch: { kind: 'number', doc: '0-indexed epoch' },
  },
  agree: [['outputs', 'mask', 'shape']],
  options: {
    weights: {
      type: 'object',
      default: SCFNET_OUTPUT_WEIGHTS,
      doc: 'per-output weights (number[]); further outputs halve',
    },
  },
  compute: ({ outputs, mask, epoch }: ScfnetSupervisedInputs, o: { weights?: number[] }) =>
    scfnetSupervisedLoss(outputs, mask, epoch, o.weights),
  example: (rng) => ({
    inputs: {
      outputs: [0, 1].map(() => randomTensor<tf.Rank.R4>(rng, [2, 8, 8, 1], 2)),
      mask: tf.tidy(() => tf.cast(tf.greater(randomTensor(rng, [2, 8, 8, 1]), 0), 'float32')) as tf.Tensor4D,
      epoch: 3,
    },
    options: {},
  }),
  differentiable: 'outputs',
});
