import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Conv2d, Module, type ForwardOptions, type TapSpec } from '@kd/nn';
import { ResNet } from '../../backbones/resnet.ts';
import { ConvBnAct } from '../../layers/conv-bn-act.ts';
import { kaimingNormalFanOut } from '../../layers/init.ts';
import { upsample } from '../../layers/ops.ts';
import type { WeightsInit } from '../../io/weights-id.ts';
import { IMAGENET_NORMALIZATION, assertInputSize, type SegModel } from '../../model.ts';
import { RESNET_DEPTHS, type ResNetName } from '../torchvision/resnet-backbone.ts';
import { Aspp } from './aspp.ts';

export interface DeepLabV3Options {
  numClasses: number;
  outputStride: 8 | 16;
  width: number;
  trunk: ResNetName;
}

/**
 * DeepLabV3 (Chen et al. 2017) as the segmentation-KD benchmarks use it (CIRKD / CWD: the
 * DeepLabV3-R101 teacher → DeepLabV3-R18 student pair BCD follows, METHODS §3, §6): a torchvision
 * ResNet trunk (`trunk`: resnet18/50/101) atrous to output stride 8 (or 16), ASPP (rates 12/24/36 at
 * os 8, 6/12/18 at os 16, 256w channels), torchvision's DeepLabHead 3×3 CBR (`head`, 256w), 1×1
 * `classifier` (bias) → bilinear (half-pixel) to the input. No decoder. x [N,H,W,3] (H, W multiples
 * of 16) → [logits [N,H,W,K]]. Taps: c2 (stride 4), c5 (trunk end, @os), aspp (256w @os) and
 * `feat` (the head's output, 256w @os: the last feature map before the classifier).
 */
export class DeepLabV3 extends Module implements SegModel {
  readonly numClasses: number;
  readonly task = 'seg' as const;
  readonly inputMultiple = 16;
  readonly defaultInputSize = 512;
  readonly normalization = IMAGENET_NORMALIZATION;
  readonly taps: TapSpec[];
  readonly buildOptions: Record<string, unknown>;
  readonly backbone: ResNet;
  readonly aspp: Aspp;
  readonly head: ConvBnAct;
  readonly classifier: Conv2d;
  /** How the trunk started (set by the factory from the `weights` option). */
  weightsInit: WeightsInit = { policy: 'none' };

  constructor(
    readonly name: string,
    rng: Rng,
    opts: DeepLabV3Options,
  ) {
    super();
    this.buildOptions = { numClasses: opts.numClasses, outputStride: opts.outputStride, width: opts.width };
    this.numClasses = opts.numClasses;
    const w = opts.width;
    const d = RESNET_DEPTHS[opts.trunk];
    this.backbone = this.child(
      'backbone',
      new ResNet(rng.fork('backbone'), {
        width: w,
        outputStride: opts.outputStride,
        layers: [...d.layers],
        block: d.block,
      }),
    );
    const head = rng.fork('head');
    const c = Math.max(8, Math.round(256 * w));
    const k = 16 / opts.outputStride;
    this.aspp = this.child('aspp', new Aspp(head, this.backbone.channels[3], c, [6 * k, 12 * k, 18 * k]));
    this.head = this.child(
      'head',
      new ConvBnAct(head, c, c, { kernel: 3, padding: 1, act: 'relu', names: ['0', '1'], init: kaimingNormalFanOut }),
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
      { name: 'feat', channels: c, stride: opts.outputStride },
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
    const f = this.head.forward(a);
    rec?.record('feat', f);
    return [upsample(this.classifier.forward(f), [x.shape[1], x.shape[2]])];
  }
}
