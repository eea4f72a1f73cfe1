import { Module, type Rng } from '@kd/core';
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

  constructor(rng: Rng, readonly ins: readonly number[], readonly outs: readonly number[], readonly stride: 1 | 2, first = false) {
    super();
    const k = first || stride === 2 ? 3 : 1;
    this.conv1x1 = this.child('conv1x1', new GOctaveCbr(rng, ins, outs, { kernel: k, stride }));
    this.conv3x3_1 = this.child('conv3x3_1', new SimplifiedGOctConvBr(rng, outs));
    this.conv3x3_2 = this.child('conv3x3_2', new SimplifiedGOctConvBr(rng, outs));
  }

  forward(xs: Branches): Branches {
    return this.conv3x3_2.forward(this.conv3x3_1.forward(this.conv1x1.forward(xs)));
  }
}
