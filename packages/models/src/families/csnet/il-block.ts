import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module, type BatchNorm2d } from '@kd/nn';
import type { ModuleList } from '../../layers/module-list.ts';
import { reportDwdPair } from './dwd-pairs.ts';
import type { Branches } from './goct-conv.ts';
import { GOctaveCbr, SimplifiedGOctConvBr } from './goct-cbr.ts';

/**
 * CSNet's ILBlock (ins → outs branches): `conv1x1` gOctaveCBR (3×3 for the network's first block
 * and for stride-2 blocks, else 1×1), then `conv3x3_1` and `conv3x3_2`, two
 * SimplifiedGOctConvBR (per-branch depthwise 3×3 ×100 → BN → PReLU).
 */
export class IlBlock extends Module {
  readonly conv1x1: GOctaveCbr;
  readonly conv3x3_1: SimplifiedGOctConvBr;
  readonly conv3x3_2: SimplifiedGOctConvBr;

  constructor(
    rng: Rng,
    readonly ins: readonly number[],
    readonly outs: readonly number[],
    readonly stride: 1 | 2,
    first = false,
  ) {
    super();
    const k = first || stride === 2 ? 3 : 1;
    this.conv1x1 = this.child('conv1x1', new GOctaveCbr(rng, ins, outs, { kernel: k, stride }));
    this.conv3x3_1 = this.child('conv3x3_1', new SimplifiedGOctConvBr(rng, outs));
    this.conv3x3_2 = this.child('conv3x3_2', new SimplifiedGOctConvBr(rng, outs));
  }

  forward(xs: Branches): Branches {
    const a = this.conv1x1.forward(xs);
    this.report('conv1x1', this.conv1x1.bns, a);
    const b = this.conv3x3_1.forward(a);
    this.report('conv3x3_1', this.conv3x3_1.bns, b);
    const c = this.conv3x3_2.forward(b);
    this.report('conv3x3_2', this.conv3x3_2.bns, c);
    return c;
  }

  /** Reports each branch's (BN γ, post-PReLU output) for dynamic weight decay (see dwd-pairs.ts). */
  private report(sub: string, bns: ModuleList<BatchNorm2d>, ys: Branches): void {
    ys.forEach((y, j) => {
      if (y) reportDwdPair({ name: `${sub}.bns.${j}`, gamma: bns.at(j).weight as tf.Tensor1D, activation: y });
    });
  }
}
