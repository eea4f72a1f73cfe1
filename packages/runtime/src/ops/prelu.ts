import * as tf from '@tensorflow/tfjs';
import { trainKernelsUsable } from '../wasm-grad/train-kernels.ts';

/**
 * Per-channel PReLU, x [..., C], alpha [C]: y = x > 0 ? x : alpha·x (tf.prelu).
 * On wasm (with our SIMD module) the backward pass is one fused kernel (KdPreluGrad) instead of
 * tfjs's Greater/Select/Multiply/ZerosLike/Select/Multiply/Sum graph, with bit-identical results:
 *   dx = x > 0 ? dy : dy·alpha,  dalpha = Σ_{leading axes} (x > 0 ? 0 : dy·x).
 * Elsewhere (other backends, small tensors) it is tf.prelu with its stock gradient.
 */
export function prelu<T extends tf.Tensor>(x: T, alpha: tf.Tensor1D): T {
  if (!trainKernelsUsable(x) || alpha.rank !== 1 || alpha.shape[0] !== x.shape[x.rank - 1])
    return tf.prelu(x, alpha as unknown as T);
  const f = tf.customGrad(((xIn: tf.Tensor, a: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xIn, a]);
    return {
      value: tf.prelu(xIn, a),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, al] = saved;
        return tf.engine().runKernel('KdPreluGrad', { x: xs, alpha: al, dy }, {}) as tf.Tensor[];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, alpha) as T;
}
