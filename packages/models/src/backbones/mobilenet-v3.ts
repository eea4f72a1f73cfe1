import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Conv2d, Module, hardsigmoid, type Activation, type TapRecorder } from '@kd/nn';
import { ConvBnAct } from '../layers/conv-bn-act.ts';
import { kaimingNormalFanIn } from '../layers/init.ts';
import { globalAvgPool, mul, add } from '../layers/ops.ts';
import { zeroBias } from '../layers/zero-bias.ts';
import { ModuleList } from '../layers/module-list.ts';

/** One inverted-residual row of PaddleClas' MobileNetV3 table: kernel, expand (mid), out, SE, act, stride. */
export type MbV3Row = [k: number, exp: number, out: number, se: boolean, act: 'relu' | 'hardswish', stride: number];

/** PaddleClas `NET_CONFIG['large']` (channel counts before the width scale). */
export const MBV3_LARGE: readonly MbV3Row[] = [
  [3, 16, 16, false, 'relu', 1],
  [3, 64, 24, false, 'relu', 2],
  [3, 72, 24, false, 'relu', 1],
  [5, 72, 40, true, 'relu', 2],
  [5, 120, 40, true, 'relu', 1],
  [5, 120, 40, true, 'relu', 1],
  [3, 240, 80, false, 'hardswish', 2],
  [3, 200, 80, false, 'hardswish', 1],
  [3, 184, 80, false, 'hardswish', 1],
  [3, 184, 80, false, 'hardswish', 1],
  [3, 480, 112, true, 'hardswish', 1],
  [3, 672, 112, true, 'hardswish', 1],
  [5, 672, 160, true, 'hardswish', 2],
  [5, 960, 160, true, 'hardswish', 1],
  [5, 960, 160, true, 'hardswish', 1],
];

/** PaddleClas/TF `_make_divisible`: round to a multiple of `d` (min `d`), never below 90 % of v. */
export function makeDivisible(v: number, d = 8): number {
  let n = Math.max(d, Math.floor((v + d / 2) / d) * d);
  if (n < 0.9 * v) n += d;
  return n;
}

/**
 * SE: GAP → 1×1 (C→C/4, bias) → ReLU → 1×1 (C/4→C, bias) → hardsigmoid(0.2x+0.5) → x ⊙ gate.
 * Paddle's slope 0.2, not PyTorch's 1/6. Names `conv1`, `conv2`.
 */
class SqueezeExcite extends Module {
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  constructor(rng: Rng, c: number) {
    super();
    const r = Math.floor(c / 4);
    this.conv1 = this.child(
      'conv1',
      zeroBias(new Conv2d(rng, c, r, { kernel: 1, bias: true, init: kaimingNormalFanIn })),
    );
    this.conv2 = this.child(
      'conv2',
      zeroBias(new Conv2d(rng, r, c, { kernel: 1, bias: true, init: kaimingNormalFanIn })),
    );
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    const g = hardsigmoid(this.conv2.forward(this.conv1.forward(globalAvgPool(x), 'relu')), 0.2, 0.5) as tf.Tensor4D;
    return mul(x, g);
  }
}

/**
 * Paddle `ResidualUnit`: expand 1×1 → BN → act, depthwise k×k (stride) → BN → act, [SE],
 * project 1×1 → BN; identity shortcut when stride 1 and in == out. The expand conv is kept even
 * when mid == in (block 1), unlike torchvision. Convs have no bias.
 */
class ResidualUnit extends Module {
  readonly shortcut: boolean;
  readonly expand: ConvBnAct;
  readonly dw: ConvBnAct;
  readonly se: SqueezeExcite | null;
  readonly project: ConvBnAct;
  constructor(
    rng: Rng,
    cin: number,
    mid: number,
    cout: number,
    k: number,
    stride: number,
    se: boolean,
    act: Activation,
  ) {
    super();
    const init = kaimingNormalFanIn;
    this.shortcut = stride === 1 && cin === cout;
    this.expand = this.child('expand_conv', new ConvBnAct(rng, cin, mid, { kernel: 1, padding: 0, act, init }));
    this.dw = this.child(
      'bottleneck_conv',
      new ConvBnAct(rng, mid, mid, { kernel: k, stride, padding: (k - 1) >> 1, depthwise: true, act, init }),
    );
    this.se = se ? this.child('mid_se', new SqueezeExcite(rng, mid)) : null;
    this.project = this.child('linear_conv', new ConvBnAct(rng, mid, cout, { kernel: 1, padding: 0, init }));
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    let y = this.dw.forward(this.expand.forward(x));
    if (this.se) y = this.se.forward(y);
    y = this.project.forward(y);
    return this.shortcut ? add(x, y) : y;
  }
}

/**
 * PaddleClas MobileNetV3-Large trunk (KD-SCFNet `MobileNetV3_0_5` at scale 0.5) without the last
 * 1×1 conv, pooling and classifier. x [N,H,W,3] (H, W divisible by 32) → taps after blocks 3, 6,
 * 12, 15: x2 [N,H/4,W/4,16], x3 [/8, 24], x4 [/16, 56], x5 [/32, 80] at scale 0.5.
 * Names: `conv.{conv,bn}`, `blocks.{i}.{expand_conv,bottleneck_conv,mid_se.conv1/2,linear_conv}`.
 */
export class MobileNetV3Large extends Module {
  readonly stem: ConvBnAct;
  readonly blocks: ModuleList<ResidualUnit>;
  /** Channels of the four taps x2..x5. */
  readonly tapChannels: [number, number, number, number];

  constructor(
    rng: Rng,
    readonly scale = 0.5,
  ) {
    super();
    let cin = makeDivisible(16 * scale);
    this.stem = this.child(
      'conv',
      new ConvBnAct(rng, 3, cin, { kernel: 3, stride: 2, padding: 1, act: 'hardswish', init: kaimingNormalFanIn }),
    );
    this.blocks = this.child('blocks', new ModuleList<ResidualUnit>());
    MBV3_LARGE.forEach(([k, exp, out, se, act, s]) => {
      const cout = makeDivisible(scale * out);
      this.blocks.push(new ResidualUnit(rng, cin, makeDivisible(scale * exp), cout, k, s, se, act));
      cin = cout;
    });
    const ch = (i: number) => makeDivisible(scale * MBV3_LARGE[i][2]);
    this.tapChannels = [ch(2), ch(5), ch(11), ch(14)];
  }

  /** Returns [x2, x3, x4, x5]; records them as taps `x2`..`x5`. */
  forward(x: tf.Tensor4D, recorder?: TapRecorder): tf.Tensor4D[] {
    let h = this.stem.forward(x);
    const out: tf.Tensor4D[] = [];
    this.blocks.items.forEach((b, i) => {
      h = b!.forward(h);
      if (i === 2 || i === 5 || i === 11 || i === 14) {
        recorder?.record(`x${out.length + 2}`, h);
        out.push(h);
      }
    });
    return out;
  }
}
