import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module } from '@kd/nn';
import { concatChannels, maxPool } from '../../layers/ops.ts';
import { BaseConv } from './base-conv.ts';

/**
 * YOLOX `SPPBottleneck`: hidden = ⌊cin/2⌋;
 *   y = conv2₁ₓ₁([ h ‖ maxpool₅(h) ‖ maxpool₉(h) ‖ maxpool₁₃(h) ]),  h = conv1₁ₓ₁(x)
 * with stride-1 max pools padded by k/2 (padding never wins). x [N,H,W,cin] → [N,H,W,cout].
 */
export class SppBottleneck extends Module {
  readonly conv1: BaseConv;
  readonly conv2: BaseConv;

  constructor(
    rng: Rng,
    cin: number,
    cout: number,
    readonly kernels: readonly number[] = [5, 9, 13],
  ) {
    super();
    const hidden = Math.floor(cin / 2);
    this.conv1 = this.child('conv1', new BaseConv(rng, cin, hidden, { kernel: 1 }));
    this.conv2 = this.child('conv2', new BaseConv(rng, hidden * (kernels.length + 1), cout, { kernel: 1 }));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const h = this.conv1.forward(x);
      return this.conv2.forward(concatChannels([h, ...this.kernels.map((k) => maxPool(h, k, 1, k >> 1))]));
    });
  }
}
