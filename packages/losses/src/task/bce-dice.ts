import * as tf from '@tensorflow/tfjs';
import { SCFNET_OUTPUT_WEIGHTS } from '../seeds/scfnet/soft-dice-kd.ts';
import { softDice } from './soft-dice.ts';
import { defineLoss, randomTensor } from '../define-loss.ts';

/**
 * Binary cross-entropy with logits, mean over pixels (numerically stable form
 * max(x,0) − x·y + log(1 + e^−|x|)). logits, target: [N,H,W,1], target in [0,1].
 */
export function bceWithLogits(logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(loss) as tf.Scalar;
  });
}

/**
 * Deep-supervised SOD loss for the quickstart pair: Σ_k w_k (BCE + soft dice) over the outputs
 * against the mask, weights 1, ½, ¼, ⅛ as in SCFNet. outputs: k × [N,H,W,1] logits; mask [N,H,W,1].
 */
export function bceDiceDeepSupervision(
  outputs: readonly tf.Tensor4D[],
  mask: tf.Tensor4D,
  weights = SCFNET_OUTPUT_WEIGHTS,
): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    outputs.forEach((o, k) => {
      total = tf.add(total, tf.mul(tf.add(bceWithLogits(o, mask), softDice(o, mask)), weights[k] ?? 2 ** -k));
    });
    return total as tf.Scalar;
  });
}

export interface DeepSupervisionInputs {
  /** k × [N,H,W,1] logits, main output first. */
  outputs: readonly tf.Tensor4D[];
  /** [N,H,W,1] mask in [0,1]. */
  mask: tf.Tensor4D;
}

export const bceDiceDef = defineLoss({
  name: 'bce-dice',
  doc: 'deep-supervised SOD loss: Σ_k w_k·(BCE + soft dice), weights 1, ½, ¼, ⅛',
  inputs: {
    outputs: { kind: 'nhwc[]', doc: 'k × [N,H,W,1] logits, main first' },
    mask: { kind: 'nhwc', doc: '[N,H,W,1] mask in [0,1]' },
  },
  agree: [['outputs', 'mask', 'shape']],
  options: {
    weights: {
      type: 'object',
      default: SCFNET_OUTPUT_WEIGHTS,
      doc: 'per-output weights (number[]); further outputs halve',
    },
  },
  compute: ({ outputs, mask }: DeepSupervisionInputs, o: { weights?: number[] }) =>
    bceDiceDeepSupervision(outputs, mask, o.weights),
  example: (rng) => ({
    inputs: {
      outputs: [0, 1].map(() => randomTensor<tf.Rank.R4>(rng, [2, 6, 6, 1], 2)),
      mask: tf.tidy(() => tf.cast(tf.greater(randomTensor(rng, [2, 6, 6, 1]), 0), 'float32')) as tf.Tensor4D,
    },
    options: {},
  }),
  differentiable: 'outputs',
});
