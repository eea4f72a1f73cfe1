import * as tf from '@tensorflow/tfjs';
import { prelu } from '@kd/runtime';
import { Module, countingOps, reportOp, type BatchNorm2d } from '@kd/nn';

/**
 * PyTorch `nn.PReLU(C)`: per-channel y = max(0,x) + a_c·min(0,x), a initialised to 0.25.
 * x [N,H,W,C] → same shape. Parameter name `weight` ([C]), as in the official state_dicts.
 */
export class PReLU extends Module {
  readonly weight: tf.Variable;

  constructor(
    readonly channels: number,
    init = 0.25,
  ) {
    super();
    this.weight = this.param('weight', tf.fill([channels], init));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    // core's prelu: tf.prelu, with a fused backward kernel on wasm (same values)
    const y = prelu(x, this.weight as tf.Tensor as tf.Tensor1D);
    if (countingOps()) reportOp({ kind: 'elementwise', name: 'prelu', macs: 0, flops: y.size, outShape: y.shape });
    return y;
  }

  /** this.forward(bn.forward(x)), as one fused op in training (BatchNorm2d.forwardPrelu; same values). */
  afterBatchNorm(bn: BatchNorm2d, x: tf.Tensor4D): tf.Tensor4D {
    const y = bn.forwardPrelu(x, this.weight as tf.Tensor as tf.Tensor1D);
    if (countingOps()) reportOp({ kind: 'elementwise', name: 'prelu', macs: 0, flops: y.size, outShape: y.shape });
    return y;
  }
}
