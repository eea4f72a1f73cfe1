import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { kaimingNormal } from '@kd/nn';

/**
 * Paddle's `KaimingNormal()` as SCFNet's `weight_init` uses it: N(0, 2/fan_in), fan_in = k·k·in
 * (HWIO weight). Pass as a Conv2d `init`.
 */
export function kaimingNormalFanIn(rng: Rng, shape: number[], fanIn: number): tf.Tensor {
  return kaimingNormal(rng, shape, fanIn);
}

/** PyTorch torchvision's ResNet/DeepLab init: kaiming_normal(mode='fan_out', relu): N(0, 2/fan_out). */
export function kaimingNormalFanOut(rng: Rng, shape: number[], _fanIn: number, fanOut: number): tf.Tensor {
  return kaimingNormal(rng, shape, fanOut);
}
