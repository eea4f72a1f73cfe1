import * as tf from '@tensorflow/tfjs';

/**
 * Identity in the forward pass, zero gradient in the backward pass (PyTorch `.detach()`).
 * tfjs has no stop-gradient op; a custom gradient that returns zeros gives the same result for
 * `tf.grads`/`variableGrads`. x: any shape → same shape.
 *
 * @example
 *   const y = stopGradient(activation); // used as a constant coefficient
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad(((a: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return { value: a.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as T;
}
