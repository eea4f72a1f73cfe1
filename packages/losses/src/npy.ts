import * as tf from '@tensorflow/tfjs';
import { DataError, type NpyArray } from '@kd/core';

/**
 * An NCHW or NHWC rank-4 `.npy` array as an NHWC tensor.
 */
export function npyToNhwc(a: NpyArray, layout: 'nchw' | 'nhwc', source = '.npy'): tf.Tensor4D {
  if (a.shape.length !== 4)
    throw new DataError(`expected a rank-4 array (${layout.toUpperCase()}), got shape (${a.shape.join(', ')})`, source);
  return tf.tidy(() => {
    const t = tf.tensor4d(a.data, a.shape as [number, number, number, number]);
    return layout === 'nchw' ? (tf.transpose(t, [0, 2, 3, 1]) as tf.Tensor4D) : t;
  });
}
