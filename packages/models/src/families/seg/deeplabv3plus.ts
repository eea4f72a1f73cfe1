import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Conv2d, Module, type ForwardOptions, type TapSpec } from '@kd/nn';
import { ResNet } from '../../backbones/resnet.ts';
import { RESNET_DEPTHS, type ResNetName } from '../torchvision/resnet-backbone.ts';
import { ConvBnAct } from '../../layers/conv-bn-act.ts';
import { kaimingNormalFanOut } from '../../layers/init.ts';
import { concatChannels, upsample } from '../../layers/ops.ts';
import { IMAGENET_NORMALIZATION, assertInputSize, type SegModel } from '../../model.ts';
import type { WeightsInit } from '../../io/weights-id.ts';
import { Aspp } from './aspp.ts';

export interface DeepLabV3PlusOptions {
  numClasses: number;
  outputStride: 8 | 16;
  width: number;
  /** The ResNet trunk (torchvision depths; default resnet50). */
  trunk?: ResNetName;
}

/** DeepLabV3+ decoder: low-level 1×1 → 48w, concat with the upsampled ASPP map, two 3×3 CBRs. */
class Decoder extends Module {
  readonly project: ConvBnAct;
  readonly conv1: ConvBnAct;
  readonly conv2: ConvBnAct;
  constructor(rng: Rng, lowIn: number, highIn: number, low: number, out: number) {
    super();
    const init = kaimingNormalFanOut;
    this.project = this.child(
      'project',
      new ConvBnAct(rng, lowIn, low, { kernel: 1, padding: 0, act: 'relu', names: ['0', '1'], init }),
    );
    this.conv1 = this.child(
      'conv1',
      new ConvBnAct(rng, low + highIn, out, { kernel: 3, padding: 1, act: 'relu', names: ['0', '1'], init }),
    );
    this.conv2 = this.child(
      'conv2',
      new ConvBnAct(rng, out, out, { kernel: 3, padding: 1, act: 'relu', names: ['0', '1'], init }),
    );
  }
  forward(low: tf.Tensor4D, high: tf.Tensor4D): tf.Tensor4D {
    const up = upsample(high, [low.shape[1], low.shape[2]]);
    return this.conv2.forward(this.conv1.forward(concatChannels([this.project.forward(low), up])));
  }
}

/**
 * DeepLabV3+ teacher (Chen et al. 2018; Knowledge Adaptation's teacher, docs/methods/knowledge-adaptation.md):
 * ResNet-50 (or -101 / -18: `trunk`) trunk (atrous to output stride 16 or 8), ASPP (rates 6/12/18 at os 16, doubled at
 * os 8, 256w channels), decoder on the stride-4 `layer1` map (48w + 256w, two 3×3 CBRs),
 * 1×1 `classifier` (bias) → bilinear to the input. x [N,H,W,3] (H, W multiples of 16) →
 * [logits [N,H,W,K]]. Plain (not separable) convs as in the common ResNet ports.
 * Taps: c2, c5 (trunk), aspp (256w @ os) and `feat` (decoder output, 256w @ 4, the last feature map).
 */
export class DeepLabV3Plus extends Module implements SegModel {
  readonly numClasses: number;
  readonly task = 'seg' as const;
  readonly inputMultiple = 16;
  readonly defaultInputSize = 512;
  readonly normalization = IMAGENET_NORMALIZATION;
  readonly taps: TapSpec[];
  readonly buildOptions: Record<string, unknown>;
  readonly backbone: ResNet;
  readonly aspp: Aspp;
  readonly decoder: Decoder;
  readonly classifier: Conv2d;
  /** How the trunk started (set by the factory from the `weights` option). */
  weightsInit: WeightsInit = { policy: 'none' };

  constructor(
    readonly name: string,
    rng: Rng,
    opts: DeepLabV3PlusOptions,
  ) {
    super();
    this.buildOptions = { ...opts };
    this.numClasses = opts.numClasses;
    const w = opts.width;
    this.backbone = this.child(
      'backbone',
      new ResNet(rng.fork('backbone'), {
        width: w,
        outputStride: opts.outputStride,
        layers: [...RESNET_DEPTHS[opts.trunk ?? 'resnet50'].layers],
        block: RESNET_DEPTHS[opts.trunk ?? 'resnet50'].block,
      }),
    );
    const head = rng.fork('head');
    const c = Math.max(8, Math.round(256 * w));
    const k = 16 / opts.outputStride;
    this.aspp = this.child('aspp', new Aspp(head, this.backbone.channels[3], c, [6 * k, 12 * k, 18 * k]));
    this.decoder = this.child(
      'decoder',
      new Decoder(head, this.backbone.channels[0], c, Math.max(4, Math.round(48 * w)), c),
    );
    this.classifier = this.child(
      'classifier',
      new Conv2d(head, c, opts.numClasses, { kernel: 1, padding: 0, bias: true }),
    );
    const [c2, , , c5] = this.backbone.channels;
    this.taps = [
      { name: 'c2', channels: c2, stride: 4 },
      { name: 'c5', channels: c5, stride: opts.outputStride },
      { name: 'aspp', channels: c, stride: opts.outputStride },
      { name: 'feat', channels: c, stride: 4 },
    ];
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions = {}): tf.Tensor4D[] {
    assertInputSize(this, x.shape);
    const rec = opts.recorder;
    const [c2, , , c5] = this.backbone.forward(x);
    rec?.record('c2', c2);
    rec?.record('c5', c5);
    const a = this.aspp.forward(c5);
    rec?.record('aspp', a);
    const f = this.decoder.forward(c2, a);
    rec?.record('feat', f);
    return [upsample(this.classifier.forward(f), [x.shape[1], x.shape[2]])];
  }
}
