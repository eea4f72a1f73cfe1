import * as tf from '@tensorflow/tfjs';

/**
 * Training-mode batch normalisation over the channel axis of NHWC x, with the closed-form
 * backward pass (M = N·H·W, x̂ = (x − μ)·rstd, rstd = 1/√(σ² + ε)):
 *   y = γ·x̂ + β
 *   dx = γ·rstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)),  dγ = Σ(dy·x̂),  dβ = Σdy
 * tfjs's generic BatchNorm gradient differentiates through the batch moments and tiles
 * per-channel vectors to the full tensor size; this computes the same values in a few passes.
 * `mean` and `variance` (biased) are the batch moments of x, passed in so the caller can reuse
 * them for running statistics; they are treated as functions of x through the formula above.
 */
export function batchNormTrain(x: tf.Tensor4D, mean: tf.Tensor1D, variance: tf.Tensor1D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor4D {
  const f = tf.customGrad(((xIn: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(xIn, mean), rstd);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs, gm] = saved;
        const M = xh.size / xh.shape[3]!;
        const sumDy = tf.sum(dy, [0, 1, 2]);
        const sumDyXhat = tf.sum(tf.mul(dy, xh), [0, 1, 2]);
        const scale = tf.div(tf.mul(gm, rs), M);
        const dx = tf.mul(scale, tf.sub(tf.sub(tf.mul(dy, M), sumDy), tf.mul(xh, sumDyXhat)));
        return [dx, sumDyXhat, sumDy];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, gamma, beta) as tf.Tensor4D;
}
