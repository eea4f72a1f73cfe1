import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import type { ForwardOptions, Module, TapSpec } from '@kd/nn';
import { MobileNetV2 } from '../../backbones/mobilenet-v2.ts';
import { makeDivisible } from '../../backbones/mobilenet-v3.ts';
import { ConvBnAct } from '../../layers/conv-bn-act.ts';
import { kaimingNormalFanOut } from '../../layers/init.ts';
import type { WeightsInit } from '../../io/weights-id.ts';
import { IMAGENET_NORMALIZATION, type BackboneModel } from '../../model.ts';

/**
 * The `features.N` indices tapped: the last block before each stride change (torchvision's
 * stage ends), plus `features.17`, the last inverted residual (320 channels, what DeepLab/FCN use).
 */
export const MBV2_TAPS = [
  { index: 1, stride: 2 },
  { index: 3, stride: 4 },
  { index: 6, stride: 8 },
  { index: 13, stride: 16 },
  { index: 17, stride: 32 },
  { index: 18, stride: 32 },
] as const;

/**
 * torchvision MobileNetV2 `features` (19 modules, including `features.18`, the 1×1 conv to 1280
 * → BN → ReLU6) without the classifier; state_dict keys as torchvision's. x [N,H,W,3]
 * normalised RGB, H and W multiples of 32 → outputs and taps `features.1` [N,H/2,W/2,16],
 * `features.3` [/4, 24], `features.6` [/8, 32], `features.13` [/16, 96], `features.17`
 * [/32, 320], `features.18` [/32, 1280] (channels ×`width` by `makeDivisible`, except 1280 for width ≤ 1).
 */
export class MobileNetV2Backbone extends MobileNetV2 implements BackboneModel {
  readonly task = 'features' as const;
  readonly taps: TapSpec[];
  readonly normalization = IMAGENET_NORMALIZATION;
  readonly inputMultiple = 32;
  readonly defaultInputSize = 224;
  readonly buildOptions: Record<string, unknown>;
  /** How the weights started (set by the factory from the `weights` option). */
  weightsInit: WeightsInit = { policy: 'none' };

  constructor(
    readonly name: string,
    rng: Rng,
    width = 1,
  ) {
    super(rng, { width, outputStride: 32 });
    this.buildOptions = { width };
    const last = makeDivisible(1280 * Math.max(1, width));
    this.features.push(
      new ConvBnAct(rng, this.channels[3], last, {
        kernel: 1,
        padding: 0,
        act: 'relu6',
        names: ['0', '1'],
        init: kaimingNormalFanOut,
      }),
    );
    const channels: Record<number, number> = {
      1: makeDivisible(16 * width),
      3: this.channels[0],
      6: this.channels[1],
      13: this.channels[2],
      17: this.channels[3],
      18: last,
    };
    this.taps = MBV2_TAPS.map(({ index, stride }) => ({
      name: `features.${index}`,
      channels: channels[index],
      stride,
    }));
  }

  override forward(x: tf.Tensor4D, opts: ForwardOptions = {}): tf.Tensor4D[] {
    const [, h, w] = x.shape;
    if (h % 32 || w % 32) throw new Error(`${this.name}: input H and W must be multiples of 32, got ${h}×${w}`);
    const out: tf.Tensor4D[] = [];
    let y = x;
    this.features.items.forEach((m, i) => {
      y = (m as Module & { forward(t: tf.Tensor4D): tf.Tensor4D }).forward(y);
      if (MBV2_TAPS.some((t) => t.index === i)) {
        opts.recorder?.record(`features.${i}`, y);
        out.push(y);
      }
    });
    return out;
  }
}
