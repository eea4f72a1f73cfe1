import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '@kd/nn';
import { assertSameSpatial } from '../../shape-checks.ts';
import { PAIR_INPUTS, defineLoss, randomPair, type PairInputs } from '../../define-loss.ts';

/**
 * Spatially normalised cosine affinity of a feature map (Knowledge Adaptation,
 * docs/methods/knowledge-adaptation.md#losses):
 *   A_ij = (1/m) · φ̂_i · φ̂_j,   φ̂_i = φ_i/‖φ_i‖₂ (the C-vector at pixel i),   m = h·w.
 * x: [N,H,W,C] → [N,m,m].
 */
export function cosineAffinity(x: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const f = tf.reshape(l2Normalize(x, -1), [n, h * w, c]); // [N,m,C]
    return tf.div(tf.matMul(f, f, false, true), h * w) as tf.Tensor3D; // [N,m,m]
  });
}

/**
 * Knowledge Adaptation's affinity loss (the paper's pixel-pair cosine form, not torchdistill's
 * per-channel variant):
 *   L_aff = mean_n (1/m) Σ_i ‖A^T_{n,i} − A^S_{n,i}‖₂
 * comparing row i of the teacher-code affinity and of the student affinity-adapter affinity.
 * latent: translated teacher code E(Φ_t) [N,H,W,Ct]; adapted: C_a(Φ_s) [N,H,W,Cs] (channels may
 * differ, spatial size must match). Identical inputs give 0. A row of zeros (identical rows)
 * has a zero, not NaN, gradient.
 *
 * @example
 *   const l = kaAffinityLoss(ae.encode(teacherFeat), affinityAdapter.forward(studentFeat));
 */
export function kaAffinityLoss(latent: tf.Tensor4D, adapted: tf.Tensor4D): tf.Scalar {
  assertSameSpatial('ka-affinity', 'latent (teacher code)', latent, 'adapted student', adapted);
  return tf.tidy(() => {
    const d = tf.sub(cosineAffinity(latent), cosineAffinity(adapted)); // [N,m,m]
    const rowNorm = tf.sqrt(tf.maximum(tf.sum(tf.square(d), -1), 1e-30)); // [N,m]; clamp keeps the 0-row gradient finite
    return tf.mean(rowNorm) as tf.Scalar;
  });
}

export const kaAffinityDef = defineLoss({
  name: 'ka-affinity',
  doc: 'Knowledge Adaptation: row-wise L2 between cosine pixel affinities of teacher code and student',
  inputs: PAIR_INPUTS,
  agree: [['student', 'teacher', 'spatial']],
  options: {},
  compute: ({ student, teacher }: PairInputs, _o: Record<string, never>) => kaAffinityLoss(teacher, student),
  example: (rng) => ({ inputs: randomPair(rng, [2, 4, 3, 3], [2, 4, 3, 5]), options: {} }),
  differentiable: 'student',
});
