import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';
import { ModuleList } from '../../layers/module-list.ts';
import { concatChannels } from '../../layers/ops.ts';
import { PReLU } from '../../layers/prelu.ts';
import { DILATIONS, type CsnetConfig } from './config.ts';
import type { Branches } from './goct-conv.ts';
import { GOctaveCbr } from './goct-cbr.ts';

/**
 * One branch of the multi-scale block: parallel 3×3 `Conv2dX100` convs with dilations
 * 1, 2, 4, 8, 16 (padding = dilation, no bias; `msconv.{d}`, absent when 0 channels), concatenated
 * in dilation order → BN (`bn`) → PReLU (`prelu`). x [N,h,w,in] → [N,h,w,Σ dil channels].
 */
class MsBlock extends Module {
  readonly msconv = new ModuleList<Conv2d>();
  readonly bn: BatchNorm2d;
  readonly prelu: PReLU;
  constructor(rng: Rng, cin: number, dil: readonly number[]) {
    super();
    this.child('msconv', this.msconv);
    dil.forEach((c, i) => {
      const d = DILATIONS[i];
      this.msconv.push(
        c > 0 ? new Conv2d(rng, cin, c, { kernel: 3, padding: d, dilation: d, weightScale: 100 }) : null,
      );
    });
    const cout = dil.reduce((a, b) => a + b, 0);
    this.bn = this.child('bn', new BatchNorm2d(cout));
    this.prelu = this.child('prelu', new PReLU(cout));
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    const ys = this.msconv.items.filter((c): c is Conv2d => c !== null).map((c) => c.forward(x));
    return this.prelu.afterBatchNorm(this.bn, concatChannels(ys));
  }
}

/** PallMSBlock: one MsBlock per branch (`convs.{i}`; a branch whose widths are all 0 is absent). */
class PallMsBlock extends Module {
  readonly convs = new ModuleList<MsBlock>();
  constructor(rng: Rng, ins: readonly number[], dil: readonly number[][]) {
    super();
    this.child('convs', this.convs);
    dil.forEach((d, i) => this.convs.push(Math.max(...d) > 0 && ins[i] > 0 ? new MsBlock(rng, ins[i], d) : null));
  }
  forward(xs: Branches): Branches {
    return xs.map((x, i) => (x && this.convs.items[i] ? this.convs.items[i]!.forward(x) : null));
  }
}

/**
 * Cross-stage fusion head (CSF). Inputs [x2, x3, x4] (strides 2, 4, 8) as three gOctConv
 * branches → `fuse` gOctaveCBR 1×1 → `ms` (per-branch dilated convs, BN, PReLU) → `fuse1x1`
 * gOctaveCBR 1×1 to one branch at stride 2 ([N,H/2,W/2,fuse1x1]).
 */
export class CsfHead extends Module {
  readonly fuse: GOctaveCbr;
  readonly ms: PallMsBlock;
  readonly fuse1x1: GOctaveCbr;

  constructor(rng: Rng, ins: readonly number[], cfg: Pick<CsnetConfig, 'fuse' | 'msDil' | 'fuse1x1'>) {
    super();
    this.fuse = this.child('fuse', new GOctaveCbr(rng, ins, cfg.fuse, { kernel: 1 }));
    this.ms = this.child('ms', new PallMsBlock(rng, cfg.fuse, cfg.msDil));
    const msOut = cfg.msDil.map((d) => d.reduce((a, b) => a + b, 0));
    this.fuse1x1 = this.child('fuse1x1', new GOctaveCbr(rng, msOut, [cfg.fuse1x1], { kernel: 1 }));
  }

  forward(xs: Branches): tf.Tensor4D {
    const y = this.fuse1x1.forward(this.ms.forward(this.fuse.forward(xs)))[0];
    if (!y) throw new Error('CSF head: every branch was pruned away');
    return y;
  }
}
