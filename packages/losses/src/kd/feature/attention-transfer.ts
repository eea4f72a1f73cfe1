import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '@kd/nn';
import { assertSameSpatial } from '../../shape-checks.ts';
import { PAIR_INPUTS, defineLoss, randomPair, type PairInputs } from '../../define-loss.ts';

export interface AttentionTransferOptions {
  /** Exponent p of the attention map mean_c |F|^p (default 2, as in the paper's experiments). */
  p?: number;
}

/** Spatial attention map of Zagoruyko & Komodakis: Q = vec(mean_c |F|^p) / ‖·‖₂. x [N,H,W,C] → [N,HW]. */
export function attentionMap(x: tf.Tensor4D, p = 2): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    const a = p === 2 ? tf.mean(tf.square(x), -1) : tf.mean(tf.pow(tf.abs(x), p), -1); // [N,H,W]
    return l2Normalize(tf.reshape(a, [n, h * w]), -1) as tf.Tensor2D;
  });
}

/**
 * Attention transfer (Zagoruyko & Komodakis, ICLR 2017), the reference code's form:
 *   L = mean_{n,i} (Q_s − Q_t)²,   Q = vec(mean_c |F|^p) / ‖vec(mean_c |F|^p)‖₂.
 * The paper weights each tapped pair by β/2 with β = 1000; apply that weight outside.
 * Channel counts may differ. student [N,H,W,Cs], teacher [N,H,W,Ct]. Identical inputs give 0.
 *
 * @example
 *   const loss = tf.mul(attentionTransfer(sFeat, tFeat), 1000 / 2);
 */
export function attentionTransfer(
  student: tf.Tensor4D,
  teacher: tf.Tensor4D,
  { p = 2 }: AttentionTransferOptions = {},
): tf.Scalar {
  assertSameSpatial('attention-transfer', 'student', student, 'teacher', teacher);
  return tf.tidy(() => tf.mean(tf.squaredDifference(attentionMap(student, p), attentionMap(teacher, p))) as tf.Scalar);
}

export const attentionTransferDef = defineLoss({
  name: 'attention-transfer',
  doc: 'attention transfer: mean squared difference of normalised mean_c|F|^p maps',
  inputs: PAIR_INPUTS,
  agree: [['student', 'teacher', 'spatial']],
  options: { p: { type: 'number', default: 2, positive: true, doc: 'exponent p of mean_c |F|^p' } },
  compute: ({ student, teacher }: PairInputs, o: AttentionTransferOptions) => attentionTransfer(student, teacher, o),
  example: (rng) => ({ inputs: randomPair(rng, [2, 4, 5, 3], [2, 4, 5, 6]), options: {} }),
  differentiable: 'student',
});
