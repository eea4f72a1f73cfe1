import * as tf from '@tensorflow/tfjs';

/** Activations by name, as configs and model tables write them. */
export type Activation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'hardswish' | 'hardsigmoid' | 'leakyrelu';

/** Activations tfjs fuses into conv kernels. */
export const FUSABLE: ReadonlySet<Activation> = new Set(['linear', 'relu', 'relu6', 'sigmoid', 'leakyrelu']);

/** x·relu6(x+3)/6. */
export function hardswish(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => x.mul(tf.relu6(x.add(3))).div(6));
}

/**
 * clip(slope·x + offset, 0, 1). Paddle's default slope is 0.2 (MobileNetV3 SE in PaddleClas);
 * PyTorch's is 1/6.
 */
export function hardsigmoid(x: tf.Tensor, slope = 0.2, offset = 0.5): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(x.mul(slope).add(offset), 0, 1));
}

export function activate(x: tf.Tensor, act: Activation, leakyAlpha = 0.1): tf.Tensor {
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'hardswish':
      return hardswish(x);
    case 'hardsigmoid':
      return hardsigmoid(x);
    case 'leakyrelu':
      return tf.leakyRelu(x, leakyAlpha);
  }
}
