import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module } from '@kd/nn';
import { ConvBnAct } from '../../layers/conv-bn-act.ts';
import { kaimingNormalFanOut } from '../../layers/init.ts';
import { ModuleList } from '../../layers/module-list.ts';
import { concatChannels, globalAvgPool } from '../../layers/ops.ts';

/**
 * Atrous spatial pyramid pooling (DeepLabV3): parallel 1×1, three 3×3 atrous (rates r1..r3) and an
 * image-pooling branch (GAP → 1×1 → BN → ReLU → broadcast back), each `out` channels with
 * BN + ReLU (`convs.{0..4}`), concatenated → 1×1 `project` → BN → ReLU.
 * x [N,h,w,in] → [N,h,w,out]. The paper's dropout after `project` is left out (it would need
 * randomness outside the Rng). Image pooling with batch 1 in training mode gives β (zero variance).
 */
export class Aspp extends Module {
  readonly convs: ModuleList<ConvBnAct>;
  readonly project: ConvBnAct;

  constructor(rng: Rng, cin: number, out: number, rates: readonly [number, number, number]) {
    super();
    const init = kaimingNormalFanOut;
    this.convs = this.child('convs', new ModuleList<ConvBnAct>());
    this.convs.push(new ConvBnAct(rng, cin, out, { kernel: 1, padding: 0, act: 'relu', names: ['0', '1'], init }));
    for (const r of rates)
      this.convs.push(
        new ConvBnAct(rng, cin, out, { kernel: 3, dilation: r, padding: r, act: 'relu', names: ['0', '1'], init }),
      );
    this.convs.push(new ConvBnAct(rng, cin, out, { kernel: 1, padding: 0, act: 'relu', names: ['0', '1'], init }));
    this.project = this.child(
      'project',
      new ConvBnAct(rng, 5 * out, out, { kernel: 1, padding: 0, act: 'relu', names: ['0', '1'], init }),
    );
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = x.shape;
    const branches = this.convs.items.slice(0, 4).map((c) => c!.forward(x));
    const pooled = this.convs.at(4).forward(globalAvgPool(x));
    branches.push(h === 1 && w === 1 ? pooled : (tf.tile(pooled, [1, h, w, 1]) as tf.Tensor4D));
    return this.project.forward(concatChannels(branches));
  }
}
