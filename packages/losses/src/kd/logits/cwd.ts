import * as tf from '@tensorflow/tfjs';
import { assertPositive, assertSameShape } from '../../shape-checks.ts';
import { PAIR_INPUTS, defineLoss, randomPair, type PairInputs } from '../../define-loss.ts';

export interface CwdOptions {
  /** Temperature τ of the spatial softmax (default 4, the CWD paper's segmentation setting). */
  T?: number;
}

/**
 * Channel-wise distillation (Shu et al., ICCV 2021). Each channel's map is turned into a
 * distribution over the H·W positions, φ(y_c) = softmax_hw(y_c / τ), and
 *   L = τ² / (N·C) · Σ_{n,c} Σ_i φ(y^T_{n,c})_i · (log φ(y^T_{n,c})_i − log φ(y^S_{n,c})_i).
 * student, teacher: [N,H,W,C] (logits or features of the same shape). Identical inputs give 0.
 *
 * @example
 *   const loss = channelWiseDistillation(studentLogits, teacherLogits, { T: 4 });
 */
export function channelWiseDistillation(
  student: tf.Tensor4D,
  teacher: tf.Tensor4D,
  { T = 4 }: CwdOptions = {},
): tf.Scalar {
  assertSameShape('cwd', 'student', student, 'teacher', teacher);
  assertPositive('cwd', 'T', T);
  return tf.tidy(() => {
    const [n, h, w, c] = student.shape;
    const perChannel = (x: tf.Tensor4D) =>
      tf.logSoftmax(tf.transpose(tf.reshape(tf.div(x, T), [n, h * w, c]), [0, 2, 1])); // [N,C,HW]
    const logPs = perChannel(student);
    const logPt = perChannel(teacher);
    const kl = tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)));
    return tf.mul(kl, (T * T) / (n * c)) as tf.Scalar;
  });
}

export const cwdDef = defineLoss({
  name: 'cwd',
  doc: 'channel-wise distillation: T²/(N·C)·Σ KL of per-channel spatial softmax',
  inputs: PAIR_INPUTS,
  agree: [['student', 'teacher', 'shape']],
  options: { T: { type: 'number', default: 4, positive: true, doc: 'softmax temperature' } },
  compute: ({ student, teacher }: PairInputs, o: CwdOptions) => channelWiseDistillation(student, teacher, o),
  example: (rng) => ({ inputs: randomPair(rng, [2, 3, 4, 5], undefined, 3), options: {} }),
  differentiable: 'student',
});
