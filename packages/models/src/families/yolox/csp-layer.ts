import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module } from '@kd/nn';
import { add, concatChannels } from '../../layers/ops.ts';
import { ModuleList } from '../../layers/module-list.ts';
import { BaseConv, convBlock, type DwConv } from './base-conv.ts';

/**
 * YOLOX `Bottleneck` (expansion 1 inside CSP layers): y = conv2₃ₓ₃(conv1₁ₓ₁(x)) (+ x when
 * `shortcut` and in = out). x [N,H,W,cin] → [N,H,W,cout].
 */
export class Bottleneck extends Module {
  readonly conv1: BaseConv;
  readonly conv2: BaseConv | DwConv;
  readonly useAdd: boolean;

  constructor(rng: Rng, cin: number, cout: number, shortcut: boolean, depthwise: boolean, expansion = 1) {
    super();
    const hidden = Math.floor(cout * expansion);
    this.conv1 = this.child('conv1', new BaseConv(rng, cin, hidden, { kernel: 1 }));
    this.conv2 = this.child('conv2', convBlock(rng, hidden, cout, 3, 1, depthwise));
    this.useAdd = shortcut && cin === cout;
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = this.conv2.forward(this.conv1.forward(x));
      return this.useAdd ? add(y, x) : y;
    });
  }
}

/**
 * YOLOX `CSPLayer` (C3): hidden = ⌊cout·0.5⌋;
 *   y = conv3₁ₓ₁([ m(conv1₁ₓ₁(x)) ‖ conv2₁ₓ₁(x) ])
 * with `m` a stack of n Bottlenecks(hidden → hidden). x [N,H,W,cin] → [N,H,W,cout].
 */
export class CspLayer extends Module {
  readonly conv1: BaseConv;
  readonly conv2: BaseConv;
  readonly conv3: BaseConv;
  readonly m: ModuleList<Bottleneck>;

  constructor(rng: Rng, cin: number, cout: number, n: number, shortcut: boolean, depthwise: boolean) {
    super();
    const hidden = Math.floor(cout * 0.5);
    this.conv1 = this.child('conv1', new BaseConv(rng, cin, hidden, { kernel: 1 }));
    this.conv2 = this.child('conv2', new BaseConv(rng, cin, hidden, { kernel: 1 }));
    this.conv3 = this.child('conv3', new BaseConv(rng, 2 * hidden, cout, { kernel: 1 }));
    this.m = this.child('m', new ModuleList<Bottleneck>());
    for (let i = 0; i < n; i++) this.m.push(new Bottleneck(rng, hidden, hidden, shortcut, depthwise));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let x1 = this.conv1.forward(x);
      for (const b of this.m.items) x1 = b!.forward(x1);
      return this.conv3.forward(concatChannels([x1, this.conv2.forward(x)]));
    });
  }
}
