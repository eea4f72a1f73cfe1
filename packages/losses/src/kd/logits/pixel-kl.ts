import * as tf from '@tensorflow/tfjs';
import { assertPositive, assertSameShape } from '../../shape-checks.ts';
import { PAIR_INPUTS, defineLoss, randomPair, type PairInputs } from '../../define-loss.ts';

export interface PixelKlOptions {
  /** Softmax temperature T (default 1). */
  T?: number;
}

/**
 * Pixel-wise KL distillation of class logits (Hinton KD applied at every pixel):
 *   L = T² · mean_{n,h,w} Σ_c p_t(c) · (log p_t(c) − log p_s(c)),   p = softmax_c(z / T)
 * i.e. KL(p_t ‖ p_s) averaged over pixels. Log-probabilities come from a log-softmax, so logits
 * of ±80 stay finite. student, teacher: [N,H,W,C] logits (teacher treated as a constant by the
 * caller). Identical inputs give 0.
 *
 * @example
 *   const loss = pixelKl(studentLogits, teacherLogits, { T: 4 });
 */
export function pixelKl(student: tf.Tensor4D, teacher: tf.Tensor4D, { T = 1 }: PixelKlOptions = {}): tf.Scalar {
  assertSameShape('pixel-kl', 'student', student, 'teacher', teacher);
  assertPositive('pixel-kl', 'T', T);
  return tf.tidy(() => {
    const logPs = tf.logSoftmax(tf.div(student, T)); // [N,H,W,C]
    const logPt = tf.logSoftmax(tf.div(teacher, T)); // [N,H,W,C]
    const kl = tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), -1); // [N,H,W]
    return tf.mul(tf.mean(kl), T * T) as tf.Scalar;
  });
}

export const pixelKlDef = defineLoss({
  name: 'pixel-kl',
  doc: 'T²·mean over pixels of KL(softmax(t/T) ‖ softmax(s/T))',
  inputs: PAIR_INPUTS,
  agree: [['student', 'teacher', 'shape']],
  options: { T: { type: 'number', default: 1, positive: true, doc: 'softmax temperature' } },
  compute: ({ student, teacher }: PairInputs, o: PixelKlOptions) => pixelKl(student, teacher, o),
  example: (rng) => ({ inputs: randomPair(rng, [2, 3, 4, 5], undefined, 3), options: { T: 2 } }),
  differentiable: 'student',
});
