import type { Rng } from '@kd/core';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';
import { ModuleList } from '../../layers/module-list.ts';
import { PReLU } from '../../layers/prelu.ts';
import { GOctConv, type Branches, type GOctConvOptions } from './goct-conv.ts';

/** Per-branch BN → PReLU lists (`bns.{j}`, `prelus.{j}`; absent for zero-width branches). */
function branchNorms(widths: readonly number[]): [ModuleList<BatchNorm2d>, ModuleList<PReLU>] {
  const bns = new ModuleList<BatchNorm2d>();
  const prelus = new ModuleList<PReLU>();
  for (const c of widths) {
    bns.push(c > 0 ? new BatchNorm2d(c) : null);
    prelus.push(c > 0 ? new PReLU(c) : null);
  }
  return [bns, prelus];
}

/** gOctaveCBR: gOctConv, then per output branch BN → PReLU. Names `conv`, `bns.{j}`, `prelus.{j}`. */
export class GOctaveCbr extends Module {
  readonly conv: GOctConv;
  readonly bns: ModuleList<BatchNorm2d>;
  readonly prelus: ModuleList<PReLU>;

  constructor(
    rng: Rng,
    readonly ins: readonly number[],
    readonly outs: readonly number[],
    opts: GOctConvOptions,
  ) {
    super();
    this.conv = this.child('conv', new GOctConv(rng, ins, outs, opts));
    [this.bns, this.prelus] = branchNorms(outs);
    this.child('bns', this.bns);
    this.child('prelus', this.prelus);
  }

  forward(xs: Branches): Branches {
    return this.conv.forward(xs).map((y, j) => (y ? this.prelus.at(j).afterBatchNorm(this.bns.at(j), y) : null));
  }
}

/**
 * SimplifiedGOctConvBR: per branch a depthwise 3×3 `Conv2dX100` (forward uses 100·W) → BN →
 * PReLU; branches never mix. Names `convs.{i}`, `bns.{i}`, `prelus.{i}`.
 */
export class SimplifiedGOctConvBr extends Module {
  readonly convs = new ModuleList<Conv2d>();
  readonly bns: ModuleList<BatchNorm2d>;
  readonly prelus: ModuleList<PReLU>;

  constructor(
    rng: Rng,
    readonly widths: readonly number[],
  ) {
    super();
    this.child('convs', this.convs);
    for (const c of widths)
      this.convs.push(
        c > 0 ? new Conv2d(rng, c, c, { kernel: 3, padding: 1, depthwise: true, weightScale: 100 }) : null,
      );
    [this.bns, this.prelus] = branchNorms(widths);
    this.child('bns', this.bns);
    this.child('prelus', this.prelus);
  }

  forward(xs: Branches): Branches {
    return xs.map((x, i) =>
      x && this.widths[i] > 0 ? this.prelus.at(i).afterBatchNorm(this.bns.at(i), this.convs.at(i).forward(x)) : null,
    );
  }
}
