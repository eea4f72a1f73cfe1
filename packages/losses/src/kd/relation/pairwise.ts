import * as tf from '@tensorflow/tfjs';
import { DataError } from '@kd/core';
import { l2NormalizePlusEps } from '@kd/nn';
import { assertSameSpatial } from '../../shape-checks.ts';
import { PAIR_INPUTS, defineLoss, randomPair, type PairInputs } from '../../define-loss.ts';

export interface PairwiseOptions {
  /**
   * Max-pool both maps with kernel = stride = [kh, kw] and ceil mode before building affinities
   * (SKD's patch pooling; fewer nodes, O((HW)²) memory). Default: no pooling.
   */
  poolKernel?: [number, number];
}

/** PyTorch `max_pool2d(kernel=k, stride=k, ceil_mode=True)`: the partial last window is kept. */
export function maxPoolCeil(x: tf.Tensor4D, [kh, kw]: [number, number]): tf.Tensor4D {
  const [, h, w] = x.shape;
  const padH = Math.ceil(h / kh) * kh - h;
  const padW = Math.ceil(w / kw) * kw - w;
  const pad = [
    [0, 0],
    [0, padH],
    [0, padW],
    [0, 0],
  ] as unknown as 'valid';
  return tf.maxPool(x, [kh, kw], [kh, kw], pad);
}

/**
 * Pair-wise (structured) distillation, SKD (Liu et al., CVPR 2019). Per pixel,
 * f̂ = f / (‖f‖₂ + 1e-8) over channels; a_ij = f̂_i · f̂_j over all pixel pairs; then
 *   L = 1/(N·(HW)²) · Σ_n Σ_ij (a^S_ij − a^T_ij)².
 * Channel counts may differ (the affinity is HW×HW). student [N,H,W,Cs], teacher [N,H,W,Ct].
 * Memory is N·(HW)² floats: pool first on large maps.
 *
 * @example
 *   const loss = pairwiseAffinity(studentFeat, teacherFeat, { poolKernel: [2, 2] });
 */
export function pairwiseAffinity(
  student: tf.Tensor4D,
  teacher: tf.Tensor4D,
  { poolKernel }: PairwiseOptions = {},
): tf.Scalar {
  assertSameSpatial('pairwise', 'student', student, 'teacher', teacher);
  if (poolKernel && !poolKernel.every((k) => Number.isInteger(k) && k >= 1)) {
    throw new DataError(`pairwise: poolKernel must be two integers >= 1, got [${poolKernel.join(',')}]`);
  }
  return tf.tidy(() => {
    const affinity = (x: tf.Tensor4D) => {
      const p = poolKernel ? maxPoolCeil(x, poolKernel) : x;
      const [n, h, w, c] = p.shape;
      const f = tf.reshape(l2NormalizePlusEps(p, -1), [n, h * w, c]); // [N,HW,C]
      return tf.matMul(f, f, false, true); // [N,HW,HW]
    };
    return tf.mean(tf.squaredDifference(affinity(student), affinity(teacher))) as tf.Scalar;
  });
}

export const pairwiseDef = defineLoss({
  name: 'pairwise',
  doc: 'SKD pair-wise cosine affinity, mean squared difference (optional ceil max-pool)',
  inputs: PAIR_INPUTS,
  agree: [['student', 'teacher', 'spatial']],
  options: {
    poolKernel: {
      type: 'int[]',
      length: 2,
      doc: 'max-pool kernel H W (stride = kernel, ceil mode); default no pooling',
    },
  },
  compute: ({ student, teacher }: PairInputs, o: PairwiseOptions) => pairwiseAffinity(student, teacher, o),
  example: (rng) => ({
    inputs: randomPair(rng, [2, 5, 4, 3], [2, 5, 4, 6]),
    options: { poolKernel: [2, 2] as [number, number] },
  }),
  differentiable: 'student',
});
