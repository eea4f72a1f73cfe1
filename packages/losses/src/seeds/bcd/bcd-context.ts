import * as tf from '@tensorflow/tfjs';
import { assertPositive, assertRank } from '../../shape-checks.ts';
import { DataError } from '@kd/core';
import { adaptiveAvgPool2d, l2Normalize } from '@kd/nn';
import { PAIR_INPUTS, defineLoss, randomPair, type PairInputs } from '../../define-loss.ts';

export interface ContextDistillationOptions {
  /** τ_c of the relation softmax (default 0.1). */
  tauC?: number;
  /** Largest pooled grid [h, w] (default [32, 64], N = h·w ≤ 2,048 positions). */
  maxGrid?: [number, number];
}

/** The common grid: the smaller of the two maps per axis, capped at `maxGrid`. */
export function contextGrid(
  a: readonly number[],
  b: readonly number[],
  [mh, mw]: [number, number] = [32, 64],
): [number, number] {
  return [Math.min(a[1], b[1], mh), Math.min(a[2], b[2], mw)];
}

/** R = softmax_row(F̂ F̂ᵀ / τ) as log-probabilities: x [N,h,w,C] → [N,hw,hw]. */
export function logSelfRelation(x: tf.Tensor4D, tau: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const f = tf.reshape(l2Normalize(x, -1), [n, h * w, c]);
    return tf.logSoftmax(tf.div(tf.matMul(f, f, false, true), tau)) as tf.Tensor3D;
  });
}

/**
 * BCD context distillation (CD) — follows the paper's description (arXiv 2401.13174), not
 * released code (none exists); the exact formula is kdlab's, docs/methods/bcd.md. Both last feature
 * maps are adaptive-average-pooled to one grid of N ≤ 32×64 positions, L2-normalised per pixel,
 * and turned into self-relation matrices R = softmax_row(F̂F̂ᵀ/τ_c); then
 *   L_cd = τ_c² · (1/N) Σ_i KL(R^T_i ‖ R^S_i),   averaged over the batch.
 * Channel counts may differ. student [N,Hs,Ws,Cs], teacher [N,Ht,Wt,Ct]. Identical inputs give 0.
 *
 * Against the paper (docs/methods/bcd-equations.md): only the abstracts were reachable; they say
 * "pixel-level self-relations" carry the teacher's implicit context (v1 called the term "relation
 * distillation"). The pixel-to-pixel (not channel) relation matches that wording; the feature map
 * (last before the classifier), the pooling cap, cosine similarity, the row softmax with τ_c = 0.1
 * and the τ_c²-scaled KL are kdlab's choices, not checked against the paper's equations.
 *
 * @example
 *   const lcd = contextDistillation(studentLast, teacherLast, { tauC: 0.1 });
 */
export function contextDistillation(
  student: tf.Tensor4D,
  teacher: tf.Tensor4D,
  { tauC = 0.1, maxGrid = [32, 64] }: ContextDistillationOptions = {},
): tf.Scalar {
  assertRank('bcd-context', 'student', student, 4);
  assertRank('bcd-context', 'teacher', teacher, 4);
  assertPositive('bcd-context', 'tauC', tauC);
  if (student.shape[0] !== teacher.shape[0]) {
    throw new DataError(
      `bcd-context: student [${student.shape.join(',')}] and teacher [${teacher.shape.join(',')}] differ in batch size`,
    );
  }
  return tf.tidy(() => {
    const grid = contextGrid(student.shape, teacher.shape, maxGrid);
    const logRs = logSelfRelation(adaptiveAvgPool2d(student, grid), tauC); // [N,P,P]
    const logRt = logSelfRelation(adaptiveAvgPool2d(teacher, grid), tauC);
    const kl = tf.sum(tf.mul(tf.exp(logRt), tf.sub(logRt, logRs)), -1); // [N,P]
    return tf.mul(tf.mean(kl), tauC * tauC) as tf.Scalar;
  });
}

export const bcdContextDef = defineLoss({
  name: 'bcd-context',
  doc: 'BCD context distillation: KL of pixel self-relations (paper description, not released code)',
  inputs: PAIR_INPUTS,
  // Channels and grids may differ (both are pooled to one grid).
  agree: [['student', 'teacher', 'batch']],
  options: {
    tauC: { type: 'number', default: 0.1, positive: true, doc: 'τ_c of the relation softmax' },
    maxGrid: { type: 'int[]', length: 2, default: [32, 64], doc: 'largest pooled grid H W' },
  },
  compute: ({ student, teacher }: PairInputs, o: ContextDistillationOptions) =>
    contextDistillation(student, teacher, o),
  example: (rng) => ({ inputs: randomPair(rng, [2, 6, 10, 4], [2, 5, 7, 7]), options: {} }),
  differentiable: 'student',
});
