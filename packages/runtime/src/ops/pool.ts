import * as tf from '@tensorflow/tfjs';
import { hasKernel, trainKernelsUsable } from '../wasm-grad/train-kernels.ts';

/**
 * k×k pooling with stride k and no padding (non-overlapping windows, floor mode), NHWC:
 * x [N,H,W,C] → [N,⌊H/k⌋,⌊W/k⌋,C]. Forward is tf.maxPool / tf.avgPool. On wasm (with our SIMD
 * module) the backward pass is one direct kernel (KdPoolGrad) instead of the generic pool-gradient
 * kernels (a scalar 6-deep loop per dx element):
 *   max: dy goes to the first strictly greatest cell of its window (the cpu backend's rule);
 *   avg: every cell of the window gets dy/k².
 * Elsewhere it is the tfjs op with its stock gradient.
 */
export function maxPoolK(x: tf.Tensor4D, k: number): tf.Tensor4D {
  return pool(x, k, true);
}

/** Average-pool counterpart of `maxPoolK`. */
export function avgPoolK(x: tf.Tensor4D, k: number): tf.Tensor4D {
  return pool(x, k, false);
}

function pool(x: tf.Tensor4D, k: number, isMax: boolean): tf.Tensor4D {
  const fwd = (t: tf.Tensor4D) => (isMax ? tf.maxPool(t, k, k, 'valid') : tf.avgPool(t, k, k, 'valid'));
  if (!trainKernelsUsable(x) || !hasKernel('KdPoolGrad') || x.shape[1] < k || x.shape[2] < k) return fwd(x);
  const f = tf.customGrad(((xIn: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xIn]);
    return {
      value: fwd(xIn as tf.Tensor4D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel('KdPoolGrad', { x: saved[0], dy }, { k, isMax }) as tf.Tensor,
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as tf.Tensor4D;
}
