import * as tf from '@tensorflow/tfjs';
import { assertSameShape } from '../../shape-checks.ts';

/**
 * FitNets hint loss (Romero et al., ICLR 2015): mean squared error between the student's
 * feature after its regressor (a connector, see `connectorFor`) and the teacher's hint,
 *   L = mean_{n,h,w,c} (r(F_s) − F_t)².
 * studentAdapted, teacher: [N,H,W,C], same shape. Identical inputs give 0.
 *
 * @example
 *   const connector = connectorFor(rng, studentTap, teacherTap);
 *   const loss = fitnet(connector.forward(studentFeat, teacherFeat), teacherFeat);
 */
export function fitnet(studentAdapted: tf.Tensor4D, teacher: tf.Tensor4D): tf.Scalar {
  assertSameShape('fitnet', 'student (after connector)', studentAdapted, 'teacher', teacher);
  return tf.tidy(() => tf.mean(tf.squaredDifference(studentAdapted, teacher)) as tf.Scalar);
}
