import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Conv2d, Module, type ForwardOptions, type TapSpec } from '@kd/nn';
import { MobileNetV3Large } from '../../backbones/mobilenet-v3.ts';
import { ResNet } from '../../backbones/resnet.ts';
import { kaimingNormalFanIn } from '../../layers/init.ts';
import type { ConvBnAct } from '../../layers/conv-bn-act.ts';
import { upsample } from '../../layers/ops.ts';
import { zeroBias } from '../../layers/zero-bias.ts';
import type { WeightsInit } from '../../io/weights-id.ts';
import { IMAGENET_NORMALIZATION, assertInputSize, type SodModel } from '../../model.ts';
import { Scfm, decoderCbr } from './scfm.ts';

/** The four per-tap mapping CBRs (`mp.cv1`..`mp.cv4`): x_k [.., in_k] → f_k [.., C]. */
class MappingModule extends Module {
  readonly cvs: ConvBnAct[];
  constructor(rng: Rng, ins: readonly number[], c: number) {
    super();
    this.cvs = ins.map((cin, i) => this.child(`cv${i + 1}`, decoderCbr(rng, cin, c)));
  }
}

export type ScfnetBackbone = 'mbv3-x0.5' | 'r50';

export interface ScfnetOptions {
  backbone: ScfnetBackbone;
  /** Decoder width C: 16 for the student, 64 for the teachers. */
  channels: number;
  /** ResNet trunk width multiplier (r50 only; 1 is the paper's teacher, smaller for CPU runs). */
  backboneWidth?: number;
}

/**
 * SCFNet (KD-SCFNet, docs/methods/kd-scfnet.md#models). x [N,H,W,3], H and W multiples of 32 →
 * [p2, p3, p4, p5], each [N,H,W,1] logits (bilinear, half-pixel, to the input size); p2 is the
 * prediction. Decoder: f_k = CBR(x_k) per tap; f5 ← CBR_dil5(f5); f4' = SCFM3(f4, f5, f5);
 * f3' = SCFM2(f3, f4', f5); f2' = SCFM1(f2, f3', f5); heads conv3×3 (C→1, bias) on f2', f3', f4', f5.
 * Taps: backbone x2..x5 (strides 4..32) and decoder d2..d5 (C channels).
 * Names as the Paddle code: `bkbone.*`, `mp.cv{1-4}.{0,1}`, `cv1`, `de{1-3}.cv{1-3}`, `linear{2-5}`.
 */
export class Scfnet extends Module implements SodModel {
  readonly task = 'sod' as const;
  readonly inputMultiple = 32;
  readonly defaultInputSize = 352;
  /** KD-SCFNet's test script upsamples σ(p2) with align_corners=True (docs/methods/kd-scfnet.md). */
  readonly outputResize = 'align-corners' as const;
  readonly normalization = IMAGENET_NORMALIZATION;
  readonly taps: TapSpec[];
  readonly buildOptions: Record<string, unknown>;
  readonly bkbone: MobileNetV3Large | ResNet;
  readonly mp: MappingModule;
  readonly cv1: ConvBnAct;
  readonly de: [Scfm, Scfm, Scfm];
  readonly heads: Conv2d[];
  /** How the backbone started (set by the factory from the `weights` option; `none` = seeded random init). */
  weightsInit: WeightsInit = { policy: 'none' };

  constructor(
    readonly name: string,
    rng: Rng,
    opts: ScfnetOptions,
  ) {
    super();
    this.buildOptions = {
      backbone: opts.backbone,
      channels: opts.channels,
      ...(opts.backboneWidth !== undefined ? { backboneWidth: opts.backboneWidth } : {}),
    };
    const c = opts.channels;
    this.bkbone = this.child(
      'bkbone',
      opts.backbone === 'r50'
        ? new ResNet(rng.fork('backbone'), { width: opts.backboneWidth ?? 1 })
        : new MobileNetV3Large(rng.fork('backbone'), 0.5),
    );
    const ins = this.bkbone instanceof ResNet ? this.bkbone.channels : this.bkbone.tapChannels;
    const dec = rng.fork('decoder');
    this.mp = this.child('mp', new MappingModule(dec, ins, c));
    this.cv1 = this.child('cv1', decoderCbr(dec, c, c, 5));
    this.de = [
      this.child('de1', new Scfm(dec, c)),
      this.child('de2', new Scfm(dec, c)),
      this.child('de3', new Scfm(dec, c)),
    ];
    this.heads = [2, 3, 4, 5].map((k) =>
      this.child(
        `linear${k}`,
        zeroBias(new Conv2d(dec, c, 1, { kernel: 3, padding: 1, bias: true, init: kaimingNormalFanIn })),
      ),
    );
    this.taps = [
      ...ins.map((ch, i) => ({ name: `x${i + 2}`, channels: ch, stride: 4 * 2 ** i })),
      ...[0, 1, 2, 3].map((i) => ({ name: `d${i + 2}`, channels: c, stride: 4 * 2 ** i })),
    ];
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions = {}): tf.Tensor4D[] {
    assertInputSize(this, x.shape);
    const rec = opts.recorder;
    let xs: tf.Tensor4D[];
    if (this.bkbone instanceof ResNet) {
      xs = this.bkbone.forward(x);
      xs.forEach((t, i) => rec?.record(`x${i + 2}`, t));
    } else xs = this.bkbone.forward(x, rec);
    const [f2, f3, f4, f5raw] = xs.map((t, i) => this.mp.cvs[i].forward(t));
    const f5 = this.cv1.forward(f5raw);
    const d4 = this.de[2].forward(f4, f5, f5);
    const d3 = this.de[1].forward(f3, d4, f5);
    const d2 = this.de[0].forward(f2, d3, f5);
    const ds = [d2, d3, d4, f5];
    ds.forEach((t, i) => rec?.record(`d${i + 2}`, t));
    const size: [number, number] = [x.shape[1], x.shape[2]];
    return ds.map((t, i) => upsample(this.heads[i].forward(t), size));
  }
}
