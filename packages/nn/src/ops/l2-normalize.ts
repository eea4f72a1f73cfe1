import * as tf from '@tensorflow/tfjs';

/**
 * x / max(‖x‖₂, eps) along `axis` (PyTorch `F.normalize`). Written as x·rsqrt(max(Σx², eps²)) so
 * an all-zero vector gives 0 with a zero (not NaN) gradient. x: any shape → same shape.
 *
 * @example
 *   const unit = l2Normalize(features, -1); // [N,H,W,C], each pixel's C-vector has norm 1
 */
export function l2Normalize(x: tf.Tensor, axis = -1, eps = 1e-12): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), eps * eps))));
}

/**
 * x / (‖x‖₂ + eps) along `axis` (the SKD pair-wise convention, eps 1e-8). The norm is taken as
 * √max(Σx², 1e-30) so an all-zero vector has a finite gradient; this changes values only where
 * ‖x‖ < 1e-15, far below eps. x: any shape → same shape.
 */
export function l2NormalizePlusEps(x: tf.Tensor, axis = -1, eps = 1e-8): tf.Tensor {
  return tf.tidy(() => tf.div(x, tf.add(tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-30)), eps)));
}
