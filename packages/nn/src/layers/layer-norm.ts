import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.ts';

/**
 * LayerNorm over the channel axis of NHWC maps with a per-channel affine (γ = 1, β = 0 init).
 * On a [N,1,1,C] context vector this is PyTorch's `LayerNorm([C,1,1])` (the GcBlock MLP).
 * Biased variance, eps 1e-5. x: [N,H,W,C] → same.
 */
export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly channels: number,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.param('weight', tf.ones([channels]));
    this.bias = this.param('bias', tf.zeros([channels]));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(xhat, this.weight), this.bias) as tf.Tensor4D;
    });
  }
}
