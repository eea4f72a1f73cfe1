import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '@kd/nn';
import { assertSameShape } from '../../shape-checks.ts';
import { PAIR_INPUTS, defineLoss, randomPair, type PairInputs } from '../../define-loss.ts';

/**
 * Knowledge Adaptation's adaptation loss (He et al., CVPR 2019, p = 1, q = 2):
 *   L_adapt = mean_{n,i} | ẑ_{n,i} − â_{n,i} |,   ẑ_n = vec(E(Φ_t)_n)/‖vec(E(Φ_t)_n)‖₂,
 *                                                   â_n = vec(C_f(Φ_s)_n)/‖vec(C_f(Φ_s)_n)‖₂
 * Each sample's whole map is flattened and L2-normalised, then the mean absolute difference
 * (torchdistill's KTA reduction). latent (translated teacher code), adapted (student after the
 * feature adapter): [N,H,W,C], same shape. Identical inputs give 0.
 *
 * @example
 *   const l = kaAdaptationLoss(ae.encode(teacherFeat), featureAdapter.forward(studentFeat));
 */
export function kaAdaptationLoss(latent: tf.Tensor4D, adapted: tf.Tensor4D): tf.Scalar {
  assertSameShape('ka-adaptation', 'latent (teacher code)', latent, 'adapted student', adapted);
  return tf.tidy(() => {
    const n = latent.shape[0];
    const z = l2Normalize(tf.reshape(latent, [n, -1]), -1); // [N,HWC]
    const a = l2Normalize(tf.reshape(adapted, [n, -1]), -1); // [N,HWC]
    return tf.mean(tf.abs(tf.sub(z, a))) as tf.Scalar;
  });
}

export const kaAdaptationDef = defineLoss({
  name: 'ka-adaptation',
  doc: 'Knowledge Adaptation: L1 between L2-normalised teacher code (teacher) and adapted student (student)',
  inputs: PAIR_INPUTS,
  agree: [['student', 'teacher', 'shape']],
  options: {},
  compute: ({ student, teacher }: PairInputs, _o: Record<string, never>) => kaAdaptationLoss(teacher, student),
  example: (rng) => ({ inputs: randomPair(rng, [2, 4, 3, 5]), options: {} }),
  differentiable: 'student',
});
