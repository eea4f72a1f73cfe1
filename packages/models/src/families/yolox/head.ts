import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Conv2d, Module } from '@kd/nn';
import { concatChannels } from '../../layers/ops.ts';
import { ModuleList } from '../../layers/module-list.ts';
import { convBlock, type BaseConv, type DwConv } from './base-conv.ts';

/** Bias of a sigmoid output whose initial probability is p: −log((1 − p)/p) (YOLOX prior_prob 0.01). */
export function priorBias(p: number): number {
  return -Math.log((1 - p) / p);
}

/**
 * One level of the YOLOX decoupled head (mmdet `YOLOXHead`, stacked_convs 2):
 *   cls branch: 2 × conv3×3(C) → conv_cls 1×1 → K logits
 *   reg branch: 2 × conv3×3(C) → conv_reg 1×1 → 4 (dx, dy, log w, log h in stride units)
 *                              → conv_obj 1×1 → 1 objectness logit
 * cls/obj biases start at priorBias(0.01). x [N,H,W,C] → [N,H,W,4+1+K] = [reg ‖ obj ‖ cls] (Megvii order).
 */
export class HeadLevel extends Module {
  readonly clsConvs: ModuleList<BaseConv | DwConv>;
  readonly regConvs: ModuleList<BaseConv | DwConv>;
  readonly convCls: Conv2d;
  readonly convReg: Conv2d;
  readonly convObj: Conv2d;

  constructor(
    rng: Rng,
    channels: number,
    readonly numClasses: number,
    depthwise: boolean,
    stacked = 2,
  ) {
    super();
    this.clsConvs = this.child('cls_convs', new ModuleList<BaseConv | DwConv>());
    this.regConvs = this.child('reg_convs', new ModuleList<BaseConv | DwConv>());
    for (let i = 0; i < stacked; i++) {
      this.clsConvs.push(convBlock(rng, channels, channels, 3, 1, depthwise));
      this.regConvs.push(convBlock(rng, channels, channels, 3, 1, depthwise));
    }
    this.convCls = this.child('conv_cls', new Conv2d(rng, channels, numClasses, { kernel: 1, bias: true }));
    this.convReg = this.child('conv_reg', new Conv2d(rng, channels, 4, { kernel: 1, bias: true }));
    this.convObj = this.child('conv_obj', new Conv2d(rng, channels, 1, { kernel: 1, bias: true }));
    const b = priorBias(0.01);
    tf.tidy(() => {
      this.convCls.bias!.assign(tf.fill([numClasses], b));
      this.convObj.bias!.assign(tf.fill([1], b));
    });
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let c = x,
        r = x;
      for (const m of this.clsConvs.items) c = m!.forward(c);
      for (const m of this.regConvs.items) r = m!.forward(r);
      return concatChannels([this.convReg.forward(r), this.convObj.forward(r), this.convCls.forward(c)]);
    });
  }
}

/** The three head levels (children `0`, `1`, `2` at strides 8, 16, 32). */
export class DecoupledHead extends ModuleList<HeadLevel> {
  constructor(rng: Rng, channels: number, numClasses: number, depthwise: boolean, levels = 3) {
    super();
    for (let i = 0; i < levels; i++) this.push(new HeadLevel(rng.fork(`level${i}`), channels, numClasses, depthwise));
  }
}
