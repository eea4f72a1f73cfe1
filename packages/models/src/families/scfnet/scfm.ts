import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module } from '@kd/nn';
import { ConvBnAct } from '../../layers/conv-bn-act.ts';
import { kaimingNormalFanIn } from '../../layers/init.ts';
import { add, mul, upsample } from '../../layers/ops.ts';
import { zeroBias } from '../../layers/zero-bias.ts';

/**
 * KD-SCFNet's conv3×3 (bias) → BN → ReLU, named like its `nn.Sequential` (`0` conv, `1` BN).
 * Init as SCFNet's `weight_init`: Kaiming-normal weight, zero bias, BN γ=1, β=0.
 */
export function decoderCbr(rng: Rng, cin: number, cout: number, dilation = 1): ConvBnAct {
  const m = new ConvBnAct(rng, cin, cout, {
    kernel: 3,
    padding: dilation,
    dilation,
    bias: true,
    act: 'relu',
    names: ['0', '1'],
    init: kaimingNormalFanIn,
  });
  zeroBias(m.conv);
  return m;
}

/**
 * Semantics-guided contextual fusion module, docs/methods/kd-scfnet.md#models. All maps [N,h,w,C]:
 *   fdh = cv1( fh + fh ⊙ up(fd → size(fh)) )
 *   fhl = cv2( fl + fl ⊙ up(fh → size(fl)) )
 *   out = cv3( fhl + up(fdh → size(fl)) )         (bilinear, half-pixel centres)
 * fl is the finer lateral feature, fh the coarser decoded one, fd the deepest (guide) feature.
 */
export class Scfm extends Module {
  readonly cv1: ConvBnAct;
  readonly cv2: ConvBnAct;
  readonly cv3: ConvBnAct;

  constructor(rng: Rng, c: number) {
    super();
    this.cv1 = this.child('cv1', decoderCbr(rng, c, c));
    this.cv2 = this.child('cv2', decoderCbr(rng, c, c));
    this.cv3 = this.child('cv3', decoderCbr(rng, c, c));
  }

  forward(fl: tf.Tensor4D, fh: tf.Tensor4D, fd: tf.Tensor4D): tf.Tensor4D {
    const hSize: [number, number] = [fh.shape[1], fh.shape[2]];
    const lSize: [number, number] = [fl.shape[1], fl.shape[2]];
    const fdh = this.cv1.forward(add(fh, mul(fh, upsample(fd, hSize))));
    const fhl = this.cv2.forward(add(fl, mul(fl, upsample(fh, lSize))));
    return this.cv3.forward(add(fhl, upsample(fdh, lSize)));
  }
}
