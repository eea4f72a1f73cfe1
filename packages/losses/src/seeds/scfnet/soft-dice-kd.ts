import * as tf from '@tensorflow/tfjs';
import { softDice } from '../../task/soft-dice.ts';
import { defineLoss, randomTensor } from '../../define-loss.ts';

/** KD-SCFNet output weights for (p2, p3, p4, p5). */
export const SCFNET_OUTPUT_WEIGHTS = [1, 1 / 2, 1 / 4, 1 / 8];

/**
 * KD-SCFNet distillation loss (docs/methods/kd-scfnet.md#losses): soft dice of every student output against
 * t = σ(teacher main output), weighted 1, ½, ¼, ⅛ (further outputs continue halving).
 *   L = Σ_k w_k · mean_n[1 − (2Σσ(s_k)·t + 1)/(Σσ(s_k) + Σt + 1)]
 * No ground truth, temperature or adapters. studentOutputs: k × [N,H,W,1] logits (main first);
 * teacherMain: [N,H,W,1] logits (treated as a constant).
 */
export function softDiceKd(
  studentOutputs: readonly tf.Tensor4D[],
  teacherMain: tf.Tensor4D,
  weights = SCFNET_OUTPUT_WEIGHTS,
): tf.Scalar {
  return tf.tidy(() => {
    const t = tf.sigmoid(teacherMain) as tf.Tensor4D;
    let total: tf.Tensor = tf.scalar(0);
    studentOutputs.forEach((s, k) => {
      if (s.shape[1] !== t.shape[1] || s.shape[2] !== t.shape[2]) {
        throw new Error(
          `softDiceKd: student output ${k} is ${s.shape.join('×')}, teacher main output is ${t.shape.join('×')}; sizes must match`,
        );
      }
      total = tf.add(total, tf.mul(softDice(s, t), weights[k] ?? 2 ** -k));
    });
    return total as tf.Scalar;
  });
}

export interface SoftDiceKdInputs {
  /** k × [N,H,W,1] student logits, main output first. */
  studentOutputs: readonly tf.Tensor4D[];
  /** [N,H,W,1] teacher main-output logits (a constant). */
  teacherMain: tf.Tensor4D;
}

export const softDiceKdDef = defineLoss({
  name: 'soft-dice-kd',
  doc: 'KD-SCFNet: soft dice of each student output against σ(teacher main), weights 1, ½, ¼, ⅛',
  inputs: {
    studentOutputs: { kind: 'nhwc[]', doc: 'k × [N,H,W,1] student logits, main first' },
    teacherMain: { kind: 'nhwc', doc: '[N,H,W,1] teacher main logits' },
  },
  agree: [['studentOutputs', 'teacherMain', 'spatial']],
  options: {
    weights: {
      type: 'object',
      default: SCFNET_OUTPUT_WEIGHTS,
      doc: 'per-output weights (number[]); further outputs halve',
    },
  },
  compute: ({ studentOutputs, teacherMain }: SoftDiceKdInputs, o: { weights?: number[] }) =>
    softDiceKd(studentOutputs, teacherMain, o.weights),
  example: (rng) => ({
    inputs: {
      studentOutputs: [0, 1, 2].map(() => randomTensor<tf.Rank.R4>(rng, [2, 6, 6, 1], 2)),
      teacherMain: randomTensor<tf.Rank.R4>(rng, [2, 6, 6, 1], 2),
    },
    options: {},
  }),
  differentiable: 'studentOutputs',
});
