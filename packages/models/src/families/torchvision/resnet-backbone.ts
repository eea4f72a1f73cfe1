import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import type { ForwardOptions, TapSpec } from '@kd/nn';
import { ResNet } from '../../backbones/resnet.ts';
import type { WeightsInit } from '../../io/weights-id.ts';
import { IMAGENET_NORMALIZATION, type BackboneModel } from '../../model.ts';

/** torchvision depths: blocks per stage and block type. */
export const RESNET_DEPTHS = {
  resnet18: { layers: [2, 2, 2, 2], block: 'basic' },
  resnet50: { layers: [3, 4, 6, 3], block: 'bottleneck' },
  resnet101: { layers: [3, 4, 23, 3], block: 'bottleneck' },
} as const;

export type ResNetName = keyof typeof RESNET_DEPTHS;

/**
 * torchvision ResNet-18/50/101 as a registered backbone (no avgpool/fc): its state_dict keys
 * are torchvision's (`conv1.weight`, `layer3.5.bn2.running_var`, …). x [N,H,W,3] normalised
 * RGB, H and W multiples of 32 → outputs and taps `layer1`…`layer4`: [N,H/4,W/4,64e],
 * [N,H/8,W/8,128e], [N,H/16,W/16,256e], [N,H/32,W/32,512e] (e = 1 basic, 4 bottleneck; times
 * `width`, 1 for the real net).
 */
export class ResNetBackbone extends ResNet implements BackboneModel {
  readonly task = 'features' as const;
  readonly taps: TapSpec[];
  readonly normalization = IMAGENET_NORMALIZATION;
  readonly inputMultiple = 32;
  readonly defaultInputSize = 224;
  readonly buildOptions: Record<string, unknown>;
  /** How the weights started (set by the factory from the `weights` option). */
  weightsInit: WeightsInit = { policy: 'none' };

  constructor(
    readonly name: ResNetName,
    rng: Rng,
    width = 1,
  ) {
    const d = RESNET_DEPTHS[name];
    super(rng, { layers: [...d.layers], block: d.block, width });
    this.buildOptions = { width };
    this.taps = this.channels.map((channels, i) => ({ name: `layer${i + 1}`, channels, stride: this.strides[i] }));
  }

  override forward(x: tf.Tensor4D, opts: ForwardOptions = {}): tf.Tensor4D[] {
    const [, h, w] = x.shape;
    if (h % 32 || w % 32) throw new Error(`${this.name}: input H and W must be multiples of 32, got ${h}×${w}`);
    const feats = super.forward(x);
    feats.forEach((f, i) => opts.recorder?.record(this.taps[i].name, f));
    return feats;
  }
}
