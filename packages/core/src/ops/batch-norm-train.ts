import * as tf from '@tensorflow/tfjs';

/**
 * Training-mode batch normalisation over the channel axis of NHWC x, with the closed-form
 * backward pass (M = N·H·W, x̂ = (x − μ)·rstd, rstd = 1/√(σ² + ε)):
 *   y = γ·x̂ + β
 *   dx = γ·rstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)),  dγ = Σ(dy·x̂),  dβ = Σdy
 * tfjs's generic BatchNorm gradient differentiates through the batch moments and tiles
 * per-channel vectors to the full tensor size; this computes the same values in a few passes.
 * The batch moments (biased variance) are computed inside the custom-gradient forward, off the
 * tape, so no full-size temporaries of the moment computation are held until the backward pass;
 * `onMoments(mean, variance)` receives them (valid during the call) for running statistics.
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, onMoments?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void): tf.Tensor4D {
  const f = tf.customGrad(((xIn: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const { mean, variance } = tf.moments(xIn, [0, 1, 2]);
    onMoments?.(mean as tf.Tensor1D, variance as tf.Tensor1D);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    // Save x (kept alive anyway as the input) rather than x̂: one full-size tensor less per BN
    // layer held until the backward pass; x̂ is recomputed there.
    save([xIn, mean, rstd, g]);
    return {
      value: tf.add(tf.mul(tf.mul(tf.sub(xIn, mean), rstd), g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, rs, gm] = saved;
        const xh = tf.mul(tf.sub(xs, mu), rs);
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
