import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import {
  BatchNorm2d,
  Conv2d,
  Module,
  activate,
  countingOps,
  reportOp,
  type Activation,
  type Conv2dOptions,
} from '@kd/nn';

export interface ConvBnActOptions extends Conv2dOptions {
  act?: Activation;
  /** Child names of the conv and the BN: ['conv','bn'] (Paddle ConvBNLayer) or ['0','1'] (nn.Sequential). */
  names?: [string, string];
}

/**
 * conv → BatchNorm → activation, x [N,H,W,in] → [N,H',W',out]. Names follow the source code's
 * state_dict so official checkpoints map one to one.
 */
export class ConvBnAct extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly act: Activation;

  constructor(rng: Rng, cin: number, cout: number, opts: ConvBnActOptions) {
    super();
    const [cn, bn] = opts.names ?? ['conv', 'bn'];
    this.conv = this.child(cn, new Conv2d(rng, cin, cout, opts));
    this.bn = this.child(bn, new BatchNorm2d(cout));
    this.act = opts.act ?? 'linear';
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const y = activate(this.bn.forward(this.conv.forward(x)), this.act) as tf.Tensor4D;
    if (countingOps() && this.act !== 'linear') {
      reportOp({ kind: 'elementwise', name: this.act, macs: 0, flops: y.size, outShape: y.shape });
    }
    return y;
  }
}
