import * as tf from '@tensorflow/tfjs';
import { Module, countingOps, reportOp } from '@kd/core';

/**
 * PyTorch `nn.PReLU(C)`: per-channel y = max(0,x) + a_c·min(0,x), a initialised to 0.25.
 * x [N,H,W,C] → same shape. Parameter name `weight` ([C]), as in the official state_dicts.
 */
export class PReLU extends Module {
  readonly weight: tf.Variable;

  constructor(readonly channels: number, init = 0.25) {
    super();
    this.weight = this.param('weight', tf.fill([channels], init));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const y = tf.prelu(x, this.weight as unknown as tf.Tensor4D) as tf.Tensor4D;
    if (countingOps()) reportOp({ kind: 'elementwise', name: 'prelu', macs: 0, flops: y.size, outShape: y.shape });
    return y;
  }
}
