import * as tf from '@tensorflow/tfjs';
import type { Conv2d } from '@kd/nn';

/** Sets a conv's bias to 0 (Paddle's default and SCFNet's `weight_init`); returns the conv. */
export function zeroBias<C extends Conv2d>(conv: C): C {
  if (conv.bias) tf.tidy(() => conv.bias!.assign(tf.zeros(conv.bias!.shape)));
  return conv;
}
