import * as tf from '@tensorflow/tfjs';
import { hasKernel, trainKernelsUsable } from '../wasm-grad/train-kernels.ts';
import { prelu } from './prelu.ts';

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
 *
 * On wasm (with our SIMD module) the moments, the normalisation and the whole backward pass are
 * three fused kernels (wasm-grad/train-kernels.ts) that round exactly like the ops below: same
 * results bit for bit, 3 + 2 passes over x instead of ~15 broadcast ops.
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  onMoments?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  if (trainKernelsUsable(x)) return batchNormTrainFused(x, gamma, beta, eps, onMoments);
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

/** The same op through the wasm kernels KdBatchNormStats / KdBatchNormApply / KdBatchNormGrad. */
function batchNormTrainFused(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  onMoments?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const run = (name: string, inputs: tf.NamedTensorMap) => tf.engine().runKernel(name, inputs, {});
  const f = tf.customGrad(((xIn: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const [mean, variance] = run('KdBatchNormStats', { x: xIn }) as tf.Tensor[];
    onMoments?.(mean as tf.Tensor1D, variance as tf.Tensor1D);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    save([xIn, mean, rstd, g]);
    return {
      value: run('KdBatchNormApply', { x: xIn, mean, rstd, gamma: g, beta: b }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, rs, gm] = saved;
        return run('KdBatchNormGrad', { x: xs, dy, mean: mu, rstd: rs, gamma: gm }) as tf.Tensor[];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, gamma, beta) as tf.Tensor4D;
}

/**
 * PReLU(batchNormTrain(x, …)) with per-channel slopes `alpha` [C]. On wasm (with our SIMD module,
 * C ≥ 4) one fused op: the forward writes only the PReLU output, the backward recomputes the BN
 * output from x and runs both gradients in two streaming passes (KdBatchNormPreluForward /
 * KdBatchNormPreluGrad) — the same values bit for bit as the two ops in sequence. Elsewhere it
 * is exactly `prelu(batchNormTrain(x, gamma, beta, eps, onMoments), alpha)`.
 */
export function batchNormPreluTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  alpha: tf.Tensor1D,
  eps: number,
  onMoments?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const C = x.shape[3];
  if (!trainKernelsUsable(x) || C < 4 || alpha.size !== C || !hasKernel('KdBatchNormPreluGrad')) {
    return prelu(batchNormTrain(x, gamma, beta, eps, onMoments), alpha);
  }
  const run = (name: string, inputs: tf.NamedTensorMap) => tf.engine().runKernel(name, inputs, {});
  const f = tf.customGrad(((xIn: tf.Tensor, g: tf.Tensor, b: tf.Tensor, a: tf.Tensor, save: tf.GradSaveFunc) => {
    const [mean, variance] = run('KdBatchNormStats', { x: xIn }) as tf.Tensor[];
    onMoments?.(mean as tf.Tensor1D, variance as tf.Tensor1D);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    save([xIn, mean, rstd, g, b, a]);
    return {
      value: run('KdBatchNormPreluForward', { x: xIn, mean, rstd, gamma: g, beta: b, alpha: a }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, rs, gm, bt, al] = saved;
        return run('KdBatchNormPreluGrad', {
          x: xs,
          dy,
          mean: mu,
          rstd: rs,
          gamma: gm,
          beta: bt,
          alpha: al,
        }) as tf.Tensor[];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, gamma, beta, alpha) as tf.Tensor4D;
}
