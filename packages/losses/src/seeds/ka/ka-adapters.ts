import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';

/**
 * Knowledge Adaptation's feature adapter C_f on the student's last features:
 * conv3×3 (s1, p1, no bias) → BN → ReLU. [N,H,W,Cs] → [N,H,W,Cout] (Cout = the code's channels).
 *
 * @example
 *   const cf = new KaFeatureAdapter(rng.fork('cf'), 320, ae.channels[2]);
 */
export class KaFeatureAdapter extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;

  constructor(rng: Rng, inChannels: number, outChannels: number) {
    super();
    this.conv = this.child('conv', new Conv2d(rng, inChannels, outChannels, { kernel: 3, padding: 1, bias: false }));
    this.bn = this.child('bn', new BatchNorm2d(outChannels));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.relu(this.bn.forward(this.conv.forward(x))) as tf.Tensor4D);
  }
}

/**
 * Knowledge Adaptation's affinity adapter C_a: a plain conv3×3 (s1, p1, with bias), the paper
 * giving no further detail (torchdistill uses the same). [N,H,W,Cs] → [N,H,W,Cout].
 */
export class KaAffinityAdapter extends Module {
  readonly conv: Conv2d;

  constructor(rng: Rng, inChannels: number, outChannels: number) {
    super();
    this.conv = this.child('conv', new Conv2d(rng, inChannels, outChannels, { kernel: 3, padding: 1, bias: true }));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.conv.forward(x);
  }
}
