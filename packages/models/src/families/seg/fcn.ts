import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Conv2d, Module, type ForwardOptions, type TapSpec } from '@kd/nn';
import { MobileNetV2 } from '../../backbones/mobilenet-v2.ts';
import { upsample } from '../../layers/ops.ts';
import { IMAGENET_NORMALIZATION, assertInputSize, type SegModel } from '../../model.ts';
import type { WeightsInit } from '../../io/weights-id.ts';

export interface FcnOptions {
  numClasses: number;
  outputStride: 8 | 16 | 32;
  width: number;
}

/**
 * FCN student of Knowledge Adaptation (He et al. 2019, docs/methods/knowledge-adaptation.md): MobileNetV2 trunk with
 * atrous convs setting the output stride, no ASPP and no decoder, a 1×1 `classifier` (bias) to K
 * classes, bilinear (half-pixel) back to the input. x [N,H,W,3] (H, W multiples of the output
 * stride) → [logits [N,H,W,K]]. Taps c2, c3, c4 and `feat` (the last feature map, 320w @ os).
 */
export class FcnMobileNetV2 extends Module implements SegModel {
  readonly numClasses: number;
  readonly task = 'seg' as const;
  readonly inputMultiple: number;
  readonly defaultInputSize = 512;
  readonly normalization = IMAGENET_NORMALIZATION;
  readonly taps: TapSpec[];
  readonly buildOptions: Record<string, unknown>;
  readonly backbone: MobileNetV2;
  readonly classifier: Conv2d;
  /** How the trunk started (set by the factory from the `weights` option). */
  weightsInit: WeightsInit = { policy: 'none' };

  constructor(
    readonly name: string,
    rng: Rng,
    opts: FcnOptions,
  ) {
    super();
    this.buildOptions = { ...opts };
    this.numClasses = opts.numClasses;
    this.inputMultiple = opts.outputStride;
    this.backbone = this.child(
      'backbone',
      new MobileNetV2(rng.fork('backbone'), { width: opts.width, outputStride: opts.outputStride }),
    );
    const feat = this.backbone.channels[3];
    this.classifier = this.child(
      'classifier',
      new Conv2d(rng.fork('head'), feat, opts.numClasses, { kernel: 1, padding: 0, bias: true }),
    );
    const names = ['c2', 'c3', 'c4', 'feat'];
    this.taps = names.map((name, i) => ({
      name,
      channels: this.backbone.channels[i],
      stride: this.backbone.strides[i],
    }));
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions = {}): tf.Tensor4D[] {
    assertInputSize(this, x.shape);
    const feats = this.backbone.forward(x);
    feats.forEach((t, i) => opts.recorder?.record(this.taps[i].name, t));
    return [upsample(this.classifier.forward(feats[3]), [x.shape[1], x.shape[2]])];
  }
}
