import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';
import { kaimingNormalFanOut } from '../layers/init.ts';
import { ModuleList } from '../layers/module-list.ts';
import { add } from '../layers/ops.ts';

/** 1×1 conv (stride) + BN shortcut, torchvision names `downsample.0` / `downsample.1`. */
export class Downsample extends ModuleList<Module> {
  constructor(rng: Rng, cin: number, cout: number, stride: number) {
    super();
    this.push(new Conv2d(rng, cin, cout, { kernel: 1, stride, padding: 0, init: kaimingNormalFanOut }));
    this.push(new BatchNorm2d(cout));
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return (this.items[1] as BatchNorm2d).forward((this.items[0] as Conv2d).forward(x));
  }
}

/**
 * torchvision `BasicBlock` (ResNet-18/34, expansion 1): 3×3 (stride, dilation) → BN → ReLU →
 * 3×3 (dilation) → BN, + shortcut, ReLU. x [N,H,W,cin] → [N,H/stride,W/stride,planes].
 * Names `conv1`, `bn1`, `conv2`, `bn2`, `downsample.{0,1}` as torchvision.
 */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Downsample | null;
  constructor(rng: Rng, cin: number, planes: number, stride: number, dilation: number, downsample: boolean) {
    super();
    const init = kaimingNormalFanOut;
    this.conv1 = this.child(
      'conv1',
      new Conv2d(rng, cin, planes, { kernel: 3, stride, dilation, padding: dilation, init }),
    );
    this.bn1 = this.child('bn1', new BatchNorm2d(planes));
    this.conv2 = this.child('conv2', new Conv2d(rng, planes, planes, { kernel: 3, dilation, padding: dilation, init }));
    this.bn2 = this.child('bn2', new BatchNorm2d(planes));
    this.downsample = downsample ? this.child('downsample', new Downsample(rng, cin, planes, stride)) : null;
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    const y = this.bn2.forward(this.conv2.forward(tf.relu(this.bn1.forward(this.conv1.forward(x))) as tf.Tensor4D));
    return tf.relu(add(y, this.downsample ? this.downsample.forward(x) : x)) as tf.Tensor4D;
  }
}
