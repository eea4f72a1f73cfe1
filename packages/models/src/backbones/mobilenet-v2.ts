import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';
import { ConvBnAct } from '../layers/conv-bn-act.ts';
import { kaimingNormalFanOut } from '../layers/init.ts';
import { ModuleList } from '../layers/module-list.ts';
import { add } from '../layers/ops.ts';
import { makeDivisible } from './mobilenet-v3.ts';

/** MobileNetV2 inverted-residual groups: expansion t, channels c, repeats n, stride s. */
const MBV2_GROUPS: readonly [t: number, c: number, n: number, s: number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/**
 * torchvision `InvertedResidual`: [1×1 expand → BN → ReLU6] (t ≠ 1), depthwise 3×3 (stride,
 * dilation) → BN → ReLU6, 1×1 project → BN; + x when stride 1 and in == out.
 * Names `conv.{0,1,…}` as torchvision (ConvBNReLU children `0`/`1`, then project conv and BN).
 */
class InvertedResidual extends Module {
  readonly layers: ModuleList<Module>;
  readonly residual: boolean;
  constructor(rng: Rng, cin: number, cout: number, stride: number, dilation: number, t: number) {
    super();
    const hidden = Math.round(cin * t);
    const init = kaimingNormalFanOut;
    this.residual = stride === 1 && cin === cout;
    this.layers = this.child('conv', new ModuleList<Module>());
    if (t !== 1)
      this.layers.push(
        new ConvBnAct(rng, cin, hidden, { kernel: 1, padding: 0, act: 'relu6', names: ['0', '1'], init }),
      );
    this.layers.push(
      new ConvBnAct(rng, hidden, hidden, {
        kernel: 3,
        stride,
        dilation,
        padding: dilation,
        depthwise: true,
        act: 'relu6',
        names: ['0', '1'],
        init,
      }),
    );
    this.layers.push(new Conv2d(rng, hidden, cout, { kernel: 1, padding: 0, init }));
    this.layers.push(new BatchNorm2d(cout));
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    let y = x;
    for (const m of this.layers.items) y = (m as unknown as { forward(t: tf.Tensor4D): tf.Tensor4D }).forward(y);
    return this.residual ? add(x, y) : y;
  }
}

export interface MobileNetV2Options {
  /** Width multiplier (channels via `makeDivisible(c·w, 8)`); 1 is the real net. */
  width?: number;
  /** Total stride of the last map: 8, 16 or 32, the rest done by atrous depthwise convs (DeepLab). */
  outputStride?: 8 | 16 | 32;
}

/**
 * MobileNetV2 trunk as DeepLab uses it (no final 1280 conv, no classifier). x [N,H,W,3] →
 * feature maps after groups 2, 3, 5 and 7: c2 [24w @4], c3 [32w @8], c4 [96w @min(16,os)],
 * feat [320w @os]. Once the running stride reaches `outputStride`, a would-be stride-2 block
 * keeps stride 1 at the current rate and later blocks use rate·2 (TF-slim `mobilenet` rule).
 * Names: `features.{i}` as torchvision.
 */
export class MobileNetV2 extends Module {
  readonly features: ModuleList<Module>;
  readonly channels: number[] = [];
  readonly strides: number[] = [];
  private readonly tapAfter: number[] = [];

  constructor(rng: Rng, opts: MobileNetV2Options = {}) {
    super();
    const w = opts.width ?? 1;
    const os = opts.outputStride ?? 32;
    this.features = this.child('features', new ModuleList<Module>());
    let cin = makeDivisible(32 * w);
    this.features.push(
      new ConvBnAct(rng, 3, cin, {
        kernel: 3,
        stride: 2,
        padding: 1,
        act: 'relu6',
        names: ['0', '1'],
        init: kaimingNormalFanOut,
      }),
    );
    let current = 2;
    let rate = 1;
    MBV2_GROUPS.forEach(([t, c, n, s], g) => {
      const cout = makeDivisible(c * w);
      for (let i = 0; i < n; i++) {
        const stride = i === 0 ? s : 1;
        let layerStride = stride;
        let layerRate = 1;
        if (current === os && stride > 1) {
          layerStride = 1;
          layerRate = rate;
          rate *= stride;
        } else {
          layerRate = rate;
          current *= stride;
        }
        this.features.push(new InvertedResidual(rng, cin, cout, layerStride, layerRate, t));
        cin = cout;
      }
      if (g === 1 || g === 2 || g === 4 || g === 6) {
        this.tapAfter.push(this.features.items.length - 1);
        this.channels.push(cout);
        this.strides.push(current);
      }
    });
  }

  /** Returns [c2, c3, c4, feat]. */
  forward(x: tf.Tensor4D): tf.Tensor4D[] {
    const out: tf.Tensor4D[] = [];
    let h = x;
    this.features.items.forEach((m, i) => {
      h = (m as unknown as { forward(t: tf.Tensor4D): tf.Tensor4D }).forward(h);
      if (this.tapAfter.includes(i)) out.push(h);
    });
    return out;
  }
}
