import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { BatchNorm2d, Conv2d, Module, countingOps, reportOp } from '@kd/nn';

/** YOLOX's BatchNorm settings (Megvii `BaseConv`, mmdet `norm_cfg`): eps 1e-3, momentum 0.03. */
export const YOLOX_BN = { eps: 1e-3, momentum: 0.03 } as const;

/** SiLU (swish): x·σ(x). */
export function silu(x: tf.Tensor4D): tf.Tensor4D {
  const y = tf.tidy(() => tf.mul(x, tf.sigmoid(x)) as tf.Tensor4D);
  if (countingOps()) reportOp({ kind: 'elementwise', name: 'silu', macs: 0, flops: 2 * y.size, outShape: y.shape });
  return y;
}

export interface BaseConvOptions {
  kernel: number;
  stride?: number;
  /** Depthwise k×k (groups = channels; needs in = out). */
  depthwise?: boolean;
}

/**
 * YOLOX `BaseConv`: conv k×k (padding (k−1)/2, no bias) → BN(eps 1e-3, momentum 0.03) → SiLU.
 * x [N,H,W,in] → [N,H/stride,W/stride,out]. Children `conv`, `bn` as in the official state_dict.
 */
export class BaseConv extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;

  constructor(rng: Rng, cin: number, cout: number, opts: BaseConvOptions) {
    super();
    const k = opts.kernel;
    this.conv = this.child(
      'conv',
      new Conv2d(rng, cin, cout, {
        kernel: k,
        stride: opts.stride ?? 1,
        padding: (k - 1) >> 1,
        depthwise: opts.depthwise,
      }),
    );
    this.bn = this.child('bn', new BatchNorm2d(cout, YOLOX_BN.momentum, YOLOX_BN.eps));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => silu(this.bn.forward(this.conv.forward(x))));
  }
}

/**
 * YOLOX `DWConv`: depthwise k×k BaseConv (`dconv`) then pointwise 1×1 BaseConv (`pconv`),
 * x [N,H,W,in] → [N,H/stride,W/stride,out]. Used for every 3×3 conv of the nano variant.
 */
export class DwConv extends Module {
  readonly dconv: BaseConv;
  readonly pconv: BaseConv;

  constructor(rng: Rng, cin: number, cout: number, kernel: number, stride = 1) {
    super();
    this.dconv = this.child('dconv', new BaseConv(rng, cin, cin, { kernel, stride, depthwise: true }));
    this.pconv = this.child('pconv', new BaseConv(rng, cin, cout, { kernel: 1 }));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.pconv.forward(this.dconv.forward(x)));
  }
}

/** A k×k conv block: `DwConv` when `depthwise`, else `BaseConv` (YOLOX's `Conv = DWConv if depthwise else BaseConv`). */
export function convBlock(
  rng: Rng,
  cin: number,
  cout: number,
  kernel: number,
  stride: number,
  depthwise: boolean,
): BaseConv | DwConv {
  return depthwise ? new DwConv(rng, cin, cout, kernel, stride) : new BaseConv(rng, cin, cout, { kernel, stride });
}
