import * as tf from '@tensorflow/tfjs';
import { assertPositive, assertSameShape } from '../../shape-checks.ts';
import { PAIR_INPUTS, defineLoss, randomPair, type PairInputs } from '../../define-loss.ts';

export interface DistOptions {
  /** β, weight of the inter-class relation (default 1). */
  beta?: number;
  /** γ, weight of the intra-class relation (default 1). */
  gamma?: number;
  /** Softmax temperature τ (default 1). */
  T?: number;
}

/** Mean over the rows of a [R,K] pair of Pearson correlations ⟨u−ū, v−v̄⟩ / (‖u−ū‖·‖v−v̄‖ + 1e-8). */
function meanRowPearson(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  // √max(Σx², 1e-30): a constant row (norm 0) gets a finite gradient; values change only below 1e-15.
  const norm = (x: tf.Tensor) => tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1), 1e-30));
  const ac = tf.sub(a, tf.mean(a, -1, true));
  const bc = tf.sub(b, tf.mean(b, -1, true));
  return tf.mean(tf.div(tf.sum(tf.mul(ac, bc), -1), tf.add(tf.mul(norm(ac), norm(bc)), 1e-8))) as tf.Scalar;
}

/**
 * DIST (Huang et al., NeurIPS 2022, "Knowledge Distillation from A Stronger Teacher"): match the
 * relations of the predictions, not their values. With P = N·H·W pixels and K classes,
 * Y = softmax_c(Z/τ) reshaped to [P,K] for student and teacher, ρ the Pearson correlation
 * ⟨u−ū, v−v̄⟩ / (‖u−ū‖·‖v−v̄‖ + 1e-8),
 *   L_inter = 1 − (1/P) Σ_p ρ(Y^S_{p,:}, Y^T_{p,:})   (per pixel, over the classes)
 *   L_intra = 1 − (1/K) Σ_c ρ(Y^S_{:,c}, Y^T_{:,c})   (per class, over all pixels of the batch)
 *   L = τ² · (β·L_inter + γ·L_intra),   β = γ = τ = 1 by default
 * — the official code's dense form (logits flattened to [N·H·W, K]); for [N,1,1,K] it is the
 * classification loss. student, teacher: [N,H,W,K] logits, same shape (teacher a constant).
 * Identical inputs give ≈ 0; the loss lies in [0, 4τ²·max(β,γ)].
 *
 * @example
 *   const loss = dist(studentLogits, teacherLogits, { T: 1 });
 */
export function dist(
  student: tf.Tensor4D,
  teacher: tf.Tensor4D,
  { beta = 1, gamma = 1, T = 1 }: DistOptions = {},
): tf.Scalar {
  assertSameShape('dist', 'student', student, 'teacher', teacher);
  assertPositive('dist', 'T', T);
  return tf.tidy(() => {
    const k = student.shape[3];
    const ys = tf.softmax(tf.reshape(tf.div(student, T), [-1, k])) as tf.Tensor2D; // [P,K]
    const yt = tf.softmax(tf.reshape(tf.div(teacher, T), [-1, k])) as tf.Tensor2D; // [P,K]
    const inter = tf.sub(1, meanRowPearson(ys, yt));
    const intra = tf.sub(1, meanRowPearson(tf.transpose(ys), tf.transpose(yt))); // [K,P] rows
    return tf.mul(tf.add(tf.mul(inter, beta), tf.mul(intra, gamma)), T * T) as tf.Scalar;
  });
}

export const distDef = defineLoss({
  name: 'dist',
  doc: 'DIST: τ²·(β·(1 − Pearson per pixel over classes) + γ·(1 − Pearson per class over pixels)) of softmax(z/τ)',
  inputs: PAIR_INPUTS,
  agree: [['student', 'teacher', 'shape']],
  options: {
    beta: { type: 'number', default: 1, doc: 'β, weight of the inter-class relation' },
    gamma: { type: 'number', default: 1, doc: 'γ, weight of the intra-class relation' },
    T: { type: 'number', default: 1, positive: true, doc: 'softmax temperature' },
  },
  compute: ({ student, teacher }: PairInputs, o: DistOptions) => dist(student, teacher, o),
  example: (rng) => ({ inputs: randomPair(rng, [2, 4, 5, 6], undefined, 3), options: { T: 2 } }),
  differentiable: 'student',
});
