import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';
import { kaimingNormalFanOut } from '../layers/init.ts';
import { ModuleList } from '../layers/module-list.ts';
import { BasicBlock, Downsample } from './basic-block.ts';
import { add, maxPool } from '../layers/ops.ts';

/**
 * ResNet v1.5 bottleneck (stride on the 3×3, as torchvision and Paddle's SCFNet backbone):
 * 1×1 → BN → ReLU → 3×3 (stride, dilation) → BN → ReLU → 1×1 (×4) → BN, + shortcut, ReLU.
 */
class Bottleneck extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly downsample: Downsample | null;
  constructor(rng: Rng, cin: number, planes: number, stride: number, dilation: number, downsample: boolean) {
    super();
    const init = kaimingNormalFanOut;
    this.conv1 = this.child('conv1', new Conv2d(rng, cin, planes, { kernel: 1, padding: 0, init }));
    this.bn1 = this.child('bn1', new BatchNorm2d(planes));
    this.conv2 = this.child(
      'conv2',
      new Conv2d(rng, planes, planes, { kernel: 3, stride, dilation, padding: dilation, init }),
    );
    this.bn2 = this.child('bn2', new BatchNorm2d(planes));
    this.conv3 = this.child('conv3', new Conv2d(rng, planes, planes * 4, { kernel: 1, padding: 0, init }));
    this.bn3 = this.child('bn3', new BatchNorm2d(planes * 4));
    this.downsample = downsample ? this.child('downsample', new Downsample(rng, cin, planes * 4, stride)) : null;
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    let y = tf.relu(this.bn1.forward(this.conv1.forward(x))) as tf.Tensor4D;
    y = tf.relu(this.bn2.forward(this.conv2.forward(y))) as tf.Tensor4D;
    y = this.bn3.forward(this.conv3.forward(y));
    return tf.relu(add(y, this.downsample ? this.downsample.forward(x) : x)) as tf.Tensor4D;
  }
}

export interface ResNetOptions {
  /** Blocks per stage; [3,4,6,3] is ResNet-50. */
  layers?: [number, number, number, number];
  /** Channel multiplier on every width (64·w stem, 64/128/256/512·w planes); 1 is the real net. */
  width?: number;
  /** Total stride of the last stage: 32 (plain), 16 or 8 (later stages atrous, torchvision's replace_stride_with_dilation). */
  outputStride?: 8 | 16 | 32;
  /** 'bottleneck' (default; ResNet-50/101, expansion 4) or 'basic' (ResNet-18/34, expansion 1). */
  block?: 'basic' | 'bottleneck';
}

/**
 * ResNet trunk (no pooling/fc). x [N,H,W,3] → [c2, c3, c4, c5] with 256/512/1024/2048·w channels
 * (64/128/256/512·w with basic blocks) at strides 4, 8, 16, 32 (or 4, 8, 16, 16 / 4, 8, 8, 8
 * when atrous). Stem: 7×7/2 conv, BN, ReLU, 3×3/2 max-pool (padding 1). torchvision / Paddle
 * state_dict names.
 */
export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly stages: ModuleList<Bottleneck | BasicBlock>[] = [];
  readonly channels: [number, number, number, number];
  readonly strides: [number, number, number, number];

  constructor(rng: Rng, opts: ResNetOptions = {}) {
    super();
    const layers = opts.layers ?? [3, 4, 6, 3];
    const w = opts.width ?? 1;
    const os = opts.outputStride ?? 32;
    const basic = opts.block === 'basic';
    const e = basic ? BasicBlock.expansion : 4;
    const stem = Math.max(8, Math.round(64 * w));
    this.conv1 = this.child(
      'conv1',
      new Conv2d(rng, 3, stem, { kernel: 7, stride: 2, padding: 3, init: kaimingNormalFanOut }),
    );
    this.bn1 = this.child('bn1', new BatchNorm2d(stem));
    let cin = stem;
    let stride = 4;
    let dilation = 1;
    const chans: number[] = [];
    const strides: number[] = [];
    layers.forEach((n, si) => {
      const planes = Math.max(2, Math.round(64 * 2 ** si * w));
      let s = si === 0 ? 1 : 2;
      const prevDilation = dilation;
      if (s === 2 && stride >= os) {
        dilation *= 2;
        s = 1;
      }
      stride *= s;
      const stage = this.child(`layer${si + 1}`, new ModuleList<Bottleneck | BasicBlock>());
      for (let b = 0; b < n; b++) {
        const first = b === 0;
        const Block = basic ? BasicBlock : Bottleneck;
        stage.push(
          new Block(
            rng,
            cin,
            planes,
            first ? s : 1,
            first ? prevDilation : dilation,
            first && (s !== 1 || cin !== planes * e),
          ),
        );
        cin = planes * e;
      }
      this.stages.push(stage);
      chans.push(cin);
      strides.push(stride);
    });
    this.channels = chans as [number, number, number, number];
    this.strides = strides as [number, number, number, number];
  }

  forward(x: tf.Tensor4D): tf.Tensor4D[] {
    let h = maxPool(tf.relu(this.bn1.forward(this.conv1.forward(x))) as tf.Tensor4D, 3, 2, 1);
    return this.stages.map((stage) => {
      for (const b of stage.items) h = b!.forward(h);
      return h;
    });
  }
}
